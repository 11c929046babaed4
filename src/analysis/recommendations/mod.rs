//! Recommendation rules (`kind = "recommendations"`): conditions over the published results of the
//! other analyses — an indicator's censored headcount above a level in a territory, a territory
//! gap that survives the multiple-test correction, a scale's mean below a level, a focus-group
//! code frequent in a territory, combined with `all` or `any` — each addressed to an actor with a
//! priority and a text in every language of the study, whose placeholders take the numbers that
//! triggered it.
//!
//! Rules read the results as they are published (after disclosure control), so a hidden value
//! never triggers a rule and a recommendation can never reveal one. A rule naming an analysis,
//! indicator, scale, item, code or group that does not exist is an error with its line and column.

pub mod publish;
pub use publish::Params;

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;
use toml::Spanned;

use crate::check::Dataset;
use crate::error::Result;
use crate::format;
use crate::instrument::Labels;

use super::{Entry, Kind, SpecSet};
use crate::plan::rules::{check_condition, check_rules, conditions_of, Written};
pub use crate::plan::rules::{Actor, ConditionSpec, Op, Priority, RuleSpec};
use crate::publication::Measure;
pub use crate::publication::Statistic;

/// The level below which an adjusted p-value makes a gap "significant".
pub const ALPHA: f64 = 0.05;

pub const METHOD: &str = "rules evaluated on the published results (after disclosure control): a hidden value never triggers a rule; a gap between territories counts when its p-value adjusted for multiple tests is below 0.05";

/// One group's published value and whether the condition holds there.
#[derive(Debug, Clone, Serialize)]
pub struct GroupValue {
    pub group: String,
    /// Null when the value is not published (hidden to protect respondents).
    pub value: Option<f64>,
    pub holds: bool,
}

/// A condition with the numbers it was checked on: the evidence of a recommendation.
#[derive(Debug, Clone, Serialize)]
pub struct Evidence {
    pub analysis: String,
    /// The report chapter to link to (`#anchor`).
    pub anchor: String,
    pub source: &'static str,
    pub subject: String,
    pub subject_labels: Labels,
    pub measure: Statistic,
    /// Whether the values and the threshold are percentages (0–100).
    pub percent: bool,
    pub op: Op,
    pub threshold: Option<f64>,
    pub values: Vec<GroupValue>,
    /// Gaps: the adjusted p-value and the two groups' means.
    pub p_adjusted: Option<f64>,
    pub holds: bool,
    /// A condition on a network: the types of service it names, and whether ties have a
    /// direction (for the sentence that says it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub network: Option<NetworkSubject>,
}

/// What a condition on a network names.
#[derive(Debug, Clone, Serialize)]
pub struct NetworkSubject {
    /// Type ids: two for `no_tie`, one for `degree_below`, none for a density.
    pub types: Vec<String>,
    pub directed: bool,
}

/// A quote shown beside a recommendation.
#[derive(Debug, Clone, Serialize)]
pub struct Quote {
    pub code: String,
    pub code_labels: Labels,
    pub text: String,
    pub role: Option<String>,
    pub group: Option<String>,
}

/// The name of the feedback form's "how much do you agree" item of a recommendation.
pub fn agree_item(id: &str) -> String {
    format!("agree_{}", crate::text::slug(id).replace('-', "_"))
}

/// The name of the feedback form's "how important is this for you" item of a recommendation.
pub fn importance_item(id: &str) -> String {
    format!("importance_{}", crate::text::slug(id).replace('-', "_"))
}

/// How the young people rated a recommendation on the feedback form (`capakit feedback-form`),
/// as published: a share or mean resting on fewer than the minimum cell size is hidden.
#[derive(Debug, Clone, Serialize)]
pub struct Ratings {
    /// The source that holds the answers.
    pub source: String,
    /// Respondents who rated it.
    pub n: Option<usize>,
    /// Percent agreeing (4 or 5 of 5).
    pub agree_percent: Option<f64>,
    /// Mean agreement (1–5) and mean importance (1–4).
    pub agree_mean: Option<f64>,
    pub importance_mean: Option<f64>,
    pub importance_n: Option<usize>,
}

/// The ratings of recommendation `id` in the first dataset that has its items.
fn ratings_of(id: &str, datasets: &[Dataset], min_cell: u64) -> Option<Ratings> {
    let agree_name = agree_item(id);
    let d = datasets.iter().find(|d| d.has(&agree_name))?;
    let agree: Vec<f64> = d.numbers(&agree_name)?.into_iter().flatten().collect();
    let importance: Vec<f64> = d
        .numbers(&importance_item(id))
        .unwrap_or_default()
        .into_iter()
        .flatten()
        .collect();
    let n = agree.len();
    let agreeing = agree.iter().filter(|&&x| x >= 4.0).count() as u64;
    // Agreeing and not, with the number who rated: protected like any list with its total.
    let hidden = crate::disclosure::protect_list(&[agreeing, n as u64 - agreeing], min_cell);
    let shown = (n as u64) >= min_cell;
    let importance_shown = importance.len() as u64 >= min_cell;
    Some(Ratings {
        source: d.source.clone(),
        n: shown.then_some(n),
        agree_percent: (shown && hidden.iter().all(Option::is_none))
            .then(|| 100.0 * agreeing as f64 / n as f64),
        agree_mean: crate::stats::mean(&agree).filter(|_| shown),
        importance_mean: crate::stats::mean(&importance).filter(|_| importance_shown),
        importance_n: importance_shown.then_some(importance.len()),
    })
}

/// A rule that fired.
#[derive(Debug, Clone, Serialize)]
pub struct Recommendation {
    pub id: String,
    pub actor: Actor,
    pub priority: Priority,
    /// The text in every language, placeholders filled.
    pub text: Labels,
    /// The plain-words text, when the rule has one.
    pub easy: Labels,
    /// The groups (territories) where it holds; empty when it holds for the study as a whole.
    #[serde(rename = "where")]
    pub groups: Vec<String>,
    /// "survey", "focus_groups" or "both".
    pub evidence_kind: &'static str,
    pub evidence: Vec<Evidence>,
    pub quotes: Vec<Quote>,
    /// The rule reads codes (or an indicator whose dimension codes are mapped to) but none of
    /// them has a quote on which the coders agree: the report says so instead of a quote.
    pub no_agreed_quote: bool,
    /// The young people's ratings, when the feedback form's answers are a source of the study.
    pub ratings: Option<Ratings>,
}

/// A rule that did not fire, with the numbers it was checked on.
#[derive(Debug, Clone, Serialize)]
pub struct NotTriggered {
    pub id: String,
    pub actor: Actor,
    pub evidence: Vec<Evidence>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RecommendationsResult {
    pub method: &'static str,
    pub recommendations: Vec<Recommendation>,
    pub not_triggered: Vec<NotTriggered>,
}

/// A condition resolved against the published measures.
struct Condition<'a> {
    entry: &'a Entry,
    subject: String,
    measure: Statistic,
    op: Op,
    threshold: Option<f64>,
    within: Option<Vec<String>>,
    /// Whether it is checked group by group (else for the study as a whole).
    per_group: bool,
    /// The subject's published values per group (for an analysis without groups, the whole
    /// sample as one unnamed group), its labels, and a gap's adjusted p-value.
    values: Vec<(String, Option<f64>)>,
    labels: Labels,
    p_adjusted: Option<f64>,
    network: Option<NetworkSubject>,
}

/// The distinct values of `key` among `measures`, in the order published.
fn distinct<'m>(
    measures: &[&'m Measure],
    key: impl Fn(&'m Measure) -> Option<&'m String>,
) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for m in measures {
        if let Some(x) = key(m) {
            if !out.contains(x) {
                out.push(x.clone());
            }
        }
    }
    out
}

/// Resolves a written condition against the published measures: what [`check_condition`]
/// checks before the data, then that the subject and the groups named exist.
fn resolve<'a>(
    set: &SpecSet,
    c: &Spanned<ConditionSpec>,
    entries: &'a [Entry],
    published: &[Measure],
    geography: &crate::geography::Geography,
) -> Result<Condition<'a>> {
    let spec = c.get_ref();
    let analyses: Vec<(&str, Kind)> = entries
        .iter()
        .map(|e| (e.id.as_str(), e.result.kind()))
        .collect();
    let Written {
        id,
        kind,
        key,
        subject,
        subject_span,
        measure,
        op,
        threshold,
    } = check_condition(set, c, &analyses)?;
    let Some(entry) = entries.iter().find(|e| e.id == id) else {
        return Err(set.error_at(&spec.analysis, format!("there is no analysis '{id}'")));
    };
    let of_analysis: Vec<&Measure> = published.iter().filter(|m| m.analysis == id).collect();
    // The subject exists in the result.
    let names = distinct(&of_analysis, |m| Some(&m.subject));
    if !names.contains(&subject) {
        return Err(set.error_span(
            subject_span,
            format!("'{id}' has no {key} '{subject}' ({key}s: {})", names.join(", ")),
        ));
    }
    let groups = distinct(&of_analysis, |m| m.group.as_ref());
    let within = match &spec.within {
        Some(w) => Some(within_groups(set, w, &groups, geography, id)?),
        None => None,
    };
    let per_group = kind != Kind::Compare;
    // The subject's published values: per group, or the whole sample's when there are none
    // (a gap exists only between groups).
    let of_subject: Vec<&Measure> = of_analysis
        .into_iter()
        .filter(|m| m.subject == subject && m.statistic == measure)
        .collect();
    let finite = |x: Option<f64>| x.filter(|v| v.is_finite());
    let mut values: Vec<(String, Option<f64>)> = of_subject
        .iter()
        .filter_map(|m| Some((m.group.clone()?, finite(m.value))))
        .collect();
    if groups.is_empty() && per_group {
        values.extend(
            of_subject
                .iter()
                .find(|m| m.group.is_none())
                .map(|m| (String::new(), finite(m.value))),
        );
    }
    Ok(Condition {
        entry,
        measure,
        op,
        threshold,
        within,
        per_group,
        values,
        labels: of_subject
            .first()
            .map(|m| m.labels.clone())
            .unwrap_or_default(),
        p_adjusted: of_subject.first().and_then(|m| finite(m.p_adjusted)),
        network: match &entry.result {
            super::AnalysisResult::Network(n) => Some(NetworkSubject {
                types: match measure {
                    Statistic::Density => Vec::new(),
                    _ => subject.split(" → ").map(str::to_string).collect(),
                },
                directed: n.directed,
            }),
            _ => None,
        },
        subject,
    })
}

/// The groups of analysis `id` (its published `groups`) a condition's `in` keeps: those named,
/// or the territories within the territories named at a level (`{ region = "Toscana" }`: the
/// region itself, or its ambiti). A name or level that does not exist is an error at `in`.
fn within_groups(
    set: &SpecSet,
    w: &Spanned<crate::plan::rules::Within>,
    groups: &[String],
    geography: &crate::geography::Geography,
    id: &str,
) -> Result<Vec<String>> {
    use crate::plan::rules::Within;
    let at = |message: String| set.error_span(w.span(), message);
    match w.get_ref() {
        Within::Groups(names) => {
            for g in names {
                if !groups.contains(g) {
                    return Err(at(format!(
                        "'{id}' has no group '{g}' (groups: {})",
                        groups.join(", ")
                    )));
                }
            }
            Ok(names.clone())
        }
        Within::Levels(levels) => {
            let mut keep: Vec<String> = groups.to_vec();
            for (level, names) in levels {
                let Some(l) = geography.level(level) else {
                    return Err(at(format!(
                        "in = {{ {level} = … }}: '{level}' is not a level of the territories ({})",
                        geography.levels.join(", ")
                    )));
                };
                let mut units = Vec::new();
                for n in names.values() {
                    match geography.resolve(n).filter(|&u| geography.units[u].level == l) {
                        Some(u) => units.push(u),
                        None => {
                            return Err(at(format!(
                                "in = {{ {level} = … }}: '{n}' is not a territory at the level '{level}'"
                            )))
                        }
                    }
                }
                keep.retain(|g| {
                    geography
                        .resolve(g)
                        .and_then(|u| geography.ancestor(u, l))
                        .is_some_and(|a| units.contains(&a))
                });
            }
            Ok(keep)
        }
    }
}

/// Checks a condition on the published numbers.
fn evaluate(c: &Condition) -> Evidence {
    let in_scope = |g: &str| c.within.as_ref().is_none_or(|w| w.iter().any(|x| x == g));
    let p_adjusted = c.p_adjusted.filter(|_| c.measure == Statistic::Gap);
    let values: Vec<GroupValue> = c
        .values
        .iter()
        .cloned()
        .map(|(group, value)| {
            let holds = in_scope(&group)
                && match (c.op, value, c.threshold) {
                    (Op::Above, Some(v), Some(t)) => v > t,
                    (Op::Below, Some(v), Some(t)) => v < t,
                    (Op::Significant, Some(_), _) => p_adjusted.is_some_and(|p| p < ALPHA),
                    (Op::Is, Some(v), Some(t)) => v == t,
                    _ => false,
                };
            GroupValue {
                group,
                value,
                holds,
            }
        })
        .collect();
    let holds = if c.per_group {
        values.iter().any(|v| v.holds)
    } else {
        p_adjusted.is_some_and(|p| p < ALPHA)
    };
    Evidence {
        analysis: c.entry.id.clone(),
        anchor: crate::text::slug(&c.entry.id),
        source: match c.measure {
            Statistic::Share => "focus_groups",
            Statistic::Value | Statistic::Status => "records",
            Statistic::TypeTies | Statistic::MeanDegree | Statistic::Density => "network",
            _ => "survey",
        },
        subject: c.subject.clone(),
        subject_labels: c.labels.clone(),
        measure: c.measure,
        percent: c.measure.unit_is_percent(),
        op: c.op,
        threshold: c.threshold,
        values,
        p_adjusted,
        holds,
        network: c.network.clone(),
    }
}

/// The decimals of a statistic as a placeholder shows it: a density to three, ties between
/// types whole when they are.
fn decimals(e: &Evidence, x: f64) -> usize {
    match e.measure {
        Statistic::Density => 3,
        Statistic::TypeTies if x.fract() == 0.0 => 0,
        _ => 2,
    }
}

/// A number as a placeholder shows it, to `decimals`; `status`: the code of an indicator's
/// status, shown as words.
fn shown_with(x: f64, percent: bool, status: bool, decimals: usize, lang: &str) -> String {
    if status {
        let name = crate::analysis::indicators::Status::name_of(x);
        crate::analysis::indicators::status_words(name, lang).to_string()
    } else if percent {
        format::percent(x, 0, lang)
    } else {
        format::number(x, decimals, lang)
    }
}

/// The numbers of one piece of evidence in the groups where the rule holds.
fn value_text(e: &Evidence, groups: &[String], lang: &str) -> String {
    let percent = e.measure.unit_is_percent();
    let picked: Vec<&GroupValue> = if e.measure == Statistic::Gap {
        e.values.iter().collect()
    } else {
        e.values
            .iter()
            .filter(|v| v.holds && (groups.is_empty() || groups.contains(&v.group)))
            .collect()
    };
    let parts: Vec<String> = picked
        .iter()
        .filter_map(|v| {
            let value = v.value?;
            let x = shown_with(
                value,
                percent,
                e.measure == Statistic::Status,
                decimals(e, value),
                lang,
            );
            Some(if picked.len() > 1 && !v.group.is_empty() {
                if e.measure == Statistic::Gap {
                    format!("{x} {} {}", if lang == "it" { "a" } else { "in" }, v.group)
                } else {
                    format!("{x} ({})", v.group)
                }
            } else {
                x
            })
        })
        .collect();
    if e.measure == Statistic::Gap {
        parts.join(if lang == "it" { " contro " } else { " vs " })
    } else {
        parts.join(", ")
    }
}

/// The group with the lowest (`highest` false) or highest of an evidence's published numbers;
/// none when one of its groups' numbers is hidden (naming the group would say something of it),
/// when there are fewer than two, or when two share the extreme.
fn extreme_group(e: &Evidence, highest: bool) -> Option<&str> {
    let values: Vec<(&str, f64)> = e
        .values
        .iter()
        .filter(|v| !v.group.is_empty())
        .map(|v| Some((v.group.as_str(), v.value?)))
        .collect::<Option<_>>()?;
    let key = |x: f64| if highest { -x } else { x };
    let best = values.iter().map(|v| key(v.1)).min_by(f64::total_cmp)?;
    let mut at = values.iter().filter(|v| key(v.1) == best);
    let first = at.next()?;
    (values.len() >= 2 && at.next().is_none()).then_some(first.0)
}

/// `text` without the sentences that hold `placeholder`.
fn without_sentences_with(text: &str, placeholder: &str) -> String {
    let mut kept = Vec::new();
    let mut rest = text;
    while !rest.is_empty() {
        let end = rest
            .match_indices(['.', '!', '?'])
            .map(|(i, m)| i + m.len())
            .find(|&i| rest[i..].is_empty() || rest[i..].starts_with(' '))
            .unwrap_or(rest.len());
        let sentence = &rest[..end];
        if !sentence.contains(placeholder) {
            kept.push(sentence.trim());
        }
        rest = rest[end..].trim_start();
    }
    kept.join(" ")
}

/// Fills `{where}`, `{value}`, `{valueN}`, `{threshold}`, `{thresholdN}`, `{lowest}`,
/// `{highest}`.
fn fill(text: &str, evidence: &[Evidence], groups: &[String], lang: &str) -> String {
    let mut out = text.replace("{where}", &format::join_words(groups, lang));
    for (placeholder, highest) in [("{lowest}", false), ("{highest}", true)] {
        if !out.contains(placeholder) {
            continue;
        }
        out = match evidence.first().and_then(|e| extreme_group(e, highest)) {
            Some(g) => out.replace(placeholder, g),
            None => without_sentences_with(&out, placeholder),
        };
    }
    for (i, e) in evidence.iter().enumerate().rev() {
        let n = i + 1;
        let value = value_text(e, groups, lang);
        let threshold = e
            .threshold
            .map(|t| {
                shown_with(
                    t,
                    e.measure.unit_is_percent(),
                    e.measure == Statistic::Status,
                    decimals(e, t),
                    lang,
                )
            })
            .unwrap_or_default();
        out = out
            .replace(&format!("{{value{n}}}"), &value)
            .replace(&format!("{{threshold{n}}}"), &threshold);
        if n == 1 {
            out = out
                .replace("{value}", &value)
                .replace("{threshold}", &threshold);
        }
    }
    out
}

/// Quotes beside a recommendation: those of the codes its conditions name, and of the codes
/// mapped to the capability dimension of an indicator it names; never a code of another theme,
/// never the same sentence twice. The codes' quotes are units the coders agree on
/// ([`super::codes`]). Also whether the rule reads codes at all (when it does and no quote is
/// found, the report says there is no agreed quote).
fn quotes_for(
    conditions: &[Condition],
    entries: &[Entry],
    groups: &[String],
    rule_text: &BTreeMap<String, String>,
) -> (Vec<Quote>, bool) {
    // The rule's own words (five letters or more, in every language it is written in): of a
    // code's agreed quotes, the one that speaks of what the rule speaks of comes first (a code
    // mapped to a dimension covers all of it: the tutor's rule quotes the tutor, not the flats).
    let rule_words: BTreeSet<String> = rule_text.values().flat_map(|t| content_words(t)).collect();
    let relevance = |text: &str| {
        content_words(text)
            .iter()
            .filter(|w| rule_words.contains(*w))
            .count()
    };
    let mut wanted_codes: Vec<String> = Vec::new();
    let mut wanted_dimensions: Vec<String> = Vec::new();
    for c in conditions {
        match c.measure {
            Statistic::Share => wanted_codes.push(c.subject.clone()),
            Statistic::Censored | Statistic::Uncensored => {
                if let super::AnalysisResult::Capability(cap) = &c.entry.result {
                    let dimension = cap
                        .indicators
                        .iter()
                        .find(|x| x.id == c.subject)
                        .and_then(|x| cap.dimensions.get(x.dimension));
                    if let Some(d) = dimension {
                        wanted_dimensions.push(d.id.clone());
                    }
                }
            }
            _ => {}
        }
    }
    let mut out: Vec<Quote> = Vec::new();
    let mut reads_codes = false;
    let same = |a: &str, b: &str| {
        let words = |x: &str| -> Vec<String> { x.split_whitespace().map(str::to_lowercase).collect() };
        words(a) == words(b)
    };
    for e in entries {
        let super::AnalysisResult::Codes(codes) = &e.result else {
            continue;
        };
        for q in &codes.quotes {
            let by_code = wanted_codes.contains(&q.code);
            // A code mapped to another dimension is another theme, even when the rule names
            // it for its share: only the indicator's dimension, or the code itself.
            let by_dimension = q
                .dimension
                .as_ref()
                .is_some_and(|d| wanted_dimensions.contains(d));
            if !(by_code || by_dimension) {
                continue;
            }
            reads_codes = true;
            // One quote per code, from a territory where the rule holds when there is one; a
            // sentence already quoted is not quoted again.
            let fresh = |x: &&super::codes::Quote| !out.iter().any(|o| same(&o.text, &x.text));
            let here =
                |x: &&super::codes::Quote| x.group.as_ref().is_some_and(|g| groups.contains(g));
            // The most relevant first, then one from a territory where the rule holds, then
            // the code's order.
            let pick = q
                .quotes
                .iter()
                .filter(fresh)
                .enumerate()
                .max_by_key(|(i, x)| (relevance(&x.text), here(x), std::cmp::Reverse(*i)))
                .map(|(_, x)| x);
            if let Some(quote) = pick {
                out.push(Quote {
                    code: q.code.clone(),
                    code_labels: q.labels.clone(),
                    text: quote.text.clone(),
                    role: quote.role.clone(),
                    group: quote.group.clone(),
                });
            }
        }
    }
    out.truncate(3);
    (out, reads_codes)
}

/// The words of five letters or more of a text, lower-cased (split at anything not a letter or a
/// digit, so «l'autonomia» gives «autonomia»).
fn content_words(text: &str) -> BTreeSet<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().count() >= 5)
        .map(str::to_lowercase)
        .collect()
}

/// Evaluates the rules of one analysis against the results of all the others.
pub fn run(
    set: &SpecSet,
    rules: &[RuleSpec],
    entries: &[Entry],
    not_run: &[super::NotRun],
    study: &crate::study::Study,
    datasets: &[Dataset],
) -> Result<RecommendationsResult> {
    let mut recommendations = Vec::new();
    let mut not_triggered = Vec::new();
    // Every analysis's numbers as published, read by the conditions.
    let published: Vec<Measure> = entries
        .iter()
        .flat_map(|e| e.result.as_kind().measures(&e.id))
        .collect();
    // The analyses not run are known to the rules (their kinds checked), not read.
    let analyses: Vec<(&str, Kind)> = entries
        .iter()
        .map(|e| (e.id.as_str(), e.result.kind()))
        .chain(not_run.iter().filter_map(|n| {
            Some((n.id.as_str(), Kind::all().find(|k| k.name() == n.kind)?))
        }))
        .collect();
    check_rules(set, rules, &analyses, &study.languages)?;
    for rule in rules {
        let (written, any) = conditions_of(set, rule)?;
        // A rule reading an analysis that was not run is not evaluated (that analysis's chapter
        // says why).
        if written
            .iter()
            .any(|c| not_run.iter().any(|n| &n.id == c.get_ref().analysis.get_ref()))
        {
            not_triggered.push(NotTriggered {
                id: rule.id.get_ref().clone(),
                actor: *rule.actor.get_ref(),
                evidence: Vec::new(),
            });
            continue;
        }
        let conditions = written
            .iter()
            .map(|c| resolve(set, c, entries, &published, &study.geography))
            .collect::<Result<Vec<_>>>()?;
        let evidence: Vec<Evidence> = conditions.iter().map(evaluate).collect();
        // Where it holds: group by group for the conditions checked per group (every one of
        // them with `all`, any with `any`); conditions on the study as a whole hold or not.
        let holding = |e: &Evidence| -> Vec<String> {
            e.values
                .iter()
                .filter(|v| v.holds)
                .map(|v| v.group.clone())
                .collect()
        };
        let per_group: Vec<(&Evidence, bool)> = evidence
            .iter()
            .zip(&conditions)
            .map(|(e, c)| (e, c.per_group))
            .collect();
        let (fires, mut groups) = if any {
            let mut g: Vec<String> = Vec::new();
            for (e, pg) in &per_group {
                if *pg {
                    for x in holding(e) {
                        if !g.contains(&x) {
                            g.push(x);
                        }
                    }
                }
            }
            (evidence.iter().any(|e| e.holds), g)
        } else {
            let globals_hold = per_group.iter().filter(|(_, pg)| !pg).all(|(e, _)| e.holds);
            let mut g: Option<Vec<String>> = None;
            for (e, pg) in &per_group {
                if *pg {
                    let h = holding(e);
                    g = Some(match g {
                        None => h,
                        Some(prev) => prev.into_iter().filter(|x| h.contains(x)).collect(),
                    });
                }
            }
            match g {
                Some(g) => (globals_hold && !g.is_empty(), g),
                None => (globals_hold, Vec::new()),
            }
        };
        groups.retain(|g| !g.is_empty());
        if !fires {
            not_triggered.push(NotTriggered {
                id: rule.id.get_ref().clone(),
                actor: *rule.actor.get_ref(),
                evidence,
            });
            continue;
        }
        let survey = evidence.iter().any(|e| e.source == "survey");
        let network = evidence.iter().any(|e| e.source == "network");
        let records = network || evidence.iter().any(|e| e.source == "records");
        let groups_fg = evidence.iter().any(|e| e.source == "focus_groups");
        let (quotes, reads_codes) = quotes_for(&conditions, entries, &groups, &rule.text);
        let filled = |texts: &BTreeMap<String, String>| -> Labels {
            texts
                .iter()
                .map(|(lang, t)| (lang.clone(), fill(t, &evidence, &groups, lang)))
                .collect()
        };
        let (text, easy) = (filled(&rule.text), filled(&rule.easy));
        recommendations.push(Recommendation {
            id: rule.id.get_ref().clone(),
            actor: *rule.actor.get_ref(),
            priority: *rule.priority.get_ref(),
            text,
            easy,
            groups,
            evidence_kind: match (survey, groups_fg || !quotes.is_empty(), records) {
                (true, true, _) => "both",
                (false, false, true) if network && evidence.iter().all(|e| e.source == "network") => "network",
                (false, false, true) => "records",
                (false, true, true) => "records_focus_groups",
                (false, _, _) => "focus_groups",
                (true, false, _) => "survey",
            },
            ratings: ratings_of(rule.id.get_ref(), datasets, study.min_cell),
            evidence,
            no_agreed_quote: reads_codes && quotes.is_empty(),
            quotes,
        });
    }
    // Highest priority first, then by actor, in the order written.
    recommendations.sort_by_key(|r| (r.priority, r.actor));
    Ok(RecommendationsResult {
        method: METHOD,
        recommendations,
        not_triggered,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A gap condition's evidence: two groups' means, `None` when hidden.
    fn gap(values: &[(&str, Option<f64>)]) -> Evidence {
        Evidence {
            analysis: "territories".into(),
            anchor: "territories".into(),
            source: "survey",
            subject: "casa".into(),
            subject_labels: Labels::new(),
            measure: Statistic::Gap,
            percent: false,
            op: Op::Significant,
            threshold: None,
            values: values
                .iter()
                .map(|(g, v)| GroupValue {
                    group: g.to_string(),
                    value: *v,
                    holds: true,
                })
                .collect(),
            p_adjusted: Some(0.001),
            holds: true,
            network: None,
        }
    }

    /// `{lowest}` and `{highest}` name the groups at the ends of the first condition's numbers;
    /// when a number is hidden, the sentence that would name a group is left out, the rest kept.
    #[test]
    fn lowest_and_highest_name_a_group_or_leave_their_sentence_out() {
        let text = "La casa non è uguale dappertutto. A {lowest} va peggio. I Comuni preparino un piano.";
        let shown = gap(&[("Prato", Some(2.62)), ("Firenze", Some(3.43))]);
        assert_eq!(
            fill(text, std::slice::from_ref(&shown), &[], "it"),
            "La casa non è uguale dappertutto. A Prato va peggio. I Comuni preparino un piano."
        );
        assert_eq!(
            fill("{highest} is ahead.", std::slice::from_ref(&shown), &[], "en"),
            "Firenze is ahead."
        );
        let hidden = gap(&[("Prato", None), ("Firenze", Some(3.43))]);
        assert_eq!(
            fill(text, &[hidden], &[], "it"),
            "La casa non è uguale dappertutto. I Comuni preparino un piano."
        );
        // A tie names nobody.
        let tie = gap(&[("Prato", Some(3.0)), ("Firenze", Some(3.0))]);
        assert_eq!(fill("Worse in {lowest}! Act now.", &[tie], &[], "en"), "Act now.");
    }
}
