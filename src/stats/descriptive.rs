//! Means, standard deviations, medians and the t-based 95% interval of a mean.

use serde::Serialize;
use statrs::distribution::{ContinuousCDF, StudentsT};

/// Arithmetic mean; `None` for an empty slice.
pub fn mean(x: &[f64]) -> Option<f64> {
    (!x.is_empty()).then(|| x.iter().sum::<f64>() / x.len() as f64)
}

/// Sample standard deviation (denominator n − 1); `None` below two values.
pub fn sd(x: &[f64]) -> Option<f64> {
    if x.len() < 2 {
        return None;
    }
    let m = mean(x)?;
    let ss: f64 = x.iter().map(|v| (v - m) * (v - m)).sum();
    Some((ss / (x.len() - 1) as f64).sqrt())
}

/// Median (mean of the two middle values for an even count); `None` for an empty slice.
pub fn median(x: &[f64]) -> Option<f64> {
    if x.is_empty() {
        return None;
    }
    // The middle value(s) by selection, not a full sort: the same order statistics.
    let mut v = x.to_vec();
    let n = v.len();
    let (below, &mut upper, _) = v.select_nth_unstable_by(n / 2, f64::total_cmp);
    Some(if n % 2 == 1 {
        upper
    } else {
        let lower = below.iter().copied().max_by(f64::total_cmp)?;
        (lower + upper) / 2.0
    })
}

/// 95% confidence interval of the mean, mean ± t(0.975, n−1)·sd/√n; `None` below two values.
pub fn mean_ci95(x: &[f64]) -> Option<[f64; 2]> {
    let n = x.len();
    let (m, s) = (mean(x)?, sd(x)?);
    let t = StudentsT::new(0.0, 1.0, (n - 1) as f64)
        .ok()?
        .inverse_cdf(0.975);
    let half = t * s / (n as f64).sqrt();
    Some([m - half, m + half])
}

/// n, mean, sd, median and 95% CI of one group.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Summary {
    pub n: usize,
    pub mean: Option<f64>,
    pub sd: Option<f64>,
    pub median: Option<f64>,
    pub ci95: Option<[f64; 2]>,
}

impl Summary {
    pub fn of(x: &[f64]) -> Summary {
        Summary {
            n: x.len(),
            mean: mean(x),
            sd: sd(x),
            median: median(x),
            ci95: mean_ci95(x),
        }
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn the_selected_median_is_the_sorted_one() {
        let mut state = 7u64;
        for n in [1usize, 2, 3, 10, 11, 1000, 1001] {
            let x: Vec<f64> = (0..n)
                .map(|_| {
                    state = state.wrapping_mul(6364136223846793005).wrapping_add(1);
                    ((state >> 40) % 7) as f64 - 2.5
                })
                .collect();
            let mut v = x.clone();
            v.sort_by(f64::total_cmp);
            let sorted = if n % 2 == 1 {
                v[n / 2]
            } else {
                (v[n / 2 - 1] + v[n / 2]) / 2.0
            };
            assert_eq!(median(&x).map(f64::to_bits), Some(sorted.to_bits()), "{n}");
        }
    }
    use super::*;

    fn close(a: f64, b: f64) {
        assert!((a - b).abs() <= 1e-9 * b.abs().max(1.0), "{a} vs {b}");
    }

    #[test]
    fn against_scipy() {
        // numpy / scipy 1.17.1 on x = [2, 4, 4, 5, 3, 1, 5, 4]:
        //   np.mean → 3.5, np.std(ddof=1) → 1.4142135623730951, np.median → 4.0
        //   scipy.stats.t.interval(0.95, 7, loc=3.5, scale=sem) → (2.317687874203608, 4.6823121257963916)
        let x = [2.0, 4.0, 4.0, 5.0, 3.0, 1.0, 5.0, 4.0];
        close(mean(&x).unwrap(), 3.5);
        close(sd(&x).unwrap(), std::f64::consts::SQRT_2); // 1.4142135623730951
        close(median(&x).unwrap(), 4.0);
        let ci = mean_ci95(&x).unwrap();
        assert!((ci[0] - 2.317687874203608).abs() < 1e-9, "{ci:?}");
        assert!((ci[1] - 4.6823121257963916).abs() < 1e-9, "{ci:?}");
    }

    #[test]
    fn too_few_values() {
        assert_eq!(mean(&[]), None);
        assert_eq!(sd(&[1.0]), None);
        assert_eq!(mean_ci95(&[1.0]), None);
        assert_eq!(median(&[7.0]), Some(7.0));
    }
}
