//! Filters (SPEC §10) on examples/engineering-2021-h2.yaml: every expected id list is
//! written from reading the file.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use chrono::NaiveDate;
use okr_core::{
    AsOf, Document, Filter, FilterError, Finding, Format, Policy, Scorecard, Severity, Status,
};
use std::path::PathBuf;
use std::process::Command;

fn example() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../examples/engineering-2021-h2.yaml")
}

fn card() -> Scorecard {
    let doc = Document::from_path(example()).unwrap();
    let as_of = AsOf::Date(NaiveDate::from_ymd_opt(2021, 11, 15).unwrap());
    Scorecard::new(doc, as_of, Policy::default())
}

fn selected(filter: Filter) -> Vec<String> {
    let card = card();
    let sel = filter.select(&card).unwrap();
    card.objectives()
        .filter(|(o, _)| sel.objective(o.id.as_str()))
        .map(|(o, _)| o.id.to_string())
        .collect()
}

fn f() -> Filter {
    Filter::default()
}

#[test]
fn team_selects_that_team_and_the_teams_below() {
    let team = |t: &str| {
        selected(Filter {
            team: Some(t.into()),
            ..f()
        })
    };
    assert_eq!(
        team("checkout-cluster"),
        [
            "checkout-faster-pipelines",
            "checkout-release-confidence",
            "ana-build-cache",
            "ben-migrate-services",
            "ben-pipeline-templates",
            "checkout-contract-tests",
            "chloe-share-research",
            "dev-flaky-tests",
        ]
    );
    // back-office and its three teams: every objective but the three company ones.
    let all = team("back-office");
    assert_eq!(all.len(), 24);
    assert_eq!(all[0], "bo-automate-support");
    assert!(!all.iter().any(|o| o == "tools-leverage"));
}

#[test]
fn team_selects_the_key_results_and_people_of_those_teams() {
    let card = card();
    let sel = Filter {
        team: Some("checkout-cluster".into()),
        ..f()
    }
    .select(&card)
    .unwrap();
    let people: Vec<&str> = card
        .document()
        .people
        .iter()
        .map(|p| p.id.as_str())
        .filter(|p| sel.person(p))
        .collect();
    assert_eq!(people, ["ana", "ben", "chloe", "dev"]);
    assert!(sel.key_result("pipeline-minutes") && sel.key_result("flaky-rate"));
    assert!(!sel.key_result("payments-p95"));
}

#[test]
fn owner_selects_objectives_owned_alone_or_shared() {
    let owner = |p: &str| {
        selected(Filter {
            owner: Some(p.into()),
            ..f()
        })
    };
    assert_eq!(
        owner("chloe"),
        ["checkout-contract-tests", "chloe-share-research"]
    );
    assert_eq!(
        owner("hana"),
        ["payments-runbooks", "hana-chaos", "hana-ledger-tracing"]
    );
}

#[test]
fn level_and_combinations_are_and() {
    assert_eq!(
        selected(Filter {
            level: Some("area".into()),
            ..f()
        }),
        ["bo-automate-support", "bo-modern-platform"]
    );
    assert_eq!(
        selected(Filter {
            team: Some("payments-platform".into()),
            level: Some("team".into()),
            ..f()
        }),
        ["payments-resilience", "payments-observability"]
    );
    assert_eq!(
        selected(Filter {
            team: Some("payments-platform".into()),
            owner: Some("gus".into()),
            level: Some("individual".into()),
            ..f()
        }),
        ["payments-runbooks", "gus-latency"]
    );
    assert!(selected(Filter {
        team: Some("checkout-cluster".into()),
        owner: Some("eli".into()),
        ..f()
    })
    .is_empty());
}

#[test]
fn status_off_track_is_the_flaky_test_clean_up() {
    // The file's header: as of 2021-11-15 "the flaky-test clean-up is off track".
    assert_eq!(
        selected(Filter {
            status: Some(Status::OffTrack),
            ..f()
        }),
        ["dev-flaky-tests"]
    );
}

#[test]
fn unknown_ids_name_the_closest() {
    let card = card();
    let err = |filter: Filter| filter.select(&card).unwrap_err();
    assert_eq!(
        err(Filter {
            team: Some("checkout-clustr".into()),
            ..f()
        })
        .to_string(),
        "unknown team `checkout-clustr`, did you mean `checkout-cluster`?"
    );
    // The start of exactly one id names it (from three characters on).
    assert_eq!(
        err(Filter {
            team: Some("checkout".into()),
            ..f()
        })
        .to_string(),
        "unknown team `checkout`, did you mean `checkout-cluster`?"
    );
    assert_eq!(
        err(Filter {
            team: Some("pay".into()),
            ..f()
        })
        .to_string(),
        "unknown team `pay`, did you mean `payments-platform`?"
    );
    assert_eq!(
        err(Filter {
            owner: Some("Chloe".into()),
            ..f()
        })
        .to_string(),
        "unknown person `Chloe`, did you mean `chloe`?"
    );
    assert_eq!(
        err(Filter {
            level: Some("teams".into()),
            ..f()
        })
        .to_string(),
        "unknown level `teams`, did you mean `team`?"
    );
    assert!(matches!(
        err(Filter {
            cycle: Some("2031-H1".into()),
            ..f()
        }),
        FilterError::Unknown { what: "cycle", .. }
    ));
}

const NESTED: &str = r#"
version: 1
cycles:
  - {id: 2021-H2, start: 2021-07-01, end: 2021-12-31}
  - {id: 2021-Q3, start: 2021-07-01, end: 2021-09-30}
  - {id: 2021-Q4, start: 2021-10-01, end: 2021-12-31}
  - {id: 2022-H1, start: 2022-01-01, end: 2022-06-30}
teams: [{id: eng}, {id: web, parent: eng}]
people: [{id: ana, team: web, capacity_hours: 1}, {id: bo, team: eng}]
objectives:
  - {id: half, title: Half, cycle: 2021-H2, level: company, owners: [bo], key_results: []}
  - {id: q3, title: Q3, cycle: 2021-Q3, level: team, team: web, owners: [ana],
     effort_hours: 10, aligns_to: [half], key_results: []}
  - {id: q4, title: Q4, cycle: 2021-Q4, level: team, team: web, aligns_to: [half],
     key_results: []}
  - {id: next, title: Next, cycle: 2022-H1, level: company, key_results: []}
"#;

fn nested() -> Scorecard {
    let doc = Document::from_str(NESTED, Format::Yaml).unwrap();
    let as_of = AsOf::Date(NaiveDate::from_ymd_opt(2021, 8, 1).unwrap());
    Scorecard::new(doc, as_of, Policy::default())
}

#[test]
fn cycle_selects_the_cycles_within_it_by_dates() {
    let card = nested();
    let ids = |c: &str| -> Vec<String> {
        let sel = Filter {
            cycle: Some(c.into()),
            ..f()
        }
        .select(&card)
        .unwrap();
        card.objectives()
            .filter(|(o, _)| sel.objective(o.id.as_str()))
            .map(|(o, _)| o.id.to_string())
            .collect()
    };
    assert_eq!(ids("2021-H2"), ["half", "q3", "q4"]);
    assert_eq!(ids("2021-Q4"), ["q4"]);
    assert_eq!(ids("2022-H1"), ["next"]);
}

fn finding(code: &str, subjects: &[&str]) -> Finding {
    Finding {
        code: code.into(),
        severity: Severity::Warning,
        subjects: subjects.iter().map(|s| s.to_string()).collect(),
        path: None,
        message: String::new(),
        help: None,
    }
}

#[test]
fn a_finding_is_selected_by_its_first_subject() {
    let card = nested();
    let sel = Filter {
        team: Some("web".into()),
        ..f()
    }
    .select(&card)
    .unwrap();
    // A people rule: the person first (ana is in web, bo in eng above it).
    assert!(sel.finding(&finding("over_capacity", &["ana", "q3"])));
    assert!(!sel.finding(&finding("person_without_objectives", &["bo", "half"])));
    // Otherwise the objective (or a key result of it) first, whatever follows.
    assert!(sel.finding(&finding("no_owner", &["q4"])));
    assert!(!sel.finding(&finding("uncovered_objective", &["half", "q3"])));
    assert!(!sel.finding(&finding("cycle_mismatch", &["next", "q3"])));
    // The tree starts at the selected objectives whose parents are not selected.
    let rows = card.tree_selected(&sel);
    let top: Vec<(&str, usize)> = rows
        .iter()
        .map(|r| (r.objective.id.as_str(), r.depth))
        .collect();
    assert_eq!(top, [("q3", 0), ("q4", 0)]);
}

fn okr() -> Command {
    Command::new(env!("CARGO_BIN_EXE_okr"))
}

#[test]
fn cli_filters_score_tree_and_check() {
    let out = okr()
        .arg("score")
        .arg(example())
        .args([
            "--as-of",
            "2021-11-15",
            "--team",
            "developer-experience",
            "--level",
            "team",
        ])
        .args(["--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let ids = |k: &str| -> Vec<String> {
        v[k].as_array()
            .unwrap()
            .iter()
            .map(|x| x["id"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(ids("objectives"), ["devex-self-service"]);
    assert_eq!(ids("key_results"), ["self-service-share", "portal-launch"]);

    let out = okr()
        .arg("tree")
        .arg(example())
        .args(["--as-of", "2021-11-15", "--owner", "eli"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let ids: Vec<&str> = text
        .lines()
        .filter(|l| !l.starts_with("as of"))
        .map(|l| l.split_whitespace().next().unwrap())
        .collect();
    assert_eq!(
        ids,
        [
            "payments-resilience",
            "eli-failover-design",
            "payments-observability"
        ]
    );

    let out = okr()
        .arg("check")
        .arg(example())
        .args(["--team", "paymnts-platform"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(
        err,
        "error: unknown team `paymnts-platform`, did you mean `payments-platform`?\n"
    );
}
