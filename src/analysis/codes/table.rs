//! `capakit stats agreement`: agreement between coders from a long table of nominal codes (one
//! row per unit × coder), by the coefficients the codes analysis of a study reports
//! ([`crate::stats::agreement`]).

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::analysis::table::{dropped, Dropped, Warnings, SMALL_GROUP};
use crate::check::{find_column, texts};
use crate::error::{Error, Result};
use crate::ingest::RawTable;
use crate::stats::{agreement, Agreement};

#[derive(Debug, Clone, Serialize)]
pub struct AgreementReport {
    pub method: &'static str,
    pub coders: Vec<String>,
    pub categories: Vec<String>,
    #[serde(flatten)]
    pub agreement: Agreement,
    pub dropped: Vec<Dropped>,
    pub warnings: Warnings,
}

pub const AGREEMENT_METHOD: &str = "nominal codes; Cohen's kappa over units both coders coded (2 coders; sklearn cohen_kappa_score); Fleiss' kappa over every unit when each has the same number of codes, else over the units every coder coded, the others left out and counted (statsmodels fleiss_kappa; R irr kappam.fleiss); Krippendorff's alpha, nominal, from the coincidence matrix, units with fewer than two codes left out (Krippendorff 2011)";

/// Agreement between coders from a long table: one row per unit × coder.
pub fn agreement_of(
    table: &RawTable,
    unit: &str,
    coder: &str,
    code: &str,
) -> Result<AgreementReport> {
    let units = texts(table, find_column(table, unit)?);
    let jc = find_column(table, coder)?;
    let coders_col = texts(table, jc);
    let codes = texts(table, find_column(table, code)?);
    let mut rows = Vec::new();
    let mut missing = 0;
    for i in 0..table.height() {
        match (&units[i], &coders_col[i]) {
            (Some(u), Some(c)) => rows.push((i, u.clone(), c.clone(), codes[i].clone())),
            _ => missing += 1,
        }
    }
    let coders: Vec<String> = rows
        .iter()
        .map(|r| r.2.clone())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let categories: Vec<String> = rows
        .iter()
        .filter_map(|r| r.3.clone())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let unit_names: Vec<String> = rows
        .iter()
        .map(|r| r.1.clone())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    if coders.len() < 2 {
        return Err(Error::input(
            table.location(),
            format!(
                "agreement needs at least two coders in '{coder}'; found {}",
                coders.len()
            ),
        ));
    }
    let mut matrix = vec![vec![None; coders.len()]; unit_names.len()];
    let mut seen: BTreeMap<(usize, usize), usize> = BTreeMap::new();
    let mut uncoded = 0;
    for (i, u, c, k) in &rows {
        let ui = unit_names.binary_search(u).unwrap_or_default();
        let ci = coders.binary_search(c).unwrap_or_default();
        if let Some(first) = seen.insert((ui, ci), *i) {
            return Err(Error::input(
                table.cell_location(*i, jc),
                format!(
                    "coder '{c}' codes unit '{u}' twice (also row {}): agreement needs one code per unit and coder",
                    table.row_numbers[first]
                ),
            ));
        }
        match k {
            Some(k) => matrix[ui][ci] = Some(categories.binary_search(k).unwrap_or_default()),
            None => uncoded += 1,
        }
    }
    let agreement = agreement(&matrix);
    let mut warnings = Vec::new();
    if agreement.n_units < SMALL_GROUP {
        warnings.push(format!(
            "only {} units: agreement coefficients are unstable",
            agreement.n_units
        ));
    }
    if agreement.krippendorff_alpha.is_none() {
        warnings.push(
            "Krippendorff's alpha is undefined: fewer than two pairable codes, or a single category"
                .into(),
        );
    }
    Ok(AgreementReport {
        method: AGREEMENT_METHOD,
        coders,
        categories,
        agreement,
        dropped: [
            dropped(format!("no value of '{unit}' or '{coder}'"), missing),
            dropped(
                format!("no code in '{code}' (treated as not coded)"),
                uncoded,
            ),
        ]
        .into_iter()
        .flatten()
        .collect(),
        warnings,
    })
}
