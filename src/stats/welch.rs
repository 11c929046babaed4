//! Welch's t-test for two independent groups (unequal variances), with Cohen's d (pooled SD) and
//! Hedges' g, as scipy's `ttest_ind(x, y, equal_var=False)` and pingouin's `compute_effsize`
//! compute them.

use serde::Serialize;
use statrs::distribution::{ContinuousCDF, StudentsT};

use super::descriptive::{mean, sd};

/// The outcome of Welch's t-test of `x` against `y`.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Welch {
    /// t statistic, positive when the mean of `x` is higher.
    pub t: f64,
    /// Welch–Satterthwaite degrees of freedom.
    pub df: f64,
    /// Two-sided p-value.
    pub p: f64,
    /// Mean difference over the pooled standard deviation.
    pub cohen_d: f64,
    /// Cohen's d with the small-sample correction 1 − 3 / (4(n1 + n2) − 9).
    pub hedges_g: f64,
}

/// Welch's t-test; `None` when a group has fewer than two values or neither group varies.
pub fn welch(x: &[f64], y: &[f64]) -> Option<Welch> {
    let (n1, n2) = (x.len() as f64, y.len() as f64);
    if x.len() < 2 || y.len() < 2 {
        return None;
    }
    let (m1, m2) = (mean(x)?, mean(y)?);
    let (v1, v2) = (sd(x)?.powi(2), sd(y)?.powi(2));
    let (a, b) = (v1 / n1, v2 / n2);
    let se2 = a + b;
    if se2 <= 0.0 {
        return None;
    }
    let t = (m1 - m2) / se2.sqrt();
    let df = se2 * se2 / (a * a / (n1 - 1.0) + b * b / (n2 - 1.0));
    let p = (2.0 * StudentsT::new(0.0, 1.0, df).ok()?.sf(t.abs())).min(1.0);
    let pooled = (((n1 - 1.0) * v1 + (n2 - 1.0) * v2) / (n1 + n2 - 2.0)).sqrt();
    let cohen_d = (m1 - m2) / pooled;
    Some(Welch {
        t,
        df,
        p,
        cohen_d,
        hedges_g: cohen_d * (1.0 - 3.0 / (4.0 * (n1 + n2) - 9.0)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) {
        assert!((a - b).abs() <= 1e-9 * b.abs(), "{a} vs {b}");
    }

    #[test]
    fn against_scipy_and_pingouin() {
        // scipy 1.17.1: ttest_ind(x, y, equal_var=False) → t = 2.8760956101235684,
        //   p = 0.009674253064978365, df = 18.997011169370758;
        // pingouin 0.7.0: compute_effsize(x, y, eftype='cohen') → 1.2511545960375914,
        //   eftype='hedges' → 1.2011084121960878
        let x = [3., 4., 2., 5., 4., 4., 3., 5., 2., 4., 3.];
        let y = [2., 3., 2., 1., 4., 3., 2., 2., 3., 1.];
        let w = welch(&x, &y).unwrap();
        close(w.t, 2.8760956101235684);
        close(w.p, 0.009674253064978365);
        close(w.df, 18.997011169370758);
        close(w.cohen_d, 1.2511545960375914);
        close(w.hedges_g, 1.2011084121960878);
        let r = welch(&y, &x).unwrap();
        close(r.t, -w.t);
        close(r.p, w.p);
    }

    #[test]
    fn undefined_cases_give_none() {
        assert!(welch(&[1.0], &[2.0, 3.0]).is_none());
        assert!(welch(&[2.0, 2.0], &[3.0, 3.0]).is_none());
    }
}
