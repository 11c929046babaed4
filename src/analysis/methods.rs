//! The methods appendix of a run: which methods the results used, with which options, a reference
//! a researcher can cite for each, and where an assumption is weak (small groups, few complete
//! answers, weights that shrink the sample). Built from the results, so it names only what ran.

use serde::Serialize;

use super::kind::Methods;
use super::{Correction, Entry};
use crate::instrument::Labels;
use crate::stats::Weighted;

/// A method used, with its references.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct MethodNote {
    /// Key of the method's description among the report strings (`method_<key>`).
    pub key: &'static str,
    /// The multiple-test correction, for methods run as a family.
    pub correction: Option<Correction>,
    pub references: Vec<Reference>,
    /// The families of tests the correction ran within, for a comparison (which one, and each
    /// family with its size).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub families: Option<FamilyNote>,
    /// A number the description names (`{value}`), for a note about one analysis.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<f64>,
}

/// The families of tests of one analysis, each corrected on its own.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct FamilyNote {
    pub analysis: String,
    pub families: Vec<super::compare::Family>,
}

/// A reference as cited in the text and in full.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Reference {
    pub key: &'static str,
    pub short: &'static str,
    pub full: &'static str,
}

/// A weak assumption under one number of the report.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Flag {
    /// Key of the explanation among the report strings (`flag_<code>`).
    pub code: &'static str,
    pub analysis: String,
    pub variable: String,
    pub labels: Labels,
    pub group: Option<String>,
    pub n: f64,
}

/// Citable references: key, short citation, full reference.
pub const REFERENCES: &[(&str, &str, &str)] = &[
    ("cronbach1951", "Cronbach (1951)", "Cronbach, L. J. (1951). Coefficient alpha and the internal structure of tests. Psychometrika, 16(3), 297–334."),
    ("feldt1987", "Feldt, Woodruff & Salih (1987)", "Feldt, L. S., Woodruff, D. J., & Salih, F. A. (1987). Statistical inference for coefficient alpha. Applied Psychological Measurement, 11(1), 93–103."),
    ("student1908", "Student (1908)", "Student (1908). The probable error of a mean. Biometrika, 6(1), 1–25."),
    ("wilson1927", "Wilson (1927)", "Wilson, E. B. (1927). Probable inference, the law of succession, and statistical inference. Journal of the American Statistical Association, 22(158), 209–212."),
    ("mann1947", "Mann & Whitney (1947)", "Mann, H. B., & Whitney, D. R. (1947). On a test of whether one of two random variables is stochastically larger than the other. Annals of Mathematical Statistics, 18(1), 50–60."),
    ("kerby2014", "Kerby (2014)", "Kerby, D. S. (2014). The simple difference formula: An approach to teaching nonparametric correlation. Comprehensive Psychology, 3, 11.IT.3.1."),
    ("welch1947", "Welch (1947)", "Welch, B. L. (1947). The generalization of \"Student's\" problem when several different population variances are involved. Biometrika, 34(1–2), 28–35."),
    ("hedges1981", "Hedges (1981)", "Hedges, L. V. (1981). Distribution theory for Glass's estimator of effect size and related estimators. Journal of Educational Statistics, 6(2), 107–128."),
    ("holm1979", "Holm (1979)", "Holm, S. (1979). A simple sequentially rejective multiple test procedure. Scandinavian Journal of Statistics, 6(2), 65–70."),
    ("bh1995", "Benjamini & Hochberg (1995)", "Benjamini, Y., & Hochberg, Y. (1995). Controlling the false discovery rate: A practical and powerful approach to multiple testing. Journal of the Royal Statistical Society: Series B, 57(1), 289–300."),
    ("pearson1900", "Pearson (1900)", "Pearson, K. (1900). On the criterion that a given system of deviations from the probable in the case of a correlated system of variables is such that it can be reasonably supposed to have arisen from random sampling. Philosophical Magazine, 50(302), 157–175."),
    ("yates1934", "Yates (1934)", "Yates, F. (1934). Contingency tables involving small numbers and the χ² test. Supplement to the Journal of the Royal Statistical Society, 1(2), 217–235."),
    ("cramer1946", "Cramér (1946)", "Cramér, H. (1946). Mathematical Methods of Statistics. Princeton: Princeton University Press."),
    ("fisher1922", "Fisher (1922)", "Fisher, R. A. (1922). On the interpretation of χ² from contingency tables, and the calculation of P. Journal of the Royal Statistical Society, 85(1), 87–94."),
    ("kish1965", "Kish (1965)", "Kish, L. (1965). Survey Sampling. New York: Wiley."),
    ("alkire2011", "Alkire & Foster (2011)", "Alkire, S., & Foster, J. (2011). Counting and multidimensional poverty measurement. Journal of Public Economics, 95(7–8), 476–487."),
    ("alkire2017", "Alkire, Roche & Vaz (2017)", "Alkire, S., Roche, J. M., & Vaz, A. (2017). Changes over time in multidimensional poverty: Methodology and results for 34 countries. World Development, 94, 232–249."),
    ("suppa2023", "Suppa (2023)", "Suppa, N. (2023). mpitb: A toolbox for multidimensional poverty indices. The Stata Journal, 23(3), 625–657."),
    ("binder1983", "Binder (1983)", "Binder, D. A. (1983). On the variances of asymptotically normal estimators from complex surveys. International Statistical Review, 51(3), 279–292."),
    ("lumley2010", "Lumley (2010)", "Lumley, T. (2010). Complex Surveys: A Guide to Analysis Using R. Hoboken, NJ: Wiley."),
    ("alkire2015", "Alkire et al. (2015)", "Alkire, S., Foster, J. E., Seth, S., Santos, M. E., Roche, J. M., & Ballon, P. (2015). Multidimensional Poverty Measurement and Analysis. Oxford: Oxford University Press."),
    ("jaccard1912", "Jaccard (1912)", "Jaccard, P. (1912). The distribution of the flora in the alpine zone. New Phytologist, 11(2), 37–50."),
    ("cohen1960", "Cohen (1960)", "Cohen, J. (1960). A coefficient of agreement for nominal scales. Educational and Psychological Measurement, 20(1), 37–46."),
    ("krippendorff2011", "Krippendorff (2011)", "Krippendorff, K. (2011). Computing Krippendorff's alpha-reliability. Annenberg School for Communication Departmental Papers, University of Pennsylvania."),
    ("efron1993", "Efron & Tibshirani (1993)", "Efron, B., & Tibshirani, R. J. (1993). An Introduction to the Bootstrap. New York: Chapman & Hall."),
    ("kruskal1952", "Kruskal & Wallis (1952)", "Kruskal, W. H., & Wallis, W. A. (1952). Use of ranks in one-criterion variance analysis. Journal of the American Statistical Association, 47(260), 583–621."),
    ("dunn1964", "Dunn (1964)", "Dunn, O. J. (1964). Multiple comparisons using rank sums. Technometrics, 6(3), 241–252."),
    ("tomczak2014", "Tomczak & Tomczak (2014)", "Tomczak, M., & Tomczak, E. (2014). The need to report effect size estimates revisited. An overview of some recommended measures of effect size. Trends in Sport Sciences, 21(1), 19–25."),
    ("mogstad2024", "Mogstad, Romano, Shaikh & Wilhelm (2024)", "Mogstad, M., Romano, J. P., Shaikh, A. M., & Wilhelm, D. (2024). Inference for ranks with applications to mobility across neighbourhoods and academic achievement across countries. Review of Economic Studies, 91(1), 476–518."),
    ("kusek2004", "Kusek & Rist (2004)", "Kusek, J. Z., & Rist, R. C. (2004). Ten Steps to a Results-Based Monitoring and Evaluation System. Washington, DC: The World Bank."),
    ("wilcoxon1945", "Wilcoxon (1945)", "Wilcoxon, F. (1945). Individual comparisons by ranking methods. Biometrics Bulletin, 1(6), 80–83."),
    ("cohen1988", "Cohen (1988)", "Cohen, J. (1988). Statistical Power Analysis for the Behavioral Sciences (2nd ed.). Hillsdale, NJ: Lawrence Erlbaum."),
    ("mcnemar1947", "McNemar (1947)", "McNemar, Q. (1947). Note on the sampling error of the difference between correlated proportions or percentages. Psychometrika, 12(2), 153–157."),
    ("stuart1955", "Stuart (1955)", "Stuart, A. (1955). A test for homogeneity of the marginal distributions in a two-way classification. Biometrika, 42(3–4), 412–416."),
    ("bowker1948", "Bowker (1948)", "Bowker, A. H. (1948). A test for symmetry in contingency tables. Journal of the American Statistical Association, 43(244), 572–574."),
    ("spearman1904", "Spearman (1904)", "Spearman, C. (1904). The proof and measurement of association between two things. American Journal of Psychology, 15(1), 72–101."),
    ("freeman1978", "Freeman (1978)", "Freeman, L. C. (1978). Centrality in social networks: Conceptual clarification. Social Networks, 1(3), 215–239."),
    ("krackhardt1988", "Krackhardt & Stern (1988)", "Krackhardt, D., & Stern, R. N. (1988). Informal networks and organizational crises: An experimental simulation. Social Psychology Quarterly, 51(2), 123–140."),
    ("gould1989", "Gould & Fernandez (1989)", "Gould, R. V., & Fernandez, R. M. (1989). Structures of mediation: A formal approach to brokerage in transaction networks. Sociological Methodology, 19, 89–126."),
    ("brandes2001", "Brandes (2001)", "Brandes, U. (2001). A faster algorithm for betweenness centrality. Journal of Mathematical Sociology, 25(2), 163–177."),
    ("lumley2004", "Lumley (2004)", "Lumley, T. (2004). Analysis of complex survey samples. Journal of Statistical Software, 9(8), 1–19."),
];

/// Fewer complete answers than this make alpha's interval wide.
pub(crate) const SMALL_ALPHA_N: usize = 30;

/// The methods used by `entries`, in the order first used, and the weak assumptions found in
/// them: each kind says its own ([`super::kind::AnalysisKind::methods`]).
pub fn methods_and_flags(entries: &[Entry]) -> (Vec<MethodNote>, Vec<Flag>) {
    let mut m = Methods::default();
    for e in entries {
        e.result.as_kind().methods(e, &mut m);
    }
    if m.weighted {
        m.add(note("weights", None, &["kish1965"]));
    }
    (m.notes, m.flags)
}

pub(crate) fn correction_refs(c: Correction) -> &'static [&'static str] {
    match c {
        Correction::Holm => &["holm1979"],
        Correction::BenjaminiHochberg => &["bh1995"],
        Correction::None => &[],
    }
}

pub(crate) fn note(key: &'static str, correction: Option<Correction>, refs: &[&str]) -> MethodNote {
    MethodNote {
        key,
        correction,
        references: refs.iter().filter_map(|k| reference(k)).collect(),
        families: None,
        value: None,
    }
}

/// A variable's name and labels.
pub(crate) type Var<'a> = (&'a str, &'a Labels);

pub(crate) fn flag_weighted(
    flags: &mut Vec<Flag>,
    e: &Entry,
    var: Var,
    group: Option<String>,
    w: &Weighted,
) {
    flag_ess(flags, e, var, group, w.n, w.kish_ess);
}

/// Weights that leave less than half the effective sample are flagged.
pub(crate) fn flag_ess(
    flags: &mut Vec<Flag>,
    e: &Entry,
    var: Var,
    group: Option<String>,
    n: usize,
    ess: f64,
) {
    if ess < n as f64 / 2.0 {
        flags.push(Flag {
            code: "low_ess",
            analysis: e.id.clone(),
            variable: var.0.to_string(),
            labels: var.1.clone(),
            group,
            n: ess,
        });
    }
}

/// A reference by key.
pub fn reference(key: &str) -> Option<Reference> {
    REFERENCES
        .iter()
        .find(|(k, _, _)| *k == key)
        .map(|&(key, short, full)| Reference { key, short, full })
}

/// Every reference the notes cite, once, sorted as a reference list is.
pub fn reference_list(notes: &[MethodNote]) -> Vec<Reference> {
    let mut all: Vec<Reference> = Vec::new();
    for r in notes.iter().flat_map(|n| &n.references) {
        if !all.contains(r) {
            all.push(r.clone());
        }
    }
    all.sort_by(|a, b| a.full.cmp(b.full));
    all
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_reference_key_resolves_once() {
        for (k, _, _) in REFERENCES {
            assert_eq!(REFERENCES.iter().filter(|r| r.0 == *k).count(), 1, "{k}");
            assert!(reference(k).is_some());
        }
    }
}
