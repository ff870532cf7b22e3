//! Parser errors in words a newcomer understands: each names the line where the mistake
//! is (not where the parser noticed it) and how to fix it.
//!
//! Parse fast, diagnose slow: this runs only when a parser has failed, and scans the text
//! once more (linearly) to find the opening quote or bracket that was never closed, the tab
//! that indents a line, or the key whose indentation slipped.

use super::{Pos, SyntaxError};

/// The lines of a text, without their line ends.
fn lines(text: &str) -> Vec<&str> {
    text.split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .collect()
}

fn at(line: usize, col: usize) -> Pos {
    Pos {
        line: u32::try_from(line).unwrap_or(u32::MAX),
        col: u32::try_from(col).unwrap_or(u32::MAX),
    }
}

fn problem(pos: Pos, message: String) -> SyntaxError {
    SyntaxError {
        pos: Some(pos),
        message,
    }
}

/// Leading spaces of a line.
fn indent(line: &str) -> usize {
    line.chars().take_while(|&c| c == ' ').count()
}

/// Whether a line holds nothing but spaces or a comment.
fn is_blank(line: &str) -> bool {
    let t = line.trim_start_matches([' ', '\t']);
    t.is_empty() || t.starts_with('#')
}

/// The key a YAML block line starts with and its 1-based column (after any `- `).
fn key_of(line: &str) -> Option<(String, usize)> {
    let mut col = indent(line);
    let mut rest = line.get(col..)?;
    while let Some(r) = rest.strip_prefix("- ") {
        let spaces = r.chars().take_while(|&c| c == ' ').count();
        col += 2 + spaces;
        rest = r.get(spaces..)?;
    }
    let end = rest.find(':')?;
    let key = rest.get(..end)?.trim_end();
    (!key.is_empty() && !key.starts_with(['#', '{', '[', '"', '\'']))
        .then(|| (key.trim_matches(['"', '\'']).to_owned(), col + 1))
}

/// What the lexical scan found.
#[derive(Default)]
struct Scan {
    /// Brackets still open where the scan stopped: the bracket and where it opened.
    open: Vec<(char, Pos)>,
    /// A quote still open where the scan stopped.
    quote: Option<(char, Pos)>,
    /// Whether a comment was seen.
    comment: bool,
}

/// Scans YAML (or JSON, its subset) up to `stop` (or the end), tracking quotes, comments,
/// block scalars and flow brackets, as far as they matter to find what was left open.
fn scan(text: &str, stop: Option<Pos>, json: bool) -> Scan {
    let mut s = Scan::default();
    let mut block_scalar: Option<usize> = None;
    for (i, line) in lines(text).iter().enumerate() {
        let n = i + 1;
        if let Some(ind) = block_scalar {
            if is_blank(line) || indent(line) > ind {
                continue;
            }
            block_scalar = None;
        }
        let chars: Vec<char> = line.chars().collect();
        // Whether the next non-space character starts a token (in block context: at the
        // start of a line, after `- `, `? ` or `: `).
        let mut token_start = true;
        let mut prev = ' ';
        let mut j = 0;
        while let Some(&c) = chars.get(j) {
            let col = j + 1;
            if stop.is_some_and(|p| (n, col) >= (p.line as usize, p.col as usize)) {
                return s;
            }
            if let Some((q, _)) = s.quote {
                if q == '"' && c == '\\' {
                    j += 2;
                    continue;
                }
                if c == q {
                    if q == '\'' && !json && chars.get(j + 1) == Some(&'\'') {
                        j += 2;
                        continue;
                    }
                    s.quote = None;
                    token_start = false;
                }
                prev = c;
                j += 1;
                continue;
            }
            let flow = !s.open.is_empty();
            let next = chars.get(j + 1).copied().unwrap_or(' ');
            match c {
                '#' if !json && (prev == ' ' || prev == '\t' || j == 0) => {
                    s.comment = true;
                    break;
                }
                ' ' | '\t' => {}
                '"' | '\'' if json || token_start => {
                    s.quote = Some((c, at(n, col)));
                }
                '[' | '{' if json || flow || token_start => {
                    s.open.push((c, at(n, col)));
                    token_start = true;
                    prev = c;
                    j += 1;
                    continue;
                }
                ']' | '}' if json || flow => {
                    s.open.pop();
                }
                ',' if json || flow => {
                    token_start = true;
                    prev = c;
                    j += 1;
                    continue;
                }
                '-' | '?' if token_start && !json && next == ' ' => {
                    prev = c;
                    j += 1;
                    continue;
                }
                ':' if !json
                    && (next == ' ' || j + 1 == chars.len() || (flow && ",]}".contains(next))) =>
                {
                    token_start = true;
                    prev = c;
                    j += 1;
                    continue;
                }
                '|' | '>' if token_start && !json && !flow => {
                    block_scalar = Some(indent(line));
                    break;
                }
                _ => {}
            }
            if c != ' ' && c != '\t' {
                token_start = false;
            }
            prev = c;
            j += 1;
        }
    }
    s
}

/// Whether YAML text holds a comment (outside strings and block scalars).
pub(crate) fn yaml_has_comments(text: &str) -> bool {
    scan(text, None, false).comment
}

/// The first tab that indents a line, looking from `from` on (1-based), else anywhere.
fn indenting_tab(lines: &[&str], from: usize) -> Option<Pos> {
    let find = |(i, line): (usize, &&str)| {
        let lead: String = line
            .chars()
            .take_while(|&c| c == ' ' || c == '\t')
            .collect();
        let rest = line.get(lead.len()..).unwrap_or("");
        (lead.contains('\t') && !rest.is_empty())
            .then(|| at(i + 1, lead.chars().position(|c| c == '\t').unwrap_or(0) + 1))
    };
    let from = from.saturating_sub(1);
    lines
        .iter()
        .enumerate()
        .skip(from)
        .find_map(find)
        .or_else(|| lines.iter().enumerate().find_map(find))
}

/// The nearest line above `line` (1-based) that holds something.
fn line_above<'a>(lines: &[&'a str], line: usize) -> Option<(usize, &'a str)> {
    (1..line)
        .rev()
        .find_map(|n| lines.get(n - 1).filter(|l| !is_blank(l)).map(|l| (n, *l)))
}

/// A YAML parser error, explained.
pub(crate) fn yaml(text: &str, pos: Pos, info: &str) -> SyntaxError {
    let all = lines(text);
    let line_no = pos.line as usize;
    let this = all.get(line_no.saturating_sub(1)).copied().unwrap_or("");
    if info.contains("tab") {
        if let Some(p) = indenting_tab(&all, line_no.saturating_sub(1)) {
            return problem(
                p,
                "a tab indents this line: YAML indents with spaces only, replace the tab with spaces"
                    .into(),
            );
        }
    }
    if info.contains("quoted scalar, found unexpected")
        || info.contains("indentation in quoted scalar")
    {
        if let Some((q, p)) = scan(text, None, false).quote {
            return problem(
                p,
                format!("the text opened with `{q}` here is never closed: add the closing `{q}`"),
            );
        }
    }
    let here = this.chars().nth((pos.col as usize).saturating_sub(1));
    if info.contains("mapping values are not allowed")
        || (here == Some(':') && info.contains("flow mapping"))
    {
        return colon_slip(&all, pos, this);
    }
    // A flow collection left open: the parser stumbles on the next block line.
    if let Some(&(b, p)) = scan(text, Some(pos), false).open.last() {
        let bracket_line = all
            .get((p.line as usize).saturating_sub(1))
            .copied()
            .unwrap_or("");
        if p.line < pos.line && indent(this) <= indent(bracket_line) {
            let close = if b == '[' { ']' } else { '}' };
            return problem(
                p,
                format!("the `{b}` opened here is never closed: add `{close}` after its last item"),
            );
        }
    }
    if info.contains("flow sequence")
        || info.contains("flow mapping")
        || info.contains("unexpected eof")
        || info.contains("misplaced bracket")
    {
        let s = scan(text, Some(pos), false);
        if let Some(&(b, p)) = s.open.last() {
            let close = if b == '[' { ']' } else { '}' };
            if p.line != pos.line || info.contains("eof") {
                return problem(
                    p,
                    format!(
                        "the `{b}` opened here is never closed: add `{close}` after its last item"
                    ),
                );
            }
            return problem(
                pos,
                format!("expected `,` or `{close}` here: separate the items of the `{b}…{close}` opened at column {} with `,`, and quote an item that holds `,`, `:` or brackets", p.col),
            );
        }
    }
    if info.contains("did not find expected key")
        || info.contains("did not find expected '-' indicator")
        || info.contains("invalid indentation")
    {
        if let Some(e) = dedent_slip(&all, pos) {
            return e;
        }
    }
    problem(pos, format!("invalid YAML: {}", super::tidy(info)))
}

/// `mapping values are not allowed in this context`: a `: ` inside a plain value, or a key
/// indented more than the one above it (so that it reads as the rest of that value).
fn colon_slip(all: &[&str], pos: Pos, this: &str) -> SyntaxError {
    let colon = (pos.col as usize).saturating_sub(1);
    let before: String = this.chars().take(colon).collect();
    if let Some(k) = before.rfind(": ") {
        // `title: Ratio: 2 to 1` or `{title: Ratio: 2 to 1}`.
        let key_start = before
            .get(..k)
            .and_then(|b| b.rfind(['{', ',', '-']).map(|i| i + 1))
            .unwrap_or(0);
        let key = before.get(key_start..k).unwrap_or("").trim();
        let rest = this.get(k + 2..).unwrap_or("");
        let stops: &[char] = if before.contains('{') {
            &[',', '}']
        } else {
            &[]
        };
        let value = rest
            .split(stops)
            .next()
            .unwrap_or("")
            .split(" #")
            .next()
            .unwrap_or("")
            .trim();
        let lead = before.get(..key_start).map_or(0, |b| b.chars().count());
        let spaces = before
            .get(key_start..)
            .map_or(0, |b| b.chars().take_while(|c| *c == ' ').count());
        let so_far = before.get(k + 2..).unwrap_or("").trim();
        if before.contains('{') && so_far.contains(' ') {
            let word = so_far.rsplit(' ').next().unwrap_or("");
            return problem(
                at(pos.line as usize, lead + spaces + 1),
                format!("the value of `{key}` runs into `{word}:`: if `{word}` is the next field, put a `,` before it; if the `: ` belongs to the value, put the value in quotes"),
            );
        }
        return problem(
            at(pos.line as usize, lead + spaces + 1),
            format!("the value of `{key}` holds `: `, which starts a new key: put the value in quotes, `{key}: \"{value}\"`"),
        );
    }
    let key = key_of(this).map_or_else(|| this.trim().to_owned(), |(k, _)| k);
    let col = indent(this) + 1;
    match line_above(all, pos.line as usize).and_then(|(n, l)| key_of(l).map(|k| (n, k))) {
        Some((n, (above, above_col))) => problem(
            at(pos.line as usize, col),
            format!("`{key}` is indented more than `{above}` on line {n}, so it reads as part of the value of `{above}`: indent `{key}` by {} spaces, like `{above}`", above_col - 1),
        ),
        None => problem(
            at(pos.line as usize, col),
            format!("`{key}` is indented more than the line above it: indent the keys of one mapping alike"),
        ),
    }
}

/// A key indented less than the mapping it belongs to but more than the one above that.
fn dedent_slip(all: &[&str], pos: Pos) -> Option<SyntaxError> {
    // The parser notices at the first token it cannot place: the slipped line, or the next.
    let (n, line) = (pos.line as usize..=pos.line as usize + 1)
        .chain((1..pos.line as usize).rev())
        .find_map(|n| {
            all.get(n.checked_sub(1)?)
                .filter(|l| !is_blank(l))
                .map(|l| (n, *l))
        })?;
    let (key, col) = key_of(line)?;
    let mut best: Option<(usize, String, usize)> = None;
    for m in (1..n).rev() {
        let Some(l) = all.get(m - 1).filter(|l| !is_blank(l)) else {
            continue;
        };
        if let Some((k, c)) = key_of(l) {
            if c != col
                && best
                    .as_ref()
                    .is_none_or(|(_, _, bc)| c.abs_diff(col) < bc.abs_diff(col))
            {
                best = Some((m, k, c));
            }
            if c == col {
                return None;
            }
        }
        if indent(l) + 1 < col.min(best.as_ref().map_or(col, |b| b.2)) {
            break;
        }
    }
    let (m, above, above_col) = best?;
    Some(problem(
        at(n, col),
        format!("`{key}` is indented by {} spaces, which matches no mapping above it: indent it by {} spaces, like `{above}` on line {m}", col - 1, above_col - 1),
    ))
}

/// A JSON (serde_json) error, explained. `pos` is where serde_json stopped.
pub(crate) fn json(text: &str, pos: Option<Pos>, message: &str) -> SyntaxError {
    let all = lines(text);
    let invalid = |p: Option<Pos>, m: String| SyntaxError {
        pos: p,
        message: format!("invalid JSON: {m}"),
    };
    if text.trim().is_empty() {
        return SyntaxError {
            pos: None,
            message: super::EMPTY.into(),
        };
    }
    let Some(pos) = pos else {
        return invalid(None, super::tidy(message));
    };
    let here = all
        .get((pos.line as usize).saturating_sub(1))
        .and_then(|l| l.chars().nth((pos.col as usize).saturating_sub(1)))
        .unwrap_or(' ');
    if message.starts_with("EOF while parsing a string") || message.starts_with("control character")
    {
        if let Some((_, p)) = scan(text, Some(pos), true).quote {
            return invalid(Some(p), "the string opened here is never closed: add the closing `\"` (a line break inside a string is written `\\n`)".into());
        }
    }
    if message.starts_with("EOF while parsing") {
        if let Some(&(b, p)) = scan(text, None, true).open.last() {
            let close = if b == '[' { ']' } else { '}' };
            return invalid(
                Some(p),
                format!("the `{b}` opened here is never closed: add `{close}` after its last item"),
            );
        }
    }
    // The last character before `pos` that is not white space, and where it is.
    let before = || {
        let mut line = pos.line as usize;
        let mut col = (pos.col as usize).saturating_sub(1);
        while line >= 1 {
            let chars: Vec<char> = all
                .get(line - 1)
                .map_or(Vec::new(), |l| l.chars().collect());
            let upto = col.min(chars.len());
            if let Some(i) = chars
                .get(..upto)
                .and_then(|c| c.iter().rposition(|c| !c.is_whitespace()))
            {
                return Some((chars.get(i).copied().unwrap_or(' '), at(line, i + 1)));
            }
            line -= 1;
            col = usize::MAX;
        }
        None
    };
    let trailing = matches!(here, ']' | '}') && before().is_some_and(|(c, _)| c == ',');
    if message.starts_with("trailing comma") || (message.starts_with("expected value") && trailing)
    {
        let p = before().map_or(pos, |(_, p)| p);
        return invalid(Some(p), "a `,` after the last item: remove it".into());
    }
    if message.starts_with("key must be a string") || message.starts_with("expected value") {
        let fix = match here {
            '\'' => Some("JSON strings are in double quotes: write `\"…\"`, not `'…'`".to_owned()),
            '/' | '#' => Some("JSON has no comments: remove the comment, or write the document in YAML, which allows `# …`".to_owned()),
            'N' | 'I' => Some("JSON has no `NaN` or `Infinity`: write a number".to_owned()),
            c if message.starts_with("key") && (c.is_alphanumeric() || c == '_') => {
                let line = all.get((pos.line as usize).saturating_sub(1)).copied().unwrap_or("");
                let word: String = line
                    .chars()
                    .skip((pos.col as usize).saturating_sub(1))
                    .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '-')
                    .collect();
                Some(format!("a key is written in double quotes: `\"{word}\"`"))
            }
            _ => None,
        };
        if let Some(fix) = fix {
            return invalid(Some(pos), fix);
        }
    }
    if message.starts_with("expected `,` or `}`") || message.starts_with("expected `,` or `]`") {
        let close = if message.contains('}') { '}' } else { ']' };
        let p = match before() {
            Some((_, p)) if p.line < pos.line => at(p.line as usize, p.col as usize + 1),
            _ => pos,
        };
        let next = if close == '}' { "field" } else { "item" };
        return invalid(
            Some(p),
            format!("a `,` is missing here, before the next {next}"),
        );
    }
    if message.starts_with("trailing characters") {
        return invalid(
            Some(pos),
            "text after the end of the document: a file holds one JSON value".into(),
        );
    }
    invalid(Some(pos), super::tidy(message))
}

/// A TOML error, explained: the key or value it is about, and the fix where the parser's
/// words leave it out.
pub(crate) fn toml(text: &str, pos: Option<Pos>, message: &str) -> SyntaxError {
    let all = lines(text);
    let m = super::tidy(message);
    let line = pos
        .and_then(|p| all.get((p.line as usize).saturating_sub(1)))
        .copied()
        .unwrap_or("");
    let from = |p: Pos| -> String {
        line.chars()
            .skip((p.col as usize).saturating_sub(1))
            .collect()
    };
    let word = |p: Pos| -> String {
        from(p)
            .chars()
            .take_while(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | ':' | '.' | '+'))
            .collect()
    };
    let say = |p: Option<Pos>, message: String| SyntaxError { pos: p, message };
    if let Some(p) = pos {
        if m.contains("duplicate key") {
            let key = line.split('=').next().unwrap_or("").trim();
            return say(
                pos,
                format!("invalid TOML: duplicate key `{key}`: remove one of them"),
            );
        }
        if m.starts_with("invalid date")
            || m.starts_with("invalid time")
            || m.starts_with("invalid datetime")
        {
            return say(pos, crate::load::convert::not_a_date(&word(p)));
        }
        if m.starts_with("invalid boolean")
            || m.starts_with("invalid float")
            || m.starts_with("invalid integer")
            || m.contains("string values must be quoted")
        {
            let w = word(p);
            if !w.is_empty() && !matches!(w.as_str(), "true" | "false") && w.parse::<f64>().is_err()
            {
                let key = line.split('=').next().unwrap_or("").trim();
                return say(
                    pos,
                    format!("invalid TOML: a text value is written in quotes, `{key} = \"{w}\"`"),
                );
            }
        }
        if m.contains("invalid basic string") || m.contains("invalid literal string") {
            if let Some(q) = line
                .find(['"', '\''])
                .map(|i| line.get(..i).map_or(0, |b| b.chars().count()) + 1)
            {
                return say(
                    Some(at(p.line as usize, q)),
                    "invalid TOML: the string opened here is never closed: add the closing quote on the same line (use `\"\"\"` for text over several lines)".into(),
                );
            }
        }
        if m.contains("array") {
            if let Some(open) = toml_open_bracket(&all, p.line as usize) {
                if open.line < p.line {
                    return say(Some(open), "invalid TOML: the `[` opened here is never closed: add `]` after its last item".into());
                }
            }
        }
        if m.starts_with("key with no value") {
            let key = line.split_whitespace().next().unwrap_or("key");
            return say(
                pos,
                format!("invalid TOML: a key with no `=`: write `{key} = …`"),
            );
        }
    }
    say(pos, format!("invalid TOML: {m}"))
}

/// The innermost `[` of a value still open at the start of line `upto` (1-based): table
/// headers, strings and comments aside.
fn toml_open_bracket(all: &[&str], upto: usize) -> Option<Pos> {
    let mut open: Vec<Pos> = Vec::new();
    for (i, line) in all.iter().enumerate().take(upto.saturating_sub(1)) {
        if open.is_empty() && line.trim_start().starts_with('[') {
            continue;
        }
        let mut quote: Option<char> = None;
        for (j, c) in line.chars().enumerate() {
            match (quote, c) {
                (Some(q), c) if c == q => quote = None,
                (Some(_), _) => {}
                (None, '"' | '\'') => quote = Some(c),
                (None, '#') => break,
                (None, '[') => open.push(at(i + 1, j + 1)),
                (None, ']') => {
                    open.pop();
                }
                _ => {}
            }
        }
    }
    open.last().copied()
}
