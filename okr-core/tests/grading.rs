//! Grading as teams do it (SPEC §3a): `graded` key results, projections, dropped key
//! results, the `flat` rollup, key-result owners, the `sheet` preset and the guide's
//! worked sheet (docs/examples/grading-sheet.yaml). Every expected value is worked out by
//! hand from the SPEC in the comments.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use chrono::NaiveDate;
use okr_core::{validate, AsOf, CheckIn, Document, Format, Policy, RollupMode, Scorecard, Status};
use std::path::{Path, PathBuf};
use std::process::Command;

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn card(yaml: &str, as_of: NaiveDate) -> Scorecard {
    let doc = Document::from_str(yaml, Format::Yaml).unwrap();
    Scorecard::new(doc, AsOf::Date(as_of), Policy::default())
}

fn close(a: Option<f64>, b: f64) {
    let a = a.unwrap_or_else(|| panic!("expected {b}, found no value"));
    assert!((a - b).abs() < 1e-12, "expected {b}, found {a}");
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn sheet() -> Document {
    Document::from_path(root().join("docs/examples/grading-sheet.yaml")).unwrap()
}

const Q1: &str = "version: 1\ncycles: [{id: q, start: 2026-01-01, end: 2026-03-31}]\n";

#[test]
fn a_graded_key_result_is_unscored_until_graded_then_its_grade() {
    let doc = format!(
        "{Q1}objectives:
  - id: o
    title: O
    cycle: q
    level: team
    key_results:
      - {{id: a, title: A, kind: graded, check_ins: [{{date: 2026-02-13, value: 0.4}}]}}
      - {{id: b, title: B, kind: graded}}
"
    );
    // Before the first grade: unscored (not 0), and so is the objective.
    let c = card(&doc, day(2026, 2, 12));
    let a = c.key_result("a").unwrap();
    assert_eq!((a.score, a.progress, a.forecast), (None, None, None));
    assert_eq!(a.status, Status::Unknown);
    // Expected is a metric's: (d − start + 1) / N = 43 / 90 on 12 February.
    close(a.expected, 43.0 / 90.0);
    assert_eq!(c.objective("o").unwrap().score, None);
    // Graded: the grade; the ungraded `b` stays out of the mean (it does not drag it to 0.2).
    let c = card(&doc, day(2026, 2, 15));
    close(c.key_result("a").unwrap().score, 0.4);
    assert_eq!(c.key_result("b").unwrap().score, None);
    close(c.objective("o").unwrap().score, 0.4);
    // 0.4 / (46 / 90) = 0.78: on track.
    assert_eq!(c.objective("o").unwrap().status, Status::OnTrack);
}

#[test]
fn a_graded_key_result_follows_its_plan() {
    let doc = format!(
        "{Q1}objectives:
  - {{id: o, title: O, cycle: q, level: team, key_results: [
      {{id: a, title: A, kind: graded, plan: {{2026-02-15: 0.5}},
        check_ins: [{{date: 2026-01-20, value: 0.2}}]}}]}}
"
    );
    // The plan point (day 45, 0.5) with (day 0, 0): on 24 January (day 23), 0.5 × 23 / 45.
    let c = card(&doc, day(2026, 1, 24));
    let a = c.key_result("a").unwrap();
    close(a.expected, 0.5 * 23.0 / 45.0);
    // 0.2 / 0.2556 = 0.78: on track.
    assert_eq!(a.status, Status::OnTrack);
}

#[test]
fn a_projection_is_the_forecast_until_the_last_day() {
    let doc = format!(
        "{Q1}objectives:
  - id: o
    title: O
    cycle: q
    level: team
    key_results:
      - {{id: m, title: M, kind: metric, start: 0, target: 10, check_ins: [
          {{date: 2026-01-10, value: 2}},
          {{date: 2026-02-10, value: 3, projection: 0.9}}]}}
      - {{id: t, title: T, kind: metric, start: 0, target: 10, check_ins: [
          {{date: 2026-01-10, value: 2, projection: 0.9}},
          {{date: 2026-02-10, value: 3}}]}}
      - {{id: g, title: G, kind: graded, check_ins: [{{date: 2026-02-10, value: 0.3, projection: 0.5}}]}}
"
    );
    let c = card(&doc, day(2026, 2, 20));
    // The latest check-in carries a projection: it wins over the trend line.
    close(c.key_result("m").unwrap().forecast, 0.9);
    // The latest check-in carries none: the trend through (day 9, 0.2) and (day 40, 0.3),
    // at day 89: 0.2 + 0.1 × 80 / 31.
    close(c.key_result("t").unwrap().forecast, 0.2 + 0.1 * 80.0 / 31.0);
    close(c.key_result("g").unwrap().forecast, 0.5);
    // The objective's forecast is the mean of the forecasts.
    close(
        c.objective("o").unwrap().forecast,
        (0.9 + 0.2 + 0.1 * 80.0 / 31.0 + 0.5) / 3.0,
    );
    // Before the projection's check-in, no projection.
    close(c.key_result("g").unwrap().score, 0.3);
    let early = card(&doc, day(2026, 2, 9));
    assert_eq!(early.key_result("g").unwrap().forecast, None);
    // From the cycle's last day the outcome is known: the forecast is the score.
    let end = card(&doc, day(2026, 3, 31));
    close(end.key_result("g").unwrap().forecast, 0.3);
    close(end.key_result("m").unwrap().forecast, 0.3);
}

#[test]
fn a_projection_above_the_cap_is_clamped_and_reported() {
    let doc = format!(
        "{Q1}objectives:
  - {{id: o, title: O, cycle: q, level: team, key_results: [
      {{id: g, title: G, kind: graded, check_ins: [{{date: 2026-02-10, value: 1.3, projection: 1.5}}]}}]}}
"
    );
    let c = card(&doc, day(2026, 2, 20));
    close(c.key_result("g").unwrap().forecast, 1.0);
    close(c.key_result("g").unwrap().score, 1.0);
    let d = Document::from_str(&doc, Format::Yaml).unwrap();
    let findings = validate(&d, AsOf::Date(day(2026, 2, 20)), &Policy::default());
    let invalid: Vec<(&str, &str)> = findings
        .iter()
        .filter(|f| f.code == "invalid_value")
        .map(|f| (f.path.as_deref().unwrap_or(""), f.message.as_str()))
        .collect();
    assert_eq!(
        invalid,
        [
            (
                "objectives[0].key_results[0].check_ins[0].projection",
                "projection `1.5` must be from 0 to 1"
            ),
            (
                "objectives[0].key_results[0].check_ins[0].value",
                "grade `1.3` must be from 0 to 1"
            ),
        ]
    );
}

#[test]
fn a_dropped_key_result_counts_before_its_date_and_leaves_every_mean_from_it() {
    let doc = format!(
        "{Q1}objectives:
  - {{id: top, title: Top, cycle: q, level: company, key_results: []}}
  - id: o
    title: O
    cycle: q
    level: team
    aligns_to: [top]
    key_results:
      - {{id: a, title: A, kind: graded, check_ins: [{{date: 2026-01-10, value: 0.8}}]}}
      - {{id: d, title: D, kind: graded, dropped: 2026-02-01,
         check_ins: [{{date: 2026-01-10, value: 0.2, projection: 0.4}}]}}
  - id: only-dropped
    title: Only dropped
    cycle: q
    level: team
    aligns_to: [top]
    key_results:
      - {{id: x, title: X, kind: metric, start: 0, target: 10, dropped: 2026-02-01,
         check_ins: [{{date: 2026-01-10, value: 5}}]}}
"
    );
    // The day before: (0.8 + 0.2) / 2 = 0.5; the other objective 0.5; top (0.5 + 0.5) / 2.
    let before = card(&doc, day(2026, 1, 31));
    close(before.objective("o").unwrap().score, 0.5);
    close(before.objective("o").unwrap().forecast, (0.8 + 0.4) / 2.0);
    close(before.objective("top").unwrap().score, 0.5);
    // Status of `d`: e = 31 / 90 days of the quarter, r = 0.2 / (31 / 90) = 0.58: at risk.
    assert_eq!(before.key_result("d").unwrap().status, Status::AtRisk);
    // From the date on: `d` is dropped, unscored, out of the mean: `o` is 0.8, its
    // forecast 0.8; `only-dropped` is unscored, so `top` is 0.8.
    let after = card(&doc, day(2026, 2, 1));
    let d = after.key_result("d").unwrap();
    assert_eq!(d.status, Status::Dropped);
    assert_eq!(
        (d.score, d.progress, d.expected, d.forecast),
        (None, None, None, None)
    );
    close(after.objective("o").unwrap().score, 0.8);
    close(after.objective("o").unwrap().forecast, 0.8);
    assert_eq!(after.objective("only-dropped").unwrap().score, None);
    assert_eq!(
        after.objective("only-dropped").unwrap().status,
        Status::Unknown
    );
    close(after.objective("top").unwrap().score, 0.8);
    // A dropped key result is never stale.
    let findings = validate(
        &Document::from_str(&doc, Format::Yaml).unwrap(),
        AsOf::Date(day(2026, 3, 1)),
        &Policy::default(),
    );
    let stale: Vec<&str> = findings
        .iter()
        .filter(|f| f.code == "stale_check_in")
        .map(|f| f.subjects[0].as_str())
        .collect();
    assert_eq!(stale, ["a"]);
}

/// top (flat, KR t) ← a (KR ka), b (KR kb); a ← c, b ← c (KR x: the diamond);
/// s supports top (KR ks, not counted).
fn diamond(x_weight: f64, a_mode: &str) -> String {
    format!(
        "{Q1}objectives:
  - {{id: top, title: Top, cycle: q, level: company, rollup: flat, key_results: [
      {{id: t, title: T, kind: graded, check_ins: [{{date: 2026-01-10, value: 0.2}}]}}]}}
  - {{id: a, title: A, cycle: q, level: area, aligns_to: [{{objective: top, weight: 5}}],
     rollup: {a_mode}, key_results: [
      {{id: ka, title: KA, kind: graded, check_ins: [{{date: 2026-01-10, value: 0.4}}]}}]}}
  - {{id: b, title: B, cycle: q, level: area, aligns_to: [top], key_results: [
      {{id: kb, title: KB, kind: graded, check_ins: [{{date: 2026-01-10, value: 0.6}}]}}]}}
  - {{id: c, title: C, cycle: q, level: team, aligns_to: [a, b], key_results: [
      {{id: x, title: X, kind: graded, weight: {x_weight},
        check_ins: [{{date: 2026-01-10, value: 1.0}}]}}]}}
  - {{id: s, title: S, cycle: q, level: area,
     aligns_to: [{{objective: top, contributes: false}}], key_results: [
      {{id: ks, title: KS, kind: graded, check_ins: [{{date: 2026-01-10, value: 0.0}}]}}]}}
"
    )
}

#[test]
fn flat_counts_each_key_result_below_once_with_its_weight() {
    // t, ka, kb, x once (x reaches top on two paths); ks only supports; link weights
    // do not matter: (0.2 + 0.4 + 0.6 + 1.0) / 4.
    let c = card(&diamond(1.0, "auto"), day(2026, 2, 1));
    let top = c.objective("top").unwrap();
    close(top.score, 2.2 / 4.0);
    close(top.progress, 2.2 / 4.0);
    close(top.forecast, 2.2 / 4.0);
    // Expected is the same mean: every KR expects 32 / 90 on 1 February.
    close(top.expected, 32.0 / 90.0);
    // With x of weight 2: (0.2 + 0.4 + 0.6 + 2 × 1.0) / 5.
    let c = card(&diamond(2.0, "auto"), day(2026, 2, 1));
    close(c.objective("top").unwrap().score, 3.2 / 5.0);
    // `a` (auto) is its own KR: 0.4.
    close(c.objective("a").unwrap().score, 0.4);
}

#[test]
fn nested_flat_objectives_each_take_their_own_set() {
    // a flat: ka and x, (0.4 + 1.0) / 2; top still counts the KRs, not a's score.
    let c = card(&diamond(1.0, "flat"), day(2026, 2, 1));
    close(c.objective("a").unwrap().score, 0.7);
    close(c.objective("top").unwrap().score, 2.2 / 4.0);
    // An override on `a` changes `a`, not `top` (which reads key results only).
    let mut c = c;
    c.set_override(
        "a",
        okr_core::Override {
            score: 0.1,
            date: day(2026, 1, 20),
            reason: None,
            extra: Default::default(),
        },
    )
    .unwrap();
    close(c.objective("a").unwrap().score, 0.1);
    close(c.objective("top").unwrap().score, 2.2 / 4.0);
}

#[test]
fn a_check_in_below_flat_objectives_updates_them_as_a_full_recompute() {
    let mut c = card(&diamond(1.0, "flat"), day(2026, 2, 1));
    // x from 1.0 to 0.2: top (0.2 + 0.4 + 0.6 + 0.2) / 4, a (0.4 + 0.2) / 2.
    c.check_in("x", CheckIn::new(day(2026, 1, 25), 0.2))
        .unwrap();
    close(c.objective("top").unwrap().score, 1.4 / 4.0);
    close(c.objective("a").unwrap().score, 0.6 / 2.0);
    assert!(c.matches_full_recompute());
    // A grade after the as-of date changes nothing.
    c.check_in("ka", CheckIn::new(day(2026, 3, 1), 0.9))
        .unwrap();
    close(c.objective("top").unwrap().score, 1.4 / 4.0);
    assert!(c.matches_full_recompute());
}

#[test]
fn key_result_owners_own_an_objective() {
    let doc = format!(
        "{Q1}teams: [{{id: t}}]
people: [{{id: ana, team: t}}, {{id: ben, team: t}}, {{id: cy, team: t}}]
objectives:
  - {{id: o, title: O, cycle: q, level: team, team: t, owners: [cy], key_results: [
      {{id: k, title: K, kind: graded, owners: [ana]}}]}}
"
    );
    let findings = validate(
        &Document::from_str(&doc, Format::Yaml).unwrap(),
        AsOf::Date(day(2026, 2, 1)),
        &Policy::default(),
    );
    let without: Vec<&str> = findings
        .iter()
        .filter(|f| f.code == "person_without_objectives")
        .map(|f| f.subjects[0].as_str())
        .collect();
    assert_eq!(without, ["ben"]);
}

/// The guide's sheet, at the end of the quarter: the numbers of docs/src/grading.md.
#[test]
fn the_worked_sheet_at_the_end_of_the_quarter() {
    let c = Scorecard::new(sheet(), AsOf::Date(day(2026, 3, 31)), Policy::default());
    close(
        c.objective("instant").unwrap().score,
        (0.7 + 1.0 + 0.5) / 3.0,
    );
    close(
        c.objective("relevance").unwrap().score,
        (0.6 + 0.9 + 0.8) / 3.0,
    );
    // The dropped drill is out: (0.1 + 0.9) / 2.
    close(c.objective("on-call").unwrap().score, 0.5);
    close(c.objective("team").unwrap().score, (1.0 + 0.5 + 0.4) / 3.0);
    assert_eq!(
        c.key_result("failover-drill").unwrap().status,
        Status::Dropped
    );
    // The projection no longer counts on the last day: the forecast is the grade.
    close(c.key_result("senior-hire").unwrap().forecast, 0.4);
    // The summary row: the plain mean of the 11 graded KRs.
    let top = c.objective("search-q1").unwrap();
    close(top.score, (2.2 + 2.3 + 1.0 + 1.9) / 11.0);
    assert_eq!(top.status, Status::AtRisk); // 0.67 / 1 < 0.7
                                            // Without `rollup: flat` (the default mode): the mean of the four objectives' means.
    let mut doc = sheet();
    doc.objectives[0].rollup = None;
    let c = Scorecard::new(doc, AsOf::Date(day(2026, 3, 31)), Policy::default());
    close(
        c.objective("search-q1").unwrap().score,
        ((2.2 + 2.3 + 1.9) / 3.0 + 0.5) / 4.0,
    );
    let mut doc = sheet();
    doc.objectives[0].rollup = Some(RollupMode::Children);
    let c = Scorecard::new(doc, AsOf::Date(day(2026, 3, 31)), Policy::default());
    close(
        c.objective("search-q1").unwrap().score,
        ((2.2 + 2.3 + 1.9) / 3.0 + 0.5) / 4.0,
    );
}

#[test]
fn the_worked_sheet_at_mid_quarter() {
    let c = Scorecard::new(sheet(), AsOf::Date(day(2026, 2, 15)), Policy::default());
    // The drill still counts (dropped on 20 February): (0.2 + 0.7 + 0.0) / 3.
    close(c.objective("on-call").unwrap().score, 0.3);
    close(c.key_result("senior-hire").unwrap().forecast, 0.6);
    close(
        c.objective("team").unwrap().forecast,
        (0.5 + 0.0 + 0.6) / 3.0,
    );
    let top = c.objective("search-q1").unwrap();
    // 12 KRs: (1.1 + 1.4 + 0.9 + 0.8) / 12; the forecast with 0.6 for the hire's 0.3.
    close(top.score, 4.2 / 12.0);
    close(top.forecast, 4.5 / 12.0);
    close(top.expected, 46.0 / 90.0);
    // 0.35 / 0.511 = 0.68: at risk.
    assert_eq!(top.status, Status::AtRisk);
    // After the drop, before the end: 11 KRs, 4.2 / 11.
    let c = Scorecard::new(sheet(), AsOf::Date(day(2026, 2, 25)), Policy::default());
    close(c.objective("on-call").unwrap().score, 0.45);
    close(c.objective("search-q1").unwrap().score, 4.2 / 11.0);
}

#[test]
fn the_sheet_preset_leaves_what_matters() {
    let doc = sheet();
    let as_of = AsOf::Date(day(2026, 3, 31));
    let codes = |policy: &Policy| -> Vec<String> {
        validate(&doc, as_of, policy)
            .into_iter()
            .map(|f| format!("{} {}", f.code, f.subjects[0]))
            .collect()
    };
    // Without the preset: every objective lacks an owner, the team-level ones are side
    // projects and uncovered.
    let plain = codes(&Policy::default());
    assert!(plain.iter().any(|c| c == "no_owner instant"), "{plain:?}");
    assert!(
        plain.iter().any(|c| c == "side_project instant"),
        "{plain:?}"
    );
    // With it, nothing is left: the sheet is clean.
    let sheet = codes(&Policy::preset("sheet").unwrap());
    assert_eq!(sheet, Vec::<String>::new());
    // A policy file overrides the preset setting by setting.
    let both = Policy::preset("sheet")
        .unwrap()
        .with_str("severities: {no_owner: warning}\n", Format::Yaml)
        .unwrap();
    assert_eq!(
        codes(&both),
        [
            "no_owner search-q1",
            "no_owner instant",
            "no_owner relevance",
            "no_owner on-call",
            "no_owner team"
        ]
    );
}

fn okr() -> Command {
    Command::new(env!("CARGO_BIN_EXE_okr"))
}

#[test]
fn status_dropped_in_every_text_and_json_output() {
    let file = root().join("docs/examples/grading-sheet.yaml");
    let run = |args: &[&str]| {
        let out = okr().args(args).arg(&file).output().unwrap();
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    let json: serde_json::Value = serde_json::from_str(&run(&[
        "score",
        "--as-of",
        "2026-03-31",
        "--format",
        "json",
    ]))
    .unwrap();
    let drill = json["key_results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["id"] == "failover-drill")
        .unwrap();
    assert_eq!(drill["status"], "dropped");
    assert_eq!(drill["score"], serde_json::Value::Null);
    let table = run(&["score", "--as-of", "2026-03-31"]);
    let line = table
        .lines()
        .find(|l| l.contains("failover-drill"))
        .unwrap();
    assert!(line.contains("dropped"), "{line}");
    let csv = run(&["export", "--table", "key_results", "--as-of", "2026-03-31"]);
    let line = csv
        .lines()
        .find(|l| l.starts_with("failover-drill,"))
        .unwrap();
    assert!(line.contains(",dropped,"), "{line}");
    let report = run(&["report", "--as-of", "2026-03-31"]);
    assert!(report.contains("dropped"));
}

#[test]
fn the_grades_table_reads_the_sheet_as_graders_do() {
    let c = Scorecard::new(sheet(), AsOf::Date(day(2026, 3, 31)), Policy::default());
    let g = c.tables().grades;
    // search-q1, the four objectives, then the whole cycle.
    assert_eq!(
        g.objective,
        [
            Some("search-q1".to_owned()),
            Some("instant".into()),
            Some("relevance".into()),
            Some("on-call".into()),
            Some("team".into()),
            None
        ]
    );
    assert_eq!(g.key_results, [0, 3, 3, 3, 3, 12]);
    assert_eq!(g.scored, [0, 3, 3, 2, 3, 11]);
    assert_eq!(g.dropped, [0, 0, 0, 1, 0, 1]);
    assert_eq!(g.mean[0], None);
    // instant 0.7, 1.0, 0.5: two at 0.7 or more, one in the sweet spot (0.7), none below 0.3.
    close(g.mean[1], 2.2 / 3.0);
    close(g.share_at_least_0_7[1], 2.0 / 3.0);
    close(g.share_sweet_spot[1], 1.0 / 3.0);
    close(g.share_below_0_3[1], 0.0);
    // on-call 0.1, 0.9 (the drill dropped).
    close(g.mean[3], 0.5);
    close(g.share_at_least_0_7[3], 0.5);
    close(g.share_below_0_3[3], 0.5);
    // The cycle: 0.7 1.0 0.5 | 0.6 0.9 0.8 | 0.1 0.9 | 1.0 0.5 0.4 — the summary row 7.4 / 11;
    // at 0.7 or more: 0.7 1.0 0.9 0.8 0.9 1.0; sweet spot 0.7 0.6; below 0.3: 0.1.
    close(g.mean[5], 7.4 / 11.0);
    close(g.share_at_least_0_7[5], 6.0 / 11.0);
    close(g.share_sweet_spot[5], 2.0 / 11.0);
    close(g.share_below_0_3[5], 1.0 / 11.0);
    close(g.projected[5], 7.4 / 11.0);
    // At mid-quarter the hire's projection (0.6 for 0.3) shows in `projected`: 4.5 / 12.
    let c = Scorecard::new(sheet(), AsOf::Date(day(2026, 2, 15)), Policy::default());
    let g = c.tables().grades;
    close(g.mean[5], 4.2 / 12.0);
    close(g.projected[5], 4.5 / 12.0);
}
