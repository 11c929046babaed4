//! Splitting respondents by a grouping column (territory, care setting, gender): group names in a
//! stable order — the study's territory order, else the choice list's order, else sorted (as
//! numbers when every name is one) — and the group of every row.

use std::collections::{BTreeSet, HashMap};

use serde::Serialize;
use toml::Spanned;

use crate::check::{ColumnData, Dataset};
use crate::disclosure::{protect_list, Suppression};
use crate::error::Result;
use crate::ingest::format_number;
use crate::instrument::Labels;
use crate::study::Study;

use super::{GroupCount, SpecSet};

/// Which numbers of answers may be published (see [`Groups::answered_shown`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnsweredShown {
    pub groups: Vec<bool>,
    pub total: bool,
    pub missing: bool,
}

impl AnsweredShown {
    /// Everything shown (missing answers published).
    pub fn all(groups: usize) -> AnsweredShown {
        AnsweredShown {
            groups: vec![true; groups],
            total: true,
            missing: true,
        }
    }
}

/// What a grouping reads: a column, or the territory column lifted to a level of the geography.
enum Reads<'a> {
    Column(&'a str),
    Level(&'a str, usize),
}

/// What an analysis groups by, as its reports name it: the header of the groups' column (Wave,
/// Country, Role…) and each group's label, so that no code (`follow_up`) is printed for a group.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Grouping {
    /// The grouping as written (`by`, else the source's territory column).
    pub by: String,
    /// `"wave"`, `"level"` (a level of the territories: `level` names it), `"territory"` (the
    /// territory column as it is), `"question"` (`labels` are the question's) or `"column"` (a
    /// column the questionnaire does not describe).
    pub kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub level: Option<String>,
    #[serde(skip_serializing_if = "Labels::is_empty")]
    pub labels: Labels,
    /// Every group the study knows for this grouping, and its labels (waves from `[[waves]]`,
    /// answers from the questionnaire's choices).
    pub groups: Vec<String>,
    pub group_labels: Vec<Labels>,
}

/// The groups of one grouping column.
#[derive(Debug, Clone, Serialize)]
pub struct Groups {
    /// The column grouped by.
    pub by: String,
    pub names: Vec<String>,
    /// Display labels per language (choice labels; empty for territories).
    pub labels: Vec<Labels>,
    #[serde(skip)]
    pub index: Vec<Option<usize>>,
    /// Every group the study knows for this grouping (territories at its level, waves, answers
    /// of the grouping question), with respondents or not.
    #[serde(skip)]
    pub known: Vec<String>,
    /// Each group's parent territory (an index into the geography's units) when the groups are
    /// territories below the top level: a parent's counts are published beside its children's,
    /// so tables of these groups are protected within each parent too
    /// ([`crate::disclosure::protect_nested`]).
    #[serde(skip)]
    pub parents: Vec<Option<usize>>,
}

impl Groups {
    /// What `by` groups by in `dataset`: a column of it, the wave column (`"wave"`), or the
    /// territory column at a level of the study's geography (`"region"`); `None` when neither.
    fn grouping<'a>(study: &Study, dataset: &'a Dataset, by: &'a str) -> Option<Reads<'a>> {
        // "wave" is the waves whenever the source has them, whatever the column is called.
        if by == "wave" {
            if let Some(w) = dataset.wave_column.as_deref() {
                return Some(Reads::Column(w));
            }
        }
        if dataset.has(by) {
            return Some(Reads::Column(by));
        }
        let level = study.geography.level(by)?;
        dataset
            .territory_column
            .as_deref()
            .map(|t| Reads::Level(t, level))
    }

    /// What `by` (else the source's territory column) is, for the report to name it; `None`
    /// when it names nothing of `dataset`.
    pub fn describe(study: &Study, dataset: &Dataset, by: Option<&str>) -> Option<Grouping> {
        let by = by.or(dataset.territory_column.as_deref())?;
        let geography = &study.geography;
        let units = |level: Option<usize>| -> (Vec<String>, Vec<Labels>) {
            geography
                .units
                .iter()
                .filter(|u| level.is_none_or(|l| u.level == l))
                .map(|u| (u.name.clone(), Labels::new()))
                .unzip()
        };
        let describe = |kind, level: Option<String>, labels, (groups, group_labels)| Grouping {
            by: by.to_string(),
            kind,
            level,
            labels,
            groups,
            group_labels,
        };
        Some(match Groups::grouping(study, dataset, by)? {
            Reads::Level(_, l) => describe(
                "level",
                geography.levels.get(l).cloned(),
                Labels::new(),
                units(Some(l)),
            ),
            Reads::Column(c) if dataset.wave_column.as_deref() == Some(c) => describe(
                "wave",
                None,
                Labels::new(),
                study
                    .waves
                    .iter()
                    .map(|w| {
                        (
                            w.id.clone(),
                            w.label.as_ref().map(|l| l.labels()).unwrap_or_default(),
                        )
                    })
                    .unzip(),
            ),
            Reads::Column(c) if dataset.territory_column.as_deref() == Some(c) => {
                // The territory column's own level, when every territory is at one level.
                let levels: BTreeSet<usize> = geography.units.iter().map(|u| u.level).collect();
                let level = match (levels.len(), levels.first()) {
                    (1, Some(&l))
                        if geography.levels.len() > 1
                            || geography
                                .levels
                                .get(l)
                                .is_some_and(|n| n != crate::geography::DEFAULT_LEVEL) =>
                    {
                        geography.levels.get(l).cloned()
                    }
                    _ => None,
                };
                let kind = if level.is_some() {
                    "level"
                } else {
                    "territory"
                };
                describe(kind, level, Labels::new(), units(None))
            }
            Reads::Column(c) => {
                let ins = &dataset.instrument;
                match ins.item(c) {
                    Some(item) => {
                        let choices = ins
                            .list_of(item)
                            .map(|list| {
                                list.choices
                                    .iter()
                                    .map(|c| (c.name.clone(), c.labels.clone()))
                                    .unzip()
                            })
                            .unwrap_or_default();
                        describe("question", None, item.labels.clone(), choices)
                    }
                    None => describe("column", None, Labels::new(), Default::default()),
                }
            }
        })
    }

    /// Whether `by` names something `dataset` can be grouped by.
    pub fn can_group(study: &Study, dataset: &Dataset, by: &str) -> bool {
        Groups::grouping(study, dataset, by).is_some()
    }

    /// Groups by `by`, or by the source's territory column; `None` when there is no such column.
    pub fn of(study: &Study, dataset: &Dataset, by: Option<&str>) -> Option<Groups> {
        let by = by.or(dataset.territory_column.as_deref())?;
        let (column, level) = match Groups::grouping(study, dataset, by)? {
            Reads::Column(c) => (c, None),
            Reads::Level(c, l) => (c, Some(l)),
        };
        // Each row's value as the index of a distinct value: one string per distinct value,
        // not one per row.
        let mut distinct: Vec<String> = Vec::new();
        let geography = &study.geography;
        // A territory at a level above its own: the one it belongs to.
        let lift = |s: &str| -> Option<String> {
            match level {
                None => Some(s.to_string()),
                Some(l) => {
                    let unit = geography.ancestor(geography.resolve(s)?, l)?;
                    Some(geography.units[unit].name.clone())
                }
            }
        };
        // The distinct value a text means, numbered in order of first appearance.
        let number = |s: &str, distinct: &mut Vec<String>| -> Option<usize> {
            let name = lift(s)?;
            Some(match distinct.iter().position(|d| *d == name) {
                Some(k) => k,
                None => {
                    distinct.push(name);
                    distinct.len() - 1
                }
            })
        };
        let column_data = dataset.column(column).map(|c| &c.data);
        let raw: Vec<Option<usize>> = if let Some(ColumnData::Texts { codes, dictionary }) =
            column_data
        {
            // Coded texts: each code looked at once, at its first row.
            let mut of_code: Vec<Option<Option<usize>>> = vec![None; dictionary.len()];
            codes
                .iter()
                .map(|&c| {
                    let slot = of_code.get_mut(c as usize)?;
                    *slot.get_or_insert_with(|| number(&dictionary[c as usize], &mut distinct))
                })
                .collect()
        } else if let Some(t) = dataset.texts(column) {
            let mut seen: HashMap<&str, Option<usize>> = HashMap::new();
            t.into_iter()
                .map(|v| v.and_then(|s| *seen.entry(s).or_insert_with(|| number(s, &mut distinct))))
                .collect()
        } else {
            let mut seen: HashMap<u64, usize> = HashMap::new();
            dataset
                .numbers(column)?
                .into_iter()
                .map(|v| {
                    v.map(|x| {
                        *seen.entry(x.to_bits()).or_insert_with(|| {
                            distinct.push(format_number(x));
                            distinct.len() - 1
                        })
                    })
                })
                .collect()
        };
        let present: BTreeSet<&str> = distinct.iter().map(String::as_str).collect();
        // The groups the study knows, in its order, with their labels.
        let item = dataset.instrument.item(column);
        let known: Vec<(String, Labels)> = if dataset.territory_column.as_deref() == Some(column) {
            let geography = &study.geography;
            geography
                .units
                .iter()
                .filter(|u| level.is_none_or(|l| u.level == l))
                .map(|u| (u.name.clone(), Labels::new()))
                .collect()
        } else if dataset.wave_column.as_deref() == Some(column) {
            study
                .waves
                .iter()
                .map(|w| {
                    let labels = w.label.as_ref().map(|l| l.labels()).unwrap_or_default();
                    (w.id.clone(), labels)
                })
                .collect()
        } else if let Some(list) = item.and_then(|i| dataset.instrument.list_of(i)) {
            list.choices
                .iter()
                .map(|c| (c.name.clone(), c.labels.clone()))
                .collect()
        } else {
            Vec::new()
        };
        let (mut names, mut labels): (Vec<String>, Vec<Labels>) = known
            .iter()
            .filter(|(name, _)| present.contains(name.as_str()))
            .cloned()
            .unzip();
        // The others sorted, as numbers when they all are (1, 2, 10, 11).
        let mut others: Vec<&str> = present
            .iter()
            .copied()
            .filter(|p| !names.iter().any(|n| n == p))
            .collect();
        crate::text::sort_labels(&mut others);
        for p in others {
            names.push(p.to_string());
            labels.push(Labels::new());
        }
        let position: Vec<Option<usize>> = distinct
            .iter()
            .map(|d| names.iter().position(|n| n == d))
            .collect();
        let index = raw
            .into_iter()
            .map(|r| r.and_then(|k| position[k]))
            .collect();
        let territories = dataset.territory_column.as_deref() == Some(column);
        let geography = &study.geography;
        let parents = names
            .iter()
            .map(|n| {
                if !territories || !geography.is_hierarchy() {
                    return None;
                }
                let unit = geography.resolve(n)?;
                let parent = geography.units[unit].parent?;
                Some(parent)
            })
            .collect();
        Some(Groups {
            by: by.to_string(),
            names,
            labels,
            index,
            known: known.into_iter().map(|(name, _)| name).collect(),
            parents,
        })
    }

    /// Like [`Groups::of`], but an unknown column is an error located in the spec file.
    pub(crate) fn for_spec(
        set: &SpecSet,
        study: &Study,
        dataset: &Dataset,
        by: Option<&Spanned<String>>,
    ) -> Result<Option<Groups>> {
        match by {
            Some(b) => {
                if !Groups::can_group(study, dataset, b.get_ref()) {
                    return Err(set.error_at(
                        b,
                        format!(
                            "by = '{}' is not a column of {}, the waves or a level of the territories (check the name in the instrument)",
                            b.get_ref(),
                            dataset.file
                        ),
                    ));
                }
                Ok(Groups::of(study, dataset, Some(b.get_ref())))
            }
            None => Ok(Groups::of(study, dataset, None)),
        }
    }

    /// Respondents per group as published with the total `height`: counts below `min_cell`
    /// hidden, and more if a hidden one could be recomputed from the total (respondents without a
    /// group count as one more, unshown, group).
    pub fn counts(&self, height: usize, min_cell: u64) -> Vec<GroupCount> {
        let (n, hidden) = self.protected_sizes(height, min_cell);
        self.names
            .iter()
            .zip(n)
            .zip(hidden)
            .map(|((g, n), h)| GroupCount {
                group: g.clone(),
                n: h.is_none().then_some(n as usize),
                suppressed: h,
            })
            .collect()
    }

    /// Respondents per group as published with the cell-key method: each size perturbed as a
    /// cell of its own (the same value as the group's size in every count table), none hidden.
    pub fn counts_perturbed(&self, p: &super::cellkey::Perturber) -> Vec<GroupCount> {
        let mut members: Vec<Vec<usize>> = vec![Vec::new(); self.names.len()];
        for (i, g) in self.index.iter().enumerate() {
            if let Some(g) = g {
                members[*g].push(i);
            }
        }
        self.names
            .iter()
            .zip(members)
            .map(|(g, rows)| GroupCount {
                group: g.clone(),
                n: Some(p.rows(rows) as usize),
                suppressed: None,
            })
            .collect()
    }

    /// Respondents per group, and which of those sizes are hidden when published with the total
    /// `height` (the same in every table of a report, so a size hidden once stays hidden).
    pub fn protected_sizes(
        &self,
        height: usize,
        min_cell: u64,
    ) -> (Vec<u64>, Vec<Option<Suppression>>) {
        let mut n = vec![0u64; self.names.len()];
        for g in self.index.iter().flatten() {
            n[*g] += 1;
        }
        let without = (height as u64).saturating_sub(n.iter().sum::<u64>());
        let mut listed = n.clone();
        if without > 0 {
            listed.push(without);
        }
        let mut hidden = if self.parents.iter().any(Option::is_some) {
            let mut parents = self.parents.clone();
            parents.resize(listed.len(), None);
            let p =
                crate::disclosure::protect_nested(&[listed.clone()], min_cell, &[], &[], &parents);
            p.cells[0].clone()
        } else {
            protect_list(&listed, min_cell)
        };
        hidden.truncate(n.len());
        (n, hidden)
    }

    /// Protects a table whose columns are these groups (and, past them, columns of their own such
    /// as those without a group): within each parent too when the groups have parents.
    pub fn protect(
        &self,
        counts: &[Vec<u64>],
        min_cell: u64,
        hidden_cols: &[bool],
        exempt_rows: &[bool],
    ) -> crate::disclosure::Protection {
        let cols = counts.first().map_or(0, Vec::len);
        let mut parents = self.parents.clone();
        parents.resize(cols, None);
        crate::disclosure::protect_nested(counts, min_cell, hidden_cols, exempt_rows, &parents)
    }

    /// Which group sizes are hidden where they are published (so every table of the report keeps
    /// them hidden too).
    pub fn hidden_sizes(&self, height: usize, min_cell: u64) -> Vec<bool> {
        let (_, hidden) = self.protected_sizes(height, min_cell);
        hidden.iter().map(Option::is_some).collect()
    }

    /// When missing answers are protected: which groups' numbers of answers to a variable may be
    /// published beside their sizes (answered and missing × groups, protected like any table,
    /// with the sizes hidden elsewhere kept hidden), then whether everyone's number of answers
    /// and everyone's number of missing answers may. `answered[i]`: row i has an answer.
    pub fn answered_shown(&self, answered: &[bool], min_cell: u64) -> AnsweredShown {
        let c = self.names.len();
        let mut counts = vec![vec![0u64; c + 1]; 2];
        for (a, g) in answered.iter().zip(&self.index) {
            counts[usize::from(!a)][g.unwrap_or(c)] += 1;
        }
        // Rows without a group are an unpublished column (their count is never shown).
        let without = counts[0][c] + counts[1][c] > 0;
        let mut hidden_cols = self.hidden_sizes(answered.len(), min_cell);
        if without {
            hidden_cols.push(true);
        } else {
            counts.iter_mut().for_each(|row| {
                row.pop();
            });
        }
        let p = self.protect(&counts, min_cell, &hidden_cols, &[]);
        AnsweredShown {
            groups: (0..c).map(|j| p.cells[0][j].is_none()).collect(),
            total: p.rows[0].is_none(),
            missing: p.rows[1].is_none(),
        }
    }

    /// The non-missing values of each group.
    pub fn split(&self, values: &[Option<f64>]) -> Vec<Vec<f64>> {
        let mut out = vec![Vec::new(); self.names.len()];
        for (v, g) in values.iter().zip(&self.index) {
            if let (Some(v), Some(g)) = (v, g) {
                out[*g].push(*v);
            }
        }
        out
    }

    /// The non-missing values of each group with their design weights.
    pub fn split_weighted(
        &self,
        values: &[Option<f64>],
        weights: &[f64],
    ) -> Vec<(Vec<f64>, Vec<f64>)> {
        let mut out = vec![(Vec::new(), Vec::new()); self.names.len()];
        for ((v, g), w) in values.iter().zip(&self.index).zip(weights) {
            if let (Some(v), Some(g)) = (v, g) {
                out[*g].0.push(*v);
                out[*g].1.push(*w);
            }
        }
        out
    }
}

/// A group by its label in `lang` (its name when it has none): what a chart or a sentence shows
/// for a group, never its code (`follow_up`).
pub fn shown(names: &[String], labels: &[Labels], name: &str, lang: &str) -> String {
    names
        .iter()
        .position(|n| n == name)
        .and_then(|k| labels.get(k))
        .filter(|l| !l.is_empty())
        .map_or_else(
            || name.to_string(),
            |l| crate::text::label_in(l, lang, "en", name).to_string(),
        )
}

/// The non-missing values with their weights.
pub fn present_weighted(values: &[Option<f64>], weights: &[f64]) -> (Vec<f64>, Vec<f64>) {
    values
        .iter()
        .zip(weights)
        .filter_map(|(v, w)| Some(((*v)?, *w)))
        .unzip()
}
