//! `capakit schema`: the reference of every key of study.toml and the analyses files, and of the
//! questionnaire's columns, as Markdown.

use crate::error::Result;

use super::print_lines;

/// Print the reference of every key capakit reads, as Markdown.
///
/// Every table and key of study.toml and of analyses/*.toml (each kind's parameters), with its
/// value, whether it is required and its meaning, then the questionnaire's sheets and the columns
/// read in them (capakit's own: scale, reverse, dimension, the scales sheet). Written from the
/// code that reads them; README.md carries the same text.
#[derive(Debug, clap::Args)]
pub struct Args {}

pub fn execute(_: Args) -> Result<i32> {
    print_lines(crate::schema::markdown().lines().map(str::to_string));
    Ok(0)
}
