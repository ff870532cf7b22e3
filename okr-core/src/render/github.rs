//! Findings as GitHub Actions workflow commands (`okr check --format github`): printed in
//! a workflow step, each becomes an annotation on its line of the file in the pull request.
//!
//! One line per finding, `::error file=PATH,line=L,col=C,title=CODE::MESSAGE` (a warning
//! is `::warning`, an info `::notice`; a finding without a place in the file has no `line`
//! and `col`). The message carries the help on a line of its own. Escaping follows the
//! Actions toolkit: `%`, carriage return and line feed become `%25`, `%0D` and `%0A` in
//! the message and in properties, and `:` and `,` also `%3A` and `%2C` in properties.
//!
//! ```
//! use okr_core::{to_github, Finding, Located, Severity};
//!
//! let finding = Finding {
//!     code: "no_owner".into(),
//!     severity: Severity::Warning,
//!     subjects: vec!["a".into()],
//!     path: Some("objectives[0]".into()),
//!     message: "`a` has no owner".into(),
//!     help: Some("set `owners`".into()),
//! };
//! let out = to_github("okrs/q1.yaml", &[Located { finding: &finding, position: Some((4, 5)) }]);
//! assert_eq!(
//!     out,
//!     "::warning file=okrs/q1.yaml,line=4,col=5,title=no_owner::`a` has no owner%0Ahelp: set `owners`\n"
//! );
//! ```

use crate::render::sarif::{message_text, problem_text, Located, LOAD_ERROR};
use crate::{LoadError, Severity};
use std::fmt::Write as _;

/// The workflow commands of a check of the document `file` (the path relative to the
/// repository root, as GitHub expects it), one line per finding in the order given.
pub fn to_github(file: &str, findings: &[Located<'_>]) -> String {
    let mut out = String::new();
    for l in findings {
        let f = l.finding;
        command(
            &mut out,
            command_name(f.severity),
            file,
            l.position.map(|(line, col)| (line, Some(col))),
            &f.code,
            &message_text(f),
        );
    }
    out
}

/// The workflow commands of a document or policy `file` that could not be loaded: one
/// `::error` of title [`LOAD_ERROR`] per problem, at its line and column.
pub fn load_error_to_github(file: &str, err: &LoadError) -> String {
    let mut out = String::new();
    for p in &err.problems {
        command(
            &mut out,
            "error",
            file,
            p.line.map(|l| (l, p.column)),
            LOAD_ERROR,
            &problem_text(p),
        );
    }
    out
}

fn command_name(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "notice",
    }
}

fn command(
    out: &mut String,
    name: &str,
    file: &str,
    at: Option<(u32, Option<u32>)>,
    title: &str,
    message: &str,
) {
    let _ = write!(out, "::{name} file={}", escape_property(file));
    if let Some((line, col)) = at {
        let _ = write!(out, ",line={line}");
        if let Some(c) = col {
            let _ = write!(out, ",col={c}");
        }
    }
    let _ = writeln!(
        out,
        ",title={}::{}",
        escape_property(title),
        escape_data(message)
    );
}

/// The escaping of a command's message (the toolkit's `escapeData`).
fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// The escaping of a command's property value (the toolkit's `escapeProperty`).
fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_follows_the_actions_toolkit() {
        assert_eq!(escape_data("50%\r\nof a, b: c"), "50%25%0D%0Aof a, b: c");
        assert_eq!(
            escape_property("50%\r\nof a, b: c"),
            "50%25%0D%0Aof a%2C b%3A c"
        );
        // `%` first, so an escape already in the text is not taken for one
        assert_eq!(escape_data("%0A"), "%250A");
    }
}
