//! SPEC §7 tables, contribution (share, influence), engagement and distribution, with
//! values worked out by hand.

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

fn card(yaml: &str) -> Scorecard {
    let doc = Document::from_str(yaml, Format::Yaml).unwrap();
    Scorecard::new(doc, AsOf::Date(day(2021, 10, 1)), Policy::default())
}

/// (share, influence) of `o` to `top`, if a row exists.
fn contribution(t: &Tables, o: &str, top: &str) -> Option<(f64, f64)> {
    let c = &t.contributions;
    (0..c.objective.len())
        .find(|&i| c.objective[i] == o && c.top[i] == top)
        .map(|i| (c.share[i], c.influence[i]))
}

fn unaligned(t: &Tables, o: &str) -> Option<f64> {
    let i = t.objectives.id.iter().position(|x| x == o).unwrap();
    t.objectives.unaligned[i]
}

const HEAD: &str =
    "version: 1\ncycles: [{id: c, start: 2021-07-01, end: 2021-12-31}]\nobjectives:\n";

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-12
}

#[test]
fn share_splits_a_diamond_by_link_weight_and_sums_to_one() {
    // o → a (w 1), o → b (w 3); a → T, b → T. share(o, T) = 1/4·1 + 3/4·1 = 1.
    // o's score 0.5 reaches T through a and b, each the only child of its parent:
    // ∂a/∂o = 1, ∂b/∂o = 1, ∂T/∂a = ∂T/∂b = 1/2 → influence 1.
    let t = card(&format!("{HEAD}
  - {{id: T, title: T, cycle: c, level: company, key_results: []}}
  - {{id: a, title: A, cycle: c, level: area, aligns_to: [T], key_results: []}}
  - {{id: b, title: B, cycle: c, level: area, aligns_to: [T], key_results: []}}
  - {{id: o, title: O, cycle: c, level: team, aligns_to: [a, {{objective: b, weight: 3}}], key_results: [{{id: k, title: K, kind: metric, start: 0, target: 2, check_ins: [{{date: 2021-09-01, value: 1}}]}}]}}
")).tables();
    let (s, i) = contribution(&t, "o", "T").unwrap();
    assert!(close(s, 1.0) && close(i, 1.0), "{s} {i}");
    assert_eq!(contribution(&t, "a", "T"), Some((1.0, 0.5)));
    assert_eq!(contribution(&t, "T", "T"), Some((1.0, 1.0)));
    assert_eq!(unaligned(&t, "o"), Some(0.0));
    let oi = t.objectives.id.iter().position(|x| x == "o").unwrap();
    assert_eq!(t.objectives.top_objectives[oi], ["T"]);
    assert_eq!(t.objectives.depth[oi], Some(2));
}

#[test]
fn a_path_ending_below_the_top_leaves_an_unaligned_rest() {
    // o → T (w 1), o → x (w 3), x is a team objective aligned to nothing.
    let t = card(&format!("{HEAD}
  - {{id: T, title: T, cycle: c, level: company, key_results: []}}
  - {{id: x, title: X, cycle: c, level: team, key_results: []}}
  - {{id: o, title: O, cycle: c, level: individual, aligns_to: [T, {{objective: x, weight: 3}}], key_results: [{{id: k, title: K, kind: binary}}]}}
")).tables();
    assert_eq!(contribution(&t, "o", "T").map(|c| c.0), Some(0.25));
    assert_eq!(unaligned(&t, "o"), Some(0.75));
    assert_eq!(unaligned(&t, "x"), Some(1.0));
    assert_eq!(contribution(&t, "x", "T"), None);
}

#[test]
fn supports_links_take_share_but_give_no_influence() {
    let t = card(&format!("{HEAD}
  - {{id: T, title: T, cycle: c, level: company, key_results: []}}
  - {{id: o, title: O, cycle: c, level: team, aligns_to: [{{objective: T, contributes: false}}], key_results: [{{id: k, title: K, kind: binary}}]}}
")).tables();
    assert_eq!(contribution(&t, "o", "T"), Some((1.0, 0.0)));
}

#[test]
fn influence_under_each_rollup_mode() {
    // Parents P_mode each with children c1 (w 1) and c2 (w 3), both scored.
    let parent = |id: &str, extra: &str| {
        format!("  - {{id: {id}, title: P, cycle: c, level: company, {extra}}}\n")
    };
    let kr = "key_results: [{id: KID, title: K, kind: metric, start: 0, target: 10, check_ins: [{date: 2021-09-01, value: 5}]}]";
    let mut y = HEAD.to_string();
    y += &parent("auto-krs", &kr.replace("KID", "k1"));
    y += &parent("auto-children", "key_results: []");
    y += &parent(
        "krs-mode",
        &format!("rollup: key_results, {}", kr.replace("KID", "k2")),
    );
    y += &parent(
        "children-mode",
        &format!("rollup: children, {}", kr.replace("KID", "k3")),
    );
    y += &parent(
        "blend",
        &format!("rollup: blend, blend: 0.3, {}", kr.replace("KID", "k4")),
    );
    y += &parent("blend-no-krs", "rollup: blend, blend: 0.3, key_results: []");
    y += &parent(
        "manual",
        &format!(
            "rollup: manual, overrides: [{{score: 0.4, date: 2021-09-01}}], {}",
            kr.replace("KID", "k5")
        ),
    );
    y += &parent(
        "overridden",
        "overrides: [{score: 0.4, date: 2021-09-01}], key_results: []",
    );
    let all = "[auto-krs, auto-children, krs-mode, children-mode, blend, blend-no-krs, manual, overridden]";
    let w3 = all
        .replace('[', "[{objective: ")
        .replace(", ", ", weight: 3}, {objective: ")
        .replace(']', ", weight: 3}]");
    y += &format!("  - {{id: c1, title: C1, cycle: c, level: team, aligns_to: {all}, key_results: [{{id: kc1, title: K, kind: binary}}]}}\n");
    y += &format!("  - {{id: c2, title: C2, cycle: c, level: team, aligns_to: {w3}, key_results: [{{id: kc2, title: K, kind: binary}}]}}\n");
    let t = card(&y).tables();
    let inf = |top: &str| {
        (
            contribution(&t, "c1", top).unwrap().1,
            contribution(&t, "c2", top).unwrap().1,
        )
    };
    assert_eq!(inf("auto-krs"), (0.0, 0.0)); // auto with scored KRs ignores children
    assert_eq!(inf("auto-children"), (0.25, 0.75));
    assert_eq!(inf("krs-mode"), (0.0, 0.0));
    assert_eq!(inf("children-mode"), (0.25, 0.75));
    let (a, b) = inf("blend"); // (1 − 0.3) × w/Σw
    assert!(close(a, 0.7 * 0.25) && close(b, 0.7 * 0.75), "{a} {b}");
    assert_eq!(inf("blend-no-krs"), (0.25, 0.75)); // λ side undefined: children alone
    assert_eq!(inf("manual"), (0.0, 0.0));
    assert_eq!(inf("overridden"), (0.0, 0.0));
    // Share ignores modes: c2 gives each parent 3/24.
    assert!(close(
        contribution(&t, "c2", "blend").unwrap().0,
        3.0 / 24.0
    ));
}

#[test]
fn engagement_and_distribution_of_a_small_org() {
    // Team web: ana, bo, cy (capacity 10, 20, none). Objectives of web in cycle c:
    //   w1 (owners ana+bo, initiative, aligned to T, effort 10) score 0.65
    //   w2 (owner ana, no initiative, aligned to nothing, effort 4)  score 0.2
    // people_with_objectives 2 of 3; shared 1/2; with initiative 1/2; aligned 1/2;
    // effort: w1 10 (5 + 5) + w2 4 = 14; capacity 30; ratio 14/30.
    // Distribution, cycle c: company: T (score (0.65+0.2)/2 = 0.425); team: w1 0.65,
    // w2 0.2, w3 (committed) 1.0, w4 (aspirational, 1.2 → score 1.0): sorted 0.2, 0.65, 1, 1:
    // mean 2.85/4 = 0.7125; q1 at h = 0.75: 0.2 + 0.75·0.45 = 0.5375; median 0.825; q3 1.0.
    // sweet spot 1/4 (0.65), ≥ 0.7 2/4, < 0.3 1/4; aspirational 3 (w1 w2 w4), of which ≥ 1:
    // 1/3; committed 1, below 1: 0.
    let y = "version: 1
cycles: [{id: c, start: 2021-07-01, end: 2021-12-31}]
levels: [company, team]
teams: [{id: web}, {id: empty}]
people:
  - {id: ana, team: web, capacity_hours: 10}
  - {id: bo, team: web, capacity_hours: 20}
  - {id: cy, team: web}
initiatives: [{id: i, title: I}]
objectives:
  - {id: T, title: T, cycle: c, level: company, rollup: children, key_results: []}
  - {id: w1, title: W1, cycle: c, level: team, team: web, owners: [ana, bo], initiatives: [i], aligns_to: [T], effort_hours: 10, key_results: [{id: k1, title: K, kind: metric, start: 0, target: 100, check_ins: [{date: 2021-09-01, value: 65}]}]}
  - {id: w2, title: W2, cycle: c, level: team, team: web, owners: [ana], effort_hours: 4, key_results: [{id: k2, title: K, kind: metric, start: 0, target: 10, check_ins: [{date: 2021-09-01, value: 2}]}]}
  - {id: w3, title: W3, cycle: c, level: team, commitment: committed, aligns_to: [T], key_results: [{id: k3, title: K, kind: binary, check_ins: [{date: 2021-09-01, value: true}]}]}
  - {id: w4, title: W4, cycle: c, level: team, key_results: [{id: k4, title: K, kind: metric, start: 0, target: 10, check_ins: [{date: 2021-09-01, value: 12}]}]}
";
    let t = card(y).tables();
    let e = &t.engagement;
    assert_eq!(e.team, ["web", "empty"]);
    assert_eq!(
        (e.people[0], e.people_with_objectives[0], e.objectives[0]),
        (3, 2, 2)
    );
    assert_eq!(e.share_people_with_objectives[0], Some(2.0 / 3.0));
    assert_eq!(
        (
            e.share_shared[0],
            e.share_with_initiative[0],
            e.share_aligned_to_top[0]
        ),
        (Some(0.5), Some(0.5), Some(0.5))
    );
    assert_eq!((e.effort[0], e.capacity[0]), (14.0, 30.0));
    assert_eq!(e.effort_vs_capacity[0], Some(14.0 / 30.0));
    assert_eq!(
        (
            e.people[1],
            e.share_people_with_objectives[1],
            e.share_shared[1],
            e.effort_vs_capacity[1]
        ),
        (0, None, None, None)
    );

    let d = &t.distribution;
    assert_eq!(d.level, ["company", "team"]);
    // T = mean of its contributing children w1 and w3: (0.65 + 1.0)/2.
    assert_eq!((d.objectives[0], d.scored[0]), (1, 1));
    assert!(close(d.mean[0].unwrap(), 0.825));
    assert_eq!((d.objectives[1], d.scored[1]), (4, 4));
    assert!(close(d.mean[1].unwrap(), 0.7125));
    assert!(close(d.q1[1].unwrap(), 0.5375));
    assert!(close(d.median[1].unwrap(), 0.825));
    assert!(close(d.q3[1].unwrap(), 1.0));
    assert_eq!(
        (
            d.share_sweet_spot[1],
            d.share_at_least_0_7[1],
            d.share_below_0_3[1]
        ),
        (Some(0.25), Some(0.5), Some(0.25))
    );
    assert_eq!(
        (d.aspirational[1], d.share_aspirational_at_least_1[1]),
        (3, Some(1.0 / 3.0))
    );
    assert_eq!((d.committed[1], d.committed_below_1[1]), (1, 0));

    let p = &t.people;
    assert_eq!(p.person, ["ana", "bo", "cy"]);
    assert_eq!(p.objectives, [2, 1, 0]);
    assert_eq!(p.shared, [1, 1, 0]);
    assert_eq!(p.effort, [9.0, 5.0, 0.0]);
    assert!(close(p.mean_score[0].unwrap(), (0.65 + 0.2) / 2.0));
    assert_eq!(p.mean_score[2], None);
    assert_eq!(p.capacity, [Some(10.0), Some(20.0), None]);
}

#[test]
fn every_table_has_documented_columns_of_equal_length() {
    let doc = Document::from_path(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../examples/engineering-2021-h2.yaml"
    ))
    .unwrap();
    let card = Scorecard::new(doc, AsOf::Date(day(2021, 11, 15)), Policy::default());
    let tables = card.tables();
    for name in TABLE_NAMES {
        let table = tables.get(name).unwrap();
        assert_eq!(table.name(), name);
        let cols = table.columns();
        let n = cols[0].1.len();
        for (col, data) in &cols {
            assert_eq!(data.len(), n, "{name}.{col}");
        }
    }
    assert_eq!(tables.objectives.len(), card.document().objectives.len());
    assert_eq!(tables.findings.len(), 0);
    // Every engineer's objective traces to at least one company objective.
    for (i, level) in tables.objectives.level.iter().enumerate() {
        assert!(
            !tables.objectives.top_objectives[i].is_empty(),
            "{}",
            tables.objectives.id[i]
        );
        let _ = level;
    }
}

/// The table called `name` of `t`, as the builders return it.
fn any_table(t: &Tables, name: &str) -> AnyTable {
    match name {
        "objectives" => AnyTable::Objectives(t.objectives.clone()),
        "key_results" => AnyTable::KeyResults(t.key_results.clone()),
        "check_ins" => AnyTable::CheckIns(t.check_ins.clone()),
        "alignments" => AnyTable::Alignments(t.alignments.clone()),
        "findings" => AnyTable::Findings(t.findings.clone()),
        "people" => AnyTable::People(t.people.clone()),
        "contributions" => AnyTable::Contributions(t.contributions.clone()),
        "engagement" => AnyTable::Engagement(t.engagement.clone()),
        "distribution" => AnyTable::Distribution(t.distribution.clone()),
        "grades" => AnyTable::Grades(t.grades.clone()),
        _ => panic!("unknown table {name}"),
    }
}

/// Each table built alone (by a fresh builder, or by `Scorecard::table`) equals the same
/// table of `tables_with`; a fresh builder validates only for `findings`; one builder
/// building every table, in any order, gives them all the same.
fn assert_tables_alone_equal_tables_with(card: &Scorecard) {
    let findings = validate_scored(card);
    let all = card.tables_with(&findings);
    assert_eq!(card.tables(), all);
    assert_eq!(TableBuilder::new(card).all(), all);
    assert_eq!(
        TableBuilder::with_findings(card, findings.clone()).all(),
        all
    );
    for name in TABLE_NAMES {
        let b = TableBuilder::new(card);
        let one = b.table(name).unwrap();
        assert_eq!(one.name(), name);
        assert_eq!(one.len(), all.get(name).unwrap().len(), "{name}");
        assert_eq!(one, any_table(&all, name), "{name}");
        assert_eq!(b.is_validated(), name == "findings", "{name}");
        assert_eq!(card.table(name).unwrap(), any_table(&all, name), "{name}");
    }
    let shared = TableBuilder::new(card);
    for name in TABLE_NAMES.iter().rev() {
        assert_eq!(shared.table(name).unwrap(), any_table(&all, name), "{name}");
    }
    assert_eq!(shared.validation(), findings.as_slice());
    assert!(card.table("nope").is_none() && shared.table("").is_none());
}

#[test]
fn each_table_built_alone_equals_the_same_table_of_tables_with() {
    let examples = [
        "/../examples/engineering-2021-h2.yaml",
        "/../examples/engineering-2020-h2-to-2021-h2.yaml",
        "/../docs/examples/walkthrough-draft.yaml",
        "/../docs/examples/scoring-rollup.yaml",
    ];
    let mut with_findings = 0;
    for path in examples {
        let doc = Document::from_path(format!("{}{path}", env!("CARGO_MANIFEST_DIR"))).unwrap();
        for as_of in [day(2021, 8, 1), day(2021, 11, 15), day(2022, 6, 20)] {
            let card = Scorecard::new(doc.clone(), AsOf::Date(as_of), Policy::default());
            with_findings += usize::from(!validate_scored(&card).is_empty());
            assert_tables_alone_equal_tables_with(&card);
        }
    }
    assert!(with_findings > 0, "some case has findings");
    let card = Scorecard::new(
        generate(300, 11),
        AsOf::Date(day(2021, 10, 15)),
        Policy::default(),
    );
    let t = card.tables();
    for name in TABLE_NAMES {
        assert!(
            !t.get(name).unwrap().is_empty() || name == "findings",
            "{name}"
        );
    }
    assert_tables_alone_equal_tables_with(&card);
}

#[test]
fn a_builder_keeps_the_findings_it_is_given() {
    let card = card(&format!(
        "{HEAD}  - {{id: o, title: O, cycle: c, level: team, key_results: []}}\n"
    ));
    let given = vec![Finding {
        code: "mine".into(),
        severity: Severity::Info,
        subjects: vec!["o".into()],
        path: None,
        message: "given".into(),
        help: None,
    }];
    let b = TableBuilder::with_findings(&card, given.clone());
    assert!(b.is_validated());
    assert_eq!(b.findings().code, ["mine"]);
    assert_eq!(b.all(), card.tables_with(&given));
    // Owned handles work as well as borrows.
    let owned = TableBuilder::new(std::sync::Arc::new(card.clone()));
    assert_eq!(owned.objectives(), card.tables().objectives);
}

/// Random DAGs for the finite-difference check: objective i aligns to some j < i.
fn arb_dag() -> impl Strategy<Value = (Document, prop::sample::Index)> {
    let obj = (
        prop::collection::vec(
            (
                any::<prop::sample::Index>(),
                0.1f64..3.0,
                prop::bool::weighted(0.8),
            ),
            1..3,
        ),
        0usize..4,
        0.0f64..=1.0,
        prop::option::of(5.0f64..95.0),
    );
    (prop::collection::vec(obj, 2..20), any::<prop::sample::Index>()).prop_map(|(objs, pick)| {
        let mut y = String::from("version: 1\ncycles: [{id: c, start: 2021-07-01, end: 2021-12-31}]\nlevels: [top, mid]\nobjectives:\n");
        for (i, (links, mode, blend, kr)) in objs.into_iter().enumerate() {
            let level = if i == 0 { "top" } else { "mid" };
            let aligns: Vec<String> = if i == 0 {
                vec![]
            } else {
                links.iter().map(|(p, w, c)| format!("{{objective: o{}, weight: {w}, contributes: {c}}}", p.index(i))).collect()
            };
            let mode = ["auto", "children", "blend", "key_results"][mode];
            let krs = match kr {
                Some(v) => format!("[{{id: k{i}, title: K, kind: metric, start: 0, target: 100, check_ins: [{{date: 2021-09-01, value: {v}}}]}}]"),
                None => "[]".into(),
            };
            y += &format!("  - {{id: o{i}, title: O, cycle: c, level: {level}, rollup: {mode}, blend: {blend}, aligns_to: [{}], key_results: {krs}}}\n", aligns.join(", "));
        }
        (Document::from_str(&y, Format::Yaml).unwrap(), pick)
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// On random alignment DAGs too, each table alone equals the same table of
    /// `tables_with`.
    #[test]
    fn tables_alone_equal_tables_with_on_random_dags((doc, _pick) in arb_dag()) {
        let card = Scorecard::new(doc, AsOf::Date(day(2021, 10, 1)), Policy::default());
        assert_tables_alone_equal_tables_with(&card);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// influence(o, top) equals the finite difference of the real rollup: move o's score
    /// by h through an override and watch the top objective's score.
    #[test]
    fn influence_matches_a_finite_difference_of_the_rollup((doc, pick) in arb_dag()) {
        let as_of = AsOf::Date(day(2021, 10, 1));
        let base = Scorecard::new(doc.clone(), as_of, Policy::default());
        let n = doc.objectives.len();
        let o = pick.index(n - 1) + 1; // never the top itself
        let id = doc.objectives[o].id.clone();
        let Some(s) = base.objective(id.as_str()).and_then(|s| s.score) else { return Ok(()) };
        prop_assume!(s > 0.01 && s < 0.99);
        let Some(top) = base.objective("o0").and_then(|s| s.score) else { return Ok(()) };
        let t = base.tables();
        let influence = (0..t.contributions.objective.len())
            .find(|&i| t.contributions.objective[i] == id.as_str() && t.contributions.top[i] == "o0")
            .map_or(0.0, |i| t.contributions.influence[i]);
        let h = 1e-6;
        let mut moved = doc.clone();
        moved.objectives[o].overrides.push(Override { score: s + h, date: day(2021, 9, 2), reason: None, extra: Extra::new() });
        let after = Scorecard::new(moved, as_of, Policy::default()).objective("o0").unwrap().score.unwrap();
        let fd = (after - top) / h;
        prop_assert!((fd - influence).abs() < 1e-4, "finite difference {fd}, influence {influence}");
    }
}
