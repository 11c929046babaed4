//! XLSForm (.xlsx, .xls, .ods) → [`Instrument`].
//!
//! Reads the `survey`, `choices` and `settings` sheets the way pyxform does (headers and sheet names
//! are case-insensitive, `label::English (en)`, `label:English` and plain `label` all work), plus
//! capakit's own columns that form servers ignore: `scale`, `reverse`, `dimension`, and an optional
//! `scales` sheet with scale labels. Items inside repeats are skipped with a note: their answers
//! live in separate export sheets. Anything that cannot be used is refused with its sheet, row and
//! column.

use crate::msg;
use std::collections::BTreeMap;
use std::path::Path;

use crate::diagnostics::{Diagnostics, Location};
use crate::error::{Error, Result};
use crate::ingest::{read_sheet, sheet_names, RawTable};

use super::columns::{
    self, CONSTRAINT, CONSTRAINT_MESSAGE, DEFAULT_LANGUAGE, DIMENSION, FORM_ID, FORM_TITLE, LABEL,
    LIST_NAME, LIST_NAME_SPACED, NAME, RELEVANT, REQUIRED, REVERSE, SCALE, SCALES_SHEET, TYPE,
    VALUE, VERSION,
};
use super::syntax::{is_true, label_language, parse_bounds, parse_type, STRUCTURE};
use super::{Choice, ChoiceList, Instrument, Item, ItemKind, Labels, Scale};

/// A sheet's columns by lower-cased, trimmed header; the first of duplicated headers wins.
struct Sheet {
    table: RawTable,
    columns: BTreeMap<String, usize>,
}

impl Sheet {
    fn new(table: RawTable, notes: &mut Diagnostics) -> Sheet {
        let mut columns = BTreeMap::new();
        for (j, h) in table.headers.iter().enumerate() {
            let key = h.trim().to_lowercase();
            if key.is_empty() {
                continue;
            }
            match columns.entry(key) {
                std::collections::btree_map::Entry::Occupied(_) => notes.note(
                    "duplicate-column",
                    table.header_location(j),
                    msg!("duplicate-column-form", column = h),
                ),
                std::collections::btree_map::Entry::Vacant(v) => {
                    v.insert(j);
                }
            }
        }
        Sheet { table, columns }
    }

    fn text(&self, i: usize, key: &str) -> Option<String> {
        let j = *self.columns.get(key)?;
        let cell = self.table.cell(i, j);
        (!cell.is_empty()).then(|| cell.as_text().trim().to_string())
    }

    /// Labels from every `label…` column of row `i`, by language code.
    fn labels(&self, i: usize, prefix: &str) -> Labels {
        let mut labels = Labels::new();
        for (key, &j) in &self.columns {
            if let Some(lang) = label_language(key, prefix) {
                let cell = self.table.cell(i, j);
                if !cell.is_empty() {
                    labels
                        .entry(lang)
                        .or_insert_with(|| cell.as_text().trim().to_string());
                }
            }
        }
        labels
    }

    fn languages(&self, prefix: &str) -> Vec<String> {
        let mut langs: Vec<(usize, String)> = self
            .columns
            .iter()
            .filter_map(|(k, &j)| label_language(k, prefix).map(|l| (j, l)))
            .collect();
        langs.sort();
        langs
            .into_iter()
            .map(|(_, l)| l)
            .filter(|l| !l.is_empty())
            .collect()
    }

    fn at(&self, i: usize, key: &str) -> Location {
        let j = self.columns.get(key).copied().unwrap_or(0);
        self.table.cell_location(i, j)
    }
}

/// Every column of the `scales` sheet that capakit does not read is an error naming the closest
/// one it reads: a `scale` header instead of `name` would leave every scale unlabelled.
fn unknown_scales_columns(sh: &Sheet, notes: &mut Diagnostics) {
    let known = || columns::SCALES.iter().map(|c| c.header);
    for (header, &j) in &sh.columns {
        if known().any(|k| k == header) || label_language(header, LABEL).is_some() {
            continue;
        }
        let column = sh.table.headers[j].trim();
        let reads = known()
            .map(|k| format!("'{k}'"))
            .collect::<Vec<_>>()
            .join(", ");
        let message = match columns::closest(header, known()) {
            Some((k, _)) => msg!(
                "unknown-scales-column-closest",
                column = column,
                reads = &reads,
                closest = k
            ),
            None => msg!("unknown-scales-column", column = column, reads = &reads),
        };
        notes.error("unknown-form-column", sh.table.header_location(j), message);
    }
}

/// A survey column that is none of XLSForm's but is spelt nearly as one of capakit's own
/// (`scales`, `reversed`, `dimensions`) is a warning: its values would be ignored. Other unknown
/// columns (KoboToolbox adds many) and language columns (`hint::English (en)`) say nothing.
fn misspelt_survey_columns(survey: &Sheet, notes: &mut Diagnostics) {
    let read = || columns::SURVEY.iter().map(|c| c.header);
    for (header, &j) in &survey.columns {
        if header.contains(':')
            || header.starts_with('$')
            || read().any(|k| k == header)
            || columns::SURVEY_OTHERS.contains(&header.as_str())
        {
            continue;
        }
        let own = columns::SURVEY
            .iter()
            .filter(|c| c.extension)
            .map(|c| c.header);
        if let Some((k, s)) = columns::closest(header, own) {
            if s >= columns::CLOSE_HEADER {
                notes.warning(
                    "unknown-form-column",
                    survey.table.header_location(j),
                    msg!(
                        "unknown-survey-column",
                        column = survey.table.headers[j].trim(),
                        closest = k
                    ),
                );
            }
        }
    }
}

/// The conditions joined by `and`, as written: one alone as it is, several each in parentheses
/// (the groups' outermost first, the question's own last).
fn all_of(conditions: impl Iterator<Item = String>) -> Option<String> {
    let conditions: Vec<String> = conditions.collect();
    match conditions.len() {
        0 => None,
        1 => conditions.into_iter().next(),
        _ => Some(
            conditions
                .iter()
                .map(|c| format!("({c})"))
                .collect::<Vec<_>>()
                .join(" and "),
        ),
    }
}

/// Reads an XLSForm. `shown` is the file name used in messages.
pub fn read_xlsform(path: &Path, shown: &str) -> Result<Instrument> {
    let names = sheet_names(path, shown)?;
    let find = |wanted: &str| {
        names
            .iter()
            .find(|n| n.trim().eq_ignore_ascii_case(wanted))
            .cloned()
    };
    let mut notes = Diagnostics::default();
    let survey_name = find("survey").ok_or_else(|| {
        Error::input(
            Location::file(shown),
            format!(
                "not an XLSForm: there is no 'survey' sheet (the sheets are: {})",
                names.join(", ")
            ),
        )
    })?;
    let survey = Sheet::new(read_sheet(path, shown, Some(&survey_name))?, &mut notes);
    for required in [TYPE, NAME] {
        if !survey.columns.contains_key(required) {
            return Err(Error::input(
                survey.table.location().row(survey.table.header_row),
                format!("the survey sheet has no '{required}' column"),
            ));
        }
    }
    let choices = match find("choices") {
        Some(n) => Some(Sheet::new(read_sheet(path, shown, Some(&n))?, &mut notes)),
        None => None,
    };
    let settings = match find("settings") {
        Some(n) => Some(Sheet::new(read_sheet(path, shown, Some(&n))?, &mut notes)),
        None => None,
    };
    let scales_sheet = match find(SCALES_SHEET) {
        Some(n) => Some(Sheet::new(read_sheet(path, shown, Some(&n))?, &mut notes)),
        None => None,
    };
    if let Some(sh) = &scales_sheet {
        unknown_scales_columns(sh, &mut notes);
    }
    misspelt_survey_columns(&survey, &mut notes);

    // Choice lists.
    let mut lists: BTreeMap<String, ChoiceList> = BTreeMap::new();
    if let Some(ch) = &choices {
        let list_key = [LIST_NAME, LIST_NAME_SPACED]
            .into_iter()
            .find(|k| ch.columns.contains_key(*k));
        let name_key = [NAME, VALUE]
            .into_iter()
            .find(|k| ch.columns.contains_key(*k));
        let (Some(list_key), Some(name_key)) = (list_key, name_key) else {
            return Err(Error::input(
                ch.table.location(),
                "the choices sheet needs a 'list_name' and a 'name' column",
            ));
        };
        for i in 0..ch.table.height() {
            let Some(list) = ch.text(i, list_key) else {
                continue;
            };
            let Some(name) = ch.text(i, name_key) else {
                return Err(Error::input(
                    ch.at(i, name_key),
                    format!("a choice of list '{list}' has no name"),
                ));
            };
            let entry = lists.entry(list.clone()).or_insert_with(|| ChoiceList {
                name: list.clone(),
                choices: Vec::new(),
            });
            if entry.choices.iter().any(|c| c.name == name) {
                notes.note(
                    "duplicate-choice",
                    ch.at(i, name_key),
                    msg!("duplicate-choice", choice = &name, list = &list),
                );
                continue;
            }
            entry.choices.push(Choice {
                name,
                labels: ch.labels(i, LABEL),
            });
        }
    }

    // Items.
    let mut items: Vec<Item> = Vec::new();
    let mut groups: Vec<String> = Vec::new();
    // The `relevant` of each enclosing group: it applies to every question inside.
    let mut group_relevant: Vec<Option<String>> = Vec::new();
    let mut repeat_depth = 0usize;
    for i in 0..survey.table.height() {
        let Some(raw_type) = survey.text(i, TYPE) else {
            continue;
        };
        let (kind_name, list) = parse_type(&raw_type);
        let name = survey.text(i, NAME).unwrap_or_default();
        let kind_name = kind_name.as_str();
        match kind_name {
            "begin group" | "begin_group" | "begin" => {
                groups.push(name);
                group_relevant.push(survey.text(i, "relevant"));
                continue;
            }
            "end group" | "end_group" => {
                groups.pop();
                group_relevant.pop();
                continue;
            }
            "begin repeat" | "begin_repeat" | "begin loop" | "begin_loop" => {
                if repeat_depth == 0 {
                    notes.warning(
                        "repeat-skipped",
                        survey.at(i, TYPE),
                        msg!("repeat-skipped", name = &name),
                    );
                }
                repeat_depth += 1;
                groups.push(name);
                group_relevant.push(None);
                continue;
            }
            "end repeat" | "end_repeat" | "end loop" | "end_loop" => {
                repeat_depth = repeat_depth.saturating_sub(1);
                groups.pop();
                group_relevant.pop();
                continue;
            }
            t if STRUCTURE.contains(&t) => continue,
            _ => {}
        }
        if kind_name.starts_with("begin loop") {
            repeat_depth += 1;
            groups.push(name);
            group_relevant.push(None);
            notes.warning("repeat-skipped", survey.at(i, TYPE), msg!("loop-skipped"));
            continue;
        }
        if repeat_depth > 0 {
            continue;
        }
        if name.is_empty() {
            return Err(Error::input(
                survey.at(i, NAME),
                format!("the question of type '{raw_type}' has no name"),
            ));
        }
        let kind = match kind_name {
            "select_one" => ItemKind::SelectOne,
            "select_multiple" => ItemKind::SelectMultiple,
            "integer" | "int" => ItemKind::Integer,
            "decimal" | "range" => ItemKind::Decimal,
            "text" | "string" => ItemKind::Text,
            "date" => ItemKind::Date,
            "calculate" => ItemKind::Calculate,
            other => ItemKind::Other(other.to_string()),
        };
        let list = match (&kind, list) {
            (ItemKind::SelectOne | ItemKind::SelectMultiple, Some(l)) => {
                if !lists.contains_key(&l) {
                    return Err(Error::input(
                        survey.at(i, TYPE),
                        format!("'{name}' uses the choice list '{l}', which the choices sheet does not define"),
                    ));
                }
                Some(l)
            }
            (ItemKind::SelectOne | ItemKind::SelectMultiple, None) => {
                return Err(Error::input(
                    survey.at(i, TYPE),
                    format!("'{raw_type}' names no choice list"),
                ))
            }
            _ => None,
        };
        if let Some(prev) = items.iter().find(|it| it.name == name) {
            return Err(Error::input(
                survey.at(i, NAME),
                format!("the name '{name}' is already used on row {}", prev.row),
            ));
        }
        let constraint = survey.text(i, CONSTRAINT);
        let (min, max) = constraint.as_deref().map_or((None, None), parse_bounds);
        // A constraint that is more than bounds on `.` is evaluated by the check.
        let constraint = constraint.filter(|_| min.is_none() && max.is_none());
        let reverse = survey.text(i, REVERSE).is_some_and(|r| is_true(&r));
        let scale = survey.text(i, SCALE);
        if reverse && scale.is_none() {
            return Err(Error::input(
                survey.at(i, REVERSE),
                format!("'{name}' is marked reverse-keyed but belongs to no scale"),
            ));
        }
        items.push(Item {
            name,
            kind,
            list,
            labels: survey.labels(i, LABEL),
            required: survey.text(i, REQUIRED).is_some_and(|r| is_true(&r)),
            relevant: all_of(
                group_relevant
                    .iter()
                    .flatten()
                    .cloned()
                    .chain(survey.text(i, RELEVANT)),
            ),
            min,
            max,
            constraint,
            constraint_message: survey.labels(i, CONSTRAINT_MESSAGE),
            scale,
            reverse,
            dimension: survey.text(i, DIMENSION),
            groups: groups.clone(),
            row: survey.table.row_numbers[i],
        });
    }

    // Scales: items in form order; labels from the optional `scales` sheet.
    let mut scales: Vec<Scale> = Vec::new();
    for item in &items {
        let Some(s) = &item.scale else { continue };
        match scales.iter_mut().find(|x| &x.name == s) {
            Some(scale) => scale.items.push(item.name.clone()),
            None => scales.push(Scale {
                name: s.clone(),
                labels: Labels::new(),
                dimension: item.dimension.clone(),
                items: vec![item.name.clone()],
            }),
        }
    }
    if let Some(sh) = &scales_sheet {
        for i in 0..sh.table.height() {
            let Some(name) = sh.text(i, NAME) else {
                continue;
            };
            match scales.iter_mut().find(|s| s.name == name) {
                Some(scale) => {
                    scale.labels = sh.labels(i, LABEL);
                    if let Some(d) = sh.text(i, DIMENSION) {
                        scale.dimension = Some(d);
                    }
                }
                None => notes.warning(
                    "unused-scale",
                    sh.at(i, NAME),
                    msg!("unused-scale", name = &name),
                ),
            }
        }
    }
    for scale in &scales {
        for name in &scale.items {
            let item = items
                .iter()
                .find(|i| &i.name == name)
                .expect("scale items come from items");
            let numeric = item
                .list
                .as_ref()
                .and_then(|l| lists.get(l))
                .is_some_and(ChoiceList::is_numeric);
            if !(numeric || item.kind.is_numeric()) {
                return Err(Error::input(
                    Location::file(shown).sheet(Some(&survey_name)).row(item.row),
                    format!(
                        "'{}' belongs to the scale '{}' but its answers are not numbers (use a select_one on a list named 1, 2, 3…, or an integer)",
                        item.name, scale.name
                    ),
                ));
            }
        }
    }

    let setting = |key: &str| {
        settings
            .as_ref()
            .filter(|s| s.table.height() > 0)
            .and_then(|s| s.text(0, key))
    };
    let mut languages = survey.languages(LABEL);
    if let Some(ch) = &choices {
        for l in ch.languages(LABEL) {
            if !languages.contains(&l) {
                languages.push(l);
            }
        }
    }
    let default_language = setting(DEFAULT_LANGUAGE)
        .map(|d| label_language(&format!("label::{d}"), "label").unwrap_or(d))
        .or_else(|| languages.first().cloned())
        .unwrap_or_default();

    Ok(Instrument {
        path: path.to_path_buf(),
        file: shown.to_string(),
        title: setting(FORM_TITLE),
        form_id: setting(FORM_ID),
        version: setting(VERSION),
        languages,
        default_language,
        items,
        lists,
        scales,
        notes,
    })
}
