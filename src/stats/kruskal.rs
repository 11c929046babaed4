//! Kruskal–Wallis H test of k independent groups, with Dunn's pairwise z tests after it: for
//! comparing many territories (17 regions) at once, where a two-group test per pair would
//! multiply the chances of a false difference.
//!
//! H is tie-corrected and referred to χ² with k − 1 degrees of freedom, as scipy's
//! `stats.kruskal` computes it. Dunn's test (Dunn 1964) compares the mean ranks of two groups
//! from the pooled ranking, with the tie-corrected variance
//! `(N(N+1)/12 − Σ(t³ − t) / (12(N − 1))) · (1/nᵢ + 1/nⱼ)`, two-sided, as scikit-posthocs'
//! `posthoc_dunn` computes it; its p-values are then adjusted across the pairs (Holm by default).
//! The effect size is ε² = H / (N − 1) (Tomczak & Tomczak 2014).

use serde::Serialize;
use statrs::distribution::{ChiSquared, ContinuousCDF, Normal};

use super::{adjust, rank_average, Correction};

/// One pair of groups in Dunn's test: the indices of the groups, the z of the first's mean rank
/// above the second's, its two-sided p-value and the p-value adjusted across every pair.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct DunnPair {
    pub groups: [usize; 2],
    pub z: f64,
    pub p: f64,
    pub p_adjusted: f64,
}

/// The outcome of a Kruskal–Wallis test and Dunn's pairwise tests after it.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Kruskal {
    /// The number of values in each group.
    pub n: Vec<usize>,
    /// Each group's mean rank in the pooled ranking.
    pub mean_ranks: Vec<f64>,
    /// H, tie-corrected.
    pub h: f64,
    pub df: usize,
    pub p: f64,
    /// ε² = H / (N − 1): the share of the ranks' variance between the groups.
    pub epsilon_squared: f64,
    /// Every pair, (0, 1), (0, 2), … in order.
    pub dunn: Vec<DunnPair>,
    pub correction: Correction,
}

/// Kruskal–Wallis over `groups` (each a sample), with Dunn's pairs adjusted by `correction`.
/// `None` with fewer than two non-empty groups, or when every value is the same.
pub fn kruskal(groups: &[&[f64]], correction: Correction) -> Option<Kruskal> {
    if groups.iter().filter(|g| !g.is_empty()).count() < 2 || groups.iter().any(|g| g.is_empty()) {
        return None;
    }
    let pooled: Vec<f64> = groups.iter().flat_map(|g| g.iter().copied()).collect();
    let big_n = pooled.len() as f64;
    let (ranks, tie_term) = rank_average(&pooled);
    let tie_factor = 1.0 - tie_term / (big_n.powi(3) - big_n);
    if tie_factor <= 0.0 {
        return None;
    }
    let mut mean_ranks = Vec::with_capacity(groups.len());
    let mut start = 0;
    let mut sum = 0.0;
    for g in groups {
        let r: f64 = ranks[start..start + g.len()].iter().sum();
        start += g.len();
        sum += r * r / g.len() as f64;
        mean_ranks.push(r / g.len() as f64);
    }
    let h = (12.0 / (big_n * (big_n + 1.0)) * sum - 3.0 * (big_n + 1.0)) / tie_factor;
    let df = groups.len() - 1;
    let p = ChiSquared::new(df as f64).ok()?.sf(h);
    let variance = big_n * (big_n + 1.0) / 12.0 - tie_term / (12.0 * (big_n - 1.0));
    let normal = Normal::new(0.0, 1.0).ok()?;
    let mut dunn = Vec::new();
    for i in 0..groups.len() {
        for j in i + 1..groups.len() {
            let se =
                (variance * (1.0 / groups[i].len() as f64 + 1.0 / groups[j].len() as f64)).sqrt();
            let z = (mean_ranks[i] - mean_ranks[j]) / se;
            dunn.push(DunnPair {
                groups: [i, j],
                z,
                p: (2.0 * normal.sf(z.abs())).min(1.0),
                p_adjusted: 0.0,
            });
        }
    }
    let p_values: Vec<f64> = dunn.iter().map(|d| d.p).collect();
    for (d, a) in dunn.iter_mut().zip(adjust(&p_values, correction)) {
        d.p_adjusted = a;
    }
    Some(Kruskal {
        n: groups.iter().map(|g| g.len()).collect(),
        mean_ranks,
        h,
        df,
        p,
        epsilon_squared: h / (big_n - 1.0),
        dunn,
        correction,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: [f64; 7] = [2.0, 3.0, 3.0, 4.0, 5.0, 1.0, 2.0];
    const B: [f64; 6] = [3.0, 4.0, 4.0, 5.0, 5.0, 4.0];
    const C: [f64; 8] = [1.0, 1.0, 2.0, 2.0, 3.0, 2.0, 1.0, 4.0];

    fn close(a: f64, b: f64) {
        assert!((a - b).abs() < 1e-12, "{a} != {b}");
    }

    /// statrs' normal tail agrees with scipy's (`norm.sf`) to about 1e-10, relative.
    fn close_tail(a: f64, b: f64) {
        assert!((a - b).abs() <= 1e-9 * b.abs(), "{a} != {b}");
    }

    #[test]
    fn h_matches_scipy() {
        // scipy 1.17.1: stats.kruskal(A, B, C) → statistic 8.546425345205842,
        // pvalue 0.013936936339299965 (ties in every group).
        let k = kruskal(&[&A, &B, &C], Correction::Holm).unwrap();
        close(k.h, 8.546425345205842);
        close(k.p, 0.013936936339299965);
        assert_eq!(k.df, 2);
        assert_eq!(k.n, vec![7, 6, 8]);
        close(k.epsilon_squared, 8.546425345205842 / 20.0);
    }

    #[test]
    fn dunn_matches_scikit_posthocs() {
        // scikit-posthocs 0.17.1: posthoc_dunn(df, val_col='v', group_col='g') (no adjustment)
        // → a–b 0.08625450804638679, a–c 0.22852898786055342, b–c 0.003486955444893456;
        // with p_adjust='holm' → 0.17250901609277358, 0.22852898786055342, 0.01046086633468037.
        let k = kruskal(&[&A, &B, &C], Correction::Holm).unwrap();
        let raw = [
            0.08625450804638679,
            0.22852898786055342,
            0.003486955444893456,
        ];
        let holm = [
            0.17250901609277358,
            0.22852898786055342,
            0.01046086633468037,
        ];
        let pairs = [[0, 1], [0, 2], [1, 2]];
        for (d, ((r, h), g)) in k.dunn.iter().zip(raw.iter().zip(&holm).zip(&pairs)) {
            assert_eq!(&d.groups, g);
            close_tail(d.p, *r);
            close_tail(d.p_adjusted, *h);
        }
        // b's mean rank is above a's: z of (a, b) is negative.
        assert!(k.dunn[0].z < 0.0);
    }

    #[test]
    fn degenerate_inputs_give_none() {
        assert!(kruskal(&[&A], Correction::Holm).is_none());
        assert!(kruskal(&[&A, &[]], Correction::Holm).is_none());
        assert!(kruskal(&[&[1.0, 1.0], &[1.0]], Correction::Holm).is_none());
    }
}
