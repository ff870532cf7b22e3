//! Filters that choose what is printed (SPEC §10): a [`Filter`] resolved against a scored
//! document gives a [`Selection`] of objectives, key results and people. Scores are always
//! computed over the whole document; a filter only chooses what is shown.
//!
//! Choices where the specification is silent:
//! - A key result is selected when its objective is (`--status` tests the objective's
//!   status, not each key result's).
//! - People are chosen by `team` and `owner` only (`--owner` selects that person); the
//!   other filters do not apply to people.
//! - A person's row of one cycle (the `people` table, the report's people section) is
//!   selected when the cycle is and the person owns a selected objective of that cycle or
//!   is chosen by `team` or `owner` ([`Selection::person_in_cycle`]).
//! - A finding whose first subject is a cycle (`invalid_cycle_dates`) is selected when the
//!   cycle is; with any filter set, one whose first subject is none of these is not.

use crate::check::Finding;
use crate::load::convert::closest_id;
use crate::score::Status;
use crate::Scorecard;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;

/// What to show: every field that is set must hold ("and"). The default selects everything.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Filter {
    /// Objectives of this cycle and of the cycles within it (by dates).
    pub cycle: Option<String>,
    /// Objectives whose `team` is this team or a team below it, and those teams' people.
    pub team: Option<String>,
    /// Objectives this person owns, alone or shared.
    pub owner: Option<String>,
    /// Objectives at this level.
    pub level: Option<String>,
    /// Objectives with this status.
    pub status: Option<Status>,
}

/// A filter names something the document does not have.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum FilterError {
    /// An unknown cycle, team, person or level.
    #[error("unknown {what} `{id}`{}", .closest.as_ref().map_or_else(String::new, |c| format!(", did you mean `{c}`?")))]
    Unknown {
        /// `cycle`, `team`, `person` or `level`.
        what: &'static str,
        /// The id given.
        id: String,
        /// The closest existing id, when one is near.
        closest: Option<String>,
    },
}

/// The objectives, key results and people a [`Filter`] selects in one scored document.
#[derive(Clone, Debug, Default)]
pub struct Selection {
    all: bool,
    objectives: HashSet<String>,
    key_results: HashSet<String>,
    people: HashSet<String>,
    cycles: HashSet<String>,
    /// The teams of `--team` (that team and those below it); `None` without it.
    teams: Option<HashSet<String>>,
    /// The level of `--level`.
    level: Option<String>,
    /// Whether `--team` or `--owner` chose the people.
    people_filtered: bool,
    /// (cycle, person) for every owner of a selected objective.
    owning: HashSet<(String, String)>,
}

fn check_known(what: &'static str, id: &str, known: &[&str]) -> Result<(), FilterError> {
    if known.contains(&id) {
        return Ok(());
    }
    let near = closest_id(id, known);
    Err(FilterError::Unknown {
        what,
        id: id.to_owned(),
        closest: near.map(str::to_owned),
    })
}

/// The codes whose first subject is a person.
const PEOPLE_RULES: [&str; 3] = [
    "over_capacity",
    "too_many_objectives",
    "person_without_objectives",
];

impl Filter {
    /// Whether no field is set (everything is selected).
    pub fn is_empty(&self) -> bool {
        *self == Filter::default()
    }

    /// Resolves the filter against `card`'s document: an unknown cycle, team, person or
    /// level is an error naming the closest id. O(objectives + key results + people +
    /// teams × depth of the team tree + cycles).
    ///
    /// ```
    /// use okr_core::{AsOf, Document, Filter, Format, Policy, Scorecard};
    /// use chrono::NaiveDate;
    /// let doc = Document::from_str(r#"
    /// version: 1
    /// cycles: [{id: c, start: 2021-07-01, end: 2021-12-31}]
    /// teams: [{id: eng}, {id: web, parent: eng}]
    /// objectives:
    ///   - {id: a, title: A, cycle: c, level: company, key_results: []}
    ///   - {id: b, title: B, cycle: c, level: team, team: web, key_results: []}
    /// "#, Format::Yaml)?;
    /// let d = NaiveDate::from_ymd_opt(2021, 9, 1).unwrap();
    /// let card = Scorecard::new(doc, AsOf::Date(d), Policy::default());
    /// let filter = Filter { team: Some("eng".into()), ..Filter::default() };
    /// let sel = filter.select(&card).unwrap();
    /// assert!(sel.objective("b") && !sel.objective("a"));
    /// let typo = Filter { team: Some("wbe".into()), ..Filter::default() };
    /// assert_eq!(typo.select(&card).unwrap_err().to_string(),
    ///            "unknown team `wbe`, did you mean `web`?");
    /// # Ok::<(), okr_core::LoadError>(())
    /// ```
    pub fn select(&self, card: &Scorecard) -> Result<Selection, FilterError> {
        let doc = card.document();
        let mut problems = Vec::new();
        if let Some(c) = &self.cycle {
            let known: Vec<&str> = doc.cycles.iter().map(|c| c.id.as_str()).collect();
            problems.extend(check_known("cycle", c, &known).err());
        }
        if let Some(t) = &self.team {
            let known: Vec<&str> = doc.teams.iter().map(|t| t.id.as_str()).collect();
            problems.extend(check_known("team", t, &known).err());
        }
        if let Some(p) = &self.owner {
            let known: Vec<&str> = doc.people.iter().map(|p| p.id.as_str()).collect();
            problems.extend(check_known("person", p, &known).err());
        }
        if let Some(l) = &self.level {
            problems.extend(check_known("level", l, &doc.level_names()).err());
        }
        if let Some(p) = problems.into_iter().next() {
            return Err(p);
        }
        let mut sel = Selection {
            all: self.is_empty(),
            level: self.level.clone(),
            people_filtered: self.team.is_some() || self.owner.is_some(),
            ..Selection::default()
        };
        // Cycles: the one given and those that lie within it by dates.
        match self.cycle.as_deref().and_then(|c| doc.cycle(c)) {
            Some(outer) => sel.cycles.extend(
                doc.cycles
                    .iter()
                    .filter(|c| c.start >= outer.start && c.end <= outer.end)
                    .map(|c| c.id.to_string()),
            ),
            None => sel
                .cycles
                .extend(doc.cycles.iter().map(|c| c.id.to_string())),
        }
        // Teams: the one given and every team below it (parents walked iteratively, each
        // walk bounded by the number of teams, so a cycle of parents cannot hang it).
        let teams: Option<HashSet<&str>> = self.team.as_deref().map(|root| {
            let parent: std::collections::HashMap<&str, &str> = doc
                .teams
                .iter()
                .filter_map(|t| t.parent.as_ref().map(|p| (t.id.as_str(), p.as_str())))
                .collect();
            doc.teams
                .iter()
                .map(|t| t.id.as_str())
                .filter(|&t| {
                    let mut at = t;
                    for _ in 0..=doc.teams.len() {
                        if at == root {
                            return true;
                        }
                        match parent.get(at) {
                            Some(p) => at = p,
                            None => return false,
                        }
                    }
                    false
                })
                .collect()
        });
        for (o, s) in card.objectives() {
            let keep = self.cycle.is_none() || sel.cycles.contains(o.cycle.as_str());
            let keep = keep
                && teams
                    .as_ref()
                    .is_none_or(|ts| o.team.as_ref().is_some_and(|t| ts.contains(t.as_str())));
            let keep = keep
                && self
                    .owner
                    .as_deref()
                    .is_none_or(|p| o.owners.iter().any(|x| x.as_str() == p));
            let keep = keep && self.level.as_deref().is_none_or(|l| o.level == l);
            let keep = keep && self.status.is_none_or(|st| s.status == st);
            if keep {
                for x in &o.owners {
                    sel.owning.insert((o.cycle.to_string(), x.to_string()));
                }
                sel.objectives.insert(o.id.to_string());
                sel.key_results
                    .extend(o.key_results.iter().map(|kr| kr.id.to_string()));
            }
        }
        for p in &doc.people {
            let keep = teams
                .as_ref()
                .is_none_or(|ts| p.team.as_ref().is_some_and(|t| ts.contains(t.as_str())))
                && self.owner.as_deref().is_none_or(|o| p.id.as_str() == o);
            if keep {
                sel.people.insert(p.id.to_string());
            }
        }
        sel.teams = teams.map(|ts| ts.into_iter().map(str::to_owned).collect());
        Ok(sel)
    }
}

impl Selection {
    /// A selection of everything.
    pub fn everything() -> Selection {
        Selection {
            all: true,
            ..Selection::default()
        }
    }

    /// Whether the objective with this id is selected.
    pub fn objective(&self, id: &str) -> bool {
        self.all || self.objectives.contains(id)
    }

    /// Whether the key result with this id is selected (its objective is).
    pub fn key_result(&self, id: &str) -> bool {
        self.all || self.key_results.contains(id)
    }

    /// Whether the person with this id is selected.
    pub fn person(&self, id: &str) -> bool {
        self.all || self.people.contains(id)
    }

    /// Whether the cycle with this id is selected (`--cycle` and the cycles within it;
    /// every cycle without `--cycle`).
    pub fn cycle(&self, id: &str) -> bool {
        self.all || self.cycles.contains(id)
    }

    /// Whether the team with this id is selected (`--team` and the teams below it; every
    /// team without `--team`).
    pub fn team(&self, id: &str) -> bool {
        self.all || self.teams.as_ref().is_none_or(|ts| ts.contains(id))
    }

    /// Whether the level with this name is selected (every level without `--level`).
    pub fn level(&self, name: &str) -> bool {
        self.all || self.level.as_deref().is_none_or(|l| l == name)
    }

    /// Whether a person's row of one cycle (the `people` table, the report's people) is
    /// selected: the cycle is, and the person owns a selected objective of that cycle or
    /// is chosen by `--team` (a member of a selected team) or `--owner`.
    pub fn person_in_cycle(&self, person: &str, cycle: &str) -> bool {
        self.all
            || (self.cycle(cycle)
                && ((self.people_filtered && self.people.contains(person))
                    || self.owning.contains(&(cycle.to_owned(), person.to_owned()))))
    }

    /// Whether a finding is selected: its first subject is (a person for the people rules,
    /// otherwise an objective or one of its key results; a cycle for cycle findings).
    pub fn finding(&self, f: &Finding) -> bool {
        if self.all {
            return true;
        }
        let Some(first) = f.subjects.first() else {
            return true;
        };
        if PEOPLE_RULES.contains(&f.code.as_str()) {
            return self.person(first);
        }
        if self.objectives.contains(first) || self.key_results.contains(first) {
            return true;
        }
        if f.code == "invalid_cycle_dates" {
            return self.cycles.contains(first);
        }
        false
    }
}
