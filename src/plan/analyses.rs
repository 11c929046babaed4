//! `analyses/*.toml` as written: one `[[analysis]]` per analysis, tagged by `kind`, every value
//! with its place in the file so that a mistake is reported with its line and column. Read
//! before any data; the analyses ([`crate::analysis`]) run what is resolved here.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use toml::Spanned;

use crate::error::{Error, Result};
use crate::stats::Correction;

use super::capability;
use super::rules::RuleSpec;

/// The kinds of analysis.
#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// Distribution of Likert answers per item and group.
    Likert,
    /// Scale scores (mean of items, reverse keys applied) with Cronbach's alpha.
    Scales,
    /// Two-group comparison of every item and scale: Mann–Whitney U, adjusted p-values.
    Compare,
    /// Single-choice questions crossed with the groups: shares, χ², Cramér's V, Fisher.
    Crosstab,
    /// Capability deprivations counted across dimensions (Alkire–Foster): H, A, M0.
    Capability,
    /// Focus-group codes: frequencies, the two-level matrix, co-occurrence, coder agreement.
    Codes,
    /// Recommendation rules over the other analyses' published results.
    Recommendations,
    /// A kind that exists only to test that a kind plugs in (`src/analysis/toy/`).
    #[cfg(test)]
    Toy,
}

/// One analysis as written in an `analyses/*.toml` file (`[[analysis]]`). Parameters that do
/// not apply to the kind are refused with their line and column.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Spec {
    pub id: Spanned<String>,
    pub kind: Spanned<Kind>,
    #[serde(default)]
    pub title: Option<crate::study::Text>,
    /// The source (by name in study.toml) to analyse; the first when omitted.
    #[serde(default)]
    pub source: Option<Spanned<String>>,
    /// The column to group by; the source's territory column when omitted.
    #[serde(default)]
    pub by: Option<Spanned<String>>,
    /// likert: items or scales to show (all Likert items when omitted).
    #[serde(default)]
    pub items: Option<Spanned<Vec<Spanned<String>>>>,
    /// scales: the scales to score (all when omitted).
    #[serde(default)]
    pub scales: Option<Spanned<Vec<Spanned<String>>>>,
    /// compare: items and scales to compare (all when omitted); crosstab: single-choice questions.
    #[serde(default)]
    pub variables: Option<Spanned<Vec<Spanned<String>>>>,
    /// compare: the two groups to compare.
    #[serde(default)]
    pub groups: Option<Spanned<Vec<Spanned<String>>>>,
    /// compare, crosstab: holm (default), bh or none.
    #[serde(default)]
    pub correction: Option<Spanned<Correction>>,
    /// capability: the dimensions and their indicators.
    #[serde(default)]
    pub dimensions: Option<Spanned<Vec<capability::DimensionSpec>>>,
    /// capability: the cross-dimensional cutoff(s), `"1/3"` or `[0.25, "1/3"]`.
    #[serde(default)]
    pub k: Option<Spanned<capability::OneOrMany>>,
    /// capability: the cutoffs of the robustness analysis (10% to 90% when omitted).
    #[serde(default)]
    pub k_range: Option<Spanned<Vec<capability::Fraction>>>,
    /// capability: "equal", "explicit" or "participatory" (inferred from the weights written).
    #[serde(default)]
    pub weights: Option<Spanned<capability::Weighting>>,
    /// capability: how a missing answer counts unless an indicator says otherwise.
    #[serde(default)]
    pub missing: Option<Spanned<capability::Missing>>,
    /// capability: further grouping columns (care setting, gender, …) for the decomposition.
    #[serde(default)]
    pub also_by: Option<Spanned<Vec<Spanned<String>>>>,
    /// capability: bootstrap replications (1000 when omitted; 0 for none).
    #[serde(default)]
    pub bootstrap: Option<Spanned<u32>>,
    /// capability: the bootstrap's seed.
    #[serde(default)]
    pub seed: Option<Spanned<u64>>,
    /// recommendations: the rules (`[[analysis.rules]]`).
    #[serde(default)]
    pub rules: Option<Spanned<Vec<RuleSpec>>>,
}

impl Spec {
    pub fn id(&self) -> &str {
        self.id.get_ref()
    }

    /// The multiple-test correction written, or Holm's.
    pub fn correction(&self) -> Correction {
        self.correction
            .as_ref()
            .map(|c| *c.get_ref())
            .unwrap_or_default()
    }

    /// The parameters written, with where: every field of an `[[analysis]]` but the ones
    /// every kind takes (id, kind, title, source, by).
    fn parameters_written(&self) -> [(&'static str, Option<std::ops::Range<usize>>); 14] {
        [
            ("items", self.items.as_ref().map(|x| x.span())),
            ("scales", self.scales.as_ref().map(|x| x.span())),
            ("variables", self.variables.as_ref().map(|x| x.span())),
            ("groups", self.groups.as_ref().map(|x| x.span())),
            ("correction", self.correction.as_ref().map(|x| x.span())),
            ("dimensions", self.dimensions.as_ref().map(|x| x.span())),
            ("k", self.k.as_ref().map(|x| x.span())),
            ("k_range", self.k_range.as_ref().map(|x| x.span())),
            ("weights", self.weights.as_ref().map(|x| x.span())),
            ("missing", self.missing.as_ref().map(|x| x.span())),
            ("also_by", self.also_by.as_ref().map(|x| x.span())),
            ("bootstrap", self.bootstrap.as_ref().map(|x| x.span())),
            ("seed", self.seed.as_ref().map(|x| x.span())),
            ("rules", self.rules.as_ref().map(|x| x.span())),
        ]
    }

    /// A list parameter of names, by its name (none when not written or not a list of names).
    pub(crate) fn names_of(&self, parameter: &str) -> Option<&Spanned<Vec<Spanned<String>>>> {
        match parameter {
            "items" => self.items.as_ref(),
            "scales" => self.scales.as_ref(),
            "variables" => self.variables.as_ref(),
            "groups" => self.groups.as_ref(),
            "also_by" => self.also_by.as_ref(),
            _ => None,
        }
    }

    /// Refuses parameters that do not apply to the kind, and a kind's missing required part.
    pub(crate) fn check_parameters(&self, set: &SpecSet) -> Result<()> {
        let kind = self.kind.get_ref().spec();
        for (name, span) in self.parameters_written() {
            let Some(span) = span else { continue };
            if !kind.parameters.iter().any(|(p, _)| *p == name) {
                return Err(set.error_span(
                    span,
                    format!(
                        "`{name}` does not apply to an analysis of kind '{}'",
                        kind.name
                    ),
                ));
            }
        }
        if let Some((parameter, message)) = kind.required {
            let written = self
                .parameters_written()
                .iter()
                .any(|(p, span)| *p == parameter && span.is_some());
            if !written {
                return Err(set.error_at(&self.id, message));
            }
        }
        Ok(())
    }
}

/// What an analysis of a kind reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reads {
    /// A survey source (a questionnaire's answers).
    Survey,
    /// A source of coded focus-group segments.
    Segments,
    /// The other analyses' published results.
    Results,
}

/// What a list parameter names in the questionnaire, checked before the data is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Names {
    /// Not names of the questionnaire (or not a list).
    Other,
    /// Likert items or scales.
    LikertOrScale,
    Scales,
    /// Single-choice questions with named answers.
    SingleChoice,
    /// Questions to group by (or the territory column).
    Grouping,
}

/// What the plan knows of a kind: its name in an analyses file, what it reads, the parameters
/// it takes (and what each names), and the part it cannot run without.
#[derive(Debug)]
pub struct KindSpec {
    pub kind: Kind,
    pub name: &'static str,
    pub reads: Reads,
    pub parameters: &'static [(&'static str, Names)],
    /// A parameter that must be written, and the message when it is not.
    pub required: Option<(&'static str, &'static str)>,
}

/// Every kind, in the order of [`Kind`].
const KINDS: &[KindSpec] = &[
    KindSpec {
        kind: Kind::Likert,
        name: "likert",
        reads: Reads::Survey,
        parameters: &[("items", Names::LikertOrScale)],
        required: None,
    },
    KindSpec {
        kind: Kind::Scales,
        name: "scales",
        reads: Reads::Survey,
        parameters: &[("scales", Names::Scales)],
        required: None,
    },
    KindSpec {
        kind: Kind::Compare,
        name: "compare",
        reads: Reads::Survey,
        parameters: &[
            ("variables", Names::LikertOrScale),
            ("groups", Names::Other),
            ("correction", Names::Other),
        ],
        required: None,
    },
    KindSpec {
        kind: Kind::Crosstab,
        name: "crosstab",
        reads: Reads::Survey,
        parameters: &[
            ("variables", Names::SingleChoice),
            ("correction", Names::Other),
        ],
        required: None,
    },
    KindSpec {
        kind: Kind::Capability,
        name: "capability",
        reads: Reads::Survey,
        parameters: &[
            ("dimensions", Names::Other),
            ("k", Names::Other),
            ("k_range", Names::Other),
            ("weights", Names::Other),
            ("missing", Names::Other),
            ("also_by", Names::Grouping),
            ("bootstrap", Names::Other),
            ("seed", Names::Other),
        ],
        required: Some((
            "dimensions",
            "a capability analysis needs its dimensions ([[analysis.dimensions]] with indicators)",
        )),
    },
    KindSpec {
        kind: Kind::Codes,
        name: "codes",
        reads: Reads::Segments,
        parameters: &[],
        required: None,
    },
    KindSpec {
        kind: Kind::Recommendations,
        name: "recommendations",
        reads: Reads::Results,
        parameters: &[("rules", Names::Other)],
        required: Some((
            "rules",
            "a recommendations analysis needs its rules ([[analysis.rules]] with id, actor, priority, text and when/all/any)",
        )),
    },
    #[cfg(test)]
    KindSpec {
        kind: Kind::Toy,
        name: "toy",
        reads: Reads::Survey,
        parameters: &[],
        required: None,
    },
];

impl Kind {
    /// What the plan knows of this kind.
    pub fn spec(self) -> &'static KindSpec {
        &KINDS[self as usize]
    }

    /// The kind as written in an analyses file.
    pub fn name(self) -> &'static str {
        self.spec().name
    }
}

/// The names of a list parameter, when written.
pub(crate) fn names(v: &Option<Spanned<Vec<Spanned<String>>>>) -> Option<&[Spanned<String>]> {
    v.as_ref().map(|x| x.get_ref().as_slice())
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SpecFile {
    #[serde(default)]
    analysis: Vec<Spec>,
}

/// A file of analysis specifications, with its text kept for located errors.
#[derive(Debug, Clone)]
pub struct SpecSet {
    pub path: PathBuf,
    pub text: String,
    pub specs: Vec<Spec>,
}

impl SpecSet {
    pub fn load(path: &Path) -> Result<SpecSet> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        let file: SpecFile = toml::from_str(&text).map_err(|e| Error::toml(path, &text, &e))?;
        Ok(SpecSet {
            path: path.to_path_buf(),
            text,
            specs: file.analysis,
        })
    }

    /// An error pointing at a value of this file.
    pub(crate) fn error_at(&self, at: &Spanned<String>, message: impl Into<String>) -> Error {
        Error::toml_at(&self.path, &self.text, at.span().start, message)
    }

    /// An error pointing at a span of this file.
    pub(crate) fn error_span(
        &self,
        span: std::ops::Range<usize>,
        message: impl Into<String>,
    ) -> Error {
        Error::toml_at(&self.path, &self.text, span.start, message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_is_described_in_the_order_of_the_enum_under_its_written_name() {
        for (i, k) in KINDS.iter().enumerate() {
            assert_eq!(k.kind as usize, i, "{}", k.name);
            let written: Kind = toml::Value::String(k.name.into()).try_into().unwrap();
            assert_eq!(written, k.kind);
        }
    }
}
