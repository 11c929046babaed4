//! Territories at two levels (regions and their ambiti) and waves of data collection: grouping
//! by a level or by wave, duplicates checked within a wave, and every mistake located.

use serde_json::Value;

use crate::common::{capakit, check, instrument, run_study};

/// One answer: id, ambito, wave, edu_1.
type Row = (String, &'static str, &'static str, u8);

/// A study of ambiti in two regions over two waves.
fn two_level_study(dir: &std::path::Path, rows: &[Row], extra: &str) {
    let mut csv = String::from("respondent_id;territory;wave;age;care_setting;edu_1;edu_2;edu_3\n");
    for (id, ambito, wave, edu1) in rows {
        csv.push_str(&format!("{id};{ambito};{wave};19;affido;{edu1};3;3\n"));
    }
    std::fs::write(dir.join("data.csv"), csv).unwrap();
    std::fs::write(
        dir.join("analyses.toml"),
        r#"
[[analysis]]
id = "by-region"
kind = "likert"
by = "region"
items = ["edu_1"]

[[analysis]]
id = "by-wave"
kind = "likert"
by = "wave"
items = ["edu_1"]
"#,
    )
    .unwrap();
    let toml = format!(
        r#"title = "Monitoraggio"
languages = ["it", "en"]
analyses = ["analyses.toml"]

[geography]
levels = ["region", "ambito"]

[[territories]]
name = "Toscana"
level = "region"
code = "09"

[[territories]]
name = "Prato"
level = "ambito"
parent = "Toscana"

[[territories]]
name = "Firenze"
level = "ambito"
parent = "Toscana"

[[territories]]
name = "Lazio"
level = "region"
code = "12"

[[territories]]
name = "Roma 1"
level = "ambito"
parent = "Lazio"
aliases = ["RM1"]

[[waves]]
id = "2023"
label = {{ it = "Prima annualità", en = "First year" }}
date = "2023"

[[waves]]
id = "2024"
label = {{ it = "Seconda annualità", en = "Second year" }}
date = "2024"

[[sources]]
path = "data.csv"
instrument = "{instrument}"
id_column = "respondent_id"
territory_column = "territory"
wave_column = "wave"
{extra}
"#,
        instrument = instrument().display(),
    );
    std::fs::write(dir.join("study.toml"), toml).unwrap();
}

/// 60 young people seen in both waves, in three ambiti; a deterministic answer per person and wave.
fn panel() -> Vec<Row> {
    let ambiti = ["Prato", "Firenze", "RM1"];
    let mut rows = Vec::new();
    for wave in ["2023", "2024"] {
        for i in 0..60u32 {
            let answer = 1 + ((i * 7 + if wave == "2024" { 3 } else { 0 }) % 5) as u8;
            rows.push((format!("CL-{i}"), ambiti[(i % 3) as usize], wave, answer));
        }
    }
    rows
}

fn groups(a: &Value) -> Vec<&str> {
    a["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g.as_str().unwrap())
        .collect()
}

#[test]
fn analyses_group_by_region_and_by_wave() {
    let dir = tempfile::tempdir().unwrap();
    let rows = panel();
    two_level_study(dir.path(), &rows, "");
    // The same 60 ids in both waves are no duplicates.
    // (The fixture leaves out most questions: warnings, no errors, so check passes.)
    let (code, out, err) = check(dir.path());
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        !out.contains("error[") && !out.contains("duplicate-id"),
        "{out}"
    );
    let r = run_study(dir.path(), &dir.path().join("out"), false);
    let by_id = |id: &str| -> Value {
        r["analyses"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["id"] == id)
            .unwrap()
            .clone()
    };
    // Counted here independently: answers of edu_1 per region and per wave.
    let count = |keep: &dyn Fn(&Row) -> bool| -> Vec<u64> {
        let mut c = vec![0u64; 5];
        for r in rows.iter().filter(|r| keep(r)) {
            c[r.3 as usize - 1] += 1;
        }
        c
    };
    let region = by_id("by-region");
    assert_eq!(groups(&region), ["Toscana", "Lazio"]);
    let item = &region["items"][0];
    let toscana = count(&|r| r.1 != "RM1");
    let lazio = count(&|r| r.1 == "RM1");
    for (g, expected) in [(0, &toscana), (1, &lazio)] {
        let counts: Vec<u64> = item["groups"][g]["counts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_u64().unwrap())
            .collect();
        assert_eq!(&counts, expected, "group {g}");
    }
    assert_eq!(item["groups"][0]["size"], 80);
    assert_eq!(item["groups"][1]["size"], 40);
    let wave = by_id("by-wave");
    assert_eq!(groups(&wave), ["2023", "2024"]);
    assert_eq!(wave["group_labels"][1]["it"], "Seconda annualità");
    let first = count(&|r| r.2 == "2023");
    let counts: Vec<u64> = wave["items"][0]["groups"][0]["counts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_u64().unwrap())
        .collect();
    assert_eq!(counts, first);
}

#[test]
fn a_respondent_twice_in_one_wave_is_a_duplicate_of_that_wave() {
    let dir = tempfile::tempdir().unwrap();
    let mut rows = panel();
    rows.push(("CL-4".into(), "Prato", "2024", 2));
    two_level_study(dir.path(), &rows, "");
    let (code, out, err) = check(dir.path());
    // The repeat is a warning (left out, the first kept): printed, and check passes.
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(out.matches("duplicate-id").count(), 1, "{out}");
    // CL-4 is on row 6 (2023) and row 66 (2024); the repeat is row 122.
    assert!(
        out.contains("data.csv, row 122, column A (respondent_id): this respondent id was already used in wave 2024 on row 66"),
        "{out}"
    );
}

#[test]
fn unknown_waves_levels_and_parents_are_located() {
    // A wave the study does not declare: the cell.
    let dir = tempfile::tempdir().unwrap();
    let mut rows = panel();
    rows[10].2 = "2025";
    two_level_study(dir.path(), &rows, "");
    let (code, out, _) = check(dir.path());
    assert_eq!(code, 1);
    assert!(
        out.contains("error[unknown-wave]: data.csv, row 12, column C (wave): \"2025\" is not a wave of the study (2023, 2024)"),
        "{out}"
    );

    // Grouping by a level the study does not have: the analyses file's line and column.
    let dir = tempfile::tempdir().unwrap();
    two_level_study(dir.path(), &panel(), "");
    let a = std::fs::read_to_string(dir.path().join("analyses.toml")).unwrap();
    std::fs::write(
        dir.path().join("analyses.toml"),
        a.replace("by = \"region\"", "by = \"province\""),
    )
    .unwrap();
    let (code, _, err) = check(dir.path());
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("analyses.toml, line 5, column 6")
            && err.contains("'province' is not a question")
            && err.contains("\"wave\", or a level of the territories (region, ambito)"),
        "{err}"
    );

    // An ambito without its region, and a wave column without waves: study.toml's place.
    let dir = tempfile::tempdir().unwrap();
    two_level_study(dir.path(), &panel(), "");
    let s = std::fs::read_to_string(dir.path().join("study.toml")).unwrap();
    std::fs::write(
        dir.path().join("study.toml"),
        s.replace("parent = \"Lazio\"\n", ""),
    )
    .unwrap();
    let (code, _, err) = check(dir.path());
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("study.toml, line 29, column 8")
            && err.contains("name its parent (the 'region' it belongs to)"),
        "{err}"
    );
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("data.csv"), "respondent_id;territory\n").unwrap();
    std::fs::write(
        dir.path().join("study.toml"),
        format!(
            "title = \"x\"\n[[sources]]\npath = \"data.csv\"\ninstrument = \"{}\"\nwave_column = \"wave\"\n",
            instrument().display()
        ),
    )
    .unwrap();
    let out = capakit().arg("check").arg(dir.path()).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("study.toml, line 5, column 15") && err.contains("declare the waves first"),
        "{err}"
    );
}

#[test]
fn the_research_teams_scores_carry_the_wave_and_link_a_person_across_waves() {
    let dir = tempfile::tempdir().unwrap();
    two_level_study(dir.path(), &panel(), "");
    let out = dir.path().join("internal");
    let done = capakit()
        .args(["run", dir.path().to_str().unwrap(), "--internal", "--out"])
        .arg(&out)
        .env("CAPAKIT_PSEUDONYM_KEY", "capakit-test-key-0123456789")
        .output()
        .unwrap();
    assert!(
        done.status.success(),
        "{}",
        String::from_utf8_lossy(&done.stderr)
    );
    let csv = std::fs::read_to_string(out.join("INTERNAL-scores-unsuppressed.csv")).unwrap();
    assert!(csv.starts_with("source;pseudonym;territory;wave;"), "{csv}");
    // Python: hmac.new(b'capakit-test-key-0123456789', b'CL-0', hashlib.sha256).hexdigest()[:16]
    let cl0: Vec<&str> = csv
        .lines()
        .filter(|l| l.contains(";P-8a76d27511f8346d;"))
        .collect();
    assert_eq!(cl0.len(), 2, "{csv}");
    assert!(
        cl0[0].contains(";Prato;2023;") && cl0[1].contains(";Prato;2024;"),
        "{cl0:?}"
    );
}

#[test]
fn a_declared_wave_without_answers_leaves_a_comparison_not_run_and_an_empty_wave_is_a_finding() {
    let dir = tempfile::tempdir().unwrap();
    let mut rows = panel();
    rows[3].2 = "";
    two_level_study(dir.path(), &rows, "");
    let s = std::fs::read_to_string(dir.path().join("study.toml")).unwrap();
    std::fs::write(
        dir.path().join("study.toml"),
        s.replace("[[sources]]", "[[waves]]\nid = \"2025\"\n\n[[sources]]"),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("analyses.toml"),
        "[[analysis]]\nid = \"later\"\nkind = \"compare\"\nby = \"wave\"\ngroups = [\"2024\", \"2025\"]\n",
    )
    .unwrap();
    let (_, out, _) = check(dir.path());
    assert!(
        out.contains("warning[missing-wave]: data.csv, row 5, column C (wave): no wave"),
        "{out}"
    );
    let r = run_study(dir.path(), &dir.path().join("out"), false);
    let compare = &r["analyses"][0];
    assert!(
        compare["not_run"]
            .as_str()
            .unwrap()
            .contains("no respondent of the data belongs to the group '2025' of 'wave'"),
        "{compare}"
    );
}

/// A mentoring study measured at baseline and follow-up, one file per wave, the same ids in both.
fn two_file_study(dir: &std::path::Path, extra_second: &str) {
    let mut baseline = String::from("respondent_id;territory;age;care_setting;edu_1;edu_2;edu_3\n");
    let mut follow_up = baseline.clone();
    for i in 0..60u32 {
        let ambito = ["Prato", "Firenze", "RM1"][(i % 3) as usize];
        baseline.push_str(&format!("CL-{i};{ambito};19;affido;{};3;3\n", 1 + i % 5));
        if i < 50 {
            follow_up.push_str(&format!(
                "CL-{i};{ambito};20;affido;{};3;3\n",
                1 + (i + 2) % 5
            ));
        }
    }
    std::fs::write(dir.join("t0.csv"), baseline).unwrap();
    std::fs::write(dir.join("t1.csv"), follow_up).unwrap();
    std::fs::write(
        dir.join("analyses.toml"),
        "[[analysis]]\nid = \"by-wave\"\nkind = \"likert\"\nby = \"wave\"\nitems = [\"edu_1\"]\n",
    )
    .unwrap();
    let source = |path: &str, wave: &str, extra: &str| {
        format!(
            "[[sources]]\nname = \"mentoring\"\npath = \"{path}\"\ninstrument = \"{}\"\nid_column = \"respondent_id\"\nterritory_column = \"territory\"\nwave = \"{wave}\"\n{extra}\n",
            instrument().display()
        )
    };
    let toml = format!(
        "title = \"Mentoring\"\nanalyses = [\"analyses.toml\"]\n\n[[territories]]\nname = \"Prato\"\n\n[[territories]]\nname = \"Firenze\"\n\n[[territories]]\nname = \"Roma 1\"\naliases = [\"RM1\"]\n\n[[waves]]\nid = \"baseline\"\nlabel = {{ it = \"Ingresso\", en = \"Baseline\" }}\n\n[[waves]]\nid = \"follow_up\"\nlabel = {{ it = \"Fine percorso\", en = \"Follow-up\" }}\n\n{}{}",
        source("t0.csv", "baseline", ""),
        source("t1.csv", "Follow-up", extra_second),
    );
    std::fs::write(dir.join("study.toml"), toml).unwrap();
}

#[test]
fn a_source_of_one_file_per_wave_is_analysed_as_one() {
    let dir = tempfile::tempdir().unwrap();
    two_file_study(dir.path(), "");
    let (_, out, err) = check(dir.path());
    assert!(
        !out.contains("error[") && !out.contains("duplicate-id"),
        "{out}{err}"
    );
    let done = capakit()
        .arg("run")
        .arg(dir.path())
        .arg("--out")
        .arg(dir.path().join("out"))
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&done.stderr);
    assert!(done.status.success(), "{said}");
    // The command line and the report count the same answers: both files.
    assert!(
        said.contains("capakit: 110 answers from 60 people in 2 waves"),
        "{said}"
    );
    let r: Value = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("out/results.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(r["sources"].as_array().unwrap().len(), 1);
    assert_eq!(r["sources"][0]["n"], 110);
    assert_eq!(r["sources"][0]["file"], "t0.csv + t1.csv");
    let a = &r["analyses"][0];
    assert_eq!(groups(a), ["baseline", "follow_up"]);
    assert_eq!(a["group_labels"][1]["en"], "Follow-up");
    assert_eq!(a["items"][0]["groups"][0]["size"], 60);
    assert_eq!(a["items"][0]["groups"][1]["size"], 50);
    // Counted here: edu_1 = 1 + (i + 2) % 5 for i < 50 at follow-up.
    let mut expected = [0u64; 5];
    for i in 0..50 {
        expected[((i + 2) % 5) as usize] += 1;
    }
    let counts: Vec<u64> = a["items"][0]["groups"][1]["counts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_u64().unwrap())
        .collect();
    assert_eq!(counts, expected);
    // A duplicate within one file is left out, and the report says which file its rows are in.
    let t1 = std::fs::read_to_string(dir.path().join("t1.csv")).unwrap();
    std::fs::write(
        dir.path().join("t1.csv"),
        format!("{t1}CL-7;Firenze;20;affido;3;3;3\n"),
    )
    .unwrap();
    let r = run_study(dir.path(), &dir.path().join("out2"), false);
    assert_eq!(r["sources"][0]["dropped"][0]["file"], "t1.csv");
    assert_eq!(r["sources"][0]["dropped"][0]["row"], 52);
    assert_eq!(r["sources"][0]["dropped"][0]["kept_row"], 9);
    let md = std::fs::read_to_string(dir.path().join("out2/report.md")).unwrap();
    assert!(md.contains("| t1.csv, 52 |"), "{md}");
}

#[test]
fn the_files_of_one_source_must_each_name_their_own_wave_and_questionnaire() {
    let dir = tempfile::tempdir().unwrap();
    two_file_study(dir.path(), "");
    let s = std::fs::read_to_string(dir.path().join("study.toml")).unwrap();
    for (from, to, expected) in [
        (
            "wave = \"Follow-up\"",
            "wave = \"baseline\"",
            "has two files for the wave 'baseline'",
        ),
        (
            "wave = \"Follow-up\"",
            "wave = \"t2\"",
            "wave = 't2' is not one of [[waves]] (baseline, follow_up)",
        ),
        (
            "wave = \"Follow-up\"",
            "",
            "the source name 'mentoring' is used twice",
        ),
        (
            "wave = \"Follow-up\"",
            "wave = \"Follow-up\"\nweight_column = \"age\"",
            "the same id, territory and weight columns",
        ),
    ] {
        std::fs::write(dir.path().join("study.toml"), s.replace(from, to)).unwrap();
        let (code, _, err) = check(dir.path());
        assert_eq!(code, 2, "{err}");
        assert!(
            err.contains("study.toml, line ") && err.contains(expected),
            "{to}: {err}"
        );
    }
}

/// A study whose regions come from the shipped `instruments/italy-regions.csv` and whose ambiti
/// come from a CSV of its own, each naming its region by code, English name or Italian name.
fn regions_from_files(dir: &std::path::Path, only: &str) -> std::path::PathBuf {
    let regions = crate::common::repo().join("instruments/italy-regions.csv");
    std::fs::write(
        dir.join("ambiti.csv"),
        "name,code,region\nPrato,AT-PO,09\nFirenze,AT-FI,Tuscany\nRoma,AT-RM,Lazio\n",
    )
    .unwrap();
    let mut csv = String::from("respondent_id;territory;age;care_setting;edu_1;edu_2;edu_3\n");
    for i in 0..30 {
        let t = ["Prato", "Firenze", "Roma"][i % 3];
        csv.push_str(&format!("R{i};{t};19;affido;{};3;3\n", 1 + i % 5));
    }
    std::fs::write(dir.join("data.csv"), csv).unwrap();
    std::fs::write(
        dir.join("analyses.toml"),
        "[[analysis]]\nid = \"by-region\"\nkind = \"likert\"\nby = \"region\"\nitems = [\"edu_1\"]\n",
    )
    .unwrap();
    let toml = format!(
        r#"title = "Monitoraggio"
languages = ["it", "en"]
analyses = ["analyses.toml"]

[geography]
levels = ["region", "ambito"]

[[geography.files]]
path = "{regions}"
level = "region"
only = {only}

[[geography.files]]
path = "ambiti.csv"
level = "ambito"
parent_column = "region"

[[sources]]
path = "data.csv"
instrument = "{instrument}"
id_column = "respondent_id"
territory_column = "territory"
"#,
        regions = regions.display(),
        instrument = instrument().display(),
    );
    std::fs::write(dir.join("study.toml"), toml).unwrap();
    dir.to_path_buf()
}

#[test]
fn regions_from_the_shipped_file_and_ambiti_from_the_study() {
    let dir = tempfile::tempdir().unwrap();
    let study = regions_from_files(dir.path(), r#"["Toscana", "12"]"#);
    let r = run_study(&study, &dir.path().join("out"), false);
    let likert = crate::common::analysis_of_kind(&r, "likert");
    assert_eq!(likert["groups"], serde_json::json!(["Toscana", "Lazio"]));
    let sizes: Vec<u64> = likert["items"][0]["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["size"].as_u64().unwrap())
        .collect();
    assert_eq!(
        sizes,
        vec![20, 10],
        "Prato and Firenze in Toscana, Roma in Lazio"
    );
    // The regions file is an input: its fingerprint is in the provenance, by its name alone.
    let inputs = r["provenance"]["inputs"].to_string();
    assert!(inputs.contains("italy-regions.csv"), "{inputs}");
}

#[test]
fn a_region_the_file_does_not_have_is_located() {
    let dir = tempfile::tempdir().unwrap();
    let study = regions_from_files(dir.path(), r#"["Toscana", "Atlantide"]"#);
    let (code, out, err) = check(&study);
    let text = format!("{out}{err}");
    assert_eq!(code, 2, "{text}");
    assert!(
        text.contains("'Atlantide' is not a territory of") && text.contains("line 11"),
        "{text}"
    );
}

#[test]
fn the_shipped_regions_file_has_every_region_and_both_autonomous_provinces() {
    let text = std::fs::read_to_string(crate::common::repo().join("instruments/italy-regions.csv"))
        .unwrap();
    let rows: Vec<Vec<&str>> = text
        .lines()
        .skip(1)
        .map(|l| l.split(',').collect())
        .collect();
    assert_eq!(rows.len(), 22);
    let regions = rows.iter().filter(|r| r[4] == "regione").count();
    assert_eq!(regions, 20);
    // ISTAT codes 01–22, each once; NUTS-2 codes where the unit is a NUTS-2 region.
    let codes: std::collections::BTreeSet<&str> = rows.iter().map(|r| r[0]).collect();
    assert_eq!(codes.len(), 22);
    assert_eq!(rows.iter().filter(|r| !r[1].is_empty()).count(), 21);
}
