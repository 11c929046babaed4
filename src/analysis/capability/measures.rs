//! The Alkire–Foster measures of one grouping at one cutoff k, as published: H, A and M0 of the
//! whole sample and of every group with bootstrap intervals and each group's contribution to M0,
//! censored and uncensored headcounts by indicator × group, and the indicators' and dimensions'
//! contributions.
//!
//! Disclosure control: the deprived, the not deprived and those left out of the index form a
//! table by group whose column totals are the group sizes published elsewhere; it is protected
//! with [`crate::disclosure::protect_with`], and a group's H, A and M0 are shown only when both
//! its deprived and its not-deprived counts are (A and M0 would otherwise give the count away).
//! Each indicator's headcounts are protected the same way against the groups' sizes.

use serde::Serialize;

use crate::disclosure::{protect_with, Suppression};
use crate::stats::{bootstrap, headline, is_deprived, Intervals};

use super::design::{Design, Matrix};

/// The measures of one group (or of the whole sample), as published (null where hidden).
#[derive(Debug, Clone, Serialize)]
pub struct GroupMeasure {
    /// The group's name; null for the whole sample.
    pub group: Option<String>,
    /// Respondents in the index.
    pub n: Option<u64>,
    /// The group's share of the respondents in the index.
    pub population_share: Option<f64>,
    /// Respondents deprived at k.
    pub deprived: Option<u64>,
    #[serde(rename = "H")]
    pub h: Option<f64>,
    #[serde(rename = "A")]
    pub a: Option<f64>,
    #[serde(rename = "M0")]
    pub m0: Option<f64>,
    /// Percentile bootstrap 95% intervals.
    pub ci95: Option<Intervals>,
    /// The group's share of the whole sample's M0 (population share × M0 of the group / M0).
    pub contribution: Option<f64>,
    pub suppressed: Option<Suppression>,
}

/// A count as published, with its percentage of the group's respondents in the index.
#[derive(Debug, Clone, Serialize)]
pub struct Share {
    pub count: Option<u64>,
    pub percent: Option<f64>,
    pub suppressed: Option<Suppression>,
}

/// One indicator in one group (or in the whole sample).
#[derive(Debug, Clone, Serialize)]
pub struct IndicatorCell {
    /// Deprived in the indicator.
    pub uncensored: Share,
    /// Deprived in the indicator and across dimensions.
    pub censored: Share,
    /// The indicator's share of the group's M0.
    pub contribution: Option<f64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct IndicatorRow {
    pub id: String,
    pub overall: IndicatorCell,
    pub groups: Vec<IndicatorCell>,
}

#[derive(Debug, Clone, Serialize)]
pub struct DimensionRow {
    pub id: String,
    pub overall: Option<f64>,
    pub groups: Vec<Option<f64>>,
}

/// The measures of one grouping at one k.
#[derive(Debug, Clone, Serialize)]
pub struct Measures {
    pub overall: GroupMeasure,
    pub groups: Vec<GroupMeasure>,
    pub indicators: Vec<IndicatorRow>,
    pub dimensions: Vec<DimensionRow>,
}

/// How the respondents split into groups: `of_kept[r]` is the group of the r-th respondent in
/// the index (`None` without one), `excluded[g]` those left out of the index per group (the last
/// entry: without a group), `hidden[g]` the group sizes hidden elsewhere in the report.
pub struct Split<'a> {
    pub names: &'a [String],
    pub of_kept: Vec<Option<usize>>,
    pub excluded: Vec<u64>,
    pub hidden: Vec<bool>,
}

impl Split<'_> {
    /// Columns of the protected tables: the groups, and one unpublished column for those
    /// without a group when there are any.
    fn columns(&self) -> usize {
        let without = self.of_kept.iter().any(Option::is_none) || self.excluded.last() > Some(&0);
        self.names.len() + usize::from(without)
    }

    fn col(&self, g: Option<usize>) -> usize {
        g.unwrap_or(self.names.len())
    }

    fn hidden_cols(&self) -> Vec<bool> {
        let mut h = self.hidden.clone();
        h.resize(self.columns(), true);
        h
    }
}

/// Bootstrap settings.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Resampling {
    pub replications: usize,
    pub seed: u64,
}

fn share(count: u64, of: Option<u64>, hidden: Option<Suppression>) -> Share {
    let shown = hidden.is_none();
    Share {
        count: shown.then_some(count),
        percent: of
            .filter(|&n| shown && n > 0)
            .map(|n| 100.0 * count as f64 / n as f64),
        suppressed: hidden,
    }
}

/// An indicator's contribution to M0: of the whole sample, and of each group.
type Contributions = (Option<f64>, Vec<Option<f64>>);

/// The measures of `split` at cutoff `k`, protected at `min_cell`.
pub fn measures(
    design: &Design,
    m: &Matrix,
    scores: &[f64],
    split: &Split,
    k: f64,
    min_cell: u64,
    resampling: Resampling,
) -> Measures {
    let c = split.columns();
    let hidden_cols = split.hidden_cols();
    // Deprived, not deprived, left out × columns.
    let mut counts = vec![vec![0u64; c]; 3];
    let mut members: Vec<Vec<usize>> = vec![Vec::new(); c];
    for (r, g) in split.of_kept.iter().enumerate() {
        let j = split.col(*g);
        members[j].push(r);
        counts[usize::from(!is_deprived(scores[r], k))][j] += 1;
    }
    for (j, e) in split.excluded.iter().enumerate() {
        let j = if j < split.names.len() {
            j
        } else {
            split.names.len()
        };
        if j < c {
            counts[2][j] += e;
        }
    }
    if counts[2].iter().all(|&x| x == 0) {
        counts.pop();
    }
    let p = protect_with(&counts, min_cell, &hidden_cols);
    let shown: Vec<bool> = (0..c)
        .map(|j| p.cells[0][j].is_none() && p.cells[1][j].is_none())
        .collect();
    let overall_shown = p.rows[0].is_none() && p.rows[1].is_none();
    let all: Vec<usize> = (0..scores.len()).collect();
    let total = headline(scores.iter().copied(), k);
    let n_all = scores.len() as u64;
    let measure_of = |rows: &[usize], show: bool, hidden: Option<Suppression>, seed: u64| {
        let x = headline(rows.iter().map(|&r| scores[r]), k);
        let group_scores: Vec<f64> = rows.iter().map(|&r| scores[r]).collect();
        let n = rows.len() as u64;
        let contribution = match (x, total) {
            (Some(x), Some(t)) if t.m0 > 0.0 && n_all > 0 => {
                Some(n as f64 / n_all as f64 * x.m0 / t.m0)
            }
            _ => None,
        };
        GroupMeasure {
            group: None,
            n: show.then_some(n),
            population_share: (show && n_all > 0).then(|| n as f64 / n_all as f64),
            deprived: x.filter(|_| show).map(|x| x.deprived as u64),
            h: x.filter(|_| show).map(|x| x.h),
            a: x.filter(|_| show).and_then(|x| x.a),
            m0: x.filter(|_| show).map(|x| x.m0),
            ci95: show
                .then(|| bootstrap(&group_scores, k, resampling.replications, seed))
                .flatten(),
            contribution: contribution.filter(|_| show),
            suppressed: if show {
                None
            } else {
                hidden.or(Some(Suppression::Secondary))
            },
        }
    };
    let overall_hidden = p.rows[0].or(p.rows[1]);
    let overall = measure_of(&all, overall_shown, overall_hidden, resampling.seed);
    let groups: Vec<GroupMeasure> = split
        .names
        .iter()
        .enumerate()
        .map(|(g, name)| {
            let hidden = p.cells[0][g].or(p.cells[1][g]);
            let seed = resampling.seed.wrapping_add(1 + g as u64);
            GroupMeasure {
                group: Some(name.clone()),
                ..measure_of(&members[g], shown[g], hidden, seed)
            }
        })
        .collect();

    // Indicators: deprived / not deprived × columns, uncensored and censored.
    let n_col: Vec<Option<u64>> = (0..c)
        .map(|j| shown[j].then_some(members[j].len() as u64))
        .collect();
    let hidden_ind: Vec<bool> = (0..c).map(|j| !shown[j]).collect();
    let group_m0: Vec<Option<f64>> = (0..c)
        .map(|j| {
            headline(members[j].iter().map(|&r| scores[r]), k)
                .filter(|_| shown[j])
                .map(|x| x.m0)
        })
        .collect();
    let mut indicators = Vec::new();
    // Each indicator's contribution to the whole sample's M0 and to each group's.
    let mut contributions: Vec<Contributions> = Vec::new();
    for (ind, column) in design.indicators.iter().zip(&m.deprived) {
        let mut unc = vec![vec![0u64; c]; 2];
        let mut cen = vec![vec![0u64; c]; 2];
        for (j, rows) in members.iter().enumerate() {
            for &r in rows {
                let d = column[r];
                unc[usize::from(!d)][j] += 1;
                cen[usize::from(!(d && is_deprived(scores[r], k)))][j] += 1;
            }
        }
        let pu = protect_with(&unc, min_cell, &hidden_ind);
        let pc = protect_with(&cen, min_cell, &hidden_ind);
        let contribution = |count: u64, n: u64, m0: Option<f64>, hidden: Option<Suppression>| {
            m0.filter(|&m| m > 0.0 && n > 0 && hidden.is_none())
                .map(|m| ind.weight * count as f64 / n as f64 / m)
        };
        let overall_n = overall_shown.then_some(n_all);
        let overall_cell = IndicatorCell {
            uncensored: share(unc[0].iter().sum(), overall_n, pu.rows[0].or(pu.rows[1])),
            censored: share(cen[0].iter().sum(), overall_n, pc.rows[0].or(pc.rows[1])),
            contribution: contribution(
                cen[0].iter().sum(),
                n_all,
                overall.m0,
                pc.rows[0].or(pc.rows[1]),
            ),
        };
        let cells: Vec<IndicatorCell> = (0..split.names.len())
            .map(|j| {
                let hidden_c = pc.cells[0][j].or(pc.cells[1][j]);
                IndicatorCell {
                    uncensored: share(unc[0][j], n_col[j], pu.cells[0][j].or(pu.cells[1][j])),
                    censored: share(cen[0][j], n_col[j], hidden_c),
                    contribution: contribution(
                        cen[0][j],
                        members[j].len() as u64,
                        group_m0[j],
                        hidden_c,
                    ),
                }
            })
            .collect();
        contributions.push((
            overall_cell.contribution,
            cells.iter().map(|x| x.contribution).collect(),
        ));
        indicators.push(IndicatorRow {
            id: ind.id.clone(),
            overall: overall_cell,
            groups: cells,
        });
    }
    let sum_of = |d: usize, pick: &dyn Fn(&Contributions) -> Option<f64>| {
        design
            .indicators
            .iter()
            .zip(&contributions)
            .filter(|(i, _)| i.dimension == d)
            .map(|(_, c)| pick(c))
            .sum::<Option<f64>>()
    };
    let dimensions = design
        .dimensions
        .iter()
        .enumerate()
        .map(|(d, dim)| DimensionRow {
            id: dim.id.clone(),
            overall: sum_of(d, &|c| c.0),
            groups: (0..split.names.len())
                .map(|g| sum_of(d, &|c| c.1[g]))
                .collect(),
        })
        .collect();
    Measures {
        overall,
        groups,
        indicators,
        dimensions,
    }
}

/// H, A and M0 only (no intervals, no indicators) of the whole sample and of every group, as
/// published: for the robustness analysis across k and the equal-weights comparison.
pub fn headlines(
    scores: &[f64],
    split: &Split,
    k: f64,
    min_cell: u64,
) -> (GroupMeasure, Vec<GroupMeasure>) {
    let design = Design {
        weighting: super::spec::Weighting::Equal,
        dimensions: Vec::new(),
        indicators: Vec::new(),
        ks: vec![k],
        k_range: vec![k],
    };
    let m = Matrix {
        deprived: Vec::new(),
        rows: Vec::new(),
        excluded: 0,
        excluded_by: Vec::new(),
    };
    let x = measures(
        &design,
        &m,
        scores,
        split,
        k,
        min_cell,
        Resampling {
            replications: 0,
            seed: 0,
        },
    );
    (x.overall, x.groups)
}
