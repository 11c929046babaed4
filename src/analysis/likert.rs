//! Likert distributions: for every item and group, counts and percentages per answer category,
//! missing answers, top-two-box share with its Wilson 95% interval, and mean score; with design
//! weights also the weighted percentages, share and mean, and Kish's effective sample size.

use serde::Serialize;
use toml::Spanned;

use crate::check::Dataset;
use crate::error::Result;
use crate::instrument::Labels;
use crate::stats::{weighted_mean, wilson95};
use crate::study::Study;

use super::{labels_of, Groups, SpecSet};

#[derive(Debug, Clone, Serialize)]
pub struct Category {
    pub score: f64,
    pub name: String,
    pub labels: Labels,
}

/// Answers of one group to one item.
#[derive(Debug, Clone, Serialize)]
pub struct LikertCounts {
    pub group: Option<String>,
    /// Respondents who answered.
    pub n: usize,
    pub missing: usize,
    pub counts: Vec<usize>,
    /// Percent of those who answered, per category.
    pub percent: Vec<f64>,
    /// Percent in the two highest categories.
    pub top2: Option<f64>,
    /// Wilson 95% interval of `top2`, in percent.
    pub top2_ci95: Option<[f64; 2]>,
    pub mean: Option<f64>,
    /// With design weights: the same shares weighted.
    pub weighted: Option<WeightedCounts>,
}

/// Weighted percentages of one group's answers (counts and n stay unweighted).
#[derive(Debug, Clone, Serialize)]
pub struct WeightedCounts {
    pub percent: Vec<f64>,
    pub top2: Option<f64>,
    pub mean: f64,
    pub kish_ess: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct LikertItem {
    pub item: String,
    pub labels: Labels,
    pub scale: Option<String>,
    pub reverse: bool,
    pub categories: Vec<Category>,
    pub total: LikertCounts,
    pub groups: Vec<LikertCounts>,
}

#[derive(Debug, Clone, Serialize)]
pub struct LikertResult {
    pub by: Option<String>,
    pub groups: Vec<String>,
    pub group_labels: Vec<Labels>,
    pub items: Vec<LikertItem>,
}

fn counts(
    group: Option<String>,
    values: &[Option<f64>],
    weights: Option<&[f64]>,
    categories: &[Category],
) -> LikertCounts {
    let mut counts = vec![0usize; categories.len()];
    let mut weighted = vec![0.0; categories.len()];
    let (mut scores, mut answered_weights) = (Vec::new(), Vec::new());
    let mut missing = 0;
    let mut sum = 0.0;
    for (i, v) in values.iter().enumerate() {
        match v.and_then(|v| categories.iter().position(|c| c.score == v)) {
            Some(k) => {
                counts[k] += 1;
                sum += categories[k].score;
                if let Some(w) = weights {
                    weighted[k] += w[i];
                    scores.push(categories[k].score);
                    answered_weights.push(w[i]);
                }
            }
            None => missing += 1,
        }
    }
    let n: usize = counts.iter().sum();
    let percent: Vec<f64> = counts
        .iter()
        .map(|&c| {
            if n > 0 {
                100.0 * c as f64 / n as f64
            } else {
                0.0
            }
        })
        .collect();
    let has_top2 = n > 0 && categories.len() >= 3;
    let top2 = has_top2.then(|| percent[percent.len() - 2..].iter().sum());
    let top2_count: usize = counts[counts.len().saturating_sub(2)..].iter().sum();
    let weighted = weights
        .and_then(|_| weighted_mean(&scores, &answered_weights))
        .map(|w| {
            let percent: Vec<f64> = weighted.iter().map(|x| 100.0 * x / w.sum_weights).collect();
            WeightedCounts {
                top2: has_top2.then(|| percent[percent.len() - 2..].iter().sum()),
                percent,
                mean: w.mean,
                kish_ess: w.kish_ess,
            }
        });
    LikertCounts {
        group,
        n,
        missing,
        counts,
        percent,
        top2,
        top2_ci95: if has_top2 {
            wilson95(top2_count as f64, n as f64).map(|[lo, hi]| [100.0 * lo, 100.0 * hi])
        } else {
            None
        },
        mean: (n > 0).then(|| sum / n as f64),
        weighted,
    }
}

/// The Likert items named in a spec (items or whole scales), or all of them.
pub(crate) fn select_items(
    set: &SpecSet,
    dataset: &Dataset,
    names: Option<&[Spanned<String>]>,
) -> Result<Vec<String>> {
    let ins = &dataset.instrument;
    let likert: Vec<String> = ins
        .likert_items()
        .filter(|i| dataset.has(&i.name))
        .map(|i| i.name.clone())
        .collect();
    let Some(names) = names else {
        return Ok(likert);
    };
    let mut out = Vec::new();
    for n in names {
        if let Some(scale) = ins.scale(n.get_ref()) {
            out.extend(scale.items.iter().filter(|i| likert.contains(i)).cloned());
        } else if likert.contains(n.get_ref()) {
            out.push(n.get_ref().clone());
        } else {
            return Err(set.error_at(
                n,
                format!(
                    "'{}' is neither a Likert item nor a scale of the questionnaire present in the data",
                    n.get_ref()
                ),
            ));
        }
    }
    Ok(out)
}

pub(super) fn run(
    set: &SpecSet,
    study: &Study,
    dataset: &Dataset,
    items: Option<&[Spanned<String>]>,
    by: Option<&Spanned<String>>,
) -> Result<LikertResult> {
    let groups = Groups::for_spec(set, study, dataset, by)?;
    let weights = dataset.weights();
    let ins = &dataset.instrument;
    let mut out = Vec::new();
    for name in select_items(set, dataset, items)? {
        let item = ins.item(&name).expect("selected items exist");
        let list = ins.list_of(item).expect("Likert items have a list");
        let categories: Vec<Category> = list
            .choices
            .iter()
            .filter_map(|c| {
                Some(Category {
                    score: list.score(&c.name)?,
                    name: c.name.clone(),
                    labels: c.labels.clone(),
                })
            })
            .collect();
        let values = dataset.numbers(&name).unwrap_or_default();
        let group_counts = match &groups {
            Some(g) => g
                .names
                .iter()
                .enumerate()
                .map(|(k, gname)| {
                    let rows: Vec<usize> = (0..values.len())
                        .filter(|&i| g.index[i] == Some(k))
                        .collect();
                    let vals: Vec<Option<f64>> = rows.iter().map(|&i| values[i]).collect();
                    let ws: Option<Vec<f64>> = weights
                        .as_ref()
                        .map(|w| rows.iter().map(|&i| w[i]).collect());
                    counts(Some(gname.clone()), &vals, ws.as_deref(), &categories)
                })
                .collect(),
            None => Vec::new(),
        };
        out.push(LikertItem {
            item: name.clone(),
            labels: labels_of(dataset, &name),
            scale: item.scale.clone(),
            reverse: item.reverse,
            total: counts(None, &values, weights.as_deref(), &categories),
            groups: group_counts,
            categories,
        });
    }
    Ok(LikertResult {
        by: groups.as_ref().map(|g| g.by.clone()),
        groups: groups.as_ref().map(|g| g.names.clone()).unwrap_or_default(),
        group_labels: groups.map(|g| g.labels).unwrap_or_default(),
        items: out,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn five_point() -> Vec<Category> {
        (1..=5)
            .map(|s| Category {
                score: s as f64,
                name: s.to_string(),
                labels: Labels::new(),
            })
            .collect()
    }

    #[test]
    fn counts_percentages_and_top_two() {
        let cats = five_point();
        let v = [Some(1.0), Some(5.0), Some(4.0), None, Some(4.0)];
        let c = counts(None, &v, None, &cats);
        assert_eq!(c.counts, vec![1, 0, 0, 2, 1]);
        assert_eq!((c.n, c.missing), (4, 1));
        assert_eq!(c.top2, Some(75.0));
        assert_eq!(c.mean, Some(3.5));
        assert!((c.percent.iter().sum::<f64>() - 100.0).abs() < 1e-9);
        // statsmodels 0.15.0 proportion_confint(3, 4, method='wilson')
        //   → (0.30064184258240184, 0.9544127391902995)
        let [lo, hi] = c.top2_ci95.unwrap();
        assert!((lo - 30.064184258240184).abs() < 1e-9 && (hi - 95.44127391902995).abs() < 1e-9);
        assert!(c.weighted.is_none());
    }

    #[test]
    fn weighted_shares() {
        // numpy.average([1, 5, 4, 4], weights=[1, 2, 1, 4]) → 3.875; top two: (2 + 1 + 4) / 8;
        // Kish (Σw)² / Σw² = 64 / 22
        let cats = five_point();
        let v = [Some(1.0), Some(5.0), Some(4.0), None, Some(4.0)];
        let w = [1.0, 2.0, 1.0, 9.0, 4.0];
        let c = counts(None, &v, Some(&w), &cats);
        let wc = c.weighted.unwrap();
        assert!((wc.mean - 3.875).abs() < 1e-12);
        assert!((wc.top2.unwrap() - 87.5).abs() < 1e-12);
        assert!((wc.kish_ess - 64.0 / 22.0).abs() < 1e-12);
        assert_eq!(c.counts, vec![1, 0, 0, 2, 1], "counts stay unweighted");
    }
}
