//! The charts of a report, built from results.json's numbers: one means chart per `scales`
//! analysis and one Likert chart per scale of each `likert` analysis. Each title states the
//! finding (the differences that survive the multiple-test correction, the widest gap).

use crate::analysis::{AnalysisResult, CompareResult, Correction, Results};
use crate::error::{Error, Result};
use crate::instrument::{label_in, Labels};
use crate::study::Study;

use super::charts::{likert_chart, means_chart, LikertBar, MeanPoint, MeanRow, Texts};
use super::format::{number, percent};
use super::templates::Strings;

/// A chart and its texts.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Figure {
    pub id: String,
    /// What the chart is about (a scale's name, or the scores chart's name).
    pub label: String,
    pub file: String,
    pub title: String,
    pub subtitle: String,
    pub desc: String,
    /// Worth a line in the report's summary (the comparison of scores; Likert gaps of 15 points
    /// or more).
    pub headline: bool,
    #[serde(skip)]
    pub svg: String,
}

fn label(labels: &Labels, lang: &str, fallback: &str) -> String {
    label_in(labels, lang, "en", fallback).to_string()
}

pub use crate::text::slug;

/// "A higher on: x, y; B higher on: z", or that no difference survives the correction.
pub fn compare_finding(c: &CompareResult, kind: &str, lang: &str, s: &Strings) -> Option<String> {
    if c.groups.len() != 2 {
        return None;
    }
    let mut parts = Vec::new();
    for (g, sign) in [(0usize, 1.0), (1, -1.0)] {
        let names: Vec<String> = c
            .tests
            .iter()
            .filter(|t| t.kind == kind && t.p_adjusted < 0.05 && t.rank_biserial * sign > 0.0)
            .map(|t| label(&t.labels, lang, &t.variable))
            .collect();
        if !names.is_empty() {
            parts.push(s.fill(
                "higher_on",
                &[("group", &c.groups[g]), ("list", &names.join(", "))],
            ));
        }
    }
    let correction = match c.correction {
        Correction::Holm => s.get("holm"),
        Correction::BenjaminiHochberg => s.get("bh"),
        Correction::None => s.get("no_correction"),
    };
    Some(if parts.is_empty() {
        s.fill(
            "no_difference",
            &[
                ("a", &c.groups[0]),
                ("b", &c.groups[1]),
                ("correction", &correction),
            ],
        )
    } else {
        parts.join("; ")
    })
}

pub fn build(study: &Study, results: &Results, lang: &str, s: &Strings) -> Result<Vec<Figure>> {
    let source = match &study.report.source_note {
        Some(t) => s.fill(
            "source_line",
            &[
                ("source", t.get(lang)),
                ("version", results.capakit_version),
            ],
        ),
        None => s.fill(
            "source_line",
            &[("source", "capakit"), ("version", results.capakit_version)],
        ),
    };
    let chart_err = |id: &str, e: String| Error::Template {
        name: format!("chart {id}"),
        message: e,
    };
    let mut figures = Vec::new();
    for entry in &results.analyses {
        match &entry.result {
            // Its heatmap is a shaded table in the template; recommendations have no chart of
            // their own (they link to the evidence's).
            AnalysisResult::Codes(_) | AnalysisResult::Recommendations(_) => {}
            AnalysisResult::Capability(c) => {
                let made = super::capability::figures(&entry.id, c, lang, s, &source)
                    .map_err(|e| chart_err(&entry.id, e))?;
                figures.extend(made);
            }
            AnalysisResult::Scales(r) => {
                let id = slug(&entry.id);
                let compare = results.analyses.iter().find_map(|e| match &e.result {
                    AnalysisResult::Compare(c) if c.by == r.by && c.not_run.is_none() => Some(c),
                    _ => None,
                });
                let title = compare
                    .and_then(|c| compare_finding(c, "scale", lang, s))
                    .unwrap_or_else(|| s.get("scores_title"));
                let subtitle = s.fill(
                    "scores_subtitle",
                    &[
                        (
                            "lo",
                            &number(r.scales.first().map_or(1.0, |x| x.range[0]), 0, lang),
                        ),
                        (
                            "hi",
                            &number(r.scales.first().map_or(5.0, |x| x.range[1]), 0, lang),
                        ),
                    ],
                );
                // The largest n shown for the group, or the mark of a hidden value.
                let n_label = |n: Option<usize>| {
                    n.map_or_else(|| s.get("suppressed_mark"), |n| n.to_string())
                };
                let groups: Vec<(String, String)> = if r.groups.is_empty() {
                    vec![(
                        s.get("everyone"),
                        n_label(r.scales.first().and_then(|x| x.total.n)),
                    )]
                } else {
                    r.groups
                        .iter()
                        .enumerate()
                        .map(|(k, g)| {
                            let n = r.scales.iter().filter_map(|x| x.groups[k].summary.n).max();
                            (g.clone(), n_label(n))
                        })
                        .collect()
                };
                let mut desc = Vec::new();
                let rows: Vec<MeanRow> = r
                    .scales
                    .iter()
                    .map(|x| {
                        let name = label(&x.labels, lang, &x.scale);
                        let points: Vec<MeanPoint> = if r.groups.is_empty() {
                            x.total
                                .mean
                                .map(|m| MeanPoint {
                                    group_index: 0,
                                    mean: m,
                                    ci: x.total.ci95,
                                })
                                .into_iter()
                                .collect()
                        } else {
                            x.groups
                                .iter()
                                .enumerate()
                                .filter_map(|(k, g)| {
                                    Some(MeanPoint {
                                        group_index: k,
                                        mean: g.summary.mean?,
                                        ci: g.summary.ci95,
                                    })
                                })
                                .collect()
                        };
                        let parts: Vec<String> = x
                            .groups
                            .iter()
                            .filter_map(|g| {
                                Some(format!(
                                    "{} {} (n={})",
                                    g.group,
                                    number(g.summary.mean?, 2, lang),
                                    g.summary.n?
                                ))
                            })
                            .collect();
                        desc.push(format!("{name}: {}", parts.join(", ")));
                        MeanRow {
                            label: name,
                            points,
                        }
                    })
                    .collect();
                let range = r.scales.first().map_or([1.0, 5.0], |x| x.range);
                let texts = Texts {
                    title,
                    subtitle,
                    source: source.clone(),
                    desc: desc.join(". "),
                    lang: lang.to_string(),
                };
                let svg = means_chart(&id, &texts, &groups, range, &rows)
                    .map_err(|e| chart_err(&id, e))?;
                figures.push(Figure {
                    file: format!("charts/{id}.svg"),
                    label: s.get("scores"),
                    id,
                    title: texts.title,
                    subtitle: texts.subtitle,
                    desc: texts.desc,
                    headline: true,
                    svg,
                });
            }
            AnalysisResult::Likert(r) => {
                // One chart per scale, items in form order; items of no scale together.
                let mut scales: Vec<Option<String>> = Vec::new();
                for item in &r.items {
                    if !scales.contains(&item.scale) {
                        scales.push(item.scale.clone());
                    }
                }
                for scale in scales {
                    let items: Vec<_> = r.items.iter().filter(|i| i.scale == scale).collect();
                    let scale_name = scale.clone().unwrap_or_else(|| "other".into());
                    let scale_label = results
                        .analyses
                        .iter()
                        .find_map(|e| match &e.result {
                            AnalysisResult::Scales(sr) => sr
                                .scales
                                .iter()
                                .find(|x| x.scale == scale_name)
                                .map(|x| label(&x.labels, lang, &x.scale)),
                            _ => None,
                        })
                        .unwrap_or_else(|| match &scale {
                            Some(name) => name.clone(),
                            None => s.get("other_items"),
                        });
                    let id = format!("{}-{}", slug(&entry.id), slug(&scale_name));
                    let categories: Vec<String> = items[0]
                        .categories
                        .iter()
                        .map(|c| format!("{} {}", c.name, label(&c.labels, lang, "")))
                        .collect();
                    let mut bars = Vec::new();
                    let mut widest: Option<(f64, String, f64, f64)> = None;
                    for item in &items {
                        let item_label = label(&item.labels, lang, &item.item);
                        let item_label = if item.reverse {
                            format!("{item_label} ({})", s.get("reverse_short"))
                        } else {
                            item_label
                        };
                        let rows: Vec<_> = if item.groups.is_empty() {
                            vec![&item.total]
                        } else {
                            item.groups.iter().collect()
                        };
                        for (k, g) in rows.iter().enumerate() {
                            bars.push(LikertBar {
                                item_label: if k == 0 {
                                    item_label.clone()
                                } else {
                                    String::new()
                                },
                                group: g.group.clone().unwrap_or_else(|| s.get("everyone")),
                                group_index: k,
                                n: g.size
                                    .map_or_else(|| s.get("suppressed_mark"), |n| n.to_string()),
                                percent: g.percent.clone(),
                            });
                        }
                        if item.groups.len() == 2 {
                            if let (Some(a), Some(b)) = (item.groups[0].top2, item.groups[1].top2) {
                                if widest.as_ref().is_none_or(|w| (a - b).abs() > w.0) {
                                    widest = Some((
                                        (a - b).abs(),
                                        label(&item.labels, lang, &item.item),
                                        a,
                                        b,
                                    ));
                                }
                            }
                        }
                    }
                    let title = match (&widest, r.groups.len()) {
                        (Some((_, item, a, b)), 2) => s.fill(
                            "likert_gap",
                            &[
                                ("scale", &scale_label),
                                ("item", &super::charts::truncate(item, 60)),
                                ("a", &r.groups[0]),
                                ("pa", &percent(*a, 0, lang)),
                                ("b", &r.groups[1]),
                                ("pb", &percent(*b, 0, lang)),
                            ],
                        ),
                        _ => s.fill("likert_title", &[("scale", &scale_label)]),
                    };
                    let desc: Vec<String> = items
                        .iter()
                        .map(|i| {
                            let parts: Vec<String> = i
                                .groups
                                .iter()
                                .chain(i.groups.is_empty().then_some(&i.total))
                                .filter_map(|g| {
                                    Some(format!(
                                        "{} {} (n={})",
                                        g.group.clone().unwrap_or_else(|| s.get("everyone")),
                                        percent(g.top2?, 0, lang),
                                        g.size?
                                    ))
                                })
                                .collect();
                            format!(
                                "{}: {} {}",
                                label(&i.labels, lang, &i.item),
                                s.get("agree"),
                                parts.join(", ")
                            )
                        })
                        .collect();
                    let texts = Texts {
                        title,
                        subtitle: s.get("likert_subtitle"),
                        source: source.clone(),
                        desc: desc.join(". "),
                        lang: lang.to_string(),
                    };
                    let svg = likert_chart(&id, &texts, &categories, &bars)
                        .map_err(|e| chart_err(&id, e))?;
                    figures.push(Figure {
                        file: format!("charts/{id}.svg"),
                        label: scale_label.clone(),
                        id,
                        title: texts.title,
                        subtitle: texts.subtitle,
                        desc: texts.desc,
                        headline: widest.as_ref().is_some_and(|w| w.0 >= 15.0),
                        svg,
                    });
                }
            }
            AnalysisResult::Compare(_) | AnalysisResult::Crosstab(_) => {}
        }
    }
    Ok(figures)
}
