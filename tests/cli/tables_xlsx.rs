//! tables.xlsx as an analyst opens it: every table of report.html is a sheet (listed, with the
//! report's caption, on a first contents sheet that links to it), with results.json's numbers in
//! number formats that match the report, frozen header rows, a filter on each table, columns
//! fitted to their content, and a hidden cell hidden in the workbook too.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use calamine::{open_workbook, Data, Range, Reader, Xlsx};
use serde_json::Value;

use crate::common::{analysis_of_kind, repo, run_study};

const MARK: &str = "x";

/// A run of `example` (public, or `--internal`), once per test binary.
fn example(name: &str, internal: bool) -> &'static (PathBuf, Value) {
    type Runs = BTreeMap<(String, bool), &'static (PathBuf, Value)>;
    static RUNS: OnceLock<std::sync::Mutex<Runs>> = OnceLock::new();
    let runs = RUNS.get_or_init(Default::default);
    let mut runs = runs.lock().unwrap_or_else(|e| e.into_inner());
    runs.entry((name.to_string(), internal)).or_insert_with(|| {
        let out = Path::new(env!("CARGO_TARGET_TMPDIR"))
            .join("tables-xlsx")
            .join(format!("{name}{}", if internal { "-internal" } else { "" }));
        let _ = std::fs::remove_dir_all(&out);
        let results = run_study(&repo().join("examples").join(name), &out, internal);
        Box::leak(Box::new((out, results)))
    })
}

/// The report and workbook of CarINg in English.
fn in_english() -> PathBuf {
    let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join("tables-xlsx/caring-en");
    let _ = std::fs::remove_dir_all(&out);
    crate::common::run_in(&repo().join("examples/caring-prato-firenze"), &out, "en");
    out
}

/// The workbook of a run.
fn book_of(out: &Path, internal: bool) -> PathBuf {
    out.join(if internal {
        "INTERNAL-tables-unsuppressed.xlsx"
    } else {
        "tables.xlsx"
    })
}

/// The report of a run.
fn report_of(out: &Path, internal: bool) -> String {
    let file = if internal {
        "INTERNAL-report-unsuppressed.html"
    } else {
        "report.html"
    };
    std::fs::read_to_string(out.join(file)).unwrap()
}

/// The text of every `<caption>` of an HTML report, as a reader sees it (tags dropped, entities
/// read, spaces collapsed).
fn captions(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(at) = rest.find("<caption") {
        let open = at + rest[at..].find('>').unwrap() + 1;
        let close = open + rest[open..].find("</caption>").unwrap();
        out.push(plain(&rest[open..close]));
        rest = &rest[close..];
    }
    out
}

/// HTML text without its tags and entities, spaces collapsed.
fn plain(html: &str) -> String {
    let mut text = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    let text = text
        .replace("&nbsp;", "\u{a0}")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#34;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&#x2f;", "/")
        .replace("&amp;", "&");
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The contents sheet (the first): its (sheet, title) rows, under the header row.
fn contents(range: &Range<Data>) -> Vec<(String, String)> {
    let rows: Vec<&[Data]> = range.rows().collect();
    let head = rows
        .iter()
        .position(|r| r.len() > 1 && !r[1].to_string().is_empty())
        .expect("a header row (sheet, table) on the contents sheet");
    rows[head + 1..]
        .iter()
        .map(|r| {
            let title = r[1].to_string();
            (
                r[0].to_string(),
                title.split_whitespace().collect::<Vec<_>>().join(" "),
            )
        })
        .collect()
}

/// One part of the workbook's zip archive, as text.
fn part(book: &Path, name: &str) -> String {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(book).unwrap()).unwrap();
    let mut text = String::new();
    std::io::Read::read_to_string(&mut zip.by_name(name).unwrap(), &mut text).unwrap();
    text
}

/// Checks that every caption of the report names a row of the contents, that every row's sheet
/// exists and every sheet (but the contents) is listed, and that the contents sheet's links go
/// to every listed sheet.
fn check_contents(
    report_captions: &[String],
    sheets: &[String],
    listed: &[(String, String)],
    links: &[String],
) -> Result<usize, String> {
    for c in report_captions {
        if !listed.iter().any(|(_, title)| title == c) {
            return Err(format!("the report's table «{c}» is not in the contents"));
        }
    }
    for (sheet, title) in listed {
        if !sheets.contains(sheet) {
            return Err(format!(
                "the contents list «{title}» in a sheet {sheet} that is not there"
            ));
        }
    }
    for s in &sheets[1..] {
        if !listed.iter().any(|(sheet, _)| sheet == s) {
            return Err(format!("the sheet {s} is not in the contents"));
        }
    }
    if links.len() != listed.len() {
        return Err(format!(
            "{} links for {} rows of the contents",
            links.len(),
            listed.len()
        ));
    }
    for ((sheet, _), link) in listed.iter().zip(links) {
        let to = format!("'{}'!A1", sheet.replace('\'', "''"));
        if *link != to {
            return Err(format!("the row of {sheet} links to {link}"));
        }
    }
    Ok(report_captions.len())
}

/// The `location`s of the hyperlinks of a worksheet's XML, in order.
fn links(xml: &str) -> Vec<String> {
    xml.split("<hyperlink ")
        .skip(1)
        .filter_map(|h| {
            let at = h.find("location=\"")? + "location=\"".len();
            let end = at + h[at..].find('"')?;
            Some(h[at..end].replace("&apos;", "'").replace("&amp;", "&"))
        })
        .collect()
}

#[test]
fn every_table_of_the_report_is_a_sheet_listed_and_linked_on_the_contents_sheet() {
    let mut total = 0;
    for name in [
        "caring-prato-firenze",
        "integra-mentoring",
        "care-leavers-monitoring",
        "core-network",
    ] {
        let (out, _) = example(name, false);
        let html = report_of(out, false);
        let report_captions = captions(&html);
        let tables = html.matches("<table").count();
        let path = book_of(out, false);
        let mut book: Xlsx<_> = open_workbook(&path).unwrap();
        let sheets = book.sheet_names();
        assert_eq!(
            sheets[0], "Indice",
            "{name}: the contents come first, in Italian"
        );
        let listed = contents(&book.worksheet_range(&sheets[0]).unwrap());
        let first = part(&path, "xl/worksheets/sheet1.xml");
        let done = check_contents(&report_captions, &sheets, &listed, &links(&first))
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        // The report's tables without a caption (the provenance, the folded lists of the focus
        // groups) have their sheet too, listed by a title.
        let distinct: std::collections::BTreeSet<&String> = report_captions.iter().collect();
        let uncaptioned = tables - report_captions.len();
        assert!(
            listed.len() >= distinct.len() + uncaptioned,
            "{name}: {} rows for {} tables with a caption and {uncaptioned} without",
            listed.len(),
            distinct.len()
        );
        total += done;
        // The contents carry the run's note on hidden cells.
        let note = book.worksheet_range(&sheets[0]).unwrap();
        assert!(
            note.rows()
                .any(|r| r[0].to_string().starts_with("x = dato non pubblicato")),
            "{name}: no note on the mark"
        );

        // The checks bite: a caption missing, a sheet not listed, a link gone astray.
        let mut less = listed.clone();
        let gone = less
            .iter()
            .position(|(_, t)| report_captions.contains(t))
            .unwrap();
        let title = less.remove(gone).1;
        if !less.iter().any(|(_, t)| *t == title) {
            let err = check_contents(&report_captions, &sheets, &less, &links(&first)).unwrap_err();
            assert!(
                err.contains("is not in the contents") || err.contains("links"),
                "{err}"
            );
        }
        let mut more = sheets.clone();
        more.push("unlisted".into());
        assert!(check_contents(&report_captions, &more, &listed, &links(&first)).is_err());
        let mut astray = links(&first);
        astray.swap(0, 1);
        if listed[0].0 != listed[1].0 {
            assert!(check_contents(&report_captions, &sheets, &listed, &astray).is_err());
        }
    }
    // Every caption of the four reports (38 in CarINg alone).
    assert!(total >= 120, "{total}");

    // In English: the contents sheet's name and every title in the report's language.
    let out = in_english();
    let path = out.join("tables.xlsx");
    let mut book: Xlsx<_> = open_workbook(&path).unwrap();
    let sheets = book.sheet_names();
    assert_eq!(sheets[0], "Contents");
    let listed = contents(&book.worksheet_range(&sheets[0]).unwrap());
    let report_captions = captions(&std::fs::read_to_string(out.join("report.html")).unwrap());
    assert!(report_captions
        .iter()
        .any(|c| c.starts_with("By Gender: decomposition of M0")));
    let first = part(&path, "xl/worksheets/sheet1.xml");
    check_contents(&report_captions, &sheets, &listed, &links(&first)).unwrap();
}

/// The number format of each style index of a workbook (`cellXfs` → `numFmtId` → code).
fn number_formats(styles: &str) -> Vec<String> {
    let attr = |tag: &str, name: &str| -> Option<String> {
        let at = tag.find(&format!("{name}=\""))? + name.len() + 2;
        Some(tag[at..at + tag[at..].find('"')?].to_string())
    };
    let mut codes: BTreeMap<String, String> = [
        ("0", "General"),
        ("1", "0"),
        ("2", "0.00"),
        ("9", "0%"),
        ("10", "0.00%"),
    ]
    .map(|(a, b)| (a.to_string(), b.to_string()))
    .into();
    for f in styles.split("<numFmt ").skip(1) {
        codes.insert(attr(f, "numFmtId").unwrap(), attr(f, "formatCode").unwrap());
    }
    let xfs = &styles[styles.find("<cellXfs").unwrap()..styles.find("</cellXfs>").unwrap()];
    xfs.split("<xf ")
        .skip(1)
        .map(|x| codes[&attr(x, "numFmtId").unwrap()].clone())
        .collect()
}

/// For one sheet's XML: the style index of the first number below its header, by column letter.
fn column_styles(xml: &str) -> BTreeMap<String, usize> {
    let mut out = BTreeMap::new();
    for c in xml.split("<c r=\"").skip(1) {
        let cell: String = c.chars().take_while(|c| *c != '"').collect();
        let col: String = cell.chars().take_while(char::is_ascii_alphabetic).collect();
        let row: u32 = cell[col.len()..].parse().unwrap();
        let head = &c[..c.find('>').unwrap()];
        if row < 2 || head.contains("t=\"") {
            continue;
        }
        let s = head
            .find("s=\"")
            .map(|at| {
                head[at + 3..]
                    .chars()
                    .take_while(char::is_ascii_digit)
                    .collect::<String>()
            })
            .map_or(0, |s| s.parse().unwrap());
        out.entry(col).or_insert(s);
    }
    out
}

/// The column letter of a 0-based index.
fn letter(mut j: usize) -> String {
    let mut s = String::new();
    loop {
        s.insert(0, (b'A' + (j % 26) as u8) as char);
        if j < 26 {
            return s;
        }
        j = j / 26 - 1;
    }
}

/// A cell against results.json's value: the same number, or the mark (or nothing) where
/// results.json publishes none.
fn same(cell: &Data, v: &Value, at: &str) -> Result<(), String> {
    match (v.as_f64(), cell) {
        // serde_json reads a float to within an ulp (without its float_roundtrip feature).
        (Some(x), Data::Float(y)) if (x - y).abs() <= 1e-14 * x.abs().max(1.0) => Ok(()),
        (Some(x), Data::Int(y)) if x == *y as f64 => Ok(()),
        (None, Data::String(m)) if m == MARK => Ok(()),
        (None, Data::Empty) => Ok(()),
        (a, b) => Err(format!("{at}: results.json has {a:?}, the workbook {b:?}")),
    }
}

/// A sheet's rows under its header, and the index of each header.
fn grid(
    book: &mut Xlsx<std::io::BufReader<std::fs::File>>,
    sheet: &str,
) -> (Vec<Vec<Data>>, BTreeMap<String, usize>) {
    let range = book
        .worksheet_range(sheet)
        .unwrap_or_else(|e| panic!("{sheet}: {e}"));
    let mut rows = range.rows().map(<[Data]>::to_vec);
    let header = rows
        .next()
        .unwrap()
        .iter()
        .enumerate()
        .map(|(j, h)| (h.to_string(), j))
        .collect();
    (rows.collect(), header)
}

/// The tables the report added to the capability and focus-group chapters: the breakdowns by
/// care setting, gender and migrant background, the distribution of scores, the participatory
/// weights, M0 with equal weights and the coders' agreement, each cell results.json's.
fn check_added_tables(
    book: &mut Xlsx<std::io::BufReader<std::fs::File>>,
    results: &Value,
) -> Result<usize, String> {
    let cap = analysis_of_kind(results, "capability");
    let id = cap["id"].as_str().unwrap();
    let names = book.sheet_names();
    let mut checked = 0;
    for b in cap["breakdowns"].as_array().unwrap() {
        let by = b["by"].as_str().unwrap();
        let want: String = format!("{id} by {by}").chars().take(31).collect();
        let sheet = names
            .iter()
            .find(|s| **s == want)
            .ok_or(format!("no sheet for the breakdown by {by}"))?;
        let (rows, h) = grid(book, sheet);
        let groups = b["groups"].as_array().unwrap();
        if rows.len() != groups.len() {
            return Err(format!(
                "{sheet}: {} rows for {} groups",
                rows.len(),
                groups.len()
            ));
        }
        for (row, g) in rows.iter().zip(groups) {
            let group = g["group"].as_str().unwrap();
            if row[h["group"]] != group {
                return Err(format!("{sheet}: row {:?} for {group}", row[0]));
            }
            for (col, key) in [
                ("n", "n"),
                ("H", "H"),
                ("A", "A"),
                ("M0", "M0"),
                ("contribution", "contribution"),
            ] {
                let v = if g["M0"].is_null() {
                    &Value::Null
                } else {
                    &g[key]
                };
                same(&row[h[col]], v, &format!("{sheet} {group} {col}"))?;
                checked += 1;
            }
        }
    }
    let d = &cap["distribution"];
    let (rows, h) = grid(book, &format!("{id} distribution"));
    let groups = cap["groups"].as_array().unwrap();
    for (i, row) in rows.iter().enumerate() {
        for (g, name) in groups.iter().enumerate() {
            let col = h[&format!("n {}", name.as_str().unwrap())];
            same(
                &row[col],
                &d["groups"][g][i],
                &format!("distribution {i} {name}"),
            )?;
        }
        same(
            &row[h["n total"]],
            &d["overall"][i],
            &format!("distribution {i}"),
        )?;
        checked += groups.len() + 1;
    }
    if rows.len() != d["bins"].as_array().unwrap().len() {
        return Err("the distribution has not one row per bin".into());
    }
    let (rows, h) = grid(book, &format!("{id} weights"));
    for (row, dim) in rows.iter().zip(cap["dimensions"].as_array().unwrap()) {
        same(&row[h["weight"]], &dim["weight"], "weight")?;
        same(
            &row[h["importance_mean"]],
            &dim["importance"]["mean"],
            "importance",
        )?;
        checked += 2;
    }
    let eq = &cap["equal_weights"];
    let (rows, h) = grid(book, &format!("{id} equal weights"));
    let mut all: Vec<&Value> = eq["groups"].as_array().unwrap().iter().collect();
    all.push(&eq["overall"]);
    if rows.len() != all.len() {
        return Err("equal weights: not one row per group and the total".into());
    }
    for (row, g) in rows.iter().zip(all) {
        same(&row[h["M0_equal"]], &g["M0"], "M0 with equal weights")?;
        checked += 1;
    }
    let codes = analysis_of_kind(results, "codes");
    let (rows, h) = grid(
        book,
        &format!("{} agreement", codes["id"].as_str().unwrap()),
    );
    let ag = &codes["agreement"];
    same(
        &rows[0][h["cohen_kappa"]],
        &ag["overall"]["cohen_kappa"],
        "κ",
    )?;
    for (row, c) in rows[1..].iter().zip(ag["codes"].as_array().unwrap()) {
        if row[0] != c["code"].as_str().unwrap() {
            return Err(format!("agreement: {:?} for {}", row[0], c["code"]));
        }
        same(&row[h["cohen_kappa"]], &c["cohen_kappa"], "κ")?;
        same(&row[h["krippendorff_alpha"]], &c["krippendorff_alpha"], "α")?;
        same(&row[h["units_with_code"]], &c["units_with_code"], "units")?;
        checked += 3;
    }
    Ok(checked)
}

#[test]
fn the_added_tables_hold_results_json_s_numbers_in_the_report_s_formats() {
    let (out, results) = example("caring-prato-firenze", false);
    let path = book_of(out, false);
    let mut book: Xlsx<_> = open_workbook(&path).unwrap();
    let checked = check_added_tables(&mut book, results).unwrap();
    assert!(checked >= 140, "{checked}");

    // Number formats: a sheet's columns by their header, as the report shows them.
    let formats = number_formats(&part(&path, "xl/styles.xml"));
    let sheets = book.sheet_names();
    let expect: [(&str, &[(&str, &str)]); 7] = [
        ("scales alpha", &[("alpha", "0.00"), ("n_complete", "0")]),
        (
            "capability",
            &[
                ("n", "0"),
                ("H", "0.0%"),
                ("A", "0.0%"),
                ("M0", "0.000"),
                ("k", "0.0%"),
            ],
        ),
        (
            "capability indicators",
            &[("censored_percent", "0.0"), ("uncensored_percent", "0.0")],
        ),
        (
            "likert",
            &[
                ("n", "0"),
                ("percent 1", "0.0"),
                ("agree_percent", "0.0"),
                ("mean", "0.00"),
            ],
        ),
        (
            "territories",
            &[
                ("p_adjusted", "0.000"),
                ("mean Prato", "0.00"),
                ("rank_biserial", "0.00"),
                ("n Prato", "0"),
            ],
        ),
        (
            "capability weights",
            &[("weight", "0.0%"), ("importance_mean", "0.00")],
        ),
        (
            "focus-groups agreement",
            &[("cohen_kappa", "0.00"), ("units_with_code", "0")],
        ),
    ];
    for (sheet, columns) in expect {
        let i = sheets.iter().position(|s| s == sheet).unwrap();
        let xml = part(&path, &format!("xl/worksheets/sheet{}.xml", i + 1));
        let styles = column_styles(&xml);
        let (_, h) = grid(&mut book, sheet);
        for (col, code) in columns {
            let at = letter(h[*col]);
            let s = styles
                .get(&at)
                .unwrap_or_else(|| panic!("{sheet} {col}: no number"));
            assert_eq!(formats[*s], *code, "{sheet} {col}");
        }
    }

    // Every table sheet: its header row frozen, a filter over the table, widths set.
    for (i, sheet) in sheets.iter().enumerate() {
        let xml = part(&path, &format!("xl/worksheets/sheet{}.xml", i + 1));
        assert!(xml.contains("state=\"frozen\""), "{sheet}: no frozen pane");
        assert!(xml.contains("<autoFilter ref=\"A"), "{sheet}: no filter");
        assert!(
            xml.contains("<col ") && xml.contains("width=\""),
            "{sheet}: no column widths"
        );
        if i > 0 {
            assert!(
                xml.contains("<pane ySplit=\"1\""),
                "{sheet}: the header is not frozen"
            );
        }
    }
    // Reruns give the same bytes.
    let again = Path::new(env!("CARGO_TARGET_TMPDIR")).join("tables-xlsx/caring-again");
    let _ = std::fs::remove_dir_all(&again);
    run_study(&repo().join("examples/caring-prato-firenze"), &again, false);
    assert!(
        std::fs::read(&path).unwrap() == std::fs::read(again.join("tables.xlsx")).unwrap(),
        "tables.xlsx differs between two runs"
    );

    // The check bites: a hidden cell given its number, a number changed.
    let cap = analysis_of_kind(results, "capability");
    let mut doctored = results.clone();
    let idx = results["analyses"]
        .as_array()
        .unwrap()
        .iter()
        .position(|a| a["id"] == cap["id"])
        .unwrap();
    doctored["analyses"][idx]["distribution"]["overall"][0] = Value::from(3);
    let err = check_added_tables(&mut book, &doctored).unwrap_err();
    assert!(err.contains("distribution 0"), "{err}");
    let mut doctored = results.clone();
    doctored["analyses"][idx]["dimensions"][0]["weight"] = Value::from(0.5);
    assert!(check_added_tables(&mut book, &doctored).is_err());
}

/// Every cell of the public workbook's table sheets against the internal one's: the same, or
/// the mark where the internal run shows the number. Returns how many cells are hidden.
fn check_hidden(
    public: &BTreeMap<String, Vec<Vec<Data>>>,
    internal: &BTreeMap<String, Vec<Vec<Data>>>,
    headers: &BTreeMap<String, Vec<String>>,
) -> Result<usize, String> {
    let mut hidden = 0;
    for (sheet, rows) in public {
        // An adjusted p-value depends on its family, which is larger in the internal run (it
        // tests what the public run withholds).
        let family = |j: usize| {
            headers[sheet]
                .get(j)
                .is_some_and(|h| h.starts_with("p_adj"))
        };
        let Some(other) = internal.get(sheet) else {
            return Err(format!("the internal workbook has no sheet {sheet}"));
        };
        // A sheet whose rows differ (comparisons only the internal run can make) is compared
        // row by row on the rows both have, matched by their first cells.
        // A histogram's bin is its range: the public run merges bins with few answers, so a
        // bin's upper edge is part of what matches it.
        let bin_to = headers[sheet].iter().position(|h| h == "bin_to");
        let key_of = |row: &[Data]| -> Vec<String> {
            let mut key: Vec<String> = row.iter().take(4).map(|c| c.to_string()).collect();
            if let Some(j) = bin_to {
                key.push(row.get(j).map(|c| c.to_string()).unwrap_or_default());
            }
            key
        };
        for (r, row) in rows.iter().enumerate() {
            let key = key_of(row);
            let twin = other
                .get(r)
                .filter(|o| key_of(o) == key || key.iter().any(|k| k == MARK));
            let Some(twin) = twin else { continue };
            for (j, c) in row.iter().enumerate() {
                let o = twin.get(j).unwrap_or(&Data::Empty);
                match (c, o) {
                    (Data::String(m), Data::Float(_) | Data::Int(_)) if m == MARK => hidden += 1,
                    (a, b) if a == b => {}
                    (Data::Float(_), Data::Float(_)) if family(j) => {}
                    (Data::Float(a), Data::Float(b)) if (a - b).abs() < 1e-12 => {}
                    (a, b) => {
                        return Err(format!(
                            "{sheet} row {} column {}: public {a:?}, internal {b:?}",
                            r + 2,
                            j + 1
                        ))
                    }
                }
            }
        }
    }
    Ok(hidden)
}

/// Every table sheet of a workbook (the contents and the data dictionary left out).
fn sheets_of(path: &Path) -> BTreeMap<String, Vec<Vec<Data>>> {
    let mut book: Xlsx<_> = open_workbook(path).unwrap();
    let names = book.sheet_names();
    names[1..]
        .iter()
        .filter(|s| s.as_str() != "dictionary" && s.as_str() != "provenance")
        .map(|s| {
            let range = book.worksheet_range(s).unwrap();
            (s.clone(), range.rows().map(<[Data]>::to_vec).collect())
        })
        .collect()
}

/// The columns of each table sheet shown as counts (number format `0`), by index.
fn count_columns(path: &Path) -> BTreeMap<String, Vec<usize>> {
    let formats = number_formats(&part(path, "xl/styles.xml"));
    let mut book: Xlsx<_> = open_workbook(path).unwrap();
    let names = book.sheet_names();
    let mut out = BTreeMap::new();
    for (i, sheet) in names.iter().enumerate().skip(1) {
        let styles = column_styles(&part(path, &format!("xl/worksheets/sheet{}.xml", i + 1)));
        let (_, h) = grid(&mut book, sheet);
        let cols = h
            .values()
            .filter(|j| styles.get(&letter(**j)).is_some_and(|s| formats[*s] == "0"))
            .copied()
            .collect();
        out.insert(sheet.clone(), cols);
    }
    out
}

/// No count of people from 1 to `k` − 1 in a table sheet (the disclosure rule). Left out: the
/// focus groups' sheets (`codes`: they count coded text units, not people), ranks, row
/// numbers and non-response counts (published as the study's non-response rule says).
fn check_small_counts(
    sheets: &BTreeMap<String, Vec<Vec<Data>>>,
    counts: &BTreeMap<String, Vec<usize>>,
    headers: &BTreeMap<String, Vec<String>>,
    codes: &str,
    k: f64,
) -> Result<usize, String> {
    let mut checked = 0;
    for (sheet, rows) in sheets {
        if sheet.starts_with(codes) {
            continue;
        }
        for &j in &counts[sheet] {
            let h = &headers[sheet][j];
            if h.starts_with("rank") || h.ends_with("row") || h == "missing" {
                continue;
            }
            for (r, row) in rows.iter().enumerate() {
                if let Some(Data::Float(x)) = row.get(j) {
                    if *x >= 1.0 && *x < k {
                        return Err(format!("{sheet} row {} {h}: {x} people", r + 2));
                    }
                    checked += 1;
                }
            }
        }
    }
    Ok(checked)
}

/// The header of every sheet.
fn headers_of(path: &Path) -> BTreeMap<String, Vec<String>> {
    let mut book: Xlsx<_> = open_workbook(path).unwrap();
    let names = book.sheet_names();
    names[1..]
        .iter()
        .map(|s| {
            let range = book.worksheet_range(s).unwrap();
            let h = range
                .rows()
                .next()
                .map(|r| r.iter().map(|c| c.to_string()).collect())
                .unwrap_or_default();
            (s.clone(), h)
        })
        .collect()
}

#[test]
fn a_cell_the_report_hides_is_hidden_in_the_workbook_and_no_small_count_is_shown() {
    let (public_out, results) = example("caring-prato-firenze", false);
    let (internal_out, _) = example("caring-prato-firenze", true);
    let (public_book, internal_book) = (book_of(public_out, false), book_of(internal_out, true));
    let public = sheets_of(&public_book);
    let internal = sheets_of(&internal_book);
    let headers = headers_of(&public_book);
    let hidden = check_hidden(&public, &internal, &headers).unwrap();
    assert!(hidden >= 100, "{hidden}");
    // The added sheets hide what the report hides: the breakdown by gender's small groups and
    // the distribution's rare scores.
    for sheet in ["capability by gender", "capability distribution"] {
        let marks = public[sheet]
            .iter()
            .flatten()
            .filter(|c| matches!(c, Data::String(m) if m == MARK))
            .count();
        assert!(marks >= 5, "{sheet}: {marks}");
    }
    let k = results["min_cell"].as_f64().unwrap();
    let codes = analysis_of_kind(results, "codes")["id"].as_str().unwrap();
    let (counts, headers) = (count_columns(&public_book), headers_of(&public_book));
    let checked = check_small_counts(&public, &counts, &headers, codes, k).unwrap();
    assert!(checked >= 500, "{checked}");

    // The checks bite: the internal workbook shows small counts; a mark given another number.
    let (counts, headers) = (count_columns(&internal_book), headers_of(&internal_book));
    let err = check_small_counts(&internal, &counts, &headers, codes, k).unwrap_err();
    assert!(err.contains("people"), "{err}");
    let (sheet, r, j) = public
        .iter()
        .find_map(|(s, rows)| {
            rows.iter().enumerate().find_map(|(r, row)| {
                let j = row
                    .iter()
                    .position(|c| matches!(c, Data::String(m) if m == MARK))?;
                matches!(internal[s].get(r)?.get(j)?, Data::Float(_)).then(|| (s.clone(), r, j))
            })
        })
        .unwrap();
    let mut wrong = public.clone();
    wrong.get_mut(&sheet).unwrap()[r][j] = Data::Float(-1.0);
    assert!(check_hidden(&wrong, &internal, &headers).is_err());
}
