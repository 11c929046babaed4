//! study.toml + analyses/*.toml → [`Plan`]: what every analysis shares, resolved and checked
//! before a data cell is read: an unknown kind, an id used twice, a source that does not exist, a
//! grouping its questionnaire does not have. Each kind then checks its own parameters
//! ([`crate::analysis::load_plan`], which `check`, `run` and `feedback-form` start with): an
//! unknown key, a parameter of another kind, an item or scale the questionnaire does not have, a
//! rule naming an analysis that is not there. Every mistake is an error with its file, line and
//! column before a million-row export is opened. What needs the data (an item absent from the file, a group no
//! respondent belongs to) is checked when the analyses run, which `capakit check` also does in
//! memory. Comes first in the flow: it reads only [`crate::study`] and the analysis files.

pub mod analyses;
pub mod rules;

use std::collections::BTreeSet;
use std::path::Path;

use crate::error::Result;
use crate::instrument::{read_xlsform, Instrument, ItemKind};
use crate::study::Study;

pub use analyses::{Kind, KindSpec, Names, Reads, Spec, SpecSet};

/// The groupings a codes analysis may use: columns of the documents' metadata.
pub const CODES_BY: [&str; 4] = ["territory", "session", "role", "care_setting"];

/// A study and its analyses, read and checked.
#[derive(Debug, Clone)]
pub struct Plan {
    pub study: Study,
    /// Every analyses file of the study, in the order study.toml lists them.
    pub analyses: Vec<SpecSet>,
    /// Each survey source's questionnaire (by source name), read once here; `None` when it
    /// cannot be read, which the check of that source reports.
    instruments: Vec<(String, Option<Instrument>)>,
    /// True for `capakit check`, which runs the analyses only to find what they name that the
    /// data lacks: nothing is shown, so nothing is resampled.
    pub checking: bool,
}

impl Plan {
    /// Reads the study (a folder or its study.toml) and its analyses files, and checks what
    /// every analysis shares; [`crate::analysis::load_plan`] adds each kind's checks.
    pub(crate) fn load(path: &Path) -> Result<Plan> {
        Plan::of(Study::load(path)?)
    }

    /// Reads the analyses files of a study already read and checks what every analysis shares.
    pub(crate) fn of(study: Study) -> Result<Plan> {
        let analyses = study
            .analyses
            .iter()
            .map(|p| SpecSet::load(p))
            .collect::<Result<Vec<_>>>()?;
        let instruments = study
            .sources
            .iter()
            .map(|s| {
                let read = read_xlsform(&s.instrument, &study.display_path(&s.instrument)).ok();
                (s.name.clone(), read)
            })
            .collect();
        let plan = Plan {
            study,
            analyses,
            instruments,
            checking: false,
        };
        plan.check()?;
        Ok(plan)
    }

    /// The questionnaire of the survey source named `source`, when it could be read.
    pub fn instrument(&self, source: &str) -> Option<&Instrument> {
        self.instruments
            .iter()
            .find(|(name, _)| name == source)
            .and_then(|(_, ins)| ins.as_ref())
    }

    /// Every analysis with the file it is written in, in order.
    pub fn specs(&self) -> impl Iterator<Item = (&SpecSet, &Spec)> {
        self.analyses
            .iter()
            .flat_map(|set| set.specs.iter().map(move |spec| (set, spec)))
    }

    fn check(&self) -> Result<()> {
        let study = &self.study;
        let mut seen_ids = BTreeSet::new();
        for (set, spec) in self.specs() {
            if !seen_ids.insert(spec.id()) {
                return Err(set.error_at(
                    &spec.id,
                    format!("the analysis id '{}' is used twice", spec.id()),
                ));
            }
            // A survey's respondents, coded documents and records are selected by their kind;
            // a kind that reads the other analyses' results has nothing to select.
            if let (Some(filter), true) = (
                &spec.filter,
                spec.kind.get_ref().spec().reads == Reads::Results,
            ) {
                if let Some(key) = filter.keys().next() {
                    return Err(set.error_at(
                        key,
                        format!(
                            "`where` does not apply to a {} analysis: it reads the other analyses' published results (give `where` to those analyses)",
                            spec.kind.get_ref().name()
                        ),
                    ));
                }
            }
            match spec.kind.get_ref().spec().reads {
                Reads::Results => {}
                Reads::Segments => {
                    let found = match &spec.source {
                        Some(s) => study.segment_sources.iter().any(|x| &x.name == s.get_ref()),
                        None => !study.segment_sources.is_empty(),
                    };
                    if !found {
                        return Err(set.error_at(
                            spec.source.as_ref().unwrap_or(&spec.id),
                            needs_segments(*spec.kind.get_ref()),
                        ));
                    }
                    if let Some(by) = spec
                        .by
                        .as_ref()
                        .filter(|b| !CODES_BY.contains(&b.get_ref().as_str()))
                    {
                        return Err(set.error_at(
                            by,
                            format!("by = '{}': a {} analysis groups by territory, session, role or care_setting (columns of the document metadata)", by.get_ref(), spec.kind.get_ref().name()),
                        ));
                    }
                }
                Reads::Records => {
                    if self.records_of(spec).is_none() {
                        return Err(set.error_at(
                            spec.source.as_ref().unwrap_or(&spec.id),
                            format!(
                                "a {} analysis needs a source of kind \"records\" in study.toml{}",
                                spec.kind.get_ref().name(),
                                spec.source
                                    .as_ref()
                                    .map_or(String::new(), |s| format!(" named '{}'", s.get_ref()))
                            ),
                        ));
                    }
                }
                Reads::Network => {
                    let found = match &spec.source {
                        Some(s) => study.network_sources.iter().any(|x| &x.name == s.get_ref()),
                        None => !study.network_sources.is_empty(),
                    };
                    if !found {
                        return Err(set.error_at(
                            spec.source.as_ref().unwrap_or(&spec.id),
                            format!(
                                "a {} analysis needs a source of kind \"network\" in study.toml{}",
                                spec.kind.get_ref().name(),
                                spec.source
                                    .as_ref()
                                    .map_or(String::new(), |s| format!(" named '{}'", s.get_ref()))
                            ),
                        ));
                    }
                }
                Reads::Survey => {
                    if let Some(s) = &spec.source {
                        if !study.sources.iter().any(|x| &x.name == s.get_ref()) {
                            return Err(set.error_at(
                                s,
                                format!("there is no source named '{}' in study.toml", s.get_ref()),
                            ));
                        }
                    }
                }
            }
        }
        // The grouping every analysis may name is checked against its questionnaire now; what
        // a kind's own parameters name, by the kind (`crate::analysis::check_plan`); what needs
        // the data (an item the file lacks, a group no one belongs to) when they run.
        for (set, spec) in self.specs() {
            if let Some((source, ins)) = self.survey_of(spec) {
                check_groupings(set, spec.by.iter(), ins, study, source)?;
                if let Some(filter) = &spec.filter {
                    check_groupings(set, filter.keys(), ins, study, source)?;
                }
            }
        }
        Ok(())
    }

    /// The survey source an analysis reads (the first when it names none) and its
    /// questionnaire; none for a kind that reads no survey, or a questionnaire that cannot be
    /// read (reported by the check of its source).
    pub fn survey_of(&self, spec: &Spec) -> Option<(&crate::study::Source, &Instrument)> {
        if spec.kind.get_ref().spec().reads != Reads::Survey {
            return None;
        }
        let source = match &spec.source {
            Some(s) => self.study.sources.iter().find(|x| &x.name == s.get_ref()),
            None => self.study.sources.first(),
        }?;
        Some((source, self.instrument(&source.name)?))
    }

    /// The records source an analysis reads (the first when it names none); none for a kind
    /// that reads no records.
    pub fn records_of(&self, spec: &Spec) -> Option<&crate::study::RecordSource> {
        if spec.kind.get_ref().spec().reads != Reads::Records {
            return None;
        }
        let records = &self.study.record_sources;
        match &spec.source {
            Some(s) => records.iter().find(|x| &x.name == s.get_ref()),
            None => records.first(),
        }
    }

    /// Every analysis's id and kind, as rules may name them.
    pub fn analyses(&self) -> Vec<(&str, Kind)> {
        self.specs()
            .map(|(_, s)| (s.id(), *s.kind.get_ref()))
            .collect()
    }
}

/// Checks that the names of a list parameter are what it names in the questionnaire of
/// `source` (Likert items or scales, scales, single-choice questions, groupings), with each
/// one's place in the file.
pub fn check_names(
    set: &SpecSet,
    names: Option<&toml::Spanned<Vec<toml::Spanned<String>>>>,
    what: Names,
    ins: &Instrument,
    study: &Study,
    source: &crate::study::Source,
) -> Result<()> {
    let likert = |n: &str| ins.likert_items().any(|i| i.name == n);
    for n in names.map_or(&[][..], |l| l.get_ref().as_slice()) {
        match what {
            Names::Grouping => check_groupings(set, std::iter::once(n), ins, study, source)?,
            Names::LikertOrScale => {
                if ins.scale(n.get_ref()).is_none() && !likert(n.get_ref()) {
                    return Err(set.error_at(
                        n,
                        format!(
                            "'{}' is neither a Likert item nor a scale of the questionnaire ({})",
                            n.get_ref(),
                            ins.file
                        ),
                    ));
                }
            }
            Names::Scales => {
                if ins.scale(n.get_ref()).is_none() {
                    return Err(set.error_at(n, not_a_scale(n.get_ref(), ins)));
                }
            }
            Names::Measured => {
                let measured = ins.scale(n.get_ref()).is_some()
                    || ins
                        .item(n.get_ref())
                        .is_some_and(|i| i.kind == ItemKind::SelectOne || i.kind.is_numeric());
                if !measured {
                    return Err(set.error_at(
                        n,
                        format!(
                            "'{}' is neither a scale nor a question answered with a number or a single choice in {}",
                            n.get_ref(),
                            ins.file
                        ),
                    ));
                }
            }
            Names::SingleChoice => {
                let single = ins.item(n.get_ref()).is_some_and(|i| {
                    i.kind == ItemKind::SelectOne && !ins.list_of(i).is_some_and(|l| l.is_numeric())
                });
                if !single {
                    return Err(set.error_at(
                        n,
                        format!(
                            "'{}' is not a single-choice (select_one) question with named answers in {}",
                            n.get_ref(),
                            ins.file
                        ),
                    ));
                }
            }
        }
    }
    Ok(())
}

/// Checks that each grouping names a question of the questionnaire, the territory column, the
/// waves or a level of the territories.
pub fn check_groupings<'a>(
    set: &SpecSet,
    groupings: impl Iterator<Item = &'a toml::Spanned<String>>,
    ins: &Instrument,
    study: &Study,
    source: &crate::study::Source,
) -> Result<()> {
    let territory_column = source.territory_column.as_deref();
    // Beside a question: the territory column, the waves, a level of the geography.
    let groups_by = |name: &str| {
        Some(name) == territory_column
            || ((source.wave_column.is_some() || source.wave.is_some()) && name == "wave")
            || (territory_column.is_some() && study.geography.level(name).is_some())
    };
    for b in groupings {
        let name = b.get_ref();
        if ins.item(name).is_none() && !groups_by(name) {
            return Err(set.error_at(
                b,
                format!(
                    "'{name}' is not a question of {} (a grouping names {})",
                    ins.file,
                    groupings_allowed(study, source)
                ),
            ));
        }
    }
    Ok(())
}

/// Why an analysis of a kind that reads coded segments cannot run: the study has none (or none
/// by the name given).
pub fn needs_segments(kind: Kind) -> String {
    format!(
        "a {} analysis needs a source of kind \"segments\" in study.toml",
        kind.name()
    )
}

/// What a grouping may name in a source: "a question, or the territory column", and the waves
/// and the levels of the territories when the study has them.
fn groupings_allowed(study: &Study, source: &crate::study::Source) -> String {
    let mut allowed = vec!["a question".to_string(), "the territory column".to_string()];
    if source.wave_column.is_some() || source.wave.is_some() {
        allowed.push("\"wave\"".into());
    }
    if source.territory_column.is_some() && study.geography.is_hierarchy() {
        allowed.push(format!(
            "a level of the territories ({})",
            study.geography.levels.join(", ")
        ));
    }
    let last = allowed.pop().unwrap_or_default();
    format!("{}, or {last}", allowed.join(", "))
}

/// Why `name` is refused where a scale is wanted: the scales the questionnaire has.
pub(crate) fn not_a_scale(name: &str, ins: &Instrument) -> String {
    format!(
        "'{name}' is not a scale of {} (scales: {})",
        ins.file,
        ins.scales
            .iter()
            .map(|s| s.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    )
}
