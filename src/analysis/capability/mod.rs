//! Capability indicators across territories (kind `capability`): the Alkire–Foster counting
//! method on deprivations the researcher defines in the analysis file, for the whole sample, for
//! every group of the main grouping (territories by default) and of any other grouping variable,
//! with bootstrap intervals, the subgroup decomposition of M0, a test of the difference in M0
//! between groups, results across a range of k with whether the groups' ranking holds, and the
//! distribution of deprivation scores. With participatory weights the equal-weights results are
//! shown beside them.
//!
//! [`spec`] reads what is written, [`design`] checks it against the data, [`measures`] computes
//! and protects one grouping at one k; the pure statistics are in [`crate::stats::counting`].

pub mod publish;
pub use publish::Params;

pub mod design;
pub mod figures;
mod measures;
pub mod table;
pub mod spec;

use serde::Serialize;
use toml::Spanned;

use crate::check::Dataset;
use crate::disclosure::{protect_with, Suppression};
use crate::error::Result;
use crate::instrument::{ItemKind, Labels};
use crate::stats::{adjust, deprivation_scores, m0_difference, score_bin, Correction, Difference};
use crate::study::Study;

use super::{Groups, SpecSet};
use design::{Column, ColumnKind, Design, Dimension, Indicator, Matrix, Values, Written};
use measures::{headlines, measures, Resampling, Split, Weights};
pub use measures::{GroupMeasure, Measures};
use crate::stats::survey::SurveyDesign;
use spec::Weighting;

/// How the index is computed with design weights, stated in every weighted result.
pub const METHOD_WEIGHTED: &str = "Alkire–Foster counting method: a respondent is deprived in an indicator below its cutoff, has a weighted deprivation score, and is deprived across dimensions when the score reaches k (a score equal to k up to 1e-9 counts); with the source's design weights, H = weighted share deprived, M0 = weighted mean censored score, A = M0/H (a ratio), contributions = weight × weighted censored headcount / M0, groups as domains; standard errors by Taylor linearisation over strata and PSUs sampled with replacement (a single-PSU stratum centred at the whole sample's mean), 95% logit intervals for shares (t on PSUs − strata degrees of freedom) and Wald intervals for ratios, as R survey's svymean, svyratio, svyby and svyciprop; difference in M0 between two groups by the design-based standard error of the difference of domain means (svycontrast), z-test";

/// How the variance of the estimates is found.
#[derive(Debug, Clone, Serialize)]
pub struct Variance {
    /// "taylor" (design weights) or "bootstrap".
    pub method: &'static str,
    /// With design weights: the design's strata, PSUs and single-PSU strata.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub strata: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub psus: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub single_psu_strata: Option<usize>,
    /// The design columns named by the source.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub weight_column: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub strata_column: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub psu_column: Option<String>,
}

/// The design of a weighted source (`None` without weights).
pub fn survey_design(dataset: &Dataset) -> Option<SurveyDesign> {
    let weights = dataset.weights()?;
    let texts = |c: &Option<String>| c.as_deref().and_then(|c| dataset.texts(c));
    let strata = texts(&dataset.strata_column);
    let psus = texts(&dataset.psu_column);
    Some(SurveyDesign::new(weights, strata.as_deref(), psus.as_deref()))
}

/// How the index is computed, stated in every result.
pub const METHOD: &str = "Alkire–Foster counting method: a respondent is deprived in an indicator below its cutoff, has a weighted deprivation score, and is deprived across dimensions when the score reaches k (a score equal to k up to 1e-9 counts); H = share deprived, A = mean score of the deprived, M0 = H × A; contributions = weight × censored headcount ratio / M0; 95% intervals by percentile bootstrap within each group (seeded); difference in M0 between two groups by a z-test on the censored scores; unweighted (a source's design weights are not applied)";

/// Default bootstrap replications and seed.
pub const REPLICATIONS: usize = 1000;
pub const SEED: u64 = 20_110_701;

/// The k cutoffs and the robustness range, as written.
pub struct Parameters<'a> {
    pub written: Written<'a>,
    pub also_by: Option<&'a [Spanned<String>]>,
    pub bootstrap: Option<&'a Spanned<u32>>,
    pub seed: Option<u64>,
    /// False when the results will not be shown (`capakit check`): no bootstrap replications.
    pub resample: bool,
}

/// Everything at one k.
#[derive(Debug, Clone, Serialize)]
pub struct AtK {
    pub k: f64,
    #[serde(flatten)]
    pub measures: Measures,
    /// M0 of each pair of groups compared (z-test on censored scores; p adjusted by Holm).
    pub differences: Vec<DifferenceRow>,
}

#[derive(Debug, Clone, Serialize)]
pub struct DifferenceRow {
    pub groups: [String; 2],
    #[serde(flatten)]
    pub test: Difference,
    pub p_adjusted: Option<f64>,
}

/// Another grouping variable at the headline k: the subgroup decomposition.
#[derive(Debug, Clone, Serialize)]
pub struct Breakdown {
    pub by: String,
    /// The grouping question's labels.
    pub by_labels: Labels,
    pub group_labels: Vec<Labels>,
    pub overall: GroupMeasure,
    pub groups: Vec<GroupMeasure>,
}

/// The results across a range of k.
#[derive(Debug, Clone, Serialize)]
pub struct Sensitivity {
    pub ks: Vec<f64>,
    /// Per k: the whole sample.
    pub overall: Vec<GroupMeasure>,
    /// Per group, per k.
    pub groups: Vec<Vec<GroupMeasure>>,
    /// Per pair of groups: whether the order by M0 is the same at every k.
    pub rankings: Vec<Ranking>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Ranking {
    pub groups: [String; 2],
    /// True when the order of the two groups by M0 at the headline k is the same at every k
    /// where both are shown; null when it is hidden at the headline k.
    pub holds: Option<bool>,
    /// The ks at which the order differs from the order at the headline k.
    pub reversed_at: Vec<f64>,
    /// The ks at which both values are hidden or one is, so the order was not assessed.
    pub not_assessed_at: Vec<f64>,
    /// The ks at which both values are shown and the order was compared: the range a claim
    /// that the order holds may name, no wider.
    pub assessed_at: Vec<f64>,
}

/// How many respondents are deprived in 0, up to 1, up to 2 … weighted indicators.
#[derive(Debug, Clone, Serialize)]
pub struct Distribution {
    /// Upper bound of each bin in weighted indicators (0 for "none").
    pub bins: Vec<usize>,
    pub overall: Vec<Option<u64>>,
    /// `groups[g][b]`.
    pub groups: Vec<Vec<Option<u64>>>,
    pub suppressed: usize,
}

/// Equal weights beside participatory ones.
#[derive(Debug, Clone, Serialize)]
pub struct EqualWeights {
    pub overall: GroupMeasure,
    pub groups: Vec<GroupMeasure>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CapabilityResult {
    /// With three groups or more, the groups ranked by M0 at the headline k (rank 1: the lowest
    /// M0), each with its 95 % rank interval: never a bare rank.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub ranking: Vec<RankRow>,
    pub by: Option<String>,
    pub groups: Vec<String>,
    pub group_labels: Vec<Labels>,
    pub method: &'static str,
    /// How the standard errors and intervals are found.
    pub variance: Variance,
    pub weighting: Weighting,
    pub dimensions: Vec<Dimension>,
    pub indicators: Vec<Indicator>,
    /// Respondents in the index and left out (a missing answer to an indicator that excludes).
    pub n: Option<u64>,
    pub n_excluded: Option<u64>,
    pub resampling: Resampling,
    /// One entry per k written; the first is the headline.
    pub results: Vec<AtK>,
    pub breakdowns: Vec<Breakdown>,
    pub sensitivity: Sensitivity,
    pub distribution: Distribution,
    pub equal_weights: Option<EqualWeights>,
    /// Written weights that summed to 1 only within rounding (±0.001), divided by their sum:
    /// which weights and the sum.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub weights_rescaled: Option<spec::Rescaled>,
}

/// The column of an item (or a scale's score) of the dataset, typed for cutoffs.
fn column_of<'a>(dataset: &'a Dataset, name: &str) -> Option<Column<'a>> {
    let ins = &dataset.instrument;
    if let Some(scale) = ins.scale(name) {
        return Some(Column {
            kind: ColumnKind::Numeric,
            labels: scale.labels.clone(),
            values: Values::Scores(dataset.scale_scores(&scale.name)),
        });
    }
    let item = ins.item(name)?;
    if !dataset.has(name) {
        return None;
    }
    let list = ins.list_of(item);
    let names = || {
        list.map(|l| l.choices.iter().map(|c| c.name.clone()).collect())
            .unwrap_or_default()
    };
    let kind = match &item.kind {
        ItemKind::Integer | ItemKind::Decimal => ColumnKind::Numeric,
        ItemKind::SelectOne => ColumnKind::Choice {
            names: names(),
            numeric: list.is_some_and(|l| l.is_numeric()),
        },
        ItemKind::SelectMultiple => ColumnKind::Multiple { names: names() },
        _ => ColumnKind::Text,
    };
    let values = match dataset.number_slice(name) {
        Some(v) => Values::Stored(v),
        None => Values::Borrowed(dataset.texts(name)?),
    };
    Some(Column {
        kind,
        labels: item.labels.clone(),
        values,
    })
}

/// The design and the deprivation matrix of a dataset.
pub fn design_of(set: &SpecSet, dataset: &Dataset, p: &Parameters) -> Result<(Design, Matrix)> {
    let unknown = |name: &str| {
        format!(
            "'{name}' is not an item or a scale of {} present in {}",
            dataset.instrument.file, dataset.file
        )
    };
    let (mut design, values) =
        design::resolve(set, &p.written, &|n| column_of(dataset, n), &unknown)?;
    let mut matrix = design::matrix(&design, &values, dataset.height());
    // A scale score's distribution is published as no table of counts: only indicators read
    // from a question can be differenced against the answers' tables.
    for (ind, left_out) in design.indicators.iter().zip(matrix.left_out.iter_mut()) {
        if dataset.instrument.item(&ind.item).is_none() {
            left_out.clear();
        }
    }
    if design.weighting == Weighting::Participatory {
        let ratings = |name: &str| {
            let item = dataset.instrument.item(name)?;
            let numeric = item.kind.is_numeric()
                || dataset
                    .instrument
                    .list_of(item)
                    .is_some_and(|l| l.is_numeric());
            numeric.then(|| dataset.numbers(name)).flatten()
        };
        design::participatory(
            set,
            p.written.dimensions.get_ref(),
            &mut design,
            &matrix.rows,
            &ratings,
        )?;
    }
    Ok((design, matrix))
}

/// The split of the respondents in the index by `groups`.
fn split_of<'a>(
    groups: &'a Groups,
    matrix: &'a Matrix,
    height: usize,
    min_cell: u64,
    publish_left_out: bool,
    weights: Option<Weights<'a>>,
) -> Split<'a> {
    let mut excluded = vec![0u64; groups.names.len() + 1];
    let mut kept = vec![false; height];
    for &r in &matrix.rows {
        kept[r] = true;
    }
    for (r, k) in kept.iter().enumerate() {
        if !k {
            excluded[groups.index[r].unwrap_or(groups.names.len())] += 1;
        }
    }
    Split {
        names: &groups.names,
        parents: &groups.parents,
        of_kept: matrix.rows.iter().map(|&r| groups.index[r]).collect(),
        of_left_out: matrix
            .left_out_rows
            .iter()
            .map(|&r| groups.index[r])
            .collect(),
        left_out: &matrix.left_out,
        excluded,
        hidden: groups.hidden_sizes(height, min_cell),
        publish_left_out,
        weights,
    }
}

pub(super) fn run(
    set: &SpecSet,
    study: &Study,
    dataset: &Dataset,
    by: Option<&Spanned<String>>,
    p: &Parameters,
) -> Result<CapabilityResult> {
    let (mut design, matrix) = design_of(set, dataset, p)?;
    let min_cell = study.min_cell;
    for imp in design
        .dimensions
        .iter_mut()
        .filter_map(|d| d.importance.as_mut())
    {
        let Some(n) = imp.n else { continue };
        let counts = [n as u64, (matrix.rows.len() - n) as u64];
        let hidden = crate::disclosure::protect_list(&counts, min_cell);
        if study.protects_missing(dataset.instrument.item(&imp.item))
            && hidden.iter().any(Option::is_some)
        {
            imp.n = None;
        }
    }
    // Those left out for a missing answer are counted openly unless missing answers to an
    // indicator (or to a scale's items) are protected.
    let ins = &dataset.instrument;
    let publish_left_out =
        !study.protects_missing(
            design
                .indicators
                .iter()
                .flat_map(|i| match ins.scale(&i.item) {
                    Some(s) => s.items.iter().filter_map(|n| ins.item(n)).collect(),
                    None => ins.item(&i.item).into_iter().collect::<Vec<_>>(),
                }),
        );
    let height = dataset.height();
    let weights: Vec<f64> = design.indicators.iter().map(|i| i.weight).collect();
    let scores = deprivation_scores(&matrix.deprived, &weights);
    let survey = survey_design(dataset);
    let weights_of = survey.as_ref().map(|design| Weights {
        design,
        rows: &matrix.rows,
    });
    let resampling = Resampling {
        replications: match (p.resample, p.bootstrap) {
            (false, _) => 0,
            // With design weights the intervals are design-based, not resampled.
            _ if survey.is_some() => 0,
            (true, Some(b)) => *b.get_ref() as usize,
            (true, None) => REPLICATIONS,
        },
        seed: p.seed.unwrap_or(SEED),
    };
    // Without a grouping column the whole sample is one group-less split.
    let groups = Groups::for_spec(set, study, dataset, by)?.unwrap_or_else(|| Groups {
        by: String::new(),
        names: Vec::new(),
        labels: Vec::new(),
        index: vec![None; height],
        known: Vec::new(),
        parents: Vec::new(),
    });
    let split = split_of(&groups, &matrix, height, min_cell, publish_left_out, weights_of);

    let results: Vec<AtK> = design
        .ks
        .iter()
        .map(|&k| {
            let m = measures(&design, &matrix, &scores, &split, k, min_cell, resampling);
            let differences = differences(&m, &split, &scores, k);
            AtK {
                k,
                measures: m,
                differences,
            }
        })
        .collect();
    let k0 = design.ks[0];

    let mut breakdowns = Vec::new();
    for b in p.also_by.unwrap_or_default() {
        let Some(g) = Groups::for_spec(set, study, dataset, Some(b))? else {
            continue;
        };
        let s = split_of(&g, &matrix, height, min_cell, publish_left_out, weights_of);
        let m = measures(&design, &matrix, &scores, &s, k0, min_cell, resampling);
        breakdowns.push(Breakdown {
            by_labels: super::labels_of(dataset, &g.by),
            by: g.by.clone(),
            group_labels: g.labels.clone(),
            overall: m.overall,
            groups: m.groups,
        });
    }

    let sensitivity = sensitivity(&design, &scores, &split, min_cell);
    let distribution = distribution(&design, &scores, &split, &results[0].measures, min_cell);
    let equal_weights = (design.weighting == Weighting::Participatory).then(|| {
        let w: Vec<f64> = design.indicators.iter().map(|i| i.equal_weight).collect();
        let s = deprivation_scores(&matrix.deprived, &w);
        let (overall, groups) = headlines(&s, &split, k0, min_cell);
        EqualWeights { overall, groups }
    });
    // The numbers kept and left out: a list with its total, protected like any other.
    let counts = [matrix.rows.len() as u64, matrix.excluded as u64];
    let hidden =
        crate::disclosure::protect_list_with(&counts, min_cell, &[false, publish_left_out]);
    Ok(CapabilityResult {
        ranking: ranking(&results[0].measures, &split, &scores, k0),
        by: (!groups.by.is_empty()).then(|| groups.by.clone()),
        groups: groups.names.clone(),
        group_labels: groups.labels.clone(),
        method: if survey.is_some() {
            METHOD_WEIGHTED
        } else {
            METHOD
        },
        variance: match &survey {
            Some(d) => Variance {
                method: "taylor",
                strata: Some(d.strata()),
                psus: Some(d.psus()),
                single_psu_strata: Some(d.single_psu_strata()),
                weight_column: dataset.weight_column.clone(),
                strata_column: dataset.strata_column.clone(),
                psu_column: dataset.psu_column.clone(),
            },
            None => Variance {
                method: "bootstrap",
                strata: None,
                psus: None,
                single_psu_strata: None,
                weight_column: None,
                strata_column: None,
                psu_column: None,
            },
        },
        weighting: design.weighting,
        n: hidden[0].is_none().then_some(counts[0]),
        n_excluded: hidden[1].is_none().then_some(counts[1]),
        resampling,
        results,
        breakdowns,
        sensitivity,
        distribution,
        equal_weights,
        weights_rescaled: design.rescaled.clone(),
        dimensions: design.dimensions,
        indicators: design.indicators,
    })
}

/// A group's place among the groups by M0: its estimate, standard error and 95 % rank interval
/// (the marginal confidence set of Mogstad, Romano, Shaikh & Wilhelm 2024; see
/// [`crate::stats::ranks`]).
#[derive(Debug, Clone, Serialize)]
pub struct RankRow {
    pub group: String,
    #[serde(rename = "M0")]
    pub m0: f64,
    pub se: f64,
    /// The best and worst rank the group may hold (1: the lowest M0).
    pub best: usize,
    pub worst: usize,
}

/// The groups shown ranked by M0 at the headline k, with rank intervals from their standard
/// errors: design-based with weights, else the standard error of the mean censored score.
fn ranking(m: &Measures, split: &Split, scores: &[f64], k: f64) -> Vec<RankRow> {
    if m.groups.len() < 3 {
        return Vec::new();
    }
    let mut censored: Vec<Vec<f64>> = vec![Vec::new(); m.groups.len()];
    for (r, g) in split.of_kept.iter().enumerate() {
        if let Some(g) = g {
            censored[*g].push(crate::stats::counting::censored(scores[r], k));
        }
    }
    let (mut est, mut se) = (Vec::new(), Vec::new());
    for (g, gm) in m.groups.iter().enumerate() {
        let (e, s) = match (&gm.weighted, gm.m0) {
            (Some(w), Some(_)) => (Some(w.m0.value), Some(w.m0.se)),
            (None, Some(m0)) => {
                let x = &censored[g];
                let n = x.len() as f64;
                let sd = crate::stats::descriptive::sd(x);
                (Some(m0), sd.map(|sd| sd / n.sqrt()))
            }
            _ => (None, None),
        };
        est.push(e.filter(|_| s.is_some()));
        se.push(s);
    }
    let intervals = crate::stats::ranks::rank_intervals(&est, &se, 0.95, false);
    let mut rows: Vec<RankRow> = m
        .groups
        .iter()
        .zip(intervals)
        .zip(est.iter().zip(&se))
        .filter_map(|((gm, iv), (e, s))| {
            let [best, worst] = iv?;
            Some(RankRow {
                group: gm.group.clone()?,
                m0: (*e)?,
                se: (*s)?,
                best,
                worst,
            })
        })
        .collect();
    rows.sort_by(|a, b| a.m0.total_cmp(&b.m0).then(a.group.cmp(&b.group)));
    rows
}

/// M0 compared between every pair of groups shown, p-values adjusted by Holm's method; with design
/// weights, by the design-based standard error of the difference of the two domains' weighted
/// mean censored scores (R survey's svyby + svycontrast), as a z-test.
fn differences(m: &Measures, split: &Split, scores: &[f64], k: f64) -> Vec<DifferenceRow> {
    let mut rows = Vec::new();
    let weighted_difference = |w: &Weights, a: usize, b: usize| -> Option<Difference> {
        let mut at = vec![usize::MAX; w.design.len()];
        for (r, &row) in w.rows.iter().enumerate() {
            at[row] = r;
        }
        let of = |g: usize| -> Vec<usize> {
            split
                .of_kept
                .iter()
                .enumerate()
                .filter(|(_, x)| **x == Some(g))
                .map(|(r, _)| w.rows[r])
                .collect()
        };
        let cens = |row: usize| crate::stats::counting::censored(scores[at[row]], k);
        let (difference, se) = w.design.difference(&cens, &of(a), &of(b))?;
        if se <= 0.0 {
            return None;
        }
        let normal = statrs::distribution::Normal::new(0.0, 1.0).ok()?;
        use statrs::distribution::ContinuousCDF;
        let z = difference / se;
        let half = normal.inverse_cdf(0.975) * se;
        Some(Difference {
            difference,
            se,
            z,
            p: (2.0 * normal.sf(z.abs())).min(1.0),
            ci95: [difference - half, difference + half],
        })
    };
    let of = |g: usize| -> Vec<f64> {
        split
            .of_kept
            .iter()
            .zip(scores)
            .filter(|(x, _)| **x == Some(g))
            .map(|(_, s)| *s)
            .collect()
    };
    let shown: Vec<usize> = (0..split.names.len())
        .filter(|&g| m.groups[g].m0.is_some())
        .collect();
    for (i, &a) in shown.iter().enumerate() {
        for &b in &shown[i + 1..] {
            let test = match &split.weights {
                Some(w) => weighted_difference(w, a, b),
                None => m0_difference(&of(a), &of(b), k),
            };
            if let Some(test) = test {
                rows.push(DifferenceRow {
                    groups: [split.names[a].clone(), split.names[b].clone()],
                    test,
                    p_adjusted: None,
                });
            }
        }
    }
    let p: Vec<f64> = rows.iter().map(|r| r.test.p).collect();
    for (r, a) in rows.iter_mut().zip(adjust(&p, Correction::Holm)) {
        r.p_adjusted = Some(a);
    }
    rows
}

fn sensitivity(design: &Design, scores: &[f64], split: &Split, min_cell: u64) -> Sensitivity {
    let mut overall = Vec::new();
    let mut groups = vec![Vec::new(); split.names.len()];
    for &k in &design.k_range {
        let (o, g) = headlines(scores, split, k, min_cell);
        overall.push(o);
        for (list, x) in groups.iter_mut().zip(g) {
            list.push(x);
        }
    }
    let headline_at = design
        .k_range
        .iter()
        .position(|k| (k - design.ks[0]).abs() < 1e-12)
        .unwrap_or(0);
    let mut rankings = Vec::new();
    for a in 0..split.names.len() {
        for b in a + 1..split.names.len() {
            let order: Vec<Option<std::cmp::Ordering>> = groups[a]
                .iter()
                .zip(&groups[b])
                .map(|(x, y)| x.m0?.partial_cmp(&y.m0?))
                .collect();
            let at = |f: &dyn Fn(&Option<std::cmp::Ordering>) -> bool| -> Vec<f64> {
                order
                    .iter()
                    .zip(&design.k_range)
                    .filter(|(o, _)| f(o))
                    .map(|(_, k)| *k)
                    .collect()
            };
            let reference = order.get(headline_at).copied().flatten();
            let reversed_at = at(&|o| reference.is_some() && o.is_some() && *o != reference);
            rankings.push(Ranking {
                groups: [split.names[a].clone(), split.names[b].clone()],
                holds: reference.map(|_| reversed_at.is_empty()),
                reversed_at,
                not_assessed_at: at(&|o| o.is_none()),
                assessed_at: at(&|o| o.is_some()),
            });
        }
    }
    Sensitivity {
        ks: design.k_range.clone(),
        overall,
        groups,
        rankings,
    }
}

fn distribution(
    design: &Design,
    scores: &[f64],
    split: &Split,
    headline: &Measures,
    min_cell: u64,
) -> Distribution {
    let d = design.indicators.len();
    let g = split.names.len();
    let mut table = vec![vec![0u64; g + 1]; d + 1];
    for (s, grp) in scores.iter().zip(&split.of_kept) {
        table[score_bin(*s, d)][grp.unwrap_or(g)] += 1;
    }
    // The column of those without a group is never published.
    let without = table.iter().any(|row| row[g] > 0);
    if !without {
        for row in &mut table {
            row.pop();
        }
    }
    let mut hidden: Vec<bool> = headline.groups.iter().map(|m| m.n.is_none()).collect();
    hidden.resize(table[0].len(), true);
    let p = protect_with(&table, min_cell, &hidden);
    let shown = |x: u64, h: Option<Suppression>| h.is_none().then_some(x);
    Distribution {
        bins: (0..=d).collect(),
        overall: table
            .iter()
            .zip(&p.rows)
            .map(|(row, h)| shown(row.iter().sum(), *h))
            .collect(),
        groups: (0..g)
            .map(|j| {
                table
                    .iter()
                    .zip(&p.cells)
                    .map(|(row, h)| shown(row[j], h[j]))
                    .collect()
            })
            .collect(),
        suppressed: p.hidden(),
    }
}
