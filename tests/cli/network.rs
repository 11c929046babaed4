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
