//! Errors: misuse and unreadable input. (Findings about a well-formed document are data,
//! returned by validation, never errors.)

use std::fmt;
use std::path::PathBuf;

/// One problem found while loading a document or a policy.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Problem {
    /// Where in the document, e.g. `objectives[3].key_results[1].target` (empty for the
    /// whole document).
    pub path: String,
    /// 1-based line, for text input.
    pub line: Option<u32>,
    /// 1-based column (in characters), for text input.
    pub column: Option<u32>,
    /// What is wrong: lowercase, no final period, user values in backticks.
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let (Some(line), Some(column)) = (self.line, self.column) {
            write!(f, "{line}:{column}: ")?;
        }
        if self.path.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.path, self.message)
        }
    }
}

/// A document or policy could not be loaded. Carries **every** problem found, in document
/// order.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub struct LoadError {
    /// The file the input came from, if any.
    pub source_name: Option<String>,
    /// All problems found, each with its path and, for text input, line and column.
    pub problems: Vec<Problem>,
}

impl LoadError {
    pub(crate) fn single(message: String) -> Self {
        LoadError {
            source_name: None,
            problems: vec![Problem {
                path: String::new(),
                line: None,
                column: None,
                message,
            }],
        }
    }

    /// Names the file the input came from (used in messages).
    pub fn with_source(mut self, name: impl Into<String>) -> Self {
        self.source_name = Some(name.into());
        self
    }
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.problems.len();
        let what = if n == 1 { "problem" } else { "problems" };
        match &self.source_name {
            Some(name) => write!(f, "could not load `{name}`: {n} {what}")?,
            None => write!(f, "could not load the document: {n} {what}")?,
        }
        for p in &self.problems {
            write!(f, "\n  {p}")?;
        }
        Ok(())
    }
}

/// A document could not be saved.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SaveError {
    /// The format cannot represent a value of the document.
    #[error("cannot write {format}: {message}")]
    Unrepresentable {
        /// The target format's name.
        format: &'static str,
        /// What cannot be written, and where.
        message: String,
    },
    /// Writing the file failed (the previous file, if any, is left intact).
    #[error("cannot write `{}`: {source}", path.display())]
    Io {
        /// The file being written.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// The file name has no known extension and no format was given.
    #[error("cannot tell the format of `{}`: use a `.json`, `.yaml`, `.yml` or `.toml` extension", path.display())]
    UnknownFormat {
        /// The file name.
        path: PathBuf,
    },
}

/// An update of a [`crate::Scorecard`] was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum UpdateError {
    /// No key result has this id.
    #[error("unknown key result `{0}`")]
    UnknownKeyResult(String),
    /// No objective has this id.
    #[error("unknown objective `{0}`")]
    UnknownObjective(String),
}
