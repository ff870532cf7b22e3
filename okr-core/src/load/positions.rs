//! Positions of a few document paths in JSON text, found in one streaming pass without
//! building a tree ("parse fast, diagnose slow" for findings: `okr check` needs the line
//! and column of each finding's path, not a spanned copy of the whole document).
//!
//! The wanted paths become a trie of keys and indices; the scanner walks the text once,
//! follows the trie where a path continues and skips every other value by counting
//! brackets, so a million-objective file is read at about the speed of the bytes and in
//! memory proportional to the paths asked for. The text must be valid JSON (the document
//! loaded from it); on anything else the scan stops and the remaining paths have no
//! position.
//!
//! Positions are those of the spanned tree ([`SourceMap::position`](crate::SourceMap)):
//! 1-based line, 1-based column in characters, the first character of the value (a key's
//! value, or an item).

use crate::hash::HashMap;
use std::io::{BufRead, Read};

/// One segment of a document path.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum Seg {
    Key(String),
    Index(usize),
}

/// Splits `a.b[2].c` into segments (keys may not contain `.` or `[`).
fn segments(path: &str) -> Vec<Seg> {
    let mut out = Vec::new();
    for part in path.split('.') {
        let (key, mut rest) = match part.find('[') {
            Some(i) => (part.get(..i).unwrap_or(""), part.get(i..).unwrap_or("")),
            None => (part, ""),
        };
        if !key.is_empty() {
            out.push(Seg::Key(key.to_owned()));
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

/// The wanted paths as a trie: node 0 is the root.
#[derive(Default)]
struct Trie {
    children: HashMap<(usize, Seg), usize>,
    /// Per node: the indices of the paths that end there.
    ends: Vec<Vec<usize>>,
    /// Per node: whether any path continues below it.
    has_children: Vec<bool>,
}

impl Trie {
    fn new(paths: &[&str]) -> Trie {
        let mut t = Trie {
            ends: vec![Vec::new()],
            has_children: vec![false],
            ..Trie::default()
        };
        for (i, path) in paths.iter().enumerate() {
            let mut node = 0;
            for seg in segments(path) {
                let next = t.ends.len();
                node = *t.children.entry((node, seg)).or_insert_with(|| {
                    if let Some(h) = t.has_children.get_mut(node) {
                        *h = true;
                    }
                    t.ends.push(Vec::new());
                    t.has_children.push(false);
                    next
                });
            }
            if let Some(e) = t.ends.get_mut(node) {
                e.push(i);
            }
        }
        t
    }

    fn child(&self, node: usize, seg: Seg) -> Option<usize> {
        self.children.get(&(node, seg)).copied()
    }
}

/// An open container with something wanted inside (others are skipped whole).
enum Frame {
    /// An object and its trie node.
    Object { node: usize },
    /// An array, its trie node and the index of the item being read.
    Array { node: usize, item: usize },
}

/// A byte reader that counts lines and columns (characters).
struct Cursor<R> {
    inner: R,
    line: u32,
    col: u32,
    /// The previous byte was a carriage return (a CR LF pair is one line break).
    after_cr: bool,
}

impl<R: BufRead> Cursor<R> {
    fn peek(&mut self) -> Option<u8> {
        self.inner.fill_buf().ok()?.first().copied()
    }

    fn bump(&mut self) -> Option<u8> {
        let b = self.peek()?;
        self.inner.consume(1);
        match b {
            b'\n' if self.after_cr => self.after_cr = false,
            b'\n' | b'\r' => {
                self.line += 1;
                self.col = 1;
                self.after_cr = b == b'\r';
            }
            // UTF-8 continuation bytes belong to the character before them.
            0x80..=0xBF => self.after_cr = false,
            _ => {
                self.col += 1;
                self.after_cr = false;
            }
        }
        Some(b)
    }

    /// Skips whitespace and returns the next significant byte without consuming it.
    fn next_token(&mut self) -> Option<u8> {
        loop {
            match self.peek()? {
                b' ' | b'\t' | b'\n' | b'\r' => {
                    self.bump();
                }
                b => return Some(b),
            }
        }
    }

    /// Consumes a string whose opening quote is next; returns its raw bytes between the
    /// quotes when `keep` (escapes undecoded).
    fn string(&mut self, keep: bool) -> Option<Vec<u8>> {
        self.bump(); // the opening quote
        let mut raw = Vec::new();
        loop {
            let b = self.bump()?;
            match b {
                b'"' => return Some(raw),
                b'\\' => {
                    let e = self.bump()?;
                    if keep {
                        raw.push(b);
                        raw.push(e);
                    }
                }
                _ if keep => raw.push(b),
                _ => {}
            }
        }
    }

    /// Consumes a number or a literal (`true`, `false`, `null`).
    fn atom(&mut self) -> Option<()> {
        while let Some(b) = self.peek() {
            match b {
                b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r' | b':' => break,
                _ => {
                    self.bump();
                }
            }
        }
        Some(())
    }

    /// Consumes a whole value whose first byte is next, wanted or not (brackets counted,
    /// strings skipped).
    fn skip_value(&mut self) -> Option<()> {
        match self.next_token()? {
            b'"' => self.string(false).map(|_| ()),
            b'{' | b'[' => {
                let mut depth = 0usize;
                loop {
                    match self.next_token()? {
                        b'"' => {
                            self.string(false)?;
                        }
                        b'{' | b'[' => {
                            depth += 1;
                            self.bump();
                        }
                        b'}' | b']' => {
                            depth = depth.saturating_sub(1);
                            self.bump();
                            if depth == 0 {
                                return Some(());
                            }
                        }
                        _ => {
                            self.bump();
                        }
                    }
                }
            }
            _ => self.atom(),
        }
    }
}

/// Decodes a key's raw bytes (escapes included) as JSON would.
fn decode_key(raw: Vec<u8>) -> Option<String> {
    if raw.contains(&b'\\') {
        let mut quoted = Vec::with_capacity(raw.len() + 2);
        quoted.push(b'"');
        quoted.extend_from_slice(&raw);
        quoted.push(b'"');
        serde_json::from_slice(&quoted).ok()
    } else {
        String::from_utf8(raw).ok()
    }
}

/// The positions of `paths` in the JSON read from `reader`, in the order of `paths`
/// (`None` for a path that is not in the text).
pub(crate) fn json_positions<R: Read>(reader: R, paths: &[&str]) -> Vec<Option<(u32, u32)>> {
    let mut out = vec![None; paths.len()];
    let trie = Trie::new(paths);
    let mut cur = Cursor {
        inner: std::io::BufReader::with_capacity(1 << 16, reader),
        line: 1,
        col: 1,
        after_cr: false,
    };
    if cur.peek() == Some(0xEF) {
        // A byte-order mark (valid JSON text starts with no other byte of that value).
        for _ in 0..3 {
            cur.inner.consume(1);
        }
    }
    let _ = scan(&mut cur, &trie, &mut out);
    out
}

/// Reads an object's key and the colon after it; the trie node of its value, if wanted.
fn key<R: BufRead>(cur: &mut Cursor<R>, trie: &Trie, object: usize) -> Option<Option<usize>> {
    if cur.next_token()? != b'"' {
        return None;
    }
    let name = decode_key(cur.string(true)?)?;
    if cur.next_token()? != b':' {
        return None;
    }
    cur.bump();
    Some(trie.child(object, Seg::Key(name)))
}

/// The scan proper; `None` when the text ends early or is not JSON.
fn scan<R: BufRead>(
    cur: &mut Cursor<R>,
    trie: &Trie,
    out: &mut [Option<(u32, u32)>],
) -> Option<()> {
    let mut stack: Vec<Frame> = Vec::new();
    // The trie node of the value that starts next (the root: node 0).
    let mut value_node: Option<usize> = Some(0);
    loop {
        let b = cur.next_token()?;
        // A value starts here unless the byte closes a container or separates.
        match b {
            b'}' | b']' => {
                cur.bump();
                stack.pop();
                if stack.is_empty() {
                    return Some(());
                }
                continue;
            }
            b',' => {
                cur.bump();
                value_node = match stack.last_mut() {
                    Some(Frame::Object { node }) => Some(key(cur, trie, *node)?),
                    Some(Frame::Array { node, item }) => {
                        *item += 1;
                        Some(trie.child(*node, Seg::Index(*item)))
                    }
                    None => return None,
                }
                .flatten();
                continue;
            }
            _ => {}
        }
        // A value: record it, then enter it or skip it.
        if let Some(n) = value_node {
            for &i in trie.ends.get(n).map_or(&[][..], Vec::as_slice) {
                if let Some(slot) = out.get_mut(i) {
                    *slot = Some((cur.line, cur.col));
                }
            }
        }
        let inside = value_node.filter(|&n| trie.has_children.get(n) == Some(&true));
        match (b, inside) {
            (b'{', Some(node)) => {
                cur.bump();
                if cur.next_token()? == b'}' {
                    cur.bump();
                } else {
                    value_node = key(cur, trie, node)?;
                    stack.push(Frame::Object { node });
                    continue;
                }
            }
            (b'[', Some(node)) => {
                cur.bump();
                if cur.next_token()? == b']' {
                    cur.bump();
                } else {
                    stack.push(Frame::Array { node, item: 0 });
                    value_node = trie.child(node, Seg::Index(0));
                    continue;
                }
            }
            _ => cur.skip_value()?,
        }
        if stack.is_empty() {
            return Some(());
        }
        // After a value inside a container: `,` or a closing bracket follows (next turn).
        value_node = None;
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]
mod tests {
    use super::*;
    use crate::load::syntax::{Node, Value};
    use crate::{Format, SourceMap};

    /// Every path of a spanned tree (keys and indices), in document order.
    fn all_paths(node: &Node, prefix: String, out: &mut Vec<String>) {
        out.push(prefix.clone());
        match &node.value {
            Value::Map(entries) => {
                for (k, v) in entries {
                    let p = if prefix.is_empty() {
                        k.name.clone()
                    } else {
                        format!("{prefix}.{}", k.name)
                    };
                    all_paths(v, p, out);
                }
            }
            Value::Seq(items) => {
                for (i, v) in items.iter().enumerate() {
                    all_paths(v, format!("{prefix}[{i}]"), out);
                }
            }
            _ => {}
        }
    }

    /// The scan gives the spanned tree's position for every path of the text.
    fn agrees(text: &str) {
        let tree = crate::load::document::parse_tree(text, Format::Json).unwrap();
        let map = SourceMap::from_str(text, Format::Json).unwrap();
        let mut paths = Vec::new();
        all_paths(&tree, String::new(), &mut paths);
        let paths: Vec<&str> = paths.iter().map(String::as_str).collect();
        let got = json_positions(text.as_bytes(), &paths);
        for (p, g) in paths.iter().zip(&got) {
            assert_eq!(*g, map.position(p), "path `{p}` in {text:.200}");
        }
        // One path at a time too (the trie then skips everything else).
        for p in paths.iter().step_by(7) {
            assert_eq!(
                json_positions(text.as_bytes(), &[p])[0],
                map.position(p),
                "{p}"
            );
        }
    }

    #[test]
    fn agrees_with_the_spanned_tree_on_hand_written_text() {
        agrees(r#"{"version": 1, "objectives": [{"id": "a", "title": "x", "key_results": []}]}"#);
        agrees("{\n  \"a\": [1, 2.5e3, -4, true, false, null],\n  \"b\": {\"c\": \"d\\\"e\", \"f\": {}}\n}");
        agrees("\u{feff}{\"é\": \"ünï\", \"k\": [\"\\ud83d\\ude80 rocket\", {\"x\": []}]}");
        agrees("{\r\n\t\"a\":\r\n\t[ {\"b\" : 1} ,\r\n {\"c\":[[],[[]]]} ]\r\n}");
        agrees("[]");
        agrees("{}");
        agrees(r#"{"a\u0062": {"c": 1}, "x": "\\", "y": "a\nb"}"#);
    }

    #[test]
    fn agrees_with_the_spanned_tree_on_the_examples_and_a_generated_org() {
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../examples/");
        let text = std::fs::read_to_string(format!("{root}engineering-2021-h2.json")).unwrap();
        agrees(&text);
        // The same document on one line.
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        agrees(&serde_json::to_string(&v).unwrap());
        let generated = crate::generate(200, 5).to_text(Format::Json).unwrap();
        agrees(&generated);
    }

    #[test]
    fn missing_paths_and_broken_text_have_no_position() {
        let text = r#"{"a": [1, {"b": 2}]}"#;
        let got = json_positions(
            text.as_bytes(),
            &["a[5]", "a[1].c", "z", "a[1].b", "a[0].x"],
        );
        assert_eq!(got, vec![None, None, None, Some((1, 17)), None]);
        // Cut short: what came before the cut is still found.
        let got = json_positions(&br#"{"a": 1, "b": [2, "#[..], &["a", "b[1]"]);
        assert_eq!(got, vec![Some((1, 7)), None]);
        assert_eq!(json_positions(&b"not json"[..], &["a"]), vec![None]);
    }
}
