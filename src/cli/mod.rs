//! The command line: one file per subcommand, each a clap `Args` struct and an `execute` that
//! resolves arguments into library calls and returns the exit code (0 fine, 1 data findings).
//! Errors (exit 2) are printed by `main`.

mod check;
mod codebook;
mod feedback_form;
mod init;
pub(crate) mod run;
mod schema;
mod stats;

use std::io::Write;

use clap::{Parser, Subcommand};

use crate::error::Result;

/// capakit — from XLSForm questionnaires and spreadsheet exports to capability analyses and
/// bilingual reports, for action-research with care leavers.
///
/// A study is a folder with a study.toml naming its questionnaire (an XLSForm), its data files
/// (.xlsx, .xls, .ods, .csv, KoboToolbox exports) and its analyses. Start with
/// `capakit init my-study --synthetic`, then `capakit check my-study` and
/// `capakit run my-study --out out`. `capakit stats` runs one statistic on one file, for scripts.
#[derive(Debug, Parser)]
#[command(
    name = "capakit",
    version,
    propagate_version = true,
    max_term_width = 100
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    Init(init::Args),
    Check(check::Args),
    Run(run::Args),
    Codebook(codebook::Args),
    Stats(stats::Args),
    FeedbackForm(feedback_form::Args),
    Schema(schema::Args),
}

/// Runs a parsed command line; returns the exit code.
pub fn execute(cli: Cli) -> Result<i32> {
    match cli.command {
        Command::Init(a) => init::execute(a),
        Command::Check(a) => check::execute(a),
        Command::Run(a) => run::execute(a),
        Command::Codebook(a) => codebook::execute(a),
        Command::Stats(a) => stats::execute(a),
        Command::FeedbackForm(a) => feedback_form::execute(a),
        Command::Schema(a) => schema::execute(a),
    }
}

/// Writes lines to standard output; a closed pipe (`capakit check … | head`) ends quietly.
pub(crate) fn print_lines<I: IntoIterator<Item = String>>(lines: I) {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    for line in lines {
        // Guarded like every output: no escape sequence reaches the terminal, no hidden reversal.
        if writeln!(out, "{}", crate::text::guard(&line)).is_err() {
            return;
        }
    }
    let _ = out.flush();
}
