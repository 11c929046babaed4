//! The research report in HTML, Markdown and Word holds the same chapters, tables and charts
//! (report.md and report.docx are written from the rendered HTML), and the Word document is one
//! to finish in Word: its own styles, a cover, a table of contents, charts as pictures, opened
//! by a real reader (LibreOffice).

use std::path::Path;

use crate::common::{repo, run_study};

/// The words of a text, lower case, without marks or punctuation: "Priorità alta — Ministero" and
/// "Priorità alta Ministero" are the same heading.
fn words(s: &str) -> String {
    s.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join(" ")
}

/// The numbers written in a text ("45,0 %" → "45,0").
fn numbers(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    for c in s.chars().chain(std::iter::once(' ')) {
        if c.is_ascii_digit() || (!cur.is_empty() && (c == ',' || c == '.')) {
            cur.push(c);
        } else if !cur.is_empty() {
            out.push(cur.trim_end_matches([',', '.']).to_string());
            cur.clear();
        }
    }
    out
}

fn text_of(e: &scraper::ElementRef) -> String {
    // Text for screen readers only is left out of every format.
    let mut s = String::new();
    for d in e.descendants() {
        if let Some(t) = d.value().as_text() {
            let hidden = d.ancestors().any(|a| {
                a.value().as_element().is_some_and(|el| {
                    el.classes().any(|c| c == "visually-hidden") && el.name() == "span"
                })
            });
            if !hidden {
                s.push_str(t);
                s.push(' ');
            }
        }
    }
    s
}

struct Html {
    headings: Vec<(usize, String)>,
    /// Each table: its head rows and the numbers of its body and foot, in order.
    tables: Vec<(usize, Vec<String>)>,
    charts: Vec<String>,
}

fn read_html(html: &str) -> Html {
    let page = scraper::Html::parse_document(html);
    let sel = |s: &str| scraper::Selector::parse(s).unwrap();
    let headings = page
        .select(&sel("main h2, main h3, main h4, main h5"))
        .map(|h| (h.value().name()[1..].parse().unwrap(), words(&text_of(&h))))
        .collect();
    let tables = page
        .select(&sel("table"))
        .map(|t| {
            let head = t.select(&sel("thead tr")).count();
            let nums = t
                .select(&sel("tbody td, tbody th, tfoot td, tfoot th"))
                .flat_map(|c| numbers(&text_of(&c)))
                .collect();
            (head, nums)
        })
        .collect();
    let charts = page
        .select(&sel("figure[data-file]"))
        .map(|f| f.value().attr("data-file").unwrap().to_string())
        .collect();
    Html {
        headings,
        tables,
        charts,
    }
}

fn docx_part(path: &Path, name: &str) -> String {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut xml = String::new();
    std::io::Read::read_to_string(&mut zip.by_name(name).unwrap(), &mut xml).unwrap();
    xml
}

/// The text of a piece of WordprocessingML (its `<w:t>` runs).
fn word_text(xml: &str) -> String {
    let mut out = String::new();
    let mut rest = xml;
    while let Some(i) = rest.find("<w:t") {
        rest = &rest[i..];
        let Some(open_end) = rest.find('>') else {
            break;
        };
        if rest[..open_end].ends_with('/')
            || !(rest[4..].starts_with('>') || rest[4..].starts_with(' '))
        {
            rest = &rest[open_end + 1..];
            continue;
        }
        rest = &rest[open_end + 1..];
        let end = rest.find("</w:t>").unwrap_or(rest.len());
        out.push_str(&rest[..end]);
        out.push(' ');
        rest = &rest[end..];
    }
    out.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

fn check_formats(example: &str) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    run_study(&repo().join("examples").join(example), &out, false);
    let html = read_html(&std::fs::read_to_string(out.join("report.html")).unwrap());
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    let docx = docx_part(&out.join("report.docx"), "word/document.xml");
    assert!(
        html.tables.len() >= 3 && html.headings.len() >= 5,
        "{example}"
    );

    // Headings: the same, at the same levels (the report's chapters are h2, ## and Heading 1).
    let md_headings: Vec<(usize, String)> = md
        .lines()
        .filter(|l| l.starts_with("##"))
        .map(|l| (l.chars().take_while(|c| *c == '#').count(), words(l)))
        .collect();
    assert_eq!(md_headings, html.headings, "{example}: report.md headings");
    let mut word_headings = Vec::new();
    for p in docx.split("</w:p>") {
        for level in 1..=4 {
            if p.contains(&format!("<w:pStyle w:val=\"Heading{level}\" />")) {
                word_headings.push((level + 1, words(&word_text(p))));
            }
        }
    }
    assert_eq!(
        word_headings, html.headings,
        "{example}: report.docx headings"
    );

    // Tables: as many, each with the same numbers in its rows.
    let md_tables: Vec<Vec<String>> = md
        .split("\n\n")
        .filter(|block| block.lines().nth(1).is_some_and(|l| l.starts_with("|---")))
        .map(|block| block.lines().skip(2).flat_map(numbers).collect())
        .collect();
    assert_eq!(
        md_tables.len(),
        html.tables.len(),
        "{example}: report.md tables"
    );
    let word_tables: Vec<&str> = docx.split("<w:tbl>").skip(1).collect();
    assert_eq!(
        word_tables.len(),
        html.tables.len(),
        "{example}: report.docx tables"
    );
    for (i, (head, nums)) in html.tables.iter().enumerate() {
        assert_eq!(&md_tables[i], nums, "{example}: table {i} in report.md");
        let table = word_tables[i].split("</w:tbl>").next().unwrap();
        let body: String = table
            .split("<w:tr>")
            .skip(1 + head)
            .collect::<Vec<_>>()
            .join(" ");
        assert_eq!(
            &numbers(&word_text(&body)),
            nums,
            "{example}: table {i} in report.docx"
        );
    }

    // Charts: each one in Markdown by its file, and drawn as a picture in Word.
    let md_charts: Vec<&str> = md
        .lines()
        .filter_map(|l| l.strip_prefix("![").and_then(|r| r.rsplit_once("](")))
        .map(|(_, f)| f.trim_end_matches(')'))
        .collect();
    assert_eq!(md_charts, html.charts, "{example}: report.md charts");
    for f in &md_charts {
        assert!(out.join(f).exists(), "{f}");
    }
    assert_eq!(
        docx.matches("<pic:pic").count(),
        html.charts.len(),
        "{example}: pictures"
    );
    let mut zip =
        zip::ZipArchive::new(std::fs::File::open(out.join("report.docx")).unwrap()).unwrap();
    let pngs = (0..zip.len())
        .filter(|&i| zip.by_index(i).unwrap().name().unwrap().ends_with(".png"))
        .count();
    assert_eq!(pngs, html.charts.len(), "{example}: one PNG per chart");
}

#[test]
fn caring_report_in_html_markdown_and_word_is_one_report() {
    check_formats("caring-prato-firenze");
}

#[test]
fn monitoring_report_in_html_markdown_and_word_is_one_report() {
    check_formats("care-leavers-monitoring");
}

#[test]
fn integra_and_network_reports_in_html_markdown_and_word_are_one_report() {
    check_formats("integra-mentoring");
    check_formats("core-network");
}

#[test]
fn the_word_report_uses_word_styles_a_cover_and_a_table_of_contents() {
    let dir = tempfile::tempdir().unwrap();
    let study = dir.path().join("study");
    crate::common::example_copy(&study);
    crate::common::replace_in_study(
        &study,
        "authors = \"capakit example\"",
        "authors = \"Università di Firenze\"\nfunder = \"Fondazione Esempio\"\ndate = \"dicembre 2026\"\ncontact = \"caring@example.org\"",
    );
    let out = dir.path().join("out");
    run_study(&study, &out, false);
    let docx = out.join("report.docx");
    let doc = docx_part(&docx, "word/document.xml");
    let styles = docx_part(&docx, "word/styles.xml");
    for style in [
        "Title",
        "Subtitle",
        "Heading1",
        "Heading2",
        "Caption",
        "Quote",
        "ListBullet",
    ] {
        assert!(
            styles.contains(&format!("w:styleId=\"{style}\"")),
            "style {style}"
        );
    }
    // The cover, before the contents: title, subtitle (no Markdown underscores), authors, funder
    // and date.
    let cover = &doc[..doc.find("TOC \\o").expect("a table-of-contents field")];
    let cover_text = word_text(cover);
    for x in [
        "Le capability dei care leaver a Prato e Firenze",
        "Studio di esempio con dati sintetici",
        "Università di Firenze",
        "Con il sostegno di Fondazione Esempio",
        "dicembre 2026",
    ] {
        assert!(cover_text.contains(x), "{x} not on the cover: {cover_text}");
    }
    assert!(cover.contains("<w:pStyle w:val=\"Title\" />"));
    assert!(!cover_text.contains('_'));
    // Lists are Word lists, not typed bullets; numbers in tables are right-aligned; charts and
    // tables have numbered captions.
    assert!(doc.contains("<w:numPr>") && !word_text(&doc).contains('•'));
    assert!(doc.matches("<w:jc w:val=\"right\" />").count() > 100);
    assert!(word_text(&doc).contains("Tabella 1. ") && word_text(&doc).contains("Grafico 1. "));
    // Reruns are byte-identical.
    let again = dir.path().join("again");
    run_study(&study, &again, false);
    assert_eq!(
        std::fs::read(&docx).unwrap(),
        std::fs::read(again.join("report.docx")).unwrap()
    );
}

fn soffice() -> Option<&'static str> {
    let found = ["/usr/bin/soffice", "/usr/bin/libreoffice"]
        .into_iter()
        .find(|p| Path::new(p).exists());
    if found.is_none() {
        assert!(
            std::env::var_os("CAPAKIT_REQUIRE_LIBREOFFICE").is_none(),
            "LibreOffice is required here (apt-get install libreoffice-writer-nogui)"
        );
        eprintln!(
            "skipped: LibreOffice is not installed (apt-get install libreoffice-writer-nogui)"
        );
    }
    found
}

#[test]
fn libreoffice_opens_the_word_report_with_its_pages_and_charts() {
    let Some(soffice) = soffice() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    run_study(&repo().join("examples/caring-prato-firenze"), &out, false);
    let html = read_html(&std::fs::read_to_string(out.join("report.html")).unwrap());
    let pdf_dir = dir.path().join("pdf");
    let profile = format!(
        "-env:UserInstallation=file://{}",
        dir.path().join("lo").display()
    );
    let status = std::process::Command::new("timeout")
        .args([
            "180",
            soffice,
            &profile,
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
        ])
        .arg(&pdf_dir)
        .arg(out.join("report.docx"))
        .output()
        .unwrap();
    let pdf = pdf_dir.join("report.pdf");
    assert!(pdf.exists(), "{}", String::from_utf8_lossy(&status.stderr));
    let info = std::process::Command::new("pdfinfo")
        .arg(&pdf)
        .output()
        .unwrap();
    let info = String::from_utf8_lossy(&info.stdout);
    let pages: usize = info
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    assert!(pages >= 15, "{pages} pages");
    // Every chart is a picture on a page.
    let images = std::process::Command::new("pdfimages")
        .arg("-list")
        .arg(&pdf)
        .output()
        .unwrap();
    let listed = String::from_utf8_lossy(&images.stdout)
        .lines()
        .skip(2)
        .count();
    assert!(
        listed >= html.charts.len(),
        "{listed} images for {} charts",
        html.charts.len()
    );
    // The first page is the cover; the contents list the chapters; the last chapter is there.
    let text = std::process::Command::new("pdftotext")
        .args(["-layout"])
        .arg(&pdf)
        .arg("-")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&text.stdout);
    let first = text.split('\u{c}').next().unwrap();
    assert!(
        words(first).contains("le capability dei care leaver a prato e firenze"),
        "{first}"
    );
    assert!(text.contains("Indice") && text.contains("Nota metodologica"));
    // Lists are bulleted, not numbered on from one list to the next.
    assert!(
        text.lines()
            .any(|l| l.trim_start().starts_with('•') && l.contains("Rispondenti")),
        "{text}"
    );
    assert!(!text.lines().any(|l| l.trim_start().starts_with("1. ")));
}
