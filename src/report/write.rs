//! Atomic writing: a file is written beside its target and renamed into place; an output folder
//! is built complete in a temporary sibling, fsynced, and swapped in, so a failed run leaves the
//! previous output untouched.
//!
//! An output folder carries a marker of capakit's own ([`MARKER`], whose first line is
//! [`MARKER_LINE`]); only a folder that carries it (or an empty one) is ever replaced, and only
//! temporary siblings that carry it are cleaned up.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

use super::OutputFile;

/// The last guard of every text output (HTML, Markdown, SVG, JSON, CSV): no control character
/// but tab and line breaks, bidirectional controls as visible escapes ([`crate::text::guard`]).
/// Workbooks and Word files are guarded as they are built.
fn guarded<'a>(path: &str, bytes: &'a [u8]) -> std::borrow::Cow<'a, [u8]> {
    let text = [".html", ".md", ".svg", ".json", ".csv", ".txt"]
        .iter()
        .any(|e| path.ends_with(e));
    match std::str::from_utf8(bytes) {
        Ok(s) if text => match crate::text::guard(s) {
            std::borrow::Cow::Borrowed(_) => bytes.into(),
            std::borrow::Cow::Owned(g) => g.into_bytes().into(),
        },
        _ => bytes.into(),
    }
}

/// Writes `bytes` to `path` through a temporary file in the same folder.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("output");
    let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    std::fs::write(&tmp, bytes).map_err(|e| Error::io(&tmp, e))?;
    std::fs::rename(&tmp, path).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        Error::io(path, e)
    })
}

/// The file that marks a folder as capakit's output, safe to replace.
pub const MARKER: &str = ".capakit-output";
/// The first line of [`MARKER`]: no other tool writes it.
pub const MARKER_LINE: &str = "capakit output folder (replaced as a whole by `capakit run`)";

fn marker_text() -> String {
    format!(
        "{MARKER_LINE}\nEverything in this folder is deleted at the next `capakit run` with this --out.\nKeep nothing else here.\n"
    )
}

/// Whether `dir` is a folder (not a link) holding capakit's marker.
pub fn is_capakit_output(dir: &Path) -> bool {
    let is_dir = std::fs::symlink_metadata(dir).is_ok_and(|m| m.is_dir());
    let mark = dir.join(MARKER);
    let is_file = std::fs::symlink_metadata(&mark).is_ok_and(|m| m.is_file());
    is_dir
        && is_file
        && std::fs::read_to_string(&mark).is_ok_and(|t| t.lines().next() == Some(MARKER_LINE))
}

/// `path` absolute, with every existing part's links resolved (the missing tail is appended as
/// written, `.` and `..` resolved lexically).
pub fn resolve(path: &Path) -> PathBuf {
    let abs = crate::study::absolute(path);
    let mut existing = abs.as_path();
    let mut tail = Vec::new();
    loop {
        if let Ok(real) = std::fs::canonicalize(existing) {
            let mut out = real;
            for part in tail.iter().rev() {
                out.push(part);
            }
            return out;
        }
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                tail.push(name.to_os_string());
                existing = parent;
            }
            _ => return abs,
        }
    }
}

/// Refuses an output folder that would replace what it must not: the current folder (or one
/// holding it), the study folder (or one holding it), or any input file or folder of the study.
/// `protected` are the study folder first, then every input; all are compared with links
/// resolved.
pub fn check_out(out: &Path, study_dir: &Path, inputs: &[PathBuf]) -> Result<()> {
    refuse_replacing(
        out,
        study_dir,
        inputs,
        "capakit replaces its output folder as a whole, choose another --out folder (e.g. one beside the study)",
    )
    .map(|_| ())
}

/// Refuses an output file that would replace what it must not: what [`check_out`] refuses (the
/// study folder, an input, the current folder, or one holding any of them), a file inside an
/// input folder (such as the study's reports/), a folder, and an existing file that `ours` does
/// not recognise as one capakit wrote for the same purpose (`what`: "a feedback form capakit
/// wrote"). Links are resolved before comparing; `ours` is asked about the resolved path.
pub fn check_out_file(
    out: &Path,
    study_dir: &Path,
    inputs: &[PathBuf],
    what: &str,
    ours: impl Fn(&Path) -> bool,
) -> Result<()> {
    let advice = "capakit does not overwrite it, choose another --out file";
    let target = refuse_replacing(out, study_dir, inputs, advice)?;
    let refuse = |why: String| {
        Err(Error::Usage(format!(
            "--out {}: {why}; {advice}",
            out.display()
        )))
    };
    for input in inputs {
        let input = resolve(input);
        if target.starts_with(&input) {
            return refuse(format!(
                "{} is inside the study's input {}",
                target.display(),
                input.display()
            ));
        }
    }
    match std::fs::metadata(&target) {
        Ok(meta) if meta.is_dir() => refuse(format!("{} is a folder", target.display())),
        Ok(_) if !ours(&target) => refuse(format!("{} exists and is not {what}", target.display())),
        _ => Ok(()),
    }
}

/// The checks shared by [`check_out`] and [`check_out_file`]; the resolved target.
fn refuse_replacing(
    out: &Path,
    study_dir: &Path,
    inputs: &[PathBuf],
    advice: &str,
) -> Result<PathBuf> {
    let target = resolve(out);
    let shown = out.display();
    let refuse = |why: String| Err(Error::Usage(format!("--out {shown}: {why}; {advice}")));
    let root = resolve(study_dir);
    if root.starts_with(&target) {
        let what = if root == target {
            "is the study folder"
        } else {
            "holds the study folder"
        };
        return refuse(format!("{} {what} {}", target.display(), root.display()));
    }
    for input in inputs {
        let file = resolve(input);
        if file.starts_with(&target) {
            return refuse(format!(
                "{} is or holds the study's input {}",
                target.display(),
                file.display()
            ));
        }
    }
    if let Ok(cwd) = std::env::current_dir().and_then(std::fs::canonicalize) {
        if cwd.starts_with(&target) {
            return refuse(format!(
                "{} is the current folder or holds it",
                target.display()
            ));
        }
    }
    Ok(target)
}

/// Refuses to replace a folder that is not a previous capakit output (a non-empty folder
/// without the marker, such as a study, a home folder, or another tool's output), or one whose
/// contents could not be deleted (a read-only folder).
fn check_replaceable(out: &Path, shown: &Path) -> Result<()> {
    let Ok(meta) = std::fs::symlink_metadata(out) else {
        return Ok(());
    };
    if !meta.is_dir() {
        return Err(Error::Usage(format!(
            "{} exists and is not a folder",
            shown.display()
        )));
    }
    let mut entries = std::fs::read_dir(out).map_err(|e| Error::io(shown, e))?;
    if entries.next().is_some() && !is_capakit_output(out) {
        return Err(Error::Usage(format!(
            "{} is not empty and is not a capakit output folder (no {MARKER} marker); choose another --out folder, capakit replaces it as a whole",
            shown.display()
        )));
    }
    check_deletable(out, shown)
}

/// Checks that every folder in `dir` (itself included) lets capakit delete its entries, by
/// creating and removing a probe file in each: a read-only output folder is an error before
/// anything is written, never a half-replaced folder.
fn check_deletable(dir: &Path, shown: &Path) -> Result<()> {
    let probe = dir.join(format!(".capakit-probe-{}", std::process::id()));
    let made = std::fs::File::create(&probe).and_then(|_| std::fs::remove_file(&probe));
    if let Err(e) = made {
        let _ = std::fs::remove_file(&probe);
        return Err(Error::Usage(format!(
            "{} cannot be replaced: capakit cannot write in {} ({e}); make it writable or choose another --out folder",
            shown.display(),
            dir.display()
        )));
    }
    for entry in std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))? {
        let entry = entry.map_err(|e| Error::io(dir, e))?;
        if entry.file_type().is_ok_and(|t| t.is_dir()) {
            check_deletable(&entry.path(), shown)?;
        }
    }
    Ok(())
}

/// The name of the temporary sibling of `out` for `tag` ("new" or "old").
fn sibling(out: &Path, tag: &str) -> PathBuf {
    let name = out.file_name().and_then(|n| n.to_str()).unwrap_or("out");
    out.with_file_name(format!(".{name}.{tag}-{}", std::process::id()))
}

/// Removes the leftovers of earlier runs killed before they finished: the siblings
/// `.NAME.new-PID` and `.NAME.old-PID` of `out` that carry capakit's marker, unless a capakit
/// with that process id is still running. Anything else, however its name looks, is left alone.
pub fn clean_stale(out: &Path) -> Result<()> {
    let (Some(parent), Some(name)) = (out.parent(), out.file_name().and_then(|n| n.to_str()))
    else {
        return Ok(());
    };
    let Ok(entries) = std::fs::read_dir(parent) else {
        return Ok(());
    };
    let ours = std::process::id().to_string();
    for entry in entries.flatten() {
        let file = entry.file_name();
        let Some(file) = file.to_str() else { continue };
        let pid = [".new-", ".old-"].iter().find_map(|tag| {
            file.strip_prefix('.')
                .and_then(|f| f.strip_prefix(name))
                .and_then(|f| f.strip_prefix(tag))
        });
        let Some(pid) = pid else { continue };
        if pid.is_empty() || !pid.bytes().all(|b| b.is_ascii_digit()) || pid == ours {
            continue;
        }
        // A capakit still running with that id is writing it: not a leftover.
        let running = std::fs::read_to_string(format!("/proc/{pid}/comm"))
            .is_ok_and(|c| c.trim_end() == "capakit");
        if running {
            continue;
        }
        let path = entry.path();
        if is_capakit_output(&path) {
            std::fs::remove_dir_all(&path).map_err(|e| {
                Error::Usage(format!(
                    "{}: a leftover of an earlier capakit run could not be removed ({e}); delete it",
                    path.display()
                ))
            })?;
        }
    }
    Ok(())
}

fn sync_dir(dir: &Path) -> Result<()> {
    std::fs::File::open(dir)
        .and_then(|f| f.sync_all())
        .map_err(|e| Error::io(dir, e))
}

fn write_synced(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut f = std::fs::File::create(path).map_err(|e| Error::io(path, e))?;
    f.write_all(bytes)
        .and_then(|()| f.sync_all())
        .map_err(|e| Error::io(path, e))
}

/// Builds the complete new folder in `tmp`: the marker first (so a run killed from here on
/// leaves a folder the next run recognises and removes), then every file, each fsynced, then
/// every folder.
fn build(tmp: &Path, files: &[OutputFile], out: &Path) -> Result<()> {
    std::fs::create_dir(tmp).map_err(|e| {
        Error::Usage(format!(
            "{}: the output folder cannot be written here ({e}); choose another --out folder",
            out.display()
        ))
    })?;
    write_synced(&tmp.join(MARKER), marker_text().as_bytes())?;
    let mut dirs = std::collections::BTreeSet::new();
    for f in files {
        let rel = Path::new(&f.path);
        if f.path == MARKER
            || rel.is_absolute()
            || rel
                .components()
                .any(|c| !matches!(c, std::path::Component::Normal(_)))
        {
            return Err(Error::Usage(format!(
                "refusing to write outside the output folder: {}",
                f.path
            )));
        }
        let path = tmp.join(rel);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
            dirs.insert(dir.to_path_buf());
        }
        write_synced(&path, guarded(&f.path, &f.bytes).as_ref())?;
    }
    for dir in dirs.iter().rev() {
        sync_dir(dir)?;
    }
    sync_dir(tmp)
}

/// Replaces the folder `out` with exactly `files` (and the marker). Paths are relative and never
/// leave `out`. `out` must be missing, empty, or a previous capakit output whose folders are
/// writable; nothing is left behind when it fails.
pub fn write_folder(out: &Path, files: &[OutputFile]) -> Result<()> {
    // Work on the resolved path: `--out .` or `--out ..` name no folder that can be renamed.
    let target = resolve(out);
    let Some(parent) = target.parent().map(Path::to_path_buf) else {
        return Err(Error::Usage(format!(
            "--out {}: not a folder capakit can replace",
            out.display()
        )));
    };
    check_replaceable(&target, out)?;
    std::fs::create_dir_all(&parent).map_err(|e| Error::io(&parent, e))?;
    clean_stale(&target)?;
    let tmp = sibling(&target, "new");
    if std::fs::symlink_metadata(&tmp).is_ok() {
        if !is_capakit_output(&tmp) {
            return Err(Error::Usage(format!(
                "{} is in the way and is not capakit's; delete it",
                tmp.display()
            )));
        }
        std::fs::remove_dir_all(&tmp).map_err(|e| Error::io(&tmp, e))?;
    }
    if let Err(e) = build(&tmp, files, out) {
        let _ = std::fs::remove_dir_all(&tmp);
        return Err(e);
    }
    let old = sibling(&target, "old");
    let had_old = std::fs::symlink_metadata(&target).is_ok();
    if had_old {
        if let Err(e) = std::fs::rename(&target, &old) {
            let _ = std::fs::remove_dir_all(&tmp);
            return Err(Error::io(out, e));
        }
    }
    if let Err(e) = std::fs::rename(&tmp, &target) {
        if had_old {
            let _ = std::fs::rename(&old, &target);
        }
        let _ = std::fs::remove_dir_all(&tmp);
        return Err(Error::io(out, e));
    }
    sync_dir(&parent)?;
    if had_old {
        std::fs::remove_dir_all(&old).map_err(|e| {
            Error::Usage(format!(
                "{} was written, but its previous copy {} could not be removed ({e}); delete it",
                out.display(),
                old.display()
            ))
        })?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str) -> OutputFile {
        OutputFile {
            path: path.into(),
            bytes: b"x".to_vec(),
        }
    }

    fn names(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    #[test]
    fn a_failed_write_leaves_the_previous_output_and_nothing_else() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        write_folder(&out, &[file("results.json")]).unwrap();
        assert!(is_capakit_output(&out));
        let bad = [file("report.md"), file("../escape.txt")];
        assert!(write_folder(&out, &bad).is_err());
        assert_eq!(names(dir.path()), ["out"]);
        assert_eq!(names(&out), [MARKER, "results.json"]);
        // The marker cannot be overwritten by an output file.
        assert!(write_folder(&out, &[file(MARKER)]).is_err());
        assert_eq!(names(dir.path()), ["out"]);
    }

    #[test]
    fn stale_siblings_are_removed_only_when_they_are_capakits() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        for stale in [
            ".out.new-12345",
            ".out.old-777",
            ".out.new-4242",
            ".other.new-1",
        ] {
            std::fs::create_dir(dir.path().join(stale)).unwrap();
        }
        for marked in [".out.new-12345", ".out.old-777", ".other.new-1"] {
            std::fs::write(dir.path().join(marked).join(MARKER), marker_text()).unwrap();
        }
        // A look-alike marker with another first line is not capakit's.
        std::fs::write(dir.path().join(".out.new-4242").join(MARKER), "hello\n").unwrap();
        clean_stale(&out).unwrap();
        assert_eq!(names(dir.path()), [".other.new-1", ".out.new-4242"]);
    }

    #[test]
    fn a_read_only_output_folder_is_refused_before_anything_is_written() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        write_folder(&out, &[file("charts/a.svg")]).unwrap();
        let charts = out.join("charts");
        std::fs::set_permissions(&charts, std::fs::Permissions::from_mode(0o555)).unwrap();
        let writable = std::fs::write(charts.join("probe"), "").is_ok();
        let result = write_folder(&out, &[file("report.md")]);
        if charts.exists() {
            std::fs::set_permissions(&charts, std::fs::Permissions::from_mode(0o755)).unwrap();
        }
        if writable {
            // Running as root: permissions are moot and the folder is simply replaced.
            result.unwrap();
            assert_eq!(names(&out), [MARKER, "report.md"]);
        } else {
            let err = result.unwrap_err().to_string();
            assert!(err.contains("cannot be replaced"), "{err}");
            assert!(err.contains(&charts.display().to_string()), "{err}");
            assert_eq!(names(dir.path()), ["out"]);
            assert_eq!(names(&charts), ["a.svg"]);
        }
    }

    #[test]
    fn a_folder_no_one_can_write_in_is_refused() {
        // Even root cannot create files in /proc.
        let err = check_deletable(Path::new("/proc"), Path::new("out")).unwrap_err();
        assert!(err.to_string().contains("out cannot be replaced"), "{err}");
    }

    #[test]
    fn out_may_not_be_or_hold_the_study_or_an_input() {
        let dir = tempfile::tempdir().unwrap();
        let study = dir.path().join("study");
        std::fs::create_dir_all(study.join("data")).unwrap();
        let data = study.join("data/a.csv");
        std::fs::write(&data, "").unwrap();
        let outside = dir.path().join("instruments/q.xlsx");
        let inputs = [data.clone(), outside.clone()];
        for bad in [
            study.clone(),
            dir.path().to_path_buf(),
            study.join("data"),
            study.join("data/a.csv"),
            study.join("data/../data"),
            dir.path().join("instruments"),
        ] {
            assert!(
                check_out(&bad, &study, &inputs).is_err(),
                "{}",
                bad.display()
            );
        }
        check_out(&study.join("out"), &study, &inputs).unwrap();
        check_out(&dir.path().join("out"), &study, &inputs).unwrap();
    }

    #[test]
    fn an_out_file_replaces_only_one_of_its_kind() {
        let dir = tempfile::tempdir().unwrap();
        let study = dir.path().join("study");
        std::fs::create_dir_all(study.join("reports")).unwrap();
        let data = study.join("data.xlsx");
        let mine = dir.path().join("mine.xlsx");
        let theirs = dir.path().join("theirs.xlsx");
        for f in [&data, &mine, &theirs] {
            std::fs::write(f, "").unwrap();
        }
        let inputs = [
            study.join("study.toml"),
            data.clone(),
            study.join("reports"),
        ];
        let ours = |p: &Path| p.ends_with("mine.xlsx");
        let check = |out: &Path| check_out_file(out, &study, &inputs, "a form", ours);
        for (bad, says) in [
            (study.clone(), "is the study folder"),
            (data.clone(), "is or holds the study's input"),
            (study.join("reports/x.xlsx"), "is inside the study's input"),
            (theirs.clone(), "exists and is not a form"),
            (dir.path().to_path_buf(), "holds the study folder"),
        ] {
            let err = check(&bad).unwrap_err().to_string();
            assert!(err.contains(says), "{err}");
            assert!(err.contains(&format!("--out {}", bad.display())), "{err}");
        }
        check(&mine).unwrap();
        check(&dir.path().join("new.xlsx")).unwrap();
        check(&study.join("new.xlsx")).unwrap();
    }
}
