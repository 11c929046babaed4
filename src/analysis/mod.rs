//! `analyses/*.toml` → [`Results`]: the numbers every report shows, serialised as results.json.
//!
//! Reads analysis specifications (tagged by `kind`), runs them on checked [`Dataset`]s with the
//! functions of [`crate::stats`], and returns plain serialisable results. Templates only format
//! these numbers; tests check them.

pub mod cellkey;
mod groups;
pub mod kind;
mod methods;
#[macro_use]
mod registry;
pub mod table;
pub mod who;

// The kinds of analysis. Each line: the kind (as in `crate::plan::Kind`) => its folder (named as
// the kind is written) :: its result, and the folder of its report chapter (`<kind>.html.j2`; the
// Markdown and Word reports are written from the HTML). Adding a kind is its folder and one line here (and its name and what it reads in
// the plan's table of kinds).
registry! {
    Likert => likert::LikertResult, "reports/analyses";
    Scales => scales::ScalesResult, "reports/analyses";
    Compare => compare::CompareResult, "reports/analyses";
    Crosstab => crosstab::CrosstabResult, "reports/analyses";
    Capability => capability::CapabilityResult, "reports/analyses";
    Codes => codes::CodesResult, "reports/analyses";
    Recommendations => recommendations::RecommendationsResult, "reports/analyses";
    Change => change::ChangeResult, "reports/analyses";
    Indicators => indicators::IndicatorsResult, "reports/analyses";
    Paired => paired::PairedResult, "reports/analyses";
    Network => network::NetworkResult, "reports/analyses";
    #[cfg(test)]
    Toy => toy::ToyResult, "src/analysis/toy";
}

use serde::Serialize;

use crate::check::{Dataset, Dropped};
use crate::diagnostics::Diagnostics;
use crate::error::Result;
use crate::instrument::Labels;
use crate::plan::Plan;

pub use crate::disclosure::Suppression;
pub use crate::plan::{Kind, Spec, SpecSet};
pub use crate::stats::Correction;
pub use capability::CapabilityResult;
pub use compare::CompareResult;
pub use crosstab::CrosstabResult;
pub use groups::{shown as shown_group, Grouping, Groups};
pub use likert::LikertResult;
pub use methods::{Flag, MethodNote, Reference};
pub use scales::{scale_scores, ScalesResult};

/// Why an analysis over groups did not run when there is nothing to group by.
pub(crate) const NO_GROUPS: &str =
    "the source has no territory column and the analysis names no `by` column";

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
    /// Respondents per territory, in the study's order: at the top level of the territories
    /// (`level`, e.g. the regions) when they have levels.
    pub territories: Vec<GroupCount>,
    /// The level `territories` are counted at, when the territories have levels.
    pub level: Option<String>,
    /// Respondents per wave, when the source has waves.
    pub waves: Vec<GroupCount>,
    /// Respondents per territory (as `territories`) and wave: `by_wave[t][w]`, hidden as any
    /// count table's cells.
    pub by_wave: Vec<Vec<Option<usize>>>,
    /// Different people among the respondents of every wave (linked by their id), when the
    /// source has waves and ids.
    pub people: Option<usize>,
    /// The several-answer and number questions, by territory (see [`who`]).
    pub who: who::WhoAnswered,
}

/// Respondents per wave, per territory and wave, and different people, of a source with waves.
type WaveCounts = (Vec<GroupCount>, Vec<Vec<Option<usize>>>, Option<usize>);

fn wave_counts(
    study: &crate::study::Study,
    d: &Dataset,
    territories: Option<&Groups>,
) -> WaveCounts {
    let Some(waves) = d
        .wave_column
        .as_ref()
        .and(Groups::of(study, d, Some("wave")))
    else {
        return (Vec::new(), Vec::new(), None);
    };
    let per_wave = waves.counts(d.height(), study.min_cell);
    let by_wave = match territories {
        Some(t) => {
            let mut counts = vec![vec![0u64; t.names.len()]; waves.names.len()];
            for (w, g) in waves.index.iter().zip(&t.index) {
                if let (Some(w), Some(g)) = (w, g) {
                    counts[*w][*g] += 1;
                }
            }
            let p = crate::disclosure::protect(&counts, study.min_cell);
            (0..t.names.len())
                .map(|g| {
                    (0..waves.names.len())
                        .map(|w| p.cells[w][g].is_none().then_some(counts[w][g] as usize))
                        .collect()
                })
                .collect()
        }
        None => Vec::new(),
    };
    let people = d.id_column.as_deref().and_then(|c| d.texts(c)).map(|ids| {
        ids.iter()
            .flatten()
            .map(|id| id.trim())
            .collect::<std::collections::BTreeSet<_>>()
            .len()
    });
    let people = people.filter(|&n| n as u64 >= study.min_cell);
    (per_wave, by_wave, people)
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

/// A finding as the report shows it (`location` and `message` in English, as results.json has
/// them).
#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    pub severity: crate::diagnostics::Severity,
    pub code: &'static str,
    pub location: String,
    pub message: String,
    /// The location and the message in each language ([`crate::locale::Lang`] order), for the
    /// report in that language.
    #[serde(skip)]
    pub in_language: Vec<(String, String)>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CodeCount {
    pub severity: crate::diagnostics::Severity,
    pub code: &'static str,
    pub count: usize,
}

#[cfg(test)]
use crate::diagnostics::without_cell_values;

impl QualitySummary {
    /// The summary as the report in `lang` shows it: each finding's place and message in that
    /// language.
    pub fn in_language(&self, lang: crate::locale::Lang) -> QualitySummary {
        let mut out = self.clone();
        for f in &mut out.examples {
            if let Some((location, message)) = f.in_language.get(lang as usize) {
                f.location = location.clone();
                f.message = message.clone();
            }
        }
        out
    }

    /// The summary of `d`, each listed name redacted from what it shows (a document's name in a
    /// finding about a transcript).
    pub fn of(d: &Diagnostics, names: &[crate::study::Redaction]) -> QualitySummary {
        use crate::diagnostics::Severity;
        let mut examples: Vec<_> = d.items.iter().collect();
        examples.sort_by_key(|x| x.severity);
        let examples = examples
            .into_iter()
            .take(20)
            .map(|x| {
                // Cell values are left out of what a report shows (`Message::report_text`).
                let in_language: Vec<(String, String)> = crate::locale::Lang::ALL
                    .iter()
                    .map(|&lang| {
                        (
                            codes::redact(&x.location.text(lang), names),
                            codes::redact(&x.message.report_text(lang), names),
                        )
                    })
                    .collect();
                let (location, message) = in_language[crate::locale::Lang::En as usize].clone();
                Finding {
                    severity: x.severity,
                    code: x.code,
                    location,
                    message,
                    in_language,
                }
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
    /// The analyses not run, with the reason (a subset below the minimum cell size).
    pub not_run: Vec<NotRun>,
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
    /// How the count tables are protected: `"suppression"` or `"cell-key"`.
    pub disclosure_method: crate::study::Method,
    /// With the cell-key method, its perturbation table's parameters: the maximum deviation D,
    /// the noise variance V, js (no count from 1 to js is published) and the expected absolute
    /// error of a count; null otherwise.
    pub cell_key: Option<cellkey::Summary>,
    /// True only for `run --internal`: nothing is hidden, and the outputs say so.
    pub internal: bool,
    /// Every input file's SHA-256, the instruments' versions, the settings, capakit's version.
    pub provenance: crate::provenance::Provenance,
}

/// An analysis that was not run, and why: its `where` keeps fewer respondents than the minimum
/// cell size (how many is not published).
#[derive(Debug, Clone, Serialize)]
pub struct NotRun {
    pub id: String,
    pub title: Option<crate::study::Text>,
    pub kind: &'static str,
    /// The subset it asked for: each grouping with the groups named.
    pub subset: Vec<(String, String)>,
    pub min_cell: u64,
}

impl NotRun {
    /// Why it was not run, in any language.
    pub fn message(&self) -> crate::diagnostics::Message {
        let subset: Vec<String> = self
            .subset
            .iter()
            .map(|(k, v)| format!("{k} = {v}"))
            .collect();
        crate::msg!(
            "not-run",
            id = &self.id,
            subset = subset.join("; "),
            min_cell = self.min_cell
        )
    }
}

impl std::fmt::Display for NotRun {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.message().fmt(f)
    }
}

/// One analysis result with its id and optional title.
#[derive(Debug, Clone, Serialize)]
pub struct Entry {
    pub id: String,
    pub title: Option<crate::study::Text>,
    pub source: String,
    /// What its groups are, for the reports to name them (none for a source without answers).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub grouping: Option<Grouping>,
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

/// The plan of a study (study.toml, the questionnaires, every analyses file), with every
/// analysis checked by its kind, all before any data is read.
pub fn load_plan(path: &std::path::Path) -> Result<Plan> {
    let plan = Plan::load(path)?;
    check_plan(&plan)?;
    Ok(plan)
}

/// Each analysis checked by its kind: its parameters (a parameter of another kind is told so at
/// its value; an unknown key, at its line), and what they name in the questionnaire and in the
/// other analyses.
pub fn check_plan(plan: &Plan) -> Result<()> {
    for (set, spec) in plan.specs() {
        if let Err(e) = check_kind(&kind::Check { plan, set, spec }) {
            // A key of another kind is one the kind's parameters refuse: read the keys again only
            // then, to say so at its value.
            check_keys(set, spec)?;
            return Err(e);
        }
    }
    Ok(())
}

/// Refuses a parameter of another kind in an analysis, at its value (a key no kind knows is
/// refused by the kind, at its line).
pub(crate) fn check_keys(set: &SpecSet, spec: &Spec) -> Result<()> {
    use crate::plan::analyses::COMMON_KEYS;
    let kind = *spec.kind.get_ref();
    let written: std::collections::BTreeMap<String, toml::Spanned<serde::de::IgnoredAny>> =
        set.entry(spec.index)?;
    let mut written: Vec<_> = written.iter().collect();
    written.sort_by_key(|(_, v)| v.span().start);
    let own = parameters(kind);
    for (key, value) in written {
        let key = key.as_str();
        if COMMON_KEYS.contains(&key) || own.contains(&key) {
            continue;
        }
        if Kind::all().any(|k| parameters(k).contains(&key)) {
            return Err(set.error_span(
                value.span(),
                format!(
                    "`{key}` does not apply to an analysis of kind '{}'",
                    kind.name()
                ),
            ));
        }
    }
    Ok(())
}

/// The result of every analysis of the plan, in the order written, without what a report adds
/// around them (sources, methods, provenance): what `capakit check` runs to find what the
/// analyses name in the data, and what the feedback form reads.
pub fn run_entries(
    plan: &Plan,
    datasets: &[Dataset],
    codings: &[crate::check::segments::Coding],
) -> Result<(Vec<Entry>, Vec<NotRun>)> {
    // Recommendation rules read every other result: evaluated last. The others are independent
    // of each other: they run side by side on the machine's cores, and their results are put
    // back in the order written (the first error in that order is the one reported).
    let (rule_sets, others): (Vec<Planned>, Vec<Planned>) = plan
        .specs()
        .partition(|(_, spec)| spec.kind.get_ref().spec().reads == crate::plan::Reads::Results);
    let mut entries = Vec::with_capacity(others.len() + rule_sets.len());
    let mut not_run = Vec::new();
    for entry in crate::parallel::map(&others, |&(set, spec)| {
        entry_of(plan, set, spec, datasets, codings, &[], &[])
    }) {
        match entry {
            Ok(e) => entries.push(e),
            Err(crate::error::Error::NotRun(n)) => not_run.push(n),
            Err(e) => return Err(e),
        }
    }
    // One distribution, one place: what an analysis hides, no other gives back by arithmetic.
    let hidden: Vec<crate::publication::HiddenDistribution> = entries
        .iter()
        .flat_map(|e| e.result.as_kind().hidden(&e.source))
        .collect();
    if !hidden.is_empty() {
        for e in &mut entries {
            e.result.as_kind_mut().withhold(&e.source, &hidden);
        }
    }
    for (set, spec) in rule_sets {
        let entry = entry_of(plan, set, spec, datasets, codings, &entries, &not_run)?;
        entries.push(entry);
    }
    Ok((entries, not_run))
}

/// Runs every analysis of the plan on the checked datasets.
pub fn run_analyses(
    plan: &Plan,
    datasets: &[Dataset],
    codings: &[crate::check::segments::Coding],
    diagnostics: &Diagnostics,
) -> Result<Results> {
    let study = &plan.study;
    let (entries, not_run) = run_entries(plan, datasets, codings)?;
    let sources = datasets
        .iter()
        .map(|d| {
            let level = study
                .geography
                .is_hierarchy()
                .then(|| study.geography.levels[0].clone());
            let groups = Groups::of(study, d, level.as_deref());
            let perturber = cellkey::Perturber::of(study, d)?;
            // Under the cell-key method no count table is published exactly: the territories by
            // wave are left out.
            let exact = groups.as_ref().filter(|_| perturber.is_none());
            let (waves, by_wave, people) = wave_counts(study, d, exact);
            let who = who::of(study, d, groups.as_ref(), perturber.is_some());
            Ok(SourceSummary {
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
                    .map(|g| match &perturber {
                        Some(p) => g.counts_perturbed(p),
                        None => g.counts(d.height(), study.min_cell),
                    })
                    .unwrap_or_default(),
                level,
                waves,
                by_wave,
                people,
                who,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let (methods, assumptions) = methods::methods_and_flags(&entries);
    Ok(Results {
        capakit_version: env!("CARGO_PKG_VERSION"),
        title: study.title.clone(),
        subtitle: study.subtitle.clone(),
        languages: study.languages.clone(),
        sources,
        quality: QualitySummary::of(diagnostics, &study.names),
        analyses: entries,
        not_run,
        references: methods::reference_list(&methods),
        methods,
        assumptions,
        min_cell: study.min_cell,
        nonresponse: study.nonresponse,
        disclosure_method: study.method,
        cell_key: cellkey::Summary::of(study),
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

/// One analysis as planned, with the file it is written in.
type Planned<'a> = (&'a SpecSet, &'a Spec);

/// Runs one analysis into its entry; `earlier`: the results it may read, `not_run`: the analyses
/// that were not.
fn entry_of(
    plan: &Plan,
    set: &SpecSet,
    spec: &Spec,
    datasets: &[Dataset],
    codings: &[crate::check::segments::Coding],
    earlier: &[Entry],
    not_run: &[NotRun],
) -> Result<Entry> {
    let input = kind::Input {
        plan,
        set,
        spec,
        datasets,
        codings,
        earlier,
        not_run,
    };
    let (source, result) = run(&input)?;
    let grouping = datasets.iter().find(|d| d.source == source).and_then(|d| {
        Groups::describe(
            &plan.study,
            d,
            spec.by.as_ref().map(|b| b.get_ref().as_str()),
        )
    });
    Ok(Entry {
        id: spec.id().to_string(),
        title: spec.title.clone(),
        source,
        grouping,
        result,
    })
}

#[cfg(test)]
mod tests {
    use super::without_cell_values;

    #[test]
    fn every_kinds_parameters_take_the_keys_every_analysis_has() {
        // Made with `crate::parameters!`: a kind's struct reads the common keys too, so its
        // own keys can be told apart and a typo is refused at its line.
        for kind in crate::plan::Kind::all() {
            let keys = super::parameters(kind);
            for common in crate::plan::analyses::COMMON_KEYS {
                assert!(keys.contains(&common), "{}: {common}", kind.name());
            }
        }
    }

    #[test]
    fn an_analysis_not_run_says_why_in_each_language() {
        let n = super::NotRun {
            id: "profili-prato".into(),
            title: None,
            kind: "profiles",
            subset: vec![("territory".into(), "Prato".into())],
            min_cell: 10,
        };
        assert_eq!(
            n.to_string(),
            "analysis 'profili-prato' is not run: its subset (territory = Prato) has fewer than 10 respondents, too few to publish"
        );
        assert_eq!(
            n.message().text(crate::locale::Lang::It),
            "l'analisi 'profili-prato' non è eseguita: il suo sottoinsieme (territory = Prato) ha meno di 10 rispondenti, troppo pochi per pubblicarla"
        );
    }

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
