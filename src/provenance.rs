//! Provenance of a run: the SHA-256 of every input file, the instruments' versions, the settings
//! that shape what is published, and capakit's version — so a reader can tell whether two reports
//! rest on the same data, and a researcher can show which files a number came from. Nothing here
//! depends on the time or the machine: two runs on the same inputs give the same provenance.

use std::path::{Path, PathBuf};

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::study::{Nonresponse, Study};

/// One input file.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct InputFile {
    /// What the file is: "study", "data", "instrument", "segments", "metadata", "codebook",
    /// "analyses".
    pub role: &'static str,
    /// The path relative to the study's folder for a file inside it, else the file name alone
    /// (never absolute and never climbing through parent folders, so no folder name shows).
    pub path: String,
    pub bytes: u64,
    pub sha256: String,
}

/// An instrument's identity as its settings sheet gives it.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct InstrumentVersion {
    pub path: String,
    pub form_id: Option<String>,
    pub version: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Provenance {
    pub capakit_version: &'static str,
    pub inputs: Vec<InputFile>,
    pub instruments: Vec<InstrumentVersion>,
    pub min_cell: u64,
    pub nonresponse: Nonresponse,
    pub languages: Vec<String>,
    pub territories: Vec<String>,
}

fn hash(role: &'static str, path: &Path, study: &Study) -> Result<InputFile> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    Ok(InputFile {
        role,
        // A transcript's file may be named after a participant: listed names are redacted.
        path: crate::analysis::codes::redact(&study.display_path(path), &study.names),
        bytes: bytes.len() as u64,
        sha256: format!("{:x}", Sha256::digest(&bytes)),
    })
}

/// The provenance of a run of `study`; `instruments` are (path, form id, version) of the
/// instruments read.
pub fn of(
    study: &Study,
    instruments: &[(PathBuf, Option<String>, Option<String>)],
) -> Result<Provenance> {
    let mut inputs = vec![hash("study", &study.file, study)?];
    let mut add = |role, path: &Path| -> Result<()> {
        let file = hash(role, path, study)?;
        if !inputs.iter().any(|x| x.path == file.path) {
            inputs.push(file);
        }
        Ok(())
    };
    for g in &study.geography_files {
        add("geography", g)?;
    }
    for s in &study.sources {
        add("data", &s.path)?;
        add("instrument", &s.instrument)?;
    }
    for s in &study.segment_sources {
        add("segments", &s.path)?;
        if let Some(m) = &s.metadata {
            add("metadata", m)?;
        }
        if let Some(c) = &s.codebook {
            add("codebook", c)?;
        }
    }
    for s in &study.record_sources {
        add("records", &s.path)?;
    }
    for s in &study.session_sources {
        add("sessions", &s.path)?;
    }
    for s in &study.network_sources {
        add("network", &s.path)?;
        add("registry", &s.registry)?;
    }
    for a in &study.analyses {
        add("analyses", a)?;
    }
    // The pseudonym key is never hashed: its fingerprint is no one's business.
    let mut versions: Vec<InstrumentVersion> = Vec::new();
    for (path, form_id, version) in instruments {
        let v = InstrumentVersion {
            path: study.display_path(path),
            form_id: form_id.clone(),
            version: version.clone(),
        };
        if !versions.contains(&v) {
            versions.push(v);
        }
    }
    Ok(Provenance {
        capakit_version: env!("CARGO_PKG_VERSION"),
        inputs,
        instruments: versions,
        min_cell: study.min_cell,
        nonresponse: study.nonresponse,
        languages: study.languages.clone(),
        territories: study.territories().iter().map(|t| t.name.clone()).collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_shown_relative_to_the_study() {
        use crate::study::shown_in;
        let study = Path::new("examples/caring-prato-firenze");
        // Outside the study: the file name alone, never the folders it climbs through.
        assert_eq!(
            shown_in(
                study,
                Path::new("examples/caring-prato-firenze/../../instruments/q.xlsx")
            ),
            "q.xlsx"
        );
        assert_eq!(
            shown_in(
                study,
                Path::new("examples/caring-prato-firenze/./data/a.csv")
            ),
            "data/a.csv"
        );
        assert_eq!(
            shown_in(
                Path::new("/home/ada/study"),
                Path::new("/home/ada/study/../private/Fascicolo-Rossi/q.xlsx")
            ),
            "q.xlsx"
        );
        // However the study's path is written.
        let cwd = std::env::current_dir().unwrap();
        for root in [
            Path::new("examples/caring-prato-firenze/"),
            &cwd.join("examples/caring-prato-firenze"),
        ] {
            assert_eq!(shown_in(root, &root.join("data/a.csv")), "data/a.csv");
        }
        assert_eq!(
            shown_in(Path::new("."), Path::new("./data/a.csv")),
            "data/a.csv"
        );
        assert_eq!(
            shown_in(Path::new(""), Path::new("data/a.csv")),
            "data/a.csv"
        );
    }
}
