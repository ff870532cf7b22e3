//! The JSON Schema: generated from the types, checked in, and accepting every shipped
//! document while rejecting typos.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use okr_core::{json_schema, Format, SourceMap};
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn validator() -> jsonschema::Validator {
    let schema: serde_json::Value = serde_json::from_str(&json_schema()).unwrap();
    jsonschema::draft202012::new(&schema).unwrap()
}

#[test]
fn the_checked_in_schema_matches_the_types() {
    let path = root().join("schema/okr.schema.json");
    let on_disk = std::fs::read_to_string(&path).unwrap();
    assert!(
        on_disk == json_schema(),
        "schema/okr.schema.json is out of date: run `cargo run -p okr-core --features cli --bin okr -- schema > schema/okr.schema.json`"
    );
}

fn documents() -> Vec<PathBuf> {
    let mut out = Vec::new();
    for dir in ["examples", "tests/fixtures/score"] {
        for e in std::fs::read_dir(root().join(dir)).unwrap() {
            let p = e.unwrap().path();
            if Format::from_path(&p).is_some() && !p.to_string_lossy().ends_with(".expected.json") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

#[test]
fn every_example_and_fixture_validates_against_the_schema() {
    let v = validator();
    let docs = documents();
    assert!(docs.len() >= 9);
    for p in docs {
        let value = SourceMap::from_path(&p).unwrap().to_json();
        let errors: Vec<String> = v
            .iter_errors(&value)
            .map(|e| format!("{e} at {}", e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{}: {errors:#?}", p.display());
    }
}

#[test]
fn the_schema_rejects_typos_and_wrong_types() {
    let v = validator();
    let bad = [
        "version: 1\nobjectives: [{id: o, title: T, cycle: c, level: team, key_results: [{id: k, title: K, kind: metric, start: 0, target: 1, wieght: 2}]}]\n",
        "version: 1\nobjectives: [{id: o, title: T, cycle: c, level: team, key_results: [], owner: ana}]\n",
        "version: 2\nobjectives: []\n",
        "version: 1\nobjectives: [{id: o, title: T, cycle: c, level: team, key_results: [{id: k, title: K, kind: binary, target: 3}]}]\n",
        "version: 1\nobjectives: [{id: o, title: T, cycle: c, level: team, aligns_to: [{objective: p, wieght: 2}], key_results: []}]\n",
    ];
    for text in bad {
        let value = SourceMap::from_str(text, Format::Yaml).unwrap().to_json();
        assert!(!v.is_valid(&value), "accepted: {text}");
    }
    let good = "version: 1\nobjectives: [{id: o, title: T, cycle: c, level: team, aligns_to: [p, {objective: q, weight: 2}], key_results: [{id: k, title: K, kind: binary}]}]\n";
    assert!(v.is_valid(&SourceMap::from_str(good, Format::Yaml).unwrap().to_json()));
}
