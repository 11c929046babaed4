//! Pure statistics over slices: no data frames, no I/O, no missing values (callers drop them and
//! say how many). Distributions come from statrs. Every function is tested against an independent
//! implementation (scipy, pingouin, statsmodels), named in its tests.

pub mod adjust;
pub mod agreement;
pub mod change;
pub mod correlation;
pub mod counting;
pub mod crosstab;
pub mod descriptive;
pub mod kruskal;
pub mod mann_whitney;
pub mod network;
pub mod paired;
#[cfg(test)]
mod properties;
pub mod proportions;
pub mod ranks;
pub mod reliability;
pub mod survey;
pub mod weights;
pub mod welch;

pub use adjust::{adjust, adjust_within, benjamini_hochberg, holm, Correction};
pub use agreement::{agreement, Agreement};
pub use counting::{
    bootstrap, deprivation_scores, headline, is_deprived, m0_difference, measure, score_bin,
    score_distribution, Difference, Headline, Intervals, Measure,
};
pub use crosstab::{independence, Independence};
pub use descriptive::{mean, mean_ci95, median, sd, Summary};
pub use kruskal::{kruskal, DunnPair, Kruskal};
pub use mann_whitney::{mann_whitney, MannWhitney};
pub use paired::{mcnemar, wilcoxon, McNemar, Wilcoxon};
pub use proportions::{wilson95, Proportion};
pub use reliability::{cronbach_alpha, Alpha};
pub use weights::{weighted_mean, Weighted};
pub use welch::{welch, Welch};

/// Average ranks (1-based) of `x`, ties sharing the mean of their positions, and the tie term
/// Σ(t³ − t) over groups of tied values.
pub fn rank_average(x: &[f64]) -> (Vec<f64>, f64) {
    // Values sorted with their positions (the order within ties does not change a rank).
    let mut order: Vec<(f64, usize)> = x.iter().copied().zip(0..).collect();
    order.sort_unstable_by(|a, b| a.0.total_cmp(&b.0));
    let mut ranks = vec![0.0; x.len()];
    let mut tie_term = 0.0;
    let mut i = 0;
    while i < order.len() {
        let mut j = i;
        while j + 1 < order.len() && order[j + 1].0 == order[i].0 {
            j += 1;
        }
        let rank = (i + j) as f64 / 2.0 + 1.0;
        for &(_, k) in &order[i..=j] {
            ranks[k] = rank;
        }
        let t = (j - i + 1) as f64;
        tie_term += t * t * t - t;
        i = j + 1;
    }
    (ranks, tie_term)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn average_ranks_with_ties() {
        // scipy 1.14 `rankdata([3, 1, 4, 1, 5])` → [3, 1.5, 4, 1.5, 5]
        let (r, t) = rank_average(&[3.0, 1.0, 4.0, 1.0, 5.0]);
        assert_eq!(r, vec![3.0, 1.5, 4.0, 1.5, 5.0]);
        assert_eq!(t, 6.0);
    }
}
