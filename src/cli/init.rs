//! `capakit init DIR`: scaffolds a study folder.

use std::path::PathBuf;

use crate::error::Result;
use crate::scaffold;

/// Create a new study folder to adapt.
///
/// Writes study.toml, the care-leavers capabilities questionnaire
/// (instruments/care-leavers-capabilities.xlsx, an XLSForm you can deploy on KoboToolbox or ODK),
/// and analyses/care-leavers-core.toml. With --synthetic it also writes synthetic answers
/// (data/risposte-care-leavers.csv) so that `capakit run DIR` works at once.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The folder to create (it must not hold a study.toml yet).
    pub dir: PathBuf,
    /// Also write synthetic answers of about 200 care leavers (no real person).
    #[arg(long)]
    pub synthetic: bool,
    /// Which study: `caring` (a capabilities survey of two territories with focus groups) or
    /// `monitoring` (the national experimentation: three waves, 17 regions, 60 ambiti, a panel,
    /// design weights and programme records; needs --synthetic) or `mentoring` (the INTEGRA
    /// mentoring programme: three countries, assessed at entry and at the end, a session log and
    /// the participants' feedback; needs --synthetic) or `network` (CO.RE.: the services network
    /// of two areas of a city from a survey of professionals in two waves, and the foreign
    /// minors' needs; needs --synthetic).
    #[arg(long, value_enum, default_value = "caring")]
    pub template: scaffold::Template,
}

pub fn execute(args: Args) -> Result<i32> {
    scaffold::init_template(&args.dir, args.synthetic, args.template)?;
    let me = program();
    let dir = shell_word(&args.dir.display().to_string());
    if args.synthetic {
        // The report goes beside the study, in a folder `run` makes (it never replaces one it
        // did not make).
        let out = shell_word(&format!("{}-report", args.dir.display()));
        eprintln!(
            "capakit: study written to {dir} (with synthetic answers). Next: {me} check {dir} && {me} run {dir} --out {out}"
        );
    } else {
        eprintln!(
            "capakit: study written to {dir}. Put your answers in {dir}/data/risposte.xlsx (or change `path` in {dir}/study.toml), then: {me} check {dir}"
        );
    }
    Ok(0)
}

/// How the user called capakit, so the next step can be pasted as printed: `capakit` when it was
/// found on the PATH, the path used otherwise (`target/release/capakit` after `cargo run`).
fn program() -> String {
    match std::env::args().next() {
        Some(arg0) if arg0.contains(std::path::MAIN_SEPARATOR) || arg0.contains('/') => {
            shell_word(&arg0)
        }
        _ => "capakit".to_string(),
    }
}

/// A word the shell reads back as written: quoted when it holds anything but letters, digits
/// and `_./-`.
fn shell_word(word: &str) -> String {
    let plain = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_./-".contains(c));
    if plain {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', "'\\''"))
    }
}
