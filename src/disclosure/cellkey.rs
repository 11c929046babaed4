//! The cell-key method: every published count is perturbed by a small amount that depends only
//! on *which respondents* are in the cell, so the same cell gets the same noise in every run,
//! every wave and every grouping, and differencing two outputs learns nothing exact (Thompson,
//! Broadfoot & Elazar 2013, the method of the ABS TableBuilder; Eurostat's "cell key method").
//!
//! - Each respondent has a **record key**, a number uniform on [0, 1): the first 8 bytes of
//!   HMAC-SHA256(secret, respondent id) over 2⁶⁴ ([`record_key`]). Without a study secret a fixed,
//!   published salt ([`PUBLIC_SALT`]) stands in: keys can then be recomputed, but only by someone
//!   who already holds the microdata.
//! - The **cell key** of a cell is the fractional part of the sum of its respondents' keys. Keys
//!   are kept as 64-bit integers, so the sum modulo 2⁶⁴ *is* that fractional part, exactly and in
//!   any order ([`cell_key`]).
//! - The perturbation is read from a **perturbation table** ([`PTable`]): for the cell's true
//!   count i, the row of transition probabilities p(i → j) is laid out as consecutive intervals
//!   of [0, 1) and the cell key picks one.
//!
//! The table follows the constraints of the `ptable` R package (Enderle, Giessing & Tent,
//! `create_cnt_ptable`; Giessing & Tent 2019, "Concepts for generalising tools implementing the
//! cell key method to the case of continuous variables"): unbiased noise, a fixed variance V,
//! a maximum deviation D, no published count in 1..=js and none negative, zeros stay zeros. Its
//! probabilities are the maximum-entropy ones of that package's default approach: on the
//! deviations −D..=D, p(d) ∝ exp(λ₁d + λ₂d²) is the maximum-entropy distribution with a given
//! mean and variance; λ₂ is set so that the variance is V with mean 0 (λ₁ = 0). For the small
//! counts 1..=js+D, whose window would reach the forbidden values 1..=js, those values fold onto
//! the nearest allowed ones, 0 and js+1 (a small count may be published as 0), and λ₁ is solved
//! anew so that the noise stays unbiased; their variance is then whatever unbiasedness forces (a count of 1 becomes 0 or
//! js+1, so its variance is js: 2 by default, above V).
//!
//! Pure functions: no I/O, no randomness beyond the keys.

use hmac::{Hmac, Mac};
use serde::Serialize;
use sha2::Sha256;

/// The salt of the record keys when a study has no secret. Publishing it is harmless in itself:
/// recomputing a key needs the respondent's id *and* the microdata to know which cell they are in.
pub const PUBLIC_SALT: &[u8] = b"capakit cell-key method, public salt, v1";

/// The parameters of a perturbation table.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Params {
    /// The maximum deviation of a count (beyond the fold onto 0 of small counts).
    #[serde(rename = "D")]
    pub d: u64,
    /// The variance of the noise added to counts above js + D.
    #[serde(rename = "V")]
    pub v: f64,
    /// No count from 1 to js is ever published.
    pub js: u64,
}

impl Default for Params {
    fn default() -> Params {
        Params {
            d: 2,
            v: 1.0,
            js: 2,
        }
    }
}

/// A perturbation table: for each true count, the possible deviations and their probabilities.
#[derive(Debug, Clone, PartialEq)]
pub struct PTable {
    pub params: Params,
    /// `rows[i]`: (deviation, probability) for true count i, deviations ascending; the last row
    /// serves every larger count.
    rows: Vec<Vec<(i64, f64)>>,
}

/// The mean and variance of a row's deviations.
pub fn moments(row: &[(i64, f64)]) -> (f64, f64) {
    let mean: f64 = row.iter().map(|&(d, p)| d as f64 * p).sum();
    let var = row
        .iter()
        .map(|&(d, p)| p * (d as f64 - mean).powi(2))
        .sum();
    (mean, var)
}

/// Probabilities ∝ exp(λ₁d + λ₂d²) over `devs`.
fn exp_family(devs: &[i64], l1: f64, l2: f64) -> Vec<(i64, f64)> {
    // Shift the exponent by its maximum so no term overflows.
    let e: Vec<f64> = devs
        .iter()
        .map(|&d| l1 * d as f64 + l2 * (d as f64).powi(2))
        .collect();
    let top = e.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let w: Vec<f64> = e.iter().map(|x| (x - top).exp()).collect();
    let s: f64 = w.iter().sum();
    devs.iter().zip(w).map(|(&d, w)| (d, w / s)).collect()
}

/// Bisection for an increasing function: the x in [lo, hi] where f(x) = target.
fn solve(f: impl Fn(f64) -> f64, target: f64, mut lo: f64, mut hi: f64) -> f64 {
    for _ in 0..300 {
        let mid = 0.5 * (lo + hi);
        if f(mid) < target {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    0.5 * (lo + hi)
}

impl PTable {
    /// Builds the table; `None` when no table has these parameters (D = 0, V not above 0, or V
    /// at least D(D+1)/3, the variance of the uniform spread over −D..=D that no maximum-entropy
    /// row can exceed).
    pub fn new(params: Params) -> Option<PTable> {
        let Params { d, v, js } = params;
        let d_i = d as i64;
        if d == 0 || v.is_nan() || v <= 0.0 || v >= (d * (d + 1)) as f64 / 3.0 {
            return None;
        }
        let full: Vec<i64> = (-d_i..=d_i).collect();
        // Variance of the symmetric row grows with λ₂ (from a point mass at −∞ to the uniform
        // spread at 0).
        let l2 = solve(|l2| moments(&exp_family(&full, 0.0, l2)).1, v, -1e3, 0.0);
        let mut rows = vec![vec![(0, 1.0)]];
        for i in 1..=js + d + 1 {
            let i_i = i as i64;
            let mut devs: Vec<i64> = Vec::new();
            let mut folds = false;
            for j in (i_i - d_i).max(0)..=i_i + d_i {
                if (1..=js as i64).contains(&j) {
                    folds = true;
                } else {
                    devs.push(j - i_i);
                }
            }
            if folds {
                // The forbidden values fold onto the nearest allowed ones, 0 and js + 1.
                for j in [0, js as i64 + 1] {
                    if !devs.contains(&(j - i_i)) {
                        devs.push(j - i_i);
                    }
                }
                devs.sort_unstable();
            }
            // Cut at 0 or folded, the row is no longer symmetric: tilt it back to mean 0.
            let row = if folds || i_i < d_i {
                // The mean grows with λ₁; the row spans values below and above i.
                let l1 = solve(|l1| moments(&exp_family(&devs, l1, l2)).0, 0.0, -1e5, 1e5);
                exp_family(&devs, l1, l2)
            } else {
                exp_family(&devs, 0.0, l2)
            };
            rows.push(row);
        }
        Some(PTable { params, rows })
    }

    /// The row of a true count: (deviation, probability), deviations ascending.
    pub fn row(&self, count: u64) -> &[(i64, f64)] {
        let last = self.rows.len() - 1;
        &self.rows[(count as usize).min(last)]
    }

    /// The rows of the table: counts 0 to js + D + 1 (the last one serves every larger count).
    pub fn rows(&self) -> usize {
        self.rows.len()
    }

    /// The published value of a cell of true count `count` and cell key `key` (as returned by
    /// [`cell_key`]: the key times 2⁶⁴).
    pub fn perturb(&self, count: u64, key: u64) -> u64 {
        let row = self.row(count);
        let u = key as f64 / 18_446_744_073_709_551_616.0;
        let mut upper = 0.0;
        for &(d, p) in row {
            upper += p;
            if u < upper {
                return count.saturating_add_signed(d);
            }
        }
        // Rounding left the last interval a hair short of 1.
        let d = row.last().map_or(0, |r| r.0);
        count.saturating_add_signed(d)
    }

    /// The expected absolute deviation of a count at least js + D + 1.
    pub fn mean_absolute_error(&self) -> f64 {
        self.row(u64::MAX)
            .iter()
            .map(|&(d, p)| p * d.unsigned_abs() as f64)
            .sum()
    }
}

/// The record key of a respondent, times 2⁶⁴: the first 8 bytes of HMAC-SHA256(secret, id), or
/// of HMAC-SHA256([`PUBLIC_SALT`], id) without a secret.
pub fn record_key(secret: Option<&[u8]>, id: &str) -> u64 {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.unwrap_or(PUBLIC_SALT))
        .expect("HMAC takes keys of any length");
    mac.update(id.trim().as_bytes());
    let digest = mac.finalize().into_bytes();
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest[..8]);
    u64::from_be_bytes(first)
}

/// The cell key of a cell, times 2⁶⁴: the fractional part of the sum of its records' keys, which
/// is their sum modulo 2⁶⁴ (exact, whatever the order).
pub fn cell_key(keys: impl IntoIterator<Item = u64>) -> u64 {
    keys.into_iter().fold(0u64, u64::wrapping_add)
}

/// Perturbs a table of cells given by their records: each cell's count and cell key come from
/// the rows (indices into `keys`) it holds.
pub fn perturb_rows(table: &PTable, keys: &[u64], rows: &[usize]) -> u64 {
    table.perturb(rows.len() as u64, cell_key(rows.iter().map(|&r| keys[r])))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn check_table(t: &PTable) {
        let Params { d, v, js } = t.params;
        assert_eq!(t.rows(), (js + d + 2) as usize);
        assert_eq!(t.row(0), &[(0, 1.0)], "zeros stay zeros");
        for i in 0..t.rows() as u64 + 3 {
            let row = t.row(i);
            let sum: f64 = row.iter().map(|r| r.1).sum();
            assert!((sum - 1.0).abs() < 1e-12, "row {i} sums to {sum}");
            let (mean, var) = moments(row);
            assert!(mean.abs() < 1e-9, "row {i}: mean deviation {mean}");
            for &(dev, p) in row {
                assert!(p > 0.0 && p <= 1.0);
                let j = i as i64 + dev;
                assert!(j >= 0, "row {i}: negative destination");
                assert!(!(1..=js as i64).contains(&j), "row {i} → {j}");
                assert!(
                    dev.unsigned_abs() <= d || j == 0 || j == js as i64 + 1,
                    "row {i} → {j}"
                );
            }
            if i > js + d {
                assert!((var - v).abs() < 1e-9, "row {i}: variance {var}");
            }
        }
    }

    #[test]
    fn the_default_table_has_the_published_properties() {
        let t = PTable::new(Params::default()).unwrap();
        check_table(&t);
        // A count of 1 goes to 0 or 3 (unbiased: 3 one time in three).
        let one = t.row(1);
        assert_eq!(one.iter().map(|r| r.0).collect::<Vec<_>>(), vec![-1, 2]);
        assert!((one[1].1 - 1.0 / 3.0).abs() < 1e-12);
        // Symmetric noise on larger counts.
        let big = t.row(100);
        assert_eq!(big.len(), 5);
        assert!((big[0].1 - big[4].1).abs() < 1e-12 && (big[1].1 - big[3].1).abs() < 1e-12);
        // Documented in the README: about 0.74 per cell.
        let mae = t.mean_absolute_error();
        assert!((mae - 0.745).abs() < 0.001, "{mae}");
    }

    #[test]
    fn impossible_parameters_are_refused() {
        for (d, v) in [(0, 1.0), (2, 0.0), (2, 2.0), (1, 0.9), (2, f64::NAN)] {
            assert!(PTable::new(Params { d, v, js: 2 }).is_none(), "D={d} V={v}");
        }
    }

    #[test]
    fn the_same_cell_gets_the_same_noise_in_any_order() {
        let t = PTable::new(Params::default()).unwrap();
        let keys: Vec<u64> = (0..40)
            .map(|i| record_key(None, &format!("CL-{i}")))
            .collect();
        let rows: Vec<usize> = (3..20).collect();
        let mut back = rows.clone();
        back.reverse();
        assert_eq!(
            perturb_rows(&t, &keys, &rows),
            perturb_rows(&t, &keys, &back)
        );
        // A secret changes the keys.
        assert_ne!(
            record_key(None, "CL-1"),
            record_key(Some(b"secret"), "CL-1")
        );
        assert_eq!(record_key(None, " CL-1 "), record_key(None, "CL-1"));
    }

    #[test]
    fn cell_keys_pick_every_deviation_in_proportion() {
        // Evenly spread keys land on each deviation as often as its probability says.
        let t = PTable::new(Params::default()).unwrap();
        let n = 100_000u64;
        let step = u64::MAX / n;
        for count in [1u64, 2, 3, 4, 5, 50] {
            let mut seen = std::collections::BTreeMap::new();
            for k in 0..n {
                *seen
                    .entry(t.perturb(count, k * step) as i64 - count as i64)
                    .or_insert(0u64) += 1;
            }
            for &(d, p) in t.row(count) {
                let f = *seen.get(&d).unwrap_or(&0) as f64 / n as f64;
                assert!(
                    (f - p).abs() < 1e-3,
                    "count {count}, deviation {d}: {f} vs {p}"
                );
            }
        }
    }

    proptest! {
        #[test]
        fn every_table_keeps_its_promises(d in 1u64..=4, v_frac in 0.05f64..0.95, js in 0u64..=4) {
            let v = v_frac * (d * (d + 1)) as f64 / 3.0;
            let t = PTable::new(Params { d, v, js }).unwrap();
            check_table(&t);
        }

        #[test]
        fn no_published_count_in_the_blocked_range(count in 0u64..40, key: u64) {
            let t = PTable::new(Params::default()).unwrap();
            let p = t.perturb(count, key);
            prop_assert!(!(1..=2).contains(&p));
            prop_assert!(count != 0 || p == 0);
            prop_assert!(p.abs_diff(count) <= 2 || p == 0 || p == 3);
        }
    }
}
