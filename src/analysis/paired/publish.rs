//! How a before/after analysis runs from its specification, what it publishes and how it
//! appears.

use toml::Spanned;

use crate::error::Result;
use crate::format::number;
use crate::instrument::label_in;
use crate::plan::analyses::names;
use crate::plan::Names;
use crate::publication::{Cell, Figure, HiddenDistribution, InTen, KeyFinding, Measure, Table};
use crate::stats::Correction;

use super::super::kind::{AnalysisKind, Check, Findings, Input, ListOfNames, Methods, View};
use super::super::methods::note;
use super::super::Entry;
use super::{Ask, Measure as Kind, PairedResult, PairedRow};

crate::parameters! {
    /// A before/after analysis's parameters.
    pub struct Params {
        /// Scales, and questions answered with a number or a single choice, measured twice.
        pub variables: Option<ListOfNames>,
        /// The wave before (a `[[waves]]` id or label; the first wave when omitted).
        pub before: Option<Spanned<String>>,
        /// The wave after (the last wave when omitted).
        pub after: Option<Spanned<String>>,
        /// The multiple-test correction within the analysis: "holm" (the default), "bh", "none".
        pub correction: Option<Spanned<Correction>>,
        /// The baseline answers on which those who stayed and those who left are compared (the
        /// variables when omitted; `[]` for none).
        pub attrition: Option<ListOfNames>,
        /// A source of kind "sessions" (the programme's session log): the dose.
        pub sessions: Option<Spanned<String>>,
    }
}

const NEEDS_VARIABLES: &str =
    "a paired analysis compares `variables` (scales and questions) before and after: name at least one";

/// The wave `w` names (an id or a label), or an error at it listing the waves.
fn wave_of(study: &crate::study::Study, set: &crate::plan::SpecSet, w: &Spanned<String>) -> Result<usize> {
    study.resolve_wave(w.get_ref()).ok_or_else(|| {
        set.error_at(
            w,
            format!(
                "'{}' is not one of the study's [[waves]] ({})",
                w.get_ref(),
                study
                    .waves
                    .iter()
                    .map(|x| x.id.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        )
    })
}

/// The two waves compared: as written, else the first and the last.
fn waves_of(
    study: &crate::study::Study,
    set: &crate::plan::SpecSet,
    p: &Params,
    id: &Spanned<String>,
) -> Result<(usize, usize)> {
    let before = p.before.as_ref().map(|w| wave_of(study, set, w)).transpose()?;
    let after = p.after.as_ref().map(|w| wave_of(study, set, w)).transpose()?;
    let (b, a) = (before.unwrap_or(0), after.unwrap_or(study.waves.len().saturating_sub(1)));
    if b == a {
        let at = p.after.as_ref().or(p.before.as_ref()).unwrap_or(id);
        return Err(set.error_at(at, "before and after name the same wave: name two waves"));
    }
    Ok((b, a))
}

impl AnalysisKind for PairedResult {
    fn check(c: &Check) -> Result<()> {
        let p: Params = c.params()?;
        if p.variables.as_ref().is_none_or(|v| v.get_ref().is_empty()) {
            return Err(c.set.error_at(&c.spec.id, NEEDS_VARIABLES));
        }
        let study = &c.plan.study;
        if study.waves.len() < 2 {
            return Err(c.set.error_at(
                &c.spec.id,
                "a paired analysis compares two waves: declare them in study.toml ([[waves]] with id and label) and give the source a wave_column (or one file per wave)",
            ));
        }
        waves_of(study, c.set, &p, &c.spec.id)?;
        if let Some(s) = &p.sessions {
            if !study.session_sources.iter().any(|x| &x.name == s.get_ref()) {
                return Err(c.set.error_at(
                    s,
                    format!(
                        "there is no source of kind \"sessions\" named '{}' in study.toml",
                        s.get_ref()
                    ),
                ));
            }
        }
        if let Some((source, _)) = c.plan.survey_of(c.spec) {
            if source.id_column.is_none() {
                return Err(c.set.error_at(
                    &c.spec.id,
                    format!(
                        "a paired analysis pairs each person's answers by their id: give the source '{}' an id_column",
                        source.name
                    ),
                ));
            }
        }
        c.names(p.variables.as_ref(), Names::Measured)?;
        c.names(p.attrition.as_ref(), Names::Measured)
    }

    fn run(input: &Input) -> Result<(String, Self)> {
        let p: Params = input.params()?;
        let study = &input.plan.study;
        let waves = waves_of(study, input.set, &p, &input.spec.id)?;
        let log = match &p.sessions {
            Some(s) => {
                let source = study
                    .session_sources
                    .iter()
                    .find(|x| &x.name == s.get_ref())
                    .ok_or_else(|| input.set.error_at(s, "no such sessions source"))?;
                Some(crate::check::sessions::check_sessions(study, source)?.0)
            }
            None => None,
        };
        let variables: Vec<&str> = names(&p.variables)
            .unwrap_or_default()
            .iter()
            .map(|n| n.get_ref().as_str())
            .collect();
        let attrition: Vec<&str> = match &p.attrition {
            Some(a) => a.get_ref().iter().map(|n| n.get_ref().as_str()).collect(),
            None => variables.clone(),
        };
        input.on_survey(|dataset| {
            super::run(
                study,
                dataset,
                &Ask {
                    variables: variables.clone(),
                    waves,
                    correction: p.correction.map(|c| *c.get_ref()).unwrap_or_default(),
                    by: input.spec.by.as_ref().map(|b| b.get_ref().as_str()),
                    attrition: attrition.clone(),
                    log: log.as_ref(),
                },
            )
        })
    }

    fn hidden(&self, _source: &str) -> Vec<HiddenDistribution> {
        Vec::new()
    }

    fn withhold(&mut self, _source: &str, _hidden: &[HiddenDistribution]) {}

    fn tables(&self, view: &View) -> Vec<Table> {
        let (id, lang) = (view.entry.id.as_str(), view.lang);
        let group = |g: &Option<String>| Cell::group(g.as_deref());
        let words = view.words;
        let wname = |w: &super::WaveRef| {
            w.label
                .as_ref()
                .map_or_else(|| w.id.clone(), |l| l.get(lang).to_string())
        };
        let (before, after) = (wname(&self.before), wname(&self.after));
        let waves = [("before", before.as_str()), ("after", after.as_str())];
        let mut seen = Table::new(
            format!("{id} seen"),
            &["group", "before_only", "both", "after_only", "attrition_pct"],
        )
        .caption(words.fill("paired_seen_caption", &waves));
        for s in &self.seen {
            let c = |x: Option<u64>| Cell::count(x.map(|x| x as usize));
            seen.rows.push(vec![
                group(&s.group),
                c(s.before_only),
                c(s.both),
                c(s.after_only),
                Cell::shown(s.attrition),
            ]);
        }
        let mut rows = Table::new(
            id,
            &[
                "subject", "label", "group", "measure", "n_pairs", "before", "after", "diff",
                "diff_ci95_low", "diff_ci95_high", "up_pct", "down_pct", "wilcoxon_w",
                "wilcoxon_p", "wilcoxon_exact", "rank_biserial", "rb_ci95_low", "rb_ci95_high",
                "t", "df", "t_p", "d_z", "d_z_ci95_low", "d_z_ci95_high", "mcnemar_chi2",
                "mcnemar_p_exact", "stuart_maxwell_chi2", "stuart_maxwell_df", "stuart_maxwell_p",
                "bowker_chi2", "bowker_df", "bowker_p", "p", "p_adjusted", "withheld",
            ],
        );
        // The report's table of changes, once per group (and the whole sample) with any.
        let mut scalar_groups: Vec<&Option<String>> = Vec::new();
        for r in &self.rows {
            if r.measure != Kind::Categories && !scalar_groups.contains(&&r.group) {
                scalar_groups.push(&r.group);
                rows.captions.push(words.fill("paired_caption", &waves));
            }
        }
        // A single choice of three or more answers: the share of each answer before and after.
        let mut choices = Table::new(
            format!("{id} choices"),
            &["subject", "label", "group", "n_pairs", "answer", "answer_label", "before_percent", "after_percent"],
        );
        for r in self.rows.iter().filter(|r| r.measure == Kind::Categories) {
            let n = r
                .n
                .map_or_else(|| words.get("suppressed_mark"), |n| crate::format::integer(n as f64, lang));
            choices.captions.push(format!(
                "{} — {} (n = {n})",
                label_in(&r.labels, lang, "en", &r.subject),
                words.fill("paired_choice_caption", &waves)
            ));
            for c in &r.shares {
                choices.rows.push(vec![
                    Cell::text(&r.subject),
                    Cell::label(&r.labels, lang, &r.subject),
                    group(&r.group),
                    Cell::count(r.n.map(|n| n as usize)),
                    Cell::text(&c.name),
                    Cell::label(&c.labels, lang, &c.name),
                    Cell::shown(c.before),
                    Cell::shown(c.after),
                ]);
            }
        }
        for r in &self.rows {
            let w = r.wilcoxon.as_ref();
            let t = r.t.as_ref();
            let h = r.homogeneity.as_ref();
            let b = h.and_then(|h| h.bowker.as_ref());
            let num = Cell::number;
            rows.rows.push(vec![
                Cell::text(&r.subject),
                Cell::label(&r.labels, lang, &r.subject),
                group(&r.group),
                Cell::text(measure_name(r.measure)),
                Cell::count(r.n.map(|n| n as usize)),
                Cell::shown(r.before),
                Cell::shown(r.after),
                num(r.diff),
                num(r.diff_ci.map(|c| c[0])),
                num(r.diff_ci.map(|c| c[1])),
                num(r.up),
                num(r.down),
                num(w.map(|w| w.statistic)),
                num(w.map(|w| w.p)),
                w.map_or(Cell::Empty, |w| Cell::text(if w.exact { "exact" } else { "normal" })),
                num(w.map(|w| w.r)),
                num(w.and_then(|w| w.r_ci).map(|c| c[0])),
                num(w.and_then(|w| w.r_ci).map(|c| c[1])),
                num(t.map(|t| t.t)),
                num(t.map(|t| t.df)),
                num(t.map(|t| t.p)),
                num(t.map(|t| t.d_z)),
                num(t.map(|t| t.d_z_ci[0])),
                num(t.map(|t| t.d_z_ci[1])),
                num(r.mcnemar.as_ref().map(|m| m.statistic)),
                num(r.mcnemar.as_ref().map(|m| m.p_exact)),
                num(h.map(|h| h.stuart_maxwell.statistic)),
                num(h.map(|h| h.stuart_maxwell.df)),
                num(h.map(|h| h.stuart_maxwell.p)),
                num(b.map(|b| b.statistic)),
                num(b.map(|b| b.df)),
                num(b.map(|b| b.p)),
                num(r.p),
                num(r.p_adjusted),
                r.withheld.map_or(Cell::Empty, Cell::text),
            ]);
        }
        let mut out = vec![seen, rows];
        if !choices.rows.is_empty() {
            out.push(choices);
        }
        if !self.attrition.is_empty() {
            let mut a = Table::new(
                format!("{id} attrition"),
                &[
                    "subject", "label", "stayed_n", "left_n", "stayed", "left", "test", "p",
                    "p_adjusted",
                ],
            )
            .caption(words.fill("paired_attrition_caption", &waves));
            for r in &self.attrition {
                a.rows.push(vec![
                    Cell::text(&r.subject),
                    Cell::label(&r.labels, lang, &r.subject),
                    Cell::count(r.stayed_n.map(|n| n as usize)),
                    Cell::count(r.left_n.map(|n| n as usize)),
                    Cell::shown(r.stayed),
                    Cell::shown(r.left),
                    Cell::text(r.test),
                    Cell::number(r.p),
                    Cell::number(r.p_adjusted),
                ]);
            }
            out.push(a);
        }
        if let Some(d) = &self.dose {
            let mut t = Table::new(
                format!("{id} dose"),
                &["measure", "n", "mean", "median", "q1", "q3"],
            )
            .titled(words.get("paired_dose"));
            for (name, s) in [
                ("sessions_per_person", &d.sessions),
                ("minutes_per_person", &d.minutes),
                ("mentor_caseload", &d.caseload),
                ("days_to_first_session", &d.days_to_first),
            ] {
                if let Some(s) = s {
                    t.rows.push(vec![
                        Cell::text(name),
                        Cell::count(Some(s.n as usize)),
                        Cell::number(Some(s.mean)),
                        Cell::number(Some(s.median)),
                        Cell::number(Some(s.q1)),
                        Cell::number(Some(s.q3)),
                    ]);
                }
            }
            out.push(t);
            let mut s = Table::new(
                format!("{id} dose-change"),
                &[
                    "subject", "label", "n", "spearman_rho", "ci95_low", "ci95_high", "p",
                    "p_adjusted",
                ],
            )
            .caption(words.get("paired_dose_caption"));
            for r in &d.association {
                s.rows.push(vec![
                    Cell::text(&r.subject),
                    Cell::label(&r.labels, lang, &r.subject),
                    Cell::count(Some(r.n as usize)),
                    Cell::number(Some(r.rho)),
                    Cell::number(r.ci.map(|c| c[0])),
                    Cell::number(r.ci.map(|c| c[1])),
                    Cell::number(Some(r.p)),
                    Cell::number(r.p_adjusted),
                ]);
            }
            out.push(s);
        }
        out
    }

    fn measures(&self, id: &str) -> Vec<Measure> {
        // The change after − before of each variable (points for a yes/no), per group, as a rule
        // tests it (`measure = "change"`).
        self.rows
            .iter()
            .filter(|r| r.measure != Kind::Categories)
            .map(|r| Measure {
                analysis: id.to_string(),
                subject: r.subject.clone(),
                labels: r.labels.clone(),
                statistic: crate::publication::Statistic::Change,
                group: r.group.clone(),
                value: r.diff,
                p_adjusted: r.p_adjusted,
            })
            .collect()
    }

    fn methods(&self, _e: &Entry, m: &mut Methods) {
        let mut refs = vec![
            "wilcoxon1945",
            "kerby2014",
            "student1908",
            "cohen1988",
            "mcnemar1947",
            "stuart1955",
            "bowker1948",
        ];
        if !self.attrition.is_empty() {
            refs.extend(["mann1947", "fisher1922"]);
        }
        if self.dose.is_some() {
            refs.push("spearman1904");
        }
        refs.push(match self.correction {
            Correction::BenjaminiHochberg => "bh1995",
            _ => "holm1979",
        });
        m.add(note("paired", Some(self.correction), &refs));
    }

    fn figures(&self, view: &View) -> Result<Vec<Figure>> {
        let id = &view.entry.id;
        self.figure(id, view)
            .map(|f| f.into_iter().collect())
            .map_err(|e| super::super::kind::chart_error(id, e))
    }

    fn findings(&self, view: &View, out: &mut Findings) {
        let w = view.words;
        let lang = view.lang;
        let pairs = self.seen.first().and_then(|s| s.both);
        // The changes that hold, largest effect first: a before/after study leads with them.
        let mut held: Vec<&PairedRow> = self
            .rows
            .iter()
            .filter(|r| r.group.is_none() && r.holds && r.diff.is_some())
            .collect();
        let effect = |r: &PairedRow| {
            r.wilcoxon
                .as_ref()
                .map(|w| w.r.abs())
                .or(r.diff.map(|d| d.abs() / 100.0))
                .unwrap_or(0.0)
        };
        held.sort_by(|a, b| effect(b).total_cmp(&effect(a)));
        // The chart goes with the first finding only.
        let mut figure = Some(figure_id(&view.entry.id));
        // Two changes, then who left, the dose and what the other analyses found.
        for r in held.iter().take(2) {
            let label = label_in(&r.labels, lang, "en", &r.subject);
            let fmt = |x: f64| match r.measure {
                Kind::Binary => crate::format::percent(x, 0, lang),
                _ => number(x, 1, lang),
            };
            let (Some(before), Some(after), Some(diff)) = (r.before, r.after, r.diff) else {
                continue;
            };
            let key = if diff > 0.0 { "paired_finding_up" } else { "paired_finding_down" };
            out.findings.push(KeyFinding {
                text: w
                    .get(key)
                    .replace("{what}", label)
                    .replace("{before}", &fmt(before))
                    .replace("{after}", &fmt(after))
                    .replace("{n}", &r.n.map_or_else(String::new, |n| n.to_string())),
                figure: figure.take(),
                rank: 0,
            });
        }
        if held.is_empty() {
            if let Some(n) = pairs {
                out.findings.push(KeyFinding {
                    text: w.get("paired_finding_none").replace("{n}", &n.to_string()),
                    figure: None,
                    rank: 0,
                });
            }
        }
        // Who left: beside the change, because a change among completers can be selection.
        if let Some(total) = self.seen.first() {
            if let Some(att) = total.attrition {
                let differ: Vec<&str> = self
                    .attrition
                    .iter()
                    .filter(|a| a.holds)
                    .map(|a| label_in(&a.labels, lang, "en", &a.subject))
                    .collect();
                let text = if differ.is_empty() {
                    w.get("paired_attrition_same")
                        .replace("{pct}", &crate::format::percent(att, 0, lang))
                } else {
                    w.get("paired_attrition_selective")
                        .replace("{pct}", &crate::format::percent(att, 0, lang))
                        .replace("{what}", &crate::format::join_words(&differ.iter().map(|s| s.to_string()).collect::<Vec<_>>(), lang))
                };
                out.findings.push(KeyFinding {
                    text,
                    figure: None,
                    rank: 0,
                });
            }
        }
        if let Some(d) = &self.dose {
            for r in d.association.iter().filter(|r| r.holds).take(1) {
                out.findings.push(KeyFinding {
                    text: w
                        .get("paired_dose_finding")
                        .replace("{what}", label_in(&r.labels, lang, "en", &r.subject))
                        .replace("{rho}", &number(r.rho, 2, lang)),
                    figure: None,
                    rank: 1,
                });
            }
        }
        // Easy read: how many in ten got better (or worse) where the change holds.
        for r in &held {
            let label = label_in(&r.labels, lang, "en", &r.subject).to_string();
            let (share, key, list) = match (r.diff, r.up, r.down) {
                (Some(d), Some(up), _) if d > 0.0 => (up, "paired_easy_up", &mut out.going_well),
                (Some(d), _, Some(down)) if d < 0.0 => {
                    (down, "paired_easy_down", &mut out.hardest)
                }
                _ => continue,
            };
            let in_ten = (share / 10.0).round() as u64;
            if in_ten == 0 {
                continue;
            }
            list.push(InTen {
                in_ten,
                text: w
                    .get("easy_in_ten")
                    .replace("{n}", &in_ten.to_string())
                    .replace("{what}", &w.get(key).replace("{what}", &label)),
            });
        }
    }
}

pub(super) fn measure_name(m: Kind) -> &'static str {
    match m {
        Kind::Score => "score",
        Kind::Ordinal => "ordinal",
        Kind::Binary => "binary",
        Kind::Categories => "categories",
    }
}

/// The id of a paired analysis's chart.
pub fn figure_id(id: &str) -> String {
    format!("{}-change", crate::text::slug(id))
}

impl PairedResult {
    /// Each score's (and ordinal answer's) mean before and after, with the change's interval:
    /// one row per variable, an arrow from before to after.
    fn figure(&self, id: &str, view: &View) -> std::result::Result<Option<Figure>, String> {
        let rows: Vec<&PairedRow> = self
            .rows
            .iter()
            .filter(|r| r.group.is_none())
            .filter(|r| matches!(r.measure, Kind::Score | Kind::Ordinal))
            .filter(|r| r.before.is_some() && r.after.is_some())
            .collect();
        if rows.is_empty() {
            return Ok(None);
        }
        let w = view.words;
        let lang = view.lang;
        let before = self
            .before
            .label
            .as_ref()
            .map_or(self.before.id.clone(), |l| l.get(lang).to_string());
        let after = self
            .after
            .label
            .as_ref()
            .map_or(self.after.id.clone(), |l| l.get(lang).to_string());
        let title = w.get("paired_chart_title");
        let subtitle = w
            .get("paired_chart_subtitle")
            .replace("{before}", &before)
            .replace("{after}", &after);
        let n = self
            .seen
            .first()
            .and_then(|s| s.both)
            .map_or_else(|| w.get("suppressed_mark"), |n| n.to_string());
        let groups = vec![(before.clone(), n.clone()), (after.clone(), n)];
        let mut lo = f64::MAX;
        let mut hi = f64::MIN;
        let chart_rows: Vec<crate::charts::MeanRow> = rows
            .iter()
            .map(|r| {
                let (b, a) = (r.before.unwrap_or_default(), r.after.unwrap_or_default());
                let [l, h] = r.range.unwrap_or([b.min(a), b.max(a)]);
                lo = lo.min(b).min(a).min(l);
                hi = hi.max(b).max(a).max(h);
                let mark = if r.holds { " *" } else { "" };
                crate::charts::MeanRow {
                    label: format!("{}{mark}", label_in(&r.labels, lang, "en", &r.subject)),
                    points: vec![
                        crate::charts::MeanPoint { group_index: 0, mean: b, ci: None },
                        crate::charts::MeanPoint { group_index: 1, mean: a, ci: None },
                    ],
                }
            })
            .collect();
        let range = [lo.floor(), hi.ceil().max(lo.floor() + 1.0)];
        let desc = rows
            .iter()
            .map(|r| {
                format!(
                    "{}: {} → {}{}",
                    label_in(&r.labels, lang, "en", &r.subject),
                    number(r.before.unwrap_or_default(), 2, lang),
                    number(r.after.unwrap_or_default(), 2, lang),
                    if r.holds {
                        format!(" ({})", w.get("paired_holds"))
                    } else {
                        String::new()
                    }
                )
            })
            .collect::<Vec<_>>()
            .join("; ");
        let texts = crate::charts::Texts {
            title: title.clone(),
            subtitle: subtitle.clone(),
            source: view.source.to_string(),
            desc: desc.clone(),
            lang: lang.to_string(),
        };
        let svg = crate::charts::means_chart(&figure_id(id), &texts, &groups, range, &chart_rows)?;
        let fid = figure_id(id);
        Ok(Some(Figure {
            id: fid.clone(),
            label: fid.clone(),
            file: format!("charts/{fid}.svg"),
            title,
            subtitle,
            desc,
            headline: true,
            svg,
        }))
    }
}
