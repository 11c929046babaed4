//! Workbooks (.xlsx, .xls, .ods) through calamine. Calamine is treated as untrusted: archives are
//! bounded before it opens them ([`super::limits`]), .xlsx sheets are streamed cell by cell rather
//! than allocated as their whole declared rectangle, and a panic inside it becomes a located
//! error, never a crash.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;

use calamine::{open_workbook_auto, Data, DataRef, Range, Reader, Sheets};

use crate::diagnostics::{Diagnostics, Location};
use crate::error::{Error, Result};

use super::limits::{check_archive, check_xls, refused_for_memory, Limits};
use super::{Cell, RawTable, TableBuilder};

type Book = Sheets<std::io::BufReader<std::fs::File>>;

/// Excel's grid: 1,048,576 rows by 16,384 columns (A to XFD).
const EXCEL_ROWS: u32 = 1_048_576;
const EXCEL_COLUMNS: u32 = 16_384;

thread_local! {
    static GUARDED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Installs a panic hook that prints one line instead of a backtrace, and stays silent for
/// panics inside a spreadsheet parser, which [`guarded`] turns into a located error.
pub fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        if GUARDED.with(|g| g.get()) {
            return;
        }
        eprintln!("capakit: internal error ({info}); please report it with the command you ran");
    }));
}

fn guarded<T>(shown: &str, f: impl FnOnce() -> Result<T>) -> Result<T> {
    let was = GUARDED.with(|g| g.replace(true));
    let result = catch_unwind(AssertUnwindSafe(f));
    GUARDED.with(|g| g.set(was));
    result.unwrap_or_else(|_| {
        Err(Error::input(
            Location::file(shown),
            "the workbook could not be read: it is damaged or uses a structure capakit cannot parse",
        ))
    })
}

fn open(path: &Path, shown: &str) -> Result<Book> {
    let zipped = path.extension().and_then(|e| e.to_str()).is_some_and(|e| {
        ["xlsx", "xlsm", "xlsb", "ods"]
            .iter()
            .any(|z| e.eq_ignore_ascii_case(z))
    });
    if zipped {
        check_archive(path, shown, Limits::from_env())?;
    } else {
        check_xls(path, shown, Limits::from_env())?;
    }
    open_workbook_auto(path).map_err(|e| {
        Error::input(
            Location::file(shown),
            format!("not a readable workbook ({e}); save it again as .xlsx or .ods"),
        )
    })
}

/// The names of the sheets of a workbook, in order.
pub fn sheet_names(path: &Path, shown: &str) -> Result<Vec<String>> {
    guarded(shown, || Ok(open(path, shown)?.sheet_names()))
}

/// Reads the sheet `sheet` (or the first sheet) of a workbook.
pub fn read_sheet(path: &Path, shown: &str, sheet: Option<&str>) -> Result<RawTable> {
    guarded(shown, || {
        let mut book = open(path, shown)?;
        let names = book.sheet_names();
        let name = match sheet {
            Some(wanted) => names
                .iter()
                .find(|n| n.as_str() == wanted)
                .or_else(|| names.iter().find(|n| n.eq_ignore_ascii_case(wanted)))
                .cloned()
                .ok_or_else(|| {
                    Error::input(
                        Location::file(shown),
                        format!(
                            "there is no sheet '{wanted}'; the sheets are: {}",
                            names.join(", ")
                        ),
                    )
                })?,
            None => names
                .first()
                .cloned()
                .ok_or_else(|| Error::input(Location::file(shown), "the workbook has no sheets"))?,
        };
        let cannot = |e: &dyn std::fmt::Display| {
            Error::input(
                Location::file(shown).sheet(Some(&name)),
                format!("the sheet cannot be read: {e}"),
            )
        };
        // .xlsx and .xlsb are streamed cell by cell: a declared range is never allocated. Rows go
        // straight into the table; a sheet whose cells are stored out of row order (no program
        // writes one, but the format allows it) is read again, its cells gathered and sorted.
        let max_cells = Limits::from_env().cells;
        macro_rules! streamed {
            ($book:expr) => {{
                {
                    let mut reader = $book
                        .worksheet_cells_reader(&name)
                        .map_err(|e| cannot(&e))?;
                    let next = || {
                        let cell = reader.next_cell().map_err(|e| e.to_string())?;
                        Ok(cell.map(|c| (c.get_position(), convert_ref(c.get_value()))))
                    };
                    if let Some(table) = stream_cells(path, shown, &name, max_cells, next)? {
                        return Ok(table);
                    }
                }
                let mut reader = $book
                    .worksheet_cells_reader(&name)
                    .map_err(|e| cannot(&e))?;
                return sorted_cells(path, shown, &name, max_cells, || {
                    let cell = reader.next_cell().map_err(|e| e.to_string())?;
                    Ok(cell.map(|c| (c.get_position(), convert_ref(c.get_value()))))
                });
            }};
        }
        if let Sheets::Xlsx(xlsx) = &mut book {
            streamed!(xlsx);
        }
        if let Sheets::Xlsb(xlsb) = &mut book {
            streamed!(xlsb);
        }
        let range = book.worksheet_range(&name).map_err(|e| cannot(&e))?;
        table_from_range(path, shown, &name, &range)
    })
}

/// Converts a calamine range (which may start below row 1 or right of column A) into a table whose
/// rows and columns carry their true Excel positions.
pub(crate) fn table_from_range(
    path: &Path,
    shown: &str,
    sheet: &str,
    range: &Range<Data>,
) -> Result<RawTable> {
    let (first_row, first_col) = range.start().unwrap_or((0, 0));
    let pad = first_col as usize;
    let rows: Vec<Vec<Cell<'_>>> = range
        .rows()
        .map(|r| {
            let mut v = Vec::with_capacity(pad + r.len());
            v.resize(pad, Cell::Empty);
            v.extend(r.iter().map(convert));
            v
        })
        .collect();
    RawTable::from_rows(
        path,
        shown.to_string(),
        Some(sheet.to_string()),
        rows,
        first_row + 1,
        Diagnostics::default(),
        Some(Limits::from_env().cells),
    )
}

/// Streams an .xlsx sheet's cells into rows, without allocating the rectangle its cells span (two
/// cells at A1 and XFD1048576 would otherwise ask for 17 billion); refuses more than `max_cells`.
type NextCell = std::result::Result<Option<((u32, u32), Cell<'static>)>, String>;

/// A cell's position refused when it lies beyond Excel's grid (row 1,048,576, column XFD): a
/// damaged file, which must not make a row of billions of cells.
fn beyond_grid(row: u32, col: u32) -> Option<String> {
    (row >= EXCEL_ROWS || col >= EXCEL_COLUMNS).then(|| {
        format!(
            "a cell lies beyond Excel's last row or column (row {}, column {}): the sheet is damaged",
            row as u64 + 1,
            col as u64 + 1
        )
    })
}

fn too_many(max_cells: u64) -> String {
    format!(
        "the sheet holds more than {max_cells} cells: {}",
        refused_for_memory(max_cells)
    )
}

fn too_wide(max_cells: u64) -> String {
    format!(
        "the sheet's rows span more than {max_cells} cells (cells far to the right of the others): {}",
        refused_for_memory(max_cells)
    )
}

/// Builds a sheet's table from its cells as they come, read one by one by `next` (position,
/// value), row after row straight into the table; `None` when a cell comes after one of a later
/// row (the caller then reads the sheet with [`sorted_cells`]). Refuses a cell beyond Excel's
/// grid, more than `max_cells` cells, and rows whose widths add up to more.
fn stream_cells(
    path: &Path,
    shown: &str,
    sheet: &str,
    max_cells: u64,
    mut next: impl FnMut() -> NextCell,
) -> Result<Option<RawTable>> {
    let located = |message: String| Error::input(Location::file(shown).sheet(Some(sheet)), message);
    // The table starts at the row of the first cell (Excel's number).
    let new_table = |first_row: u32| {
        TableBuilder::new(
            path,
            shown.to_string(),
            Some(sheet.to_string()),
            first_row,
            Diagnostics::default(),
            Some(max_cells),
        )
    };
    let mut table: Option<TableBuilder> = None;
    let mut current: u32 = 0;
    let mut row: Vec<Cell<'static>> = Vec::new();
    let (mut cells, mut held) = (0u64, 0u64);
    while let Some(((r, c), value)) =
        next().map_err(|e| located(format!("the sheet cannot be read: {e}")))?
    {
        if let Some(why) = beyond_grid(r, c) {
            return Err(located(why));
        }
        if value.is_empty() {
            continue;
        }
        cells += 1;
        if cells > max_cells {
            return Err(located(too_many(max_cells)));
        }
        match table.as_mut() {
            None => {
                current = r;
                table = Some(new_table(r + 1));
            }
            Some(_) if r < current => return Ok(None),
            Some(t) if r > current => {
                // Each row is held as wide as its last cell.
                held += row.len() as u64;
                if held > max_cells {
                    return Err(located(too_wide(max_cells)));
                }
                t.push(&row)?;
                row.clear();
                for _ in current + 1..r {
                    t.push(&[])?;
                }
                current = r;
            }
            Some(_) => {}
        }
        if row.len() <= c as usize {
            row.resize(c as usize + 1, Cell::Empty);
        }
        row[c as usize] = value;
    }
    held += row.len() as u64;
    if held > max_cells {
        return Err(located(too_wide(max_cells)));
    }
    let mut table = table.unwrap_or_else(|| new_table(1));
    table.push(&row)?;
    table.finish().map(Some)
}

/// Builds a sheet's table from its cells, read one by one by `next` (position, value), gathered
/// and sorted first: for sheets whose cells are stored out of row order. The same refusals as
/// [`stream_cells`].
fn sorted_cells(
    path: &Path,
    shown: &str,
    sheet: &str,
    max_cells: u64,
    mut next: impl FnMut() -> NextCell,
) -> Result<RawTable> {
    let located = |message: String| Error::input(Location::file(shown).sheet(Some(sheet)), message);
    let mut cells: Vec<(u32, u32, Cell<'static>)> = Vec::new();
    while let Some(((row, col), value)) =
        next().map_err(|e| located(format!("the sheet cannot be read: {e}")))?
    {
        if let Some(why) = beyond_grid(row, col) {
            return Err(located(why));
        }
        if value.is_empty() {
            continue;
        }
        if cells.len() as u64 >= max_cells {
            return Err(located(too_many(max_cells)));
        }
        cells.push((row, col, value));
    }
    cells.sort_by_key(|c| (c.0, c.1));
    // Each row is held as wide as its last cell: many rows ending far to the right would take
    // their whole width.
    let held: u64 = cells
        .windows(2)
        .filter(|w| w[0].0 != w[1].0)
        .map(|w| w[0].1 as u64 + 1)
        .chain(cells.last().map(|c| c.1 as u64 + 1))
        .sum();
    if held > max_cells {
        return Err(located(too_wide(max_cells)));
    }
    let first_row = cells.first().map_or(0, |c| c.0);
    let last_row = cells.last().map_or(0, |c| c.0);
    let mut rows: Vec<Vec<Cell<'static>>> = Vec::new();
    rows.resize_with((last_row - first_row) as usize + 1, Vec::new);
    for (r, c, value) in cells {
        let row = &mut rows[(r - first_row) as usize];
        if row.len() <= c as usize {
            row.resize(c as usize + 1, Cell::Empty);
        }
        row[c as usize] = value;
    }
    RawTable::from_rows(
        path,
        shown.to_string(),
        Some(sheet.to_string()),
        rows,
        first_row + 1,
        Diagnostics::default(),
        Some(max_cells),
    )
}

fn convert_ref(d: &DataRef<'_>) -> Cell<'static> {
    match d {
        DataRef::Empty => Cell::Empty,
        DataRef::Int(i) => Cell::Number(*i as f64),
        DataRef::Float(f) => float(*f),
        DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => {
            Cell::text(s.clone())
        }
        DataRef::SharedString(s) => Cell::text(s.to_string()),
        DataRef::Bool(b) => Cell::Bool(*b),
        DataRef::DateTime(dt) => date_time(dt),
        DataRef::Error(e) => Cell::text(format!("#{e:?}")),
    }
}

/// A number as a cell; one that is not finite (`NaN`, `inf`, `1e999` in a hand-made file) is
/// kept as its text, so that checking names it instead of reading it as a number or no answer.
fn float(f: f64) -> Cell<'static> {
    if f.is_finite() {
        Cell::Number(f)
    } else {
        Cell::text(f.to_string())
    }
}

fn date_time(dt: &calamine::ExcelDateTime) -> Cell<'static> {
    let (y, m, d, hh, mm, ss, _) = dt.to_ymd_hms_milli();
    if dt.is_duration() {
        Cell::Number(dt.as_f64())
    } else if hh == 0 && mm == 0 && ss == 0 {
        Cell::text(format!("{y:04}-{m:02}-{d:02}"))
    } else {
        Cell::text(format!("{y:04}-{m:02}-{d:02}T{hh:02}:{mm:02}:{ss:02}"))
    }
}

fn convert(d: &Data) -> Cell<'_> {
    match d {
        Data::Empty => Cell::Empty,
        Data::Int(i) => Cell::Number(*i as f64),
        Data::Float(f) => float(*f),
        Data::String(s) => Cell::text(s.as_str()),
        Data::Bool(b) => Cell::Bool(*b),
        Data::DateTime(dt) => date_time(dt),
        Data::DateTimeIso(s) | Data::DurationIso(s) => Cell::text(s.as_str()),
        Data::Error(e) => Cell::text(format!("#{e:?}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Feeds `cells` to [`table_from_cells`] with a budget of `max_cells`.
    fn read(cells: Vec<(u32, u32)>, max_cells: u64) -> Result<RawTable> {
        let streamed = {
            let mut it = cells.clone().into_iter();
            stream_cells(Path::new("x.xlsx"), "x.xlsx", "s", max_cells, || {
                Ok(it.next().map(|p| (p, Cell::Number(1.0))))
            })?
        };
        let mut it = cells.into_iter();
        let sorted = sorted_cells(Path::new("x.xlsx"), "x.xlsx", "s", max_cells, || {
            Ok(it.next().map(|p| (p, Cell::Number(1.0))))
        })?;
        // Streamed in order or gathered and sorted: the same table.
        if let Some(t) = streamed {
            assert_eq!(t.headers, sorted.headers);
            assert_eq!(t.row_numbers, sorted.row_numbers);
            assert_eq!(t.columns.len(), sorted.columns.len());
        }
        Ok(sorted)
    }

    #[test]
    fn numbers_that_are_not_finite_are_kept_as_text() {
        assert_eq!(float(2.5), Cell::Number(2.5));
        assert_eq!(float(f64::NAN), Cell::text("NaN"));
        assert_eq!(float(f64::INFINITY), Cell::text("inf"));
        assert_eq!(
            crate::text::parse_number("inf"),
            None,
            "and so not a number"
        );
    }

    #[test]
    fn cells_out_of_row_order_are_gathered_and_sorted() {
        // Row 3 written before row 2: the stream gives up, the sorted read puts them in place.
        let cells = vec![(0, 0), (0, 1), (2, 0), (2, 1), (1, 0), (1, 1)];
        let mut it = cells.clone().into_iter();
        let streamed = stream_cells(Path::new("x.xlsx"), "x.xlsx", "s", 100, || {
            Ok(it.next().map(|p| (p, Cell::Number(1.0))))
        })
        .unwrap();
        assert!(streamed.is_none());
        assert_eq!(read(cells, 100).unwrap().row_numbers, vec![2, 3]);
    }

    #[test]
    fn rows_ending_far_to_the_right_are_refused_by_the_memory_they_would_take() {
        // A header and ten rows of three cells: 33 cells held.
        let mut plain: Vec<(u32, u32)> =
            (0..11).flat_map(|r| (0..3).map(move |c| (r, c))).collect();
        assert!(read(plain.clone(), 40).is_ok());
        // One far cell is one row of 16,384: refused under a budget of 10,000 cells, read above.
        plain.push((11, 16_383));
        let err = read(plain.clone(), 10_000).unwrap_err().to_string();
        assert!(
            err.contains("x.xlsx, sheet 's'") && err.contains("more than 10000 cells"),
            "{err}"
        );
        assert!(read(plain, 20_000).is_ok());
        // One stray header cell far to the right: every data row would be held that wide.
        let mut stray: Vec<(u32, u32)> = (0..3).map(|c| (0, c)).collect();
        stray.push((0, 16_383));
        stray.extend((1..101).flat_map(|r| (0..3).map(move |c| (r, c))));
        let err = read(stray.clone(), 20_000).unwrap_err().to_string();
        assert!(
            err.contains("the header spans 16384 columns: the rows below it would hold more than 20000 cells"),
            "{err}"
        );
        assert!(read(stray, 2_000_000).is_ok());
        // Too many cells at all.
        let many: Vec<(u32, u32)> = (0..100).map(|r| (r, 0)).collect();
        assert!(read(many, 50)
            .unwrap_err()
            .to_string()
            .contains("more than 50 cells"));
    }
}
