//! How an indicators analysis runs from its specification, what it publishes and how it appears.

use serde::Deserialize;
use toml::Spanned;

use crate::error::{Error, Result};
use crate::publication::{NumFormat, Cell, Figure, HiddenDistribution, KeyFinding, Measure, Statistic, Table};

use super::super::kind::{AnalysisKind, Check, Findings, Input, Methods, View};
use super::super::methods::note;
use super::super::Entry;
use super::{Direction, IndicatorsResult, Resolved, Status, Thresholds, Unit, DEFAULT_THRESHOLDS};

crate::parameters! {
    /// An indicators analysis's parameters.
    pub struct Params {
        /// The indicators (`[[analysis.indicators]]`).
        pub indicators: Option<Spanned<Vec<IndicatorSpec>>>,
        /// The progress thresholds: `{ on_track = 0.9, at_risk = 0.7 }` unless set.
        pub status: Option<Spanned<ThresholdsSpec>>,
        /// The columns of the records that count people (protected like survey counts).
        pub people: Option<Spanned<Vec<Spanned<String>>>>,
    }
}

/// `status = { on_track = …, at_risk = … }`.
#[derive(Debug, Clone, Deserialize, documented::DocumentedFieldsOpt, documented::DocumentedOpt)]
#[serde(deny_unknown_fields)]
pub struct ThresholdsSpec {
    /// Progress (share of the way from baseline to target) from which an indicator is on track
    /// (0.9).
    #[serde(default)]
    pub on_track: Option<Spanned<f64>>,
    /// Progress from which an indicator is at risk, below on track (0.7); below it, off track.
    #[serde(default)]
    pub at_risk: Option<Spanned<f64>>,
}

/// One `[[analysis.indicators]]`.
#[derive(Debug, Clone, Deserialize, documented::DocumentedFieldsOpt, documented::DocumentedOpt)]
#[serde(deny_unknown_fields)]
pub struct IndicatorSpec {
    /// The indicator's id, unique in the analysis.
    pub id: Spanned<String>,
    /// The indicator's name in the reports, in one language or per language.
    #[serde(default)]
    pub label: Option<crate::study::Text>,
    /// The records' column summed as the numerator.
    pub numerator: Spanned<String>,
    /// The records' column summed as the denominator (none for a count or a total).
    #[serde(default)]
    pub denominator: Option<Spanned<String>>,
    /// What the value is: percent, ratio, count or euro.
    pub unit: Spanned<Unit>,
    /// The value at the start, from which progress is measured (without it, value ÷ target).
    #[serde(default)]
    pub baseline: Option<Spanned<f64>>,
    /// The value to reach.
    pub target: Spanned<f64>,
    /// Which way the indicator should move (`increase` when omitted).
    #[serde(default)]
    pub direction: Option<Spanned<Direction>>,
    /// Its numerator and denominator count people.
    #[serde(default)]
    pub people: Option<bool>,
}

/// Why an indicators analysis without indicators cannot run.
const NEEDS_INDICATORS: &str = "an indicators analysis needs its indicators ([[analysis.indicators]] with id, numerator, unit and target)";

/// The thresholds written, checked: 0 < at_risk < on_track.
fn thresholds(c: &Check, p: &Params) -> Result<Thresholds> {
    let Some(s) = &p.status else {
        return Ok(DEFAULT_THRESHOLDS);
    };
    let w = s.get_ref();
    let t = Thresholds {
        on_track: w.on_track.as_ref().map_or(DEFAULT_THRESHOLDS.on_track, |x| *x.get_ref()),
        at_risk: w.at_risk.as_ref().map_or(DEFAULT_THRESHOLDS.at_risk, |x| *x.get_ref()),
    };
    let span = w
        .at_risk
        .as_ref()
        .or(w.on_track.as_ref())
        .map_or(s.span(), |x| x.span());
    if !(t.at_risk.is_finite() && t.on_track.is_finite() && 0.0 < t.at_risk && t.at_risk < t.on_track) {
        return Err(c.set.error_span(
            span,
            format!(
                "status thresholds are shares of the way to the target with 0 < at_risk < on_track (here at_risk = {}, on_track = {})",
                t.at_risk, t.on_track
            ),
        ));
    }
    Ok(t)
}

/// Checks one indicator as written: its unit and denominator, its target and baseline.
fn check_indicator(c: &Check, i: &IndicatorSpec) -> Result<()> {
    let set = c.set;
    let unit = *i.unit.get_ref();
    match (unit, &i.denominator) {
        (Unit::Percent | Unit::Ratio, None) => {
            return Err(set.error_span(
                i.unit.span(),
                format!(
                    "indicator '{}': a {} needs a denominator = \"…\" (a column of the records)",
                    i.id.get_ref(),
                    if unit == Unit::Percent { "percent" } else { "ratio" }
                ),
            ))
        }
        (Unit::Count, Some(d)) => {
            return Err(set.error_at(
                d,
                format!(
                    "indicator '{}': a count has no denominator (use unit = \"percent\" or \"ratio\")",
                    i.id.get_ref()
                ),
            ))
        }
        _ => {}
    }
    let target = *i.target.get_ref();
    let direction = i.direction.as_ref().map_or(Direction::Increase, |d| *d.get_ref());
    let bad = |span: std::ops::Range<usize>, message: String| -> Result<()> {
        Err(set.error_span(span, format!("indicator '{}': {message}", i.id.get_ref())))
    };
    if !target.is_finite() || target < 0.0 || (unit == Unit::Percent && target > 100.0) {
        return bad(
            i.target.span(),
            "the target is a number of the indicator's unit, not negative (a percent from 0 to 100)".into(),
        );
    }
    match &i.baseline {
        Some(b) => {
            let base = *b.get_ref();
            if !base.is_finite() || base < 0.0 || (unit == Unit::Percent && base > 100.0) {
                return bad(
                    b.span(),
                    "the baseline is a number of the indicator's unit, not negative (a percent from 0 to 100)".into(),
                );
            }
            let ok = match direction {
                Direction::Increase => target > base,
                Direction::Decrease => target < base,
            };
            if !ok {
                return bad(
                    i.target.span(),
                    format!(
                        "the target ({target}) must be {} the baseline ({base}) for direction = \"{}\"",
                        if direction == Direction::Increase { "above" } else { "below" },
                        if direction == Direction::Increase { "increase" } else { "decrease" }
                    ),
                );
            }
        }
        None if target <= 0.0 => {
            return bad(
                i.target.span(),
                "without a baseline, progress is value ÷ target: the target must be above 0 (or give a baseline)".into(),
            )
        }
        None => {}
    }
    Ok(())
}

/// The level an analysis reports: `by`, else the top level.
fn level_of(set: &crate::plan::SpecSet, spec: &crate::plan::Spec, g: &crate::geography::Geography) -> Result<usize> {
    match &spec.by {
        Some(by) => g.level(by.get_ref()).ok_or_else(|| {
            set.error_at(
                by,
                format!(
                    "by = '{}': an indicators analysis reports a level of the territories ({})",
                    by.get_ref(),
                    if g.levels.is_empty() { "the study has none".to_string() } else { g.levels.join(", ") }
                ),
            )
        }),
        None if g.levels.is_empty() => Err(set.error_at(
            &spec.id,
            "an indicators analysis reports territories: the study has none ([[territories]] or [[geography.files]])",
        )),
        None => Ok(0),
    }
}

impl AnalysisKind for IndicatorsResult {
    /// The indicators as written (ids, units, targets, baselines), the thresholds and the level.
    fn check(c: &Check) -> Result<()> {
        let p: Params = c.params()?;
        let Some(indicators) = &p.indicators else {
            return c.require(p.indicators.as_ref(), NEEDS_INDICATORS);
        };
        if indicators.get_ref().is_empty() {
            return Err(c.set.error_span(indicators.span(), NEEDS_INDICATORS));
        }
        let mut seen = std::collections::BTreeSet::new();
        for i in indicators.get_ref() {
            if !seen.insert(i.id.get_ref().as_str()) {
                return Err(c.set.error_at(
                    &i.id,
                    format!("the indicator id '{}' is used twice", i.id.get_ref()),
                ));
            }
            check_indicator(c, i)?;
        }
        thresholds(c, &p)?;
        level_of(c.set, c.spec, &c.plan.study.geography).map(|_| ())
    }

    fn run(input: &Input) -> Result<(String, Self)> {
        let (set, spec, plan) = (input.set, input.spec, input.plan);
        let study = &plan.study;
        let p: Params = input.params()?;
        let check = Check { plan, set, spec };
        let thresholds = thresholds(&check, &p)?;
        let by = level_of(set, spec, &study.geography)?;
        let indicators = p
            .indicators
            .as_ref()
            .ok_or_else(|| set.error_at(&spec.id, NEEDS_INDICATORS))?;
        let source = plan.records_of(spec).ok_or_else(|| {
            set.error_at(
                spec.source.as_ref().unwrap_or(&spec.id),
                "an indicators analysis needs a source of kind \"records\" in study.toml",
            )
        })?;
        let (mut records, found) = crate::check::records::check_records(study, source)?;
        if let Some(e) = found
            .items
            .iter()
            .find(|d| d.severity == crate::diagnostics::Severity::Error)
        {
            return Err(Error::input(e.location.clone(), e.message.to_string()));
        }
        let kept = match &spec.filter {
            Some(filter) => records_where(&mut records, filter, study, set)?,
            None => None,
        };
        let column = |name: &Spanned<String>| {
            records.column(name.get_ref()).ok_or_else(|| {
                set.error_at(
                    name,
                    format!(
                        "'{}' is not a column of {} (columns: {})",
                        name.get_ref(),
                        records.file,
                        records.columns.join(", ")
                    ),
                )
            })
        };
        // A record of a territory above the level reported cannot be split between the
        // territories it holds.
        if let Some(r) = records
            .rows
            .iter()
            .find(|r| study.geography.units[r.territory].level < by)
        {
            let unit = &study.geography.units[r.territory];
            return Err(set.error_at(
                spec.by.as_ref().unwrap_or(&spec.id),
                format!(
                    "{}, row {}: {} is a {} as a whole, which cannot be reported by {}",
                    records.file, r.row, unit.name, study.geography.levels[unit.level], study.geography.levels[by]
                ),
            ));
        }
        let mut people: Vec<usize> = Vec::new();
        for name in p.people.iter().flat_map(|x| x.get_ref()) {
            people.push(column(name)?);
        }
        let mut resolved = Vec::new();
        for i in indicators.get_ref() {
            let numerator = column(&i.numerator)?;
            let denominator = i.denominator.as_ref().map(column).transpose()?;
            if i.people == Some(true) {
                people.push(numerator);
                people.extend(denominator);
            }
            resolved.push(Resolved {
                id: i.id.get_ref().clone(),
                labels: i.label.as_ref().map(|l| l.labels()).unwrap_or_default(),
                numerator,
                denominator,
                unit: *i.unit.get_ref(),
                baseline: i.baseline.as_ref().map(|b| *b.get_ref()),
                target: *i.target.get_ref(),
                direction: i.direction.as_ref().map_or(Direction::Increase, |d| *d.get_ref()),
            });
        }
        people.sort_unstable();
        people.dedup();
        let result = super::compute(
            &records,
            &study.geography,
            &study.waves,
            &super::Design {
                by,
                indicators: &resolved,
                people: &people,
                thresholds,
                min_cell: study.min_cell,
                waves: kept.as_deref(),
            },
        );
        Ok((records.source.clone(), result))
    }

    /// Records are a source of their own: they hide no survey distribution.
    fn hidden(&self, _source: &str) -> Vec<HiddenDistribution> {
        Vec::new()
    }

    /// Nothing they publish is derived from a survey's answers.
    fn withhold(&mut self, _source: &str, _hidden: &[HiddenDistribution]) {}

    fn tables(&self, view: &View) -> Vec<Table> {
        let (id, lang) = (view.entry.id.as_str(), view.lang);
        let mut t = Table::new(
            id,
            &[
                "indicator", "label", "wave", "level", "group", "numerator", "denominator", "unit",
                "value", "baseline", "target", "direction", "percent_of_target", "status",
            ],
        )
        .format(5, NumFormat::Count)
        .format(6, NumFormat::Count);
        // The report shows the latest wave for the country and by territory, and every wave.
        let words = view.words;
        let at = self
            .latest
            .as_ref()
            .map(|w| format!(" · {} {w}", words.get("indicators_wave")))
            .unwrap_or_default();
        t.captions
            .push(format!("{}{at}", words.get("indicators_country_table")));
        t.captions
            .push(format!("{}{at}", words.get("indicators_groups_table")));
        if self.waves.len() > 1 {
            t.captions.push(words.get("indicators_waves_table"));
        }
        for i in &self.indicators {
            for r in &i.rows {
                let hidden_or = |x: Option<f64>, s: Option<crate::disclosure::Suppression>| {
                    if s.is_some() {
                        Cell::Hidden
                    } else {
                        Cell::number(x)
                    }
                };
                let value_hidden = r.status == Status::Hidden;
                t.rows.push(vec![
                    Cell::text(&i.id),
                    Cell::label(&i.labels, lang, &i.id),
                    r.wave.as_ref().map_or(Cell::Empty, Cell::text),
                    Cell::text(r.level.clone().unwrap_or_else(|| "total".into())),
                    Cell::group(r.group.as_deref()),
                    hidden_or(r.numerator, r.numerator_suppressed),
                    if i.denominator.is_some() {
                        hidden_or(r.denominator, r.denominator_suppressed)
                    } else {
                        Cell::Empty
                    },
                    Cell::text(unit_name(i.unit)),
                    if value_hidden { Cell::Hidden } else { Cell::number(r.value) },
                    Cell::number(i.baseline),
                    Cell::Number(i.target),
                    Cell::text(match i.direction {
                        Direction::Increase => "increase",
                        Direction::Decrease => "decrease",
                    }),
                    if value_hidden { Cell::Hidden } else { Cell::number(r.percent_of_target) },
                    Cell::text(status_name(r.status)),
                ]);
            }
        }
        vec![t]
    }

    /// Each indicator's value and status in every group of the latest wave.
    fn measures(&self, id: &str) -> Vec<Measure> {
        let mut out = Vec::new();
        for i in &self.indicators {
            for r in self.latest_rows(i) {
                for (statistic, value) in [
                    (Statistic::Value, r.value),
                    (Statistic::Status, r.status.code()),
                ] {
                    out.push(Measure {
                        analysis: id.to_string(),
                        subject: i.id.clone(),
                        labels: i.labels.clone(),
                        statistic,
                        group: r.group.clone(),
                        value,
                        p_adjusted: None,
                    });
                }
            }
        }
        out
    }

    fn methods(&self, _: &Entry, m: &mut Methods) {
        m.add(note("indicators", None, &["kusek2004"]));
    }

    fn figures(&self, _: &View) -> Result<Vec<Figure>> {
        Ok(Vec::new())
    }

    /// The indicators off track in the country as a whole, and how many groups of the level
    /// reported are off track on each.
    fn findings(&self, v: &View, out: &mut Findings) {
        let s = v.words;
        let label = |i: &super::Indicator| {
            crate::instrument::label_in(&i.labels, v.lang, "en", &i.id).to_string()
        };
        let national: Vec<String> = self
            .indicators
            .iter()
            .filter(|i| {
                self.latest_rows(i)
                    .any(|r| r.group.is_none() && r.status == Status::OffTrack)
            })
            .map(label)
            .collect();
        if !national.is_empty() {
            out.findings.push(KeyFinding {
                text: s
                    .get("kf_indicators_off_track")
                    .replace("{indicators}", &crate::format::join_words(&national, v.lang)),
                figure: None,
                rank: 2,
            });
        }
        let reported: Vec<&super::Group> = self
            .groups
            .iter()
            .filter(|g| g.level.as_deref() == Some(self.by.as_str()))
            .collect();
        let mut parts = Vec::new();
        for i in &self.indicators {
            let off = self
                .latest_rows(i)
                .filter(|r| r.level.as_deref() == Some(self.by.as_str()) && r.status == Status::OffTrack)
                .count();
            if off > 0 {
                parts.push(
                    s.get("kf_indicators_groups_part")
                        .replace("{indicator}", &label(i))
                        .replace("{n}", &off.to_string())
                        .replace("{of}", &reported.len().to_string()),
                );
            }
        }
        if !parts.is_empty() {
            out.findings.push(KeyFinding {
                text: s
                    .get("kf_indicators_groups")
                    .replace("{level}", &self.by)
                    .replace("{parts}", &parts.join("; ")),
                figure: None,
                rank: 2,
            });
        }
    }
}

/// A unit as written.
pub fn unit_name(u: Unit) -> &'static str {
    match u {
        Unit::Percent => "percent",
        Unit::Ratio => "ratio",
        Unit::Count => "count",
        Unit::Euro => "euro",
    }
}

/// A status as published.
pub fn status_name(s: Status) -> &'static str {
    match s {
        Status::OnTrack => "on_track",
        Status::AtRisk => "at_risk",
        Status::OffTrack => "off_track",
        Status::NotComputable => "not_computable",
        Status::Hidden => "hidden",
    }
}

/// Keeps the records `filter` names: each key `wave` or a level of the territories (a row is kept
/// when its territory lies within one of the units named), each value one or a list. The waves
/// named, when it names some.
fn records_where(
    records: &mut crate::check::records::Records,
    filter: &std::collections::BTreeMap<Spanned<String>, Spanned<crate::plan::analyses::OneOrList>>,
    study: &crate::study::Study,
    set: &crate::plan::SpecSet,
) -> Result<Option<Vec<usize>>> {
    let g = &study.geography;
    let mut kept_waves = None;
    for (key, values) in filter {
        let k = key.get_ref().as_str();
        let wanted = values.get_ref().values();
        if k == "wave" {
            let mut waves = Vec::new();
            for v in wanted {
                waves.push(study.resolve_wave(v).ok_or_else(|| {
                    set.error_span(
                        values.span(),
                        format!(
                            "'{v}' is not one of the study's waves ({})",
                            study.waves.iter().map(|w| w.id.as_str()).collect::<Vec<_>>().join(", ")
                        ),
                    )
                })?);
            }
            records.rows.retain(|r| r.wave.is_some_and(|w| waves.contains(&w)));
            kept_waves = Some(waves);
        } else if let Some(level) = g.level(k) {
            let mut units = Vec::new();
            for v in wanted {
                units.push(
                    g.resolve(v)
                        .filter(|&u| g.units[u].level == level)
                        .ok_or_else(|| {
                            set.error_span(values.span(), format!("'{v}' is not a {k} of the study"))
                        })?,
                );
            }
            records
                .rows
                .retain(|r| g.ancestor(r.territory, level).is_some_and(|a| units.contains(&a)));
        } else {
            return Err(set.error_at(
                key,
                format!(
                    "'{k}' is not something records can be selected by: wave, or a level of the territories ({})",
                    g.levels.join(", ")
                ),
            ));
        }
    }
    Ok(kept_waves)
}
