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
    assert_eq!(html.matches("<div class=\"network-areas\"").count(), 2);
    assert!(html.contains("id=\"rete-t1-nord-diagram-title\""));
    // The brief names the areas with gaps: each area's health (Nord) or community (Sud) service
    // never ties back in t1.
    let brief = std::fs::read_to_string(tmp.path().join("out/brief.md")).unwrap();
    assert!(
        brief.contains("Le aree con più vuoti: Nord (1) e Sud (1)."),
        "{brief}"
    );
    // … and what changed in the whole network: 5 services, 2 ties at t0 (density 2/20), 3 at t1
    // (SS1 → ASL kept, C1 → SS1 and ASS → C1 new, SS1 → TM lost).
    assert!(
        brief.contains("Tra «t0» e «t1» la rete dei servizi si è infittita (legami nuovi: 2, persi: 1; densità da 0,100 a 0,150)."),
        "{brief}"
    );
    // Five services with one tie in a wave are not dense: no adjacency matrix.
    assert!(!tmp.path().join("out/charts/rete-t0-matrix.svg").exists());
}

/// Two areas of three services each (social services, health, a reception community), tied in
/// two waves; in the last (t1) Nord's health service never refers to its community (it did at
/// t0), Sud's does.
const RULES_REGISTRY: &str = "id;name;type;territory;sector
SS1;Servizio sociale Nord;servizi sociali;Nord;pubblico
ASL;Consultorio Nord;sanità;Nord;pubblico
C2;Comunità Nord;comunità;Nord;terzo settore
SS2;Servizio sociale Sud;servizi sociali;Sud;pubblico
ASL2;Consultorio Sud;sanità;Sud;pubblico
C1;Comunità Il Ponte;comunità;Sud;terzo settore
";
const RULES_EDGES: &str = "da;a;volte;tipo;ondata
ASL;C2;1;invio;t0
SS1;ASL;1;invio;t1
SS1;C2;1;invio;t1
SS2;ASL2;1;invio;t1
ASL2;C1;1;invio;t1
SS2;C1;1;invio;t1
";

/// The network analyses (by area, directed; by area, undirected; the whole network only) and a
/// recommendations analysis with `rules`.
fn rules_study(dir: &Path, rules: &str) {
    network_study(dir, RULES_REGISTRY, RULES_EDGES);
    std::fs::write(
        dir.join("analyses.toml"),
        format!(
            r#"[[analysis]]
id = "rete"
kind = "network"
by = "territory"

[[analysis]]
id = "rete-u"
kind = "network"
by = "territory"
directed = false

[[analysis]]
id = "tutta"
kind = "network"

[[analysis]]
id = "racc"
kind = "recommendations"
{rules}"#
        ),
    )
    .unwrap();
}

fn rule(id: &str, when: &str, it: &str, en: &str) -> String {
    format!("\n[[analysis.rules]]\nid = \"{id}\"\nactor = \"region\"\npriority = \"high\"\nwhen = {{ {when} }}\ntext.it = \"{it}\"\ntext.en = \"{en}\"\n")
}

/// The measures were computed by networkx 3.6.1 on the last wave's ties of each area, for
/// reference: `nx.density(G)` and `sum(G.degree(n) for n in health) / len(health)` with
/// `G = nx.DiGraph()` (and `G.to_undirected()`) of Nord (SS1→ASL, SS1→C2), Sud (SS2→ASL2,
/// ASL2→C1, SS2→C1) and the whole: density Nord 0.3333, Sud 0.5, whole 0.1667 (undirected
/// 0.6667, 1.0, 0.3333); health's mean degree Nord 1.0, Sud 2.0 (the same undirected).
#[test]
fn rules_on_ties_degrees_and_density_fire_where_they_hold() {
    let tmp = tempfile::tempdir().unwrap();
    let rules = [
        rule(
            "no-tie",
            "analysis = \"rete\", no_tie = [\"sanità\", \"reception\"]",
            "Collegare sanità e comunità a {where}.",
            "Link health and communities in {where}.",
        ),
        rule(
            "no-tie-back",
            "analysis = \"rete\", no_tie = [\"reception\", \"health\"]",
            "Dalle comunità alla sanità a {where}.",
            "From communities to health in {where}.",
        ),
        rule(
            "no-tie-u",
            "analysis = \"rete-u\", no_tie = [\"reception\", \"health\"]",
            "Legare a {where}.",
            "Tie in {where}.",
        ),
        rule(
            "tied",
            "analysis = \"rete\", no_tie = [\"social_services\", \"health\"]",
            "Mai.",
            "Never.",
        ),
        rule(
            "degree",
            "analysis = \"rete\", type = \"health\", degree_below = 1.5",
            "Sanità poco collegata a {where}: {value} sotto {threshold}.",
            "Health little connected in {where}: {value} below {threshold}.",
        ),
        rule(
            "degree-no",
            "analysis = \"rete\", type = \"sanità\", degree_below = 1",
            "Mai.",
            "Never.",
        ),
        rule(
            "sparse",
            "analysis = \"rete\", density_below = 0.4",
            "Rete rada a {where}: {value}.",
            "Sparse network in {where}: {value}.",
        ),
        rule(
            "dense",
            "analysis = \"rete\", density_above = 0.4",
            "Rete fitta a {where}: {value}.",
            "Dense network in {where}: {value}.",
        ),
        rule(
            "sparser",
            "analysis = \"rete\", density_below = 0.3",
            "Mai.",
            "Never.",
        ),
        rule(
            "whole",
            "analysis = \"tutta\", density_below = 0.2",
            "Tutta la rete: {value} sotto {threshold}.",
            "The whole network: {value} below {threshold}.",
        ),
        rule(
            "whole-no",
            "analysis = \"tutta\", density_below = 0.1",
            "Mai.",
            "Never.",
        ),
    ]
    .concat();
    rules_study(tmp.path(), &rules);
    let r = crate::common::run_study(tmp.path(), &tmp.path().join("out"), false);
    let rec = r["analyses"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["kind"] == "recommendations")
        .unwrap();
    let fired = |id: &str| {
        rec["recommendations"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["id"] == id)
            .cloned()
    };
    let places = |id: &str| -> Vec<String> {
        fired(id).unwrap_or_else(|| panic!("{id} did not fire: {rec}"))["where"]
            .as_array()
            .unwrap()
            .iter()
            .map(|g| g.as_str().unwrap().to_string())
            .collect()
    };
    // Health → reception: only Nord in the last wave (its t0 tie does not count); reception →
    // health: nowhere, so both areas; undirected, Sud's health–community tie counts both ways.
    assert_eq!(places("no-tie"), ["Nord"]);
    assert_eq!(places("no-tie-back"), ["Nord", "Sud"]);
    assert_eq!(places("no-tie-u"), ["Nord"]);
    assert_eq!(places("degree"), ["Nord"]);
    assert_eq!(places("sparse"), ["Nord"]);
    assert_eq!(places("dense"), ["Sud"]);
    assert!(places("whole").is_empty());
    for id in ["tied", "degree-no", "sparser", "whole-no"] {
        assert!(fired(id).is_none(), "{id} fired: {rec}");
    }
    let text = |id: &str, lang: &str| {
        fired(id).unwrap()["text"][lang]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert_eq!(
        text("degree", "it"),
        "Sanità poco collegata a Nord: 1,00 sotto 1,50."
    );
    assert_eq!(
        text("degree", "en"),
        "Health little connected in Nord: 1.00 below 1.50."
    );
    assert_eq!(text("sparse", "it"), "Rete rada a Nord: 0,333.");
    assert_eq!(text("whole", "en"), "The whole network: 0.167 below 0.200.");
    let e = &fired("degree").unwrap()["evidence"][0];
    assert_eq!(
        (e["measure"].as_str(), e["subject"].as_str()),
        (Some("mean_degree"), Some("health"))
    );
    assert_eq!(e["values"][1]["value"].as_f64(), Some(2.0));
    assert_eq!(fired("no-tie").unwrap()["evidence_kind"], "network");
    // The evidence in words, in Italian and in English (the numbers that fire a rule are bold).
    let md = std::fs::read_to_string(tmp.path().join("out/report.md"))
        .unwrap()
        .replace("**", "");
    for expected in [
        "✔ nessun legame da Sanità a Comunità di accoglienza a Nord — legami tra i due tipi, ultima rilevazione: Nord 0, Sud 1",
        "✔ nessun legame tra Comunità di accoglienza e Sanità a Nord",
        "✔ grado medio dei servizi di tipo Sanità sotto 1,50 a Nord — grado medio (legami per servizio), ultima rilevazione: Nord 1, Sud 2",
        "✔ densità della rete sopra 0,400 a Sud — densità, ultima rilevazione: Nord 0,333, Sud 0,500",
        "✔ densità della rete sotto 0,200 — densità, ultima rilevazione: Tutta la rete 0,167",
    ] {
        assert!(md.contains(expected), "{expected}\n{md}");
    }
    let en = tmp.path().join("out-en");
    let done = capakit()
        .arg("run")
        .arg(tmp.path())
        .arg("--out")
        .arg(&en)
        .arg("--lang")
        .arg("en")
        .output()
        .unwrap();
    assert!(done.status.success());
    let md = std::fs::read_to_string(en.join("report.md"))
        .unwrap()
        .replace("**", "");
    assert!(
        md.contains("✔ no tie from Health to Reception communities in Nord — ties between the two types, last wave: Nord 0, Sud 1"),
        "{md}"
    );
    let html = std::fs::read_to_string(tmp.path().join("out/report.html")).unwrap();
    assert!(html.contains(
        "<a href=\"#rete\">nessun legame da Sanità a Comunità di accoglienza</a> a Nord"
    ));
}

/// A network condition's mistakes, each at its line and column.
#[test]
fn rules_on_a_network_name_their_mistakes_where_they_are() {
    // Each case: the condition, the text the error points at (its first occurrence), the message.
    let cases = [
        ("analysis = \"rete\", no_tie = [\"health\", \"ospedale\"]", "\"ospedale", "\"ospedale\" is not a type of service (social_services, health, school, justice, reception, day_service, third_sector, police)"),
        ("analysis = \"rete\", type = \"asilo\", degree_below = 2", "\"asilo", "\"asilo\" is not a type of service"),
        ("analysis = \"rete\", no_tie = [\"health\"]", "[", "no_tie names two types of service: no_tie = [\"health\", \"reception\"]"),
        ("analysis = \"rete\", no_tie = [\"health\", \"sanità\"]", "\"sanità", "no_tie names two different types of service: 'health' is there twice"),
        ("analysis = \"rete\", degree_below = 2", "2", "`degree_below` tests the mean degree of a type of service: add type = \"…\""),
        ("analysis = \"rete\", type = \"health\", density_below = 0.1", "\"health", "`type` goes with degree_below, not with `density_below`"),
        ("analysis = \"rete\", density_above = 2", "2", "`density_above`: a density is a number from 0 to 1"),
        ("analysis = \"rete\", density_below = 0.5, density_above = 0.1", "0.1", "a condition has one test: `density_above` is one too many"),
        ("analysis = \"rete\", indicator = \"casa\", density_above = 0.1", "\"casa", "`indicator` does not apply to 'rete', an analysis of kind 'network' (use no_tie = [\"…\", \"…\"], type = \"…\" with degree_below, density_below or density_above)"),
        ("analysis = \"retina\", density_above = 0.1", "\"retina", "there is no analysis 'retina' (analyses rules read: rete, rete-u, tutta)"),
    ];
    for (when, mark, message) in cases {
        // The rule's `when` is line 24 of analyses.toml; columns count from 1.
        let at = format!(
            "line 24, column {}",
            "when = { ".len() + when.find(mark).unwrap() + 1
        );
        let tmp = tempfile::tempdir().unwrap();
        rules_study(tmp.path(), &rule("r", when, "A {where}.", "In {where}."));
        let out = capakit().arg("check").arg(tmp.path()).output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{when}: {err}");
        assert!(
            err.contains(&format!("analyses.toml, {at}: {message}")),
            "{when}:\n{err}"
        );
    }
}

/// Ten services each referring to the next two: 20 of 90 possible ties, a density of 0.222, at
/// or above the threshold (0.2) from which the ordered adjacency matrix is drawn too.
#[test]
fn a_dense_network_gets_its_adjacency_matrix() {
    let tmp = tempfile::tempdir().unwrap();
    let mut registry = String::from("id;name;type;territory;sector\n");
    let kinds = [
        "servizi sociali",
        "sanità",
        "comunità",
        "terzo settore",
        "scuola",
    ];
    for i in 0..10 {
        registry.push_str(&format!(
            "S{i};Servizio {i};{};Nord;pubblico\n",
            kinds[i % 5]
        ));
    }
    let mut edges = String::from("da;a;volte;tipo;ondata\n");
    for i in 0..10 {
        for step in [1, 2] {
            edges.push_str(&format!("S{i};S{};1;invio;t1\n", (i + step) % 10));
        }
    }
    network_study(tmp.path(), &registry, &edges);
    std::fs::write(
        tmp.path().join("analyses.toml"),
        "[[analysis]]\nid = \"rete\"\nkind = \"network\"\nby = \"territory\"\n",
    )
    .unwrap();
    crate::common::run_study(tmp.path(), &tmp.path().join("out"), false);
    for f in ["rete-t1-matrix.svg", "rete-t1-nord-matrix.svg"] {
        assert!(tmp.path().join("out/charts").join(f).exists(), "{f}");
    }
    let html = std::fs::read_to_string(tmp.path().join("out/report.html")).unwrap();
    let at = html.find("Matrice di adiacenza").unwrap_or(0);
    assert!(html.contains(
        "Matrice di adiacenza di 10 servizi, ordinati per tipo e poi per numero di legami: ogni cella piena è un legame dalla riga alla colonna. Sono presenti 20 coppie su 90 possibili (22,2"
    ), "{}", &html[at..at + 300]);
}

// ---------------------------------------------------------------------------------------------
// The survey layout: professionals name their service and, in a repeat group or a
// select_multiple, the services they work with and how often.

const SURVEY_REGISTRY: &str = "id,name,type,territory,sector,aliases
SS1,Servizio sociale Nord,servizi sociali,Nord,pubblico,
ASL,Consultorio familiare,sanità,Nord,pubblico,\"consultorio; ASL Nord\"
TM,Tribunale per i minorenni,tribunale,,pubblico,
C1,Comunità Il Ponte,comunità,Sud,terzo settore,
ASS,Associazione Mentori,terzo settore,Sud,,
";

/// The free text of a repeat row that matches no service: it must never be printed.
const SECRET: &str = "Dottoressa Bianchi di via Roma";

/// A Kobo-like export: the respondents' sheet and the repeat's sheet. `mistakes` adds a
/// partner whose parent index matches no respondent and a frequency answer not in the list.
fn survey_workbook(path: &Path, mistakes: bool) {
    use rust_xlsxwriter::Workbook;
    let mut book = Workbook::new();
    let people = book.add_worksheet().set_name("professionisti").unwrap();
    let rows: &[[&str; 3]] = &[
        ["_index", "servizio", "ondata"],
        ["1", "SS1", "t0"],
        ["2", "Servizio sociale Nord", "t0"],
        ["3", "servizio sociale nrd", "t0"],
        ["4", "ASL", "t0"],
        ["5", "C1", "t0"],
        ["6", "", "t0"],
        ["7", "SS1", "t1"],
        ["8", "ASL", "t1"],
        ["9", "ASL", "t1"],
    ];
    for (i, row) in rows.iter().enumerate() {
        for (j, v) in row.iter().enumerate() {
            if !v.is_empty() {
                people.write_string(i as u32, j as u16, *v).unwrap();
            }
        }
    }
    let repeat = book.add_worksheet().set_name("collaborazioni").unwrap();
    let mut rows: Vec<[&str; 4]> = vec![
        [
            "_parent_index",
            "servizio_partner",
            "servizio_altro",
            "frequenza",
        ],
        ["1", "ASL", "", "ogni mese"],
        ["1", "TM", "", "ogni settimana"],
        ["2", "ASL", "", "Ogni settimana"],
        ["2", "altro", "consultorio", "1"],
        ["3", "ASL", "", "qualche volta l'anno"],
        ["4", "SS1", "", "ogni mese"],
        ["4", "altro", SECRET, "ogni mese"],
        ["5", "C1", "", ""],
        ["7", "ASL", "", "ogni settimana"],
        ["8", "SS1", "", ""],
        ["9", "SS1", "", ""],
    ];
    if mistakes {
        rows.push(["42", "ASL", "", "ogni mese"]);
        rows.push(["1", "SS1", "", "spesso"]);
    }
    for (i, row) in rows.iter().enumerate() {
        for (j, v) in row.iter().enumerate() {
            if !v.is_empty() {
                repeat.write_string(i as u32, j as u16, *v).unwrap();
            }
        }
    }
    book.save(path).unwrap();
}

const SURVEY_SOURCE: &str = r#"[[sources]]
name = "rete"
kind = "network"
path = "data/professionisti.xlsx"
sheet = "professionisti"
registry = "data/servizi.csv"
service_column = "servizio"
wave_column = "ondata"
partners_sheet = "collaborazioni"
partner_column = "servizio_partner"
other_column = "servizio_altro"
frequency_column = "frequenza"
frequency = ["qualche volta l'anno", "ogni mese", "ogni settimana"]
"#;

/// A study of the survey layout with k = 3; `source` is its `[[sources]]` block.
fn survey_study(dir: &Path, source: &str, mistakes: bool) {
    std::fs::create_dir_all(dir.join("data")).unwrap();
    std::fs::write(dir.join("data/servizi.csv"), SURVEY_REGISTRY).unwrap();
    survey_workbook(&dir.join("data/professionisti.xlsx"), mistakes);
    std::fs::write(
        dir.join("analyses.toml"),
        "[[analysis]]\nid = \"rete\"\nkind = \"network\"\ntitle = { it = \"La rete\", en = \"The network\" }\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("study.toml"),
        format!(
            r#"title = "Rete CO.RE."
languages = ["it", "en"]
analyses = ["analyses.toml"]

[disclosure]
min_cell = 3

[[territories]]
name = "Nord"

[[territories]]
name = "Sud"

[[waves]]
id = "t0"

[[waves]]
id = "t1"

{source}"#
        ),
    )
    .unwrap();
}

#[test]
fn survey_check_reads_the_repeat_and_locates_every_finding_without_repeating_free_text() {
    let tmp = tempfile::tempdir().unwrap();
    survey_study(tmp.path(), SURVEY_SOURCE, true);
    let (code, out, err) = check(tmp.path());
    assert_eq!(code, Some(1), "{out}{err}");
    for expected in [
        // Respondent 3's service written with a typo; respondent 6 gives none.
        "note[network-name]: data/professionisti.xlsx, sheet 'professionisti', row 4, column B (servizio): read as the service 'Servizio sociale Nord' (SS1), a close spelling",
        "warning[network-respondent]: data/professionisti.xlsx, sheet 'professionisti', row 7, column B (servizio): a respondent without a service",
        // The free text that matches nothing: located, not repeated.
        "warning[network-name]: data/professionisti.xlsx, sheet 'collaborazioni', row 8, column C (servizio_altro): a service written by hand that matches none of the registry data/servizi.csv",
        "note[network-self]: data/professionisti.xlsx, sheet 'collaborazioni', row 9, column B (servizio_partner): a respondent naming their own service",
        "error[network-parent]: data/professionisti.xlsx, sheet 'collaborazioni', row 13, column A (_parent_index): \"42\" is the _index of no respondent in the sheet professionisti",
        "error[network-frequency]: data/professionisti.xlsx, sheet 'collaborazioni', row 14, column D (frequenza): \"spesso\" is not a frequency answer: one of qualche volta l'anno, ogni mese, ogni settimana or a number above zero",
    ] {
        assert!(out.contains(expected), "{expected}\n{out}");
    }
    // t0: SS1 → ASL, SS1 → TM, ASL → SS1; t1: SS1 → ASL, ASL → SS1 (two respondents, one tie).
    assert!(
        out.contains("data/professionisti.xlsx: 8 answers from professionals (5 in t0, 3 in t1) named 5 ties among 5 services of data/servizi.csv, 2 errors, 2 warnings"),
        "{out}"
    );
    assert!(!out.contains(SECRET) && !err.contains(SECRET), "{out}{err}");
    assert!(!out.contains("Bianchi"), "{out}");
}

#[test]
fn survey_services_named_by_fewer_than_k_respondents_are_shown_only_within_their_type() {
    let tmp = tempfile::tempdir().unwrap();
    survey_study(tmp.path(), SURVEY_SOURCE, false);
    let out = tmp.path().join("out");
    let r = crate::common::run_study(tmp.path(), &out, false);
    let a = &r["analyses"][0];
    assert_eq!(a["survey"], true);
    let net = |wave: &str| {
        a["networks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|n| n["wave"] == wave && n["group"].is_null())
            .unwrap()
            .clone()
    };
    // t0: SS1 has 5 respondents (1, 2, 3 answer for it; 4, 5 name it... 5 names only itself,
    // so 4 in all), ASL 4 (1, 2, 3 name it, 4 answers for it); the court is named by one
    // respondent, the community answered for by one: both only within their type.
    let t0 = net("t0");
    assert_eq!(t0["aggregated"], serde_json::json!(["TM", "C1"]));
    // The ties are all in the network's measures: SS1 → ASL, SS1 → TM, ASL → SS1.
    assert_eq!(t0["measures"]["ties"], 3);
    // … and the court's tie in the type × type matrix (a survey counts ties).
    let types: Vec<&str> = t0["types"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap())
        .collect();
    let (ss, ju) = (
        types.iter().position(|t| *t == "social_services").unwrap(),
        types.iter().position(|t| *t == "justice").unwrap(),
    );
    assert_eq!(t0["matrix"][ss][ju], 1.0);
    let nodes: Vec<&str> = t0["measures"]["node_measures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["name"].as_str().unwrap())
        .collect();
    assert_eq!(nodes, ["SS1", "ASL", "ASS"]);
    // t1: SS1 answered by 1 and named by 2 → 3 respondents; ASL by 3: both shown. Nobody names
    // the court or the community in t1: they stay within their type there too.
    assert_eq!(net("t1")["aggregated"], serde_json::json!(["TM", "C1"]));
    assert_eq!(net("t1")["measures"]["ties"], 2);
    // Neither the court nor the community is named anywhere in what is published, and the
    // free text never appears.
    let json = std::fs::read_to_string(out.join("results.json")).unwrap();
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    // The diagrams and their descriptions merge these services into one node per type: no
    // figure names them either, nor any chart file.
    let mut charts = String::new();
    for f in std::fs::read_dir(out.join("charts")).unwrap() {
        charts.push_str(&std::fs::read_to_string(f.unwrap().path()).unwrap());
    }
    assert!(charts.contains("1 altro servizio: Giustizia"), "{charts}");
    for (what, body) in [
        ("results.json", json),
        ("report.html", html),
        ("report.md", md),
        ("charts", charts),
    ] {
        for name in ["Tribunale per i minorenni", "Comunità Il Ponte", "Bianchi"] {
            assert!(
                !body.contains(name),
                "{name} in {what}: {}",
                body.find(name).map_or("", |i| &body
                    [i.saturating_sub(300)..(i + 100).min(body.len())])
            );
        }
    }
    let cells = xlsx_cells(&out.join("tables.xlsx"));
    for name in ["TM", "C1"] {
        assert!(!cells.iter().any(|c| c == name), "{name} in tables.xlsx");
    }
    for name in ["Tribunale", "Comunità Il Ponte"] {
        assert!(
            !cells.iter().any(|c| c.contains(name)),
            "{name} in tables.xlsx"
        );
    }
    assert!(
        cells
            .iter()
            .any(|c| c.starts_with("2 servizi indicati da meno di k rispondenti")),
        "{cells:?}"
    );
}

/// Every text cell of every sheet of a workbook.
fn xlsx_cells(path: &Path) -> Vec<String> {
    use calamine::{open_workbook, Data, Reader, Xlsx};
    let mut book: Xlsx<_> = open_workbook(path).unwrap();
    let mut cells = Vec::new();
    for sheet in book.sheet_names() {
        let range = book.worksheet_range(&sheet).unwrap();
        for c in range.used_cells() {
            if let Data::String(t) = c.2 {
                cells.push(t.clone());
            }
        }
    }
    cells
}

/// `check`'s exit code and message after `edit` rewrites the survey study's study.toml.
fn survey_study_error(edit: impl Fn(&str) -> String) -> (Option<i32>, String) {
    let tmp = tempfile::tempdir().unwrap();
    survey_study(tmp.path(), SURVEY_SOURCE, false);
    let toml = std::fs::read_to_string(tmp.path().join("study.toml")).unwrap();
    std::fs::write(tmp.path().join("study.toml"), edit(&toml)).unwrap();
    let (code, _, err) = check(tmp.path());
    (code, err)
}

#[test]
fn survey_every_wrong_combination_of_keys_names_its_line() {
    // The survey's keys are on lines 26 (service_column) to 32 (frequency); a key added at the
    // end is on line 33.
    type Edit = Box<dyn Fn(&str) -> String>;
    let cases: Vec<(Edit, &str)> = vec![
        (
            Box::new(|t| format!("{t}from_column = \"da\"\n")),
            "line 33, column 15: `from_column` belongs to an edge list, and this network source is a survey of professionals",
        ),
        (
            Box::new(|t| format!("{t}partners_column = \"collabora\"\n")),
            "line 33, column 19: a survey of professionals lists the partners either in a repeat group",
        ),
        (
            Box::new(|t| t.replace("partners_sheet = \"collaborazioni\"\n", "")),
            "line 28, column 18: partner_column is a column of the repeat group's sheet",
        ),
        (
            Box::new(|t| {
                t.replace("partners_sheet = \"collaborazioni\"\n", "")
                    .replace("partner_column = \"servizio_partner\"\n", "")
            }),
            "line 26, column 18: a survey of professionals names where each respondent's partners are",
        ),
        (
            Box::new(|t| t.replace("frequency_column = \"frequenza\"\n", "")),
            "line 31, column 13: frequency lists the answers of frequency_column",
        ),
        (
            Box::new(|t| format!("{t}weight_column = \"peso\"\n")),
            "line 26, column 18: weight_column belongs to an edge list",
        ),
        (
            Box::new(|t| {
                t.replace("partners_sheet = \"collaborazioni\"\n", "partners_column = \"collabora\"\n")
                    .replace("partner_column = \"servizio_partner\"\n", "")
            }),
            "line 30, column 20: with a select_multiple (partners_column), frequency_column is a pattern of one column per service",
        ),
        (
            Box::new(|t| {
                t.replace("partners_sheet = \"collaborazioni\"\n", "partners_column = \"collabora\"\n")
            }),
            "line 29, column 18: `partner_column` belongs to a repeat group (partners_sheet)",
        ),
        (
            Box::new(|t| t.replace("kind = \"network\"\n", "kind = \"records\"\n")),
            "line 25, column 12: `registry` belongs to a source of kind \"network\"",
        ),
        (
            Box::new(|t| {
                t.replace("kind = \"network\"\n", "kind = \"records\"\n")
                    .replace("registry = \"data/servizi.csv\"\n", "")
            }),
            "line 25, column 18: `service_column` belongs to a source of kind \"network\"",
        ),
    ];
    for (edit, expected) in cases {
        let (code, err) = survey_study_error(edit);
        assert_eq!(code, Some(2), "{err}");
        assert!(
            err.contains(&format!("study.toml, {expected}")),
            "{expected}\n{err}"
        );
    }
    // An edge list with a survey key: the key's line.
    let tmp = tempfile::tempdir().unwrap();
    network_study(tmp.path(), REGISTRY, "da;a\n");
    let toml = std::fs::read_to_string(tmp.path().join("study.toml")).unwrap();
    let line = toml.lines().count() + 1;
    std::fs::write(
        tmp.path().join("study.toml"),
        format!("{toml}id_column = \"_index\"\n"),
    )
    .unwrap();
    let (code, _, err) = check(tmp.path());
    assert_eq!(code, Some(2));
    assert!(
        err.contains(&format!("study.toml, line {line}, column 13: `id_column` belongs to the survey layout of a network source")),
        "{err}"
    );
}

#[test]
fn survey_select_multiple_is_checked_and_summarised() {
    let tmp = tempfile::tempdir().unwrap();
    survey_study(
        tmp.path(),
        "[[sources]]\nname = \"rete\"\nkind = \"network\"\npath = \"data/prof.csv\"\nregistry = \"data/servizi.csv\"\nservice_column = \"servizio\"\npartners_column = \"collabora\"\nother_column = \"altro\"\n",
        false,
    );
    std::fs::write(
        tmp.path().join("data/prof.csv"),
        format!("servizio,collabora,altro\nSS1,ASL TM,\nASL,SS1 other,{SECRET}\nTM,ASL,\n"),
    )
    .unwrap();
    let (code, out, err) = check(tmp.path());
    // One warning (the name written by hand): printed, and check passes.
    assert_eq!(code, Some(0), "{out}{err}");
    assert!(
        out.contains("data/prof.csv: 3 professionals named 4 ties among 5 services of data/servizi.csv, 0 errors, 1 warning"),
        "{out}"
    );
    assert!(
        out.contains("warning[network-name]: data/prof.csv, row 3, column C (altro): a service written by hand that matches none"),
        "{out}"
    );
    assert!(
        !out.contains("Bianchi") && !err.contains("Bianchi"),
        "{out}{err}"
    );
}

#[test]
fn survey_runs_the_same_twice_and_refuses_a_filter_on_tie_types() {
    let tmp = tempfile::tempdir().unwrap();
    survey_study(tmp.path(), SURVEY_SOURCE, false);
    crate::common::run_study(tmp.path(), &tmp.path().join("a"), false);
    crate::common::run_study(tmp.path(), &tmp.path().join("b"), false);
    for f in ["results.json", "report.html", "report.md", "tables.xlsx"] {
        assert_eq!(
            std::fs::read(tmp.path().join("a").join(f)).unwrap(),
            std::fs::read(tmp.path().join("b").join(f)).unwrap(),
            "{f}"
        );
    }
    // A survey's ties have no type: `ties = […]` is an error at its line.
    std::fs::write(
        tmp.path().join("analyses.toml"),
        "[[analysis]]\nid = \"rete\"\nkind = \"network\"\ntitle = \"La rete\"\nties = [\"invio\"]\n",
    )
    .unwrap();
    let out = crate::common::capakit()
        .arg("run")
        .arg(tmp.path())
        .arg("--out")
        .arg(tmp.path().join("c"))
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains(
            "analyses.toml, line 5, column 8: ties = [\"…\"] keeps the ties of some types"
        ),
        "{err}"
    );
}
