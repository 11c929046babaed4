//! report.docx: the research report for evaluators who finish their reports in Word. Built from
//! the rendered report.md (the same words and numbers, already protected and escaped): headings,
//! paragraphs, bullet lists, tables, quotes; a chart becomes its title with the name of its SVG
//! file in charts/. Deterministic: fixed document dates and element ids.

use docx_rs::{
    BreakType, Docx, Paragraph, Run, RunFonts, Style, StyleType, Table, TableCell, TableRow,
};

/// Undoes the Markdown escaping of report.md (`\*` → `*`, `&lt;` → `<`).
fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\' {
            if let Some(&next) = chars.peek() {
                if next.is_ascii_punctuation() {
                    out.push(next);
                    chars.next();
                    continue;
                }
            }
        }
        out.push(c);
    }
    out.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// Runs of a line with `**bold**` and `*italic*` (markers that are not escaped).
fn runs(line: &str) -> Vec<Run> {
    let mut out = Vec::new();
    let (mut bold, mut italic) = (false, false);
    let mut text = String::new();
    let chars: Vec<char> = line.chars().collect();
    let mut i = 0;
    let flush = |text: &mut String, out: &mut Vec<Run>, bold: bool, italic: bool| {
        if !text.is_empty() {
            let mut r = Run::new().add_text(unescape(text));
            if bold {
                r = r.bold();
            }
            if italic {
                r = r.italic();
            }
            out.push(r);
            text.clear();
        }
    };
    while i < chars.len() {
        match chars[i] {
            '\\' if i + 1 < chars.len() => {
                text.push('\\');
                text.push(chars[i + 1]);
                i += 2;
            }
            '*' if chars.get(i + 1) == Some(&'*') => {
                flush(&mut text, &mut out, bold, italic);
                bold = !bold;
                i += 2;
            }
            '*' => {
                flush(&mut text, &mut out, bold, italic);
                italic = !italic;
                i += 1;
            }
            c => {
                text.push(c);
                i += 1;
            }
        }
    }
    flush(&mut text, &mut out, bold, italic);
    out
}

fn paragraph(line: &str) -> Paragraph {
    runs(line)
        .into_iter()
        .fold(Paragraph::new(), |p, r| p.add_run(r))
}

/// The cells of a Markdown table row `| a | b |` (escaped pipes `\|` kept inside a cell).
fn cells(line: &str) -> Vec<String> {
    let inner = line.trim().trim_start_matches('|');
    let inner = inner.strip_suffix('|').unwrap_or(inner);
    let mut out = vec![String::new()];
    let mut escaped = false;
    for c in inner.chars() {
        if c == '|' && !escaped {
            out.push(String::new());
        } else if let Some(last) = out.last_mut() {
            last.push(c);
        }
        escaped = c == '\\' && !escaped;
    }
    out.into_iter().map(|c| c.trim().to_string()).collect()
}

fn table(rows: &[Vec<String>]) -> Table {
    let rows = rows
        .iter()
        .enumerate()
        .map(|(i, row)| {
            TableRow::new(
                row.iter()
                    .map(|c| {
                        let mut p = paragraph(c);
                        if i == 0 {
                            p = runs(c)
                                .into_iter()
                                .fold(Paragraph::new(), |p, r| p.add_run(r.bold()));
                        }
                        TableCell::new().add_paragraph(p.style("TableText"))
                    })
                    .collect(),
            )
        })
        .collect();
    Table::new(rows)
}

/// The .docx bytes of a report written in capakit's Markdown.
/// Its text is guarded first ([`crate::text::guard`]): no control character Word refuses, no
/// hidden bidirectional control.
pub fn from_markdown(md: &str, lang: &str) -> Result<Vec<u8>, String> {
    let md = crate::text::guard(md);
    let mut doc = Docx::new()
        .default_fonts(RunFonts::new().ascii("Calibri").hi_ansi("Calibri"))
        .default_size(21)
        .add_style(
            Style::new("Heading1", StyleType::Paragraph)
                .name("Heading 1")
                .size(36)
                .bold(),
        )
        .add_style(
            Style::new("Heading2", StyleType::Paragraph)
                .name("Heading 2")
                .size(28)
                .bold(),
        )
        .add_style(
            Style::new("Heading3", StyleType::Paragraph)
                .name("Heading 3")
                .size(24)
                .bold(),
        )
        .add_style(
            Style::new("Quote", StyleType::Paragraph)
                .name("Quote")
                .italic(),
        )
        .add_style(
            Style::new("TableText", StyleType::Paragraph)
                .name("Table text")
                .size(17),
        );
    let figure = if lang == "it" { "Grafico" } else { "Chart" };
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut text: Vec<String> = Vec::new();
    let flush_text = |doc: Docx, text: &mut Vec<String>| -> Docx {
        if text.is_empty() {
            return doc;
        }
        let p = paragraph(&text.join(" "));
        text.clear();
        doc.add_paragraph(p)
    };
    for line in md.lines() {
        let t = line.trim_end();
        let is_row = t.trim_start().starts_with('|');
        if !is_row && !rows.is_empty() {
            doc = doc.add_table(table(&rows));
            doc = doc.add_paragraph(Paragraph::new());
            rows.clear();
        }
        if is_row {
            doc = flush_text(doc, &mut text);
            let c = cells(t);
            let separator = c
                .iter()
                .all(|x| !x.is_empty() && x.chars().all(|ch| matches!(ch, '-' | ':')));
            if !separator {
                rows.push(c);
            }
            continue;
        }
        if t.trim().is_empty() {
            doc = flush_text(doc, &mut text);
            continue;
        }
        let heading = [
            ("### ", "Heading3"),
            ("## ", "Heading2"),
            ("# ", "Heading1"),
        ]
        .into_iter()
        .find(|(m, _)| t.starts_with(m));
        if let Some((marker, style)) = heading {
            doc = flush_text(doc, &mut text);
            doc = doc.add_paragraph(paragraph(&t[marker.len()..]).style(style));
        } else if let Some(item) = t.trim_start().strip_prefix("- ") {
            doc = flush_text(doc, &mut text);
            doc = doc.add_paragraph(paragraph(&format!("• {item}")));
        } else if let Some(q) = t.strip_prefix("> ") {
            doc = flush_text(doc, &mut text);
            doc = doc.add_paragraph(paragraph(q).style("Quote"));
        } else if let Some(rest) = t.trim_start().strip_prefix("![") {
            // A chart: its title, and where the picture is.
            doc = flush_text(doc, &mut text);
            let (alt, path) = rest.split_once("](").unwrap_or((rest, ")"));
            let path = path.trim_end_matches(')');
            doc = doc.add_paragraph(
                Paragraph::new()
                    .add_run(Run::new().add_text(format!("{figure}: ")).bold())
                    .add_run(Run::new().add_text(unescape(alt)))
                    .add_run(Run::new().add_break(BreakType::TextWrapping))
                    .add_run(Run::new().add_text(path.to_string()).italic()),
            );
        } else {
            text.push(t.trim().to_string());
        }
    }
    doc = flush_text(doc, &mut text);
    if !rows.is_empty() {
        doc = doc.add_table(table(&rows));
    }
    let mut buf = std::io::Cursor::new(Vec::new());
    doc.build().pack(&mut buf).map_err(|e| e.to_string())?;
    Ok(buf.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_never_reach_word_document_xml() {
        let md = "# Ti\u{0}tolo\n\n> Prima\u{B}seconda \u{1B}[1m\u{202E}ovitca\n\n| a\u{7} | b |\n|---|---|\n| 1\u{C} | 2 |\n";
        let bytes = from_markdown(md, "it").unwrap();
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        let mut xml = String::new();
        std::io::Read::read_to_string(&mut zip.by_name("word/document.xml").unwrap(), &mut xml)
            .unwrap();
        assert!(
            !xml.chars()
                .any(|c| (c.is_control() && !matches!(c, '\t' | '\n' | '\r')) || c == '\u{202E}'),
            "{xml}"
        );
        assert!(
            xml.contains("Titolo") && xml.contains("[U+202E]ovitca"),
            "{xml}"
        );
    }

    #[test]
    fn markdown_escapes_are_undone_and_tables_split_on_unescaped_pipes() {
        assert_eq!(
            unescape(r"a \* b \_c\_ &lt;x&gt; 3 \| 4"),
            "a * b _c_ <x> 3 | 4"
        );
        assert_eq!(
            cells(r"| a | b \| c | 12,5 % |"),
            ["a", r"b \| c", "12,5 %"]
        );
    }
}
