//! The questionnaire model: items, choice lists, scales and capability dimensions, labels per language.
//!
//! Read from an XLSForm by [`xlsform`]; used by [`crate::check`] to type and validate answers, by
//! [`crate::analysis`] to find scales and reverse-keyed items, and by [`crate::report`] for labels.

pub mod columns;
pub mod relevant;
mod syntax;
pub mod xlsform;

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::Serialize;

use crate::diagnostics::Diagnostics;
use crate::text::fold;

pub use syntax::label_language;
pub use xlsform::read_xlsform;

pub use crate::text::{label_in, Labels};

/// What kind of answer an item collects.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemKind {
    SelectOne,
    SelectMultiple,
    Integer,
    Decimal,
    Text,
    Date,
    /// Computed by the form; exported but not validated.
    Calculate,
    /// Any other XLSForm type (geopoint, image, barcode, …), read as text, not validated.
    Other(String),
}

impl ItemKind {
    pub fn is_numeric(&self) -> bool {
        matches!(self, ItemKind::Integer | ItemKind::Decimal)
    }
}

/// A numeric bound from a simple `constraint` such as `. >= 16 and . <= 25`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Bound {
    pub value: f64,
    pub inclusive: bool,
}

/// One question of the form.
#[derive(Debug, Clone, Serialize)]
pub struct Item {
    pub name: String,
    pub kind: ItemKind,
    /// The choice list of a select item.
    pub list: Option<String>,
    pub labels: Labels,
    pub required: bool,
    /// The XLSForm `relevant` expression, if any, joined with `and` to those of its enclosing
    /// groups (required answers are then enforced only where it holds).
    pub relevant: Option<String>,
    pub min: Option<Bound>,
    pub max: Option<Bound>,
    /// The XLSForm `constraint` when it is more than bounds on `.` (those are `min` and `max`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub constraint: Option<String>,
    /// The `constraint_message`, by language.
    #[serde(skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub constraint_message: Labels,
    /// capakit extension: the scale the item belongs to.
    pub scale: Option<String>,
    /// capakit extension: reverse-keyed within its scale.
    pub reverse: bool,
    /// capakit extension: the capability dimension.
    pub dimension: Option<String>,
    /// Names of the enclosing groups, outermost first (Kobo exports prefix columns with them).
    pub groups: Vec<String>,
    /// Row in the survey sheet.
    pub row: u32,
}

/// One answer option.
#[derive(Debug, Clone, Serialize)]
pub struct Choice {
    pub name: String,
    pub labels: Labels,
}

/// A named list of choices.
#[derive(Debug, Clone, Serialize)]
pub struct ChoiceList {
    pub name: String,
    pub choices: Vec<Choice>,
}

impl ChoiceList {
    /// True when every choice name is a number (a Likert list such as 1–5).
    pub fn is_numeric(&self) -> bool {
        !self.choices.is_empty()
            && self
                .choices
                .iter()
                .all(|c| c.name.trim().parse::<f64>().is_ok())
    }

    /// The score of a choice: its name when every name is numeric, else its 1-based position.
    pub fn score(&self, name: &str) -> Option<f64> {
        let pos = self.choices.iter().position(|c| c.name == name)?;
        if self.is_numeric() {
            self.choices[pos].name.trim().parse().ok()
        } else {
            Some(pos as f64 + 1.0)
        }
    }

    /// Lowest and highest score.
    pub fn score_range(&self) -> Option<(f64, f64)> {
        let scores: Vec<f64> = self
            .choices
            .iter()
            .filter_map(|c| self.score(&c.name))
            .collect();
        let lo = scores.iter().cloned().fold(f64::INFINITY, f64::min);
        let hi = scores.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
        (lo.is_finite() && hi.is_finite()).then_some((lo, hi))
    }

    /// The choice a data value stands for: its name, or its label in any language, ignoring case
    /// and surrounding spaces.
    pub fn resolve(&self, value: &str) -> Option<&Choice> {
        self.position(value).map(|k| &self.choices[k])
    }

    /// The index of the choice a data value stands for (see [`ChoiceList::resolve`]).
    pub fn position(&self, value: &str) -> Option<usize> {
        if let Some(k) = self.choices.iter().position(|c| c.name == value) {
            return Some(k);
        }
        let key = fold(value);
        self.choices
            .iter()
            .position(|c| fold(&c.name) == key)
            .or_else(|| {
                self.choices
                    .iter()
                    .position(|c| c.labels.values().any(|l| fold(l) == key))
            })
    }
}

/// A multi-item scale (capakit's `scale` column), with labels from the optional `scales` sheet.
#[derive(Debug, Clone, Serialize)]
pub struct Scale {
    pub name: String,
    pub labels: Labels,
    pub dimension: Option<String>,
    /// Names of the items, in form order.
    pub items: Vec<String>,
}

/// A questionnaire read from an XLSForm.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Instrument {
    #[serde(skip)]
    pub path: PathBuf,
    pub file: String,
    pub title: Option<String>,
    pub form_id: Option<String>,
    pub version: Option<String>,
    /// Languages of the labels, in column order.
    pub languages: Vec<String>,
    pub default_language: String,
    pub items: Vec<Item>,
    pub lists: BTreeMap<String, ChoiceList>,
    pub scales: Vec<Scale>,
    /// Oddities accepted while reading the form.
    #[serde(skip)]
    pub notes: Diagnostics,
}

impl Instrument {
    pub fn item(&self, name: &str) -> Option<&Item> {
        self.items.iter().find(|i| i.name == name)
    }

    pub fn list_of(&self, item: &Item) -> Option<&ChoiceList> {
        item.list.as_ref().and_then(|l| self.lists.get(l))
    }

    pub fn scale(&self, name: &str) -> Option<&Scale> {
        self.scales.iter().find(|s| s.name == name)
    }

    /// An item's label in `lang`.
    pub fn item_label<'a>(&'a self, item: &'a Item, lang: &str) -> &'a str {
        label_in(&item.labels, lang, &self.default_language, &item.name)
    }

    /// A scale's label in `lang`.
    pub fn scale_label<'a>(&'a self, scale: &'a Scale, lang: &str) -> &'a str {
        label_in(&scale.labels, lang, &self.default_language, &scale.name)
    }

    /// Items answered on a numeric choice list (Likert items), in form order.
    pub fn likert_items(&self) -> impl Iterator<Item = &Item> {
        self.items.iter().filter(|i| {
            i.kind == ItemKind::SelectOne && self.list_of(i).is_some_and(ChoiceList::is_numeric)
        })
    }
}
