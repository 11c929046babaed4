//! Spreadsheets and CSV files → [`RawTable`]: headers and cells with their place in the file.
//!
//! This is the first stage. It knows file formats (CSV in any separator and encoding Excel writes;
//! .xlsx, .xls, .ods through calamine) but nothing about questionnaires: typing values against an
//! instrument is [`crate::check`]'s job. Every cell keeps its Excel row and column so later findings
//! can point at it; every oddity accepted on the way (encoding, separator, a title above the header)
//! is returned as a note.

mod csv;
#[doc(hidden)]
pub mod fuzz;
pub mod limits;
#[cfg(test)]
mod properties;
pub mod qdpx;
pub mod segments;
mod workbook;

use crate::msg;
use std::borrow::Cow;
use std::path::{Path, PathBuf};

use crate::diagnostics::{Diagnostics, Location};
use crate::error::{Error, Result};

pub use self::workbook::{install_panic_hook, read_sheet, sheet_names};

/// One cell as the file holds it; text is borrowed from the file or from a [`RawColumn`].
#[derive(Debug, Clone, PartialEq)]
pub enum Cell<'a> {
    Empty,
    Text(Cow<'a, str>),
    Number(f64),
    Bool(bool),
}

impl<'a> Cell<'a> {
    /// A text cell ([`crate::text::clean`]: one Unicode form, no control or invisible
    /// characters), or an empty one when `s` is only white space.
    pub fn text(s: impl Into<Cow<'a, str>>) -> Cell<'a> {
        let s = match s.into() {
            Cow::Borrowed(b) => crate::text::clean(b),
            Cow::Owned(o) => match crate::text::clean(&o) {
                Cow::Borrowed(_) => Cow::Owned(o),
                Cow::Owned(c) => Cow::Owned(c),
            },
        };
        if s.trim().is_empty() {
            Cell::Empty
        } else {
            Cell::Text(s)
        }
    }

    /// True for an empty cell (text cells are never blank: see [`Cell::text`]).
    pub fn is_empty(&self) -> bool {
        matches!(self, Cell::Empty)
    }

    /// The cell of a 0/1 column as yes or no: 0 and 1, Excel's booleans, and the words of
    /// [`crate::text::zero_one`]; `None` for an empty cell or anything else.
    pub fn zero_one(&self) -> Option<bool> {
        match self {
            Cell::Empty => None,
            Cell::Bool(b) => Some(*b),
            Cell::Number(x) if *x == 1.0 => Some(true),
            Cell::Number(x) if *x == 0.0 => Some(false),
            Cell::Number(_) => None,
            Cell::Text(s) => crate::text::zero_one(s),
        }
    }

    /// The cell as text, as a user would see it (numbers without a trailing `.0`).
    pub fn as_text(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(s) => s.to_string(),
            Cell::Number(x) => format_number(*x),
            Cell::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_string(),
        }
    }
}

/// How a cell is stored in a column, in 8 bytes: the top two bits say what it is, the rest
/// where it is. Text is a range of the column's one text buffer (start, then length), so that
/// reading a large file does not allocate a string per cell; a number is an index into the
/// column's numbers (a CSV, all text, then takes 8 bytes a cell).
mod slot {
    const TAG: u32 = 62;
    pub const EMPTY: u64 = u64::MAX;
    const TEXT: u64 = 0;
    const BOOL: u64 = 1;
    const NUMBER: u64 = 2;
    /// The longest text a cell may hold (1 GiB).
    pub const MAX_LEN: u64 = (1 << 30) - 1;

    pub fn text(start: u32, len: u64) -> u64 {
        (TEXT << TAG) | (u64::from(start) << 30) | len
    }

    pub fn boolean(b: bool) -> u64 {
        (BOOL << TAG) | u64::from(b)
    }

    pub fn number(index: usize) -> u64 {
        (NUMBER << TAG) | index as u64
    }

    /// What a slot holds.
    pub enum Slot {
        Empty,
        Text(usize, usize),
        Bool(bool),
        Number(usize),
    }

    pub fn read(x: u64) -> Slot {
        match x >> TAG {
            0 => {
                let start = ((x >> 30) & 0xFFFF_FFFF) as usize;
                Slot::Text(start, start + (x & MAX_LEN) as usize)
            }
            1 => Slot::Bool(x & 1 == 1),
            2 => Slot::Number((x & ((1 << TAG) - 1)) as usize),
            _ => Slot::Empty,
        }
    }
}

/// The cells of one column, stored compactly.
#[derive(Debug, Clone, Default)]
pub struct RawColumn {
    slots: Vec<u64>,
    text: String,
    numbers: Vec<f64>,
}

impl RawColumn {
    fn with_rows(rows: usize) -> RawColumn {
        RawColumn {
            slots: Vec::with_capacity(rows),
            ..RawColumn::default()
        }
    }

    pub fn len(&self) -> usize {
        self.slots.len()
    }

    pub fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }

    /// The cell of data row `i`.
    pub fn get(&self, i: usize) -> Cell<'_> {
        match slot::read(self.slots[i]) {
            slot::Slot::Empty => Cell::Empty,
            slot::Slot::Text(a, b) => Cell::Text(Cow::Borrowed(&self.text[a..b])),
            slot::Slot::Number(k) => Cell::Number(self.numbers[k]),
            slot::Slot::Bool(b) => Cell::Bool(b),
        }
    }

    pub fn iter(&self) -> impl Iterator<Item = Cell<'_>> {
        (0..self.len()).map(|i| self.get(i))
    }

    /// Appends a cell; `false` when the column's text would pass 4 GiB (or one cell 1 GiB).
    fn push(&mut self, cell: &Cell) -> bool {
        let slot = match cell {
            Cell::Empty => slot::EMPTY,
            Cell::Number(x) => {
                self.numbers.push(*x);
                slot::number(self.numbers.len() - 1)
            }
            Cell::Bool(b) => slot::boolean(*b),
            Cell::Text(s) => {
                let start = self.text.len();
                let len = s.len() as u64;
                match u32::try_from(start) {
                    Ok(a) if len <= slot::MAX_LEN && u32::try_from(start + s.len()).is_ok() => {
                        self.text.push_str(s);
                        slot::text(a, len)
                    }
                    _ => return false,
                }
            }
        };
        self.slots.push(slot);
        true
    }
}

pub use crate::text::format_number;

/// A table read from one file (and one sheet), column by column.
#[derive(Debug, Clone)]
pub struct RawTable {
    pub path: PathBuf,
    /// The file as shown to the user.
    pub file: String,
    pub sheet: Option<String>,
    pub headers: Vec<String>,
    /// Excel row number (1-based) of the header row.
    pub header_row: u32,
    /// `columns[j].get(i)` is the cell of data row `i` in column `j`.
    pub columns: Vec<RawColumn>,
    /// Excel row number (1-based) of each data row.
    pub row_numbers: Vec<u32>,
    /// How the file was read (encoding, separator, header row): notes for the user.
    pub notes: Diagnostics,
}

impl RawTable {
    pub fn height(&self) -> usize {
        self.row_numbers.len()
    }

    /// The location of a file-level finding.
    pub fn location(&self) -> Location {
        Location::file(self.file.clone()).sheet(self.sheet.as_deref())
    }

    /// The location of the header of column `j`.
    pub fn header_location(&self, j: usize) -> Location {
        self.location()
            .row(self.header_row)
            .column(j, &self.headers[j])
    }

    /// The cell in data row `i`, column `j`.
    pub fn cell(&self, i: usize, j: usize) -> Cell<'_> {
        self.columns[j].get(i)
    }

    /// The location of the cell in data row `i`, column `j`.
    pub fn cell_location(&self, i: usize, j: usize) -> Location {
        self.location()
            .row(self.row_numbers[i])
            .column(j, &self.headers[j])
    }

    /// Builds a table from rows of cells: finds the header row, drops empty rows.
    /// `first_row` is the Excel row number of `rows[0]`. `max_cells` bounds the header's width
    /// times the rows (for workbooks, where empty cells cost nothing in the file).
    pub(crate) fn from_rows(
        path: &Path,
        file: String,
        sheet: Option<String>,
        rows: Vec<Vec<Cell<'_>>>,
        first_row: u32,
        notes: Diagnostics,
        max_cells: Option<u64>,
    ) -> Result<RawTable> {
        let mut builder = TableBuilder::new(path, file, sheet, first_row, notes, max_cells);
        for row in &rows {
            builder.push(row)?;
        }
        builder.finish()
    }
}

/// How many rows at the top of a sheet may hold its header (a title and notes may stand above).
const HEADER_SEARCH: usize = 20;

/// Builds a [`RawTable`] from rows pushed one at a time, so that a reader streams a file into
/// the table's columns without holding its rows: the first [`HEADER_SEARCH`] rows are kept until
/// the header is found among them, then every row goes straight into the columns.
pub(crate) struct TableBuilder {
    path: PathBuf,
    file: String,
    sheet: Option<String>,
    first_row: u32,
    notes: Diagnostics,
    max_cells: Option<u64>,
    /// The rows seen so far while the header is not yet known.
    head: Vec<Vec<Cell<'static>>>,
    /// Once the header is known: headers, header row, columns, row numbers.
    table: Option<Body>,
    /// Rows pushed so far (empty ones included).
    seen: usize,
    /// About how many rows the file holds, when known (0 otherwise).
    rows_hint: usize,
}

struct Body {
    headers: Vec<String>,
    header_row: u32,
    columns: Vec<RawColumn>,
    row_numbers: Vec<u32>,
}

impl TableBuilder {
    pub(crate) fn new(
        path: &Path,
        file: String,
        sheet: Option<String>,
        first_row: u32,
        notes: Diagnostics,
        max_cells: Option<u64>,
    ) -> TableBuilder {
        TableBuilder {
            path: path.to_path_buf(),
            file,
            sheet,
            first_row,
            notes,
            max_cells,
            head: Vec::new(),
            table: None,
            seen: 0,
            rows_hint: 0,
        }
    }

    /// About how many rows the file holds (its lines, for a CSV): the columns are made that
    /// long at once instead of growing, as far as the cell bound allows.
    pub(crate) fn rows_hint(mut self, rows: usize) -> TableBuilder {
        self.rows_hint = rows;
        self
    }

    fn location(&self) -> Location {
        Location::file(self.file.clone()).sheet(self.sheet.as_deref())
    }

    /// Adds the next row of the sheet (an empty slice for an empty row).
    pub(crate) fn push(&mut self, row: &[Cell<'_>]) -> Result<()> {
        let offset = self.seen;
        self.seen += 1;
        if self.table.is_none() {
            self.head.push(row.iter().map(owned).collect());
            if self.head.len() == HEADER_SEARCH {
                self.find_header()?;
            }
            return Ok(());
        }
        self.data_row(offset, row)
    }

    /// Finds the header among the rows held, then moves the rows below it into the columns.
    fn find_header(&mut self) -> Result<()> {
        let nonempty = |r: &Vec<Cell<'_>>| r.iter().filter(|c| !c.is_empty()).count();
        let widest = self.head.iter().map(nonempty).max().unwrap_or(0);
        let header_idx = self
            .head
            .iter()
            .position(|r| {
                let n = nonempty(r);
                n > 0 && (n * 2 >= widest || n >= 2 && widest <= 2)
            })
            .ok_or_else(|| Error::input(self.location(), "no header row: the table is empty"))?;
        let header_row = self.first_row + header_idx as u32;
        if header_idx > 0 && self.head[..header_idx].iter().any(|r| nonempty(r) > 0) {
            // How the file's layout was read: a note (a title above the header is common in
            // spreadsheets typed by hand), which says which row was taken as the header.
            let at = self.location().row(header_row);
            self.notes.note(
                "header-below-title",
                at,
                msg!(
                    "header-below-title",
                    header_row = header_row,
                    n = header_idx
                ),
            );
        }
        let head = std::mem::take(&mut self.head);
        let header_cells = &head[header_idx];
        let width = header_cells
            .iter()
            .rposition(|c| !c.is_empty())
            .map_or(0, |p| p + 1);
        let mut headers = Vec::with_capacity(width);
        for (j, c) in header_cells.iter().take(width).enumerate() {
            let h = c.as_text().trim().to_string();
            if h.is_empty() {
                let at = self.location().row(header_row).column(j, "");
                self.notes.warning("empty-header", at, msg!("empty-header"));
            }
            headers.push(h);
        }
        let bound = self.max_cells.unwrap_or(0) as usize;
        let rows = if self.rows_hint.saturating_mul(width.max(1)) <= bound {
            self.rows_hint
        } else {
            0
        };
        self.table = Some(Body {
            headers,
            header_row,
            columns: (0..width).map(|_| RawColumn::with_rows(rows)).collect(),
            row_numbers: Vec::with_capacity(rows),
        });
        for (offset, row) in head.iter().enumerate().skip(header_idx + 1) {
            self.data_row(offset, row)?;
        }
        Ok(())
    }

    /// Puts a row below the header into the columns (an empty row is skipped).
    fn data_row(&mut self, offset: usize, row: &[Cell<'_>]) -> Result<()> {
        let location = self.location();
        let Some(body) = self.table.as_mut() else {
            return Ok(());
        };
        let width = body.columns.len();
        // Every data row is held as wide as the header: one stray header cell far to the right
        // would make a million rows of thousands of empty cells.
        if let Some(max_cells) = self.max_cells {
            let rows =
                (offset as u64).saturating_sub(body.header_row as u64 - self.first_row as u64);
            if (width as u64).saturating_mul(rows) > max_cells {
                return Err(Error::input(
                    location.row(body.header_row),
                    format!(
                        "the header spans {width} columns: the rows below it would hold more than {max_cells} cells, more than the memory a reader may take here: it is refused (set CAPAKIT_MAX_MEMORY_MB or CAPAKIT_MAX_CELLS to allow more)"
                    ),
                ));
            }
        }
        if row.iter().all(Cell::is_empty) {
            return Ok(());
        }
        let row_number = self.first_row + offset as u32;
        if let Some(extra) = row.iter().skip(width).position(|c| !c.is_empty()) {
            let j = width + extra;
            self.notes.warning(
                "cell-without-header",
                location.clone().row(row_number).column(j, ""),
                msg!("cell-without-header"),
            );
        }
        for (j, column) in body.columns.iter_mut().enumerate() {
            if !column.push(row.get(j).unwrap_or(&Cell::Empty)) {
                return Err(Error::input(
                    location.column(j, &body.headers[j]),
                    "this column holds more than 4 GiB of text: split the file",
                ));
            }
        }
        body.row_numbers.push(row_number);
        Ok(())
    }

    /// The table, once every row has been pushed.
    pub(crate) fn finish(mut self) -> Result<RawTable> {
        if self.table.is_none() {
            self.find_header()?;
        }
        let Some(body) = self.table else {
            return Err(Error::input(
                Location::file(self.file).sheet(self.sheet.as_deref()),
                "no header row: the table is empty",
            ));
        };
        Ok(RawTable {
            path: self.path,
            file: self.file,
            sheet: self.sheet,
            headers: body.headers,
            header_row: body.header_row,
            columns: body.columns,
            row_numbers: body.row_numbers,
            notes: self.notes,
        })
    }
}

/// A cell that owns its text.
fn owned(c: &Cell<'_>) -> Cell<'static> {
    match c {
        Cell::Empty => Cell::Empty,
        Cell::Text(s) => Cell::Text(Cow::Owned(s.to_string())),
        Cell::Number(x) => Cell::Number(*x),
        Cell::Bool(b) => Cell::Bool(*b),
    }
}

/// The kinds of file capakit reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Workbook,
}

/// The format of `path`, from its extension.
pub fn format_of(path: &Path, shown: &str) -> Result<Format> {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    match ext.as_str() {
        "csv" | "txt" | "tsv" => Ok(Format::Csv),
        "xlsx" | "xlsm" | "xls" | "xlsb" | "ods" => Ok(Format::Workbook),
        _ => Err(Error::input(
            Location::file(shown),
            format!("cannot read files of type '.{ext}': capakit reads .csv, .xlsx, .xls and .ods"),
        )),
    }
}

/// Reads a data table from a CSV file or one sheet of a workbook (the first sheet when `sheet` is
/// `None`). `shown` is the name used in messages.
pub fn read_table(path: &Path, shown: &str, sheet: Option<&str>) -> Result<RawTable> {
    match format_of(path, shown)? {
        Format::Csv => csv::read_csv(path, shown),
        Format::Workbook => read_sheet(path, shown, sheet),
    }
}

#[cfg(test)]
mod column_tests {
    use super::*;

    #[test]
    fn a_column_gives_back_every_kind_of_cell_as_pushed() {
        let cells = [
            Cell::Text(Cow::Borrowed("Prato")),
            Cell::Empty,
            Cell::Number(-2.5),
            Cell::Bool(true),
            Cell::Text(Cow::Borrowed("")),
            Cell::Bool(false),
            Cell::Number(f64::MAX),
            Cell::Text(Cow::Borrowed("é ü")),
        ];
        let mut c = RawColumn::default();
        for cell in &cells {
            assert!(c.push(cell));
        }
        let back: Vec<Cell> = c.iter().collect();
        assert_eq!(back, cells);
        assert_eq!(std::mem::size_of_val(&c.slots[0]), 8);
    }
}
