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
}

pub fn execute(args: Args) -> Result<i32> {
    scaffold::init(&args.dir, args.synthetic)?;
    eprintln!(
        "capakit: study written to {}. Next: capakit check {} && capakit run {} --out out",
        args.dir.display(),
        args.dir.display(),
        args.dir.display()
    );
    Ok(0)
}
