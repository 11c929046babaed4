//! `capakit codebook FORM`: the data dictionary of an XLSForm.

use std::path::PathBuf;

use crate::error::Result;
use crate::instrument::{label_in, read_xlsform, ItemKind};

use super::print_lines;

/// Print the data dictionary of a questionnaire (XLSForm .xlsx/.xls/.ods).
///
/// One line per question: name, type, scale (with ↺ for reverse-keyed items), label and the
/// choices as `name=label`, tab-separated so it pastes into Excel.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The XLSForm file.
    pub form: PathBuf,
    /// Language of the labels (default: the form's default language).
    #[arg(long)]
    pub lang: Option<String>,
}

pub fn execute(args: Args) -> Result<i32> {
    let shown = args.form.display().to_string();
    let ins = read_xlsform(&args.form, &shown)?;
    let lang = args.lang.unwrap_or_else(|| ins.default_language.clone());
    let mut lines = vec!["name\ttype\tscale\tlabel\tchoices".to_string()];
    for item in &ins.items {
        let kind = match &item.kind {
            ItemKind::Other(t) => t.clone(),
            k => serde_json::to_value(k)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default(),
        };
        let scale = match &item.scale {
            Some(s) if item.reverse => format!("{s} ↺"),
            Some(s) => s.clone(),
            None => String::new(),
        };
        let choices = ins
            .list_of(item)
            .map(|l| {
                l.choices
                    .iter()
                    .map(|c| {
                        format!(
                            "{}={}",
                            c.name,
                            label_in(&c.labels, &lang, &ins.default_language, &c.name)
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("; ")
            })
            .unwrap_or_default();
        lines.push(format!(
            "{}\t{}\t{}\t{}\t{}",
            item.name,
            kind,
            scale,
            ins.item_label(item, &lang).replace(['\t', '\n'], " "),
            choices
        ));
    }
    for n in &ins.notes.items {
        eprintln!("{n}");
    }
    print_lines(lines);
    Ok(0)
}
