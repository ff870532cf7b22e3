//! Loading and saving documents in JSON, YAML and TOML (SPEC §2).
//!
//! Loading never stops at the first problem: the text is parsed into a spanned tree and
//! converted with every problem collected, each with its path and line:column.

use crate::error::{LoadError, SaveError};
use crate::load::convert::{
    boolean, choice, count, date, ident, list, number, string, syntax_error, Cx, Path, Record,
};
use crate::load::options::{self as limits, LoadOptions};
use crate::load::syntax::{self, Node, ParseLimits, Value as V};
use crate::model::*;
use crate::save::numbers::Whole;
use std::collections::BTreeMap;
use std::path::Path as FsPath;

/// A document format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Format {
    /// JSON (RFC 8259).
    Json,
    /// YAML 1.2.
    Yaml,
    /// TOML 1.0.
    Toml,
}

impl Format {
    /// The format of a file, from its extension (`.json`, `.yaml`/`.yml`, `.toml`).
    pub fn from_path(path: impl AsRef<FsPath>) -> Option<Format> {
        let ext = path.as_ref().extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "json" => Some(Format::Json),
            "yaml" | "yml" => Some(Format::Yaml),
            "toml" => Some(Format::Toml),
            _ => None,
        }
    }

    /// The format's lowercase name.
    pub fn name(self) -> &'static str {
        match self {
            Format::Json => "json",
            Format::Yaml => "yaml",
            Format::Toml => "toml",
        }
    }

    /// Parses a format name (`json`, `yaml`, `yml`, `toml`).
    pub fn from_name(name: &str) -> Option<Format> {
        match name.to_ascii_lowercase().as_str() {
            "json" => Some(Format::Json),
            "yaml" | "yml" => Some(Format::Yaml),
            "toml" => Some(Format::Toml),
            _ => None,
        }
    }
}

/// Parses text of a format into a spanned tree, under the default limits.
pub(crate) fn parse_tree(text: &str, format: Format) -> Result<Node, LoadError> {
    parse_tree_with(text, format, &LoadOptions::default())
}

/// Parses text of a format into a spanned tree, under `options`.
pub(crate) fn parse_tree_with(
    text: &str,
    format: Format,
    options: &LoadOptions,
) -> Result<Node, LoadError> {
    if text.len() > options.max_bytes {
        return Err(limits::too_large(text.len() as u64, options));
    }
    let parse_limits = ParseLimits {
        max_depth: options.max_depth,
        max_alias_nodes: options.max_alias_nodes,
        max_alias_bytes: options.max_alias_bytes,
    };
    let parsed = match format {
        Format::Json => syntax::parse_json(text, &parse_limits),
        Format::Yaml => syntax::parse_yaml(text, &parse_limits),
        Format::Toml => syntax::parse_toml(text, &parse_limits),
    };
    let tree = parsed.map_err(syntax_error)?;
    check_tree(&tree, options)?;
    Ok(tree)
}

/// Every string and key longer than `max_string_bytes`, with its path and position, and
/// nesting deeper than `max_depth` (the parsers bound brackets; TOML's table headers nest
/// too).
fn check_tree(tree: &Node, options: &LoadOptions) -> Result<(), LoadError> {
    let max = options.max_string_bytes;
    let mut problems = Vec::new();
    let mut stack: Vec<(&Node, String, usize)> = vec![(tree, String::new(), 0)];
    let join = |parent: &str, key: &str| {
        if parent.is_empty() {
            key.to_owned()
        } else {
            format!("{parent}.{key}")
        }
    };
    let problem = |path: String, pos: syntax::Pos, bytes: usize| crate::error::Problem {
        path,
        line: Some(pos.line),
        column: Some(pos.col),
        message: limits::string_too_long(bytes, options),
    };
    while let Some((node, path, depth)) = stack.pop() {
        if depth >= options.max_depth && matches!(node.value, V::Seq(_) | V::Map(_)) {
            return Err(LoadError {
                source_name: None,
                problems: vec![crate::error::Problem {
                    path,
                    line: Some(node.pos.line),
                    column: Some(node.pos.col),
                    message: limits::too_deep(options.max_depth),
                }],
            });
        }
        match &node.value {
            V::Str(s) if s.len() > max => problems.push(problem(path, node.pos, s.len())),
            V::Seq(items) => {
                for (i, item) in items.iter().enumerate().rev() {
                    stack.push((item, format!("{path}[{i}]"), depth + 1));
                }
            }
            V::Map(entries) => {
                for (k, v) in entries.iter().rev() {
                    if k.name.len() > max {
                        let cut = k
                            .name
                            .char_indices()
                            .nth(16)
                            .map_or(k.name.len(), |(i, _)| i);
                        let shown = format!("{}…", k.name.get(..cut).unwrap_or_default());
                        problems.push(problem(join(&path, &shown), k.pos, k.name.len()));
                    } else {
                        stack.push((v, join(&path, &k.name), depth + 1));
                    }
                }
            }
            _ => {}
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(LoadError {
            source_name: None,
            problems,
        })
    }
}

/// Reads a file as UTF-8 text (a leading BOM is left for the parsers to skip).
pub(crate) fn read_text(path: &FsPath) -> Result<String, LoadError> {
    let name = path.display().to_string();
    let bytes = std::fs::read(path)
        .map_err(|e| LoadError::single(format!("cannot read the file: {e}")).with_source(&name))?;
    String::from_utf8(bytes).map_err(|e| {
        let at = utf8_text(e.as_bytes()).err();
        at.unwrap_or_else(|| LoadError::single("the file is not valid UTF-8".into()))
            .with_source(&name)
    })
}

/// The text of UTF-8 bytes, or a load error at the first invalid byte (its offset, and its
/// line and column as the parsers count them: 1-based, the column in characters).
fn utf8_text(bytes: &[u8]) -> Result<&str, LoadError> {
    std::str::from_utf8(bytes).map_err(|e| {
        let offset = e.valid_up_to();
        let valid = bytes
            .get(..offset)
            .and_then(|b| std::str::from_utf8(b).ok())
            .unwrap_or_default();
        let line_start = valid.rfind('\n').map_or(0, |i| i + 1);
        let line = valid.bytes().filter(|&b| b == b'\n').count() + 1;
        let column = valid.get(line_start..).unwrap_or_default().chars().count() + 1;
        LoadError {
            source_name: None,
            problems: vec![crate::error::Problem {
                path: String::new(),
                line: u32::try_from(line).ok(),
                column: u32::try_from(column).ok(),
                message: format!("the text is not valid UTF-8 (invalid byte at offset {offset})"),
            }],
        }
    })
}

/// From this size on, [`Document::from_path_with`] streams a JSON file through the fast path
/// instead of reading its text first (smaller files are read whole: parsing a slice is
/// faster than parsing a stream).
const STREAM_JSON_BYTES: u64 = 64 << 20;

/// Detects the format of `path` from its extension.
pub(crate) fn format_of(path: &FsPath) -> Result<Format, LoadError> {
    Format::from_path(path).ok_or_else(|| {
        LoadError::single(
            "cannot tell the format from the file name: use a `.json`, `.yaml`, `.yml` or `.toml` extension"
                .into(),
        )
        .with_source(path.display().to_string())
    })
}

impl Document {
    /// Loads a document from text in the given format, reporting every problem found.
    ///
    /// ```
    /// use okr_core::{Document, Format};
    /// let doc = Document::from_str("version: 1\nobjectives: []\n", Format::Yaml)?;
    /// assert!(doc.objectives.is_empty());
    /// # Ok::<(), okr_core::LoadError>(())
    /// ```
    #[allow(clippy::should_implement_trait)]
    pub fn from_str(text: &str, format: Format) -> Result<Document, LoadError> {
        Document::from_str_with(text, format, &LoadOptions::default())
    }

    /// Loads a document from UTF-8 bytes (a file's or a network buffer's content) in the
    /// given format: the same as [`Document::from_str`] of their text. Bytes that are not
    /// UTF-8 give one problem at the first invalid byte: its offset, and its line and
    /// column as the parsers count them (1-based, the column in characters).
    ///
    /// ```
    /// use okr_core::{Document, Format};
    /// let doc = Document::from_bytes(b"version: 1\nobjectives: []\n", Format::Yaml)?;
    /// assert!(doc.objectives.is_empty());
    /// let err = Document::from_bytes(b"version: 1\nobjectives: [\xff]\n", Format::Yaml).unwrap_err();
    /// assert_eq!((err.problems[0].line, err.problems[0].column), (Some(2), Some(14)));
    /// assert!(err.problems[0].message.contains("invalid byte at offset 24"));
    /// # Ok::<(), okr_core::LoadError>(())
    /// ```
    pub fn from_bytes(bytes: &[u8], format: Format) -> Result<Document, LoadError> {
        Document::from_str(utf8_text(bytes)?, format)
    }

    /// Loads a document from text under the given [`LoadOptions`] (limits on size,
    /// nesting, alias expansion, string length and entity count).
    pub fn from_str_with(
        text: &str,
        format: Format,
        options: &LoadOptions,
    ) -> Result<Document, LoadError> {
        if text.len() > options.max_bytes {
            return Err(limits::too_large(text.len() as u64, options));
        }
        // Parse fast, diagnose slow: JSON is read by a direct typed deserializer first; only
        // when it gives up (or a string may be over the limit) is the text parsed into a
        // spanned tree to find every problem.
        // serde_json nests at most 128 levels, so the fast path respects any depth limit
        // of 128 or more (deeper text fails there and is judged by the spanned reader).
        if format == Format::Json && options.max_depth >= 128 {
            if let Some(doc) = crate::load::fast::from_json(text, options.max_string_bytes) {
                limits::check_entities(&doc, options)?;
                return Ok(doc);
            }
        }
        let tree = parse_tree_with(text, format, options)?;
        let doc = read_document(&tree)?;
        limits::check_entities(&doc, options)?;
        Ok(doc)
    }

    /// Loads a document from a file; the format comes from the extension.
    pub fn from_path(path: impl AsRef<FsPath>) -> Result<Document, LoadError> {
        Document::from_path_with(path, &LoadOptions::default())
    }

    /// Loads a document from a file under the given [`LoadOptions`]; a file larger than
    /// `max_bytes` is refused before it is read.
    pub fn from_path_with(
        path: impl AsRef<FsPath>,
        options: &LoadOptions,
    ) -> Result<Document, LoadError> {
        Document::from_path_as(path, None, options)
    }

    /// Loads a document from a file in the given format (`None`: from the extension), under
    /// the given [`LoadOptions`]: a file larger than `max_bytes` is refused before it is
    /// read, a large JSON file is streamed, and bytes that are not UTF-8 give the line and
    /// column of the first invalid one. This is the loader every binding's `load(path)`
    /// goes through.
    ///
    /// ```
    /// use okr_core::{Document, Format, LoadOptions};
    /// let path = std::env::temp_dir().join(format!("okr-doc-as-{}.txt", std::process::id()));
    /// std::fs::write(&path, "version: 1\nobjectives: []\n")?;
    /// let doc = Document::from_path_as(&path, Some(Format::Yaml), &LoadOptions::default())?;
    /// assert!(doc.objectives.is_empty());
    /// let mut small = LoadOptions::default();
    /// small.max_bytes = 10;
    /// let err = Document::from_path_as(&path, Some(Format::Yaml), &small).unwrap_err();
    /// assert!(err.problems[0].message.contains("more than the limit of 10"));
    /// std::fs::remove_file(&path)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn from_path_as(
        path: impl AsRef<FsPath>,
        format: Option<Format>,
        options: &LoadOptions,
    ) -> Result<Document, LoadError> {
        let path = path.as_ref();
        let name = path.display().to_string();
        let format = match format {
            Some(f) => f,
            None => format_of(path)?,
        };
        let size = std::fs::metadata(path).map(|m| m.len()).ok();
        if let Some(size) = size.filter(|&size| size > options.max_bytes as u64) {
            return Err(limits::too_large(size, options).with_source(name));
        }
        // A large JSON file is read as a stream by the fast path, so that its text (2 GB
        // for a million objectives) is never held whole beside the model; if the fast
        // path gives up, the file is read again below for the diagnosis.
        if format == Format::Json
            && options.max_depth >= 128
            && size.is_some_and(|size| size >= STREAM_JSON_BYTES)
        {
            if let Ok(file) = std::fs::File::open(path) {
                if let Some(doc) =
                    crate::load::fast::from_json_reader(file, options.max_string_bytes)
                {
                    limits::check_entities(&doc, options).map_err(|e| e.with_source(&name))?;
                    return Ok(doc);
                }
            }
        }
        let text = read_text(path)?;
        Document::from_str_with(&text, format, options).map_err(|e| e.with_source(name))
    }

    /// Writes the document as text in the given format.
    ///
    /// Whole numbers are written as integers (`capacity_hours: 52`, not `52.0`): every
    /// finite number without a fraction within ±2^53, outside `extra` (kept as read).
    /// JSON cannot hold non-finite numbers and TOML cannot hold `null` (inside `extra`);
    /// such documents give [`SaveError::Unrepresentable`] rather than losing data.
    pub fn to_text(&self, format: Format) -> Result<String, SaveError> {
        let unrepresentable = |message: String| SaveError::Unrepresentable {
            format: format.name(),
            message,
        };
        match format {
            Format::Json => {
                if let Some(path) = crate::save::first_non_finite(self) {
                    return Err(unrepresentable(format!(
                        "the non-finite number at `{path}` has no JSON form"
                    )));
                }
                let mut s = serde_json::to_string_pretty(&Whole(self))
                    .map_err(|e| unrepresentable(e.to_string()))?;
                s.push('\n');
                Ok(s)
            }
            Format::Yaml => {
                serde_saphyr::to_string(&Whole(self)).map_err(|e| unrepresentable(e.to_string()))
            }
            Format::Toml => {
                if let Some(path) = crate::save::first_null(self) {
                    return Err(unrepresentable(format!(
                        "the null at `{path}` has no TOML form"
                    )));
                }
                toml::to_string_pretty(&Whole(self)).map_err(|e| unrepresentable(e.to_string()))
            }
        }
    }

    /// Saves the document to a file, format by extension, through [`crate::write_atomic`]:
    /// the text goes to a temporary file beside the target, which is flushed and renamed
    /// over it, so a failing save leaves any previous file intact (a symbolic link is
    /// written through and kept).
    pub fn save(&self, path: impl AsRef<FsPath>) -> Result<(), SaveError> {
        let path = path.as_ref();
        let format = Format::from_path(path).ok_or_else(|| SaveError::UnknownFormat {
            path: path.to_path_buf(),
        })?;
        let text = self.to_text(format)?;
        crate::save::atomic::write_atomic(path, text.as_bytes())
    }
}

/// The keys of a document (also read by the fast JSON path).
pub(crate) const DOCUMENT_KEYS: &[&str] = &[
    "version",
    "cycles",
    "levels",
    "teams",
    "people",
    "themes",
    "initiatives",
    "objectives",
    "extra",
];

/// Converts a parsed tree into a document.
pub(crate) fn read_document(tree: &Node) -> Result<Document, LoadError> {
    let mut cx = Cx::default();
    let root = Path::Root;
    let empty = match &tree.value {
        V::Null => true,
        V::Map(entries) => entries.is_empty(),
        _ => false,
    };
    if empty {
        return Err(LoadError::single(syntax::EMPTY.into()));
    }
    if !matches!(tree.value, V::Map(_)) {
        cx.report(
            &root,
            Some(tree.pos),
            format!(
                "a document is a mapping of `version`, `objectives` and the other lists, found {}",
                crate::load::convert::describe(&tree.value)
            ),
        );
        return cx.finish(Document::default());
    }
    let Some(rec) = Record::open(&mut cx, tree, &root, "document", DOCUMENT_KEYS) else {
        return cx.finish(Document::default());
    };
    let version = rec.req(&mut cx, &root, "version", |cx, node, path| {
        let v = count(cx, node, path)?;
        if v != 1 {
            cx.report(
                path,
                Some(node.pos),
                format!("unsupported version `{v}`: this library reads version `1`"),
            );
        }
        Some(v)
    });
    let doc = Document {
        version: version.unwrap_or(1),
        cycles: rec.list(&mut cx, &root, "cycles", read_cycle),
        levels: rec.opt(&mut cx, &root, "levels", |cx, n, p| {
            Some(list(cx, n, p, |cx, n, p| {
                let s = string(cx, n, p)?;
                if s.is_empty() {
                    cx.report(p, Some(n.pos), "a level name must not be empty".into());
                }
                Some(s)
            }))
        }),
        teams: rec.list(&mut cx, &root, "teams", read_team),
        people: rec.list(&mut cx, &root, "people", read_person),
        themes: rec.list(&mut cx, &root, "themes", read_theme),
        initiatives: rec.list(&mut cx, &root, "initiatives", read_initiative),
        objectives: rec
            .req(&mut cx, &root, "objectives", |cx, n, p| {
                Some(list(cx, n, p, read_objective))
            })
            .unwrap_or_default(),
        extra: rec.extra(&mut cx, &root),
    };
    cx.finish(doc)
}

fn read_cycle(cx: &mut Cx, node: &Node, path: &Path<'_>) -> Option<Cycle> {
    let r = Record::open(
        cx,
        node,
        path,
        "cycle",
        &["id", "start", "end", "name", "extra"],
    )?;
    let id = r.req(cx, path, "id", ident);
    let start = r.req(cx, path, "start", date);
    let end = r.req(cx, path, "end", date);
    let name = r.opt(cx, path, "name", string);
    let extra = r.extra(cx, path);
    Some(Cycle {
        id: id?,
        start: start?,
        end: end?,
        name,
        extra,
    })
}

fn read_team(cx: &mut Cx, node: &Node, path: &Path<'_>) -> Option<Team> {
    let r = Record::open(cx, node, path, "team", &["id", "name", "parent", "extra"])?;
    let id = r.req(cx, path, "id", ident);
    let name = r.opt(cx, path, "name", string);
    let parent = r.opt(cx, path, "parent", ident);
    let extra = r.extra(cx, path);
    Some(Team {
        id: id?,
        name,
        parent,
        extra,
    })
}

fn read_person(cx: &mut Cx, node: &Node, path: &Path<'_>) -> Option<Person> {
    let r = Record::open(
        cx,
        node,
        path,
        "person",
        &["id", "name", "team", "capacity_hours", "extra"],
    )?;
    let id = r.req(cx, path, "id", ident);
    let name = r.opt(cx, path, "name", string);
    let team = r.opt(cx, path, "team", ident);
    let capacity_hours = r.opt(cx, path, "capacity_hours", number);
    let extra = r.extra(cx, path);
    Some(Person {
        id: id?,
        name,
        team,
        capacity_hours,
        extra,
    })
}

fn read_theme(cx: &mut Cx, node: &Node, path: &Path<'_>) -> Option<Theme> {
    let r = Record::open(cx, node, path, "theme", &["id", "title", "extra"])?;
    let id = r.req(cx, path, "id", ident);
    let title = r.req(cx, path, "title", string);
    let extra = r.extra(cx, path);
    Some(Theme {
        id: id?,
        title: title?,
        extra,
    })
}

fn read_initiative(cx: &mut Cx, node: &Node, path: &Path<'_>) -> Option<Initiative> {
    let r = Record::open(
        cx,
        node,
        path,
        "initiative",
        &["id", "title", "team", "extra"],
    )?;
    let id = r.req(cx, path, "id", ident);
    let title = r.req(cx, path, "title", string);
    let team = r.opt(cx, path, "team", ident);
    let extra = r.extra(cx, path);
    Some(Initiative {
        id: id?,
        title: title?,
        team,
        extra,
    })
}

/// The keys of an objective (also read by the fast JSON path).
pub(crate) const OBJECTIVE_KEYS: &[&str] = &[
    "id",
    "title",
    "cycle",
    "level",
    "owners",
    "team",
    "themes",
    "initiatives",
    "aligns_to",
    "rollup",
    "blend",
    "overrides",
    "effort_hours",
    "commitment",
    "key_results",
    "extra",
];

/// Every rollup mode by its name in documents (and in a policy's `default_rollup`).
pub(crate) const ROLLUP_MODES: &[(&str, RollupMode)] = &[
    ("auto", RollupMode::Auto),
    ("key_results", RollupMode::KeyResults),
    ("children", RollupMode::Children),
    ("blend", RollupMode::Blend),
    ("manual", RollupMode::Manual),
    ("flat", RollupMode::Flat),
];

fn read_objective(cx: &mut Cx, node: &Node, path: &Path<'_>) -> Option<Objective> {
    let r = Record::open(cx, node, path, "objective", OBJECTIVE_KEYS)?;
    let id = r.req(cx, path, "id", ident);
    let title = r.req(cx, path, "title", string);
    let cycle = r.req(cx, path, "cycle", ident);
    let level = r.req(cx, path, "level", string);
    let owners = r.list(cx, path, "owners", ident);
    let team = r.opt(cx, path, "team", ident);
    let themes = r.list(cx, path, "themes", ident);
    let initiatives = r.list(cx, path, "initiatives", ident);
    let aligns_to = r.list(cx, path, "aligns_to", read_link);
    let rollup = r.opt(cx, path, "rollup", |cx, n, p| {
        choice(cx, n, p, "rollup mode", ROLLUP_MODES)
    });
    let blend = r.opt(cx, path, "blend", number);
    let overrides = r.list(cx, path, "overrides", read_override);
    let effort_hours = r.opt(cx, path, "effort_hours", number);
    let commitment = r
        .opt(cx, path, "commitment", |cx, n, p| {
            choice(
                cx,
                n,
                p,
                "commitment",
                &[
                    ("aspirational", Commitment::Aspirational),
                    ("committed", Commitment::Committed),
                ],
            )
        })
        .unwrap_or_default();
    let key_results = r.req(cx, path, "key_results", |cx, n, p| {
        Some(list(cx, n, p, read_key_result))
    });
    let extra = r.extra(cx, path);
    Some(Objective {
        id: id?,
        title: title?,
        cycle: cycle?,
        level: level?,
        owners,
        team,
        themes,
        initiatives,
        aligns_to,
        rollup,
        blend,
        overrides,
        effort_hours,
        commitment,
        key_results: key_results?,
        extra,
    })
}

fn read_link(cx: &mut Cx, node: &Node, path: &Path<'_>) -> Option<Link> {
    if matches!(node.value, V::Str(_) | V::Int(_)) {
        return ident(cx, node, path).map(|objective: ObjectiveId| Link::to(objective));
    }
    if !matches!(node.value, V::Map(_)) {
        cx.report(
            path,
            Some(node.pos),
            format!(
                "expected a parent objective id or a mapping `{{objective, weight, contributes}}`, found {}",
                crate::load::convert::describe(&node.value)
            ),
        );
        return None;
    }
    let r = Record::open(
        cx,
        node,
        path,
        "alignment link",
        &["objective", "weight", "contributes", "extra"],
    )?;
    let objective = r.req(cx, path, "objective", ident);
    let weight = r.opt(cx, path, "weight", number).unwrap_or(1.0);
    let contributes = r.opt(cx, path, "contributes", boolean).unwrap_or(true);
    let extra = r.extra(cx, path);
    Some(Link {
        objective: objective?,
        weight,
        contributes,
        extra,
    })
}

fn read_override(cx: &mut Cx, node: &Node, path: &Path<'_>) -> Option<Override> {
    let r = Record::open(
        cx,
        node,
        path,
        "override",
        &["score", "date", "reason", "extra"],
    )?;
    let score = r.req(cx, path, "score", number);
    let date = r.req(cx, path, "date", date);
    let reason = r.opt(cx, path, "reason", string);
    let extra = r.extra(cx, path);
    Some(Override {
        score: score?,
        date: date?,
        reason,
        extra,
    })
}

const KR_COMMON_KEYS: &[&str] = &[
    "id",
    "title",
    "kind",
    "weight",
    "owners",
    "initiatives",
    "due",
    "plan",
    "dropped",
    "check_ins",
    "extra",
];

const KR_KINDS: &[(&str, KindTag)] = &[
    ("metric", KindTag::Metric),
    ("threshold", KindTag::Threshold),
    ("binary", KindTag::Binary),
    ("milestones", KindTag::Milestones),
    ("baseline", KindTag::Baseline),
    ("graded", KindTag::Graded),
];

/// The kind other tools call by another name (`boolean` for `binary`).
fn kind_synonym(name: &str) -> Option<&'static str> {
    match name.to_lowercase().as_str() {
        "boolean" | "bool" | "yes_no" | "done" | "checkbox" => Some("binary"),
        "number" | "numeric" | "percentage" | "percent" | "kpi" | "target" => Some("metric"),
        "milestone" | "checklist" | "tasks" => Some("milestones"),
        "measure" | "measurement" => Some("baseline"),
        "limit" | "guardrail" => Some("threshold"),
        _ => None,
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum KindTag {
    Metric,
    Threshold,
    Binary,
    Milestones,
    Baseline,
    Graded,
}

impl KindTag {
    fn what(self) -> &'static str {
        match self {
            KindTag::Metric => "metric key result",
            KindTag::Threshold => "threshold key result",
            KindTag::Binary => "binary key result",
            KindTag::Milestones => "milestones key result",
            KindTag::Baseline => "baseline key result",
            KindTag::Graded => "graded key result",
        }
    }

    fn fields(self) -> &'static [&'static str] {
        match self {
            KindTag::Metric => &["start", "target", "unit"],
            KindTag::Threshold => &["threshold", "direction", "unit"],
            KindTag::Binary => &[],
            KindTag::Milestones => &["milestones"],
            KindTag::Baseline => &["unit"],
            KindTag::Graded => &[],
        }
    }
}

const ALL_KIND_FIELDS: &[&str] = &[
    "start",
    "target",
    "unit",
    "threshold",
    "direction",
    "milestones",
];

fn read_key_result(cx: &mut Cx, node: &Node, path: &Path<'_>) -> Option<KeyResult> {
    // The kind decides which fields are allowed, so read it first.
    let kind_tag = match &node.value {
        V::Map(entries) => match entries.iter().find(|(k, _)| k.name == "kind") {
            Some((_, n)) => match &n.value {
                V::Str(s) if kind_synonym(s).is_some() => {
                    cx.report(
                        &path.key("kind"),
                        Some(n.pos),
                        format!(
                            "unknown key result kind `{s}`, did you mean `{}`?",
                            kind_synonym(s).unwrap_or_default()
                        ),
                    );
                    None
                }
                _ => choice(cx, n, &path.key("kind"), "key result kind", KR_KINDS),
            },
            None => {
                cx.report(
                    &path.key("kind"),
                    Some(node.pos),
                    "missing required field `kind` (one of `metric`, `threshold`, `binary`, `milestones`, `baseline`, `graded`)".into(),
                );
                None
            }
        },
        _ => None,
    };
    let mut known: Vec<&str> = KR_COMMON_KEYS.to_vec();
    known.extend_from_slice(kind_tag.map_or(ALL_KIND_FIELDS, KindTag::fields));
    let what = kind_tag.map_or("key result", KindTag::what);
    let r = Record::open(cx, node, path, what, &known)?;
    let id = r.req(cx, path, "id", ident);
    let title = r.req(cx, path, "title", string);
    let weight = r.opt(cx, path, "weight", number).unwrap_or(1.0);
    let owners = r.list(cx, path, "owners", ident);
    let initiatives = r.list(cx, path, "initiatives", ident);
    let due = r.opt(cx, path, "due", date);
    let plan = r.opt(cx, path, "plan", read_plan).unwrap_or_default();
    // An unknown kind is one mistake, reported above: its check-ins may hold anything a
    // kind allows, so that it gives no second error.
    let dropped = r.opt(cx, path, "dropped", date);
    let binary = kind_tag.is_none_or(|k| k == KindTag::Binary);
    let check_ins = r.list(cx, path, "check_ins", |cx, n, p| {
        read_check_in(cx, n, p, binary)
    });
    let unit = r.opt(cx, path, "unit", string);
    let kind = match kind_tag? {
        KindTag::Metric => {
            let start = r.req(cx, path, "start", number);
            let target = r.req(cx, path, "target", number);
            KrKind::Metric {
                start: start?,
                target: target?,
                unit,
            }
        }
        KindTag::Threshold => {
            let threshold = r.req(cx, path, "threshold", number);
            let direction = r.req(cx, path, "direction", |cx, n, p| {
                choice(
                    cx,
                    n,
                    p,
                    "direction",
                    &[
                        ("at_least", Direction::AtLeast),
                        ("at_most", Direction::AtMost),
                    ],
                )
            });
            KrKind::Threshold {
                threshold: threshold?,
                direction: direction?,
                unit,
            }
        }
        KindTag::Binary => KrKind::Binary,
        KindTag::Milestones => KrKind::Milestones {
            milestones: r
                .req(cx, path, "milestones", |cx, n, p| {
                    Some(list(cx, n, p, read_milestone))
                })
                .unwrap_or_default(),
        },
        KindTag::Baseline => KrKind::Baseline { unit },
        KindTag::Graded => KrKind::Graded,
    };
    let extra = r.extra(cx, path);
    Some(KeyResult {
        id: id?,
        title: title?,
        kind,
        weight,
        owners,
        initiatives,
        due,
        plan,
        dropped,
        check_ins,
        extra,
    })
}

fn read_plan(
    cx: &mut Cx,
    node: &Node,
    path: &Path<'_>,
) -> Option<BTreeMap<chrono::NaiveDate, f64>> {
    let V::Map(entries) = &node.value else {
        cx.report(
            path,
            Some(node.pos),
            format!(
                "expected a mapping of dates to values, found {}",
                crate::load::convert::describe(&node.value)
            ),
        );
        return None;
    };
    let mut plan = BTreeMap::new();
    for (key, value) in entries {
        let p = path.key(&key.name);
        let Some(d) = crate::load::convert::parse_date(&key.name) else {
            cx.report(
                &p,
                Some(key.pos),
                crate::load::convert::not_a_date(&key.name),
            );
            continue;
        };
        let Some(v) = number(cx, value, &p) else {
            continue;
        };
        if plan.insert(d, v).is_some() {
            cx.report(
                &p,
                Some(key.pos),
                format!("duplicate plan date `{}`", key.name),
            );
        }
    }
    Some(plan)
}

fn read_check_in(cx: &mut Cx, node: &Node, path: &Path<'_>, binary: bool) -> Option<CheckIn> {
    let r = Record::open(
        cx,
        node,
        path,
        "check-in",
        &["date", "value", "confidence", "note", "projection", "extra"],
    )?;
    let date = r.req(cx, path, "date", date);
    let value = r.req(cx, path, "value", |cx, n, p| match n.value {
        V::Bool(b) if binary => Some(Value::Bool(b)),
        _ if binary => match n.value {
            V::Int(_) | V::Float(_) => number(cx, n, p).map(Value::Number),
            _ => {
                cx.report(
                    p,
                    Some(n.pos),
                    format!(
                        "expected `true`, `false` or a number, found {}",
                        crate::load::convert::describe(&n.value)
                    ),
                );
                None
            }
        },
        _ => number(cx, n, p).map(Value::Number),
    });
    let confidence = r.opt(cx, path, "confidence", number);
    let note = r.opt(cx, path, "note", string);
    let projection = r.opt(cx, path, "projection", number);
    let extra = r.extra(cx, path);
    Some(CheckIn {
        date: date?,
        value: value?,
        confidence,
        note,
        projection,
        extra,
    })
}

fn read_milestone(cx: &mut Cx, node: &Node, path: &Path<'_>) -> Option<Milestone> {
    let r = Record::open(
        cx,
        node,
        path,
        "milestone",
        &["title", "weight", "due", "done", "extra"],
    )?;
    let title = r.req(cx, path, "title", string);
    let weight = r.opt(cx, path, "weight", number).unwrap_or(1.0);
    let due = r.opt(cx, path, "due", date);
    let done = r.opt(cx, path, "done", date);
    let extra = r.extra(cx, path);
    Some(Milestone {
        title: title?,
        weight,
        due,
        done,
        extra,
    })
}
