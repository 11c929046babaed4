//! What the shorter reports say: the key findings of the policy brief (a councillor's or a
//! ministry official's two pages) and the plain-words lines of the easy-read summary for the
//! young people who took part (no p-values, "7 in 10" instead of percentages). Built from the
//! published results only, phrased with the report's words (`reports/strings.toml`), in the
//! reader's language.

use serde::Serialize;

use crate::analysis::kind::{Findings, View};
use crate::analysis::Results;

use crate::study::Study;
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
    /// The territories as words: "Prato e Firenze", or "17 regioni" when there are many; empty
    /// for a study without territories.
    pub territories_text: String,
    /// The waves as words, by their labels ("Baseline e Follow-up"), when the study has several.
    pub waves_text: Option<String>,
    /// Whether the study has coded focus groups (a segments source analysed).
    pub focus_groups: bool,
    /// The actors the recommendations are addressed to, as words in the reader's language
    /// ("Ministero, Regione e Comuni"); empty without recommendations.
    pub actors_text: String,
    /// The analyses' titles as words, for a brief without key findings to say what the study has.
    pub analyses_text: String,
    /// Whether study.toml says what the study is about (`[report] about`).
    pub about: bool,
}

/// Territories listed by name up to this many; beyond, counted.
const LISTED: usize = 6;

/// `items` as words, joined by the report's own "and".
fn join(items: &[String], s: &Strings) -> String {
    let and = format!(" {} ", s.get("and"));
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{}{and}{last}", rest.join(", ")),
    }
}

/// The key findings and the easy-read lines of `results`: each kind says its own
/// ([`crate::analysis::kind::AnalysisKind::findings`]).
pub fn build(results: &Results, lang: &str, s: &Strings, study: &Study) -> Audiences {
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
        join(&territories, s)
    };
    // Waves by their labels in the reader's language, never by their codes.
    let waves: Vec<String> = source
        .map(|src| {
            src.waves
                .iter()
                .map(|w| wave_label(study, &w.group, lang))
                .collect()
        })
        .unwrap_or_default();
    let mut actors: Vec<String> = Vec::new();
    let mut titles: Vec<String> = Vec::new();
    for entry in &results.analyses {
        if let crate::analysis::AnalysisResult::Recommendations(r) = &entry.result {
            for x in &r.recommendations {
                let key = serde_json::to_value(x.actor)
                    .ok()
                    .and_then(|v| v.as_str().map(|a| format!("actor_{a}")))
                    .unwrap_or_default();
                let actor = s.get(&key);
                if !actors.contains(&actor) {
                    actors.push(actor);
                }
            }
        }
        let title = entry
            .title
            .as_ref()
            .map_or_else(|| entry.id.clone(), |t| t.get(lang).to_string());
        titles.push(title.to_lowercase());
    }
    Audiences {
        findings,
        going_well,
        hardest,
        // With waves, the different people (linked by their id) rather than the answers.
        respondents: source.map(|s| s.people.unwrap_or(s.n)),
        territories_text,
        territories,
        waves_text: (waves.len() > 1).then(|| join(&waves, s)),
        focus_groups: !study.segment_sources.is_empty()
            && results
                .analyses
                .iter()
                .any(|e| e.result.kind() == crate::plan::Kind::Codes),
        actors_text: join(&actors, s),
        analyses_text: join(&titles, s),
        about: study.report.about.is_some(),
    }
}

/// A wave by its label in `lang` (its id when it has none).
pub fn wave_label(study: &Study, id: &str, lang: &str) -> String {
    study
        .waves
        .iter()
        .find(|w| w.id == id)
        .and_then(|w| w.label.as_ref())
        .map_or_else(|| id.to_string(), |l| l.get(lang).to_string())
}
