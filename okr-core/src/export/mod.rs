//! Writing analysis tables as CSV (RFC 4180, header row) or JSON (an array of row
//! objects).
//!
//! CSV cells: null is an empty cell, numbers use Rust's shortest round-trip form, booleans
//! are `true`/`false`, dates `YYYY-MM-DD`, lists are joined with `;`. JSON keeps types:
//! `null`, numbers, booleans, strings, arrays of strings.

#[cfg(feature = "arrow")]
pub mod arrow;

use crate::analysis::{ColumnRef, Table};
use serde_json::{Map, Value};

fn cell(col: &ColumnRef<'_>, row: usize) -> String {
    let num = |x: f64| {
        if x.is_finite() {
            x.to_string()
        } else {
            String::new()
        }
    };
    match col {
        ColumnRef::Str(v) => v.get(row).cloned().unwrap_or_default(),
        ColumnRef::OptStr(v) => v.get(row).cloned().flatten().unwrap_or_default(),
        ColumnRef::F64(v) => v.get(row).map_or(String::new(), |x| num(*x)),
        ColumnRef::OptF64(v) => v.get(row).copied().flatten().map_or(String::new(), num),
        ColumnRef::U64(v) => v.get(row).map_or(String::new(), u64::to_string),
        ColumnRef::OptU64(v) => v
            .get(row)
            .copied()
            .flatten()
            .map_or(String::new(), |x| x.to_string()),
        ColumnRef::Bool(v) => v.get(row).map_or(String::new(), bool::to_string),
        ColumnRef::Date(v) => v.get(row).map_or(String::new(), |d| d.to_string()),
        ColumnRef::List(v) => v.get(row).map_or(String::new(), |l| l.join(";")),
    }
}

fn json(col: &ColumnRef<'_>, row: usize) -> Value {
    let num = |x: f64| serde_json::Number::from_f64(x).map_or(Value::Null, Value::Number);
    match col {
        ColumnRef::Str(v) => v.get(row).map_or(Value::Null, |s| Value::String(s.clone())),
        ColumnRef::OptStr(v) => v
            .get(row)
            .cloned()
            .flatten()
            .map_or(Value::Null, Value::String),
        ColumnRef::F64(v) => v.get(row).map_or(Value::Null, |x| num(*x)),
        ColumnRef::OptF64(v) => v.get(row).copied().flatten().map_or(Value::Null, num),
        ColumnRef::U64(v) => v.get(row).map_or(Value::Null, |x| Value::from(*x)),
        ColumnRef::OptU64(v) => v
            .get(row)
            .copied()
            .flatten()
            .map_or(Value::Null, Value::from),
        ColumnRef::Bool(v) => v.get(row).map_or(Value::Null, |b| Value::Bool(*b)),
        ColumnRef::Date(v) => v
            .get(row)
            .map_or(Value::Null, |d| Value::String(d.to_string())),
        ColumnRef::List(v) => v.get(row).map_or(Value::Null, |l| {
            Value::Array(l.iter().cloned().map(Value::String).collect())
        }),
    }
}

/// The table as CSV text with a header row.
///
/// ```
/// use okr_core::{AsOf, Document, Format, Policy, Scorecard, to_csv};
/// let doc = Document::from_str("version: 1\nobjectives: [{id: o, title: 'A, B', cycle: c, level: team, key_results: []}]\n", Format::Yaml)?;
/// let card = Scorecard::new(doc, AsOf::Date(chrono::NaiveDate::from_ymd_opt(2021, 9, 1).unwrap()), Policy::default());
/// let csv = to_csv(&card.tables().objectives);
/// assert!(csv.starts_with("id,title,cycle,level,team,owners,"));
/// assert!(csv.contains("o,\"A, B\",c,team,,,"));
/// # Ok::<(), okr_core::LoadError>(())
/// ```
pub fn to_csv(table: &dyn Table) -> String {
    let cols = table.columns();
    let mut w = csv::Writer::from_writer(Vec::new());
    // Writing to memory cannot fail; errors would only come from I/O.
    let _ = w.write_record(cols.iter().map(|(name, _)| *name));
    for row in 0..table.len() {
        let _ = w.write_record(cols.iter().map(|(_, c)| cell(c, row)));
    }
    let bytes = w.into_inner().unwrap_or_default();
    String::from_utf8(bytes).unwrap_or_default()
}

/// The table as a JSON array of row objects, columns in documented order.
pub fn to_json(table: &dyn Table) -> String {
    let cols = table.columns();
    let rows: Vec<Value> = (0..table.len())
        .map(|row| {
            let mut obj = Map::with_capacity(cols.len());
            for (name, c) in &cols {
                obj.insert((*name).to_owned(), json(c, row));
            }
            Value::Object(obj)
        })
        .collect();
    let mut s = serde_json::to_string_pretty(&rows).unwrap_or_default();
    s.push('\n');
    s
}
