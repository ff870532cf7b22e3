//! The user guide (`docs/`) is checked here, so that it cannot drift from the code:
//!
//! - every Rust example of the guide (a ```` ```rust,ignore ```` block, which `mdbook`
//!   does not compile) is mirrored by a test below, line for line;
//! - every `$ okr …` command in a ```` ```console ```` block is run (with the `cli`
//!   feature) and its output compared with the one shown (`...` stands for any lines);
//!   `$ echo $?` checks the exit status of the command before it;
//! - the walkthrough's `diff` blocks turn its draft into its final document;
//! - the documents in `docs/examples/` load, and the walkthrough's final one is clean.
//!
//! Paths in the guide are relative to the repository root, where these tests run.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::error::Error;
use std::path::{Path, PathBuf};

type Result = std::result::Result<(), Box<dyn Error>>;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .canonicalize()
        .unwrap()
}

/// The examples use paths relative to the repository root. Every test that needs it sets
/// the same directory, so tests running in parallel do not disturb each other.
fn at_root() {
    std::env::set_current_dir(root()).unwrap();
}

/// The guide's chapters: (file name, text).
fn chapters() -> Vec<(String, String)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(root().join("docs/src")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "md") {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            out.push((name, std::fs::read_to_string(&path).unwrap()));
        }
    }
    out.sort();
    assert!(out.len() >= 10, "chapters not found");
    out
}

/// Fenced blocks of a chapter whose info string is exactly `info`.
fn blocks(text: &str, info: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current: Option<String> = None;
    let mut inside_other = false;
    for line in text.lines() {
        if let Some(block) = current.as_mut() {
            if line.trim_end() == "```" {
                out.push(current.take().unwrap());
            } else {
                block.push_str(line);
                block.push('\n');
            }
        } else if let Some(rest) = line.strip_prefix("```") {
            if inside_other {
                inside_other = false;
            } else if rest.trim() == info {
                current = Some(String::new());
            } else {
                inside_other = true;
            }
        }
    }
    assert!(current.is_none(), "unclosed ```{info} block");
    out
}

fn significant_lines(text: &str) -> Vec<&str> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect()
}

// ---------------------------------------------------------------------------------------
// Rust examples: each block of the guide appears below, line for line (indentation aside)

#[test]
fn every_rust_example_of_the_guide_is_mirrored_by_a_test_here() {
    let here = include_str!("guide_examples.rs");
    let mine = significant_lines(here);
    let mut count = 0;
    for (chapter, text) in chapters() {
        let plain = blocks(&text, "rust");
        assert!(
            plain.is_empty(),
            "{chapter}: a ```rust block; write ```rust,ignore and mirror it here:\n{}",
            plain.join("\n")
        );
        for block in blocks(&text, "rust,ignore") {
            let lines = significant_lines(&block);
            assert!(!lines.is_empty());
            let found = mine.windows(lines.len()).any(|w| w == lines.as_slice());
            assert!(
                found,
                "{chapter}: this Rust example is not mirrored in okr-core/tests/guide_examples.rs:\n{block}"
            );
            count += 1;
        }
    }
    assert!(count >= 7, "only {count} Rust examples found");
}

#[test]
fn editing_check_in_from_a_script() -> Result {
    use chrono::NaiveDate;
    use okr_core::edit::{apply, Edit};
    use okr_core::{CheckIn, Format};

    let text = "version: 1\nobjectives:\n  - {id: o, title: O, cycle: c, level: team,\n     key_results: [{id: poc, title: POC, kind: binary}]}\n";
    let edit = Edit::CheckIn {
        key_result: "poc".into(),
        check_in: CheckIn::new(NaiveDate::from_ymd_opt(2021, 9, 1).ok_or("bad date")?, true),
    };
    let new = apply(text, Format::Yaml, &edit)?;
    assert!(new.ends_with("kind: binary, check_ins: [{date: 2021-09-01, value: true}]}]}\n"));
    // okr_core::edit::apply_to_file("okrs.yaml", &edit)?;  // locked, checked, atomic
    Ok(())
}

#[test]
fn rust_quick_start_load_check_and_score() -> Result {
    at_root();
    use chrono::NaiveDate;
    use okr_core::{validate, AsOf, Document, Policy, Scorecard, Status};

    let doc = Document::from_path("docs/examples/walkthrough.yaml")?;
    let review = NaiveDate::from_ymd_opt(2022, 6, 20).ok_or("invalid date")?;

    // The review before the cycle: no finding at all
    let findings = validate(&doc, AsOf::Date(review), &Policy::default());
    assert!(findings.is_empty());

    // Scores as of the same date; `None` means unscored
    let card = Scorecard::new(doc, AsOf::Date(review), Policy::default());
    for (objective, scores) in card.objectives() {
        println!(
            "{:<20} {:?} {:?}",
            objective.id.as_str(),
            scores.score,
            scores.status
        );
    }
    assert_eq!(
        card.objective("on-time").map(|s| s.status),
        Some(Status::OnTrack)
    );
    Ok(())
}

#[test]
fn rust_quick_start_check_in() -> Result {
    at_root();
    use chrono::NaiveDate;
    use okr_core::{AsOf, CheckIn, Document, Policy, Scorecard};

    let doc = Document::from_path("docs/examples/scoring-kinds.yaml")?;
    let as_of = NaiveDate::from_ymd_opt(2021, 9, 30).ok_or("invalid date")?;
    let mut card = Scorecard::new(doc, AsOf::Date(as_of), Policy::default());

    // Pipeline time down to 20 minutes: (20 − 30) / (10 − 30) = 0.5
    let rescored = card.check_in("pipeline-minutes", CheckIn::new(as_of, 20.0))?;
    assert_eq!(rescored, 1);
    let kr = card
        .key_result("pipeline-minutes")
        .ok_or("no such key result")?;
    assert_eq!(kr.score, Some(0.5));

    // The check-in is now part of the document, ready to be saved
    let doc = card.into_document();
    let (_, kr) = doc
        .key_results()
        .find(|(_, kr)| kr.id.as_str() == "pipeline-minutes")
        .ok_or("no such key result")?;
    assert_eq!(kr.check_ins.len(), 4);
    Ok(())
}

#[test]
fn rust_quick_start_load_errors() -> Result {
    at_root();
    use okr_core::Document;

    let err = Document::from_path("docs/examples/typo.yaml")
        .err()
        .ok_or("it loaded")?;
    for problem in &err.problems {
        println!("{problem}"); // 12:5: objectives[1].owner: unknown field `owner`, …
    }
    assert_eq!(err.problems.len(), 2);
    assert_eq!(err.problems[1].path, "objectives[1].aligns_to[0].wieght");
    Ok(())
}

#[test]
fn rust_quick_start_tables() -> Result {
    at_root();
    use chrono::NaiveDate;
    use okr_core::{to_csv, AsOf, Document, Policy, Scorecard};

    let doc = Document::from_path("docs/examples/walkthrough.yaml")?;
    let as_of = NaiveDate::from_ymd_opt(2022, 6, 20).ok_or("invalid date")?;
    let tables = Scorecard::new(doc, AsOf::Date(as_of), Policy::default()).tables();

    let people = &tables.people;
    let tomas = people
        .person
        .iter()
        .position(|p| p == "tomas")
        .ok_or("no tomas")?;
    assert_eq!(people.effort[tomas], 42.0); // 30 + 24 / 2
    assert_eq!(people.capacity[tomas], Some(52.0));

    let csv = to_csv(&tables.engagement);
    assert!(csv.starts_with("cycle,team,people,"));
    Ok(())
}

#[test]
fn scoring_the_same_from_rust() -> Result {
    at_root();
    use chrono::NaiveDate;
    use okr_core::{AsOf, Document, Policy, Scorecard, Status};

    let doc = Document::from_path("docs/examples/scoring-rollup.yaml")?;
    let as_of = NaiveDate::from_ymd_opt(2021, 9, 30).ok_or("invalid date")?;
    let card = Scorecard::new(doc, AsOf::Date(as_of), Policy::default());

    let score = |id: &str| card.objective(id).and_then(|s| s.score);
    let near = |x: Option<f64>, want: f64| x.is_some_and(|x| (x - want).abs() < 1e-9);
    assert!(near(score("area-a"), 0.575)); // 0.25 × 0.8 + 0.75 × (2 × 0.4 + 0.7) / 3
    assert!(near(score("area-b"), 0.65)); // (0.4 + 0.9) / 2
    assert!(near(score("grow"), 0.59375)); // (3 × 0.575 + 0.65) / 4
    assert_eq!(score("efficiency"), None); // nothing scored contributes to it
    assert_eq!(
        card.objective("team-w").map(|s| s.status),
        Some(Status::Unknown)
    );
    Ok(())
}

#[test]
fn ci_gates_of_your_own() -> Result {
    at_root();
    use chrono::NaiveDate;
    use okr_core::{validate, AsOf, Document, Policy, Severity};

    let policy = Policy::from_path("docs/examples/policy.yaml")?;
    let doc = Document::from_path("docs/examples/walkthrough-draft.yaml")?;
    let review = NaiveDate::from_ymd_opt(2022, 6, 20).ok_or("invalid date")?;
    let findings = validate(&doc, AsOf::Date(review), &policy);

    let errors: Vec<&str> = findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .map(|f| f.code.as_str())
        .collect();
    assert_eq!(errors, ["zero_range", "side_project"]);
    Ok(())
}

#[test]
fn ci_rules_table() -> Result {
    use okr_core::{rule, Severity, RULES};

    assert!(RULES.iter().any(|r| r.code == "over_capacity"));
    let side_project = rule("side_project").ok_or("no such rule")?;
    assert_eq!(side_project.default_severity, Severity::Warning);
    Ok(())
}

// ---------------------------------------------------------------------------------------
// The documents of docs/examples

#[test]
fn the_guide_documents_load_and_the_reviewed_walkthrough_is_clean() {
    use okr_core::{validate, AsOf, Document, Policy};
    let examples = root().join("docs/examples");
    let mut seen = 0;
    for entry in std::fs::read_dir(&examples).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let is_typo = name.contains("typo");
        if name.starts_with("policy") {
            assert_eq!(Policy::from_path(&path).is_ok(), !is_typo, "{name}");
        } else {
            assert_eq!(Document::from_path(&path).is_ok(), !is_typo, "{name}");
        }
        seen += 1;
    }
    assert!(seen >= 7);

    let review = AsOf::Date(chrono::NaiveDate::from_ymd_opt(2022, 6, 20).unwrap());
    let doc = Document::from_path(examples.join("walkthrough.yaml")).unwrap();
    assert_eq!(validate(&doc, review, &Policy::default()), vec![]);
    let draft = Document::from_path(examples.join("walkthrough-draft.yaml")).unwrap();
    let codes: Vec<String> = validate(&draft, review, &Policy::default())
        .into_iter()
        .map(|f| f.code)
        .collect();
    assert_eq!(
        codes,
        [
            "zero_range",
            "uncovered_objective",
            "no_key_results",
            "side_project",
            "over_capacity",
            "person_without_objectives",
            // Both team objectives have key results and contributing children in `auto`.
            "children_not_counted",
            "children_not_counted",
        ]
    );
}

/// The hand-computed numbers of the scoring chapter (also shown through `okr score`, which
/// the console test runs when the `cli` feature is on).
#[test]
fn the_scoring_chapter_numbers() {
    use okr_core::{AsOf, Document, Policy, Scorecard, Status};
    let as_of = AsOf::Date(chrono::NaiveDate::from_ymd_opt(2021, 9, 30).unwrap());
    let doc = Document::from_path(root().join("docs/examples/scoring-kinds.yaml")).unwrap();
    let card = Scorecard::new(doc, as_of, Policy::default());
    let near = |x: Option<f64>, want: f64| {
        assert!(x.is_some_and(|x| (x - want).abs() < 1e-9), "{x:?} ≠ {want}")
    };
    let kr = |id: &str| card.key_result(id).unwrap();
    near(kr("pipeline-minutes").progress, 0.3);
    near(kr("p99").score, 2.0 / 3.0);
    near(kr("poc").score, 1.0);
    near(kr("talks").score, 1.0 / 6.0);
    assert_eq!(kr("deploy-size").score, None);
    near(kr("pipeline-minutes").expected, 92.0 / 184.0);
    near(kr("talks").expected, 3.0 / 6.0);
    near(kr("poc").expected, 0.0);
    near(kr("pipeline-minutes").forecast, 0.3 + 107.0 * 0.15 / 31.0);
    assert_eq!(kr("pipeline-minutes").status, Status::AtRisk);
    assert_eq!(kr("talks").status, Status::OffTrack);
    let o = card.objective("release-faster").unwrap();
    near(o.score, (2.0 * 0.3 + 2.0 / 3.0 + 1.0 + 1.0 / 6.0) / 5.0);
    near(o.expected, 0.5);
    near(
        o.forecast,
        (2.0 * (0.3 + 107.0 * 0.15 / 31.0) + 2.0 / 3.0 + 1.0 + 1.0 / 6.0) / 5.0,
    );
    let cache = card.objective("warm-cache").unwrap();
    near(cache.progress, 1.3);
    near(cache.score, 1.0);

    // The walkthrough's planned metric: 92.5 % of the way from 91 to 96 on 2022-09-30
    let doc = Document::from_path(root().join("docs/examples/walkthrough.yaml")).unwrap();
    let sept = AsOf::Date(chrono::NaiveDate::from_ymd_opt(2022, 9, 30).unwrap());
    let card = Scorecard::new(doc, sept, Policy::default());
    near(card.key_result("on-time-rate").unwrap().expected, 0.3);
}

// ---------------------------------------------------------------------------------------
// The walkthrough's fixes

/// Applies every ```diff block of the walkthrough to the draft (each hunk's old text must
/// occur exactly once) and compares the result with the reviewed document.
#[test]
fn the_walkthrough_diffs_turn_the_draft_into_the_reviewed_document() {
    let examples = root().join("docs/examples");
    let (_, chapter) = chapters()
        .into_iter()
        .find(|(name, _)| name == "walkthrough.md")
        .unwrap();
    let mut draft = std::fs::read_to_string(examples.join("walkthrough-draft.yaml")).unwrap();
    let hunks = blocks(&chapter, "diff");
    assert_eq!(hunks.len(), 6);
    for hunk in hunks {
        let (mut old, mut new) = (String::new(), String::new());
        for line in hunk.lines() {
            let (mark, rest) = line.split_at(1);
            match mark {
                " " => {
                    old.push_str(rest);
                    old.push('\n');
                    new.push_str(rest);
                    new.push('\n');
                }
                "-" => {
                    old.push_str(rest);
                    old.push('\n');
                }
                "+" => {
                    new.push_str(rest);
                    new.push('\n');
                }
                _ => panic!("not a diff line: {line}"),
            }
        }
        assert_eq!(
            draft.matches(&old).count(),
            1,
            "hunk not found once:\n{old}"
        );
        draft = draft.replace(&old, &new);
    }
    let body = |text: &str| -> Vec<String> {
        let from = text.find("version: 1").unwrap();
        text[from..]
            .lines()
            .filter(|l| !l.trim().is_empty() && !l.contains("# ANCHOR"))
            .map(str::to_owned)
            .collect()
    };
    let reviewed = std::fs::read_to_string(examples.join("walkthrough.yaml")).unwrap();
    assert_eq!(body(&draft), body(&reviewed));
}

/// Every `{{#include file:anchor}}` of the guide names a file and an anchor that exist.
#[test]
fn every_include_of_the_guide_resolves() {
    let src = root().join("docs/src");
    let mut count = 0;
    for (chapter, text) in chapters() {
        for piece in text.split("{{#include ").skip(1) {
            let target = piece.split("}}").next().unwrap().trim();
            let (file, anchor) = match target.split_once(':') {
                Some((f, a)) => (f, Some(a)),
                None => (target, None),
            };
            let content = std::fs::read_to_string(src.join(file))
                .unwrap_or_else(|e| panic!("{chapter}: {file}: {e}"));
            if let Some(anchor) = anchor {
                assert!(
                    content.contains(&format!("ANCHOR: {anchor}\n"))
                        && content.contains(&format!("ANCHOR_END: {anchor}\n")),
                    "{chapter}: no anchor `{anchor}` in {file}"
                );
            }
            count += 1;
        }
    }
    assert!(count >= 5);
}

/// Links between chapters name existing chapters, and links into the rule catalogue name
/// existing rules (the catalogue has an anchor per rule code).
#[test]
fn links_between_chapters_resolve() {
    let chapters = chapters();
    let names: Vec<&str> = chapters.iter().map(|(n, _)| n.as_str()).collect();
    let mut count = 0;
    for (chapter, text) in &chapters {
        for piece in text.split("](").skip(1) {
            let target = piece.split(')').next().unwrap();
            if target.starts_with("http") || !target.contains(".md") {
                continue;
            }
            let (page, anchor) = target.split_once('#').unwrap_or((target, ""));
            assert!(
                names.contains(&page),
                "{chapter}: link to a missing chapter: {target}"
            );
            if page == "rules.md" && !anchor.is_empty() {
                assert!(
                    okr_core::rule(anchor).is_some(),
                    "{chapter}: link to a missing rule: {target}"
                );
            }
            count += 1;
        }
    }
    assert!(count >= 20, "only {count} links found");
}

// ---------------------------------------------------------------------------------------
// Console sessions: the commands are run and their output compared

/// Whether `actual` matches `expected`, where an expected line `...` matches any lines.
fn matches(expected: &[&str], actual: &[&str]) -> bool {
    match expected.split_first() {
        None => actual.is_empty(),
        Some((&"...", rest)) => (0..=actual.len()).any(|skip| matches(rest, &actual[skip..])),
        Some((line, rest)) => actual
            .split_first()
            .is_some_and(|(a, more)| a == line && matches(rest, more)),
    }
}

#[cfg(feature = "cli")]
#[test]
fn every_console_session_of_the_guide_is_real() {
    let mut commands = 0;
    for (chapter, text) in chapters() {
        for block in blocks(&text, "console") {
            // Split the block into (command, expected output lines).
            let mut sessions: Vec<(String, Vec<&str>)> = Vec::new();
            for line in block.lines() {
                if let Some(command) = line.strip_prefix("$ ") {
                    sessions.push((command.to_owned(), Vec::new()));
                } else {
                    let Some(last) = sessions.last_mut() else {
                        panic!("{chapter}: output before a command: {line}");
                    };
                    last.1.push(line);
                }
            }
            let mut status = None;
            for (command, expected) in sessions {
                if command == "echo $?" {
                    let want = expected.join("\n");
                    assert_eq!(
                        status.map(|s: i32| s.to_string()),
                        Some(want),
                        "{chapter}: exit status"
                    );
                    continue;
                }
                let args: Vec<&str> = command.split_whitespace().collect();
                assert_eq!(
                    args.first(),
                    Some(&"okr"),
                    "{chapter}: not an okr command: {command}"
                );
                assert!(
                    !command.contains(['"', '\'', '|', '>', '<', '$', '*']),
                    "{chapter}: the harness runs plain arguments only: {command}"
                );
                let out = std::process::Command::new(env!("CARGO_BIN_EXE_okr"))
                    .args(&args[1..])
                    .current_dir(root())
                    .env("NO_COLOR", "1")
                    .output()
                    .unwrap();
                status = out.status.code();
                let mut actual = String::from_utf8(out.stdout).unwrap();
                actual.push_str(&String::from_utf8(out.stderr).unwrap());
                let actual: Vec<&str> = actual.lines().collect();
                assert!(
                    matches(&expected, &actual),
                    "{chapter}: `{command}` printed\n{}\n--- but the guide shows\n{}",
                    actual.join("\n"),
                    expected.join("\n")
                );
                commands += 1;
            }
        }
    }
    assert!(commands >= 8, "only {commands} commands found");
}
