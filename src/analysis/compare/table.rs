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
