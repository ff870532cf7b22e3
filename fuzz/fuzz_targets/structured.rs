//! Structured organisations (any alignment graph, cycles included, any numbers): scoring,
//! validation, tables, rendering and saving never panic, and scores stay in range.
#![no_main]

use libfuzzer_sys::fuzz_target;
use okr_fuzz::{document, exercise, Org};

fuzz_target!(|org: Org| {
    let text = document(&org).to_string();
    let doc = match okr_core::Document::from_str(&text, okr_core::Format::Json) {
        Ok(doc) => doc,
        Err(e) => panic!("a generated document must load: {e}\n{text}"),
    };
    let as_of = okr_core::AsOf::Date(chrono::NaiveDate::from_ymd_opt(2021, 10, 1).unwrap_or_default());
    let card = okr_core::Scorecard::new(doc.clone(), as_of, okr_core::Policy::default());
    for (o, s) in card.objectives() {
        if let Some(score) = s.score {
            assert!((0.0..=1.0).contains(&score), "{}: score {score}", o.id);
        }
    }
    exercise(doc);
});
