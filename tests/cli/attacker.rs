//! An attacker in the tests: every number a run publishes about the answers of a group to a
//! question is one equation, and the attacker solves them all together by enumeration. For each
//! Likert item, the unknowns are the hidden cells of every group's column; the equations are
//! what the Likert table shows (counts, the group's size, the number who answered, the no-answer
//! count, the mean, the share agreeing, the total column) and what the comparison of the same
//! item publishes for the same group (n, mean, SD, median). A hidden cell that takes one value in
//! every solution is given back; the run must give back none. Scales: the total row beside groups
//! whose summary is hidden must not give back those scores by subtraction. Small groups: the n,
//! mean, SD and median of a group's answers to an item must not pin how many gave a rare answer.
//!
//! The attacker is shown to bite: on the publication of the example before this protection (a
//! frozen copy of its Likert and comparison results), it recovers the count the issue reported.

use std::collections::BTreeSet;
use std::path::Path;

use serde_json::Value;

use super::common::{example_variant as variant, replace_in_study, repo, run_study, territory_of};

const TOL: f64 = 1e-6;

fn num(v: &Value) -> Option<f64> {
    v.as_f64()
}

/// What is known of one group's column of an item: per category then no answer, the shown count
/// or the range a hidden one may take, and the equations on the column.
struct Column {
    group: String,
    cells: Vec<Result<u64, (u64, u64)>>,
    scores: Vec<f64>,
    size: Option<u64>,
    answered: Option<u64>,
    means: Vec<f64>,
    sds: Vec<f64>,
    medians: Vec<f64>,
    top2: Option<u64>,
}

impl Column {
    fn consistent(&self, c: &[u64]) -> bool {
        let m = self.scores.len();
        let answered: u64 = c[..m].iter().sum();
        let size: u64 = c.iter().sum();
        if self.size.is_some_and(|s| s != size) || self.answered.is_some_and(|n| n != answered) {
            return false;
        }
        if let Some(t) = self.top2 {
            if m >= 3 && c[m - 2] + c[m - 1] != t {
                return false;
            }
        }
        if answered == 0 {
            return self.means.is_empty() && self.sds.is_empty();
        }
        let n = answered as f64;
        let sum: f64 = (0..m).map(|i| self.scores[i] * c[i] as f64).sum();
        let mean = sum / n;
        if self.means.iter().any(|x| (x - mean).abs() > TOL) {
            return false;
        }
        if !self.sds.is_empty() {
            if answered < 2 {
                return false;
            }
            let ss: f64 = (0..m)
                .map(|i| (self.scores[i] - mean).powi(2) * c[i] as f64)
                .sum();
            let sd = (ss / (n - 1.0)).sqrt();
            if self.sds.iter().any(|x| (x - sd).abs() > TOL) {
                return false;
            }
        }
        if !self.medians.is_empty() {
            let at = |k: u64| {
                let mut seen = 0;
                for (count, score) in c.iter().zip(&self.scores) {
                    seen += count;
                    if seen > k {
                        return *score;
                    }
                }
                f64::NAN
            };
            let med = (at((answered - 1) / 2) + at(answered / 2)) / 2.0;
            if self.medians.iter().any(|x| (x - med).abs() > TOL) {
                return false;
            }
        }
        true
    }
}

/// A column of a Likert table as published: each category's count, then no answer (none: hidden).
fn published_cells(column: &Value) -> Vec<Option<u64>> {
    column["counts"]
        .as_array()
        .unwrap()
        .iter()
        .map(Value::as_u64)
        .chain(std::iter::once(column["missing"].as_u64()))
        .collect()
}

/// The hidden cells an attacker gives back from one Likert item and the comparisons beside it.
fn attack_item(
    item: &Value,
    by: &Value,
    compares: &[&Value],
    truth: Option<&Value>,
) -> Vec<String> {
    let scores: Vec<f64> = item["categories"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["score"].as_f64().unwrap())
        .collect();
    let m = scores.len();
    let name = item["item"].as_str().unwrap();
    let total = &item["total"];
    let mut columns: Vec<Column> = Vec::new();
    for g in item["groups"].as_array().unwrap() {
        let group = g["group"].as_str().unwrap().to_string();
        let size = g["size"].as_u64();
        let counts = published_cells(g);
        let shown: u64 = counts.iter().flatten().sum();
        let room = size.map_or(400, |s| s - shown);
        // A hidden cell is anything the column leaves room for: outputs do not say why a cell
        // is hidden (a small count, or one hidden to protect it).
        let cells = counts
            .iter()
            .map(|c| match c {
                Some(c) => Ok(*c),
                None => Err((0, room)),
            })
            .collect();
        let mut col = Column {
            cells,
            scores: scores.clone(),
            size,
            answered: g["n"].as_u64(),
            means: num(&g["mean"]).into_iter().collect(),
            sds: Vec::new(),
            medians: Vec::new(),
            top2: g["top2"]
                .as_f64()
                .zip(size)
                .map(|(p, s)| (p * s as f64 / 100.0).round() as u64),
            group,
        };
        for c in compares {
            if c["by"] != *by {
                continue;
            }
            let Some(j) = c["groups"]
                .as_array()
                .unwrap()
                .iter()
                .position(|x| x == col.group.as_str())
            else {
                continue;
            };
            for t in c["tests"].as_array().unwrap() {
                if t["variable"] == name && t["kind"] == "item" {
                    if let Some(n) = t["n"][j].as_u64() {
                        if col.answered.is_some_and(|a| a != n) {
                            return vec![format!("{name}: two different n for {}", col.group)];
                        }
                        col.answered = Some(n);
                    }
                    col.means.extend(num(&t["mean"][j]));
                    col.sds.extend(num(&t["sd"][j]));
                    col.medians.extend(num(&t["median"][j]));
                }
            }
        }
        columns.push(col);
    }
    // With the true answers at hand (the research team's unsuppressed run), a hidden cell is shown
    // to be safe by exhibiting a second table, as consistent with everything published, in which
    // it differs: one answer moved between two hidden cells of its column, and back in a column
    // beside it where the total is shown. Only cells for which no such move exists are searched
    // exhaustively below.
    if let Some(truth) = truth {
        let true_columns: Vec<Vec<u64>> = columns
            .iter()
            .map(|col| {
                let g = truth["groups"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|g| g["group"] == col.group.as_str())
                    .unwrap();
                g["counts"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|c| c.as_u64().unwrap())
                    .chain(std::iter::once(g["missing"].as_u64().unwrap()))
                    .collect()
            })
            .collect();
        for (col, t) in columns.iter().zip(&true_columns) {
            let agrees = col.cells.iter().zip(t).all(|(c, v)| match c {
                Ok(x) => x == v,
                Err((lo, hi)) => (*lo..=*hi).contains(v),
            });
            assert!(
                agrees && col.consistent(t),
                "{name}, {}: the published numbers do not fit the true answers",
                col.group
            );
        }
        let total_shown: Vec<bool> = published_cells(total).iter().map(Option::is_some).collect();
        if moves_free_every_cell(&columns, &true_columns, &total_shown) {
            return Vec::new();
        }
    }
    // The total column. When the groups' sizes are all shown and add up to the total, a shown
    // total cell is the sum of the groups' cells. When one group's size is hidden (a small
    // territory), its column is the total minus the others, cell by cell where the total is shown.
    let total_cells = published_cells(total);
    let without_size: Vec<usize> = (0..columns.len())
        .filter(|&g| columns[g].size.is_none())
        .collect();
    let sizes: u64 = columns.iter().filter_map(|c| c.size).sum();
    let derived = match (without_size.as_slice(), total["size"].as_u64()) {
        ([g], Some(_)) => Some(*g),
        _ => None,
    };
    let partition = without_size.is_empty() && total["size"].as_u64() == Some(sizes);
    // Enumerate each sized column's hidden cells, then the total's equations across columns.
    let per_column: Vec<Vec<Vec<u64>>> = columns
        .iter()
        .map(|col| {
            let mut out = Vec::new();
            if col.size.is_some() {
                fill(col, 0, &mut Vec::new(), &mut out);
            } else {
                out.push(Vec::new()); // not enumerated: derived from the total, or unknown
            }
            out
        })
        .collect();
    if per_column.iter().any(Vec::is_empty) {
        panic!("{name}: the attacker's model excludes the true answers (no solution)");
    }
    let cells = m + 1;
    let mut seen: Vec<Vec<BTreeSet<u64>>> = vec![vec![BTreeSet::new(); cells]; columns.len()];
    let mut any = false;
    if partition {
        // Every group sized and adding up to the total: the last column is what the total leaves
        // (where the total is shown), looked up among that column's own solutions.
        let last = (0..columns.len())
            .max_by_key(|&g| per_column[g].len())
            .unwrap();
        let shown_total: Vec<(usize, u64)> = total_cells
            .iter()
            .enumerate()
            .filter_map(|(i, t)| t.map(|t| (i, t)))
            .collect();
        let mut by_key: std::collections::HashMap<Vec<u64>, Vec<usize>> = Default::default();
        for (x, sol) in per_column[last].iter().enumerate() {
            let key = shown_total.iter().map(|&(i, _)| sol[i]).collect();
            by_key.entry(key).or_default().push(x);
        }
        let others: Vec<usize> = (0..columns.len()).filter(|&g| g != last).collect();
        let mut pick = vec![0usize; others.len()];
        loop {
            let key: Option<Vec<u64>> = shown_total
                .iter()
                .map(|&(i, t)| {
                    let sum: u64 = others
                        .iter()
                        .zip(&pick)
                        .map(|(&g, &x)| per_column[g][x][i])
                        .sum();
                    t.checked_sub(sum)
                })
                .collect();
            if let Some(matches) = key.and_then(|k| by_key.get(&k)) {
                any = true;
                for (&g, &x) in others.iter().zip(&pick) {
                    for (i, v) in per_column[g][x].iter().enumerate() {
                        seen[g][i].insert(*v);
                    }
                }
                for &x in matches {
                    for (i, v) in per_column[last][x].iter().enumerate() {
                        seen[last][i].insert(*v);
                    }
                }
            }
            if !next(&mut pick, |j| per_column[others[j]].len()) {
                break;
            }
        }
    } else {
        let mut pick = vec![0usize; columns.len()];
        loop {
            let chosen: Vec<&Vec<u64>> = pick
                .iter()
                .enumerate()
                .map(|(g, &i)| &per_column[g][i])
                .collect();
            // The hidden group's column, where the total gives it.
            let mut ok = true;
            let mut derived_cells: Vec<Option<u64>> = vec![None; cells];
            if let Some(d) = derived {
                for i in 0..cells {
                    if let Some(t) = total_cells[i] {
                        let others: u64 = chosen
                            .iter()
                            .enumerate()
                            .filter(|(g, c)| *g != d && !c.is_empty())
                            .map(|(_, c)| c[i])
                            .sum();
                        match t.checked_sub(others) {
                            Some(v) => {
                                ok &= match columns[d].cells[i] {
                                    Ok(x) => x == v,
                                    Err((lo, hi)) => hi == 400 || (lo..=hi).contains(&v),
                                };
                                derived_cells[i] = Some(v);
                            }
                            None => ok = false,
                        }
                    }
                }
            }
            if ok {
                any = true;
                for (g, c) in chosen.iter().enumerate() {
                    for (i, v) in c.iter().enumerate() {
                        seen[g][i].insert(*v);
                    }
                }
                if let Some(d) = derived {
                    for (i, v) in derived_cells.iter().enumerate() {
                        if let Some(v) = v {
                            seen[d][i].insert(*v);
                        }
                    }
                }
            }
            if !next(&mut pick, |g| per_column[g].len()) {
                break;
            }
        }
    }
    assert!(
        any,
        "{name}: the attacker's model excludes the true answers"
    );
    let mut found = Vec::new();
    for (g, col) in columns.iter().enumerate() {
        for (i, cell) in col.cells.iter().enumerate() {
            if cell.is_err() && seen[g][i].len() == 1 {
                let what = if i == m {
                    "no answer".to_string()
                } else {
                    format!("answer {}", scores[i])
                };
                found.push(format!(
                    "{name}, {}: {what} = {} given back",
                    col.group,
                    seen[g][i].iter().next().unwrap()
                ));
            }
        }
    }
    found
}

/// Whether every hidden cell has a second value consistent with everything published.
fn moves_free_every_cell(columns: &[Column], truth: &[Vec<u64>], total_shown: &[bool]) -> bool {
    let hidden = |g: usize, i: usize| columns[g].cells[i].is_err();
    let cells = truth[0].len();
    let step = |v: &mut u64, d: i64| match v.checked_add_signed(d) {
        Some(x) => {
            *v = x;
            true
        }
        None => false,
    };
    (0..columns.len()).all(|g| {
        (0..cells).filter(|&i| hidden(g, i)).all(|i| {
            (0..cells).filter(|&j| j != i && hidden(g, j)).any(|j| {
                let partners: Vec<Option<usize>> = if total_shown[i] || total_shown[j] {
                    (0..columns.len())
                        .filter(|&h| h != g && hidden(h, i) && hidden(h, j))
                        .map(Some)
                        .collect()
                } else {
                    vec![None]
                };
                [1i64, -1].iter().any(|&d| {
                    partners.iter().any(|&h| {
                        let mut t = truth.to_vec();
                        let mut ok = step(&mut t[g][i], d) && step(&mut t[g][j], -d);
                        if let Some(h) = h {
                            ok = ok && step(&mut t[h][i], -d) && step(&mut t[h][j], d);
                        }
                        ok && [Some(g), h]
                            .iter()
                            .flatten()
                            .all(|&c| columns[c].consistent(&t[c]))
                    })
                })
            })
        })
    })
}

/// The next combination of choices (an odometer); false after the last.
fn next(pick: &mut [usize], len: impl Fn(usize) -> usize) -> bool {
    for (j, p) in pick.iter_mut().enumerate() {
        *p += 1;
        if *p < len(j) {
            return true;
        }
        *p = 0;
    }
    false
}

/// Every assignment of a column's hidden cells that satisfies its own equations. With the
/// column's size known, the last hidden cell is what the size leaves.
fn fill(col: &Column, i: usize, cur: &mut Vec<u64>, out: &mut Vec<Vec<u64>>) {
    if i == col.cells.len() {
        if col.consistent(cur) {
            out.push(cur.clone());
        }
        return;
    }
    let so_far: u64 = cur.iter().sum();
    let rest = &col.cells[i + 1..];
    let last_hidden = rest.iter().all(Result::is_ok);
    let shown_after: u64 = rest.iter().filter_map(|c| c.as_ref().ok()).sum();
    match col.cells[i] {
        Ok(v) => {
            cur.push(v);
            fill(col, i + 1, cur, out);
            cur.pop();
        }
        Err((lo, hi)) => {
            let range = match col.size {
                Some(s) if last_hidden => match s.checked_sub(so_far + shown_after) {
                    Some(v) if (lo..=hi).contains(&v) => v..=v,
                    _ => return,
                },
                _ => lo..=hi,
            };
            for v in range {
                if col.size.is_some_and(|s| so_far + v + shown_after > s) {
                    break;
                }
                cur.push(v);
                fill(col, i + 1, cur, out);
                cur.pop();
            }
        }
    }
}

/// Scales: a total published beside groups whose summary is hidden gives their scores back by
/// subtraction, unless the scores left over are none or at least twice k.
fn attack_scales(scales: &Value, k: u64) -> Vec<String> {
    let mut found = Vec::new();
    for s in scales["scales"].as_array().unwrap() {
        let total = &s["total"];
        let (Some(n), Some(_)) = (total["n"].as_u64(), total["mean"].as_f64()) else {
            continue;
        };
        let groups = s["groups"].as_array().unwrap();
        if groups.is_empty() {
            continue;
        }
        let shown: u64 = groups
            .iter()
            .filter(|g| g["mean"].as_f64().is_some())
            .map(|g| g["n"].as_u64().unwrap())
            .sum();
        let left = n - shown;
        if left > 0 && left < 2 * k {
            found.push(format!(
                "scale {}: the total minus the groups shown gives the n, mean and SD of {left} scores",
                s["scale"]
            ));
        }
    }
    found
}

/// Small groups: n, mean, SD and median of an item's answers pin a rare answer's count.
fn attack_summaries(compare: &Value, items: &[&Value], k: u64) -> Vec<String> {
    let mut found = Vec::new();
    for t in compare["tests"].as_array().unwrap() {
        if t["kind"] != "item" {
            continue;
        }
        let Some(item) = items.iter().find(|i| i["item"] == t["variable"]) else {
            continue;
        };
        let scores: Vec<f64> = item["categories"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["score"].as_f64().unwrap())
            .collect();
        for j in 0..2 {
            let n = t["n"][j].as_u64().unwrap();
            if n >= 40 {
                continue; // beyond the enumeration's reach in a debug build
            }
            let col = Column {
                group: String::new(),
                cells: (0..scores.len())
                    .map(|_| Err((0, n)))
                    .chain(std::iter::once(Ok(0)))
                    .collect(),
                scores: scores.clone(),
                size: Some(n),
                answered: Some(n),
                means: num(&t["mean"][j]).into_iter().collect(),
                sds: num(&t["sd"][j]).into_iter().collect(),
                medians: num(&t["median"][j]).into_iter().collect(),
                top2: None,
            };
            let mut out = Vec::new();
            fill(&col, 0, &mut Vec::new(), &mut out);
            for i in 0..scores.len() {
                let values: BTreeSet<u64> = out.iter().map(|c| c[i]).collect();
                if values.len() == 1 && (1..k).contains(values.iter().next().unwrap()) {
                    found.push(format!(
                        "{}, group {j}: {} answered {} (pinned by n, mean, SD, median)",
                        t["variable"],
                        values.iter().next().unwrap(),
                        scores[i]
                    ));
                }
            }
        }
    }
    found
}

/// The capability index beside the profile tables: for an indicator read from a single-choice
/// question (`∈ {…}`), the profile's count of the deprived answers in a group minus the index's
/// count of the deprived there is the number of those left out of the index who gave them (and
/// the same for the other answers); 1 to k − 1 people given back is a disclosure.
fn attack_index(capability: &Value, profiles: &[&Value], k: u64) -> Vec<String> {
    let mut found = Vec::new();
    let Some(at_k) = capability["results"].get(0) else {
        return found;
    };
    for (i, ind) in capability["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .enumerate()
    {
        let cutoff = ind["cutoff"].as_str().unwrap_or("");
        let Some(list) = cutoff.strip_prefix("∈ {").and_then(|c| c.strip_suffix('}')) else {
            continue;
        };
        let deprived: Vec<&str> = list.split(',').map(str::trim).collect();
        for profile in profiles {
            if profile["by"] != capability["by"] {
                continue;
            }
            let Some(table) = profile["tables"]
                .as_array()
                .unwrap()
                .iter()
                .find(|t| t["variable"] == ind["item"])
            else {
                continue;
            };
            let categories: Vec<&str> = table["categories"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c.as_str().unwrap())
                .collect();
            for (j, group) in capability["groups"].as_array().unwrap().iter().enumerate() {
                let Some(pj) = profile["groups"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .position(|g| g == group)
                else {
                    continue;
                };
                let counts: Option<Vec<u64>> = table["cells"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|row| row[pj]["count"].as_u64())
                    .collect();
                let index_d = at_k["indicators"][i]["groups"][j]["uncensored"]["count"].as_u64();
                let index_n = at_k["groups"][j]["n"].as_u64();
                let (Some(counts), Some(d), Some(n)) = (counts, index_d, index_n) else {
                    continue;
                };
                let profile_d: u64 = categories
                    .iter()
                    .zip(&counts)
                    .filter(|(c, _)| deprived.contains(c))
                    .map(|(_, n)| n)
                    .sum();
                let profile_nd: u64 = counts.iter().sum::<u64>() - profile_d;
                for (what, left) in [
                    ("deprived", profile_d.checked_sub(d)),
                    ("not deprived", profile_nd.checked_sub(n - d)),
                ] {
                    if let Some(left) = left.filter(|&l| l > 0 && l < k) {
                        found.push(format!(
                            "{} in {}: {left} left out of the index {what}",
                            ind["id"].as_str().unwrap(),
                            group.as_str().unwrap()
                        ));
                    }
                }
            }
        }
    }
    found
}

/// Everything the attacker gives back from one run's results (`truth`: the same run's
/// unsuppressed results, which let a safe cell be shown safe quickly).
fn attack(results: &Value, truth: Option<&Value>) -> Vec<String> {
    let k = results["min_cell"].as_u64().unwrap_or(5);
    let analyses = results["analyses"].as_array().unwrap();
    let of =
        |kind: &str| -> Vec<&Value> { analyses.iter().filter(|a| a["kind"] == kind).collect() };
    let compares = of("compare");
    let mut found = Vec::new();
    let mut items: Vec<&Value> = Vec::new();
    for likert in of("likert") {
        let true_items = truth.map(|t| {
            t["analyses"]
                .as_array()
                .unwrap()
                .iter()
                .find(|a| a["id"] == likert["id"])
                .unwrap()["items"]
                .clone()
        });
        for item in likert["items"].as_array().unwrap() {
            items.push(item);
            let true_item = true_items.as_ref().and_then(|t| {
                t.as_array()
                    .unwrap()
                    .iter()
                    .find(|x| x["item"] == item["item"])
            });
            found.extend(attack_item(item, &likert["by"], &compares, true_item));
        }
    }
    for s in of("scales") {
        found.extend(attack_scales(s, k));
    }
    for c in &compares {
        found.extend(attack_summaries(c, &items, k));
    }
    let profiles = of("crosstab");
    for index in of("capability") {
        found.extend(attack_index(index, &profiles, k));
    }
    found
}

const EMPOLI: &str = "[[territories]]\nname = \"Empoli\"\n";

/// What the attacker gives back from a study's run, and its published results.
fn attack_study(study: &Path) -> (Vec<String>, Value) {
    let dir = tempfile::tempdir().unwrap();
    let public = run_study(study, &dir.path().join("out"), false);
    let truth = run_study(study, &dir.path().join("internal"), true);
    (attack(&public, Some(&truth)), public)
}

fn attack_variant(edit: impl Fn(&mut Vec<Vec<String>>), extra: &str) -> (Vec<String>, Value) {
    let dir = tempfile::tempdir().unwrap();
    attack_study(&variant(dir.path(), edit, extra))
}

#[test]
fn the_attacker_recovers_what_the_old_release_gave_away() {
    // The example's Likert and comparison results as published before disclosure control acted
    // on the whole run (issue 14): the comparison's n gave back the hidden no-answer count, and
    // the hidden answer followed by subtraction.
    let old: Value = serde_json::from_str(
        &std::fs::read_to_string(repo().join("tests/fixtures/disclosure/example-before-14.json"))
            .unwrap(),
    )
    .unwrap();
    let found = attack(&old, None);
    assert!(
        found
            .iter()
            .any(|f| f == "edu_3, Firenze: answer 5 = 4 given back"),
        "{found:#?}"
    );
    assert!(found.len() >= 20, "{found:#?}");
    // Found 5: the profile minus the index's counts gave back those left out of the index.
    assert!(
        found
            .iter()
            .any(|f| f == "no_tutor in Prato: 4 left out of the index deprived"),
        "{found:#?}"
    );
}

#[test]
fn found_5_the_profile_minus_the_index_gives_back_no_one_left_out() {
    // The example leaves 13 respondents out of the index (a missing answer): the profile tables
    // count them, the index does not.
    let (found, r) = attack_study(&repo().join("examples/caring-prato-firenze"));
    assert!(found.is_empty(), "{found:#?}");
    let index = super::common::analysis_of_kind(&r, "capability");
    assert!(index["n_excluded"].as_u64().unwrap() > 0);
}

#[test]
fn found_1_likert_beside_compare_gives_back_no_hidden_answer() {
    let (found, _) = attack_study(&repo().join("examples/caring-prato-firenze"));
    assert!(found.is_empty(), "{found:#?}");
}

#[test]
fn found_2_a_territory_of_seven_keeps_its_answers() {
    let (found, _) = attack_variant(territory_of(7), EMPOLI);
    assert!(found.is_empty(), "{found:#?}");
}

#[test]
fn found_3_a_territory_of_three_is_not_given_back_by_the_total() {
    let (found, r) = attack_variant(territory_of(3), EMPOLI);
    assert!(found.is_empty(), "{found:#?}");
    // The scales' totals are held back: nothing of the three can be subtracted out.
    let scales = super::common::analysis_of_kind(&r, "scales");
    for s in scales["scales"].as_array().unwrap() {
        assert!(s["total"]["mean"].is_null(), "{}", s["scale"]);
    }
}

#[test]
fn found_6_protected_nonresponse_stays_protected() {
    let dir = tempfile::tempdir().unwrap();
    let study = variant(dir.path(), |_| {}, "");
    replace_in_study(
        &study,
        "nonresponse = \"publish\"",
        "nonresponse = \"protect\"",
    );
    let (found, r) = attack_study(&study);
    assert_eq!(r["nonresponse"], "protect");
    assert!(found.is_empty(), "{found:#?}");
}

/// Design weights known to the reader and constant within each territory (1.5 in Prato, 0.5 in
/// Firenze): the whole sample's weighted shares and Kish's n beside the unweighted counts. From
/// Kish's n and the number who answered comes each territory's number of answers, then each
/// territory's count of every answer: `c_P = (share · W − w_F · total) / (w_P − w_F)`.
fn attack_weights(likert: &Value, weights: [f64; 2]) -> Vec<(String, usize, u64)> {
    let [wp, wf] = weights;
    let mut found = Vec::new();
    for item in likert["items"].as_array().unwrap() {
        let total = &item["total"];
        let (Some(w), Some(n)) = (total["weighted"].as_object(), total["n"].as_u64()) else {
            continue;
        };
        let kish = w["kish_ess"].as_f64().unwrap();
        let kish_of = |np: f64| {
            let nf = n as f64 - np;
            (wp * np + wf * nf).powi(2) / (wp * wp * np + wf * wf * nf)
        };
        let fits: Vec<u64> = (0..=n)
            .filter(|&np| (kish_of(np as f64) - kish).abs() < 1e-6)
            .collect();
        let [np] = fits[..] else { continue };
        let big_w = wp * np as f64 + wf * (n - np) as f64;
        let percent = w["percent"].as_array().unwrap();
        for (i, t) in total["counts"].as_array().unwrap().iter().enumerate() {
            let (Some(t), Some(share)) = (t.as_u64(), percent[i].as_f64()) else {
                continue;
            };
            let c = (share / 100.0 * big_w - wf * t as f64) / (wp - wf);
            if (c - c.round()).abs() < 1e-6 && c >= -1e-9 {
                found.push((
                    item["item"].as_str().unwrap().to_string(),
                    i,
                    c.round() as u64,
                ));
            }
        }
    }
    found
}

/// The item named `name` of a Likert result.
fn item_of<'a>(likert: &'a Value, name: &str) -> &'a Value {
    likert["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["item"] == name)
        .unwrap()
}

#[test]
fn found_4_weights_constant_within_territory_give_back_nothing() {
    let weights = [1.5, 0.5];
    let dir = tempfile::tempdir().unwrap();
    let study = variant(
        dir.path(),
        |rows| {
            let col = rows[0]
                .iter()
                .position(|h| h.ends_with("/territory"))
                .unwrap();
            rows[0].push("peso".into());
            for r in rows.iter_mut().skip(1) {
                let w = if r[col] == "Prato" { "1.5" } else { "0.5" };
                r.push(w.into());
            }
        },
        "",
    );
    replace_in_study(
        &study,
        "territory_column = \"territory\"",
        "territory_column = \"territory\"\nweight_column = \"peso\"",
    );
    let public = run_study(&study, &dir.path().join("out"), false);
    let truth = run_study(&study, &dir.path().join("internal"), true);
    // The attacker works: on the research team's unsuppressed numbers it finds Prato's true count
    // of every answer of every item.
    let true_likert = super::common::analysis_of_kind(&truth, "likert");
    let recovered = attack_weights(true_likert, weights);
    assert!(recovered.len() > 100, "{}", recovered.len());
    for (item, i, c) in &recovered {
        let row = item_of(true_likert, item);
        assert_eq!(row["groups"][0]["counts"][*i].as_u64(), Some(*c), "{item}");
    }
    // On what is published, nothing hidden comes back.
    let likert = super::common::analysis_of_kind(&public, "likert");
    let mut leaks = Vec::new();
    for (item, i, c) in attack_weights(likert, weights) {
        let row = item_of(likert, &item);
        if row["groups"][0]["counts"][i].is_null() {
            leaks.push(format!("{item}: Prato answer {} = {c}", i + 1));
        }
    }
    assert!(leaks.is_empty(), "{leaks:#?}");
    let (found, _) = attack_study(&study);
    assert!(found.is_empty(), "{found:#?}");
}

/// The capability index by a grouping (its main one and each breakdown): the whole sample's n
/// and deprived count minus the groups shown give those of the groups hidden, together. With one
/// group hidden, that pins its hidden counts; 1 to k − 1 people (or deprived, or not deprived)
/// so given back is a disclosure. (It assumes every respondent in the index is in a group, which
/// only makes it find more. With two or more hidden, their sum is known but no one group's: see
/// the README on sums of hidden cells.)
fn attack_index_margins(capability: &Value, k: u64) -> Vec<String> {
    let mut found = Vec::new();
    let mut groupings: Vec<(String, &Value, &Value)> = Vec::new();
    if let Some(at_k) = capability["results"].get(0) {
        groupings.push(("main".into(), &at_k["overall"], &at_k["groups"]));
    }
    for b in capability["breakdowns"].as_array().into_iter().flatten() {
        groupings.push((
            b["by"].as_str().unwrap().to_string(),
            &b["overall"],
            &b["groups"],
        ));
    }
    let small = |x: u64| x > 0 && x < k;
    for (by, overall, groups) in groupings {
        let (Some(n), Some(d)) = (overall["n"].as_u64(), overall["deprived"].as_u64()) else {
            continue;
        };
        let groups = groups.as_array().unwrap();
        let shown: Vec<&Value> = groups.iter().filter(|g| g["n"].is_u64()).collect();
        if shown.len() + 1 != groups.len() {
            continue;
        }
        let n_hidden = n - shown.iter().map(|g| g["n"].as_u64().unwrap()).sum::<u64>();
        let d_shown: Option<u64> = shown.iter().map(|g| g["deprived"].as_u64()).sum();
        let Some(d_shown) = d_shown else { continue };
        let d_hidden = d - d_shown;
        if small(n_hidden) || small(d_hidden) || small(n_hidden - d_hidden) {
            found.push(format!(
                "index by {by}: the hidden groups hold {n_hidden}, {d_hidden} deprived"
            ));
        }
    }
    found
}

/// Sets the first `n` respondents' answer to `question` to `value`, and every other respondent
/// who gave `value` to `instead`.
fn answer_of(
    question: &'static str,
    value: &'static str,
    n: usize,
    instead: &'static str,
) -> impl Fn(&mut Vec<Vec<String>>) {
    move |rows| {
        let col = rows[0]
            .iter()
            .position(|h| h.ends_with(&format!("/{question}")))
            .unwrap();
        let mut given = 0;
        for r in rows.iter_mut().skip(1) {
            if given < n {
                r[col] = value.into();
                given += 1;
            } else if r[col] == value {
                r[col] = instead.into();
            }
        }
    }
}

#[test]
fn a_gender_category_of_one_and_a_care_setting_of_six_stay_hidden() {
    for (edit, what) in [
        (answer_of("gender", "altro", 1, "femmina"), "gender of 1"),
        (
            answer_of("care_setting", "affido", 6, "comunita"),
            "care setting of 6",
        ),
    ] {
        let (mut found, r) = attack_variant(edit, "");
        found.extend(attack_index_margins(
            super::common::analysis_of_kind(&r, "capability"),
            5,
        ));
        assert!(found.is_empty(), "{what}: {found:#?}");
    }
}

#[test]
fn cell_key_counts_stand_beside_no_exact_summary_of_the_same_answers() {
    // Perturbed counts beside the exact n, mean and SD of the same answers: the few tables within
    // ±2 of each count that fit the exact summaries give the true counts back. So under the
    // cell-key method an item of a Likert table is not compared, and the table shows no mean.
    let dir = tempfile::tempdir().unwrap();
    let study = variant(dir.path(), |_| {}, "");
    replace_in_study(
        &study,
        "nonresponse = \"publish\"",
        "nonresponse = \"publish\"\nmethod = \"cell-key\"",
    );
    let r = run_study(&study, &dir.path().join("out"), false);
    assert_eq!(r["disclosure_method"], "cell-key");
    let likert = super::common::analysis_of_kind(&r, "likert");
    let items: Vec<&Value> = likert["items"].as_array().unwrap().iter().collect();
    for item in &items {
        for g in item["groups"].as_array().unwrap() {
            assert!(
                g["mean"].is_null() && g["weighted"].is_null(),
                "{}",
                item["item"]
            );
        }
    }
    let compare = super::common::analysis_of_kind(&r, "compare");
    let tests = compare["tests"].as_array().unwrap();
    assert!(
        tests.iter().any(|t| t["kind"] == "scale"),
        "scales are still compared"
    );
    for t in tests {
        assert!(
            !items.iter().any(|i| i["item"] == t["variable"]),
            "{} is compared beside its perturbed counts",
            t["variable"]
        );
    }
}

#[test]
fn found_5_one_person_left_out_of_the_index_keeps_their_answers() {
    // Every indicator counts a missing answer as not deprived, but NEET status, which leaves out
    // whoever did not answer it; one young person in Prato did not. The profile tables still
    // count their tutor, project and activity; the index does not.
    let dir = tempfile::tempdir().unwrap();
    let analyses = std::fs::read_to_string(repo().join("analyses/care-leavers-capabilities.toml"))
        .unwrap()
        .replace(
            "[[analysis.dimensions.indicators]]\n",
            "[[analysis.dimensions.indicators]]\nmissing = \"not_deprived\"\n",
        )
        .replace("missing = \"not_deprived\"\nid = \"neet\"", "id = \"neet\"");
    assert!(analyses.contains("[[analysis.dimensions.indicators]]\nid = \"neet\""));
    std::fs::write(dir.path().join("capabilities.toml"), analyses).unwrap();
    let study = variant(
        dir.path(),
        |rows| {
            let col = |name: &str| rows[0].iter().position(|h| h.ends_with(name)).unwrap();
            let (territory, activity) = (col("/territory"), col("/activity"));
            let first = rows
                .iter_mut()
                .skip(1)
                .find(|r| r[territory] == "Prato")
                .unwrap();
            first[activity] = String::new();
        },
        "",
    );
    replace_in_study(
        &study,
        &repo()
            .join("analyses/care-leavers-capabilities.toml")
            .display()
            .to_string(),
        &dir.path().join("capabilities.toml").display().to_string(),
    );
    let (found, r) = attack_study(&study);
    let index = super::common::analysis_of_kind(&r, "capability");
    assert_eq!(index["n_excluded"], 1, "one person left out");
    assert!(found.is_empty(), "{found:#?}");
}
