//! The specification of a capability index as a researcher writes it in `analyses/*.toml`:
//! dimensions, their indicators with a deprivation cutoff each (`deprived = "<= 2"`,
//! `deprived_in = [...]`, `deprived_contains = "..."`), how a missing answer counts, weights
//! (nested equal, explicit, or participatory from importance ratings) and the cutoffs k. Resolved
//! into a [`Design`] whose every problem is an error with the file, line and column.

use std::ops::Range;

use serde::Deserialize;
use toml::Spanned;

use crate::error::Result;
use crate::study::Text;

use crate::plan::SpecSet;

/// A number written as a decimal, a fraction (`"1/12"`) or a percentage (`"25%"`).
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum Fraction {
    Number(f64),
    Text(String),
}

/// One cutoff k, or several.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum OneOrMany {
    One(Fraction),
    Many(Vec<Fraction>),
}

/// How a missing answer to an indicator counts.
#[derive(Debug, Clone, Copy, Deserialize, serde::Serialize, PartialEq, Eq, Default, documented::DocumentedFieldsOpt, documented::DocumentedOpt)]
#[serde(rename_all = "snake_case")]
pub enum Missing {
    /// The respondent is left out of the index (and counted among those left out).
    #[default]
    Exclude,
    /// Counted as deprived in the indicator.
    Deprived,
    /// Counted as not deprived in the indicator.
    NotDeprived,
}

/// How the weights are set.
#[derive(Debug, Clone, Copy, Deserialize, serde::Serialize, PartialEq, Eq, documented::DocumentedFieldsOpt, documented::DocumentedOpt)]
#[serde(rename_all = "snake_case")]
pub enum Weighting {
    /// Dimensions equal, indicators equal within their dimension.
    Equal,
    /// Weights written in the specification.
    Explicit,
    /// Dimension weights proportional to the mean importance respondents gave each dimension.
    Participatory,
}

/// `[[analysis.dimensions]]`.
#[derive(Debug, Clone, Deserialize, documented::DocumentedFieldsOpt, documented::DocumentedOpt)]
#[serde(deny_unknown_fields)]
pub struct DimensionSpec {
    /// The dimension's id, unique in the analysis.
    pub id: Spanned<String>,
    /// The dimension's name in the reports, in one language or per language (`{ it = "Casa", en =
    /// "Housing" }`); the id when omitted.
    #[serde(default)]
    pub label: Option<Text>,
    /// explicit weights: the dimension's weight (a number, `"1/4"` or `"25%"`).
    #[serde(default)]
    pub weight: Option<Spanned<Fraction>>,
    /// participatory weights: the item where respondents rated this dimension's importance.
    #[serde(default)]
    pub importance: Option<Spanned<String>>,
    /// The dimension's indicators.
    pub indicators: Vec<IndicatorSpec>,
}

/// `[[analysis.dimensions.indicators]]`.
#[derive(Debug, Clone, Deserialize, documented::DocumentedFieldsOpt, documented::DocumentedOpt)]
#[serde(deny_unknown_fields)]
pub struct IndicatorSpec {
    /// The indicator's id (the item's name when omitted).
    #[serde(default)]
    pub id: Option<Spanned<String>>,
    /// An item of the instrument, or a scale (its score).
    pub item: Spanned<String>,
    /// A comparison on a number or Likert score: `"<= 2"`, `"< 3"`, `"= 1"`, `">= 4"`, `"!= 5"`.
    #[serde(default)]
    pub deprived: Option<Spanned<String>>,
    /// Answers (choice names) that mean deprived.
    #[serde(default)]
    pub deprived_in: Option<Spanned<Vec<Spanned<String>>>>,
    /// select_multiple: deprived when this choice is among the answers.
    #[serde(default)]
    pub deprived_contains: Option<Spanned<String>>,
    /// How a missing answer counts for this indicator (the analysis's `missing` when omitted).
    #[serde(default)]
    pub missing: Option<Spanned<Missing>>,
    /// explicit weights: the indicator's weight (a number, `"1/12"` or `"25%"`).
    #[serde(default)]
    pub weight: Option<Spanned<Fraction>>,
    /// What being deprived means, for policy readers ("no adult to count on").
    #[serde(default)]
    pub label: Option<Text>,
    /// What not being deprived means, for young readers ("have someone to turn to").
    #[serde(default)]
    pub attainment: Option<Text>,
}

/// A comparison operator of a cutoff.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Lt,
    Le,
    Eq,
    Ne,
    Ge,
    Gt,
}

impl Op {
    fn apply(self, x: f64, y: f64) -> bool {
        match self {
            Op::Lt => x < y,
            Op::Le => x <= y,
            Op::Eq => x == y,
            Op::Ne => x != y,
            Op::Ge => x >= y,
            Op::Gt => x > y,
        }
    }

    fn symbol(self) -> &'static str {
        match self {
            Op::Lt => "<",
            Op::Le => "≤",
            Op::Eq => "=",
            Op::Ne => "≠",
            Op::Ge => "≥",
            Op::Gt => ">",
        }
    }
}

/// A deprivation cutoff.
#[derive(Debug, Clone, PartialEq)]
pub enum Rule {
    Compare(Op, f64),
    In(Vec<String>),
    Contains(String),
}

impl Rule {
    /// The cutoff as a reader sees it: `≤ 2`, `in {nessuna, altro}`, `contains nessuno`.
    pub fn describe(&self) -> String {
        match self {
            Rule::Compare(op, v) => format!("{} {}", op.symbol(), crate::text::format_number(*v)),
            Rule::In(v) => format!("∈ {{{}}}", v.join(", ")),
            Rule::Contains(v) => format!("∋ {v}"),
        }
    }

    /// The cutoff on `item` in words of `lang`, numbers written as that language writes them:
    /// `casa ≤ 2,5`, `activity: nessuna`, `housing: comunita or altro`, `support: includes
    /// nessuno` (never set notation).
    pub fn describe_in(&self, item: &str, lang: &str) -> String {
        let it = lang == "it";
        match self {
            Rule::Compare(op, v) => {
                let shown = crate::text::format_number(*v);
                let decimals = shown.split_once('.').map_or(0, |(_, f)| f.len());
                format!("{item} {} {}", op.symbol(), crate::format::number(*v, decimals, lang))
            }
            Rule::In(v) => {
                let or = if it { " o " } else { " or " };
                let list = match v.as_slice() {
                    [rest @ .., last] if !rest.is_empty() => format!("{}{or}{last}", rest.join(", ")),
                    _ => v.join(""),
                };
                format!("{item}: {list}")
            }
            Rule::Contains(v) => format!("{item}: {} {v}", if it { "comprende" } else { "includes" }),
        }
    }

    /// Whether a number is deprived (comparisons, and `In` on numeric choice names).
    pub fn number(&self, x: f64) -> bool {
        match self {
            Rule::Compare(op, v) => op.apply(x, *v),
            Rule::In(v) => v.iter().any(|c| c.parse::<f64>().ok() == Some(x)),
            Rule::Contains(_) => false,
        }
    }

    /// Whether an answer given as text is deprived.
    pub fn text(&self, x: &str) -> bool {
        match self {
            Rule::Compare(..) => x.trim().parse::<f64>().is_ok_and(|v| self.number(v)),
            Rule::In(v) => v.iter().any(|c| c == x.trim()),
            Rule::Contains(c) => x.split_whitespace().any(|t| t == c),
        }
    }
}

/// Parses a comparison cutoff such as `<= 2`.
pub fn parse_comparison(s: &str) -> Option<Rule> {
    let s = s.trim();
    let ops: [(&str, Op); 9] = [
        ("<=", Op::Le),
        (">=", Op::Ge),
        ("!=", Op::Ne),
        ("==", Op::Eq),
        ("≤", Op::Le),
        ("≥", Op::Ge),
        ("<", Op::Lt),
        (">", Op::Gt),
        ("=", Op::Eq),
    ];
    let (rest, op) = ops
        .iter()
        .find_map(|(p, op)| s.strip_prefix(p).map(|r| (r, *op)))?;
    let v = crate::text::parse_number(rest.trim())?;
    v.is_finite().then_some(Rule::Compare(op, v))
}

/// An exact fraction when it can be written as one, for sums that must be exactly 1.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rational {
    num: i128,
    den: i128,
}

fn gcd(a: i128, b: i128) -> i128 {
    if b == 0 {
        a.abs()
    } else {
        gcd(b, a % b)
    }
}

impl Rational {
    fn new(num: i128, den: i128) -> Option<Rational> {
        if den == 0 {
            return None;
        }
        let g = gcd(num, den).max(1);
        let s = if den < 0 { -1 } else { 1 };
        Some(Rational {
            num: s * num / g,
            den: s * den / g,
        })
    }

    fn add(self, o: Rational) -> Option<Rational> {
        let num = self
            .num
            .checked_mul(o.den)?
            .checked_add(o.num.checked_mul(self.den)?)?;
        Rational::new(num, self.den.checked_mul(o.den)?)
    }

    /// A decimal such as `0.125` or `3`.
    fn decimal(s: &str) -> Option<Rational> {
        let s = s.trim();
        let (int, frac) = s.split_once('.').unwrap_or((s, ""));
        if frac.len() > 18 || !frac.chars().all(|c| c.is_ascii_digit()) {
            return None;
        }
        let digits: i128 = format!("{int}{frac}").parse().ok()?;
        Rational::new(digits, 10i128.checked_pow(frac.len() as u32)?)
    }

    pub fn value(self) -> f64 {
        self.num as f64 / self.den as f64
    }
}

impl Fraction {
    /// The value, exactly where it can be: `1/3`, `0.25`, `25%`, a TOML number.
    pub fn parse(&self) -> Option<(f64, Option<Rational>)> {
        let exact = match self {
            Fraction::Number(x) => {
                return x
                    .is_finite()
                    .then(|| (*x, Rational::decimal(&format!("{x}"))));
            }
            Fraction::Text(s) => {
                let s = s.trim();
                if let Some(p) = s.strip_suffix('%') {
                    Rational::decimal(p).and_then(|r| Rational::new(r.num, r.den.checked_mul(100)?))
                } else if let Some((a, b)) = s.split_once('/') {
                    let (a, b) = (Rational::decimal(a)?, Rational::decimal(b)?);
                    Rational::new(a.num.checked_mul(b.den)?, a.den.checked_mul(b.num)?)
                } else {
                    Rational::decimal(s)
                }
            }
        }?;
        Some((exact.value(), Some(exact)))
    }
}

/// A share in (0, 1] from a [`Fraction`], or an error placed at `span`.
pub fn share(set: &SpecSet, f: &Fraction, span: Range<usize>, what: &str) -> Result<f64> {
    share_exact(set, f, span, what).map(|x| x.0)
}

fn share_exact(
    set: &SpecSet,
    f: &Fraction,
    span: Range<usize>,
    what: &str,
) -> Result<(f64, Option<Rational>)> {
    match f.parse() {
        Some((v, r)) if v > 0.0 && v <= 1.0 + 1e-12 => Ok((v, r)),
        _ => Err(set.error_span(
            span,
            format!(
                "{what} must be a number above 0 and at most 1, written as a decimal (0.25), a fraction (\"1/4\") or a percentage (\"25%\")"
            ),
        )),
    }
}

/// How far from 1 the written weights may sum and still be read: national index specifications
/// publish weights rounded to a few decimals (six sixths written 0.1667 sum to 1.0002).
pub const ROUNDING: f64 = 0.001;

/// Weights that summed to 1 only within rounding ([`ROUNDING`]) and were divided by their sum.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Rescaled {
    /// Which weights: "dimension" or "indicator".
    pub weights: &'static str,
    /// Their sum as written.
    pub sum: f64,
    /// Where the first of them is written (`analyses/x.toml, line 12, column 10`).
    #[serde(skip)]
    pub place: String,
}

impl Rescaled {
    /// The note `check` prints: "…, line 12, column 10: the dimension weights given sum to
    /// 1.0004; they were divided by their sum".
    pub fn note(&self) -> String {
        format!(
            "{}: the {} weights given sum to {}; they were divided by their sum",
            self.place,
            self.weights,
            crate::text::format_number(self.sum)
        )
    }
}

/// Checks that `weights` (with where each is written) sum to 1: exactly where they are exact
/// fractions, within 1e-9 otherwise; within [`ROUNDING`] they are divided by their sum, and
/// said so. Beyond, an error at the first weight.
pub fn check_sum(
    set: &SpecSet,
    weights: &[(&Fraction, Range<usize>)],
    what: &'static str,
) -> Result<(Vec<f64>, Option<Rescaled>)> {
    let parsed = weights
        .iter()
        .map(|(f, span)| share_exact(set, f, span.clone(), what))
        .collect::<Result<Vec<_>>>()?;
    let at = weights.first().map(|w| w.1.clone()).unwrap_or(0..0);
    let place = |message: String| set.error_span(at.clone(), message);
    match sums_to_one(&parsed) {
        Ok(Summed { values, rescaled_from: None }) => Ok((values, None)),
        Ok(Summed { values, rescaled_from: Some(sum) }) => {
            // The place as an error would name it, without the message.
            let shown = place(String::new()).to_string();
            Ok((
                values,
                Some(Rescaled {
                    weights: what.trim_end_matches(" weight"),
                    sum,
                    place: shown.trim_end_matches(": ").to_string(),
                }),
            ))
        }
        Err(sum) => Err(place(format!(
            "the {what}s must sum to 1 (within {ROUNDING}, for rounded weights); they sum to {sum}"
        ))),
    }
}

/// Weights as they are used, and the sum they were divided by when they summed to 1 only within
/// rounding.
#[derive(Debug, Clone, PartialEq)]
pub struct Summed {
    pub values: Vec<f64>,
    pub rescaled_from: Option<f64>,
}

/// The values of parsed weights when they sum to 1 — exactly where every one is an exact
/// fraction, within 1e-9 otherwise — or, when they sum to 1 within [`ROUNDING`], divided by their
/// sum (which is given back); else their sum as a reader would write it.
pub fn sums_to_one(parsed: &[(f64, Option<Rational>)]) -> std::result::Result<Summed, String> {
    let mut exact = Rational::new(0, 1);
    for (_, r) in parsed {
        exact = match (exact, r) {
            (Some(a), Some(b)) => a.add(*b),
            _ => None,
        };
    }
    let sum: f64 = parsed.iter().map(|x| x.0).sum();
    let ok = match exact {
        Some(r) => r.num == r.den,
        None => (sum - 1.0).abs() < 1e-9,
    };
    let written = (sum * 1e9).round() / 1e9;
    if ok {
        Ok(Summed {
            values: parsed.iter().map(|x| x.0).collect(),
            rescaled_from: None,
        })
    } else if (sum - 1.0).abs() <= ROUNDING + 1e-12 {
        Ok(Summed {
            values: parsed.iter().map(|x| x.0 / sum).collect(),
            rescaled_from: Some(written),
        })
    } else {
        Err(crate::text::format_number(written))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fractions_decimals_and_percentages() {
        let f = |s: &str| Fraction::Text(s.into()).parse().map(|x| x.0);
        assert_eq!(f("1/4"), Some(0.25));
        assert_eq!(f("25%"), Some(0.25));
        assert_eq!(f("0.25"), Some(0.25));
        assert_eq!(f("1/0"), None);
        assert_eq!(f("a third"), None);
        assert!((f("1/3").unwrap() - 1.0 / 3.0).abs() < 1e-15);
        // Twelve twelfths and three thirds sum to exactly 1, although their floats do not.
        let twelfth = Fraction::Text("1/12".into()).parse().unwrap().1.unwrap();
        let mut s = Rational::new(0, 1).unwrap();
        for _ in 0..12 {
            s = s.add(twelfth).unwrap();
        }
        assert_eq!(s, Rational::new(1, 1).unwrap());
        // A TOML number 0.1 is the decimal 1/10.
        assert_eq!(
            Fraction::Number(0.1).parse().unwrap().1,
            Rational::new(1, 10)
        );
    }

    #[test]
    fn comparisons() {
        assert_eq!(parse_comparison("<= 2"), Some(Rule::Compare(Op::Le, 2.0)));
        assert_eq!(parse_comparison("≥4"), Some(Rule::Compare(Op::Ge, 4.0)));
        assert_eq!(parse_comparison("= 1,5"), Some(Rule::Compare(Op::Eq, 1.5)));
        assert_eq!(parse_comparison("2"), None);
        assert_eq!(parse_comparison("<= two"), None);
        let r = Rule::Contains("nessuno".into());
        assert!(r.text("amici nessuno"));
        assert!(!r.text("nessunoo"));
        assert!(Rule::In(vec!["1".into(), "2".into()]).number(2.0));
    }

    /// Rounded weights (six sixths written 0.1667, as national index specifications publish
    /// them) are divided by their sum; 0.001 away from 1 is the limit.
    #[test]
    fn weights_within_rounding_are_divided_by_their_sum() {
        let parse = |w: &[&str]| -> Vec<(f64, Option<Rational>)> {
            w.iter()
                .map(|s| Fraction::Text(s.to_string()).parse().unwrap())
                .collect()
        };
        let six = parse(&["0.1667"; 6]);
        let s = sums_to_one(&six).unwrap();
        assert_eq!(s.rescaled_from, Some(1.0002));
        for v in &s.values {
            assert!((v - 1.0 / 6.0).abs() < 1e-12);
        }
        assert!((s.values.iter().sum::<f64>() - 1.0).abs() < 1e-12);
        // Exactly 1: nothing said.
        let exact = sums_to_one(&parse(&["1/3", "1/3", "1/3"])).unwrap();
        assert_eq!(exact.rescaled_from, None);
        assert_eq!(exact.values, vec![1.0 / 3.0; 3]);
        // 1.0004 and 0.999 are within rounding; 1.0011 and 0.9985 are not.
        let r = sums_to_one(&parse(&["0.5004", "0.5"])).unwrap();
        assert_eq!(r.rescaled_from, Some(1.0004));
        assert!(sums_to_one(&parse(&["0.499", "0.5"])).is_ok());
        assert_eq!(sums_to_one(&parse(&["0.5011", "0.5"])), Err("1.0011".into()));
        assert_eq!(sums_to_one(&parse(&["0.4985", "0.5"])), Err("0.9985".into()));
    }
}
