//! Property tests on the readers: whatever the bytes, reading ends in a table or a located error,
//! never a panic; and a table written as CSV (in any separator and line ending Excel uses) reads
//! back cell for cell.

use proptest::prelude::*;

use super::read_table;

fn read_bytes(bytes: &[u8], ext: &str) -> Result<super::RawTable, crate::error::Error> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(format!("data.{ext}"));
    std::fs::write(&path, bytes).unwrap();
    read_table(&path, &format!("data.{ext}"), None)
}

fn cell() -> impl Strategy<Value = String> {
    prop_oneof![
        "[A-Za-z0-9àèéìòù' .-]{1,12}",
        (0u32..1000).prop_map(|n| n.to_string()),
        Just("3,5".to_string()),
    ]
    .prop_map(|s| s.trim().to_string())
    .prop_filter("cells are not blank", |s| !s.is_empty())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn any_bytes_as_csv_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..2000)) {
        match read_bytes(&bytes, "csv") {
            Ok(t) => prop_assert!(t.columns.iter().all(|c| c.len() == t.height())),
            Err(e) => prop_assert!(e.to_string().starts_with("data.csv")),
        }
    }

    #[test]
    fn any_bytes_as_workbooks_never_panic(
        bytes in prop::collection::vec(any::<u8>(), 0..2000),
        ext in prop_oneof![Just("xlsx"), Just("ods"), Just("xls")],
    ) {
        if let Err(e) = read_bytes(&bytes, ext) {
            prop_assert!(e.to_string().starts_with(&format!("data.{ext}")), "{}", e);
        }
    }

    #[test]
    fn csv_round_trip(
        rows in prop::collection::vec(prop::collection::vec(cell(), 3), 1..20),
        sep in prop_oneof![Just(';'), Just(','), Just('\t')],
        crlf in any::<bool>(),
        bom in any::<bool>(),
    ) {
        let header = ["alfa", "beta", "gamma"];
        let end = if crlf { "\r\n" } else { "\n" };
        let quote = |s: &str| if s.contains(sep) || s.contains('"') {
            format!("\"{}\"", s.replace('"', "\"\""))
        } else {
            s.to_string()
        };
        let mut text = String::new();
        if bom {
            text.push('\u{feff}');
        }
        text.push_str(&header.join(&sep.to_string()));
        text.push_str(end);
        for r in &rows {
            let cells: Vec<String> = r.iter().map(|c| quote(c)).collect();
            text.push_str(&cells.join(&sep.to_string()));
            text.push_str(end);
        }
        let t = read_bytes(text.as_bytes(), "csv").unwrap();
        prop_assert_eq!(&t.headers, &header.map(String::from).to_vec());
        prop_assert_eq!(t.height(), rows.len());
        for (i, r) in rows.iter().enumerate() {
            for (j, c) in r.iter().enumerate() {
                prop_assert_eq!(t.cell(i, j).as_text(), c.clone());
            }
            prop_assert_eq!(t.row_numbers[i], i as u32 + 2);
        }
    }
}
