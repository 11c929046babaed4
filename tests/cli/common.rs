//! Helpers: the binary, the repository, and throw-away studies around the shipped questionnaire.

use std::path::{Path, PathBuf};
use std::process::Command;

pub fn capakit() -> assert_cmd::Command {
    assert_cmd::Command::cargo_bin("capakit").expect("the capakit binary is built")
}

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn instrument() -> PathBuf {
    repo().join("instruments/care-leavers-capabilities.xlsx")
}

/// A study in `dir` whose one source is `file` (already written) answering the shipped questionnaire.
pub fn study(dir: &Path, file: &str, extra_source: &str) -> PathBuf {
    let toml = format!(
        r#"title = "Fixture"
languages = ["it", "en"]
analyses = ["{analyses}"]

[[territories]]
name = "Prato"

[[territories]]
name = "Firenze"
aliases = ["Florence"]

[[sources]]
path = "{file}"
instrument = "{instrument}"
id_column = "respondent_id"
territory_column = "territory"
{extra_source}
"#,
        analyses = repo().join("analyses/care-leavers-core.toml").display(),
        instrument = instrument().display(),
    );
    std::fs::write(dir.join("study.toml"), toml).unwrap();
    dir.to_path_buf()
}

/// A study with a CSV source holding `csv`.
pub fn csv_study(dir: &Path, csv: &str) -> PathBuf {
    std::fs::write(dir.join("data.csv"), csv).unwrap();
    study(dir, "data.csv", "")
}

/// Runs `capakit check` and returns (exit code, stdout, stderr).
pub fn check(study: &Path) -> (i32, String, String) {
    check_with(study, &[])
}

/// `capakit check STUDY` with more arguments (`--all`: every finding on a line of its own).
pub fn check_with(study: &Path, args: &[&str]) -> (i32, String, String) {
    let out = capakit()
        .arg("check")
        .arg(study)
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The header and Likert columns every fixture row needs, then `rest`.
pub const HEADER: &str = "respondent_id;territory;age;care_setting;edu_1;edu_2;edu_3";

/// Runs `capakit run STUDY --out OUT` (with `--internal` when asked), which must succeed, and
/// returns its results (`INTERNAL-results-unsuppressed.json` for an internal run).
pub fn run_study(study: &Path, out: &Path, internal: bool) -> serde_json::Value {
    let mut cmd = capakit();
    cmd.arg("run").arg(study).arg("--out").arg(out);
    if internal {
        cmd.arg("--internal");
    }
    let done = cmd.output().unwrap();
    assert!(
        done.status.success(),
        "{}",
        String::from_utf8_lossy(&done.stderr)
    );
    let file = if internal {
        "INTERNAL-results-unsuppressed.json"
    } else {
        "results.json"
    };
    serde_json::from_str(&std::fs::read_to_string(out.join(file)).unwrap()).unwrap()
}

/// Runs `study` in `lang` into `out`, which must succeed.
pub fn run_in(study: &Path, out: &Path, lang: &str) {
    let done = capakit()
        .arg("run")
        .arg(study)
        .arg("--out")
        .arg(out)
        .args(["--lang", lang])
        .output()
        .unwrap();
    assert!(
        done.status.success(),
        "{}",
        String::from_utf8_lossy(&done.stderr)
    );
}

/// The first analysis of `kind` in a run's results.
pub fn analysis_of_kind<'a>(results: &'a serde_json::Value, kind: &str) -> &'a serde_json::Value {
    results["analyses"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["kind"] == kind)
        .unwrap_or_else(|| panic!("no {kind} analysis"))
}

/// Replaces `from` (which must be there) with `to` in a study's study.toml.
pub fn replace_in_study(study: &Path, from: &str, to: &str) {
    let toml = std::fs::read_to_string(study.join("study.toml")).unwrap();
    assert!(toml.contains(from), "study.toml has no {from:?}");
    std::fs::write(study.join("study.toml"), toml.replace(from, to)).unwrap();
}

/// Appends `text` to a study's study.toml.
pub fn append_to_study(study: &Path, text: &str) {
    let toml = std::fs::read_to_string(study.join("study.toml")).unwrap();
    std::fs::write(study.join("study.toml"), format!("{toml}\n{text}")).unwrap();
}

/// A file of tests/fixtures/<dir>.
pub fn fixture(dir: &str, name: &str) -> String {
    repo()
        .join("tests/fixtures")
        .join(dir)
        .join(name)
        .display()
        .to_string()
}

/// Runs `capakit stats … --json`, which must succeed, and parses its JSON.
pub fn stats_json(args: &[&str]) -> serde_json::Value {
    let out = capakit()
        .arg("stats")
        .args(args)
        .arg("--json")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("one JSON object")
}

/// Runs `capakit stats …`, expects exit 2 without a panic or a NaN, returns standard error.
pub fn stats_fails(args: &[&str]) -> String {
    let out = capakit().arg("stats").args(args).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{args:?}");
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(!err.contains("panicked") && !err.contains("NaN"), "{err}");
    err
}

/// A copy of the example study in `dir`: its answers, and its study.toml pointing at the
/// shared files.
pub fn example_copy(dir: &Path) {
    std::fs::create_dir_all(dir.join("data")).unwrap();
    std::fs::copy(
        repo().join("examples/caring-prato-firenze/data/risposte-care-leavers.csv"),
        dir.join("data/risposte-care-leavers.csv"),
    )
    .unwrap();
    std::fs::write(dir.join("study.toml"), example_toml()).unwrap();
}

/// The example's study.toml with absolute paths to the shared files and the focus groups (the
/// survey answers stay relative, for the copy to hold).
pub fn example_toml() -> String {
    std::fs::read_to_string(repo().join("examples/caring-prato-firenze/study.toml"))
        .unwrap()
        .replace("../../", &format!("{}/", repo().display()))
        .replace(
            "\"data/focus-groups",
            &format!(
                "\"{}/examples/caring-prato-firenze/data/focus-groups",
                repo().display()
            ),
        )
}

/// A copy of the example study in `dir`, its data changed by `edit` (rows as the CSV's lines, header first),
/// with `extra` appended to its study.toml.
pub fn example_variant(dir: &Path, edit: impl Fn(&mut Vec<Vec<String>>), extra: &str) -> PathBuf {
    let example = repo().join("examples/caring-prato-firenze");
    let csv = std::fs::read_to_string(example.join("data/risposte-care-leavers.csv")).unwrap();
    let mut rows: Vec<Vec<String>> = csv
        .lines()
        .map(|l| l.split(';').map(str::to_string).collect())
        .collect();
    edit(&mut rows);
    let text: Vec<String> = rows.iter().map(|r| r.join(";")).collect();
    std::fs::write(dir.join("data.csv"), text.join("\n") + "\n").unwrap();
    let toml = std::fs::read_to_string(example.join("study.toml"))
        .unwrap()
        .replace("../../", &format!("{}/", repo().display()))
        .replace("data/risposte-care-leavers.csv", "data.csv")
        .replace(
            "data/focus-groups",
            &format!("{}/data/focus-groups", example.display()),
        );
    std::fs::write(dir.join("study.toml"), format!("{toml}\n{extra}\n")).unwrap();
    dir.to_path_buf()
}

/// Every count of the count tables in results.json (territories, Likert distributions,
/// cross-tables), each with where it is published (no two alike). Counts of missing answers end
/// in ` missing` (Likert) or hold ` no answer ` (cross-tables).
pub fn count_tables(r: &serde_json::Value) -> Vec<(String, u64)> {
    let mut out = Vec::new();
    let mut push = |at: String, v: &serde_json::Value| {
        if let Some(n) = v.as_u64() {
            out.push((at, n));
        }
    };
    for s in r["sources"].as_array().unwrap() {
        for g in s["territories"].as_array().unwrap() {
            push(format!("territory {}", g["group"]), &g["n"]);
        }
    }
    for a in r["analyses"].as_array().unwrap() {
        let id = a["id"].as_str().unwrap();
        for item in a["items"].as_array().into_iter().flatten() {
            let rows = item["groups"]
                .as_array()
                .unwrap()
                .iter()
                .chain([&item["total"]]);
            for g in rows {
                let at = format!("{id} {} {}", item["item"], g["group"]);
                for (c, v) in g["counts"].as_array().unwrap().iter().enumerate() {
                    push(format!("{at} category {c}"), v);
                }
                push(format!("{at} missing"), &g["missing"]);
                push(format!("{at} n"), &g["n"]);
                push(format!("{at} size"), &g["size"]);
            }
        }
        for t in a["tables"].as_array().into_iter().flatten() {
            let at = format!("{id} {}", t["variable"]);
            let groups = a["groups"].as_array().unwrap();
            for (i, row) in t["cells"].as_array().unwrap().iter().enumerate() {
                for (j, c) in row.as_array().unwrap().iter().enumerate() {
                    push(
                        format!("{at} {} {}", t["categories"][i], groups[j]),
                        &c["count"],
                    );
                }
            }
            for (j, c) in t["no_answer"].as_array().into_iter().flatten().enumerate() {
                push(format!("{at} no answer {}", groups[j]), &c["count"]);
            }
            for (j, c) in t["not_asked"].as_array().into_iter().flatten().enumerate() {
                push(format!("{at} not asked {}", groups[j]), &c["count"]);
            }
            for (j, n) in t["n"].as_array().unwrap().iter().enumerate() {
                push(format!("{at} n {}", groups[j]), n);
            }
        }
    }
    out
}

/// Moves the first `n` Firenze respondents of the example to a territory of their own, Empoli.
pub fn territory_of(n: usize) -> impl Fn(&mut Vec<Vec<String>>) {
    move |rows| {
        let col = rows[0]
            .iter()
            .position(|h| h.ends_with("/territory"))
            .unwrap();
        for r in rows
            .iter_mut()
            .skip(1)
            .filter(|r| r[col] == "Firenze")
            .take(n)
        {
            r[col] = "Empoli".into();
        }
    }
}

/// Chromium, where it is installed; CI sets CAPAKIT_REQUIRE_CHROMIUM so a missing browser fails
/// there instead of skipping.
pub fn chromium() -> Option<PathBuf> {
    let found = ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
        .iter()
        .map(PathBuf::from)
        .find(|p| p.exists());
    if found.is_none() {
        assert!(
            std::env::var_os("CAPAKIT_REQUIRE_CHROMIUM").is_none(),
            "Chromium is required here (apt-get install chromium)"
        );
        eprintln!("skipped: Chromium is not installed (apt-get install chromium)");
    }
    found
}

/// Runs headless Chromium with the flags this machine's closed network needs; (stdout, stderr).
pub fn headless(chrome: &Path, profile: &Path, args: &[&str]) -> (String, String) {
    // Bounded: a browser that hangs fails the test instead of holding CI.
    let out = Command::new("timeout")
        .arg("120")
        .arg(chrome)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--virtual-time-budget=3000",
            "--enable-logging=stderr",
            "--v=0",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(args)
        .output()
        .unwrap();
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Copies the folder `from` into `to`, recursively.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), target).unwrap();
        }
    }
}

/// Every file under `dir`, by path relative to it.
pub fn files(dir: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    let mut out = std::collections::BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let rel = p.strip_prefix(dir).unwrap().to_string_lossy().into_owned();
                out.insert(rel, std::fs::read(&p).unwrap());
            }
        }
    }
    out
}

/// The shipped `examples/<example>` is byte for byte what `capakit init --synthetic --template
/// <template>` writes, and the template refuses to start without its synthetic data.
pub fn assert_shipped_is_init(example: &str, template: &str) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("s");
    capakit()
        .args(["init", "--synthetic", "--template", template])
        .arg(&dir)
        .assert()
        .success();
    let written = files(&dir);
    let shipped = files(&repo().join("examples").join(example));
    assert_eq!(
        written.keys().collect::<Vec<_>>(),
        shipped.keys().collect::<Vec<_>>()
    );
    for (name, bytes) in &written {
        assert!(
            shipped[name] == *bytes,
            "{name} differs: run `capakit init examples/{example} --synthetic --template {template}` again"
        );
    }
    let out = capakit()
        .args(["init", "--template", template])
        .arg(tmp.path().join("n"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--synthetic"));
}

/// Every text a run wrote, by file (the parts of .docx and .xlsx files unzipped).
pub fn outputs(out: &Path) -> Vec<(String, String)> {
    let mut found = Vec::new();
    for (name, bytes) in files(out) {
        if name.ends_with(".docx") || name.ends_with(".xlsx") {
            let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
            for i in 0..zip.len() {
                let mut part = zip.by_index(i).unwrap();
                let inner = part.name().unwrap().to_string();
                let mut s = String::new();
                if std::io::Read::read_to_string(&mut part, &mut s).is_ok() {
                    found.push((format!("{name}:{inner}"), s));
                }
            }
        } else {
            found.push((name, String::from_utf8_lossy(&bytes).into_owned()));
        }
    }
    assert!(found.iter().any(|(n, _)| n.ends_with("word/document.xml")));
    found
}
