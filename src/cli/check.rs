//! `capakit check STUDY`: validates every data file against its questionnaire and lists each
//! finding with its place (file, sheet, row, column, value). Writes nothing.

use std::path::PathBuf;

use crate::analysis::run_entries;
use crate::check::check_source;
use crate::diagnostics::{Diagnostics, Severity};
use crate::error::Result;
use crate::locale::Lang;
use crate::msg;
use crate::study::FailOn;

use super::print_lines;

/// Validate a study: its analyses and rules, then its data against the questionnaire; write nothing.
///
/// Reads study.toml and every analyses file first: a mistake there (an unknown key or kind, a rule
/// naming an analysis that is not there, …) stops with its file, line and column before any data
/// is read. Then lists every finding in the data as `severity[code]: file, sheet, row, column
/// (name): message`, rows and columns as Excel shows them — one line per kind of finding in a
/// column, with how many rows, the first five and an example (`--all`: every one) —, and, when the data has no errors, runs the analyses in memory to check what they
/// name in it. Exit code 0 when the data has no errors (warnings are printed: `run` goes on with
/// them), 1 when there are errors — or warnings too with `--strict` or `[check] fail_on =
/// "warning"` in study.toml —, 2 when an input or an analysis cannot be used. Notes, which say how
/// a file was read, never count.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The study folder (or its study.toml).
    pub study: PathBuf,
    /// Print findings as JSON (one array) instead of lines.
    #[arg(long)]
    pub json: bool,
    /// List every finding on a line of its own, instead of one line per kind of finding in a
    /// column (with its count, first rows and an example).
    #[arg(long)]
    pub all: bool,
    /// Exit 1 on warnings too, not only on errors (as `[check] fail_on = "warning"` in study.toml).
    #[arg(long)]
    pub strict: bool,
    /// The language of the findings and of the summary lines (with --json, of each `message`;
    /// its `id` and `code` are the same in every language).
    #[arg(long, value_enum, default_value_t = Lang::En)]
    pub lang: Lang,
}

/// `3 errors, 1 warning, 0 notes` in `lang`.
fn counts(d: &Diagnostics, lang: Lang) -> [String; 3] {
    [
        msg!("count-error", n = d.count(Severity::Error)).text(lang),
        msg!("count-warning", n = d.count(Severity::Warning)).text(lang),
        msg!("count-note", n = d.count(Severity::Note)).text(lang),
    ]
}

pub fn execute(args: Args) -> Result<i32> {
    let lang = args.lang;
    if args.all {
        crate::diagnostics::keep_all();
    }
    // The analyses files and rules are checked before any data is read: a typo there stops here.
    let mut plan = crate::analysis::load_plan(&args.study)?;
    plan.checking = true;
    let study = &plan.study;
    let mut all = Diagnostics::default();
    let mut summary = Vec::new();
    // Every source is checked, even after one cannot be read: each unusable file gets its own
    // located line, and the exit code is 2 at the end.
    let mut unusable = Vec::new();
    let mut checked_sources = Vec::new();
    let mut codings = Vec::new();
    for source in &study.sources {
        match check_source(&plan, source) {
            Ok(c) => checked_sources.push((source, c)),
            Err(e) => unusable.push(e),
        }
    }
    for source in &study.segment_sources {
        match crate::check::segments::check_segments(study, source) {
            Ok((coding, d)) => {
                let documents: std::collections::BTreeSet<&str> = coding
                    .segments
                    .iter()
                    .map(|s| s.document.as_str())
                    .collect();
                let [errors, warnings, notes] = counts(&d, lang);
                summary.push(
                    msg!(
                        "summary-segments",
                        file = &coding.file,
                        n = coding.segments.len(),
                        documents = msg!("count-document", n = documents.len()),
                        errors = errors,
                        warnings = warnings,
                        notes = notes
                    )
                    .text(lang),
                );
                all.extend(d);
                codings.push(coding);
            }
            Err(e) => unusable.push(e),
        }
    }
    for source in &study.record_sources {
        match crate::check::records::check_records(study, source) {
            Ok((records, d)) => {
                let [errors, warnings, notes] = counts(&d, lang);
                summary.push(
                    msg!(
                        "summary-records",
                        file = &records.file,
                        rows = msg!("count-row", n = records.rows.len()),
                        columns = msg!("count-number-column", n = records.columns.len()),
                        errors = errors,
                        warnings = warnings,
                        notes = notes
                    )
                    .text(lang),
                );
                all.extend(d);
            }
            Err(e) => unusable.push(e),
        }
    }
    for source in &study.session_sources {
        match crate::check::sessions::check_sessions(study, source) {
            Ok((log, d)) => {
                let [errors, warnings, notes] = counts(&d, lang);
                summary.push(
                    msg!(
                        "summary-sessions",
                        file = &log.file,
                        sessions = msg!("count-session", n = log.rows.len()),
                        people = msg!("count-person", n = log.people()),
                        errors = errors,
                        warnings = warnings,
                        notes = notes
                    )
                    .text(lang),
                );
                all.extend(d);
            }
            Err(e) => unusable.push(e),
        }
    }
    for source in &study.network_sources {
        match crate::check::network::check_network(study, source) {
            Ok((net, d)) => {
                // A survey of professionals: "220 answers from professionals (115 in t1, 105 in
                // t2) named 940 ties" — answers, as the same people may answer in each wave.
                let [errors, warnings, notes] = counts(&d, lang);
                let ties = msg!("count-tie", n = net.ties.len());
                let services = msg!("count-service", n = net.services.len());
                let line = match net.involved.as_ref() {
                    None => msg!(
                        "summary-network",
                        file = &net.file,
                        ties = ties,
                        services = services,
                        registry = &net.registry_file,
                        errors = errors,
                        warnings = warnings,
                        notes = notes
                    ),
                    Some(_) => {
                        let total: usize = net.respondents.values().sum();
                        let per_wave: Vec<String> = net
                            .respondents
                            .iter()
                            .filter_map(|(w, n)| {
                                w.map(|w| {
                                    msg!("in-wave", n = *n, wave = &study.waves[w].id).text(lang)
                                })
                            })
                            .collect();
                        let who = if per_wave.is_empty() {
                            msg!("network-who-professionals", n = total)
                        } else {
                            msg!(
                                "network-who-answers",
                                n = total,
                                per_wave = per_wave.join(", ")
                            )
                        };
                        msg!(
                            "summary-network-survey",
                            file = &net.file,
                            who = who,
                            ties = ties,
                            services = services,
                            registry = &net.registry_file,
                            errors = errors,
                            warnings = warnings,
                            notes = notes
                        )
                    }
                };
                summary.push(line.text(lang));
                all.extend(d);
            }
            Err(e) => unusable.push(e),
        }
    }
    // Each file's line, then the files of a source together (one per wave) as the analyses read
    // them.
    for (_, checked) in &checked_sources {
        let d = &checked.diagnostics;
        let [errors, warnings, notes] = counts(d, lang);
        summary.push(
            msg!(
                "summary-data",
                file = &checked.dataset.file,
                n = checked.dataset.height(),
                errors = errors,
                warnings = warnings,
                notes = notes
            )
            .text(lang),
        );
    }
    let mut datasets = Vec::new();
    for checked in crate::check::by_source(checked_sources) {
        all.extend(checked.diagnostics);
        datasets.push(checked.dataset);
    }
    // What the analyses name in the data (an item, a scale, a group, a rule's indicator) is
    // checked by running them in memory, as `run` would; like `run`, not on data with errors.
    if unusable.is_empty() && !all.has_errors() {
        match run_entries(&plan, &datasets, &codings) {
            Ok((entries, not_run)) => {
                let note = Severity::Note.word(lang);
                summary.extend(
                    not_run
                        .iter()
                        .map(|n| format!("{note}: {}", n.message().text(lang))),
                );
                // Rounded weights that were divided by their sum.
                summary.extend(entries.iter().filter_map(|e| {
                    match &e.result {
                        crate::analysis::AnalysisResult::Capability(r) => r
                            .weights_rescaled
                            .as_ref()
                            .map(|w| format!("{note}: {}", w.note())),
                        _ => None,
                    }
                }));
            }
            Err(e) => unusable.push(e),
        }
    }
    if args.json {
        let lines: Vec<serde_json::Value> = all.lines().iter().map(|l| l.json(lang)).collect();
        let json = serde_json::to_string_pretty(&lines).unwrap_or_else(|_| "[]".into());
        print_lines([json]);
    } else {
        let lines = if args.all { all.lines() } else { all.grouped() };
        print_lines(lines.iter().map(|d| d.text(lang)).chain(summary));
    }
    for e in &unusable {
        eprintln!("capakit: error: {e}");
    }
    let strict = args.strict || study.check.fail_on == FailOn::Warning;
    let failing = all.has_errors() || (strict && all.count(Severity::Warning) > 0);
    Ok(if !unusable.is_empty() {
        2
    } else if failing {
        1
    } else {
        0
    })
}
