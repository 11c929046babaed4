//! How a capability analysis runs from its specification, what it publishes and how it appears.

use crate::error::Result;
use crate::format;
use crate::instrument::label_in;
use crate::plan::analyses::names;
use crate::plan::Names;
use toml::Spanned;

use super::spec::{DimensionSpec, Fraction, Missing, OneOrMany, Weighting};
use crate::publication::{Cell, Figure, HiddenDistribution, InTen, KeyFinding, Measure, NumFormat, Statistic, Table};

use super::super::kind::{Check, ListOfNames, chart_error, AnalysisKind, Findings, Input, Methods, View};
use super::super::methods::{note, Flag};
use super::super::Entry;
use super::figures::{contributions_figure, figures};
use super::CapabilityResult;

crate::parameters! {
    /// A capability analysis's parameters.
    pub struct Params {
        /// The dimensions and their indicators.
        pub dimensions: Option<Spanned<Vec<DimensionSpec>>>,
        /// The cross-dimensional cutoff(s), `"1/3"` or `[0.25, "1/3"]`.
        pub k: Option<Spanned<OneOrMany>>,
        /// The cutoffs of the robustness analysis (10% to 90% when omitted).
        pub k_range: Option<Spanned<Vec<Fraction>>>,
        /// "equal", "explicit" or "participatory" (inferred from the weights written).
        pub weights: Option<Spanned<Weighting>>,
        /// How a missing answer counts unless an indicator says otherwise (`exclude` when omitted).
        pub missing: Option<Spanned<Missing>>,
        /// Further grouping columns (care setting, gender, …) for the decomposition.
        pub also_by: Option<ListOfNames>,
        /// Bootstrap replications (1000 when omitted; 0 for none).
        pub bootstrap: Option<Spanned<u32>>,
        /// The bootstrap's seed.
        pub seed: Option<Spanned<u64>>,
    }
}

/// Why a capability analysis without dimensions cannot run.
pub const NEEDS_DIMENSIONS: &str =
    "a capability analysis needs its dimensions ([[analysis.dimensions]] with indicators)";

impl Params {
    /// The index as written, for the design.
    pub fn written(&self) -> Option<super::design::Written<'_>> {
        Some(super::design::Written {
            dimensions: self.dimensions.as_ref()?,
            k: self.k.as_ref(),
            k_range: self.k_range.as_ref(),
            weights: self.weights.as_ref(),
            missing: self.missing.as_ref(),
        })
    }
}

impl AnalysisKind for CapabilityResult {
    fn check(c: &Check) -> Result<()> {
        let p: Params = c.params()?;
        c.require(p.dimensions.as_ref(), NEEDS_DIMENSIONS)?;
        c.names(p.also_by.as_ref(), Names::Grouping)
    }

    fn run(input: &Input) -> Result<(String, Self)> {
        let (set, spec) = (input.set, input.spec);
        let params: Params = input.params()?;
        let written = params
            .written()
            .ok_or_else(|| set.error_at(&spec.id, NEEDS_DIMENSIONS))?;
        let p = super::Parameters {
            written,
            also_by: names(&params.also_by),
            bootstrap: params.bootstrap.as_ref(),
            seed: params.seed.as_ref().map(|s| *s.get_ref()),
            resample: !input.plan.checking,
        };
        input.on_survey(|dataset| {
            input.independent_groups(dataset, None)?;
            super::run(set, &input.plan.study, dataset, spec.by.as_ref(), &p)
        })
    }

    fn hidden(&self, _source: &str) -> Vec<HiddenDistribution> {
        Vec::new()
    }

    fn withhold(&mut self, _source: &str, _hidden: &[HiddenDistribution]) {}

    fn tables(&self, view: &View) -> Vec<Table> {
        let (id, lang) = (view.entry.id.as_str(), view.lang);
        let words = view.words;
        let k0 = self
            .results
            .first()
            .map_or(String::new(), |r| format::percent(100.0 * r.k, 0, lang));
        let measures_key = if self.variance.method == "taylor" {
            "capability_measures_weighted"
        } else {
            "capability_measures"
        };
        let mut head = Table::new(
            id,
            &[
                "k",
                "group",
                "n",
                "deprived",
                "H",
                "A",
                "M0",
                "M0_ci95_low",
                "M0_ci95_high",
                "contribution",
            ],
        )
        .caption(words.fill(measures_key, &[("k", &k0)]))
        .format(0, NumFormat::Proportion);
        let mut ind = Table::new(
            format!("{id} indicators"),
            &[
                "k",
                "indicator",
                "label",
                "group",
                "uncensored_percent",
                "censored_percent",
                "contribution",
            ],
        )
        .caption(format!("{} (k = {k0})", words.get("capability_policy")))
        .format(0, NumFormat::Proportion);
        let count = |x: Option<u64>| Cell::shown(x.map(|x| x as f64));
        for res in &self.results {
            let m = &res.measures;
            for g in [&m.overall].into_iter().chain(&m.groups) {
                let ci = match &g.weighted {
                    Some(w) => Some([w.m0.ci_low, w.m0.ci_high]),
                    None => g.ci95.as_ref().map(|c| c.m0),
                };
                head.rows.push(vec![
                    Cell::number(Some(res.k)),
                    Cell::group(g.group.as_deref()),
                    count(g.n),
                    count(g.deprived),
                    Cell::shown(g.h),
                    Cell::shown(g.a),
                    Cell::shown(g.m0),
                    Cell::shown(ci.map(|c| c[0])),
                    Cell::shown(ci.map(|c| c[1])),
                    Cell::shown(g.contribution),
                ]);
            }
            for i in &m.indicators {
                let label = self
                    .indicators
                    .iter()
                    .find(|x| x.id == i.id)
                    .map_or(Cell::Empty, |x| Cell::label(&x.labels, lang, &x.id));
                let rows = [(Cell::text("total"), &i.overall)]
                    .into_iter()
                    .chain(self.groups.iter().map(Cell::text).zip(&i.groups));
                for (group, g) in rows {
                    ind.rows.push(vec![
                        Cell::number(Some(res.k)),
                        Cell::text(&i.id),
                        label.clone(),
                        group,
                        Cell::shown(g.uncensored.percent),
                        Cell::shown(g.censored.percent),
                        Cell::shown(g.contribution),
                    ]);
                }
            }
        }
        let mut out = vec![head, ind];
        if !self.ranking.is_empty() {
            let mut t = Table::new(
                format!("{id} ranking"),
                &["group", "M0", "se", "rank_best", "rank_worst"],
            )
            .caption(words.get("capability_ranking"))
            .format(2, NumFormat::Thousandths);
            for r in &self.ranking {
                t.rows.push(vec![
                    Cell::text(&r.group),
                    Cell::number(Some(r.m0)),
                    Cell::number(Some(r.se)),
                    Cell::number(Some(r.best as f64)),
                    Cell::number(Some(r.worst as f64)),
                ]);
            }
            out.push(t);
        }
        // Whether the order of every pair of groups by M0 holds across the cutoffs k.
        let sens = &self.sensitivity;
        if !sens.rankings.is_empty() {
            let mut t = Table::new(
                format!("{id} k"),
                &["group_a", "group_b", "order_holds", "reversed_at_k", "not_assessed_at_k"],
            )
            .titled(words.get("capability_k"));
            let ks = |v: &[f64]| {
                v.iter()
                    .map(|k| format::percent(100.0 * k, 0, lang))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            for r in &sens.rankings {
                t.rows.push(vec![
                    Cell::text(&r.groups[0]),
                    Cell::text(&r.groups[1]),
                    match r.holds {
                        Some(true) => Cell::text("yes"),
                        Some(false) => Cell::text("no"),
                        None => Cell::Hidden,
                    },
                    Cell::text(ks(&r.reversed_at)),
                    Cell::text(ks(&r.not_assessed_at)),
                ]);
            }
            out.push(t);
        }
        out.extend(self.voices_table(id, view));
        out.extend(self.k_table(id, words));
        out.extend(self.weight_tables(id, lang, words));
        out.extend(self.breakdown_tables(id, lang, words, &k0));
        out.push(self.distribution_table(id, words));
        out
    }

    /// Each indicator's censored and uncensored headcount at the headline cutoff (the first k),
    /// per group and for the whole sample.
    fn measures(&self, id: &str) -> Vec<Measure> {
        let mut out = Vec::new();
        let at = self.results.first();
        for statistic in [Statistic::Censored, Statistic::Uncensored] {
            for indicator in &self.indicators {
                let measure = |group, value| Measure {
                    analysis: id.to_string(),
                    subject: indicator.id.clone(),
                    labels: indicator.labels.clone(),
                    statistic,
                    group,
                    value,
                    p_adjusted: None,
                };
                let row =
                    at.and_then(|a| a.measures.indicators.iter().find(|r| r.id == indicator.id));
                let Some(row) = row else {
                    out.push(measure(None, None));
                    continue;
                };
                let pick = |c: &super::measures::IndicatorCell| match statistic {
                    Statistic::Censored => c.censored.percent,
                    _ => c.uncensored.percent,
                };
                for (g, c) in self.groups.iter().zip(&row.groups) {
                    out.push(measure(Some(g.clone()), pick(c)));
                }
                out.push(measure(None, pick(&row.overall)));
            }
        }
        out
    }

    fn methods(&self, e: &Entry, m: &mut Methods) {
        let weighted = self.variance.method == "taylor";
        let mut refs = if weighted {
            vec!["alkire2011", "alkire2015", "binder1983", "lumley2004", "suppa2023"]
        } else {
            vec!["alkire2011", "alkire2015", "efron1993"]
        };
        if self.results.iter().any(|r| r.differences.len() > 1) {
            refs.push("holm1979");
        }
        if !self.ranking.is_empty() {
            refs.push("mogstad2024");
        }
        let key = if weighted { "capability_weighted" } else { "capability" };
        m.add(note(key, None, &refs));
        // Rounded weights divided by their sum.
        if let Some(r) = &self.weights_rescaled {
            m.add(crate::analysis::methods::MethodNote {
                key: if r.weights == "dimension" {
                    "capability_rescaled_dimension"
                } else {
                    "capability_rescaled_indicator"
                },
                value: Some(r.sum),
                ..note(key, None, &[])
            });
        }
        // More than a fifth of the respondents left out of the index for missing answers.
        if let (Some(n), Some(x)) = (self.n, self.n_excluded) {
            if x * 5 > n + x {
                m.flags.push(Flag {
                    code: "capability_excluded",
                    analysis: e.id.clone(),
                    variable: e.id.clone(),
                    labels: e
                        .title
                        .as_ref()
                        .map(crate::study::Text::labels)
                        .unwrap_or_default(),
                    group: None,
                    n: x as f64,
                });
            }
        }
    }

    fn figures(&self, v: &View) -> Result<Vec<Figure>> {
        let id = &v.entry.id;
        figures(id, self, v.lang, v.words, v.source).map_err(|e| chart_error(id, e))
    }

    /// The index's headline, the most common deprivations, and the easy-read's "7 in 10".
    fn findings(&self, v: &View, out: &mut Findings) {
        let (s, lang) = (v.words, v.lang);
        let pct = |x: f64| format::percent(x, 0, lang);
        let tr = |l, fallback: &str| label_in(l, lang, "en", fallback).to_string();
        let Some(at) = self.results.first() else {
            return;
        };
        if let Some(h) = at.measures.overall.h {
            let shown: Vec<(&String, f64)> = self
                .groups
                .iter()
                .zip(&at.measures.groups)
                .filter_map(|(g, m)| Some((g, m.h?)))
                .collect();
            // Up to four groups by name; beyond, the lowest and the highest.
            let groups = if shown.len() <= 4 {
                let named: Vec<String> = shown
                    .iter()
                    .map(|(g, h)| format!("{g} {}", pct(100.0 * h)))
                    .collect();
                format::join_words(&named, lang)
            } else {
                let low = shown.iter().min_by(|a, b| a.1.total_cmp(&b.1));
                let high = shown.iter().max_by(|a, b| a.1.total_cmp(&b.1));
                match (low, high) {
                    (Some(l), Some(hi)) => s
                        .get("kf_capability_range")
                        .replace("{low}", &pct(100.0 * l.1))
                        .replace("{low_group}", l.0)
                        .replace("{high}", &pct(100.0 * hi.1))
                        .replace("{high_group}", hi.0),
                    _ => String::new(),
                }
            };
            // Two groups: their test; more: whether any pair's difference holds after Holm.
            let tested: Vec<f64> = at.differences.iter().filter_map(|d| d.p_adjusted).collect();
            let diff = match (tested.len(), tested.iter().any(|&p| p < 0.05)) {
                (0, _) => None,
                (1, true) => Some(s.get("kf_capability_differs")),
                (_, true) => Some(s.get("kf_capability_differs_some")),
                (_, false) => Some(s.get("kf_capability_same")),
            };
            let text = s
                .get("kf_capability")
                .replace("{h}", &pct(100.0 * h))
                .replace("{k}", &pct(100.0 * at.k))
                .replace("{k_words}", &k_words(at.k, s, lang))
                .replace("{groups}", &groups)
                .replace("{diff}", &diff.unwrap_or_default());
            out.findings.push(KeyFinding {
                text,
                figure: Some(contributions_figure(&v.entry.id)),
                rank: 0,
            });
        }
        // The three most common deprivations (censored headcounts, whole sample).
        let mut rows: Vec<(f64, String)> = at
            .measures
            .indicators
            .iter()
            .filter_map(|row| {
                let p = row.overall.censored.percent?;
                let ind = self.indicators.iter().find(|i| i.id == row.id)?;
                Some((p, format!("{} ({})", tr(&ind.labels, &ind.id), pct(p))))
            })
            .collect();
        rows.sort_by(|a, b| b.0.total_cmp(&a.0));
        if !rows.is_empty() {
            let top: Vec<String> = rows.iter().take(3).map(|r| r.1.clone()).collect();
            out.findings.push(KeyFinding {
                text: s
                    .get("kf_indicators")
                    .replace("{list}", &format::join_words(&top, lang)),
                figure: None,
                rank: 1,
            });
        }
        // Easy read: attainment, "7 in 10 can …".
        let mut lines: Vec<InTen> = at
            .measures
            .indicators
            .iter()
            .filter_map(|row| {
                let n = row.overall.attained_in_ten?;
                let ind = self.indicators.iter().find(|i| i.id == row.id)?;
                let what = tr(&ind.attainment, "");
                (!what.is_empty()).then(|| InTen {
                    in_ten: n,
                    text: s
                        .get("easy_in_ten")
                        .replace("{n}", &n.to_string())
                        .replace("{what}", &what),
                })
            })
            .collect();
        // By value, not by rank: what more than half have goes well (the three most common
        // first), what half or fewer have is hardest (the three rarest first), so that "6 in 10
        // have a tutor" is never listed among the hardest only for being the lowest of the list.
        lines.sort_by_key(|l| std::cmp::Reverse(l.in_ten));
        out.going_well = lines.iter().filter(|l| l.in_ten > 5).take(3).cloned().collect();
        out.hardest = lines
            .iter()
            .rev()
            .filter(|l| l.in_ten <= 5)
            .take(3)
            .cloned()
            .collect();
    }
}

/// The cutoff k in words for a reader who does not know "weighted indicators": "un terzo", "a
/// third" when it is a simple fraction (denominator up to 5), else the percentage ("il 40 %").
fn k_words(k: f64, s: &crate::words::Strings, lang: &str) -> String {
    for den in 2..=5u32 {
        for num in 1..den {
            if (k - f64::from(num) / f64::from(den)).abs() < 1e-6 {
                let key = format!("k_fraction_{num}_{den}");
                let words = s.get(&key);
                if words != key {
                    return words;
                }
            }
        }
    }
    s.get("k_percent")
        .replace("{k}", &format::percent(100.0 * k, 0, lang))
}

/// The tables of the report's capability chapter beyond the measures, indicators and ranking.
impl CapabilityResult {
    /// For each dimension a focus-group code speaks to: its indicators' censored headcount (whole
    /// sample) and the first quote of each such code.
    fn voices_table(&self, id: &str, view: &View) -> Option<Table> {
        let (lang, words) = (view.lang, view.words);
        let voices: Vec<&crate::analysis::codes::CodeQuotes> = view
            .results
            .analyses
            .iter()
            .filter_map(|e| match &e.result {
                crate::analysis::AnalysisResult::Codes(c) => Some(c),
                _ => None,
            })
            .flat_map(|c| &c.quotes)
            .filter(|q| q.dimension.is_some() && !q.quotes.is_empty())
            .collect();
        let at = self.results.first()?;
        if voices.is_empty() {
            return None;
        }
        let mut t = Table::new(
            format!("{id} voices"),
            &[
                "dimension",
                "indicator",
                "censored_percent",
                "code",
                "quote",
                "role",
                "group",
            ],
        )
        .caption(words.get("capability_voices_caption"));
        for (di, dim) in self.dimensions.iter().enumerate() {
            let qs: Vec<_> = voices
                .iter()
                .filter(|q| q.dimension.as_deref() == Some(dim.id.as_str()))
                .collect();
            if qs.is_empty() {
                continue;
            }
            let dim_label = Cell::label(&dim.labels, lang, &dim.id);
            for (ind, row) in self.indicators.iter().zip(&at.measures.indicators) {
                if ind.dimension != di {
                    continue;
                }
                t.rows.push(vec![
                    dim_label.clone(),
                    Cell::label(&ind.labels, lang, &ind.id),
                    Cell::shown(row.overall.censored.percent),
                    Cell::Empty,
                    Cell::Empty,
                    Cell::Empty,
                    Cell::Empty,
                ]);
            }
            for q in qs {
                for x in q.quotes.iter().take(1) {
                    t.rows.push(vec![
                        dim_label.clone(),
                        Cell::Empty,
                        Cell::Empty,
                        Cell::label(&q.labels, lang, &q.code),
                        Cell::text(&x.text),
                        Cell::text(x.role.clone().unwrap_or_else(|| words.get("codes_participant"))),
                        x.group.as_deref().map_or(Cell::Empty, Cell::text),
                    ]);
                }
            }
        }
        Some(t)
    }

    /// M0, H and A of the whole sample at every cutoff k tried (the robustness chart's numbers).
    fn k_table(&self, id: &str, words: &crate::words::Strings) -> Option<Table> {
        let sens = &self.sensitivity;
        if sens.ks.is_empty() {
            return None;
        }
        let mut t = Table::new(format!("{id} by k"), &["k", "n", "H", "A", "M0"])
            .titled(words.get("capability_k_title_plain"))
            .format(0, NumFormat::Proportion);
        for (k, g) in sens.ks.iter().zip(&sens.overall) {
            t.rows.push(vec![
                Cell::Number(*k),
                Cell::shown(g.n.map(|n| n as f64)),
                Cell::shown(g.h),
                Cell::shown(g.a),
                Cell::shown(g.m0),
            ]);
        }
        Some(t)
    }

    /// The participatory weights, and M0 with equal weights beside the participatory one.
    fn weight_tables(&self, id: &str, lang: &str, words: &crate::words::Strings) -> Vec<Table> {
        let mut out = Vec::new();
        if self.weighting != Weighting::Participatory {
            return out;
        }
        let mut t = Table::new(
            format!("{id} weights"),
            &["dimension", "label", "importance_mean", "weight", "equal_weight"],
        )
        .caption(words.get("capability_weights"));
        let equal = 1.0 / self.dimensions.len().max(1) as f64;
        for d in &self.dimensions {
            t.rows.push(vec![
                Cell::text(&d.id),
                Cell::label(&d.labels, lang, &d.id),
                Cell::number(d.importance.as_ref().map(|i| i.mean)),
                Cell::Number(d.weight),
                Cell::Number(equal),
            ]);
        }
        out.push(t);
        if let (Some(eq), Some(at)) = (&self.equal_weights, self.results.first()) {
            let mut t = Table::new(
                format!("{id} equal weights"),
                &["group", "M0_participatory", "M0_equal"],
            )
            .caption(words.get("capability_equal_note"));
            let participatory = at.measures.groups.iter().chain([&at.measures.overall]);
            for (g, p) in eq.groups.iter().chain([&eq.overall]).zip(participatory) {
                t.rows.push(vec![
                    Cell::group(g.group.as_deref()),
                    Cell::shown(p.m0),
                    Cell::shown(g.m0),
                ]);
            }
            out.push(t);
        }
        out
    }

    /// M0 decomposed by each further grouping (care setting, gender, …).
    fn breakdown_tables(
        &self,
        id: &str,
        lang: &str,
        words: &crate::words::Strings,
        k0: &str,
    ) -> Vec<Table> {
        self.breakdowns
            .iter()
            .map(|b| {
                let by = label_in(&b.by_labels, lang, "en", &b.by).to_string();
                let mut t = Table::new(
                    format!("{id} by {}", b.by),
                    &[
                        "group",
                        "label",
                        "n",
                        "H",
                        "A",
                        "M0",
                        "M0_ci95_low",
                        "M0_ci95_high",
                        "population_share",
                        "contribution",
                    ],
                )
                .caption(format!(
                    "{} (k = {k0})",
                    words.fill("capability_by", &[("by", &by)])
                ));
                for (i, g) in b.groups.iter().enumerate() {
                    let name = g.group.clone().unwrap_or_default();
                    let label = b
                        .group_labels
                        .get(i)
                        .filter(|l| !l.is_empty())
                        .map_or(Cell::text(&name), |l| Cell::label(l, lang, &name));
                    let ci = match &g.weighted {
                        Some(w) => Some([w.m0.ci_low, w.m0.ci_high]),
                        None => g.ci95.as_ref().map(|c| c.m0),
                    };
                    let shown = |x: Option<f64>| if g.m0.is_none() { Cell::Hidden } else { Cell::number(x) };
                    t.rows.push(vec![
                        Cell::text(name),
                        label,
                        Cell::shown(g.m0.and(g.n).map(|n| n as f64)),
                        Cell::shown(g.h),
                        shown(g.a),
                        Cell::shown(g.m0),
                        shown(ci.map(|c| c[0])),
                        shown(ci.map(|c| c[1])),
                        shown(g.population_share),
                        shown(g.contribution),
                    ]);
                }
                t
            })
            .collect()
    }

    /// How many young people are held back in how many weighted indicators, by group.
    fn distribution_table(&self, id: &str, words: &crate::words::Strings) -> Table {
        let d = &self.distribution;
        let mut header = vec!["weighted_indicators".to_string()];
        header.extend(self.groups.iter().map(|g| format!("n {g}")));
        header.push("n total".into());
        let mut t = Table::with_header(format!("{id} distribution"), header)
            .caption(words.get("capability_distribution"));
        for (i, b) in d.bins.iter().enumerate() {
            let mut row = vec![if *b == 0 {
                Cell::text(words.get("capability_none"))
            } else {
                Cell::text(words.fill("capability_score_bin", &[("b", &b.to_string())]))
            }];
            row.extend(
                d.groups
                    .iter()
                    .map(|g| Cell::shown(g.get(i).copied().flatten().map(|x| x as f64))),
            );
            row.push(Cell::shown(d.overall.get(i).copied().flatten().map(|x| x as f64)));
            t.rows.push(row);
        }
        t
    }
}
