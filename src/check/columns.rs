//! Which column of the file holds which item: names, KoboToolbox group prefixes
//! (`group/question`), one 0/1 column per option of a select_multiple (`question/option`),
//! headers written as labels, and meta columns (`_id`, `_uuid`, `start`, …) left aside.

use crate::msg;
use std::collections::BTreeMap;

use crate::diagnostics::Diagnostics;
use crate::ingest::RawTable;
use crate::instrument::{Instrument, ItemKind};
use crate::study::{fold, Source};

use super::{exported, META_TYPES};

/// The column(s) of one item.
#[derive(Debug, Clone)]
pub enum Mapping {
    /// One column holds the answer.
    Single(usize),
    /// A select_multiple: the space-separated column if there is one, and 0/1 columns per option.
    Options {
        main: Option<usize>,
        options: Vec<(String, usize)>,
    },
}

impl Mapping {
    /// The column used to locate findings about the item as a whole.
    pub fn index(&self) -> usize {
        match self {
            Mapping::Single(j) => *j,
            Mapping::Options { main: Some(j), .. } => *j,
            Mapping::Options { options, .. } => options.first().map_or(0, |o| o.1),
        }
    }
}

/// Items to columns, plus id/territory columns that are not items of the form.
#[derive(Debug, Default)]
pub struct ColumnMap {
    pub by_item: BTreeMap<String, Mapping>,
    pub extra: BTreeMap<String, usize>,
}

fn is_meta(header: &str) -> bool {
    let h = header.trim().to_lowercase();
    h.starts_with('_')
        || h.starts_with("meta/")
        || h.starts_with("formhub/")
        || h == "instanceid"
        || META_TYPES.contains(&h.as_str())
}

/// Maps the columns of `table` to the items of `instrument`, with findings for unknown,
/// duplicated and missing columns.
pub fn map_columns(
    table: &RawTable,
    instrument: &Instrument,
    source: &Source,
    diags: &mut Diagnostics,
) -> ColumnMap {
    let mut map = ColumnMap::default();
    let by_label: BTreeMap<String, &str> = instrument
        .items
        .iter()
        .flat_map(|i| i.labels.values().map(move |l| (fold(l), i.name.as_str())))
        .collect();
    let special = |h: &str| {
        [
            &source.id_column,
            &source.territory_column,
            &source.weight_column,
            &source.strata_column,
            &source.psu_column,
            &source.wave_column,
        ]
        .iter()
        .any(|c| c.as_deref() == Some(h))
    };

    for (j, header) in table.headers.iter().enumerate() {
        let h = header.trim();
        if h.is_empty() {
            continue;
        }
        let segments: Vec<&str> = h.split('/').collect();
        let last = segments[segments.len() - 1];
        let mut option_of = None;
        let item = if instrument.item(h).is_some() {
            Some(h)
        } else if instrument.item(last).is_some() && !special(h) {
            Some(last)
        } else if segments.len() >= 2 {
            let parent = segments[segments.len() - 2];
            match instrument.item(parent) {
                Some(p) if p.kind == ItemKind::SelectMultiple => {
                    let list = instrument.list_of(p);
                    match list.and_then(|l| l.choices.iter().find(|c| c.name == last)) {
                        Some(choice) => {
                            option_of = Some(choice.name.clone());
                            Some(parent)
                        }
                        None => None,
                    }
                }
                _ => None,
            }
        } else {
            None
        };
        let item = item.or_else(|| by_label.get(&fold(h)).copied());

        match (item, option_of) {
            (Some(name), Some(option)) => {
                let entry = map
                    .by_item
                    .entry(name.to_string())
                    .or_insert(Mapping::Options {
                        main: None,
                        options: Vec::new(),
                    });
                match entry {
                    Mapping::Options { options, .. } => options.push((option, j)),
                    Mapping::Single(main) => {
                        *entry = Mapping::Options {
                            main: Some(*main),
                            options: vec![(option, j)],
                        }
                    }
                }
            }
            (Some(name), None) => match map.by_item.get_mut(name) {
                None => {
                    map.by_item.insert(name.to_string(), Mapping::Single(j));
                }
                Some(Mapping::Options {
                    main: main @ None, ..
                }) => *main = Some(j),
                Some(other) => {
                    diags.warning(
                        "duplicate-column",
                        table.header_location(j),
                        msg!(
                            "duplicate-column",
                            name = name,
                            first = crate::diagnostics::column_letter(other.index() as u32)
                        ),
                    );
                }
            },
            (None, _) if special(h) => {
                map.extra.insert(h.to_string(), j);
            }
            (None, _) if is_meta(h) => {}
            (None, _) => diags.warning(
                "unknown-column",
                table.header_location(j),
                msg!("unknown-column"),
            ),
        }
    }

    for item in &instrument.items {
        if map.by_item.contains_key(&item.name)
            || !exported(&item.kind)
            || item.kind == ItemKind::Calculate
        {
            continue;
        }
        let message = msg!(
            "missing-column",
            name = &item.name,
            row = item.row,
            file = &instrument.file
        );
        if item.required && item.relevant.is_none() {
            diags.error("missing-column", table.location(), message);
        } else {
            diags.warning("missing-column", table.location(), message);
        }
    }
    map
}
