//! [`RawTable`] + [`Instrument`] + [`Study`] → [`Dataset`] and [`Diagnostics`].
//!
//! Maps the file's columns to the instrument's items (KoboToolbox group prefixes, one 0/1 column
//! per option of a select_multiple, headers written as labels), types every cell (choice names or
//! labels in any language, numbers with a decimal comma, dates), and validates: unknown and missing
//! columns, required answers, choice lists and ranges, duplicated respondent ids, territories not
//! in the study (aliases resolved). Findings name file, sheet, row, column and value. Cells that
//! fail a check become missing in the dataset; `run` stops when there are errors.

mod columns;
mod conditions;
mod dataset;
mod identifying;
pub mod network;
pub mod records;
mod rows;
mod sampling;
pub mod scores;
pub mod segments;
pub mod sessions;
mod sheets;
mod table;
mod values;

use crate::msg;
use std::collections::BTreeMap;

use crate::diagnostics::Diagnostics;
use crate::error::{Error, Result};
use crate::ingest::{read_table, RawTable};
use crate::instrument::{read_xlsform, Instrument, ItemKind};
use crate::plan::Plan;
use crate::study::{Source, Study};

pub use columns::{map_columns, ColumnMap, Mapping};
pub use dataset::{Column, ColumnData, ColumnOrigin, Dataset, Dropped};
pub use table::{find_column, numbers, texts};
pub use values::{parse_date, parse_number};

/// The outcome of checking one source.
pub struct Checked {
    pub dataset: Dataset,
    pub diagnostics: Diagnostics,
}

/// Reads and checks every source of a study, in order.
pub fn check_study(plan: &Plan) -> Result<Vec<Checked>> {
    let files = plan
        .study
        .sources
        .iter()
        .map(|s| Ok((s, check_source(plan, s)?)))
        .collect::<Result<Vec<_>>>()?;
    Ok(by_source(files))
}

/// The checked files as one dataset per source: a source of one file per wave is one dataset,
/// with a column of each row's wave.
pub fn by_source(files: Vec<(&Source, Checked)>) -> Vec<Checked> {
    // Each source's files (one, or one per wave) with their waves.
    type Files = Vec<(Option<String>, Checked)>;
    let mut out: Vec<(String, Files)> = Vec::new();
    for (s, checked) in files {
        match out.iter_mut().find(|(name, _)| *name == s.name) {
            Some((_, files)) => files.push((s.wave.clone(), checked)),
            None => out.push((s.name.clone(), vec![(s.wave.clone(), checked)])),
        }
    }
    let mut datasets = Vec::new();
    for (_, files) in out {
        let waves: Option<Vec<String>> = files.iter().map(|(w, _)| w.clone()).collect();
        let Some(waves) = waves else {
            datasets.extend(files.into_iter().map(|(_, c)| c));
            continue;
        };
        let mut diagnostics = Diagnostics::default();
        let mut parts = Vec::new();
        for (wave, (_, c)) in waves.into_iter().zip(files) {
            diagnostics.extend(c.diagnostics);
            parts.push((wave, c.dataset));
        }
        // The wave column is "wave" unless the questionnaire has a question of that name.
        let mut wave_name = "wave".to_string();
        while parts.iter().any(|(_, d)| d.has(&wave_name)) {
            wave_name.insert(0, '_');
        }
        if let Some(dataset) = dataset::stack(parts, &wave_name) {
            datasets.push(Checked {
                dataset,
                diagnostics,
            });
        }
    }
    datasets
}

/// Reads one source's data file and checks the answers against its questionnaire (read once by
/// the plan; read again here only to report why it cannot be).
pub fn check_source(plan: &Plan, source: &Source) -> Result<Checked> {
    let study = &plan.study;
    let instrument = match plan.instrument(&source.name) {
        Some(ins) => ins.clone(),
        None => read_xlsform(&source.instrument, &study.display_path(&source.instrument))?,
    };
    let shown = study.display_path(&source.path);
    let table = read_table(&source.path, &shown, source.sheet.as_deref())?;
    sheets::check_first_sheet(study, source, &shown, &table, &instrument)?;
    check_table(study, source, table, instrument)
}

/// Checks a table already read against an instrument.
pub fn check_table(
    study: &Study,
    source: &Source,
    mut table: RawTable,
    instrument: Instrument,
) -> Result<Checked> {
    let mut diags = Diagnostics::default();
    diags.extend(instrument.notes.clone());
    diags.extend(std::mem::take(&mut table.notes));

    let map = map_columns(&table, &instrument, source, &mut diags);
    identifying::warn_identifying(&table, &mut diags);
    for (key, what) in [
        (&source.id_column, "id_column"),
        (&source.territory_column, "territory_column"),
        (&source.weight_column, "weight_column"),
        (&source.strata_column, "strata_column"),
        (&source.psu_column, "psu_column"),
        (&source.wave_column, "wave_column"),
    ] {
        if let Some(name) = key {
            if !map.by_item.contains_key(name) && !map.extra.contains_key(name) {
                return Err(Error::input(
                    table.location(),
                    format!(
                        "{what} = '{name}' in {} names no column of this file",
                        study.display_path(&study.file)
                    ),
                ));
            }
        }
    }

    let height = table.height();
    let mut columns: Vec<Column> = Vec::new();
    let mut origins = BTreeMap::new();

    // The territory, wave and weight columns are typed by what study.toml says they are, whether
    // or not they are questions of the form.
    let special_column = |name: &str, table: &RawTable, j: usize, diags: &mut Diagnostics| {
        let is = |c: &Option<String>| c.as_deref() == Some(name);
        if is(&source.territory_column) {
            Some(values::territory_column(name, table, j, study, diags))
        } else if is(&source.wave_column) {
            Some(values::wave_column(name, table, j, study, diags))
        } else if is(&source.weight_column) {
            Some(values::weight_column(name, table, j, diags))
        } else if is(&source.strata_column) || is(&source.psu_column) {
            Some(values::text_column(name, &table.columns[j]))
        } else {
            None
        }
    };
    // Each item's column is typed on its own (on every core); the findings are put back in the
    // questionnaire's order.
    let mapped: Vec<(&crate::instrument::Item, &Mapping)> = instrument
        .items
        .iter()
        .filter_map(|item| Some((item, map.by_item.get(&item.name)?)))
        .collect();
    // A raw column is let go once the items that read it are typed (in batches, each on every
    // core), so the raw cells and the typed columns are not all held at once; the id column and
    // the columns read later (ids, territories, weights, waves beside the form) are kept.
    let mut keep_raw: std::collections::BTreeSet<usize> = map.extra.values().copied().collect();
    if let Some(id) = &source.id_column {
        keep_raw.extend(map.by_item.get(id).map(Mapping::index));
    }
    let reads = |m: &Mapping| -> Vec<usize> {
        match m {
            Mapping::Single(j) => vec![*j],
            Mapping::Options { main, options } => main
                .iter()
                .copied()
                .chain(options.iter().map(|o| o.1))
                .collect(),
        }
    };
    let mut last_use: BTreeMap<usize, usize> = BTreeMap::new();
    for (k, (_, mapping)) in mapped.iter().enumerate() {
        for j in reads(mapping) {
            last_use.insert(j, k);
        }
    }
    // The last row's numbers as the file holds them, for the totals-row test (its cells may
    // not fit, and the raw cells are let go below).
    let last: Vec<Option<f64>> = match height.checked_sub(1) {
        Some(i) => mapped
            .iter()
            .map(|(_, m)| match m {
                Mapping::Single(j) => rows::number_in(&table.columns[*j].get(i)),
                Mapping::Options { .. } => None,
            })
            .collect(),
        None => vec![None; mapped.len()],
    };
    const BATCH: usize = 8;
    let mut typed = Vec::with_capacity(mapped.len());
    for (b, batch) in mapped.chunks(BATCH).enumerate() {
        typed.extend(crate::parallel::map(batch, |&(item, mapping)| {
            let mut diags = Diagnostics::default();
            // A weight computed in the form (a `calculate`) is read as a weight, not as text.
            let column = special_column(&item.name, &table, mapping.index(), &mut diags)
                .unwrap_or_else(|| {
                    values::item_column(&table, item, mapping, &instrument, &mut diags)
                });
            let text_kind = matches!(
                item.kind,
                ItemKind::Text | ItemKind::Calculate | ItemKind::Other(_)
            );
            let (misfits, words) = rows::misfits(&table, mapping, &column, text_kind);
            (column, diags, misfits, words)
        }));
        for (&j, &k) in &last_use {
            if k / BATCH == b && !keep_raw.contains(&j) {
                table.columns[j] = Default::default();
            }
        }
    }
    let mut found = Vec::with_capacity(typed.len());
    let mut misfits = Vec::with_capacity(typed.len());
    let mut words = Vec::new();
    for ((item, mapping), (column, d, m, w)) in mapped.iter().zip(typed) {
        found.push(d);
        misfits.push(m);
        words.extend(w);
        origins.insert(
            item.name.clone(),
            ColumnOrigin {
                header: table.headers[mapping.index()].clone(),
                index: mapping.index(),
            },
        );
        columns.push(column);
    }
    // Id and territory columns that are not items of the form are kept as text; weights as numbers.
    let mut extra_found = Diagnostics::default();
    for (name, &j) in &map.extra {
        let column = special_column(name, &table, j, &mut extra_found)
            .unwrap_or_else(|| values::text_column(name, &table.columns[j]));
        words.extend(
            table.columns[j]
                .iter()
                .enumerate()
                .filter_map(|(i, c)| Some((i as u32, j, rows::totals_word(&c)?))),
        );
        origins.insert(
            name.clone(),
            ColumnOrigin {
                header: table.headers[j].clone(),
                index: j,
            },
        );
        columns.push(column);
    }

    // Totals rows and rows with many errors: one finding each, left out, their cells forgotten.
    let last: Vec<(usize, f64)> = last
        .iter()
        .enumerate()
        .filter_map(|(k, x)| Some((k, (*x)?)))
        .filter(|(k, _)| matches!(columns[*k].data, ColumnData::Numbers(_)))
        .collect();
    words.sort();
    let bad = rows::find(&table, &columns, mapped.len(), &misfits, &words, &last);
    let mut keep = vec![true; height];
    let mut dropped = Vec::new();
    let bad_rows: std::collections::BTreeSet<u32> =
        bad.iter().map(|r| table.row_numbers[r.index]).collect();
    for r in &bad {
        keep[r.index] = false;
    }
    for (((_, mapping), mut d), m) in mapped.iter().zip(found).zip(&misfits) {
        let on_bad = m.iter().filter(|&&i| !keep[i as usize]).count();
        let per_column = std::collections::BTreeMap::from([(mapping.index() as u32, on_bad)]);
        rows::forget(&mut d, &bad_rows, &per_column);
        diags.extend(d);
    }
    rows::forget(&mut extra_found, &bad_rows, &Default::default());
    diags.extend(extra_found);
    for r in &bad {
        diags.push(
            r.severity,
            r.code,
            table.location().row(table.row_numbers[r.index]),
            r.message.clone(),
        );
        dropped.push(Dropped {
            row: table.row_numbers[r.index],
            reason: r.code,
            kept_row: None,
            file: None,
        });
    }

    // The form's relevant, required and constraint columns.
    let skip: Vec<bool> = keep.iter().map(|k| !k).collect();
    conditions::apply(
        &conditions::Typed {
            table: &table,
            instrument: &instrument,
            lang: &study.default_language,
            mapped: &mapped,
            misfits: &misfits,
            skip: &skip,
            id: source.id_column.as_deref(),
        },
        &mut columns,
        &mut diags,
    );

    let mut design = Diagnostics::default();
    sampling::check_design(source, &table, &columns, &origins, &mut design);
    rows::forget(&mut design, &bad_rows, &Default::default());
    diags.extend(design);

    // Duplicated respondent ids (within a wave, when the source has waves): the first answer is
    // kept.
    let waves: Vec<Option<&str>> = match &source.wave_column {
        Some(w) => columns
            .iter()
            .find(|c| &c.name == w)
            .map(|c| (0..height).map(|i| c.text(i)).collect())
            .unwrap_or_else(|| vec![None; height]),
        None => Vec::new(),
    };
    if let Some(id) = &source.id_column {
        let j = origins[id].index;
        // Ids are looked up borrowed from the table: no string is made per row.
        let column = &table.columns[j];
        let mut first: std::collections::HashMap<(Option<&str>, std::borrow::Cow<'_, str>), u32> =
            std::collections::HashMap::with_capacity(height);
        // A required id item already reports its empty cells as `required-missing`.
        let reported = instrument
            .item(id)
            .is_some_and(|i| i.required && i.relevant.is_none());
        for (i, kept) in keep.iter_mut().enumerate() {
            if !*kept {
                continue;
            }
            let value = match column.get(i) {
                crate::ingest::Cell::Text(std::borrow::Cow::Borrowed(s)) => {
                    std::borrow::Cow::Borrowed(s.trim())
                }
                other => std::borrow::Cow::Owned(other.as_text().trim().to_string()),
            };
            if value.is_empty() {
                if reported {
                    continue;
                }
                diags.error("missing-id", table.cell_location(i, j), msg!("missing-id"));
                continue;
            }
            let wave = waves.get(i).copied().flatten();
            if let Some(row) = first.get(&(wave, std::borrow::Cow::Borrowed(value.as_ref()))) {
                let message = match wave {
                    Some(w) => msg!("duplicate-id-in-wave", wave = w, first_row = *row),
                    None => msg!("duplicate-id", first_row = *row),
                };
                diags.warning("duplicate-id", table.cell_location(i, j), message);
                *kept = false;
                dropped.push(Dropped {
                    row: table.row_numbers[i],
                    reason: "duplicate-id",
                    kept_row: Some(*row),
                    file: None,
                });
            } else {
                first.insert((wave, value), table.row_numbers[i]);
            }
        }
    }

    for (k, c) in columns.iter().enumerate() {
        if columns[..k].iter().any(|d| d.name == c.name) || c.len() != height {
            return Err(Error::input(
                table.location(),
                format!(
                    "internal table error: column '{}' twice or of another length",
                    c.name
                ),
            ));
        }
    }
    let mut row_numbers = table.row_numbers.clone();
    if keep.iter().any(|k| !k) {
        for c in &mut columns {
            c.filter(&keep);
        }
        row_numbers = row_numbers
            .into_iter()
            .zip(&keep)
            .filter_map(|(r, k)| k.then_some(r))
            .collect();
    }

    Ok(Checked {
        dataset: Dataset {
            source: source.name.clone(),
            file: table.file.clone(),
            sheet: table.sheet.clone(),
            values: columns,
            row_numbers,
            columns: origins,
            territory_column: source.territory_column.clone(),
            id_column: source.id_column.clone(),
            weight_column: source.weight_column.clone(),
            strata_column: source.strata_column.clone(),
            psu_column: source.psu_column.clone(),
            wave_column: source.wave_column.clone(),
            instrument,
            dropped,
            scores: Default::default(),
        },
        diagnostics: diags,
    })
}

/// True for item kinds that have their own answer column in an export.
pub(crate) fn exported(kind: &ItemKind) -> bool {
    !matches!(kind, ItemKind::Other(t) if META_TYPES.contains(&t.as_str()))
}

/// XLSForm metadata types: exported, but not questions.
pub(crate) const META_TYPES: &[&str] = &[
    "start",
    "end",
    "today",
    "deviceid",
    "subscriberid",
    "simserial",
    "phonenumber",
    "username",
    "email",
    "audit",
    "start-geopoint",
    "background-audio",
];
