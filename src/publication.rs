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

/// How a column of numbers shows in tables.xlsx (the cell keeps the full value; this is only its
/// number format). A column without one is read from its header ([`NumFormat::of_header`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NumFormat {
    /// Text, or numbers as Excel shows them.
    General,
    /// A count: `0`.
    Count,
    /// Percent points as results.json stores them (0–100): `0.0`.
    Points,
    /// A proportion (0–1: H, A, shares, contributions, weights): `0.0%`.
    Proportion,
    /// A p-value, or an index the report gives to three decimals (M0, a network's density):
    /// `0.000`.
    Thousandths,
    /// A statistic (a mean, a test statistic, an effect size): `0.00`.
    Hundredths,
}

impl NumFormat {
    /// The Excel number format.
    pub fn code(self) -> &'static str {
        match self {
            NumFormat::General => "General",
            NumFormat::Count => "0",
            NumFormat::Points => "0.0",
            NumFormat::Proportion => "0.0%",
            NumFormat::Thousandths => "0.000",
            NumFormat::Hundredths => "0.00",
        }
    }

    /// The format a column's header implies, by the names the tables use: counts (`n`, `count`,
    /// `units`…), percent points (`percent`), p-values (`p`, `p_adjusted`…), proportions (`H`,
    /// `A`, `contribution`, `share`, `weight`, `k`), three-decimal indices (`M0`, `density`);
    /// any other number is a statistic (`0.00`: means, test statistics, effect sizes, κ, α).
    pub fn of_header(header: &str) -> NumFormat {
        let h = header.trim().to_ascii_lowercase();
        let first = h.split([' ', '_']).next().unwrap_or("");
        let counts = [
            "n",
            "count",
            "units",
            "documents",
            "size",
            "missing",
            "deprived",
            "rank",
            "pairs",
            "ties",
            "degree",
            "wave",
            "row",
            "bytes",
            "rows",
        ];
        if h.contains("percent") || h.ends_with("pct") || h.ends_with('%') {
            NumFormat::Points
        } else if h.starts_with("rank_biserial") {
            NumFormat::Hundredths
        } else if first == "p" || h.ends_with("_p") || h.ends_with(" p") || h.starts_with("p_") {
            NumFormat::Thousandths
        } else if counts.contains(&first) || h.ends_with("_n") || h.starts_with("n_") {
            NumFormat::Count
        } else if [
            "h",
            "a",
            "k",
            "contribution",
            "share",
            "weight",
            "population",
        ]
        .contains(&first)
            || h.ends_with("share")
            || h.ends_with("weight")
        {
            NumFormat::Proportion
        } else if first.starts_with("m0") || first == "density" {
            NumFormat::Thousandths
        } else {
            NumFormat::Hundredths
        }
    }
}

/// One table: a sheet of the workbook.
#[derive(Debug, Clone)]
pub struct Table {
    pub name: String,
    /// The captions of the report's tables whose numbers it holds, in the report's language (the
    /// contents sheet lists them, each linked to this sheet); none for a sheet the report has no
    /// table for, which is listed by its `title`.
    pub captions: Vec<String>,
    /// What it holds, in the report's language, when no report table has it (empty: its name).
    pub title: String,
    pub header: Vec<String>,
    /// A number format per column, where the header does not imply the right one.
    pub formats: Vec<(usize, NumFormat)>,
    pub rows: Vec<Vec<Cell>>,
}

impl Table {
    pub fn new(name: impl Into<String>, header: &[&str]) -> Table {
        Table::with_header(name, header.iter().map(|h| h.to_string()).collect())
    }

    pub fn with_header(name: impl Into<String>, header: Vec<String>) -> Table {
        Table {
            name: name.into(),
            captions: Vec::new(),
            title: String::new(),
            header,
            formats: Vec::new(),
            rows: Vec::new(),
        }
    }

    /// The caption of a report table it holds (more may follow).
    pub fn caption(mut self, caption: impl Into<String>) -> Table {
        self.captions.push(caption.into());
        self
    }

    /// Its title when the report has no table for it.
    pub fn titled(mut self, title: impl Into<String>) -> Table {
        self.title = title.into();
        self
    }

    /// Column `col` shows as `format`, whatever its header.
    pub fn format(mut self, col: usize, format: NumFormat) -> Table {
        self.formats.push((col, format));
        self
    }

    /// The number format of column `col`.
    pub fn format_of(&self, col: usize) -> NumFormat {
        self.formats
            .iter()
            .rev()
            .find(|(c, _)| *c == col)
            .map(|(_, f)| *f)
            .or_else(|| self.header.get(col).map(|h| NumFormat::of_header(h)))
            .unwrap_or(NumFormat::General)
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

/// What an analysis's groups are, as the report's column header names them (the template
/// function `grouping(a)`): the waves, a level of the territories, the territories, or the
/// grouping question's label. `a`: the analysis as results.json holds it.
pub fn grouping_name(a: &serde_json::Value, words: &crate::words::Strings, lang: &str) -> String {
    let word = |k: &str| words.map().get(k).cloned();
    let territory = || word("territory").unwrap_or_else(|| "Territory".into());
    let Some(g) = a.get("grouping").filter(|g| !g.is_null()) else {
        return territory();
    };
    let attr = |k: &str| g.get(k).and_then(|v| v.as_str()).map(str::to_string);
    let by = attr("by").unwrap_or_default();
    match attr("kind").as_deref() {
        Some("wave") => word("group_wave").unwrap_or(by),
        Some("level") => {
            let level = attr("level").unwrap_or_default();
            word(&format!("level_one_{level}")).unwrap_or_else(|| {
                let mut c = level.chars();
                c.next()
                    .map(|f| f.to_uppercase().chain(c).collect())
                    .unwrap_or(by)
            })
        }
        Some("question") => {
            let labels: Labels = g
                .get("labels")
                .and_then(|l| serde_json::from_value(l.clone()).ok())
                .unwrap_or_default();
            label_in(&labels, lang, "en", &by).to_string()
        }
        Some("column") => by,
        _ => territory(),
    }
}

/// A group of an analysis by its label in `lang`, as the report names it (the template function
/// `group(a, name)`): from the analysis's own `group_labels`, else its grouping's, else the name.
pub fn group_name(a: &serde_json::Value, name: &str, lang: &str) -> String {
    let find = |at: &serde_json::Value| -> Option<String> {
        let k = at
            .get("groups")?
            .as_array()?
            .iter()
            .position(|n| n.as_str() == Some(name))?;
        let labels: Labels =
            serde_json::from_value(at.get("group_labels")?.get(k)?.clone()).ok()?;
        (!labels.is_empty()).then(|| label_in(&labels, lang, "en", name).to_string())
    };
    find(a)
        .or_else(|| find(a.get("grouping")?))
        .unwrap_or_else(|| name.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_header_says_its_number_format() {
        for (header, code) in [
            ("n", "0"),
            ("n Prato", "0"),
            ("count 1", "0"),
            ("units_with_code", "0"),
            ("rank_best", "0"),
            ("percent 3", "0.0"),
            ("agree_percent", "0.0"),
            ("attrition_pct", "0.0"),
            ("H", "0.0%"),
            ("A", "0.0%"),
            ("k", "0.0%"),
            ("contribution", "0.0%"),
            ("equal_weight", "0.0%"),
            ("p", "0.000"),
            ("p_adjusted", "0.000"),
            ("welch_p", "0.000"),
            ("M0", "0.000"),
            ("M0_ci95_low", "0.000"),
            ("alpha", "0.00"),
            ("density", "0.000"),
            ("mean Firenze", "0.00"),
            ("rank_biserial", "0.00"),
            ("cohen_d", "0.00"),
            ("z", "0.00"),
        ] {
            assert_eq!(NumFormat::of_header(header).code(), code, "{header}");
        }
        let t = Table::new("t", &["H", "se"]).format(1, NumFormat::Thousandths);
        assert_eq!(t.format_of(0), NumFormat::Proportion);
        assert_eq!(t.format_of(1), NumFormat::Thousandths);
        assert_eq!(t.format_of(2), NumFormat::General);
    }
}
