//! `capakit feedback-form STUDY --out FILE.xlsx`: the XLSForm with which the young people rate
//! the recommendations of the study (closing the participatory loop).

use std::path::PathBuf;

use crate::analysis::{run_entries, AnalysisResult};
use crate::error::{Error, Result};
use crate::report::feedback_form::{feedback_form, is_feedback_form};
use crate::report::{check_out_file, write_atomic};

/// Write an XLSForm for the young people to rate the study's recommendations.
///
/// Runs the study as `capakit run` does, then writes, for every recommendation that holds, its
/// text in plain words with "how much do you agree?" (1–5) and "how important is this for you?"
/// (1–4), in every language of the study. Deploy it on KoboToolbox or ODK; add its answers to
/// study.toml as a source (instrument = this file) and the report shows, beside each
/// recommendation, how the young people rated it.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The study folder (or its study.toml).
    pub study: PathBuf,
    /// The XLSForm to write (.xlsx). It may replace only a feedback form capakit wrote, never
    /// another file, the study or any of its inputs.
    #[arg(long, short)]
    pub out: PathBuf,
}

pub fn execute(args: Args) -> Result<i32> {
    if !args
        .out
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("xlsx"))
    {
        return Err(Error::Usage(format!(
            "--out {}: the feedback form is an .xlsx file (an XLSForm)",
            args.out.display()
        )));
    }
    let plan = crate::analysis::load_plan(&args.study)?;
    let study = &plan.study;
    // Before anything is read: the form may replace only an earlier feedback form, never the
    // study, one of its inputs or another file.
    check_out_file(
        &args.out,
        &study.dir,
        &super::run::inputs_of(study),
        "a feedback form capakit wrote",
        is_feedback_form,
    )?;
    let Some((datasets, codings, _)) =
        super::run::checked_inputs(&plan, &args.study, crate::locale::Lang::En)?
    else {
        return Ok(1);
    };
    let (entries, _) = run_entries(&plan, &datasets, &codings)?;
    let recs: Vec<_> = entries
        .iter()
        .filter_map(|e| match &e.result {
            AnalysisResult::Recommendations(r) => Some(r.recommendations.clone()),
            _ => None,
        })
        .flatten()
        .collect();
    if recs.is_empty() {
        return Err(Error::Usage(format!(
            "{}: no recommendation holds (or the study has no analysis of kind \"recommendations\"): there is nothing to rate",
            args.study.display()
        )));
    }
    let bytes = feedback_form(study, &recs)
        .map_err(|e| Error::Usage(format!("the feedback form could not be written: {e}")))?;
    write_atomic(&args.out, &bytes)?;
    eprintln!(
        "capakit: feedback form with {} recommendations → {}",
        recs.len(),
        args.out.display()
    );
    Ok(0)
}
