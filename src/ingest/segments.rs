//! Coded focus-group segments from the tables QDA tools export: a generic long table (one row per
//! segment and code), QualCoder's coding export, Taguette's highlights export, and a wide 0/1
//! matrix (one row per excerpt, one column per code, as people code in Excel). The format is
//! recognised from the header; every format is read into the same [`Segment`]s, and a malformed
//! row (no code, an end before its start, no document) is a located finding, never a panic.

use crate::diagnostics::Arg;
use crate::msg;
use std::collections::BTreeMap;

use serde::Serialize;

use crate::diagnostics::{Diagnostics, Location};

use super::{Cell, RawTable};

/// One code applied to one stretch of text.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Segment {
    /// The transcript (document, file) the segment is from.
    pub document: String,
    /// The segment's id where the tool gives one.
    pub id: Option<String>,
    pub text: String,
    /// The code's path, root first (`["leaving care", "critical issues"]`).
    pub code: Vec<String>,
    pub coder: Option<String>,
    /// Character offsets in the document, where the tool gives them.
    pub start: Option<u64>,
    pub end: Option<u64>,
    pub memo: Option<String>,
    /// The case (speaker, participant) where the tool gives one.
    pub case: Option<String>,
    /// Document or case attributes exported beside the coding (QualCoder `FileVar_*`).
    pub attributes: BTreeMap<String, String>,
    /// Excel row of the segment in its file.
    #[serde(skip)]
    pub row: u32,
}

/// The layouts recognised.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Layout {
    /// One row per segment and code, columns named in study.toml or by the defaults.
    Long,
    /// QualCoder's coding export (`Codename`, `Coded`, `Coder`, `Category…`).
    QualCoder,
    /// Taguette's highlights export (`id, document, tag, content`).
    Taguette,
    /// One row per excerpt, one 0/1 column per code.
    Wide,
    /// A REFI-QDA project exchange file (.qdpx).
    RefiQda,
}

pub use crate::study::LongColumns;

fn find(t: &RawTable, name: &str) -> Option<usize> {
    let lower = name.trim().to_lowercase();
    t.headers
        .iter()
        .position(|h| h.trim().to_lowercase() == lower)
}

/// Recognises the layout of a coding export from its header.
pub fn layout(t: &RawTable, long: &LongColumns) -> Option<Layout> {
    let has = |n: &str| find(t, n).is_some();
    if has("codename") && has("coded") {
        Some(Layout::QualCoder)
    } else if has("tag") && has("content") && has("document") {
        Some(Layout::Taguette)
    } else if has(&long.code) && has(&long.document) {
        Some(Layout::Long)
    } else if has(&long.document) && has(&long.text) {
        Some(Layout::Wide)
    } else {
        None
    }
}

fn text(t: &RawTable, i: usize, j: Option<usize>) -> Option<String> {
    let j = j?;
    match t.cell(i, j) {
        Cell::Empty => None,
        c => Some(c.as_text().trim().to_string()).filter(|s| !s.is_empty()),
    }
}

fn offset(t: &RawTable, i: usize, j: Option<usize>, d: &mut Diagnostics) -> Option<u64> {
    let v = text(t, i, j)?;
    let j = j?;
    match crate::text::parse_number(&v).filter(|x| *x >= 0.0 && x.fract() == 0.0) {
        Some(x) => Some(x as u64),
        None => {
            d.warning(
                "segment-offset",
                t.cell_location(i, j),
                msg!("segment-offset", value = Arg::value(&v)),
            );
            None
        }
    }
}

/// A document's name as transcripts are known: a file's name without its text extension
/// (`PO-FG1.txt` and `PO-FG1` are one document).
pub fn document_name(s: &str) -> String {
    let t = s.trim();
    for ext in [".txt", ".docx", ".doc", ".odt", ".rtf", ".pdf", ".md"] {
        if t.len() > ext.len() && t.to_lowercase().ends_with(ext) {
            return t[..t.len() - ext.len()].to_string();
        }
    }
    t.to_string()
}

/// Splits a code path written `parent/child` (or `parent > child`, `parent::child`).
pub fn code_path(s: &str) -> Vec<String> {
    let normal = s.replace(" > ", "/").replace("::", "/");
    normal
        .split('/')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(str::to_string)
        .collect()
}

/// Reads the segments of a table in its layout; malformed rows are findings and are skipped.
pub fn read_segments(
    t: &RawTable,
    layout: Layout,
    long: &LongColumns,
) -> (Vec<Segment>, Diagnostics) {
    let mut d = Diagnostics::default();
    let mut out = Vec::new();
    let col = |n: &str| find(t, n);
    match layout {
        Layout::Long | Layout::QualCoder | Layout::Taguette => {
            let (doc, case, seg, txt, code, coder, start, end, memo) = match layout {
                Layout::QualCoder => (
                    col("file"),
                    col("case"),
                    col("id"),
                    col("coded"),
                    col("codename"),
                    col("coder"),
                    col("pos0").or_else(|| col("start")),
                    col("pos1").or_else(|| col("end")),
                    col("coded_memo"),
                ),
                Layout::Taguette => (
                    col("document"),
                    None,
                    col("id"),
                    col("content"),
                    col("tag"),
                    None,
                    None,
                    None,
                    None,
                ),
                _ => (
                    col(&long.document),
                    None,
                    col(&long.segment),
                    col(&long.text),
                    col(&long.code),
                    col(&long.coder),
                    col(&long.start),
                    col(&long.end),
                    col(&long.memo),
                ),
            };
            // QualCoder writes the code's ancestors in Category columns, nearest last.
            let categories: Vec<usize> = (0..t.headers.len())
                .filter(|&j| {
                    layout == Layout::QualCoder
                        && t.headers[j].trim().to_lowercase().starts_with("category")
                })
                .collect();
            let attributes: Vec<usize> = (0..t.headers.len())
                .filter(|&j| {
                    let h = t.headers[j].trim();
                    h.starts_with("FileVar_") || h.starts_with("CaseVar_")
                })
                .collect();
            for i in 0..t.height() {
                let here = |j: Option<usize>| match j {
                    Some(j) => t.cell_location(i, j),
                    None => t.location().row(t.row_numbers[i]),
                };
                let Some(document) = text(t, i, doc).or_else(|| text(t, i, case)) else {
                    d.error("segment-document", here(doc), msg!("segment-document"));
                    continue;
                };
                let Some(code_text) = text(t, i, code) else {
                    d.warning("segment-code", here(code), msg!("segment-code-empty"));
                    continue;
                };
                let mut path: Vec<String> = categories
                    .iter()
                    .filter_map(|&j| text(t, i, Some(j)))
                    .collect();
                let own = code_path(&code_text);
                if own.len() > 1 || path.is_empty() {
                    path = own;
                } else {
                    path.extend(own);
                }
                if path.is_empty() {
                    d.warning(
                        "segment-code",
                        here(code),
                        msg!("segment-code-none", value = Arg::value(&code_text)),
                    );
                    continue;
                }
                let (s, e) = (offset(t, i, start, &mut d), offset(t, i, end, &mut d));
                if let (Some(s), Some(e)) = (s, e) {
                    if e < s {
                        d.error(
                            "segment-span",
                            here(end),
                            msg!("segment-span", end = e, start = s),
                        );
                        continue;
                    }
                }
                out.push(Segment {
                    document: document_name(&document),
                    id: text(t, i, seg),
                    text: text(t, i, txt).unwrap_or_default(),
                    code: path,
                    coder: text(t, i, coder),
                    start: s,
                    end: e,
                    memo: text(t, i, memo),
                    case: if layout == Layout::QualCoder {
                        text(t, i, case)
                    } else {
                        None
                    },
                    attributes: attributes
                        .iter()
                        .filter_map(|&j| {
                            Some((t.headers[j].trim().to_string(), text(t, i, Some(j))?))
                        })
                        .collect(),
                    row: t.row_numbers[i],
                });
            }
        }
        // Read from the archive by [`super::qdpx::read_qdpx`], never from a table.
        Layout::RefiQda => {}
        Layout::Wide => {
            let (doc, seg, txt, coder) = (
                col(&long.document),
                col(&long.segment),
                col(&long.text),
                col(&long.coder),
            );
            let fixed: Vec<Option<usize>> = vec![doc, seg, txt, coder, col(&long.memo)];
            let codes: Vec<usize> = (0..t.headers.len())
                .filter(|j| !fixed.contains(&Some(*j)) && !code_path(&t.headers[*j]).is_empty())
                .collect();
            for i in 0..t.height() {
                let Some(document) = text(t, i, doc) else {
                    d.error(
                        "segment-document",
                        t.location().row(t.row_numbers[i]),
                        msg!("segment-document-excerpt"),
                    );
                    continue;
                };
                let mut coded = false;
                for &j in &codes {
                    let v = text(t, i, Some(j)).unwrap_or_default();
                    let on = match v.as_str() {
                        "" => false,
                        "x" | "X" => true,
                        // 1/0, TRUE/FALSE, yes/no, sì/no, vero/falso.
                        other => crate::text::zero_one(other).unwrap_or_else(|| {
                            d.warning(
                                "segment-matrix",
                                t.cell_location(i, j),
                                msg!("segment-matrix", value = Arg::value(other)),
                            );
                            false
                        }),
                    };
                    if on {
                        coded = true;
                        out.push(Segment {
                            document: document_name(&document),
                            id: text(t, i, seg)
                                .or_else(|| Some(format!("row {}", t.row_numbers[i]))),
                            text: text(t, i, txt).unwrap_or_default(),
                            code: code_path(&t.headers[j]),
                            coder: text(t, i, coder),
                            start: None,
                            end: None,
                            memo: None,
                            case: None,
                            attributes: BTreeMap::new(),
                            row: t.row_numbers[i],
                        });
                    }
                }
                if !coded {
                    d.note(
                        "segment-uncoded",
                        t.location().row(t.row_numbers[i]),
                        msg!("segment-uncoded"),
                    );
                }
            }
        }
    }
    (out, d)
}

/// Where a segment is, as a user finds it.
pub fn segment_location(t: &RawTable, s: &Segment) -> Location {
    t.location().row(s.row)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::Severity;

    fn read(name: &str) -> (Vec<Segment>, Diagnostics) {
        let path = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/segments")
            .join(name);
        let t = crate::ingest::read_table(&path, name, None).unwrap();
        let long = LongColumns::default();
        let l = layout(&t, &long).expect("a known layout");
        read_segments(&t, l, &long)
    }

    /// (document, text, code path) of every segment, sorted: what every format must agree on.
    fn key(s: &[Segment]) -> Vec<(String, String, Vec<String>)> {
        let mut k: Vec<_> = s
            .iter()
            .map(|x| (x.document.clone(), x.text.clone(), x.code.clone()))
            .collect();
        k.sort();
        k
    }

    #[test]
    fn every_export_reads_into_the_same_segments() {
        let (long, d) = read("long.csv");
        assert!(!d.has_findings(), "{d:?}");
        assert_eq!(long.len(), 4);
        assert_eq!(long[0].code, vec!["uscita", "criticità"]);
        assert_eq!((long[0].start, long[0].end), (Some(10), Some(82)));
        assert_eq!(long[0].coder.as_deref(), Some("coder_a"));
        for name in ["qualcoder.csv", "taguette.csv", "wide.csv"] {
            let (s, d) = read(name);
            assert!(!d.has_findings(), "{name}: {d:?}");
            assert_eq!(key(&s), key(&long), "{name}");
        }
        let path = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/segments/refi.qdpx");
        let (refi, d) = crate::ingest::qdpx::read_qdpx(&path, "refi.qdpx").unwrap();
        assert!(!d.has_findings(), "{d:?}");
        assert_eq!(key(&refi), key(&long), "refi.qdpx");
        assert_eq!(refi[0].coder.as_deref(), Some("coder_a"));
        assert!(refi.iter().all(|s| s.start.is_some() && s.end.is_some()));
        let (q, _) = read("qualcoder.csv");
        assert_eq!(q[0].document, "PO-FG1");
        assert_eq!(
            q[0].attributes.get("FileVar_territory").map(String::as_str),
            Some("Prato")
        );
        assert_eq!((q[3].start, q[3].end), (Some(0), Some(61)));
    }

    /// A code matrix written with TRUE/FALSE, yes/no, sì/no or vero/falso reads as with 1/0;
    /// anything else is a located warning and not coded.
    #[test]
    fn a_matrix_reads_true_false_and_si_no() {
        let root = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"));
        let wide = std::fs::read_to_string(root.join("tests/fixtures/segments/wide.csv")).unwrap();
        let words = wide
            .replace(",1,0,0,0", ",TRUE,FALSE,no,falso")
            .replace(",0,1,1,0", ",No,Sì,yes,0")
            .replace(",0,0,0,1", ",no,forse,False,vero");
        assert_ne!(words, wide);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("words.csv");
        std::fs::write(&path, words).unwrap();
        let t = crate::ingest::read_table(&path, "words.csv", None).unwrap();
        let long = LongColumns::default();
        let (s, d) = read_segments(&t, layout(&t, &long).unwrap(), &long);
        assert_eq!(key(&s), key(&read("long.csv").0));
        let found: Vec<String> = d
            .items
            .iter()
            .map(|x| format!("{} {}", x.code, x.location))
            .collect();
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            found[0].starts_with("segment-matrix") && found[0].contains("row 4"),
            "{found:?}"
        );
    }

    #[test]
    fn malformed_rows_are_located_findings() {
        let (s, d) = read("malformed.csv");
        assert_eq!(s.len(), 2, "the good row and the one with a bad offset");
        let found: Vec<(Severity, &str, String)> = d
            .items
            .iter()
            .map(|x| (x.severity, x.code, x.location.to_string()))
            .collect();
        let has = |code: &str, at: &str| found.iter().any(|f| f.1 == code && f.2.contains(at));
        assert!(has("segment-code", "row 2"), "{found:?}");
        assert!(has("segment-span", "row 3"), "{found:?}");
        assert!(has("segment-document", "row 4"), "{found:?}");
        assert!(has("segment-offset", "row 5"), "{found:?}");
    }

    #[test]
    fn code_paths_and_document_names() {
        assert_eq!(code_path("uscita / criticità"), vec!["uscita", "criticità"]);
        assert_eq!(code_path("uscita > risorse"), vec!["uscita", "risorse"]);
        assert_eq!(code_path("solo"), vec!["solo"]);
        assert_eq!(document_name("PO-FG1.docx"), "PO-FG1");
        assert_eq!(document_name(".txt"), ".txt");
    }
}
