//! Issue 14, "Safe to publish": an output folder cannot destroy anything, leaves nothing behind,
//! reads templates only from inside the study, and gives the same bytes however the study's path
//! is written.

use std::path::{Path, PathBuf};

use crate::common::{capakit, csv_study, repo, HEADER};

const MARKER: &str = ".capakit-output";
const MARKER_LINE: &str = "capakit output folder (replaced as a whole by `capakit run`)";

/// Runs capakit in `cwd` with `args`; returns (exit code, stderr), after checking it did not
/// panic.
fn run_in(cwd: &Path, args: &[&str]) -> (i32, String) {
    let out = capakit().current_dir(cwd).args(args).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(
        !err.contains("panicked") && !err.contains("RUST_BACKTRACE"),
        "{err}"
    );
    (out.status.code().unwrap_or(-1), err)
}

/// Every path under `dir` (hidden ones included), sorted.
fn tree(dir: &Path) -> Vec<String> {
    let mut all = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            all.push(p.strip_prefix(dir).unwrap().display().to_string());
            if p.is_dir() && !p.is_symlink() {
                todo.push(p);
            }
        }
    }
    all.sort();
    all
}

/// A small study in `dir/study` (a fixture CSV and the shipped questionnaire).
fn small_study(dir: &Path) -> PathBuf {
    let study = dir.join("study");
    std::fs::create_dir_all(&study).unwrap();
    csv_study(
        &study,
        &format!("{HEADER}\nCL-1;Prato;18;affido;1;2;3\nCL-2;Firenze;18;affido;2;2;3\n"),
    )
}

fn example() -> PathBuf {
    repo().join("examples/caring-prato-firenze")
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn found_8_a_study_folder_with_a_results_json_is_not_replaced() {
    let dir = tempfile::tempdir().unwrap();
    let study = small_study(dir.path());
    std::fs::write(study.join("results.json"), "{}\n").unwrap();
    let before = tree(&study);
    let (code, err) = run_in(dir.path(), &["run", s(&study), "--out", s(&study)]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("is the study folder"), "{err}");
    assert!(err.contains(s(&study)), "{err}");
    assert_eq!(tree(&study), before);
    assert_eq!(tree(dir.path()), {
        let mut v = vec!["study".to_string()];
        v.extend(before.iter().map(|p| format!("study/{p}")));
        v.sort();
        v
    });
}

#[test]
fn found_8_another_tools_folder_with_a_results_json_is_not_replaced() {
    let dir = tempfile::tempdir().unwrap();
    let other = dir.path().join("other-tool");
    std::fs::create_dir(&other).unwrap();
    std::fs::write(other.join("results.json"), "{}\n").unwrap();
    std::fs::write(other.join("notes.txt"), "mine\n").unwrap();
    let (code, err) = run_in(dir.path(), &["run", s(&example()), "--out", s(&other)]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains(s(&other)) && err.contains(MARKER), "{err}");
    assert_eq!(
        tree(dir.path()),
        [
            "other-tool",
            "other-tool/notes.txt",
            "other-tool/results.json"
        ]
    );
}

#[test]
fn found_8_out_may_not_hold_the_study_or_an_input() {
    let dir = tempfile::tempdir().unwrap();
    let study = small_study(dir.path());
    let before = tree(dir.path());
    // The parent of the study; an input (the data file); a folder holding an input outside the
    // study (the shipped analyses are inputs of the fixture).
    for (out, says) in [
        (dir.path().to_path_buf(), "holds the study folder"),
        (study.join("data.csv"), "is or holds the study's input"),
        (repo().join("analyses"), "is or holds the study's input"),
    ] {
        let (code, err) = run_in(dir.path(), &["run", s(&study), "--out", s(&out)]);
        assert_eq!(code, 2, "{err}");
        assert!(err.contains(says) && err.contains(s(&out)), "{err}");
    }
    assert_eq!(tree(dir.path()), before);
    assert!(repo().join("analyses/care-leavers-core.toml").is_file());
}

#[test]
fn found_9_out_dot_from_the_study_folder_is_refused_and_leaves_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let study = small_study(dir.path());
    let before = tree(dir.path());
    for extra in [&[][..], &["--internal"][..]] {
        let mut args = vec!["run", ".", "--out", "."];
        args.extend(extra);
        let (code, err) = run_in(&study, &args);
        assert_eq!(code, 2, "{err}");
        assert!(
            err.contains("--out .: ") && err.contains("study folder"),
            "{err}"
        );
        assert_eq!(tree(dir.path()), before);
    }
}

#[test]
fn found_9_out_dot_from_a_parent_folder_is_refused_and_leaves_nothing() {
    let dir = tempfile::tempdir().unwrap();
    small_study(dir.path());
    let before = tree(dir.path());
    for extra in [&[][..], &["--internal"][..]] {
        let mut args = vec!["run", "study", "--out", "."];
        args.extend(extra);
        let (code, err) = run_in(dir.path(), &args);
        assert_eq!(code, 2, "{err}");
        assert!(
            err.contains("--out .: ") && err.contains("holds the study folder"),
            "{err}"
        );
        assert_eq!(tree(dir.path()), before);
    }
    // From a folder unrelated to the study, `--out .` is the current folder: refused too.
    let elsewhere = tempfile::tempdir().unwrap();
    let (code, err) = run_in(elsewhere.path(), &["run", s(&example()), "--out", "."]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("current folder"), "{err}");
    assert!(tree(elsewhere.path()).is_empty());
}

#[test]
fn found_9_a_killed_runs_leftovers_are_cleaned_at_the_next_run() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    for stale in [".out.new-12345", ".out.old-999", ".out.new-4242"] {
        std::fs::create_dir(d.join(stale)).unwrap();
        std::fs::write(
            d.join(stale).join("INTERNAL-results-unsuppressed.json"),
            "{}",
        )
        .unwrap();
    }
    for marked in [".out.new-12345", ".out.old-999"] {
        std::fs::write(d.join(marked).join(MARKER), format!("{MARKER_LINE}\n")).unwrap();
    }
    // Stale-looking, but not capakit's: left alone.
    let (code, err) = run_in(d, &["run", s(&example()), "--out", "out"]);
    assert_eq!(code, 0, "{err}");
    let top: Vec<String> = tree(d).into_iter().filter(|p| !p.contains('/')).collect();
    assert_eq!(top, [".out.new-4242", "out"]);
    assert!(d
        .join(".out.new-4242/INTERNAL-results-unsuppressed.json")
        .is_file());
    let marker = std::fs::read_to_string(d.join("out").join(MARKER)).unwrap();
    assert_eq!(marker.lines().next(), Some(MARKER_LINE));
}

#[test]
fn found_9_a_read_only_output_folder_is_an_error_with_nothing_left_behind() {
    use std::os::unix::fs::PermissionsExt;
    // A folder no one can write in, root included: a clear error naming it, no panic.
    let (code, err) = run_in(
        &repo(),
        &["run", s(&example()), "--out", "/proc/capakit-out"],
    );
    assert_ne!(code, 0, "{err}");
    assert!(
        err.contains("/proc/capakit-out: the output folder cannot be written here"),
        "{err}"
    );
    assert!(!Path::new("/proc/capakit-out").exists());

    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let (code, err) = run_in(dir.path(), &["run", s(&example()), "--out", "out"]);
    assert_eq!(code, 0, "{err}");
    let before = tree(dir.path());
    std::fs::set_permissions(&out, std::fs::Permissions::from_mode(0o555)).unwrap();
    if std::fs::write(out.join("probe"), "").is_ok() {
        // Running as root: permissions are moot (the unit tests of report::write cover the
        // check); the folder is simply replaced.
        std::fs::remove_file(out.join("probe")).unwrap();
        std::fs::set_permissions(&out, std::fs::Permissions::from_mode(0o755)).unwrap();
        eprintln!("skipped: running as root, a read-only folder is writable");
        return;
    }
    let (code, err) = run_in(dir.path(), &["run", s(&example()), "--out", "out"]);
    std::fs::set_permissions(&out, std::fs::Permissions::from_mode(0o755)).unwrap();
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("out cannot be replaced"), "{err}");
    assert_eq!(tree(dir.path()), before);
}

#[test]
fn found_9_internal_charts_are_in_a_visibly_internal_folder() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let (code, err) = run_in(
        dir.path(),
        &["run", s(&example()), "--out", "out", "--internal"],
    );
    assert_eq!(code, 0, "{err}");
    for name in tree(&out) {
        assert!(
            name == MARKER || name.starts_with("INTERNAL-"),
            "{name} has a public name in an internal run"
        );
    }
    let charts = out.join("INTERNAL-charts-unsuppressed");
    assert!(std::fs::read_dir(&charts).unwrap().count() > 0);
    let md = std::fs::read_to_string(out.join("INTERNAL-report-unsuppressed.md")).unwrap();
    assert!(
        md.contains("](INTERNAL-charts-unsuppressed/"),
        "the report links its charts"
    );
    assert!(!md.contains("](charts/"));
}

#[test]
fn found_11_a_style_or_template_linked_outside_the_study_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let study = small_study(dir.path());
    let secret = dir.path().join("secret.txt");
    std::fs::write(&secret, "root:x:0:0:secret\n").unwrap();
    std::fs::create_dir(study.join("reports")).unwrap();
    for name in ["style.css", "brief.md.j2"] {
        let link = study.join("reports").join(name);
        std::os::unix::fs::symlink(&secret, &link).unwrap();
        let (code, err) = run_in(dir.path(), &["run", s(&study), "--out", "out"]);
        assert_eq!(code, 2, "{err}");
        assert!(
            err.contains(s(&link)) && err.contains("outside the study folder"),
            "{err}"
        );
        assert!(!dir.path().join("out").exists());
        std::fs::remove_file(&link).unwrap();
    }
    // A link to a file inside the study is fine.
    std::fs::write(study.join("my.css"), "body { color: teal }\n").unwrap();
    std::os::unix::fs::symlink(study.join("my.css"), study.join("reports/style.css")).unwrap();
    let (code, err) = run_in(dir.path(), &["run", s(&study), "--out", "out"]);
    assert_ne!(code, 2, "{err}");
}

/// A copy of the example study, with the shipped instruments and analyses at the same relative
/// places (`../../instruments`, `../../analyses`).
fn example_copy(root: &Path) -> PathBuf {
    fn copy(from: &Path, to: &Path) {
        std::fs::create_dir_all(to).unwrap();
        for e in std::fs::read_dir(from).unwrap() {
            let e = e.unwrap();
            if e.file_type().unwrap().is_dir() {
                copy(&e.path(), &to.join(e.file_name()));
            } else {
                std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
            }
        }
    }
    let study = root.join("examples/caring-prato-firenze");
    copy(&example(), &study);
    copy(&repo().join("instruments"), &root.join("instruments"));
    copy(&repo().join("analyses"), &root.join("analyses"));
    study
}

#[test]
fn found_12_the_way_the_study_path_is_written_does_not_change_the_outputs() {
    let dir = tempfile::tempdir().unwrap();
    let study = example_copy(dir.path());
    let examples = dir.path().join("examples");
    let outs = tempfile::tempdir().unwrap();
    let ways: [(&Path, String); 4] = [
        (&study, ".".into()),
        (&examples, "caring-prato-firenze".into()),
        (dir.path(), s(&study).into()),
        (&examples, "caring-prato-firenze/study.toml".into()),
    ];
    let mut seen: Vec<(Vec<u8>, Vec<u8>)> = Vec::new();
    for (i, (cwd, path)) in ways.iter().enumerate() {
        let out = outs.path().join(format!("out{i}"));
        let (code, err) = run_in(cwd, &["run", path, "--out", s(&out)]);
        assert_eq!(code, 0, "{path}: {err}");
        let json = std::fs::read(out.join("results.json")).unwrap();
        let md = std::fs::read(out.join("report.md")).unwrap();
        if let Some((j, m)) = seen.first() {
            assert!(j == &json, "results.json differs for `run {path}`");
            assert!(m == &md, "report.md differs for `run {path}`");
            // Every other output too.
            let first = outs.path().join("out0");
            assert_eq!(tree(&first), tree(&out));
            for f in tree(&first) {
                if first.join(&f).is_file() {
                    let same = std::fs::read(first.join(&f)).unwrap()
                        == std::fs::read(out.join(&f)).unwrap();
                    assert!(same, "{f} differs for `run {path}`");
                }
            }
        }
        seen.push((json, md));
    }
    // Files inside the study relative to it; files outside it by their name alone.
    let json = String::from_utf8(seen.remove(0).0).unwrap();
    assert!(json.contains("\"path\": \"data/risposte-care-leavers.csv\""));
    assert!(json.contains("\"path\": \"care-leavers-capabilities.xlsx\""));
    assert!(!json.contains("../"), "no path climbs out of the study");
    assert!(!json.contains(s(dir.path())), "no absolute path");
}

#[test]
fn found_8_feedback_form_out_may_not_replace_an_input_or_another_file() {
    let dir = tempfile::tempdir().unwrap();
    let study = example_copy(dir.path());
    std::fs::create_dir_all(study.join("reports")).unwrap();
    let instrument = dir
        .path()
        .join("instruments/care-leavers-capabilities.xlsx");
    // Another tool's workbook, and a capakit workbook that is no feedback form.
    let other = dir.path().join("budget.xlsx");
    std::fs::copy(&instrument, &other).unwrap();
    let tables = dir.path().join("tables.xlsx");
    let (code, err) = run_in(dir.path(), &["run", s(&study), "--out", "out"]);
    assert_eq!(code, 0, "{err}");
    std::fs::copy(dir.path().join("out/tables.xlsx"), &tables).unwrap();
    std::fs::create_dir(dir.path().join("folder.xlsx")).unwrap();
    // Links named like workbooks, to the study folder and to an input.
    let to_study = dir.path().join("study.xlsx");
    std::os::unix::fs::symlink(&study, &to_study).unwrap();
    let to_instrument = dir.path().join("link.xlsx");
    std::os::unix::fs::symlink(&instrument, &to_instrument).unwrap();
    let before = tree(dir.path());
    let bytes = |p: &Path| std::fs::read(p).unwrap();
    let kept =
        [&instrument, &other, &tables, &study.join("study.toml")].map(|p| (p.clone(), bytes(p)));
    for (out, says) in [
        (
            study.join("study.toml"),
            "the feedback form is an .xlsx file",
        ),
        (study.clone(), "the feedback form is an .xlsx file"),
        (instrument.clone(), "is or holds the study's input"),
        (
            study.join("reports/form.xlsx"),
            "is inside the study's input",
        ),
        (
            other.clone(),
            "exists and is not a feedback form capakit wrote",
        ),
        (
            tables.clone(),
            "exists and is not a feedback form capakit wrote",
        ),
        (dir.path().join("folder.xlsx"), "is a folder"),
        (to_study, "is the study folder"),
        (to_instrument, "is or holds the study's input"),
    ] {
        let (code, err) = run_in(dir.path(), &["feedback-form", s(&study), "--out", s(&out)]);
        assert_eq!(code, 2, "{}: {err}", out.display());
        assert!(err.contains(says) && err.contains(s(&out)), "{err}");
    }
    assert_eq!(tree(dir.path()), before);
    for (p, b) in &kept {
        assert!(&bytes(p) == b, "{} changed", p.display());
    }
    // The form may be written anew, and written again over itself.
    let form = dir.path().join("form.xlsx");
    for _ in 0..2 {
        let (code, err) = run_in(dir.path(), &["feedback-form", s(&study), "--out", s(&form)]);
        assert_eq!(code, 0, "{err}");
    }
    assert!(form.is_file());
}
