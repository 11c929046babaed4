//! Pictures of a network of services: a node-link diagram with a deterministic force-directed
//! layout ([`network_diagram`]), the ordered adjacency matrix for dense networks
//! ([`adjacency_heatmap`]) and the type × type matrix of ties, whose empty cells are the gaps
//! ([`type_matrix`]). Each has a `*_desc` that says in words what it shows, for readers who cannot
//! see it.
//!
//! The layout is Fruchterman–Reingold with starting places drawn from a fixed seed, a fixed number
//! of iterations and f64 arithmetic in the nodes' order, then circles pushed apart so none
//! overlap: the same network gives the same bytes. Nodes are coloured by type (Okabe–Ito, the
//! eight colours of the full palette) and sized by degree; directed ties are arcs with an arrow,
//! wider for a heavier weight. Labels are placed greedily, the most connected services first, at
//! one of eight places around their node where they overlap no other label and no node; a label
//! that fits nowhere becomes a number, and the numbers are listed in a key under the diagram.

use std::collections::BTreeMap;

use plotters::prelude::*;

use super::tilemap::BLUES;
use super::{
    accessible, hex, ink_on, narrow_footer, narrow_footer_height, narrow_heading,
    narrow_heading_height, text_element, truncate, wrap, wrap_name, xml_escape, Texts, INK, MUTED,
    OKABE_ITO, SMALL,
};
use crate::words::Strings;

/// A service (node) of the network.
#[derive(Debug, Clone)]
pub struct NetNode {
    /// The registry id, which edges name.
    pub id: String,
    /// The name drawn next to the node.
    pub label: String,
    /// Index of its type in [`Network::types`].
    pub kind: usize,
    /// What sizes the node; its degree (ties in or out) when `None`.
    pub size: Option<f64>,
    /// How many services this node stands for when it merges several of one type (see
    /// [`aggregate`]); 0 for a service drawn by itself.
    pub merged: usize,
}

/// A tie between two services.
#[derive(Debug, Clone)]
pub struct NetEdge {
    pub from: String,
    pub to: String,
    /// Positive and finite; the line is wider for a heavier tie.
    pub weight: f64,
    /// From `from` to `to` (an arrow), or both ways.
    pub directed: bool,
}

/// What the three charts draw.
#[derive(Debug, Clone)]
pub struct Network {
    pub nodes: Vec<NetNode>,
    pub edges: Vec<NetEdge>,
    /// The type names, for the legend and the type × type matrix.
    pub types: Vec<String>,
}

/// Okabe–Ito's eight colours: the seven of [`OKABE_ITO`] and its yellow.
const PALETTE: [(u8, u8, u8); 8] = [
    OKABE_ITO[0],
    OKABE_ITO[1],
    OKABE_ITO[2],
    OKABE_ITO[3],
    OKABE_ITO[4],
    OKABE_ITO[5],
    OKABE_ITO[6],
    (0xF0, 0xE4, 0x42),
];

const WIDTH: i32 = 960;
const LX: i32 = 16;
/// The key of numbered services: two columns, wide enough for a full name (64 characters).
const KEY_COLUMNS: i32 = 2;
/// Label text size, in CSS pixels.
const LABEL_PX: f64 = 12.0;
const LABEL_H: f64 = 16.0;
const EDGE: &str = "#8C8C8C";
/// The outline of a node whose colour is pale on white (under 3:1, WCAG 2.1 1.4.11 non-text
/// contrast): 7.5:1 on white.
const NODE_OUTLINE: (u8, u8, u8) = (0x55, 0x55, 0x55);

/// A node's outline: white to part it from the ties, dark when its fill alone is too pale.
fn node_stroke(fill: (u8, u8, u8)) -> (u8, u8, u8) {
    if super::contrast(fill, (0xff, 0xff, 0xff)) < 3.0 {
        NODE_OUTLINE
    } else {
        (0xff, 0xff, 0xff)
    }
}
const SEED: u64 = 0x5EED_C0DE_2026_0017;
const ITERATIONS: usize = 500;

/// `net` with the services of `ids` (named by too few respondents to be shown one by one)
/// merged into one node per type, labelled "{n} other services: {type}" from `s`, their ties
/// redirected to it, ties within it dropped and ties made twice by the merge summed; a type with a
/// single such service keeps its node without ties. The merged node takes the place of the first
/// of its services; an id not among the nodes is ignored.
pub fn aggregate(net: &Network, ids: &[String], s: &Strings) -> Network {
    let hidden = |n: &NetNode| ids.contains(&n.id);
    if !net.nodes.iter().any(hidden) {
        return net.clone();
    }
    let mut nodes: Vec<NetNode> = Vec::new();
    // Each node's id in the merged network.
    let mut to: BTreeMap<&str, String> = BTreeMap::new();
    for n in &net.nodes {
        if !hidden(n) {
            to.insert(&n.id, n.id.clone());
            nodes.push(n.clone());
            continue;
        }
        let mut id = format!("aggregated-{}", n.kind);
        while net.nodes.iter().any(|x| x.id == id) {
            id.insert(0, '_');
        }
        if !nodes.iter().any(|x| x.id == id) {
            let count = net
                .nodes
                .iter()
                .filter(|x| x.kind == n.kind && hidden(x))
                .count();
            let kind = net.types.get(n.kind).cloned().unwrap_or_default();
            let key = if count == 1 {
                "netchart_aggregated_one"
            } else {
                "netchart_aggregated"
            };
            nodes.push(NetNode {
                id: id.clone(),
                label: s.fill(key, &[("n", &count.to_string()), ("type", &kind)]),
                kind: n.kind,
                size: None,
                merged: count,
            });
        }
        to.insert(&n.id, id);
    }
    // A merged node of one service would be that service: its ties are not drawn (they are in
    // the type × type matrix), and its label says so.
    let alone: Vec<String> = nodes
        .iter()
        .filter(|n| n.merged == 1)
        .map(|n| n.id.clone())
        .collect();
    let mut edges: Vec<NetEdge> = Vec::new();
    for e in &net.edges {
        // An end not among the nodes stays as it is, for the chart to refuse.
        let (from, target) = (
            to.get(e.from.as_str()).cloned().unwrap_or(e.from.clone()),
            to.get(e.to.as_str()).cloned().unwrap_or(e.to.clone()),
        );
        if alone.contains(&from) || alone.contains(&target) {
            continue;
        }
        if from == target && (from != e.from || target != e.to) {
            continue;
        }
        let same = |x: &NetEdge| {
            x.directed == e.directed
                && ((x.from == from && x.to == target)
                    || (!e.directed && x.from == target && x.to == from))
        };
        let moved = from != e.from || target != e.to;
        match edges.iter_mut().find(|x| moved && same(x)) {
            Some(x) => x.weight += e.weight,
            None => edges.push(NetEdge {
                from,
                to: target,
                weight: e.weight,
                directed: e.directed,
            }),
        }
    }
    Network {
        nodes,
        edges,
        types: net.types.clone(),
    }
}

/// Node indices of each edge, checked: ends known, weights positive and finite, types known.
fn resolve(net: &Network, chart: &str) -> Result<Vec<(usize, usize, f64, bool)>, String> {
    if net.nodes.is_empty() {
        return Err(format!("{chart}: no service to draw"));
    }
    let mut index: BTreeMap<&str, usize> = BTreeMap::new();
    for (k, n) in net.nodes.iter().enumerate() {
        if index.insert(n.id.as_str(), k).is_some() {
            return Err(format!("{chart}: service {:?} given twice", n.id));
        }
        if n.kind >= net.types.len() {
            return Err(format!(
                "{chart}: service {:?} has type {} but only {} types are named",
                n.id,
                n.kind + 1,
                net.types.len()
            ));
        }
        if n.size.is_some_and(|s| !s.is_finite() || s < 0.0) {
            return Err(format!(
                "{chart}: service {:?} has a size that is not a finite number ≥ 0",
                n.id
            ));
        }
    }
    if net.types.len() > PALETTE.len() {
        return Err(format!(
            "{chart}: {} types, but at most {} can be told apart by colour",
            net.types.len(),
            PALETTE.len()
        ));
    }
    net.edges
        .iter()
        .enumerate()
        .map(|(k, e)| {
            let end = |id: &str| {
                index.get(id).copied().ok_or_else(|| {
                    format!(
                        "{chart}: tie {} names service {id:?}, which is not among the services",
                        k + 1
                    )
                })
            };
            if !(e.weight.is_finite() && e.weight > 0.0) {
                return Err(format!(
                    "{chart}: tie {} ({} → {}) has a weight that is not a positive number",
                    k + 1,
                    e.from,
                    e.to
                ));
            }
            Ok((end(&e.from)?, end(&e.to)?, e.weight, e.directed))
        })
        .collect()
}

/// Ties of each node (in and out), self-ties left out.
fn degrees(n: usize, edges: &[(usize, usize, f64, bool)]) -> Vec<usize> {
    let mut d = vec![0; n];
    for &(a, b, ..) in edges {
        if a != b {
            d[a] += 1;
            d[b] += 1;
        }
    }
    d
}

/// SplitMix64: the layout's fixed-seed random numbers, uniform in [0, 1).
fn unit(state: &mut u64) -> f64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    (z >> 11) as f64 / (1u64 << 53) as f64
}

/// Fruchterman–Reingold in the unit square (Fruchterman & Reingold 1991, with a weak pull to the
/// centre so that components and isolates stay near): fixed seed, fixed iterations, linear
/// cooling. Returns positions in [0, 1]².
fn force_layout(n: usize, edges: &[(usize, usize, f64, bool)]) -> Vec<(f64, f64)> {
    let mut state = SEED;
    let mut pos: Vec<(f64, f64)> = (0..n)
        .map(|_| (unit(&mut state), unit(&mut state)))
        .collect();
    if n == 1 {
        return vec![(0.5, 0.5)];
    }
    let k = (1.0 / n as f64).sqrt();
    let mut disp = vec![(0.0, 0.0); n];
    for it in 0..ITERATIONS {
        let t = 0.1 * (1.0 - it as f64 / ITERATIONS as f64) + 1e-4;
        disp.iter_mut().for_each(|d| *d = (0.0, 0.0));
        for i in 0..n {
            for j in (i + 1)..n {
                let (dx, dy) = (pos[i].0 - pos[j].0, pos[i].1 - pos[j].1);
                let d2 = (dx * dx + dy * dy).max(1e-9);
                let f = k * k / d2;
                disp[i].0 += dx * f;
                disp[i].1 += dy * f;
                disp[j].0 -= dx * f;
                disp[j].1 -= dy * f;
            }
        }
        for &(a, b, ..) in edges {
            if a == b {
                continue;
            }
            let (dx, dy) = (pos[a].0 - pos[b].0, pos[a].1 - pos[b].1);
            let d = (dx * dx + dy * dy).sqrt().max(1e-9);
            let f = d / k;
            disp[a].0 -= dx * f;
            disp[a].1 -= dy * f;
            disp[b].0 += dx * f;
            disp[b].1 += dy * f;
        }
        for i in 0..n {
            let (cx, cy) = (pos[i].0 - 0.5, pos[i].1 - 0.5);
            disp[i].0 -= 2.0 * cx / k;
            disp[i].1 -= 2.0 * cy / k;
            let (dx, dy) = disp[i];
            let d = (dx * dx + dy * dy).sqrt().max(1e-12);
            let step = d.min(t);
            pos[i].0 += dx / d * step;
            pos[i].1 += dy / d * step;
        }
    }
    let (mut x0, mut x1, mut y0, mut y1) = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
    for &(x, y) in &pos {
        (x0, x1, y0, y1) = (x0.min(x), x1.max(x), y0.min(y), y1.max(y));
    }
    let (sx, sy) = ((x1 - x0).max(1e-9), (y1 - y0).max(1e-9));
    pos.iter()
        .map(|&(x, y)| ((x - x0) / sx, (y - y0) / sy))
        .collect()
}

/// A label's box, in pixels: left, top, width, height.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct LabelBox {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

impl LabelBox {
    fn overlaps(&self, o: &LabelBox) -> bool {
        self.x < o.x + o.w && o.x < self.x + self.w && self.y < o.y + o.h && o.y < self.y + self.h
    }

    fn hits_circle(&self, (cx, cy): (f64, f64), r: f64) -> bool {
        let nx = cx.clamp(self.x, self.x + self.w);
        let ny = cy.clamp(self.y, self.y + self.h);
        (cx - nx).powi(2) + (cy - ny).powi(2) < r * r
    }
}

/// A label as drawn: the words (the name, or a number of the key) and their box.
#[derive(Debug, Clone)]
#[allow(dead_code)] // `node` is read by the tests.
pub(crate) struct Placed {
    pub node: usize,
    pub text: String,
    pub bbox: LabelBox,
}

/// The diagram's geometry: node centres and radii in pixels, the labels placed, the services
/// numbered (number, node) and those neither labelled nor numbered.
#[derive(Debug, Clone)]
pub(crate) struct Layout {
    pub pos: Vec<(f64, f64)>,
    pub radius: Vec<f64>,
    pub labels: Vec<Placed>,
    pub numbered: Vec<(usize, usize)>,
    pub unplaced: Vec<usize>,
    pub plot: LabelBox,
}

/// Advance widths of the printable ASCII characters (space to `~`) in DejaVu Sans, the usual
/// `sans-serif` of Linux and one of the widest, in hundredths of an em rounded up (read with
/// Pillow 13.0: `ImageFont.truetype("DejaVuSans.ttf", 1000).getlength(c) / 10`).
const ADVANCE: [u8; 95] = [
    32, 41, 46, 84, 64, 96, 78, 28, 40, 40, 50, 84, 32, 37, 32, 34, 64, 64, 64, 64, 64, 64, 64, 64,
    64, 64, 34, 34, 84, 84, 84, 54, 100, 69, 69, 70, 78, 64, 58, 78, 76, 30, 30, 66, 56, 87, 75,
    79, 61, 79, 70, 64, 62, 74, 69, 99, 69, 62, 69, 40, 34, 40, 84, 50, 50, 62, 64, 55, 64, 62, 36,
    64, 64, 28, 28, 58, 28, 98, 64, 62, 64, 64, 42, 53, 40, 64, 60, 82, 60, 60, 53, 64, 34, 64, 84,
];

/// Width of `s` at the label size: DejaVu Sans's advances (a whole em for any other character,
/// wider than any accented Latin letter), plus the white halo on both sides.
fn text_width(s: &str) -> f64 {
    let ems: f64 = s
        .chars()
        .map(|c| match c as u32 {
            32..=126 => ADVANCE[c as usize - 32] as f64 / 100.0,
            _ => 1.0,
        })
        .sum();
    ems * LABEL_PX + 6.0
}

/// Places nodes in `plot` and their labels.
fn place(net: &Network, edges: &[(usize, usize, f64, bool)], plot: LabelBox) -> Layout {
    let n = net.nodes.len();
    let deg = degrees(n, edges);
    let size: Vec<f64> = net
        .nodes
        .iter()
        .zip(&deg)
        .map(|(node, d)| node.size.unwrap_or(*d as f64))
        .collect();
    let max = size.iter().copied().fold(0.0, f64::max);
    let radius: Vec<f64> = size
        .iter()
        .map(|s| {
            let f = if max > 0.0 { (s / max).sqrt() } else { 0.0 };
            (4.0 + 10.0 * f).round()
        })
        .collect();
    // Margins for labels on the sides.
    let (mx, my) = (70.0, 26.0);
    let unit = force_layout(n, edges);
    let mut pos: Vec<(f64, f64)> = unit
        .iter()
        .map(|&(x, y)| {
            (
                plot.x + mx + x * (plot.w - 2.0 * mx),
                plot.y + my + y * (plot.h - 2.0 * my),
            )
        })
        .collect();
    // Push overlapping circles apart (fixed order, fixed passes), within the plot.
    for _ in 0..200 {
        let mut moved = false;
        for i in 0..n {
            for j in (i + 1)..n {
                let (dx, dy) = (pos[j].0 - pos[i].0, pos[j].1 - pos[i].1);
                let d = (dx * dx + dy * dy).sqrt();
                let need = radius[i] + radius[j] + 6.0;
                if d < need {
                    let (ux, uy) = if d > 1e-9 {
                        (dx / d, dy / d)
                    } else {
                        (1.0, 0.0)
                    };
                    let push = (need - d) / 2.0 + 0.01;
                    pos[i] = (pos[i].0 - ux * push, pos[i].1 - uy * push);
                    pos[j] = (pos[j].0 + ux * push, pos[j].1 + uy * push);
                    moved = true;
                }
            }
        }
        for (p, r) in pos.iter_mut().zip(&radius) {
            p.0 = p.0.clamp(plot.x + r + 2.0, plot.x + plot.w - r - 2.0);
            p.1 = p.1.clamp(plot.y + r + 2.0, plot.y + plot.h - r - 2.0);
        }
        if !moved {
            break;
        }
    }
    // Most connected first, then in the given order.
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| size[b].total_cmp(&size[a]).then(a.cmp(&b)));
    let mut labels: Vec<Placed> = Vec::new();
    let fits = |b: &LabelBox, labels: &[Placed]| {
        b.x >= plot.x
            && b.y >= plot.y
            && b.x + b.w <= plot.x + plot.w
            && b.y + b.h <= plot.y + plot.h
            && !labels.iter().any(|l| l.bbox.overlaps(b))
            && !pos
                .iter()
                .zip(&radius)
                .any(|(p, r)| b.hits_circle(*p, r + 1.0))
    };
    let try_place = |node: usize, text: &str, labels: &[Placed]| -> Option<LabelBox> {
        let (cx, cy) = pos[node];
        let (w, h) = (text_width(text), LABEL_H);
        for extra in [2.0, 8.0, 16.0] {
            let d = radius[node] + extra;
            let e = d * std::f64::consts::FRAC_1_SQRT_2;
            // East, west, north, south, then the corners.
            let spots = [
                (cx + d, cy - h / 2.0),
                (cx - d - w, cy - h / 2.0),
                (cx - w / 2.0, cy - d - h),
                (cx - w / 2.0, cy + d),
                (cx + e, cy - e - h),
                (cx - e - w, cy - e - h),
                (cx + e, cy + e),
                (cx - e - w, cy + e),
            ];
            for (x, y) in spots {
                let b = LabelBox { x, y, w, h };
                if fits(&b, labels) {
                    return Some(b);
                }
            }
        }
        None
    };
    // A name cut short that another service's name also cuts to ("Servizio sociale
    // territoria…" five times) would not say which service it is: such services are numbered.
    let short: Vec<String> = net
        .nodes
        .iter()
        .map(|node| {
            // A merged node's label says its type: never cut.
            let label = super::clean(&node.label);
            if node.merged > 0 {
                label
            } else {
                truncate(&label, 28)
            }
        })
        .collect();
    let ambiguous = |node: usize| {
        short[node] != super::clean(&net.nodes[node].label)
            && short.iter().filter(|s| **s == short[node]).count() > 1
    };
    let mut deferred = Vec::new();
    for &node in &order {
        if ambiguous(node) {
            deferred.push(node);
            continue;
        }
        let text = short[node].clone();
        match try_place(node, &text, &labels) {
            Some(bbox) => labels.push(Placed { node, text, bbox }),
            None => deferred.push(node),
        }
    }
    // The key lists the numbered services by name.
    deferred.sort_by(|&a, &b| net.nodes[a].label.cmp(&net.nodes[b].label).then(a.cmp(&b)));
    let mut numbered = Vec::new();
    let mut unplaced = Vec::new();
    for (k, &node) in deferred.iter().enumerate() {
        let text = (k + 1).to_string();
        numbered.push((k + 1, node));
        match try_place(node, &text, &labels) {
            Some(bbox) => labels.push(Placed { node, text, bbox }),
            None => unplaced.push(node),
        }
    }
    Layout {
        pos,
        radius,
        labels,
        numbered,
        unplaced,
        plot,
    }
}

fn f1(x: f64) -> String {
    format!("{:.1}", x)
}

/// The type legend (swatch and name, in rows across the width): its SVG and its height.
fn type_legend(types: &[String], used: &[bool], y: i32, circles: bool) -> (String, i32) {
    let mut out = String::new();
    let (mut x, mut y) = (LX, y + 10);
    for (k, name) in types.iter().enumerate() {
        if !used[k] {
            continue;
        }
        let name = truncate(name, 30);
        let w = 22 + text_width(&name).ceil() as i32 + 18;
        if x + w > WIDTH - LX && x > LX {
            x = LX;
            y += 22;
        }
        let c = hex(PALETTE[k]);
        if circles {
            out.push_str(&format!(
                "<circle cx=\"{}\" cy=\"{y}\" r=\"7\" fill=\"{c}\" stroke=\"#555555\" stroke-width=\"0.5\"/>\n",
                x + 7
            ));
        } else {
            out.push_str(&format!(
                "<rect x=\"{x}\" y=\"{}\" width=\"14\" height=\"14\" fill=\"{c}\" stroke=\"#555555\" stroke-width=\"0.5\"/>\n",
                y - 7
            ));
        }
        out.push_str(&text_element(
            &name,
            (x + 20, y),
            SMALL,
            (INK.0, INK.1, INK.2),
            "start",
            false,
            false,
        ));
        x += w;
    }
    (out, y + 12)
}

/// Plotters' frame with the heading and the source line, `height` tall and `width` wide, with
/// `own` (hand-written SVG) inserted before its end.
fn frame(texts: &Texts, width: u32, height: u32, own: &str) -> Result<String, String> {
    let mut svg = String::new();
    {
        let area = SVGBackend::with_string(&mut svg, (width, height)).into_drawing_area();
        area.fill(&WHITE).map_err(|e| e.to_string())?;
        narrow_heading(&area, texts, LX)?;
        narrow_footer(&area, texts, LX, height)?;
    }
    let at = svg.rfind("</svg>").ok_or("chart: plotters wrote no SVG")?;
    svg.insert_str(at, own);
    Ok(svg)
}

const MUTED_RGB: (u8, u8, u8) = (MUTED.0, MUTED.1, MUTED.2);
const INK_RGB: (u8, u8, u8) = (INK.0, INK.1, INK.2);

/// Geometry of the diagram for `net`, and the y where the plot starts (for tests and drawing).
fn diagram_geometry(
    net: &Network,
    edges: &[(usize, usize, f64, bool)],
    texts: &Texts,
) -> (Layout, String, i32) {
    let used: Vec<bool> = (0..net.types.len())
        .map(|k| net.nodes.iter().any(|n| n.kind == k))
        .collect();
    let top = narrow_heading_height(texts) + 6;
    let (legend, legend_bottom) = type_legend(&net.types, &used, top, true);
    let plot_h = (360 + 5 * net.nodes.len() as i32).min(760) as f64;
    let plot = LabelBox {
        x: LX as f64,
        y: (legend_bottom + 10) as f64,
        w: (WIDTH - 2 * LX) as f64,
        h: plot_h,
    };
    (place(net, edges, plot), legend, legend_bottom)
}

/// The node-link diagram as an accessible SVG, `id` naming it in the page (and its arrow marker).
/// Errs on no service, a service twice, a tie to an unknown service, a weight that is not
/// positive, a type out of range, more than eight types.
pub fn network_diagram(
    id: &str,
    texts: &Texts,
    s: &Strings,
    net: &Network,
) -> Result<String, String> {
    let edges = resolve(net, "network diagram")?;
    let (layout, legend, _) = diagram_geometry(net, &edges, texts);
    let lang = texts.lang.as_str();
    let plot = layout.plot;
    // The key: numbered services in three columns.
    let key_rows = layout.numbered.len().div_ceil(KEY_COLUMNS as usize) as i32;
    let key_h = if layout.numbered.is_empty() {
        0
    } else {
        30 + 18 * key_rows
    };
    let key_top = (plot.y + plot.h) as i32 + 12;
    let height = (key_top + key_h + narrow_footer_height(texts) + 6) as u32;
    let mid = xml_escape(id);
    let mut own = format!(
        "<defs><marker id=\"{mid}-arrow\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerUnits=\"userSpaceOnUse\" markerWidth=\"9\" markerHeight=\"9\" orient=\"auto\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"{EDGE}\"/></marker></defs>\n"
    );
    own.push_str(&legend);
    // Ties: straight when undirected, a slight arc when directed (a reciprocal pair is two arcs).
    let max_w = edges.iter().map(|e| e.2).fold(0.0, f64::max);
    own.push_str("<g data-part=\"ties\" fill=\"none\">\n");
    for &(a, b, w, directed) in &edges {
        if a == b {
            continue;
        }
        let (p, q) = (layout.pos[a], layout.pos[b]);
        let (dx, dy) = (q.0 - p.0, q.1 - p.1);
        let d = (dx * dx + dy * dy).sqrt().max(1e-9);
        let (ux, uy) = (dx / d, dy / d);
        let width = 1.0 + 3.0 * (w / max_w);
        let start = (p.0 + ux * layout.radius[a], p.1 + uy * layout.radius[a]);
        if directed {
            let end = (
                q.0 - ux * (layout.radius[b] + 2.0),
                q.1 - uy * (layout.radius[b] + 2.0),
            );
            let bend = 0.12 * d;
            let c = (
                (start.0 + end.0) / 2.0 - uy * bend,
                (start.1 + end.1) / 2.0 + ux * bend,
            );
            own.push_str(&format!(
                "<path d=\"M{},{} Q{},{} {},{}\" stroke=\"{EDGE}\" stroke-width=\"{}\" stroke-opacity=\"0.8\" marker-end=\"url(#{mid}-arrow)\"/>\n",
                f1(start.0), f1(start.1), f1(c.0), f1(c.1), f1(end.0), f1(end.1), f1(width)
            ));
        } else {
            let end = (q.0 - ux * layout.radius[b], q.1 - uy * layout.radius[b]);
            own.push_str(&format!(
                "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"{EDGE}\" stroke-width=\"{}\" stroke-opacity=\"0.8\"/>\n",
                f1(start.0), f1(start.1), f1(end.0), f1(end.1), f1(width)
            ));
        }
    }
    own.push_str("</g>\n");
    let deg = degrees(net.nodes.len(), &edges);
    for (k, node) in net.nodes.iter().enumerate() {
        let (x, y) = layout.pos[k];
        own.push_str(&format!(
            "<g data-node=\"{}\"><title>{} ({}): {}</title><circle cx=\"{}\" cy=\"{}\" r=\"{}\" fill=\"{}\" stroke=\"{}\" stroke-width=\"1.5\"/></g>\n",
            xml_escape(&node.id),
            xml_escape(&node.label),
            xml_escape(&net.types[node.kind]),
            deg[k],
            f1(x),
            f1(y),
            f1(layout.radius[k]),
            hex(PALETTE[node.kind]),
            hex(node_stroke(PALETTE[node.kind])),
        ));
    }
    own.push_str("<g data-part=\"labels\">\n");
    for l in &layout.labels {
        own.push_str(&text_element(
            &l.text,
            (
                (l.bbox.x + 2.0).round() as i32,
                (l.bbox.y + l.bbox.h / 2.0).round() as i32,
            ),
            LABEL_PX,
            INK_RGB,
            "start",
            false,
            true,
        ));
    }
    own.push_str("</g>\n");
    if !layout.numbered.is_empty() {
        own.push_str(&text_element(
            &s.get("netchart_key"),
            (LX, key_top + 10),
            SMALL,
            MUTED_RGB,
            "start",
            true,
            false,
        ));
        let col_w = (WIDTH - 2 * LX) / KEY_COLUMNS;
        for (k, (num, node)) in layout.numbered.iter().enumerate() {
            let (col, row) = (k as i32 / key_rows, k as i32 % key_rows);
            let line = format!("{num}  {}", truncate(&net.nodes[*node].label, 64));
            own.push_str(&text_element(
                &line,
                (LX + col * col_w, key_top + 30 + row * 18),
                SMALL,
                INK_RGB,
                "start",
                false,
                false,
            ));
        }
    }
    let svg = frame(texts, WIDTH as u32, height, &own)?;
    let mut desc = if texts.desc.is_empty() {
        network_diagram_desc(s, lang, net)
    } else {
        texts.desc.clone()
    };
    desc.push_str(&key_sentence(s, lang, net, &layout));
    Ok(accessible(svg, id, &texts.title, &desc))
}

/// What the desc says of labels that did not fit.
fn key_sentence(s: &Strings, lang: &str, net: &Network, layout: &Layout) -> String {
    if layout.numbered.is_empty() {
        return String::new();
    }
    let names: Vec<String> = layout
        .numbered
        .iter()
        .map(|(_, n)| net.nodes[*n].label.clone())
        .collect();
    let names = crate::format::join_words(&names, lang);
    let mut out = format!(
        " {}",
        s.fill(
            "netchart_numbered",
            &[("n", &layout.numbered.len().to_string()), ("names", &names)]
        )
    );
    if !layout.unplaced.is_empty() {
        let names: Vec<String> = layout
            .unplaced
            .iter()
            .map(|n| net.nodes[*n].label.clone())
            .collect();
        let names = crate::format::join_words(&names, lang);
        out.push(' ');
        out.push_str(&s.fill("netchart_unplaced", &[("names", &names)]));
    }
    out
}

/// The diagram in words: how many services and ties, how many of each type, the most connected,
/// the services with no tie, and the nodes that stand for several services.
pub fn network_diagram_desc(s: &Strings, lang: &str, net: &Network) -> String {
    let Ok(edges) = resolve(net, "network diagram") else {
        return String::new();
    };
    let deg = degrees(net.nodes.len(), &edges);
    let directed = edges.iter().any(|e| e.3);
    let services: usize = net.nodes.iter().map(|n| n.merged.max(1)).sum();
    let mut parts = vec![s.fill(
        if directed {
            "netchart_desc_size_directed"
        } else {
            "netchart_desc_size"
        },
        &[
            ("services", &services.to_string()),
            ("ties", &edges.len().to_string()),
        ],
    )];
    let by_type: Vec<String> = net
        .types
        .iter()
        .enumerate()
        .filter_map(|(k, t)| {
            let c: usize = net
                .nodes
                .iter()
                .filter(|n| n.kind == k)
                .map(|n| n.merged.max(1))
                .sum();
            (c > 0).then(|| format!("{t} {c}"))
        })
        .collect();
    parts.push(s.fill("netchart_desc_by_type", &[("list", &by_type.join(", "))]));
    let mut order: Vec<usize> = (0..net.nodes.len()).filter(|&k| deg[k] > 0).collect();
    order.sort_by(|&a, &b| deg[b].cmp(&deg[a]).then(a.cmp(&b)));
    let top: Vec<String> = order
        .iter()
        .take(3)
        .map(|&k| format!("{} ({})", net.nodes[k].label, deg[k]))
        .collect();
    if !top.is_empty() {
        parts.push(s.fill(
            "netchart_desc_top",
            &[("list", &crate::format::join_words(&top, lang))],
        ));
    }
    let isolates: Vec<String> = (0..net.nodes.len())
        .filter(|&k| deg[k] == 0)
        .map(|k| net.nodes[k].label.clone())
        .collect();
    if !isolates.is_empty() {
        parts.push(s.fill(
            "netchart_desc_isolates",
            &[
                ("n", &isolates.len().to_string()),
                ("list", &crate::format::join_words(&isolates, lang)),
            ],
        ));
    }
    let merged: Vec<String> = net
        .nodes
        .iter()
        .filter(|n| n.merged > 0)
        .map(|n| n.label.clone())
        .collect();
    if !merged.is_empty() {
        parts.push(s.fill(
            "netchart_desc_aggregated",
            &[("list", &crate::format::join_words(&merged, lang))],
        ));
    }
    parts.join(" ")
}

/// Nodes ordered by type, then by degree (most first), then as given.
fn matrix_order(net: &Network, deg: &[usize]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..net.nodes.len()).collect();
    order.sort_by(|&a, &b| {
        net.nodes[a]
            .kind
            .cmp(&net.nodes[b].kind)
            .then(deg[b].cmp(&deg[a]))
            .then(a.cmp(&b))
    });
    order
}

/// The colour of `v` in equal intervals from 0 to `max` over the Blues from `first` (0: all five
/// classes; 1: the four that stand out from white, for cells as small as the matrix's).
fn shade(v: f64, max: f64, first: usize) -> (u8, u8, u8) {
    let classes = (BLUES.len() - first) as f64;
    let k = if max > 0.0 {
        ((v / max) * classes).ceil() as usize
    } else {
        1
    };
    BLUES[first + k.clamp(1, BLUES.len() - first) - 1]
}

/// The adjacency matrix, rows and columns ordered by type and then degree: a filled cell for each
/// tie (row → column when directed, both ways when not), darker for a heavier weight, bands of the
/// type colours along the top and the left. Rows are named when there is room for 12 px text
/// (up to about 50 services), else only the types are.
pub fn adjacency_heatmap(
    id: &str,
    texts: &Texts,
    s: &Strings,
    net: &Network,
) -> Result<String, String> {
    let edges = resolve(net, "adjacency matrix")?;
    let n = net.nodes.len();
    let deg = degrees(n, &edges);
    let order = matrix_order(net, &deg);
    let mut rank = vec![0; n];
    for (r, &k) in order.iter().enumerate() {
        rank[k] = r;
    }
    let mut cell_w: BTreeMap<(usize, usize), f64> = BTreeMap::new();
    for &(a, b, w, directed) in &edges {
        *cell_w.entry((rank[a], rank[b])).or_insert(0.0) += w;
        if !directed && a != b {
            *cell_w.entry((rank[b], rank[a])).or_insert(0.0) += w;
        }
    }
    let max_w = cell_w.values().copied().fold(0.0, f64::max);
    let cell = (640 / n as i32).clamp(6, 20);
    let named = cell >= 14;
    let used: Vec<bool> = (0..net.types.len())
        .map(|k| net.nodes.iter().any(|x| x.kind == k))
        .collect();
    let top = narrow_heading_height(texts) + 6;
    let (legend, legend_bottom) = type_legend(&net.types, &used, top, false);
    let note_y = legend_bottom + 12;
    let left = if named { LX + 210 } else { LX + 24 };
    let m_top = note_y + 26;
    let size = cell * n as i32;
    let width = (left + 8 + size + LX).max(WIDTH);
    let height = (m_top + 8 + size + narrow_footer_height(texts) + 14) as u32;
    let mut own = legend;
    own.push_str(&text_element(
        &s.get("netchart_weight"),
        (LX, note_y),
        SMALL,
        MUTED_RGB,
        "start",
        false,
        false,
    ));
    let (x0, y0) = (left + 8, m_top + 8);
    // Type bands.
    for (r, &k) in order.iter().enumerate() {
        let c = hex(PALETTE[net.nodes[k].kind]);
        let p = r as i32 * cell;
        own.push_str(&format!(
            "<rect x=\"{}\" y=\"{}\" width=\"6\" height=\"{cell}\" fill=\"{c}\"/><rect x=\"{}\" y=\"{}\" width=\"{cell}\" height=\"6\" fill=\"{c}\"/>\n",
            x0 - 7, y0 + p, x0 + p, y0 - 7
        ));
        if named {
            own.push_str(&text_element(
                &truncate(&net.nodes[k].label, 30),
                (x0 - 11, y0 + p + cell / 2),
                LABEL_PX,
                INK_RGB,
                "end",
                false,
                false,
            ));
        }
    }
    own.push_str(&format!(
        "<rect x=\"{x0}\" y=\"{y0}\" width=\"{size}\" height=\"{size}\" fill=\"#FFFFFF\" stroke=\"#BBBBBB\" stroke-width=\"1\"/>\n"
    ));
    for (&(r, c), &w) in &cell_w {
        own.push_str(&format!(
            "<rect x=\"{}\" y=\"{}\" width=\"{cell}\" height=\"{cell}\" fill=\"{}\"><title>{} → {}: {}</title></rect>\n",
            x0 + c as i32 * cell,
            y0 + r as i32 * cell,
            hex(shade(w, max_w, 1)),
            xml_escape(&net.nodes[order[r]].label),
            xml_escape(&net.nodes[order[c]].label),
            crate::format::number(w, if w.fract() == 0.0 { 0 } else { 1 }, &texts.lang),
        ));
    }
    // Lines between types.
    for r in 1..n {
        if net.nodes[order[r]].kind != net.nodes[order[r - 1]].kind {
            let p = r as i32 * cell;
            own.push_str(&format!(
                "<line x1=\"{x0}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"#555555\" stroke-width=\"1\"/><line x1=\"{}\" y1=\"{y0}\" x2=\"{}\" y2=\"{}\" stroke=\"#555555\" stroke-width=\"1\"/>\n",
                y0 + p, x0 + size, y0 + p, x0 + p, x0 + p, y0 + size
            ));
        }
    }
    let svg = frame(texts, width as u32, height, &own)?;
    let mut desc = if texts.desc.is_empty() {
        adjacency_heatmap_desc(s, &texts.lang, net)
    } else {
        texts.desc.clone()
    };
    if !named {
        desc.push(' ');
        desc.push_str(&s.get("netchart_unnamed"));
    }
    Ok(accessible(svg, id, &texts.title, &desc))
}

/// The adjacency matrix in words: its order, how full it is, and which types hold the most ties.
pub fn adjacency_heatmap_desc(s: &Strings, lang: &str, net: &Network) -> String {
    let Ok(edges) = resolve(net, "adjacency matrix") else {
        return String::new();
    };
    let n = net.nodes.len();
    let directed = edges.iter().any(|e| e.3);
    let mut pairs: Vec<(usize, usize)> = edges
        .iter()
        .filter(|e| e.0 != e.1)
        .map(|e| {
            if directed {
                (e.0, e.1)
            } else {
                (e.0.min(e.1), e.0.max(e.1))
            }
        })
        .collect();
    pairs.sort_unstable();
    pairs.dedup();
    let possible = if directed {
        n * (n - 1)
    } else {
        n * (n - 1) / 2
    };
    let filled = if possible > 0 {
        100.0 * pairs.len() as f64 / possible as f64
    } else {
        0.0
    };
    s.fill(
        if directed {
            "netchart_matrix_desc_directed"
        } else {
            "netchart_matrix_desc"
        },
        &[
            ("services", &n.to_string()),
            ("pairs", &pairs.len().to_string()),
            ("possible", &possible.to_string()),
            ("percent", &crate::format::percent(filled, 1, lang)),
        ],
    )
}

/// Ties from each type (row) to each type (column): directed ties once, undirected ties in both
/// cells (once on the diagonal). Only the types that have a service.
fn type_counts(net: &Network, edges: &[(usize, usize, f64, bool)]) -> (Vec<usize>, Vec<Vec<u64>>) {
    let types: Vec<usize> = (0..net.types.len())
        .filter(|k| net.nodes.iter().any(|n| n.kind == *k))
        .collect();
    let at = |kind: usize| types.iter().position(|t| *t == kind).unwrap_or(0);
    let mut m = vec![vec![0u64; types.len()]; types.len()];
    for &(a, b, _, directed) in edges {
        let (ta, tb) = (at(net.nodes[a].kind), at(net.nodes[b].kind));
        m[ta][tb] += 1;
        if !directed && ta != tb {
            m[tb][ta] += 1;
        }
    }
    (types, m)
}

/// The type × type matrix: the number of ties in each cell, shaded by it, and the empty cells —
/// the gaps — white with a dashed outline and a dash.
pub fn type_matrix(id: &str, texts: &Texts, s: &Strings, net: &Network) -> Result<String, String> {
    let edges = resolve(net, "type matrix")?;
    let (types, m) = type_counts(net, &edges);
    let directed = edges.iter().any(|e| e.3);
    let lang = texts.lang.as_str();
    let max = m.iter().flatten().copied().max().unwrap_or(0) as f64;
    let t = types.len() as i32;
    let cell = 72;
    let left = LX + 200;
    let heads: Vec<Vec<String>> = types
        .iter()
        .map(|&k| wrap_name(&net.types[k], 11, 3))
        .collect();
    let head_lines = heads.iter().map(Vec::len).max().unwrap_or(1) as i32;
    let top = narrow_heading_height(texts) + 8;
    let axis_y = top + 8;
    let heads_y = axis_y + 24;
    let y0 = heads_y + 16 * head_lines + 4;
    let x0 = left;
    let legend_y = y0 + t * cell + 22;
    let width = (x0 + t * cell + LX).max(640);
    let height = (legend_y + 24 + narrow_footer_height(texts)) as u32;
    let mut own = String::new();
    let axis = if directed {
        format!("{} → {}", s.get("netchart_from"), s.get("netchart_to"))
    } else {
        s.get("netchart_between")
    };
    own.push_str(&text_element(
        &axis,
        (LX, axis_y),
        SMALL,
        MUTED_RGB,
        "start",
        true,
        false,
    ));
    for (c, lines) in heads.iter().enumerate() {
        for (i, l) in lines.iter().enumerate() {
            own.push_str(&text_element(
                l,
                (x0 + c as i32 * cell + cell / 2, heads_y + 16 * i as i32),
                SMALL,
                INK_RGB,
                "middle",
                false,
                false,
            ));
        }
    }
    for (r, &kind) in types.iter().enumerate() {
        let y = y0 + r as i32 * cell;
        let lines = wrap(&net.types[kind], 26, 2);
        let ly = y + cell / 2 - 8 * (lines.len() as i32 - 1);
        own.push_str(&format!(
            "<rect x=\"{LX}\" y=\"{}\" width=\"10\" height=\"{}\" fill=\"{}\"/>\n",
            y + 4,
            cell - 8,
            hex(PALETTE[kind])
        ));
        for (i, l) in lines.iter().enumerate() {
            own.push_str(&text_element(
                l,
                (LX + 16, ly + 16 * i as i32),
                SMALL,
                INK_RGB,
                "start",
                false,
                false,
            ));
        }
        for (c, &count) in m[r].iter().enumerate() {
            let x = x0 + c as i32 * cell;
            let from = xml_escape(&net.types[kind]);
            let to = xml_escape(&net.types[types[c]]);
            if count == 0 {
                own.push_str(&format!(
                    "<g data-gap=\"true\"><title>{from} → {to}: 0</title><rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"#FFFFFF\" stroke=\"#8A8A8A\" stroke-width=\"1\" stroke-dasharray=\"4 3\"/>\n",
                    x + 2, y + 2, cell - 4, cell - 4
                ));
                own.push_str(&text_element(
                    "—",
                    (x + cell / 2, y + cell / 2),
                    14.0,
                    MUTED_RGB,
                    "middle",
                    false,
                    false,
                ));
                own.push_str("</g>\n");
            } else {
                let fill = shade(count as f64, max, 0);
                own.push_str(&format!(
                    "<g data-count=\"{count}\"><title>{from} → {to}: {count}</title><rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\"/>\n",
                    x + 2, y + 2, cell - 4, cell - 4, hex(fill)
                ));
                own.push_str(&text_element(
                    &count.to_string(),
                    (x + cell / 2, y + cell / 2),
                    16.0,
                    ink_on(fill),
                    "middle",
                    true,
                    false,
                ));
                own.push_str("</g>\n");
            }
        }
    }
    own.push_str(&text_element(
        &format!("{}   {}", s.get("netchart_count"), s.get("netchart_gap")),
        (LX, legend_y),
        SMALL,
        MUTED_RGB,
        "start",
        false,
        false,
    ));
    let svg = frame(texts, width as u32, height, &own)?;
    let desc = if texts.desc.is_empty() {
        type_matrix_desc(s, lang, net)
    } else {
        texts.desc.clone()
    };
    Ok(accessible(svg, id, &texts.title, &desc))
}

/// The type × type matrix in words: the pairs of types with the most ties, and every gap.
pub fn type_matrix_desc(s: &Strings, lang: &str, net: &Network) -> String {
    let Ok(edges) = resolve(net, "type matrix") else {
        return String::new();
    };
    let (types, m) = type_counts(net, &edges);
    let directed = edges.iter().any(|e| e.3);
    let arrow = if directed { " → " } else { " – " };
    let mut cells: Vec<(u64, usize, usize)> = Vec::new();
    let mut gaps = Vec::new();
    for r in 0..types.len() {
        for c in 0..types.len() {
            if !directed && c < r {
                continue;
            }
            let name = format!("{}{arrow}{}", net.types[types[r]], net.types[types[c]]);
            if m[r][c] == 0 {
                gaps.push(name);
            } else {
                cells.push((m[r][c], r, c));
            }
        }
    }
    cells.sort_by(|a, b| b.0.cmp(&a.0).then((a.1, a.2).cmp(&(b.1, b.2))));
    let most: Vec<String> = cells
        .iter()
        .take(3)
        .map(|&(n, r, c)| {
            format!(
                "{}{arrow}{} ({n})",
                net.types[types[r]], net.types[types[c]]
            )
        })
        .collect();
    let mut parts = vec![s.fill(
        if directed {
            "netchart_types_desc_directed"
        } else {
            "netchart_types_desc"
        },
        &[("n", &types.len().to_string())],
    )];
    if !most.is_empty() {
        parts.push(s.fill(
            "netchart_types_most",
            &[("list", &crate::format::join_words(&most, lang))],
        ));
    }
    if gaps.is_empty() {
        parts.push(s.get("netchart_types_no_gap"));
    } else {
        parts.push(s.fill(
            "netchart_types_gaps",
            &[("n", &gaps.len().to_string()), ("list", &gaps.join("; "))],
        ));
    }
    parts.join(" ")
}

#[cfg(test)]
mod tests {
    use super::super::testing::{parse, strings, Node};
    use super::*;

    const TYPES: [&str; 8] = [
        "Social services",
        "Health",
        "School or training",
        "Court or justice",
        "Reception community",
        "Day service",
        "Third sector",
        "Police",
    ];

    fn texts(lang: &str) -> Texts {
        Texts {
            title: "Who works with whom".into(),
            subtitle: "Services of the two areas, ties named in the survey".into(),
            source: "Source: synthetic".into(),
            desc: String::new(),
            lang: lang.into(),
        }
    }

    /// `n` services of `types` types with names of varied length, each tied to one to three
    /// others (more often of its own type), the last `isolates` with no tie; fixed seed.
    fn synthetic(n: usize, types: usize, isolates: usize, seed: u64) -> Network {
        let mut state = seed;
        let names = [
            "Servizio sociale",
            "Consultorio",
            "Comunità Il Ponte",
            "Centro diurno",
            "Cooperativa La Rete",
            "Tribunale per i minorenni",
            "Scuola",
            "Questura",
            "Associazione Approdi",
            "NPI",
        ];
        let nodes: Vec<NetNode> = (0..n)
            .map(|k| NetNode {
                id: format!("S{k:03}"),
                label: format!("{} {}", names[k % names.len()], k + 1),
                kind: (unit(&mut state) * types as f64) as usize,
                size: None,
                merged: 0,
            })
            .collect();
        let mut edges = Vec::new();
        let linked = n - isolates;
        for a in 0..linked {
            let ties = 1 + (unit(&mut state) * 3.0) as usize;
            for _ in 0..ties {
                let mut b = (unit(&mut state) * linked as f64) as usize;
                if unit(&mut state) < 0.5 {
                    if let Some(same) =
                        (0..linked).find(|&c| c > a && nodes[c].kind == nodes[a].kind)
                    {
                        b = same;
                    }
                }
                if b != a {
                    edges.push(NetEdge {
                        from: nodes[a].id.clone(),
                        to: nodes[b].id.clone(),
                        weight: 1.0 + (unit(&mut state) * 4.0).floor(),
                        directed: true,
                    });
                }
            }
        }
        Network {
            nodes,
            edges,
            types: TYPES[..types].iter().map(|s| s.to_string()).collect(),
        }
    }

    fn geometry(net: &Network) -> Layout {
        let edges = resolve(net, "test").unwrap();
        diagram_geometry(net, &edges, &texts("en")).0
    }

    /// No two label boxes overlap, no label touches a node circle, no two circles overlap, every
    /// label and node inside the plot, every service labelled or in the key.
    fn check_geometry(net: &Network) -> Layout {
        let l = geometry(net);
        let n = net.nodes.len();
        for (i, a) in l.labels.iter().enumerate() {
            for b in &l.labels[i + 1..] {
                assert!(!a.bbox.overlaps(&b.bbox), "{a:?} overlaps {b:?}");
            }
            for (k, (p, r)) in l.pos.iter().zip(&l.radius).enumerate() {
                assert!(!a.bbox.hits_circle(*p, *r), "{a:?} on node {k}");
            }
            let (p, b) = (&l.plot, &a.bbox);
            assert!(b.x >= p.x && b.y >= p.y && b.x + b.w <= p.x + p.w && b.y + b.h <= p.y + p.h);
        }
        for i in 0..n {
            for j in (i + 1)..n {
                let d =
                    ((l.pos[i].0 - l.pos[j].0).powi(2) + (l.pos[i].1 - l.pos[j].1).powi(2)).sqrt();
                assert!(d >= l.radius[i] + l.radius[j], "nodes {i} and {j} overlap");
            }
        }
        let mut seen: Vec<usize> = l.labels.iter().map(|p| p.node).collect();
        seen.extend(&l.unplaced);
        seen.sort_unstable();
        assert_eq!(seen, (0..n).collect::<Vec<_>>());
        // A numbered label is the number its key line gives.
        for p in &l.labels {
            if let Some((num, _)) = l.numbered.iter().find(|(_, node)| *node == p.node) {
                assert_eq!(p.text, num.to_string());
            } else {
                let node = &net.nodes[p.node];
                if node.merged > 0 {
                    assert_eq!(p.text, node.label);
                } else {
                    assert_eq!(p.text, truncate(&node.label, 28));
                }
            }
        }
        l
    }

    #[test]
    fn labels_overlap_no_label_and_no_node_at_40_and_80_services() {
        for (n, seed) in [(40, 1), (80, 2), (80, 3)] {
            let l = check_geometry(&synthetic(n, 8, 0, seed));
            assert!(l.unplaced.is_empty(), "{n}: {:?}", l.unplaced);
            // Most names fit next to their node.
            assert!(
                l.numbered.len() * 4 <= n,
                "{n}: {} numbered",
                l.numbered.len()
            );
        }
    }

    /// Five services whose names differ only after the cut would all read "Servizio sociale
    /// territoria…": they are numbered and named in full in the key; a long name no other
    /// shares is still cut and drawn.
    #[test]
    fn names_that_cut_to_the_same_text_are_numbered() {
        let mut net = synthetic(12, 3, 0, 4);
        for (k, node) in net.nodes.iter_mut().enumerate().take(5) {
            node.label = format!("Servizio sociale territoriale Municipio {}", k + 1);
        }
        net.nodes[5].label = "Associazione di volontariato per i minori stranieri".into();
        let l = check_geometry(&net);
        let numbered: Vec<usize> = l.numbered.iter().map(|(_, node)| *node).collect();
        for k in 0..5 {
            assert!(numbered.contains(&k), "{k} not numbered: {numbered:?}");
        }
        assert!(l
            .labels
            .iter()
            .any(|p| p.node == 5 && p.text == truncate(&net.nodes[5].label, 28)));
        let svg = network_diagram("n", &texts("it"), &strings("it"), &net).unwrap();
        assert!(svg.contains("Servizio sociale territoriale Municipio 3"));
    }

    #[test]
    fn isolates_and_a_single_type_are_drawn_too() {
        let net = synthetic(30, 5, 6, 7);
        let l = check_geometry(&net);
        // The isolates stay in the plot (the pull to the centre), and are said.
        assert_eq!(l.pos.len(), 30);
        let desc = network_diagram_desc(&strings("en"), "en", &net);
        assert!(desc.contains("With no tie (6): "), "{desc}");
        let one = synthetic(25, 1, 0, 9);
        check_geometry(&one);
        let svg = network_diagram("n", &texts("en"), &strings("en"), &one).unwrap();
        let root = parse(&svg).unwrap();
        let circles: Vec<&Node> = root
            .all()
            .into_iter()
            .filter(|n| n.name == "circle")
            .collect();
        // 25 nodes and one legend swatch, all the first colour.
        assert_eq!(circles.len(), 26);
        assert!(circles.iter().all(|c| c.attrs["fill"] == hex(PALETTE[0])));
        // One service alone.
        let mut single = synthetic(1, 1, 1, 1);
        single.edges.clear();
        check_geometry(&single);
        assert!(network_diagram("n", &texts("it"), &strings("it"), &single).is_ok());
    }

    #[test]
    fn the_same_input_gives_the_same_bytes() {
        let net = synthetic(80, 8, 3, 2);
        for f in [network_diagram, adjacency_heatmap, type_matrix] {
            let a = f("x", &texts("en"), &strings("en"), &net).unwrap();
            let b = f("x", &texts("en"), &strings("en"), &net.clone()).unwrap();
            assert_eq!(a, b);
        }
    }

    #[test]
    fn the_diagram_draws_every_node_and_tie_and_names_the_key() {
        let net = synthetic(80, 8, 2, 3);
        let svg = network_diagram("net-1", &texts("en"), &strings("en"), &net).unwrap();
        let root = parse(&svg).unwrap();
        let nodes: Vec<&Node> = root
            .all()
            .into_iter()
            .filter(|n| n.attrs.contains_key("data-node"))
            .collect();
        assert_eq!(nodes.len(), 80);
        let ties = root
            .all()
            .into_iter()
            .find(|n| n.attrs.get("data-part").is_some_and(|p| p == "ties"))
            .unwrap();
        assert_eq!(ties.children.len(), net.edges.len());
        assert!(ties
            .children
            .iter()
            .all(|c| c.attrs["marker-end"] == "url(#net-1-arrow)"));
        // Heavier ties are wider: weight 4 of 4 is 4 px, weight 1 is 1.75 px.
        let widths: Vec<&str> = ties
            .children
            .iter()
            .map(|c| c.attrs["stroke-width"].as_str())
            .collect();
        assert!(
            widths.contains(&"4.0") && widths.contains(&"1.8"),
            "{widths:?}"
        );
        // Every type is in the legend.
        let words = root.all_text();
        for t in TYPES {
            assert!(words.contains(t), "{t}");
        }
        let l = geometry(&net);
        let desc = &root
            .children
            .iter()
            .find(|c| c.name == "desc")
            .unwrap()
            .text;
        assert!(desc.starts_with("A network of 80 services and "), "{desc}");
        if l.numbered.is_empty() {
            assert!(!desc.contains("numbered"));
        } else {
            assert!(
                desc.contains(&format!("{} names did not fit", l.numbered.len())),
                "{desc}"
            );
            assert!(words.contains("Services numbered in the diagram:"));
        }
    }

    #[test]
    fn no_text_is_smaller_than_11_px_and_all_reads_on_white() {
        let net = synthetic(80, 8, 2, 3);
        for svg in [
            network_diagram("a", &texts("en"), &strings("en"), &net).unwrap(),
            adjacency_heatmap("b", &texts("en"), &strings("en"), &synthetic(40, 8, 0, 4)).unwrap(),
            type_matrix("c", &texts("en"), &strings("en"), &net).unwrap(),
        ] {
            let root = parse(&svg).unwrap();
            for t in root.all().into_iter().filter(|n| n.name == "text") {
                let px: f64 = t.attrs["font-size"].trim_end_matches("px").parse().unwrap();
                // Plotters writes its fonts 1.24 × the CSS size the charts ask for.
                assert!(px >= 11.0, "{px} px: {}", t.text);
                if let Some(fill) = t.attrs.get("fill").filter(|f| f.starts_with('#')) {
                    let c = u32::from_str_radix(&fill[1..], 16).unwrap();
                    let rgb = ((c >> 16) as u8, (c >> 8) as u8, c as u8);
                    if rgb != (0xff, 0xff, 0xff) {
                        assert!(
                            super::super::contrast(rgb, (0xff, 0xff, 0xff)) >= 4.5,
                            "{fill}"
                        );
                    }
                }
            }
        }
    }

    fn small() -> Network {
        // Social services (0) refer to health (1) twice and to a community (4); health to social
        // services once; the community to nobody; a day service (5) alone.
        let node = |id: &str, kind| NetNode {
            id: id.into(),
            label: id.into(),
            kind,
            size: None,
            merged: 0,
        };
        let edge = |a: &str, b: &str| NetEdge {
            from: a.into(),
            to: b.into(),
            weight: 1.0,
            directed: true,
        };
        Network {
            nodes: vec![
                node("ss1", 0),
                node("ss2", 0),
                node("h1", 1),
                node("c1", 4),
                node("d1", 5),
            ],
            edges: vec![
                edge("ss1", "h1"),
                edge("ss2", "h1"),
                edge("ss1", "c1"),
                edge("h1", "ss2"),
                edge("ss1", "ss2"),
            ],
            types: TYPES.iter().map(|s| s.to_string()).collect(),
        }
    }

    /// Services named by too few respondents, given by hand: merged into one node per type,
    /// their ties redirected to it and summed, the ties between them dropped, the desc saying so.
    #[test]
    fn aggregated_services_are_one_node_per_type() {
        let mut net = small();
        for id in ["h2", "h3"] {
            net.nodes.push(NetNode {
                id: id.into(),
                label: id.into(),
                kind: 1,
                size: None,
                merged: 0,
            });
        }
        let edge = |a: &str, b: &str, w: f64| NetEdge {
            from: a.into(),
            to: b.into(),
            weight: w,
            directed: true,
        };
        net.edges.push(edge("ss1", "h2", 2.0));
        net.edges.push(edge("h2", "h3", 1.0));
        net.edges.push(edge("h3", "ss2", 1.0));
        // The day service, alone of its type among the hidden, keeps its node but not its tie.
        net.edges.push(edge("d1", "ss1", 1.0));
        let hidden = ["h1".to_string(), "h2".into(), "h3".into(), "d1".into()];
        let agg = aggregate(&net, &hidden, &strings("en"));
        let ids: Vec<&str> = agg.nodes.iter().map(|n| n.id.as_str()).collect();
        assert_eq!(ids, ["ss1", "ss2", "aggregated-1", "c1", "aggregated-5"]);
        assert_eq!(agg.nodes[2].label, "3 other services: Health");
        assert_eq!(agg.nodes[2].merged, 3);
        assert_eq!(
            agg.nodes[4].label,
            "1 other service: Day service (ties not shown)"
        );
        let ties: Vec<(&str, &str, f64)> = agg
            .edges
            .iter()
            .map(|e| (e.from.as_str(), e.to.as_str(), e.weight))
            .collect();
        // ss1 → h1 and ss1 → h2 (weight 2) are one tie of weight 3; h2 → h3 is gone; h1 → ss2
        // and h3 → ss2 are one of weight 2; d1 → ss1 is not drawn; ties between shown services
        // are left as they are.
        assert_eq!(
            ties,
            [
                ("ss1", "aggregated-1", 3.0),
                ("ss2", "aggregated-1", 1.0),
                ("ss1", "c1", 1.0),
                ("aggregated-1", "ss2", 2.0),
                ("ss1", "ss2", 1.0),
            ]
        );
        let desc = network_diagram_desc(&strings("en"), "en", &agg);
        assert!(
            desc.starts_with("A network of 7 services and 5 directed ties."),
            "{desc}"
        );
        assert!(
            desc.contains(
                "By type: Social services 2, Health 3, Reception community 1, Day service 1."
            ),
            "{desc}"
        );
        assert!(
            desc.contains("merged into one node per type: 3 other services: Health and 1 other service: Day service (ties not shown)."),
            "{desc}"
        );
        let svg = network_diagram("agg", &texts("en"), &strings("en"), &agg).unwrap();
        assert!(svg.contains("data-node=\"aggregated-1\""));
        assert!(!svg.contains("data-node=\"h2\""));
        // Italian words, and a network with nothing to merge is drawn as it is.
        let mut it = net.clone();
        it.types[1] = "Sanità".into();
        let agg = aggregate(&it, &hidden, &strings("it"));
        assert_eq!(agg.nodes[2].label, "3 altri servizi: Sanità");
        assert!(network_diagram_desc(&strings("it"), "it", &agg)
            .contains("riuniti in un nodo per tipo"));
        let same = aggregate(&net, &["zz".to_string()], &strings("en"));
        assert_eq!(same.edges.len(), net.edges.len());
    }

    #[test]
    fn the_type_matrix_counts_ties_and_shows_the_gaps() {
        let net = small();
        let edges = resolve(&net, "t").unwrap();
        let (types, m) = type_counts(&net, &edges);
        assert_eq!(types, vec![0, 1, 4, 5]);
        assert_eq!(
            m,
            vec![
                vec![1, 2, 1, 0],
                vec![1, 0, 0, 0],
                vec![0, 0, 0, 0],
                vec![0, 0, 0, 0]
            ]
        );
        let svg = type_matrix("tm", &texts("en"), &strings("en"), &net).unwrap();
        let root = parse(&svg).unwrap();
        let gaps = root
            .all()
            .into_iter()
            .filter(|n| n.attrs.contains_key("data-gap"))
            .count();
        assert_eq!(gaps, 12);
        let counts: Vec<(String, String)> = root
            .all()
            .into_iter()
            .filter(|n| n.attrs.contains_key("data-count"))
            .map(|n| (n.attrs["data-count"].clone(), n.all_text()))
            .collect();
        assert_eq!(counts.len(), 4);
        for (count, words) in counts {
            assert!(words.ends_with(&format!("|{count}")), "{words}");
        }
        let desc = type_matrix_desc(&strings("en"), "en", &net);
        assert!(
            desc.contains("Most ties: Social services → Health (2), Social services → Social services (1) and Social services → Reception community (1)."),
            "{desc}"
        );
        assert!(
            desc.contains("Gaps, no tie (12): Social services → Day service; Health → Health;"),
            "{desc}"
        );
        // Undirected: a tie counts in both cells, the description names each pair once.
        let mut und = small();
        und.edges.iter_mut().for_each(|e| e.directed = false);
        let edges = resolve(&und, "t").unwrap();
        let (_, m) = type_counts(&und, &edges);
        assert_eq!(m[0][1], 3);
        assert_eq!(m[1][0], 3);
        assert_eq!(m[0][0], 1);
        let desc = type_matrix_desc(&strings("it"), "it", &und);
        // Ten pairs of four types, three of them tied.
        assert!(desc.contains("Lacune, nessun legame (7)"), "{desc}");
    }

    #[test]
    fn the_adjacency_matrix_is_ordered_by_type_then_degree() {
        let net = small();
        let edges = resolve(&net, "t").unwrap();
        let deg = degrees(5, &edges);
        assert_eq!(deg, vec![3, 3, 3, 1, 0]);
        assert_eq!(matrix_order(&net, &deg), vec![0, 1, 2, 3, 4]);
        let mut net2 = small();
        net2.nodes.swap(0, 1);
        net2.edges.push(NetEdge {
            from: "ss2".into(),
            to: "c1".into(),
            weight: 3.0,
            directed: true,
        });
        let edges = resolve(&net2, "t").unwrap();
        let deg = degrees(5, &edges);
        // ss2 (now first, 4 ties) before ss1 (3 ties).
        assert_eq!(matrix_order(&net2, &deg)[..2], [0, 1]);
        net2.nodes.swap(0, 1);
        let edges = resolve(&net2, "t").unwrap();
        let deg = degrees(5, &edges);
        assert_eq!(matrix_order(&net2, &deg)[..2], [1, 0]);
        // Rows are named up to 45 services (cells of 14 px or more), and the desc says when not.
        let wide = synthetic(80, 8, 0, 5);
        let svg = adjacency_heatmap("am", &texts("en"), &strings("en"), &wide).unwrap();
        assert!(svg.contains("the rows are not named"));
        assert!(!svg.contains(">Scuola 7<"));
        let svg =
            adjacency_heatmap("am", &texts("en"), &strings("en"), &synthetic(45, 8, 0, 5)).unwrap();
        assert!(!svg.contains("the rows are not named"));
        assert!(svg.contains(">Scuola 7<"));
        let svg = adjacency_heatmap("am", &texts("en"), &strings("en"), &net).unwrap();
        let root = parse(&svg).unwrap();
        let cells: Vec<&Node> = root
            .all()
            .into_iter()
            .filter(|n| n.name == "rect" && n.children.iter().any(|c| c.name == "title"))
            .collect();
        assert_eq!(cells.len(), 5);
        assert!(cells.iter().any(|c| c.children[0].text == "ss1 → h1: 1"));
        let desc = adjacency_heatmap_desc(&strings("en"), "en", &net);
        assert!(
            desc.ends_with("5 of 20 possible pairs are tied (25.0%)."),
            "{desc}"
        );
    }

    #[test]
    fn label_boxes_hold_their_text() {
        // Pillow 13.0 with DejaVu Sans at 12 px (`ImageFont.truetype("DejaVuSans.ttf", 12)
        // .getlength(s)`): 169.1 px for "Tribunale per i minorenni 36", 118.6 for ten W, 257.3
        // for "MMMM MMMM MMMM MMMM MMMM MMM"; the box adds the halo (4 px) and 2 px.
        for (s, px) in [
            ("Tribunale per i minorenni 36", 169.1),
            ("WWWWWWWWWW", 118.6),
            ("MMMM MMMM MMMM MMMM MMMM MMM", 257.3),
        ] {
            let w = text_width(s);
            assert!(w >= px + 4.0 && w <= px + 12.0, "{s}: {w}");
        }
        assert_eq!(text_width("è"), LABEL_PX + 6.0);
    }

    #[test]
    fn every_node_stands_out_from_white() {
        // WCAG 2.1 1.4.11: 3:1 for graphics; a pale fill gets a dark outline.
        let svg =
            network_diagram("n", &texts("en"), &strings("en"), &synthetic(40, 8, 0, 1)).unwrap();
        let root = parse(&svg).unwrap();
        let rgb = |h: &str| {
            let c = u32::from_str_radix(&h[1..], 16).unwrap();
            ((c >> 16) as u8, (c >> 8) as u8, c as u8)
        };
        let white = (0xff, 0xff, 0xff);
        let mut outlined = 0;
        for g in root
            .all()
            .into_iter()
            .filter(|n| n.attrs.contains_key("data-node"))
        {
            let c = g.children.iter().find(|c| c.name == "circle").unwrap();
            let (fill, stroke) = (rgb(&c.attrs["fill"]), rgb(&c.attrs["stroke"]));
            let best =
                super::super::contrast(fill, white).max(super::super::contrast(stroke, white));
            assert!(best >= 3.0, "{:?}", c.attrs);
            outlined += usize::from(stroke != white);
        }
        // Yellow, sky blue, orange and reddish purple are pale on white.
        assert!(outlined > 0);
        assert_eq!(node_stroke(PALETTE[7]), NODE_OUTLINE);
        assert_eq!(node_stroke(PALETTE[6]), white);
    }

    #[test]
    fn shades_are_equal_intervals_and_the_matrix_skips_the_palest() {
        assert_eq!(shade(1.0, 5.0, 0), BLUES[0]);
        assert_eq!(shade(5.0, 5.0, 0), BLUES[4]);
        assert_eq!(shade(2.5, 5.0, 0), BLUES[2]);
        assert_eq!(shade(1.0, 4.0, 1), BLUES[1]);
        assert_eq!(shade(3.0, 4.0, 1), BLUES[3]);
        assert_eq!(shade(4.0, 4.0, 1), BLUES[4]);
        assert_eq!(shade(0.1, 100.0, 1), BLUES[1]);
    }

    #[test]
    fn what_cannot_be_drawn_is_refused_in_words() {
        let err =
            |net: &Network| network_diagram("n", &texts("en"), &strings("en"), net).unwrap_err();
        let mut net = small();
        net.edges[0].to = "zz".into();
        assert!(
            err(&net).contains("tie 1 names service \"zz\""),
            "{}",
            err(&net)
        );
        let mut net = small();
        net.edges[2].weight = 0.0;
        assert!(err(&net).contains("tie 3 (ss1 → c1) has a weight"));
        let mut net = small();
        net.nodes[1].id = "ss1".into();
        assert!(err(&net).contains("\"ss1\" given twice"));
        let mut net = small();
        net.types.push("Other".into());
        assert!(err(&net).contains("9 types"));
        let mut net = small();
        net.types.truncate(2);
        assert!(err(&net).contains("has type 5 but only 2 types"));
        net.nodes.clear();
        assert!(err(&net).contains("no service"));
    }

    #[test]
    fn labels_are_escaped() {
        let mut net = small();
        net.nodes[0].label = "<script>x</script> & \u{1}".into();
        net.types[0] = "A & <b>".into();
        for f in [network_diagram, adjacency_heatmap, type_matrix] {
            let svg = f("q\"", &texts("en"), &strings("en"), &net).unwrap();
            assert!(!svg.contains("<script>") && !svg.contains("<b>"));
            parse(&svg).unwrap();
        }
    }

    /// Writes the three charts where `NETCHART_OUT` says, for a look in a browser.
    #[test]
    fn writes_the_charts_for_a_look_when_asked() {
        let Ok(dir) = std::env::var("NETCHART_OUT") else {
            return;
        };
        let net = synthetic(80, 8, 3, 2);
        for (name, f) in [
            (
                "net",
                network_diagram as fn(&str, &Texts, &Strings, &Network) -> Result<String, String>,
            ),
            ("adj", adjacency_heatmap),
            ("type", type_matrix),
        ] {
            std::fs::write(
                format!("{dir}/{name}.svg"),
                f(name, &texts("en"), &strings("en"), &net).unwrap(),
            )
            .unwrap();
        }
        let net = synthetic(40, 6, 2, 1);
        std::fs::write(
            format!("{dir}/net40.svg"),
            network_diagram("n40", &texts("it"), &strings("it"), &net).unwrap(),
        )
        .unwrap();
        std::fs::write(
            format!("{dir}/adj40.svg"),
            adjacency_heatmap("a40", &texts("it"), &strings("it"), &net).unwrap(),
        )
        .unwrap();
    }
}
