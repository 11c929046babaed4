//! The national monitoring example (examples/care-leavers-monitoring): three waves, 17 regions,
//! 60 ambiti, a panel. Its change estimates against a hand computation from the data files, its
//! factsheets, `where`, and attackers over the two levels of territories and over the waves.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use crate::common::{capakit, copy_dir, files, repo, run_study};

/// A copy of the monitoring example in `dir`, with `extra` appended to its analyses.
fn monitoring(dir: &Path, extra: &str) -> PathBuf {
    let study = dir.join("monitoring");
    copy_dir(&repo().join("examples/care-leavers-monitoring"), &study);
    let analyses = study.join("analyses/monitoring.toml");
    let text = std::fs::read_to_string(&analyses).unwrap();
    std::fs::write(&analyses, format!("{text}\n{extra}")).unwrap();
    study
}

fn analysis<'a>(r: &'a serde_json::Value, id: &str) -> &'a serde_json::Value {
    r["analyses"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["id"] == id)
        .unwrap_or_else(|| panic!("no analysis {id}"))
}

#[test]
fn the_shipped_example_is_what_init_writes() {
    crate::common::assert_shipped_is_init("care-leavers-monitoring", "monitoring");
}

/// One wave's rows of the example: respondent id → (weight, answer to `column`, stratum, PSU).
type Rows = HashMap<String, (f64, Option<f64>, String, String)>;

fn wave_answers(study: &Path, wave: &str, column: &str) -> Rows {
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(b';')
        .from_path(study.join(format!("data/giovani-{wave}.csv")))
        .unwrap();
    let header = reader.headers().unwrap().clone();
    let at = |name: &str| header.iter().position(|h| h == name).unwrap();
    let (id, weight, answer) = (at("anagrafica/respondent_id"), at("peso"), at(column));
    let (stratum, psu) = (at("strato"), at("psu"));
    reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            (
                r[id].to_string(),
                (
                    r[weight].parse().unwrap(),
                    r[answer].parse().ok(),
                    r[stratum].to_string(),
                    r[psu].to_string(),
                ),
            )
        })
        .collect()
}

/// θ of a wave (weighted mean of y), and the totals of the linearised values w (y − θ) / Σw per
/// (stratum, PSU).
fn linearised(rows: &Rows, y: impl Fn(f64) -> f64) -> (f64, BTreeMap<(String, String), f64>) {
    let answered: Vec<(f64, f64, (String, String))> = rows
        .values()
        .filter_map(|(w, a, h, c)| Some((*w, y((*a)?), (h.clone(), c.clone()))))
        .collect();
    let total: f64 = answered.iter().map(|x| x.0).sum();
    let theta = answered.iter().map(|x| x.0 * x.1).sum::<f64>() / total;
    let mut z = BTreeMap::new();
    for (w, v, key) in answered {
        *z.entry(key).or_default() += w * (v - theta) / total;
    }
    (theta, z)
}

/// The with-replacement variance of PSU totals within strata: Σ_h m/(m − 1) Σ (D − D̄_h)².
fn stratified_variance(d: &BTreeMap<(String, String), f64>) -> f64 {
    let mut strata: BTreeMap<&String, Vec<f64>> = BTreeMap::new();
    for ((h, _), v) in d {
        strata.entry(h).or_default().push(*v);
    }
    strata
        .values()
        .map(|v| {
            let m = v.len() as f64;
            let mean = v.iter().sum::<f64>() / m;
            m / (m - 1.0) * v.iter().map(|x| (x - mean).powi(2)).sum::<f64>()
        })
        .sum()
}

#[test]
fn change_against_a_hand_computation() {
    let tmp = tempfile::tempdir().unwrap();
    let study = monitoring(
        tmp.path(),
        r#"[[analysis]]
id = "item-change"
kind = "change"
by = "region"
variables = ["aut_1"]
"#,
    );
    let r = run_study(&study, &tmp.path().join("out"), false);
    let a = analysis(&r, "item-change");
    let row = |q: &str| {
        a["changes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| {
                c["quantity"] == q
                    && c["group"].is_null()
                    && c["from"] == "2023"
                    && c["to"] == "2024"
            })
            .unwrap()
            .clone()
    };
    let before = wave_answers(&study, "2023", "capacita/aut_1");
    let after = wave_answers(&study, "2024", "capacita/aut_1");
    for (q, y, scale) in [
        ("mean", (|x: f64| x) as fn(f64) -> f64, 1.0),
        ("agree", |x: f64| f64::from(u8::from(x >= 4.0)), 100.0),
    ] {
        // By hand: the weighted means of the two waves; the variance of their difference from
        // the linearised values summed per primary sampling unit (the ambito, within its
        // region's stratum: the example's design), the earlier wave's with a minus — a young
        // person seen in both waves is in the same PSU both times, so the panel is paired.
        let (t0, z0) = linearised(&before, y);
        let (t1, z1) = linearised(&after, y);
        let mut d = z1.clone();
        for (key, z) in &z0 {
            *d.entry(key.clone()).or_default() -= z;
        }
        let var = stratified_variance(&d);
        let c = row(q);
        let close = |a: &serde_json::Value, b: f64| {
            let a = a.as_f64().unwrap();
            assert!((a - b).abs() < 1e-9 * b.abs().max(1.0), "{q}: {a} vs {b}");
        };
        close(&c["before"], scale * t0);
        close(&c["after"], scale * t1);
        close(&c["change"]["absolute"]["value"], scale * (t1 - t0));
        close(&c["change"]["absolute"]["se"], scale * var.sqrt());
        close(&c["change"]["relative"]["value"], t1 / t0 - 1.0);
        // One year apart: the annualised changes are the changes.
        close(&c["change"]["annual_absolute"]["value"], scale * (t1 - t0));
        close(&c["change"]["annual_relative"]["value"], t1 / t0 - 1.0);
        // The waves share their PSUs and the panel its people: the same answers as if the two
        // waves were independent samples give a larger standard error.
        let independent = (stratified_variance(&z0) + stratified_variance(&z1)).sqrt();
        assert!(
            var.sqrt() < independent,
            "{q}: paired {} vs {independent}",
            var.sqrt()
        );
    }
    // Entries, exits and attrition between 2023 and 2024, counted from the files.
    let stayed = before.keys().filter(|id| after.contains_key(*id)).count();
    let flow = &a["flows"][1]["total"];
    assert_eq!(flow["stayed"], stayed);
    assert_eq!(flow["left"], before.len() - stayed);
    assert_eq!(flow["joined"], after.len() - stayed);
}

#[test]
fn the_example_reads_as_a_monitoring_report() {
    let tmp = tempfile::tempdir().unwrap();
    let study = repo().join("examples/care-leavers-monitoring");
    let out = tmp.path().join("out");
    let r = run_study(&study, &out, false);
    let source = &r["sources"][0];
    assert_eq!(source["level"], "region");
    assert_eq!(source["territories"].as_array().unwrap().len(), 17);
    assert_eq!(source["waves"].as_array().unwrap().len(), 3);
    // A factsheet per region, one A4 page each in HTML and Markdown.
    for g in source["territories"].as_array().unwrap() {
        let name = g["group"]
            .as_str()
            .unwrap()
            .to_lowercase()
            .replace(' ', "-");
        let html = std::fs::read_to_string(out.join(format!("factsheets/{name}.html")))
            .unwrap_or_else(|_| panic!("no factsheet for {name}"));
        assert!(html.contains(g["group"].as_str().unwrap()));
        // Its respondents per wave are the region's, as the report publishes them.
        let md = std::fs::read_to_string(out.join(format!("factsheets/{name}.md"))).unwrap();
        let g_index = source["territories"]
            .as_array()
            .unwrap()
            .iter()
            .position(|t| t["group"] == g["group"])
            .unwrap();
        let row: Vec<String> = source["by_wave"][g_index]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_u64().unwrap().to_string())
            .collect();
        let line = format!("| {} | {} |", g["group"].as_str().unwrap(), row.join(" | "));
        let plain = md.replace('.', "");
        assert!(plain.contains(&line), "{name}: no {line:?} in\n{md}");
    }
    // The designed changes are found: autonomy rises from 2022 to 2024 and holds up to its
    // interval; the panel is linked under the keyed pseudonym.
    let trend = analysis(&r, "trend");
    assert_eq!(trend["keyed"], true);
    let autonomy = trend["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| {
            c["subject"] == "autonomia"
                && c["quantity"] == "mean"
                && c["group"].is_null()
                && c["from"] == "2022"
                && c["to"] == "2024"
        })
        .unwrap();
    assert!(autonomy["change"]["absolute"]["value"].as_f64().unwrap() > 0.3);
    assert_eq!(autonomy["holds"], true);
    // Byte-identical reruns.
    let again = tmp.path().join("again");
    run_study(&study, &again, false);
    assert_eq!(files(&out), files(&again));
}

#[test]
fn where_names_its_groups_or_says_where_it_is_wrong() {
    let tmp = tempfile::tempdir().unwrap();
    for (extra, wanted) in [
        (
            "[[analysis]]\nid = \"x\"\nkind = \"scales\"\nwhere = { wave = \"2025\" }\n",
            "'2025' is not one of the groups of 'wave'",
        ),
        (
            "[[analysis]]\nid = \"x\"\nkind = \"scales\"\nwhere = { province = \"Prato\" }\n",
            "'province' is not a question",
        ),
    ] {
        let study = monitoring(&tmp.path().join(wanted.len().to_string()), extra);
        let out = capakit()
            .arg("run")
            .arg(&study)
            .arg("--out")
            .arg(tmp.path().join("o"))
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_ne!(out.status.code(), Some(0), "{err}");
        assert!(err.contains(wanted), "{err}");
        assert!(err.contains("monitoring.toml"), "{err}");
    }
}

/// The ambito of each region, from the example's ambiti file.
fn regions_of_ambiti(study: &Path) -> HashMap<String, String> {
    let text = std::fs::read_to_string(study.join("data/ambiti.csv")).unwrap();
    text.lines()
        .skip(1)
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            (f[1].to_string(), f[2].to_string())
        })
        .collect()
}

#[test]
fn no_hidden_ambito_comes_back_from_its_region() {
    // The same cross-table by region and by ambito: a region's count minus its ambiti shown
    // would give back an ambito hidden alone in its region (42 cells before the rule). The
    // attacker takes every region's published count and its ambiti's, and every ambito's size.
    let tmp = tempfile::tempdir().unwrap();
    let study = monitoring(
        tmp.path(),
        r#"[[analysis]]
id = "profile-ambiti"
kind = "crosstab"
by = "ambito"
where = { wave = "2024" }
variables = ["activity", "autonomy_tutor", "individual_project"]
"#,
    );
    let r = run_study(&study, &tmp.path().join("out"), false);
    let truth = run_study(&study, &tmp.path().join("internal"), true);
    let region_of = regions_of_ambiti(&study);
    let (by_ambito, by_region) = (analysis(&r, "profile-ambiti"), analysis(&r, "profile"));
    let true_ambito = analysis(&truth, "profile-ambiti");
    let ambiti: Vec<String> = serde_json::from_value(by_ambito["groups"].clone()).unwrap();
    let regions: Vec<String> = serde_json::from_value(by_region["groups"].clone()).unwrap();
    let mut hidden = 0;
    for (t, (ta, tr)) in by_ambito["tables"]
        .as_array()
        .unwrap()
        .iter()
        .zip(by_region["tables"].as_array().unwrap())
        .enumerate()
    {
        let cells =
            |table: &serde_json::Value, i: usize, j: usize| table["cells"][i][j]["count"].as_u64();
        let rows = ta["cells"].as_array().unwrap().len();
        for (g, region) in regions.iter().enumerate() {
            let children: Vec<usize> = (0..ambiti.len())
                .filter(|&j| region_of[&ambiti[j]] == *region)
                .collect();
            // Each category's hidden children of this region: one alone, or several that the
            // region's count fixes (their sum zero, or every other child shown and the hidden
            // ones' true values forced by the ambiti's sizes), would be given back.
            for i in 0..rows {
                let h: Vec<usize> = children
                    .iter()
                    .copied()
                    .filter(|&j| cells(ta, i, j).is_none())
                    .collect();
                hidden += h.len();
                if let (Some(total), false) = (cells(tr, i, g), h.is_empty()) {
                    let shown: u64 = children.iter().filter_map(|&j| cells(ta, i, j)).sum();
                    assert!(
                        h.len() >= 2 && total > shown,
                        "table {t}, row {i}: {region} gives back {:?}",
                        h.iter().map(|&j| &ambiti[j]).collect::<Vec<_>>()
                    );
                    // Two hidden children can swap one answer with another row's: a second
                    // table fits everything published.
                    let truth_of =
                        |i: usize, j: usize| cells(&true_ambito["tables"][t], i, j).unwrap();
                    let movable = h.iter().any(|&a| {
                        h.iter().any(|&b| {
                            a != b
                                && truth_of(i, a) > 0
                                && (0..rows).any(|i2| {
                                    i2 != i
                                        && cells(ta, i2, a).is_none()
                                        && cells(ta, i2, b).is_none()
                                        && truth_of(i2, b) > 0
                                })
                        })
                    });
                    assert!(
                        movable,
                        "table {t}, row {i}, {region}: no second table fits"
                    );
                }
            }
        }
    }
    assert!(hidden > 0, "the attack needs hidden ambito cells to attack");
}

#[test]
fn no_wave_gives_back_what_another_analysis_hides() {
    // The index of 2024 by region and the change analysis's 2024 by region publish the same
    // headcounts; the respondents by region and wave are the flows' margins. Whatever one hides,
    // the others must not show, and the flows must add up to the published margins only where
    // they are shown.
    let tmp = tempfile::tempdir().unwrap();
    let study = repo().join("examples/care-leavers-monitoring");
    let r = run_study(&study, &tmp.path().join("out"), false);
    let index = analysis(&r, "index");
    let trend = analysis(&r, "trend");
    let waves = trend["waves"].as_array().unwrap().len();
    for g in index["results"][0]["groups"].as_array().unwrap() {
        if !g["deprived"].is_null() {
            continue;
        }
        let series = trend["series"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["quantity"] == "H" && s["group"] == g["group"])
            .unwrap();
        assert!(
            series["points"][waves - 1].is_null(),
            "{}: H hidden by the index, shown by the trend",
            g["group"]
        );
    }
    // Flows: stayed + left is the earlier wave's respondents of the region, stayed + joined the
    // later's; a hidden flow must not follow from a shown one and the margin.
    let source = &r["sources"][0];
    let regions: Vec<String> = source["territories"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["group"].as_str().unwrap().to_string())
        .collect();
    for (w, flow) in trend["flows"].as_array().unwrap().iter().enumerate() {
        for c in flow["groups"].as_array().unwrap() {
            let g = regions.iter().position(|x| *x == c["group"]).unwrap();
            let n0 = &source["by_wave"][g][w];
            let n1 = &source["by_wave"][g][w + 1];
            let shown = [&c["stayed"], &c["left"], &c["joined"]].map(|x| !x.is_null());
            if shown.iter().any(|&s| s) && !shown.iter().all(|&s| s) {
                panic!("{}: flows partly hidden: {c}", c["group"]);
            }
            if shown[0] && !n0.is_null() {
                assert_eq!(
                    c["stayed"].as_u64().unwrap() + c["left"].as_u64().unwrap(),
                    n0.as_u64().unwrap()
                );
                assert_eq!(
                    c["stayed"].as_u64().unwrap() + c["joined"].as_u64().unwrap(),
                    n1.as_u64().unwrap()
                );
            }
        }
    }
}

/// Whether any region's published count, minus its ambiti's published ones, gives back an ambito
/// hidden alone in its region (`what` names the counts in the message).
fn lone_hidden_children(
    region_of: &HashMap<String, String>,
    regions: &[(String, Option<u64>)],
    ambiti: &[(String, Option<u64>)],
    what: &str,
) {
    for (region, total) in regions {
        let children: Vec<&(String, Option<u64>)> = ambiti
            .iter()
            .filter(|(a, _)| region_of.get(a) == Some(region))
            .collect();
        let hidden: Vec<&String> = children
            .iter()
            .filter(|(_, v)| v.is_none())
            .map(|(a, _)| a)
            .collect();
        if let (Some(total), 1) = (total, hidden.len()) {
            let shown: u64 = children.iter().filter_map(|(_, v)| *v).sum();
            panic!(
                "{what}: {region} ({total}) minus its shown ambiti gives back {} = {}",
                hidden[0],
                total - shown
            );
        }
    }
}

#[test]
fn the_index_by_ambito_beside_the_index_by_region_gives_back_no_ambito() {
    // The capability index by ambito beside the one by region: headcounts of the deprived and
    // every indicator's censored and uncensored headcounts are counts a region sums.
    let tmp = tempfile::tempdir().unwrap();
    let analyses = std::fs::read_to_string(
        repo().join("examples/care-leavers-monitoring/analyses/monitoring.toml"),
    )
    .unwrap();
    // The same index, by ambito: its dimensions copied from the region's.
    let index = analyses
        .split("\n[[analysis]]")
        .find(|b| b.contains("id = \"index\""))
        .unwrap()
        .replace("id = \"index\"", "id = \"index-ambiti\"")
        .replace("by = \"region\"", "by = \"ambito\"");
    let study = monitoring(tmp.path(), &format!("[[analysis]]{index}"));
    let r = run_study(&study, &tmp.path().join("out"), false);
    let region_of = regions_of_ambiti(&study);
    let at = |id: &str| analysis(&r, id)["results"][0].clone();
    let (by_region, by_ambito) = (at("index"), at("index-ambiti"));
    let values = |a: &serde_json::Value, f: &dyn Fn(&serde_json::Value) -> Option<u64>| {
        a["groups"]
            .as_array()
            .unwrap()
            .iter()
            .map(|g| (g["group"].as_str().unwrap().to_string(), f(g)))
            .collect::<Vec<_>>()
    };
    let deprived = |g: &serde_json::Value| g["deprived"].as_u64();
    lone_hidden_children(
        &region_of,
        &values(&by_region, &deprived),
        &values(&by_ambito, &deprived),
        "deprived",
    );
    let mut hidden = 0;
    for (ind_r, ind_a) in by_region["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .zip(by_ambito["indicators"].as_array().unwrap())
    {
        for kind in ["censored", "uncensored"] {
            let groups_of = |ind: &serde_json::Value, names: &serde_json::Value| {
                ind["groups"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .zip(names["groups"].as_array().unwrap())
                    .map(|(c, g)| {
                        (
                            g["group"].as_str().unwrap().to_string(),
                            c[kind]["count"].as_u64(),
                        )
                    })
                    .collect::<Vec<_>>()
            };
            let a = groups_of(ind_a, &by_ambito);
            hidden += a.iter().filter(|x| x.1.is_none()).count();
            lone_hidden_children(&region_of, &groups_of(ind_r, &by_region), &a, kind);
        }
    }
    assert!(hidden > 0, "the attack needs hidden ambito counts");
}
