//! Edits in place (SPEC §9): a check-in, a milestone marked done or an override written
//! into the *source text* of a YAML, TOML or JSON document, so that every byte outside the
//! inserted text (comments, key order, quoting, blank lines, flow or block style) stays.
//!
//! [`apply`] works on text; [`Edit::apply_to`] makes the same change to a loaded
//! [`Document`]; [`apply_to_file`] edits a file atomically under an advisory lock. Each
//! text edit is checked before it is returned: the new text is loaded again and must give
//! exactly the document that loading the old text and applying the edit gives; anything
//! else is refused with [`EditError::Unsafe`], so a wrong file is never written.
//!
//! ```
//! use okr_core::edit::{apply, Edit};
//! use okr_core::{CheckIn, Format};
//! use chrono::NaiveDate;
//!
//! let old = "\
//! version: 1
//! objectives:
//!   - id: o
//!     title: O
//!     cycle: c
//!     level: team
//!     key_results:
//!       - id: kr   # the one we measure
//!         title: KR
//!         kind: metric
//!         start: 0
//!         target: 10
//!         check_ins: [{date: 2021-08-01, value: 2}]
//! ";
//! let date = NaiveDate::from_ymd_opt(2021, 8, 15).unwrap();
//! let edit = Edit::CheckIn { key_result: "kr".into(), check_in: CheckIn::new(date, 4.0) };
//! let new = apply(old, Format::Yaml, &edit)?;
//! assert_eq!(new, old.replace("value: 2}]", "value: 2}, {date: 2021-08-15, value: 4}]"));
//! # Ok::<(), okr_core::edit::EditError>(())
//! ```

mod file;
mod text;

pub use self::file::apply_to_file;

use crate::{CheckIn, Document, Format, KrKind, LoadError, Override, Value};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// One change to a document. More kinds of edit (a new target, a new key result) are
/// meant to join as new variants.
///
/// As data (JSON, the Python and JS packages) an edit is an object tagged by `edit`:
/// `{"edit": "check_in", "key_result": "p99", "check_in": {"date": "2021-08-22", "value":
/// 290}}`, `{"edit": "milestone_done", "key_result": "talks", "milestone": "contract tests
/// POC", "date": "2021-09-10"}` (or the 0-based index as `"milestone": 1`), `{"edit":
/// "override", "objective": "o", "override": {"score": 0.5, "date": "2021-10-01"}}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "edit", rename_all = "snake_case", deny_unknown_fields)]
#[non_exhaustive]
pub enum Edit {
    /// Append a check-in to a key result.
    CheckIn {
        /// The key result's id.
        key_result: String,
        /// The check-in to append.
        check_in: CheckIn,
    },
    /// Mark a milestone of a `milestones` key result done on a date.
    MilestoneDone {
        /// The key result's id.
        key_result: String,
        /// Which milestone: its title or its 0-based index.
        milestone: MilestoneRef,
        /// The day it was done.
        date: NaiveDate,
    },
    /// Append an override to an objective.
    Override {
        /// The objective's id.
        objective: String,
        /// The override to append.
        r#override: Override,
    },
}

/// A milestone named by its title or its 0-based position in the list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum MilestoneRef {
    /// The milestone with exactly this title (the first one, if several share it).
    Title(String),
    /// The milestone at this 0-based index.
    Index(usize),
}

impl MilestoneRef {
    /// Reads a command-line argument: a whole number is an index, anything else a title.
    pub fn parse(s: &str) -> MilestoneRef {
        match s.parse::<usize>() {
            Ok(i) => MilestoneRef::Index(i),
            Err(_) => MilestoneRef::Title(s.to_owned()),
        }
    }
}

/// Why an edit was not made. In every case nothing was written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum EditError {
    /// The document does not load.
    #[error(transparent)]
    Load(#[from] LoadError),
    /// No key result has this id.
    #[error("no key result `{id}`{}", hint(.suggestion.as_deref()))]
    UnknownKeyResult {
        /// The id asked for.
        id: String,
        /// The closest id in the document, if any is close.
        suggestion: Option<String>,
    },
    /// No objective has this id.
    #[error("no objective `{id}`{}", hint(.suggestion.as_deref()))]
    UnknownObjective {
        /// The id asked for.
        id: String,
        /// The closest id in the document, if any is close.
        suggestion: Option<String>,
    },
    /// The key result has no such milestone.
    #[error("key result `{key_result}` has no milestone {milestone}{}", hint(.suggestion.as_deref()))]
    UnknownMilestone {
        /// The key result.
        key_result: String,
        /// The milestone asked for, as written in the message (`` `title` `` or `#3`).
        milestone: String,
        /// The closest title, if any is close.
        suggestion: Option<String>,
    },
    /// The value does not fit the key result (text for a metric, a check-in on a
    /// milestones KR, a confidence outside 0..=1, …).
    #[error("{message}")]
    Invalid {
        /// What is wrong and how to fix it.
        message: String,
    },
    /// The edit cannot be made without rewriting more than the inserted text (an anchor or
    /// alias on the target, an unusual layout): the file is left as it is.
    #[error("cannot edit {what} in place: {reason}; edit the file by hand")]
    Unsupported {
        /// The thing being edited, e.g. ``key result `p99` ``.
        what: String,
        /// Why.
        reason: String,
    },
    /// The safety net: the edited text would not load as exactly the expected document.
    #[error("cannot edit {what} in place: the edited text would not load as the expected document, so nothing was written; edit the file by hand")]
    Unsafe {
        /// The thing being edited.
        what: String,
    },
    /// The file changed on disk between reading and writing (another program wrote it).
    #[error(
        "`{path}` changed while it was being edited; nothing was written, run the command again"
    )]
    Changed {
        /// The file.
        path: String,
    },
    /// Reading, locking or writing the file failed.
    #[error("cannot {action} `{path}`: {source}")]
    Io {
        /// What was being done (`read`, `lock`, `write`).
        action: &'static str,
        /// The file.
        path: String,
        /// The operating system's error.
        source: std::io::Error,
    },
}

fn hint(suggestion: Option<&str>) -> String {
    match suggestion {
        Some(s) => format!(": did you mean `{s}`?"),
        None => String::new(),
    }
}

fn invalid(message: String) -> EditError {
    EditError::Invalid { message }
}

/// The candidate `name` was most likely meant to be (`load::convert::closest_id`).
fn closest<'a>(name: &str, candidates: impl Iterator<Item = &'a str>) -> Option<String> {
    let known: Vec<&str> = candidates.collect();
    crate::load::convert::closest_id(name, &known).map(str::to_owned)
}

impl Edit {
    /// Reads an edit from its JSON form (see [`Edit`]).
    pub fn from_json(json: &str) -> Result<Edit, EditError> {
        serde_json::from_str(json).map_err(|e| {
            invalid(format!(
                "not an edit: {}",
                crate::load::syntax::tidy(&e.to_string())
            ))
        })
    }

    /// The index of the objective the edit changes (the first with the id, or holding the
    /// key result), if the document has one.
    pub(crate) fn objective_index(&self, doc: &Document) -> Option<usize> {
        match self {
            Edit::CheckIn { key_result, .. } | Edit::MilestoneDone { key_result, .. } => doc
                .objectives
                .iter()
                .position(|o| o.key_results.iter().any(|k| k.id.as_str() == key_result)),
            Edit::Override { objective, .. } => doc
                .objectives
                .iter()
                .position(|o| o.id.as_str() == objective),
        }
    }

    /// What the edit changes, for messages (``key result `p99` ``).
    fn subject(&self) -> String {
        match self {
            Edit::CheckIn { key_result, .. } | Edit::MilestoneDone { key_result, .. } => {
                format!("key result `{key_result}`")
            }
            Edit::Override { objective, .. } => format!("objective `{objective}`"),
        }
    }

    /// Applies the edit to a loaded document: the change that [`apply`] makes to the text.
    /// Refuses an unknown id (naming the closest one) and a value the key result cannot
    /// take, leaving the document unchanged.
    ///
    /// ```
    /// use okr_core::edit::{Edit, EditError};
    /// use okr_core::{CheckIn, Document, Format};
    /// use chrono::NaiveDate;
    /// let mut doc = Document::from_str("version: 1\nobjectives: [{id: o, title: O, cycle: c, level: team,
    ///   key_results: [{id: api-latency, title: L, kind: binary}]}]\n", Format::Yaml)?;
    /// let date = NaiveDate::from_ymd_opt(2021, 8, 15).unwrap();
    /// let typo = Edit::CheckIn { key_result: "api-latncy".into(), check_in: CheckIn::new(date, true) };
    /// let err = typo.apply_to(&mut doc).unwrap_err();
    /// assert_eq!(err.to_string(), "no key result `api-latncy`: did you mean `api-latency`?");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn apply_to(&self, doc: &mut Document) -> Result<(), EditError> {
        self.check(doc)?;
        match self {
            Edit::CheckIn {
                key_result,
                check_in,
            } => {
                if let Some(kr) = doc
                    .objectives
                    .iter_mut()
                    .flat_map(|o| o.key_results.iter_mut())
                    .find(|k| k.id.as_str() == key_result)
                {
                    kr.check_ins.push(check_in.clone());
                }
            }
            Edit::MilestoneDone {
                key_result,
                milestone,
                date,
            } => {
                if let Some(kr) = doc
                    .objectives
                    .iter_mut()
                    .flat_map(|o| o.key_results.iter_mut())
                    .find(|k| k.id.as_str() == key_result)
                {
                    if let KrKind::Milestones { milestones } = &mut kr.kind {
                        if let Some(i) = milestone_index(milestones, milestone) {
                            if let Some(m) = milestones.get_mut(i) {
                                m.done = Some(*date);
                            }
                        }
                    }
                }
            }
            Edit::Override {
                objective,
                r#override,
            } => {
                if let Some(o) = doc
                    .objectives
                    .iter_mut()
                    .find(|o| o.id.as_str() == objective)
                {
                    o.overrides.push(r#override.clone());
                }
            }
        }
        Ok(())
    }

    /// Whether the edit can be applied to `doc`: the ids exist and the values fit.
    fn check(&self, doc: &Document) -> Result<(), EditError> {
        match self {
            Edit::CheckIn {
                key_result,
                check_in,
            } => {
                let kr = find_kr(doc, key_result)?;
                match (&kr.kind, check_in.value) {
                    (KrKind::Milestones { .. }, _) => {
                        return Err(invalid(format!(
                            "key result `{key_result}` is made of milestones: mark one done instead of checking in a value (`okr check-in FILE {key_result} --done MILESTONE`)"
                        )))
                    }
                    (KrKind::Binary, _) => {}
                    (kind, Value::Bool(b)) => {
                        return Err(invalid(format!(
                            "key result `{key_result}` is a {} key result: its check-ins take a number, not `{b}`",
                            kind.name()
                        )))
                    }
                    (_, Value::Number(_)) => {}
                }
                if let Value::Number(n) = check_in.value {
                    if !n.is_finite() {
                        return Err(invalid(format!("the value `{n}` is not a finite number")));
                    }
                }
                if let Some(c) = check_in.confidence {
                    if !(0.0..=1.0).contains(&c) {
                        return Err(invalid(format!(
                            "the confidence `{c}` is outside 0..=1: write it as a share, e.g. `0.8`"
                        )));
                    }
                }
                if !check_in.extra.is_empty() {
                    return Err(invalid(
                        "a check-in written by an edit cannot carry `extra` fields".into(),
                    ));
                }
                Ok(())
            }
            Edit::MilestoneDone {
                key_result,
                milestone,
                ..
            } => {
                let kr = find_kr(doc, key_result)?;
                let KrKind::Milestones { milestones } = &kr.kind else {
                    return Err(invalid(format!(
                        "key result `{key_result}` is a {} key result, not a milestones one: check in a value instead",
                        kr.kind.name()
                    )));
                };
                let Some(i) = milestone_index(milestones, milestone) else {
                    let (shown, suggestion) = match milestone {
                        MilestoneRef::Title(t) => (
                            format!("`{t}`"),
                            closest(t, milestones.iter().map(|m| m.title.as_str())),
                        ),
                        MilestoneRef::Index(i) => (
                            format!(
                                "at index `{i}` (it has {}, counted from 0)",
                                milestones.len()
                            ),
                            None,
                        ),
                    };
                    return Err(EditError::UnknownMilestone {
                        key_result: key_result.clone(),
                        milestone: shown,
                        suggestion,
                    });
                };
                if let Some(done) = milestones.get(i).and_then(|m| m.done) {
                    return Err(EditError::Unsupported {
                        what: self.subject(),
                        reason: format!(
                            "the milestone is already done on `{done}`, and an edit only adds text"
                        ),
                    });
                }
                Ok(())
            }
            Edit::Override {
                objective,
                r#override,
            } => {
                if doc.objective(objective).is_none() {
                    return Err(EditError::UnknownObjective {
                        id: objective.clone(),
                        suggestion: closest(
                            objective,
                            doc.objectives
                                .iter()
                                .map(|o| o.id.as_str())
                                .chain(doc.key_results().map(|(_, k)| k.id.as_str())),
                        ),
                    });
                }
                if !r#override.score.is_finite() || r#override.score < 0.0 {
                    return Err(invalid(format!(
                        "the override score `{}` is not a number of 0 or more",
                        r#override.score
                    )));
                }
                if !r#override.extra.is_empty() {
                    return Err(invalid(
                        "an override written by an edit cannot carry `extra` fields".into(),
                    ));
                }
                Ok(())
            }
        }
    }
}

fn find_kr<'a>(doc: &'a Document, id: &str) -> Result<&'a crate::KeyResult, EditError> {
    doc.key_results()
        .map(|(_, k)| k)
        .find(|k| k.id.as_str() == id)
        .ok_or_else(|| EditError::UnknownKeyResult {
            id: id.to_owned(),
            suggestion: closest(
                id,
                doc.key_results()
                    .map(|(_, k)| k.id.as_str())
                    .chain(doc.objectives.iter().map(|o| o.id.as_str())),
            ),
        })
}

fn milestone_index(milestones: &[crate::Milestone], which: &MilestoneRef) -> Option<usize> {
    match which {
        MilestoneRef::Index(i) => (*i < milestones.len()).then_some(*i),
        MilestoneRef::Title(t) => milestones.iter().position(|m| &m.title == t),
    }
}

/// Applies an edit to the source text of a document and returns the new text, in which
/// every byte outside the inserted text is as it was.
///
/// Refuses (and returns no text) an unknown id, a value the key result cannot take, a
/// target written in a shape that cannot be extended by insertion alone (an anchor or
/// alias, a milestone already done), and any result that would not load as exactly
/// `apply_to(load(text))`.
pub fn apply(text: &str, format: Format, edit: &Edit) -> Result<String, EditError> {
    let old = Document::from_str(text, format)?;
    let objective = edit.objective_index(&old);
    let mut expected = old;
    edit.apply_to(&mut expected)?;
    let new = text::insert(text, format, edit, objective)?;
    match Document::from_str(&new, format) {
        Ok(doc) if doc == expected => Ok(new),
        _ => Err(EditError::Unsafe {
            what: edit.subject(),
        }),
    }
}
