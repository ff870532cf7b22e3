//! The date each cycle is judged at, for the JSON (`"cycles"`) and text outputs.

use okr_core::{AsOf, Document};
use serde::Serialize;

/// One cycle and the date it is judged at.
#[derive(Serialize)]
pub struct CycleOut {
    pub id: String,
    pub as_of: String,
}

/// Every cycle of the document with its date, in document order.
pub fn cycles(doc: &Document, as_of: AsOf) -> Vec<CycleOut> {
    as_of
        .cycles(doc)
        .map(|(c, d)| CycleOut {
            id: c.id.as_str().to_owned(),
            as_of: d.to_string(),
        })
        .collect()
}

/// `as of DATE`, naming the cycles judged at another date (closed cycles, at their end):
/// `as of 2026-12-01 (2026-H1 judged at its end, 2026-06-30)`.
pub fn line(doc: &Document, as_of: AsOf) -> String {
    match note(doc, as_of) {
        Some(n) => format!("as of {} ({n})", as_of.date()),
        None => format!("as of {}", as_of.date()),
    }
}

/// The cycles judged at another date than the as-of date, if any.
pub fn note(doc: &Document, as_of: AsOf) -> Option<String> {
    let top = as_of.date();
    let other: Vec<String> = as_of
        .cycles(doc)
        .filter(|(_, d)| *d != top)
        .map(|(c, d)| format!("{} judged at its end, {d}", c.id))
        .collect();
    (!other.is_empty()).then(|| other.join("; "))
}
