//! Design weights: weighted means (and so proportions of 0/1 indicators) and Kish's effective
//! sample size (Σw)² / Σw², as numpy's `average(x, weights=w)` and statsmodels' `DescrStatsW`.

use serde::Serialize;

/// A weighted mean with the weights' effective sample size.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Weighted {
    /// Values used (with a weight).
    pub n: usize,
    pub sum_weights: f64,
    pub mean: f64,
    /// Kish's effective sample size: how many unweighted respondents the weighted sample is
    /// worth for the precision of a mean.
    pub kish_ess: f64,
}

/// Weighted mean of `x` with weights `w` (same length, none negative); `None` when the weights
/// add up to zero.
pub fn weighted_mean(x: &[f64], w: &[f64]) -> Option<Weighted> {
    let (mut sw, mut sw2, mut swx) = (0.0, 0.0, 0.0);
    for (v, wt) in x.iter().zip(w) {
        if *wt < 0.0 || !wt.is_finite() {
            return None;
        }
        sw += wt;
        sw2 += wt * wt;
        swx += wt * v;
    }
    (sw > 0.0).then(|| Weighted {
        n: x.len().min(w.len()),
        sum_weights: sw,
        mean: swx / sw,
        kish_ess: sw * sw / sw2,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn against_numpy_and_statsmodels() {
        // numpy 2.4.6: average([3, 4, 2, 5, 1], weights=[1.5, 0.5, 2, 1, 1]) → 2.75
        //   (statsmodels 0.15.0 DescrStatsW(x, weights=w).mean → 2.75);
        //   sum(w)**2 / sum(w*w) → 4.235294117647059
        let w = weighted_mean(&[3., 4., 2., 5., 1.], &[1.5, 0.5, 2., 1., 1.]).unwrap();
        assert!((w.mean - 2.75).abs() < 1e-12);
        assert!((w.kish_ess - 4.235294117647059).abs() < 1e-12);
        assert_eq!(w.n, 5);
    }

    #[test]
    fn equal_weights_give_the_plain_mean_and_n() {
        let w = weighted_mean(&[1., 2., 3., 6.], &[2.; 4]).unwrap();
        assert!((w.mean - 3.0).abs() < 1e-12);
        assert!((w.kish_ess - 4.0).abs() < 1e-12);
        assert!(weighted_mean(&[1.], &[0.]).is_none());
        assert!(weighted_mean(&[1., 2.], &[1., -1.]).is_none());
    }
}
