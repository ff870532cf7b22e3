//! `okr import` and `okr export --sheet` as a user runs them, on the fixtures of
//! tests/import/.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use okr_core::Document;
use std::path::{Path, PathBuf};
use std::process::Command;

fn okr() -> Command {
    Command::new(env!("CARGO_BIN_EXE_okr"))
}

fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/import")
        .join(rel)
}

struct TempDir(PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn tempdir(name: &str) -> TempDir {
    let dir = std::env::temp_dir().join(format!("okr-cli-import-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    TempDir(dir)
}

#[test]
fn import_csv_writes_the_document_then_the_summary_and_the_findings() {
    let dir = tempdir("csv");
    let out_path = dir.0.join("okrs.yaml");
    let out = okr()
        .args(["import", "csv"])
        .arg(fixture("csv/rows.csv"))
        .arg(fixture("csv/rows_checkins.csv"))
        .args(["--as-of", "2026-03-15", "-o"])
        .arg(&out_path)
        .output()
        .unwrap();
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(out.stdout.is_empty());
    let doc = Document::from_path(&out_path).unwrap();
    assert_eq!(
        doc,
        Document::from_path(fixture("csv/rows.expected.yaml")).unwrap()
    );
    assert!(
        err.starts_with(
            "read: 2 cycles, 8 objectives, 16 key results, 23 check-ins, 5 teams, 7 people\n"
        ),
        "{err}"
    );
    assert!(
        err.contains("kept in `extra`: `Jira` (3), `Description` (2), `author` (9)\n"),
        "{err}"
    );
    assert!(err.contains("  row 17: empty row\n"), "{err}");
    // The findings of `okr check`, at their lines in the written file.
    let name = out_path.display().to_string();
    assert!(err.contains(&format!("{name}: 0 errors, ")), "{err}");
    assert!(
        err.contains(&format!("{name}:")) && err.contains("warning[stale_check_in]"),
        "{err}"
    );
}

#[test]
fn import_without_output_prints_yaml_on_stdout() {
    let out = okr()
        .args(["import", "gitlab"])
        .arg(fixture("gitlab/work_items.json"))
        .args(["--as-of", "2026-03-31"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let doc = Document::from_str(&text, okr_core::Format::Yaml).unwrap();
    assert_eq!(
        doc,
        Document::from_path(fixture("gitlab/work_items.expected.yaml")).unwrap()
    );
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("skipped 2:"), "{err}");
    assert!(err.contains("<stdout>: "), "{err}");
}

#[test]
fn import_viva_goals_folder_to_json() {
    let dir = tempdir("viva");
    let out_path = dir.0.join("okrs.json");
    let out = okr()
        .args(["import", "viva-goals"])
        .arg(fixture("viva_goals/export"))
        .args(["--as-of", "2025-03-31", "-o"])
        .arg(&out_path)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(&out_path).unwrap();
    assert!(text.starts_with("{\n"));
    let doc = Document::from_path(&out_path).unwrap();
    assert_eq!(
        doc,
        Document::from_path(fixture("viva_goals/export.expected.yaml")).unwrap()
    );
}

#[test]
fn bad_input_exits_2_with_every_problem_at_its_row_and_column() {
    let file = fixture("csv/broken.csv");
    let out = okr().args(["import", "csv"]).arg(&file).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let err = String::from_utf8(out.stderr).unwrap();
    let name = file.display().to_string();
    for line in [
        format!("{name}:3:4: error: parent: unknown parent `ghost`: no objective row has this id"),
        format!("{name}:4:1: error: id: id `a` is already used in row 2"),
        format!("{name}:8:6: error: start: `ten` is not a number"),
        format!("error: could not load `{name}`: 9 problems"),
    ] {
        assert!(err.contains(&line), "{line}\n---\n{err}");
    }
    // Problems of the check-ins file are told at that file.
    let dir = tempdir("ci");
    let ci = dir.0.join("checkins.csv");
    std::fs::write(&ci, "key_result,date,value\nkr-arr,2026-01-31,ten\n").unwrap();
    let out = okr()
        .args(["import", "csv"])
        .arg(fixture("csv/rows.csv"))
        .arg(&ci)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains(&format!(
            "{}:2:3: error: value: `ten` is not a number",
            ci.display()
        )),
        "{err}"
    );
}

#[test]
fn export_sheet_then_import_gives_the_document_back() {
    let dir = tempdir("sheet");
    let sheet = dir.0.join("okrs.csv");
    let out = okr()
        .arg("export")
        .arg(fixture("csv/repeated.expected.yaml"))
        .arg("--sheet")
        .arg("-o")
        .arg(&sheet)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let back = dir.0.join("back.yaml");
    let out = okr()
        .args(["import", "csv"])
        .arg(&sheet)
        .args(["--as-of", "2026-03-15", "-o"])
        .arg(&back)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Every key result of this document has one check-in: the sheet holds all of it.
    assert_eq!(
        Document::from_path(&back).unwrap(),
        Document::from_path(fixture("csv/repeated.expected.yaml")).unwrap()
    );
}

#[test]
fn help_shows_examples_and_bad_arguments_exit_2() {
    let out = okr().args(["import", "--help"]).output().unwrap();
    let help = String::from_utf8(out.stdout).unwrap();
    assert!(
        help.contains("okr import csv okrs.csv -o okrs.yaml"),
        "{help}"
    );
    assert!(help.contains("--fiscal-year-start"), "{help}");
    let out = okr()
        .args(["import", "csv", "x.csv", "--map", "title"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = okr()
        .args(["import", "gitlab", "a.json", "b.json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("only `okr import csv` takes a second input")
    );
}
