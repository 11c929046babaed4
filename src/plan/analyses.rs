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

    /// Refuses parameters that do not apply to the kind.
    pub(crate) fn check_parameters(&self, set: &SpecSet) -> Result<()> {
        let kind = *self.kind.get_ref();
        // Each parameter, where it is written, and the kinds it applies to.
        type Owned<'a> = (&'a str, Option<std::ops::Range<usize>>, &'a [Kind]);
        let cap: &[Kind] = &[Kind::Capability];
        let owned_by: [Owned; 14] = [
            (
                "dimensions",
                self.dimensions.as_ref().map(|x| x.span()),
                cap,
            ),
            ("k", self.k.as_ref().map(|x| x.span()), cap),
            ("k_range", self.k_range.as_ref().map(|x| x.span()), cap),
            ("weights", self.weights.as_ref().map(|x| x.span()), cap),
            ("missing", self.missing.as_ref().map(|x| x.span()), cap),
            ("also_by", self.also_by.as_ref().map(|x| x.span()), cap),
            ("bootstrap", self.bootstrap.as_ref().map(|x| x.span()), cap),
            ("seed", self.seed.as_ref().map(|x| x.span()), cap),
            (
                "items",
                self.items.as_ref().map(|x| x.span()),
                &[Kind::Likert],
            ),
            (
                "scales",
                self.scales.as_ref().map(|x| x.span()),
                &[Kind::Scales],
            ),
            (
                "variables",
                self.variables.as_ref().map(|x| x.span()),
                &[Kind::Compare, Kind::Crosstab],
            ),
            (
                "groups",
                self.groups.as_ref().map(|x| x.span()),
                &[Kind::Compare],
            ),
            (
                "correction",
                self.correction.as_ref().map(|x| x.span()),
                &[Kind::Compare, Kind::Crosstab],
            ),
            (
                "rules",
                self.rules.as_ref().map(|x| x.span()),
                &[Kind::Recommendations],
            ),
        ];
        for (name, span, owners) in owned_by {
            if let Some(span) = span.filter(|_| !owners.contains(&kind)) {
                return Err(Error::toml_at(
                    &set.path,
                    &set.text,
                    span.start,
                    format!(
                        "`{name}` does not apply to an analysis of kind '{}'",
                        kind.name()
                    ),
                ));
            }
        }
        Ok(())
    }
}

impl Kind {
    /// The kind as written in an analyses file.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Likert => "likert",
            Kind::Scales => "scales",
            Kind::Compare => "compare",
            Kind::Crosstab => "crosstab",
            Kind::Capability => "capability",
            Kind::Codes => "codes",
            Kind::Recommendations => "recommendations",
        }
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
