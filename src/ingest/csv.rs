//! CSV as Excel, LibreOffice and KoboToolbox write it: `,` `;` or tab separators, UTF-8 with or
//! without BOM, UTF-16 with BOM, or Windows-1252 (Italian Excel's "CSV (separato da ;)").
//! Cells stay text here; numbers with a decimal comma are typed later by the check stage.

use crate::msg;
use std::path::Path;

use crate::diagnostics::{Diagnostics, Location};
use crate::error::{Error, Result};

use super::{Cell, RawTable, TableBuilder};

/// Decodes the bytes of a text file; returns the text and, when it was not plain UTF-8, a note.
/// Plain UTF-8 becomes the text without a copy.
fn decode(bytes: Vec<u8>) -> (String, Option<&'static str>) {
    if let Some((encoding, bom_len)) = encoding_rs::Encoding::for_bom(&bytes) {
        let (text, _) = encoding.decode_without_bom_handling(&bytes[bom_len..]);
        let how = if encoding == encoding_rs::UTF_8 {
            "read as UTF-8 (with a byte-order mark)"
        } else if encoding == encoding_rs::UTF_16LE {
            "read as UTF-16 little-endian (byte-order mark)"
        } else {
            "read as UTF-16 big-endian (byte-order mark)"
        };
        return (text.into_owned(), Some(how));
    }
    match String::from_utf8(bytes) {
        Ok(s) => (s, None),
        Err(e) => {
            let (text, _, _) = encoding_rs::WINDOWS_1252.decode(e.as_bytes());
            (
                text.into_owned(),
                Some("not valid UTF-8: read as Windows-1252 (the encoding of Excel's CSV on Windows)"),
            )
        }
    }
}

/// The note on how a file with a byte-order mark was read.
fn encoding_message(how: &str) -> crate::diagnostics::Message {
    if how.contains("UTF-8") {
        msg!("encoding-utf-8-bom")
    } else if how.contains("little") {
        msg!("encoding-utf-16-le")
    } else {
        msg!("encoding-utf-16-be")
    }
}

/// Picks the separator that splits a line into the most fields, outside quotes, over the first
/// 20 non-empty lines (so that a title line above the header does not decide).
fn sniff_separator(text: &str) -> u8 {
    // Candidates in the order that wins a tie: a file split by tabs or semicolons may still hold
    // commas (Italian decimal commas, "3,5"), while a comma-separated file rarely holds either.
    const CANDIDATES: [u8; 3] = [b'\t', b';', b','];
    let mut per_line: Vec<[usize; 3]> = Vec::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()).take(20) {
        let mut here = [0usize; 3];
        let mut quoted = false;
        for b in line.bytes() {
            if b == b'"' {
                quoted = !quoted;
            } else if !quoted {
                if let Some(k) = CANDIDATES.iter().position(|c| *c == b) {
                    here[k] += 1;
                }
            }
        }
        per_line.push(here);
    }
    // A separator splits (nearly) every line into the same number of fields: score each by how
    // many lines share its most common non-zero count.
    let mut best = (b',', 0usize);
    for (k, sep) in CANDIDATES.iter().enumerate() {
        let mut freq: std::collections::BTreeMap<usize, usize> = Default::default();
        for here in &per_line {
            if here[k] > 0 {
                *freq.entry(here[k]).or_default() += 1;
            }
        }
        let score = freq.values().copied().max().unwrap_or(0);
        if score > best.1 {
            best = (*sep, score);
        }
    }
    best.0
}

pub(super) fn read_csv(path: &Path, shown: &str) -> Result<RawTable> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    let location = Location::file(shown);
    if bytes.contains(&0) && encoding_rs::Encoding::for_bom(&bytes).is_none() {
        return Err(Error::input(
            location,
            "this does not look like a CSV file: it contains NUL bytes (is it a workbook saved with a .csv name?)",
        ));
    }
    let (text, how) = decode(bytes);
    let mut notes = Diagnostics::default();
    // How the file was read: a note (an Italian Excel's Windows-1252 is normal; its message says
    // to look at the accented letters).
    match how {
        Some(how) if how.contains("Windows-1252") => {
            notes.note("encoding", location.clone(), msg!("encoding-windows-1252"))
        }
        Some(how) => notes.note("encoding", location.clone(), encoding_message(how)),
        None => {}
    }
    let sep = sniff_separator(&text);
    if sep != b',' {
        let message = if sep == b';' {
            msg!("separator-semicolon")
        } else {
            msg!("separator-tab")
        };
        notes.note("separator", location.clone(), message);
    }
    let mut reader = ::csv::ReaderBuilder::new()
        .delimiter(sep)
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    // Excel shows one row per record and per blank line; the csv reader skips blank lines, so
    // they are put back: a record's position is where the reader started, before the blank lines.
    // Records are read one at a time into the table's columns: the file's rows are never held.
    // Short records are padded to the header's width: a header of a million columns over many
    // short lines would cost far more than the file, so the cells are bounded by memory too.
    let max_cells = super::limits::Limits::from_env().table_cells;
    let lines = text.bytes().filter(|&b| b == b'\n').count() + 1;
    let mut table = TableBuilder::new(path, shown.to_string(), None, 1, notes, Some(max_cells))
        .rows_hint(lines);
    let mut record = ::csv::StringRecord::new();
    let mut width = 0;
    loop {
        let more = reader.read_record(&mut record).map_err(|e| {
            let row = e.position().map_or(1, |p| p.line() as u32);
            Error::input(location.clone().row(row), format!("unreadable CSV: {e}"))
        })?;
        if !more {
            break;
        }
        let start = record
            .position()
            .map_or(0, |p| p.byte() as usize)
            .min(text.len());
        for _ in 0..blank_lines_before(text.as_bytes(), start) {
            table.push(&[])?;
        }
        let mut row: Vec<Cell<'_>> = Vec::with_capacity(width);
        row.extend(record.iter().map(Cell::text));
        width = row.len();
        table.push(&row)?;
    }
    table.finish()
}

/// How many blank lines stand at `start`, before the record that begins after them: line breaks
/// counted as Excel does (CR LF once, a lone CR or LF once), and a LF that ends the previous line's
/// CR LF not counted.
fn blank_lines_before(bytes: &[u8], start: usize) -> usize {
    let mut i = start;
    if i > 0 && bytes.get(i) == Some(&b'\n') && bytes[i - 1] == b'\r' {
        i += 1;
    }
    let mut count = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\r' => {
                count += 1;
                i += if bytes.get(i + 1) == Some(&b'\n') {
                    2
                } else {
                    1
                };
            }
            b'\n' => {
                count += 1;
                i += 1;
            }
            _ => break,
        }
    }
    count
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blank_lines_with_any_line_ending() {
        assert_eq!(blank_lines_before(b"a\r\nb", 2), 0, "the LF of CR LF");
        assert_eq!(blank_lines_before(b"a\r\n\r\nb", 2), 1);
        assert_eq!(blank_lines_before(b"a\n\n\nb", 2), 2);
        assert_eq!(blank_lines_before(b"a\r\rb", 2), 1);
        assert_eq!(blank_lines_before(b"b", 0), 0);
    }

    #[test]
    fn sniffs_italian_excel_separator() {
        assert_eq!(sniff_separator("id;età;\"a;b\"\n1;2;3"), b';');
        assert_eq!(sniff_separator("id,age\n"), b',');
        assert_eq!(sniff_separator("id\tage\tx,y\n"), b'\t');
        assert_eq!(sniff_separator("Indagine 2022\n\nid;età\n1;2\n"), b';');
        // Decimal commas in a two-column semicolon file.
        assert_eq!(
            sniff_separator("territorio;punteggio\nPrato;3,5\nPrato;4,0\nFirenze;2\n"),
            b';'
        );
        assert_eq!(sniff_separator("a,b,c\n1,2,3\n4,5,6\n"), b',');
    }

    #[test]
    fn decodes_windows_1252() {
        let (text, how) = decode(b"citt\xe0".to_vec());
        assert_eq!(text, "città");
        assert!(how.unwrap().contains("Windows-1252"));
        let (text, how) = decode("\u{feff}città".as_bytes().to_vec());
        assert_eq!(text, "città");
        assert!(how.unwrap().contains("byte-order mark"));
    }
}
