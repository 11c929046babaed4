//! `capakit stats alpha`: the reliability of one scale of a bare table, computed as the scales
//! analysis of a study computes it (Cronbach's alpha with Feldt's interval, [`crate::stats::cronbach_alpha`]).

use serde::Serialize;

use crate::analysis::table::{dropped, Dropped, Warnings};
use crate::check::{find_column, numbers};
use crate::error::{Error, Result};
use crate::ingest::RawTable;
use crate::stats::{cronbach_alpha, Alpha};

#[derive(Debug, Clone, Serialize)]
pub struct AlphaReport {
    pub method: &'static str,
    #[serde(flatten)]
    pub alpha: Alpha,
    pub reverse: Vec<String>,
    /// When alpha is negative, the items with a negative item–rest correlation (else empty).
    pub against_the_rest: Vec<String>,
    pub dropped: Vec<Dropped>,
    pub warnings: Warnings,
}

pub const ALPHA_METHOD: &str = "Cronbach's alpha (raw, and standardised from the mean inter-item correlation) on complete cases (listwise deletion); 95% CI by Feldt's F-based method, as pingouin.cronbach_alpha; r_drop: correlation of each item with the sum of the others; alpha_if_dropped: alpha of the remaining items";

/// Cronbach's alpha of `items`, `reverse` ones scored as min + max − x.
pub fn alpha(
    table: &RawTable,
    items: &[String],
    reverse: &[String],
    range: Option<(f64, f64)>,
) -> Result<AlphaReport> {
    if items.len() < 2 {
        return Err(Error::Usage(
            "--items needs at least two columns, separated by commas".into(),
        ));
    }
    if !reverse.is_empty() && range.is_none() {
        return Err(Error::Usage(
            "--reverse needs --min and --max: the lowest and highest answers the scale allows (reverse = min + max − answer)".into(),
        ));
    }
    let mut columns = Vec::new();
    let mut seen = Vec::new();
    for name in items {
        let j = find_column(table, name)?;
        if seen.contains(&j) {
            return Err(Error::Usage(format!(
                "--items names the column '{}' twice",
                table.headers[j]
            )));
        }
        seen.push(j);
        let mut values = numbers(table, j)?;
        if let Some((lo, hi)) = range {
            if let Some(i) = values
                .iter()
                .position(|v| v.is_some_and(|x| x < lo || x > hi))
            {
                return Err(Error::input(
                    table.cell_location(i, j),
                    format!(
                        "{} is outside the range --min {lo} --max {hi}",
                        crate::ingest::format_number(values[i].unwrap_or_default())
                    ),
                ));
            }
        }
        if reverse.iter().any(|r| r.trim() == name.trim()) {
            let (lo, hi) = range.unwrap_or_default();
            values.iter_mut().flatten().for_each(|x| *x = lo + hi - *x);
        }
        columns.push(values);
    }
    for r in reverse {
        if !items.iter().any(|i| i.trim() == r.trim()) {
            return Err(Error::Usage(format!(
                "--reverse names '{r}', which is not one of --items"
            )));
        }
    }
    let complete: Vec<usize> = (0..table.height())
        .filter(|&i| columns.iter().all(|c| c[i].is_some()))
        .collect();
    let all_empty = (0..table.height())
        .filter(|&i| columns.iter().all(|c| c[i].is_none()))
        .count();
    let cols: Vec<Vec<f64>> = columns
        .iter()
        .map(|c| complete.iter().filter_map(|&i| c[i]).collect())
        .collect();
    let refs: Vec<&[f64]> = cols.iter().map(Vec::as_slice).collect();
    let names: Vec<String> = items.iter().map(|s| s.trim().to_string()).collect();
    let alpha = cronbach_alpha(&names, &refs).ok_or_else(|| {
        Error::Usage(format!(
            "alpha cannot be computed: {} complete row(s), and the total score must vary",
            complete.len()
        ))
    })?;
    let mut warnings = Vec::new();
    if alpha.n < 30 {
        warnings.push(format!(
            "only {} complete rows: the confidence interval is wide",
            alpha.n
        ));
    }
    let against = alpha.against_the_rest();
    if !against.is_empty() {
        let (turned, not): (Vec<&String>, Vec<&String>) = against
            .iter()
            .partition(|i| reverse.iter().any(|r| r.trim() == i.as_str()));
        let list = |v: &[&String]| v.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(",");
        let mut w = format!(
            "alpha is negative ({}): {} go against the other items (negative item–rest correlation)",
            crate::text::format_number((alpha.raw_alpha * 1e4).round() / 1e4),
            against.join(", ")
        );
        if !not.is_empty() {
            w.push_str(&format!(
                "; probably reverse-keyed: score them reversed with --reverse {} --min … --max …",
                list(&not)
            ));
        }
        if !turned.is_empty() {
            w.push_str(&format!(
                "; {} already reversed with --reverse: perhaps the file holds them reversed already",
                list(&turned)
            ));
        }
        warnings.push(w);
    }
    Ok(AlphaReport {
        against_the_rest: against,
        method: ALPHA_METHOD,
        reverse: reverse.iter().map(|s| s.trim().to_string()).collect(),
        dropped: [
            dropped("no item answered", all_empty),
            dropped(
                "some items unanswered (listwise deletion)",
                table.height() - complete.len() - all_empty,
            ),
        ]
        .into_iter()
        .flatten()
        .collect(),
        warnings,
        alpha,
    })
}
