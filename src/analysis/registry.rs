//! The registry of analysis kinds: one line per kind, and the only `match` on kinds. Adding a
//! kind is its folder (which implements [`AnalysisKind`] for its result), its name in
//! [`crate::plan::Kind`], and one line below.

use serde::Serialize;

use crate::error::Result;
use crate::plan::Kind;

use super::kind::{AnalysisKind, Input};

macro_rules! registry {
    ($($(#[$attr:meta])* $kind:ident => $module:ident :: $result:ident, $fragments:literal;)*) => {
        /// The result of one analysis, tagged by its kind in results.json.
        #[derive(Debug, Clone, Serialize)]
        #[serde(tag = "kind", rename_all = "snake_case")]
        pub enum AnalysisResult {
            $($(#[$attr])* $kind(Box<super::$module::$result>),)*
        }

        impl AnalysisResult {
            /// The kind of analysis that made this result.
            pub fn kind(&self) -> Kind {
                match self {
                    $($(#[$attr])* AnalysisResult::$kind(_) => Kind::$kind,)*
                }
            }

            /// The result as its kind: what it publishes and how it appears.
            pub fn as_kind(&self) -> &dyn AnalysisKind {
                match self {
                    $($(#[$attr])* AnalysisResult::$kind(r) => r.as_ref(),)*
                }
            }
        }

        /// Whether analyses of `kind` read the other analyses' results (and so run last).
        pub fn reads_results(kind: Kind) -> bool {
            match kind {
                $($(#[$attr])* Kind::$kind => <super::$module::$result as AnalysisKind>::reads_results(),)*
            }
        }

        /// Runs one analysis of its kind: the source it read, and its result.
        pub fn run(input: &Input) -> Result<(String, AnalysisResult)> {
            Ok(match *input.spec.kind.get_ref() {
                $($(#[$attr])* Kind::$kind => {
                    let (source, result) = <super::$module::$result as AnalysisKind>::run(input)?;
                    (source, AnalysisResult::$kind(Box::new(result)))
                })*
            })
        }

        /// Each kind's report chapter as built in: its name and its HTML and Markdown templates
        /// (`<fragments>/<kind>.html.j2` and `.md.j2`, which a study may override under
        /// `reports/analyses/`).
        pub fn fragments() -> Vec<(&'static str, &'static str, &'static str)> {
            let mut out = Vec::new();
            $(
                $(#[$attr])*
                out.push((
                    Kind::$kind.name(),
                    include_str!(concat!(
                        env!("CARGO_MANIFEST_DIR"), "/", $fragments, "/",
                        stringify!($module), ".html.j2"
                    )),
                    include_str!(concat!(
                        env!("CARGO_MANIFEST_DIR"), "/", $fragments, "/",
                        stringify!($module), ".md.j2"
                    )),
                ));
            )*
            out
        }
    };
}

// Kind => its folder (named as the kind is written) :: its result, the folder of its report
// chapter (`<kind>.html.j2`, `<kind>.md.j2`).
registry! {
    Likert => likert::LikertResult, "reports/analyses";
    Scales => scales::ScalesResult, "reports/analyses";
    Compare => compare::CompareResult, "reports/analyses";
    Crosstab => crosstab::CrosstabResult, "reports/analyses";
    Capability => capability::CapabilityResult, "reports/analyses";
    Codes => codes::CodesResult, "reports/analyses";
    Recommendations => recommendations::RecommendationsResult, "reports/analyses";
}
