//! Rank correlation: Spearman's ρ with its p-value (scipy.stats.spearmanr) and a 95% interval by
//! Fisher's z (pingouin.corr(method="spearman")). Used for "more sessions, more change?".

use serde::Serialize;
use statrs::distribution::{ContinuousCDF, Normal, StudentsT};

use super::rank_average;

/// Spearman's rank correlation of two paired samples.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Spearman {
    pub n: usize,
    /// Pearson's correlation of the average ranks.
    pub rho: f64,
    /// 95% interval tanh(atanh(ρ) ± 1.96/√(n − 3)), as pingouin.corr(method="spearman") computes
    /// it (pingouin rounds it to 6 decimals). `None` with n ≤ 3 (no standard error) or |ρ| = 1
    /// (Fisher's z is infinite; pingouin prints [ρ, ρ]).
    pub ci: Option<[f64; 2]>,
    /// Two-sided p-value of t = ρ·√((n − 2)/(1 − ρ²)) on n − 2 df, as scipy.stats.spearmanr (0
    /// when |ρ| = 1).
    pub p: f64,
}

/// Spearman's ρ of `x` and `y` (pairs in order; callers drop missing values). `None` with fewer
/// than three pairs or when either side is constant.
pub fn spearman(x: &[f64], y: &[f64]) -> Option<Spearman> {
    let n = x.len().min(y.len());
    if n < 3 {
        return None;
    }
    let (rx, _) = rank_average(&x[..n]);
    let (ry, _) = rank_average(&y[..n]);
    let nf = n as f64;
    let (mx, my) = (rx.iter().sum::<f64>() / nf, ry.iter().sum::<f64>() / nf);
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (a, b) in rx.iter().zip(&ry) {
        sxy += (a - mx) * (b - my);
        sxx += (a - mx) * (a - mx);
        syy += (b - my) * (b - my);
    }
    if sxx == 0.0 || syy == 0.0 {
        return None;
    }
    let rho = (sxy / (sxx * syy).sqrt()).clamp(-1.0, 1.0);
    let df = nf - 2.0;
    let p = if rho.abs() == 1.0 {
        0.0
    } else {
        let t = rho * (df / ((1.0 - rho) * (1.0 + rho))).sqrt();
        (2.0 * StudentsT::new(0.0, 1.0, df).ok()?.sf(t.abs())).min(1.0)
    };
    let ci = (n > 3 && rho.abs() < 1.0)
        .then(|| {
            let q = Normal::new(0.0, 1.0).ok()?.inverse_cdf(0.975);
            let (z, se) = (rho.atanh(), 1.0 / (nf - 3.0).sqrt());
            Some([(z - q * se).tanh(), (z + q * se).tanh()])
        })
        .flatten();
    Some(Spearman { n, rho, ci, p })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, tol: f64) {
        assert!((a - b).abs() <= tol * b.abs().max(1e-300), "{a} vs {b}");
    }

    fn check(x: &[f64], y: &[f64], rho: f64, p: f64, ci: [f64; 2]) {
        let s = spearman(x, y).unwrap();
        assert_eq!(s.n, x.len());
        close(s.rho, rho, 1e-12);
        close(s.p, p, 1e-9);
        let got = s.ci.unwrap();
        close(got[0], ci[0], 1e-9);
        close(got[1], ci[1], 1e-9);
    }

    #[test]
    fn spearman_against_scipy_and_pingouin() {
        // scipy 1.17.1 spearmanr(x, y) → statistic, pvalue; pingouin 0.7.0
        // corr(x, y, method="spearman") → the same r and p, CI95 rounded to 6 decimals; the
        // unrounded interval from its formula: np.tanh(np.arctanh(r) ∓ norm.ppf(0.975) /
        // np.sqrt(n - 3)).
        // Hollander & Wolfe (R's ?wilcox.test) depression scores, x = first, y = second visit:
        // 0.6470816712483338, p 0.05959221388500858; pingouin CI95 [-0.029881, 0.917092].
        let x = [1.83, 0.50, 1.62, 2.48, 1.68, 1.88, 1.55, 3.06, 1.30];
        let y = [0.878, 0.647, 0.598, 2.05, 1.06, 1.29, 1.06, 3.21, 1.29];
        check(
            &x,
            &y,
            0.6470816712483338,
            0.05959221388500858,
            [-0.029881222778791273, 0.9170915524050878],
        );
        // R's `sleep`, extra of group 1 and group 2 by ID (ties in both): 0.7818181818181817,
        // p 0.0075470077810678785; pingouin CI95 [0.29974, 0.945848].
        let g1 = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0];
        let g2 = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4];
        check(
            &g1,
            &g2,
            0.7818181818181817,
            0.0075470077810678785,
            [0.29973976837459665, 0.9458477942301676],
        );
        // Likert answers with many ties: 0.64, p 0.04625528094719999.
        let b = [3., 2., 4., 3., 2., 1., 3., 2., 4., 2.];
        let a = [4., 3., 4., 2., 3., 3., 4., 3., 5., 2.];
        check(
            &b,
            &a,
            0.64,
            0.04625528094719999,
            [0.01737524131078264, 0.9049620425635791],
        );
    }

    #[test]
    fn spearman_degenerate_inputs() {
        // scipy: spearmanr([1,2,3,4], [4,3,2,1]) → -1.0, p 0.0; spearmanr([1,2,3],[1,3,2]) →
        // 0.5, p 0.6666666666666666 (n = 3: no interval).
        let s = spearman(&[1., 2., 3., 4.], &[4., 3., 2., 1.]).unwrap();
        assert_eq!((s.rho, s.p, s.ci), (-1.0, 0.0, None));
        let s = spearman(&[1., 2., 3.], &[1., 3., 2.]).unwrap();
        close(s.rho, 0.5, 1e-12);
        close(s.p, 0.6666666666666666, 1e-9);
        assert_eq!(s.ci, None);
        assert!(spearman(&[1., 2.], &[2., 1.]).is_none());
        assert!(spearman(&[1., 2., 3.], &[2., 2., 2.]).is_none());
    }
}
