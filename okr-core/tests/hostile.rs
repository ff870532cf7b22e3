//! The adversarial corpus of `tests/hostile/` (shared with the Python and JS suites): each
//! case gives a clear load error or loads, scores, validates and tabulates without a panic
//! or a stack overflow.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use chrono::NaiveDate;
use okr_core::*;
use serde_json::Value as Json;
use std::path::{Path, PathBuf};

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/hostile")
}

/// head + repeat × count + tail, with {i}, {prev} and {next} in `repeat`.
fn generate(g: &Json) -> String {
    let head = g["head"].as_str().unwrap();
    let repeat = g["repeat"].as_str().unwrap();
    let tail = g["tail"].as_str().unwrap();
    let start = g["start"].as_u64().unwrap_or(0);
    let count = g["count"].as_u64().unwrap();
    let end = start + count;
    let templated = repeat.contains('{');
    let mut out = String::with_capacity(head.len() + tail.len() + repeat.len() * count as usize);
    out.push_str(head);
    for i in start..end {
        if templated {
            out.push_str(
                &repeat
                    .replace("{i}", &i.to_string())
                    .replace("{prev}", &i.wrapping_sub(1).to_string())
                    .replace("{next}", &((i + 1) % end).to_string()),
            );
        } else {
            out.push_str(repeat);
        }
    }
    out.push_str(tail);
    out
}

fn load(case: &Json) -> Result<Document, LoadError> {
    if let Some(file) = case["file"].as_str() {
        return Document::from_path(dir().join(file));
    }
    let format = Format::from_name(case["format"].as_str().unwrap()).unwrap();
    Document::from_str(&generate(&case["generate"]), format)
}

#[test]
fn every_hostile_case_behaves_as_written() {
    let manifest: Json =
        serde_json::from_str(&std::fs::read_to_string(dir().join("cases.json")).unwrap()).unwrap();
    let as_of = NaiveDate::parse_from_str(manifest["as_of"].as_str().unwrap(), "%Y-%m-%d").unwrap();
    let cases = manifest["cases"].as_array().unwrap();
    assert!(cases.len() >= 20);
    let mut failures = Vec::new();
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let started = std::time::Instant::now();
        match (case["expect"].as_str().unwrap(), load(case)) {
            ("error", Err(e)) => {
                let text = e.to_string();
                let want = case["message"].as_str().unwrap();
                if !text.contains(want) {
                    failures.push(format!("{name}: error without `{want}`: {text}"));
                }
                if e.problems.is_empty() {
                    failures.push(format!("{name}: an error with no problem"));
                }
            }
            ("error", Ok(_)) => failures.push(format!("{name}: loaded, expected an error")),
            ("ok", Err(e)) => failures.push(format!("{name}: {e}")),
            ("ok", Ok(doc)) => {
                if let Some(n) = case["objectives"].as_u64() {
                    if doc.objectives.len() as u64 != n {
                        failures.push(format!("{name}: {} objectives", doc.objectives.len()));
                    }
                }
                let card = Scorecard::new(doc, AsOf::Date(as_of), Policy::default());
                let findings = validate_scored(&card);
                for code in case["findings"].as_array().into_iter().flatten() {
                    let code = code.as_str().unwrap();
                    if !findings.iter().any(|f| f.code == code) {
                        failures.push(format!("{name}: no `{code}` finding"));
                    }
                }
                let tables = card.tables_with(&findings);
                for t in TABLE_NAMES {
                    let _ = to_csv(tables.get(t).unwrap());
                }
                let _ = card.render_tree(None);
                let _ = card.render_html(&findings);
            }
            (other, _) => failures.push(format!("{name}: unknown expectation `{other}`")),
        }
        // Reported, not asserted: timing belongs in the benches.
        eprintln!("{name}: {:.2?}", started.elapsed());
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
