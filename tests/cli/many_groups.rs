//! Issue 15, part 3: a comparison of more than two groups (Kruskal–Wallis with Dunn's pairs and
//! rank intervals) end to end, on the example study split into seven territories, and the
//! cross-tables' adjusted residuals in the report.

use std::path::Path;

use serde_json::Value;

use crate::common::{analysis_of_kind, example_variant, replace_in_study, repo, run_study};

const FIVE: [&str; 5] = ["Firenze", "Empoli", "Pistoia", "Lucca", "Siena"];

/// The example's Firenze respondents (as spelled "Firenze") dealt in file order to Firenze,
/// Empoli, Pistoia, Lucca and Siena in turn, and its first six Prato respondents moved to Pisa
/// (six: their count is published, but fewer than the ten a summary needs).
fn seven_territories(rows: &mut [Vec<String>]) {
    let col = rows[0]
        .iter()
        .position(|h| h.ends_with("/territory"))
        .unwrap();
    let (mut fi, mut po) = (0, 0);
    for r in rows.iter_mut().skip(1) {
        if r[col] == "Firenze" {
            r[col] = FIVE[fi % 5].into();
            fi += 1;
        } else if r[col] == "Prato" {
            if po < 6 {
                r[col] = "Pisa".into();
            }
            po += 1;
        }
    }
}

const TERRITORIES: &str = "[[territories]]\nname = \"Empoli\"\n\n[[territories]]\nname = \"Pistoia\"\n\n[[territories]]\nname = \"Lucca\"\n\n[[territories]]\nname = \"Siena\"\n\n[[territories]]\nname = \"Pisa\"\n";

/// The variant study, its comparison of territories over every group (no `groups`).
fn study(dir: &Path) {
    example_variant(dir, |rows| seven_territories(rows), TERRITORIES);
    let core = std::fs::read_to_string(repo().join("analyses/care-leavers-core.toml")).unwrap();
    let from = "groups = [\"Prato\", \"Firenze\"]\n";
    assert!(core.contains(from));
    std::fs::write(dir.join("core.toml"), core.replace(from, "")).unwrap();
    replace_in_study(
        dir,
        &repo()
            .join("analyses/care-leavers-core.toml")
            .display()
            .to_string(),
        &dir.join("core.toml").display().to_string(),
    );
}

fn find<'a>(list: &'a Value, key: &str, value: &str) -> &'a Value {
    list.as_array()
        .unwrap()
        .iter()
        .find(|x| x[key] == value)
        .unwrap_or_else(|| panic!("no {key} = {value}"))
}

fn close(a: &Value, b: f64, tol: f64) {
    let a = a.as_f64().unwrap_or_else(|| panic!("{a} is not a number"));
    assert!((a - b).abs() <= tol * b.abs(), "{a} != {b}");
}

#[test]
fn seven_territories_are_compared_at_once_with_rank_intervals() {
    let dir = tempfile::tempdir().unwrap();
    study(dir.path());
    let out = dir.path().join("out");
    let r = run_study(dir.path(), &out, false);
    let c = analysis_of_kind(&r, "compare");
    let names: Vec<&str> = c["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g.as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["Prato", "Firenze", "Empoli", "Pistoia", "Lucca", "Siena", "Pisa"]
    );
    assert!(c["method"].as_str().unwrap().starts_with("Kruskal–Wallis"));
    assert!(c["tests"].as_array().unwrap().is_empty());
    let many = c["many"].as_array().unwrap();
    assert!(many.len() >= 9, "{}", many.len());

    // The reference: the example's CSV with the same split, read by pandas, aliases of Firenze
    // ('Florence', 'FIRENZE ', 'firenze') as Firenze, the first answer of a duplicated id kept, each scale's score the mean of its answered
    // items when at least two of three are (house_3 reverse-keyed: 6 − x), the groups with ten
    // scores or more; scipy 1.17.1 stats.kruskal(*groups) and scikit-posthocs 0.17.1
    // posthoc_dunn(long, val_col='v', group_col='g', p_adjust='holm'); the rank intervals by the
    // Python reimplementation written in src/stats/ranks.rs (means, std(ddof=1)/√n).
    //
    // casa: n Prato 83, Firenze 25, Empoli 20, Pistoia 21, Lucca 21, Siena 21, Pisa 6 (left
    // out) → H 35.47062603265889, p 1.2118888599148736e-06, ε² 0.1866875054350468; the Holm-
    // adjusted pairs below 0.05: Prato–Pistoia 0.0013824705116732886, Prato–Lucca
    // 0.004807154008057902, Prato–Siena 5.668913576510627e-05, each with Prato lower; ranks
    // Prato (4, 6), Firenze (1, 6), Empoli (1, 6), Pistoia (1, 5), Lucca (1, 5), Siena (1, 5).
    let casa = find(&c["many"], "variable", "casa");
    close(&casa["h"], 35.47062603265889, 1e-10);
    close(&casa["p"], 1.2118888599148736e-06, 1e-8);
    close(&casa["epsilon_squared"], 0.1866875054350468, 1e-10);
    assert_eq!(casa["df"], 5);
    assert!(casa["p_adjusted"].as_f64().unwrap() < 0.05);
    let n: Vec<Value> = casa["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["n"].clone())
        .collect();
    assert_eq!(
        n,
        serde_json::json!([83, 25, 20, 21, 21, 21, null])
            .as_array()
            .unwrap()
            .clone()
    );
    let differ: Vec<(&str, &str, f64)> = casa["differ"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["higher"].as_str().unwrap(),
                d["lower"].as_str().unwrap(),
                d["p_adjusted"].as_f64().unwrap(),
            )
        })
        .collect();
    let want = [
        ("Pistoia", 0.0013824705116732886),
        ("Lucca", 0.004807154008057902),
        ("Siena", 5.668913576510627e-05),
    ];
    assert_eq!(differ.len(), 3, "{differ:?}");
    for ((higher, lower, p), (w, wp)) in differ.iter().zip(want) {
        assert_eq!((*higher, *lower), (w, "Prato"));
        assert!((p - wp).abs() <= 1e-8 * wp);
    }
    let ranks: Vec<Value> = casa["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["rank"].clone())
        .collect();
    assert_eq!(
        ranks,
        serde_json::json!([[4, 6], [1, 6], [1, 6], [1, 5], [1, 5], [1, 5], null])
            .as_array()
            .unwrap()
            .clone()
    );
    close(&casa["groups"][0]["mean"], 2.676706827309237, 1e-12);
    // lavoro: H 6.694806266769237, p 0.244345180831034; no pair differs; every rank 1–6.
    let lavoro = find(&c["many"], "variable", "lavoro");
    close(&lavoro["h"], 6.694806266769237, 1e-10);
    close(&lavoro["p"], 0.244345180831034, 1e-8);
    assert!(lavoro["differ"].as_array().unwrap().is_empty());
    assert!(lavoro["groups"].as_array().unwrap()[..6]
        .iter()
        .all(|g| g["rank"] == serde_json::json!([1, 6])));

    // Disclosure: Pisa (six answers) is left out of every test, named, with nothing of its
    // values published; and no group in a test of a statement has an answer given by one to
    // four people (counted here from the CSV), nor fewer than ten answers.
    let csv = std::fs::read_to_string(dir.path().join("data.csv")).unwrap();
    let rows: Vec<Vec<&str>> = csv.lines().map(|l| l.split(';').collect()).collect();
    let tcol = rows[0]
        .iter()
        .position(|h| h.ends_with("/territory"))
        .unwrap();
    let canonical = |t: &str| match t.trim().to_lowercase().as_str() {
        "florence" | "firenze" | "fi" => "Firenze".to_string(),
        _ => t.to_string(),
    };
    for t in many {
        let pisa = &t["groups"][6];
        assert_eq!(pisa["group"], "Pisa");
        assert_eq!(pisa["left_out"], "few_answers", "{}", t["variable"]);
        for key in ["n", "mean", "median", "ci95", "rank"] {
            assert!(pisa[key].is_null(), "{} {key}", t["variable"]);
        }
        for g in t["groups"].as_array().unwrap() {
            assert_eq!(g["n"].is_null(), !g["left_out"].is_null());
            if let Some(n) = g["n"].as_u64() {
                assert!(n >= 10);
            }
        }
        if t["kind"] != "item" {
            continue;
        }
        let item = t["variable"].as_str().unwrap();
        let col = rows[0]
            .iter()
            .position(|h| h.ends_with(&format!("/{item}")))
            .unwrap();
        for g in t["groups"].as_array().unwrap() {
            if !g["left_out"].is_null() {
                continue;
            }
            let name = g["group"].as_str().unwrap();
            for answer in ["1", "2", "3", "4", "5"] {
                let k = rows[1..]
                    .iter()
                    .filter(|r| canonical(r[tcol]) == name && r[col] == answer)
                    .count();
                assert!(k == 0 || k >= 5, "{item} {name}: {k} answered {answer}");
            }
        }
    }
    // Groups are left out of statements for rare answers too (about 20 answers each).
    assert!(many
        .iter()
        .flat_map(|t| t["groups"].as_array().unwrap())
        .any(|g| g["left_out"] == "rare_answer" || g["left_out"] == "hidden_elsewhere"));

    // A rule on a comparison of many groups reads its adjusted p (`significant = true`).
    let rec = analysis_of_kind(&r, "recommendations");
    let gap = find(&rec["recommendations"], "id", "housing-gap");
    assert_eq!(
        gap["evidence"][0]["p_adjusted"].as_f64().unwrap(),
        casa["p_adjusted"].as_f64().unwrap()
    );

    // The report: the family's table, the ranking of casa with its rank intervals, Pisa named
    // as left out with why, the methods with their references; the same in Markdown.
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(
        html.contains("7 gruppi: test di Kruskal–Wallis"),
        "no family table"
    );
    assert!(html.contains("Gruppi che differiscono (Dunn, Holm)"));
    assert!(html.contains("Siena&nbsp;&gt;&nbsp;Prato"));
    assert!(html.contains("Pisa (meno di 10 risposte)"));
    assert!(html.contains("i gruppi in ordine di media"));
    assert!(html.contains("<td class=\"num\">4–6</td><th scope=\"row\">Prato</th>"));
    for cite in [
        "Kruskal &amp; Wallis (1952)",
        "Dunn (1964)",
        "Tomczak &amp; Tomczak (2014)",
        "Mogstad, Romano, Shaikh &amp; Wilhelm (2024)",
    ] {
        assert!(html.contains(cite), "{cite}");
    }
    assert!(!html.contains("NaN"));
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(md.contains(
        "| Variabile | H (df) | p corretto | ε² | Gruppi che differiscono (Dunn, Holm) |"
    ));
    assert!(md.contains("Siena\u{a0}&gt;\u{a0}Prato"), "{md}");
    assert!(md.contains("| 4–6 | **Prato** | 83 | 2,68 ("), "{md}");
    assert!(md.contains("Pisa (meno di 10 risposte)"));
    assert!(!md.contains("NaN"));

    // tables.xlsx: the family and the ranking.
    use calamine::{open_workbook, Data, Reader, Xlsx};
    let mut book: Xlsx<_> = open_workbook(out.join("tables.xlsx")).unwrap();
    let sheets = book.sheet_names();
    let family = sheets
        .iter()
        .find(|s| s.as_str() == "territories")
        .unwrap()
        .clone();
    let ranking = sheets
        .iter()
        .find(|s| s.as_str() == "territories ranking")
        .unwrap()
        .clone();
    let f = book.worksheet_range(&family).unwrap();
    let row = f
        .rows()
        .find(|r| r[0] == Data::String("casa".into()))
        .unwrap();
    assert_eq!(
        row[9],
        Data::String("Pistoia > Prato, Lucca > Prato, Siena > Prato".into())
    );
    let k = book.worksheet_range(&ranking).unwrap();
    let prato = k
        .rows()
        .find(|r| r[0] == Data::String("casa".into()) && r[2] == Data::String("Prato".into()))
        .unwrap();
    assert_eq!(
        (&prato[8], &prato[9]),
        (&Data::Float(4.0), &Data::Float(6.0))
    );
}

#[test]
fn cross_tables_mark_adjusted_residuals_beyond_1_96() {
    // The example as it is: two territories, the profile's tests shown where nothing is hidden.
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let r = run_study(&repo().join("examples/caring-prato-firenze"), &out, false);
    let x = analysis_of_kind(&r, "crosstab");
    let mut marked = 0;
    for t in x["tables"].as_array().unwrap() {
        let Some(res) = t["residuals"].as_array() else {
            // No residual without the test, nor beside a hidden count.
            assert!(t["tests"].is_null(), "{}", t["variable"]);
            continue;
        };
        // As the test's, one per cell, only where the count is published.
        let tested = t["tests"]["adjusted_residuals"].as_array().unwrap();
        assert_eq!(res.len(), tested.len());
        for (i, row) in res.iter().enumerate() {
            for (j, v) in row.as_array().unwrap().iter().enumerate() {
                if let Some(v) = v.as_f64() {
                    assert!(t["cells"][i][j]["count"].is_u64());
                    if v.abs() > 1.96 {
                        marked += 1;
                    }
                }
            }
        }
    }
    assert!(marked > 0, "the example has a cell beyond ±1.96");
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(
        html.contains("class=\"num resid-more\"") || html.contains("class=\"num resid-fewer\"")
    );
    assert!(
        html.contains("<span class=\"visually-hidden\"> più risposte dell&#x27;atteso")
            || html.contains("<span class=\"visually-hidden\"> meno risposte dell&#x27;atteso")
    );
    assert!(html.contains("▲ &#x2f; ▼: in quel gruppo la risposta"));
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(md.contains(") ▲ |") || md.contains(") ▼ |"));
    assert!(md.contains("▲ / ▼: in quel gruppo la risposta"));
    use calamine::{open_workbook, Reader, Xlsx};
    let book: Xlsx<_> = open_workbook(out.join("tables.xlsx")).unwrap();
    assert!(book.sheet_names().iter().any(|s| s == "profile residuals"));
}

#[test]
fn no_residual_is_published_with_perturbed_counts() {
    // With the cell-key method the counts are perturbed but a test rests on the true ones: the
    // residuals of every cell would let a reader find the true table, so none is published.
    let dir = tempfile::tempdir().unwrap();
    let study = example_variant(dir.path(), |_| {}, "");
    replace_in_study(
        &study,
        "nonresponse = \"publish\"",
        "nonresponse = \"publish\"\nmethod = \"cell-key\"",
    );
    let out = dir.path().join("out");
    let r = run_study(&study, &out, false);
    let x = analysis_of_kind(&r, "crosstab");
    let tables = x["tables"].as_array().unwrap();
    assert!(tables.iter().any(|t| !t["tests"].is_null()));
    for t in tables {
        assert!(t.get("residuals").is_none(), "{}", t["variable"]);
        if let Some(res) = t["tests"]["adjusted_residuals"].as_array() {
            assert!(res.is_empty(), "{}", t["variable"]);
        }
    }
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(!md.contains('▲') && !md.contains('▼'));
    use calamine::{open_workbook, Data, Reader, Xlsx};
    let mut book: Xlsx<_> = open_workbook(out.join("tables.xlsx")).unwrap();
    let sheet = book.worksheet_range("profile residuals").unwrap();
    // The header only.
    assert_eq!(sheet.rows().count(), 1);
    assert_eq!(
        sheet.rows().next().unwrap()[0],
        Data::String("variable".into())
    );
}

#[test]
fn three_named_groups_are_compared_in_their_order_and_reruns_are_identical() {
    let dir = tempfile::tempdir().unwrap();
    study(dir.path());
    let core = dir.path().join("core.toml");
    let text = std::fs::read_to_string(&core).unwrap();
    let from = "kind = \"compare\"\n";
    assert!(text.contains(from));
    std::fs::write(
        &core,
        text.replacen(
            from,
            "kind = \"compare\"\ngroups = [\"Siena\", \"Prato\", \"Lucca\"]\n",
            1,
        ),
    )
    .unwrap();
    let r = run_study(dir.path(), &dir.path().join("a"), false);
    let c = analysis_of_kind(&r, "compare");
    assert_eq!(c["groups"], serde_json::json!(["Siena", "Prato", "Lucca"]));
    let casa = find(&c["many"], "variable", "casa");
    assert_eq!(casa["df"], 2);
    assert_eq!(casa["groups"][0]["n"], 21);
    assert!(c.get("left_out_everywhere").is_none());
    // The same run again writes the same bytes.
    run_study(dir.path(), &dir.path().join("b"), false);
    for file in ["results.json", "report.md", "report.html"] {
        let a = std::fs::read(dir.path().join("a").join(file)).unwrap();
        let b = std::fs::read(dir.path().join("b").join(file)).unwrap();
        assert!(a == b, "{file} differs between runs");
    }
}
