//! File formats as they arrive from offices: Italian Excel CSV (`;`, decimal comma,
//! Windows-1252), UTF-8 with BOM, workbooks with KoboToolbox headers and answers as labels.

use crate::common::{check, csv_study, HEADER};

#[test]
fn italian_excel_csv_in_windows_1252() {
    let dir = tempfile::tempdir().unwrap();
    let mut bytes = format!("{HEADER};suggestions\r\nCL-1;Prato;18,0;affido;1;2;3;Pi").into_bytes();
    bytes.extend_from_slice(b"\xf9 aiuto per la citt\xe0\r\n");
    std::fs::write(dir.path().join("data.csv"), &bytes).unwrap();
    let study = crate::common::study(dir.path(), "data.csv", "");
    let (code, out, _) = check(&study);
    // A normal Italian Excel file: how it was read is a note, and check passes.
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("note[encoding]: data.csv: not valid UTF-8: read as Windows-1252"),
        "{out}"
    );
    assert!(
        out.contains("note[separator]: data.csv: fields are separated by semicolon (;)"),
        "{out}"
    );
    assert!(!out.contains("error["), "18,0 is a whole number; {out}");
}

#[test]
fn utf8_with_bom_and_commas() {
    let dir = tempfile::tempdir().unwrap();
    let csv = format!(
        "\u{feff}{}\nCL-1,Prato,18,affido,1,2,3\n",
        HEADER.replace(';', ",")
    );
    let study = csv_study(dir.path(), &csv);
    let (_, out, _) = check(&study);
    assert!(
        out.contains("note[encoding]: data.csv: read as UTF-8 (with a byte-order mark)"),
        "{out}"
    );
    assert!(
        !out.contains("unknown-column"),
        "the BOM is not part of the first header: {out}"
    );
}

#[test]
fn kobo_workbook_with_group_prefixes_labels_and_typed_cells() {
    use rust_xlsxwriter::Workbook;
    let dir = tempfile::tempdir().unwrap();
    let mut book = Workbook::new();
    let sheet = book.add_worksheet().set_name("risposte").unwrap();
    let header = [
        "start",
        "anagrafica/respondent_id",
        "anagrafica/territory",
        "anagrafica/age",
        "anagrafica/care_setting",
        "capacita/edu_1",
        "_uuid",
    ];
    for (j, h) in header.iter().enumerate() {
        sheet.write_string(2, j as u16, *h).unwrap();
    }
    sheet.write_string(0, 0, "Export KoboToolbox").unwrap();
    let rows: [(&str, &str, f64, &str, f64); 3] = [
        ("CL-1", "Prato", 18.0, "Famiglia affidataria", 4.0),
        ("CL-2", "FIRENZE ", 21.0, "Residential community", 2.0),
        ("CL-3", "Firenze", 26.0, "comunita", 9.0),
    ];
    for (i, (id, terr, age, setting, edu)) in rows.iter().enumerate() {
        let r = 3 + i as u32;
        sheet.write_string(r, 0, "2022-05-02T10:00:00").unwrap();
        sheet.write_string(r, 1, *id).unwrap();
        sheet.write_string(r, 2, *terr).unwrap();
        sheet.write_number(r, 3, *age).unwrap();
        sheet.write_string(r, 4, *setting).unwrap();
        sheet.write_number(r, 5, *edu).unwrap();
        sheet.write_string(r, 6, "uuid").unwrap();
    }
    book.save(dir.path().join("kobo.xlsx")).unwrap();
    let study = crate::common::study(dir.path(), "kobo.xlsx", "sheet = \"risposte\"");
    let (code, out, _) = check(&study);
    assert_eq!(code, 1);
    let errors: Vec<&str> = out.lines().filter(|l| l.starts_with("error[")).collect();
    assert_eq!(
        errors,
        vec![
            "error[out-of-range]: kobo.xlsx, sheet 'risposte', row 6, column D (anagrafica/age): 26 is outside the allowed range (≥ 16 and ≤ 25)",
            "error[value-not-in-choices]: kobo.xlsx, sheet 'risposte', row 6, column F (capacita/edu_1): \"9\" is not a choice of the list 'accordo5' (1, 2, 3, 4, 5)",
        ],
        "{out}"
    );
    assert!(
        out.contains("note[header-below-title]: kobo.xlsx, sheet 'risposte', row 3:"),
        "{out}"
    );
    assert!(
        !out.contains("unknown-column"),
        "start and _uuid are Kobo meta columns: {out}"
    );
}

#[test]
fn ods_questionnaire_reads_like_the_xlsx() {
    // tests/fixtures/ods/ is the shipped questionnaire saved as OpenDocument by
    // scripts/make_ods_fixture.py (pandas + odfpy).
    let codebook = |path: std::path::PathBuf| {
        let out = crate::common::capakit()
            .arg("codebook")
            .arg(path)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0));
        String::from_utf8(out.stdout).unwrap()
    };
    let ods =
        codebook(crate::common::repo().join("tests/fixtures/ods/care-leavers-capabilities.ods"));
    assert_eq!(ods, codebook(crate::common::instrument()));
    assert!(ods.contains("house_3\tselect_one\tcasa ↺\tHo paura di rimanere senza casa."));
}
