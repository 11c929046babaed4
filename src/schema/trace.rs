//! What a `Deserialize` struct reads, learnt by deserializing it from a stand-in
//! [`serde::Deserializer`] that answers every request and notes what was asked: its keys (serde's
//! names, renames applied), the shape of each key's value, and which keys are required. So the
//! reference of the configuration files is the code that reads them, and cannot drift from it.
//!
//! serde-reflection does the same for formats it can serialize to, but refuses untagged enums
//! (`deserialize_any`), which capakit's texts (`"…"` or `{ it = "…", en = "…" }`) are; here such a
//! value is tried with each form a TOML value can take and the forms it accepts are kept.

use serde::de::{self, DeserializeOwned, DeserializeSeed, IntoDeserializer, Visitor};

/// Integer requests answered as `i64` (`u64`) ones.
macro_rules! signed {
    ($($method:ident)*) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Stop> {
            self.deserialize_i64(visitor)
        }
    )*};
}
macro_rules! unsigned {
    ($($method:ident)*) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Stop> {
            self.deserialize_u64(visitor)
        }
    )*};
}

/// The shape of a key's value.
#[derive(Debug, Clone, PartialEq)]
pub enum Shape {
    Boolean,
    Integer,
    Number,
    Text,
    List(Box<Shape>),
    /// A table of values of one shape under keys of the user's choosing.
    Table(Box<Shape>),
    Optional(Box<Shape>),
    /// A table of named keys: the struct (by its Rust name) that reads it.
    Struct(&'static str),
    /// One of these names (the serde names of an enum's variants).
    Choice(&'static str, &'static [&'static str]),
    /// A value read by trying forms in turn (an untagged enum): the forms it accepts.
    OneOf(Vec<Form>),
    /// Read and ignored.
    Ignored,
    /// Not yet asked for.
    Unknown,
}

/// A form a TOML value takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    Text,
    Number,
    Boolean,
    List,
    Table,
}

const FORMS: [Form; 5] = [
    Form::Text,
    Form::Number,
    Form::Boolean,
    Form::List,
    Form::Table,
];

/// serde_spanned's private names for a `toml::Spanned` value, which is read as the value itself.
const SPANNED: &str = "$__serde_spanned_private_Spanned";

/// One key of a struct.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    pub key: &'static str,
    pub shape: Shape,
    /// Neither optional nor defaulted: a file without it is refused.
    pub required: bool,
}

/// The Rust name of the struct `T` and its keys, in the order declared.
pub fn fields<T: DeserializeOwned>() -> (&'static str, Vec<Field>) {
    let mut name = "";
    let mut keys: &'static [&'static str] = &[];
    let _ = T::deserialize(Top {
        provided: &[],
        traced: None,
        name: Some((&mut name, &mut keys)),
    });
    // The keys required, one at a time: serde names the first one missing.
    let mut required: Vec<&'static str> = Vec::new();
    while let Err(Stop::Missing(key)) = T::deserialize(Top {
        provided: &required,
        traced: None,
        name: None,
    }) {
        if required.contains(&key) || !keys.contains(&key) {
            break;
        }
        required.push(key);
    }
    let fields = keys
        .iter()
        .map(|&key| Field {
            key,
            shape: shape_of::<T>(key),
            required: required.contains(&key),
        })
        .collect();
    (name, fields)
}

/// The shape of the value of `key` in `T`.
fn shape_of<T: DeserializeOwned>(key: &'static str) -> Shape {
    let probe = |mode: Mode| {
        let mut shape = Shape::Unknown;
        let mut ok = false;
        let _ = T::deserialize(Top {
            provided: &[],
            traced: Some(Traced {
                key,
                shape: &mut shape,
                mode,
                ok: &mut ok,
            }),
            name: None,
        });
        (shape, ok)
    };
    let (mut shape, _) = probe(Mode::Trace);
    if shape.has_one_of() {
        let forms: Vec<Form> = FORMS
            .into_iter()
            .filter(|&f| probe(Mode::Answer(f)).1)
            .collect();
        shape.set_forms(&forms);
    }
    shape
}

impl Shape {
    fn has_one_of(&self) -> bool {
        match self {
            Shape::OneOf(_) => true,
            Shape::List(s) | Shape::Table(s) | Shape::Optional(s) => s.has_one_of(),
            _ => false,
        }
    }

    fn set_forms(&mut self, forms: &[Form]) {
        match self {
            Shape::OneOf(f) => *f = forms.to_vec(),
            Shape::List(s) | Shape::Table(s) | Shape::Optional(s) => s.set_forms(forms),
            _ => {}
        }
    }
}

/// Why the stand-in stopped: a required key was missing, or anything else.
#[derive(Debug)]
enum Stop {
    Missing(&'static str),
    Other,
}

impl std::fmt::Display for Stop {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("traced")
    }
}

impl std::error::Error for Stop {}

impl de::Error for Stop {
    fn custom<M: std::fmt::Display>(_: M) -> Stop {
        Stop::Other
    }

    fn missing_field(field: &'static str) -> Stop {
        Stop::Missing(field)
    }
}

/// How the stand-in answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Learn the shape: a list or table has one element, a value read by forms gets a text.
    Trace,
    /// Make a value that is accepted: lists and tables empty, options absent.
    Make,
    /// Learn whether a value read by forms accepts this form: it is given one (an empty list
    /// or table), in a list or table of one element when it is inside one.
    Answer(Form),
}

/// The key whose value is traced.
struct Traced<'a> {
    key: &'static str,
    shape: &'a mut Shape,
    mode: Mode,
    ok: &'a mut bool,
}

/// The struct itself: notes its name and keys, and gives the keys `provided` (with made values)
/// and the key `traced`.
struct Top<'a> {
    provided: &'a [&'static str],
    traced: Option<Traced<'a>>,
    name: Option<(&'a mut &'static str, &'a mut &'static [&'static str])>,
}

impl<'de> de::Deserializer<'de> for Top<'_> {
    type Error = Stop;

    fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Stop> {
        Err(Stop::Other)
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Stop> {
        if let Some((n, f)) = self.name {
            *n = name;
            *f = fields;
            return Err(Stop::Other);
        }
        let mut keys: Vec<&'static str> = self.provided.to_vec();
        if let Some(t) = &self.traced {
            keys.push(t.key);
        }
        visitor.visit_map(Keys {
            keys,
            at: 0,
            traced: self.traced,
        })
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct map enum identifier
        ignored_any
    }
}

/// The key at `at` of a table's keys, given to serde as a string; `None` past the last.
fn key_at<'de, K: DeserializeSeed<'de>>(
    keys: &[&'static str],
    at: usize,
    seed: K,
) -> Result<Option<K::Value>, Stop> {
    match keys.get(at) {
        Some(&key) => seed
            .deserialize(de::value::BorrowedStrDeserializer::new(key))
            .map(Some),
        None => Ok(None),
    }
}

/// A struct's table with the keys given.
struct Keys<'a> {
    keys: Vec<&'static str>,
    at: usize,
    traced: Option<Traced<'a>>,
}

impl<'de> de::MapAccess<'de> for Keys<'_> {
    type Error = Stop;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Stop> {
        key_at(&self.keys, self.at, seed)
    }

    fn next_value_seed<S: DeserializeSeed<'de>>(&mut self, seed: S) -> Result<S::Value, Stop> {
        let key = self.keys[self.at];
        self.at += 1;
        match &mut self.traced {
            Some(t) if t.key == key => {
                let value = seed.deserialize(Tracer {
                    shape: t.shape,
                    mode: t.mode,
                });
                *t.ok = value.is_ok();
                value
            }
            _ => seed.deserialize(Tracer {
                shape: &mut Shape::Unknown,
                mode: Mode::Make,
            }),
        }
    }
}

/// A value: notes its shape in `shape` and answers as `mode` says.
struct Tracer<'a> {
    shape: &'a mut Shape,
    mode: Mode,
}

impl<'a> Tracer<'a> {
    fn inner(mode: Mode, shape: &'a mut Shape) -> Tracer<'a> {
        Tracer { shape, mode }
    }
}

impl<'de> de::Deserializer<'de> for Tracer<'_> {
    type Error = Stop;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Stop> {
        *self.shape = Shape::OneOf(Vec::new());
        match self.mode {
            Mode::Trace | Mode::Make | Mode::Answer(Form::Text) => visitor.visit_borrowed_str(""),
            Mode::Answer(Form::Number) => visitor.visit_f64(0.0),
            Mode::Answer(Form::Boolean) => visitor.visit_bool(false),
            Mode::Answer(Form::List) => visitor.visit_seq(Elements(None)),
            Mode::Answer(Form::Table) => visitor.visit_map(Entries(None)),
        }
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Stop> {
        *self.shape = Shape::Boolean;
        visitor.visit_bool(false)
    }

    fn deserialize_i64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Stop> {
        *self.shape = Shape::Integer;
        visitor.visit_i64(0)
    }

    fn deserialize_u64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Stop> {
        *self.shape = Shape::Integer;
        visitor.visit_u64(0)
    }

    fn deserialize_f64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Stop> {
        *self.shape = Shape::Number;
        visitor.visit_f64(0.0)
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Stop> {
        *self.shape = Shape::Text;
        visitor.visit_borrowed_str("")
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Stop> {
        let mut inner = Shape::Unknown;
        let value = match self.mode {
            Mode::Make => visitor.visit_none(),
            mode => visitor.visit_some(Tracer::inner(mode, &mut inner)),
        };
        *self.shape = Shape::Optional(Box::new(inner));
        value
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Stop> {
        let mut inner = Shape::Unknown;
        let value = match self.mode {
            Mode::Make => visitor.visit_seq(Elements(None)),
            mode => visitor.visit_seq(Elements(Some(Tracer::inner(mode, &mut inner)))),
        };
        *self.shape = Shape::List(Box::new(inner));
        value
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Stop> {
        let mut inner = Shape::Unknown;
        let value = match self.mode {
            Mode::Make => visitor.visit_map(Entries(None)),
            mode => visitor.visit_map(Entries(Some(Tracer::inner(mode, &mut inner)))),
        };
        *self.shape = Shape::Table(Box::new(inner));
        value
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Stop> {
        if name == SPANNED && fields.len() == 3 {
            return visitor.visit_map(Spanned {
                fields,
                at: 0,
                value: Some(self),
            });
        }
        *self.shape = Shape::Struct(name);
        visitor.visit_map(Entries(None))
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Stop> {
        *self.shape = Shape::Choice(name, variants);
        let first: &'static str = variants.first().copied().unwrap_or_default();
        visitor.visit_enum(IntoDeserializer::<Stop>::into_deserializer(first))
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Stop> {
        *self.shape = Shape::Ignored;
        visitor.visit_unit()
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        visitor: V,
    ) -> Result<V::Value, Stop> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Stop> {
        self.deserialize_str(visitor)
    }

    fn deserialize_char<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Stop> {
        *self.shape = Shape::Text;
        visitor.visit_char('a')
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Stop> {
        self.deserialize_str(visitor)
    }

    fn deserialize_f32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Stop> {
        self.deserialize_f64(visitor)
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Stop> {
        *self.shape = Shape::Ignored;
        visitor.visit_unit()
    }

    signed! { deserialize_i8 deserialize_i16 deserialize_i32 deserialize_i128 }
    unsigned! { deserialize_u8 deserialize_u16 deserialize_u32 deserialize_u128 }

    serde::forward_to_deserialize_any! {
        bytes byte_buf unit_struct tuple tuple_struct
    }
}

/// A list with one traced element, or none.
struct Elements<'a>(Option<Tracer<'a>>);

impl<'de> de::SeqAccess<'de> for Elements<'_> {
    type Error = Stop;

    fn next_element_seed<S: DeserializeSeed<'de>>(
        &mut self,
        seed: S,
    ) -> Result<Option<S::Value>, Stop> {
        match self.0.take() {
            Some(t) => seed.deserialize(t).map(Some),
            None => Ok(None),
        }
    }
}

/// A table with one traced entry (under the key `""`), or none.
struct Entries<'a>(Option<Tracer<'a>>);

impl<'de> de::MapAccess<'de> for Entries<'_> {
    type Error = Stop;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Stop> {
        match self.0 {
            Some(_) => seed
                .deserialize(Tracer {
                    shape: &mut Shape::Unknown,
                    mode: Mode::Make,
                })
                .map(Some),
            None => Ok(None),
        }
    }

    fn next_value_seed<S: DeserializeSeed<'de>>(&mut self, seed: S) -> Result<S::Value, Stop> {
        match self.0.take() {
            Some(t) => seed.deserialize(t),
            None => Err(Stop::Other),
        }
    }
}

/// A `toml::Spanned` value: its span (0..0), then the value traced.
struct Spanned<'a> {
    fields: &'static [&'static str],
    at: usize,
    value: Option<Tracer<'a>>,
}

impl<'de> de::MapAccess<'de> for Spanned<'_> {
    type Error = Stop;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Stop> {
        key_at(self.fields, self.at, seed)
    }

    fn next_value_seed<S: DeserializeSeed<'de>>(&mut self, seed: S) -> Result<S::Value, Stop> {
        self.at += 1;
        if self.at < self.fields.len() {
            return seed.deserialize(IntoDeserializer::<Stop>::into_deserializer(0u64));
        }
        match self.value.take() {
            Some(t) => seed.deserialize(t),
            None => Err(Stop::Other),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;
    use std::collections::BTreeMap;

    #[derive(Deserialize)]
    #[serde(untagged)]
    #[allow(dead_code)]
    enum Label {
        One(String),
        Many(BTreeMap<String, String>),
    }

    #[derive(Deserialize)]
    #[serde(rename_all = "snake_case")]
    #[allow(dead_code)]
    enum Colour {
        DarkRed,
        Blue,
    }

    #[derive(Deserialize)]
    #[allow(dead_code)]
    struct Inner {
        a: u8,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Sample {
        title: Label,
        path: toml::Spanned<String>,
        #[serde(default)]
        languages: Vec<String>,
        size: Option<toml::Spanned<u64>>,
        #[serde(rename = "where")]
        filter: BTreeMap<String, f64>,
        colour: toml::Spanned<Colour>,
        inner: Option<Vec<Inner>>,
        flag: bool,
        #[serde(default)]
        names: Vec<Label>,
        #[serde(skip)]
        skipped: usize,
    }

    #[test]
    fn a_struct_is_described_as_serde_reads_it() {
        let (name, fields) = fields::<Sample>();
        assert_eq!(name, "Sample");
        let got: Vec<(&str, Shape, bool)> = fields
            .into_iter()
            .map(|f| (f.key, f.shape, f.required))
            .collect();
        use Shape::*;
        assert_eq!(
            got,
            vec![
                ("title", OneOf(vec![Form::Text, Form::Table]), true),
                ("path", Text, true),
                ("languages", List(Box::new(Text)), false),
                ("size", Optional(Box::new(Integer)), false),
                ("where", Table(Box::new(Number)), true),
                ("colour", Choice("Colour", &["dark_red", "blue"]), true),
                (
                    "inner",
                    Optional(Box::new(List(Box::new(Struct("Inner"))))),
                    false
                ),
                ("flag", Boolean, true),
                (
                    "names",
                    List(Box::new(OneOf(vec![Form::Text, Form::Table]))),
                    false
                ),
            ]
        );
    }
}
