//! `capakit stats`: every verb on the synthetic fixtures of tests/fixtures/stats, checked against
//! the values scripts/stats_references.py prints (scipy 1.17.1, statsmodels 0.15.0, pingouin
//! 0.7.0, scikit-learn 1.9.1, krippendorff 0.9.0; the call is written beside each value), and the
//! errors a script can run into.

use serde_json::Value;

use crate::common::{self, capakit};

fn fixture(name: &str) -> String {
    common::fixture("stats", name)
}

use common::{stats_fails as fails, stats_json as json};

fn close(v: &Value, expected: f64) {
    let x = v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"));
    assert!(
        (x - expected).abs() <= 1e-6 * expected.abs().max(1e-12),
        "{x} vs {expected}"
    );
}

#[test]
fn alpha_matches_pingouin() {
    // pingouin.cronbach_alpha(df) with d reversed (6 − d), complete rows only → 0.952583658507745,
    // CI [0.886, 0.985] (Feldt bounds 0.885619223556027, 0.9846911484872722 from scipy's f.ppf);
    // standardised from df.corr() → 0.9530351700298888; item a: np.corrcoef(a, b + c + d) →
    // 0.9573993377487228, cronbach_alpha(df without a) → 0.9151554404145077
    let f = fixture("alpha.csv");
    let r = json(&[
        "alpha",
        &f,
        "--items",
        "a,b,c,d",
        "--reverse",
        "d",
        "--min",
        "1",
        "--max",
        "5",
    ]);
    assert_eq!(r["n"], 12);
    assert_eq!(r["k"], 4);
    close(&r["raw_alpha"], 0.952583658507745);
    close(&r["std_alpha"], 0.9530351700298888);
    close(&r["ci95"][0], 0.885619223556027);
    close(&r["ci95"][1], 0.9846911484872722);
    assert_eq!(r["items"][0]["item"], "a");
    close(&r["items"][0]["r_drop"], 0.9573993377487228);
    close(&r["items"][0]["alpha_if_dropped"], 0.9151554404145077);
    close(&r["items"][2]["alpha_if_dropped"], 0.9640243902439023);
    let dropped: u64 = r["dropped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["rows"].as_u64().unwrap())
        .sum();
    assert_eq!(dropped, 3, "two incomplete rows and one empty row: {r}");
    assert!(r["method"].as_str().unwrap().contains("listwise"));
    // Without reversing d the scale contradicts itself: alpha is far lower.
    let raw = json(&["alpha", &f, "--items", "a,b,c,d"]);
    assert!(raw["raw_alpha"].as_f64().unwrap() < 0.5);
}

#[test]
fn compare_matches_scipy_and_pingouin() {
    // Semicolon CSV with decimal commas. scipy: mannwhitneyu(x, y, method='asymptotic') →
    // U 90.5, p 0.012899947619572022; pingouin.mwu → RBC 0.6454545454545455;
    // ttest_ind(x, y, equal_var=False) → t 3.004950498416835, p 0.007296892393417811,
    // df 18.94900259483554; pingouin compute_effsize → cohen 1.3097734782321735,
    // hedges 1.2573825391028866; x: mean 3.727272727272727, sd 0.958218043131008, median 4.0,
    // t.interval → (3.0835330866648807, 4.3710123678805735)
    let f = fixture("compare.csv");
    let r = json(&[
        "compare",
        &f,
        "--var",
        "punteggio",
        "--by",
        "territorio",
        "--groups",
        "Prato,Firenze",
    ]);
    let g = &r["groups"][0];
    assert_eq!(g["name"], "Prato");
    assert_eq!(g["n"], 11);
    close(&g["mean"], 3.727272727272727);
    close(&g["sd"], 0.958218043131008);
    close(&g["median"], 4.0);
    close(&g["ci95"][0], 3.0835330866648807);
    close(&g["ci95"][1], 4.3710123678805735);
    assert_eq!(r["groups"][1]["n"], 10);
    let m = &r["mann_whitney"];
    close(&m["u"], 90.5);
    close(&m["p"], 0.012899947619572022);
    close(&m["rank_biserial"], 0.6454545454545455);
    assert!(m["z"].as_f64().unwrap() > 0.0);
    assert!(m["p_exact"].is_null(), "ties: no exact p");
    let w = &r["welch"];
    close(&w["t"], 3.004950498416835);
    close(&w["p"], 0.007296892393417811);
    close(&w["df"], 18.94900259483554);
    close(&w["cohen_d"], 1.3097734782321735);
    close(&w["hedges_g"], 1.2573825391028866);
    // The other order: U of Firenze, n1·n2 − 90.5 = 19.5, same p.
    let r = json(&[
        "compare",
        &f,
        "--var",
        "punteggio",
        "--by",
        "territorio",
        "--groups",
        "Firenze,Prato",
    ]);
    close(&r["mann_whitney"]["u"], 19.5);
    close(&r["mann_whitney"]["p"], 0.012899947619572022);
}

#[test]
fn compare_exact_without_ties() {
    // scipy: mannwhitneyu([1.1, 2.3, 3.5, 4.2, 5.9, 6.1], [0.5, 0.9, 1.7, 2.8], method='exact')
    //   → U 21.0, p 0.06666666666666667
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("exact.csv");
    std::fs::write(
        &path,
        "g,x\nA,1.1\nA,2.3\nA,3.5\nA,4.2\nA,5.9\nA,6.1\nB,0.5\nB,0.9\nB,1.7\nB,2.8\n",
    )
    .unwrap();
    let r = json(&["compare", path.to_str().unwrap(), "--var", "x", "--by", "g"]);
    close(&r["mann_whitney"]["u"], 21.0);
    close(&r["mann_whitney"]["p_exact"], 0.06666666666666667);
    assert!(r["warnings"][0].as_str().unwrap().contains("fewer than 10"));
}

#[test]
fn crosstab_matches_scipy_and_statsmodels() {
    // scipy: chi2_contingency([[12, 5, 8], [4, 10, 9]], correction=False) → 5.651969309462914,
    // p 0.05925028702164498, dof 2; contingency.association(method='cramer') →
    // 0.34314626708418483; statsmodels proportion_confint(12, 25, method='wilson') →
    // (0.30031285954112963, 0.6650148304964323)
    let r = json(&[
        "crosstab",
        &fixture("crosstab.csv"),
        "--row",
        "contesto",
        "--col",
        "abitazione",
    ]);
    assert_eq!(r["rows"], serde_json::json!(["comunità", "famiglia"]));
    assert_eq!(
        r["cols"],
        serde_json::json!(["autonoma", "con altri", "struttura"])
    );
    assert_eq!(r["counts"], serde_json::json!([[12, 5, 8], [4, 10, 9]]));
    close(&r["chi2"]["statistic"], 5.651969309462914);
    assert_eq!(r["chi2"]["df"], 2);
    close(&r["chi2"]["p"], 0.05925028702164498);
    close(&r["cramers_v"], 0.34314626708418483);
    assert!(r["chi2_yates"].is_null() && r["fisher"].is_null());
    let p = &r["proportions"][0];
    assert_eq!(
        (p["row"].as_str(), p["col"].as_str()),
        (Some("comunità"), Some("autonoma"))
    );
    close(&p["p"], 0.48);
    close(&p["wilson95"][0], 0.30031285954112963);
    close(&p["wilson95"][1], 0.6650148304964323);
    assert_eq!(r["dropped"][0]["rows"], 1);

    // scipy on [[8, 2], [1, 5]]: correction=True → 3.8095238095238093, p 0.050961936967763424;
    // fisher_exact → odds ratio 20.0, p 0.034965034965034975
    let r = json(&[
        "crosstab",
        &fixture("crosstab22.csv"),
        "--row",
        "contesto",
        "--col",
        "lavora",
    ]);
    close(&r["chi2"]["statistic"], 6.112169312169312);
    close(&r["chi2_yates"]["statistic"], 3.8095238095238093);
    close(&r["chi2_yates"]["p"], 0.050961936967763424);
    close(&r["fisher"]["p"], 0.034965034965034975);
    close(&r["fisher"]["odds_ratio"], 20.0);
    assert!(r["warnings"][0].as_str().unwrap().contains("Fisher"));
}

#[test]
fn paired_matches_scipy_and_statsmodels() {
    // scipy: wilcoxon(pre, post, zero_method='wilcox', correction=False, method='approx') →
    // statistic 5.5, p 0.004896949924930728, zstatistic -2.813735521290914
    let r = json(&[
        "paired",
        &fixture("paired.csv"),
        "--var",
        "punteggio",
        "--id",
        "id",
        "--wave",
        "onda",
        "--pre",
        "T0",
        "--post",
        "T1",
    ]);
    assert_eq!(r["n_pairs"], 14);
    let w = &r["wilcoxon"];
    close(&w["statistic"], 5.5);
    close(&w["p"], 0.004896949924930728);
    close(&w["z"], -2.813735521290914);
    assert_eq!(w["zeros_dropped"], 2);
    assert!(r["mcnemar"].is_null(), "not a 0/1 variable");
    // statsmodels mcnemar([[18, 3], [9, 20]], exact=True) → p 0.14599609375;
    // exact=False, correction=True → statistic 2.0833333333333335, p 0.14891467317876161
    let r = json(&[
        "paired",
        &fixture("mcnemar.csv"),
        "--var",
        "lavora",
        "--id",
        "id",
        "--wave",
        "wave",
        "--pre",
        "prima",
        "--post",
        "dopo",
    ]);
    assert_eq!(r["n_pairs"], 50);
    let m = &r["mcnemar"];
    close(&m["p_exact"], 0.14599609375);
    close(&m["statistic"], 2.0833333333333335);
    close(&m["p"], 0.14891467317876161);
}

#[test]
fn adjust_matches_statsmodels() {
    // statsmodels multipletests([0.01, 0.04, 0.03, 0.005, 0.2], method='holm')[1]
    //   → [0.04, 0.09, 0.09, 0.025, 0.2]; method='fdr_bh' → [0.025, 0.05, 0.05, 0.025, 0.2]
    let p = "0.01,0.04,0.03,0.005,0.2";
    let r = json(&["adjust", "--p", p, "--method", "holm"]);
    for (v, e) in r["adjusted"]
        .as_array()
        .unwrap()
        .iter()
        .zip([0.04, 0.09, 0.09, 0.025, 0.2])
    {
        close(v, e);
    }
    let r = json(&["adjust", "--p", p, "--method", "bh"]);
    for (v, e) in r["adjusted"]
        .as_array()
        .unwrap()
        .iter()
        .zip([0.025, 0.05, 0.05, 0.025, 0.2])
    {
        close(v, e);
    }
    assert!(fails(&["adjust", "--p", "0.2,1.5"]).contains("1.5 is not a p-value"));
}

#[test]
fn weighted_matches_numpy() {
    // numpy.average(x, weights=w) → 3.135135135135135, Kish (Σw)²/Σw² → 4.871886120996441;
    // group A: 2.75 and 4.235294117647059
    let r = json(&[
        "weighted",
        &fixture("weighted.csv"),
        "--var",
        "x",
        "--weight",
        "peso",
        "--by",
        "gruppo",
    ]);
    close(&r["mean"], 3.135135135135135);
    close(&r["kish_ess"], 4.871886120996441);
    assert_eq!(r["groups"][0]["name"], "A");
    close(&r["groups"][0]["mean"], 2.75);
    close(&r["groups"][0]["kish_ess"], 4.235294117647059);
    let r = json(&[
        "weighted",
        &fixture("weighted.csv"),
        "--var",
        "x",
        "--weight",
        "peso",
    ]);
    assert!(r["groups"].is_null());
    close(&r["mean"], 3.135135135135135);
}

#[test]
fn agreement_reproduces_krippendorff_2011() {
    // Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability": 4 observers × 12 units,
    // nominal, missing values → α = 0.743 (krippendorff 0.9.0: 0.743421052631579). Read from the
    // second sheet of a workbook, as an evaluator would keep it.
    let r = json(&[
        "agreement",
        &fixture("agreement.xlsx"),
        "--sheet",
        "codifica",
        "--unit",
        "unit",
        "--coder",
        "coder",
        "--code",
        "code",
    ]);
    close(&r["krippendorff_alpha"], 0.743421052631579);
    assert_eq!(r["n_units"], 12);
    assert_eq!(r["n_coders"], 4);
    assert!(r["cohen_kappa"].is_null(), "four coders");
    assert!(r["fleiss_kappa"].is_null(), "coders per unit vary");
    let csv = json(&[
        "agreement",
        &fixture("agreement.csv"),
        "--unit",
        "unit",
        "--coder",
        "coder",
        "--code",
        "code",
    ]);
    assert_eq!(csv["krippendorff_alpha"], r["krippendorff_alpha"]);
    // scikit-learn cohen_kappa_score(B, D) over the 10 units both coded → 0.8701298701298701
    let two = json(&[
        "agreement",
        &fixture("agreement2.csv"),
        "--unit",
        "unit",
        "--coder",
        "coder",
        "--code",
        "code",
    ]);
    close(&two["cohen_kappa"], 0.8701298701298701);
}

#[test]
fn readable_output_names_method_and_drops() {
    let out = capakit()
        .args(["stats", "compare", &fixture("compare.csv")])
        .args([
            "--var",
            "punteggio",
            "--by",
            "territorio",
            "--groups",
            "Prato,Firenze",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("Mann–Whitney U = 90.5000"), "{text}");
    assert!(
        text.contains("dropped: 3 row(s): in a group not compared"),
        "{text}"
    );
    assert!(text.contains("method: "), "{text}");
}

#[test]
fn bad_arguments_are_located_errors() {
    let compare = fixture("compare.csv");
    let err = fails(&["compare", &compare, "--var", "voto", "--by", "territorio"]);
    assert!(
        err.contains("compare.csv, row 1: no column 'voto'") && err.contains("punteggio"),
        "{err}"
    );
    let err = fails(&[
        "compare",
        &compare,
        "--var",
        "punteggio",
        "--by",
        "territorio",
    ]);
    assert!(err.contains("3 groups (Firenze, Livorno, Prato)"), "{err}");
    let err = fails(&[
        "compare",
        &compare,
        "--var",
        "punteggio",
        "--by",
        "territorio",
        "--groups",
        "Prato,Pisa",
    ]);
    assert!(
        err.contains("group 'Pisa' of 'territorio' has no numeric value"),
        "{err}"
    );
    // Text where numbers are needed: the cell is named.
    let err = fails(&[
        "compare",
        &compare,
        "--var",
        "territorio",
        "--by",
        "punteggio",
    ]);
    assert!(
        err.contains("row 2, column A (territorio)") && err.contains("\"Prato\" is not a number"),
        "{err}"
    );
    let err = fails(&[
        "compare",
        &compare,
        "--var",
        "punteggio",
        "--by",
        "territorio",
        "--groups",
        "Prato,Prato",
    ]);
    assert!(err.contains("names 'Prato' twice"), "{err}");
    let paired = fixture("paired.csv");
    let err = fails(&[
        "paired",
        &paired,
        "--var",
        "punteggio",
        "--id",
        "id",
        "--wave",
        "onda",
        "--pre",
        "T0",
        "--post",
        "T0",
    ]);
    assert!(err.contains("both 'T0'"), "{err}");
    let alpha = fixture("alpha.csv");
    let err = fails(&["alpha", &alpha, "--items", "a,b,A"]);
    assert!(err.contains("names the column 'a' twice"), "{err}");
    let err = fails(&["alpha", &alpha, "--items", "a,b", "--reverse", "b"]);
    assert!(err.contains("--reverse needs --min and --max"), "{err}");
    let err = fails(&[
        "alpha", &alpha, "--items", "a,b", "--min", "2", "--max", "5",
    ]);
    assert!(err.contains("is outside the range"), "{err}");
    let err = fails(&[
        "crosstab",
        &fixture("crosstab22.csv"),
        "--row",
        "contesto",
        "--col",
        "contesto",
    ]);
    assert!(err.contains("two different columns"), "{err}");
    let err = fails(&[
        "crosstab",
        &fixture("alpha.csv"),
        "--row",
        "note",
        "--col",
        "a",
    ]);
    assert!(err.contains("'note' has 1, 'a' has 1"), "{err}");
    let err = fails(&[
        "paired",
        &fixture("paired.csv"),
        "--var",
        "punteggio",
        "--id",
        "onda",
        "--wave",
        "onda",
        "--pre",
        "T0",
        "--post",
        "T1",
    ]);
    assert!(err.contains("appears twice in wave 'T0'"), "{err}");
    let err = fails(&[
        "agreement",
        &alpha,
        "--unit",
        "id",
        "--coder",
        "note",
        "--code",
        "a",
    ]);
    assert!(err.contains("at least two coders"), "{err}");
    let err = fails(&[
        "weighted",
        &fixture("weighted.csv"),
        "--var",
        "x",
        "--weight",
        "gruppo",
    ]);
    assert!(err.contains("is not a number"), "{err}");
    let err = fails(&["alpha", "no-such.csv", "--items", "a,b"]);
    assert!(err.contains("no-such.csv"), "{err}");
}

#[test]
fn every_verb_says_what_it_computes() {
    for (verb, words) in [
        ("alpha", "Cronbach"),
        ("compare", "Mann–Whitney"),
        ("crosstab", "Fisher"),
        ("paired", "Wilcoxon"),
        ("adjust", "Holm"),
        ("weighted", "Kish"),
        ("agreement", "Krippendorff"),
    ] {
        let out = capakit().args(["stats", verb, "--help"]).output().unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success() && text.contains(words) && text.contains("JSON keys"),
            "{verb}: {text}"
        );
    }
}

#[test]
fn kruskal_matches_scipy_and_scikit_posthocs() {
    // Three territories with ties. scipy 1.17.1: stats.kruskal(a, b, c) → H 8.546425345205842,
    // p 0.013936936339299965; scikit-posthocs 0.17.1: posthoc_dunn(df, val_col='v',
    // group_col='g', p_adjust='holm') → a–b 0.17250901609277358, a–c 0.22852898786055342,
    // b–c 0.01046086633468037 (unadjusted 0.08625450804638679, 0.22852898786055342,
    // 0.003486955444893456). Groups are sorted by name: Arezzo (a), Lucca (b), Siena (c).
    let dir = tempfile::tempdir().unwrap();
    let groups = [
        ("Arezzo", &[2, 3, 3, 4, 5, 1, 2][..]),
        ("Lucca", &[3, 4, 4, 5, 5, 4][..]),
        ("Siena", &[1, 1, 2, 2, 3, 2, 1, 4][..]),
    ];
    let mut csv = String::from("territorio;punteggio\n");
    for (name, values) in groups {
        for v in values {
            csv.push_str(&format!("{name};{v}\n"));
        }
    }
    csv.push_str("Siena;\n");
    let file = dir.path().join("k.csv");
    std::fs::write(&file, csv).unwrap();
    let r = json(&[
        "kruskal",
        file.to_str().unwrap(),
        "--var",
        "punteggio",
        "--by",
        "territorio",
    ]);
    close(&r["h"], 8.546425345205842);
    close(&r["p"], 0.013936936339299965);
    assert_eq!(r["df"], 2);
    assert_eq!(r["groups"][1]["name"], "Lucca");
    assert_eq!(r["groups"][2]["n"], 8);
    let holm = [
        0.17250901609277358,
        0.22852898786055342,
        0.01046086633468037,
    ];
    for (d, expected) in r["dunn"].as_array().unwrap().iter().zip(holm) {
        let p = d["p_adjusted"].as_f64().unwrap();
        assert!((p - expected).abs() <= 1e-9 * expected, "{d}");
    }
    assert_eq!(r["dunn"][2]["groups"][0], "Lucca");
    assert_eq!(
        r["dropped"][0]["rows"], 1,
        "the empty value is dropped and counted"
    );
    assert!(r["method"]
        .as_str()
        .unwrap()
        .contains("scipy.stats.kruskal"));
}
