//! YAML 1.2 (core schema) into a spanned tree, built iteratively from saphyr-parser's
//! event stream.

use super::{Key, Node, ParseLimits, Pos, SyntaxError, Value};
use saphyr_parser::{Event, Parser, ScalarStyle, Span, Tag};
use std::collections::HashMap;

fn pos(span: &Span) -> Pos {
    Pos {
        line: u32::try_from(span.start.line()).unwrap_or(u32::MAX),
        col: u32::try_from(span.start.col() + 1).unwrap_or(u32::MAX),
    }
}

fn error(p: Pos, message: impl Into<String>) -> Vec<SyntaxError> {
    vec![SyntaxError {
        pos: Some(p),
        message: message.into(),
    }]
}

/// Resolves a plain scalar by the YAML 1.2 core schema.
pub(super) fn resolve_plain(s: &str) -> Value {
    match s {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        ".nan" | ".NaN" | ".NAN" => return Value::Float(f64::NAN),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => {
            return Value::Float(f64::INFINITY)
        }
        "-.inf" | "-.Inf" | "-.INF" => return Value::Float(f64::NEG_INFINITY),
        _ => {}
    }
    if let Some(hex) = s.strip_prefix("0x") {
        if !hex.is_empty() && hex.chars().all(|c| c.is_ascii_hexdigit()) {
            if let Ok(i) = i64::from_str_radix(hex, 16) {
                return Value::Int(i);
            }
        }
        return Value::Str(s.to_owned());
    }
    if let Some(oct) = s.strip_prefix("0o") {
        if !oct.is_empty() && oct.chars().all(|c| ('0'..='7').contains(&c)) {
            if let Ok(i) = i64::from_str_radix(oct, 8) {
                return Value::Int(i);
            }
        }
        return Value::Str(s.to_owned());
    }
    let body = s.strip_prefix(['-', '+']).unwrap_or(s);
    if !body.is_empty() && body.chars().all(|c| c.is_ascii_digit()) {
        return match s.parse::<i64>() {
            Ok(i) => Value::Int(i),
            Err(_) => s
                .parse::<f64>()
                .map_or(Value::Str(s.to_owned()), Value::Float),
        };
    }
    if is_core_float(body) {
        if let Ok(f) = s.parse::<f64>() {
            return Value::Float(f);
        }
    }
    Value::Str(s.to_owned())
}

/// `(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?` (sign already stripped).
fn is_core_float(s: &str) -> bool {
    let (mantissa, exponent) = match s.find(['e', 'E']) {
        Some(i) => (s.get(..i).unwrap_or(""), s.get(i + 1..)),
        None => (s, None),
    };
    let digits = |x: &str| !x.is_empty() && x.chars().all(|c| c.is_ascii_digit());
    let mantissa_ok = match mantissa.split_once('.') {
        Some(("", frac)) => digits(frac),
        Some((int, frac)) => digits(int) && (frac.is_empty() || digits(frac)),
        None => digits(mantissa),
    };
    let exponent_ok = match exponent {
        None => true,
        Some(e) => digits(e.strip_prefix(['-', '+']).unwrap_or(e)),
    };
    mantissa_ok && exponent_ok
}

fn tagged(tag: &Tag, text: &str, p: Pos) -> Result<Value, Vec<SyntaxError>> {
    let core = tag.is_yaml_core_schema() || tag.handle == "!!";
    let bad = |what: &str| error(p, format!("`{text}` is not a valid {what}"));
    match (core, tag.suffix.as_str()) {
        (true, "str") => Ok(Value::Str(text.to_owned())),
        (true, "null") => Ok(Value::Null),
        (true, "bool") => match resolve_plain(text) {
            v @ Value::Bool(_) => Ok(v),
            _ => Err(bad("boolean")),
        },
        (true, "int") => match resolve_plain(text) {
            v @ Value::Int(_) => Ok(v),
            _ => Err(bad("integer")),
        },
        (true, "float") => match resolve_plain(text) {
            Value::Int(i) => Ok(Value::Float(i as f64)),
            v @ Value::Float(_) => Ok(v),
            _ => Err(bad("float")),
        },
        _ => Err(error(p, format!("unsupported tag `{tag}`"))),
    }
}

enum Frame {
    Seq {
        pos: Pos,
        anchor: usize,
        items: Vec<Node>,
    },
    Map {
        pos: Pos,
        anchor: usize,
        entries: Vec<(Key, Node)>,
        key: Option<Key>,
    },
}

/// Number of nodes in a tree, counted iteratively.
/// What an alias of `node` adds: (nodes, bytes of strings and mapping keys).
fn size(node: &Node) -> (usize, usize) {
    let (mut n, mut bytes) = (0usize, 0usize);
    let mut stack = vec![node];
    while let Some(x) = stack.pop() {
        n += 1;
        match &x.value {
            Value::Seq(items) => stack.extend(items.iter()),
            Value::Map(entries) => {
                for (k, v) in entries {
                    bytes = bytes.saturating_add(k.name.len());
                    stack.push(v);
                }
            }
            Value::Str(s) => bytes = bytes.saturating_add(s.len()),
            _ => {}
        }
    }
    (n, bytes)
}

fn check_container_tag(tag: Option<&Tag>, expected: &str, p: Pos) -> Result<(), Vec<SyntaxError>> {
    match tag {
        None => Ok(()),
        Some(t) if (t.is_yaml_core_schema() || t.handle == "!!") && t.suffix == expected => Ok(()),
        Some(t) => Err(error(p, format!("unsupported tag `{t}`"))),
    }
}

/// Parses YAML 1.2 text (core schema) into a spanned tree.
pub fn parse_yaml(text: &str, limits: &ParseLimits) -> Result<Node, Vec<SyntaxError>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut parser = Parser::new_from_str(text);
    let mut stack: Vec<Frame> = Vec::new();
    let mut anchors: HashMap<usize, (Node, (usize, usize))> = HashMap::new();
    let mut alias_budget = limits.max_alias_nodes;
    let mut alias_bytes_budget = limits.max_alias_bytes;
    let mut root: Option<Node> = None;
    let mut documents = 0usize;
    loop {
        let (event, span) = match parser.next_event() {
            None => break,
            Some(Ok(ev)) => ev,
            Some(Err(e)) => {
                let m = e.marker();
                let p = Pos {
                    line: u32::try_from(m.line()).unwrap_or(u32::MAX),
                    col: u32::try_from(m.col() + 1).unwrap_or(u32::MAX),
                };
                // saphyr's scanner guards its own nesting; say it as our limit does.
                if e.info().contains("recursion limit exceeded") {
                    return Err(error(p, crate::load::options::too_deep(limits.max_depth)));
                }
                return Err(vec![super::explain::yaml(text, p, e.info())]);
            }
        };
        let p = pos(&span);
        // A finished value, to be placed in the enclosing container.
        let (value, anchor): (Node, usize) = match event {
            Event::StreamStart | Event::Nothing | Event::DocumentEnd => continue,
            Event::StreamEnd => break,
            Event::DocumentStart(_) => {
                documents += 1;
                if documents > 1 {
                    return Err(error(
                        p,
                        "a document stream with more than one document is not supported",
                    ));
                }
                continue;
            }
            Event::SequenceStart(anchor, tag) => {
                check_container_tag(tag.as_deref(), "seq", p)?;
                if stack.len() >= limits.max_depth {
                    return Err(error(p, crate::load::options::too_deep(limits.max_depth)));
                }
                stack.push(Frame::Seq {
                    pos: p,
                    anchor,
                    items: Vec::new(),
                });
                continue;
            }
            Event::MappingStart(anchor, tag) => {
                check_container_tag(tag.as_deref(), "map", p)?;
                if stack.len() >= limits.max_depth {
                    return Err(error(p, crate::load::options::too_deep(limits.max_depth)));
                }
                stack.push(Frame::Map {
                    pos: p,
                    anchor,
                    entries: Vec::new(),
                    key: None,
                });
                continue;
            }
            Event::SequenceEnd => match stack.pop() {
                Some(Frame::Seq { pos, anchor, items }) => (
                    Node {
                        value: Value::Seq(items),
                        pos,
                    },
                    anchor,
                ),
                _ => return Err(error(p, "unbalanced sequence end")),
            },
            Event::MappingEnd => match stack.pop() {
                Some(Frame::Map {
                    pos,
                    anchor,
                    entries,
                    key,
                }) => {
                    if let Some(k) = key {
                        // A key without a value cannot come from the parser; be safe.
                        return Err(error(k.pos, format!("key `{}` has no value", k.name)));
                    }
                    (
                        Node {
                            value: Value::Map(entries),
                            pos,
                        },
                        anchor,
                    )
                }
                _ => return Err(error(p, "unbalanced mapping end")),
            },
            Event::Scalar(text, style, anchor, tag) => {
                // Mapping keys keep their text as written.
                if let Some(Frame::Map {
                    key: key @ None, ..
                }) = stack.last_mut()
                {
                    *key = Some(Key {
                        name: text.into_owned(),
                        pos: p,
                    });
                    continue;
                }
                let value = match (&tag, style) {
                    (Some(t), _) => tagged(t, &text, p)?,
                    (None, ScalarStyle::Plain) => resolve_plain(&text),
                    (None, _) => Value::Str(text.into_owned()),
                };
                (Node { value, pos: p }, anchor)
            }
            Event::Alias(id) => {
                let Some((node, (n, bytes))) = anchors.get(&id) else {
                    return Err(error(p, "alias to an unknown anchor"));
                };
                if *n > alias_budget {
                    return Err(error(
                        p,
                        crate::load::options::alias_bomb(limits.max_alias_nodes),
                    ));
                }
                if *bytes > alias_bytes_budget {
                    return Err(error(
                        p,
                        crate::load::options::alias_bytes_bomb(limits.max_alias_bytes),
                    ));
                }
                alias_budget -= n;
                alias_bytes_budget -= bytes;
                if let Some(Frame::Map { key: None, .. }) = stack.last() {
                    return Err(error(p, "an alias as a mapping key is not supported"));
                }
                (
                    Node {
                        value: node.value.clone(),
                        pos: p,
                    },
                    0,
                )
            }
        };
        if anchor > 0 {
            let n = size(&value);
            anchors.insert(anchor, (value.clone(), n));
        }
        match stack.last_mut() {
            None => root = Some(value),
            Some(Frame::Seq { items, .. }) => items.push(value),
            Some(Frame::Map { entries, key, .. }) => match key.take() {
                Some(k) => entries.push((k, value)),
                None => {
                    return Err(error(
                        value.pos,
                        "mapping keys must be plain strings, not lists or mappings",
                    ))
                }
            },
        }
    }
    Ok(root.unwrap_or(Node {
        value: Value::Null,
        pos: Pos { line: 1, col: 1 },
    }))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Node {
        parse_yaml(text, &ParseLimits::default()).unwrap()
    }

    fn map(n: &Node) -> &Vec<(Key, Node)> {
        match &n.value {
            Value::Map(m) => m,
            other => panic!("not a map: {other:?}"),
        }
    }

    #[test]
    fn core_schema_resolution() {
        let cases = [
            ("off", Value::Str("off".into())),
            ("yes", Value::Str("yes".into())),
            ("~", Value::Null),
            ("", Value::Null),
            ("True", Value::Bool(true)),
            ("0x1F", Value::Int(31)),
            ("0o17", Value::Int(15)),
            ("-12", Value::Int(-12)),
            ("1e3", Value::Float(1000.0)),
            ("-.5", Value::Float(-0.5)),
            ("-.inf", Value::Float(f64::NEG_INFINITY)),
            ("2021-07-01", Value::Str("2021-07-01".into())),
            ("1_000", Value::Str("1_000".into())),
            ("0x", Value::Str("0x".into())),
        ];
        for (text, want) in cases {
            assert_eq!(resolve_plain(text), want, "{text}");
        }
        assert!(matches!(resolve_plain(".nan"), Value::Float(f) if f.is_nan()));
        let n = parse("a: 'true'\nb: \"1\"\nc: !!str 12\nd: !!float 3\n");
        let m = map(&n);
        assert_eq!(m[0].1.value, Value::Str("true".into()));
        assert_eq!(m[1].1.value, Value::Str("1".into()));
        assert_eq!(m[2].1.value, Value::Str("12".into()));
        assert_eq!(m[3].1.value, Value::Float(3.0));
    }

    #[test]
    fn positions_of_nodes_and_keys() {
        let n = parse("version: 1\nobjectives:\n  - id: a\n    krs: [1, {x: y}]\n");
        let m = map(&n);
        assert_eq!((n.pos.line, n.pos.col), (1, 1));
        assert_eq!((m[0].1.pos.line, m[0].1.pos.col), (1, 10));
        assert_eq!((m[1].0.pos.line, m[1].0.pos.col), (2, 1));
        let Value::Seq(items) = &m[1].1.value else {
            panic!()
        };
        assert_eq!((items[0].pos.line, items[0].pos.col), (3, 5));
        let o = map(&items[0]);
        assert_eq!((o[1].0.pos.line, o[1].0.pos.col), (4, 5));
        assert_eq!((o[1].1.pos.line, o[1].1.pos.col), (4, 10));
        let Value::Seq(krs) = &o[1].1.value else {
            panic!()
        };
        assert_eq!((krs[1].pos.line, krs[1].pos.col), (4, 14));
    }

    #[test]
    fn duplicate_keys_are_kept_and_aliases_expand() {
        let n = parse("a: &x [1, 2]\na: *x\n");
        let m = map(&n);
        assert_eq!(m.len(), 2);
        assert_eq!(m[0].1.value, m[1].1.value);
        assert_eq!((m[1].1.pos.line, m[1].1.pos.col), (2, 4));
    }

    #[test]
    fn a_billion_laughs_fails_fast() {
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..9 {
            let p = i - 1;
            text.push_str(&format!(
                "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
            ));
        }
        let e = parse_yaml(&text, &ParseLimits::default()).unwrap_err();
        assert!(e[0].message.contains("alias bomb"), "{}", e[0].message);
    }

    #[test]
    fn aliases_are_bounded_by_the_bytes_they_expand_to() {
        // 10 bytes of text (key `k` + 9-byte string) per copy: four copies are 40 bytes.
        let text = "a: &a {k: \"123456789\"}\nb: [*a, *a, *a, *a]\n";
        let tight = ParseLimits {
            max_alias_bytes: 39,
            ..ParseLimits::default()
        };
        let e = parse_yaml(text, &tight).unwrap_err();
        assert!(
            e[0].message.contains("more than 39 bytes of text"),
            "{}",
            e[0].message
        );
        assert!(e[0].message.contains("LoadOptions::max_alias_bytes"));
        // The fourth alias is the one over the budget: line 2, column 17.
        assert_eq!(e[0].pos.map(|p| (p.line, p.col)), Some((2, 17)));
        let exact = ParseLimits {
            max_alias_bytes: 40,
            ..ParseLimits::default()
        };
        assert!(parse_yaml(text, &exact).is_ok());
    }

    #[test]
    fn limits_and_errors() {
        let deep = "[".repeat(100_000) + &"]".repeat(100_000);
        let e = parse_yaml(&deep, &ParseLimits::default()).unwrap_err();
        assert!(e[0].message.contains("recursion limit") || e[0].message.contains("nesting"));
        let five = ParseLimits {
            max_depth: 5,
            ..ParseLimits::default()
        };
        let e = parse_yaml("[[[[[[1]]]]]]", &five).unwrap_err();
        assert!(e[0].message.starts_with("nesting deeper than 5 levels"));
        assert!(parse_yaml("[[[[[1]]]]]", &five).is_ok());
        let e = parse_yaml("a: 1\n---\nb: 2\n", &ParseLimits::default()).unwrap_err();
        assert!(e[0].message.contains("more than one document"));
        let e = parse_yaml("a: !custom 1\n", &ParseLimits::default()).unwrap_err();
        assert_eq!(e[0].message, "unsupported tag `!custom`");
        let e = parse_yaml("a: [1, 2\n", &ParseLimits::default()).unwrap_err();
        assert!(e[0].pos.is_some());
        assert_eq!(parse("\u{feff}a: 1\n").pos, Pos { line: 1, col: 1 });
        assert_eq!(parse("").value, Value::Null);
    }
}
