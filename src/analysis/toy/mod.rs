//! A kind that exists only to test that a kind plugs in with one folder and one registry line:
//! it counts a source's respondents, published like any count (hidden below the minimum cell
//! size). The test runs a study with it and finds it in the report, tables.xlsx and results.json.

use serde::Serialize;

use crate::error::Result;
use crate::publication::{Cell, Figure, HiddenDistribution, Measure, Table};

use super::kind::{Check, AnalysisKind, Findings, Input, Methods, View};
use super::Entry;

#[derive(Debug, Clone, Serialize)]
pub struct ToyResult {
    /// What the count is called (`label`, or "Respondents counted by the toy kind").
    pub label: String,
    /// The source's respondents; null when fewer than the minimum cell size.
    pub respondents: Option<usize>,
}

crate::parameters! {
    /// The toy kind's one parameter, to show that a kind's parameters are its own.
    pub struct Params {
        /// What the count is called in the report.
        pub label: Option<toml::Spanned<String>>,
    }
}

impl AnalysisKind for ToyResult {
    fn check(c: &Check) -> Result<()> {
        c.params::<Params>().map(|_| ())
    }

    fn run(input: &Input) -> Result<(String, Self)> {
        let p: Params = input.params()?;
        input.on_survey(|dataset| {
            let n = dataset.height();
            let shown = n as u64 >= input.plan.study.min_cell;
            Ok(ToyResult {
                label: p.label.map_or_else(
                    || "Respondents counted by the toy kind".into(),
                    |l| l.into_inner(),
                ),
                respondents: shown.then_some(n),
            })
        })
    }

    fn hidden(&self, _source: &str) -> Vec<HiddenDistribution> {
        Vec::new()
    }

    fn withhold(&mut self, _source: &str, _hidden: &[HiddenDistribution]) {}

    fn tables(&self, view: &View) -> Vec<Table> {
        let id = view.entry.id.as_str();
        let mut t = Table::new(id, &["respondents"]);
        t.rows.push(vec![Cell::count(self.respondents)]);
        vec![t]
    }

    fn measures(&self, _: &str) -> Vec<Measure> {
        Vec::new()
    }

    fn methods(&self, _: &Entry, _: &mut Methods) {}

    fn figures(&self, _: &View) -> Result<Vec<Figure>> {
        Ok(Vec::new())
    }

    fn findings(&self, _: &View, _: &mut Findings) {}
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    fn copy_dir(from: &Path, to: &Path) {
        std::fs::create_dir_all(to).unwrap();
        for e in std::fs::read_dir(from).unwrap() {
            let e = e.unwrap();
            let target = to.join(e.file_name());
            if e.file_type().unwrap().is_dir() {
                copy_dir(&e.path(), &target);
            } else {
                std::fs::copy(e.path(), target).unwrap();
            }
        }
    }

    #[test]
    fn a_kind_in_one_folder_appears_in_the_report_the_workbook_and_results_json() {
        // The example study with the folders its paths lead to, plus one analysis of the kind.
        let tmp = tempfile::tempdir().unwrap();
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let study = tmp.path().join("examples/study");
        copy_dir(&root.join("examples/caring-prato-firenze"), &study);
        copy_dir(&root.join("analyses"), &tmp.path().join("analyses"));
        copy_dir(&root.join("instruments"), &tmp.path().join("instruments"));
        std::fs::write(
            tmp.path().join("analyses/toy.toml"),
            "[[analysis]]\nid = \"toy-count\"\nkind = \"toy\"\ntitle = { it = \"Conteggio\", en = \"Toy count\" }\nlabel = \"Respondents counted by the toy kind\"\n",
        )
        .unwrap();
        let toml = std::fs::read_to_string(study.join("study.toml")).unwrap();
        let toml = toml.replace(
            "\"../../analyses/care-leavers-recommendations.toml\"]",
            "\"../../analyses/care-leavers-recommendations.toml\", \"../../analyses/toy.toml\"]",
        );
        std::fs::write(study.join("study.toml"), toml).unwrap();
        let out = tmp.path().join("out");
        let code = crate::cli::run::execute(crate::cli::run::Args {
            study: study.clone(),
            out: out.clone(),
            lang: Some("en".into()),
            internal: false,
        })
        .unwrap();
        assert_eq!(code, 0);
        let n = 200;
        // results.json: the result under its kind.
        let json: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(out.join("results.json")).unwrap())
                .unwrap();
        let toy = json["analyses"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["id"] == "toy-count")
            .unwrap();
        assert_eq!(toy["kind"], "toy");
        assert_eq!(toy["respondents"], n);
        // The report: its chapter, from the kind's own fragments.
        let html = std::fs::read_to_string(out.join("report.html")).unwrap();
        assert!(html.contains("<h2>Toy count</h2>"), "no chapter");
        assert!(html.contains(&format!("<p class=\"toy\">Respondents counted by the toy kind: {n}</p>")));
        assert_eq!(toy["label"], "Respondents counted by the toy kind");
        let md = std::fs::read_to_string(out.join("report.md")).unwrap();
        assert!(md.contains(&format!("Respondents counted by the toy kind: {n}")));
        // tables.xlsx: its sheet.
        let mut book: calamine::Xlsx<_> = calamine::open_workbook(out.join("tables.xlsx")).unwrap();
        let sheet = calamine::Reader::worksheet_range(&mut book, "toy-count").unwrap();
        assert_eq!(sheet.get((0, 0)), Some(&calamine::Data::String("respondents".into())));
        assert_eq!(sheet.get((1, 0)), Some(&calamine::Data::Float(n as f64)));
        // Its parameters are its own: a typo in one is refused at its line before any data,
        // and another kind's parameter is told it does not apply.
        let toy_file = tmp.path().join("analyses/toy.toml");
        let written = std::fs::read_to_string(&toy_file).unwrap();
        for (typo, expected) in [
            ("labl = \"x\"", "toy.toml, line 6, column 1: unknown field `labl`"),
            ("items = [\"edu_1\"]", "toy.toml, line 6, column 9: `items` does not apply to an analysis of kind 'toy'"),
        ] {
            std::fs::write(&toy_file, format!("{written}{typo}\n")).unwrap();
            let e = crate::analysis::load_plan(&study).unwrap_err().to_string();
            assert!(e.contains(expected), "{e}");
        }
    }
}
