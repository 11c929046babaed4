//! A network of services (`kind = "network"`): which services refer to, consult or work with
//! which, for the whole network and each area (a territory of the registry), wave by wave. Size,
//! density, reciprocity, components, isolates and pendants; in- and out-degree, strength,
//! betweenness and closeness of each service; Gould–Fernandez brokerage across service types; the
//! E-I index between the public services and the third sector; the type × type matrix of ties
//! and its **gaps** (two types present that never tie), the services nobody refers to; between
//! the first and the last wave, the ties gained and lost and the change in density. The measures
//! are those of [`crate::stats::network`], tested against networkx.
//!
//! A survey of professionals is protected: in each wave, the services fewer than k respondents
//! named or answered for are listed in [`NetworkRow::aggregated`] and shown only within their
//! type (their ties stay in the type matrix and the network's measures), with a second service
//! of the same type beside any that would be hidden alone (`hidden_services`), and its network counts
//! ties (a tie's weight is respondents' answers, not published per tie or per service).

pub mod publish;
pub use publish::Params;

use std::collections::{BTreeMap, BTreeSet};

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
    /// A survey of professionals: the service is named by fewer than k respondents in a wave,
    /// so results.json shows only its type.
    #[serde(skip)]
    pub hidden: bool,
}

/// The services as results.json shows them: a hidden service by its type only.
fn published_services<S: serde::Serializer>(
    rows: &[ServiceRow],
    s: S,
) -> std::result::Result<S::Ok, S::Error> {
    use serde::ser::SerializeSeq;
    #[derive(Serialize)]
    struct WithinType {
        kind: &'static str,
        public: bool,
        within_type: bool,
    }
    let mut seq = s.serialize_seq(Some(rows.len()))?;
    for r in rows {
        if r.hidden {
            seq.serialize_element(&WithinType {
                kind: r.kind,
                public: r.public,
                within_type: true,
            })?;
        } else {
            seq.serialize_element(r)?;
        }
    }
    seq.end()
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
    /// The mean degree (ties in or out; neighbours when undirected) of each type's services,
    /// in `types`' order, those shown only within their type included.
    pub mean_degree: Vec<f64>,
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
    /// A survey of professionals: a tie's weight is its respondents' answers, so the network is
    /// measured on its ties alone (no per-tie weight, no per-service strength is published).
    pub survey: bool,
    #[serde(serialize_with = "published_services")]
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
            // A survey's weights are respondents' answers: its network counts ties.
            weight: Some(if data.involved.is_some() { 1.0 } else { t.weight }),
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
    (wave, group): (Option<String>, Option<String>),
    hidden: &BTreeSet<usize>,
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
    let aggregated: Vec<String> = members
        .iter()
        .filter(|s| hidden.contains(s))
        .map(|&s| data.services[s].id.clone())
        .collect();
    let mean_degree: Vec<f64> = present
        .iter()
        .map(|&k| {
            let degrees: Vec<f64> = measures
                .nodes
                .iter()
                .zip(&types_of)
                .filter(|(_, &t)| t == k)
                .map(|(s, _)| {
                    if net.directed {
                        (s.in_degree + s.out_degree) as f64
                    } else {
                        s.neighbours as f64
                    }
                })
                .collect();
            crate::stats::mean(&degrees).unwrap_or(0.0)
        })
        .collect();
    let within_type = |id: &String| aggregated.contains(id);
    measures.nodes.retain(|n| !within_type(&n.name));
    measures.isolates.retain(|n| !within_type(n));
    measures.pendants.retain(|n| !within_type(n));
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
        .filter_map(|(_, n)| {
            data.services
                .iter()
                .find(|s| s.id == n.name)
                .map(|s| s.name.clone())
        })
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
        mean_degree,
        gaps,
        unreferred,
        aggregated,
    }
}

/// A survey of professionals: the services of wave `wave` shown only within their type. First
/// those that 1 to k − 1 respondents named or answered for in that wave (and, in a wave where
/// nobody names them, those that few named in another, so that a name does not appear beside
/// the wave where it is hidden). Then, as in cell suppression, a second one wherever a type would
/// have a single hidden service in a published network (the whole or an area) beside others of
/// its type: the shown services' ties subtracted from the type × type matrix, or a merged node of
/// one, would otherwise give the hidden service's ties back. The second is the service of that
/// type with the fewest respondents, at least one, in the hidden one's area if it can (then the
/// first in the registry), and the rule is applied
/// until it holds in every network of the wave. A type whose only service is hidden stays a row
/// of the type × type matrix (the aggregate the protection publishes).
fn hidden_services(
    study: &crate::study::Study,
    data: &NetworkData,
    areas: &[Option<usize>],
    wave: Option<usize>,
) -> BTreeSet<usize> {
    let Some(involved) = &data.involved else {
        return BTreeSet::new();
    };
    let few = |n: usize| n > 0 && (n as u64) < study.min_cell;
    let count = |s: usize| involved.get(&wave).map_or(0, |c| c[s]);
    let mut hidden: BTreeSet<usize> = (0..data.services.len())
        .filter(|&s| few(count(s)) || (count(s) == 0 && involved.values().any(|c| few(c[s]))))
        .collect();
    loop {
        let mut added = false;
        for &area in areas {
            let within = |s: usize| area.is_none_or(|a| data.services[s].territory == Some(a));
            for kind in 0..SERVICE_TYPES.len() {
                let of_kind: Vec<usize> = (0..data.services.len())
                    .filter(|&s| within(s) && data.services[s].kind == kind)
                    .collect();
                let lone: Vec<usize> = of_kind
                    .iter()
                    .copied()
                    .filter(|s| hidden.contains(s))
                    .collect();
                let [lone] = lone[..] else {
                    continue;
                };
                // In the lone one's own area first, so that the area's network has its pair too.
                let area_of = |s: usize| data.services[s].territory;
                if let Some(&second) = of_kind
                    .iter()
                    .filter(|&&s| !hidden.contains(&s) && count(s) > 0)
                    .min_by_key(|&&s| (area_of(s) != area_of(lone), count(s), s))
                {
                    hidden.insert(second);
                    added = true;
                }
            }
        }
        if !added {
            return hidden;
        }
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
            hidden: false,
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
    let hidden: BTreeMap<Option<usize>, BTreeSet<usize>> = waves
        .iter()
        .map(|&w| (w, hidden_services(study, data, &areas, w)))
        .collect();
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
                (wave_id.clone(), area.map(name_of)),
                &hidden[&wave],
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
    // A service named by fewer than k respondents in a wave is not listed by name.
    let mut services = services;
    for (i, row) in services.iter_mut().enumerate() {
        let id = &data.services[i].id;
        row.hidden = networks.iter().any(|n| n.aggregated.contains(id));
    }
    NetworkResult {
        directed: ask.directed,
        paths: ask.paths,
        survey: data.involved.is_some(),
        services,
        networks,
        changes,
    }
}
