//! Keyed pseudonyms for respondent ids in outputs that need them (the research team's
//! respondent-level file): HMAC-SHA256 of the id under a secret key, so the same id and key give
//! the same pseudonym in every wave and panels still link, while nobody without the key can
//! recompute them. A plain hash of `CL-PO-001` could be reversed by trying every code, so without
//! a key ids are dropped rather than hashed.
//!
//! The key is read from `CAPAKIT_PSEUDONYM_KEY`, or from the file named by `[disclosure] key_file`
//! in study.toml, which must lie outside the data and output folders.

use std::path::{Path, PathBuf};

use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::error::{Error, Result};
use crate::study::Study;

/// Makes pseudonyms under one secret key.
pub struct Pseudonymiser {
    key: Vec<u8>,
}

/// A key shorter than this is refused: it could be guessed.
pub const MIN_KEY_BYTES: usize = 16;

impl Pseudonymiser {
    pub fn new(key: &[u8]) -> Result<Pseudonymiser> {
        if key.len() < MIN_KEY_BYTES {
            return Err(Error::Usage(format!(
                "the pseudonym key has {} bytes: use at least {MIN_KEY_BYTES} random characters",
                key.len()
            )));
        }
        Ok(Pseudonymiser { key: key.to_vec() })
    }

    /// The key of a study, from the environment or its key file; `None` without either. A key
    /// file inside a data folder or inside `out` is refused.
    pub fn of_study(study: &Study, out: &Path) -> Result<Option<Pseudonymiser>> {
        if let Ok(key) = std::env::var("CAPAKIT_PSEUDONYM_KEY") {
            return Pseudonymiser::new(key.trim().as_bytes()).map(Some);
        }
        let Some(file) = &study.key_file else {
            return Ok(None);
        };
        let canon = |p: &Path| -> PathBuf { p.canonicalize().unwrap_or_else(|_| p.to_path_buf()) };
        let key_path = canon(file);
        let out_path = canon(out);
        let near_data = study
            .sources
            .iter()
            .filter_map(|s| s.path.parent())
            .any(|d| key_path.starts_with(canon(d)));
        if near_data || key_path.starts_with(&out_path) {
            return Err(Error::Usage(format!(
                "the pseudonym key {} lies in a data or output folder: keep it apart from what it protects",
                file.display()
            )));
        }
        let text = std::fs::read(file).map_err(|e| Error::io(file, e))?;
        let trimmed = String::from_utf8_lossy(&text).trim().to_string();
        Pseudonymiser::new(trimmed.as_bytes()).map(Some)
    }

    /// The secret key itself (the cell-key method keys its record keys with it).
    pub fn secret(&self) -> &[u8] {
        &self.key
    }

    /// The pseudonym of `id`: `P-` and the first 16 hex digits of HMAC-SHA256(key, id).
    pub fn of(&self, id: &str) -> String {
        let mut mac =
            Hmac::<Sha256>::new_from_slice(&self.key).expect("HMAC takes keys of any length");
        mac.update(id.trim().as_bytes());
        let digest = mac.finalize().into_bytes();
        let hex: String = digest.iter().take(8).map(|b| format!("{b:02x}")).collect();
        format!("P-{hex}")
    }
}

/// The study's secret, for keys computed inside the analyses (the cell-key method's record keys):
/// `CAPAKIT_PSEUDONYM_KEY`, else the key file; `None` without either. Where the key file may lie
/// is checked when the study is loaded and again when a run writes pseudonyms.
pub fn study_secret(study: &Study) -> Result<Option<Vec<u8>>> {
    let key = if let Ok(key) = std::env::var("CAPAKIT_PSEUDONYM_KEY") {
        key
    } else if let Some(file) = &study.key_file {
        let text = std::fs::read(file).map_err(|e| Error::io(file, e))?;
        String::from_utf8_lossy(&text).into_owned()
    } else {
        return Ok(None);
    };
    Pseudonymiser::new(key.trim().as_bytes()).map(|p| Some(p.key))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn against_python_hmac() {
        // Python 3.11: hmac.new(b'capakit-test-key-0123456789', b'CL-PO-001', hashlib.sha256)
        //   .hexdigest() → 67d28620a0722a76b0d36e42063cbcb470a81391ec8f70120799f333bb5a50c9;
        //   b'CL-FI-038' → 68e6a8b735f0525f55bfae7571a6e2bbff303e2f2ab5271369efb2b72300312a
        let p = Pseudonymiser::new(b"capakit-test-key-0123456789").unwrap();
        assert_eq!(p.of("CL-PO-001"), "P-67d28620a0722a76");
        assert_eq!(p.of(" CL-FI-038 "), "P-68e6a8b735f0525f");
        assert_ne!(
            Pseudonymiser::new(b"another-key-0123456789")
                .unwrap()
                .of("CL-PO-001"),
            p.of("CL-PO-001")
        );
        assert!(Pseudonymiser::new(b"short").is_err());
    }
}
