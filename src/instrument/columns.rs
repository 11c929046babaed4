//! The columns of a questionnaire's sheets that capakit reads: the XLSForm ones it uses and its
//! own (`scale`, `reverse`, `dimension`, the `scales` sheet). The reader ([`super::xlsform`])
//! looks headers up by these constants, `capakit schema` lists them, and the `scales` sheet's
//! unknown columns are refused against them, so the three cannot drift apart.

/// A column of a questionnaire sheet: its header (lower case; headers are read case-insensitively)
/// and what capakit reads in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    pub header: &'static str,
    pub meaning: &'static str,
    /// Whether capakit adds it to XLSForm (form servers ignore it).
    pub extension: bool,
}

pub const TYPE: &str = "type";
pub const NAME: &str = "name";
pub const LABEL: &str = "label";
pub const REQUIRED: &str = "required";
pub const RELEVANT: &str = "relevant";
pub const CONSTRAINT: &str = "constraint";
pub const CONSTRAINT_MESSAGE: &str = "constraint_message";
pub const SCALE: &str = "scale";
pub const REVERSE: &str = "reverse";
pub const DIMENSION: &str = "dimension";
pub const LIST_NAME: &str = "list_name";
/// pyxform's other spelling of `list_name`.
pub const LIST_NAME_SPACED: &str = "list name";
/// pyxform's other spelling of a choice's `name`.
pub const VALUE: &str = "value";
pub const FORM_TITLE: &str = "form_title";
pub const FORM_ID: &str = "form_id";
pub const VERSION: &str = "version";
pub const DEFAULT_LANGUAGE: &str = "default_language";

/// The sheet of scale labels, capakit's own.
pub const SCALES_SHEET: &str = "scales";

const fn xlsform(header: &'static str, meaning: &'static str) -> Column {
    Column {
        header,
        meaning,
        extension: false,
    }
}

const fn own(header: &'static str, meaning: &'static str) -> Column {
    Column {
        header,
        meaning,
        extension: true,
    }
}

/// The `survey` sheet's columns that capakit reads.
pub const SURVEY: &[Column] = &[
    xlsform(TYPE, "The question's type (`select_one list`, `integer`, `begin group`, …)."),
    xlsform(NAME, "The question's name: the column of its answers in the data."),
    xlsform(LABEL, "The question's text; one column per language: `label::English (en)`, `label::Italiano (it)`."),
    xlsform(REQUIRED, "`yes` when an answer is required: a missing one is a finding."),
    xlsform(RELEVANT, "The condition under which the question is asked (on a `begin group`: every question inside): an answer where it does not hold is a finding and is left out; a missing answer there is expected."),
    xlsform(CONSTRAINT, "What an answer must satisfy (`. >= 16 and . <= 25`, `regex(., '^[A-Z]{2}[0-9]{3}$')`, `string-length(.) <= 20`): an answer that does not is a finding and is left out."),
    xlsform(CONSTRAINT_MESSAGE, "What the finding says when the constraint does not hold; one column per language, as `label`."),
    own(SCALE, "The scale the question is an item of (its score is the mean of its items); its answers must be numbers."),
    own(REVERSE, "`yes` when the item is reverse-keyed: its answer is turned around before the scale's mean. Needs `scale`."),
    own(DIMENSION, "The capability dimension the question (and the scale it is an item of) belongs to."),
];

/// The `choices` sheet's columns that capakit reads (none of its own).
pub const CHOICES: &[Column] = &[
    xlsform(LIST_NAME, "The choice list (also `list name`)."),
    xlsform(
        NAME,
        "The choice's name as exported in the data (also `value`).",
    ),
    xlsform(
        LABEL,
        "The choice's text; one column per language, as in the survey sheet.",
    ),
];

/// The `settings` sheet's columns that capakit reads.
pub const SETTINGS: &[Column] = &[
    xlsform(FORM_TITLE, "The questionnaire's title."),
    xlsform(FORM_ID, "The questionnaire's id."),
    xlsform(VERSION, "The questionnaire's version."),
    xlsform(
        DEFAULT_LANGUAGE,
        "The language of the plain `label` column.",
    ),
];

/// The optional `scales` sheet: one row per scale, any other column is an error.
pub const SCALES: &[Column] = &[
    own(NAME, "The scale, as named in the survey sheet's `scale` column."),
    own(LABEL, "The scale's label in reports; one column per language (`label::English (en)`). Without it the scale is shown by its name."),
    own(DIMENSION, "The capability dimension of the scale (instead of its items')."),
];

/// The XLSForm columns of the survey sheet that capakit does not read but that form builders
/// write (pyxform's and KoboToolbox's), so that they are never taken for a misspelt capakit column.
pub const SURVEY_OTHERS: &[&str] = &[
    "hint",
    "guidance_hint",
    "required_message",
    "calculation",
    "default",
    "appearance",
    "choice_filter",
    "read_only",
    "readonly",
    "repeat_count",
    "parameters",
    "trigger",
    "image",
    "audio",
    "video",
    "note",
    "tags",
    "select_from_list_name",
];

/// How close (normalised Damerau–Levenshtein similarity) an unknown survey column's header must
/// be to one of capakit's own to be taken for a misspelling of it.
pub const CLOSE_HEADER: f64 = 0.8;

/// The known header closest to `header` (normalised Damerau–Levenshtein), with its similarity.
pub fn closest<'a>(
    header: &str,
    known: impl IntoIterator<Item = &'a str>,
) -> Option<(&'a str, f64)> {
    known
        .into_iter()
        .map(|k| (k, strsim::normalized_damerau_levenshtein(header, k)))
        .fold(None, |best: Option<(&str, f64)>, (k, s)| match best {
            Some((_, b)) if b >= s => best,
            _ => Some((k, s)),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn closest_picks_the_most_similar_header() {
        // `scale` → `name`: 3 edits in 5 letters (0.4); → `label`: 4 edits (0.2).
        let (k, s) = closest("scale", SCALES.iter().map(|c| c.header)).unwrap();
        assert_eq!(k, NAME);
        assert!((s - 0.4).abs() < 1e-12);
        assert_eq!(closest("x", std::iter::empty()), None);
    }
}
