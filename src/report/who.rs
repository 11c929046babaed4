//! The charts of the "who answered" chapter: a histogram per number question of every source
//! (everyone, then each territory), drawn from the published counts only (see
//! [`crate::analysis::who`]), so a hidden bin stays hidden in the picture and in its description.

use crate::analysis::who::{Bin, Numeric};
use crate::analysis::Results;
use crate::charts::histogram::{histogram, HistogramPanel};
use crate::charts::{Texts, OKABE_ITO};
use crate::error::{Error, Result};
use crate::format::number;
use crate::publication::Figure;
use crate::text::{label_in, slug};
use crate::words::Strings;

/// Most territories drawn as panels of their own.
const MOST_PANELS: usize = 8;

/// Grey of the "everyone" panel.
const EVERYONE: (u8, u8, u8) = (0x55, 0x55, 0x55);

/// The id (and file name) of a number question's histogram.
pub fn figure_id(source: &str, variable: &str) -> String {
    format!("who-{}-{}", slug(source), slug(variable))
}

/// A bin as its label reads: `16–20` (whole numbers, both ends included), `16` for a bin of one
/// value, `0,5–1` for decimals (the upper end excluded but in the last bin).
fn bin_label(b: &Bin, integer: bool, lang: &str) -> String {
    let decimals = |x: f64| {
        if integer || x.fract() == 0.0 {
            0
        } else if (x * 10.0).fract().abs() < 1e-9 {
            1
        } else {
            2
        }
    };
    let f = |x: f64| number(x, decimals(x), lang);
    if integer && b.from == b.to {
        f(b.from)
    } else {
        format!("{}–{}", f(b.from), f(b.to))
    }
}

/// The histogram of every number question with answers, for every source.
pub fn figures(results: &Results, lang: &str, s: &Strings, source: &str) -> Result<Vec<Figure>> {
    let mut out = Vec::new();
    let mark = s.get("suppressed_mark");
    for src in &results.sources {
        for q in &src.who.numeric {
            if q.bins.is_empty() {
                continue;
            }
            out.push(figure(
                &src.name,
                &src.who.groups,
                q,
                lang,
                s,
                source,
                &mark,
            )?);
        }
    }
    Ok(out)
}

fn figure(
    source_name: &str,
    groups: &[String],
    q: &Numeric,
    lang: &str,
    s: &Strings,
    source: &str,
    mark: &str,
) -> Result<Figure> {
    let id = figure_id(source_name, &q.variable);
    let question = label_in(&q.labels, lang, "", &q.variable).to_string();
    let bins: Vec<String> = q
        .bins
        .iter()
        .map(|b| bin_label(b, q.integer, lang))
        .collect();
    // Each bin's range of values (whole numbers: both ends included).
    let widths: Vec<f64> = q
        .bins
        .iter()
        .map(|b| b.to - b.from + if q.integer { 1.0 } else { 0.0 })
        .collect();
    let drawn: Vec<(String, f64)> = bins.iter().cloned().zip(widths).collect();
    let n = |x: Option<u64>| x.map_or_else(|| mark.to_string(), |v| number(v as f64, 0, lang));
    let mut panels = vec![HistogramPanel {
        label: format!(
            "{} (n={})",
            s.get("who_hist_all"),
            n(q.reach.answered.total)
        ),
        color: EVERYONE,
        counts: q.bins.iter().map(|b| b.total).collect(),
    }];
    // One panel per territory when they are few (as the report's summary shows them); with
    // more (regions), everyone's only: the table beside it gives each territory's quartiles.
    let per_group = if groups.len() <= MOST_PANELS {
        groups
    } else {
        &[]
    };
    for (j, g) in per_group.iter().enumerate() {
        panels.push(HistogramPanel {
            label: format!(
                "{g} (n={})",
                n(q.reach.answered.groups.get(j).copied().flatten())
            ),
            color: OKABE_ITO[j % OKABE_ITO.len()],
            counts: q
                .bins
                .iter()
                .map(|b| b.groups.get(j).copied().flatten())
                .collect(),
        });
    }
    let hidden = s.get("who_hist_bin_hidden");
    let desc: Vec<String> = panels
        .iter()
        .map(|p| {
            let parts: Vec<String> = bins
                .iter()
                .zip(&p.counts)
                .map(|(b, c)| {
                    format!(
                        "{b}: {}",
                        c.map_or_else(|| hidden.clone(), |c| number(c as f64, 0, lang))
                    )
                })
                .collect();
            format!("{}: {}", p.label, parts.join(", "))
        })
        .collect();
    let texts = Texts {
        title: s.fill("who_hist_title", &[("question", &question)]),
        subtitle: s.fill("who_hist_subtitle", &[("mark", mark)]),
        source: source.to_string(),
        desc: desc.join(". "),
        lang: lang.to_string(),
    };
    let svg = histogram(&id, &texts, &drawn, &panels, mark)
        .map_err(|e| Error::Usage(format!("the chart {id} could not be drawn: {e}")))?;
    Ok(Figure {
        file: format!("charts/{id}.svg"),
        label: question,
        id,
        title: texts.title,
        subtitle: texts.subtitle,
        desc: texts.desc,
        headline: false,
        svg,
    })
}
