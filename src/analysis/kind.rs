//! What a kind of analysis is: how it runs, what it publishes and how it appears in every output.
//! Each kind is one folder of `src/analysis/` implementing [`AnalysisKind`] for its result, plus
//! its report chapter (`reports/analyses/<kind>.html.j2`, from which report.md and report.docx are
//! written); the registry
//! ([`super::registry`]) holds the only `match` on kinds. Every method is required: a kind that
//! does not say how it appears in one output does not compile.

use crate::check::segments::Coding;
use crate::check::Dataset;
use crate::error::{Error, Result};
use crate::plan::analyses::OneOrList;
use crate::plan::{Names, Plan, Spec, SpecSet};
use crate::publication::{Figure, HiddenDistribution, InTen, KeyFinding, Measure, Table};
use crate::words::Strings;

use super::methods::{Flag, MethodNote};
use super::{Entry, Results};

/// What an analysis reads when it runs.
pub struct Input<'a> {
    pub plan: &'a Plan,
    /// The analyses file it is written in (for located errors) and its specification.
    pub set: &'a SpecSet,
    pub spec: &'a Spec,
    pub datasets: &'a [Dataset],
    pub codings: &'a [Coding],
    /// The results of the analyses run before it: every other analysis, for a kind that reads
    /// results ([`crate::plan::Reads::Results`]); none otherwise.
    pub earlier: &'a [Entry],
    /// The analyses not run (a subset below the minimum cell size): a rule reading one is not
    /// evaluated.
    pub not_run: &'a [super::NotRun],
}

impl Input<'_> {
    /// The analysis's own parameters, as its kind reads them (checked before any data).
    pub fn params<P: serde::de::DeserializeOwned>(&self) -> Result<P> {
        self.set.entry(self.spec.index)
    }

    /// Runs `f` on the survey source the analysis reads, restricted to the respondents its
    /// `where` names: the source's name, and the result.
    pub fn on_survey<T>(&self, f: impl FnOnce(&Dataset) -> Result<T>) -> Result<(String, T)> {
        let dataset = self.dataset()?;
        let result = match &self.spec.filter {
            Some(filter) => {
                let kept = self.kept(dataset, filter)?;
                let n = kept.iter().filter(|k| **k).count();
                let k = self.plan.study.min_cell;
                if (n as u64) < k {
                    return Err(Error::NotRun(super::NotRun {
                        id: self.spec.id().to_string(),
                        title: self.spec.title.clone(),
                        kind: self.spec.kind.get_ref().name(),
                        subset: filter
                            .iter()
                            .map(|(key, v)| {
                                (key.get_ref().clone(), v.get_ref().values().join(", "))
                            })
                            .collect(),
                        // Under k the number itself is not published: only that it is below.
                        min_cell: k,
                    }));
                }
                f(&dataset.subset(&kept))?
            }
            None => f(dataset)?,
        };
        Ok((dataset.source.clone(), result))
    }

    /// Refuses groups that are waves holding the same people, for a kind whose tests take its
    /// groups as independent samples (a Mann–Whitney test of baseline against follow-up on the
    /// same young people is wrong): before and after is `kind = "paired"`, over waves `"change"`.
    /// `only`: the groups the analysis compares, when it names them (the others do not count).
    pub fn independent_groups(&self, dataset: &Dataset, only: Option<&[&str]>) -> Result<()> {
        let Some(by) = &self.spec.by else {
            return Ok(());
        };
        let (Some(wave), Some(id)) = (&dataset.wave_column, &dataset.id_column) else {
            return Ok(());
        };
        if by.get_ref() != "wave" && by.get_ref() != wave {
            return Ok(());
        }
        let (Some(waves), Some(ids)) = (dataset.texts(wave), dataset.texts(id)) else {
            return Ok(());
        };
        let mut first: std::collections::HashMap<&str, &str> = std::collections::HashMap::new();
        let mut repeated = std::collections::HashSet::new();
        let study = &self.plan.study;
        let compared = |w: &str| {
            only.is_none_or(|o| {
                o.iter()
                    .any(|g| study.resolve_wave(g) == study.resolve_wave(w))
            })
        };
        for (w, id) in waves.iter().zip(&ids) {
            if let (Some(w), Some(id)) = (w, id) {
                if !compared(w) {
                    continue;
                }
                let id = id.trim();
                match first.get(id) {
                    Some(seen) if seen != w => {
                        repeated.insert(id);
                    }
                    Some(_) => {}
                    None => {
                        first.insert(id, w);
                    }
                }
            }
        }
        if repeated.is_empty() {
            return Ok(());
        }
        Err(self.set.error_at(
            by,
            format!(
                "the waves of '{}' hold the same people ({} answered in more than one): a kind '{}' analysis takes its groups as independent samples. For before and after use kind = \"paired\"; to follow estimates over waves, kind = \"change\"",
                dataset.source,
                if repeated.len() < self.plan.study.min_cell as usize { format!("fewer than {}", self.plan.study.min_cell) } else { repeated.len().to_string() },
                self.spec.kind.get_ref().name()
            ),
        ))
    }

    /// The rows `where` keeps: for each of its groupings, those in one of the groups named.
    fn kept(
        &self,
        dataset: &Dataset,
        filter: &std::collections::BTreeMap<toml::Spanned<String>, toml::Spanned<OneOrList>>,
    ) -> Result<Vec<bool>> {
        let study = &self.plan.study;
        let mut keep = vec![true; dataset.height()];
        for (key, values) in filter {
            let groups =
                super::Groups::of(study, dataset, Some(key.get_ref())).ok_or_else(|| {
                    self.set.error_at(
                        key,
                        format!(
                            "'{}' is not a column of {} to select by",
                            key.get_ref(),
                            dataset.file
                        ),
                    )
                })?;
            let mut wanted = vec![false; groups.names.len()];
            for v in values.get_ref().values() {
                let found = groups
                    .known
                    .iter()
                    .position(|g| g.eq_ignore_ascii_case(v.trim()));
                match found.and_then(|k| groups.names.iter().position(|n| *n == groups.known[k])) {
                    Some(j) => wanted[j] = true,
                    None if found.is_some() => {}
                    None => {
                        return Err(self.set.error_span(
                            values.span(),
                            format!(
                                "'{v}' is not one of the groups of '{}' ({})",
                                key.get_ref(),
                                groups.known.join(", ")
                            ),
                        ))
                    }
                }
            }
            for (k, g) in keep.iter_mut().zip(&groups.index) {
                *k &= g.is_some_and(|g| wanted[g]);
            }
        }
        Ok(keep)
    }

    /// The survey source the analysis names, or the study's first.
    fn dataset(&self) -> Result<&Dataset> {
        match self.spec.source.as_ref() {
            Some(s) => self
                .datasets
                .iter()
                .find(|d| &d.source == s.get_ref())
                .ok_or_else(|| {
                    self.set.error_at(
                        s,
                        format!("there is no source named '{}' in study.toml", s.get_ref()),
                    )
                }),
            None => self
                .datasets
                .first()
                .ok_or_else(|| Error::Usage("the study has no data".into())),
        }
    }
}

/// What a kind checks of its analyses before any data is read.
pub struct Check<'a> {
    pub plan: &'a Plan,
    pub set: &'a SpecSet,
    pub spec: &'a Spec,
}

impl Check<'_> {
    /// The analysis's own parameters, read with their places: a key the kind does not know, or a
    /// value of the wrong type, is an error at its line.
    pub fn params<P: serde::de::DeserializeOwned>(&self) -> Result<P> {
        self.set.entry(self.spec.index)
    }

    /// Refuses a missing part the kind cannot run without.
    pub fn require<T>(&self, part: Option<&T>, message: &str) -> Result<()> {
        match part {
            Some(_) => Ok(()),
            None => Err(self.set.error_at(&self.spec.id, message)),
        }
    }

    /// Checks that what a list parameter names is in the questionnaire of the survey the
    /// analysis reads (when it could be read).
    pub fn names(&self, list: Option<&ListOfNames>, what: Names) -> Result<()> {
        match self.plan.survey_of(self.spec) {
            Some((source, ins)) => {
                let study = &self.plan.study;
                crate::plan::check_names(self.set, list, what, ins, study, source)
            }
            None => Ok(()),
        }
    }
}

/// A parameter listing names: items, scales, questions, groups.
pub type ListOfNames = toml::Spanned<Vec<toml::Spanned<String>>>;

/// What a kind's outputs may read: its entry, every result of the run (a chart may be titled by
/// another analysis's comparison), the reader's language and words, and the charts' source line.
pub struct View<'a> {
    pub results: &'a Results,
    pub entry: &'a Entry,
    pub lang: &'a str,
    pub words: &'a Strings,
    pub source: &'a str,
}

/// The methods appendix as the kinds add to it: each method once, in the order first used.
#[derive(Default)]
pub struct Methods {
    pub notes: Vec<MethodNote>,
    pub flags: Vec<Flag>,
    /// Whether any result used design weights (the weights note comes last).
    pub weighted: bool,
}

impl Methods {
    pub fn add(&mut self, note: MethodNote) {
        if !self.notes.contains(&note) {
            self.notes.push(note);
        }
    }
}

/// The brief's key findings and the easy-read's lines, as the kinds add to them.
#[derive(Default)]
pub struct Findings {
    pub findings: Vec<KeyFinding>,
    /// Easy read: what most young people have, and what fewest have.
    pub going_well: Vec<InTen>,
    pub hardest: Vec<InTen>,
}

/// A kind of analysis, implemented by its result. Its module also names its parameters `Params`
/// (made with [`crate::parameters!`]): the registry reads their keys from it.
pub trait AnalysisKind {
    /// Checks an analysis of this kind before any data is read: its parameters (keys, types,
    /// required parts) and what they name in the questionnaire or in the other analyses.
    fn check(c: &Check) -> Result<()>
    where
        Self: Sized;

    /// Runs the analysis: the name of the source it read, and its result as published (after
    /// disclosure control).
    fn run(input: &Input) -> Result<(String, Self)>
    where
        Self: Sized;

    /// The distributions it publishes with hidden cells (the answers of a group to a question),
    /// read from `source`: no analysis of the run publishes a number derived from them.
    fn hidden(&self, source: &str) -> Vec<HiddenDistribution>;

    /// Withholds what it publishes that is derived from a distribution another analysis of the
    /// run hides (the n, mean or test of those answers), saying why. Runs once every analysis
    /// has run, before the recommendation rules read the results.
    fn withhold(&mut self, source: &str, hidden: &[HiddenDistribution]);

    /// Its sheets of tables.xlsx: every table its report chapter shows (each with the report's
    /// caption, [`Table::caption`]), in the report's order, labels in the view's language.
    fn tables(&self, view: &View) -> Vec<Table>;

    /// Its published numbers that recommendation rules can test.
    fn measures(&self, id: &str) -> Vec<Measure>;

    /// The methods it used, with their references, and the numbers resting on a weak assumption.
    fn methods(&self, entry: &Entry, methods: &mut Methods);

    /// Its charts.
    fn figures(&self, view: &View) -> Result<Vec<Figure>>;

    /// What it adds to the brief's key findings and the easy-read summary.
    fn findings(&self, view: &View, out: &mut Findings);
}

/// A chart that could not be drawn.
pub(crate) fn chart_error(id: &str, message: String) -> Error {
    Error::Template {
        name: format!("chart {id}"),
        message,
    }
}
