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
use crate::stats::survey::{Estimate, SurveyDesign};
use crate::stats::{deprivation_scores, is_deprived, measure, Headline};

use super::design::{
    self, Column, ColumnKind, Design, Dimension, Indicator, Matrix, Values,
};
use super::spec::{sums_to_one, Fraction, Missing, Rescaled, Rule, Weighting};
use super::Parameters;

/// With `--weight`: how the weighted estimates are found.
pub const METHOD_WEIGHTED: &str = "Alkire–Foster counting method with design weights: H = weighted share deprived, M0 = weighted mean censored score, A = M0/H; headcounts as weighted shares; contribution = weight × weighted censored headcount / M0; groups as domains, population share = Σw of the group / Σw; standard errors by Taylor linearisation over strata and PSUs drawn with replacement (without --psu each row is a PSU, without --strata one stratum; a single-PSU stratum centred at the whole sample's mean), as R survey's svymean, svyratio and svyby; 95% logit intervals for shares (t on PSUs − strata degrees of freedom, as svyciprop) and Wald intervals for A and contributions";

/// The design columns given with `--weight`, `--strata` and `--psu`.
#[derive(Debug, Clone, Copy)]
pub struct DesignColumns<'a> {
    pub weight: &'a str,
    pub strata: Option<&'a str>,
    pub psu: Option<&'a str>,
}

/// H, A and M0 with their design-based standard errors and intervals.
#[derive(Debug, Clone, Serialize)]
pub struct Estimates {
    #[serde(rename = "H")]
    pub h: Estimate,
    #[serde(rename = "A")]
    pub a: Option<Estimate>,
    #[serde(rename = "M0")]
    pub m0: Estimate,
}

/// The design of the weighted estimates.
#[derive(Debug, Clone, Serialize)]
pub struct VarianceOut {
    pub method: &'static str,
    pub weight: String,
    pub strata_column: Option<String>,
    pub psu_column: Option<String>,
    pub strata: usize,
    pub psus: usize,
    pub single_psu_strata: usize,
    /// PSUs − strata of the respondents in the index (the t of the logit intervals).
    pub degrees_of_freedom: i64,
}

pub const METHOD: &str = "Alkire–Foster counting method: weighted deprivation score per respondent, deprived across dimensions when the score reaches k (a score equal to k up to 1e-9 counts); H = share deprived, A = mean score of the deprived, M0 = H × A; headcounts as shares of n; contribution = weight × censored headcount / M0; groups: population share × M0 of the group / M0";

#[derive(Debug, Clone, Serialize)]
pub struct IndicatorOut {
    pub id: String,
    pub dimension: String,
    pub weight: f64,
    pub uncensored_headcount: f64,
    pub censored_headcount: f64,
    pub contribution: Option<f64>,
    /// With --weight: the weighted headcounts and contribution with SEs and intervals.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub uncensored_estimate: Option<Estimate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub censored_estimate: Option<Estimate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contribution_estimate: Option<Estimate>,
}

#[derive(Debug, Clone, Serialize)]
pub struct DimensionOut {
    pub id: String,
    pub weight: f64,
    pub contribution: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contribution_estimate: Option<Estimate>,
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
    #[serde(skip_serializing_if = "Option::is_none")]
    pub estimates: Option<Estimates>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contribution_estimate: Option<Estimate>,
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
    /// With --weight: H, A and M0 above are weighted; here with their SEs and intervals.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub estimates: Option<Estimates>,
    /// With --weight: the design ("taylor").
    #[serde(skip_serializing_if = "Option::is_none")]
    pub variance: Option<VarianceOut>,
    pub indicators: Vec<IndicatorOut>,
    pub dimensions: Vec<DimensionOut>,
    /// With `--by`: one entry per value of the column, sorted.
    pub groups: Option<Vec<GroupOut>>,
    pub dropped: Vec<Dropped>,
    pub warnings: Vec<String>,
    /// The sum of the weights given when it was 1 only within rounding (±0.001) and they were
    /// divided by it; absent otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub weights_rescaled_from: Option<f64>,
    /// What was read generously (rounded weights), for stderr.
    #[serde(skip)]
    pub notes: Vec<String>,
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
    survey: Option<DesignColumns>,
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
    report(table, &design, &m, k, by, survey)
}

/// Columns that already hold 0/1 deprivations, with `weights` (equal when absent).
pub fn from_indicators(
    table: &RawTable,
    indicators: &[String],
    weights: Option<&[String]>,
    k: &str,
    by: Option<&str>,
    survey: Option<DesignColumns>,
) -> Result<CapabilityReport> {
    if indicators.is_empty() {
        return Err(Error::Usage("--indicators names no column".into()));
    }
    let k = parse_k(k)?;
    let written = weights.is_some();
    let (weights, rescaled) = match weights {
        None => (vec![1.0 / indicators.len() as f64; indicators.len()], None),
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
                c => match c.zero_one() {
                    Some(deprived) => Some(f64::from(u8::from(deprived))),
                    None => {
                        return Err(Error::input(
                            table.cell_location(i, j),
                            format!(
                                "\"{}\" is not 0 or 1: --indicators takes columns of deprivations (1, TRUE, yes or sì = deprived; 0, FALSE or no = not)",
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
                cutoff_text: ["it", "en"]
                    .iter()
                    .map(|l| (l.to_string(), format!("{n} = 1")))
                    .collect(),
                rule: Rule::Compare(super::spec::Op::Eq, 1.0),
                missing: Missing::Exclude,
                weight: *w,
                equal_weight: 1.0 / indicators.len() as f64,
            })
            .collect(),
        ks: vec![k],
        k_range: vec![k],
        rescaled: rescaled.map(|sum| Rescaled {
            weights: "indicator",
            sum,
            place: "--weights".into(),
        }),
    };
    let m = design::matrix(&design, &columns, table.height());
    report(table, &design, &m, k, by, survey)
}

/// Weights from the command line: decimals or fractions summing to 1 (divided by their sum, which
/// is given back, when they sum to 1 only within rounding).
fn weights_summing_to_one(w: &[String]) -> Result<(Vec<f64>, Option<f64>)> {
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
        .map(|s| (s.values, s.rescaled_from))
        .map_err(|sum| {
            Error::Usage(format!(
                "--weights must sum to 1 (within {}, for rounded weights); they sum to {sum}",
                super::spec::ROUNDING
            ))
        })
}

/// The sampling design of the table's rows, every cell checked where it is.
fn survey_design(table: &RawTable, c: DesignColumns) -> Result<(SurveyDesign, Vec<String>)> {
    let j = find_column(table, c.weight)?;
    let mut weights = Vec::with_capacity(table.height());
    for (i, w) in numbers(table, j)?.into_iter().enumerate() {
        match w {
            Some(w) if w >= 0.0 && w.is_finite() => weights.push(w),
            Some(_) => {
                return Err(Error::input(
                    table.cell_location(i, j),
                    "a design weight cannot be negative",
                ))
            }
            None => {
                return Err(Error::input(
                    table.cell_location(i, j),
                    "the design weight is empty",
                ))
            }
        }
    }
    let labels = |name: Option<&str>, what: &str| -> Result<Option<Vec<Option<String>>>> {
        let Some(name) = name else { return Ok(None) };
        let j = find_column(table, name)?;
        let values = texts(table, j);
        if let Some(i) = values.iter().position(Option::is_none) {
            return Err(Error::input(
                table.cell_location(i, j),
                format!("the {what} is empty where a design weight is given"),
            ));
        }
        Ok(Some(values))
    };
    let strata = labels(c.strata, "stratum")?;
    let psus = labels(c.psu, "primary sampling unit (PSU)")?;
    // A PSU lies in one stratum.
    if let (Some(s), Some(p), Some(name)) = (&strata, &psus, c.psu) {
        let j = find_column(table, name)?;
        let mut seen: std::collections::BTreeMap<&str, (&str, usize)> = Default::default();
        for (i, (psu, stratum)) in p.iter().zip(s).enumerate() {
            let (psu, stratum) = (psu.as_deref().unwrap_or(""), stratum.as_deref().unwrap_or(""));
            match seen.get(psu) {
                Some(&(other, r)) if other != stratum => {
                    return Err(Error::input(
                        table.cell_location(i, j),
                        format!(
                            "the PSU '{psu}' is in the stratum '{stratum}' here and in '{other}' at row {}: a PSU lies in one stratum (give PSUs codes unique across strata)",
                            table.row_numbers[r]
                        ),
                    ))
                }
                Some(_) => {}
                None => {
                    seen.insert(psu, (stratum, i));
                }
            }
        }
    }
    fn borrow(v: &Option<Vec<Option<String>>>) -> Option<Vec<Option<&str>>> {
        v.as_ref()
            .map(|v| v.iter().map(|x| x.as_deref()).collect::<Vec<_>>())
    }
    let (s, p) = (borrow(&strata), borrow(&psus));
    let design = SurveyDesign::new(weights, s.as_deref(), p.as_deref());
    let mut warnings = Vec::new();
    if design.single_psu_strata() > 0 && strata.is_some() {
        warnings.push(format!(
            "{} stratum(s) have a single PSU: their variance is taken around the whole sample's mean (as R survey's survey.lonely.psu = \"adjust\")",
            design.single_psu_strata()
        ));
    }
    Ok((design, warnings))
}

fn report(
    table: &RawTable,
    design: &Design,
    m: &Matrix,
    k: f64,
    by: Option<&str>,
    survey: Option<DesignColumns>,
) -> Result<CapabilityReport> {
    let sampling = survey.map(|c| survey_design(table, c)).transpose()?;
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
    // The table row of each respondent in the index, and back.
    let mut at = vec![usize::MAX; table.height()];
    for (r, &row) in m.rows.iter().enumerate() {
        at[row] = r;
    }
    let poor = |row: usize| f64::from(u8::from(is_deprived(scores[at[row]], k)));
    let cens = |row: usize| scores[at[row]] * poor(row);
    let estimates = |d: &SurveyDesign, rows: &[usize]| -> Option<Estimates> {
        Some(Estimates {
            h: d.share(&poor, rows)?,
            a: d.ratio(&cens, &poor, rows),
            m0: d.share(&cens, rows)?,
        })
    };
    let sd = sampling.as_ref().map(|s| &s.0);
    let whole = measure(&m.deprived, &weights, &scores, k, &all).ok_or_else(|| {
        Error::Usage(format!(
            "{}: no respondent has an answer to every indicator",
            table.file
        ))
    })?;
    let n = scores.len() as f64;
    let Headline {
        mut h,
        mut a,
        mut m0,
        ..
    } = whole.headline;
    let overall = sd.and_then(|d| estimates(d, &m.rows));
    if sd.is_some() {
        let o = overall.as_ref().ok_or_else(|| {
            Error::Usage(format!(
                "{}: the design weights of the respondents in the index sum to 0, or the design has no degrees of freedom (one PSU per stratum)",
                table.file
            ))
        })?;
        (h, a, m0) = (o.h.value, o.a.map(|a| a.value), o.m0.value);
    }
    let indicators: Vec<IndicatorOut> = design
        .indicators
        .iter()
        .enumerate()
        .map(|(j, ind)| {
            let column = &m.deprived[j];
            let unc = |row: usize| f64::from(u8::from(column[at[row]]));
            let cen = |row: usize| unc(row) * poor(row);
            let (u, c, share) = match sd {
                Some(d) => (
                    d.share(&unc, &m.rows),
                    d.share(&cen, &m.rows),
                    (m0 > 0.0)
                        .then(|| d.ratio(&|r| ind.weight * cen(r), &cens, &m.rows))
                        .flatten(),
                ),
                None => (None, None, None),
            };
            IndicatorOut {
                id: ind.id.clone(),
                dimension: design.dimensions[ind.dimension].id.clone(),
                weight: ind.weight,
                uncensored_headcount: u.map_or(whole.uncensored[j] as f64 / n, |e| e.value),
                censored_headcount: c.map_or(whole.censored[j] as f64 / n, |e| e.value),
                contribution: match sd {
                    Some(_) => share.map(|e| e.value),
                    None => whole.contribution.as_ref().map(|c| c[j]),
                },
                uncensored_estimate: u,
                censored_estimate: c,
                contribution_estimate: share,
            }
        })
        .collect();
    let dimensions = design
        .dimensions
        .iter()
        .enumerate()
        .map(|(d, dim)| {
            let estimate = sd.filter(|_| m0 > 0.0).and_then(|s| {
                let part = |row: usize| -> f64 {
                    design
                        .indicators
                        .iter()
                        .zip(&m.deprived)
                        .filter(|(i, c)| i.dimension == d && c[at[row]])
                        .map(|(i, _)| i.weight)
                        .sum::<f64>()
                        * poor(row)
                };
                s.ratio(&part, &cens, &m.rows)
            });
            DimensionOut {
                id: dim.id.clone(),
                weight: dim.weight,
                contribution: match sd {
                    Some(_) => estimate.map(|e| e.value),
                    None => whole.contribution.as_ref().map(|c| {
                        design
                            .indicators
                            .iter()
                            .zip(c)
                            .filter(|(i, _)| i.dimension == d)
                            .map(|(_, x)| x)
                            .sum()
                    }),
                },
                contribution_estimate: estimate,
            }
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
            crate::text::sort_labels(&mut names);
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
                    let mut out = GroupOut {
                        name: g.to_string(),
                        n: x.n,
                        population_share: share,
                        h: x.h,
                        a: x.a,
                        m0: x.m0,
                        contribution: (m0 > 0.0).then(|| share * x.m0 / m0),
                        estimates: None,
                        contribution_estimate: None,
                    };
                    if let Some(d) = sd {
                        // The group as a domain of the whole design.
                        let domain: Vec<usize> = rows.iter().map(|&i| m.rows[i]).collect();
                        let mut inside = vec![false; table.height()];
                        domain.iter().for_each(|&r| inside[r] = true);
                        let e = estimates(d, &domain);
                        let total: f64 = m.rows.iter().map(|&r| d.weight(r)).sum();
                        let part: f64 = domain.iter().map(|&r| d.weight(r)).sum();
                        let c = (m0 > 0.0)
                            .then(|| {
                                d.ratio(&|r| if inside[r] { cens(r) } else { 0.0 }, &cens, &m.rows)
                            })
                            .flatten();
                        out.population_share = part / total;
                        if let Some(e) = &e {
                            out.h = e.h.value;
                            out.a = e.a.map(|a| a.value);
                            out.m0 = e.m0.value;
                        }
                        out.contribution = c.map(|c| c.value);
                        out.contribution_estimate = c;
                        out.estimates = e;
                    }
                    Some(out)
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
        variance: match (&sampling, survey) {
            (Some((d, _)), Some(c)) => Some(VarianceOut {
                method: "taylor",
                weight: c.weight.to_string(),
                strata_column: c.strata.map(str::to_string),
                psu_column: c.psu.map(str::to_string),
                strata: d.strata(),
                psus: d.psus(),
                single_psu_strata: d.single_psu_strata(),
                degrees_of_freedom: d.degf(&m.rows),
            }),
            _ => None,
        },
        estimates: overall,
        indicators,
        dimensions,
        groups,
        dropped,
        warnings: match sampling {
            Some((_, mut w)) => {
                w.extend(warnings);
                w
            }
            None => warnings,
        },
        weights_rescaled_from: design.rescaled.as_ref().map(|r| r.sum),
        notes: design.rescaled.iter().map(Rescaled::note).collect(),
        method: if survey.is_some() { METHOD_WEIGHTED } else { METHOD },
    })
}
