//! Issue 14: "check the published bytes (report.md, tables.xlsx, SVG charts), not only
//! results.json". The attacker (attacker.rs) solves what results.json publishes; here every
//! Likert and comparison number of report.md, tables.xlsx and the Likert charts of the example is
//! read back and held against results.json: each shows what results.json publishes (rounded as
//! the report rounds), and where results.json hides a value (null) the bytes show the mark, or
//! nothing, never a number. So the attacker's equations are all the equations there are.
//!
//! Each check counts the rows and hidden cells it compared, and the tests assert on the counts (a
//! check that finds no table cannot pass). Each check is also shown to bite: the same bytes with
//! one hidden value given a number ("doctored") fail it.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use calamine::{open_workbook, Data, Reader, Xlsx};
use serde_json::Value;

use super::common::{analysis_of_kind, repo, run_study};

/// The mark of a hidden value in the example's language.
const MARK: &str = "x";
/// The example's report language (its default_language).
const LANG: &str = "it";

/// The example's public run (once for this file's tests): its folder and results.json.
fn example() -> &'static (PathBuf, Value) {
    static RUN: OnceLock<(PathBuf, Value)> = OnceLock::new();
    RUN.get_or_init(|| {
        let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join("published-bytes/out");
        let results = run_study(&repo().join("examples/caring-prato-firenze"), &out, false);
        (out, results)
    })
}

/// A label as the report prints it (in LANG, else English, else the name).
fn label<'a>(labels: &'a Value, name: &'a str) -> &'a str {
    labels[LANG]
        .as_str()
        .or_else(|| labels["en"].as_str())
        .unwrap_or(name)
}

/// A number as the Italian report prints it ("4.366,0", "−1,23", "9 %", "**27 %**"); none for
/// anything else (the mark, "–").
fn it_number(s: &str) -> Option<f64> {
    let t = s.trim_matches('*').trim().trim_end_matches('%').trim();
    if t.is_empty() || !t.chars().all(|c| c.is_ascii_digit() || ".,−-".contains(c)) {
        return None;
    }
    t.replace('.', "")
        .replace(',', ".")
        .replace('−', "-")
        .parse()
        .ok()
}

/// A published cell held against its value in results.json: `mark` exactly where results.json
/// has null, else a number within `tol` of the value (how the report rounds). True when hidden.
fn same(text: &str, value: &Value, tol: f64, mark: &str) -> Result<bool, String> {
    match value.as_f64() {
        None if text == mark => Ok(true),
        None => Err(format!("shows {text:?} where results.json hides the value")),
        Some(v) => match it_number(text) {
            Some(x) if (x - v).abs() <= tol + 1e-9 => Ok(false),
            _ => Err(format!("shows {text:?}, results.json {v}")),
        },
    }
}

/// The cells of a Markdown table row (an escaped `\|` stays in its cell), trimmed.
fn md_cells(line: &str) -> Vec<String> {
    let inner = line.trim().trim_start_matches('|');
    let inner = inner.strip_suffix('|').unwrap_or(inner);
    let mut cells = vec![String::new()];
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                cells.last_mut().unwrap().push(c);
                cells.last_mut().unwrap().extend(chars.next());
            }
            '|' => cells.push(String::new()),
            _ => cells.last_mut().unwrap().push(c),
        }
    }
    // A row's head is bold: its words are the cell's.
    cells
        .iter()
        .map(|c| {
            let c = c.trim();
            c.strip_prefix("**")
                .and_then(|x| x.strip_suffix("**"))
                .unwrap_or(c)
                .to_string()
        })
        .collect()
}

/// Text as Markdown shows it: escapes undone.
fn unescape_md(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            out.extend(chars.next());
        } else {
            out.push(c);
        }
    }
    out.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// The rows of every Markdown table of `md` whose header `is_header` accepts, with their line
/// numbers.
fn md_rows(md: &str, is_header: impl Fn(&[String]) -> bool) -> Vec<(usize, Vec<String>)> {
    let lines: Vec<&str> = md.lines().collect();
    let mut rows = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        if lines[i].starts_with('|') && is_header(&md_cells(lines[i])) {
            i += 2; // the header and the alignment row
            while i < lines.len() && lines[i].starts_with('|') {
                rows.push((i + 1, md_cells(lines[i])));
                i += 1;
            }
        } else {
            i += 1;
        }
    }
    rows
}

/// The category names of a Likert analysis.
fn categories(likert: &Value) -> Vec<String> {
    likert["items"][0]["categories"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap().to_string())
        .collect()
}

/// The scales of a Likert analysis in order of first appearance ("other": items of no scale),
/// each with its items.
fn scales(likert: &Value) -> Vec<(String, Vec<&Value>)> {
    let mut out: Vec<(String, Vec<&Value>)> = Vec::new();
    for item in likert["items"].as_array().unwrap() {
        let scale = item["scale"].as_str().unwrap_or("other").to_string();
        match out.iter_mut().find(|(s, _)| *s == scale) {
            Some((_, items)) => items.push(item),
            None => out.push((scale, vec![item])),
        }
    }
    out
}

/// The columns an item shows in the report and its charts: its groups, or the whole sample
/// when there are none.
fn shown_columns(item: &Value) -> Vec<&Value> {
    let groups = item["groups"].as_array().unwrap();
    if groups.is_empty() {
        vec![&item["total"]]
    } else {
        groups.iter().collect()
    }
}

/// results.json's own column agrees with itself: a percentage is published exactly when its
/// count is, and is the count over the group's size.
fn check_column(name: &str, g: &Value) -> Result<(), String> {
    if !g["weighted"].is_null() {
        return Err(format!(
            "{name}: weighted (this check reads unweighted tables)"
        ));
    }
    let counts = g["counts"].as_array().unwrap();
    let percent = g["percent"].as_array().unwrap();
    for (c, p) in counts.iter().zip(percent) {
        match (c.as_f64(), p.as_f64(), g["size"].as_f64()) {
            (None, None, _) => {}
            (Some(c), Some(p), Some(s)) if (c * 100.0 / s - p).abs() < 1e-9 => {}
            (Some(_), Some(_), None) => {}
            _ => {
                return Err(format!(
                    "{name}: results.json's count {c} and percent {p} disagree"
                ))
            }
        }
    }
    Ok(())
}

/// What a check compared.
#[derive(Debug, Default, PartialEq)]
struct Compared {
    rows: usize,
    values: usize,
    hidden: usize,
}

impl Compared {
    fn add(&mut self, hidden: bool) {
        self.values += 1;
        self.hidden += usize::from(hidden);
    }
}

/// (a) report.md's Likert tables: a row per item and group, in the order of the scales; n, each
/// category's percentage, the share agreeing and the no-answer count exactly as results.json
/// publishes them, the mark exactly where it has null.
fn check_md_likert(md: &str, likert: &Value) -> Result<Compared, String> {
    let cats = categories(likert);
    let m = cats.len();
    let rows = md_rows(md, |h| {
        h.len() == m + 5 && h[2] == "n" && h[3..3 + m] == cats[..]
    });
    let expected: Vec<(&Value, &Value, bool)> = scales(likert)
        .into_iter()
        .flat_map(|(_, items)| items)
        .flat_map(|item| {
            shown_columns(item)
                .into_iter()
                .enumerate()
                .map(move |(k, g)| (item, g, k == 0))
        })
        .collect();
    if rows.len() != expected.len() {
        return Err(format!(
            "report.md has {} Likert rows, results.json {}",
            rows.len(),
            expected.len()
        ));
    }
    let mut done = Compared::default();
    for ((line, cells), (item, g, first)) in rows.iter().zip(&expected) {
        let name = item["item"].as_str().unwrap();
        let group = g["group"].as_str().unwrap_or("everyone");
        let at = |what: String| format!("report.md line {line} ({name}, {group}): {what}");
        check_column(name, g)?;
        if cells.len() != m + 5 {
            return Err(at(format!("{} cells", cells.len())));
        }
        let want = if *first {
            let reverse = if item["reverse"] == true { " ↺" } else { "" };
            format!("{}{reverse}", label(&item["labels"], name))
        } else {
            String::new()
        };
        if unescape_md(&cells[0]) != want {
            return Err(at(format!("label {:?}, expected {want:?}", cells[0])));
        }
        if g["group"].is_string() && cells[1] != group {
            return Err(at(format!("group {:?}", cells[1])));
        }
        let mut values = vec![(&cells[2], &g["size"], 0.0)];
        for i in 0..m {
            values.push((&cells[3 + i], &g["percent"][i], 0.5));
        }
        // The share agreeing is bold, its 95% interval on its second line.
        let top2 = cells[3 + m]
            .split(" · ")
            .next()
            .unwrap_or_default()
            .replace("**", "");
        values.push((&top2, &g["top2"], 0.5));
        values.push((&cells[4 + m], &g["missing"], 0.0));
        for (text, value, tol) in values {
            done.add(same(text, value, tol, MARK).map_err(at)?);
        }
        done.rows += 1;
    }
    Ok(done)
}

/// (a) report.md's comparison table: exactly the tests of results.json, in order (so none of the
/// withheld ones), each group's median, mean and n, U and z as results.json has them.
fn check_md_compare(md: &str, compare: &Value) -> Result<Compared, String> {
    let rows = md_rows(md, |h| h.len() == 9 && h[3..6] == ["U", "z", "p"]);
    let tests = compare["tests"].as_array().unwrap();
    if rows.len() != tests.len() {
        return Err(format!(
            "report.md's comparison has {} rows, results.json {} tests",
            rows.len(),
            tests.len()
        ));
    }
    let mut done = Compared::default();
    for ((line, cells), t) in rows.iter().zip(tests) {
        let name = t["variable"].as_str().unwrap();
        let at = |what: String| format!("report.md line {line} ({name}): {what}");
        let want = format!("{} (", label(&t["labels"], name));
        if !unescape_md(&cells[0]).starts_with(&want) {
            return Err(at(format!(
                "row {:?} is not the test of {want:?}",
                cells[0]
            )));
        }
        for j in 0..2 {
            // "median · mean (n)"
            let cell = &cells[1 + j];
            let parsed = cell
                .split_once(" · ")
                .and_then(|(median, rest)| {
                    let (mean, n) = rest.rsplit_once(" (")?;
                    Some((median, mean, n.strip_suffix(')')?))
                })
                .ok_or_else(|| at(format!("group cell {cell:?}")))?;
            let (median, mean, n) = parsed;
            done.add(same(median, &t["median"][j], 0.05, "–").map_err(at)?);
            done.add(same(mean, &t["mean"][j], 0.005, "–").map_err(at)?);
            done.add(same(n, &t["n"][j], 0.0, "–").map_err(at)?);
        }
        done.add(same(&cells[3], &t["u"], 0.05, "–").map_err(at)?);
        done.add(same(&cells[4], &t["z"], 0.005, "–").map_err(at)?);
        done.rows += 1;
    }
    Ok(done)
}

/// A sheet of tables.xlsx as a grid of cells.
fn sheet(book: &Path, name: &str) -> Vec<Vec<Data>> {
    let mut book: Xlsx<_> = open_workbook(book).unwrap();
    let range = book
        .worksheet_range(name)
        .unwrap_or_else(|e| panic!("tables.xlsx has no sheet {name}: {e}"));
    range.rows().map(<[Data]>::to_vec).collect()
}

/// A workbook cell held against its value in results.json: the same number (the workbook keeps
/// full precision), or, where results.json has null, the mark or nothing. True when hidden.
fn same_cell(cell: &Data, value: &Value) -> Result<bool, String> {
    let number = match cell {
        Data::Float(x) => Some(*x),
        Data::Int(x) => Some(*x as f64),
        Data::Empty => None,
        Data::String(s) if s == MARK => None,
        other => return Err(format!("holds {other:?}")),
    };
    match (number, value.as_f64()) {
        (None, None) => Ok(true),
        (Some(x), Some(v)) if (x - v).abs() <= 1e-9 * v.abs().max(1.0) => Ok(false),
        (Some(x), None) => Err(format!("holds {x} where results.json hides the value")),
        (x, v) => Err(format!("holds {x:?}, results.json {v:?}")),
    }
}

/// The index of each header of a sheet.
fn columns(grid: &[Vec<Data>]) -> Vec<String> {
    grid[0].iter().map(|c| c.to_string()).collect()
}

/// (b) The Likert sheet: a row per item and group (and the total), every cell either text
/// (item, label, group) or exactly the number results.json publishes, hidden ones empty or the
/// mark. A column this check does not know fails it.
fn check_xlsx_likert(grid: &[Vec<Data>], likert: &Value) -> Result<Compared, String> {
    let header = columns(grid);
    let cats = categories(likert);
    let items = likert["items"].as_array().unwrap();
    let mut done = Compared::default();
    let mut seen = Vec::new();
    for (r, row) in grid.iter().enumerate().skip(1) {
        let text = |name: &str| {
            header
                .iter()
                .position(|h| h == name)
                .map(|c| row[c].to_string())
                .unwrap_or_default()
        };
        let (name, group) = (text("item"), text("group"));
        let at =
            |what: String| format!("tables.xlsx likert row {} ({name}, {group}): {what}", r + 1);
        let item = items
            .iter()
            .find(|i| i["item"] == name.as_str())
            .ok_or_else(|| at("an item results.json does not publish".into()))?;
        let g = if group == "total" {
            &item["total"]
        } else {
            item["groups"]
                .as_array()
                .unwrap()
                .iter()
                .find(|g| g["group"] == group.as_str())
                .ok_or_else(|| at("a group results.json does not publish".into()))?
        };
        check_column(&name, g)?;
        for (c, h) in header.iter().enumerate() {
            let cell = row.get(c).unwrap_or(&Data::Empty);
            let value = match h.as_str() {
                "item" | "label" | "group" => continue,
                "size" | "n" | "missing" | "mean" => &g[h.as_str()],
                "agree_percent" => &g["top2"],
                _ => {
                    let (what, cat) = h
                        .split_once(' ')
                        .ok_or_else(|| at(format!("column {h:?}")))?;
                    let i = cats
                        .iter()
                        .position(|x| x == cat)
                        .ok_or_else(|| at(format!("column {h:?}")))?;
                    match what {
                        "count" => &g["counts"][i],
                        "percent" => &g["percent"][i],
                        _ => return Err(at(format!("column {h:?}"))),
                    }
                }
            };
            done.add(same_cell(cell, value).map_err(|e| at(format!("{h} {e}")))?);
        }
        seen.push((name.clone(), group.clone()));
        done.rows += 1;
    }
    let expected: usize = items
        .iter()
        .map(|i| i["groups"].as_array().unwrap().len() + 1)
        .sum();
    seen.sort();
    seen.dedup();
    if seen.len() != expected || done.rows != expected {
        return Err(format!(
            "tables.xlsx likert has {} rows ({} distinct), results.json {expected} columns",
            done.rows,
            seen.len()
        ));
    }
    Ok(done)
}

/// (b) The comparison sheet: a row per test with exactly its numbers, then a row per variable not
/// compared with no number at all; no other row.
fn check_xlsx_compare(grid: &[Vec<Data>], compare: &Value) -> Result<Compared, String> {
    let header = columns(grid);
    let groups: Vec<&str> = compare["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g.as_str().unwrap())
        .collect();
    let tests = compare["tests"].as_array().unwrap();
    let skipped = compare["skipped"].as_array().unwrap();
    let mut done = Compared::default();
    let (mut n_tests, mut n_skipped) = (0, 0);
    for (r, row) in grid.iter().enumerate().skip(1) {
        let name = row[0].to_string();
        let at = |what: String| format!("tables.xlsx comparison row {} ({name}): {what}", r + 1);
        let test = tests.iter().find(|t| t["variable"] == name.as_str());
        if test.is_none() {
            if !skipped.iter().any(|s| s["variable"] == name.as_str()) {
                return Err(at("neither tested nor listed as not compared".into()));
            }
            // Not compared: the reason, and no number.
            for (c, cell) in row.iter().enumerate().skip(3) {
                if !matches!(cell, Data::Empty) {
                    return Err(at(format!("{} holds {cell:?}", header[c])));
                }
            }
            n_skipped += 1;
            done.rows += 1;
            continue;
        }
        let t = test.unwrap();
        for (c, h) in header.iter().enumerate() {
            let cell = row.get(c).unwrap_or(&Data::Empty);
            let per_group = |key: &str| {
                groups
                    .iter()
                    .position(|g| h.strip_prefix(key).and_then(|x| x.strip_prefix(' ')) == Some(*g))
            };
            let value = match h.as_str() {
                "variable" | "label" | "kind" => continue,
                "U" => &t["u"],
                "z" | "p" | "p_exact" | "p_adjusted" | "rank_biserial" => &t[h.as_str()],
                "welch_t" => &t["welch"]["t"],
                "welch_p" => &t["welch"]["p"],
                "cohen_d" => &t["welch"]["cohen_d"],
                _ => match ["n", "mean", "median"]
                    .iter()
                    .find_map(|k| Some((*k, per_group(k)?)))
                {
                    Some((k, j)) => &t[k][j],
                    None => return Err(at(format!("column {h:?}"))),
                },
            };
            done.add(same_cell(cell, value).map_err(|e| at(format!("{h} {e}")))?);
        }
        n_tests += 1;
        done.rows += 1;
    }
    if n_tests != tests.len() || n_skipped != skipped.len() {
        return Err(format!(
            "tables.xlsx comparison: {n_tests} tests and {n_skipped} not compared, results.json {} and {}",
            tests.len(),
            skipped.len()
        ));
    }
    Ok(done)
}

/// The contents of an SVG's `tag` elements (`text`, `title`, `desc`), trimmed, entities undone.
fn svg_elements(svg: &str, tag: &str) -> Vec<String> {
    let (start, end) = (format!("<{tag}"), format!("</{tag}>"));
    let mut out = Vec::new();
    let mut rest = svg;
    while let Some(at) = rest.find(&start) {
        let after = &rest[at..];
        let open = after.find('>').unwrap() + 1;
        let close = after.find(&end).unwrap();
        out.push(
            after[open..close]
                .trim()
                .replace("&apos;", "'")
                .replace("&quot;", "\"")
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&amp;", "&"),
        );
        rest = &after[close..];
    }
    out
}

/// The runs of digits in `text`.
fn digit_runs(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_ascii_digit())
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// (c) A Likert chart: a bar per item and group, labelled "GROUP (n=SIZE)" (the mark for a
/// hidden size) and then, in category order, the percentage of every published category of at
/// least 9 % — exactly those, so no hidden one. Every other number of a text element is one the
/// chart may show whatever the answers (a category's name, an axis tick, a number in a label, the
/// version) or a share agreeing or size that results.json publishes for its items.
fn check_svg_likert(svg: &str, items: &[&Value], version: &str) -> Result<Compared, String> {
    let texts = svg_elements(svg, "text");
    let mut bars: Vec<(String, Vec<String>)> = Vec::new();
    // What the chart says besides its bars: its text elements, and its title and description
    // for screen readers.
    let described = [svg_elements(svg, "title"), svg_elements(svg, "desc")].concat();
    let mut others: Vec<&String> = described.iter().collect();
    let mut open = false;
    for t in &texts {
        if t.ends_with(')') && t.contains(" (n=") {
            bars.push((t.clone(), Vec::new()));
            open = true;
        } else if open && !t.is_empty() && t.chars().all(|c| c.is_ascii_digit()) {
            bars.last_mut().unwrap().1.push(t.clone());
        } else {
            open = false;
            others.push(t);
        }
    }
    let expected: Vec<(&Value, &Value)> = items
        .iter()
        .flat_map(|&i| shown_columns(i).into_iter().map(move |g| (i, g)))
        .collect();
    if bars.len() != expected.len() {
        return Err(format!(
            "{} bars, results.json {} columns",
            bars.len(),
            expected.len()
        ));
    }
    let mut done = Compared::default();
    let mut allowed: Vec<String> = ["0", "50", "100"].map(String::from).into();
    allowed.extend(digit_runs(version));
    for ((bar, numbers), (item, g)) in bars.iter().zip(&expected) {
        let name = item["item"].as_str().unwrap();
        check_column(name, g)?;
        let size = g["size"]
            .as_u64()
            .map_or(MARK.to_string(), |s| s.to_string());
        let want = format!("{} (n={size})", g["group"].as_str().unwrap_or_default());
        if g["group"].is_string() && *bar != want || !bar.ends_with(&format!("(n={size})")) {
            return Err(format!("{name}: bar {bar:?}, expected {want:?}"));
        }
        let mut shown = Vec::new();
        for p in g["percent"].as_array().unwrap() {
            match p.as_f64() {
                Some(p) if p >= 9.0 => shown.push(format!("{p:.0}")),
                Some(_) => {}
                None => done.hidden += 1,
            }
        }
        // A reverse-keyed statement is drawn from its highest answer (favourable on the right).
        if item["reverse"] == true {
            shown.reverse();
        }
        if *numbers != shown {
            return Err(format!(
                "{name}, {bar}: the bar shows {numbers:?}, results.json publishes {shown:?}"
            ));
        }
        done.values += numbers.len();
        done.rows += 1;
        allowed.extend(g["top2"].as_f64().map(|p| format!("{p:.0}")));
        allowed.extend(g["size"].as_u64().map(|s| s.to_string()));
        for c in item["categories"].as_array().unwrap() {
            allowed.extend(digit_runs(c["name"].as_str().unwrap()));
            allowed.extend(digit_runs(label(&c["labels"], "")));
        }
        allowed.extend(digit_runs(label(&item["labels"], name)));
    }
    for t in others {
        if let Some(n) = digit_runs(t).into_iter().find(|n| !allowed.contains(n)) {
            return Err(format!(
                "the text {t:?} shows {n}, which results.json does not publish"
            ));
        }
    }
    Ok(done)
}

/// Replaces the `nth` occurrence of `from` in `text` by `to`.
fn replace_nth(text: &str, from: &str, to: &str, nth: usize) -> String {
    let (at, _) = text.match_indices(from).nth(nth).expect("the occurrence");
    format!("{}{to}{}", &text[..at], &text[at + from.len()..])
}

#[test]
fn report_md_shows_the_likert_tables_and_the_comparison_of_results_json() {
    let (out, results) = example();
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    let likert = analysis_of_kind(results, "likert");
    let compare = analysis_of_kind(results, "compare");

    let done = check_md_likert(&md, likert).unwrap();
    // 27 items in 2 territories; each row is n, 5 percentages, the share agreeing, no answer.
    assert_eq!(done.rows, 54, "{done:?}");
    assert_eq!(done.values, 54 * 8, "{done:?}");
    assert!(done.hidden >= 20, "the example hides cells: {done:?}");

    let done = check_md_compare(&md, compare).unwrap();
    assert_eq!(done.rows, compare["tests"].as_array().unwrap().len());
    assert!(done.rows >= 20 && done.values == done.rows * 8, "{done:?}");
    // Withheld: every item whose Likert column has a hidden cell, and they are not in the table.
    let skipped: Vec<&str> = compare["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["variable"].as_str().unwrap())
        .collect();
    for item in likert["items"].as_array().unwrap() {
        let hidden = item["groups"]
            .as_array()
            .unwrap()
            .iter()
            .any(|g| g["counts"].as_array().unwrap().iter().any(Value::is_null));
        let name = item["item"].as_str().unwrap();
        assert_eq!(hidden, skipped.contains(&name), "{name}");
    }
    assert!(skipped.len() >= 10, "{skipped:?}");

    // The checks bite. A hidden percentage shown ("x" → "4 %"), a hidden no-answer count shown,
    // a withheld comparison added back (a row copied), a published mean changed.
    let row = md
        .lines()
        .find(|l| l.starts_with("| **Ho dovuto lasciare la scuola"))
        .unwrap();
    for doctored_row in [
        replace_nth(row, "| x |", "| 4\u{a0}% |", 0),
        format!("{} 3 |", row.trim_end().strip_suffix(" x |").unwrap()),
    ] {
        let doctored = md.replace(row, &doctored_row);
        let err = check_md_likert(&doctored, likert).unwrap_err();
        assert!(err.contains("where results.json hides"), "{err}");
    }
    let first_test = md.lines().find(|l| l.contains("(dimensione)** |")).unwrap();
    let added = md.replace(first_test, &format!("{first_test}\n{first_test}"));
    assert!(check_md_compare(&added, compare)
        .unwrap_err()
        .contains("rows"));
    let changed = md.replace("3,0 · 3,06 (90)", "3,0 · 3,16 (90)");
    assert_ne!(changed, md);
    assert!(check_md_compare(&changed, compare).is_err());
}

#[test]
fn tables_xlsx_holds_only_what_results_json_publishes() {
    let (out, results) = example();
    let book = out.join("tables.xlsx");
    let likert = analysis_of_kind(results, "likert");
    let compare = analysis_of_kind(results, "compare");

    let grid = sheet(&book, likert["id"].as_str().unwrap());
    let done = check_xlsx_likert(&grid, likert).unwrap();
    // 27 items, each in 2 territories and the total; size, n, missing, 5 counts, 5 percentages,
    // the share agreeing and the mean.
    assert_eq!(done.rows, 81, "{done:?}");
    assert_eq!(done.values, 81 * 15, "{done:?}");
    assert!(done.hidden >= 40, "{done:?}");

    let grid2 = sheet(&book, compare["id"].as_str().unwrap());
    let done = check_xlsx_compare(&grid2, compare).unwrap();
    let (tests, skipped) = (
        compare["tests"].as_array().unwrap().len(),
        compare["skipped"].as_array().unwrap().len(),
    );
    assert_eq!(done.rows, tests + skipped, "{done:?}");
    assert_eq!(done.values, tests * 15, "{done:?}");

    // The checks bite: a hidden cell given its number, a withheld comparison given a mean.
    let (r, c) = grid
        .iter()
        .enumerate()
        .find_map(|(r, row)| {
            row.iter()
                .position(|c| matches!(c, Data::String(s) if s == MARK))
                .map(|c| (r, c))
        })
        .expect("a hidden cell in the Likert sheet");
    let mut doctored = grid.clone();
    doctored[r][c] = Data::Float(4.0);
    let err = check_xlsx_likert(&doctored, likert).unwrap_err();
    assert!(err.contains("where results.json hides"), "{err}");
    let r = grid2
        .iter()
        .position(|row| row[2].to_string().starts_with("not compared"))
        .expect("a row not compared");
    let mut doctored = grid2.clone();
    doctored[r][5] = Data::Float(3.1);
    assert!(check_xlsx_compare(&doctored, compare).is_err());
}

#[test]
fn the_likert_charts_show_no_number_results_json_hides() {
    let (out, results) = example();
    let likert = analysis_of_kind(results, "likert");
    let version = results["capakit_version"].as_str().unwrap();
    let id = likert["id"].as_str().unwrap();
    let mut total = Compared::default();
    let mut relazioni = String::new();
    let mut casa = String::new();
    for (scale, items) in scales(likert) {
        let file = out.join(format!("charts/{id}-{scale}.svg"));
        let svg =
            std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        let done = check_svg_likert(&svg, &items, version)
            .unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        assert_eq!(done.rows, items.len() * 2, "{scale}");
        total.rows += done.rows;
        total.values += done.values;
        total.hidden += done.hidden;
        if scale == "casa" {
            casa = svg.clone();
        }
        if scale == "relazioni" {
            relazioni = svg;
        }
    }
    assert_eq!(total.rows, 54, "{total:?}");
    assert!(total.values >= 150 && total.hidden >= 20, "{total:?}");

    // The check bites. rel_1 hides Prato's answer 1: a label for it before the others, or the
    // title giving a share agreeing that is not published.
    let (_, items) = scales(likert)
        .into_iter()
        .find(|(s, _)| s == "relazioni")
        .unwrap();
    assert!(items[0]["groups"][0]["percent"][0].is_null());
    let bar = ">\nPrato (n=90)\n</text>";
    let leaked = replace_nth(
        &relazioni,
        bar,
        &format!("{bar}\n<text x=\"1\">7</text>"),
        0,
    );
    let err = check_svg_likert(&leaked, &items, version).unwrap_err();
    assert!(err.contains("results.json publishes"), "{err}");
    // (The title names a gap only where it survives the correction: housing's.)
    let (_, items) = scales(likert)
        .into_iter()
        .find(|(s, _)| s == "casa")
        .unwrap();
    let title = casa.replace("Firenze 16", "Firenze 93");
    assert_ne!(title, casa);
    let err = check_svg_likert(&title, &items, version).unwrap_err();
    assert!(err.contains("93"), "{err}");
}

#[test]
fn the_helpers_read_cells_as_the_report_prints_them() {
    assert_eq!(it_number("4.366,0"), Some(4366.0));
    assert_eq!(it_number("−1,23"), Some(-1.23));
    assert_eq!(it_number("**27\u{a0}%**"), Some(27.0));
    assert_eq!(it_number(MARK), None);
    assert_eq!(it_number("–"), None);
    assert_eq!(
        md_cells("| a \\| b | 9\u{a0}% | x |"),
        ["a \\| b", "9\u{a0}%", "x"]
    );
    assert_eq!(unescape_md("edu\\_3 &gt; 2"), "edu_3 > 2");
    // A hidden value is the mark, never a number; a shown one is the value as rounded.
    assert!(same("x", &Value::Null, 0.5, MARK).unwrap());
    assert!(same("4\u{a0}%", &Value::Null, 0.5, MARK).is_err());
    assert!(!same("9\u{a0}%", &serde_json::json!(8.9), 0.5, MARK).unwrap());
    assert!(same("10\u{a0}%", &serde_json::json!(8.9), 0.5, MARK).is_err());
    assert!(same_cell(&Data::Float(4.0), &Value::Null).is_err());
    assert!(same_cell(&Data::String(MARK.into()), &Value::Null).unwrap());
}
