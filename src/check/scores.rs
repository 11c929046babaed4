//! Scale scores: the mean of a scale's answered items (reverse-keyed items turned round), when at
//! least half of them are answered. Computed once per dataset, for every analysis that needs them.

use crate::instrument::Scale;

use super::Dataset;

/// The items of a scale as columns, reverse keys applied, and the scale's score range.
pub fn item_columns(
    dataset: &Dataset,
    scale: &Scale,
) -> (Vec<String>, Vec<Vec<Option<f64>>>, [f64; 2]) {
    let ins = &dataset.instrument;
    let mut names = Vec::new();
    let mut cols = Vec::new();
    let mut range = [f64::INFINITY, f64::NEG_INFINITY];
    for name in &scale.items {
        let Some(item) = ins.item(name) else { continue };
        let Some(values) = dataset.numbers(name) else {
            continue;
        };
        let bounds = ins
            .list_of(item)
            .and_then(|l| l.score_range())
            .or_else(|| Some((item.min?.value, item.max?.value)));
        if let Some((lo, hi)) = bounds {
            range = [range[0].min(lo), range[1].max(hi)];
        }
        let values = match (item.reverse, bounds) {
            (true, Some((lo, hi))) => values.into_iter().map(|v| v.map(|x| lo + hi - x)).collect(),
            _ => values,
        };
        names.push(name.clone());
        cols.push(values);
    }
    if !range[0].is_finite() {
        range = [0.0, 0.0];
    }
    (names, cols, range)
}

/// Row means of the item columns, for rows with at least half of the items answered.
pub fn scores_of(cols: &[Vec<Option<f64>>], height: usize) -> Vec<Option<f64>> {
    let k = cols.len();
    let need = k.div_ceil(2).max(1);
    (0..height)
        .map(|i| {
            let (sum, n) = cols
                .iter()
                .filter_map(|c| c[i])
                .fold((0.0, 0usize), |(s, n), x| (s + x, n + 1));
            (k > 0 && n >= need).then(|| sum / n as f64)
        })
        .collect()
}
