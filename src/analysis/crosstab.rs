//! Profiles of the groups compared (care setting, housing, activity … by territory): for every
//! single-choice question a cross-table of answers × groups with the share of each answer within
//! its group (Wilson 95% interval), Pearson's χ² test of independence with Cramér's V, Fisher's
//! exact test for 2×2 tables, and the χ² p-values adjusted across the family.

use serde::Serialize;
use toml::Spanned;

use crate::check::Dataset;
use crate::error::Result;
use crate::instrument::{ItemKind, Labels};
use crate::stats::{adjust, independence, wilson95, Correction, Independence};
use crate::study::Study;

use super::{labels_of, Groups, SpecSet};

/// One answer category in one group.
#[derive(Debug, Clone, Serialize)]
pub struct Cell {
    pub count: u64,
    /// Percent of the group's answers.
    pub percent: f64,
    /// Wilson 95% interval of `percent`.
    pub ci95: [f64; 2],
}

/// One question crossed with the groups.
#[derive(Debug, Clone, Serialize)]
pub struct Table {
    pub variable: String,
    pub labels: Labels,
    /// Answer categories (rows), in the choice list's order; only those given.
    pub categories: Vec<String>,
    pub category_labels: Vec<Labels>,
    /// `cells[i][j]`: category i in group j.
    pub cells: Vec<Vec<Cell>>,
    /// Answers per group.
    pub n: Vec<u64>,
    /// Respondents in a group who did not answer.
    pub missing: u64,
    /// Tests of independence; null when there is a single category or group.
    pub tests: Option<Independence>,
    /// The χ² p-value adjusted across the questions of this analysis.
    pub p_adjusted: Option<f64>,
    /// More than a fifth of cells expect fewer than 5, or one expects fewer than 1.
    pub chi2_doubtful: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct CrosstabResult {
    pub by: Option<String>,
    pub groups: Vec<String>,
    pub group_labels: Vec<Labels>,
    pub method: &'static str,
    pub correction: Correction,
    pub not_run: Option<String>,
    pub tables: Vec<Table>,
}

/// How the tables are computed, stated in every result.
pub const METHOD: &str = "answers of each group as counts and percent of the group's answers, with Wilson 95% intervals (statsmodels proportion_confint, method='wilson'); Pearson's χ² test of independence (scipy.stats.chi2_contingency, correction=False) with Cramér's V; for 2×2 tables also Yates' correction and Fisher's exact test (scipy.stats.fisher_exact)";

/// The single-choice questions named, or all that are not Likert items, the territory or the id.
fn select(
    set: &SpecSet,
    dataset: &Dataset,
    names: Option<&[Spanned<String>]>,
    by: &str,
) -> Result<Vec<String>> {
    let ins = &dataset.instrument;
    let categorical = |name: &str| {
        ins.item(name).is_some_and(|i| {
            i.kind == ItemKind::SelectOne && !ins.list_of(i).is_some_and(|l| l.is_numeric())
        }) && dataset.has(name)
    };
    match names {
        Some(names) => names
            .iter()
            .map(|n| {
                if categorical(n.get_ref()) {
                    Ok(n.get_ref().clone())
                } else {
                    Err(set.error_at(
                        n,
                        format!(
                            "'{}' is not a single-choice (select_one) question with named answers present in the data",
                            n.get_ref()
                        ),
                    ))
                }
            })
            .collect(),
        None => Ok(ins
            .items
            .iter()
            .map(|i| i.name.as_str())
            .filter(|n| {
                categorical(n)
                    && *n != by
                    && Some(*n) != dataset.territory_column.as_deref()
                    && Some(*n) != dataset.id_column.as_deref()
            })
            .map(str::to_string)
            .collect()),
    }
}

pub(super) fn run(
    set: &SpecSet,
    study: &Study,
    dataset: &Dataset,
    variables: Option<&[Spanned<String>]>,
    by: Option<&Spanned<String>>,
    correction: Correction,
) -> Result<CrosstabResult> {
    let groups = Groups::for_spec(set, study, dataset, by)?;
    let mut result = CrosstabResult {
        by: groups.as_ref().map(|g| g.by.clone()),
        groups: Vec::new(),
        group_labels: Vec::new(),
        method: METHOD,
        correction,
        not_run: None,
        tables: Vec::new(),
    };
    let Some(groups) = groups else {
        result.not_run = Some(super::NO_GROUPS.into());
        return Ok(result);
    };
    result.groups = groups.names.clone();
    result.group_labels = groups.labels.clone();
    for name in select(set, dataset, variables, &groups.by)? {
        let Some(rows) = Groups::of(study, dataset, Some(&name)) else {
            continue;
        };
        let (r, c) = (rows.names.len(), groups.names.len());
        let mut counts = vec![vec![0u64; c]; r];
        let mut missing = 0;
        for (ri, gi) in rows.index.iter().zip(&groups.index) {
            match (ri, gi) {
                (Some(i), Some(j)) => counts[*i][*j] += 1,
                (None, Some(_)) => missing += 1,
                _ => {}
            }
        }
        let n: Vec<u64> = (0..c)
            .map(|j| counts.iter().map(|row| row[j]).sum())
            .collect();
        let cells = counts
            .iter()
            .map(|row| {
                row.iter()
                    .zip(&n)
                    .map(|(&k, &nj)| {
                        let ci = wilson95(k as f64, nj as f64).unwrap_or([0.0, 0.0]);
                        Cell {
                            count: k,
                            percent: if nj > 0 {
                                100.0 * k as f64 / nj as f64
                            } else {
                                0.0
                            },
                            ci95: [100.0 * ci[0], 100.0 * ci[1]],
                        }
                    })
                    .collect()
            })
            .collect();
        // Groups with no answer to this question are left out of the test.
        let tested: Vec<Vec<f64>> = counts
            .iter()
            .map(|row| {
                row.iter()
                    .zip(&n)
                    .filter(|(_, nj)| **nj > 0)
                    .map(|(&k, _)| k as f64)
                    .collect()
            })
            .collect();
        let tests = independence(&tested);
        let cells_total = tested.len() * tested.first().map_or(0, Vec::len);
        result.tables.push(Table {
            labels: labels_of(dataset, &name),
            variable: name,
            categories: rows.names,
            category_labels: rows.labels,
            cells,
            n,
            missing,
            chi2_doubtful: tests.as_ref().is_some_and(|t| {
                t.cells_expected_below_5 * 5 > cells_total || t.min_expected < 1.0
            }),
            p_adjusted: None,
            tests,
        });
    }
    let tested: Vec<usize> = (0..result.tables.len())
        .filter(|&k| result.tables[k].tests.is_some())
        .collect();
    let p: Vec<f64> = tested
        .iter()
        .filter_map(|&k| result.tables[k].tests.as_ref().map(|t| t.chi2.p))
        .collect();
    for (k, a) in tested.into_iter().zip(adjust(&p, correction)) {
        result.tables[k].p_adjusted = Some(a);
    }
    Ok(result)
}
