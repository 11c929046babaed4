//! Confidence intervals for ranks: where each of many groups (17 regions) stands, with the
//! uncertainty of its estimate, never a bare rank.
//!
//! The method is the marginal confidence set of Mogstad, Romano, Shaikh & Wilhelm (2024,
//! "Inference for ranks with applications to mobility across neighbourhoods and academic
//! achievement across countries", Review of Economic Studies 91(1), 476–518), with Bonferroni's
//! simultaneous intervals for the differences. Group j's rank is 1 + the number of groups whose
//! value is better than j's. For each other group k, the difference θₖ − θⱼ gets the interval
//! `(θ̂ₖ − θ̂ⱼ) ± c · √(seₖ² + seⱼ²)` with `c = Φ⁻¹(1 − α / (2(p − 1)))`, so that the p − 1
//! intervals about j hold together with probability at least `level` = 1 − α (Bonferroni). Then
//!
//! - best rank  = 1 + #{k : the interval of θₖ − θⱼ lies above 0} (k is surely better),
//! - worst rank = p − #{k : the interval lies below 0} (k is surely worse),
//!
//! and the rank of j lies in [best, worst] with probability at least `level` (their Section 3,
//! "marginal confidence sets"; csranks' `csranks(…, simul = FALSE)` computes the same sets with a
//! bootstrap critical value in place of Bonferroni's, which is smaller, so its sets are at most
//! as wide). The estimates are taken as independent and about normal (means of separate groups).
//!
//! Generic: it ranks groups by a mean score, regions by the capability index M0 or by a
//! programme indicator, given each one's estimate and standard error.

use statrs::distribution::{ContinuousCDF, Normal};

/// Each group's `level` confidence interval for its rank, [best, worst] with 1 the best: the
/// highest estimate when `higher_is_better`, else the lowest. A group without an estimate or a
/// standard error (hidden to protect respondents, or not computed), or with one that is not a
/// finite number, is left out of the ranking (`None`) and the others are ranked among
/// themselves. Equal estimates get the same interval.
///
/// # Panics
/// When `level` is not strictly between 0 and 1, or the two slices differ in length (a caller's
/// mistake, never data).
pub fn rank_intervals(
    estimates: &[Option<f64>],
    standard_errors: &[Option<f64>],
    level: f64,
    higher_is_better: bool,
) -> Vec<Option<[usize; 2]>> {
    assert!(
        level > 0.0 && level < 1.0,
        "a confidence level is in (0, 1)"
    );
    assert_eq!(estimates.len(), standard_errors.len());
    let ranked: Vec<(usize, f64, f64)> = estimates
        .iter()
        .zip(standard_errors)
        .enumerate()
        .filter_map(|(i, (e, s))| match (e, s) {
            (Some(e), Some(s)) if e.is_finite() && s.is_finite() && *s >= 0.0 => Some((i, *e, *s)),
            _ => None,
        })
        .collect();
    let mut out = vec![None; estimates.len()];
    let p = ranked.len();
    if p == 0 {
        return out;
    }
    let comparisons = (p - 1).max(1) as f64;
    let c = Normal::new(0.0, 1.0)
        .expect("the standard normal")
        .inverse_cdf(1.0 - (1.0 - level) / (2.0 * comparisons));
    let sign = if higher_is_better { 1.0 } else { -1.0 };
    for &(j, ej, sj) in &ranked {
        let (mut better, mut worse) = (0, 0);
        for &(k, ek, sk) in &ranked {
            if k == j {
                continue;
            }
            // Positive when k is better than j.
            let d = sign * (ek - ej);
            let half = c * sk.hypot(sj);
            if d - half > 0.0 {
                better += 1;
            }
            if d + half < 0.0 {
                worse += 1;
            }
        }
        out[j] = Some([1 + better, p - worse]);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    // The reference: a reimplementation from the paper's definition (Mogstad et al. 2024,
    // Section 3, marginal confidence sets, with Bonferroni critical values), run with
    // scipy 1.17.1 (~/.cache/capakit-bench-venv/bin/python):
    //
    //     from scipy.stats import norm
    //     import math
    //     def rank_intervals(est, se, level=0.95, higher=True):
    //         idx = [i for i in range(len(est)) if est[i] is not None and se[i] is not None]
    //         p = len(idx); out = [None] * len(est)
    //         if p == 0: return out
    //         c = norm.ppf(1 - (1 - level) / (2 * max(p - 1, 1)))
    //         for j in idx:
    //             better = worse = 0
    //             for k in idx:
    //                 if k == j: continue
    //                 d = (est[k] - est[j]) * (1 if higher else -1)
    //                 s = math.hypot(se[k], se[j])
    //                 if d - c * s > 0: better += 1
    //                 if d + c * s < 0: worse += 1
    //             out[j] = (1 + better, p - worse)
    //         return out

    fn some(x: &[f64]) -> Vec<Option<f64>> {
        x.iter().copied().map(Some).collect()
    }

    #[test]
    fn three_groups_by_hand() {
        // p = 3: c = Φ⁻¹(1 − 0.05/4) = 2.2414 (norm.ppf(1 - 0.05/4) = 2.241402727604947); each
        // difference has SE √(0.1² + 0.1²) = 0.1414, so a half-width of 0.317.
        // 3, 2, 1: every gap (1 or 2) is wider than 0.317: the ranks are known.
        let se = some(&[0.1, 0.1, 0.1]);
        let r = rank_intervals(&some(&[3.0, 2.0, 1.0]), &se, 0.95, true);
        assert_eq!(r, vec![Some([1, 1]), Some([2, 2]), Some([3, 3])]);
        // 3 and 2.9 are 0.1 apart, within 0.317: either may be first; 1 is surely last.
        // rank_intervals([3.0, 2.9, 1.0], [0.1] * 3) → [(1, 2), (1, 2), (3, 3)]
        let r = rank_intervals(&some(&[3.0, 2.9, 1.0]), &se, 0.95, true);
        assert_eq!(r, vec![Some([1, 2]), Some([1, 2]), Some([3, 3])]);
        // Lower is better: the order turns. higher=False → [(2, 3), (2, 3), (1, 1)]
        let r = rank_intervals(&some(&[3.0, 2.9, 1.0]), &se, 0.95, false);
        assert_eq!(r, vec![Some([2, 3]), Some([2, 3]), Some([1, 1])]);
    }

    #[test]
    fn ties_and_a_hidden_estimate() {
        // rank_intervals([3.0, None, 2.0, 2.0, 1.0], [0.2, 0.1, 0.1, 0.1, 0.3])
        // → [(1, 1), None, (2, 3), (2, 3), (4, 4)]: the hidden group is not ranked, the four
        // others are ranked among four, and the two equal estimates share their interval.
        let est = [Some(3.0), None, Some(2.0), Some(2.0), Some(1.0)];
        let se = some(&[0.2, 0.1, 0.1, 0.1, 0.3]);
        let r = rank_intervals(&est, &se, 0.95, true);
        assert_eq!(
            r,
            vec![Some([1, 1]), None, Some([2, 3]), Some([2, 3]), Some([4, 4])]
        );
        // A hidden standard error or a NaN hides the group too.
        let r = rank_intervals(
            &[Some(1.0), Some(2.0), Some(f64::NAN)],
            &[None, Some(0.1), Some(0.1)],
            0.95,
            true,
        );
        assert_eq!(r, vec![None, Some([1, 1]), None]);
    }

    #[test]
    fn twelve_groups_match_the_reference() {
        let est = some(&[
            3.41, 3.12, 2.98, 3.55, 2.40, 3.05, 3.20, 2.75, 3.62, 3.30, 2.90, 3.00,
        ]);
        let se = some(&[
            0.08, 0.10, 0.12, 0.09, 0.15, 0.07, 0.11, 0.10, 0.20, 0.05, 0.09, 0.13,
        ]);
        // rank_intervals(est, se) →
        let want = [
            [1, 7],
            [2, 11],
            [3, 11],
            [1, 5],
            [11, 12],
            [4, 11],
            [1, 10],
            [6, 12],
            [1, 9],
            [1, 8],
            [5, 11],
            [2, 11],
        ];
        let got = rank_intervals(&est, &se, 0.95, true);
        assert_eq!(got, want.iter().copied().map(Some).collect::<Vec<_>>());
        // rank_intervals(est, se, level=0.90, higher=False) →
        let want = [
            [7, 12],
            [3, 11],
            [2, 9],
            [8, 12],
            [1, 2],
            [2, 8],
            [3, 12],
            [1, 6],
            [6, 12],
            [5, 12],
            [2, 8],
            [2, 10],
        ];
        let got = rank_intervals(&est, &se, 0.90, false);
        assert_eq!(got, want.iter().copied().map(Some).collect::<Vec<_>>());
    }

    #[test]
    fn one_group_and_none() {
        assert_eq!(
            rank_intervals(&[Some(1.0)], &[Some(0.1)], 0.95, true),
            vec![Some([1, 1])]
        );
        assert_eq!(
            rank_intervals(&[], &[], 0.95, true),
            Vec::<Option<[usize; 2]>>::new()
        );
        // Every interval holds its group's point rank and lies within 1..=p.
        let est = some(&[5.0, 1.0, 3.0, 3.0, 4.5]);
        let se = some(&[0.5, 0.5, 0.5, 0.5, 0.5]);
        for (j, r) in rank_intervals(&est, &se, 0.95, true)
            .into_iter()
            .enumerate()
        {
            let [lo, hi] = r.unwrap();
            let ej = est[j].unwrap();
            let point = 1 + est.iter().filter(|e| e.unwrap() > ej).count();
            assert!(
                1 <= lo && lo <= point && point <= hi && hi <= 5,
                "{j}: {lo}..{hi}"
            );
        }
    }
}
