//! How a scales analysis runs from its specification, what it publishes and how it appears.

use crate::charts::{means_chart, MeanPoint, MeanRow, Texts};
use crate::error::Result;
use crate::format::number;
use crate::instrument::label_in;
use crate::plan::analyses::names;
use crate::plan::Names;
use super::super::kind::ListOfNames;
use crate::publication::{Cell, Figure, HiddenDistribution, Measure, Statistic, Table};
use crate::text::slug;

use super::super::compare::publish::compare_finding;
use super::super::kind::{Check, chart_error, AnalysisKind, Findings, Input, Methods, View};
use super::super::methods::{flag_weighted, note, Flag, SMALL_ALPHA_N};
use super::super::{AnalysisResult, Entry};
use super::ScalesResult;

crate::parameters! {
    /// A scales analysis's parameters.
    pub struct Params {
        /// The scales to score (all when omitted).
        pub scales: Option<ListOfNames>,
    }
}

impl AnalysisKind for ScalesResult {
    fn check(c: &Check) -> Result<()> {
        let p: Params = c.params()?;
        c.names(p.scales.as_ref(), Names::Scales)
    }

    fn run(input: &Input) -> Result<(String, Self)> {
        let p: Params = input.params()?;
        input.on_survey(|dataset| {
            super::run(
                input.set,
                &input.plan.study,
                dataset,
                names(&p.scales),
                input.spec.by.as_ref(),
            )
        })
    }

    fn hidden(&self, _source: &str) -> Vec<HiddenDistribution> {
        Vec::new()
    }

    fn withhold(&mut self, _source: &str, _hidden: &[HiddenDistribution]) {}

    fn tables(&self, view: &View) -> Vec<Table> {
        let (id, lang) = (view.entry.id.as_str(), view.lang);
        let mut t = Table::new(
            id,
            &[
                "scale",
                "label",
                "group",
                "n",
                "mean",
                "sd",
                "median",
                "ci95_low",
                "ci95_high",
            ],
        )
        .caption(view.words.get("scores"));
        let mut alpha = Table::new(
            format!("{id} alpha"),
            &[
                "scale",
                "label",
                "n_complete",
                "alpha",
                "alpha_std",
                "ci95_low",
                "ci95_high",
            ],
        )
        .titled(format!(
            "{} — {}",
            view.words.get("scores"),
            view.words.get("reliability")
        ));
        let mut items = Table::new(
            format!("{id} items"),
            &["scale", "label", "item", "item_label", "reversed", "r_drop", "alpha_if_dropped"],
        )
        .caption(view.words.get("item_analysis"));
        for s in &self.scales {
            let Some(al) = &s.alpha else { continue };
            for (k, i) in al.items.iter().enumerate() {
                items.rows.push(vec![
                    Cell::text(&s.scale),
                    Cell::label(&s.labels, lang, &s.scale),
                    Cell::text(&i.item),
                    s.item_labels
                        .get(k)
                        .map_or(Cell::Empty, |l| Cell::label(l, lang, &i.item)),
                    if s.reversed.contains(&i.item) {
                        Cell::text("yes")
                    } else {
                        Cell::Empty
                    },
                    Cell::number(i.r_drop),
                    Cell::number(i.alpha_if_dropped),
                ]);
            }
        }
        for s in &self.scales {
            let rows = s
                .groups
                .iter()
                .map(|g| (Some(g.group.as_str()), &g.summary))
                .chain([(None, &s.total)]);
            for (group, g) in rows {
                t.rows.push(vec![
                    Cell::text(&s.scale),
                    Cell::label(&s.labels, lang, &s.scale),
                    Cell::group(group),
                    Cell::count(g.n),
                    Cell::shown(g.mean),
                    Cell::shown(g.sd),
                    Cell::shown(g.median),
                    Cell::shown(g.ci95.map(|c| c[0])),
                    Cell::shown(g.ci95.map(|c| c[1])),
                ]);
            }
            let al = s.alpha.as_ref();
            alpha.rows.push(vec![
                Cell::text(&s.scale),
                Cell::label(&s.labels, lang, &s.scale),
                Cell::count(al.map(|a| a.n)),
                Cell::shown(al.map(|a| a.raw_alpha)),
                Cell::shown(al.and_then(|a| a.std_alpha)),
                Cell::shown(al.and_then(|a| a.ci95).map(|c| c[0])),
                Cell::shown(al.and_then(|a| a.ci95).map(|c| c[1])),
            ]);
        }
        vec![t, alpha, items]
    }

    fn measures(&self, id: &str) -> Vec<Measure> {
        let mut out = Vec::new();
        for s in &self.scales {
            let rows = s
                .groups
                .iter()
                .map(|g| (Some(g.group.clone()), g.summary.mean))
                .chain([(None, s.total.mean)]);
            for (group, value) in rows {
                out.push(Measure {
                    analysis: id.to_string(),
                    subject: s.scale.clone(),
                    labels: s.labels.clone(),
                    statistic: Statistic::Mean,
                    group,
                    value,
                    p_adjusted: None,
                });
            }
        }
        out
    }

    fn methods(&self, e: &Entry, m: &mut Methods) {
        m.add(note("ci", None, &["student1908"]));
        m.add(note("alpha", None, &["cronbach1951", "feldt1987"]));
        for row in &self.scales {
            let flag = |code, n| Flag {
                code,
                analysis: e.id.clone(),
                variable: row.scale.clone(),
                labels: row.labels.clone(),
                group: None,
                n,
            };
            match &row.alpha {
                Some(a) if a.n < SMALL_ALPHA_N => m.flags.push(flag("alpha_small", a.n as f64)),
                None => m.flags.push(flag("alpha_undefined", 0.0)),
                _ => {}
            }
            if let Some(w) = &row.total_weighted {
                m.weighted = true;
                flag_weighted(&mut m.flags, e, (&row.scale, &row.labels), None, w);
            }
            for g in &row.groups {
                if let Some(w) = &g.weighted {
                    let var = (row.scale.as_str(), &row.labels);
                    flag_weighted(&mut m.flags, e, var, Some(g.group.clone()), w);
                }
            }
        }
    }

    /// The means chart: every scale's mean per group with its interval, titled by the
    /// differences the comparison of the same groups finds.
    fn figures(&self, v: &View) -> Result<Vec<Figure>> {
        let (s, lang) = (v.words, v.lang);
        let label = |l, fallback: &str| label_in(l, lang, "en", fallback).to_string();
        let id = slug(&v.entry.id);
        let compare = v.results.analyses.iter().find_map(|e| match &e.result {
            AnalysisResult::Compare(c) if c.by == self.by && c.not_run.is_none() => Some(c),
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
                    &number(self.scales.first().map_or(1.0, |x| x.range[0]), 0, lang),
                ),
                (
                    "hi",
                    &number(self.scales.first().map_or(5.0, |x| x.range[1]), 0, lang),
                ),
            ],
        );
        // The largest n shown for the group, or the mark of a hidden value.
        let n_label =
            |n: Option<usize>| n.map_or_else(|| s.get("suppressed_mark"), |n| n.to_string());
        let groups: Vec<(String, String)> = if self.groups.is_empty() {
            vec![(
                s.get("everyone"),
                n_label(self.scales.first().and_then(|x| x.total.n)),
            )]
        } else {
            self.groups
                .iter()
                .enumerate()
                .map(|(k, g)| {
                    let n = self
                        .scales
                        .iter()
                        .filter_map(|x| x.groups[k].summary.n)
                        .max();
                    (
                        crate::analysis::shown_group(&self.groups, &self.group_labels, g, lang),
                        n_label(n),
                    )
                })
                .collect()
        };
        let mut desc = Vec::new();
        let rows: Vec<MeanRow> = self
            .scales
            .iter()
            .map(|x| {
                let name = label(&x.labels, &x.scale);
                let points: Vec<MeanPoint> = if self.groups.is_empty() {
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
                            crate::analysis::shown_group(&self.groups, &self.group_labels, &g.group, lang),
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
        let range = self.scales.first().map_or([1.0, 5.0], |x| x.range);
        let texts = Texts {
            title,
            subtitle,
            source: v.source.to_string(),
            desc: desc.join(". "),
            lang: lang.to_string(),
        };
        let svg =
            means_chart(&id, &texts, &groups, range, &rows).map_err(|e| chart_error(&id, e))?;
        Ok(vec![Figure {
            file: format!("charts/{id}.svg"),
            label: s.get("scores"),
            id,
            title: texts.title,
            subtitle: texts.subtitle,
            desc: texts.desc,
            headline: true,
            svg,
        }])
    }

    /// The gaps in scores are the comparison's finding.
    /// Grouped by a question (who answered: a role, a profile), the scores' view for the brief:
    /// the highest and lowest scale, and how far the groups are apart on the lowest. Descriptive:
    /// territories and waves are compared, with tests, by `compare`, `change` and `paired`.
    fn findings(&self, v: &View, out: &mut Findings) {
        if v.entry.grouping.as_ref().map(|g| g.kind) != Some("question") {
            return;
        }
        let lang = v.lang;
        let shown: Vec<(&super::ScaleRow, f64)> = self
            .scales
            .iter()
            .filter_map(|r| Some((r, r.total.mean.filter(|_| r.total.shown())?)))
            .collect();
        let (Some(hi), Some(lo)) = (
            shown.iter().max_by(|a, b| a.1.total_cmp(&b.1)),
            shown.iter().min_by(|a, b| a.1.total_cmp(&b.1)),
        ) else {
            return;
        };
        let name = |r: &super::ScaleRow| label_in(&r.labels, lang, "en", &r.scale).to_string();
        let group_name = |g: &super::GroupSummary| {
            self.groups
                .iter()
                .position(|x| *x == g.group)
                .and_then(|i| self.group_labels.get(i))
                .map_or_else(
                    || g.group.clone(),
                    |l| label_in(l, lang, "en", &g.group).to_string(),
                )
        };
        let groups: Vec<(&super::GroupSummary, f64)> = lo
            .0
            .groups
            .iter()
            .filter_map(|g| Some((g, g.summary.mean.filter(|_| g.summary.shown())?)))
            .collect();
        let (Some(g_lo), Some(g_hi)) = (
            groups.iter().min_by(|a, b| a.1.total_cmp(&b.1)),
            groups.iter().max_by(|a, b| a.1.total_cmp(&b.1)),
        ) else {
            return;
        };
        let title = v
            .entry
            .title
            .as_ref()
            .map_or_else(|| v.entry.id.clone(), |t| t.get(lang).to_string());
        let key = if shown.len() > 1 {
            "scales_finding"
        } else {
            "scales_finding_one"
        };
        out.findings.push(crate::publication::KeyFinding {
            text: v.words.fill(
                key,
                &[
                    ("title", &title),
                    ("hi", &name(hi.0)),
                    ("hi_v", &number(hi.1, 1, lang)),
                    ("max", &number(hi.0.range[1], 0, lang)),
                    ("lo", &name(lo.0)),
                    ("lo_v", &number(lo.1, 1, lang)),
                    ("min_v", &number(g_lo.1, 1, lang)),
                    ("min_g", &group_name(g_lo.0)),
                    ("max_v", &number(g_hi.1, 1, lang)),
                    ("max_g", &group_name(g_hi.0)),
                ],
            ),
            figure: None,
            rank: 1,
        });
    }
}
