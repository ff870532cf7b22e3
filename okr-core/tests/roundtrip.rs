//! Load → save → load is the identity in every format and across formats, `extra` and
//! unicode included; the shipped example is the same model in YAML, JSON and TOML.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use chrono::NaiveDate;
use okr_core::*;
use proptest::prelude::*;
use serde_json::Value as J;

fn date() -> impl Strategy<Value = NaiveDate> {
    (0u64..3000).prop_map(|d| NaiveDate::from_ymd_opt(2020, 1, 1).unwrap() + chrono::Days::new(d))
}

/// Text that tends to break serializers: YAML 1.1 booleans, numbers, dates, indicators,
/// quotes, unicode.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "off",
            "yes",
            "No",
            "null",
            "~",
            "true",
            "123",
            "1e3",
            "0x1F",
            ".nan",
            "2021-07-01",
            "- item",
            "key: value",
            "# not a comment",
            "'quoted'",
            "\"dq\"",
            "a\\b",
            "",
            " lead",
            "trail ",
            "multi\nline",
            "tab\there",
            "[x]",
            "{y}",
            "&anchor",
            "*alias",
            "!tag",
            "@at",
            "`tick`",
            "%pct",
            "é ü 日本語 🚀",
            "=",
            "[[objectives]]",
        ])
        .prop_map(str::to_owned),
        "\\PC{0,16}",
    ]
}

fn id() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z][a-z0-9-]{0,8}",
        text().prop_filter("non-empty", |s| !s.is_empty())
    ]
}

fn finite() -> impl Strategy<Value = f64> {
    prop_oneof![
        (-1000i32..1000i32).prop_map(f64::from),
        any::<f64>().prop_filter("finite", |x| x.is_finite()),
        Just(-0.0),
        Just(0.1),
        Just(1e308),
    ]
}

fn json_value(allow_null: bool) -> impl Strategy<Value = J> {
    let leaf = prop_oneof![
        any::<bool>().prop_map(J::Bool),
        any::<i64>().prop_map(J::from),
        finite().prop_map(|f| serde_json::Number::from_f64(f).map_or(J::Null, J::Number)),
        text().prop_map(J::String),
    ]
    .prop_filter("no null unless allowed", move |v| {
        allow_null || !v.is_null()
    });
    let leaf = if allow_null {
        prop_oneof![leaf, Just(J::Null)].boxed()
    } else {
        leaf.boxed()
    };
    leaf.prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(J::Array),
            prop::collection::vec((text(), inner), 0..4)
                .prop_map(|kv| J::Object(kv.into_iter().collect())),
        ]
    })
}

fn extra(allow_null: bool) -> impl Strategy<Value = Extra> {
    prop::collection::vec((text(), json_value(allow_null)), 0..3)
        .prop_map(|kv| kv.into_iter().collect())
}

fn opt_text() -> impl Strategy<Value = Option<String>> {
    prop::option::of(text())
}

fn kind(nulls: bool) -> impl Strategy<Value = KrKind> {
    prop_oneof![
        (finite(), finite(), opt_text()).prop_map(|(start, target, unit)| KrKind::Metric {
            start,
            target,
            unit
        }),
        (finite(), any::<bool>(), opt_text()).prop_map(|(threshold, up, unit)| KrKind::Threshold {
            threshold,
            direction: if up {
                Direction::AtLeast
            } else {
                Direction::AtMost
            },
            unit
        }),
        Just(KrKind::Binary),
        prop::collection::vec(
            (
                text(),
                finite(),
                prop::option::of(date()),
                prop::option::of(date()),
                extra(nulls)
            ),
            0..3
        )
        .prop_map(|ms| KrKind::Milestones {
            milestones: ms
                .into_iter()
                .map(|(title, weight, due, done, extra)| Milestone {
                    title,
                    weight,
                    due,
                    done,
                    extra
                })
                .collect()
        }),
        opt_text().prop_map(|unit| KrKind::Baseline { unit }),
        Just(KrKind::Graded),
    ]
}

fn key_result(nulls: bool) -> impl Strategy<Value = KeyResult> {
    (
        id(),
        text(),
        kind(nulls),
        finite(),
        prop::collection::vec(id(), 0..2),
        (prop::option::of(date()), prop::option::of(date())),
        prop::collection::btree_map(date(), finite(), 0..3),
        prop::collection::vec(
            (
                date(),
                finite(),
                any::<bool>(),
                (prop::option::of(finite()), prop::option::of(finite())),
                opt_text(),
                extra(nulls),
            ),
            0..3,
        ),
        extra(nulls),
    )
        .prop_map(
            |(id, title, kind, weight, owners, (due, dropped), plan, cis, extra)| {
                let binary = matches!(kind, KrKind::Binary);
                KeyResult {
                    id: id.into(),
                    title,
                    kind,
                    weight,
                    owners: owners.into_iter().map(Into::into).collect(),
                    initiatives: vec![],
                    due,
                    plan,
                    dropped,
                    check_ins: cis
                        .into_iter()
                        .map(
                            |(date, v, b, (confidence, projection), note, extra)| CheckIn {
                                date,
                                value: if binary && b {
                                    Value::Bool(v > 0.0)
                                } else {
                                    Value::Number(v)
                                },
                                confidence,
                                note,
                                projection,
                                extra,
                            },
                        )
                        .collect(),
                    extra,
                }
            },
        )
}

fn objective(nulls: bool) -> impl Strategy<Value = Objective> {
    (
        (
            id(),
            text(),
            id(),
            prop::sample::select(vec!["company", "area", "team", "individual"]),
        ),
        (
            prop::collection::vec(id(), 0..3),
            prop::option::of(id()),
            prop::collection::vec(id(), 0..2),
        ),
        prop::collection::vec((id(), finite(), any::<bool>(), extra(nulls)), 0..3),
        (
            prop::option::of(prop::sample::select(vec![
                RollupMode::Auto,
                RollupMode::KeyResults,
                RollupMode::Children,
                RollupMode::Blend,
                RollupMode::Manual,
                RollupMode::Flat,
            ])),
            prop::option::of(finite()),
            prop::collection::vec((finite(), date(), opt_text(), extra(nulls)), 0..2),
            prop::option::of(finite()),
            any::<bool>(),
        ),
        prop::collection::vec(key_result(nulls), 0..3),
        extra(nulls),
    )
        .prop_map(
            |(
                (id, title, cycle, level),
                (owners, team, themes),
                links,
                (rollup, blend, ovs, effort, committed),
                key_results,
                extra,
            )| Objective {
                id: id.into(),
                title,
                cycle: cycle.into(),
                level: level.into(),
                owners: owners.into_iter().map(Into::into).collect(),
                team: team.map(Into::into),
                themes: themes.into_iter().map(Into::into).collect(),
                initiatives: vec![],
                aligns_to: links
                    .into_iter()
                    .map(|(objective, weight, contributes, extra)| Link {
                        objective: objective.into(),
                        weight,
                        contributes,
                        extra,
                    })
                    .collect(),
                rollup,
                blend,
                overrides: ovs
                    .into_iter()
                    .map(|(score, date, reason, extra)| Override {
                        score,
                        date,
                        reason,
                        extra,
                    })
                    .collect(),
                effort_hours: effort,
                commitment: if committed {
                    Commitment::Committed
                } else {
                    Commitment::Aspirational
                },
                key_results,
                extra,
            },
        )
}

fn document(nulls: bool) -> impl Strategy<Value = Document> {
    (
        prop::collection::vec((id(), date(), date(), opt_text(), extra(nulls)), 0..2),
        prop::option::of(prop::collection::vec("[a-z]{1,8}", 1..5)),
        prop::collection::vec((id(), opt_text(), prop::option::of(id())), 0..2),
        prop::collection::vec(
            (
                id(),
                opt_text(),
                prop::option::of(id()),
                prop::option::of(finite()),
            ),
            0..2,
        ),
        prop::collection::vec((id(), text()), 0..2),
        prop::collection::vec((id(), text(), prop::option::of(id())), 0..2),
        prop::collection::vec(objective(nulls), 0..3),
        extra(nulls),
    )
        .prop_map(
            |(cycles, levels, teams, people, themes, initiatives, objectives, extra)| Document {
                version: 1,
                cycles: cycles
                    .into_iter()
                    .map(|(id, start, end, name, extra)| Cycle {
                        id: id.into(),
                        start,
                        end,
                        name,
                        extra,
                    })
                    .collect(),
                levels,
                teams: teams
                    .into_iter()
                    .map(|(id, name, parent)| Team {
                        id: id.into(),
                        name,
                        parent: parent.map(Into::into),
                        extra: Extra::new(),
                    })
                    .collect(),
                people: people
                    .into_iter()
                    .map(|(id, name, team, capacity_hours)| Person {
                        id: id.into(),
                        name,
                        team: team.map(Into::into),
                        capacity_hours,
                        extra: Extra::new(),
                    })
                    .collect(),
                themes: themes
                    .into_iter()
                    .map(|(id, title)| Theme {
                        id: id.into(),
                        title,
                        extra: Extra::new(),
                    })
                    .collect(),
                initiatives: initiatives
                    .into_iter()
                    .map(|(id, title, team)| Initiative {
                        id: id.into(),
                        title,
                        team: team.map(Into::into),
                        extra: Extra::new(),
                    })
                    .collect(),
                objectives,
                extra,
            },
        )
}

fn round_trip(doc: &Document, format: Format) -> Result<Document, String> {
    let text = doc.to_text(format).map_err(|e| e.to_string())?;
    Document::from_str(&text, format).map_err(|e| format!("{e}\n--- {format:?} text:\n{text}"))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn load_save_load_is_the_identity_in_every_format(doc in document(false)) {
        for format in [Format::Yaml, Format::Json, Format::Toml] {
            let back = round_trip(&doc, format).map_err(TestCaseError::fail)?;
            prop_assert_eq!(&back, &doc, "{:?}", format);
        }
    }

    #[test]
    fn yaml_toml_json_yaml_is_the_identity(doc in document(false)) {
        let mut d = doc.clone();
        for format in [Format::Yaml, Format::Toml, Format::Json, Format::Yaml] {
            d = round_trip(&d, format).map_err(TestCaseError::fail)?;
        }
        prop_assert_eq!(d, doc);
    }

    #[test]
    fn nulls_in_extra_survive_json_and_yaml(doc in document(true)) {
        for format in [Format::Yaml, Format::Json] {
            let back = round_trip(&doc, format).map_err(TestCaseError::fail)?;
            prop_assert_eq!(&back, &doc, "{:?}", format);
        }
    }
}

#[test]
fn toml_refuses_null_and_json_refuses_nan_instead_of_losing_them() {
    let mut doc = Document {
        version: 1,
        ..Document::default()
    };
    doc.extra.insert("gone".into(), J::Null);
    let err = doc.to_text(Format::Toml).unwrap_err().to_string();
    assert_eq!(
        err,
        "cannot write toml: the null at `extra.gone` has no TOML form"
    );
    let mut doc = Document {
        version: 1,
        ..Document::default()
    };
    doc.people.push(Person {
        id: "p".into(),
        name: None,
        team: None,
        capacity_hours: Some(f64::NAN),
        extra: Extra::new(),
    });
    let err = doc.to_text(Format::Json).unwrap_err().to_string();
    assert_eq!(
        err,
        "cannot write json: the non-finite number at `people[0].capacity_hours` has no JSON form"
    );
    // YAML and TOML have NaN.
    for format in [Format::Yaml, Format::Toml] {
        let back = Document::from_str(&doc.to_text(format).unwrap(), format).unwrap();
        assert!(back.people[0].capacity_hours.unwrap().is_nan());
    }
}

#[test]
fn saving_is_atomic_and_a_failing_save_keeps_the_old_file() {
    let dir = std::env::temp_dir().join(format!("okr-save-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("okrs.toml");
    let good = Document {
        version: 1,
        ..Document::default()
    };
    good.save(&path).unwrap();
    let before = std::fs::read_to_string(&path).unwrap();
    let mut bad = good.clone();
    bad.extra.insert("x".into(), J::Null);
    assert!(bad.save(&path).is_err());
    assert_eq!(std::fs::read_to_string(&path).unwrap(), before);
    assert_eq!(Document::from_path(&path).unwrap(), good);
    let leftovers: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty());
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Poisons some numbers of a document with NaN and infinities.
fn poison(doc: &mut Document, which: u8) {
    let bad = [f64::NAN, f64::INFINITY, f64::NEG_INFINITY, -1.0, 1e308];
    let x = bad[usize::from(which) % bad.len()];
    for o in &mut doc.objectives {
        o.blend = Some(x);
        o.effort_hours = Some(x);
        for l in &mut o.aligns_to {
            l.weight = x;
        }
        for kr in &mut o.key_results {
            kr.weight = x;
            for c in &mut kr.check_ins {
                c.value = Value::Number(x);
                c.confidence = Some(x);
            }
        }
    }
    for p in &mut doc.people {
        p.capacity_hours = Some(x);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// Arbitrary, inconsistent documents (dangling references, duplicate ids, cycles of
    /// random ids, poisoned numbers) never make scoring, validation or the tree panic, and
    /// never output a non-finite number.
    #[test]
    fn no_document_makes_scoring_or_validation_panic(
        mut doc in document(true),
        which in any::<u8>(),
        poisoned in any::<bool>(),
        as_of in date(),
    ) {
        if poisoned {
            poison(&mut doc, which);
        }
        let card = Scorecard::new(doc.clone(), AsOf::Date(as_of), Policy::default());
        for (_, s) in card.objectives() {
            for v in [s.score, s.progress, s.expected, s.forecast].into_iter().flatten() {
                prop_assert!(v.is_finite());
            }
        }
        let _ = card.render_tree(None);
        let findings = validate(&doc, AsOf::Today(as_of), &Policy::default());
        for f in findings {
            prop_assert!(!f.message.is_empty() && !f.message.ends_with('.'));
        }
    }
}
