//! Cells of the CSV files capakit writes, made safe to open in a spreadsheet: text that starts
//! like a formula (`=`, `+`, `-`, `@`, tab, CR, NUL) gets a leading apostrophe so Excel and
//! LibreOffice show it instead of running it; numbers are written as numbers.

/// One CSV field: a number as it is, text neutralised and quoted when it must be.
pub enum Field<'a> {
    Number(f64),
    Text(&'a str),
    Empty,
}

/// Text that a spreadsheet would read as a formula, made inert with a leading apostrophe; control
/// characters removed and bidirectional controls shown ([`crate::text::guard`]).
pub fn neutralise(text: &str) -> std::borrow::Cow<'_, str> {
    let text = crate::text::guard(text);
    match text.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r' | '\0') => format!("'{text}").into(),
        _ => text,
    }
}

/// A CSV line of fields separated by `sep`, quoted where needed, ending in a newline; numbers
/// with a decimal comma when `comma` (as Italian Excel reads them).
pub fn csv_line(fields: &[Field<'_>], sep: char, comma: bool) -> String {
    let mut line = String::new();
    for (k, f) in fields.iter().enumerate() {
        if k > 0 {
            line.push(sep);
        }
        match f {
            Field::Empty => {}
            Field::Number(x) if x.is_finite() => {
                let s = crate::ingest::format_number(*x);
                line.push_str(&if comma { s.replace('.', ",") } else { s });
            }
            Field::Number(_) => {}
            Field::Text(t) => {
                let t = neutralise(t);
                if t.contains([sep, '"', '\n', '\r']) {
                    line.push('"');
                    line.push_str(&t.replace('"', "\"\""));
                    line.push('"');
                } else {
                    line.push_str(&t);
                }
            }
        }
    }
    line.push('\n');
    line
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn formula_triggers_are_made_inert() {
        assert_eq!(
            neutralise("=HYPERLINK(\"http://x\")"),
            "'=HYPERLINK(\"http://x\")"
        );
        assert_eq!(neutralise("-2+3"), "'-2+3");
        assert_eq!(neutralise("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(neutralise("\tcmd"), "'\tcmd");
        assert_eq!(neutralise("Prato"), "Prato");
        // Guarded first: a NUL does not hide a formula, a bidirectional control is shown.
        assert_eq!(neutralise("\u{0}=1+1"), "'=1+1");
        assert_eq!(neutralise("a\u{202E}b\u{B}"), "a[U+202E]b");
        assert_eq!(
            csv_line(
                &[
                    Field::Text("=1+1"),
                    Field::Number(-2.5),
                    Field::Text("a;b"),
                    Field::Empty
                ],
                ';',
                true
            ),
            "'=1+1;-2,5;\"a;b\";\n"
        );
    }

    proptest! {
        /// Whatever the text, no written field starts like a formula, and reading the line back
        /// gives the text (after the apostrophe).
        #[test]
        fn no_field_starts_a_formula(text in "\\PC{0,30}") {
            let line = csv_line(&[Field::Text(&text), Field::Number(1.0)], ';', false);
            let mut reader = ::csv::ReaderBuilder::new()
                .delimiter(b';')
                .has_headers(false)
                .from_reader(line.as_bytes());
            let record = reader.records().next().unwrap().unwrap();
            let first = record.get(0).unwrap();
            prop_assert!(!first.starts_with(['=', '+', '-', '@', '\t', '\r', '\0']));
            let expected = neutralise(&text);
            prop_assert_eq!(first, expected.as_ref());
        }
    }
}
