//! The insertion itself: where in the source text the new check-in, `done:` or override
//! goes, and how it is written in the style around it.
//!
//! Positions come from the loader's spanned tree (line:column of every node); ends of
//! flow collections are found by a small scanner that knows each format's strings and
//! comments, ends of YAML blocks by indentation and ends of TOML tables by their headers.
//! Every edit is one insertion; anything this module cannot place cleanly is refused.

use super::{Edit, EditError};
use crate::load::syntax::{Key, Node, Pos, Value as V};
use crate::Format;
use chrono::NaiveDate;

/// A value to write.
enum Scalar {
    Date(NaiveDate),
    Num(f64),
    Bool(bool),
    Str(String),
}

type Fields = Vec<(&'static str, Scalar)>;

/// What to add to a mapping that lacks the key: a one-item list of a mapping, or a scalar.
enum NewValue {
    List(Fields),
    Scalar(Scalar),
}

/// The text with its line starts, for position ↔ offset.
struct Src<'a> {
    text: &'a str,
    starts: Vec<usize>,
}

impl<'a> Src<'a> {
    fn new(text: &'a str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Src { text, starts }
    }

    fn bytes(&self) -> &[u8] {
        self.text.as_bytes()
    }

    fn byte(&self, i: usize) -> Option<u8> {
        self.bytes().get(i).copied()
    }

    /// The byte offset of a 1-based line and 1-based character column.
    fn offset(&self, p: Pos) -> Option<usize> {
        let line = usize::try_from(p.line).ok()?.checked_sub(1)?;
        let start = *self.starts.get(line)?;
        let col = usize::try_from(p.col).ok()?.checked_sub(1)?;
        let rest = self.text.get(start..)?;
        let within = match rest.char_indices().nth(col) {
            Some((i, _)) => i,
            None if rest.chars().count() == col => rest.len(),
            None => return None,
        };
        Some(start + within)
    }

    /// 0-based line index of an offset.
    fn line_of(&self, off: usize) -> usize {
        self.starts.partition_point(|&s| s <= off).saturating_sub(1)
    }

    fn line_start(&self, off: usize) -> usize {
        self.starts
            .get(self.line_of(off))
            .copied()
            .unwrap_or_default()
    }

    /// The line `i` without its newline, and the offset just past its newline (or the end).
    fn line(&self, i: usize) -> Option<(&'a str, usize)> {
        let start = *self.starts.get(i)?;
        let next = self.starts.get(i + 1).copied().unwrap_or(self.text.len());
        let line = self.text.get(start..next)?;
        Some((line.trim_end_matches(['\n', '\r']), next))
    }

    /// The leading whitespace of the line holding `off`.
    fn indent_of(&self, off: usize) -> &'a str {
        let start = self.line_start(off);
        let line = self.text.get(start..).unwrap_or("");
        let n = line.len() - line.trim_start_matches([' ', '\t']).len();
        line.get(..n).unwrap_or("")
    }

    /// Whether only whitespace stands between the start of the line and `off`.
    fn first_on_line(&self, off: usize) -> bool {
        self.text
            .get(self.line_start(off)..off)
            .is_some_and(|s| s.chars().all(|c| c == ' ' || c == '\t'))
    }
}

fn is_content(line: &str) -> bool {
    let t = line.trim();
    !t.is_empty() && !t.starts_with('#')
}

/// How the new text is spelled.
struct Style {
    format: Format,
    compact: bool,
    /// Write dates as quoted strings (JSON always; YAML and TOML when the list's last
    /// entry does).
    quote_dates: bool,
}

impl Style {
    fn scalar(&self, s: &Scalar) -> String {
        match s {
            Scalar::Date(d) if self.format == Format::Json || self.quote_dates => {
                format!("\"{d}\"")
            }
            Scalar::Date(d) => d.to_string(),
            Scalar::Num(n) => number(*n),
            Scalar::Bool(b) => b.to_string(),
            Scalar::Str(s) => quote(s),
        }
    }

    fn key(&self, k: &str) -> String {
        match self.format {
            Format::Json => format!("\"{k}\""),
            _ => k.to_owned(),
        }
    }

    fn pair_text(&self, k: &str, v: &str) -> String {
        match (self.format, self.compact) {
            (Format::Toml, _) => format!("{k} = {v}"),
            (Format::Json, true) => format!("{}:{v}", self.key(k)),
            _ => format!("{}: {v}", self.key(k)),
        }
    }

    fn pair(&self, k: &str, v: &Scalar) -> String {
        self.pair_text(k, &self.scalar(v))
    }

    fn sep(&self) -> &'static str {
        if self.compact {
            ","
        } else {
            ", "
        }
    }

    fn inline_map(&self, fields: &Fields) -> String {
        let inner: Vec<String> = fields.iter().map(|(k, v)| self.pair(k, v)).collect();
        format!("{{{}}}", inner.join(self.sep()))
    }

    /// A mapping over several lines (pretty JSON): `{` here, keys at `key_indent`, `}` at
    /// `indent`.
    fn pretty_map(&self, fields: &Fields, indent: &str, key_indent: &str) -> String {
        let inner: Vec<String> = fields
            .iter()
            .map(|(k, v)| format!("{key_indent}{}", self.pair(k, v)))
            .collect();
        format!("{{\n{}\n{indent}}}", inner.join(",\n"))
    }

    fn new_value(&self, v: &NewValue) -> String {
        match v {
            NewValue::List(fields) => format!("[{}]", self.inline_map(fields)),
            NewValue::Scalar(s) => self.scalar(s),
        }
    }
}

/// A number as all three formats read it back exactly.
fn number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        // Exact: |n| < 2^53.
        format!("{}", n as i64)
    } else {
        format!("{n:?}")
    }
}

/// A double-quoted string that JSON, YAML and TOML all read the same: `"` and `\` escaped,
/// control characters as `\uXXXX`.
fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() || c == '\u{2028}' || c == '\u{2029}' || c == '\u{feff}' => {
                out.push_str(&format!("\\u{:04X}", u32::from(c)));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The first entry of a mapping node with this key.
fn get<'n>(node: &'n Node, key: &str) -> Option<(&'n Key, &'n Node)> {
    match &node.value {
        V::Map(entries) => entries
            .iter()
            .find(|(k, _)| k.name == key)
            .map(|(k, v)| (k, v)),
        _ => None,
    }
}

fn items(node: &Node) -> &[Node] {
    match &node.value {
        V::Seq(items) => items,
        _ => &[],
    }
}

fn has_id(node: &Node, id: &str) -> bool {
    matches!(get(node, "id"), Some((_, Node { value: V::Str(s), .. })) if s == id)
}

/// Where the edit goes, found in the tree.
struct Target<'n> {
    /// The mapping that gets the new entry (KR, objective or milestone).
    map: &'n Node,
    /// The enclosing objective (for the YAML list indentation it uses).
    objective: &'n Node,
    /// The list key (`check_ins`, `overrides`) or the scalar key (`done`).
    key: &'static str,
    value: NewValue,
}

/// Inserts the edit into `text`. `objective` is the index of the objective the edit
/// changes, when the caller knows it: in JSON that objective is then found by a scan of
/// the text and only its own text is parsed into a spanned tree (the tree of a whole
/// document takes some twenty times the file's size: 5 GB for a 220 MB file).
pub(super) fn insert(
    text: &str,
    format: Format,
    edit: &Edit,
    objective: Option<usize>,
) -> Result<String, EditError> {
    let (bom, body) = match text.strip_prefix('\u{feff}') {
        Some(rest) => ("\u{feff}", rest),
        None => ("", text),
    };
    let scoped = match (format, objective) {
        (Format::Json, Some(i)) => json_objective_span(body.as_bytes(), i)
            .and_then(|(start, end)| Some((start, body.get(start..end)?))),
        _ => None,
    };
    let (scope_start, scope) = scoped.unwrap_or((0, body));
    let tree = crate::load::document::parse_tree(scope, format)?;
    let what = edit.subject();
    let unsupported = |reason: &str| EditError::Unsupported {
        what: what.clone(),
        reason: reason.to_owned(),
    };
    let objectives = if scoped.is_some() {
        std::slice::from_ref(&tree)
    } else {
        get(&tree, "objectives").map_or(&[][..], |(_, n)| items(n))
    };
    let find_kr = |id: &str| {
        objectives.iter().find_map(|o| {
            let krs = get(o, "key_results").map_or(&[][..], |(_, n)| items(n));
            krs.iter().find(|k| has_id(k, id)).map(|k| (o, k))
        })
    };
    let target = match edit {
        Edit::CheckIn {
            key_result,
            check_in,
        } => {
            let (objective, kr) = find_kr(key_result)
                .ok_or_else(|| unsupported("it is not where the document's tree has it"))?;
            let mut fields: Fields = vec![
                ("date", Scalar::Date(check_in.date)),
                (
                    "value",
                    match check_in.value {
                        crate::Value::Bool(b) => Scalar::Bool(b),
                        crate::Value::Number(n) => Scalar::Num(n),
                    },
                ),
            ];
            if let Some(c) = check_in.confidence {
                fields.push(("confidence", Scalar::Num(c)));
            }
            if let Some(n) = &check_in.note {
                fields.push(("note", Scalar::Str(n.clone())));
            }
            Target {
                map: kr,
                objective,
                key: "check_ins",
                value: NewValue::List(fields),
            }
        }
        Edit::Override {
            objective,
            r#override,
        } => {
            let o = objectives
                .iter()
                .find(|o| has_id(o, objective))
                .ok_or_else(|| unsupported("it is not where the document's tree has it"))?;
            let mut fields: Fields = vec![
                ("score", Scalar::Num(r#override.score)),
                ("date", Scalar::Date(r#override.date)),
            ];
            if let Some(r) = &r#override.reason {
                fields.push(("reason", Scalar::Str(r.clone())));
            }
            Target {
                map: o,
                objective: o,
                key: "overrides",
                value: NewValue::List(fields),
            }
        }
        Edit::MilestoneDone {
            key_result,
            milestone,
            date,
        } => {
            let (objective, kr) = find_kr(key_result)
                .ok_or_else(|| unsupported("it is not where the document's tree has it"))?;
            let list = get(kr, "milestones").map_or(&[][..], |(_, n)| items(n));
            let m = match milestone {
                super::MilestoneRef::Index(i) => list.get(*i),
                super::MilestoneRef::Title(t) => list.iter().find(|m| {
                    matches!(get(m, "title"), Some((_, Node { value: V::Str(s), .. })) if s == t)
                }),
            }
            .ok_or_else(|| unsupported("the milestone is not where the document's tree has it"))?;
            Target {
                map: m,
                objective,
                key: "done",
                value: NewValue::Scalar(Scalar::Date(*date)),
            }
        }
    };
    let src = Src::new(scope);
    let (at, new) = place(&src, format, &target).map_err(|reason| unsupported(&reason))?;
    let at = scope_start + at;
    // Lines end as the file's do.
    let new = if body.contains("\r\n") {
        new.replace('\n', "\r\n")
    } else {
        new
    };
    let mut out = String::with_capacity(text.len() + new.len());
    out.push_str(bom);
    out.push_str(body.get(..at).unwrap_or(body));
    out.push_str(&new);
    out.push_str(body.get(at..).unwrap_or(""));
    Ok(out)
}

/// The offset and the text to insert there, or why not.
fn place(src: &Src<'_>, format: Format, t: &Target<'_>) -> Result<(usize, String), String> {
    let map_off = src
        .offset(t.map.pos)
        .ok_or("a position in the tree is outside the text")?;
    if format == Format::Yaml {
        yaml_plain(src, map_off)?;
    }
    let style = Style {
        format,
        compact: format == Format::Json && json_compact(src, t.map),
        quote_dates: false,
    };
    match (get(t.map, t.key), &t.value) {
        (Some(_), NewValue::Scalar(_)) => Err(format!("it already has `{}`", t.key)),
        (Some((key, list)), NewValue::List(fields)) => {
            if format == Format::Yaml {
                let key_off = src
                    .offset(key.pos)
                    .ok_or("a position in the tree is outside the text")?;
                let list_off = src
                    .offset(list.pos)
                    .ok_or("a position in the tree is outside the text")?;
                yaml_plain(src, list_off)?;
                let decorated = src.text.get(key_off..list_off).is_some_and(|between| {
                    between
                        .lines()
                        .any(|l| l.split(" #").next().unwrap_or("").contains(['&', '!', '*']))
                });
                if decorated {
                    return Err("it is written with a YAML anchor, alias or tag".into());
                }
            }
            let Some(last) = items(list).last() else {
                let open = src
                    .offset(list.pos)
                    .ok_or("a position in the tree is outside the text")?;
                if src.byte(open) != Some(b'[') {
                    return Err(format!("its `{}` is not written as a list", t.key));
                }
                return flow_append(src, &style, open, None, fields);
            };
            let last_off = src
                .offset(last.pos)
                .ok_or("a position in the tree is outside the text")?;
            let style = Style {
                format,
                compact: format == Format::Json && json_compact(src, last),
                quote_dates: get(last, "date")
                    .and_then(|(_, d)| src.offset(d.pos))
                    .is_some_and(|o| matches!(src.byte(o), Some(b'"' | b'\''))),
            };
            if format == Format::Yaml {
                yaml_plain(src, last_off)?;
            }
            match format {
                Format::Toml if src.byte(last_off) != Some(b'{') => {
                    toml_table_append(src, &style, last_off, fields, t.key)
                }
                Format::Yaml if !is_flow_list(src, list) => {
                    yaml_block_append(src, &style, last_off, fields)
                }
                _ => {
                    let open = src
                        .offset(list.pos)
                        .ok_or("a position in the tree is outside the text")?;
                    if format == Format::Yaml {
                        yaml_plain(src, open)?;
                    }
                    if src.byte(open) != Some(b'[') {
                        return Err(format!("its `{}` is not written as a list", t.key));
                    }
                    flow_append(src, &style, open, Some((last, last_off)), fields)
                }
            }
        }
        (None, value) => match (format, src.byte(map_off)) {
            (_, Some(b'{')) => flow_add_key(src, &style, map_off, t.map, t.key, value),
            (Format::Json, _) => Err("it is not written as an object".into()),
            (Format::Yaml, _) => yaml_block_add_key(src, &style, map_off, t, value),
            (Format::Toml, _) => toml_table_add_key(src, &style, map_off, t.key, value),
        },
    }
}

/// Whether a YAML list is written in flow style (`[…]`).
fn is_flow_list(src: &Src<'_>, node: &Node) -> bool {
    // A block list's position can be its first item's, which may be a flow mapping
    // (`- {date: …}`): only `[` starts a flow list.
    src.offset(node.pos)
        .and_then(|o| src.byte(o))
        .is_some_and(|b| b == b'[')
}

/// Refuses a YAML node that carries an anchor, an alias or a tag.
fn yaml_plain(src: &Src<'_>, off: usize) -> Result<(), String> {
    if matches!(src.byte(off), Some(b'&' | b'*' | b'!')) {
        return Err("it is written with a YAML anchor, alias or tag".into());
    }
    let before = src.text.get(src.line_start(off)..off).unwrap_or("");
    let token = before.split_whitespace().last().unwrap_or("");
    if token.starts_with(['&', '!']) {
        return Err("it is written with a YAML anchor, alias or tag".into());
    }
    Ok(())
}

/// Pretty or minified: whether the first key of a JSON object is followed by `:` without
/// a space.
fn json_compact(src: &Src<'_>, map: &Node) -> bool {
    let first = match &map.value {
        V::Map(entries) => entries.first().map(|(k, _)| k.pos),
        _ => None,
    };
    let Some(off) = first.and_then(|p| src.offset(p)) else {
        return !src.text.contains(": ");
    };
    let Some(end) = string_end(src.bytes(), off, Format::Json) else {
        return false;
    };
    let rest = src.text.get(end..).unwrap_or("");
    let rest = rest.trim_start();
    rest.strip_prefix(':')
        .is_some_and(|r| !r.starts_with([' ', '\t', '\n', '\r']))
}

/// The offset just past a quoted string starting at `i` (`"` or `'`).
fn string_end(b: &[u8], i: usize, format: Format) -> Option<usize> {
    let q = *b.get(i)?;
    let triple = format == Format::Toml && b.get(i + 1) == Some(&q) && b.get(i + 2) == Some(&q);
    let escapes = q == b'"';
    let mut j = i + if triple { 3 } else { 1 };
    while let Some(&c) = b.get(j) {
        if escapes && c == b'\\' {
            j += 2;
            continue;
        }
        if c == q {
            if triple {
                if b.get(j + 1) == Some(&q) && b.get(j + 2) == Some(&q) {
                    // A closing triple may be followed by up to two more quotes.
                    let mut k = j + 3;
                    while b.get(k) == Some(&q) && k < j + 5 {
                        k += 1;
                    }
                    return Some(k);
                }
            } else if format == Format::Yaml && q == b'\'' && b.get(j + 1) == Some(&b'\'') {
                j += 2;
                continue;
            } else {
                return Some(j + 1);
            }
        }
        j += 1;
    }
    None
}

/// A flow collection opened at `open`: where it closes, where its last token ends, and
/// whether that token is a trailing comma or there is none.
struct Flow {
    last_end: usize,
    empty: bool,
    trailing_comma: bool,
}

fn scan_flow(src: &Src<'_>, open: usize, format: Format) -> Option<Flow> {
    let b = src.bytes();
    let mut depth = 0usize;
    let mut i = open;
    let mut last_end = open + 1;
    let mut last_sig = b'[';
    while let Some(&c) = b.get(i) {
        let prev_ws = i == 0 || b.get(i - 1).is_some_and(|p| p.is_ascii_whitespace());
        match c {
            b' ' | b'\t' | b'\n' | b'\r' => i += 1,
            b'#' if format == Format::Toml || (format == Format::Yaml && prev_ws) => {
                while b.get(i).is_some_and(|&x| x != b'\n') {
                    i += 1;
                }
            }
            b'"' | b'\''
                if format != Format::Yaml
                    || prev_ws
                    || matches!(b.get(i.wrapping_sub(1)), Some(b'[' | b'{' | b',' | b':')) =>
            {
                if c == b'\'' && format == Format::Json {
                    return None;
                }
                i = string_end(b, i, format)?;
                last_end = i;
                last_sig = c;
            }
            b'[' | b'{' => {
                depth += 1;
                if depth > 1 {
                    last_sig = c;
                }
                i += 1;
                if depth > 1 {
                    last_end = i;
                }
            }
            b']' | b'}' => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some(Flow {
                        last_end,
                        empty: last_end == open + 1 && (last_sig == b'['),
                        trailing_comma: last_sig == b',',
                    });
                }
                i += 1;
                last_end = i;
                last_sig = c;
            }
            _ => {
                i += 1;
                last_end = i;
                last_sig = c;
            }
        }
    }
    None
}

/// Appends a mapping to a flow list (YAML flow, JSON, TOML inline array).
fn flow_append(
    src: &Src<'_>,
    style: &Style,
    open: usize,
    last: Option<(&Node, usize)>,
    fields: &Fields,
) -> Result<(usize, String), String> {
    let flow = scan_flow(src, open, style.format).ok_or("the end of its list was not found")?;
    let inline = style.inline_map(fields);
    let Some((last, last_off)) = last.filter(|_| !flow.empty) else {
        return Ok((open + 1, inline));
    };
    // One item per line: the new one goes on a line of its own, indented like the last.
    let items_before = src.line_of(last_off) > src.line_of(open);
    if items_before && src.first_on_line(last_off) {
        let indent = src.indent_of(last_off);
        let item = match (&last.value, style.format) {
            (V::Map(entries), Format::Json) => match entries.first() {
                Some((k, _)) => match src.offset(k.pos) {
                    Some(k_off) if src.line_of(k_off) > src.line_of(last_off) => {
                        style.pretty_map(fields, indent, src.indent_of(k_off))
                    }
                    _ => inline,
                },
                None => inline,
            },
            _ => inline,
        };
        let text = if flow.trailing_comma {
            format!("\n{indent}{item},")
        } else {
            format!(",\n{indent}{item}")
        };
        return Ok((flow.last_end, text));
    }
    let text = if flow.trailing_comma {
        format!("{}{inline},", if style.compact { "" } else { " " })
    } else {
        format!("{}{inline}", style.sep())
    };
    Ok((flow.last_end, text))
}

/// Adds `key: value` to a flow mapping (YAML flow, JSON object, TOML inline table).
fn flow_add_key(
    src: &Src<'_>,
    style: &Style,
    open: usize,
    map: &Node,
    key: &str,
    value: &NewValue,
) -> Result<(usize, String), String> {
    let flow = scan_flow(src, open, style.format).ok_or("the end of its mapping was not found")?;
    let pair = style.pair_text(key, &style.new_value(value));
    let last_key = match &map.value {
        V::Map(entries) => entries.last().and_then(|(k, _)| src.offset(k.pos)),
        _ => None,
    };
    let Some(last_key) = last_key.filter(|_| !flow.empty) else {
        return Ok((open + 1, pair));
    };
    if style.format != Format::Toml
        && src.line_of(last_key) > src.line_of(open)
        && src.first_on_line(last_key)
    {
        let indent = src.indent_of(last_key);
        let pair = match (value, style.format) {
            (NewValue::List(fields), Format::Json) => {
                let outer = src.indent_of(open);
                let step = indent
                    .strip_prefix(outer)
                    .filter(|s| !s.is_empty())
                    .unwrap_or("  ");
                let item_indent = format!("{indent}{step}");
                let key_indent = format!("{item_indent}{step}");
                format!(
                    "{}: [\n{item_indent}{}\n{indent}]",
                    style.key(key),
                    style.pretty_map(fields, &item_indent, &key_indent)
                )
            }
            _ => pair,
        };
        let text = if flow.trailing_comma {
            format!("\n{indent}{pair},")
        } else {
            format!(",\n{indent}{pair}")
        };
        return Ok((flow.last_end, text));
    }
    let text = if flow.trailing_comma {
        format!("{}{pair},", if style.compact { "" } else { " " })
    } else {
        format!("{}{pair}", style.sep())
    };
    Ok((flow.last_end, text))
}

/// Number of leading spaces.
fn spaces(line: &str) -> usize {
    line.len() - line.trim_start_matches(' ').len()
}

/// The offset just past the last content line of the block starting on the line of
/// `from`; a later line belongs to the block while `inside(indent, text)` holds (blank
/// lines and comments never end it, and never count as its last line).
fn block_end(src: &Src<'_>, from: usize, inside: impl Fn(usize, &str) -> bool) -> usize {
    let first = src.line_of(from);
    let mut end = src.line(first).map_or(src.text.len(), |(_, next)| next);
    let mut i = first + 1;
    while let Some((line, next)) = src.line(i) {
        if is_content(line) {
            let trimmed = line.trim_start_matches(' ');
            if !inside(spaces(line), trimmed) {
                break;
            }
            end = next;
        }
        i += 1;
    }
    end
}

/// Text to insert at `end` (just past a line): a newline first if the text ends there
/// without one.
fn at_line_end(src: &Src<'_>, end: usize, lines: String) -> (usize, String) {
    if end == src.text.len() && !src.text.is_empty() && !src.text.ends_with('\n') {
        let lines = lines.strip_suffix('\n').unwrap_or(&lines);
        (end, format!("\n{lines}"))
    } else {
        (end, lines)
    }
}

/// The column of the `-` that introduces the block-list item starting at `item_off`.
fn dash_before(src: &Src<'_>, item_off: usize) -> Result<usize, String> {
    let start = src.line_start(item_off);
    let before = src.text.get(start..item_off).unwrap_or("");
    let trimmed = before.trim_end_matches(' ');
    let lead = trimmed
        .strip_suffix('-')
        .ok_or("its list item is laid out unusually")?;
    if !lead.chars().all(|c| c == ' ') {
        return Err("its list item is laid out unusually".into());
    }
    Ok(lead.len())
}

/// Block YAML lines of a mapping: the first after `- ` at `dash`, the rest at `key`.
fn yaml_block_item(style: &Style, dash: usize, key: usize, fields: &Fields) -> String {
    let mut out = String::new();
    for (i, (k, v)) in fields.iter().enumerate() {
        if i == 0 {
            let gap = key.saturating_sub(dash + 1).max(1);
            out.push_str(&format!(
                "{}-{}{}\n",
                " ".repeat(dash),
                " ".repeat(gap),
                style.pair(k, v)
            ));
        } else {
            out.push_str(&format!("{}{}\n", " ".repeat(key), style.pair(k, v)));
        }
    }
    out
}

/// Appends an item to a block list whose last item starts at `last_off`.
fn yaml_block_append(
    src: &Src<'_>,
    style: &Style,
    last_off: usize,
    fields: &Fields,
) -> Result<(usize, String), String> {
    let dash = dash_before(src, last_off)?;
    let end = block_end(src, last_off, |indent, text| {
        indent > dash || (indent == dash && (text == "-" || text.starts_with("- ")))
    });
    let key = last_off - src.line_start(last_off);
    let lines = if src.byte(last_off) == Some(b'{') {
        format!("{}- {}\n", " ".repeat(dash), style.inline_map(fields))
    } else {
        yaml_block_item(style, dash, key, fields)
    };
    Ok(at_line_end(src, end, lines))
}

/// Adds a key to a block mapping whose first key starts at `map_off`.
fn yaml_block_add_key(
    src: &Src<'_>,
    style: &Style,
    map_off: usize,
    t: &Target<'_>,
    value: &NewValue,
) -> Result<(usize, String), String> {
    let before = src.text.get(src.line_start(map_off)..map_off).unwrap_or("");
    if !before.chars().all(|c| c == ' ' || c == '-') {
        return Err("its mapping is laid out unusually".into());
    }
    let col = before.len();
    let end = block_end(src, map_off, |indent, _| indent >= col);
    let lines = match value {
        NewValue::Scalar(s) => format!("{}{}\n", " ".repeat(col), style.pair(t.key, s)),
        NewValue::List(fields) => {
            // Lists are indented under their key as the objective's `key_results` is.
            let step = get(t.objective, "key_results")
                .and_then(|(k, list)| {
                    let first = items(list).first()?;
                    let dash = dash_before(src, src.offset(first.pos)?).ok()?;
                    let key = src.offset(k.pos)?;
                    dash.checked_sub(key - src.line_start(key))
                })
                .unwrap_or(2);
            format!(
                "{}{}:\n{}",
                " ".repeat(col),
                t.key,
                yaml_block_item(style, col + step, col + step + 2, fields)
            )
        }
    };
    Ok(at_line_end(src, end, lines))
}

/// A TOML table header line.
struct Header {
    start: usize,
    /// The header as written, without comment or trailing space (`[[objectives]]`).
    raw: String,
    /// The dotted name without spaces or quotes (`objectives.key_results`).
    name: String,
}

/// Every table header of a TOML text, found outside strings, comments and values.
fn toml_headers(src: &Src<'_>) -> Option<Vec<Header>> {
    let b = src.bytes();
    let mut out = Vec::new();
    let mut depth = 0usize;
    let mut line_start = true;
    let mut i = 0;
    while let Some(&c) = b.get(i) {
        match c {
            b'\n' => {
                line_start = true;
                i += 1;
                continue;
            }
            b' ' | b'\t' | b'\r' => {
                i += 1;
                continue;
            }
            b'[' if line_start && depth == 0 => {
                let end = b
                    .get(i..)
                    .and_then(|r| r.iter().position(|&x| x == b'\n'))
                    .map_or(b.len(), |p| i + p);
                let line = src.text.get(i..end)?;
                let close = line.rfind(']')?;
                let raw = line.get(..=close)?.to_owned();
                let name = raw
                    .trim_matches(['[', ']'])
                    .chars()
                    .filter(|c| !matches!(c, ' ' | '\t' | '"' | '\''))
                    .collect();
                out.push(Header {
                    start: i,
                    raw,
                    name,
                });
                i = end;
                continue;
            }
            b'#' => {
                while b.get(i).is_some_and(|&x| x != b'\n') {
                    i += 1;
                }
                continue;
            }
            b'"' | b'\'' => i = string_end(b, i, Format::Toml)?,
            b'[' | b'{' => {
                depth += 1;
                i += 1;
            }
            b']' | b'}' => {
                depth = depth.saturating_sub(1);
                i += 1;
            }
            _ => i += 1,
        }
        line_start = false;
    }
    Some(out)
}

/// The index of the header of the table holding `off`.
fn header_at(headers: &[Header], off: usize) -> Option<usize> {
    headers.iter().rposition(|h| h.start <= off)
}

/// Just past the last content line of the table whose header is `headers[i]`: its own
/// keys only, or with its sub-tables (`[a.b]` belongs to `[a]`).
fn table_end(src: &Src<'_>, headers: &[Header], i: usize, with_subtables: bool) -> usize {
    let Some(h) = headers.get(i) else {
        return src.text.len();
    };
    let prefix = format!("{}.", h.name);
    let next = headers
        .iter()
        .skip(i + 1)
        .find(|n| !with_subtables || !n.name.starts_with(&prefix))
        .map_or(src.text.len(), |n| n.start);
    let first = src.line_of(h.start);
    let mut end = src.line(first).map_or(src.text.len(), |(_, n)| n);
    let mut line = first + 1;
    while let Some((text, after)) = src.line(line) {
        if src.starts.get(line).is_none_or(|&s| s >= next) {
            break;
        }
        if is_content(text) {
            end = after;
        }
        line += 1;
    }
    end
}

fn toml_lines(fields: &Fields, style: &Style) -> String {
    fields
        .iter()
        .map(|(k, v)| format!("{}\n", style.pair(k, v)))
        .collect()
}

/// Appends a table to an array of tables (`[[objectives.key_results.check_ins]]`) after
/// the last one of this key result (and its sub-tables).
fn toml_table_append(
    src: &Src<'_>,
    style: &Style,
    last_off: usize,
    fields: &Fields,
    key: &str,
) -> Result<(usize, String), String> {
    let headers = toml_headers(src).ok_or("its tables could not be told apart")?;
    let i = header_at(&headers, last_off).ok_or("its table header was not found")?;
    let h = headers.get(i).ok_or("its table header was not found")?;
    if !h.raw.starts_with("[[") || !h.name.ends_with(&format!(".{key}")) {
        return Err(format!("its `{key}` tables are laid out unusually"));
    }
    let end = table_end(src, &headers, i, true);
    let line = src.line_of(h.start);
    let blank = line > 0 && src.line(line - 1).is_some_and(|(t, _)| t.trim().is_empty());
    let text = format!(
        "{}{}\n{}",
        if blank { "\n" } else { "" },
        h.raw,
        toml_lines(fields, style)
    );
    Ok(at_line_end(src, end, text))
}

/// Adds a key to a TOML table (`[[objectives.key_results]]`): at the end of its own keys,
/// or, when the document writes such lists as arrays of tables, as a new table after it.
fn toml_table_add_key(
    src: &Src<'_>,
    style: &Style,
    map_off: usize,
    key: &str,
    value: &NewValue,
) -> Result<(usize, String), String> {
    let headers = toml_headers(src).ok_or("its tables could not be told apart")?;
    let i = header_at(&headers, map_off).ok_or("its table header was not found")?;
    let h = headers.get(i).ok_or("its table header was not found")?;
    if !h.raw.starts_with("[[") {
        return Err("its table is laid out unusually".into());
    }
    let suffix = format!(".{key}");
    let tables_style = headers.iter().any(|x| x.name.ends_with(&suffix));
    match value {
        NewValue::List(fields) if tables_style => {
            let end = table_end(src, &headers, i, true);
            let inner = h.raw.trim_start_matches('[').trim_end_matches(']').trim();
            let text = format!("\n[[{inner}.{key}]]\n{}", toml_lines(fields, style));
            Ok(at_line_end(src, end, text))
        }
        _ => {
            let end = table_end(src, &headers, i, false);
            let text = format!("{}\n", style.pair_text(key, &style.new_value(value)));
            Ok(at_line_end(src, end, text))
        }
    }
}

/// The byte range of `objectives[index]` in a JSON document's text (the root object's
/// `objectives` list), found by skipping every other value; `None` when the text is not
/// shaped so (the caller then parses the whole text).
fn json_objective_span(text: &[u8], index: usize) -> Option<(usize, usize)> {
    let mut at = json_ws(text, 0);
    if text.get(at) != Some(&b'{') {
        return None;
    }
    at += 1;
    loop {
        at = json_ws(text, at);
        if text.get(at) != Some(&b'"') {
            return None;
        }
        let key_end = json_skip(text, at)?;
        let key = text.get(at + 1..key_end - 1)?;
        at = json_ws(text, key_end);
        if text.get(at) != Some(&b':') {
            return None;
        }
        at = json_ws(text, at + 1);
        if key == b"objectives" {
            if text.get(at) != Some(&b'[') {
                return None;
            }
            at += 1;
            for i in 0.. {
                at = json_ws(text, at);
                if text.get(at) == Some(&b']') {
                    return None;
                }
                let end = json_skip(text, at)?;
                if i == index {
                    return Some((at, end));
                }
                at = json_ws(text, end);
                match text.get(at) {
                    Some(b',') => at += 1,
                    _ => return None,
                }
            }
            return None;
        }
        at = json_ws(text, json_skip(text, at)?);
        match text.get(at) {
            Some(b',') => at += 1,
            _ => return None,
        }
    }
}

/// The offset after the whitespace at `at`.
fn json_ws(text: &[u8], mut at: usize) -> usize {
    while matches!(text.get(at), Some(b' ' | b'\t' | b'\n' | b'\r')) {
        at += 1;
    }
    at
}

/// The offset just after the JSON value that starts at `at` (strings and brackets
/// counted; the value is not checked otherwise).
fn json_skip(text: &[u8], mut at: usize) -> Option<usize> {
    let mut depth = 0usize;
    loop {
        match *text.get(at)? {
            b'"' => {
                at += 1;
                loop {
                    match *text.get(at)? {
                        b'"' => break,
                        b'\\' => at += 2,
                        _ => at += 1,
                    }
                }
                at += 1;
            }
            b'{' | b'[' => {
                depth += 1;
                at += 1;
            }
            b'}' | b']' => {
                depth = depth.checked_sub(1)?;
                at += 1;
            }
            _ if depth == 0 => {
                // A number or a literal: up to the next delimiter.
                while !matches!(
                    text.get(at),
                    None | Some(b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r')
                ) {
                    at += 1;
                }
                return Some(at);
            }
            _ => at += 1,
        }
        if depth == 0 {
            return Some(at);
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;

    #[test]
    fn the_span_of_an_objective_skips_strings_brackets_and_escapes() {
        let text = r#" {"version": 1, "x": {"a": "]}\"[", "b": [1, {"c": null}]},
          "objectives": [ {"id": "a", "t": "}"} , {"id": "b\"]", "n": [2.5e3, true]}, 7 ] }"#;
        let (s, e) = json_objective_span(text.as_bytes(), 0).unwrap();
        assert_eq!(&text[s..e], r#"{"id": "a", "t": "}"}"#);
        let (s, e) = json_objective_span(text.as_bytes(), 1).unwrap();
        assert_eq!(&text[s..e], r#"{"id": "b\"]", "n": [2.5e3, true]}"#);
        let (s, e) = json_objective_span(text.as_bytes(), 2).unwrap();
        assert_eq!(&text[s..e], "7");
        assert_eq!(json_objective_span(text.as_bytes(), 3), None);
        assert_eq!(json_objective_span(b"[1, 2]", 0), None);
        assert_eq!(json_objective_span(br#"{"objectives": {"a": 1}}"#, 0), None);
        assert_eq!(
            json_objective_span(br#"{"objectives": [{"id": "a""#, 0),
            None
        );
    }

    /// On every JSON case of the shared edit fixtures, parsing only the objective gives
    /// the same text as parsing the whole document.
    #[test]
    fn a_json_edit_in_its_objective_alone_equals_the_edit_in_the_whole_tree() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/edit");
        let cases: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(dir.join("cases.json")).unwrap())
                .unwrap();
        let mut n = 0;
        for case in cases.as_array().unwrap() {
            let file = case["file"].as_str().unwrap();
            if !file.ends_with(".json") {
                continue;
            }
            let text = std::fs::read_to_string(dir.join(file)).unwrap();
            let edit = Edit::from_json(&case["edit"].to_string()).unwrap();
            let doc = crate::Document::from_str(&text, Format::Json).unwrap();
            let index = edit.objective_index(&doc);
            assert!(index.is_some(), "{file}");
            let whole = insert(&text, Format::Json, &edit, None);
            let scoped = insert(&text, Format::Json, &edit, index);
            assert_eq!(format!("{whole:?}"), format!("{scoped:?}"), "{file}");
            n += 1;
        }
        assert!(n >= 4, "{n} JSON cases");
    }
}
