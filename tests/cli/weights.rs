//! Design weights named in study.toml: weighted Likert shares and means with Kish's effective
//! sample size in results.json and the report; unusable weights are located errors.

use serde_json::Value;

use crate::common::{analysis_of_kind, check, run_study, study, HEADER};

fn weighted_study(dir: &std::path::Path, rows: &str) -> std::path::PathBuf {
    std::fs::write(dir.join("data.csv"), format!("{HEADER};peso\n{rows}")).unwrap();
    study(dir, "data.csv", "weight_column = \"peso\"")
}

#[test]
fn weighted_shares_and_kish_n() {
    // numpy 2.4.6: average([4, 2, 5, 3, 1, 4], weights=[1, 2.5, 0.5, 1, 3, 1]) → 2.388888888888889;
    // Kish (Σw)² / Σw² → 4.378378378378378; Prato alone: average([4, 2, 5], weights=[1, 2.5,
    // 0.5]) → 2.875, Kish 2.1333333333333333; weighted share agreeing (4–5): 100 · (1 + 0.5 + 1) / 9 →
    // 27.77777777777778
    let dir = tempfile::tempdir().unwrap();
    let s = weighted_study(
        dir.path(),
        "CL-1;Prato;18;affido;4;3;2;1\nCL-2;Prato;19;affido;2;3;2;2,5\nCL-3;Prato;20;affido;5;3;2;0.5\n\
         CL-4;Firenze;18;comunita;3;2;2;1\nCL-5;Firenze;21;comunita;1;2;2;3\nCL-6;Firenze;22;comunita;4;2;2;1\n",
    );
    // Three people per territory: everything is below the minimum cell size, so the published
    // report hides it; the research team's internal output has the numbers.
    let public = run_study(&s, &dir.path().join("public"), false);
    let likert = analysis_of_kind(&public, "likert");
    let edu1 = &likert["items"][0];
    assert_eq!(edu1["item"], "edu_1");
    assert!(edu1["total"]["weighted"].is_null() && edu1["groups"][0]["size"].is_null());
    assert!(edu1["groups"][0]["counts"]
        .as_array()
        .unwrap()
        .iter()
        .all(Value::is_null));
    let r = run_study(&s, &dir.path().join("out"), true);
    let out = dir.path().join("out");
    assert_eq!(r["internal"], true);
    assert_eq!(r["sources"][0]["weight_column"], "peso");
    let likert = analysis_of_kind(&r, "likert");
    let edu1 = likert["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["item"] == "edu_1")
        .unwrap();
    let w = &edu1["total"]["weighted"];
    assert!(
        (w["mean"].as_f64().unwrap() - 2.388888888888889).abs() < 1e-12,
        "{w}"
    );
    assert!(
        (w["kish_ess"].as_f64().unwrap() - 4.378378378378378).abs() < 1e-12,
        "{w}"
    );
    assert!(
        (w["top2"].as_f64().unwrap() - 27.77777777777778).abs() < 1e-9,
        "{w}"
    );
    assert_eq!(edu1["total"]["n"], 6, "n stays unweighted");
    assert!(!out.join("results.json").exists() && !out.join("report.html").exists());
    let prato = &edu1["groups"][0]["weighted"];
    assert!((prato["mean"].as_f64().unwrap() - 2.875).abs() < 1e-12);
    assert!((prato["kish_ess"].as_f64().unwrap() - 2.1333333333333333).abs() < 1e-12);
    let methods = r["methods"].to_string();
    assert!(
        methods.contains("\"weights\"") && methods.contains("Kish"),
        "{methods}"
    );
    let html = std::fs::read_to_string(out.join("INTERNAL-report-unsuppressed.html")).unwrap();
    assert!(
        html.contains("«peso»"),
        "the report says the shares are weighted"
    );
    assert!(html.contains("INTERNAL USE") || html.contains("USO INTERNO"));
    // Every report of an internal run says so, in whatever form it is read.
    for file in [
        "INTERNAL-report-unsuppressed.md",
        "INTERNAL-brief-unsuppressed.html",
        "INTERNAL-brief-unsuppressed.md",
        "INTERNAL-easy-read-unsuppressed.html",
        "INTERNAL-easy-read-unsuppressed.md",
    ] {
        let text = std::fs::read_to_string(out.join(file)).unwrap();
        assert!(text.contains("USO INTERNO"), "{file} has no banner");
    }
    use calamine::{open_workbook, Reader, Xlsx};
    let mut book: Xlsx<_> = open_workbook(out.join("INTERNAL-tables-unsuppressed.xlsx")).unwrap();
    let readme = book.worksheet_range("Indice").unwrap();
    assert!(readme
        .rows()
        .any(|r| r[0].to_string().contains("USO INTERNO")));
}

#[test]
fn unusable_weights_are_located_errors() {
    let dir = tempfile::tempdir().unwrap();
    let s = weighted_study(
        dir.path(),
        "CL-1;Prato;18;affido;4;3;2;-1\nCL-2;Prato;19;affido;2;3;2;\nCL-3;Prato;20;affido;5;3;2;tanto\n",
    );
    let (code, out, _) = crate::common::check_with(&s, &["--all"]);
    assert_eq!(code, 1);
    for line in [
        "error[bad-weight]: data.csv, row 2, column H (peso): \"-1\": a design weight cannot be negative",
        "error[missing-weight]: data.csv, row 3, column H (peso): the design weight is empty",
        "error[bad-weight]: data.csv, row 4, column H (peso): \"tanto\" is not a number: a design weight must be",
    ] {
        assert!(out.lines().any(|l| l == line), "missing {line}\nin\n{out}");
    }
}

#[test]
fn a_weight_column_that_is_not_there_is_named() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("data.csv"),
        format!("{HEADER}\nCL-1;Prato;18;affido;4;3;2\n"),
    )
    .unwrap();
    let s = study(dir.path(), "data.csv", "weight_column = \"peso\"");
    let (code, _, err) = check(&s);
    assert_eq!(code, 2);
    assert!(err.contains("weight_column = 'peso'"), "{err}");
}

#[test]
fn a_weight_that_is_a_question_of_the_form_is_read_as_a_weight() {
    // The weight column may be an item of the questionnaire (a Kobo `calculate`, here the
    // integer `age`, for the test's sake): numpy.average([4, 2, 5, 3, 1, 4],
    // weights=[18, 19, 20, 18, 21, 22]) → 3.1610169491525424
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("data.csv"),
        format!(
            "{HEADER}\nCL-1;Prato;18;affido;4;3;2\nCL-2;Prato;19;affido;2;3;2\nCL-3;Prato;20;affido;5;3;2\n\
             CL-4;Firenze;18;comunita;3;2;2\nCL-5;Firenze;21;comunita;1;2;2\nCL-6;Firenze;22;comunita;4;2;2\n"
        ),
    )
    .unwrap();
    let s = study(dir.path(), "data.csv", "weight_column = \"age\"");
    let r = run_study(&s, &dir.path().join("out"), true);
    let likert = analysis_of_kind(&r, "likert");
    let mean = likert["items"][0]["total"]["weighted"]["mean"]
        .as_f64()
        .unwrap();
    assert!((mean - 3.1610169491525424).abs() < 1e-12, "{mean}");
}
