//! report.docx: the research report for evaluators who finish their reports in Word, written from
//! the report's content model ([`super::document`]): the same chapters, tables and words as
//! report.html. It uses Word's own styles (Title, Subtitle, Heading 1–3, Caption, Quote, List
//! Bullet, a table text style), so a house template restyles it in one step; it opens on a cover
//! (title, subtitle, authors, funder, date) and a table-of-contents field; charts are pictures
//! drawn from their SVG ([`crate::charts::raster`]), each with its caption; numbers in tables are
//! right-aligned. Deterministic: fixed document dates and picture ids.

use docx_rs::{
    AbstractNumbering, AlignmentType, BreakType, Docx, FieldCharType, IndentLevel, InstrPAGEREF,
    InstrText, InstrToC, Level, LevelJc, LevelText, NumberFormat, Numbering, NumberingId,
    PageMargin, Paragraph, Pic, Run, RunFonts, Shading, SpecialIndentType, Start, Style, StyleType,
    Tab, TabLeaderType, TabValueType, Table, TableCell, TableLayoutType, TableRow, VMergeType,
    WidthType,
};

use super::document::{plain, Block, Cell, Cover, Document, Inline};
use super::figures::Figure;

/// A4 in twentieths of a point, with 2 cm margins.
const PAGE: (u32, u32) = (11906, 16838);
const MARGIN: i32 = 1134;
/// The text width in EMU (17 cm), the widest a chart is drawn, and in twentieths of a point.
const TEXT_WIDTH_EMU: u32 = 6_120_000;
const TEXT_WIDTH: usize = 11906 - 2 * MARGIN as usize;
/// The tallest a chart is drawn (22 cm of the page's 25.7), leaving room for its caption.
const TEXT_HEIGHT_EMU: u32 = 7_920_000;
/// Charts are drawn at 1.5 times their size in pixels: a 960-pixel chart across 17 cm is
/// about 215 dots to the inch, sharp on paper.
const SCALE: f32 = 1.5;
/// The list definitions' ids (docx-rs writes a numbered list of its own as 1).
const BULLETS: usize = 10;
const NUMBERS: usize = 11;

fn runs(content: &[Inline], bold: bool, italic: bool, out: &mut Vec<Run>) {
    for i in content {
        match i {
            Inline::Text(t) | Inline::Code(t) => {
                let mut r = Run::new().add_text(t.clone());
                if bold {
                    r = r.bold();
                }
                if italic {
                    r = r.italic();
                }
                if matches!(i, Inline::Code(_)) {
                    r = r.fonts(RunFonts::new().ascii("Consolas").hi_ansi("Consolas"));
                }
                out.push(r);
            }
            Inline::Strong(x) => runs(x, true, italic, out),
            Inline::Em(x) => runs(x, bold, true, out),
            Inline::Break => out.push(Run::new().add_break(BreakType::TextWrapping)),
        }
    }
}

fn paragraph(content: &[Inline]) -> Paragraph {
    let mut out = Vec::new();
    runs(content, false, false, &mut out);
    out.into_iter().fold(Paragraph::new(), |p, r| p.add_run(r))
}

/// A table cell's paragraph: its runs in the table's type size (half-points), bold in a head.
fn cell_paragraph(content: &[Inline], size: usize, bold: bool) -> Paragraph {
    let mut out = Vec::new();
    runs(content, bold, false, &mut out);
    out.into_iter()
        .fold(Paragraph::new().style("TableText").size(size), |p, r| {
            p.add_run(r.size(size))
        })
}

fn text(t: &str) -> Vec<Inline> {
    vec![Inline::Text(t.to_string())]
}

fn styles(doc: Docx) -> Docx {
    let heading = |id: &str, name: &str, size: usize, level: usize| {
        Style::new(id, StyleType::Paragraph)
            .name(name)
            .based_on("Normal")
            .next("Normal")
            .size(size)
            .bold()
            .color("1F3A5F")
            .outline_lvl(level)
    };
    doc.add_style(
        Style::new("Title", StyleType::Paragraph)
            .name("Title")
            .based_on("Normal")
            .size(56)
            .bold()
            .color("1F3A5F"),
    )
    .add_style(
        Style::new("Subtitle", StyleType::Paragraph)
            .name("Subtitle")
            .based_on("Normal")
            .size(32)
            .color("444444"),
    )
    .add_style(heading("Heading1", "heading 1", 32, 0))
    .add_style(heading("Heading2", "heading 2", 26, 1))
    .add_style(heading("Heading3", "heading 3", 23, 2))
    .add_style(heading("Heading4", "heading 4", 21, 3))
    .add_style(
        Style::new("Caption", StyleType::Paragraph)
            .name("caption")
            .based_on("Normal")
            .size(18)
            .bold()
            .color("1F3A5F"),
    )
    .add_style(
        Style::new("Quote", StyleType::Paragraph)
            .name("Quote")
            .based_on("Normal")
            .italic()
            .color("404040")
            .indent(Some(567), None, Some(567), None),
    )
    .add_style(
        Style::new("ListBullet", StyleType::Paragraph)
            .name("List Bullet")
            .based_on("Normal"),
    )
    .add_style(
        Style::new("ListNumber", StyleType::Paragraph)
            .name("List Number")
            .based_on("Normal"),
    )
    .add_style(
        Style::new("TableText", StyleType::Paragraph)
            .name("Table Text")
            .based_on("Normal")
            .size(17),
    )
    .add_style(
        Style::new("TOCHeading", StyleType::Paragraph)
            .name("TOC Heading")
            .based_on("Normal")
            .next("Normal")
            .size(32)
            .bold()
            .color("1F3A5F"),
    )
    .add_style(
        Style::new("TOC1", StyleType::Paragraph)
            .name("toc 1")
            .based_on("Normal")
            .bold(),
    )
    .add_style(
        Style::new("TOC2", StyleType::Paragraph)
            .name("toc 2")
            .based_on("Normal")
            .indent(Some(283), None, None, None),
    )
    .add_style(
        Style::new("Small", StyleType::Paragraph)
            .name("Small Text")
            .based_on("Normal")
            .size(18)
            .color("444444"),
    )
}

fn numbering(doc: Docx) -> Docx {
    let level = |format: &str, text: &str| {
        Level::new(
            0,
            Start::new(1),
            NumberFormat::new(format),
            LevelText::new(text),
            LevelJc::new("left"),
        )
        .indent(Some(567), Some(SpecialIndentType::Hanging(283)), None, None)
    };
    doc.add_abstract_numbering(AbstractNumbering::new(BULLETS).add_level(level("bullet", "•")))
        .add_numbering(Numbering::new(BULLETS, BULLETS))
        .add_abstract_numbering(AbstractNumbering::new(NUMBERS).add_level(level("decimal", "%1.")))
        .add_numbering(Numbering::new(NUMBERS, NUMBERS))
}

/// The rows of one part of a table (head, body or foot) as Word rows: cells spanning columns
/// span the grid, cells spanning rows are merged downwards.
fn word_rows(rows: &[Vec<Cell>], head: bool, size: usize, widths: &[usize]) -> Vec<TableRow> {
    // For each column: the rows still covered by a cell above, and that cell's width.
    let mut pending: Vec<(usize, usize)> = Vec::new();
    let width = |col: usize, span: usize| -> usize { widths.iter().skip(col).take(span).sum() };
    let continued = |col: usize, span: usize| {
        TableCell::new()
            .vertical_merge(VMergeType::Continue)
            .grid_span(span)
            .width(width(col, span), WidthType::Dxa)
            .add_paragraph(Paragraph::new().style("TableText"))
    };
    rows.iter()
        .map(|row| {
            let mut cells = Vec::new();
            let mut col = 0;
            let mut it = row.iter();
            loop {
                if let Some(&(left, span)) = pending.get(col).filter(|p| p.0 > 0) {
                    pending[col].0 = left - 1;
                    cells.push(continued(col, span));
                    col += span;
                    continue;
                }
                let Some(c) = it.next() else {
                    break;
                };
                // A head stays on the page of the table's first row.
                let mut p = cell_paragraph(&c.content, size, c.header || head).keep_next(head);
                if c.numeric {
                    p = p.align(AlignmentType::Right);
                }
                let mut cell = TableCell::new()
                    .add_paragraph(p)
                    .width(width(col, c.colspan), WidthType::Dxa);
                if c.colspan > 1 {
                    cell = cell.grid_span(c.colspan);
                }
                if head {
                    cell = cell.shading(Shading::new().fill("E6ECF2"));
                }
                if c.rowspan > 1 {
                    cell = cell.vertical_merge(VMergeType::Restart);
                    if pending.len() <= col {
                        pending.resize(col + 1, (0, 1));
                    }
                    pending[col] = (c.rowspan - 1, c.colspan);
                }
                cells.push(cell);
                col += c.colspan;
            }
            // Cells from above that reach past the end of this row.
            while col < pending.len() {
                let (left, span) = pending[col];
                if left > 0 {
                    pending[col].0 = left - 1;
                    cells.push(continued(col, span));
                    col += span;
                } else {
                    col += 1;
                }
            }
            TableRow::new(cells).cant_split()
        })
        .collect()
}

/// The widths of a table's columns, in twentieths of a point, filling the text width, as a
/// browser lays out a table: every column at least as wide as its longest word (of its head, up
/// to 8 characters), and the room
/// left shared by what each column would need to hold its longest text on one line (up to about
/// 28 characters, then it wraps). `size` is the type size in half-points.
fn column_widths(t: &super::document::Table, size: usize) -> Vec<usize> {
    // An average character of a sans-serif face is about 0.55 em wide; a cell has 0.08"
    // (115 twips) of margin each side.
    let char_width = |chars: usize| chars * size * 6 + 230;
    let (mut least, mut want): (Vec<usize>, Vec<usize>) = (Vec::new(), Vec::new());
    for (part, head) in [(&t.head, true), (&t.body, false), (&t.foot, false)] {
        for line in super::document::grid(part) {
            if least.len() < line.len() {
                least.resize(line.len(), char_width(2));
                want.resize(line.len(), char_width(3));
            }
            for (col, cell) in line.iter().enumerate() {
                let Some(c) = cell.filter(|c| c.colspan == 1) else {
                    continue;
                };
                let text = plain(&c.content);
                let word = text.split_whitespace().map(|w| w.chars().count()).max();
                // A long word of a column's head may wrap; a number never does.
                let mut word = word.unwrap_or(0).min(if head { 8 } else { usize::MAX });
                // A short number is kept on one line whole ("< 0,001").
                if c.numeric && !head && text.chars().count() <= 10 {
                    word = word.max(text.chars().count());
                }
                least[col] = least[col].max(char_width(word));
                want[col] = want[col].max(char_width(text.chars().count().min(28)));
            }
        }
    }
    let want: Vec<usize> = want.iter().zip(&least).map(|(w, l)| *w.max(l)).collect();
    let (sum_least, sum_want) = (least.iter().sum::<usize>(), want.iter().sum::<usize>());
    if sum_least >= TEXT_WIDTH || sum_want == sum_least {
        // Even the words do not fit (or nothing wraps): every column in proportion.
        let base = if sum_least >= TEXT_WIDTH {
            &least
        } else {
            &want
        };
        let total = base.iter().sum::<usize>().max(1);
        return base.iter().map(|w| TEXT_WIDTH * w / total).collect();
    }
    if sum_want <= TEXT_WIDTH {
        return want.iter().map(|w| TEXT_WIDTH * w / sum_want).collect();
    }
    let room = TEXT_WIDTH - sum_least;
    least
        .iter()
        .zip(&want)
        .map(|(l, w)| l + room * (w - l) / (sum_want - sum_least))
        .collect()
}

fn table(t: &super::document::Table, figure_word: &str, n: &mut usize) -> (Paragraph, Table) {
    let columns = super::document::grid(&t.body)
        .first()
        .map_or(0, Vec::len)
        .max(super::document::grid(&t.head).first().map_or(0, Vec::len));
    // Wide tables in smaller type, so they fit the page.
    let size = match columns {
        0..=6 => 17,
        7..=9 => 15,
        _ => 13,
    };
    let widths = column_widths(t, size);
    let mut rows = word_rows(&t.head, true, size, &widths);
    rows.extend(word_rows(&t.body, false, size, &widths));
    rows.extend(word_rows(&t.foot, false, size, &widths));
    *n += 1;
    let mut caption = vec![Inline::Text(format!("{figure_word} {n}. "))];
    caption.extend(t.caption.iter().cloned());
    let caption = paragraph(&caption).style("Caption").keep_next(true);
    let table = Table::new(rows)
        .set_grid(widths)
        .width(TEXT_WIDTH, WidthType::Dxa)
        .layout(TableLayoutType::Fixed);
    (caption, table)
}

/// The table of contents: a TOC field over Heading 1 and 2, its entries already written (with
/// page references Word and LibreOffice fill in), so it reads before anyone updates it.
fn contents(items: &[(usize, String)]) -> Vec<Paragraph> {
    let tab = Tab::new()
        .val(TabValueType::Right)
        .leader(TabLeaderType::Dot)
        .pos(TEXT_WIDTH);
    let last = items.len().saturating_sub(1);
    items
        .iter()
        .enumerate()
        .map(|(i, (level, text))| {
            let mut p = Paragraph::new()
                .style(&format!("TOC{level}"))
                .add_tab(tab.clone());
            if i == 0 {
                // Flagged for Word to update (page numbers) when the document is opened.
                p = p.add_run(
                    Run::new()
                        .add_field_char(FieldCharType::Begin, true)
                        .add_instr_text(InstrText::TOC(
                            InstrToC::new().heading_styles_range(1, 2).hyperlink(),
                        ))
                        .add_field_char(FieldCharType::Separate, false),
                );
            }
            p = p
                .add_run(Run::new().add_text(text))
                .add_run(Run::new().add_tab())
                .add_run(
                    Run::new()
                        .add_field_char(FieldCharType::Begin, false)
                        .add_instr_text(InstrText::PAGEREF(
                            InstrPAGEREF::new(format!("_Toc{}", i + 1)).hyperlink(),
                        ))
                        .add_field_char(FieldCharType::Separate, false)
                        .add_text("")
                        .add_field_char(FieldCharType::End, false),
                );
            if i == last {
                p = p.add_run(Run::new().add_field_char(FieldCharType::End, false));
            }
            p
        })
        .collect()
}

fn cover(doc: Docx, c: &Cover) -> Docx {
    let mut doc = doc;
    if !c.kicker.is_empty() {
        doc = doc.add_paragraph(paragraph(&text(&c.kicker)).style("Subtitle"));
    }
    doc = doc.add_paragraph(paragraph(&text(&c.title)).style("Title"));
    if !c.subtitle.is_empty() {
        doc = doc.add_paragraph(paragraph(&text(&c.subtitle)).style("Subtitle"));
    }
    if !c.authors.is_empty() {
        doc = doc.add_paragraph(Paragraph::new().add_run(Run::new().add_text(&c.authors).bold()));
    }
    for line in &c.lines {
        doc = doc.add_paragraph(paragraph(&text(line)));
    }
    doc
}

/// Words that differ by language in the document's own furniture.
struct Words {
    contents: &'static str,
    table: &'static str,
    chart: &'static str,
}

fn words(lang: &str) -> Words {
    if lang == "it" {
        Words {
            contents: "Indice",
            table: "Tabella",
            chart: "Grafico",
        }
    } else {
        Words {
            contents: "Contents",
            table: "Table",
            chart: "Chart",
        }
    }
}

/// The .docx bytes of the report. Its text was guarded when it was read
/// ([`super::document::from_html`]): no control character Word refuses, no hidden bidirectional
/// control. `figures` are the report's charts, drawn as pictures.
pub fn render(d: &Document, figures: &[Figure], lang: &str) -> Result<Vec<u8>, String> {
    let w = words(lang);
    let mut doc = numbering(styles(
        Docx::new()
            .page_size(PAGE.0, PAGE.1)
            .page_margin(
                PageMargin::new()
                    .top(MARGIN)
                    .bottom(MARGIN)
                    .left(MARGIN)
                    .right(MARGIN),
            )
            .default_fonts(
                RunFonts::new()
                    .ascii("Calibri")
                    .hi_ansi("Calibri")
                    .cs("Calibri"),
            )
            .default_size(21)
            .created_at("2000-01-01T00:00:00Z")
            .updated_at("2000-01-01T00:00:00Z"),
    ));
    // The charts drawn first, on every core (the slowest part of the document).
    let drawn: Vec<Option<&Figure>> = d
        .blocks
        .iter()
        .filter_map(|b| match b {
            Block::Figure { file, .. } => Some(
                file.as_ref()
                    .and_then(|f| figures.iter().find(|x| &x.file == f))
                    .filter(|c| !c.svg.is_empty()),
            ),
            _ => None,
        })
        .collect();
    let mut pngs = crate::parallel::map(&drawn, |c| {
        c.map(|c| crate::charts::raster::png(&c.svg, SCALE))
            .transpose()
    })
    .into_iter();
    let (mut tables, mut charts, mut bookmarks, mut pictures) = (0, 0, 0usize, 0usize);
    // The headings the table of contents lists before Word updates it (chapters and sections).
    let toc_items: Vec<(usize, String)> = d
        .blocks
        .iter()
        .filter_map(|b| match b {
            Block::Heading { level, content } if (2..=3).contains(level) => {
                Some((usize::from(*level) - 1, plain(content)))
            }
            _ => None,
        })
        .collect();
    for b in &d.blocks {
        match b {
            Block::Banner(t) => {
                doc = doc.add_paragraph(
                    Paragraph::new().add_run(Run::new().add_text(t).bold().color("B2182B")),
                );
            }
            Block::Cover(c) => doc = cover(doc, c),
            Block::Contents => {
                doc = doc.add_paragraph(
                    Paragraph::new()
                        .add_run(Run::new().add_text(w.contents))
                        .style("TOCHeading")
                        .page_break_before(true),
                );
                for p in contents(&toc_items) {
                    doc = doc.add_paragraph(p);
                }
                doc = doc.add_paragraph(Paragraph::new().page_break_before(true));
            }
            Block::Heading { level, content } => {
                // The report's chapters (h2) are Word's Heading 1.
                let word_level = usize::from(*level).saturating_sub(1).clamp(1, 4);
                let mut p = paragraph(content)
                    .style(&format!("Heading{word_level}"))
                    .keep_next(true);
                if (2..=3).contains(level) {
                    bookmarks += 1;
                    p = p
                        .add_bookmark_start(bookmarks, format!("_Toc{bookmarks}"))
                        .add_bookmark_end(bookmarks);
                }
                doc = doc.add_paragraph(p);
            }
            Block::Paragraph { content, small } => {
                let mut p = paragraph(content);
                if *small {
                    p = p.style("Small");
                }
                doc = doc.add_paragraph(p);
            }
            Block::List { ordered, items } => {
                let (id, style) = if *ordered {
                    (NUMBERS, "ListNumber")
                } else {
                    (BULLETS, "ListBullet")
                };
                for item in items {
                    doc = doc.add_paragraph(
                        paragraph(item)
                            .style(style)
                            .numbering(NumberingId::new(id), IndentLevel::new(0)),
                    );
                }
            }
            Block::Table(t) => {
                let (caption, table) = table(t, w.table, &mut tables);
                doc = doc
                    .add_paragraph(caption)
                    .add_table(table)
                    .add_paragraph(Paragraph::new());
            }
            Block::Figure {
                file,
                title,
                caption,
            } => {
                charts += 1;
                let chart = file
                    .as_ref()
                    .and_then(|f| figures.iter().find(|x| &x.file == f));
                if let Some((png, wpx, hpx)) = pngs.next().transpose()?.flatten() {
                    // Drawn at 96 pixels to the inch (9525 EMU a pixel), narrowed to the page.
                    // A tall chart is narrowed until it fits a page with its caption.
                    let natural = f64::from(wpx) / f64::from(SCALE) * 9525.0;
                    let ratio = f64::from(hpx) / f64::from(wpx.max(1));
                    let wide = natural
                        .min(f64::from(TEXT_WIDTH_EMU))
                        .min(f64::from(TEXT_HEIGHT_EMU) / ratio);
                    let high = (wide * ratio) as u32;
                    let wide = wide as u32;
                    pictures += 1;
                    let mut pic = Pic::new_with_dimensions(png, wpx, hpx).size(wide, high);
                    pic.id = format!("rIdImage{pictures}");
                    doc = doc.add_paragraph(
                        Paragraph::new()
                            .add_run(Run::new().add_image(pic))
                            .keep_next(true),
                    );
                }
                let mut line = vec![Inline::Text(format!("{} {charts}. {title}", w.chart))];
                if chart.is_none() {
                    if let Some(f) = file {
                        line.push(Inline::Text(format!(" ({f})")));
                    }
                }
                doc = doc.add_paragraph(paragraph(&line).style("Caption"));
                if !caption.is_empty() {
                    doc = doc.add_paragraph(paragraph(caption).style("Small"));
                }
            }
            Block::Quote { content, source } => {
                doc = doc.add_paragraph(paragraph(content).style("Quote"));
                if !source.is_empty() {
                    doc = doc.add_paragraph(
                        paragraph(source).style("Quote").align(AlignmentType::Right),
                    );
                }
            }
        }
    }
    let mut buf = std::io::Cursor::new(Vec::new());
    doc.build().pack(&mut buf).map_err(|e| e.to_string())?;
    Ok(buf.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn xml(bytes: Vec<u8>, name: &str) -> String {
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        let mut xml = String::new();
        std::io::Read::read_to_string(&mut zip.by_name(name).unwrap(), &mut xml).unwrap();
        xml
    }

    #[test]
    fn control_characters_never_reach_word_document_xml() {
        let html = "<html><body><h2>Ti\u{0}tolo</h2><blockquote>Prima\u{B}seconda \u{1B}[1m\u{202E}ovitca</blockquote><table><thead><tr><th>a\u{7}</th><th>b</th></tr></thead><tbody><tr><td>1\u{C}</td><td class=\"num\">2</td></tr></tbody></table></body></html>";
        let d = super::super::document::from_html(html, &[]);
        let xml = xml(render(&d, &[], "it").unwrap(), "word/document.xml");
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
    fn lists_are_word_lists_numbers_are_right_aligned_and_spans_merge() {
        let html = r#"<html><body><ul><li>uno</li><li>due</li></ul>
<table><caption>C</caption><thead><tr><th rowspan="2">D</th><th colspan="2">Prato</th></tr><tr><th class="num">n</th><th class="num">%</th></tr></thead>
<tbody><tr><th rowspan="2">x</th><td class="num">1</td><td class="num">2</td></tr><tr><td class="num">3</td><td class="num">4</td></tr></tbody></table></body></html>"#;
        let d = super::super::document::from_html(html, &[]);
        let x = xml(render(&d, &[], "it").unwrap(), "word/document.xml");
        assert_eq!(x.matches("<w:numId w:val=\"10\" />").count(), 2, "{x}");
        assert!(!x.contains('•'), "bullets are Word's, not typed");
        assert!(x.contains("<w:jc w:val=\"right\" />"), "{x}");
        assert!(x.contains("<w:gridSpan w:val=\"2\" />"), "{x}");
        assert_eq!(
            x.matches("<w:vMerge w:val=\"continue\" />").count(),
            2,
            "{x}"
        );
        assert!(x.contains("Tabella 1. "), "{x}");
    }
}
