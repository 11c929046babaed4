//! The research report as one content model: headings, paragraphs, lists, tables, figures and
//! quotes, read from the rendered report.html. report.md and report.docx are written from it
//! ([`super::markdown`], [`super::docx`]), so the three formats hold the same sections, tables and
//! words: a chapter a kind adds to its HTML template is in every format.
//!
//! Only what the templates write is read: block elements become blocks, `div`, `section`,
//! `article`, `main` and `details` are looked through, and text meant only for screen readers
//! (`.visually-hidden` spans, beside a visible mark) is left out, as is the page's navigation.

use scraper::node::Node;
use scraper::{ElementRef, Html};

/// A run of text and its emphasis.
#[derive(Debug, Clone, PartialEq)]
pub enum Inline {
    Text(String),
    Strong(Vec<Inline>),
    Em(Vec<Inline>),
    Code(String),
    Break,
}

/// One cell of a table: its content, whether it heads a row or column, whether it holds a number
/// (right-aligned), and the rows and columns it spans.
#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    pub content: Vec<Inline>,
    pub header: bool,
    pub numeric: bool,
    pub colspan: usize,
    pub rowspan: usize,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Table {
    pub caption: Vec<Inline>,
    pub head: Vec<Vec<Cell>>,
    pub body: Vec<Vec<Cell>>,
    pub foot: Vec<Vec<Cell>>,
}

/// The cover of the report.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Cover {
    pub kicker: String,
    pub title: String,
    pub subtitle: String,
    pub authors: String,
    pub lines: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    Cover(Cover),
    /// Where the table of contents goes.
    Contents,
    /// A warning shown before everything (the internal run's banner).
    Banner(String),
    Heading {
        level: u8,
        content: Vec<Inline>,
    },
    Paragraph {
        content: Vec<Inline>,
        small: bool,
    },
    List {
        ordered: bool,
        items: Vec<Vec<Inline>>,
    },
    Table(Table),
    /// A chart: its file under the output folder, its title and its description.
    Figure {
        file: Option<String>,
        title: String,
        caption: Vec<Inline>,
    },
    Quote {
        content: Vec<Inline>,
        source: Vec<Inline>,
    },
}

/// The report's blocks, in order.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Document {
    pub title: String,
    pub blocks: Vec<Block>,
}

/// The plain text of inline content (line breaks as spaces).
pub fn plain(content: &[Inline]) -> String {
    let mut out = String::new();
    fn walk(c: &[Inline], out: &mut String) {
        for i in c {
            match i {
                Inline::Text(t) | Inline::Code(t) => out.push_str(t),
                Inline::Strong(x) | Inline::Em(x) => walk(x, out),
                Inline::Break => out.push(' '),
            }
        }
    }
    walk(content, &mut out);
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn has_class(e: &ElementRef, class: &str) -> bool {
    e.value().classes().any(|c| c == class)
}

/// Inline content of an element: whitespace collapsed as a browser does, trimmed at both ends.
fn inlines(e: &ElementRef) -> Vec<Inline> {
    let mut out = Vec::new();
    collect_inlines(e, &mut out);
    trim(out)
}

fn push_text(out: &mut Vec<Inline>, text: &str) {
    let mut collapsed = String::with_capacity(text.len());
    let mut space = false;
    for c in text.chars() {
        if c.is_whitespace() && c != '\u{a0}' {
            space = true;
        } else {
            if space {
                collapsed.push(' ');
            }
            space = false;
            collapsed.push(c);
        }
    }
    if space {
        collapsed.push(' ');
    }
    if collapsed.is_empty() {
        return;
    }
    if let Some(Inline::Text(last)) = out.last_mut() {
        if last.ends_with(' ') && collapsed.starts_with(' ') {
            collapsed.remove(0);
        }
        last.push_str(&collapsed);
    } else {
        out.push(Inline::Text(collapsed));
    }
}

fn collect_inlines(e: &ElementRef, out: &mut Vec<Inline>) {
    for child in e.children() {
        match child.value() {
            Node::Text(t) => push_text(out, t),
            Node::Element(_) => {
                if let Some(c) = ElementRef::wrap(child) {
                    inline_element(&c, out);
                }
            }
            _ => {}
        }
    }
}

/// One element's inline content, with its own emphasis.
fn inline_element(c: &ElementRef, out: &mut Vec<Inline>) {
    match c.value().name() {
        "br" => out.push(Inline::Break),
        "svg" | "script" | "style" | "template" => {}
        "span" if has_class(c, "visually-hidden") => {}
        // A label set apart by its colour ("Priorità alta"): set apart by a dash.
        "span" if has_class(c, "badge") => {
            collect_inlines(c, out);
            push_text(out, " — ");
        }
        "strong" | "b" => {
            let x = inlines(c);
            if !x.is_empty() {
                out.push(Inline::Strong(x));
            }
        }
        "em" | "i" | "cite" => {
            let x = inlines(c);
            if !x.is_empty() {
                out.push(Inline::Em(x));
            }
        }
        "code" => out.push(Inline::Code(plain(&inlines(c)))),
        // A quote inside a table cell: its words, then its source on a new line.
        "blockquote" | "p" | "li" | "div" | "footer" | "ul" | "ol" => {
            if !out.is_empty() && out.last() != Some(&Inline::Break) {
                out.push(Inline::Break);
            }
            collect_inlines(c, out);
        }
        _ => collect_inlines(c, out),
    }
}

/// Drops leading and trailing spaces and line breaks.
fn trim(mut v: Vec<Inline>) -> Vec<Inline> {
    while matches!(v.first(), Some(Inline::Break)) {
        v.remove(0);
    }
    while matches!(v.last(), Some(Inline::Break)) {
        v.pop();
    }
    if let Some(Inline::Text(t)) = v.first_mut() {
        *t = t.trim_start().to_string();
    }
    if let Some(Inline::Text(t)) = v.last_mut() {
        // A badge's dash with nothing after it goes too.
        let end = t.trim_end();
        *t = end.strip_suffix(" —").unwrap_or(end).to_string();
    }
    v.retain(|i| !matches!(i, Inline::Text(t) if t.is_empty()));
    v
}

fn span(e: &ElementRef, name: &str) -> usize {
    e.attr(name)
        .and_then(|v| v.trim().parse::<usize>().ok())
        .map_or(1, |n| n.clamp(1, 1000))
}

fn rows(section: &ElementRef) -> Vec<Vec<Cell>> {
    section
        .child_elements()
        .filter(|r| r.value().name() == "tr")
        .map(|r| {
            r.child_elements()
                .filter(|c| matches!(c.value().name(), "td" | "th"))
                .map(|c| Cell {
                    content: inlines(&c),
                    header: c.value().name() == "th",
                    numeric: has_class(&c, "num"),
                    colspan: span(&c, "colspan"),
                    rowspan: span(&c, "rowspan"),
                })
                .collect()
        })
        .collect()
}

fn table(e: &ElementRef) -> Table {
    let mut t = Table::default();
    for part in e.child_elements() {
        match part.value().name() {
            "caption" => t.caption = inlines(&part),
            "thead" => t.head.extend(rows(&part)),
            "tbody" => t.body.extend(rows(&part)),
            "tfoot" => t.foot.extend(rows(&part)),
            _ => {}
        }
    }
    // Rows written straight under <table>: the first one heads it when it is all header cells.
    let loose: Vec<Vec<Cell>> = rows(e);
    if !loose.is_empty() {
        let mut loose = loose.into_iter();
        if t.head.is_empty() {
            if let Some(first) = loose.next() {
                if first.iter().all(|c| c.header) {
                    t.head.push(first);
                } else {
                    t.body.push(first);
                }
            }
        }
        t.body.extend(loose);
    }
    t
}

/// The figure's chart file: the template's `data-file`, else the chart whose title the SVG names.
fn figure(e: &ElementRef, figures: &[super::figures::Figure]) -> Block {
    let svg = e.child_elements().find(|c| c.value().name() == "svg");
    let title = svg
        .and_then(|s| s.child_elements().find(|c| c.value().name() == "title"))
        .map(|t| plain(&inlines(&t)))
        .unwrap_or_default();
    let labelled = svg
        .and_then(|s| s.attr("aria-labelledby"))
        .and_then(|a| a.split_whitespace().next())
        .and_then(|id| id.strip_suffix("-title"));
    let file = e
        .attr("data-file")
        .map(str::to_string)
        .or_else(|| {
            labelled.and_then(|id| figures.iter().find(|f| f.id == id).map(|f| f.file.clone()))
        })
        .filter(|f| figures.iter().any(|x| &x.file == f));
    let caption = e
        .child_elements()
        .find(|c| c.value().name() == "figcaption")
        .map(|c| inlines(&c))
        .unwrap_or_default();
    Block::Figure {
        file,
        title,
        caption,
    }
}

fn cover(e: &ElementRef) -> Cover {
    let mut c = Cover::default();
    for child in e.child_elements() {
        let text = plain(&inlines(&child));
        if text.is_empty() {
            continue;
        }
        match child.value().name() {
            "h1" => c.title = text,
            _ if has_class(&child, "kicker") => c.kicker = text,
            _ if has_class(&child, "subtitle") => c.subtitle = text,
            _ if has_class(&child, "authors") => c.authors = text,
            _ => c.lines.push(text),
        }
    }
    c
}

fn blocks(e: &ElementRef, figures: &[super::figures::Figure], out: &mut Vec<Block>) {
    let mut loose = Vec::new();
    let flush = |loose: &mut Vec<Inline>, out: &mut Vec<Block>| {
        let content = trim(std::mem::take(loose));
        if !content.is_empty() {
            out.push(Block::Paragraph {
                content,
                small: false,
            });
        }
    };
    for child in e.children() {
        let c = match child.value() {
            Node::Text(t) => {
                push_text(&mut loose, t);
                continue;
            }
            Node::Element(_) => match ElementRef::wrap(child) {
                Some(c) => c,
                None => continue,
            },
            _ => continue,
        };
        let name = c.value().name();
        let is_inline = matches!(
            name,
            "span" | "strong" | "b" | "em" | "i" | "a" | "code" | "cite" | "br" | "small"
        );
        if is_inline {
            let mut one = Vec::new();
            // The element alone, through the same rules as inside a paragraph.
            inline_element(&c, &mut one);
            loose.extend(one);
            continue;
        }
        flush(&mut loose, out);
        match name {
            "head" | "nav" | "script" | "style" | "template" | "svg" => {
                if name == "nav" && has_class(&c, "toc") {
                    out.push(Block::Contents);
                }
            }
            "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => {
                let level = name[1..].parse::<u8>().unwrap_or(6);
                out.push(Block::Heading {
                    level,
                    content: inlines(&c),
                });
            }
            "header" if has_class(&c, "cover") => out.push(Block::Cover(cover(&c))),
            "p" | "summary" | "figcaption" | "caption" => {
                let content = inlines(&c);
                if content.is_empty() {
                    continue;
                }
                let content = if name == "summary" {
                    vec![Inline::Strong(content)]
                } else {
                    content
                };
                out.push(Block::Paragraph {
                    content,
                    small: has_class(&c, "small"),
                });
            }
            "ul" | "ol" => {
                let items: Vec<Vec<Inline>> = c
                    .child_elements()
                    .filter(|li| li.value().name() == "li")
                    .map(|li| inlines(&li))
                    .filter(|i| !i.is_empty())
                    .collect();
                if !items.is_empty() {
                    out.push(Block::List {
                        ordered: name == "ol",
                        items,
                    });
                }
            }
            "table" => out.push(Block::Table(table(&c))),
            "figure" => out.push(figure(&c, figures)),
            "blockquote" => {
                let source = c
                    .child_elements()
                    .find(|f| f.value().name() == "footer")
                    .map(|f| inlines(&f))
                    .unwrap_or_default();
                let mut content = Vec::new();
                for part in c.children() {
                    match part.value() {
                        Node::Text(t) => push_text(&mut content, t),
                        Node::Element(el) if el.name() != "footer" => {
                            if let Some(pe) = ElementRef::wrap(part) {
                                inline_element(&pe, &mut content);
                            }
                        }
                        _ => {}
                    }
                }
                out.push(Block::Quote {
                    content: trim(content),
                    source,
                });
            }
            "div" if has_class(&c, "internal") => out.push(Block::Banner(plain(&inlines(&c)))),
            // Headline figures: "200 risposte · 90 Prato".
            "div" if has_class(&c, "kpis") => {
                let items: Vec<Vec<Inline>> = c
                    .child_elements()
                    .map(|k| {
                        let part = |class: &str| {
                            k.child_elements()
                                .find(|x| has_class(x, class))
                                .map(|x| plain(&inlines(&x)))
                                .unwrap_or_default()
                        };
                        vec![
                            Inline::Strong(vec![Inline::Text(part("kpi-value"))]),
                            Inline::Text(format!(" {}", part("kpi-label"))),
                        ]
                    })
                    .collect();
                if !items.is_empty() {
                    out.push(Block::List {
                        ordered: false,
                        items,
                    });
                }
            }
            _ => blocks(&c, figures, out),
        }
    }
    flush(&mut loose, out);
}

/// Reads the report as rendered in HTML; `figures` are its charts (for their files). Its text is
/// guarded first ([`crate::text::guard`]): no control character Word or XML refuses, bidirectional
/// controls shown, so every format written from the document is safe.
pub fn from_html(html: &str, figures: &[super::figures::Figure]) -> Document {
    let page = Html::parse_document(&crate::text::guard(html));
    let root = page.root_element();
    let title = root
        .descendent_elements()
        .find(|e| e.value().name() == "title")
        .map(|t| plain(&inlines(&t)))
        .unwrap_or_default();
    let mut out = Vec::new();
    if let Some(body) = root.child_elements().find(|e| e.value().name() == "body") {
        blocks(&body, figures, &mut out);
    }
    Document { title, blocks: out }
}

/// A table as a grid of rows: each spanned position holds `None` (its cell is to the left or
/// above), so every row has as many positions as the table has columns.
pub fn grid(rows: &[Vec<Cell>]) -> Vec<Vec<Option<&Cell>>> {
    let mut grid: Vec<Vec<Option<Option<&Cell>>>> = vec![Vec::new(); rows.len()];
    for (r, row) in rows.iter().enumerate() {
        let mut col = 0;
        for cell in row {
            while grid[r].get(col).is_some_and(|x| x.is_some()) {
                col += 1;
            }
            for dr in 0..cell.rowspan.min(rows.len() - r) {
                let line = &mut grid[r + dr];
                for dc in 0..cell.colspan {
                    if line.len() <= col + dc {
                        line.resize(col + dc + 1, None);
                    }
                    line[col + dc] = Some(if dr == 0 && dc == 0 { Some(cell) } else { None });
                }
            }
            col += cell.colspan;
        }
    }
    let width = grid.iter().map(Vec::len).max().unwrap_or(0);
    grid.into_iter()
        .map(|mut line| {
            line.resize(width, Some(None));
            line.into_iter().map(Option::flatten).collect()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_headings_tables_with_spans_figures_and_quotes() {
        let html = r##"<!DOCTYPE html><html><head><title>T</title><style>p{}</style></head><body>
<header class="cover"><p class="kicker">Rapporto</p><h1>Titolo</h1><p class="subtitle">Sotto</p></header>
<nav class="toc"><ol><li><a href="#a">A</a></li></ol></nav>
<main><section id="a"><h2>Capitolo <span class="badge">alta</span></h2>
<p>Uno   <strong>due</strong><br>tre<span class="visually-hidden"> nascosto</span></p>
<div class="kpis"><div class="kpi"><span class="kpi-value">200</span><span class="kpi-label">risposte</span></div></div>
<table><caption class="visually-hidden">Tab</caption>
<thead><tr><th rowspan="2">D</th><th colspan="2">Prato</th></tr><tr><th class="num">n</th><th class="num">%</th></tr></thead>
<tbody><tr><th rowspan="2">x</th><td class="num">1</td><td class="num">2</td></tr><tr><td class="num">3</td><td class="num">4</td></tr></tbody></table>
<figure data-file="charts/a.svg"><svg><title>Grafico A</title></svg><figcaption>Desc</figcaption></figure>
<blockquote>«Parole»<footer>— chi</footer></blockquote>
<details><summary>Di più</summary><ul><li>a</li><li>b</li></ul></details>
</section></main></body></html>"##;
        let figures = vec![crate::publication::Figure {
            id: "a".into(),
            label: String::new(),
            file: "charts/a.svg".into(),
            title: String::new(),
            subtitle: String::new(),
            desc: String::new(),
            headline: false,
            svg: String::new(),
        }];
        let d = from_html(html, &figures);
        assert_eq!(d.title, "T");
        let Block::Cover(c) = &d.blocks[0] else {
            panic!("{:?}", d.blocks[0])
        };
        assert_eq!(
            (c.kicker.as_str(), c.title.as_str()),
            ("Rapporto", "Titolo")
        );
        assert_eq!(d.blocks[1], Block::Contents);
        assert!(
            matches!(&d.blocks[2], Block::Heading { level: 2, content } if plain(content) == "Capitolo alta")
        );
        assert_eq!(
            d.blocks[3],
            Block::Paragraph {
                content: vec![
                    Inline::Text("Uno ".into()),
                    Inline::Strong(vec![Inline::Text("due".into())]),
                    Inline::Break,
                    Inline::Text("tre".into())
                ],
                small: false
            }
        );
        assert!(
            matches!(&d.blocks[4], Block::List { items, .. } if plain(&items[0]) == "200 risposte")
        );
        let Block::Table(t) = &d.blocks[5] else {
            panic!()
        };
        assert_eq!(plain(&t.caption), "Tab");
        let g = grid(&t.head);
        assert_eq!(g[0].len(), 3);
        assert!(g[1][0].is_none() && plain(&g[1][1].unwrap().content) == "n");
        let b = grid(&t.body);
        assert!(b[1][0].is_none() && plain(&b[1][1].unwrap().content) == "3");
        assert!(
            matches!(&d.blocks[6], Block::Figure { file: Some(f), title, .. } if f == "charts/a.svg" && title == "Grafico A")
        );
        assert!(
            matches!(&d.blocks[7], Block::Quote { content, source } if plain(content) == "«Parole»" && plain(source) == "— chi")
        );
        assert!(
            matches!(&d.blocks[8], Block::Paragraph { content, .. } if plain(content) == "Di più")
        );
        assert!(matches!(&d.blocks[9], Block::List { items, .. } if items.len() == 2));
    }
}
