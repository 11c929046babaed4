//! The registry of analysis kinds: the macro that turns one line per kind (in
//! [`crate::analysis`]) into the kind's module, its variant of `AnalysisResult`, and the only
//! `match`es on kinds: what a result is as a kind, how a kind runs, its report chapter.

macro_rules! registry {
    ($($(#[$attr:meta])* $kind:ident => $module:ident :: $result:ident, $fragments:literal;)*) => {
        $($(#[$attr])* pub mod $module;)*

        /// The result of one analysis, tagged by its kind in results.json.
        #[derive(Debug, Clone, serde::Serialize)]
        #[serde(tag = "kind", rename_all = "snake_case")]
        pub enum AnalysisResult {
            $($(#[$attr])* $kind(Box<$module::$result>),)*
        }

        impl AnalysisResult {
            /// The kind of analysis that made this result.
            pub fn kind(&self) -> $crate::plan::Kind {
                match self {
                    $($(#[$attr])* AnalysisResult::$kind(_) => $crate::plan::Kind::$kind,)*
                }
            }

            /// The result as its kind: what it publishes and how it appears.
            pub fn as_kind(&self) -> &dyn $crate::analysis::kind::AnalysisKind {
                match self {
                    $($(#[$attr])* AnalysisResult::$kind(r) => r.as_ref(),)*
                }
            }

            /// The result as its kind, to withhold what another analysis hides.
            pub fn as_kind_mut(&mut self) -> &mut dyn $crate::analysis::kind::AnalysisKind {
                match self {
                    $($(#[$attr])* AnalysisResult::$kind(r) => r.as_mut(),)*
                }
            }
        }

        /// The keys analyses of `kind` take beside those every analysis has.
        pub fn parameters(kind: $crate::plan::Kind) -> &'static [&'static str] {
            match kind {
                $($(#[$attr])* $crate::plan::Kind::$kind => {
                    $crate::plan::analyses::field_names::<$module::Params>()
                })*
            }
        }

        /// The table of keys analyses of `kind` take, for `capakit schema`.
        pub fn parameter_table(kind: $crate::plan::Kind) -> $crate::schema::Table {
            let heading = format!("kind = \"{}\"", kind.name());
            match kind {
                $($(#[$attr])* $crate::plan::Kind::$kind => {
                    $crate::schema::table::<$module::Params>(heading)
                })*
            }
        }

        /// Checks one analysis of its kind before any data is read.
        pub fn check_kind(c: &$crate::analysis::kind::Check) -> $crate::error::Result<()> {
            match *c.spec.kind.get_ref() {
                $($(#[$attr])* $crate::plan::Kind::$kind => {
                    <$module::$result as $crate::analysis::kind::AnalysisKind>::check(c)
                })*
            }
        }

        /// Runs one analysis of its kind: the source it read, and its result.
        pub fn run(
            input: &$crate::analysis::kind::Input,
        ) -> $crate::error::Result<(String, AnalysisResult)> {
            Ok(match *input.spec.kind.get_ref() {
                $($(#[$attr])* $crate::plan::Kind::$kind => {
                    let (source, result) = <$module::$result as $crate::analysis::kind::AnalysisKind>::run(input)?;
                    (source, AnalysisResult::$kind(Box::new(result)))
                })*
            })
        }

        /// Each kind's report chapter as built in: its name and its template
        /// (`<fragments>/<kind>.html.j2`, which a study may override under `reports/analyses/`;
        /// report.md and report.docx are written from the rendered HTML).
        #[allow(clippy::vec_init_then_push)] // one push per kind, each under its own cfg
        pub fn fragments() -> Vec<(&'static str, &'static str)> {
            let mut out = Vec::new();
            $(
                $(#[$attr])*
                out.push((
                    $crate::plan::Kind::$kind.name(),
                    include_str!(concat!(
                        env!("CARGO_MANIFEST_DIR"), "/", $fragments, "/",
                        stringify!($module), ".html.j2"
                    )),
                ));
            )*
            out
        }
    };
}
