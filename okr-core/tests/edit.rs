//! Edits in place (SPEC §9): byte-exact results on hand-written files in every format,
//! refusals that leave the file untouched, the `okr check-in` / `okr override` commands,
//! atomic writes and concurrent edits.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use chrono::NaiveDate;
use okr_core::edit::{apply, apply_to_file, Edit, EditError, MilestoneRef};
use okr_core::{CheckIn, Document, Format};
use std::path::{Path, PathBuf};
use std::process::Command;

fn shared() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/edit")
}

fn read(name: &str) -> String {
    std::fs::read_to_string(shared().join(name)).unwrap()
}

fn format_of(name: &str) -> Format {
    Format::from_path(name).unwrap()
}

fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// A temporary folder, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(tag: &str) -> TempDir {
        let dir = std::env::temp_dir().join(format!("okr-edit-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }
    fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Every case of the shared fixture list (also read by the Python and JS tests): the edit
/// gives exactly the hand-written expected file, or is refused with the message.
#[test]
fn shared_cases_give_the_hand_written_texts() {
    let cases: serde_json::Value = serde_json::from_str(&read("cases.json")).unwrap();
    let cases = cases.as_array().unwrap();
    assert_eq!(cases.len(), 24);
    for case in cases {
        let file = case["file"].as_str().unwrap();
        let edit = Edit::from_json(&case["edit"].to_string()).unwrap();
        let got = apply(&read(file), format_of(file), &edit);
        match (case.get("expected"), case.get("refused")) {
            (Some(expected), None) => {
                let expected = read(expected.as_str().unwrap());
                assert_eq!(got.unwrap(), expected, "{case}");
            }
            (None, Some(message)) => {
                assert_eq!(
                    got.unwrap_err().to_string(),
                    message.as_str().unwrap(),
                    "{case}"
                );
            }
            _ => panic!("bad case {case}"),
        }
    }
}

fn check_in(kr: &str, day: &str, value: f64) -> Edit {
    Edit::CheckIn {
        key_result: kr.into(),
        check_in: CheckIn::new(date(day), value),
    }
}

const SMALL: &str = "version: 1\nobjectives:\n- id: o\n  title: O\n  cycle: c\n  level: team\n  key_results:\n  - id: kr\n    title: KR\n    kind: metric\n    start: 0\n    target: 10";

#[test]
fn indentless_lists_and_no_final_newline() {
    // The key_results list is indentless (its `-` under the key), the file ends without a
    // newline: the new list is indentless too, and the file still ends without one.
    let got = apply(SMALL, Format::Yaml, &check_in("kr", "2021-08-01", 1.5)).unwrap();
    assert_eq!(
        got,
        format!("{SMALL}\n    check_ins:\n    - date: 2021-08-01\n      value: 1.5")
    );
    let again = apply(&got, Format::Yaml, &check_in("kr", "2021-08-08", -2.0)).unwrap();
    assert_eq!(
        again,
        format!("{got}\n    - date: 2021-08-08\n      value: -2")
    );
}

#[test]
fn dates_are_quoted_when_the_last_entry_quotes_its_own() {
    let yaml = format!("{SMALL}\n    check_ins:\n    - {{date: '2021-08-01', value: 1}}\n");
    let got = apply(&yaml, Format::Yaml, &check_in("kr", "2021-08-08", 2.0)).unwrap();
    assert_eq!(
        got,
        format!("{yaml}    - {{date: \"2021-08-08\", value: 2}}\n")
    );
    let toml = "version = 1\n[[objectives]]\nid = \"o\"\ntitle = \"O\"\ncycle = \"c\"\nlevel = \"team\"\n[[objectives.key_results]]\nid = \"kr\"\ntitle = \"KR\"\nkind = \"metric\"\nstart = 0\ntarget = 10\ncheck_ins = [\n  {date = \"2021-08-01\", value = 1},\n]\n";
    let got = apply(toml, Format::Toml, &check_in("kr", "2021-08-08", 2.0)).unwrap();
    assert_eq!(
        got,
        toml.replace(
            "value = 1},\n]",
            "value = 1},\n  {date = \"2021-08-08\", value = 2},\n]"
        )
    );
}

#[test]
fn notes_are_quoted_so_that_every_format_reads_them_back() {
    let edit = Edit::CheckIn {
        key_result: "kr".into(),
        check_in: CheckIn {
            note: Some("a \"quote\", a \\ and\na new line: # not a comment".into()),
            ..CheckIn::new(date("2021-08-01"), 3.0)
        },
    };
    let got = apply(SMALL, Format::Yaml, &edit).unwrap();
    assert_eq!(
        got,
        format!("{SMALL}\n    check_ins:\n    - date: 2021-08-01\n      value: 3\n      note: \"a \\\"quote\\\", a \\\\ and\\na new line: # not a comment\"")
    );
    let json = "{\"version\": 1, \"objectives\": [{\"id\": \"o\", \"title\": \"O\", \"cycle\": \"c\", \"level\": \"team\", \"key_results\": [{\"id\": \"kr\", \"title\": \"KR\", \"kind\": \"binary\", \"check_ins\": []}]}]}";
    let edit = Edit::CheckIn {
        key_result: "kr".into(),
        check_in: CheckIn {
            note: Some("tab\there\u{7f}".into()),
            ..CheckIn::new(date("2021-08-01"), true)
        },
    };
    let got = apply(json, Format::Json, &edit).unwrap();
    assert_eq!(
        got,
        json.replace(
            "\"check_ins\": []",
            "\"check_ins\": [{\"date\": \"2021-08-01\", \"value\": true, \"note\": \"tab\\there\\u007F\"}]"
        )
    );
}

#[test]
fn the_document_side_matches_the_text_side() {
    let text = read("block.yaml");
    let edit = Edit::MilestoneDone {
        key_result: "talks".into(),
        milestone: MilestoneRef::Index(0),
        date: date("2021-08-20"),
    };
    let mut doc = Document::from_str(&text, Format::Yaml).unwrap();
    edit.apply_to(&mut doc).unwrap();
    let new = apply(&text, Format::Yaml, &edit).unwrap();
    assert_eq!(Document::from_str(&new, Format::Yaml).unwrap(), doc);
    assert_eq!(
        new,
        text.replace(
            "          - title: onion architecture talk\n",
            "          - title: onion architecture talk\n            done: 2021-08-20\n"
        )
    );
}

#[test]
fn unknown_ids_and_milestones_suggest_the_closest() {
    let text = read("block.yaml");
    let e = apply(
        &text,
        Format::Yaml,
        &check_in("pipeline-minuts", "2021-09-01", 1.0),
    )
    .unwrap_err();
    assert_eq!(
        e.to_string(),
        "no key result `pipeline-minuts`: did you mean `pipeline-minutes`?"
    );
    let e = apply(&text, Format::Yaml, &check_in("zzz", "2021-09-01", 1.0)).unwrap_err();
    assert_eq!(e.to_string(), "no key result `zzz`");
    let o = Edit::Override {
        objective: "tools-leverag".into(),
        r#override: okr_core::Override {
            score: 0.5,
            date: date("2021-10-01"),
            reason: None,
            extra: Default::default(),
        },
    };
    let e = apply(&text, Format::Yaml, &o).unwrap_err();
    assert_eq!(
        e.to_string(),
        "no objective `tools-leverag`: did you mean `tools-leverage`?"
    );
    let m = Edit::MilestoneDone {
        key_result: "talks".into(),
        milestone: MilestoneRef::Title("contract test POC".into()),
        date: date("2021-09-01"),
    };
    let e = apply(&text, Format::Yaml, &m).unwrap_err();
    assert_eq!(
        e.to_string(),
        "key result `talks` has no milestone `contract test POC`: did you mean `contract tests POC`?"
    );
    let m = Edit::MilestoneDone {
        key_result: "talks".into(),
        milestone: MilestoneRef::Index(2),
        date: date("2021-09-01"),
    };
    let e = apply(&text, Format::Yaml, &m).unwrap_err();
    assert_eq!(
        e.to_string(),
        "key result `talks` has no milestone at index `2` (it has 2, counted from 0)"
    );
    let e = apply(&text, Format::Yaml, &check_in("talks", "2021-09-01", 1.0)).unwrap_err();
    assert!(
        e.to_string()
            .starts_with("key result `talks` is made of milestones"),
        "{e}"
    );
}

#[test]
fn multi_document_yaml_is_refused() {
    let text = format!("{SMALL}\n---\nversion: 1\n");
    let e = apply(&text, Format::Yaml, &check_in("kr", "2021-09-01", 1.0)).unwrap_err();
    assert!(matches!(e, EditError::Load(_)), "{e}");
}

#[test]
fn refusals_leave_the_file_untouched() {
    let dir = TempDir::new("refuse");
    let file = dir.path("okrs.yaml");
    let text = read("refused.yaml");
    std::fs::write(&file, &text).unwrap();
    for kr in ["shared-a", "shared-b", "nope"] {
        assert!(apply_to_file(&file, &check_in(kr, "2021-09-01", 1.0)).is_err());
        assert_eq!(std::fs::read_to_string(&file).unwrap(), text);
    }
}

#[test]
fn a_failing_write_leaves_the_old_file() {
    let dir = TempDir::new("atomic");
    let file = dir.path("okrs.yaml");
    std::fs::write(&file, SMALL).unwrap();
    // Every name the temporary file could take (`.NAME.PID-N.okr-tmp`, N counting the
    // process's writes, 100 tries) is taken by a folder, so the write cannot even start.
    let taken: Vec<_> = (0..5000)
        .map(|n| dir.path(&format!(".okrs.yaml.{}-{n}.okr-tmp", std::process::id())))
        .collect();
    for t in &taken {
        std::fs::create_dir(t).unwrap();
    }
    let e = apply_to_file(&file, &check_in("kr", "2021-09-01", 1.0)).unwrap_err();
    assert!(e.to_string().starts_with("cannot write `"), "{e}");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), SMALL);
    for t in &taken {
        std::fs::remove_dir(t).unwrap();
    }
    apply_to_file(&file, &check_in("kr", "2021-09-01", 1.0)).unwrap();
    assert!(std::fs::read_to_string(&file)
        .unwrap()
        .ends_with("value: 1"));
}

fn okr() -> Command {
    Command::new(env!("CARGO_BIN_EXE_okr"))
}

#[test]
fn cli_check_in_override_and_done() {
    let dir = TempDir::new("cli");
    let file = dir.path("okrs.yaml");
    let text = read("block.yaml");
    std::fs::write(&file, &text).unwrap();
    let out = okr()
        .args(["check-in"])
        .arg(&file)
        .args([
            "pipeline-minutes",
            "24",
            "--date",
            "2021-09-01",
            "--confidence",
            "0.7",
            "--note",
            "cache warmed",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        read("block.check-in.yaml")
    );

    std::fs::write(&file, &text).unwrap();
    let out = okr()
        .args(["check-in"])
        .arg(&file)
        .args([
            "talks",
            "--done",
            "contract tests POC",
            "--date",
            "2021-09-10",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        read("block.done.yaml")
    );

    std::fs::write(&file, &text).unwrap();
    let out = okr()
        .args(["override"])
        .arg(&file)
        .args([
            "tools-leverage",
            "0.5",
            "--date",
            "2021-10-01",
            "--reason",
            "vendor delay",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        read("block.override.yaml")
    );
}

#[test]
fn cli_refusals_exit_2_and_write_nothing() {
    let dir = TempDir::new("cli-refuse");
    let file = dir.path("okrs.yaml");
    let text = read("block.yaml");
    std::fs::write(&file, &text).unwrap();
    let name = file.display().to_string();
    let cases: [(&[&str], String); 5] = [
        (
            &["check-in", &name, "pipeline-minuts", "3"],
            format!("{name}: error: no key result `pipeline-minuts`: did you mean `pipeline-minutes`?\n"),
        ),
        (
            &["check-in", &name, "pipeline-minutes", "fast"],
            "error: `fast` is not a value a check-in can take: write a number, or `true` or `false` for a binary key result\n".into(),
        ),
        (
            &["check-in", &name, "pipeline-minutes", "true"],
            format!("{name}: error: key result `pipeline-minutes` is a metric key result: its check-ins take a number, not `true`\n"),
        ),
        (
            &["check-in", &name, "pipeline-minutes", "3", "--confidence", "80"],
            format!("{name}: error: the confidence `80` is outside 0..=1: write it as a share, e.g. `0.8`\n"),
        ),
        (
            &["override", &name, "tools-leverag", "0.5"],
            format!("{name}: error: no objective `tools-leverag`: did you mean `tools-leverage`?\n"),
        ),
    ];
    for (args, stderr) in cases {
        let out = okr().args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert_eq!(String::from_utf8_lossy(&out.stderr), stderr, "{args:?}");
        assert_eq!(std::fs::read_to_string(&file).unwrap(), text);
    }
}

#[test]
fn cli_help_has_an_example_per_command() {
    for (cmd, example) in [
        ("check-in", "okr check-in okrs.yaml pipeline-minutes 24"),
        ("check-in", "--done"),
        ("override", "okr override okrs.yaml tools-leverage 0.5"),
    ] {
        let out = okr().args([cmd, "--help"]).output().unwrap();
        assert!(
            String::from_utf8_lossy(&out.stdout).contains(example),
            "{cmd}"
        );
    }
}

/// Twenty `okr check-in` processes on one file at once: every check-in lands, the file
/// loads, and nothing else changed.
#[test]
fn concurrent_check_ins_are_all_kept() {
    let dir = TempDir::new("concurrent");
    let file = dir.path("okrs.yaml");
    std::fs::write(&file, SMALL).unwrap();
    let children: Vec<_> = (1..=20)
        .map(|day| {
            okr()
                .arg("check-in")
                .arg(&file)
                .args([
                    "kr",
                    &day.to_string(),
                    "--date",
                    &format!("2021-08-{day:02}"),
                ])
                .stdout(std::process::Stdio::null())
                .spawn()
                .unwrap()
        })
        .collect();
    for mut c in children {
        assert!(c.wait().unwrap().success());
    }
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.starts_with(SMALL));
    let doc = Document::from_str(&text, Format::Yaml).unwrap();
    let mut days: Vec<u32> = doc.objectives[0].key_results[0]
        .check_ins
        .iter()
        .map(|c| {
            assert_eq!(c.value.as_f64(), f64::from(chrono::Datelike::day(&c.date)));
            chrono::Datelike::day(&c.date)
        })
        .collect();
    days.sort_unstable();
    assert_eq!(days, (1..=20).collect::<Vec<_>>());
}
