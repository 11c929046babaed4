//! `study.toml` → [`Study`]: the one place that knows where a study's files are.
//!
//! The CLI resolves its arguments into a `Study`; every later stage (ingest, check, analysis,
//! report) receives resolved paths and settings from here. Unknown keys and missing files are
//! errors that name their line and column in `study.toml`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::disclosure::{DEFAULT_MIN_CELL, LOWEST_MIN_CELL};
use documented::{DocumentedFieldsOpt, DocumentedOpt};
use serde::{Deserialize, Serialize};
use toml::Spanned;

use crate::error::{Error, Result};

mod keys;
pub(crate) use keys::{schema_part, schema_variants};

/// A text given once, or once per language (`title = "…"` or `[title] it = "…"  en = "…"`).
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(untagged)]
pub enum Text {
    One(String),
    PerLanguage(BTreeMap<String, String>),
}

impl Text {
    /// The text as labels keyed by language (`""` for a text in one language).
    pub fn labels(&self) -> crate::instrument::Labels {
        match self {
            Text::One(s) => crate::instrument::Labels::from([(String::new(), s.clone())]),
            Text::PerLanguage(m) => m.clone(),
        }
    }

    /// The text in `lang`, else in English, else any.
    pub fn get(&self, lang: &str) -> &str {
        match self {
            Text::One(s) => s,
            Text::PerLanguage(map) => map
                .get(lang)
                .or_else(|| map.get("en"))
                .or_else(|| map.values().next())
                .map_or("", String::as_str),
        }
    }
}

#[derive(Debug, Deserialize, DocumentedFieldsOpt, DocumentedOpt)]
#[serde(deny_unknown_fields)]
struct StudyFile {
    /// The study's title, in one language or per language (`{ it = "…", en = "…" }`).
    title: Text,
    /// A subtitle under the title, in one language or per language.
    #[serde(default)]
    subtitle: Option<Text>,
    /// The languages of the reports, by code (`["it", "en"]` when omitted).
    #[serde(default = "default_languages")]
    languages: Vec<String>,
    /// The language `capakit run` writes first, and the one of the questionnaire's constraint
    /// messages that `check` quotes (the first of `languages` when omitted). `check` itself
    /// speaks the language of its `--lang`.
    #[serde(default)]
    default_language: Option<Spanned<String>>,
    /// The analyses files (`analyses/*.toml`), relative to the study folder.
    #[serde(default)]
    analyses: Vec<Spanned<String>>,
    /// The territories the data's territory column names, with their spellings.
    #[serde(default)]
    territories: Vec<TerritoryFile>,
    /// The levels of the territories and files of territories.
    #[serde(default)]
    geography: GeographyFile,
    /// The rounds of data collection, in order.
    #[serde(default)]
    waves: Vec<WaveFile>,
    /// The data files: the answers to a questionnaire, coded focus groups, records, sessions, a
    /// network.
    #[serde(default)]
    sources: Vec<SourceFile>,
    /// What the reports print beside the results.
    #[serde(default)]
    report: ReportOptions,
    /// How published counts are protected.
    #[serde(default)]
    disclosure: DisclosureFile,
    /// What makes `capakit check` fail (`[check]`).
    #[serde(default)]
    check: CheckOptions,
}

/// `[check]`: what makes `capakit check` fail.
#[derive(
    Debug,
    Clone,
    Copy,
    Default,
    PartialEq,
    Eq,
    Deserialize,
    Serialize,
    DocumentedFieldsOpt,
    DocumentedOpt,
)]
#[serde(deny_unknown_fields)]
pub struct CheckOptions {
    /// The least serious finding that makes `check` exit 1: `"error"` (when omitted) or
    /// `"warning"` (as `check --strict`). Notes never do.
    #[serde(default)]
    pub fail_on: FailOn,
}

/// What makes `check` exit 1 (`[check] fail_on`).
#[derive(
    Debug,
    Clone,
    Copy,
    Default,
    PartialEq,
    Eq,
    Deserialize,
    Serialize,
    DocumentedFieldsOpt,
    DocumentedOpt,
)]
#[serde(rename_all = "lowercase")]
pub enum FailOn {
    /// Errors only: warnings the study accepts (a duplicated id left out, a name that matches no
    /// service) are printed, and `check && run` goes on, as `run` does.
    #[default]
    Error,
    /// Warnings too: for a pipeline that must stop on anything unusual.
    Warning,
}

/// `[disclosure]`: how small a published count may be.
#[derive(Debug, Default, Deserialize, DocumentedFieldsOpt, DocumentedOpt)]
#[serde(deny_unknown_fields)]
struct DisclosureFile {
    /// The minimum published count: 1 to min_cell − 1 is never published (5 when omitted, 3 at the
    /// lowest).
    min_cell: Option<Spanned<u64>>,
    /// A file holding the secret key of the respondents' pseudonyms (else `CAPAKIT_PSEUDONYM_KEY`).
    key_file: Option<Spanned<String>>,
    /// Names (participants, staff, places) replaced in every quote, document name, role and
    /// other text of the transcripts that is published: by `[name]`, or by the role given with
    /// them.
    #[serde(default)]
    names: Vec<NameFile>,
    /// Coders are published by their names (as the coding export gives them) instead of as
    /// `coder 1`, `coder 2`…
    #[serde(default)]
    name_coders: bool,
    /// Whether counts of missing answers are published as they are or protected (`publish` when
    /// omitted).
    #[serde(default)]
    nonresponse: Nonresponse,
    /// How published counts are protected: hidden below `min_cell`, or perturbed (cell key);
    /// `suppression` when omitted.
    #[serde(default)]
    method: Method,
}

/// One entry of `[disclosure] names`: `"Marta"` or `{ name = "Marta", role = "educatrice" }`.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum NameFile {
    Plain(String),
    WithRole { name: String, role: String },
}

/// A name to take out of quotes and what to put in its place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Redaction {
    pub name: String,
    /// The placeholder, brackets included: `[name]` or `[educatrice]`.
    pub placeholder: String,
}

/// Whether counts of missing answers are published (`[disclosure] nonresponse`).
#[derive(
    Debug,
    Clone,
    Copy,
    Default,
    PartialEq,
    Eq,
    Deserialize,
    serde::Serialize,
    DocumentedFieldsOpt,
    DocumentedOpt,
)]
#[serde(rename_all = "lowercase")]
pub enum Nonresponse {
    /// Counts of missing answers are shown as they are: a skipped question says nothing about
    /// what its author would have answered. Questions asked only under a condition (an XLSForm
    /// `relevant`) are still protected, because there a missing answer is itself an answer.
    #[default]
    Publish,
    /// Counts of missing answers are protected like any other count, and every figure from which
    /// one could be worked out (the number of answers beside a published group size) with them.
    Protect,
}

/// How published counts are protected (`[disclosure] method`).
#[derive(
    Debug,
    Clone,
    Copy,
    Default,
    PartialEq,
    Eq,
    Deserialize,
    serde::Serialize,
    DocumentedFieldsOpt,
    DocumentedOpt,
)]
#[serde(rename_all = "kebab-case")]
pub enum Method {
    /// Counts below the minimum cell size are hidden, with the cells that would give them away.
    #[default]
    Suppression,
    /// The count tables (Likert distributions, cross-tables, respondents per group) publish
    /// every count perturbed by the cell-key method; means,
    /// SDs and tests follow the suppression rules.
    CellKey,
}

fn default_languages() -> Vec<String> {
    vec!["it".into(), "en".into()]
}

#[derive(Debug, Deserialize, DocumentedFieldsOpt, DocumentedOpt)]
#[serde(deny_unknown_fields)]
struct TerritoryFile {
    /// The territory's name as the reports print it.
    name: Spanned<String>,
    /// Other spellings found in the data (case and spaces ignored).
    #[serde(default)]
    aliases: Vec<String>,
    /// Its level (`"region"`, `"ambito"`), one of `[geography] levels`.
    #[serde(default)]
    level: Option<Spanned<String>>,
    /// The territory it belongs to, one level up.
    #[serde(default)]
    parent: Option<Spanned<String>>,
    /// Its official code (ISTAT, NUTS).
    #[serde(default)]
    code: Option<String>,
}

/// `[geography]`: the levels of the territories, from the top down, and files of territories.
#[derive(Debug, Default, Deserialize, DocumentedFieldsOpt, DocumentedOpt)]
#[serde(deny_unknown_fields)]
struct GeographyFile {
    /// The levels from the top down (`["region", "ambito"]`).
    #[serde(default)]
    levels: Option<Spanned<Vec<String>>>,
    /// Files of territories, one level each.
    #[serde(default)]
    files: Vec<UnitsFile>,
}

/// `[[geography.files]]`: the territories of one level from a CSV file (such as the shipped
/// `instruments/italy-regions.csv`, or a study's ambiti): a `name` column, and optionally `code`,
/// `aliases` (separated by `|`), `name_en` and `nuts2` (read as aliases too), and the column
/// naming each territory's parent one level up (its name or code).
#[derive(Debug, Deserialize, DocumentedFieldsOpt, DocumentedOpt)]
#[serde(deny_unknown_fields)]
struct UnitsFile {
    /// The CSV file, relative to the study folder.
    path: Spanned<String>,
    /// The level of its territories, one of `levels`.
    level: Spanned<String>,
    /// The column naming each territory's parent one level up (its name or code).
    #[serde(default)]
    parent_column: Option<Spanned<String>>,
    /// Only these territories of the file (names, codes or aliases), e.g. the regions taking part.
    #[serde(default)]
    only: Option<Spanned<Vec<String>>>,
}

/// A territory read from a `[[geography.files]]` file.
struct UnitRow {
    name: String,
    aliases: Vec<String>,
    parent: Option<String>,
    code: Option<String>,
}

/// Reads the territories of a `[[geography.files]]` CSV (comma-separated, UTF-8, a header row).
/// A refusal names the file and row.
fn read_units(path: &Path, shown: &str, parent_column: Option<&str>) -> Result<Vec<UnitRow>> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(bytes.as_slice());
    let bad = |row: usize, message: String| Error::Usage(format!("{shown}, row {row}: {message}"));
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| bad(1, format!("cannot be read as CSV ({e})")))?
        .iter()
        .map(|h| crate::text::clean(h.trim()).into_owned())
        .collect();
    let col = |name: &str| headers.iter().position(|h| h == name);
    let name_col = col("name").ok_or_else(|| {
        bad(
            1,
            format!("no `name` column (columns: {})", headers.join(", ")),
        )
    })?;
    let parent_col = match parent_column {
        Some(p) => Some(col(p).ok_or_else(|| {
            bad(
                1,
                format!(
                    "no `{p}` column (the parent_column; columns: {})",
                    headers.join(", ")
                ),
            )
        })?),
        None => None,
    };
    let mut out = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let row = i + 2;
        let record = record.map_err(|e| bad(row, format!("cannot be read as CSV ({e})")))?;
        let cell = |j: Option<usize>| {
            j.and_then(|j| record.get(j))
                .map(|v| crate::text::clean(v.trim()).into_owned())
                .filter(|v| !v.is_empty())
        };
        let Some(name) = cell(Some(name_col)) else {
            return Err(bad(row, "a territory needs a name".into()));
        };
        let mut aliases: Vec<String> = cell(col("aliases"))
            .map(|a| {
                a.split('|')
                    .map(|x| x.trim().to_string())
                    .filter(|x| !x.is_empty())
                    .collect()
            })
            .unwrap_or_default();
        aliases.extend(cell(col("name_en")));
        aliases.extend(cell(col("nuts2")));
        out.push(UnitRow {
            name,
            aliases,
            parent: cell(parent_col),
            code: cell(col("code")),
        });
    }
    Ok(out)
}

/// One `[[waves]]`: a round of data collection.
#[derive(Debug, Deserialize, DocumentedFieldsOpt, DocumentedOpt)]
#[serde(deny_unknown_fields)]
struct WaveFile {
    /// The wave as the data's wave column (or a source's `wave`) names it.
    id: Spanned<String>,
    /// The wave's name in the reports, in one language or per language (the id when omitted).
    #[serde(default)]
    label: Option<Text>,
    /// When it took place (a date or a period, as written: "2023", "2023-06").
    #[serde(default)]
    date: Option<String>,
}

/// A round of data collection (a year of a monitoring, baseline and follow-up).
#[derive(Debug, Clone, Serialize)]
pub struct Wave {
    pub id: String,
    pub label: Option<Text>,
    pub date: Option<String>,
}

#[derive(Debug, Deserialize, DocumentedFieldsOpt, DocumentedOpt)]
#[serde(deny_unknown_fields)]
struct SourceFile {
    /// The source's name, by which analyses name it (`source`); files of one source, one per wave,
    /// share it.
    #[serde(default)]
    name: Option<Spanned<String>>,
    /// "survey" (the default) or "segments" (coded focus-group transcripts).
    #[serde(default)]
    kind: Option<Spanned<String>>,
    /// The data file (.xlsx, .xls, .ods, .csv, a KoboToolbox export), relative to the study folder.
    path: Spanned<String>,
    /// survey: the questionnaire (an XLSForm) the file answers.
    #[serde(default)]
    instrument: Option<Spanned<String>>,
    /// segments: the spreadsheet of document metadata (document → territory, session, role …).
    #[serde(default)]
    metadata: Option<Spanned<String>>,
    /// segments: the codebook spreadsheet (codes, hierarchy, labels, capability dimension).
    #[serde(default)]
    codebook: Option<Spanned<String>>,
    /// segments: the column names of a long table when they differ from the defaults.
    #[serde(default)]
    columns: Option<SegmentColumnsFile>,
    /// The sheet to read (the first when omitted).
    #[serde(default)]
    sheet: Option<String>,
    /// The column of each respondent's id: duplicates are reported and the first answer kept.
    id_column: Option<Spanned<String>>,
    /// The column of each row's territory (one of `[[territories]]`, any of its spellings).
    territory_column: Option<String>,
    /// Design weights: weighted shares and means, Kish's effective n (network: how often a tie
    /// occurred).
    weight_column: Option<String>,
    /// The sampling design beside the weights: stratum and primary sampling unit of each row.
    strata_column: Option<Spanned<String>>,
    /// The primary sampling unit of each row (with `strata_column`).
    psu_column: Option<Spanned<String>>,
    /// The column telling each row's wave (one of `[[waves]]`).
    wave_column: Option<Spanned<String>>,
    /// The wave this file holds (one of `[[waves]]`): the files of one source, one per wave,
    /// share its name.
    wave: Option<Spanned<String>>,
    /// sessions: the column of each session's person (the survey's id), its date, its mentor,
    /// its length in minutes, and the person's date of entry into the programme.
    person_column: Option<Spanned<String>>,
    /// sessions: the date of each session (2024-03-05 or 05/03/2024).
    date_column: Option<Spanned<String>>,
    /// sessions: the mentor of each session.
    mentor_column: Option<Spanned<String>>,
    /// sessions: the length of each session in minutes.
    minutes_column: Option<Spanned<String>>,
    /// sessions: the person's date of entry into the programme.
    entry_column: Option<Spanned<String>>,
    /// network: the services registry, and the edge list's columns (the tie's two ends, its
    /// type: referral, consultation, joint case, training …).
    registry: Option<Spanned<String>>,
    /// network: the column of a tie's first end (`from` when omitted).
    from_column: Option<Spanned<String>>,
    /// network: the column of a tie's second end (`to` when omitted).
    to_column: Option<Spanned<String>>,
    /// network: the column of a tie's type (referral, consultation, joint case, training …).
    tie_column: Option<Spanned<String>>,
    /// network, the survey of professionals: each respondent's service, the repeat's sheet and
    /// its columns (the partner, a name written by hand, the parent's index, the frequency), the
    /// frequency answers in order, or a select_multiple of partners on the respondents' sheet.
    service_column: Option<Spanned<String>>,
    /// network survey: the repeat's sheet, one row per service worked with.
    partners_sheet: Option<Spanned<String>>,
    /// network survey: the partner service (a registry id or name; "altro"/"other" reads
    /// `other_column`).
    partner_column: Option<Spanned<String>>,
    /// network survey: the partner's name written by hand.
    other_column: Option<Spanned<String>>,
    /// network survey: the repeat row's respondent (Kobo's `_parent_index` when omitted).
    parent_column: Option<Spanned<String>>,
    /// network survey: how often they work together (`freq_{service}` for one column per service).
    frequency_column: Option<Spanned<String>>,
    /// network survey: the frequency answers in order, scored 1, 2, 3 …
    frequency: Option<Spanned<Vec<String>>>,
    /// network survey: a select_multiple of partners on the respondents' sheet instead of a repeat.
    partners_column: Option<Spanned<String>>,
}

/// `[sources.columns]` of a segments source: the long table's column names.
#[derive(Debug, Default, Deserialize, DocumentedFieldsOpt, DocumentedOpt)]
#[serde(deny_unknown_fields)]
struct SegmentColumnsFile {
    /// The column of a segment's document (`document` when omitted).
    document: Option<String>,
    /// The column of the segment's number within its document (`segment` when omitted).
    segment: Option<String>,
    /// The column of the segment's text (`text` when omitted).
    text: Option<String>,
    /// The column of the code applied (`code` when omitted).
    code: Option<String>,
    /// The column of who applied it (`coder` when omitted).
    coder: Option<String>,
    /// The column of the segment's start (`start` when omitted).
    start: Option<String>,
    /// The column of the segment's end (`end` when omitted).
    end: Option<String>,
    /// The column of the coder's memo (`memo` when omitted).
    memo: Option<String>,
}

/// A file of coded focus-group segments with its document metadata and codebook.
#[derive(Debug, Clone)]
pub struct SegmentSource {
    pub name: String,
    pub path: PathBuf,
    pub sheet: Option<String>,
    pub metadata: Option<PathBuf>,
    pub codebook: Option<PathBuf>,
    pub columns: LongColumns,
}

/// A file of programme records (`kind = "records"`): one row per territory and wave, every
/// other column a number (care leavers taken in, tutors, conferences held, funds).
#[derive(Debug, Clone)]
pub struct RecordSource {
    pub name: String,
    pub path: PathBuf,
    pub sheet: Option<String>,
    /// The column naming each row's territory (at any level of the geography).
    pub territory_column: String,
    /// The column naming each row's wave (one of `[[waves]]`); none for records of one period.
    pub wave_column: Option<String>,
}

/// A log of programme sessions (`kind = "sessions"`): one row per session of a person (a
/// mentoring meeting), with its date and, optionally, its mentor, its minutes and the person's
/// date of entry into the programme.
#[derive(Debug, Clone)]
pub struct SessionSource {
    pub name: String,
    pub path: PathBuf,
    pub sheet: Option<String>,
    /// The person's id, as the survey's `id_column` writes it (linked under the study's key).
    pub person_column: String,
    pub date_column: String,
    pub mentor_column: Option<String>,
    pub minutes_column: Option<String>,
    pub entry_column: Option<String>,
}

/// A network of services (`kind = "network"`): an edge list (who refers to, consults or works
/// with whom) or a survey of professionals, and the registry of the services it names.
#[derive(Debug, Clone)]
pub struct NetworkSource {
    pub name: String,
    pub path: PathBuf,
    /// The sheet of the edge list, or the respondents' sheet of a survey.
    pub sheet: Option<String>,
    /// The services registry: id, name, type, territory, sector (and optionally aliases).
    pub registry: PathBuf,
    pub layout: NetworkLayout,
    /// Each tie's wave (one of `[[waves]]`), for a network observed in rounds: on the edge list,
    /// or on the respondents' sheet of a survey.
    pub wave_column: Option<String>,
}

/// How a network source's file gives the ties.
#[derive(Debug, Clone)]
pub enum NetworkLayout {
    /// One row per tie.
    EdgeList {
        from_column: String,
        to_column: String,
        weight_column: Option<String>,
        tie_column: Option<String>,
    },
    /// A survey of professionals: one row per respondent, who names their own service and the
    /// services they work with.
    Survey(NetworkSurvey),
}

/// The columns of a survey of professionals (`service_column` on a network source).
#[derive(Debug, Clone)]
pub struct NetworkSurvey {
    /// Each respondent's own service (a registry id or name).
    pub service_column: String,
    /// The row key the repeat's `parent_column` refers to (Kobo's `_index`).
    pub id_column: String,
    pub partners: NetworkPartners,
    /// The name written by hand when the partner is "other" (in the repeat's sheet, or on the
    /// respondents' sheet for a select_multiple).
    pub other_column: Option<String>,
    /// How often the respondent works with the partner: a column of the repeat, or a pattern
    /// with `{service}` (the registry id) for a select_multiple.
    pub frequency_column: Option<String>,
    /// The frequency answers in order: the first scores 1.
    pub frequency: Vec<String>,
}

/// Where a survey of professionals lists each respondent's partners.
#[derive(Debug, Clone)]
pub enum NetworkPartners {
    /// A repeat group: its sheet, one row per partner.
    Repeat {
        sheet: String,
        partner_column: String,
        parent_column: String,
    },
    /// A select_multiple on the respondents' sheet: registry ids separated by spaces.
    Multiple { partners_column: String },
}

/// Options for the report.
#[derive(Debug, Clone, Default, Deserialize, Serialize, DocumentedFieldsOpt, DocumentedOpt)]
#[serde(deny_unknown_fields)]
pub struct ReportOptions {
    /// Where the data comes from, printed under every chart and table (e.g. "Synthetic data").
    #[serde(default)]
    pub source_note: Option<Text>,
    /// Authors or organisation shown on the title page.
    #[serde(default)]
    pub authors: Option<String>,
    /// Who the study's respondents are, as a plural noun after a number ("Survey of 300 {…}"):
    /// `{ it = "care leaver", en = "care leavers" }`. Without it the reports say
    /// "respondents" / "rispondenti".
    #[serde(default)]
    pub population: Option<Text>,
    /// The same people in plain words for the easy-read summary ("{n} … answered"); the
    /// `population` when not given.
    #[serde(default)]
    pub population_easy: Option<Text>,
    /// What the study is about, after the population in the brief ("… on {about}").
    #[serde(default)]
    pub about: Option<Text>,
    /// Who funds the study, on the brief and the easy-read ("With the support of {funder}").
    #[serde(default)]
    pub funder: Option<Text>,
    /// Whom readers can write to, on the brief and the easy-read (an e-mail or a web address).
    #[serde(default)]
    pub contact: Option<String>,
    /// The date of the publication as it should be printed ("marzo 2026", "2026-03-15"). A
    /// report is not dated by the day it was run, so that reruns give the same bytes.
    #[serde(default)]
    pub date: Option<String>,
}

/// One data file and the instrument it answers.
#[derive(Debug, Clone, Serialize)]
pub struct Source {
    pub name: String,
    pub path: PathBuf,
    pub instrument: PathBuf,
    pub sheet: Option<String>,
    pub id_column: Option<String>,
    pub territory_column: Option<String>,
    /// A column of design weights: weighted means and percentages, with Kish's effective n.
    pub weight_column: Option<String>,
    /// The stratum of each row (with `weight_column`): design-based standard errors.
    pub strata_column: Option<String>,
    /// The primary sampling unit of each row (with `weight_column`).
    pub psu_column: Option<String>,
    /// The column telling each row's wave: a respondent may then answer once per wave.
    pub wave_column: Option<String>,
    /// The wave this file holds, when the source is one file per wave.
    pub wave: Option<String>,
}

/// The column names of a long table (the defaults, or as mapped in study.toml).
#[derive(Debug, Clone)]
pub struct LongColumns {
    pub document: String,
    pub segment: String,
    pub text: String,
    pub code: String,
    pub coder: String,
    pub start: String,
    pub end: String,
    pub memo: String,
}

impl Default for LongColumns {
    fn default() -> Self {
        LongColumns {
            document: "document".into(),
            segment: "segment".into(),
            text: "text".into(),
            code: "code".into(),
            coder: "coder".into(),
            start: "start".into(),
            end: "end".into(),
            memo: "memo".into(),
        }
    }
}

/// A resolved study: absolute paths, checked languages and territories.
#[derive(Debug, Clone)]
pub struct Study {
    pub dir: PathBuf,
    pub file: PathBuf,
    pub title: Text,
    pub subtitle: Option<Text>,
    pub languages: Vec<String>,
    pub default_language: String,
    /// The territories (Prato, Firenze, a region, an ambito) as a hierarchy of levels, with every
    /// spelling that means one.
    pub geography: crate::geography::Geography,
    /// The files territories were read from (`[[geography.files]]`): inputs of the run.
    pub geography_files: Vec<PathBuf>,
    /// The waves of data collection, in order (none for a study of one round).
    pub waves: Vec<Wave>,
    /// Every wave's id and labels, folded, and the wave they mean.
    wave_spellings: crate::text::Spellings,
    pub sources: Vec<Source>,
    /// Coded focus-group transcripts (`kind = "segments"`).
    pub segment_sources: Vec<SegmentSource>,
    /// Programme records (`kind = "records"`).
    pub record_sources: Vec<RecordSource>,
    /// Logs of programme sessions (`kind = "sessions"`).
    pub session_sources: Vec<SessionSource>,
    /// Networks of services (`kind = "network"`).
    pub network_sources: Vec<NetworkSource>,
    pub analyses: Vec<PathBuf>,
    pub report: ReportOptions,
    /// The minimum cell size k: counts below it, and figures resting on fewer people, are not
    /// published.
    pub min_cell: u64,
    /// The file holding the secret key of respondent pseudonyms (outside the data folders).
    pub key_file: Option<PathBuf>,
    /// Names taken out of quotes, document names, roles and every other text of the transcripts
    /// that is published.
    pub names: Vec<Redaction>,
    /// Whether coders are published by name (`[disclosure] name_coders = true`) or as `coder 1`,
    /// `coder 2`… (the default).
    pub name_coders: bool,
    /// Whether counts of missing answers are published or protected.
    pub nonresponse: Nonresponse,
    /// How the count tables are protected: suppression or the cell-key method.
    pub method: Method,
    /// What makes `check` fail (`[check]`).
    pub check: CheckOptions,
}

impl Study {
    /// Whether the missing answers to these items must be protected: the study protects
    /// non-response, or an item is asked only under a condition.
    pub fn protects_missing<'a>(
        &self,
        items: impl IntoIterator<Item = &'a crate::instrument::Item>,
    ) -> bool {
        self.nonresponse == Nonresponse::Protect || items.into_iter().any(|i| i.relevant.is_some())
    }
}

pub use crate::text::fold;

impl Study {
    /// Reads `study.toml` from `path` (the file, or the folder that holds it).
    pub fn load(path: &Path) -> Result<Study> {
        let file = if path.is_dir() {
            path.join("study.toml")
        } else {
            path.to_path_buf()
        };
        let text = std::fs::read_to_string(&file).map_err(|e| Error::io(&file, e))?;
        let parsed: StudyFile = toml::from_str(&text).map_err(|e| Error::toml(&file, &text, &e))?;
        let dir = file
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| PathBuf::from("."));
        let dir = if dir.as_os_str().is_empty() {
            PathBuf::from(".")
        } else {
            dir
        };

        let at =
            |spanned_start: usize, msg: String| Error::toml_at(&file, &text, spanned_start, msg);
        let existing = |s: &Spanned<String>, what: &str| -> Result<PathBuf> {
            let p = dir.join(s.get_ref());
            if p.is_file() {
                Ok(p)
            } else {
                Err(at(
                    s.span().start,
                    format!(
                        "{what} '{}' not found (looked for {})",
                        s.get_ref(),
                        p.display()
                    ),
                ))
            }
        };

        if parsed.languages.is_empty() {
            return Err(at(
                0,
                "`languages` must name at least one language, e.g. [\"it\", \"en\"]".into(),
            ));
        }
        let default_language = match &parsed.default_language {
            Some(l) if !parsed.languages.contains(l.get_ref()) => {
                return Err(at(
                    l.span().start,
                    format!(
                        "default_language '{}' is not one of languages ({})",
                        l.get_ref(),
                        parsed.languages.join(", ")
                    ),
                ))
            }
            Some(l) => l.get_ref().clone(),
            None => parsed.languages[0].clone(),
        };

        // Territories from files, each with the place in study.toml of the file that gave it.
        let mut from_files: Vec<(UnitRow, &UnitsFile)> = Vec::new();
        let mut geography_files = Vec::new();
        for f in &parsed.geography.files {
            let path = existing(&f.path, "the territories file")?;
            let shown = shown_in(&dir, &path);
            let rows = read_units(
                &path,
                &shown,
                f.parent_column.as_ref().map(|p| p.get_ref().as_str()),
            )?;
            let wanted = f.only.as_ref().map(|o| {
                o.get_ref()
                    .iter()
                    .map(|x| crate::text::fold(x))
                    .collect::<Vec<_>>()
            });
            let mut found = vec![false; wanted.as_ref().map_or(0, Vec::len)];
            for row in rows {
                if let Some(w) = &wanted {
                    let spellings: Vec<String> = std::iter::once(&row.name)
                        .chain(&row.aliases)
                        .chain(&row.code)
                        .map(|x| crate::text::fold(x))
                        .collect();
                    let hits: Vec<usize> = (0..w.len())
                        .filter(|&k| spellings.contains(&w[k]))
                        .collect();
                    if hits.is_empty() {
                        continue;
                    }
                    for k in hits {
                        found[k] = true;
                    }
                }
                from_files.push((row, f));
            }
            if let (Some(only), Some(k)) = (&f.only, found.iter().position(|x| !x)) {
                return Err(at(
                    only.span().start,
                    format!("'{}' is not a territory of {shown}", only.get_ref()[k]),
                ));
            }
            geography_files.push(path);
        }
        let written: Vec<crate::geography::Written> = parsed
            .territories
            .iter()
            .map(|t| crate::geography::Written {
                name: t.name.get_ref(),
                aliases: &t.aliases,
                level: t.level.as_ref().map(|l| l.get_ref().as_str()),
                parent: t.parent.as_ref().map(|p| p.get_ref().as_str()),
                code: t.code.as_deref(),
            })
            .chain(from_files.iter().map(|(row, f)| crate::geography::Written {
                name: &row.name,
                aliases: &row.aliases,
                level: Some(f.level.get_ref().as_str()),
                parent: row.parent.as_deref(),
                code: row.code.as_deref(),
            }))
            .collect();
        let levels = &parsed.geography.levels;
        let geography = crate::geography::Geography::build(
            levels.as_ref().map_or(&[], |l| l.get_ref()),
            &written,
        )
        .map_err(|(i, key, message)| {
            use crate::geography::Key;
            let written_here = parsed.territories.len();
            if let Some(i) = i.filter(|&i| i >= written_here) {
                let (row, f) = &from_files[i - written_here];
                let start = match key {
                    Key::Parent => f
                        .parent_column
                        .as_ref()
                        .map_or(f.path.span().start, |p| p.span().start),
                    Key::Level => f.level.span().start,
                    Key::Name => f.path.span().start,
                };
                return at(
                    start,
                    format!("{} (the territory '{}' of that file)", message, row.name),
                );
            }
            let start = match i.map(|i| &parsed.territories[i]) {
                None => levels.as_ref().map_or(0, |l| l.span().start),
                Some(t) => {
                    match key {
                        Key::Level => t.level.as_ref().map(|l| l.span()),
                        Key::Parent => t.parent.as_ref().map(|p| p.span()),
                        Key::Name => None,
                    }
                    .unwrap_or(t.name.span())
                    .start
                }
            };
            at(start, message)
        })?;

        // Each wave's id and labels, as a value of a wave column may spell it.
        let mut waves: Vec<Wave> = Vec::new();
        let mut wave_spellings = crate::text::Spellings::default();
        for w in &parsed.waves {
            let id = w.id.get_ref().trim().to_string();
            if id.is_empty() {
                return Err(at(w.id.span().start, "a wave needs an id".into()));
            }
            let labels = w.label.as_ref().map(Text::labels).unwrap_or_default();
            let spellings = std::iter::once(&id).chain(labels.values());
            for spelling in spellings {
                if let Err(other) = wave_spellings.add(spelling, waves.len()) {
                    return Err(at(
                        w.id.span().start,
                        format!(
                            "'{spelling}' names both wave '{}' and wave '{id}'",
                            waves[other].id
                        ),
                    ));
                }
            }
            waves.push(Wave {
                id,
                label: w.label.clone(),
                date: w.date.clone(),
            });
        }

        if parsed.sources.is_empty() {
            return Err(at(
                text.len(),
                "no [[sources]]: name at least one data file with its instrument".into(),
            ));
        }
        let mut sources = Vec::new();
        let mut segment_sources = Vec::new();
        let mut record_sources = Vec::new();
        let mut session_sources = Vec::new();
        let mut network_sources = Vec::new();
        for (i, s) in parsed.sources.iter().enumerate() {
            let name = s
                .name
                .as_ref()
                .map(|n| n.get_ref().clone())
                .unwrap_or_else(|| {
                    if i == 0 {
                        "main".to_string()
                    } else {
                        format!("source{}", i + 1)
                    }
                });
            let kind = s.kind.as_ref().map_or("survey", |k| k.get_ref().as_str());
            let only_segments = [
                ("metadata", s.metadata.as_ref().map(|x| x.span().start)),
                ("codebook", s.codebook.as_ref().map(|x| x.span().start)),
            ];
            if kind != "sessions" {
                let only_sessions = [
                    ("person_column", &s.person_column),
                    ("date_column", &s.date_column),
                    ("mentor_column", &s.mentor_column),
                    ("minutes_column", &s.minutes_column),
                    ("entry_column", &s.entry_column),
                ];
                for (key, value) in only_sessions {
                    if let Some(v) = value {
                        return Err(at(
                            v.span().start,
                            format!("`{key}` belongs to a source of kind \"sessions\" (a log of programme sessions)"),
                        ));
                    }
                }
            }
            if kind != "network" {
                let only_network = [
                    ("registry", &s.registry),
                    ("from_column", &s.from_column),
                    ("to_column", &s.to_column),
                    ("tie_column", &s.tie_column),
                    ("service_column", &s.service_column),
                    ("partners_sheet", &s.partners_sheet),
                    ("partner_column", &s.partner_column),
                    ("other_column", &s.other_column),
                    ("parent_column", &s.parent_column),
                    ("frequency_column", &s.frequency_column),
                    ("partners_column", &s.partners_column),
                ];
                for (key, value) in only_network {
                    if let Some(v) = value {
                        return Err(at(
                            v.span().start,
                            format!("`{key}` belongs to a source of kind \"network\" (a network of services: an edge list or a survey of professionals)"),
                        ));
                    }
                }
                if let Some(v) = &s.frequency {
                    return Err(at(
                        v.span().start,
                        "`frequency` belongs to a source of kind \"network\" (a survey of professionals)".into(),
                    ));
                }
            }
            match kind {
                "segments" => {
                    if let Some(w) = s.wave.as_ref().or(s.wave_column.as_ref()) {
                        return Err(at(
                            w.span().start,
                            "coded focus groups have no waves here: `wave` and `wave_column` belong to a survey source".into(),
                        ));
                    }
                    if let Some(i) = &s.instrument {
                        return Err(at(
                            i.span().start,
                            "a source of kind \"segments\" has no instrument (give its codebook = \"…\")".into(),
                        ));
                    }
                    let c = s.columns.as_ref();
                    let d = LongColumns::default();
                    let pick = |x: Option<&Option<String>>, default: String| {
                        x.and_then(Clone::clone).unwrap_or(default)
                    };
                    segment_sources.push(SegmentSource {
                        name,
                        path: existing(&s.path, "coded segments file")?,
                        sheet: s.sheet.clone(),
                        metadata: s
                            .metadata
                            .as_ref()
                            .map(|m| existing(m, "document metadata"))
                            .transpose()?,
                        codebook: s
                            .codebook
                            .as_ref()
                            .map(|m| existing(m, "codebook"))
                            .transpose()?,
                        columns: LongColumns {
                            document: pick(c.map(|c| &c.document), d.document),
                            segment: pick(c.map(|c| &c.segment), d.segment),
                            text: pick(c.map(|c| &c.text), d.text),
                            code: pick(c.map(|c| &c.code), d.code),
                            coder: pick(c.map(|c| &c.coder), d.coder),
                            start: pick(c.map(|c| &c.start), d.start),
                            end: pick(c.map(|c| &c.end), d.end),
                            memo: pick(c.map(|c| &c.memo), d.memo),
                        },
                    });
                    continue;
                }
                "records" => {
                    record_sources.push(records_source(s, name, &waves, &at, &existing)?);
                    continue;
                }
                "sessions" => {
                    session_sources.push(sessions_source(s, name, &at, &existing)?);
                    continue;
                }
                "network" => {
                    network_sources.push(network_source(s, name, &waves, &at, &existing)?);
                    continue;
                }
                "survey" => {}
                other => {
                    let start = s.kind.as_ref().map_or(0, |k| k.span().start);
                    return Err(at(
                        start,
                        format!("kind = \"{other}\": a source is \"survey\" (the default), \"segments\", \"records\", \"sessions\" or \"network\""),
                    ));
                }
            }
            if s.columns.is_some() {
                return Err(at(
                    s.path.span().start,
                    "[sources.columns] belongs to a source of kind \"segments\" (the column names of a coding export)".into(),
                ));
            }
            for (what, start) in only_segments {
                if let Some(start) = start {
                    return Err(at(
                        start,
                        format!("`{what}` belongs to a source of kind \"segments\""),
                    ));
                }
            }
            let Some(instrument) = &s.instrument else {
                return Err(at(
                    s.path.span().start,
                    "this source names no instrument = \"…\" (the questionnaire it answers)".into(),
                ));
            };
            let wave = match &s.wave {
                Some(w) if waves.is_empty() => {
                    return Err(at(
                        w.span().start,
                        "wave names the wave this file holds: declare the waves first ([[waves]] with id, label and date)".into(),
                    ))
                }
                Some(w) => {
                    let Some(k) = wave_spellings.get(w.get_ref()) else {
                        return Err(at(
                            w.span().start,
                            format!(
                                "wave = '{}' is not one of [[waves]] ({})",
                                w.get_ref(),
                                waves
                                    .iter()
                                    .map(|x| x.id.as_str())
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            ),
                        ));
                    };
                    if let Some(c) = &s.wave_column {
                        return Err(at(
                            c.span().start,
                            "a source holds one wave (wave = …) or tells each row's wave (wave_column = …), not both".into(),
                        ));
                    }
                    Some(waves[k].id.clone())
                }
                None => None,
            };
            // The files of one source share its name, one per wave, with the same questionnaire
            // and columns.
            if let Some(first) = sources.iter().find(|x: &&Source| x.name == name) {
                let canonical =
                    |p: &Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
                let same = canonical(&first.instrument)
                    == canonical(&dir.join(instrument.get_ref()))
                    && first.id_column.as_deref()
                        == s.id_column.as_ref().map(|x| x.get_ref().as_str())
                    && first.territory_column == s.territory_column
                    && first.weight_column == s.weight_column
                    && first.strata_column.as_deref()
                        == s.strata_column.as_ref().map(|x| x.get_ref().as_str())
                    && first.psu_column.as_deref()
                        == s.psu_column.as_ref().map(|x| x.get_ref().as_str());
                let place = s
                    .name
                    .as_ref()
                    .map_or(s.path.span().start, |n| n.span().start);
                if first.wave.is_none() || wave.is_none() {
                    return Err(at(
                        place,
                        format!("the source name '{name}' is used twice (several files of one source each name their wave, wave = \"…\")"),
                    ));
                }
                if sources.iter().any(|x| x.name == name && x.wave == wave) {
                    return Err(at(
                        place,
                        format!(
                            "the source '{name}' has two files for the wave '{}'",
                            wave.as_deref().unwrap_or_default()
                        ),
                    ));
                }
                if !same {
                    return Err(at(
                        place,
                        format!("the files of the source '{name}' answer the same questionnaire with the same id, territory and weight columns (and strata and PSU columns)"),
                    ));
                }
            }
            // Strata and PSUs describe how the weighted sample was drawn: without weights they
            // would be ignored, so they are an error.
            for column in [&s.strata_column, &s.psu_column].into_iter().flatten() {
                if s.weight_column.is_none() {
                    return Err(at(
                        column.span().start,
                        "strata_column and psu_column describe the sampling design of weighted data: declare weight_column too".into(),
                    ));
                }
            }
            sources.push(Source {
                wave,
                name,
                path: existing(&s.path, "data file")?,
                instrument: existing(instrument, "instrument")?,
                sheet: s.sheet.clone(),
                id_column: s.id_column.as_ref().map(|x| x.get_ref().clone()),
                territory_column: s.territory_column.clone(),
                weight_column: s.weight_column.clone(),
                strata_column: s.strata_column.as_ref().map(|x| x.get_ref().clone()),
                psu_column: s.psu_column.as_ref().map(|x| x.get_ref().clone()),
                wave_column: match &s.wave_column {
                    Some(w) if parsed.waves.is_empty() => {
                        return Err(at(
                            w.span().start,
                            "wave_column names the column of each row's wave: declare the waves first ([[waves]] with id, label and date)".into(),
                        ))
                    }
                    w => w.as_ref().map(|w| w.get_ref().clone()),
                },
            });
        }
        let analyses = parsed
            .analyses
            .iter()
            .map(|a| existing(a, "analysis file"))
            .collect::<Result<Vec<_>>>()?;

        let min_cell = match &parsed.disclosure.min_cell {
            Some(k) if *k.get_ref() < LOWEST_MIN_CELL => {
                return Err(at(
                    k.span().start,
                    format!(
                        "min_cell = {} is below {LOWEST_MIN_CELL}, the smallest cell size the rules for statistical and research processing accept",
                        k.get_ref()
                    ),
                ))
            }
            Some(k) => *k.get_ref(),
            None => DEFAULT_MIN_CELL,
        };

        let key_file = match &parsed.disclosure.key_file {
            Some(k) => {
                let path = dir.join(k.get_ref());
                let inside = sources
                    .iter()
                    .filter_map(|s: &Source| s.path.parent())
                    .any(|data| path.starts_with(data));
                if inside {
                    return Err(at(
                        k.span().start,
                        format!(
                            "key_file '{}' is in a data folder: keep the pseudonym key apart from the data it protects",
                            k.get_ref()
                        ),
                    ));
                }
                Some(path)
            }
            None => None,
        };

        Ok(Study {
            names: parsed
                .disclosure
                .names
                .into_iter()
                .map(|n| match n {
                    NameFile::Plain(name) => Redaction {
                        name,
                        placeholder: "[name]".into(),
                    },
                    NameFile::WithRole { name, role } => Redaction {
                        name,
                        placeholder: format!("[{}]", role.trim()),
                    },
                })
                .filter(|r| !r.name.trim().is_empty())
                .collect(),
            name_coders: parsed.disclosure.name_coders,
            nonresponse: parsed.disclosure.nonresponse,
            method: parsed.disclosure.method,
            key_file,
            min_cell,
            dir,
            file,
            title: parsed.title,
            subtitle: parsed.subtitle,
            languages: parsed.languages,
            default_language,
            geography,
            geography_files,
            waves,
            wave_spellings,
            sources,
            segment_sources,
            record_sources,
            session_sources,
            network_sources,
            analyses,
            report: parsed.report,
            check: parsed.check,
        })
    }

    /// The territories, in the order of study.toml (every level).
    pub fn territories(&self) -> &[crate::geography::Unit] {
        &self.geography.units
    }

    /// The canonical territory name for a spelling found in the data (`"FIRENZE "` → `Firenze`).
    pub fn resolve_territory(&self, raw: &str) -> Option<&str> {
        let unit = self.geography.resolve(raw)?;
        Some(self.geography.units[unit].name.as_str())
    }

    /// The wave a value of a wave column means: its id, or its label in any language.
    pub fn resolve_wave(&self, raw: &str) -> Option<usize> {
        self.wave_spellings.get(raw)
    }

    /// How a file of the study is shown in messages and in what is published: its path relative
    /// to the study folder (`/`-separated) when it lies inside it, else its file name alone — so
    /// the output does not depend on how the study's path was written (`.`, `study/`, an absolute
    /// path, `study/study.toml`) and no folder outside the study is ever shown.
    pub fn display_path(&self, path: &Path) -> String {
        shown_in(&self.dir, path)
    }
}

/// Refuses the first key written that a source of `kind` does not take (`what`: what that kind
/// takes instead), at its place.
fn refuse_foreign(
    foreign: &[(&str, Option<usize>)],
    at: &dyn Fn(usize, String) -> Error,
    kind: &str,
    what: &str,
) -> Result<()> {
    match foreign
        .iter()
        .find_map(|(key, start)| Some((key, (*start)?)))
    {
        Some((key, start)) => Err(at(
            start,
            format!("`{key}` does not apply to a source of kind \"{kind}\" ({what})"),
        )),
        None => Ok(()),
    }
}

/// A `kind = "records"` source as written, checked: a territory column, a wave column only when
/// the study has waves, none of the keys of a survey or of coded segments.
fn records_source(
    s: &SourceFile,
    name: String,
    waves: &[Wave],
    at: &dyn Fn(usize, String) -> Error,
    existing: &dyn Fn(&Spanned<String>, &str) -> Result<PathBuf>,
) -> Result<RecordSource> {
    let foreign = [
        ("instrument", s.instrument.as_ref().map(|x| x.span().start)),
        ("metadata", s.metadata.as_ref().map(|x| x.span().start)),
        ("codebook", s.codebook.as_ref().map(|x| x.span().start)),
        ("wave", s.wave.as_ref().map(|x| x.span().start)),
    ];
    refuse_foreign(
        &foreign,
        at,
        "records",
        "a table of numbers per territory and wave_column",
    )?;
    if s.columns.is_some() || s.id_column.is_some() || s.weight_column.is_some() {
        return Err(at(
            s.path.span().start,
            "a source of kind \"records\" has a territory_column and a wave_column, no id, weight or [sources.columns]".into(),
        ));
    }
    let Some(territory_column) = s.territory_column.clone() else {
        return Err(at(
            s.path.span().start,
            "a source of kind \"records\" names its territory_column (the territory of each row)"
                .into(),
        ));
    };
    let wave_column = match &s.wave_column {
        Some(w) if waves.is_empty() => {
            return Err(at(
                w.span().start,
                "wave_column names the column of each row's wave: declare the waves first ([[waves]] with id, label and date)".into(),
            ))
        }
        w => w.as_ref().map(|w| w.get_ref().clone()),
    };
    Ok(RecordSource {
        name,
        path: existing(&s.path, "records file")?,
        sheet: s.sheet.clone(),
        territory_column,
        wave_column,
    })
}

/// A `kind = "sessions"` source as written, checked: a person and a date column, none of the
/// keys of a survey, of coded segments or of records.
fn sessions_source(
    s: &SourceFile,
    name: String,
    at: &dyn Fn(usize, String) -> Error,
    existing: &dyn Fn(&Spanned<String>, &str) -> Result<PathBuf>,
) -> Result<SessionSource> {
    let foreign = [
        ("instrument", s.instrument.as_ref().map(|x| x.span().start)),
        ("metadata", s.metadata.as_ref().map(|x| x.span().start)),
        ("codebook", s.codebook.as_ref().map(|x| x.span().start)),
        ("wave", s.wave.as_ref().map(|x| x.span().start)),
        (
            "wave_column",
            s.wave_column.as_ref().map(|x| x.span().start),
        ),
        (
            "strata_column",
            s.strata_column.as_ref().map(|x| x.span().start),
        ),
        ("psu_column", s.psu_column.as_ref().map(|x| x.span().start)),
    ];
    refuse_foreign(&foreign, at, "sessions", "a log of sessions: person_column, date_column, mentor_column, minutes_column, entry_column")?;
    if s.columns.is_some()
        || s.id_column.is_some()
        || s.weight_column.is_some()
        || s.territory_column.is_some()
    {
        return Err(at(
            s.path.span().start,
            "a source of kind \"sessions\" names its person_column and date_column (and optionally mentor_column, minutes_column, entry_column), no id, territory or weight column".into(),
        ));
    }
    let (Some(person), Some(date)) = (&s.person_column, &s.date_column) else {
        return Err(at(
            s.path.span().start,
            "a source of kind \"sessions\" names its person_column (the young person, as the survey's id) and its date_column (the session's date)".into(),
        ));
    };
    let column = |c: &Option<Spanned<String>>| c.as_ref().map(|c| c.get_ref().clone());
    Ok(SessionSource {
        name,
        path: existing(&s.path, "sessions file")?,
        sheet: s.sheet.clone(),
        person_column: person.get_ref().clone(),
        date_column: date.get_ref().clone(),
        mentor_column: column(&s.mentor_column),
        minutes_column: column(&s.minutes_column),
        entry_column: column(&s.entry_column),
    })
}

/// A `kind = "network"` source as written, checked: an edge list or a survey of professionals,
/// and its services registry; a wave column only when the study has waves; none of the keys of
/// the other kinds, nor of the other layout.
fn network_source(
    s: &SourceFile,
    name: String,
    waves: &[Wave],
    at: &dyn Fn(usize, String) -> Error,
    existing: &dyn Fn(&Spanned<String>, &str) -> Result<PathBuf>,
) -> Result<NetworkSource> {
    let start = |x: &Option<Spanned<String>>| x.as_ref().map(|x| x.span().start);
    let foreign = [
        ("instrument", start(&s.instrument)),
        ("metadata", start(&s.metadata)),
        ("codebook", start(&s.codebook)),
        ("wave", start(&s.wave)),
        ("strata_column", start(&s.strata_column)),
        ("psu_column", start(&s.psu_column)),
    ];
    refuse_foreign(&foreign, at, "network", "an edge list or a survey of professionals with its registry: registry, from_column, to_column, weight_column, tie_column, wave_column; or service_column with partners_sheet and partner_column, or partners_column")?;
    if s.columns.is_some() || s.territory_column.is_some() {
        return Err(at(
            s.path.span().start,
            "a source of kind \"network\" names its registry and its columns (from_column, to_column, and optionally weight_column, tie_column, wave_column; or service_column and the partners), no territory column: the registry gives each service its territory".into(),
        ));
    }
    let Some(registry) = &s.registry else {
        return Err(at(
            s.path.span().start,
            "a source of kind \"network\" names its services registry (registry = \"…\": id, name, type, territory, sector of each service)".into(),
        ));
    };
    let wave_column = match &s.wave_column {
        Some(w) if waves.is_empty() => {
            return Err(at(
                w.span().start,
                "wave_column names the column of each tie's wave: declare the waves first ([[waves]] with id, label and date)".into(),
            ))
        }
        w => w.as_ref().map(|w| w.get_ref().clone()),
    };
    let text = |c: &Option<Spanned<String>>| c.as_ref().map(|c| c.get_ref().clone());
    let layout = match &s.service_column {
        None => {
            let survey_keys = [
                ("id_column", start(&s.id_column)),
                ("partners_sheet", start(&s.partners_sheet)),
                ("partner_column", start(&s.partner_column)),
                ("other_column", start(&s.other_column)),
                ("parent_column", start(&s.parent_column)),
                ("frequency_column", start(&s.frequency_column)),
                ("frequency", s.frequency.as_ref().map(|x| x.span().start)),
                ("partners_column", start(&s.partners_column)),
            ];
            if let Some((key, start)) = survey_keys
                .iter()
                .find_map(|(key, start)| Some((key, (*start)?)))
            {
                return Err(at(
                    start,
                    format!("`{key}` belongs to the survey layout of a network source: write service_column (each respondent's service) to read a survey of professionals"),
                ));
            }
            NetworkLayout::EdgeList {
                from_column: text(&s.from_column).unwrap_or_else(|| "from".into()),
                to_column: text(&s.to_column).unwrap_or_else(|| "to".into()),
                weight_column: s.weight_column.clone(),
                tie_column: text(&s.tie_column),
            }
        }
        Some(service) => {
            let edge_keys = [
                ("from_column", start(&s.from_column)),
                ("to_column", start(&s.to_column)),
                ("tie_column", start(&s.tie_column)),
            ];
            if let Some((key, start)) = edge_keys
                .iter()
                .find_map(|(key, start)| Some((key, (*start)?)))
            {
                return Err(at(
                    start,
                    format!("`{key}` belongs to an edge list, and this network source is a survey of professionals (service_column): write one layout or the other"),
                ));
            }
            if s.weight_column.is_some() {
                return Err(at(
                    service.span().start,
                    "weight_column belongs to an edge list: in a survey of professionals the weight of a tie is its mean frequency (frequency_column and frequency)".into(),
                ));
            }
            let partners = match (&s.partners_sheet, &s.partners_column) {
                (Some(sheet), None) => {
                    let Some(partner) = &s.partner_column else {
                        return Err(at(
                            sheet.span().start,
                            "partners_sheet (the repeat's sheet) needs partner_column: the column of the service named on each of its rows".into(),
                        ));
                    };
                    NetworkPartners::Repeat {
                        sheet: sheet.get_ref().clone(),
                        partner_column: partner.get_ref().clone(),
                        parent_column: text(&s.parent_column)
                            .unwrap_or_else(|| "_parent_index".into()),
                    }
                }
                (None, Some(column)) => {
                    for (key, value) in [
                        ("partner_column", &s.partner_column),
                        ("parent_column", &s.parent_column),
                    ] {
                        if let Some(v) = value {
                            return Err(at(
                                v.span().start,
                                format!("`{key}` belongs to a repeat group (partners_sheet), and this survey lists the partners in a select_multiple (partners_column)"),
                            ));
                        }
                    }
                    NetworkPartners::Multiple {
                        partners_column: column.get_ref().clone(),
                    }
                }
                (Some(_), Some(column)) => {
                    return Err(at(
                        column.span().start,
                        "a survey of professionals lists the partners either in a repeat group (partners_sheet, partner_column) or in a select_multiple (partners_column), not both".into(),
                    ))
                }
                (None, None) => {
                    if let Some(p) = &s.partner_column {
                        return Err(at(
                            p.span().start,
                            "partner_column is a column of the repeat group's sheet: name it with partners_sheet".into(),
                        ));
                    }
                    return Err(at(
                        service.span().start,
                        "a survey of professionals names where each respondent's partners are: partners_sheet and partner_column (a repeat group), or partners_column (a select_multiple)".into(),
                    ))
                }
            };
            if let Some(f) = &s.frequency {
                if s.frequency_column.is_none() {
                    return Err(at(
                        f.span().start,
                        "frequency lists the answers of frequency_column: name that column too"
                            .into(),
                    ));
                }
                let mut seen = std::collections::HashSet::new();
                if let Some(dup) = f.get_ref().iter().find(|a| !seen.insert(fold(a))) {
                    return Err(at(
                        f.span().start,
                        format!("the frequency answer '{dup}' is listed twice"),
                    ));
                }
            }
            if let (Some(c), NetworkPartners::Multiple { .. }) = (&s.frequency_column, &partners) {
                if !c.get_ref().contains("{service}") {
                    return Err(at(
                        c.span().start,
                        "with a select_multiple (partners_column), frequency_column is a pattern of one column per service: write {service} where the registry id goes (\"freq_{service}\")".into(),
                    ));
                }
            }
            NetworkLayout::Survey(NetworkSurvey {
                service_column: service.get_ref().clone(),
                id_column: text(&s.id_column).unwrap_or_else(|| "_index".into()),
                partners,
                other_column: text(&s.other_column),
                frequency_column: text(&s.frequency_column),
                frequency: s
                    .frequency
                    .as_ref()
                    .map(|f| f.get_ref().clone())
                    .unwrap_or_default(),
            })
        }
    };
    Ok(NetworkSource {
        name,
        path: existing(
            &s.path,
            match layout {
                NetworkLayout::EdgeList { .. } => "edge list",
                NetworkLayout::Survey(_) => "survey of professionals",
            },
        )?,
        sheet: s.sheet.clone(),
        registry: existing(registry, "services registry")?,
        layout,
        wave_column,
    })
}

/// `path` as an absolute path, `.` and `..` resolved lexically (links are not followed).
pub fn absolute(path: &Path) -> PathBuf {
    use std::path::Component;
    let joined = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir()
            .unwrap_or_else(|_| PathBuf::from("/"))
            .join(path)
    };
    let mut out = PathBuf::new();
    for c in joined.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// `path` relative to the folder `root` (`/`-separated) when it lies inside it, else its file
/// name alone. Both are made absolute first, so the answer does not depend on how they are
/// written.
pub fn shown_in(root: &Path, path: &Path) -> String {
    let (root, full) = (absolute(root), absolute(path));
    match full.strip_prefix(&root) {
        Ok(rel) if !rel.as_os_str().is_empty() => rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/"),
        _ => full
            .file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned()),
    }
}

/// `path` relative to `base` when it lies inside it, else as given.
pub fn display_relative(base: &Path, path: &Path) -> String {
    path.strip_prefix(base)
        .unwrap_or(path)
        .display()
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fold_ignores_case_and_spaces() {
        assert_eq!(fold("  FIRENZE "), "firenze");
        assert_eq!(fold("San  Giovanni\tValdarno"), "san giovanni valdarno");
    }

    #[test]
    fn text_falls_back_to_english() {
        let t = Text::PerLanguage(BTreeMap::from([
            ("en".to_string(), "Title".to_string()),
            ("it".to_string(), "Titolo".to_string()),
        ]));
        assert_eq!(t.get("it"), "Titolo");
        assert_eq!(t.get("fr"), "Title");
    }
}
