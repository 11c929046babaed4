//! Typing and validating the cells of one column: choices (by name or by label), numbers (decimal
//! comma accepted), ranges, dates, select_multiple answers, territories with aliases.

use crate::diagnostics::Arg;
use crate::msg;
use std::collections::BTreeMap;

use crate::diagnostics::{show_value, Diagnostics, Location};
use crate::ingest::{format_number, Cell, RawColumn, RawTable};
use crate::instrument::{ChoiceList, Instrument, Item, ItemKind};
use crate::study::Study;

use super::dataset::Column;
use super::Mapping;
pub use crate::text::parse_number;

/// A date as `YYYY-MM-DD` from ISO (`2024-03-05`, with or without a time) or Italian
/// (`05/03/2024`) writing; `None` when it is not a valid date.
pub fn parse_date(s: &str) -> Option<String> {
    let s = s.trim();
    let date_part = s.split(['T', ' ']).next()?;
    let (y, m, d) = if date_part.contains('-') {
        let mut p = date_part.split('-');
        (p.next()?, p.next()?, p.next()?)
    } else if date_part.contains('/') {
        let mut p = date_part.split('/');
        let (d, m, y) = (p.next()?, p.next()?, p.next()?);
        (y, m, d)
    } else {
        return None;
    };
    let (y, m, d): (i32, u32, u32) = (y.parse().ok()?, m.parse().ok()?, d.parse().ok()?);
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return None,
    };
    ((1..=days).contains(&d) && (1900..=2100).contains(&y)).then(|| format!("{y:04}-{m:02}-{d:02}"))
}

fn choices_preview(list: &ChoiceList) -> String {
    let names: Vec<&str> = list
        .choices
        .iter()
        .take(12)
        .map(|c| c.name.as_str())
        .collect();
    let more = if list.choices.len() > 12 { ", …" } else { "" };
    format!("{}{more}", names.join(", "))
}

/// The trimmed text of a non-empty cell, borrowed when the cell holds text.
fn cell_str<'a>(cell: &'a Cell<'_>) -> Option<std::borrow::Cow<'a, str>> {
    let text = match cell {
        Cell::Empty => return None,
        Cell::Text(s) => std::borrow::Cow::Borrowed(s.trim()),
        other => std::borrow::Cow::Owned(other.as_text()),
    };
    (!text.is_empty()).then_some(text)
}

fn cell_text(cell: &Cell) -> Option<String> {
    cell_str(cell).map(|c| c.into_owned())
}

/// A text column copied as it is (ids, free text).
pub fn text_column(name: &str, cells: &RawColumn) -> Column {
    let values: Vec<Option<String>> = cells.iter().map(|c| cell_text(&c)).collect();
    Column::new(name.into(), values)
}

/// The design-weight column: non-negative numbers; an empty, non-numeric or negative weight is an
/// error at its cell (the run stops rather than weigh a respondent wrongly).
pub fn weight_column(name: &str, table: &RawTable, j: usize, diags: &mut Diagnostics) -> Column {
    let values: Vec<Option<f64>> = (0..table.height())
        .map(|i| {
            let cell = table.cell(i, j);
            let value = match &cell {
                Cell::Number(x) => Some(*x),
                Cell::Empty => None,
                other => parse_number(&other.as_text()),
            };
            match value {
                Some(w) if w >= 0.0 => Some(w),
                Some(_) => {
                    diags.error(
                        "bad-weight",
                        table.cell_location(i, j),
                        msg!("bad-weight-negative", value = Arg::value(&cell.as_text())),
                    );
                    None
                }
                None if cell.is_empty() => {
                    diags.error(
                        "missing-weight",
                        table.cell_location(i, j),
                        msg!("missing-weight"),
                    );
                    None
                }
                None => {
                    diags.error(
                        "bad-weight",
                        table.cell_location(i, j),
                        msg!(
                            "bad-weight-not-a-number",
                            value = Arg::value(&cell.as_text())
                        ),
                    );
                    None
                }
            }
        })
        .collect();
    Column::new(name.into(), values)
}

/// The territory column: each spelling resolved to the study's canonical name.
pub fn territory_column(
    name: &str,
    table: &RawTable,
    j: usize,
    study: &Study,
    diags: &mut Diagnostics,
) -> Column {
    let cells = &table.columns[j];
    if study.territories().is_empty() {
        return text_column(name, cells);
    }
    let known: Vec<&str> = study
        .territories()
        .iter()
        .map(|t| t.name.as_str())
        .collect();
    let mut aliases: BTreeMap<(String, String), (usize, Location)> = BTreeMap::new();
    let values: Vec<Option<String>> = cells
        .iter()
        .enumerate()
        .map(|(i, cell)| {
            let raw = cell_text(&cell)?;
            match study.resolve_territory(&raw) {
                Some(t) => {
                    let spelled = cell.as_text();
                    if spelled != t && !study.geography.is_code(&spelled) {
                        aliases
                            .entry((spelled, t.to_string()))
                            .or_insert((0, table.cell_location(i, j)))
                            .0 += 1;
                    }
                    Some(t.to_string())
                }
                None => {
                    diags.error(
                        "unknown-territory",
                        table.cell_location(i, j),
                        msg!(
                            "unknown-territory",
                            value = Arg::value(&raw),
                            known = known.join(", ")
                        ),
                    );
                    None
                }
            }
        })
        .collect();
    let mut aliases: Vec<_> = aliases.into_iter().collect();
    aliases.sort_by_key(|a| a.1 .1.row);
    for ((spelled, canonical), (n, loc)) in aliases {
        diags.note(
            "territory-alias",
            loc,
            // The spelling resolved to a territory of the study: it is one of the study's own
            // names or aliases as typed (case, spaces, accents), never free text, so a report
            // shows it as written.
            msg!(
                "territory-alias",
                spelled = Arg::Spelling(show_value(&spelled)),
                territory = canonical,
                n = n
            ),
        );
    }
    Column::new(name.into(), values)
}

/// A column of waves: each value is a wave of the study (its id, or its label), kept as the
/// wave's id; anything else is an error.
pub fn wave_column(
    name: &str,
    table: &RawTable,
    j: usize,
    study: &Study,
    diags: &mut Diagnostics,
) -> Column {
    let known: Vec<&str> = study.waves.iter().map(|w| w.id.as_str()).collect();
    let values: Vec<Option<String>> = table.columns[j]
        .iter()
        .enumerate()
        .map(|(i, cell)| {
            let Some(raw) = cell_text(&cell) else {
                diags.warning(
                    "missing-wave",
                    table.cell_location(i, j),
                    msg!("missing-wave"),
                );
                return None;
            };
            match study.resolve_wave(&raw) {
                Some(w) => Some(study.waves[w].id.clone()),
                None => {
                    diags.error(
                        "unknown-wave",
                        table.cell_location(i, j),
                        msg!(
                            "unknown-wave",
                            value = Arg::value(&raw),
                            known = known.join(", ")
                        ),
                    );
                    None
                }
            }
        })
        .collect();
    Column::new(name.into(), values)
}

/// The typed column of one item.
pub fn item_column(
    table: &RawTable,
    item: &Item,
    mapping: &Mapping,
    instrument: &Instrument,
    diags: &mut Diagnostics,
) -> Column {
    let name = item.name.as_str();
    let list = instrument.list_of(item);
    match (&item.kind, mapping, list) {
        (ItemKind::SelectOne, Mapping::Single(j), Some(list)) => {
            let cells = &table.columns[*j];
            // The position of the chosen choice, or a located error.
            let resolve = |i: usize, cell: &Cell<'_>, diags: &mut Diagnostics| {
                let raw = cell_str(cell)?;
                match list.position(&raw) {
                    Some(k) => Some(k),
                    None => {
                        diags.error(
                            "value-not-in-choices",
                            table.cell_location(i, *j),
                            msg!(
                                "value-not-in-choices",
                                value = Arg::value(&raw),
                                list = &list.name,
                                choices = choices_preview(list)
                            ),
                        );
                        None
                    }
                }
            };
            if list.is_numeric() {
                let scores: Vec<Option<f64>> =
                    list.choices.iter().map(|c| list.score(&c.name)).collect();
                let v: Vec<Option<f64>> = cells
                    .iter()
                    .enumerate()
                    .map(|(i, c)| resolve(i, &c, diags).and_then(|k| scores[k]))
                    .collect();
                Column::new(name.into(), v)
            } else {
                let v: Vec<Option<&str>> = cells
                    .iter()
                    .enumerate()
                    .map(|(i, c)| resolve(i, &c, diags).map(|k| list.choices[k].name.as_str()))
                    .collect();
                Column::new(name.into(), v)
            }
        }
        (ItemKind::SelectMultiple, _, Some(list)) => {
            select_multiple(table, name, mapping, list, diags)
        }
        (ItemKind::Integer | ItemKind::Decimal, Mapping::Single(j), _) => {
            let v: Vec<Option<f64>> = table.columns[*j]
                .iter()
                .enumerate()
                .map(|(i, c)| number(table, item, i, *j, &c, diags))
                .collect();
            Column::new(name.into(), v)
        }
        (ItemKind::Date, Mapping::Single(j), _) => {
            let v: Vec<Option<String>> = table.columns[*j]
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    let raw = cell_text(&c)?;
                    let parsed = parse_date(&raw);
                    if parsed.is_none() {
                        diags.error(
                            "not-a-date",
                            table.cell_location(i, *j),
                            msg!("not-a-date", value = Arg::value(&raw)),
                        );
                    }
                    parsed
                })
                .collect();
            Column::new(name.into(), v)
        }
        _ => text_column(name, &table.columns[mapping.index()]),
    }
}

fn number(
    table: &RawTable,
    item: &Item,
    i: usize,
    j: usize,
    cell: &Cell,
    diags: &mut Diagnostics,
) -> Option<f64> {
    let x = match cell {
        Cell::Number(x) => *x,
        Cell::Empty => return None,
        other => {
            let raw = other.as_text();
            if raw.trim().is_empty() {
                return None;
            }
            match parse_number(&raw) {
                Some(x) => x,
                None => {
                    diags.error(
                        "not-a-number",
                        table.cell_location(i, j),
                        msg!("not-a-number", value = Arg::value(&raw)),
                    );
                    return None;
                }
            }
        }
    };
    if item.kind == ItemKind::Integer && x.fract() != 0.0 {
        diags.error(
            "not-an-integer",
            table.cell_location(i, j),
            msg!("not-an-integer", number = format_number(x)),
        );
        return None;
    }
    let below = item.min.is_some_and(|b| {
        if b.inclusive {
            x < b.value
        } else {
            x <= b.value
        }
    });
    let above = item.max.is_some_and(|b| {
        if b.inclusive {
            x > b.value
        } else {
            x >= b.value
        }
    });
    if below || above {
        let bound = |b: Option<crate::instrument::Bound>, lo: bool| match b {
            Some(b) => format!(
                "{}{}",
                match (lo, b.inclusive) {
                    (true, true) => "≥ ",
                    (true, false) => "> ",
                    (false, true) => "≤ ",
                    (false, false) => "< ",
                },
                format_number(b.value)
            ),
            None => String::new(),
        };
        let range: Arg = match (bound(item.min, true), bound(item.max, false)) {
            (low, high) if !low.is_empty() && !high.is_empty() => {
                msg!("range-both", low = low, high = high).into()
            }
            (low, high) => (low + &high).into(),
        };
        diags.error(
            "out-of-range",
            table.cell_location(i, j),
            msg!("out-of-range", number = format_number(x), range = range),
        );
        return None;
    }
    Some(x)
}

fn select_multiple(
    table: &RawTable,
    name: &str,
    mapping: &Mapping,
    list: &ChoiceList,
    diags: &mut Diagnostics,
) -> Column {
    let order = |n: &str| {
        list.choices
            .iter()
            .position(|c| c.name == n)
            .unwrap_or(usize::MAX)
    };
    // The choices of the space-separated column on row `i` (`None`: empty), and whether every
    // word was a choice.
    let from_text = |i: usize, j: usize, diags: &mut Diagnostics| {
        let raw = cell_text(&table.cell(i, j))?;
        let mut chosen: Vec<String> = Vec::new();
        let mut read = true;
        for token in raw.split_whitespace() {
            match list.resolve(token) {
                Some(c) => chosen.push(c.name.clone()),
                None => {
                    read = false;
                    diags.error(
                        "value-not-in-choices",
                        table.cell_location(i, j),
                        msg!(
                            "value-not-in-choices",
                            value = Arg::value(token),
                            list = &list.name,
                            choices = choices_preview(list)
                        ),
                    )
                }
            }
        }
        Some((chosen, read))
    };
    // The choices of the 0/1 columns on row `i` (`None`: all empty), and whether every cell was
    // 0 or 1.
    let from_options = |i: usize, options: &[(String, usize)], diags: &mut Diagnostics| {
        let mut chosen: Vec<String> = Vec::new();
        let (mut answered, mut read) = (false, true);
        for (option, j) in options {
            let cell = table.cell(i, *j);
            if cell.is_empty() {
                continue;
            }
            answered = true;
            match cell.zero_one() {
                Some(true) => chosen.push(option.clone()),
                Some(false) => {}
                None => {
                    read = false;
                    diags.error(
                        "value-not-0-1",
                        table.cell_location(i, *j),
                        msg!("value-not-0-1", value = Arg::value(&cell.as_text())),
                    )
                }
            }
        }
        answered.then_some((chosen, read))
    };
    let sorted = |mut chosen: Vec<String>| {
        chosen.sort_by_key(|c| order(c));
        chosen.dedup();
        chosen
    };
    let height = table.height();
    let values: Vec<Option<String>> = (0..height)
        .map(|i| {
            let chosen = match mapping {
                Mapping::Single(j) => sorted(from_text(i, *j, diags)?.0),
                Mapping::Options {
                    main: Some(j),
                    options,
                } if options.is_empty() => sorted(from_text(i, *j, diags)?.0),
                Mapping::Options {
                    main: None,
                    options,
                } => sorted(from_options(i, options, diags)?.0),
                // A KoboToolbox export holds both: they must say the same.
                Mapping::Options {
                    main: Some(j),
                    options,
                } => {
                    let text = from_text(i, *j, diags);
                    let columns = from_options(i, options, diags);
                    match (text, columns) {
                        (None, None) => return None,
                        (Some((t, _)), None) => sorted(t),
                        (Some((t, false)), _) => sorted(t),
                        (t, Some((o, read))) => {
                            let (t, o) = (sorted(t.map(|t| t.0).unwrap_or_default()), sorted(o));
                            if !read || t == o {
                                if t.is_empty() && cell_text(&table.cell(i, *j)).is_none() {
                                    return None;
                                }
                                t
                            } else {
                                let headers: Vec<&str> = options
                                    .iter()
                                    .filter(|(name, _)| o.contains(name))
                                    .map(|(_, k)| table.headers[*k].as_str())
                                    .collect();
                                diags.error(
                                    "select-multiple-disagree",
                                    table.cell_location(i, *j),
                                    msg!(
                                        "select-multiple-disagree",
                                        name = name,
                                        text = Arg::value(&t.join(" ")),
                                        said = t.len(),
                                        choices = o.join(" "),
                                        headers = headers.join(", "),
                                        chosen = o.len()
                                    ),
                                );
                                return None;
                            }
                        }
                    }
                }
            };
            Some(chosen.join(" "))
        })
        .collect();
    Column::new(name.into(), values)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_as_people_type_them() {
        assert_eq!(parse_number("3"), Some(3.0));
        assert_eq!(parse_number(" 3,5 "), Some(3.5));
        assert_eq!(parse_number("1.250,5"), Some(1250.5));
        assert_eq!(parse_number("1,250.5"), Some(1250.5));
        assert_eq!(parse_number("tre"), None);
        assert_eq!(parse_number("NaN"), None);
        assert_eq!(parse_number("inf"), None);
    }

    #[test]
    fn dates_iso_and_italian() {
        assert_eq!(parse_date("2024-03-05").as_deref(), Some("2024-03-05"));
        assert_eq!(parse_date("05/03/2024").as_deref(), Some("2024-03-05"));
        assert_eq!(parse_date("2024-02-30"), None);
        assert_eq!(parse_date("2023-02-29"), None);
        assert_eq!(
            parse_date("2024-02-29T10:00:00").as_deref(),
            Some("2024-02-29")
        );
        assert_eq!(parse_date("ieri"), None);
    }
}
