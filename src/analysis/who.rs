//! Who answered, question by question: for every source, the share choosing each option of the
//! several-answer (select_multiple) questions, and the n, median and quartiles of the number
//! questions (integer, decimal) with a histogram, by territory and overall. A question an XLSForm
//! `relevant` left out for someone counts that respondent as "not asked", not as "no answer"
//! ([`crate::instrument::relevant`]).
//!
//! Disclosure. Every published count is a cell of a two-way table protected with its margins
//! ([`crate::disclosure`]): the respondents who answered / did not answer / were not asked ×
//! territories (the territories' sizes as published in the respondents table, those hidden there
//! kept hidden); for each option, those choosing it / not choosing it × territories among those
//! who answered (its margins: the answered row above, and the option's total); for a number
//! question, the histogram's bins × territories (margins: the answered row and the overall
//! histogram). Respondents without a territory are a column that is never shown. A percentage is
//! shown only when its count and its base are both shown (either with the other gives the
//! third back); a median and the quartiles need [`crate::disclosure::summary_min`] answers and a
//! published n. No total of options chosen or of "none chosen" is published, so no equation ties
//! one option's cells to another's. Counts are of respondents, unweighted. Under the cell-key
//! method none of this is published (its counts would have to be perturbed as cells of their own).

use serde::Serialize;

use crate::check::Dataset;
use crate::disclosure::{summary_min, Protection};
use crate::instrument::{relevant::asked_rows, Item, ItemKind, Labels};
use crate::stats::counting::quantile_sorted;
use crate::study::Study;

use super::Groups;

/// A line of counts per territory, and its total; null where hidden.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Line {
    pub groups: Vec<Option<u64>>,
    pub total: Option<u64>,
}

/// A count with its percentage of those who answered; null where hidden.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Share {
    pub count: Option<u64>,
    pub percent: Option<f64>,
}

/// Who was asked a question, and who answered it, per territory.
#[derive(Debug, Clone, Serialize)]
pub struct Reach {
    /// Respondents who answered (the percentages' base).
    pub answered: Line,
    /// Respondents asked who gave no answer (null when everyone asked answered).
    pub no_answer: Option<Line>,
    /// Respondents the questionnaire did not ask (its `relevant` false for them); null when the
    /// question is asked of everyone, or its condition is not one capakit reads.
    pub not_asked: Option<Line>,
}

/// One option of a several-answer question.
#[derive(Debug, Clone, Serialize)]
pub struct OptionShare {
    pub name: String,
    pub labels: Labels,
    pub groups: Vec<Share>,
    pub total: Share,
}

/// A several-answer (select_multiple) question.
#[derive(Debug, Clone, Serialize)]
pub struct Multiple {
    pub variable: String,
    pub labels: Labels,
    /// The XLSForm condition under which it is asked.
    pub relevant: Option<String>,
    pub reach: Reach,
    /// Every option of its list, in the list's order.
    pub options: Vec<OptionShare>,
}

/// n, median and quartiles of a group's answers (answers given: [`quantile_observed`]); the
/// statistics are null below [`summary_min`] answers or where n is hidden.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Quartiles {
    pub n: Option<u64>,
    pub q1: Option<f64>,
    pub median: Option<f64>,
    pub q3: Option<f64>,
}

/// One histogram bin: from `from` up to `to` (both included for whole numbers; `to` excluded for
/// decimals but in the last bin).
#[derive(Debug, Clone, Serialize)]
pub struct Bin {
    pub from: f64,
    pub to: f64,
    pub groups: Vec<Option<u64>>,
    pub total: Option<u64>,
}

/// A number (integer or decimal) question.
#[derive(Debug, Clone, Serialize)]
pub struct Numeric {
    pub variable: String,
    pub labels: Labels,
    pub integer: bool,
    pub relevant: Option<String>,
    pub reach: Reach,
    pub groups: Vec<Quartiles>,
    pub total: Quartiles,
    /// The bin width (Freedman–Diaconis, rounded up to 1, 2, 2.5 or 5 × a power of ten; whole
    /// for whole numbers).
    pub bin_width: f64,
    pub bins: Vec<Bin>,
}

/// The questions of a source beyond the territory counts.
#[derive(Debug, Clone, Serialize, Default)]
pub struct WhoAnswered {
    /// The territories of the columns (as the respondents table names them).
    pub groups: Vec<String>,
    pub multiple: Vec<Multiple>,
    pub numeric: Vec<Numeric>,
    /// Why nothing is published (the cell-key method).
    pub withheld: Option<&'static str>,
}

/// The columns of the tables: each territory, then (never shown) those without one; a study
/// without territories has one column, everyone (shown as the totals).
struct Columns<'a> {
    groups: Option<&'a Groups>,
    /// Each row's column.
    of_row: Vec<usize>,
    /// Columns whose totals are hidden (sizes hidden elsewhere, those without a territory).
    hidden: Vec<bool>,
    /// Territories shown (the first `shown` columns).
    shown: usize,
}

impl<'a> Columns<'a> {
    fn new(groups: Option<&'a Groups>, d: &Dataset, min_cell: u64) -> Columns<'a> {
        match groups {
            Some(g) => {
                let c = g.names.len();
                let mut hidden = g.hidden_sizes(d.height(), min_cell);
                let of_row: Vec<usize> = g.index.iter().map(|x| x.unwrap_or(c)).collect();
                if of_row.contains(&c) {
                    hidden.push(true);
                }
                Columns {
                    groups,
                    of_row,
                    hidden,
                    shown: c,
                }
            }
            None => Columns {
                groups: None,
                of_row: vec![0; d.height()],
                hidden: vec![false],
                shown: 0,
            },
        }
    }

    fn width(&self) -> usize {
        self.hidden.len()
    }

    fn protect(&self, counts: &[Vec<u64>], k: u64, hidden: &[bool], exempt: &[bool]) -> Protection {
        match self.groups {
            Some(g) => g.protect(counts, k, hidden, exempt),
            None => crate::disclosure::protect_table(counts, k, hidden, exempt),
        }
    }

    /// A row of counts as published under `p` (row `i`).
    fn line(&self, counts: &[u64], p: &Protection, i: usize) -> Line {
        Line {
            groups: (0..self.shown)
                .map(|j| p.cells[i][j].is_none().then_some(counts[j]))
                .collect(),
            total: p.rows[i].is_none().then(|| counts.iter().sum()),
        }
    }
}

/// Counts per column of the rows where `pick` holds.
fn count(cols: &Columns, pick: impl Fn(usize) -> bool) -> Vec<u64> {
    let mut out = vec![0u64; cols.width()];
    for (i, &j) in cols.of_row.iter().enumerate() {
        if pick(i) {
            out[j] += 1;
        }
    }
    out
}

/// Who answered, was asked without answering, was not asked; `answered[i]` for every row.
fn reach(
    study: &Study,
    cols: &Columns,
    item: &Item,
    answered: &[bool],
    asked: Option<&[bool]>,
) -> (Reach, Vec<bool>) {
    let is_asked = |i: usize| asked.is_none_or(|a| a[i]);
    let yes = count(cols, |i| answered[i]);
    let silent = count(cols, |i| !answered[i] && is_asked(i));
    let not = count(cols, |i| !answered[i] && !is_asked(i));
    // Rows of nobody are left out (a line of zeros would only hide the others).
    let mut rows: Vec<(usize, Vec<u64>, bool)> = vec![(0, yes, false)];
    if silent.iter().any(|&x| x > 0) {
        rows.push((1, silent, !study.protects_missing([item])));
    }
    if asked.is_some() && not.iter().any(|&x| x > 0) {
        rows.push((2, not, false));
    }
    let counts: Vec<Vec<u64>> = rows.iter().map(|r| r.1.clone()).collect();
    let exempt: Vec<bool> = rows.iter().map(|r| r.2).collect();
    let p = cols.protect(&counts, study.min_cell, &cols.hidden, &exempt);
    let mut out = Reach {
        answered: cols.line(&counts[0], &p, 0),
        no_answer: None,
        not_asked: None,
    };
    for (k, (what, c, _)) in rows.iter().enumerate().skip(1) {
        let line = Some(cols.line(c, &p, k));
        if *what == 1 {
            out.no_answer = line;
        } else {
            out.not_asked = line;
        }
    }
    // The answered counts' columns: hidden where the answered count is (or the column is).
    let hidden = (0..cols.width())
        .map(|j| cols.hidden[j] || p.cells[0][j].is_some())
        .collect();
    (out, hidden)
}

fn percent(count: Option<u64>, base: Option<u64>) -> Option<f64> {
    match (count, base) {
        (Some(c), Some(b)) if b > 0 => Some(100.0 * c as f64 / b as f64),
        _ => None,
    }
}

fn multiple(study: &Study, d: &Dataset, cols: &Columns, item: &Item) -> Option<Multiple> {
    let list = d.instrument.list_of(item)?;
    let texts = d.texts(&item.name)?;
    let answered: Vec<bool> = texts.iter().map(Option::is_some).collect();
    let asked = asked_rows(d, item);
    let (reach, hidden) = reach(study, cols, item, &answered, asked.as_deref());
    let k = study.min_cell;
    let options = list
        .choices
        .iter()
        .map(|choice| {
            let chosen = count(cols, |i| {
                texts[i].is_some_and(|t| t.split_whitespace().any(|x| x == choice.name))
            });
            let not = count(cols, |i| {
                texts[i].is_some_and(|t| !t.split_whitespace().any(|x| x == choice.name))
            });
            let p = cols.protect(&[chosen.clone(), not], k, &hidden, &[]);
            let line = cols.line(&chosen, &p, 0);
            let total = line.total.filter(|_| reach.answered.total.is_some());
            OptionShare {
                name: choice.name.clone(),
                labels: choice.labels.clone(),
                groups: line
                    .groups
                    .iter()
                    .zip(&reach.answered.groups)
                    .map(|(&c, &b)| Share {
                        count: c,
                        percent: percent(c, b),
                    })
                    .collect(),
                total: Share {
                    count: total,
                    percent: percent(total, reach.answered.total),
                },
            }
        })
        .collect();
    Some(Multiple {
        variable: item.name.clone(),
        labels: item.labels.clone(),
        relevant: item.relevant.clone(),
        reach,
        options,
    })
}

/// The `p` quantile of sorted values as the inverse of their empirical distribution: the
/// ⌈n·p⌉-th smallest value (R `quantile(type = 1)`, numpy `method='inverted_cdf'`), always an
/// answer someone gave.
///
/// Disclosure: an interpolated quantile (R type 7) between two different answers gives back an
/// exact count — 13.75 as Q3 of 110 whole numbers says that exactly 82 answered 13 or less — and
/// with the histogram's bins, a count inside a bin, possibly below k. An answer given tells
/// only that at least ⌈n·p⌉ answered it or less and fewer than ⌈n·p⌉ less.
pub fn quantile_observed(sorted: &[f64], p: f64) -> Option<f64> {
    let n = sorted.len();
    if n == 0 {
        return None;
    }
    let j = ((n as f64 * p.clamp(0.0, 1.0)) - 1e-9).ceil().max(1.0) as usize;
    Some(sorted[j.min(n) - 1])
}

/// n, median and quartiles of `values` as published ([`quantile_observed`]): the statistics only
/// with n shown and at least [`summary_min`] values.
fn quartiles(mut values: Vec<f64>, n: Option<u64>, min_cell: u64) -> Quartiles {
    values.sort_by(f64::total_cmp);
    let enough = n.is_some() && values.len() as u64 >= summary_min(min_cell);
    let q = |p: f64| enough.then(|| quantile_observed(&values, p)).flatten();
    Quartiles {
        n,
        q1: q(0.25),
        median: q(0.5),
        q3: q(0.75),
    }
}

/// The smallest of 1, 2, 2.5, 5 × 10^e that is at least `h` (2.5 only when it stays whole, for
/// whole numbers; never below 1 for them).
pub fn nice_width(h: f64, integer: bool) -> f64 {
    if !(h.is_finite() && h > 0.0) {
        return 1.0;
    }
    let mut e = 10f64.powi(h.log10().floor() as i32 - 1);
    loop {
        for m in [1.0, 2.0, 2.5, 5.0] {
            let w = m * e;
            if integer && (w < 1.0 || w.fract() != 0.0) {
                continue;
            }
            if w >= h * (1.0 - 1e-12) {
                return w;
            }
        }
        e *= 10.0;
    }
}

/// Most bins a histogram has.
const MAX_BINS: usize = 30;

/// The bin width and the first bin's start for sorted `values` in [`lo`, `hi`]: the
/// Freedman–Diaconis width 2·IQR·n^(−1/3) (Sturges' range/(log₂ n + 1) when the IQR is 0), made
/// nice by [`nice_width`], the bins starting at a multiple of the width.
pub fn bins_of(sorted: &[f64], lo: f64, hi: f64, integer: bool) -> (f64, f64, usize) {
    let n = sorted.len().max(1) as f64;
    let iqr =
        quantile_sorted(sorted, 0.75).unwrap_or(0.0) - quantile_sorted(sorted, 0.25).unwrap_or(0.0);
    let range = (hi - lo).max(0.0);
    let fd = 2.0 * iqr / n.cbrt();
    let raw = if fd > 0.0 {
        fd
    } else {
        range / (n.log2().ceil() + 1.0)
    };
    let mut w = nice_width(raw.max(range / MAX_BINS as f64), integer);
    if range == 0.0 && !integer {
        w = nice_width(lo.abs().max(1.0) / 10.0, false);
    }
    let start = (lo / w).floor() * w;
    // Whole numbers: bins [a, a + w − 1]; decimals: [a, a + w), the last one closed.
    let count = if integer {
        ((hi - start + 1.0) / w).ceil().max(1.0) as usize
    } else {
        ((hi - start) / w).ceil().max(1.0) as usize
    };
    (w, start, count)
}

/// Merges every bin with fewer than `k` answers in all (empty ones too) into its smaller
/// neighbour (the left one on a tie), until every bin has `k` or more or one bin is left: a
/// histogram of few answers has wider bins rather than many hidden ones.
pub fn merge_small(edges: &mut Vec<(f64, f64)>, counts: &mut Vec<Vec<u64>>, k: u64) {
    let total = |row: &Vec<u64>| row.iter().sum::<u64>();
    while counts.len() > 1 {
        let Some(b) = (0..counts.len())
            .filter(|&b| total(&counts[b]) < k)
            .min_by_key(|&b| (total(&counts[b]), b))
        else {
            break;
        };
        let into = if b == 0 {
            1
        } else if b + 1 == counts.len() || total(&counts[b - 1]) <= total(&counts[b + 1]) {
            b - 1
        } else {
            b + 1
        };
        let (lo, hi) = (b.min(into), b.max(into));
        let row = counts.remove(hi);
        counts[lo].iter_mut().zip(row).for_each(|(a, x)| *a += x);
        let (_, to) = edges.remove(hi);
        edges[lo].1 = to;
    }
}

fn numeric(study: &Study, d: &Dataset, cols: &Columns, item: &Item) -> Option<Numeric> {
    let values = d.number_slice(&item.name)?;
    let answered: Vec<bool> = values.iter().map(|x| !x.is_nan()).collect();
    let asked = asked_rows(d, item);
    let (reach, hidden) = reach(study, cols, item, &answered, asked.as_deref());
    let k = study.min_cell;
    let integer = item.kind == ItemKind::Integer;
    let mut per_col: Vec<Vec<f64>> = vec![Vec::new(); cols.width()];
    for (i, &x) in values.iter().enumerate() {
        if !x.is_nan() {
            per_col[cols.of_row[i]].push(x);
        }
    }
    let mut all: Vec<f64> = values.iter().copied().filter(|x| !x.is_nan()).collect();
    all.sort_by(f64::total_cmp);
    let groups = (0..cols.shown)
        .map(|j| quartiles(per_col[j].clone(), reach.answered.groups[j], k))
        .collect();
    let total = quartiles(all.clone(), reach.answered.total, k);
    // The bins span the questionnaire's allowed range when it has one (the data's own minimum
    // and maximum are not published), else the answers'.
    let (lo, hi) = match (item.min, item.max, all.first(), all.last()) {
        (Some(a), Some(b), Some(&x), Some(&y)) => (a.value.min(x), b.value.max(y)),
        (_, _, Some(&x), Some(&y)) => (x, y),
        _ => (0.0, 0.0),
    };
    let (bin_width, bins) = if all.is_empty() {
        (1.0, Vec::new())
    } else {
        let (w, start, n) = bins_of(&all, lo, hi, integer);
        let index = |x: f64| (((x - start) / w).floor().max(0.0) as usize).min(n - 1);
        let mut counts = vec![vec![0u64; cols.width()]; n];
        for (i, &x) in values.iter().enumerate() {
            if !x.is_nan() {
                counts[index(x)][cols.of_row[i]] += 1;
            }
        }
        let mut edges: Vec<(f64, f64)> = (0..n)
            .map(|b| {
                let from = start + b as f64 * w;
                (from, if integer { from + w - 1.0 } else { from + w })
            })
            .collect();
        merge_small(&mut edges, &mut counts, k);
        // The outer bins end at the questionnaire's bounds (not past them).
        if let (Some(a), Some(first)) = (item.min, edges.first_mut()) {
            first.0 = first.0.max(a.value);
        }
        if let (Some(b), Some(last)) = (item.max, edges.last_mut()) {
            last.1 = last.1.min(b.value);
        }
        let p = cols.protect(&counts, k, &hidden, &[]);
        let bins = edges
            .iter()
            .enumerate()
            .map(|(b, &(from, to))| {
                let line = cols.line(&counts[b], &p, b);
                Bin {
                    from,
                    to,
                    groups: line.groups,
                    total: line.total.filter(|_| reach.answered.total.is_some()),
                }
            })
            .collect();
        (w, bins)
    };
    Some(Numeric {
        variable: item.name.clone(),
        labels: item.labels.clone(),
        integer,
        relevant: item.relevant.clone(),
        reach,
        groups,
        total,
        bin_width,
        bins,
    })
}

/// Who answered the several-answer and number questions of `d`, by the territories `groups`
/// (the respondents table's). The id, territory, wave and weight columns are not questions.
pub fn of(study: &Study, d: &Dataset, groups: Option<&Groups>, cell_key: bool) -> WhoAnswered {
    let mut out = WhoAnswered {
        groups: groups.map(|g| g.names.clone()).unwrap_or_default(),
        ..WhoAnswered::default()
    };
    if cell_key {
        out.withheld = Some("cell-key");
        return out;
    }
    let cols = Columns::new(groups, d, study.min_cell);
    let technical = [
        d.id_column.as_deref(),
        d.territory_column.as_deref(),
        d.wave_column.as_deref(),
        d.weight_column.as_deref(),
        d.strata_column.as_deref(),
        d.psu_column.as_deref(),
    ];
    for item in &d.instrument.items {
        if technical.contains(&Some(item.name.as_str())) || item.scale.is_some() {
            continue;
        }
        match item.kind {
            ItemKind::SelectMultiple => out.multiple.extend(multiple(study, d, &cols, item)),
            ItemKind::Integer | ItemKind::Decimal => {
                out.numeric.extend(numeric(study, d, &cols, item))
            }
            _ => {}
        }
    }
    out
}

/// The chapter's tables as tables.xlsx sheets ([`crate::report::workbook::tables`] calls it for
/// each source): the several-answer questions (each option, then who answered, did not answer,
/// was not asked) and the number questions (n, quartiles, then the histogram's bins), per
/// territory and in total; hidden values stay hidden. Each sheet lists the captions of the
/// report's tables it holds.
pub fn tables(
    source: &str,
    who: &WhoAnswered,
    lang: &str,
    words: &crate::words::Strings,
) -> Vec<crate::publication::Table> {
    use crate::publication::{Cell, Table};
    let name = |labels: &Labels, variable: &str| {
        crate::text::label_in(labels, lang, "en", variable).to_string()
    };
    let with_reach = |label: String| format!("{label} — {}", words.get("respondents"));
    let count = |x: Option<u64>| Cell::shown(x.map(|x| x as f64));
    let groups: Vec<Cell> = who
        .groups
        .iter()
        .map(Cell::text)
        .chain([Cell::text("total")])
        .collect();
    let reach_rows = |t: &mut Table, variable: &str, labels: &Labels, reach: &Reach| {
        let lines = [
            ("(answered)", Some(&reach.answered)),
            ("(no answer)", reach.no_answer.as_ref()),
            ("(not asked)", reach.not_asked.as_ref()),
        ];
        for (row, line) in lines {
            let Some(line) = line else { continue };
            let values = line.groups.iter().copied().chain([line.total]);
            for (g, v) in groups.iter().zip(values) {
                t.rows.push(vec![
                    Cell::text(variable),
                    Cell::label(labels, lang, variable),
                    Cell::text(row),
                    g.clone(),
                    count(v),
                    Cell::Empty,
                ]);
            }
        }
    };
    let mut multiple = Table::new(
        format!("{source} several answers"),
        &["variable", "label", "option", "group", "count", "percent"],
    );
    for q in &who.multiple {
        let label = name(&q.labels, &q.variable);
        // With many territories the report turns the table round and counts the answers apart.
        if who.groups.len() > 8 && (q.reach.no_answer.is_some() || q.reach.not_asked.is_some()) {
            multiple = multiple.caption(with_reach(label.clone()));
        }
        multiple = multiple.caption(label);
        for o in &q.options {
            for (g, c) in groups.iter().zip(o.groups.iter().chain([&o.total])) {
                multiple.rows.push(vec![
                    Cell::text(&q.variable),
                    Cell::label(&q.labels, lang, &q.variable),
                    Cell::text(&o.name),
                    g.clone(),
                    count(c.count),
                    Cell::shown(c.percent),
                ]);
            }
        }
        reach_rows(&mut multiple, &q.variable, &q.labels, &q.reach);
    }
    let mut numbers = Table::new(
        format!("{source} numbers"),
        &["variable", "label", "statistic", "group", "value", "bin_to"],
    );
    for q in &who.numeric {
        let caption = name(&q.labels, &q.variable);
        if q.reach.no_answer.is_some() || q.reach.not_asked.is_some() {
            numbers = numbers.caption(with_reach(caption.clone()));
        }
        numbers = numbers.caption(caption);
        let label = || Cell::label(&q.labels, lang, &q.variable);
        for (g, x) in groups.iter().zip(q.groups.iter().chain([&q.total])) {
            for (stat, v) in [
                ("n", x.n.map(|n| n as f64)),
                ("q1", x.q1),
                ("median", x.median),
                ("q3", x.q3),
            ] {
                let value = if stat == "n" {
                    Cell::shown(v)
                } else {
                    Cell::number(v)
                };
                numbers.rows.push(vec![
                    Cell::text(&q.variable),
                    label(),
                    Cell::text(stat),
                    g.clone(),
                    value,
                    Cell::Empty,
                ]);
            }
        }
        for b in &q.bins {
            for (g, c) in groups.iter().zip(b.groups.iter().copied().chain([b.total])) {
                numbers.rows.push(vec![
                    Cell::text(&q.variable),
                    label(),
                    Cell::Number(b.from),
                    g.clone(),
                    count(c),
                    Cell::Number(b.to),
                ]);
            }
        }
    }
    [multiple, numbers]
        .into_iter()
        .filter(|t| !t.rows.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_are_answers_given_as_numpy_inverted_cdf() {
        // numpy 2.4.6: np.quantile([1, 2, 3, 4, 10], [.25, .5, .75, .2, .4],
        // method='inverted_cdf') → [2, 3, 4, 1, 2]
        let v = [1.0, 2.0, 3.0, 4.0, 10.0];
        let q: Vec<f64> = [0.25, 0.5, 0.75, 0.2, 0.4]
            .iter()
            .map(|&p| quantile_observed(&v, p).unwrap())
            .collect();
        assert_eq!(q, vec![2.0, 3.0, 4.0, 1.0, 2.0]);
        // np.quantile([3.5, 1.25, 2.0, 7.0], [.25, .5, .75, 1, 0], method='inverted_cdf')
        // → [1.25, 2.0, 3.5, 7.0, 1.25]
        let v = [1.25, 2.0, 3.5, 7.0];
        let q: Vec<f64> = [0.25, 0.5, 0.75, 1.0, 0.0]
            .iter()
            .map(|&p| quantile_observed(&v, p).unwrap())
            .collect();
        assert_eq!(q, vec![1.25, 2.0, 3.5, 7.0, 1.25]);
        assert_eq!(quantile_observed(&[], 0.5), None);
    }

    #[test]
    fn nice_widths() {
        assert_eq!(nice_width(0.3, true), 1.0);
        assert_eq!(nice_width(1.8, true), 2.0);
        assert_eq!(nice_width(2.2, true), 5.0);
        assert_eq!(nice_width(2.2, false), 2.5);
        assert_eq!(nice_width(0.23, false), 0.25);
        assert_eq!(nice_width(7.0, true), 10.0);
        assert_eq!(nice_width(12.0, true), 20.0);
        assert_eq!(nice_width(23.0, true), 25.0);
    }

    #[test]
    fn small_bins_are_merged_into_their_smaller_neighbour() {
        // Totals 37, 65, 57, 37, 0, 0 with k = 5: the two empty bins join the fourth.
        let mut edges: Vec<(f64, f64)> = (0..6)
            .map(|b| (5.0 * b as f64, 5.0 * b as f64 + 4.0))
            .collect();
        let mut counts = vec![
            vec![15, 22],
            vec![30, 35],
            vec![28, 29],
            vec![17, 20],
            vec![0, 0],
            vec![0, 0],
        ];
        merge_small(&mut edges, &mut counts, 5);
        assert_eq!(
            edges,
            vec![(0.0, 4.0), (5.0, 9.0), (10.0, 14.0), (15.0, 29.0)]
        );
        assert_eq!(counts[3], vec![17, 20]);
        // A small bin in the middle joins the smaller of its neighbours.
        let mut edges = vec![(0.0, 1.0), (2.0, 3.0), (4.0, 5.0)];
        let mut counts = vec![vec![9, 9], vec![1, 2], vec![4, 3]];
        merge_small(&mut edges, &mut counts, 5);
        assert_eq!(edges, vec![(0.0, 1.0), (2.0, 5.0)]);
        assert_eq!(counts, vec![vec![9, 9], vec![5, 5]]);
        // Fewer than k in all: one bin.
        let mut edges = vec![(0.0, 1.0), (2.0, 3.0)];
        let mut counts = vec![vec![1, 0], vec![0, 2]];
        merge_small(&mut edges, &mut counts, 5);
        assert_eq!((edges.len(), counts), (1, vec![vec![1, 2]]));
    }

    #[test]
    fn the_tables_hook_keeps_hidden_values_hidden() {
        let who = WhoAnswered {
            groups: vec!["Prato".into(), "Firenze".into()],
            multiple: vec![Multiple {
                variable: "support".into(),
                labels: Labels::new(),
                relevant: None,
                reach: Reach {
                    answered: Line {
                        groups: vec![Some(90), Some(110)],
                        total: Some(200),
                    },
                    no_answer: None,
                    not_asked: None,
                },
                options: vec![OptionShare {
                    name: "nessuno".into(),
                    labels: Labels::new(),
                    groups: vec![
                        Share {
                            count: None,
                            percent: None,
                        },
                        Share {
                            count: None,
                            percent: None,
                        },
                    ],
                    total: Share {
                        count: Some(11),
                        percent: Some(5.5),
                    },
                }],
            }],
            numeric: Vec::new(),
            withheld: None,
        };
        let words = crate::words::Strings::new(
            [("respondents".to_string(), "Respondents".to_string())].into(),
        );
        let t = tables("s", &who, "en", &words);
        assert_eq!(t.len(), 1);
        use crate::publication::Cell;
        assert_eq!(t[0].rows[0][4], Cell::Hidden);
        assert_eq!(t[0].rows[2][4], Cell::Number(11.0));
        assert_eq!(t[0].rows[2][5], Cell::Number(5.5));
        // Then who answered: 90, 110, 200.
        assert_eq!(t[0].rows[5][4], Cell::Number(200.0));
    }

    #[test]
    fn freedman_diaconis_bins() {
        // numpy 2.x: np.histogram_bin_edges(x, bins='fd') uses the same width 2·IQR·n^(−1/3):
        // x = 16..=25 each once → IQR (type 7) = 22.75 − 18.25 = 4.5, n = 10,
        // 2 · 4.5 / 10^(1/3) = 4.177 → nice whole width 5; bins from 15: 15–19, 20–24, 25–29.
        let x: Vec<f64> = (16..=25).map(f64::from).collect();
        assert_eq!(bins_of(&x, 16.0, 25.0, true), (5.0, 15.0, 3));
        // Decimals: 0.0, 0.1, …, 1.0 (n = 11, IQR 0.5) → 2·0.5/11^(1/3) = 0.4498 → 0.5: [0, 0.5),
        // [0.5, 1.0] (the last bin closed, as numpy's).
        let x: Vec<f64> = (0..=10).map(|i| i as f64 / 10.0).collect();
        assert_eq!(bins_of(&x, 0.0, 1.0, false), (0.5, 0.0, 2));
        // All equal: one bin.
        assert_eq!(bins_of(&[3.0, 3.0, 3.0], 3.0, 3.0, true), (1.0, 3.0, 1));
    }
}
