//! One test per kind of validation finding, pinning its message and its place (file, row as Excel
//! counts it, column letter and name).

use crate::common::{check, csv_study, HEADER};

fn findings(csv: &str) -> (i32, String) {
    let dir = tempfile::tempdir().unwrap();
    let study = csv_study(dir.path(), csv);
    let (code, out, err) = check(&study);
    assert!(!err.contains("panicked"), "{err}");
    (code, out)
}

fn assert_line(out: &str, line: &str) {
    assert!(
        out.lines().any(|l| l == line),
        "missing line:\n{line}\nin:\n{out}"
    );
}

#[test]
fn value_not_in_choices() {
    let (code, out) = findings(&format!("{HEADER}\nCL-1;Prato;18;affido;7;3;2\n"));
    assert_eq!(code, 1);
    assert_line(&out, "error[value-not-in-choices]: data.csv, row 2, column E (edu_1): \"7\" is not a choice of the list 'accordo5' (1, 2, 3, 4, 5)");
}

#[test]
fn choices_by_label_in_either_language_are_accepted() {
    let (_, out) = findings(&format!(
        "{HEADER}\nCL-1;Prato;18;Foster family;Molto d'accordo;strongly agree;3\n"
    ));
    assert!(!out.contains("value-not-in-choices"), "{out}");
}

#[test]
fn not_a_number_and_not_an_integer() {
    let (code, out) = findings(&format!(
        "{HEADER}\nCL-1;Prato;diciotto;affido;1;2;3\nCL-2;Prato;18,5;affido;1;2;3\n"
    ));
    assert_eq!(code, 1);
    assert_line(
        &out,
        "error[not-a-number]: data.csv, row 2, column C (age): \"diciotto\" is not a number",
    );
    assert_line(
        &out,
        "error[not-an-integer]: data.csv, row 3, column C (age): 18.5 is not a whole number",
    );
}

#[test]
fn out_of_range() {
    let (code, out) = findings(&format!("{HEADER}\nCL-1;Prato;31;affido;1;2;3\n"));
    assert_eq!(code, 1);
    assert_line(&out, "error[out-of-range]: data.csv, row 2, column C (age): 31 is outside the allowed range (≥ 16 and ≤ 25)");
}

#[test]
fn required_missing() {
    let (code, out) = findings(&format!("{HEADER}\nCL-1;Prato;;affido;1;2;3\n"));
    assert_eq!(code, 1);
    assert_line(&out, "error[required-missing]: data.csv, row 2, column C (age): 'age' is required but has no answer");
}

#[test]
fn unknown_territory_and_alias() {
    let (code, out) = findings(&format!(
        "{HEADER}\nCL-1;Pisa;18;affido;1;2;3\nCL-2; FLORENCE ;18;affido;1;2;3\n"
    ));
    assert_eq!(code, 1);
    assert_line(&out, "error[unknown-territory]: data.csv, row 2, column B (territory): \"Pisa\" is not a territory of the study (Prato, Firenze); add it, or an alias, to study.toml");
    assert_line(&out, "note[territory-alias]: data.csv, row 3, column B (territory): \" FLORENCE \" read as Firenze (1 row, first here)");
}

#[test]
fn duplicate_and_missing_ids() {
    let (code, out) = findings(&format!("{HEADER}\nCL-1;Prato;18;affido;1;2;3\nCL-1;Prato;19;affido;1;2;3\n;Prato;19;affido;1;2;3\n"));
    assert_eq!(code, 1);
    assert_line(&out, "warning[duplicate-id]: data.csv, row 3, column A (respondent_id): this respondent id was already used on row 2; this answer is left out, the first one is kept");
    // The shipped questionnaire marks respondent_id required: an empty id is reported once.
    assert_line(&out, "error[required-missing]: data.csv, row 4, column A (respondent_id): 'respondent_id' is required but has no answer");
    assert!(!out.contains("missing-id"), "{out}");
}

#[test]
fn missing_id_in_an_id_column_outside_the_form() {
    let dir = tempfile::tempdir().unwrap();
    let study = csv_study(
        dir.path(),
        &format!("codice;{HEADER}\nA1;CL-1;Prato;18;affido;1;2;3\n;CL-2;Prato;19;affido;1;2;3\n"),
    );
    let toml = std::fs::read_to_string(study.join("study.toml"))
        .unwrap()
        .replace("id_column = \"respondent_id\"", "id_column = \"codice\"");
    std::fs::write(study.join("study.toml"), toml).unwrap();
    let (code, out, _) = check(&study);
    assert_eq!(code, 1);
    assert_line(
        &out,
        "error[missing-id]: data.csv, row 3, column A (codice): the respondent id is empty",
    );
    assert!(
        !out.contains("unknown-column"),
        "the id column is known: {out}"
    );
}

#[test]
fn unknown_missing_and_duplicated_columns() {
    let (code, out) = findings("respondent_id;territory;age;care_setting;edu_1;colore_preferito;group/edu_1\nCL-1;Prato;18;affido;1;blu;2\n");
    // Warnings only: printed, and check passes (`--strict` would fail).
    assert_eq!(code, 0);
    assert_line(&out, "warning[unknown-column]: data.csv, row 1, column F (colore_preferito): this column is not a question of the questionnaire; it is ignored");
    assert_line(&out, "warning[duplicate-column]: data.csv, row 1, column G (group/edu_1): a second column for 'edu_1' (the first is column E); it is ignored");
    assert!(out.contains("warning[missing-column]: data.csv: no column for the question 'edu_2' (survey sheet row"), "{out}");
}

#[test]
fn missing_required_column_is_an_error() {
    let (code, out) = findings("respondent_id;territory;care_setting\nCL-1;Prato;affido\n");
    assert_eq!(code, 1);
    assert!(
        out.contains(
            "error[missing-column]: data.csv: no column for the question 'age' (survey sheet row"
        ),
        "{out}"
    );
}

#[test]
fn select_multiple_as_0_1_columns() {
    let (code, out) = findings(&format!(
        "{HEADER};support/amici;support/tutor\nCL-1;Prato;18;affido;1;2;3;1;0\nCL-2;Prato;18;affido;1;2;3;2;0\n"
    ));
    assert_eq!(code, 1);
    assert_line(&out, "error[value-not-0-1]: data.csv, row 3, column H (support/amici): \"2\" should be 1 (chosen) or 0 (not chosen)");
}

#[test]
fn select_multiple_with_unknown_choice() {
    let (_, out) = findings(&format!(
        "{HEADER};support\nCL-1;Prato;18;affido;1;2;3;amici cugini\n"
    ));
    assert!(out.contains("error[value-not-in-choices]: data.csv, row 2, column H (support): \"cugini\" is not a choice of the list 'sostegno'"), "{out}");
}

#[test]
fn not_a_date() {
    let (code, out) = findings(&format!("{HEADER};interview_date\nCL-1;Prato;18;affido;1;2;3;31/02/2022\nCL-2;Prato;18;affido;1;2;3;05/03/2022\n"));
    assert_eq!(code, 1);
    assert_line(&out, "error[not-a-date]: data.csv, row 2, column H (interview_date): \"31/02/2022\" is not a date (write 2024-03-05 or 05/03/2024)");
    assert!(!out.contains("row 3, column H"), "{out}");
}

#[test]
fn header_problems() {
    let (_, out) = findings(&format!(
        "{HEADER};;x\nCL-1;Prato;18;affido;1;2;3;;;extra\n"
    ));
    assert_line(&out, "warning[empty-header]: data.csv, row 1, column H: this column has no header; its values are ignored");
    assert_line(&out, "warning[cell-without-header]: data.csv, row 2, column J: a value stands beyond the last header column and is ignored");
}

#[test]
fn title_rows_above_the_header_are_skipped() {
    let (_, out) = findings(&format!(
        "Indagine care leavers 2022\n\n{HEADER}\nCL-1;Prato;18;affido;1;2;3\n"
    ));
    assert_line(&out, "note[header-below-title]: data.csv, row 3: the header was found on row 3; the 2 row(s) above it were read as a title and skipped");
    assert!(!out.contains("row 4, column"), "{out}");

    // Header findings point at the header row, even with blank rows below it.
    let (_, out) = findings(&format!(
        "Indagine care leavers 2022\n\n{HEADER};colore\n\nCL-1;Prato;18;affido;1;2;3;blu\n"
    ));
    assert_line(&out, "warning[unknown-column]: data.csv, row 3, column H (colore): this column is not a question of the questionnaire; it is ignored");
}

#[test]
fn clean_file_exits_zero() {
    // The example's answers without the questionnaire submitted twice (its last line).
    let example = std::fs::read_to_string(
        crate::common::repo().join("examples/caring-prato-firenze/data/risposte-care-leavers.csv"),
    )
    .unwrap();
    let lines: Vec<&str> = example.lines().collect();
    let clean = lines[..lines.len() - 1].join("\n") + "\n";
    let dir = tempfile::tempdir().unwrap();
    let study = csv_study(dir.path(), &clean);
    let (code, out, _) = check(&study);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.ends_with("data.csv: 200 respondents, 0 errors, 0 warnings, 4 notes\n"),
        "{out}"
    );
}

#[test]
fn check_as_json_and_run_output_is_capped() {
    let rows: String = (0..40)
        .map(|i| format!("CL-{i};Prato;18;affido;9;2;3\n"))
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let study = csv_study(dir.path(), &format!("{HEADER}\n{rows}"));
    let out = crate::common::capakit()
        .args(["check", "--json"])
        .arg(&study)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let first = json
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "value-not-in-choices")
        .unwrap();
    assert_eq!(first["severity"], "error");
    assert_eq!(first["location"]["row"], 2);
    assert_eq!(first["location"]["column"], "edu_1");

    let out = crate::common::capakit()
        .arg("run")
        .arg(&study)
        .arg("--out")
        .arg(dir.path().join("out"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.lines()
            .next()
            .unwrap()
            .starts_with("error[value-not-in-choices]"),
        "errors first: {err}"
    );
    // One line for the 40 rows of the recoded answer.
    assert!(
        err.contains("column E (edu_1): 40 rows (2, 3, 4, 5, 6, …), e.g. row 2:"),
        "{err}"
    );
    assert!(err.lines().count() <= 32, "{err}");
}

#[test]
fn identifying_columns_are_named() {
    let (code, out) = findings(&format!(
        "{HEADER};nome;contatto\nCL-1;Prato;18;affido;1;2;3;Giulia;giulia.b@example.org\nCL-2;Prato;19;affido;1;2;3;Sara;+39 333 1234567\nCL-3;Prato;19;affido;1;2;3;Anna;anna@example.org\n"
    ));
    assert_eq!(code, 0);
    assert_line(&out, "warning[identifying-column]: data.csv, row 1, column H (nome): this column looks directly identifying (its header suggests names): keep it out of the research data; capakit never shows it in a report");
    assert_line(&out, "warning[identifying-column]: data.csv, row 1, column I (contatto): this column looks directly identifying (2 of the 3 filled cells look like e-mail addresses): keep it out of the research data; capakit never shows it in a report");
}

#[test]
fn alike_findings_in_one_column_are_one_line() {
    // Three problems in every row of a generated file (a recoded answer, an age out of range, an
    // unknown territory): one line each, with how many rows, the first of them and an example,
    // not 900 lines; `--all` lists every one; the summary counts them all.
    let dir = tempfile::tempdir().unwrap();
    let mut csv = format!("{HEADER}\n");
    for k in 0..300 {
        csv.push_str(&format!("CL-{k};Pisa;31;affido;9;2;3\n"));
    }
    let study = csv_study(dir.path(), &csv);
    let (code, out, err) = check(&study);
    assert_eq!(code, 1, "{err}");
    let findings: Vec<&str> = out.lines().filter(|l| l.starts_with("error[")).collect();
    assert_eq!(findings.len(), 3, "{out}");
    assert_line(&out, "error[value-not-in-choices]: data.csv, column E (edu_1): 300 rows (2, 3, 4, 5, 6, …), e.g. row 2: \"9\" is not a choice of the list 'accordo5' (1, 2, 3, 4, 5)");
    assert_line(&out, "error[out-of-range]: data.csv, column C (age): 300 rows (2, 3, 4, 5, 6, …), e.g. row 2: 31 is outside the allowed range (≥ 16 and ≤ 25)");
    assert!(
        out.contains("data.csv: 300 respondents, 900 errors"),
        "{out}"
    );

    let all = crate::common::capakit()
        .args(["check", "--all"])
        .arg(&study)
        .output()
        .unwrap();
    let all = String::from_utf8_lossy(&all.stdout);
    assert_eq!(
        all.lines().filter(|l| l.starts_with("error[")).count(),
        900,
        "{all}"
    );
    assert_line(&all, "error[out-of-range]: data.csv, row 301, column C (age): 31 is outside the allowed range (≥ 16 and ≤ 25)");
}
