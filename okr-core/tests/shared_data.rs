//! The shipped example and the cross-language fixtures through the `okr` binary: SPEC §8
//! output shapes, and the example in every format.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use okr_core::Document;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

fn okr() -> Command {
    Command::new(env!("CARGO_BIN_EXE_okr"))
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

#[test]
fn score_json_matches_every_fixture_exactly_in_shape_and_value() {
    let dir = root().join("tests/fixtures/score");
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "yaml") {
            continue;
        }
        let want: Value = serde_json::from_str(
            &std::fs::read_to_string(path.with_extension("expected.json")).unwrap(),
        )
        .unwrap();
        let out = okr()
            .args(["score", "--format", "json", "--as-of"])
            .arg(want["as_of"].as_str().unwrap())
            .arg(&path)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}: {}",
            path.display(),
            String::from_utf8_lossy(&out.stderr)
        );
        let got: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(got["as_of"], want["as_of"]);
        for table in ["objectives", "key_results"] {
            let (g, w) = (
                got[table].as_array().unwrap(),
                want[table].as_array().unwrap(),
            );
            assert_eq!(g.len(), w.len(), "{}: {table}", path.display());
            for (g, w) in g.iter().zip(w) {
                let (go, wo) = (g.as_object().unwrap(), w.as_object().unwrap());
                let gk: Vec<_> = go.keys().collect();
                let wk: Vec<_> = wo.keys().collect();
                assert_eq!(gk, wk, "{}: keys and their order", path.display());
                for (k, wv) in wo {
                    let gv = &go[k];
                    match (gv, wv) {
                        (Value::Number(a), Value::Number(b)) => assert!(
                            (a.as_f64().unwrap() - b.as_f64().unwrap()).abs() <= 1e-9,
                            "{}: {k} {a} vs {b}",
                            path.display()
                        ),
                        _ => assert_eq!(gv, wv, "{}: {k}", path.display()),
                    }
                }
            }
        }
        n += 1;
    }
    assert!(n >= 40);
}

#[test]
fn tree_shows_every_objective_of_the_example_with_a_bar() {
    let example = root().join("examples/engineering-2021-h2.yaml");
    let doc = Document::from_path(&example).unwrap();
    let out = okr()
        .args(["tree", "--as-of", "2021-11-15"])
        .arg(&example)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    for o in &doc.objectives {
        assert!(
            text.contains(o.id.as_str()),
            "{} missing from the tree",
            o.id
        );
    }
    assert!(text.contains('[') && text.contains('|'));
    let out = okr()
        .args(["tree", "--cycle", "no-such-cycle"])
        .arg(&example)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn the_example_is_the_same_model_in_yaml_json_and_toml() {
    let dir = root().join("examples");
    let yaml = Document::from_path(dir.join("engineering-2021-h2.yaml")).unwrap();
    let json = Document::from_path(dir.join("engineering-2021-h2.json")).unwrap();
    let toml = Document::from_path(dir.join("engineering-2021-h2.toml")).unwrap();
    assert_eq!(yaml, json);
    assert_eq!(yaml, toml);
    // A realistic org: every KR kind, a shared objective, a multi-parent objective.
    assert!(yaml.objectives.len() >= 15);
    let kinds: std::collections::BTreeSet<&str> =
        yaml.key_results().map(|(_, kr)| kr.kind.name()).collect();
    assert_eq!(kinds.len(), 5, "{kinds:?}");
    assert!(yaml.objectives.iter().any(|o| o.is_shared()));
    assert!(yaml.objectives.iter().any(|o| o.aligns_to.len() > 1));
}

#[test]
fn the_example_is_clean_as_of_2021_11_15() {
    let out = okr()
        .args(["check", "--as-of", "2021-11-15"])
        .arg(root().join("examples/engineering-2021-h2.yaml"))
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(text.ends_with("0 errors, 0 warnings, 0 infos\n"), "{text}");
}

#[test]
fn the_readme_console_excerpt_is_real_output() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let block = readme
        .split("```console\n")
        .nth(1)
        .unwrap()
        .split("```")
        .next()
        .unwrap();
    let mut lines = block.lines();
    let command = lines.next().unwrap().strip_prefix("$ okr ").unwrap();
    let out = okr()
        .current_dir(root())
        .args(command.split(' '))
        .output()
        .unwrap();
    let real = String::from_utf8(out.stdout).unwrap();
    for line in lines.filter(|l| *l != "...") {
        assert!(
            real.lines().any(|r| r == line),
            "not in the real output: {line}\n{real}"
        );
    }
}

#[test]
fn the_multi_cycle_example_spreads_scores_over_three_cycles() {
    let path = root().join("examples/engineering-2020-h2-to-2021-h2.yaml");
    let doc = Document::from_path(&path).unwrap();
    assert_eq!(doc.cycles.len(), 3);
    let findings = okr_core::validate(
        &doc,
        okr_core::AsOf::Date(chrono::NaiveDate::from_ymd_opt(2021, 11, 15).unwrap()),
        &okr_core::Policy::default(),
    );
    assert!(
        findings
            .iter()
            .all(|f| f.severity == okr_core::Severity::Info),
        "{findings:#?}"
    );
    let card = okr_core::Scorecard::new(
        doc,
        okr_core::AsOf::Today(chrono::NaiveDate::from_ymd_opt(2021, 11, 15).unwrap()),
        okr_core::Policy::default(),
    );
    let d = card.tables().distribution;
    assert_eq!(d.cycle.len(), 12);
    // The org got better at OKRs: the individual-level mean rises from the first cycle.
    let mean = |cycle: &str| {
        (0..12)
            .find(|&i| d.cycle[i] == cycle && d.level[i] == "individual")
            .and_then(|i| d.mean[i])
            .unwrap()
    };
    assert!(mean("2020-H2") < mean("2021-H1"));
}
