//! TOML: toml's spanned de-tree, with byte spans turned into line:column.

use super::{Key, Node, ParseLimits, Pos, SyntaxError, Value};
use toml::de::{DeTable, DeValue};
use toml::Spanned;

/// Byte offset → line and column.
struct Lines<'a> {
    text: &'a str,
    starts: Vec<usize>,
}

impl<'a> Lines<'a> {
    fn new(text: &'a str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Lines { text, starts }
    }

    fn pos(&self, offset: usize) -> Pos {
        let line = self.starts.partition_point(|&s| s <= offset).max(1);
        let start = self.starts.get(line - 1).copied().unwrap_or(0);
        let col = self
            .text
            .get(start..offset.min(self.text.len()))
            .map_or(0, |s| s.chars().count());
        Pos {
            line: u32::try_from(line).unwrap_or(u32::MAX),
            col: u32::try_from(col + 1).unwrap_or(u32::MAX),
        }
    }
}

/// Whether TOML text holds a comment (a `#` outside strings).
pub(crate) fn has_comments(text: &str) -> bool {
    lex(text, usize::MAX).1
}

/// The deepest nesting of `[`/`{` outside strings and comments, stopping past `limit`.
pub(crate) fn nesting(text: &str, limit: usize) -> usize {
    lex(text, limit).0
}

/// The deepest nesting of `[`/`{` outside strings and comments (stopping past `limit`),
/// and whether a comment was seen.
fn lex(text: &str, limit: usize) -> (usize, bool) {
    let (mut depth, mut max) = (0usize, 0usize);
    let mut comment = false;
    let bytes = text.as_bytes();
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'#' => {
                comment = true;
                while bytes.get(i).is_some_and(|&c| c != b'\n') {
                    i += 1;
                }
            }
            b'"' | b'\'' => {
                let triple = bytes.get(i + 1) == Some(&b) && bytes.get(i + 2) == Some(&b);
                let step = if triple { 3 } else { 1 };
                i += step;
                while let Some(&c) = bytes.get(i) {
                    if c == b'\\' && b == b'"' {
                        i += 2;
                        continue;
                    }
                    if c == b
                        && (!triple
                            || (bytes.get(i + 1) == Some(&b) && bytes.get(i + 2) == Some(&b)))
                    {
                        i += step;
                        break;
                    }
                    if c == b'\n' && !triple {
                        break;
                    }
                    i += 1;
                }
                continue;
            }
            b'[' | b'{' => {
                depth += 1;
                max = max.max(depth);
                if max > limit {
                    return (max, comment);
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    (max, comment)
}

fn convert(v: &Spanned<DeValue<'_>>, lines: &Lines<'_>) -> Node {
    let pos = lines.pos(v.span().start);
    let value = match v.get_ref() {
        DeValue::String(s) => Value::Str(s.to_string()),
        DeValue::Integer(i) => match i64::from_str_radix(i.as_str(), i.radix()) {
            Ok(n) => Value::Int(n),
            Err(_) => Value::Float(i.as_str().parse().unwrap_or(f64::NAN)),
        },
        DeValue::Float(f) => Value::Float(parse_float(f.as_str())),
        DeValue::Boolean(b) => Value::Bool(*b),
        DeValue::Datetime(d) => Value::Str(d.to_string()),
        DeValue::Array(items) => Value::Seq(items.iter().map(|x| convert(x, lines)).collect()),
        DeValue::Table(t) => Value::Map(table(t, lines)),
    };
    Node { value, pos }
}

fn parse_float(s: &str) -> f64 {
    let s = s.replace('_', "");
    match s.as_str() {
        "nan" | "+nan" | "-nan" => f64::NAN,
        "inf" | "+inf" => f64::INFINITY,
        "-inf" => f64::NEG_INFINITY,
        _ => s.parse().unwrap_or(f64::NAN),
    }
}

fn table(t: &DeTable<'_>, lines: &Lines<'_>) -> Vec<(Key, Node)> {
    t.iter()
        .map(|(k, v)| {
            (
                Key {
                    name: k.get_ref().to_string(),
                    pos: lines.pos(k.span().start),
                },
                convert(v, lines),
            )
        })
        .collect()
}

/// Parses TOML into a spanned tree.
pub fn parse_toml(text: &str, limits: &ParseLimits) -> Result<Node, Vec<SyntaxError>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let lines = Lines::new(text);
    if nesting(text, limits.max_depth) > limits.max_depth {
        return Err(vec![SyntaxError {
            pos: None,
            message: crate::load::options::too_deep(limits.max_depth),
        }]);
    }
    let (root, errors) = DeTable::parse_recoverable(text);
    if !errors.is_empty() {
        // The first error only: those after it follow from it far more often than not (an
        // unclosed `[` gives one per line after it).
        return Err(errors
            .iter()
            .take(1)
            .map(|e| super::explain::toml(text, e.span().map(|s| lines.pos(s.start)), e.message()))
            .collect());
    }
    Ok(Node {
        value: Value::Map(table(root.get_ref(), &lines)),
        pos: Pos { line: 1, col: 1 },
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]
mod tests {
    use super::*;

    fn map(n: &Node) -> &Vec<(Key, Node)> {
        match &n.value {
            Value::Map(m) => m,
            other => panic!("not a map: {other:?}"),
        }
    }

    #[test]
    fn tables_arrays_dates_and_positions() {
        let text = "version = 1\nx.y = \"é\"\n\n[[objectives]]\nid = \"o\"\nstart = 2021-07-01\nkrs = [{a = 0x1F}, {b = inf}]\n";
        let n = parse_toml(text, &ParseLimits::default()).unwrap();
        let m = map(&n);
        assert_eq!(m[0].0.name, "version");
        assert_eq!(m[0].1.value, Value::Int(1));
        assert_eq!((m[0].1.pos.line, m[0].1.pos.col), (1, 11));
        let x = map(&m[1].1);
        assert_eq!(x[0].1.value, Value::Str("é".into()));
        let Value::Seq(objectives) = &m[2].1.value else {
            panic!()
        };
        let o = map(&objectives[0]);
        assert_eq!((o[0].0.pos.line, o[0].0.pos.col), (5, 1));
        assert_eq!(o[1].1.value, Value::Str("2021-07-01".into()));
        let Value::Seq(krs) = &o[2].1.value else {
            panic!()
        };
        assert_eq!(map(&krs[0])[0].1.value, Value::Int(31));
        assert_eq!(map(&krs[1])[0].1.value, Value::Float(f64::INFINITY));
        assert_eq!((krs[1].pos.line, krs[1].pos.col), (7, 20));
    }

    #[test]
    fn errors_have_positions() {
        let e = parse_toml("a = 1\nb = \n", &ParseLimits::default()).unwrap_err();
        assert_eq!(e[0].pos.map(|p| p.line), Some(2));
        assert!(e[0].message.starts_with("invalid TOML: "));
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let deep = format!("a = {}{}", "[".repeat(100_000), "]".repeat(100_000));
        let e = parse_toml(&deep, &ParseLimits::default()).unwrap_err();
        assert!(e[0].message.starts_with("nesting deeper than 128 levels"));
        // Brackets inside strings and comments do not count.
        let fine = "a = \"[[[[[\" # {{{{\nb = '''[[[\n[[['''\n";
        assert!(parse_toml(
            fine,
            &ParseLimits {
                max_depth: 2,
                ..ParseLimits::default()
            }
        )
        .is_ok());
    }
}
