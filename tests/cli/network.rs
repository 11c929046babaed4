//! A network of services (`kind = "network"`): the services registry and the edge list, checked
//! at file, row and column (issue 17: the source; its analysis kind comes next).

use std::path::Path;

use crate::common::capakit;

const REGISTRY: &str = "id;name;type;territory;sector
SS1;Servizio sociale Nord;servizi sociali;Nord;pubblico
ASL;Consultorio;sanità;Nord;pubblico
TM;Tribunale per i minorenni;tribunale;;pubblico
C1;Comunità Il Ponte;comunità;Sud;terzo settore
ASS;Associazione Mentori;terzo settore;Sud;
";

fn network_study(dir: &Path, registry: &str, edges: &str) {
    std::fs::create_dir_all(dir.join("data")).unwrap();
    std::fs::write(dir.join("data/services.csv"), registry).unwrap();
    std::fs::write(dir.join("data/edges.csv"), edges).unwrap();
    std::fs::write(dir.join("analyses.toml"), "").unwrap();
    std::fs::write(
        dir.join("study.toml"),
        r#"title = "Rete CO.RE."
languages = ["it", "en"]
analyses = ["analyses.toml"]

[[territories]]
name = "Nord"

[[territories]]
name = "Sud"

[[waves]]
id = "t0"

[[waves]]
id = "t1"

[[sources]]
name = "rete"
kind = "network"
path = "data/edges.csv"
registry = "data/services.csv"
from_column = "da"
to_column = "a"
weight_column = "volte"
tie_column = "tipo"
wave_column = "ondata"
"#,
    )
    .unwrap();
}

fn check(dir: &Path) -> (Option<i32>, String, String) {
    let out = capakit().arg("check").arg(dir).output().unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn a_clean_network_is_summarised() {
    let tmp = tempfile::tempdir().unwrap();
    network_study(
        tmp.path(),
        REGISTRY,
        "da;a;volte;tipo;ondata\nSS1;ASL;3;invio;t0\nServizio sociale Nord;TM;1;consulenza;t0\nC1;SS1;2;caso congiunto;t1\nass;c1;1;formazione;t1\n",
    );
    let (code, out, err) = check(tmp.path());
    assert_eq!(code, Some(0), "{out}{err}");
    assert!(
        out.contains(
            "data/edges.csv: 4 ties among 5 services of data/services.csv, 0 errors, 0 warnings"
        ),
        "{out}"
    );
}

#[test]
fn registry_and_edge_mistakes_are_located() {
    let tmp = tempfile::tempdir().unwrap();
    network_study(
        tmp.path(),
        &format!("{REGISTRY}BK;Forno;panetteria;Nord;pubblico\nX1;Altro;polizia;Est;pubblico\nSS1;Doppio;sanità;Nord;pubblico\n"),
        "da;a;volte;tipo;ondata\nSS1;ASL;3;invio;t0\nSS1;Ospedale;1;invio;t0\nC1;SS1;zero;invio;t1\nC1;SS1;1;invio;t9\nASL;asl;1;invio;t0\n",
    );
    let (code, out, _) = check(tmp.path());
    assert_eq!(code, Some(1), "{out}");
    for expected in [
        "error[network-type]: data/services.csv, row 7, column C (type): \"panetteria\" is not a type of service (social_services, health, school, justice, reception, day_service, third_sector, police)",
        "error[network-territory]: data/services.csv, row 8, column D (territory): \"Est\" is not a territory of the study",
        "error[network-duplicate]: data/services.csv, row 9, column A (id)",
        "error[network-end]: data/edges.csv, row 3, column B (a): \"Ospedale\" is not a service of the registry data/services.csv",
        "error[network-weight]: data/edges.csv, row 4, column C (volte): \"zero\" is not a weight above zero",
        "error[network-wave]: data/edges.csv, row 5, column E (ondata): \"t9\" is not a wave of the study",
        "warning[network-self]: data/edges.csv, row 6, column A (da): a service tied to itself",
    ] {
        assert!(out.contains(expected), "{expected}\n{out}");
    }
}

#[test]
fn network_keys_belong_to_a_network_source_and_need_a_registry() {
    let tmp = tempfile::tempdir().unwrap();
    network_study(tmp.path(), REGISTRY, "da;a\n");
    let toml = std::fs::read_to_string(tmp.path().join("study.toml")).unwrap();
    std::fs::write(
        tmp.path().join("study.toml"),
        toml.replace("registry = \"data/services.csv\"\n", ""),
    )
    .unwrap();
    let (code, _, err) = check(tmp.path());
    assert_eq!(code, Some(2));
    assert!(err.contains("names its services registry"), "{err}");
    std::fs::write(
        tmp.path().join("study.toml"),
        toml.replace("kind = \"network\"\n", "kind = \"records\"\n"),
    )
    .unwrap();
    let (_, _, err) = check(tmp.path());
    assert!(
        err.contains(
            "study.toml, line 21, column 12: `registry` belongs to a source of kind \"network\""
        ),
        "{err}"
    );
}

#[test]
fn the_network_analysis_measures_each_wave_and_area_and_finds_the_gaps() {
    let tmp = tempfile::tempdir().unwrap();
    network_study(
        tmp.path(),
        REGISTRY,
        "da;a;volte;tipo;ondata\nSS1;ASL;3;invio;t0\nServizio sociale Nord;TM;1;consulenza;t0\nC1;SS1;2;caso congiunto;t1\nass;c1;1;formazione;t1\nSS1;ASL;1;invio;t1\n",
    );
    std::fs::write(
        tmp.path().join("analyses.toml"),
        "[[analysis]]\nid = \"rete\"\nkind = \"network\"\ntitle = { it = \"La rete\", en = \"The network\" }\nby = \"territory\"\n",
    )
    .unwrap();
    let r = crate::common::run_study(tmp.path(), &tmp.path().join("out"), false);
    let a = &r["analyses"][0];
    assert_eq!(a["kind"], "network");
    let net = |wave: &str, group: Option<&str>| {
        a["networks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|n| n["wave"] == wave && n["group"].as_str() == group)
            .unwrap_or_else(|| panic!("no network {wave} {group:?}"))
            .clone()
    };
    // The whole network at t0: 5 services, 2 ties, directed: density 2 / (5 × 4).
    let t0 = net("t0", None);
    assert_eq!(t0["measures"]["nodes"], 5);
    assert_eq!(t0["measures"]["ties"], 2);
    assert!((t0["measures"]["density"].as_f64().unwrap() - 0.1).abs() < 1e-12);
    // Social services refer to health and to justice; nothing else happens: health never refers
    // back to social services, reception never ties with health (gaps).
    let gaps: Vec<(String, String)> = t0["gaps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| {
            (
                g["from"].as_str().unwrap().into(),
                g["to"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert!(gaps.contains(&("health".into(), "social_services".into())));
    assert!(gaps.contains(&("reception".into(), "health".into())));
    assert!(!gaps.contains(&("social_services".into(), "health".into())));
    // Nord's network: its two services (the court has no territory).
    assert_eq!(net("t0", Some("Nord"))["measures"]["nodes"], 2);
    // Between t0 and t1: SS1 → ASL stays, SS1 → TM is lost, two ties are new.
    let whole = a["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["group"].is_null())
        .unwrap();
    assert_eq!(
        (whole["gained"].as_u64(), whole["lost"].as_u64()),
        (Some(2), Some(1))
    );
    // The whole network's diagram and type matrix, wave by wave, drawn the same twice.
    for f in [
        "rete-t0-diagram.svg",
        "rete-t0-types.svg",
        "rete-t1-diagram.svg",
        "rete-t1-types.svg",
        "rete-t0-nord-diagram.svg",
        "rete-t1-sud-diagram.svg",
    ] {
        let svg = std::fs::read(tmp.path().join("out/charts").join(f)).unwrap();
        assert!(svg.starts_with(b"<svg"), "{f}");
    }
    crate::common::run_study(tmp.path(), &tmp.path().join("again"), false);
    assert_eq!(
        std::fs::read(tmp.path().join("out/charts/rete-t1-diagram.svg")).unwrap(),
        std::fs::read(tmp.path().join("again/charts/rete-t1-diagram.svg")).unwrap()
    );
    let md = std::fs::read_to_string(tmp.path().join("out/report.md")).unwrap();
    assert!(md.contains("## La rete"), "{md}");
    assert!(md.contains("Vuoti"), "{md}");
    // Wave by wave: the whole network, then the areas, each with its diagram.
    let (t0, areas, t1) = (
        md.find("### Tutta la rete · t0").unwrap(),
        md.find("#### Le aree · t0").unwrap(),
        md.find("### Tutta la rete · t1").unwrap(),
    );
    assert!(t0 < areas && areas < t1, "{md}");
    assert!(md.contains("(charts/rete-t0-sud-diagram.svg)"), "{md}");
    let html = std::fs::read_to_string(tmp.path().join("out/report.html")).unwrap();
    assert_eq!(html.matches("<div class=\"network-areas\">").count(), 2);
    assert!(html.contains("id=\"rete-t1-nord-diagram-title\""));
}
