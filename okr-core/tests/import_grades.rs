//! `okr import csv --grade …`: grade sheets as grading teams keep them (SPEC §3a, §11), on
//! the shared fixtures tests/import/csv/grades.csv and grades_broken.csv (read by the
//! Python and JS suites too). Every expected value is worked out by hand in the comments.
//!
//! The sheet is 2026-Q2 (2026-04-01..2026-06-30), graded on 15 May (`Mid-Q`) and on
//! 30 June (`End-Q`):
//!
//! | objective | key result | Mid-Q | End-Q |
//! |---|---|---|---|
//! | make-checkout-fast | p95 | 0.4 | 0.8 |
//! | | edge | 0.5 | 0.6 |
//! | | legacy | 0.2 | 0.9 |
//! | make-checkout-reliable | error rate | 0.6 | 0.7 |
//! | | failover | 0.3 | 0.4 (projected 0.5) |
//! | | chaos drill | 0.0 | dropped 2026-05-20 |
//! | grow-repeat-purchases | wish list | 50% | 100% |
//! | | repeat | 0.3 | 0.5 |
//! | | win-back | 0.1 | 0.1 |
//! | team-health | onboarding | 0.5 | 1.0 |
//! | | handbook | — | 0.7 |
//! | | talk | — | 1.0 |
//!
//! Summary row: Mid-Q 3.4 / 10 = 0.34 (the ten graded on 15 May), End-Q 7.7 / 11 = 0.70.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use chrono::NaiveDate;
use okr_core::import::{self, grade_spec, ImportOptions};
use okr_core::{
    validate, AsOf, Document, KrKind, Link, ObjectiveId, Policy, RollupMode, Scorecard, Value,
};
use std::path::{Path, PathBuf};
use std::process::Command;

fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/import/csv")
        .join(rel)
}

fn text(rel: &str) -> String {
    std::fs::read_to_string(fixture(rel)).unwrap()
}

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn close(a: Option<f64>, b: f64) {
    let a = a.unwrap_or_else(|| panic!("expected {b}, found no value"));
    assert!((a - b).abs() < 1e-12, "expected {b}, found {a}");
}

/// The options of the guide's command: `--grade Mid-Q=2026-05-15 --grade End-Q=2026-06-30
/// --cycle 2026-Q2`.
fn options() -> ImportOptions {
    let mut o = ImportOptions::with_today(d(2026, 7, 1));
    o.grades = vec![
        ("Mid-Q".into(), d(2026, 5, 15)),
        ("End-Q".into(), d(2026, 6, 30)),
    ];
    o.cycle = Some("2026-Q2".into());
    o
}

fn imported(o: &ImportOptions) -> Document {
    import::csv(&text("grades.csv"), None, o)
        .unwrap_or_else(|e| panic!("{e}"))
        .document
}

/// The sheet's own summary row, `Summary,,MID,END,…`: what the import must reproduce.
fn summary_row() -> (f64, f64) {
    let t = text("grades.csv");
    let line = t.lines().find(|l| l.starts_with("Summary,")).unwrap();
    let cells: Vec<&str> = line.split(',').collect();
    (cells[2].parse().unwrap(), cells[3].parse().unwrap())
}

#[test]
fn sections_grades_projection_and_dropped_are_read() {
    let got = import::csv(&text("grades.csv"), None, &options()).unwrap();
    let doc = &got.document;
    assert_eq!(doc.cycles.len(), 1);
    assert_eq!(doc.cycles[0].id.as_str(), "2026-Q2");
    assert_eq!(
        (doc.cycles[0].start, doc.cycles[0].end),
        (d(2026, 4, 1), d(2026, 6, 30))
    );
    // Four section rows, each the objective of the three rows below it.
    let ids: Vec<(&str, usize)> = doc
        .objectives
        .iter()
        .map(|o| (o.id.as_str(), o.key_results.len()))
        .collect();
    assert_eq!(
        ids,
        [
            ("make-checkout-fast", 3),
            ("make-checkout-reliable", 3),
            ("grow-repeat-purchases", 3),
            ("team-health", 3)
        ]
    );
    assert_eq!(doc.objectives[0].title, "Make checkout fast");
    assert!(doc.objectives.iter().all(|o| o.cycle.as_str() == "2026-Q2"));
    assert!(doc.objectives.iter().all(|o| o.rollup.is_none()));
    // No kind, no target: graded.
    assert!(doc
        .key_results()
        .all(|(_, k)| matches!(k.kind, KrKind::Graded)));
    let kr = |o: usize, k: usize| &doc.objectives[o].key_results[k];
    let grades = |o: usize, k: usize| -> Vec<(NaiveDate, f64)> {
        kr(o, k)
            .check_ins
            .iter()
            .map(|c| (c.date, c.value.as_f64()))
            .collect()
    };
    assert_eq!(kr(0, 0).id.as_str(), "cut-p95-checkout-latency-to-300-ms");
    assert_eq!(kr(0, 0).owners[0].as_str(), "ana");
    assert_eq!(grades(0, 0), [(d(2026, 5, 15), 0.4), (d(2026, 6, 30), 0.8)]);
    // A status that does not drop it is kept under its header.
    assert_eq!(kr(0, 0).extra["Status"], "on track");
    assert_eq!(kr(0, 0).dropped, None);
    // The projection and the comment go with the latest grade (End-Q).
    let failover = &kr(1, 1).check_ins;
    assert_eq!(
        failover.iter().map(|c| c.projection).collect::<Vec<_>>(),
        [None, Some(0.5)]
    );
    assert_eq!(
        failover[1].note.as_deref(),
        Some("vendor contract signed in June")
    );
    // `dropped 2026-05-20`: dropped on that day; its mid-quarter 0.0 is a grade (not blank).
    assert_eq!(kr(1, 2).dropped, Some(d(2026, 5, 20)));
    assert_eq!(grades(1, 2), [(d(2026, 5, 15), 0.0)]);
    // `50%` and `100%` are 0.5 and 1.0.
    assert_eq!(grades(2, 0), [(d(2026, 5, 15), 0.5), (d(2026, 6, 30), 1.0)]);
    // A blank grade is no check-in, never 0.
    assert_eq!(grades(3, 1), [(d(2026, 6, 30), 0.7)]);
    assert_eq!(grades(3, 2), [(d(2026, 6, 30), 1.0)]);
    // 12 key results; check-ins: 2+2+2 + 2+2+1 + 2+2+2 + 2+1+1 = 21.
    assert_eq!(got.summary.read_count("key results"), 12);
    assert_eq!(got.summary.read_count("check-ins"), 21);
    assert_eq!(got.summary.read_count("people"), 6);
    let skipped: Vec<(&str, &str)> = got
        .summary
        .skipped
        .iter()
        .map(|s| (s.at.as_str(), s.reason.as_str()))
        .collect();
    assert_eq!(
        skipped,
        [("row 18", "empty row"), ("row 19", "summary row")]
    );
}

#[test]
fn each_objective_is_the_mean_of_its_graded_key_results() {
    let c = Scorecard::new(
        imported(&options()),
        AsOf::Date(d(2026, 6, 30)),
        Policy::default(),
    );
    let score = |id: &str| c.objective(id).unwrap().score;
    close(score("make-checkout-fast"), (0.8 + 0.6 + 0.9) / 3.0);
    // The drill is dropped: (0.7 + 0.4) / 2, not / 3.
    close(score("make-checkout-reliable"), (0.7 + 0.4) / 2.0);
    close(score("grow-repeat-purchases"), (1.0 + 0.5 + 0.1) / 3.0);
    close(score("team-health"), (1.0 + 0.7 + 1.0) / 3.0);
    // On 15 May the handbook and the talk are not graded yet: unscored, out of the mean.
    let c = Scorecard::new(
        imported(&options()),
        AsOf::Date(d(2026, 5, 15)),
        Policy::default(),
    );
    assert_eq!(
        c.key_result("write-the-on-call-handbook").unwrap().score,
        None
    );
    close(c.objective("team-health").unwrap().score, 0.5);
    // The drill counts until it is dropped (20 May): (0.6 + 0.3 + 0.0) / 3.
    close(
        c.objective("make-checkout-reliable").unwrap().score,
        0.9 / 3.0,
    );
}

#[test]
fn the_cycle_mean_is_the_summary_row() {
    let (mid, end) = summary_row();
    assert_eq!((mid, end), (0.34, 0.70));
    // The grades table's row of the whole cycle: 7.7 / 11 at the end, 3.4 / 10 on 15 May.
    for (as_of, want, hand) in [
        (d(2026, 6, 30), end, 7.7 / 11.0),
        (d(2026, 5, 15), mid, 3.4 / 10.0),
    ] {
        let c = Scorecard::new(imported(&options()), AsOf::Date(as_of), Policy::default());
        let g = c.tables().grades;
        assert_eq!(g.objective.last(), Some(&None));
        close(g.mean.last().copied().flatten(), want);
        close(g.mean.last().copied().flatten(), hand);
    }
    let c = Scorecard::new(
        imported(&options()),
        AsOf::Date(d(2026, 6, 30)),
        Policy::default(),
    );
    let g = c.tables().grades;
    assert_eq!(g.key_results, [3, 3, 3, 3, 12]);
    // Scored: graded and not dropped (the drill of make-checkout-reliable is dropped).
    assert_eq!(g.scored, [3, 2, 3, 3, 11]);
    assert_eq!(g.dropped, [0, 1, 0, 0, 1]);
}

#[test]
fn with_rollup_flat_an_objective_above_the_sheet_is_its_summary_row() {
    let mut o = options();
    o.rollup = Some(RollupMode::Flat);
    let mut doc = imported(&o);
    assert!(doc
        .objectives
        .iter()
        .all(|o| o.rollup == Some(RollupMode::Flat)));
    // The company objective every section aligns to.
    let mut top = doc.objectives[0].clone();
    top.id = ObjectiveId("company".into());
    top.title = "Checkout, Q2 (the summary row)".into();
    top.level = "company".into();
    top.key_results.clear();
    for sec in &mut doc.objectives {
        sec.aligns_to.push(Link::to("company"));
    }
    doc.objectives.insert(0, top);
    let (mid, end) = summary_row();
    let c = Scorecard::new(doc.clone(), AsOf::Date(d(2026, 6, 30)), Policy::default());
    close(c.objective("company").unwrap().score, end);
    // Flat, each section is still the mean of its own key results.
    close(c.objective("team-health").unwrap().score, 2.7 / 3.0);
    let c = Scorecard::new(doc.clone(), AsOf::Date(d(2026, 5, 15)), Policy::default());
    close(c.objective("company").unwrap().score, mid);
    // In `auto` it would be the mean of the four objectives instead:
    // (2.3/3 + 1.1/2 + 1.6/3 + 2.7/3) / 4 = 2.75 / 4 = 0.6875, not the sheet's 0.70.
    for o in &mut doc.objectives {
        o.rollup = None;
    }
    let c = Scorecard::new(doc, AsOf::Date(d(2026, 6, 30)), Policy::default());
    close(c.objective("company").unwrap().score, 0.6875);
}

#[test]
fn the_imported_sheet_is_clean_with_the_sheet_preset() {
    let doc = imported(&options());
    let findings = validate(
        &doc,
        AsOf::Date(d(2026, 6, 30)),
        &Policy::preset("sheet").unwrap(),
    );
    let codes: Vec<String> = findings
        .iter()
        .map(|f| format!("{} {}", f.code, f.message))
        .collect();
    assert_eq!(codes, Vec::<String>::new());
}

#[test]
fn a_broken_grade_sheet_names_every_problem_at_its_cell() {
    let mut o = options();
    o.grades.push(("Mid-Q3".into(), d(2026, 8, 14)));
    let err = import::csv(&text("grades_broken.csv"), None, &o).unwrap_err();
    let want: Vec<serde_json::Value> =
        serde_json::from_str(&text("grades_broken.expected.json")).unwrap();
    let mut want: Vec<(u32, u32, String, String)> = want
        .iter()
        .map(|p| {
            (
                p["row"].as_u64().unwrap() as u32,
                p["column"].as_u64().unwrap() as u32,
                p["header"].as_str().unwrap().to_owned(),
                p["message"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    want.sort();
    let mut got: Vec<(u32, u32, String, String)> = err
        .problems
        .iter()
        .map(|p| {
            (
                p.line.unwrap_or(0),
                p.column.unwrap_or(0),
                p.path.clone(),
                p.message.clone(),
            )
        })
        .collect();
    got.sort();
    assert_eq!(got, want);
}

#[test]
fn grade_specs_say_what_to_write() {
    assert_eq!(
        grade_spec(" End-Q = 2026-06-30 ").unwrap(),
        ("End-Q".to_owned(), d(2026, 6, 30))
    );
    // A header may hold `=`: the date follows the last one.
    assert_eq!(
        grade_spec("Grade=final=2026-06-30").unwrap(),
        ("Grade=final".to_owned(), d(2026, 6, 30))
    );
    assert_eq!(
        grade_spec("Mid-Q").unwrap_err(),
        "`--grade Mid-Q`: write `--grade \"HEADER=DATE\"`, the column's header and the date its grades are for, such as `--grade \"Mid-Q=2026-05-15\"`"
    );
    assert_eq!(
        grade_spec("=2026-05-15").unwrap_err(),
        "`--grade =2026-05-15`: no header before `=`: write the grade column's header, such as `--grade \"Mid-Q=2026-05-15\"`"
    );
    let bad = grade_spec("Mid-Q=2026-02-30").unwrap_err();
    assert!(bad.starts_with("`--grade Mid-Q=2026-02-30`: "), "{bad}");
    assert!(bad.contains("February 2026 has 28 days"), "{bad}");
    assert_eq!(
        grade_spec("Mid-Q=mid-may").unwrap_err(),
        "`--grade Mid-Q=mid-may`: `mid-may` is not a date: write `YYYY-MM-DD`"
    );
}

/// Blank grades, percentages and `status` without the grade options: an ordinary sheet is
/// read as before (no section rows, `status` kept in `extra`).
#[test]
fn without_grade_columns_a_sheet_is_not_a_grade_sheet() {
    let sheet = "id,type,title,parent,cycle,status\n\
                 o,objective,Grow,,2026-Q2,\n\
                 k,key_result,Sign-ups,o,,dropped\n";
    let mut o = ImportOptions::with_today(d(2026, 5, 1));
    let doc = import::csv(sheet, None, &o).unwrap().document;
    let k = &doc.objectives[0].key_results[0];
    assert_eq!(k.dropped, None);
    assert_eq!(k.extra["status"], "dropped");
    assert!(matches!(k.kind, KrKind::Binary));
    // With a grade column, the same `status` drops it on the latest grade date.
    let sheet = "id,type,title,parent,cycle,status,End\n\
                 o,objective,Grow,,2026-Q2,,\n\
                 k,key_result,Sign-ups,o,,dropped,0.2\n";
    o.grades = vec![("end".into(), d(2026, 6, 30))];
    let doc = import::csv(sheet, None, &o).unwrap().document;
    let k = &doc.objectives[0].key_results[0];
    assert_eq!(k.dropped, Some(d(2026, 6, 30)));
    assert!(matches!(k.kind, KrKind::Graded));
    assert_eq!(k.check_ins[0].value, Value::Number(0.2));
}

struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        let dir =
            std::env::temp_dir().join(format!("okr-import-grades-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn okr() -> Command {
    Command::new(env!("CARGO_BIN_EXE_okr"))
}

#[test]
fn cli_import_then_check_with_the_sheet_preset_is_clean() {
    let dir = TempDir::new("check");
    let out_file = dir.0.join("q2.yaml");
    let out = okr()
        .args(["import", "csv"])
        .arg(fixture("grades.csv"))
        .args([
            "--grade",
            "Mid-Q=2026-05-15",
            "--grade",
            "End-Q=2026-06-30",
            "--cycle",
            "2026-Q2",
            "--rollup",
            "flat",
            "--as-of",
            "2026-06-30",
            "-o",
        ])
        .arg(&out_file)
        .output()
        .unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("  row 19: summary row\n"), "{stderr}");
    // The import's own check of a grade sheet runs under the sheet preset, and says so.
    assert!(
        stderr.contains("note: checked with the `sheet` preset"),
        "{stderr}"
    );
    assert!(
        stderr.ends_with(": 0 errors, 0 warnings, 0 infos\n"),
        "{stderr}"
    );
    let doc = Document::from_path(&out_file).unwrap();
    assert_eq!(doc.objectives[3].rollup, Some(RollupMode::Flat));
    let out = okr()
        .args(["check", "--preset", "sheet", "--as-of", "2026-06-30"])
        .arg(&out_file)
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap() + &String::from_utf8(out.stderr).unwrap();
    assert!(out.status.success(), "{text}");
    assert!(
        text.ends_with(": 0 errors, 0 warnings, 0 infos\n"),
        "{text}"
    );
}

#[test]
fn cli_bad_grade_specs_are_all_told_and_exit_2() {
    let out = okr()
        .args(["import", "csv"])
        .arg(fixture("grades.csv"))
        .args(["--grade", "Mid-Q", "--grade", "End-Q=2026-06-31"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 2, "{stderr}");
    assert!(
        lines[0].starts_with("error: `--grade Mid-Q`: write"),
        "{stderr}"
    );
    assert!(
        lines[1].starts_with("error: `--grade End-Q=2026-06-31`: ") && lines[1].contains("June"),
        "{stderr}"
    );
}

/// A grade sheet without `--cycle` (and no cycle column) is one problem, not one per
/// section; a bare `7` suggests `7%`.
#[test]
fn a_sheet_without_a_cycle_is_told_once_and_a_whole_number_grade_hints_at_percent() {
    let sheet =
        "Key result,Owner,Mid-Q\nShip it,,\nThe first,ana,7\nAnother,,\nThe second,ben,0.5\n";
    let mut o = options();
    o.cycle = None;
    o.grades.truncate(1);
    let err = import::csv(sheet, None, &o).unwrap_err();
    let got: Vec<(u32, u32, &str)> = err
        .problems
        .iter()
        .map(|p| {
            (
                p.line.unwrap_or(0),
                p.column.unwrap_or(0),
                p.message.as_str(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            (
                3,
                3,
                "grade `7` is out of range: a grade is from 0 to 1 (`0.7`, or `70%`); if it is a percentage, write `7%`"
            ),
            (
                1,
                1,
                "the sheet names no cycle: give it with `--cycle` (such as `--cycle 2026-Q2`), or add a `cycle` column"
            ),
        ]
    );
}
