//! Writing documents: checks that a format can hold a document without losing data, and
//! the durable atomic file write every writer uses ([`atomic`]), and whole numbers written
//! as integers ([`numbers`]).

pub(crate) mod atomic;
pub(crate) mod numbers;

use crate::model::{Document, Extra};

/// The path of the first non-finite number of the document, if any (JSON has no NaN).
pub(crate) fn first_non_finite(doc: &Document) -> Option<String> {
    let bad = |x: f64| !x.is_finite();
    for (i, p) in doc.people.iter().enumerate() {
        if p.capacity_hours.is_some_and(bad) {
            return Some(format!("people[{i}].capacity_hours"));
        }
    }
    for (i, o) in doc.objectives.iter().enumerate() {
        let at = |field: &str| Some(format!("objectives[{i}].{field}"));
        if o.blend.is_some_and(bad) {
            return at("blend");
        }
        if o.effort_hours.is_some_and(bad) {
            return at("effort_hours");
        }
        for (j, l) in o.aligns_to.iter().enumerate() {
            if bad(l.weight) {
                return at(&format!("aligns_to[{j}].weight"));
            }
        }
        for (j, ov) in o.overrides.iter().enumerate() {
            if bad(ov.score) {
                return at(&format!("overrides[{j}].score"));
            }
        }
        for (k, kr) in o.key_results.iter().enumerate() {
            let at = |field: &str| Some(format!("objectives[{i}].key_results[{k}].{field}"));
            if bad(kr.weight) {
                return at("weight");
            }
            match &kr.kind {
                crate::KrKind::Metric { start, target, .. } => {
                    if bad(*start) {
                        return at("start");
                    }
                    if bad(*target) {
                        return at("target");
                    }
                }
                crate::KrKind::Threshold { threshold, .. } if bad(*threshold) => {
                    return at("threshold");
                }
                crate::KrKind::Milestones { milestones } => {
                    for (m, ms) in milestones.iter().enumerate() {
                        if bad(ms.weight) {
                            return at(&format!("milestones[{m}].weight"));
                        }
                    }
                }
                _ => {}
            }
            for (date, v) in &kr.plan {
                if bad(*v) {
                    return at(&format!("plan.{date}"));
                }
            }
            for (c, ci) in kr.check_ins.iter().enumerate() {
                if bad(ci.value.as_f64()) {
                    return at(&format!("check_ins[{c}].value"));
                }
                if ci.confidence.is_some_and(bad) {
                    return at(&format!("check_ins[{c}].confidence"));
                }
            }
        }
    }
    None
}

/// The path of the first `null` inside an `extra` map, if any (TOML has no null).
pub(crate) fn first_null(doc: &Document) -> Option<String> {
    let mut found = None;
    visit_extras(doc, &mut |path, extra| {
        if found.is_none() {
            found = null_in(extra).map(|inner| format!("{path}.extra.{inner}"));
        }
    });
    found.map(|p| p.trim_start_matches('.').to_owned())
}

fn null_in(extra: &Extra) -> Option<String> {
    // Iterative walk over nested values.
    let mut stack: Vec<(String, &serde_json::Value)> =
        extra.iter().map(|(k, v)| (k.clone(), v)).collect();
    while let Some((path, v)) = stack.pop() {
        match v {
            serde_json::Value::Null => return Some(path),
            serde_json::Value::Array(items) => stack.extend(
                items
                    .iter()
                    .enumerate()
                    .map(|(i, v)| (format!("{path}[{i}]"), v)),
            ),
            serde_json::Value::Object(map) => {
                stack.extend(map.iter().map(|(k, v)| (format!("{path}.{k}"), v)))
            }
            _ => {}
        }
    }
    None
}

fn visit_extras(doc: &Document, f: &mut dyn FnMut(&str, &Extra)) {
    f("", &doc.extra);
    for (i, c) in doc.cycles.iter().enumerate() {
        f(&format!("cycles[{i}]"), &c.extra);
    }
    for (i, t) in doc.teams.iter().enumerate() {
        f(&format!("teams[{i}]"), &t.extra);
    }
    for (i, p) in doc.people.iter().enumerate() {
        f(&format!("people[{i}]"), &p.extra);
    }
    for (i, t) in doc.themes.iter().enumerate() {
        f(&format!("themes[{i}]"), &t.extra);
    }
    for (i, t) in doc.initiatives.iter().enumerate() {
        f(&format!("initiatives[{i}]"), &t.extra);
    }
    for (i, o) in doc.objectives.iter().enumerate() {
        let base = format!("objectives[{i}]");
        f(&base, &o.extra);
        for (j, l) in o.aligns_to.iter().enumerate() {
            f(&format!("{base}.aligns_to[{j}]"), &l.extra);
        }
        for (j, ov) in o.overrides.iter().enumerate() {
            f(&format!("{base}.overrides[{j}]"), &ov.extra);
        }
        for (k, kr) in o.key_results.iter().enumerate() {
            let kb = format!("{base}.key_results[{k}]");
            f(&kb, &kr.extra);
            if let crate::KrKind::Milestones { milestones } = &kr.kind {
                for (m, ms) in milestones.iter().enumerate() {
                    f(&format!("{kb}.milestones[{m}]"), &ms.extra);
                }
            }
            for (c, ci) in kr.check_ins.iter().enumerate() {
                f(&format!("{kb}.check_ins[{c}]"), &ci.extra);
            }
        }
    }
}
