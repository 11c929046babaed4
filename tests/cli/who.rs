//! Who answered (issue 18, item 8): the several-answer question (support network) and the number
//! questions (age, years in care) of the example, by territory, as pandas computes them; a
//! question the questionnaire did not ask someone (`msna`, asked only of those born abroad) shown
//! as "not asked"; the histograms written, in the report and byte-identical over reruns; no count
//! under the minimum cell published, and no hidden cell given back by the published counts.

use std::path::Path;

use serde_json::Value;

use crate::common::{example_copy, example_variant, run_study, territory_of};

/// The example's `who` of its survey source.
fn who(r: &Value) -> &Value {
    &r["sources"][0]["who"]
}

fn close(a: &Value, b: f64) {
    let a = a.as_f64().unwrap_or_else(|| panic!("{a} is not a number"));
    assert!((a - b).abs() < 1e-4, "{a} ≠ {b}");
}

fn run_lang(study: &Path, out: &Path, lang: &str) -> String {
    crate::common::run_in(study, out, lang);
    std::fs::read_to_string(out.join("report.html")).unwrap()
}

#[test]
fn support_age_and_years_in_care_as_pandas_computes_them() {
    let dir = tempfile::tempdir().unwrap();
    example_copy(dir.path());
    let r = run_study(dir.path(), &dir.path().join("out"), false);
    let w = who(&r);
    assert_eq!(w["groups"], serde_json::json!(["Prato", "Firenze"]));
    assert!(w["withheld"].is_null());
    // Reference: pandas 3.1.1, numpy 2.4.6, on the example's CSV read with
    //   d = pd.read_csv(csv, sep=';', dtype=str); d.columns = [c.split('/', 1)[-1] for c in d.columns]
    //   d = d.drop_duplicates('respondent_id', keep='first')
    //   t = d.territory.str.strip().str.lower().replace({'po': 'prato', 'fi': 'firenze', 'florence': 'firenze'})
    //   ch = d.support.fillna('').str.split().apply(lambda l: o in l)
    //   ch.groupby(t).sum(), ch.groupby(t).mean() * 100, ch.sum()
    // Everyone answered `support`: the base is 90 in Prato, 110 in Firenze.
    let support = &w["multiple"][0];
    assert_eq!(support["variable"], "support");
    assert_eq!(
        support["reach"]["answered"]["groups"],
        serde_json::json!([90, 110])
    );
    assert_eq!(support["reach"]["answered"]["total"], 200);
    assert!(support["reach"]["no_answer"].is_null() && support["reach"]["not_asked"].is_null());
    // (option, Prato count, Prato %, Firenze count, Firenze %, total)
    let expected = [
        ("assistente_sociale", 36, 40.0, 26, 23.6364, 62),
        ("educatore", 31, 34.4444, 38, 34.5455, 69),
        ("tutor", 28, 31.1111, 39, 35.4545, 67),
        ("famiglia_affidataria", 19, 21.1111, 39, 35.4545, 58),
        ("famiglia_origine", 28, 31.1111, 37, 33.6364, 65),
        ("amici", 33, 36.6667, 31, 28.1818, 64),
    ];
    let options = support["options"].as_array().unwrap();
    for (o, (name, pc, pp, fc, fp, total)) in options.iter().zip(expected) {
        assert_eq!(o["name"], name);
        assert_eq!(o["groups"][0]["count"], pc, "{name}");
        close(&o["groups"][0]["percent"], pp);
        assert_eq!(o["groups"][1]["count"], fc, "{name}");
        close(&o["groups"][1]["percent"], fp);
        assert_eq!(o["total"]["count"], total, "{name}");
        close(&o["total"]["percent"], total as f64 / 2.0);
    }
    // "nessuno": 4 in Prato (below k = 5) and 7 in Firenze: both hidden (the total, 11, would
    // give the one from the other), the total shown.
    let nobody = &options[6];
    assert_eq!(nobody["name"], "nessuno");
    assert!(nobody["groups"][0]["count"].is_null() && nobody["groups"][0]["percent"].is_null());
    assert!(nobody["groups"][1]["count"].is_null() && nobody["groups"][1]["percent"].is_null());
    assert_eq!(nobody["total"]["count"], 11);

    // Quartiles as answers given (R quantile type 1), numpy 2.4.6:
    // np.quantile(x[t == g], [.25, .5, .75], method='inverted_cdf') and the same on x, with
    // x = pd.to_numeric(d[v]). (Type 7, pandas' default, gives Firenze's Q3 of years in care as
    // 13.75, which would tell that exactly 82 answered 13 or less.)
    let numeric = w["numeric"].as_array().unwrap();
    let age = &numeric[0];
    assert_eq!(age["variable"], "age");
    let quartiles = |q: &Value, n: u64, v: [f64; 3]| {
        assert_eq!(q["n"], n);
        close(&q["q1"], v[0]);
        close(&q["median"], v[1]);
        close(&q["q3"], v[2]);
    };
    quartiles(&age["groups"][0], 90, [18.0, 20.0, 21.0]);
    quartiles(&age["groups"][1], 110, [18.0, 19.0, 21.0]);
    quartiles(&age["total"], 200, [18.0, 19.0, 21.0]);
    let years = &numeric[1];
    assert_eq!(years["variable"], "years_in_care");
    quartiles(&years["groups"][0], 90, [6.0, 9.0, 12.0]);
    quartiles(&years["groups"][1], 110, [5.0, 9.0, 14.0]);
    quartiles(&years["total"], 200, [5.0, 9.0, 13.0]);

    // Histograms. Age (16–25): IQR 3, n 200 → Freedman–Diaconis 2·3/200^(1/3) = 1.03 → width 2.
    // pandas: pd.cut(x, [15.5, 17.5, 19.5, 21.5, 23.5, 25.5]).groupby(t).value_counts()
    let bins = |q: &Value| -> Vec<(f64, f64, Value, Value)> {
        q["bins"]
            .as_array()
            .unwrap()
            .iter()
            .map(|b| {
                (
                    b["from"].as_f64().unwrap(),
                    b["to"].as_f64().unwrap(),
                    b["groups"].clone(),
                    b["total"].clone(),
                )
            })
            .collect()
    };
    let j = |p: u64, f: u64| serde_json::json!([p, f]);
    assert_eq!(
        bins(age),
        vec![
            (16.0, 17.0, j(14, 23), 37.into()),
            (18.0, 19.0, j(28, 37), 65.into()),
            (20.0, 21.0, j(30, 27), 57.into()),
            (22.0, 23.0, j(11, 15), 26.into()),
            (24.0, 25.0, j(7, 8), 15.into()),
        ]
    );
    // Years in care (0–25 allowed, answers 1–18): IQR 8 → 2·8/200^(1/3) = 2.74 → width 5; the
    // bins 20–24 and 25–29 are empty and join 15–19, which then ends at the allowed 25.
    // pandas: pd.cut(x, [-0.5, 4.5, 9.5, 14.5, 25.5]).groupby(t).value_counts()
    assert_eq!(
        bins(years),
        vec![
            (0.0, 4.0, j(15, 27), 42.into()),
            (5.0, 9.0, j(33, 31), 64.into()),
            (10.0, 14.0, j(28, 29), 57.into()),
            (15.0, 25.0, j(14, 23), 37.into()),
        ]
    );
}

#[test]
fn msna_is_not_asked_of_those_born_in_italy_in_both_languages() {
    let dir = tempfile::tempdir().unwrap();
    example_copy(dir.path());
    let r = run_study(dir.path(), &dir.path().join("out"), false);
    let profile = crate::common::analysis_of_kind(&r, "crosstab");
    let msna = profile["tables"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["variable"] == "msna")
        .unwrap();
    // pandas: pd.crosstab(d.msna.fillna('NA'), t) → NA: Prato 55, Firenze 47 — exactly those
    // with migrant_background 'no' (pd.crosstab(d.migrant_background, t): no 55, 47); everyone
    // asked answered, so there is no "no answer" row.
    assert!(msna["no_answer"].is_null(), "{msna}");
    assert_eq!(msna["not_asked"][0]["count"], 55);
    assert_eq!(msna["not_asked"][1]["count"], 47);
    assert_eq!(msna["cells"][0][0]["count"], 18);
    assert_eq!(msna["cells"][1][1]["count"], 22);
    // A question asked of everyone keeps no "not asked" row.
    let housing = profile["tables"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["variable"] == "housing")
        .unwrap();
    assert!(housing.get("not_asked").is_none_or(Value::is_null));
    for (lang, not_asked, no_answer) in [
        ("it", "Non previsto", "Non risponde"),
        ("en", "Not asked", "No answer"),
    ] {
        let html = run_lang(dir.path(), &dir.path().join(format!("out-{lang}")), lang);
        let start = html.find("<caption>").unwrap();
        let table = html[start..]
            .split("<div class=\"crosstab\">")
            .find(|t| {
                t.contains(if lang == "it" {
                    "non accompagnato"
                } else {
                    "unaccompanied"
                })
            })
            .unwrap();
        assert!(
            table.contains(&format!("<th scope=\"row\">{not_asked}</th>")),
            "{table}"
        );
        assert!(table.contains("(55)") && table.contains("(47)"), "{table}");
        assert!(!table.contains(no_answer), "{table}");
    }
}

/// The counts the who-answered chapter publishes, each with where.
fn who_counts(r: &Value) -> Vec<(String, u64)> {
    let mut out = Vec::new();
    let mut push = |at: String, v: &Value| {
        if let Some(n) = v.as_u64() {
            out.push((at, n));
        }
    };
    for s in r["sources"].as_array().unwrap() {
        let w = &s["who"];
        let qs = w["multiple"]
            .as_array()
            .unwrap()
            .iter()
            .chain(w["numeric"].as_array().unwrap());
        for q in qs {
            let at = format!("{} {}", s["name"], q["variable"]);
            for (row, line) in q["reach"].as_object().unwrap() {
                if row == "no_answer" {
                    continue; // published as it is when the study publishes non-response
                }
                for (j, v) in line["groups"].as_array().into_iter().flatten().enumerate() {
                    push(format!("{at} {row} {j}"), v);
                }
                push(format!("{at} {row} total"), &line["total"]);
            }
            for o in q["options"].as_array().into_iter().flatten() {
                for (j, c) in o["groups"].as_array().unwrap().iter().enumerate() {
                    push(format!("{at} {} {j}", o["name"]), &c["count"]);
                }
                push(format!("{at} {} total", o["name"]), &o["total"]["count"]);
            }
            for (b, bin) in q["bins"].as_array().into_iter().flatten().enumerate() {
                for (j, c) in bin["groups"].as_array().unwrap().iter().enumerate() {
                    push(format!("{at} bin {b} {j}"), c);
                }
                push(format!("{at} bin {b} total"), &bin["total"]);
            }
            let summaries = q["groups"]
                .as_array()
                .into_iter()
                .flatten()
                .chain([&q["total"]]);
            for g in summaries.filter(|g| g.get("n").is_some()) {
                push(format!("{at} n"), &g["n"]);
            }
        }
    }
    out
}

/// An attacker on one option of a several-answer question: the unknowns are the hidden counts
/// of those choosing it in each territory; what is known: each shown count, each territory's
/// number who answered (or, hidden, at most its size), and the option's total. Every assignment
/// consistent with them is enumerated; a hidden count that takes one value in all is given back.
fn recovered(option: &Value, base: &[Option<u64>], sizes: &[u64]) -> Vec<usize> {
    let groups = option["groups"].as_array().unwrap();
    let hidden: Vec<usize> = (0..groups.len())
        .filter(|&j| groups[j]["count"].is_null())
        .collect();
    let shown: u64 = groups.iter().filter_map(|c| c["count"].as_u64()).sum();
    let total = option["total"]["count"].as_u64();
    let upper: Vec<u64> = hidden
        .iter()
        .map(|&j| base[j].unwrap_or(sizes[j]))
        .collect();
    let mut values: Vec<std::collections::BTreeSet<u64>> = vec![Default::default(); hidden.len()];
    let mut x = vec![0u64; hidden.len()];
    loop {
        if total.is_none_or(|t| shown + x.iter().sum::<u64>() == t) {
            for (k, v) in x.iter().enumerate() {
                values[k].insert(*v);
            }
        }
        // Next assignment (odometer).
        let mut k = 0;
        while k < x.len() {
            if x[k] < upper[k] {
                x[k] += 1;
                break;
            }
            x[k] = 0;
            k += 1;
        }
        if k == x.len() {
            break;
        }
    }
    hidden
        .iter()
        .zip(&values)
        .filter(|(_, v)| v.len() == 1)
        .map(|(&j, _)| j)
        .collect()
}

#[test]
fn the_attacker_recovers_a_lone_hidden_option_count() {
    // Shown: Prato 4 hidden, Firenze 7 shown, total 11 → Prato is 4.
    let naive = serde_json::json!({
        "groups": [{"count": null}, {"count": 7}],
        "total": {"count": 11}
    });
    assert_eq!(
        recovered(&naive, &[Some(90), Some(110)], &[90, 110]),
        vec![0]
    );
    // Both hidden with the total: not recovered.
    let safe = serde_json::json!({
        "groups": [{"count": null}, {"count": null}],
        "total": {"count": 11}
    });
    assert!(recovered(&safe, &[Some(90), Some(110)], &[90, 110]).is_empty());
    // Both hidden, but a base of 3 and a total of 3 + 110 pin both.
    let pinned = serde_json::json!({
        "groups": [{"count": null}, {"count": null}],
        "total": {"count": 113}
    });
    assert_eq!(
        recovered(&pinned, &[Some(3), Some(110)], &[3, 110]),
        vec![0, 1]
    );
}

#[test]
fn no_small_count_and_no_hidden_count_given_back_with_a_small_territory() {
    // Empoli gets 3, then 7, of Firenze's respondents: its size hidden, or shown and small.
    let k = 5;
    for moved in [3, 7, 12] {
        let dir = tempfile::tempdir().unwrap();
        let study = example_variant(
            dir.path(),
            territory_of(moved),
            "[[territories]]\nname = \"Empoli\"\n",
        );
        let r = run_study(&study, &dir.path().join("out"), false);
        for (at, n) in who_counts(&r) {
            assert!(
                n >= k,
                "{moved} moved: {at} = {n} is published, below k = {k}"
            );
        }
        let sizes: Vec<u64> = r["sources"][0]["territories"]
            .as_array()
            .unwrap()
            .iter()
            .map(|g| {
                g["n"].as_u64().unwrap_or(if g["group"] == "Empoli" {
                    moved as u64
                } else {
                    200
                })
            })
            .collect();
        let w = who(&r);
        for q in w["multiple"].as_array().unwrap() {
            let base: Vec<Option<u64>> = q["reach"]["answered"]["groups"]
                .as_array()
                .unwrap()
                .iter()
                .map(Value::as_u64)
                .collect();
            for o in q["options"].as_array().unwrap() {
                let found = recovered(o, &base, &sizes);
                assert!(
                    found.is_empty(),
                    "{moved} moved: {} {} given back in {found:?}",
                    q["variable"],
                    o["name"]
                );
            }
        }
        // A histogram: no line (a territory's bins with its n, a bin's territories with its total)
        // with exactly one hidden count.
        for q in w["numeric"].as_array().unwrap() {
            let bins = q["bins"].as_array().unwrap();
            let n = &q["reach"]["answered"];
            for j in 0..w["groups"].as_array().unwrap().len() {
                let hidden = bins.iter().filter(|b| b["groups"][j].is_null()).count();
                assert!(
                    !(hidden == 1 && n["groups"][j].is_u64()),
                    "{moved}: {} column {j}",
                    q["variable"]
                );
            }
            for b in bins {
                let hidden = b["groups"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .filter(|c| c.is_null())
                    .count();
                assert!(
                    !(hidden == 1 && b["total"].is_u64()),
                    "{moved}: {} bin {b}",
                    q["variable"]
                );
            }
        }
        // A median needs 2k answers and a published n.
        for q in w["numeric"].as_array().unwrap() {
            for g in q["groups"].as_array().unwrap().iter().chain([&q["total"]]) {
                if !g["median"].is_null() {
                    assert!(g["n"].as_u64().is_some_and(|n| n >= 2 * k), "{moved}: {g}");
                }
            }
        }
        if moved == 3 {
            // Empoli's 3 are hidden everywhere in the chapter.
            assert!(w["numeric"][0]["groups"][2]["n"].is_null());
            assert!(w["numeric"][0]["groups"][2]["median"].is_null());
        }
    }
}

#[test]
fn histograms_are_in_the_report_and_byte_identical_over_reruns() {
    let dir = tempfile::tempdir().unwrap();
    example_copy(dir.path());
    let a = dir.path().join("a");
    let b = dir.path().join("b");
    let html = run_lang(dir.path(), &a, "it");
    run_lang(dir.path(), &b, "it");
    for (name, desc) in [
        (
            "who-care-leavers-age.svg",
            "Tutti (n=200): 16–17: 37, 18–19: 65, 20–21: 57",
        ),
        (
            "who-care-leavers-years-in-care.svg",
            "Tutti (n=200): 0–4: 42, 5–9: 64, 10–14: 57, 15–25: 37. Prato (n=90): 0–4: 15",
        ),
    ] {
        let first = std::fs::read(a.join("charts").join(name)).unwrap();
        assert_eq!(
            first,
            std::fs::read(b.join("charts").join(name)).unwrap(),
            "{name}"
        );
        let svg = String::from_utf8(first).unwrap();
        assert!(svg.contains("role=\"img\""), "{name}");
        // The description gives every panel's counts, in words.
        assert!(svg.contains(desc), "{name}: {svg}");
    }
    let who = &html[html.find("<section id=\"who\"").unwrap()..];
    let who = &who[..who.find("</section>").unwrap()];
    assert!(
        who.contains("Distribuzione delle risposte — Quanti anni hai?"),
        "{who}"
    );
    assert!(who.contains("<caption>Su chi puoi contare per un consiglio? (più risposte)</caption>"));
    assert!(who.contains("<th scope=\"row\">Assistente sociale</th><td class=\"num\">40\u{a0}% <span class=\"small\">(36)</span></td>"));
    assert_eq!(
        std::fs::read(a.join("results.json")).unwrap(),
        std::fs::read(b.join("results.json")).unwrap()
    );
}

/// A questionnaire of conditional questions: `help` (several answers) asked only of those who
/// said they need help, `months` (a number) only of those who chose `casa` in `help`.
fn conditional_form(path: &Path) {
    use rust_xlsxwriter::Workbook;
    let mut book = Workbook::new();
    let survey = book.add_worksheet().set_name("survey").unwrap();
    let rows: [[&str; 5]; 6] = [
        [
            "type",
            "name",
            "label::Italiano (it)",
            "label::English (en)",
            "relevant",
        ],
        ["text", "respondent_id", "Codice", "Code", ""],
        [
            "select_one terr",
            "territory",
            "Territorio",
            "Territory",
            "",
        ],
        [
            "select_one sino",
            "needs",
            "Ti serve aiuto?",
            "Do you need help?",
            "",
        ],
        [
            "select_multiple aiuto",
            "help",
            "Per che cosa?",
            "With what?",
            "${needs} = 'si'",
        ],
        [
            "integer",
            "months",
            "Da quanti mesi cerchi casa?",
            "For how many months have you been looking for a home?",
            "selected(${help}, 'casa')",
        ],
    ];
    for (i, row) in rows.iter().enumerate() {
        for (j, v) in row.iter().enumerate() {
            survey.write_string(i as u32, j as u16, *v).unwrap();
        }
    }
    let choices = book.add_worksheet().set_name("choices").unwrap();
    let list: [[&str; 4]; 7] = [
        [
            "list_name",
            "name",
            "label::Italiano (it)",
            "label::English (en)",
        ],
        ["terr", "Prato", "Prato", "Prato"],
        ["terr", "Firenze", "Firenze", "Firenze"],
        ["sino", "si", "Sì", "Yes"],
        ["sino", "no", "No", "No"],
        ["aiuto", "casa", "Casa", "Home"],
        ["aiuto", "lavoro", "Lavoro", "Work"],
    ];
    for (i, row) in list.iter().enumerate() {
        for (j, v) in row.iter().enumerate() {
            choices.write_string(i as u32, j as u16, *v).unwrap();
        }
    }
    book.save(path).unwrap();
}

#[test]
fn conditional_several_answer_and_number_questions_count_the_unasked_apart() {
    let dir = tempfile::tempdir().unwrap();
    conditional_form(&dir.path().join("form.xlsx"));
    // The rows, built the same way in Python for pandas: for i in range(80): t = 'Prato' if
    // i < 40 else 'Firenze'; needs = 'si' if i % 3 else 'no'; help = {0: 'casa lavoro', 2:
    // 'casa', 3: 'lavoro'}[i % 4] if needs == 'si' and i % 4 != 1 else ''; months = 1 + i % 12
    // if 'casa' in help.split() else ''.
    let mut csv = String::from("respondent_id;territory;needs;help;months\n");
    for i in 0..80 {
        let t = if i < 40 { "Prato" } else { "Firenze" };
        let needs = if i % 3 != 0 { "si" } else { "no" };
        let (mut help, mut months) = ("", String::new());
        if needs == "si" && i % 4 != 1 {
            help = ["casa lavoro", "", "casa", "lavoro"][i % 4];
            if help.split(' ').any(|x| x == "casa") {
                months = (1 + i % 12).to_string();
            }
        }
        csv.push_str(&format!("R{i};{t};{needs};{help};{months}\n"));
    }
    std::fs::write(dir.path().join("data.csv"), csv).unwrap();
    std::fs::write(
        dir.path().join("study.toml"),
        r#"title = "Conditional"
languages = ["it", "en"]
analyses = []

[[territories]]
name = "Prato"

[[territories]]
name = "Firenze"

[[sources]]
path = "data.csv"
instrument = "form.xlsx"
id_column = "respondent_id"
territory_column = "territory"
"#,
    )
    .unwrap();
    let r = run_study(dir.path(), &dir.path().join("out"), false);
    let w = who(&r);
    // pandas 3.1.1 on the same rows, d = pd.DataFrame(rows()).replace('', np.nan), g = d.territory:
    //   asked = d.needs == 'si'; (~asked).groupby(g).sum() → Prato 14, Firenze 13
    //   d.help.notna().groupby(g).sum() → 19, 20; (asked & d.help.isna()).groupby(g).sum() → 7, 7
    //   chosen o: d.help.fillna('').str.split().apply(lambda l: o in l).groupby(g).sum()
    //   → casa 13, 13 (26); lavoro 12, 14 (26)
    let help = &w["multiple"][0];
    assert_eq!(help["variable"], "help");
    let line = |l: &Value| (l["groups"].clone(), l["total"].clone());
    let j = |a: u64, b: u64, t: u64| (serde_json::json!([a, b]), Value::from(t));
    assert_eq!(line(&help["reach"]["answered"]), j(19, 20, 39));
    assert_eq!(line(&help["reach"]["no_answer"]), j(7, 7, 14));
    assert_eq!(line(&help["reach"]["not_asked"]), j(14, 13, 27));
    let counts = |o: &Value| {
        let g: Vec<Value> = o["groups"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["count"].clone())
            .collect();
        (Value::from(g), o["total"]["count"].clone())
    };
    assert_eq!(counts(&help["options"][0]), j(13, 13, 26));
    assert_eq!(counts(&help["options"][1]), j(12, 14, 26));
    close(
        &help["options"][1]["groups"][0]["percent"],
        100.0 * 12.0 / 19.0,
    );
    // months: asked of those who chose casa; everyone asked answered.
    //   m = pd.to_numeric(d.months); m.notna().groupby(g).sum() → 13, 13; not asked 27, 27
    //   np.quantile(m.dropna(), [.25, .5, .75], method='inverted_cdf') → [3, 5, 9]
    let months = &w["numeric"][0];
    assert_eq!(line(&months["reach"]["answered"]), j(13, 13, 26));
    assert!(months["reach"]["no_answer"].is_null());
    assert_eq!(line(&months["reach"]["not_asked"]), j(27, 27, 54));
    assert_eq!(months["total"]["n"], 26);
    close(&months["total"]["q1"], 3.0);
    close(&months["total"]["median"], 5.0);
    close(&months["total"]["q3"], 9.0);
    for (at, n) in who_counts(&r) {
        assert!(n >= 5, "{at} = {n}");
    }
    for (lang, not_asked, note) in [
        ("it", "Non previsto", "«Non previsto»"),
        ("en", "Not asked", "“Not asked”"),
    ] {
        let html = run_lang(dir.path(), &dir.path().join(format!("out-{lang}")), lang);
        let who = &html[html.find("<section id=\"who\"").unwrap()..];
        let who = &who[..who.find("</section>").unwrap()];
        assert_eq!(
            who.matches(&format!("<th scope=\"row\">{not_asked}</th>"))
                .count(),
            2,
            "{who}"
        );
        assert!(who.contains(note), "{who}");
    }
}
