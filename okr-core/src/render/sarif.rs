//! Findings as SARIF 2.1.0, the static-analysis format that GitHub code scanning, GitLab
//! and most CI dashboards read (`okr check --format sarif`).
//!
//! One log with one run: the tool `okr` with every rule of [`RULES`](crate::RULES) (and
//! [`LOAD_ERROR`] last), and one result per finding with its rule, level, message (the
//! help appended on a line of its own) and place in the file.
//!
//! ```
//! use chrono::NaiveDate;
//! use okr_core::{locate, to_sarif, validate, AsOf, Document, Format, Policy, SourceMap};
//!
//! let text = "version: 1\ncycles: [{id: c, start: 2021-01-01, end: 2021-03-31}]\n\
//!             objectives:\n  - {id: a, title: A, cycle: c, level: company, key_results: []}\n";
//! let doc = Document::from_str(text, Format::Yaml)?;
//! let map = SourceMap::from_str(text, Format::Yaml)?;
//! let as_of = AsOf::Date(NaiveDate::from_ymd_opt(2021, 2, 1).unwrap());
//! let findings = validate(&doc, as_of, &Policy::default());
//! let log = to_sarif("okrs/2021-q1.yaml", &locate(&findings, Some(&map)));
//! assert_eq!(log["version"], "2.1.0");
//! let results = log["runs"][0]["results"].as_array().unwrap();
//! let no_owner = results.iter().find(|r| r["ruleId"] == "no_owner").unwrap();
//! assert_eq!(no_owner["level"], "warning");
//! let at = &no_owner["locations"][0]["physicalLocation"];
//! assert_eq!(at["artifactLocation"]["uri"], "okrs/2021-q1.yaml");
//! assert_eq!(at["region"]["startLine"], 4);
//! assert_eq!(at["region"]["startColumn"], 5);
//! # Ok::<(), okr_core::LoadError>(())
//! ```

use crate::{Finding, LoadError, Problem, Severity, SourceMap, RULES};
use serde_json::{json, Map, Value};

/// The rule id of a problem that kept a document or policy from loading, in the SARIF and
/// GitHub outputs (it is not a validation rule: such a file has no findings).
pub const LOAD_ERROR: &str = "load_error";

/// Where the rule catalogue of the user guide lives; each rule has an anchor there.
const CATALOGUE: &str = concat!(env!("CARGO_PKG_REPOSITORY"), "/blob/main/docs/src/rules.md");

/// The `$schema` of the log: the OASIS standard's schema (with its approved errata).
const SCHEMA_URI: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

/// A finding with its place in the file (1-based line and column in characters), where
/// the document's text has one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Located<'a> {
    /// The finding.
    pub finding: &'a Finding,
    /// Its line and column, from [`SourceMap::position`] of its path.
    pub position: Option<(u32, u32)>,
}

/// The findings with their places in the file, in document order (by position; those
/// without one last, in the order given). Without a source map no finding has a place.
pub fn locate<'a>(findings: &'a [Finding], map: Option<&SourceMap>) -> Vec<Located<'a>> {
    let mut located: Vec<Located<'a>> = findings
        .iter()
        .map(|finding| Located {
            finding,
            position: finding
                .path
                .as_deref()
                .and_then(|p| map.and_then(|m| m.position(p))),
        })
        .collect();
    located.sort_by_key(|l| l.position.unwrap_or((u32::MAX, u32::MAX)));
    located
}

/// The findings of the document file `file` with their places, in document order, as
/// [`locate`] gives them; only the findings' own paths are looked up, in one pass over
/// the file that builds no tree for JSON (see [`SourceMap::locate`]), so a file of a
/// million objectives is located in about the time and memory its findings take. A file
/// that cannot be read gives findings without places.
pub fn locate_in_file<'a>(findings: &'a [Finding], file: &std::path::Path) -> Vec<Located<'a>> {
    let paths: Vec<&str> = findings.iter().filter_map(|f| f.path.as_deref()).collect();
    let mut found = SourceMap::locate(file, &paths)
        .unwrap_or_default()
        .into_iter();
    let mut located: Vec<Located<'a>> = findings
        .iter()
        .map(|finding| Located {
            finding,
            position: finding.path.as_ref().and_then(|_| found.next().flatten()),
        })
        .collect();
    located.sort_by_key(|l| l.position.unwrap_or((u32::MAX, u32::MAX)));
    located
}

/// The SARIF 2.1.0 log of a check of the document `file`: one run, one result per finding
/// in the order given.
///
/// `file` is the path as the reader should see it: a relative path (relative to the
/// repository root, for GitHub code scanning) becomes a URI relative to `%SRCROOT%`, an
/// absolute one a `file://` URI.
pub fn to_sarif(file: &str, findings: &[Located<'_>]) -> Value {
    let location = artifact_location(file);
    let results = findings
        .iter()
        .map(|l| finding_result(&location, l))
        .collect();
    log(results, true)
}

/// The SARIF 2.1.0 log of a document or policy `file` that could not be loaded: one
/// result of rule [`LOAD_ERROR`] (level `error`) per problem, at its line and column, and
/// an invocation that did not succeed. `file` is taken as in [`to_sarif`].
pub fn load_error_to_sarif(file: &str, err: &LoadError) -> Value {
    let location = artifact_location(file);
    let results = err
        .problems
        .iter()
        .map(|p| problem_result(&location, p))
        .collect();
    log(results, false)
}

fn log(results: Vec<Value>, successful: bool) -> Value {
    let mut rules: Vec<Value> = RULES
        .iter()
        .map(|r| {
            rule_descriptor(
                r.code,
                r.description,
                r.default_severity,
                &format!(
                    "`{code}` fires when {desc}. Its severity is `{sev}` by default; a policy \
                     changes it or switches the rule off (`severities: {{{code}: error | \
                     warning | info | off}}`). Each finding's message names the entity and \
                     says what to do. The rule catalogue: {CATALOGUE}#{code}",
                    code = r.code,
                    desc = r.description,
                    sev = r.default_severity.as_str(),
                ),
            )
        })
        .collect();
    rules.push(rule_descriptor(
        LOAD_ERROR,
        "the document or the policy could not be loaded (bad syntax, an unknown field, a \
         missing required field, a value of the wrong type)",
        Severity::Error,
        "The file could not be read as an OKR document or policy, so it was not checked \
         against the rules. Each result names the place (its path in the document and its \
         line and column) and the fix; `okr check FILE` prints the same on the terminal.",
    ));
    json!({
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "okr",
                "fullName": "okr-cascade (okr check)",
                "version": env!("CARGO_PKG_VERSION"),
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "informationUri": env!("CARGO_PKG_REPOSITORY"),
                "rules": rules,
            }},
            "invocations": [{"executionSuccessful": successful}],
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    })
}

fn rule_descriptor(code: &str, description: &str, severity: Severity, help: &str) -> Value {
    json!({
        "id": code,
        "name": camel_case(code),
        "shortDescription": {"text": description},
        "fullDescription": {"text": format!(
            "{description} (default severity: {})", severity.as_str()
        )},
        "helpUri": format!("{CATALOGUE}#{code}"),
        "help": {"text": help},
        "defaultConfiguration": {"level": level(severity)},
    })
}

fn finding_result(location: &Value, l: &Located<'_>) -> Value {
    let f = l.finding;
    let mut result = Map::new();
    result.insert("ruleId".into(), json!(f.code));
    if let Some(i) = RULES.iter().position(|r| r.code == f.code) {
        result.insert("ruleIndex".into(), json!(i));
    }
    result.insert("level".into(), json!(level(f.severity)));
    result.insert("message".into(), json!({"text": message_text(f)}));
    result.insert(
        "locations".into(),
        json!([physical_location(
            location,
            l.position.map(|(l, c)| (l, Some(c)))
        )]),
    );
    // Stable across edits that move lines: the rule and the entities it is about.
    result.insert(
        "partialFingerprints".into(),
        json!({"okrFinding/v1": format!("{}:{}", f.code, f.subjects.join(","))}),
    );
    result.insert(
        "properties".into(),
        json!({"subjects": f.subjects, "path": f.path}),
    );
    Value::Object(result)
}

fn problem_result(location: &Value, p: &Problem) -> Value {
    json!({
        "ruleId": LOAD_ERROR,
        "ruleIndex": RULES.len(),
        "level": "error",
        "message": {"text": problem_text(p)},
        "locations": [physical_location(location, p.line.map(|l| (l, p.column)))],
    })
}

/// The finding's message with its help on a line of its own.
pub(crate) fn message_text(f: &Finding) -> String {
    match &f.help {
        Some(help) => format!("{}\nhelp: {help}", f.message),
        None => f.message.clone(),
    }
}

/// The problem's message after its path in the document, as `okr check` prints it.
pub(crate) fn problem_text(p: &Problem) -> String {
    if p.path.is_empty() {
        p.message.clone()
    } else {
        format!("{}: {}", p.path, p.message)
    }
}

fn physical_location(location: &Value, at: Option<(u32, Option<u32>)>) -> Value {
    let mut physical = Map::new();
    physical.insert("artifactLocation".into(), location.clone());
    if let Some((line, column)) = at {
        let mut region = Map::new();
        region.insert("startLine".into(), json!(line));
        if let Some(c) = column {
            region.insert("startColumn".into(), json!(c));
        }
        physical.insert("region".into(), Value::Object(region));
    }
    json!({"physicalLocation": physical})
}

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// `stale_check_in` → `StaleCheckIn` (SARIF's rule `name`, an identifier).
fn camel_case(code: &str) -> String {
    code.split('_')
        .flat_map(|word| {
            let mut chars = word.chars();
            chars
                .next()
                .map(|c| c.to_ascii_uppercase())
                .into_iter()
                .chain(chars)
        })
        .collect()
}

/// The artifact location of a path: relative paths are relative to `%SRCROOT%` (the
/// repository root), absolute ones `file://` URIs.
fn artifact_location(file: &str) -> Value {
    let slashed = file.replace('\\', "/");
    let drive = slashed.as_bytes().get(1) == Some(&b':')
        && slashed
            .as_bytes()
            .first()
            .is_some_and(u8::is_ascii_alphabetic);
    if slashed.starts_with('/') || drive {
        let path = if drive {
            format!("/{slashed}")
        } else {
            slashed
        };
        json!({"uri": format!("file://{}", percent_encode(&path, true))})
    } else {
        let mut relative = slashed.as_str();
        while let Some(rest) = relative.strip_prefix("./") {
            relative = rest;
        }
        json!({"uri": percent_encode(relative, false), "uriBaseId": "%SRCROOT%"})
    }
}

/// Percent-encodes what a URI path may not hold as is (RFC 3986: everything but the
/// unreserved characters, sub-delimiters, `/` and `@`; `:` only in an absolute path,
/// where it cannot be taken for a scheme).
fn percent_encode(path: &str, keep_colon: bool) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        let keep = b.is_ascii_alphanumeric()
            || b"-._~!$&'()*+,;=/@".contains(&b)
            || (keep_colon && b == b':');
        if keep {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;

    #[test]
    fn relative_paths_are_relative_to_the_source_root() {
        assert_eq!(
            artifact_location("./okrs/2021 h2.yaml"),
            json!({"uri": "okrs/2021%20h2.yaml", "uriBaseId": "%SRCROOT%"})
        );
        assert_eq!(
            artifact_location("okrs\\a:b#1%.yaml"),
            json!({"uri": "okrs/a%3Ab%231%25.yaml", "uriBaseId": "%SRCROOT%"})
        );
        assert_eq!(
            artifact_location("äb.yaml"),
            json!({"uri": "%C3%A4b.yaml", "uriBaseId": "%SRCROOT%"})
        );
    }

    #[test]
    fn absolute_paths_are_file_uris() {
        assert_eq!(
            artifact_location("/tmp/x y/o.yaml"),
            json!({"uri": "file:///tmp/x%20y/o.yaml"})
        );
        assert_eq!(
            artifact_location("C:\\okrs\\o.yaml"),
            json!({"uri": "file:///C:/okrs/o.yaml"})
        );
    }

    #[test]
    fn rule_names_are_camel_case() {
        assert_eq!(camel_case("stale_check_in"), "StaleCheckIn");
        assert_eq!(camel_case("load_error"), "LoadError");
    }
}
