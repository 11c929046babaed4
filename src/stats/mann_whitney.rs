//! Mann–Whitney U test (two-sided): tie-corrected normal approximation with continuity
//! correction, as scipy's `mannwhitneyu(x, y, method='asymptotic')` computes it, and the exact
//! null distribution of U for samples without ties (scipy's `method='exact'`); rank-biserial
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
    /// Two-sided p-value of the normal approximation.
    pub p: f64,
    /// Two-sided p-value from the exact distribution of U; only without ties and for n1 + n2 ≤
    /// [`EXACT_MAX_N`] (beyond that the normal approximation is accurate).
    pub p_exact: Option<f64>,
    /// Rank-biserial correlation 2U/(n1·n2) − 1, in [−1, 1] (positive: x tends higher).
    pub rank_biserial: f64,
}

/// Largest total sample size for which the exact p-value is computed (the count of arrangements,
/// C(n1 + n2, n1), stays exact in 128-bit integers).
pub const EXACT_MAX_N: usize = 100;

/// Two-sided Mann–Whitney U test; `None` when a sample is empty or every value is the same
/// (the test is then undefined, and no number is presented).
pub fn mann_whitney(x: &[f64], y: &[f64]) -> Option<MannWhitney> {
    let (n1, n2) = (x.len(), y.len());
    if n1 == 0 || n2 == 0 {
        return None;
    }
    let (r1, tie_term) = match rank_sum_by_counting(x, y) {
        Some(counted) => counted,
        None => {
            let all: Vec<f64> = x.iter().chain(y).copied().collect();
            let (ranks, tie_term) = rank_average(&all);
            (ranks[..n1].iter().sum(), tie_term)
        }
    };
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
        p_exact: (tie_term == 0.0 && n1 + n2 <= EXACT_MAX_N).then(|| exact_p(u, n1, n2)),
        rank_biserial: 2.0 * u / (f1 * f2) - 1.0,
    })
}

/// Most distinct values for which ranks are counted instead of sorted.
const COUNTED_VALUES: usize = 64;

/// The rank sum of `x` in `x` ∪ `y` and the ties' Σ(t³ − t), from the counts of each distinct
/// value (answers on a scale have a handful), in the order and with the arithmetic of
/// [`rank_average`], so both give the same numbers; `None` with too many distinct values.
fn rank_sum_by_counting(x: &[f64], y: &[f64]) -> Option<(f64, f64)> {
    // Each distinct value (its bits, -0 as 0, as `==` says) and how often x and y hold it; the
    // last one found is looked at first.
    let mut counts: Vec<(u64, (u64, u64))> = Vec::new();
    let mut last = 0;
    for (values, first) in [(x, true), (y, false)] {
        for &v in values {
            if v.is_nan() {
                return None;
            }
            let bits = (v + 0.0).to_bits();
            if counts.get(last).is_none_or(|c| c.0 != bits) {
                last = match counts.iter().position(|c| c.0 == bits) {
                    Some(k) => k,
                    None if counts.len() < COUNTED_VALUES => {
                        counts.push((bits, (0, 0)));
                        counts.len() - 1
                    }
                    None => return None,
                };
            }
            let c = &mut counts[last].1;
            if first {
                c.0 += 1;
            } else {
                c.1 += 1;
            }
        }
    }
    let mut distinct: Vec<(f64, (u64, u64))> = counts
        .into_iter()
        .map(|(b, c)| (f64::from_bits(b), c))
        .collect();
    distinct.sort_unstable_by(|a, b| a.0.total_cmp(&b.0));
    let (mut r1, mut tie_term) = (0.0, 0.0);
    let mut i = 0usize;
    for (_, (cx, cy)) in distinct {
        let t = (cx + cy) as usize;
        let j = i + t - 1;
        let rank = (i + j) as f64 / 2.0 + 1.0;
        r1 += rank * cx as f64;
        let t = t as f64;
        tie_term += t * t * t - t;
        i = j + 1;
    }
    Some((r1, tie_term))
}

/// Two-sided exact p-value of U without ties: 2·P(U ≥ max(U, n1·n2 − U)), at most 1.
fn exact_p(u: f64, n1: usize, n2: usize) -> f64 {
    let counts = u_distribution(n1, n2);
    let total: i128 = counts.iter().sum();
    let upper = u.max((n1 * n2) as f64 - u).round() as usize;
    let tail: i128 = counts[upper.min(counts.len())..].iter().sum();
    (2.0 * tail as f64 / total as f64).min(1.0)
}

/// Number of arrangements giving each value of U = 0..=n1·n2: the coefficients of the Gaussian
/// binomial ∏ᵢ₌₁ⁿ¹ (1 − q^(n2+i)) / (1 − qⁱ), computed exactly in integers.
fn u_distribution(n1: usize, n2: usize) -> Vec<i128> {
    let len = n1 * n2 + 1;
    let mut c = vec![0i128; len];
    c[0] = 1;
    for i in 1..=n1 {
        let shift = n2 + i;
        for k in (shift..len).rev() {
            c[k] -= c[k - shift];
        }
        for k in i..len {
            c[k] += c[k - i];
        }
    }
    c
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, tol: f64) {
        assert!((a - b).abs() <= tol * b.abs().max(1e-300), "{a} vs {b}");
    }

    #[test]
    fn counted_ranks_equal_sorted_ranks_bit_for_bit() {
        // Answers on a 1–5 scale (and a few halves, as scale scores have), in a pseudo-random
        // order: the counted rank sum and tie term are the sorted ones, to the last bit.
        let mut state = 12345u64;
        let mut next = || {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (state >> 33) % 9
        };
        for (n1, n2) in [(7, 5), (1000, 1500), (50_000, 30_000)] {
            let x: Vec<f64> = (0..n1).map(|_| 1.0 + next() as f64 / 2.0).collect();
            let y: Vec<f64> = (0..n2).map(|_| 1.0 + next() as f64 / 2.0).collect();
            let all: Vec<f64> = x.iter().chain(&y).copied().collect();
            let (ranks, tie_term) = rank_average(&all);
            let r1: f64 = ranks[..n1].iter().sum();
            let (c1, ct) = rank_sum_by_counting(&x, &y).unwrap();
            assert_eq!(
                (c1.to_bits(), ct.to_bits()),
                (r1.to_bits(), tie_term.to_bits())
            );
        }
        // Too many distinct values, or a NaN: the sorted path.
        let wide: Vec<f64> = (0..100).map(f64::from).collect();
        assert!(rank_sum_by_counting(&wide, &[1.0]).is_none());
        assert!(rank_sum_by_counting(&[f64::NAN], &[1.0]).is_none());
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
    fn exact_against_scipy() {
        // scipy 1.17.1: mannwhitneyu(a, b, method='exact') → U = 21.0, p = 0.06666666666666667;
        //   mannwhitneyu(b, a, method='exact') → U = 3.0, same p
        let a = [1.1, 2.3, 3.5, 4.2, 5.9, 6.1];
        let b = [0.5, 0.9, 1.7, 2.8];
        close(
            mann_whitney(&a, &b).unwrap().p_exact.unwrap(),
            0.06666666666666667,
            1e-12,
        );
        close(
            mann_whitney(&b, &a).unwrap().p_exact.unwrap(),
            0.06666666666666667,
            1e-12,
        );
        // The distribution sums to C(n1 + n2, n1) and is symmetric.
        let d = u_distribution(7, 5);
        assert_eq!(d.iter().sum::<i128>(), 792);
        assert!(d.iter().eq(d.iter().rev()));
        // C(100, 50) still counted exactly.
        let big = u_distribution(50, 50);
        assert_eq!(
            big.iter().sum::<i128>(),
            100_891_344_545_564_193_334_812_497_256
        );
    }

    #[test]
    fn exact_at_the_largest_size_against_scipy() {
        // scipy 1.17.1: mannwhitneyu([3i + 1 for i in range(50)], [3i + 32 for i in range(50)],
        //   method='exact') → U = 780.0, p = 0.001055016471113667
        let x: Vec<f64> = (0..50).map(|i| 3.0 * i as f64 + 1.0).collect();
        let y: Vec<f64> = (0..50).map(|i| 3.0 * i as f64 + 32.0).collect();
        let r = mann_whitney(&x, &y).unwrap();
        assert_eq!(r.u, 780.0);
        close(r.p_exact.unwrap(), 0.001055016471113667, 1e-9);
    }

    #[test]
    fn no_exact_p_with_ties() {
        let x = [3., 4., 2., 5., 4.];
        let y = [2., 3., 2., 1.];
        assert_eq!(mann_whitney(&x, &y).unwrap().p_exact, None);
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
