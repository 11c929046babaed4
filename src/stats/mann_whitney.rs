//! Mann–Whitney U test (two-sided), tie-corrected normal approximation with continuity
//! correction, as scipy's `mannwhitneyu(x, y, method='asymptotic')` computes it; rank-biserial
//! correlation as pingouin's `mwu` reports it.

use serde::Serialize;
use statrs::distribution::{ContinuousCDF, Normal};

use super::rank_average;

/// The outcome of a Mann–Whitney U test of `x` against `y`.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct MannWhitney {
    pub n1: usize,
    pub n2: usize,
    /// U of the first sample (scipy's convention): the number of pairs where x > y, ties counting ½.
    pub u: f64,
    /// Signed normal deviate of U with continuity and tie corrections (positive: x tends higher).
    pub z: f64,
    /// Two-sided p-value.
    pub p: f64,
    /// Rank-biserial correlation 2U/(n1·n2) − 1, in [−1, 1] (positive: x tends higher).
    pub rank_biserial: f64,
}

/// Two-sided Mann–Whitney U test; `None` when a sample is empty or every value is the same
/// (the test is then undefined, and no number is presented).
pub fn mann_whitney(x: &[f64], y: &[f64]) -> Option<MannWhitney> {
    let (n1, n2) = (x.len(), y.len());
    if n1 == 0 || n2 == 0 {
        return None;
    }
    let all: Vec<f64> = x.iter().chain(y).copied().collect();
    let (ranks, tie_term) = rank_average(&all);
    let r1: f64 = ranks[..n1].iter().sum();
    let (f1, f2) = (n1 as f64, n2 as f64);
    let n = f1 + f2;
    let u = r1 - f1 * (f1 + 1.0) / 2.0;
    let mu = f1 * f2 / 2.0;
    let var = f1 * f2 / 12.0 * ((n + 1.0) - tie_term / (n * (n - 1.0)));
    if var <= 0.0 {
        return None;
    }
    let s = var.sqrt();
    let dev = ((u - mu).abs() - 0.5).max(0.0);
    let z = dev / s * (u - mu).signum();
    let normal = Normal::new(0.0, 1.0).ok()?;
    let p = (2.0 * normal.sf(z.abs())).min(1.0);
    Some(MannWhitney {
        n1,
        n2,
        u,
        z,
        p,
        rank_biserial: 2.0 * u / (f1 * f2) - 1.0,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, tol: f64) {
        assert!((a - b).abs() <= tol * b.abs().max(1e-300), "{a} vs {b}");
    }

    #[test]
    fn against_scipy_with_ties() {
        // scipy 1.17.1: mannwhitneyu(x, y, alternative='two-sided', method='asymptotic',
        //   use_continuity=True) → U = 88.5, p = 0.016553608576362056;
        // z from the same formula (U − n1n2/2 − 0.5)/σ_ties = 2.3964753123393394;
        // pingouin 0.7.0 mwu(x, y) → RBC = 0.6090909090909091
        let x = [3., 4., 2., 5., 4., 4., 3., 5., 2., 4., 3.];
        let y = [2., 3., 2., 1., 4., 3., 2., 2., 3., 1.];
        let r = mann_whitney(&x, &y).unwrap();
        assert_eq!(r.u, 88.5);
        close(r.p, 0.016553608576362056, 1e-9);
        close(r.z, 2.3964753123393394, 1e-9);
        close(r.rank_biserial, 0.6090909090909091, 1e-12);
    }

    #[test]
    fn against_scipy_without_ties() {
        // scipy 1.17.1: mannwhitneyu(a, b, method='asymptotic') → U = 21.0, p = 0.0699543585800103
        let a = [1.1, 2.3, 3.5, 4.2, 5.9, 6.1];
        let b = [0.5, 0.9, 1.7, 2.8];
        let r = mann_whitney(&a, &b).unwrap();
        assert_eq!(r.u, 21.0);
        close(r.p, 0.0699543585800103, 1e-9);
    }

    #[test]
    fn symmetric_and_bounded() {
        let x = [3., 4., 2., 5., 4., 4., 3., 5., 2., 4., 3.];
        let y = [2., 3., 2., 1., 4., 3., 2., 2., 3., 1.];
        let (a, b) = (mann_whitney(&x, &y).unwrap(), mann_whitney(&y, &x).unwrap());
        close(a.p, b.p, 1e-12);
        assert_eq!(a.u + b.u, (x.len() * y.len()) as f64);
        close(a.z, -b.z, 1e-12);
        close(a.rank_biserial, -b.rank_biserial, 1e-12);
        assert!((0.0..=1.0).contains(&a.p));
    }

    #[test]
    fn undefined_cases_give_none() {
        assert!(mann_whitney(&[], &[1.0]).is_none());
        assert!(mann_whitney(&[2.0, 2.0], &[2.0, 2.0, 2.0]).is_none());
    }
}
