//! How recommendation rules run from their specification, what they publish and how they appear.

use crate::error::Result;
use crate::format;
use crate::publication::{Cell, Figure, KeyFinding, Measure, Table};

use super::super::kind::{AnalysisKind, Findings, Input, Methods, View};
use super::super::methods::note;
use super::super::Entry;
use super::{Priority, RecommendationsResult};

/// An actor's or a priority's name as written in a rule (`social_services`).
fn key(x: impl serde::Serialize) -> String {
    match serde_json::to_value(x) {
        Ok(serde_json::Value::String(s)) => s,
        _ => String::new(),
    }
}

impl AnalysisKind for RecommendationsResult {
    fn run(input: &Input) -> Result<(String, Self)> {
        let (set, spec) = (input.set, input.spec);
        let rules = input.required(spec.rules.as_ref())?;
        let result = super::run(
            set,
            rules.get_ref(),
            input.earlier,
            &input.plan.study,
            input.datasets,
        )?;
        Ok((String::new(), result))
    }

    fn tables(&self, id: &str, _: &str) -> Vec<Table> {
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
