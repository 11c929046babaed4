//! The reports on paper (issue 18, item 4): the research report, the policy brief and the
//! easy-read summary, in Italian and English, printed to A4 PDF by headless Chromium and read back
//! word by word, with its position, by `pdftotext -bbox` (poppler-utils). On every page:
//! - nothing of a table is cut at the page edge: every word of every table cell of the HTML is
//!   printed (Chromium drops what runs past the page, so a cut column is a missing word), and no
//!   printed word runs past the page;
//! - no page but the last ends on a heading, a table caption, a `<details>` summary or a table's
//!   header row (what it introduces being on the next page);
//! - folded `<details>` are printed open (their tables' words are printed);
//! - the brief's charts are printed at (nearly) full width: a chart title's letters are as tall as
//!   the brief's own text (a chart squeezed to half width had labels of about 4 pt).
//!
//! Skipped, with a note, where Chromium or pdftotext is not installed.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::{chromium, headless, repo};

/// A printed word and its box, in points from the page's top left.
#[derive(Debug)]
struct Word {
    x0: f64,
    y0: f64,
    x1: f64,
    y1: f64,
    text: String,
}

#[derive(Debug)]
struct Page {
    width: f64,
    words: Vec<Word>,
}

/// pdftotext, where poppler-utils is installed.
fn pdftotext() -> Option<PathBuf> {
    let found = ["/usr/bin/pdftotext", "/usr/local/bin/pdftotext"]
        .iter()
        .map(PathBuf::from)
        .find(|p| p.exists());
    if found.is_none() {
        eprintln!("skipped: pdftotext is not installed (apt-get install poppler-utils)");
    }
    found
}

/// `&amp;`, `&#x27;`, `&#160;`… as characters.
fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        let after = &rest[i..];
        let Some(end) = after.find(';').filter(|&e| e <= 10) else {
            out.push('&');
            rest = &after[1..];
            continue;
        };
        let name = &after[1..end];
        let c = match name {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            "nbsp" => Some('\u{a0}'),
            _ => name
                .strip_prefix("#x")
                .and_then(|h| u32::from_str_radix(h, 16).ok())
                .or_else(|| name.strip_prefix('#').and_then(|d| d.parse().ok()))
                .and_then(char::from_u32),
        };
        match c {
            Some(c) => {
                out.push(c);
                rest = &after[end + 1..];
            }
            None => {
                out.push('&');
                rest = &after[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Any kind of space.
fn space(c: char) -> bool {
    c.is_whitespace() || c == '\u{a0}' || c == '\u{202f}' || c == '\u{2009}'
}

/// Words as a reader sees them, split at any kind of space.
fn words(s: &str) -> Vec<String> {
    s.split(space)
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

/// Words cut where a line may break inside them (after a hyphen, a dash or a slash: "rango-" /
/// "biseriale"), so that a word wrapped over two lines counts as what it is.
fn pieces(s: &str) -> Vec<String> {
    s.split(|c: char| space(c) || matches!(c, '-' | '–' | '—' | '/'))
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

/// Text without any space, to compare a heading with lines that may wrap it.
fn squash(s: &str) -> String {
    s.chars().filter(|c| !space(*c)).collect()
}

/// Every page of a PDF, its words with their boxes.
fn read_pdf(pdftotext: &Path, pdf: &Path) -> Vec<Page> {
    let out = Command::new(pdftotext)
        .arg("-bbox")
        .arg(pdf)
        .arg("-")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "pdftotext failed on {}",
        pdf.display()
    );
    let xml = String::from_utf8_lossy(&out.stdout);
    let attr = |tag: &str, name: &str| -> f64 {
        let key = format!("{name}=\"");
        let at = tag.find(&key).unwrap() + key.len();
        tag[at..at + tag[at..].find('"').unwrap()].parse().unwrap()
    };
    let mut pages: Vec<Page> = Vec::new();
    for line in xml.lines().map(str::trim) {
        if line.starts_with("<page ") {
            pages.push(Page {
                width: attr(line, "width"),
                words: Vec::new(),
            });
        } else if line.starts_with("<word ") {
            let text = &line[line.find('>').unwrap() + 1..line.rfind("</word>").unwrap()];
            pages.last_mut().unwrap().words.push(Word {
                x0: attr(line, "xMin"),
                y0: attr(line, "yMin"),
                x1: attr(line, "xMax"),
                y1: attr(line, "yMax"),
                text: unescape(text),
            });
        }
    }
    pages
}

/// The lines of a page, top to bottom, as text: words whose vertical middles are within 2 pt.
fn lines(page: &Page) -> Vec<String> {
    let mut by_y: Vec<(f64, Vec<&Word>)> = Vec::new();
    let mut sorted: Vec<&Word> = page.words.iter().collect();
    sorted.sort_by(|a, b| (a.y0 + a.y1).total_cmp(&(b.y0 + b.y1)));
    for w in sorted {
        let mid = (w.y0 + w.y1) / 2.0;
        match by_y.last_mut() {
            Some((y, ws)) if (mid - *y).abs() <= 2.0 => ws.push(w),
            _ => by_y.push((mid, vec![w])),
        }
    }
    by_y.into_iter()
        .map(|(_, mut ws)| {
            ws.sort_by(|a, b| a.x0.total_cmp(&b.x0));
            ws.iter()
                .map(|w| w.text.as_str())
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect()
}

/// `html` without its style sheet, scripts, charts and what is hidden from the eye (the
/// `visually-hidden` texts for screen readers), which a printed page does not show as text.
fn visible(html: &str) -> String {
    let mut s = html.to_string();
    for (open, close) in [
        ("<style", "</style>"),
        ("<script", "</script>"),
        ("<svg", "</svg>"),
        ("<head", "</head>"),
    ] {
        while let Some(i) = s.find(open) {
            let Some(j) = s[i..].find(close) else { break };
            s.replace_range(i..i + j + close.len(), " ");
        }
    }
    while let Some(at) = s.find("class=\"visually-hidden\"") {
        let start = s[..at].rfind('<').unwrap();
        let tag: String = s[start + 1..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect();
        let close = format!("</{tag}>");
        let end = s[at..]
            .find(&close)
            .map_or(s.len(), |e| at + e + close.len());
        s.replace_range(start..end, " ");
    }
    s
}

/// Text without its tags, entities decoded, spaces collapsed.
fn text_of(fragment: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in fragment.chars() {
        match c {
            '<' => {
                in_tag = true;
                out.push(' ');
            }
            '>' => in_tag = false,
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    words(&unescape(&out)).join(" ")
}

/// The inner HTML of every `<tag …>…</tag>` of `html` (not nested in itself).
fn elements<'a>(html: &'a str, tag: &str) -> Vec<&'a str> {
    let (open, close) = (format!("<{tag}"), format!("</{tag}>"));
    let mut found = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find(&open) {
        let after = &rest[i + open.len()..];
        // `<th` must not match `<thead`.
        if !after.starts_with([' ', '>']) {
            rest = after;
            continue;
        }
        let Some(gt) = after.find('>') else { break };
        let Some(end) = after.find(&close) else { break };
        found.push(&after[gt + 1..end]);
        rest = &after[end + close.len()..];
    }
    found
}

/// What the printed PDF of one HTML page breaks; empty when nothing.
fn problems(html: &str, pages: &[Page]) -> Vec<String> {
    let shown = visible(html);
    let mut problems = Vec::new();

    // Every word of every table cell is printed, as often as the tables hold it (long words, such
    // as SHA-256 hashes, may be broken over lines and are left out).
    let mut wanted: BTreeMap<String, usize> = BTreeMap::new();
    for table in elements(&shown, "table") {
        for cell in elements(table, "th")
            .into_iter()
            .chain(elements(table, "td"))
        {
            for w in pieces(&text_of(cell)) {
                if w.chars().count() <= 24 {
                    *wanted.entry(w).or_default() += 1;
                }
            }
        }
    }
    let mut printed: BTreeMap<String, usize> = BTreeMap::new();
    for p in pages {
        for w in p.words.iter().flat_map(|w| pieces(&w.text)) {
            *printed.entry(w).or_default() += 1;
        }
    }
    let count = |w: &str| printed.get(w).copied().unwrap_or(0);
    let missing: Vec<String> = wanted
        .iter()
        .filter(|(w, n)| count(w) < **n)
        .map(|(w, n)| format!("{w:?} ({n} in the tables, {} printed)", count(w)))
        .collect();
    if !missing.is_empty() {
        problems.push(format!(
            "table words not printed (cut at the page edge, or folded away): {}",
            missing.join(", ")
        ));
    }
    for (i, p) in pages.iter().enumerate() {
        for w in p
            .words
            .iter()
            .filter(|w| w.x0 < -0.5 || w.x1 > p.width + 0.5)
        {
            problems.push(format!(
                "page {}: {:?} runs past the page edge",
                i + 1,
                w.text
            ));
        }
    }

    // No page but the last ends on a heading, a caption, a summary or a table's header row.
    let mut headings: Vec<String> = Vec::new();
    for tag in ["h1", "h2", "h3", "h4", "h5", "h6", "caption", "summary"] {
        headings.extend(elements(&shown, tag).into_iter().map(text_of));
    }
    headings.retain(|h| !h.is_empty());
    let headings: Vec<String> = headings.iter().map(|h| squash(h)).collect();
    let sorted = |mut v: Vec<String>| {
        v.sort();
        v
    };
    let header_rows: Vec<Vec<String>> = elements(&shown, "thead")
        .into_iter()
        .map(|t| sorted(pieces(&text_of(t))))
        .collect();
    for (i, p) in pages.iter().enumerate().take(pages.len().saturating_sub(1)) {
        let lines = lines(p);
        // The page's last one to four lines: a whole heading (wrapped or not), or a whole header
        // row (its cells wrapped over several lines).
        for k in 1..=lines.len().min(4) {
            let tail = lines[lines.len() - k..].join(" ");
            if k <= 3 && headings.contains(&squash(&tail)) {
                problems.push(format!("page {} ends on the heading {tail:?}", i + 1));
            }
            if header_rows.contains(&sorted(pieces(&tail))) {
                problems.push(format!(
                    "page {} ends on a table's header row {tail:?}",
                    i + 1
                ));
            }
        }
    }
    problems
}

/// The height of a chart title's words against the brief's text: a chart at full width has its
/// title about as tall as the text around it; one printed at half width, half as tall.
fn chart_scale(html: &str, pages: &[Page]) -> Vec<(String, f64)> {
    let body: Vec<f64> = pages
        .iter()
        .flat_map(|p| p.words.iter())
        .map(|w| w.y1 - w.y0)
        .collect();
    let mut sorted = body.clone();
    sorted.sort_by(f64::total_cmp);
    let text_height = sorted[sorted.len() / 2];
    let mut out = Vec::new();
    for svg in elements(html, "svg") {
        let Some(title) = elements(svg, "title").first().map(|t| text_of(t)) else {
            continue;
        };
        let first: Vec<String> = words(&title).into_iter().take(4).collect();
        let found = pages.iter().find_map(|p| {
            p.words
                .windows(first.len())
                .find(|ws| ws.iter().zip(&first).all(|(w, t)| w.text == *t))
        });
        let found = found.unwrap_or_else(|| panic!("the chart {title:?} is not printed"));
        let height = found.iter().map(|w| w.y1 - w.y0).sum::<f64>() / found.len() as f64;
        out.push((title, height / text_height));
    }
    out
}

fn run(study: &Path, lang: &str, out: &Path) {
    crate::common::run_in(study, out, lang);
}

/// Prints `file` of `out` to a PDF and reads it back.
fn print(chrome: &Path, pdftotext: &Path, profile: &Path, out: &Path, file: &str) -> Vec<Page> {
    let pdf = out.join(format!("{file}.pdf"));
    headless(
        chrome,
        profile,
        &[
            "--no-pdf-header-footer",
            &format!("--print-to-pdf={}", pdf.display()),
            &format!("file://{}", out.join(file).display()),
        ],
    );
    assert!(pdf.exists(), "Chromium printed no {file}");
    read_pdf(pdftotext, &pdf)
}

#[test]
fn printed_on_a4_no_table_is_cut_and_no_page_ends_on_a_heading() {
    let Some(chrome) = chromium() else { return };
    let Some(pdftotext) = pdftotext() else { return };
    let dir = tempfile::tempdir().unwrap();
    let profile = dir.path().join("profile");
    let mut failures = Vec::new();
    for lang in ["it", "en"] {
        let out = dir.path().join(lang);
        run(&repo().join("examples/caring-prato-firenze"), lang, &out);
        for file in ["report.html", "brief.html", "easy-read.html"] {
            let html = std::fs::read_to_string(out.join(file)).unwrap();
            let pages = print(&chrome, &pdftotext, &profile, &out, file);
            assert!(!pages.is_empty());
            for p in problems(&html, &pages) {
                failures.push(format!("{lang} {file}: {p}"));
            }
            if file == "brief.html" {
                let charts = chart_scale(&html, &pages);
                assert!(charts.len() >= 2, "{charts:?}");
                for (title, scale) in charts {
                    if scale < 0.8 {
                        failures.push(format!(
                            "{lang} {file}: the chart {title:?} is printed at {:.0} % of the text's size",
                            100.0 * scale
                        ));
                    }
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The national monitoring example: 17 regions, three waves, tables as wide as the waves.
#[test]
fn the_monitoring_report_prints_its_wave_tables_whole() {
    let Some(chrome) = chromium() else { return };
    let Some(pdftotext) = pdftotext() else { return };
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    run(&repo().join("examples/care-leavers-monitoring"), "it", &out);
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    let pages = print(
        &chrome,
        &pdftotext,
        &dir.path().join("profile"),
        &out,
        "report.html",
    );
    let problems = problems(&html, &pages);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The CO.RE. network example: areas under headings of their own, wide matrices of service types.
#[test]
fn the_network_report_prints_its_areas_with_their_headings() {
    let Some(chrome) = chromium() else { return };
    let Some(pdftotext) = pdftotext() else { return };
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    run(&repo().join("examples/core-network"), "it", &out);
    let mut failures = Vec::new();
    for file in ["report.html", "brief.html", "easy-read.html"] {
        let html = std::fs::read_to_string(out.join(file)).unwrap();
        let pages = print(&chrome, &pdftotext, &dir.path().join("profile"), &out, file);
        failures.extend(
            problems(&html, &pages)
                .into_iter()
                .map(|p| format!("{file}: {p}")),
        );
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The checks themselves: a line that is a heading's end, a header row, a cut word.
#[test]
fn the_print_checks_see_a_heading_a_header_row_and_a_cut_column() {
    let html = "<h2>Le voci dei focus group</h2><table><thead><tr><th>Dimensione</th><th>g di Hedges</th></tr></thead><tbody><tr><td>Casa</td><td>0,42</td></tr></tbody></table>";
    let word = |text: &str, x0: f64, y0: f64| Word {
        x0,
        y0,
        x1: x0 + 30.0,
        y1: y0 + 10.0,
        text: text.into(),
    };
    let page = |ws: Vec<Word>| Page {
        width: 595.0,
        words: ws,
    };
    // The heading alone at the bottom of page 1, the table on page 2 without its last column.
    let pages = vec![
        page(vec![
            word("Le", 40.0, 700.0),
            word("voci", 80.0, 700.0),
            word("dei", 120.0, 700.0),
            word("focus", 160.0, 700.0),
            word("group", 200.0, 700.0),
        ]),
        page(vec![
            word("Dimensione", 40.0, 50.0),
            word("Casa", 40.0, 70.0),
        ]),
    ];
    let found = problems(html, &pages).join("\n");
    assert!(found.contains("ends on the heading"), "{found}");
    assert!(found.contains("\"Hedges\""), "{found}");
    assert!(found.contains("\"0,42\""), "{found}");
    // A header row at the bottom of a page.
    let pages = vec![
        page(vec![
            word("Dimensione", 40.0, 700.0),
            word("g", 200.0, 700.0),
            word("di", 220.0, 700.0),
            word("Hedges", 240.0, 700.0),
        ]),
        page(vec![
            word("Casa", 40.0, 70.0),
            word("0,42", 200.0, 70.0),
            word("Le", 40.0, 20.0),
            word("voci", 60.0, 20.0),
            word("dei", 80.0, 20.0),
            word("focus", 100.0, 20.0),
            word("group", 120.0, 20.0),
        ]),
    ];
    let found = problems(html, &pages).join("\n");
    assert!(found.contains("header row"), "{found}");
    assert!(!found.contains("not printed"), "{found}");
    // Everything printed, nothing at a page's end: no problem.
    let pages = vec![page(vec![
        word("Le", 40.0, 20.0),
        word("voci", 60.0, 20.0),
        word("dei", 80.0, 20.0),
        word("focus", 100.0, 20.0),
        word("group", 120.0, 20.0),
        word("Dimensione", 40.0, 50.0),
        word("g", 200.0, 50.0),
        word("di", 220.0, 50.0),
        word("Hedges", 240.0, 50.0),
        word("Casa", 40.0, 70.0),
        word("0,42", 200.0, 70.0),
    ])];
    assert!(problems(html, &pages).is_empty());
    // A word beyond the page's right edge.
    let pages = vec![page(vec![word("Casa", 580.0, 70.0)])];
    assert!(problems("<p>Casa</p>", &pages)
        .join(" ")
        .contains("runs past the page edge"));
}
