//! What the shorter reports say: the key findings of the policy brief (a councillor's or a
//! ministry official's two pages) and the plain-words lines of the easy-read summary for the
//! young people who took part (no p-values, "7 in 10" instead of percentages). Built from the
//! published results only, phrased with the report's words (`reports/strings.toml`), in the
//! reader's language.

use serde::Serialize;

use crate::analysis::{AnalysisResult, Results};
use crate::instrument::{label_in, Labels};

use super::figures::slug;
use super::format;
use super::templates::Strings;

/// One finding of the brief, with the chart that shows it (a figure id) when there is one.
#[derive(Debug, Clone, Serialize)]
pub struct KeyFinding {
    pub text: String,
    pub figure: Option<String>,
    /// Where it comes in the brief: the capability index first, then the deprivations, the
    /// gaps between territories, the focus groups, the recommendations.
    #[serde(skip)]
    rank: u8,
}

/// One line of the easy-read summary: "7 in 10 can choose their studies".
#[derive(Debug, Clone, Serialize)]
pub struct InTen {
    pub in_ten: u64,
    pub text: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Audiences {
    pub findings: Vec<KeyFinding>,
    /// Capabilities most young people have, then those fewest have (easy read).
    pub going_well: Vec<InTen>,
    pub hardest: Vec<InTen>,
    /// Respondents, and the territories.
    pub respondents: Option<usize>,
    pub territories: Vec<String>,
    /// The territories as words: "Prato e Firenze".
    pub territories_text: String,
}

fn tr(labels: &Labels, lang: &str, fallback: &str) -> String {
    label_in(labels, lang, "en", fallback).to_string()
}

/// The key findings and the easy-read lines of `results`.
pub fn build(results: &Results, lang: &str, s: &Strings) -> Audiences {
    let mut findings = Vec::new();
    let mut going_well = Vec::new();
    let mut hardest = Vec::new();
    let pct = |x: f64| format::percent(x, 0, lang);
    for e in &results.analyses {
        match &e.result {
            AnalysisResult::Capability(c) => {
                let Some(at) = c.results.first() else {
                    continue;
                };
                if let Some(h) = at.measures.overall.h {
                    let groups: Vec<String> = c
                        .groups
                        .iter()
                        .zip(&at.measures.groups)
                        .filter_map(|(g, m)| Some(format!("{g} {}", pct(100.0 * m.h?))))
                        .collect();
                    let diff = at.differences.first().and_then(|d| d.p_adjusted).map(|p| {
                        if p < 0.05 {
                            s.get("kf_capability_differs")
                        } else {
                            s.get("kf_capability_same")
                        }
                    });
                    let text = s
                        .get("kf_capability")
                        .replace("{h}", &pct(100.0 * h))
                        .replace("{k}", &pct(100.0 * at.k))
                        .replace("{groups}", &format::join_words(&groups, lang))
                        .replace("{diff}", &diff.unwrap_or_default());
                    findings.push(KeyFinding {
                        text,
                        figure: Some(super::capability::contributions_figure(&e.id)),
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
                        let ind = c.indicators.iter().find(|i| i.id == row.id)?;
                        Some((
                            p,
                            format!("{} ({})", tr(&ind.labels, lang, &ind.id), pct(p)),
                        ))
                    })
                    .collect();
                rows.sort_by(|a, b| b.0.total_cmp(&a.0));
                if !rows.is_empty() {
                    let top: Vec<String> = rows.iter().take(3).map(|r| r.1.clone()).collect();
                    findings.push(KeyFinding {
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
                        let ind = c.indicators.iter().find(|i| i.id == row.id)?;
                        let what = tr(&ind.attainment, lang, "");
                        (!what.is_empty()).then(|| InTen {
                            in_ten: n,
                            text: s
                                .get("easy_in_ten")
                                .replace("{n}", &n.to_string())
                                .replace("{what}", &what),
                        })
                    })
                    .collect();
                lines.sort_by_key(|l| std::cmp::Reverse(l.in_ten));
                let k = lines.len().min(3);
                going_well = lines[..k].to_vec();
                let rest = lines.len() - k;
                hardest = lines[lines.len() - rest.min(3)..]
                    .iter()
                    .rev()
                    .cloned()
                    .collect();
            }
            AnalysisResult::Compare(c) if c.not_run.is_none() => {
                let gaps: Vec<String> = c
                    .tests
                    .iter()
                    .filter(|t| t.kind == "scale" && t.p_adjusted < 0.05)
                    .filter_map(|t| {
                        Some(format!(
                            "{} ({} {}, {} {})",
                            tr(&t.labels, lang, &t.variable),
                            c.groups.first()?,
                            format::number(t.mean[0]?, 2, lang),
                            c.groups.get(1)?,
                            format::number(t.mean[1]?, 2, lang)
                        ))
                    })
                    .collect();
                if !gaps.is_empty() {
                    let scales = results.analyses.iter().find_map(|x| match &x.result {
                        AnalysisResult::Scales(r) if r.by == c.by => Some(slug(&x.id)),
                        _ => None,
                    });
                    findings.push(KeyFinding {
                        text: s
                            .get("kf_gaps")
                            .replace("{list}", &format::join_words(&gaps, lang)),
                        figure: scales,
                        rank: 2,
                    });
                }
            }
            AnalysisResult::Codes(c) => {
                // The most frequent code in each group.
                let mut parts = Vec::new();
                for (j, g) in c.groups.iter().enumerate() {
                    let best = c
                        .codes
                        .iter()
                        .filter_map(|x| Some((x.groups.get(j)?.percent?, x)))
                        .max_by(|a, b| a.0.total_cmp(&b.0));
                    if let Some((p, x)) = best.filter(|b| b.0 > 0.0) {
                        parts.push(
                            s.get("kf_focus_part")
                                .replace("{group}", g)
                                .replace("{code}", &tr(&x.labels, lang, &x.code))
                                .replace("{share}", &pct(p)),
                        );
                    }
                }
                if !parts.is_empty() {
                    findings.push(KeyFinding {
                        text: s.get("kf_focus").replace("{list}", &parts.join("; ")),
                        figure: None,
                        rank: 3,
                    });
                }
            }
            AnalysisResult::Recommendations(r) if !r.recommendations.is_empty() => {
                let high = r
                    .recommendations
                    .iter()
                    .filter(|x| x.priority == crate::analysis::recommendations::Priority::High)
                    .count();
                let mut actors: Vec<String> = Vec::new();
                for x in &r.recommendations {
                    let name = s.get(&format!(
                        "actor_{}",
                        serde_json::to_value(x.actor)
                            .ok()
                            .and_then(|v| v.as_str().map(str::to_string))
                            .unwrap_or_default()
                    ));
                    if !actors.contains(&name) {
                        actors.push(name);
                    }
                }
                findings.push(KeyFinding {
                    text: s
                        .get("kf_recommendations")
                        .replace("{n}", &r.recommendations.len().to_string())
                        .replace("{high}", &high.to_string())
                        .replace("{actors}", &format::join_words(&actors, lang)),
                    figure: None,
                    rank: 4,
                });
            }
            // Every kind says whether it gives the brief a key finding: a new kind that does not
            // is a compile error here, not a finding silently missing.
            AnalysisResult::Compare(_) | AnalysisResult::Recommendations(_) => {}
            AnalysisResult::Likert(_) | AnalysisResult::Scales(_) | AnalysisResult::Crosstab(_) => {
            }
        }
    }
    findings.sort_by_key(|f| f.rank);
    findings.truncate(5);
    let source = results.sources.first();
    let territories: Vec<String> = source
        .map(|s| s.territories.iter().map(|t| t.group.clone()).collect())
        .unwrap_or_default();
    Audiences {
        findings,
        going_well,
        hardest,
        respondents: source.map(|s| s.n),
        territories_text: format::join_words(&territories, lang),
        territories,
    }
}
