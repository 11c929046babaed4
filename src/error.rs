//! The error type every stage returns when it cannot go on.
//!
//! Errors are about *unusable input or configuration* (exit code 2): a file that cannot be read, a
//! `study.toml` with a typo, an instrument that is not a valid XLSForm. Problems *in the data*
//! (a value outside a choice list, a missing answer) are not errors but [`crate::diagnostics`]
//! findings. Every message names the place a user can open: file, sheet, row, column, or the line
//! and column in a `.toml` file.

use std::path::{Path, PathBuf};

use crate::diagnostics::Location;

/// Anything that stops capakit from reading its inputs or writing its outputs.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file or folder could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// A `.toml` file is malformed or has unknown keys; `line` and `column` are 1-based.
    #[error("{}, line {line}, column {column}: {message}", path.display())]
    Toml {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },
    /// A file was read but what it says cannot be used (a bad path in study.toml, a corrupt workbook).
    #[error("{location}: {message}")]
    Input { location: Location, message: String },
    /// A report template failed to compile or render.
    #[error("template {name}: {message}")]
    Template { name: String, message: String },
    /// A command-line argument that cannot be used.
    #[error("{0}")]
    Usage(String),
    /// An analysis that is not run, and why (its `where` keeps fewer respondents than the
    /// minimum cell size): the report lists it with the reason, the run goes on.
    #[error("{0}")]
    NotRun(crate::analysis::NotRun),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// An I/O error on `path`.
    pub fn io(path: &Path, source: std::io::Error) -> Self {
        Error::Io {
            path: path.to_path_buf(),
            source,
        }
    }

    /// An unusable input at `location`.
    pub fn input(location: Location, message: impl Into<String>) -> Self {
        Error::Input {
            location,
            message: message.into(),
        }
    }

    /// A TOML parse or schema error, located by line and column from the byte span toml reports.
    pub fn toml(path: &Path, text: &str, err: &toml::de::Error) -> Self {
        let (line, column) = match err.span() {
            Some(span) => line_col(text, span.start),
            None => (1, 1),
        };
        Error::Toml {
            path: path.to_path_buf(),
            line,
            column,
            message: err.message().trim().to_string(),
        }
    }

    /// A semantic error in a `.toml` file at byte `offset` (e.g. a territory listed twice).
    pub fn toml_at(path: &Path, text: &str, offset: usize, message: impl Into<String>) -> Self {
        let (line, column) = line_col(text, offset);
        Error::Toml {
            path: path.to_path_buf(),
            line,
            column,
            message: message.into(),
        }
    }

    /// The process exit code for this error: always 2 (unusable input or configuration).
    pub fn exit_code(&self) -> i32 {
        2
    }
}

/// 1-based line and column (in characters) of a byte offset in `text`.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..floor_char_boundary(text, offset)];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

fn floor_char_boundary(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_from_one() {
        let text = "a = 1\nbè = 2\n";
        assert_eq!(line_col(text, 0), (1, 1));
        assert_eq!(line_col(text, 6), (2, 1));
        assert_eq!(line_col(text, 9), (2, 3));
        assert_eq!(line_col(text, 999), (3, 1));
    }
}
