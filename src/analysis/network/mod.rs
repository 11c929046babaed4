//! A network of services (`kind = "network"`): which services refer to, consult or work with
//! which, for the whole network and each area (a territory of the registry), wave by wave. Size,
//! density, reciprocity, components, isolates and pendants; in- and out-degree, strength,
//! betweenness and closeness of each service; Gould–Fernandez brokerage across service types; the
//! E-I index between the public services and the third sector; the type × type matrix of ties
//! and its **gaps** (two types present that never tie), the services nobody refers to; between
//! the first and the last wave, the ties gained and lost and the change in density. The measures
//! are those of [`crate::stats::network`], tested against networkx.

pub mod publish;
pub use publish::Params;

use serde::Serialize;

use crate::check::network::{NetworkData, SERVICE_TYPES};
use crate::stats::network::{Edge, Measures, Network, Paths};

/// One service as a row of the result.
#[derive(Debug, Clone, Serialize)]
pub struct ServiceRow {
    pub id: String,
    pub name: String,
    /// Its type's id (`social_services`, `health` …).
    pub kind: &'static str,
    pub public: bool,
    pub territory: Option<String>,
}

/// Ties from one type to another that never happen though both types are in the network.
#[derive(Debug, Clone, Serialize)]
pub struct Gap {
    pub from: &'static str,
    pub to: &'static str,
}

/// One network: the whole, or one area, in one wave (or all of them).
#[derive(Debug, Clone, Serialize)]
pub struct NetworkRow {
    pub wave: Option<String>,
    /// The wave's label, as `[[waves]]` gives it.
    pub wave_label: Option<crate::study::Text>,
    pub group: Option<String>,
    pub measures: Measures,
    /// The service types present, in [`SERVICE_TYPES`]' order, and the ties between them:
    /// `matrix[i][j]` ties (weights summed) from `types[i]` to `types[j]`.
    pub types: Vec<&'static str>,
    pub matrix: Vec<Vec<f64>>,
    pub gaps: Vec<Gap>,
    /// Services (by name) in the network that no other service refers to (in-degree 0).
    pub unreferred: Vec<String>,
    /// Services (by id) named by fewer than k respondents: in this network's charts and tables
    /// only within their type.
    pub aggregated: Vec<String>,
    /// The ties (from id, to id, weight), for the charts.
    #[serde(skip)]
    pub ties: Vec<(String, String, f64)>,
}

/// The change between the first and the last wave of a network.
#[derive(Debug, Clone, Serialize)]
pub struct NetworkChange {
    pub group: Option<String>,
    pub from: String,
    pub to: String,
    /// The waves' labels, as `[[waves]]` gives them.
    pub from_label: Option<crate::study::Text>,
    pub to_label: Option<crate::study::Text>,
    pub gained: usize,
    pub lost: usize,
    pub density_before: f64,
    pub density_after: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct NetworkResult {
    pub directed: bool,
    pub paths: Paths,
    pub services: Vec<ServiceRow>,
    pub networks: Vec<NetworkRow>,
    pub changes: Vec<NetworkChange>,
}

/// The network of the ties `keep` keeps, among the services `within` keeps (all services are
/// its nodes, isolates included).
fn network_of(
    data: &NetworkData,
    within: &dyn Fn(usize) -> bool,
    keep: &dyn Fn(&crate::check::network::Tie) -> bool,
    directed: bool,
) -> (Network, Vec<usize>) {
    let members: Vec<usize> = (0..data.services.len()).filter(|&s| within(s)).collect();
    let names: Vec<String> = members
        .iter()
        .map(|&s| data.services[s].id.clone())
        .collect();
    let edges: Vec<Edge> = data
        .ties
        .iter()
        .filter(|t| within(t.from) && within(t.to) && keep(t))
        .map(|t| Edge {
            from: data.services[t.from].id.clone(),
            to: data.services[t.to].id.clone(),
            weight: Some(t.weight),
        })
        .collect();
    (Network::new(&names, &edges, directed), members)
}

/// The row of one network: its measures, its type matrix and gaps.
fn row_of(
    study: &crate::study::Study,
    data: &NetworkData,
    net: &Network,
    members: &[usize],
    paths: Paths,
    wave: Option<String>,
    group: Option<String>,
) -> NetworkRow {
    let types_of: Vec<usize> = members.iter().map(|&s| data.services[s].kind).collect();
    let class: Vec<Option<String>> = types_of
        .iter()
        .map(|&k| Some(SERVICE_TYPES[k].0.to_string()))
        .collect();
    let mut measures = net.measures(paths, Some(&class));
    // The E-I index between the public services and the third sector.
    let sector: Vec<Option<String>> = members
        .iter()
        .map(|&s| {
            Some(if data.services[s].public {
                "public".to_string()
            } else {
                "third_sector".to_string()
            })
        })
        .collect();
    measures.ei_index = Some(net.ei_index(&sector));
    let mut present: Vec<usize> = types_of.clone();
    present.sort_unstable();
    present.dedup();
    let mut matrix = vec![vec![0.0; present.len()]; present.len()];
    let pos = |k: usize| present.iter().position(|&p| p == k);
    for &(a, b, w) in &net.ties {
        if let (Some(i), Some(j)) = (pos(types_of[a]), pos(types_of[b])) {
            matrix[i][j] += w;
            if !net.directed && i != j {
                matrix[j][i] += w;
            }
        }
    }
    let mut gaps = Vec::new();
    for (i, &a) in present.iter().enumerate() {
        for (j, &b) in present.iter().enumerate() {
            // A type that never ties with another type present (both ways for an undirected
            // network, listed once).
            if i != j && matrix[i][j] == 0.0 && (net.directed || i < j) {
                gaps.push(Gap {
                    from: SERVICE_TYPES[a].0,
                    to: SERVICE_TYPES[b].0,
                });
            }
        }
    }
    let unreferred = measures
        .nodes
        .iter()
        .enumerate()
        .filter(|(_, n)| {
            if net.directed {
                n.in_degree == 0
            } else {
                n.neighbours == 0
            }
        })
        .map(|(i, _)| data.services[members[i]].name.clone())
        .collect();
    let ties = net
        .ties
        .iter()
        .map(|&(a, b, w)| (net.names[a].clone(), net.names[b].clone(), w))
        .collect();
    NetworkRow {
        ties,
        wave_label: wave.as_ref().and_then(|w| {
            study
                .waves
                .iter()
                .find(|x| &x.id == w)
                .and_then(|x| x.label.clone())
        }),
        wave,
        group,
        measures,
        types: present.iter().map(|&k| SERVICE_TYPES[k].0).collect(),
        matrix,
        gaps,
        unreferred,
        aggregated: Vec::new(),
    }
}

/// What the analysis asks.
pub struct Ask {
    pub directed: bool,
    pub paths: Paths,
    /// Areas: one network per territory of the registry too.
    pub by_area: bool,
    /// Only the ties of these types (all when empty), as written in the tie column.
    pub ties: Vec<String>,
}

pub fn run(study: &crate::study::Study, data: &NetworkData, ask: &Ask) -> NetworkResult {
    let geography = &study.geography;
    let name_of = |u: usize| geography.units[u].name.clone();
    let services: Vec<ServiceRow> = data
        .services
        .iter()
        .map(|s| ServiceRow {
            id: s.id.clone(),
            name: s.name.clone(),
            kind: SERVICE_TYPES[s.kind].0,
            public: s.public,
            territory: s.territory.map(name_of),
        })
        .collect();
    let tie_ok = |t: &crate::check::network::Tie| {
        ask.ties.is_empty()
            || t.tie
                .as_deref()
                .is_some_and(|x| ask.ties.iter().any(|w| crate::text::fold(w) == crate::text::fold(x)))
    };
    // The waves the ties hold, in the study's order (none: one network).
    let mut waves: Vec<Option<usize>> = data.ties.iter().map(|t| t.wave).collect();
    waves.sort_unstable();
    waves.dedup();
    if waves.is_empty() {
        waves.push(None);
    }
    let mut areas: Vec<Option<usize>> = vec![None];
    if ask.by_area {
        let mut found: Vec<usize> = data.services.iter().filter_map(|s| s.territory).collect();
        found.sort_unstable();
        found.dedup();
        areas.extend(found.into_iter().map(Some));
    }
    let mut networks = Vec::new();
    let mut changes = Vec::new();
    for &area in &areas {
        let within = |s: usize| area.is_none_or(|a| data.services[s].territory == Some(a));
        let mut first: Option<(Network, String)> = None;
        let mut last: Option<(Network, String)> = None;
        for &wave in &waves {
            let keep = |t: &crate::check::network::Tie| tie_ok(t) && t.wave == wave;
            let (net, members) = network_of(data, &within, &keep, ask.directed);
            let wave_id = wave.map(|w| study.waves[w].id.clone());
            networks.push(row_of(
                study,
                data,
                &net,
                &members,
                ask.paths,
                wave_id.clone(),
                area.map(name_of),
            ));
            if let Some(id) = wave_id {
                if first.is_none() {
                    first = Some((net.clone(), id.clone()));
                }
                last = Some((net, id));
            }
        }
        if let (Some((a, from)), Some((b, to))) = (first, last) {
            if from != to {
                let set = |n: &Network| -> std::collections::BTreeSet<(String, String)> {
                    n.ties
                        .iter()
                        .map(|&(x, y, _)| (n.names[x].clone(), n.names[y].clone()))
                        .collect()
                };
                let (before, after) = (set(&a), set(&b));
                let label = |id: &str| {
                    study
                        .waves
                        .iter()
                        .find(|x| x.id == id)
                        .and_then(|x| x.label.clone())
                };
                changes.push(NetworkChange {
                    group: area.map(name_of),
                    from_label: label(&from),
                    to_label: label(&to),
                    from,
                    to,
                    gained: after.difference(&before).count(),
                    lost: before.difference(&after).count(),
                    density_before: a.density(),
                    density_after: b.density(),
                });
            }
        }
    }
    NetworkResult {
        directed: ask.directed,
        paths: ask.paths,
        services,
        networks,
        changes,
    }
}
