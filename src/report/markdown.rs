//! report.md, written from the report's content model ([`super::document`]): the same chapters,
//! tables and words as report.html, in CommonMark with pipe tables. Every text is escaped
//! ([`super::templates::escape_markdown`]): nothing from the data becomes Markdown or HTML syntax.

use super::document::{grid, plain, Block, Cell, Document, Inline, Table};
use super::templates::escape_markdown;

fn inline(content: &[Inline], in_table: bool, out: &mut String) {
    for i in content {
        match i {
            Inline::Text(t) => out.push_str(&escape_markdown(t)),
            Inline::Strong(x) | Inline::Em(x) => {
                let mark = if matches!(i, Inline::Strong(_)) {
                    "**"
                } else {
                    "*"
                };
                let mut inner = String::new();
                inline(x, in_table, &mut inner);
                // Emphasis must not start or end with a space to be read as emphasis.
                let lead = &inner[..inner.len() - inner.trim_start().len()];
                let trail = &inner[inner.trim_end().len()..];
                let core = inner.trim();
                if core.is_empty() {
                    out.push_str(&inner);
                } else {
                    out.push_str(&format!("{lead}{mark}{core}{mark}{trail}"));
                }
            }
            Inline::Code(t) if !t.contains('`') && !t.is_empty() => {
                out.push('`');
                out.push_str(&t.replace('|', "\\|"));
                out.push('`');
            }
            Inline::Code(t) => out.push_str(&escape_markdown(t)),
            // A line break inside a cell (a cell's second line) becomes a separator.
            Inline::Break if in_table => out.push_str(" · "),
            Inline::Break => out.push_str("\\\n"),
        }
    }
}

fn text(content: &[Inline], in_table: bool) -> String {
    let mut s = String::new();
    inline(content, in_table, &mut s);
    s
}

/// The header of a table: one line, each column's head rows joined ("Prato · n").
fn header(head: &[Vec<Cell>], width: usize) -> (Vec<String>, Vec<bool>) {
    let head = grid(head);
    let mut names = vec![String::new(); width];
    let mut numeric = vec![false; width];
    for line in &head {
        let mut last: Option<&Cell> = None;
        for (col, cell) in line.iter().enumerate() {
            // A cell spanning columns names each of them.
            let cell = cell.or(last.filter(|c| c.colspan > 1));
            if let Some(c) = cell {
                let t = text(&c.content, true);
                if !t.is_empty() && !names[col].ends_with(&t) {
                    if !names[col].is_empty() {
                        names[col].push_str(" · ");
                    }
                    names[col].push_str(&t);
                }
                numeric[col] |= c.numeric;
                last = Some(c);
            }
        }
    }
    (names, numeric)
}

/// `before`: the text of the block just before, whose words a caption does not repeat (a table
/// under a heading of the same name).
fn table(t: &Table, before: Option<String>, out: &mut String) {
    let caption = plain(&t.caption);
    if !caption.is_empty() && before.as_deref() != Some(caption.as_str()) {
        out.push_str(&format!("**{}**\n\n", text(&t.caption, true)));
    }
    let mut body: Vec<Vec<Cell>> = t.body.clone();
    body.extend(t.foot.iter().cloned());
    // A table without a head gets an empty one (pipe tables need a header line): its first row
    // stays a row.
    let body_grid = grid(&body);
    let head_width = grid(&t.head).first().map_or(0, Vec::len);
    let width = head_width.max(body_grid.first().map_or(0, Vec::len)).max(1);
    let (names, mut numeric) = header(&t.head, width);
    for line in &body_grid {
        for (col, c) in line.iter().enumerate() {
            if let Some(c) = c {
                numeric[col] |= c.numeric;
            }
        }
    }
    let row = |cells: Vec<String>| format!("| {} |\n", cells.join(" | "));
    out.push_str(&row(names
        .iter()
        .map(|n| if n.is_empty() { " ".into() } else { n.clone() })
        .collect()));
    out.push_str(&format!(
        "|{}\n",
        numeric
            .iter()
            .map(|&n| if n { "---:|" } else { "---|" })
            .collect::<String>()
    ));
    for line in &body_grid {
        let mut cells: Vec<String> = line
            .iter()
            .map(|c| {
                c.map_or_else(String::new, |c| {
                    let t = text(&c.content, true);
                    if c.header && !t.is_empty() && !c.numeric {
                        format!("**{}**", t.trim())
                    } else {
                        t
                    }
                })
            })
            .collect();
        cells.resize(width, String::new());
        out.push_str(&row(cells));
    }
    out.push('\n');
}

/// The Markdown of a document.
pub fn render(d: &Document) -> String {
    let mut out = String::new();
    for (i, b) in d.blocks.iter().enumerate() {
        match b {
            Block::Banner(t) => out.push_str(&format!("> **{}**\n\n", escape_markdown(t))),
            Block::Cover(c) => {
                out.push_str(&format!("# {}\n\n", escape_markdown(&c.title)));
                if !c.subtitle.is_empty() {
                    out.push_str(&format!("*{}*\n\n", escape_markdown(&c.subtitle)));
                }
                if !c.authors.is_empty() {
                    out.push_str(&format!("{}\n\n", escape_markdown(&c.authors)));
                }
                let mut line = vec![c.kicker.clone()];
                line.extend(c.lines.iter().cloned());
                line.retain(|l| !l.is_empty());
                if !line.is_empty() {
                    out.push_str(&format!("{}\n\n", escape_markdown(&line.join(" · "))));
                }
            }
            Block::Contents => {}
            Block::Heading { level, content } => {
                let marks = "#".repeat(usize::from((*level).clamp(1, 6)));
                out.push_str(&format!("{marks} {}\n\n", text(content, true)));
            }
            Block::Paragraph { content, .. } => {
                out.push_str(&text(content, false));
                out.push_str("\n\n");
            }
            Block::List { ordered, items } => {
                for (i, item) in items.iter().enumerate() {
                    let mark = if *ordered {
                        format!("{}.", i + 1)
                    } else {
                        "-".into()
                    };
                    out.push_str(&format!("{mark} {}\n", text(item, true)));
                }
                out.push('\n');
            }
            Block::Table(t) => {
                let before = i.checked_sub(1).and_then(|j| match &d.blocks[j] {
                    Block::Heading { content, .. } | Block::Paragraph { content, .. } => {
                        // A block that is one bold run (a folded section's title) counts too.
                        Some(plain(content))
                    }
                    _ => None,
                });
                table(t, before, &mut out)
            }
            Block::Figure {
                file,
                title,
                caption,
            } => {
                if let Some(f) = file {
                    out.push_str(&format!("![{}]({f})\n\n", escape_markdown(title)));
                } else if !title.is_empty() {
                    out.push_str(&format!("**{}**\n\n", escape_markdown(title)));
                }
                if !caption.is_empty() {
                    out.push_str(&format!("*{}*\n\n", text(caption, true).trim()));
                }
            }
            Block::Quote { content, source } => {
                out.push_str(&format!("> {}\n", text(content, true)));
                if !source.is_empty() {
                    out.push_str(&format!(">\n> {}\n", text(source, true)));
                }
                out.push('\n');
            }
        }
    }
    let trimmed = out.trim_end().len();
    out.truncate(trimmed);
    out.push('\n');
    out
}
