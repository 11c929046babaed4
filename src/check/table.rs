//! Columns of a plain table found by their header and typed, for analyses of one file without a
//! questionnaire (`capakit stats`). A header that is not there, or a cell that should be a number
//! and is not, is an error naming its place.

use crate::diagnostics::show_value;
use crate::error::{Error, Result};
use crate::ingest::{Cell, RawTable};

use super::values::parse_number;

/// The index of the column headed `name`: exact first, then ignoring case and surrounding spaces.
pub fn find_column(table: &RawTable, name: &str) -> Result<usize> {
    let wanted = name.trim();
    if let Some(j) = table.headers.iter().position(|h| h == wanted) {
        return Ok(j);
    }
    let lower = wanted.to_lowercase();
    if let Some(j) = table.headers.iter().position(|h| h.to_lowercase() == lower) {
        return Ok(j);
    }
    let shown: Vec<&str> = table
        .headers
        .iter()
        .filter(|h| !h.is_empty())
        .take(30)
        .map(String::as_str)
        .collect();
    let more = if table.headers.len() > shown.len() {
        ", …"
    } else {
        ""
    };
    Err(Error::input(
        table.location().row(table.header_row),
        format!(
            "no column '{wanted}' in the header (columns: {}{more})",
            shown.join(", ")
        ),
    ))
}

/// The numbers of column `j`, `None` for empty cells. Text that is not a number (decimal commas
/// accepted) is an error at its cell.
pub fn numbers(table: &RawTable, j: usize) -> Result<Vec<Option<f64>>> {
    (0..table.height())
        .map(|i| match table.cell(i, j) {
            Cell::Empty => Ok(None),
            Cell::Number(x) => Ok(Some(x)),
            other => {
                let text = other.as_text();
                parse_number(&text).map(Some).ok_or_else(|| {
                    Error::input(
                        table.cell_location(i, j),
                        format!(
                            "{} is not a number, and this analysis needs numbers in '{}'",
                            show_value(&text),
                            table.headers[j]
                        ),
                    )
                })
            }
        })
        .collect()
}

/// The cells of column `j` as trimmed text, `None` for empty cells.
pub fn texts(table: &RawTable, j: usize) -> Vec<Option<String>> {
    (0..table.height())
        .map(|i| match table.cell(i, j) {
            Cell::Empty => None,
            c => Some(c.as_text().trim().to_string()),
        })
        .collect()
}
