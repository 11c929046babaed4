//! A workbook whose first sheet is not the answers (a "Leggimi" sheet first): when study.toml
//! names no `sheet` and the first sheet has fewer than half of the questionnaire's questions as
//! columns, the other sheets are read and, if one has more, the check stops with the list of
//! sheets and the `sheet = "…"` line to add.

use crate::diagnostics::{Diagnostics, Location};
use crate::error::{Error, Result};
use crate::ingest::{read_sheet, sheet_names, RawTable};
use crate::instrument::{Instrument, ItemKind};
use crate::study::{Source, Study};

/// How many of the questionnaire's questions have a column in `table`.
fn questions_in(table: &RawTable, instrument: &Instrument, source: &Source) -> usize {
    let mut ignored = Diagnostics::default();
    super::map_columns(table, instrument, source, &mut ignored)
        .by_item
        .len()
}

/// Refuses the first sheet of a workbook read without a `sheet` when another sheet matches the
/// questionnaire better, suggesting it.
pub(super) fn check_first_sheet(
    study: &Study,
    source: &Source,
    shown: &str,
    table: &RawTable,
    instrument: &Instrument,
) -> Result<()> {
    let Some(first) = table.sheet.as_deref() else {
        return Ok(());
    };
    if source.sheet.is_some() {
        return Ok(());
    }
    let questions = instrument
        .items
        .iter()
        .filter(|i| super::exported(&i.kind) && i.kind != ItemKind::Calculate)
        .count();
    let here = questions_in(table, instrument, source);
    if 2 * here >= questions {
        return Ok(());
    }
    let names = sheet_names(&source.path, shown)?;
    let mut best: Option<(usize, &str)> = None;
    for name in names.iter().filter(|n| n.as_str() != first) {
        let Ok(other) = read_sheet(&source.path, shown, Some(name)) else {
            continue;
        };
        let n = questions_in(&other, instrument, source);
        if n > here && best.is_none_or(|(b, _)| n > b) {
            best = Some((n, name));
        }
    }
    let Some((n, name)) = best else {
        return Ok(());
    };
    Err(Error::input(
        Location::file(shown).sheet(Some(first)),
        format!(
            "the first sheet, '{first}', does not hold the answers: {here} of the questionnaire's {questions} questions have a column there. The workbook's sheets are: {}. The sheet '{name}' has {n} of them: add sheet = \"{name}\" to this source ([[sources]] with name = \"{}\") in {}",
            names.join(", "),
            source.name,
            study.display_path(&study.file)
        ),
    ))
}
