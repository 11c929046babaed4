//! The bad-input suite: every fixture of tests/fixtures/bad (broken, hostile and odd files,
//! written by scripts/make_bad_inputs.py) is read by `capakit check` as a study's data file, under
//! a 4 GB address-space limit and a time limit, and must get exactly the outcome expected.tsv
//! gives it: the exit code and a located line. Never a panic, a hang or runaway memory.

use std::path::Path;
use std::time::Duration;

use crate::common::{instrument, repo};

/// Runs `capakit check` on a study around `file` with bounded memory; (code, stdout, stderr).
fn check_bounded(dir: &Path, file: &str) -> (i32, String, String) {
    let toml = format!(
        "title = \"Bad input\"\nlanguages = [\"it\", \"en\"]\n\n[[territories]]\nname = \"Prato\"\n\n[[territories]]\nname = \"Firenze\"\n\n[[sources]]\npath = \"{file}\"\ninstrument = \"{}\"\n",
        instrument().display()
    );
    std::fs::write(dir.join("study.toml"), toml).unwrap();
    // CAPAKIT_TEST_BIN runs the suite against another build. `cargo test --release` (the README's
    // and CI's) runs it on the release binary, where integer overflow does not panic and a bad
    // bound shows as a huge allocation instead (the memory limit catches it); `cargo test` on the
    // debug binary, where overflow panics.
    let bin = std::env::var_os("CAPAKIT_TEST_BIN")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| assert_cmd::cargo::cargo_bin("capakit"));
    let out = assert_cmd::Command::new("bash")
        .arg("-c")
        .arg("ulimit -v 4000000; exec \"$0\" check \"$1\"")
        .arg(bin)
        .arg(dir)
        .timeout(Duration::from_secs(120))
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn every_bad_input_gets_its_expected_located_outcome() {
    let fixtures = repo().join("tests/fixtures/bad");
    let expected = std::fs::read_to_string(fixtures.join("expected.tsv")).unwrap();
    let mut checked = 0;
    let mut failures = Vec::new();
    for line in expected
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
    {
        let mut parts = line.splitn(3, '\t');
        let (name, code, fragment) = (
            parts.next().unwrap(),
            parts.next().unwrap().parse::<i32>().unwrap(),
            parts.next().unwrap_or(""),
        );
        let dir = tempfile::tempdir().unwrap();
        std::fs::copy(fixtures.join(name), dir.path().join(name)).unwrap();
        let (got, out, err) = check_bounded(dir.path(), name);
        let problems = [
            (got != code).then(|| format!("exit {got}, expected {code}")),
            (!out.contains(fragment) && !err.contains(fragment))
                .then(|| format!("no line contains {fragment:?}")),
            (err.contains("panicked") || err.contains("internal error"))
                .then(|| "a panic".to_string()),
            (code == 2 && (err.lines().count() != 1 || !err.starts_with("capakit: error: ")))
                .then(|| format!("not one error line: {err:?}")),
        ];
        for p in problems.into_iter().flatten() {
            failures.push(format!(
                "{name}: {p}\n  stderr: {}",
                err.lines().next().unwrap_or("")
            ));
        }
        checked += 1;
    }
    assert!(checked >= 50, "the suite has {checked} fixtures");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn a_folder_where_a_file_should_be() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("data.csv")).unwrap();
    let (code, _, err) = check_bounded(dir.path(), "data.csv");
    assert_eq!(code, 2, "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("data.csv"), "{err}");
}

#[test]
fn a_study_of_broken_files_reports_each_and_goes_on() {
    // Four sources: three broken in different ways, one fine. `check` names each broken file on
    // its own line, still checks the good one, and ends with exit code 2.
    let fixtures = repo().join("tests/fixtures/bad");
    let dir = tempfile::tempdir().unwrap();
    let names = [
        "xlsx-truncated-half.xlsx",
        "csv-nul-bytes.csv",
        "ods-repeat-bomb.ods",
        "xlsx-good.xlsx",
    ];
    let mut toml = "title = \"Broken\"\nlanguages = [\"it\", \"en\"]\n".to_string();
    for (k, n) in names.iter().enumerate() {
        std::fs::copy(fixtures.join(n), dir.path().join(n)).unwrap();
        toml.push_str(&format!(
            "\n[[sources]]\nname = \"s{k}\"\npath = \"{n}\"\ninstrument = \"{}\"\n",
            instrument().display()
        ));
    }
    std::fs::write(dir.path().join("study.toml"), toml).unwrap();
    let out = crate::common::capakit()
        .arg("check")
        .arg(dir.path())
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(2), "{err}");
    for n in &names[..3] {
        assert_eq!(
            err.lines()
                .filter(|l| l.starts_with(&format!("capakit: error: {n}")))
                .count(),
            1,
            "{n}: {err}"
        );
    }
    assert!(stdout.contains("xlsx-good.xlsx: 1 respondents"), "{stdout}");
}

#[test]
fn a_csv_header_of_a_million_columns_over_short_lines_is_refused() {
    // One header line of a million columns (2 MB) and 300 one-field lines: padded to the header,
    // 300 million cells, far more than the file. Refused with one line under the 4 GB limit.
    let dir = tempfile::tempdir().unwrap();
    let mut csv = vec!["a"; 1_000_000].join(",");
    csv.push('\n');
    for _ in 0..300 {
        csv.push_str("x\n");
    }
    std::fs::write(dir.path().join("wide.csv"), csv).unwrap();
    let (code, _, err) = check_bounded(dir.path(), "wide.csv");
    assert_eq!(code, 2, "{err}");
    assert!(
        err.starts_with("capakit: error: wide.csv, row 1: the header spans 1000000 columns"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");
}
