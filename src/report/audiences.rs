//! What the shorter reports say: the key findings of the policy brief (a councillor's or a
//! ministry official's two pages) and the plain-words lines of the easy-read summary for the
//! young people who took part (no p-values, "7 in 10" instead of percentages). Built from the
//! published results only, phrased with the report's words (`reports/strings.toml`), in the
//! reader's language.

use serde::Serialize;

use crate::analysis::kind::{Findings, View};
use crate::analysis::Results;

use super::format;
use crate::words::Strings;

use crate::publication::{InTen, KeyFinding};

#[derive(Debug, Clone, Serialize)]
pub struct Audiences {
    pub findings: Vec<KeyFinding>,
    /// Capabilities most young people have, then those fewest have (easy read).
    pub going_well: Vec<InTen>,
    pub hardest: Vec<InTen>,
    /// Respondents, and the territories.
    pub respondents: Option<usize>,
    pub territories: Vec<String>,
    /// The territories as words: "Prato e Firenze", or "17 regioni" when there are many.
    pub territories_text: String,
    /// The waves as words ("2022, 2023 e 2024"), when the study has several.
    pub waves_text: Option<String>,
    /// Whether the study has coded focus groups.
    pub focus_groups: bool,
}

/// Territories listed by name up to this many; beyond, counted.
const LISTED: usize = 6;

/// The key findings and the easy-read lines of `results`: each kind says its own
/// ([`crate::analysis::kind::AnalysisKind::findings`]).
pub fn build(results: &Results, lang: &str, s: &Strings) -> Audiences {
    let mut out = Findings::default();
    for entry in &results.analyses {
        let view = View {
            results,
            entry,
            lang,
            words: s,
            source: "",
        };
        entry.result.as_kind().findings(&view, &mut out);
    }
    let Findings {
        mut findings,
        going_well,
        hardest,
    } = out;
    findings.sort_by_key(|f| f.rank);
    findings.truncate(5);
    let source = results.sources.first();
    let territories: Vec<String> = source
        .map(|s| s.territories.iter().map(|t| t.group.clone()).collect())
        .unwrap_or_default();
    let territories_text = if territories.len() > LISTED {
        let level = source
            .and_then(|s| s.level.as_deref())
            .unwrap_or("territory");
        let key = format!("level_{level}");
        let name = s.get(&key);
        let name = if name == key {
            s.get("territories_many")
        } else {
            name
        };
        format!("{} {}", territories.len(), name.to_lowercase())
    } else {
        format::join_words(&territories, lang)
    };
    let waves: Vec<String> = source
        .map(|s| s.waves.iter().map(|w| w.group.clone()).collect())
        .unwrap_or_default();
    Audiences {
        findings,
        going_well,
        hardest,
        // With waves, the different people (linked by their id) rather than the answers.
        respondents: source.map(|s| s.people.unwrap_or(s.n)),
        territories_text,
        territories,
        waves_text: (waves.len() > 1).then(|| format::join_words(&waves, lang)),
        focus_groups: results
            .analyses
            .iter()
            .any(|e| e.result.kind() == crate::plan::Kind::Codes),
    }
}
