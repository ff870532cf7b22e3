//! Limits on what a loaded document may hold, so that no input can exhaust memory or the
//! stack, or run for long. Every limit has a safe default; exceeding one is a load error
//! that names the limit and how to raise it.

use crate::error::LoadError;
use crate::model::Document;

/// The limits of [`crate::Document::from_str_with`] and [`crate::Document::from_path_with`].
///
/// The defaults fit the largest organisations we know of (a million objectives) with room
/// to spare, and stop alias bombs, runaway nesting and pasted blobs early:
///
/// | limit | default | what it bounds |
/// |---|---|---|
/// | `max_bytes` | 4 GiB | size of the text (checked before reading a file) |
/// | `max_depth` | 128 | nesting of lists and mappings |
/// | `max_alias_nodes` | 1,000,000 | nodes that YAML aliases may expand to |
/// | `max_alias_bytes` | 256 MiB | bytes of strings and keys that YAML aliases may expand to (one big string aliased many times) |
/// | `max_string_bytes` | 1 MiB | length of one string (id, title, note, …) |
/// | `max_entities` | 20,000,000 | cycles, teams, people, themes, initiatives, objectives, key results, milestones and check-ins together |
///
/// ```
/// use okr_core::{Document, Format, LoadOptions};
/// let mut options = LoadOptions::default();
/// options.max_string_bytes = 12;
/// let err = Document::from_str_with(
///     "version: 1\nobjectives: [{id: o, title: A rather long title, cycle: c, level: team, key_results: []}]",
///     Format::Yaml,
///     &options,
/// ).unwrap_err();
/// assert!(err.problems[0].message.contains("raise `LoadOptions::max_string_bytes`"));
/// assert_eq!(err.problems[0].path, "objectives[0].title");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct LoadOptions {
    /// Largest text, in bytes.
    pub max_bytes: usize,
    /// Deepest nesting of lists and mappings.
    pub max_depth: usize,
    /// Most nodes that YAML alias expansion may produce.
    pub max_alias_nodes: usize,
    /// Most bytes of strings and mapping keys that YAML alias expansion may produce: with
    /// [`LoadOptions::max_alias_nodes`], what bounds the memory aliases can take (a 1 MiB
    /// string aliased a million times is a million nodes but a terabyte).
    pub max_alias_bytes: usize,
    /// Longest string (or mapping key), in bytes.
    pub max_string_bytes: usize,
    /// Most entities of all kinds together.
    pub max_entities: usize,
}

impl Default for LoadOptions {
    fn default() -> Self {
        LoadOptions {
            max_bytes: u32::MAX as usize,
            max_depth: 128,
            max_alias_nodes: 1_000_000,
            max_alias_bytes: 256 << 20,
            max_string_bytes: 1 << 20,
            max_entities: 20_000_000,
        }
    }
}

pub(crate) fn too_large(bytes: u64, options: &LoadOptions) -> LoadError {
    LoadError::single(format!(
        "the document is {bytes} bytes, more than the limit of {} (raise `LoadOptions::max_bytes`)",
        options.max_bytes
    ))
}

pub(crate) fn string_too_long(bytes: usize, options: &LoadOptions) -> String {
    format!(
        "a string of {bytes} bytes is longer than the limit of {} (raise `LoadOptions::max_string_bytes`)",
        options.max_string_bytes
    )
}

pub(crate) fn too_deep(options_max_depth: usize) -> String {
    format!("nesting deeper than {options_max_depth} levels (raise `LoadOptions::max_depth`)")
}

pub(crate) fn alias_bomb(max_alias_nodes: usize) -> String {
    format!(
        "aliases expand to more than {max_alias_nodes} nodes, a possible alias bomb (raise `LoadOptions::max_alias_nodes`)"
    )
}

pub(crate) fn alias_bytes_bomb(max_alias_bytes: usize) -> String {
    format!(
        "aliases expand to more than {max_alias_bytes} bytes of text, a possible alias bomb (raise `LoadOptions::max_alias_bytes`)"
    )
}

/// Counts the entities of a loaded document against `max_entities`.
pub(crate) fn check_entities(doc: &Document, options: &LoadOptions) -> Result<(), LoadError> {
    let mut n = doc.cycles.len()
        + doc.teams.len()
        + doc.people.len()
        + doc.themes.len()
        + doc.initiatives.len()
        + doc.objectives.len();
    for o in &doc.objectives {
        n += o.key_results.len() + o.overrides.len() + o.aligns_to.len();
        for k in &o.key_results {
            n += k.check_ins.len() + k.plan.len();
            if let crate::model::KrKind::Milestones { milestones } = &k.kind {
                n += milestones.len();
            }
        }
    }
    if n > options.max_entities {
        return Err(LoadError::single(format!(
            "the document has {n} entities, more than the limit of {} (raise `LoadOptions::max_entities`)",
            options.max_entities
        )));
    }
    Ok(())
}
