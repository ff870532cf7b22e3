//! The cross-language scoring fixtures of `tests/fixtures/score/`: each document is scored
//! as of the date in its `.expected.json` and compared with the hand-computed values.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use chrono::NaiveDate;
use okr_core::{AsOf, Document, Policy, Scorecard, Scores};
use serde_json::Value;
use std::path::{Path, PathBuf};

fn fixtures() -> Vec<(PathBuf, PathBuf)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/score");
    let mut cases: Vec<_> = std::fs::read_dir(&dir)
        .expect("fixture directory")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .map(|p| {
            let expected = p.with_extension("expected.json");
            (p, expected)
        })
        .collect();
    cases.sort();
    cases
}

fn close(actual: Option<f64>, expected: &Value) -> bool {
    match (actual, expected) {
        (None, Value::Null) => true,
        (Some(a), Value::Number(n)) => n.as_f64().is_some_and(|e| (a - e).abs() <= 1e-9),
        _ => false,
    }
}

fn check(kind: &str, id: &str, s: &Scores, want: &Value, errors: &mut Vec<String>) {
    for (field, got) in [
        ("score", s.score),
        ("progress", s.progress),
        ("expected", s.expected),
        ("forecast", s.forecast),
    ] {
        let w = &want[field];
        if !close(got, w) {
            errors.push(format!("{kind} `{id}`.{field}: got {got:?}, want {w}"));
        }
    }
    if want["status"] != s.status.as_str() {
        errors.push(format!(
            "{kind} `{id}`.status: got {}, want {}",
            s.status.as_str(),
            want["status"]
        ));
    }
}

#[test]
fn every_score_fixture_matches_its_hand_computed_values() {
    let cases = fixtures();
    assert!(
        cases.len() >= 40,
        "expected the fixture set, found {}",
        cases.len()
    );
    let mut errors = Vec::new();
    for (doc_path, expected_path) in &cases {
        let name = doc_path.file_stem().unwrap().to_string_lossy().into_owned();
        let doc = Document::from_path(doc_path).unwrap_or_else(|e| panic!("{name}: {e}"));
        let want: Value = serde_json::from_str(&std::fs::read_to_string(expected_path).unwrap())
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let as_of = NaiveDate::parse_from_str(want["as_of"].as_str().unwrap(), "%Y-%m-%d").unwrap();
        let card = Scorecard::new(doc, AsOf::Date(as_of), Policy::default());
        let mut errs = Vec::new();
        let objectives: Vec<_> = card.objectives().collect();
        let wanted = want["objectives"].as_array().unwrap();
        assert_eq!(objectives.len(), wanted.len(), "{name}: objective count");
        for ((o, s), w) in objectives.iter().zip(wanted) {
            assert_eq!(w["id"], o.id.as_str(), "{name}: document order");
            check("objective", o.id.as_str(), s, w, &mut errs);
        }
        let krs: Vec<_> = card.key_results().collect();
        let wanted = want["key_results"].as_array().unwrap();
        assert_eq!(krs.len(), wanted.len(), "{name}: key result count");
        for ((o, kr, s), w) in krs.iter().zip(wanted) {
            assert_eq!(w["id"], kr.id.as_str(), "{name}: document order");
            assert_eq!(
                w["objective"],
                o.id.as_str(),
                "{name}: objective of `{}`",
                kr.id
            );
            check("key result", kr.id.as_str(), s, w, &mut errs);
        }
        errors.extend(errs.into_iter().map(|e| format!("{name}: {e}")));
    }
    assert!(
        errors.is_empty(),
        "{} mismatches:\n{}",
        errors.len(),
        errors.join("\n")
    );
}
