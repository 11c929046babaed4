//! Programme records (`kind = "records"`) and indicators against targets (`kind = "indicators"`):
//! located errors in the records and the analyses, the numbers against a hand computation,
//! status boundaries, disclosure of people's counts (with an attacker solving the published
//! totals), byte-identical reruns, and a recommendation rule on a status.

use std::path::Path;

use serde_json::Value;

use crate::common::{analysis_of_kind, check, run_study};

/// ambito;anno;presi_in_carico;con_progetto;con_tutor;tutor;conferenze;fondi_assegnati;fondi_spesi
const RECORDS: &str = "\
ambito;anno;presi_in_carico;con_progetto;con_tutor;tutor;conferenze;fondi_assegnati;fondi_spesi
Prato;2023;20;10;8;2;1;100000;40000
Firenze;2023;30;15;20;3;2;150000;90000
Pisa;2023;10;6;5;1;0;50000;20000
Roma 1;2023;40;20;25;4;1;200000;100000
RM2;2023;25;12;10;2;1;120000;30000
Prato;2024;22;20;15;2;2;100000;80000
Firenze;2024;35;30;28;3;2;150000;140000
Pisa;2024;12;9;3;1;1;50000;45000
Roma 1;2024;45;30;40;4;1;200000;150000
RM2;2024;28;14;26;3;0;120000;60000
";

const ANALYSIS: &str = r#"
[[analysis]]
id = "programme"
kind = "indicators"
source = "records"
by = "region"
title = { it = "Indicatori di programma", en = "Programme indicators" }
people = ["presi_in_carico", "con_progetto", "con_tutor"]

[[analysis.indicators]]
id = "project"
label = { it = "Con progetto individualizzato", en = "With an individualised project" }
numerator = "con_progetto"
denominator = "presi_in_carico"
unit = "percent"
baseline = 55
target = 90

[[analysis.indicators]]
id = "tutor"
label = { it = "Con tutor per l'autonomia", en = "With an autonomy tutor" }
numerator = "con_tutor"
denominator = "presi_in_carico"
unit = "percent"
target = 80

[[analysis.indicators]]
id = "caseload"
label = { it = "Ragazzi per tutor", en = "Care leavers per tutor" }
numerator = "presi_in_carico"
denominator = "tutor"
unit = "ratio"
baseline = 15
target = 10
direction = "decrease"

[[analysis.indicators]]
id = "spending"
label = { it = "Fondi spesi", en = "Funds spent" }
numerator = "fondi_spesi"
denominator = "fondi_assegnati"
unit = "percent"
target = 100

[[analysis.indicators]]
id = "conferences"
label = { it = "Youth Conference", en = "Youth Conferences" }
numerator = "conferenze"
unit = "count"
target = 10
"#;

/// A study of five ambiti in two regions over two waves, its records and one indicators analysis
/// (`analysis`, plus `more` analyses after it).
fn records_study(dir: &Path, records: &str, analysis: &str, more: &str) {
    std::fs::create_dir_all(dir.join("data")).unwrap();
    std::fs::write(dir.join("data/programme-records.csv"), records).unwrap();
    std::fs::write(dir.join("analyses.toml"), format!("{analysis}\n{more}")).unwrap();
    std::fs::write(
        dir.join("study.toml"),
        r#"title = "Monitoraggio Care Leavers"
languages = ["it", "en"]
analyses = ["analyses.toml"]

[geography]
levels = ["region", "ambito"]

[[territories]]
name = "Toscana"
level = "region"

[[territories]]
name = "Prato"
level = "ambito"
parent = "Toscana"

[[territories]]
name = "Firenze"
level = "ambito"
parent = "Toscana"

[[territories]]
name = "Pisa"
level = "ambito"
parent = "Toscana"

[[territories]]
name = "Lazio"
level = "region"

[[territories]]
name = "Roma 1"
level = "ambito"
parent = "Lazio"

[[territories]]
name = "Roma 2"
level = "ambito"
parent = "Lazio"
aliases = ["RM2"]

[[waves]]
id = "2023"
label = { it = "Prima annualità", en = "First year" }

[[waves]]
id = "2024"
label = { it = "Seconda annualità", en = "Second year" }

[[sources]]
name = "records"
kind = "records"
path = "data/programme-records.csv"
territory_column = "ambito"
wave_column = "anno"
"#,
    )
    .unwrap();
}

/// The row of indicator `id` for `group` (null: Italy) in `wave`.
fn row<'a>(a: &'a Value, id: &str, group: Option<&str>, wave: &str) -> &'a Value {
    a["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == id)
        .unwrap_or_else(|| panic!("no indicator {id}"))["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["wave"] == wave && r["group"].as_str() == group)
        .unwrap_or_else(|| panic!("no row {id} {group:?} {wave}"))
}

fn close(x: &Value, expected: f64) {
    let x = x.as_f64().unwrap_or_else(|| panic!("{x} is not a number"));
    assert!((x - expected).abs() < 1e-9, "{x} vs {expected}");
}

#[test]
fn records_errors_are_located() {
    let dir = tempfile::tempdir().unwrap();
    for (edit, expected) in [
        (
            ("Pisa;2024;12", "Pistoia;2024;12"),
            "data/programme-records.csv, row 9, column A (ambito): \"Pistoia\" is not a territory of the study",
        ),
        (
            ("RM2;2024;28", "Roma 1;2024;28"),
            "data/programme-records.csv, row 11, column A (ambito): Roma 1 has a row in wave 2024 already (row 10)",
        ),
        (
            ("Prato;2024;22;20", "Prato;2024;22;-20"),
            "data/programme-records.csv, row 7, column D (con_progetto): \"-20\" is negative",
        ),
        (
            ("Firenze;2023;30;15;20;3", "Firenze;2023;30;15;20;tre"),
            "data/programme-records.csv, row 3, column F (tutor): \"tre\" is not a number",
        ),
        (
            ("Roma 1;2023", "Roma 1;2025"),
            "data/programme-records.csv, row 5, column B (anno): \"2025\" is not a wave of the study (2023, 2024)",
        ),
        (
            ("Prato;2023;20", "Toscana;2023;20"),
            "data/programme-records.csv, row 3, column A (ambito): Firenze and Toscana (row 2) are one inside the other in wave 2023",
        ),
    ] {
        records_study(dir.path(), &RECORDS.replace(edit.0, edit.1), ANALYSIS, "");
        let (code, out, err) = crate::common::check_with(dir.path(), &["--all"]);
        assert_eq!(code, 1, "{out}{err}");
        assert!(out.contains(expected), "{expected}\n{out}{err}");
        // One finding per row at fault (Toscana's row clashes with Firenze's and Pisa's).
        let errors = if expected.contains("Toscana") { "2 errors" } else { "1 error" };
        assert!(
            out.contains(&format!("rows in 7 number columns, {errors}, 0 warnings")),
            "{out}"
        );
        // `run` stops on the same errors, writing nothing.
        let done = crate::common::capakit()
            .arg("run")
            .arg(dir.path())
            .arg("--out")
            .arg(dir.path().join("out"))
            .output()
            .unwrap();
        assert_eq!(done.status.code(), Some(1));
        // The same finding (alike ones in a column are one line: the message is the same).
        let message = expected.split_once("): ").map_or(expected, |(_, m)| m);
        assert!(String::from_utf8_lossy(&done.stderr).contains(message));
    }
    // An analysis naming a column the records do not have, at its place, with the columns.
    records_study(
        dir.path(),
        RECORDS,
        &ANALYSIS.replace("numerator = \"con_tutor\"", "numerator = \"con_tutore\""),
        "",
    );
    let (code, out, err) = check(dir.path());
    assert_eq!(code, 2, "{out}{err}");
    assert!(
        err.contains("analyses.toml, line 22, column 13: 'con_tutore' is not a column of data/programme-records.csv (columns: presi_in_carico, con_progetto, con_tutor, tutor, conferenze, fondi_assegnati, fondi_spesi)"),
        "{err}"
    );
    // Mistakes in the analysis itself, before any data.
    for (from, to, expected) in [
        ("unit = \"ratio\"\n", "unit = \"ratios\"\n", "line 32, column 8: unknown variant `ratios`"),
        ("target = 80\n", "target = 180\n", "line 25, column 10: indicator 'tutor': the target is a number of the indicator's unit"),
        ("baseline = 15\ntarget = 10\n", "baseline = 15\ntarget = 20\n", "indicator 'caseload': the target (20) must be below the baseline (15)"),
        ("by = \"region\"", "by = \"provincia\"", "line 6, column 6: by = 'provincia': an indicators analysis reports a level of the territories (region, ambito)"),
        ("unit = \"count\"", "unit = \"count\"\ndenominator = \"tutor\"", "indicator 'conferences': a count has no denominator"),
    ] {
        assert!(ANALYSIS.contains(from), "{from}");
        records_study(dir.path(), RECORDS, &ANALYSIS.replace(from, to), "");
        let (code, out, err) = check(dir.path());
        assert_eq!(code, 2, "{out}{err}");
        assert!(err.contains(expected), "{expected}\n{err}");
    }
}

#[test]
fn indicators_match_a_hand_computation() {
    let dir = tempfile::tempdir().unwrap();
    records_study(dir.path(), RECORDS, ANALYSIS, "");
    let (code, out, err) = check(dir.path());
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains("data/programme-records.csv: 10 rows in 7 number columns, 0 errors"),
        "{out}"
    );
    let r = run_study(dir.path(), &dir.path().join("out"), false);
    let a = analysis_of_kind(&r, "indicators");
    assert_eq!(a["latest"], "2024");
    assert_eq!(a["by"], "region");
    // By hand, wave 2024 (sums of the ambiti's rows above):
    // Toscana = Prato + Firenze + Pisa: presi 22+35+12 = 69, progetto 20+30+9 = 59,
    //   con_tutor 15+28+3 = 46, tutor 2+3+1 = 6, conferenze 2+2+1 = 5,
    //   fondi 100000+150000+50000 = 300000 assigned, 80000+140000+45000 = 265000 spent.
    // Lazio = Roma 1 + Roma 2: presi 45+28 = 73, progetto 30+14 = 44, con_tutor 40+26 = 66,
    //   tutor 4+3 = 7, conferenze 1+0 = 1, fondi 320000 assigned, 210000 spent.
    // Italy: presi 142, progetto 103, con_tutor 112, tutor 13, conferenze 6, 620000, 475000.
    let p = row(a, "project", None, "2024");
    close(&p["numerator"], 103.0);
    close(&p["denominator"], 142.0);
    close(&p["value"], 100.0 * 103.0 / 142.0); // 72.535…%
                                               // Progress from the baseline 55 to the target 90.
    close(
        &p["progress"],
        (100.0 * 103.0 / 142.0 - 55.0) / (90.0 - 55.0),
    ); // 0.501
    assert_eq!(p["status"], "off_track");
    let p = row(a, "project", Some("Toscana"), "2024");
    close(&p["value"], 100.0 * 59.0 / 69.0);
    close(&p["progress"], (100.0 * 59.0 / 69.0 - 55.0) / 35.0); // 0.872
    assert_eq!(p["status"], "at_risk");
    let p = row(a, "project", Some("Lazio"), "2024");
    close(&p["progress"], (100.0 * 44.0 / 73.0 - 55.0) / 35.0); // 0.151
    assert_eq!(p["status"], "off_track");
    // Without a baseline: value / target.
    let t = row(a, "tutor", None, "2024");
    close(&t["value"], 100.0 * 112.0 / 142.0);
    close(&t["progress"], 100.0 * 112.0 / 142.0 / 80.0); // 0.986
    close(
        &t["percent_of_target"],
        100.0 * (100.0 * 112.0 / 142.0 / 80.0),
    );
    assert_eq!(t["status"], "on_track");
    let t = row(a, "tutor", Some("Toscana"), "2024");
    close(&t["progress"], 100.0 * 46.0 / 69.0 / 80.0); // 0.833
    assert_eq!(t["status"], "at_risk");
    // A decreasing ratio with a baseline: (value − 15) / (10 − 15).
    let c = row(a, "caseload", None, "2024");
    close(&c["value"], 142.0 / 13.0);
    close(&c["progress"], (142.0 / 13.0 - 15.0) / (10.0 - 15.0)); // 0.815
    assert_eq!(c["status"], "at_risk");
    let c = row(a, "caseload", Some("Lazio"), "2024");
    close(&c["progress"], (73.0 / 7.0 - 15.0) / (10.0 - 15.0)); // 0.914
    assert_eq!(c["status"], "on_track");
    let s = row(a, "spending", Some("Lazio"), "2024");
    close(&s["value"], 100.0 * 210000.0 / 320000.0);
    close(&s["progress"], 0.65625);
    assert_eq!(s["status"], "off_track");
    let k = row(a, "conferences", None, "2024");
    close(&k["value"], 6.0);
    assert!(k["denominator"].is_null());
    close(&k["progress"], 0.6);
    // Cross-checked with pandas 3.1.1 on the same CSV: `d.groupby("anno").sum()` and
    // `d.groupby(["anno", region]).sum()` (region mapped from the ambito), then the formulas:
    // Italy project 72.53521126760563 % (progress 0.5010060362173038), tutor 78.87323943661971 %
    // (0.9859154929577464), caseload 10.923076923076923 (0.8153846153846154); Toscana tutor
    // 66.66666666666667 % (0.8333333333333334); Lazio spending 65.625 %.
    for (id, group, value, progress) in [
        ("project", None, 72.53521126760563, 0.5010060362173038),
        ("tutor", None, 78.87323943661971, 0.9859154929577464),
        ("caseload", None, 10.923076923076923, 0.8153846153846154),
        (
            "tutor",
            Some("Toscana"),
            66.66666666666667,
            0.8333333333333334,
        ),
        ("spending", Some("Lazio"), 65.625, 0.65625),
    ] {
        let x = row(a, id, group, "2024");
        close(&x["value"], value);
        close(&x["progress"], progress);
    }
    // The earlier wave, Italy: progetto 10+15+6+20+12 = 63 of 20+30+10+40+25 = 125.
    let p = row(a, "project", None, "2023");
    close(&p["value"], 100.0 * 63.0 / 125.0);
    close(&p["progress"], (100.0 * 63.0 / 125.0 - 55.0) / 35.0);
    // The outputs: a chapter with the status as a word beside its symbol, the method and its
    // reference, the workbook's sheet and the brief's findings.
    let html = std::fs::read_to_string(dir.path().join("out/report.html")).unwrap();
    assert!(
        html.contains("✖&nbsp;in ritardo") && html.contains("▲&nbsp;a rischio"),
        "no status words"
    );
    assert!(html.contains("Kusek, J. Z., &amp; Rist, R. C. (2004). Ten Steps to a Results-Based Monitoring and Evaluation System"));
    assert!(html.contains("(valore − b) ÷ (obiettivo − b)"));
    let md = std::fs::read_to_string(dir.path().join("out/report.md"))
        .unwrap()
        .replace("**", "");
    assert!(
        md.contains("| Con progetto individualizzato | 55,0\u{a0}% | 90,0\u{a0}% | 72,5\u{a0}% | 50\u{a0}% | ✖\u{a0}in ritardo |"),
        "{md}"
    );
    let brief = std::fs::read_to_string(dir.path().join("out/brief.md")).unwrap_or_default();
    let brief = if brief.is_empty() {
        std::fs::read_to_string(dir.path().join("out/brief.html")).unwrap()
    } else {
        brief
    };
    assert!(
        brief.contains("In ritardo rispetto all'obiettivo a livello nazionale: Con progetto individualizzato e Youth Conference"),
        "{brief}"
    );
    let mut book: calamine::Xlsx<_> =
        calamine::open_workbook(dir.path().join("out/tables.xlsx")).unwrap();
    let sheet = calamine::Reader::worksheet_range(&mut book, "programme").unwrap();
    assert_eq!(
        sheet.get((0, 13)),
        Some(&calamine::Data::String("status".into()))
    );
    // 5 indicators × 3 groups (Italy and two regions) × 2 waves, and the header.
    assert_eq!(sheet.height(), 31);
}

#[test]
fn status_follows_the_thresholds_at_their_boundaries() {
    let dir = tempfile::tempdir().unwrap();
    // Toscana's caseload in 2024: 69 young people, 6 tutors: 11.5; progress from 15 to 10 is
    // (11.5 − 15) / (10 − 15) = 0.7 exactly, at the at_risk threshold.
    records_study(dir.path(), RECORDS, ANALYSIS, "");
    let r = run_study(dir.path(), &dir.path().join("out"), false);
    let c = row(
        analysis_of_kind(&r, "indicators"),
        "caseload",
        Some("Toscana"),
        "2024",
    );
    close(&c["progress"], 0.7);
    assert_eq!(c["status"], "at_risk");
    // The same progress at on_track = 0.7 is on track; just below at_risk = 0.7000001, off track.
    for (status, expected) in [
        ("status = { on_track = 0.7, at_risk = 0.5 }", "on_track"),
        (
            "status = { on_track = 0.9, at_risk = 0.7000001 }",
            "off_track",
        ),
    ] {
        let analysis = ANALYSIS.replace("people = [", &format!("{status}\npeople = ["));
        records_study(dir.path(), RECORDS, &analysis, "");
        let out = dir.path().join(format!("out-{expected}"));
        let r = run_study(dir.path(), &out, false);
        let a = analysis_of_kind(&r, "indicators");
        let c = row(a, "caseload", Some("Toscana"), "2024");
        assert_eq!(c["status"], expected, "{status}");
    }
    // Thresholds out of order are refused at their place.
    records_study(
        dir.path(),
        RECORDS,
        &ANALYSIS.replace(
            "people = [",
            "status = { on_track = 0.5, at_risk = 0.7 }\npeople = [",
        ),
        "",
    );
    let (code, _, err) = check(dir.path());
    assert_eq!(code, 2);
    assert!(err.contains("line 8, column 38: status thresholds are shares of the way to the target with 0 < at_risk < on_track"), "{err}");
    // 0 ÷ 0 is not computable, never NaN.
    let zero = RECORDS
        .replace("Roma 1;2024;45;30;40;4", "Roma 1;2024;0;0;0;4")
        .replace("RM2;2024;28;14;26;3", "RM2;2024;0;0;0;3");
    records_study(dir.path(), &zero, ANALYSIS, "");
    let r = run_study(dir.path(), &dir.path().join("out-zero"), false);
    let p = row(
        analysis_of_kind(&r, "indicators"),
        "project",
        Some("Lazio"),
        "2024",
    );
    assert!(p["value"].is_null() && p["progress"].is_null(), "{p}");
    assert_eq!(p["status"], "not_computable");
    let json = std::fs::read_to_string(dir.path().join("out-zero/results.json")).unwrap();
    assert!(!json.contains("NaN"));
}

/// Whether the hidden cell `target` can be worked out from the published equations: each
/// equation is Σ coefficients × hidden cells = a published number. Gaussian elimination: the
/// cell is determined when its unit vector lies in the row space of the equations.
fn determined(equations: &[Vec<f64>], target: usize) -> bool {
    let rank = |rows: &[Vec<f64>]| -> usize {
        let mut m: Vec<Vec<f64>> = rows.to_vec();
        let cols = m.first().map_or(0, Vec::len);
        let mut r = 0;
        for c in 0..cols {
            let Some(p) = (r..m.len()).find(|&i| m[i][c].abs() > 1e-9) else {
                continue;
            };
            m.swap(r, p);
            for i in 0..m.len() {
                if i != r && m[i][c].abs() > 1e-9 {
                    let f = m[i][c] / m[r][c];
                    let pivot = m[r].clone();
                    for (x, y) in m[i].iter_mut().zip(&pivot) {
                        *x -= f * y;
                    }
                }
            }
            r += 1;
        }
        r
    };
    let mut with = equations.to_vec();
    let mut unit = vec![0.0; equations.first().map_or(0, Vec::len)];
    unit[target] = 1.0;
    with.push(unit);
    rank(&with) == rank(equations)
}

#[test]
fn small_counts_are_hidden_and_cannot_be_given_back_by_the_region_totals() {
    let dir = tempfile::tempdir().unwrap();
    // Reported by ambito, beside their regions and Italy.
    records_study(
        dir.path(),
        RECORDS,
        &ANALYSIS.replace("by = \"region\"", "by = \"ambito\""),
        "",
    );
    let r = run_study(dir.path(), &dir.path().join("out"), false);
    let a = analysis_of_kind(&r, "indicators");
    let groups: Vec<(&str, &str)> = a["groups"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|g| !g["name"].is_null())
        .map(|g| (g["name"].as_str().unwrap(), g["level"].as_str().unwrap()))
        .collect();
    assert_eq!(
        groups,
        [
            ("Toscana", "region"),
            ("Prato", "ambito"),
            ("Firenze", "ambito"),
            ("Pisa", "ambito"),
            ("Lazio", "region"),
            ("Roma 1", "ambito"),
            ("Roma 2", "ambito")
        ]
    );
    // 2024: Pisa has 3 young people with a tutor (1 to 4 with min_cell 5): hidden, with the
    // share and its status; Prato (15, the smallest other ambito of Toscana) is hidden with it,
    // and Firenze (28) is shown. Roma 2 has 26 of 28: the 2 without a tutor are hidden with it,
    // and Roma 1 (40 of 45) to protect them.
    let t = row(a, "tutor", Some("Pisa"), "2024");
    assert!(t["numerator"].is_null() && t["value"].is_null() && t["progress"].is_null());
    assert_eq!(t["numerator_suppressed"], "hidden");
    assert_eq!(t["status"], "hidden");
    close(&t["denominator"], 12.0);
    let t = row(a, "tutor", Some("Roma 2"), "2024");
    assert!(t["numerator"].is_null() && t["value"].is_null(), "{t}");
    close(&row(a, "tutor", Some("Firenze"), "2024")["numerator"], 28.0);
    assert!(row(a, "tutor", Some("Roma 1"), "2024")["numerator"].is_null());
    // Funds and conferences count no one: published as they are (Roma 2 held 0, Pisa 1).
    close(&row(a, "conferences", Some("Pisa"), "2024")["value"], 1.0);
    // No count of people from 1 to 4 is published anywhere.
    let people = ["presi_in_carico", "con_progetto", "con_tutor"];
    for i in a["indicators"].as_array().unwrap() {
        for r in i["rows"].as_array().unwrap() {
            for (key, column) in [
                ("numerator", &i["numerator"]),
                ("denominator", &i["denominator"]),
            ] {
                if let (Some(x), Some(c)) = (r[key].as_f64(), column.as_str()) {
                    if people.contains(&c) {
                        assert!(!(x > 0.0 && x < 5.0), "{} {}: {x}", i["id"], r["group"]);
                    }
                }
            }
        }
    }
    // The attacker: every published total of con_tutor in 2024 and the equations between them
    // (a region = its ambiti, Italy = its regions), the hidden ones as unknowns. The naive
    // attack (Toscana − Prato − Firenze = Pisa) needs Prato, which is hidden too.
    let names = [
        "Italy", "Toscana", "Prato", "Firenze", "Pisa", "Lazio", "Roma 1", "Roma 2",
    ];
    let published: Vec<Option<f64>> = names
        .iter()
        .map(|n| {
            let g = (*n != "Italy").then_some(*n);
            row(a, "tutor", g, "2024")["numerator"].as_f64()
        })
        .collect();
    assert_eq!(published[4], None);
    assert_eq!(published[2], None, "Prato is hidden to protect Pisa");
    assert_eq!(published[3], Some(28.0));
    assert_eq!(published[1], Some(46.0));
    let hidden: Vec<usize> = (0..names.len())
        .filter(|&i| published[i].is_none())
        .collect();
    let sums: [(usize, &[usize]); 3] = [(0, &[1, 5]), (1, &[2, 3, 4]), (5, &[6, 7])];
    let mut equations = Vec::new();
    for (total, parts) in sums {
        let mut eq = vec![0.0; hidden.len()];
        let mut any = false;
        for (m, coefficient) in
            std::iter::once((total, -1.0)).chain(parts.iter().map(|&p| (p, 1.0)))
        {
            if let Some(k) = hidden.iter().position(|&h| h == m) {
                eq[k] = coefficient;
                any = true;
            }
        }
        if any {
            equations.push(eq);
        }
    }
    // The shares give nothing more: each hidden numerator's share is hidden too.
    for &h in &hidden {
        let g = (names[h] != "Italy").then_some(names[h]);
        assert!(row(a, "tutor", g, "2024")["value"].is_null());
    }
    for (k, &h) in hidden.iter().enumerate() {
        assert!(
            !determined(&equations, k),
            "{} can be worked out from the published totals",
            names[h]
        );
    }
    // Without the secondary suppression the attack would succeed: with Prato published,
    // Pisa = Toscana − Prato − Firenze.
    let naive: Vec<Vec<f64>> = vec![vec![1.0]];
    assert!(determined(&naive, 0));
    // By region only, Pisa is summed into Toscana and nothing is hidden.
    records_study(dir.path(), RECORDS, ANALYSIS, "");
    let r = run_study(dir.path(), &dir.path().join("out-region"), false);
    let t = row(
        analysis_of_kind(&r, "indicators"),
        "tutor",
        Some("Toscana"),
        "2024",
    );
    close(&t["numerator"], 46.0);
}

#[test]
fn reruns_are_byte_identical() {
    let dir = tempfile::tempdir().unwrap();
    records_study(
        dir.path(),
        RECORDS,
        &ANALYSIS.replace("by = \"region\"", "by = \"ambito\""),
        "",
    );
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    run_study(dir.path(), &a, false);
    run_study(dir.path(), &b, false);
    let mut n = 0;
    for e in std::fs::read_dir(&a).unwrap() {
        let p = e.unwrap().path();
        if p.is_file() {
            let name = p.file_name().unwrap();
            assert_eq!(
                std::fs::read(&p).unwrap(),
                std::fs::read(b.join(name)).unwrap(),
                "{}",
                p.display()
            );
            n += 1;
        }
    }
    assert!(n >= 4, "{n} files");
}

const RULES: &str = r#"
[[analysis]]
id = "recommendations"
kind = "recommendations"

[[analysis.rules]]
id = "more-conferences"
actor = "region"
priority = "high"
text = { it = "Organizzare più Youth Conference in {where} (stato: {value}).", en = "Hold more Youth Conferences in {where} (status: {value})." }
when = { analysis = "programme", indicator = "conferences", status = "off_track" }

[[analysis.rules]]
id = "tutors"
actor = "ministry"
priority = "medium"
text = { it = "Più tutor in {where}.", en = "More tutors in {where}." }
when = { analysis = "programme", indicator = "tutor", status = "off_track" }

[[analysis.rules]]
id = "projects"
actor = "ambito"
priority = "medium"
text = { it = "Progetti in {where}: {value}.", en = "Projects in {where}: {value}." }
when = { analysis = "programme", indicator = "project", value_below = 70 }
"#;

#[test]
fn a_rule_on_a_status_fires_where_it_holds() {
    let dir = tempfile::tempdir().unwrap();
    records_study(dir.path(), RECORDS, ANALYSIS, RULES);
    let r = run_study(dir.path(), &dir.path().join("out"), false);
    let rec = analysis_of_kind(&r, "recommendations");
    let fired: Vec<&str> = rec["recommendations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["id"].as_str().unwrap())
        .collect();
    // Conferences in 2024: Toscana 5 and Lazio 1 of 10, both off track; tutors on track in
    // Lazio (90.4% of 80%) and at risk in Toscana (66.7%); projects: Lazio 60.3% < 70, Toscana 85.5%.
    assert_eq!(fired, ["more-conferences", "projects"]);
    let x = &rec["recommendations"][0];
    assert_eq!(x["where"], serde_json::json!(["Toscana", "Lazio"]));
    assert_eq!(x["evidence_kind"], "records");
    assert_eq!(
        x["text"]["en"],
        "Hold more Youth Conferences in Toscana and Lazio (status: off track (Toscana), off track (Lazio))."
    );
    let y = &rec["recommendations"][1];
    assert_eq!(y["where"], serde_json::json!(["Lazio"]));
    // A bad indicator or status name is refused at its place.
    for (from, to, expected) in [
        (
            "indicator = \"tutor\", status",
            "indicator = \"tutors\", status",
            "'programme' has no indicator 'tutors' (indicators: project, tutor, caseload, spending, conferences)",
        ),
        (
            "status = \"off_track\" }\n\n[[analysis.rules]]\nid = \"projects\"",
            "status = \"late\" }\n\n[[analysis.rules]]\nid = \"projects\"",
            "status = 'late': a status is on_track, at_risk, off_track",
        ),
    ] {
        assert!(RULES.contains(from), "{from}");
        records_study(dir.path(), RECORDS, ANALYSIS, &RULES.replace(from, to));
        let (code, out, err) = check(dir.path());
        assert_eq!(code, 2, "{out}{err}");
        assert!(err.contains("analyses.toml, line ") && err.contains(expected), "{expected}\n{err}");
    }
}

#[test]
fn records_of_one_period_need_no_wave_column() {
    let dir = tempfile::tempdir().unwrap();
    // The 2024 rows without the wave column, in a study that still has waves.
    let one: String = RECORDS
        .lines()
        .filter(|l| !l.contains(";2023;"))
        .map(|l| {
            let mut cells: Vec<&str> = l.split(';').collect();
            cells.remove(1);
            cells.join(";") + "\n"
        })
        .collect();
    records_study(dir.path(), &one, ANALYSIS, "");
    crate::common::replace_in_study(dir.path(), "wave_column = \"anno\"\n", "");
    let r = run_study(dir.path(), &dir.path().join("out"), false);
    let a = analysis_of_kind(&r, "indicators");
    assert!(a["latest"].is_null() && a["waves"].as_array().unwrap().is_empty());
    let p = &a["indicators"][0]["rows"][0];
    assert!(p["wave"].is_null() && p["group"].is_null());
    close(&p["value"], 100.0 * 103.0 / 142.0);
}

#[test]
fn where_restricts_the_records_to_a_region_and_a_wave() {
    let dir = tempfile::tempdir().unwrap();
    records_study(
        dir.path(),
        RECORDS,
        &ANALYSIS.replace(
            "by = \"region\"",
            "by = \"ambito\"\nwhere = { region = \"Toscana\", wave = \"2024\" }",
        ),
        "",
    );
    let r = run_study(dir.path(), &dir.path().join("out"), false);
    let a = analysis_of_kind(&r, "indicators");
    let rows = a["indicators"][0]["rows"].as_array().unwrap();
    // Only Toscana's ambiti in 2024, and the total is theirs: (20 + 30 + 9) / (22 + 35 + 12).
    assert!(rows.iter().all(|x| x["wave"] == "2024"), "{rows:?}");
    assert!(rows
        .iter()
        .all(|x| !matches!(x["group"].as_str(), Some("Roma 1" | "Roma 2" | "Lazio"))));
    close(
        &row(a, "project", None, "2024")["value"],
        100.0 * 59.0 / 69.0,
    );
    // A region that is not one, or a key records cannot be selected by, at its line.
    records_study(
        dir.path(),
        RECORDS,
        &ANALYSIS.replace("by = \"region\"", "where = { region = \"Prato\" }"),
        "",
    );
    let (code, _, err) = check(dir.path());
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("'Prato' is not a region of the study"),
        "{err}"
    );
    records_study(
        dir.path(),
        RECORDS,
        &ANALYSIS.replace("by = \"region\"", "where = { gender = \"f\" }"),
        "",
    );
    let (_, _, err) = check(dir.path());
    assert!(
        err.contains("analyses.toml, line 6, column 11: 'gender' is not something records can be selected by"),
        "{err}"
    );
    // Recommendation rules take no `where`: it belongs to the analyses they read.
    records_study(
        dir.path(),
        RECORDS,
        ANALYSIS,
        &RULES.replace(
            "kind = \"recommendations\"",
            "kind = \"recommendations\"\nwhere = { wave = \"2024\" }",
        ),
    );
    let (code, _, err) = check(dir.path());
    assert_eq!(code, 2);
    assert!(
        err.contains("`where` does not apply to a recommendations analysis"),
        "{err}"
    );
}
