//! `capakit stats capability`: the Alkire–Foster measures of one table, for scripts. Either the
//! cutoffs and weights of a capability analysis file (`--spec`) are applied to the table's
//! columns, or the columns already hold 0/1 deprivations (`--indicators`, as the R MPI packages
//! take them). No disclosure control: these are the analyst's numbers.

use serde::Serialize;

use crate::analysis::table::Dropped;
use crate::analysis::{Kind, SpecSet};
use crate::check::{find_column, numbers, texts};
use crate::error::{Error, Result};
use crate::ingest::{Cell, RawTable};
use crate::stats::{deprivation_scores, measure, Headline};

use super::design::{
    self, Column, ColumnKind, Design, Dimension, Indicator, Matrix, Values,
};
use super::spec::{sums_to_one, Fraction, Missing, Rule, Weighting};
use super::Parameters;

pub const METHOD: &str = "Alkire–Foster counting method: weighted deprivation score per respondent, deprived across dimensions when the score reaches k (a score equal to k up to 1e-9 counts); H = share deprived, A = mean score of the deprived, M0 = H × A; headcounts as shares of n; contribution = weight × censored headcount / M0; groups: population share × M0 of the group / M0";

#[derive(Debug, Clone, Serialize)]
pub struct IndicatorOut {
    pub id: String,
    pub dimension: String,
    pub weight: f64,
    pub uncensored_headcount: f64,
    pub censored_headcount: f64,
    pub contribution: Option<f64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct DimensionOut {
    pub id: String,
    pub weight: f64,
    pub contribution: Option<f64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct GroupOut {
    pub name: String,
    pub n: usize,
    pub population_share: f64,
    #[serde(rename = "H")]
    pub h: f64,
    #[serde(rename = "A")]
    pub a: Option<f64>,
    #[serde(rename = "M0")]
    pub m0: f64,
    pub contribution: Option<f64>,
}

/// What `capakit stats capability --json` prints.
#[derive(Debug, Clone, Serialize)]
pub struct CapabilityReport {
    pub k: f64,
    pub n: usize,
    pub n_excluded: usize,
    #[serde(rename = "H")]
    pub h: f64,
    /// Null when nobody is deprived.
    #[serde(rename = "A")]
    pub a: Option<f64>,
    #[serde(rename = "M0")]
    pub m0: f64,
    pub weighting: Weighting,
    pub indicators: Vec<IndicatorOut>,
    pub dimensions: Vec<DimensionOut>,
    /// With `--by`: one entry per value of the column, sorted.
    pub groups: Option<Vec<GroupOut>>,
    pub dropped: Vec<Dropped>,
    pub warnings: Vec<String>,
    pub method: &'static str,
}

/// A column of a bare table, typed for cutoffs: numbers when every cell is one, else answers.
fn column_of(table: &RawTable, name: &str) -> Option<Column<'static>> {
    let j = find_column(table, name).ok()?;
    let (kind, values) = match numbers(table, j) {
        Ok(v) => (ColumnKind::Numeric, Values::Numbers(v)),
        Err(_) => (ColumnKind::Answers, Values::Texts(texts(table, j))),
    };
    Some(Column {
        kind,
        labels: Default::default(),
        values,
    })
}

fn parse_k(k: &str) -> Result<f64> {
    Fraction::Text(k.into())
        .parse()
        .map(|x| x.0)
        .filter(|k| *k > 0.0 && *k <= 1.0 + 1e-12)
        .ok_or_else(|| {
            Error::Usage(format!(
                "--k {k}: give a number above 0 and at most 1, such as 0.33, 1/3 or 33%"
            ))
        })
}

/// The first capability analysis of `spec` applied to `table`.
pub fn from_spec(
    table: &RawTable,
    spec: &std::path::Path,
    k: Option<&str>,
    by: Option<&str>,
) -> Result<CapabilityReport> {
    let set = SpecSet::load(spec)?;
    let s = set
        .specs
        .iter()
        .find(|s| *s.kind.get_ref() == Kind::Capability)
        .ok_or_else(|| {
            Error::Usage(format!(
                "{} has no analysis of kind \"capability\"",
                spec.display()
            ))
        })?;
    let params: super::publish::Params = match set.entry(s.index) {
        Ok(p) => p,
        Err(e) => {
            crate::analysis::check_keys(&set, s)?;
            return Err(e);
        }
    };
    let Some(written) = params.written() else {
        return Err(set.error_at(&s.id, super::publish::NEEDS_DIMENSIONS));
    };
    let dimensions = written.dimensions;
    let p = Parameters {
        written,
        also_by: None,
        bootstrap: None,
        seed: None,
        resample: true,
    };
    let unknown = |name: &str| format!("'{name}' is not a column of {}", table.file);
    let (mut design, values) =
        design::resolve(&set, &p.written, &|n| column_of(table, n), &unknown)?;
    let m = design::matrix(&design, &values, table.height());
    if design.weighting == Weighting::Participatory {
        let ratings = |name: &str| {
            let j = find_column(table, name).ok()?;
            numbers(table, j).ok()
        };
        design::participatory(&set, dimensions.get_ref(), &mut design, &m.rows, &ratings)?;
    }
    let k = match k {
        Some(k) => parse_k(k)?,
        None => design.ks[0],
    };
    report(table, &design, &m, k, by)
}

/// Columns that already hold 0/1 deprivations, with `weights` (equal when absent).
pub fn from_indicators(
    table: &RawTable,
    indicators: &[String],
    weights: Option<&[String]>,
    k: &str,
    by: Option<&str>,
) -> Result<CapabilityReport> {
    if indicators.is_empty() {
        return Err(Error::Usage("--indicators names no column".into()));
    }
    let k = parse_k(k)?;
    let written = weights.is_some();
    let weights: Vec<f64> = match weights {
        None => vec![1.0 / indicators.len() as f64; indicators.len()],
        Some(w) => {
            if w.len() != indicators.len() {
                return Err(Error::Usage(format!(
                    "--weights gives {} weights for {} indicators",
                    w.len(),
                    indicators.len()
                )));
            }
            weights_summing_to_one(w)?
        }
    };
    let mut columns = Vec::new();
    for name in indicators {
        let j = find_column(table, name)?;
        let mut col = Vec::with_capacity(table.height());
        for i in 0..table.height() {
            col.push(match table.cell(i, j) {
                Cell::Empty => None,
                c => match crate::text::parse_number(&c.as_text()) {
                    Some(x) if x == 0.0 || x == 1.0 => Some(x),
                    _ => {
                        return Err(Error::input(
                            table.cell_location(i, j),
                            format!(
                                "\"{}\" is not 0 or 1: --indicators takes columns of deprivations (1 = deprived)",
                                c.as_text()
                            ),
                        ))
                    }
                },
            });
        }
        columns.push(Values::Numbers(col));
    }
    let design = Design {
        weighting: if written {
            Weighting::Explicit
        } else {
            Weighting::Equal
        },
        dimensions: indicators
            .iter()
            .zip(&weights)
            .map(|(n, w)| Dimension {
                id: n.clone(),
                labels: Default::default(),
                weight: *w,
                importance: None,
            })
            .collect(),
        indicators: indicators
            .iter()
            .zip(&weights)
            .enumerate()
            .map(|(d, (n, w))| Indicator {
                id: n.clone(),
                item: n.clone(),
                dimension: d,
                labels: Default::default(),
                attainment: Default::default(),
                cutoff: "= 1".into(),
                rule: Rule::Compare(super::spec::Op::Eq, 1.0),
                missing: Missing::Exclude,
                weight: *w,
                equal_weight: 1.0 / indicators.len() as f64,
            })
            .collect(),
        ks: vec![k],
        k_range: vec![k],
    };
    let m = design::matrix(&design, &columns, table.height());
    report(table, &design, &m, k, by)
}

/// Weights from the command line: decimals or fractions summing to 1.
fn weights_summing_to_one(w: &[String]) -> Result<Vec<f64>> {
    let parsed = w
        .iter()
        .map(|s| {
            Fraction::Text(s.clone())
                .parse()
                .filter(|(v, _)| *v > 0.0 && *v <= 1.0)
                .ok_or_else(|| {
                    Error::Usage(format!(
                        "--weights: '{s}' is not a weight above 0 and at most 1 (such as 0.25 or 1/12)"
                    ))
                })
        })
        .collect::<Result<Vec<_>>>()?;
    sums_to_one(&parsed)
        .map_err(|sum| Error::Usage(format!("--weights must sum to 1; they sum to {sum}")))
}

fn report(
    table: &RawTable,
    design: &Design,
    m: &Matrix,
    k: f64,
    by: Option<&str>,
) -> Result<CapabilityReport> {
    let weights: Vec<f64> = design.indicators.iter().map(|i| i.weight).collect();
    let scores = deprivation_scores(&m.deprived, &weights);
    let all: Vec<usize> = (0..scores.len()).collect();
    let mut dropped = Vec::new();
    for (ind, x) in design.indicators.iter().zip(&m.excluded_by) {
        if *x > 0 {
            dropped.push(Dropped {
                reason: format!("no answer in '{}' (missing = exclude)", ind.item),
                rows: *x,
            });
        }
    }
    let whole = measure(&m.deprived, &weights, &scores, k, &all).ok_or_else(|| {
        Error::Usage(format!(
            "{}: no respondent has an answer to every indicator",
            table.file
        ))
    })?;
    let n = scores.len() as f64;
    let Headline { h, a, m0, .. } = whole.headline;
    let indicators: Vec<IndicatorOut> = design
        .indicators
        .iter()
        .enumerate()
        .map(|(j, ind)| IndicatorOut {
            id: ind.id.clone(),
            dimension: design.dimensions[ind.dimension].id.clone(),
            weight: ind.weight,
            uncensored_headcount: whole.uncensored[j] as f64 / n,
            censored_headcount: whole.censored[j] as f64 / n,
            contribution: whole.contribution.as_ref().map(|c| c[j]),
        })
        .collect();
    let dimensions = design
        .dimensions
        .iter()
        .enumerate()
        .map(|(d, dim)| DimensionOut {
            id: dim.id.clone(),
            weight: dim.weight,
            contribution: whole.contribution.as_ref().map(|c| {
                design
                    .indicators
                    .iter()
                    .zip(c)
                    .filter(|(i, _)| i.dimension == d)
                    .map(|(_, x)| x)
                    .sum()
            }),
        })
        .collect();
    let mut warnings = Vec::new();
    let groups = match by {
        None => None,
        Some(by) => {
            let j = find_column(table, by)?;
            let values = texts(table, j);
            let mut names: Vec<&str> = m
                .rows
                .iter()
                .filter_map(|&r| values[r].as_deref())
                .collect();
            names.sort_unstable();
            names.dedup();
            let without = m.rows.iter().filter(|&&r| values[r].is_none()).count();
            if without > 0 {
                warnings.push(format!(
                    "{without} respondent(s) have no value in '{by}': in the whole sample, in no group"
                ));
            }
            let out = names
                .iter()
                .filter_map(|g| {
                    let rows: Vec<usize> = (0..m.rows.len())
                        .filter(|&i| values[m.rows[i]].as_deref() == Some(*g))
                        .collect();
                    let x = measure(&m.deprived, &weights, &scores, k, &rows)?.headline;
                    let share = x.n as f64 / n;
                    Some(GroupOut {
                        name: g.to_string(),
                        n: x.n,
                        population_share: share,
                        h: x.h,
                        a: x.a,
                        m0: x.m0,
                        contribution: (m0 > 0.0).then(|| share * x.m0 / m0),
                    })
                })
                .collect();
            Some(out)
        }
    };
    Ok(CapabilityReport {
        k,
        n: scores.len(),
        n_excluded: m.excluded,
        h,
        a,
        m0,
        weighting: design.weighting,
        indicators,
        dimensions,
        groups,
        dropped,
        warnings,
        method: METHOD,
    })
}
