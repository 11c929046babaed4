//! The cell-key method (`[disclosure] method = "cell-key"`) end to end on the example study: the
//! same output every run, the same noise for the same respondents whatever else changes, no
//! count from 1 to js published, a group's size the same wherever it is published, and a method
//! capakit does not know refused where it is written.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::common::{
    check, count_tables, example_variant, replace_in_study, run_study, territory_of,
};

/// js of the default perturbation table: no count from 1 to js is published.
const JS: u64 = 2;

/// A copy of the example study in `dir` with its answers edited by `edit` (header first) and
/// the cell-key method set in its `[disclosure]` table (`method`: the value written).
fn cell_key_study(dir: &Path, edit: impl Fn(&mut Vec<Vec<String>>), method: &str) -> PathBuf {
    let study = example_variant(dir, edit, "");
    // The example has a [disclosure] table: the method goes in it.
    replace_in_study(
        &study,
        "nonresponse = \"publish\"",
        &format!("nonresponse = \"publish\"\nmethod = \"{method}\""),
    );
    study
}

/// Runs a study, returning its results and the bytes of results.json.
fn run(study: &Path) -> (Value, Vec<u8>) {
    let out = study.join("out");
    let r = run_study(study, &out, false);
    (r, std::fs::read(out.join("results.json")).unwrap())
}

/// Every count of the count tables, keyed by where it is published.
fn counts(r: &Value) -> BTreeMap<String, u64> {
    count_tables(r).into_iter().collect()
}

/// The group sizes published for `group` in every count table: territory list, Likert items,
/// cross-tables.
fn sizes_of(r: &Value, group: &str) -> Vec<(String, u64)> {
    counts(r)
        .into_iter()
        .filter(|(at, _)| {
            *at == format!("territory \"{group}\"")
                || at.ends_with(&format!("\"{group}\" size"))
                || at.ends_with(&format!(" n \"{group}\""))
        })
        .collect()
}

/// The respondents of a territory, by the header's territory column.
fn drop_one_of(territory: &'static str) -> impl Fn(&mut Vec<Vec<String>>) {
    move |rows| {
        let col = rows[0]
            .iter()
            .position(|h| h.ends_with("/territory"))
            .unwrap();
        let at = rows.iter().position(|r| r[col] == territory).unwrap();
        rows.remove(at);
    }
}

#[test]
fn the_same_data_give_the_same_bytes_and_say_the_method() {
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (r1, bytes1) = run(&cell_key_study(a.path(), |_| {}, "cell-key"));
    let (_, bytes2) = run(&cell_key_study(b.path(), |_| {}, "cell-key"));
    assert!(bytes1 == bytes2, "two runs differ");
    assert_eq!(r1["disclosure_method"], "cell-key");
    assert_eq!(r1["cell_key"]["D"], 2);
    assert_eq!(r1["cell_key"]["V"], 1.0);
    assert_eq!(r1["cell_key"]["js"], JS);
    assert!((r1["cell_key"]["expected_absolute_error"].as_f64().unwrap() - 0.745).abs() < 0.001);
    // The methods appendix says the method, its parameters and its accuracy cost.
    let report = std::fs::read_to_string(a.path().join("out/report.md")).unwrap();
    assert!(
        report.contains("chiave di cella") && report.contains("circa 0,74 per conteggio"),
        "{report}"
    );
    for name in ["D", "V", "js", "mae"] {
        assert!(
            !report.contains(&format!("\\{{{name}\\}}")),
            "{{{name}}} left unfilled"
        );
    }
    // Nothing hidden in the count tables, and the counts are not the true ones.
    let c = counts(&r1);
    let protected = tempfile::tempdir().unwrap();
    let (plain, _) = run(&cell_key_study(protected.path(), |_| {}, "suppression"));
    assert_eq!(plain["disclosure_method"], "suppression");
    assert!(plain["cell_key"].is_null());
    let t = counts(&plain);
    assert!(c.len() > t.len(), "cell-key publishes every count");
    let moved = t.iter().filter(|(at, v)| c.get(*at) != Some(v)).count();
    assert!(
        moved * 4 > t.len(),
        "only {moved} of {} counts moved",
        t.len()
    );
}

#[test]
fn no_count_from_one_to_js_is_published() {
    let dir = tempfile::tempdir().unwrap();
    let (r, _) = run(&cell_key_study(dir.path(), |_| {}, "cell-key"));
    let c = counts(&r);
    let small: Vec<_> = c.iter().filter(|(_, v)| (1..=JS).contains(*v)).collect();
    assert!(small.is_empty(), "{small:#?}");
    // The example has such counts: the method had something to do.
    let t = tempfile::tempdir().unwrap();
    let (plain, _) = run(&cell_key_study(t.path(), |_| {}, "suppression"));
    let internal = run_study(
        &t.path().join("study.toml"),
        &t.path().join("internal"),
        true,
    );
    let _ = plain;
    let true_counts = counts(&internal);
    assert!(true_counts.values().any(|v| (1..=JS).contains(v)));
}

#[test]
fn the_same_respondents_get_the_same_noise_whatever_else_changes() {
    // One Prato respondent removed: every Firenze count stays as it was.
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (full, _) = run(&cell_key_study(a.path(), |_| {}, "cell-key"));
    let (less, _) = run(&cell_key_study(b.path(), drop_one_of("Prato"), "cell-key"));
    let (full, less) = (counts(&full), counts(&less));
    let firenze: Vec<&String> = full
        .keys()
        .filter(|at| at.contains("\"Firenze\""))
        .collect();
    assert!(firenze.len() > 50, "{}", firenze.len());
    for at in &firenze {
        assert_eq!(full[*at], less[*at], "{at}");
    }
    // The Prato counts are other cells: some moved by more than the one respondent.
    let prato_sizes: Vec<(u64, u64)> = full
        .iter()
        .filter(|(at, _)| at.contains("\"Prato\""))
        .map(|(at, v)| (*v, less[at]))
        .collect();
    assert!(prato_sizes.iter().any(|(x, y)| x != y));
}

#[test]
fn another_grouping_leaves_the_other_cells_as_they_were() {
    // Ten Firenze respondents moved to a territory of their own: the Prato cells and the
    // everyone column hold the same respondents as before, and so the same counts.
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (before, _) = run(&cell_key_study(a.path(), |_| {}, "cell-key"));
    let split = cell_key_study(b.path(), territory_of(10), "cell-key");
    crate::common::append_to_study(&split, "[[territories]]\nname = \"Empoli\"\n");
    let (after, _) = run(&split);
    let (before, after) = (counts(&before), counts(&after));
    let same: Vec<&String> = before
        .keys()
        .filter(|at| at.contains("\"Prato\"") || at.ends_with(" null") || at.contains(" null "))
        .collect();
    assert!(same.len() > 100, "{}", same.len());
    for at in same {
        assert_eq!(before[at], after[at], "{at}");
    }
    assert!(after.keys().any(|at| at.contains("\"Empoli\"")));
}

#[test]
fn a_group_size_is_the_same_wherever_it_is_published() {
    // Totals are perturbed as cells of their own, not summed: a group's size is one cell, the
    // same in the territory list, every Likert item and every cross-table.
    let dir = tempfile::tempdir().unwrap();
    let (r, _) = run(&cell_key_study(dir.path(), |_| {}, "cell-key"));
    for group in ["Prato", "Firenze"] {
        let sizes = sizes_of(&r, group);
        assert!(sizes.len() > 20, "{group}: {sizes:?}");
        let first = sizes[0].1;
        for (at, v) in &sizes {
            assert_eq!(*v, first, "{at}");
        }
    }
    // Not additive: somewhere the categories of a group do not add up to its size.
    let c = counts(&r);
    let items: Vec<&Value> = r["analyses"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|a| a["items"].as_array().into_iter().flatten())
        .collect();
    let mut differ = 0;
    for item in &items {
        for g in item["groups"].as_array().unwrap() {
            let sum: u64 = g["counts"]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_u64().unwrap())
                .sum::<u64>()
                + g["missing"].as_u64().unwrap();
            differ += usize::from(sum != g["size"].as_u64().unwrap());
        }
    }
    assert!(differ > 0 && !c.is_empty());
}

#[test]
fn a_method_capakit_does_not_know_is_refused_where_it_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let study = cell_key_study(dir.path(), |_| {}, "nonsense");
    let toml = std::fs::read_to_string(study.join("study.toml")).unwrap();
    let line = toml
        .lines()
        .position(|l| l.starts_with("method = \"nonsense\""))
        .unwrap()
        + 1;
    let (code, _, err) = check(&study);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains(&format!("line {line}")) && err.contains("column") && err.contains("nonsense"),
        "{err}"
    );
    assert!(
        err.contains("cell-key") && err.contains("suppression"),
        "{err}"
    );
}
