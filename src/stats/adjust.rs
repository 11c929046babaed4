//! Adjusted p-values for a family of tests: Holm's step-down (controls the family-wise error rate)
//! and Benjamini–Hochberg (controls the false discovery rate), as statsmodels' `multipletests`.

use serde::{Deserialize, Serialize};

/// Which correction a family of tests uses.
#[derive(Debug, Clone, Copy, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Correction {
    /// Holm's step-down method (family-wise error rate).
    #[default]
    Holm,
    /// Benjamini–Hochberg (false discovery rate).
    #[serde(rename = "bh")]
    BenjaminiHochberg,
    /// No adjustment.
    None,
}

/// The p-values of a family adjusted with `correction`, in the order given.
pub fn adjust(p: &[f64], correction: Correction) -> Vec<f64> {
    match correction {
        Correction::Holm => holm(p),
        Correction::BenjaminiHochberg => benjamini_hochberg(p),
        Correction::None => p.to_vec(),
    }
}

/// The p-values adjusted with `correction` within each family: `family[i]` names the family of
/// test `i`, and each family is corrected on its own (its size is the number of its tests), in
/// the order given.
pub fn adjust_within<F: PartialEq>(p: &[f64], family: &[F], correction: Correction) -> Vec<f64> {
    assert_eq!(p.len(), family.len(), "one family per p-value");
    let mut out = vec![f64::NAN; p.len()];
    let mut done = vec![false; p.len()];
    for first in 0..p.len() {
        if done[first] {
            continue;
        }
        let members: Vec<usize> = (first..p.len())
            .filter(|&i| family[i] == family[first])
            .collect();
        let ps: Vec<f64> = members.iter().map(|&i| p[i]).collect();
        for (&i, a) in members.iter().zip(adjust(&ps, correction)) {
            out[i] = a;
            done[i] = true;
        }
    }
    out
}

/// Holm-adjusted p-values, in the order given.
pub fn holm(p: &[f64]) -> Vec<f64> {
    let m = p.len();
    let mut order: Vec<usize> = (0..m).collect();
    order.sort_by(|&a, &b| p[a].total_cmp(&p[b]));
    let mut out = vec![0.0; m];
    let mut running: f64 = 0.0;
    for (rank, &i) in order.iter().enumerate() {
        let adj = ((m - rank) as f64 * p[i]).min(1.0);
        running = running.max(adj);
        out[i] = running;
    }
    out
}

/// Benjamini–Hochberg adjusted p-values, in the order given.
pub fn benjamini_hochberg(p: &[f64]) -> Vec<f64> {
    let m = p.len();
    let mut order: Vec<usize> = (0..m).collect();
    order.sort_by(|&a, &b| p[b].total_cmp(&p[a]));
    let mut out = vec![0.0; m];
    let mut running: f64 = 1.0;
    for (k, &i) in order.iter().enumerate() {
        let rank = (m - k) as f64;
        running = running.min(p[i] * m as f64 / rank).min(1.0);
        out[i] = running;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn against_statsmodels() {
        // statsmodels 0.15.0: multipletests([0.01, 0.04, 0.03, 0.005, 0.2], method='holm')[1]
        //   → [0.04, 0.09, 0.09, 0.025, 0.2]; method='fdr_bh' → [0.025, 0.05, 0.05, 0.025, 0.2]
        let p = [0.01, 0.04, 0.03, 0.005, 0.2];
        let h = holm(&p);
        for (a, b) in h.iter().zip([0.04, 0.09, 0.09, 0.025, 0.2]) {
            assert!((a - b).abs() < 1e-12, "{h:?}");
        }
        let bh = benjamini_hochberg(&p);
        for (a, b) in bh.iter().zip([0.025, 0.05, 0.05, 0.025, 0.2]) {
            assert!((a - b).abs() < 1e-12, "{bh:?}");
        }
    }

    #[test]
    fn families_are_corrected_apart_as_statsmodels_on_each() {
        // statsmodels 0.15.0:
        //   from statsmodels.stats.multitest import multipletests
        //   multipletests([0.01, 0.03, 0.2], method="holm")[1] → [0.03, 0.06, 0.2]
        //   multipletests([0.04, 0.005], method="holm")[1]     → [0.04, 0.01]
        //   multipletests([0.01, 0.04, 0.03, 0.005, 0.2], method="holm")[1]
        //     → [0.04, 0.09, 0.09, 0.025, 0.2] (one family: what mixing them gave)
        let p = [0.01, 0.04, 0.03, 0.005, 0.2];
        let family = ["a", "b", "a", "b", "a"];
        let got = adjust_within(&p, &family, Correction::Holm);
        for (a, b) in got.iter().zip([0.03, 0.04, 0.06, 0.01, 0.2]) {
            assert!((a - b).abs() < 1e-12, "{got:?}");
        }
        let one = adjust_within(&p, &["x"; 5], Correction::Holm);
        assert_eq!(one, holm(&p));
        assert!(adjust_within::<&str>(&[], &[], Correction::Holm).is_empty());
    }

    #[test]
    fn adjusted_never_below_raw_nor_above_one() {
        let p = [0.9, 0.5, 0.001, 0.3, 0.3];
        for adj in [holm(&p), benjamini_hochberg(&p)] {
            for (a, r) in adj.iter().zip(p) {
                assert!(*a >= r && *a <= 1.0);
            }
        }
        assert!(holm(&[]).is_empty());
    }
}
