//! How a change analysis runs from its specification, what it publishes and how it appears.

use toml::Spanned;

use crate::error::Result;
use crate::format::number;
use crate::instrument::label_in;
use crate::plan::analyses::names;
use crate::plan::{Kind, Names};
use crate::publication::{Cell, Figure, HiddenDistribution, KeyFinding, Measure, Table};
use crate::stats::counting::{censored, deprivation_scores, is_deprived};

use super::super::capability;
use super::super::kind::{AnalysisKind, Check, Findings, Input, ListOfNames, Methods, View};
use super::super::methods::note;
use super::super::Entry;
use super::{
    changes_of, flows, protect_shares, series_of, wave_summaries, ChangeResult, Frame, Quantity,
    Values,
};

crate::parameters! {
    /// A change analysis's parameters.
    pub struct Params {
        /// Likert statements and scales whose mean (and, for a statement, percent agreeing)
        /// changes.
        pub variables: Option<ListOfNames>,
        /// The id of a capability analysis: its H, A, M0 and censored headcounts change.
        pub capability: Option<Spanned<String>>,
    }
}

/// Why a change analysis without anything to follow cannot run.
const NEEDS_MEASURES: &str =
    "a change analysis follows `variables` (statements, scales) or a `capability` analysis (its id): name at least one";

/// The capability analysis named `id` in the plan, with the file it is written in.
fn capability_spec<'a>(
    plan: &'a crate::plan::Plan,
    id: &str,
) -> Option<(&'a crate::plan::SpecSet, &'a crate::plan::Spec)> {
    plan.analyses.iter().find_map(|set| {
        set.specs
            .iter()
            .find(|s| s.id() == id && *s.kind.get_ref() == Kind::Capability)
            .map(|s| (set, s))
    })
}

impl AnalysisKind for ChangeResult {
    fn check(c: &Check) -> Result<()> {
        let p: Params = c.params()?;
        if p.variables.is_none() && p.capability.is_none() {
            return Err(c.set.error_at(&c.spec.id, NEEDS_MEASURES));
        }
        if let Some(id) = &p.capability {
            if capability_spec(c.plan, id.get_ref()).is_none() {
                return Err(c.set.error_at(
                    id,
                    format!(
                        "'{}' is not the id of a capability analysis of this study",
                        id.get_ref()
                    ),
                ));
            }
        }
        if c.plan.study.waves.len() < 2 {
            return Err(c.set.error_at(
                &c.spec.id,
                "a change analysis compares waves: declare at least two [[waves]] in study.toml",
            ));
        }
        c.names(p.variables.as_ref(), Names::LikertOrScale)
    }

    fn run(input: &Input) -> Result<(String, Self)> {
        let p: Params = input.params()?;
        let study = &input.plan.study;
        let by = input.spec.by.as_ref().map(|b| b.get_ref().as_str());
        input.on_survey(|dataset| {
            let frame = Frame::new(study, dataset, by)?;
            let mut measures = Vec::new();
            for name in names(&p.variables).unwrap_or_default() {
                measures.extend(variable_values(dataset, name.get_ref()));
            }
            if let Some(id) = &p.capability {
                let (set, spec) = capability_spec(input.plan, id.get_ref())
                    .ok_or_else(|| input.set.error_at(id, "no such capability analysis"))?;
                let cp: capability::Params = set.entry(spec.index)?;
                let written = cp
                    .written()
                    .ok_or_else(|| set.error_at(&spec.id, capability::publish::NEEDS_DIMENSIONS))?;
                let params = capability::Parameters {
                    written,
                    also_by: None,
                    bootstrap: None,
                    seed: None,
                    resample: false,
                };
                let (design, matrix) = capability::design_of(set, dataset, &params)?;
                let offset = measures.len();
                measures.extend(index_values(&design, &matrix, dataset.height(), offset));
            }
            let (mut series, counts, estimates) = series_of(&frame, &measures);
            let changes = changes_of(&frame, &series, &estimates);
            // Each series' change between the last two waves, beside it (a factsheet reads it
            // there rather than searching every change).
            let waves = &study.waves;
            if waves.len() >= 2 {
                let (from, to) = (&waves[waves.len() - 2].id, &waves[waves.len() - 1].id);
                for s in &mut series {
                    if let Some(r) = changes.iter().find(|r| {
                        r.quantity == s.quantity
                            && r.subject == s.subject
                            && r.group == s.group
                            && &r.from == from
                            && &r.to == to
                    }) {
                        s.last_change = r.change;
                        s.last_holds = r.holds;
                    }
                }
            }
            Ok(ChangeResult {
                by: frame.groups.as_ref().map(|g| g.by.clone()),
                groups: frame
                    .groups
                    .as_ref()
                    .map(|g| g.names.clone())
                    .unwrap_or_default(),
                waves: wave_summaries(&frame),
                linked: frame.linked,
                keyed: frame.keyed,
                weighted: frame.weights.is_some(),
                clusters: frame.clusters,
                flows: flows(&frame),
                pairs: frame.pairs(),
                series,
                changes,
                counts,
                min_cell: study.min_cell,
                parents: frame.parents().to_vec(),
            })
        })
    }

    fn hidden(&self, source: &str) -> Vec<HiddenDistribution> {
        self.series
            .iter()
            .filter(|s| s.quantity == Quantity::Agree && s.suppressed.is_some())
            .map(|s| HiddenDistribution {
                source: source.to_string(),
                by: s.group.as_ref().and(self.by.clone()),
                group: s.group.clone(),
                variable: s.subject.clone(),
            })
            .collect()
    }

    fn withhold(&mut self, source: &str, hidden: &[HiddenDistribution]) {
        let cols = self.groups.len() + 1;
        for h in hidden.iter().filter(|h| h.source == source) {
            let same_grouping = h.group.is_some() && h.by == self.by;
            for quantity in [Quantity::Agree, Quantity::Mean] {
                let mut forced = vec![false; cols];
                let mut total = !same_grouping;
                match h.group.as_ref().and_then(|g| self.groups.iter().position(|x| x == g)) {
                    Some(j) if same_grouping => forced[j] = true,
                    _ => forced.iter_mut().for_each(|f| *f = true),
                }
                if quantity == Quantity::Agree {
                    if let Some(c) = self
                        .counts
                        .iter()
                        .find(|c| c.quantity == quantity && c.subject == h.variable)
                    {
                        forced[cols - 1] |= c.counts.iter().any(|w| w[cols - 1] != [0, 0]);
                        let (groups, t) =
                            protect_shares(&c.counts, self.min_cell, &forced, &self.parents);
                        forced = groups;
                        total |= t;
                    }
                } else {
                    // A mean withheld beside everyone's: everyone's would give it back.
                    total = true;
                }
                self.hide(quantity, &h.variable, &forced, total);
            }
        }
    }

    fn tables(&self, view: &View) -> Vec<Table> {
        let (id, lang) = (view.entry.id.as_str(), view.lang);
        let group = |g: &Option<String>| Cell::group(g.as_deref());
        let words = view.words;
        let wave_name = |id: &str| {
            self.waves
                .iter()
                .find(|w| w.id == id)
                .map_or_else(String::new, |w| {
                    w.label
                        .as_ref()
                        .map_or_else(|| w.id.clone(), |l| l.get(lang).to_string())
                })
        };
        // The waves: their dates and how many answered.
        let mut list = Table::new(
            format!("{id} wave list"),
            &["wave", "label", "date", "n"],
        )
        .caption(words.get("change_waves"));
        for w in &self.waves {
            list.rows.push(vec![
                Cell::text(&w.id),
                Cell::text(wave_name(&w.id)),
                w.date.as_deref().map_or(Cell::Empty, Cell::text),
                Cell::count(w.n.map(|n| n as usize)),
            ]);
        }
        let mut waves = Table::new(
            format!("{id} waves"),
            &[
                "quantity", "subject", "label", "group", "wave", "n", "value", "se", "ci95_low",
                "ci95_high",
            ],
        );
        for s in &self.series {
            for (t, w) in self.waves.iter().enumerate() {
                let p = s.points[t];
                waves.rows.push(vec![
                    Cell::text(quantity_name(s.quantity)),
                    Cell::text(&s.subject),
                    Cell::label(&s.labels, lang, &s.subject),
                    group(&s.group),
                    Cell::text(&w.id),
                    Cell::count(s.n[t].map(|n| n as usize)),
                    Cell::shown(p.map(|p| p.value)),
                    Cell::shown(p.map(|p| p.se)),
                    Cell::shown(p.map(|p| p.ci_low)),
                    Cell::shown(p.map(|p| p.ci_high)),
                ]);
            }
        }
        let mut changes = Table::new(
            id,
            &[
                "quantity",
                "subject",
                "label",
                "group",
                "from",
                "to",
                "before",
                "after",
                "change",
                "se",
                "ci95_low",
                "ci95_high",
                "relative_change",
                "relative_se",
                "annual_change",
                "annual_relative_change",
                "annual_relative_se",
                "holds",
            ],
        );
        for r in &self.changes {
            let c = r.change.as_ref();
            changes.rows.push(vec![
                Cell::text(quantity_name(r.quantity)),
                Cell::text(&r.subject),
                Cell::label(&r.labels, lang, &r.subject),
                group(&r.group),
                Cell::text(&r.from),
                Cell::text(&r.to),
                Cell::shown(r.before),
                Cell::shown(r.after),
                Cell::shown(c.map(|c| c.absolute.value)),
                Cell::shown(c.map(|c| c.absolute.se)),
                Cell::shown(c.map(|c| c.absolute.ci_low)),
                Cell::shown(c.map(|c| c.absolute.ci_high)),
                Cell::number(c.and_then(|c| c.relative).map(|e| e.value)),
                Cell::number(c.and_then(|c| c.relative).map(|e| e.se)),
                Cell::number(c.and_then(|c| c.annual_absolute).map(|e| e.value)),
                Cell::number(c.and_then(|c| c.annual_relative).map(|e| e.value)),
                Cell::number(c.and_then(|c| c.annual_relative).map(|e| e.se)),
                Cell::text(if c.is_none() {
                    ""
                } else if r.holds {
                    "yes"
                } else {
                    "no"
                }),
            ]);
        }
        let mut flows = Table::new(
            format!("{id} flows"),
            &["from", "to", "group", "stayed", "left", "joined", "attrition_percent"],
        );
        for f in &self.flows {
            for c in std::iter::once(&f.total).chain(&f.groups) {
                flows.rows.push(vec![
                    Cell::text(&f.from),
                    Cell::text(&f.to),
                    group(&c.group),
                    Cell::count(c.stayed.map(|n| n as usize)),
                    Cell::count(c.left.map(|n| n as usize)),
                    Cell::count(c.joined.map(|n| n as usize)),
                    Cell::shown(c.attrition),
                ]);
            }
        }
        // The report's tables of changes: between the last two waves and the first and last,
        // then, by group, one per measure between the last two.
        let last = self.waves.len().saturating_sub(1);
        let lp = if self.waves.len() == 2 {
            self.pairs.first()
        } else {
            self.pairs.get(self.waves.len().saturating_sub(2))
        };
        for pair in &self.pairs {
            if Some(pair) == lp || (pair[0] == 0 && pair[1] == last) {
                let (w0, w1) = (&self.waves[pair[0]].id, &self.waves[pair[1]].id);
                changes.captions.push(words.fill(
                    "change_caption",
                    &[("from", &wave_name(w0)), ("to", &wave_name(w1))],
                ));
            }
        }
        if let (Some(lp), false) = (lp, self.groups.is_empty()) {
            let (w0, w1) = (&self.waves[lp[0]].id, &self.waves[lp[1]].id);
            for r in &self.changes {
                if r.group.is_none() && &r.from == w0 && &r.to == w1 {
                    let q = quantity_name(r.quantity);
                    let what = words.get(&format!("change_{q}"));
                    changes.captions.push(if matches!(q, "H" | "A" | "M0") {
                        what
                    } else {
                        format!("{} ({what})", label_in(&r.labels, lang, "en", &r.subject))
                    });
                }
            }
        }
        let flows = if self.flows.is_empty() {
            flows
        } else {
            flows.caption(words.get("change_flows_caption"))
        };
        vec![list, changes, waves, flows]
    }

    fn measures(&self, _id: &str) -> Vec<Measure> {
        Vec::new()
    }

    fn methods(&self, _e: &Entry, m: &mut Methods) {
        m.add(note(
            "change",
            None,
            &["alkire2017", "suppa2023", "binder1983", "lumley2010"],
        ));
        if self.weighted {
            m.weighted = true;
        }
    }

    fn figures(&self, view: &View) -> Result<Vec<Figure>> {
        let id = &view.entry.id;
        self.trend_figure(id, view)
            .map(|f| f.into_iter().collect())
            .map_err(|e| super::super::kind::chart_error(id, e))
    }

    fn findings(&self, view: &View, out: &mut Findings) {
        let Some(&[a, b]) = self.pairs.first().map(|_| self.latest_pair()).as_ref() else {
            return;
        };
        let (from, to) = (&self.waves[a].id, &self.waves[b].id);
        let w = view.words;
        // The index first (H, then M0), then the largest relative changes of the means.
        let priority = |q: Quantity| match q {
            Quantity::H => 0,
            Quantity::M0 => 1,
            Quantity::Mean | Quantity::Agree => 2,
            Quantity::A => 3,
            Quantity::Censored => 4,
        };
        let mut held: Vec<&super::ChangeRow> = self
            .changes
            .iter()
            .filter(|r| r.group.is_none() && r.holds && &r.from == from && &r.to == to)
            .filter(|r| r.quantity != Quantity::Censored)
            .collect();
        let size = |r: &super::ChangeRow| {
            r.change
                .and_then(|c| c.relative)
                .map_or(0.0, |e| -e.value.abs())
        };
        held.sort_by(|a, b| {
            priority(a.quantity)
                .cmp(&priority(b.quantity))
                .then(size(a).total_cmp(&size(b)))
        });
        for r in held.into_iter().take(3) {
            let Some(c) = r.change else { continue };
            let label = label_in(&r.labels, view.lang, "en", &r.subject);
            let what = match r.quantity {
                Quantity::Mean => format!("{} ({})", label, w.get("change_mean")),
                Quantity::Agree => format!("{} ({})", label, w.get("change_agree")),
                Quantity::Censored => format!("{} ({})", label, w.get("change_censored")),
                q => w.get(&format!("change_{}", quantity_name(q))).to_string(),
            };
            let digits = if r.quantity == Quantity::M0 { 3 } else { 1 };
            let in_percent = !matches!(r.quantity, Quantity::M0 | Quantity::Mean);
            let fmt = |x: f64| {
                if in_percent {
                    crate::format::percent(x, digits, view.lang)
                } else {
                    number(x, digits, view.lang)
                }
            };
            let points = if in_percent {
                format!(" {}", w.get("change_points"))
            } else {
                String::new()
            };
            out.findings.push(KeyFinding {
                text: w
                    .get("change_finding")
                    .replace("{what}", &what)
                    .replace("{from}", from)
                    .replace("{to}", to)
                    .replace("{before}", &r.before.map(fmt).unwrap_or_default())
                    .replace("{after}", &r.after.map(fmt).unwrap_or_default())
                    .replace(
                        "{change}",
                        &format!("{}{points}", signed(c.absolute.value, digits, view.lang)),
                    )
                    .replace("{low}", &number(c.absolute.ci_low, digits, view.lang))
                    .replace("{high}", &number(c.absolute.ci_high, digits, view.lang)),
                figure: None,
                rank: 1,
            });
        }
    }
}

/// A number with its sign (+3.2, −1.5).
fn signed(x: f64, digits: usize, lang: &str) -> String {
    let s = number(x.abs(), digits, lang);
    if x > 0.0 {
        format!("+{s}")
    } else if x < 0.0 {
        format!("−{s}")
    } else {
        s
    }
}

pub(super) fn quantity_name(q: Quantity) -> &'static str {
    match q {
        Quantity::Mean => "mean",
        Quantity::Agree => "agree",
        Quantity::H => "H",
        Quantity::A => "A",
        Quantity::M0 => "M0",
        Quantity::Censored => "censored",
    }
}

/// The id of a change analysis's small multiples.
pub fn trend_figure_id(id: &str) -> String {
    format!("{}-trend", crate::text::slug(id))
}

impl ChangeResult {
    /// Small multiples, one panel per group, of the headcount H over the waves (or, without a
    /// capability index, of the first measure followed), with everyone's line in every panel.
    fn trend_figure(&self, id: &str, view: &View) -> std::result::Result<Option<Figure>, String> {
        use crate::charts::multiples::{small_multiples, small_multiples_desc, Panel, TrendPoint};
        if self.groups.len() < 2 {
            return Ok(None);
        }
        let (s, lang) = (view.words, view.lang);
        let first = self
            .series
            .iter()
            .find(|x| x.quantity == Quantity::H)
            .or_else(|| self.series.first());
        let Some(first) = first else {
            return Ok(None);
        };
        let (quantity, subject) = (first.quantity, first.subject.clone());
        let of = |group: Option<&String>| {
            self.series
                .iter()
                .find(|x| x.quantity == quantity && x.subject == subject && x.group.as_ref() == group)
        };
        let panels: Vec<Panel> = self
            .groups
            .iter()
            .map(|g| Panel {
                label: g.clone(),
                points: (0..self.waves.len())
                    .map(|t| match of(Some(g)).and_then(|x| x.points[t]) {
                        Some(p) => TrendPoint::Shown {
                            value: p.value,
                            ci: Some([p.ci_low, p.ci_high]),
                        },
                        None => TrendPoint::Hidden,
                    })
                    .collect(),
            })
            .collect();
        let national: Vec<Option<f64>> = (0..self.waves.len())
            .map(|t| of(None).and_then(|x| x.points[t]).map(|p| p.value))
            .collect();
        let scale = crate::charts::Scale {
            percent: quantity.scale() == 100.0,
            decimals: if quantity == Quantity::M0 { 3 } else { 1 },
            higher_is_better: matches!(quantity, Quantity::Mean | Quantity::Agree),
        };
        let waves: Vec<String> = self
            .waves
            .iter()
            .map(|w| {
                w.label
                    .as_ref()
                    .map_or_else(|| w.id.clone(), |l| l.get(lang).to_string())
            })
            .collect();
        let measure = match quantity {
            Quantity::H | Quantity::A | Quantity::M0 => s.get(&format!("change_{}", quantity_name(quantity))),
            q => format!(
                "{} ({})",
                label_in(&first.labels, lang, "en", &subject),
                s.get(&format!("change_{}", quantity_name(q)))
            ),
        };
        let desc = small_multiples_desc(s, lang, &scale, &waves, &panels);
        let texts = crate::charts::Texts {
            title: measure.clone(),
            subtitle: s.get("change_trend_subtitle"),
            source: view.source.to_string(),
            desc: desc.clone(),
            lang: lang.to_string(),
        };
        let fig_id = trend_figure_id(id);
        let svg = small_multiples(&fig_id, &texts, s, &scale, &waves, &panels, Some(&national))?;
        Ok(Some(Figure {
            file: format!("charts/{fig_id}.svg"),
            label: measure.clone(),
            id: fig_id,
            title: measure,
            subtitle: texts.subtitle,
            desc,
            headline: false,
            svg,
        }))
    }

    /// The latest pair of consecutive waves.
    pub fn latest_pair(&self) -> [usize; 2] {
        let n = self.waves.len();
        [n.saturating_sub(2), n.saturating_sub(1)]
    }

    /// Hides the series of `quantity` about `subject` for the groups marked (and everyone's when
    /// `total`), with their changes.
    fn hide(&mut self, quantity: Quantity, subject: &str, groups: &[bool], total: bool) {
        let hidden = |g: &Option<String>, names: &[String]| match g {
            None => total,
            Some(g) => names
                .iter()
                .position(|x| x == g)
                .is_some_and(|j| groups[j]),
        };
        let names = self.groups.clone();
        for s in self
            .series
            .iter_mut()
            .filter(|s| s.quantity == quantity && s.subject == subject)
        {
            if hidden(&s.group, &names) {
                s.points.iter_mut().for_each(|p| *p = None);
                s.n.iter_mut().for_each(|n| *n = None);
                s.suppressed = Some(crate::disclosure::Suppression::Secondary);
                s.last_change = None;
                s.last_holds = false;
            }
        }
        for r in self
            .changes
            .iter_mut()
            .filter(|r| r.quantity == quantity && r.subject == subject)
        {
            if hidden(&r.group, &names) {
                r.before = None;
                r.after = None;
                r.change = None;
                r.holds = false;
            }
        }
    }
}

/// The values a statement or a scale contributes: its mean, and for a Likert statement the
/// share agreeing (its top two answers).
fn variable_values(dataset: &crate::check::Dataset, name: &str) -> Vec<Values> {
    let ins = &dataset.instrument;
    let mut out = Vec::new();
    if let Some(scale) = ins.scale(name) {
        out.push(Values {
            quantity: Quantity::Mean,
            subject: name.to_string(),
            labels: scale.labels.clone(),
            rows: dataset
                .scale_scores(name)
                .iter()
                .map(|s| s.map(|s| (s, 1.0)))
                .collect(),
            among: None,
        });
        return out;
    }
    let (Some(item), Some(values)) = (ins.item(name), dataset.numbers(name)) else {
        return out;
    };
    out.push(Values {
        quantity: Quantity::Mean,
        subject: name.to_string(),
        labels: item.labels.clone(),
        rows: values.iter().map(|v| v.map(|v| (v, 1.0))).collect(),
        among: None,
    });
    // The top two answers of a numeric list of three or more.
    let mut scores: Vec<f64> = ins
        .list_of(item)
        .map(|l| l.choices.iter().filter_map(|c| c.name.parse().ok()).collect())
        .unwrap_or_default();
    scores.sort_by(f64::total_cmp);
    if scores.len() >= 3 {
        let threshold = scores[scores.len() - 2];
        out.push(Values {
            quantity: Quantity::Agree,
            subject: name.to_string(),
            labels: item.labels.clone(),
            rows: values
                .iter()
                .map(|v| v.map(|v| (f64::from(u8::from(v >= threshold)), 1.0)))
                .collect(),
            among: None,
        });
    }
    out
}

/// H, A, M0 and the censored headcounts of a capability index at its headline k, per data row
/// (none for those left out of the index).
fn index_values(
    design: &capability::design::Design,
    matrix: &capability::design::Matrix,
    height: usize,
    offset: usize,
) -> Vec<Values> {
    let weights: Vec<f64> = design.indicators.iter().map(|i| i.weight).collect();
    let scores = deprivation_scores(&matrix.deprived, &weights);
    let k = design.ks.first().copied().unwrap_or(1.0 / 3.0);
    let poor: Vec<bool> = scores.iter().map(|&c| is_deprived(c, k)).collect();
    let per_row = |f: &dyn Fn(usize) -> Option<(f64, f64)>| -> Vec<Option<(f64, f64)>> {
        let mut rows = vec![None; height];
        for (i, &r) in matrix.rows.iter().enumerate() {
            rows[r] = f(i);
        }
        rows
    };
    let one = |b: bool| f64::from(u8::from(b));
    let index = crate::instrument::Labels::new;
    let mut out = vec![
        Values {
            quantity: Quantity::H,
            subject: "index".into(),
            labels: index(),
            rows: per_row(&|i| Some((one(poor[i]), 1.0))),
            among: None,
        },
        Values {
            quantity: Quantity::A,
            subject: "index".into(),
            labels: index(),
            rows: per_row(&|i| Some((censored(scores[i], k), one(poor[i])))),
            among: Some(offset),
        },
        Values {
            quantity: Quantity::M0,
            subject: "index".into(),
            labels: index(),
            rows: per_row(&|i| Some((censored(scores[i], k), 1.0))),
            among: Some(offset),
        },
    ];
    for (j, ind) in design.indicators.iter().enumerate() {
        out.push(Values {
            quantity: Quantity::Censored,
            subject: ind.id.clone(),
            labels: ind.labels.clone(),
            rows: per_row(&|i| Some((one(poor[i] && matrix.deprived[j][i]), 1.0))),
            among: None,
        });
    }
    out
}
