//! Recommendation rules as written (`[[analysis.rules]]`): who a rule speaks to, its conditions
//! over the published results of other analyses and its texts. Everything that can be known
//! before the data is checked here, with line and column: the analyses named exist and are of a
//! kind a rule reads, each condition names one thing and one test that fit that kind, levels are
//! in range, every language is there and every placeholder can be filled. Whether the indicator,
//! scale, item, code or group named exists is known once the analyses have run
//! ([`crate::analysis::recommendations`]).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use toml::Spanned;

use crate::error::Result;

use super::analyses::{Kind, SpecSet};
use crate::publication::Statistic;

/// Who a recommendation is addressed to.
#[derive(
    Debug,
    Clone,
    Copy,
    Deserialize,
    Serialize,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    documented::DocumentedFieldsOpt,
    documented::DocumentedOpt,
)]
#[serde(rename_all = "snake_case")]
pub enum Actor {
    Ministry,
    Region,
    Ambito,
    Municipality,
    SocialServices,
    AutonomyTutors,
    CareCommunities,
    FosterFamilies,
    /// Health services (the local health authority, ASL).
    HealthServices,
    JuvenileCourt,
    Schools,
    ThirdSector,
}

#[derive(
    Debug,
    Clone,
    Copy,
    Deserialize,
    Serialize,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    documented::DocumentedFieldsOpt,
    documented::DocumentedOpt,
)]
#[serde(rename_all = "snake_case")]
pub enum Priority {
    High,
    Medium,
    Low,
}

/// One rule as written (`[[analysis.rules]]`).
#[derive(Debug, Clone, Deserialize, documented::DocumentedFieldsOpt, documented::DocumentedOpt)]
#[serde(deny_unknown_fields)]
pub struct RuleSpec {
    /// The rule's id, unique in the analysis.
    pub id: Spanned<String>,
    /// Who the recommendation is addressed to.
    pub actor: Spanned<Actor>,
    /// How urgent it is.
    pub priority: Spanned<Priority>,
    /// The recommendation in every language of the study, with placeholders `{where}`,
    /// `{value}` (the first condition's numbers), `{value2}`, … and `{threshold}`, `{threshold2}`, …,
    /// `{lowest}` and `{highest}` (the groups with the lowest and highest of the first condition's
    /// numbers; a sentence naming one is left out when a number is hidden).
    pub text: BTreeMap<String, String>,
    /// The same in plain words for the young people's summary (optional; same placeholders).
    #[serde(default)]
    pub easy: BTreeMap<String, String>,
    /// The one condition under which the recommendation is made.
    #[serde(default)]
    pub when: Option<Spanned<ConditionSpec>>,
    /// Conditions that must all hold.
    #[serde(default)]
    pub all: Option<Spanned<Vec<Spanned<ConditionSpec>>>>,
    /// Conditions of which one must hold.
    #[serde(default)]
    pub any: Option<Spanned<Vec<Spanned<ConditionSpec>>>>,
}

/// One condition as written: the analysis, what in it, and the test.
#[derive(Debug, Clone, Deserialize, documented::DocumentedFieldsOpt, documented::DocumentedOpt)]
#[serde(deny_unknown_fields)]
pub struct ConditionSpec {
    /// The id of the analysis whose published results are tested.
    pub analysis: Spanned<String>,
    /// A capability analysis's indicator, or an indicators analysis's indicator.
    #[serde(default)]
    pub indicator: Option<Spanned<String>>,
    /// A scales analysis's scale.
    #[serde(default)]
    pub scale: Option<Spanned<String>>,
    /// A Likert analysis's item.
    #[serde(default)]
    pub item: Option<Spanned<String>>,
    /// A compare or paired analysis's variable.
    #[serde(default)]
    pub variable: Option<Spanned<String>>,
    /// A codes analysis's code.
    #[serde(default)]
    pub code: Option<Spanned<String>>,
    /// Only these groups (territories), or the territories within others at a level
    /// (`in = { region = "Toscana" }`); every group of the analysis when omitted.
    #[serde(default, rename = "in")]
    pub within: Option<Spanned<Within>>,
    /// A capability analysis: the percent deprived and poor (the censored headcount) above this.
    #[serde(default)]
    pub censored_above: Option<Spanned<f64>>,
    /// A capability analysis: the percent deprived in the indicator above this.
    #[serde(default)]
    pub uncensored_above: Option<Spanned<f64>>,
    /// A scales analysis: the scale's mean score below this.
    #[serde(default)]
    pub mean_below: Option<Spanned<f64>>,
    /// A scales analysis: the scale's mean score above this.
    #[serde(default)]
    pub mean_above: Option<Spanned<f64>>,
    /// A Likert analysis: the percent agreeing (the top two answers) below this.
    #[serde(default)]
    pub agree_below: Option<Spanned<f64>>,
    /// A Likert analysis: the percent agreeing (the top two answers) above this.
    #[serde(default)]
    pub agree_above: Option<Spanned<f64>>,
    /// A codes analysis: the percent of a group's coded units with the code above this.
    #[serde(default)]
    pub share_above: Option<Spanned<f64>>,
    /// `true`: a compare or paired analysis's test is significant (adjusted p < 0.05).
    #[serde(default)]
    pub significant: Option<Spanned<bool>>,
    /// An indicators analysis's value in its unit.
    #[serde(default)]
    pub value_below: Option<Spanned<f64>>,
    /// An indicators analysis's value above this, in its unit.
    #[serde(default)]
    pub value_above: Option<Spanned<f64>>,
    /// A paired analysis's change after − before, in the variable's unit (points for a yes/no).
    #[serde(default)]
    pub change_below: Option<Spanned<f64>>,
    /// A paired analysis's change after − before above this.
    #[serde(default)]
    pub change_above: Option<Spanned<f64>>,
    /// An indicators analysis's status: "on_track", "at_risk" or "off_track".
    #[serde(default)]
    pub status: Option<Spanned<String>>,
    /// A network analysis: no tie between two types of service (`["health", "reception"]`;
    /// from the first to the second when the network is directed).
    #[serde(default)]
    pub no_tie: Option<Spanned<Vec<Spanned<String>>>>,
    /// A network analysis: the type of service whose services' mean degree `degree_below` tests.
    #[serde(default, rename = "type")]
    pub service_type: Option<Spanned<String>>,
    /// A network analysis: the mean degree of the services of `type` below this.
    #[serde(default)]
    pub degree_below: Option<Spanned<f64>>,
    /// A network analysis's density (ties present ÷ possible, 0 to 1).
    #[serde(default)]
    pub density_below: Option<Spanned<f64>>,
    /// A network analysis's density above this (0 to 1).
    #[serde(default)]
    pub density_above: Option<Spanned<f64>>,
}

/// Where a condition is checked: groups by name, or the territories within some territories of
/// a level of the geography (`{ region = ["Toscana", "Lazio"] }`).
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum Within {
    Groups(Vec<String>),
    Levels(std::collections::BTreeMap<String, crate::plan::analyses::OneOrList>),
}

#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Op {
    Above,
    Below,
    Significant,
    /// The status named (indicators).
    Is,
}

/// The kind of analysis each subject key belongs to.
const SUBJECTS: [(&str, Kind); 7] = [
    ("indicator", Kind::Capability),
    ("indicator", Kind::Indicators),
    ("scale", Kind::Scales),
    ("item", Kind::Likert),
    ("variable", Kind::Compare),
    ("variable", Kind::Paired),
    ("code", Kind::Codes),
];

/// A test as written: its key, where, the kind of analysis it applies to, what it measures, how
/// it compares and the level.
type WrittenTest = (
    &'static str,
    std::ops::Range<usize>,
    Kind,
    Statistic,
    Op,
    Option<f64>,
);

impl ConditionSpec {
    fn subjects(&self) -> [(&'static str, Option<&Spanned<String>>); 5] {
        [
            ("indicator", self.indicator.as_ref()),
            ("scale", self.scale.as_ref()),
            ("item", self.item.as_ref()),
            ("variable", self.variable.as_ref()),
            ("code", self.code.as_ref()),
        ]
    }

    /// The tests written.
    fn tests(&self) -> Vec<WrittenTest> {
        let mut out = Vec::new();
        let mut level = |key, v: &Option<Spanned<f64>>, kind, measure, op| {
            if let Some(v) = v {
                out.push((key, v.span(), kind, measure, op, Some(*v.get_ref())));
            }
        };
        use Statistic::*;
        level(
            "censored_above",
            &self.censored_above,
            Kind::Capability,
            Censored,
            Op::Above,
        );
        level(
            "uncensored_above",
            &self.uncensored_above,
            Kind::Capability,
            Uncensored,
            Op::Above,
        );
        level(
            "mean_below",
            &self.mean_below,
            Kind::Scales,
            Mean,
            Op::Below,
        );
        level(
            "mean_above",
            &self.mean_above,
            Kind::Scales,
            Mean,
            Op::Above,
        );
        level(
            "agree_below",
            &self.agree_below,
            Kind::Likert,
            Agree,
            Op::Below,
        );
        level(
            "agree_above",
            &self.agree_above,
            Kind::Likert,
            Agree,
            Op::Above,
        );
        level(
            "share_above",
            &self.share_above,
            Kind::Codes,
            Share,
            Op::Above,
        );
        level(
            "value_below",
            &self.value_below,
            Kind::Indicators,
            Value,
            Op::Below,
        );
        level(
            "value_above",
            &self.value_above,
            Kind::Indicators,
            Value,
            Op::Above,
        );
        level(
            "change_below",
            &self.change_below,
            Kind::Paired,
            Change,
            Op::Below,
        );
        level(
            "change_above",
            &self.change_above,
            Kind::Paired,
            Change,
            Op::Above,
        );
        level(
            "degree_below",
            &self.degree_below,
            Kind::Network,
            MeanDegree,
            Op::Below,
        );
        level(
            "density_below",
            &self.density_below,
            Kind::Network,
            Density,
            Op::Below,
        );
        level(
            "density_above",
            &self.density_above,
            Kind::Network,
            Density,
            Op::Above,
        );
        if let Some(t) = &self.no_tie {
            out.push((
                "no_tie",
                t.span(),
                Kind::Network,
                TypeTies,
                Op::Is,
                Some(0.0),
            ));
        }
        if let Some(s) = &self.status {
            out.push((
                "status",
                s.span(),
                Kind::Indicators,
                Status,
                Op::Is,
                crate::analysis::indicators::Status::code_of(s.get_ref()),
            ));
        }
        if let Some(s) = &self.significant {
            out.push((
                "significant",
                s.span(),
                Kind::Compare,
                Gap,
                Op::Significant,
                None,
            ));
        }
        out
    }
}

fn kinds_list(kind: Kind) -> String {
    SUBJECTS
        .iter()
        .filter(|(_, k)| *k == kind)
        .map(|(s, _)| *s)
        .collect::<Vec<_>>()
        .join(", ")
}

/// Refuses a text without one of the study's languages or with a placeholder it does not know.
fn check_text(
    set: &SpecSet,
    rule: &RuleSpec,
    conditions: usize,
    languages: &[String],
) -> Result<()> {
    check_one_text(set, rule, &rule.text, "text", conditions, languages, true)?;
    let every = !rule.easy.is_empty();
    check_one_text(set, rule, &rule.easy, "easy", conditions, languages, every)
}

/// Checks one of a rule's texts (`text` or `easy`); `every_language`: each of the study's
/// languages must be there.
fn check_one_text(
    set: &SpecSet,
    rule: &RuleSpec,
    text: &BTreeMap<String, String>,
    key: &str,
    conditions: usize,
    languages: &[String],
    every_language: bool,
) -> Result<()> {
    for lang in languages.iter().filter(|_| every_language) {
        if !text.contains_key(lang) {
            return Err(set.error_span(
                rule.id.span(),
                format!(
                    "the {key} of rule '{}' has no '{lang}' version (the study's languages: {})",
                    rule.id.get_ref(),
                    languages.join(", ")
                ),
            ));
        }
    }
    let mut known = vec![
        "where".to_string(),
        "value".into(),
        "threshold".into(),
        "lowest".into(),
        "highest".into(),
    ];
    for n in 1..=conditions {
        known.push(format!("value{n}"));
        known.push(format!("threshold{n}"));
    }
    for (lang, t) in text {
        let mut rest = t.as_str();
        while let Some(open) = rest.find('{') {
            let after = &rest[open + 1..];
            let Some(close) = after.find('}') else { break };
            let name = &after[..close];
            if !known.iter().any(|k| k == name) {
                return Err(set.error_span(
                    rule.id.span(),
                    format!("the '{lang}' {key} of rule '{}' has a placeholder {{{name}}} it cannot fill (it can: {})", rule.id.get_ref(), known.iter().map(|k| format!("{{{k}}}")).collect::<Vec<_>>().join(", ")),
                ));
            }
            rest = &after[close + 1..];
        }
    }
    Ok(())
}

/// A condition as written, checked: the analysis it reads, the one subject and the one test.
pub(crate) struct Written<'a> {
    pub id: &'a str,
    pub kind: Kind,
    pub key: &'static str,
    /// What it is about: an indicator, scale, item, variable or code as written; for a network,
    /// `density`, a type of service's id, or two types' ids as `health → reception`.
    pub subject: String,
    /// Where the subject is written (a network's density: where its test is).
    pub subject_span: std::ops::Range<usize>,
    pub measure: Statistic,
    pub op: Op,
    pub threshold: Option<f64>,
}

/// Checks a written condition against the analyses a rule may read (id and kind, in the order
/// written): the analysis exists and is of a kind rules read, the condition names one thing and
/// has one test, both fitting that kind, and a percentage lies between 0 and 100.
pub(crate) fn check_condition<'a>(
    set: &SpecSet,
    c: &'a Spanned<ConditionSpec>,
    analyses: &[(&str, Kind)],
) -> Result<Written<'a>> {
    let spec = c.get_ref();
    let id = spec.analysis.get_ref();
    let kind = analyses
        .iter()
        .find(|(a, _)| a == id)
        .map(|(_, k)| *k)
        .ok_or_else(|| {
            set.error_at(
                &spec.analysis,
                format!(
                    "there is no analysis '{id}' (analyses rules read: {})",
                    analyses
                        .iter()
                        .filter(|(_, k)| {
                            *k == Kind::Network || SUBJECTS.iter().any(|(_, s)| s == k)
                        })
                        .map(|(a, _)| *a)
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            )
        })?;
    let kind_name = kind.name();
    if kind == Kind::Network {
        return check_network_condition(set, c, id);
    }
    if !SUBJECTS.iter().any(|(_, k)| *k == kind) {
        return Err(set.error_at(
            &spec.analysis,
            format!("'{id}' is an analysis of kind '{kind_name}': rules read capability, scales, likert, compare, codes, indicators, paired and network analyses"),
        ));
    }
    if let Some(t) = &spec.service_type {
        return Err(set.error_at(
            t,
            format!("`type` (a type of service) applies to a network analysis; '{id}' is an analysis of kind '{kind_name}'"),
        ));
    }
    let written: Vec<(&str, &Spanned<String>)> = spec
        .subjects()
        .into_iter()
        .filter_map(|(k, v)| v.map(|v| (k, v)))
        .collect();
    let (key, subject) = match written.as_slice() {
        [one] => *one,
        [] => {
            return Err(set.error_span(
                c.span(),
                format!(
                    "this condition names nothing in '{id}': add {} = \"…\"",
                    kinds_list(kind)
                ),
            ))
        }
        [_, (k, v), ..] => {
            return Err(set.error_at(
                v,
                format!("a condition names one thing: `{k}` is one too many"),
            ))
        }
    };
    if !SUBJECTS
        .iter()
        .any(|(k, owner)| *k == key && *owner == kind)
    {
        return Err(set.error_at(
            subject,
            format!(
                "`{key}` does not apply to '{id}', an analysis of kind '{kind_name}' (use {})",
                kinds_list(kind)
            ),
        ));
    }
    let tests = spec.tests();
    let (test_key, span, test_kind, measure, op, threshold) = match tests.as_slice() {
        [one] => one.clone(),
        [] => {
            return Err(set.error_span(
                c.span(),
                "this condition has no test (censored_above, uncensored_above, mean_below, mean_above, agree_below, agree_above, share_above, significant = true, value_below, value_above, change_below, change_above, status = \"…\", no_tie, degree_below, density_below or density_above)",
            ))
        }
        [_, second, ..] => {
            return Err(set.error_span(
                second.1.clone(),
                format!("a condition has one test: `{}` is one too many (combine conditions with all = [...])", second.0),
            ))
        }
    };
    if test_kind != kind {
        return Err(set.error_span(
            span,
            format!("`{test_key}` does not apply to '{id}', an analysis of kind '{kind_name}'"),
        ));
    }
    if spec.significant.as_ref().is_some_and(|s| !s.get_ref()) {
        return Err(set.error_span(
            span,
            "write significant = true (a rule fires on a gap, not on its absence)",
        ));
    }
    if let Some(s) = spec.status.as_ref().filter(|_| op == Op::Is) {
        if threshold.is_none() {
            return Err(set.error_at(
                s,
                format!(
                    "status = '{}': a status is {}",
                    s.get_ref(),
                    crate::analysis::indicators::Status::NAMES.join(", ")
                ),
            ));
        }
    }
    if let Some(t) = threshold {
        if !t.is_finite() || (measure.unit_is_percent() && !(0.0..=100.0).contains(&t)) {
            return Err(set.error_span(
                span,
                format!("`{test_key}` is a percentage: a number from 0 to 100"),
            ));
        }
    }
    Ok(Written {
        id,
        kind,
        key,
        subject: subject.get_ref().clone(),
        subject_span: subject.span(),
        measure,
        op,
        threshold,
    })
}

/// What a condition on a network analysis may test.
const NETWORK_TESTS: &str =
    "no_tie = [\"…\", \"…\"], type = \"…\" with degree_below, density_below or density_above";

/// A type of service as written (its id or a spelling of the registry's), or an error there.
fn service_type_at(set: &SpecSet, t: &Spanned<String>) -> Result<&'static str> {
    use crate::check::network::{service_type, SERVICE_TYPES};
    service_type(t.get_ref())
        .map(|k| SERVICE_TYPES[k].0)
        .ok_or_else(|| {
            set.error_at(
                t,
                format!(
                    "\"{}\" is not a type of service ({})",
                    t.get_ref(),
                    SERVICE_TYPES
                        .iter()
                        .map(|(k, _)| *k)
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            )
        })
}

/// A condition on a network analysis (in each area, in the last wave): `no_tie` between two
/// types of service, `type` with `degree_below` (its services' mean degree), `density_below` or
/// `density_above`.
fn check_network_condition<'a>(
    set: &SpecSet,
    c: &'a Spanned<ConditionSpec>,
    id: &'a str,
) -> Result<Written<'a>> {
    let spec = c.get_ref();
    if let Some((k, v)) = spec
        .subjects()
        .into_iter()
        .find_map(|(k, v)| v.map(|v| (k, v)))
    {
        return Err(set.error_at(
            v,
            format!("`{k}` does not apply to '{id}', an analysis of kind 'network' (use {NETWORK_TESTS})"),
        ));
    }
    let tests = spec.tests();
    let (test_key, span, test_kind, measure, op, threshold) = match tests.as_slice() {
        [one] => one.clone(),
        [] => {
            return Err(set.error_span(
                c.span(),
                format!("this condition has no test for the network '{id}' ({NETWORK_TESTS})"),
            ))
        }
        [_, second, ..] => {
            return Err(set.error_span(
                second.1.clone(),
                format!("a condition has one test: `{}` is one too many (combine conditions with all = [...])", second.0),
            ))
        }
    };
    if test_kind != Kind::Network {
        return Err(set.error_span(
            span,
            format!("`{test_key}` does not apply to '{id}', an analysis of kind 'network' (use {NETWORK_TESTS})"),
        ));
    }
    let subject = match test_key {
        "degree_below" => {
            let Some(t) = &spec.service_type else {
                return Err(set.error_span(
                    span,
                    "`degree_below` tests the mean degree of a type of service: add type = \"…\"",
                ));
            };
            service_type_at(set, t)?.to_string()
        }
        _ if spec.service_type.is_some() => {
            return Err(set.error_at(
                spec.service_type.as_ref().expect("written"),
                format!("`type` goes with degree_below, not with `{test_key}`"),
            ))
        }
        "no_tie" => {
            let list = spec.no_tie.as_ref().expect("written").get_ref();
            let [a, b] = list.as_slice() else {
                return Err(set.error_span(
                    span,
                    "no_tie names two types of service: no_tie = [\"health\", \"reception\"]",
                ));
            };
            let (x, y) = (service_type_at(set, a)?, service_type_at(set, b)?);
            if x == y {
                return Err(set.error_at(
                    b,
                    format!("no_tie names two different types of service: '{x}' is there twice"),
                ));
            }
            format!("{x} → {y}")
        }
        _ => "density".to_string(),
    };
    if let Some(t) = threshold {
        let ok = match measure {
            Statistic::Density => (0.0..=1.0).contains(&t),
            _ => t.is_finite() && t >= 0.0,
        };
        if !ok {
            return Err(set.error_span(
                span.clone(),
                if measure == Statistic::Density {
                    format!("`{test_key}`: a density is a number from 0 to 1")
                } else {
                    format!("`{test_key}`: a mean degree is a number from 0 up")
                },
            ));
        }
    }
    Ok(Written {
        id,
        kind: Kind::Network,
        key: if test_key == "degree_below" {
            "type"
        } else {
            test_key
        },
        subject,
        subject_span: span,
        measure,
        op,
        threshold,
    })
}

/// A rule's conditions, and whether one of them is enough (`any`) rather than all.
pub(crate) fn conditions_of<'r>(
    set: &SpecSet,
    rule: &'r RuleSpec,
) -> Result<(Vec<&'r Spanned<ConditionSpec>>, bool)> {
    let (written, any): (Vec<&Spanned<ConditionSpec>>, bool) =
        match (&rule.when, &rule.all, &rule.any) {
            (Some(w), None, None) => (vec![w], false),
            (None, Some(a), None) => (a.get_ref().iter().collect(), false),
            (None, None, Some(a)) => (a.get_ref().iter().collect(), true),
            _ => {
                return Err(set.error_at(
                    &rule.id,
                    format!(
                "rule '{}' needs exactly one of when = {{…}}, all = [{{…}}, …] or any = [{{…}}, …]",
                rule.id.get_ref()
            ),
                ))
            }
        };
    if written.is_empty() {
        return Err(set.error_at(
            &rule.id,
            format!("rule '{}' has no condition", rule.id.get_ref()),
        ));
    }
    Ok((written, any))
}

/// Checks every rule of a recommendations analysis before any data is read: unique ids, the
/// conditions (see [`check_condition`]) and the texts in every language with placeholders that
/// can be filled.
pub(crate) fn check_rules(
    set: &SpecSet,
    rules: &[RuleSpec],
    analyses: &[(&str, Kind)],
    languages: &[String],
) -> Result<()> {
    let mut seen = std::collections::BTreeSet::new();
    for rule in rules {
        if !seen.insert(rule.id.get_ref().as_str()) {
            return Err(set.error_at(
                &rule.id,
                format!("the rule id '{}' is used twice", rule.id.get_ref()),
            ));
        }
        let (written, _) = conditions_of(set, rule)?;
        for c in &written {
            check_condition(set, c, analyses)?;
        }
        check_text(set, rule, written.len(), languages)?;
    }
    Ok(())
}
