//! More than two groups compared at once (17 regions): for every item and scale score,
//! Kruskal–Wallis H with ε², Dunn's pairwise tests adjusted by Holm, each group's n, median and
//! mean with its 95% interval, and a 95% interval for each group's rank by its mean
//! ([`crate::stats::ranks::rank_intervals`]): never a bare rank.
//!
//! Disclosure: a group whose values may not be summarised (fewer than
//! [`summary_min`](crate::disclosure::summary_min) answers, an answer given by fewer than the
//! minimum cell size, missing answers protected, or answers another analysis hides) is left out
//! of that variable's test and ranking, named with why; nothing computed from its values is
//! published.

use serde::Serialize;

use crate::instrument::Labels;
use crate::stats::ranks::rank_intervals;
use crate::stats::{kruskal, Correction, Summary};

/// How the tests are computed, stated in every result compared across more than two groups.
pub const METHOD: &str = "Kruskal–Wallis H test, tie-corrected, against χ² with k − 1 degrees of freedom (scipy.stats.kruskal), its p-values adjusted across the family; effect size ε² = H / (N − 1) (Tomczak & Tomczak 2014); Dunn's pairwise z tests on the pooled mean ranks with the tie-corrected variance, two-sided, adjusted across the pairs by Holm (scikit-posthocs posthoc_dunn, p_adjust='holm'); each group's mean with its t-based 95% CI, and a 95% confidence interval of its rank by mean (1 = highest): the marginal confidence set of Mogstad, Romano, Shaikh & Wilhelm (2024) with Bonferroni intervals for the differences of means (normal, standard errors SD/√n). A group whose values may not be summarised (fewer than twice the minimum cell size, a rare answer, protected missing answers, answers hidden elsewhere) is left out of the test and the ranking";

/// The level of the rank intervals.
pub const RANK_LEVEL: f64 = 0.95;

/// One group of a variable compared across many.
#[derive(Debug, Clone, Serialize)]
pub struct GroupValues {
    pub group: String,
    /// Null when the group is left out.
    pub n: Option<usize>,
    pub median: Option<f64>,
    pub mean: Option<f64>,
    pub ci95: Option<[f64; 2]>,
    /// Its 95% rank interval by mean, [best, worst], 1 the highest mean (null when left out).
    pub rank: Option<[usize; 2]>,
    /// Why the group is left out of the test and the ranking (`few_answers`, `rare_answer`,
    /// `protected_missing`, `hidden_elsewhere`); null when it is in.
    pub left_out: Option<&'static str>,
    /// Its values, kept to test again when a group is withheld after the run; never published.
    #[serde(skip)]
    pub(super) values: Vec<f64>,
}

impl GroupValues {
    pub(super) fn new(group: &str, values: Vec<f64>, left_out: Option<&'static str>) -> Self {
        GroupValues {
            group: group.to_string(),
            n: None,
            median: None,
            mean: None,
            ci95: None,
            rank: None,
            left_out,
            values,
        }
    }

    /// Leaves the group out: nothing of it is published.
    fn leave_out(&mut self, why: &'static str) {
        *self = GroupValues::new(&self.group, Vec::new(), Some(why));
    }
}

/// One pair of groups whose mean ranks differ in Dunn's test (Holm-adjusted p < 0.05, or not),
/// the higher first.
#[derive(Debug, Clone, Serialize)]
pub struct Pair {
    /// The higher and the lower group, as indices into the comparison's groups.
    pub index: [usize; 2],
    pub higher: String,
    pub lower: String,
    /// z of the higher group's mean rank above the lower's (≥ 0).
    pub z: f64,
    pub p: f64,
    /// Adjusted by Holm across the pairs of this variable.
    pub p_adjusted: f64,
}

/// One variable compared across many groups.
#[derive(Debug, Clone, Serialize)]
pub struct ManyTest {
    pub variable: String,
    /// `item` or `scale`.
    pub kind: &'static str,
    pub labels: Labels,
    /// Every group of the comparison, in its order; those left out have no numbers.
    pub groups: Vec<GroupValues>,
    /// The groups in the test, by mean from the highest (indices into `groups`).
    pub order: Vec<usize>,
    pub h: f64,
    pub df: usize,
    pub p: f64,
    /// Adjusted within its family of tests by the analysis's correction.
    pub p_adjusted: f64,
    /// The family of tests it is corrected in (see [`super::Family`]).
    pub family: String,
    pub epsilon_squared: f64,
    /// Dunn's pairs that differ (Holm-adjusted p < 0.05), the higher group first.
    pub differ: Vec<Pair>,
    /// How many pairs Dunn's test compared.
    pub pairs: usize,
    /// A group in the test has fewer than [`super::SMALL_GROUP`] answers.
    pub small_group: bool,
}

/// A group left out of every variable tested, for one reason.
#[derive(Debug, Clone, Serialize)]
pub struct LeftOut {
    /// Its index among the comparison's groups.
    pub index: usize,
    pub group: String,
    pub left_out: &'static str,
}

/// The groups left out of every test of `tests`, each for the same reason.
pub(super) fn left_out_everywhere(tests: &[ManyTest]) -> Vec<LeftOut> {
    let Some(first) = tests.first() else {
        return Vec::new();
    };
    first
        .groups
        .iter()
        .enumerate()
        .filter_map(|(k, g)| {
            let why = g.left_out?;
            tests
                .iter()
                .all(|t| t.groups.get(k).and_then(|x| x.left_out) == Some(why))
                .then(|| LeftOut {
                    index: k,
                    group: g.group.clone(),
                    left_out: why,
                })
        })
        .collect()
}

/// Why a variable is not tested across many groups: fewer than two groups may be summarised, or
/// their values are all the same.
pub(super) enum NotTested {
    FewGroups,
    AllSame,
}

/// The test of `groups` (those not left out): Kruskal–Wallis, Dunn (Holm), the summaries and the
/// rank intervals. The family's adjustment comes after ([`super::adjust_family`]).
pub(super) fn test(
    variable: String,
    kind: &'static str,
    labels: Labels,
    mut groups: Vec<GroupValues>,
) -> Result<ManyTest, (NotTested, Vec<GroupValues>)> {
    let inside: Vec<usize> = (0..groups.len())
        .filter(|&k| groups[k].left_out.is_none())
        .collect();
    if inside.len() < 2 {
        return Err((NotTested::FewGroups, groups));
    }
    let slices: Vec<&[f64]> = inside.iter().map(|&k| groups[k].values.as_slice()).collect();
    let Some(kw) = kruskal(&slices, Correction::Holm) else {
        return Err((NotTested::AllSame, groups));
    };
    let summaries: Vec<Summary> = inside.iter().map(|&k| Summary::of(&groups[k].values)).collect();
    let se: Vec<Option<f64>> = summaries
        .iter()
        .map(|s| s.sd.map(|sd| sd / (s.n as f64).sqrt()))
        .collect();
    let means: Vec<Option<f64>> = summaries.iter().map(|s| s.mean).collect();
    let ranks = rank_intervals(&means, &se, RANK_LEVEL, true);
    for ((&k, s), r) in inside.iter().zip(&summaries).zip(ranks) {
        let g = &mut groups[k];
        g.n = Some(s.n);
        g.median = s.median;
        g.mean = s.mean;
        g.ci95 = s.ci95;
        g.rank = r;
    }
    let mut order = inside.clone();
    // By mean from the highest; equal means in the comparison's order (a stable sort).
    order.sort_by(|&a, &b| {
        let (x, y) = (groups[a].mean.unwrap_or(f64::NAN), groups[b].mean.unwrap_or(f64::NAN));
        y.total_cmp(&x)
    });
    let differ = kw
        .dunn
        .iter()
        .filter(|d| d.p_adjusted < 0.05)
        .map(|d| {
            let [a, b] = d.groups.map(|i| inside[i]);
            let (higher, lower) = if d.z >= 0.0 { (a, b) } else { (b, a) };
            Pair {
                index: [higher, lower],
                higher: groups[higher].group.clone(),
                lower: groups[lower].group.clone(),
                z: d.z.abs(),
                p: d.p,
                p_adjusted: d.p_adjusted,
            }
        })
        .collect();
    Ok(ManyTest {
        variable,
        kind,
        labels,
        small_group: summaries.iter().any(|s| s.n < super::SMALL_GROUP),
        groups,
        order,
        h: kw.h,
        df: kw.df,
        p: kw.p,
        p_adjusted: kw.p,
        family: String::new(),
        epsilon_squared: kw.epsilon_squared,
        pairs: kw.dunn.len(),
        differ,
    })
}

/// Why a variable is listed as not compared, when the groups left out leave fewer than two.
pub(super) fn few_groups_reason(min_cell: u64) -> String {
    format!(
        "fewer than two groups have answers that may be summarised (at least {} answers, none of them an answer given by fewer than {min_cell}, none hidden elsewhere): not compared, to protect respondents",
        crate::disclosure::summary_min(min_cell)
    )
}

/// Leaves out of `t` the groups in `hidden` (their answers are hidden elsewhere) and tests it
/// again: the test, or why it cannot be.
pub(super) fn without(
    mut t: ManyTest,
    hidden: impl Fn(&str) -> bool,
) -> Result<ManyTest, (NotTested, Box<ManyTest>)> {
    let mut changed = false;
    for g in &mut t.groups {
        if g.left_out.is_none() && hidden(&g.group) {
            g.leave_out("hidden_elsewhere");
            changed = true;
        }
    }
    if !changed {
        return Ok(t);
    }
    // Everything computed is computed again from the groups still in.
    let groups: Vec<GroupValues> = t
        .groups
        .iter()
        .map(|g| GroupValues::new(&g.group, g.values.clone(), g.left_out))
        .collect();
    match test(t.variable.clone(), t.kind, t.labels.clone(), groups) {
        Ok(x) => Ok(x),
        Err((why, groups)) => {
            t.groups = groups;
            Err((why, Box::new(t)))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn group(name: &str, values: &[f64]) -> GroupValues {
        GroupValues::new(name, values.to_vec(), None)
    }

    fn close(a: f64, b: f64, tol: f64) {
        assert!((a - b).abs() <= tol * b.abs().max(1e-300), "{a} != {b}");
    }

    // Four groups of five-point answers with ties, and a fifth left out (too few answers).
    const A: [f64; 12] = [4., 5., 4., 3., 5., 4., 4., 5., 3., 4., 5., 4.];
    const B: [f64; 11] = [2., 3., 2., 1., 3., 2., 2., 3., 4., 2., 1.];
    const C: [f64; 12] = [3., 3., 4., 2., 3., 3., 4., 3., 2., 3., 3., 4.];
    const D: [f64; 10] = [4., 4., 5., 3., 4., 4., 5., 3., 4., 2.];

    #[test]
    fn kruskal_and_dunn_match_scipy_and_scikit_posthocs() {
        // scipy 1.17.1: stats.kruskal(A, B, C, D)
        //   → statistic 20.75421620980183, pvalue 0.0001184023661314782.
        // scikit-posthocs 0.17.1: sp.posthoc_dunn(df, val_col='v', group_col='g',
        //   p_adjust='holm') with df the four groups in long form (g = 'A'…'D') →
        //   A–B 0.00015674117184665123, A–C 0.029974684765554104, A–D 0.41245689050278256,
        //   B–C 0.25086487609783703, B–D 0.006545463167515519, C–D 0.25086487609783703.
        // ε² = H / (N − 1) = 20.75421620980183 / 44.
        let groups = vec![
            group("A", &A),
            group("B", &B),
            group("C", &C),
            group("D", &D),
            GroupValues::new("E", Vec::new(), Some("few_answers")),
        ];
        let t = test("x".into(), "item", Labels::new(), groups).ok().unwrap();
        close(t.h, 20.75421620980183, 1e-12);
        close(t.p, 0.0001184023661314782, 1e-9);
        assert_eq!(t.df, 3);
        close(t.epsilon_squared, 20.75421620980183 / 44.0, 1e-12);
        assert_eq!(t.pairs, 6);
        // The pairs below 0.05 after Holm: A above B, A above C, D above B.
        let differ: Vec<(&str, &str, f64)> = t
            .differ
            .iter()
            .map(|d| (d.higher.as_str(), d.lower.as_str(), d.p_adjusted))
            .collect();
        assert_eq!(differ.len(), 3, "{differ:?}");
        let want = [
            ("A", "B", 0.00015674117184665123),
            ("A", "C", 0.029974684765554104),
            ("D", "B", 0.006545463167515519),
        ];
        for (got, want) in differ.iter().zip(want) {
            assert_eq!((got.0, got.1), (want.0, want.1));
            close(got.2, want.2, 1e-9);
        }
        // The group left out has no number, no rank, and is not in the order.
        let e = &t.groups[4];
        assert!(e.n.is_none() && e.mean.is_none() && e.rank.is_none());
        assert_eq!(e.left_out, Some("few_answers"));
        assert!(!t.order.contains(&4));
        // By mean: A (4.17), D (3.8), C (3.08), B (2.27).
        assert_eq!(t.order, vec![0, 3, 2, 1]);
        // numpy 2 (same venv): A.mean() 4.166666666666667, A.std(ddof=1) 0.7177405625652734.
        close(t.groups[0].mean.unwrap(), 4.166666666666667, 1e-12);
        // Rank intervals from the means and SD/√n, as rank_intervals' reference computes them
        // (Python in src/stats/ranks.rs) with est = group means, se = std(ddof=1)/√n:
        // → A (1, 2), B (4, 4), C (2, 3), D (1, 3).
        let ranks: Vec<[usize; 2]> = t.groups[..4].iter().map(|g| g.rank.unwrap()).collect();
        assert_eq!(ranks, vec![[1, 2], [4, 4], [2, 3], [1, 3]]);
    }

    #[test]
    fn a_group_hidden_elsewhere_is_left_out_and_the_test_run_again() {
        let groups = vec![group("A", &A), group("B", &B), group("C", &C), group("D", &D)];
        let t = test("x".into(), "item", Labels::new(), groups).ok().unwrap();
        // scipy 1.17.1: stats.kruskal(A, C, D) → statistic 9.828078374206829,
        // pvalue 0.00734276953188094.
        let t = without(t, |g| g == "B").ok().unwrap();
        close(t.h, 9.828078374206829, 1e-12);
        close(t.p, 0.00734276953188094, 1e-9);
        assert_eq!(t.groups[1].left_out, Some("hidden_elsewhere"));
        assert!(t.groups[1].n.is_none() && t.groups[1].mean.is_none());
        assert!(t.differ.iter().all(|d| d.higher != "B" && d.lower != "B"));
        // Two hidden leave one group: not tested, with the groups named.
        let Err((NotTested::FewGroups, t)) = without(t, |g| g == "A" || g == "C") else {
            panic!("one group is left")
        };
        assert_eq!(t.groups[0].left_out, Some("hidden_elsewhere"));
    }

    #[test]
    fn all_the_same_is_not_tested() {
        let groups = vec![group("A", &[3.0; 10]), group("B", &[3.0; 10]), group("C", &[3.0; 10])];
        assert!(matches!(
            test("x".into(), "item", Labels::new(), groups),
            Err((NotTested::AllSame, _))
        ));
    }
}
