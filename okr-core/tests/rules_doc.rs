//! The user guide's rule catalogue (`docs/src/rules.md`) is generated from
//! `okr_core::RULES`, so it cannot drift from the code: this test renders the page and
//! fails when the checked-in file differs. With `UPDATE_DOCS=1` in the environment it
//! rewrites the file instead:
//!
//! ```sh
//! UPDATE_DOCS=1 cargo test -p okr-core --test rules_doc
//! ```

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use okr_core::{Policy, Severity, RULES};
use std::path::PathBuf;

const INTRO: &str = "\
<!-- Generated from okr_core::RULES by okr-core/tests/rules_doc.rs: do not edit by hand.
     Regenerate with `UPDATE_DOCS=1 cargo test -p okr-core --test rules_doc`. -->

# Rule catalogue

`okr check` (and `validate` in Rust, Python and JavaScript) judges a document that loads
against the rules below and reports each problem as a *finding*: a stable snake_case
`code`, a `severity`, the ids involved (the entity the finding is about first), the path
in the document where known, a message and, usually, a hint on what to do. Findings are
data, never errors: a document with findings still loads and scores.

The severity is the rule's default until a policy changes it; a policy can also switch a
rule `off` (see [OKRs as code](ci.md)). `okr check` exits with status 1 when a finding
has severity `error`. Rules are listed in the order of `okr_core::RULES`, which is the
order in which `validate` returns findings (`okr check` sorts them by their position in
the file instead). Each row has an anchor, so `rules.md#side_project` links to its rule.
";

fn render() -> String {
    let mut out = String::from(INTRO);
    let count = |s: Severity| RULES.iter().filter(|r| r.default_severity == s).count();
    let policy = Policy::default();
    out.push_str(&format!(
        "\nThere are {} rules: {} errors, {} warnings and {} infos by default. The thresholds \
         that descriptions name are policy fields, by default `max_key_results` {}, \
         `max_objectives` {} and `stale_days` {}.\n\n",
        RULES.len(),
        count(Severity::Error),
        count(Severity::Warning),
        count(Severity::Info),
        policy.max_key_results,
        policy.max_objectives,
        policy.stale_days
    ));
    out.push_str("| code | default severity | fires when |\n|---|---|---|\n");
    for rule in RULES {
        out.push_str(&format!(
            "| <a id=\"{}\"></a>`{}` | {} | {} |\n",
            rule.code,
            rule.code,
            rule.default_severity.as_str(),
            rule.description.replace('|', "\\|")
        ));
    }
    out
}

fn page() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../docs/src/rules.md")
}

#[test]
fn rules_md_is_generated_from_the_rules_table() {
    let rendered = render();
    let path = page();
    if std::env::var_os("UPDATE_DOCS").is_some_and(|v| v == "1") {
        std::fs::write(&path, &rendered).unwrap();
        return;
    }
    let checked_in = std::fs::read_to_string(&path)
        .unwrap_or_default()
        .replace("\r\n", "\n");
    assert!(
        checked_in == rendered,
        "docs/src/rules.md is out of date with okr_core::RULES; regenerate it with\n  \
         UPDATE_DOCS=1 cargo test -p okr-core --test rules_doc\n\n--- rendered:\n{rendered}"
    );
}

#[test]
fn every_rule_appears_once_in_the_page() {
    let rendered = render();
    for rule in RULES {
        assert_eq!(
            rendered.matches(&format!("`{}` |", rule.code)).count(),
            1,
            "{}",
            rule.code
        );
    }
}
