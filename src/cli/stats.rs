//! `capakit stats VERB FILE …`: one analysis on one file, for scripts and quick checks. Prints a
//! readable summary, or with `--json` one JSON object (keys documented in each verb's help).

use std::path::PathBuf;

use serde::Serialize;

use crate::analysis::table::{self, Dropped};
use crate::analysis::{codes, compare, crosstab, scales};
use crate::error::{Error, Result};
use crate::ingest::read_table;
use crate::stats::Correction;

use super::print_lines;

/// One statistic on one file (.csv, .xlsx, .xls, .ods), for scripts.
///
/// Each verb reads one table (the first sheet of a workbook, or --sheet), finds its columns by
/// header, drops the rows it cannot use and says how many and why, and prints the result, or with
/// --json one JSON object. Every method is the one scipy, statsmodels or pingouin computes, named
/// in the output's "method". Exit code 2 when an argument cannot be used (an unknown column, text
/// where a number is needed, a group with no values). These are the analyst's numbers, without
/// disclosure control: publish through `capakit run`, which hides small cells.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    pub verb: Verb,
}

/// The file every verb (but `adjust`) reads.
#[derive(Debug, clap::Args)]
pub struct Input {
    /// The data file: .csv (any separator, UTF-8 or Windows-1252), .xlsx, .xls or .ods.
    pub file: PathBuf,
    /// The sheet of a workbook to read (default: the first).
    #[arg(long)]
    pub sheet: Option<String>,
    /// Print one JSON object instead of a readable summary.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, clap::Subcommand)]
pub enum Verb {
    /// Reliability of a scale: Cronbach's alpha, raw and standardised, with Feldt's 95% CI, and
    /// each item's corrected item–total correlation and alpha if dropped.
    ///
    /// Complete rows only (listwise deletion). JSON keys: n, k, raw_alpha, std_alpha, ci95, items
    /// ([{item, r_drop, alpha_if_dropped}]), reverse, against_the_rest (when alpha is negative, the
    /// items with a negative r_drop, named in a warning), dropped, warnings, method.
    Alpha {
        #[command(flatten)]
        input: Input,
        /// The item columns, separated by commas (at least two).
        #[arg(long, value_delimiter = ',', required = true)]
        items: Vec<String>,
        /// Items scored in reverse (min + max − answer); needs --min and --max.
        #[arg(long, value_delimiter = ',')]
        reverse: Vec<String>,
        /// The lowest answer the scale allows (answers below it are an error).
        #[arg(long, requires = "max")]
        min: Option<f64>,
        /// The highest answer the scale allows.
        #[arg(long, requires = "min")]
        max: Option<f64>,
    },
    /// Two groups compared on a number: Mann–Whitney U (asymptotic, and exact without ties),
    /// rank-biserial correlation, Welch's t-test with Cohen's d and Hedges' g, and each group's
    /// n, mean, SD, median and 95% CI.
    ///
    /// JSON keys: groups ([{name, n, mean, sd, median, ci95}]), mann_whitney ({u, z, p, p_exact,
    /// rank_biserial, n1, n2}; u of the first group), welch ({t, df, p, cohen_d, hedges_g}),
    /// dropped, warnings, method.
    Compare {
        #[command(flatten)]
        input: Input,
        /// The numeric column to compare.
        #[arg(long)]
        var: String,
        /// The column whose values form the groups.
        #[arg(long)]
        by: String,
        /// The two groups, in order: U, t and effect sizes are of the first against the second
        /// (needed when the column has more than two values; default: the two values, sorted).
        #[arg(long, value_delimiter = ',')]
        groups: Option<Vec<String>>,
    },
    /// Every group compared on a number at once (three territories, 17 regions): Kruskal–Wallis H
    /// with ε², then Dunn's pairwise tests adjusted by Holm's method.
    ///
    /// JSON keys: groups ([{name, n, mean_rank, median}]), h, df, p, epsilon_squared, dunn
    /// ([{groups: [a, b], z, p, p_adjusted}]; z of a's mean rank above b's), correction, dropped,
    /// warnings, method.
    Kruskal {
        #[command(flatten)]
        input: Input,
        /// The numeric column to compare.
        #[arg(long)]
        var: String,
        /// The column whose values form the groups (every value with a number is a group).
        #[arg(long)]
        by: String,
    },
    /// A cross-table with proportions within rows (Wilson 95% intervals), Pearson's χ² (and
    /// Yates' correction for 2×2), Cramér's V, and Fisher's exact test for 2×2.
    ///
    /// JSON keys: rows, cols, counts (row-major), proportions ([{row, col, count, p, wilson95}]),
    /// chi2 ({statistic, df, p}), chi2_yates (2×2, else null), cramers_v, fisher ({p,
    /// odds_ratio}, 2×2, else null; odds_ratio null when infinite), min_expected, dropped,
    /// warnings, method.
    Crosstab {
        #[command(flatten)]
        input: Input,
        /// The column whose values are the rows.
        #[arg(long)]
        row: String,
        /// The column whose values are the columns.
        #[arg(long)]
        col: String,
    },
    /// Before/after on the same people (long table, one row per person and wave): Wilcoxon
    /// signed-rank test with the matched-pairs rank-biserial correlation, paired t-test with
    /// Cohen's d_z (each with its 95% CI), and McNemar's test when the variable is 0/1.
    ///
    /// Columns may be named by their full header or, in a KoboToolbox export, by the question's
    /// short name (`edu_1` for `capacita/edu_1`) when only one column has it. With --instrument,
    /// --var may name a scale of the questionnaire: each row's score is the mean of its answered
    /// items (reverse-keyed items turned round) when at least half are answered, as `capakit run`
    /// scores it; choices may be names or labels. `capakit run --internal` writes
    /// INTERNAL-scores-unsuppressed.csv with a pseudonym, wave and score per row: run this verb on
    /// it with --id pseudonym --wave wave.
    ///
    /// JSON keys: var, column, scale ({name, items, reverse, missing}, or null), pre, post,
    /// n_pairs, mean_change, wilcoxon ({statistic, z, p, p_exact, p_exact_method, r_plus,
    /// r_minus, n, zeros_dropped, rank_biserial, rank_biserial_ci}), paired_t ({n, mean_diff,
    /// sd_diff, t, df, p, ci, d_z, d_z_ci}, or null), mcnemar ({statistic, p, p_exact, b, c}, or
    /// null), dropped, warnings, method.
    Paired {
        #[command(flatten)]
        input: Input,
        /// The numeric column measured twice, or with --instrument a scale or a question.
        #[arg(long)]
        var: String,
        /// The column identifying each person.
        #[arg(long)]
        id: String,
        /// The column naming the wave.
        #[arg(long)]
        wave: String,
        /// The value of --wave for "before".
        #[arg(long)]
        pre: String,
        /// The value of --wave for "after".
        #[arg(long)]
        post: String,
        /// The questionnaire (XLSForm) the data answer: scales by name, choices scored.
        #[arg(long)]
        instrument: Option<PathBuf>,
    },
    /// Adjusted p-values for a family of tests: Holm (family-wise error) or Benjamini–Hochberg
    /// (false discovery rate), as statsmodels' multipletests.
    ///
    /// JSON keys: method, p, adjusted.
    Adjust {
        /// The p-values, separated by commas.
        #[arg(
            long,
            value_delimiter = ',',
            required = true,
            allow_hyphen_values = true
        )]
        p: Vec<f64>,
        /// holm or bh.
        #[arg(long, value_enum, default_value = "holm")]
        method: Method,
        /// Print one JSON object.
        #[arg(long)]
        json: bool,
    },
    /// Weighted mean (for a 0/1 variable, the weighted proportion) with Kish's effective sample
    /// size, overall and by group.
    ///
    /// JSON keys: mean, kish_ess, n, sum_weights, groups ([{name, mean, kish_ess, n,
    /// sum_weights}] with --by, else null), dropped, warnings, method.
    Weighted {
        #[command(flatten)]
        input: Input,
        /// The numeric column.
        #[arg(long)]
        var: String,
        /// The design-weight column (no negative weights).
        #[arg(long)]
        weight: String,
        /// A column whose values form groups.
        #[arg(long)]
        by: Option<String>,
    },
    /// Agreement between coders on nominal codes (long table, one row per unit and coder):
    /// Cohen's kappa (2 coders), Fleiss' kappa (on the units every coder coded when units carry
    /// different numbers of codes, as R irr's kappam.fleiss), Krippendorff's alpha (missing codes
    /// allowed).
    ///
    /// JSON keys: n_units, n_coders, cohen_kappa, fleiss_kappa, fleiss_units_left_out,
    /// krippendorff_alpha (each null where it does not apply), coders, categories,
    /// units_unpairable, dropped, warnings, method.
    Agreement {
        #[command(flatten)]
        input: Input,
        /// The column identifying the unit coded (segment, excerpt, answer).
        #[arg(long)]
        unit: String,
        /// The column naming the coder.
        #[arg(long)]
        coder: String,
        /// The column holding the code given (empty: not coded).
        #[arg(long)]
        code: String,
    },
    /// Capability deprivations counted across dimensions (Alkire–Foster): H, A and M0, each
    /// indicator's headcounts and contribution, and with --by each group's share of M0.
    ///
    /// Two forms. With --spec, the cutoffs, weights and k of the first capability analysis of an
    /// analyses file are applied to the file's columns (named as the spec's items). With
    /// --indicators, the columns already hold deprivations (1, TRUE, yes or sì = deprived; 0,
    /// FALSE or no = not), weighted equally unless --weights says otherwise. Weights and k are
    /// decimals, fractions (1/12) or percentages; weights must sum to 1 (within ±0.001 they are
    /// divided by their sum, with a note on standard error); a score equal to k counts as
    /// deprived. A missing answer leaves the row out (n_excluded).
    ///
    /// JSON keys: k, n, n_excluded, H, A, M0, weighting, indicators ([{id, dimension, weight,
    /// uncensored_headcount, censored_headcount, contribution}]), dimensions ([{id, weight,
    /// contribution}]), groups ([{name, n, population_share, H, A, M0, contribution}] with --by,
    /// else null), weights_rescaled_from (when the weights were divided by their sum), dropped,
    /// warnings, method.
    Capability {
        #[command(flatten)]
        input: Input,
        /// An analyses file (.toml) with a capability analysis.
        #[arg(long, conflicts_with_all = ["indicators", "weights"], required_unless_present = "indicators")]
        spec: Option<PathBuf>,
        /// Columns of 0/1 deprivations, separated by commas.
        #[arg(long, value_delimiter = ',')]
        indicators: Option<Vec<String>>,
        /// The weight of each indicator, in the same order (equal when omitted).
        #[arg(long, value_delimiter = ',', requires = "indicators")]
        weights: Option<Vec<String>>,
        /// The cutoff across dimensions, such as 1/3 (with --spec: the spec's first k by default).
        #[arg(long, required_unless_present = "spec")]
        k: Option<String>,
        /// A column whose values form groups (territory, care setting …).
        #[arg(long)]
        by: Option<String>,
        /// A column of design weights: weighted H, A, M0, headcounts and contributions with
        /// standard errors by Taylor linearisation and 95% intervals (logit for shares).
        #[arg(long)]
        weight: Option<String>,
        /// The column of each row's stratum (with --weight; one stratum when omitted).
        #[arg(long, requires = "weight")]
        strata: Option<String>,
        /// The column of each row's primary sampling unit (with --weight; each row when omitted).
        #[arg(long, requires = "weight")]
        psu: Option<String>,
    },
    /// A network from an edge list (one row per tie): size, density, reciprocity, weak and
    /// strong components, isolates and pendants, each node's in/out degree and strength,
    /// betweenness and closeness (as networkx computes them), and with --types the E-I index and
    /// Gould–Fernandez brokerage roles between node types.
    ///
    /// A tie named twice is one tie whose weights add up; self-ties are left out and counted.
    /// Paths count steps unless --distance makes each weight a length. JSON keys: file,
    /// directed, paths, nodes, ties, self_ties, density, reciprocity, weak_components,
    /// strong_components ({count, sizes}), isolates, pendants, ei_index ({external, internal,
    /// ei, classes}), node_measures ([{name, class, in_degree, out_degree, in_strength,
    /// out_strength, neighbours, betweenness, closeness, brokerage}]), method.
    Network {
        #[command(flatten)]
        input: Input,
        /// The column of each tie's first end (the sender when directed).
        #[arg(long)]
        from: String,
        /// The column of each tie's other end (the receiver when directed).
        #[arg(long)]
        to: String,
        /// A column of tie weights (numbers above 0; each tie weighs 1 without it).
        #[arg(long)]
        weight: Option<String>,
        /// Ties go from --from to --to (default: undirected).
        #[arg(long)]
        directed: bool,
        /// Weights are lengths for shortest paths (betweenness, closeness); needs --weight.
        #[arg(long, requires = "weight")]
        distance: bool,
        /// A table of nodes (.csv, .xlsx …) giving each one's type: for the E-I index and
        /// brokerage roles. Its nodes without ties are isolates; every tie's ends must be in it.
        #[arg(long)]
        types: Option<PathBuf>,
        /// The column of node names in --types.
        #[arg(long, default_value = "id", requires = "types")]
        id: String,
        /// The column of node types in --types.
        #[arg(long = "type", default_value = "type", requires = "types")]
        type_column: String,
    },
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum Method {
    Holm,
    Bh,
}

pub fn execute(args: Args) -> Result<i32> {
    match args.verb {
        Verb::Alpha {
            input,
            items,
            reverse,
            min,
            max,
        } => {
            let t = read(&input)?;
            let range = min.zip(max);
            if let Some((lo, hi)) = range {
                if lo >= hi {
                    return Err(Error::Usage(format!("--min {lo} must be below --max {hi}")));
                }
            }
            let r = scales::table::alpha(&t, &items, &reverse, range)?;
            emit(input.json, &r, || alpha_lines(&r))
        }
        Verb::Compare {
            input,
            var,
            by,
            groups,
        } => {
            let t = read(&input)?;
            let r = compare::table::compare(&t, &var, &by, groups.as_deref())?;
            emit(input.json, &r, || compare_lines(&r))
        }
        Verb::Kruskal { input, var, by } => {
            let t = read(&input)?;
            let r = compare::table::kruskal(&t, &var, &by)?;
            emit(input.json, &r, || kruskal_lines(&r))
        }
        Verb::Crosstab { input, row, col } => {
            let t = read(&input)?;
            let r = crosstab::table::crosstab(&t, &row, &col)?;
            emit(input.json, &r, || crosstab_lines(&r))
        }
        Verb::Paired {
            input,
            var,
            id,
            wave,
            pre,
            post,
            instrument,
        } => {
            let t = read(&input)?;
            let ins = match &instrument {
                Some(path) => Some(crate::instrument::read_xlsform(
                    path,
                    &path.display().to_string(),
                )?),
                None => None,
            };
            let r = table::paired(&t, &var, &id, &wave, &pre, &post, ins.as_ref())?;
            emit(input.json, &r, || paired_lines(&r))
        }
        Verb::Adjust { p, method, json } => {
            let method = match method {
                Method::Holm => Correction::Holm,
                Method::Bh => Correction::BenjaminiHochberg,
            };
            let r = table::adjust_p(&p, method)?;
            emit(json, &r, || {
                let mut l = vec![format!("{:>12}  {:>12}", "p", "adjusted")];
                l.extend(
                    r.p.iter()
                        .zip(&r.adjusted)
                        .map(|(a, b)| format!("{:>12}  {:>12}", num(*a), num(*b))),
                );
                l
            })
        }
        Verb::Weighted {
            input,
            var,
            weight,
            by,
        } => {
            let t = read(&input)?;
            let r = table::weighted(&t, &var, &weight, by.as_deref())?;
            emit(input.json, &r, || weighted_lines(&r))
        }
        Verb::Capability {
            input,
            spec,
            indicators,
            weights,
            k,
            by,
            weight,
            strata,
            psu,
        } => {
            use crate::analysis::capability::table as cap;
            let t = read(&input)?;
            let design = weight.as_deref().map(|w| cap::DesignColumns {
                weight: w,
                strata: strata.as_deref(),
                psu: psu.as_deref(),
            });
            let r = match (&spec, &indicators) {
                (Some(spec), _) => cap::from_spec(&t, spec, k.as_deref(), by.as_deref(), design)?,
                (None, Some(ind)) => cap::from_indicators(
                    &t,
                    ind,
                    weights.as_deref(),
                    k.as_deref().unwrap_or_default(),
                    by.as_deref(),
                    design,
                )?,
                (None, None) => {
                    return Err(Error::Usage(
                        "give --spec FILE.toml or --indicators COLUMNS".into(),
                    ))
                }
            };
            for note in &r.notes {
                eprintln!("capakit: note: {note}");
            }
            emit(input.json, &r, || capability_lines(&r))
        }
        Verb::Agreement {
            input,
            unit,
            coder,
            code,
        } => {
            let t = read(&input)?;
            let r = codes::table::agreement_of(&t, &unit, &coder, &code)?;
            emit(input.json, &r, || agreement_lines(&r))
        }
        Verb::Network {
            input,
            from,
            to,
            weight,
            directed,
            distance,
            types,
            id,
            type_column,
        } => {
            let t = read(&input)?;
            let types = match &types {
                Some(path) => Some(node_types(path, &id, &type_column)?),
                None => None,
            };
            let r = network_of(&t, &from, &to, weight.as_deref(), directed, distance, types)?;
            emit(input.json, &r, || network_lines(&r))
        }
    }
}

fn read(input: &Input) -> Result<crate::ingest::RawTable> {
    let shown = input.file.display().to_string();
    read_table(&input.file, &shown, input.sheet.as_deref())
}

fn emit<T: Serialize>(json: bool, value: &T, lines: impl FnOnce() -> Vec<String>) -> Result<i32> {
    if json {
        let text = serde_json::to_string_pretty(value)
            .map_err(|e| Error::Usage(format!("cannot write JSON: {e}")))?;
        print_lines([text]);
    } else {
        print_lines(lines());
    }
    Ok(0)
}

/// A number to four decimals, without a trailing "-0".
fn num(x: f64) -> String {
    let s = format!("{x:.4}");
    if s == "-0.0000" {
        "0.0000".into()
    } else {
        s
    }
}

fn opt(x: Option<f64>) -> String {
    x.map_or_else(|| "—".into(), num)
}

fn pval(p: f64) -> String {
    if p < 0.0001 {
        "< 0.0001".into()
    } else {
        num(p)
    }
}

fn footer(dropped: &[Dropped], warnings: &[String], method: &str) -> Vec<String> {
    let mut l = Vec::new();
    for d in dropped {
        l.push(format!("dropped: {} row(s): {}", d.rows, d.reason));
    }
    for w in warnings {
        l.push(format!("warning: {w}"));
    }
    l.push(format!("method: {method}"));
    l
}

fn alpha_lines(r: &scales::table::AlphaReport) -> Vec<String> {
    let a = &r.alpha;
    let mut l = vec![
        format!("Cronbach's alpha, {} items, n = {} complete rows", a.k, a.n),
        format!(
            "  raw alpha {}   standardised {}   95% CI {}",
            num(a.raw_alpha),
            opt(a.std_alpha),
            a.ci95
                .map_or_else(|| "—".into(), |c| format!("[{}, {}]", num(c[0]), num(c[1])))
        ),
        format!(
            "  {:<24} {:>8} {:>17}",
            "item", "r_drop", "alpha if dropped"
        ),
    ];
    for i in &a.items {
        let mark = if r.reverse.contains(&i.item) {
            " ↺"
        } else {
            ""
        };
        l.push(format!(
            "  {:<24} {:>8} {:>17}",
            format!("{}{mark}", i.item),
            opt(i.r_drop),
            opt(i.alpha_if_dropped)
        ));
    }
    l.extend(footer(&r.dropped, &r.warnings, r.method));
    l
}

fn kruskal_lines(r: &compare::table::KruskalReport) -> Vec<String> {
    let mut l = vec![
        format!("{} by {}", r.var, r.by),
        format!(
            "  {:<20} {:>5} {:>10} {:>8}",
            "group", "n", "mean rank", "median"
        ),
    ];
    for g in &r.groups {
        l.push(format!(
            "  {:<20} {:>5} {:>10} {:>8}",
            g.name,
            g.n,
            num(g.mean_rank),
            opt(g.median)
        ));
    }
    l.push(format!(
        "Kruskal–Wallis H = {}, df = {}, p = {}, ε² = {}",
        num(r.h),
        r.df,
        pval(r.p),
        num(r.epsilon_squared)
    ));
    l.push("Dunn's pairs (Holm):".into());
    for d in &r.dunn {
        l.push(format!(
            "  {} – {}: z = {}, p = {}, adjusted p = {}",
            d.groups[0],
            d.groups[1],
            num(d.z),
            pval(d.p),
            pval(d.p_adjusted)
        ));
    }
    l.extend(footer(&r.dropped, &r.warnings, r.method));
    l
}

fn compare_lines(r: &compare::table::CompareReport) -> Vec<String> {
    let mut l = vec![
        format!("{} by {}", r.var, r.by),
        format!(
            "  {:<20} {:>5} {:>8} {:>8} {:>8}  95% CI",
            "group", "n", "mean", "sd", "median"
        ),
    ];
    for g in &r.groups {
        let s = &g.summary;
        l.push(format!(
            "  {:<20} {:>5} {:>8} {:>8} {:>8}  {}",
            g.name,
            s.n,
            opt(s.mean),
            opt(s.sd),
            opt(s.median),
            s.ci95
                .map_or_else(|| "—".into(), |c| format!("[{}, {}]", num(c[0]), num(c[1])))
        ));
    }
    if let Some(m) = &r.mann_whitney {
        l.push(format!(
            "Mann–Whitney U = {} (first group), z = {}, p = {}{}, rank-biserial r = {}",
            num(m.u),
            num(m.z),
            pval(m.p),
            m.p_exact
                .map_or_else(String::new, |p| format!(", exact p = {}", pval(p))),
            num(m.rank_biserial)
        ));
    }
    if let Some(w) = &r.welch {
        l.push(format!(
            "Welch t = {}, df = {}, p = {}, Cohen's d = {}, Hedges' g = {}",
            num(w.t),
            num(w.df),
            pval(w.p),
            num(w.cohen_d),
            num(w.hedges_g)
        ));
    }
    l.extend(footer(&r.dropped, &r.warnings, r.method));
    l
}

fn crosstab_lines(r: &crosstab::table::CrosstabReport) -> Vec<String> {
    let width = r
        .rows
        .iter()
        .map(|s| s.chars().count())
        .max()
        .unwrap_or(4)
        .max(4);
    let mut l = vec![format!("{} × {}", r.row_variable, r.col_variable)];
    let mut head = format!("  {:<width$}", "");
    for c in &r.cols {
        head.push_str(&format!(" {:>16}", c));
    }
    l.push(head);
    for (i, row) in r.rows.iter().enumerate() {
        let mut line = format!("  {row:<width$}");
        for j in 0..r.cols.len() {
            let p = &r.proportions[i * r.cols.len() + j];
            line.push_str(&format!(
                " {:>16}",
                format!("{} ({:.1}%)", p.count, p.p * 100.0)
            ));
        }
        l.push(line);
    }
    let t = &r.tests;
    l.push(format!(
        "χ² = {}, df = {}, p = {}; Cramér's V = {}",
        num(t.chi2.statistic),
        t.chi2.df,
        pval(t.chi2.p),
        num(t.cramers_v)
    ));
    if let Some(y) = &t.chi2_yates {
        l.push(format!(
            "χ² with Yates' correction = {}, p = {}",
            num(y.statistic),
            pval(y.p)
        ));
    }
    if let Some(f) = &t.fisher {
        l.push(format!(
            "Fisher's exact test p = {}, odds ratio = {}",
            pval(f.p),
            f.odds_ratio.map_or_else(|| "∞ (a zero cell)".into(), num)
        ));
    }
    l.extend(footer(&r.dropped, &r.warnings, r.method));
    l
}

fn paired_lines(r: &table::PairedReport) -> Vec<String> {
    let what = match (&r.scale, &r.column) {
        (Some(s), _) => format!(
            "scale {} ({} items: {}{})",
            s.name,
            s.items.len(),
            s.items.join(", "),
            if s.reverse.is_empty() {
                String::new()
            } else {
                format!("; reversed: {}", s.reverse.join(", "))
            }
        ),
        (None, Some(c)) if c != &r.var => format!("{} ({c})", r.var),
        _ => r.var.clone(),
    };
    let ci = |c: [f64; 2]| format!("[{}, {}]", num(c[0]), num(c[1]));
    let mut l = vec![format!(
        "{what}: {} → {}, {} pairs, mean change {}",
        r.pre,
        r.post,
        r.n_pairs,
        opt(r.mean_change)
    )];
    if let Some(w) = &r.wilcoxon {
        l.push(format!(
            "Wilcoxon signed-rank: W = {} (R+ = {}, R− = {}), {} non-zero pairs ({} unchanged dropped), z = {}, p = {}{}",
            num(w.statistic),
            num(w.r_plus),
            num(w.r_minus),
            w.n,
            w.zeros_dropped,
            num(w.z),
            pval(w.p),
            w.p_exact.map_or_else(String::new, |p| format!(
                ", {} p = {}",
                w.p_exact_method.unwrap_or("exact"),
                pval(p)
            ))
        ));
        l.push(format!(
            "  rank-biserial r = {}, 95% CI {}",
            num(w.rank_biserial),
            w.rank_biserial_ci
                .map_or_else(|| "— (every pair moved the same way)".into(), ci)
        ));
    }
    if let Some(t) = &r.paired_t {
        l.push(format!(
            "Paired t = {}, df = {}, p = {}; mean change {}, 95% CI {}",
            num(t.t),
            t.df,
            pval(t.p),
            num(t.mean_diff),
            ci(t.ci)
        ));
        l.push(format!(
            "  Cohen's d_z = {}, 95% CI {}",
            num(t.d_z),
            ci(t.d_z_ci)
        ));
    }
    if let Some(m) = &r.mcnemar {
        l.push(format!(
            "McNemar: {} went 1 → 0, {} went 0 → 1; χ² = {}, p = {}, exact p = {}",
            m.b,
            m.c,
            num(m.statistic),
            pval(m.p),
            pval(m.p_exact)
        ));
    }
    l.extend(footer(&r.dropped, &r.warnings, r.method));
    l
}

fn weighted_lines(r: &table::WeightedReport) -> Vec<String> {
    let mut l = vec![
        format!("{} weighted by {}", r.var, r.weight),
        format!(
            "  {:<20} {:>6} {:>10} {:>10}",
            "group", "n", "mean", "Kish ESS"
        ),
    ];
    let row = |name: &str, w: &crate::stats::Weighted| {
        format!(
            "  {:<20} {:>6} {:>10} {:>10}",
            name,
            w.n,
            num(w.mean),
            format!("{:.1}", w.kish_ess)
        )
    };
    l.push(row("all", &r.overall));
    for g in r.groups.iter().flatten() {
        l.push(row(&g.name, &g.weighted));
    }
    l.extend(footer(&r.dropped, &r.warnings, r.method));
    l
}

fn agreement_lines(r: &codes::table::AgreementReport) -> Vec<String> {
    let a = &r.agreement;
    let mut l = vec![
        format!(
            "{} units, {} coders ({}), {} categories; {} unit(s) with fewer than two codes",
            a.n_units,
            a.n_coders,
            r.coders.join(", "),
            r.categories.len(),
            a.units_unpairable
        ),
        format!("  Cohen's kappa        {}", opt(a.cohen_kappa)),
        format!(
            "  Fleiss' kappa        {}{}",
            opt(a.fleiss_kappa),
            if a.fleiss_units_left_out > 0 {
                format!(
                    "   (on the units every coder coded; {} unit(s) left out)",
                    a.fleiss_units_left_out
                )
            } else {
                String::new()
            }
        ),
        format!("  Krippendorff's alpha {}", opt(a.krippendorff_alpha)),
    ];
    l.extend(footer(&r.dropped, &r.warnings, r.method));
    l
}

fn capability_lines(r: &crate::analysis::capability::table::CapabilityReport) -> Vec<String> {
    let mut l = vec![
        format!(
            "k = {}   n = {}   left out = {}   weights: {}",
            num(r.k),
            r.n,
            r.n_excluded,
            serde_json::to_value(r.weighting)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default()
        ),
        format!("H = {}   A = {}   M0 = {}", num(r.h), opt(r.a), num(r.m0)),
    ];
    if let (Some(e), Some(v)) = (&r.estimates, &r.variance) {
        l.push(format!(
            "weighted by '{}'; Taylor linearisation: {} strata, {} PSUs, {} degrees of freedom",
            v.weight, v.strata, v.psus, v.degrees_of_freedom
        ));
        let row = |name: &str, x: &crate::stats::survey::Estimate| {
            format!(
                "{name:<4} {}   SE {}   95% CI {} to {}",
                num(x.value),
                num(x.se),
                num(x.ci_low),
                num(x.ci_high)
            )
        };
        l.push(row("H", &e.h));
        if let Some(a) = &e.a {
            l.push(row("A", a));
        }
        l.push(row("M0", &e.m0));
    }
    l.extend([
        String::new(),
        format!(
            "{:<24} {:<16} {:>8} {:>11} {:>9} {:>12}",
            "indicator", "dimension", "weight", "uncensored", "censored", "contribution"
        ),
    ]);
    for i in &r.indicators {
        l.push(format!(
            "{:<24} {:<16} {:>8} {:>11} {:>9} {:>12}",
            i.id,
            i.dimension,
            num(i.weight),
            num(i.uncensored_headcount),
            num(i.censored_headcount),
            opt(i.contribution)
        ));
    }
    if let Some(groups) = &r.groups {
        l.push(String::new());
        l.push(format!(
            "{:<20} {:>6} {:>7} {:>8} {:>8} {:>8} {:>12}",
            "group", "n", "share", "H", "A", "M0", "contribution"
        ));
        for g in groups {
            l.push(format!(
                "{:<20} {:>6} {:>7} {:>8} {:>8} {:>8} {:>12}",
                g.name,
                g.n,
                num(g.population_share),
                num(g.h),
                opt(g.a),
                num(g.m0),
                opt(g.contribution)
            ));
        }
    }
    l.extend(footer(&r.dropped, &r.warnings, r.method));
    l
}

pub const NETWORK_METHOD: &str = "ties merged by pair (weights summed), self-ties left out; density and reciprocity as networkx nx.density, nx.reciprocity; betweenness normalized by Brandes' algorithm (nx.betweenness_centrality), closeness from incoming distances with the Wasserman–Faust correction (nx.closeness_centrality, wf_improved=True), over steps or weights as lengths (see paths); E-I index (E − I)/(E + I) (Krackhardt & Stern 1988); brokerage: open two-paths i→j→k by role of j (Gould & Fernandez 1989, as R sna::brokerage raw counts)";

#[derive(Debug, Serialize)]
struct NetworkReport {
    file: String,
    #[serde(flatten)]
    measures: crate::stats::network::Measures,
    method: &'static str,
}

/// The node table of --types: names in order, each with its type.
fn node_types(
    path: &std::path::Path,
    id: &str,
    type_column: &str,
) -> Result<Vec<(String, String)>> {
    use crate::check::{find_column, texts};
    let t = read_table(path, &path.display().to_string(), None)?;
    let (ji, jt) = (find_column(&t, id)?, find_column(&t, type_column)?);
    let (ids, kinds) = (texts(&t, ji), texts(&t, jt));
    let mut seen: std::collections::BTreeMap<String, u32> = Default::default();
    let mut out = Vec::new();
    for i in 0..t.height() {
        let Some(name) = ids[i].clone().filter(|s| !s.is_empty()) else {
            return Err(Error::input(
                t.cell_location(i, ji),
                "a node without a name: every row needs one",
            ));
        };
        let Some(kind) = kinds[i].clone().filter(|s| !s.is_empty()) else {
            return Err(Error::input(
                t.cell_location(i, jt),
                format!("node '{name}' has no type"),
            ));
        };
        if let Some(row) = seen.insert(name.clone(), t.row_numbers[i]) {
            return Err(Error::input(
                t.cell_location(i, ji),
                format!("node '{name}' is listed twice (also row {row})"),
            ));
        }
        out.push((name, kind));
    }
    Ok(out)
}

/// The measures of the network whose ties are the rows of `t`.
fn network_of(
    t: &crate::ingest::RawTable,
    from: &str,
    to: &str,
    weight: Option<&str>,
    directed: bool,
    distance: bool,
    types: Option<Vec<(String, String)>>,
) -> Result<NetworkReport> {
    use crate::check::{find_column, numbers, texts};
    use crate::stats::network::{Edge, Network, Paths};
    let (jf, jt) = (find_column(t, from)?, find_column(t, to)?);
    let (froms, tos) = (texts(t, jf), texts(t, jt));
    let weights = match weight {
        Some(w) => {
            let jw = find_column(t, w)?;
            Some((jw, numbers(t, jw)?))
        }
        None => None,
    };
    let known: Option<std::collections::BTreeSet<&str>> = types
        .as_ref()
        .map(|ty| ty.iter().map(|(n, _)| n.as_str()).collect());
    let mut edges = Vec::with_capacity(t.height());
    for i in 0..t.height() {
        let end = |j: usize, v: &Option<String>| -> Result<String> {
            let name = v.clone().filter(|s| !s.is_empty()).ok_or_else(|| {
                Error::input(
                    t.cell_location(i, j),
                    format!("a tie without its '{}' end", t.headers[j]),
                )
            })?;
            if let Some(k) = &known {
                if !k.contains(name.as_str()) {
                    return Err(Error::input(
                        t.cell_location(i, j),
                        format!("'{name}' is not a node of the --types table"),
                    ));
                }
            }
            Ok(name)
        };
        let a = end(jf, &froms[i])?;
        let b = end(jt, &tos[i])?;
        let w = match &weights {
            Some((jw, ws)) => match ws[i] {
                Some(x) if x > 0.0 && x.is_finite() => Some(x),
                Some(x) => {
                    return Err(Error::input(
                        t.cell_location(i, *jw),
                        format!("a tie's weight must be a number above 0, not {x}"),
                    ))
                }
                None => {
                    return Err(Error::input(
                        t.cell_location(i, *jw),
                        "a tie without a weight (give every tie one, or leave out --weight)",
                    ))
                }
            },
            None => None,
        };
        edges.push(Edge {
            from: a,
            to: b,
            weight: w,
        });
    }
    let nodes: Vec<String> = types
        .as_ref()
        .map(|ty| ty.iter().map(|(n, _)| n.clone()).collect())
        .unwrap_or_default();
    let g = Network::new(&nodes, &edges, directed);
    let class: Option<Vec<Option<String>>> = types.map(|ty| {
        let of: std::collections::BTreeMap<String, String> = ty.into_iter().collect();
        g.names.iter().map(|n| of.get(n).cloned()).collect()
    });
    let paths = if distance {
        Paths::WeightAsDistance
    } else {
        Paths::Steps
    };
    Ok(NetworkReport {
        file: t.file.clone(),
        measures: g.measures(paths, class.as_deref()),
        method: NETWORK_METHOD,
    })
}

fn network_lines(r: &NetworkReport) -> Vec<String> {
    let m = &r.measures;
    let sizes = |s: &[usize]| {
        s.iter()
            .map(usize::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    };
    let names = |s: &[String]| {
        if s.is_empty() {
            "none".to_string()
        } else {
            s.join(", ")
        }
    };
    let mut l = vec![
        format!(
            "{} network: {} nodes, {} ties{}",
            if m.directed { "directed" } else { "undirected" },
            m.nodes_count,
            m.ties,
            if m.self_ties > 0 {
                format!(" ({} self-ties left out)", m.self_ties)
            } else {
                String::new()
            }
        ),
        format!(
            "density {}, reciprocity {}",
            num(m.density),
            opt(m.reciprocity)
        ),
        format!(
            "weak components: {} (sizes {}); strong components: {} (sizes {})",
            m.weak_components.count,
            sizes(&m.weak_components.sizes),
            m.strong_components.count,
            sizes(&m.strong_components.sizes)
        ),
        format!("isolates: {}", names(&m.isolates)),
        format!("pendants: {}", names(&m.pendants)),
    ];
    if let Some(ei) = &m.ei_index {
        l.push(format!(
            "E-I index {} (external {}, internal {})",
            opt(ei.ei),
            ei.external,
            ei.internal
        ));
        for c in &ei.classes {
            l.push(format!(
                "  {:<22} E-I {:>8}  (external {}, internal {})",
                c.class,
                opt(c.ei),
                c.external,
                c.internal
            ));
        }
    }
    let broker = m.ei_index.is_some();
    let mut head = format!(
        "  {:<22} {:>5} {:>5} {:>9} {:>9} {:>11} {:>9}",
        "node", "in", "out", "in str.", "out str.", "betweenness", "closeness"
    );
    if broker {
        head.push_str("   coord  itin  repr  gate  liais");
    }
    l.push(head);
    for n in &m.nodes {
        let mut row = format!(
            "  {:<22} {:>5} {:>5} {:>9} {:>9} {:>11} {:>9}",
            n.name,
            n.in_degree,
            n.out_degree,
            num(n.in_strength),
            num(n.out_strength),
            num(n.betweenness),
            num(n.closeness)
        );
        if let Some(b) = &n.brokerage {
            row.push_str(&format!(
                "   {:>5} {:>5} {:>5} {:>5} {:>6}",
                b.coordinator, b.itinerant, b.representative, b.gatekeeper, b.liaison
            ));
        }
        l.push(row);
    }
    l.push(format!(
        "paths: {}",
        match m.paths {
            crate::stats::network::Paths::Steps => "steps",
            crate::stats::network::Paths::WeightAsDistance => "weights as lengths",
        }
    ));
    l.push(format!("method: {}", r.method));
    l
}
