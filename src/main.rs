//! The `capakit` binary: parse the command line, call the library, print errors, pick the exit
//! code (0 fine, 1 data findings, 2 unusable input or configuration).

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    capakit::ingest::install_panic_hook();
    let cli = capakit::cli::Cli::parse();
    match capakit::cli::execute(cli) {
        Ok(code) => ExitCode::from(code as u8),
        Err(e) => {
            eprintln!("capakit: error: {e}");
            ExitCode::from(e.exit_code() as u8)
        }
    }
}
