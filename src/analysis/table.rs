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

use crate::check::{find_column, numbers, texts};
use crate::error::{Error, Result};
use crate::ingest::RawTable;
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
        None => groups
            .iter()
            .flatten()
            .cloned()
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect(),
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

#[derive(Debug, Clone, Serialize)]
pub struct PairedReport {
    pub method: &'static str,
    pub var: String,
    pub pre: String,
    pub post: String,
    pub n_pairs: usize,
    /// Mean of post − pre over the pairs.
    pub mean_change: Option<f64>,
    pub wilcoxon: Option<Wilcoxon>,
    /// Only when every value is 0 or 1.
    pub mcnemar: Option<McNemar>,
    pub dropped: Vec<Dropped>,
    pub warnings: Warnings,
}

pub const PAIRED_METHOD: &str = "Wilcoxon signed-rank test on post − pre, zero differences dropped, two-sided, normal approximation with tie correction and no continuity correction (scipy.stats.wilcoxon, zero_method='wilcox', correction=False, method='approx'), exact when there are no ties or zeros and n ≤ 100 (method='exact'); for a 0/1 variable McNemar's test: χ² with continuity correction and the exact binomial p-value (statsmodels mcnemar)";

/// Before/after on the same people: `var` at wave `pre` and at wave `post`, matched by `id`.
pub fn paired(
    table: &RawTable,
    var: &str,
    id: &str,
    wave: &str,
    pre: &str,
    post: &str,
) -> Result<PairedReport> {
    let jv = find_column(table, var)?;
    let values = numbers(table, jv)?;
    let ji = find_column(table, id)?;
    let ids = texts(table, ji);
    let waves = texts(table, find_column(table, wave)?);
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
    if w.is_none() {
        warnings.push("no pair changed: the signed-rank test is undefined".into());
    } else if before.len() < SMALL_GROUP {
        warnings.push(format!(
            "only {} pairs: the normal approximation is rough; read the exact p-value where given",
            before.len()
        ));
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
    Ok(PairedReport {
        method: PAIRED_METHOD,
        var: var.trim().to_string(),
        pre: pre.to_string(),
        post: post.to_string(),
        n_pairs: n,
        mean_change: (n > 0)
            .then(|| after.iter().zip(&before).map(|(a, b)| a - b).sum::<f64>() / n as f64),
        wilcoxon: w,
        mcnemar: m,
        dropped: [
            dropped(format!("a wave other than '{pre}' or '{post}'"), other_wave),
            dropped(format!("no value of '{id}'"), no_id),
            dropped("a person seen in one wave only", unmatched),
            dropped(format!("a pair with '{var}' missing in a wave"), missing),
        ]
        .into_iter()
        .flatten()
        .collect(),
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
