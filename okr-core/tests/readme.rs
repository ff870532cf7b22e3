//! The README's snippets work: its YAML document loads and scores. (Its Rust snippet is
//! compiled and run as a doctest of the crate.)

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use okr_core::{AsOf, Document, Format, Policy, Scorecard};

fn blocks(lang: &str) -> Vec<String> {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md")).unwrap();
    let fence = format!("```{lang}\n");
    readme
        .split(&fence)
        .skip(1)
        .map(|rest| rest.split("```").next().unwrap().to_owned())
        .collect()
}

#[test]
fn the_readme_yaml_document_loads_and_scores() {
    let docs: Vec<String> = blocks("yaml")
        .into_iter()
        .filter(|b| b.contains("\nobjectives:"))
        .collect();
    assert_eq!(docs.len(), 1);
    for text in docs {
        let doc = Document::from_str(&text, Format::Yaml).unwrap_or_else(|e| panic!("{e}"));
        let as_of = chrono::NaiveDate::from_ymd_opt(2021, 9, 1).unwrap();
        let card = Scorecard::new(doc, AsOf::Date(as_of), Policy::default());
        // (26 − 30) / (10 − 30) = 0.2, rolled up to the company objective.
        assert_eq!(card.objective("tools-leverage").unwrap().score, Some(0.2));
    }
}

#[test]
fn the_readme_policy_loads() {
    let policies: Vec<String> = blocks("yaml")
        .into_iter()
        .filter(|b| b.contains("severities:"))
        .collect();
    assert_eq!(policies.len(), 1);
    let p = okr_core::Policy::from_str(&policies[0], Format::Yaml).unwrap();
    assert_eq!((p.stale_days, p.max_objectives), (21, 3));
    assert_eq!(p.severities["sandbagging"], okr_core::SeverityLevel::Off);
}
