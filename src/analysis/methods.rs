//! The methods appendix of a run: which methods the results used, with which options, a reference
//! a researcher can cite for each, and where an assumption is weak (small groups, few complete
//! answers, weights that shrink the sample). Built from the results, so it names only what ran.

use serde::Serialize;

use super::{AnalysisResult, Correction, Entry};
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
    ("alkire2015", "Alkire et al. (2015)", "Alkire, S., Foster, J. E., Seth, S., Santos, M. E., Roche, J. M., & Ballon, P. (2015). Multidimensional Poverty Measurement and Analysis. Oxford: Oxford University Press."),
    ("jaccard1912", "Jaccard (1912)", "Jaccard, P. (1912). The distribution of the flora in the alpine zone. New Phytologist, 11(2), 37–50."),
    ("cohen1960", "Cohen (1960)", "Cohen, J. (1960). A coefficient of agreement for nominal scales. Educational and Psychological Measurement, 20(1), 37–46."),
    ("krippendorff2011", "Krippendorff (2011)", "Krippendorff, K. (2011). Computing Krippendorff's alpha-reliability. Annenberg School for Communication Departmental Papers, University of Pennsylvania."),
    ("efron1993", "Efron & Tibshirani (1993)", "Efron, B., & Tibshirani, R. J. (1993). An Introduction to the Bootstrap. New York: Chapman & Hall."),
];

/// Fewer complete answers than this make alpha's interval wide.
const SMALL_ALPHA_N: usize = 30;

/// The methods used by `entries`, in a fixed order, and the weak assumptions found in them.
pub fn methods_and_flags(entries: &[Entry]) -> (Vec<MethodNote>, Vec<Flag>) {
    let mut notes: Vec<MethodNote> = Vec::new();
    let mut flags = Vec::new();
    let mut add = |note: MethodNote| {
        if !notes.contains(&note) {
            notes.push(note);
        }
    };
    let mut weighted = false;
    for e in entries {
        match &e.result {
            AnalysisResult::Likert(l) => {
                add(note("likert", None, &["wilson1927"]));
                weighted |= l.items.iter().any(|i| i.total.weighted.is_some());
                for i in &l.items {
                    for g in &i.groups {
                        if let Some(w) = &g.weighted {
                            let var = (i.item.as_str(), &i.labels);
                            flag_ess(
                                &mut flags,
                                e,
                                var,
                                g.group.clone(),
                                g.n.unwrap_or(0),
                                w.kish_ess,
                            );
                        }
                    }
                }
            }
            AnalysisResult::Scales(s) => {
                add(note("ci", None, &["student1908"]));
                add(note("alpha", None, &["cronbach1951", "feldt1987"]));
                for row in &s.scales {
                    match &row.alpha {
                        Some(a) if a.n < SMALL_ALPHA_N => flags.push(Flag {
                            code: "alpha_small",
                            analysis: e.id.clone(),
                            variable: row.scale.clone(),
                            labels: row.labels.clone(),
                            group: None,
                            n: a.n as f64,
                        }),
                        None => flags.push(Flag {
                            code: "alpha_undefined",
                            analysis: e.id.clone(),
                            variable: row.scale.clone(),
                            labels: row.labels.clone(),
                            group: None,
                            n: 0.0,
                        }),
                        _ => {}
                    }
                    if let Some(w) = &row.total_weighted {
                        weighted = true;
                        flag_weighted(&mut flags, e, (&row.scale, &row.labels), None, w);
                    }
                    for g in &row.groups {
                        if let Some(w) = &g.weighted {
                            let var = (row.scale.as_str(), &row.labels);
                            flag_weighted(&mut flags, e, var, Some(g.group.clone()), w);
                        }
                    }
                }
            }
            AnalysisResult::Crosstab(c) => {
                if c.not_run.is_some() {
                    continue;
                }
                let refs: Vec<&str> = [
                    "pearson1900",
                    "cramer1946",
                    "yates1934",
                    "fisher1922",
                    "wilson1927",
                ]
                .into_iter()
                .chain(correction_refs(c.correction).iter().copied())
                .collect();
                add(note("crosstab", Some(c.correction), &refs));
                for t in c.tables.iter().filter(|t| t.chi2_doubtful) {
                    flags.push(Flag {
                        code: "chi2_small_expected",
                        analysis: e.id.clone(),
                        variable: t.variable.clone(),
                        labels: t.labels.clone(),
                        group: None,
                        n: t.tests.as_ref().map_or(0.0, |x| x.min_expected),
                    });
                }
            }
            AnalysisResult::Capability(c) => {
                let mut refs = vec!["alkire2011", "alkire2015", "efron1993"];
                if c.results.iter().any(|r| r.differences.len() > 1) {
                    refs.push("holm1979");
                }
                add(note("capability", None, &refs));
                // More than a fifth of the respondents left out of the index for missing answers.
                if let (Some(n), Some(x)) = (c.n, c.n_excluded) {
                    if x * 5 > n + x {
                        flags.push(Flag {
                            code: "capability_excluded",
                            analysis: e.id.clone(),
                            variable: e.id.clone(),
                            labels: e
                                .title
                                .as_ref()
                                .map(crate::study::Text::labels)
                                .unwrap_or_default(),
                            group: None,
                            n: x as f64,
                        });
                    }
                }
            }
            AnalysisResult::Codes(c) => {
                let mut refs = vec!["jaccard1912"];
                if c.agreement.is_some() {
                    refs.extend(["cohen1960", "krippendorff2011"]);
                }
                add(note("codes", None, &refs));
            }
            AnalysisResult::Recommendations(_) => add(note("recommendations", None, &[])),
            AnalysisResult::Compare(c) => {
                if c.not_run.is_some() {
                    continue;
                }
                let correction_ref = correction_refs(c.correction);
                let refs: Vec<&str> = ["mann1947", "kerby2014", "welch1947", "hedges1981"]
                    .into_iter()
                    .chain(correction_ref.iter().copied())
                    .collect();
                add(note("compare", Some(c.correction), &refs));
                for t in c.tests.iter().filter(|t| t.small_group) {
                    for (k, n) in t.n.iter().enumerate() {
                        if *n < super::compare::SMALL_GROUP {
                            flags.push(Flag {
                                code: "small_group",
                                analysis: e.id.clone(),
                                variable: t.variable.clone(),
                                labels: t.labels.clone(),
                                group: c.groups.get(k).cloned(),
                                n: *n as f64,
                            });
                        }
                    }
                }
            }
        }
    }
    if weighted {
        add(note("weights", None, &["kish1965"]));
    }
    (notes, flags)
}

fn correction_refs(c: Correction) -> &'static [&'static str] {
    match c {
        Correction::Holm => &["holm1979"],
        Correction::BenjaminiHochberg => &["bh1995"],
        Correction::None => &[],
    }
}

fn note(key: &'static str, correction: Option<Correction>, refs: &[&str]) -> MethodNote {
    MethodNote {
        key,
        correction,
        references: refs.iter().filter_map(|k| reference(k)).collect(),
    }
}

/// A variable's name and labels.
type Var<'a> = (&'a str, &'a Labels);

fn flag_weighted(flags: &mut Vec<Flag>, e: &Entry, var: Var, group: Option<String>, w: &Weighted) {
    flag_ess(flags, e, var, group, w.n, w.kish_ess);
}

/// Weights that leave less than half the effective sample are flagged.
fn flag_ess(flags: &mut Vec<Flag>, e: &Entry, var: Var, group: Option<String>, n: usize, ess: f64) {
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
