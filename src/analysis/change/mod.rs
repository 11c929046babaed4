//! Change over time: every wave's estimate of each measure (the mean of an item or a scale, the
//! share agreeing with a statement, the capability index's H, A, M0 and censored headcounts), per
//! group and for everyone, and its change between waves — absolute, relative and annualised, with
//! standard errors and 95 % intervals ([`crate::stats::change`]). People are linked across waves by
//! their id (under the study's keyed pseudonym when it has a key): those seen in two waves are
//! compared as paired, the others as independent samples. Entries, exits and attrition between
//! consecutive waves are counted.

pub mod publish;
pub use publish::Params;

use std::collections::HashMap;

use serde::Serialize;

use crate::check::Dataset;
use crate::disclosure::{protect_nested, summary_min, Protection, Suppression};
use crate::error::{Error, Result};
use crate::instrument::Labels;
use crate::stats::change::{change, estimate, years_between, Change, Estimate, Interval, Obs};
use crate::study::{Study, Text};

use super::Groups;

/// What a series measures.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Quantity {
    /// The mean of an item's answers or of a scale's scores.
    Mean,
    /// Percent agreeing (the top two answers of a Likert statement).
    Agree,
    /// The capability index's headcount H, in percent.
    #[serde(rename = "H")]
    H,
    /// Its intensity A, in percent.
    #[serde(rename = "A")]
    A,
    /// Its adjusted headcount ratio M0 (0 to 1).
    #[serde(rename = "M0")]
    M0,
    /// The percent deprived in an indicator and poor (censored headcount).
    Censored,
}

impl Quantity {
    /// Whether the quantity is a share of people (its counts are protected as a table's).
    fn is_share(self) -> bool {
        matches!(self, Quantity::Agree | Quantity::H | Quantity::Censored)
    }

    /// What the estimate is multiplied by when published (percent for shares and A).
    fn scale(self) -> f64 {
        match self {
            Quantity::Mean | Quantity::M0 => 1.0,
            _ => 100.0,
        }
    }
}

/// A wave as the report names it, with its respondents.
#[derive(Debug, Clone, Serialize)]
pub struct WaveSummary {
    pub id: String,
    pub label: Option<Text>,
    pub date: Option<String>,
    /// Respondents of the wave in this analysis (hidden when fewer than the minimum cell size).
    pub n: Option<u64>,
}

/// One group's flows between two consecutive waves; counts hidden as any count.
#[derive(Debug, Clone, Serialize)]
pub struct FlowCell {
    /// The group; null for everyone.
    pub group: Option<String>,
    /// Seen in both waves (counted in the group of the earlier wave).
    pub stayed: Option<u64>,
    /// Seen in the earlier wave only: exits.
    pub left: Option<u64>,
    /// Seen in the later wave only: entries (counted in the group of the later wave).
    pub joined: Option<u64>,
    /// Exits in percent of the earlier wave.
    pub attrition: Option<f64>,
}

/// Entries, exits and attrition between two consecutive waves.
#[derive(Debug, Clone, Serialize)]
pub struct Flow {
    pub from: String,
    pub to: String,
    pub total: FlowCell,
    pub groups: Vec<FlowCell>,
}

/// One measure of one group over the waves.
#[derive(Debug, Clone, Serialize)]
pub struct Series {
    pub quantity: Quantity,
    /// The item, scale or indicator (`"index"` for H, A and M0).
    pub subject: String,
    pub labels: Labels,
    /// Null for everyone.
    pub group: Option<String>,
    /// Per wave: the estimate with its standard error and 95 % interval (null where there is
    /// none, or hidden).
    pub points: Vec<Option<Estimate>>,
    /// Per wave: the values it rests on.
    pub n: Vec<Option<u64>>,
    pub suppressed: Option<Suppression>,
    /// Its change between the last two waves (as in `changes`), and whether it holds.
    pub last_change: Option<Change>,
    pub last_holds: bool,
}

/// The change of one series between two waves.
#[derive(Debug, Clone, Serialize)]
pub struct ChangeRow {
    pub quantity: Quantity,
    pub subject: String,
    pub labels: Labels,
    pub group: Option<String>,
    pub from: String,
    pub to: String,
    /// Years between the waves' dates (null when they are not dated).
    pub years: Option<f64>,
    pub before: Option<f64>,
    pub after: Option<f64>,
    /// Null when hidden or not estimable.
    pub change: Option<Change>,
    /// Whether the absolute change's interval leaves out zero.
    pub holds: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct ChangeResult {
    pub by: Option<String>,
    pub groups: Vec<String>,
    pub waves: Vec<WaveSummary>,
    /// Whether people are linked across waves (the source has an id column), and whether by a
    /// keyed pseudonym.
    pub linked: bool,
    pub keyed: bool,
    pub weighted: bool,
    /// What the standard errors take as clusters: `"psu"` (the source's primary sampling units,
    /// within its strata), `"person"` (each young person, linked across waves) or `"answer"`.
    pub clusters: &'static str,
    pub flows: Vec<Flow>,
    pub series: Vec<Series>,
    pub changes: Vec<ChangeRow>,
    /// The pairs of waves compared: each consecutive pair, and the first with the last.
    pub pairs: Vec<[usize; 2]>,
    /// What each share series counted, kept to protect it anew when another analysis hides a
    /// distribution ([`publish`]); never published.
    #[serde(skip)]
    pub(super) counts: Vec<ShareCounts>,
    #[serde(skip)]
    pub(super) min_cell: u64,
    /// Each group's parent territory, to protect anew.
    #[serde(skip)]
    pub(super) parents: Vec<Option<usize>>,
}

/// The counts behind the share series of one subject: `counts[wave][column] = [yes, no]`, the
/// last column those without a group.
#[derive(Debug, Clone)]
pub(super) struct ShareCounts {
    pub quantity: Quantity,
    pub subject: String,
    pub counts: Vec<Vec<[u64; 2]>>,
}

/// What one measure reads per data row: its value and denominator (none: not counted).
pub(super) struct Values {
    pub quantity: Quantity,
    pub subject: String,
    pub labels: Labels,
    /// `(y, x)` per row; for a share, y is 0 or 1.
    pub rows: Vec<Option<(f64, f64)>>,
    /// For A (the mean among the poor): the rows of H its values count among.
    pub among: Option<usize>,
}

/// The rows, groups, waves and clusters the analysis works on.
pub(super) struct Frame<'a> {
    pub study: &'a Study,
    pub groups: Option<Groups>,
    /// The wave of each row (index into the study's waves).
    pub wave: Vec<Option<usize>>,
    /// The person of each row: equal across waves when linked.
    pub person: Vec<u32>,
    /// The cluster of each row for the standard errors: its primary sampling unit when the
    /// source has them (people nested in it), else the person.
    pub cluster: Vec<u32>,
    /// The stratum of each row (0 without strata).
    pub stratum: Vec<u32>,
    pub weights: Option<Vec<f64>>,
    pub linked: bool,
    pub keyed: bool,
    pub clusters: &'static str,
}

impl<'a> Frame<'a> {
    pub fn new(study: &'a Study, dataset: &Dataset, by: Option<&str>) -> Result<Frame<'a>> {
        let Some(column) = dataset.wave_column.as_deref() else {
            return Err(Error::Usage(format!(
                "the source '{}' has no waves: declare [[waves]] in study.toml and give the source a wave_column, or one file per wave",
                dataset.source
            )));
        };
        let wave: Vec<Option<usize>> = dataset
            .texts(column)
            .unwrap_or_default()
            .into_iter()
            .map(|w| w.and_then(|w| study.waves.iter().position(|x| x.id == w)))
            .collect();
        let groups = Groups::of(study, dataset, by);
        let secret = crate::report::pseudonym::study_secret(study)?;
        let keyed = secret.is_some();
        let ids = dataset.id_column.as_deref().and_then(|c| dataset.texts(c));
        let linked = ids.is_some();
        let mut people: HashMap<String, u32> = HashMap::new();
        let person: Vec<u32> = match (&ids, secret) {
            (Some(ids), secret) => {
                let p = secret.map(|s| crate::report::pseudonym::Pseudonymiser::new(&s));
                let p = p.transpose()?;
                ids.iter()
                    .enumerate()
                    .map(|(r, id)| match id {
                        Some(id) => {
                            let key = match &p {
                                Some(p) => p.of(id),
                                None => id.trim().to_string(),
                            };
                            let next = people.len() as u32;
                            *people.entry(key).or_insert(next)
                        }
                        None => u32::MAX - r as u32,
                    })
                    .collect()
            }
            (None, _) => (0..dataset.height() as u32).collect(),
        };
        // Labels numbered in order of first appearance (none: a number of its own).
        let number = |column: &Option<String>| -> Option<Vec<u32>> {
            let texts = dataset.texts(column.as_deref()?)?;
            let mut seen: HashMap<&str, u32> = HashMap::new();
            Some(
                texts
                    .iter()
                    .enumerate()
                    .map(|(r, t)| match t {
                        Some(t) => {
                            let next = seen.len() as u32;
                            *seen.entry(t).or_insert(next)
                        }
                        None => u32::MAX - r as u32,
                    })
                    .collect(),
            )
        };
        let stratum = number(&dataset.strata_column).unwrap_or_else(|| vec![0; person.len()]);
        let cluster = number(&dataset.psu_column).unwrap_or_else(|| person.clone());
        let clusters = if dataset.psu_column.is_some() {
            "psu"
        } else if linked {
            "person"
        } else {
            "answer"
        };
        Ok(Frame {
            study,
            groups,
            wave,
            clusters,
            cluster,
            stratum,
            person,
            weights: dataset.weights(),
            linked,
            keyed,
        })
    }

    /// Each group's parent territory ([`Groups::parents`]).
    fn parents(&self) -> &[Option<usize>] {
        self.groups.as_ref().map_or(&[], |g| g.parents.as_slice())
    }

    fn n_groups(&self) -> usize {
        self.groups.as_ref().map_or(0, |g| g.names.len())
    }

    /// The column of row r in the protected tables: its group, or the last (no group).
    fn column(&self, r: usize) -> usize {
        self.groups
            .as_ref()
            .and_then(|g| g.index[r])
            .unwrap_or(self.n_groups())
    }

    /// The pairs compared: each consecutive pair of waves, then the first with the last.
    pub fn pairs(&self) -> Vec<[usize; 2]> {
        let n = self.study.waves.len();
        let mut out: Vec<[usize; 2]> = (1..n).map(|t| [t - 1, t]).collect();
        if n > 2 {
            out.push([0, n - 1]);
        }
        out
    }
}

/// Each wave's respondents, protected as a one-way table with its total.
pub(super) fn wave_summaries(f: &Frame) -> Vec<WaveSummary> {
    let mut n = vec![0u64; f.study.waves.len()];
    for w in f.wave.iter().flatten() {
        n[*w] += 1;
    }
    let hidden = crate::disclosure::protect_list(&n, f.study.min_cell);
    f.study
        .waves
        .iter()
        .zip(n)
        .zip(hidden)
        .map(|((w, n), h)| WaveSummary {
            id: w.id.clone(),
            label: w.label.clone(),
            date: w.date.clone(),
            n: h.is_none().then_some(n),
        })
        .collect()
}

/// Entries, exits and attrition between consecutive waves, per group; counts protected as two
/// tables per pair of waves (those of the earlier wave: stayed and left; of the later: stayed and
/// joined), a group hidden in either hidden in both.
pub(super) fn flows(f: &Frame) -> Vec<Flow> {
    if !f.linked {
        return Vec::new();
    }
    let waves = f.study.waves.len();
    let cols = f.n_groups() + 1;
    let k = f.study.min_cell;
    // The rows of each person in each wave.
    let mut seen: HashMap<u32, Vec<Option<usize>>> = HashMap::new();
    for (r, (w, p)) in f.wave.iter().zip(&f.person).enumerate() {
        if let Some(w) = w {
            seen.entry(*p).or_insert_with(|| vec![None; waves])[*w] = Some(r);
        }
    }
    let mut people: Vec<&Vec<Option<usize>>> = seen.values().collect();
    people.sort();
    let mut out = Vec::new();
    for t in 1..waves {
        // [stayed, left] by the earlier wave's group; [stayed, joined] by the later's.
        let mut before = vec![vec![0u64; cols]; 2];
        let mut after = vec![vec![0u64; cols]; 2];
        for rows in &people {
            match (rows[t - 1], rows[t]) {
                (Some(a), Some(b)) => {
                    before[0][f.column(a)] += 1;
                    after[0][f.column(b)] += 1;
                }
                (Some(a), None) => before[1][f.column(a)] += 1,
                (None, Some(b)) => after[1][f.column(b)] += 1,
                (None, None) => {}
            }
        }
        // Those without a group are never published on their own: their column is hidden, unless
        // there is no one in it.
        let mut hidden = vec![false; cols];
        hidden[cols - 1] = before.iter().chain(&after).any(|row| row[cols - 1] > 0);
        let (pb, pa) = loop {
            let pb = protect_groups(&before, k, &hidden, f.parents());
            let pa = protect_groups(&after, k, &hidden, f.parents());
            let mut next = hidden.clone();
            for (j, h) in next.iter_mut().enumerate() {
                *h |= pb.cells.iter().chain(&pa.cells).any(|row| row[j].is_some())
                    || pb.cols[j].is_some()
                    || pa.cols[j].is_some();
            }
            if next == hidden {
                break (pb, pa);
            }
            hidden = next;
        };
        let cell = |group: Option<String>, j: Option<usize>| {
            let shown = |p: &crate::disclosure::Protection, i: usize| match j {
                Some(j) => !hidden[j] && p.cells[i][j].is_none(),
                None => p.rows[i].is_none(),
            };
            let value = |m: &Vec<Vec<u64>>, i: usize| match j {
                Some(j) => m[i][j],
                None => m[i].iter().sum(),
            };
            let all = (0..2).all(|i| shown(&pb, i) && shown(&pa, i));
            let stayed = all.then(|| value(&before, 0));
            let left = all.then(|| value(&before, 1));
            FlowCell {
                group,
                stayed,
                left,
                joined: all.then(|| value(&after, 1)),
                attrition: match (stayed, left) {
                    (Some(s), Some(l)) if s + l > 0 => Some(100.0 * l as f64 / (s + l) as f64),
                    _ => None,
                },
            }
        };
        let names = f.groups.as_ref().map(|g| g.names.clone()).unwrap_or_default();
        out.push(Flow {
            from: f.study.waves[t - 1].id.clone(),
            to: f.study.waves[t].id.clone(),
            total: cell(None, None),
            groups: names
                .into_iter()
                .enumerate()
                .map(|(j, g)| cell(Some(g), Some(j)))
                .collect(),
        });
    }
    out
}

/// The series and changes of every measure, protected.
pub(super) fn series_of(
    f: &Frame,
    measures: &[Values],
) -> (Vec<Series>, Vec<ShareCounts>, Vec<crate::stats::change::Waves>) {
    let waves = f.study.waves.len();
    let cols = f.n_groups() + 1;
    let k = f.study.min_cell;
    let min_summary = summary_min(k);
    let mut all = Vec::new();
    let mut counts_out = Vec::new();
    let mut estimates = Vec::new();
    // For A: whether each group's H series was hidden.
    let mut h_hidden: Vec<Vec<bool>> = Vec::new();
    for m in measures {
        // n and the count of 1s per wave and column.
        let mut n = vec![vec![0u64; cols]; waves];
        let mut yes = vec![vec![0u64; cols]; waves];
        for (r, v) in m.rows.iter().enumerate() {
            let (Some((y, x)), Some(w)) = (v, f.wave[r]) else {
                continue;
            };
            if *x > 0.0 {
                n[w][f.column(r)] += 1;
                if *y > 0.0 {
                    yes[w][f.column(r)] += 1;
                }
            }
        }
        let mut hidden_group = vec![false; cols];
        hidden_group[cols - 1] = n.iter().any(|wave| wave[cols - 1] > 0);
        let hidden_total;
        if m.quantity.is_share() {
            let table: Vec<Vec<[u64; 2]>> = (0..waves)
                .map(|w| (0..cols).map(|j| [yes[w][j], n[w][j] - yes[w][j]]).collect())
                .collect();
            let (groups, total) = protect_shares(&table, k, &hidden_group, f.parents());
            hidden_group = groups;
            hidden_total = total;
            counts_out.push(ShareCounts {
                quantity: m.quantity,
                subject: m.subject.clone(),
                counts: table,
            });
        } else {
            // A summary needs 2k values in every wave of the group, or none.
            for j in 0..cols - 1 {
                hidden_group[j] = (0..waves).any(|w| n[w][j] > 0 && n[w][j] < min_summary);
            }
            if let Some(h) = m.among.and_then(|i| h_hidden.get(i)) {
                for (j, hidden) in hidden_group.iter_mut().enumerate() {
                    *hidden |= h[j];
                }
            }
            // Everyone's summary beside the groups': those of hidden groups together must be
            // none or at least 2k in every wave.
            hidden_total = (0..waves).any(|w| {
                let residual: u64 = (0..cols).filter(|&j| hidden_group[j]).map(|j| n[w][j]).sum();
                residual > 0 && residual < min_summary
            }) || m
                .among
                .and_then(|i| h_hidden.get(i))
                .is_some_and(|h| h[cols]);
        }
        let mut record = hidden_group.clone();
        record.push(hidden_total);
        h_hidden.push(record);
        // Every answer as an observation, once: everyone's in row order, and each group's.
        let mut everyone: Vec<Obs> = Vec::new();
        let mut of_column: Vec<Vec<Obs>> = vec![Vec::new(); cols];
        for (r, v) in m.rows.iter().enumerate() {
            let (Some((y, x)), Some(wave)) = (*v, f.wave[r]) else {
                continue;
            };
            let o = Obs {
                wave,
                cluster: f.cluster[r],
                stratum: f.stratum[r],
                weight: f.weights.as_ref().map_or(1.0, |w| w[r]),
                y,
                x,
            };
            everyone.push(o);
            of_column[f.column(r)].push(o);
        }
        let names: Vec<Option<String>> = f
            .groups
            .as_ref()
            .map(|g| g.names.iter().cloned().map(Some).collect())
            .unwrap_or_default();
        for (j, group) in names.into_iter().enumerate().chain([(cols, None)]) {
            let hidden = if j == cols {
                hidden_total
            } else {
                hidden_group[j]
            };
            let obs: &[Obs] = match (hidden, j == cols) {
                (true, _) => &[],
                (false, true) => &everyone,
                (false, false) => &of_column[j],
            };
            let est = estimate(obs, waves);
            let s = m.quantity.scale();
            let points = (0..waves)
                .map(|t| {
                    let (v, se) = est.at(t)?;
                    if m.quantity.is_share() || m.quantity == Quantity::M0 {
                        Estimate::share(v, se)
                    } else {
                        Estimate::normal(v, se)
                    }
                    .map(|e| Estimate {
                        value: e.value * s,
                        se: e.se * s,
                        ci_low: e.ci_low * s,
                        ci_high: e.ci_high * s,
                    })
                })
                .collect();
            let sizes = (0..waves)
                .map(|t| {
                    let c = if j == cols {
                        n[t].iter().sum()
                    } else {
                        n[t][j]
                    };
                    (!hidden && (c == 0 || c >= k)).then_some(c)
                })
                .collect();
            estimates.push(est);
            all.push(Series {
                    quantity: m.quantity,
                    subject: m.subject.clone(),
                    labels: m.labels.clone(),
                    group,
                    points,
                    n: sizes,
                    suppressed: hidden.then_some(Suppression::Secondary),
                    last_change: None,
                    last_holds: false,
            });
        }
    }
    (all, counts_out, estimates)
}

/// Protects a table whose last column holds those without a group (never published on its own):
/// without anyone in it, the table is protected without it (an empty column would be a hidden
/// zero to protect).
fn protect_groups(
    counts: &[Vec<u64>],
    k: u64,
    hidden: &[bool],
    parents: &[Option<usize>],
) -> Protection {
    let cols = counts.first().map_or(0, Vec::len);
    let mut parents = parents.to_vec();
    parents.resize(cols, None);
    let empty = cols > 0 && counts.iter().all(|row| row[cols - 1] == 0);
    if !empty {
        return protect_nested(counts, k, hidden, &[], &parents);
    }
    let inner: Vec<Vec<u64>> = counts.iter().map(|row| row[..cols - 1].to_vec()).collect();
    let mut p = protect_nested(&inner, k, &hidden[..cols - 1], &[], &parents[..cols - 1]);
    for row in &mut p.cells {
        row.push(None);
    }
    p.cols.push(None);
    p
}

/// Protects the share tables of one subject, a table per wave (yes/no × columns, the last
/// column without a group), a group hidden in one wave hidden in every wave (the waves together
/// would give it back), `forced` groups hidden from the start: which groups are hidden, and
/// whether everyone's shares are.
pub(super) fn protect_shares(
    table: &[Vec<[u64; 2]>],
    k: u64,
    forced: &[bool],
    parents: &[Option<usize>],
) -> (Vec<bool>, bool) {
    let mut hidden = forced.to_vec();
    let mut total = false;
    loop {
        let mut next = hidden.clone();
        for wave in table {
            let counts: Vec<Vec<u64>> = (0..2)
                .map(|i| wave.iter().map(|c| c[i]).collect())
                .collect();
            let p = protect_groups(&counts, k, &hidden, parents);
            for (j, h) in next.iter_mut().enumerate() {
                *h |= p.cells.iter().any(|row| row[j].is_some()) || p.cols[j].is_some();
            }
            total |= p.rows.iter().any(Option::is_some) || p.total.is_some();
        }
        if next == hidden {
            return (hidden, total);
        }
        hidden = next;
    }
}

/// The changes of every shown series between the pairs of waves, from each series' estimates
/// of every wave and their covariances (`estimates`, as [`series_of`] made them: the waves
/// stacked as `svyby(…, covmat = TRUE)` does).
pub(super) fn changes_of(
    f: &Frame,
    series: &[Series],
    estimates: &[crate::stats::change::Waves],
) -> Vec<ChangeRow> {
    let waves = &f.study.waves;
    let mut out = Vec::new();
    for (s, est) in series.iter().zip(estimates) {
        let scale = s.quantity.scale();
        for [a, b] in f.pairs() {
            let years = match (&waves[a].date, &waves[b].date) {
                (Some(x), Some(y)) => years_between(x, y),
                _ => None,
            };
            let (before, after) = (s.points[a], s.points[b]);
            // In the published unit (percent for shares): values × scale, variances × scale².
            let c = est
                .pair(a, b)
                .filter(|_| s.suppressed.is_none())
                .map(|p| crate::stats::change::TwoWaves {
                    before: p.before * scale,
                    after: p.after * scale,
                    var_before: p.var_before * scale * scale,
                    var_after: p.var_after * scale * scale,
                    cov: p.cov * scale * scale,
                })
                .and_then(|p| change(&p, years));
            out.push(ChangeRow {
                quantity: s.quantity,
                subject: s.subject.clone(),
                labels: s.labels.clone(),
                group: s.group.clone(),
                from: waves[a].id.clone(),
                to: waves[b].id.clone(),
                years,
                before: before.map(|e| e.value),
                after: after.map(|e| e.value),
                holds: c.is_some_and(|c| c.absolute.excludes_zero()),
                change: c,
            });
        }
    }
    out
}
