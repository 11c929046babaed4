//! A network source checked (`kind = "network"`): the services registry (each service's id, name,
//! type, territory and sector) and the edge list of the ties between them (who refers to,
//! consults or works with whom, with an optional weight, type of tie and wave). Findings name
//! file, row and column: a service type or territory the study does not know, an id used twice, a
//! tie whose end is not in the registry, a weight that is not a number above zero, an unknown
//! wave, a service tied to itself.

use std::collections::HashMap;

use super::records::{header, optional_header, text_of};
use crate::diagnostics::{show_value, Diagnostics};
use crate::error::Result;
use crate::ingest::read_table;
use crate::study::{NetworkSource, Study};

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
        ],
    ),
    (
        "day_service",
        &[
            "centro diurno",
            "servizio diurno",
            "day service",
            "day centre",
            "day center",
        ],
    ),
    (
        "third_sector",
        &["terzo settore", "associazione", "third sector", "ngo"],
    ),
    ("police", &["polizia", "forze dell'ordine", "police"]),
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
    /// The usable ties (both ends known), in the file's order.
    pub ties: Vec<Tie>,
}

/// Reads and checks the registry, then the edge list.
pub fn check_network(study: &Study, source: &NetworkSource) -> Result<(NetworkData, Diagnostics)> {
    let mut d = Diagnostics::default();
    let registry_file = study.display_path(&source.registry);
    let mut reg = read_table(&source.registry, &registry_file, None)?;
    d.extend(std::mem::take(&mut reg.notes));
    let id_j = header(&reg, "id", "the registry's id column", study)?;
    let name_j = header(&reg, "name", "the registry's name column", study).ok();
    let type_j = header(&reg, "type", "the registry's type column", study)?;
    let territory_j = header(&reg, "territory", "the registry's territory column", study).ok();
    let sector_j = header(&reg, "sector", "the registry's sector column", study).ok();
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
                    format!(
                        "{} is not a type of service ({})",
                        show_value(&t),
                        SERVICE_TYPES
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
                d.error("network-type", here(type_j), "a service without a type");
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
                        format!("{} is not a territory of the study", show_value(&t)),
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
                        format!(
                            "{} is neither public (pubblico) nor third sector (terzo settore)",
                            show_value(&t)
                        ),
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
                format!(
                    "this service's id or name is also the service '{}' of an earlier row: each service once",
                    services[other].id
                ),
            );
            continue;
        }
        known.insert(crate::text::fold(&id), index);
        known.insert(crate::text::fold(&name), index);
        services.push(Service {
            id,
            name,
            kind,
            territory,
            public,
        });
    }
    let file = study.display_path(&source.path);
    let mut table = read_table(&source.path, &file, source.sheet.as_deref())?;
    d.extend(std::mem::take(&mut table.notes));
    let from_j = header(&table, &source.from_column, "from_column", study)?;
    let to_j = header(&table, &source.to_column, "to_column", study)?;
    let weight_j = optional_header(
        &table,
        source.weight_column.as_deref(),
        "weight_column",
        study,
    )?;
    let tie_j = optional_header(&table, source.tie_column.as_deref(), "tie_column", study)?;
    let wave_j = optional_header(&table, source.wave_column.as_deref(), "wave_column", study)?;
    let mut ties = Vec::new();
    for i in 0..table.height() {
        let here = |j: usize| table.cell_location(i, j);
        let end = |j: usize, d: &mut Diagnostics| -> Option<usize> {
            let Some(raw) = text_of(&table.cell(i, j)) else {
                d.error("network-end", here(j), "a tie without this end");
                return None;
            };
            let found = known.get(&crate::text::fold(&raw)).copied();
            if found.is_none() {
                d.error(
                    "network-end",
                    here(j),
                    format!(
                        "{} is not a service of the registry {registry_file} (by id or name)",
                        show_value(&raw)
                    ),
                );
            }
            found
        };
        if (0..table.headers.len()).all(|j| text_of(&table.cell(i, j)).is_none()) {
            continue;
        }
        let (from, to) = (end(from_j, &mut d), end(to_j, &mut d));
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
                            format!("{} is not a weight above zero", show_value(&text)),
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
                    d.error("network-wave", here(j), "a tie without a wave");
                    None
                }
                Some(raw) => match study.resolve_wave(&raw) {
                    Some(w) => Some(Some(w)),
                    None => {
                        d.error(
                            "network-wave",
                            here(j),
                            format!("{} is not a wave of the study", show_value(&raw)),
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
            d.warning(
                "network-self",
                here(from_j),
                "a service tied to itself: the tie is left out",
            );
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
    Ok((
        NetworkData {
            source: source.name.clone(),
            file,
            registry_file,
            services,
            ties,
        },
        d,
    ))
}

#[cfg(test)]
mod tests {
    use super::{service_type, SERVICE_TYPES};

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
}
