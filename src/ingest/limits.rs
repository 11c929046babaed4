//! Bounds on what a spreadsheet may make capakit decompress and hold, checked before any parser
//! sees the file: a workbook is a zip archive, and a small one can expand to gigabytes (a
//! "decompression bomb") or declare repeated rows and columns by the million.
//!
//! The bounds follow the file, not fixed totals, so that a national export of a million
//! respondents reads with no setting while a bomb does not: an archive may expand to at most
//! [`ARCHIVE_RATIO`] times its own size (real sheets compress 5 to 20 times; bombs thousands),
//! one sizeable part at most [`PART_RATIO`] times, and the cells a sheet makes a reader hold are
//! bounded by the memory they need ([`BYTES_PER_CELL`] each) against a budget: half the memory
//! the machine has available, or `CAPAKIT_MAX_MEMORY_MB`. `CAPAKIT_MAX_UNZIPPED_MB` and
//! `CAPAKIT_MAX_CELLS` still set explicit totals.

use std::io::Read;
use std::path::Path;

use quick_xml::events::Event;

use crate::diagnostics::Location;
use crate::error::{Error, Result};

/// How many times its own size a whole workbook archive may expand.
pub const ARCHIVE_RATIO: u64 = 100;
/// How many times a sizeable part (over 1 MB once expanded) may expand.
pub const PART_RATIO: u64 = 1000;
/// Bytes an archive may always expand to, whatever its size (small workbooks).
pub const UNZIPPED_FLOOR: u64 = 256 * 1024 * 1024;
/// Memory a cell of a table read from a CSV file takes (its slot and a little text): a short
/// record padded to a header of a million columns costs this much per column.
pub const BYTES_PER_SLOT: u64 = 24;
/// Memory a cell held by a reader takes, with its share of the row and the table built from it
/// (calamine's dense ranges for .ods and .xls; the streamed .xlsx path takes somewhat less).
pub const BYTES_PER_CELL: u64 = 128;

/// Limits on one workbook.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Explicit total of uncompressed bytes (`CAPAKIT_MAX_UNZIPPED_MB`); otherwise
    /// [`ARCHIVE_RATIO`] times the archive's size, at least [`UNZIPPED_FLOOR`], and at most the
    /// memory budget (a reader may hold a whole part, such as the shared strings).
    pub unzipped: Option<u64>,
    /// The memory a reader may take, in bytes.
    pub memory: u64,
    /// Largest ratio of uncompressed to compressed size of one sizeable entry.
    pub ratio: u64,
    /// Entries in the archive.
    pub entries: usize,
    /// Cells a reader may hold for one workbook: `CAPAKIT_MAX_CELLS`, or the memory budget
    /// divided by [`BYTES_PER_CELL`].
    pub cells: u64,
    /// Cells a table read from a CSV file may hold (a slot and a little text each):
    /// `CAPAKIT_MAX_CELLS`, or the memory budget divided by [`BYTES_PER_SLOT`].
    pub table_cells: u64,
}

/// Half the memory this process may use: what the machine has available (Linux's
/// MemAvailable), or less where an address-space limit (`ulimit -v`) or a control group's
/// memory limit says so; 4 GB where none can be read.
fn available_memory() -> u64 {
    let read = |path: &str| std::fs::read_to_string(path).ok();
    let mut bytes: Vec<u64> = Vec::new();
    if let Some(m) = read("/proc/meminfo") {
        bytes.extend(
            m.lines()
                .find_map(|l| l.strip_prefix("MemAvailable:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
                .map(|kb| kb * 1024),
        );
    }
    if let Some(l) = read("/proc/self/limits") {
        bytes.extend(
            l.lines()
                .find_map(|l| l.strip_prefix("Max address space"))
                .and_then(|v| v.split_whitespace().next())
                .and_then(|v| v.parse::<u64>().ok()),
        );
    }
    if let Some(c) = read("/sys/fs/cgroup/memory.max") {
        bytes.extend(c.trim().parse::<u64>().ok());
    }
    bytes.into_iter().min().unwrap_or(8 * 1024 * 1024 * 1024) / 2
}

impl Limits {
    /// The limits for this machine, or as set by `CAPAKIT_MAX_MEMORY_MB`,
    /// `CAPAKIT_MAX_UNZIPPED_MB` and `CAPAKIT_MAX_CELLS`.
    pub fn from_env() -> Limits {
        let var = |name: &str| {
            std::env::var(name)
                .ok()
                .and_then(|v| v.trim().parse::<u64>().ok())
        };
        let memory = var("CAPAKIT_MAX_MEMORY_MB")
            .map(|mb| mb.saturating_mul(1024 * 1024))
            .unwrap_or_else(available_memory);
        let cells = var("CAPAKIT_MAX_CELLS");
        Limits {
            unzipped: var("CAPAKIT_MAX_UNZIPPED_MB").map(|mb| mb.saturating_mul(1024 * 1024)),
            memory,
            ratio: PART_RATIO,
            entries: 10_000,
            cells: cells.unwrap_or(memory / BYTES_PER_CELL),
            table_cells: cells.unwrap_or(memory / BYTES_PER_SLOT),
        }
    }

    /// The uncompressed bytes allowed for an archive of `compressed` bytes.
    pub fn unzipped_for(&self, compressed: u64) -> u64 {
        self.unzipped.unwrap_or_else(|| {
            UNZIPPED_FLOOR
                .max(compressed.saturating_mul(ARCHIVE_RATIO))
                .min(self.memory.max(UNZIPPED_FLOOR))
        })
    }
}

/// Why `limit` cells are refused, in words: the end of a message that names them.
pub fn refused_for_memory(limit: u64) -> String {
    format!(
        "it is refused, as a reader would take more than {} MB of memory here (set CAPAKIT_MAX_MEMORY_MB or CAPAKIT_MAX_CELLS to allow more)",
        limit.saturating_mul(BYTES_PER_CELL) / (1024 * 1024)
    )
}

fn refuse(shown: &str, message: String) -> Error {
    Error::input(Location::file(shown), message)
}

/// Checks a zip-based workbook (.xlsx, .xlsm, .xlsb, .ods) against `limits` by reading its
/// directory and then decompressing every entry into nothing, stopping at the limit: a damaged
/// or truncated archive, too many entries, or more data than allowed is refused before a parser
/// opens it. For .ods, also refuses sheets whose repeated rows and columns would expand beyond
/// the cell limit.
pub fn check_archive(path: &Path, shown: &str, limits: Limits) -> Result<()> {
    let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let size = file.metadata().map_err(|e| Error::io(path, e))?.len();
    let unzipped = limits.unzipped_for(size);
    let mut zip = zip::ZipArchive::new(std::io::BufReader::new(file)).map_err(|e| {
        refuse(
            shown,
            format!("this workbook is damaged or truncated (not a readable zip archive: {e}); save it again from Excel or LibreOffice"),
        )
    })?;
    if zip.len() > limits.entries {
        return Err(refuse(
            shown,
            format!(
                "this workbook holds {} parts, more than the {} a spreadsheet needs: it is not a normal workbook",
                zip.len(),
                limits.entries
            ),
        ));
    }
    let too_big = || {
        refuse(
            shown,
            format!(
                "this workbook expands to more than {} MB ({}): it is refused as a possible decompression bomb (set CAPAKIT_MAX_UNZIPPED_MB to allow more)",
                unzipped / (1024 * 1024),
                if limits.unzipped.is_some() {
                    "CAPAKIT_MAX_UNZIPPED_MB".to_string()
                } else if unzipped < size.saturating_mul(ARCHIVE_RATIO) {
                    "the memory a reader may take here".to_string()
                } else {
                    format!("over {ARCHIVE_RATIO} times its size")
                }
            ),
        )
    };
    let is_ods = path
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("ods"));
    let mut total: u64 = 0;
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).map_err(|e| {
            refuse(
                shown,
                format!("part {i} of this workbook cannot be read: {e}"),
            )
        })?;
        let (declared, compressed) = (entry.size(), entry.compressed_size());
        if total.saturating_add(declared) > unzipped {
            return Err(too_big());
        }
        if declared > 1024 * 1024 && declared / compressed.max(1) > limits.ratio {
            return Err(refuse(
                shown,
                format!(
                    "part '{}' of this workbook expands {}-fold: it is refused as a possible decompression bomb",
                    entry.name().unwrap_or_default(),
                    declared / compressed.max(1)
                ),
            ));
        }
        let name = entry.name().unwrap_or_default().to_string();
        // Decompress for real (a declared size can lie), once: an .ods sheet's repeated rows and
        // columns are counted on the way.
        let budget = unzipped - total;
        let mut bounded = (&mut entry).take(budget + 1);
        if is_ods && name == "content.xml" {
            let cells = ods_expanded_cells(std::io::BufReader::new(&mut bounded), limits.cells);
            if cells > limits.cells {
                return Err(refuse(
                    shown,
                    format!(
                        "this spreadsheet's repeated rows and columns expand to more than {} cells: {}",
                        limits.cells,
                        refused_for_memory(limits.cells)
                    ),
                ));
            }
        }
        std::io::copy(&mut bounded, &mut std::io::sink()).map_err(|e| {
            refuse(
                shown,
                format!("part '{name}' of this workbook is damaged: {e}"),
            )
        })?;
        let read = budget + 1 - bounded.limit();
        if read > budget {
            return Err(too_big());
        }
        total += read;
    }
    Ok(())
}

/// Checks a legacy .xls workbook before calamine opens it. Its compound-document structure is
/// read by the `cfb` crate, which validates sector chains: calamine's own reader follows a
/// looping chain until memory runs out (found by fuzzing), so a file `cfb` cannot read is refused
/// here. Then calamine reads every sheet at once into a rectangle spanning its cells, and a BIFF
/// cell record may name any of 65,536 × 65,536 positions, so a tiny crafted file could ask for
/// 137 GB: workbooks whose sheets would span more than the cell limit are refused.
pub fn check_xls(path: &Path, shown: &str, limits: Limits) -> Result<()> {
    let damaged = |why: String| {
        refuse(
            shown,
            format!("this .xls workbook is damaged ({why}); save it again as .xlsx or .ods"),
        )
    };
    let mut doc =
        cfb::open(path).map_err(|e| damaged(format!("not a readable Office document: {e}")))?;
    let name = ["/Workbook", "/Book"]
        .into_iter()
        .find(|n| doc.is_stream(n))
        .ok_or_else(|| damaged("it holds no workbook".into()))?;
    let stream = doc
        .open_stream(name)
        .map_err(|e| damaged(format!("its workbook cannot be read: {e}")))?;
    let size = std::fs::metadata(path)
        .map_err(|e| Error::io(path, e))?
        .len();
    let unzipped = limits.unzipped_for(size);
    let mut data = Vec::new();
    stream
        .take(unzipped + 1)
        .read_to_end(&mut data)
        .map_err(|e| damaged(format!("its workbook cannot be read: {e}")))?;
    if data.len() as u64 > unzipped {
        return Err(refuse(
            shown,
            format!(
                "this workbook holds more than {} MB of data (set CAPAKIT_MAX_UNZIPPED_MB to allow more)",
                unzipped / (1024 * 1024)
            ),
        ));
    }
    let cells = biff_spanned_cells(&data);
    if cells > limits.cells {
        return Err(refuse(
            shown,
            format!(
                "this workbook's sheets span more than {} cells (where its cells lie, or the size it declares, would make a reader hold that whole rectangle): {}",
                limits.cells,
                refused_for_memory(limits.cells)
            ),
        ));
    }
    Ok(())
}

/// The cells of the rectangles each sheet of a BIFF workbook stream makes a reader hold: the span
/// of its cell records, or what its DIMENSIONS record declares (calamine reserves that much
/// room, with its own arithmetic, mirrored here), whichever is larger.
pub fn biff_spanned_cells(data: &[u8]) -> u64 {
    let u16_at = |b: &[u8], i: usize| -> Option<u64> {
        Some(u16::from_le_bytes([*b.get(i)?, *b.get(i + 1)?]) as u64)
    };
    let u32_at = |b: &[u8], i: usize| -> Option<u32> {
        Some(u32::from_le_bytes([
            *b.get(i)?,
            *b.get(i + 1)?,
            *b.get(i + 2)?,
            *b.get(i + 3)?,
        ]))
    };
    let small = |b: &[u8], i: usize| u16_at(b, i).map(|v| v as u32);
    let mut total: u64 = 0;
    let mut bounds: Option<(u64, u64, u64, u64)> = None;
    let mut declared: u64 = 0;
    let span = |b: Option<(u64, u64, u64, u64)>| {
        b.map_or(0, |(r0, r1, c0, c1)| {
            (r1 - r0 + 1).saturating_mul(c1 - c0 + 1)
        })
    };
    let mut pos = 0;
    while let (Some(kind), Some(len)) = (u16_at(data, pos), u16_at(data, pos + 2)) {
        let body = &data[(pos + 4).min(data.len())..(pos + 4 + len as usize).min(data.len())];
        pos += 4 + len as usize;
        let cells: Option<(u64, u64, u64)> = match kind {
            // BOF: a new sheet (or chart) substream.
            0x0809 => {
                total = total.saturating_add(span(bounds.take()).max(declared));
                declared = 0;
                None
            }
            // DIMENSIONS: first row, last row + 1, first column, last column + 1.
            0x0200 => {
                let dims = match body.len() {
                    10 => Some((
                        small(body, 0),
                        small(body, 2),
                        small(body, 4),
                        small(body, 6),
                    )),
                    14 | 16 => Some((
                        u32_at(body, 0),
                        u32_at(body, 4),
                        small(body, 8),
                        small(body, 10),
                    )),
                    _ => None,
                };
                if let Some((Some(rf), Some(rl), Some(mut cf), Some(cl))) = dims {
                    if cf > 0xFF || cl < cf {
                        cf = 0;
                    }
                    if rl >= 1 && cl >= 1 {
                        let rows = (rl - 1).wrapping_sub(rf).wrapping_add(1) as u64;
                        let cols = (cl - 1).wrapping_sub(cf).wrapping_add(1) as u64;
                        declared = declared.max(rows.saturating_mul(cols));
                    }
                }
                None
            }
            // NUMBER, RK, LABELSST, LABEL, BOOLERR, BLANK, FORMULA, RSTRING: row, column.
            0x0203 | 0x027E | 0x00FD | 0x0204 | 0x0205 | 0x0201 | 0x0006 | 0x00D6 => {
                match (u16_at(body, 0), u16_at(body, 2)) {
                    (Some(r), Some(c)) => Some((r, c, c)),
                    _ => None,
                }
            }
            // MULRK, MULBLANK: row, first column, …, last column.
            0x00BD | 0x00BE => match (
                u16_at(body, 0),
                u16_at(body, 2),
                body.len().checked_sub(2).and_then(|i| u16_at(body, i)),
            ) {
                (Some(r), Some(c0), Some(c1)) => Some((r, c0.min(c1), c0.max(c1))),
                _ => None,
            },
            _ => None,
        };
        if let Some((r, c0, c1)) = cells {
            bounds = Some(match bounds {
                None => (r, r, c0, c1),
                Some((r0, r1, a, b)) => (r0.min(r), r1.max(r), a.min(c0), b.max(c1)),
            });
        }
    }
    total.saturating_add(span(bounds).max(declared))
}

/// How many cells an OpenDocument spreadsheet's content expands to once repeated rows and columns
/// are written out, as a reader would hold them (trailing empty rows and cells, which readers
/// drop, are not counted); stops counting past `stop`. A malformed document counts as what was
/// read so far (the parser will report it).
pub fn ods_expanded_cells<R: std::io::BufRead>(reader: R, stop: u64) -> u64 {
    let mut xml = quick_xml::Reader::from_reader(reader);
    let mut buf = Vec::new();
    let mut total: u64 = 0;
    let (mut row_rep, mut width, mut pending_cols, mut row_has_value) = (1u64, 0u64, 0u64, false);
    let mut widest: u64 = 0;
    let mut pending_rows: u64 = 0;
    let repeat = |e: &quick_xml::events::BytesStart, key: &str| -> u64 {
        e.attributes()
            .flatten()
            .find(|a| a.key.0 == key)
            .and_then(|a| a.value.trim().parse::<u64>().ok())
            .unwrap_or(1)
            .max(1)
    };
    loop {
        let event = match xml.read_event_into(&mut buf) {
            Ok(Event::Eof) | Err(_) => break,
            Ok(e) => e,
        };
        match event {
            Event::Start(e) | Event::Empty(e) => match e.name().0 {
                "table:table" => {
                    pending_rows = 0;
                    widest = 0;
                }
                "table:table-row" => {
                    row_rep = repeat(&e, "table:number-rows-repeated");
                    width = 0;
                    pending_cols = 0;
                    row_has_value = false;
                }
                "table:table-cell" | "table:covered-table-cell" => {
                    let cols = repeat(&e, "table:number-columns-repeated").min(16_384);
                    let valued = e
                        .attributes()
                        .flatten()
                        .any(|a| a.key.0 == "office:value-type");
                    if valued {
                        width += pending_cols + cols;
                        pending_cols = 0;
                        row_has_value = true;
                    } else {
                        pending_cols += cols;
                    }
                }
                _ => {}
            },
            Event::End(e) if e.name().0 == "table:table-row" => {
                if row_has_value {
                    widest = widest.max(width);
                    // Empty rows between filled ones are written out too.
                    total = total
                        .saturating_add(pending_rows.saturating_mul(widest))
                        .saturating_add(row_rep.saturating_mul(width));
                    pending_rows = 0;
                } else {
                    pending_rows = pending_rows.saturating_add(row_rep);
                }
                if total > stop {
                    return total;
                }
            }
            _ => {}
        }
        buf.clear();
    }
    total
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_archive_may_expand_in_proportion_to_its_size() {
        let limits = Limits {
            unzipped: None,
            memory: 30_000_000_000,
            ratio: PART_RATIO,
            entries: 10_000,
            cells: 1_000,
            table_cells: 1_000,
        };
        // A small workbook: the floor. A 259 MB export of a million respondents: 25.9 GB.
        assert_eq!(limits.unzipped_for(10_000), UNZIPPED_FLOOR);
        assert_eq!(limits.unzipped_for(259_000_000), 25_900_000_000);
        let set = Limits {
            unzipped: Some(5),
            ..limits
        };
        assert_eq!(set.unzipped_for(259_000_000), 5);
        // Never more than the memory a reader may take.
        let small = Limits {
            memory: 2_000_000_000,
            ..limits
        };
        assert_eq!(small.unzipped_for(259_000_000), 2_000_000_000);
        assert!(refused_for_memory(1_000_000).contains("more than 122 MB of memory"));
    }

    #[test]
    fn biff_cell_records_span_their_rectangle() {
        let record = |kind: u16, body: &[u8]| {
            let mut r = kind.to_le_bytes().to_vec();
            r.extend((body.len() as u16).to_le_bytes());
            r.extend(body);
            r
        };
        let number = |row: u16, col: u16| {
            let mut b = row.to_le_bytes().to_vec();
            b.extend(col.to_le_bytes());
            b.extend([0, 0]);
            b.extend(1.5f64.to_le_bytes());
            record(0x0203, &b)
        };
        let mut stream = record(0x0809, &[0; 16]);
        stream.extend(number(0, 0));
        stream.extend(number(9, 4));
        stream.extend(record(0x000A, &[]));
        assert_eq!(biff_spanned_cells(&stream), 10 * 5);
        // Two sheets add up; a far cell spans the whole grid.
        stream.extend(record(0x0809, &[0; 16]));
        stream.extend(number(0, 0));
        stream.extend(number(65535, 65535));
        assert_eq!(biff_spanned_cells(&stream), 50 + 65536 * 65536);
        // A DIMENSIONS record declaring the whole BIFF8 grid (rows 0..65,536, columns 0..256).
        let mut dims = record(0x0809, &[0; 16]);
        let mut body = 0u32.to_le_bytes().to_vec();
        body.extend(65_536u32.to_le_bytes());
        body.extend(0u16.to_le_bytes());
        body.extend(256u16.to_le_bytes());
        body.extend([0, 0]);
        dims.extend(record(0x0200, &body));
        assert_eq!(biff_spanned_cells(&dims), 65_536 * 256);
        // Without the far cell; and a truncated record ends the scan without a panic.
        assert_eq!(biff_spanned_cells(&stream[..stream.len() - 18]), 50 + 1);
        for cut in 0..stream.len() {
            biff_spanned_cells(&stream[..cut]);
        }
    }

    #[test]
    fn repeated_rows_and_columns_are_counted_as_written_out() {
        let row = |rep: u64, cells: &str| {
            format!(
                "<table:table-row table:number-rows-repeated=\"{rep}\">{cells}</table:table-row>"
            )
        };
        let valued = "<table:table-cell office:value-type=\"float\" office:value=\"1\"/>";
        let wide = format!(
            "<table:table-cell table:number-columns-repeated=\"3\"/>{valued}<table:table-cell table:number-columns-repeated=\"1000\"/>"
        );
        let doc = format!(
            "<office:document-content><table:table>{}{}{}{}</table:table></office:document-content>",
            row(1, &wide),                   // 4 cells (trailing empties dropped)
            row(5, "<table:table-cell/>"),   // empty rows between: 5 × 4
            row(10, &format!("{valued}{valued}")), // 10 × 2
            row(1_000_000, "<table:table-cell/>"), // trailing empty rows: none
        );
        assert_eq!(ods_expanded_cells(doc.as_bytes(), u64::MAX), 4 + 20 + 20);
        // A bomb: a filled row repeated a million times, 16,384 wide.
        let bomb = format!(
            "<table:table>{}</table:table>",
            row(1_000_000, "<table:table-cell office:value-type=\"string\" table:number-columns-repeated=\"16384\"/>")
        );
        assert!(ods_expanded_cells(bomb.as_bytes(), 50_000_000) > 50_000_000);
    }
}
