//! Two-group comparison (e.g. Prato against Firenze) of every Likert item and every scale score:
//! Mann–Whitney U with rank-biserial correlation (exact p-value too when there are no ties),
//! Welch's t-test with Cohen's d and Hedges' g beside it, and the Mann–Whitney p-values adjusted
//! across the family.

pub mod many;
pub mod publish;
pub mod table;
pub use many::ManyTest;
pub use publish::Params;

use serde::{Deserialize, Serialize};
use toml::Spanned;

use crate::check::Dataset;
use crate::error::Result;
use crate::instrument::Labels;
use crate::disclosure::summary_min;
use crate::publication::HiddenDistribution;
use crate::stats::{adjust_within, mann_whitney, welch, MannWhitney, Summary, Welch};
use crate::study::Study;

use super::likert::select_items;
use super::scales::select_scales;
use super::{labels_of, Correction, Groups, SpecSet};

/// How the tests are computed, stated in every result.
pub const METHOD: &str = "Mann–Whitney U test, two-sided, normal approximation with tie and continuity corrections (as scipy.stats.mannwhitneyu, method='asymptotic'; the family correction applies to these p-values), and the exact p-value when there are no ties and n1 + n2 ≤ 100 (method='exact'); effect size: rank-biserial correlation 2U/(n1·n2) − 1, positive when the first group tends higher. Beside it Welch's t-test (scipy.stats.ttest_ind, equal_var=False) with Cohen's d (pooled SD) and Hedges' g";

/// Below this many answers in a group, a test's approximation is flagged in the report.
pub const SMALL_GROUP: usize = 10;

#[derive(Debug, Clone, Serialize)]
pub struct Test {
    pub variable: String,
    /// `item` or `scale`.
    pub kind: &'static str,
    pub labels: Labels,
    pub n: [usize; 2],
    pub median: [Option<f64>; 2],
    pub mean: [Option<f64>; 2],
    pub sd: [Option<f64>; 2],
    pub ci95: [Option<[f64; 2]>; 2],
    pub u: f64,
    pub z: f64,
    pub p: f64,
    /// Exact two-sided p-value (no ties, n1 + n2 ≤ 100), else null.
    pub p_exact: Option<f64>,
    /// Adjusted within its family of tests ([`Test::family`]).
    pub p_adjusted: f64,
    /// The family of tests it is corrected in (see [`Family`]).
    pub family: String,
    pub rank_biserial: f64,
    /// Welch's t-test with Cohen's d and Hedges' g; null with fewer than two answers in a group.
    pub welch: Option<Welch>,
    /// A group has fewer than [`SMALL_GROUP`] answers: read the exact p-value where given.
    pub small_group: bool,
}

/// One variable compared between two groups: each group's summary, the Mann–Whitney test (null
/// when every value is the same or a group is empty) and Welch's t-test beside it. The study's
/// comparison and `capakit stats compare` both compute it here.
pub struct TwoGroups {
    pub summaries: [Summary; 2],
    pub mann_whitney: Option<MannWhitney>,
    pub welch: Option<Welch>,
}

impl TwoGroups {
    pub fn of(x: &[f64], y: &[f64]) -> TwoGroups {
        TwoGroups {
            summaries: [Summary::of(x), Summary::of(y)],
            mann_whitney: mann_whitney(x, y),
            welch: welch(x, y),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Skipped {
    pub variable: String,
    /// The question's or scale's labels, as the report names it.
    pub labels: Labels,
    pub reason: String,
    /// For a comparison withheld to protect respondents, which rule withheld it
    /// (`hidden_elsewhere`, `rare_answer`, `few_answers`): the report says it once, in the
    /// reader's language, for every question it applies to.
    pub protected: Option<&'static str>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CompareResult {
    pub by: Option<String>,
    pub groups: Vec<String>,
    pub group_labels: Vec<Labels>,
    pub method: &'static str,
    pub correction: Correction,
    /// The families of tests, each corrected on its own, in the order of their first test.
    pub families: Vec<Family>,
    /// Why no test was run at all (e.g. fewer than two groups).
    pub not_run: Option<String>,
    pub tests: Vec<Test>,
    /// With more than two groups: each variable's Kruskal–Wallis test, Dunn's pairs and the
    /// groups' rank intervals (then `tests` is empty). Absent from results.json for two groups.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub many: Vec<ManyTest>,
    /// With more than two groups: the groups left out of every variable tested, for the same
    /// reason (a region with few respondents), named once in the report.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub left_out_everywhere: Vec<many::LeftOut>,
    pub skipped: Vec<Skipped>,
}

/// How the tests fall into families when the analysis does not name a variable's family.
#[derive(Debug, Clone, Copy, Default, Deserialize, Serialize, PartialEq, Eq, documented::DocumentedFieldsOpt, documented::DocumentedOpt)]
#[serde(rename_all = "snake_case")]
pub enum FamilyMode {
    /// One family per block (XLSForm group) of the questionnaire: a scale is in the block of
    /// its statements (in a family of scales when they span several blocks).
    #[default]
    Block,
    /// One family for every test of the analysis.
    All,
}

/// A family of tests, corrected on its own: its size is the number of tests in it.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Family {
    /// The block's name (empty: the questions outside any block), the name given in the
    /// analysis's `families`, `scales`, or `all`.
    pub name: String,
    /// `block`, `declared` (in `families`), `scales` (scales spanning blocks) or `all`.
    pub from: &'static str,
    /// Tests in the family (after any withheld to protect respondents).
    pub tests: usize,
}

/// The families an analysis declares: `families` (name, variables) and the `family` mode for
/// the variables they do not name.
#[derive(Debug, Clone, Default)]
pub struct Families {
    pub mode: FamilyMode,
    pub named: Vec<(String, Vec<String>)>,
}

impl Families {
    /// The family of a compared variable (`kind`: item or scale), and where it comes from.
    pub fn of(&self, dataset: &Dataset, variable: &str, kind: &str) -> (String, &'static str) {
        if let Some((name, _)) = self.named.iter().find(|(_, v)| v.iter().any(|x| x == variable)) {
            return (name.clone(), "declared");
        }
        if self.mode == FamilyMode::All {
            return ("all".into(), "all");
        }
        let ins = &dataset.instrument;
        let block = |item: &str| -> String {
            ins.item(item)
                .and_then(|i| i.groups.last().cloned())
                .unwrap_or_default()
        };
        if kind == "scale" {
            let blocks: std::collections::BTreeSet<String> = ins
                .scale(variable)
                .map(|s| s.items.iter().map(|i| block(i)).collect())
                .unwrap_or_default();
            if blocks.len() == 1 {
                return (blocks.into_iter().next().unwrap_or_default(), "block");
            }
            return ("scales".into(), "scales");
        }
        (block(variable), "block")
    }
}

/// Whether, in one of the groups, an answer of the item's choice list was given by some, but
/// fewer than `min_cell`, respondents: a table of those answers would hide that count, and the
/// n, mean, SD and median of the group can give it back. (An answer nobody gave is hidden in a
/// table too; when one is, [`withhold_hidden`] withholds the comparison.)
fn rare_answer(dataset: &Dataset, item: &str, groups: [&[f64]; 2], min_cell: u64) -> bool {
    let ins = &dataset.instrument;
    let Some(list) = ins.item(item).and_then(|i| ins.list_of(i)) else {
        return false;
    };
    let scores: Vec<f64> = list.choices.iter().filter_map(|c| list.score(&c.name)).collect();
    // One pass over each group's answers, counting them by choice.
    groups.iter().any(|values| {
        let mut counts = vec![0u64; scores.len()];
        for v in values.iter() {
            if let Some(c) = scores.iter().position(|s| s == v) {
                counts[c] += 1;
            }
        }
        counts.iter().any(|&n| n > 0 && n < min_cell)
    })
}

/// Withholds the comparison of a question whose answers, in one of the two groups, another
/// analysis publishes with hidden cells: its n, mean, SD and test would give them back.
pub(super) fn withhold_hidden(result: &mut CompareResult, source: &str, hidden: &[HiddenDistribution]) {
    let by = result.by.clone();
    let hidden_in = |group: &str, variable: &str| {
        hidden.iter().any(|h| {
            h.source == source
                && h.by == by
                && h.group.as_deref() == Some(group)
                && h.variable == variable
        })
    };
    // More than two groups: a group whose answers are hidden elsewhere is left out of the
    // question's test, which is run again without it.
    let mut changed = false;
    for t in std::mem::take(&mut result.many) {
        if t.kind != "item" {
            result.many.push(t);
            continue;
        }
        let variable = t.variable.clone();
        let hidden_here = |g: &str| hidden_in(g, &variable);
        changed |= t
            .groups
            .iter()
            .any(|g| g.left_out.is_none() && hidden_here(&g.group));
        let family = t.family.clone();
        match many::without(t, hidden_here) {
            Ok(mut t) => {
                t.family = family;
                result.many.push(t)
            }
            Err((_, t)) => result.skipped.push(Skipped {
                labels: t.labels,
                variable: t.variable,
                reason: HIDDEN_ELSEWHERE.into(),
                protected: Some("hidden_elsewhere"),
            }),
        }
    }
    let groups = result.groups.clone();
    let is_hidden = |variable: &str| groups.iter().any(|g| hidden_in(g, variable));
    let (kept, withheld): (Vec<Test>, Vec<Test>) = std::mem::take(&mut result.tests)
        .into_iter()
        .partition(|t| t.kind != "item" || !is_hidden(&t.variable));
    result.tests = kept;
    if withheld.is_empty() && !changed {
        return;
    }
    result.skipped.extend(withheld.into_iter().map(|t| Skipped {
        labels: t.labels,
        variable: t.variable,
        reason: HIDDEN_ELSEWHERE.into(),
        protected: Some("hidden_elsewhere"),
    }));
    adjust_family(result);
}

/// Why a question is not compared when the table of its answers hides a count.
pub const HIDDEN_ELSEWHERE: &str = "the table of answers hides or perturbs some of its counts in a group, to protect respondents: the number of answers, the mean and the test would give them back exactly, so it is not compared";

/// The p-values adjusted within each family, across the comparisons published; each family's
/// size counted again (a comparison withheld leaves its family).
fn adjust_family(result: &mut CompareResult) {
    let p: Vec<f64> = result.tests.iter().map(|t| t.p).collect();
    let family: Vec<String> = result.tests.iter().map(|t| t.family.clone()).collect();
    let adjusted = adjust_within(&p, &family, result.correction);
    for (t, a) in result.tests.iter_mut().zip(adjusted) {
        t.p_adjusted = a;
    }
    let p: Vec<f64> = result.many.iter().map(|t| t.p).collect();
    let family: Vec<String> = result.many.iter().map(|t| t.family.clone()).collect();
    for (t, a) in result
        .many
        .iter_mut()
        .zip(adjust_within(&p, &family, result.correction))
    {
        t.p_adjusted = a;
    }
    for f in &mut result.families {
        f.tests = family
            .iter()
            .chain(result.tests.iter().map(|t| &t.family))
            .filter(|x| **x == f.name)
            .count();
    }
    result.families.retain(|f| f.tests > 0);
    result.left_out_everywhere = many::left_out_everywhere(&result.many);
}

#[allow(clippy::too_many_arguments)]
pub(super) fn run(
    set: &SpecSet,
    study: &Study,
    dataset: &Dataset,
    variables: Option<&[Spanned<String>]>,
    by: Option<&Spanned<String>>,
    wanted: Option<&[Spanned<String>]>,
    correction: Correction,
    families: &Families,
) -> Result<CompareResult> {
    let groups = Groups::for_spec(set, study, dataset, by)?;
    let mut result = CompareResult {
        by: groups.as_ref().map(|g| g.by.clone()),
        groups: Vec::new(),
        group_labels: Vec::new(),
        method: METHOD,
        correction,
        families: Vec::new(),
        not_run: None,
        tests: Vec::new(),
        many: Vec::new(),
        left_out_everywhere: Vec::new(),
        skipped: Vec::new(),
    };
    let Some(groups) = groups else {
        result.not_run = Some(super::NO_GROUPS.into());
        return Ok(result);
    };
    // A group named in the spec that the study knows (a territory, an answer of the grouping
    // question) but no respondent belongs to leaves the comparison not run, with the reason: a
    // wave without one territory is data, not a typo. An unknown name is an error at its place.
    let known = |name: &str| groups.known.iter().any(|k| k == name);
    let absent = wanted
        .into_iter()
        .flatten()
        .find(|g| !groups.names.contains(g.get_ref()) && known(g.get_ref()))
        .map(|g| {
            format!(
                "no respondent of the data belongs to the group '{}' of '{}' (groups with respondents: {})",
                g.get_ref(),
                groups.by,
                groups.names.join(", ")
            )
        });
    let pair: Vec<usize> = match wanted {
        Some(w) => w
            .iter()
            .filter(|g| {
                absent.is_none() || groups.names.contains(g.get_ref()) || !known(g.get_ref())
            })
            .map(|g| {
                groups
                    .names
                    .iter()
                    .position(|n| n == g.get_ref())
                    .ok_or_else(|| {
                        set.error_at(
                            g,
                            format!(
                                "'{}' is not a group of '{}' (groups: {})",
                                g.get_ref(),
                                groups.by,
                                groups.names.join(", ")
                            ),
                        )
                    })
            })
            .collect::<Result<_>>()?,
        None => (0..groups.names.len()).collect(),
    };
    // More than two groups, named or all of them: compared at once.
    let is_many = absent.is_none() && pair.len() > 2;
    if absent.is_none() && pair.len() < 2 {
        let counted = match wanted {
            Some(_) => format!("`groups` names {}", pair.len()),
            None => format!("'{}' has {}", groups.by, pair.len()),
        };
        result.not_run = Some(format!(
            "a comparison needs two groups or more; {counted} (groups of '{}': {})",
            groups.by,
            groups.names.join(", ")
        ));
        return Ok(result);
    }
    if absent.is_none() {
        result.groups = pair.iter().map(|&k| groups.names[k].clone()).collect();
        result.group_labels = pair.iter().map(|&k| groups.labels[k].clone()).collect();
    }

    // Variables: Likert items and scales (all of them when not named).
    // (Each one's values are read when it is compared, one at a time.)
    let mut vars: Vec<(String, &'static str, bool)> = Vec::new();
    let (item_names, scale_names): (Vec<Spanned<String>>, Vec<Spanned<String>>) = match variables {
        Some(v) => v
            .iter()
            .cloned()
            .partition(|n| dataset.instrument.scale(n.get_ref()).is_none()),
        None => (Vec::new(), Vec::new()),
    };
    let (items, scales) = if variables.is_some() {
        (
            if item_names.is_empty() {
                Vec::new()
            } else {
                select_items(set, dataset, Some(&item_names))?
            },
            if scale_names.is_empty() {
                Vec::new()
            } else {
                select_scales(set, dataset, Some(&scale_names))?
            },
        )
    } else {
        (
            select_items(set, dataset, None)?,
            select_scales(set, dataset, None)?,
        )
    };
    let ins = &dataset.instrument;
    for s in scales {
        let protect = study.protects_missing(s.items.iter().filter_map(|i| ins.item(i)));
        vars.push((s.name.clone(), "scale", protect));
    }
    for i in items {
        let protect = study.protects_missing(ins.item(&i));
        vars.push((i, "item", protect));
    }
    // Each variable's family, in the order of the variables; each family listed once.
    let family_of: Vec<String> = vars
        .iter()
        .map(|(name, kind, _)| {
            let (family, from) = families.of(dataset, name, kind);
            if !result.families.iter().any(|f| f.name == family) {
                result.families.push(Family {
                    name: family.clone(),
                    from,
                    tests: 0,
                });
            }
            family
        })
        .collect();
    let vars: Vec<(String, &'static str, bool, String)> = vars
        .into_iter()
        .zip(family_of)
        .map(|((n, k, p), f)| (n, k, p, f))
        .collect();
    // The variables are named (a typo is still an error) and listed as not compared, so a rule
    // that reads one finds it and does not fire.
    if let Some(reason) = absent {
        result.skipped = vars
            .into_iter()
            .map(|(variable, ..)| Skipped {
                labels: labels_of(dataset, &variable),
                variable,
                reason: reason.clone(),
                protected: None,
            })
            .collect();
        result.not_run = Some(reason);
        return Ok(result);
    }
    if is_many {
        result.method = many::METHOD;
        for (name, kind, protect, family) in vars {
            let before = result.many.len();
            compare_many(&mut result, study, dataset, &groups, &pair, name, kind, protect);
            if result.many.len() > before {
                if let Some(t) = result.many.last_mut() {
                    t.family = family;
                }
            }
        }
        adjust_family(&mut result);
        return Ok(result);
    }

    for (name, kind, protect, family) in vars {
        let values: std::borrow::Cow<[Option<f64>]> = if kind == "scale" {
            dataset.scale_scores(&name).into()
        } else {
            dataset.numbers(&name).unwrap_or_default().into()
        };
        let split = groups.split(&values);
        let (x, y) = (&split[pair[0]], &split[pair[1]]);
        if protect {
            let answered: Vec<bool> = values.iter().map(Option::is_some).collect();
            let shown = groups.answered_shown(&answered, study.min_cell);
            if !(shown.groups[pair[0]] && shown.groups[pair[1]]) {
                result.skipped.push(Skipped {
                    labels: labels_of(dataset, &name),
                    variable: name,
                    reason: format!(
                        "the number of answers would show how few in a group left it unanswered (missing answers are protected, fewer than {}): not compared",
                        study.min_cell
                    ),
                    protected: Some("protected_missing"),
                });
                continue;
            }
        }
        let fewest = summary_min(study.min_cell);
        if (x.len().min(y.len()) as u64) < fewest {
            result.skipped.push(Skipped {
                labels: labels_of(dataset, &name),
                variable: name,
                reason: format!(
                    "a group has fewer than {fewest} answers: their mean, SD and median would show how many gave each answer; not compared, to protect respondents"
                ),
                protected: Some("few_answers"),
            });
            continue;
        }
        if kind == "item" && rare_answer(dataset, &name, [x, y], study.min_cell) {
            result.skipped.push(Skipped {
                labels: labels_of(dataset, &name),
                variable: name,
                reason: format!(
                    "in a group, an answer was given by fewer than {}: the number of answers, the mean and the SD would show how many; not compared, to protect respondents",
                    study.min_cell
                ),
                protected: Some("rare_answer"),
            });
            continue;
        }
        let two = TwoGroups::of(x, y);
        match two.mann_whitney {
            Some(mw) => {
                let [a, b] = two.summaries;
                result.tests.push(Test {
                    labels: labels_of(dataset, &name),
                    variable: name,
                    kind,
                    n: [a.n, b.n],
                    median: [a.median, b.median],
                    mean: [a.mean, b.mean],
                    sd: [a.sd, b.sd],
                    ci95: [a.ci95, b.ci95],
                    u: mw.u,
                    z: mw.z,
                    p: mw.p,
                    p_exact: mw.p_exact,
                    p_adjusted: mw.p,
                    family,
                    rank_biserial: mw.rank_biserial,
                    welch: two.welch,
                    small_group: a.n.min(b.n) < SMALL_GROUP,
                })
            }
            None => result.skipped.push(Skipped {
                labels: labels_of(dataset, &name),
                variable: name,
                reason: if x.is_empty() || y.is_empty() {
                    "a group has no answers".into()
                } else {
                    "every answer is the same: there is nothing to compare".into()
                },
                protected: None,
            }),
        }
    }
    adjust_family(&mut result);
    Ok(result)
}

/// One variable compared across more than two groups (`pair` indexes `groups`): each group left
/// out where its values may not be summarised, the others tested.
#[allow(clippy::too_many_arguments)]
fn compare_many(
    result: &mut CompareResult,
    study: &Study,
    dataset: &Dataset,
    groups: &Groups,
    pair: &[usize],
    name: String,
    kind: &'static str,
    protect: bool,
) {
    let values: std::borrow::Cow<[Option<f64>]> = if kind == "scale" {
        dataset.scale_scores(&name).into()
    } else {
        dataset.numbers(&name).unwrap_or_default().into()
    };
    let mut split = groups.split(&values);
    let shown = protect.then(|| {
        let answered: Vec<bool> = values.iter().map(Option::is_some).collect();
        groups.answered_shown(&answered, study.min_cell)
    });
    let fewest = summary_min(study.min_cell);
    let members: Vec<many::GroupValues> = pair
        .iter()
        .map(|&k| {
            let x = std::mem::take(&mut split[k]);
            let why = if shown.as_ref().is_some_and(|s| !s.groups[k]) {
                Some("protected_missing")
            } else if (x.len() as u64) < fewest {
                Some("few_answers")
            } else if kind == "item" && rare_answer(dataset, &name, [&x, &[]], study.min_cell) {
                Some("rare_answer")
            } else {
                None
            };
            match why {
                None => many::GroupValues::new(&groups.names[k], x, None),
                Some(_) => many::GroupValues::new(&groups.names[k], Vec::new(), why),
            }
        })
        .collect();
    let labels = labels_of(dataset, &name);
    match many::test(name.clone(), kind, labels.clone(), members) {
        Ok(t) => result.many.push(t),
        Err((why, _)) => result.skipped.push(Skipped {
            labels,
            variable: name,
            reason: match why {
                many::NotTested::FewGroups => many::few_groups_reason(study.min_cell),
                many::NotTested::AllSame => {
                    "every answer is the same: there is nothing to compare".into()
                }
            },
            protected: match why {
                many::NotTested::FewGroups => Some("few_groups"),
                many::NotTested::AllSame => None,
            },
        }),
    }
}
