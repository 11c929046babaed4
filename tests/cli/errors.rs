//! Unusable input and configuration: one clear line naming the place, exit code 2, no panic.

use crate::common::{capakit, csv_study, instrument, HEADER};

fn run_err(args: &[&str]) -> (i32, String) {
    let out = capakit().args(args).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(
        !err.contains("panicked") && !err.contains("RUST_BACKTRACE"),
        "{err}"
    );
    (out.status.code().unwrap_or(-1), err)
}

#[test]
fn corrupt_workbook_is_one_line_and_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("data.xlsx"),
        b"PK\x03\x04 this is not really a zip",
    )
    .unwrap();
    crate::common::study(dir.path(), "data.xlsx", "");
    let (code, err) = run_err(&["check", dir.path().to_str().unwrap()]);
    assert_eq!(code, 2);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.starts_with("capakit: error: data.xlsx: this workbook is damaged or truncated ("),
        "{err}"
    );
}

#[test]
fn missing_study_file() {
    let dir = tempfile::tempdir().unwrap();
    let (code, err) = run_err(&["check", dir.path().to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(
        err.contains("study.toml: No such file or directory"),
        "{err}"
    );
}

#[test]
fn unknown_key_in_study_toml_shows_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("study.toml"),
        "title = \"x\"\nlanguage = [\"it\"]\n",
    )
    .unwrap();
    let (code, err) = run_err(&["check", dir.path().to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(
        err.contains("study.toml, line 2, column 1: unknown field `language`"),
        "{err}"
    );
}

#[test]
fn missing_data_file_points_at_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let study = crate::common::study(dir.path(), "nowhere.csv", "");
    let (code, err) = run_err(&["run", study.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(
        err.contains("study.toml, line 13, column 8: data file 'nowhere.csv' not found"),
        "{err}"
    );
}

#[test]
fn wrong_sheet_name_lists_the_sheets() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(instrument(), dir.path().join("data.xlsx")).unwrap();
    crate::common::study(dir.path(), "data.xlsx", "sheet = \"risposte\"");
    let (code, err) = run_err(&["check", dir.path().to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(err.contains("data.xlsx: there is no sheet 'risposte'; the sheets are: survey, choices, settings, scales"), "{err}");
}

#[test]
fn unsupported_file_type() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("data.sav"), b"$FL2").unwrap();
    crate::common::study(dir.path(), "data.sav", "");
    let (code, err) = run_err(&["check", dir.path().to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(
        err.contains("data.sav: cannot read files of type '.sav'"),
        "{err}"
    );
}

/// Runs a two-respondent study whose only analyses file is `analyses`.
fn run_with_analyses(analyses: &str) -> (i32, String) {
    let dir = tempfile::tempdir().unwrap();
    let study = csv_study(
        dir.path(),
        &format!("{HEADER}\nCL-1;Prato;18;affido;1;2;3\nCL-2;Firenze;18;affido;2;2;3\n"),
    );
    std::fs::write(dir.path().join("analyses.toml"), analyses).unwrap();
    let shipped = crate::common::repo().join("analyses/care-leavers-core.toml");
    let text = std::fs::read_to_string(study.join("study.toml"))
        .unwrap()
        .replace(&shipped.display().to_string(), "analyses.toml");
    std::fs::write(study.join("study.toml"), text).unwrap();
    let out = dir.path().join("out");
    let (code, err) = run_err(&[
        "run",
        study.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    // `capakit check` stops on the same mistake, with the same place, and exits 2.
    let (check_code, stdout, check_err) = crate::common::check(&study);
    let error_line = |e: &str| {
        e.lines()
            .filter(|l| l.starts_with("capakit: error"))
            .map(str::to_string)
            .collect::<Vec<_>>()
    };
    if code == 2 {
        assert_eq!(check_code, 2, "check: {stdout}{check_err}");
        assert_eq!(
            error_line(&check_err),
            error_line(&err),
            "check: {check_err}"
        );
    }
    (code, err)
}

/// A study whose only analyses file is `analyses` and whose data file is not even a table.
fn unreadable_data_with_analyses(dir: &std::path::Path, analyses: &str) -> std::path::PathBuf {
    let study = csv_study(dir, "\u{0}\u{0}\u{0}");
    std::fs::write(dir.join("analyses.toml"), analyses).unwrap();
    let shipped = crate::common::repo().join("analyses/care-leavers-core.toml");
    let text = std::fs::read_to_string(study.join("study.toml"))
        .unwrap()
        .replace(&shipped.display().to_string(), "analyses.toml");
    std::fs::write(study.join("study.toml"), text).unwrap();
    study
}

#[test]
fn check_reads_the_analyses_before_the_data() {
    // A typo in an analyses file is found before the data is read: the data file here is not
    // even a table, and check names only the analyses file.
    let dir = tempfile::tempdir().unwrap();
    let study = unreadable_data_with_analyses(
        dir.path(),
        "[[analysis]]\nid = \"s\"\nkind = \"scales\"\nscale = [\"casa\"]\n",
    );
    let (code, stdout, err) = crate::common::check(&study);
    assert_eq!(code, 2, "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("analyses.toml, line 4, column 1: unknown field `scale`"),
        "{err}"
    );
    assert!(!stdout.contains("data.csv"), "{stdout}");
}

#[test]
fn analysis_naming_an_unknown_item_shows_line_and_column() {
    let (code, err) = run_with_analyses(
        "[[analysis]]\nid = \"l\"\nkind = \"likert\"\nitems = [\"edu_1\", \"edu_9\"]\n",
    );
    assert_eq!(code, 2);
    assert!(
        err.contains(
            "analyses.toml, line 4, column 19: 'edu_9' is neither a Likert item nor a scale"
        ),
        "{err}"
    );
}

#[test]
fn parameter_of_another_kind_is_refused() {
    let (code, err) =
        run_with_analyses("[[analysis]]\nid = \"s\"\nkind = \"scales\"\ngroups = [\"Prato\"]\n");
    assert_eq!(code, 2);
    assert!(err.contains("analyses.toml, line 4, column 10: `groups` does not apply to an analysis of kind 'scales'"), "{err}");
}

#[test]
fn duplicated_analysis_id_and_unknown_kind() {
    let (code, err) = run_with_analyses(
        "[[analysis]]\nid = \"a\"\nkind = \"scales\"\n\n[[analysis]]\nid = \"a\"\nkind = \"likert\"\n",
    );
    assert_eq!(code, 2);
    assert!(
        err.contains("analyses.toml, line 6, column 6: the analysis id 'a' is used twice"),
        "{err}"
    );
    let (code, err) = run_with_analyses("[[analysis]]\nid = \"a\"\nkind = \"regression\"\n");
    assert_eq!(code, 2);
    assert!(
        err.contains("analyses.toml, line 3, column 8: unknown variant `regression`"),
        "{err}"
    );
}

#[test]
fn data_errors_stop_run_and_keep_previous_output() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(out.join("report.html"), "previous").unwrap();
    std::fs::write(out.join("results.json"), "{}").unwrap();
    let study = csv_study(
        dir.path(),
        &format!("{HEADER}\nCL-1;Prato;18;affido;9;2;3\n"),
    );
    let (code, err) = run_err(&[
        "run",
        study.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 1);
    assert!(
        err.contains("capakit: 1 error in the data; nothing was written."),
        "{err}"
    );
    assert_eq!(
        std::fs::read_to_string(out.join("report.html")).unwrap(),
        "previous"
    );
}

#[test]
fn language_not_in_study() {
    let dir = tempfile::tempdir().unwrap();
    let study = csv_study(
        dir.path(),
        &format!("{HEADER}\nCL-1;Prato;18;affido;1;2;3\n"),
    );
    let (code, err) = run_err(&["run", study.to_str().unwrap(), "--lang", "fr"]);
    assert_eq!(code, 2);
    assert!(err.contains("--lang fr: the study is in it, en"), "{err}");
}

#[test]
fn refuses_to_replace_a_folder_that_is_not_capakit_output() {
    let dir = tempfile::tempdir().unwrap();
    let study = csv_study(
        dir.path(),
        &format!("{HEADER}\nCL-1;Prato;18;affido;1;2;3\nCL-2;Firenze;18;affido;2;2;3\n"),
    );
    // `--out` the study folder itself: it would be deleted.
    let (code, err) = run_err(&[
        "run",
        study.to_str().unwrap(),
        "--out",
        study.to_str().unwrap(),
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("is the study folder"), "{err}");
    assert!(study.join("study.toml").is_file());
    // A folder holding something else, even a results.json, is not capakit's.
    let other = dir.path().join("other");
    std::fs::create_dir(&other).unwrap();
    std::fs::write(other.join("results.json"), "{}").unwrap();
    let (code, err) = run_err(&[
        "run",
        study.to_str().unwrap(),
        "--out",
        other.to_str().unwrap(),
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("is not empty and is not a capakit output folder (no .capakit-output marker); choose another --out folder"), "{err}");
    assert!(other.join("results.json").is_file());
}

#[test]
fn workbook_saved_with_a_csv_name_and_truncated_workbooks() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(instrument(), dir.path().join("data.csv")).unwrap();
    crate::common::study(dir.path(), "data.csv", "");
    let (code, err) = run_err(&["check", dir.path().to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(
        err.contains("data.csv: this does not look like a CSV file: it contains NUL bytes"),
        "{err}"
    );

    let bytes = std::fs::read(instrument()).unwrap();
    crate::common::study(dir.path(), "data.xlsx", "");
    for cut in [10, 1000, bytes.len() / 2, bytes.len() - 1] {
        std::fs::write(dir.path().join("data.xlsx"), &bytes[..cut]).unwrap();
        let (code, err) = run_err(&["check", dir.path().to_str().unwrap()]);
        assert_eq!(code, 2, "cut at {cut}: {err}");
        assert_eq!(err.lines().count(), 1, "cut at {cut}: {err}");
        assert!(
            err.contains("data.xlsx: this workbook is damaged or truncated"),
            "{err}"
        );
    }
}

#[test]
fn names_missing_from_the_questionnaire_are_found_before_the_data() {
    // An item, a scale, a crosstab question or a grouping that the questionnaire does not have is
    // an error of the analyses file, found before the data is read (here not even a table).
    let cases = [
        (
            "kind = \"likert\"\nitems = [\"edu_1\", \"edu_9\"]",
            "line 4, column 19: 'edu_9' is neither a Likert item nor a scale of the questionnaire",
        ),
        (
            "kind = \"scales\"\nscales = [\"castle\"]",
            "line 4, column 11: 'castle' is not a scale of",
        ),
        (
            "kind = \"crosstab\"\nvariables = [\"edu_1\"]",
            "line 4, column 14: 'edu_1' is not a single-choice (select_one) question with named answers",
        ),
        (
            "kind = \"likert\"\nby = \"genre\"",
            "line 4, column 6: 'genre' is not a question of",
        ),
    ];
    for (spec, expected) in cases {
        let dir = tempfile::tempdir().unwrap();
        let study = unreadable_data_with_analyses(
            dir.path(),
            &format!("[[analysis]]\nid = \"a\"\n{spec}\n"),
        );
        let (code, stdout, err) = crate::common::check(&study);
        assert_eq!(code, 2, "{spec}: {err}");
        assert_eq!(err.lines().count(), 1, "{spec}: {err}");
        assert!(
            err.contains(&format!("analyses.toml, {expected}")),
            "{spec}: {err}"
        );
        assert!(!stdout.contains("data.csv"), "{stdout}");
    }
}
