//! JSON: strict syntax check by serde_json, then the YAML 1.2 reader for positions.

use super::{Node, ParseLimits, Pos, SyntaxError};

/// Parses JSON (RFC 8259) into a spanned tree.
pub fn parse_json(text: &str, limits: &ParseLimits) -> Result<Node, Vec<SyntaxError>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    // Nesting first, so that a deep document says so even when it is also cut short.
    // (JSON has neither comments nor single quotes, so TOML's bracket counter reads it.)
    if super::toml::nesting(text, limits.max_depth) > limits.max_depth {
        return Err(vec![SyntaxError {
            pos: None,
            message: crate::load::options::too_deep(limits.max_depth),
        }]);
    }
    if let Err(e) = serde_json::from_str::<serde::de::IgnoredAny>(text) {
        let message = e.to_string();
        // serde_json appends " at line L column C"; we report the position separately.
        let message = match message.rfind(" at line ") {
            Some(i) => message.get(..i).unwrap_or(&message).to_owned(),
            None => message,
        };
        let pos = (e.line() > 0).then(|| Pos {
            line: u32::try_from(e.line()).unwrap_or(u32::MAX),
            col: u32::try_from(e.column().max(1)).unwrap_or(u32::MAX),
        });
        return Err(vec![super::explain::json(text, pos, &message)]);
    }
    // Valid JSON is valid YAML 1.2 but for tabs between tokens (JSON allows them as
    // whitespace; raw tabs never occur inside JSON strings) and surrogate pairs.
    super::yaml::parse_yaml(&yaml_ready(text), limits)
}

/// Rewrites valid JSON so the YAML 1.2 reader reads the same values at the same
/// positions: tabs become spaces, and each surrogate-pair escape `\uD83D\uDE80` (which
/// YAML does not combine) becomes the equivalent `\U0001F680`, two characters shorter,
/// made up by two spaces after the string's closing quote.
fn yaml_ready(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    let mut in_string = false;
    let mut pad = 0usize;
    while let Some(c) = chars.next() {
        match (in_string, c) {
            (false, '\t') => out.push(' '),
            (false, '"') => {
                in_string = true;
                out.push('"');
            }
            (true, '"') => {
                in_string = false;
                out.push('"');
                out.extend(std::iter::repeat_n(' ', pad));
                pad = 0;
            }
            (true, '\\') => {
                let Some(e) = chars.next() else { break };
                if e != 'u' {
                    out.push('\\');
                    out.push(e);
                    continue;
                }
                let hex: String = chars.by_ref().take(4).collect();
                let high = u32::from_str_radix(&hex, 16).unwrap_or(0);
                if (0xD800..0xDC00).contains(&high) {
                    // serde_json accepted the text, so a low surrogate escape follows.
                    let rest: String = chars.by_ref().take(6).collect();
                    let low = rest
                        .get(2..)
                        .and_then(|h| u32::from_str_radix(h, 16).ok())
                        .unwrap_or(0xDC00);
                    let code =
                        0x10000 + ((high - 0xD800) << 10) + (low.saturating_sub(0xDC00) & 0x3FF);
                    out.push_str(&format!("\\U{code:08X}"));
                    pad += 2;
                } else {
                    out.push_str("\\u");
                    out.push_str(&hex);
                }
            }
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]
mod tests {
    use super::super::Value;
    use super::*;

    #[test]
    fn values_and_positions() {
        let n = parse_json(
            "{\"a\":1,\n\t\"b\": [true, null, -0.5, 1e3, \"x\\u00e9\\/\"],\n \"c\": {\"d\": 9223372036854775808}}",
            &ParseLimits::default(),
        )
        .unwrap();
        let Value::Map(m) = &n.value else { panic!() };
        assert_eq!(m[0].0.name, "a");
        assert_eq!(m[0].1.value, Value::Int(1));
        assert_eq!((m[1].0.pos.line, m[1].0.pos.col), (2, 2));
        let Value::Seq(items) = &m[1].1.value else {
            panic!()
        };
        assert_eq!(items[0].value, Value::Bool(true));
        assert_eq!(items[1].value, Value::Null);
        assert_eq!(items[2].value, Value::Float(-0.5));
        assert_eq!(items[3].value, Value::Float(1000.0));
        assert_eq!(items[4].value, Value::Str("xé/".into()));
        assert_eq!((items[4].pos.line, items[4].pos.col), (2, 31));
        let Value::Map(c) = &m[2].1.value else {
            panic!()
        };
        assert_eq!(c[0].1.value, Value::Float(9223372036854775808.0));
    }

    #[test]
    fn strictness_and_errors() {
        for bad in [
            "{\"a\": 1,}",
            "{a: 1}",
            "// c\n{}",
            "{'a': 1}",
            "[1 2]",
            "{\"a\": 1} x",
        ] {
            let e = parse_json(bad, &ParseLimits::default()).unwrap_err();
            assert!(e[0].pos.is_some(), "{bad}");
            assert!(
                e[0].message.starts_with("invalid JSON: "),
                "{}",
                e[0].message
            );
        }
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let deep = "[".repeat(100_000) + &"]".repeat(100_000);
        assert!(parse_json(&deep, &ParseLimits::default()).is_err());
    }

    #[test]
    fn duplicate_keys_are_kept() {
        let n = parse_json("{\"a\": 1, \"a\": 2}", &ParseLimits::default()).unwrap();
        let Value::Map(m) = &n.value else { panic!() };
        assert_eq!(m.len(), 2);
    }

    #[test]
    fn surrogate_pairs_decode() {
        let n = parse_json("[\"a\\ud83d\\ude80b\\u00e9\", 7]", &ParseLimits::default()).unwrap();
        let Value::Seq(items) = &n.value else {
            panic!()
        };
        assert_eq!(items[0].value, Value::Str("a🚀bé".into()));
        assert_eq!((items[1].pos.line, items[1].pos.col), (1, 26));
    }
}
