//! The v1.1 semantics: the forecast of a finished cycle, milestone `done` dates as updates,
//! nested cycles for the people rules, `children_not_counted`, the policy's
//! `default_rollup`, effort above a cycle's hours, "did you mean" for unknown references
//! and the date each cycle is judged at. Every expected value is worked out by hand in the
//! comments.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use chrono::NaiveDate;
use okr_core::*;

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn doc(yaml: &str) -> Document {
    Document::from_str(yaml, Format::Yaml).unwrap()
}

fn close(a: Option<f64>, b: f64) -> bool {
    a.is_some_and(|a| (a - b).abs() < 1e-12)
}

fn findings(d: &Document, as_of: NaiveDate, policy: &Policy, code: &str) -> Vec<Finding> {
    validate(d, AsOf::Date(as_of), policy)
        .into_iter()
        .filter(|f| f.code == code)
        .collect()
}

// ---------------------------------------------------------------------------------------
// Forecast of a finished cycle

const FORECAST: &str = "\
version: 1
cycles: [{id: H2, start: 2021-07-01, end: 2021-12-31}]
objectives:
  - id: o
    title: O
    cycle: H2
    level: team
    key_results:
      - {id: trend, title: T, kind: metric, start: 0, target: 10,
         check_ins: [{date: 2021-08-01, value: 2}, {date: 2021-09-01, value: 6}]}
      - {id: ship, title: S, kind: binary}
";

#[test]
fn from_the_cycles_last_day_on_the_forecast_is_the_score() {
    // `trend`: progress 0.2 on day 31 (Aug 1) and 0.6 on day 62 (Sep 1); the line through
    // them has slope 0.4 / 31 a day and at the cycle end (day 183) gives
    // 0.6 + 0.4 × 121 / 31 ≈ 2.16, clamped to 1. `ship` has no check-in: score 0,
    // forecast 0. The objective's forecast is the mean: (1 + 0) / 2 = 0.5.
    let card = Scorecard::new(
        doc(FORECAST),
        AsOf::Date(day(2021, 12, 30)),
        Policy::default(),
    );
    assert!(close(card.key_result("trend").unwrap().forecast, 1.0));
    assert!(close(card.key_result("trend").unwrap().score, 0.6));
    assert!(close(card.objective("o").unwrap().forecast, 0.5));
    // On the last day (and after it) the outcome is known: forecast = score, 0.6 and 0;
    // the objective's forecast is (0.6 + 0) / 2 = 0.3, equal to its score.
    for d in [day(2021, 12, 31), day(2022, 1, 15)] {
        let card = Scorecard::new(doc(FORECAST), AsOf::Date(d), Policy::default());
        let kr = card.key_result("trend").unwrap();
        assert!(close(kr.forecast, 0.6), "{d}: {kr:?}");
        assert!(close(card.key_result("ship").unwrap().forecast, 0.0));
        let o = card.objective("o").unwrap();
        assert!(close(o.forecast, 0.3), "{d}: {o:?}");
        assert!(close(o.score, 0.3));
    }
}

// ---------------------------------------------------------------------------------------
// stale_check_in and milestone done dates

fn milestones(done: &str) -> Document {
    doc(&format!(
        "version: 1
cycles: [{{id: H2, start: 2021-07-01, end: 2021-12-31}}]
objectives:
  - id: o
    title: O
    cycle: H2
    level: team
    key_results:
      - {{id: ms, title: M, kind: milestones, milestones: [{{title: a{done}}}, {{title: b}}]}}
"
    ))
}

#[test]
fn a_milestone_done_date_is_an_update_of_its_key_result() {
    let p = Policy::default();
    let d = milestones(", done: 2021-08-20");
    // 2021-08-20 → 2021-09-03 is 14 days: exactly `stale_days`, not stale.
    assert_eq!(findings(&d, day(2021, 9, 3), &p, "stale_check_in"), vec![]);
    // One day more, 15 > 14: stale, naming the done date.
    let f = findings(&d, day(2021, 9, 4), &p, "stale_check_in");
    assert_eq!(f.len(), 1, "{f:#?}");
    assert_eq!(f[0].subjects, ["ms"]);
    assert_eq!(
        f[0].message,
        "`ms` has last update `2021-08-20` (a milestone done): 15 days before `2021-09-04`, more than 14"
    );
    // Without the done date the cycle start counts: 2021-07-01 → 2021-09-03 is 64 days.
    let f = findings(&milestones(""), day(2021, 9, 3), &p, "stale_check_in");
    assert_eq!(f.len(), 1);
    assert!(f[0].message.contains("64 days"), "{}", f[0].message);
    // A done date after the as-of date does not count yet.
    let f = findings(
        &milestones(", done: 2021-09-10"),
        day(2021, 9, 3),
        &p,
        "stale_check_in",
    );
    assert_eq!(f.len(), 1);
    assert!(f[0].message.contains("no check-in or milestone done"));
}

// ---------------------------------------------------------------------------------------
// Nested cycles: over_capacity and person_without_objectives

const NESTED: &str = "\
version: 1
cycles:
  - {id: 2026-H1, start: 2026-01-01, end: 2026-06-30}
  - {id: 2026-Q2, start: 2026-04-01, end: 2026-06-30}
levels: [company, team]
teams: [{id: t}]
people:
  - {id: ana, team: t, capacity_hours: 25}
  - {id: bo, team: t, capacity_hours: 25}
  - {id: lea, team: t}
  - {id: cy, team: t}
objectives:
  - {id: half, title: H, cycle: 2026-H1, level: team, team: t, owners: [ana, bo],
     effort_hours: 16, key_results: []}
  - {id: quarter, title: Q, cycle: 2026-Q2, level: team, team: t, owners: [ana],
     effort_hours: 18, key_results: []}
  - {id: lead, title: L, cycle: 2026-Q2, level: team, team: t, owners: [lea],
     key_results: []}
";

#[test]
fn capacity_counts_a_quarter_within_its_half_once_per_person() {
    let p = Policy::default();
    let d = doc(NESTED);
    // ana: 16 / 2 = 8 h in H1 and 18 h in Q2, which lies within H1: 26 > 25, one finding
    // for the half (per cycle alone, 8 and 18, neither would exceed 25). bo: 8 ≤ 25.
    let f = findings(&d, day(2026, 5, 1), &p, "over_capacity");
    assert_eq!(f.len(), 1, "{f:#?}");
    assert_eq!(f[0].subjects, ["ana", "half", "quarter"]);
    assert_eq!(f[0].path.as_deref(), Some("people[0]"));
    assert_eq!(
        f[0].message,
        "`ana` has 26 hours of objectives in cycle `2026-H1` (with the cycles within it), more than the capacity of 25"
    );
    // Exactly the capacity is not over it.
    let mut d = doc(NESTED);
    d.people[0].capacity_hours = Some(26.0);
    assert_eq!(findings(&d, day(2026, 5, 1), &p, "over_capacity"), vec![]);
}

#[test]
fn owning_a_quarter_objective_is_owning_one_in_the_half() {
    let p = Policy::default();
    // lea owns only a Q2 objective: not "owning nothing" in H1. cy owns nothing: one
    // finding, for the outermost cycle H1 (not a second one for Q2).
    let f = findings(
        &doc(NESTED),
        day(2026, 5, 1),
        &p,
        "person_without_objectives",
    );
    assert_eq!(f.len(), 1, "{f:#?}");
    assert_eq!(f[0].subjects, ["cy"]);
    assert_eq!(
        f[0].message,
        "`cy` of team `t` owns no objective in cycle `2026-H1`"
    );
    // cycle_mismatch is unchanged: a Q2 objective may align to an H1 one.
    let mut d = doc(NESTED);
    d.objectives[1].aligns_to.push(Link::to("half"));
    assert_eq!(findings(&d, day(2026, 5, 1), &p, "cycle_mismatch"), vec![]);
    // too_many_objectives still counts per cycle: 3 in H1 and 3 in Q2 with a maximum of
    // 5 is no finding, though the half and its quarter together hold 6.
    let mut d = doc(NESTED);
    for (i, cycle) in ["2026-H1", "2026-H1", "2026-Q2", "2026-Q2"]
        .iter()
        .enumerate()
    {
        let mut o = d.objectives[0].clone();
        o.id = format!("extra{i}").into();
        o.cycle = (*cycle).into();
        o.owners = vec!["ana".into()];
        o.effort_hours = None;
        d.objectives.push(o);
    }
    assert_eq!(
        findings(&d, day(2026, 5, 1), &p, "too_many_objectives"),
        vec![]
    );
}

// ---------------------------------------------------------------------------------------
// children_not_counted and default_rollup

fn parent(rollup: &str) -> Document {
    doc(&format!(
        "version: 1
cycles: [{{id: H2, start: 2021-07-01, end: 2021-12-31}}]
levels: [company, team]
objectives:
  - id: top
    title: Top
    cycle: H2
    level: company
    {rollup}
    key_results:
      - {{id: own, title: Own, kind: metric, start: 0, target: 10, check_ins: [{{date: 2021-09-01, value: 2}}]}}
  - {{id: a, title: A, cycle: H2, level: team, aligns_to: [top], key_results:
     [{{id: ka, title: KA, kind: metric, start: 0, target: 10, check_ins: [{{date: 2021-09-01, value: 8}}]}}]}}
  - {{id: s, title: S, cycle: H2, level: team, aligns_to: [{{objective: top, contributes: false}}],
     key_results: []}}
  - {{id: b, title: B, cycle: H2, level: team, aligns_to: [top], key_results:
     [{{id: kb, title: KB, kind: metric, start: 0, target: 10, check_ins: [{{date: 2021-09-01, value: 8}}]}}]}}
"
    ))
}

const SEPT: NaiveDate = match NaiveDate::from_ymd_opt(2021, 9, 1) {
    Some(d) => d,
    None => panic!(),
};

#[test]
fn children_not_counted_fires_in_auto_mode_with_key_results_and_contributing_children() {
    let p = Policy::default();
    for rollup in ["", "rollup: auto"] {
        let f = findings(&parent(rollup), SEPT, &p, "children_not_counted");
        assert_eq!(f.len(), 1, "{rollup}: {f:#?}");
        // The objective, then its contributing children in document order (`s` only
        // supports it).
        assert_eq!(f[0].subjects, ["top", "a", "b"]);
        assert_eq!(f[0].severity, Severity::Warning);
        assert_eq!(f[0].path.as_deref(), Some("objectives[0]"));
        assert_eq!(
            f[0].message,
            "`top` is scored from its key results only (rollup `auto`): the objectives `a`, `b` that contribute to it do not count"
        );
        let help = f[0].help.as_deref().unwrap();
        assert!(help.contains("`rollup: blend`") && help.contains("`default_rollup`"));
    }
    // Meant (key_results), or counted (blend, children): no finding.
    for rollup in ["rollup: key_results", "rollup: blend", "rollup: children"] {
        assert_eq!(
            findings(&parent(rollup), SEPT, &p, "children_not_counted"),
            vec![],
            "{rollup}"
        );
    }
    // The policy's default_rollup decides for objectives that name no mode.
    let blend = Policy {
        default_rollup: RollupMode::Blend,
        ..Policy::default()
    };
    assert_eq!(
        findings(&parent(""), SEPT, &blend, "children_not_counted"),
        vec![]
    );
    // An objective whose key results are all unscored is scored from its children: no
    // finding. A baseline KR is never scored.
    let mut d = parent("");
    d.objectives[0].key_results[0].kind = KrKind::Baseline { unit: None };
    assert_eq!(findings(&d, SEPT, &p, "children_not_counted"), vec![]);
    // Supporting children alone are not counted by any mode: no finding.
    let mut d = parent("");
    d.objectives
        .retain(|o| o.id.as_str() != "a" && o.id.as_str() != "b");
    assert_eq!(findings(&d, SEPT, &p, "children_not_counted"), vec![]);
}

#[test]
fn children_not_counted_is_in_the_rule_catalogue_and_the_policy() {
    let r = rule("children_not_counted").unwrap();
    assert_eq!(r.default_severity, Severity::Warning);
    let off = Policy::from_str("severities: {children_not_counted: off}\n", Format::Yaml).unwrap();
    assert_eq!(
        findings(&parent(""), SEPT, &off, "children_not_counted"),
        vec![]
    );
}

#[test]
fn default_rollup_sets_the_mode_of_objectives_that_name_none() {
    // top's own KR: 2 / 10 = 0.2; a and b: 8 / 10 = 0.8 each, children mean 0.8.
    let score = |d: Document, p: Policy| Scorecard::new(d, AsOf::Date(SEPT), p).objective("top");
    // Under a policy default of `children` the leaves `a` and `b` (no children) are
    // unscored, and so is `top`: the mean over no inputs is undefined (SPEC §4).
    let children = Policy {
        default_rollup: RollupMode::Children,
        ..Policy::default()
    };
    let card = Scorecard::new(parent(""), AsOf::Date(SEPT), children);
    assert_eq!(card.objective("a").unwrap().score, None);
    assert_eq!(card.objective("top").unwrap().score, None);
    // So the leaves name their mode (`auto`) and `top` takes the policy's.
    let parent = |rollup: &str| leaves_in_auto(parent(rollup));
    let with = |mode| Policy {
        default_rollup: mode,
        ..Policy::default()
    };
    assert!(close(
        score(parent(""), Policy::default()).unwrap().score,
        0.2
    ));
    assert!(close(
        score(parent(""), with(RollupMode::Children)).unwrap().score,
        0.8
    ));
    // blend with the policy's default_blend 0.5: 0.5 × 0.2 + 0.5 × 0.8 = 0.5.
    assert!(close(
        score(parent(""), with(RollupMode::Blend)).unwrap().score,
        0.5
    ));
    // ... and with default_blend 0.25: 0.25 × 0.2 + 0.75 × 0.8 = 0.65.
    let p = Policy {
        default_blend: 0.25,
        ..with(RollupMode::Blend)
    };
    assert!(close(score(parent(""), p).unwrap().score, 0.65));
    // An objective's own mode wins over the policy's.
    let s = score(parent("rollup: key_results"), with(RollupMode::Children)).unwrap();
    assert!(close(s.score, 0.2));
    // Incremental updates use it too: a check-in of 10 on `ka` makes a 1.0, the children
    // mean (1 + 0.8) / 2 = 0.9.
    let mut card = Scorecard::new(parent(""), AsOf::Date(SEPT), with(RollupMode::Children));
    card.check_in("ka", CheckIn::new(SEPT, 10.0)).unwrap();
    assert!(close(card.objective("top").unwrap().score, 0.9));
    assert!(card.matches_full_recompute());
}

/// `parent` with its leaves `a` and `b` in `auto` mode of their own, so that a policy's
/// `default_rollup` applies to `top` only.
fn leaves_in_auto(mut d: Document) -> Document {
    for o in &mut d.objectives {
        if o.id.as_str() == "a" || o.id.as_str() == "b" {
            o.rollup = Some(RollupMode::Auto);
        }
    }
    d
}

#[test]
fn default_rollup_moves_influence() {
    // Under auto, top is scored from its own KR: a's score does not move it (influence 0).
    // Under children: top = (a + b) / 2, so ∂top/∂a = 1/2.
    let influence = |p: Policy| {
        let t = Scorecard::new(leaves_in_auto(parent("")), AsOf::Date(SEPT), p).tables();
        let c = &t.contributions;
        (0..c.objective.len())
            .find(|&i| c.objective[i] == "a" && c.top[i] == "top")
            .map(|i| c.influence[i])
            .unwrap()
    };
    assert_eq!(influence(Policy::default()), 0.0);
    let children = Policy {
        default_rollup: RollupMode::Children,
        ..Policy::default()
    };
    assert!(close(Some(influence(children)), 0.5));
}

#[test]
fn default_rollup_in_policy_files_and_settings() {
    let p = Policy::from_str("default_rollup: children\n", Format::Yaml).unwrap();
    assert_eq!(p.default_rollup, RollupMode::Children);
    let p = Policy::from_str(r#"{"default_rollup": "blend"}"#, Format::Json).unwrap();
    assert_eq!(p.default_rollup, RollupMode::Blend);
    let p = Policy::from_str("default_rollup = \"key_results\"\n", Format::Toml).unwrap();
    assert_eq!(p.default_rollup, RollupMode::KeyResults);
    assert_eq!(Policy::default().default_rollup, RollupMode::Auto);
    let e = Policy::from_str("default_rollup: chldren\n", Format::Yaml).unwrap_err();
    assert_eq!(e.problems.len(), 1);
    assert_eq!(e.problems[0].path, "default_rollup");
    assert_eq!(
        e.problems[0].message,
        "unknown rollup mode `chldren`, did you mean `children`?"
    );
    let settings = PolicySettings {
        default_rollup: Some("blend".into()),
        ..PolicySettings::default()
    };
    assert_eq!(
        Policy::from_settings(&settings).unwrap().default_rollup,
        RollupMode::Blend
    );
}

// ---------------------------------------------------------------------------------------
// invalid_value: effort above the cycle's hours

#[test]
fn effort_above_the_hours_of_its_cycle_is_invalid() {
    // 2021-07-01 to 2021-12-31 is 184 days: 184 × 24 = 4416 hours.
    let mut d = parent("");
    d.objectives[1].effort_hours = Some(4416.0);
    assert_eq!(
        findings(&d, SEPT, &Policy::default(), "invalid_value"),
        vec![]
    );
    d.objectives[1].effort_hours = Some(4417.0);
    let f = findings(&d, SEPT, &Policy::default(), "invalid_value");
    assert_eq!(f.len(), 1, "{f:#?}");
    assert_eq!(f[0].subjects, ["a"]);
    assert_eq!(f[0].path.as_deref(), Some("objectives[1].effort_hours"));
    assert_eq!(
        f[0].message,
        "effort `4417` is more than the 4416 hours of cycle `H2` (2021-07-01 to 2021-12-31)"
    );
}

// ---------------------------------------------------------------------------------------
// unknown_reference: did you mean

const TYPOS: &str = "\
version: 1
cycles: [{id: H2, start: 2021-07-01, end: 2021-12-31}]
levels: [company, team]
teams: [{id: platform}, {id: payments}]
people: [{id: lars}, {id: lara}]
objectives:
  - {id: top-objective, title: T, cycle: H2, level: company, owners: [lars], key_results: []}
  - {id: x, title: X, cycle: H2, level: team, team: platfrom, owners: [Lars, zed],
     aligns_to: [top-objectiv], key_results: []}
";

#[test]
fn unknown_references_name_the_closest_id_of_their_kind() {
    let f = findings(&doc(TYPOS), SEPT, &Policy::default(), "unknown_reference");
    let help = |id: &str| {
        f.iter()
            .find(|x| x.subjects[1] == id)
            .and_then(|x| x.help.clone())
            .unwrap()
    };
    assert_eq!(f.len(), 4, "{f:#?}");
    // A transposition is one edit (`platfrom` → `platform`), not two.
    assert_eq!(
        help("platfrom"),
        "did you mean `platform`? (or define the team `platfrom` in the document)"
    );
    // Equal but for case wins over `lara`, one edit away from `lars` too.
    assert_eq!(
        help("Lars"),
        "did you mean `lars`? (or define the person `Lars` in the document)"
    );
    assert_eq!(
        help("top-objectiv"),
        "did you mean `top-objective`? (or define the parent objective `top-objectiv` in the document)"
    );
    // `zed` is three edits from every person: no suggestion.
    assert_eq!(
        help("zed"),
        "define the person `zed` in the document, or fix the id"
    );
}

// ---------------------------------------------------------------------------------------
// The date each cycle is judged at

#[test]
fn each_cycle_is_judged_at_the_as_of_date_or_its_end_once_closed() {
    let d = doc(NESTED);
    let today = day(2026, 5, 1);
    // Today 2026-05-01: both cycles run, both at today.
    let card = Scorecard::new(d.clone(), AsOf::Today(today), Policy::default());
    assert_eq!(card.cycle_as_of("2026-Q2"), Some(today));
    // Today 2026-12-01: both closed, each at its end (both end 2026-06-30).
    let card = Scorecard::new(d.clone(), AsOf::Today(day(2026, 12, 1)), Policy::default());
    let dates: Vec<(String, NaiveDate)> = card
        .cycles_as_of()
        .map(|(c, d)| (c.id.0.clone(), d))
        .collect();
    assert_eq!(
        dates,
        [
            ("2026-H1".to_string(), day(2026, 6, 30)),
            ("2026-Q2".to_string(), day(2026, 6, 30))
        ]
    );
    // An explicit date is used for every cycle (late grading counts).
    let card = Scorecard::new(d, AsOf::Date(day(2026, 12, 1)), Policy::default());
    assert_eq!(card.cycle_as_of("2026-H1"), Some(day(2026, 12, 1)));
    assert_eq!(card.cycle_as_of("nope"), None);
}

#[test]
fn a_decreasing_metric_at_its_start_scores_zero_not_minus_zero() {
    // (30 − 30) / (10 − 30) is −0 in floating point; every output would print `-0`.
    let d = doc("version: 1
cycles: [{id: H2, start: 2021-07-01, end: 2021-12-31}]
objectives:
  - {id: o, title: O, cycle: H2, level: company, key_results:
     [{id: pm, title: PM, kind: metric, start: 30, target: 10, check_ins: [{date: 2021-08-01, value: 30}]}]}
");
    let card = Scorecard::new(d, AsOf::Date(SEPT), Policy::default());
    let kr = card.key_result("pm").unwrap();
    for x in [kr.score, kr.progress, card.objective("o").unwrap().score] {
        let x = x.unwrap();
        assert!(x == 0.0 && x.is_sign_positive(), "{x:?}");
    }
}
