//! The Alkire–Foster counting method (the method of the global Multidimensional Poverty Index),
//! applied to capability deprivations: who is deprived in each indicator, the weighted
//! deprivation score of each person, who is deprived across dimensions (score ≥ k), and the
//! measures H (headcount ratio), A (intensity among the deprived) and M0 = H × A (adjusted
//! headcount ratio), with the censored and uncensored headcount ratio of every indicator and its
//! contribution to M0 (Alkire & Foster 2011; Alkire et al. 2015, ch. 5).
//!
//! Inference: percentile bootstrap intervals for H, A and M0 (seeded, so reruns give the same
//! interval), and the difference in M0 between two independent groups as a z-test on the
//! censored scores, whose mean is M0 (Alkire et al. 2015, ch. 8).

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Binomial, Distribution};
use serde::Serialize;
use statrs::distribution::{ContinuousCDF, Normal};

use super::descriptive::{mean, sd};

/// A score equal to k up to this rounding counts as deprived (weights such as 1/12 do not sum
/// exactly in floating point).
pub const TOLERANCE: f64 = 1e-9;

/// Whether a person with deprivation `score` is deprived across dimensions at cutoff `k`.
pub fn is_deprived(score: f64, k: f64) -> bool {
    score > TOLERANCE && score >= k - TOLERANCE
}

/// The weighted deprivation score of every person: `deprived[j][i]` says whether person i is
/// deprived in indicator j, `weights[j]` is the indicator's weight (weights sum to 1).
pub fn deprivation_scores(deprived: &[Vec<bool>], weights: &[f64]) -> Vec<f64> {
    let n = deprived.first().map_or(0, Vec::len);
    let mut scores = vec![0.0; n];
    for (column, w) in deprived.iter().zip(weights) {
        for (s, &d) in scores.iter_mut().zip(column) {
            if d {
                *s += w;
            }
        }
    }
    scores
}

/// The censored score: the deprivation score of those deprived at cutoff `k`, 0 for the others.
/// Its mean is M0.
pub fn censored(score: f64, k: f64) -> f64 {
    if is_deprived(score, k) {
        score
    } else {
        0.0
    }
}

/// H, A and M0 of a set of people.
#[derive(Debug, Clone, Copy, Serialize, PartialEq)]
pub struct Headline {
    /// People counted.
    pub n: usize,
    /// People deprived at cutoff k.
    pub deprived: usize,
    /// Headcount ratio: the share deprived.
    pub h: f64,
    /// Intensity: the mean score among the deprived (null when nobody is deprived).
    pub a: Option<f64>,
    /// Adjusted headcount ratio, H × A: the mean censored score.
    pub m0: f64,
}

/// H, A and M0 of the people whose scores are given; `None` for nobody.
pub fn headline(scores: impl IntoIterator<Item = f64>, k: f64) -> Option<Headline> {
    let (mut n, mut q, mut sum) = (0usize, 0usize, 0.0);
    for s in scores {
        n += 1;
        if is_deprived(s, k) {
            q += 1;
            sum += s;
        }
    }
    (n > 0).then(|| Headline {
        n,
        deprived: q,
        h: q as f64 / n as f64,
        a: (q > 0).then(|| sum / q as f64),
        m0: sum / n as f64,
    })
}

/// The full Alkire–Foster measure of a set of people.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Measure {
    #[serde(flatten)]
    pub headline: Headline,
    /// People deprived in each indicator.
    pub uncensored: Vec<usize>,
    /// People deprived in each indicator and deprived across dimensions at k.
    pub censored: Vec<usize>,
    /// Each indicator's share of M0 (w_j × censored headcount ratio / M0; they sum to 1); null
    /// when M0 is 0.
    pub contribution: Option<Vec<f64>>,
}

/// The measure of the people in `rows` (indices into the columns of `deprived` and `scores`).
pub fn measure(
    deprived: &[Vec<bool>],
    weights: &[f64],
    scores: &[f64],
    k: f64,
    rows: &[usize],
) -> Option<Measure> {
    let headline = headline(rows.iter().map(|&i| scores[i]), k)?;
    let mut uncensored = vec![0usize; deprived.len()];
    let mut censored = vec![0usize; deprived.len()];
    for &i in rows {
        let poor = is_deprived(scores[i], k);
        for (j, column) in deprived.iter().enumerate() {
            if column[i] {
                uncensored[j] += 1;
                if poor {
                    censored[j] += 1;
                }
            }
        }
    }
    let n = headline.n as f64;
    let contribution = (headline.m0 > 0.0).then(|| {
        censored
            .iter()
            .zip(weights)
            .map(|(&c, w)| w * c as f64 / n / headline.m0)
            .collect()
    });
    Some(Measure {
        headline,
        uncensored,
        censored,
        contribution,
    })
}

/// Percentile bootstrap 95% intervals of H, A and M0.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Intervals {
    pub h: [f64; 2],
    /// From the resamples with somebody deprived (null when fewer than half had anybody).
    pub a: Option<[f64; 2]>,
    pub m0: [f64; 2],
    pub replications: usize,
    pub seed: u64,
}

/// The `q` quantile of sorted values, by linear interpolation between order statistics (numpy's
/// default, R's type 7).
pub fn quantile_sorted(sorted: &[f64], q: f64) -> Option<f64> {
    if sorted.is_empty() {
        return None;
    }
    let h = (sorted.len() - 1) as f64 * q.clamp(0.0, 1.0);
    let (lo, hi) = (h.floor() as usize, h.ceil() as usize);
    Some(sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo]))
}

fn interval(mut values: Vec<f64>) -> Option<[f64; 2]> {
    values.sort_by(f64::total_cmp);
    Some([
        quantile_sorted(&values, 0.025)?,
        quantile_sorted(&values, 0.975)?,
    ])
}

/// Resamples `scores` with replacement `replications` times (a generator seeded with `seed`)
/// and returns the 2.5th and 97.5th percentiles of H, A and M0; `None` for no people.
///
/// A resample of n people is drawn as multinomial counts over the distinct scores (sequential
/// binomial draws): the same distribution as drawing n people one by one, in time that grows
/// with the number of distinct scores rather than with n.
pub fn bootstrap(scores: &[f64], k: f64, replications: usize, seed: u64) -> Option<Intervals> {
    if scores.is_empty() || replications == 0 {
        return None;
    }
    let mut sorted = scores.to_vec();
    sorted.sort_by(f64::total_cmp);
    let mut distinct: Vec<(f64, u64)> = Vec::new();
    for s in sorted {
        match distinct.last_mut() {
            Some((v, c)) if *v == s => *c += 1,
            _ => distinct.push((s, 1)),
        }
    }
    let n = scores.len() as u64;
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let (mut h, mut a, mut m0) = (
        Vec::with_capacity(replications),
        Vec::with_capacity(replications),
        Vec::with_capacity(replications),
    );
    for _ in 0..replications {
        let (mut left, mut left_p) = (n, n);
        let (mut q, mut sum) = (0u64, 0.0);
        for &(value, count) in &distinct {
            if left == 0 {
                break;
            }
            let drawn = if count >= left_p {
                left
            } else {
                Binomial::new(left, count as f64 / left_p as f64)
                    .ok()?
                    .sample(&mut rng)
            };
            left -= drawn;
            left_p -= count;
            if is_deprived(value, k) {
                q += drawn;
                sum += value * drawn as f64;
            }
        }
        h.push(q as f64 / n as f64);
        m0.push(sum / n as f64);
        if q > 0 {
            a.push(sum / q as f64);
        }
    }
    let a = (2 * a.len() >= replications).then(|| interval(a)).flatten();
    Some(Intervals {
        h: interval(h)?,
        a,
        m0: interval(m0)?,
        replications,
        seed,
    })
}

/// The difference in M0 between two independent groups: a z-test on their censored scores.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Difference {
    /// M0 of the first group minus M0 of the second.
    pub difference: f64,
    /// Standard error: √(s₁²/n₁ + s₂²/n₂), sample variances of the censored scores.
    pub se: f64,
    pub z: f64,
    /// Two-sided p-value from the standard normal.
    pub p: f64,
    /// Normal 95% interval of the difference.
    pub ci95: [f64; 2],
}

/// Tests whether M0 differs between the groups whose deprivation scores are `x` and `y`;
/// `None` when a group has fewer than two people or neither group varies.
pub fn m0_difference(x: &[f64], y: &[f64], k: f64) -> Option<Difference> {
    if x.len() < 2 || y.len() < 2 {
        return None;
    }
    let cx: Vec<f64> = x.iter().map(|&s| censored(s, k)).collect();
    let cy: Vec<f64> = y.iter().map(|&s| censored(s, k)).collect();
    let difference = mean(&cx)? - mean(&cy)?;
    let se = (sd(&cx)?.powi(2) / cx.len() as f64 + sd(&cy)?.powi(2) / cy.len() as f64).sqrt();
    if se <= 0.0 || !se.is_finite() {
        return None;
    }
    let normal = Normal::new(0.0, 1.0).ok()?;
    let z = difference / se;
    let half = normal.inverse_cdf(0.975) * se;
    Some(Difference {
        difference,
        se,
        z,
        p: (2.0 * normal.sf(z.abs())).min(1.0),
        ci95: [difference - half, difference + half],
    })
}

/// How many people are deprived in 0, up to 1, up to 2, … weighted indicators: `scores` times
/// `indicators` rounded up (a score of 0 is its own bin, bin b holds scores in (b − 1, b]).
pub fn score_distribution(scores: &[f64], indicators: usize) -> Vec<u64> {
    let mut bins = vec![0u64; indicators + 1];
    for &s in scores {
        bins[score_bin(s, indicators)] += 1;
    }
    bins
}

/// The bin of [`score_distribution`] a score falls in.
pub fn score_bin(score: f64, indicators: usize) -> usize {
    if score <= TOLERANCE {
        0
    } else {
        ((score * indicators as f64 - TOLERANCE).ceil() as usize).clamp(1, indicators.max(1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) {
        assert!((a - b).abs() <= 1e-12, "{a} vs {b}");
    }

    /// Alkire & Foster (2011), "Counting and multidimensional poverty measurement", J. Public
    /// Economics 95(7–8), 476–487, §3 (the illustrative example): achievements
    /// y = [[13.1, 14, 4, 1], [15.2, 7, 5, 0], [12.5, 10, 1, 0], [20, 11, 3, 1]], deprivation
    /// cutoffs z = (13, 12, 3, 1) (deprived when below), equal weights; deprivation counts
    /// c = (0, 2, 4, 1); at k = 2 of 4 dimensions H = 1/2, A = 3/4, M0 = 3/8.
    fn alkire_foster_2011() -> (Vec<Vec<bool>>, Vec<f64>) {
        let y = [
            [13.1, 14.0, 4.0, 1.0],
            [15.2, 7.0, 5.0, 0.0],
            [12.5, 10.0, 1.0, 0.0],
            [20.0, 11.0, 3.0, 1.0],
        ];
        let z = [13.0, 12.0, 3.0, 1.0];
        let deprived = (0..4)
            .map(|j| y.iter().map(|row| row[j] < z[j]).collect())
            .collect();
        (deprived, vec![0.25; 4])
    }

    #[test]
    fn the_published_example_of_alkire_and_foster_2011() {
        let (g, w) = alkire_foster_2011();
        let scores = deprivation_scores(&g, &w);
        assert_eq!(scores, vec![0.0, 0.5, 1.0, 0.25]);
        let m = measure(&g, &w, &scores, 0.5, &[0, 1, 2, 3]).unwrap();
        close(m.headline.h, 0.5);
        close(m.headline.a.unwrap(), 0.75);
        close(m.headline.m0, 0.375);
        // Hand-checked from the matrix: uncensored headcounts (1, 3, 1, 2), censored (1, 2, 1, 2);
        // contributions w·CH/M0 = (1/6, 1/3, 1/6, 1/3).
        assert_eq!(m.uncensored, vec![1, 3, 1, 2]);
        assert_eq!(m.censored, vec![1, 2, 1, 2]);
        let c = m.contribution.unwrap();
        for (x, want) in c.iter().zip([1. / 6., 1. / 3., 1. / 6., 1. / 3.]) {
            close(*x, want);
        }
        // The union approach (k = one indicator) counts person 4 too: H = 3/4, M0 = 7/16.
        let u = headline(scores.iter().copied(), 0.25).unwrap();
        close(u.h, 0.75);
        close(u.m0, 7.0 / 16.0);
        // The intersection approach (k = 1): only person 3.
        let i = headline(scores.iter().copied(), 1.0).unwrap();
        close(i.h, 0.25);
        close(i.a.unwrap(), 1.0);
    }

    #[test]
    fn a_score_equal_to_k_up_to_rounding_is_deprived() {
        // Ten indicators of weight 1/10: eight of them sum to 0.7999999999999999 in floating
        // point (Python 3: sum([0.1] * 8)), below k = 4/5 = 0.8; the person is still deprived.
        let w = vec![1.0 / 10.0; 10];
        let g: Vec<Vec<bool>> = (0..10).map(|j| vec![j < 8]).collect();
        let s = deprivation_scores(&g, &w);
        assert!(s[0] < 0.8);
        assert!(is_deprived(s[0], 4.0 / 5.0));
        assert!(!is_deprived(s[0], 0.81));
        // Nobody with a score of 0 is deprived, whatever k.
        assert!(!is_deprived(0.0, 0.0));
    }

    #[test]
    fn nested_weights_hand_checked() {
        // Two dimensions of weight 1/2; the first has two indicators (1/4 each), the second one
        // (1/2). Persons: deprived in {1}, {1,2}, {3}, {} → scores 1/4, 1/2, 1/2, 0.
        // k = 1/2: deprived persons 2 and 3; H = 1/2, A = 1/2, M0 = 1/4; censored headcounts
        // (1, 1, 1); contributions (1/4·1/4, 1/4·1/4, 1/2·1/4) / (1/4) = (1/4, 1/4, 1/2).
        let g = vec![
            vec![true, true, false, false],
            vec![false, true, false, false],
            vec![false, false, true, false],
        ];
        let w = [0.25, 0.25, 0.5];
        let s = deprivation_scores(&g, &w);
        let m = measure(&g, &w, &s, 0.5, &[0, 1, 2, 3]).unwrap();
        close(m.headline.h, 0.5);
        close(m.headline.a.unwrap(), 0.5);
        close(m.headline.m0, 0.25);
        assert_eq!(m.censored, vec![1, 1, 1]);
        assert_eq!(m.uncensored, vec![2, 1, 1]);
        let c = m.contribution.unwrap();
        close(c[0], 0.25);
        close(c[1], 0.25);
        close(c[2], 0.5);
        // Only persons 0 and 3: nobody deprived at k = 1/2.
        let none = measure(&g, &w, &s, 0.5, &[0, 3]).unwrap();
        assert_eq!(none.headline.a, None);
        assert_eq!(none.headline.m0, 0.0);
        assert_eq!(none.contribution, None);
        assert!(measure(&g, &w, &s, 0.5, &[]).is_none());
    }

    #[test]
    fn m0_difference_against_statsmodels() {
        // statsmodels 0.15.0: ztest(cx, cy, usevar='unequal') on the censored scores at k = 1/2,
        // cx = [0, 0.5, 1, 0, 0.75, 0.5, 0, 0], cy = [0, 0, 0.5, 0, 0, 0, 0] (0.25 is below k)
        // → zstat = 1.7205297883458808, pvalue = 0.08533618372608205
        let x = [0.0, 0.5, 1.0, 0.25, 0.75, 0.5, 0.0, 0.0];
        let y = [0.0, 0.0, 0.5, 0.0, 0.0, 0.25, 0.0];
        let d = m0_difference(&x, &y, 0.5).unwrap();
        close(d.difference, 2.75 / 8.0 - 0.5 / 7.0);
        assert!((d.z - 1.7205297883458808).abs() < 1e-12, "{}", d.z);
        assert!((d.p - 0.08533618372608205).abs() < 1e-10, "{}", d.p);
        assert!(d.ci95[0] < d.difference && d.difference < d.ci95[1]);
        assert!(m0_difference(&[0.0], &y, 0.5).is_none());
        assert!(m0_difference(&[0.0, 0.0], &[0.0, 0.0], 0.5).is_none());
    }

    #[test]
    fn bootstrap_is_reproducible_and_brackets_the_estimate() {
        let scores: Vec<f64> = (0..60).map(|i| (i % 5) as f64 / 4.0).collect();
        let a = bootstrap(&scores, 0.5, 500, 7).unwrap();
        assert_eq!(a, bootstrap(&scores, 0.5, 500, 7).unwrap());
        assert_ne!(a, bootstrap(&scores, 0.5, 500, 8).unwrap());
        let x = headline(scores.iter().copied(), 0.5).unwrap();
        assert!(a.h[0] <= x.h && x.h <= a.h[1]);
        assert!(a.m0[0] <= x.m0 && x.m0 <= a.m0[1]);
        let ai = a.a.unwrap();
        assert!(ai[0] <= x.a.unwrap() && x.a.unwrap() <= ai[1]);
        assert!(bootstrap(&[], 0.5, 10, 1).is_none());
    }

    #[test]
    fn bootstrap_spread_matches_the_binomial() {
        // 400 people, 40% deprived: H's resampling distribution is Binomial(400, 0.4) / 400, so
        // its 95% interval is close to 0.4 ± 1.96 × √(0.4 × 0.6 / 400) = [0.352, 0.448].
        let scores: Vec<f64> = (0..400)
            .map(|i| if i % 5 < 2 { 0.5 } else { 0.0 })
            .collect();
        let b = bootstrap(&scores, 0.5, 4000, 11).unwrap();
        let half = 1.959964 * (0.4f64 * 0.6 / 400.0).sqrt();
        assert!((b.h[0] - (0.4 - half)).abs() < 0.006, "{:?}", b.h);
        assert!((b.h[1] - (0.4 + half)).abs() < 0.006, "{:?}", b.h);
        // Everyone deprived has the same score: A does not vary, M0 = H / 2.
        assert_eq!(b.a, Some([0.5, 0.5]));
        assert!((b.m0[1] - b.h[1] / 2.0).abs() < 1e-12);
    }

    #[test]
    fn quantiles_as_numpy() {
        // numpy 2.4.6: np.quantile([1, 2, 3, 4, 10], [0.025, 0.975]) → [1.1, 9.4]
        let v = [1.0, 2.0, 3.0, 4.0, 10.0];
        close(quantile_sorted(&v, 0.025).unwrap(), 1.1);
        close(quantile_sorted(&v, 0.975).unwrap(), 9.4);
    }

    #[test]
    fn distribution_of_scores() {
        // Four equal indicators: scores 0, 1/4, 1/2, 1/2, 1 → bins 0:1, 1:1, 2:2, 3:0, 4:1.
        // A nested score of 3/8 (1.5 indicators) falls in the bin "up to 2".
        let s = [0.0, 0.25, 0.5, 0.5, 1.0, 0.375];
        assert_eq!(score_distribution(&s, 4), vec![1, 1, 3, 0, 1]);
    }
}
