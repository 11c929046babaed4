//! Capability indicators (Alkire–Foster): `capakit stats capability` on the published example of
//! Alkire & Foster (2011, J. Public Economics 95, §3: H = 1/2, A = 3/4, M0 = 3/8 at k = 2 of 4),
//! a hand-checked decomposition, the capability chapter of the example study, and the errors a
//! researcher can make in the specification (each with its file, line and column).

use serde_json::Value;

use crate::common::{self, analysis_of_kind, capakit, repo, run_study};

fn fixture(name: &str) -> String {
    common::fixture("capability", name)
}

fn stats(args: &[&str]) -> Value {
    common::stats_json(&[&["capability"], args].concat())
}

fn close(v: &Value, want: f64) {
    let x = v.as_f64().unwrap_or_else(|| panic!("{v} is not a number"));
    assert!((x - want).abs() < 1e-12, "{x} vs {want}");
}

/// The published measures and the hand-checked indicator numbers of the example.
fn assert_alkire_foster_2011(r: &Value) {
    assert_eq!(r["n"], 4);
    assert_eq!(r["n_excluded"], 0);
    close(&r["k"], 0.5);
    close(&r["H"], 0.5);
    close(&r["A"], 0.75);
    close(&r["M0"], 0.375);
    // Uncensored (1, 3, 1, 2) and censored (1, 2, 1, 2) of 4; contributions (1/6, 1/3, 1/6, 1/3).
    let ind = r["indicators"].as_array().unwrap();
    for (i, (u, c, share)) in [
        (0.25, 0.25, 1.0 / 6.0),
        (0.75, 0.5, 1.0 / 3.0),
        (0.25, 0.25, 1.0 / 6.0),
        (0.5, 0.5, 1.0 / 3.0),
    ]
    .into_iter()
    .enumerate()
    {
        close(&ind[i]["weight"], 0.25);
        close(&ind[i]["uncensored_headcount"], u);
        close(&ind[i]["censored_headcount"], c);
        close(&ind[i]["contribution"], share);
        close(&r["dimensions"][i]["contribution"], share);
    }
}

#[test]
fn deprivation_columns_reproduce_alkire_and_foster_2011() {
    let r = stats(&[
        &fixture("af2011.csv"),
        "--indicators",
        "d_income,d_schooling,d_malnourished,d_water",
        "--k",
        "1/2",
    ]);
    assert_alkire_foster_2011(&r);
    assert_eq!(r["weighting"], "equal");
    // The same with weights written as fractions that sum to 1 exactly.
    let w = stats(&[
        &fixture("af2011.csv"),
        "--indicators",
        "d_income,d_schooling,d_malnourished,d_water",
        "--weights",
        "1/4,0.25,25%,1/4",
        "--k",
        "50%",
    ]);
    assert_alkire_foster_2011(&w);
    assert_eq!(w["weighting"], "explicit");
}

#[test]
fn a_spec_applies_its_cutoffs_to_the_achievements() {
    let r = stats(&[&fixture("af2011.csv"), "--spec", &fixture("af2011.toml")]);
    assert_alkire_foster_2011(&r);
    assert_eq!(r["weighting"], "equal");
    // --k overrides the spec: the union approach (one dimension) counts person d too.
    let u = stats(&[
        &fixture("af2011.csv"),
        "--spec",
        &fixture("af2011.toml"),
        "--k",
        "0.25",
    ]);
    close(&u["H"], 0.75);
    close(&u["M0"], 7.0 / 16.0);
}

#[test]
fn explicit_indicator_weights() {
    // The same example with every indicator weighted "1/4" (exactly 1 in sum) gives the same
    // measures; unequal weights 1/2, 1/6, 1/6, 1/6 are hand-checked: scores (0, 1/3, 1, 1/6),
    // at k = 1/3 H = 1/2, A = 2/3, M0 = 1/3.
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(fixture("af2011.toml")).unwrap();
    let spec = dir.path().join("w.toml");
    let weighted = |w: [&str; 4]| {
        let mut t = text.clone();
        for (cut, w) in ["\"< 13\"", "\"< 12\"", "\"< 3\"", "\"< 1\""].iter().zip(w) {
            t = t.replace(
                &format!("deprived = {cut}"),
                &format!("deprived = {cut}\nweight = \"{w}\""),
            );
        }
        std::fs::write(&spec, t).unwrap();
    };
    weighted(["1/4", "1/4", "1/4", "1/4"]);
    let r = stats(&[&fixture("af2011.csv"), "--spec", spec.to_str().unwrap()]);
    assert_eq!(r["weighting"], "explicit");
    assert_alkire_foster_2011(&r);
    weighted(["1/2", "1/6", "1/6", "1/6"]);
    let r = stats(&[
        &fixture("af2011.csv"),
        "--spec",
        spec.to_str().unwrap(),
        "--k",
        "1/3",
    ]);
    close(&r["H"], 0.5);
    close(&r["A"], 2.0 / 3.0);
    close(&r["M0"], 1.0 / 3.0);
    // One indicator without a weight while the others have one.
    weighted(["1/2", "1/6", "1/6", "1/6"]);
    let t = std::fs::read_to_string(&spec)
        .unwrap()
        .replacen("weight = \"1/2\"\n", "", 1);
    std::fs::write(&spec, t).unwrap();
    let e = stats_fails(&[&fixture("af2011.csv"), "--spec", spec.to_str().unwrap()]);
    assert!(e.contains("give every indicator one"), "{e}");
}

#[test]
fn groups_decompose_m0() {
    // Hand-checked: X = {a, b} with scores 0 and 1/2 → H = 1/2, A = 1/2, M0 = 1/4;
    // Y = {c, d} with scores 1 and 1/4 → H = 1/2, A = 1, M0 = 1/2. Shares 1/2 each, so
    // 1/2 · 1/4 + 1/2 · 1/2 = 3/8 = M0, and the contributions are 1/3 and 2/3.
    let r = stats(&[
        &fixture("af2011.csv"),
        "--spec",
        &fixture("af2011.toml"),
        "--by",
        "group",
    ]);
    let g = r["groups"].as_array().unwrap();
    assert_eq!(g[0]["name"], "X");
    close(&g[0]["M0"], 0.25);
    close(&g[0]["A"], 0.5);
    close(&g[1]["M0"], 0.5);
    close(&g[1]["A"], 1.0);
    let sum: f64 = g
        .iter()
        .map(|x| x["population_share"].as_f64().unwrap() * x["M0"].as_f64().unwrap())
        .sum();
    close(&Value::from(sum), 0.375);
    close(&g[0]["contribution"], 1.0 / 3.0);
    close(&g[1]["contribution"], 2.0 / 3.0);
}

fn stats_fails(args: &[&str]) -> String {
    common::stats_fails(&[&["capability"], args].concat())
}

#[test]
fn command_line_mistakes_are_explained() {
    let f = fixture("af2011.csv");
    let e = stats_fails(&[
        &f,
        "--indicators",
        "d_income,d_water",
        "--weights",
        "0.5,0.4",
        "--k",
        "1/2",
    ]);
    assert!(
        e.contains("--weights must sum to 1 (within 0.001, for rounded weights); they sum to 0.9"),
        "{e}"
    );
    let e = stats_fails(&[&f, "--indicators", "d_income,schooling", "--k", "1/2"]);
    assert!(
        e.contains("row 2") && e.contains("\"14\" is not 0 or 1"),
        "{e}"
    );
    let e = stats_fails(&[&f, "--indicators", "d_income", "--k", "2"]);
    assert!(e.contains("--k 2"), "{e}");
    let e = stats_fails(&[&f, "--indicators", "nope", "--k", "1/2"]);
    assert!(e.contains("nope"), "{e}");
}

/// Writes an analyses file holding `spec` and runs `stats capability --spec` on the example's
/// data with it; returns the error.
fn spec_error(spec: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("capability.toml");
    std::fs::write(&path, spec).unwrap();
    stats_fails(&[&fixture("af2011.csv"), "--spec", path.to_str().unwrap()])
}

const HEAD: &str = "[[analysis]]\nid = \"c\"\nkind = \"capability\"\n";

#[test]
fn spec_mistakes_name_their_line_and_column() {
    // An unknown item.
    let e = spec_error(&format!(
        "{HEAD}[[analysis.dimensions]]\nid = \"d\"\n[[analysis.dimensions.indicators]]\nitem = \"incme\"\ndeprived = \"< 13\"\n"
    ));
    assert!(
        e.contains("line 7, column 8") && e.contains("'incme' is not a column"),
        "{e}"
    );
    // A comparison on a column of names.
    let e = spec_error(&format!(
        "{HEAD}[[analysis.dimensions]]\nid = \"d\"\n[[analysis.dimensions.indicators]]\nitem = \"group\"\ndeprived = \"<= 2\"\n"
    ));
    assert!(
        e.contains("line 8, column 12") && e.contains("holds named answers, not numbers"),
        "{e}"
    );
    // Weights that do not sum to 1.
    let e = spec_error(&format!(
        "{HEAD}[[analysis.dimensions]]\nid = \"a\"\nweight = 0.5\n[[analysis.dimensions.indicators]]\nitem = \"income\"\ndeprived = \"< 13\"\n[[analysis.dimensions]]\nid = \"b\"\nweight = \"1/3\"\n[[analysis.dimensions.indicators]]\nitem = \"water\"\ndeprived = \"< 1\"\n"
    ));
    assert!(
        e.contains("line 6, column 10")
            && e.contains(
                "the dimension weights must sum to 1 (within 0.001, for rounded weights); they sum to 0.833333333"
            ),
        "{e}"
    );
    // Not a cutoff.
    let e = spec_error(&format!(
        "{HEAD}[[analysis.dimensions]]\nid = \"d\"\n[[analysis.dimensions.indicators]]\nitem = \"income\"\ndeprived = \"below 13\"\n"
    ));
    assert!(
        e.contains("line 8, column 12") && e.contains("is not a cutoff"),
        "{e}"
    );
    // Two cutoffs on one indicator.
    let e = spec_error(&format!(
        "{HEAD}[[analysis.dimensions]]\nid = \"d\"\n[[analysis.dimensions.indicators]]\nitem = \"group\"\ndeprived_in = [\"X\"]\ndeprived_contains = \"X\"\n"
    ));
    assert!(
        e.contains("line 9") && e.contains("needs exactly one cutoff"),
        "{e}"
    );
    // k outside (0, 1].
    let e = spec_error(&format!(
        "{HEAD}k = 3\n[[analysis.dimensions]]\nid = \"d\"\n[[analysis.dimensions.indicators]]\nitem = \"income\"\ndeprived = \"< 13\"\n"
    ));
    assert!(
        e.contains("line 4, column 5") && e.contains("k must be a number above 0"),
        "{e}"
    );
    // A parameter of another kind.
    let e = spec_error(&format!(
        "{HEAD}groups = [\"X\", \"Y\"]\n[[analysis.dimensions]]\nid = \"d\"\n[[analysis.dimensions.indicators]]\nitem = \"income\"\ndeprived = \"< 13\"\n"
    ));
    assert!(e.contains("line 4"), "{e}");
}

#[test]
fn instrument_mistakes_in_the_example_study() {
    // A free-text question and a choice that is not in the list, against the shipped questionnaire.
    let dir = tempfile::tempdir().unwrap();
    let study = repo().join("examples/caring-prato-firenze");
    let text = std::fs::read_to_string(study.join("study.toml")).unwrap();
    let spec = dir.path().join("cap.toml");
    let toml = text
        .replace("\"../../analyses/care-leavers-core.toml\", ", "")
        .replace(", \"../../analyses/care-leavers-recommendations.toml\"", "")
        .replace(
            "../../analyses/care-leavers-capabilities.toml",
            spec.to_str().unwrap(),
        )
        .replace(
            "data/risposte",
            &format!("{}/data/risposte", study.display()),
        )
        .replace(
            "../../instruments",
            &format!("{}/instruments", repo().display()),
        )
        .replace(
            "\"data/focus-groups",
            &format!("\"{}/data/focus-groups", study.display()),
        )
        .replace(
            "../../analyses/care-leavers-focus-groups.toml",
            &repo()
                .join("analyses/care-leavers-focus-groups.toml")
                .display()
                .to_string(),
        );
    std::fs::write(dir.path().join("study.toml"), toml).unwrap();
    let run = |spec_text: &str| {
        std::fs::write(&spec, spec_text).unwrap();
        let out = capakit()
            .arg("run")
            .arg(dir.path())
            .arg("--out")
            .arg(dir.path().join("out"))
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2));
        String::from_utf8_lossy(&out.stderr).into_owned()
    };
    let e = run(&format!(
        "{HEAD}[[analysis.dimensions]]\nid = \"d\"\n[[analysis.dimensions.indicators]]\nitem = \"suggestions\"\ndeprived_in = [\"x\"]\n"
    ));
    assert!(
        e.contains("cap.toml, line 7, column 8") && e.contains("free-text question"),
        "{e}"
    );
    let e = run(&format!(
        "{HEAD}[[analysis.dimensions]]\nid = \"d\"\n[[analysis.dimensions.indicators]]\nitem = \"activity\"\ndeprived_in = [\"none\"]\n"
    ));
    assert!(
        e.contains("line 8, column 16") && e.contains("'none' is not a choice of 'activity'"),
        "{e}"
    );
    let e = run(&format!(
        "{HEAD}weights = \"participatory\"\n[[analysis.dimensions]]\nid = \"d\"\n[[analysis.dimensions.indicators]]\nitem = \"activity\"\ndeprived_in = [\"nessuna\"]\n"
    ));
    assert!(e.contains("line 6") && e.contains("importance"), "{e}");
}

#[test]
fn the_example_study_has_its_capability_index() {
    let dir = tempfile::tempdir().unwrap();
    let results = run_study(
        &repo().join("examples/caring-prato-firenze"),
        dir.path(),
        false,
    );
    let c = analysis_of_kind(&results, "capability");
    assert_eq!(c["weighting"], "participatory");
    // Participatory weights: proportional to the mean importance, summing to 1.
    let dims = c["dimensions"].as_array().unwrap();
    let total: f64 = dims.iter().map(|d| d["weight"].as_f64().unwrap()).sum();
    assert!((total - 1.0).abs() < 1e-12);
    let means: f64 = dims
        .iter()
        .map(|d| d["importance"]["mean"].as_f64().unwrap())
        .sum();
    for d in dims {
        let w = d["importance"]["mean"].as_f64().unwrap() / means;
        assert!((d["weight"].as_f64().unwrap() - w).abs() < 1e-12);
    }
    let at = &c["results"][0];
    let overall = &at["overall"];
    let m0 = overall["M0"].as_f64().unwrap();
    let (h, a) = (
        overall["H"].as_f64().unwrap(),
        overall["A"].as_f64().unwrap(),
    );
    assert!((m0 - h * a).abs() < 1e-12);
    // The decomposition by territory adds up, and the designed gap (Prato more deprived) shows.
    let groups = at["groups"].as_array().unwrap();
    let sum: f64 = groups
        .iter()
        .map(|g| g["population_share"].as_f64().unwrap() * g["M0"].as_f64().unwrap())
        .sum();
    assert!((sum - m0).abs() < 1e-12, "{sum} vs {m0}");
    assert!(groups[0]["M0"].as_f64() > groups[1]["M0"].as_f64());
    assert!(at["differences"][0]["p"].as_f64().unwrap() < 0.05);
    // Intervals bracket their estimates.
    for g in groups {
        let ci = &g["ci95"]["m0"];
        let x = g["M0"].as_f64().unwrap();
        assert!(ci[0].as_f64().unwrap() <= x && x <= ci[1].as_f64().unwrap());
    }
    // Small groups (gender "altro", "nr") are hidden, with a reason.
    let gender = c["breakdowns"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["by"] == "gender")
        .unwrap();
    let altro = gender["groups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["group"] == "altro")
        .unwrap();
    assert!(altro["M0"].is_null() && altro["n"].is_null());
    assert_eq!(altro["suppressed"], "hidden");
    // M0 does not rise as k rises; equal weights are shown beside participatory ones.
    let sens: Vec<Option<f64>> = c["sensitivity"]["overall"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["M0"].as_f64())
        .collect();
    for w in sens.windows(2) {
        if let (Some(a), Some(b)) = (w[0], w[1]) {
            assert!(b <= a + 1e-12);
        }
    }
    assert!(c["equal_weights"]["overall"]["M0"].is_number());
    // The report has the chapter.
    let html = std::fs::read_to_string(dir.path().join("report.html")).unwrap();
    assert!(html.contains("id=\"capability\""), "no capability chapter");
    for part in [
        "capability-contributions-title",
        "capability-k-title",
        "class=\"capability-indicators\"",
        "7 su 10",
    ] {
        assert!(html.contains(part), "the chapter lacks {part}");
    }
    let md = std::fs::read_to_string(dir.path().join("report.md")).unwrap();
    assert!(md.contains("charts/capability-k.svg"), "Markdown chapter");
    for placeholder in ["{n}", "{k}", "{x}", "{group}", "{other}", "{d}", "{p}"] {
        let escaped = placeholder.replace('{', "\\{").replace('}', "\\}");
        assert!(
            !md.contains(placeholder) && !md.contains(&escaped),
            "unfilled {placeholder} in report.md"
        );
    }
}

/// Weights rounded as national index specifications publish them (sum 1.0004) are divided by
/// their sum, with a note on standard error; 0.0011 away from 1 is still an error. Expected
/// values: each weight divided by the sum, by hand (0.2504 / 1.0004, 0.25 / 1.0004).
#[test]
fn rounded_command_line_weights_are_divided_by_their_sum() {
    let f = fixture("af2011.csv");
    let args = |w: &str| {
        vec![
            "stats".to_string(),
            "capability".into(),
            f.clone(),
            "--indicators".into(),
            "d_income,d_schooling,d_malnourished,d_water".into(),
            "--weights".into(),
            w.into(),
            "--k".into(),
            "1/2".into(),
            "--json".into(),
        ]
    };
    let out = capakit()
        .args(args("0.2504,0.25,0.25,0.25"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(
            "note: --weights: the indicator weights given sum to 1.0004; they were divided by their sum"
        ),
        "{err}"
    );
    let r: Value = serde_json::from_slice(&out.stdout).unwrap();
    close(&r["weights_rescaled_from"], 1.0004);
    close(&r["indicators"][0]["weight"], 0.2504 / 1.0004);
    close(&r["indicators"][1]["weight"], 0.25 / 1.0004);
    let sum: f64 = (0..4)
        .map(|i| r["indicators"][i]["weight"].as_f64().unwrap())
        .sum();
    assert!((sum - 1.0).abs() < 1e-12, "{sum}");
    // Exact weights say nothing.
    let exact = capakit()
        .args(args("0.25,0.25,0.25,0.25"))
        .output()
        .unwrap();
    assert!(
        exact.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&exact.stderr)
    );
    let r: Value = serde_json::from_slice(&exact.stdout).unwrap();
    assert!(r.get("weights_rescaled_from").is_none());
    // Beyond rounding: an error.
    let e = stats_fails(&[
        &f,
        "--indicators",
        "d_income,d_water",
        "--weights",
        "0.5011,0.5",
        "--k",
        "1/2",
    ]);
    assert!(e.contains("they sum to 1.0011"), "{e}");
}

/// Rounded weights in an analyses file: a note naming the first weight's line and column.
#[test]
fn rounded_spec_weights_are_divided_by_their_sum_with_their_place() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("capability.toml");
    std::fs::write(
        &path,
        format!(
            "{HEAD}[[analysis.dimensions]]\nid = \"a\"\nweight = 0.3334\n[[analysis.dimensions.indicators]]\nitem = \"income\"\ndeprived = \"< 13\"\n[[analysis.dimensions]]\nid = \"b\"\nweight = 0.6667\n[[analysis.dimensions.indicators]]\nitem = \"water\"\ndeprived = \"< 1\"\n"
        ),
    )
    .unwrap();
    let out = capakit()
        .args(["stats", "capability", &fixture("af2011.csv"), "--spec"])
        .arg(&path)
        .arg("--json")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("line 6, column 10: the dimension weights given sum to 1.0001; they were divided by their sum"),
        "{err}"
    );
    let r: Value = serde_json::from_slice(&out.stdout).unwrap();
    close(&r["dimensions"][0]["weight"], 0.3334 / 1.0001);
    close(&r["dimensions"][1]["weight"], 0.6667 / 1.0001);
}

/// The CO.RE. needs index with its sixths written rounded (0.1667): `check` notes it with the
/// line and column, the run divides the weights by their sum and says so in results.json, in the
/// chapter and in the methods, in both languages.
#[test]
fn a_study_with_rounded_weights_checks_runs_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let study = dir.path().join("core");
    common::copy_dir(&repo().join("examples/core-network"), &study);
    let file = study.join("analyses/core.toml");
    let toml = std::fs::read_to_string(&file).unwrap();
    assert_eq!(toml.matches("weight = \"1/6\"").count(), 3);
    std::fs::write(&file, toml.replace("weight = \"1/6\"", "weight = 0.1667")).unwrap();
    // The example's data has a warning of its own (a service written by hand): not an error.
    let (code, out, err) = common::check(&study);
    assert!(code < 2, "{out}{err}");
    assert!(
        out.contains("line 32, column 10: the dimension weights given sum to 1.0001; they were divided by their sum"),
        "{out}"
    );
    let results = run_study(&study, &dir.path().join("out"), false);
    let cap = analysis_of_kind(&results, "capability");
    assert_eq!(cap["weights_rescaled"]["weights"], "dimension");
    close(&cap["weights_rescaled"]["sum"], 1.0001);
    close(&cap["dimensions"][0]["weight"], 0.25 / 1.0001);
    close(&cap["dimensions"][1]["weight"], 0.1667 / 1.0001);
    let html = std::fs::read_to_string(dir.path().join("out/report.html")).unwrap();
    assert!(
        html.contains("I pesi delle dimensioni indicati sommano a 1,0001")
            && html.contains("i pesi delle dimensioni indicati sommavano a 1,0001"),
        "the Italian report does not say the weights were rescaled"
    );
    common::run_in(&study, &dir.path().join("en"), "en");
    let html = std::fs::read_to_string(dir.path().join("en/report.html")).unwrap();
    assert!(
        html.contains("The dimension weights given sum to 1.0001")
            && html.contains("the dimension weights given summed to 1.0001"),
        "the English report does not say the weights were rescaled"
    );
}
