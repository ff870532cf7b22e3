//! What changed between two scored versions of a document (SPEC §9): [`diff`].
//!
//! The two sides may be two files, one file at two revisions, or one document judged at
//! two dates: a diff only compares two [`Scorecard`]s. Objectives and key results are
//! matched by id, alignment links by (child, parent), findings by code and subjects.
//!
//! Choices where the specification is silent:
//! - A key result is `changed` when its score, status or forecast differs, or when check-ins
//!   were added. `check_ins_added` counts the check-ins the newer side sees (dated on or
//!   before its date) that the older side does not (same date and value), so the same
//!   document judged at two dates counts the check-ins dated between them.
//! - Scores that differ by less than 10⁻⁹ are equal (the same values computed in another
//!   order).
//! - A link whose `contributes` flips is `reweighted`.
//! - Entries are in the newer document's order; removed ones follow, in the older's order.

use crate::check::{validate_scored, Finding};
use crate::model::{CheckIn, KeyResult, Value};
use crate::score::{Scores, Status};
use crate::Scorecard;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;

/// What changed between two scored documents.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Diff {
    /// The older side.
    pub before: DiffSide,
    /// The newer side.
    pub after: DiffSide,
    /// Objectives added, removed or changed.
    pub objectives: Vec<EntityChange>,
    /// Key results added, removed or changed.
    pub key_results: Vec<KeyResultChange>,
    /// Alignment links added, removed or reweighted.
    pub alignments: Vec<AlignmentChange>,
    /// Findings that appeared or went away.
    pub findings: FindingChanges,
}

/// One side of a diff.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DiffSide {
    /// The date that side was scored as of.
    pub as_of: NaiveDate,
}

/// How an objective or key result changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    /// Only in the newer side.
    Added,
    /// Only in the older side.
    Removed,
    /// In both, with another score, status or forecast (or new check-ins).
    Changed,
}

/// The values compared on each side.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Snapshot {
    /// Score.
    pub score: Option<f64>,
    /// Status.
    pub status: Status,
    /// Forecast.
    pub forecast: Option<f64>,
}

impl From<Scores> for Snapshot {
    fn from(s: Scores) -> Self {
        Snapshot {
            score: s.score,
            status: s.status,
            forecast: s.forecast,
        }
    }
}

impl Snapshot {
    fn same(&self, other: &Snapshot) -> bool {
        let eq = |a: Option<f64>, b: Option<f64>| match (a, b) {
            (Some(x), Some(y)) => (x - y).abs() < 1e-9,
            (None, None) => true,
            _ => false,
        };
        eq(self.score, other.score)
            && eq(self.forecast, other.forecast)
            && self.status == other.status
    }
}

/// An objective that was added, removed or changed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EntityChange {
    /// Its id.
    pub id: String,
    /// What happened.
    pub change: ChangeKind,
    /// The older values (`None` when added).
    pub before: Option<Snapshot>,
    /// The newer values (`None` when removed).
    pub after: Option<Snapshot>,
}

/// A key result that was added, removed or changed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct KeyResultChange {
    /// Its id.
    pub id: String,
    /// What happened.
    pub change: ChangeKind,
    /// The older values (`None` when added).
    pub before: Option<Snapshot>,
    /// The newer values (`None` when removed).
    pub after: Option<Snapshot>,
    /// How many check-ins the newer side sees that the older does not.
    pub check_ins_added: usize,
}

/// How an alignment link changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AlignmentChangeKind {
    /// Only in the newer side.
    Added,
    /// Only in the older side.
    Removed,
    /// In both, with another weight or `contributes`.
    Reweighted,
}

/// An alignment link that was added, removed or reweighted.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AlignmentChange {
    /// The child objective.
    pub child: String,
    /// The parent objective.
    pub parent: String,
    /// What happened.
    pub change: AlignmentChangeKind,
    /// The older (weight, contributes), for the text form.
    #[serde(skip)]
    pub before: Option<(f64, bool)>,
    /// The newer (weight, contributes), for the text form.
    #[serde(skip)]
    pub after: Option<(f64, bool)>,
}

/// Findings that appeared or went away (compared by code and subjects).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct FindingChanges {
    /// In the newer side only.
    pub new: Vec<Finding>,
    /// In the older side only.
    pub resolved: Vec<Finding>,
}

/// A check-in as compared: its date and value.
fn key(c: &CheckIn) -> (NaiveDate, u64, bool) {
    match c.value {
        Value::Bool(b) => (c.date, 0, b),
        Value::Number(n) => (c.date, n.to_bits(), false),
    }
}

/// Check-ins of `new` (dated on or before `d_new`) not matched by one of `old` (on or
/// before `d_old`), counted with multiplicity.
fn check_ins_added(
    old: Option<(&KeyResult, NaiveDate)>,
    new: &KeyResult,
    d_new: NaiveDate,
) -> usize {
    let mut seen: HashMap<(NaiveDate, u64, bool), usize> = HashMap::new();
    if let Some((old, d_old)) = old {
        for c in old.check_ins.iter().filter(|c| c.date <= d_old) {
            *seen.entry(key(c)).or_default() += 1;
        }
    }
    let mut added = 0;
    for c in new.check_ins.iter().filter(|c| c.date <= d_new) {
        match seen.get_mut(&key(c)) {
            Some(n) if *n > 0 => *n -= 1,
            _ => added += 1,
        }
    }
    added
}

/// What changed from `before` to `after`: objectives, key results, alignment links and
/// findings (each side validated under its own policy). Runs in
/// O(objectives + key results + links + check-ins + findings) of both sides.
///
/// ```
/// use okr_core::{diff, AsOf, ChangeKind, Document, Format, Policy, Scorecard};
/// use chrono::NaiveDate;
/// let doc = Document::from_str(r#"
/// version: 1
/// cycles: [{id: c, start: 2021-07-01, end: 2021-12-31}]
/// objectives:
///   - id: o
///     title: O
///     cycle: c
///     level: company
///     owners: [ana]
///     key_results:
///       - {id: kr, title: KR, kind: metric, start: 0, target: 10,
///          check_ins: [{date: 2021-08-01, value: 2}, {date: 2021-09-01, value: 5}]}
/// people: [{id: ana}]
/// "#, Format::Yaml)?;
/// let at = |m, d| AsOf::Date(NaiveDate::from_ymd_opt(2021, m, d).unwrap());
/// let old = Scorecard::new(doc.clone(), at(8, 15), Policy::default());
/// let new = Scorecard::new(doc, at(9, 15), Policy::default());
/// let d = diff(&old, &new);
/// assert_eq!(d.key_results[0].change, ChangeKind::Changed);
/// assert_eq!(d.key_results[0].check_ins_added, 1);
/// assert_eq!(d.key_results[0].after.unwrap().score, Some(0.5));
/// # Ok::<(), okr_core::LoadError>(())
/// ```
pub fn diff(before: &Scorecard, after: &Scorecard) -> Diff {
    let (old, new) = (before.document(), after.document());
    // Objectives.
    let mut objectives = Vec::new();
    let old_scores: HashMap<&str, Snapshot> = before
        .objectives()
        .map(|(o, s)| (o.id.as_str(), Snapshot::from(s)))
        .collect();
    let new_ids: HashSet<&str> = new.objectives.iter().map(|o| o.id.as_str()).collect();
    for (o, s) in after.objectives() {
        let now = Snapshot::from(s);
        match old_scores.get(o.id.as_str()) {
            None => objectives.push(EntityChange {
                id: o.id.to_string(),
                change: ChangeKind::Added,
                before: None,
                after: Some(now),
            }),
            Some(was) if !was.same(&now) => objectives.push(EntityChange {
                id: o.id.to_string(),
                change: ChangeKind::Changed,
                before: Some(*was),
                after: Some(now),
            }),
            Some(_) => {}
        }
    }
    for (o, s) in before.objectives() {
        if !new_ids.contains(o.id.as_str()) {
            objectives.push(EntityChange {
                id: o.id.to_string(),
                change: ChangeKind::Removed,
                before: Some(Snapshot::from(s)),
                after: None,
            });
        }
    }
    // Key results.
    let date = |card: &Scorecard, objective: &str| {
        card.date_of(
            card.graph()
                .objective(card.document(), objective)
                .unwrap_or(u32::MAX),
        )
    };
    let old_krs: HashMap<&str, (&KeyResult, &str, Snapshot)> = before
        .key_results()
        .map(|(o, kr, s)| (kr.id.as_str(), (kr, o.id.as_str(), Snapshot::from(s))))
        .collect();
    let new_kr_ids: HashSet<&str> = new.key_results().map(|(_, kr)| kr.id.as_str()).collect();
    let mut key_results = Vec::new();
    for (o, kr, s) in after.key_results() {
        let now = Snapshot::from(s);
        let d_new = date(after, o.id.as_str());
        match old_krs.get(kr.id.as_str()) {
            None => key_results.push(KeyResultChange {
                id: kr.id.to_string(),
                change: ChangeKind::Added,
                before: None,
                after: Some(now),
                check_ins_added: check_ins_added(None, kr, d_new),
            }),
            Some((old_kr, old_o, was)) => {
                let d_old = date(before, old_o);
                let added = check_ins_added(Some((old_kr, d_old)), kr, d_new);
                if added > 0 || !was.same(&now) {
                    key_results.push(KeyResultChange {
                        id: kr.id.to_string(),
                        change: ChangeKind::Changed,
                        before: Some(*was),
                        after: Some(now),
                        check_ins_added: added,
                    });
                }
            }
        }
    }
    for (_, kr, s) in before.key_results() {
        if !new_kr_ids.contains(kr.id.as_str()) {
            key_results.push(KeyResultChange {
                id: kr.id.to_string(),
                change: ChangeKind::Removed,
                before: Some(Snapshot::from(s)),
                after: None,
                check_ins_added: 0,
            });
        }
    }
    // Alignment links.
    let links = |doc: &crate::Document| -> Vec<(String, String, f64, bool)> {
        doc.objectives
            .iter()
            .flat_map(|o| {
                o.aligns_to.iter().map(move |l| {
                    (
                        o.id.to_string(),
                        l.objective.to_string(),
                        l.weight,
                        l.contributes,
                    )
                })
            })
            .collect()
    };
    let (old_links, new_links) = (links(old), links(new));
    let old_map: HashMap<(&str, &str), (f64, bool)> = old_links
        .iter()
        .map(|(c, p, w, k)| ((c.as_str(), p.as_str()), (*w, *k)))
        .collect();
    let new_map: HashMap<(&str, &str), (f64, bool)> = new_links
        .iter()
        .map(|(c, p, w, k)| ((c.as_str(), p.as_str()), (*w, *k)))
        .collect();
    let mut alignments = Vec::new();
    for (c, p, w, k) in &new_links {
        let change = match old_map.get(&(c.as_str(), p.as_str())) {
            None => Some(AlignmentChangeKind::Added),
            Some((ow, ok)) if ow.to_bits() != w.to_bits() || ok != k => {
                Some(AlignmentChangeKind::Reweighted)
            }
            Some(_) => None,
        };
        if let Some(change) = change {
            alignments.push(AlignmentChange {
                child: c.clone(),
                parent: p.clone(),
                change,
                before: old_map.get(&(c.as_str(), p.as_str())).copied(),
                after: Some((*w, *k)),
            });
        }
    }
    for (c, p, w, k) in &old_links {
        if !new_map.contains_key(&(c.as_str(), p.as_str())) {
            alignments.push(AlignmentChange {
                child: c.clone(),
                parent: p.clone(),
                change: AlignmentChangeKind::Removed,
                before: Some((*w, *k)),
                after: None,
            });
        }
    }
    // Findings.
    let (old_f, new_f) = (validate_scored(before), validate_scored(after));
    let ids = |fs: &[Finding]| -> HashSet<(String, Vec<String>)> {
        fs.iter()
            .map(|f| (f.code.clone(), f.subjects.clone()))
            .collect()
    };
    let (old_ids, new_ids) = (ids(&old_f), ids(&new_f));
    let findings = FindingChanges {
        new: new_f
            .iter()
            .filter(|f| !old_ids.contains(&(f.code.clone(), f.subjects.clone())))
            .cloned()
            .collect(),
        resolved: old_f
            .iter()
            .filter(|f| !new_ids.contains(&(f.code.clone(), f.subjects.clone())))
            .cloned()
            .collect(),
    };
    Diff {
        before: DiffSide {
            as_of: before.as_of().date(),
        },
        after: DiffSide {
            as_of: after.as_of().date(),
        },
        objectives,
        key_results,
        alignments,
        findings,
    }
}

fn num(x: Option<f64>) -> String {
    // `+ 0.0` turns a negative zero into zero: no `-0.00`.
    x.map_or_else(|| "-".into(), |v| format!("{:.2}", v + 0.0))
}

fn arrow(a: &str, b: &str) -> String {
    if a == b {
        a.to_owned()
    } else {
        format!("{a} → {b}")
    }
}

/// `0.42 → 0.55  at_risk → on_track`, or the one side there is.
fn values(before: Option<&Snapshot>, after: Option<&Snapshot>) -> String {
    match (before, after) {
        (Some(b), Some(a)) => {
            let mut s = format!(
                "{}  {}",
                arrow(&num(b.score), &num(a.score)),
                arrow(b.status.as_str(), a.status.as_str())
            );
            if num(b.forecast) != num(a.forecast) {
                let _ = write!(
                    s,
                    "  forecast {}",
                    arrow(&num(b.forecast), &num(a.forecast))
                );
            }
            s
        }
        (None, Some(x)) | (Some(x), None) => {
            format!("{}  {}", num(x.score), x.status.as_str())
        }
        (None, None) => String::new(),
    }
}

impl Diff {
    /// Whether nothing changed.
    pub fn is_empty(&self) -> bool {
        self.objectives.is_empty()
            && self.key_results.is_empty()
            && self.alignments.is_empty()
            && self.findings.new.is_empty()
            && self.findings.resolved.is_empty()
    }

    /// The diff as text, grouped, as `okr diff` prints it.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "as of {} → {}", self.before.as_of, self.after.as_of);
        if self.is_empty() {
            out.push_str("no changes\n");
            return out;
        }
        let width = self
            .objectives
            .iter()
            .map(|c| c.id.chars().count())
            .chain(self.key_results.iter().map(|c| c.id.chars().count()))
            .max()
            .unwrap_or(2);
        for (kind, label) in [
            (ChangeKind::Changed, "changed"),
            (ChangeKind::Added, "added"),
            (ChangeKind::Removed, "removed"),
        ] {
            let group: Vec<_> = self
                .objectives
                .iter()
                .filter(|c| c.change == kind)
                .collect();
            if !group.is_empty() {
                let _ = writeln!(out, "\nobjectives {label}:");
                for c in group {
                    let _ = writeln!(
                        out,
                        "  {:<width$}  {}",
                        c.id,
                        values(c.before.as_ref(), c.after.as_ref())
                    );
                }
            }
            let group: Vec<_> = self
                .key_results
                .iter()
                .filter(|c| c.change == kind)
                .collect();
            if !group.is_empty() {
                let _ = writeln!(out, "\nkey results {label}:");
                for c in group {
                    let _ = write!(
                        out,
                        "  {:<width$}  {}",
                        c.id,
                        values(c.before.as_ref(), c.after.as_ref())
                    );
                    match c.check_ins_added {
                        0 => {}
                        1 => out.push_str("  (+1 check-in)"),
                        n => {
                            let _ = write!(out, "  (+{n} check-ins)");
                        }
                    }
                    out.push('\n');
                }
            }
        }
        if !self.alignments.is_empty() {
            out.push_str("\nalignments:\n");
            let link = |x: Option<(f64, bool)>| match x {
                Some((w, true)) => format!("weight {w}"),
                Some((_, false)) => "supports".to_owned(),
                None => String::new(),
            };
            for a in &self.alignments {
                let what = match a.change {
                    AlignmentChangeKind::Added => format!("added ({})", link(a.after)),
                    AlignmentChangeKind::Removed => "removed".to_owned(),
                    AlignmentChangeKind::Reweighted => {
                        format!("reweighted: {}", arrow(&link(a.before), &link(a.after)))
                    }
                };
                let _ = writeln!(out, "  {} → {}  {what}", a.child, a.parent);
            }
        }
        for (label, list) in [
            ("new findings", &self.findings.new),
            ("resolved findings", &self.findings.resolved),
        ] {
            if !list.is_empty() {
                let _ = writeln!(out, "\n{label}:");
                for f in list {
                    let _ = writeln!(out, "  {}[{}]: {}", f.severity.as_str(), f.code, f.message);
                }
            }
        }
        out
    }
}
