//! Only what holds is said, and quotes that fit the evidence (issue 18, items 6 and 7), on the
//! example study (CarINg, Prato and Firenze) and a second one (INTEGRA): the summary names only
//! gaps that survive the correction, no statement is cut mid-word, the correction runs within
//! declared families (one per questionnaire block by default), agreement coefficients are not
//! shown on fewer units than the minimum cell, the robustness claim names the range tried,
//! reverse-keyed statements are drawn the right way round with a note, and the quotes come only
//! from units the coders agreed on, each once, of the recommendation's own theme.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use crate::common::{analysis_of_kind, example_toml, repo, run_study};

/// The example study run once for every test here: its output folder and results.
fn caring() -> &'static (PathBuf, serde_json::Value) {
    static RUN: OnceLock<(PathBuf, serde_json::Value)> = OnceLock::new();
    RUN.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap().keep();
        let out = dir.join("out");
        let r = run_study(&repo().join("examples/caring-prato-firenze"), &out, false);
        (out, r)
    })
}

fn read(out: &Path, file: &str) -> String {
    std::fs::read_to_string(out.join(file)).unwrap()
}

/// The text of an HTML fragment: tags dropped, the entities the reports use decoded.
fn text(html: &str) -> String {
    let mut out = String::new();
    let mut inside = false;
    for c in html.chars() {
        match c {
            '<' => inside = true,
            '>' => inside = false,
            _ if !inside => out.push(c),
            _ => {}
        }
    }
    out.replace("&#x27;", "'")
        .replace("&apos;", "'")
        .replace("&quot;", "\"")
        .replace("&amp;", "&")
}

/// The "In sintesi" list of the report: one line per headline.
fn summary(report: &str) -> Vec<String> {
    let start = report.find("<ul class=\"findings\">").expect("a summary");
    let end = start + report[start..].find("</ul>").unwrap();
    report[start..end]
        .split("<li>")
        .skip(1)
        .map(|li| text(li).trim().to_string())
        .collect()
}

fn compare_test<'a>(r: &'a serde_json::Value, variable: &str) -> Option<&'a serde_json::Value> {
    analysis_of_kind(r, "compare")["tests"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["variable"] == variable)
}

/// An item's label in Italian, from the Likert analysis.
fn item_labels(r: &serde_json::Value) -> Vec<(String, String)> {
    analysis_of_kind(r, "likert")["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["item"].as_str().unwrap().to_string(),
                i["labels"]["it"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// The titles of the report's charts (each states its finding).
fn chart_titles(report: &str) -> Vec<String> {
    report
        .split("<title id=\"")
        .skip(1)
        .filter_map(|t| t.split_once('>').map(|(_, rest)| rest))
        .filter_map(|t| t.split_once("</title>").map(|(title, _)| text(title)))
        .collect()
}

#[test]
fn the_summary_names_only_gaps_that_survive_the_correction() {
    let (out, r) = caring();
    // The summary's findings, and the chart titles (the summary lists the charts' findings too).
    let report = read(out, "report.html");
    let mut lines = summary(&report);
    lines.extend(chart_titles(&report));
    // It listed «Ho debiti…» (Prato 58 %, Firenze 42 %), a gap no test supports.
    assert!(!lines.iter().any(|l| l.contains("Ho debiti")), "{lines:#?}");
    let labels = item_labels(r);
    let mut gaps = 0;
    for line in lines
        .iter()
        .filter(|l| l.contains("la distanza maggiore è su «"))
    {
        gaps += 1;
        let quoted = line.split('«').nth(1).unwrap().split('»').next().unwrap();
        let shown = quoted.trim_end_matches('…');
        let (item, _) = labels
            .iter()
            .find(|(_, l)| l.starts_with(shown))
            .unwrap_or_else(|| panic!("no statement reads «{quoted}»"));
        let t = compare_test(r, item).unwrap_or_else(|| panic!("{item} is not tested: {line}"));
        assert!(
            t["p_adjusted"].as_f64().unwrap() < 0.05,
            "{line}: adjusted p {}",
            t["p_adjusted"]
        );
    }
    assert!(gaps > 0, "the gaps that hold are still said: {lines:#?}");
    // A scale whose compared statements differ by no gap that survives says so instead.
    let report = text(&read(out, "report.html"));
    assert!(
        report.contains(
            "nessuna differenza chiara tra Prato e Firenze dopo la correzione per test multipli"
        ),
        "a chart says there is no clear difference"
    );
    assert!(!report.contains("Sicurezza economica: la distanza maggiore"));
}

#[test]
fn no_statement_is_cut_mid_word() {
    let (out, r) = caring();
    let labels = item_labels(r);
    let report = text(&read(out, "report.html"));
    assert!(!report.contains("sul mi…"), "cut inside «mio»");
    let mut cuts = 0;
    for piece in report.split('«').skip(1) {
        let Some(quoted) = piece.split('»').next() else {
            continue;
        };
        let Some(shown) = quoted.strip_suffix('…') else {
            continue;
        };
        let Some((_, label)) = labels.iter().find(|(_, l)| l.starts_with(shown)) else {
            continue;
        };
        cuts += 1;
        let next = label[shown.len()..].chars().next();
        assert!(
            !next.is_some_and(char::is_alphanumeric),
            "«{quoted}» cuts «{label}» inside a word"
        );
    }
    assert!(cuts > 0, "a long statement is still shortened in a title");
}

#[test]
fn holm_families_are_the_questionnaire_blocks_and_match_statsmodels() {
    let (out, r) = caring();
    let c = analysis_of_kind(r, "compare");
    let families: Vec<(String, u64)> = c["families"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["name"].as_str().unwrap().into(),
                f["tests"].as_u64().unwrap(),
            )
        })
        .collect();
    // It was one family of 45 tests, importance ratings and capability items mixed.
    assert_eq!(
        families,
        [("capacita".to_string(), 26), ("priorita".to_string(), 3)]
    );
    for t in c["tests"].as_array().unwrap() {
        let importance = t["variable"].as_str().unwrap().starts_with("imp_");
        assert_eq!(
            t["family"],
            if importance { "priorita" } else { "capacita" }
        );
    }
    // statsmodels 0.15.0 (Python 3, the bench venv):
    //   from statsmodels.stats.multitest import multipletests
    //   multipletests([0.3214755571955568, 0.08272082730624339, 0.6558755313763747],
    //                 method="holm")[1]
    //   → [0.6429511143911136, 0.24816248191873017, 0.6558755313763747]
    let priorita = [
        ("imp_lavoro", 0.3214755571955568, 0.6429511143911136),
        ("imp_casa", 0.08272082730624339, 0.24816248191873017),
        ("imp_autonomia", 0.6558755313763747, 0.6558755313763747),
    ];
    //   multipletests(p, method="holm")[1] on the 26 p-values of the family "capacita" (in the
    //   order of results.json), of which these (the others are 1.0):
    //   casa 3.0440625718351306e-07, relazioni 8.551158052322962e-06, partecipazione
    //   0.004620889768029887, house_1 0.00015440769216706795, house_3 8.369277588338824e-06,
    //   part_1 0.0057123274077164245, part_2 0.004620889768029887
    let capacita = [
        ("casa", 1.1707932968596655e-08, 3.0440625718351306e-07),
        ("relazioni", 3.5629825218012345e-07, 8.551158052322962e-06),
        (
            "partecipazione",
            0.00021929158226865415,
            0.004620889768029887,
        ),
        ("house_1", 6.713377920307302e-06, 0.00015440769216706795),
        ("house_3", 3.3477110353355294e-07, 8.369277588338824e-06),
        ("part_1", 0.0002856163703858212, 0.0057123274077164245),
        ("part_2", 0.00021004044400135848, 0.004620889768029887),
        ("economia", 0.10645109065820897, 1.0),
        ("edu_1", 0.09071052117315068, 1.0),
    ];
    for (variable, p, adjusted) in priorita.iter().chain(&capacita) {
        let t = compare_test(r, variable).unwrap();
        let close = |a: f64, b: f64| (a - b).abs() <= 1e-12 * b.max(1e-300).max(1.0);
        assert!(
            close(t["p"].as_f64().unwrap(), *p),
            "{variable}: p {}",
            t["p"]
        );
        assert!(
            close(t["p_adjusted"].as_f64().unwrap(), *adjusted),
            "{variable}: adjusted {} ≠ statsmodels {adjusted}",
            t["p_adjusted"]
        );
    }
    // The methods say which families were used, and their sizes; so does the chapter.
    let report = text(&read(out, "report.html"));
    assert!(
        report.contains("Famiglie di test del confronto «territories», ciascuna corretta a sé: capacita (26 test); priorita (3 test)."),
        "methods"
    );
    assert!(report.contains(
        "Famiglie di test (la correzione si applica dentro ciascuna): capacita (26 test); priorita (3 test)."
    ));
}

/// A study with the example's data and one comparison written by the test.
fn with_comparison(dir: &Path, analysis: &str) -> PathBuf {
    let study = dir.join("study");
    crate::common::example_copy(&study);
    let analyses = study.join("compare.toml");
    std::fs::write(&analyses, analysis).unwrap();
    let toml = example_toml();
    let start = toml.find("analyses = [").unwrap();
    let end = start + toml[start..].find('\n').unwrap();
    let toml = format!(
        "{}analyses = [\"compare.toml\"]{}",
        &toml[..start],
        &toml[end..]
    );
    std::fs::write(study.join("study.toml"), toml).unwrap();
    study
}

#[test]
fn families_declared_in_the_analysis_override_the_blocks() {
    let dir = tempfile::tempdir().unwrap();
    let study = with_comparison(
        dir.path(),
        "[[analysis]]\nid = \"t\"\nkind = \"compare\"\ngroups = [\"Prato\", \"Firenze\"]\nfamily = \"all\"\n\n[analysis.families]\nhousing = [\"casa\", \"house_1\", \"house_3\"]\n",
    );
    let r = run_study(&study, &dir.path().join("out"), false);
    let c = analysis_of_kind(&r, "compare");
    let families: Vec<(&str, &str, u64)> = c["families"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["name"].as_str().unwrap(),
                f["from"].as_str().unwrap(),
                f["tests"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(families, [("all", "all", 26), ("housing", "declared", 3)]);
    // statsmodels 0.15.0:
    //   multipletests([1.1707932968596655e-08, 6.713377920307302e-06, 3.3477110353355294e-07],
    //                 method="holm")[1]
    //   → [3.512379890578997e-08, 6.713377920307302e-06, 6.695422070671059e-07]
    for (variable, adjusted) in [
        ("casa", 3.512379890578997e-08),
        ("house_1", 6.713377920307302e-06),
        ("house_3", 6.695422070671059e-07),
    ] {
        let t = compare_test(&r, variable).unwrap();
        assert_eq!(t["family"], "housing");
        let got = t["p_adjusted"].as_f64().unwrap();
        assert!(
            (got - adjusted).abs() <= 1e-12 * adjusted,
            "{variable}: {got}"
        );
    }

    // A variable in two families, or a family naming a variable the comparison does not
    // compare, is an error at its place.
    for (analysis, expected) in [
        (
            "[[analysis]]\nid = \"t\"\nkind = \"compare\"\n\n[analysis.families]\na = [\"casa\"]\nb = [\"house_1\", \"casa\"]\n",
            "'casa' is in two families",
        ),
        (
            "[[analysis]]\nid = \"t\"\nkind = \"compare\"\nvariables = [\"casa\"]\n\n[analysis.families]\na = [\"lavoro\"]\n",
            "'lavoro' is in a family but not among the `variables`",
        ),
    ] {
        let study = with_comparison(dir.path(), analysis);
        let (code, out, err) = crate::common::check(&study);
        assert_ne!(code, 0, "{out}");
        let all = format!("{out}{err}");
        assert!(
            all.contains("compare.toml") && all.contains("line 7") && all.contains(expected),
            "{all}"
        );
    }
}

#[test]
fn agreement_is_not_shown_on_fewer_units_than_the_minimum_cell() {
    let (out, r) = caring();
    let min_cell = r["min_cell"].as_u64().unwrap();
    let codes = analysis_of_kind(r, "codes");
    let mut few = 0;
    for c in codes["agreement"]["codes"].as_array().unwrap() {
        let units = c["units_with_code"].as_u64().unwrap();
        if units < min_cell {
            few += 1;
            assert_eq!(c["too_few"], true);
            for k in ["cohen_kappa", "fleiss_kappa", "krippendorff_alpha"] {
                assert!(c[k].is_null(), "{}: {k} on {units} units", c["code"]);
            }
        } else {
            assert!(c["cohen_kappa"].is_number(), "{}", c["code"]);
        }
    }
    assert!(few > 0);
    let report = read(out, "report.html");
    // "1 | 1,00": a κ of one unit.
    assert!(!report.contains("<td class=\"num\">1</td><td class=\"num\">1,00</td>"));
    assert!(text(&report).contains(&format!(
        "κ e α non sono mostrati per i codici con meno di {min_cell} unità codificate"
    )));
}

#[test]
fn the_robustness_claim_names_the_cutoffs_tried() {
    let (out, r) = caring();
    let report = text(&read(out, "report.html"));
    let svg = read(out, "charts/capability-k.svg");
    // It claimed "per ogni soglia k" when only 20–40 % was compared.
    assert!(!report.contains("ogni soglia k") && !svg.contains("ogni soglia k"));
    let cap = analysis_of_kind(r, "capability");
    let ranking = &cap["sensitivity"]["rankings"][0];
    assert_eq!(ranking["holds"], true);
    let assessed: Vec<f64> = ranking["assessed_at"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k.as_f64().unwrap())
        .collect();
    let tried: Vec<f64> = cap["sensitivity"]["ks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k.as_f64().unwrap())
        .collect();
    assert!(
        assessed.len() < tried.len(),
        "not every k could be compared"
    );
    let pct = |k: f64| format!("{}\u{a0}%", (100.0 * k).round());
    let claim = format!(
        "L'ordine dei territori regge per le soglie k da {} a {}",
        pct(assessed[0]),
        pct(assessed[assessed.len() - 1])
    );
    let svg_text = text(&svg);
    assert!(
        svg_text.contains(&claim) || svg_text.contains(&claim.replace('\u{a0}', " ")),
        "{claim}"
    );
}

#[test]
fn reverse_keyed_statements_are_drawn_so_that_blue_is_favourable() {
    let (out, r) = caring();
    let house_3 = analysis_of_kind(r, "likert")["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["item"] == "house_3")
        .unwrap();
    assert_eq!(house_3["reverse"], true);
    let prato: Vec<f64> = house_3["groups"][0]["percent"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_f64().unwrap())
        .collect();
    let (strongly_disagree, strongly_agree) = (prato[0].round(), prato[4].round());
    assert_ne!(strongly_disagree, strongly_agree);
    // In the chart, after the statement's label, Prato's first bar segment is red (#CA0020):
    // for a reverse-keyed statement it holds "strongly agree" (afraid of losing the home), so the
    // blue segments on the right are the favourable answers, as for every other statement.
    let svg = read(out, "charts/likert-casa.svg");
    // (The statement's label, after the title and description that name it too.)
    let from = svg.rfind("Ho paura di rimanere").unwrap();
    let rest = &svg[from..];
    let red = rest.find("fill=\"#CA0020\"").expect("a red segment");
    let after = &rest[red..];
    let after = &after[after.find('>').unwrap() + 1..];
    let label = text(after.split("</text>").next().unwrap());
    let first_number: f64 = label.trim().parse().expect("the segment's percentage");
    assert_eq!(first_number, strongly_agree, "{label}");
    // A note under the chart names the statement and says how it is drawn.
    let report = text(&read(out, "report.html"));
    assert!(report.contains(
        "Nel grafico le risposte alle frasi in negativo (↺) — «Ho paura di rimanere senza casa.» — sono disegnate in ordine rovesciato"
    ));
}

/// A recommendation of the results by id.
fn recommendation<'a>(r: &'a serde_json::Value, id: &str) -> &'a serde_json::Value {
    analysis_of_kind(r, "recommendations")["recommendations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["id"] == id)
        .unwrap_or_else(|| panic!("no recommendation {id}"))
}

/// The units each coder gave each code, from the example's coding export:
/// (document, segment) → code → coders.
fn coding() -> Vec<(String, String, String, String, String)> {
    let csv = std::fs::read_to_string(
        repo().join("examples/caring-prato-firenze/data/focus-groups-coding.csv"),
    )
    .unwrap();
    csv.lines()
        .skip(1)
        .map(|l| {
            let f: Vec<&str> = l.split(';').collect();
            (
                f[0].into(),
                f[1].into(),
                f[2].into(),
                f[3].into(),
                f[4].into(),
            )
        })
        .collect()
}

/// Whether every coder of the document gave `code` to the unit whose text is `quote` (names
/// redacted: compared from where the text has no placeholder).
fn agreed(rows: &[(String, String, String, String, String)], code: &str, quote: &str) -> bool {
    let plain = |t: &str| t.rsplit(']').next().unwrap_or(t).trim().to_string();
    rows.iter()
        .filter(|r| r.3 == code && plain(&r.2).ends_with(&plain(quote)))
        .any(|r| {
            let coders: std::collections::BTreeSet<&str> = rows
                .iter()
                .filter(|x| x.0 == r.0)
                .map(|x| x.4.as_str())
                .collect();
            let with: std::collections::BTreeSet<&str> = rows
                .iter()
                .filter(|x| x.0 == r.0 && x.1 == r.1 && x.3 == code)
                .map(|x| x.4.as_str())
                .collect();
            coders.len() >= 2 && with == coders
        })
}

#[test]
fn quotes_come_only_from_units_the_coders_agreed_on_and_never_twice() {
    let (out, r) = caring();
    let rows = coding();
    let codes = analysis_of_kind(r, "codes");
    let mut quoted = 0;
    for q in codes["quotes"].as_array().unwrap() {
        let code = q["code"].as_str().unwrap();
        let texts: Vec<&str> = q["quotes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x["text"].as_str().unwrap())
            .collect();
        for t in &texts {
            quoted += 1;
            assert!(
                agreed(&rows, code, t),
                "{code}: «{t}» is not agreed by the coders"
            );
        }
        let mut unique = texts.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(
            unique.len(),
            texts.len(),
            "{code} quotes a sentence twice: {texts:?}"
        );
    }
    assert!(quoted > 0);
    assert_eq!(codes["quotes_from"], "agreed");
    // The income recommendation's only quote was PO-P2P-2/s16, coded differently by the two
    // coders and about the tutor: now no quote, and the report says so.
    let income = recommendation(r, "income");
    assert!(
        income["quotes"].as_array().unwrap().is_empty(),
        "{}",
        income["quotes"]
    );
    assert_eq!(income["no_agreed_quote"], true);
    let report = text(&read(out, "report.html"));
    assert!(report.contains(
        "Nessuna citazione: nei focus group non c'è un passaggio su cui i codificatori concordino per questo tema."
    ));
    assert!(!report
        .contains("Il tutor per l'autonomia tiene insieme scuola, servizi e comunità.» tutor"));
}

#[test]
fn a_recommendation_quotes_its_own_theme() {
    let (_, r) = caring();
    let rows = coding();
    let codes = analysis_of_kind(r, "codes");
    let dimension_of = |code: &str| -> Option<String> {
        codes["codes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["code"] == code)
            .and_then(|c| c["dimension"].as_str().map(String::from))
    };
    // The tutor recommendation (indicator no_tutor, dimension "autonomia") was illustrated by
    // a quote on housing (the semi-autonomy flats).
    let tutor = recommendation(r, "autonomy-tutor");
    let quotes = tutor["quotes"].as_array().unwrap();
    assert!(!quotes.is_empty());
    for q in quotes {
        let text = q["text"].as_str().unwrap().to_lowercase();
        for housing in ["casa", "appartament", "affitto", "dormire"] {
            assert!(!text.contains(housing), "housing quote: {text}");
        }
        assert_eq!(
            dimension_of(q["code"].as_str().unwrap()).as_deref(),
            Some("autonomia")
        );
        assert!(agreed(
            &rows,
            q["code"].as_str().unwrap(),
            q["text"].as_str().unwrap()
        ));
    }
    // Every recommendation: own codes or codes of its indicators' dimensions, no sentence twice.
    let codes_named = |rec: &serde_json::Value| -> Vec<String> {
        rec["evidence"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["source"] == "focus_groups")
            .filter_map(|e| e["subject"].as_str().map(String::from))
            .collect()
    };
    for rec in analysis_of_kind(r, "recommendations")["recommendations"]
        .as_array()
        .unwrap()
    {
        let mut seen: Vec<&str> = Vec::new();
        for q in rec["quotes"].as_array().unwrap() {
            let (code, text) = (q["code"].as_str().unwrap(), q["text"].as_str().unwrap());
            assert!(!seen.contains(&text), "{}: «{text}» twice", rec["id"]);
            seen.push(text);
            let own = codes_named(rec).iter().any(|c| c == code);
            assert!(
                own || dimension_of(code).is_some(),
                "{}: quote of {code}, neither its code nor mapped to a dimension",
                rec["id"]
            );
        }
    }
}

#[test]
fn a_second_example_keeps_families_and_says_only_what_holds() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let r = run_study(&repo().join("examples/integra-mentoring"), &out, false);
    let report = read(&out, "report.html");
    for a in r["analyses"].as_array().unwrap() {
        if a["kind"] != "compare" || !a["not_run"].is_null() {
            continue;
        }
        let tests = a["tests"].as_array().unwrap().len() + a["many"].as_array().map_or(0, Vec::len);
        let sizes: u64 = a["families"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["tests"].as_u64().unwrap())
            .sum();
        assert_eq!(sizes as usize, tests, "every test is in one family");
    }
    // The methods name the families of its comparison of three countries.
    assert!(
        text(&report).contains("Famiglie di test del confronto «paesi», ciascuna corretta a sé:")
    );
    // Its Likert analysis (by role, five groups) is compared by no test: no gap is claimed.
    assert!(!report.contains("la distanza maggiore"));
}
