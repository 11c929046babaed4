//! The entry point of the fuzz targets (`fuzz/`) and of the replay of their regression files
//! (`cargo test`): read bytes as a data file of one type, and check that the outcome is a table
//! or a located error.

use std::io::Write;

/// Reads `bytes` as a file of type `ext` from a temporary folder; panics only if the reader
/// broke its contract (a panic inside calamine is caught and turned into an error by the reader).
pub fn read(bytes: &[u8], ext: &str) {
    let dir = std::env::temp_dir().join(format!("capakit-fuzz-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    let path = dir.join(format!("input.{ext}"));
    let written = std::fs::File::create(&path).and_then(|mut f| f.write_all(bytes));
    if written.is_err() {
        return;
    }
    let shown = format!("input.{ext}");
    match super::read_table(&path, &shown, None) {
        Ok(t) => assert!(t.columns.iter().all(|c| c.len() == t.height())),
        Err(e) => assert!(e.to_string().starts_with(&shown), "unlocated error: {e}"),
    }
}

/// Reads `bytes` as coded segments: the first byte picks a REFI-QDA project (.qdpx) or a CSV
/// export read in every layout; the outcome is segments and findings, or a located error.
pub fn segments(bytes: &[u8]) {
    let Some((&kind, rest)) = bytes.split_first() else {
        return;
    };
    let dir = std::env::temp_dir().join(format!("capakit-fuzz-seg-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    let ext = if kind % 2 == 0 { "qdpx" } else { "csv" };
    let path = dir.join(format!("input.{ext}"));
    if std::fs::File::create(&path)
        .and_then(|mut f| f.write_all(rest))
        .is_err()
    {
        return;
    }
    let shown = format!("input.{ext}");
    if ext == "qdpx" {
        if let Err(e) = super::qdpx::read_qdpx(&path, &shown) {
            assert!(e.to_string().starts_with(&shown), "unlocated error: {e}");
        }
        return;
    }
    let Ok(t) = super::read_table(&path, &shown, None) else {
        return;
    };
    let long = super::segments::LongColumns::default();
    for layout in [
        super::segments::Layout::Long,
        super::segments::Layout::QualCoder,
        super::segments::Layout::Taguette,
        super::segments::Layout::Wide,
    ] {
        let (segments, _) = super::segments::read_segments(&t, layout, &long);
        assert!(segments
            .iter()
            .all(|s| !s.code.is_empty() && s.start.zip(s.end).is_none_or(|(a, b)| a <= b)));
    }
}

#[cfg(test)]
mod tests {
    /// Every input a fuzzing run ever crashed on is kept in fuzz/regressions/<target>/ and read
    /// again here, on stable Rust.
    #[test]
    fn replay_fuzz_regressions() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/regressions");
        let mut replayed = 0;
        for (target, ext) in [
            ("csv", None),
            ("workbook", Some(["xlsx", "ods", "xls", "xlsb"])),
            ("segments", Some(["", "", "", ""])),
        ] {
            let Ok(entries) = std::fs::read_dir(root.join(target)) else {
                continue;
            };
            for entry in entries.flatten() {
                let data = std::fs::read(entry.path()).unwrap();
                match ext {
                    None => super::read(&data, "csv"),
                    Some(_) if target == "segments" => super::segments(&data),
                    Some(exts) => {
                        if let Some((&kind, bytes)) = data.split_first() {
                            super::read(bytes, exts[kind as usize % exts.len()]);
                        }
                    }
                }
                replayed += 1;
            }
        }
        assert!(replayed > 0, "the regression corpus is there");
    }
}
