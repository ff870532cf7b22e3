//! Alignment validation (SPEC §6): findings about a well-formed document, returned as
//! data, never thrown.
//!
//! [`validate`] works on any document that loads, including ones with alignment cycles,
//! dangling references, duplicate ids and non-finite numbers, and never stops at the first
//! finding. It runs in O(objectives + key results + links + check-ins) plus a sort of the
//! findings.

use crate::hash::{HashMap, HashSet};
use crate::model::*;
use crate::policy::{Policy, Severity};
use crate::save::numbers::Num;
use crate::score::graph::{Graph, NONE};
use crate::score::rollup::{Scorecard, Scored, View};
use crate::score::{active_override, AsOf};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// A validation rule: its stable code, default severity and what it checks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rule {
    /// The stable snake_case code.
    pub code: &'static str,
    /// The severity when the policy does not change it.
    pub default_severity: Severity,
    /// When the rule fires.
    pub description: &'static str,
}

macro_rules! rules {
    ($($name:ident = $code:literal, $sev:ident, $desc:literal;)*) => {
        /// Every rule of SPEC §6, in the specification's order.
        pub const RULES: &[Rule] = &[
            $(Rule { code: $code, default_severity: Severity::$sev, description: $desc },)*
        ];
        mod code {
            $(pub(super) const $name: &str = $code;)*
        }
    };
}

rules! {
    DUPLICATE_ID = "duplicate_id", Error, "two entities of one kind, or an objective and a key result, share an id";
    UNKNOWN_REFERENCE = "unknown_reference", Error, "a cycle, level, team, person, theme, initiative or parent that does not exist (the help names the closest existing id when one is near)";
    ALIGNMENT_CYCLE = "alignment_cycle", Error, "the alignment links contain a cycle";
    INVALID_VALUE = "invalid_value", Error, "NaN/infinity, negative weight, confidence outside 0..=1, blend outside 0..=1, negative capacity or effort, or effort above the hours of its cycle (24 a day)";
    ZERO_RANGE = "zero_range", Error, "a metric key result with start = target";
    INVALID_CYCLE_DATES = "invalid_cycle_dates", Error, "a cycle ends before it starts";
    LEVEL_INVERSION = "level_inversion", Warning, "a child aligns to a parent that is not at a strictly higher level";
    CYCLE_MISMATCH = "cycle_mismatch", Warning, "a child's cycle does not lie within its parent's cycle dates";
    ORPHAN_OBJECTIVE = "orphan_objective", Warning, "an objective below the top level aligns to nothing";
    UNCOVERED_OBJECTIVE = "uncovered_objective", Warning, "an objective above the bottom level has no contributing child";
    NO_KEY_RESULTS = "no_key_results", Warning, "an objective has neither key results nor contributing children, or its mode needs key results it lacks";
    TOO_MANY_KEY_RESULTS = "too_many_key_results", Warning, "more than `max_key_results` key results on one objective";
    TOO_MANY_OBJECTIVES = "too_many_objectives", Warning, "an owner holds more than `max_objectives` objectives in one cycle";
    NO_OWNER = "no_owner", Warning, "an objective has no owner";
    CHECK_IN_OUTSIDE_CYCLE = "check_in_outside_cycle", Warning, "a check-in, plan point or milestone due/done date outside its objective's cycle";
    STALE_CHECK_IN = "stale_check_in", Warning, "inside the cycle, a key result's last update — check-in or milestone done — (or the cycle start) is more than `stale_days` days before the as-of date";
    SIDE_PROJECT = "side_project", Warning, "a team- or individual-level objective tied to no initiative, neither itself nor through its key results";
    OVER_CAPACITY = "over_capacity", Warning, "a person's effort in an outermost cycle, counting the cycles within it (each objective's effort split evenly among its owners), exceeds their capacity";
    PERSON_WITHOUT_OBJECTIVES = "person_without_objectives", Info, "a person owns no objective (nor a key result of one) in an outermost cycle (or a cycle within it) that has objectives of their team";
    STALE_OVERRIDE = "stale_override", Info, "a score override is older than the latest check-in below it";
    SANDBAGGING = "sandbagging", Info, "at or after cycle end, an aspirational objective scores 1.0 or more";
    WEIGHTS_ALL_ZERO = "weights_all_zero", Warning, "an objective's inputs all have weight zero";
    CHILDREN_NOT_COUNTED = "children_not_counted", Warning, "an objective in `auto` mode (its own or the policy's `default_rollup`) is scored from its key results while objectives contribute to it, whose scores therefore do not count";
}

/// The rule with this code.
pub fn rule(code: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.code == code)
}

/// One finding about a document.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Finding {
    /// The stable snake_case rule code.
    pub code: String,
    /// How serious it is, under the policy in force.
    pub severity: Severity,
    /// The ids involved; the entity the finding is about comes first.
    pub subjects: Vec<String>,
    /// Where in the document, e.g. `objectives[3].aligns_to[0]`.
    pub path: Option<String>,
    /// What is wrong: lowercase, no final period, user values in backticks.
    pub message: String,
    /// What to do about it.
    pub help: Option<String>,
}

struct Out<'p> {
    policy: &'p Policy,
    findings: Vec<(usize, Finding)>,
}

impl Out<'_> {
    fn push(
        &mut self,
        code: &'static str,
        subjects: Vec<String>,
        path: Option<String>,
        message: String,
        help: &str,
    ) {
        let Some(rule_index) = RULES.iter().position(|r| r.code == code) else {
            return;
        };
        let default = RULES
            .get(rule_index)
            .map_or(Severity::Warning, |r| r.default_severity);
        let Some(severity) = self.policy.severity_of(code, default) else {
            return;
        };
        self.findings.push((
            rule_index,
            Finding {
                code: code.to_owned(),
                severity,
                subjects,
                path,
                message,
                help: (!help.is_empty()).then(|| help.to_owned()),
            },
        ));
    }
}

/// The `side_project` rule: an objective at one of the two lowest levels (`level` is its
/// level's position, `lowest_two` the position of the second lowest) tied to no initiative,
/// neither itself nor through its key results.
fn is_side_project(level: Option<usize>, lowest_two: usize, o: &Objective) -> bool {
    level.is_some_and(|l| l >= lowest_two)
        && o.initiatives.is_empty()
        && o.key_results.iter().all(|kr| kr.initiatives.is_empty())
}

/// Whether `o` is a side project in `doc` (the `side_project` rule's test).
pub(crate) fn side_project(doc: &Document, o: &Objective) -> bool {
    let levels = doc.level_names();
    let level = levels.iter().position(|l| *l == o.level);
    is_side_project(level, levels.len().saturating_sub(2), o)
}

fn obj_path(i: usize) -> String {
    Loc::At("objectives", i).to_string()
}

fn kr_path(i: usize, k: usize) -> String {
    Loc::Kr(i, k).to_string()
}

/// Where an entity is, written out only when a finding needs its path: a rule looks at
/// millions of entities and finds few.
#[derive(Clone, Copy)]
enum Loc {
    /// `list[i]`, e.g. `teams[3]`.
    At(&'static str, usize),
    /// `objectives[i].key_results[k]`.
    Kr(usize, usize),
}

impl std::fmt::Display for Loc {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Loc::At(list, i) => write!(f, "{list}[{i}]"),
            Loc::Kr(i, k) => write!(f, "objectives[{i}].key_results[{k}]"),
        }
    }
}

/// Checks a document against every rule of SPEC §6 as of a date, under a policy.
///
/// Findings come in rule order (the order of [`RULES`]), and in document order within a
/// rule.
///
/// ```
/// use okr_core::{validate, AsOf, Document, Format, Policy};
/// let doc = Document::from_str("version: 1\nobjectives:\n  - {id: o, title: O, cycle: c, level: team, key_results: []}\n", Format::Yaml)?;
/// let as_of = AsOf::Date(chrono::NaiveDate::from_ymd_opt(2021, 9, 1).unwrap());
/// let codes: Vec<String> = validate(&doc, as_of, &Policy::default()).into_iter().map(|f| f.code).collect();
/// assert!(codes.contains(&"unknown_reference".to_string())); // cycle `c` does not exist
/// # Ok::<(), okr_core::LoadError>(())
/// ```
pub fn validate(doc: &Document, as_of: AsOf, policy: &Policy) -> Vec<Finding> {
    // Scores computed on the borrowed document: no copy of it, as a Scorecard would own.
    let scored = Scored::new(doc, as_of, policy);
    validate_view(&scored.view(doc, as_of, policy))
}

/// [`validate`] on an already computed scorecard (its document, date and policy).
pub fn validate_scored(card: &Scorecard) -> Vec<Finding> {
    validate_view(&card.view())
}

fn validate_view(card: &View<'_>) -> Vec<Finding> {
    let doc = card.doc;
    let graph = card.graph;
    let policy = card.policy;
    let as_of = card.as_of;
    let mut out = Out {
        policy,
        findings: Vec::new(),
    };
    let levels = doc.level_names();
    let level_of = |name: &str| levels.iter().position(|l| *l == name);
    let bottom = levels.len().saturating_sub(1);
    let lowest_two = levels.len().saturating_sub(2);

    duplicates(doc, &mut out);
    references(doc, graph, &levels, &mut out);
    for cycle in &graph.cycles {
        let ids: Vec<String> = cycle
            .iter()
            .filter_map(|&i| doc.objectives.get(i as usize).map(|o| o.id.0.clone()))
            .collect();
        let mut shown: Vec<String> = ids.iter().map(|id| format!("`{id}`")).collect();
        if let Some(first) = shown.first().cloned() {
            shown.push(first);
        }
        out.push(
            code::ALIGNMENT_CYCLE,
            ids,
            cycle.first().map(|&i| format!("{}.aligns_to", obj_path(i as usize))),
            format!("alignment cycle: {}", shown.join(" → ")),
            "remove one of the links so that alignment flows only upwards; objectives on the cycle are unscored",
        );
    }
    invalid_values(doc, &mut out);
    for (i, c) in doc.cycles.iter().enumerate() {
        if c.end < c.start {
            out.push(
                code::INVALID_CYCLE_DATES,
                vec![c.id.0.clone()],
                Some(format!("cycles[{i}].end")),
                format!(
                    "cycle `{}` ends (`{}`) before it starts (`{}`)",
                    c.id, c.end, c.start
                ),
                "swap the dates or fix the typo",
            );
        }
    }

    let cycle_of = |i: usize| {
        let c = graph.cycle_of.get(i).copied().unwrap_or(NONE);
        doc.cycles.get(c as usize)
    };

    for (i, o) in doc.objectives.iter().enumerate() {
        let i32_ = i as u32;
        let level = level_of(&o.level);
        let parents = graph.parents.of(i32_);
        // Links, in document order, that resolve.
        for (j, link) in o.aligns_to.iter().enumerate() {
            let Some(p) = graph.objective(doc, link.objective.as_str()) else {
                continue;
            };
            let Some(parent) = doc.objectives.get(p as usize) else {
                continue;
            };
            let lp = level_of(&parent.level);
            if let (Some(lc), Some(lp)) = (level, lp) {
                if lp >= lc {
                    out.push(
                        code::LEVEL_INVERSION,
                        vec![o.id.0.clone(), parent.id.0.clone()],
                        Some(format!("{}.aligns_to[{j}]", obj_path(i))),
                        format!(
                            "`{}` ({}) aligns to `{}` ({}), which is not at a higher level",
                            o.id, o.level, parent.id, parent.level
                        ),
                        "align to an objective of a level above, or fix the levels",
                    );
                }
            }
            if let (Some(cc), Some(pc)) = (cycle_of(i), cycle_of(p as usize)) {
                if cc.start < pc.start || cc.end > pc.end {
                    out.push(
                        code::CYCLE_MISMATCH,
                        vec![o.id.0.clone(), parent.id.0.clone()],
                        Some(format!("{}.aligns_to[{j}]", obj_path(i))),
                        format!(
                            "`{}` is in cycle `{}` ({} to {}), outside `{}`'s cycle `{}` ({} to {})",
                            o.id, cc.id, cc.start, cc.end, parent.id, pc.id, pc.start, pc.end
                        ),
                        "align to an objective of the same cycle, or one whose cycle contains it",
                    );
                }
            }
        }
        let has_contributing_child = graph.children.of(i32_).iter().any(|e| e.contributes);
        if let Some(l) = level {
            if l > 0 && parents.is_empty() {
                out.push(
                    code::ORPHAN_OBJECTIVE,
                    vec![o.id.0.clone()],
                    Some(obj_path(i)),
                    format!("`{}` ({}) aligns to no objective", o.id, o.level),
                    "add `aligns_to` with the objective above that this one serves",
                );
            }
            if l < bottom && !has_contributing_child {
                out.push(
                    code::UNCOVERED_OBJECTIVE,
                    vec![o.id.0.clone()],
                    Some(obj_path(i)),
                    format!("no objective contributes to `{}` ({})", o.id, o.level),
                    "align objectives of the level below to it, or drop it",
                );
            }
        }
        let scorable_krs = o
            .key_results
            .iter()
            .filter(|kr| !matches!(kr.kind, KrKind::Baseline { .. }))
            .count();
        if o.key_results.is_empty() && !has_contributing_child {
            out.push(
                code::NO_KEY_RESULTS,
                vec![o.id.0.clone()],
                Some(format!("{}.key_results", obj_path(i))),
                format!(
                    "`{}` has neither key results nor contributing objectives",
                    o.id
                ),
                "add key results that measure it",
            );
        } else if policy.rollup_mode(o) == RollupMode::KeyResults && scorable_krs == 0 {
            out.push(
                code::NO_KEY_RESULTS,
                vec![o.id.0.clone()],
                Some(format!("{}.key_results", obj_path(i))),
                format!("`{}` is scored from its key results (`rollup: key_results`) but has none that is scored", o.id),
                "add a scored key result, or use another rollup mode",
            );
        }
        if o.key_results.len() > policy.max_key_results as usize {
            out.push(
                code::TOO_MANY_KEY_RESULTS,
                vec![o.id.0.clone()],
                Some(format!("{}.key_results", obj_path(i))),
                format!(
                    "`{}` has {} key results, more than {}",
                    o.id,
                    o.key_results.len(),
                    policy.max_key_results
                ),
                "keep the few key results that matter; move the rest to another objective",
            );
        }
        if o.owners.is_empty() {
            out.push(
                code::NO_OWNER,
                vec![o.id.0.clone()],
                Some(obj_path(i)),
                format!("`{}` has no owner", o.id),
                "name the people who own it in `owners`",
            );
        }
        if let Some(c) = cycle_of(i) {
            dates_outside(o, i, c, &mut out);
            let d = as_of.for_cycle(Some(c));
            if d >= c.start && d <= c.end {
                stale_check_ins(o, i, c, d, policy, &mut out);
            }
        }
        if is_side_project(level, lowest_two, o) {
            out.push(
                code::SIDE_PROJECT,
                vec![o.id.0.clone()],
                Some(obj_path(i)),
                format!("`{}` is tied to no key initiative", o.id),
                "tie it to an initiative of the team (`initiatives`), or it tends to become a side project",
            );
        }
    }
    people_rules(doc, graph, policy, &mut out);
    scored_rules(card, &mut out);

    let mut findings = out.findings;
    findings.sort_by_key(|(rule, _)| *rule);
    findings.into_iter().map(|(_, f)| f).collect()
}

fn duplicates(doc: &Document, out: &mut Out<'_>) {
    fn check<'a>(out: &mut Out<'_>, what: &str, items: impl Iterator<Item = (&'a str, Loc)>) {
        let mut first: HashMap<&str, Loc> = HashMap::default();
        for (id, path) in items {
            match first.get(id) {
                Some(at) => out.push(
                    code::DUPLICATE_ID,
                    vec![id.to_owned()],
                    Some(format!("{path}.id")),
                    format!("duplicate {what} id `{id}` (first at `{at}`)"),
                    "give every entity of a kind its own id",
                ),
                None => {
                    first.insert(id, path);
                }
            }
        }
    }
    check(
        out,
        "cycle",
        doc.cycles
            .iter()
            .enumerate()
            .map(|(i, c)| (c.id.as_str(), Loc::At("cycles", i))),
    );
    check(
        out,
        "team",
        doc.teams
            .iter()
            .enumerate()
            .map(|(i, c)| (c.id.as_str(), Loc::At("teams", i))),
    );
    check(
        out,
        "person",
        doc.people
            .iter()
            .enumerate()
            .map(|(i, c)| (c.id.as_str(), Loc::At("people", i))),
    );
    check(
        out,
        "theme",
        doc.themes
            .iter()
            .enumerate()
            .map(|(i, c)| (c.id.as_str(), Loc::At("themes", i))),
    );
    check(
        out,
        "initiative",
        doc.initiatives
            .iter()
            .enumerate()
            .map(|(i, c)| (c.id.as_str(), Loc::At("initiatives", i))),
    );
    // Objectives and key results share one namespace.
    let both = doc.objectives.iter().enumerate().flat_map(|(i, o)| {
        let krs = o.key_results.iter().enumerate();
        std::iter::once((o.id.as_str(), Loc::At("objectives", i)))
            .chain(krs.map(move |(k, kr)| (kr.id.as_str(), Loc::Kr(i, k))))
    });
    check(out, "objective or key result", both);
}

fn references(doc: &Document, graph: &Graph, levels: &[&str], out: &mut Out<'_>) {
    let cycles: HashSet<&str> = doc.cycles.iter().map(|c| c.id.as_str()).collect();
    let teams: HashSet<&str> = doc.teams.iter().map(|c| c.id.as_str()).collect();
    let people: HashSet<&str> = doc.people.iter().map(|c| c.id.as_str()).collect();
    let themes: HashSet<&str> = doc.themes.iter().map(|c| c.id.as_str()).collect();
    let initiatives: HashSet<&str> = doc.initiatives.iter().map(|c| c.id.as_str()).collect();
    let mut suggest = Suggest::new(doc, levels);
    let mut missing = |subject: &str, what: &'static str, id: &str, path: String| {
        let help = match suggest.closest(what, id) {
            Some(near) => {
                format!("did you mean `{near}`? (or define the {what} `{id}` in the document)")
            }
            None => format!("define the {what} `{id}` in the document, or fix the id"),
        };
        out.push(
            code::UNKNOWN_REFERENCE,
            vec![subject.to_owned(), id.to_owned()],
            Some(path),
            format!("unknown {what} `{id}`"),
            &help,
        );
    };
    for (i, t) in doc.teams.iter().enumerate() {
        if let Some(p) = &t.parent {
            if !teams.contains(p.as_str()) {
                missing(
                    t.id.as_str(),
                    "team",
                    p.as_str(),
                    format!("teams[{i}].parent"),
                );
            }
        }
    }
    for (i, p) in doc.people.iter().enumerate() {
        if let Some(t) = &p.team {
            if !teams.contains(t.as_str()) {
                missing(
                    p.id.as_str(),
                    "team",
                    t.as_str(),
                    format!("people[{i}].team"),
                );
            }
        }
    }
    for (i, x) in doc.initiatives.iter().enumerate() {
        if let Some(t) = &x.team {
            if !teams.contains(t.as_str()) {
                missing(
                    x.id.as_str(),
                    "team",
                    t.as_str(),
                    format!("initiatives[{i}].team"),
                );
            }
        }
    }
    for (i, o) in doc.objectives.iter().enumerate() {
        let s = o.id.as_str();
        let base = Loc::At("objectives", i);
        if !cycles.contains(o.cycle.as_str()) {
            missing(s, "cycle", o.cycle.as_str(), format!("{base}.cycle"));
        }
        if !levels.contains(&o.level.as_str()) {
            missing(s, "level", &o.level, format!("{base}.level"));
        }
        if let Some(t) = &o.team {
            if !teams.contains(t.as_str()) {
                missing(s, "team", t.as_str(), format!("{base}.team"));
            }
        }
        for (j, p) in o.owners.iter().enumerate() {
            if !people.contains(p.as_str()) {
                missing(s, "person", p.as_str(), format!("{base}.owners[{j}]"));
            }
        }
        for (j, t) in o.themes.iter().enumerate() {
            if !themes.contains(t.as_str()) {
                missing(s, "theme", t.as_str(), format!("{base}.themes[{j}]"));
            }
        }
        for (j, t) in o.initiatives.iter().enumerate() {
            if !initiatives.contains(t.as_str()) {
                missing(
                    s,
                    "initiative",
                    t.as_str(),
                    format!("{base}.initiatives[{j}]"),
                );
            }
        }
        for (j, l) in o.aligns_to.iter().enumerate() {
            if graph.objective(doc, l.objective.as_str()).is_none() {
                missing(
                    s,
                    "parent objective",
                    l.objective.as_str(),
                    format!("{base}.aligns_to[{j}]"),
                );
            }
        }
        for (k, kr) in o.key_results.iter().enumerate() {
            let kb = Loc::Kr(i, k);
            for (j, p) in kr.owners.iter().enumerate() {
                if !people.contains(p.as_str()) {
                    missing(
                        kr.id.as_str(),
                        "person",
                        p.as_str(),
                        format!("{kb}.owners[{j}]"),
                    );
                }
            }
            for (j, t) in kr.initiatives.iter().enumerate() {
                if !initiatives.contains(t.as_str()) {
                    missing(
                        kr.id.as_str(),
                        "initiative",
                        t.as_str(),
                        format!("{kb}.initiatives[{j}]"),
                    );
                }
            }
        }
    }
}

/// The existing ids closest to unknown references, per kind of entity.
struct Suggest<'d> {
    doc: &'d Document,
    levels: &'d [&'d str],
    /// Answers already given, by kind and id (a typo tends to repeat).
    seen: HashMap<(String, String), Option<&'d str>>,
    /// Ids still to compare against before suggestions stop: a document with a million
    /// dangling references to a million objectives must not take hours to check.
    budget: usize,
}

impl<'d> Suggest<'d> {
    fn new(doc: &'d Document, levels: &'d [&'d str]) -> Suggest<'d> {
        Suggest {
            doc,
            levels,
            seen: HashMap::default(),
            budget: 20_000_000,
        }
    }

    /// The ids of kind `what`, in document order.
    fn known(&self, what: &str) -> Box<dyn Iterator<Item = &'d str> + 'd> {
        let (doc, levels) = (self.doc, self.levels);
        match what {
            "cycle" => Box::new(doc.cycles.iter().map(|x| x.id.as_str())),
            "level" => Box::new(levels.iter().copied()),
            "team" => Box::new(doc.teams.iter().map(|x| x.id.as_str())),
            "person" => Box::new(doc.people.iter().map(|x| x.id.as_str())),
            "theme" => Box::new(doc.themes.iter().map(|x| x.id.as_str())),
            "initiative" => Box::new(doc.initiatives.iter().map(|x| x.id.as_str())),
            "parent objective" => Box::new(doc.objectives.iter().map(|x| x.id.as_str())),
            _ => Box::new(std::iter::empty()),
        }
    }

    /// The existing id of kind `what` closest to `id`: one equal to it but for case, else
    /// the nearest within an edit distance of 2 (the first in document order on a tie).
    fn closest(&mut self, what: &str, id: &str) -> Option<&'d str> {
        let key = (what.to_owned(), id.to_owned());
        if let Some(answer) = self.seen.get(&key) {
            return *answer;
        }
        let lower = id.to_lowercase();
        let len = lower.chars().count();
        let mut best: Option<(usize, &'d str)> = None;
        for known in self.known(what) {
            if self.budget == 0 {
                return None;
            }
            self.budget -= 1;
            if known.chars().count().abs_diff(len) > 2 {
                continue;
            }
            let k = known.to_lowercase();
            let d = if k == lower {
                0
            } else {
                strsim::damerau_levenshtein(&lower, &k).max(1)
            };
            if d <= 2 && best.is_none_or(|(b, _)| d < b) {
                best = Some((d, known));
            }
        }
        let answer = best.map(|(_, k)| k);
        self.seen.insert(key, answer);
        answer
    }
}

fn invalid_values(doc: &Document, out: &mut Out<'_>) {
    let out_policy_cap = out.policy.score_cap;
    let mut bad = |subject: &str, path: String, message: String| {
        out.push(
            code::INVALID_VALUE,
            vec![subject.to_owned()],
            Some(path),
            message,
            "use a finite number in the allowed range",
        );
    };
    let non_finite = |x: f64| !x.is_finite();
    let weight = |x: f64| !x.is_finite() || x < 0.0;
    let share = |x: f64| !(0.0..=1.0).contains(&x);
    for (i, p) in doc.people.iter().enumerate() {
        if let Some(c) = p.capacity_hours.filter(|&c| weight(c)) {
            bad(
                p.id.as_str(),
                format!("people[{i}].capacity_hours"),
                format!("capacity `{}` must be a finite number ≥ 0", Num(c)),
            );
        }
    }
    for (i, o) in doc.objectives.iter().enumerate() {
        let s = o.id.as_str();
        let base = Loc::At("objectives", i);
        if let Some(b) = o.blend.filter(|&b| share(b)) {
            bad(
                s,
                format!("{base}.blend"),
                format!("blend `{}` must be from 0 to 1", Num(b)),
            );
        }
        if let Some(e) = o.effort_hours.filter(|&e| weight(e)) {
            bad(
                s,
                format!("{base}.effort_hours"),
                format!("effort `{}` must be a finite number ≥ 0", Num(e)),
            );
        }
        for (j, l) in o.aligns_to.iter().enumerate() {
            if weight(l.weight) {
                bad(
                    s,
                    format!("{base}.aligns_to[{j}].weight"),
                    format!(
                        "link weight `{}` must be a finite number ≥ 0",
                        Num(l.weight)
                    ),
                );
            }
        }
        for (j, ov) in o.overrides.iter().enumerate() {
            if non_finite(ov.score) {
                bad(
                    s,
                    format!("{base}.overrides[{j}].score"),
                    format!("override score `{}` must be a finite number", Num(ov.score)),
                );
            }
        }
        for (k, kr) in o.key_results.iter().enumerate() {
            let kid = kr.id.as_str();
            let kb = Loc::Kr(i, k);
            if weight(kr.weight) {
                bad(
                    kid,
                    format!("{kb}.weight"),
                    format!("weight `{}` must be a finite number ≥ 0", Num(kr.weight)),
                );
            }
            match &kr.kind {
                KrKind::Metric { start, target, .. } => {
                    for (name, v) in [("start", start), ("target", target)] {
                        if non_finite(*v) {
                            bad(
                                kid,
                                format!("{kb}.{name}"),
                                format!("{name} `{}` must be a finite number", Num(*v)),
                            );
                        }
                    }
                }
                KrKind::Threshold { threshold, .. } if non_finite(*threshold) => {
                    bad(
                        kid,
                        format!("{kb}.threshold"),
                        format!("threshold `{}` must be a finite number", Num(*threshold)),
                    );
                }
                KrKind::Milestones { milestones } => {
                    for (m, ms) in milestones.iter().enumerate() {
                        if weight(ms.weight) {
                            bad(
                                kid,
                                format!("{kb}.milestones[{m}].weight"),
                                format!(
                                    "milestone weight `{}` must be a finite number ≥ 0",
                                    Num(ms.weight)
                                ),
                            );
                        }
                    }
                }
                _ => {}
            }
            for (date, v) in &kr.plan {
                if non_finite(*v) {
                    bad(
                        kid,
                        format!("{kb}.plan.{date}"),
                        format!("plan value `{}` must be a finite number", Num(*v)),
                    );
                }
            }
            for (c, ci) in kr.check_ins.iter().enumerate() {
                let v = ci.value.as_f64();
                if non_finite(v) {
                    bad(
                        kid,
                        format!("{kb}.check_ins[{c}].value"),
                        format!("value `{}` must be a finite number", Num(v)),
                    );
                }
                if let Some(x) = ci.confidence.filter(|&x| share(x)) {
                    bad(
                        kid,
                        format!("{kb}.check_ins[{c}].confidence"),
                        format!("confidence `{}` must be from 0 to 1", Num(x)),
                    );
                }
                let cap = out_policy_cap;
                if let Some(x) = ci.projection.filter(|&x| !(0.0..=cap).contains(&x)) {
                    bad(
                        kid,
                        format!("{kb}.check_ins[{c}].projection"),
                        format!("projection `{x}` must be from 0 to {cap}"),
                    );
                }
                if matches!(kr.kind, KrKind::Graded) && v.is_finite() && !(0.0..=cap).contains(&v) {
                    bad(
                        kid,
                        format!("{kb}.check_ins[{c}].value"),
                        format!("grade `{v}` must be from 0 to {cap}"),
                    );
                }
            }
        }
    }
    for (i, o) in doc.objectives.iter().enumerate() {
        let (s, base) = (o.id.as_str(), Loc::At("objectives", i));
        // More hours than its cycle has (24 a day) is a typo, e.g. minutes for hours.
        if let (Some(e), Some(c)) = (o.effort_hours, doc.cycle(o.cycle.as_str())) {
            let hours = ((c.end - c.start).num_days() + 1) * 24;
            if hours > 0 && e > hours as f64 {
                out.push(
                    code::INVALID_VALUE,
                    vec![s.to_owned()],
                    Some(format!("{base}.effort_hours")),
                    format!(
                        "effort `{e}` is more than the {hours} hours of cycle `{}` ({} to {})",
                        c.id, c.start, c.end
                    ),
                    "give the hours the objective takes in its cycle (`effort_hours`)",
                );
            }
        }
        for (k, kr) in o.key_results.iter().enumerate() {
            if let KrKind::Metric { start, target, .. } = kr.kind {
                if start == target {
                    out.push(
                        code::ZERO_RANGE,
                        vec![kr.id.0.clone()],
                        Some(format!("{}.target", kr_path(i, k))),
                        format!("`{}` starts and ends at `{}`: progress is undefined", kr.id, Num(start)),
                        "set a target different from the start, or use a `threshold` key result to hold a level",
                    );
                }
            }
        }
    }
}

fn dates_outside(o: &Objective, i: usize, c: &Cycle, out: &mut Out<'_>) {
    let outside = |d: NaiveDate| d < c.start || d > c.end;
    for (k, kr) in o.key_results.iter().enumerate() {
        let kb = Loc::Kr(i, k);
        let mut report = |what: &str, d: NaiveDate, path: String| {
            out.push(
                code::CHECK_IN_OUTSIDE_CYCLE,
                vec![kr.id.0.clone(), o.id.0.clone()],
                Some(path),
                format!("{what} of `{}` dated `{d}` is outside cycle `{}` ({} to {})", kr.id, c.id, c.start, c.end),
                "date it within the objective's cycle, or move it to the objective of the right cycle",
            );
        };
        for (j, ci) in kr.check_ins.iter().enumerate() {
            if outside(ci.date) {
                report("a check-in", ci.date, format!("{kb}.check_ins[{j}].date"));
            }
        }
        for d in kr.plan.keys() {
            if outside(*d) {
                report("a plan point", *d, format!("{kb}.plan.{d}"));
            }
        }
        if let KrKind::Milestones { milestones } = &kr.kind {
            for (m, ms) in milestones.iter().enumerate() {
                if let Some(d) = ms.due.filter(|d| outside(*d)) {
                    report(
                        "a milestone due date",
                        d,
                        format!("{kb}.milestones[{m}].due"),
                    );
                }
                if let Some(d) = ms.done.filter(|d| outside(*d)) {
                    report(
                        "a milestone done date",
                        d,
                        format!("{kb}.milestones[{m}].done"),
                    );
                }
            }
        }
    }
}

fn stale_check_ins(
    o: &Objective,
    i: usize,
    c: &Cycle,
    d: NaiveDate,
    policy: &Policy,
    out: &mut Out<'_>,
) {
    for (k, kr) in o.key_results.iter().enumerate() {
        if matches!(kr.kind, KrKind::Baseline { .. }) || crate::score::is_dropped(kr, d) {
            continue;
        }
        // A milestone marked done is an update of its key result, like a check-in.
        let done: &[Milestone] = match &kr.kind {
            KrKind::Milestones { milestones } => milestones.as_slice(),
            _ => &[],
        };
        let last_check_in = kr
            .check_ins
            .iter()
            .map(|ci| ci.date)
            .filter(|&x| x <= d)
            .max();
        let last_done = done.iter().filter_map(|m| m.done).filter(|&x| x <= d).max();
        let last = last_check_in.max(last_done);
        let since = last.unwrap_or(c.start).max(c.start);
        let days = (d - since).num_days();
        if days > i64::from(policy.stale_days) {
            let what = match last {
                Some(l) if last_done > last_check_in => {
                    format!("last update `{l}` (a milestone done)")
                }
                Some(l) => format!("last check-in `{l}`"),
                None if done.is_empty() => {
                    format!("no check-in since the cycle started (`{}`)", c.start)
                }
                None => format!(
                    "no check-in or milestone done since the cycle started (`{}`)",
                    c.start
                ),
            };
            out.push(
                code::STALE_CHECK_IN,
                vec![kr.id.0.clone()],
                Some(kr_path(i, k)),
                format!(
                    "`{}` has {what}: {days} days before `{d}`, more than {}",
                    kr.id, policy.stale_days
                ),
                if done.is_empty() {
                    "check in on the key result, even to record no change"
                } else {
                    "mark the milestones done so far with their `done` date, or check in to record no change"
                },
            );
        }
    }
}

/// For each cycle (by index), the index of the outermost cycle it lies within: itself when
/// it lies within no other. Of cycles with the same dates the first in document order is
/// the outer one; a cycle within two overlapping outermost cycles goes to the later-starting
/// one. Cycles that end before they start stand alone. O(c log c) for c cycles.
fn outermost_cycles(cycles: &[Cycle]) -> Vec<usize> {
    let mut outer: Vec<usize> = (0..cycles.len()).collect();
    let mut sorted: Vec<usize> = (0..cycles.len())
        .filter(|&i| cycles.get(i).is_some_and(|c| c.start <= c.end))
        .collect();
    // By start, the longest first, then document order: a cycle comes after every cycle
    // it lies within.
    sorted.sort_by_key(|&i| {
        cycles
            .get(i)
            .map(|c| (c.start, std::cmp::Reverse(c.end), i))
    });
    let mut current: Option<usize> = None;
    for i in sorted {
        let Some(c) = cycles.get(i) else { continue };
        match current.and_then(|o| cycles.get(o).map(|oc| (o, oc))) {
            Some((o, oc)) if c.end <= oc.end => {
                if let Some(slot) = outer.get_mut(i) {
                    *slot = o;
                }
            }
            _ => current = Some(i),
        }
    }
    outer
}

fn people_rules(doc: &Document, graph: &Graph, policy: &Policy, out: &mut Out<'_>) {
    // Cycle id → the id of its outermost cycle (the first cycle of an id wins).
    let outer_index = outermost_cycles(&doc.cycles);
    let mut outer_of: HashMap<&str, &str> = HashMap::default();
    for (i, c) in doc.cycles.iter().enumerate() {
        let o = outer_index
            .get(i)
            .and_then(|&o| doc.cycles.get(o))
            .map_or(c.id.as_str(), |oc| oc.id.as_str());
        outer_of.entry(c.id.as_str()).or_insert(o);
    }
    fn outermost<'a>(map: &HashMap<&'a str, &'a str>, cycle: &'a str) -> &'a str {
        map.get(cycle).copied().unwrap_or(cycle)
    }
    let outer = |cycle| outermost(&outer_of, cycle);
    // (person, cycle) → objectives owned, for the objective count; (person, outermost
    // cycle) → objectives owned and effort, counting the cycles within it.
    let mut owned: HashMap<(&str, &str), Vec<usize>> = HashMap::default();
    let mut owned_outer: HashMap<(&str, &str), (Vec<usize>, f64)> = HashMap::default();
    for (i, o) in doc.objectives.iter().enumerate() {
        let share = match o.effort_hours {
            Some(e) if e.is_finite() && e > 0.0 && !o.owners.is_empty() => {
                e / o.owners.len() as f64
            }
            _ => 0.0,
        };
        let mut seen = HashSet::default();
        for p in &o.owners {
            if !seen.insert(p.as_str()) {
                continue;
            }
            owned
                .entry((p.as_str(), o.cycle.as_str()))
                .or_default()
                .push(i);
            let entry = owned_outer
                .entry((p.as_str(), outer(o.cycle.as_str())))
                .or_default();
            entry.0.push(i);
            entry.1 += share;
        }
    }
    let person_index: HashMap<&str, usize> = doc
        .people
        .iter()
        .enumerate()
        .rev()
        .map(|(i, p)| (p.id.as_str(), i))
        .collect();
    let person_order = |p: &str| person_index.get(p).copied().unwrap_or(usize::MAX);
    let ids = |person: &str, objectives: &[usize]| {
        std::iter::once(person.to_owned())
            .chain(
                objectives
                    .iter()
                    .filter_map(|&i| doc.objectives.get(i).map(|o| o.id.0.clone())),
            )
            .collect::<Vec<_>>()
    };
    let path_of = |person: &str| person_index.get(person).map(|j| format!("people[{j}]"));
    let mut keys: Vec<&(&str, &str)> = owned.keys().collect();
    keys.sort_by_key(|(p, c)| (person_order(p), *p, *c));
    for key in keys {
        let Some(objectives) = owned.get(key) else {
            continue;
        };
        let (person, cycle) = *key;
        if objectives.len() > policy.max_objectives as usize {
            out.push(
                code::TOO_MANY_OBJECTIVES,
                ids(person, objectives),
                path_of(person),
                format!(
                    "`{person}` owns {} objectives in cycle `{cycle}`, more than {}",
                    objectives.len(),
                    policy.max_objectives
                ),
                "focus: fewer objectives get done",
            );
        }
    }
    let mut keys: Vec<&(&str, &str)> = owned_outer.keys().collect();
    keys.sort_by_key(|(p, c)| (person_order(p), *p, *c));
    for key in keys {
        let Some((objectives, effort)) = owned_outer.get(key) else {
            continue;
        };
        let (person, cycle) = *key;
        let capacity = person_index
            .get(person)
            .and_then(|&j| doc.people.get(j))
            .and_then(|p| p.capacity_hours)
            .filter(|c| c.is_finite());
        if let Some(cap) = capacity {
            if *effort > cap {
                let nested = objectives
                    .iter()
                    .filter_map(|&i| doc.objectives.get(i))
                    .any(|o| o.cycle.as_str() != cycle);
                let within = if nested {
                    " (with the cycles within it)"
                } else {
                    ""
                };
                out.push(
                    code::OVER_CAPACITY,
                    ids(person, objectives),
                    path_of(person),
                    format!("`{person}` has {} hours of objectives in cycle `{cycle}`{within}, more than the capacity of {}", Num(*effort), Num(cap)),
                    "drop or share an objective, lower its `effort_hours`, or raise `capacity_hours`",
                );
            }
        }
    }
    // Owning a key result of an objective counts as owning an objective; keyed by the
    // outermost cycle of the objective's cycle, as `owned_outer` is.
    let mut kr_owned: HashSet<(&str, &str)> = HashSet::default();
    for o in &doc.objectives {
        for kr in &o.key_results {
            for p in &kr.owners {
                kr_owned.insert((p.as_str(), outer(o.cycle.as_str())));
            }
        }
    }
    // People with a team who own nothing in an outermost cycle that has objectives of
    // their team (in it or in a cycle within it).
    // Team → its outermost cycles in order of first appearance (hashed: linear in the
    // objectives).
    let mut seen_team_cycles: HashSet<(&str, &str)> = HashSet::default();
    let mut team_cycles: HashMap<&str, Vec<&str>> = HashMap::default();
    for o in &doc.objectives {
        if let Some(t) = &o.team {
            let c = outer(o.cycle.as_str());
            if seen_team_cycles.insert((t.as_str(), c)) {
                team_cycles.entry(t.as_str()).or_default().push(c);
            }
        }
    }
    for (j, p) in doc.people.iter().enumerate() {
        let Some(team) = &p.team else { continue };
        let cycles = team_cycles
            .get(team.as_str())
            .map_or(&[][..], Vec::as_slice);
        for cycle in cycles {
            if !owned_outer.contains_key(&(p.id.as_str(), *cycle))
                && !kr_owned.contains(&(p.id.as_str(), *cycle))
            {
                out.push(
                    code::PERSON_WITHOUT_OBJECTIVES,
                    vec![p.id.0.clone()],
                    Some(format!("people[{j}]")),
                    format!(
                        "`{}` of team `{team}` owns no objective in cycle `{cycle}`",
                        p.id
                    ),
                    "give them an objective of their own, or add them to the `owners` of one of their team's objectives or key results",
                );
            }
        }
    }
    let _ = graph;
}

/// Rules that need scores: stale overrides, sandbagging, weights all zero.
fn scored_rules(card: &View<'_>, out: &mut Out<'_>) {
    let doc = card.doc;
    let graph = card.graph;
    let as_of = card.as_of;
    let n = graph.len();
    // Latest check-in (on or before the as-of date) of each objective's key results and of
    // its descendants', bottom-up in topological order.
    let mut latest: Vec<Option<NaiveDate>> = vec![None; n];
    for &i in &graph.order {
        let Some(o) = doc.objectives.get(i as usize) else {
            continue;
        };
        let d = as_of.for_cycle(
            doc.cycles
                .get(graph.cycle_of.get(i as usize).copied().unwrap_or(NONE) as usize),
        );
        let mut best = o
            .key_results
            .iter()
            .flat_map(|kr| kr.check_ins.iter().map(|c| c.date))
            .filter(|&x| x <= d)
            .max();
        for e in graph.children.of(i) {
            best = best.max(latest.get(e.node as usize).copied().flatten());
        }
        if let Some(slot) = latest.get_mut(i as usize) {
            *slot = best;
        }
    }
    for (i, o) in doc.objectives.iter().enumerate() {
        let cycle = doc
            .cycles
            .get(graph.cycle_of.get(i).copied().unwrap_or(NONE) as usize);
        let d = as_of.for_cycle(cycle);
        if let (Some(ov), Some(Some(last))) = (active_override(&o.overrides, d), latest.get(i)) {
            if ov.date < *last {
                let j = o
                    .overrides
                    .iter()
                    .position(|x| std::ptr::eq(x, ov))
                    .unwrap_or(0);
                out.push(
                    code::STALE_OVERRIDE,
                    vec![o.id.0.clone()],
                    Some(format!("{}.overrides[{j}]", obj_path(i))),
                    format!("the override of `{}` dated `{}` is older than the latest check-in below it (`{last}`)", o.id, ov.date),
                    "review the override against the new check-ins, and date a new one if it still holds",
                );
            }
        }
        let score = card
            .objective_row(i as u32)
            .map(|r| r.score)
            .unwrap_or(f64::NAN);
        if let Some(c) = cycle {
            if d >= c.end && o.commitment == Commitment::Aspirational && score >= 1.0 {
                out.push(
                    code::SANDBAGGING,
                    vec![o.id.0.clone()],
                    Some(obj_path(i)),
                    format!("aspirational objective `{}` scored {} at the end of cycle `{}`", o.id, Num(score), c.id),
                    "an aspirational objective that is fully met was probably not ambitious enough; aim higher next cycle, or mark it `committed`",
                );
            }
        }
        if graph.on_cycle(i as u32) {
            continue;
        }
        if card.policy.rollup_mode(o) == RollupMode::Auto && card.has_scored_kr(i as u32) {
            children_not_counted(doc, graph, i, o, out);
        }
        let (inputs, weight_sum) = card.mode_inputs(i as u32);
        if inputs > 0 && weight_sum == 0.0 {
            out.push(
                code::WEIGHTS_ALL_ZERO,
                vec![o.id.0.clone()],
                Some(obj_path(i)),
                format!(
                    "every input of `{}` has weight zero, so it is unscored",
                    o.id
                ),
                "give at least one key result or contributing link a weight above zero",
            );
        }
    }
}

/// `children_not_counted`: objective `i`, in `auto` mode with a scored key result, has
/// contributing children whose scores do not count.
fn children_not_counted(doc: &Document, graph: &Graph, i: usize, o: &Objective, out: &mut Out<'_>) {
    let mut children: Vec<usize> = graph
        .children
        .of(i as u32)
        .iter()
        .filter(|e| e.contributes)
        .map(|e| e.node as usize)
        .collect();
    if children.is_empty() {
        return;
    }
    children.sort_unstable();
    children.dedup();
    let ids: Vec<String> = children
        .iter()
        .filter_map(|&c| doc.objectives.get(c).map(|x| x.id.0.clone()))
        .collect();
    let shown: Vec<String> = ids.iter().take(3).map(|id| format!("`{id}`")).collect();
    let more = match ids.len() {
        n if n > 3 => format!(" and {} more", n - 3),
        _ => String::new(),
    };
    let (what, verb, does) = if ids.len() == 1 {
        ("objective", "contributes", "does")
    } else {
        ("objectives", "contribute", "do")
    };
    out.push(
        code::CHILDREN_NOT_COUNTED,
        std::iter::once(o.id.0.clone()).chain(ids.iter().cloned()).collect(),
        Some(obj_path(i)),
        format!(
            "`{}` is scored from its key results only (rollup `auto`): the {what} {}{more} that {verb} to it {does} not count",
            o.id,
            shown.join(", ")
        ),
        "set `rollup: blend` or `rollup: children` on it to count them, `rollup: key_results` to say that this is meant, or `default_rollup` in the policy",
    );
}
