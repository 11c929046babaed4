//! The registry of analysis kinds: one line per kind, and the only `match` on kinds. Adding a
//! kind is its folder (which implements [`AnalysisKind`] for its result), its name in
//! [`crate::plan::Kind`], and one line below.

use serde::Serialize;

use crate::error::Result;
use crate::plan::Kind;

use super::kind::{AnalysisKind, Input};

macro_rules! registry {
    ($($kind:ident => $result:ty,)*) => {
        /// The result of one analysis, tagged by its kind in results.json.
        #[derive(Debug, Clone, Serialize)]
        #[serde(tag = "kind", rename_all = "snake_case")]
        pub enum AnalysisResult {
            $($kind(Box<$result>),)*
        }

        impl AnalysisResult {
            /// The kind of analysis that made this result.
            pub fn kind(&self) -> Kind {
                match self {
                    $(AnalysisResult::$kind(_) => Kind::$kind,)*
                }
            }

            /// The result as its kind: what it publishes and how it appears.
            pub fn as_kind(&self) -> &dyn AnalysisKind {
                match self {
                    $(AnalysisResult::$kind(r) => r.as_ref(),)*
                }
            }
        }

        /// Whether analyses of `kind` read the other analyses' results (and so run last).
        pub fn reads_results(kind: Kind) -> bool {
            match kind {
                $(Kind::$kind => <$result as AnalysisKind>::reads_results(),)*
            }
        }

        /// Runs one analysis of its kind: the source it read, and its result.
        pub fn run(input: &Input) -> Result<(String, AnalysisResult)> {
            Ok(match *input.spec.kind.get_ref() {
                $(Kind::$kind => {
                    let (source, result) = <$result as AnalysisKind>::run(input)?;
                    (source, AnalysisResult::$kind(Box::new(result)))
                })*
            })
        }
    };
}

registry! {
    Likert => super::likert::LikertResult,
    Scales => super::scales::ScalesResult,
    Compare => super::compare::CompareResult,
    Crosstab => super::crosstab::CrosstabResult,
    Capability => super::capability::CapabilityResult,
    Codes => super::codes::CodesResult,
    Recommendations => super::recommendations::RecommendationsResult,
}
