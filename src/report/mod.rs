//! [`Results`] → report.html (and, from it, report.md and report.docx), results.json and
//! charts/*.svg, written atomically.
//!
//! Templates and styles are real files under `reports/`, compiled in and overridable by a study's
//! own `reports/` folder. Templates only format: every number comes from results.json. HTML is
//! always auto-escaped, Markdown output escapes Markdown and HTML syntax; data is never compiled as
//! a template. Outputs are built in a temporary folder and moved into place only when complete.

pub mod audiences;
pub mod cells;
pub mod document;
pub mod docx;
pub mod feedback_form;
pub mod figures;
pub mod markdown;
pub use crate::format;
pub mod pseudonym;
pub mod respondents;
mod templates;
pub mod who;
pub mod workbook;
mod write;

use crate::analysis::Results;
use crate::error::{Error, Result};
use crate::study::Study;

pub use templates::Templates;
pub use write::{check_out, check_out_file, write_atomic, write_folder, MARKER};

/// The folder of the charts of an `--internal` run (unsuppressed numbers), in place of charts/.
pub const INTERNAL_CHARTS: &str = "INTERNAL-charts-unsuppressed";

/// One output file: its path inside the output folder and its bytes.
pub struct OutputFile {
    pub path: String,
    pub bytes: Vec<u8>,
}

/// The code-by-document 0/1 matrix as CSV (`;` and decimal comma in Italian, as Excel reads it).
fn codes_by_document_csv(c: &crate::analysis::codes::CodesResult, lang: &str) -> String {
    use cells::{csv_line, Field};
    let (sep, comma) = if lang == "it" {
        (';', true)
    } else {
        (',', false)
    };
    let mut header = vec![Field::Text("document"), Field::Text(&c.by)];
    header.extend(c.codes.iter().map(|x| Field::Text(&x.code)));
    let mut out = csv_line(&header, sep, comma);
    for row in &c.by_document {
        let mut fields = vec![
            Field::Text(&row.document),
            row.group.as_deref().map_or(Field::Empty, Field::Text),
        ];
        fields.extend(row.codes.iter().map(|&x| Field::Number(f64::from(x))));
        out.push_str(&csv_line(&fields, sep, comma));
    }
    out
}

/// results.json with every string guarded ([`crate::text::guard`]): JSON escapes control
/// characters (`\u0000`), but a reader of the file would still get them back.
fn guarded_json(json: String) -> String {
    let escaped = ["\\u00", "\\b", "\\f"].iter().any(|e| json.contains(e));
    if !escaped && matches!(crate::text::guard(&json), std::borrow::Cow::Borrowed(_)) {
        return json;
    }
    fn walk(v: &mut serde_json::Value) {
        match v {
            serde_json::Value::String(s) => {
                if let std::borrow::Cow::Owned(g) = crate::text::guard(s) {
                    *s = g;
                }
            }
            serde_json::Value::Array(a) => a.iter_mut().for_each(walk),
            serde_json::Value::Object(o) => o.values_mut().for_each(walk),
            _ => {}
        }
    }
    match serde_json::from_str::<serde_json::Value>(&json) {
        Ok(mut v) => {
            walk(&mut v);
            serde_json::to_string_pretty(&v).unwrap_or(json)
        }
        Err(_) => json,
    }
}

/// Renders every output of a run in `lang`; `instruments` are the questionnaires of the study's
/// sources, as check read them (for the data dictionary).
pub fn render(
    study: &Study,
    results: &Results,
    instruments: &[&crate::instrument::Instrument],
    lang: &str,
) -> Result<Vec<OutputFile>> {
    let templates = Templates::load(study)?;
    let strings = templates.strings(lang, study)?;
    let mut figures = figures::build(study, results, lang, &strings)?;
    if results.internal {
        // Unsuppressed charts go under a name that says so, never under the public charts/.
        for f in &mut figures {
            if let Some(rest) = f.file.strip_prefix("charts/") {
                f.file = format!("{INTERNAL_CHARTS}/{rest}");
            }
        }
    }

    let mut files = Vec::new();
    let json = guarded_json(
        serde_json::to_string_pretty(results)
            .map_err(|e| Error::Usage(format!("results could not be serialised: {e}")))?,
    );
    files.push(OutputFile {
        path: "results.json".into(),
        bytes: (json + "\n").into_bytes(),
    });
    // The reports show the findings in their own language (results.json keeps them in English).
    let localised;
    let results = match crate::locale::Lang::of(lang) {
        crate::locale::Lang::En => results,
        other => {
            let mut r = results.clone();
            r.quality = r.quality.in_language(other);
            localised = r;
            &localised
        }
    };
    for f in &figures {
        files.push(OutputFile {
            path: f.file.clone(),
            bytes: f.svg.clone().into_bytes(),
        });
    }
    for entry in &results.analyses {
        if let crate::analysis::AnalysisResult::Codes(c) = &entry.result {
            files.push(OutputFile {
                path: format!("codes-{}-by-document.csv", crate::text::slug(&entry.id)),
                bytes: codes_by_document_csv(c, lang).into_bytes(),
            });
        }
    }
    // Every table as a sheet, and the data dictionary from the questionnaires read by check.
    let mut tables = workbook::tables(results, lang, &strings);
    tables.push(
        workbook::dictionary(instruments, &study.languages)
            .titled(strings.get("workbook_dictionary")),
    );
    files.push(OutputFile {
        path: "tables.xlsx".into(),
        bytes: workbook::workbook(&tables, &strings, results.min_cell, results.internal)
            .map_err(|e| Error::Usage(format!("tables.xlsx could not be written: {e}")))?,
    });
    // The research report in HTML; its Markdown and Word versions are written from what the HTML
    // holds (one content model: the same chapters and tables in every format). Then the policy
    // brief and the easy-read summary.
    const REPORTS: [(&str, &str); 5] = [
        ("report.html.j2", "report.html"),
        ("brief.html.j2", "brief.html"),
        ("brief.md.j2", "brief.md"),
        ("easy-read.html.j2", "easy-read.html"),
        ("easy-read.md.j2", "easy-read.md"),
    ];
    let names = REPORTS.map(|r| r.0);
    let texts = templates.render_reports(&names, results, lang, &strings, &figures, study)?;
    for ((_, path), text) in REPORTS.iter().zip(texts) {
        // The content model guards what it reads; every text file is guarded as it is written.
        if *path == "report.html" {
            let doc = document::from_html(&text, &figures);
            files.push(OutputFile {
                path: "report.md".into(),
                bytes: markdown::render(&doc).into_bytes(),
            });
            files.push(OutputFile {
                path: "report.docx".into(),
                bytes: docx::render(&doc, &figures, lang)
                    .map_err(|e| Error::Usage(format!("report.docx could not be written: {e}")))?,
            });
        }
        files.push(OutputFile {
            path: (*path).into(),
            bytes: text.into_bytes(),
        });
    }
    // One factsheet per region, for its representative.
    for (region, html, md) in
        templates.render_factsheets(results, lang, &strings, &figures, study)?
    {
        let name = crate::text::slug(&region);
        files.push(OutputFile {
            path: format!("factsheets/{name}.html"),
            bytes: crate::text::guard(&html).into_owned().into_bytes(),
        });
        files.push(OutputFile {
            path: format!("factsheets/{name}.md"),
            bytes: crate::text::guard(&md).into_owned().into_bytes(),
        });
    }
    Ok(files)
}
