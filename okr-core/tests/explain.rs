//! `Scorecard::explain` and `okr explain` (SPEC §9) on tests/explain/modes.yaml. Every
//! expected number is worked out by hand from the file (as of 2022-01-15, after the cycle,
//! every expected progress is 1).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use chrono::NaiveDate;
use okr_core::{
    AsOf, Document, Explanation, InputKind, ObjectiveExplanation, Policy, RollupMode, Scorecard,
    Status,
};
use std::path::PathBuf;
use std::process::Command;

fn fixture() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/explain/modes.yaml")
}

fn card(y: i32, m: u32, d: u32) -> Scorecard {
    let doc = Document::from_path(fixture()).unwrap();
    let as_of = AsOf::Date(NaiveDate::from_ymd_opt(y, m, d).unwrap());
    Scorecard::new(doc, as_of, Policy::default())
}

fn objective(id: &str) -> ObjectiveExplanation {
    match card(2022, 1, 15).explain(id) {
        Some(Explanation::Objective(e)) => e,
        other => panic!("{other:?}"),
    }
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-12
}

/// (kind, id, weight, score, counted, contribution) of every input.
type Row<'a> = (InputKind, &'a str, f64, Option<f64>, bool, f64);

fn assert_inputs(e: &ObjectiveExplanation, expected: &[Row<'_>]) {
    assert_eq!(e.inputs.len(), expected.len(), "{e:?}");
    for (x, (kind, id, weight, score, counted, contribution)) in e.inputs.iter().zip(expected) {
        assert_eq!((x.kind, x.id.as_str()), (*kind, *id));
        assert!(close(x.weight, *weight), "{id} weight {}", x.weight);
        match (x.score, score) {
            (Some(a), Some(b)) => assert!(close(a, *b), "{id} score {a}"),
            (a, b) => assert_eq!(a, *b, "{id} score"),
        }
        assert_eq!(x.counted, *counted, "{id} counted");
        assert!(
            close(x.contribution, *contribution),
            "{id} contribution {}",
            x.contribution
        );
    }
}

fn sum(e: &ObjectiveExplanation) -> f64 {
    e.inputs.iter().map(|x| x.contribution).sum()
}

use InputKind::{KeyResult as Kr, Objective as Ob};

#[test]
fn auto_mode_counts_the_key_results_and_not_the_child() {
    // (1 × 0.4 + 3 × 0.6) / 4 = 0.55; the baseline a3 is unscored.
    let e = objective("auto-kr");
    assert_eq!(e.mode, RollupMode::Auto);
    assert_eq!(e.blend, None);
    assert!(close(e.score.unwrap(), 0.55));
    assert_eq!(e.status, Status::AtRisk);
    assert_inputs(
        &e,
        &[
            (Kr, "a1", 1.0, Some(0.4), true, 0.1),
            (Kr, "a2", 3.0, Some(0.6), true, 0.45),
            (Kr, "a3", 1.0, None, true, 0.0),
            (Ob, "ch1", 1.0, Some(0.5), false, 0.0),
        ],
    );
    assert!(close(sum(&e), 0.55));
}

#[test]
fn children_mode_weights_zero_weights_supports_and_unscored_children() {
    // (1 × 0.5 + 3 × 0.25 + 0 × 1) / (1 + 3 + 0) = 0.3125; ch4 only supports, ch5 is
    // unscored, the key result k1 is not taken by `children`.
    let e = objective("kids");
    assert_eq!(e.mode, RollupMode::Children);
    assert!(close(e.score.unwrap(), 0.3125));
    assert_eq!(e.status, Status::OffTrack);
    assert_inputs(
        &e,
        &[
            (Kr, "k1", 1.0, Some(0.9), false, 0.0),
            (Ob, "ch1", 1.0, Some(0.5), true, 0.125),
            (Ob, "ch2", 3.0, Some(0.25), true, 0.1875),
            (Ob, "ch3", 0.0, Some(1.0), true, 0.0),
            (Ob, "ch4", 1.0, Some(0.2), false, 0.0),
            (Ob, "ch5", 1.0, None, true, 0.0),
        ],
    );
    assert!(close(sum(&e), 0.3125));
}

#[test]
fn blend_mode_splits_by_the_blend_factor() {
    // 0.25 × 0.8 + 0.75 × (1 × 0.5 + 3 × 0.25) / 4 = 0.2 + 0.234375 = 0.434375.
    let e = objective("mix");
    assert_eq!(e.mode, RollupMode::Blend);
    assert_eq!(e.blend, Some(0.25));
    assert!(close(e.score.unwrap(), 0.434375));
    assert_eq!(e.status, Status::AtRisk);
    assert_inputs(
        &e,
        &[
            (Kr, "m1", 1.0, Some(0.8), true, 0.2),
            (Ob, "ch1", 1.0, Some(0.5), true, 0.09375),
            (Ob, "ch2", 3.0, Some(0.25), true, 0.140625),
        ],
    );
    assert!(close(sum(&e), 0.434375));
}

#[test]
fn key_results_mode_with_a_threshold_key_result() {
    // q1 = 2 / 10 = 0.2; q2 held 1 of 2 check-ins = 0.5; (2 × 0.2 + 2 × 0.5) / 4 = 0.35.
    let e = objective("keys");
    assert!(close(e.score.unwrap(), 0.35));
    assert_eq!(e.status, Status::OffTrack);
    assert_inputs(
        &e,
        &[
            (Kr, "q1", 2.0, Some(0.2), true, 0.1),
            (Kr, "q2", 2.0, Some(0.5), true, 0.25),
            (Ob, "ch1", 1.0, Some(0.5), false, 0.0),
        ],
    );
    assert!(e.to_text().contains("not counted: key_results mode"));
}

#[test]
fn manual_mode_counts_what_auto_would_but_the_override_is_the_score() {
    let e = objective("man");
    assert_eq!(e.mode, RollupMode::Manual);
    assert_eq!(e.score, Some(0.9));
    assert_eq!(e.status, Status::OnTrack);
    let ov = e.override_.as_ref().unwrap();
    assert_eq!(ov.score, 0.9);
    assert_eq!(ov.date, NaiveDate::from_ymd_opt(2021, 10, 1).unwrap());
    assert_eq!(ov.reason.as_deref(), Some("board review"));
    assert_inputs(
        &e,
        &[
            (Kr, "r1", 1.0, Some(0.5), true, 0.0),
            (Ob, "ch1", 1.0, Some(0.5), false, 0.0),
        ],
    );
}

#[test]
fn an_override_replaces_the_score_and_the_contributions_stay_the_computed_ones() {
    // Computed: 2 / 10 = 0.2; the override of 2021-11-01 says 0.75.
    let e = objective("over");
    assert_eq!(e.score, Some(0.75));
    assert_eq!(e.override_.as_ref().unwrap().reason, None);
    assert_inputs(&e, &[(Kr, "o1", 1.0, Some(0.2), true, 0.2)]);
    assert!(
        e.to_text()
            .contains("the contributions sum to 0.2, the score without the override"),
        "{}",
        e.to_text()
    );
}

#[test]
fn only_zero_weights_leave_the_objective_unscored() {
    let e = objective("zero");
    assert_eq!(e.score, None);
    assert_eq!(e.status, Status::Unknown);
    assert_inputs(&e, &[(Kr, "z1", 0.0, Some(0.5), true, 0.0)]);
}

#[test]
fn the_json_shape_of_an_objective() {
    let e = card(2022, 1, 15).explain("over").unwrap();
    let v = serde_json::to_value(&e).unwrap();
    assert_eq!(
        v,
        serde_json::json!({
            "id": "over", "mode": "auto", "blend": null, "score": 0.75, "expected": 1.0,
            "status": "on_track",
            "override": {"score": 0.75, "date": "2021-11-01", "reason": null},
            "inputs": [{"kind": "key_result", "id": "o1", "weight": 1.0, "score": 0.2,
                        "counted": true, "contribution": 0.2}]
        })
    );
}

#[test]
fn a_metric_key_result_shows_its_check_in_and_arithmetic() {
    // As of 2021-08-31: (26 − 30) / (10 − 30) = 0.2; expected: day 62 of 184 = 0.337;
    // 0.2 / 0.337 = 0.594: at risk; one check-in, so the forecast is the score.
    let e = card(2021, 8, 31).explain("pm").unwrap();
    let Explanation::KeyResult(kr) = &e else {
        panic!("{e:?}")
    };
    assert_eq!(kr.kind, "metric");
    assert!(close(kr.score.unwrap(), 0.2));
    assert!(close(kr.expected.unwrap(), 62.0 / 184.0));
    assert_eq!(kr.status, Status::AtRisk);
    assert!(close(kr.forecast.unwrap(), 0.2));
    let v = serde_json::to_value(&e).unwrap();
    assert_eq!(
        v["check_ins_used"],
        serde_json::json!([{"date": "2021-08-15", "value": 26.0}])
    );
    let text = e.to_text();
    assert!(text.contains("(26 − 30) / (10 − 30) = 0.2"), "{text}");
    assert!(
        text.contains("expected = day 62 of 184 of the cycle = 0.337"),
        "{text}"
    );
    assert!(
        text.contains("status at_risk: score 0.2 / expected 0.337 = 0.594, in 0.4..0.7"),
        "{text}"
    );
}

#[test]
fn a_threshold_key_result_uses_every_check_in() {
    let e = card(2022, 1, 15).explain("q2").unwrap();
    let v = serde_json::to_value(&e).unwrap();
    assert_eq!(v["check_ins_used"].as_array().unwrap().len(), 2);
    assert!(e
        .to_text()
        .contains("1 of 2 check-ins held at least 5: progress = 1 / 2 = 0.5"));
}

#[test]
fn the_text_names_what_pulls_the_objective_below_expected() {
    // kids: expected 1; ch2 costs 3/4 × (1 − 0.25) = 0.5625 (0.563), ch1 1/4 × (1 − 0.5) = 0.125.
    let text = objective("kids").to_text();
    let below = text.split("furthest below expected:").nth(1).unwrap();
    let ch2 = below.find("ch2").unwrap();
    let ch1 = below.find("ch1").unwrap();
    assert!(ch2 < ch1, "{text}");
    assert!(below.contains("costs the objective 0.563"), "{text}");
}

#[test]
fn the_tree_marks_children_that_do_not_count() {
    let text = card(2022, 1, 15).render_tree(None);
    let under_keys = text
        .lines()
        .skip_while(|l| !l.starts_with("keys "))
        .nth(1)
        .unwrap();
    assert!(
        under_keys.contains("ch1") && under_keys.contains("(not counted: key_results mode)"),
        "{text}"
    );
    let under_kids: Vec<&str> = text
        .lines()
        .skip_while(|l| !l.starts_with("kids "))
        .skip(1)
        .take(5)
        .collect();
    assert!(
        under_kids.iter().all(|l| !l.contains("not counted")),
        "{text}"
    );
}

fn okr() -> Command {
    Command::new(env!("CARGO_BIN_EXE_okr"))
}

#[test]
fn cli_explain_json_and_unknown_id() {
    let out = okr()
        .args(["explain"])
        .arg(fixture())
        .args(["mix", "--as-of", "2022-01-15", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["blend"], 0.25);
    assert_eq!(v["inputs"][0]["contribution"], 0.2);
    let out = okr()
        .args(["explain"])
        .arg(fixture())
        .args(["kdis"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("no objective or key result `kdis`"), "{err}");
    assert!(err.contains("did you mean `kids`?"), "{err}");
}
