//! Rows that are not respondents: a totals or summary row (a cell reading "Totale", "Media", …;
//! or numbers that are the sums or the means of the columns above it, on the last row), and any
//! row where most filled cells do not fit (at least [`MANY`], and at least half of them). Each is
//! one finding for the row, the row is left out of the data, and the findings about its cells are
//! not listed one by one.

use std::collections::{BTreeMap, BTreeSet};

use crate::diagnostics::{column_letter, Arg, Diagnostics, Message, Severity};
use crate::ingest::{format_number, Cell, RawTable};
use crate::msg;

use super::dataset::{Column, ColumnData};
use super::Mapping;

/// The fewest cells that do not fit for a row to be one finding.
pub const MANY: usize = 5;

/// Words a totals or summary row is labelled with (Italian and English), compared without regard
/// to case, a trailing colon or full stop ignored.
const TOTALS: &[&str] = &[
    "totale", "totali", "tot", "total", "totals", "somma", "media", "sum", "mean", "average",
];

/// Whether a text reads a totals word (no allocation: most texts are refused by their length or
/// first letter).
fn is_totals_word(s: &str) -> bool {
    let s = s.trim().trim_end_matches([':', '.']);
    if !(3..=7).contains(&s.len()) || !matches!(s.as_bytes()[0] | 0x20, b't' | b's' | b'm' | b'a') {
        return false;
    }
    TOTALS.iter().any(|w| w.eq_ignore_ascii_case(s))
}

/// The totals word a cell reads, if it reads one.
pub(super) fn totals_word(cell: &Cell) -> Option<String> {
    let Cell::Text(s) = cell else { return None };
    is_totals_word(s).then(|| s.trim().to_string())
}

/// The rows whose cell of `mapping` held something that did not fit (it was reported and
/// typed as no answer), and the rows where a cell reads a totals word — where that word is
/// not an answer the column accepts (text columns accept any).
pub(super) fn misfits(
    table: &RawTable,
    mapping: &Mapping,
    column: &Column,
    text_kind: bool,
) -> (Vec<u32>, Vec<(u32, usize, String)>) {
    let j = match mapping {
        Mapping::Single(j) | Mapping::Options { main: Some(j), .. } => *j,
        Mapping::Options { main: None, .. } => return (Vec::new(), Vec::new()),
    };
    let cells = &table.columns[j];
    let mut bad = Vec::new();
    let mut words = Vec::new();
    // The raw cell is read only where the typed column has no answer: an answered cell fits,
    // and a text column's answer is its cell.
    for i in column.missing_rows() {
        let cell = cells.get(i as usize);
        if cell.is_empty() {
            continue;
        }
        bad.push(i);
        if let Some(w) = totals_word(&cell) {
            words.push((i, j, w));
        }
    }
    if text_kind {
        for i in column.rows_where(is_totals_word) {
            let w = column
                .text(i as usize)
                .unwrap_or_default()
                .trim()
                .to_string();
            words.push((i, j, w));
        }
    }
    (bad, words)
}

/// The number in a cell, for the sums test.
pub(super) fn number_in(cell: &Cell) -> Option<f64> {
    match cell {
        Cell::Number(x) => Some(*x),
        Cell::Text(s) => super::parse_number(s),
        _ => None,
    }
}

/// A row left out as a whole.
pub(super) struct BadRow {
    pub index: usize,
    pub severity: Severity,
    pub code: &'static str,
    pub message: Message,
}

/// Whether the last row's numbers are the sums, or the means, of the columns above: `last` is
/// each numeric column's last-row value as the file holds it (`columns[k]`), `skip` rows already
/// left out. Needs at least 3 such numbers, every one matching.
fn sums_or_means(columns: &[Column], last: &[(usize, f64)], skip: &[bool]) -> Option<&'static str> {
    let h = columns.first().map_or(0, Column::len);
    if h < 4 || last.len() < 3 {
        return None;
    }
    let (mut sums, mut means, mut fractional) = (0, 0, false);
    for &(k, x) in last {
        let ColumnData::Numbers(v) = &columns[k].data else {
            return None;
        };
        let (mut s, mut n) = (0.0, 0usize);
        for (i, &y) in v[..h - 1].iter().enumerate() {
            if !y.is_nan() && !skip[i] {
                s += y;
                n += 1;
            }
        }
        if n == 0 {
            return None;
        }
        if (x - s).abs() <= 1e-6 * s.abs().max(1.0) && s != 0.0 {
            sums += 1;
        }
        // A mean as it was written: to as many decimals as it shows.
        let text = format_number(x);
        let decimals = text.split('.').nth(1).map_or(0, str::len) as i32;
        let tolerance = if decimals == 0 {
            1e-9
        } else {
            0.5 * 10f64.powi(-decimals)
        };
        if (x - s / n as f64).abs() <= tolerance {
            means += 1;
            fractional |= x.fract() != 0.0;
        }
    }
    if sums == last.len() {
        Some("sums")
    } else if means == last.len() && fractional {
        Some("means")
    } else {
        None
    }
}

/// The rows to leave out as a whole. `items` is how many of `columns` are the questionnaire's
/// (the first ones); `misfits[k]` the rows where item `k`'s cell did not fit; `words` the cells
/// reading a totals word; `last` the last row's numbers (see [`sums_or_means`]).
pub(super) fn find(
    table: &RawTable,
    columns: &[Column],
    items: usize,
    misfits: &[Vec<u32>],
    words: &[(u32, usize, String)],
    last: &[(usize, f64)],
) -> Vec<BadRow> {
    let height = table.height();
    let mut count: BTreeMap<usize, usize> = BTreeMap::new();
    let total: usize = misfits.iter().map(Vec::len).sum();
    if total > 0 {
        let mut per_row = vec![0u32; height];
        for m in misfits {
            for &i in m {
                per_row[i as usize] += 1;
            }
        }
        for (i, &n) in per_row.iter().enumerate() {
            if n > 0 {
                count.insert(i, n as usize);
            }
        }
    }
    let mut out: BTreeMap<usize, BadRow> = BTreeMap::new();
    let mut by_word: BTreeMap<usize, &(u32, usize, String)> = BTreeMap::new();
    for w in words {
        by_word.entry(w.0 as usize).or_insert(w);
    }
    for (&i, &&(_, j, ref word)) in &by_word {
        let n = count.get(&i).copied().unwrap_or(0);
        let header = &table.headers[j];
        out.insert(
            i,
            BadRow {
                index: i,
                severity: Severity::Warning,
                code: "totals-row",
                message: msg!(
                    "totals-row-word",
                    n = n,
                    letter = column_letter(j as u32),
                    header = header.as_str(),
                    word = Arg::value(word)
                ),
            },
        );
    }
    if height >= 4 && !out.contains_key(&(height - 1)) {
        let mut skip = vec![false; height];
        for &i in out.keys() {
            skip[i] = true;
        }
        if let Some(what) = sums_or_means(columns, last, &skip) {
            let i = height - 1;
            let n = count.get(&i).copied().unwrap_or(0);
            out.insert(
                i,
                BadRow {
                    index: i,
                    severity: Severity::Warning,
                    code: "totals-row",
                    message: msg!("totals-row-sums", n = n, numbers = last.len(), what = what),
                },
            );
        }
    }
    for (&i, &n) in &count {
        if n < MANY || out.contains_key(&i) {
            continue;
        }
        let filled = n + columns[..items].iter().filter(|c| !c.is_missing(i)).count();
        if 2 * n >= filled {
            out.insert(
                i,
                BadRow {
                    index: i,
                    severity: Severity::Error,
                    code: "row-many-errors",
                    message: msg!("row-many-errors", n = n, filled = filled),
                },
            );
        }
    }
    out.into_values().collect()
}

/// Forgets the findings about the cells of rows left out (`rows`: Excel row numbers). Findings
/// past the first few of a column were only counted: each cell that did not fit on such a row
/// (`misfits`: how many per column index) is taken off its column's count.
pub(super) fn forget(d: &mut Diagnostics, rows: &BTreeSet<u32>, misfits: &BTreeMap<u32, usize>) {
    if rows.is_empty() {
        return;
    }
    let mut shown: BTreeMap<u32, usize> = BTreeMap::new();
    d.items.retain(|x| {
        let gone = x.location.row.is_some_and(|r| rows.contains(&r));
        if gone {
            if let Some(c) = x.location.column_index {
                *shown.entry(c).or_default() += 1;
            }
        }
        !gone
    });
    for (&c, &n) in misfits {
        let mut counted = n.saturating_sub(shown.get(&c).copied().unwrap_or(0));
        for m in d.more.iter_mut() {
            if counted == 0 {
                break;
            }
            if m.location.column_index == Some(c) {
                let k = counted.min(m.more);
                m.more -= k;
                counted -= k;
            }
        }
    }
    d.more.retain(|m| m.more > 0);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn totals_words_in_both_languages() {
        for w in [
            "Totale", "TOTALE:", "Totali", "Total", "totals", "Somma", "Media", "Tot.",
        ] {
            assert!(totals_word(&Cell::text(w)).is_some(), "{w}");
        }
        for w in ["Totalmente", "CL-1", "", "medio"] {
            assert!(totals_word(&Cell::text(w)).is_none(), "{w}");
        }
        assert!(totals_word(&Cell::Number(3.0)).is_none());
    }

    #[test]
    fn sums_and_means_of_the_columns_above() {
        let col = |v: Vec<Option<f64>>| Column::new("x".into(), v);
        let columns = vec![
            col(vec![Some(1.0), Some(2.0), Some(4.0), None]),
            col(vec![Some(3.0), Some(5.0), Some(5.0), None]),
            col(vec![Some(2.0), None, Some(2.0), None]),
        ];
        let skip = vec![false; 4];
        // Too few rows above to tell.
        let short: Vec<Column> = columns
            .iter()
            .map(|c| col((0..3).map(|i| (!c.is_missing(i)).then_some(1.0)).collect()))
            .collect();
        assert_eq!(
            sums_or_means(&short, &[(0, 2.0), (1, 2.0), (2, 2.0)], &skip),
            None
        );
        let sums = [(0, 7.0), (1, 13.0), (2, 4.0)];
        assert_eq!(sums_or_means(&columns, &sums, &skip), Some("sums"));
        let means = [(0, 2.33), (1, 4.33), (2, 2.0)];
        assert_eq!(sums_or_means(&columns, &means, &skip), Some("means"));
        // A respondent's own answers are neither.
        let answers = [(0, 2.0), (1, 4.0), (2, 2.0)];
        assert_eq!(sums_or_means(&columns, &answers, &skip), None);
        // Fewer than 3 numbers say nothing.
        assert_eq!(sums_or_means(&columns, &sums[..2], &skip), None);
    }
}
