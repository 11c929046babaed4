//! One analysis on one table, without a questionnaire: what `capakit stats` computes. Each
//! function finds its columns by header, types them, drops what cannot be used (and says how many
//! rows and why), runs a method of [`crate::stats`] and returns a result that serialises to the
//! JSON `capakit stats --json` prints. Unusable arguments are errors naming the place.
//!
//! A verb whose analysis is a kind of study lives in that kind's folder, beside the study form it
//! shares its computation with (`compare/table.rs`, `crosstab/table.rs`, `scales/table.rs` for
//! alpha, `codes/table.rs` for agreement, `capability/table.rs`). This module holds what they share
//! (the rows dropped, a variable split by a group column) and the verbs no study kind computes yet:
//! weighted means, paired before/after tests and p-value adjustment.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::check::scores::scores_of;
use crate::check::{find_column, numbers, texts};
use crate::error::{Error, Result};
use crate::ingest::RawTable;
use crate::instrument::{Instrument, Item, Scale};
use crate::stats::paired::{paired_t, PairedT};
use crate::stats::{
    adjust, mcnemar, weighted_mean, wilcoxon, Correction, McNemar, Weighted, Wilcoxon,
};

/// Rows left out of an analysis, and why.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Dropped {
    pub reason: String,
    pub rows: usize,
}

pub(crate) fn dropped(reason: impl Into<String>, rows: usize) -> Option<Dropped> {
    (rows > 0).then(|| Dropped {
        reason: reason.into(),
        rows,
    })
}

/// Where a weak assumption puts a number in doubt, in words.
pub type Warnings = Vec<String>;

/// Below this many values per group, large-sample approximations are flagged.
pub use super::compare::SMALL_GROUP;

// ---------------------------------------------------------------------------------------------
// a variable split by a group column

/// The values of `var` split by the text of `by`, groups in the order `wanted` gives or sorted.
pub(crate) struct Split {
    pub names: Vec<String>,
    pub values: Vec<Vec<f64>>,
    pub weights: Vec<Vec<f64>>,
    pub dropped: Vec<Dropped>,
}

pub(crate) fn split(
    table: &RawTable,
    var: &str,
    by: Option<&str>,
    weight: Option<&str>,
    wanted: Option<&[String]>,
) -> Result<Split> {
    let jv = find_column(table, var)?;
    let values = numbers(table, jv)?;
    let groups = match by {
        Some(b) => texts(table, find_column(table, b)?),
        None => vec![Some(String::new()); table.height()],
    };
    let weights = match weight {
        Some(w) => {
            let jw = find_column(table, w)?;
            let ws = numbers(table, jw)?;
            if let Some(i) = ws.iter().position(|x| x.is_some_and(|x| x < 0.0)) {
                return Err(Error::input(
                    table.cell_location(i, jw),
                    "a design weight cannot be negative",
                ));
            }
            ws
        }
        None => vec![Some(1.0); table.height()],
    };
    let names: Vec<String> = match wanted {
        Some(w) => w.iter().map(|s| s.trim().to_string()).collect(),
        None => {
            let mut names: Vec<String> = groups
                .iter()
                .flatten()
                .cloned()
                .collect::<BTreeSet<_>>()
                .into_iter()
                .collect();
            crate::text::sort_labels(&mut names);
            names
        }
    };
    let index: BTreeMap<&str, usize> = names
        .iter()
        .enumerate()
        .map(|(k, n)| (n.as_str(), k))
        .collect();
    let mut out = Split {
        values: vec![Vec::new(); names.len()],
        weights: vec![Vec::new(); names.len()],
        names: names.clone(),
        dropped: Vec::new(),
    };
    let (mut no_value, mut no_group, mut other, mut no_weight) = (0, 0, 0, 0);
    for i in 0..table.height() {
        let Some(g) = &groups[i] else {
            no_group += 1;
            continue;
        };
        let Some(&k) = index.get(g.as_str()) else {
            other += 1;
            continue;
        };
        let Some(v) = values[i] else {
            no_value += 1;
            continue;
        };
        let Some(w) = weights[i] else {
            no_weight += 1;
            continue;
        };
        out.values[k].push(v);
        out.weights[k].push(w);
    }
    out.dropped = [
        dropped(format!("no value of '{var}'"), no_value),
        dropped(format!("no value of '{}'", by.unwrap_or("")), no_group),
        dropped("in a group not compared", other),
        dropped(
            format!("no weight in '{}'", weight.unwrap_or("")),
            no_weight,
        ),
    ]
    .into_iter()
    .flatten()
    .collect();
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// weighted

#[derive(Debug, Clone, Serialize)]
pub struct WeightedGroup {
    pub name: String,
    #[serde(flatten)]
    pub weighted: Weighted,
}

#[derive(Debug, Clone, Serialize)]
pub struct WeightedReport {
    pub method: &'static str,
    pub var: String,
    pub weight: String,
    #[serde(flatten)]
    pub overall: Weighted,
    pub groups: Option<Vec<WeightedGroup>>,
    pub dropped: Vec<Dropped>,
    pub warnings: Warnings,
}

pub const WEIGHTED_METHOD: &str = "weighted mean Σw·x / Σw (for a 0/1 variable, the weighted proportion), as numpy.average; Kish's effective sample size (Σw)² / Σw²";

/// The weighted mean of `var`, overall and by `by`.
pub fn weighted(
    table: &RawTable,
    var: &str,
    weight: &str,
    by: Option<&str>,
) -> Result<WeightedReport> {
    let s = split(table, var, by, Some(weight), None)?;
    let all_v: Vec<f64> = s.values.concat();
    let all_w: Vec<f64> = s.weights.concat();
    let overall = weighted_mean(&all_v, &all_w).ok_or_else(|| {
        Error::input(
            table.location(),
            format!("the weights in '{weight}' of rows with a value add up to zero"),
        )
    })?;
    let mut warnings = Vec::new();
    let groups = by.map(|_| {
        s.names
            .iter()
            .zip(s.values.iter().zip(&s.weights))
            .filter_map(|(name, (v, w))| {
                let r = weighted_mean(v, w);
                if r.is_none() {
                    warnings.push(format!("group '{name}': weights add up to zero"));
                }
                Some(WeightedGroup {
                    name: name.clone(),
                    weighted: r?,
                })
            })
            .collect()
    });
    if overall.kish_ess < overall.n as f64 / 2.0 {
        warnings.push(format!(
            "the weights halve the effective sample size ({:.1} of {}): estimates are much less precise than n suggests",
            overall.kish_ess, overall.n
        ));
    }
    Ok(WeightedReport {
        method: WEIGHTED_METHOD,
        var: var.trim().to_string(),
        weight: weight.trim().to_string(),
        overall,
        groups,
        dropped: s.dropped,
        warnings,
    })
}

// ---------------------------------------------------------------------------------------------
// paired

/// The column named `name`: its full header (any case), or the question's short name — the last
/// `/` segment of a KoboToolbox group path (`capacita/edu_1` for `edu_1`) — when only one column
/// has it. Several columns with that short name are an error naming them.
pub(crate) fn find_column_short(table: &RawTable, name: &str) -> Result<usize> {
    let wanted = name.trim();
    let not_found = match find_column(table, wanted) {
        Ok(j) => return Ok(j),
        Err(e) => e,
    };
    let key = wanted.to_lowercase();
    let matches: Vec<usize> = (0..table.headers.len())
        .filter(|&j| {
            let h = &table.headers[j];
            h.contains('/') && h.rsplit('/').next().unwrap_or("").trim().to_lowercase() == key
        })
        .collect();
    match matches.as_slice() {
        [] => Err(not_found),
        [j] => Ok(*j),
        many => Err(Error::input(
            table.location().row(table.header_row),
            format!(
                "'{wanted}' is the short name of {} columns ({}): give the full name",
                many.len(),
                many.iter()
                    .map(|&j| table.headers[j].as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        )),
    }
}

/// The scale a paired variable was scored as, from the questionnaire's `scales` definition.
#[derive(Debug, Clone, Serialize)]
pub struct ScaleUsed {
    pub name: String,
    /// The columns of its items found in the table, in the questionnaire's order.
    pub items: Vec<String>,
    /// Those scored in reverse (lowest + highest − answer).
    pub reverse: Vec<String>,
    /// Its items with no column in the table.
    pub missing: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PairedReport {
    pub method: &'static str,
    pub var: String,
    /// The header `var` was found as (its full Kobo path when given by its short name); null
    /// for a scale score.
    pub column: Option<String>,
    /// With `--instrument`, when `var` is a scale: its items, scored as the study scores them.
    pub scale: Option<ScaleUsed>,
    pub pre: String,
    pub post: String,
    pub n_pairs: usize,
    /// Mean of post − pre over the pairs.
    pub mean_change: Option<f64>,
    pub wilcoxon: Option<Wilcoxon>,
    /// Paired t-test with Cohen's d_z; null with fewer than two pairs or no spread in the change.
    pub paired_t: Option<PairedT>,
    /// Only when every value is 0 or 1.
    pub mcnemar: Option<McNemar>,
    pub dropped: Vec<Dropped>,
    pub warnings: Warnings,
}

pub const PAIRED_METHOD: &str = "Wilcoxon signed-rank test on post − pre (differences rounded to 9 decimals), zero differences dropped, two-sided: normal approximation with tie correction and no continuity correction (scipy.stats.wilcoxon, zero_method='wilcox', correction=False, method='asymptotic'), and the p-value of scipy's default method='auto' where it is not that approximation (p_exact: the exact distribution without ties or zeros up to 50 pairs, the exhaustive sign-flip permutation distribution with ties or zeros up to 13 pairs); matched-pairs rank-biserial correlation (R+ − R−)/(R+ + R−), positive when post > pre (pingouin.wilcoxon(post, pre) RBC), 95% CI tanh(atanh(r) ± 1.96·SE) with the SE of the signed-rank statistic (R effectsize::rank_biserial); paired t-test (scipy.stats.ttest_rel) with the 95% CI of the mean change, Cohen's d_z = mean change / SD of the changes with its 95% CI by noncentral-t inversion (R effectsize::cohens_d(paired = TRUE)); for a 0/1 variable McNemar's test: χ² with continuity correction and the exact binomial p-value (statsmodels mcnemar). A scale is scored per person as the study scores it: the mean of its answered items, reverse-keyed items turned round, when at least half are answered";

/// Per row, the score of `scale`: the mean of its answered items (reverse-keyed ones as lowest +
/// highest − answer) when at least half of the items found are answered, as a study scores it
/// (`crate::check::scores`). Answers are choice names or labels of the item's list, or numbers.
fn scale_scores_of(
    table: &RawTable,
    ins: &Instrument,
    scale: &Scale,
) -> Result<(Vec<Option<f64>>, ScaleUsed)> {
    let mut used = ScaleUsed {
        name: scale.name.clone(),
        items: Vec::new(),
        reverse: Vec::new(),
        missing: Vec::new(),
    };
    let mut cols: Vec<Vec<Option<f64>>> = Vec::new();
    for name in &scale.items {
        let Some(item) = ins.item(name) else { continue };
        let Ok(j) = find_column_short(table, name) else {
            used.missing.push(name.clone());
            continue;
        };
        let values = item_scores(table, ins, item, j)?;
        let bounds = ins
            .list_of(item)
            .and_then(|l| l.score_range())
            .or_else(|| Some((item.min?.value, item.max?.value)));
        let values = match (item.reverse, bounds) {
            (true, Some((lo, hi))) => {
                used.reverse.push(table.headers[j].clone());
                values.into_iter().map(|v| v.map(|x| lo + hi - x)).collect()
            }
            _ => values,
        };
        used.items.push(table.headers[j].clone());
        cols.push(values);
    }
    if cols.is_empty() {
        return Err(Error::input(
            table.location().row(table.header_row),
            format!(
                "no column of the scale '{}' (items {}) in the header",
                scale.name,
                scale.items.join(", ")
            ),
        ));
    }
    Ok((scores_of(&cols, table.height()), used))
}

/// An item's answers as numbers: a choice (by name or label) scores as its list scores it, a
/// number as itself; anything else is an error at its cell.
fn item_scores(
    table: &RawTable,
    ins: &Instrument,
    item: &Item,
    j: usize,
) -> Result<Vec<Option<f64>>> {
    let Some(list) = ins.list_of(item) else {
        return numbers(table, j);
    };
    texts(table, j)
        .into_iter()
        .enumerate()
        .map(|(i, v)| {
            let Some(v) = v else { return Ok(None) };
            list.resolve(&v)
                .and_then(|c| list.score(&c.name))
                .map(Some)
                .ok_or_else(|| {
                    Error::input(
                        table.cell_location(i, j),
                        format!(
                            "\"{v}\" is not a choice of '{}' (list '{}')",
                            item.name, list.name
                        ),
                    )
                })
        })
        .collect()
}

/// Before/after on the same people: `var` at wave `pre` and at wave `post`, matched by `id`.
/// Columns may be named by their short Kobo name. With a questionnaire, `var` may name one of
/// its scales (scored per row) or a question whose answers are choices (scored as its list
/// scores them).
pub fn paired(
    table: &RawTable,
    var: &str,
    id: &str,
    wave: &str,
    pre: &str,
    post: &str,
    instrument: Option<&Instrument>,
) -> Result<PairedReport> {
    let scale = instrument.and_then(|ins| Some((ins, ins.scale(var.trim())?)));
    let (values, column, scale) = match scale {
        Some((ins, s)) => {
            let (values, used) = scale_scores_of(table, ins, s)?;
            (values, None, Some(used))
        }
        None => {
            let jv = find_column_short(table, var)?;
            let item = instrument.and_then(|ins| {
                let short = table.headers[jv].rsplit('/').next().unwrap_or("").trim();
                Some((ins, ins.item(short)?))
            });
            let values = match item {
                Some((ins, item)) => item_scores(table, ins, item, jv)?,
                None => numbers(table, jv)?,
            };
            (values, Some(table.headers[jv].clone()), None)
        }
    };
    let ji = find_column_short(table, id)?;
    let ids = texts(table, ji);
    let waves = texts(table, find_column_short(table, wave)?);
    let (pre, post) = (pre.trim(), post.trim());
    if pre == post {
        return Err(Error::Usage(format!(
            "--pre and --post are both '{pre}': name two different waves"
        )));
    }
    let mut at: [BTreeMap<String, (usize, Option<f64>)>; 2] = Default::default();
    let (mut no_id, mut other_wave) = (0, 0);
    for i in 0..table.height() {
        let slot = match waves[i].as_deref() {
            Some(w) if w == pre => 0,
            Some(w) if w == post => 1,
            _ => {
                other_wave += 1;
                continue;
            }
        };
        let Some(person) = &ids[i] else {
            no_id += 1;
            continue;
        };
        if let Some((first, _)) = at[slot].insert(person.clone(), (i, values[i])) {
            return Err(Error::input(
                table.cell_location(i, ji),
                format!(
                    "'{person}' appears twice in wave '{}' (also row {}): pairs must be one row per person and wave",
                    [pre, post][slot],
                    table.row_numbers[first]
                ),
            ));
        }
    }
    if at[0].is_empty() || at[1].is_empty() {
        return Err(Error::input(
            table.location(),
            format!(
                "no rows in wave '{}' of '{wave}'",
                if at[0].is_empty() { pre } else { post }
            ),
        ));
    }
    let (mut before, mut after) = (Vec::new(), Vec::new());
    let (mut unmatched, mut missing) = (0, 0);
    for (person, (_, b)) in &at[0] {
        match (b, at[1].get(person)) {
            (Some(b), Some((_, Some(a)))) => {
                before.push(*b);
                after.push(*a);
            }
            (_, None) => unmatched += 1,
            _ => missing += 1,
        }
    }
    unmatched += at[1].keys().filter(|k| !at[0].contains_key(*k)).count();
    let w = wilcoxon(&before, &after);
    let t = paired_t(&before, &after);
    let binary = !before.is_empty() && before.iter().chain(&after).all(|&x| x == 0.0 || x == 1.0);
    let m = if binary {
        let b = before
            .iter()
            .zip(&after)
            .filter(|(x, y)| **x == 1.0 && **y == 0.0)
            .count();
        let c = before
            .iter()
            .zip(&after)
            .filter(|(x, y)| **x == 0.0 && **y == 1.0)
            .count();
        mcnemar(b as u64, c as u64)
    } else {
        None
    };
    let mut warnings = Vec::new();
    if let Some(s) = &scale {
        if !s.missing.is_empty() {
            warnings.push(format!(
                "scale '{}': no column for item(s) {}; scored on the {} found",
                s.name,
                s.missing.join(", "),
                s.items.len()
            ));
        }
    }
    if w.is_none() {
        warnings.push("no pair changed: the signed-rank test is undefined".into());
    } else if before.len() < SMALL_GROUP && w.as_ref().is_some_and(|w| w.p_exact.is_none()) {
        warnings.push(format!(
            "only {} pairs: the normal approximation is rough",
            before.len()
        ));
    }
    if w.is_some() && t.is_none() {
        warnings.push("every pair changed by the same amount: the t-test is undefined".into());
    }
    if let Some(m) = &m {
        if m.b + m.c < 25 {
            warnings.push(format!(
                "only {} discordant pairs: read McNemar's exact p-value",
                m.b + m.c
            ));
        }
    }
    let n = before.len();
    let var_name = var.trim().to_string();
    Ok(PairedReport {
        method: PAIRED_METHOD,
        column,
        scale,
        pre: pre.to_string(),
        post: post.to_string(),
        n_pairs: n,
        mean_change: (n > 0)
            .then(|| after.iter().zip(&before).map(|(a, b)| a - b).sum::<f64>() / n as f64),
        wilcoxon: w,
        paired_t: t,
        mcnemar: m,
        dropped: [
            dropped(format!("a wave other than '{pre}' or '{post}'"), other_wave),
            dropped(format!("no value of '{id}'"), no_id),
            dropped("a person seen in one wave only", unmatched),
            dropped(
                format!("a pair with '{var_name}' missing in a wave"),
                missing,
            ),
        ]
        .into_iter()
        .flatten()
        .collect(),
        var: var_name,
        warnings,
    })
}

// ---------------------------------------------------------------------------------------------
// adjust

#[derive(Debug, Clone, Serialize)]
pub struct AdjustReport {
    pub method: Correction,
    pub p: Vec<f64>,
    pub adjusted: Vec<f64>,
}

/// Adjusted p-values of a family.
pub fn adjust_p(p: &[f64], method: Correction) -> Result<AdjustReport> {
    if let Some(bad) = p.iter().find(|x| !(0.0..=1.0).contains(*x)) {
        return Err(Error::Usage(format!(
            "--p: {bad} is not a p-value (between 0 and 1)"
        )));
    }
    Ok(AdjustReport {
        method,
        p: p.to_vec(),
        adjusted: adjust(p, method),
    })
}
