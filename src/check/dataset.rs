//! [`Dataset`]: the checked answers of one source, typed by the instrument, as a polars DataFrame,
//! with the provenance of every row and column. The analysis stage reads only this.

use std::collections::BTreeMap;

use polars::prelude::{Column, DataFrame};

use crate::instrument::Instrument;

/// Where a dataset column came from.
#[derive(Debug, Clone)]
pub struct ColumnOrigin {
    /// The header in the file (e.g. `group_edu/edu_1`).
    pub header: String,
    /// 0-based column index in the file.
    pub index: usize,
}

/// A row left out of the analyses, and why. The respondent's id is not repeated here: outputs
/// name rows, not people.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Dropped {
    pub row: u32,
    /// Why: `duplicate-id` (the same id on an earlier row, which is kept).
    pub reason: &'static str,
    /// For a duplicate, the row that is kept.
    pub kept_row: Option<u32>,
}

/// Checked answers. Columns are named by item name: select_one items on a numeric list (Likert)
/// and integer/decimal items are `Float64`; other select_one items hold the choice *name*;
/// select_multiple items hold space-separated choice names; the territory column holds the
/// study's canonical territory name.
#[derive(Debug, Clone)]
pub struct Dataset {
    pub source: String,
    pub file: String,
    pub sheet: Option<String>,
    pub frame: DataFrame,
    /// Excel row of each frame row.
    pub row_numbers: Vec<u32>,
    pub columns: BTreeMap<String, ColumnOrigin>,
    pub instrument: Instrument,
    /// The item holding the territory, when the source names one.
    pub territory_column: Option<String>,
    pub id_column: Option<String>,
    /// The column of design weights, when the source names one.
    pub weight_column: Option<String>,
    pub dropped: Vec<Dropped>,
}

impl Dataset {
    pub fn height(&self) -> usize {
        self.frame.height()
    }

    pub fn has(&self, name: &str) -> bool {
        self.frame.column(name).is_ok()
    }

    fn column(&self, name: &str) -> Option<&Column> {
        self.frame.column(name).ok()
    }

    /// A numeric column (Likert scores, integers, decimals) as options; `None` when it is absent
    /// or not numeric.
    pub fn numbers(&self, name: &str) -> Option<Vec<Option<f64>>> {
        let c = self.column(name)?.f64().ok()?;
        Some(c.iter().collect())
    }

    /// A text column as options.
    pub fn texts(&self, name: &str) -> Option<Vec<Option<&str>>> {
        let c = self.column(name)?.str().ok()?;
        Some(c.iter().collect())
    }

    /// The design weight of every row (`None` when the source has no weights; a row whose weight
    /// is missing or unusable was reported by `check` and weighs 0).
    pub fn weights(&self) -> Option<Vec<f64>> {
        let name = self.weight_column.as_deref()?;
        Some(
            self.numbers(name)?
                .into_iter()
                .map(|w| w.filter(|w| *w >= 0.0).unwrap_or(0.0))
                .collect(),
        )
    }

    /// The territory of every row (all `None` when the source has no territory column).
    pub fn territories(&self) -> Vec<Option<&str>> {
        self.territory_column
            .as_deref()
            .and_then(|t| self.texts(t))
            .unwrap_or_else(|| vec![None; self.height()])
    }
}
