//! Shared pieces of the fuzz targets.

use arbitrary::Arbitrary;
use chrono::NaiveDate;
use okr_core::{AsOf, Document, Format, Policy, Scorecard};
use serde_json::{json, Value};

/// Scores, validates, tabulates, renders and saves a loaded document; a saved document
/// that can be written must load again.
pub fn exercise(doc: Document) {
    let as_of = AsOf::Date(NaiveDate::from_ymd_opt(2021, 10, 1).unwrap_or_default());
    let card = Scorecard::new(doc, as_of, Policy::default());
    let findings = okr_core::validate_scored(&card);
    let tables = card.tables_with(&findings);
    for name in okr_core::TABLE_NAMES {
        if let Some(t) = tables.get(name) {
            let _ = okr_core::to_csv(t);
        }
    }
    let _ = card.render_tree(None);
    let _ = card.render_html(&findings);
    for format in [Format::Json, Format::Yaml, Format::Toml] {
        if let Ok(text) = card.document().to_text(format) {
            assert!(
                Document::from_str(&text, format).is_ok(),
                "saved {format:?} does not load:\n{text}"
            );
        }
    }
}

/// A small organisation described by fuzzer bytes: indices pick parents among earlier
/// and later objectives (so cycles happen), numbers may be anything.
#[derive(Arbitrary, Debug)]
pub struct Org {
    pub objectives: Vec<Obj>,
    pub cycle_days: u8,
}

/// One objective.
#[derive(Arbitrary, Debug)]
pub struct Obj {
    pub level: u8,
    pub parents: Vec<(u8, i8, bool)>,
    pub rollup: u8,
    pub blend: Option<i8>,
    pub key_results: Vec<Kr>,
    pub override_score: Option<(i8, u8)>,
    pub owners: u8,
}

/// One key result.
#[derive(Arbitrary, Debug)]
pub struct Kr {
    pub kind: u8,
    pub a: i16,
    pub b: i16,
    pub weight: i8,
    pub check_ins: Vec<(u8, i16)>,
}

fn day(offset: u8) -> String {
    let d = NaiveDate::from_ymd_opt(2021, 7, 1).unwrap_or_default()
        + chrono::Duration::days(i64::from(offset));
    d.to_string()
}

/// The organisation as a JSON document (through the normal loader).
pub fn document(org: &Org) -> Value {
    let n = org.objectives.len().max(1);
    let levels = ["company", "area", "team", "individual"];
    let modes = ["auto", "key_results", "children", "blend", "manual", "flat"];
    let objectives: Vec<Value> = org
        .objectives
        .iter()
        .enumerate()
        .map(|(i, o)| {
            let aligns: Vec<Value> = o
                .parents
                .iter()
                .take(3)
                .map(|&(p, w, c)| json!({"objective": format!("o{}", p as usize % n), "weight": f64::from(w) / 4.0, "contributes": c}))
                .collect();
            let krs: Vec<Value> = o
                .key_results
                .iter()
                .take(4)
                .enumerate()
                .map(|(k, kr)| {
                    let id = format!("o{i}k{k}");
                    let checks: Vec<Value> = kr
                        .check_ins
                        .iter()
                        .take(4)
                        .map(|&(d, v)| match kr.kind % 6 {
                            2 => json!({"date": day(d), "value": v > 0}),
                            // Graded, some with a projection (SPEC §3a).
                            5 if v % 3 == 0 => json!({"date": day(d), "value": f64::from(v) / 256.0,
                                "projection": f64::from(v.rem_euclid(5)) / 4.0}),
                            5 => json!({"date": day(d), "value": f64::from(v) / 256.0}),
                            _ => json!({"date": day(d), "value": f64::from(v)}),
                        })
                        .collect();
                    let mut kr_json = match kr.kind % 6 {
                        0 => json!({"kind": "metric", "start": f64::from(kr.a), "target": f64::from(kr.b)}),
                        1 => json!({"kind": "threshold", "threshold": f64::from(kr.a), "direction": if kr.b > 0 { "at_least" } else { "at_most" }}),
                        2 => json!({"kind": "binary"}),
                        3 => json!({"kind": "milestones", "milestones": [
                            {"title": "a", "weight": f64::from(kr.a.rem_euclid(5)), "done": day(kr.b as u8)},
                            {"title": "b", "weight": f64::from(kr.b.rem_euclid(5))}]}),
                        4 => json!({"kind": "baseline"}),
                        _ => json!({"kind": "graded"}),
                    };
                    if let Some(m) = kr_json.as_object_mut() {
                        m.insert("id".into(), json!(id));
                        m.insert("title".into(), json!("k"));
                        m.insert("weight".into(), json!(f64::from(kr.weight) / 4.0));
                        m.insert("check_ins".into(), json!(checks));
                        if kr.b % 3 == 0 {
                            m.insert("dropped".into(), json!(day(kr.a as u8)));
                        }
                    }
                    kr_json
                })
                .collect();
            let mut obj = json!({
                "id": format!("o{i}"),
                "title": "o",
                "cycle": "c",
                "level": levels.get((o.level % 4) as usize).copied().unwrap_or("team"),
                "aligns_to": aligns,
                "owners": (0..o.owners % 3).map(|p| format!("p{p}")).collect::<Vec<_>>(),
                "rollup": modes.get((o.rollup % 6) as usize).copied().unwrap_or("auto"),
                "key_results": krs,
            });
            if let Some(m) = obj.as_object_mut() {
                if let Some(b) = o.blend {
                    m.insert("blend".into(), json!(f64::from(b) / 64.0));
                }
                if let Some((s, d)) = o.override_score {
                    m.insert("overrides".into(), json!([{"score": f64::from(s) / 64.0, "date": day(d)}]));
                }
            }
            obj
        })
        .collect();
    json!({
        "version": 1,
        "cycles": [{"id": "c", "start": "2021-07-01", "end": day(org.cycle_days.max(1))}],
        "people": [{"id": "p0", "capacity_hours": 10.0}, {"id": "p1"}, {"id": "p2"}],
        "objectives": objectives,
    })
}
