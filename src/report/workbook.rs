//! tables.xlsx: every table of results.json as a sheet, for analysts who go on in Excel, R or
//! SPSS, and a data dictionary built from the questionnaire (variable and value labels, which
//! KoboToolbox exports do not carry). Values are as published: a hidden value is the marked
//! symbol, never the number; numbers are typed numbers; text that starts like a formula is made
//! inert. The file is byte-identical across runs (fixed document dates).

use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook, XlsxError};
use serde_json::Value;

use crate::analysis::{AnalysisResult, Results};
use crate::instrument::{label_in, Instrument};

use super::cells::neutralise;
use super::templates::Strings;

/// One cell of a table.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Number(f64),
    /// Not published (disclosure control).
    Hidden,
    Empty,
}

/// One table: a sheet of the workbook.
#[derive(Debug, Clone)]
pub struct Table {
    pub name: String,
    pub header: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

impl Table {
    fn new(name: impl Into<String>, header: &[&str]) -> Table {
        Table {
            name: name.into(),
            header: header.iter().map(|h| h.to_string()).collect(),
            rows: Vec::new(),
        }
    }
}

fn text(v: &Value) -> Cell {
    match v {
        Value::String(s) => Cell::Text(s.clone()),
        Value::Null => Cell::Empty,
        other => Cell::Text(other.to_string()),
    }
}

/// A published number: null is hidden when `hidden_when_null`, else empty.
fn num(v: &Value, hidden_when_null: bool) -> Cell {
    match v.as_f64() {
        Some(x) if x.is_finite() => Cell::Number(x),
        _ if v.is_null() && hidden_when_null => Cell::Hidden,
        _ => Cell::Empty,
    }
}

/// A label in `lang` as the instrument picks one ([`label_in`]), else `fallback` (a name).
fn label(labels: &Value, lang: &str, fallback: &Value) -> Cell {
    let map: crate::instrument::Labels = serde_json::from_value(labels.clone()).unwrap_or_default();
    match label_in(&map, lang, "en", fallback.as_str().unwrap_or("")) {
        "" => Cell::Empty,
        s => Cell::Text(s.to_string()),
    }
}

fn arr(v: &Value) -> &[Value] {
    v.as_array().map_or(&[], Vec::as_slice)
}

/// The tables of results.json, in the order of the report.
pub fn tables(results: &Results, lang: &str) -> Vec<Table> {
    let r = serde_json::to_value(results).unwrap_or(Value::Null);
    let mut out = Vec::new();
    for s in arr(&r["sources"]) {
        let mut t = Table::new(
            format!("{} respondents", s["name"].as_str().unwrap_or("")),
            &["territory", "n"],
        );
        for g in arr(&s["territories"]) {
            t.rows.push(vec![text(&g["group"]), num(&g["n"], true)]);
        }
        t.rows
            .push(vec![Cell::Text("total".into()), num(&s["n"], true)]);
        out.push(t);
    }
    // Every kind has its sheets: the match is on the typed result, so a new kind without them
    // does not compile. (The cells are still read from the serialised result.)
    for (entry, a) in results.analyses.iter().zip(arr(&r["analyses"])) {
        let id = a["id"].as_str().unwrap_or("");
        match &entry.result {
            AnalysisResult::Scales(_) => {
                let mut t = Table::new(
                    id,
                    &[
                        "scale",
                        "label",
                        "group",
                        "n",
                        "mean",
                        "sd",
                        "median",
                        "ci95_low",
                        "ci95_high",
                    ],
                );
                let mut alpha = Table::new(
                    format!("{id} alpha"),
                    &[
                        "scale",
                        "label",
                        "n_complete",
                        "alpha",
                        "alpha_std",
                        "ci95_low",
                        "ci95_high",
                    ],
                );
                for s in arr(&a["scales"]) {
                    let rows = arr(&s["groups"]).iter().chain([&s["total"]]);
                    for g in rows {
                        let group = if g["group"].is_null() {
                            Cell::Text("total".into())
                        } else {
                            text(&g["group"])
                        };
                        t.rows.push(vec![
                            text(&s["scale"]),
                            label(&s["labels"], lang, &s["scale"]),
                            group,
                            num(&g["n"], true),
                            num(&g["mean"], true),
                            num(&g["sd"], true),
                            num(&g["median"], true),
                            num(&g["ci95"][0], true),
                            num(&g["ci95"][1], true),
                        ]);
                    }
                    let al = &s["alpha"];
                    alpha.rows.push(vec![
                        text(&s["scale"]),
                        label(&s["labels"], lang, &s["scale"]),
                        num(&al["n"], true),
                        num(&al["raw_alpha"], true),
                        num(&al["std_alpha"], true),
                        num(&al["ci95"][0], true),
                        num(&al["ci95"][1], true),
                    ]);
                }
                out.push(t);
                out.push(alpha);
            }
            AnalysisResult::Compare(_) => {
                let g = arr(&a["groups"]);
                let (g1, g2) = (
                    g.first().and_then(Value::as_str).unwrap_or("1"),
                    g.get(1).and_then(Value::as_str).unwrap_or("2"),
                );
                let h: Vec<String> = [
                    "variable".to_string(),
                    "label".into(),
                    "kind".into(),
                    format!("n {g1}"),
                    format!("n {g2}"),
                    format!("mean {g1}"),
                    format!("mean {g2}"),
                    format!("median {g1}"),
                    format!("median {g2}"),
                    "U".into(),
                    "z".into(),
                    "p".into(),
                    "p_exact".into(),
                    "p_adjusted".into(),
                    "rank_biserial".into(),
                    "welch_t".into(),
                    "welch_p".into(),
                    "cohen_d".into(),
                ]
                .into();
                let mut t = Table {
                    name: id.to_string(),
                    header: h,
                    rows: Vec::new(),
                };
                for x in arr(&a["tests"]) {
                    t.rows.push(vec![
                        text(&x["variable"]),
                        label(&x["labels"], lang, &x["variable"]),
                        text(&x["kind"]),
                        num(&x["n"][0], true),
                        num(&x["n"][1], true),
                        num(&x["mean"][0], true),
                        num(&x["mean"][1], true),
                        num(&x["median"][0], true),
                        num(&x["median"][1], true),
                        num(&x["u"], false),
                        num(&x["z"], false),
                        num(&x["p"], false),
                        num(&x["p_exact"], false),
                        num(&x["p_adjusted"], false),
                        num(&x["rank_biserial"], false),
                        num(&x["welch"]["t"], false),
                        num(&x["welch"]["p"], false),
                        num(&x["welch"]["cohen_d"], false),
                    ]);
                }
                for x in arr(&a["skipped"]) {
                    let mut row = vec![
                        text(&x["variable"]),
                        Cell::Empty,
                        Cell::Text(format!(
                            "not compared: {}",
                            x["reason"].as_str().unwrap_or("")
                        )),
                    ];
                    row.resize(t.header.len(), Cell::Empty);
                    t.rows.push(row);
                }
                out.push(t);
            }
            AnalysisResult::Crosstab(_) => {
                let mut t = Table::new(
                    id,
                    &[
                        "variable",
                        "label",
                        "answer",
                        "group",
                        "count",
                        "percent",
                        "ci95_low",
                        "ci95_high",
                    ],
                );
                for x in arr(&a["tables"]) {
                    let cats = arr(&x["categories"]);
                    let rows = arr(&x["cells"])
                        .iter()
                        .enumerate()
                        .map(|(i, row)| (cats.get(i).map_or(Cell::Empty, text), row));
                    let no_answer = (!x["no_answer"].is_null())
                        .then(|| (Cell::Text("(no answer)".into()), &x["no_answer"]));
                    for (answer, row) in rows.chain(no_answer) {
                        for (g, c) in arr(&a["groups"]).iter().zip(arr(row)) {
                            t.rows.push(vec![
                                text(&x["variable"]),
                                label(&x["labels"], lang, &x["variable"]),
                                answer.clone(),
                                text(g),
                                num(&c["count"], true),
                                num(&c["percent"], true),
                                num(&c["ci95"][0], true),
                                num(&c["ci95"][1], true),
                            ]);
                        }
                    }
                }
                out.push(t);
            }
            AnalysisResult::Likert(_) => {
                let cats = arr(&a["items"])
                    .first()
                    .map(|i| arr(&i["categories"]).to_vec())
                    .unwrap_or_default();
                let mut header: Vec<String> = ["item", "label", "group", "size", "n", "missing"]
                    .map(String::from)
                    .into();
                for c in &cats {
                    let name = c["name"].as_str().unwrap_or("");
                    header.push(format!("count {name}"));
                }
                for c in &cats {
                    let name = c["name"].as_str().unwrap_or("");
                    header.push(format!("percent {name}"));
                }
                header.extend(["agree_percent".into(), "mean".into()]);
                let mut t = Table {
                    name: id.to_string(),
                    header,
                    rows: Vec::new(),
                };
                for i in arr(&a["items"]) {
                    for g in arr(&i["groups"]).iter().chain([&i["total"]]) {
                        let group = if g["group"].is_null() {
                            Cell::Text("total".into())
                        } else {
                            text(&g["group"])
                        };
                        let mut row = vec![
                            text(&i["item"]),
                            label(&i["labels"], lang, &i["item"]),
                            group,
                            num(&g["size"], true),
                            num(&g["n"], true),
                            num(&g["missing"], true),
                        ];
                        row.extend(arr(&g["counts"]).iter().map(|c| num(c, true)));
                        row.extend(arr(&g["percent"]).iter().map(|c| num(c, true)));
                        row.push(num(&g["top2"], true));
                        row.push(num(&g["mean"], true));
                        t.rows.push(row);
                    }
                }
                out.push(t);
            }
            AnalysisResult::Capability(_) => {
                let mut head = Table::new(
                    id,
                    &[
                        "k",
                        "group",
                        "n",
                        "deprived",
                        "H",
                        "A",
                        "M0",
                        "M0_ci95_low",
                        "M0_ci95_high",
                        "contribution",
                    ],
                );
                let mut ind = Table::new(
                    format!("{id} indicators"),
                    &[
                        "k",
                        "indicator",
                        "label",
                        "group",
                        "uncensored_percent",
                        "censored_percent",
                        "contribution",
                    ],
                );
                let groups = arr(&a["groups"]);
                let labels: Vec<(&Value, &Value)> = arr(&a["indicators"])
                    .iter()
                    .map(|i| (&i["id"], &i["labels"]))
                    .collect();
                for res in arr(&a["results"]) {
                    for g in [&res["overall"]].into_iter().chain(arr(&res["groups"])) {
                        let group = if g["group"].is_null() {
                            Cell::Text("total".into())
                        } else {
                            text(&g["group"])
                        };
                        head.rows.push(vec![
                            num(&res["k"], false),
                            group,
                            num(&g["n"], true),
                            num(&g["deprived"], true),
                            num(&g["H"], true),
                            num(&g["A"], true),
                            num(&g["M0"], true),
                            num(&g["ci95"]["m0"][0], true),
                            num(&g["ci95"]["m0"][1], true),
                            num(&g["contribution"], true),
                        ]);
                    }
                    for i in arr(&res["indicators"]) {
                        let l = labels
                            .iter()
                            .find(|(id, _)| **id == i["id"])
                            .map_or(Cell::Empty, |(id, l)| label(l, lang, id));
                        let rows = [(Cell::Text("total".into()), &i["overall"])]
                            .into_iter()
                            .chain(groups.iter().map(text).zip(arr(&i["groups"])));
                        for (group, g) in rows {
                            ind.rows.push(vec![
                                num(&res["k"], false),
                                text(&i["id"]),
                                l.clone(),
                                group,
                                num(&g["uncensored"]["percent"], true),
                                num(&g["censored"]["percent"], true),
                                num(&g["contribution"], true),
                            ]);
                        }
                    }
                }
                out.push(head);
                out.push(ind);
            }
            AnalysisResult::Codes(_) => {
                let mut t = Table::new(
                    id,
                    &["code", "label", "group", "units", "documents", "percent"],
                );
                for c in arr(&a["codes"]) {
                    let rows = arr(&a["groups"])
                        .iter()
                        .map(text)
                        .zip(arr(&c["groups"]))
                        .chain([(Cell::Text("total".into()), &c["total"])]);
                    for (group, g) in rows {
                        t.rows.push(vec![
                            text(&c["code"]),
                            label(&c["labels"], lang, &c["code"]),
                            group,
                            num(&g["units"], true),
                            num(&g["documents"], true),
                            num(&g["percent"], true),
                        ]);
                    }
                }
                out.push(t);
            }
            AnalysisResult::Recommendations(_) => {
                let mut t = Table::new(
                    id,
                    &[
                        "id", "priority", "actor", "where", "evidence", "text_it", "text_en",
                    ],
                );
                for x in arr(&a["recommendations"]) {
                    let places: Vec<&str> =
                        arr(&x["where"]).iter().filter_map(Value::as_str).collect();
                    t.rows.push(vec![
                        text(&x["id"]),
                        text(&x["priority"]),
                        text(&x["actor"]),
                        Cell::Text(places.join(", ")),
                        text(&x["evidence_kind"]),
                        text(&x["text"]["it"]),
                        text(&x["text"]["en"]),
                    ]);
                }
                out.push(t);
            }
        }
    }
    out
}

/// The data dictionary: one row per question (name, type, label per language, list, the values
/// and their labels, scale, reverse key, condition, constraint).
pub fn dictionary(instruments: &[&Instrument], languages: &[String]) -> Table {
    let mut header: Vec<String> = vec!["variable".into(), "type".into()];
    header.extend(languages.iter().map(|l| format!("label {l}")));
    header.extend(
        [
            "choice_list",
            "values",
            "scale",
            "reverse",
            "required",
            "relevant",
            "min",
            "max",
            "questionnaire",
        ]
        .map(String::from),
    );
    let mut t = Table {
        name: "dictionary".into(),
        header,
        rows: Vec::new(),
    };
    let mut seen: Vec<&std::path::Path> = Vec::new();
    for ins in instruments {
        // A questionnaire shared by several sources is described once.
        if seen.contains(&ins.path.as_path()) {
            continue;
        }
        seen.push(&ins.path);
        for item in &ins.items {
            let kind = serde_json::to_value(&item.kind)
                .ok()
                .and_then(|v| {
                    v.as_str()
                        .map(str::to_string)
                        .or_else(|| v.as_object()?.keys().next().cloned())
                })
                .unwrap_or_default();
            let mut row = vec![Cell::Text(item.name.clone()), Cell::Text(kind)];
            for l in languages {
                row.push(Cell::Text(
                    label_in(&item.labels, l, &ins.default_language, &item.name).to_string(),
                ));
            }
            let values = ins.list_of(item).map(|list| {
                list.choices
                    .iter()
                    .map(|c| {
                        let l = label_in(&c.labels, &languages[0], &ins.default_language, &c.name);
                        format!("{} = {l}", c.name)
                    })
                    .collect::<Vec<_>>()
                    .join("; ")
            });
            row.extend([
                item.list.clone().map_or(Cell::Empty, Cell::Text),
                values.map_or(Cell::Empty, Cell::Text),
                item.scale.clone().map_or(Cell::Empty, Cell::Text),
                if item.reverse {
                    Cell::Text("yes".into())
                } else {
                    Cell::Empty
                },
                if item.required {
                    Cell::Text("yes".into())
                } else {
                    Cell::Empty
                },
                item.relevant.clone().map_or(Cell::Empty, Cell::Text),
                item.min.map_or(Cell::Empty, |b| Cell::Number(b.value)),
                item.max.map_or(Cell::Empty, |b| Cell::Number(b.value)),
                Cell::Text(ins.file.clone()),
            ]);
            t.rows.push(row);
        }
    }
    t
}

/// A sheet name Excel accepts: at most 31 characters, none of `[]:*?/\`, unique in the book.
fn sheet_name(name: &str, taken: &mut Vec<String>) -> String {
    let clean: String = name
        .chars()
        .map(|c| if "[]:*?/\\".contains(c) { '-' } else { c })
        .collect();
    let clean = clean.trim_matches('\'').trim();
    let base: String = if clean.is_empty() {
        "sheet".into()
    } else {
        clean.chars().take(31).collect()
    };
    let mut candidate = base.clone();
    let mut n = 2;
    while taken.iter().any(|t| t.eq_ignore_ascii_case(&candidate)) {
        let suffix = format!(" {n}");
        candidate = base.chars().take(31 - suffix.len()).collect::<String>() + &suffix;
        n += 1;
    }
    taken.push(candidate.clone());
    candidate
}

/// An empty workbook whose document properties are fixed (title, author "capakit", a constant
/// creation date), so the same content gives the same bytes on every run.
pub fn new_book(title: &str) -> Result<Workbook, XlsxError> {
    let mut book = Workbook::new();
    book.set_properties(
        &DocProperties::new()
            .set_title(title)
            .set_author("capakit")
            .set_creation_datetime(&ExcelDateTime::from_ymd(2026, 1, 1)?),
    );
    Ok(book)
}

/// Writes the tables (and the dictionary) as one workbook.
pub fn workbook(
    tables: &[Table],
    s: &Strings,
    min_cell: u64,
    internal: bool,
) -> Result<Vec<u8>, XlsxError> {
    let mut book = new_book("capakit tables")?;
    let bold = Format::new().set_bold();
    let hidden = Format::new().set_align(rust_xlsxwriter::FormatAlign::Right);
    let mark = s.get("suppressed_mark");
    let mut taken = Vec::new();
    for t in tables {
        let sheet = book.add_worksheet();
        sheet.set_name(sheet_name(&t.name, &mut taken))?;
        for (j, h) in t.header.iter().enumerate() {
            sheet.write_string_with_format(0, j as u16, neutralise(h).as_ref(), &bold)?;
        }
        for (i, row) in t.rows.iter().enumerate() {
            let r = i as u32 + 1;
            for (j, c) in row.iter().enumerate() {
                let col = j as u16;
                match c {
                    Cell::Number(x) => {
                        sheet.write_number(r, col, *x)?;
                    }
                    Cell::Text(x) => {
                        sheet.write_string(r, col, neutralise(x).as_ref())?;
                    }
                    Cell::Hidden => {
                        sheet.write_string_with_format(r, col, &mark, &hidden)?;
                    }
                    Cell::Empty => {}
                }
            }
        }
        sheet.set_freeze_panes(1, 0)?;
    }
    // A last sheet says what the mark means.
    let sheet = book.add_worksheet();
    sheet.set_name(sheet_name("README", &mut taken))?;
    let note = s
        .get("suppressed_note")
        .replace("{k}", &min_cell.to_string());
    sheet.write_string(0, 0, neutralise(&format!("{mark} {note}")).as_ref())?;
    sheet.write_string(1, 0, s.get("workbook_note"))?;
    if internal {
        sheet.write_string_with_format(2, 0, s.get("internal_banner"), &bold)?;
    }
    book.save_to_buffer()
}
