//! `capakit check STUDY`: validates every data file against its questionnaire and lists each
//! finding with its place (file, sheet, row, column, value). Writes nothing.

use std::path::PathBuf;

use crate::analysis::run_entries;
use crate::check::check_source;
use crate::diagnostics::{count_noun, Diagnostics, Severity};
use crate::error::Result;
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
}

pub fn execute(args: Args) -> Result<i32> {
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
                summary.push(format!(
                    "{}: {} coded segments in {}, {}, {}, {}",
                    coding.file,
                    coding.segments.len(),
                    count_noun(documents.len(), "document"),
                    count_noun(d.count(Severity::Error), "error"),
                    count_noun(d.count(Severity::Warning), "warning"),
                    count_noun(d.count(Severity::Note), "note")
                ));
                all.extend(d);
                codings.push(coding);
            }
            Err(e) => unusable.push(e),
        }
    }
    for source in &study.record_sources {
        match crate::check::records::check_records(study, source) {
            Ok((records, d)) => {
                summary.push(format!(
                    "{}: {} in {}, {}, {}, {}",
                    records.file,
                    count_noun(records.rows.len(), "row"),
                    count_noun(records.columns.len(), "number column"),
                    count_noun(d.count(Severity::Error), "error"),
                    count_noun(d.count(Severity::Warning), "warning"),
                    count_noun(d.count(Severity::Note), "note")
                ));
                all.extend(d);
            }
            Err(e) => unusable.push(e),
        }
    }
    for source in &study.session_sources {
        match crate::check::sessions::check_sessions(study, source) {
            Ok((log, d)) => {
                summary.push(format!(
                    "{}: {} of {}, {}, {}, {}",
                    log.file,
                    count_noun(log.rows.len(), "session"),
                    count_noun(log.people(), "person"),
                    count_noun(d.count(Severity::Error), "error"),
                    count_noun(d.count(Severity::Warning), "warning"),
                    count_noun(d.count(Severity::Note), "note")
                ));
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
                let who = net.involved.as_ref().map_or(String::new(), |_| {
                    let total: usize = net.respondents.values().sum();
                    let per_wave: Vec<String> = net
                        .respondents
                        .iter()
                        .filter_map(|(w, n)| w.map(|w| format!("{n} in {}", study.waves[w].id)))
                        .collect();
                    if per_wave.is_empty() {
                        format!("{} named ", count_noun(total, "professional"))
                    } else {
                        format!(
                            "{} from professionals ({}) named ",
                            count_noun(total, "answer"),
                            per_wave.join(", ")
                        )
                    }
                });
                summary.push(format!(
                    "{}: {who}{} among {} of {}, {}, {}, {}",
                    net.file,
                    count_noun(net.ties.len(), "tie"),
                    count_noun(net.services.len(), "service"),
                    net.registry_file,
                    count_noun(d.count(Severity::Error), "error"),
                    count_noun(d.count(Severity::Warning), "warning"),
                    count_noun(d.count(Severity::Note), "note")
                ));
                all.extend(d);
            }
            Err(e) => unusable.push(e),
        }
    }
    // Each file's line, then the files of a source together (one per wave) as the analyses read
    // them.
    for (_, checked) in &checked_sources {
        let d = &checked.diagnostics;
        summary.push(format!(
            "{}: {} respondents, {}, {}, {}",
            checked.dataset.file,
            checked.dataset.height(),
            count_noun(d.count(Severity::Error), "error"),
            count_noun(d.count(Severity::Warning), "warning"),
            count_noun(d.count(Severity::Note), "note")
        ));
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
                summary.extend(not_run.iter().map(|n| format!("note: {n}")));
                // Rounded weights that were divided by their sum.
                summary.extend(entries.iter().filter_map(|e| {
                    match &e.result {
                        crate::analysis::AnalysisResult::Capability(r) => r
                            .weights_rescaled
                            .as_ref()
                            .map(|w| format!("note: {}", w.note())),
                        _ => None,
                    }
                }));
            }
            Err(e) => unusable.push(e),
        }
    }
    if args.json {
        let json = serde_json::to_string_pretty(&all.lines()).unwrap_or_else(|_| "[]".into());
        print_lines([json]);
    } else {
        let lines = if args.all { all.lines() } else { all.grouped() };
        print_lines(lines.iter().map(|d| d.to_string()).chain(summary));
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
