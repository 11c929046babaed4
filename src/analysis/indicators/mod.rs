//! Programme indicators against targets (`kind = "indicators"`), from a records source: for each
//! indicator, territory at the level reported (and the levels above it, and the country as a
//! whole) and wave, the numerator and denominator summed over the territories below, the value
//! (a share in percent, a ratio, a count or euros), the progress towards the target and a status.
//!
//! Progress (Kusek & Rist 2004, step 3–4: indicators, baselines and targets):
//! - with a baseline b: (value − b) / (target − b), the share of the distance from the baseline to
//!   the target covered (the same formula for "decrease", where target < b);
//! - without a baseline: value / target for "increase", and its mirror about the target,
//!   (2 × target − value) / target, for "decrease" (1 at the target, 0 at twice the target).
//!
//! Status: on track when progress ≥ `on_track` (0.9 unless set), at risk when ≥ `at_risk` (0.7),
//! else off track, a progress equal to a threshold up to rounding (1e-9) counting as reaching
//! it. A value that cannot be computed (0 ÷ 0, a total with a territory not reporting) is "not
//! computable", never NaN.
//!
//! Disclosure: a column counting people (named by `people = [...]` or by an indicator with
//! `people = true`) is protected like survey counts: a total from 1 to k − 1 is hidden, the
//! numerator of a share is hidden when it or its complement (denominator − numerator) counts 1 to
//! k − 1 people, and totals are hidden secondarily so that no parent total minus its shown parts
//! gives back a hidden one ([`protect`]).

pub mod publish;
pub use publish::Params;

use serde::{Deserialize, Serialize};

use crate::check::records::Records;
use crate::disclosure::Suppression;
use crate::geography::Geography;
use crate::instrument::Labels;

/// What an indicator's value is.
#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq, documented::DocumentedFieldsOpt, documented::DocumentedOpt)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    /// 100 × numerator ÷ denominator.
    Percent,
    /// numerator ÷ denominator (a caseload: care leavers per tutor).
    Ratio,
    /// The numerator's total.
    Count,
    /// Euros: the numerator's total, or per unit of the denominator.
    Euro,
}

/// Which way the indicator should move.
#[derive(Debug, Clone, Copy, Default, Deserialize, Serialize, PartialEq, Eq, documented::DocumentedFieldsOpt, documented::DocumentedOpt)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    #[default]
    Increase,
    Decrease,
}

/// Where an indicator stands against its target.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    OnTrack,
    AtRisk,
    OffTrack,
    /// 0 ÷ 0, or a total some territory did not report.
    NotComputable,
    /// Not published (disclosure control).
    Hidden,
}

impl Status {
    /// The status as a rule names it.
    pub const NAMES: [&'static str; 3] = ["on_track", "at_risk", "off_track"];

    /// The number a rule compares (`Statistic::Status`): 2 on track, 1 at risk, 0 off track.
    pub fn code(self) -> Option<f64> {
        match self {
            Status::OnTrack => Some(2.0),
            Status::AtRisk => Some(1.0),
            Status::OffTrack => Some(0.0),
            _ => None,
        }
    }

    /// The code of a status named in a rule.
    pub fn code_of(name: &str) -> Option<f64> {
        Status::NAMES
            .iter()
            .position(|n| *n == name)
            .map(|i| 2.0 - i as f64)
    }

    /// The name of a status code.
    pub fn name_of(code: f64) -> &'static str {
        match code as i64 {
            2 => "on_track",
            1 => "at_risk",
            _ => "off_track",
        }
    }
}

/// A status in words, for the texts of rules (which are filled without the report's words):
/// Italian for `it`, English otherwise.
pub fn status_words(name: &str, lang: &str) -> &'static str {
    match (name, lang == "it") {
        ("on_track", true) => "in linea con l'obiettivo",
        ("on_track", false) => "on track",
        ("at_risk", true) => "a rischio",
        ("at_risk", false) => "at risk",
        (_, true) => "in ritardo",
        (_, false) => "off track",
    }
}

/// The progress thresholds.
#[derive(Debug, Clone, Copy, Serialize, PartialEq)]
pub struct Thresholds {
    pub on_track: f64,
    pub at_risk: f64,
}

/// The thresholds used when the analysis names none.
pub const DEFAULT_THRESHOLDS: Thresholds = Thresholds {
    on_track: 0.9,
    at_risk: 0.7,
};

/// Progress equal to a threshold up to this counts as reaching it.
const ROUNDING: f64 = 1e-9;

/// The progress of `value` towards `target` from `baseline` (see the module's documentation);
/// `None` when it cannot be computed (a target equal to its baseline, or 0 without one).
pub fn progress(
    value: f64,
    baseline: Option<f64>,
    target: f64,
    direction: Direction,
) -> Option<f64> {
    let p = match (baseline, direction) {
        (Some(b), _) => (value - b) / (target - b),
        (None, Direction::Increase) => value / target,
        (None, Direction::Decrease) => (2.0 * target - value) / target,
    };
    p.is_finite().then_some(p)
}

/// The status of a progress.
pub fn status(progress: f64, t: Thresholds) -> Status {
    if progress >= t.on_track - ROUNDING {
        Status::OnTrack
    } else if progress >= t.at_risk - ROUNDING {
        Status::AtRisk
    } else {
        Status::OffTrack
    }
}

/// A territory (or the country) reported.
#[derive(Debug, Clone, Serialize)]
pub struct Group {
    /// `None` for the country as a whole.
    pub name: Option<String>,
    /// Its level (`None` for the country).
    pub level: Option<String>,
    /// The group one level up (`None` for a top level).
    pub parent: Option<String>,
}

/// A wave as shown.
#[derive(Debug, Clone, Serialize)]
pub struct WaveOut {
    pub id: String,
    pub label: Labels,
}

/// One indicator in one group and wave, as published.
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    /// The wave's id (`None` for records of one period).
    pub wave: Option<String>,
    /// The group (`None` for the country as a whole).
    pub group: Option<String>,
    pub level: Option<String>,
    pub numerator: Option<f64>,
    pub numerator_suppressed: Option<Suppression>,
    pub denominator: Option<f64>,
    pub denominator_suppressed: Option<Suppression>,
    pub value: Option<f64>,
    /// Progress towards the target (1 = reached).
    pub progress: Option<f64>,
    /// 100 × progress: "% of target".
    pub percent_of_target: Option<f64>,
    pub status: Status,
}

/// One indicator and its rows.
#[derive(Debug, Clone, Serialize)]
pub struct Indicator {
    pub id: String,
    pub labels: Labels,
    pub numerator: String,
    pub denominator: Option<String>,
    pub unit: Unit,
    pub baseline: Option<f64>,
    pub target: f64,
    pub direction: Direction,
    /// Wave by wave (in the study's order), the country first, then each group in the
    /// geography's order (each territory before the ones it holds).
    pub rows: Vec<Row>,
}

#[derive(Debug, Clone, Serialize)]
pub struct IndicatorsResult {
    /// The level reported.
    pub by: String,
    pub thresholds: Thresholds,
    pub waves: Vec<WaveOut>,
    /// The latest wave with records (the one the report and the rules read).
    pub latest: Option<String>,
    pub groups: Vec<Group>,
    pub indicators: Vec<Indicator>,
    /// The columns protected as counts of people.
    pub people: Vec<String>,
}

impl IndicatorsResult {
    /// The rows of the latest wave.
    pub fn latest_rows<'a>(&'a self, i: &'a Indicator) -> impl Iterator<Item = &'a Row> + 'a {
        i.rows.iter().filter(move |r| r.wave == self.latest)
    }
}

/// An indicator as resolved for the run.
pub struct Resolved {
    pub id: String,
    pub labels: Labels,
    /// Column indices into the records.
    pub numerator: usize,
    pub denominator: Option<usize>,
    pub unit: Unit,
    pub baseline: Option<f64>,
    pub target: f64,
    pub direction: Direction,
}

/// The nodes reported: the country (index 0) and every territory at a level down to `by` that
/// has records below it in some wave, each with its parent node.
pub struct Tree {
    /// For each node: the geography unit (`None` for the country) and the parent node.
    pub nodes: Vec<(Option<usize>, Option<usize>)>,
}

impl Tree {
    pub fn of(g: &Geography, by: usize, records: &Records) -> Tree {
        let mut nodes: Vec<(Option<usize>, Option<usize>)> = vec![(None, None)];
        // Depth first, in the geography's order: each territory before those it holds.
        fn add(
            g: &Geography,
            by: usize,
            records: &Records,
            parent_unit: Option<usize>,
            parent_node: usize,
            nodes: &mut Vec<(Option<usize>, Option<usize>)>,
        ) {
            for (u, unit) in g.units.iter().enumerate() {
                if unit.parent != parent_unit || unit.level > by {
                    continue;
                }
                if !records.rows.iter().any(|r| holds(g, u, r.territory)) {
                    continue;
                }
                nodes.push((Some(u), Some(parent_node)));
                let me = nodes.len() - 1;
                if unit.level < by {
                    add(g, by, records, Some(u), me, nodes);
                }
            }
        }
        add(g, by, records, None, 0, &mut nodes);
        Tree { nodes }
    }

    /// The nodes whose parent is `p`.
    fn children(&self, p: usize) -> impl Iterator<Item = usize> + '_ {
        (0..self.nodes.len()).filter(move |&c| self.nodes[c].1 == Some(p))
    }
}

/// Whether `unit` is `outer` or lies inside it.
pub fn holds(g: &Geography, outer: usize, unit: usize) -> bool {
    let mut u = Some(unit);
    while let Some(x) = u {
        if x == outer {
            return true;
        }
        u = g.units[x].parent;
    }
    false
}

/// The total of column `c` in wave `w` for every node: `None` when no territory below it has a
/// row in that wave, or one of them left the cell blank.
pub fn totals(
    g: &Geography,
    tree: &Tree,
    records: &Records,
    c: usize,
    w: Option<usize>,
) -> Vec<Option<f64>> {
    tree.nodes
        .iter()
        .map(|(unit, _)| {
            let mut sum = 0.0;
            let mut any = false;
            for r in records
                .rows
                .iter()
                .filter(|r| r.wave == w && unit.is_none_or(|u| holds(g, u, r.territory)))
            {
                any = true;
                sum += r.values[c]?;
            }
            any.then_some(sum)
        })
        .collect()
}

/// Whether a count of people must not be published (1 to k − 1).
pub fn small(x: f64, k: u64) -> bool {
    x > 0.0 && x < k as f64
}

/// Secondary suppression over the tree of totals of one column: `hidden[n]` is set for the
/// primary cells; afterwards no total = Σ its parts (the parts with a total) has exactly one
/// hidden member, so none can be worked out by subtraction. A part is hidden to protect another
/// (the smallest non-zero one first, then the smallest), or the total when it has one part.
///
/// Why that is enough: each hidden cell sits in at most two of these equations (as a part of its
/// parent's, as the total of its own), and the equations form a tree. Isolating a hidden cell
/// means eliminating every other hidden cell of its equations, each of which leads on to
/// another equation with another hidden cell, until an equation whose other hidden cells are in
/// no further equation: they cannot be eliminated.
pub fn protect(tree: &Tree, totals: &[Option<f64>], hidden: &mut [Option<Suppression>]) {
    loop {
        let mut changed = false;
        for p in 0..tree.nodes.len() {
            if totals[p].is_none() {
                continue;
            }
            let parts: Vec<usize> = tree
                .children(p)
                .filter(|&c| totals[c].is_some())
                .collect();
            if parts.is_empty() {
                continue;
            }
            let members = || std::iter::once(p).chain(parts.iter().copied());
            if members().filter(|&m| hidden[m].is_some()).count() != 1 {
                continue;
            }
            let value = |m: usize| totals[m].unwrap_or(0.0);
            let candidate = parts
                .iter()
                .copied()
                .filter(|&m| hidden[m].is_none())
                .min_by(|&a, &b| {
                    let key = |m: usize| (value(m) == 0.0, value(m));
                    key(a)
                        .partial_cmp(&key(b))
                        .unwrap_or(std::cmp::Ordering::Equal)
                        .then(a.cmp(&b))
                });
            let pick = candidate.unwrap_or(p);
            if hidden[pick].is_none() {
                hidden[pick] = Some(Suppression::Secondary);
                changed = true;
            }
        }
        if !changed {
            return;
        }
    }
}

/// What an analysis asks of the records: the level reported, the indicators, the columns
/// counting people, the thresholds and the minimum cell size.
pub struct Design<'a> {
    pub by: usize,
    pub indicators: &'a [Resolved],
    pub people: &'a [usize],
    pub thresholds: Thresholds,
    pub min_cell: u64,
    /// The waves reported when `where` names some (every wave otherwise).
    pub waves: Option<&'a [usize]>,
}

/// Runs the indicators on checked records.
pub fn compute(
    records: &Records,
    g: &Geography,
    waves: &[crate::study::Wave],
    design: &Design,
) -> IndicatorsResult {
    let Design {
        by,
        indicators,
        people,
        thresholds,
        min_cell,
        waves: kept,
    } = *design;
    let tree = Tree::of(g, by, records);
    // Records without a wave column are of one period, whatever the study's waves.
    let waves = if records.rows.iter().all(|r| r.wave.is_none()) {
        &[]
    } else {
        waves
    };
    let wave_list: Vec<Option<usize>> = if waves.is_empty() {
        vec![None]
    } else {
        (0..waves.len())
            .filter(|w| kept.is_none_or(|k| k.contains(w)))
            .map(Some)
            .collect()
    };
    let latest = wave_list
        .iter()
        .rev()
        .find(|w| records.rows.iter().any(|r| r.wave == **w))
        .copied()
        .flatten();
    let wave_id = |w: Option<usize>| w.map(|w| waves[w].id.clone());
    // Every column's totals and hidden cells, wave by wave.
    let columns = records.columns.len();
    let mut all_totals: Vec<Vec<Vec<Option<f64>>>> = Vec::new();
    let mut all_hidden: Vec<Vec<Vec<Option<Suppression>>>> = Vec::new();
    for &w in &wave_list {
        let t: Vec<Vec<Option<f64>>> = (0..columns)
            .map(|c| totals(g, &tree, records, c, w))
            .collect();
        let mut h: Vec<Vec<Option<Suppression>>> = (0..columns)
            .map(|c| {
                t[c].iter()
                    .map(|x| match x {
                        Some(x) if people.contains(&c) && small(*x, min_cell) => {
                            Some(Suppression::Primary)
                        }
                        _ => None,
                    })
                    .collect()
            })
            .collect();
        // A share's numerator whose complement counts 1 to k − 1 people.
        for i in indicators {
            let Some(d) = i.denominator else { continue };
            if i.unit != Unit::Percent || !people.contains(&i.numerator) || !people.contains(&d)
            {
                continue;
            }
            for n in 0..tree.nodes.len() {
                if let (Some(num), Some(den)) = (t[i.numerator][n], t[d][n]) {
                    if small(den - num, min_cell) && h[i.numerator][n].is_none() {
                        h[i.numerator][n] = Some(Suppression::Primary);
                    }
                }
            }
        }
        for &c in people {
            protect(&tree, &t[c], &mut h[c]);
        }
        all_totals.push(t);
        all_hidden.push(h);
    }
    let name = |n: usize| tree.nodes[n].0.map(|u| g.units[u].name.clone());
    let level = |n: usize| tree.nodes[n].0.map(|u| g.levels[g.units[u].level].clone());
    let groups = (0..tree.nodes.len())
        .map(|n| Group {
            name: name(n),
            level: level(n),
            parent: tree.nodes[n].1.and_then(name),
        })
        .collect();
    let indicators = indicators
        .iter()
        .map(|i| {
            let mut rows = Vec::new();
            for (k, &w) in wave_list.iter().enumerate() {
                let (t, h) = (&all_totals[k], &all_hidden[k]);
                for n in 0..tree.nodes.len() {
                    let num = t[i.numerator][n];
                    let num_hidden = h[i.numerator][n];
                    let den = i.denominator.and_then(|d| t[d][n]);
                    let den_hidden = i.denominator.and_then(|d| h[d][n]);
                    let computed = match (i.unit, i.denominator) {
                        (_, None) => num,
                        (Unit::Percent, Some(_)) => ratio(num, den).map(|x| 100.0 * x),
                        (_, Some(_)) => ratio(num, den),
                    };
                    let hidden = num_hidden.is_some() || den_hidden.is_some();
                    let value = computed.filter(|_| !hidden);
                    let progress = value.and_then(|v| progress(v, i.baseline, i.target, i.direction));
                    let status = match (hidden, progress) {
                        (true, _) if computed.is_some() => Status::Hidden,
                        (_, Some(p)) => status(p, thresholds),
                        _ => Status::NotComputable,
                    };
                    rows.push(Row {
                        wave: wave_id(w),
                        group: name(n),
                        level: level(n),
                        numerator: num.filter(|_| num_hidden.is_none()),
                        numerator_suppressed: num_hidden,
                        denominator: den.filter(|_| den_hidden.is_none()),
                        denominator_suppressed: den_hidden,
                        value,
                        progress,
                        percent_of_target: progress.map(|p| 100.0 * p),
                        status,
                    });
                }
            }
            Indicator {
                id: i.id.clone(),
                labels: i.labels.clone(),
                numerator: records.columns[i.numerator].clone(),
                denominator: i.denominator.map(|d| records.columns[d].clone()),
                unit: i.unit,
                baseline: i.baseline,
                target: i.target,
                direction: i.direction,
                rows,
            }
        })
        .collect();
    IndicatorsResult {
        by: g.levels[by].clone(),
        thresholds,
        waves: waves
            .iter()
            .map(|w| WaveOut {
                id: w.id.clone(),
                label: w.label.as_ref().map(|l| l.labels()).unwrap_or_default(),
            })
            .collect(),
        latest: wave_id(latest),
        groups,
        indicators,
        people: people.iter().map(|&c| records.columns[c].clone()).collect(),
    }
}

/// num ÷ den; `None` for a missing total or a zero denominator (0 ÷ 0 is not computable).
fn ratio(num: Option<f64>, den: Option<f64>) -> Option<f64> {
    let (num, den) = (num?, den?);
    (den != 0.0).then(|| num / den)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn progress_and_status_as_documented() {
        // Hand computations of the formulas in the module's documentation.
        assert_eq!(progress(72.5, Some(55.0), 90.0, Direction::Increase), Some(0.5));
        assert_eq!(progress(45.0, None, 90.0, Direction::Increase), Some(0.5));
        // Decrease with a baseline: caseload from 20 down to 10, now 15 → half way.
        assert_eq!(progress(15.0, Some(20.0), 10.0, Direction::Decrease), Some(0.5));
        // Decrease without a baseline: the mirror of value / target about the target.
        assert_eq!(progress(15.0, None, 10.0, Direction::Decrease), Some(0.5));
        assert_eq!(progress(10.0, None, 10.0, Direction::Decrease), Some(1.0));
        assert_eq!(progress(1.0, None, 0.0, Direction::Increase), None);
        let t = DEFAULT_THRESHOLDS;
        assert_eq!(status(0.9, t), Status::OnTrack);
        assert_eq!(status(0.9 - 1e-12, t), Status::OnTrack);
        assert_eq!(status(0.899, t), Status::AtRisk);
        assert_eq!(status(0.7, t), Status::AtRisk);
        assert_eq!(status(0.699, t), Status::OffTrack);
        assert_eq!(Status::code_of("off_track"), Some(0.0));
        assert_eq!(Status::code_of("on_track"), Some(2.0));
        assert_eq!(Status::name_of(1.0), "at_risk");
    }

    #[test]
    fn a_region_of_one_ambito_is_hidden_with_it_and_another_region_with_one_of_its_parts() {
        // Italy (30) = R1 (3) + R2 (27); R1 = a (3); R2 = b (12) + c (15). a and R1 are small;
        // Italy − R2 would give R1 = a back, so R2 is hidden, and then R2 − c would give R2
        // back, so b (the smaller part) is hidden too.
        let tree = Tree {
            nodes: vec![
                (None, None),
                (Some(0), Some(0)),
                (Some(1), Some(1)),
                (Some(2), Some(0)),
                (Some(3), Some(3)),
                (Some(4), Some(3)),
            ],
        };
        let totals = [30.0, 3.0, 3.0, 27.0, 12.0, 15.0].map(Some);
        let mut hidden: Vec<Option<Suppression>> = totals
            .iter()
            .map(|x| small(x.unwrap(), 5).then_some(Suppression::Primary))
            .collect();
        protect(&tree, &totals, &mut hidden);
        let shown: Vec<bool> = hidden.iter().map(Option::is_none).collect();
        assert_eq!(shown, [true, false, false, false, false, true]);
        assert_eq!(hidden[3], Some(Suppression::Secondary));
        assert_eq!(hidden[4], Some(Suppression::Secondary));
    }
}
