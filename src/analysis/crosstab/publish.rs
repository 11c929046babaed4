//! How a cross-tabulation runs from its specification, what it publishes and how it appears.

use crate::error::Result;
use crate::plan::analyses::names;
use crate::plan::Names;
use super::super::kind::ListOfNames;
use crate::instrument::label_in;
use crate::publication::{Cell, Figure, HiddenDistribution, Measure, Table};

use super::super::kind::{Check, AnalysisKind, Findings, Input, Methods, View};
use super::super::methods::{correction_refs, note, Flag};
use super::super::Entry;
use super::{CrosstabResult, RESIDUAL_MARK};

crate::parameters! {
    /// A cross-tabulation's parameters.
    pub struct Params {
        /// The single-choice questions to cross with the groups (all when omitted).
        pub variables: Option<ListOfNames>,
        /// holm (default), bh or none.
        pub correction: Option<toml::Spanned<crate::stats::Correction>>,
    }
}

impl AnalysisKind for CrosstabResult {
    fn check(c: &Check) -> Result<()> {
        let p: Params = c.params()?;
        c.names(p.variables.as_ref(), Names::SingleChoice)
    }

    fn run(input: &Input) -> Result<(String, Self)> {
        let p: Params = input.params()?;
        input.on_survey(|dataset| {
            input.independent_groups(dataset, None)?;
            super::run(
                input.set,
                &input.plan.study,
                dataset,
                names(&p.variables),
                input.spec.by.as_ref(),
                p.correction.map(|c| *c.get_ref()).unwrap_or_default(),
            )
        })
    }

    fn hidden(&self, source: &str) -> Vec<HiddenDistribution> {
        let mut out = Vec::new();
        for t in &self.tables {
            for (j, group) in self.groups.iter().enumerate() {
                let column = t.cells.iter().map(|row| &row[j]);
                let no_answer = t.no_answer.iter().map(|row| &row[j]);
                let not_asked = t.not_asked.iter().map(|row| &row[j]);
                if column
                    .chain(no_answer)
                    .chain(not_asked)
                    .any(|c| c.suppressed.is_some())
                {
                    out.push(HiddenDistribution {
                        source: source.to_string(),
                        by: self.by.clone(),
                        group: Some(group.clone()),
                        variable: t.variable.clone(),
                    });
                }
            }
        }
        out
    }

    fn withhold(&mut self, _source: &str, _hidden: &[HiddenDistribution]) {}

    fn tables(&self, view: &View) -> Vec<Table> {
        let (id, lang) = (view.entry.id.as_str(), view.lang);
        let mut t = Table::new(
            id,
            &[
                "variable",
                "label",
                "answer",
                "group",
                "count",
                "percent",
                "ci95_low",
                "ci95_high",
            ],
        );
        for x in &self.tables {
            t.captions
                .push(label_in(&x.labels, lang, "en", &x.variable).to_string());
        }
        for x in &self.tables {
            let rows = x.cells.iter().enumerate().map(|(i, row)| {
                let answer = x.categories.get(i).map_or(Cell::Empty, Cell::text);
                (answer, row)
            });
            let no_answer = x
                .no_answer
                .as_ref()
                .map(|row| (Cell::text("(no answer)"), row));
            let not_asked = x
                .not_asked
                .as_ref()
                .map(|row| (Cell::text("(not asked)"), row));
            for (answer, row) in rows.chain(no_answer).chain(not_asked) {
                for (g, c) in self.groups.iter().zip(row) {
                    t.rows.push(vec![
                        Cell::text(&x.variable),
                        Cell::label(&x.labels, lang, &x.variable),
                        answer.clone(),
                        Cell::text(g),
                        Cell::shown(c.count.map(|n| n as f64)),
                        Cell::shown(c.percent),
                        Cell::shown(c.ci95.map(|c| c[0])),
                        Cell::shown(c.ci95.map(|c| c[1])),
                    ]);
                }
            }
            // The report's last row: how many answered, per group.
            for (g, n) in self.groups.iter().zip(&x.n) {
                t.rows.push(vec![
                    Cell::text(&x.variable),
                    Cell::label(&x.labels, lang, &x.variable),
                    Cell::text("(n)"),
                    Cell::text(g),
                    Cell::shown(n.map(|n| n as f64)),
                    Cell::Empty,
                    Cell::Empty,
                    Cell::Empty,
                ]);
            }
        }
        // Haberman's adjusted residuals where they are published (with the test, nothing
        // hidden, counts not perturbed): one row per answer and group.
        let mut residuals = Table::new(
            format!("{id} residuals"),
            &[
                "variable",
                "label",
                "answer",
                "group",
                "count",
                "adjusted_residual",
                "beyond_1.96",
            ],
        )
        .titled(view.words.get("residual_legend"));
        for x in &self.tables {
            let Some(r) = &x.residuals else {
                continue;
            };
            for (i, (row, cells)) in r.iter().zip(&x.cells).enumerate() {
                for ((g, value), c) in self.groups.iter().zip(row).zip(cells) {
                    let Some(value) = value.filter(|_| c.count.is_some()) else {
                        continue;
                    };
                    let beyond = if value > RESIDUAL_MARK {
                        "more"
                    } else if value < -RESIDUAL_MARK {
                        "fewer"
                    } else {
                        ""
                    };
                    residuals.rows.push(vec![
                        Cell::text(&x.variable),
                        Cell::label(&x.labels, lang, &x.variable),
                        x.categories.get(i).map_or(Cell::Empty, Cell::text),
                        Cell::text(g),
                        Cell::shown(c.count.map(|n| n as f64)),
                        Cell::number(Some(value)),
                        Cell::text(beyond),
                    ]);
                }
            }
        }
        vec![t, residuals]
    }

    /// No rule tests a cross-tabulation yet.
    fn measures(&self, _: &str) -> Vec<Measure> {
        Vec::new()
    }

    fn methods(&self, e: &Entry, m: &mut Methods) {
        if self.not_run.is_some() {
            return;
        }
        let refs: Vec<&str> = [
            "pearson1900",
            "cramer1946",
            "yates1934",
            "fisher1922",
            "wilson1927",
        ]
        .into_iter()
        .chain(correction_refs(self.correction).iter().copied())
        .collect();
        m.add(note("crosstab", Some(self.correction), &refs));
        for t in self.tables.iter().filter(|t| t.chi2_doubtful) {
            m.flags.push(Flag {
                code: "chi2_small_expected",
                analysis: e.id.clone(),
                variable: t.variable.clone(),
                labels: t.labels.clone(),
                group: None,
                n: t.tests.as_ref().map_or(0.0, |x| x.min_expected),
            });
        }
    }

    /// Its shares are shown as tables.
    fn figures(&self, _: &View) -> Result<Vec<Figure>> {
        Ok(Vec::new())
    }

    fn findings(&self, _: &View, _: &mut Findings) {}
}
