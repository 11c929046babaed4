//! [`Results`] → report.html, report.md, results.json and charts/*.svg, written atomically.
//!
//! Templates and styles are real files under `reports/`, compiled in and overridable by a study's
//! own `reports/` folder. Templates only format: every number comes from results.json. HTML is
//! always auto-escaped, Markdown output escapes Markdown and HTML syntax; data is never compiled as
//! a template. Outputs are built in a temporary folder and moved into place only when complete.

mod capability;
pub mod cells;
pub mod charts;
pub mod figures;
pub mod format;
pub mod pseudonym;
pub mod respondents;
mod templates;
mod write;

use crate::analysis::Results;
use crate::error::{Error, Result};
use crate::study::Study;

pub use templates::Templates;
pub use write::{write_atomic, write_folder};

/// One output file: its path inside the output folder and its bytes.
pub struct OutputFile {
    pub path: String,
    pub bytes: Vec<u8>,
}

/// Renders every output of a run in `lang`.
pub fn render(study: &Study, results: &Results, lang: &str) -> Result<Vec<OutputFile>> {
    let templates = Templates::load(study)?;
    let strings = templates.strings(lang)?;
    let figures = figures::build(study, results, lang, &strings)?;

    let mut files = Vec::new();
    let json = serde_json::to_string_pretty(results)
        .map_err(|e| Error::Usage(format!("results could not be serialised: {e}")))?;
    files.push(OutputFile {
        path: "results.json".into(),
        bytes: (json + "\n").into_bytes(),
    });
    for f in &figures {
        files.push(OutputFile {
            path: f.file.clone(),
            bytes: f.svg.clone().into_bytes(),
        });
    }
    let html =
        templates.render_report("report.html.j2", results, lang, &strings, &figures, study)?;
    files.push(OutputFile {
        path: "report.html".into(),
        bytes: html.into_bytes(),
    });
    let md = templates.render_report("report.md.j2", results, lang, &strings, &figures, study)?;
    files.push(OutputFile {
        path: "report.md".into(),
        bytes: md.into_bytes(),
    });
    Ok(files)
}
