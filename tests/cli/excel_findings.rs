//! What `check` finds in the files Excel users make (issue 19, item 3): answers to questions that
//! were not relevant, required answers missing only where the question was asked (a group's
//! `relevant` included), a select_multiple whose text and 0/1 columns disagree, a totals row and
//! a row with many errors as one finding each (left out of the data), a workbook whose first sheet
//! is not the answers, and constraints beyond bounds on `.`.

use std::path::Path;

use crate::common::{capakit, check, count_tables, example_variant, run_study};

/// Writes a workbook of `sheets`, each a name and its rows of text cells.
fn workbook(path: &Path, sheets: &[(&str, Vec<Vec<String>>)]) {
    let mut book = rust_xlsxwriter::Workbook::new();
    for (name, rows) in sheets {
        let sheet = book.add_worksheet().set_name(*name).unwrap();
        for (i, row) in rows.iter().enumerate() {
            for (j, v) in row.iter().enumerate() {
                if !v.is_empty() {
                    sheet.write_string(i as u32, j as u16, v).unwrap();
                }
            }
        }
    }
    book.save(path).unwrap();
}

fn rows(lines: &[&str]) -> Vec<Vec<String>> {
    lines
        .iter()
        .map(|l| l.split(';').map(str::to_string).collect())
        .collect()
}

/// A study in `dir` of one source, `data.csv`, answering `form.xlsx`.
fn small_study(dir: &Path, survey: &[&str], choices: &[&str], csv: &str) {
    workbook(
        &dir.join("form.xlsx"),
        &[("survey", rows(survey)), ("choices", rows(choices))],
    );
    std::fs::write(dir.join("data.csv"), csv).unwrap();
    std::fs::write(
        dir.join("study.toml"),
        r#"title = "Excel findings"
languages = ["it", "en"]
default_language = "it"
analyses = []

[[territories]]
name = "Prato"

[[territories]]
name = "Firenze"

[[sources]]
name = "giovani"
path = "data.csv"
instrument = "form.xlsx"
id_column = "respondent_id"
territory_column = "territory"
"#,
    )
    .unwrap();
}

fn lines_with<'a>(out: &'a str, code: &str) -> Vec<&'a str> {
    out.lines()
        .filter(|l| l.contains(&format!("[{code}]")))
        .collect()
}

fn column(rows: &[Vec<String>], suffix: &str) -> usize {
    rows[0].iter().position(|h| h.ends_with(suffix)).unwrap()
}

#[test]
fn an_answer_where_the_question_was_not_relevant_is_reported_and_counted_as_not_asked() {
    // msna is asked only of those born abroad (${migrant_background} = 'si'); five young people
    // born in Italy answer it anyway.
    let born_here_say_msna = |rows: &mut Vec<Vec<String>>| {
        let (born, msna) = (column(rows, "/migrant_background"), column(rows, "/msna"));
        for r in rows.iter_mut().skip(1).filter(|r| r[born] == "no").take(5) {
            r[msna] = "si".into();
        }
    };
    let dir = tempfile::tempdir().unwrap();
    let edited = example_variant(dir.path(), born_here_say_msna, "");
    let (_, out, err) = crate::common::check_with(&edited, &["--all"]);
    assert!(!err.contains("panicked"), "{err}");
    let found = lines_with(&out, "not-relevant");
    assert_eq!(found.len(), 5, "{out}");
    assert!(
        found[0].starts_with("warning[not-relevant]: data.csv, row ")
            && found[0].ends_with(", column J (anagrafica/msna): \"si\": answered, but the question is asked only when ${migrant_background} = 'si', which does not hold on this row; the answer is left out and counted as not asked"),
        "{}",
        found[0]
    );
    // The run counts them as not asked: every published count is the example's own.
    let plain = tempfile::tempdir().unwrap();
    let example = example_variant(plain.path(), |_| {}, "");
    let a = run_study(&edited, &dir.path().join("out"), true);
    let b = run_study(&example, &plain.path().join("out"), true);
    assert_eq!(count_tables(&a), count_tables(&b));
}

const SURVEY: &[&str] = &[
    "type;name;label::Italiano (it);label::English (en);required;relevant;constraint;constraint_message::Italiano (it);constraint_message::English (en)",
    "text;respondent_id;Codice;Code;yes;;regex(., 'CL-[A-Z]{2}-[0-9]{3}');Scrivi il codice come CL-PO-001;Write the code as CL-PO-001",
    "select_one terr;territory;Territorio;Territory;yes;;;;",
    "select_one sino;born_abroad;Nato all'estero?;Born abroad?;yes;;;;",
    "begin_group;abroad;Arrivo;Arrival;;${born_abroad} = 'si';;;",
    "select_one sino;msna;MSNA?;Unaccompanied minor?;yes;;;;",
    "integer;years;Da quanti anni?;For how many years?;yes;${msna} = 'si';. > 0 and . <= ${age};;",
    "end_group;;;;;;;;",
    "integer;age;Età;Age;;;string-length(string(.)) = 2 or . < 10;;",
    "text;nickname;Soprannome;Nickname;;;today() > .;;",
    "text;later;Dopo;Later;yes;${age} > today();;;",
];

const CHOICES: &[&str] = &[
    "list_name;name;label::Italiano (it);label::English (en)",
    "terr;Prato;Prato;Prato",
    "terr;Firenze;Firenze;Firenze",
    "sino;si;Sì;Yes",
    "sino;no;No;No",
];

#[test]
fn required_answers_are_missing_only_where_the_question_was_asked() {
    let dir = tempfile::tempdir().unwrap();
    small_study(
        dir.path(),
        SURVEY,
        CHOICES,
        "respondent_id;territory;born_abroad;msna;years;age;nickname;later\n\
         CL-PO-001;Prato;no;;;19;;\n\
         CL-PO-002;Prato;si;;;19;;\n\
         CL-PO-003;Prato;si;si;;19;;\n\
         CL-PO-004;Prato;no;si;3;19;;\n\
         CL-PO-005;Prato;si;no;;19;;\n",
    );
    let (_, out, err) = check(dir.path());
    assert!(!err.contains("panicked"), "{err}");
    // Row 2 (born in Italy) is not asked msna nor years: nothing. Row 6 answered msna = no:
    // years is not asked. `later`'s condition is not read: one note, and its required answers
    // are not checked.
    assert_eq!(
        lines_with(&out, "required-missing"),
        vec![
            "error[required-missing]: data.csv, row 3, column D (msna): 'msna' is required but has no answer",
            "error[required-missing]: data.csv, row 4, column E (years): 'years' is required but has no answer",
        ],
        "{out}"
    );
    assert_eq!(
        lines_with(&out, "relevant-unread"),
        vec!["note[relevant-unread]: form.xlsx, sheet 'survey', row 11: the relevant of 'later' (${age} > today()) is not read: at character 10: 'today' is not evaluated: the findings would change from day to day; every row counts as asked, and its required answers are not checked"],
        "{out}"
    );
    // The group's relevant applies to the questions inside, with their own joined by `and`;
    // years is judged once msna is left out.
    assert_eq!(
        lines_with(&out, "not-relevant"),
        vec![
            "warning[not-relevant]: data.csv, row 5, column D (msna): \"si\": answered, but the question is asked only when ${born_abroad} = 'si', which does not hold on this row; the answer is left out and counted as not asked",
            "warning[not-relevant]: data.csv, row 5, column E (years): 3: answered, but the question is asked only when (${born_abroad} = 'si') and (${msna} = 'si'), which does not hold on this row; the answer is left out and counted as not asked",
        ],
        "{out}"
    );
}

#[test]
fn constraints_beyond_bounds_are_checked_with_their_message() {
    let dir = tempfile::tempdir().unwrap();
    small_study(
        dir.path(),
        SURVEY,
        CHOICES,
        "respondent_id;territory;born_abroad;msna;years;age;nickname\n\
         CL-PO-001;Prato;si;si;4;19;Mimi\n\
         cl-po-2;Prato;si;si;25;19;\n\
         CL-PO-0031;Prato;si;si;2;123;\n\
         CL-FI-004;Firenze;no;;;9;Leo\n",
    );
    let (code, out, err) = crate::common::check_with(dir.path(), &["--all"]);
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(code, 1, "{out}");
    assert_eq!(
        lines_with(&out, "constraint-broken"),
        vec![
            // The regex matches the whole value, as ODK Collect does: "CL-PO-0031" has a
            // fourth digit. The message is the form's, in the study's language.
            "error[constraint-broken]: data.csv, row 3, column A (respondent_id): \"cl-po-2\" does not meet the questionnaire's constraint: Scrivi il codice come CL-PO-001 (regex(., 'CL-[A-Z]{2}-[0-9]{3}'))",
            "error[constraint-broken]: data.csv, row 4, column A (respondent_id): \"CL-PO-0031\" does not meet the questionnaire's constraint: Scrivi il codice come CL-PO-001 (regex(., 'CL-[A-Z]{2}-[0-9]{3}'))",
            // Another question's answer, and `or` ranges.
            "error[constraint-broken]: data.csv, row 3, column E (years): 25 does not meet the questionnaire's constraint . > 0 and . <= ${age}",
            "error[constraint-broken]: data.csv, row 4, column F (age): 123 does not meet the questionnaire's constraint string-length(string(.)) = 2 or . < 10",
        ],
        "{out}"
    );
    // An expression capakit does not read is one note for the question, not one per row.
    assert_eq!(
        lines_with(&out, "constraint-unread"),
        vec!["note[constraint-unread]: form.xlsx, sheet 'survey', row 10: the constraint of 'nickname' (today() > .) is not read: at character 1: 'today' is not evaluated: the findings would change from day to day; its answers are not checked against it"],
        "{out}"
    );
}

#[test]
fn select_multiple_text_and_0_1_columns_that_disagree_are_an_error_naming_both() {
    let dir = tempfile::tempdir().unwrap();
    let study = example_variant(
        dir.path(),
        |rows| {
            let support = column(rows, "/support");
            let option = |name: &str| column(rows, &format!("/support/{name}"));
            let (a, t, f) = (
                option("assistente_sociale"),
                option("tutor"),
                option("amici"),
            );
            let r = &mut rows[3];
            r[support] = "amici".into();
            for cell in &mut r[support + 1..support + 8] {
                *cell = "0".into();
            }
            for j in [a, t, f] {
                r[j] = "1".into();
            }
        },
        "",
    );
    let (code, out, _) = check(&study);
    assert_eq!(code, 1, "{out}");
    assert_eq!(
        lines_with(&out, "select-multiple-disagree"),
        vec!["error[select-multiple-disagree]: data.csv, row 4, column O (anagrafica/support): 'support' says \"amici\" but its 0/1 columns choose assistente_sociale tutor amici (anagrafica/support/assistente_sociale, anagrafica/support/tutor, anagrafica/support/amici); the answer is left out"],
        "{out}"
    );
}

/// The example with a last row of totals: `label` in the id column (or nothing), and each numeric
/// column's sum over the rows above.
fn with_totals(label: &'static str) -> impl Fn(&mut Vec<Vec<String>>) {
    move |rows| {
        let first = column(rows, "/edu_1");
        let last = column(rows, "/imp_rispetto");
        let id = column(rows, "/respondent_id");
        let mut total = vec![String::new(); rows[0].len()];
        total[id] = label.into();
        for (j, cell) in total.iter_mut().enumerate().take(last + 1).skip(first) {
            let sum: f64 = rows[1..]
                .iter()
                .filter_map(|r| r[j].parse::<f64>().ok())
                .sum();
            *cell = sum.to_string();
        }
        rows.push(total);
    }
}

#[test]
fn a_totals_row_is_one_finding_and_not_a_respondent() {
    for label in ["Totale", ""] {
        let dir = tempfile::tempdir().unwrap();
        let study = example_variant(dir.path(), with_totals(label), "");
        let (_, out, err) = check(&study);
        assert!(!err.contains("panicked"), "{err}");
        let row = "row 203";
        let about: Vec<&str> = out.lines().filter(|l| l.contains(row)).collect();
        let expected = if label.is_empty() {
            "warning[totals-row]: data.csv, row 203: 36 cells do not fit and its 36 numbers are the sums of the columns above: this looks like a totals row; it is left out of the data (not counted as a respondent) and its cells are not listed one by one"
        } else {
            "warning[totals-row]: data.csv, row 203: 36 cells do not fit and column C (anagrafica/respondent_id) reads \"Totale\": this looks like a totals row; it is left out of the data (not counted as a respondent) and its cells are not listed one by one"
        };
        assert_eq!(about, vec![expected], "{out}");
        assert!(
            out.contains("data/risposte-care-leavers.csv: 200 respondents")
                || out.contains("data.csv: 200 respondents"),
            "{out}"
        );
        // The alike findings of other rows are not counted with it.
        assert!(!out.contains("more rows like this"), "{out}");
    }
}

#[test]
fn a_row_with_many_errors_is_one_finding() {
    // One respondent's answers typed as "?" from the territory to the last importance.
    let dir = tempfile::tempdir().unwrap();
    let study = example_variant(
        dir.path(),
        |rows| {
            let (from, to) = (column(rows, "/territory"), column(rows, "/imp_rispetto"));
            for cell in &mut rows[10][from..=to] {
                *cell = "?".into();
            }
        },
        "",
    );
    let (code, out, _) = check(&study);
    assert_eq!(code, 1, "{out}");
    let about: Vec<&str> = out.lines().filter(|l| l.contains("row 11")).collect();
    assert_eq!(about.len(), 1, "{out}");
    assert!(
        about[0].starts_with("error[row-many-errors]: data.csv, row 11: ")
            && about[0].contains("filled cells do not fit the questionnaire (a totals row, or columns shifted on this row?)"),
        "{}",
        about[0]
    );
}

#[test]
fn a_workbook_whose_first_sheet_is_not_the_answers_names_the_one_that_is() {
    let dir = tempfile::tempdir().unwrap();
    let csv = std::fs::read_to_string(
        crate::common::repo().join("examples/caring-prato-firenze/data/risposte-care-leavers.csv"),
    )
    .unwrap();
    let answers: Vec<Vec<String>> = csv
        .lines()
        .map(|l| l.split(';').map(str::to_string).collect())
        .collect();
    let readme = rows(&[
        "Progetto;CarINg",
        "Note;Dati raccolti con KoboToolbox, esportati in Excel",
    ]);
    let study = example_variant(dir.path(), |_| {}, "");
    workbook(
        &dir.path().join("risposte.xlsx"),
        &[("Leggimi", readme), ("risposte", answers)],
    );
    crate::common::replace_in_study(&study, "path = \"data.csv\"", "path = \"risposte.xlsx\"");
    let out = capakit().arg("check").arg(&study).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("risposte.xlsx, sheet 'Leggimi': the first sheet, 'Leggimi', does not hold the answers: 0 of the questionnaire's 51 questions have a column there. The workbook's sheets are: Leggimi, risposte. The sheet 'risposte' has 51 of them: add sheet = \"risposte\" to this source ([[sources]] with name = \"care-leavers\") in study.toml"),
        "{err}"
    );
    // As suggested, it is read.
    crate::common::replace_in_study(
        &study,
        "path = \"risposte.xlsx\"",
        "path = \"risposte.xlsx\"\nsheet = \"risposte\"",
    );
    let (_, out, err) = check(&study);
    assert!(out.contains("200 respondents"), "{out}{err}");
}
