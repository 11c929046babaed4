//! The form's own conditions on the typed answers, question by question in form order: `relevant`
//! (an answer given where the question was not asked is reported and left out, as ODK Collect
//! clears it), `required` (enforced where the question was asked), and `constraint` expressions
//! beyond bounds on `.` (a value the form would have refused is an error, left out like a value
//! outside its range). Each expression is parsed once; a question whose expression capakit does
//! not read gets one note, not a finding per row.

use crate::diagnostics::{show_value, Arg, Diagnostics, Location};
use crate::ingest::{format_number, RawTable};
use crate::instrument::relevant::{value_at, Expr, Value};
use crate::instrument::{label_in, Instrument, Item};
use crate::msg;

use super::dataset::{Column, ColumnData};
use super::Mapping;

/// An expression of the form read and its questions found among the file's columns; why not,
/// in words, when it cannot be.
fn parse(text: &str, columns: &[Column]) -> Result<(Expr, Vec<(String, usize)>), String> {
    let expr = Expr::parse(text.trim()).map_err(|e| e.to_string())?;
    let refs = resolve(&expr, columns)
        .map_err(|n| format!("it names '{n}', which has no column in this file"))?;
    Ok((expr, refs))
}

/// The references of `expr` resolved to columns; `Err(name)` for the first that has none.
fn resolve(expr: &Expr, columns: &[Column]) -> Result<Vec<(String, usize)>, String> {
    expr.references()
        .into_iter()
        .map(|name| match columns.iter().position(|c| c.name == name) {
            Some(k) => Ok((name.to_string(), k)),
            None => Err(name.to_string()),
        })
        .collect()
}

/// The value of every reference on row `i`, `.` being column `this`.
fn answer<'a>(
    refs: &'a [(String, usize)],
    columns: &'a [Column],
    this: usize,
    i: usize,
) -> impl Fn(&str) -> Value + 'a {
    move |name: &str| {
        if name == "." {
            return value_at(&columns[this], i);
        }
        match refs.iter().find(|(n, _)| n == name) {
            Some(&(_, k)) => value_at(&columns[k], i),
            None => Value::Str(String::new()),
        }
    }
}

fn survey_row(instrument: &Instrument, item: &Item) -> Location {
    Location::file(&instrument.file)
        .sheet(Some("survey"))
        .row(item.row)
}

/// An answer as a message shows it.
fn shown(column: &Column, i: usize) -> String {
    match &column.data {
        ColumnData::Numbers(v) => format_number(v[i]),
        _ => show_value(column.text(i).unwrap_or_default()),
    }
}

/// What the rules need to know of the typed columns.
pub(super) struct Typed<'a> {
    pub table: &'a RawTable,
    pub instrument: &'a Instrument,
    /// The study's language, for constraint messages.
    pub lang: &'a str,
    /// The items with a column, in form order: `columns[k]` is `mapped[k]`'s.
    pub mapped: &'a [(&'a Item, &'a Mapping)],
    /// Per item, the rows whose cell held something that did not fit (already reported).
    pub misfits: &'a [Vec<u32>],
    /// Rows left out as a whole (totals rows, rows with many errors): not checked here.
    pub skip: &'a [bool],
    /// The id column.
    pub id: Option<&'a str>,
}

/// Applies `relevant`, `required` and `constraint` to the typed columns, leaving out what they
/// refuse.
pub(super) fn apply(t: &Typed, columns: &mut [Column], diags: &mut Diagnostics) {
    let height = t.table.height();
    let skipped = |i: usize| t.skip.get(i).copied().unwrap_or(false);
    for (k, (item, mapping)) in t.mapped.iter().enumerate() {
        let j = mapping.index();
        // Who was asked: `None` is everyone (no `relevant`, or one that is not read).
        let mut asked: Option<Vec<bool>> = None;
        let mut relevant_read = true;
        if let Some(text) = item.relevant.as_deref() {
            match parse(text, columns) {
                Ok((expr, refs)) => {
                    let holds: Vec<bool> = (0..height)
                        .map(|i| skipped(i) || expr.holds(&answer(&refs, columns, k, i)))
                        .collect();
                    for (i, &h) in holds.iter().enumerate() {
                        if !h && !columns[k].is_missing(i) {
                            diags.warning(
                                "not-relevant",
                                t.table.cell_location(i, j),
                                msg!(
                                    "not-relevant",
                                    value = Arg::Value(shown(&columns[k], i)),
                                    condition = text.trim()
                                ),
                            );
                            columns[k].clear(i);
                        }
                    }
                    asked = Some(holds);
                }
                Err(why) => {
                    relevant_read = false;
                    diags.note(
                        "relevant-unread",
                        survey_row(t.instrument, item),
                        msg!(
                            "relevant-unread",
                            name = &item.name,
                            condition = text.trim(),
                            why = why
                        ),
                    );
                }
            }
        }

        // An id item with a `relevant` has its empty cells reported as missing ids.
        let id_with_condition = t.id == Some(item.name.as_str()) && item.relevant.is_some();
        if item.required && relevant_read && !id_with_condition {
            let misfit: std::collections::HashSet<u32> = t.misfits[k].iter().copied().collect();
            for i in 0..height {
                if skipped(i)
                    || !columns[k].is_missing(i)
                    || misfit.contains(&(i as u32))
                    || asked.as_ref().is_some_and(|a| !a[i])
                {
                    continue;
                }
                diags.error(
                    "required-missing",
                    t.table.cell_location(i, j),
                    msg!("required-missing", name = &item.name),
                );
            }
        }

        if let Some(text) = item.constraint.as_deref() {
            match parse(text, columns) {
                Ok((expr, refs)) => {
                    let message = label_in(
                        &item.constraint_message,
                        t.lang,
                        &t.instrument.default_language,
                        "",
                    );
                    for i in 0..height {
                        if skipped(i) || columns[k].is_missing(i) {
                            continue;
                        }
                        if expr.holds(&answer(&refs, columns, k, i)) {
                            continue;
                        }
                        let value = shown(&columns[k], i);
                        diags.error(
                            "constraint-broken",
                            t.table.cell_location(i, j),
                            if message.is_empty() {
                                msg!(
                                    "constraint-broken",
                                    value = Arg::Value(value),
                                    constraint = text.trim()
                                )
                            } else {
                                msg!(
                                    "constraint-broken-message",
                                    value = Arg::Value(value),
                                    constraint = text.trim(),
                                    message = message
                                )
                            },
                        );
                        columns[k].clear(i);
                    }
                }
                Err(why) => diags.note(
                    "constraint-unread",
                    survey_row(t.instrument, item),
                    msg!(
                        "constraint-unread",
                        name = &item.name,
                        constraint = text.trim(),
                        why = why
                    ),
                ),
            }
        }
    }
}
