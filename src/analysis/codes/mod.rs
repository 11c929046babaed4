//! Focus-group codes (kind `codes`): on a segments source, the coded units (a segment id, or
//! overlapping spans, or the same text, within a document), code frequencies by territory (or
//! session, role, care setting: any metadata field), the two-level matrix (phase × element) per
//! group and the difference between the first two groups, code co-occurrence in the same unit
//! with Jaccard similarity, inter-coder agreement per code (Cohen's kappa for two coders and
//! Krippendorff's alpha, on presence/absence of the code in each unit, with the units where coders
//! disagree), and representative quotes with the participants' role, names redacted.

pub mod publish;
pub mod table;
pub use publish::Params;

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::study::Redaction;

use crate::check::segments::Coding;
use crate::instrument::Labels;
use crate::stats::{agreement, Agreement};

/// A unit of text: a document and the unit's key in it.
type Unit = (String, String);

pub const METHOD: &str = "units: a segment id, else overlapping character spans, else the same text, within a document; a code is counted once per unit whoever coded it; co-occurrence: two codes on the same unit, Jaccard = units with both / units with either; agreement: presence or absence of each code in each unit coded by two or more coders, Cohen's kappa (two coders, as scikit-learn cohen_kappa_score) and Krippendorff's alpha (nominal), per code and over all unit × code decisions";

#[derive(Debug, Clone, Serialize)]
pub struct CodeCount {
    /// Units with the code.
    pub units: usize,
    /// Documents with the code.
    pub documents: usize,
    /// Speakers (cases) with the code, where the export names them.
    pub speakers: usize,
    /// Percent of the group's coded units that carry the code.
    pub percent: Option<f64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CodeRow {
    /// `parent/child`.
    pub code: String,
    pub path: Vec<String>,
    pub labels: Labels,
    pub dimension: Option<String>,
    pub total: CodeCount,
    pub groups: Vec<CodeCount>,
}

/// The two-level frame (phase × element) per group.
#[derive(Debug, Clone, Serialize)]
pub struct Matrix {
    pub rows: Vec<String>,
    pub row_labels: Vec<Labels>,
    pub cols: Vec<String>,
    pub col_labels: Vec<Labels>,
    /// `units[g][r][c]`: units coded row/col in group g.
    pub units: Vec<Vec<Vec<usize>>>,
    /// Percentage points, first group minus second (percent of each group's coded units).
    pub difference: Option<Vec<Vec<f64>>>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Pair {
    pub a: String,
    pub b: String,
    pub units: usize,
    pub jaccard: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct CodeAgreement {
    pub code: String,
    /// Units where at least one coder applied the code.
    pub units_with_code: usize,
    /// Fewer units with the code than the study's minimum cell size: its κ and α (which on one
    /// or two units say nothing of the coders' agreement) are not shown.
    pub too_few: bool,
    #[serde(flatten)]
    pub agreement: Agreement,
}

#[derive(Debug, Clone, Serialize)]
pub struct Disagreement {
    pub document: String,
    pub unit: String,
    pub code: String,
    pub with: Vec<String>,
    pub without: Vec<String>,
    pub text: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct AgreementResult {
    pub coders: Vec<String>,
    /// Units coded by two or more coders.
    pub units: usize,
    /// Of them, the units Fleiss' kappa leaves out: not coded by every coder, when the units
    /// carry different numbers of codes (`overall` counts them once per code).
    pub fleiss_units_left_out: usize,
    pub overall: Agreement,
    pub codes: Vec<CodeAgreement>,
    pub disagreements: Vec<Disagreement>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Quote {
    pub text: String,
    pub document: String,
    pub role: Option<String>,
    pub group: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CodeQuotes {
    pub code: String,
    pub labels: Labels,
    pub dimension: Option<String>,
    pub quotes: Vec<Quote>,
}

/// One document's row of the code-by-document 0/1 matrix.
#[derive(Debug, Clone, Serialize)]
pub struct DocumentRow {
    pub document: String,
    pub group: Option<String>,
    /// 1 where the code appears in the document, in the order of `codes`.
    pub codes: Vec<u8>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CodesResult {
    pub by: String,
    pub groups: Vec<String>,
    pub method: &'static str,
    pub layout: crate::ingest::segments::Layout,
    pub n_units: usize,
    pub n_documents: usize,
    pub coders: Vec<String>,
    pub codes: Vec<CodeRow>,
    pub matrix: Option<Matrix>,
    /// Codes on the same unit (`units`: units with both).
    pub cooccurrence: Vec<Pair>,
    /// Codes in the same document (`units`: documents with both; Jaccard over documents).
    pub cooccurrence_documents: Vec<Pair>,
    pub agreement: Option<AgreementResult>,
    pub quotes: Vec<CodeQuotes>,
    /// Where the quotes come from: `agreed` (units every coder of the document gave the code,
    /// two coders or more) or `one_coder` (the transcripts were coded by one coder: there is no
    /// agreement to choose by).
    pub quotes_from: &'static str,
    /// The code-by-document 0/1 matrix (also written as a CSV file for R or SPSS).
    pub by_document: Vec<DocumentRow>,
}

/// The key of each segment's unit within its document.
fn unit_keys(c: &Coding) -> Vec<String> {
    let mut keys = vec![String::new(); c.segments.len()];
    let mut by_doc: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, s) in c.segments.iter().enumerate() {
        by_doc.entry(&s.document).or_default().push(i);
    }
    for idx in by_doc.values() {
        // Overlapping spans form one unit: merge the intervals in order of their start.
        let mut spans: Vec<(u64, u64, usize)> = idx
            .iter()
            .filter_map(|&i| {
                let s = &c.segments[i];
                (s.id.is_none()).then_some(())?;
                Some((s.start?, s.end?, i))
            })
            .collect();
        spans.sort();
        let mut current: Option<(u64, u64)> = None;
        for (a, b, i) in spans {
            current = match current {
                Some((s, e)) if a < e.max(s + 1) => Some((s, e.max(b))),
                _ => Some((a, b)),
            };
            if let Some((s, _)) = current {
                keys[i] = format!("@{s}");
            }
        }
        for &i in idx {
            let s = &c.segments[i];
            if let Some(id) = &s.id {
                keys[i] = id.clone();
            } else if keys[i].is_empty() {
                keys[i] = s.text.clone();
            }
        }
    }
    keys
}

/// Replaces each listed name (whole words, any case; longer names first, so "Marta Rossi" is not
/// left as "[name] Rossi") with its placeholder, in one pass over the text: a placeholder is
/// never searched again. Text and names are compared in one form ([`crate::text::pieces`]):
/// composed or decomposed accents, compatibility forms (NFKC), any white space between words,
/// and soft hyphens, zero-width and bidirectional characters inside a name do not hide it.
pub fn redact(text: &str, names: &[Redaction]) -> String {
    use crate::text::{name_key, pieces, Piece};
    let mut names: Vec<(Vec<char>, &str)> = names
        .iter()
        .map(|r| (name_key(&r.name), r.placeholder.as_str()))
        .filter(|(n, _)| !n.is_empty())
        .collect();
    if names.is_empty() {
        return text.to_string();
    }
    names.sort_by_key(|n| std::cmp::Reverse(n.0.len()));
    let pieces = pieces(text);
    let alnum = |c: Option<&char>| c.is_some_and(|c| c.is_alphanumeric());
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    let mut i = 0;
    while i < pieces.len() {
        let starts_word = i == 0 || !alnum(pieces[i - 1].key.last());
        let hit = starts_word
            .then(|| {
                names.iter().find_map(|(name, placeholder)| {
                    let n = match_pieces(&pieces[i..], name)?;
                    let ends_word = !alnum(pieces.get(i + n).and_then(|p: &Piece| p.key.first()));
                    ends_word.then_some((n, *placeholder))
                })
            })
            .flatten();
        match hit {
            Some((n, placeholder)) => {
                out.push_str(&text[copied..pieces[i].start]);
                out.push_str(placeholder);
                copied = pieces[i + n - 1].end;
                i += n;
            }
            None => i += 1,
        }
    }
    out.push_str(&text[copied..]);
    out
}

/// How many pieces of text spell `name` from their start, whole pieces only; a space in the
/// name stands for any run of white space.
fn match_pieces(pieces: &[crate::text::Piece], name: &[char]) -> Option<usize> {
    let space = |p: &crate::text::Piece| p.key == [' '];
    let (mut at, mut n) = (0, 0);
    while at < name.len() {
        let p = pieces.get(n)?;
        if name[at] == ' ' {
            if !space(p) {
                return None;
            }
            while pieces.get(n).is_some_and(space) {
                n += 1;
            }
            at += 1;
            continue;
        }
        let k = &p.key;
        if name.len() - at < k.len() || name[at..at + k.len()] != k[..] {
            return None;
        }
        at += k.len();
        n += 1;
    }
    (n > 0).then_some(n)
}

/// Names as published: each listed name redacted, and two that would then read the same told
/// apart by a number (`Intervista [name]`, `Intervista [name] (2)`).
fn published<'a>(
    raw: impl IntoIterator<Item = &'a String>,
    names: &[Redaction],
) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut taken = BTreeSet::new();
    for r in raw {
        if out.contains_key(r) {
            continue;
        }
        let base = redact(r, names);
        let mut shown = base.clone();
        let mut k = 2;
        while !taken.insert(shown.clone()) {
            shown = format!("{base} ({k})");
            k += 1;
        }
        out.insert(r.clone(), shown);
    }
    out
}

/// Runs the analysis on a checked segments source, grouped by the metadata field `by` (groups in
/// the order of `order`, the study's territories, then sorted). What it publishes of the
/// transcripts is redacted: quotes, document names, group names, roles and units with each
/// listed name replaced ([`redact`]), and coders as `coder 1`, `coder 2`… unless `name_coders`.
pub fn run(
    c: &Coding,
    by: &str,
    names: &[Redaction],
    name_coders: bool,
    order: &[String],
    min_cell: u64,
) -> CodesResult {
    let mut r = count(c, by, names, order, min_cell);
    publish_names(&mut r, c, names, name_coders);
    r
}

/// Replaces the names of documents, groups, roles, units and coders by those published.
fn publish_names(r: &mut CodesResult, c: &Coding, names: &[Redaction], name_coders: bool) {
    let documents: BTreeSet<&String> = c
        .segments
        .iter()
        .map(|s| &s.document)
        .chain(c.documents.keys())
        .collect();
    let docs = published(documents, names);
    let groups = published(&r.groups, names);
    let coders: BTreeMap<String, String> = r
        .coders
        .iter()
        .enumerate()
        .map(|(i, x)| {
            let shown = if name_coders {
                x.clone()
            } else {
                format!("coder {}", i + 1)
            };
            (x.clone(), shown)
        })
        .collect();
    let swap = |map: &BTreeMap<String, String>, x: &mut String| {
        if let Some(shown) = map.get(x.as_str()) {
            x.clone_from(shown);
        }
    };
    for g in &mut r.groups {
        swap(&groups, g);
    }
    for x in &mut r.coders {
        swap(&coders, x);
    }
    for row in &mut r.by_document {
        swap(&docs, &mut row.document);
        if let Some(g) = &mut row.group {
            swap(&groups, g);
        }
    }
    for q in r.quotes.iter_mut().flat_map(|q| &mut q.quotes) {
        swap(&docs, &mut q.document);
        if let Some(g) = &mut q.group {
            swap(&groups, g);
        }
        q.role = q.role.as_deref().map(|x| redact(x, names));
    }
    if let Some(a) = &mut r.agreement {
        for x in &mut a.coders {
            swap(&coders, x);
        }
        for d in &mut a.disagreements {
            swap(&docs, &mut d.document);
            d.unit = redact(&d.unit, names);
            for x in d.with.iter_mut().chain(&mut d.without) {
                swap(&coders, x);
            }
        }
    }
}

/// The analysis on the names as the transcripts give them.
fn count(
    c: &Coding,
    by: &str,
    names: &[Redaction],
    order: &[String],
    min_cell: u64,
) -> CodesResult {
    let keys = unit_keys(c);
    let group_of = |doc: &str| -> Option<String> { c.documents.get(doc)?.field(by).cloned() };
    // Codes in codebook order (categories that only group other codes left out), then those
    // found only in the data.
    let is_category = |p: &Vec<String>| {
        c.codebook
            .iter()
            .any(|e| e.path.len() > p.len() && e.path.starts_with(p))
    };
    let mut codes: Vec<Vec<String>> = c
        .codebook
        .iter()
        .map(|e| e.path.clone())
        .filter(|p| !is_category(p))
        .collect();
    for s in &c.segments {
        if !codes.contains(&s.code) {
            codes.push(s.code.clone());
        }
    }
    let mut groups: Vec<String> = Vec::new();
    for d in c.documents.values() {
        if let Some(g) = d.field(by).cloned() {
            if !groups.contains(&g) {
                groups.push(g);
            }
        }
    }
    // Units (with the union of their codes) and their group.
    let mut unit_codes: BTreeMap<Unit, BTreeSet<usize>> = BTreeMap::new();
    for (s, k) in c.segments.iter().zip(&keys) {
        let code = codes.iter().position(|x| *x == s.code).unwrap_or(0);
        unit_codes
            .entry((s.document.clone(), k.clone()))
            .or_default()
            .insert(code);
    }
    // The order given first, then the others sorted (as numbers when every group is one).
    crate::text::sort_labels(&mut groups);
    groups.sort_by_key(|g| order.iter().position(|o| o == g).unwrap_or(usize::MAX));
    let group_index = |u: &Unit| group_of(&u.0).and_then(|g| groups.iter().position(|x| *x == g));
    let units_in_group: Vec<usize> = (0..groups.len())
        .map(|g| {
            unit_codes
                .keys()
                .filter(|u| group_index(u) == Some(g))
                .count()
        })
        .collect();
    let tally = |code: usize, g: Option<usize>| -> CodeCount {
        let units: Vec<&Unit> = unit_codes
            .iter()
            .filter(|(u, cs)| cs.contains(&code) && (g.is_none() || group_index(u) == g))
            .map(|(u, _)| u)
            .collect();
        let docs: BTreeSet<&str> = units.iter().map(|u| u.0.as_str()).collect();
        let unit_set: BTreeSet<&Unit> = units.iter().copied().collect();
        let speakers: BTreeSet<&str> = c
            .segments
            .iter()
            .zip(&keys)
            .filter(|(s, k)| {
                s.code == codes[code] && unit_set.contains(&(s.document.clone(), (*k).clone()))
            })
            .filter_map(|(s, _)| s.case.as_deref())
            .collect();
        let base = match g {
            Some(g) => units_in_group[g],
            None => unit_codes.len(),
        };
        CodeCount {
            units: units.len(),
            documents: docs.len(),
            speakers: speakers.len(),
            percent: (base > 0).then(|| 100.0 * units.len() as f64 / base as f64),
        }
    };
    let entry = |path: &Vec<String>| c.codebook.iter().find(|e| e.path == *path);
    let rows: Vec<CodeRow> = codes
        .iter()
        .enumerate()
        .map(|(k, path)| CodeRow {
            code: path.join("/"),
            path: path.clone(),
            labels: entry(path).map(|e| e.labels.clone()).unwrap_or_default(),
            dimension: entry(path).and_then(|e| e.dimension.clone()),
            total: tally(k, None),
            groups: (0..groups.len()).map(|g| tally(k, Some(g))).collect(),
        })
        .collect();

    // The two-level frame.
    let mut parents: Vec<String> = Vec::new();
    let mut children: Vec<String> = Vec::new();
    for p in codes.iter().filter(|p| p.len() == 2) {
        if !parents.contains(&p[0]) {
            parents.push(p[0].clone());
        }
        if !children.contains(&p[1]) {
            children.push(p[1].clone());
        }
    }
    let label_of = |path: Vec<String>| entry(&path).map(|e| e.labels.clone()).unwrap_or_default();
    let matrix = (parents.len() > 1 && children.len() > 1).then(|| {
        let cell = |g: usize, r: &str, col: &str| {
            codes
                .iter()
                .position(|p| p.len() == 2 && p[0] == r && p[1] == col)
                .map_or(0, |k| tally(k, Some(g)).units)
        };
        let units: Vec<Vec<Vec<usize>>> = (0..groups.len())
            .map(|g| {
                parents
                    .iter()
                    .map(|r| children.iter().map(|col| cell(g, r, col)).collect())
                    .collect()
            })
            .collect();
        let difference = (groups.len() >= 2 && units_in_group[0] > 0 && units_in_group[1] > 0)
            .then(|| {
                (0..parents.len())
                    .map(|r| {
                        (0..children.len())
                            .map(|col| {
                                100.0 * units[0][r][col] as f64 / units_in_group[0] as f64
                                    - 100.0 * units[1][r][col] as f64 / units_in_group[1] as f64
                            })
                            .collect()
                    })
                    .collect()
            });
        Matrix {
            row_labels: parents.iter().map(|p| label_of(vec![p.clone()])).collect(),
            // An element's label: the part after ": " in the labels of a code that uses it.
            col_labels: children
                .iter()
                .map(|ch| {
                    c.codebook
                        .iter()
                        .find(|e| e.path.len() == 2 && e.path[1] == *ch)
                        .map(|e| {
                            e.labels
                                .iter()
                                .map(|(l, t)| {
                                    (l.clone(), t.rsplit(": ").next().unwrap_or(t).to_string())
                                })
                                .collect()
                        })
                        .unwrap_or_default()
                })
                .collect(),
            rows: parents.clone(),
            cols: children.clone(),
            units,
            difference,
        }
    });

    // Co-occurrence in the same unit, and in the same document.
    let mut doc_codes: BTreeMap<&str, BTreeSet<usize>> = BTreeMap::new();
    for (u, cs) in &unit_codes {
        doc_codes.entry(&u.0).or_default().extend(cs);
    }
    let cooccurrence = pairs(&codes, unit_codes.values());
    let cooccurrence_documents = pairs(&codes, doc_codes.values());

    let coders: Vec<String> = c
        .segments
        .iter()
        .filter_map(|s| s.coder.clone())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let agreement = agreement_of(c, &keys, &codes, &coders, names, min_cell);
    let quotes = quotes_of(c, &keys, &codes, names, &group_of, coders.len() >= 2);
    let quotes_from = if coders.len() >= 2 { "agreed" } else { "one_coder" };
    let documents: BTreeSet<&String> = unit_codes.keys().map(|u| &u.0).collect();
    let by_document = documents
        .into_iter()
        .map(|d| DocumentRow {
            document: d.clone(),
            group: group_of(d),
            codes: (0..codes.len())
                .map(|k| {
                    u8::from(
                        unit_codes
                            .iter()
                            .any(|(u, cs)| &u.0 == d && cs.contains(&k)),
                    )
                })
                .collect(),
        })
        .collect();
    CodesResult {
        by: by.to_string(),
        groups,
        method: METHOD,
        layout: c.layout,
        n_units: unit_codes.len(),
        n_documents: unit_codes
            .keys()
            .map(|u| &u.0)
            .collect::<BTreeSet<_>>()
            .len(),
        coders,
        codes: rows,
        matrix,
        cooccurrence,
        cooccurrence_documents,
        agreement,
        quotes,
        quotes_from,
        by_document,
    }
}

/// The pairs of codes found together in the same set (a unit, a document), most frequent first,
/// with Jaccard's index (sets with both / sets with either).
fn pairs<'a>(
    codes: &[Vec<String>],
    sets: impl Iterator<Item = &'a BTreeSet<usize>> + Clone,
) -> Vec<Pair> {
    let mut out = Vec::new();
    for a in 0..codes.len() {
        for b in a + 1..codes.len() {
            let (mut both, mut either) = (0usize, 0usize);
            for cs in sets.clone() {
                let (x, y) = (cs.contains(&a), cs.contains(&b));
                both += usize::from(x && y);
                either += usize::from(x || y);
            }
            if both > 0 {
                out.push(Pair {
                    a: codes[a].join("/"),
                    b: codes[b].join("/"),
                    units: both,
                    jaccard: both as f64 / either as f64,
                });
            }
        }
    }
    out.sort_by(|x, y| {
        y.units
            .cmp(&x.units)
            .then(x.a.cmp(&y.a))
            .then(x.b.cmp(&y.b))
    });
    out
}

/// Presence of every code in every unit of the documents two or more coders coded.
fn agreement_of(
    c: &Coding,
    keys: &[String],
    codes: &[Vec<String>],
    coders: &[String],
    names: &[Redaction],
    min_cell: u64,
) -> Option<AgreementResult> {
    if coders.len() < 2 {
        return None;
    }
    // Who coded each document, and what each coder put on each unit.
    let mut doc_coders: BTreeMap<&str, BTreeSet<usize>> = BTreeMap::new();
    let mut given: BTreeMap<Unit, BTreeMap<usize, BTreeSet<usize>>> = BTreeMap::new();
    let mut text: BTreeMap<Unit, &str> = BTreeMap::new();
    for (s, k) in c.segments.iter().zip(keys) {
        let Some(coder) = s
            .coder
            .as_ref()
            .and_then(|x| coders.iter().position(|y| y == x))
        else {
            continue;
        };
        doc_coders.entry(&s.document).or_default().insert(coder);
        let unit = (s.document.clone(), k.clone());
        text.entry(unit.clone()).or_insert(&s.text);
        let code = codes.iter().position(|x| *x == s.code).unwrap_or(0);
        given
            .entry(unit)
            .or_default()
            .entry(coder)
            .or_default()
            .insert(code);
    }
    // Units of documents coded by two or more coders; a coder who coded the document but not the
    // unit gave it no code (absence), one who did not code the document is missing.
    let units: Vec<(&Unit, Vec<Option<&BTreeSet<usize>>>)> = given
        .iter()
        .filter(|(u, _)| doc_coders.get(u.0.as_str()).is_some_and(|s| s.len() >= 2))
        .map(|(u, by)| {
            let who = &doc_coders[u.0.as_str()];
            let row = (0..coders.len())
                .map(|k| {
                    who.contains(&k)
                        .then(|| by.get(&k))
                        .map(|x| x.unwrap_or(&EMPTY))
                })
                .collect();
            (u, row)
        })
        .collect();
    if units.is_empty() {
        return None;
    }
    let presence = |code: usize, row: &[Option<&BTreeSet<usize>>]| -> Vec<Option<usize>> {
        row.iter()
            .map(|x| x.map(|set| usize::from(set.contains(&code))))
            .collect()
    };
    let mut all = Vec::new();
    let mut per_code = Vec::new();
    let mut disagreements = Vec::new();
    for (k, path) in codes.iter().enumerate() {
        let ratings: Vec<Vec<Option<usize>>> =
            units.iter().map(|(_, row)| presence(k, row)).collect();
        let with_code = ratings.iter().filter(|r| r.contains(&Some(1))).count();
        if with_code == 0 {
            continue;
        }
        for ((u, _), r) in units.iter().zip(&ratings) {
            let yes: Vec<String> = (0..coders.len())
                .filter(|&i| r[i] == Some(1))
                .map(|i| coders[i].clone())
                .collect();
            let no: Vec<String> = (0..coders.len())
                .filter(|&i| r[i] == Some(0))
                .map(|i| coders[i].clone())
                .collect();
            if !yes.is_empty() && !no.is_empty() {
                disagreements.push(Disagreement {
                    document: u.0.clone(),
                    unit: u.1.clone(),
                    code: path.join("/"),
                    with: yes,
                    without: no,
                    // Redacted before it is cut (at a word), so no name is cut short of being
                    // recognised.
                    text: text.get(*u).map_or(String::new(), |t| {
                        crate::charts::truncate(&redact(t, names), 160)
                    }),
                });
            }
        }
        // On fewer units than the minimum cell size a coefficient says nothing ("1 | 1,00"):
        // not shown, and the report says why.
        let too_few = (with_code as u64) < min_cell;
        let mut coefficients = agreement(&ratings);
        if too_few {
            coefficients.cohen_kappa = None;
            coefficients.fleiss_kappa = None;
            coefficients.krippendorff_alpha = None;
        }
        per_code.push(CodeAgreement {
            code: path.join("/"),
            units_with_code: with_code,
            too_few,
            agreement: coefficients,
        });
        all.extend(ratings);
    }
    let overall = agreement(&all);
    let fleiss_units_left_out = if overall.fleiss_units_left_out == 0 {
        0
    } else {
        units
            .iter()
            .filter(|(_, row)| row.iter().any(Option::is_none))
            .count()
    };
    Some(AgreementResult {
        coders: coders.to_vec(),
        units: units.len(),
        fleiss_units_left_out,
        overall,
        codes: per_code,
        disagreements,
    })
}

static EMPTY: BTreeSet<usize> = BTreeSet::new();

/// Up to two quotes per code, shortest first, from different documents where possible, never
/// the same sentence twice; names redacted. With two coders or more (`agreed`), only units on
/// which the coders agree: every coder of the document gave the unit the code, and the document
/// was coded by two or more (a unit one coder coded otherwise is no evidence of the code).
fn quotes_of(
    c: &Coding,
    keys: &[String],
    codes: &[Vec<String>],
    names: &[Redaction],
    group_of: &dyn Fn(&str) -> Option<String>,
    agreed: bool,
) -> Vec<CodeQuotes> {
    // Who coded each document.
    let mut doc_coders: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for s in &c.segments {
        if let Some(coder) = &s.coder {
            doc_coders.entry(&s.document).or_default().insert(coder);
        }
    }
    let mut out = Vec::new();
    for path in codes {
        // Each unit with the code: its text and the coders who gave it.
        let mut seen: BTreeMap<Unit, (BTreeSet<&str>, &str)> = BTreeMap::new();
        for (s, k) in c.segments.iter().zip(keys) {
            if s.code == *path && !s.text.is_empty() {
                let e = seen
                    .entry((s.document.clone(), k.clone()))
                    .or_insert((BTreeSet::new(), &s.text));
                if let Some(coder) = &s.coder {
                    e.0.insert(coder);
                }
            }
        }
        let all_agree = |u: &Unit, with: &BTreeSet<&str>| {
            doc_coders
                .get(u.0.as_str())
                .is_some_and(|who| who.len() >= 2 && who.is_subset(with))
        };
        let mut candidates: Vec<(&Unit, usize, &str)> = seen
            .iter()
            .filter(|(u, (with, _))| !agreed || all_agree(u, with))
            .map(|(u, (with, t))| (u, with.len(), *t))
            .collect();
        candidates.sort_by(|a, b| {
            b.1.cmp(&a.1)
                .then(a.2.chars().count().cmp(&b.2.chars().count()))
                .then(a.0.cmp(b.0))
        });
        // The same sentence (in another unit, or another document) is quoted once.
        let same = |a: &str, b: &str| {
            let words = |x: &str| -> Vec<String> {
                x.split_whitespace().map(str::to_lowercase).collect()
            };
            words(a) == words(b)
        };
        let mut distinct: Vec<(&Unit, &str)> = Vec::new();
        for (u, _, t) in &candidates {
            if !distinct.iter().any(|(_, x)| same(x, t)) {
                distinct.push((u, t));
            }
        }
        let mut quotes: Vec<Quote> = Vec::new();
        for (u, t) in &distinct {
            if quotes.len() == 2 {
                break;
            }
            if quotes.iter().any(|q| q.document == u.0) && distinct.len() > 2 {
                continue;
            }
            quotes.push(Quote {
                text: redact(t, names),
                document: u.0.clone(),
                role: c.documents.get(&u.0).and_then(|m| m.role.clone()),
                group: group_of(&u.0),
            });
        }
        let entry = c.codebook.iter().find(|e| e.path == *path);
        out.push(CodeQuotes {
            code: path.join("/"),
            labels: entry.map(|e| e.labels.clone()).unwrap_or_default(),
            dimension: entry.and_then(|e| e.dimension.clone()),
            quotes,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::redact;
    use crate::study::Redaction;
    use proptest::prelude::*;

    fn plain(names: &[&str]) -> Vec<Redaction> {
        names
            .iter()
            .map(|n| Redaction {
                name: n.to_string(),
                placeholder: "[name]".into(),
            })
            .collect()
    }

    proptest! {
        /// Any text and names: no panic (case folding can change byte lengths), and a listed
        /// name standing alone as a word is never left in ASCII text.
        #[test]
        fn redaction_never_panics_and_leaves_no_listed_word(
            text in "\\PC{0,60}",
            words in prop::collection::vec("[A-Za-z]{1,8}", 0..4),
            name in "[A-Z][a-z]{2,6}",
        ) {
            let _ = redact(&text, &plain(&[&text, "İ"]));
            let sentence = format!("{} {name}, {}", words.join(" "), words.join(" "));
            let out = redact(&sentence, &plain(&[&name]));
            prop_assert!(!out.split(|c: char| !c.is_alphanumeric()).any(|w| w == name));
        }
    }

    #[test]
    fn names_hidden_by_invisible_characters_or_other_forms_are_redacted_whole() {
        let names = plain(&["Anna Rossi", "Nicolò"]);
        for text in [
            "Con An\u{AD}na Rossi.",
            "Con Anna\u{200B} Rossi.",
            "Con An\u{202E}na\u{A0}Rossi.",
            "Con ANNA\n  rossi.",
        ] {
            assert_eq!(redact(text, &names), "Con [name].", "{text:?}");
        }
        assert_eq!(redact("Da Nicolo\u{300}, non Nicolòx.", &names), "Da [name], non Nicolòx.");
        assert_eq!(redact("Da Nicolò\u{301}.", &names), "Da Nicolò\u{301}.", "another accent");
        assert_eq!(redact("Da Ｎｉｃｏｌò.", &names), "Da [name].");
    }

    #[test]
    fn names_are_redacted_as_whole_words() {
        let names = plain(&["Giulia", "Via Roma"]);
        assert_eq!(
            redact(
                "Giulia mi ha detto, e GIULIA lo sa. Giuliano no. Abita in via\nRoma 3.",
                &names
            ),
            "[name] mi ha detto, e [name] lo sa. Giuliano no. Abita in [name] 3."
        );
        assert_eq!(redact("Niente da togliere", &names), "Niente da togliere");
    }

    #[test]
    fn roles_replace_names_longest_first_and_placeholders_are_not_searched_again() {
        let names = vec![
            Redaction {
                name: "Marta".into(),
                placeholder: "[educatrice]".into(),
            },
            Redaction {
                name: "Marta Rossi".into(),
                placeholder: "[assistente sociale]".into(),
            },
            Redaction {
                name: "sociale".into(),
                placeholder: "[name]".into(),
            },
            Redaction {
                name: "Ayşe".into(),
                placeholder: "[name]".into(),
            },
        ];
        assert_eq!(
            redact("Marta Rossi e Marta, con AYŞE, al centro sociale.", &names),
            "[assistente sociale] e [educatrice], con [name], al centro [name]."
        );
    }
}
