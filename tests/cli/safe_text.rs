//! Issue 14, found 7 and 10: names hidden by invisible characters or another Unicode form are
//! still redacted, from quotes and from document names, roles and coders too; and control or
//! bidirectional characters, wherever they come from, leave every output well-formed.

use std::path::{Path, PathBuf};

use unicode_normalization::UnicodeNormalization;

use crate::common::{analysis_of_kind, example_copy, run_study};

/// A study of one coded transcript source written in `dir`: `coding` (document, segment, text,
/// code, coder) and `documents` (document, territory, role), with `Anna`, `Anna Rossi` and
/// `Nicolò` listed as names.
fn transcripts(dir: &Path, coding: &str, documents: &str, extra: &str) -> PathBuf {
    std::fs::write(dir.join("coding di Anna.csv"), coding).unwrap();
    std::fs::write(dir.join("documents.csv"), documents).unwrap();
    std::fs::write(
        dir.join("codes.toml"),
        "[[analysis]]\nid = \"codes\"\nkind = \"codes\"\n",
    )
    .unwrap();
    let toml = format!(
        r#"title = "Fixture"
analyses = ["codes.toml"]

[[territories]]
name = "Prato"

[[territories]]
name = "Firenze"

[[sources]]
name = "fg"
kind = "segments"
path = "coding di Anna.csv"
metadata = "documents.csv"

[disclosure]
names = ["Anna", "Anna Rossi", "Nicolò"]
{extra}
"#
    );
    std::fs::write(dir.join("study.toml"), toml).unwrap();
    dir.to_path_buf()
}

/// Two coders, three documents; every quote hides a name, and so do the names of documents and
/// the participants' roles.
fn hidden_names(dir: &Path, extra: &str) -> PathBuf {
    let coding = "document,segment,text,code,coder\n\
        Intervista Anna Rossi.docx,u1,Ne ho parlato con An\u{AD}na ieri.,a/x,Giulia Bianchi\n\
        Intervista Anna Rossi.docx,u1,Ne ho parlato con An\u{AD}na ieri.,a/x,Marco Verdi\n\
        Intervista Anna Rossi.docx,u2,An\u{200B}na mi ha aiutato.,a/y,Giulia Bianchi\n\
        Intervista Anna Rossi.docx,u2,An\u{200B}na mi ha aiutato.,a/y,Marco Verdi\n\
        Intervista Anna Rossi.docx,u3,C'era anche Nicolo\u{300} quel giorno.,b/x,Giulia Bianchi\n\
        Intervista Anna Rossi.docx,u3,C'era anche Nicolo\u{300} quel giorno.,a/x,Marco Verdi\n\
        Gruppo di Nicolo\u{300},u1,Testo senza nomi.,a/x,Giulia Bianchi\n\
        Gruppo di Nicolo\u{300},u1,Testo senza nomi.,a/x,Marco Verdi\n\
        Gruppo di Nicolo\u{300},u2,Un altro testo.,b/x,Giulia Bianchi\n\
        Gruppo di Nicolo\u{300},u2,Un altro testo.,a/y,Marco Verdi\n\
        Diario di Anna,u1,Un diario senza scheda.,a/x,Giulia Bianchi\n";
    let documents = "document,territory,role\n\
        Intervista Anna Rossi,Prato,educatrice di Nicolò\n\
        Gruppo di Nicolo\u{300},Firenze,tutor di An\u{AD}na\n";
    transcripts(dir, coding, documents, extra)
}

/// Every text a run wrote: its text files, and the XML parts of its .docx and .xlsx files.
fn outputs(out: &Path) -> Vec<(String, String)> {
    let mut found = Vec::new();
    let mut dirs = vec![out.to_path_buf()];
    while let Some(d) = dirs.pop() {
        let mut entries: Vec<_> = std::fs::read_dir(&d)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        entries.sort();
        for p in entries {
            let name = p.strip_prefix(out).unwrap().display().to_string();
            if p.is_dir() {
                dirs.push(p);
            } else if name.ends_with(".docx") || name.ends_with(".xlsx") {
                let mut zip = zip::ZipArchive::new(std::fs::File::open(&p).unwrap()).unwrap();
                for i in 0..zip.len() {
                    let mut part = zip.by_index(i).unwrap();
                    let inner = part.name().unwrap().to_string();
                    if inner.ends_with(".xml") || inner.ends_with(".rels") {
                        let mut s = String::new();
                        std::io::Read::read_to_string(&mut part, &mut s).unwrap();
                        found.push((format!("{name}:{inner}"), s));
                    }
                }
            } else {
                found.push((name, std::fs::read_to_string(&p).unwrap()));
            }
        }
    }
    assert!(found.iter().any(|(n, _)| n.ends_with("word/document.xml")));
    found
}

/// The words of a text as a reader sees them: composed, lower case, without the characters that
/// show nothing.
fn seen_words(s: &str) -> Vec<String> {
    let visible: String = s
        .nfc()
        .filter(|c| {
            !matches!(c, '\u{AD}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}')
        })
        .collect::<String>()
        .to_lowercase();
    visible
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

/// The outputs in which `word` can be read, in any form.
fn shown_in(out: &Path, word: &str) -> Vec<String> {
    let word = word.nfc().collect::<String>().to_lowercase();
    outputs(out)
        .into_iter()
        .filter(|(_, text)| seen_words(text).contains(&word))
        .map(|(name, _)| name)
        .collect()
}

/// The characters XML 1.0 cannot hold.
fn illegal_in_xml(c: char) -> bool {
    matches!(c, '\u{0}'..='\u{8}' | '\u{B}' | '\u{C}' | '\u{E}'..='\u{1F}')
}

/// Every output: no control character but tab and line breaks (nor, in a workbook, its `_xHHHH_`
/// escape), no raw right-to-left override, and every XML part (Word, Excel, SVG) parses.
fn assert_outputs_are_well_formed(out: &Path) {
    for (name, text) in outputs(out) {
        let bad: Vec<String> = text
            .chars()
            .filter(|&c| illegal_in_xml(c) || c == '\u{7F}' || c == '\u{202E}')
            .map(|c| format!("U+{:04X}", c as u32))
            .collect();
        assert!(bad.is_empty(), "{name} holds {bad:?}");
        // A workbook would hold a control character as Excel's escape, `_x000B_`.
        assert!(
            !(name.contains(".xlsx:") && text.contains("_x00")),
            "{name} holds an escaped control character"
        );
        if name.ends_with(".xml") || name.ends_with(".svg") || name.ends_with(".rels") {
            let mut reader = quick_xml::Reader::from_str(&text);
            loop {
                match reader.read_event() {
                    Ok(quick_xml::events::Event::Eof) => break,
                    Ok(_) => {}
                    Err(e) => panic!("{name} is not well-formed XML: {e}"),
                }
            }
        }
    }
}

fn run(study: &Path) -> (tempfile::TempDir, serde_json::Value) {
    let out = tempfile::tempdir().unwrap();
    let r = run_study(study, out.path(), false);
    (out, r)
}

#[test]
fn found_7_a_name_with_a_soft_hyphen_is_still_redacted() {
    let dir = tempfile::tempdir().unwrap();
    let (out, r) = run(&hidden_names(dir.path(), ""));
    let quotes = analysis_of_kind(&r, "codes")["quotes"].to_string();
    assert!(
        quotes.contains("Ne ho parlato con [name] ieri."),
        "{quotes}"
    );
    assert_eq!(shown_in(out.path(), "anna"), Vec::<String>::new());
}

#[test]
fn found_7_a_name_with_a_zero_width_space_is_still_redacted() {
    let dir = tempfile::tempdir().unwrap();
    let (out, r) = run(&hidden_names(dir.path(), ""));
    let quotes = analysis_of_kind(&r, "codes")["quotes"].to_string();
    assert!(quotes.contains("[name] mi ha aiutato."), "{quotes}");
    assert!(!quotes.contains('\u{200B}'), "{quotes}");
    assert_eq!(shown_in(out.path(), "anna"), Vec::<String>::new());
}

#[test]
fn found_7_a_name_in_decomposed_accents_is_still_redacted() {
    let dir = tempfile::tempdir().unwrap();
    let (out, r) = run(&hidden_names(dir.path(), ""));
    let codes = &analysis_of_kind(&r, "codes");
    let text = codes.to_string();
    assert!(text.contains("C'era anche [name] quel giorno."), "{text}");
    assert_eq!(shown_in(out.path(), "nicolò"), Vec::<String>::new());
    assert_eq!(shown_in(out.path(), "nicolo"), Vec::<String>::new());
}

#[test]
fn found_7_names_are_removed_from_document_names_roles_and_coders() {
    let dir = tempfile::tempdir().unwrap();
    let (out, r) = run(&hidden_names(dir.path(), ""));
    let codes = &analysis_of_kind(&r, "codes");
    let documents: Vec<&str> = codes["by_document"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["document"].as_str().unwrap())
        .collect();
    assert_eq!(
        documents,
        ["Diario di [name]", "Gruppo di [name]", "Intervista [name]"]
    );
    let inputs = r["provenance"]["inputs"].to_string();
    assert!(inputs.contains("coding di [name].csv"), "{inputs}");
    let csv = std::fs::read_to_string(out.path().join("codes-codes-by-document.csv")).unwrap();
    assert!(csv.contains("Intervista [name]"), "{csv}");
    let roles: Vec<String> = codes["quotes"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|q| q["quotes"].as_array().unwrap())
        .map(|q| q["role"].as_str().unwrap().to_string())
        .collect();
    assert!(
        roles.contains(&"educatrice di [name]".to_string()),
        "{roles:?}"
    );
    assert!(roles.contains(&"tutor di [name]".to_string()), "{roles:?}");
    // Coders are numbered: the study does not name them.
    assert_eq!(codes["coders"], serde_json::json!(["coder 1", "coder 2"]));
    assert_eq!(
        codes["agreement"]["coders"],
        serde_json::json!(["coder 1", "coder 2"])
    );
    for word in [
        "anna", "rossi", "nicolò", "giulia", "bianchi", "marco", "verdi",
    ] {
        assert_eq!(shown_in(out.path(), word), Vec::<String>::new(), "{word}");
    }
}

#[test]
fn found_7_two_documents_whose_names_redact_alike_stay_apart() {
    let dir = tempfile::tempdir().unwrap();
    let coding = "document,segment,text,code,coder\n\
        Intervista Anna,u1,Uno.,a/x,c1\n\
        Intervista Nicolò,u1,Due.,a/x,c1\n";
    let documents =
        "document,territory,role\nIntervista Anna,Prato,x\nIntervista Nicolò,Firenze,y\n";
    let (_out, r) = run(&transcripts(dir.path(), coding, documents, ""));
    let docs: Vec<&str> = analysis_of_kind(&r, "codes")["by_document"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["document"].as_str().unwrap())
        .collect();
    assert_eq!(docs, ["Intervista [name]", "Intervista [name] (2)"]);
}

#[test]
fn found_7_coders_are_named_only_when_the_study_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let (out, r) = run(&hidden_names(dir.path(), "name_coders = true"));
    let codes = &analysis_of_kind(&r, "codes");
    assert_eq!(
        codes["coders"],
        serde_json::json!(["Giulia Bianchi", "Marco Verdi"])
    );
    assert!(!shown_in(out.path(), "giulia").is_empty());
}

#[test]
fn found_10_control_characters_keep_report_docx_well_formed() {
    let dir = tempfile::tempdir().unwrap();
    // A vertical tab (Word's line break) and an escape sequence, pasted from Word, in quotes.
    let coding = "document,segment,text,code,coder\n\
        D1,u1,Prima riga\u{B}seconda riga.,a/x,c1\n\
        D1,u2,\u{1B}[31mTesto colorato\u{1B}[0m.,a/y,c1\n\
        D2,u1,Con un \u{8}ritorno e un \u{7}campanello.,a/x,c1\n";
    let documents = "document,territory,role\nD1,Prato,educatori\nD2,Firenze,tutor\n";
    let (out, r) = run(&transcripts(dir.path(), coding, documents, ""));
    let quotes = analysis_of_kind(&r, "codes")["quotes"].to_string();
    assert!(quotes.contains("Prima riga\\nseconda riga."), "{quotes}");
    assert!(quotes.contains("[31mTesto colorato[0m."), "{quotes}");
    assert_outputs_are_well_formed(out.path());
    let docx = outputs(out.path())
        .into_iter()
        .find(|(n, _)| n.ends_with("word/document.xml"))
        .unwrap()
        .1;
    assert!(
        docx.contains("Testo colorato"),
        "the quote is in report.docx"
    );
}

#[test]
fn found_10_control_characters_in_a_questionnaire_label_keep_every_output_well_formed() {
    use calamine::{open_workbook_auto, Data, Reader};
    let dir = tempfile::tempdir().unwrap();
    example_copy(dir.path());
    // The shipped questionnaire with a vertical tab and a NUL in every label: written by
    // rust_xlsxwriter as `_x000B_` and `_x0000_`, as Excel writes them.
    let instrument = crate::common::instrument();
    let mut from = open_workbook_auto(&instrument).unwrap();
    let mut book = rust_xlsxwriter::Workbook::new();
    for name in from.sheet_names() {
        let range = from.worksheet_range(&name).unwrap();
        let sheet = book.add_worksheet();
        sheet.set_name(&name).unwrap();
        let header: Vec<String> = range
            .rows()
            .next()
            .map(|r| r.iter().map(|c| c.to_string()).collect())
            .unwrap_or_default();
        for (i, row) in range.rows().enumerate() {
            for (j, cell) in row.iter().enumerate() {
                let (i, j) = (i as u32, j as u16);
                match cell {
                    Data::Empty => {}
                    Data::Float(x) => drop(sheet.write_number(i, j, *x)),
                    Data::Int(x) => drop(sheet.write_number(i, j, *x as f64)),
                    c => {
                        let mut s = c.to_string();
                        if i > 0 && header[j as usize].starts_with("label") && !s.is_empty() {
                            s = format!("{s}\u{B}(nota)\u{0}");
                        }
                        sheet.write_string(i, j, &s).unwrap();
                    }
                }
            }
        }
    }
    book.save(dir.path().join("form.xlsx")).unwrap();
    let toml = std::fs::read_to_string(dir.path().join("study.toml"))
        .unwrap()
        .replace(
            &instrument.display().to_string(),
            &dir.path().join("form.xlsx").display().to_string(),
        );
    assert!(toml.contains("form.xlsx"));
    std::fs::write(dir.path().join("study.toml"), toml).unwrap();
    let out = tempfile::tempdir().unwrap();
    run_study(dir.path(), out.path(), false);
    assert_outputs_are_well_formed(out.path());
    let docx = outputs(out.path())
        .into_iter()
        .find(|(n, _)| n.ends_with("word/document.xml"))
        .unwrap()
        .1;
    assert!(docx.contains("(nota)"), "a label is in report.docx");
    assert!(
        !docx.contains("_x000"),
        "the escapes were read as characters"
    );
}

#[test]
fn found_10_nul_escape_and_right_to_left_overrides_reach_no_output() {
    let dir = tempfile::tempdir().unwrap();
    // Through the transcripts (checked on the way in) and through study.toml's title (straight
    // to the templates): both meet the writers' guard.
    let coding = "document,segment,text,code,coder\n\
        D1,u1,Ha detto \u{202E}otnemom nu\u{202C} e basta.,a/x,c1\n\
        D2,u1,Altro.,a/y,c1\n";
    let documents = "document,territory,role\nD1,Prato,educatori\nD2,Firenze,tutor\n";
    let study = transcripts(dir.path(), coding, documents, "");
    let toml = std::fs::read_to_string(study.join("study.toml"))
        .unwrap()
        .replace(
            "title = \"Fixture\"",
            "title = \"Studio \\u0000 \\u001B[1m \\u202Eovitca\\u202C \\u000B fine\"",
        );
    std::fs::write(study.join("study.toml"), toml).unwrap();
    let (out, _) = run(&study);
    assert_outputs_are_well_formed(out.path());
    let html = std::fs::read_to_string(out.path().join("report.html")).unwrap();
    assert!(
        html.contains("Ha detto [U+202E]otnemom nu[U+202C] e basta."),
        "the override is shown"
    );
    assert!(html.contains("[U+202E]ovitca[U+202C]"), "in the title too");
    let md = std::fs::read_to_string(out.path().join("report.md")).unwrap();
    assert!(md.contains("\\[U+202E\\]"), "{md}");
    // JSON would escape a NUL (`\u0000`), and a reader would get it back: results.json has none.
    let json = std::fs::read_to_string(out.path().join("results.json")).unwrap();
    assert!(json.contains("Studio"), "the title is in results.json");
    for escape in ["\\u0000", "\\u001b", "\\u000b", "\\u202e"] {
        assert!(
            !json.to_lowercase().contains(escape),
            "{escape} in results.json"
        );
    }
}
