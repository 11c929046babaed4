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

use crate::disclosure::{protect_nested, summary_min, Suppression};
use crate::stats::survey::{Estimate, SurveyDesign};
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
    /// With design weights: the weighted estimates (H, A, M0 and population share above are
    /// then these values) with design-based standard errors and 95% intervals.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub weighted: Option<WeightedMeasure>,
}

/// The weighted H, A, M0 of a group (or of the whole sample) and its contribution to M0.
#[derive(Debug, Clone, Serialize)]
pub struct WeightedMeasure {
    #[serde(rename = "H")]
    pub h: Estimate,
    #[serde(rename = "A")]
    pub a: Option<Estimate>,
    #[serde(rename = "M0")]
    pub m0: Estimate,
    /// The group's share of the whole sample's M0 (null for the whole sample).
    pub contribution: Option<Estimate>,
}

/// A count as published, with its percentage of the group's respondents in the index.
#[derive(Debug, Clone, Serialize)]
pub struct Share {
    pub count: Option<u64>,
    /// With design weights, the weighted percentage.
    pub percent: Option<f64>,
    pub suppressed: Option<Suppression>,
    /// With design weights: the weighted share (0–1) with its standard error and interval.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub weighted: Option<Estimate>,
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
    /// How many in ten are not deprived in the indicator (the attainment read to young people).
    pub attained_in_ten: Option<u64>,
    /// With design weights: the contribution with its standard error and interval.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contribution_weighted: Option<Estimate>,
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
    /// With design weights: the contributions with their standard errors and intervals.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub weighted: Option<WeightedDimension>,
}

#[derive(Debug, Clone, Serialize)]
pub struct WeightedDimension {
    pub overall: Option<Estimate>,
    pub groups: Vec<Option<Estimate>>,
}

/// A weighted sample: its design, and the row of the dataset of every respondent in the index.
#[derive(Clone, Copy)]
pub struct Weights<'a> {
    pub design: &'a SurveyDesign,
    pub rows: &'a [usize],
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
    /// Each group's parent territory ([`crate::analysis::Groups::parents`]): tables of groups
    /// below the top level are protected within each parent too.
    pub parents: &'a [Option<usize>],
    pub of_kept: Vec<Option<usize>>,
    /// The group of each respondent left out of the index, and whether each is deprived in each
    /// indicator ([`super::design::Matrix::left_out`]).
    pub of_left_out: Vec<Option<usize>>,
    pub left_out: &'a [Vec<Option<bool>>],
    pub excluded: Vec<u64>,
    pub hidden: Vec<bool>,
    /// Whether the numbers left out are published as they are (missing answers not protected).
    pub publish_left_out: bool,
    /// Design weights, when the source has them: the measures are then weighted.
    pub weights: Option<Weights<'a>>,
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

    /// The parent of each of `cols` columns (none past the groups).
    fn parents_of(&self, cols: usize) -> Vec<Option<usize>> {
        let mut p = self.parents.to_vec();
        p.resize(cols, None);
        p
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
        weighted: None,
    }
}

/// Those left out of the index are in the tables of answers (the profile) but not in its counts:
/// the answers' count minus the index's count of the deprived (or not deprived) gives theirs.
/// Where that is 1 to k − 1 people in a group, the group's headcount of the indicator is hidden,
/// and the whole sample's with it (it would give the group's back from the others); where it is
/// so for the whole sample, the whole sample's is hidden.
fn withhold_beside_left_out(
    p: &mut crate::disclosure::Protection,
    split: &Split,
    indicator: usize,
    min_cell: u64,
) {
    let Some(values) = split.left_out.get(indicator) else {
        return;
    };
    let small = |n: u64| n > 0 && n < min_cell;
    let mut columns = vec![[0u64; 2]; split.names.len()];
    let mut overall = [0u64; 2];
    for (value, group) in values.iter().zip(&split.of_left_out) {
        let Some(deprived) = value else { continue };
        let side = usize::from(!deprived);
        overall[side] += 1;
        if let Some(g) = group {
            columns[*g][side] += 1;
        }
    }
    let mut any = false;
    for (j, c) in columns.iter().enumerate() {
        if c.iter().any(|&n| small(n)) {
            any = true;
            for row in p.cells.iter_mut() {
                row[j].get_or_insert(Suppression::Secondary);
            }
        }
    }
    if any || overall.iter().any(|&n| small(n)) {
        for row in p.rows.iter_mut() {
            row.get_or_insert(Suppression::Secondary);
        }
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
    let exempt = [false, false, split.publish_left_out];
    let p = protect_nested(
        &counts,
        min_cell,
        &hidden_cols,
        &exempt[..counts.len()],
        &split.parents_of(counts.first().map_or(0, Vec::len)),
    );
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
            weighted: None,
        }
    };
    // The whole sample and each group, each resampled with its own seed: side by side on the
    // machine's cores, with the same numbers as one after the other.
    let overall_hidden = p.rows[0].or(p.rows[1]);
    // (The group, its rows, whether it is shown, why not, its seed.)
    type Wanted<'a> = (Option<String>, &'a [usize], bool, Option<Suppression>, u64);
    let mut wanted: Vec<Wanted> = vec![(None, &all, overall_shown, overall_hidden, resampling.seed)];
    for (g, name) in split.names.iter().enumerate() {
        let hidden = p.cells[0][g].or(p.cells[1][g]);
        let seed = resampling.seed.wrapping_add(1 + g as u64);
        wanted.push((Some(name.clone()), &members[g], shown[g], hidden, seed));
    }
    let mut measured = crate::parallel::map(&wanted, |(name, rows, show, hidden, seed)| {
        GroupMeasure {
            group: name.clone(),
            ..measure_of(rows, *show, *hidden, *seed)
        }
    });
    let groups: Vec<GroupMeasure> = measured.split_off(1.min(measured.len()));
    let overall = measured.pop().unwrap_or_else(|| {
        measure_of(&all, overall_shown, overall_hidden, resampling.seed)
    });

    // Indicators: deprived / not deprived × columns, uncensored and censored.
    let n_col: Vec<Option<u64>> = (0..c)
        .map(|j| shown[j].then_some(members[j].len() as u64))
        .collect();
    let hidden_ind: Vec<bool> = (0..c).map(|j| !shown[j]).collect();
    let mut indicators = Vec::new();
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
        let parents = split.parents_of(c);
        let mut pu = protect_nested(&unc, min_cell, &hidden_ind, &[], &parents);
        let index = indicators.len();
        withhold_beside_left_out(&mut pu, split, index, min_cell);
        let pc = protect_nested(&cen, min_cell, &hidden_ind, &[], &parents);
        let contribution = |count: u64, n: u64, m0: Option<f64>, hidden: Option<Suppression>| {
            m0.filter(|&m| m > 0.0 && n > 0 && hidden.is_none())
                .map(|m| ind.weight * count as f64 / n as f64 / m)
        };
        let overall_n = overall_shown.then_some(n_all);
        let overall_cell = IndicatorCell {
            attained_in_ten: None,
            contribution_weighted: None,
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
                    attained_in_ten: None,
                    contribution_weighted: None,
                    uncensored: share(unc[0][j], n_col[j], pu.cells[0][j].or(pu.cells[1][j])),
                    censored: share(cen[0][j], n_col[j], hidden_c),
                    contribution: contribution(
                        cen[0][j],
                        members[j].len() as u64,
                        // The group's M0 as published (null where hidden).
                        groups[j].m0,
                        hidden_c,
                    ),
                }
            })
            .collect();
        indicators.push(IndicatorRow {
            id: ind.id.clone(),
            overall: overall_cell,
            groups: cells,
        });
    }
    // M0 × n = Σ weight × censored count: one hidden censored count in a column could be
    // recomputed from M0 and the others, so a column with one hidden hides them all (and the
    // contributions, which sum to 100%).
    hide_columns_with_a_hidden_censored_count(&mut indicators);
    let mut groups = groups;
    let mut overall = overall;
    if let Some(w) = split.weights {
        let none_hidden = (0..split.names.len()).all(|j| p.cells.iter().all(|row| row[j].is_none()));
        let weighted = Weigh {
            w,
            design,
            m,
            scores,
            k,
            fewest: summary_min(min_cell),
            members: &members,
            names: split.names.len(),
        };
        weighted.measures(&mut overall, &mut groups, none_hidden);
        weighted.indicators(&mut indicators, &overall, &groups);
    }
    for row in &mut indicators {
        for cell in std::iter::once(&mut row.overall).chain(row.groups.iter_mut()) {
            cell.attained_in_ten = cell
                .uncensored
                .percent
                .map(|p| ((100.0 - p) / 10.0).round() as u64);
        }
    }
    // Each indicator's contribution to the whole sample's M0 and to each group's.
    let contributions: Vec<Contributions> = indicators
        .iter()
        .map(|row| {
            (
                row.overall.contribution,
                row.groups.iter().map(|x| x.contribution).collect(),
            )
        })
        .collect();
    let sum_of = |d: usize, pick: &dyn Fn(&Contributions) -> Option<f64>| {
        design
            .indicators
            .iter()
            .zip(&contributions)
            .filter(|(i, _)| i.dimension == d)
            .map(|(_, c)| pick(c))
            .sum::<Option<f64>>()
    };
    let dimensions: Vec<DimensionRow> = design
        .dimensions
        .iter()
        .enumerate()
        .map(|(d, dim)| DimensionRow {
            id: dim.id.clone(),
            overall: sum_of(d, &|c| c.0),
            groups: (0..split.names.len())
                .map(|g| sum_of(d, &|c| c.1[g]))
                .collect(),
            weighted: None,
        })
        .collect();
    let mut dimensions = dimensions;
    if let Some(w) = split.weights {
        let weighted = Weigh {
            w,
            design,
            m,
            scores,
            k,
            fewest: summary_min(min_cell),
            members: &members,
            names: split.names.len(),
        };
        weighted.dimensions(&mut dimensions);
    }
    Measures {
        overall,
        groups,
        indicators,
        dimensions,
    }
}

/// Hides every censored count and contribution of a column (a group, or the whole sample) where
/// one censored count is hidden.
fn hide_columns_with_a_hidden_censored_count(rows: &mut [IndicatorRow]) {
    let groups = rows.first().map_or(0, |r| r.groups.len());
    let hide = |cell: &mut IndicatorCell| {
        cell.censored.count = None;
        cell.censored.percent = None;
        cell.censored
            .suppressed
            .get_or_insert(Suppression::Secondary);
        cell.contribution = None;
    };
    if rows.iter().any(|r| r.overall.censored.suppressed.is_some()) {
        rows.iter_mut().for_each(|r| hide(&mut r.overall));
    }
    for g in 0..groups {
        if rows
            .iter()
            .any(|r| r.groups[g].censored.suppressed.is_some())
        {
            rows.iter_mut().for_each(|r| hide(&mut r.groups[g]));
        }
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
        rescaled: None,
    };
    let m = Matrix {
        deprived: Vec::new(),
        rows: Vec::new(),
        excluded: 0,
        excluded_by: Vec::new(),
        left_out_rows: Vec::new(),
        left_out: Vec::new(),
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

/// The weighted pass over measures already protected: a weighted value is published where the
/// count it stands beside is, for a group of at least [`summary_min`] respondents, and for the
/// whole sample only when no group of that table hides a count (with weights constant within a
/// group, the whole sample's weighted share would give a hidden group's back).
struct Weigh<'a> {
    w: Weights<'a>,
    design: &'a Design,
    m: &'a Matrix,
    scores: &'a [f64],
    k: f64,
    fewest: u64,
    /// The respondents in the index of each column (by their place in the index).
    members: &'a [Vec<usize>],
    names: usize,
}

impl Weigh<'_> {
    /// The dataset rows of column `j` (`None`: the whole sample).
    fn rows(&self, j: Option<usize>) -> Vec<usize> {
        match j {
            Some(j) => self.members[j].iter().map(|&r| self.w.rows[r]).collect(),
            None => self.w.rows.to_vec(),
        }
    }

    /// The place in the index of each dataset row (usize::MAX when left out).
    fn index(&self) -> Vec<usize> {
        let mut at = vec![usize::MAX; self.w.design.len()];
        for (r, &row) in self.w.rows.iter().enumerate() {
            at[row] = r;
        }
        at
    }

    fn big_enough(&self, j: Option<usize>) -> bool {
        let n = match j {
            Some(j) => self.members[j].len(),
            None => self.w.rows.len(),
        };
        n as u64 >= self.fewest
    }

    fn measures(&self, overall: &mut GroupMeasure, groups: &mut [GroupMeasure], none_hidden: bool) {
        let at = self.index();
        let d = self.w.design;
        let (scores, k) = (self.scores, self.k);
        let poor = |row: usize| f64::from(u8::from(is_deprived(scores[at[row]], k)));
        let cens = |row: usize| scores[at[row]] * poor(row);
        let all = self.rows(None);
        let total_weight: f64 = all.iter().map(|&r| d.weight(r)).sum();
        let columns = std::iter::once((None, overall)).chain(groups.iter_mut().enumerate().map(|(j, g)| (Some(j), g)));
        for (j, g) in columns {
            let allowed = g.n.is_some()
                && self.big_enough(j)
                && (j.is_some() || none_hidden);
            let rows = self.rows(j);
            let estimates = allowed
                .then(|| {
                    let h = d.share(&poor, &rows)?;
                    let m0 = d.share(&cens, &rows)?;
                    let a = d.ratio(&cens, &poor, &rows);
                    let contribution = match j {
                        Some(_) => {
                            let mut inside = vec![false; d.len()];
                            rows.iter().for_each(|&r| inside[r] = true);
                            d.ratio(&|r| if inside[r] { cens(r) } else { 0.0 }, &cens, &all)
                        }
                        None => None,
                    };
                    Some(WeightedMeasure { h, a, m0, contribution })
                })
                .flatten();
            g.ci95 = None;
            match estimates {
                Some(e) => {
                    let weight: f64 = rows.iter().map(|&r| d.weight(r)).sum();
                    g.h = Some(e.h.value);
                    g.a = e.a.map(|a| a.value);
                    g.m0 = Some(e.m0.value);
                    g.population_share = (total_weight > 0.0).then(|| weight / total_weight);
                    g.contribution = e.contribution.map(|c| c.value);
                    g.weighted = Some(e);
                }
                None => {
                    g.h = None;
                    g.a = None;
                    g.m0 = None;
                    g.population_share = None;
                    g.contribution = None;
                    g.suppressed.get_or_insert(Suppression::Secondary);
                }
            }
        }
    }

    /// Weighted uncensored and censored headcounts and contributions of every indicator.
    fn indicators(&self, rows: &mut [IndicatorRow], overall: &GroupMeasure, groups: &[GroupMeasure]) {
        let at = self.index();
        let d = self.w.design;
        let (scores, k) = (self.scores, self.k);
        let poor = |row: usize| is_deprived(scores[at[row]], k);
        let cens = |row: usize| if poor(row) { scores[at[row]] } else { 0.0 };
        for (j, (row, ind)) in rows.iter_mut().zip(&self.design.indicators).enumerate() {
            let column = &self.m.deprived[j];
            let deprived = |r: usize| f64::from(u8::from(column[at[r]]));
            let censored = |r: usize| f64::from(u8::from(column[at[r]] && poor(r)));
            let all_unc = row.groups.iter().all(|c| c.uncensored.count.is_some());
            let all_cen = row.groups.iter().all(|c| c.censored.count.is_some());
            let cells = std::iter::once((None, &mut row.overall, overall))
                .chain(row.groups.iter_mut().zip(groups).enumerate().map(|(g, (c, m))| (Some(g), c, m)));
            for (g, cell, measure) in cells {
                let rows = self.rows(g);
                let big = self.big_enough(g);
                let unc = (big && cell.uncensored.count.is_some() && (g.is_some() || all_unc))
                    .then(|| d.share(&deprived, &rows))
                    .flatten();
                let cen = (big && cell.censored.count.is_some() && (g.is_some() || all_cen))
                    .then(|| d.share(&censored, &rows))
                    .flatten();
                let contribution = cen
                    .filter(|_| measure.weighted.as_ref().is_some_and(|m| m.m0.value > 0.0))
                    .and_then(|_| d.ratio(&|r| ind.weight * censored(r), &cens, &rows));
                cell.uncensored.percent = unc.map(|e| 100.0 * e.value);
                cell.uncensored.weighted = unc;
                cell.censored.percent = cen.map(|e| 100.0 * e.value);
                cell.censored.weighted = cen;
                cell.contribution = contribution.map(|e| e.value);
                cell.contribution_weighted = contribution;
            }
        }
    }

    /// The standard error of each dimension's contribution (the sum of its indicators', shown
    /// where all of them are).
    fn dimensions(&self, rows: &mut [DimensionRow]) {
        let at = self.index();
        let d = self.w.design;
        let (scores, k) = (self.scores, self.k);
        let poor = |row: usize| is_deprived(scores[at[row]], k);
        let cens = |row: usize| if poor(row) { scores[at[row]] } else { 0.0 };
        for (dim, row) in rows.iter_mut().enumerate() {
            let share = |r: usize| -> f64 {
                if !poor(r) {
                    return 0.0;
                }
                self.design
                    .indicators
                    .iter()
                    .zip(&self.m.deprived)
                    .filter(|(i, c)| i.dimension == dim && c[at[r]])
                    .map(|(i, _)| i.weight)
                    .sum()
            };
            let estimate = |shown: Option<f64>, g: Option<usize>| {
                shown.and_then(|_| d.ratio(&share, &cens, &self.rows(g)))
            };
            row.weighted = Some(WeightedDimension {
                overall: estimate(row.overall, None),
                groups: (0..self.names)
                    .map(|g| estimate(row.groups[g], Some(g)))
                    .collect(),
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::capability::design::Indicator;
    use crate::analysis::capability::spec::{Missing, Rule, Weighting};
    use crate::stats::deprivation_scores;

    fn indicator(id: &str, weight: f64) -> Indicator {
        Indicator {
            id: id.into(),
            item: id.into(),
            dimension: 0,
            labels: Default::default(),
            attainment: Default::default(),
            cutoff: String::new(),
            cutoff_text: Default::default(),
            rule: Rule::Compare(super::super::spec::Op::Eq, 1.0),
            missing: Missing::Exclude,
            weight,
            equal_weight: weight,
        }
    }

    /// Two groups of 30; in group A indicator `c` has only 2 people deprived, so its censored
    /// count is hidden: with M0 × n = Σ w × censored count, every censored count of group A must
    /// then be hidden too, and the contributions (they sum to 100%).
    #[test]
    fn one_hidden_censored_count_hides_its_column() {
        let n = 60;
        let group = |r: usize| usize::from(r >= 30);
        let a: Vec<bool> = (0..n).map(|r| r % 3 == 0).collect();
        let b: Vec<bool> = (0..n).map(|r| r % 2 == 0).collect();
        let c: Vec<bool> = (0..n)
            .map(|r| if group(r) == 0 { r < 2 } else { r % 4 == 0 })
            .collect();
        let deprived = vec![a, b, c];
        let w = [1.0 / 3.0; 3];
        let scores = deprivation_scores(&deprived, &w);
        let design = Design {
            weighting: Weighting::Equal,
            dimensions: vec![super::super::design::Dimension {
                id: "d".into(),
                labels: Default::default(),
                weight: 1.0,
                importance: None,
            }],
            indicators: vec![
                indicator("a", w[0]),
                indicator("b", w[1]),
                indicator("c", w[2]),
            ],
            ks: vec![1.0 / 3.0],
            k_range: vec![1.0 / 3.0],
            rescaled: None,
        };
        let m = Matrix {
            deprived,
            rows: (0..n).collect(),
            excluded: 0,
            excluded_by: vec![0; 3],
            left_out_rows: Vec::new(),
            left_out: Vec::new(),
        };
        let names = ["A".to_string(), "B".to_string()];
        let split = Split {
            names: &names,
            parents: &[],
            of_kept: (0..n).map(|r| Some(group(r))).collect(),
            of_left_out: Vec::new(),
            left_out: &[],
            excluded: vec![0, 0, 0],
            hidden: vec![false, false],
            publish_left_out: false,
            weights: None,
        };
        let r = Resampling {
            replications: 0,
            seed: 1,
        };
        let x = measures(&design, &m, &scores, &split, 1.0 / 3.0, 5, r);
        // Group A: every censored count and contribution hidden; its M0 is still shown.
        assert!(x.groups[0].m0.is_some());
        for row in &x.indicators {
            assert_eq!(row.groups[0].censored.count, None, "{}", row.id);
            assert_eq!(row.groups[0].contribution, None);
            assert!(row.groups[0].uncensored.count.is_some() || row.id == "c");
        }
        // Group B's column stands on its own only if its cells are all safe: the row totals
        // (the whole sample) would otherwise give A's away, so the protection hides a second
        // group or the total in that row.
        let c_row = &x.indicators[2];
        let shown_in_row = [&c_row.groups[0], &c_row.groups[1], &c_row.overall]
            .iter()
            .filter(|cell| cell.censored.count.is_some())
            .count();
        assert!(
            shown_in_row <= 1,
            "one hidden value in a row with its total is recoverable"
        );
        // The dimension contributions of A are hidden too.
        assert_eq!(x.dimensions.len(), 1);
        assert!(x.dimensions[0].groups[0].is_none());
        assert!(
            x.dimensions[0].groups[1].is_some()
                || x.indicators[2].groups[1].censored.count.is_none()
        );
        // With k = 0 nothing is hidden.
        let open = measures(&design, &m, &scores, &split, 1.0 / 3.0, 0, r);
        assert!(open
            .indicators
            .iter()
            .all(|row| row.groups[0].censored.count.is_some()));
    }
}
