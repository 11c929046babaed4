//! One analysis on one table, without a questionnaire: what `capakit stats` computes. Each
//! function finds its columns by header, types them, drops what cannot be used (and says how many
//! rows and why), runs a method of [`crate::stats`] and returns a result that serialises to the
//! JSON `capakit stats --json` prints. Unusable arguments are errors naming the place.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::check::{find_column, numbers, texts};
use crate::error::{Error, Result};
use crate::ingest::RawTable;
use crate::stats::{
    adjust, agreement, cronbach_alpha, independence, mann_whitney, mcnemar, weighted_mean, welch,
    wilcoxon, wilson95, Agreement, Alpha, Correction, Independence, MannWhitney, McNemar, Summary,
    Weighted, Welch, Wilcoxon,
};

/// Rows left out of an analysis, and why.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Dropped {
    pub reason: String,
    pub rows: usize,
}

fn dropped(reason: impl Into<String>, rows: usize) -> Option<Dropped> {
    (rows > 0).then(|| Dropped {
        reason: reason.into(),
        rows,
    })
}

/// Where a weak assumption puts a number in doubt, in words.
pub type Warnings = Vec<String>;

/// Below this many values per group, large-sample approximations are flagged.
pub const SMALL_GROUP: usize = 10;

// ---------------------------------------------------------------------------------------------
// alpha

#[derive(Debug, Clone, Serialize)]
pub struct AlphaReport {
    pub method: &'static str,
    #[serde(flatten)]
    pub alpha: Alpha,
    pub reverse: Vec<String>,
    pub dropped: Vec<Dropped>,
    pub warnings: Warnings,
}

pub const ALPHA_METHOD: &str = "Cronbach's alpha (raw, and standardised from the mean inter-item correlation) on complete cases (listwise deletion); 95% CI by Feldt's F-based method, as pingouin.cronbach_alpha; r_drop: correlation of each item with the sum of the others; alpha_if_dropped: alpha of the remaining items";

/// Cronbach's alpha of `items`, `reverse` ones scored as min + max − x.
pub fn alpha(
    table: &RawTable,
    items: &[String],
    reverse: &[String],
    range: Option<(f64, f64)>,
) -> Result<AlphaReport> {
    if items.len() < 2 {
        return Err(Error::Usage(
            "--items needs at least two columns, separated by commas".into(),
        ));
    }
    if !reverse.is_empty() && range.is_none() {
        return Err(Error::Usage(
            "--reverse needs --min and --max: the lowest and highest answers the scale allows (reverse = min + max − answer)".into(),
        ));
    }
    let mut columns = Vec::new();
    let mut seen = Vec::new();
    for name in items {
        let j = find_column(table, name)?;
        if seen.contains(&j) {
            return Err(Error::Usage(format!(
                "--items names the column '{}' twice",
                table.headers[j]
            )));
        }
        seen.push(j);
        let mut values = numbers(table, j)?;
        if let Some((lo, hi)) = range {
            if let Some(i) = values
                .iter()
                .position(|v| v.is_some_and(|x| x < lo || x > hi))
            {
                return Err(Error::input(
                    table.cell_location(i, j),
                    format!(
                        "{} is outside the range --min {lo} --max {hi}",
                        crate::ingest::format_number(values[i].unwrap_or_default())
                    ),
                ));
            }
        }
        if reverse.iter().any(|r| r.trim() == name.trim()) {
            let (lo, hi) = range.unwrap_or_default();
            values.iter_mut().flatten().for_each(|x| *x = lo + hi - *x);
        }
        columns.push(values);
    }
    for r in reverse {
        if !items.iter().any(|i| i.trim() == r.trim()) {
            return Err(Error::Usage(format!(
                "--reverse names '{r}', which is not one of --items"
            )));
        }
    }
    let complete: Vec<usize> = (0..table.height())
        .filter(|&i| columns.iter().all(|c| c[i].is_some()))
        .collect();
    let all_empty = (0..table.height())
        .filter(|&i| columns.iter().all(|c| c[i].is_none()))
        .count();
    let cols: Vec<Vec<f64>> = columns
        .iter()
        .map(|c| complete.iter().filter_map(|&i| c[i]).collect())
        .collect();
    let refs: Vec<&[f64]> = cols.iter().map(Vec::as_slice).collect();
    let names: Vec<String> = items.iter().map(|s| s.trim().to_string()).collect();
    let alpha = cronbach_alpha(&names, &refs).ok_or_else(|| {
        Error::Usage(format!(
            "alpha cannot be computed: {} complete row(s), and the total score must vary",
            complete.len()
        ))
    })?;
    let mut warnings = Vec::new();
    if alpha.n < 30 {
        warnings.push(format!(
            "only {} complete rows: the confidence interval is wide",
            alpha.n
        ));
    }
    Ok(AlphaReport {
        method: ALPHA_METHOD,
        reverse: reverse.iter().map(|s| s.trim().to_string()).collect(),
        dropped: [
            dropped("no item answered", all_empty),
            dropped(
                "some items unanswered (listwise deletion)",
                table.height() - complete.len() - all_empty,
            ),
        ]
        .into_iter()
        .flatten()
        .collect(),
        warnings,
        alpha,
    })
}

// ---------------------------------------------------------------------------------------------
// groups of one variable

/// The values of `var` split by the text of `by`, groups in the order `wanted` gives or sorted.
struct Split {
    names: Vec<String>,
    values: Vec<Vec<f64>>,
    weights: Vec<Vec<f64>>,
    dropped: Vec<Dropped>,
}

fn split(
    table: &RawTable,
    var: &str,
    by: Option<&str>,
    weight: Option<&str>,
    wanted: Option<&[String]>,
) -> Result<Split> {
    let jv = find_column(table, var)?;
    let values = numbers(table, jv)?;
    let groups = match by {
        Some(b) => texts(table, find_column(table, b)?),
        None => vec![Some(String::new()); table.height()],
    };
    let weights = match weight {
        Some(w) => {
            let jw = find_column(table, w)?;
            let ws = numbers(table, jw)?;
            if let Some(i) = ws.iter().position(|x| x.is_some_and(|x| x < 0.0)) {
                return Err(Error::input(
                    table.cell_location(i, jw),
                    "a design weight cannot be negative",
                ));
            }
            ws
        }
        None => vec![Some(1.0); table.height()],
    };
    let names: Vec<String> = match wanted {
        Some(w) => w.iter().map(|s| s.trim().to_string()).collect(),
        None => groups
            .iter()
            .flatten()
            .cloned()
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect(),
    };
    let index: BTreeMap<&str, usize> = names
        .iter()
        .enumerate()
        .map(|(k, n)| (n.as_str(), k))
        .collect();
    let mut out = Split {
        values: vec![Vec::new(); names.len()],
        weights: vec![Vec::new(); names.len()],
        names: names.clone(),
        dropped: Vec::new(),
    };
    let (mut no_value, mut no_group, mut other, mut no_weight) = (0, 0, 0, 0);
    for i in 0..table.height() {
        let Some(g) = &groups[i] else {
            no_group += 1;
            continue;
        };
        let Some(&k) = index.get(g.as_str()) else {
            other += 1;
            continue;
        };
        let Some(v) = values[i] else {
            no_value += 1;
            continue;
        };
        let Some(w) = weights[i] else {
            no_weight += 1;
            continue;
        };
        out.values[k].push(v);
        out.weights[k].push(w);
    }
    out.dropped = [
        dropped(format!("no value of '{var}'"), no_value),
        dropped(format!("no value of '{}'", by.unwrap_or("")), no_group),
        dropped("in a group not compared", other),
        dropped(
            format!("no weight in '{}'", weight.unwrap_or("")),
            no_weight,
        ),
    ]
    .into_iter()
    .flatten()
    .collect();
    Ok(out)
}

#[derive(Debug, Clone, Serialize)]
pub struct GroupSummary {
    pub name: String,
    #[serde(flatten)]
    pub summary: Summary,
}

#[derive(Debug, Clone, Serialize)]
pub struct CompareReport {
    pub method: &'static str,
    pub var: String,
    pub by: String,
    pub groups: Vec<GroupSummary>,
    pub mann_whitney: Option<MannWhitney>,
    pub welch: Option<Welch>,
    pub dropped: Vec<Dropped>,
    pub warnings: Warnings,
}

pub const COMPARE_METHOD: &str = "Mann–Whitney U, two-sided: normal approximation with tie and continuity corrections (scipy.stats.mannwhitneyu, method='asymptotic'), and the exact distribution of U when there are no ties and n1 + n2 ≤ 100 (method='exact'); U of the first group; rank-biserial correlation 2U/(n1·n2) − 1. Welch's t-test (scipy.stats.ttest_ind, equal_var=False) with Cohen's d (pooled SD) and Hedges' g (pingouin.compute_effsize). Means with t-based 95% CIs";

/// Two groups of `by` compared on `var`.
pub fn compare(
    table: &RawTable,
    var: &str,
    by: &str,
    groups: Option<&[String]>,
) -> Result<CompareReport> {
    if let Some(g) = groups {
        if g.len() == 2 && g[0].trim() == g[1].trim() {
            return Err(Error::Usage(format!(
                "--groups names '{}' twice: name two different groups",
                g[0].trim()
            )));
        }
        if g.len() != 2 {
            return Err(Error::Usage(format!(
                "--groups names {} group(s); a comparison needs exactly two, e.g. --groups Prato,Firenze",
                g.len()
            )));
        }
    }
    let s = split(table, var, Some(by), None, groups)?;
    if s.names.len() != 2 {
        return Err(Error::Usage(format!(
            "'{by}' has {} groups ({}); name the two to compare with --groups A,B",
            s.names.len(),
            s.names.join(", ")
        )));
    }
    for (name, v) in s.names.iter().zip(&s.values) {
        if v.is_empty() {
            return Err(Error::input(
                table.location(),
                format!("group '{name}' of '{by}' has no numeric value of '{var}'"),
            ));
        }
    }
    let (x, y) = (&s.values[0], &s.values[1]);
    let mut warnings = small_groups(&s.names, &s.values);
    let mw = mann_whitney(x, y);
    if mw.is_none() {
        warnings.push("every value is the same: Mann–Whitney U is undefined".into());
    }
    let w = welch(x, y);
    if w.is_none() {
        warnings.push(
            "Welch's t-test needs two values per group and some variation: not computed".into(),
        );
    }
    Ok(CompareReport {
        method: COMPARE_METHOD,
        var: var.trim().to_string(),
        by: by.trim().to_string(),
        groups: s
            .names
            .iter()
            .zip(&s.values)
            .map(|(name, v)| GroupSummary {
                name: name.clone(),
                summary: Summary::of(v),
            })
            .collect(),
        mann_whitney: mw,
        welch: w,
        dropped: s.dropped,
        warnings,
    })
}

fn small_groups(names: &[String], values: &[Vec<f64>]) -> Warnings {
    names
        .iter()
        .zip(values)
        .filter(|(_, v)| v.len() < SMALL_GROUP)
        .map(|(name, v)| {
            format!(
                "group '{name}' has {} values (fewer than {SMALL_GROUP}): normal approximations are rough; prefer exact p-values where given",
                v.len()
            )
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// weighted

#[derive(Debug, Clone, Serialize)]
pub struct WeightedGroup {
    pub name: String,
    #[serde(flatten)]
    pub weighted: Weighted,
}

#[derive(Debug, Clone, Serialize)]
pub struct WeightedReport {
    pub method: &'static str,
    pub var: String,
    pub weight: String,
    #[serde(flatten)]
    pub overall: Weighted,
    pub groups: Option<Vec<WeightedGroup>>,
    pub dropped: Vec<Dropped>,
    pub warnings: Warnings,
}

pub const WEIGHTED_METHOD: &str = "weighted mean Σw·x / Σw (for a 0/1 variable, the weighted proportion), as numpy.average; Kish's effective sample size (Σw)² / Σw²";

/// The weighted mean of `var`, overall and by `by`.
pub fn weighted(
    table: &RawTable,
    var: &str,
    weight: &str,
    by: Option<&str>,
) -> Result<WeightedReport> {
    let s = split(table, var, by, Some(weight), None)?;
    let all_v: Vec<f64> = s.values.concat();
    let all_w: Vec<f64> = s.weights.concat();
    let overall = weighted_mean(&all_v, &all_w).ok_or_else(|| {
        Error::input(
            table.location(),
            format!("the weights in '{weight}' of rows with a value add up to zero"),
        )
    })?;
    let mut warnings = Vec::new();
    let groups = by.map(|_| {
        s.names
            .iter()
            .zip(s.values.iter().zip(&s.weights))
            .filter_map(|(name, (v, w))| {
                let r = weighted_mean(v, w);
                if r.is_none() {
                    warnings.push(format!("group '{name}': weights add up to zero"));
                }
                Some(WeightedGroup {
                    name: name.clone(),
                    weighted: r?,
                })
            })
            .collect()
    });
    if overall.kish_ess < overall.n as f64 / 2.0 {
        warnings.push(format!(
            "the weights halve the effective sample size ({:.1} of {}): estimates are much less precise than n suggests",
            overall.kish_ess, overall.n
        ));
    }
    Ok(WeightedReport {
        method: WEIGHTED_METHOD,
        var: var.trim().to_string(),
        weight: weight.trim().to_string(),
        overall,
        groups,
        dropped: s.dropped,
        warnings,
    })
}

// ---------------------------------------------------------------------------------------------
// crosstab

#[derive(Debug, Clone, Serialize)]
pub struct CellProportion {
    pub row: String,
    pub col: String,
    pub count: u64,
    /// Proportion within the row.
    pub p: f64,
    pub wilson95: [f64; 2],
}

#[derive(Debug, Clone, Serialize)]
pub struct CrosstabReport {
    pub method: &'static str,
    pub row_variable: String,
    pub col_variable: String,
    pub rows: Vec<String>,
    pub cols: Vec<String>,
    pub counts: Vec<Vec<u64>>,
    pub proportions: Vec<CellProportion>,
    #[serde(flatten)]
    pub tests: Independence,
    pub dropped: Vec<Dropped>,
    pub warnings: Warnings,
}

pub const CROSSTAB_METHOD: &str = "counts, proportions within rows with Wilson 95% intervals (statsmodels proportion_confint, method='wilson'); Pearson's χ² test of independence (scipy.stats.chi2_contingency, correction=False; for 2×2 also correction=True, Yates); Cramér's V from the uncorrected χ²; Fisher's exact test for 2×2, two-sided, with the sample odds ratio (scipy.stats.fisher_exact)";

/// The cross-table of `row` × `col` with tests of independence.
pub fn crosstab(table: &RawTable, row: &str, col: &str) -> Result<CrosstabReport> {
    let (jr, jc) = (find_column(table, row)?, find_column(table, col)?);
    if jr == jc {
        return Err(Error::Usage(format!(
            "--row and --col both name '{}': a cross-table needs two different columns",
            table.headers[jr]
        )));
    }
    let (r, c) = (texts(table, jr), texts(table, jc));
    let mut pairs = Vec::new();
    let mut missing = 0;
    for (a, b) in r.into_iter().zip(c) {
        match (a, b) {
            (Some(a), Some(b)) => pairs.push((a, b)),
            _ => missing += 1,
        }
    }
    let rows: Vec<String> = pairs
        .iter()
        .map(|p| p.0.clone())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let cols: Vec<String> = pairs
        .iter()
        .map(|p| p.1.clone())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    if rows.len() < 2 || cols.len() < 2 {
        return Err(Error::input(
            table.location(),
            format!(
                "a cross-table needs at least two values in each variable: '{row}' has {}, '{col}' has {}",
                rows.len(),
                cols.len()
            ),
        ));
    }
    let mut counts = vec![vec![0u64; cols.len()]; rows.len()];
    for (a, b) in &pairs {
        let i = rows.binary_search(a).unwrap_or_default();
        let j = cols.binary_search(b).unwrap_or_default();
        counts[i][j] += 1;
    }
    let as_f64: Vec<Vec<f64>> = counts
        .iter()
        .map(|r| r.iter().map(|&x| x as f64).collect())
        .collect();
    let tests = independence(&as_f64).ok_or_else(|| {
        Error::input(
            table.location(),
            "the cross-table has an empty row or column",
        )
    })?;
    let mut proportions = Vec::new();
    for (i, r) in counts.iter().enumerate() {
        let total: u64 = r.iter().sum();
        for (j, &k) in r.iter().enumerate() {
            proportions.push(CellProportion {
                row: rows[i].clone(),
                col: cols[j].clone(),
                count: k,
                p: k as f64 / total as f64,
                wilson95: wilson95(k as f64, total as f64).unwrap_or([0.0, 1.0]),
            });
        }
    }
    let mut warnings = Vec::new();
    let cells = rows.len() * cols.len();
    if tests.cells_expected_below_5 > 0 {
        warnings.push(format!(
            "{} of {cells} cells expect fewer than 5 (smallest {:.2}): the χ² approximation is {}{}",
            tests.cells_expected_below_5,
            tests.min_expected,
            if tests.cells_expected_below_5 * 5 > cells || tests.min_expected < 1.0 {
                "unreliable"
            } else {
                "acceptable (at most a fifth of cells under 5, none under 1)"
            },
            if tests.fisher.is_some() {
                "; read Fisher's exact test"
            } else {
                ""
            }
        ));
    }
    Ok(CrosstabReport {
        method: CROSSTAB_METHOD,
        row_variable: row.trim().to_string(),
        col_variable: col.trim().to_string(),
        rows,
        cols,
        counts,
        proportions,
        tests,
        dropped: dropped("a value missing in either variable", missing)
            .into_iter()
            .collect(),
        warnings,
    })
}

// ---------------------------------------------------------------------------------------------
// paired

#[derive(Debug, Clone, Serialize)]
pub struct PairedReport {
    pub method: &'static str,
    pub var: String,
    pub pre: String,
    pub post: String,
    pub n_pairs: usize,
    /// Mean of post − pre over the pairs.
    pub mean_change: Option<f64>,
    pub wilcoxon: Option<Wilcoxon>,
    /// Only when every value is 0 or 1.
    pub mcnemar: Option<McNemar>,
    pub dropped: Vec<Dropped>,
    pub warnings: Warnings,
}

pub const PAIRED_METHOD: &str = "Wilcoxon signed-rank test on post − pre, zero differences dropped, two-sided, normal approximation with tie correction and no continuity correction (scipy.stats.wilcoxon, zero_method='wilcox', correction=False, method='approx'), exact when there are no ties or zeros and n ≤ 100 (method='exact'); for a 0/1 variable McNemar's test: χ² with continuity correction and the exact binomial p-value (statsmodels mcnemar)";

/// Before/after on the same people: `var` at wave `pre` and at wave `post`, matched by `id`.
pub fn paired(
    table: &RawTable,
    var: &str,
    id: &str,
    wave: &str,
    pre: &str,
    post: &str,
) -> Result<PairedReport> {
    let jv = find_column(table, var)?;
    let values = numbers(table, jv)?;
    let ji = find_column(table, id)?;
    let ids = texts(table, ji);
    let waves = texts(table, find_column(table, wave)?);
    let (pre, post) = (pre.trim(), post.trim());
    if pre == post {
        return Err(Error::Usage(format!(
            "--pre and --post are both '{pre}': name two different waves"
        )));
    }
    let mut at: [BTreeMap<String, (usize, Option<f64>)>; 2] = Default::default();
    let (mut no_id, mut other_wave) = (0, 0);
    for i in 0..table.height() {
        let slot = match waves[i].as_deref() {
            Some(w) if w == pre => 0,
            Some(w) if w == post => 1,
            _ => {
                other_wave += 1;
                continue;
            }
        };
        let Some(person) = &ids[i] else {
            no_id += 1;
            continue;
        };
        if let Some((first, _)) = at[slot].insert(person.clone(), (i, values[i])) {
            return Err(Error::input(
                table.cell_location(i, ji),
                format!(
                    "'{person}' appears twice in wave '{}' (also row {}): pairs must be one row per person and wave",
                    [pre, post][slot],
                    table.row_numbers[first]
                ),
            ));
        }
    }
    if at[0].is_empty() || at[1].is_empty() {
        return Err(Error::input(
            table.location(),
            format!(
                "no rows in wave '{}' of '{wave}'",
                if at[0].is_empty() { pre } else { post }
            ),
        ));
    }
    let (mut before, mut after) = (Vec::new(), Vec::new());
    let (mut unmatched, mut missing) = (0, 0);
    for (person, (_, b)) in &at[0] {
        match (b, at[1].get(person)) {
            (Some(b), Some((_, Some(a)))) => {
                before.push(*b);
                after.push(*a);
            }
            (_, None) => unmatched += 1,
            _ => missing += 1,
        }
    }
    unmatched += at[1].keys().filter(|k| !at[0].contains_key(*k)).count();
    let w = wilcoxon(&before, &after);
    let binary = !before.is_empty() && before.iter().chain(&after).all(|&x| x == 0.0 || x == 1.0);
    let m = if binary {
        let b = before
            .iter()
            .zip(&after)
            .filter(|(x, y)| **x == 1.0 && **y == 0.0)
            .count();
        let c = before
            .iter()
            .zip(&after)
            .filter(|(x, y)| **x == 0.0 && **y == 1.0)
            .count();
        mcnemar(b as u64, c as u64)
    } else {
        None
    };
    let mut warnings = Vec::new();
    if w.is_none() {
        warnings.push("no pair changed: the signed-rank test is undefined".into());
    } else if before.len() < SMALL_GROUP {
        warnings.push(format!(
            "only {} pairs: the normal approximation is rough; read the exact p-value where given",
            before.len()
        ));
    }
    if let Some(m) = &m {
        if m.b + m.c < 25 {
            warnings.push(format!(
                "only {} discordant pairs: read McNemar's exact p-value",
                m.b + m.c
            ));
        }
    }
    let n = before.len();
    Ok(PairedReport {
        method: PAIRED_METHOD,
        var: var.trim().to_string(),
        pre: pre.to_string(),
        post: post.to_string(),
        n_pairs: n,
        mean_change: (n > 0)
            .then(|| after.iter().zip(&before).map(|(a, b)| a - b).sum::<f64>() / n as f64),
        wilcoxon: w,
        mcnemar: m,
        dropped: [
            dropped(format!("a wave other than '{pre}' or '{post}'"), other_wave),
            dropped(format!("no value of '{id}'"), no_id),
            dropped("a person seen in one wave only", unmatched),
            dropped(format!("a pair with '{var}' missing in a wave"), missing),
        ]
        .into_iter()
        .flatten()
        .collect(),
        warnings,
    })
}

// ---------------------------------------------------------------------------------------------
// adjust

#[derive(Debug, Clone, Serialize)]
pub struct AdjustReport {
    pub method: Correction,
    pub p: Vec<f64>,
    pub adjusted: Vec<f64>,
}

/// Adjusted p-values of a family.
pub fn adjust_p(p: &[f64], method: Correction) -> Result<AdjustReport> {
    if let Some(bad) = p.iter().find(|x| !(0.0..=1.0).contains(*x)) {
        return Err(Error::Usage(format!(
            "--p: {bad} is not a p-value (between 0 and 1)"
        )));
    }
    Ok(AdjustReport {
        method,
        p: p.to_vec(),
        adjusted: adjust(p, method),
    })
}

// ---------------------------------------------------------------------------------------------
// agreement

#[derive(Debug, Clone, Serialize)]
pub struct AgreementReport {
    pub method: &'static str,
    pub coders: Vec<String>,
    pub categories: Vec<String>,
    #[serde(flatten)]
    pub agreement: Agreement,
    pub dropped: Vec<Dropped>,
    pub warnings: Warnings,
}

pub const AGREEMENT_METHOD: &str = "nominal codes; Cohen's kappa over units both coders coded (2 coders; sklearn cohen_kappa_score); Fleiss' kappa when every unit has the same number of codes (statsmodels fleiss_kappa); Krippendorff's alpha, nominal, from the coincidence matrix, units with fewer than two codes left out (Krippendorff 2011)";

/// Agreement between coders from a long table: one row per unit × coder.
pub fn agreement_of(
    table: &RawTable,
    unit: &str,
    coder: &str,
    code: &str,
) -> Result<AgreementReport> {
    let units = texts(table, find_column(table, unit)?);
    let jc = find_column(table, coder)?;
    let coders_col = texts(table, jc);
    let codes = texts(table, find_column(table, code)?);
    let mut rows = Vec::new();
    let mut missing = 0;
    for i in 0..table.height() {
        match (&units[i], &coders_col[i]) {
            (Some(u), Some(c)) => rows.push((i, u.clone(), c.clone(), codes[i].clone())),
            _ => missing += 1,
        }
    }
    let coders: Vec<String> = rows
        .iter()
        .map(|r| r.2.clone())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let categories: Vec<String> = rows
        .iter()
        .filter_map(|r| r.3.clone())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let unit_names: Vec<String> = rows
        .iter()
        .map(|r| r.1.clone())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    if coders.len() < 2 {
        return Err(Error::input(
            table.location(),
            format!(
                "agreement needs at least two coders in '{coder}'; found {}",
                coders.len()
            ),
        ));
    }
    let mut matrix = vec![vec![None; coders.len()]; unit_names.len()];
    let mut seen: BTreeMap<(usize, usize), usize> = BTreeMap::new();
    let mut uncoded = 0;
    for (i, u, c, k) in &rows {
        let ui = unit_names.binary_search(u).unwrap_or_default();
        let ci = coders.binary_search(c).unwrap_or_default();
        if let Some(first) = seen.insert((ui, ci), *i) {
            return Err(Error::input(
                table.cell_location(*i, jc),
                format!(
                    "coder '{c}' codes unit '{u}' twice (also row {}): agreement needs one code per unit and coder",
                    table.row_numbers[first]
                ),
            ));
        }
        match k {
            Some(k) => matrix[ui][ci] = Some(categories.binary_search(k).unwrap_or_default()),
            None => uncoded += 1,
        }
    }
    let agreement = agreement(&matrix);
    let mut warnings = Vec::new();
    if agreement.n_units < SMALL_GROUP {
        warnings.push(format!(
            "only {} units: agreement coefficients are unstable",
            agreement.n_units
        ));
    }
    if agreement.krippendorff_alpha.is_none() {
        warnings.push(
            "Krippendorff's alpha is undefined: fewer than two pairable codes, or a single category"
                .into(),
        );
    }
    Ok(AgreementReport {
        method: AGREEMENT_METHOD,
        coders,
        categories,
        agreement,
        dropped: [
            dropped(format!("no value of '{unit}' or '{coder}'"), missing),
            dropped(
                format!("no code in '{code}' (treated as not coded)"),
                uncoded,
            ),
        ]
        .into_iter()
        .flatten()
        .collect(),
        warnings,
    })
}
