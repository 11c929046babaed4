//! Scale scores — the mean of a scale's items with reverse-keyed items turned (min + max − x) —
//! with Cronbach's alpha on complete cases, overall and per group.

pub mod publish;
pub mod table;
pub use publish::Params;

use serde::Serialize;
use toml::Spanned;

use crate::check::scores::item_columns;
use crate::check::Dataset;
use crate::disclosure::{protect_list, summary_min, Suppression};
use crate::error::Result;
use crate::instrument::{Labels, Scale};
use crate::stats::{cronbach_alpha, weighted_mean, Alpha, Summary, Weighted};
use crate::study::Study;

use super::groups::{present_weighted, AnsweredShown};
use super::{Groups, SpecSet};

/// How a score is computed, stated in every result.
pub const SCORING: &str = "mean of the answered items, when at least half of the scale's items are answered; reverse-keyed items scored as min + max − answer; Cronbach's alpha on respondents who answered every item (listwise deletion)";

/// n, mean, SD, median and 95% CI of the scores of a group, as published: all hidden (null) when
/// fewer than the study's minimum cell size have a score, and all but n when fewer than twice
/// that ([`summary_min`]).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ScoreSummary {
    pub n: Option<usize>,
    pub mean: Option<f64>,
    pub sd: Option<f64>,
    pub median: Option<f64>,
    pub ci95: Option<[f64; 2]>,
    pub suppressed: Option<Suppression>,
}

impl ScoreSummary {
    /// Whether the mean (and everything with it) is published.
    pub fn shown(&self) -> bool {
        self.suppressed.is_none()
    }

    /// The summary of every score, beside groups that publish theirs: the scores of those whose
    /// group's summary is not published (a small group, people in no group) are `residual`; the
    /// total would give them away by subtraction unless there are none, or enough.
    fn beside_groups(self, residual: usize, min_cell: u64) -> ScoreSummary {
        let residual = residual as u64;
        if residual == 0 || residual >= summary_min(min_cell) {
            self
        } else if residual < min_cell {
            ScoreSummary::withheld(Suppression::Secondary)
        } else {
            ScoreSummary {
                n: self.n,
                ..ScoreSummary::withheld(Suppression::Secondary)
            }
        }
    }

    /// Nothing published, for the reason given.
    pub fn withheld(why: Suppression) -> ScoreSummary {
        ScoreSummary {
            n: None,
            mean: None,
            sd: None,
            median: None,
            ci95: None,
            suppressed: Some(why),
        }
    }

    pub fn publish(s: Summary, min_cell: u64) -> ScoreSummary {
        if (s.n as u64) < min_cell {
            return ScoreSummary::withheld(Suppression::Primary);
        }
        if (s.n as u64) < summary_min(min_cell) {
            return ScoreSummary {
                n: Some(s.n),
                ..ScoreSummary::withheld(Suppression::Primary)
            };
        }
        ScoreSummary {
            n: Some(s.n),
            mean: s.mean,
            sd: s.sd,
            median: s.median,
            ci95: s.ci95,
            suppressed: None,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct GroupSummary {
    pub group: String,
    #[serde(flatten)]
    pub summary: ScoreSummary,
    /// With design weights: the weighted mean and Kish's effective sample size.
    pub weighted: Option<Weighted>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ScaleRow {
    pub scale: String,
    pub labels: Labels,
    pub dimension: Option<String>,
    pub items: Vec<String>,
    /// Labels of `items`, in the same order.
    pub item_labels: Vec<Labels>,
    pub reversed: Vec<String>,
    /// Lowest and highest possible score.
    pub range: [f64; 2],
    pub total: ScoreSummary,
    /// With design weights: the weighted mean and Kish's effective sample size.
    pub total_weighted: Option<Weighted>,
    /// Respondents without a score (too few items answered); hidden when the study protects
    /// missing answers and it is small.
    pub missing: Option<usize>,
    pub alpha: Option<Alpha>,
    /// When alpha is negative, the items with a negative item–rest correlation (probably
    /// reverse-keyed): named only where alpha is shown and rests on at least twice the minimum
    /// cell size of complete answers (a correlation is a summary).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub against_the_rest: Vec<String>,
    pub groups: Vec<GroupSummary>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ScalesResult {
    pub by: Option<String>,
    pub groups: Vec<String>,
    pub group_labels: Vec<Labels>,
    pub scoring: &'static str,
    pub scales: Vec<ScaleRow>,
}

/// The score of every respondent on a scale (`None` when fewer than half the items are
/// answered), computed once per dataset.
pub fn scale_scores(dataset: &Dataset, scale: &Scale) -> Vec<Option<f64>> {
    dataset.scale_scores(&scale.name).to_vec()
}

/// The scales named in a spec, or all of the instrument's scales present in the data.
pub(crate) fn select_scales<'a>(
    set: &SpecSet,
    dataset: &'a Dataset,
    names: Option<&[Spanned<String>]>,
) -> Result<Vec<&'a Scale>> {
    let ins = &dataset.instrument;
    match names {
        None => Ok(ins
            .scales
            .iter()
            .filter(|s| s.items.iter().any(|i| dataset.has(i)))
            .collect()),
        Some(names) => names
            .iter()
            .map(|n| {
                ins.scale(n.get_ref())
                    .ok_or_else(|| set.error_at(n, crate::plan::not_a_scale(n.get_ref(), ins)))
            })
            .collect(),
    }
}

pub(super) fn run(
    set: &SpecSet,
    study: &Study,
    dataset: &Dataset,
    scales: Option<&[Spanned<String>]>,
    by: Option<&Spanned<String>>,
) -> Result<ScalesResult> {
    let groups = Groups::for_spec(set, study, dataset, by)?;
    let weights = dataset.weights();
    let k_min = study.min_cell;
    let mut rows = Vec::new();
    for scale in select_scales(set, dataset, scales)? {
        let (names, cols, range) = item_columns(dataset, scale);
        let scores = dataset.scale_scores(&scale.name).to_vec();
        let present: Vec<f64> = scores.iter().flatten().copied().collect();
        let complete: Vec<usize> = (0..dataset.height())
            .filter(|&i| cols.iter().all(|c| c[i].is_some()))
            .collect();
        let complete_cols: Vec<Vec<f64>> = cols
            .iter()
            .map(|c| complete.iter().map(|&i| c[i].unwrap_or_default()).collect())
            .collect();
        let slices: Vec<&[f64]> = complete_cols.iter().map(Vec::as_slice).collect();
        // With missing answers protected, a number of scores beside a published group size must
        // not give away a small number without one (nor alpha's complete cases the incomplete).
        let protect =
            study.protects_missing(names.iter().filter_map(|n| dataset.instrument.item(n)));
        let answered: Vec<bool> = scores.iter().map(Option::is_some).collect();
        let shown = match (&groups, protect) {
            (_, false) => AnsweredShown::all(groups.as_ref().map_or(0, |g| g.names.len())),
            (Some(g), true) => g.answered_shown(&answered, k_min),
            (None, true) => {
                let n = [present.len() as u64, (scores.len() - present.len()) as u64];
                let hidden = protect_list(&n, k_min);
                AnsweredShown {
                    groups: Vec::new(),
                    total: hidden[0].is_none(),
                    missing: hidden[1].is_none(),
                }
            }
        };
        let alpha_shown = !protect || {
            let n = [
                complete.len() as u64,
                (scores.len() - complete.len()) as u64,
            ];
            protect_list(&n, k_min).iter().all(Option::is_none)
        };
        let group_rows = match &groups {
            Some(g) => {
                let weighted_split = weights.as_ref().map(|w| g.split_weighted(&scores, w));
                g.split(&scores)
                    .iter()
                    .zip(&g.names)
                    .enumerate()
                    .map(|(k, (vals, name))| GroupSummary {
                        group: name.clone(),
                        summary: if shown.groups[k] {
                            ScoreSummary::publish(Summary::of(vals), k_min)
                        } else {
                            ScoreSummary::withheld(Suppression::Secondary)
                        },
                        weighted: weighted_split
                            .as_ref()
                            .filter(|_| vals.len() as u64 >= summary_min(k_min) && shown.groups[k])
                            .and_then(|s| weighted_mean(&s[k].0, &s[k].1)),
                    })
                    .collect()
            }
            None => Vec::new(),
        };
        // Scores whose group publishes no mean: the total must not give them back.
        let residual = present.len()
            - group_rows
                .iter()
                .filter(|g: &&GroupSummary| g.summary.shown())
                .map(|g| g.summary.n.unwrap_or_default())
                .sum::<usize>();
        let total = if !shown.total {
            ScoreSummary::withheld(Suppression::Secondary)
        } else if groups.is_some() {
            ScoreSummary::publish(Summary::of(&present), k_min).beside_groups(residual, k_min)
        } else {
            ScoreSummary::publish(Summary::of(&present), k_min)
        };
        // Alpha rests on the complete answers: not published on fewer than k of them.
        let alpha =
            cronbach_alpha(&names, &slices).filter(|a| a.n as u64 >= k_min && alpha_shown);
        rows.push(ScaleRow {
            scale: scale.name.clone(),
            labels: scale.labels.clone(),
            dimension: scale.dimension.clone(),
            reversed: names
                .iter()
                .filter(|n| dataset.instrument.item(n).is_some_and(|i| i.reverse))
                .cloned()
                .collect(),
            against_the_rest: alpha
                .as_ref()
                .filter(|a| a.n as u64 >= crate::disclosure::summary_min(k_min))
                .map(Alpha::against_the_rest)
                .unwrap_or_default(),
            alpha,
            item_labels: names.iter().map(|n| super::labels_of(dataset, n)).collect(),
            items: names,
            range,
            missing: shown.missing.then_some(scores.len() - present.len()),
            total: total.clone(),
            total_weighted: weights.as_ref().filter(|_| total.shown()).and_then(|w| {
                let (v, w) = present_weighted(&scores, w);
                weighted_mean(&v, &w)
            }),
            groups: group_rows,
        });
    }
    Ok(ScalesResult {
        by: groups.as_ref().map(|g| g.by.clone()),
        groups: groups.as_ref().map(|g| g.names.clone()).unwrap_or_default(),
        group_labels: groups.map(|g| g.labels).unwrap_or_default(),
        scoring: SCORING,
        scales: rows,
    })
}
