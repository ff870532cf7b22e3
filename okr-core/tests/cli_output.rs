//! Where the `okr` tool writes: a reader that goes away (`okr tree … | head`) ends the
//! command quietly; a full disk (`> /dev/full`, `-o /dev/full`) is a clear error with exit
//! status 2; files are replaced atomically, leaving their neighbours and symbolic links be.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::io::{BufRead as _, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};

fn okr() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_okr"));
    c.current_dir(root()).env("NO_COLOR", "1");
    c
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// A folder of its own for each test, removed at the end.
struct TempDir(PathBuf);

impl TempDir {
    fn new(tag: &str) -> TempDir {
        static N: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "okr-cli-output-{tag}-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }

    fn join(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }

    fn names(&self) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(&self.0)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A small organisation of my own, with a mistake `check` reports as an error
/// (`zero_range`) and an info (`person_without_objectives`).
const ORG: &str = "\
version: 1
cycles: [{id: 2026-H1, start: 2026-01-01, end: 2026-06-30}]
teams: [{id: build}]
people: [{id: ana, team: build}, {id: ben, team: build}]
objectives:
  - id: faster-builds      # the team's objective
    title: Faster builds
    cycle: 2026-H1
    level: team
    team: build
    owners: [ana]
    initiatives: [ci-cache]
    key_results:
      - {id: build-minutes, title: Cut build minutes, kind: metric, start: 30, target: 30}
";

/// Every command that prints to standard output, with its arguments (the document last).
fn printing_commands(doc: &str) -> Vec<Vec<String>> {
    let args = |a: &[&str]| a.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
    vec![
        args(&["score", "--as-of", "2026-03-01", doc]),
        args(&["score", "--format", "json", "--as-of", "2026-03-01", doc]),
        args(&["check", "--as-of", "2026-03-01", doc]),
        args(&["check", "--format", "json", "--as-of", "2026-03-01", doc]),
        args(&["tree", "--as-of", "2026-03-01", doc]),
        args(&[
            "export",
            "--table",
            "objectives",
            "--as-of",
            "2026-03-01",
            doc,
        ]),
        args(&["report", "--as-of", "2026-03-01", doc]),
        args(&["schema"]),
        args(&["generate", "--objectives", "50"]),
    ]
}

/// The exit status each command has when its output is read in full.
fn normal_status(args: &[String]) -> i32 {
    let out = okr().args(args).output().unwrap();
    out.status.code().unwrap()
}

#[test]
fn a_reader_that_goes_away_ends_every_command_quietly() {
    let dir = TempDir::new("pipe");
    let doc = dir.join("org.yaml");
    std::fs::write(&doc, ORG).unwrap();
    let doc = doc.display().to_string();
    for args in printing_commands(&doc) {
        // The reader is gone before the command writes a byte: every write fails.
        let mut child = okr()
            .args(&args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert_eq!(stderr, "", "{args:?}");
        assert_eq!(
            out.status.code(),
            Some(normal_status(&args)),
            "{args:?}: the exit status is the one of a full read"
        );
    }
    // `check` of this organisation finds an error: 1, pipe or not.
    assert_eq!(normal_status(&printing_commands(&doc)[2]), 1);
}

#[test]
fn okr_tree_into_head_reads_one_line_and_the_rest_is_dropped_quietly() {
    let dir = TempDir::new("head");
    let big = dir.join("big.yaml");
    let made = okr()
        .args(["generate", "--objectives", "4000", "-o"])
        .arg(&big)
        .output()
        .unwrap();
    assert_eq!(made.status.code(), Some(0));
    for command in ["tree", "score", "check"] {
        let mut child = okr()
            .args([command, "--as-of", "2026-03-01"])
            .arg(&big)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // Far more than a pipe holds, so the command is still writing when `head` leaves.
        let mut first = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut first)
            .unwrap();
        assert!(!first.is_empty(), "{command}");
        let out = child.wait_with_output().unwrap();
        assert_eq!(String::from_utf8(out.stderr).unwrap(), "", "{command}");
        assert!(
            matches!(out.status.code(), Some(0 | 1)),
            "{command}: {:?}",
            out.status
        );
    }
}

#[cfg(target_os = "linux")]
#[test]
fn a_full_standard_output_is_an_error_with_exit_status_2() {
    let dir = TempDir::new("full");
    let doc = dir.join("org.yaml");
    std::fs::write(&doc, ORG).unwrap();
    let doc = doc.display().to_string();
    for args in printing_commands(&doc) {
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap();
        let out = okr().args(&args).stdout(full).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert_eq!(
            String::from_utf8(out.stderr).unwrap(),
            "error: cannot write to standard output: No space left on device (os error 28)\n",
            "{args:?}"
        );
    }
}

#[cfg(target_os = "linux")]
#[test]
fn writing_a_file_on_a_full_disk_is_an_error_with_exit_status_2() {
    let dir = TempDir::new("full-o");
    let doc = dir.join("org.yaml");
    std::fs::write(&doc, ORG).unwrap();
    let doc = doc.display().to_string();
    for args in [
        vec!["export", "--table", "objectives", doc.as_str()],
        vec!["report", doc.as_str()],
        vec!["generate", "--objectives", "5", "--format", "yaml"],
    ] {
        let out = okr()
            .args(&args)
            .args(["-o", "/dev/full"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert_eq!(
            String::from_utf8(out.stderr).unwrap(),
            "error: cannot write `/dev/full`: No space left on device (os error 28)\n",
            "{args:?}"
        );
        assert!(out.stdout.is_empty());
    }
}

#[test]
fn files_beside_the_output_are_left_alone() {
    let dir = TempDir::new("beside");
    let doc = dir.join("org.yaml");
    std::fs::write(&doc, ORG).unwrap();
    std::fs::write(dir.join("table.csv.gz"), "archive").unwrap();
    std::fs::write(dir.join("table.okr-tmp"), "someone's notes").unwrap();
    std::fs::write(dir.join("table.csv"), "old").unwrap();
    let out = okr()
        .args([
            "export",
            "--table",
            "objectives",
            "--as-of",
            "2026-03-01",
            "-o",
        ])
        .arg(dir.join("table.csv"))
        .arg(&doc)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let table = std::fs::read_to_string(dir.join("table.csv")).unwrap();
    assert!(table.starts_with("id,"), "{table}");
    assert_eq!(
        std::fs::read_to_string(dir.join("table.csv.gz")).unwrap(),
        "archive"
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("table.okr-tmp")).unwrap(),
        "someone's notes"
    );
    assert_eq!(
        dir.names(),
        ["org.yaml", "table.csv", "table.csv.gz", "table.okr-tmp"]
    );
}

#[cfg(unix)]
#[test]
fn convert_writes_through_a_symbolic_link_and_keeps_it() {
    let dir = TempDir::new("link");
    let doc = dir.join("org.yaml");
    std::fs::write(&doc, ORG).unwrap();
    std::fs::create_dir(dir.join("shared")).unwrap();
    std::fs::write(dir.join("shared/org.json"), "{}").unwrap();
    std::os::unix::fs::symlink("shared/org.json", dir.join("org.json")).unwrap();
    let out = okr()
        .arg("convert")
        .arg(&doc)
        .arg("-o")
        .arg(dir.join("org.json"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let link = std::fs::symlink_metadata(dir.join("org.json")).unwrap();
    assert!(link.file_type().is_symlink());
    let json = std::fs::read_to_string(dir.join("shared/org.json")).unwrap();
    assert!(json.contains("\"id\": \"faster-builds\""), "{json}");
}

#[test]
fn convert_keeps_whole_numbers_whole_and_says_it_drops_comments() {
    let dir = TempDir::new("convert");
    let doc = dir.join("org.yaml");
    std::fs::write(&doc, ORG).unwrap();
    for ext in ["json", "yaml", "toml"] {
        let target = dir.join(&format!("copy.{ext}"));
        let out = okr()
            .arg("convert")
            .arg(&doc)
            .arg("-o")
            .arg(&target)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{out:?}");
        assert_eq!(
            String::from_utf8(out.stderr).unwrap(),
            format!(
                "note: the comments of `{}` are not converted (only the data is); to keep them, edit the file in place with `okr check-in` or `okr override`\n",
                doc.display()
            )
        );
        let text = std::fs::read_to_string(&target).unwrap();
        // `start: 30` in the source: an integer in every format, never `30.0`.
        assert!(!text.contains("30.0"), "{ext}: {text}");
        let start = match ext {
            "json" => "\"start\": 30,",
            "yaml" => "start: 30\n",
            _ => "start = 30\n",
        };
        assert!(text.contains(start), "{ext}: {text}");
    }
    // A source without comments converts without a note.
    let out = okr()
        .arg("convert")
        .arg(dir.join("copy.json"))
        .arg("-o")
        .arg(dir.join("again.yaml"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(String::from_utf8(out.stderr).unwrap(), "");
}

#[cfg(not(feature = "arrow"))]
#[test]
fn parquet_without_the_arrow_feature_says_how_to_get_it() {
    let out = okr()
        .args([
            "export",
            "--table",
            "objectives",
            "--format",
            "parquet",
            "tests/fixtures/small.yaml",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        "error: `--format parquet` needs the `arrow` feature, which this build of `okr` lacks: install it with `cargo install okr-core --features cli,arrow`, or use `--format csv` or `json`\n"
    );
    assert!(out.stdout.is_empty());
}
