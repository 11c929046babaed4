//! How a focus-group codes analysis runs from its specification, what it publishes and how it
//! appears.

use crate::error::Result;
use toml::Spanned;
use crate::instrument::label_in;
use crate::publication::{Cell, Figure, HiddenDistribution, KeyFinding, Measure, NumFormat, Statistic, Table};

use super::super::kind::{Check, AnalysisKind, Findings, Input, Methods, View};
use super::super::methods::note;
use super::super::Entry;
use super::CodesResult;

crate::parameters! {
    /// No parameters beside those every analysis has.
    pub struct Params {}
}

impl AnalysisKind for CodesResult {
    fn check(c: &Check) -> Result<()> {
        c.params::<Params>().map(|_| ())
    }

    fn run(input: &Input) -> Result<(String, Self)> {
        let (spec, study) = (input.spec, &input.plan.study);
        // The plan checked that the source exists and `by` is a metadata column.
        let source = spec.source.as_ref();
        let coding = match source {
            Some(s) => input.codings.iter().find(|c| &c.source == s.get_ref()),
            None => input.codings.first(),
        }
        .ok_or_else(|| {
            input.set.error_at(
                source.unwrap_or(&spec.id),
                crate::plan::needs_segments(*spec.kind.get_ref()),
            )
        })?;
        let by = spec
            .by
            .as_ref()
            .map_or("territory", |b| b.get_ref().as_str());
        let order: Vec<String> = study.territories().iter().map(|t| t.name.clone()).collect();
        // `where` keeps the documents whose metadata (territory, session, role, care setting)
        // is one of the values named.
        let kept;
        let coding = match &spec.filter {
            Some(filter) => {
                kept = documents_where(coding, filter, input.set)?;
                &kept
            }
            None => coding,
        };
        let result = super::run(coding, by, &study.names, study.name_coders, &order, study.min_cell);
        Ok((coding.source.clone(), result))
    }

    fn hidden(&self, _source: &str) -> Vec<HiddenDistribution> {
        Vec::new()
    }

    fn withhold(&mut self, _source: &str, _hidden: &[HiddenDistribution]) {}

    fn tables(&self, view: &View) -> Vec<Table> {
        let (id, lang) = (view.entry.id.as_str(), view.lang);
        let mut t = Table::new(
            id,
            &["code", "label", "group", "units", "documents", "percent"],
        )
        .caption(view.words.get("codes_frequencies"));
        for c in &self.codes {
            let rows = self
                .groups
                .iter()
                .map(Cell::text)
                .zip(&c.groups)
                .chain([(Cell::text("total"), &c.total)]);
            for (group, g) in rows {
                t.rows.push(vec![
                    Cell::text(&c.code),
                    Cell::label(&c.labels, lang, &c.code),
                    group,
                    Cell::count(Some(g.units)),
                    Cell::count(Some(g.documents)),
                    Cell::shown(g.percent),
                ]);
            }
        }
        let mut out = self.matrix_tables(id, view);
        out.push(t);
        out.extend(self.pair_tables(id, view));
        out.extend(self.agreement_tables(id, view));
        out
    }

    /// Each code's share of a group's coded units, and of all of them.
    fn measures(&self, id: &str) -> Vec<Measure> {
        let mut out = Vec::new();
        for c in &self.codes {
            let rows = self
                .groups
                .iter()
                .map(|g| Some(g.clone()))
                .zip(&c.groups)
                .chain([(None, &c.total)]);
            for (group, g) in rows {
                out.push(Measure {
                    analysis: id.to_string(),
                    subject: c.code.clone(),
                    labels: c.labels.clone(),
                    statistic: Statistic::Share,
                    group,
                    value: g.percent,
                    p_adjusted: None,
                });
            }
        }
        out
    }

    fn methods(&self, _: &Entry, m: &mut Methods) {
        let mut refs = vec!["jaccard1912"];
        if self.agreement.is_some() {
            refs.extend(["cohen1960", "krippendorff2011"]);
        }
        m.add(note("codes", None, &refs));
    }

    /// Its heatmap is a shaded table in the template.
    fn figures(&self, _: &View) -> Result<Vec<Figure>> {
        Ok(Vec::new())
    }

    /// The most frequent code in each group.
    fn findings(&self, v: &View, out: &mut Findings) {
        let (s, lang) = (v.words, v.lang);
        let mut parts = Vec::new();
        for (j, g) in self.groups.iter().enumerate() {
            let best = self
                .codes
                .iter()
                .filter_map(|x| Some((x.groups.get(j)?.percent?, x)))
                .max_by(|a, b| a.0.total_cmp(&b.0));
            if let Some((p, x)) = best.filter(|b| b.0 > 0.0) {
                parts.push(
                    s.get("kf_focus_part")
                        .replace("{group}", g)
                        .replace("{code}", label_in(&x.labels, lang, "en", &x.code))
                        .replace("{share}", &crate::format::percent(p, 0, lang)),
                );
            }
        }
        if !parts.is_empty() {
            out.findings.push(KeyFinding {
                text: s.get("kf_focus").replace("{list}", &parts.join("; ")),
                figure: None,
                rank: 3,
            });
        }
    }
}

/// The coding restricted to the documents whose metadata `filter` names (each key a metadata
/// field: territory, session, role or care_setting; each value one or a list).
fn documents_where(
    coding: &crate::check::segments::Coding,
    filter: &std::collections::BTreeMap<Spanned<String>, Spanned<crate::plan::analyses::OneOrList>>,
    set: &crate::plan::SpecSet,
) -> Result<crate::check::segments::Coding> {
    let fold = |s: &str| s.trim().to_lowercase();
    let mut documents = coding.documents.clone();
    for (key, values) in filter {
        let field = key.get_ref().as_str();
        if !["territory", "session", "role", "care_setting"].contains(&field) {
            return Err(set.error_at(
                key,
                format!("'{field}' is not a field of the documents' metadata to select by (territory, session, role, care_setting)"),
            ));
        }
        let wanted: Vec<String> = values.get_ref().values().iter().map(|v| fold(v)).collect();
        for v in &wanted {
            if !coding.documents.values().any(|m| m.field(field).is_some_and(|x| &fold(x) == v)) {
                return Err(set.error_span(
                    values.span(),
                    format!("no document of {} has {field} '{v}'", coding.file),
                ));
            }
        }
        documents.retain(|_, m| m.field(field).is_some_and(|x| wanted.contains(&fold(x))));
    }
    let mut out = coding.clone();
    out.segments.retain(|s| documents.contains_key(&s.document));
    out.documents = documents;
    Ok(out)
}

/// The codes chapter's other tables: the phase × element matrices, the co-occurrences, the
/// coders' agreement and disagreements.
impl CodesResult {
    /// One phase × element matrix per group (coded units), and the difference of the first two
    /// groups in percentage points.
    fn matrix_tables(&self, id: &str, view: &View) -> Vec<Table> {
        let (lang, words) = (view.lang, view.words);
        let Some(mx) = &self.matrix else {
            return Vec::new();
        };
        let header = |first: &str| {
            let mut h = vec!["phase".to_string(), first.to_string()];
            h.extend(mx.cols.iter().zip(&mx.col_labels).map(|(c, l)| {
                let label = label_in(l, lang, "en", c);
                if label == c {
                    c.clone()
                } else {
                    format!("{c} {label}")
                }
            }));
            h
        };
        let row_start = |ri: usize| {
            vec![
                Cell::text(&mx.rows[ri]),
                mx.row_labels
                    .get(ri)
                    .map_or(Cell::Empty, |l| Cell::label(l, lang, &mx.rows[ri])),
            ]
        };
        let mut out = Vec::new();
        for (g, units) in self.groups.iter().zip(&mx.units) {
            let mut t = Table::with_header(format!("{id} matrix {g}"), header("phase_label"))
                .caption(words.fill("codes_matrix", &[("group", g)]));
            for (ri, row) in units.iter().enumerate() {
                let mut cells = row_start(ri);
                cells.extend(row.iter().map(|&x| Cell::Number(x as f64)));
                t.rows.push(cells);
            }
            let n = t.header.len();
            out.push((2..n).fold(t, |t, j| t.format(j, NumFormat::Count)));
        }
        if let (Some(diff), [a, b, ..]) = (&mx.difference, self.groups.as_slice()) {
            let mut t =
                Table::with_header(format!("{id} matrix difference"), header("phase_label"))
                    .caption(words.fill("codes_difference", &[("a", a), ("b", b)]));
            for (ri, row) in diff.iter().enumerate() {
                let mut cells = row_start(ri);
                cells.extend(row.iter().map(|&x| Cell::number(Some(x))));
                t.rows.push(cells);
            }
            let n = t.header.len();
            out.push((2..n).fold(t, |t, j| t.format(j, NumFormat::Points)));
        }
        out
    }

    /// The pairs of codes met in the same unit (the report's first ten) and in the same
    /// document (its first fifteen).
    fn pair_tables(&self, id: &str, view: &View) -> Vec<Table> {
        let words = view.words;
        let mut out = Vec::new();
        for (pairs, name, take, caption) in [
            (&self.cooccurrence, "cooccurrence", 10, "codes_cooccurrence"),
            (
                &self.cooccurrence_documents,
                "cooccurrence documents",
                15,
                "codes_cooccurrence_documents",
            ),
        ] {
            if pairs.is_empty() {
                continue;
            }
            let what = if take == 10 { "units" } else { "documents" };
            let t = Table::new(format!("{id} {name}"), &["code_a", "code_b", what, "jaccard"]);
            let mut t = if take == 10 {
                t.caption(words.get(caption))
            } else {
                t.titled(words.get(caption))
            };
            for p in pairs.iter().take(take) {
                t.rows.push(vec![
                    Cell::text(&p.a),
                    Cell::text(&p.b),
                    Cell::Number(p.units as f64),
                    Cell::Number(p.jaccard),
                ]);
            }
            out.push(t);
        }
        out
    }

    /// Agreement between the coders, per code (Cohen's κ, Krippendorff's α), and the units
    /// they coded differently.
    fn agreement_tables(&self, id: &str, view: &View) -> Vec<Table> {
        let words = view.words;
        let Some(ag) = &self.agreement else {
            return Vec::new();
        };
        let mut t = Table::new(
            format!("{id} agreement"),
            &["code", "units_with_code", "cohen_kappa", "krippendorff_alpha"],
        )
        .caption(words.get("codes_agreement_table"))
        .format(2, NumFormat::Hundredths)
        .format(3, NumFormat::Hundredths);
        t.rows.push(vec![
            Cell::text("total"),
            Cell::Number(ag.units as f64),
            Cell::number(ag.overall.cohen_kappa),
            Cell::number(ag.overall.krippendorff_alpha),
        ]);
        for x in &ag.codes {
            t.rows.push(vec![
                Cell::text(&x.code),
                Cell::Number(x.units_with_code as f64),
                Cell::number(x.agreement.cohen_kappa),
                Cell::number(x.agreement.krippendorff_alpha),
            ]);
        }
        let mut out = vec![t];
        if !ag.disagreements.is_empty() {
            let mut d = Table::new(
                format!("{id} disagreements"),
                &["document", "unit", "code", "with", "without"],
            )
            .titled(words.fill(
                "codes_disagreements",
                &[("n", &ag.disagreements.len().to_string())],
            ));
            for x in &ag.disagreements {
                d.rows.push(vec![
                    Cell::text(&x.document),
                    Cell::text(&x.unit),
                    Cell::text(&x.code),
                    Cell::text(x.with.join(", ")),
                    Cell::text(x.without.join(", ")),
                ]);
            }
            out.push(d);
        }
        out
    }
}
