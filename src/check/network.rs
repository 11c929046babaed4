//! A network source checked (`kind = "network"`): the services registry (each service's id, name,
//! type, territory and sector) and the edge list of the ties between them (who refers to,
//! consults or works with whom, with an optional weight, type of tie and wave). Findings name
//! file, row and column: a service type or territory the study does not know, an id used twice, a
//! tie whose end is not in the registry, a weight that is not a number above zero, an unknown
//! wave, a service tied to itself.
//!
//! The survey layout (`service_column`): professionals name their own service and, in a repeat
//! group or a select_multiple, the services they work with and how often. Each respondent's ties
//! are aggregated per (from, to, wave), with each service's number of respondents for the
//! protection of the published network. Names written by hand are matched to the registry (by id
//! or name, alias, or a close spelling) and never repeated when they match nothing.

use crate::diagnostics::Arg;
use crate::msg;
use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::records::{header, optional_header, text_of};
use crate::diagnostics::Diagnostics;
use crate::diagnostics::Location;
use crate::error::Result;
use crate::ingest::read_table;
use crate::ingest::RawTable;
use crate::study::{NetworkLayout, NetworkPartners, NetworkSource, NetworkSurvey, Study};

/// The types of service of a child-protection network, with the spellings a registry may use.
pub const SERVICE_TYPES: &[(&str, &[&str])] = &[
    (
        "social_services",
        &[
            "servizi sociali",
            "servizio sociale",
            "social services",
            "social service",
        ],
    ),
    (
        "health",
        &[
            "sanità",
            "sanita",
            "servizi sanitari",
            "health",
            "health services",
            "asl",
        ],
    ),
    (
        "school",
        &[
            "scuola",
            "formazione",
            "scuola o formazione",
            "scuola e formazione",
            "school and training",
            "school",
            "training",
            "education",
        ],
    ),
    (
        "justice",
        &[
            "giustizia",
            "tribunale",
            "tribunale per i minorenni",
            "court",
            "justice",
        ],
    ),
    (
        "reception",
        &[
            "comunità",
            "comunita",
            "comunità di accoglienza",
            "accoglienza",
            "reception",
            "reception community",
            "reception communities",
        ],
    ),
    (
        "day_service",
        &[
            "centro diurno",
            "servizio diurno",
            "servizi diurni",
            "day service",
            "day services",
            "day centre",
            "day center",
        ],
    ),
    (
        "third_sector",
        &["terzo settore", "associazione", "third sector", "ngo"],
    ),
    (
        "police",
        &[
            "polizia",
            "forze dell'ordine",
            "police",
            "police and law enforcement",
        ],
    ),
];

/// A service type from its id or a spelling (case and spaces ignored).
pub fn service_type(raw: &str) -> Option<usize> {
    let folded = crate::text::fold(raw);
    SERVICE_TYPES.iter().position(|(id, spellings)| {
        *id == folded
            || folded.replace(' ', "_") == *id
            || spellings.iter().any(|s| crate::text::fold(s) == folded)
    })
}

/// One service of the registry.
#[derive(Debug, Clone)]
pub struct Service {
    pub id: String,
    pub name: String,
    /// An index into [`SERVICE_TYPES`].
    pub kind: usize,
    /// The territory (an index into the study's geography), when the registry says.
    pub territory: Option<usize>,
    /// Public (true) or third sector (false).
    pub public: bool,
}

/// One tie of the edge list.
#[derive(Debug, Clone)]
pub struct Tie {
    /// Indices into the services.
    pub from: usize,
    pub to: usize,
    pub weight: f64,
    /// The type of tie as written (referral, consultation, joint case, training …).
    pub tie: Option<String>,
    /// The wave (an index into the study's waves).
    pub wave: Option<usize>,
    /// The row's number in the file, as Excel shows it.
    pub row: u32,
}

/// A checked network source.
#[derive(Debug, Clone)]
pub struct NetworkData {
    pub source: String,
    /// The edge list and the registry as shown to the user.
    pub file: String,
    pub registry_file: String,
    pub services: Vec<Service>,
    /// The usable ties (both ends known), in the file's order; for a survey, one per (from, to,
    /// wave), its weight the mean frequency score of the respondents who reported it.
    pub ties: Vec<Tie>,
    /// A survey of professionals: for each wave, each service's number of distinct respondents
    /// who named it or answered for it (indexed like `services`). None for an edge list.
    pub involved: Option<BTreeMap<Option<usize>, Vec<usize>>>,
    /// A survey of professionals: the respondents (with a service) of each wave.
    pub respondents: BTreeMap<Option<usize>, usize>,
}

/// The registry read: its services, each id and name (folded) → its service, each alias.
struct Registry {
    services: Vec<Service>,
    known: HashMap<String, usize>,
    /// Each alias (folded) → its service, None when two services share it.
    aliases: HashMap<String, Option<usize>>,
    file: String,
}

/// How close (normalised Damerau–Levenshtein similarity of the folded texts) a name written by
/// hand must be to one service's id, name or alias, and to no other service's, to be read as it.
pub const CLOSE_SPELLING: f64 = 0.9;

impl Registry {
    /// A service by its id or name (case and spaces ignored).
    fn by_key(&self, raw: &str) -> Option<usize> {
        self.known.get(&crate::text::fold(raw)).copied()
    }

    /// A service named by hand: by id or name, then by alias, then by a close spelling (a note
    /// at `here`); a warning that does not repeat the text when none matches.
    fn hand_written(&self, raw: &str, here: Location, d: &mut Diagnostics) -> Option<usize> {
        let folded = crate::text::fold(raw);
        if let Some(&s) = self.known.get(&folded) {
            return Some(s);
        }
        if let Some(&Some(s)) = self.aliases.get(&folded) {
            return Some(s);
        }
        let mut above: Vec<usize> = Vec::new();
        for (i, s) in self.services.iter().enumerate() {
            let keys = [crate::text::fold(&s.id), crate::text::fold(&s.name)];
            let aliases = self
                .aliases
                .iter()
                .filter(|(_, v)| **v == Some(i))
                .map(|(k, _)| k.clone());
            if keys
                .into_iter()
                .chain(aliases)
                .any(|k| strsim::normalized_damerau_levenshtein(&folded, &k) >= CLOSE_SPELLING)
            {
                above.push(i);
            }
        }
        if let [s] = above[..] {
            d.note(
                "network-name",
                here,
                msg!(
                    "network-name-close",
                    name = &self.services[s].name,
                    id = &self.services[s].id
                ),
            );
            return Some(s);
        }
        d.warning(
            "network-name",
            here,
            msg!("network-name-unknown", registry = &self.file),
        );
        None
    }
}

/// Reads and checks the registry, then the edge list or the survey of professionals.
pub fn check_network(study: &Study, source: &NetworkSource) -> Result<(NetworkData, Diagnostics)> {
    let mut d = Diagnostics::default();
    let registry = read_registry(study, source, &mut d)?;
    let file = study.display_path(&source.path);
    let mut table = read_table(&source.path, &file, source.sheet.as_deref())?;
    d.extend(std::mem::take(&mut table.notes));
    let (ties, involved, respondents) = match &source.layout {
        NetworkLayout::EdgeList {
            from_column,
            to_column,
            weight_column,
            tie_column,
        } => {
            let columns = [
                Some(from_column.as_str()),
                Some(to_column.as_str()),
                weight_column.as_deref(),
                tie_column.as_deref(),
            ];
            let ties = read_edges(study, source, &registry, &table, columns, &mut d)?;
            (ties, None, BTreeMap::new())
        }
        NetworkLayout::Survey(survey) => {
            let (ties, involved, respondents) =
                read_survey(study, source, survey, &registry, &table, &mut d)?;
            (ties, Some(involved), respondents)
        }
    };
    Ok((
        NetworkData {
            source: source.name.clone(),
            file,
            registry_file: registry.file,
            services: registry.services,
            ties,
            involved,
            respondents,
        },
        d,
    ))
}

/// The services registry: id, name, type, territory, sector, aliases (names separated by `;`).
fn read_registry(study: &Study, source: &NetworkSource, d: &mut Diagnostics) -> Result<Registry> {
    let registry_file = study.display_path(&source.registry);
    let mut reg = read_table(&source.registry, &registry_file, None)?;
    d.extend(std::mem::take(&mut reg.notes));
    let id_j = header(&reg, "id", "the registry's id column", study)?;
    let name_j = header(&reg, "name", "the registry's name column", study).ok();
    let type_j = header(&reg, "type", "the registry's type column", study)?;
    let territory_j = header(&reg, "territory", "the registry's territory column", study).ok();
    let sector_j = header(&reg, "sector", "the registry's sector column", study).ok();
    let aliases_j = header(&reg, "aliases", "the registry's aliases column", study).ok();
    let mut aliases: HashMap<String, Option<usize>> = HashMap::new();
    let mut services: Vec<Service> = Vec::new();
    // Each id and name (folded) → its service.
    let mut known: HashMap<String, usize> = HashMap::new();
    for i in 0..reg.height() {
        let here = |j: usize| reg.cell_location(i, j);
        let Some(id) = text_of(&reg.cell(i, id_j)) else {
            continue;
        };
        let Some(kind) = text_of(&reg.cell(i, type_j)).and_then(|t| {
            let k = service_type(&t);
            if k.is_none() {
                d.error(
                    "network-type",
                    here(type_j),
                    msg!(
                        "network-type",
                        value = Arg::value(&t),
                        known = SERVICE_TYPES
                            .iter()
                            .map(|(id, _)| *id)
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                );
            }
            k
        }) else {
            if text_of(&reg.cell(i, type_j)).is_none() {
                d.error("network-type", here(type_j), msg!("network-no-type"));
            }
            continue;
        };
        let territory = match territory_j.and_then(|j| text_of(&reg.cell(i, j)).map(|t| (j, t))) {
            None => None,
            Some((j, t)) => {
                let u = study.geography.resolve(&t);
                if u.is_none() {
                    d.error(
                        "network-territory",
                        here(j),
                        msg!("network-territory", value = Arg::value(&t)),
                    );
                }
                u
            }
        };
        let public = match sector_j.and_then(|j| text_of(&reg.cell(i, j)).map(|t| (j, t))) {
            None => SERVICE_TYPES[kind].0 != "third_sector",
            Some((j, t)) => match crate::text::fold(&t).as_str() {
                "public" | "pubblico" | "pubblica" => true,
                "third sector" | "third_sector" | "terzo settore" | "privato sociale"
                | "private" => false,
                _ => {
                    d.error(
                        "network-sector",
                        here(j),
                        msg!("network-sector", value = Arg::value(&t)),
                    );
                    SERVICE_TYPES[kind].0 != "third_sector"
                }
            },
        };
        let name = name_j
            .and_then(|j| text_of(&reg.cell(i, j)))
            .unwrap_or_else(|| id.clone());
        let index = services.len();
        let mut clash = None;
        for key in [&id, &name] {
            if let Some(&other) = known.get(&crate::text::fold(key)) {
                if other != index {
                    clash = Some(other);
                }
            }
        }
        if let Some(other) = clash {
            d.error(
                "network-duplicate",
                here(id_j),
                msg!("network-duplicate", id = &services[other].id),
            );
            continue;
        }
        known.insert(crate::text::fold(&id), index);
        known.insert(crate::text::fold(&name), index);
        for alias in aliases_j
            .and_then(|j| text_of(&reg.cell(i, j)))
            .iter()
            .flat_map(|a| a.split(';'))
            .map(crate::text::fold)
            .filter(|a| !a.is_empty())
        {
            aliases
                .entry(alias)
                .and_modify(|v| {
                    if *v != Some(index) {
                        *v = None;
                    }
                })
                .or_insert(Some(index));
        }
        services.push(Service {
            id,
            name,
            kind,
            territory,
            public,
        });
    }
    // An alias that is also a service's id or name means that service.
    aliases.retain(|a, _| !known.contains_key(a));
    Ok(Registry {
        services,
        known,
        aliases,
        file: registry_file,
    })
}

/// The edge list: one tie per row.
fn read_edges(
    study: &Study,
    source: &NetworkSource,
    registry: &Registry,
    table: &RawTable,
    [from, to, weight, tie]: [Option<&str>; 4],
    d: &mut Diagnostics,
) -> Result<Vec<Tie>> {
    let (known, registry_file) = (&registry.known, &registry.file);
    let from_j = header(table, from.unwrap_or("from"), "from_column", study)?;
    let to_j = header(table, to.unwrap_or("to"), "to_column", study)?;
    let weight_j = optional_header(table, weight, "weight_column", study)?;
    let tie_j = optional_header(table, tie, "tie_column", study)?;
    let wave_j = optional_header(table, source.wave_column.as_deref(), "wave_column", study)?;
    let mut ties = Vec::new();
    for i in 0..table.height() {
        let here = |j: usize| table.cell_location(i, j);
        let end = |j: usize, d: &mut Diagnostics| -> Option<usize> {
            let Some(raw) = text_of(&table.cell(i, j)) else {
                d.error("network-end", here(j), msg!("network-no-end"));
                return None;
            };
            let found = known.get(&crate::text::fold(&raw)).copied();
            if found.is_none() {
                d.error(
                    "network-end",
                    here(j),
                    msg!(
                        "network-not-a-service",
                        value = Arg::value(&raw),
                        registry = registry_file
                    ),
                );
            }
            found
        };
        if (0..table.headers.len()).all(|j| text_of(&table.cell(i, j)).is_none()) {
            continue;
        }
        let (from, to) = (end(from_j, d), end(to_j, d));
        let weight = match weight_j.map(|j| (j, table.cell(i, j))) {
            None => Some(1.0),
            Some((_, crate::ingest::Cell::Empty)) => Some(1.0),
            Some((j, cell)) => {
                let text = cell.as_text();
                match crate::check::parse_number(&text) {
                    Some(x) if x.is_finite() && x > 0.0 => Some(x),
                    _ => {
                        d.error(
                            "network-weight",
                            here(j),
                            msg!("network-weight", value = Arg::value(&text)),
                        );
                        None
                    }
                }
            }
        };
        let wave = match wave_j {
            None => Some(None),
            Some(j) => match text_of(&table.cell(i, j)) {
                None => {
                    d.error("network-wave", here(j), msg!("network-tie-no-wave"));
                    None
                }
                Some(raw) => match study.resolve_wave(&raw) {
                    Some(w) => Some(Some(w)),
                    None => {
                        d.error(
                            "network-wave",
                            here(j),
                            msg!("network-wave", value = Arg::value(&raw)),
                        );
                        None
                    }
                },
            },
        };
        let (Some(from), Some(to), Some(weight), Some(wave)) = (from, to, weight, wave) else {
            continue;
        };
        if from == to {
            d.warning("network-self", here(from_j), msg!("network-self-tie"));
            continue;
        }
        ties.push(Tie {
            from,
            to,
            weight,
            tie: tie_j.and_then(|j| text_of(&table.cell(i, j))),
            wave,
            row: table.row_numbers[i],
        });
    }
    Ok(ties)
}

/// The answers "other" of a partner column: the name is then in `other_column`.
fn is_other(raw: &str) -> bool {
    matches!(
        crate::text::fold(raw).as_str(),
        "altro" | "other" | "altri" | "others"
    )
}

/// A frequency answer's score: a number is its own score; an answer of the list scores its
/// place (1, 2, 3 …). Empty: none. An error at `here` otherwise.
fn frequency_score(
    cell: &crate::ingest::Cell,
    answers: &[String],
    here: Location,
    d: &mut Diagnostics,
) -> std::result::Result<Option<f64>, ()> {
    let Some(text) = text_of(cell) else {
        return Ok(None);
    };
    let folded = crate::text::fold(&text);
    if let Some(k) = answers.iter().position(|a| crate::text::fold(a) == folded) {
        return Ok(Some((k + 1) as f64));
    }
    match crate::check::parse_number(&text) {
        Some(x) if x.is_finite() && x > 0.0 => Ok(Some(x)),
        _ => {
            let message = if answers.is_empty() {
                msg!("network-frequency-number", value = Arg::value(&text))
            } else {
                msg!(
                    "network-frequency",
                    value = Arg::value(&text),
                    answers = answers.join(", ")
                )
            };
            d.error("network-frequency", here, message);
            Err(())
        }
    }
}

/// One respondent of a survey of professionals.
struct Respondent {
    service: Option<usize>,
    /// None when the wave is missing or unknown (an error already given).
    wave: Option<Option<usize>>,
}

/// One partner named by a respondent.
struct Named {
    respondent: usize,
    service: usize,
    score: Option<f64>,
    row: u32,
    here: Location,
}

type SurveyTies = (
    Vec<Tie>,
    BTreeMap<Option<usize>, Vec<usize>>,
    BTreeMap<Option<usize>, usize>,
);

/// A survey of professionals: the respondents' sheet, and their partners in the repeat's sheet
/// or in a select_multiple; the ties aggregated per (from, to, wave).
fn read_survey(
    study: &Study,
    source: &NetworkSource,
    survey: &NetworkSurvey,
    registry: &Registry,
    table: &RawTable,
    d: &mut Diagnostics,
) -> Result<SurveyTies> {
    let service_j = header(table, &survey.service_column, "service_column", study)?;
    let wave_j = optional_header(table, source.wave_column.as_deref(), "wave_column", study)?;
    let id_j = match survey.partners {
        NetworkPartners::Repeat { .. } => {
            Some(header(table, &survey.id_column, "id_column", study)?)
        }
        NetworkPartners::Multiple { .. } => {
            crate::check::find_column(table, &survey.id_column).ok()
        }
    };
    let mut respondents: Vec<Respondent> = Vec::new();
    // Each respondent's row in the sheet, and their key (`id_column`) → respondent.
    let mut rows: Vec<usize> = Vec::new();
    let mut keys: HashMap<String, usize> = HashMap::new();
    for i in 0..table.height() {
        if (0..table.headers.len()).all(|j| text_of(&table.cell(i, j)).is_none()) {
            continue;
        }
        let here = |j: usize| table.cell_location(i, j);
        let service = match text_of(&table.cell(i, service_j)) {
            None => {
                d.warning(
                    "network-respondent",
                    here(service_j),
                    msg!("network-respondent"),
                );
                None
            }
            Some(raw) => registry.hand_written(&raw, here(service_j), d),
        };
        let wave = match wave_j {
            None => Some(None),
            Some(j) => match text_of(&table.cell(i, j)) {
                None => {
                    d.error("network-wave", here(j), msg!("network-respondent-no-wave"));
                    None
                }
                Some(raw) => {
                    let w = study.resolve_wave(&raw);
                    if w.is_none() {
                        d.error(
                            "network-wave",
                            here(j),
                            msg!("network-wave", value = Arg::value(&raw)),
                        );
                    }
                    w.map(Some)
                }
            },
        };
        if let Some(key) = id_j.and_then(|j| text_of(&table.cell(i, j))) {
            if keys.insert(key, respondents.len()).is_some() {
                d.error(
                    "network-id",
                    here(id_j.expect("read")),
                    msg!("network-id", column = &survey.id_column),
                );
            }
        }
        respondents.push(Respondent { service, wave });
        rows.push(i);
    }
    let mut named: Vec<Named> = Vec::new();
    match &survey.partners {
        NetworkPartners::Repeat {
            sheet,
            partner_column,
            parent_column,
        } => {
            let mut rep = read_table(&source.path, &table.file, Some(sheet))?;
            d.extend(std::mem::take(&mut rep.notes));
            let partner_j = header(&rep, partner_column, "partner_column", study)?;
            let parent_j = header(&rep, parent_column, "parent_column", study)?;
            let other_j =
                optional_header(&rep, survey.other_column.as_deref(), "other_column", study)?;
            let freq_j = optional_header(
                &rep,
                survey.frequency_column.as_deref(),
                "frequency_column",
                study,
            )?;
            for i in 0..rep.height() {
                if (0..rep.headers.len()).all(|j| text_of(&rep.cell(i, j)).is_none()) {
                    continue;
                }
                let here = |j: usize| rep.cell_location(i, j);
                let Some(respondent) = (match text_of(&rep.cell(i, parent_j)) {
                    None => {
                        d.error(
                            "network-parent",
                            here(parent_j),
                            msg!("network-parent-empty"),
                        );
                        None
                    }
                    Some(key) => {
                        let r = keys.get(&key).copied();
                        if r.is_none() {
                            d.error(
                                "network-parent",
                                here(parent_j),
                                match source.sheet.as_deref() {
                                    Some(sheet) => msg!(
                                        "network-parent",
                                        value = Arg::value(&key),
                                        column = &survey.id_column,
                                        sheet = sheet
                                    ),
                                    None => msg!(
                                        "network-parent-no-sheet",
                                        value = Arg::value(&key),
                                        column = &survey.id_column
                                    ),
                                },
                            );
                        }
                        r
                    }
                }) else {
                    continue;
                };
                let raw = text_of(&rep.cell(i, partner_j));
                let service = match raw.as_deref() {
                    Some(p) if !is_other(p) => registry.hand_written(p, here(partner_j), d),
                    _ => match other_j.map(|j| (j, text_of(&rep.cell(i, j)))) {
                        Some((j, Some(text))) => registry.hand_written(&text, here(j), d),
                        _ => {
                            d.warning(
                                "network-partner",
                                here(partner_j),
                                msg!("network-partner-empty"),
                            );
                            None
                        }
                    },
                };
                let Some(service) = service else {
                    continue;
                };
                let Ok(score) = freq_j.map_or(Ok(None), |j| {
                    frequency_score(&rep.cell(i, j), &survey.frequency, here(j), d)
                }) else {
                    continue;
                };
                named.push(Named {
                    respondent,
                    service,
                    score,
                    row: rep.row_numbers[i],
                    here: here(partner_j),
                });
            }
        }
        NetworkPartners::Multiple { partners_column } => {
            let partners_j = header(table, partners_column, "partners_column", study)?;
            let other_j =
                optional_header(table, survey.other_column.as_deref(), "other_column", study)?;
            for (respondent, &i) in rows.iter().enumerate() {
                let here = |j: usize| table.cell_location(i, j);
                let Some(list) = text_of(&table.cell(i, partners_j)) else {
                    continue;
                };
                for token in list.split_whitespace() {
                    let service = if is_other(token) {
                        match other_j.map(|j| (j, text_of(&table.cell(i, j)))) {
                            Some((j, Some(text))) => registry.hand_written(&text, here(j), d),
                            _ => {
                                d.warning(
                                    "network-partner",
                                    here(partners_j),
                                    msg!("network-partner-other"),
                                );
                                None
                            }
                        }
                    } else {
                        let s = registry.by_key(token);
                        if s.is_none() {
                            d.error(
                                "network-partner",
                                here(partners_j),
                                msg!(
                                    "network-not-a-service",
                                    value = Arg::value(token),
                                    registry = &registry.file
                                ),
                            );
                        }
                        s
                    };
                    let Some(service) = service else {
                        continue;
                    };
                    let column = survey.frequency_column.as_ref().and_then(|pattern| {
                        let name = pattern.replace("{service}", &registry.services[service].id);
                        crate::check::find_column(table, &name).ok()
                    });
                    let Ok(score) = column.map_or(Ok(None), |j| {
                        frequency_score(&table.cell(i, j), &survey.frequency, here(j), d)
                    }) else {
                        continue;
                    };
                    named.push(Named {
                        respondent,
                        service,
                        score,
                        row: table.row_numbers[i],
                        here: here(partners_j),
                    });
                }
            }
        }
    }
    // Each service's respondents per wave: those who answered for it, and those who named it.
    let mut who: BTreeMap<Option<usize>, Vec<BTreeSet<usize>>> = BTreeMap::new();
    let mut count: BTreeMap<Option<usize>, usize> = BTreeMap::new();
    for (r, x) in respondents.iter().enumerate() {
        if let (Some(s), Some(w)) = (x.service, x.wave) {
            who.entry(w)
                .or_insert_with(|| vec![BTreeSet::new(); registry.services.len()])[s]
                .insert(r);
            *count.entry(w).or_default() += 1;
        }
    }
    // (wave, from, to) → each reporting respondent's scores, and the first report's row.
    type Reports = BTreeMap<usize, Vec<f64>>;
    let mut ties: BTreeMap<(Option<usize>, usize, usize), (Reports, u32)> = BTreeMap::new();
    for n in named {
        let x = &respondents[n.respondent];
        let (Some(from), Some(wave)) = (x.service, x.wave) else {
            continue;
        };
        if from == n.service {
            d.note("network-self", n.here, msg!("network-self-named"));
            continue;
        }
        who.entry(wave)
            .or_insert_with(|| vec![BTreeSet::new(); registry.services.len()])[n.service]
            .insert(n.respondent);
        let tie = ties
            .entry((wave, from, n.service))
            .or_insert((BTreeMap::new(), n.row));
        tie.0.entry(n.respondent).or_default().extend(n.score);
    }
    let ties = ties
        .into_iter()
        .map(|((wave, from, to), (reports, row))| {
            // Each respondent's score (the mean of theirs when they named the service twice),
            // then the mean over the respondents who gave one; 1 when none did.
            let scores: Vec<f64> = reports
                .values()
                .filter(|s| !s.is_empty())
                .map(|s| s.iter().sum::<f64>() / s.len() as f64)
                .collect();
            (wave, from, to, scores, row)
        })
        .map(|(wave, from, to, scores, row)| Tie {
            from,
            to,
            weight: if scores.is_empty() {
                1.0
            } else {
                scores.iter().sum::<f64>() / scores.len() as f64
            },
            tie: None,
            wave,
            row,
        })
        .collect();
    let involved = who
        .into_iter()
        .map(|(w, sets)| (w, sets.iter().map(BTreeSet::len).collect()))
        .collect();
    Ok((ties, involved, count))
}
#[cfg(test)]
mod tests {
    use super::{check_network, service_type, NetworkData, SERVICE_TYPES};
    use crate::diagnostics::Diagnostics;
    use std::path::Path;

    const REGISTRY: &str = "id,name,type,territory,sector,aliases
SS1,Servizio sociale Nord,servizi sociali,Nord,pubblico,
ASL,Consultorio familiare,sanità,Nord,pubblico,\"consultorio; ASL Nord\"
TM,Tribunale per i minorenni,tribunale,,pubblico,
C1,Comunità Il Ponte,comunità,Sud,terzo settore,
";

    /// A study with two waves and one network source (`source`: its keys after `kind`).
    fn survey(dir: &Path, source: &str) -> (NetworkData, Diagnostics) {
        std::fs::write(dir.join("servizi.csv"), REGISTRY).unwrap();
        std::fs::write(
            dir.join("study.toml"),
            format!(
                "title = \"Rete\"\nlanguages = [\"it\"]\n\n[[territories]]\nname = \"Nord\"\n\n[[territories]]\nname = \"Sud\"\n\n[[waves]]\nid = \"t0\"\n\n[[waves]]\nid = \"t1\"\n\n[[sources]]\nname = \"rete\"\nkind = \"network\"\nregistry = \"servizi.csv\"\nwave_column = \"ondata\"\n{source}"
            ),
        )
        .unwrap();
        let study = crate::study::Study::load(&dir.join("study.toml")).unwrap();
        check_network(&study, &study.network_sources[0]).unwrap()
    }

    /// (wave, from, to, weight) of each tie.
    fn ties(net: &NetworkData) -> Vec<(Option<usize>, String, String, f64)> {
        net.ties
            .iter()
            .map(|t| {
                (
                    t.wave,
                    net.services[t.from].id.clone(),
                    net.services[t.to].id.clone(),
                    t.weight,
                )
            })
            .collect()
    }

    #[test]
    fn survey_repeat_ties_are_aggregated_with_the_mean_frequency_of_their_respondents() {
        let tmp = tempfile::tempdir().unwrap();
        let mut book = rust_xlsxwriter::Workbook::new();
        let people = book.add_worksheet().set_name("professionisti").unwrap();
        for (i, row) in [
            ["_index", "servizio", "ondata"],
            ["1", "SS1", "t0"],
            ["2", "Servizio sociale Nord", "t0"],
            ["3", "ASL", "t0"],
            ["4", "TM", "t1"],
            ["5", "SS1", "t1"],
        ]
        .iter()
        .enumerate()
        {
            for (j, v) in row.iter().enumerate() {
                people.write_string(i as u32, j as u16, *v).unwrap();
            }
        }
        let repeat = book.add_worksheet().set_name("collaborazioni").unwrap();
        for (i, row) in [
            [
                "_parent_index",
                "servizio_partner",
                "servizio_altro",
                "frequenza",
            ],
            ["1", "ASL", "", "ogni mese"],
            ["2", "ASL", "", "ogni settimana"],
            // The same respondent names ASL again by an alias: their score is the mean of both.
            ["2", "altro", "ASL nord", "1"],
            ["3", "SS1", "", ""],
            ["3", "TM", "", "2.5"],
            ["4", "SS1", "", "ogni settimana"],
            ["5", "TM", "", "qualche volta l'anno"],
            ["5", "SS1", "", "ogni mese"],
        ]
        .iter()
        .enumerate()
        {
            for (j, v) in row.iter().enumerate() {
                if !v.is_empty() {
                    repeat.write_string(i as u32, j as u16, *v).unwrap();
                }
            }
        }
        book.save(tmp.path().join("prof.xlsx")).unwrap();
        let (net, d) = survey(
            tmp.path(),
            "path = \"prof.xlsx\"\nsheet = \"professionisti\"\nservice_column = \"servizio\"\npartners_sheet = \"collaborazioni\"\npartner_column = \"servizio_partner\"\nother_column = \"servizio_altro\"\nfrequency_column = \"frequenza\"\nfrequency = [\"qualche volta l'anno\", \"ogni mese\", \"ogni settimana\"]\n",
        );
        assert!(
            d.items
                .iter()
                .all(|x| x.severity != crate::diagnostics::Severity::Error),
            "{d:?}"
        );
        // Computed by hand (the arithmetic mean of each respondent's score, a respondent's own
        // score the mean of their answers): SS1 → ASL in t0 from respondent 1 (ogni mese = 2)
        // and respondent 2 (ogni settimana = 3 and 1 → 2): (2 + 2) / 2 = 2. ASL → SS1 has no
        // frequency: 1. ASL → TM: the number 2.5 is its own score. In t1, respondent 5's own
        // service named is left out; TM → SS1 = 3, SS1 → TM = 1.
        assert_eq!(
            ties(&net),
            vec![
                (Some(0), "SS1".into(), "ASL".into(), 2.0),
                (Some(0), "ASL".into(), "SS1".into(), 1.0),
                (Some(0), "ASL".into(), "TM".into(), 2.5),
                (Some(1), "SS1".into(), "TM".into(), 1.0),
                (Some(1), "TM".into(), "SS1".into(), 3.0),
            ]
        );
        // Each service's respondents (answered for it or named it), wave by wave: t0 SS1 by
        // 1, 2 (answer) and 3 (names); ASL by 3 (answers), 1 and 2; TM by 3; t1 SS1 by 5 and 4,
        // TM by 4 and 5; C1 by nobody.
        let involved = net.involved.as_ref().unwrap();
        assert_eq!(involved[&Some(0)], vec![3, 3, 1, 0]);
        assert_eq!(involved[&Some(1)], vec![2, 0, 2, 0]);
        assert_eq!(net.respondents[&Some(0)], 3);
        assert_eq!(net.respondents[&Some(1)], 2);
        assert!(d
            .items
            .iter()
            .any(|x| x.code == "network-self" && x.location.to_string().contains("row 9")));
    }

    /// A registry of `(id, name)` services, all of one type.
    fn registry(services: &[(&str, &str)], aliases: &[(&str, usize)]) -> super::Registry {
        let mut known = std::collections::HashMap::new();
        let services: Vec<super::Service> = services
            .iter()
            .enumerate()
            .map(|(i, (id, name))| {
                known.insert(crate::text::fold(id), i);
                known.insert(crate::text::fold(name), i);
                super::Service {
                    id: id.to_string(),
                    name: name.to_string(),
                    kind: 0,
                    territory: None,
                    public: true,
                }
            })
            .collect();
        super::Registry {
            services,
            known,
            aliases: aliases
                .iter()
                .map(|(a, s)| (crate::text::fold(a), Some(*s)))
                .collect(),
            file: "servizi.csv".into(),
        }
    }

    #[test]
    fn survey_names_by_hand_match_by_id_name_alias_or_one_close_spelling_only() {
        let reg = registry(
            &[
                ("SSN", "Servizio sociale Nord"),
                ("SSS", "Servizio sociale Sud"),
                ("CF", "Consultorio familiare"),
            ],
            &[("consultorio", 2)],
        );
        let here = crate::diagnostics::Location::file("p.xlsx".to_string());
        let mut d = Diagnostics::default();
        assert_eq!(reg.hand_written(" ssn ", here.clone(), &mut d), Some(0));
        assert_eq!(
            reg.hand_written("CONSULTORIO", here.clone(), &mut d),
            Some(2)
        );
        assert!(d.items.is_empty());
        // One edit in 21 letters: similarity 1 − 1/21 ≈ 0.95, above CLOSE_SPELLING (0.9).
        assert_eq!(
            reg.hand_written("Consultorio familare", here.clone(), &mut d),
            Some(2)
        );
        // Similarities (1 − optimal-string-alignment distance / the longer length) computed
        // with a plain Python implementation of that distance: "servizio sociale sd" is 0.857
        // from Nord and 0.95 from Sud: Sud; "servizio sociale" is 0.762 and 0.8: neither;
        // "servizio sociale nud" is 0.905 and 0.95: both above, so neither.
        assert_eq!(
            reg.hand_written("Servizio sociale Sd", here.clone(), &mut d),
            Some(1)
        );
        assert_eq!(
            reg.hand_written("Servizio sociale", here.clone(), &mut d),
            None
        );
        assert_eq!(
            reg.hand_written("Servizio sociale Nud", here.clone(), &mut d),
            None
        );
        assert_eq!(reg.hand_written("Mario Rossi", here, &mut d), None);
        let messages: Vec<String> = d.items.iter().map(|x| x.message.to_string()).collect();
        assert_eq!(messages.len(), 5);
        assert!(messages[0].contains("'Consultorio familiare' (CF), a close spelling"));
        assert!(messages
            .iter()
            .all(|m| !m.contains("Rossi") && !m.contains("Nud")));
    }

    #[test]
    fn survey_select_multiple_reads_ids_other_names_and_a_frequency_column_per_service() {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::write(
            tmp.path().join("prof.csv"),
            "servizio,ondata,collabora,altro_nome,freq_ASL,freq_TM\nSS1,t0,ASL TM,,3,1\nASL,t0,SS1 other,Tribunale per i minorrenni,,2\nSS1,t0,ASL,,1,\nC1,t0,BAD,,,\n",
        )
        .unwrap();
        let (net, d) = survey(
            tmp.path(),
            "path = \"prof.csv\"\nservice_column = \"servizio\"\npartners_column = \"collabora\"\nother_column = \"altro_nome\"\nfrequency_column = \"freq_{service}\"\n",
        );
        // SS1 → ASL from two respondents (3 and 1): 2; SS1 → TM: 1; ASL → SS1: no frequency
        // column for SS1, so 1; ASL → TM by a close spelling of its name, freq_TM = 2.
        assert_eq!(
            ties(&net),
            vec![
                (Some(0), "SS1".into(), "ASL".into(), 2.0),
                (Some(0), "SS1".into(), "TM".into(), 1.0),
                (Some(0), "ASL".into(), "SS1".into(), 1.0),
                (Some(0), "ASL".into(), "TM".into(), 2.0),
            ]
        );
        let shown: Vec<String> = d
            .items
            .iter()
            .map(|x| format!("{}: {}", x.location, x.message))
            .collect();
        assert!(shown.iter().any(|m| m.contains("row 3, column D (altro_nome): read as the service 'Tribunale per i minorenni' (TM), a close spelling")), "{shown:?}");
        assert!(
            shown.iter().any(|m| m
                .contains("row 5, column C (collabora): \"BAD\" is not a service of the registry")),
            "{shown:?}"
        );
    }

    #[test]
    fn service_types_are_read_by_id_and_by_their_spellings() {
        assert_eq!(service_type("Servizi Sociali"), Some(0));
        assert_eq!(service_type("social_services"), Some(0));
        assert_eq!(service_type("Tribunale per i minorenni"), Some(3));
        assert_eq!(service_type("Terzo settore"), Some(6));
        assert_eq!(service_type("day service"), Some(5));
        assert_eq!(service_type("bakery"), None);
        assert_eq!(SERVICE_TYPES.len(), 8);
    }

    /// A registry may name a type as the report prints it: every label of reports/strings.toml
    /// reads back as its type, in Italian and English.
    #[test]
    fn the_reports_type_labels_are_spellings_of_their_type() {
        for lang in ["it", "en"] {
            let words = crate::charts::testing::strings(lang);
            for (k, (id, _)) in SERVICE_TYPES.iter().enumerate() {
                let label = words.get(&format!("service_{id}"));
                assert_eq!(service_type(&label), Some(k), "{lang}: {label}");
            }
        }
    }
}
