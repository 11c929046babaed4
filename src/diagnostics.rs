//! Located findings about the data: what `capakit check` prints and what `run` reports.
//!
//! Shared by every stage (with [`crate::error`]). A [`Diagnostic`] names the place as a user sees it
//! in Excel — file, sheet, row (1-based, header counted), column (letter and name) — and the value.
//! Errors stop a run; warnings let it continue and are listed in the report's data-quality section;
//! notes say how an oddity was read (an encoding, an alias).

use std::fmt;

use serde::Serialize;

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
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
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

/// One located finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    /// A stable kebab-case identifier, e.g. `value-not-in-choices`.
    pub code: &'static str,
    pub location: Location,
    pub message: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}[{}]: {}: {}",
            self.severity, self.code, self.location, self.message
        )
    }
}

/// The findings of one check, in the order they were found.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Diagnostics {
    pub items: Vec<Diagnostic>,
}

impl Diagnostics {
    pub fn push(
        &mut self,
        severity: Severity,
        code: &'static str,
        location: Location,
        message: impl Into<String>,
    ) {
        self.items.push(Diagnostic {
            severity,
            code,
            location,
            message: message.into(),
        });
    }

    pub fn error(&mut self, code: &'static str, location: Location, message: impl Into<String>) {
        self.push(Severity::Error, code, location, message);
    }

    pub fn warning(&mut self, code: &'static str, location: Location, message: impl Into<String>) {
        self.push(Severity::Warning, code, location, message);
    }

    pub fn note(&mut self, code: &'static str, location: Location, message: impl Into<String>) {
        self.push(Severity::Note, code, location, message);
    }

    pub fn extend(&mut self, other: Diagnostics) {
        self.items.extend(other.items);
    }

    pub fn count(&self, severity: Severity) -> usize {
        self.items.iter().filter(|d| d.severity == severity).count()
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
        map.into_iter().map(|((s, c), n)| (s, c, n)).collect()
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
