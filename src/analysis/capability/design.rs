//! A capability specification resolved against the data: every indicator's column checked for
//! its cutoff (numbers for comparisons, choices for `deprived_in`, a select_multiple for
//! `deprived_contains`), the weights set (nested equal, explicit, or participatory from the
//! importance ratings), and the deprivation matrix of the respondents kept in the index.

use std::collections::BTreeSet;
use std::ops::Range;

use serde::Serialize;
use toml::Spanned;

use crate::error::Result;
use crate::instrument::Labels;
use crate::study::Text;

use super::super::SpecSet;
use super::spec::{
    check_sum, parse_comparison, share, DimensionSpec, Fraction, IndicatorSpec, Missing, OneOrMany,
    Rescaled, Rule, Weighting,
};

/// What the design needs to know of a column to check a cutoff on it.
#[derive(Debug, Clone, PartialEq)]
pub enum ColumnKind {
    /// Numbers: integers, decimals, Likert scores, scale scores.
    Numeric,
    /// One answer among named choices (`numeric` when the names are numbers, as on a Likert list).
    Choice { names: Vec<String>, numeric: bool },
    /// Several answers among named choices, space-separated.
    Multiple { names: Vec<String> },
    /// Free text: no cutoff applies.
    Text,
    /// Text of unknown type (a bare table without a questionnaire): choices, checked by value.
    Answers,
}

/// The values of a column: read from a study's checked data without a copy, or owned.
#[derive(Debug, Clone)]
pub enum Values<'a> {
    Numbers(Vec<Option<f64>>),
    Texts(Vec<Option<String>>),
    /// A checked numeric column (NaN: no answer).
    Stored(&'a [f64]),
    /// Scale scores.
    Scores(&'a [Option<f64>]),
    /// A checked text column.
    Borrowed(Vec<Option<&'a str>>),
}

/// A column found for an item name.
#[derive(Debug, Clone)]
pub struct Column<'a> {
    pub kind: ColumnKind,
    pub labels: Labels,
    pub values: Values<'a>,
}

/// What a capability analysis says, as parsed (the fields of its `[[analysis]]`).
pub struct Written<'a> {
    pub dimensions: &'a Spanned<Vec<DimensionSpec>>,
    pub k: Option<&'a Spanned<OneOrMany>>,
    pub k_range: Option<&'a Spanned<Vec<Fraction>>>,
    pub weights: Option<&'a Spanned<Weighting>>,
    pub missing: Option<&'a Spanned<Missing>>,
}

/// A dimension as resolved.
#[derive(Debug, Clone, Serialize)]
pub struct Dimension {
    pub id: String,
    pub labels: Labels,
    pub weight: f64,
    /// participatory weights: where they come from.
    pub importance: Option<Importance>,
}

/// The importance respondents gave a dimension.
#[derive(Debug, Clone, Serialize)]
pub struct Importance {
    pub item: String,
    pub mean: f64,
    /// Respondents (of those in the index) who rated it; hidden when the study protects missing
    /// answers and it would show how few did not.
    pub n: Option<usize>,
}

/// An indicator as resolved.
#[derive(Debug, Clone, Serialize)]
pub struct Indicator {
    pub id: String,
    pub item: String,
    /// Index of its dimension.
    pub dimension: usize,
    pub labels: Labels,
    pub attainment: Labels,
    /// The cutoff as a reader sees it.
    pub cutoff: String,
    /// The cutoff with its item, in words of each report language (`casa ≤ 2,5`, `activity:
    /// nessuna`), as the report's tables show it.
    pub cutoff_text: Labels,
    #[serde(skip)]
    pub rule: Rule,
    pub missing: Missing,
    pub weight: f64,
    /// Nested equal weight, for the comparison beside participatory weights.
    pub equal_weight: f64,
}

/// The resolved specification.
#[derive(Debug, Clone)]
pub struct Design {
    pub weighting: Weighting,
    pub dimensions: Vec<Dimension>,
    pub indicators: Vec<Indicator>,
    /// The cutoffs k, the first being the headline one.
    pub ks: Vec<f64>,
    /// The cutoffs of the robustness analysis, ascending (every k included).
    pub k_range: Vec<f64>,
    /// Written weights that summed to 1 only within rounding, divided by their sum.
    pub rescaled: Option<Rescaled>,
}

/// Respondents in the index and their deprivations.
#[derive(Debug, Clone)]
pub struct Matrix {
    /// `deprived[j][r]`: whether the r-th respondent kept is deprived in indicator j.
    pub deprived: Vec<Vec<bool>>,
    /// The data row of each respondent kept.
    pub rows: Vec<usize>,
    /// Respondents left out because an indicator with `missing = "exclude"` had no answer.
    pub excluded: usize,
    /// Respondents left out, per indicator whose answer was missing.
    pub excluded_by: Vec<usize>,
    /// The data rows of those left out, and `left_out[j][x]`: whether the x-th of them is
    /// deprived in indicator j (none: no answer). A table of the answers beside the index's
    /// counts gives these by subtraction, so disclosure control must see them (left empty for an
    /// indicator read from a scale score, which no table counts).
    pub left_out_rows: Vec<usize>,
    pub left_out: Vec<Vec<Option<bool>>>,
}

/// The default robustness range: 10% to 90% in steps of 10%.
const DEFAULT_RANGE: [f64; 9] = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9];

fn labels_of(text: Option<&Text>) -> Option<Labels> {
    text.map(Text::labels)
}

fn span_of<T>(x: &Option<Spanned<T>>) -> Option<Range<usize>> {
    x.as_ref().map(Spanned::span)
}

/// Resolves `w` with `column` giving each named item's column (`None` for an unknown name) and
/// `unknown` the message for an unknown name.
pub fn resolve<'a>(
    set: &SpecSet,
    w: &Written,
    column: &dyn Fn(&str) -> Option<Column<'a>>,
    unknown: &dyn Fn(&str) -> String,
) -> Result<(Design, Vec<Values<'a>>)> {
    let dims = w.dimensions.get_ref();
    if dims.is_empty() {
        return Err(set.error_span(
            w.dimensions.span(),
            "a capability analysis needs at least one dimension",
        ));
    }
    let weighting = resolve_weighting(set, w, dims)?;
    let default_missing = w.missing.map(|m| *m.get_ref()).unwrap_or_default();
    let mut dimensions = Vec::new();
    let mut indicators = Vec::new();
    let mut values = Vec::new();
    let (mut seen_dims, mut seen) = (BTreeSet::new(), BTreeSet::new());
    for (d, dim) in dims.iter().enumerate() {
        if !seen_dims.insert(dim.id.get_ref().clone()) {
            return Err(set.error_at(
                &dim.id,
                format!("the dimension id '{}' is used twice", dim.id.get_ref()),
            ));
        }
        if dim.indicators.is_empty() {
            return Err(set.error_at(
                &dim.id,
                format!("the dimension '{}' has no indicators", dim.id.get_ref()),
            ));
        }
        let mut first_labels = None;
        for ind in &dim.indicators {
            let id = ind.id.as_ref().unwrap_or(&ind.item);
            if !seen.insert(id.get_ref().clone()) {
                return Err(set.error_at(
                    id,
                    format!(
                        "the indicator id '{}' is used twice (give one of them an `id`)",
                        id.get_ref()
                    ),
                ));
            }
            let col = column(ind.item.get_ref())
                .ok_or_else(|| set.error_at(&ind.item, unknown(ind.item.get_ref())))?;
            let rule = rule_of(set, ind, &col)?;
            first_labels.get_or_insert_with(|| col.labels.clone());
            indicators.push(Indicator {
                id: id.get_ref().clone(),
                item: ind.item.get_ref().clone(),
                dimension: d,
                labels: labels_of(ind.label.as_ref()).unwrap_or_else(|| col.labels.clone()),
                attainment: labels_of(ind.attainment.as_ref()).unwrap_or_default(),
                cutoff: rule.describe(),
                cutoff_text: ["it", "en"]
                    .iter()
                    .map(|l| (l.to_string(), rule.describe_in(ind.item.get_ref(), l)))
                    .collect(),
                rule,
                missing: ind
                    .missing
                    .as_ref()
                    .map(|m| *m.get_ref())
                    .unwrap_or(default_missing),
                weight: 0.0,
                equal_weight: 1.0 / dims.len() as f64 / dim.indicators.len() as f64,
            });
            values.push(col.values);
        }
        // A dimension named like a scale takes the scale's labels when it has none.
        let labels = labels_of(dim.label.as_ref())
            .or_else(|| column(dim.id.get_ref()).map(|c| c.labels))
            .or(first_labels)
            .unwrap_or_default();
        dimensions.push(Dimension {
            id: dim.id.get_ref().clone(),
            labels,
            weight: 1.0 / dims.len() as f64,
            importance: None,
        });
    }
    let rescaled = set_weights(set, weighting, dims, &mut dimensions, &mut indicators)?;
    let ks: Vec<f64> = match w.k {
        None => vec![1.0 / 3.0],
        Some(k) => {
            let list = match k.get_ref() {
                OneOrMany::One(f) => vec![f.clone()],
                OneOrMany::Many(v) => v.clone(),
            };
            if list.is_empty() {
                return Err(set.error_span(k.span(), "k needs at least one cutoff"));
            }
            list.iter()
                .map(|f| share(set, f, k.span(), "k"))
                .collect::<Result<_>>()?
        }
    };
    let mut k_range: Vec<f64> = match w.k_range {
        None => DEFAULT_RANGE.to_vec(),
        Some(r) => r
            .get_ref()
            .iter()
            .map(|f| share(set, f, r.span(), "every k of k_range"))
            .collect::<Result<_>>()?,
    };
    k_range.extend(&ks);
    k_range.sort_by(f64::total_cmp);
    k_range.dedup_by(|a, b| (*a - *b).abs() < 1e-12);
    Ok((
        Design {
            weighting,
            dimensions,
            indicators,
            ks,
            k_range,
            rescaled,
        },
        values,
    ))
}

fn resolve_weighting(set: &SpecSet, w: &Written, dims: &[DimensionSpec]) -> Result<Weighting> {
    let dim_weight = dims.iter().find_map(|d| span_of(&d.weight));
    let ind_weight = dims
        .iter()
        .flat_map(|d| &d.indicators)
        .find_map(|i| span_of(&i.weight));
    let written = dim_weight.clone().or(ind_weight.clone());
    match w.weights.map(|x| (*x.get_ref(), x.span())) {
        Some((Weighting::Participatory, _)) => {
            if let Some(at) = written {
                return Err(set.error_span(
                    at,
                    "with weights = \"participatory\" the weights come from the importance ratings: remove this weight",
                ));
            }
            if let Some(d) = dims.iter().find(|d| d.importance.is_none()) {
                return Err(set.error_at(
                    &d.id,
                    format!(
                        "with weights = \"participatory\" every dimension names the item where respondents rated its importance (importance = \"…\"); '{}' has none",
                        d.id.get_ref()
                    ),
                ));
            }
            Ok(Weighting::Participatory)
        }
        Some((Weighting::Equal, span)) if written.is_some() => Err(set.error_span(
            span,
            "weights = \"equal\" but weights are written below: remove them, or this line",
        )),
        Some((Weighting::Explicit, span)) if written.is_none() => Err(set.error_span(
            span,
            "weights = \"explicit\" but no dimension or indicator has a `weight`",
        )),
        _ => {
            if let Some(at) = dims.iter().find_map(|d| span_of(&d.importance)) {
                return Err(set.error_span(
                    at,
                    "`importance` is used by participatory weights: add weights = \"participatory\" to the analysis",
                ));
            }
            if let (Some(_), Some(at)) = (&dim_weight, &ind_weight) {
                return Err(set.error_span(
                    at.clone(),
                    "write weights either on the dimensions (indicators equal within) or on the indicators, not both",
                ));
            }
            Ok(if written.is_some() {
                Weighting::Explicit
            } else {
                Weighting::Equal
            })
        }
    }
}

fn set_weights(
    set: &SpecSet,
    weighting: Weighting,
    dims: &[DimensionSpec],
    dimensions: &mut [Dimension],
    indicators: &mut [Indicator],
) -> Result<Option<Rescaled>> {
    let on_indicators = dims
        .iter()
        .flat_map(|d| &d.indicators)
        .any(|i| i.weight.is_some());
    if weighting == Weighting::Explicit && on_indicators {
        let mut written = Vec::new();
        for i in dims.iter().flat_map(|d| &d.indicators) {
            let Some(w) = &i.weight else {
                return Err(set.error_at(
                    &i.item,
                    "some indicators have a `weight`: give every indicator one (they must sum to 1)",
                ));
            };
            written.push((w.get_ref(), w.span()));
        }
        let (values, rescaled) = check_sum(set, &written, "indicator weight")?;
        for (ind, v) in indicators.iter_mut().zip(values) {
            ind.weight = v;
        }
        for (d, dim) in dimensions.iter_mut().enumerate() {
            dim.weight = indicators
                .iter()
                .filter(|i| i.dimension == d)
                .map(|i| i.weight)
                .sum();
        }
        return Ok(rescaled);
    }
    let mut rescaled = None;
    if weighting == Weighting::Explicit {
        let mut written = Vec::new();
        for d in dims {
            let Some(w) = &d.weight else {
                return Err(set.error_at(
                    &d.id,
                    "some dimensions have a `weight`: give every dimension one (they must sum to 1)",
                ));
            };
            written.push((w.get_ref(), w.span()));
        }
        let (values, r) = check_sum(set, &written, "dimension weight")?;
        for (dim, v) in dimensions.iter_mut().zip(values) {
            dim.weight = v;
        }
        rescaled = r;
    }
    // Dimension weights (equal, explicit, or set later from importance) shared equally within.
    spread(dimensions, indicators);
    Ok(rescaled)
}

/// Shares each dimension's weight equally among its indicators.
pub fn spread(dimensions: &[Dimension], indicators: &mut [Indicator]) {
    for (d, dim) in dimensions.iter().enumerate() {
        let count = indicators
            .iter()
            .filter(|i| i.dimension == d)
            .count()
            .max(1);
        for i in indicators.iter_mut().filter(|i| i.dimension == d) {
            i.weight = dim.weight / count as f64;
        }
    }
}

fn rule_of(set: &SpecSet, ind: &IndicatorSpec, col: &Column) -> Result<Rule> {
    let item = ind.item.get_ref();
    let written = [
        span_of(&ind.deprived),
        span_of(&ind.deprived_in),
        span_of(&ind.deprived_contains),
    ];
    if written.iter().flatten().count() != 1 {
        let at = written
            .iter()
            .flatten()
            .nth(1)
            .cloned()
            .unwrap_or(ind.item.span());
        return Err(set.error_span(
            at,
            format!(
                "the indicator on '{item}' needs exactly one cutoff: deprived = \"<= 2\" (numbers and Likert scores), deprived_in = [\"…\"] (choices) or deprived_contains = \"…\" (several answers)"
            ),
        ));
    }
    if col.kind == ColumnKind::Text {
        return Err(set.error_at(
            &ind.item,
            format!(
                "'{item}' is a free-text question: a deprivation cutoff needs numbers or choices"
            ),
        ));
    }
    if let Some(c) = &ind.deprived {
        let numeric = matches!(
            col.kind,
            ColumnKind::Numeric | ColumnKind::Choice { numeric: true, .. }
        );
        if !numeric {
            return Err(set.error_at(
                c,
                format!("'{item}' holds named answers, not numbers: write deprived_in = [\"…\"] (or deprived_contains for several answers)"),
            ));
        }
        return parse_comparison(c.get_ref()).ok_or_else(|| {
            set.error_at(
                c,
                format!(
                    "'{}' is not a cutoff: write a comparison and a number, such as \"<= 2\", \"< 3\", \">= 4\" or \"= 1\"",
                    c.get_ref()
                ),
            )
        });
    }
    if let Some(list) = &ind.deprived_in {
        let names = match &col.kind {
            ColumnKind::Choice { names, .. } => Some(names),
            ColumnKind::Answers => None,
            ColumnKind::Numeric => {
                if let Some(v) = list
                    .get_ref()
                    .iter()
                    .find(|v| crate::text::parse_number(v.get_ref()).is_none())
                {
                    return Err(set.error_at(
                        v,
                        format!("'{item}' holds numbers: '{}' is not one", v.get_ref()),
                    ));
                }
                None
            }
            _ => {
                return Err(set.error_span(
                    list.span(),
                    format!("deprived_in needs a single-choice question; '{item}' is not one"),
                ))
            }
        };
        let mut out = Vec::new();
        for v in list.get_ref() {
            if let Some(names) = names {
                if !names.contains(v.get_ref()) {
                    return Err(set.error_at(
                        v,
                        format!(
                            "'{}' is not a choice of '{item}' (choices: {})",
                            v.get_ref(),
                            names.join(", ")
                        ),
                    ));
                }
            }
            out.push(v.get_ref().clone());
        }
        if out.is_empty() {
            return Err(set.error_span(list.span(), "deprived_in lists no answer"));
        }
        return Ok(Rule::In(out));
    }
    let Some(c) = &ind.deprived_contains else {
        return Err(set.error_at(&ind.item, "this indicator has no cutoff"));
    };
    match &col.kind {
        ColumnKind::Multiple { names } if !names.contains(c.get_ref()) => Err(set.error_at(
            c,
            format!(
                "'{}' is not a choice of '{item}' (choices: {})",
                c.get_ref(),
                names.join(", ")
            ),
        )),
        ColumnKind::Multiple { .. } | ColumnKind::Answers => Ok(Rule::Contains(c.get_ref().clone())),
        _ => Err(set.error_at(
            c,
            format!("deprived_contains needs a question with several answers (select_multiple); '{item}' is not one"),
        )),
    }
}

/// Whether each row is deprived in an indicator (`None` where the answer is missing).
pub fn deprivations(rule: &Rule, values: &Values) -> Vec<Option<bool>> {
    let text = |x: Option<&str>| x.filter(|s| !s.trim().is_empty()).map(|s| rule.text(s));
    match values {
        Values::Numbers(v) => v.iter().map(|x| x.map(|x| rule.number(x))).collect(),
        Values::Scores(v) => v.iter().map(|x| x.map(|x| rule.number(x))).collect(),
        Values::Stored(v) => v
            .iter()
            .map(|&x| (!x.is_nan()).then(|| rule.number(x)))
            .collect(),
        Values::Texts(v) => v.iter().map(|x| text(x.as_deref())).collect(),
        Values::Borrowed(v) => v.iter().map(|&x| text(x)).collect(),
    }
}

/// The deprivation matrix of the respondents kept: missing answers count as the indicator says,
/// and respondents with a missing answer where it says `exclude` are left out.
pub fn matrix(design: &Design, values: &[Values<'_>], height: usize) -> Matrix {
    let columns: Vec<Vec<Option<bool>>> = design
        .indicators
        .iter()
        .zip(values)
        .map(|(ind, v)| deprivations(&ind.rule, v))
        .collect();
    let mut excluded_by = vec![0usize; columns.len()];
    let mut rows = Vec::new();
    let mut left_out_rows = Vec::new();
    for r in 0..height {
        let mut keep = true;
        for (j, (c, ind)) in columns.iter().zip(&design.indicators).enumerate() {
            if c.get(r).copied().flatten().is_none() && ind.missing == Missing::Exclude {
                excluded_by[j] += 1;
                keep = false;
            }
        }
        if keep {
            rows.push(r);
        } else {
            left_out_rows.push(r);
        }
    }
    let left_out = columns
        .iter()
        .map(|c| {
            left_out_rows
                .iter()
                .map(|&r| c.get(r).copied().flatten())
                .collect()
        })
        .collect();
    let deprived = columns
        .iter()
        .zip(&design.indicators)
        .map(|(c, ind)| {
            rows.iter()
                .map(|&r| match c.get(r).copied().flatten() {
                    Some(d) => d,
                    None => ind.missing == Missing::Deprived,
                })
                .collect()
        })
        .collect();
    Matrix {
        deprived,
        excluded: height - rows.len(),
        rows,
        excluded_by,
        left_out_rows,
        left_out,
    }
}

/// Sets participatory weights: each dimension's weight is the mean importance its item received
/// from the respondents kept, over the sum of those means; indicators share it equally.
pub fn participatory(
    set: &SpecSet,
    dims: &[DimensionSpec],
    design: &mut Design,
    kept: &[usize],
    ratings: &dyn Fn(&str) -> Option<Vec<Option<f64>>>,
) -> Result<()> {
    let mut means = Vec::new();
    for (spec, dim) in dims.iter().zip(design.dimensions.iter_mut()) {
        let Some(item) = &spec.importance else {
            continue;
        };
        let values = ratings(item.get_ref()).ok_or_else(|| {
            set.error_at(
                item,
                format!(
                    "'{}' is not a question answered with a number or a rating scale, so it cannot give an importance",
                    item.get_ref()
                ),
            )
        })?;
        let given: Vec<f64> = kept
            .iter()
            .filter_map(|&r| values.get(r).copied().flatten())
            .collect();
        let mean = crate::stats::mean(&given)
            .filter(|m| *m > 0.0)
            .ok_or_else(|| {
                set.error_at(
                    item,
                    format!("nobody in the index rated '{}' above 0", item.get_ref()),
                )
            })?;
        means.push(mean);
        dim.importance = Some(Importance {
            item: item.get_ref().clone(),
            mean,
            n: Some(given.len()),
        });
    }
    let total: f64 = means.iter().sum();
    for (dim, m) in design.dimensions.iter_mut().zip(means) {
        dim.weight = m / total;
    }
    spread(&design.dimensions, &mut design.indicators);
    Ok(())
}
