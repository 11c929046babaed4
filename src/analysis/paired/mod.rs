//! Before and after on the same people (`kind = "paired"`): a programme's participants measured
//! when they joined and again at the end, paired by their id (under the study's keyed
//! pseudonym). For each scale and item: the Wilcoxon signed-rank test with the matched-pairs
//! rank-biserial correlation, the paired t-test with Cohen's d_z, McNemar's test for a yes/no
//! item and Stuart–Maxwell's (with Bowker's) for a single choice of three or more answers, the
//! p-values adjusted within the analysis. Beside them what a reader of a change needs: who was
//! seen at baseline only, at both and at follow-up only; whether those who left differed at
//! baseline from those who stayed (a change among completers can be selection); and, from a
//! session log, the dose: sessions per person and their association with the change, the
//! mentors' caseloads and the time from entry to the first session.

pub mod publish;
pub use publish::Params;

use std::collections::HashMap;

use serde::Serialize;

use crate::check::sessions::SessionLog;
use crate::check::Dataset;
use crate::disclosure::summary_min;
use crate::error::Result;
use crate::instrument::Labels;
use crate::stats::paired::{McNemar, PairedT, Symmetry};
use crate::stats::Correction;
use crate::study::Text;

use super::Groups;

/// A wave as the result names it.
#[derive(Debug, Clone, Serialize)]
pub struct WaveRef {
    pub id: String,
    pub label: Option<Text>,
}

/// Who was seen when, in the whole sample or one group: null counts are hidden.
#[derive(Debug, Clone, Serialize)]
pub struct Seen {
    pub group: Option<String>,
    pub before_only: Option<u64>,
    pub both: Option<u64>,
    pub after_only: Option<u64>,
    /// Percent of those seen before who were not seen after.
    pub attrition: Option<f64>,
}

/// What a variable is, which decides its tests.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Measure {
    /// A scale's score (the mean of its items).
    Score,
    /// A number or an ordered answer (a Likert statement).
    Ordinal,
    /// A yes/no answer: the share of its first answer (or of 1).
    Binary,
    /// A single choice of three or more unordered answers.
    Categories,
}

/// The Wilcoxon signed-rank test as published.
#[derive(Debug, Clone, Serialize)]
pub struct SignedRank {
    pub statistic: f64,
    pub p: f64,
    /// Whether `p` is the exact one (small samples without ties or zeros).
    pub exact: bool,
    /// Matched-pairs rank-biserial correlation: positive when after > before.
    pub r: f64,
    pub r_ci: Option<[f64; 2]>,
}

/// One answer of a single choice: its share before and after among the pairs.
#[derive(Debug, Clone, Serialize)]
pub struct Share {
    pub name: String,
    pub labels: Labels,
    pub before: Option<f64>,
    pub after: Option<f64>,
}

/// The marginal homogeneity of a single choice: Stuart–Maxwell, and Bowker's symmetry.
#[derive(Debug, Clone, Serialize)]
pub struct Homogeneity {
    pub stuart_maxwell: Symmetry,
    pub bowker: Option<Symmetry>,
}

/// One variable before and after, in the whole sample or one group.
#[derive(Debug, Clone, Serialize)]
pub struct PairedRow {
    pub subject: String,
    pub labels: Labels,
    pub group: Option<String>,
    pub measure: Measure,
    /// The lowest and highest answer possible, when the questionnaire says.
    pub range: Option<[f64; 2]>,
    /// Pairs with an answer both times; null when hidden.
    pub n: Option<u64>,
    /// Means (scores, ordinal answers) or percents (yes/no) among the pairs.
    pub before: Option<f64>,
    pub after: Option<f64>,
    /// After − before, with its 95% interval (the paired t-test's).
    pub diff: Option<f64>,
    pub diff_ci: Option<[f64; 2]>,
    /// Percent of the pairs whose answer went up, and down.
    pub up: Option<f64>,
    pub down: Option<f64>,
    pub wilcoxon: Option<SignedRank>,
    pub t: Option<PairedT>,
    pub mcnemar: Option<McNemar>,
    pub shares: Vec<Share>,
    pub homogeneity: Option<Homogeneity>,
    /// The row's main test: "wilcoxon", "t" (when the signed-rank test is withheld),
    /// "mcnemar" or "stuart_maxwell".
    pub test: Option<&'static str>,
    /// Its p-value, and as adjusted within the analysis.
    pub p: Option<f64>,
    pub p_adjusted: Option<f64>,
    /// Adjusted p < 0.05.
    pub holds: bool,
    /// Why a test is not shown: `small` (fewer pairs than the minimum for a summary, or their
    /// number hidden), `ranks` (fewer than k went up, went down or stayed the same: the
    /// signed-rank test would give them back, the paired t-test is shown), `transitions` (fewer
    /// than k moved between two answers: the test would give them back).
    pub withheld: Option<&'static str>,
}

/// Those who stayed against those who left, on one baseline answer.
#[derive(Debug, Clone, Serialize)]
pub struct AttritionRow {
    pub subject: String,
    pub labels: Labels,
    pub measure: Measure,
    pub stayed_n: Option<u64>,
    pub left_n: Option<u64>,
    /// Mean (or percent for yes/no) at baseline of those who stayed, and of those who left.
    pub stayed: Option<f64>,
    pub left: Option<f64>,
    /// Mann–Whitney (scores, ordinal) or Fisher's exact test (yes/no).
    pub test: &'static str,
    pub p: Option<f64>,
    pub p_adjusted: Option<f64>,
    pub holds: bool,
}

/// A distribution summarised by its median and quartiles (and mean), over `n` people.
#[derive(Debug, Clone, Serialize)]
pub struct Spread {
    pub n: u64,
    pub mean: f64,
    pub median: f64,
    pub q1: f64,
    pub q3: f64,
}

/// The association between the sessions a person had and their change in one variable.
#[derive(Debug, Clone, Serialize)]
pub struct DoseRow {
    pub subject: String,
    pub labels: Labels,
    pub n: u64,
    pub rho: f64,
    pub ci: Option<[f64; 2]>,
    pub p: f64,
    pub p_adjusted: Option<f64>,
    pub holds: bool,
}

/// What the session log says: the dose.
#[derive(Debug, Clone, Serialize)]
pub struct Dose {
    pub source: String,
    /// Sessions per person seen at baseline (none counts 0); null when too few.
    pub sessions: Option<Spread>,
    /// Minutes per person, when the log has them.
    pub minutes: Option<Spread>,
    /// People seen at baseline with no session in the log (hidden when from 1 to k − 1).
    pub without: Option<u64>,
    /// Mentors in the log, and the young people each followed.
    pub mentors: Option<u64>,
    pub caseload: Option<Spread>,
    /// Days from entry into the programme to the first session.
    pub days_to_first: Option<Spread>,
    /// Sessions per person against the change, per variable (scores and ordinal answers).
    pub association: Vec<DoseRow>,
    /// Sessions of people the survey does not know (their ids are not in it).
    pub unmatched_people: Option<u64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PairedResult {
    pub before: WaveRef,
    pub after: WaveRef,
    pub by: Option<String>,
    pub groups: Vec<String>,
    /// Whether pairs were linked under the study's keyed pseudonym.
    pub keyed: bool,
    pub correction: Correction,
    /// The whole sample first, then each group.
    pub seen: Vec<Seen>,
    pub rows: Vec<PairedRow>,
    pub attrition: Vec<AttritionRow>,
    /// Whether those who left differed at baseline on any variable (adjusted p < 0.05).
    pub selective: bool,
    pub dose: Option<Dose>,
    /// The minimum cell size (what a withheld test's reason names).
    pub min_cell: u64,
}

/// The people of the two waves: for each, their row before and after.
struct Pairs {
    /// Each person's row at `before` and at `after`, in the order first seen.
    rows: Vec<(Option<usize>, Option<usize>)>,
    /// Each person's key (a pseudonym under the study's key), as `rows`.
    keys: Vec<String>,
    /// Each person's group (at their first answer in the file), as `rows`.
    group: Vec<Option<usize>>,
}

impl Pairs {
    fn of(
        dataset: &Dataset,
        waves: (usize, usize),
        groups: Option<&Groups>,
        key: Option<&crate::report::pseudonym::Pseudonymiser>,
        study: &crate::study::Study,
    ) -> Result<Pairs> {
        let wave_column = dataset.wave_column.as_deref().unwrap_or_default();
        let wave: Vec<Option<usize>> = dataset
            .texts(wave_column)
            .unwrap_or_default()
            .into_iter()
            .map(|w| w.and_then(|w| study.waves.iter().position(|x| x.id == w)))
            .collect();
        let ids = dataset
            .id_column
            .as_deref()
            .and_then(|c| dataset.texts(c))
            .unwrap_or_default();
        let mut index: HashMap<String, usize> = HashMap::new();
        let mut pairs = Pairs {
            rows: Vec::new(),
            keys: Vec::new(),
            group: Vec::new(),
        };
        for (r, (w, id)) in wave.iter().zip(&ids).enumerate() {
            let (Some(w), Some(id)) = (w, id) else {
                continue;
            };
            let slot = if *w == waves.0 {
                0
            } else if *w == waves.1 {
                1
            } else {
                continue;
            };
            let k = match key {
                Some(p) => p.of(id),
                None => id.trim().to_string(),
            };
            let next = pairs.rows.len();
            let p = *index.entry(k.clone()).or_insert(next);
            if p == next {
                pairs.rows.push((None, None));
                pairs.keys.push(k);
                pairs.group.push(groups.and_then(|g| g.index[r]));
            }
            let at = &mut pairs.rows[p];
            // One answer per person and wave (check keeps the first of duplicates).
            if slot == 0 && at.0.is_none() {
                at.0 = Some(r);
            } else if slot == 1 && at.1.is_none() {
                at.1 = Some(r);
            }
        }
        Ok(pairs)
    }
}

/// One variable's values per row, and how it is measured.
struct Variable {
    subject: String,
    labels: Labels,
    measure: Measure,
    /// Numbers (scores, ordinal answers, 1/0 for yes/no) or the index of a category.
    values: Vec<Option<f64>>,
    /// The categories (names and labels) of a single choice; for a yes/no, the answer counted.
    categories: Vec<(String, Labels)>,
    /// The lowest and highest answer possible (a Likert list's codes), for an honest axis.
    range: Option<[f64; 2]>,
}

/// The lowest and highest numeric code of an item's choice list.
fn codes_range(ins: &crate::instrument::Instrument, item: &str) -> Option<[f64; 2]> {
    let list = ins.list_of(ins.item(item)?)?;
    let codes: Vec<f64> = list.choices.iter().filter_map(|c| c.name.parse().ok()).collect();
    let lo = codes.iter().copied().reduce(f64::min)?;
    let hi = codes.iter().copied().reduce(f64::max)?;
    (hi > lo).then_some([lo, hi])
}

/// Words that mean yes, for a two-answer list: that answer is the one counted.
const YES: [&str; 7] = ["1", "si", "sì", "yes", "true", "y", "s"];

fn variable(dataset: &Dataset, name: &str) -> Option<Variable> {
    let ins = &dataset.instrument;
    if let Some(scale) = ins.scale(name) {
        return Some(Variable {
            subject: name.to_string(),
            labels: scale.labels.clone(),
            measure: Measure::Score,
            values: dataset.scale_scores(name).to_vec(),
            categories: Vec::new(),
            range: scale.items.first().and_then(|i| codes_range(ins, i)),
        });
    }
    let item = ins.item(name)?;
    let list = ins.list_of(item);
    if let Some(numbers) = dataset.numbers(name) {
        let distinct: std::collections::BTreeSet<u64> =
            numbers.iter().flatten().map(|x| x.to_bits()).collect();
        let binary = list.map_or_else(
            || distinct.iter().all(|b| [0.0f64, 1.0].contains(&f64::from_bits(*b))),
            |l| l.choices.len() == 2,
        );
        if binary {
            // The answer counted: 1 (or the larger code) against the other.
            let codes: Vec<f64> = match list {
                Some(l) => l.choices.iter().filter_map(|c| c.name.parse().ok()).collect(),
                None => vec![0.0, 1.0],
            };
            let high = codes.iter().copied().fold(f64::MIN, f64::max);
            let counted = list
                .and_then(|l| {
                    l.choices
                        .iter()
                        .find(|c| c.name.parse::<f64>().ok() == Some(high))
                })
                .map(|c| (c.name.clone(), c.labels.clone()))
                .unwrap_or_else(|| ("1".into(), Labels::new()));
            return Some(Variable {
                subject: name.to_string(),
                labels: item.labels.clone(),
                measure: Measure::Binary,
                values: numbers
                    .iter()
                    .map(|v| v.map(|v| f64::from(u8::from(v == high))))
                    .collect(),
                categories: vec![counted],
                range: None,
            });
        }
        return Some(Variable {
            subject: name.to_string(),
            labels: item.labels.clone(),
            measure: Measure::Ordinal,
            values: numbers,
            categories: Vec::new(),
            range: codes_range(ins, name),
        });
    }
    // A single choice of named answers.
    let list = list?;
    let texts = dataset.texts(name)?;
    let position = |t: &str| list.choices.iter().position(|c| c.name == t);
    if list.choices.len() == 2 {
        let counted = list
            .choices
            .iter()
            .position(|c| YES.contains(&c.name.trim().to_lowercase().as_str()))
            .unwrap_or(0);
        let c = &list.choices[counted];
        return Some(Variable {
            subject: name.to_string(),
            labels: item.labels.clone(),
            measure: Measure::Binary,
            values: texts
                .iter()
                .map(|t| t.and_then(position).map(|k| f64::from(u8::from(k == counted))))
                .collect(),
            categories: vec![(c.name.clone(), c.labels.clone())],
            range: None,
        });
    }
    Some(Variable {
        subject: name.to_string(),
        labels: item.labels.clone(),
        measure: Measure::Categories,
        values: texts
            .iter()
            .map(|t| t.and_then(position).map(|k| k as f64))
            .collect(),
        categories: list
            .choices
            .iter()
            .map(|c| (c.name.clone(), c.labels.clone()))
            .collect(),
        range: None,
    })
}

/// A change to nine decimals, as the Wilcoxon test rounds its differences: a scale's mean of
/// 1/3s computed in two orders is the same score (else a float's last bit makes two equal
/// changes unequal, and the ranks change).
fn snap(x: f64) -> f64 {
    (x * 1e9).round() / 1e9
}

/// A count as published: shown when 0 or at least k.
fn count(n: u64, k: u64) -> Option<u64> {
    (n == 0 || n >= k).then_some(n)
}

/// A percent of `n` whose count is shown (0 or at least k), else hidden.
fn percent(count_of: u64, n: u64, k: u64) -> Option<f64> {
    (n > 0 && (count_of == 0 || count_of >= k)).then(|| 100.0 * count_of as f64 / n as f64)
}

/// Who was seen when, in the whole sample and per group (each person counted in the group of
/// their first answer). These are the design's response counts, published as they are: they are
/// the differences of the answers per wave and group, which every analysis of one wave publishes.
fn seen(pairs: &Pairs, groups: Option<&Groups>) -> Vec<Seen> {
    let n_groups = groups.map_or(0, |g| g.names.len());
    let mut cells = vec![[0u64; 3]; n_groups + 1];
    for (p, (b, a)) in pairs.rows.iter().enumerate() {
        let col = match (b, a) {
            (Some(_), None) => 0,
            (Some(_), Some(_)) => 1,
            (None, Some(_)) => 2,
            (None, None) => continue,
        };
        cells[0][col] += 1;
        if let Some(g) = pairs.group[p] {
            cells[g + 1][col] += 1;
        }
    }
    cells
        .iter()
        .enumerate()
        .map(|(g, c)| {
            let before = c[0] + c[1];
            Seen {
                group: (g > 0).then(|| groups.map(|x| x.names[g - 1].clone())).flatten(),
                before_only: Some(c[0]),
                both: Some(c[1]),
                after_only: Some(c[2]),
                attrition: (before > 0).then(|| 100.0 * c[0] as f64 / before as f64),
            }
        })
        .collect()
}

/// One variable's pairs among some people: their answers, and the counts a row publishes.
struct Counts {
    before: Vec<f64>,
    after: Vec<f64>,
    /// Went up, went down, stayed the same (for a single choice: moved, stayed).
    moves: Vec<u64>,
    /// Each answer's count before and after (yes and no for a yes/no; every answer of a single
    /// choice); none for a score.
    margins: [Vec<u64>; 2],
    /// Moves between answers of a single choice (before × after).
    transitions: Vec<Vec<u64>>,
}

impl Counts {
    fn of(v: &Variable, pairs: &Pairs, people: &[usize]) -> Counts {
        let (mut before, mut after) = (Vec::new(), Vec::new());
        for &p in people {
            if let (Some(b), Some(a)) = pairs.rows[p] {
                if let (Some(x), Some(y)) = (v.values[b], v.values[a]) {
                    before.push(x);
                    after.push(y);
                }
            }
        }
        let n = before.len() as u64;
        let cats = match v.measure {
            Measure::Binary => 2,
            Measure::Categories => v.categories.len(),
            _ => 0,
        };
        let mut transitions = vec![vec![0u64; cats]; cats];
        let mut margins = [vec![0u64; cats], vec![0u64; cats]];
        // A yes/no's answers as categories: yes (1) first.
        let cat = |x: f64| match v.measure {
            Measure::Binary => usize::from(x != 1.0),
            _ => x as usize,
        };
        if cats > 0 {
            for (b, a) in before.iter().zip(&after) {
                let (i, j) = (cat(*b), cat(*a));
                transitions[i][j] += 1;
                margins[0][i] += 1;
                margins[1][j] += 1;
            }
        }
        let up = before.iter().zip(&after).filter(|(b, a)| a > b).count() as u64;
        let down = before.iter().zip(&after).filter(|(b, a)| a < b).count() as u64;
        let moves = if v.measure == Measure::Categories {
            let same: u64 = (0..cats).map(|i| transitions[i][i]).sum();
            vec![n - same, same]
        } else {
            vec![up, down, n - up - down]
        };
        Counts {
            before,
            after,
            moves,
            margins,
            transitions,
        }
    }

    fn n(&self) -> u64 {
        self.before.len() as u64
    }
}

/// What of one row may be published, from the protection of the groups' counts together (a
/// group's count from 1 to k − 1 is hidden, and another beside it, so that the total minus the
/// groups shown does not give it back).
#[derive(Clone)]
struct Shown {
    n: bool,
    /// Every count of up, down and the same (moved and stayed for a single choice).
    moves: bool,
    /// Each answer's count before and after.
    margins: [Vec<bool>; 2],
}

/// What each row of one variable may publish: the whole sample first, then each group.
fn shown(counts: &[Counts], grouped: bool, k: u64) -> Vec<Shown> {
    // The protected table's rows: the groups (the whole sample as their margin), or the whole
    // sample alone.
    let rows: &[Counts] = if grouped { &counts[1..] } else { &counts[..1] };
    let protect = |table: Vec<Vec<u64>>| crate::disclosure::protect(&table, k);
    let moves = protect(rows.iter().map(|c| c.moves.clone()).collect());
    let cats = counts[0].margins[0].len();
    let margins: Vec<crate::disclosure::Protection> = (0..2)
        .map(|w| protect(rows.iter().map(|c| c.margins[w].clone()).collect()))
        .collect();
    let all = |cells: &[Option<crate::disclosure::Suppression>]| cells.iter().all(Option::is_none);
    let mut out = Vec::with_capacity(counts.len());
    // The whole sample: the margins of the groups' tables, or the one row.
    let total = |p: &crate::disclosure::Protection| -> (Vec<bool>, bool) {
        if grouped {
            (p.cols.iter().map(Option::is_none).collect(), p.total.is_none())
        } else {
            (
                p.cells.first().map_or_else(Vec::new, |r| r.iter().map(Option::is_none).collect()),
                p.rows.first().is_none_or(Option::is_none),
            )
        }
    };
    let (m, n_m) = total(&moves);
    let (b, n_b) = if cats > 0 { total(&margins[0]) } else { (Vec::new(), true) };
    let (a, n_a) = if cats > 0 { total(&margins[1]) } else { (Vec::new(), true) };
    out.push(Shown {
        n: n_m && n_b && n_a,
        moves: m.iter().all(|x| *x),
        margins: [b, a],
    });
    if grouped {
        for g in 0..rows.len() {
            let cells = |p: &crate::disclosure::Protection| -> Vec<bool> {
                p.cells[g].iter().map(Option::is_none).collect()
            };
            let n_ok = moves.rows[g].is_none()
                && (cats == 0 || (margins[0].rows[g].is_none() && margins[1].rows[g].is_none()));
            out.push(Shown {
                n: n_ok,
                moves: all(&moves.cells[g]),
                margins: if cats > 0 {
                    [cells(&margins[0]), cells(&margins[1])]
                } else {
                    [Vec::new(), Vec::new()]
                },
            });
        }
    }
    out
}

/// The paired row of one variable among some people, publishing what `shown` allows.
fn paired_row(
    v: &Variable,
    c: &Counts,
    shown: &Shown,
    group: Option<String>,
    k: u64,
) -> PairedRow {
    let n = c.n();
    let mut row = PairedRow {
        subject: v.subject.clone(),
        labels: v.labels.clone(),
        group,
        measure: v.measure,
        range: v.range,
        n: shown.n.then_some(n),
        before: None,
        after: None,
        diff: None,
        diff_ci: None,
        up: None,
        down: None,
        wilcoxon: None,
        t: None,
        mcnemar: None,
        shares: Vec::new(),
        homogeneity: None,
        test: None,
        p: None,
        p_adjusted: None,
        holds: false,
        withheld: None,
    };
    if !shown.n || n < summary_min(k) {
        row.withheld = Some("small");
        return row;
    }
    let share = |count: u64, ok: bool| ok.then(|| 100.0 * count as f64 / n as f64);
    // For a single choice, "up" is who moved and "down" is none.
    let (up, down) = match c.moves.as_slice() {
        [up, down, _] => (*up, *down),
        [moved, _] => (*moved, 0),
        _ => (0, 0),
    };
    if shown.moves {
        row.up = share(up, true);
        row.down = share(down, true);
    }
    let (before, after) = (&c.before, &c.after);
    match v.measure {
        Measure::Score | Measure::Ordinal => {
            row.before = crate::stats::descriptive::mean(before);
            row.after = crate::stats::descriptive::mean(after);
            row.t = crate::stats::paired::paired_t(before, after);
            if let Some(t) = &row.t {
                row.diff = Some(t.mean_diff);
                row.diff_ci = Some(t.ci);
            } else if let (Some(b), Some(a)) = (row.before, row.after) {
                row.diff = Some(a - b);
            }
            // The signed-rank test's W and r give back how many changed: shown only when up,
            // down and the same are; else the paired t-test's p is the row's.
            if shown.moves {
                if let Some(w) = crate::stats::paired::wilcoxon(before, after) {
                    let (p, exact) = match w.p_exact {
                        Some(p) => (p, true),
                        None => (w.p, false),
                    };
                    row.test = Some("wilcoxon");
                    row.p = Some(p);
                    row.wilcoxon = Some(SignedRank {
                        statistic: w.statistic,
                        p,
                        exact,
                        r: w.rank_biserial,
                        r_ci: w.rank_biserial_ci,
                    });
                }
            } else {
                row.withheld = Some("ranks");
                row.test = row.t.as_ref().map(|_| "t");
                row.p = row.t.as_ref().map(|t| t.p);
            }
        }
        Measure::Binary => {
            let [yes_before, yes_after] = [c.margins[0][0], c.margins[1][0]];
            row.before = share(yes_before, shown.margins[0][0] && shown.margins[0][1]);
            row.after = share(yes_after, shown.margins[1][0] && shown.margins[1][1]);
            if let (Some(b), Some(a)) = (row.before, row.after) {
                row.diff = Some(a - b);
            }
            if up == 0 && down == 0 {
                return row;
            }
            // Went from yes to no (b) and from no to yes (c): the test gives them back.
            if !shown.moves {
                row.withheld = Some("transitions");
                return row;
            }
            row.mcnemar = crate::stats::paired::mcnemar(down, up);
            row.test = row.mcnemar.as_ref().map(|_| "mcnemar");
            row.p = row.mcnemar.as_ref().map(|m| m.p_exact);
        }
        Measure::Categories => {
            row.shares = (0..v.categories.len())
                .map(|i| Share {
                    name: v.categories[i].0.clone(),
                    labels: v.categories[i].1.clone(),
                    before: share(c.margins[0][i], shown.margins[0][i]),
                    after: share(c.margins[1][i], shown.margins[1][i]),
                })
                .collect();
            // The tests and the share that moved, with the margins, give back the table of
            // moves: shown only when every cell of it (staying put too) is 0 or at least k.
            let every = c
                .transitions
                .iter()
                .flatten()
                .all(|&x| count(x, k).is_some());
            let margins = shown.margins.iter().flatten().all(|x| *x);
            row.up = None;
            row.down = None;
            if !(every && margins && shown.moves) {
                row.withheld = Some("transitions");
                return row;
            }
            row.up = share(up, true);
            if let Some(sm) = crate::stats::paired::stuart_maxwell(&c.transitions) {
                row.test = Some("stuart_maxwell");
                row.p = Some(sm.p);
                row.homogeneity = Some(Homogeneity {
                    stuart_maxwell: sm,
                    bowker: crate::stats::paired::bowker(&c.transitions),
                });
            }
        }
    }
    row
}

/// Those who stayed against those who left, on one variable's baseline answers.
/// Those who stayed are the pairs of the change (an answer both times): their baseline mean is
/// the change's "before", so the two tables differ by no one (a stayer who skipped the question at
/// the end counts with those who left, whose answer the end lacks too).
fn attrition_row(v: &Variable, pairs: &Pairs, k: u64) -> Option<AttritionRow> {
    let (mut stayed, mut left) = (Vec::new(), Vec::new());
    for (b, a) in &pairs.rows {
        let Some(b) = b else { continue };
        let Some(x) = v.values[*b] else { continue };
        if a.is_some_and(|a| v.values[a].is_some()) {
            stayed.push(x);
        } else {
            left.push(x);
        }
    }
    let (ns, nl) = (stayed.len() as u64, left.len() as u64);
    let mut row = AttritionRow {
        subject: v.subject.clone(),
        labels: v.labels.clone(),
        measure: v.measure,
        stayed_n: count(ns, k),
        left_n: count(nl, k),
        stayed: None,
        left: None,
        test: "",
        p: None,
        p_adjusted: None,
        holds: false,
    };
    let min = summary_min(k);
    if ns < min || nl < min {
        return Some(row);
    }
    match v.measure {
        Measure::Score | Measure::Ordinal => {
            row.stayed = crate::stats::descriptive::mean(&stayed);
            row.left = crate::stats::descriptive::mean(&left);
            row.test = "mann_whitney";
            row.p = crate::stats::mann_whitney::mann_whitney(&stayed, &left)
                .map(|m| m.p_exact.unwrap_or(m.p));
        }
        Measure::Binary => {
            let ys = stayed.iter().filter(|x| **x == 1.0).count() as u64;
            let yl = left.iter().filter(|x| **x == 1.0).count() as u64;
            row.stayed = percent(ys, ns, k);
            row.left = percent(yl, nl, k);
            // The 2×2 table's cells are given back by the test: shown only when each is 0 or
            // at least k.
            if [ys, ns - ys, yl, nl - yl].iter().all(|&c| count(c, k).is_some()) {
                row.test = "fisher";
                row.p = Some(
                    crate::stats::crosstab::fisher([
                        ys as f64,
                        (ns - ys) as f64,
                        yl as f64,
                        (nl - yl) as f64,
                    ])
                    .p,
                );
            }
        }
        Measure::Categories => return None,
    }
    Some(row)
}

/// Median, quartiles and mean of `x` (None under the minimum for a summary).
fn spread(x: Vec<f64>, k: u64) -> Option<Spread> {
    ((x.len() as u64) >= summary_min(k))
        .then(|| spread_any(x))
        .flatten()
}

/// The dose from the session log: per person seen at baseline, their sessions.
fn dose(
    log: &SessionLog,
    pairs: &Pairs,
    variables: &[Variable],
    key: Option<&crate::report::pseudonym::Pseudonymiser>,
    k: u64,
) -> Dose {
    let index: HashMap<&str, usize> = pairs
        .keys
        .iter()
        .enumerate()
        .map(|(i, key)| (key.as_str(), i))
        .collect();
    let n = pairs.rows.len();
    let mut sessions = vec![0u64; n];
    let mut minutes = vec![0f64; n];
    let mut first = vec![i64::MAX; n];
    let mut entry: Vec<Option<i64>> = vec![None; n];
    let mut mentors: HashMap<&str, std::collections::BTreeSet<usize>> = HashMap::new();
    let mut unmatched = std::collections::BTreeSet::new();
    for s in &log.rows {
        let person = match key {
            Some(p) => p.of(&s.person),
            None => s.person.trim().to_string(),
        };
        let Some(&p) = index.get(person.as_str()) else {
            unmatched.insert(person);
            continue;
        };
        sessions[p] += 1;
        minutes[p] += s.minutes.unwrap_or(0.0);
        first[p] = first[p].min(s.day);
        entry[p] = entry[p].or(s.entry);
        if let Some(m) = &s.mentor {
            mentors.entry(m.as_str()).or_default().insert(p);
        }
    }
    // The people the dose is about: those seen at baseline.
    let baseline: Vec<usize> = (0..n).filter(|&p| pairs.rows[p].0.is_some()).collect();
    let without = baseline.iter().filter(|&&p| sessions[p] == 0).count() as u64;
    let days: Vec<f64> = baseline
        .iter()
        .filter_map(|&p| {
            let e = entry[p]?;
            (first[p] != i64::MAX).then(|| (first[p] - e) as f64)
        })
        .collect();
    let mut association = Vec::new();
    for v in variables
        .iter()
        .filter(|v| matches!(v.measure, Measure::Score | Measure::Ordinal))
    {
        let (mut dose, mut change) = (Vec::new(), Vec::new());
        for (p, (b, a)) in pairs.rows.iter().enumerate() {
            if let (Some(b), Some(a)) = (b, a) {
                if let (Some(x), Some(y)) = (v.values[*b], v.values[*a]) {
                    dose.push(sessions[p] as f64);
                    change.push(snap(y - x));
                }
            }
        }
        // A rank correlation driven by a few people tells their changes' ranks: at least 2k pairs
        // with a session, and those without one none or at least k.
        let with = dose.iter().filter(|x| **x > 0.0).count() as u64;
        let without = dose.len() as u64 - with;
        if with < summary_min(k) || count(without, k).is_none() {
            continue;
        }
        if let Some(s) = crate::stats::correlation::spearman(&dose, &change) {
            association.push(DoseRow {
                subject: v.subject.clone(),
                labels: v.labels.clone(),
                n: s.n as u64,
                rho: s.rho,
                ci: s.ci,
                p: s.p,
                p_adjusted: None,
                holds: false,
            });
        }
    }
    let caseloads: Vec<f64> = mentors.values().map(|m| m.len() as f64).collect();
    Dose {
        source: log.source.clone(),
        sessions: spread(baseline.iter().map(|&p| sessions[p] as f64).collect(), k),
        minutes: log
            .has_minutes
            .then(|| spread(baseline.iter().map(|&p| minutes[p]).collect(), k))
            .flatten(),
        without: count(without, k),
        mentors: log.has_mentor.then_some(mentors.len() as u64),
        // A caseload is about a mentor's work: its spread is shown from k mentors.
        caseload: if (caseloads.len() as u64) >= k {
            spread_any(caseloads)
        } else {
            None
        },
        // Over the people with a session: its n (or its mean's denominator, or its quartiles'
        // positions) with the people at baseline would give back those without one when they are
        // hidden, so it is shown only when they are.
        days_to_first: log
            .has_entry
            .then(|| spread(days, k))
            .flatten()
            .filter(|_| count(without, k).is_some()),
        association,
        unmatched_people: count(unmatched.len() as u64, k),
    }
}

/// Median, quartiles and mean of `x`, however few.
fn spread_any(mut x: Vec<f64>) -> Option<Spread> {
    x.sort_by(f64::total_cmp);
    let q = |p: f64| crate::stats::counting::quantile_sorted(&x, p);
    Some(Spread {
        n: x.len() as u64,
        mean: crate::stats::descriptive::mean(&x)?,
        median: q(0.5)?,
        q1: q(0.25)?,
        q3: q(0.75)?,
    })
}

/// Adjusts the p-values of a family in place, marking what holds.
fn adjust<'a>(
    family: impl Iterator<Item = (Option<f64>, &'a mut Option<f64>, &'a mut bool)>,
    correction: Correction,
) {
    let mut slots: Vec<(f64, &mut Option<f64>, &mut bool)> = family
        .filter_map(|(p, adj, holds)| p.map(|p| (p, adj, holds)))
        .collect();
    let p: Vec<f64> = slots.iter().map(|s| s.0).collect();
    for (s, a) in slots.iter_mut().zip(crate::stats::adjust(&p, correction)) {
        *s.1 = Some(a);
        *s.2 = a < 0.05;
    }
}

/// What the analysis asks, resolved.
pub struct Ask<'a> {
    pub variables: Vec<&'a str>,
    pub waves: (usize, usize),
    pub correction: Correction,
    pub by: Option<&'a str>,
    pub attrition: Vec<&'a str>,
    pub log: Option<&'a SessionLog>,
}

pub fn run(study: &crate::study::Study, dataset: &Dataset, ask: &Ask) -> Result<PairedResult> {
    let k = study.min_cell;
    let groups = ask.by.and_then(|b| Groups::of(study, dataset, Some(b)));
    let secret = crate::report::pseudonym::study_secret(study)?;
    let key = secret
        .map(|s| crate::report::pseudonym::Pseudonymiser::new(&s))
        .transpose()?;
    let pairs = Pairs::of(dataset, ask.waves, groups.as_ref(), key.as_ref(), study)?;
    let variables: Vec<Variable> = ask
        .variables
        .iter()
        .filter_map(|v| variable(dataset, v))
        .collect();
    let seen = seen(&pairs, groups.as_ref());
    // The whole sample, then each group.
    let everyone: Vec<usize> = (0..pairs.rows.len()).collect();
    let mut people = vec![everyone.clone()];
    let mut names: Vec<Option<String>> = vec![None];
    if let Some(g) = &groups {
        for (j, name) in g.names.iter().enumerate() {
            people.push(
                everyone
                    .iter()
                    .copied()
                    .filter(|&p| pairs.group[p] == Some(j))
                    .collect(),
            );
            names.push(Some(name.clone()));
        }
    }
    let mut by_group: Vec<Vec<PairedRow>> = vec![Vec::new(); people.len()];
    for v in &variables {
        let counts: Vec<Counts> = people.iter().map(|p| Counts::of(v, &pairs, p)).collect();
        let shown = shown(&counts, groups.is_some(), k);
        for (g, (c, s)) in counts.iter().zip(&shown).enumerate() {
            by_group[g].push(paired_row(v, c, s, names[g].clone(), k));
        }
    }
    let mut rows: Vec<PairedRow> = by_group.into_iter().flatten().collect();
    adjust(
        rows.iter_mut()
            .map(|r| (r.p, &mut r.p_adjusted, &mut r.holds)),
        ask.correction,
    );
    let attrition_vars: Vec<Variable> = ask
        .attrition
        .iter()
        .filter_map(|v| variable(dataset, v))
        .collect();
    let mut attrition: Vec<AttritionRow> = attrition_vars
        .iter()
        .filter_map(|v| attrition_row(v, &pairs, k))
        .collect();
    adjust(
        attrition
            .iter_mut()
            .map(|r| (r.p, &mut r.p_adjusted, &mut r.holds)),
        ask.correction,
    );
    let selective = attrition.iter().any(|r| r.holds);
    let dose = ask.log.map(|log| {
        let mut d = dose(log, &pairs, &variables, key.as_ref(), k);
        adjust(
            d.association
                .iter_mut()
                .map(|r| (Some(r.p), &mut r.p_adjusted, &mut r.holds)),
            ask.correction,
        );
        d
    });
    let wave = |w: usize| WaveRef {
        id: study.waves[w].id.clone(),
        label: study.waves[w].label.clone(),
    };
    Ok(PairedResult {
        before: wave(ask.waves.0),
        after: wave(ask.waves.1),
        by: groups.as_ref().map(|g| g.by.clone()),
        groups: groups.map(|g| g.names).unwrap_or_default(),
        keyed: key.is_some(),
        correction: ask.correction,
        seen,
        rows,
        attrition,
        selective,
        dose,
        min_cell: k,
    })
}
