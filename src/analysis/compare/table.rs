//! `capakit stats compare`: two groups of a bare table compared on one variable, by the same
//! two-group test as the comparison of a study ([`super::TwoGroups`]).

use serde::Serialize;

use crate::analysis::table::{split, Dropped, Warnings, SMALL_GROUP};
use crate::error::{Error, Result};
use crate::ingest::RawTable;

use super::TwoGroups;
use crate::stats::{MannWhitney, Summary, Welch};

#[derive(Debug, Clone, Serialize)]
pub struct GroupSummary {
    pub name: String,
    #[serde(flatten)]
    pub summary: Summary,
}

#[derive(Debug, Clone, Serialize)]
pub struct CompareReport {
    pub method: &'static str,
    pub var: String,
    pub by: String,
    pub groups: Vec<GroupSummary>,
    pub mann_whitney: Option<MannWhitney>,
    pub welch: Option<Welch>,
    pub dropped: Vec<Dropped>,
    pub warnings: Warnings,
}

pub const COMPARE_METHOD: &str = "Mann–Whitney U, two-sided: normal approximation with tie and continuity corrections (scipy.stats.mannwhitneyu, method='asymptotic'), and the exact distribution of U when there are no ties and n1 + n2 ≤ 100 (method='exact'); U of the first group; rank-biserial correlation 2U/(n1·n2) − 1. Welch's t-test (scipy.stats.ttest_ind, equal_var=False) with Cohen's d (pooled SD) and Hedges' g (pingouin.compute_effsize). Means with t-based 95% CIs";

/// Two groups of `by` compared on `var`.
pub fn compare(
    table: &RawTable,
    var: &str,
    by: &str,
    groups: Option<&[String]>,
) -> Result<CompareReport> {
    if let Some(g) = groups {
        if g.len() == 2 && g[0].trim() == g[1].trim() {
            return Err(Error::Usage(format!(
                "--groups names '{}' twice: name two different groups",
                g[0].trim()
            )));
        }
        if g.len() != 2 {
            return Err(Error::Usage(format!(
                "--groups names {} group(s); a comparison needs exactly two, e.g. --groups Prato,Firenze",
                g.len()
            )));
        }
    }
    let s = split(table, var, Some(by), None, groups)?;
    if s.names.len() != 2 {
        return Err(Error::Usage(format!(
            "'{by}' has {} groups ({}); name the two to compare with --groups A,B",
            s.names.len(),
            s.names.join(", ")
        )));
    }
    for (name, v) in s.names.iter().zip(&s.values) {
        if v.is_empty() {
            return Err(Error::input(
                table.location(),
                format!("group '{name}' of '{by}' has no numeric value of '{var}'"),
            ));
        }
    }
    let TwoGroups {
        summaries,
        mann_whitney: mw,
        welch: w,
    } = TwoGroups::of(&s.values[0], &s.values[1]);
    let mut warnings = small_groups(&s.names, &s.values);
    if mw.is_none() {
        warnings.push("every value is the same: Mann–Whitney U is undefined".into());
    }
    if w.is_none() {
        warnings.push(
            "Welch's t-test needs two values per group and some variation: not computed".into(),
        );
    }
    Ok(CompareReport {
        method: COMPARE_METHOD,
        var: var.trim().to_string(),
        by: by.trim().to_string(),
        groups: s
            .names
            .into_iter()
            .zip(summaries)
            .map(|(name, summary)| GroupSummary { name, summary })
            .collect(),
        mann_whitney: mw,
        welch: w,
        dropped: s.dropped,
        warnings,
    })
}

fn small_groups(names: &[String], values: &[Vec<f64>]) -> Warnings {
    names
        .iter()
        .zip(values)
        .filter(|(_, v)| v.len() < SMALL_GROUP)
        .map(|(name, v)| {
            format!(
                "group '{name}' has {} values (fewer than {SMALL_GROUP}): normal approximations are rough; prefer exact p-values where given",
                v.len()
            )
        })
        .collect()
}

/// One group of a Kruskal–Wallis test, as `capakit stats kruskal` prints it.
#[derive(Debug, Clone, Serialize)]
pub struct RankedGroup {
    pub name: String,
    pub n: usize,
    pub mean_rank: f64,
    pub median: Option<f64>,
}

/// One pair of Dunn's test, named.
#[derive(Debug, Clone, Serialize)]
pub struct NamedPair {
    pub groups: [String; 2],
    pub z: f64,
    pub p: f64,
    pub p_adjusted: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct KruskalReport {
    pub method: &'static str,
    pub var: String,
    pub by: String,
    pub groups: Vec<RankedGroup>,
    pub h: f64,
    pub df: usize,
    pub p: f64,
    pub epsilon_squared: f64,
    pub dunn: Vec<NamedPair>,
    pub correction: crate::stats::Correction,
    pub dropped: Vec<Dropped>,
    pub warnings: Warnings,
}

pub const KRUSKAL_METHOD: &str = "Kruskal–Wallis H test, tie-corrected, against χ² with k − 1 degrees of freedom (scipy.stats.kruskal); effect size ε² = H / (N − 1) (Tomczak & Tomczak 2014); Dunn's pairwise z tests on the pooled mean ranks with the tie-corrected variance, two-sided (scikit-posthocs posthoc_dunn), p-values adjusted across the pairs by Holm's method";

/// Every group of `by` (at least two) compared on `var` at once.
pub fn kruskal(table: &RawTable, var: &str, by: &str) -> Result<KruskalReport> {
    let s = split(table, var, Some(by), None, None)?;
    let (names, values): (Vec<String>, Vec<Vec<f64>>) = s
        .names
        .into_iter()
        .zip(s.values)
        .filter(|(_, v)| !v.is_empty())
        .unzip();
    if names.len() < 2 {
        return Err(Error::input(
            table.location(),
            format!(
                "'{by}' has {} group(s) with a numeric value of '{var}': Kruskal–Wallis needs at least two",
                names.len()
            ),
        ));
    }
    let slices: Vec<&[f64]> = values.iter().map(Vec::as_slice).collect();
    let k = crate::stats::kruskal(&slices, crate::stats::Correction::Holm).ok_or_else(|| {
        Error::input(
            table.location(),
            format!("every value of '{var}' is the same: there is nothing to rank"),
        )
    })?;
    let mut warnings = Vec::new();
    if values.iter().any(|v| v.len() < 5) {
        warnings.push(
            "a group has fewer than 5 values: the χ² approximation of H, and Dunn's normal approximation, are rough".into(),
        );
    }
    Ok(KruskalReport {
        method: KRUSKAL_METHOD,
        var: var.trim().to_string(),
        by: by.trim().to_string(),
        groups: names
            .iter()
            .zip(&values)
            .zip(&k.mean_ranks)
            .map(|((name, v), r)| RankedGroup {
                name: name.clone(),
                n: v.len(),
                mean_rank: *r,
                median: crate::stats::median(v),
            })
            .collect(),
        h: k.h,
        df: k.df,
        p: k.p,
        epsilon_squared: k.epsilon_squared,
        dunn: k
            .dunn
            .iter()
            .map(|d| NamedPair {
                groups: [names[d.groups[0]].clone(), names[d.groups[1]].clone()],
                z: d.z,
                p: d.p,
                p_adjusted: d.p_adjusted,
            })
            .collect(),
        correction: k.correction,
        dropped: s.dropped,
        warnings,
    })
}
