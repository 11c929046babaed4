//! A segments source checked: its coded segments (any layout [`crate::ingest::segments`] reads),
//! its document metadata (document → territory, session, date, role, care setting) and its
//! codebook (codes, hierarchy, labels per language, description, capability dimension), with
//! located findings for what does not fit: a code not in the codebook, a document without
//! metadata, a territory the study does not know.

use crate::diagnostics::Arg;
use crate::msg;
use std::collections::BTreeMap;

use serde::Serialize;

use crate::diagnostics::{Diagnostics, Location};
use crate::error::{Error, Result};
use crate::ingest::segments::{code_path, document_name, layout, read_segments, Layout, Segment};
use crate::ingest::{read_table, RawTable};
use crate::instrument::{label_language, Labels};
use crate::study::{SegmentSource, Study};

/// What is known of one transcript.
#[derive(Debug, Clone, Default, Serialize)]
pub struct DocumentMeta {
    pub territory: Option<String>,
    pub session: Option<String>,
    pub date: Option<String>,
    /// The participants' role (social workers, educators, autonomy tutors …).
    pub role: Option<String>,
    pub care_setting: Option<String>,
}

impl DocumentMeta {
    /// The metadata field a codes analysis groups by: `session`, `role`, `care_setting`, or
    /// (any other name) the territory.
    pub fn field(&self, by: &str) -> Option<&String> {
        match by {
            "session" => self.session.as_ref(),
            "role" => self.role.as_ref(),
            "care_setting" => self.care_setting.as_ref(),
            _ => self.territory.as_ref(),
        }
    }
}

/// One code of the codebook.
#[derive(Debug, Clone, Serialize)]
pub struct CodeEntry {
    /// Root first.
    pub path: Vec<String>,
    pub labels: Labels,
    pub description: Option<String>,
    /// The capability dimension the code speaks to (a dimension id of the capability analysis).
    pub dimension: Option<String>,
}

/// A checked segments source.
#[derive(Debug, Clone)]
pub struct Coding {
    pub source: String,
    pub file: String,
    pub layout: Layout,
    pub segments: Vec<Segment>,
    pub documents: BTreeMap<String, DocumentMeta>,
    /// Empty when the source has no codebook (the codes found are then the codebook).
    pub codebook: Vec<CodeEntry>,
}

fn cell(t: &RawTable, i: usize, j: Option<usize>) -> Option<String> {
    let j = j?;
    let v = t.cell(i, j).as_text().trim().to_string();
    (!v.is_empty()).then_some(v)
}

fn column(t: &RawTable, names: &[&str]) -> Option<usize> {
    t.headers.iter().position(|h| {
        let h = h.trim().to_lowercase();
        names.iter().any(|n| h == *n)
    })
}

fn read_metadata(
    study: &Study,
    t: &RawTable,
    d: &mut Diagnostics,
) -> Result<BTreeMap<String, DocumentMeta>> {
    let doc = column(t, &["document", "documento", "file"]).ok_or_else(|| {
        Error::input(
            t.location(),
            "the document metadata has no `document` column (the transcript's name as in the coding export)",
        )
    })?;
    let terr = column(t, &["territory", "territorio"]);
    let session = column(t, &["session", "sessione"]);
    let date = column(t, &["date", "data"]);
    let role = column(t, &["role", "ruolo", "participant_role"]);
    let setting = column(t, &["care_setting", "accoglienza"]);
    let mut out = BTreeMap::new();
    for i in 0..t.height() {
        let Some(name) = cell(t, i, Some(doc)) else {
            continue;
        };
        let territory = match cell(t, i, terr) {
            Some(raw) => match study.resolve_territory(&raw) {
                Some(x) => Some(x.to_string()),
                None if study.territories().is_empty() => Some(raw),
                None => {
                    d.warning(
                        "segment-territory",
                        t.cell_location(i, terr.unwrap_or(doc)),
                        msg!("segment-territory", value = Arg::value(&raw)),
                    );
                    None
                }
            },
            None => None,
        };
        out.insert(
            document_name(&name),
            DocumentMeta {
                territory,
                session: cell(t, i, session),
                date: cell(t, i, date),
                role: cell(t, i, role),
                care_setting: cell(t, i, setting),
            },
        );
    }
    Ok(out)
}

fn read_codebook(t: &RawTable) -> Result<Vec<CodeEntry>> {
    let code = column(t, &["code", "codice"]).ok_or_else(|| {
        Error::input(
            t.location(),
            "the codebook has no `code` column (codes written as parent/child)",
        )
    })?;
    let description = column(t, &["description", "descrizione"]);
    let dimension = column(t, &["dimension", "dimensione"]);
    let labels: Vec<(usize, String)> = (0..t.headers.len())
        .filter_map(|j| Some((j, label_language(&t.headers[j], "label")?)))
        .collect();
    let mut out = Vec::new();
    for i in 0..t.height() {
        let Some(c) = cell(t, i, Some(code)) else {
            continue;
        };
        out.push(CodeEntry {
            path: code_path(&c),
            labels: labels
                .iter()
                .filter_map(|(j, lang)| Some((lang.clone(), cell(t, i, Some(*j))?)))
                .collect(),
            description: cell(t, i, description),
            dimension: cell(t, i, dimension),
        });
    }
    Ok(out)
}

/// Reads and checks one segments source.
pub fn check_segments(study: &Study, source: &SegmentSource) -> Result<(Coding, Diagnostics)> {
    let mut d = Diagnostics::default();
    let shown = study.display_path(&source.path);
    let qdpx = source
        .path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("qdpx"));
    let (segments, layout) = if qdpx {
        let (segments, found) = crate::ingest::qdpx::read_qdpx(&source.path, &shown)?;
        d.extend(found);
        (segments, Layout::RefiQda)
    } else {
        read_table_segments(source, &shown, &mut d)?
    };
    finish(study, source, shown, layout, segments, d)
}

/// The segments of a spreadsheet or CSV export.
fn read_table_segments(
    source: &SegmentSource,
    shown: &str,
    d: &mut Diagnostics,
) -> Result<(Vec<Segment>, Layout)> {
    let mut t = read_table(&source.path, shown, source.sheet.as_deref())?;
    d.extend(std::mem::take(&mut t.notes));
    let layout = layout(&t, &source.columns).ok_or_else(|| {
        Error::input(
            t.location(),
            format!(
                "not a coding export capakit knows: expected the columns {} and {} (a long table; name others in [sources.columns]), or QualCoder's Codename/Coded, or Taguette's document/tag/content",
                source.columns.document, source.columns.code
            ),
        )
    })?;
    let (segments, found) = read_segments(&t, layout, &source.columns);
    d.extend(found);
    Ok((segments, layout))
}

/// Adds the metadata and the codebook, and the findings of what does not fit them.
fn finish(
    study: &Study,
    source: &SegmentSource,
    shown: String,
    layout: Layout,
    segments: Vec<Segment>,
    mut d: Diagnostics,
) -> Result<(Coding, Diagnostics)> {
    let documents = match &source.metadata {
        Some(p) => {
            let mut m = read_table(p, &study.display_path(p), None)?;
            d.extend(std::mem::take(&mut m.notes));
            read_metadata(study, &m, &mut d)?
        }
        None => BTreeMap::new(),
    };
    let codebook = match &source.codebook {
        Some(p) => {
            let mut c = read_table(p, &study.display_path(p), None)?;
            d.extend(std::mem::take(&mut c.notes));
            read_codebook(&c)?
        }
        None => Vec::new(),
    };
    // Findings once per document and per code, at their first row.
    let mut seen_docs = std::collections::BTreeSet::new();
    let mut seen_codes = std::collections::BTreeSet::new();
    for s in &segments {
        // Segments of a .qdpx project have no row: the file is the place.
        let file = Location::file(shown.clone()).sheet(source.sheet.as_deref());
        let at = if s.row > 0 { file.row(s.row) } else { file };
        if source.metadata.is_some()
            && !documents.contains_key(&s.document)
            && seen_docs.insert(s.document.clone())
        {
            d.warning(
                "segment-no-metadata",
                at.clone(),
                msg!("segment-no-metadata", document = &s.document),
            );
        }
        if !codebook.is_empty()
            && !codebook.iter().any(|c| c.path == s.code)
            && seen_codes.insert(s.code.clone())
        {
            d.warning(
                "segment-unknown-code",
                at,
                msg!("segment-unknown-code", code = s.code.join("/")),
            );
        }
    }
    Ok((
        Coding {
            source: source.name.clone(),
            file: shown,
            layout,
            segments,
            documents,
            codebook,
        },
        d,
    ))
}
