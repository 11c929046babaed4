//! Likert distributions: for every item and group, counts and percentages per answer category,
//! missing answers, top-two-box share with its Wilson 95% interval, and mean score; with design
//! weights also the weighted percentages, share and mean, and Kish's effective sample size.

pub mod publish;
pub use publish::Params;

use serde::Serialize;
use toml::Spanned;

use crate::check::Dataset;
use crate::disclosure::{protect_list_with, protect_table, Suppression};
use crate::error::Result;
use crate::instrument::Labels;
use crate::stats::{weighted_mean, wilson95};
use crate::study::Study;

use super::cellkey::{self, Perturber};
use super::{labels_of, Groups, SpecSet};

#[derive(Debug, Clone, Serialize)]
pub struct Category {
    pub score: f64,
    pub name: String,
    pub labels: Labels,
}

/// Answers of one group to one item, as published: null values are hidden to protect
/// respondents (`suppressed` says which and why).
#[derive(Debug, Clone, Serialize)]
pub struct LikertCounts {
    pub group: Option<String>,
    /// Respondents in the group: the base of the percentages.
    pub size: Option<usize>,
    /// Respondents who answered.
    pub n: Option<usize>,
    pub missing: Option<usize>,
    pub counts: Vec<Option<usize>>,
    /// Percent of the group's respondents, per category (no answer apart).
    pub percent: Vec<Option<f64>>,
    /// Percent in the two highest categories.
    pub top2: Option<f64>,
    /// Wilson 95% interval of `top2`, in percent.
    pub top2_ci95: Option<[f64; 2]>,
    /// Mean score of those who answered.
    pub mean: Option<f64>,
    /// With design weights: the same shares weighted.
    pub weighted: Option<WeightedCounts>,
    /// Per category, then no answer: hidden values and why.
    pub suppressed: Vec<Option<Suppression>>,
}

/// Weighted percentages of one group's answers (counts and n stay unweighted).
#[derive(Debug, Clone, Serialize)]
pub struct WeightedCounts {
    /// Percent of the weighted answers, per category.
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
    /// Counts published perturbed (the cell-key method): no exact summary of these answers may
    /// stand beside them (a comparison's n, mean and SD would undo the noise).
    #[serde(skip)]
    pub perturbed: bool,
}

/// The answers of one group, counted (before protection).
#[derive(Debug, Clone)]
struct Tally {
    /// Per category, then no answer.
    counts: Vec<u64>,
    /// Per category, then no answer: the cell key (the sum of the record keys, modulo 2⁶⁴) for
    /// the cell-key method.
    keys: Vec<u64>,
    score_sum: f64,
    weighted: Option<WeightedCounts>,
}

/// The answers of one group as they are counted.
struct Counter {
    counts: Vec<u64>,
    keys: Vec<u64>,
    weighted: Vec<f64>,
    scores: Vec<f64>,
    answered_weights: Vec<f64>,
    score_sum: f64,
}

impl Counter {
    fn new(categories: usize) -> Counter {
        Counter {
            counts: vec![0; categories + 1],
            keys: vec![0; categories + 1],
            weighted: vec![0.0; categories],
            scores: Vec::new(),
            answered_weights: Vec::new(),
            score_sum: 0.0,
        }
    }

    /// One answer (`None`: no answer) with its weight, when the source has weights, and its
    /// record key (0 unless the cell-key method is used).
    fn add(&mut self, v: Option<f64>, w: Option<f64>, key: u64, categories: &[Category]) {
        let cell = v
            .and_then(|v| categories.iter().position(|c| c.score == v))
            .unwrap_or(self.counts.len() - 1);
        self.keys[cell] = self.keys[cell].wrapping_add(key);
        match v.and_then(|v| categories.iter().position(|c| c.score == v)) {
            Some(c) => {
                self.counts[c] += 1;
                self.score_sum += categories[c].score;
                if let Some(w) = w {
                    self.weighted[c] += w;
                    self.scores.push(categories[c].score);
                    self.answered_weights.push(w);
                }
            }
            None => {
                let k = self.counts.len() - 1;
                self.counts[k] += 1;
            }
        }
    }

    fn finish(self, weights: bool) -> Tally {
        let k = self.weighted.len();
        let weighted = weights
            .then(|| weighted_mean(&self.scores, &self.answered_weights))
            .flatten()
            .map(|w| {
                let percent: Vec<f64> = self
                    .weighted
                    .iter()
                    .map(|x| 100.0 * x / w.sum_weights)
                    .collect();
                WeightedCounts {
                    top2: (k >= 3).then(|| percent[k - 2..].iter().sum()),
                    percent,
                    mean: w.mean,
                    kish_ess: w.kish_ess,
                }
            });
        Tally {
            counts: self.counts,
            keys: self.keys,
            score_sum: self.score_sum,
            weighted,
        }
    }
}

#[cfg(test)]
fn tally(values: &[Option<f64>], weights: Option<&[f64]>, categories: &[Category]) -> Tally {
    let mut c = Counter::new(categories.len());
    for (i, v) in values.iter().enumerate() {
        c.add(*v, weights.map(|w| w[i]), 0, categories);
    }
    c.finish(weights.is_some())
}

/// The tally of everyone and of each of `groups` groups (`index`: each row's group), in one
/// pass over the answers (NaN: no answer).
fn tallies(
    values: &[f64],
    weights: Option<&[f64]>,
    keys: Option<&[u64]>,
    categories: &[Category],
    index: Option<(&[Option<usize>], usize)>,
) -> (Tally, Vec<Tally>) {
    let k = categories.len();
    let mut total = Counter::new(k);
    let mut groups: Vec<Counter> = (0..index.map_or(0, |g| g.1))
        .map(|_| Counter::new(k))
        .collect();
    for (i, &v) in values.iter().enumerate() {
        let v = (!v.is_nan()).then_some(v);
        let w = weights.map(|w| w[i]);
        let key = keys.map_or(0, |k| k[i]);
        total.add(v, w, key, categories);
        if let Some(g) = index.and_then(|(index, _)| index[i]) {
            groups[g].add(v, w, key, categories);
        }
    }
    let weighted = weights.is_some();
    (
        total.finish(weighted),
        groups.into_iter().map(|c| c.finish(weighted)).collect(),
    )
}

/// What may be published of a tally, given which of its counts (categories, then no answer)
/// and whether the group's size are hidden: percentages of hidden counts are hidden; the share
/// agreeing only when it cannot reveal a hidden count; the mean and the weighted shares only
/// when nothing in the row is hidden.
fn publish(
    group: Option<String>,
    t: &Tally,
    hidden: &[Option<Suppression>],
    size_hidden: bool,
    min_cell: u64,
) -> LikertCounts {
    let k = t.counts.len() - 1;
    let size: u64 = t.counts.iter().sum();
    let answered = size - t.counts[k];
    let shown = |c: usize| hidden[c].is_none();
    let percent_of = |x: u64| (!size_hidden && size > 0).then(|| 100.0 * x as f64 / size as f64);
    let top: Vec<usize> = if k >= 3 {
        vec![k - 2, k - 1]
    } else {
        Vec::new()
    };
    let hidden_cells: Vec<usize> = (0..=k).filter(|&c| !shown(c)).collect();
    let top_count: u64 = top.iter().map(|&c| t.counts[c]).sum();
    let top_ok = !top.is_empty()
        && !size_hidden
        && size > 0
        && (top.iter().all(|&c| shown(c)) || hidden_cells.iter().all(|c| top.contains(c)));
    let clean = hidden_cells.is_empty() && !size_hidden;
    LikertCounts {
        group,
        size: (!size_hidden).then_some(size as usize),
        // Not below the minimum cell size either (it is a count of its own).
        n: (!size_hidden && shown(k) && answered >= min_cell).then_some(answered as usize),
        missing: shown(k).then_some(t.counts[k] as usize),
        counts: (0..k)
            .map(|c| shown(c).then_some(t.counts[c] as usize))
            .collect(),
        percent: (0..k)
            .map(|c| {
                if shown(c) {
                    percent_of(t.counts[c])
                } else {
                    None
                }
            })
            .collect(),
        top2: if top_ok { percent_of(top_count) } else { None },
        top2_ci95: if top_ok {
            wilson95(top_count as f64, size as f64).map(|[lo, hi]| [100.0 * lo, 100.0 * hi])
        } else {
            None
        },
        mean: (clean && answered > 0).then(|| t.score_sum / answered as f64),
        weighted: if clean { t.weighted.clone() } else { None },
        suppressed: hidden.to_vec(),
    }
}

/// Under the cell-key method: the counts of a published tally replaced by their perturbed
/// values, every count (categories, no answer, answers, group size, top two) a cell of its own
/// (not additive), percentages of the perturbed group size, nothing hidden. The mean and the
/// weighted shares stay as the suppression rules left them.
fn perturbed(mut c: LikertCounts, t: &Tally, p: &Perturber) -> LikertCounts {
    use crate::disclosure::cellkey::cell_key;
    let k = t.counts.len() - 1;
    let cells: Vec<u64> = (0..=k).map(|c| p.cell(t.counts[c], t.keys[c])).collect();
    let all: u64 = t.counts.iter().sum();
    let size = p.cell(all, cell_key(t.keys.iter().copied()));
    let answered = p.cell(all - t.counts[k], cell_key(t.keys[..k].iter().copied()));
    c.size = Some(size as usize);
    c.n = Some(answered as usize);
    c.missing = Some(cells[k] as usize);
    c.counts = cells[..k].iter().map(|&x| Some(x as usize)).collect();
    c.percent = cells[..k].iter().map(|&x| cellkey::percent(x, size)).collect();
    if k >= 3 {
        let top = p.cell(
            t.counts[k - 2] + t.counts[k - 1],
            t.keys[k - 2].wrapping_add(t.keys[k - 1]),
        );
        c.top2 = cellkey::percent(top, size);
        c.top2_ci95 = cellkey::ci95(top, size);
    }
    c.suppressed = vec![None; k + 1];
    // The exact mean and weighted shares beside perturbed counts would undo the noise (with
    // weights constant within a group, Kish's n is the exact number of answers): not published.
    c.mean = None;
    c.weighted = None;
    c
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
    let perturber = Perturber::of(study, dataset)?;
    let ins = &dataset.instrument;
    // Group sizes hidden in the list of respondents per group stay hidden here.
    let hidden_groups = groups
        .as_ref()
        .map(|g| g.hidden_sizes(dataset.height(), study.min_cell))
        .unwrap_or_default();
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
        let values = dataset.number_slice(&name).unwrap_or_default();
        let index = groups.as_ref().map(|g| (g.index.as_slice(), g.names.len()));
        let (total, tallies) = tallies(
            values,
            weights.as_deref(),
            perturber.as_ref().map(|p| p.keys.as_slice()),
            &categories,
            index,
        );
        let perturb = |c: LikertCounts, t: &Tally| match &perturber {
            Some(p) => perturbed(c, t, p),
            None => c,
        };
        // Categories and no answer (rows) × groups (columns), protected with its margins; the
        // everyone row is the row totals.
        // The no-answer row is published as it is unless the study protects non-response.
        let mut exempt = vec![false; total.counts.len()];
        if let Some(last) = exempt.last_mut() {
            *last = !study.protects_missing(dataset.instrument.item(&name));
        }
        let (group_rows, total_row) = if tallies.is_empty() {
            let list: Vec<u64> = total.counts.clone();
            let hidden = protect_list_with(&list, study.min_cell, &exempt);
            (
                Vec::new(),
                perturb(publish(None, &total, &hidden, false, study.min_cell), &total),
            )
        } else {
            let table: Vec<Vec<u64>> = (0..total.counts.len())
                .map(|c| tallies.iter().map(|t| t.counts[c]).collect())
                .collect();
            let p = match groups.as_ref() {
                Some(g) => g.protect(&table, study.min_cell, &hidden_groups, &exempt),
                None => protect_table(&table, study.min_cell, &hidden_groups, &exempt),
            };
            let names = groups.as_ref().map(|g| g.names.clone()).unwrap_or_default();
            let rows: Vec<LikertCounts> = tallies
                .iter()
                .enumerate()
                .map(|(j, t)| {
                    let hidden: Vec<Option<Suppression>> =
                        p.cells.iter().map(|row| row[j]).collect();
                    perturb(
                        publish(
                            Some(names[j].clone()),
                            t,
                            &hidden,
                            p.cols[j].is_some(),
                            study.min_cell,
                        ),
                        t,
                    )
                })
                .collect();
            let mut total_row = perturb(
                publish(None, &total, &p.rows, p.total.is_some(), study.min_cell),
                &total,
            );
            // The whole sample's weighted shares mix the groups' counts with their weights: one
            // more equation per answer on every hidden cell of a group (with weights constant
            // within a group, Kish's n is the group's number of answers). Shown only when no
            // group hides anything.
            let groups_hide = rows
                .iter()
                .any(|r| r.size.is_none() || r.suppressed.iter().any(Option::is_some));
            if groups_hide {
                total_row.weighted = None;
            }
            (rows, total_row)
        };
        out.push(LikertItem {
            item: name.clone(),
            labels: labels_of(dataset, &name),
            scale: item.scale.clone(),
            reverse: item.reverse,
            total: total_row,
            groups: group_rows,
            categories,
        });
    }
    Ok(LikertResult {
        by: groups.as_ref().map(|g| g.by.clone()),
        groups: groups.as_ref().map(|g| g.names.clone()).unwrap_or_default(),
        group_labels: groups.map(|g| g.labels).unwrap_or_default(),
        items: out,
        perturbed: perturber.is_some(),
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
        let t = tally(&v, None, &cats);
        assert_eq!(t.counts, vec![1, 0, 0, 2, 1, 1]);
        let c = publish(None, &t, &[None; 6], false, 3);
        assert_eq!((c.size, c.n, c.missing), (Some(5), Some(4), Some(1)));
        assert_eq!(c.top2, Some(60.0), "3 of 5 respondents");
        assert_eq!(c.mean, Some(3.5));
        assert!((c.percent.iter().flatten().sum::<f64>() - 80.0).abs() < 1e-9);
        // statsmodels 0.15.0 proportion_confint(3, 5, method='wilson')
        //   → (0.2307242812760129, 0.8823792257673522)
        let [lo, hi] = c.top2_ci95.unwrap();
        assert!((lo - 23.07242812760129).abs() < 1e-9 && (hi - 88.23792257673522).abs() < 1e-9);
        assert!(c.weighted.is_none());
    }

    #[test]
    fn hidden_counts_take_what_would_reveal_them() {
        let cats = five_point();
        let t = Tally {
            counts: vec![2, 10, 20, 30, 8, 3],
            keys: vec![0; 6],
            score_sum: 0.0,
            weighted: None,
        };
        let p = Some(Suppression::Primary);
        let s = Some(Suppression::Secondary);
        // Category 1 and no answer hidden: their percentages, n and the mean go; the share
        // agreeing stays (it involves neither).
        let c = publish(None, &t, &[p, None, None, None, None, p], false, 5);
        assert_eq!(c.counts[0], None);
        assert_eq!(c.percent[0], None);
        assert_eq!((c.n, c.missing, c.mean), (None, None, None));
        assert!(c.top2.is_some() && c.size == Some(73));
        let _ = cats;
        // Category 5 hidden with category 1: the share agreeing would reveal category 5.
        let c = publish(None, &t, &[s, None, None, None, p, None], false, 5);
        assert_eq!(c.top2, None);
        // Hidden cells only among the top two: their sum is known anyway, the share stays.
        let c = publish(None, &t, &[None, None, None, s, p, None], false, 5);
        assert!(c.top2.is_some());
        // A hidden group size hides every percentage.
        let c = publish(None, &t, &[None; 6], true, 5);
        assert!(c.percent.iter().all(Option::is_none) && c.size.is_none() && c.n.is_none());
    }

    #[test]
    fn cell_key_counts_replace_the_hidden_ones_and_keep_the_mean_rule() {
        use crate::disclosure::cellkey::{record_key, PTable, Params};
        let cats = five_point();
        // 2 × "1", none of "2", 12 × "4", 3 no answers: keyed by row.
        let v: Vec<Option<f64>> = [vec![Some(1.0); 2], vec![Some(4.0); 12], vec![None; 3]].concat();
        let keys: Vec<u64> = (0..v.len())
            .map(|i| record_key(None, &format!("CL-{i}")))
            .collect();
        let values: Vec<f64> = v.iter().map(|x| x.unwrap_or(f64::NAN)).collect();
        let (t, _) = tallies(&values, None, Some(&keys), &cats, None);
        let p = Perturber {
            table: PTable::new(Params::default()).unwrap(),
            keys,
        };
        let hidden = protect_list_with(&t.counts, 5, &[false, false, false, false, false, true]);
        let c = perturbed(publish(None, &t, &hidden, false, 5), &t, &p);
        assert!(c.suppressed.iter().all(Option::is_none));
        let counts: Vec<usize> = c.counts.iter().map(|x| x.unwrap()).collect();
        assert_eq!((counts[1], counts[2], counts[4]), (0, 0, 0), "zeros stay zeros");
        assert!(counts[0] == 0 || counts[0] >= 3, "2 is never published: {counts:?}");
        assert!(counts[3].abs_diff(12) <= 2);
        // The size is the cell of all 17, the same whatever table it is in.
        assert_eq!(c.size, Some(p.rows(0..17) as usize));
        // The mean follows the suppression rule: a count of 2 is hidden there, so no mean.
        assert_eq!(c.mean, None);
        let pct = c.percent[3].unwrap();
        assert!((pct - 100.0 * counts[3] as f64 / c.size.unwrap() as f64).abs() < 1e-9);
    }

    #[test]
    fn weighted_shares() {
        // numpy.average([1, 5, 4, 4], weights=[1, 2, 1, 4]) → 3.875; top two: (2 + 1 + 4) / 8;
        // Kish (Σw)² / Σw² = 64 / 22
        let cats = five_point();
        let v = [Some(1.0), Some(5.0), Some(4.0), None, Some(4.0)];
        let w = [1.0, 2.0, 1.0, 9.0, 4.0];
        let t = tally(&v, Some(&w), &cats);
        let wc = t.weighted.clone().unwrap();
        assert!((wc.mean - 3.875).abs() < 1e-12);
        assert!((wc.top2.unwrap() - 87.5).abs() < 1e-12);
        assert!((wc.kish_ess - 64.0 / 22.0).abs() < 1e-12);
        assert_eq!(t.counts, vec![1, 0, 0, 2, 1, 1], "counts stay unweighted");
    }
}
