//! A sessions source checked (`kind = "sessions"`): a log of programme sessions, one row per
//! session of a person (a mentoring meeting), with its date and optionally its mentor, its length
//! in minutes and the person's date of entry into the programme. Findings name file, row and
//! column: a row without a person or with an unreadable date, minutes that are not a positive
//! number, a session dated before the person's entry, a person whose entry date differs between
//! rows.

use crate::diagnostics::Arg;
use crate::msg;
use std::collections::BTreeMap;

use super::records::{header, optional_header, text_of};
use crate::diagnostics::Diagnostics;
use crate::error::Result;
use crate::ingest::{read_table, Cell};
use crate::study::{SessionSource, Study};

/// One session of the log.
#[derive(Debug, Clone)]
pub struct Session {
    /// The person's id as written (trimmed): linked to the survey's ids by the analysis.
    pub person: String,
    /// Days since 1970-01-01.
    pub day: i64,
    pub mentor: Option<String>,
    pub minutes: Option<f64>,
    /// The person's date of entry into the programme (days since 1970-01-01), when the log
    /// has it.
    pub entry: Option<i64>,
    /// The row's number in the file, as Excel shows it.
    pub row: u32,
}

/// A checked sessions log.
#[derive(Debug, Clone)]
pub struct SessionLog {
    pub source: String,
    /// The file as shown to the user.
    pub file: String,
    /// The usable sessions (a person and a date), in the file's order.
    pub rows: Vec<Session>,
    pub has_mentor: bool,
    pub has_minutes: bool,
    pub has_entry: bool,
}

impl SessionLog {
    /// Different people in the log.
    pub fn people(&self) -> usize {
        self.rows
            .iter()
            .map(|s| s.person.as_str())
            .collect::<std::collections::BTreeSet<_>>()
            .len()
    }
}

/// Days since 1970-01-01 of a civil date (H. Hinnant's `days_from_civil`).
pub fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// A date cell (ISO or Italian writing, or a spreadsheet date) as days since 1970-01-01.
fn day_of(text: &str) -> Option<i64> {
    let iso = crate::check::values::parse_date(text)?;
    let mut p = iso.split('-').map(|x| x.parse::<i64>().ok());
    Some(days_from_civil(p.next()??, p.next()??, p.next()??))
}

/// Reads and checks one sessions log.
pub fn check_sessions(study: &Study, source: &SessionSource) -> Result<(SessionLog, Diagnostics)> {
    let shown = study.display_path(&source.path);
    let mut table = read_table(&source.path, &shown, source.sheet.as_deref())?;
    let mut d = Diagnostics::default();
    d.extend(std::mem::take(&mut table.notes));
    let person_j = header(&table, &source.person_column, "person_column", study)?;
    let date_j = header(&table, &source.date_column, "date_column", study)?;
    let mentor_j = optional_header(
        &table,
        source.mentor_column.as_deref(),
        "mentor_column",
        study,
    )?;
    let minutes_j = optional_header(
        &table,
        source.minutes_column.as_deref(),
        "minutes_column",
        study,
    )?;
    let entry_j = optional_header(
        &table,
        source.entry_column.as_deref(),
        "entry_column",
        study,
    )?;
    let mut rows = Vec::new();
    // Each person's entry date, as first written (row, day).
    let mut entries: BTreeMap<String, (u32, i64)> = BTreeMap::new();
    for i in 0..table.height() {
        let here = |j: usize| table.cell_location(i, j);
        let Some(person) = text_of(&table.cell(i, person_j)) else {
            if (0..table.headers.len()).any(|j| text_of(&table.cell(i, j)).is_some()) {
                d.error("sessions-person", here(person_j), msg!("sessions-person"));
            }
            continue;
        };
        let date = text_of(&table.cell(i, date_j));
        let Some(day) = date.as_deref().and_then(day_of) else {
            d.error(
                "sessions-date",
                here(date_j),
                match date {
                    Some(t) => msg!("not-a-date", value = Arg::value(&t)),
                    None => msg!("sessions-no-date"),
                },
            );
            continue;
        };
        let minutes = match minutes_j.map(|j| (j, table.cell(i, j))) {
            None | Some((_, Cell::Empty)) => None,
            Some((j, cell)) => {
                let text = cell.as_text();
                match crate::check::parse_number(&text) {
                    Some(x) if x.is_finite() && x > 0.0 => Some(x),
                    _ => {
                        d.error(
                            "sessions-minutes",
                            here(j),
                            msg!("sessions-minutes", value = Arg::value(&text)),
                        );
                        None
                    }
                }
            }
        };
        let mut entry = None;
        if let Some(j) = entry_j {
            match text_of(&table.cell(i, j)) {
                None => {}
                Some(t) => match day_of(&t) {
                    None => d.error(
                        "sessions-date",
                        here(j),
                        msg!("not-a-date", value = Arg::value(&t)),
                    ),
                    Some(e) => {
                        let row = table.row_numbers[i];
                        let (first_row, first) = *entries.entry(person.clone()).or_insert((row, e));
                        if first != e {
                            d.warning(
                                "sessions-entry",
                                here(j),
                                msg!("sessions-entry", first_row = first_row),
                            );
                        }
                        if day < first {
                            d.warning(
                                "sessions-before-entry",
                                here(date_j),
                                msg!("sessions-before-entry"),
                            );
                        }
                        entry = Some(first);
                    }
                },
            }
        }
        rows.push(Session {
            person,
            day,
            mentor: mentor_j.and_then(|j| text_of(&table.cell(i, j))),
            minutes,
            entry,
            row: table.row_numbers[i],
        });
    }
    // A person's entry written on one row only holds for every row of that person.
    for s in &mut rows {
        if s.entry.is_none() {
            s.entry = entries.get(&s.person).map(|(_, e)| *e);
        }
    }
    Ok((
        SessionLog {
            source: source.name.clone(),
            file: shown,
            rows,
            has_mentor: mentor_j.is_some(),
            has_minutes: minutes_j.is_some(),
            has_entry: entry_j.is_some(),
        },
        d,
    ))
}

#[cfg(test)]
mod tests {
    use super::days_from_civil;

    #[test]
    fn days_from_civil_counts_from_1970() {
        // Python 3: (date(2024, 3, 1) - date(1970, 1, 1)).days → 19783;
        // (date(2000, 2, 29) - date(1970, 1, 1)).days → 11016; date(1969, 12, 31) → -1
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2024, 3, 1), 19783);
        assert_eq!(days_from_civil(2000, 2, 29), 11016);
        assert_eq!(days_from_civil(1969, 12, 31), -1);
    }
}
