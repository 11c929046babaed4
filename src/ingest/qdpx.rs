//! REFI-QDA project exchange files (`.qdpx`, what NVivo, ATLAS.ti, MAXQDA and QualCoder export):
//! a zip of `project.qde` (XML) and `sources/`. Read into the same [`Segment`]s as the tables:
//! the codebook's hierarchy gives each code its path, users are the coders, every
//! `PlainTextSelection` with its `Coding`s is a segment with its start and end, its text taken
//! from the source's plain text (or the selection's name when the text is not in the archive),
//! and cases name the speaker of the segments of their sources. The archive is bounded before it
//! is opened, as workbooks are ([`super::limits`]).

use crate::msg;
use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;

use quick_xml::events::{BytesStart, Event};

use crate::diagnostics::{Diagnostics, Location};
use crate::error::{Error, Result};

use super::limits::{check_archive, Limits};
use super::segments::{document_name, Segment};

fn attr(e: &BytesStart, key: &str) -> Option<String> {
    e.attributes().flatten().find_map(|a| {
        (a.key.local_name().as_ref() == key).then(|| {
            quick_xml::escape::unescape(&a.value)
                .map(|v| v.into_owned())
                .unwrap_or_else(|_| a.value.to_string())
        })
    })
}

fn local(e: &BytesStart) -> String {
    e.local_name().as_ref().to_string()
}

/// One selection as read, before its codes and text are resolved.
struct Selection {
    source: String,
    start: Option<u64>,
    end: Option<u64>,
    name: Option<String>,
    user: Option<String>,
    codes: Vec<(String, Option<String>)>,
}

/// Reads the coded text selections of a `.qdpx` file.
pub fn read_qdpx(path: &Path, shown: &str) -> Result<(Vec<Segment>, Diagnostics)> {
    check_archive(path, shown, Limits::from_env())?;
    let refuse = |m: String| Error::input(Location::file(shown), m);
    let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let mut zip = zip::ZipArchive::new(std::io::BufReader::new(file))
        .map_err(|e| refuse(format!("not a readable REFI-QDA project (zip): {e}")))?;
    let mut xml = String::new();
    zip.by_name("project.qde")
        .map_err(|_| refuse("this .qdpx has no project.qde: not a REFI-QDA project".into()))?
        .read_to_string(&mut xml)
        .map_err(|e| refuse(format!("project.qde cannot be read: {e}")))?;

    let mut d = Diagnostics::default();
    let mut users: BTreeMap<String, String> = BTreeMap::new();
    // Code guid → path (root first).
    let mut codes: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut code_stack: Vec<String> = Vec::new();
    // Source guid → (name, plain text path or inline text).
    let mut sources: BTreeMap<String, (String, Option<String>)> = BTreeMap::new();
    let mut source_now: Option<String> = None;
    let mut selections: Vec<Selection> = Vec::new();
    let mut in_selection = false;
    let mut coding_user: Option<String> = None;
    // Source guid → case name.
    let mut case_of: BTreeMap<String, String> = BTreeMap::new();
    let mut case_now: Option<String> = None;

    let mut reader = quick_xml::Reader::from_str(&xml);
    loop {
        let event = reader
            .read_event()
            .map_err(|e| refuse(format!("project.qde is not well-formed XML: {e}")))?;
        let (e, empty) = match &event {
            Event::Start(e) => (e, false),
            Event::Empty(e) => (e, true),
            Event::End(e) => {
                match e.local_name().as_ref() {
                    "Code" => {
                        code_stack.pop();
                    }
                    "TextSource" => source_now = None,
                    "PlainTextSelection" => in_selection = false,
                    "Case" => case_now = None,
                    _ => {}
                }
                continue;
            }
            Event::Eof => break,
            _ => continue,
        };
        match local(e).as_str() {
            "User" => {
                if let Some(g) = attr(e, "guid") {
                    users.insert(g, attr(e, "name").unwrap_or_default());
                }
            }
            "Code" => {
                let name = attr(e, "name").unwrap_or_default();
                let mut path: Vec<String> = code_stack
                    .last()
                    .and_then(|g| codes.get(g))
                    .cloned()
                    .unwrap_or_default();
                path.push(name);
                let guid = attr(e, "guid").unwrap_or_default();
                codes.insert(guid.clone(), path);
                if !empty {
                    code_stack.push(guid);
                }
            }
            "TextSource" => {
                let guid = attr(e, "guid").unwrap_or_default();
                sources.insert(
                    guid.clone(),
                    (
                        attr(e, "name").unwrap_or_default(),
                        attr(e, "plainTextPath"),
                    ),
                );
                if !empty {
                    source_now = Some(guid);
                }
            }
            "PlainTextSelection" => {
                let Some(source) = source_now.clone() else {
                    continue;
                };
                let pos = |k: &str| attr(e, k).and_then(|v| v.trim().parse::<u64>().ok());
                selections.push(Selection {
                    source,
                    start: pos("startPosition"),
                    end: pos("endPosition"),
                    name: attr(e, "name"),
                    user: attr(e, "creatingUser"),
                    codes: Vec::new(),
                });
                in_selection = !empty;
            }
            "Coding" if in_selection => coding_user = attr(e, "creatingUser"),
            "CodeRef" if in_selection => {
                if let (Some(s), Some(target)) = (selections.last_mut(), attr(e, "targetGUID")) {
                    let user = coding_user.clone().or_else(|| s.user.clone());
                    s.codes.push((target, user));
                }
            }
            "Case" => case_now = attr(e, "name"),
            "SourceRef" => {
                if let (Some(case), Some(target)) = (&case_now, attr(e, "targetGUID")) {
                    case_of.insert(target, case.clone());
                }
            }
            _ => {}
        }
    }

    // The plain text of each source: sources/… in the archive (`internal://x.txt`).
    let mut texts: BTreeMap<String, Vec<char>> = BTreeMap::new();
    for (guid, (_, plain)) in &sources {
        let Some(p) = plain else { continue };
        let inner = p.strip_prefix("internal://").unwrap_or(p);
        let name = format!("sources/{inner}");
        if let Ok(mut f) = zip.by_name(&name) {
            let mut s = String::new();
            if f.read_to_string(&mut s).is_ok() {
                texts.insert(guid.clone(), s.chars().collect());
            }
        }
    }

    let mut out = Vec::new();
    for sel in &selections {
        let Some((source_name, _)) = sources.get(&sel.source) else {
            continue;
        };
        if let (Some(s), Some(e)) = (sel.start, sel.end) {
            if e < s {
                d.error(
                    "segment-span",
                    Location::file(shown),
                    msg!(
                        "segment-span-qdpx",
                        document = source_name,
                        end = e,
                        start = s
                    ),
                );
                continue;
            }
        }
        let text = match (texts.get(&sel.source), sel.start, sel.end) {
            (Some(chars), Some(s), Some(e)) if (e as usize) <= chars.len() => {
                chars[s as usize..e as usize].iter().collect::<String>()
            }
            _ => sel.name.clone().unwrap_or_default(),
        };
        for (target, user) in &sel.codes {
            let Some(path) = codes.get(target) else {
                d.warning(
                    "segment-unknown-code",
                    Location::file(shown),
                    msg!(
                        "segment-unknown-code-qdpx",
                        document = source_name,
                        code = target
                    ),
                );
                continue;
            };
            let clean = |s: &str| crate::text::clean(s).trim().to_string();
            out.push(Segment {
                document: document_name(&clean(source_name)),
                // Units are aligned by their spans: two coders' selections of the same words
                // are one unit.
                id: None,
                text: clean(&text),
                code: path.iter().map(|p| clean(p)).collect(),
                coder: user.as_ref().map(|u| clean(users.get(u).unwrap_or(u))),
                start: sel.start,
                end: sel.end,
                memo: None,
                case: case_of.get(&sel.source).map(|c| clean(c)),
                attributes: BTreeMap::new(),
                row: 0,
            });
        }
    }
    Ok((out, d))
}
