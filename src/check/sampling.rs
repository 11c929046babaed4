//! The sampling design of a weighted survey source: the stratum and the primary sampling unit
//! (PSU) of every row, checked where they are written.
//!
//! - a row with a design weight and no stratum (or no PSU) is an error at its cell;
//! - a PSU found in two strata is an error at the row where it appears in the second: PSUs are
//!   not nested for the user (R survey's `nest = TRUE`), since two areas sharing a code across
//!   regions is as likely a typing slip as a design, and the variance would silently change;
//! - a stratum with a single PSU is a warning: its variance is centred at the whole sample's mean
//!   rather than the stratum's, as R survey's `options(survey.lonely.psu = "adjust")`.

use crate::msg;
use std::collections::BTreeMap;

use crate::diagnostics::Diagnostics;
use crate::ingest::RawTable;
use crate::study::Source;

use super::dataset::{Column, ColumnOrigin};

/// Checks the strata and PSU columns of `source` (when it names them) row by row.
pub fn check_design(
    source: &Source,
    table: &RawTable,
    columns: &[Column],
    origins: &BTreeMap<String, ColumnOrigin>,
    diags: &mut Diagnostics,
) {
    let find = |name: &Option<String>| {
        let name = name.as_deref()?;
        let column = columns.iter().find(|c| c.name == name)?;
        Some((column, origins.get(name)?.index))
    };
    let strata = find(&source.strata_column);
    let psus = find(&source.psu_column);
    if strata.is_none() && psus.is_none() {
        return;
    }
    let weights = find(&source.weight_column);
    let weighted = |i: usize| match weights {
        Some((w, _)) => !w.is_missing(i),
        None => false,
    };
    for (column, j) in [strata, psus].into_iter().flatten() {
        let what = if Some(&column.name) == source.strata_column.as_ref() {
            ("missing-stratum", msg!("design-empty-stratum"))
        } else {
            ("missing-psu", msg!("design-empty-psu"))
        };
        for i in 0..table.height() {
            if weighted(i) && column.text(i).is_none() {
                diags.error(what.0, table.cell_location(i, j), what.1.clone());
            }
        }
    }
    let Some((psu_column, pj)) = psus else {
        return;
    };
    // The stratum of every PSU (one stratum for all without a strata column), with the row it
    // was first seen in.
    let stratum_of = |i: usize| strata.and_then(|(c, _)| c.text(i)).unwrap_or("");
    let mut first: BTreeMap<&str, (&str, usize)> = BTreeMap::new();
    let mut reported: std::collections::BTreeSet<&str> = Default::default();
    for i in 0..table.height() {
        let Some(psu) = psu_column.text(i) else {
            continue;
        };
        let stratum = stratum_of(i);
        match first.get(psu) {
            None => {
                first.insert(psu, (stratum, i));
            }
            Some(&(s, r)) if s != stratum && reported.insert(psu) => diags.error(
                "psu-in-two-strata",
                table.cell_location(i, pj),
                msg!(
                    "psu-in-two-strata",
                    psu = psu,
                    stratum = stratum,
                    other = s,
                    row = table.row_numbers[r]
                ),
            ),
            Some(_) => {}
        }
    }
    let Some((_, sj)) = strata else {
        return;
    };
    // PSUs per stratum, and the first row of each stratum.
    let mut per_stratum: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for (psu, &(stratum, row)) in &first {
        if reported.contains(psu) {
            continue;
        }
        let e = per_stratum.entry(stratum).or_insert((0, row));
        e.0 += 1;
        e.1 = e.1.min(row);
    }
    for (stratum, (n, row)) in per_stratum {
        if n == 1 && !stratum.is_empty() {
            diags.warning(
                "single-psu-stratum",
                table.cell_location(row, sj),
                msg!("single-psu-stratum", stratum = stratum),
            );
        }
    }
}
