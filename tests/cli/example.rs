//! The example study, end to end: it runs, its numbers agree with an independent computation,
//! its outputs are deterministic and safe, and its shipped files do not drift from the code that
//! generates them.

use std::path::Path;

use serde_json::Value;

use crate::common::{capakit, example_copy, example_toml, repo};

fn run_example(out: &Path, lang: &str) -> Value {
    capakit()
        .args([
            "run",
            "examples/caring-prato-firenze",
            "--lang",
            lang,
            "--out",
        ])
        .arg(out)
        .current_dir(repo())
        .assert()
        .success();
    serde_json::from_str(&std::fs::read_to_string(out.join("results.json")).unwrap()).unwrap()
}

fn analysis<'a>(r: &'a Value, id: &str) -> &'a Value {
    r["analyses"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["id"] == id)
        .unwrap()
}

fn close(a: &Value, b: f64, tol: f64) {
    let a = a.as_f64().unwrap_or_else(|| panic!("not a number: {a}"));
    assert!((a - b).abs() <= tol * b.abs().max(1e-300), "{a} vs {b}");
}

#[test]
fn example_runs_and_matches_an_independent_computation() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("caring");
    let r = run_example(&out, "it");
    for f in [
        "report.html",
        "report.md",
        "results.json",
        "charts/scales.svg",
        "charts/likert-casa.svg",
    ] {
        assert!(out.join(f).is_file(), "{f} missing");
    }
    let src = &r["sources"][0];
    assert_eq!(src["n"], 200);
    assert_eq!(
        src["territories"],
        serde_json::json!([
            {"group": "Prato", "n": 90, "suppressed": null},
            {"group": "Firenze", "n": 110, "suppressed": null}
        ])
    );
    assert_eq!(
        src["dropped"],
        serde_json::json!([{"row": 202, "reason": "duplicate-id", "kept_row": 43}])
    );

    // Reference: pandas + scipy 1.17.1 + pingouin 0.7.0 on the same CSV, duplicates dropped
    // (keep='first'), territory spellings folded, scale = row mean of items (house_3 and rel_3
    // as 6 − x) when at least 2 of 3 are answered:
    //   casa: Prato n=89 mean 2.6161048689138573 (sd 0.9236662833615578), Firenze n=108 mean
    //   3.427469135802469; mannwhitneyu(prato, firenze, method='asymptotic') → U = 2543.0,
    //   p = 1.1707932968308732e-08; pingouin.cronbach_alpha(items, nan_policy='listwise')
    //   → 0.8330640212722438. relazioni: U = 6942.5, p = 3.5629825217130097e-07, alpha
    //   0.8080619487032186. Item edu_1: U = 3863.5, p = 0.0907105211693472.
    let scales = analysis(&r, "scales");
    let casa = scales["scales"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["scale"] == "casa")
        .unwrap();
    assert_eq!(casa["groups"][0]["n"], 89);
    close(&casa["groups"][0]["mean"], 2.6161048689138573, 1e-12);
    close(&casa["groups"][0]["sd"], 0.9236662833615578, 1e-12);
    close(&casa["groups"][1]["mean"], 3.427469135802469, 1e-12);
    close(&casa["alpha"]["raw_alpha"], 0.8330640212722438, 1e-9);

    let cmp = analysis(&r, "territories");
    assert_eq!(cmp["correction"], "holm");
    let test = |v: &str| {
        cmp["tests"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["variable"] == v)
            .unwrap()
            .clone()
    };
    close(&test("casa")["u"], 2543.0, 0.0);
    close(&test("casa")["p"], 1.1707932968308732e-08, 1e-6);
    close(&test("relazioni")["u"], 6942.5, 0.0);
    close(&test("relazioni")["p"], 3.5629825217130097e-07, 1e-6);
    close(&test("edu_1")["u"], 3863.5, 0.0);
    close(&test("edu_1")["p"], 0.0907105211693472, 1e-6);

    // Welch beside Mann–Whitney: scipy ttest_ind(prato, firenze, equal_var=False) on the casa
    // scores → t = -6.0874296623834825, p = 6.263525677253536e-09, df = 189.04449726580566;
    // pingouin compute_effsize(eftype='hedges') → -0.8666689270631875
    let welch = &test("casa")["welch"];
    close(&welch["t"], -6.0874296623834825, 1e-9);
    close(&welch["p"], 6.263525677253536e-09, 1e-6);
    close(&welch["df"], 189.04449726580566, 1e-9);
    close(&welch["hedges_g"], -0.8666689270631875, 1e-9);
    assert!(test("casa")["p_exact"].is_null(), "ties: no exact p");

    // The profile: pandas crosstab + scipy chi2_contingency(correction=False) on autonomy_tutor ×
    // territory ([[44, 77], [46, 33]]) → 9.231556066999108, p 0.0023787940076006845;
    // association(method='cramer') → 0.21484361832504018; fisher_exact → odds ratio
    // 0.40993788819875776, p 0.0035207968373156015; statsmodels proportion_confint(44, 90,
    // method='wilson') → (0.388204916198729, 0.590482542147145). gender has cells of 3 and 4
    // people: they are hidden, and so is its test (the statistic would give them away).
    let profile = analysis(&r, "profile");
    let table = |v: &str| {
        profile["tables"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["variable"] == v)
            .unwrap()
            .clone()
    };
    let tutor = table("autonomy_tutor");
    assert_eq!(tutor["categories"], serde_json::json!(["si", "no"]));
    assert_eq!(tutor["cells"][0][0]["count"], 44);
    close(&tutor["cells"][0][0]["ci95"][0], 38.8204916198729, 1e-9);
    close(&tutor["cells"][0][0]["ci95"][1], 59.0482542147145, 1e-9);
    close(
        &tutor["tests"]["chi2"]["statistic"],
        9.231556066999108,
        1e-9,
    );
    close(&tutor["tests"]["chi2"]["p"], 0.0023787940076006845, 1e-6);
    close(&tutor["tests"]["cramers_v"], 0.21484361832504018, 1e-9);
    close(
        &tutor["tests"]["fisher"]["odds_ratio"],
        0.40993788819875776,
        1e-9,
    );
    close(&tutor["tests"]["fisher"]["p"], 0.0035207968373156015, 1e-6);
    let gender = table("gender");
    assert_eq!(gender["cells"][0][0]["count"], 35);
    for row in [2, 3] {
        for col in [0, 1] {
            let cell = &gender["cells"][row][col];
            assert!(
                cell["count"].is_null() && cell["percent"].is_null(),
                "{cell}"
            );
            assert!(!cell["suppressed"].is_null());
        }
    }
    assert!(gender["tests"].is_null() && gender["withheld"].is_string());
    assert_eq!(r["min_cell"], 5);

    // The methods appendix names what ran, with references.
    let methods: Vec<&str> = r["methods"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["key"].as_str().unwrap())
        .collect();
    for m in ["alpha", "compare", "crosstab", "likert"] {
        assert!(methods.contains(&m), "{methods:?}");
    }
    assert!(!methods.contains(&"weights"), "no weights in the example");
    let refs = r["references"].to_string();
    for cite in [
        "Mann, H. B.",
        "Welch, B. L.",
        "Holm, S.",
        "Cronbach, L. J.",
        "Wilson, E. B.",
    ] {
        assert!(refs.contains(cite), "{cite}");
    }

    // The designed differences are found, and no difference where none was designed.
    for s in ["casa", "relazioni", "partecipazione"] {
        assert!(test(s)["p_adjusted"].as_f64().unwrap() < 0.05, "{s}");
    }
    for s in ["istruzione", "salute", "autonomia", "rispetto"] {
        assert!(test(s)["p_adjusted"].as_f64().unwrap() > 0.05, "{s}");
    }
    assert!(
        test("casa")["rank_biserial"].as_f64().unwrap() < 0.0,
        "Firenze higher on housing"
    );
    assert!(
        test("relazioni")["rank_biserial"].as_f64().unwrap() > 0.0,
        "Prato higher on relationships"
    );
}

#[test]
fn report_shows_the_numbers_of_results_json_in_the_readers_language() {
    let dir = tempfile::tempdir().unwrap();
    let it = dir.path().join("it");
    run_example(&it, "it");
    let html = std::fs::read_to_string(it.join("report.html")).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>\n<html lang=\"it\">"));
    assert!(html.contains("Le capability dei care leaver a Prato e Firenze"));
    // casa, Prato: mean 2.616… sd 0.924 → "2,62 (0,92)"; Firenze → "3,43"
    assert!(html.contains("2,62 (0,92)"), "Italian decimals");
    assert!(html.contains("45,0\u{a0}%"), "Prato's share of 200");
    assert!(html.contains("Prato più alto in: Relazioni e rete di sostegno; Firenze più alto in: Casa, Partecipazione"));
    assert!(html.contains("<svg") && html.contains("role=\"img\""));
    for fetch in [
        "<script",
        "src=\"http",
        "href=\"http",
        "url(",
        "@import",
        "<link",
    ] {
        assert!(
            !html.contains(fetch),
            "self-contained, nothing fetched: found {fetch}"
        );
    }
    assert!(
        !html.contains("CL-PO-066"),
        "the report names rows, not participants"
    );

    let en = dir.path().join("en");
    run_example(&en, "en");
    let html = std::fs::read_to_string(en.join("report.html")).unwrap();
    assert!(html.contains("<html lang=\"en\">") && html.contains("Research report"));
    assert!(html.contains("2.62 (0.92)") && html.contains("45.0%"));
    assert!(html.contains("Prato higher on: Relationships and support network; Firenze higher on: Housing, Participation"));
    // The Methods appendix: methods with references, the weak assumption (gender: expected
    // counts of 2.7), the reference list; the profile and the item analysis.
    for text in [
        "Two-group comparisons: two-sided Mann–Whitney U test",
        "Multiple-comparison correction of the Mann–Whitney p-values: Holm.",
        "(Mann &amp; Whitney (1947); Kerby (2014); Welch (1947); Hedges (1981); Holm (1979))",
        "Test not shown: some counts are hidden to protect respondents",
        "= not published: it concerns fewer than 5 people",
        "<h3>References</h3>",
        "Welch, B. L. (1947).",
        "Reliability, statement by statement",
        "Who answered, territory by territory",
        "χ²(1) = 9.23, p = 0.002",
    ] {
        assert!(html.contains(text), "missing: {text}");
    }
    let md = std::fs::read_to_string(en.join("report.md")).unwrap();
    assert!(md.starts_with("# Care leavers"));
    assert!(md.contains("![") && md.contains("](charts/scales.svg)"));
    assert!(md.contains("### References") && md.contains("Kerby, D. S. (2014)."));
}

#[test]
fn reruns_are_byte_identical() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    run_example(&a, "it");
    run_example(&b, "it");
    let mut files = Vec::new();
    for entry in walk(&a) {
        let rel = entry.strip_prefix(&a).unwrap().to_path_buf();
        assert_eq!(
            std::fs::read(&entry).unwrap(),
            std::fs::read(b.join(&rel)).unwrap(),
            "{}",
            rel.display()
        );
        files.push(rel);
    }
    assert!(files.len() >= 13, "{files:?}");
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out.sort();
    out
}

#[test]
fn shipped_files_are_what_the_code_generates() {
    let dir = tempfile::tempdir().unwrap();
    let study = dir.path().join("new");
    capakit()
        .arg("init")
        .arg(&study)
        .arg("--synthetic")
        .assert()
        .success();
    assert_eq!(
        std::fs::read(study.join("instruments/care-leavers-capabilities.xlsx")).unwrap(),
        std::fs::read(repo().join("instruments/care-leavers-capabilities.xlsx")).unwrap(),
        "instruments/care-leavers-capabilities.xlsx differs from src/scaffold: run scripts/regenerate-shipped.sh"
    );
    assert_eq!(
        std::fs::read(study.join("data/risposte-care-leavers.csv")).unwrap(),
        std::fs::read(repo().join("examples/caring-prato-firenze/data/risposte-care-leavers.csv"))
            .unwrap(),
        "the example's data differs from src/scaffold: run scripts/regenerate-shipped.sh"
    );
    // A new study runs as it is.
    capakit()
        .arg("run")
        .arg(&study)
        .arg("--out")
        .arg(study.join("out"))
        .assert()
        .success();
    // init refuses to overwrite a study.
    let out = capakit().arg("init").arg(&study).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn data_cannot_become_markup_or_template_code() {
    // A column header that is markup and template code reaches the report through the
    // data-quality chapter (the unknown-column finding).
    let hostile = "<script>alert(1)</script>{{ 7*7 }}";
    let dir = tempfile::tempdir().unwrap();
    let example = std::fs::read_to_string(
        repo().join("examples/caring-prato-firenze/data/risposte-care-leavers.csv"),
    )
    .unwrap();
    let data = example.replacen("start;end;", &format!("start;end;{hostile}|x;"), 1);
    let data: String = data
        .lines()
        .enumerate()
        .map(|(i, l)| {
            if i == 0 {
                format!("{l}\n")
            } else {
                l.replacen(";", ";;", 2).replacen(";;", ";", 1) + "\n"
            }
        })
        .collect();
    std::fs::write(dir.path().join("data.csv"), data).unwrap();
    let toml = example_toml().replace("data/risposte-care-leavers.csv", "data.csv");
    std::fs::write(dir.path().join("study.toml"), toml).unwrap();
    let out = dir.path().join("out");
    capakit()
        .arg("run")
        .arg(dir.path())
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(!html.contains("<script"), "markup from the data is escaped");
    assert!(
        html.contains("&lt;script&gt;alert(1)&lt;&#x2f;script&gt;{{ 7*7 }}"),
        "shown literally, never evaluated"
    );
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(!md.contains("<script"));
    assert!(
        md.contains("&lt;script&gt;alert(1)&lt;/script&gt;\\{\\{ 7\\*7 \\}\\}\\|x"),
        "markdown-escaped"
    );
    for svg in walk(&out.join("charts")) {
        assert!(
            !std::fs::read_to_string(&svg).unwrap().contains("<script"),
            "{}",
            svg.display()
        );
    }
}

/// A copy of the example study in a temporary folder, with absolute paths to the shared files.
#[test]
fn a_study_can_override_words_and_templates() {
    let dir = tempfile::tempdir().unwrap();
    example_copy(dir.path());
    std::fs::create_dir_all(dir.path().join("reports")).unwrap();
    let strings = std::fs::read_to_string(repo().join("reports/strings.toml"))
        .unwrap()
        .replace(
            "report = \"Research report\"",
            "report = \"Monitoring report for the steering committee\"",
        );
    std::fs::write(dir.path().join("reports/strings.toml"), strings).unwrap();
    // The Markdown and Word reports follow the study's own HTML template.
    std::fs::write(
        dir.path().join("reports/report.html.j2"),
        "<html><body><h1>{{ title }}</h1><p>{{ t.report }}</p>\n{% for s in r.sources %}<p>n = {{ s.n|int }}</p>{% endfor %}</body></html>\n",
    )
    .unwrap();
    let out = dir.path().join("out");
    capakit()
        .arg("run")
        .arg(dir.path())
        .args(["--lang", "en", "--out"])
        .arg(&out)
        .assert()
        .success();
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("Monitoring report for the steering committee"));
    assert_eq!(
        std::fs::read_to_string(out.join("report.md")).unwrap(),
        "# Care leavers' capabilities in Prato and Firenze\n\nMonitoring report for the steering committee\n\nn = 200\n"
    );

    // A broken template is an error naming the file and line, and nothing is written.
    std::fs::write(
        dir.path().join("reports/report.html.j2"),
        "<h1>{{ title }}</h1>\n{% for x in %}\n",
    )
    .unwrap();
    let before = std::fs::read(out.join("report.html")).unwrap();
    // A run that must fail with exit 2; its error output.
    let failing_run = || {
        let res = capakit()
            .arg("run")
            .arg(dir.path())
            .arg("--out")
            .arg(&out)
            .output()
            .unwrap();
        assert_eq!(res.status.code(), Some(2));
        String::from_utf8_lossy(&res.stderr).into_owned()
    };
    let err = failing_run();
    assert!(
        err.contains("reports/report.html.j2, line 2: syntax error"),
        "{err}"
    );
    assert_eq!(
        std::fs::read(out.join("report.html")).unwrap(),
        before,
        "previous output untouched"
    );

    // Each kind of analysis has its chapter in a file of its own, which a study overrides too:
    // the research report includes it by the kind's name; a broken one is named with its line.
    std::fs::remove_file(dir.path().join("reports/report.html.j2")).unwrap();
    std::fs::create_dir_all(dir.path().join("reports/analyses")).unwrap();
    std::fs::write(
        dir.path().join("reports/analyses/likert.html.j2"),
        "<p>Our own Likert chapter: {{ a.items|length }} statements.</p>\n",
    )
    .unwrap();
    capakit()
        .arg("run")
        .arg(dir.path())
        .args(["--lang", "en", "--out"])
        .arg(&out)
        .assert()
        .success();
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("<p>Our own Likert chapter: "), "{html}");
    assert!(
        html.contains("Cronbach"),
        "the other chapters are the built-in ones"
    );
    std::fs::write(
        dir.path().join("reports/analyses/likert.html.j2"),
        "<p>\n{% if %}\n",
    )
    .unwrap();
    let err = failing_run();
    assert!(
        err.contains("reports/analyses/likert.html.j2, line 2: syntax error"),
        "{err}"
    );
}

#[test]
fn provenance_lists_every_input_with_its_sha256() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let study = repo().join("examples/caring-prato-firenze");
    let r = crate::common::run_study(&study, &out, false);
    let p = &r["provenance"];
    let inputs = p["inputs"].as_array().unwrap();
    let roles: Vec<&str> = inputs.iter().map(|f| f["role"].as_str().unwrap()).collect();
    for role in [
        "study",
        "data",
        "instrument",
        "segments",
        "metadata",
        "codebook",
        "analyses",
    ] {
        assert!(roles.contains(&role), "{role} missing: {roles:?}");
    }
    assert_eq!(roles.iter().filter(|r| **r == "analyses").count(), 4);
    for f in inputs {
        let path = f["path"].as_str().unwrap();
        assert!(!path.starts_with('/') && !path.contains(".."), "{path}");
        // Files outside the study (the shipped questionnaires and analyses) by their name alone.
        let file = [
            study.clone(),
            repo().join("instruments"),
            repo().join("analyses"),
        ]
        .iter()
        .map(|dir| dir.join(path))
        .find(|f| f.is_file())
        .unwrap_or_else(|| panic!("{path} not found"));
        let bytes = std::fs::read(&file).unwrap();
        // The fingerprint is the file's SHA-256, as coreutils' `sha256sum` prints it.
        let sum = std::process::Command::new("sha256sum")
            .arg(&file)
            .output()
            .unwrap();
        let sum = String::from_utf8(sum.stdout).unwrap();
        assert_eq!(
            f["sha256"],
            sum.split_whitespace().next().unwrap(),
            "{path}"
        );
        assert_eq!(f["bytes"], bytes.len());
    }
    assert_eq!(p["capakit_version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(p["min_cell"], 5);
    assert_eq!(p["territories"], serde_json::json!(["Prato", "Firenze"]));
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("id=\"provenance\""));
    assert!(html.contains(inputs[1]["sha256"].as_str().unwrap()));
}

#[test]
fn the_tables_workbook_holds_every_table_as_published_and_a_dictionary() {
    use calamine::{open_workbook, Data, Reader, Xlsx};
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let r = crate::common::run_study(&repo().join("examples/caring-prato-firenze"), &out, false);
    let mut book: Xlsx<_> = open_workbook(out.join("tables.xlsx")).unwrap();
    let names = book.sheet_names();
    for sheet in [
        "care-leavers respondents",
        "scales",
        "scales alpha",
        "profile",
        "territories",
        "likert",
        "capability",
        "capability indicators",
        "focus-groups",
        "recommendations",
        "dictionary",
    ] {
        assert!(
            names.iter().any(|n| n == sheet),
            "no sheet {sheet}: {names:?}"
        );
    }
    // The Likert sheet: one row per item × group (and everyone), each count as results.json
    // publishes it — a typed number, or the mark where it is hidden.
    let likert = book.worksheet_range("likert").unwrap();
    let header: Vec<String> = likert
        .rows()
        .next()
        .unwrap()
        .iter()
        .map(|c| c.to_string())
        .collect();
    let first_count = header.iter().position(|h| h == "count 1").unwrap();
    let items = crate::common::analysis_of_kind(&r, "likert")["items"]
        .as_array()
        .unwrap();
    let mut row = 1;
    let mut hidden = 0;
    for item in items {
        for g in item["groups"]
            .as_array()
            .unwrap()
            .iter()
            .chain([&item["total"]])
        {
            let cells: Vec<&Data> = likert.rows().nth(row).unwrap().iter().collect();
            assert_eq!(cells[0].to_string(), item["item"].as_str().unwrap());
            for (k, c) in g["counts"].as_array().unwrap().iter().enumerate() {
                match (c.as_f64(), cells[first_count + k]) {
                    (Some(x), Data::Float(y)) => assert_eq!(x, *y),
                    (None, Data::String(m)) => {
                        assert_eq!(m, "x");
                        hidden += 1;
                    }
                    (a, b) => panic!("row {row}: {a:?} shown as {b:?}"),
                }
            }
            row += 1;
        }
    }
    assert!(hidden > 0, "the example's small cells are marked");
    // The dictionary: variable and value labels from the questionnaire, in both languages.
    let dict = book.worksheet_range("dictionary").unwrap();
    let edu = dict
        .rows()
        .find(|r| r[0] == "edu_3")
        .expect("edu_3 in the dictionary");
    let text: Vec<String> = edu.iter().map(|c| c.to_string()).collect();
    assert_eq!(text[1], "select_one");
    assert!(
        text[2].starts_with("Ho dovuto lasciare la scuola"),
        "{text:?}"
    );
    assert!(text[3].starts_with("I had to leave school"), "{text:?}");
    assert!(
        text[5].contains("1 = ") && text[5].contains("5 = "),
        "{text:?}"
    );
    assert_eq!(text[6], "istruzione");
    assert_eq!(text[7], "yes", "reverse-keyed");
}

/// `init --synthetic` prints the next step; pasted into a shell as printed, it checks the new
/// study and writes its report, for every template (CarINg's and CO.RE.'s have a warning by
/// design: a duplicated id, a name matching no service, which `check` prints without failing).
#[test]
fn the_next_step_init_prints_runs_as_written() {
    for template in ["caring", "monitoring", "mentoring", "network"] {
        let dir = tempfile::tempdir().unwrap();
        let out = capakit()
            .current_dir(dir.path())
            .args(["init", "my study", "--synthetic", "--template", template])
            .output()
            .unwrap();
        assert!(out.status.success(), "{out:?}");
        let said = String::from_utf8(out.stderr).unwrap();
        let next = said
            .split("Next: ")
            .nth(1)
            .unwrap_or_else(|| panic!("{template}: no next step in {said}"))
            .trim();
        let done = std::process::Command::new("sh")
            .arg("-c")
            .arg(next)
            .current_dir(dir.path())
            .output()
            .unwrap();
        assert!(
            done.status.success(),
            "{template}: `{next}` failed: {}{}",
            String::from_utf8_lossy(&done.stdout),
            String::from_utf8_lossy(&done.stderr)
        );
        assert!(dir.path().join("my study-report/report.html").is_file());
        // The check said what it found, and a warning did not stop it.
        assert!(String::from_utf8_lossy(&done.stdout).contains("0 errors"));
        // `--strict` (or `[check] fail_on = "warning"`) makes the warnings fail.
        let warned = String::from_utf8_lossy(&done.stdout).contains("warning[");
        assert!(warned || !["caring", "network"].contains(&template));
        let fails = if warned { Some(1) } else { Some(0) };
        let strict = capakit()
            .current_dir(dir.path())
            .args(["check", "my study", "--strict"])
            .output()
            .unwrap();
        assert_eq!(strict.status.code(), fails, "{template}: {strict:?}");
        let toml = dir.path().join("my study/study.toml");
        let text = std::fs::read_to_string(&toml).unwrap();
        std::fs::write(&toml, format!("{text}\n[check]\nfail_on = \"warning\"\n")).unwrap();
        let strict = capakit()
            .current_dir(dir.path())
            .args(["check", "my study"])
            .output()
            .unwrap();
        assert_eq!(strict.status.code(), fails, "{template}: {strict:?}");
    }
}
