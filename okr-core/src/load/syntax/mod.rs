//! Parsers that turn JSON, YAML and TOML text into one spanned value tree, so that the
//! conversion to the model can report every problem with its path and line:column.
//!
//! - YAML: YAML 1.2 core schema (`off`, `yes` are strings), from saphyr-parser's events,
//!   built iteratively; aliases are expanded within a node budget.
//! - JSON: checked strictly by serde_json (RFC 8259; its recursion limit of 128 levels
//!   guards the stack), then read into the tree by the YAML 1.2 parser, of which JSON is a
//!   subset, so that every node has a position.
//! - TOML: toml's spanned de-tree; byte spans become line:column.

mod explain;
mod json;
mod toml;
mod yaml;

pub use self::json::parse_json;
pub use self::toml::parse_toml;
pub use self::yaml::parse_yaml;

/// A 1-based line and 1-based column (counted in Unicode scalar values, not bytes).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Pos {
    /// 1-based line.
    pub line: u32,
    /// 1-based column, in characters.
    pub col: u32,
}

/// A mapping key with its position.
#[derive(Clone, Debug, PartialEq)]
pub struct Key {
    /// The key as written.
    pub name: String,
    /// Where it starts.
    pub pos: Pos,
}

/// A parsed value with the position where it starts.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    /// The value.
    pub value: Value,
    /// Where it starts.
    pub pos: Pos,
}

/// A parsed value.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// `null`.
    Null,
    /// A boolean.
    Bool(bool),
    /// An integer that fits `i64`.
    Int(i64),
    /// Any other number.
    Float(f64),
    /// A string (TOML dates and times arrive as their text).
    Str(String),
    /// A list.
    Seq(Vec<Node>),
    /// Entries in document order; duplicate keys are kept (the converter reports them).
    Map(Vec<(Key, Node)>),
}

/// Limits that protect against hostile input.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ParseLimits {
    /// Deepest nesting of lists and mappings.
    pub max_depth: usize,
    /// Most nodes that YAML alias expansion may produce.
    pub max_alias_nodes: usize,
    /// Most bytes of strings and mapping keys that YAML alias expansion may produce.
    pub max_alias_bytes: usize,
}

impl Default for ParseLimits {
    fn default() -> Self {
        ParseLimits {
            max_depth: 128,
            max_alias_nodes: 1_000_000,
            max_alias_bytes: 256 << 20,
        }
    }
}

/// A syntax problem: message lowercase, no final period, user values in backticks.
#[derive(Clone, Debug, PartialEq)]
pub struct SyntaxError {
    /// Where, if known.
    pub pos: Option<Pos>,
    /// What is wrong.
    pub message: String,
}

/// Whether the text of a document holds comments (`# …` in YAML and TOML; JSON has none).
/// Loading keeps the data only, so saving a loaded document leaves them out: `okr convert`
/// says so.
///
/// ```
/// use okr_core::{has_comments, Format};
/// assert!(has_comments("version: 1 # the format\nobjectives: []\n", Format::Yaml));
/// assert!(!has_comments("version: 1\ntitle: \"Issue #12\"\n", Format::Yaml));
/// assert!(has_comments("# owners: the platform team\nversion = 1\n", Format::Toml));
/// assert!(!has_comments("{\"title\": \"# not a comment\"}", Format::Json));
/// ```
pub fn has_comments(text: &str, format: crate::Format) -> bool {
    match format {
        crate::Format::Yaml => explain::yaml_has_comments(text),
        crate::Format::Toml => toml::has_comments(text),
        crate::Format::Json => false,
    }
}

/// The one problem of a document without content (an empty file, only comments, `{}`).
pub(crate) const EMPTY: &str =
    "the document is empty: it needs at least `version` (1) and `objectives` (a list)";

/// Lowercases the first letter of a parser's message (unless it starts an acronym such as
/// `EOF`) and drops a final period.
pub(crate) fn tidy(message: &str) -> String {
    let m = message.trim().trim_end_matches('.');
    let mut chars = m.chars();
    match (chars.next(), chars.clone().next()) {
        (Some(c), Some(next)) if next.is_uppercase() => std::iter::once(c).chain(chars).collect(),
        (Some(c), _) => c.to_lowercase().chain(chars).collect(),
        (None, _) => String::new(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn tidy_keeps_acronyms() {
        assert_eq!(
            super::tidy("EOF while parsing a value."),
            "EOF while parsing a value"
        );
        assert_eq!(super::tidy("Expected a comma"), "expected a comma");
        assert_eq!(super::tidy(""), "");
    }
}
