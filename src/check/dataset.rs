//! [`Dataset`]: the checked answers of one source, typed by the instrument, column by column —
//! numbers with their validity, text (choice names, territories, ids, dates) as codes into a
//! dictionary — with the provenance of every row and column. The analysis stage reads only this.

use std::collections::{BTreeMap, HashMap};

use crate::instrument::Instrument;

/// A missing value in a text column's codes.
const NO_CODE: u32 = u32::MAX;

/// The values of one checked column.
#[derive(Debug, Clone)]
pub enum ColumnData {
    /// Numbers, 8 bytes a row; NaN is no (usable) answer (no answer is ever NaN: numbers are
    /// read finite).
    Numbers(Vec<f64>),
    /// Text as the index of each row's value in `dictionary` (in order of first appearance);
    /// `u32::MAX` is no answer.
    Texts {
        codes: Vec<u32>,
        dictionary: Vec<String>,
    },
    /// Text of many distinct values (ids, dates, free text): each row's range of `text`;
    /// `(usize::MAX, 0)` is no answer.
    Strings {
        text: String,
        spans: Vec<(usize, usize)>,
    },
}

/// One checked column, named by its item.
#[derive(Debug, Clone)]
pub struct Column {
    pub name: String,
    pub data: ColumnData,
}

/// Values a [`Column`] is made of: numbers, or texts owned or borrowed.
pub trait IntoColumnData {
    fn into_data(self) -> ColumnData;
}

impl IntoColumnData for Vec<Option<f64>> {
    fn into_data(self) -> ColumnData {
        ColumnData::Numbers(self.into_iter().map(|x| x.unwrap_or(f64::NAN)).collect())
    }
}

/// Most distinct values a text column is coded with a dictionary; past it (ids, dates, free
/// text) its texts are kept one after the other in one buffer.
const DICTIONARY_LIMIT: usize = 4096;

/// Texts as codes into a dictionary when they repeat (choices, territories), else in one buffer.
fn encode<S: AsRef<str>>(values: &[Option<S>]) -> ColumnData {
    let mut index: HashMap<&str, u32> = HashMap::new();
    let mut codes = Vec::with_capacity(values.len());
    for v in values {
        let code = match v {
            None => NO_CODE,
            Some(s) => {
                let next = index.len() as u32;
                *index.entry(s.as_ref()).or_insert(next)
            }
        };
        if index.len() > DICTIONARY_LIMIT {
            return strings(values);
        }
        codes.push(code);
    }
    let mut dictionary = vec![String::new(); index.len()];
    for (s, k) in index {
        dictionary[k as usize] = s.to_string();
    }
    ColumnData::Texts { codes, dictionary }
}

/// Texts one after the other in one buffer.
fn strings<S: AsRef<str>>(values: &[Option<S>]) -> ColumnData {
    let mut text = String::new();
    let spans = values
        .iter()
        .map(|v| match v {
            None => (usize::MAX, 0),
            Some(s) => {
                let start = text.len();
                text.push_str(s.as_ref());
                (start, text.len())
            }
        })
        .collect();
    ColumnData::Strings { text, spans }
}

impl IntoColumnData for Vec<Option<String>> {
    fn into_data(self) -> ColumnData {
        encode(&self)
    }
}

impl IntoColumnData for Vec<Option<&str>> {
    fn into_data(self) -> ColumnData {
        encode(&self)
    }
}

impl Column {
    pub fn new(name: String, values: impl IntoColumnData) -> Column {
        Column {
            name,
            data: values.into_data(),
        }
    }

    pub fn len(&self) -> usize {
        match &self.data {
            ColumnData::Numbers(v) => v.len(),
            ColumnData::Texts { codes, .. } => codes.len(),
            ColumnData::Strings { spans, .. } => spans.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The text of row `i` (none for a number or no value).
    pub fn text(&self, i: usize) -> Option<&str> {
        match &self.data {
            ColumnData::Texts { codes, dictionary } => {
                dictionary.get(*codes.get(i)? as usize).map(String::as_str)
            }
            ColumnData::Strings { text, spans } => {
                let &(a, b) = spans.get(i)?;
                text.get(a..b)
            }
            ColumnData::Numbers(_) => None,
        }
    }

    /// Whether row `i` has no value.
    pub fn is_missing(&self, i: usize) -> bool {
        match &self.data {
            ColumnData::Numbers(v) => v.get(i).is_none_or(|x| x.is_nan()),
            ColumnData::Texts { codes, .. } => codes.get(i).is_none_or(|&c| c == NO_CODE),
            ColumnData::Strings { spans, .. } => spans.get(i).is_none_or(|s| s.0 == usize::MAX),
        }
    }

    /// The rows without a value, in order.
    pub(crate) fn missing_rows(&self) -> Vec<u32> {
        let rows = |missing: &mut dyn Iterator<Item = bool>| {
            missing
                .enumerate()
                .filter_map(|(i, m)| m.then_some(i as u32))
                .collect()
        };
        match &self.data {
            ColumnData::Numbers(v) => rows(&mut v.iter().map(|x| x.is_nan())),
            ColumnData::Texts { codes, .. } => rows(&mut codes.iter().map(|&c| c == NO_CODE)),
            ColumnData::Strings { spans, .. } => rows(&mut spans.iter().map(|s| s.0 == usize::MAX)),
        }
    }

    /// The rows whose text passes `wanted` (a dictionary-coded column's texts are tried once).
    pub(crate) fn rows_where(&self, wanted: impl Fn(&str) -> bool) -> Vec<u32> {
        match &self.data {
            ColumnData::Numbers(_) => Vec::new(),
            ColumnData::Texts { codes, dictionary } => {
                let hit: Vec<u32> = (0..dictionary.len() as u32)
                    .filter(|&k| wanted(&dictionary[k as usize]))
                    .collect();
                if hit.is_empty() {
                    return Vec::new();
                }
                (0..codes.len() as u32)
                    .filter(|&i| hit.contains(&codes[i as usize]))
                    .collect()
            }
            ColumnData::Strings { text, spans } => (0..spans.len() as u32)
                .filter(|&i| {
                    let (a, b) = spans[i as usize];
                    text.get(a..b).is_some_and(&wanted)
                })
                .collect(),
        }
    }

    /// Leaves row `i` without a value (an answer left out by a check).
    pub(crate) fn clear(&mut self, i: usize) {
        match &mut self.data {
            ColumnData::Numbers(v) => v[i] = f64::NAN,
            ColumnData::Texts { codes, .. } => codes[i] = NO_CODE,
            ColumnData::Strings { spans, .. } => spans[i] = (usize::MAX, 0),
        }
    }

    /// The rows where `keep` is true.
    pub(crate) fn filter(&mut self, keep: &[bool]) {
        fn kept<T: Copy>(v: &[T], keep: &[bool]) -> Vec<T> {
            v.iter()
                .zip(keep)
                .filter_map(|(x, k)| k.then_some(*x))
                .collect()
        }
        match &mut self.data {
            ColumnData::Numbers(v) => *v = kept(v, keep),
            ColumnData::Texts { codes, .. } => *codes = kept(codes, keep),
            ColumnData::Strings { spans, .. } => *spans = kept(spans, keep),
        }
    }
}

/// Where a dataset column came from.
#[derive(Debug, Clone)]
pub struct ColumnOrigin {
    /// The header in the file (e.g. `group_edu/edu_1`).
    pub header: String,
    /// 0-based column index in the file.
    pub index: usize,
}

/// A row left out of the analyses, and why. The respondent's id is not repeated here: outputs
/// name rows, not people.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Dropped {
    pub row: u32,
    /// Why: `duplicate-id` (the same id on an earlier row, which is kept).
    pub reason: &'static str,
    /// For a duplicate, the row that is kept.
    pub kept_row: Option<u32>,
    /// The file of both rows, in a source of one file per wave (rows are numbered per file).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
}

/// Checked answers. Columns are named by item name: select_one items on a numeric list (Likert)
/// and integer/decimal items are `Float64`; other select_one items hold the choice *name*;
/// select_multiple items hold space-separated choice names; the territory column holds the
/// study's canonical territory name.
#[derive(Debug, Clone)]
pub struct Dataset {
    pub source: String,
    pub file: String,
    pub sheet: Option<String>,
    /// The checked columns, in the questionnaire's order (then ids, territories, weights not in it).
    pub values: Vec<Column>,
    /// Excel row of each row.
    pub row_numbers: Vec<u32>,
    pub columns: BTreeMap<String, ColumnOrigin>,
    pub instrument: Instrument,
    /// The item holding the territory, when the source names one.
    pub territory_column: Option<String>,
    pub id_column: Option<String>,
    /// The column of design weights, when the source names one.
    pub weight_column: Option<String>,
    /// The columns of each row's stratum and primary sampling unit, when the source names them.
    pub strata_column: Option<String>,
    pub psu_column: Option<String>,
    /// The column of each row's wave (a wave id), when the source has waves.
    pub wave_column: Option<String>,
    pub dropped: Vec<Dropped>,
    /// Every scale's scores, computed at the first request.
    pub scores: std::sync::OnceLock<BTreeMap<String, Vec<Option<f64>>>>,
}

impl Dataset {
    /// The scores of the scale `name` (none for a scale the questionnaire does not have).
    pub fn scale_scores(&self, name: &str) -> &[Option<f64>] {
        let all = self.scores.get_or_init(|| {
            self.instrument
                .scales
                .iter()
                .map(|s| {
                    let (_, cols, _) = super::scores::item_columns(self, s);
                    (
                        s.name.clone(),
                        super::scores::scores_of(&cols, self.height()),
                    )
                })
                .collect()
        });
        all.get(name).map_or(&[], Vec::as_slice)
    }

    pub fn height(&self) -> usize {
        self.row_numbers.len()
    }

    pub fn has(&self, name: &str) -> bool {
        self.column(name).is_some()
    }

    pub fn column(&self, name: &str) -> Option<&Column> {
        self.values.iter().find(|c| c.name == name)
    }

    /// A numeric column (Likert scores, integers, decimals) as options; `None` when it is absent
    /// or not numeric.
    pub fn numbers(&self, name: &str) -> Option<Vec<Option<f64>>> {
        match &self.column(name)?.data {
            ColumnData::Numbers(v) => Some(v.iter().map(|&x| (!x.is_nan()).then_some(x)).collect()),
            ColumnData::Texts { .. } | ColumnData::Strings { .. } => None,
        }
    }

    /// A numeric column as it is stored (NaN: no answer), without a copy; `None` when it is
    /// absent or not numeric.
    pub fn number_slice(&self, name: &str) -> Option<&[f64]> {
        match &self.column(name)?.data {
            ColumnData::Numbers(v) => Some(v),
            ColumnData::Texts { .. } | ColumnData::Strings { .. } => None,
        }
    }

    /// A text column as options; `None` when it is absent or numeric.
    pub fn texts(&self, name: &str) -> Option<Vec<Option<&str>>> {
        match &self.column(name)?.data {
            ColumnData::Texts { codes, dictionary } => Some(
                codes
                    .iter()
                    .map(|&c| dictionary.get(c as usize).map(String::as_str))
                    .collect(),
            ),
            ColumnData::Strings { text, spans } => {
                Some(spans.iter().map(|&(a, b)| text.get(a..b)).collect())
            }
            ColumnData::Numbers(_) => None,
        }
    }

    /// The design weight of every row (`None` when the source has no weights; a row whose weight
    /// is missing or unusable was reported by `check` and weighs 0).
    pub fn weights(&self) -> Option<Vec<f64>> {
        let name = self.weight_column.as_deref()?;
        Some(
            self.numbers(name)?
                .into_iter()
                .map(|w| w.filter(|w| *w >= 0.0).unwrap_or(0.0))
                .collect(),
        )
    }

    /// The rows where `keep` is true, as a dataset of their own.
    pub fn subset(&self, keep: &[bool]) -> Dataset {
        let mut values = self.values.clone();
        for c in &mut values {
            c.filter(keep);
        }
        Dataset {
            values,
            row_numbers: self
                .row_numbers
                .iter()
                .zip(keep)
                .filter_map(|(r, k)| k.then_some(*r))
                .collect(),
            scores: Default::default(),
            ..self.clone_without_values()
        }
    }

    /// Everything but the columns (and the scores computed from them).
    fn clone_without_values(&self) -> Dataset {
        Dataset {
            source: self.source.clone(),
            file: self.file.clone(),
            sheet: self.sheet.clone(),
            values: Vec::new(),
            row_numbers: Vec::new(),
            columns: self.columns.clone(),
            instrument: self.instrument.clone(),
            territory_column: self.territory_column.clone(),
            id_column: self.id_column.clone(),
            weight_column: self.weight_column.clone(),
            strata_column: self.strata_column.clone(),
            psu_column: self.psu_column.clone(),
            wave_column: self.wave_column.clone(),
            dropped: self.dropped.clone(),
            scores: Default::default(),
        }
    }

    /// The territory of every row (all `None` when the source has no territory column).
    pub fn territories(&self) -> Vec<Option<&str>> {
        self.territory_column
            .as_deref()
            .and_then(|t| self.texts(t))
            .unwrap_or_else(|| vec![None; self.height()])
    }
}

/// The files of one source, one per wave, as one dataset: the rows of each file after the
/// other's, every column of any of them (no answer where a file lacks it), and a column
/// `wave_name` telling each row's wave.
pub(crate) fn stack(parts: Vec<(String, Dataset)>, wave_name: &str) -> Option<Dataset> {
    let mut names: Vec<String> = Vec::new();
    for (_, d) in &parts {
        for c in &d.values {
            if !names.contains(&c.name) {
                names.push(c.name.clone());
            }
        }
    }
    let height: usize = parts.iter().map(|(_, d)| d.height()).sum();
    let mut values: Vec<Column> = names
        .iter()
        .map(|name| {
            let columns: Vec<(usize, Option<&Column>)> = parts
                .iter()
                .map(|(_, d)| (d.height(), d.column(name)))
                .collect();
            let numeric = columns
                .iter()
                .all(|(_, c)| c.is_none_or(|c| matches!(c.data, ColumnData::Numbers(_))));
            if numeric {
                let mut v = Vec::with_capacity(height);
                for (n, c) in &columns {
                    match c.map(|c| &c.data) {
                        Some(ColumnData::Numbers(x)) => v.extend_from_slice(x),
                        _ => v.extend(std::iter::repeat_n(f64::NAN, *n)),
                    }
                }
                Column {
                    name: name.clone(),
                    data: ColumnData::Numbers(v),
                }
            } else {
                // Texts borrowed from the files' columns (a number in one file written out).
                let mut v: Vec<Option<std::borrow::Cow<str>>> = Vec::with_capacity(height);
                for (n, c) in &columns {
                    for i in 0..*n {
                        v.push(c.and_then(|c| match &c.data {
                            ColumnData::Numbers(x) => {
                                (!x[i].is_nan()).then(|| crate::text::format_number(x[i]).into())
                            }
                            _ => c.text(i).map(std::borrow::Cow::Borrowed),
                        }));
                    }
                }
                Column {
                    name: name.clone(),
                    data: encode(&v),
                }
            }
        })
        .collect();
    let waves: Vec<Option<&str>> = parts
        .iter()
        .flat_map(|(w, d)| std::iter::repeat_n(Some(w.as_str()), d.height()))
        .collect();
    values.push(Column::new(wave_name.to_string(), waves));
    let files: Vec<&str> = parts.iter().map(|(_, d)| d.file.as_str()).collect();
    let file = files.join(" + ");
    let mut parts = parts.into_iter().map(|(_, d)| d);
    let mut first = parts.next()?;
    let file_of = |d: &Dataset, dropped: &mut Vec<Dropped>| {
        for x in dropped.iter_mut() {
            x.file = Some(d.file.clone());
        }
    };
    let mut dropped = std::mem::take(&mut first.dropped);
    file_of(&first, &mut dropped);
    for mut d in parts {
        let mut more = std::mem::take(&mut d.dropped);
        file_of(&d, &mut more);
        dropped.extend(more);
        first.row_numbers.extend(d.row_numbers);
    }
    first.dropped = dropped;
    first.values = values;
    first.file = file;
    first.wave_column = Some(wave_name.to_string());
    first.scores = Default::default();
    Some(first)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_are_coded_when_they_repeat_and_kept_in_a_buffer_when_not() {
        let d = |values: Vec<Option<&str>>| Dataset {
            source: "s".into(),
            file: "f".into(),
            sheet: None,
            row_numbers: (2..2 + values.len() as u32).collect(),
            values: vec![Column::new("x".into(), values)],
            columns: BTreeMap::new(),
            instrument: Instrument::default(),
            territory_column: None,
            id_column: None,
            weight_column: None,
            strata_column: None,
            psu_column: None,
            wave_column: None,
            scores: Default::default(),
            dropped: Vec::new(),
        };
        let choices = vec![Some("Prato"), None, Some("Firenze"), Some("Prato")];
        let set = d(choices.clone());
        assert!(
            matches!(set.values[0].data, ColumnData::Texts { ref dictionary, .. } if dictionary.len() == 2)
        );
        assert_eq!(set.texts("x").unwrap(), choices);
        assert!(set.values[0].is_missing(1) && !set.values[0].is_missing(0));
        let ids: Vec<String> = (0..5000).map(|k| format!("CL-{k}")).collect();
        let mut many: Vec<Option<&str>> = ids.iter().map(|s| Some(s.as_str())).collect();
        many[7] = None;
        let set = d(many.clone());
        assert!(matches!(set.values[0].data, ColumnData::Strings { .. }));
        assert_eq!(set.texts("x").unwrap(), many);
        assert!(set.values[0].is_missing(7));
        assert_eq!(set.numbers("x"), None);
        let mut c = Column::new("n".into(), vec![Some(1.0), None, Some(3.0)]);
        c.filter(&[true, false, true]);
        assert!(matches!(c.data, ColumnData::Numbers(ref v) if v == &vec![1.0, 3.0]));
        let set = Dataset {
            values: vec![Column::new("n".into(), vec![Some(2.5), None])],
            ..d(vec![None, None])
        };
        assert_eq!(set.numbers("n"), Some(vec![Some(2.5), None]));
        assert!(set.values[0].is_missing(1));
    }
}
