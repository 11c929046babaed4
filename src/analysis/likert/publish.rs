//! How a Likert analysis runs from its specification, what it publishes and how it appears.

use crate::charts::{likert_chart, LikertBar, Texts};
use crate::error::Result;
use crate::format::percent;
use crate::instrument::label_in;
use crate::plan::analyses::names;
use crate::plan::Names;
use super::super::kind::ListOfNames;
use crate::publication::{Cell, Figure, HiddenDistribution, Measure, Statistic, Table};
use crate::text::slug;

use super::super::kind::{Check, chart_error, AnalysisKind, Findings, Input, Methods, View};
use super::super::methods::{flag_ess, note};
use super::super::{AnalysisResult, CompareResult, Entry};
use super::LikertResult;

crate::parameters! {
    /// A Likert analysis's parameters.
    pub struct Params {
        /// The items or scales to show (all Likert items when omitted).
        pub items: Option<ListOfNames>,
    }
}

/// The comparison (kind `compare`) of the same two groups as this analysis (same grouping, same
/// groups), whose tests tell which gaps between them survive the correction.
fn same_groups_compared<'a>(l: &LikertResult, v: &View<'a>) -> Option<&'a CompareResult> {
    if l.groups.len() != 2 {
        return None;
    }
    let source = &v.entry.source;
    v.results.analyses.iter().find_map(|e| match &e.result {
        AnalysisResult::Compare(c)
            if &e.source == source
                && c.not_run.is_none()
                && c.by == l.by
                && c.groups.len() == 2
                && c.groups.iter().all(|g| l.groups.contains(g)) =>
        {
            Some(c.as_ref())
        }
        _ => None,
    })
}

impl AnalysisKind for LikertResult {
    fn check(c: &Check) -> Result<()> {
        let p: Params = c.params()?;
        c.names(p.items.as_ref(), Names::LikertOrScale)
    }

    fn run(input: &Input) -> Result<(String, Self)> {
        let p: Params = input.params()?;
        input.on_survey(|dataset| {
            super::run(
                input.set,
                &input.plan.study,
                dataset,
                names(&p.items),
                input.spec.by.as_ref(),
            )
        })
    }

    fn hidden(&self, source: &str) -> Vec<HiddenDistribution> {
        let mut out = Vec::new();
        for item in &self.items {
            for g in std::iter::once(&item.total).chain(&item.groups) {
                if self.perturbed || g.suppressed.iter().any(Option::is_some) {
                    out.push(HiddenDistribution {
                        source: source.to_string(),
                        by: g.group.as_ref().and(self.by.clone()),
                        group: g.group.clone(),
                        variable: item.item.clone(),
                    });
                }
            }
        }
        out
    }

    fn withhold(&mut self, _source: &str, _hidden: &[HiddenDistribution]) {}

    fn tables(&self, view: &View) -> Vec<Table> {
        let (id, lang) = (view.entry.id.as_str(), view.lang);
        let cats = self
            .items
            .first()
            .map(|i| i.categories.as_slice())
            .unwrap_or_default();
        let mut header: Vec<String> = ["item", "label", "group", "size", "n", "missing"]
            .map(String::from)
            .into();
        header.extend(cats.iter().map(|c| format!("count {}", c.name)));
        header.extend(cats.iter().map(|c| format!("percent {}", c.name)));
        header.extend(["agree_percent".into(), "mean".into()]);
        let mut t = Table::with_header(id, header);
        // One report table per scale (items of no scale together), captioned as the chart.
        let a = serde_json::to_value(view.entry).unwrap_or_default();
        let by = if self.groups.is_empty() {
            String::new()
        } else {
            format!(" · {}", crate::publication::grouping_name(&a, view.words, lang))
        };
        let mut scales: Vec<Option<&String>> = Vec::new();
        for i in &self.items {
            if !scales.contains(&i.scale.as_ref()) {
                scales.push(i.scale.as_ref());
            }
        }
        for scale in scales {
            let scale_label = view
                .results
                .analyses
                .iter()
                .find_map(|e| match (&e.result, scale) {
                    (AnalysisResult::Scales(sr), Some(name)) => sr
                        .scales
                        .iter()
                        .find(|x| &x.scale == name)
                        .map(|x| label_in(&x.labels, lang, "en", &x.scale).to_string()),
                    _ => None,
                })
                .unwrap_or_else(|| match scale {
                    Some(name) => name.clone(),
                    None => view.words.get("other_items"),
                });
            let caption = view.words.fill("likert_title", &[("scale", &scale_label)]);
            t.captions.push(format!("{caption}{by}"));
        }
        for i in &self.items {
            for g in i.groups.iter().chain([&i.total]) {
                let mut row = vec![
                    Cell::text(&i.item),
                    Cell::label(&i.labels, lang, &i.item),
                    Cell::group(g.group.as_deref()),
                    Cell::count(g.size),
                    Cell::count(g.n),
                    Cell::count(g.missing),
                ];
                row.extend(g.counts.iter().map(|&c| Cell::count(c)));
                row.extend(g.percent.iter().map(|&c| Cell::shown(c)));
                row.push(Cell::shown(g.top2));
                row.push(Cell::shown(g.mean));
                t.rows.push(row);
            }
        }
        vec![t]
    }

    fn measures(&self, id: &str) -> Vec<Measure> {
        let mut out = Vec::new();
        for i in &self.items {
            for g in i.groups.iter().chain([&i.total]) {
                out.push(Measure {
                    analysis: id.to_string(),
                    subject: i.item.clone(),
                    labels: i.labels.clone(),
                    statistic: Statistic::Agree,
                    group: g.group.clone(),
                    value: g.top2,
                    p_adjusted: None,
                });
            }
        }
        out
    }

    fn methods(&self, e: &Entry, m: &mut Methods) {
        m.add(note("likert", None, &["wilson1927"]));
        m.weighted |= self.items.iter().any(|i| i.total.weighted.is_some());
        for i in &self.items {
            for g in &i.groups {
                if let Some(w) = &g.weighted {
                    let var = (i.item.as_str(), &i.labels);
                    flag_ess(
                        &mut m.flags,
                        e,
                        var,
                        g.group.clone(),
                        g.n.unwrap_or(0),
                        w.kish_ess,
                    );
                }
            }
        }
    }

    /// One chart per scale, items in form order; items of no scale together. Each title states
    /// the widest gap between two groups.
    fn figures(&self, v: &View) -> Result<Vec<Figure>> {
        let (s, lang) = (v.words, v.lang);
        let label = |l, fallback: &str| label_in(l, lang, "en", fallback).to_string();
        let mut figures = Vec::new();
        // The comparison of the same two groups, whose adjusted p-values say which gaps hold.
        let tested = same_groups_compared(self, v);
        let test_of = |item: &str| {
            tested.and_then(|c| c.tests.iter().find(|t| t.variable == item && t.kind == "item"))
        };
        let holds = |item: &str| test_of(item).is_some_and(|t| t.p_adjusted < 0.05);
        let mut scales: Vec<Option<String>> = Vec::new();
        for item in &self.items {
            if !scales.contains(&item.scale) {
                scales.push(item.scale.clone());
            }
        }
        for scale in scales {
            let items: Vec<_> = self.items.iter().filter(|i| i.scale == scale).collect();
            let scale_name = scale.clone().unwrap_or_else(|| "other".into());
            let scale_label = v
                .results
                .analyses
                .iter()
                .find_map(|e| match &e.result {
                    AnalysisResult::Scales(sr) => sr
                        .scales
                        .iter()
                        .find(|x| x.scale == scale_name)
                        .map(|x| label(&x.labels, &x.scale)),
                    _ => None,
                })
                .unwrap_or_else(|| match &scale {
                    Some(name) => name.clone(),
                    None => s.get("other_items"),
                });
            let id = format!("{}-{}", slug(&v.entry.id), slug(&scale_name));
            let categories: Vec<String> = items[0]
                .categories
                .iter()
                .map(|c| format!("{} {}", c.name, label(&c.labels, "")))
                .collect();
            let mut bars = Vec::new();
            let mut widest: Option<(f64, String, f64, f64)> = None;
            for item in &items {
                let item_label = label(&item.labels, &item.item);
                let item_label = if item.reverse {
                    format!("{item_label} (↺ {})", s.get("reverse_short"))
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
                        group: g.group.as_deref().map_or_else(|| s.get("everyone"), |n| crate::analysis::shown_group(&self.groups, &self.group_labels, n, lang)),
                        group_index: k,
                        n: g.size
                            .map_or_else(|| s.get("suppressed_mark"), |n| n.to_string()),
                        percent: g.percent.clone(),
                        reverse: item.reverse,
                    });
                }
                // Only a gap that survives the multiple-testing correction of a comparison of
                // the same groups is named: a gap no test supports is no finding.
                if item.groups.len() == 2 && holds(&item.item) {
                    if let (Some(a), Some(b)) = (item.groups[0].top2, item.groups[1].top2) {
                        if widest.as_ref().is_none_or(|w| (a - b).abs() > w.0) {
                            widest = Some(((a - b).abs(), label(&item.labels, &item.item), a, b));
                        }
                    }
                }
            }
            let title = match (&widest, self.groups.len()) {
                (Some((_, item, a, b)), 2) => s.fill(
                    "likert_gap",
                    &[
                        ("scale", &scale_label),
                        ("item", &crate::charts::truncate(item, 60)),
                        ("a", &crate::analysis::shown_group(&self.groups, &self.group_labels, &self.groups[0], lang)),
                        ("pa", &percent(*a, 0, lang)),
                        ("b", &crate::analysis::shown_group(&self.groups, &self.group_labels, &self.groups[1], lang)),
                        ("pb", &percent(*b, 0, lang)),
                    ],
                ),
                // Compared, and no gap survives: said so, never a gap.
                (None, 2) if items.iter().any(|i| test_of(&i.item).is_some()) => s.fill(
                    "likert_no_clear_gap",
                    &[
                        ("scale", &scale_label),
                        ("a", &crate::analysis::shown_group(&self.groups, &self.group_labels, &self.groups[0], lang)),
                        ("b", &crate::analysis::shown_group(&self.groups, &self.group_labels, &self.groups[1], lang)),
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
                                g.group.as_deref().map_or_else(|| s.get("everyone"), |n| crate::analysis::shown_group(&self.groups, &self.group_labels, n, lang)),
                                percent(g.top2?, 0, lang),
                                g.size?
                            ))
                        })
                        .collect();
                    format!(
                        "{}: {} {}",
                        label(&i.labels, &i.item),
                        s.get("agree"),
                        parts.join(", ")
                    )
                })
                .collect();
            let texts = Texts {
                title,
                subtitle: if items.iter().any(|i| i.reverse) {
                    s.get("likert_subtitle_reverse")
                } else {
                    s.get("likert_subtitle")
                },
                source: v.source.to_string(),
                desc: desc.join(". "),
                lang: lang.to_string(),
            };
            let svg =
                likert_chart(&id, &texts, &categories, &bars).map_err(|e| chart_error(&id, e))?;
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
        Ok(figures)
    }

    /// The brief leads with the index, the gaps and the focus groups; the Likert charts carry
    /// their own headlines.
    fn findings(&self, _: &View, _: &mut Findings) {}
}
