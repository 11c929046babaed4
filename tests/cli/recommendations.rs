//! Recommendation rules: the example's recommendations follow from numbers published elsewhere in
//! the same results, placeholders are filled in both languages, a hidden value never triggers a
//! rule, and every mistake in a rule is an error with its line and column.

use std::path::Path;

use serde_json::Value;

use crate::common::{analysis_of_kind, capakit, csv_study, example_copy, repo, run_study, HEADER};

fn find<'a>(list: &'a Value, key: &str, value: &str) -> &'a Value {
    list.as_array()
        .unwrap()
        .iter()
        .find(|x| x[key] == value)
        .unwrap_or_else(|| panic!("no {key} = {value} in {list}"))
}

#[test]
fn the_examples_recommendations_follow_from_published_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let r = run_study(&repo().join("examples/caring-prato-firenze"), &out, false);
    let rec = analysis_of_kind(&r, "recommendations");
    let fired = rec["recommendations"].as_array().unwrap();
    assert!(fired.len() >= 4, "{rec}");
    // Most urgent first.
    let priorities: Vec<&str> = fired
        .iter()
        .map(|x| x["priority"].as_str().unwrap())
        .collect();
    let rank = |p: &str| {
        ["high", "medium", "low"]
            .iter()
            .position(|x| *x == p)
            .unwrap()
    };
    assert!(
        priorities.windows(2).all(|w| rank(w[0]) <= rank(w[1])),
        "{priorities:?}"
    );
    for x in fired {
        for lang in ["it", "en"] {
            let text = x["text"][lang].as_str().unwrap();
            assert!(!text.contains('{') && !text.contains('}'), "{text}");
        }
        assert!(x["evidence"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["holds"] == true));
    }

    // The housing rule: its numbers are the capability index's and the focus groups' own.
    let housing = find(&rec["recommendations"], "id", "housing-after-care");
    assert_eq!(housing["where"], serde_json::json!(["Prato"]));
    assert_eq!(housing["evidence_kind"], "both");
    let cap = analysis_of_kind(&r, "capability");
    let casa = find(&cap["results"][0]["indicators"], "id", "casa");
    let prato = casa["groups"][0]["censored"]["percent"].as_f64().unwrap();
    let shown = &housing["evidence"][0]["values"][0];
    assert_eq!(shown["group"], "Prato");
    assert_eq!(shown["value"].as_f64().unwrap(), prato);
    assert!(prato > 25.0 && shown["holds"] == true);
    let firenze = casa["groups"][1]["censored"]["percent"].as_f64().unwrap();
    assert!(firenze <= 25.0, "Firenze stays below the level: {firenze}");
    let codes = analysis_of_kind(&r, "codes");
    let exit = find(&codes["codes"], "code", "uscita/criticita");
    assert_eq!(
        housing["evidence"][1]["values"][0]["value"],
        exit["groups"][0]["percent"]
    );
    // The filled text carries the numbers, rounded as the reader's language writes them.
    let it = housing["text"]["it"].as_str().unwrap();
    let en = housing["text"]["en"].as_str().unwrap();
    assert!(
        it.contains(&format!("A Prato il {:.0}\u{a0}%", prato)),
        "{it}"
    );
    assert!(en.contains(&format!("In Prato {prato:.0}%")), "{en}");
    assert!(!housing["quotes"].as_array().unwrap().is_empty());

    // A gap rule fires exactly when the comparison's adjusted p is below 0.05.
    let compare = analysis_of_kind(&r, "compare");
    let p = find(&compare["tests"], "variable", "casa")["p_adjusted"]
        .as_f64()
        .unwrap();
    let gap = find(&rec["recommendations"], "id", "housing-gap");
    assert!(p < 0.05);
    assert_eq!(gap["evidence"][0]["p_adjusted"].as_f64().unwrap(), p);
    // The health rule is checked and reported as not fired, with its numbers.
    let health = find(&rec["not_triggered"], "id", "health");
    assert!(health["evidence"][0]["values"]
        .as_array()
        .unwrap()
        .iter()
        .all(|v| v["value"].as_f64().unwrap() <= 35.0));

    // The report shows each recommendation with its evidence and a link to the chapter.
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("<section id=\"recommendations\""));
    assert!(html.contains("class=\"rec rec-high\""));
    assert!(html.contains("href=\"#capability\""));
    assert!(html.contains("Regione"));
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(md.contains("Priorità alta — Regione · Prato"), "{md}");
}

#[test]
fn a_hidden_value_never_triggers_a_rule() {
    // Prato has 3 respondents: its scale mean is hidden, and a rule on it holds only in Firenze.
    let mut rows = String::new();
    for i in 0..15 {
        let t = if i < 3 { "Prato" } else { "Firenze" };
        rows.push_str(&format!("CL-{i};{t};18;affido;1;2;3\n"));
    }
    let dir = tempfile::tempdir().unwrap();
    let s = csv_study(dir.path(), &format!("{HEADER}\n{rows}"));
    let rules = dir.path().join("rules.toml");
    std::fs::write(
        &rules,
        r#"[[analysis]]
id = "recommendations"
kind = "recommendations"

[[analysis.rules]]
id = "education"
actor = "region"
priority = "high"
when = { analysis = "scales", scale = "istruzione", mean_below = 4.5 }
text = { it = "A {where}: {value}.", en = "In {where}: {value}." }
"#,
    )
    .unwrap();
    let toml = std::fs::read_to_string(s.join("study.toml")).unwrap();
    let toml = toml.replacen(
        "analyses = [\"",
        &format!("analyses = [\"{}\", \"", rules.display()),
        1,
    );
    // Recommendations are evaluated after every other analysis, whatever the order of files.
    std::fs::write(s.join("study.toml"), toml).unwrap();
    let r = run_study(&s, &dir.path().join("out"), false);
    let rec = analysis_of_kind(&r, "recommendations");
    let x = &rec["recommendations"][0];
    assert_eq!(x["where"], serde_json::json!(["Firenze"]), "{rec}");
    let prato = &x["evidence"][0]["values"][0];
    assert!(
        prato["value"].is_null() && prato["holds"] == false,
        "{prato}"
    );
    assert_eq!(x["text"]["en"], "In Firenze: 2.00.");
}

/// A copy of the example whose analyses also hold `rules` (a recommendations analysis); the run's
/// stderr.
fn run_with_rules(dir: &Path, rules: &str) -> (i32, String) {
    example_copy(dir);
    let file = dir.join("rules.toml");
    std::fs::write(
        &file,
        format!("[[analysis]]\nid = \"mine\"\nkind = \"recommendations\"\n\n{rules}"),
    )
    .unwrap();
    let toml = std::fs::read_to_string(dir.join("study.toml")).unwrap();
    let toml = toml.replacen(
        "analyses = [\"",
        &format!("analyses = [\"{}\", \"", file.display()),
        1,
    );
    std::fs::write(dir.join("study.toml"), toml).unwrap();
    let out = capakit()
        .arg("run")
        .arg(dir)
        .arg("--out")
        .arg(dir.join("out"))
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn mistakes_in_rules_are_located_errors() {
    let rule = |when: &str, text: &str| {
        format!("[[analysis.rules]]\nid = \"r\"\nactor = \"region\"\npriority = \"high\"\n{when}\n{text}\n")
    };
    let both = "text = { it = \"A {where}: {value}.\", en = \"In {where}: {value}.\" }";
    let cases: [(String, &str, &str); 10] = [
        (
            rule("when = { analysis = \"nowhere\", scale = \"casa\", mean_below = 3 }", both),
            "line 9, column",
            "there is no analysis 'nowhere'",
        ),
        (
            rule("when = { analysis = \"capability\", scale = \"casa\", mean_below = 3 }", both),
            "line 9",
            "`scale` does not apply to 'capability', an analysis of kind 'capability' (use indicator)",
        ),
        (
            rule("when = { analysis = \"capability\", indicator = \"castle\", censored_above = 3 }", both),
            "line 9",
            "'capability' has no indicator 'castle'",
        ),
        (
            rule("when = { analysis = \"capability\", indicator = \"casa\", mean_below = 3 }", both),
            "line 9",
            "`mean_below` does not apply to 'capability'",
        ),
        (
            rule("when = { analysis = \"capability\", indicator = \"casa\", censored_above = 130 }", both),
            "line 9",
            "`censored_above` is a percentage",
        ),
        (
            rule("when = { analysis = \"scales\", scale = \"casa\", mean_below = 3, in = [\"Pisa\"] }", both),
            "line 9",
            "'scales' has no group 'Pisa' (groups: Prato, Firenze)",
        ),
        (
            rule("when = { analysis = \"scales\", scale = \"casa\", mean_below = 3 }", "text = { it = \"A {dove}.\", en = \"In {where}.\" }"),
            "line 6",
            "placeholder {dove} it cannot fill",
        ),
        (
            rule("when = { analysis = \"scales\", scale = \"casa\", mean_below = 3 }", "text = { it = \"A {where}.\" }"),
            "line 6",
            "has no 'en' version",
        ),
        (
            rule("when = { analysis = \"scales\", scale = \"casa\", mean_below = 3, mean_above = 1 }", both),
            "line 9",
            "`mean_above` is one too many",
        ),
        (
            rule("", both),
            "line 6",
            "needs exactly one of when",
        ),
    ];
    for (rules, at, message) in cases {
        let dir = tempfile::tempdir().unwrap();
        // Exit 2 and one error line with the place and the message (the example's own warning,
        // a duplicated id, may come first).
        let one_located_error = |command: &str, code: i32, err: &str| {
            assert_eq!(code, 2, "{command}: {rules}\n{err}");
            let errors: Vec<&str> = err
                .lines()
                .filter(|l| l.starts_with("capakit: error"))
                .collect();
            assert_eq!(errors.len(), 1, "{command}: {err}");
            assert!(
                errors[0].contains("rules.toml, ")
                    && errors[0].contains(at)
                    && errors[0].contains(message),
                "{command}: {rules}\nexpected {at} … {message}\ngot {err}"
            );
        };
        let (code, err) = run_with_rules(dir.path(), &rules);
        one_located_error("run", code, &err);
        assert!(!dir.path().join("out").exists(), "nothing written");
        // `capakit check` finds the same mistake, with the same place.
        let (code, _, err) = crate::common::check(dir.path());
        one_located_error("check", code, &err);
    }
    // An unknown actor is refused by name, with its place.
    let dir = tempfile::tempdir().unwrap();
    let (code, err) = run_with_rules(
        dir.path(),
        &rule(
            "when = { analysis = \"scales\", scale = \"casa\", mean_below = 3 }",
            both,
        )
        .replace("\"region\"", "\"prefecture\""),
    );
    assert_eq!(code, 2);
    assert!(
        err.contains("line 7") && err.contains("prefecture"),
        "{err}"
    );
}

#[test]
fn the_feedback_form_closes_the_loop() {
    let dir = tempfile::tempdir().unwrap();
    let form = dir.path().join("feedback.xlsx");
    let out = capakit()
        .args(["feedback-form"])
        .arg(repo().join("examples/caring-prato-firenze"))
        .arg("--out")
        .arg(&form)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // XLSForm structure rules: the three sheets and their columns, unique names, every select's
    // list present, labels in both languages (pyxform validates it too, in CI).
    use calamine::{open_workbook, Reader, Xlsx};
    let mut book: Xlsx<_> = open_workbook(&form).unwrap();
    assert_eq!(book.sheet_names(), ["survey", "choices", "settings"]);
    let survey = book.worksheet_range("survey").unwrap();
    let header: Vec<String> = survey
        .rows()
        .next()
        .unwrap()
        .iter()
        .map(|c| c.to_string())
        .collect();
    assert_eq!(
        header,
        [
            "type",
            "name",
            "label::Italiano (it)",
            "label::English (en)",
            "required"
        ]
    );
    let choices = book.worksheet_range("choices").unwrap();
    let lists: Vec<String> = choices.rows().skip(1).map(|r| r[0].to_string()).collect();
    let mut names = std::collections::BTreeSet::new();
    let mut agree_items = Vec::new();
    for row in survey.rows().skip(1) {
        let (kind, name) = (row[0].to_string(), row[1].to_string());
        if kind != "end_group" {
            assert!(names.insert(name.clone()), "{name} twice");
            assert!(name.chars().next().unwrap().is_ascii_alphabetic(), "{name}");
            assert!(
                name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'),
                "{name}"
            );
        }
        if let Some(list) = kind.strip_prefix("select_one ") {
            assert!(lists.iter().any(|l| l == list), "no list {list}");
            assert!(!row[2].to_string().is_empty() && !row[3].to_string().is_empty());
        }
        if name.starts_with("agree_") {
            agree_items.push(name);
        }
    }
    let r0 = run_study(
        &repo().join("examples/caring-prato-firenze"),
        &dir.path().join("o0"),
        false,
    );
    let recs = analysis_of_kind(&r0, "recommendations")["recommendations"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(
        agree_items.len(),
        recs.len(),
        "one block per recommendation"
    );

    // Synthetic answers come back as a source: 12 young people rate every recommendation.
    let mut csv = String::from("territory");
    for a in &agree_items {
        csv.push_str(&format!(";{a};{}", a.replacen("agree_", "importance_", 1)));
    }
    csv.push('\n');
    for i in 0..12 {
        csv.push_str(if i % 2 == 0 { "Prato" } else { "Firenze" });
        for _ in &agree_items {
            // 1, 2, 3, 4, 5, 5, 4, 5, 3, 4, 5, 2: 7 of 12 agree (4 or 5), 5 do not; mean 43/12.
            let agree = [1, 2, 3, 4, 5, 5, 4, 5, 3, 4, 5, 2][i];
            csv.push_str(&format!(";{agree};{}", 1 + i % 4));
        }
        csv.push('\n');
    }
    let study = dir.path().join("study");
    crate::common::example_copy(&study);
    std::fs::write(study.join("feedback.csv"), csv).unwrap();
    crate::common::append_to_study(
        &study,
        &format!(
            "\n[[sources]]\nname = \"feedback\"\npath = \"feedback.csv\"\ninstrument = \"{}\"\nterritory_column = \"territory\"\n",
            form.display()
        ),
    );
    let r = run_study(&study, &dir.path().join("o1"), false);
    let rec = analysis_of_kind(&r, "recommendations");
    for x in rec["recommendations"].as_array().unwrap() {
        let g = &x["ratings"];
        assert_eq!(g["source"], "feedback");
        assert_eq!(g["n"], 12);
        assert!((g["agree_percent"].as_f64().unwrap() - 100.0 * 7.0 / 12.0).abs() < 1e-9);
        assert!((g["agree_mean"].as_f64().unwrap() - 43.0 / 12.0).abs() < 1e-9);
        // Importance 1, 2, 3, 4 three times: mean 2.5.
        assert!((g["importance_mean"].as_f64().unwrap() - 2.5).abs() < 1e-9);
    }
    let html = std::fs::read_to_string(dir.path().join("o1/report.html")).unwrap();
    assert!(
        html.contains("Il voto dei partecipanti") && html.contains("58\u{a0}%"),
        "ratings shown"
    );
}
