//! The seeded organisation generator: deterministic, the requested shape, valid, and
//! loadable back in every format.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use chrono::NaiveDate;
use okr_core::*;
use std::collections::{HashMap, HashSet};

fn as_of() -> AsOf {
    AsOf::Date(NaiveDate::from_ymd_opt(2021, 10, 15).unwrap())
}

#[test]
fn deterministic_for_size_and_seed() {
    assert_eq!(generate(500, 7), generate(500, 7));
    assert_ne!(generate(500, 7), generate(500, 8));
    // The text, too, is byte for byte the same.
    assert_eq!(
        generate(300, 1).to_text(Format::Json).unwrap(),
        generate(300, 1).to_text(Format::Json).unwrap()
    );
}

#[test]
fn exact_counts_for_any_size() {
    for n in [0, 1, 2, 3, 5, 6, 10, 99, 1000] {
        let doc = generate(n, 3);
        assert_eq!(doc.objectives.len(), n);
        assert!(doc.objectives.iter().all(|o| o.key_results.len() == 3));
        let card = Scorecard::new(doc, as_of(), Policy::default());
        assert!(card.alignment_cycles().is_empty(), "{n}");
    }
}

#[test]
fn shape_levels_parents_and_check_ins() {
    let doc = generate(10_000, 42);
    assert_eq!(doc.level_names(), GENERATED_LEVELS.to_vec());
    assert_eq!(doc.level_names().len(), 5);
    let level: HashMap<&str, usize> = doc
        .objectives
        .iter()
        .map(|o| {
            let l = GENERATED_LEVELS.iter().position(|n| *n == o.level).unwrap();
            (o.id.as_str(), l)
        })
        .collect();
    let mut per_level = [0usize; 5];
    let mut multi = 0;
    let mut below_top = 0;
    for o in &doc.objectives {
        let l = level[o.id.as_str()];
        per_level[l] += 1;
        if l == 0 {
            assert!(o.aligns_to.is_empty());
            continue;
        }
        below_top += 1;
        // One parent on the level right above, an optional second one higher up.
        assert!(
            !o.aligns_to.is_empty() && o.aligns_to.len() <= 2,
            "{}",
            o.id
        );
        assert_eq!(level[o.aligns_to[0].objective.as_str()], l - 1);
        for link in &o.aligns_to {
            assert!(level[link.objective.as_str()] < l);
        }
        if o.aligns_to.len() == 2 {
            multi += 1;
            assert_ne!(o.aligns_to[0].objective, o.aligns_to[1].objective);
        }
    }
    assert!(per_level.iter().all(|&c| c > 0), "{per_level:?}");
    assert!(per_level.windows(2).all(|w| w[0] < w[1]), "{per_level:?}");
    let share = multi as f64 / below_top as f64;
    assert!((0.08..=0.12).contains(&share), "multi-parent share {share}");

    let krs: Vec<&KeyResult> = doc.key_results().map(|(_, kr)| kr).collect();
    assert_eq!(krs.len(), 30_000);
    let kinds: HashSet<&str> = krs.iter().map(|kr| kr.kind.name()).collect();
    assert_eq!(kinds.len(), 5, "{kinds:?}");
    let with_check_ins: Vec<&&KeyResult> = krs
        .iter()
        .filter(|kr| !matches!(kr.kind, KrKind::Milestones { .. }))
        .collect();
    let mean = with_check_ins
        .iter()
        .map(|kr| kr.check_ins.len())
        .sum::<usize>() as f64
        / with_check_ins.len() as f64;
    assert!(
        (2.7..=3.3).contains(&mean),
        "check-ins per key result {mean}"
    );
    let cycle = &doc.cycles[0];
    assert_eq!(cycle.id.as_str(), GENERATED_CYCLE);
    for kr in &krs {
        for c in &kr.check_ins {
            assert!(c.date >= cycle.start && c.date <= cycle.end);
        }
    }
}

#[test]
fn valid_no_error_findings() {
    let doc = generate(5_000, 11);
    let findings = validate(&doc, as_of(), &Policy::default());
    let errors: Vec<&Finding> = findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .collect();
    assert!(errors.is_empty(), "{:#?}", &errors[..errors.len().min(5)]);
    // None of the structural warnings either: every reference resolves, levels descend,
    // every objective above the bottom is covered.
    for code in [
        "level_inversion",
        "orphan_objective",
        "uncovered_objective",
        "no_owner",
        "no_key_results",
        "check_in_outside_cycle",
        "person_without_objectives",
    ] {
        assert!(
            !findings.iter().any(|f| f.code == code),
            "unexpected `{code}`"
        );
    }
    // Everything is scored: no objective is left without a score.
    let card = Scorecard::new(doc, as_of(), Policy::default());
    assert!(card.objectives().all(|(_, s)| s.score.is_some()));
}

#[test]
fn loads_back_in_every_format() {
    let doc = generate(400, 5);
    for format in [Format::Json, Format::Yaml, Format::Toml] {
        let text = doc.to_text(format).unwrap();
        let back =
            Document::from_str(&text, format).unwrap_or_else(|e| panic!("{}: {e}", format.name()));
        assert_eq!(back, doc, "{}", format.name());
    }
    let dir = std::env::temp_dir().join(format!("okr-generate-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for ext in ["json", "yaml", "toml"] {
        let path = dir.join(format!("org.{ext}"));
        doc.save(&path).unwrap();
        assert_eq!(Document::from_path(&path).unwrap(), doc, "{ext}");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}
