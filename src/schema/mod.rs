//! `capakit schema`: the reference of every key capakit reads, written from the code that reads
//! them. The keys, their types and whether they are required come from the serde structs
//! ([`trace`]), their meanings from the structs' doc comments (the `documented` derives), the
//! questionnaire's columns from the constants the XLSForm reader uses
//! ([`crate::instrument::columns`]). README.md carries the same text between markers, and a test
//! fails when it differs.

mod analyses;
pub mod trace;

use documented::{DocumentedFieldsOpt, DocumentedOpt};
use serde::de::DeserializeOwned;

use trace::{Form, Shape};

/// One table of keys of a TOML file (`[[sources]]`, `[disclosure]`…).
#[derive(Debug, Clone)]
pub struct Table {
    /// How the table is written: `[[sources]]`, `kind = "likert"`.
    pub heading: String,
    /// The struct's doc comment.
    pub doc: String,
    /// The Rust name of the struct that reads it, for the tables that name it.
    pub rust: &'static str,
    pub keys: Vec<Key>,
}

/// One key of a table.
#[derive(Debug, Clone)]
pub struct Key {
    pub key: &'static str,
    pub shape: Shape,
    pub required: bool,
    /// The field's doc comment; `None` when it has none.
    pub meaning: Option<String>,
}

/// The enums whose variants' doc comments are shown under the tables that use them: the Rust
/// name and the doc of each variant in order.
pub type Variants = (&'static str, &'static [Option<&'static str>]);

/// The variants of `T`'s doc comments, by its Rust name.
pub fn variants<T: DocumentedFieldsOpt>() -> Variants {
    (short_name::<T>(), T::FIELD_DOCS)
}

fn short_name<T>() -> &'static str {
    let full = std::any::type_name::<T>();
    full.rsplit("::").next().unwrap_or(full)
}

/// The table read by `T`, written as `heading`.
pub fn table<T>(heading: impl Into<String>) -> Table
where
    T: DeserializeOwned + DocumentedFieldsOpt + DocumentedOpt,
{
    let (rust, fields) = trace::fields::<T>();
    let keys: Vec<&str> = fields.iter().map(|f| f.key).collect();
    // Renamed keys (`where` for the field `filter`) pair in order with the fields whose names
    // are no key; skipped fields are no key either, so they come after the renamed ones.
    let unnamed: Vec<usize> = (0..T::FIELD_NAMES.len())
        .filter(|&i| !keys.contains(&T::FIELD_NAMES[i]))
        .collect();
    let mut renamed = unnamed.into_iter();
    let keys = fields
        .into_iter()
        .map(|f| {
            let index = match T::FIELD_NAMES.iter().position(|n| *n == f.key) {
                Some(i) => Some(i),
                None => renamed.next(),
            };
            Key {
                key: f.key,
                shape: f.shape,
                required: f.required,
                meaning: index.and_then(|i| T::FIELD_DOCS[i]).map(one_paragraph),
            }
        })
        .collect();
    Table {
        heading: heading.into(),
        doc: T::DOCS.map(one_paragraph).unwrap_or_default(),
        rust,
        keys,
    }
}

/// A doc comment on one line, its links to Rust items written as plain code.
fn one_paragraph(doc: &str) -> String {
    doc.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace("[`", "`")
        .replace("`]", "`")
}

/// A part of the reference: a file and its tables.
#[derive(Debug, Clone)]
pub struct Part {
    pub title: String,
    pub intro: String,
    pub tables: Vec<Table>,
}

/// Every part of the reference, in the order printed.
pub fn parts() -> Vec<Part> {
    vec![crate::study::schema_part(), analyses::part()]
}

/// The enums whose variants are explained.
pub fn all_variants() -> Vec<Variants> {
    let mut v = crate::study::schema_variants();
    v.extend(analyses::enum_variants());
    v
}

/// How a key's value is written.
pub fn describe(shape: &Shape, tables: &[Table]) -> String {
    match shape {
        Shape::Boolean => "boolean".into(),
        Shape::Integer => "integer".into(),
        Shape::Number => "number".into(),
        Shape::Text => "text".into(),
        Shape::Optional(s) => describe(s, tables),
        Shape::List(s) => match s.as_ref() {
            Shape::Struct(name) => format!("array of tables {}", see(name, tables)),
            Shape::Optional(inner) => describe(&Shape::List(inner.clone()), tables),
            s => format!("list of {}", describe(s, tables)),
        },
        Shape::Table(s) => format!("table of {} by name", describe(s, tables)),
        Shape::Struct(name) => format!("table {}", see(name, tables)),
        Shape::Choice(_, variants) => variants
            .iter()
            .map(|v| format!("`\"{v}\"`"))
            .collect::<Vec<_>>()
            .join(" or "),
        Shape::OneOf(forms) if forms.is_empty() => "value".into(),
        Shape::OneOf(forms) => forms
            .iter()
            .map(|f| match f {
                Form::Text => "text",
                Form::Number => "number",
                Form::Boolean => "boolean",
                Form::List => "list",
                Form::Table => "table",
            })
            .collect::<Vec<_>>()
            .join(" or "),
        Shape::Ignored | Shape::Unknown => "any value".into(),
    }
}

/// `(see [[sources.columns]])` for the struct read as a table.
fn see(rust: &str, tables: &[Table]) -> String {
    match tables.iter().find(|t| t.rust == rust) {
        Some(t) => format!("(see `{}`)", t.heading),
        None => String::new(),
    }
}

/// The Markdown reference of every key.
pub fn markdown() -> String {
    use std::fmt::Write;
    let variants = all_variants();
    let mut out = String::new();
    out.push_str(
        "Generated by `capakit schema` from the code that reads the files; \
         `CAPAKIT_UPDATE_SCHEMA=1 cargo test --test cli schema` writes it here again.\n",
    );
    for part in parts() {
        let _ = write!(out, "\n### {}\n\n{}\n", part.title, part.intro);
        for table in &part.tables {
            let _ = write!(out, "\n#### `{}`\n\n", table.heading);
            if !table.doc.is_empty() {
                let _ = writeln!(out, "{}\n", table.doc);
            }
            if table.keys.is_empty() {
                continue;
            }
            out.push_str("| key | value | required | meaning |\n| --- | --- | --- | --- |\n");
            for k in &table.keys {
                let _ = writeln!(
                    out,
                    "| `{}` | {} | {} | {} |",
                    k.key,
                    describe(&k.shape, &part.tables),
                    if k.required { "yes" } else { "no" },
                    k.meaning.as_deref().unwrap_or("").replace('|', "\\|"),
                );
            }
            for k in &table.keys {
                let Some(Shape::Choice(name, names)) = choice(&k.shape) else {
                    continue;
                };
                let Some((_, docs)) = variants.iter().find(|(n, _)| n == name) else {
                    continue;
                };
                if docs.iter().any(Option::is_none) {
                    continue;
                }
                let _ = writeln!(out, "\n`{}`:\n", k.key);
                for (v, doc) in names.iter().zip(docs.iter()) {
                    let _ = writeln!(
                        out,
                        "- `\"{v}\"`: {}",
                        doc.map(one_paragraph).unwrap_or_default()
                    );
                }
            }
        }
    }
    out.push_str(&questionnaire());
    out
}

/// The choice a key's value is, through options and spans.
fn choice(shape: &Shape) -> Option<&Shape> {
    match shape {
        Shape::Choice(..) => Some(shape),
        Shape::Optional(s) => choice(s),
        _ => None,
    }
}

/// The questionnaire's sheets and the columns capakit reads in them.
fn questionnaire() -> String {
    use crate::instrument::columns::{self, Column};
    use std::fmt::Write;
    let mut out = String::from(
        "\n### The questionnaire (XLSForm)\n\n\
         Headers and sheet names are read case-insensitively. Columns marked *capakit* are \
         capakit's own: form servers (KoboToolbox, ODK) ignore them, so they can stay in the form \
         that is deployed. Other XLSForm columns are kept by the form server and not read.\n",
    );
    let sheets: [(&str, &str, &[Column]); 4] = [
        ("survey", "One row per question.", columns::SURVEY),
        (
            "choices",
            "One row per answer of a choice list.",
            columns::CHOICES,
        ),
        ("settings", "The first row.", columns::SETTINGS),
        (
            columns::SCALES_SHEET,
            "Optional, capakit's own: one row per scale. Any other column is an error naming \
             the closest one read here.",
            columns::SCALES,
        ),
    ];
    for (sheet, about, cols) in sheets {
        let _ = write!(
            out,
            "\n#### Sheet `{sheet}`\n\n{about}\n\n| column | | meaning |\n| --- | --- | --- |\n"
        );
        for c in cols {
            let _ = writeln!(
                out,
                "| `{}` | {} | {} |",
                c.header,
                if c.extension { "*capakit*" } else { "XLSForm" },
                c.meaning
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nested_struct(shape: &Shape) -> Option<&'static str> {
        match shape {
            Shape::Struct(name) => Some(name),
            Shape::Optional(s) | Shape::List(s) | Shape::Table(s) => nested_struct(s),
            _ => None,
        }
    }

    /// Every key says what it means, and every table a key names is in the reference: a key
    /// or a nested table added without them fails here.
    #[test]
    fn every_key_has_a_meaning_and_every_table_is_listed() {
        let mut undocumented = Vec::new();
        let mut unlisted = Vec::new();
        for part in parts() {
            for table in &part.tables {
                for key in &table.keys {
                    if key.meaning.as_deref().is_none_or(str::is_empty) {
                        undocumented.push(format!("{} {}", table.heading, key.key));
                    }
                    if let Some(name) = nested_struct(&key.shape) {
                        if !part.tables.iter().any(|t| t.rust == name) {
                            unlisted.push(format!("{} {} ({name})", table.heading, key.key));
                        }
                    }
                }
            }
        }
        assert!(
            undocumented.is_empty(),
            "keys without a doc comment: {undocumented:#?}"
        );
        assert!(
            unlisted.is_empty(),
            "keys whose table is not in the reference: {unlisted:?}"
        );
    }

    #[test]
    fn a_renamed_key_gets_its_field_s_doc() {
        let spec = table::<crate::plan::analyses::Spec>("[[analysis]]");
        let keys: Vec<&str> = spec.keys.iter().map(|k| k.key).collect();
        assert_eq!(keys, crate::plan::analyses::COMMON_KEYS);
        let filter = spec.keys.iter().find(|k| k.key == "where").unwrap();
        let meaning = filter.meaning.as_deref().unwrap();
        assert!(
            meaning.starts_with("The respondents it is restricted to"),
            "{meaning}"
        );
    }
}
