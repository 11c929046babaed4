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
    assert!(
        w["p_exact"].is_null(),
        "14 pairs with ties: scipy's auto is asymptotic"
    );
    assert!(r["mcnemar"].is_null(), "not a 0/1 variable");
    // pingouin 0.7.0 wilcoxon(post, pre)['RBC'] → 0.858974358974359; R 4.2.2 effectsize 0.8.3
    // rank_biserial(post - pre) → CI 0.57085144459702186 0.95873773008591845
    close(&w["rank_biserial"], 0.858974358974359);
    close(&w["rank_biserial_ci"][0], 0.5708514445970219);
    close(&w["rank_biserial_ci"][1], 0.9587377300859184);
    // scipy 1.17.1 ttest_rel(post, pre) → statistic 4.163331998932266, pvalue
    // 0.0011131537893958664, df 13, confidence_interval() (0.4123681999314472,
    // 1.301917514354267); d_z = mean / sd(ddof=1) → 1.1126972805283737; R: uniroot(function(ncp)
    // pt(t, 13, ncp) - p, …) for p = 0.975, 0.025, over sqrt(14) → 0.42643483687535105,
    // 1.77330234431616196 (effectsize cohens_d(post, pre, paired = TRUE) to 1e-7)
    let t = &r["paired_t"];
    close(&t["t"], 4.163331998932266);
    close(&t["p"], 0.0011131537893958664);
    assert_eq!(t["df"], 13.0);
    close(&t["ci"][0], 0.4123681999314472);
    close(&t["ci"][1], 1.301917514354267);
    close(&t["d_z"], 1.1126972805283737);
    close(&t["d_z_ci"][0], 0.42643483687535105);
    close(&t["d_z_ci"][1], 1.773302344316162);
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
fn paired_scale_of_a_kobo_export() {
    // tests/fixtures/stats/paired-kobo.csv (scripts/stats_references.py): a KoboToolbox export
    // (group paths, choices by name and by label) of the monitoring questionnaire's scale
    // 'istruzione' (edu_1, edu_2, edu_3 reverse-keyed), 24 young people at T0 and T1, two at T0
    // only, one whose T1 score has one item of three (no score). Scores as the script computes
    // them (mean of answered items, 6 − edu_3, at least two answered); then
    // scipy 1.17.1 wilcoxon(np.round(T1 - T0, 9), method='asymptotic', correction=False) →
    //   statistic 49.5, p 0.11016804876849687 (method='auto': the same, 23 pairs with ties);
    // pingouin 0.7.0 wilcoxon(np.round(T1 - T0, 9))['RBC'] → 0.42105263157894735 (on the
    //   unrounded differences float noise splits ties: 0.41520467836257313); R 4.2.2 effectsize
    //   0.8.3 rank_biserial(d) → CI -0.077243981626909014 0.751041433553689131;
    // ttest_rel(T1, T0) → 1.8886591700432258, p 0.07219348665027812, CI
    //   (-0.027003775591381507, 0.5777284132725409), d_z 0.3938126601950844; R uniroot on
    //   pt(1.8886591700432258, 22, ncp) over sqrt(23) → -0.035052377795180036,
    //   0.814424349723590679
    let data = fixture("paired-kobo.csv");
    let form = common::repo()
        .join("examples/care-leavers-monitoring/instruments/care-leavers-monitoring.xlsx")
        .display()
        .to_string();
    let args = |var: &'static str| {
        vec![
            "paired",
            &data,
            "--var",
            var,
            "--id",
            "respondent_id",
            "--wave",
            "onda",
            "--pre",
            "T0",
            "--post",
            "T1",
            "--instrument",
            &form,
        ]
    };
    let r = json(&args("istruzione"));
    assert_eq!(r["n_pairs"], 23);
    assert!(r["column"].is_null());
    let scale = &r["scale"];
    assert_eq!(
        scale["items"],
        serde_json::json!(["capacita/edu_1", "capacita/edu_2", "capacita/edu_3"])
    );
    assert_eq!(scale["reverse"], serde_json::json!(["capacita/edu_3"]));
    let w = &r["wilcoxon"];
    close(&w["statistic"], 49.5);
    close(&w["p"], 0.11016804876849687);
    assert!(w["p_exact"].is_null());
    close(&w["rank_biserial"], 0.42105263157894735);
    close(&w["rank_biserial_ci"][0], -0.07724398162690901);
    close(&w["rank_biserial_ci"][1], 0.7510414335536891);
    let t = &r["paired_t"];
    close(&t["t"], 1.8886591700432258);
    close(&t["p"], 0.07219348665027812);
    close(&t["ci"][0], -0.027003775591381507);
    close(&t["ci"][1], 0.5777284132725409);
    close(&t["d_z"], 0.3938126601950844);
    close(&t["d_z_ci"][0], -0.035052377795180036);
    close(&t["d_z_ci"][1], 0.8144243497235907);
    let dropped = r["dropped"].to_string();
    assert!(
        dropped.contains(r#""reason":"a person seen in one wave only","rows":2"#)
            && dropped
                .contains(r#""reason":"a pair with 'istruzione' missing in a wave","rows":1"#),
        "{dropped}"
    );
    // One question by its short name, its choices scored by the list: scipy wilcoxon(T1 - T0)
    // of edu_1 → statistic 28.0, p 0.16551785869747015 (23 pairs, auto = asymptotic).
    let r = json(&args("edu_1"));
    assert_eq!(r["column"], "capacita/edu_1");
    assert_eq!(r["n_pairs"], 23);
    close(&r["wilcoxon"]["statistic"], 28.0);
    close(&r["wilcoxon"]["p"], 0.16551785869747015);
    // The readable form names the scale and its items, and prints every effect with its CI.
    let out = capakit()
        .arg("stats")
        .args(args("istruzione"))
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    for part in [
        "scale istruzione (3 items: capacita/edu_1, capacita/edu_2, capacita/edu_3; reversed: capacita/edu_3)",
        "rank-biserial r = 0.4211, 95% CI [-0.0772, 0.7510]",
        "Paired t = 1.8887, df = 22, p = 0.0722",
        "Cohen's d_z = 0.3938, 95% CI [-0.0351, 0.8144]",
    ] {
        assert!(text.contains(part), "{part}: {text}");
    }
    // Without the questionnaire a label is not a number: the cell is named.
    let err = fails(&[
        "paired",
        &data,
        "--var",
        "edu_2",
        "--id",
        "respondent_id",
        "--wave",
        "onda",
        "--pre",
        "T0",
        "--post",
        "T1",
    ]);
    assert!(
        err.contains("column D (capacita/edu_2)") && err.contains("is not a number"),
        "{err}"
    );
    // A short name two columns share is refused with both names.
    let dir = tempfile::tempdir().unwrap();
    let two = dir.path().join("two.csv");
    std::fs::write(&two, "id;wave;t0/score;t1/score\nA;1;2;3\nA;2;3;4\n").unwrap();
    let err = fails(&[
        "paired",
        two.to_str().unwrap(),
        "--var",
        "score",
        "--id",
        "id",
        "--wave",
        "wave",
        "--pre",
        "1",
        "--post",
        "2",
    ]);
    assert!(
        err.contains("'score' is the short name of 2 columns (t0/score, t1/score)"),
        "{err}"
    );
}

#[test]
fn paired_on_the_internal_scores_file() {
    // `capakit run --internal` on the monitoring example writes each respondent's scale scores
    // with a pseudonym and a wave; `stats paired` runs on that file as it is. References from
    // the file (pandas read_csv(sep=';', decimal=','), pivot by pseudonym, 'casa' 2022 → 2024):
    // scipy 1.17.1 wilcoxon(np.round(d, 9), method='asymptotic', correction=False) → statistic
    // 161132.5, p 2.1040726455915576e-36, zstatistic -12.600275882133634; pingouin 0.7.0
    // wilcoxon(np.round(d, 9))['RBC'] → 0.4427855105040201, R effectsize 0.8.3 rank_biserial(d)
    // CI 0.38565031926787202 0.49653772310988969; ttest_rel → 13.703596052210292, d_z
    // 0.39525949769436103, R uniroot on pt(t, 1201, ncp) over sqrt(1202) → 0.33648286449772574,
    // 0.45388289777288271.
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("internal");
    common::run_study(
        &common::repo().join("examples/care-leavers-monitoring"),
        &out,
        true,
    );
    let scores = out.join("INTERNAL-scores-unsuppressed.csv");
    let r = json(&[
        "paired",
        scores.to_str().unwrap(),
        "--var",
        "casa",
        "--id",
        "pseudonym",
        "--wave",
        "wave",
        "--pre",
        "2022",
        "--post",
        "2024",
    ]);
    assert_eq!(r["n_pairs"], 1202);
    let w = &r["wilcoxon"];
    close(&w["statistic"], 161132.5);
    close(&w["p"], 2.1040726455915576e-36);
    close(&w["z"], -12.600275882133634);
    close(&w["rank_biserial"], 0.4427855105040201);
    close(&w["rank_biserial_ci"][0], 0.385650319267872);
    close(&w["rank_biserial_ci"][1], 0.4965377231098897);
    let t = &r["paired_t"];
    close(&t["t"], 13.703596052210292);
    close(&t["d_z"], 0.39525949769436103);
    close(&t["d_z_ci"][0], 0.33648286449772574);
    close(&t["d_z_ci"][1], 0.4538828977728827);
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
    // Coders per unit vary: Fleiss' kappa on the 8 units all four coded, as R irr's
    // kappam.fleiss (na.omit) — statsmodels 0.15.0 on those units:
    // fleiss_kappa(aggregate_raters(c)[0]) → 0.6414565826330533 (c: the complete rows).
    close(&r["fleiss_kappa"], 0.6414565826330533);
    assert_eq!(r["fleiss_units_left_out"], 4);
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

#[test]
fn network_matches_networkx_and_sna() {
    // tests/fixtures/stats/network-ties.csv is the small directed weighted graph of
    // tests/fixtures/stats/network_reference.py (networkx 3.6.1) plus a self-tie e→e; the types
    // of network-services.csv are those of network_brokerage.R (R sna 2.7.1).
    let ties = fixture("network-ties.csv");
    let types = fixture("network-services.csv");
    let r = json(&[
        "network",
        &ties,
        "--from",
        "da",
        "--to",
        "a",
        "--weight",
        "volte",
        "--directed",
        "--distance",
        "--types",
        &types,
        "--type",
        "tipo",
    ]);
    assert_eq!(
        (r["nodes"].as_u64(), r["ties"].as_u64()),
        (Some(11), Some(15))
    );
    assert_eq!(r["self_ties"], 1);
    // nx.density(D) → 0.13636363636363635; nx.reciprocity(D) → 0.4
    close(&r["density"], 0.13636363636363635);
    close(&r["reciprocity"], 0.4);
    assert_eq!(r["weak_components"]["sizes"], serde_json::json!([8, 2, 1]));
    assert_eq!(r["strong_components"]["count"], 6);
    assert_eq!(r["isolates"], serde_json::json!(["i"]));
    assert_eq!(r["pendants"], serde_json::json!(["h", "j", "k"]));
    assert_eq!(r["paths"], "weight_as_distance");
    let nodes = r["node_measures"].as_array().unwrap();
    let c = &nodes[2];
    assert_eq!(c["name"], "c");
    assert_eq!(c["class"], "third");
    // nx.betweenness_centrality(D, normalized=True, weight="weight")["c"] → 0.1325925925925926;
    // nx.closeness_centrality(D, distance="weight", wf_improved=True)["c"] → 0.25
    close(&c["betweenness"], 0.1325925925925926);
    close(&c["closeness"], 0.25);
    assert_eq!(
        (c["in_degree"].as_u64(), c["out_degree"].as_u64()),
        (Some(3), Some(2))
    );
    close(&c["in_strength"], 4.0);
    // sna::brokerage(g, cl)$raw.nli["c", ] → w_I 1, w_O 0, b_IO 1, b_OI 1, b_O 2, t 5
    assert_eq!(
        c["brokerage"],
        serde_json::json!({"coordinator": 1, "itinerant": 0, "representative": 1,
            "gatekeeper": 1, "liaison": 2, "total": 5})
    );
    // E-I by counting the fixture's arcs: within a type a⇄b, c→d, d→e, e→c, f⇄g, h→a (8);
    // across b→c, a→c, b→d, c→f, d→g, j⇄k (7): (7 − 8)/15.
    // pip netseg 0.1.8 `krackhardt_ei(membership=…, graph=g)` (network_reference.py) → -0.0666…
    close(&r["ei_index"]["ei"], -1.0 / 15.0);
    assert_eq!(r["ei_index"]["classes"][0]["class"], "health");

    // Undirected, steps: byte-identical reruns, and the text summary.
    let args = ["stats", "network", &ties, "--from", "da", "--to", "a"];
    let once = capakit().args(args).output().unwrap();
    let twice = capakit().args(args).output().unwrap();
    assert!(once.status.success());
    assert_eq!(once.stdout, twice.stdout);
    let text = String::from_utf8(once.stdout).unwrap();
    assert!(text.starts_with("undirected network: 10 nodes, 12 ties (1 self-ties left out)"));
    assert!(text.contains("isolates: none"), "{text}");
}

#[test]
fn network_errors_name_their_place() {
    let ties = fixture("network-ties.csv");
    let err = fails(&["network", &ties, "--from", "da", "--to", "verso"]);
    assert!(
        err.contains("no column 'verso'") && err.contains("da, a, volte"),
        "{err}"
    );
    let err = fails(&[
        "network",
        &fixture("network-blank-end.csv"),
        "--from",
        "da",
        "--to",
        "a",
    ]);
    assert!(
        err.contains("row 3") && err.contains("without its 'a' end"),
        "{err}"
    );
    let err = fails(&[
        "network",
        &fixture("network-bad-weight.csv"),
        "--from",
        "da",
        "--to",
        "a",
        "--weight",
        "volte",
    ]);
    assert!(
        err.contains("row 3") && err.contains("\"spesso\" is not a number"),
        "{err}"
    );
    // A tie whose end is not in the --types table.
    let err = fails(&[
        "network",
        &fixture("network-blank-end.csv"),
        "--from",
        "da",
        "--to",
        "volte",
        "--types",
        &fixture("network-services.csv"),
        "--type",
        "tipo",
    ]);
    assert!(
        err.contains("row 2") && err.contains("'1' is not a node"),
        "{err}"
    );
    // A node listed twice in the --types table.
    let err = fails(&[
        "network",
        &ties,
        "--from",
        "da",
        "--to",
        "a",
        "--types",
        &fixture("network-services-twice.csv"),
        "--type",
        "tipo",
    ]);
    assert!(
        err.contains("row 4") && err.contains("'a' is listed twice (also row 2)"),
        "{err}"
    );
    // --distance needs --weight (a usage error, exit 2).
    fails(&["network", &ties, "--from", "da", "--to", "a", "--distance"]);
}
