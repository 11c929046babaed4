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
