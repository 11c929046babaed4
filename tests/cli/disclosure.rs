//! Disclosure control end to end: no published count below the minimum cell size, hidden values
//! marked in the report, comparisons with a small group not run, the threshold refused below 3.

use serde_json::Value;

use crate::common::{
    analysis_of_kind, append_to_study, capakit, check, count_tables, csv_study, repo, run_study,
    study, HEADER,
};

/// Every count of a protected table in results.json, with where it is; with `nonresponse`, the
/// counts of missing answers too (published as they are unless the study protects them).
fn published_counts(r: &Value, nonresponse: bool) -> Vec<(String, u64)> {
    let mut out = Vec::new();
    for (at, n) in count_tables(r) {
        let missing = at.ends_with(" missing") || at.contains(" no answer ");
        if nonresponse || !missing {
            out.push((at, n));
        }
    }
    let mut push = |at: String, v: &Value| {
        if let Some(n) = v.as_u64() {
            out.push((at, n));
        }
    };
    for a in r["analyses"].as_array().unwrap() {
        let id = a["id"].as_str().unwrap();
        if a["kind"] == "capability" {
            capability_counts(id, a, &mut push);
            if nonresponse {
                push(format!("{id} n_excluded"), &a["n_excluded"]);
            }
        }
        for s in a["scales"].as_array().into_iter().flatten() {
            for g in s["groups"].as_array().unwrap() {
                push(format!("{id} {} {}", s["scale"], g["group"]), &g["n"]);
            }
            if nonresponse {
                push(format!("{id} {} missing", s["scale"]), &s["missing"]);
            }
        }
    }
    out
}

/// Every count a capability result publishes: group sizes, the deprived, indicator headcounts,
/// the distribution of scores (at every k, in every grouping).
fn capability_counts(at: &str, v: &Value, push: &mut dyn FnMut(String, &Value)) {
    match v {
        Value::Object(map) => {
            for (key, x) in map {
                let here = format!("{at}.{key}");
                if ["n", "deprived", "count"].contains(&key.as_str()) {
                    push(here.clone(), x);
                }
                if key == "distribution" {
                    for list in [&x["overall"]]
                        .into_iter()
                        .chain(x["groups"].as_array().into_iter().flatten())
                    {
                        for c in list.as_array().into_iter().flatten() {
                            push(format!("{here} bin"), c);
                        }
                    }
                }
                if key != "importance" {
                    capability_counts(&here, x, push);
                }
            }
        }
        Value::Array(list) => {
            for (i, x) in list.iter().enumerate() {
                capability_counts(&format!("{at}[{i}]"), x, push);
            }
        }
        _ => {}
    }
}

#[test]
fn the_example_publishes_no_count_below_five_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let r = run_study(&repo().join("examples/caring-prato-firenze"), &out, false);
    let counts = published_counts(&r, false);
    assert!(
        counts.len() > 500,
        "the scan sees the tables: {}",
        counts.len()
    );
    let small: Vec<_> = counts.iter().filter(|(_, n)| *n < 5).collect();
    assert!(small.is_empty(), "published counts below 5: {small:?}");
    // The example has small cells: some values are hidden, and the report marks them.
    // Outputs say that a value is hidden, never why.
    let hidden = r.to_string().matches("\"hidden\"").count();
    assert!(hidden > 10, "{hidden}");
    let text = r.to_string();
    assert!(!text.contains("\"primary\"") && !text.contains("\"secondary\""));
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("class=\"supp\""));
    assert!(html.contains("non pubblicato") || html.contains("not published"));
}

/// Differences a reader can take: a territory's published size minus a number of answers (or of
/// respondents in the index) published for it — each is a count of missing answers.
fn derived_nonresponse(r: &Value) -> Vec<(String, i64)> {
    let mut size = std::collections::HashMap::new();
    for g in r["sources"][0]["territories"].as_array().unwrap() {
        if let Some(n) = g["n"].as_i64() {
            size.insert(g["group"].as_str().unwrap().to_string(), n);
        }
    }
    let mut out = Vec::new();
    let mut gap = |at: String, group: &Value, n: &Value| {
        if let (Some(s), Some(n)) = (group.as_str().and_then(|g| size.get(g)), n.as_i64()) {
            out.push((at, s - n));
        }
    };
    for a in r["analyses"].as_array().unwrap() {
        let id = a["id"].as_str().unwrap();
        for s in a["scales"].as_array().into_iter().flatten() {
            for g in s["groups"].as_array().unwrap() {
                gap(format!("{id} {}", s["scale"]), &g["group"], &g["n"]);
            }
        }
        for i in a["items"].as_array().into_iter().flatten() {
            for g in i["groups"].as_array().unwrap() {
                gap(format!("{id} {}", i["item"]), &g["group"], &g["n"]);
            }
        }
        for t in a["tests"].as_array().into_iter().flatten() {
            for (g, n) in a["groups"]
                .as_array()
                .unwrap()
                .iter()
                .zip(t["n"].as_array().unwrap())
            {
                gap(format!("{id} {}", t["variable"]), g, n);
            }
        }
        for res in a["results"].as_array().into_iter().flatten() {
            for g in res["groups"].as_array().unwrap() {
                gap(format!("{id} k={}", res["k"]), &g["group"], &g["n"]);
            }
        }
    }
    out
}

#[test]
fn nonresponse_is_published_by_default_and_protected_on_request() {
    // By default the example publishes its few missing answers as they are (a skipped question
    // is not a characteristic of anyone) ...
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let r = run_study(&repo().join("examples/caring-prato-firenze"), &out, false);
    let shown_small = published_counts(&r, true)
        .into_iter()
        .filter(|(_, n)| *n < 5)
        .count();
    assert!(
        shown_small > 0,
        "the example has small counts of missing answers"
    );
    let gaps = derived_nonresponse(&r);
    assert!(gaps.iter().any(|(_, g)| (1..5).contains(g)), "{gaps:?}");
    // The methods say so.
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("Il numero di risposte mancanti è invece pubblicato"));

    // ... and with nonresponse = "protect" nothing below 5 is left: not as a count, not as the
    // difference between a published group size and a published number of answers.
    let dir = tempfile::tempdir().unwrap();
    crate::common::example_copy(dir.path());
    let toml = std::fs::read_to_string(dir.path().join("study.toml"))
        .unwrap()
        .replace("nonresponse = \"publish\"", "nonresponse = \"protect\"");
    assert!(toml.contains("nonresponse = \"protect\""));
    std::fs::write(dir.path().join("study.toml"), toml).unwrap();
    let r = run_study(dir.path(), &dir.path().join("out"), false);
    let counts = published_counts(&r, true);
    assert!(counts.len() > 400, "{}", counts.len());
    let small: Vec<_> = counts.iter().filter(|(_, n)| *n < 5).collect();
    assert!(small.is_empty(), "published counts below 5: {small:?}");
    let gaps = derived_nonresponse(&r);
    assert!(
        gaps.len() > 20,
        "the attacker has differences to take: {gaps:?}"
    );
    let leaks: Vec<_> = gaps.iter().filter(|(_, g)| *g < 5).collect();
    assert!(leaks.is_empty(), "missing answers recoverable: {leaks:?}");
    let html = std::fs::read_to_string(dir.path().join("out/report.html")).unwrap();
    assert!(html.contains("e questo vale anche per le risposte mancanti"));
    // What was withheld says so.
    let compare = analysis_of_kind(&r, "compare");
    assert!(compare["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .any(|s| s["reason"]
            .as_str()
            .unwrap()
            .contains("missing answers are protected")));
}

#[test]
fn missing_answers_to_a_conditional_question_are_protected() {
    // 20 per territory. `msna` is asked only of those born abroad (relevant in the shipped
    // questionnaire): Prato's 3 born in Italy have no msna answer, and that 3 tells who is not a
    // migrant, so it is hidden. Firenze's 2 without an education score (two of its three items
    // left blank) are plain non-response: shown.
    let mut rows = String::new();
    for i in 0..40 {
        let prato = i < 20;
        let t = if prato { "Prato" } else { "Firenze" };
        let abroad = if prato { i >= 3 } else { i % 2 == 0 };
        let msna = match (abroad, i % 3) {
            (false, _) => "",
            (true, 0) => "si",
            (true, _) => "no",
        };
        let (edu_1, edu_2) = if i >= 38 {
            (String::new(), String::new())
        } else {
            ((1 + i % 5).to_string(), (1 + (i * 2) % 5).to_string())
        };
        rows.push_str(&format!(
            "CL-{i};{t};18;affido;{edu_1};{edu_2};3;{};{msna}\n",
            if abroad { "si" } else { "no" }
        ));
    }
    let dir = tempfile::tempdir().unwrap();
    let s = csv_study(
        dir.path(),
        &format!("{HEADER};migrant_background;msna\n{rows}"),
    );
    let r = run_study(&s, &dir.path().join("out"), false);
    let profile = analysis_of_kind(&r, "crosstab");
    let table = |v: &str| {
        profile["tables"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["variable"] == v)
            .unwrap_or_else(|| panic!("no table of {v}: {profile}"))
            .clone()
    };
    let msna = table("msna");
    // Those born in Italy were not asked (its `relevant`): "not asked", protected (3 in Prato).
    assert!(msna["no_answer"].is_null(), "{msna}");
    assert!(msna["not_asked"][0]["count"].is_null(), "{msna}");
    assert_eq!(msna["not_asked"][0]["suppressed"], "hidden");
    let scales = analysis_of_kind(&r, "scales");
    let istruzione = &scales["scales"][0];
    assert_eq!(istruzione["missing"], 2, "{istruzione}");
    assert_eq!(istruzione["groups"][1]["n"], 18, "{istruzione}");
}

#[test]
fn small_groups_are_hidden_and_not_compared() {
    // Prato has 3 respondents, Firenze 12: Prato's count is hidden, and Firenze's too (the total
    // would give Prato's away); Prato's scale scores are not published; nothing is compared.
    let mut rows = String::new();
    for i in 0..15 {
        let t = if i < 3 { "Prato" } else { "Firenze" };
        rows.push_str(&format!(
            "CL-{i};{t};18;affido;{};{};3\n",
            1 + i % 5,
            1 + (i * 2) % 5
        ));
    }
    let dir = tempfile::tempdir().unwrap();
    let s = csv_study(dir.path(), &format!("{HEADER}\n{rows}"));
    let r = run_study(&s, &dir.path().join("out"), false);
    let t = &r["sources"][0]["territories"];
    assert!(t[0]["n"].is_null() && t[1]["n"].is_null(), "{t}");
    assert_eq!(t[0]["suppressed"], "hidden");
    assert_eq!(t[1]["suppressed"], "hidden");
    let cmp = analysis_of_kind(&r, "compare");
    assert!(cmp["tests"].as_array().unwrap().is_empty());
    assert!(cmp["skipped"][0]["reason"]
        .as_str()
        .unwrap()
        .contains("fewer than 10 answers"));
    let scales = analysis_of_kind(&r, "scales");
    let istruzione = &scales["scales"][0];
    assert!(istruzione["groups"][0]["mean"].is_null());
    assert_eq!(istruzione["groups"][0]["suppressed"], "hidden");
    // The total would give Prato's three scores back by subtraction: held back.
    assert!(istruzione["total"]["mean"].is_null());
    assert!(
        istruzione["groups"][1]["mean"].is_number(),
        "Firenze's 12 scores are published"
    );
}

#[test]
fn the_threshold_can_be_raised_not_lowered_below_three() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("data.csv"),
        format!("{HEADER}\nCL-1;Prato;18;affido;1;2;3\nCL-2;Firenze;19;affido;2;2;3\n"),
    )
    .unwrap();
    let s = study(dir.path(), "data.csv", "");
    let toml = std::fs::read_to_string(s.join("study.toml")).unwrap();
    std::fs::write(
        s.join("study.toml"),
        format!("{toml}\n[disclosure]\nmin_cell = 2\n"),
    )
    .unwrap();
    let (code, _, err) = check(&s);
    assert_eq!(code, 2);
    assert!(
        err.contains("study.toml, line") && err.contains("min_cell = 2 is below 3"),
        "{err}"
    );
    std::fs::write(
        s.join("study.toml"),
        format!("{toml}\n[disclosure]\nmin_cell = 10\n"),
    )
    .unwrap();
    let r = run_study(&s, &dir.path().join("out"), false);
    assert_eq!(r["min_cell"], 10);
}

#[test]
fn no_output_shows_an_identifying_value() {
    // An e-mail column and a territory spelled oddly (a note that quotes the cell): no output
    // holds the e-mail addresses or any cell value of a finding.
    let mut rows = String::new();
    for i in 0..12 {
        let t = if i % 2 == 0 { "Prato" } else { " FLORENCE " };
        rows.push_str(&format!(
            "CL-{i};{t};18;affido;{};3;3;persona{i}@example.org\n",
            1 + i % 5
        ));
    }
    let dir = tempfile::tempdir().unwrap();
    let s = csv_study(dir.path(), &format!("{HEADER};email\n{rows}"));
    let out = dir.path().join("out");
    let r = run_study(&s, &out, false);
    let codes = r["quality"]["by_code"].to_string();
    assert!(codes.contains("identifying-column"), "{codes}");
    for f in ["results.json", "report.html", "report.md"] {
        let text = std::fs::read_to_string(out.join(f)).unwrap();
        assert!(!text.contains("example.org"), "{f} shows an e-mail address");
        assert!(!text.contains("FLORENCE"), "{f} shows a cell value");
    }
}

#[test]
fn no_output_of_the_example_holds_an_id_a_formula_or_live_markup() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    run_study(&repo().join("examples/caring-prato-firenze"), &out, false);
    let mut files = Vec::new();
    let mut stack = vec![out.clone()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(d).unwrap().flatten() {
            if e.path().is_dir() {
                stack.push(e.path());
            } else {
                files.push(e.path());
            }
        }
    }
    assert!(files.len() > 5);
    assert!(files.iter().any(|f| f.ends_with("tables.xlsx")));
    for f in files {
        let name = f.display();
        let text = if f.extension().is_some_and(|e| e == "xlsx") {
            // Every cell of every sheet, as a spreadsheet would show it.
            use calamine::{open_workbook, Data, Reader, Xlsx};
            let mut book: Xlsx<_> = open_workbook(&f).unwrap();
            let mut cells = Vec::new();
            for sheet in book.sheet_names() {
                let range = book.worksheet_range(&sheet).unwrap();
                for c in range.used_cells() {
                    if let Data::String(t) = c.2 {
                        assert!(!t.starts_with(['=', '+', '-', '@']), "{name} {sheet}: {t}");
                        cells.push(t.clone());
                    }
                }
                // No formula anywhere.
                let formulas = book.worksheet_formula(&sheet).unwrap();
                assert!(
                    formulas.used_cells().next().is_none(),
                    "{name} {sheet} has formulas"
                );
            }
            cells.join("\n")
        } else if f.extension().is_some_and(|e| e == "docx") {
            // The document's text (Word escapes markup itself).
            let mut zip = zip::ZipArchive::new(std::fs::File::open(&f).unwrap()).unwrap();
            let mut xml = String::new();
            std::io::Read::read_to_string(&mut zip.by_name("word/document.xml").unwrap(), &mut xml)
                .unwrap();
            xml.replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&amp;", "&")
        } else {
            std::fs::read_to_string(&f).unwrap()
        };
        // Respondent ids of the example look like CL-PO-001 and CL-FI-038.
        assert!(
            !text.contains("CL-PO-") && !text.contains("CL-FI-"),
            "{name} holds an id"
        );
        for live in ["<script", "javascript:", "onerror=", "{{", "{%"] {
            assert!(!text.contains(live), "{name} holds {live}");
        }
        // No line of a text output starts like a spreadsheet formula.
        if f.extension().is_some_and(|e| e == "csv" || e == "md") {
            for line in text.lines() {
                assert!(!line.starts_with(['=', '+', '@']), "{name}: {line}");
            }
        }
    }
}

#[test]
fn output_paths_are_never_built_from_names() {
    // An analysis id that tries to leave the output folder, or names a Windows device, is a
    // slug inside it.
    let dir = tempfile::tempdir().unwrap();
    let mut rows = String::new();
    for i in 0..12 {
        let t = if i % 2 == 0 { "Prato" } else { "Firenze" };
        rows.push_str(&format!("CL-{i};{t};18;affido;{};3;3\n", 1 + i % 5));
    }
    let s = csv_study(dir.path(), &format!("{HEADER}\n{rows}"));
    let analyses = dir.path().join("hostile.toml");
    std::fs::write(
        &analyses,
        "[[analysis]]\nid = \"../../../escaped\"\nkind = \"scales\"\n\n[[analysis]]\nid = \"CON\"\nkind = \"scales\"\n",
    )
    .unwrap();
    let toml = std::fs::read_to_string(s.join("study.toml")).unwrap();
    let toml = toml.replace(
        &format!(
            "analyses = [\"{}\"]",
            repo().join("analyses/care-leavers-core.toml").display()
        ),
        "analyses = [\"hostile.toml\"]",
    );
    std::fs::write(s.join("study.toml"), toml).unwrap();
    let out = dir.path().join("nested/out");
    run_study(&s, &out, false);
    assert!(
        !dir.path().join("escaped.svg").exists() && !dir.path().join("nested/escaped.svg").exists()
    );
    let charts: Vec<String> = std::fs::read_dir(out.join("charts"))
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert!(!charts.is_empty());
    for c in &charts {
        assert!(
            c.chars()
                .all(|ch| ch.is_ascii_alphanumeric() || ch == '-' || ch == '.'),
            "{c}"
        );
        assert!(!c.eq_ignore_ascii_case("con.svg"), "{c}");
    }
    assert!(charts.contains(&"con-x.svg".to_string()), "{charts:?}");
}

#[test]
fn internal_scores_carry_keyed_pseudonyms_never_ids() {
    let dir = tempfile::tempdir().unwrap();
    let example = repo().join("examples/caring-prato-firenze");
    // With a key: HMAC-SHA256 pseudonyms (Python: hmac.new(b'capakit-test-key-0123456789',
    // b'CL-FI-038', hashlib.sha256).hexdigest()[:16] → 68e6a8b735f0525f for the first row).
    let out = dir.path().join("internal");
    let done = capakit()
        .args([
            "run",
            example.to_str().unwrap(),
            "--internal",
            "--out",
            out.to_str().unwrap(),
        ])
        .env("CAPAKIT_PSEUDONYM_KEY", "capakit-test-key-0123456789")
        .output()
        .unwrap();
    assert!(
        done.status.success(),
        "{}",
        String::from_utf8_lossy(&done.stderr)
    );
    let csv = std::fs::read_to_string(out.join("INTERNAL-scores-unsuppressed.csv")).unwrap();
    let mut lines = csv.lines();
    assert!(lines
        .next()
        .unwrap()
        .starts_with("source;pseudonym;territory;istruzione;"));
    let first = lines.next().unwrap();
    assert!(
        first.starts_with("care-leavers;P-68e6a8b735f0525f;Firenze;"),
        "{first}"
    );
    assert!(
        first.contains(','),
        "decimal commas for Italian Excel: {first}"
    );
    assert!(!csv.contains("CL-"), "no raw id");
    assert_eq!(csv.lines().count(), 201);
    // Without a key: no ids at all, and a word on standard error.
    let out = dir.path().join("nokey");
    let done = capakit()
        .args([
            "run",
            example.to_str().unwrap(),
            "--internal",
            "--out",
            out.to_str().unwrap(),
        ])
        .env_remove("CAPAKIT_PSEUDONYM_KEY")
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&done.stderr).contains("no pseudonym key"));
    let csv = std::fs::read_to_string(out.join("INTERNAL-scores-unsuppressed.csv")).unwrap();
    assert!(csv.starts_with("source;territory;") && !csv.contains("P-"));
    // The published run writes no respondent-level file.
    let public = dir.path().join("public");
    run_study(&example, &public, false);
    assert!(std::fs::read_dir(&public)
        .unwrap()
        .flatten()
        .all(|e| !e.file_name().to_string_lossy().contains("scores")));
}

#[test]
fn a_key_file_beside_the_data_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let s = csv_study(
        dir.path(),
        &format!("{HEADER}\nCL-1;Prato;18;affido;1;2;3\n"),
    );
    std::fs::write(dir.path().join("key.txt"), "a-secret-key-of-enough-length").unwrap();
    append_to_study(&s, "[disclosure]\nkey_file = \"key.txt\"\n");
    let (code, _, err) = check(&s);
    assert_eq!(code, 2);
    assert!(
        err.contains("line") && err.contains("key_file 'key.txt' is in a data folder"),
        "{err}"
    );
}
