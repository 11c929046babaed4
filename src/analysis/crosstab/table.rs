//! `capakit stats crosstab`: the cross-table of two columns of a bare table, with the tests of
//! independence the crosstab analysis of a study runs ([`crate::stats::independence`]).

use std::collections::BTreeSet;

use serde::Serialize;

use crate::analysis::table::{dropped, Dropped, Warnings};
use crate::check::{find_column, texts};
use crate::error::{Error, Result};
use crate::ingest::RawTable;
use crate::stats::{independence, wilson95, Independence};

#[derive(Debug, Clone, Serialize)]
pub struct CellProportion {
    pub row: String,
    pub col: String,
    pub count: u64,
    /// Proportion within the row.
    pub p: f64,
    pub wilson95: [f64; 2],
}

#[derive(Debug, Clone, Serialize)]
pub struct CrosstabReport {
    pub method: &'static str,
    pub row_variable: String,
    pub col_variable: String,
    pub rows: Vec<String>,
    pub cols: Vec<String>,
    pub counts: Vec<Vec<u64>>,
    pub proportions: Vec<CellProportion>,
    #[serde(flatten)]
    pub tests: Independence,
    pub dropped: Vec<Dropped>,
    pub warnings: Warnings,
}

pub const CROSSTAB_METHOD: &str = "counts, proportions within rows with Wilson 95% intervals (statsmodels proportion_confint, method='wilson'); Pearson's χ² test of independence (scipy.stats.chi2_contingency, correction=False; for 2×2 also correction=True, Yates); Cramér's V from the uncorrected χ²; Fisher's exact test for 2×2, two-sided, with the sample odds ratio (scipy.stats.fisher_exact)";

/// The cross-table of `row` × `col` with tests of independence.
pub fn crosstab(table: &RawTable, row: &str, col: &str) -> Result<CrosstabReport> {
    let (jr, jc) = (find_column(table, row)?, find_column(table, col)?);
    if jr == jc {
        return Err(Error::Usage(format!(
            "--row and --col both name '{}': a cross-table needs two different columns",
            table.headers[jr]
        )));
    }
    let (r, c) = (texts(table, jr), texts(table, jc));
    let mut pairs = Vec::new();
    let mut missing = 0;
    for (a, b) in r.into_iter().zip(c) {
        match (a, b) {
            (Some(a), Some(b)) => pairs.push((a, b)),
            _ => missing += 1,
        }
    }
    // Sorted, as numbers when every value is one (1, 2, 10, 11).
    let sorted = |values: BTreeSet<String>| {
        let mut v: Vec<String> = values.into_iter().collect();
        crate::text::sort_labels(&mut v);
        v
    };
    let rows = sorted(pairs.iter().map(|p| p.0.clone()).collect());
    let cols = sorted(pairs.iter().map(|p| p.1.clone()).collect());
    if rows.len() < 2 || cols.len() < 2 {
        return Err(Error::input(
            table.location(),
            format!(
                "a cross-table needs at least two values in each variable: '{row}' has {}, '{col}' has {}",
                rows.len(),
                cols.len()
            ),
        ));
    }
    let mut counts = vec![vec![0u64; cols.len()]; rows.len()];
    for (a, b) in &pairs {
        let i = rows.binary_search(a).unwrap_or_default();
        let j = cols.binary_search(b).unwrap_or_default();
        counts[i][j] += 1;
    }
    let as_f64: Vec<Vec<f64>> = counts
        .iter()
        .map(|r| r.iter().map(|&x| x as f64).collect())
        .collect();
    let tests = independence(&as_f64).ok_or_else(|| {
        Error::input(
            table.location(),
            "the cross-table has an empty row or column",
        )
    })?;
    let mut proportions = Vec::new();
    for (i, r) in counts.iter().enumerate() {
        let total: u64 = r.iter().sum();
        for (j, &k) in r.iter().enumerate() {
            proportions.push(CellProportion {
                row: rows[i].clone(),
                col: cols[j].clone(),
                count: k,
                p: k as f64 / total as f64,
                wilson95: wilson95(k as f64, total as f64).unwrap_or([0.0, 1.0]),
            });
        }
    }
    let mut warnings = Vec::new();
    let cells = rows.len() * cols.len();
    if tests.cells_expected_below_5 > 0 {
        warnings.push(format!(
            "{} of {cells} cells expect fewer than 5 (smallest {:.2}): the χ² approximation is {}{}",
            tests.cells_expected_below_5,
            tests.min_expected,
            if tests.cells_expected_below_5 * 5 > cells || tests.min_expected < 1.0 {
                "unreliable"
            } else {
                "acceptable (at most a fifth of cells under 5, none under 1)"
            },
            if tests.fisher.is_some() {
                "; read Fisher's exact test"
            } else {
                ""
            }
        ));
    }
    Ok(CrosstabReport {
        method: CROSSTAB_METHOD,
        row_variable: row.trim().to_string(),
        col_variable: col.trim().to_string(),
        rows,
        cols,
        counts,
        proportions,
        tests,
        dropped: dropped("a value missing in either variable", missing)
            .into_iter()
            .collect(),
        warnings,
    })
}
