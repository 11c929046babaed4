//! Focus groups end to end: a segments source in a study, the `codes` analysis, agreement checked
//! against scikit-learn and the krippendorff package (the values printed by the script that wrote
//! tests/fixtures/segments/study), the same numbers from `capakit stats agreement`, and the
//! example's chapter with redacted quotes.

use serde_json::Value;

use crate::common::{analysis_of_kind, capakit, fixture, repo, run_study, stats_json};

/// A study of the two-coder fixture alone.
fn two_coder_study(dir: &std::path::Path, extra: &str) -> std::path::PathBuf {
    let f = |n: &str| fixture("segments/study", n);
    let analyses = dir.join("codes.toml");
    std::fs::write(
        &analyses,
        "[[analysis]]\nid = \"codes\"\nkind = \"codes\"\n",
    )
    .unwrap();
    let toml = format!(
        r#"title = "Fixture"
analyses = ["{a}"]

[[territories]]
name = "Prato"

[[territories]]
name = "Firenze"

[[sources]]
name = "fg"
kind = "segments"
path = "{coding}"
metadata = "{docs}"
codebook = "{codebook}"

[disclosure]
names = ["Anna"]
{extra}
"#,
        a = analyses.display(),
        coding = f("coding.csv"),
        docs = f("documents.csv"),
        codebook = f("codebook.csv"),
    );
    std::fs::write(dir.join("study.toml"), toml).unwrap();
    dir.to_path_buf()
}

fn close(v: &Value, want: f64) {
    let x = v.as_f64().unwrap_or_else(|| panic!("{v} is not a number"));
    assert!((x - want).abs() < 1e-9, "{x} vs {want}");
}

#[test]
fn agreement_matches_scikit_learn_and_krippendorff() {
    // scikit-learn 1.9.1 cohen_kappa_score(c1, c2) and krippendorff 0.9.0
    // alpha(reliability_data=[c1, c2], level_of_measurement='nominal') on the presence of each
    // code in the ten units of D1 and D2 (D3 has one coder and is left out):
    //   a/x κ 0.8, α 0.8080808080808081; a/y κ 0.5238095238095238, α 0.5476190476190477;
    //   b/x κ 0.21052631578947367, α 0.24; all 30 decisions κ 0.55, α 0.5575.
    let dir = tempfile::tempdir().unwrap();
    // κ and α are shown for codes on at least min_cell units (a/y and b/x are on 4): the
    // lowest the rules allow, so every coefficient of the fixture is published.
    let study = two_coder_study(dir.path(), "min_cell = 3");
    let r = run_study(&study, &dir.path().join("out"), false);
    let c = analysis_of_kind(&r, "codes");
    let ag = &c["agreement"];
    assert_eq!(ag["units"], 10);
    let by_code = |code: &str| {
        ag["codes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["code"] == code)
            .unwrap()
            .clone()
    };
    for (code, kappa, alpha) in [
        ("a/x", 0.8, 0.8080808080808081),
        ("a/y", 0.5238095238095238, 0.5476190476190477),
        ("b/x", 0.21052631578947367, 0.24),
    ] {
        let x = by_code(code);
        close(&x["cohen_kappa"], kappa);
        close(&x["krippendorff_alpha"], alpha);
    }
    close(&ag["overall"]["cohen_kappa"], 0.55);
    close(&ag["overall"]["krippendorff_alpha"], 0.5575);
    // Disagreements for the reconciliation meeting: a/y on D1 u2 is one.
    assert!(ag["disagreements"]
        .as_array()
        .unwrap()
        .iter()
        .any(|d| d["document"] == "D1" && d["unit"] == "u2" && d["code"] == "a/y"));
    // Frequencies by territory: a/x is on 3 units of D1 (Prato) and 2 of D2 + 1 of D3 (Firenze).
    let ax = c["codes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["code"] == "a/x")
        .unwrap();
    assert_eq!(c["groups"], serde_json::json!(["Prato", "Firenze"]));
    assert_eq!(ax["groups"][0]["units"], 3);
    assert_eq!(ax["groups"][1]["units"], 3);
    assert_eq!(ax["total"]["documents"], 3);
    // Co-occurrence, hand-checked from the fixture: a/x and b/x share one unit (D1 u3); a/x is on
    // D1 u1–u3, D2 u1, u5 and D3 u1, b/x on D1 u3, u4 and D2 u2, u3: 9 units with either.
    let pair = |list: &str| {
        c[list]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["a"] == "a/x" && p["b"] == "b/x")
            .unwrap()
            .clone()
    };
    assert_eq!(pair("cooccurrence")["units"], 1);
    close(&pair("cooccurrence")["jaccard"], 1.0 / 9.0);
    // In the same document: a/x is in D1, D2, D3 and b/x in D1, D2 → 2 of 3 documents.
    assert_eq!(pair("cooccurrence_documents")["units"], 2);
    close(&pair("cooccurrence_documents")["jaccard"], 2.0 / 3.0);
    // The category "a" only groups codes: it is not counted as a code.
    assert!(c["codes"]
        .as_array()
        .unwrap()
        .iter()
        .all(|x| x["code"] != "a"));
    // Names are redacted in quotes and in the disagreements' text.
    let text = r.to_string();
    assert!(!text.contains("Anna") && text.contains("[name]"), "{text}");
}

#[test]
fn stats_agreement_gives_the_pipelines_numbers() {
    // The presence of a/y in the ten units, as the long table `capakit stats agreement` reads.
    let presence: [(&str, [u8; 2]); 10] = [
        ("D1 u1", [0, 0]),
        ("D1 u2", [1, 0]),
        ("D1 u3", [0, 0]),
        ("D1 u4", [0, 0]),
        ("D1 u5", [1, 1]),
        ("D2 u1", [0, 0]),
        ("D2 u2", [0, 0]),
        ("D2 u3", [1, 1]),
        ("D2 u4", [0, 1]),
        ("D2 u5", [0, 0]),
    ];
    let dir = tempfile::tempdir().unwrap();
    let mut csv = String::from("unit,coder,code\n");
    for (u, p) in presence {
        csv.push_str(&format!("{u},c1,{}\n{u},c2,{}\n", p[0], p[1]));
    }
    let file = dir.path().join("ay.csv");
    std::fs::write(&file, csv).unwrap();
    let s = stats_json(&[
        "agreement",
        file.to_str().unwrap(),
        "--unit",
        "unit",
        "--coder",
        "coder",
        "--code",
        "code",
    ]);
    // κ and α are shown for codes on at least min_cell units (a/y and b/x are on 4): the
    // lowest the rules allow, so every coefficient of the fixture is published.
    let study = two_coder_study(dir.path(), "min_cell = 3");
    let r = run_study(&study, &dir.path().join("out"), false);
    let ay = analysis_of_kind(&r, "codes")["agreement"]["codes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["code"] == "a/y")
        .unwrap()
        .clone();
    close(&s["cohen_kappa"], ay["cohen_kappa"].as_f64().unwrap());
    close(
        &s["krippendorff_alpha"],
        ay["krippendorff_alpha"].as_f64().unwrap(),
    );
}

#[test]
fn check_locates_codes_outside_the_codebook_and_documents_without_metadata() {
    let dir = tempfile::tempdir().unwrap();
    let coding = dir.path().join("coding.csv");
    std::fs::write(
        &coding,
        "document,segment,text,code,coder\nD1,u1,Uno.,a/x,c1\nD9,u1,Due.,z/q,c1\nD1,u2,Tre.,,c1\n",
    )
    .unwrap();
    let study = two_coder_study(dir.path(), "");
    let toml = std::fs::read_to_string(study.join("study.toml"))
        .unwrap()
        .replace(
            &fixture("segments/study", "coding.csv"),
            coding.to_str().unwrap(),
        );
    std::fs::write(study.join("study.toml"), toml).unwrap();
    // Warnings only: `--strict` makes them fail.
    let out = capakit()
        .arg("check")
        .arg(&study)
        .arg("--strict")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.contains("coding.csv, row 3") && text.contains("'z/q' is not in the codebook"),
        "{text}"
    );
    assert!(
        text.contains("the document 'D9' is not in the document metadata"),
        "{text}"
    );
    assert!(text.contains("row 4") && text.contains("no code"), "{text}");
    assert!(text.contains("2 coded segments in 2 documents"), "{text}");
}

#[test]
fn study_toml_mistakes_about_segments_are_located() {
    let dir = tempfile::tempdir().unwrap();
    let study = two_coder_study(dir.path(), "");
    let toml = std::fs::read_to_string(study.join("study.toml")).unwrap();
    std::fs::write(
        study.join("study.toml"),
        toml.replace("kind = \"segments\"", "kind = \"segmenti\""),
    )
    .unwrap();
    let out = capakit().arg("check").arg(&study).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        err.contains("line 12, column 8") && err.contains("\"segments\""),
        "{err}"
    );
    // Without the kind, the source is a survey: its metadata is out of place.
    std::fs::write(
        study.join("study.toml"),
        toml.replace("kind = \"segments\"\n", ""),
    )
    .unwrap();
    let out = capakit().arg("check").arg(&study).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        err.contains("line 13, column 12")
            && err.contains("`metadata` belongs to a source of kind"),
        "{err}"
    );
}

#[test]
fn the_example_has_its_focus_group_chapter_and_joint_display() {
    let dir = tempfile::tempdir().unwrap();
    let r = run_study(
        &repo().join("examples/caring-prato-firenze"),
        dir.path(),
        false,
    );
    let c = analysis_of_kind(&r, "codes");
    assert_eq!(c["n_documents"], 4);
    assert_eq!(c["coders"], serde_json::json!(["coder 1", "coder 2"]));
    assert!(c["matrix"]["difference"].is_array());
    // Designed: Prato dwells on leaving care's critical issues, Firenze on participation.
    let share = |code: &str, g: usize| {
        c["codes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["code"] == code)
            .unwrap()["groups"][g]["percent"]
            .as_f64()
            .unwrap()
    };
    assert!(share("uscita/criticita", 0) > share("uscita/criticita", 1));
    assert!(share("percorso/partecipazione", 1) > share("percorso/partecipazione", 0));
    let html = std::fs::read_to_string(dir.path().join("report.html")).unwrap();
    for part in [
        "class=\"heatmap\"",
        "class=\"joint\"",
        "<blockquote>",
        "[una ragazza]",
    ] {
        assert!(html.contains(part), "the report lacks {part}");
    }
    for name in ["Marta", "Luca"] {
        assert!(
            !html.contains(name) && !r.to_string().contains(name),
            "{name} shown"
        );
    }
}

#[test]
fn a_refi_qda_project_is_a_segments_source() {
    let dir = tempfile::tempdir().unwrap();
    let study = two_coder_study(dir.path(), "");
    let toml = std::fs::read_to_string(study.join("study.toml"))
        .unwrap()
        .replace(
            &fixture("segments/study", "coding.csv"),
            &fixture("segments", "refi.qdpx"),
        );
    std::fs::write(study.join("study.toml"), toml).unwrap();
    let out = capakit().arg("check").arg(&study).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    // The fixture's codes are not in this study's codebook: located warnings, not a failure.
    assert!(
        text.contains("refi.qdpx: 4 coded segments in 2 documents"),
        "{text}"
    );
    assert!(
        text.contains("'uscita/criticità' is not in the codebook"),
        "{text}"
    );
}

#[test]
fn where_keeps_the_documents_whose_metadata_it_names() {
    let dir = tempfile::tempdir().unwrap();
    let study = two_coder_study(dir.path(), "");
    let all = run_study(&study, &dir.path().join("all"), false);
    std::fs::write(
        dir.path().join("codes.toml"),
        "[[analysis]]\nid = \"codes\"\nkind = \"codes\"\nwhere = { territory = \"firenze\" }\n",
    )
    .unwrap();
    let firenze = run_study(&study, &dir.path().join("firenze"), false);
    let docs = |r: &Value| -> u64 {
        r["analyses"][0]["codes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["total"]["documents"].as_u64().unwrap_or(0))
            .max()
            .unwrap()
    };
    // D2 and D3 are Firenze's; D1 (Prato) is left out.
    assert!(docs(&all) > docs(&firenze) || docs(&all) == 3, "{all}");
    assert!(docs(&firenze) <= 2);
    let groups = firenze["analyses"][0]["groups"].as_array().unwrap();
    assert_eq!(groups, &[serde_json::json!("Firenze")]);
    // A field the metadata does not have, or a value no document has, at its line.
    std::fs::write(
        dir.path().join("codes.toml"),
        "[[analysis]]\nid = \"codes\"\nkind = \"codes\"\nwhere = { gender = \"f\" }\n",
    )
    .unwrap();
    let (code, _, err) = crate::common::check(&study);
    assert_eq!(code, 2);
    assert!(
        err.contains(
            "codes.toml, line 4, column 11: 'gender' is not a field of the documents' metadata"
        ),
        "{err}"
    );
    std::fs::write(
        dir.path().join("codes.toml"),
        "[[analysis]]\nid = \"codes\"\nkind = \"codes\"\nwhere = { role = \"giudici\" }\n",
    )
    .unwrap();
    let (_, _, err) = crate::common::check(&study);
    assert!(err.contains("no document of"), "{err}");
    assert!(err.contains("has role 'giudici'"), "{err}");
}
