//! Profiles of the groups compared (care setting, housing, activity … by territory): for every
//! single-choice question a cross-table of answers (and "no answer") × groups with the share of
//! each answer among the group's respondents (Wilson 95% interval), Pearson's χ² test of
//! independence with Cramér's V, Fisher's exact test for 2×2 tables, and the χ² p-values adjusted
//! across the family.
//!
//! Published as protected: counts below the study's minimum cell size are hidden with the cells
//! that would give them away (see [`crate::disclosure`]), percentages follow their counts, group
//! sizes hidden in the "who answered" table stay hidden, and a test is not shown for a table with
//! hidden cells (its statistic and the margins would let a reader recompute them).

pub mod publish;
pub mod table;
pub use publish::Params;

use serde::Serialize;
use toml::Spanned;

use crate::check::Dataset;
use crate::disclosure::Suppression;
use crate::error::Result;
use crate::instrument::{ItemKind, Labels};
use crate::stats::{adjust, independence, wilson95, Correction, Independence};
use crate::study::Study;

use super::cellkey::{self, Perturber};
use super::{labels_of, Groups, SpecSet};
use crate::disclosure::cellkey::cell_key;

/// One answer category in one group, as published (null values are hidden).
#[derive(Debug, Clone, Serialize)]
pub struct Cell {
    pub count: Option<u64>,
    /// Percent of the group's respondents.
    pub percent: Option<f64>,
    /// Wilson 95% interval of `percent`.
    pub ci95: Option<[f64; 2]>,
    pub suppressed: Option<Suppression>,
}

impl Cell {
    fn of(count: u64, of: u64, hidden: Option<Suppression>) -> Cell {
        let shown = hidden.is_none() && of > 0;
        Cell {
            count: hidden.is_none().then_some(count),
            percent: shown.then(|| 100.0 * count as f64 / of as f64),
            ci95: if shown {
                wilson95(count as f64, of as f64).map(|[lo, hi]| [100.0 * lo, 100.0 * hi])
            } else {
                None
            },
            suppressed: hidden,
        }
    }
}

impl Cell {
    /// A count perturbed by the cell-key method, of a perturbed group size.
    fn perturbed(count: u64, of: u64) -> Cell {
        Cell {
            count: Some(count),
            percent: cellkey::percent(count, of),
            ci95: cellkey::ci95(count, of),
            suppressed: None,
        }
    }
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
    /// Respondents of each group who were asked and did not answer (null row when everyone
    /// asked answered).
    pub no_answer: Option<Vec<Cell>>,
    /// Respondents of each group the questionnaire did not ask (its `relevant` false for them;
    /// null row when it asked everyone, or its condition is not one capakit reads).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub not_asked: Option<Vec<Cell>>,
    /// Respondents per group (the percentages' base); null where hidden.
    pub n: Vec<Option<u64>>,
    /// Tests of independence on the answers given; null when there is a single category or
    /// group, or when they are withheld.
    pub tests: Option<Independence>,
    /// Why the tests are not shown.
    pub withheld: Option<&'static str>,
    /// The χ² p-value adjusted across the questions of this analysis.
    pub p_adjusted: Option<f64>,
    /// More than a fifth of cells expect fewer than 5, or one expects fewer than 1.
    pub chi2_doubtful: bool,
    /// Haberman's adjusted residual of each answer in each group (`residuals[i][j]`, as
    /// `cells`), published with the test: null for a group that gave no answer, and no
    /// residuals at all where the test is not shown or the counts are perturbed (see
    /// [`published_residuals`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub residuals: Option<Vec<Vec<Option<f64>>>>,
}

/// Beyond this, an adjusted residual marks a cell with more (or fewer) answers than expected if
/// the answers did not depend on the group (two-sided 5% under the normal approximation).
pub const RESIDUAL_MARK: f64 = 1.96;

/// The adjusted residuals of the cells as published, from the test's (whose columns are only
/// the groups that gave an answer: `answered[j] > 0`).
///
/// Disclosure: a residual is a function of the cell's count, its answer's total across the
/// groups, its group's total and the table's total. It is published only with the test, that is
/// where no count of the table is hidden (a table with a hidden cell has its test withheld), so
/// every count it rests on is published beside it and it gives back nothing new. Beside hidden
/// cells it would not be safe: the cell's count and its group's size are shown, but its answer's
/// total across the groups is not, and the residual would give that total back, and with it the
/// sum of the row's hidden cells; so a table with a hidden cell gets no residual at all, and a
/// hidden cell never one. With the cell-key method the counts are published perturbed while the
/// test rests on the true ones: residuals of every cell would let a reader search the few true
/// tables near the published one for the single one that gives them, so none is published.
fn published_residuals(
    tests: Option<&mut Independence>,
    answered: &[u64],
    perturbed: bool,
) -> Option<Vec<Vec<Option<f64>>>> {
    let t = tests?;
    if perturbed {
        t.adjusted_residuals.clear();
        return None;
    }
    let columns: Vec<usize> = (0..answered.len()).filter(|&j| answered[j] > 0).collect();
    Some(
        t.adjusted_residuals
            .iter()
            .map(|row| {
                let mut out = vec![None; answered.len()];
                for (&j, r) in columns.iter().zip(row) {
                    out[j] = r.is_finite().then_some(*r);
                }
                out
            })
            .collect(),
    )
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
                    && Some(*n) != dataset.wave_column.as_deref()
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
    let min_cell = study.min_cell;
    // Group sizes hidden in the list of respondents per group stay hidden in every table.
    let hidden_groups = groups.hidden_sizes(dataset.height(), min_cell);
    let perturber = Perturber::of(study, dataset)?;
    for name in select(set, dataset, variables, &groups.by)? {
        let Some(rows) = Groups::of(study, dataset, Some(&name)) else {
            continue;
        };
        let (r, c) = (rows.names.len(), groups.names.len());
        // Who the questionnaire asked (its `relevant`): a missing answer of someone not asked
        // is "not asked", not "no answer".
        let asked = dataset
            .instrument
            .item(&name)
            .and_then(|item| crate::instrument::relevant::asked_rows(dataset, item));
        // Answers × groups, "no answer" then "not asked" as the last rows; with the cell-key
        // method also each cell's key (the sum of its record keys modulo 2⁶⁴).
        let mut counts = vec![vec![0u64; c]; r + 2];
        let mut keys = vec![vec![0u64; c]; r + 2];
        for (i, (ri, gi)) in rows.index.iter().zip(&groups.index).enumerate() {
            if let Some(j) = gi {
                let row = match ri {
                    Some(ri) => *ri,
                    None if asked.as_ref().is_some_and(|a| !a[i]) => r + 1,
                    None => r,
                };
                counts[row][*j] += 1;
                if let Some(p) = &perturber {
                    let k = &mut keys[row][*j];
                    *k = k.wrapping_add(p.keys[i]);
                }
            }
        }
        let with_not_asked = counts[r + 1].iter().any(|&m| m > 0);
        if !with_not_asked {
            counts.pop();
            keys.pop();
        }
        let answered_all = counts[r].iter().all(|&m| m == 0);
        if answered_all {
            counts.remove(r);
            keys.remove(r);
        }
        let size: Vec<u64> = (0..c)
            .map(|j| counts.iter().map(|row| row[j]).sum())
            .collect();
        // The no-answer row is published as it is unless the study protects non-response; the
        // not-asked row (it tells another answer) is protected like the answers.
        let mut exempt = vec![false; counts.len()];
        if !answered_all {
            exempt[r] = !study.protects_missing(dataset.instrument.item(&name));
        }
        let protection = groups.protect(&counts, min_cell, &hidden_groups, &exempt);
        // With the cell-key method every count is published perturbed (the group sizes as cells
        // of their own), nothing hidden; the tests keep the suppression rules.
        let published_size: Vec<u64> = match &perturber {
            Some(p) => (0..c)
                .map(|j| p.cell(size[j], cell_key(keys.iter().map(|row| row[j]))))
                .collect(),
            None => size.clone(),
        };
        let mut cells: Vec<Vec<Cell>> = counts
            .iter()
            .zip(&keys)
            .zip(&protection.cells)
            .map(|((row, row_keys), hidden)| {
                (0..c)
                    .map(|j| match &perturber {
                        Some(p) => {
                            Cell::perturbed(p.cell(row[j], row_keys[j]), published_size[j])
                        }
                        None => Cell::of(row[j], size[j], hidden[j]),
                    })
                    .collect()
            })
            .collect();
        let not_asked = with_not_asked.then(|| cells.pop()).flatten();
        let no_answer = (!answered_all).then(|| cells.pop()).flatten();
        // Tests on the answers given, from groups that gave some.
        let answered: Vec<u64> = (0..c)
            .map(|j| counts[..r].iter().map(|row| row[j]).sum())
            .collect();
        let tested: Vec<Vec<f64>> = counts[..r]
            .iter()
            .map(|row| {
                row.iter()
                    .zip(&answered)
                    .filter(|(_, nj)| **nj > 0)
                    .map(|(&k, _)| k as f64)
                    .collect()
            })
            .collect();
        let withheld = (protection.hidden() > 0).then_some(
            "some counts are hidden to protect respondents: the test and the published totals would let a reader recompute them",
        );
        let mut tests = if withheld.is_none() {
            independence(&tested)
        } else {
            None
        };
        let residuals = published_residuals(tests.as_mut(), &answered, perturber.is_some());
        let cells_total = tested.len() * tested.first().map_or(0, Vec::len);
        result.tables.push(Table {
            labels: labels_of(dataset, &name),
            variable: name,
            categories: rows.names,
            category_labels: rows.labels,
            cells,
            no_answer,
            not_asked,
            n: published_size
                .iter()
                .zip(&protection.cols)
                .map(|(&n, h)| (h.is_none() || perturber.is_some()).then_some(n))
                .collect(),
            chi2_doubtful: tests.as_ref().is_some_and(|t| {
                t.cells_expected_below_5 * 5 > cells_total || t.min_expected < 1.0
            }),
            p_adjusted: None,
            tests,
            withheld,
            residuals,
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
