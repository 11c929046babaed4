//! `capakit run STUDY --out DIR`: the whole pipeline — read, check, analyse, report — writing
//! report.html, report.md, results.json and charts/ into DIR atomically.

use std::path::PathBuf;

use crate::analysis::run_analyses;
use crate::check::segments::Coding;
use crate::check::{check_study, Dataset};
use crate::diagnostics::{Diagnostics, Severity};
use crate::error::{Error, Result};
use crate::locale::Lang;
use crate::msg;
use crate::plan::Plan;
use crate::report::pseudonym::Pseudonymiser;
use crate::report::respondents::scores_csv;
use crate::report::{check_out, render, write_folder};
use crate::study::Study;

/// Run a study: check the data, run the analyses, write the report.
///
/// Writes into the output folder: the research report as report.html (one self-contained file,
/// charts inline), report.md with charts/*.svg and report.docx; the policy brief (brief.html,
/// brief.md); the easy-read summary for the young people (easy-read.html, easy-read.md);
/// tables.xlsx (every table, and the questionnaire's data dictionary); results.json with every
/// number the reports show. The folder is replaced only when everything has been produced. Stops
/// with exit code 1 when the data has errors (see `capakit check`); warnings are listed in the
/// report's data-quality chapter.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The study folder (or its study.toml).
    pub study: PathBuf,
    /// The output folder, replaced as a whole. It must be missing, empty, or an earlier capakit
    /// output (marked by its .capakit-output file); it may not be, or hold, the study folder, an
    /// input file or the current folder (so `--out .` is refused). It may lie inside the study
    /// (e.g. STUDY/out) when it holds none of its inputs.
    #[arg(long, short, default_value = "out")]
    pub out: PathBuf,
    /// Language of the report: labels and text (default: the study's default_language); also of
    /// the findings printed while it runs (English when not given).
    #[arg(long)]
    pub lang: Option<String>,
    /// For the research team only: write the numbers without disclosure control, in files named
    /// INTERNAL-…-unsuppressed and charts in INTERNAL-charts-unsuppressed/ (never publish them).
    /// By default every count below the study's min_cell, and whatever would reveal one, is
    /// hidden.
    #[arg(long)]
    pub internal: bool,
}

pub fn execute(args: Args) -> Result<i32> {
    // Every analyses file and rule is checked before any data is read.
    let mut plan = crate::analysis::load_plan(&args.study)?;
    if args.internal {
        plan.study.min_cell = 0;
        // The research team's copy shows true counts: no perturbation either.
        plan.study.method = crate::study::Method::Suppression;
    }
    let study = &plan.study;
    // Before anything is read: the output folder may not destroy the study or its inputs.
    check_out(&args.out, &study.dir, &inputs_of(study))?;
    // The findings printed here speak the language asked for, else English.
    let said = args.lang.as_deref().map_or(Lang::En, Lang::of);
    let lang = args.lang.unwrap_or_else(|| study.default_language.clone());
    if !study.languages.contains(&lang) {
        return Err(Error::Usage(format!(
            "--lang {lang}: the study is in {}",
            study.languages.join(", ")
        )));
    }
    let Some((datasets, codings, diagnostics)) = checked_inputs(&plan, &args.study, said)? else {
        return Ok(1);
    };
    let mut results = run_analyses(&plan, &datasets, &codings, &diagnostics)?;
    results.internal = args.internal;
    let instruments: Vec<_> = datasets.iter().map(|d| &d.instrument).collect();
    let mut files = render(study, &results, &instruments, &lang)?;
    if args.internal {
        // Respondent-level scores for the research team, with keyed pseudonyms (or no ids).
        let pseudo = Pseudonymiser::of_study(study, &args.out)?;
        if pseudo.is_none() {
            eprintln!(
                "capakit: no pseudonym key (CAPAKIT_PSEUDONYM_KEY or [disclosure] key_file): respondent ids are left out of the scores file"
            );
        }
        files.push(scores_csv(&datasets, pseudo.as_ref(), &lang));
        for f in &mut files {
            if !f.path.contains('/') {
                let (stem, ext) = f.path.rsplit_once('.').unwrap_or((&f.path, ""));
                f.path = format!("INTERNAL-{stem}-unsuppressed.{ext}");
            }
        }
    }
    let main = files
        .iter()
        .find(|f| f.path.ends_with(".html"))
        .map_or_else(|| "report.html".to_string(), |f| f.path.clone());
    write_folder(&args.out, &files)?;
    // Per source, as the report says: answers of several waves are not as many people.
    let many = results.sources.len() > 1;
    let who: Vec<String> = results
        .sources
        .iter()
        .map(|s| {
            let counted = match (s.waves.len(), s.people) {
                (w, Some(p)) if w > 1 => msg!("run-answers-people", n = s.n, people = p, waves = w),
                (w, None) if w > 1 => msg!("run-answers", n = s.n, waves = w),
                _ => msg!("run-respondents", n = s.n),
            }
            .text(said);
            if many {
                format!("{}: {counted}", s.name)
            } else {
                counted
            }
        })
        .collect();
    let who = match who.join("; ") {
        w if w.is_empty() => w,
        w => format!("{w}, "),
    };
    let analyses = match results.not_run.len() {
        0 => msg!("count-analysis", n = results.analyses.len()),
        k => msg!(
            "run-analyses-not-run",
            n = results.analyses.len(),
            not_run = k
        ),
    };
    eprintln!(
        "capakit: {who}{}, {} → {}",
        analyses.text(said),
        msg!("count-warning", n = diagnostics.count(Severity::Warning)).text(said),
        args.out.join(main).display()
    );
    Ok(0)
}

/// Every file and folder a run of `study` reads, which its output folder may not replace: the
/// study file, data, instruments, focus-group files, analyses, the pseudonym key and the study's
/// own reports/ folder.
pub(crate) fn inputs_of(study: &Study) -> Vec<PathBuf> {
    let mut inputs = vec![study.file.clone(), study.dir.join("reports")];
    for s in &study.sources {
        inputs.push(s.path.clone());
        inputs.push(s.instrument.clone());
    }
    for s in &study.segment_sources {
        inputs.push(s.path.clone());
        inputs.extend(s.metadata.iter().chain(&s.codebook).cloned());
    }
    inputs.extend(study.record_sources.iter().map(|s| s.path.clone()));
    inputs.extend(study.session_sources.iter().map(|s| s.path.clone()));
    for s in &study.network_sources {
        inputs.extend([s.path.clone(), s.registry.clone()]);
    }
    inputs.extend(study.analyses.iter().cloned());
    inputs.extend(study.geography_files.iter().cloned());
    inputs.extend(study.key_file.iter().cloned());
    inputs
}

/// A study's checked survey data, coded focus groups and every finding about them.
pub(crate) type Inputs = (Vec<Dataset>, Vec<Coding>, Diagnostics);

/// Reads and checks every source of the study, printing its findings (errors first, at most 30);
/// `None` when the data has errors (nothing can be analysed: the caller exits with 1).
pub(crate) fn checked_inputs(
    plan: &Plan,
    shown: &std::path::Path,
    lang: Lang,
) -> Result<Option<Inputs>> {
    let study = &plan.study;
    let mut diagnostics = Diagnostics::default();
    let mut datasets = Vec::new();
    for checked in check_study(plan)? {
        diagnostics.extend(checked.diagnostics);
        datasets.push(checked.dataset);
    }
    let mut codings = Vec::new();
    for source in &study.segment_sources {
        let (coding, d) = crate::check::segments::check_segments(study, source)?;
        diagnostics.extend(d);
        codings.push(coding);
    }
    for source in &study.record_sources {
        diagnostics.extend(crate::check::records::check_records(study, source)?.1);
    }
    for source in &study.session_sources {
        diagnostics.extend(crate::check::sessions::check_sessions(study, source)?.1);
    }
    for source in &study.network_sources {
        diagnostics.extend(crate::check::network::check_network(study, source)?.1);
    }
    // Errors first, at most 30 lines: `capakit check` lists more.
    const SHOWN: usize = 30;
    let mut findings: Vec<_> = diagnostics
        .grouped()
        .into_iter()
        .filter(|d| d.severity() != Severity::Note)
        .collect();
    findings.sort_by_key(|d| d.severity());
    for d in findings.iter().take(SHOWN) {
        eprintln!("{}", d.text(lang));
    }
    let shown = shown.display().to_string();
    if findings.len() > SHOWN {
        let n = findings.len() - SHOWN;
        eprintln!(
            "{}",
            msg!("run-more-lines", n = n, study = &shown).text(lang)
        );
    }
    if diagnostics.has_errors() {
        let errors = msg!("count-error", n = diagnostics.count(Severity::Error));
        eprintln!(
            "capakit: {}",
            msg!("run-errors", errors = errors, study = shown).text(lang)
        );
        return Ok(None);
    }
    Ok(Some((datasets, codings, diagnostics)))
}
