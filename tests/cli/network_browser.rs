//! The network diagram in a real browser (issue 17): drawn from a run of a network of 45 services
//! with long names, every service is a circle on the page, and no two labels overlap each other or
//! a service's circle, measured with the browser's own fonts (`getBBox`), not with the estimate the
//! layout used.

use std::fmt::Write as _;
use std::path::Path;

use crate::common::{chromium, headless, run_study};

const TYPES: [&str; 8] = [
    "servizi sociali",
    "sanità",
    "scuola",
    "tribunale",
    "comunità",
    "centro diurno",
    "terzo settore",
    "polizia",
];

const NAMES: [&str; 8] = [
    "Servizio sociale territoriale",
    "Consultorio familiare",
    "Istituto comprensivo",
    "Tribunale per i minorenni",
    "Comunità di accoglienza",
    "Centro diurno",
    "Associazione",
    "Commissariato",
];

/// 45 services in two areas and about 130 ties, drawn from a fixed linear congruential sequence.
fn big_network(dir: &Path) {
    let mut registry = String::from("id;name;type;territory;sector\n");
    for i in 0..45 {
        let k = i % 8;
        let area = if i % 2 == 0 { "Nord" } else { "Sud" };
        let sector = if k == 6 || (k == 4 && i % 3 == 0) {
            "terzo settore"
        } else {
            "pubblico"
        };
        writeln!(
            registry,
            "S{i:02};{} {} {};{};{area};{sector}",
            NAMES[k],
            area,
            i / 8 + 1,
            TYPES[k]
        )
        .unwrap();
    }
    let mut state: u64 = 17;
    let mut next = |m: u64| {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (state >> 33) % m
    };
    let mut edges = String::from("da;a\n");
    let mut seen = std::collections::BTreeSet::new();
    while seen.len() < 130 {
        let (a, b) = (next(45), next(45));
        // Hubs: the first services of each type draw most ties.
        let b = if next(3) == 0 { b % 8 } else { b };
        if a != b && seen.insert((a, b)) {
            writeln!(edges, "S{a:02};S{b:02}").unwrap();
        }
    }
    std::fs::create_dir_all(dir.join("data")).unwrap();
    std::fs::write(dir.join("data/services.csv"), registry).unwrap();
    std::fs::write(dir.join("data/edges.csv"), edges).unwrap();
    std::fs::write(
        dir.join("analyses.toml"),
        "[[analysis]]\nid = \"rete\"\nkind = \"network\"\ntitle = { it = \"La rete\", en = \"The network\" }\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("study.toml"),
        r#"title = "Rete dei servizi"
languages = ["it", "en"]
analyses = ["analyses.toml"]

[[territories]]
name = "Nord"

[[territories]]
name = "Sud"

[[sources]]
name = "rete"
kind = "network"
path = "data/edges.csv"
registry = "data/services.csv"
from_column = "da"
to_column = "a"
"#,
    )
    .unwrap();
}

/// Measures the diagram in the page: circles drawn, labels, and every overlapping pair.
const SCRIPT: &str = r#"<script>
const svg = document.querySelector('svg');
const circles = [...svg.querySelectorAll('g[data-node] circle')];
const labels = [...svg.querySelectorAll('g[data-part="labels"] text')];
const box = (e) => { const b = e.getBBox(); return {x: b.x, y: b.y, w: b.width, h: b.height}; };
const meet = (a, b) => a.x < b.x + b.w - 0.5 && b.x < a.x + a.w - 0.5 && a.y < b.y + b.h - 0.5 && b.y < a.y + a.h - 0.5;
const lb = labels.map(box);
const cb = circles.map(box);
const out = [];
out.push('circles=' + circles.length + ' drawn=' + cb.filter(b => b.w > 0 && b.h > 0).length);
out.push('labels=' + labels.length + ' empty=' + lb.filter(b => b.w <= 0).length);
for (let i = 0; i < lb.length; i++) {
  for (let j = i + 1; j < lb.length; j++) {
    if (meet(lb[i], lb[j])) out.push('label-label ' + labels[i].textContent + ' | ' + labels[j].textContent);
  }
  for (let k = 0; k < cb.length; k++) {
    if (meet(lb[i], cb[k])) out.push('label-circle ' + labels[i].textContent + ' | ' + circles[k].parentNode.getAttribute('data-node'));
  }
}
const pre = document.createElement('pre');
pre.id = 'result';
pre.textContent = out.join('\n');
document.body.appendChild(pre);
</script>"#;

#[test]
fn in_a_real_browser_the_diagram_is_drawn_and_no_labels_overlap() {
    let Some(chrome) = chromium() else { return };
    let tmp = tempfile::tempdir().unwrap();
    big_network(tmp.path());
    let out = tmp.path().join("out");
    run_study(tmp.path(), &out, false);
    let svg = std::fs::read_to_string(out.join("charts/rete-diagram.svg")).unwrap();
    // The report shows the same diagram.
    let report = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(
        report.contains("rete-diagram"),
        "the report shows the diagram"
    );
    let page = tmp.path().join("diagram.html");
    std::fs::write(
        &page,
        format!(
            "<!doctype html><html lang=\"it\"><head><meta charset=\"utf-8\"><style>body{{margin:0;width:960px}} svg{{display:block}}</style></head><body>{svg}{SCRIPT}</body></html>"
        ),
    )
    .unwrap();
    let url = format!("file://{}", page.display());
    let (dom, _) = headless(&chrome, &tmp.path().join("profile"), &["--dump-dom", &url]);
    let result = dom
        .split("<pre id=\"result\">")
        .nth(1)
        .and_then(|r| r.split("</pre>").next())
        .unwrap_or_else(|| panic!("the page's script wrote no result:\n{dom}"));
    let mut lines = result.lines();
    assert_eq!(
        lines.next(),
        Some("circles=45 drawn=45"),
        "every service is drawn: {result}"
    );
    let labels = lines.next().unwrap_or_default();
    let count: usize = labels
        .strip_prefix("labels=")
        .and_then(|l| l.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{result}"));
    // Most services are named in place (the rest are numbered in the key under the diagram),
    // and every label has a size in the browser.
    assert!(count >= 20, "{result}");
    assert!(labels.ends_with("empty=0"), "{result}");
    let overlaps: Vec<&str> = lines.collect();
    assert!(
        overlaps.is_empty(),
        "labels overlap:\n{}",
        overlaps.join("\n")
    );
}
