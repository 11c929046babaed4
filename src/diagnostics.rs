//! Located findings about the data: what `capakit check` prints and what `run` reports.
//!
//! Shared by every stage (with [`crate::error`]). A [`Diagnostic`] names the place as a user sees it
//! in Excel — file, sheet, row (1-based, header counted), column (letter and name) — and the value.
//! Errors stop a run; warnings let it continue and are listed in the report's data-quality section;
//! notes say how an oddity was read (an encoding, an alias).
//!
//! # How to add a finding
//!
//! A finding's sentence is a [`Message`]: an id in the catalogue of each language
//! (`locales/en/findings.ftl`, `locales/it/findings.ftl`, [Fluent] syntax) and its arguments,
//! built with [`msg!`](crate::msg):
//!
//! ```ignore
//! diags.warning("duplicate-id", at, msg!("duplicate-id", first_row = row));
//! diags.error("not-a-number", at, msg!("not-a-number", value = Arg::value(&raw)));
//! ```
//!
//! 1. Pick an id (the finding's `code`, or `code-something` when one code has several sentences).
//! 2. Write the sentence under that id in both files, with the same `{ $variables }`; a count
//!    chooses its words with a selector: `{ $n -> [one] row *[other] rows }`.
//! 3. Arguments: numbers (counts, rows) as integers; a cell's value as written with
//!    [`Arg::value`] (quoted, and left out of reports); names and lists as text; a piece of
//!    sentence that differs by language as a nested `msg!`.
//!
//! `cargo test --lib catalogue` fails when an id is missing from a language, when the two
//! languages use different variables, or when an id used in `src/` is in neither.
//!
//! [Fluent]: https://projectfluent.org/

use std::fmt;

use serde::Serialize;

pub use crate::locale::Lang;

/// Where something is, as a user would find it in a spreadsheet program.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Location {
    /// The file as the user named it (relative to the study folder when inside it).
    pub file: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sheet: Option<String>,
    /// 1-based row, header row counted, as Excel numbers it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub row: Option<u32>,
    /// 0-based column index; shown as a letter.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column_index: Option<u32>,
    /// The column's header.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<String>,
}

impl Location {
    pub fn file(file: impl Into<String>) -> Self {
        Location {
            file: file.into(),
            ..Default::default()
        }
    }

    pub fn sheet(mut self, sheet: Option<&str>) -> Self {
        self.sheet = sheet.map(str::to_string);
        self
    }

    pub fn row(mut self, row: u32) -> Self {
        self.row = Some(row);
        self
    }

    pub fn column(mut self, index: usize, header: &str) -> Self {
        self.column_index = Some(index as u32);
        self.column = Some(header.to_string());
        self
    }
}

/// Excel's column letter for a 0-based index: 0 → A, 25 → Z, 26 → AA.
pub fn column_letter(index: u32) -> String {
    let mut n = index as u64 + 1;
    let mut out = Vec::new();
    while n > 0 {
        let rem = ((n - 1) % 26) as u8;
        out.push(b'A' + rem);
        n = (n - 1) / 26;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(sheet) = &self.sheet {
            write!(f, ", sheet '{sheet}'")?;
        }
        if let Some(row) = self.row {
            write!(f, ", row {row}")?;
        }
        match (self.column_index, &self.column) {
            (Some(i), Some(name)) if !name.is_empty() => {
                write!(f, ", column {} ({name})", column_letter(i))?
            }
            (Some(i), _) => write!(f, ", column {}", column_letter(i))?,
            (None, Some(name)) => write!(f, ", column {name}")?,
            (None, None) => {}
        }
        Ok(())
    }
}

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Stops `run`; makes `check` exit 1.
    Error,
    /// `run` continues; `check` exits 1.
    Warning,
    /// How something was read; never changes the exit code.
    Note,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "note",
        })
    }
}

/// A finding's sentence in no language yet: an id of the catalogue (`locales/*/findings.ftl`)
/// and its arguments, shown with [`Message::text`]. Built with [`msg!`](crate::msg).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub id: &'static str,
    pub args: Vec<(&'static str, Arg)>,
}

/// An argument of a [`Message`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Arg {
    /// A count or a row number (it chooses the plural).
    Number(i64),
    /// Shown as it is in every language: a column's or a list's name, a list of choices.
    Text(String),
    /// A cell's value as written in the data, quoted ([`show_value`]); a report shows `"…"`.
    Value(String),
    /// A value from the data that names no one — a spelling of one of the study's own names —
    /// quoted, and shown in reports too.
    Spelling(String),
    /// A piece of sentence from the catalogue, in the message's language.
    Message(Box<Message>),
}

impl Arg {
    /// A cell's value as written in the data: quoted, shortened, left out of reports.
    pub fn value(raw: &str) -> Arg {
        Arg::Value(show_value(raw))
    }
}

macro_rules! number_arg {
    ($($t:ty),*) => {$(
        impl From<$t> for Arg {
            fn from(n: $t) -> Arg {
                Arg::Number(n as i64)
            }
        }
    )*};
}
number_arg!(usize, u32, u64, i32, i64);

impl From<String> for Arg {
    fn from(s: String) -> Arg {
        Arg::Text(s)
    }
}

impl From<&str> for Arg {
    fn from(s: &str) -> Arg {
        Arg::Text(s.to_string())
    }
}

impl From<&String> for Arg {
    fn from(s: &String) -> Arg {
        Arg::Text(s.clone())
    }
}

impl From<Message> for Arg {
    fn from(m: Message) -> Arg {
        Arg::Message(Box::new(m))
    }
}

/// A [`Message`]: `msg!("duplicate-id", first_row = 43)`, `msg!("not-a-number", value =
/// Arg::value(&raw))`. Each argument is anything that converts into an [`Arg`].
#[macro_export]
macro_rules! msg {
    ($id:literal $(, $name:ident = $value:expr)* $(,)?) => {
        $crate::diagnostics::Message {
            id: $id,
            args: vec![$((stringify!($name), $crate::diagnostics::Arg::from($value))),*],
        }
    };
}

impl Message {
    /// The sentence in `lang`.
    pub fn text(&self, lang: Lang) -> String {
        self.render(lang, false)
    }

    /// The sentence as a report shows it: cell values (`"…"`, as findings quote them) are left
    /// out, so no answer — an e-mail typed in the wrong column, a name — reaches a report.
    pub fn report_text(&self, lang: Lang) -> String {
        self.render(lang, true)
    }

    fn render(&self, lang: Lang, in_report: bool) -> String {
        let mut args = fluent_bundle::FluentArgs::with_capacity(self.args.len());
        for (name, arg) in &self.args {
            match arg {
                Arg::Number(n) => args.set(*name, *n),
                Arg::Text(t) if in_report => args.set(*name, without_cell_values(t)),
                Arg::Text(t) => args.set(*name, t.as_str()),
                Arg::Value(_) if in_report => args.set(*name, "\"…\""),
                Arg::Value(v) | Arg::Spelling(v) => args.set(*name, v.as_str()),
                Arg::Message(m) => args.set(*name, m.render(lang, in_report)),
            }
        }
        crate::locale::format(lang, self.id, &args)
    }
}

/// Text with quoted cell values (`"…"`) left out, for what a report shows of a finding.
pub fn without_cell_values(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut quoted = false;
    for c in message.chars() {
        if c == '"' {
            if !quoted {
                out.push_str("\"…\"");
            }
            quoted = !quoted;
        } else if !quoted {
            out.push(c);
        }
    }
    out
}

impl fmt::Display for Message {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text(Lang::En))
    }
}

impl Severity {
    /// `error`, `errore`.
    pub fn word(self, lang: Lang) -> String {
        let id = match self {
            Severity::Error => "severity-error",
            Severity::Warning => "severity-warning",
            Severity::Note => "severity-note",
        };
        crate::locale::format(lang, id, &fluent_bundle::FluentArgs::new())
    }
}

impl Location {
    /// `data.xlsx, sheet 'risposte', row 12, column F (edu_1)`, with the words of `lang`.
    pub fn text(&self, lang: Lang) -> String {
        let word = |id: &str| crate::locale::format(lang, id, &fluent_bundle::FluentArgs::new());
        let mut out = self.file.clone();
        if let Some(sheet) = &self.sheet {
            out.push_str(&format!(", {} '{sheet}'", word("where-sheet")));
        }
        if let Some(row) = self.row {
            out.push_str(&format!(", {} {row}", word("where-row")));
        }
        let column = word("where-column");
        match (self.column_index, &self.column) {
            (Some(i), Some(name)) if !name.is_empty() => {
                out.push_str(&format!(", {column} {} ({name})", column_letter(i)))
            }
            (Some(i), _) => out.push_str(&format!(", {column} {}", column_letter(i))),
            (None, Some(name)) => out.push_str(&format!(", {column} {name}")),
            (None, None) => {}
        }
        out
    }
}

/// One located finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    /// A stable kebab-case identifier, e.g. `value-not-in-choices`.
    pub code: &'static str,
    pub location: Location,
    pub message: Message,
}

impl Diagnostic {
    /// `warning[duplicate-id]: data.csv, row 44, column A (id): …` in `lang`.
    pub fn text(&self, lang: Lang) -> String {
        format!(
            "{}[{}]: {}: {}",
            self.severity.word(lang),
            self.code,
            self.location.text(lang),
            self.message.text(lang)
        )
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text(Lang::En))
    }
}

/// How many findings of one kind in one column are kept with their row; the rest are counted.
pub const SHOWN_PER_COLUMN: usize = 5;

/// Whether every finding is kept (`check --all`) instead of the first [`SHOWN_PER_COLUMN`] of a
/// kind in a column: set once by the command line, before anything is read.
static KEEP_ALL: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Keep every finding from now on (`check --all`).
pub fn keep_all() {
    KEEP_ALL.store(true, std::sync::atomic::Ordering::Relaxed);
}

fn keeping_all() -> bool {
    KEEP_ALL.load(std::sync::atomic::Ordering::Relaxed)
}

/// Findings of one code in one column beyond the first [`SHOWN_PER_COLUMN`]: counted, not kept,
/// so that one recoded choice list in a million-row file is a few lines and a count.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct More {
    pub severity: Severity,
    pub code: &'static str,
    /// The file, sheet and column (no row).
    pub location: Location,
    /// How many more rows have this finding.
    pub more: usize,
}

impl More {
    /// `error[not-in-choices]: a.csv, column D (edu_1): … and 995 more rows like this` in `lang`.
    pub fn text(&self, lang: Lang) -> String {
        let mut args = fluent_bundle::FluentArgs::new();
        args.set("n", self.more);
        args.set("count", lang.thousands(self.more));
        format!(
            "{}[{}]: {}: {}",
            self.severity.word(lang),
            self.code,
            self.location.text(lang),
            crate::locale::format(lang, "more-like-this", &args)
        )
    }
}

impl fmt::Display for More {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text(Lang::En))
    }
}

/// A line of findings as printed: one finding, or the count of those like it not shown.
#[derive(Debug, Clone)]
pub enum Line<'a> {
    Finding(&'a Diagnostic),
    More(&'a More),
    Group(Group<'a>),
}

impl Line<'_> {
    pub fn severity(&self) -> Severity {
        match self {
            Line::Finding(d) => d.severity,
            Line::More(m) => m.severity,
            Line::Group(g) => g.example.severity,
        }
    }
}

impl Line<'_> {
    /// The line as `check` prints it, in `lang`.
    pub fn text(&self, lang: Lang) -> String {
        match self {
            Line::Finding(d) => d.text(lang),
            Line::More(m) => m.text(lang),
            Line::Group(g) => g.text(lang),
        }
    }

    /// The line as `check --json` gives it: `message` in `lang`, with the message's `id`.
    pub fn json(&self, lang: Lang) -> serde_json::Value {
        match self {
            Line::Finding(d) => serde_json::json!({
                "severity": d.severity,
                "code": d.code,
                "location": d.location,
                "message": d.message.text(lang),
                "id": d.message.id,
            }),
            Line::More(m) => serde_json::json!({
                "severity": m.severity,
                "code": m.code,
                "location": m.location,
                "more": m.more,
            }),
            Line::Group(g) => serde_json::json!({
                "severity": g.example.severity,
                "code": g.example.code,
                "location": g.example.location,
                "message": g.example.message.text(lang),
                "id": g.example.message.id,
                "rows": g.rows,
                "count": g.count,
            }),
        }
    }
}

impl fmt::Display for Line<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Line::Finding(d) => d.fmt(f),
            Line::More(m) => m.fmt(f),
            Line::Group(g) => g.fmt(f),
        }
    }
}

/// The findings of one kind in one column, as one line: how many rows, the first of them, and
/// the first finding as the example ("column D (edu_1): 300 rows (5, 9, 12, 40, 41, …), e.g. row
/// 5: …").
#[derive(Debug, Clone)]
pub struct Group<'a> {
    /// The first finding: its place (without the row) and its message are the group's.
    pub example: &'a Diagnostic,
    /// The rows of the findings kept, in the order found.
    pub rows: Vec<u32>,
    /// How many rows have this finding in all.
    pub count: usize,
}

impl Group<'_> {
    /// `error[…]: data.csv, column D (edu_1): 300 rows (2, 3, 4, 5, 6, …), e.g. row 2: …` in
    /// `lang`; a group of one is the finding's own line.
    pub fn text(&self, lang: Lang) -> String {
        let d = self.example;
        if self.count == 1 {
            return d.text(lang);
        }
        let place = Location {
            row: None,
            ..d.location.clone()
        };
        let mut rows: Vec<String> = self.rows.iter().map(u32::to_string).collect();
        if self.count > self.rows.len() {
            rows.push("…".into());
        }
        let mut args = fluent_bundle::FluentArgs::new();
        args.set("n", self.count);
        args.set("count", lang.thousands(self.count));
        args.set("rows", rows.join(", "));
        args.set("first", self.rows[0]);
        format!(
            "{}[{}]: {}: {}: {}",
            d.severity.word(lang),
            d.code,
            place.text(lang),
            crate::locale::format(lang, "rows-like-this", &args),
            d.message.text(lang)
        )
    }
}

impl fmt::Display for Group<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text(Lang::En))
    }
}

/// Findings of one kind in one column so far: how many are kept, and where their count is.
#[derive(Debug, Clone, Default)]
struct Seen {
    shown: usize,
    more: Option<usize>,
}

/// What makes findings "alike": the same code in the same column of the same sheet.
type Key = (Severity, &'static str, String, Option<String>, Option<u32>);

fn key_of(severity: Severity, code: &'static str, l: &Location) -> Key {
    (
        severity,
        code,
        l.file.clone(),
        l.sheet.clone(),
        l.column_index,
    )
}

/// The findings of one check, in the order they were found: every finding about a file, and the
/// first few of each code in each column with their row ([`SHOWN_PER_COLUMN`]); the others are
/// counted in [`Diagnostics::more`]. Counts include them all.
#[derive(Debug, Clone, Default)]
pub struct Diagnostics {
    pub items: Vec<Diagnostic>,
    /// Counts of the findings not kept, one per code and column, in the order first met.
    pub more: Vec<More>,
    seen: std::collections::HashMap<Key, Seen>,
}

impl Diagnostics {
    /// Adds a finding. Its sentence is a [`Message`] of the catalogue; English text does not
    /// compile:
    ///
    /// ```compile_fail
    /// use capakit::diagnostics::{Diagnostics, Location};
    /// let mut d = Diagnostics::default();
    /// d.warning("duplicate-id", Location::file("a.csv"), "this respondent id was already used");
    /// ```
    pub fn push(
        &mut self,
        severity: Severity,
        code: &'static str,
        location: Location,
        message: Message,
    ) {
        if location.row.is_some() && location.column_index.is_some() {
            let seen = self
                .seen
                .entry(key_of(severity, code, &location))
                .or_default();
            if seen.shown == SHOWN_PER_COLUMN && !keeping_all() {
                match seen.more {
                    Some(k) => self.more[k].more += 1,
                    None => {
                        seen.more = Some(self.more.len());
                        self.more.push(More {
                            severity,
                            code,
                            location: Location {
                                row: None,
                                ..location
                            },
                            more: 1,
                        });
                    }
                }
                return;
            }
            seen.shown += 1;
        }
        self.items.push(Diagnostic {
            severity,
            code,
            location,
            message,
        });
    }

    pub fn error(&mut self, code: &'static str, location: Location, message: Message) {
        self.push(Severity::Error, code, location, message);
    }

    pub fn warning(&mut self, code: &'static str, location: Location, message: Message) {
        self.push(Severity::Warning, code, location, message);
    }

    pub fn note(&mut self, code: &'static str, location: Location, message: Message) {
        self.push(Severity::Note, code, location, message);
    }

    pub fn extend(&mut self, other: Diagnostics) {
        for d in other.items {
            self.push(d.severity, d.code, d.location, d.message);
        }
        for m in other.more {
            let seen = self
                .seen
                .entry(key_of(m.severity, m.code, &m.location))
                .or_default();
            match seen.more {
                Some(k) => self.more[k].more += m.more,
                None => {
                    seen.more = Some(self.more.len());
                    self.more.push(m);
                }
            }
        }
    }

    pub fn count(&self, severity: Severity) -> usize {
        self.items.iter().filter(|d| d.severity == severity).count()
            + self
                .more
                .iter()
                .filter(|m| m.severity == severity)
                .map(|m| m.more)
                .sum::<usize>()
    }

    pub fn has_errors(&self) -> bool {
        self.count(Severity::Error) > 0
    }

    /// True when there is an error or a warning (notes do not count).
    pub fn has_findings(&self) -> bool {
        self.items.iter().any(|d| d.severity != Severity::Note)
    }

    /// Findings grouped by code, with counts, for summaries.
    pub fn summary(&self) -> Vec<(Severity, &'static str, usize)> {
        let mut map = std::collections::BTreeMap::new();
        for d in &self.items {
            *map.entry((d.severity, d.code)).or_insert(0usize) += 1;
        }
        for m in &self.more {
            *map.entry((m.severity, m.code)).or_insert(0usize) += m.more;
        }
        map.into_iter().map(|((s, c), n)| (s, c, n)).collect()
    }

    /// The lines to print, in the order found: each count of findings not shown comes right
    /// after the last one shown of its code and column.
    pub fn lines(&self) -> Vec<Line<'_>> {
        let mut after: std::collections::HashMap<usize, Vec<&More>> = Default::default();
        for m in &self.more {
            let last = self.items.iter().rposition(|d| {
                d.severity == m.severity
                    && d.code == m.code
                    && d.location.file == m.location.file
                    && d.location.sheet == m.location.sheet
                    && d.location.column_index == m.location.column_index
            });
            after.entry(last.unwrap_or(usize::MAX)).or_default().push(m);
        }
        let mut out = Vec::with_capacity(self.items.len() + self.more.len());
        for (i, d) in self.items.iter().enumerate() {
            out.push(Line::Finding(d));
            out.extend(after.remove(&i).into_iter().flatten().map(Line::More));
        }
        out.extend(after.into_values().flatten().map(Line::More));
        out
    }

    /// The lines to print, one per kind of error or warning in a column ([`Group`]), in the
    /// order first found. Findings about a file, a row or a whole column keep a line each, and so
    /// do notes (each already says how one value was read, and how many rows had it).
    pub fn grouped(&self) -> Vec<Line<'_>> {
        let mut out: Vec<Line<'_>> = Vec::new();
        let mut at: std::collections::HashMap<Key, usize> = Default::default();
        for d in &self.items {
            let l = &d.location;
            let (Some(row), Some(_), false) = (l.row, l.column_index, d.severity == Severity::Note)
            else {
                out.push(Line::Finding(d));
                continue;
            };
            match at.entry(key_of(d.severity, d.code, l)) {
                std::collections::hash_map::Entry::Occupied(e) => {
                    if let Line::Group(g) = &mut out[*e.get()] {
                        g.rows.push(row);
                        g.count += 1;
                    }
                }
                std::collections::hash_map::Entry::Vacant(e) => {
                    e.insert(out.len());
                    out.push(Line::Group(Group {
                        example: d,
                        rows: vec![row],
                        count: 1,
                    }));
                }
            }
        }
        for m in &self.more {
            match at
                .get(&key_of(m.severity, m.code, &m.location))
                .map(|&i| &mut out[i])
            {
                Some(Line::Group(g)) => g.count += m.more,
                _ => out.push(Line::More(m)),
            }
        }
        out
    }
}

/// `1 error`, `2 errors`, `3 analyses`.
pub fn count_noun(n: usize, singular: &str) -> String {
    if n == 1 {
        format!("1 {singular}")
    } else if let Some(stem) = singular.strip_suffix("is") {
        format!("{n} {stem}es")
    } else {
        format!("{n} {singular}s")
    }
}

/// Shortens a cell value for a message: at most 40 characters, control characters shown escaped.
pub fn show_value(value: &str) -> String {
    let mut out: String = value
        .chars()
        .take(40)
        .flat_map(char::escape_debug)
        .collect();
    if value.chars().count() > 40 {
        out.push('…');
    }
    format!("\"{out}\"")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alike_findings_are_counted_past_the_first_few() {
        let mut d = Diagnostics::default();
        d.note(
            "encoding",
            Location::file("a.csv"),
            msg!("encoding-windows-1252"),
        );
        for row in 2..1_000_002u32 {
            let at = Location::file("a.csv").row(row).column(3, "edu_1");
            d.error(
                "not-in-choices",
                at,
                msg!("not-a-number", value = Arg::value("x")),
            );
        }
        let other = Location::file("a.csv").row(7).column(4, "edu_2");
        d.error(
            "not-in-choices",
            other,
            msg!("not-a-number", value = Arg::value("y")),
        );
        assert_eq!(d.count(Severity::Error), 1_000_001);
        assert_eq!(d.items.len(), 1 + SHOWN_PER_COLUMN + 1);
        let lines: Vec<String> = d.lines().iter().map(|l| l.to_string()).collect();
        assert_eq!(lines.len(), 1 + SHOWN_PER_COLUMN + 1 + 1);
        assert_eq!(
            lines[1 + SHOWN_PER_COLUMN],
            "error[not-in-choices]: a.csv, column D (edu_1): … and 999,995 more rows like this"
        );
        assert!(lines[2 + SHOWN_PER_COLUMN].contains("row 7, column E (edu_2)"));
        assert_eq!(
            d.summary(),
            vec![
                (Severity::Error, "not-in-choices", 1_000_001),
                (Severity::Note, "encoding", 1)
            ]
        );
        // Grouped: one line per kind in a column, with its count, first rows and an example.
        let grouped: Vec<String> = d.grouped().iter().map(|l| l.to_string()).collect();
        assert_eq!(
            grouped,
            vec![
                "note[encoding]: a.csv: not valid UTF-8: read as Windows-1252 (the encoding of Excel's CSV on Windows)".to_string(),
                "error[not-in-choices]: a.csv, column D (edu_1): 1,000,000 rows (2, 3, 4, 5, 6, …), e.g. row 2: \"x\" is not a number".to_string(),
                "error[not-in-choices]: a.csv, row 7, column E (edu_2): \"y\" is not a number".to_string(),
            ]
        );
        assert!(
            d.grouped()[1].text(Lang::It).starts_with(
                "errore[not-in-choices]: a.csv, colonna D (edu_1): 1.000.000 righe (2, 3, 4, 5, 6, …), ad es. riga 2: "
            ),
            "{}",
            d.grouped()[1].text(Lang::It)
        );
        // Merging keeps the cap and the counts.
        let mut all = Diagnostics::default();
        all.extend(d.clone());
        all.extend(d);
        assert_eq!(all.count(Severity::Error), 2_000_002);
        // Two notes, the first few of edu_1 and their count, edu_2 twice.
        assert_eq!(all.lines().len(), 2 + SHOWN_PER_COLUMN + 1 + 2);
    }

    #[test]
    fn findings_speak_each_language_and_reports_leave_cell_values_out() {
        let m = msg!("not-a-number", value = Arg::value("a@b.it"));
        assert_eq!(m.text(Lang::En), "\"a@b.it\" is not a number");
        assert_eq!(m.text(Lang::It), "\"a@b.it\" non è un numero");
        assert_eq!(m.report_text(Lang::En), "\"…\" is not a number");
        assert_eq!(m.report_text(Lang::It), "\"…\" non è un numero");
        // A spelling of the study's own territory is shown; plurals follow the count.
        let alias = |n: usize| {
            msg!(
                "territory-alias",
                spelled = Arg::Spelling(show_value("Florence")),
                territory = "Firenze",
                n = n
            )
        };
        assert_eq!(
            alias(2).report_text(Lang::It),
            "\"Florence\" letto come Firenze (2 righe, la prima è questa)"
        );
        assert_eq!(
            alias(1).report_text(Lang::En),
            "\"Florence\" read as Firenze (1 row, first here)"
        );
        // A nested piece of sentence is in the message's language.
        let range = msg!("range-both", low = "≥ 1", high = "≤ 5");
        let m = msg!("out-of-range", number = "7", range = range);
        assert_eq!(
            m.text(Lang::En),
            "7 is outside the allowed range (≥ 1 and ≤ 5)"
        );
        assert_eq!(
            m.text(Lang::It),
            "7 è fuori dall'intervallo ammesso (≥ 1 e ≤ 5)"
        );
        // The place and the line, with Italian words; the count with Italian thousands.
        let mut d = Diagnostics::default();
        for row in 2..1_000_002u32 {
            let at = Location::file("a.csv").row(row).column(3, "edu_1");
            d.error(
                "not-in-choices",
                at,
                msg!("not-a-number", value = Arg::value("x")),
            );
        }
        let lines: Vec<String> = d.lines().iter().map(|l| l.text(Lang::It)).collect();
        assert_eq!(
            lines[0],
            "errore[not-in-choices]: a.csv, riga 2, colonna D (edu_1): \"x\" non è un numero"
        );
        assert_eq!(
            lines[SHOWN_PER_COLUMN],
            "errore[not-in-choices]: a.csv, colonna D (edu_1): … e altre 999.995 righe come questa"
        );
        let json = d.lines()[0].json(Lang::It);
        assert_eq!(json["id"], "not-a-number");
        assert_eq!(json["message"], "\"x\" non è un numero");
        assert_eq!(
            Location::file("data.xlsx")
                .sheet(Some("risposte"))
                .row(12)
                .column(5, "edu_1")
                .text(Lang::It),
            "data.xlsx, foglio 'risposte', riga 12, colonna F (edu_1)"
        );
    }

    #[test]
    fn letters_follow_excel() {
        assert_eq!(column_letter(0), "A");
        assert_eq!(column_letter(25), "Z");
        assert_eq!(column_letter(26), "AA");
        assert_eq!(column_letter(701), "ZZ");
        assert_eq!(column_letter(702), "AAA");
    }

    #[test]
    fn location_reads_like_excel() {
        let loc = Location::file("data.xlsx")
            .sheet(Some("risposte"))
            .row(12)
            .column(5, "edu_1");
        assert_eq!(
            loc.to_string(),
            "data.xlsx, sheet 'risposte', row 12, column F (edu_1)"
        );
    }
}
