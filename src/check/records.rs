//! A records source checked (`kind = "records"`): programme records with one row per territory
//! and wave, every other column a number (blank = not reported). Findings name file, row and
//! column: a territory or a wave the study does not know, the same territory and wave twice (or a
//! territory beside one of the territories it holds, which would count the same people twice),
//! text or a negative number where a number belongs.

use crate::diagnostics::Arg;
use crate::diagnostics::{Diagnostics, Location};
use crate::error::{Error, Result};
use crate::ingest::{read_table, Cell, RawTable};
use crate::msg;
use crate::study::{RecordSource, Study};

/// One row of the records.
#[derive(Debug, Clone)]
pub struct RecordRow {
    /// The territory (an index into the study's geography).
    pub territory: usize,
    /// The wave (an index into the study's waves); none for records of one period.
    pub wave: Option<usize>,
    /// The row's number in the file, as Excel shows it.
    pub row: u32,
    /// One value per column of [`Records::columns`]; `None` when not reported.
    pub values: Vec<Option<f64>>,
}

/// A checked records source.
#[derive(Debug, Clone)]
pub struct Records {
    pub source: String,
    /// The file as shown to the user.
    pub file: String,
    /// The number columns, in the file's order (the territory and wave columns left out).
    pub columns: Vec<String>,
    /// The rows whose territory and wave are known.
    pub rows: Vec<RecordRow>,
}

impl Records {
    /// The index of the number column headed `name` (exact, then ignoring case and spaces).
    pub fn column(&self, name: &str) -> Option<usize> {
        let wanted = name.trim();
        self.columns.iter().position(|c| c == wanted).or_else(|| {
            let lower = wanted.to_lowercase();
            self.columns.iter().position(|c| c.to_lowercase() == lower)
        })
    }
}

/// The column headed `name` (exact, then ignoring case and spaces), or an error listing the
/// columns the file has.
pub(crate) fn header(table: &RawTable, name: &str, key: &str, study: &Study) -> Result<usize> {
    crate::check::find_column(table, name).map_err(|_| {
        Error::input(
            table.location().row(table.header_row),
            format!(
                "{key} = '{name}' in {} names no column of this file (columns: {})",
                study.display_path(&study.file),
                table.headers.join(", ")
            ),
        )
    })
}

/// The column an optional `key` names, when it names one (an error listing the file's columns
/// when it names none of them).
pub(crate) fn optional_header(
    table: &RawTable,
    name: Option<&str>,
    key: &str,
    study: &Study,
) -> Result<Option<usize>> {
    name.map(|n| header(table, n, key, study)).transpose()
}

/// Reads and checks one records source.
pub fn check_records(study: &Study, source: &RecordSource) -> Result<(Records, Diagnostics)> {
    let shown = study.display_path(&source.path);
    let mut table = read_table(&source.path, &shown, source.sheet.as_deref())?;
    let mut d = Diagnostics::default();
    d.extend(std::mem::take(&mut table.notes));
    let territory_j = header(&table, &source.territory_column, "territory_column", study)?;
    let wave_j = optional_header(&table, source.wave_column.as_deref(), "wave_column", study)?;
    let number_js: Vec<usize> = (0..table.headers.len())
        .filter(|&j| j != territory_j && Some(j) != wave_j && !table.headers[j].trim().is_empty())
        .collect();
    let geography = &study.geography;
    let mut rows: Vec<RecordRow> = Vec::new();
    for i in 0..table.height() {
        let here = |j: usize| table.cell_location(i, j);
        let territory = match text_of(&table.cell(i, territory_j)) {
            None => {
                d.error(
                    "records-territory",
                    here(territory_j),
                    msg!("records-no-territory"),
                );
                None
            }
            Some(raw) => match geography.resolve(&raw) {
                Some(u) => Some(u),
                None => {
                    d.error(
                        "records-territory",
                        here(territory_j),
                        msg!(
                            "records-territory",
                            value = Arg::value(&raw),
                            levels = geography.levels.join(", ")
                        ),
                    );
                    None
                }
            },
        };
        let wave = match wave_j {
            None => Some(None),
            Some(j) => match text_of(&table.cell(i, j)) {
                None => {
                    d.error("records-wave", here(j), msg!("records-no-wave"));
                    None
                }
                Some(raw) => match study.resolve_wave(&raw) {
                    Some(w) => Some(Some(w)),
                    None => {
                        d.error(
                            "records-wave",
                            here(j),
                            msg!(
                                "records-wave",
                                value = Arg::value(&raw),
                                known = study
                                    .waves
                                    .iter()
                                    .map(|w| w.id.as_str())
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            ),
                        );
                        None
                    }
                },
            },
        };
        let mut values = Vec::with_capacity(number_js.len());
        for &j in &number_js {
            values.push(match table.cell(i, j) {
                Cell::Empty => None,
                Cell::Number(x) => checked_number(x, &text_of_number(x), here(j), &mut d),
                other => {
                    let text = other.as_text();
                    match crate::check::parse_number(&text) {
                        Some(x) => checked_number(x, &text, here(j), &mut d),
                        None => {
                            d.error(
                                "records-not-a-number",
                                here(j),
                                msg!("records-not-a-number-column", value = Arg::value(&text)),
                            );
                            None
                        }
                    }
                }
            });
        }
        let (Some(territory), Some(wave)) = (territory, wave) else {
            continue;
        };
        // The same territory twice in a wave, or a territory beside one it holds (or one that
        // holds it): the same people would be counted twice.
        let clash = rows.iter().find(|r| {
            r.wave == wave
                && (r.territory == territory
                    || within(geography, r.territory, territory)
                    || within(geography, territory, r.territory))
        });
        if let Some(first) = clash {
            let name = |u: usize| geography.units[u].name.as_str();
            let (here_name, first_name) = (name(territory), name(first.territory));
            let message = match (first.territory == territory, wave) {
                (true, None) => msg!(
                    "records-duplicate",
                    territory = here_name,
                    first_row = first.row
                ),
                (true, Some(w)) => msg!(
                    "records-duplicate-in-wave",
                    territory = here_name,
                    wave = &study.waves[w].id,
                    first_row = first.row
                ),
                (false, None) => msg!(
                    "records-nested",
                    territory = here_name,
                    other = first_name,
                    first_row = first.row
                ),
                (false, Some(w)) => msg!(
                    "records-nested-in-wave",
                    territory = here_name,
                    other = first_name,
                    wave = &study.waves[w].id,
                    first_row = first.row
                ),
            };
            d.error("records-duplicate", here(territory_j), message);
            continue;
        }
        rows.push(RecordRow {
            territory,
            wave,
            row: table.row_numbers[i],
            values,
        });
    }
    Ok((
        Records {
            source: source.name.clone(),
            file: shown,
            columns: number_js
                .iter()
                .map(|&j| table.headers[j].trim().to_string())
                .collect(),
            rows,
        },
        d,
    ))
}

/// Whether `unit` lies (strictly) inside `outer`.
fn within(g: &crate::geography::Geography, unit: usize, outer: usize) -> bool {
    let mut u = g.units[unit].parent;
    while let Some(p) = u {
        if p == outer {
            return true;
        }
        u = g.units[p].parent;
    }
    false
}

pub(crate) fn text_of(cell: &Cell) -> Option<String> {
    match cell {
        Cell::Empty => None,
        c => Some(c.as_text().trim().to_string()).filter(|s| !s.is_empty()),
    }
}

fn text_of_number(x: f64) -> String {
    crate::ingest::format_number(x)
}

/// A number as published: finite and not negative (an error at its cell otherwise).
fn checked_number(x: f64, text: &str, at: Location, d: &mut Diagnostics) -> Option<f64> {
    if !x.is_finite() {
        d.error(
            "records-not-a-number",
            at,
            msg!("not-a-number", value = Arg::value(text)),
        );
        None
    } else if x < 0.0 {
        d.error(
            "records-negative",
            at,
            msg!("records-negative", value = Arg::value(text)),
        );
        None
    } else {
        Some(x)
    }
}
