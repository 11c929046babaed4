//! XLSForms that capakit did not write (pyxform's test fixtures, BSD licence, see
//! tests/fixtures/xlsforms/LICENSE-pyxform): each is read, or refused with one located line.

use crate::common::{capakit, repo};

#[test]
fn every_real_world_form_is_read_or_refused_cleanly() {
    let dir = repo().join("tests/fixtures/xlsforms");
    let mut seen = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
        if !matches!(ext, "xlsx" | "xls") {
            continue;
        }
        seen += 1;
        let out = capakit().arg("codebook").arg(&path).output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            !err.contains("panicked") && !err.contains("internal error"),
            "{}: {err}",
            path.display()
        );
        assert_eq!(out.status.code(), Some(0), "{}: {err}", path.display());
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            stdout.starts_with("name\ttype\tscale\tlabel\tchoices\n"),
            "{}",
            path.display()
        );
    }
    assert_eq!(seen, 14);
}

fn codebook(name: &str) -> String {
    let out = capakit()
        .arg("codebook")
        .arg(repo().join("tests/fixtures/xlsforms").join(name))
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn pyxform_aliases_and_languages() {
    // `select one from sexes or specify other`, `label:English`
    assert!(codebook("specify_other.xlsx")
        .contains("sex\tselect_one\t\tWhat sex are you?\tmale=Male; female=Female"));
    // upper-case sheet and column names, `LABEL::EN`
    assert!(codebook("case_insensitivity.xlsx")
        .contains("q1\tselect_one\t\tAre you good?\tn1-c=l1-c; n2-c=l2-c"));
    // a header with a trailing space (`name `) in choices; Swahili and English labels
    let ucl = capakit()
        .args(["codebook", "--lang", "en"])
        .arg(repo().join("tests/fixtures/xlsforms/UCL_Biomass_Plot_Form.xlsx"))
        .output()
        .unwrap();
    let ucl = String::from_utf8_lossy(&ucl.stdout);
    assert!(ucl.lines().count() > 10, "{ucl}");
}

#[test]
fn repeats_are_skipped_with_a_located_warning() {
    let out = capakit()
        .arg("codebook")
        .arg(repo().join("tests/fixtures/xlsforms/tutorial.xls"))
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("tutorial.xls, sheet 'survey', row 2, column B (type): the repeat 'member' is not analysed"), "{err}");
}

#[test]
fn shipped_questionnaire_codebook() {
    let out = capakit()
        .args(["codebook", "--lang", "en"])
        .arg(repo().join("instruments/care-leavers-capabilities.xlsx"))
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("house_3\tselect_one\tcasa ↺\tI am afraid of ending up without a home.\t1=Strongly disagree; 2=Disagree;"), "{text}");
    assert!(
        text.lines().count() > 30,
        "a header line and at least 30 questions"
    );
}
