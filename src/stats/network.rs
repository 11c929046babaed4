//! Network measures over a list of ties between named nodes (services, organisations), on
//! petgraph: size, density, reciprocity, components, isolates and pendants, degree and strength,
//! betweenness and closeness (as networkx computes them), the E-I index (Krackhardt & Stern 1988)
//! and Gould–Fernandez brokerage roles (Gould & Fernandez 1989, as R `sna::brokerage` counts them).
//!
//! Nodes keep their names and the order in which they were first named; every output is in that
//! order, so reruns give the same bytes. Ties named twice (a→b twice; a–b and b–a when
//! undirected) are one tie whose weight is the sum. Self-ties (a→a) are left out and counted.
//! Shortest paths count steps by default; with [`Paths::WeightAsDistance`] a tie's weight is its
//! length (a larger weight is a *longer* path), as networkx's `weight="weight"` does.

use std::cmp::Ordering;
use std::collections::{BTreeMap, BinaryHeap};

use petgraph::algo::{dijkstra, tarjan_scc};
use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::unionfind::UnionFind;
use petgraph::visit::{EdgeRef, Reversed};
use petgraph::Direction::{Incoming, Outgoing};
use serde::Serialize;

/// One tie as read: its two ends and an optional weight (1 when absent).
#[derive(Debug, Clone, PartialEq)]
pub struct Edge {
    pub from: String,
    pub to: String,
    pub weight: Option<f64>,
}

/// How shortest paths (betweenness, closeness) measure length.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Paths {
    /// Each tie is one step (networkx `weight=None`).
    Steps,
    /// A tie's weight is its length (networkx `weight="weight"`); weights must be above 0.
    WeightAsDistance,
}

/// A network: nodes in input order and their ties, directed or not.
#[derive(Debug, Clone)]
pub struct Network {
    pub directed: bool,
    pub names: Vec<String>,
    /// Every tie once: (from, to, weight); for an undirected network from ≤ to by input order.
    pub ties: Vec<(usize, usize, f64)>,
    /// Self-ties left out.
    pub self_ties: usize,
    /// The ties as arcs (both ways when undirected), for paths and components.
    arcs: DiGraph<usize, f64>,
}

impl Network {
    /// Builds a network from `nodes` (named first, in this order; isolates can be given here) and
    /// `edges` (whose new ends are added in order of appearance).
    pub fn new(nodes: &[String], edges: &[Edge], directed: bool) -> Network {
        let mut names: Vec<String> = Vec::new();
        let mut index: BTreeMap<String, usize> = BTreeMap::new();
        let mut id = |name: &str, names: &mut Vec<String>| -> usize {
            *index.entry(name.to_string()).or_insert_with(|| {
                names.push(name.to_string());
                names.len() - 1
            })
        };
        for n in nodes {
            id(n, &mut names);
        }
        let mut ties: Vec<(usize, usize, f64)> = Vec::new();
        let mut seen: BTreeMap<(usize, usize), usize> = BTreeMap::new();
        let mut self_ties = 0;
        for e in edges {
            let a = id(&e.from, &mut names);
            let b = id(&e.to, &mut names);
            if a == b {
                self_ties += 1;
                continue;
            }
            let key = if directed || a < b { (a, b) } else { (b, a) };
            let w = e.weight.unwrap_or(1.0);
            match seen.get(&key) {
                Some(&k) => ties[k].2 += w,
                None => {
                    seen.insert(key, ties.len());
                    ties.push((key.0, key.1, w));
                }
            }
        }
        let mut arcs = DiGraph::with_capacity(names.len(), ties.len() * 2);
        for i in 0..names.len() {
            arcs.add_node(i);
        }
        for &(a, b, w) in &ties {
            arcs.add_edge(NodeIndex::new(a), NodeIndex::new(b), w);
            if !directed {
                arcs.add_edge(NodeIndex::new(b), NodeIndex::new(a), w);
            }
        }
        Network {
            directed,
            names,
            ties,
            self_ties,
            arcs,
        }
    }

    pub fn n(&self) -> usize {
        self.names.len()
    }

    /// Ties over possible ties (networkx `nx.density`): m / (n(n−1)) directed, 2m / (n(n−1))
    /// undirected; 0 with fewer than two nodes.
    pub fn density(&self) -> f64 {
        let n = self.n() as f64;
        if self.n() < 2 {
            return 0.0;
        }
        let m = self.ties.len() as f64;
        if self.directed {
            m / (n * (n - 1.0))
        } else {
            2.0 * m / (n * (n - 1.0))
        }
    }

    /// Share of directed ties that are returned (networkx `nx.reciprocity(G)`); `None` when
    /// undirected or without ties.
    pub fn reciprocity(&self) -> Option<f64> {
        if !self.directed || self.ties.is_empty() {
            return None;
        }
        let returned = self
            .ties
            .iter()
            .filter(|&&(a, b, _)| {
                self.arcs
                    .find_edge(NodeIndex::new(b), NodeIndex::new(a))
                    .is_some()
            })
            .count();
        Some(returned as f64 / self.ties.len() as f64)
    }

    /// Weakly connected components (ties taken both ways), each as node indices in input order,
    /// the components ordered by their first node.
    pub fn weak_components(&self) -> Vec<Vec<usize>> {
        let mut uf = UnionFind::<usize>::new(self.n());
        for &(a, b, _) in &self.ties {
            uf.union(a, b);
        }
        group(self.n(), |i| uf.find(i))
    }

    /// Strongly connected components (petgraph `tarjan_scc`), ordered like the weak ones; for an
    /// undirected network the same as the weak components.
    pub fn strong_components(&self) -> Vec<Vec<usize>> {
        let mut of = vec![0; self.n()];
        for (k, c) in tarjan_scc(&self.arcs).into_iter().enumerate() {
            for v in c {
                of[v.index()] = k;
            }
        }
        group(self.n(), |i| of[i])
    }

    /// Distinct neighbours of each node, ties taken both ways.
    pub fn neighbours(&self) -> Vec<usize> {
        let mut nb: Vec<std::collections::BTreeSet<usize>> = vec![Default::default(); self.n()];
        for &(a, b, _) in &self.ties {
            nb[a].insert(b);
            nb[b].insert(a);
        }
        nb.iter().map(|s| s.len()).collect()
    }

    /// (in-degree, out-degree, in-strength, out-strength) of every node; undirected: in = out =
    /// degree (networkx `G.degree`, `G.degree(weight="weight")`).
    pub fn degrees(&self) -> Vec<(usize, usize, f64, f64)> {
        (0..self.n())
            .map(|i| {
                let v = NodeIndex::new(i);
                let (mut din, mut dout, mut sin, mut sout) = (0, 0, 0.0, 0.0);
                for e in self.arcs.edges_directed(v, Incoming) {
                    din += 1;
                    sin += e.weight();
                }
                for e in self.arcs.edges_directed(v, Outgoing) {
                    dout += 1;
                    sout += e.weight();
                }
                (din, dout, sin, sout)
            })
            .collect()
    }

    fn length(&self, paths: Paths, w: f64) -> f64 {
        match paths {
            Paths::Steps => 1.0,
            Paths::WeightAsDistance => w,
        }
    }

    /// Betweenness centrality, normalized, by Brandes' algorithm as networkx 3.6
    /// `nx.betweenness_centrality(G, normalized=True, weight=…)` computes it: divided by
    /// (n−1)(n−2) (directed) or (n−1)(n−2)/2 (undirected); raw (all 0) with two nodes or fewer.
    pub fn betweenness(&self, paths: Paths) -> Vec<f64> {
        let n = self.n();
        let mut bc = vec![0.0; n];
        for s in 0..n {
            let (order, preds, sigma) = self.shortest_paths_from(s, paths);
            let mut delta = vec![0.0; n];
            for &w in order.iter().rev() {
                let coeff = (1.0 + delta[w]) / sigma[w];
                for &v in &preds[w] {
                    delta[v] += sigma[v] * coeff;
                }
                if w != s {
                    bc[w] += delta[w];
                }
            }
        }
        if n > 2 {
            let scale = 1.0 / ((n as f64 - 1.0) * (n as f64 - 2.0));
            for b in &mut bc {
                *b *= scale;
            }
        }
        bc
    }

    /// From `s`: the nodes reached in order of distance, each node's predecessors on shortest
    /// paths, and the number of shortest paths to each (networkx
    /// `_single_source_shortest_path_basic` and `_single_source_dijkstra_path_basic`).
    fn shortest_paths_from(
        &self,
        s: usize,
        paths: Paths,
    ) -> (Vec<usize>, Vec<Vec<usize>>, Vec<f64>) {
        let n = self.n();
        let mut order = Vec::new();
        let mut preds: Vec<Vec<usize>> = vec![Vec::new(); n];
        let mut sigma = vec![0.0; n];
        sigma[s] = 1.0;
        match paths {
            Paths::Steps => {
                let mut dist: Vec<Option<usize>> = vec![None; n];
                dist[s] = Some(0);
                let mut queue = std::collections::VecDeque::from([s]);
                while let Some(v) = queue.pop_front() {
                    order.push(v);
                    let dv = dist[v].unwrap_or_default();
                    for w in self.arcs.neighbors_directed(NodeIndex::new(v), Outgoing) {
                        let w = w.index();
                        if dist[w].is_none() {
                            dist[w] = Some(dv + 1);
                            queue.push_back(w);
                        }
                        if dist[w] == Some(dv + 1) {
                            sigma[w] += sigma[v];
                            preds[w].push(v);
                        }
                    }
                }
            }
            Paths::WeightAsDistance => {
                let mut done: Vec<Option<f64>> = vec![None; n];
                let mut seen: Vec<Option<f64>> = vec![None; n];
                let mut heap = BinaryHeap::new();
                let mut counter = 0usize;
                seen[s] = Some(0.0);
                heap.push(Item(0.0, counter, s, s));
                sigma[s] = 0.0;
                while let Some(Item(d, _, pred, v)) = heap.pop() {
                    if done[v].is_some() {
                        continue;
                    }
                    sigma[v] += sigma[pred];
                    if v == s {
                        sigma[v] = 1.0;
                    }
                    order.push(v);
                    done[v] = Some(d);
                    for e in self.arcs.edges_directed(NodeIndex::new(v), Outgoing) {
                        let w = e.target().index();
                        let vw = d + self.length(paths, *e.weight());
                        if done[w].is_none() && seen[w].is_none_or(|x| vw < x) {
                            seen[w] = Some(vw);
                            counter += 1;
                            heap.push(Item(vw, counter, v, w));
                            sigma[w] = 0.0;
                            preds[w] = vec![v];
                        } else if seen[w] == Some(vw) {
                            sigma[w] += sigma[v];
                            preds[w].push(v);
                        }
                    }
                }
            }
        }
        (order, preds, sigma)
    }

    /// Closeness centrality as networkx 3.6 `nx.closeness_centrality(G, distance=…,
    /// wf_improved=True)`: from the distances *to* each node (incoming paths when directed),
    /// (r−1)/Σd × (r−1)/(n−1) with r the nodes that reach it (itself included); 0 when none does.
    pub fn closeness(&self, paths: Paths) -> Vec<f64> {
        let n = self.n();
        (0..n)
            .map(|u| {
                let d = dijkstra(Reversed(&self.arcs), NodeIndex::new(u), None, |e| {
                    self.length(paths, *e.weight())
                });
                let total: f64 = d.values().sum();
                let r = d.len() as f64;
                if total > 0.0 && n > 1 {
                    (r - 1.0) / total * ((r - 1.0) / (n as f64 - 1.0))
                } else {
                    0.0
                }
            })
            .collect()
    }

    /// The E-I index (Krackhardt & Stern 1988): (E − I)/(E + I) over the ties whose both ends
    /// have a class, E those between classes and I those within; per class, over the ties with
    /// at least one end in it. `None` where there is no such tie.
    pub fn ei_index(&self, class: &[Option<String>]) -> EiIndex {
        let mut external = 0usize;
        let mut internal = 0usize;
        let mut by: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
        for c in class.iter().flatten() {
            by.entry(c.as_str()).or_default();
        }
        for &(a, b, _) in &self.ties {
            let (Some(ca), Some(cb)) = (&class[a], &class[b]) else {
                continue;
            };
            if ca == cb {
                internal += 1;
                by.entry(ca.as_str()).or_default().1 += 1;
            } else {
                external += 1;
                by.entry(ca.as_str()).or_default().0 += 1;
                by.entry(cb.as_str()).or_default().0 += 1;
            }
        }
        EiIndex {
            external,
            internal,
            ei: ei(external, internal),
            classes: by
                .into_iter()
                .map(|(c, (e, i))| ClassEi {
                    class: c.to_string(),
                    external: e,
                    internal: i,
                    ei: ei(e, i),
                })
                .collect(),
        }
    }

    /// Gould–Fernandez brokerage roles of every node (Gould & Fernandez 1989), counted as R
    /// `sna::brokerage(g, cl)$raw.nli`: for each open two-path i→j→k (i ≠ k, no tie i→k), the
    /// broker j is a coordinator (i, j, k in one class), itinerant (i and k in one class, j in
    /// another), representative (i with j, k elsewhere), gatekeeper (j with k, i elsewhere) or
    /// liaison (all three different). Undirected ties count both ways. Nodes without a class
    /// take part in no two-path.
    pub fn brokerage(&self, class: &[Option<String>]) -> Vec<Brokerage> {
        let mut out = vec![Brokerage::default(); self.n()];
        for (j, roles) in out.iter_mut().enumerate() {
            let vj = NodeIndex::new(j);
            let Some(cj) = &class[j] else { continue };
            for i in self.arcs.neighbors_directed(vj, Incoming) {
                let Some(ci) = &class[i.index()] else {
                    continue;
                };
                for k in self.arcs.neighbors_directed(vj, Outgoing) {
                    if k == i || self.arcs.find_edge(i, k).is_some() {
                        continue;
                    }
                    let Some(ck) = &class[k.index()] else {
                        continue;
                    };
                    match (ci == cj, cj == ck, ci == ck) {
                        (true, true, _) => roles.coordinator += 1,
                        (false, false, true) => roles.itinerant += 1,
                        (true, false, _) => roles.representative += 1,
                        (false, true, _) => roles.gatekeeper += 1,
                        (false, false, false) => roles.liaison += 1,
                    }
                }
            }
            roles.total = roles.coordinator
                + roles.itinerant
                + roles.representative
                + roles.gatekeeper
                + roles.liaison;
        }
        out
    }

    /// Every measure at once, nodes in input order.
    pub fn measures(&self, paths: Paths, class: Option<&[Option<String>]>) -> Measures {
        let weak = self.weak_components();
        let strong = self.strong_components();
        let neighbours = self.neighbours();
        let degrees = self.degrees();
        let betweenness = self.betweenness(paths);
        let closeness = self.closeness(paths);
        let brokerage = class.map(|c| self.brokerage(c));
        let nodes = (0..self.n())
            .map(|i| {
                let (din, dout, sin, sout) = degrees[i];
                NodeMeasures {
                    name: self.names[i].clone(),
                    class: class.and_then(|c| c[i].clone()),
                    in_degree: din,
                    out_degree: dout,
                    in_strength: sin,
                    out_strength: sout,
                    neighbours: neighbours[i],
                    betweenness: betweenness[i],
                    closeness: closeness[i],
                    brokerage: brokerage.as_ref().map(|b| b[i].clone()),
                }
            })
            .collect();
        let name_all = |ix: Vec<usize>| ix.into_iter().map(|i| self.names[i].clone()).collect();
        Measures {
            directed: self.directed,
            paths,
            nodes_count: self.n(),
            ties: self.ties.len(),
            self_ties: self.self_ties,
            density: self.density(),
            reciprocity: self.reciprocity(),
            weak_components: Components::of(&weak),
            strong_components: Components::of(&strong),
            isolates: name_all((0..self.n()).filter(|&i| neighbours[i] == 0).collect()),
            pendants: name_all((0..self.n()).filter(|&i| neighbours[i] == 1).collect()),
            ei_index: class.map(|c| self.ei_index(c)),
            nodes,
        }
    }
}

fn ei(external: usize, internal: usize) -> Option<f64> {
    let total = external + internal;
    (total > 0).then(|| (external as f64 - internal as f64) / total as f64)
}

/// Nodes grouped by a key, groups ordered by their first node.
fn group(n: usize, mut key: impl FnMut(usize) -> usize) -> Vec<Vec<usize>> {
    let mut at: BTreeMap<usize, usize> = BTreeMap::new();
    let mut groups: Vec<Vec<usize>> = Vec::new();
    for i in 0..n {
        let k = key(i);
        let g = *at.entry(k).or_insert_with(|| {
            groups.push(Vec::new());
            groups.len() - 1
        });
        groups[g].push(i);
    }
    groups
}

/// A heap entry: (distance, insertion counter, predecessor, node), smallest distance first and
/// then first pushed, as networkx's heap of (dist, counter, pred, node).
struct Item(f64, usize, usize, usize);

impl PartialEq for Item {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for Item {}
impl PartialOrd for Item {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Item {
    fn cmp(&self, other: &Self) -> Ordering {
        other
            .0
            .total_cmp(&self.0)
            .then_with(|| other.1.cmp(&self.1))
    }
}

/// The E-I index of the whole network and of each class.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct EiIndex {
    pub external: usize,
    pub internal: usize,
    pub ei: Option<f64>,
    pub classes: Vec<ClassEi>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ClassEi {
    pub class: String,
    pub external: usize,
    pub internal: usize,
    pub ei: Option<f64>,
}

/// One broker's open two-paths by Gould–Fernandez role.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct Brokerage {
    pub coordinator: usize,
    pub itinerant: usize,
    pub representative: usize,
    pub gatekeeper: usize,
    pub liaison: usize,
    pub total: usize,
}

/// Components: how many and their sizes, largest first.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Components {
    pub count: usize,
    pub sizes: Vec<usize>,
}

impl Components {
    fn of(groups: &[Vec<usize>]) -> Components {
        let mut sizes: Vec<usize> = groups.iter().map(Vec::len).collect();
        sizes.sort_unstable_by(|a, b| b.cmp(a));
        Components {
            count: groups.len(),
            sizes,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct NodeMeasures {
    pub name: String,
    pub class: Option<String>,
    pub in_degree: usize,
    pub out_degree: usize,
    pub in_strength: f64,
    pub out_strength: f64,
    /// Distinct neighbours, ties taken both ways (0: isolate, 1: pendant).
    pub neighbours: usize,
    pub betweenness: f64,
    pub closeness: f64,
    pub brokerage: Option<Brokerage>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Measures {
    pub directed: bool,
    pub paths: Paths,
    #[serde(rename = "nodes")]
    pub nodes_count: usize,
    pub ties: usize,
    pub self_ties: usize,
    pub density: f64,
    pub reciprocity: Option<f64>,
    pub weak_components: Components,
    pub strong_components: Components,
    pub isolates: Vec<String>,
    pub pendants: Vec<String>,
    pub ei_index: Option<EiIndex>,
    #[serde(rename = "node_measures")]
    pub nodes: Vec<NodeMeasures>,
}

#[cfg(test)]
mod tests {
    use super::*;

    // Reference values: networkx 3.6.1, computed once by tests/fixtures/stats/network_reference.py
    // (~/.cache/capakit-bench-venv/bin/python). Karate club: `K = nx.karate_club_graph()` (its
    // "weight" attribute) and `U`, the same nodes and edges without weights; calls
    // `nx.density(G)`, `nx.reciprocity(G)`, `G.degree(v)`, `G.degree(v, weight="weight")`,
    // `G.in_degree`/`G.out_degree` (with and without weight), `nx.connected_components`,
    // `nx.weakly_connected_components`, `nx.strongly_connected_components`, `nx.isolates`,
    // `nx.betweenness_centrality(G, normalized=True, weight=None | "weight")`,
    // `nx.closeness_centrality(G, distance=None | "weight", wf_improved=True)`.
    const KARATE_EDGES: [(u32, u32, f64); 78] = [
        (0, 1, 4.0),
        (0, 2, 5.0),
        (0, 3, 3.0),
        (0, 4, 3.0),
        (0, 5, 3.0),
        (0, 6, 3.0),
        (0, 7, 2.0),
        (0, 8, 2.0),
        (0, 10, 2.0),
        (0, 11, 3.0),
        (0, 12, 1.0),
        (0, 13, 3.0),
        (0, 17, 2.0),
        (0, 19, 2.0),
        (0, 21, 2.0),
        (0, 31, 2.0),
        (1, 2, 6.0),
        (1, 3, 3.0),
        (1, 7, 4.0),
        (1, 13, 5.0),
        (1, 17, 1.0),
        (1, 19, 2.0),
        (1, 21, 2.0),
        (1, 30, 2.0),
        (2, 3, 3.0),
        (2, 7, 4.0),
        (2, 8, 5.0),
        (2, 9, 1.0),
        (2, 13, 3.0),
        (2, 27, 2.0),
        (2, 28, 2.0),
        (2, 32, 2.0),
        (3, 7, 3.0),
        (3, 12, 3.0),
        (3, 13, 3.0),
        (4, 6, 2.0),
        (4, 10, 3.0),
        (5, 6, 5.0),
        (5, 10, 3.0),
        (5, 16, 3.0),
        (6, 16, 3.0),
        (8, 30, 3.0),
        (8, 32, 3.0),
        (8, 33, 4.0),
        (9, 33, 2.0),
        (13, 33, 3.0),
        (14, 32, 3.0),
        (14, 33, 2.0),
        (15, 32, 3.0),
        (15, 33, 4.0),
        (18, 32, 1.0),
        (18, 33, 2.0),
        (19, 33, 1.0),
        (20, 32, 3.0),
        (20, 33, 1.0),
        (22, 32, 2.0),
        (22, 33, 3.0),
        (23, 25, 5.0),
        (23, 27, 4.0),
        (23, 29, 3.0),
        (23, 32, 5.0),
        (23, 33, 4.0),
        (24, 25, 2.0),
        (24, 27, 3.0),
        (24, 31, 2.0),
        (25, 31, 7.0),
        (26, 29, 4.0),
        (26, 33, 2.0),
        (27, 33, 4.0),
        (28, 31, 2.0),
        (28, 33, 2.0),
        (29, 32, 4.0),
        (29, 33, 2.0),
        (30, 32, 3.0),
        (30, 33, 3.0),
        (31, 32, 4.0),
        (31, 33, 4.0),
        (32, 33, 5.0),
    ];
    const KARATE_DEGREE: [usize; 34] = [
        16, 9, 10, 6, 3, 4, 4, 4, 5, 2, 3, 1, 2, 5, 2, 2, 2, 2, 2, 3, 2, 2, 2, 5, 3, 3, 2, 4, 3, 4,
        4, 6, 12, 17,
    ];
    const KARATE_BETWEENNESS_STEPS: [f64; 34] = [
        0.43763528138528146,
        0.053936688311688304,
        0.14365680615680618,
        0.011909271284271283,
        0.0006313131313131313,
        0.02998737373737374,
        0.029987373737373736,
        0.0,
        0.05592682780182781,
        0.0008477633477633478,
        0.0006313131313131313,
        0.0,
        0.0,
        0.04586339586339586,
        0.0,
        0.0,
        0.0,
        0.0,
        0.0,
        0.03247504810004811,
        0.0,
        0.0,
        0.0,
        0.017613636363636363,
        0.0022095959595959595,
        0.0038404882154882154,
        0.0,
        0.02233345358345358,
        0.0017947330447330447,
        0.0029220779220779218,
        0.014411976911976909,
        0.13827561327561325,
        0.145247113997114,
        0.30407497594997596,
    ];
    const KARATE_CLOSENESS_STEPS: [f64; 34] = [
        0.5689655172413793,
        0.4852941176470588,
        0.559322033898305,
        0.4647887323943662,
        0.3793103448275862,
        0.38372093023255816,
        0.38372093023255816,
        0.44,
        0.515625,
        0.4342105263157895,
        0.3793103448275862,
        0.36666666666666664,
        0.3707865168539326,
        0.515625,
        0.3707865168539326,
        0.3707865168539326,
        0.28448275862068967,
        0.375,
        0.3707865168539326,
        0.5,
        0.3707865168539326,
        0.375,
        0.3707865168539326,
        0.39285714285714285,
        0.375,
        0.375,
        0.3626373626373626,
        0.4583333333333333,
        0.4520547945205479,
        0.38372093023255816,
        0.4583333333333333,
        0.5409836065573771,
        0.515625,
        0.55,
    ];
    const KARATE_W_STRENGTH: [f64; 34] = [
        42.0, 29.0, 33.0, 18.0, 8.0, 14.0, 13.0, 13.0, 17.0, 3.0, 8.0, 3.0, 4.0, 17.0, 5.0, 7.0,
        6.0, 3.0, 3.0, 5.0, 4.0, 4.0, 5.0, 21.0, 7.0, 14.0, 6.0, 13.0, 6.0, 13.0, 11.0, 21.0, 38.0,
        48.0,
    ];
    const KARATE_W_BETWEENNESS_WEIGHT: [f64; 34] = [
        0.4737689393939393,
        0.06401515151515152,
        0.0694128787878788,
        0.0025252525252525255,
        0.000946969696969697,
        0.029356060606060608,
        0.029356060606060608,
        0.0,
        0.02481060606060606,
        0.01379419191919192,
        0.000946969696969697,
        0.0,
        0.0,
        0.0022727272727272726,
        0.0,
        0.0,
        0.0,
        0.030492424242424244,
        0.005681818181818182,
        0.24065656565656565,
        0.0,
        0.0,
        0.0,
        0.001893939393939394,
        0.06407828282828282,
        0.000946969696969697,
        0.0,
        0.01231060606060606,
        0.019128787878787877,
        0.0,
        0.005681818181818182,
        0.12563131313131315,
        0.07222222222222223,
        0.3967803030303029,
    ];
    const KARATE_W_CLOSENESS_WEIGHT: [f64; 34] = [
        0.25384615384615383,
        0.2,
        0.19642857142857142,
        0.17647058823529413,
        0.1527777777777778,
        0.15207373271889402,
        0.15348837209302327,
        0.18232044198895028,
        0.19879518072289157,
        0.1907514450867052,
        0.17553191489361702,
        0.14601769911504425,
        0.20496894409937888,
        0.1907514450867052,
        0.17098445595854922,
        0.1375,
        0.10855263157894737,
        0.19298245614035087,
        0.1875,
        0.24812030075187969,
        0.2037037037037037,
        0.17647058823529413,
        0.15865384615384615,
        0.13865546218487396,
        0.15789473684210525,
        0.12359550561797752,
        0.16923076923076924,
        0.15639810426540285,
        0.20245398773006135,
        0.1746031746031746,
        0.1736842105263158,
        0.2088607594936709,
        0.2,
        0.25190839694656486,
    ];
    const SMALL_IN_DEGREE: [usize; 11] = [2, 1, 3, 2, 1, 2, 2, 0, 0, 1, 1];
    const SMALL_OUT_DEGREE: [usize; 11] = [2, 3, 2, 2, 1, 1, 1, 1, 0, 1, 1];
    const SMALL_IN_STRENGTH: [f64; 11] = [4.0, 1.0, 4.0, 5.0, 1.0, 3.0, 2.0, 0.0, 0.0, 3.0, 1.0];
    const SMALL_OUT_STRENGTH: [f64; 11] = [3.0, 6.0, 4.0, 2.0, 1.0, 1.0, 1.0, 2.0, 0.0, 1.0, 3.0];
    const SMALL_BETWEENNESS_STEPS: [f64; 11] = [
        0.06666666666666667,
        0.02962962962962963,
        0.1037037037037037,
        0.08148148148148147,
        0.011111111111111112,
        0.018518518518518517,
        0.011111111111111112,
        0.0,
        0.0,
        0.0,
        0.0,
    ];
    const SMALL_CLOSENESS_STEPS: [f64; 11] = [
        0.2,
        0.13333333333333333,
        0.35714285714285715,
        0.2777777777777778,
        0.20833333333333334,
        0.37692307692307686,
        0.30624999999999997,
        0.0,
        0.0,
        0.1,
        0.1,
    ];
    const SMALL_BETWEENNESS_WEIGHT: [f64; 11] = [
        0.06666666666666667,
        0.06518518518518518,
        0.1325925925925926,
        0.0762962962962963,
        0.011111111111111112,
        0.023703703703703706,
        0.011111111111111112,
        0.0,
        0.0,
        0.0,
        0.0,
    ];
    const SMALL_CLOSENESS_WEIGHT: [f64; 11] = [
        0.1,
        0.1,
        0.25,
        0.1388888888888889,
        0.125,
        0.2333333333333333,
        0.196,
        0.0,
        0.0,
        0.03333333333333333,
        0.1,
    ];

    fn close(got: &[f64], want: &[f64]) {
        assert_eq!(got.len(), want.len());
        for (i, (g, w)) in got.iter().zip(want).enumerate() {
            assert!((g - w).abs() < 1e-12, "node {i}: {g} vs networkx {w}");
        }
    }

    fn edge(a: &str, b: &str, w: f64) -> Edge {
        Edge {
            from: a.into(),
            to: b.into(),
            weight: Some(w),
        }
    }

    fn karate(weighted: bool) -> Network {
        let nodes: Vec<String> = (0..34).map(|i| i.to_string()).collect();
        let edges: Vec<Edge> = KARATE_EDGES
            .iter()
            .map(|&(a, b, w)| Edge {
                from: a.to_string(),
                to: b.to_string(),
                weight: weighted.then_some(w),
            })
            .collect();
        Network::new(&nodes, &edges, false)
    }

    #[test]
    fn karate_club_unweighted_matches_networkx() {
        let g = karate(false);
        let m = g.measures(Paths::Steps, None);
        assert_eq!((m.nodes_count, m.ties), (34, 78));
        // nx.density(U) → 0.13903743315508021
        assert!((m.density - 0.13903743315508021).abs() < 1e-15);
        assert_eq!(m.reciprocity, None);
        // sorted(len(c) for c in nx.connected_components(U)) → [34]
        assert_eq!(m.weak_components.sizes, vec![34]);
        assert_eq!(m.strong_components.sizes, vec![34]);
        assert!(m.isolates.is_empty());
        let degree: Vec<usize> = m.nodes.iter().map(|n| n.out_degree).collect();
        assert_eq!(degree, KARATE_DEGREE);
        assert!(m.nodes.iter().all(|n| n.in_degree == n.out_degree));
        let strength: Vec<f64> = m.nodes.iter().map(|n| n.out_strength).collect();
        close(&strength, &KARATE_DEGREE.map(|d| d as f64));
        let pendants: Vec<&str> = m.pendants.iter().map(String::as_str).collect();
        assert_eq!(pendants, vec!["11"]);
        close(&g.betweenness(Paths::Steps), &KARATE_BETWEENNESS_STEPS);
        close(&g.closeness(Paths::Steps), &KARATE_CLOSENESS_STEPS);
    }

    #[test]
    fn karate_club_weighted_matches_networkx() {
        let g = karate(true);
        let strength: Vec<f64> = g.degrees().iter().map(|d| d.3).collect();
        close(&strength, &KARATE_W_STRENGTH);
        close(
            &g.betweenness(Paths::WeightAsDistance),
            &KARATE_W_BETWEENNESS_WEIGHT,
        );
        close(
            &g.closeness(Paths::WeightAsDistance),
            &KARATE_W_CLOSENESS_WEIGHT,
        );
        // With steps, weights change nothing on paths.
        close(&g.betweenness(Paths::Steps), &KARATE_BETWEENNESS_STEPS);
        close(&g.closeness(Paths::Steps), &KARATE_CLOSENESS_STEPS);
    }

    /// The small directed weighted graph of network_reference.py: a reciprocal pair (a, b),
    /// cycles c→d→e→c and f⇄g, a separate pair j⇄k, and an isolate i.
    fn small() -> Network {
        let nodes: Vec<String> = "abcdefghijk".chars().map(String::from).collect();
        let edges = [
            ("a", "b", 1.0),
            ("b", "a", 2.0),
            ("b", "c", 1.0),
            ("a", "c", 2.0),
            ("c", "d", 2.0),
            ("b", "d", 3.0),
            ("d", "e", 1.0),
            ("e", "c", 1.0),
            ("c", "f", 2.0),
            ("f", "g", 1.0),
            ("g", "f", 1.0),
            ("d", "g", 1.0),
            ("h", "a", 2.0),
            ("j", "k", 1.0),
            ("k", "j", 3.0),
        ]
        .map(|(a, b, w)| edge(a, b, w));
        Network::new(&nodes, &edges, true)
    }

    #[test]
    fn small_directed_weighted_matches_networkx() {
        let g = small();
        let m = g.measures(Paths::Steps, None);
        assert_eq!((m.nodes_count, m.ties), (11, 15));
        // nx.density(D) → 0.13636363636363635; nx.reciprocity(D) → 0.4
        assert!((m.density - 0.13636363636363635).abs() < 1e-15);
        assert!((m.reciprocity.unwrap() - 0.4).abs() < 1e-15);
        // weakly → [8, 2, 1]; strongly → [3, 2, 2, 2, 1, 1]
        assert_eq!(m.weak_components.sizes, vec![8, 2, 1]);
        assert_eq!(m.weak_components.count, 3);
        assert_eq!(m.strong_components.sizes, vec![3, 2, 2, 2, 1, 1]);
        // list(nx.isolates(D)) → ['i']; pendants (one neighbour): h, j, k
        assert_eq!(m.isolates, vec!["i"]);
        assert_eq!(m.pendants, vec!["h", "j", "k"]);
        let pick = |f: fn(&NodeMeasures) -> usize| m.nodes.iter().map(f).collect::<Vec<_>>();
        assert_eq!(pick(|n| n.in_degree), SMALL_IN_DEGREE);
        assert_eq!(pick(|n| n.out_degree), SMALL_OUT_DEGREE);
        let sin: Vec<f64> = m.nodes.iter().map(|n| n.in_strength).collect();
        let sout: Vec<f64> = m.nodes.iter().map(|n| n.out_strength).collect();
        close(&sin, &SMALL_IN_STRENGTH);
        close(&sout, &SMALL_OUT_STRENGTH);
        close(&g.betweenness(Paths::Steps), &SMALL_BETWEENNESS_STEPS);
        close(&g.closeness(Paths::Steps), &SMALL_CLOSENESS_STEPS);
        close(
            &g.betweenness(Paths::WeightAsDistance),
            &SMALL_BETWEENNESS_WEIGHT,
        );
        close(
            &g.closeness(Paths::WeightAsDistance),
            &SMALL_CLOSENESS_WEIGHT,
        );
    }

    #[test]
    fn brokerage_matches_sna() {
        // R 4.2.2, sna 2.7.1: tests/fixtures/stats/network_brokerage.R,
        // `brokerage(g, cl)$raw.nli` on the small directed graph (w_I coordinator, w_O
        // itinerant, b_IO representative, b_OI gatekeeper, b_O liaison, t total):
        // a 1 0 1 0 0 2 / b 0 0 1 0 0 1 / c 1 0 1 1 2 5 / d 1 0 1 1 1 4 / e 1 0 0 0 0 1 /
        // f 0 0 0 1 0 1 / g 0 0 0 1 0 1 / h, i, j, k all 0.
        let g = small();
        let cl: Vec<Option<String>> = [
            "public", "public", "third", "third", "third", "health", "health", "public", "third",
            "public", "third",
        ]
        .map(|c| Some(c.to_string()))
        .to_vec();
        let want = [
            [1, 0, 1, 0, 0, 2],
            [0, 0, 1, 0, 0, 1],
            [1, 0, 1, 1, 2, 5],
            [1, 0, 1, 1, 1, 4],
            [1, 0, 0, 0, 0, 1],
            [0, 0, 0, 1, 0, 1],
            [0, 0, 0, 1, 0, 1],
            [0; 6],
            [0; 6],
            [0; 6],
            [0; 6],
        ];
        let got: Vec<[usize; 6]> = g
            .brokerage(&cl)
            .iter()
            .map(|b| {
                [
                    b.coordinator,
                    b.itinerant,
                    b.representative,
                    b.gatekeeper,
                    b.liaison,
                    b.total,
                ]
            })
            .collect();
        assert_eq!(got, want);
    }

    #[test]
    fn ei_index_by_hand() {
        // E-I index (Krackhardt & Stern 1988, "Informal networks and organizational crises",
        // Social Psychology Quarterly 51(2)): (E − I)/(E + I). Worked by hand on an undirected
        // network of two public services P1, P2 and three third-sector ones T1, T2, T3 with ties
        // P1–P2, T1–T2, T2–T3, T1–T3 (internal: I = 4) and P1–T1, P2–T1, P2–T3 (external: E = 3):
        // whole network (3 − 4)/7 = −1/7; public: E = 3, I = 1 → 0.5; third sector: E = 3,
        // I = 3 → 0. A node without a class (X) and its tie are left out.
        // Checked against pip netseg 0.1.8 (tests/fixtures/stats/network_reference.py):
        // `krackhardt_ei(membership=[0, 0, 1, 1, 1], graph=g)` on these seven ties → -0.14285714285714285.
        let edges = [
            ("P1", "P2"),
            ("T1", "T2"),
            ("T2", "T3"),
            ("T3", "T1"),
            ("P1", "T1"),
            ("T1", "P2"),
            ("P2", "T3"),
            ("X", "P1"),
        ]
        .map(|(a, b)| edge(a, b, 1.0));
        let g = Network::new(&[], &edges, false);
        let cl: Vec<Option<String>> = g
            .names
            .iter()
            .map(|n| match &n[..1] {
                "P" => Some("public".to_string()),
                "T" => Some("third".to_string()),
                _ => None,
            })
            .collect();
        let ei = g.ei_index(&cl);
        assert_eq!((ei.external, ei.internal), (3, 4));
        assert!((ei.ei.unwrap() + 1.0 / 7.0).abs() < 1e-15);
        assert_eq!(ei.classes.len(), 2);
        assert_eq!(ei.classes[0].class, "public");
        assert_eq!((ei.classes[0].external, ei.classes[0].internal), (3, 1));
        assert_eq!(ei.classes[0].ei, Some(0.5));
        assert_eq!(ei.classes[1].ei, Some(0.0));
    }

    #[test]
    fn duplicate_and_self_ties_are_merged_and_counted() {
        let edges = [
            edge("a", "b", 1.0),
            edge("b", "a", 2.0),
            edge("a", "a", 5.0),
        ];
        let g = Network::new(&[], &edges, false);
        assert_eq!(g.ties, vec![(0, 1, 3.0)]);
        assert_eq!(g.self_ties, 1);
        let d = Network::new(&[], &edges, true);
        assert_eq!(d.ties.len(), 2);
        assert_eq!(d.reciprocity(), Some(1.0));
    }

    #[test]
    fn degenerate_networks_give_no_nan() {
        let one = ["only".to_string()];
        for (nodes, directed) in [
            (&[][..], true),
            (&[][..], false),
            (&one[..], true),
            (&one[..], false),
        ] {
            let g = Network::new(nodes, &[], directed);
            let m = g.measures(Paths::WeightAsDistance, Some(&vec![None; g.n()]));
            assert_eq!(m.density, 0.0);
            assert_eq!(m.reciprocity, None);
            assert_eq!(m.ei_index.as_ref().unwrap().ei, None);
            for n in &m.nodes {
                assert_eq!((n.betweenness, n.closeness), (0.0, 0.0));
            }
            let json = serde_json::to_string(&m).unwrap();
            assert!(!json.contains("NaN") && !json.contains("null,\"betweenness"));
        }
        // Two nodes, no ties: isolates, two components, nothing divides by zero.
        let two = ["a".to_string(), "b".to_string()];
        let m = Network::new(&two, &[], true).measures(Paths::Steps, None);
        assert_eq!(m.isolates, vec!["a", "b"]);
        assert_eq!(m.weak_components.sizes, vec![1, 1]);
        assert!(m
            .nodes
            .iter()
            .all(|n| n.betweenness == 0.0 && n.closeness == 0.0));
    }
}
