//! How recommendation rules run from their specification, what they publish and how they appear.

use crate::error::Result;
use crate::format;
use crate::publication::{Cell, Figure, HiddenDistribution, KeyFinding, Measure, Table};

use super::super::kind::{Check, AnalysisKind, Findings, Input, Methods, View};
use super::super::methods::note;
use super::super::Entry;
use super::{Priority, RecommendationsResult, RuleSpec};
use crate::plan::rules::check_rules;

/// An actor's or a priority's name as written in a rule (`social_services`).
fn key(x: impl serde::Serialize) -> String {
    match serde_json::to_value(x) {
        Ok(serde_json::Value::String(s)) => s,
        _ => String::new(),
    }
}

crate::parameters! {
    /// A recommendations analysis's parameters.
    pub struct Params {
        /// The rules (`[[analysis.rules]]`).
        pub rules: Option<toml::Spanned<Vec<RuleSpec>>>,
    }
}

/// Why a recommendations analysis without rules cannot run.
const NEEDS_RULES: &str = "a recommendations analysis needs its rules ([[analysis.rules]] with id, actor, priority, text and when/all/any)";

impl AnalysisKind for RecommendationsResult {
    /// The rules, and what they name in the other analyses and the study's languages.
    fn check(c: &Check) -> Result<()> {
        let p: Params = c.params()?;
        let Some(rules) = &p.rules else {
            return c.require(p.rules.as_ref(), NEEDS_RULES);
        };
        let languages = &c.plan.study.languages;
        check_rules(c.set, rules.get_ref(), &c.plan.analyses(), languages)
    }

    fn run(input: &Input) -> Result<(String, Self)> {
        let (set, spec) = (input.set, input.spec);
        let p: Params = input.params()?;
        let rules = p
            .rules
            .as_ref()
            .ok_or_else(|| set.error_at(&spec.id, NEEDS_RULES))?;
        let result = super::run(
            set,
            rules.get_ref(),
            input.earlier,
            input.not_run,
            &input.plan.study,
            input.datasets,
        )?;
        Ok((String::new(), result))
    }

    fn hidden(&self, _source: &str) -> Vec<HiddenDistribution> {
        Vec::new()
    }

    fn withhold(&mut self, _source: &str, _hidden: &[HiddenDistribution]) {}

    fn tables(&self, view: &View) -> Vec<Table> {
        let id = view.entry.id.as_str();
        let mut t = Table::new(
            id,
            &[
                "id", "priority", "actor", "where", "evidence", "text_it", "text_en",
            ],
        );
        for x in &self.recommendations {
            let text = |lang: &str| x.text.get(lang).map_or(Cell::Empty, Cell::text);
            t.rows.push(vec![
                Cell::text(&x.id),
                Cell::Text(key(x.priority)),
                Cell::Text(key(x.actor)),
                Cell::Text(x.groups.join(", ")),
                Cell::text(x.evidence_kind),
                text("it"),
                text("en"),
            ]);
        }
        vec![t]
    }

    /// A recommendation is a conclusion, not a number another rule could test.
    fn measures(&self, _: &str) -> Vec<Measure> {
        Vec::new()
    }

    fn methods(&self, _: &Entry, m: &mut Methods) {
        m.add(note("recommendations", None, &[]));
    }

    /// They link to the charts of their evidence.
    fn figures(&self, _: &View) -> Result<Vec<Figure>> {
        Ok(Vec::new())
    }

    /// How many recommendations, how many of high priority, and to whom.
    fn findings(&self, v: &View, out: &mut Findings) {
        if self.recommendations.is_empty() {
            return;
        }
        let s = v.words;
        let high = self
            .recommendations
            .iter()
            .filter(|x| x.priority == Priority::High)
            .count();
        let mut actors: Vec<String> = Vec::new();
        for x in &self.recommendations {
            let name = s.get(&format!("actor_{}", key(x.actor)));
            if !actors.contains(&name) {
                actors.push(name);
            }
        }
        out.findings.push(KeyFinding {
            text: s
                .get("kf_recommendations")
                .replace("{n}", &self.recommendations.len().to_string())
                .replace("{high}", &high.to_string())
                .replace("{actors}", &format::join_words(&actors, v.lang)),
            figure: None,
            rank: 4,
        });
    }
}
