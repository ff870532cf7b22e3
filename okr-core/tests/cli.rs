//! The `okr` binary: SPEC §8 output shapes and exit codes.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::path::PathBuf;
use std::process::Command;

fn okr() -> Command {
    Command::new(env!("CARGO_BIN_EXE_okr"))
}

#[test]
fn load_errors_exit_2_and_print_every_problem_compiler_style() {
    let dir = tempdir();
    let file = dir.join("bad.yaml");
    std::fs::write(
        &file,
        "version: 1\nobjectives:\n  - id: a\n    titel: A\n    cycle: c\n    level: team\n    key_results: []\n  - id: b\n    title: B\n    cycle: c\n    level: team\n    key_results: 3\n",
    )
    .unwrap();
    let out = okr().arg("score").arg(&file).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    let name = file.display().to_string();
    assert!(
        err.contains(&format!(
            "{name}:4:5: error: objectives[0].titel: unknown field `titel`, did you mean `title`?"
        )),
        "{err}"
    );
    assert!(
        err.contains(&format!(
            "{name}:3:5: error: objectives[0].title: missing required field `title`"
        )),
        "{err}"
    );
    assert!(
        err.contains(&format!(
            "{name}:12:18: error: objectives[1].key_results: expected a list, found a number"
        )),
        "{err}"
    );
    assert!(err.contains("3 problems"), "{err}");
}

#[test]
fn usage_errors_exit_2() {
    let out = okr().args(["score"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = okr()
        .args(["score", "x.yaml", "--as-of", "2021-13-01"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = okr().args(["frobnicate"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn missing_file_exits_2_with_its_name() {
    let out = okr()
        .args(["score", "/nonexistent/okrs.yaml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("/nonexistent/okrs.yaml"));
}

#[test]
fn schema_prints_a_json_schema() {
    let out = okr().arg("schema").output().unwrap();
    assert!(out.status.success());
    let schema: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(schema["title"], "Document");
    assert!(schema["properties"]["objectives"].is_object());
}

fn tempdir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("okr-cli-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}
