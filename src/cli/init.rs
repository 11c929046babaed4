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
    let dir = args.dir.display();
    if args.synthetic {
        eprintln!(
            "capakit: study written to {dir} (with synthetic answers). Next: capakit check {dir} && capakit run {dir} --out out"
        );
    } else {
        eprintln!(
            "capakit: study written to {dir}. Put your answers in {dir}/data/risposte.xlsx (or change `path` in {dir}/study.toml), then: capakit check {dir}"
        );
    }
    Ok(0)
}
