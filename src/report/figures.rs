//! The charts of a report, built from the published results by each analysis kind (a means chart
//! per `scales` analysis, a Likert chart per scale, the capability index's charts). Each title
//! states the finding (the differences that survive the multiple-test correction, the widest gap).

use crate::analysis::kind::View;
use crate::analysis::Results;
use crate::error::Result;
use crate::study::Study;

use crate::words::Strings;

pub use crate::publication::Figure;

/// The charts of every analysis, in the order of the report: each kind draws its own
/// ([`crate::analysis::kind::AnalysisKind::figures`]), with the study's source line.
pub fn build(study: &Study, results: &Results, lang: &str, s: &Strings) -> Result<Vec<Figure>> {
    let source = match &study.report.source_note {
        Some(t) => s.fill(
            "source_line",
            &[
                ("source", t.get(lang)),
                ("version", results.capakit_version),
            ],
        ),
        None => s.fill(
            "source_line",
            &[("source", "capakit"), ("version", results.capakit_version)],
        ),
    };
    let mut figures = Vec::new();
    for entry in &results.analyses {
        let view = View {
            results,
            entry,
            lang,
            words: s,
            source: &source,
        };
        figures.extend(entry.result.as_kind().figures(&view)?);
    }
    // The who-answered chapter's histograms (number questions).
    figures.extend(super::who::figures(results, lang, s, &source)?);
    Ok(figures)
}
