//! The user guide's format reference (`docs/src/format.md`) is generated from the JSON
//! Schema of documents (`okr_core::json_schema()`, itself derived from the model's types
//! and their doc comments), so every key, type, default and spelling it lists is the one
//! the loader accepts. This test renders the page and fails when the checked-in file
//! differs; with `UPDATE_DOCS=1` it rewrites the file instead:
//!
//! ```sh
//! UPDATE_DOCS=1 cargo test -p okr-core --test reference_doc
//! ```

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use serde_json::{Map, Value};
use std::fmt::Write as _;
use std::path::PathBuf;

const INTRO: &str = "\
<!-- Generated from the JSON Schema (okr_core::json_schema) by
     okr-core/tests/reference_doc.rs: do not edit by hand. Regenerate with
     `UPDATE_DOCS=1 cargo test -p okr-core --test reference_doc`. -->

# Format reference

Every key a document may hold, record by record, with its type, whether it is required
and what it means. The same structure is written in YAML, JSON or TOML, with snake_case
keys; dates are `YYYY-MM-DD` (TOML may also use native dates). Any other key is a load
error that names the closest known key, except inside `extra`, which holds free-form
key/values and is kept unchanged when the document is saved again. What the values mean
for scores is in [Scoring and rollup](scoring.md); what `okr check` says about them is in
the [rule catalogue](rules.md).
";

/// The record definitions in the order a reader meets them.
const RECORDS: &[&str] = &[
    "Cycle",
    "Team",
    "Person",
    "Theme",
    "Initiative",
    "Objective",
    "Link",
    "Override",
    "KeyResult",
    "Milestone",
    "CheckIn",
];

/// Rustdoc links and type names read as plain text.
fn prose(text: &str) -> String {
    let one_line = text
        .split("\n\n")
        .next()
        .unwrap_or("")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    // Section numbers of the specification mean nothing to a reader of the guide, and
    // `None` is Rust's word for a key that is not written.
    let mut plain = String::new();
    let mut rest = one_line.as_str();
    while let Some(i) = rest.find(" (SPEC §") {
        plain.push_str(&rest[..i]);
        rest = rest[i..].split_once(')').map_or("", |(_, after)| after);
    }
    plain.push_str(rest);
    plain
        .replace("SPEC §3a: ", "")
        .replace(" (SPEC §3a)", "")
        .replace("`None` means", "not set means")
        .replace("`None` =", "not set:")
        .replace("[`", "`")
        .replace("`]", "`")
        .replace('|', "\\|")
}

fn description(schema: &Value) -> String {
    schema
        .get("description")
        .and_then(Value::as_str)
        .map(prose)
        .unwrap_or_default()
}

/// The name of a `$ref`'s definition.
fn ref_name(schema: &Value) -> Option<&str> {
    schema.get("$ref")?.as_str()?.strip_prefix("#/$defs/")
}

/// A definition's type in words: an id kind, an enum's spellings, a record's name.
fn type_of(schema: &Value, defs: &Map<String, Value>) -> String {
    if let Some(name) = ref_name(schema) {
        let def = &defs[name];
        if let Some(kind) = name.strip_suffix("Id") {
            let kind = words(kind);
            let article = if kind.starts_with(['a', 'e', 'i', 'o', 'u']) {
                "an"
            } else {
                "a"
            };
            return format!("id of {article} {kind}");
        }
        if let Some(choices) = def.get("oneOf").and_then(Value::as_array) {
            if choices.iter().all(|c| c.get("const").is_some()) {
                let names: Vec<String> = choices
                    .iter()
                    .map(|c| format!("`{}`", c["const"].as_str().unwrap_or("")))
                    .collect();
                return names.join(" \\| ");
            }
        }
        if name == "Value" {
            return "number or boolean".into();
        }
        if name == "Link" {
            return "[link](#link)".into();
        }
        return format!("[{}](#{})", words(name), name.to_lowercase());
    }
    if let Some(c) = schema.get("const") {
        return format!("`{}`", c.as_str().unwrap_or(""));
    }
    for key in ["anyOf", "oneOf"] {
        if let Some(options) = schema.get(key).and_then(Value::as_array) {
            let kinds: Vec<String> = options
                .iter()
                .filter(|o| o.get("type") != Some(&Value::from("null")))
                .map(|o| type_of(o, defs))
                .collect();
            return kinds.join(" or ");
        }
    }
    let types: Vec<&str> = match schema.get("type") {
        Some(Value::String(t)) => vec![t.as_str()],
        Some(Value::Array(ts)) => ts
            .iter()
            .filter_map(Value::as_str)
            .filter(|t| *t != "null")
            .collect(),
        _ => vec![],
    };
    let format = schema.get("format").and_then(Value::as_str);
    match (types.first().copied(), format) {
        (Some("string"), Some("date")) => "date".into(),
        (Some("string"), _) => "text".into(),
        (Some("integer"), _) => "integer".into(),
        (Some("number"), _) => "number".into(),
        (Some("boolean"), _) => "boolean".into(),
        (Some("array"), _) => {
            let item = schema
                .get("items")
                .map_or_else(|| "values".into(), |i| type_of(i, defs));
            format!("list of {item}")
        }
        (Some("object"), _) => match schema.get("additionalProperties") {
            Some(Value::Bool(true)) | None => "mapping".into(),
            Some(values) => format!("mapping of date → {}", type_of(values, defs)),
        },
        _ => "any".into(),
    }
}

/// `KeyResult` → `key result`.
fn words(name: &str) -> String {
    let mut out = String::new();
    for (i, c) in name.chars().enumerate() {
        if c.is_uppercase() && i > 0 {
            out.push(' ');
        }
        out.extend(c.to_lowercase());
    }
    out
}

fn default_of(schema: &Value) -> String {
    match schema.get("default") {
        Some(Value::Object(m)) if m.is_empty() => String::new(),
        Some(Value::Array(a)) if a.is_empty() => String::new(),
        Some(v) => format!(" (default `{v}`)"),
        None => String::new(),
    }
}

fn fields_table(out: &mut String, record: &Value, defs: &Map<String, Value>) {
    let required: Vec<&str> = record
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    out.push_str("| key | type | | meaning |\n|---|---|---|---|\n");
    let Some(props) = record.get("properties").and_then(Value::as_object) else {
        return;
    };
    for (key, schema) in props {
        let _ = writeln!(
            out,
            "| `{key}` | {} | {} | {}{} |",
            type_of(schema, defs),
            if required.contains(&key.as_str()) {
                "required"
            } else {
                "optional"
            },
            description(schema),
            default_of(schema)
        );
    }
}

fn render() -> String {
    let schema: Value = serde_json::from_str(&okr_core::json_schema()).unwrap();
    let defs = schema["$defs"].as_object().unwrap();
    let mut out = String::from(INTRO);
    out.push_str("\n## Document\n\n");
    let _ = writeln!(out, "{}\n", description(&schema));
    fields_table(&mut out, &schema, defs);
    for &name in RECORDS {
        let def = &defs[name];
        let _ = writeln!(out, "\n## {}\n", capitalised(&words(name)));
        if def.get("description").is_some() {
            let _ = writeln!(out, "{}\n", description(def));
        }
        if name == "Link" {
            // A link is a bare parent id or a mapping.
            let object = def["anyOf"]
                .as_array()
                .unwrap()
                .iter()
                .filter_map(|o| ref_name(o).map(|n| &defs[n]))
                .find(|d| d.get("properties").is_some())
                .unwrap();
            out.push_str(
                "Written as the parent objective's id alone (weight 1, contributing), or as \
                 a mapping:\n\n",
            );
            fields_table(&mut out, object, defs);
            continue;
        }
        fields_table(&mut out, def, defs);
        if let Some(kinds) = def.get("oneOf").and_then(Value::as_array) {
            out.push_str("\nThe `kind` selects further keys, written beside the ones above:\n");
            for kind in kinds {
                let k = kind["properties"]["kind"]["const"].as_str().unwrap_or("");
                let _ = writeln!(out, "\n### `kind: {k}`\n\n{}\n", description(kind));
                let mut fields = kind.clone();
                fields["properties"].as_object_mut().unwrap().remove("kind");
                if fields["properties"].as_object().unwrap().is_empty() {
                    out.push_str("No further keys.\n");
                } else {
                    fields_table(&mut out, &fields, defs);
                }
            }
        }
    }
    out.push_str(
        "\n## Spellings\n\nThe values that a key with a fixed set of spellings takes:\n\n",
    );
    out.push_str("| of | spelling | meaning |\n|---|---|---|\n");
    for (name, def) in defs {
        let Some(choices) = def.get("oneOf").and_then(Value::as_array) else {
            continue;
        };
        if !choices.iter().all(|c| c.get("const").is_some()) {
            continue;
        }
        for c in choices {
            let _ = writeln!(
                out,
                "| {} | `{}` | {} |",
                words(name),
                c["const"].as_str().unwrap_or(""),
                description(c)
            );
        }
    }
    out
}

fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

#[test]
fn the_format_reference_is_generated_from_the_schema() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../docs/src/format.md");
    let page = render();
    if std::env::var_os("UPDATE_DOCS").is_some() {
        std::fs::write(&path, &page).unwrap();
    }
    let on_disk = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        on_disk == page,
        "docs/src/format.md is out of date: run `UPDATE_DOCS=1 cargo test -p okr-core --test reference_doc`"
    );
}

#[test]
fn the_reference_names_every_key_of_every_record() {
    // Independent of the renderer: every property name anywhere in the schema appears as
    // a `key` cell of the page.
    fn keys(v: &Value, out: &mut Vec<String>) {
        match v {
            Value::Object(m) => {
                if let Some(Value::Object(props)) = m.get("properties") {
                    out.extend(props.keys().cloned());
                }
                m.values().for_each(|x| keys(x, out));
            }
            Value::Array(a) => a.iter().for_each(|x| keys(x, out)),
            _ => {}
        }
    }
    let schema: Value = serde_json::from_str(&okr_core::json_schema()).unwrap();
    let mut all = Vec::new();
    keys(&schema, &mut all);
    let page = render();
    for key in all.iter().filter(|k| *k != "kind") {
        assert!(page.contains(&format!("| `{key}` |")), "`{key}` is missing");
    }
    for spelling in [
        "auto",
        "key_results",
        "children",
        "blend",
        "manual",
        "at_least",
        "committed",
    ] {
        assert!(
            page.contains(&format!("`{spelling}`")),
            "`{spelling}` is missing"
        );
    }
}
