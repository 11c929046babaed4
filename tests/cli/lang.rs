//! Findings in the user's language: `check --lang it`, and the Italian report's data-quality
//! chapter (issue 19, item 5).

use crate::common::{capakit, repo, run_in};

fn example() -> std::path::PathBuf {
    repo().join("examples/caring-prato-firenze")
}

/// Words of the English findings that no Italian line may hold.
const ENGLISH: [&str; 12] = [
    "row ",
    "column ",
    "sheet ",
    " the ",
    " is ",
    "read as",
    "respondents",
    "warning",
    "errors",
    "note[",
    "fields are",
    "already used",
];

#[test]
fn check_speaks_italian_when_asked() {
    let out = capakit()
        .args(["check", "--lang", "it"])
        .arg(example())
        .output()
        .unwrap();
    // The example's one warning (a duplicated id) does not fail check.
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    for line in [
        "avvertenza[duplicate-id]: data/risposte-care-leavers.csv, riga 202, colonna C (anagrafica/respondent_id): questo codice di rispondente è già usato alla riga 43; questa risposta è esclusa, si tiene la prima",
        "nota[territory-alias]: data/risposte-care-leavers.csv, riga 39, colonna D (anagrafica/territory): \"Florence\" letto come Firenze (2 righe, la prima è questa)",
        "nota[separator]: data/risposte-care-leavers.csv: i campi sono separati da punto e virgola (;)",
        "data/focus-groups-coding.csv: 128 segmenti codificati in 4 documenti, 0 errori, 0 avvertenze, 2 note",
        "data/risposte-care-leavers.csv: 200 rispondenti, 0 errori, 1 avvertenza, 4 note",
    ] {
        assert!(text.lines().any(|l| l == line), "missing:\n{line}\nin:\n{text}");
    }
    for line in text.lines() {
        for word in ENGLISH {
            assert!(!line.contains(word), "English ({word:?}) in: {line}");
        }
    }
    // English stays the default, word for word.
    let en = capakit().arg("check").arg(example()).output().unwrap();
    let en = String::from_utf8(en.stdout).unwrap();
    assert!(
        en.lines().any(|l| l
            == "data/risposte-care-leavers.csv: 200 respondents, 0 errors, 1 warning, 4 notes"),
        "{en}"
    );
    assert!(en.lines().any(|l| l == "warning[duplicate-id]: data/risposte-care-leavers.csv, row 202, column C (anagrafica/respondent_id): this respondent id was already used on row 43; this answer is left out, the first one is kept"), "{en}");
}

#[test]
fn check_json_gives_the_message_in_the_language_and_its_id() {
    let out = capakit()
        .args(["check", "--json", "--lang", "it"])
        .arg(example())
        .output()
        .unwrap();
    let lines: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let dup = lines
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["code"] == "duplicate-id")
        .expect("the duplicate id");
    assert_eq!(dup["id"], "duplicate-id");
    assert_eq!(dup["severity"], "warning");
    assert_eq!(dup["location"]["row"], 202);
    assert_eq!(
        dup["message"],
        "questo codice di rispondente è già usato alla riga 43; questa risposta è esclusa, si tiene la prima"
    );
}

/// The data-quality chapter of a report.
fn quality_chapter(html: &str) -> &str {
    let start = html.find("id=\"quality\"").expect("the chapter");
    let end = start + html[start..].find("</section>").expect("its end");
    &html[start..end]
}

#[test]
fn the_italian_reports_data_quality_chapter_is_italian() {
    let dir = tempfile::tempdir().unwrap();
    let (it, en) = (dir.path().join("it"), dir.path().join("en"));
    run_in(&example(), &it, "it");
    run_in(&example(), &en, "en");
    let html = std::fs::read_to_string(it.join("report.html")).unwrap();
    let chapter = quality_chapter(&html);
    for part in [
        "<code>avviso[duplicate-id]</code></td><td>data&#x2f;risposte-care-leavers.csv, riga 202, colonna C (anagrafica&#x2f;respondent_id)</td><td>questo codice di rispondente è già usato alla riga 43; questa risposta è esclusa, si tiene la prima</td>",
        // The alias as written: a spelling of the study's own name for the territory.
        "<td>&quot;Florence&quot; letto come Firenze (2 righe, la prima è questa)</td>",
        "<td>i campi sono separati da punto e virgola (;)</td>",
    ] {
        assert!(chapter.contains(part), "missing {part}\nin {chapter}");
    }
    // What a reader sees: the text between the tags (a class such as sev-warning is not read).
    let mut seen = String::new();
    let mut in_tag = false;
    for c in chapter.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                seen.push(' ');
            }
            c if !in_tag => seen.push(c),
            _ => {}
        }
    }
    for word in ENGLISH {
        assert!(!seen.contains(word), "English ({word:?}) in {seen}");
    }
    let html = std::fs::read_to_string(en.join("report.html")).unwrap();
    let chapter = quality_chapter(&html);
    assert!(
        chapter.contains("<td>&quot;Florence&quot; read as Firenze (2 rows, first here)</td>"),
        "{chapter}"
    );
    assert!(
        chapter.contains("<code>warning[duplicate-id]</code>"),
        "{chapter}"
    );
    // results.json keeps the findings in English whatever the report's language.
    let a = std::fs::read_to_string(it.join("results.json")).unwrap();
    let b = std::fs::read_to_string(en.join("results.json")).unwrap();
    let quality =
        |s: &str| serde_json::from_str::<serde_json::Value>(s).unwrap()["quality"].clone();
    assert_eq!(quality(&a), quality(&b));
}

#[test]
fn run_prints_its_findings_in_the_language_asked() {
    let dir = tempfile::tempdir().unwrap();
    let out = capakit()
        .arg("run")
        .arg(example())
        .arg("--out")
        .arg(dir.path().join("out"))
        .args(["--lang", "it"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.lines().any(|l| l.starts_with("avvertenza[duplicate-id]: data/risposte-care-leavers.csv, riga 202, colonna C (anagrafica/respondent_id): questo codice")),
        "{err}"
    );
    assert!(
        err.contains("capakit: 200 rispondenti, 7 analisi, 1 avvertenza → "),
        "{err}"
    );
}
