//! tables.xlsx: every table of results.json as a sheet, for analysts who go on in Excel, R or
//! SPSS, and a data dictionary built from the questionnaire (variable and value labels, which
//! KoboToolbox exports do not carry). Values are as published: a hidden value is the marked
//! symbol, never the number; numbers are typed numbers; text that starts like a formula is made
//! inert. The file is byte-identical across runs (fixed document dates).

use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, FormatAlign, Workbook, XlsxError};

use crate::analysis::kind::View;
use crate::analysis::Results;
use crate::instrument::{label_in, Instrument};

use super::cells::neutralise;
pub use crate::publication::{Cell, NumFormat, Table};
use crate::words::Strings;

/// The tables of the report, in its order: who answered (respondents, rows dropped), every
/// analysis's tables, the data quality and the provenance of the inputs. Captions and titles are
/// in the report's language (`words`).
pub fn tables(results: &Results, lang: &str, words: &Strings) -> Vec<Table> {
    let mut out = Vec::new();
    for s in &results.sources {
        let mut header: Vec<String> = vec!["territory".into()];
        header.extend(s.waves.iter().map(|w| format!("n {}", w.group)));
        header.extend(["n".into(), "share".into()]);
        let mut t = Table::with_header(format!("{} respondents", s.name), header).caption(format!(
            "{} — {}",
            words.get("respondents"),
            s.file
        ));
        let share =
            |n: Option<usize>| Cell::shown(n.filter(|_| s.n > 0).map(|n| n as f64 / s.n as f64));
        for (i, g) in s.territories.iter().enumerate() {
            let mut row = vec![Cell::text(&g.group)];
            if !s.by_wave.is_empty() {
                let waves = s.by_wave.get(i);
                row.extend(
                    (0..s.waves.len())
                        .map(|w| Cell::count(waves.and_then(|x| x.get(w).copied().flatten()))),
                );
            }
            row.extend([Cell::count(g.n), share(g.n)]);
            t.rows.push(row);
        }
        let mut total = vec![Cell::text("total")];
        if !s.by_wave.is_empty() {
            total.extend(s.waves.iter().map(|w| Cell::count(w.n)));
        }
        total.extend([Cell::count(Some(s.n)), share(Some(s.n))]);
        t.rows.push(total);
        out.push(t);
        out.extend(crate::analysis::who::tables(&s.name, &s.who, lang, words));
        if !s.dropped.is_empty() {
            let mut t = Table::new(
                format!("{} dropped", s.name),
                &["file", "row", "reason", "kept_row"],
            )
            .caption(words.get("dropped"));
            for d in &s.dropped {
                let reason = d.kept_row.map_or_else(
                    || words.get(d.reason),
                    |k| words.fill(d.reason, &[("row", &k.to_string())]),
                );
                t.rows.push(vec![
                    d.file.as_deref().map_or(Cell::Empty, Cell::text),
                    Cell::Number(f64::from(d.row)),
                    Cell::text(reason),
                    d.kept_row
                        .map_or(Cell::Empty, |k| Cell::Number(f64::from(k))),
                ]);
            }
            out.push(t);
        }
    }
    // Every kind has its sheets (it must say which to compile).
    for entry in &results.analyses {
        let view = View {
            results,
            entry,
            lang,
            words,
            source: "",
        };
        // A sheet the report has no table for is titled by its analysis's title.
        let title = entry
            .title
            .as_ref()
            .map_or_else(|| entry.id.clone(), |t| t.get(lang).to_string());
        out.extend(
            entry
                .result
                .as_kind()
                .tables(&view)
                .into_iter()
                .map(|mut t| {
                    if t.captions.is_empty() && t.title.is_empty() {
                        t.title = match t.name.strip_prefix(entry.id.as_str()) {
                            Some(rest) if !rest.trim().is_empty() => {
                                format!("{title} ({})", rest.trim())
                            }
                            _ => title.clone(),
                        };
                    }
                    t
                }),
        );
    }
    if !results.quality.examples.is_empty() {
        let mut t = Table::new("quality", &["severity", "code", "where", "message"])
            .caption(words.get("quality"));
        for d in &results.quality.examples {
            let severity = serde_json::to_value(d.severity)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default();
            t.rows.push(vec![
                Cell::text(severity),
                Cell::text(d.code),
                Cell::text(&d.location),
                Cell::text(&d.message),
            ]);
        }
        out.push(t);
    }
    let mut t = Table::new("provenance", &["role", "file", "bytes", "sha256"])
        .titled(words.get("provenance"));
    for f in &results.provenance.inputs {
        t.rows.push(vec![
            Cell::text(words.get(&format!("role_{}", f.role))),
            Cell::text(&f.path),
            Cell::Number(f.bytes as f64),
            Cell::text(&f.sha256),
        ]);
    }
    out.push(t);
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
    let mut t = Table::with_header("dictionary", header);
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

/// Writes the tables (and the dictionary) as one workbook: first a contents sheet (its name and
/// words in the report's language) listing every report table and every sheet, each linked to
/// its sheet, with the note on hidden cells; then one sheet per table, its header row frozen and
/// filtered, each column in its number format ([`crate::publication::NumFormat`]: the cell keeps
/// results.json's full value), the columns as wide as their content.
pub fn workbook(
    tables: &[Table],
    s: &Strings,
    min_cell: u64,
    internal: bool,
) -> Result<Vec<u8>, XlsxError> {
    let mut book = new_book("capakit tables")?;
    let bold = Format::new().set_bold();
    let wrap = Format::new().set_text_wrap();
    let hidden = Format::new().set_align(FormatAlign::Right);
    let mark = s.get("suppressed_mark");
    let mut taken = Vec::new();
    let contents_name = sheet_name(&s.get("workbook_contents"), &mut taken);
    let names: Vec<String> = tables
        .iter()
        .map(|t| sheet_name(&t.name, &mut taken))
        .collect();

    // The contents: one row per report table (its caption), then per sheet without one.
    let contents = book.add_worksheet();
    contents.set_name(&contents_name)?;
    let mut r = 0;
    // A line of the notes: across both columns, wrapped, its row as tall as its lines.
    let note_format = Format::new().set_text_wrap().set_align(FormatAlign::Top);
    let bold_note = note_format.clone().set_bold();
    let mut line = |sheet: &mut rust_xlsxwriter::Worksheet, text: &str, strong: bool| {
        let text = neutralise(text);
        let f = if strong { &bold_note } else { &note_format };
        let lines = text.chars().count().div_ceil(115).max(1);
        let done = sheet
            .merge_range(r, 0, r, 1, text.as_ref(), f)
            .and_then(|s| s.set_row_height(r, 15.0 * lines as f64));
        r += 1;
        done.map(|_| ())
    };
    line(contents, &s.get("workbook_contents"), true)?;
    if internal {
        line(contents, &s.get("internal_banner"), true)?;
    }
    let note = s
        .get("suppressed_note")
        .replace("{k}", &min_cell.to_string());
    line(contents, &format!("{mark} {note}"), false)?;
    line(contents, &s.get("workbook_note"), false)?;
    line(contents, &s.get("workbook_formats"), false)?;
    r += 1;
    let head = r;
    contents.write_string_with_format(r, 0, s.get("workbook_sheet"), &bold)?;
    contents.write_string_with_format(r, 1, s.get("workbook_table"), &bold)?;
    r += 1;
    for (t, name) in tables.iter().zip(&names) {
        let titles: Vec<&str> = if t.captions.is_empty() {
            vec![if t.title.is_empty() {
                &t.name
            } else {
                &t.title
            }]
        } else {
            let mut seen: Vec<&str> = Vec::new();
            for c in &t.captions {
                if !seen.contains(&c.as_str()) {
                    seen.push(c);
                }
            }
            seen
        };
        for title in titles {
            let link = format!("internal:'{}'!A1", name.replace('\'', "''"));
            contents.write_url_with_text(r, 0, link.as_str(), name.as_str())?;
            contents.write_string_with_format(r, 1, neutralise(title).as_ref(), &wrap)?;
            let lines = title.chars().count().div_ceil(95);
            if lines > 1 {
                contents.set_row_height(r, 15.0 * lines as f64)?;
            }
            r += 1;
        }
    }
    contents.set_column_width(0, 32)?;
    contents.set_column_width(1, 90)?;
    contents.set_paper_size(9);
    contents.set_print_fit_to_pages(1, 0);
    contents.set_freeze_panes(head + 1, 0)?;
    contents.autofilter(head, 0, r.saturating_sub(1).max(head), 1)?;

    let formats: Vec<(NumFormat, Format)> = [
        NumFormat::Count,
        NumFormat::Points,
        NumFormat::Proportion,
        NumFormat::Thousandths,
        NumFormat::Hundredths,
    ]
    .into_iter()
    .map(|f| (f, Format::new().set_num_format(f.code())))
    .collect();
    let format_of = |f: NumFormat| formats.iter().find(|(g, _)| *g == f).map(|(_, x)| x);
    for (t, name) in tables.iter().zip(&names) {
        let sheet = book.add_worksheet();
        sheet.set_name(name)?;
        // A column of numbers has its header on the right, over them.
        let bold_right = bold.clone().set_align(FormatAlign::Right);
        for (j, h) in t.header.iter().enumerate() {
            let numbers = t
                .rows
                .iter()
                .any(|row| matches!(row.get(j), Some(Cell::Number(_))));
            let f = if numbers { &bold_right } else { &bold };
            sheet.write_string_with_format(0, j as u16, neutralise(h).as_ref(), f)?;
        }
        let columns: Vec<Option<&Format>> = (0..t.header.len())
            .map(|j| format_of(t.format_of(j)))
            .collect();
        for (i, row) in t.rows.iter().enumerate() {
            let r = i as u32 + 1;
            for (j, c) in row.iter().enumerate() {
                let col = j as u16;
                match c {
                    Cell::Number(x) => match columns.get(j).copied().flatten() {
                        Some(f) => sheet.write_number_with_format(r, col, *x, f)?,
                        None => sheet.write_number(r, col, *x)?,
                    },
                    Cell::Text(x) => sheet.write_string(r, col, neutralise(x).as_ref())?,
                    Cell::Hidden => sheet.write_string_with_format(r, col, &mark, &hidden)?,
                    Cell::Empty => continue,
                };
            }
        }
        let width = t
            .rows
            .iter()
            .map(Vec::len)
            .chain([t.header.len()])
            .max()
            .unwrap_or(1)
            .max(1);
        sheet.set_freeze_panes(1, 0)?;
        sheet.autofilter(0, 0, t.rows.len() as u32, (width - 1) as u16)?;
        for (j, w) in column_widths(t, &mark).into_iter().enumerate() {
            sheet.set_column_width(j as u16, w)?;
        }
        // Printed: landscape A4, one page wide, the header on every page.
        sheet.set_paper_size(9);
        sheet.set_landscape();
        sheet.set_print_fit_to_pages(1, 0);
        sheet.set_repeat_rows(0, 0)?;
    }
    book.save_to_buffer()
}

/// Each column's width in characters: its header (and the filter's button), its longest text
/// (up to 60) and its numbers as their format shows them.
fn column_widths(t: &Table, mark: &str) -> Vec<f64> {
    let columns = t
        .rows
        .iter()
        .map(Vec::len)
        .chain([t.header.len()])
        .max()
        .unwrap_or(0);
    (0..columns)
        .map(|j| {
            let format = t.format_of(j);
            let header = t.header.get(j).map_or(0, |h| h.chars().count() + 3);
            let cells = t.rows.iter().filter_map(|row| row.get(j)).map(|c| match c {
                Cell::Text(x) => x.chars().count().min(60),
                Cell::Hidden => mark.chars().count(),
                Cell::Empty => 0,
                Cell::Number(x) => shown_width(*x, format),
            });
            cells.chain([header]).max().unwrap_or(0).clamp(6, 60) as f64 + 1.0
        })
        .collect()
}

/// How many characters a number takes in its format.
fn shown_width(x: f64, format: NumFormat) -> usize {
    let (x, decimals, extra) = match format {
        NumFormat::Count => (x, 0, 0),
        NumFormat::Points => (x, 1, 0),
        NumFormat::Proportion => (x * 100.0, 1, 1),
        NumFormat::Thousandths => (x, 3, 0),
        NumFormat::Hundredths => (x, 2, 0),
        NumFormat::General => return format!("{x}").len().min(12),
    };
    format!("{x:.decimals$}").len() + extra
}
