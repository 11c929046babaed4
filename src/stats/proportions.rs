//! Proportions with Wilson score intervals, as statsmodels' `proportion_confint(method='wilson')`.

use serde::Serialize;

/// The 0.975 quantile of the standard normal distribution (scipy `norm.ppf(0.975)`).
pub const Z975: f64 = 1.959963984540054;

/// Wilson score 95% interval of `successes` out of `n`; `None` when `n` is 0.
pub fn wilson95(successes: f64, n: f64) -> Option<[f64; 2]> {
    if n <= 0.0 || successes < 0.0 || successes > n {
        return None;
    }
    let p = successes / n;
    let z2 = Z975 * Z975;
    let denom = 1.0 + z2 / n;
    let centre = (p + z2 / (2.0 * n)) / denom;
    let half = Z975 / denom * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt();
    Some([(centre - half).max(0.0), (centre + half).min(1.0)])
}

/// A proportion with its interval.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Proportion {
    pub count: f64,
    pub n: f64,
    pub p: f64,
    pub wilson95: [f64; 2],
}

impl Proportion {
    /// `count` out of `n`; `None` when `n` is 0.
    pub fn of(count: f64, n: f64) -> Option<Proportion> {
        Some(Proportion {
            count,
            n,
            p: count / n,
            wilson95: wilson95(count, n)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn against_statsmodels() {
        // statsmodels 0.15.0: proportion_confint(7, 20, method='wilson')
        //   → (0.18119182410108203, 0.5671457233147638);
        //   proportion_confint(0, 12, method='wilson') → (0.0, 0.24249400665524096)
        let [lo, hi] = wilson95(7.0, 20.0).unwrap();
        assert!((lo - 0.18119182410108203).abs() < 1e-12, "{lo}");
        assert!((hi - 0.5671457233147638).abs() < 1e-12, "{hi}");
        let [lo, hi] = wilson95(0.0, 12.0).unwrap();
        assert!(lo.abs() < 1e-15);
        assert!((hi - 0.24249400665524096).abs() < 1e-12, "{hi}");
        assert!(wilson95(1.0, 0.0).is_none());
    }
}
