//! What a run publishes, typed: the tables (tables.xlsx's sheets, and what disclosure control
//! will act on), the numbers rules test, the charts and the brief's findings of each analysis.
//! Built by the analysis kinds from their results, read by the renderers and the rules.

use serde::Serialize;

use crate::text::{label_in, Labels};

/// One cell of a table.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Number(f64),
    /// Not published (disclosure control).
    Hidden,
    Empty,
}

impl Cell {
    /// A published number; one that is not published is hidden (the marked symbol).
    pub fn shown(x: Option<f64>) -> Cell {
        match x {
            Some(x) if x.is_finite() => Cell::Number(x),
            _ => Cell::Hidden,
        }
    }

    /// A published count; one that is not published is hidden.
    pub fn count(x: Option<usize>) -> Cell {
        Cell::shown(x.map(|x| x as f64))
    }

    /// A number that may not apply (a test not computed): empty then, not hidden.
    pub fn number(x: Option<f64>) -> Cell {
        match x {
            Some(x) if x.is_finite() => Cell::Number(x),
            _ => Cell::Empty,
        }
    }

    pub fn text(s: impl Into<String>) -> Cell {
        Cell::Text(s.into())
    }

    /// A label in `lang` as the questionnaire picks one ([`label_in`]), else `fallback` (a name).
    pub fn label(labels: &Labels, lang: &str, fallback: &str) -> Cell {
        match label_in(labels, lang, "en", fallback) {
            "" => Cell::Empty,
            s => Cell::Text(s.to_string()),
        }
    }

    /// A group's name, or "total" for the whole sample.
    pub fn group(g: Option<&str>) -> Cell {
        Cell::Text(g.unwrap_or("total").to_string())
    }
}

/// One table: a sheet of the workbook.
#[derive(Debug, Clone)]
pub struct Table {
    pub name: String,
    pub header: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

impl Table {
    pub fn new(name: impl Into<String>, header: &[&str]) -> Table {
        Table {
            name: name.into(),
            header: header.iter().map(|h| h.to_string()).collect(),
            rows: Vec::new(),
        }
    }
}

/// A chart and its texts.
#[derive(Debug, Clone, Serialize)]
pub struct Figure {
    pub id: String,
    /// What the chart is about (a scale's name, or the scores chart's name).
    pub label: String,
    pub file: String,
    pub title: String,
    pub subtitle: String,
    pub desc: String,
    /// Worth a line in the report's summary (the comparison of scores; Likert gaps of 15 points
    /// or more).
    pub headline: bool,
    #[serde(skip)]
    pub svg: String,
}

/// What a published number measures, as a recommendation rule tests it (a key of the report's
/// words: `rec_measure_<key>`).
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Statistic {
    /// Percent deprived and poor (capability).
    Censored,
    /// Percent deprived (capability).
    Uncensored,
    /// A scale's mean score.
    Mean,
    /// Percent agreeing with a Likert statement (top two answers).
    Agree,
    /// Percent of a group's coded units with a code (focus groups).
    Share,
    /// A gap between the two compared groups, adjusted p < 0.05.
    Gap,
    /// A programme indicator's value, in its unit (indicators).
    Value,
    /// A programme indicator's status: 2 on track, 1 at risk, 0 off track (indicators).
    Status,
    /// After − before on the same people (paired): in the variable's unit, points for a yes/no.
    Change,
    /// Ties (weights summed) from one type of service to another in a network (either way when
    /// undirected); subject `from → to`.
    TypeTies,
    /// The mean degree (ties in and out) of the services of a type in a network.
    MeanDegree,
    /// A network's density: ties present ÷ possible.
    Density,
}

impl Statistic {
    pub fn unit_is_percent(self) -> bool {
        matches!(
            self,
            Statistic::Censored | Statistic::Uncensored | Statistic::Agree | Statistic::Share
        )
    }
}

/// One published number: what a recommendation rule reads.
#[derive(Debug, Clone, PartialEq)]
pub struct Measure {
    /// The analysis that published it.
    pub analysis: String,
    /// The indicator, scale, item, variable or code it is about, and its labels.
    pub subject: String,
    pub labels: Labels,
    pub statistic: Statistic,
    /// The group (territory); `None` for the whole sample.
    pub group: Option<String>,
    /// `None` when it is not published (hidden to protect respondents, or not computed).
    pub value: Option<f64>,
    /// The p-value adjusted for multiple tests, for a comparison.
    pub p_adjusted: Option<f64>,
}

/// One finding of the brief, with the chart that shows it (a figure id) when there is one.
#[derive(Debug, Clone, Serialize)]
pub struct KeyFinding {
    pub text: String,
    pub figure: Option<String>,
    /// Where it comes in the brief: the capability index first, then the deprivations, the
    /// gaps between territories, the focus groups, the recommendations.
    #[serde(skip)]
    pub rank: u8,
}

/// One line of the easy-read summary: "7 in 10 can choose their studies".
#[derive(Debug, Clone, Serialize)]
pub struct InTen {
    pub in_ten: u64,
    pub text: String,
}

/// A distribution a run publishes with hidden cells: the answers to `variable` of the group
/// `group` of the grouping `by` (none: every respondent) in the source `source`. No other analysis
/// of the run may publish a number derived from it (its n, mean, SD, median or a test), which would
/// give the hidden cells back by arithmetic.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct HiddenDistribution {
    pub source: String,
    pub by: Option<String>,
    pub group: Option<String>,
    pub variable: String,
}
