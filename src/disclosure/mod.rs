//! Statistical disclosure control of published counts: which cells of a table must be hidden so
//! that no reader can learn a count below the minimum cell size k, directly or by arithmetic on
//! what is shown.
//!
//! **Primary suppression** hides every count below k (zeros included). **Secondary suppression**
//! hides more cells until no hidden value can be recomputed from the shown cells and the published
//! margins. The table is seen with its margins as one extended grid (row totals as a last column,
//! column totals as a last row, the grand total in the corner): every line of that grid obeys one
//! equation, and a hidden cell is determined by the equations exactly when it is a *bridge* of the
//! graph whose nodes are the grid's rows and columns and whose edges are the hidden cells. So each
//! bridge is closed into a four-cell cycle with the cheapest cells (smallest counts, but never a
//! zero, so the cycle can move in both directions without going negative). The tests check the
//! result with an attacker's computation: every table consistent with what is shown.

pub mod cellkey;

use serde::Serialize;

/// The minimum cell size when a study does not set one.
pub const DEFAULT_MIN_CELL: u64 = 5;
/// The lowest minimum cell size a study may set (the threshold Italian rules for statistical and
/// research processing accept).
pub const LOWEST_MIN_CELL: u64 = 3;

/// The fewest values a mean, SD, median or test may rest on: twice the minimum cell size. On a
/// five-point item, the n, mean, SD and median of 5–9 answers fix how many gave each answer nine
/// times in ten; a group below this has its count published, nothing computed from its values.
pub fn summary_min(min_cell: u64) -> u64 {
    2 * min_cell
}

/// Why a value is hidden. The reason stays inside capakit: every output says only "hidden". A
/// reader who knew which hidden cells are small (primary) and which were hidden to protect them
/// (secondary, so at least k) could narrow the hidden values down to one, as the attacker in the
/// tests does on a four-cell cycle whose small cells sit at k − 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Suppression {
    /// The count is below the minimum cell size.
    Primary,
    /// Hidden so that a primary value cannot be recomputed from the margins.
    Secondary,
}

impl Serialize for Suppression {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str("hidden")
    }
}

/// Which cells of a two-way table and its margins are hidden.
#[derive(Debug, Clone, PartialEq)]
pub struct Protection {
    /// `cells[i][j]`: the inner cell of row i, column j.
    pub cells: Vec<Vec<Option<Suppression>>>,
    /// Row totals.
    pub rows: Vec<Option<Suppression>>,
    /// Column totals.
    pub cols: Vec<Option<Suppression>>,
    pub total: Option<Suppression>,
}

impl Protection {
    /// How many values (cells and margins) are hidden.
    pub fn hidden(&self) -> usize {
        self.cells.iter().flatten().flatten().count()
            + self.rows.iter().flatten().count()
            + self.cols.iter().flatten().count()
            + usize::from(self.total.is_some())
    }
}

/// Protects a table of counts whose row totals, column totals and grand total are published with
/// it (publishing fewer margins is only safer). Every row must have the same length.
pub fn protect(counts: &[Vec<u64>], k: u64) -> Protection {
    protect_with(counts, k, &[])
}

/// Like [`protect`], with some column totals already hidden elsewhere (group sizes hidden in
/// another table of the same report must stay hidden here too).
pub fn protect_with(counts: &[Vec<u64>], k: u64, hidden_cols: &[bool]) -> Protection {
    protect_table(counts, k, hidden_cols, &[])
}

/// Like [`protect_with`], with some rows published as they are: their counts are never hidden
/// for being small (they may still be hidden to protect another cell). Used for the "no answer"
/// row when the study publishes item non-response (see [`crate::study::Nonresponse`]).
pub fn protect_table(
    counts: &[Vec<u64>],
    k: u64,
    hidden_cols: &[bool],
    exempt_rows: &[bool],
) -> Protection {
    protect_forced(counts, k, hidden_cols, exempt_rows, None)
}

/// Like [`protect_table`], for groups nested in parents whose counts are published too (ambiti
/// in their regions: a region's table gives each row's total over its ambiti). `parents[j]`: the
/// parent of column j (none: a column of its own, such as those without a group). Besides the
/// whole table, each parent's columns are protected as a table of their own whose row totals
/// (the parent's counts) are known, until neither adds a hidden cell: no hidden cell can then be
/// recomputed from a parent's count and its other children's, nor from the whole table's
/// margins (the sums of the parents').
pub fn protect_nested(
    counts: &[Vec<u64>],
    k: u64,
    hidden_cols: &[bool],
    exempt_rows: &[bool],
    parents: &[Option<usize>],
) -> Protection {
    let mut distinct: Vec<usize> = parents.iter().flatten().copied().collect();
    distinct.sort_unstable();
    distinct.dedup();
    if distinct.is_empty() || counts.is_empty() {
        return protect_table(counts, k, hidden_cols, exempt_rows);
    }
    let r = counts.len();
    // The parents' own table as it is protected where it is published: a parent's count hidden
    // there must not follow from its children's, so its children are hidden with it (and a
    // hidden parent size hides its children's sizes); its shown counts are known here.
    let parent_counts: Vec<Vec<u64>> = counts
        .iter()
        .map(|row| {
            distinct
                .iter()
                .map(|&q| {
                    (0..parents.len())
                        .filter(|&j| parents[j] == Some(q))
                        .map(|j| row.get(j).copied().unwrap_or(0))
                        .sum()
                })
                .collect()
        })
        .collect();
    let pp = protect_table(&parent_counts, k, &[], exempt_rows);
    let c = counts[0].len();
    let forced: Vec<Vec<bool>> = (0..r)
        .map(|i| {
            (0..c)
                .map(|j| {
                    let q = parents.get(j).copied().flatten();
                    q.and_then(|q| distinct.iter().position(|&d| d == q))
                        .is_some_and(|x| pp.cells[i][x].is_some())
                })
                .collect()
        })
        .collect();
    let mut forced_cols: Vec<bool> = (0..c)
        .map(|j| {
            let q = parents.get(j).copied().flatten();
            q.and_then(|q| distinct.iter().position(|&d| d == q))
                .is_some_and(|x| pp.cols[x].is_some())
        })
        .collect();
    for (f, &h) in forced_cols.iter_mut().zip(hidden_cols) {
        *f |= h;
    }
    let mut p = protect_forced(counts, k, &forced_cols, exempt_rows, Some(&forced));
    loop {
        let before = p.hidden();
        for &q in &distinct {
            let cols: Vec<usize> = (0..parents.len())
                .filter(|&j| parents[j] == Some(q))
                .collect();
            // The parent's table: its children's cells, their totals (hidden as in the whole
            // table), and the parent's counts, which are known.
            let m = cols.len();
            let mut value = vec![vec![0u64; m + 1]; r + 1];
            let mut hidden = vec![vec![None; m + 1]; r + 1];
            for i in 0..r {
                for (x, &j) in cols.iter().enumerate() {
                    let v = counts[i].get(j).copied().unwrap_or(0);
                    value[i][x] = v;
                    value[i][m] += v;
                    value[r][x] += v;
                    value[r][m] += v;
                    hidden[i][x] = p.cells[i][j];
                }
            }
            for (x, &j) in cols.iter().enumerate() {
                hidden[r][x] = p.cols[j];
            }
            let x = distinct.iter().position(|&d| d == q).unwrap_or(0);
            if r == 1 {
                if pp.cells[0][x].is_none() {
                    protect_children(&mut hidden, &value, m);
                }
            } else {
                // Known: the parent's counts and size its table shows.
                let known = |i: usize, j: usize| {
                    j == m
                        && if i < r {
                            pp.cells[i][x].is_none()
                        } else {
                            pp.cols[x].is_none()
                        }
                };
                protect_grid_known(&mut hidden, &value, &known);
            }
            for (row, cells) in hidden.iter().take(r).zip(p.cells.iter_mut()) {
                for (x, &j) in cols.iter().enumerate() {
                    if row[x].is_some() {
                        cells[j].get_or_insert(Suppression::Secondary);
                    }
                }
            }
            for (x, &j) in cols.iter().enumerate() {
                if hidden[r][x].is_some() {
                    p.cols[j].get_or_insert(Suppression::Secondary);
                }
            }
        }
        if p.hidden() == before {
            return p;
        }
        // The whole table again, with what the parents' tables hid.
        let forced: Vec<Vec<bool>> = p
            .cells
            .iter()
            .map(|row| row.iter().map(Option::is_some).collect())
            .collect();
        let cols: Vec<bool> = p.cols.iter().map(Option::is_some).collect();
        p = protect_forced(counts, k, &cols, exempt_rows, Some(&forced));
    }
}

/// One row of children under a known parent total: a hidden child is recoverable when it is the
/// only one hidden, or when the hidden ones add up to zero; hide the next smallest non-zero
/// children until neither holds (all of them, at worst: their sum is the parent's, but not one
/// child's).
fn protect_children(hidden: &mut [Vec<Option<Suppression>>], value: &[Vec<u64>], m: usize) {
    loop {
        let hid: Vec<usize> = (0..m).filter(|&x| hidden[0][x].is_some()).collect();
        let sum: u64 = hid.iter().map(|&x| value[0][x]).sum();
        if hid.is_empty() || (hid.len() >= 2 && sum > 0) {
            break;
        }
        let next = (0..m)
            .filter(|&x| hidden[0][x].is_none() && value[0][x] > 0)
            .min_by_key(|&x| (value[0][x], x))
            .or_else(|| (0..m).find(|&x| hidden[0][x].is_none()));
        match next {
            Some(x) => hidden[0][x] = Some(Suppression::Secondary),
            None => break,
        }
    }
    // A child's size and its only cell are one number.
    let (cells, sizes) = hidden.split_at_mut(1);
    for (cell, size) in cells[0].iter_mut().zip(sizes[0].iter_mut()).take(m) {
        let s = cell.or(*size);
        *cell = s;
        *size = s;
    }
}

fn protect_forced(
    counts: &[Vec<u64>],
    k: u64,
    hidden_cols: &[bool],
    exempt_rows: &[bool],
    forced: Option<&[Vec<bool>]>,
) -> Protection {
    let r = counts.len();
    let c = counts.first().map_or(0, Vec::len);
    // The extended grid: inner cells, row totals in column c, column totals in row r.
    let mut value = vec![vec![0u64; c + 1]; r + 1];
    for i in 0..r {
        for j in 0..c {
            let v = counts[i].get(j).copied().unwrap_or(0);
            value[i][j] = v;
            value[i][c] += v;
            value[r][j] += v;
            value[r][c] += v;
        }
    }
    let exempt = |i: usize| exempt_rows.get(i).copied().unwrap_or(false);
    let mut hidden: Vec<Vec<Option<Suppression>>> = value
        .iter()
        .enumerate()
        .map(|(i, row)| {
            row.iter()
                .map(|&v| (v < k && !exempt(i)).then_some(Suppression::Primary))
                .collect()
        })
        .collect();
    for (j, &h) in hidden_cols.iter().enumerate().take(c) {
        if h {
            hidden[r][j].get_or_insert(Suppression::Secondary);
        }
    }
    for (i, row) in forced.unwrap_or_default().iter().enumerate().take(r) {
        for (j, &f) in row.iter().enumerate().take(c) {
            if f {
                hidden[i][j].get_or_insert(Suppression::Secondary);
            }
        }
    }
    // A single row or column: the inner cells and the margins repeat each other; protect the
    // one line against its total only.
    if r == 1 || c == 1 {
        protect_line(&mut hidden, &value, r, c);
        // The line's total and the grand total are the same number.
        let (a, b) = if c == 1 {
            ((r, 0), (r, 1))
        } else {
            ((0, c), (1, c))
        };
        let s = hidden[a.0][a.1].or(hidden[b.0][b.1]);
        hidden[a.0][a.1] = s;
        hidden[b.0][b.1] = s;
    } else {
        protect_grid(&mut hidden, &value);
    }
    Protection {
        cells: (0..r).map(|i| hidden[i][..c].to_vec()).collect(),
        rows: (0..r).map(|i| hidden[i][c]).collect(),
        cols: (0..c).map(|j| hidden[r][j]).collect(),
        total: hidden[r][c],
    }
}

/// Protects a list of counts published with their total (a one-way table).
pub fn protect_list(counts: &[u64], k: u64) -> Vec<Option<Suppression>> {
    protect_list_with(counts, k, &[])
}

/// Like [`protect_list`], with some entries published as they are (see [`protect_table`]).
pub fn protect_list_with(counts: &[u64], k: u64, exempt: &[bool]) -> Vec<Option<Suppression>> {
    let column: Vec<Vec<u64>> = counts.iter().map(|&v| vec![v]).collect();
    protect_table(&column, k, &[], exempt).rows
}

/// A one-way table: a hidden cell is recoverable from the total when it is the only one hidden,
/// or when the hidden ones add up to zero (then all are zero). Hide the next smallest non-zero
/// cells until neither holds.
fn protect_line(hidden: &mut [Vec<Option<Suppression>>], value: &[Vec<u64>], r: usize, c: usize) {
    // The line's cells and where their copies (the margins) sit.
    let cells: Vec<(usize, usize)> = if c == 1 {
        (0..r).map(|i| (i, 0)).collect()
    } else {
        (0..c).map(|j| (0, j)).collect()
    };
    let twin = |(i, j): (usize, usize)| if c == 1 { (i, 1) } else { (1, j) };
    // A cell and its copy are hidden together.
    for &p in &cells {
        let t = twin(p);
        if hidden[p.0][p.1].is_some() || hidden[t.0][t.1].is_some() {
            let s = hidden[p.0][p.1].or(hidden[t.0][t.1]);
            hidden[p.0][p.1] = s;
            hidden[t.0][t.1] = s;
        }
    }
    loop {
        let hid: Vec<(usize, usize)> = cells
            .iter()
            .copied()
            .filter(|&(i, j)| hidden[i][j].is_some())
            .collect();
        let sum: u64 = hid.iter().map(|&(i, j)| value[i][j]).sum();
        if hid.is_empty() || (hid.len() >= 2 && sum > 0) {
            return;
        }
        let next = cells
            .iter()
            .copied()
            .filter(|&(i, j)| hidden[i][j].is_none() && value[i][j] > 0)
            .min_by_key(|&(i, j)| (value[i][j], i, j));
        let Some(p) = next else {
            // Nothing left to hide beside them: hide the total too.
            let (ti, tj) = (hidden.len() - 1, hidden[0].len() - 1);
            hidden[ti][tj].get_or_insert(Suppression::Secondary);
            return;
        };
        let t = twin(p);
        hidden[p.0][p.1] = Some(Suppression::Secondary);
        hidden[t.0][t.1] = Some(Suppression::Secondary);
    }
}

/// How a cell's count moves when the extended grid's line equations are kept: +1 for inner cells
/// and the grand total, −1 for row and column totals (they move against their cells).
fn sign(grid: &[Vec<u64>], i: usize, j: usize) -> i64 {
    let (last_row, last_col) = (i == grid.len() - 1, j == grid[0].len() - 1);
    if last_row != last_col {
        -1
    } else {
        1
    }
}

/// The cost of hiding cell (a, b) so that it can move by `dx` (`None`: it cannot, being zero
/// and asked to go down).
fn move_cost(
    hidden: &[Vec<Option<Suppression>>],
    value: &[Vec<u64>],
    (a, b): (usize, usize),
    dx: i64,
) -> Option<u64> {
    if dx < 0 && value[a][b] == 0 {
        return None;
    }
    Some(if hidden[a][b].is_some() {
        0
    } else if (a, b) == (value.len() - 1, value[0].len() - 1) {
        // The number of respondents is hidden only as a last resort.
        1 << 40
    } else {
        // Prefer small counts, and among them non-zero ones.
        value[a][b] * 2 + u64::from(value[a][b] == 0)
    })
}

/// The cheapest four-cell cycle through hidden cell (i, j) along which every cell of the cycle
/// can move by one without a count going negative: the other three cells and the cost of hiding
/// those not yet hidden.
fn cheapest_cycle(
    hidden: &[Vec<Option<Suppression>>],
    value: &[Vec<u64>],
    i: usize,
    j: usize,
    known: &dyn Fn(usize, usize) -> bool,
) -> Option<(u64, [(usize, usize); 3])> {
    let (rows, cols) = (value.len(), value[0].len());
    let mut best: Option<(u64, [(usize, usize); 3])> = None;
    for i2 in (0..rows).filter(|&x| x != i) {
        for j2 in (0..cols).filter(|&x| x != j) {
            let others = [(i, j2), (i2, j), (i2, j2)];
            for o in [1i64, -1] {
                // Around the cycle the grid's changes alternate +o, −o, −o, +o.
                let moves = [o, -o, -o, o];
                let cells = [(i, j), others[0], others[1], others[2]];
                let mut total = 0u64;
                let mut ok = true;
                for (&(a, b), &m) in cells.iter().zip(&moves) {
                    if known(a, b) {
                        ok = false;
                        break;
                    }
                    match move_cost(hidden, value, (a, b), m * sign(value, a, b)) {
                        Some(c) => total = total.saturating_add(c),
                        None => ok = false,
                    }
                }
                if ok && best.is_none_or(|(c, _)| total < c) {
                    best = Some((total, others));
                }
            }
        }
    }
    best
}

/// Secondary suppression on the extended grid: until every hidden value lies on a fully hidden
/// four-cell cycle it can move along, hide the cheapest cells completing one.
fn protect_grid(hidden: &mut [Vec<Option<Suppression>>], value: &[Vec<u64>]) {
    protect_grid_known(hidden, value, &|_, _| false)
}

/// Like [`protect_grid`], with some values known from elsewhere (`known(i, j)`): they cannot
/// move, so no cycle may pass through them.
fn protect_grid_known(
    hidden: &mut [Vec<Option<Suppression>>],
    value: &[Vec<u64>],
    known: &dyn Fn(usize, usize) -> bool,
) {
    // A hidden cell once on a fully hidden movable cycle stays so (hiding more only adds
    // cycles), so each hidden cell is settled once, newly hidden ones joining the work list:
    // quadratic in the table's size, fine for hundreds of groups.
    let mut work: Vec<(usize, usize)> = (0..value.len())
        .flat_map(|i| (0..value[0].len()).map(move |j| (i, j)))
        .filter(|&(i, j)| hidden[i][j].is_some())
        .collect();
    while let Some((i, j)) = work.pop() {
        match cheapest_cycle(hidden, value, i, j, known) {
            Some((0, _)) => {}
            Some((_, others)) => {
                for (a, b) in others {
                    if hidden[a][b].is_none() {
                        hidden[a][b] = Some(Suppression::Secondary);
                        work.push((a, b));
                    }
                }
            }
            None => {
                // No cycle can free this cell (a table of zeros, say): hide everything.
                for row in hidden.iter_mut() {
                    for h in row.iter_mut() {
                        h.get_or_insert(Suppression::Secondary);
                    }
                }
                return;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The attacker: walks every non-negative integer table that agrees with every shown inner
    /// cell and every shown margin (row by row, a row's last hidden cell fixed by its shown total)
    /// and collects the values each hidden value takes, stopping once each has taken two.
    /// Returns the hidden values (grid position) that took only one: those are recoverable.
    fn recoverable(counts: &[Vec<u64>], p: &Protection) -> Vec<(usize, usize)> {
        let (r, c) = (counts.len(), counts[0].len());
        let total: u64 = counts.iter().flatten().sum();
        let row_sum = |i: usize| counts[i].iter().sum::<u64>();
        let col_sum = |j: usize| counts.iter().map(|row| row[j]).sum::<u64>();
        let shown_row: Vec<Option<u64>> = (0..r)
            .map(|i| p.rows[i].is_none().then(|| row_sum(i)))
            .collect();
        let shown_col: Vec<Option<u64>> = (0..c)
            .map(|j| p.cols[j].is_none().then(|| col_sum(j)))
            .collect();
        let shown_total = p.total.is_none().then_some(total);
        let unknown: Vec<(usize, usize)> = (0..r)
            .flat_map(|i| (0..c).map(move |j| (i, j)))
            .filter(|&(i, j)| p.cells[i][j].is_some())
            .collect();
        // Hidden values watched: inner cells, then hidden margins as grid positions.
        let mut watched: Vec<(usize, usize)> = unknown.clone();
        watched.extend((0..r).filter(|&i| p.rows[i].is_some()).map(|i| (i, c)));
        watched.extend((0..c).filter(|&j| p.cols[j].is_some()).map(|j| (r, j)));
        if p.total.is_some() {
            watched.push((r, c));
        }
        let mut seen: Vec<Vec<u64>> = vec![Vec::new(); watched.len()];
        // Residuals of shown totals after the shown cells.
        let mut row_res: Vec<i64> = (0..r)
            .map(|i| {
                shown_row[i].map_or(0, |m| m as i64)
                    - (0..c)
                        .filter(|&j| p.cells[i][j].is_none())
                        .map(|j| counts[i][j] as i64)
                        .sum::<i64>()
            })
            .collect();
        let mut col_res: Vec<i64> = (0..c)
            .map(|j| {
                shown_col[j].map_or(0, |m| m as i64)
                    - (0..r)
                        .filter(|&i| p.cells[i][j].is_none())
                        .map(|i| counts[i][j] as i64)
                        .sum::<i64>()
            })
            .collect();
        let shown_sum: i64 = (0..r)
            .flat_map(|i| (0..c).map(move |j| (i, j)))
            .filter(|&(i, j)| p.cells[i][j].is_none())
            .map(|(i, j)| counts[i][j] as i64)
            .sum();
        let mut total_res: i64 = shown_total.map_or(0, |t| t as i64) - shown_sum;
        let last_in_row: Vec<Option<usize>> = (0..r)
            .map(|i| unknown.iter().rposition(|u| u.0 == i))
            .collect();
        let last_in_col: Vec<Option<usize>> = (0..c)
            .map(|j| unknown.iter().rposition(|u| u.1 == j))
            .collect();
        let cap = total as i64 + 3;
        let mut grid: Vec<Vec<u64>> = counts.to_vec();

        struct Walk<'a> {
            unknown: &'a [(usize, usize)],
            watched: &'a [(usize, usize)],
            shown_row: &'a [Option<u64>],
            shown_col: &'a [Option<u64>],
            shown_total: Option<u64>,
            last_in_row: &'a [Option<usize>],
            last_in_col: &'a [Option<usize>],
            cap: i64,
        }
        fn done(seen: &[Vec<u64>]) -> bool {
            seen.iter().all(|s| s.len() >= 2)
        }
        #[allow(clippy::too_many_arguments)]
        fn walk(
            w: &Walk,
            n: usize,
            grid: &mut Vec<Vec<u64>>,
            row_res: &mut Vec<i64>,
            col_res: &mut Vec<i64>,
            total_res: &mut i64,
            seen: &mut Vec<Vec<u64>>,
        ) {
            if done(seen) {
                return;
            }
            if n == w.unknown.len() {
                let ok = row_res
                    .iter()
                    .zip(w.shown_row)
                    .all(|(res, s)| s.is_none() || *res == 0)
                    && col_res
                        .iter()
                        .zip(w.shown_col)
                        .all(|(res, s)| s.is_none() || *res == 0)
                    && (w.shown_total.is_none() || *total_res == 0);
                if ok {
                    let (r, c) = (grid.len(), grid[0].len());
                    for (k, &(i, j)) in w.watched.iter().enumerate() {
                        let v = if i < r && j < c {
                            grid[i][j]
                        } else if j == c && i < r {
                            grid[i].iter().sum()
                        } else if i == r && j < c {
                            grid.iter().map(|row| row[j]).sum()
                        } else {
                            grid.iter().flatten().sum()
                        };
                        if !seen[k].contains(&v) && seen[k].len() < 2 {
                            seen[k].push(v);
                        }
                    }
                }
                return;
            }
            let (i, j) = w.unknown[n];
            let mut hi = w.cap;
            if w.shown_row[i].is_some() {
                hi = hi.min(row_res[i]);
            }
            if w.shown_col[j].is_some() {
                hi = hi.min(col_res[j]);
            }
            if w.shown_total.is_some() {
                hi = hi.min(*total_res);
            }
            if hi < 0 {
                return;
            }
            let mut lo = 0;
            if w.shown_row[i].is_some() && w.last_in_row[i] == Some(n) {
                lo = row_res[i];
            }
            if w.shown_col[j].is_some() && w.last_in_col[j] == Some(n) {
                if lo > 0 && lo != col_res[j] {
                    return;
                }
                lo = lo.max(col_res[j]);
            }
            let forced = (w.shown_row[i].is_some() && w.last_in_row[i] == Some(n))
                || (w.shown_col[j].is_some() && w.last_in_col[j] == Some(n));
            let top = if forced { lo } else { hi };
            for v in lo..=top.min(hi) {
                grid[i][j] = v as u64;
                row_res[i] -= v;
                col_res[j] -= v;
                *total_res -= v;
                walk(w, n + 1, grid, row_res, col_res, total_res, seen);
                row_res[i] += v;
                col_res[j] += v;
                *total_res += v;
                if done(seen) {
                    return;
                }
            }
        }
        let w = Walk {
            unknown: &unknown,
            watched: &watched,
            shown_row: &shown_row,
            shown_col: &shown_col,
            shown_total,
            last_in_row: &last_in_row,
            last_in_col: &last_in_col,
            cap,
        };
        walk(
            &w,
            0,
            &mut grid,
            &mut row_res,
            &mut col_res,
            &mut total_res,
            &mut seen,
        );
        watched
            .iter()
            .zip(&seen)
            .filter(|(_, s)| s.len() < 2)
            .map(|(p, _)| *p)
            .collect()
    }

    #[test]
    fn a_lone_small_cell_gets_company() {
        // One cell under 5 in a 3×3 table: recoverable from its row total unless three more
        // cells close a cycle with it.
        let t = vec![vec![2, 10, 12], vec![9, 8, 11], vec![14, 7, 6]];
        let p = protect(&t, 5);
        assert_eq!(p.cells[0][0], Some(Suppression::Primary));
        assert!(p.cells.iter().flatten().filter(|s| s.is_some()).count() >= 4);
        assert_eq!(recoverable(&t, &p), vec![]);
        // Nothing to hide, nothing hidden.
        let big = vec![vec![6, 9], vec![7, 8]];
        assert_eq!(protect(&big, 5).hidden(), 0);
    }

    #[test]
    fn the_attacker_finds_what_primary_suppression_alone_leaves() {
        // Hiding only the small cell: its row total gives it away (12 + 10 + 2 = 24).
        let t = vec![vec![2, 10, 12], vec![9, 8, 11], vec![14, 7, 6]];
        let mut p = protect(&t, 5);
        for row in p.cells.iter_mut() {
            for c in row.iter_mut() {
                if *c == Some(Suppression::Secondary) {
                    *c = None;
                }
            }
        }
        assert_eq!(recoverable(&t, &p), vec![(0, 0)]);
        // Zeros hidden together are pinned by a zero total.
        let z = vec![vec![0, 0, 9], vec![0, 0, 8]];
        let only_primary = Protection {
            cells: vec![vec![Some(Suppression::Primary), Some(Suppression::Primary), None]; 2],
            rows: vec![None, None],
            cols: vec![Some(Suppression::Primary), Some(Suppression::Primary), None],
            total: None,
        };
        assert_eq!(recoverable(&z, &only_primary).len(), 6);
        assert!(recoverable(&z, &protect(&z, 5)).is_empty());
    }

    #[test]
    fn one_way_lists() {
        // Territory counts with their total: a single small one takes the next smallest along.
        assert_eq!(
            protect_list(&[40, 3, 25, 12], 5),
            vec![
                None,
                Some(Suppression::Primary),
                None,
                Some(Suppression::Secondary)
            ]
        );
        // Two small ones that add up to zero reveal themselves: a third is hidden.
        let p = protect_list(&[0, 0, 25, 12], 5);
        assert_eq!(p.iter().filter(|s| s.is_some()).count(), 3);
        assert_eq!(protect_list(&[8, 9], 5), vec![None, None]);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(32))]

        /// Children nested in parents whose counts are known (ambiti in regions): besides the
        /// whole table, no hidden child is recoverable from its parent's counts, its siblings
        /// and their sizes; with one row (the group sizes) too.
        #[test]
        fn nothing_hidden_is_recoverable_within_a_parent(
            cells in prop::collection::vec(prop_oneof![0u64..6, 0u64..12], 6..=10),
            rows in 1usize..=2,
            split in 1usize..=3,
            k in 3u64..=5,
        ) {
            let cols = cells.len() / rows;
            prop_assume!(cols >= 3 && split < cols);
            let t: Vec<Vec<u64>> =
                (0..rows).map(|i| cells[i * cols..(i + 1) * cols].to_vec()).collect();
            // Two parents: the first `split` children, and the rest.
            let parents: Vec<Option<usize>> =
                (0..cols).map(|j| Some(usize::from(j >= split))).collect();
            let p = protect_nested(&t, k, &[], &[], &parents);
            // The parents' own table, published beside the children's with its own protection.
            let parent_counts: Vec<Vec<u64>> = t
                .iter()
                .map(|row| {
                    (0..2)
                        .map(|q| (0..cols).filter(|&j| parents[j] == Some(q)).map(|j| row[j]).sum())
                        .collect()
                })
                .collect();
            let pp = protect(&parent_counts, k);
            for (row, hidden) in t.iter().zip(&p.cells) {
                for (v, h) in row.iter().zip(hidden) {
                    prop_assert!(*v >= k || h.is_some());
                }
            }
            if rows >= 2 {
                prop_assert!(recoverable(&t, &p).is_empty());
            }
            for q in 0..2 {
                let cols_q: Vec<usize> = (0..cols).filter(|&j| parents[j] == Some(q)).collect();
                let sub: Vec<Vec<u64>> =
                    t.iter().map(|row| cols_q.iter().map(|&j| row[j]).collect()).collect();
                // The children's cells and sizes as published, and the parent's counts (the row
                // totals) and size (the total) as its own table publishes them.
                let sub_p = Protection {
                    cells: p.cells.iter().map(|row| cols_q.iter().map(|&j| row[j]).collect()).collect(),
                    rows: pp.cells.iter().map(|row| row[q]).collect(),
                    cols: cols_q.iter().map(|&j| p.cols[j]).collect(),
                    total: pp.cols[q],
                };
                if rows == 1 {
                    if sub_p.rows[0].is_some() {
                        continue;
                    }
                    // One line under a known total: hidden cells two or more, summing above zero.
                    let hid: Vec<u64> = (0..cols_q.len())
                        .filter(|&x| sub_p.cells[0][x].is_some())
                        .map(|x| sub[0][x])
                        .collect();
                    prop_assert!(hid.is_empty() || (hid.len() >= 2 && hid.iter().sum::<u64>() > 0)
                        || hid.len() == cols_q.len(), "{:?} in {:?}", sub_p, sub);
                } else if cols_q.len() >= 2 {
                    let leaks = recoverable(&sub, &sub_p);
                    prop_assert!(leaks.is_empty(), "{:?} recoverable in {:?} ({:?})", leaks, sub, sub_p);
                }
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(400))]

        /// No hidden value can be recomputed by an attacker who knows every shown cell and margin,
        /// and every count below k is hidden.
        #[test]
        fn nothing_hidden_is_recoverable(
            cells in prop::collection::vec(prop_oneof![0u64..6, 0u64..30], 4..=12),
            cols in 2usize..=4,
            k in 3u64..=5,
        ) {
            let rows = cells.len() / cols;
            prop_assume!(rows >= 2);
            let t: Vec<Vec<u64>> =
                (0..rows).map(|i| cells[i * cols..(i + 1) * cols].to_vec()).collect();
            let p = protect(&t, k);
            for (row, hidden) in t.iter().zip(&p.cells) {
                for (v, h) in row.iter().zip(hidden) {
                    prop_assert!(*v >= k || h.is_some());
                }
            }
            for (row, h) in t.iter().zip(&p.rows) {
                prop_assert!(row.iter().sum::<u64>() >= k || h.is_some());
            }
            for j in 0..cols {
                if t.iter().map(|row| row[j]).sum::<u64>() < k {
                    prop_assert!(p.cols[j].is_some());
                }
            }
            let leaks = recoverable(&t, &p);
            prop_assert!(leaks.is_empty(), "{:?} recoverable in {:?} ({:?})", leaks, t, p);
        }

        /// Column totals hidden in another table stay hidden, and nothing leaks around them.
        #[test]
        fn hidden_group_sizes_stay_hidden(
            cells in prop::collection::vec(0u64..20, 6..=9),
            forced in 0usize..3,
        ) {
            let t: Vec<Vec<u64>> = cells.chunks(3).filter(|c| c.len() == 3).map(<[u64]>::to_vec).collect();
            let mut hidden_cols = vec![false; 3];
            hidden_cols[forced] = true;
            let p = protect_with(&t, 5, &hidden_cols);
            prop_assert!(p.cols[forced].is_some());
            let leaks = recoverable(&t, &p);
            prop_assert!(leaks.is_empty(), "{:?} recoverable in {:?}", leaks, t);
        }

        /// Rows published as they are (item non-response) are never hidden for being small, and
        /// still nothing hidden elsewhere can be recomputed through them.
        #[test]
        fn exempt_rows_are_shown_and_leak_nothing(
            cells in prop::collection::vec(prop_oneof![0u64..6, 0u64..30], 6..=12),
            exempt_row in 0usize..4,
            k in 3u64..=5,
        ) {
            let cols = 3;
            let t: Vec<Vec<u64>> =
                cells.chunks(cols).filter(|c| c.len() == cols).map(<[u64]>::to_vec).collect();
            prop_assume!(t.len() >= 2 && exempt_row < t.len());
            let mut exempt = vec![false; t.len()];
            exempt[exempt_row] = true;
            let p = protect_table(&t, k, &[], &exempt);
            for (i, (row, hidden)) in t.iter().zip(&p.cells).enumerate() {
                for (v, h) in row.iter().zip(hidden) {
                    prop_assert!(*v >= k || h.is_some() || i == exempt_row);
                    if i == exempt_row {
                        prop_assert_ne!(*h, Some(Suppression::Primary));
                    }
                }
            }
            let leaks = recoverable(&t, &p);
            prop_assert!(leaks.is_empty(), "{:?} recoverable in {:?} ({:?})", leaks, t, p);
        }

        #[test]
        fn lists_hide_nothing_recoverable(counts in prop::collection::vec(0u64..12, 1..=6), k in 3u64..=5) {
            let p = protect_list(&counts, k);
            let t: Vec<Vec<u64>> = counts.iter().map(|&v| vec![v]).collect();
            let full = protect(&t, k);
            prop_assert_eq!(&full.rows, &p);
            for (i, v) in counts.iter().enumerate() {
                if *v < k { prop_assert!(p[i].is_some()); }
            }
            // The attacker knows the shown counts and, unless hidden, the total.
            let hidden: Vec<usize> = (0..counts.len()).filter(|&i| p[i].is_some()).collect();
            if full.total.is_none() && !hidden.is_empty() {
                let sum: u64 = hidden.iter().map(|&i| counts[i]).sum();
                prop_assert!(hidden.len() >= 2 && sum > 0, "{:?} → {:?}", counts, p);
            }
        }
    }
}
