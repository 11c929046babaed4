//! How a comparison runs from its specification, what it publishes and how it appears.

use crate::error::Result;
use crate::format;
use crate::instrument::label_in;
use crate::plan::analyses::names;
use crate::plan::Names;
use super::super::kind::ListOfNames;
use crate::publication::{Cell, Figure, HiddenDistribution, KeyFinding, Measure, NumFormat, Statistic, Table};
use crate::stats::Correction;
use crate::text::slug;
use crate::words::Strings;

use super::super::kind::{Check, AnalysisKind, Findings, Input, Methods, View};
use super::super::methods::{correction_refs, note, Flag};
use super::super::{AnalysisResult, Entry};
use super::super::methods::{reference, FamilyNote, MethodNote, Reference};
use super::many::{ManyTest, RANK_LEVEL};
use super::{CompareResult, Families, FamilyMode, SMALL_GROUP};
use std::collections::BTreeMap;

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
            .map(|t| label_in(&t.labels, lang, "en", &t.variable).to_string())
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

crate::parameters! {
    /// A comparison's parameters.
    pub struct Params {
        /// The items and scales to compare (all when omitted).
        pub variables: Option<ListOfNames>,
        /// The two groups to compare.
        pub groups: Option<ListOfNames>,
        /// holm (default), bh or none.
        pub correction: Option<toml::Spanned<Correction>>,
        /// The families the correction runs within, for the variables `families` does not name:
        /// "block" (default: one family per block of the questionnaire) or "all" (one family).
        pub family: Option<toml::Spanned<FamilyMode>>,
        /// Families named in the analysis: `name = ["item", "scale", …]`; each is corrected
        /// on its own.
        pub families: Option<toml::Spanned<BTreeMap<String, ListOfNames>>>,
    }
}

impl Params {
    /// The families as the comparison runs them.
    fn families(&self) -> Families {
        Families {
            mode: self.family.as_ref().map(|f| *f.get_ref()).unwrap_or_default(),
            named: self
                .families
                .iter()
                .flat_map(|f| f.get_ref())
                .map(|(name, list)| {
                    let vars = list.get_ref().iter().map(|v| v.get_ref().clone()).collect();
                    (name.clone(), vars)
                })
                .collect(),
        }
    }
}

impl AnalysisKind for CompareResult {
    fn check(c: &Check) -> Result<()> {
        let p: Params = c.params()?;
        c.names(p.variables.as_ref(), Names::LikertOrScale)?;
        // Each variable of a family is in the questionnaire, compared by the analysis, and in
        // one family only.
        let mut seen: Vec<&str> = Vec::new();
        for list in p.families.iter().flat_map(|f| f.get_ref().values()) {
            c.names(Some(list), Names::LikertOrScale)?;
            for v in list.get_ref() {
                let name = v.get_ref().as_str();
                if seen.contains(&name) {
                    return Err(c.set.error_at(
                        v,
                        format!("'{name}' is in two families: a test is corrected in one family"),
                    ));
                }
                seen.push(name);
                let compared = names(&p.variables)
                    .is_none_or(|vars| vars.iter().any(|x| x.get_ref() == name));
                if !compared {
                    return Err(c.set.error_at(
                        v,
                        format!("'{name}' is in a family but not among the `variables` this comparison compares"),
                    ));
                }
            }
        }
        Ok(())
    }

    fn run(input: &Input) -> Result<(String, Self)> {
        let p: Params = input.params()?;
        input.on_survey(|dataset| {
            let only: Option<Vec<&str>> = names(&p.groups)
                .map(|g| g.iter().map(|x| x.get_ref().as_str()).collect());
            input.independent_groups(dataset, only.as_deref())?;
            super::run(
                input.set,
                &input.plan.study,
                dataset,
                names(&p.variables),
                input.spec.by.as_ref(),
                names(&p.groups),
                p.correction.as_ref().map(|c| *c.get_ref()).unwrap_or_default(),
                &p.families(),
            )
        })
    }

    fn hidden(&self, _source: &str) -> Vec<HiddenDistribution> {
        Vec::new()
    }

    fn withhold(&mut self, source: &str, hidden: &[HiddenDistribution]) {
        super::withhold_hidden(self, source, hidden);
    }

    fn tables(&self, view: &View) -> Vec<Table> {
        let (id, lang) = (view.entry.id.as_str(), view.lang);
        if !self.many.is_empty() || self.groups.len() > 2 {
            return many_tables(self, view);
        }
        let g1 = self.groups.first().map_or("1", String::as_str);
        let g2 = self.groups.get(1).map_or("2", String::as_str);
        let header: Vec<String> = [
            "variable".to_string(),
            "label".into(),
            "kind".into(),
            format!("n {g1}"),
            format!("n {g2}"),
            format!("mean {g1}"),
            format!("mean {g2}"),
            format!("median {g1}"),
            format!("median {g2}"),
            "U".into(),
            "z".into(),
            "p".into(),
            "p_exact".into(),
            "p_adjusted".into(),
            "rank_biserial".into(),
            "welch_t".into(),
            "welch_p".into(),
            "cohen_d".into(),
        ]
        .into();
        let a = serde_json::to_value(view.entry).unwrap_or_default();
        let caption = format!(
            "{} ({}): {} – {} ({}: {})",
            view.words.get("compare"),
            crate::publication::grouping_name(&a, view.words, lang).to_lowercase(),
            crate::publication::group_name(&a, g1, lang),
            crate::publication::group_name(&a, g2, lang),
            view.words.get("p_adj"),
            view.words.get(&serde_json::to_value(self.correction).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default()),
        );
        let mut t = Table::with_header(id, header).caption(caption);
        for x in &self.tests {
            let welch = x.welch.as_ref();
            t.rows.push(vec![
                Cell::text(&x.variable),
                Cell::label(&x.labels, lang, &x.variable),
                Cell::text(x.kind),
                Cell::count(Some(x.n[0])),
                Cell::count(Some(x.n[1])),
                Cell::shown(x.mean[0]),
                Cell::shown(x.mean[1]),
                Cell::shown(x.median[0]),
                Cell::shown(x.median[1]),
                Cell::number(Some(x.u)),
                Cell::number(Some(x.z)),
                Cell::number(Some(x.p)),
                Cell::number(x.p_exact),
                Cell::number(Some(x.p_adjusted)),
                Cell::number(Some(x.rank_biserial)),
                Cell::number(welch.map(|w| w.t)),
                Cell::number(welch.map(|w| w.p)),
                Cell::number(welch.map(|w| w.cohen_d)),
            ]);
        }
        for x in &self.skipped {
            let mut row = vec![
                Cell::text(&x.variable),
                Cell::Empty,
                Cell::Text(format!("not compared: {}", x.reason)),
            ];
            row.resize(t.header.len(), Cell::Empty);
            t.rows.push(row);
        }
        vec![t]
    }

    /// Each variable's mean in each of the two groups, with the adjusted p-value of the gap; a
    /// variable not compared is there with no values.
    fn measures(&self, id: &str) -> Vec<Measure> {
        let mut out = Vec::new();
        // More than two groups: each group's mean (none where it is left out) with the
        // adjusted p-value of the Kruskal–Wallis test, so `significant = true` reads it.
        for t in &self.many {
            for g in &t.groups {
                out.push(Measure {
                    analysis: id.to_string(),
                    subject: t.variable.clone(),
                    labels: t.labels.clone(),
                    statistic: Statistic::Gap,
                    group: Some(g.group.clone()),
                    value: g.mean,
                    p_adjusted: Some(t.p_adjusted),
                });
            }
        }
        let tested = self
            .tests
            .iter()
            .map(|t| (&t.variable, t.labels.clone(), t.mean, Some(t.p_adjusted)));
        let skipped = self
            .skipped
            .iter()
            .map(|s| (&s.variable, Default::default(), [None, None], None));
        for (variable, labels, mean, p_adjusted) in tested.chain(skipped) {
            let measure = |group, value| Measure {
                analysis: id.to_string(),
                subject: variable.clone(),
                labels: Clone::clone(&labels),
                statistic: Statistic::Gap,
                group,
                value,
                p_adjusted,
            };
            if self.groups.is_empty() {
                out.push(measure(None, None));
            }
            for (g, m) in self
                .groups
                .iter()
                .zip(mean.into_iter().chain(std::iter::repeat(None)))
            {
                out.push(measure(Some(g.clone()), m));
            }
        }
        out
    }

    fn methods(&self, e: &Entry, m: &mut Methods) {
        if self.not_run.is_some() {
            return;
        }
        if self.groups.len() > 2 {
            many_methods(self, e, m);
            return;
        }
        let refs: Vec<&str> = ["mann1947", "kerby2014", "welch1947", "hedges1981"]
            .into_iter()
            .chain(correction_refs(self.correction).iter().copied())
            .collect();
        let mut n = note("compare", Some(self.correction), &refs);
        n.families = family_note(self, e);
        m.add(n);
        for t in self.tests.iter().filter(|t| t.small_group) {
            for (k, n) in t.n.iter().enumerate() {
                if *n < SMALL_GROUP {
                    m.flags.push(Flag {
                        code: "small_group",
                        analysis: e.id.clone(),
                        variable: t.variable.clone(),
                        labels: t.labels.clone(),
                        group: self.groups.get(k).cloned(),
                        n: *n as f64,
                    });
                }
            }
        }
    }

    /// Its table is the chart: the means chart of the scales carries its finding in its title.
    fn figures(&self, _: &View) -> Result<Vec<Figure>> {
        Ok(Vec::new())
    }

    /// The scales whose gap survives the correction, with both means.
    fn findings(&self, v: &View, out: &mut Findings) {
        if self.not_run.is_some() {
            return;
        }
        if self.groups.len() > 2 {
            many_finding(self, v, out);
            return;
        }
        let lang = v.lang;
        // Each group by its label (a wave's, an answer's), never by its code.
        let group = |k: usize| -> Option<String> {
            let g = self.groups.get(k)?;
            Some(
                self.group_labels
                    .get(k)
                    .map_or_else(|| g.clone(), |l| label_in(l, lang, "en", g).to_string()),
            )
        };
        let gaps: Vec<String> = self
            .tests
            .iter()
            .filter(|t| t.kind == "scale" && t.p_adjusted < 0.05)
            .filter_map(|t| {
                Some(format!(
                    "{} ({} {}, {} {})",
                    label_in(&t.labels, lang, "en", &t.variable),
                    group(0)?,
                    format::number(t.mean[0]?, 2, lang),
                    group(1)?,
                    format::number(t.mean[1]?, 2, lang)
                ))
            })
            .collect();
        if !gaps.is_empty() {
            let scales = v.results.analyses.iter().find_map(|x| match &x.result {
                AnalysisResult::Scales(r) if r.by == self.by => Some(slug(&x.id)),
                _ => None,
            });
            out.findings.push(KeyFinding {
                text: v
                    .words
                    .get("kf_gaps")
                    .replace("{list}", &format::join_words(&gaps, lang)),
                figure: scales,
                rank: 2,
            });
        }
    }
}

/// The families the correction ran within, for the methods (none without a correction).
fn family_note(c: &CompareResult, e: &Entry) -> Option<FamilyNote> {
    (c.correction != Correction::None && !c.families.is_empty()).then(|| FamilyNote {
        analysis: e.id.clone(),
        families: c.families.clone(),
    })
}

/// Kruskal & Wallis, Dunn, Holm for Dunn's pairs, Tomczak & Tomczak for ε², the family's
/// correction and the rank intervals; a group under [`SMALL_GROUP`] in a test is flagged.
fn many_methods(c: &CompareResult, e: &super::super::Entry, m: &mut Methods) {
    let refs: Vec<&str> = ["kruskal1952", "dunn1964", "holm1979", "tomczak2014", "mogstad2024"]
        .into_iter()
        .chain(correction_refs(c.correction).iter().copied())
        .collect();
    let mut references: Vec<Reference> = Vec::new();
    for r in refs.iter().filter_map(|k| reference(k)) {
        if !references.contains(&r) {
            references.push(r);
        }
    }
    m.add(MethodNote {
        key: "compare_many",
        correction: Some(c.correction),
        references,
        families: family_note(c, e),
        value: None,
    });
    for t in c.many.iter().filter(|t| t.small_group) {
        for g in &t.groups {
            if let Some(n) = g.n.filter(|&n| n < SMALL_GROUP) {
                m.flags.push(Flag {
                    code: "small_group",
                    analysis: e.id.clone(),
                    variable: t.variable.clone(),
                    labels: t.labels.clone(),
                    group: Some(g.group.clone()),
                    n: n as f64,
                });
            }
        }
    }
}

/// "A > B, C > B": the pairs of Dunn's test that differ, the higher first.
fn differ_text(t: &ManyTest) -> String {
    t.differ
        .iter()
        .map(|d| format!("{} > {}", d.higher, d.lower))
        .collect::<Vec<_>>()
        .join(", ")
}

fn rank_text(r: Option<[usize; 2]>) -> String {
    match r {
        Some([a, b]) if a == b => a.to_string(),
        Some([a, b]) => format!("{a}–{b}"),
        None => String::new(),
    }
}

/// tables.xlsx with more than two groups: one row per variable (H, df, p, p adjusted, ε², the
/// pairs that differ, the groups left out), and a ranking sheet (each group's n, mean, 95% CI,
/// median and 95% rank interval).
fn many_tables(c: &CompareResult, view: &View) -> Vec<Table> {
    let (id, lang, words) = (view.entry.id.as_str(), view.lang, view.words);
    let correction = serde_json::to_value(c.correction)
        .ok()
        .and_then(|v| v.as_str().map(|k| words.get(k)))
        .unwrap_or_default();
    let mut family = Table::new(
        id,
        &[
            "variable",
            "label",
            "kind",
            "groups_tested",
            "H",
            "df",
            "p",
            "p_adjusted",
            "epsilon_squared",
            "pairs_differing (Dunn, Holm)",
            "left_out",
        ],
    )
    .caption(format!(
        "{} ({}: {correction})",
        words.fill("compare_many_table", &[("k", &c.groups.len().to_string())]),
        words.get("p_adj")
    ))
    .format(4, NumFormat::Hundredths)
    .format(5, NumFormat::Count);
    let mut ranking = Table::new(
        format!("{id} ranking"),
        &[
            "variable",
            "label",
            "group",
            "n",
            "mean",
            "ci95_low",
            "ci95_high",
            "median",
            "rank_best",
            "rank_worst",
            "left_out",
        ],
    );
    for t in c.many.iter().filter(|t| t.p_adjusted < 0.05) {
        ranking.captions.push(words.fill(
            "compare_ranking",
            &[("variable", label_in(&t.labels, lang, "en", &t.variable))],
        ));
    }
    for t in &c.many {
        let left_out: Vec<String> = t
            .groups
            .iter()
            .filter_map(|g| Some(format!("{} ({})", g.group, g.left_out?)))
            .collect();
        family.rows.push(vec![
            Cell::text(&t.variable),
            Cell::label(&t.labels, lang, &t.variable),
            Cell::text(t.kind),
            Cell::count(Some(t.order.len())),
            Cell::number(Some(t.h)),
            Cell::count(Some(t.df)),
            Cell::number(Some(t.p)),
            Cell::number(Some(t.p_adjusted)),
            Cell::number(Some(t.epsilon_squared)),
            Cell::text(differ_text(t)),
            Cell::text(left_out.join("; ")),
        ]);
        let tested = t.order.iter().map(|&k| &t.groups[k]);
        let out = t.groups.iter().filter(|g| g.left_out.is_some());
        for g in tested.chain(out) {
            ranking.rows.push(vec![
                Cell::text(&t.variable),
                Cell::label(&t.labels, lang, &t.variable),
                Cell::text(&g.group),
                Cell::count(g.n),
                Cell::shown(g.mean),
                Cell::shown(g.ci95.map(|c| c[0])),
                Cell::shown(g.ci95.map(|c| c[1])),
                Cell::shown(g.median),
                Cell::shown(g.rank.map(|r| r[0] as f64)),
                Cell::shown(g.rank.map(|r| r[1] as f64)),
                g.left_out.map_or(Cell::Empty, Cell::text),
            ]);
        }
    }
    for x in &c.skipped {
        let mut row = vec![
            Cell::text(&x.variable),
            Cell::label(&x.labels, lang, &x.variable),
            Cell::Text(format!("not compared: {}", x.reason)),
        ];
        row.resize(family.header.len(), Cell::Empty);
        family.rows.push(row);
    }
    vec![family, ranking]
}

/// One line for the variable with the largest ε² whose test holds after the correction: its
/// highest and lowest groups by mean, with their rank intervals.
fn many_finding(c: &CompareResult, v: &View, out: &mut Findings) {
    let lang = v.lang;
    let Some(t) = c
        .many
        .iter()
        .filter(|t| t.p_adjusted < 0.05)
        .max_by(|a, b| a.epsilon_squared.total_cmp(&b.epsilon_squared))
    else {
        return;
    };
    let (Some(&hi), Some(&lo)) = (t.order.first(), t.order.last()) else {
        return;
    };
    let group = |k: usize| -> Option<String> {
        let g = &t.groups[k];
        let name = c
            .group_labels
            .get(c.groups.iter().position(|x| *x == g.group)?)
            .map(|l| label_in(l, lang, "en", &g.group).to_string())
            .unwrap_or_else(|| g.group.clone());
        Some(
            v.words
                .get("kf_rank_group")
                .replace("{group}", &name)
                .replace("{mean}", &format::number(g.mean?, 2, lang))
                .replace("{rank}", &rank_text(g.rank)),
        )
    };
    let (Some(high), Some(low)) = (group(hi), group(lo)) else {
        return;
    };
    out.findings.push(KeyFinding {
        text: v
            .words
            .get("kf_many_groups")
            .replace("{variable}", label_in(&t.labels, lang, "en", &t.variable))
            .replace("{n}", &t.order.len().to_string())
            .replace("{high}", &high)
            .replace("{low}", &low)
            .replace("{level}", &format!("{}", (RANK_LEVEL * 100.0).round())),
        figure: None,
        rank: 2,
    });
}
