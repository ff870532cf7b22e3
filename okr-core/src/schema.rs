//! The JSON Schema of documents, generated from the Rust types.

/// The JSON Schema (draft 2020-12) of OKR documents, for editor autocompletion and
/// validation, pretty-printed.
///
/// ```
/// let schema = okr_core::json_schema();
/// assert!(schema.contains("\"objectives\""));
/// ```
pub fn json_schema() -> String {
    let mut schema = schemars::schema_for!(crate::model::Document);
    schema.insert(
        "$id".into(),
        "https://okr-cascade.dev/schema/okr.schema.json".into(),
    );
    let mut text = serde_json::to_string_pretty(&schema).unwrap_or_default();
    text.push('\n');
    text
}
