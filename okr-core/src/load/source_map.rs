//! Positions of document paths, for reporting findings at their line and column.

use crate::error::LoadError;
use crate::load::document::{format_of, parse_tree, read_text, Format};
use crate::load::syntax::{Node, Value};
use std::path::Path;

/// The parsed text of a document, to find where a path such as
/// `objectives[3].key_results[1].target` is written.
///
/// ```
/// use okr_core::{Format, SourceMap};
/// let map = SourceMap::from_str("version: 1\nobjectives:\n  - id: a\n", Format::Yaml)?;
/// assert_eq!(map.position("objectives[0].id"), Some((3, 9)));
/// assert_eq!(map.position("objectives[0]"), Some((3, 5)));
/// assert_eq!(map.position("objectives[7]"), None);
/// # Ok::<(), okr_core::LoadError>(())
/// ```
#[derive(Clone, Debug)]
pub struct SourceMap {
    root: Node,
}

enum Seg<'a> {
    Key(&'a str),
    Index(usize),
}

/// Splits `a.b[2].c` into segments (keys may not contain `.` or `[`).
fn segments(path: &str) -> Vec<Seg<'_>> {
    let mut out = Vec::new();
    for part in path.split('.') {
        let (key, mut rest) = match part.find('[') {
            Some(i) => (part.get(..i).unwrap_or(""), part.get(i..).unwrap_or("")),
            None => (part, ""),
        };
        if !key.is_empty() {
            out.push(Seg::Key(key));
        }
        while let Some(close) = rest.find(']') {
            if let Some(n) = rest.get(1..close).and_then(|s| s.parse().ok()) {
                out.push(Seg::Index(n));
            }
            rest = rest.get(close + 1..).unwrap_or("");
        }
    }
    out
}

impl SourceMap {
    /// Parses document text (only the syntax is checked).
    #[allow(clippy::should_implement_trait)]
    pub fn from_str(text: &str, format: Format) -> Result<SourceMap, LoadError> {
        Ok(SourceMap {
            root: parse_tree(text, format)?,
        })
    }

    /// Reads and parses a document file.
    pub fn from_path(path: impl AsRef<Path>) -> Result<SourceMap, LoadError> {
        let path = path.as_ref();
        SourceMap::from_str(&read_text(path)?, format_of(path)?)
    }

    /// The positions of `paths` in a document file, in their order (`None` where a path
    /// is not written). JSON is read in one streaming pass that builds no tree, in memory
    /// proportional to the paths asked for, so that the findings of a million-objective
    /// file are located without a second copy of it; YAML and TOML go through the spanned
    /// tree.
    ///
    /// ```
    /// # let dir = std::env::temp_dir().join(format!("okr-locate-doc-{}", std::process::id()));
    /// # std::fs::create_dir_all(&dir)?;
    /// let file = dir.join("org.json");
    /// std::fs::write(&file, "{\"version\": 1,\n \"objectives\": [{\"id\": \"a\"}]}")?;
    /// let at = okr_core::SourceMap::locate(&file, &["objectives[0].id", "cycles"])?;
    /// // Line 2, column 24: the value `"a"` (columns count characters from 1).
    /// assert_eq!(at, vec![Some((2, 24)), None]);
    /// # std::fs::remove_dir_all(&dir)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn locate(
        path: impl AsRef<Path>,
        paths: &[&str],
    ) -> Result<Vec<Option<(u32, u32)>>, LoadError> {
        let path = path.as_ref();
        let format = format_of(path)?;
        if paths.is_empty() {
            return Ok(Vec::new());
        }
        if format == Format::Json {
            let file = std::fs::File::open(path).map_err(|e| {
                LoadError::single(format!("cannot read the file: {e}"))
                    .with_source(path.display().to_string())
            })?;
            return Ok(crate::load::positions::json_positions(file, paths));
        }
        let map = SourceMap::from_path(path)?;
        Ok(paths.iter().map(|p| map.position(p)).collect())
    }

    /// The positions of `paths` in document text, as [`SourceMap::locate`] does for a file.
    pub fn locate_str(
        text: &str,
        format: Format,
        paths: &[&str],
    ) -> Result<Vec<Option<(u32, u32)>>, LoadError> {
        if format == Format::Json {
            return Ok(crate::load::positions::json_positions(
                text.as_bytes(),
                paths,
            ));
        }
        let map = SourceMap::from_str(text, format)?;
        Ok(paths.iter().map(|p| map.position(p)).collect())
    }

    /// The parsed text as a JSON value, as written (no defaults filled in), e.g. to check a
    /// YAML or TOML document against the JSON Schema. Non-finite numbers become `null`.
    pub fn to_json(&self) -> serde_json::Value {
        json_of(&self.root)
    }

    /// The 1-based line and column where the value at `path` starts (for a mapping key's
    /// value, the value; for an item, the item).
    pub fn position(&self, path: &str) -> Option<(u32, u32)> {
        let mut node = &self.root;
        for seg in segments(path) {
            node = match (&node.value, seg) {
                (Value::Map(entries), Seg::Key(k)) => {
                    &entries.iter().find(|(key, _)| key.name == k)?.1
                }
                (Value::Seq(items), Seg::Index(i)) => items.get(i)?,
                _ => return None,
            };
        }
        Some((node.pos.line, node.pos.col))
    }
}

/// A node as JSON (recursion bounded by the parsers' nesting limit).
fn json_of(node: &Node) -> serde_json::Value {
    use serde_json::Value as J;
    match &node.value {
        Value::Null => J::Null,
        Value::Bool(b) => J::Bool(*b),
        Value::Int(i) => J::from(*i),
        Value::Float(f) => serde_json::Number::from_f64(*f).map_or(J::Null, J::Number),
        Value::Str(s) => J::String(s.clone()),
        Value::Seq(items) => J::Array(items.iter().map(json_of).collect()),
        Value::Map(entries) => J::Object(
            entries
                .iter()
                .map(|(k, v)| (k.name.clone(), json_of(v)))
                .collect(),
        ),
    }
}
