//! The cell-key method on a dataset (`[disclosure] method = "cell-key"`): every respondent's
//! record key, computed once per analysis, and the published value of a cell of respondents (see
//! [`crate::disclosure::cellkey`] for the method and its perturbation table).

use crate::check::Dataset;
use crate::disclosure::cellkey::{cell_key, record_key, PTable, Params};
use crate::error::Result;
use crate::study::{Method, Study};

/// Perturbs the counts of one dataset.
pub struct Perturber {
    pub table: PTable,
    /// Each row's record key (times 2⁶⁴).
    pub keys: Vec<u64>,
}

impl Perturber {
    /// The perturber of a dataset when the study uses the cell-key method, else `None`. A
    /// respondent is keyed by their id (the source's `id_column`), or by their row number when
    /// the source has no ids or the row none, under the study's secret when it has one.
    pub fn of(study: &Study, dataset: &Dataset) -> Result<Option<Perturber>> {
        if study.method != Method::CellKey {
            return Ok(None);
        }
        let secret = crate::report::pseudonym::study_secret(study)?;
        let ids = dataset.id_column.as_deref().and_then(|c| dataset.texts(c));
        let keys = (0..dataset.height())
            .map(|i| {
                let id = ids
                    .as_ref()
                    .and_then(|ids| ids[i])
                    .filter(|s| !s.trim().is_empty())
                    .map(str::to_string)
                    .unwrap_or_else(|| format!("row {}", dataset.row_numbers[i]));
                record_key(secret.as_deref(), &id)
            })
            .collect();
        Ok(Some(Perturber {
            table: PTable::new(Params::default()).expect("the default parameters make a table"),
            keys,
        }))
    }

    /// The published value of a cell of `count` respondents whose keys sum to `key`.
    pub fn cell(&self, count: u64, key: u64) -> u64 {
        self.table.perturb(count, key)
    }

    /// The published value of the cell holding these rows.
    pub fn rows(&self, rows: impl IntoIterator<Item = usize>) -> u64 {
        let mut n = 0u64;
        let key = cell_key(rows.into_iter().map(|r| {
            n += 1;
            self.keys[r]
        }));
        self.cell(n, key)
    }
}

/// The cell-key method as results.json states it: the table's parameters and its accuracy cost.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Summary {
    #[serde(flatten)]
    pub params: Params,
    /// The expected absolute error of a count above js + D.
    pub expected_absolute_error: f64,
}

impl Summary {
    pub fn of(study: &Study) -> Option<Summary> {
        (study.method == Method::CellKey).then(|| {
            let table =
                PTable::new(Params::default()).expect("the default parameters make a table");
            Summary {
                params: table.params,
                expected_absolute_error: table.mean_absolute_error(),
            }
        })
    }
}

/// A percentage of perturbed counts: `x` of `of`, at most 100 (a perturbed cell may exceed its
/// perturbed total).
pub fn percent(x: u64, of: u64) -> Option<f64> {
    (of > 0).then(|| (100.0 * x as f64 / of as f64).min(100.0))
}

/// The Wilson 95% interval, in percent, of perturbed counts (`x` capped at `of`).
pub fn ci95(x: u64, of: u64) -> Option<[f64; 2]> {
    crate::stats::wilson95(x.min(of) as f64, of as f64).map(|[lo, hi]| [100.0 * lo, 100.0 * hi])
}
