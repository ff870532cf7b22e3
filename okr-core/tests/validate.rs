//! Every rule of SPEC §6: a document that triggers it (code, subjects, path) and a near
//! miss that does not.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use chrono::NaiveDate;
use okr_core::*;

const BASE: &str = "\
version: 1
cycles: [{id: H2, start: 2021-07-01, end: 2021-12-31}]
levels: [company, team, individual]
teams: [{id: t}]
people:
  - {id: ceo, capacity_hours: 10}
  - {id: ana, team: t, capacity_hours: 40}
  - {id: bo, team: t, capacity_hours: 40}
themes: [{id: th, title: Theme}]
initiatives: [{id: init, title: Init, team: t}]
objectives:
  - {id: top, title: Top, cycle: H2, level: company, owners: [ceo], themes: [th], key_results: []}
  - id: team-o
    title: Team
    cycle: H2
    level: team
    team: t
    owners: [ana]
    initiatives: [init]
    aligns_to: [top]
    effort_hours: 10
    rollup: blend
    key_results:
      - {id: k1, title: K1, kind: metric, start: 0, target: 10, check_ins: [{date: 2021-08-25, value: 5}]}
  - id: ind-o
    title: Individual
    cycle: H2
    level: individual
    team: t
    owners: [ana, bo]
    aligns_to: [team-o]
    effort_hours: 20
    key_results:
      - {id: k2, title: K2, kind: binary, initiatives: [init], check_ins: [{date: 2021-08-30, value: false}]}
";

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn base() -> Document {
    Document::from_str(BASE, Format::Yaml).unwrap()
}

const AS_OF: AsOf = AsOf::Date(match NaiveDate::from_ymd_opt(2021, 9, 1) {
    Some(d) => d,
    None => panic!(),
});

fn run(doc: &Document) -> Vec<Finding> {
    validate(doc, AS_OF, &Policy::default())
}

fn of<'a>(findings: &'a [Finding], code: &str) -> Vec<&'a Finding> {
    findings.iter().filter(|f| f.code == code).collect()
}

/// Exactly one finding of `code`, with these subjects and path.
fn one(doc: &Document, code: &str, subjects: &[&str], path: &str) -> Finding {
    let all = run(doc);
    let found = of(&all, code);
    assert_eq!(found.len(), 1, "{code}: {all:#?}");
    assert_eq!(found[0].subjects, subjects, "{code}");
    assert_eq!(found[0].path.as_deref(), Some(path), "{code}");
    let m = &found[0].message;
    assert!(
        !m.ends_with('.') && m.chars().next().is_some_and(|c| !c.is_uppercase()),
        "{m}"
    );
    found[0].clone()
}

fn none(doc: &Document, code: &str) {
    let all = run(doc);
    assert!(
        of(&all, code).is_empty(),
        "{code} should not fire: {all:#?}"
    );
}

fn obj<'a>(doc: &'a mut Document, id: &str) -> &'a mut Objective {
    doc.objectives
        .iter_mut()
        .find(|o| o.id.as_str() == id)
        .unwrap()
}

#[test]
fn the_base_document_is_clean() {
    assert_eq!(run(&base()), vec![]);
}

#[test]
fn duplicate_id() {
    let mut d = base();
    d.teams.push(d.teams[0].clone());
    let f = one(&d, "duplicate_id", &["t"], "teams[1].id");
    assert_eq!(f.severity, Severity::Error);
    // An objective and a key result share one namespace.
    let mut d = base();
    obj(&mut d, "ind-o").key_results[0].id = "top".into();
    one(
        &d,
        "duplicate_id",
        &["top"],
        "objectives[2].key_results[0].id",
    );
    // Near miss: the same id in two different kinds (a team and a person) is fine.
    let mut d = base();
    d.people[0].id = "t".into();
    for o in &mut d.objectives {
        for p in &mut o.owners {
            if p.as_str() == "ceo" {
                *p = "t".into();
            }
        }
    }
    none(&d, "duplicate_id");
}

#[test]
fn unknown_reference() {
    let mut d = base();
    obj(&mut d, "ind-o").aligns_to[0].objective = "nope".into();
    one(
        &d,
        "unknown_reference",
        &["ind-o", "nope"],
        "objectives[2].aligns_to[0]",
    );
    let mut d = base();
    obj(&mut d, "team-o").owners.push("zed".into());
    one(
        &d,
        "unknown_reference",
        &["team-o", "zed"],
        "objectives[1].owners[1]",
    );
    let mut d = base();
    obj(&mut d, "top").level = "exec".into();
    one(
        &d,
        "unknown_reference",
        &["top", "exec"],
        "objectives[0].level",
    );
    let mut d = base();
    obj(&mut d, "top").cycle = "H3".into();
    let all = run(&d);
    assert!(of(&all, "unknown_reference")
        .iter()
        .any(|f| f.subjects == ["top", "H3"]));
    let mut d = base();
    obj(&mut d, "ind-o").key_results[0].initiatives = vec!["other".into()];
    one(
        &d,
        "unknown_reference",
        &["k2", "other"],
        "objectives[2].key_results[0].initiatives[0]",
    );
    none(&base(), "unknown_reference");
}

#[test]
fn alignment_cycle_through_three_objectives() {
    let mut d = base();
    d.objectives.push(Objective {
        id: "x".into(),
        aligns_to: vec![Link::to("ind-o")],
        ..d.objectives[2].clone()
    });
    d.objectives.last_mut().unwrap().key_results.clear();
    // team-o → top, plus top → x → ind-o → team-o closes a cycle of four; make it three:
    obj(&mut d, "team-o").aligns_to.push(Link::to("x"));
    obj(&mut d, "ind-o").key_results[0].id = "k2".into();
    let all = run(&d);
    let cycles = of(&all, "alignment_cycle");
    assert_eq!(cycles.len(), 1, "{all:#?}");
    assert_eq!(cycles[0].subjects, ["team-o", "x", "ind-o"]);
    assert_eq!(
        cycles[0].message,
        "alignment cycle: `team-o` → `x` → `ind-o` → `team-o`"
    );
    assert_eq!(cycles[0].severity, Severity::Error);
    none(&base(), "alignment_cycle");
}

#[test]
fn invalid_value() {
    let mut d = base();
    obj(&mut d, "team-o").key_results[0].check_ins[0].confidence = Some(1.5);
    one(
        &d,
        "invalid_value",
        &["k1"],
        "objectives[1].key_results[0].check_ins[0].confidence",
    );
    let mut d = base();
    obj(&mut d, "ind-o").aligns_to[0].weight = -1.0;
    one(
        &d,
        "invalid_value",
        &["ind-o"],
        "objectives[2].aligns_to[0].weight",
    );
    let mut d = base();
    d.people[1].capacity_hours = Some(f64::NAN);
    one(&d, "invalid_value", &["ana"], "people[1].capacity_hours");
    let mut d = base();
    obj(&mut d, "team-o").blend = Some(1.2);
    one(&d, "invalid_value", &["team-o"], "objectives[1].blend");
    // Near miss: the boundaries 0 and 1 are valid.
    let mut d = base();
    obj(&mut d, "team-o").blend = Some(1.0);
    obj(&mut d, "team-o").key_results[0].check_ins[0].confidence = Some(0.0);
    obj(&mut d, "ind-o").aligns_to[0].weight = 0.0;
    none(&d, "invalid_value");
}

#[test]
fn zero_range() {
    let mut d = base();
    obj(&mut d, "team-o").key_results[0].kind = KrKind::Metric {
        start: 10.0,
        target: 10.0,
        unit: None,
    };
    one(
        &d,
        "zero_range",
        &["k1"],
        "objectives[1].key_results[0].target",
    );
    none(&base(), "zero_range");
}

#[test]
fn invalid_cycle_dates() {
    let mut d = base();
    d.cycles[0].end = day(2021, 6, 30);
    one(&d, "invalid_cycle_dates", &["H2"], "cycles[0].end");
    let mut d = base();
    d.cycles[0].end = d.cycles[0].start; // a one-day cycle is valid
    none(&d, "invalid_cycle_dates");
}

#[test]
fn level_inversion_via_a_second_parent() {
    let mut d = base();
    obj(&mut d, "team-o").aligns_to.push(Link::to("ind-o"));
    let all = run(&d);
    let f = of(&all, "level_inversion");
    assert_eq!(f.len(), 1, "{all:#?}");
    assert_eq!(f[0].subjects, ["team-o", "ind-o"]);
    assert_eq!(f[0].path.as_deref(), Some("objectives[1].aligns_to[1]"));
    // Same level is an inversion too; a level above is fine.
    let mut d = base();
    obj(&mut d, "ind-o").level = "team".into();
    one(
        &d,
        "level_inversion",
        &["ind-o", "team-o"],
        "objectives[2].aligns_to[0]",
    );
    none(&base(), "level_inversion");
}

#[test]
fn cycle_mismatch() {
    let mut d = base();
    d.cycles.push(Cycle {
        id: "Q4".into(),
        start: day(2021, 10, 1),
        end: day(2022, 1, 31),
        name: None,
        extra: Extra::new(),
    });
    obj(&mut d, "ind-o").cycle = "Q4".into();
    one(
        &d,
        "cycle_mismatch",
        &["ind-o", "team-o"],
        "objectives[2].aligns_to[0]",
    );
    // A quarter inside the half is fine.
    d.cycles[1].end = day(2021, 12, 31);
    none(&d, "cycle_mismatch");
}

#[test]
fn orphan_objective_and_supports_links() {
    let mut d = base();
    obj(&mut d, "ind-o").aligns_to.clear();
    one(&d, "orphan_objective", &["ind-o"], "objectives[2]");
    // A supporting link keeps it from being an orphan, but does not cover the parent.
    let mut d = base();
    obj(&mut d, "ind-o").aligns_to[0].contributes = false;
    none(&d, "orphan_objective");
    one(&d, "uncovered_objective", &["team-o"], "objectives[1]");
}

#[test]
fn uncovered_objective() {
    let mut d = base();
    obj(&mut d, "team-o").aligns_to.clear();
    one(&d, "uncovered_objective", &["top"], "objectives[0]");
    // The bottom level is never uncovered.
    none(&base(), "uncovered_objective");
}

#[test]
fn no_key_results() {
    let mut d = base();
    obj(&mut d, "ind-o").key_results.clear();
    one(
        &d,
        "no_key_results",
        &["ind-o"],
        "objectives[2].key_results",
    );
    let mut d = base();
    obj(&mut d, "top").rollup = Some(RollupMode::KeyResults);
    one(&d, "no_key_results", &["top"], "objectives[0].key_results");
    // Contributing children are enough in `auto` mode.
    none(&base(), "no_key_results");
}

fn with_krs(n: usize) -> Document {
    let mut d = base();
    let o = obj(&mut d, "team-o");
    let template = o.key_results[0].clone();
    o.key_results = (0..n)
        .map(|i| KeyResult {
            id: format!("kr{i}").into(),
            ..template.clone()
        })
        .collect();
    d
}

#[test]
fn too_many_key_results_at_six_not_five() {
    none(&with_krs(5), "too_many_key_results");
    one(
        &with_krs(6),
        "too_many_key_results",
        &["team-o"],
        "objectives[1].key_results",
    );
}

#[test]
fn too_many_objectives() {
    let mut d = base();
    let template = obj(&mut d, "ind-o").clone();
    for i in 0..4 {
        d.objectives.push(Objective {
            id: format!("extra{i}").into(),
            key_results: vec![],
            owners: vec!["bo".into()],
            ..template.clone()
        });
    }
    // bo owns ind-o + 4 = 5: fine; a sixth fires.
    none(&d, "too_many_objectives");
    d.objectives.push(Objective {
        id: "extra4".into(),
        key_results: vec![],
        owners: vec!["bo".into()],
        ..template
    });
    one(
        &d,
        "too_many_objectives",
        &[
            "bo", "ind-o", "extra0", "extra1", "extra2", "extra3", "extra4",
        ],
        "people[2]",
    );
}

#[test]
fn no_owner() {
    let mut d = base();
    obj(&mut d, "top").owners.clear();
    one(&d, "no_owner", &["top"], "objectives[0]");
    none(&base(), "no_owner");
}

#[test]
fn check_in_outside_cycle() {
    let mut d = base();
    obj(&mut d, "team-o").key_results[0]
        .check_ins
        .push(CheckIn::new(day(2022, 1, 1), 9.0));
    one(
        &d,
        "check_in_outside_cycle",
        &["k1", "team-o"],
        "objectives[1].key_results[0].check_ins[1].date",
    );
    let mut d = base();
    obj(&mut d, "team-o").key_results[0]
        .plan
        .insert(day(2021, 6, 30), 3.0);
    one(
        &d,
        "check_in_outside_cycle",
        &["k1", "team-o"],
        "objectives[1].key_results[0].plan.2021-06-30",
    );
    // The first and last days are inside.
    let mut d = base();
    obj(&mut d, "team-o").key_results[0]
        .check_ins
        .push(CheckIn::new(day(2021, 12, 31), 9.0));
    obj(&mut d, "team-o").key_results[0]
        .plan
        .insert(day(2021, 7, 1), 0.0);
    none(&d, "check_in_outside_cycle");
}

#[test]
fn stale_check_in_at_exactly_stale_days_is_not_stale() {
    // k1's last check-in is 2021-08-25: 14 days before 2021-09-08, 15 before 2021-09-09.
    let mut d = base();
    obj(&mut d, "ind-o").key_results[0].check_ins[0].date = day(2021, 9, 8);
    let at = |y, m, dd| AsOf::Date(day(y, m, dd));
    let stale = |d: &Document, a| -> Vec<Vec<String>> {
        validate(d, a, &Policy::default())
            .into_iter()
            .filter(|f| f.code == "stale_check_in")
            .map(|f| f.subjects)
            .collect()
    };
    assert_eq!(stale(&d, at(2021, 9, 8)), Vec::<Vec<String>>::new());
    assert_eq!(stale(&d, at(2021, 9, 9)), vec![vec!["k1".to_string()]]);
    // No check-in on or before the date counts from the cycle start (k2's check-in is
    // later); outside the cycle the rule is quiet.
    obj(&mut d, "team-o").key_results[0].check_ins.clear();
    assert_eq!(stale(&d, at(2021, 7, 15)), Vec::<Vec<String>>::new());
    assert_eq!(
        stale(&d, at(2021, 7, 16)),
        vec![vec!["k1".to_string()], vec!["k2".to_string()]]
    );
    assert_eq!(stale(&d, at(2022, 2, 1)), Vec::<Vec<String>>::new());
}

#[test]
fn side_project() {
    let mut d = base();
    obj(&mut d, "ind-o").key_results[0].initiatives.clear();
    one(&d, "side_project", &["ind-o"], "objectives[2]");
    // Company-level objectives are not side projects.
    let mut d = base();
    obj(&mut d, "top").initiatives.clear();
    none(&d, "side_project");
}

#[test]
fn over_capacity_splits_shared_effort() {
    // ana: team-o 10 + half of ind-o's 20 = 20; capacity exactly 20 is fine.
    let mut d = base();
    d.people[1].capacity_hours = Some(20.0);
    none(&d, "over_capacity");
    d.people[1].capacity_hours = Some(19.5);
    one(
        &d,
        "over_capacity",
        &["ana", "team-o", "ind-o"],
        "people[1]",
    );
}

#[test]
fn person_without_objectives() {
    let mut d = base();
    d.people.push(Person {
        id: "cy".into(),
        name: None,
        team: Some("t".into()),
        capacity_hours: None,
        extra: Extra::new(),
    });
    let f = one(&d, "person_without_objectives", &["cy"], "people[3]");
    assert_eq!(f.severity, Severity::Info);
    // A person of a team with no objectives in the cycle is not flagged.
    d.teams.push(Team {
        id: "u".into(),
        name: None,
        parent: None,
        extra: Extra::new(),
    });
    d.people[3].team = Some("u".into());
    none(&d, "person_without_objectives");
}

#[test]
fn stale_override_looks_at_descendants() {
    let mut d = base();
    // ind-o's k2 was checked in on 2021-08-30: an override of top dated 2021-08-29 is stale.
    obj(&mut d, "top").overrides.push(Override {
        score: 0.5,
        date: day(2021, 8, 29),
        reason: None,
        extra: Extra::new(),
    });
    one(&d, "stale_override", &["top"], "objectives[0].overrides[0]");
    obj(&mut d, "top").overrides[0].date = day(2021, 8, 30);
    none(&d, "stale_override");
}

#[test]
fn sandbagging_from_the_cycle_end() {
    let mut d = base();
    obj(&mut d, "ind-o").key_results[0]
        .check_ins
        .push(CheckIn::new(day(2021, 12, 1), true));
    let at_end = validate(&d, AsOf::Date(day(2021, 12, 31)), &Policy::default());
    let f = of(&at_end, "sandbagging");
    assert_eq!(f.len(), 1, "{at_end:#?}");
    assert_eq!(f[0].subjects, ["ind-o"]);
    let before = validate(&d, AsOf::Date(day(2021, 12, 30)), &Policy::default());
    assert!(of(&before, "sandbagging").is_empty());
    // Committed objectives are meant to reach 1.0.
    obj(&mut d, "ind-o").commitment = Commitment::Committed;
    let at_end = validate(&d, AsOf::Date(day(2021, 12, 31)), &Policy::default());
    assert!(of(&at_end, "sandbagging").is_empty());
}

#[test]
fn weights_all_zero() {
    // team-o blends its key result and its child `ind-o`: both weights 0, nothing counts.
    let mut d = base();
    obj(&mut d, "team-o").key_results[0].weight = 0.0;
    obj(&mut d, "ind-o").aligns_to[0].weight = 0.0;
    one(&d, "weights_all_zero", &["team-o"], "objectives[1]");
    // One side with weight left is enough.
    let mut d = base();
    obj(&mut d, "team-o").key_results[0].weight = 0.0;
    none(&d, "weights_all_zero"); // the child still counts
    let mut d = base();
    obj(&mut d, "ind-o").aligns_to[0].weight = 0.0;
    none(&d, "weights_all_zero"); // team-o still has its own key result
}

#[test]
fn every_rule_has_a_test_and_the_specified_default_severity() {
    let codes: Vec<&str> = RULES.iter().map(|r| r.code).collect();
    assert_eq!(codes.len(), 23);
    let infos: Vec<&str> = RULES
        .iter()
        .filter(|r| r.default_severity == Severity::Info)
        .map(|r| r.code)
        .collect();
    assert_eq!(
        infos,
        ["person_without_objectives", "stale_override", "sandbagging"]
    );
    let errors: Vec<&str> = RULES
        .iter()
        .filter(|r| r.default_severity == Severity::Error)
        .map(|r| r.code)
        .collect();
    assert_eq!(
        errors,
        [
            "duplicate_id",
            "unknown_reference",
            "alignment_cycle",
            "invalid_value",
            "zero_range",
            "invalid_cycle_dates"
        ]
    );
}

#[test]
fn policy_switches_rules_off_and_changes_severities() {
    let mut d = base();
    obj(&mut d, "top").owners.clear();
    let off = Policy::from_str("severities: {no_owner: 'off'}\n", Format::Yaml).unwrap();
    assert!(validate(&d, AS_OF, &off).is_empty());
    let err = Policy::from_str("severities: {no_owner: error}\n", Format::Yaml).unwrap();
    assert_eq!(validate(&d, AS_OF, &err)[0].severity, Severity::Error);
    let tight = Policy::from_str("max_key_results: 0\n", Format::Yaml).unwrap();
    assert_eq!(
        of(&validate(&base(), AS_OF, &tight), "too_many_key_results").len(),
        2
    );
}

#[test]
fn policy_load_errors_name_the_closest_valid_field_or_code() {
    let e = Policy::from_str(
        "stale_dayz: 3\nseverities: {side_projects: off, no_owner: loud}\n",
        Format::Yaml,
    )
    .unwrap_err();
    let msgs: Vec<&str> = e.problems.iter().map(|p| p.message.as_str()).collect();
    assert_eq!(
        msgs,
        [
            "unknown field `stale_dayz`, did you mean `stale_days`?",
            "unknown rule code `side_projects`, did you mean `side_project`?",
            "unknown severity `loud`, expected one of `error`, `warning`, `info`, `off`",
        ]
    );
    let p = Policy::from_str("{\"score_cap\": 1.2}", Format::Json).unwrap();
    assert_eq!(p.score_cap, 1.2);
    let p = Policy::from_str(
        "on_track = 0.8\n[severities]\nsandbagging = \"warning\"\n",
        Format::Toml,
    )
    .unwrap();
    assert_eq!(p.on_track, 0.8);
    assert_eq!(p.severities["sandbagging"], SeverityLevel::Warning);
}

#[test]
fn validate_survives_broken_documents() {
    let mut d = base();
    obj(&mut d, "top").aligns_to.push(Link::to("top"));
    obj(&mut d, "team-o").key_results[0].check_ins[0].value = Value::Number(f64::INFINITY);
    d.objectives.push(d.objectives[1].clone());
    obj(&mut d, "ind-o").cycle = "nowhere".into();
    let all = run(&d);
    for code in [
        "alignment_cycle",
        "invalid_value",
        "duplicate_id",
        "unknown_reference",
    ] {
        assert!(!of(&all, code).is_empty(), "{code}: {all:#?}");
    }
}

/// The shared fixture `tests/fixtures/check/flawed.yaml` (also read by the Python suite)
/// yields exactly the findings written by hand beside it.
#[test]
fn flawed_fixture_matches_its_hand_written_findings() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let doc = Document::from_path(root.join("tests/fixtures/check/flawed.yaml")).unwrap();
    let want: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root.join("tests/fixtures/check/flawed.expected.json")).unwrap(),
    )
    .unwrap();
    let as_of = NaiveDate::parse_from_str(want["as_of"].as_str().unwrap(), "%Y-%m-%d").unwrap();
    let mut got: Vec<String> = validate(&doc, AsOf::Date(as_of), &Policy::default())
        .iter()
        .map(|f| {
            serde_json::json!({"code": f.code, "severity": f.severity.as_str(),
                "subjects": f.subjects, "path": f.path})
            .to_string()
        })
        .collect();
    let mut expected: Vec<String> = want["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.to_string())
        .collect();
    got.sort();
    expected.sort();
    assert_eq!(got, expected);
}
