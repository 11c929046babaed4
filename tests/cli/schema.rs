//! `capakit schema` and the README section written from it; the questionnaire's columns that
//! capakit does not read.

use std::path::Path;

use crate::common::{capakit, repo};

const BEGIN: &str = "<!-- schema:begin -->\n";
const END: &str = "<!-- schema:end -->";

/// README.md's reference is what `capakit schema` prints now.
/// `CAPAKIT_UPDATE_SCHEMA=1 cargo test --test cli schema` writes it again.
#[test]
fn schema_readme_section_is_what_capakit_schema_prints() {
    let out = capakit().arg("schema").output().unwrap();
    assert!(out.status.success());
    let printed = String::from_utf8(out.stdout).unwrap();
    for needed in [
        "| `source` | text | no | The source (by name in study.toml)",
        "#### `[[analysis.dimensions]]`",
        "| `label` | text or table | no | The dimension's name",
        "#### Sheet `scales`",
        "| `reverse` | *capakit* |",
        "#### `[disclosure]`",
        "| `min_cell` | integer | no |",
    ] {
        assert!(
            printed.contains(needed),
            "`capakit schema` lacks {needed:?}"
        );
    }
    let path = repo().join("README.md");
    let readme = std::fs::read_to_string(&path).unwrap();
    let start = readme
        .find(BEGIN)
        .expect("README.md has the schema:begin marker")
        + BEGIN.len();
    let end = readme
        .find(END)
        .expect("README.md has the schema:end marker");
    if std::env::var_os("CAPAKIT_UPDATE_SCHEMA").is_some() {
        let updated = format!("{}{}{}", &readme[..start], printed, &readme[end..]);
        std::fs::write(&path, updated).unwrap();
        return;
    }
    assert!(
        readme[start..end] == printed,
        "README.md's reference differs from `capakit schema` \
         (CAPAKIT_UPDATE_SCHEMA=1 cargo test --test cli schema writes it again)"
    );
}

/// A questionnaire with a `scales` sheet whose name column is headed `scale`, and a survey column
/// `reversed` (for `reverse`) beside KoboToolbox's own columns.
fn form(path: &Path, scales_header: &str) {
    use rust_xlsxwriter::Workbook;
    let mut book = Workbook::new();
    let survey = book.add_worksheet().set_name("survey").unwrap();
    let rows: [[&str; 7]; 3] = [
        [
            "type",
            "name",
            "label::English (en)",
            "scale",
            "reversed",
            "$kuid",
            "hint::English (en)",
        ],
        ["integer", "wb_1", "I feel safe", "wellbeing", "", "a1", ""],
        [
            "integer",
            "wb_2",
            "I feel alone",
            "wellbeing",
            "yes",
            "a2",
            "",
        ],
    ];
    for (i, row) in rows.iter().enumerate() {
        for (j, v) in row.iter().enumerate() {
            survey.write_string(i as u32, j as u16, *v).unwrap();
        }
    }
    let scales = book.add_worksheet().set_name("scales").unwrap();
    for (j, v) in [scales_header, "label::English (en)"].iter().enumerate() {
        scales.write_string(0, j as u16, *v).unwrap();
    }
    for (j, v) in ["wellbeing", "Wellbeing"].iter().enumerate() {
        scales.write_string(1, j as u16, *v).unwrap();
    }
    book.save(path).unwrap();
}

#[test]
fn schema_unknown_scales_column_is_an_error_naming_the_closest() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("form.xlsx");
    form(&path, "scale");
    let out = capakit().arg("codebook").arg(&path).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("error[unknown-form-column]: ")
            && stderr.contains(
                "form.xlsx, sheet 'scales', row 1, column A (scale): \
             the scales sheet has no column 'scale'"
            )
            && stderr.contains("did you mean 'name'?"),
        "{stderr}"
    );
    // The survey's `reversed` is taken for `reverse`; KoboToolbox's `$kuid` and the hint's
    // language column say nothing.
    assert!(
        stderr.contains("warning[unknown-form-column]: ")
            && stderr.contains(
                "form.xlsx, sheet 'survey', row 1, column E (reversed): \
             the survey sheet's column 'reversed' is not read; did you mean 'reverse'?"
            ),
        "{stderr}"
    );
    assert_eq!(stderr.matches("unknown-form-column").count(), 2, "{stderr}");

    form(&path, "name");
    let out = capakit().arg("codebook").arg(&path).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.matches("unknown-form-column").count(), 1, "{stderr}");
}

/// `check` on a study whose questionnaire heads the scales sheet's names `scale` reports the
/// error and exits non-zero; headed `name`, the study is clean.
#[test]
fn schema_unknown_scales_column_fails_check() {
    let dir = tempfile::tempdir().unwrap();
    form(&dir.path().join("form.xlsx"), "scale");
    std::fs::write(dir.path().join("data.csv"), "wb_1,wb_2\n1,2\n3,4\n").unwrap();
    std::fs::write(
        dir.path().join("study.toml"),
        "title = \"T\"\n\n[[sources]]\npath = \"data.csv\"\ninstrument = \"form.xlsx\"\n",
    )
    .unwrap();
    let (code, stdout, stderr) = crate::common::check(dir.path());
    assert_ne!(code, 0, "{stdout}{stderr}");
    assert!(
        stdout.contains(
            "error[unknown-form-column]: form.xlsx, sheet 'scales', row 1, column A (scale)"
        ),
        "{stdout}{stderr}"
    );
    form(&dir.path().join("form.xlsx"), "name");
    let (_, stdout, stderr) = crate::common::check(dir.path());
    assert!(!stdout.contains("scales"), "{stdout}{stderr}");
}
