//! Design weights in the capability index: a weighted study's results.json and report against R
//! survey, the disclosure rule for weighted values, located errors for strata and PSUs, and
//! `capakit stats capability --weight --strata --psu` on R's `api` data.
//!
//! Reference values: tests/fixtures/survey/study.R (output in study-reference.txt) and api.R
//! (reference.txt), R 4.2.2 with survey 4.1.1.

use serde_json::Value;

use crate::common::{
    analysis_of_kind, capakit, check, fixture, repo, run_study, stats_fails, stats_json,
};

/// A study in `dir` with the weighted fixture answers (rows edited by `edit`), weights, strata
/// and PSUs, and the fixture's capability analysis.
fn weighted_study(dir: &std::path::Path, edit: impl Fn(&mut Vec<String>)) -> std::path::PathBuf {
    let csv = std::fs::read_to_string(fixture("survey", "study.csv")).unwrap();
    let mut lines: Vec<String> = csv.lines().map(str::to_string).collect();
    edit(&mut lines);
    std::fs::write(dir.join("data.csv"), lines.join("\n") + "\n").unwrap();
    let toml = format!(
        r#"title = "Fixture"
languages = ["it", "en"]
analyses = ["{analyses}"]

[[territories]]
name = "Prato"

[[territories]]
name = "Firenze"

[[sources]]
path = "data.csv"
instrument = "{instrument}"
id_column = "respondent_id"
territory_column = "territory"
weight_column = "peso"
strata_column = "regione"
psu_column = "ambito"
"#,
        analyses = fixture("survey", "study-analyses.toml"),
        instrument = repo()
            .join("instruments/care-leavers-capabilities.xlsx")
            .display(),
    );
    std::fs::write(dir.join("study.toml"), toml).unwrap();
    dir.to_path_buf()
}

fn close(v: &Value, want: f64) {
    let got = v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"));
    assert!((got - want).abs() < 1e-6, "{got} against {want}");
}

/// value, se, ci_low, ci_high of an estimate.
fn estimate(v: &Value, want: [f64; 4]) {
    for (key, w) in ["value", "se", "ci_low", "ci_high"].iter().zip(want) {
        close(&v[key], w);
    }
}

/// R 4.2.2, survey 4.1.1 (tests/fixtures/survey/study.R):
/// des <- svydesign(id = ~ambito, strata = ~regione, weights = ~peso, data = d) (2 strata, 8 PSUs,
/// degf 6); H: svymean(~poor) and svyciprop(~poor, method = "logit"); M0: the same on ~cens;
/// A: svyratio(~cens, ~poor) and confint; the censored headcount of edu_2: svyciprop(~cen_2);
/// territories: subset(des, territory == "Prato"); the difference of M0:
/// svycontrast(svyby(~cens, ~territory, des, svymean, covmat = TRUE), c(Prato = 1, Firenze = -1));
/// the care settings (also_by): subset(des, care_setting == g).
#[test]
fn a_weighted_study_publishes_design_based_estimates_as_r_survey() {
    let dir = tempfile::tempdir().unwrap();
    let s = weighted_study(dir.path(), |_| {});
    let out = dir.path().join("out");
    let r = run_study(&s, &out, false);
    let c = analysis_of_kind(&r, "capability");
    assert_eq!(c["variance"]["method"], "taylor");
    assert_eq!(c["variance"]["strata"], 2);
    assert_eq!(c["variance"]["psus"], 8);
    assert_eq!(
        c["resampling"]["replications"], 0,
        "no bootstrap with weights"
    );
    let at = &c["results"][0];
    let all = &at["overall"];
    assert!(all["ci95"].is_null());
    estimate(
        &all["weighted"]["H"],
        [
            0.835334871542915,
            0.0386517377547569,
            0.71835892232839,
            0.909825139945459,
        ],
    );
    close(&all["H"], 0.835334871542915);
    estimate(
        &all["weighted"]["M0"],
        [
            0.462617568343564,
            0.0248676926699701,
            0.402616770357509,
            0.52372095691458,
        ],
    );
    estimate(
        &all["weighted"]["A"],
        [
            0.553810913567011,
            0.026530526264582,
            0.501812037597536,
            0.605809789536486,
        ],
    );
    let edu2 = &at["indicators"][1];
    assert_eq!(edu2["id"], "edu_2");
    estimate(
        &edu2["overall"]["censored"]["weighted"],
        [
            0.564533281921477,
            0.0819925449029004,
            0.364351184387012,
            0.74567748539424,
        ],
    );
    close(&edu2["overall"]["censored"]["percent"], 56.4533281921477);
    let prato = &at["groups"][0];
    assert_eq!(prato["group"], "Prato");
    assert_eq!(prato["n"], 40, "counts stay unweighted");
    estimate(
        &prato["weighted"]["H"],
        [
            0.815815992341412,
            0.0708110666762795,
            0.583007385766246,
            0.933477443644066,
        ],
    );
    estimate(
        &prato["weighted"]["M0"],
        [
            0.450970759644615,
            0.0702503816164865,
            0.290901275324281,
            0.621874561831843,
        ],
    );
    estimate(
        &at["groups"][1]["weighted"]["M0"],
        [
            0.473975800012284,
            0.0544212338144281,
            0.345632351459784,
            0.605852606352669,
        ],
    );
    // The breakdown by care setting (also_by): subset(des, care_setting == "comunita"),
    // svyciprop(~cens).
    let b = &c["breakdowns"][0];
    assert_eq!(b["by"], "care_setting");
    let comunita = b["groups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["group"] == "comunita")
        .unwrap();
    estimate(
        &comunita["weighted"]["M0"],
        [
            0.504378463872851,
            0.0194917942515582,
            0.456788283373851,
            0.551889438686631,
        ],
    );
    let d = &at["differences"][0];
    close(&d["difference"], -0.0230050403676696);
    close(&d["se"], 0.115353618548745);
    // The report says how the estimates were found, with the design's size.
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(
        md.contains("linearizzazione di Taylor con 2 strati e 8 unità primarie"),
        "the design sentence"
    );
    assert!(md.contains("ES 0,025"), "M0's standard error in the table");
    let methods = r["methods"].to_string();
    for cited in [
        "Binder (1983)",
        "Lumley (2004)",
        "Suppa (2023)",
        "Alkire & Foster (2011)",
    ] {
        assert!(methods.contains(cited), "{cited} in {methods}");
    }
    // Reruns give the same bytes.
    let again = dir.path().join("again");
    run_study(&s, &again, false);
    assert_eq!(
        std::fs::read(out.join("results.json")).unwrap(),
        std::fs::read(again.join("results.json")).unwrap()
    );
}

/// Firenze down to 8 respondents: below the summary threshold (2 × 5), and its small counts
/// hidden, so neither its weighted values nor the whole sample's are published (with weights
/// constant within a territory they would give the hidden counts back).
#[test]
fn weighted_values_are_withheld_beside_hidden_counts_and_small_groups() {
    let dir = tempfile::tempdir().unwrap();
    let s = weighted_study(dir.path(), |lines| {
        let mut firenze = 0;
        lines.retain(|l| {
            if l.contains(";Firenze;") {
                firenze += 1;
                firenze <= 8
            } else {
                true
            }
        });
    });
    let r = run_study(&s, &dir.path().join("out"), false);
    let at = &analysis_of_kind(&r, "capability")["results"][0];
    let firenze = &at["groups"][1];
    assert_eq!(firenze["group"], "Firenze");
    assert!(
        firenze.get("weighted").is_none() && firenze["M0"].is_null(),
        "{firenze}"
    );
    assert!(at["overall"].get("weighted").is_none() && at["overall"]["H"].is_null());
    // Prato's counts are hidden too (Firenze's would follow from the whole sample's); the
    // whole sample's counts are published, its weighted values are not.
    assert!(at["groups"][0].get("weighted").is_none());
    assert_eq!(at["overall"]["n"], 48);
    assert_eq!(at["overall"]["deprived"], 37);
    for row in at["indicators"].as_array().unwrap() {
        assert!(row["overall"]["uncensored"]["count"].is_u64(), "{row}");
        assert!(row["overall"]["uncensored"]["percent"].is_null(), "{row}");
        assert!(
            row["overall"]["uncensored"].get("weighted").is_none(),
            "{row}"
        );
        assert!(row["groups"][1]["uncensored"]["percent"].is_null(), "{row}");
    }
    assert!(at["differences"].as_array().unwrap().is_empty());
}

#[test]
fn bad_strata_and_psus_are_located() {
    // Row 3 of the file (CL-002) without its ambito; CL-003's ambito moved to the other region.
    let dir = tempfile::tempdir().unwrap();
    let s = weighted_study(dir.path(), |lines| {
        lines[2] = lines[2].replace(";Nord-1", ";");
        lines[3] = lines[3].replace(";Nord;Nord-1", ";Sud;Nord-1");
    });
    let (code, out, err) = check(&s);
    let text = format!("{out}{err}");
    assert_ne!(code, 0, "{text}");
    assert!(text.contains("error[missing-psu]") && text.contains("error[psu-in-two-strata]"));
    let line = |code: &str| {
        text.lines()
            .find(|l| l.contains(code))
            .unwrap_or_else(|| panic!("no {code} in {text}"))
            .to_string()
    };
    let missing = line("missing-psu");
    assert!(
        missing.contains("data.csv") && missing.contains('3') && missing.contains("ambito"),
        "{missing}"
    );
    let crossed = line("psu-in-two-strata");
    assert!(
        crossed.contains("Nord-1") && crossed.contains("'Sud'") && crossed.contains("'Nord'"),
        "{crossed}"
    );
    assert!(
        crossed.contains("row 2") || crossed.contains(":2"),
        "{crossed}"
    );
    assert!(
        capakit()
            .arg("run")
            .arg(&s)
            .arg("--out")
            .arg(dir.path().join("o"))
            .output()
            .unwrap()
            .status
            .code()
            != Some(0)
    );

    // A stratum of one PSU is a warning, and the run goes on ("adjust").
    let dir = tempfile::tempdir().unwrap();
    let s = weighted_study(dir.path(), |lines| {
        for l in lines.iter_mut().skip(1) {
            if l.contains(";Sud;") {
                *l = l
                    .replace(";Sud;Sud-2", ";Sud;Sud-1")
                    .replace(";Sud;Sud-3", ";Sud;Sud-1")
                    .replace(";Sud;Sud-4", ";Sud;Sud-1");
            }
        }
    });
    let (_, out, err) = check(&s);
    let lonely = format!("{out}{err}");
    assert!(!lonely.contains("error["), "{lonely}");
    assert!(
        lonely.contains("warning[single-psu-stratum]") && lonely.contains("'Sud'"),
        "{lonely}"
    );
    let r = run_study(&s, &dir.path().join("out"), false);
    assert_eq!(
        analysis_of_kind(&r, "capability")["variance"]["single_psu_strata"],
        1
    );

    // Strata without weights: an error at its line in study.toml.
    let dir = tempfile::tempdir().unwrap();
    let s = weighted_study(dir.path(), |_| {});
    crate::common::replace_in_study(&s, "weight_column = \"peso\"\n", "");
    let (code, out, err) = check(&s);
    let text = format!("{out}{err}");
    assert_ne!(code, 0);
    assert!(
        text.contains("study.toml") && text.contains("declare weight_column"),
        "{text}"
    );
    assert!(!text.contains("panicked"));
}

fn api(name: &str) -> String {
    fixture("survey", name)
}

/// R 4.2.2, survey 4.1.1 (tests/fixtures/survey/api.R, reference.txt): on apistrat,
/// svydesign(id = ~1, strata = ~stype, weights = ~pw); on apiclus1, svydesign(id = ~dnum,
/// weights = ~pw); svyciprop(…, method = "logit"), svyratio(~cens, ~poor), svyratio(~num, ~cens)
/// for contributions, subset(des, stype == g) for the groups.
#[test]
fn stats_capability_with_design_weights_matches_r_survey() {
    let spec = api("api.toml");
    let r = stats_json(&[
        "capability",
        &api("apistrat.csv"),
        "--spec",
        &spec,
        "--weight",
        "pw",
        "--strata",
        "stype",
        "--by",
        "stype",
    ]);
    assert_eq!(r["variance"]["method"], "taylor");
    assert_eq!(r["variance"]["strata"], 3);
    assert_eq!(r["variance"]["degrees_of_freedom"], 197);
    close(&r["H"], 0.540958992618931);
    estimate(
        &r["estimates"]["M0"],
        [
            0.37030943882889,
            0.0297231197856191,
            0.313831448646029,
            0.430573456056134,
        ],
    );
    estimate(
        &r["estimates"]["A"],
        [
            0.684542532338796,
            0.0230937066139925,
            0.639279699105836,
            0.729805365571756,
        ],
    );
    let meals = &r["indicators"][2];
    assert_eq!(meals["id"], "meals");
    estimate(
        &meals["censored_estimate"],
        [
            0.440994509567283,
            0.0382461766087923,
            0.367470046814101,
            0.517201215908138,
        ],
    );
    close(&meals["contribution_estimate"]["value"], 0.39696036471402);
    close(&meals["contribution_estimate"]["se"], 0.0145349639496102);
    close(
        &r["dimensions"][2]["contribution_estimate"]["se"],
        0.0145088011153273,
    );
    let h = &r["groups"][1];
    assert_eq!(h["name"], "H");
    estimate(
        &h["estimates"]["H"],
        [
            0.440000000456557,
            0.0709124208342334,
            0.3058686213432,
            0.583505706577317,
        ],
    );
    close(&h["contribution_estimate"]["value"], 0.0757074849201173);
    close(&h["contribution_estimate"]["se"], 0.0140439295371934);

    let r = stats_json(&[
        "capability",
        &api("apiclus1.csv"),
        "--spec",
        &spec,
        "--weight",
        "pw",
        "--psu",
        "dnum",
        "--by",
        "stype",
    ]);
    assert_eq!(r["variance"]["psus"], 15);
    estimate(
        &r["estimates"]["H"],
        [
            0.622950819672129,
            0.0658143029403065,
            0.475300662876579,
            0.750833339405457,
        ],
    );
    estimate(
        &r["estimates"]["M0"],
        [
            0.408014571949438,
            0.0691957195653324,
            0.271581173276347,
            0.560269741218533,
        ],
    );
    let m = &r["groups"][2];
    assert_eq!(m["name"], "M");
    estimate(
        &m["estimates"]["M0"],
        [
            0.313333333334803,
            0.0824436315366589,
            0.164110257648513,
            0.514694626973955,
        ],
    );
    estimate(
        &m["estimates"]["A"],
        [
            0.559523809523809,
            0.0556956561014041,
            0.450362329469729,
            0.66868528957789,
        ],
    );

    // The text form shows the same with its standard errors.
    let out = capakit()
        .args([
            "stats",
            "capability",
            &api("apiclus1.csv"),
            "--spec",
            &spec,
            "--weight",
            "pw",
            "--psu",
            "dnum",
        ])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("15 PSUs") && text.contains("M0   0.4080   SE 0.0692"),
        "{text}"
    );

    // Weights alone: one stratum, each school a PSU, as svydesign(id = ~1, weights = ~pw).
    let r = stats_json(&[
        "capability",
        &api("apistrat.csv"),
        "--spec",
        &spec,
        "--weight",
        "pw",
    ]);
    assert_eq!(r["variance"]["degrees_of_freedom"], 199);
    estimate(
        &r["estimates"]["M0"],
        [
            0.37030943882889,
            0.0297638140260961,
            0.313760707127912,
            0.430654006610325,
        ],
    );

    // Without --weight the numbers are the unweighted ones, with no estimates.
    let plain = stats_json(&["capability", &api("apistrat.csv"), "--spec", &spec]);
    assert!(plain.get("estimates").is_none() && plain.get("variance").is_none());
}

#[test]
fn stats_capability_design_mistakes() {
    let spec = api("api.toml");
    let err = stats_fails(&[
        "capability",
        &api("apistrat.csv"),
        "--spec",
        &spec,
        "--strata",
        "stype",
    ]);
    assert!(err.contains("--weight"), "{err}");
    let err = stats_fails(&[
        "capability",
        &api("apistrat.csv"),
        "--spec",
        &spec,
        "--psu",
        "dnum",
    ]);
    assert!(err.contains("--weight"), "{err}");
    // A PSU in two strata: apiclus1's districts hold schools of every type.
    let err = stats_fails(&[
        "capability",
        &api("apiclus1.csv"),
        "--spec",
        &spec,
        "--weight",
        "pw",
        "--strata",
        "stype",
        "--psu",
        "dnum",
    ]);
    assert!(
        err.contains("apiclus1.csv") && err.contains("dnum") && err.contains("one stratum"),
        "{err}"
    );
    // An empty PSU.
    let dir = tempfile::tempdir().unwrap();
    let csv = std::fs::read_to_string(api("apistrat.csv")).unwrap();
    let mut lines: Vec<String> = csv.lines().map(str::to_string).collect();
    lines[4] = lines[4].replacen(",401,", ",,", 1);
    let file = dir.path().join("api.csv");
    std::fs::write(&file, lines.join("\n")).unwrap();
    let err = stats_fails(&[
        "capability",
        file.to_str().unwrap(),
        "--spec",
        &spec,
        "--weight",
        "pw",
        "--psu",
        "dnum",
    ]);
    assert!(
        err.contains("api.csv")
            && err.contains("dnum")
            && err.contains('5')
            && err.contains("empty"),
        "{err}"
    );
}
