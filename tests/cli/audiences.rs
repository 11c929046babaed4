//! The reports for each audience, as a reader gets them: the policy brief and the easy-read
//! summary in both languages, and — where Chromium is installed (CI installs it) — the research
//! report opened in a real browser with no console error and every chart drawn, the brief and the
//! easy-read summary printed to PDF within their page budgets.

use std::path::Path;

use crate::common::{analysis_of_kind, capakit, chromium, headless, repo, run_study};

fn run_in(lang: &str, out: &Path) -> serde_json::Value {
    let status = capakit()
        .arg("run")
        .arg(repo().join("examples/caring-prato-firenze"))
        .arg("--out")
        .arg(out)
        .arg("--lang")
        .arg(lang)
        .output()
        .unwrap();
    assert!(
        status.status.success(),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
    serde_json::from_slice(&std::fs::read(out.join("results.json")).unwrap()).unwrap()
}

/// The visible text of an HTML page (after its style sheet).
fn body(html: &str) -> &str {
    html.split("</style>").nth(1).unwrap_or(html)
}

#[test]
fn the_brief_and_the_easy_read_summary_in_both_languages() {
    let dir = tempfile::tempdir().unwrap();
    for (lang, brief_title, easy_title) in [
        ("it", "Sintesi per le politiche", "Cosa ci avete detto"),
        ("en", "Policy brief", "What you told us"),
    ] {
        let out = dir.path().join(lang);
        let r = run_in(lang, &out);
        let recs = analysis_of_kind(&r, "recommendations")["recommendations"]
            .as_array()
            .unwrap()
            .clone();
        let brief = std::fs::read_to_string(out.join("brief.html")).unwrap();
        let brief_md = std::fs::read_to_string(out.join("brief.md")).unwrap();
        assert!(brief.contains(brief_title) && brief_md.contains(brief_title));
        // Five findings, the first on the capability index, charts drawn inline.
        let findings = brief.split("<ol class=\"findings\">").nth(1).unwrap();
        let findings = findings.split("</ol>").next().unwrap();
        assert_eq!(findings.matches("<li>").count(), 5, "{findings}");
        assert!(brief.matches("<svg").count() >= 2);
        // Every recommendation, under its actor, in the reader's language.
        for x in &recs {
            let text = x["text"][lang].as_str().unwrap();
            let first_words: String = text.chars().take(40).collect();
            assert!(brief_md.contains(&first_words), "{first_words}");
        }
        assert!(
            !brief.contains('{') || brief.contains("{ "),
            "an unfilled placeholder"
        );
        // Provenance: each input's SHA-256 in the research report; the brief and the easy-read
        // (a councillor, a young person) end with one line that points to it, no hashes, no paths.
        for f in r["provenance"]["inputs"].as_array().unwrap() {
            let hash = f["sha256"].as_str().unwrap();
            let path = f["path"].as_str().unwrap();
            let report = std::fs::read_to_string(out.join("report.md")).unwrap();
            assert!(report.contains(hash), "report.md lacks {path}");
            for file in ["brief.html", "brief.md", "easy-read.html", "easy-read.md"] {
                let text = std::fs::read_to_string(out.join(file)).unwrap();
                assert!(!text.contains(hash), "{file} shows the hash of {path}");
                assert!(!text.contains(path), "{file} shows {path}");
            }
        }
        let more = if lang == "it" {
            ("sono nel rapporto di ricerca", "Fonte: dati sintetici")
        } else {
            ("are in the research report", "Source: synthetic data")
        };
        for file in ["brief.html", "brief.md", "easy-read.html", "easy-read.md"] {
            let text = std::fs::read_to_string(out.join(file)).unwrap();
            assert!(text.contains(more.0), "{file}");
            // The easy-read says the data are synthetic, as the brief does.
            assert!(text.contains(more.1), "{file}");
        }

        let easy = std::fs::read_to_string(out.join("easy-read.html")).unwrap();
        let easy_md = std::fs::read_to_string(out.join("easy-read.md")).unwrap();
        assert!(easy.contains(easy_title) && easy_md.contains(easy_title));
        // Plain words: "7 in 10", no p-values, no percentages, no index letters.
        let text = body(&easy);
        for jargon in [
            "p =",
            "p corretto",
            "adjusted p",
            "%",
            "M0",
            "<\u{a0}0",
            "Holm",
        ] {
            assert!(!text.contains(jargon), "easy read says {jargon:?}");
            assert!(!easy_md.contains(jargon), "easy read (md) says {jargon:?}");
        }
        let in_ten = if lang == "it" { " su 10 " } else { " in 10 " };
        assert!(text.matches(in_ten).count() >= 4, "{text}");
        assert!(text.contains("class=\"dot on\""));
        // What will be done: the plain-words version of each recommendation.
        for x in &recs {
            let easy_text = x["easy"][lang].as_str().unwrap();
            let words: String = easy_text.chars().take(30).collect();
            assert!(easy_md.contains(&words), "{words}");
        }
    }
}

/// Pages of a PDF Chromium printed: its `/Type /Page` objects (not `/Pages`).
fn pdf_pages(pdf: &[u8]) -> usize {
    let mut pages = 0;
    for (i, w) in pdf.windows(5).enumerate() {
        if w != b"/Type" {
            continue;
        }
        let rest = &pdf[i + 5..];
        let rest = &rest[rest.iter().take_while(|b| b.is_ascii_whitespace()).count()..];
        if rest.starts_with(b"/Page") && !rest[5..].starts_with(b"s") {
            pages += 1;
        }
    }
    pages
}

#[test]
fn in_a_real_browser_the_reports_render_and_fit_their_pages() {
    let Some(chrome) = chromium() else { return };
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    run_study(&repo().join("examples/caring-prato-firenze"), &out, false);
    let profile = dir.path().join("profile");
    let url = |f: &str| format!("file://{}", out.join(f).display());

    // The research report: the DOM Chromium built holds every chart, and nothing went wrong in
    // the page's console.
    let (dom, log) = headless(&chrome, &profile, &["--dump-dom", &url("report.html")]);
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    let charts = html.matches("<svg").count();
    assert!(charts >= 10, "{charts} charts");
    assert_eq!(
        dom.matches("<svg").count(),
        charts,
        "every chart is in the page"
    );
    for bad in ["CONSOLE", "Uncaught", "Failed to load resource"] {
        assert!(!log.contains(bad), "{bad} in Chromium's log:\n{log}");
    }
    // A screenshot: a PNG of the width asked for.
    let png = dir.path().join("report.png");
    headless(
        &chrome,
        &profile,
        &[
            &format!("--screenshot={}", png.display()),
            "--window-size=1280,4000",
            &url("report.html"),
        ],
    );
    let bytes = std::fs::read(&png).expect("Chromium wrote the screenshot");
    assert_eq!(&bytes[1..4], b"PNG");
    let width = u32::from_be_bytes(bytes[16..20].try_into().unwrap());
    assert_eq!(width, 1280);
    assert!(bytes.len() > 100_000, "a page with charts, not a blank one");

    // Page budgets when printed: the brief two A4 pages, the easy-read summary four.
    for (file, budget) in [("brief.html", 2), ("easy-read.html", 4)] {
        let pdf = dir.path().join(format!("{file}.pdf"));
        headless(
            &chrome,
            &profile,
            &[
                "--no-pdf-header-footer",
                &format!("--print-to-pdf={}", pdf.display()),
                &url(file),
            ],
        );
        let pages = pdf_pages(&std::fs::read(&pdf).expect("Chromium printed the PDF"));
        assert!(
            (1..=budget).contains(&pages),
            "{file}: {pages} pages (budget {budget})"
        );
    }
}

/// The brief and the easy-read carry who made them, who funded them, their date and a contact,
/// as study.toml `[report]` gives them, in each language; without them, neither says a word of it.
#[test]
fn the_brief_and_the_easy_read_name_author_funder_date_and_contact() {
    let dir = tempfile::tempdir().unwrap();
    // The example reads the shipped questionnaire and analyses at ../../.
    let study = dir.path().join("examples/study");
    let repo = crate::common::repo();
    crate::common::copy_dir(&repo.join("examples/caring-prato-firenze"), &study);
    for shared in ["instruments", "analyses"] {
        crate::common::copy_dir(&repo.join(shared), &dir.path().join(shared));
    }
    let toml = std::fs::read_to_string(study.join("study.toml")).unwrap();
    std::fs::write(
        study.join("study.toml"),
        toml.replace(
            "[report]\n",
            "[report]\nfunder = { it = \"Fondazione Esempio\", en = \"the Example Foundation\" }\ncontact = \"ricerca@example.org\"\ndate = \"marzo 2026\"\n",
        ),
    )
    .unwrap();
    for (lang, by, funder) in [
        (
            "it",
            "A cura di capakit example",
            "Con il sostegno di Fondazione Esempio",
        ),
        (
            "en",
            "Edited by capakit example",
            "With the support of the Example Foundation",
        ),
    ] {
        let out = dir.path().join(lang);
        crate::common::run_in(&study, &out, lang);
        for file in ["brief.html", "brief.md", "easy-read.html", "easy-read.md"] {
            let text = std::fs::read_to_string(out.join(file)).unwrap();
            for part in [by, funder, "ricerca@example.org", "marzo 2026"] {
                assert!(text.contains(part), "{lang} {file} lacks {part}");
            }
        }
    }
    // The shipped example names no funder, contact or date: nothing is said of them.
    let out = dir.path().join("plain");
    crate::common::run_study(
        &crate::common::repo().join("examples/caring-prato-firenze"),
        &out,
        false,
    );
    let brief = std::fs::read_to_string(out.join("brief.md")).unwrap();
    assert!(
        !brief.contains("Con il sostegno") && !brief.contains("Contatti"),
        "{brief}"
    );
}

/// The easy-read sorts its "N in 10" lines by their value: under "going better" only what more
/// than half have, under "hardest" only what half or fewer have (it listed "6 in 10 have a
/// tutor" among the hardest for being the lowest of its list).
#[test]
fn the_easy_read_sorts_its_lines_by_their_value() {
    let dir = tempfile::tempdir().unwrap();
    for (lang, well, hard, next) in [
        (
            "it",
            "## Cosa va meglio",
            "## Cosa è più difficile",
            "## Cosa chiediamo",
        ),
        (
            "en",
            "## What is going better",
            "## What is hardest",
            "## What we are asking",
        ),
    ] {
        let out = dir.path().join(lang);
        run_in(lang, &out);
        let easy = std::fs::read_to_string(out.join("easy-read.md")).unwrap();
        let section = |from: &str, to: &str| -> Vec<u64> {
            let start = easy.find(from).unwrap_or_else(|| panic!("{from}: {easy}"));
            let rest = &easy[start..];
            let end = rest.find(to).unwrap_or(rest.len());
            rest[..end]
                .lines()
                .filter(|l| l.starts_with("- "))
                .map(|l| {
                    let digits: String = l
                        .split_whitespace()
                        .nth(2)
                        .unwrap()
                        .chars()
                        .filter(|c| c.is_ascii_digit())
                        .collect();
                    digits.parse().unwrap()
                })
                .collect()
        };
        let (good, bad) = (section(well, hard), section(hard, next));
        assert!(!good.is_empty() && !bad.is_empty(), "{easy}");
        assert!(good.iter().all(|&n| n > 5), "{lang}: {good:?}\n{easy}");
        assert!(bad.iter().all(|&n| n <= 5), "{lang}: {bad:?}\n{easy}");
    }
}

/// `html` without its style sheet and the drawing of its charts, but with each chart's title
/// (the words a reader sees above it).
fn visible_words(html: &str) -> String {
    let mut s = body(html).to_string();
    while let Some(i) = s.find("<svg") {
        let Some(j) = s[i..].find("</svg>") else {
            break;
        };
        let chart = &s[i..i + j];
        let title = chart
            .split("<title")
            .nth(1)
            .and_then(|t| t.split_once('>'))
            .and_then(|(_, t)| t.split("</title>").next())
            .unwrap_or("")
            .to_string();
        s.replace_range(i..i + j + "</svg>".len(), &title);
    }
    s.replace("&#x27;", "'")
}

/// The brief speaks as a councillor reads: no index letters, no "weighted indicators", no
/// "correction for multiple tests" — those stay in the research report, which still has them.
#[test]
fn the_brief_says_it_in_plain_words() {
    let dir = tempfile::tempdir().unwrap();
    for (lang, jargon, plain) in [
        (
            "it",
            [
                "M0",
                "indicatori pesati",
                "test multipli",
                "verifica statistica",
                "p corretto",
                "Holm",
                "headcount",
            ],
            "non dovuta al caso",
        ),
        (
            "en",
            [
                "M0",
                "weighted indicators",
                "multiple tests",
                "statistical test",
                "adjusted p",
                "Holm",
                "headcount",
            ],
            "not due to chance",
        ),
    ] {
        let out = dir.path().join(lang);
        run_in(lang, &out);
        let brief = visible_words(&std::fs::read_to_string(out.join("brief.html")).unwrap());
        let brief_md = std::fs::read_to_string(out.join("brief.md")).unwrap();
        for word in jargon {
            assert!(
                !brief.contains(word),
                "{lang} brief says {word:?}:\n{brief}"
            );
            assert!(
                !brief_md.contains(word),
                "{lang} brief.md says {word:?}:\n{brief_md}"
            );
        }
        assert!(
            brief.contains(plain) && brief_md.contains(plain),
            "{brief_md}"
        );
        // The cutoff k as a fraction a councillor reads: "un terzo", "a third".
        let third = if lang == "it" {
            "almeno un terzo"
        } else {
            "at least a third"
        };
        assert!(brief_md.contains(third), "{brief_md}");
        // The technical terms are still in the research report.
        let report = std::fs::read_to_string(out.join("report.html")).unwrap();
        for word in ["M0", "Holm"] {
            assert!(report.contains(word), "the report lost {word}");
        }
    }
}

/// The easy-read says where things are worse: the territory with the lower score on the gap the
/// recommendation rests on, as results.json gives it ("in un territorio va peggio" said which?).
#[test]
fn the_easy_read_names_the_territory_where_it_is_worse() {
    let dir = tempfile::tempdir().unwrap();
    for (lang, vague, said) in [
        (
            "it",
            ["in un territorio", "In un territorio"],
            [
                ("housing-gap", "A {g} va peggio"),
                (
                    "relationships-gap",
                    "A {g} i ragazzi si sentono meno sostenuti",
                ),
            ],
        ),
        (
            "en",
            ["in one place", "In one place"],
            [
                ("housing-gap", "In {g} it is worse"),
                (
                    "relationships-gap",
                    "In {g} young people feel less supported",
                ),
            ],
        ),
    ] {
        let out = dir.path().join(lang);
        let r = run_in(lang, &out);
        let easy = std::fs::read_to_string(out.join("easy-read.md")).unwrap();
        let easy_html = std::fs::read_to_string(out.join("easy-read.html")).unwrap();
        for v in vague {
            assert!(!easy.contains(v), "{lang}: {easy}");
        }
        let recs = analysis_of_kind(&r, "recommendations")["recommendations"]
            .as_array()
            .unwrap()
            .clone();
        for (id, sentence) in said {
            let rec = recs
                .iter()
                .find(|x| x["id"] == id)
                .unwrap_or_else(|| panic!("{id} did not fire"));
            // The lower of the two published means of the gap.
            let values = rec["evidence"][0]["values"].as_array().unwrap();
            let lowest = values
                .iter()
                .min_by(|a, b| {
                    a["value"]
                        .as_f64()
                        .unwrap()
                        .total_cmp(&b["value"].as_f64().unwrap())
                })
                .unwrap()["group"]
                .as_str()
                .unwrap();
            let sentence = sentence.replace("{g}", lowest);
            assert!(
                easy.contains(&sentence),
                "{lang} {id}: {sentence:?} in\n{easy}"
            );
            assert!(easy_html.contains(&sentence), "{lang} {id}: {sentence:?}");
            assert!(!rec["easy"][lang].as_str().unwrap().contains('{'));
        }
    }
}

/// The research report's "Key findings" are the findings, as sentences (the brief's), not the
/// captions of its charts.
#[test]
fn the_reports_key_findings_are_sentences_not_chart_captions() {
    let dir = tempfile::tempdir().unwrap();
    for (lang, heading) in [("it", "Risultati principali"), ("en", "Key findings")] {
        let out = dir.path().join(lang);
        run_in(lang, &out);
        let report = std::fs::read_to_string(out.join("report.html")).unwrap();
        let brief = std::fs::read_to_string(out.join("brief.html")).unwrap();
        let summary = report
            .split("<section id=\"summary\"")
            .nth(1)
            .unwrap()
            .split("</section>")
            .next()
            .unwrap();
        assert!(summary.contains(heading), "{summary}");
        let items = |html: &str, list: &str| -> Vec<String> {
            html.split(list)
                .nth(1)
                .unwrap_or_else(|| panic!("no {list}"))
                .split(&format!("</{}>", &list[1..3]))
                .next()
                .unwrap()
                .split("<li>")
                .skip(1)
                .map(|li| li.split("</li>").next().unwrap().trim().to_string())
                .collect()
        };
        let findings = items(summary, "<ul class=\"findings\">");
        assert_eq!(findings, items(&brief, "<ol class=\"findings\">"));
        assert!(findings.len() >= 3, "{findings:?}");
        let captions: Vec<&str> = report
            .split("<title id=")
            .skip(1)
            .filter_map(|t| {
                t.split_once('>')
                    .and_then(|(_, t)| t.split("</title>").next())
            })
            .collect();
        assert!(!captions.is_empty());
        for f in &findings {
            assert!(f.ends_with('.'), "not a sentence: {f}");
            assert!(
                !captions
                    .iter()
                    .any(|c| c.replace('\'', "&#x27;") == *f || c == f),
                "a chart caption: {f}"
            );
        }
    }
}
