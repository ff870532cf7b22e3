//! Differential: check-ins and overrides applied incrementally give exactly the scores of
//! a full recomputation of the resulting document (flat objectives, graded and dropped
//! key results and projections included).
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use okr_core::{AsOf, CheckIn, Override, Policy, Scorecard};
use okr_fuzz::{document, Org};

#[derive(Arbitrary, Debug)]
struct Case {
    org: Org,
    updates: Vec<(bool, u8, u8, i16)>,
}

fuzz_target!(|case: Case| {
    let text = document(&case.org).to_string();
    let Ok(doc) = okr_core::Document::from_str(&text, okr_core::Format::Json) else {
        panic!("a generated document must load");
    };
    let as_of = AsOf::Date(chrono::NaiveDate::from_ymd_opt(2021, 10, 1).unwrap_or_default());
    let krs: Vec<String> = doc.key_results().map(|(_, k)| k.id.as_str().to_owned()).collect();
    let objectives: Vec<String> = doc.objectives.iter().map(|o| o.id.as_str().to_owned()).collect();
    let mut card = Scorecard::new(doc, as_of, Policy::default());
    for &(is_override, which, d, v) in case.updates.iter().take(16) {
        let date = chrono::NaiveDate::from_ymd_opt(2021, 7, 1).unwrap_or_default()
            + chrono::Duration::days(i64::from(d));
        if is_override {
            if let Some(id) = objectives.get(which as usize % objectives.len().max(1)) {
                let over = Override { score: f64::from(v) / 64.0, date, reason: None, extra: Default::default() };
                let _ = card.set_override(id, over);
            }
        } else if let Some(id) = krs.get(which as usize % krs.len().max(1)) {
            // Some check-ins carry a projection (SPEC §3a).
            let projection = (v % 3 == 0).then(|| f64::from(v.rem_euclid(5)) / 4.0);
            let _ = card.check_in(id, CheckIn { projection, ..CheckIn::new(date, f64::from(v)) });
        }
    }
    let full = Scorecard::new(card.document().clone(), as_of, Policy::default());
    for ((o, a), (_, b)) in card.objectives().zip(full.objectives()) {
        let same = |x: Option<f64>, y: Option<f64>| match (x, y) {
            (Some(x), Some(y)) => x == y || (x - y).abs() <= 1e-12,
            (None, None) => true,
            _ => false,
        };
        assert!(
            same(a.score, b.score) && same(a.progress, b.progress) && same(a.forecast, b.forecast) && a.status == b.status,
            "{}: incremental {a:?} vs full {b:?}",
            o.id
        );
    }
});
