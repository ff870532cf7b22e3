//! Rollup engine properties: no recursion, incremental = full, scores in range, cycles.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use chrono::NaiveDate;
use okr_core::*;
use proptest::prelude::*;

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn cycle() -> Cycle {
    Cycle {
        id: "2021-H2".into(),
        start: day(2021, 7, 1),
        end: day(2021, 12, 31),
        name: None,
        extra: Extra::new(),
    }
}

fn objective(id: &str, level: &str, parents: Vec<Link>, krs: Vec<KeyResult>) -> Objective {
    Objective {
        id: id.into(),
        title: format!("objective {id}"),
        cycle: "2021-H2".into(),
        level: level.into(),
        owners: vec![],
        team: None,
        themes: vec![],
        initiatives: vec![],
        aligns_to: parents,
        rollup: None,
        blend: None,
        overrides: vec![],
        effort_hours: None,
        commitment: Commitment::Aspirational,
        key_results: krs,
        extra: Extra::new(),
    }
}

fn metric(id: &str, start: f64, target: f64, check_ins: Vec<CheckIn>) -> KeyResult {
    KeyResult {
        id: id.into(),
        title: format!("kr {id}"),
        kind: KrKind::Metric {
            start,
            target,
            unit: None,
        },
        weight: 1.0,
        owners: vec![],
        initiatives: vec![],
        due: None,
        plan: Default::default(),
        dropped: None,
        check_ins,
        extra: Extra::new(),
    }
}

fn doc(objectives: Vec<Objective>) -> Document {
    Document {
        version: 1,
        cycles: vec![cycle()],
        objectives,
        ..Document::default()
    }
}

#[test]
fn a_million_long_alignment_chain_scores_without_stack_overflow() {
    const N: usize = 1_000_000;
    let mut objectives = Vec::with_capacity(N);
    for i in 0..N {
        let parents = if i == 0 {
            vec![]
        } else {
            vec![Link::to(format!("o{}", i - 1))]
        };
        let krs = if i == N - 1 {
            vec![metric(
                "kr",
                0.0,
                4.0,
                vec![CheckIn::new(day(2021, 8, 1), 1.0)],
            )]
        } else {
            vec![]
        };
        objectives.push(objective(&format!("o{i}"), "team", parents, krs));
    }
    let mut card = Scorecard::new(
        doc(objectives),
        AsOf::Date(day(2021, 9, 1)),
        Policy::default(),
    );
    assert_eq!(card.objective("o0").unwrap().score, Some(0.25));
    // An update at the bottom reaches the top through every ancestor.
    let touched = card
        .check_in("kr", CheckIn::new(day(2021, 8, 2), 3.0))
        .unwrap();
    assert_eq!(touched, N);
    assert_eq!(card.objective("o0").unwrap().score, Some(0.75));
}

#[test]
fn objectives_on_an_alignment_cycle_are_unscored_and_listed_in_link_order() {
    let d = doc(vec![
        objective("top", "company", vec![], vec![]),
        objective(
            "a",
            "team",
            vec![Link::to("c"), Link::to("top")],
            vec![metric("ka", 0.0, 1.0, vec![])],
        ),
        objective("b", "team", vec![Link::to("a")], vec![]),
        objective("c", "team", vec![Link::to("b")], vec![]),
        objective(
            "leaf",
            "individual",
            vec![Link::to("top")],
            vec![metric(
                "kl",
                0.0,
                2.0,
                vec![CheckIn::new(day(2021, 8, 1), 1.0)],
            )],
        ),
    ]);
    let card = Scorecard::new(d, AsOf::Date(day(2021, 9, 1)), Policy::default());
    for id in ["a", "b", "c"] {
        assert_eq!(card.objective(id).unwrap().score, None, "{id}");
        assert_eq!(card.objective(id).unwrap().status, Status::Unknown);
    }
    // `top` takes only its scored child `leaf`.
    assert_eq!(card.objective("top").unwrap().score, Some(0.5));
    let cycles = card.alignment_cycles();
    assert_eq!(cycles.len(), 1);
    let ids: Vec<&str> = cycles[0].iter().map(|i| i.as_str()).collect();
    assert_eq!(ids, ["a", "c", "b"]); // a → c → b → a
                                      // The tree lists the cycle's objectives after the reachable ones.
    let rows = card.tree(None);
    let mut on_cycle: Vec<&str> = rows
        .iter()
        .filter(|r| r.on_cycle)
        .map(|r| r.objective.id.as_str())
        .collect();
    on_cycle.sort();
    on_cycle.dedup();
    assert_eq!(on_cycle, ["a", "b", "c"]);
    // Without the link to `top`, nothing reaches the cycle: its rows come last, detached.
    let mut d = card.document().clone();
    d.objectives[1].aligns_to.truncate(1);
    let card = Scorecard::new(d, AsOf::Date(day(2021, 9, 1)), Policy::default());
    let tail: Vec<(&str, bool)> = card
        .tree(None)
        .iter()
        .rev()
        .take(3)
        .map(|r| (r.objective.id.as_str(), r.detached))
        .collect();
    assert_eq!(tail, [("c", true), ("b", true), ("a", true)]);
}

#[test]
fn a_child_with_two_parents_appears_under_both_and_expands_once() {
    let d = doc(vec![
        objective("p1", "area", vec![], vec![]),
        objective("p2", "area", vec![], vec![]),
        objective(
            "c",
            "team",
            vec![Link::to("p1"), Link::to("p2")],
            vec![metric("k", 0.0, 1.0, vec![])],
        ),
    ]);
    let card = Scorecard::new(d, AsOf::Date(day(2021, 9, 1)), Policy::default());
    let rows = card.tree(None);
    let seq: Vec<(&str, usize, bool)> = rows
        .iter()
        .map(|r| (r.objective.id.as_str(), r.depth, r.repeated))
        .collect();
    assert_eq!(
        seq,
        [
            ("p1", 0, false),
            ("c", 1, false),
            ("p2", 0, false),
            ("c", 1, true)
        ]
    );
    let text = card.render_tree(None);
    assert!(text.contains("(shown above)"), "{text}");
}

#[test]
fn as_of_today_scores_a_closed_cycle_as_of_its_end() {
    let krs = vec![metric(
        "k",
        0.0,
        10.0,
        vec![
            CheckIn::new(day(2021, 12, 1), 5.0),
            CheckIn::new(day(2022, 1, 15), 9.0), // after the cycle: ignored when capped
        ],
    )];
    let d = doc(vec![objective("o", "team", vec![], krs)]);
    let today = Scorecard::new(d.clone(), AsOf::Today(day(2022, 3, 1)), Policy::default());
    assert_eq!(today.key_result("k").unwrap().score, Some(0.5));
    assert_eq!(today.key_result("k").unwrap().expected, Some(1.0));
    let exact = Scorecard::new(d, AsOf::Date(day(2022, 3, 1)), Policy::default());
    assert_eq!(exact.key_result("k").unwrap().score, Some(0.9));
}

#[test]
fn updates_of_unknown_ids_are_errors() {
    let mut card = Scorecard::new(doc(vec![]), AsOf::Date(day(2021, 9, 1)), Policy::default());
    assert_eq!(
        card.check_in("nope", CheckIn::new(day(2021, 9, 1), 1.0)),
        Err(UpdateError::UnknownKeyResult("nope".into()))
    );
    let over = Override {
        score: 0.5,
        date: day(2021, 9, 1),
        reason: None,
        extra: Extra::new(),
    };
    assert_eq!(
        card.set_override("nope", over),
        Err(UpdateError::UnknownObjective("nope".into()))
    );
}

const MODES: [RollupMode; 6] = [
    RollupMode::Auto,
    RollupMode::KeyResults,
    RollupMode::Children,
    RollupMode::Blend,
    RollupMode::Manual,
    RollupMode::Flat,
];

/// A random DAG: objective i may align to any j < i (so no cycles), with random weights,
/// link kinds, rollup modes (`flat` among them), overrides and key results of every kind
/// (`graded` among them), some dropped, some check-ins with a projection.
fn arb_doc() -> impl Strategy<Value = Document> {
    let kr = (
        0usize..6,
        -50.0f64..50.0,
        -50.0f64..50.0,
        0.0f64..3.0,
        prop::collection::vec(
            (0i64..200, -60.0f64..60.0, prop::option::of(0.0f64..1.0)),
            0..4,
        ),
        prop::option::of(0i64..200),
    );
    let obj = (
        prop::collection::vec(
            (any::<prop::sample::Index>(), 0.0f64..3.0, any::<bool>()),
            0..3,
        ),
        // A mode of MODES, or (index 6) none: the policy's default.
        0usize..7,
        prop::option::of(0.0f64..=1.0),
        prop::collection::vec(kr, 0..4),
        prop::option::of((-0.5f64..1.5, 0i64..200)),
    );
    prop::collection::vec(obj, 1..25).prop_map(|objs| {
        let start = day(2021, 7, 1);
        let mut objectives = Vec::new();
        for (i, (links, mode, blend, krs, over)) in objs.into_iter().enumerate() {
            let aligns_to = if i == 0 {
                vec![]
            } else {
                links
                    .into_iter()
                    .map(|(p, w, c)| Link {
                        objective: format!("o{}", p.index(i)).into(),
                        weight: w,
                        contributes: c,
                        extra: Extra::new(),
                    })
                    .collect()
            };
            let key_results = krs
                .into_iter()
                .enumerate()
                .map(|(k, (kind, a, b, w, cis, dropped))| {
                    let check_ins: Vec<CheckIn> = cis
                        .into_iter()
                        .map(|(d, v, projection)| CheckIn {
                            projection,
                            ..CheckIn::new(
                                start + chrono::Days::new(d as u64),
                                if kind == 2 {
                                    Value::Bool(v > 0.0)
                                } else if kind == 5 {
                                    Value::Number(v / 60.0)
                                } else {
                                    Value::Number(v)
                                },
                            )
                        })
                        .collect();
                    let mut kr = metric(&format!("o{i}k{k}"), a, b, check_ins);
                    kr.weight = w;
                    kr.dropped = dropped.map(|d| start + chrono::Days::new(d as u64));
                    kr.kind = match kind {
                        0 => KrKind::Metric {
                            start: a,
                            target: b,
                            unit: None,
                        },
                        1 => KrKind::Threshold {
                            threshold: a,
                            direction: if b > 0.0 {
                                Direction::AtLeast
                            } else {
                                Direction::AtMost
                            },
                            unit: None,
                        },
                        2 => KrKind::Binary,
                        3 => KrKind::Milestones {
                            milestones: vec![Milestone {
                                title: "m".into(),
                                weight: w,
                                due: Some(start + chrono::Days::new(30)),
                                done: Some(start + chrono::Days::new(a.abs() as u64)),
                                extra: Extra::new(),
                            }],
                        },
                        4 => KrKind::Baseline { unit: None },
                        _ => KrKind::Graded,
                    };
                    kr
                })
                .collect();
            let mut o = objective(&format!("o{i}"), "team", aligns_to, key_results);
            // Index 6: no mode of its own (the policy's `default_rollup`).
            o.rollup = MODES.get(mode).copied();
            o.blend = blend;
            if let Some((s, d)) = over {
                o.overrides.push(Override {
                    score: s,
                    date: start + chrono::Days::new(d as u64),
                    reason: None,
                    extra: Extra::new(),
                });
            }
            objectives.push(o);
        }
        doc(objectives)
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn scores_stay_within_zero_and_the_cap(d in arb_doc(), as_of in 0i64..250, cap in prop::sample::select(vec![1.0, 1.5])) {
        let policy = Policy { score_cap: cap, ..Policy::default() };
        let card = Scorecard::new(d, AsOf::Date(day(2021, 6, 1) + chrono::Days::new(as_of as u64)), policy);
        for (_, s) in card.objectives() {
            for x in [s.score, s.forecast].into_iter().flatten() {
                prop_assert!((0.0..=cap).contains(&x), "{x}");
            }
        }
        for (_, _, s) in card.key_results() {
            for x in [s.score, s.forecast].into_iter().flatten() {
                prop_assert!((0.0..=cap).contains(&x), "{x}");
            }
            if let Some(e) = s.expected { prop_assert!((0.0..=1.0).contains(&e)); }
        }
    }

    #[test]
    fn incremental_updates_equal_a_full_recomputation(
        d in arb_doc(),
        updates in prop::collection::vec((any::<prop::sample::Index>(), 0i64..200, -60.0f64..60.0, any::<bool>(), prop::option::of(0.0f64..1.0)), 1..20),
        default_mode in 0usize..6,
        default_blend in 0.0f64..=1.0,
    ) {
        let start = day(2021, 7, 1);
        let kr_ids: Vec<String> = d.key_results().map(|(_, kr)| kr.id.0.clone()).collect();
        let obj_ids: Vec<String> = d.objectives.iter().map(|o| o.id.0.clone()).collect();
        let policy = Policy { default_rollup: MODES[default_mode], default_blend, ..Policy::default() };
        let mut card = Scorecard::new(d, AsOf::Date(day(2021, 10, 1)), policy);
        for (pick, offset, value, is_override, projection) in updates {
            let date = start + chrono::Days::new(offset as u64);
            if is_override || kr_ids.is_empty() {
                let id = pick.get(&obj_ids).as_str();
                card.set_override(id, Override { score: value / 60.0, date, reason: None, extra: Extra::new() }).unwrap();
            } else {
                let ci = CheckIn { projection, ..CheckIn::new(date, value) };
                card.check_in(pick.get(&kr_ids).as_str(), ci).unwrap();
            }
            prop_assert!(card.matches_full_recompute());
        }
    }
}
