//! `analyses/*.toml` → [`Results`]: the numbers every report shows, serialised as results.json.
//!
//! Reads analysis specifications (tagged by `kind`), runs them on checked [`Dataset`]s with the
//! functions of [`crate::stats`], and returns plain serialisable results. Templates only format
//! these numbers; tests check them.

pub mod capability;
pub mod codes;
mod compare;
mod crosstab;
mod groups;
mod likert;
mod methods;
pub mod recommendations;
mod scales;
pub mod single;

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use toml::Spanned;

use crate::check::{Dataset, Dropped};
use crate::diagnostics::Diagnostics;
use crate::error::{Error, Result};
use crate::instrument::Labels;
use crate::study::Study;

pub use crate::disclosure::Suppression;
pub use crate::stats::Correction;
pub use capability::CapabilityResult;
pub use compare::CompareResult;
pub use crosstab::CrosstabResult;
pub use groups::Groups;
pub use likert::LikertResult;
pub use methods::{Flag, MethodNote, Reference};
pub use scales::{scale_scores, ScalesResult};

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
    pub dimensions: Option<Spanned<Vec<capability::spec::DimensionSpec>>>,
    /// capability: the cross-dimensional cutoff(s), `"1/3"` or `[0.25, "1/3"]`.
    #[serde(default)]
    pub k: Option<Spanned<capability::spec::OneOrMany>>,
    /// capability: the cutoffs of the robustness analysis (10% to 90% when omitted).
    #[serde(default)]
    pub k_range: Option<Spanned<Vec<capability::spec::Fraction>>>,
    /// capability: "equal", "explicit" or "participatory" (inferred from the weights written).
    #[serde(default)]
    pub weights: Option<Spanned<capability::spec::Weighting>>,
    /// capability: how a missing answer counts unless an indicator says otherwise.
    #[serde(default)]
    pub missing: Option<Spanned<capability::spec::Missing>>,
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
    pub rules: Option<Spanned<Vec<recommendations::RuleSpec>>>,
}

/// Why an analysis over groups did not run when there is nothing to group by.
pub(crate) const NO_GROUPS: &str =
    "the source has no territory column and the analysis names no `by` column";

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

fn names(v: &Option<Spanned<Vec<Spanned<String>>>>) -> Option<&[Spanned<String>]> {
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

/// The result of one analysis.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum AnalysisResult {
    Likert(LikertResult),
    Scales(ScalesResult),
    Compare(CompareResult),
    Crosstab(CrosstabResult),
    Capability(Box<CapabilityResult>),
    Codes(Box<codes::CodesResult>),
    Recommendations(Box<recommendations::RecommendationsResult>),
}

/// What a reader needs to know about one data source.
#[derive(Debug, Clone, Serialize)]
pub struct SourceSummary {
    pub name: String,
    pub file: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sheet: Option<String>,
    pub instrument: InstrumentSummary,
    /// Respondents analysed (after duplicates were left out).
    pub n: usize,
    /// The column of design weights, when the source has one.
    pub weight_column: Option<String>,
    pub dropped: Vec<Dropped>,
    /// Respondents per territory, in the study's order.
    pub territories: Vec<GroupCount>,
}

#[derive(Debug, Clone, Serialize)]
pub struct InstrumentSummary {
    pub file: String,
    pub title: Option<String>,
    pub form_id: Option<String>,
    pub version: Option<String>,
    pub items: usize,
    pub scales: usize,
}

/// Respondents in one group, as published: `n` is null when it is hidden (`suppressed` says why).
#[derive(Debug, Clone, Serialize)]
pub struct GroupCount {
    pub group: String,
    pub n: Option<usize>,
    pub suppressed: Option<Suppression>,
}

/// Counts of findings from `check`, for the data-quality section.
#[derive(Debug, Clone, Serialize)]
pub struct QualitySummary {
    pub errors: usize,
    pub warnings: usize,
    pub notes: usize,
    pub by_code: Vec<CodeCount>,
    /// The first findings in full (errors, then warnings, then notes).
    pub examples: Vec<Finding>,
}

/// A finding as the report shows it.
#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    pub severity: crate::diagnostics::Severity,
    pub code: &'static str,
    pub location: String,
    pub message: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct CodeCount {
    pub severity: crate::diagnostics::Severity,
    pub code: &'static str,
    pub count: usize,
}

/// A finding's message as a report shows it: quoted cell values (`"…"`, as findings quote them)
/// are left out, so no answer — an e-mail typed in the wrong column, a name — reaches a report.
fn without_cell_values(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut quoted = false;
    for c in message.chars() {
        if c == '"' {
            if !quoted {
                out.push_str("\"…\"");
            }
            quoted = !quoted;
        } else if !quoted {
            out.push(c);
        }
    }
    out
}

impl QualitySummary {
    pub fn of(d: &Diagnostics) -> QualitySummary {
        use crate::diagnostics::Severity;
        let mut examples: Vec<_> = d.items.iter().collect();
        examples.sort_by_key(|x| x.severity);
        let examples = examples
            .into_iter()
            .take(20)
            .map(|x| Finding {
                severity: x.severity,
                code: x.code,
                location: x.location.to_string(),
                message: without_cell_values(&x.message),
            })
            .collect();
        QualitySummary {
            errors: d.count(Severity::Error),
            warnings: d.count(Severity::Warning),
            notes: d.count(Severity::Note),
            by_code: d
                .summary()
                .into_iter()
                .map(|(severity, code, count)| CodeCount {
                    severity,
                    code,
                    count,
                })
                .collect(),
            examples,
        }
    }
}

/// Everything a report shows.
#[derive(Debug, Clone, Serialize)]
pub struct Results {
    pub capakit_version: &'static str,
    pub title: crate::study::Text,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subtitle: Option<crate::study::Text>,
    pub languages: Vec<String>,
    pub sources: Vec<SourceSummary>,
    pub quality: QualitySummary,
    pub analyses: Vec<Entry>,
    /// The methods the analyses used, with their options and references.
    pub methods: Vec<MethodNote>,
    /// Every reference cited in `methods`, once.
    pub references: Vec<Reference>,
    /// Numbers that rest on a weak assumption (small groups, few complete answers).
    pub assumptions: Vec<Flag>,
    /// The minimum cell size: no published count is below it (hidden values are null).
    pub min_cell: u64,
    /// Whether counts of missing answers are published or protected.
    pub nonresponse: crate::study::Nonresponse,
    /// True only for `run --internal`: nothing is hidden, and the outputs say so.
    pub internal: bool,
    /// Every input file's SHA-256, the instruments' versions, the settings, capakit's version.
    pub provenance: crate::provenance::Provenance,
}

/// One analysis result with its id and optional title.
#[derive(Debug, Clone, Serialize)]
pub struct Entry {
    pub id: String,
    pub title: Option<crate::study::Text>,
    pub source: String,
    #[serde(flatten)]
    pub result: AnalysisResult,
}

/// Labels of a variable shown in a result (an item or a scale).
pub(crate) fn labels_of(dataset: &Dataset, name: &str) -> Labels {
    let ins = &dataset.instrument;
    if let Some(item) = ins.item(name) {
        item.labels.clone()
    } else if let Some(scale) = ins.scale(name) {
        scale.labels.clone()
    } else {
        Labels::new()
    }
}

/// Runs every analysis of the study on the checked datasets.
pub fn run_analyses(
    study: &Study,
    datasets: &[Dataset],
    codings: &[crate::check::segments::Coding],
    diagnostics: &Diagnostics,
) -> Result<Results> {
    let mut entries = Vec::new();
    let mut seen_ids = std::collections::BTreeSet::new();
    // Recommendation rules read every other result: evaluated last.
    let mut rule_sets: Vec<(SpecSet, usize)> = Vec::new();
    for path in &study.analyses {
        let set = SpecSet::load(path)?;
        for (index, spec) in set.specs.iter().enumerate() {
            if !seen_ids.insert(spec.id().to_string()) {
                return Err(set.error_at(
                    &spec.id,
                    format!("the analysis id '{}' is used twice", spec.id()),
                ));
            }
            spec.check_parameters(&set)?;
            if *spec.kind.get_ref() == Kind::Recommendations {
                rule_sets.push((set.clone(), index));
                continue;
            }
            if *spec.kind.get_ref() == Kind::Codes {
                let coding = match &spec.source {
                    Some(s) => codings.iter().find(|c| &c.source == s.get_ref()),
                    None => codings.first(),
                }
                .ok_or_else(|| {
                    set.error_at(
                        spec.source.as_ref().unwrap_or(&spec.id),
                        "a codes analysis needs a source of kind \"segments\" in study.toml",
                    )
                })?;
                let by = spec
                    .by
                    .as_ref()
                    .map_or("territory", |b| b.get_ref().as_str());
                if !["territory", "session", "role", "care_setting"].contains(&by) {
                    let at = spec.by.as_ref().unwrap_or(&spec.id);
                    return Err(set.error_at(
                        at,
                        format!("by = '{by}': a codes analysis groups by territory, session, role or care_setting (columns of the document metadata)"),
                    ));
                }
                entries.push(Entry {
                    id: spec.id().to_string(),
                    title: spec.title.clone(),
                    source: coding.source.clone(),
                    result: AnalysisResult::Codes(Box::new(codes::run(
                        coding,
                        by,
                        &study.names,
                        &study
                            .territories
                            .iter()
                            .map(|t| t.name.clone())
                            .collect::<Vec<_>>(),
                    ))),
                });
                continue;
            }
            let dataset = match &spec.source {
                Some(s) => datasets
                    .iter()
                    .find(|d| &d.source == s.get_ref())
                    .ok_or_else(|| {
                        set.error_at(
                            s,
                            format!("there is no source named '{}' in study.toml", s.get_ref()),
                        )
                    })?,
                None => datasets
                    .first()
                    .ok_or_else(|| Error::Usage("the study has no data".into()))?,
            };
            let by = spec.by.as_ref();
            let result = match spec.kind.get_ref() {
                // Run above (codes, on a segments source) or below (recommendations).
                Kind::Codes | Kind::Recommendations => continue,
                Kind::Likert => AnalysisResult::Likert(likert::run(
                    &set,
                    study,
                    dataset,
                    names(&spec.items),
                    by,
                )?),
                Kind::Scales => AnalysisResult::Scales(scales::run(
                    &set,
                    study,
                    dataset,
                    names(&spec.scales),
                    by,
                )?),
                Kind::Compare => AnalysisResult::Compare(compare::run(
                    &set,
                    study,
                    dataset,
                    names(&spec.variables),
                    by,
                    names(&spec.groups),
                    spec.correction(),
                )?),
                Kind::Crosstab => AnalysisResult::Crosstab(crosstab::run(
                    &set,
                    study,
                    dataset,
                    names(&spec.variables),
                    by,
                    spec.correction(),
                )?),
                Kind::Capability => {
                    let Some(dimensions) = &spec.dimensions else {
                        return Err(set.error_at(
                            &spec.id,
                            "a capability analysis needs its dimensions ([[analysis.dimensions]] with indicators)",
                        ));
                    };
                    let p = capability::Parameters {
                        written: capability::design::Written {
                            dimensions,
                            k: spec.k.as_ref(),
                            k_range: spec.k_range.as_ref(),
                            weights: spec.weights.as_ref(),
                            missing: spec.missing.as_ref(),
                        },
                        also_by: names(&spec.also_by),
                        bootstrap: spec.bootstrap.as_ref(),
                        seed: spec.seed.as_ref().map(|s| *s.get_ref()),
                    };
                    AnalysisResult::Capability(Box::new(capability::run(
                        &set, study, dataset, by, &p,
                    )?))
                }
            };
            let title = spec.title.clone();
            entries.push(Entry {
                id: spec.id().to_string(),
                title,
                source: dataset.source.clone(),
                result,
            });
        }
    }
    for (set, index) in &rule_sets {
        let spec = &set.specs[*index];
        let Some(rules) = &spec.rules else {
            return Err(set.error_at(
                &spec.id,
                "a recommendations analysis needs its rules ([[analysis.rules]] with id, actor, priority, text and when/all/any)",
            ));
        };
        let result = recommendations::run(set, rules.get_ref(), &entries, study, datasets)?;
        entries.push(Entry {
            id: spec.id().to_string(),
            title: spec.title.clone(),
            source: String::new(),
            result: AnalysisResult::Recommendations(Box::new(result)),
        });
    }
    let sources = datasets
        .iter()
        .map(|d| {
            let groups = Groups::of(study, d, None);
            SourceSummary {
                name: d.source.clone(),
                file: d.file.clone(),
                sheet: d.sheet.clone(),
                instrument: InstrumentSummary {
                    file: d.instrument.file.clone(),
                    title: d.instrument.title.clone(),
                    form_id: d.instrument.form_id.clone(),
                    version: d.instrument.version.clone(),
                    items: d.instrument.items.len(),
                    scales: d.instrument.scales.len(),
                },
                n: d.height(),
                weight_column: d.weight_column.clone(),
                dropped: d.dropped.clone(),
                territories: groups
                    .map(|g| g.counts(d.height(), study.min_cell))
                    .unwrap_or_default(),
            }
        })
        .collect();
    let (methods, assumptions) = methods::methods_and_flags(&entries);
    Ok(Results {
        capakit_version: env!("CARGO_PKG_VERSION"),
        title: study.title.clone(),
        subtitle: study.subtitle.clone(),
        languages: study.languages.clone(),
        sources,
        quality: QualitySummary::of(diagnostics),
        analyses: entries,
        references: methods::reference_list(&methods),
        methods,
        assumptions,
        min_cell: study.min_cell,
        nonresponse: study.nonresponse,
        internal: false,
        provenance: crate::provenance::of(
            study,
            &datasets
                .iter()
                .filter_map(|d| {
                    let s = study.sources.iter().find(|s| s.name == d.source)?;
                    Some((
                        s.instrument.clone(),
                        d.instrument.form_id.clone(),
                        d.instrument.version.clone(),
                    ))
                })
                .collect::<Vec<_>>(),
        )?,
    })
}

#[cfg(test)]
mod tests {
    use super::without_cell_values;

    #[test]
    fn reports_leave_cell_values_out_of_findings() {
        assert_eq!(
            without_cell_values("\" FLORENCE \" read as Firenze (1 row, first here)"),
            "\"…\" read as Firenze (1 row, first here)"
        );
        assert_eq!(
            without_cell_values("\"a@b.it\" is not a number"),
            "\"…\" is not a number"
        );
        assert_eq!(without_cell_values("no value here"), "no value here");
    }
}
