//! `analyses/*.toml` as written: one `[[analysis]]` per analysis, tagged by `kind`, every value
//! with its place in the file so that a mistake is reported with its line and column. Read
//! before any data; the analyses ([`crate::analysis`]) run what is resolved here.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use toml::Spanned;

use crate::error::{Error, Result};

/// The kinds of analysis.
#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// Distribution of Likert answers per item and group.
    Likert,
    /// Scale scores (mean of items, reverse keys applied) with Cronbach's alpha.
    Scales,
    /// Two-group comparison of every item and scale: Mann–Whitney U, adjusted p-values.
    Compare,
    /// Single-choice questions crossed with the groups: shares, χ², Cramér's V, Fisher.
    Crosstab,
    /// Capability deprivations counted across dimensions (Alkire–Foster): H, A, M0.
    Capability,
    /// Focus-group codes: frequencies, the two-level matrix, co-occurrence, coder agreement.
    Codes,
    /// Recommendation rules over the other analyses' published results.
    Recommendations,
    /// Change between waves of means, shares and the capability index, with panel flows.
    Change,
    /// Programme indicators from records against their targets: value, progress and status.
    Indicators,
    /// Before and after on the same people: paired tests, who left, the dose of sessions.
    Paired,
    /// A network of services: size, density, centralities, brokerage, gaps between types.
    Network,
    /// A kind that exists only to test that a kind plugs in (`src/analysis/toy/`).
    #[cfg(test)]
    Toy,
}

/// One analysis as written in an `analyses/*.toml` file (`[[analysis]]`): what every kind has.
/// Its own parameters are read by its kind, which refuses a key it does not know with its line
/// and column (see `SpecSet::entry`).
#[derive(Debug, Clone, Deserialize, documented::DocumentedFieldsOpt, documented::DocumentedOpt)]
pub struct Spec {
    /// The analysis's id, unique in the study: results, tables and rules name it.
    pub id: Spanned<String>,
    /// What the analysis computes; its parameters follow.
    pub kind: Spanned<Kind>,
    /// The chapter's title, in one language or per language (the kind's when omitted).
    #[serde(default)]
    pub title: Option<crate::study::Text>,
    /// The source (by name in study.toml) to analyse; the first when omitted.
    #[serde(default)]
    pub source: Option<Spanned<String>>,
    /// The column to group by; the source's territory column when omitted.
    #[serde(default)]
    pub by: Option<Spanned<String>>,
    /// The respondents it is restricted to: each key a grouping (a question, `"wave"`, a level
    /// of the territories), each value one group or a list of them.
    #[serde(default, rename = "where")]
    pub filter: Option<std::collections::BTreeMap<Spanned<String>, Spanned<OneOrList>>>,
    /// Its place among the file's analyses (from 0).
    #[serde(skip)]
    pub index: usize,
}

/// The keys every analysis has; the others are its kind's parameters.
pub const COMMON_KEYS: [&str; 6] = ["id", "kind", "title", "source", "by", "where"];

/// One value or a list of values.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(untagged)]
pub enum OneOrList {
    One(String),
    List(Vec<String>),
}

impl OneOrList {
    pub fn values(&self) -> Vec<&str> {
        match self {
            OneOrList::One(s) => vec![s.as_str()],
            OneOrList::List(v) => v.iter().map(String::as_str).collect(),
        }
    }
}

impl Spec {
    pub fn id(&self) -> &str {
        self.id.get_ref()
    }
}

/// What an analysis of a kind reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reads {
    /// A survey source (a questionnaire's answers).
    Survey,
    /// A source of coded focus-group segments.
    Segments,
    /// The other analyses' published results.
    Results,
    /// A source of programme records (`kind = "records"`).
    Records,
    /// A network of services (`kind = "network"`).
    Network,
}

/// What a list parameter names in the questionnaire, checked before the data is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Names {
    /// Likert items or scales.
    LikertOrScale,
    Scales,
    /// Single-choice questions with named answers.
    SingleChoice,
    /// Questions to group by (or the territory column).
    Grouping,
    /// Scales, and questions measured by a number or a single choice (before and after).
    Measured,
}

/// What the plan knows of a kind: its name in an analyses file, and what it reads. Its
/// parameters are the kind's own (`src/analysis/<kind>/`).
#[derive(Debug)]
pub struct KindSpec {
    pub kind: Kind,
    pub name: &'static str,
    pub reads: Reads,
}

/// Every kind, in the order of [`Kind`].
const KINDS: &[KindSpec] = &[
    KindSpec {
        kind: Kind::Likert,
        name: "likert",
        reads: Reads::Survey,
    },
    KindSpec {
        kind: Kind::Scales,
        name: "scales",
        reads: Reads::Survey,
    },
    KindSpec {
        kind: Kind::Compare,
        name: "compare",
        reads: Reads::Survey,
    },
    KindSpec {
        kind: Kind::Crosstab,
        name: "crosstab",
        reads: Reads::Survey,
    },
    KindSpec {
        kind: Kind::Capability,
        name: "capability",
        reads: Reads::Survey,
    },
    KindSpec {
        kind: Kind::Codes,
        name: "codes",
        reads: Reads::Segments,
    },
    KindSpec {
        kind: Kind::Recommendations,
        name: "recommendations",
        reads: Reads::Results,
    },
    KindSpec {
        kind: Kind::Change,
        name: "change",
        reads: Reads::Survey,
    },
    KindSpec {
        kind: Kind::Indicators,
        name: "indicators",
        reads: Reads::Records,
    },
    KindSpec {
        kind: Kind::Paired,
        name: "paired",
        reads: Reads::Survey,
    },
    KindSpec {
        kind: Kind::Network,
        name: "network",
        reads: Reads::Network,
    },
    #[cfg(test)]
    KindSpec {
        kind: Kind::Toy,
        name: "toy",
        reads: Reads::Survey,
    },
];

impl Kind {
    /// Every kind.
    pub fn all() -> impl Iterator<Item = Kind> {
        KINDS.iter().map(|k| k.kind)
    }

    /// What the plan knows of this kind.
    pub fn spec(self) -> &'static KindSpec {
        &KINDS[self as usize]
    }

    /// The kind as written in an analyses file.
    pub fn name(self) -> &'static str {
        self.spec().name
    }
}

/// The keys a struct of parameters reads (its serde field names).
pub fn field_names<'de, T: Deserialize<'de>>() -> &'static [&'static str] {
    struct Fields(&'static [&'static str]);
    #[derive(Debug)]
    struct Done;
    impl std::fmt::Display for Done {
        fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("field names")
        }
    }
    impl std::error::Error for Done {}
    impl serde::de::Error for Done {
        fn custom<M: std::fmt::Display>(_: M) -> Done {
            Done
        }
    }
    struct Capture<'a>(&'a mut Fields);
    impl<'de> serde::Deserializer<'de> for Capture<'_> {
        type Error = Done;
        fn deserialize_any<V: serde::de::Visitor<'de>>(
            self,
            _: V,
        ) -> std::result::Result<V::Value, Done> {
            Err(Done)
        }
        fn deserialize_struct<V: serde::de::Visitor<'de>>(
            self,
            _: &'static str,
            fields: &'static [&'static str],
            _: V,
        ) -> std::result::Result<V::Value, Done> {
            self.0 .0 = fields;
            Err(Done)
        }
        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
            option unit unit_struct newtype_struct seq tuple tuple_struct map enum identifier
            ignored_any
        }
    }
    let mut fields = Fields(&[]);
    let _ = T::deserialize(Capture(&mut fields));
    fields.0
}

/// Reads one entry of the `analysis` array of a file as `P`, skipping the others.
struct Pick<P> {
    index: usize,
    kind: std::marker::PhantomData<P>,
}

impl<'de, P: Deserialize<'de>> serde::de::DeserializeSeed<'de> for Pick<P> {
    type Value = Option<P>;

    fn deserialize<D: serde::Deserializer<'de>>(
        self,
        d: D,
    ) -> std::result::Result<Option<P>, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de, P: Deserialize<'de>> serde::de::Visitor<'de> for Pick<P> {
    type Value = Option<P>;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a file of [[analysis]] tables")
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(
        self,
        mut map: A,
    ) -> std::result::Result<Option<P>, A::Error> {
        let mut picked = None;
        while let Some(key) = map.next_key::<String>()? {
            if key == "analysis" {
                picked = map.next_value_seed(PickInSeq::<P> {
                    index: self.index,
                    kind: std::marker::PhantomData,
                })?;
            } else {
                map.next_value::<serde::de::IgnoredAny>()?;
            }
        }
        Ok(picked)
    }
}

/// The `index`-th element of an array as `P`.
struct PickInSeq<P> {
    index: usize,
    kind: std::marker::PhantomData<P>,
}

impl<'de, P: Deserialize<'de>> serde::de::DeserializeSeed<'de> for PickInSeq<P> {
    type Value = Option<P>;

    fn deserialize<D: serde::Deserializer<'de>>(
        self,
        d: D,
    ) -> std::result::Result<Option<P>, D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de, P: Deserialize<'de>> serde::de::Visitor<'de> for PickInSeq<P> {
    type Value = Option<P>;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("an array of [[analysis]] tables")
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(
        self,
        mut seq: A,
    ) -> std::result::Result<Option<P>, A::Error> {
        let mut picked = None;
        let mut i = 0;
        loop {
            if i == self.index {
                match seq.next_element::<P>()? {
                    Some(p) => picked = Some(p),
                    None => break,
                }
            } else if seq.next_element::<serde::de::IgnoredAny>()?.is_none() {
                break;
            }
            i += 1;
        }
        Ok(picked)
    }
}

/// A kind's parameters as a struct read from its `[[analysis]]` table (with
/// [`SpecSet::entry`]): the fields written, each optional, plus the keys every analysis has (id,
/// kind, title, source, by), which the plan reads; any other key is refused at its line.
#[macro_export]
macro_rules! parameters {
    ($(#[$meta:meta])* pub struct $name:ident { $($(#[$fmeta:meta])* pub $field:ident: $ty:ty,)* }) => {
        $(#[$meta])*
        #[derive(
            Debug,
            Clone,
            serde::Deserialize,
            documented::DocumentedFieldsOpt,
            documented::DocumentedOpt,
        )]
        #[serde(deny_unknown_fields)]
        pub struct $name {
            $($(#[$fmeta])* #[serde(default)] pub $field: $ty,)*
            #[serde(default, rename = "id")]
            _id: Option<serde::de::IgnoredAny>,
            #[serde(default, rename = "kind")]
            _kind: Option<serde::de::IgnoredAny>,
            #[serde(default, rename = "title")]
            _title: Option<serde::de::IgnoredAny>,
            #[serde(default, rename = "source")]
            _source: Option<serde::de::IgnoredAny>,
            #[serde(default, rename = "by")]
            _by: Option<serde::de::IgnoredAny>,
            #[serde(default, rename = "where")]
            _where: Option<serde::de::IgnoredAny>,
        }
    };
}

/// The names of a list parameter, when written.
pub(crate) fn names(v: &Option<Spanned<Vec<Spanned<String>>>>) -> Option<&[Spanned<String>]> {
    v.as_ref().map(|x| x.get_ref().as_slice())
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SpecFile {
    #[serde(default)]
    analysis: Vec<Spec>,
}

/// A file of analysis specifications, with its text kept for located errors.
#[derive(Debug, Clone)]
pub struct SpecSet {
    pub path: PathBuf,
    pub text: String,
    pub specs: Vec<Spec>,
}

impl SpecSet {
    pub fn load(path: &Path) -> Result<SpecSet> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        let file: SpecFile = toml::from_str(&text).map_err(|e| Error::toml(path, &text, &e))?;
        Ok(SpecSet {
            path: path.to_path_buf(),
            text,
            specs: file
                .analysis
                .into_iter()
                .enumerate()
                .map(|(index, spec)| Spec { index, ..spec })
                .collect(),
        })
    }

    /// The `index`-th `[[analysis]]` of this file read as `P`, a kind's parameters (see
    /// [`crate::parameters`]): the file is read again, that entry as `P` and the others skipped,
    /// so every value keeps its place and a key `P` does not know is an error at its line.
    pub fn entry<P: serde::de::DeserializeOwned>(&self, index: usize) -> Result<P> {
        use serde::de::DeserializeSeed;
        let picked = Pick::<P> {
            index,
            kind: std::marker::PhantomData,
        }
        .deserialize(toml::Deserializer::new(&self.text))
        .map_err(|e| Error::toml(&self.path, &self.text, &e))?;
        picked.ok_or_else(|| {
            Error::Usage(format!(
                "{}: there is no analysis number {}",
                self.path.display(),
                index + 1
            ))
        })
    }

    /// An error pointing at a value of this file.
    pub(crate) fn error_at(&self, at: &Spanned<String>, message: impl Into<String>) -> Error {
        Error::toml_at(&self.path, &self.text, at.span().start, message)
    }

    /// An error pointing at a span of this file.
    pub(crate) fn error_span(
        &self,
        span: std::ops::Range<usize>,
        message: impl Into<String>,
    ) -> Error {
        Error::toml_at(&self.path, &self.text, span.start, message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_is_described_in_the_order_of_the_enum_under_its_written_name() {
        for (i, k) in KINDS.iter().enumerate() {
            assert_eq!(k.kind as usize, i, "{}", k.name);
            let written: Kind = toml::Value::String(k.name.into()).try_into().unwrap();
            assert_eq!(written, k.kind);
        }
    }
}

#[cfg(test)]
mod entry_tests {
    use super::*;

    crate::parameters! {
        pub struct Items {
            pub items: Option<Spanned<Vec<Spanned<String>>>>,
        }
    }

    fn set(text: &str) -> SpecSet {
        SpecSet {
            path: "a.toml".into(),
            text: text.into(),
            specs: Vec::new(),
        }
    }

    #[test]
    fn an_entry_is_read_with_its_places_and_its_unknown_keys_refused() {
        let text = "[[analysis]]\nid = \"a\"\nkind = \"scales\"\n\n[[analysis]]\nid = \"b\"\nkind = \"likert\"\ntitle = { it = \"x\" }\nitems = [\"edu_1\", \"edu_2\"]\n";
        let s = set(text);
        let p: Items = s.entry(1).unwrap();
        let items = p.items.unwrap();
        let second = &items.get_ref()[1];
        assert_eq!(&text[second.span()], "\"edu_2\"");
        let p: Items = s.entry(0).unwrap();
        assert!(p.items.is_none());
        let e = set("[[analysis]]\nid = \"a\"\nkind = \"likert\"\nitemz = [\"x\"]\n")
            .entry::<Items>(0)
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("line 4, column 1") && e.contains("unknown field `itemz`"),
            "{e}"
        );
    }
}
