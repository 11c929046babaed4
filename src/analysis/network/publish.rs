//! How a network analysis runs from its specification, what it publishes and how it appears.

use toml::Spanned;

use crate::error::{Error, Result};
use crate::publication::{NumFormat, Cell, Figure, HiddenDistribution, KeyFinding, Measure, Table};
use crate::stats::network::Paths;

use super::super::kind::{AnalysisKind, Check, Findings, Input, Methods, View};
use super::super::methods::note;
use super::super::Entry;
use super::{Ask, NetworkResult};

crate::parameters! {
    /// A network analysis's parameters.
    pub struct Params {
        /// Whether a tie has a direction (who refers to whom): true unless said.
        pub directed: Option<Spanned<bool>>,
        /// How paths are measured for betweenness and closeness: "steps" (the default) or
        /// "weight" (a tie's weight is its length).
        pub paths: Option<Spanned<String>>,
        /// Only the ties of these types (as the tie column writes them).
        pub ties: Option<Spanned<Vec<Spanned<String>>>>,
    }
}

fn paths_of(set: &crate::plan::SpecSet, p: &Params) -> Result<Paths> {
    match p.paths.as_ref().map(|x| x.get_ref().as_str()) {
        None | Some("steps") => Ok(Paths::Steps),
        Some("weight") => Ok(Paths::WeightAsDistance),
        Some(other) => Err(set.error_at(
            p.paths.as_ref().expect("written"),
            format!("paths = \"{other}\": \"steps\" (each tie one step) or \"weight\" (a tie's weight is its length)"),
        )),
    }
}

impl AnalysisKind for NetworkResult {
    fn check(c: &Check) -> Result<()> {
        let p: Params = c.params()?;
        paths_of(c.set, &p)?;
        if let Some(by) = &c.spec.by {
            if by.get_ref() != "territory" && by.get_ref() != "area" {
                return Err(c.set.error_at(
                    by,
                    "a network analysis groups by the services' territory: by = \"territory\"",
                ));
            }
        }
        Ok(())
    }

    fn run(input: &Input) -> Result<(String, Self)> {
        let p: Params = input.params()?;
        let (set, spec) = (input.set, input.spec);
        let study = &input.plan.study;
        let source = match &spec.source {
            Some(s) => study.network_sources.iter().find(|x| &x.name == s.get_ref()),
            None => study.network_sources.first(),
        }
        .ok_or_else(|| set.error_at(&spec.id, "no network source"))?;
        let (data, found) = crate::check::network::check_network(study, source)?;
        if let Some(e) = found
            .items
            .iter()
            .find(|d| d.severity == crate::diagnostics::Severity::Error)
        {
            return Err(Error::input(e.location.clone(), e.message.to_string()));
        }
        let paths = paths_of(set, &p)?;
        if let (Some(t), crate::study::NetworkLayout::Survey(_)) = (&p.ties, &source.layout) {
            return Err(set.error_span(
                t.span(),
                format!(
                    "ties = [\"…\"] keeps the ties of some types of an edge list's tie_column, and the source '{}' is a survey of professionals, whose ties have no type",
                    source.name
                ),
            ));
        }
        let ask = Ask {
            directed: p.directed.is_none_or(|d| *d.get_ref()),
            paths,
            by_area: spec.by.is_some(),
            ties: p
                .ties
                .map(|t| t.into_inner().into_iter().map(|x| x.into_inner()).collect())
                .unwrap_or_default(),
        };
        Ok((data.source.clone(), super::run(study, &data, &ask)))
    }

    fn hidden(&self, _source: &str) -> Vec<HiddenDistribution> {
        Vec::new()
    }

    fn withhold(&mut self, _source: &str, _hidden: &[HiddenDistribution]) {}

    fn tables(&self, view: &View) -> Vec<Table> {
        let (id, lang) = (view.entry.id.as_str(), view.lang);
        let opt = |x: &Option<String>| x.as_deref().map_or(Cell::Empty, Cell::text);
        let mut nets = Table::new(
            id,
            &[
                "wave", "group", "services", "ties", "density", "reciprocity",
                "weak_components", "isolates", "ei_public_third_sector", "gaps",
            ],
        )
        .caption(view.words.get("network_caption"))
        .format(4, NumFormat::Thousandths);
        let mut nodes = Table::new(
            format!("{id} services"),
            &[
                "wave", "group", "service", "type", "in_degree", "out_degree", "in_strength",
                "out_strength", "betweenness", "closeness", "brokerage",
            ],
        )
        .format(8, NumFormat::Thousandths);
        let mut matrix = Table::new(
            format!("{id} types"),
            &["wave", "group", "from_type", "to_type", "ties"],
        );
        let words = view.words;
        for n in &self.networks {
            let m = &n.measures;
            // The report's tables: the services that bridge most (the whole network's), and
            // each network's type × type matrix.
            if n.group.is_none() && m.nodes.iter().any(|s| s.betweenness > 0.0) {
                nodes.captions.push(words.get("network_bridges_caption"));
            }
            matrix.captions.push(words.get("network_matrix_caption"));
            nets.rows.push(vec![
                opt(&n.wave),
                Cell::group(n.group.as_deref()),
                Cell::count(Some(m.nodes_count)),
                Cell::count(Some(m.ties)),
                Cell::number(Some(m.density)),
                Cell::number(m.reciprocity),
                Cell::count(Some(m.weak_components.count)),
                Cell::count(Some(m.isolates.len())),
                Cell::number(m.ei_index.as_ref().and_then(|e| e.ei)),
                Cell::count(Some(n.gaps.len())),
            ]);
            // A survey's weights are respondents' answers: no strength per service.
            let strength = |x: f64| {
                if self.survey {
                    Cell::Empty
                } else {
                    Cell::number(Some(x))
                }
            };
            for s in &m.nodes {
                nodes.rows.push(vec![
                    opt(&n.wave),
                    Cell::group(n.group.as_deref()),
                    Cell::text(&s.name),
                    s.class.as_deref().map_or(Cell::Empty, Cell::text),
                    Cell::count(Some(s.in_degree)),
                    Cell::count(Some(s.out_degree)),
                    strength(s.in_strength),
                    strength(s.out_strength),
                    Cell::number(Some(s.betweenness)),
                    Cell::number(Some(s.closeness)),
                    Cell::count(s.brokerage.as_ref().map(|b| b.total)),
                ]);
            }
            // The services named by fewer than k respondents: left out of the rows above, their
            // ties counted in the type × type matrix and the network's measures.
            if !n.aggregated.is_empty() {
                let k = n.aggregated.len();
                let text = match lang {
                    "it" => format!("{k} servizi indicati da meno di k rispondenti: mostrati solo nel loro tipo (matrice tipo × tipo)"),
                    _ => format!("{k} services named by fewer than k respondents: shown only within their type (the type × type matrix)"),
                };
                let mut row = vec![opt(&n.wave), Cell::group(n.group.as_deref()), Cell::text(&text)];
                row.resize(11, Cell::Empty);
                nodes.rows.push(row);
            }
            for (i, a) in n.types.iter().enumerate() {
                for (j, b) in n.types.iter().enumerate() {
                    matrix.rows.push(vec![
                        opt(&n.wave),
                        Cell::group(n.group.as_deref()),
                        Cell::text(*a),
                        Cell::text(*b),
                        Cell::number(Some(n.matrix[i][j])),
                    ]);
                }
            }
        }
        let mut out = vec![nets, nodes, matrix];
        if !self.changes.is_empty() {
            let mut t = Table::new(
                format!("{id} change"),
                &["group", "from", "to", "ties_gained", "ties_lost", "density_before", "density_after"],
            )
            .caption(words.get("network_change_caption"))
            .format(5, NumFormat::Thousandths)
            .format(6, NumFormat::Thousandths);
            let wave = |w: &str, l: &Option<crate::study::Text>| {
                Cell::text(l.as_ref().map_or(w, |l| l.get(lang)))
            };
            for c in &self.changes {
                t.rows.push(vec![
                    Cell::group(c.group.as_deref()),
                    wave(&c.from, &c.from_label),
                    wave(&c.to, &c.to_label),
                    Cell::Number(c.gained as f64),
                    Cell::Number(c.lost as f64),
                    Cell::Number(c.density_before),
                    Cell::Number(c.density_after),
                ]);
            }
            out.push(t);
        }
        out
    }

    /// What recommendation rules read, for the whole network and each area in the last wave: the
    /// density, each type of service's mean degree (none when the type has no service there) and
    /// the ties from each type to each other (none unless both types have a service there).
    fn measures(&self, id: &str) -> Vec<Measure> {
        use crate::check::network::SERVICE_TYPES;
        use crate::publication::Statistic;
        let mut out = Vec::new();
        let mut groups: Vec<&Option<String>> = Vec::new();
        for n in &self.networks {
            if !groups.contains(&&n.group) {
                groups.push(&n.group);
            }
        }
        for group in groups {
            let Some(n) = self.networks.iter().rev().find(|n| &n.group == group) else {
                continue;
            };
            let measure = |subject: String, statistic, value| Measure {
                analysis: id.to_string(),
                subject,
                labels: Default::default(),
                statistic,
                group: group.clone(),
                value,
                p_adjusted: None,
            };
            out.push(measure(
                "density".into(),
                Statistic::Density,
                Some(n.measures.density),
            ));
            // A type's mean degree over all its services, those shown only within their type
            // included (an aggregate: at least two of them wherever a type has any).
            for (kind, _) in SERVICE_TYPES {
                let mean = n
                    .types
                    .iter()
                    .position(|t| t == kind)
                    .map(|i| n.mean_degree[i]);
                out.push(measure(kind.to_string(), Statistic::MeanDegree, mean));
            }
            for (a, _) in SERVICE_TYPES {
                for (b, _) in SERVICE_TYPES.iter().filter(|(b, _)| b != a) {
                    let at = |k: &str| n.types.iter().position(|t| *t == k);
                    let ties = at(a).zip(at(b)).map(|(i, j)| n.matrix[i][j]);
                    out.push(measure(format!("{a} → {b}"), Statistic::TypeTies, ties));
                }
            }
        }
        out
    }

    fn methods(&self, _e: &Entry, m: &mut Methods) {
        m.add(note(
            "network",
            None,
            &["freeman1978", "krackhardt1988", "gould1989", "brandes2001"],
        ));
    }

    fn figures(&self, view: &View) -> Result<Vec<Figure>> {
        let id = &view.entry.id;
        self.charts(id, view)
            .map_err(|e| super::super::kind::chart_error(id, e))
    }

    fn findings(&self, view: &View, out: &mut Findings) {
        let w = view.words;
        // What changed in the whole network between its first and last wave.
        if let Some(c) = self.changes.iter().find(|c| c.group.is_none()) {
            let wave = |label: &Option<crate::study::Text>, id: &str| {
                label
                    .as_ref()
                    .map_or_else(|| id.to_string(), |l| l.get(view.lang).to_string())
            };
            let key = match c.density_after.total_cmp(&c.density_before) {
                std::cmp::Ordering::Greater => "network_change_finding_up",
                std::cmp::Ordering::Less => "network_change_finding_down",
                std::cmp::Ordering::Equal => "network_change_finding_same",
            };
            out.findings.push(KeyFinding {
                text: w.fill(
                    key,
                    &[
                        ("from", &wave(&c.from_label, &c.from)),
                        ("to", &wave(&c.to_label, &c.to)),
                        ("gained", &crate::format::integer(c.gained as f64, view.lang)),
                        ("lost", &crate::format::integer(c.lost as f64, view.lang)),
                        ("before", &crate::format::number(c.density_before, 3, view.lang)),
                        ("after", &crate::format::number(c.density_after, 3, view.lang)),
                    ],
                ),
                figure: None,
                rank: 2,
            });
        }
        // The gaps of the whole network in its last wave: types that never tie.
        let Some(last) = self.networks.iter().rev().find(|n| n.group.is_none()) else {
            return;
        };
        if last.gaps.is_empty() {
            return;
        }
        let ty = |k: &str| w.get(&format!("service_{k}"));
        let gaps: Vec<String> = last
            .gaps
            .iter()
            .take(3)
            .map(|g| format!("{} → {}", ty(g.from), ty(g.to)))
            .collect();
        // The areas with the most gaps in their last wave, at most three.
        let mut areas: Vec<(&str, usize)> = Vec::new();
        for n in self.networks.iter().rev() {
            if let Some(g) = n.group.as_deref() {
                if !areas.iter().any(|(a, _)| *a == g) {
                    areas.push((g, n.gaps.len()));
                }
            }
        }
        areas.retain(|(_, k)| *k > 0);
        areas.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        let mut text = w
            .get("network_gaps_finding")
            .replace("{n}", &last.gaps.len().to_string())
            .replace("{gaps}", &gaps.join("; "));
        if !areas.is_empty() {
            let named: Vec<String> = areas
                .iter()
                .take(3)
                .map(|(a, k)| format!("{a} ({k})"))
                .collect();
            text.push(' ');
            text.push_str(&w.fill(
                "network_gaps_finding_areas",
                &[("areas", &crate::format::join_words(&named, view.lang))],
            ));
        }
        out.findings.push(KeyFinding {
            text,
            figure: None,
            rank: 2,
        });
    }
}

/// The density from which a network's ordered adjacency matrix is shown beside its diagram: from
/// one tie in five possible, a node-link diagram of more than a handful of services is a tangle.
pub const DENSE_FROM: f64 = 0.2;
/// The adjacency matrix needs at least this many services (below, the diagram stays legible at
/// any density) and at most [`DENSE_MAX`] (beyond, its rows cannot be named).
pub const DENSE_MIN: usize = 10;
pub const DENSE_MAX: usize = 60;

/// Whether a network of `services` services (as drawn) and this density gets the adjacency
/// matrix.
pub fn shows_matrix(density: f64, services: usize) -> bool {
    density >= DENSE_FROM && (DENSE_MIN..=DENSE_MAX).contains(&services)
}

/// The id of a network's figure `what` (`diagram`, `types`, `matrix`): `<id>-<wave>-<what>` for
/// the whole network, `<id>-<wave>-<area>-<what>` for an area.
pub fn figure_id(id: &str, wave: Option<&str>, area: Option<&str>, what: &str) -> String {
    let mut out = crate::text::slug(id);
    for part in [wave, area].into_iter().flatten() {
        out.push('-');
        out.push_str(&crate::text::slug(part));
    }
    format!("{out}-{what}")
}

impl NetworkResult {
    /// The chart's picture of one network: its services (those of its area), its ties, and the
    /// services of `aggregated` merged into one node per type.
    pub fn chart_network(
        &self,
        n: &super::NetworkRow,
        w: &crate::words::Strings,
    ) -> crate::charts::network::Network {
        use crate::charts::network as chart;
        let kinds: Vec<&str> = crate::check::network::SERVICE_TYPES
            .iter()
            .map(|(k, _)| *k)
            .collect();
        let net = chart::Network {
            nodes: self
                .services
                .iter()
                .filter(|s| n.group.is_none() || s.territory == n.group)
                .map(|s| chart::NetNode {
                    id: s.id.clone(),
                    label: s.name.clone(),
                    kind: kinds.iter().position(|k| *k == s.kind).unwrap_or(0),
                    size: None,
                    merged: 0,
                })
                .collect(),
            edges: n
                .ties
                .iter()
                .map(|(a, b, weight)| chart::NetEdge {
                    from: a.clone(),
                    to: b.clone(),
                    weight: *weight,
                    directed: self.directed,
                })
                .collect(),
            types: kinds.iter().map(|k| w.get(&format!("service_{k}"))).collect(),
        };
        chart::aggregate(&net, &n.aggregated, w)
    }

    /// For each network (the whole, then each area) in each wave: the diagram (services coloured
    /// by type, sized by degree); for the whole network the type × type matrix too; and, for a
    /// dense network ([`shows_matrix`]), the ordered adjacency matrix.
    fn charts(&self, id: &str, view: &View) -> std::result::Result<Vec<Figure>, String> {
        use crate::charts::network as chart;
        let (w, lang) = (view.words, view.lang);
        let mut out = Vec::new();
        for n in &self.networks {
            let net = self.chart_network(n, w);
            if net.nodes.is_empty() {
                continue;
            }
            let wave = n
                .wave_label
                .as_ref()
                .map(|l| l.get(lang).to_string())
                .or(n.wave.clone());
            let suffix: String = [n.group.clone(), wave]
                .into_iter()
                .flatten()
                .map(|x| format!(" · {x}"))
                .collect();
            let mut whats = vec![("diagram", "network_chart_title")];
            if n.group.is_none() {
                whats.push(("types", "network_types_title"));
            }
            if shows_matrix(n.measures.density, net.nodes.len()) {
                whats.push(("matrix", "network_matrix_title"));
            }
            for (what, title_key) in whats {
                let fid = figure_id(id, n.wave.as_deref(), n.group.as_deref(), what);
                let title = format!("{}{suffix}", w.get(title_key));
                let desc = match what {
                    "diagram" => chart::network_diagram_desc(w, lang, &net),
                    "types" => chart::type_matrix_desc(w, lang, &net),
                    _ => chart::adjacency_heatmap_desc(w, lang, &net),
                };
                let texts = crate::charts::Texts {
                    title: title.clone(),
                    subtitle: w.get(&format!("{title_key}_subtitle")),
                    source: view.source.to_string(),
                    desc: desc.clone(),
                    lang: lang.to_string(),
                };
                let svg = match what {
                    "diagram" => chart::network_diagram(&fid, &texts, w, &net)?,
                    "types" => chart::type_matrix(&fid, &texts, w, &net)?,
                    _ => chart::adjacency_heatmap(&fid, &texts, w, &net)?,
                };
                out.push(Figure {
                    id: fid.clone(),
                    label: fid.clone(),
                    file: format!("charts/{fid}.svg"),
                    title,
                    subtitle: texts.subtitle,
                    desc,
                    headline: false,
                    svg,
                });
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::super::{NetworkResult, NetworkRow, ServiceRow};
    use super::*;
    use crate::charts::testing::strings;
    use crate::stats::network::{Edge, Network};

    #[test]
    fn the_adjacency_matrix_is_shown_from_the_density_threshold_within_the_size_bounds() {
        assert!(shows_matrix(DENSE_FROM, DENSE_MIN));
        assert!(shows_matrix(0.9, DENSE_MAX));
        assert!(!shows_matrix(DENSE_FROM - 1e-9, 30));
        assert!(!shows_matrix(0.9, DENSE_MIN - 1));
        assert!(!shows_matrix(0.9, DENSE_MAX + 1));
    }

    /// A network of `services` (id, type) tied as `ties`, all in one area, with `aggregated`
    /// given by hand.
    fn result(services: &[(&str, &'static str)], ties: &[(&str, &str)], aggregated: &[&str]) -> NetworkResult {
        let names: Vec<String> = services.iter().map(|s| s.0.to_string()).collect();
        let edges: Vec<Edge> = ties
            .iter()
            .map(|(a, b)| Edge {
                from: a.to_string(),
                to: b.to_string(),
                weight: Some(1.0),
            })
            .collect();
        let net = Network::new(&names, &edges, true);
        let row = NetworkRow {
            wave: Some("t1".into()),
            wave_label: None,
            group: Some("Nord".into()),
            measures: net.measures(Paths::Steps, None),
            types: Vec::new(),
            matrix: Vec::new(),
            mean_degree: Vec::new(),
            gaps: Vec::new(),
            unreferred: Vec::new(),
            aggregated: aggregated.iter().map(|s| s.to_string()).collect(),
            ties: ties
                .iter()
                .map(|(a, b)| (a.to_string(), b.to_string(), 1.0))
                .collect(),
        };
        NetworkResult {
            directed: true,
            survey: false,
            paths: Paths::Steps,
            services: services
                .iter()
                .map(|(id, kind)| ServiceRow {
                    id: id.to_string(),
                    name: format!("Servizio {id}"),
                    kind,
                    public: true,
                    territory: Some(if *id == "X" { "Sud" } else { "Nord" }.into()),
                    hidden: aggregated.contains(id),
                })
                .collect(),
            networks: vec![row],
            changes: Vec::new(),
        }
    }

    /// The services of `aggregated`, filled by hand, are drawn as one node per type with the
    /// words of strings.toml; the area's network leaves out the other area's service.
    #[test]
    fn a_rows_aggregated_services_are_drawn_merged() {
        let r = result(
            &[
                ("SS1", "social_services"),
                ("H1", "health"),
                ("H2", "health"),
                ("C1", "reception"),
                ("X", "police"),
            ],
            &[("SS1", "H1"), ("SS1", "H2"), ("H1", "H2"), ("H2", "C1")],
            &["H1", "H2"],
        );
        for (lang, label) in [("it", "2 altri servizi: Sanità"), ("en", "2 other services: Health")] {
            let net = r.chart_network(&r.networks[0], &strings(lang));
            let labels: Vec<&str> = net.nodes.iter().map(|n| n.label.as_str()).collect();
            assert_eq!(labels, ["Servizio SS1", label, "Servizio C1"]);
            let ties: Vec<(&str, &str, f64)> = net
                .edges
                .iter()
                .map(|e| (e.from.as_str(), e.to.as_str(), e.weight))
                .collect();
            assert_eq!(ties, [("SS1", "aggregated-1", 2.0), ("aggregated-1", "C1", 1.0)]);
        }
        let none = result(&[("SS1", "social_services"), ("H1", "health")], &[("SS1", "H1")], &[]);
        let net = none.chart_network(&none.networks[0], &strings("en"));
        assert!(net.nodes.iter().all(|n| n.merged == 0) && net.nodes.len() == 2);
    }
}
