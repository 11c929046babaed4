//! tables.xlsx: every table of results.json as a sheet, for analysts who go on in Excel, R or
//! SPSS, and a data dictionary built from the questionnaire (variable and value labels, which
//! KoboToolbox exports do not carry). Values are as published: a hidden value is the marked
//! symbol, never the number; numbers are typed numbers; text that starts like a formula is made
//! inert. The file is byte-identical across runs (fixed document dates).

use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook, XlsxError};

use crate::analysis::Results;
use crate::instrument::{label_in, Instrument};

use super::cells::neutralise;
pub use crate::publication::{Cell, Table};
use crate::words::Strings;

/// The tables of results.json, in the order of the report.
pub fn tables(results: &Results, lang: &str) -> Vec<Table> {
    let mut out = Vec::new();
    for s in &results.sources {
        let mut t = Table::new(format!("{} respondents", s.name), &["territory", "n"]);
        for g in &s.territories {
            t.rows.push(vec![Cell::text(&g.group), Cell::count(g.n)]);
        }
        t.rows
            .push(vec![Cell::text("total"), Cell::count(Some(s.n))]);
        out.push(t);
    }
    // Every kind has its sheets (it must say which to compile).
    for entry in &results.analyses {
        out.extend(entry.result.as_kind().tables(&entry.id, lang));
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
    let clean: String = crate::text::guard(name)
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
