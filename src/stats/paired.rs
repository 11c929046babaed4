//! Before/after tests on the same young people: the Wilcoxon signed-rank test (zeros dropped,
//! tie-corrected normal approximation as scipy's `wilcoxon(x, y, zero_method='wilcox',
//! correction=False, method='approx')`, and the exact distribution without ties or zeros) and
//! McNemar's test of a 0/1 indicator (exact binomial and χ² with continuity correction, as
//! statsmodels' `mcnemar`).

use serde::Serialize;
use statrs::distribution::{Binomial, ChiSquared, ContinuousCDF, DiscreteCDF, Normal};

use super::rank_average;

/// Largest number of non-zero differences for which the exact p-value is computed.
pub const EXACT_MAX_N: usize = 100;

/// The outcome of a Wilcoxon signed-rank test of `after − before`.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Wilcoxon {
    /// Pairs with a non-zero difference (the ones the test uses).
    pub n: usize,
    /// Pairs with no change, dropped ('wilcox' zero method).
    pub zeros_dropped: usize,
    /// The smaller of the two rank sums (scipy's two-sided statistic).
    pub statistic: f64,
    /// Sum of the ranks of positive differences (after > before).
    pub r_plus: f64,
    pub r_minus: f64,
    /// (statistic − n(n+1)/4) / σ with the tie correction: never positive, as scipy reports it.
    pub z: f64,
    /// Two-sided p-value of the normal approximation.
    pub p: f64,
    /// Two-sided exact p-value; only without ties or zeros and for n ≤ [`EXACT_MAX_N`].
    pub p_exact: Option<f64>,
}

/// Wilcoxon signed-rank test on paired values; `None` with no non-zero difference.
pub fn wilcoxon(before: &[f64], after: &[f64]) -> Option<Wilcoxon> {
    let diffs: Vec<f64> = before
        .iter()
        .zip(after)
        .map(|(b, a)| a - b)
        .filter(|d| *d != 0.0)
        .collect();
    let zeros = before.len().min(after.len()) - diffs.len();
    let n = diffs.len();
    if n == 0 {
        return None;
    }
    let abs: Vec<f64> = diffs.iter().map(|d| d.abs()).collect();
    let (ranks, tie_term) = rank_average(&abs);
    let r_plus: f64 = diffs
        .iter()
        .zip(&ranks)
        .filter(|(d, _)| **d > 0.0)
        .map(|(_, r)| r)
        .sum();
    let nf = n as f64;
    let r_minus = nf * (nf + 1.0) / 2.0 - r_plus;
    let statistic = r_plus.min(r_minus);
    let mean = nf * (nf + 1.0) / 4.0;
    let var = nf * (nf + 1.0) * (2.0 * nf + 1.0) / 24.0 - tie_term / 48.0;
    if var <= 0.0 {
        return None;
    }
    let z = (statistic - mean) / var.sqrt();
    let p = (2.0 * Normal::new(0.0, 1.0).ok()?.sf(z.abs())).min(1.0);
    let p_exact = (tie_term == 0.0 && zeros == 0 && n <= EXACT_MAX_N).then(|| {
        let counts = signed_rank_distribution(n);
        let total: u128 = counts.iter().sum();
        let low: u128 = counts[..=statistic.round() as usize].iter().sum();
        (2.0 * low as f64 / total as f64).min(1.0)
    });
    Some(Wilcoxon {
        n,
        zeros_dropped: zeros,
        statistic,
        r_plus,
        r_minus,
        z,
        p,
        p_exact,
    })
}

/// Number of sign patterns giving each rank sum 0..=n(n+1)/2: the coefficients of ∏ᵢ (1 + qⁱ).
fn signed_rank_distribution(n: usize) -> Vec<u128> {
    let len = n * (n + 1) / 2 + 1;
    let mut c = vec![0u128; len];
    c[0] = 1;
    for i in 1..=n {
        for k in (i..len).rev() {
            c[k] += c[k - i];
        }
    }
    c
}

/// McNemar's test on the discordant pairs of a 0/1 indicator measured twice.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct McNemar {
    /// Pairs that went from 1 to 0.
    pub b: u64,
    /// Pairs that went from 0 to 1.
    pub c: u64,
    /// χ² with continuity correction, (|b − c| − 1)² / (b + c).
    pub statistic: f64,
    pub p: f64,
    /// Exact two-sided binomial p-value: 2·P(X ≤ min(b, c)), X ~ Bin(b + c, ½).
    pub p_exact: f64,
}

/// McNemar's test from the discordant counts; `None` when no pair changed.
pub fn mcnemar(b: u64, c: u64) -> Option<McNemar> {
    let m = b + c;
    if m == 0 {
        return None;
    }
    // Not clipped at zero when b = c, as R's `mcnemar.test` and statsmodels compute it.
    let d = (b as f64 - c as f64).abs() - 1.0;
    let statistic = d * d / m as f64;
    let p = ChiSquared::new(1.0).ok()?.sf(statistic);
    let p_exact = (2.0 * Binomial::new(0.5, m).ok()?.cdf(b.min(c))).min(1.0);
    Some(McNemar {
        b,
        c,
        statistic,
        p,
        p_exact,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) {
        assert!((a - b).abs() <= 1e-9 * b.abs(), "{a} vs {b}");
    }

    #[test]
    fn wilcoxon_with_ties_and_zeros_against_scipy() {
        // scipy 1.17.1: wilcoxon(post, pre, zero_method='wilcox', correction=False,
        //   method='approx') → statistic 5.5, p 0.004896949924930728, zstatistic -2.813735521290914
        //   (the same with the arguments swapped)
        let pre = [3., 2., 4., 3., 2., 1., 3., 2., 4., 2., 3., 1., 2., 3.];
        let post = [4., 3., 4., 2., 3., 3., 4., 3., 5., 2., 4., 3., 3., 4.];
        let w = wilcoxon(&pre, &post).unwrap();
        assert_eq!((w.n, w.zeros_dropped), (12, 2));
        assert_eq!(w.statistic, 5.5);
        close(w.p, 0.004896949924930728);
        close(w.z, -2.813735521290914);
        assert_eq!(w.p_exact, None);
        assert!(w.r_plus > w.r_minus);
        let r = wilcoxon(&post, &pre).unwrap();
        close(r.p, w.p);
        assert_eq!((r.r_plus, r.r_minus), (w.r_minus, w.r_plus));
    }

    #[test]
    fn wilcoxon_exact_against_scipy() {
        // scipy 1.17.1: wilcoxon(a, b, method='exact') → statistic 5.0, p 0.0390625;
        //   wilcoxon(a, b, method='approx', correction=False) → p 0.038151710173415135,
        //   zstatistic -2.073221072156823
        let a = [1.83, 0.50, 1.62, 2.48, 1.68, 1.88, 1.55, 3.06, 1.30];
        let b = [0.878, 0.647, 0.598, 2.05, 1.06, 1.29, 1.06, 3.21, 1.29];
        let w = wilcoxon(&b, &a).unwrap();
        assert_eq!(w.statistic, 5.0);
        close(w.p_exact.unwrap(), 0.0390625);
        close(w.p, 0.038151710173415135);
        close(w.z, -2.073221072156823);
        assert_eq!(signed_rank_distribution(9).iter().sum::<u128>(), 512);
    }

    #[test]
    fn mcnemar_against_statsmodels() {
        // statsmodels 0.15.0: mcnemar([[20, 9], [3, 18]], exact=True) → statistic 3, p 0.14599609375;
        //   exact=False, correction=True → statistic 2.0833333333333335, p 0.14891467317876161
        let m = mcnemar(9, 3).unwrap();
        close(m.p_exact, 0.14599609375);
        close(m.statistic, 2.0833333333333335);
        close(m.p, 0.14891467317876161);
        assert!(mcnemar(0, 0).is_none());
        // mcnemar([[1, 4], [4, 1]], exact=False) → statistic 0.125, p 0.7236736098317629
        let tie = mcnemar(4, 4).unwrap();
        assert_eq!(tie.p_exact, 1.0);
        close(tie.statistic, 0.125);
        close(tie.p, 0.7236736098317629);
    }
}
