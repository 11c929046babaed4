//! Atomic writing: a file is written beside its target and renamed into place; an output folder
//! is built complete in a temporary sibling and swapped in, so a failed run leaves the previous
//! output untouched.

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

fn sibling(out: &Path, tag: &str) -> PathBuf {
    let name = out.file_name().and_then(|n| n.to_str()).unwrap_or("out");
    out.with_file_name(format!(".{name}.{tag}-{}", std::process::id()))
}

/// The file that marks a folder as capakit's output, safe to replace.
const MARK: &str = "results.json";

/// Refuses to replace a folder that is not a previous capakit output (a non-empty folder without
/// results.json, such as a study or a home folder).
fn check_replaceable(out: &Path) -> Result<()> {
    if !out.exists() {
        return Ok(());
    }
    if !out.is_dir() {
        return Err(Error::Usage(format!(
            "{} exists and is not a folder",
            out.display()
        )));
    }
    let mut entries = std::fs::read_dir(out).map_err(|e| Error::io(out, e))?;
    if entries.next().is_some() && !out.join(MARK).is_file() {
        return Err(Error::Usage(format!(
            "{} is not empty and holds no capakit output (no {MARK}); choose another --out folder, capakit replaces it as a whole",
            out.display()
        )));
    }
    Ok(())
}

/// Replaces the folder `out` with exactly `files`. Paths are relative and never leave `out`.
/// `out` must be missing, empty, or a previous capakit output.
pub fn write_folder(out: &Path, files: &[OutputFile]) -> Result<()> {
    check_replaceable(out)?;
    let parent = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
    let tmp = sibling(out, "new");
    if tmp.exists() {
        std::fs::remove_dir_all(&tmp).map_err(|e| Error::io(&tmp, e))?;
    }
    let result = (|| {
        for f in files {
            let rel = Path::new(&f.path);
            if rel.is_absolute()
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
            }
            std::fs::write(&path, guarded(&f.path, &f.bytes).as_ref())
                .map_err(|e| Error::io(&path, e))?;
        }
        Ok(())
    })();
    if let Err(e) = result {
        let _ = std::fs::remove_dir_all(&tmp);
        return Err(e);
    }
    let old = sibling(out, "old");
    if out.exists() {
        if !out.is_dir() {
            let _ = std::fs::remove_dir_all(&tmp);
            return Err(Error::Usage(format!(
                "{} exists and is not a folder",
                out.display()
            )));
        }
        std::fs::rename(out, &old).map_err(|e| Error::io(out, e))?;
    }
    if let Err(e) = std::fs::rename(&tmp, out) {
        if old.exists() {
            let _ = std::fs::rename(&old, out);
        }
        return Err(Error::io(out, e));
    }
    if old.exists() {
        let _ = std::fs::remove_dir_all(&old);
    }
    Ok(())
}
