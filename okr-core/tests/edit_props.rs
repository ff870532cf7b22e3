//! Property tests of edits in place: for random documents written in every format and
//! style (block and flow YAML, arrays of tables in TOML, pretty and minified JSON) and
//! random edits, the edit succeeds, reloading the new text gives exactly the document
//! that applying the edit to the loaded one gives, and the new text is the old one with
//! one inserted span.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use chrono::NaiveDate;
use okr_core::edit::{apply, Edit, MilestoneRef};
use okr_core::{CheckIn, Document, Format, KeyResult, KrKind, Milestone, Objective, Override};
use proptest::prelude::*;

fn day(n: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2021, 7, 1).unwrap() + chrono::Days::new(u64::from(n))
}

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z]{1,8}",
        "\\PC{0,12}",
        Just("a: b # c, [d] {e} 'f' \"g\"".to_owned()),
    ]
}

fn number() -> impl Strategy<Value = f64> {
    prop_oneof![
        (-1000i32..1000).prop_map(f64::from),
        -1e6f64..1e6,
        Just(1e-7),
        Just(2.5e20)
    ]
}

fn check_in(binary: bool) -> impl Strategy<Value = CheckIn> {
    (
        0u32..180,
        number(),
        any::<bool>(),
        proptest::option::of(0.0f64..=1.0),
        proptest::option::of(text()),
    )
        .prop_map(move |(d, n, b, confidence, note)| CheckIn {
            confidence,
            note,
            ..if binary {
                CheckIn::new(day(d), b)
            } else {
                CheckIn::new(day(d), n)
            }
        })
}

fn key_result(i: usize) -> impl Strategy<Value = KeyResult> {
    (
        0u8..3,
        proptest::collection::vec(any::<bool>(), 0..3),
        0usize..3,
        text(),
    )
        .prop_flat_map(move |(kind, milestones_done, n, title)| {
            let binary = kind == 1;
            let kind = match kind {
                0 => KrKind::Metric {
                    start: 0.0,
                    target: 10.0,
                    unit: None,
                },
                1 => KrKind::Binary,
                _ => KrKind::Milestones {
                    milestones: milestones_done
                        .iter()
                        .enumerate()
                        .map(|(j, done)| Milestone {
                            title: format!("m{j}"),
                            weight: 1.0,
                            due: None,
                            done: done.then(|| day(9)),
                            extra: Default::default(),
                        })
                        .collect(),
                },
            };
            let is_milestones = matches!(kind, KrKind::Milestones { .. });
            let checks = if is_milestones { 0 } else { n };
            proptest::collection::vec(check_in(binary), checks).prop_map(move |check_ins| {
                KeyResult {
                    id: format!("kr-{i}").into(),
                    title: title.clone(),
                    kind: kind.clone(),
                    weight: 1.0,
                    owners: vec![],
                    initiatives: vec![],
                    due: None,
                    plan: Default::default(),
                    dropped: None,
                    check_ins,
                    extra: Default::default(),
                }
            })
        })
}

fn document() -> impl Strategy<Value = Document> {
    proptest::collection::vec((1usize..4, any::<bool>()), 1..4).prop_flat_map(|shape| {
        let mut next = 0usize;
        let objectives: Vec<_> = shape
            .iter()
            .enumerate()
            .map(|(o, &(krs, has_override))| {
                let krs: Vec<_> = (0..krs)
                    .map(|_| {
                        next += 1;
                        key_result(next)
                    })
                    .collect();
                (krs, Just(has_override)).prop_map(move |(key_results, has_override)| Objective {
                    id: format!("o-{o}").into(),
                    title: format!("Objective {o}"),
                    cycle: "2021-H2".into(),
                    level: "team".into(),
                    owners: vec![],
                    team: None,
                    themes: vec![],
                    initiatives: vec![],
                    aligns_to: vec![],
                    rollup: None,
                    blend: None,
                    overrides: if has_override {
                        vec![Override {
                            score: 0.5,
                            date: day(3),
                            reason: None,
                            extra: Default::default(),
                        }]
                    } else {
                        vec![]
                    },
                    effort_hours: None,
                    commitment: Default::default(),
                    key_results,
                    extra: Default::default(),
                })
            })
            .collect();
        objectives.prop_map(|objectives| Document {
            version: 1,
            objectives,
            ..Document::default()
        })
    })
}

/// The document's text in one of six styles.
fn render(doc: &Document, style: u8) -> (String, Format) {
    match style {
        0 => (doc.to_text(Format::Yaml).unwrap(), Format::Yaml),
        1 => (doc.to_text(Format::Toml).unwrap(), Format::Toml),
        2 => (doc.to_text(Format::Json).unwrap(), Format::Json),
        3 => (serde_json::to_string(doc).unwrap(), Format::Json),
        // JSON is YAML in flow style.
        4 => (serde_json::to_string(doc).unwrap(), Format::Yaml),
        _ => (doc.to_text(Format::Json).unwrap(), Format::Yaml),
    }
}

fn an_edit(doc: &Document, pick: usize, entry: CheckIn, n: u32) -> Edit {
    let krs: Vec<&KeyResult> = doc.key_results().map(|(_, k)| k).collect();
    let kr = krs[pick % krs.len()];
    match &kr.kind {
        _ if pick % 5 == 4 => Edit::Override {
            objective: doc.objectives[pick % doc.objectives.len()].id.to_string(),
            r#override: Override {
                score: f64::from(n % 11) / 10.0,
                date: day(n),
                reason: entry.note,
                extra: Default::default(),
            },
        },
        KrKind::Milestones { milestones } => {
            match milestones.iter().position(|m| m.done.is_none()) {
                Some(i) => Edit::MilestoneDone {
                    key_result: kr.id.to_string(),
                    milestone: if n.is_multiple_of(2) {
                        MilestoneRef::Index(i)
                    } else {
                        MilestoneRef::Title(format!("m{i}"))
                    },
                    date: day(n),
                },
                None => Edit::Override {
                    objective: doc.objectives[0].id.to_string(),
                    r#override: Override {
                        score: 1.0,
                        date: day(n),
                        reason: None,
                        extra: Default::default(),
                    },
                },
            }
        }
        KrKind::Binary => Edit::CheckIn {
            key_result: kr.id.to_string(),
            check_in: CheckIn {
                value: n.is_multiple_of(2).into(),
                ..entry
            },
        },
        _ => Edit::CheckIn {
            key_result: kr.id.to_string(),
            check_in: entry,
        },
    }
}

/// Whether `new` is `old` with one span inserted.
fn one_insertion(old: &str, new: &str) -> bool {
    let prefix = old
        .bytes()
        .zip(new.bytes())
        .take_while(|(a, b)| a == b)
        .count();
    let suffix = old
        .bytes()
        .rev()
        .zip(new.bytes().rev())
        .take_while(|(a, b)| a == b)
        .count();
    new.len() > old.len() && prefix + suffix >= old.len()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn edits_insert_and_reload_as_expected(
        doc in document(),
        style in 0u8..6,
        pick in 0usize..100,
        entry in check_in(false),
        n in 0u32..180,
    ) {
        let (old, format) = render(&doc, style);
        let loaded = Document::from_str(&old, format).unwrap();
        let edit = an_edit(&loaded, pick, entry, n);
        let new = apply(&old, format, &edit);
        let new = match new {
            Ok(new) => new,
            Err(e) => return Err(TestCaseError::fail(format!("{e}\n{old}\n{edit:?}"))),
        };
        let mut expected = loaded;
        edit.apply_to(&mut expected).unwrap();
        prop_assert_eq!(Document::from_str(&new, format).unwrap(), expected);
        prop_assert!(one_insertion(&old, &new), "{}\n---\n{}", old, new);
    }
}
