//! `okr_core::diff` and `okr diff` (SPEC §9) on the hand-worked fixtures of tests/diff/.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use chrono::NaiveDate;
use okr_core::{diff, AsOf, Document, Policy, Scorecard};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/diff")
}

fn card(file: &str, date: NaiveDate) -> Scorecard {
    let doc = Document::from_path(dir().join(file)).unwrap();
    let policy = Policy::from_path(dir().join("policy.yaml")).unwrap();
    Scorecard::new(doc, AsOf::Date(date), policy)
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// `actual` matches `expected`: numbers within 1e-9, objects on the keys `expected` has.
fn matches(actual: &Value, expected: &Value, at: &str) {
    match (actual, expected) {
        (Value::Number(a), Value::Number(b)) => {
            let (a, b) = (a.as_f64().unwrap(), b.as_f64().unwrap());
            assert!((a - b).abs() < 1e-9, "{at}: {a} ≠ {b}");
        }
        (Value::Array(a), Value::Array(b)) => {
            assert_eq!(a.len(), b.len(), "{at}: {actual} against {expected}");
            for (i, (x, y)) in a.iter().zip(b).enumerate() {
                matches(x, y, &format!("{at}[{i}]"));
            }
        }
        (Value::Object(a), Value::Object(b)) => {
            for (k, y) in b {
                let x = a
                    .get(k)
                    .unwrap_or_else(|| panic!("{at}: no `{k}` in {actual}"));
                matches(x, y, &format!("{at}.{k}"));
            }
        }
        _ => assert_eq!(actual, expected, "{at}"),
    }
}

fn expected() -> Value {
    serde_json::from_str(&std::fs::read_to_string(dir().join("expected.json")).unwrap()).unwrap()
}

#[test]
fn every_change_kind_between_two_files() {
    let d = diff(
        &card("before.yaml", day(2022, 1, 15)),
        &card("after.yaml", day(2022, 1, 15)),
    );
    let v = serde_json::to_value(&d).unwrap();
    matches(&v, &expected(), "$");
    // The entries have exactly the keys of SPEC §9.
    let keys = |x: &Value| -> Vec<String> { x.as_object().unwrap().keys().cloned().collect() };
    let mut k = keys(&v["objectives"][0]);
    k.sort();
    assert_eq!(k, ["after", "before", "change", "id"]);
    let mut k = keys(&v["key_results"][0]);
    k.sort();
    assert_eq!(k, ["after", "before", "change", "check_ins_added", "id"]);
    let mut k = keys(&v["alignments"][0]);
    k.sort();
    assert_eq!(k, ["change", "child", "parent"]);
    assert_eq!(v["findings"]["new"][0]["message"], "`fresh` has no owner");
}

#[test]
fn the_text_form_is_grouped() {
    let d = diff(
        &card("before.yaml", day(2022, 1, 15)),
        &card("after.yaml", day(2022, 1, 15)),
    );
    let text = d.to_text();
    assert!(
        text.starts_with("as of 2022-01-15 → 2022-01-15\n"),
        "{text}"
    );
    assert!(
        text.contains("\nobjectives changed:\n  top    1.00 → 0.67  on_track → at_risk  forecast 1.00 → 0.67\n"),
        "{text}"
    );
    assert!(
        text.contains(
            "  t1     1.00 → 0.33  on_track → off_track  forecast 1.00 → 0.33  (+2 check-ins)\n"
        ),
        "{text}"
    );
    assert!(
        text.contains("\nkey results added:\n  t2     1.00  on_track  (+1 check-in)\n"),
        "{text}"
    );
    assert!(
        text.contains("\nobjectives removed:\n  gone   0.00  off_track\n"),
        "{text}"
    );
    assert!(
        text.contains("  child → top  reweighted: weight 1 → weight 2\n"),
        "{text}"
    );
    assert!(text.contains("  child → steady  removed\n"), "{text}");
    assert!(
        text.contains("\nnew findings:\n  warning[no_owner]: `fresh` has no owner\n"),
        "{text}"
    );
    assert!(
        text.contains("\nresolved findings:\n  warning[no_owner]: `gone` has no owner\n"),
        "{text}"
    );
}

#[test]
fn one_document_at_two_dates_counts_the_check_ins_between() {
    // after.yaml as of 2021-09-10 against 2022-01-15. t1 then held 1 of 2 check-ins (0.5,
    // at risk), t2 had no check-in (0, before its due date: expected 0, on track); top =
    // (0.5 + 0) / 2 = 0.25 against expected (1 + 0) / 2 = 0.5: ratio 0.5, at risk.
    let d = diff(
        &card("after.yaml", day(2021, 9, 10)),
        &card("after.yaml", day(2022, 1, 15)),
    );
    let v = serde_json::to_value(&d).unwrap();
    matches(
        &v,
        &serde_json::json!({
            "before": {"as_of": "2021-09-10"},
            "after": {"as_of": "2022-01-15"},
            "objectives": [{"id": "top", "change": "changed",
                "before": {"score": 0.25, "status": "at_risk", "forecast": 0.25},
                "after": {"score": 0.6666666666666666, "status": "at_risk",
                          "forecast": 0.6666666666666666}}],
            "key_results": [
                {"id": "t1", "change": "changed",
                 "before": {"score": 0.5, "status": "at_risk", "forecast": 0.5},
                 "after": {"score": 0.3333333333333333, "status": "off_track",
                           "forecast": 0.3333333333333333},
                 "check_ins_added": 1},
                {"id": "t2", "change": "changed",
                 "before": {"score": 0.0, "status": "on_track", "forecast": 0.0},
                 "after": {"score": 1.0, "status": "on_track", "forecast": 1.0},
                 "check_ins_added": 1}],
            "alignments": [],
            "findings": {"new": [], "resolved": []}
        }),
        "$",
    );
}

#[test]
fn no_change_says_so() {
    let a = card("after.yaml", day(2022, 1, 15));
    let d = diff(&a, &a);
    assert!(d.is_empty());
    assert_eq!(d.to_text(), "as of 2022-01-15 → 2022-01-15\nno changes\n");
}

fn okr() -> Command {
    Command::new(env!("CARGO_BIN_EXE_okr"))
}

fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
        .args(args)
        .output()
        .unwrap();
    assert!(out.status.success(), "git {args:?}: {out:?}");
}

/// A temporary folder, removed when dropped.
struct TempDir(PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[test]
fn cli_reads_a_git_revision_with_rev_colon_path() {
    let tmp = std::env::temp_dir().join(format!("okr-diff-git-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&tmp);
    std::fs::create_dir_all(tmp.join("okrs")).unwrap();
    let tmp = TempDir(tmp);
    let repo = &tmp.0;
    git(repo, &["init", "-q"]);
    let file = repo.join("okrs/okrs.yaml");
    std::fs::copy(dir().join("before.yaml"), &file).unwrap();
    git(repo, &["add", "."]);
    git(repo, &["commit", "-q", "-m", "before"]);
    std::fs::copy(dir().join("after.yaml"), &file).unwrap();
    git(repo, &["commit", "-q", "-a", "-m", "after"]);
    std::fs::copy(dir().join("before.yaml"), &file).unwrap(); // the work tree is older
    let out = okr()
        .current_dir(repo.join("okrs"))
        .args([
            "diff",
            "HEAD~1:okrs.yaml",
            "HEAD:okrs.yaml",
            "--as-of",
            "2022-01-15",
            "--format",
            "json",
            "--policy",
        ])
        .arg(dir().join("policy.yaml"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    matches(&v, &expected(), "$");
    // A path that exists wins over the revision syntax; an unknown revision is exit 2.
    let out = okr()
        .current_dir(repo.join("okrs"))
        .args([
            "diff",
            "okrs.yaml",
            "HEAD:okrs.yaml",
            "--as-of",
            "2022-01-15",
        ])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("objectives added:\n  fresh"), "{text}");
    let out = okr()
        .current_dir(repo.join("okrs"))
        .args(["diff", "nope~9:okrs.yaml", "okrs.yaml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("cannot read `okrs.yaml` at revision `nope~9`"),
        "{err}"
    );
}

#[test]
fn cli_since_compares_one_file_at_two_dates() {
    let out = okr()
        .arg("diff")
        .arg(dir().join("after.yaml"))
        .args(["--since", "2021-09-10", "--as-of", "2022-01-15"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.starts_with("as of 2021-09-10 → 2022-01-15\n"),
        "{text}"
    );
    assert!(text.contains("(+1 check-in)"), "{text}");
    let out = okr()
        .arg("diff")
        .arg(dir().join("after.yaml"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}
