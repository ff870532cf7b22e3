//! Conversion of a spanned value tree into typed values, collecting every problem.
//!
//! The same machinery reads documents and policies from all three formats: each format's
//! parser produces a [`Node`] tree with positions, and the readers here walk it with the
//! path of each value, so that a problem names both its path and its line:column.

use crate::error::{LoadError, Problem};
use crate::load::syntax::{Key, Node, Pos, SyntaxError, Value};
use crate::model::Extra;
use chrono::NaiveDate;
use std::fmt::{self, Write as _};

/// A path inside a document, as a linked list on the stack (rendered only on error).
#[derive(Clone, Copy)]
pub(crate) enum Path<'a> {
    Root,
    Key(&'a Path<'a>, &'a str),
    Index(&'a Path<'a>, usize),
}

impl<'a> Path<'a> {
    pub(crate) fn key(&'a self, k: &'a str) -> Path<'a> {
        Path::Key(self, k)
    }
    pub(crate) fn index(&'a self, i: usize) -> Path<'a> {
        Path::Index(self, i)
    }
}

impl fmt::Display for Path<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Collect the segments iteratively (paths are short, but never recurse on input).
        let mut segs: Vec<&Path<'_>> = Vec::new();
        let mut cur = self;
        loop {
            match cur {
                Path::Root => break,
                Path::Key(parent, _) | Path::Index(parent, _) => {
                    segs.push(cur);
                    cur = parent;
                }
            }
        }
        let mut first = true;
        for seg in segs.iter().rev() {
            match seg {
                Path::Key(_, k) => {
                    if !first {
                        f.write_char('.')?;
                    }
                    if k.chars()
                        .all(|c| c.is_alphanumeric() || c == '_' || c == '-')
                        && !k.is_empty()
                    {
                        f.write_str(k)?;
                    } else {
                        write!(f, "{k:?}")?;
                    }
                }
                Path::Index(_, i) => write!(f, "[{i}]")?,
                Path::Root => {}
            }
            first = false;
        }
        Ok(())
    }
}

/// Collects problems.
#[derive(Default)]
pub(crate) struct Cx {
    pub(crate) problems: Vec<Problem>,
}

impl Cx {
    pub(crate) fn report(&mut self, path: &Path<'_>, pos: Option<Pos>, message: String) {
        self.problems.push(Problem {
            path: path.to_string(),
            line: pos.map(|p| p.line),
            column: pos.map(|p| p.col),
            message,
        });
    }

    /// Turns the collected problems into a result.
    pub(crate) fn finish<T>(mut self, value: T) -> Result<T, LoadError> {
        if self.problems.is_empty() {
            Ok(value)
        } else {
            self.problems.sort_by_key(|p| (p.line, p.column));
            Err(LoadError {
                source_name: None,
                problems: self.problems,
            })
        }
    }
}

/// Syntax errors as a load error.
pub(crate) fn syntax_error(errors: Vec<SyntaxError>) -> LoadError {
    LoadError {
        source_name: None,
        problems: errors
            .into_iter()
            .map(|e| Problem {
                path: String::new(),
                line: e.pos.map(|p| p.line),
                column: e.pos.map(|p| p.col),
                message: e.message,
            })
            .collect(),
    }
}

/// What a node holds, for "expected X, found Y" messages.
pub(crate) fn describe(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Int(_) | Value::Float(_) => "a number",
        Value::Str(_) => "a string",
        Value::Seq(_) => "a list",
        Value::Map(_) => "a mapping",
    }
}

fn expected(cx: &mut Cx, node: &Node, path: &Path<'_>, what: &str) {
    cx.report(path, Some(node.pos), expected_message(what, &node.value));
}

/// `expected X, found Y`, with the value shown and the usual fix where there is one.
fn expected_message(what: &str, found: &Value) -> String {
    let shown = match found {
        Value::Str(s) if s.chars().count() <= 40 => Some(format!("`{s}`")),
        Value::Int(i) => Some(format!("`{i}`")),
        Value::Float(f) => Some(format!("`{}`", crate::save::numbers::Num(*f))),
        Value::Bool(b) => Some(format!("`{b}`")),
        _ => None,
    };
    let found_text = match &shown {
        Some(v) => format!("{} {v}", describe(found)),
        None => describe(found).to_owned(),
    };
    let fix = match (what, found) {
        ("a list", Value::Str(_) | Value::Int(_) | Value::Float(_) | Value::Bool(_)) => {
            ": for a list of one, put it in brackets: `[…]`"
        }
        ("a number", Value::Str(s)) if s.trim().parse::<f64>().is_ok() => {
            ": remove the quotes around it"
        }
        ("a string", Value::Int(_) | Value::Float(_) | Value::Bool(_)) => {
            ": put it in quotes to write it as text"
        }
        ("`true` or `false`", Value::Str(s))
            if ["yes", "no", "on", "off", "y", "n"].contains(&s.to_lowercase().as_str()) =>
        {
            ": YAML 1.2 reads `yes`, `no`, `on` and `off` as text, write `true` or `false`"
        }
        ("`true` or `false`", Value::Str(s)) if matches!(s.as_str(), "true" | "false") => {
            ": remove the quotes around it"
        }
        _ => "",
    };
    format!("expected {what}, found {found_text}{fix}")
}

/// The known key closest to `unknown`, if any is close enough to be a likely typo.
pub(crate) fn closest<'k>(unknown: &str, known: &[&'k str]) -> Option<&'k str> {
    let lower = unknown.to_lowercase();
    known
        .iter()
        .map(|k| (strsim::damerau_levenshtein(&lower, k), *k))
        .filter(|(d, k)| *d <= (k.chars().count() / 3).max(2))
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k)
}

/// The existing id closest to an unknown `id`, for "did you mean": one equal to it but for
/// case, else the nearest by edit distance (as [`closest`]), else the only id that starts
/// with it (`checkout` → `checkout-cluster`, for three characters or more).
pub(crate) fn closest_id<'k>(id: &str, known: &[&'k str]) -> Option<&'k str> {
    let lower = id.to_lowercase();
    if let Some(same) = known.iter().find(|k| k.to_lowercase() == lower) {
        return Some(same);
    }
    if let Some(near) = closest(id, known) {
        return Some(near);
    }
    if lower.chars().count() < 3 {
        return None;
    }
    let mut starting = known
        .iter()
        .filter(|k| k.to_lowercase().starts_with(&lower));
    match (starting.next(), starting.next()) {
        (Some(only), None) => Some(only),
        _ => None,
    }
}

/// A message for an unknown key, naming the closest known key.
pub(crate) fn unknown_key_message(what: &str, name: &str, known: &[&str]) -> String {
    match closest(name, known) {
        Some(k) => format!("unknown {what} `{name}`, did you mean `{k}`?"),
        None => {
            let list: Vec<String> = known.iter().map(|k| format!("`{k}`")).collect();
            format!(
                "unknown {what} `{name}`, expected one of {}",
                list.join(", ")
            )
        }
    }
}

/// A mapping being read as a record with known fields.
pub(crate) struct Record<'n> {
    entries: &'n [(Key, Node)],
    pub(crate) pos: Pos,
}

impl<'n> Record<'n> {
    /// Checks that `node` is a mapping whose keys are all in `known` and unique.
    /// Returns `None` (after reporting) if it is not a mapping.
    pub(crate) fn open(
        cx: &mut Cx,
        node: &'n Node,
        path: &Path<'_>,
        what: &str,
        known: &[&str],
    ) -> Option<Record<'n>> {
        let Value::Map(entries) = &node.value else {
            expected(cx, node, path, &format!("{what} (a mapping)"));
            return None;
        };
        for (i, (key, value)) in entries.iter().enumerate() {
            let before = entries.get(..i).unwrap_or_default();
            if !known.contains(&key.name.as_str()) {
                let message = match (before.last(), &value.value) {
                    // `{title: Cut costs, then grow}`: a `,` ended the title early.
                    (
                        Some((
                            prev,
                            Node {
                                value: Value::Str(text),
                                pos,
                            },
                        )),
                        Value::Null,
                    ) if pos.line == key.pos.line && closest(&key.name, known).is_none() => {
                        format!(
                            "`{}` is read as a field because a `,` ends the value of `{}` before it: put the whole value in quotes, `{}: \"{text}, {}\"`",
                            key.name, prev.name, prev.name, key.name
                        )
                    }
                    _ => unknown_key_message("field", &key.name, known),
                };
                cx.report(&path.key(&key.name), Some(key.pos), message);
            } else if let Some((first, _)) = before.iter().find(|(k, _)| k.name == key.name) {
                cx.report(
                    &path.key(&key.name),
                    Some(key.pos),
                    format!(
                        "duplicate field `{}` (first on line {}): remove one of them",
                        key.name, first.pos.line
                    ),
                );
            }
        }
        Some(Record {
            entries,
            pos: node.pos,
        })
    }

    /// The value of a field, if present (the first one, if duplicated).
    pub(crate) fn get(&self, name: &str) -> Option<&'n Node> {
        self.entries
            .iter()
            .find(|(k, _)| k.name == name)
            .map(|(_, v)| v)
    }

    /// An optional field: absent or `null` give `None`.
    pub(crate) fn opt<T>(
        &self,
        cx: &mut Cx,
        path: &Path<'_>,
        name: &str,
        read: impl FnOnce(&mut Cx, &Node, &Path<'_>) -> Option<T>,
    ) -> Option<T> {
        match self.get(name) {
            None => None,
            Some(Node {
                value: Value::Null, ..
            }) => None,
            Some(node) => read(cx, node, &path.key(name)),
        }
    }

    /// A required field: reports its absence at the mapping's position.
    pub(crate) fn req<T>(
        &self,
        cx: &mut Cx,
        path: &Path<'_>,
        name: &str,
        read: impl FnOnce(&mut Cx, &Node, &Path<'_>) -> Option<T>,
    ) -> Option<T> {
        match self.get(name) {
            None => {
                cx.report(
                    &path.key(name),
                    Some(self.pos),
                    format!("missing required field `{name}`"),
                );
                None
            }
            Some(node) => read(cx, node, &path.key(name)),
        }
    }

    /// An optional list field: absent or `null` give an empty list.
    pub(crate) fn list<T>(
        &self,
        cx: &mut Cx,
        path: &Path<'_>,
        name: &str,
        read: impl FnMut(&mut Cx, &Node, &Path<'_>) -> Option<T>,
    ) -> Vec<T> {
        self.opt(cx, path, name, |cx, node, p| Some(list(cx, node, p, read)))
            .unwrap_or_default()
    }

    /// The `extra` field.
    pub(crate) fn extra(&self, cx: &mut Cx, path: &Path<'_>) -> Extra {
        self.opt(cx, path, "extra", extra).unwrap_or_default()
    }
}

/// A list of items, each read by `read`; items that fail are left out (after reporting).
pub(crate) fn list<T>(
    cx: &mut Cx,
    node: &Node,
    path: &Path<'_>,
    mut read: impl FnMut(&mut Cx, &Node, &Path<'_>) -> Option<T>,
) -> Vec<T> {
    match &node.value {
        Value::Seq(items) => items
            .iter()
            .enumerate()
            .filter_map(|(i, item)| read(cx, item, &path.index(i)))
            .collect(),
        _ => {
            expected(cx, node, path, "a list");
            Vec::new()
        }
    }
}

/// A string.
pub(crate) fn string(cx: &mut Cx, node: &Node, path: &Path<'_>) -> Option<String> {
    match &node.value {
        Value::Str(s) => Some(s.clone()),
        _ => {
            expected(cx, node, path, "a string");
            None
        }
    }
}

/// A non-empty id.
pub(crate) fn ident<T: From<String>>(cx: &mut Cx, node: &Node, path: &Path<'_>) -> Option<T> {
    match &node.value {
        Value::Str(s) if s.is_empty() => {
            cx.report(path, Some(node.pos), "an id must not be empty".into());
            None
        }
        Value::Str(s) => Some(T::from(s.clone())),
        // Numbers are accepted as ids when written plainly (`id: 42`), as users expect.
        Value::Int(i) => Some(T::from(i.to_string())),
        _ => {
            expected(cx, node, path, "an id (a string)");
            None
        }
    }
}

/// A number (integers are accepted). Non-finite numbers are kept: they are findings of
/// validation, not load errors.
pub(crate) fn number(cx: &mut Cx, node: &Node, path: &Path<'_>) -> Option<f64> {
    match node.value {
        Value::Int(i) => Some(i as f64),
        Value::Float(f) => Some(f),
        _ => {
            expected(cx, node, path, "a number");
            None
        }
    }
}

/// A non-negative integer that fits `u32`.
pub(crate) fn count(cx: &mut Cx, node: &Node, path: &Path<'_>) -> Option<u32> {
    match node.value {
        Value::Int(i) => match u32::try_from(i) {
            Ok(n) => Some(n),
            Err(_) => {
                cx.report(
                    path,
                    Some(node.pos),
                    format!(
                        "expected a whole number from 0 to {}, found `{i}`",
                        u32::MAX
                    ),
                );
                None
            }
        },
        _ => {
            expected(cx, node, path, "a whole number");
            None
        }
    }
}

/// A boolean.
pub(crate) fn boolean(cx: &mut Cx, node: &Node, path: &Path<'_>) -> Option<bool> {
    match node.value {
        Value::Bool(b) => Some(b),
        _ => {
            expected(cx, node, path, "`true` or `false`");
            None
        }
    }
}

/// Parses `YYYY-MM-DD` (TOML native dates arrive as their text).
pub(crate) fn parse_date(s: &str) -> Option<NaiveDate> {
    use chrono::format::{parse, Item, Parsed, StrftimeItems};
    // `NaiveDate::parse_from_str(s, "%Y-%m-%d")`, with the format read once rather than for
    // each of the millions of dates of a large document.
    static ITEMS: std::sync::LazyLock<Vec<Item<'static>>> =
        std::sync::LazyLock::new(|| StrftimeItems::new("%Y-%m-%d").collect());
    if s.len() != 10 {
        return None;
    }
    let mut parsed = Parsed::new();
    parse(&mut parsed, s, ITEMS.iter()).ok()?;
    parsed.to_naive_date().ok()
}

/// Why a text is not a date `YYYY-MM-DD`: a day that its month lacks, a month that does
/// not exist, or another shape.
pub(crate) fn not_a_date(s: &str) -> String {
    const MONTHS: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    let parts: Vec<&str> = s.split('-').collect();
    let digits = |p: &str, n: usize| p.len() == n && p.bytes().all(|b| b.is_ascii_digit());
    if let &[y, m, d] = parts.as_slice() {
        if digits(y, 4) && digits(m, 2) && digits(d, 2) {
            let (year, month, day): (i32, u32, u32) = (
                y.parse().unwrap_or(0),
                m.parse().unwrap_or(0),
                d.parse().unwrap_or(0),
            );
            let Some(name) = month.checked_sub(1).and_then(|i| MONTHS.get(i as usize)) else {
                return format!(
                    "`{s}` is not a date: there is no month `{m}` (months go from `01` to `12`)"
                );
            };
            let days = (28..=31)
                .rev()
                .find(|&n| NaiveDate::from_ymd_opt(year, month, n).is_some())
                .unwrap_or(31);
            if day == 0 || day > days {
                return format!("`{s}` is not a date: {name} {y} has {days} days");
            }
        }
        if y.len() == 4 && digits(y, 4) && (1..=2).contains(&m.len()) && (1..=2).contains(&d.len())
        {
            if let (Ok(month), Ok(day)) = (m.parse::<u32>(), d.parse::<u32>()) {
                return format!(
                    "expected a date `YYYY-MM-DD`, found `{s}`: write the month and day with two digits, `{y}-{month:02}-{day:02}`"
                );
            }
        }
    }
    format!("expected a date `YYYY-MM-DD`, found `{s}`")
}

/// A date `YYYY-MM-DD`.
pub(crate) fn date(cx: &mut Cx, node: &Node, path: &Path<'_>) -> Option<NaiveDate> {
    match &node.value {
        Value::Str(s) => match parse_date(s) {
            Some(d) => Some(d),
            None => {
                cx.report(path, Some(node.pos), not_a_date(s));
                None
            }
        },
        _ => {
            expected(cx, node, path, "a date `YYYY-MM-DD`");
            None
        }
    }
}

/// One of a fixed set of snake_case names.
pub(crate) fn choice<T: Copy>(
    cx: &mut Cx,
    node: &Node,
    path: &Path<'_>,
    what: &str,
    options: &[(&str, T)],
) -> Option<T> {
    let names: Vec<&str> = options.iter().map(|(n, _)| *n).collect();
    match &node.value {
        Value::Str(s) => match options.iter().find(|(n, _)| n == s) {
            Some((_, v)) => Some(*v),
            None => {
                cx.report(path, Some(node.pos), unknown_key_message(what, s, &names));
                None
            }
        },
        _ => {
            expected(cx, node, path, &format!("a {what} (a string)"));
            None
        }
    }
}

/// A free-form `extra` mapping, converted to JSON values. Non-finite numbers cannot be
/// kept losslessly in every format and are reported.
pub(crate) fn extra(cx: &mut Cx, node: &Node, path: &Path<'_>) -> Option<Extra> {
    match &node.value {
        Value::Map(_) => match free_value(cx, node, path) {
            serde_json::Value::Object(map) => Some(map.into()),
            _ => None,
        },
        _ => {
            expected(cx, node, path, "a mapping");
            None
        }
    }
}

/// Any value as JSON. Recursion depth is bounded by the parser's nesting limit.
fn free_value(cx: &mut Cx, node: &Node, path: &Path<'_>) -> serde_json::Value {
    use serde_json::Value as J;
    match &node.value {
        Value::Null => J::Null,
        Value::Bool(b) => J::Bool(*b),
        Value::Int(i) => J::from(*i),
        Value::Float(f) => match serde_json::Number::from_f64(*f) {
            Some(n) => J::Number(n),
            None => {
                cx.report(
                    path,
                    Some(node.pos),
                    format!("`extra` cannot hold the non-finite number `{f}`"),
                );
                J::Null
            }
        },
        Value::Str(s) => J::String(s.clone()),
        Value::Seq(items) => J::Array(
            items
                .iter()
                .enumerate()
                .map(|(i, n)| free_value(cx, n, &path.index(i)))
                .collect(),
        ),
        Value::Map(entries) => {
            let mut map = serde_json::Map::with_capacity(entries.len());
            for (key, value) in entries {
                let p = path.key(&key.name);
                if map.contains_key(&key.name) {
                    cx.report(&p, Some(key.pos), format!("duplicate key `{}`", key.name));
                    continue;
                }
                let v = free_value(cx, value, &p);
                map.insert(key.name.clone(), v);
            }
            J::Object(map)
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::parse_date;
    use chrono::NaiveDate;

    fn reference(s: &str) -> Option<NaiveDate> {
        (s.len() == 10)
            .then(|| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok())
            .flatten()
    }

    #[test]
    fn dates_parse_as_with_the_format_string() {
        for s in [
            "2021-07-01",
            "2020-02-29",
            "2021-02-29",
            "2021-13-01",
            "2021-00-10",
            "0000-01-01",
            "9999-12-31",
            "+202-01-01",
            "2021-7-01 ",
            " 2021-7-01",
            "2021/07/01",
            "2021-07-1x",
        ] {
            assert_eq!(parse_date(s), reference(s), "{s}");
        }
        assert_eq!(
            parse_date("2021-07-01"),
            NaiveDate::from_ymd_opt(2021, 7, 1)
        );
    }

    proptest::proptest! {
        #[test]
        fn any_short_text_parses_as_with_the_format_string(s in "[0-9+ -]{8,12}") {
            proptest::prop_assert_eq!(parse_date(&s), reference(&s));
        }
    }
}
