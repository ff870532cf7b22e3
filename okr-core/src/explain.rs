//! Why an objective or a key result has its score (SPEC §9): [`Scorecard::explain`].
//!
//! An objective's explanation lists every input (its key results, then the objectives
//! linked to it, in document order) with whether the rollup mode counts it and its part of
//! the score; a key result's lists the check-ins its score comes from. Which inputs a mode
//! takes is decided by the rollup itself, so an explanation can never disagree with it.
//!
//! Choices where the specification is silent:
//! - `manual` mode: inputs are `counted` as `auto` would take them (they give expected
//!   progress and the forecast), but every `contribution` is 0: the score is the override.
//! - `blend` mode counts both sides; when one side has no scored input (or only zero
//!   weights), the other side's factor is 1.
//! - `check_ins_used`: for `metric` and `binary` key results the latest check-in on or
//!   before the date; for `threshold` every check-in on or before it; none for
//!   `milestones` (done dates count) and `baseline`.

use crate::model::{CheckIn, Direction, KrKind, RollupMode, Value};
use crate::score::graph::sane_weight;
use crate::score::{active_override, days, latest, Status};
use crate::Scorecard;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::fmt::Write as _;

/// Why an objective or a key result has its score.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Explanation {
    /// Of an objective.
    Objective(ObjectiveExplanation),
    /// Of a key result.
    KeyResult(KeyResultExplanation),
}

/// The rollup of one objective, input by input.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ObjectiveExplanation {
    /// The objective's id.
    pub id: String,
    /// The rollup mode in force.
    pub mode: RollupMode,
    /// The blend factor in force, in `blend` mode (otherwise `None`).
    pub blend: Option<f64>,
    /// The score (after the override, if one is active).
    pub score: Option<f64>,
    /// Expected progress.
    pub expected: Option<f64>,
    /// The status.
    pub status: Status,
    /// The active override, if any: it replaces the computed score.
    #[serde(rename = "override")]
    pub override_: Option<OverrideUsed>,
    /// Every key result, then every linked child, in document order.
    pub inputs: Vec<Input>,
    /// The date the objective is judged at.
    #[serde(skip)]
    pub as_of: Option<NaiveDate>,
    /// The title (for the text form).
    #[serde(skip)]
    pub title: String,
    /// The thresholds of the status bands in force: (on track, at risk).
    #[serde(skip)]
    pub bands: (f64, f64),
}

/// The active override of an objective.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OverrideUsed {
    /// The score given.
    pub score: f64,
    /// The date it was given.
    pub date: NaiveDate,
    /// Why.
    pub reason: Option<String>,
}

/// What an input of an objective is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InputKind {
    /// One of the objective's key results.
    KeyResult,
    /// An objective aligned to it.
    Objective,
}

/// One input of an objective's rollup.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Input {
    /// A key result or a child objective.
    pub kind: InputKind,
    /// Its id.
    pub id: String,
    /// The weight it has in its mean (a key result's weight, or the link's; invalid
    /// weights count as 0).
    pub weight: f64,
    /// Its score (`None`: unscored, left out of every mean).
    pub score: Option<f64>,
    /// Whether the rollup mode takes it (a supporting link is never counted).
    pub counted: bool,
    /// Its part of the objective's score: weight × score / Σ weights of the scored counted
    /// inputs of its mean, times the mean's factor; 0 when not counted or unscored.
    pub contribution: f64,
    /// Its expected progress (for "furthest below expected").
    #[serde(skip)]
    pub expected: Option<f64>,
    /// How much it pulls the objective below its expected progress: its factor ×
    /// weight / Σ weights × (expected − score); 0 when not counted or unscored.
    #[serde(skip)]
    pub shortfall: f64,
    /// Why it is not counted, when it is not.
    #[serde(skip)]
    pub reason: Option<String>,
}

/// How one key result's score is computed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct KeyResultExplanation {
    /// The key result's id.
    pub id: String,
    /// Its kind (`metric`, `threshold`, …).
    pub kind: String,
    /// Score (clamped progress).
    pub score: Option<f64>,
    /// Raw progress.
    pub progress: Option<f64>,
    /// Expected progress.
    pub expected: Option<f64>,
    /// Status.
    pub status: Status,
    /// Forecast.
    pub forecast: Option<f64>,
    /// The check-ins the score comes from.
    pub check_ins_used: Vec<CheckInUsed>,
    /// The arithmetic, one line a step (for the text form).
    #[serde(skip)]
    pub arithmetic: Vec<String>,
    /// The date the key result is judged at.
    #[serde(skip)]
    pub as_of: Option<NaiveDate>,
    /// The title (for the text form).
    #[serde(skip)]
    pub title: String,
    /// The thresholds of the status bands in force: (on track, at risk).
    #[serde(skip)]
    pub bands: (f64, f64),
}

/// A check-in a key result's score is computed from.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CheckInUsed {
    /// Its date.
    pub date: NaiveDate,
    /// Its value.
    pub value: Value,
}

impl From<&CheckIn> for CheckInUsed {
    fn from(c: &CheckIn) -> Self {
        CheckInUsed {
            date: c.date,
            value: c.value,
        }
    }
}

/// A number for text: at most three decimals, no trailing zeros.
pub(crate) fn num(x: f64) -> String {
    let r = (x * 1000.0).round() / 1000.0;
    if r == 0.0 {
        "0".into()
    } else {
        format!("{r}")
    }
}

fn opt(x: Option<f64>) -> String {
    x.map_or_else(|| "-".into(), num)
}

/// Why a mode leaves an input out, in a few words (`auto mode uses the key results`).
pub(crate) fn not_counted_reason(mode: RollupMode, kind: InputKind) -> &'static str {
    match (mode, kind) {
        (RollupMode::Auto, InputKind::Objective) => "auto mode uses the key results",
        (RollupMode::Auto, InputKind::KeyResult) => "auto mode uses the children",
        (RollupMode::Manual, InputKind::Objective) => "manual mode uses the key results",
        (RollupMode::Manual, InputKind::KeyResult) => "manual mode uses the children",
        (RollupMode::KeyResults, _) => "key_results mode",
        (RollupMode::Children, _) => "children mode",
        (RollupMode::Blend, _) => "blend mode",
        (RollupMode::Flat, _) => "flat mode takes every key result below, each once",
    }
}

/// The status reasoning: score / expected against the bands, named.
fn status_line(
    score: Option<f64>,
    expected: Option<f64>,
    status: Status,
    (on, risk): (f64, f64),
) -> String {
    let name = status.as_str();
    match (score, expected) {
        (None, _) => format!("status {name}: unscored"),
        (Some(_), None) => format!("status {name}: no expected progress is known"),
        (Some(_), Some(0.0)) => {
            format!("status {name}: nothing is expected yet (expected 0)")
        }
        (Some(s), Some(e)) => {
            let r = s / e;
            let band = match status {
                Status::OnTrack => format!("≥ {}", num(on)),
                Status::AtRisk => format!("in {}..{}", num(risk), num(on)),
                _ => format!("< {}", num(risk)),
            };
            format!(
                "status {name}: score {} / expected {} = {}, {band}",
                num(s),
                num(e),
                num(r)
            )
        }
    }
}

impl Scorecard {
    /// Why the objective or key result `id` has its score, or `None` for an unknown id.
    ///
    /// ```
    /// use okr_core::{AsOf, Document, Explanation, Format, Policy, Scorecard};
    /// use chrono::NaiveDate;
    /// let doc = Document::from_str(r#"
    /// version: 1
    /// cycles: [{id: c, start: 2021-07-01, end: 2021-12-31}]
    /// objectives:
    ///   - id: o
    ///     title: O
    ///     cycle: c
    ///     level: team
    ///     key_results:
    ///       - {id: a, title: A, kind: metric, start: 30, target: 10,
    ///          check_ins: [{date: 2021-08-15, value: 26}]}
    ///       - {id: b, title: B, kind: binary, weight: 3, check_ins: [{date: 2021-08-01, value: true}]}
    /// "#, Format::Yaml)?;
    /// let d = NaiveDate::from_ymd_opt(2021, 9, 1).unwrap();
    /// let card = Scorecard::new(doc, AsOf::Date(d), Policy::default());
    /// let Some(Explanation::Objective(e)) = card.explain("o") else { panic!() };
    /// // (1 × 0.2 + 3 × 1) / 4 = 0.8: contributions 0.05 and 0.75
    /// let sum: f64 = e.inputs.iter().map(|i| i.contribution).sum();
    /// assert!((sum - 0.8).abs() < 1e-12);
    /// # Ok::<(), okr_core::LoadError>(())
    /// ```
    pub fn explain(&self, id: &str) -> Option<Explanation> {
        self.explain_id(id)
    }

    /// The objective or key result id that an unknown `id` was most likely meant to be, for
    /// "did you mean" (equal but for case, a likely typo, or the only id starting with it).
    ///
    /// ```
    /// # use okr_core::{AsOf, Document, Format, Policy, Scorecard};
    /// let doc = Document::from_str("version: 1\ncycles: [{id: c, start: 2021-07-01, end: 2021-12-31}]\nobjectives: [{id: faster-pipelines, title: F, cycle: c, level: team, key_results: []}]\n", Format::Yaml)?;
    /// let d = chrono::NaiveDate::from_ymd_opt(2021, 9, 1).unwrap();
    /// let card = Scorecard::new(doc, AsOf::Date(d), Policy::default());
    /// assert_eq!(card.closest_id("faster-pipeline"), Some("faster-pipelines"));
    /// assert_eq!(card.closest_id("faster"), Some("faster-pipelines"));
    /// assert_eq!(card.closest_id("slower"), None);
    /// # Ok::<(), okr_core::LoadError>(())
    /// ```
    pub fn closest_id(&self, id: &str) -> Option<&str> {
        let doc = self.document();
        let known: Vec<&str> = doc
            .objectives
            .iter()
            .map(|o| o.id.as_str())
            .chain(doc.key_results().map(|(_, kr)| kr.id.as_str()))
            .collect();
        crate::load::convert::closest_id(id, &known)
    }

    fn explain_id(&self, id: &str) -> Option<Explanation> {
        let graph = self.graph();
        if let Some(i) = graph.objective(self.document(), id) {
            return Some(Explanation::Objective(self.explain_objective(i)));
        }
        let k = graph.key_result(self.document(), id)?;
        Some(Explanation::KeyResult(self.explain_key_result(k)))
    }

    fn explain_objective(&self, i: u32) -> ObjectiveExplanation {
        let doc = self.document();
        let graph = self.graph();
        let policy = self.policy();
        let o = doc.objectives.get(i as usize);
        let scores = self
            .objective_row(i)
            .map(|r| r.public())
            .unwrap_or_default();
        let mode = self.mode(i);
        let sides = self.sides(i);
        let d = self.date_of(i);
        let mut inputs = Vec::new();
        let krs = graph.krs_of(i);
        for (offset, k) in krs.enumerate() {
            let Some(kr) = o.and_then(|o| o.key_results.get(offset)) else {
                continue;
            };
            let s = self.kr_scores(k);
            inputs.push(Input {
                kind: InputKind::KeyResult,
                id: kr.id.to_string(),
                weight: sane_weight(kr.weight),
                score: s.score,
                counted: sides.own_counted,
                contribution: 0.0,
                expected: s.expected,
                shortfall: 0.0,
                reason: (!sides.own_counted)
                    .then(|| not_counted_reason(mode, InputKind::KeyResult).to_owned()),
            });
        }
        for e in graph.children.of(i) {
            let Some(child) = doc.objectives.get(e.node as usize) else {
                continue;
            };
            let s = self
                .objective_row(e.node)
                .map(|r| r.public())
                .unwrap_or_default();
            let counted = e.contributes && sides.children_counted;
            let reason = if !e.contributes {
                Some("supports only (`contributes: false`)".to_owned())
            } else if !counted {
                Some(not_counted_reason(mode, InputKind::Objective).to_owned())
            } else {
                None
            };
            inputs.push(Input {
                kind: InputKind::Objective,
                id: child.id.to_string(),
                weight: e.weight,
                score: s.score,
                counted,
                contribution: 0.0,
                expected: s.expected,
                shortfall: 0.0,
                reason,
            });
        }
        // Σ weights of the scored counted inputs of each mean.
        let total = |kind: InputKind| -> f64 {
            inputs
                .iter()
                .filter(|x| x.kind == kind && x.counted && x.score.is_some())
                .map(|x| x.weight)
                .sum()
        };
        let (own_w, children_w) = (total(InputKind::KeyResult), total(InputKind::Objective));
        let manual = mode == RollupMode::Manual;
        let on_cycle = graph.on_cycle(i);
        for x in &mut inputs {
            let (factor, w) = match x.kind {
                InputKind::KeyResult => (sides.own, own_w),
                InputKind::Objective => (sides.children, children_w),
            };
            if let (true, Some(s), true) = (x.counted, x.score, w > 0.0) {
                let share = factor * x.weight / w;
                if !manual && !on_cycle {
                    x.contribution = share * s;
                }
                if let Some(e) = x.expected {
                    x.shortfall = share * (e - s);
                }
            }
        }
        let override_ = o
            .and_then(|o| active_override(&o.overrides, d))
            .filter(|ov| ov.score.is_finite() && !on_cycle)
            .map(|ov| OverrideUsed {
                score: ov.score,
                date: ov.date,
                reason: ov.reason.clone(),
            });
        ObjectiveExplanation {
            id: o.map(|o| o.id.to_string()).unwrap_or_default(),
            mode,
            blend: (mode == RollupMode::Blend).then(|| self.blend_factor(i)),
            score: scores.score,
            expected: scores.expected,
            status: scores.status,
            override_,
            inputs,
            as_of: Some(d),
            title: o.map(|o| o.title.clone()).unwrap_or_default(),
            bands: (policy.on_track, policy.at_risk),
        }
    }

    fn explain_key_result(&self, k: u32) -> KeyResultExplanation {
        let doc = self.document();
        let graph = self.graph();
        let policy = self.policy();
        let i = graph
            .kr_objective
            .get(k as usize)
            .copied()
            .unwrap_or(u32::MAX);
        let o = doc.objectives.get(i as usize);
        let offset = (k as usize).saturating_sub(graph.krs_of(i).start);
        let kr = o.and_then(|o| o.key_results.get(offset));
        let s = self.kr_scores(k as usize);
        let d = self.date_of(i);
        let cycle = o.and_then(|o| doc.cycle(o.cycle.as_str()));
        let mut used = Vec::new();
        let mut lines = Vec::new();
        if let Some(kr) = kr {
            match &kr.kind {
                KrKind::Metric { start, target, .. } => {
                    let (v, what) = match latest(kr, d) {
                        Some(c) => {
                            used.push(CheckInUsed::from(c));
                            (c.value.as_f64(), format!("the check-in of {}", c.date))
                        }
                        None => (*start, format!("no check-in on or before {d}: the start")),
                    };
                    lines.push(format!("value {} ({what})", num(v)));
                    lines.push(format!(
                        "progress = (value − start) / (target − start) = ({} − {}) / ({} − {}) = {}",
                        num(v),
                        num(*start),
                        num(*target),
                        num(*start),
                        opt(s.progress)
                    ));
                }
                KrKind::Threshold {
                    threshold,
                    direction,
                    ..
                } => {
                    let seen: Vec<&CheckIn> = kr.check_ins.iter().filter(|c| c.date <= d).collect();
                    let held = seen
                        .iter()
                        .filter(|c| match direction {
                            Direction::AtLeast => c.value.as_f64() >= *threshold,
                            Direction::AtMost => c.value.as_f64() <= *threshold,
                        })
                        .count();
                    used.extend(seen.iter().map(|c| CheckInUsed::from(*c)));
                    let side = match direction {
                        Direction::AtLeast => "at least",
                        Direction::AtMost => "at most",
                    };
                    if seen.is_empty() {
                        lines.push(format!("no check-in on or before {d}: unscored"));
                    } else {
                        lines.push(format!(
                            "{held} of {} check-ins held {side} {}: progress = {held} / {} = {}",
                            seen.len(),
                            num(*threshold),
                            seen.len(),
                            opt(s.progress)
                        ));
                    }
                }
                KrKind::Binary => match latest(kr, d) {
                    Some(c) => {
                        used.push(CheckInUsed::from(c));
                        lines.push(format!(
                            "the latest check-in ({}) is {}: progress = {}",
                            c.date,
                            match c.value {
                                Value::Bool(b) => b.to_string(),
                                Value::Number(n) => num(n),
                            },
                            opt(s.progress)
                        ));
                    }
                    None => lines.push(format!("no check-in on or before {d}: progress = 0")),
                },
                KrKind::Milestones { milestones } => {
                    let total: f64 = milestones.iter().map(|m| sane_weight(m.weight)).sum();
                    let done: Vec<_> = milestones
                        .iter()
                        .filter(|m| m.done.is_some_and(|x| x <= d))
                        .collect();
                    let part: f64 = done.iter().map(|m| sane_weight(m.weight)).sum();
                    lines.push(format!(
                        "{} of {} milestones done by {d}: progress = weight {} / {} = {}",
                        done.len(),
                        milestones.len(),
                        num(part),
                        num(total),
                        opt(s.progress)
                    ));
                }
                KrKind::Baseline { .. } => {
                    lines.push("a baseline records a measurement and is never scored".into());
                }
                KrKind::Graded => match latest(kr, d) {
                    Some(c) => {
                        used.push(CheckInUsed::from(c));
                        lines.push(format!(
                            "progress = the latest grade, {} (the check-in of {})",
                            num(c.value.as_f64()),
                            c.date
                        ));
                    }
                    None => lines.push(format!(
                        "no grade on or before {d}: a graded key result is unscored until graded"
                    )),
                },
            }
            if let (Some(p), Some(sc)) = (s.progress, s.score) {
                if p != sc {
                    lines.push(format!(
                        "score = progress clamped to 0..{} = {}",
                        num(policy.score_cap),
                        num(sc)
                    ));
                }
            }
            if let (KrKind::Metric { .. }, Some(c), Some(e)) = (&kr.kind, cycle, s.expected) {
                if kr.plan.is_empty() && d >= c.start && d <= c.end {
                    let n = days(c.start, c.end) + 1.0;
                    let k = days(c.start, d) + 1.0;
                    lines.push(format!(
                        "expected = day {} of {} of the cycle = {}",
                        num(k),
                        num(n),
                        num(e)
                    ));
                } else {
                    lines.push(format!("expected {}", num(e)));
                }
            } else if let Some(e) = s.expected {
                lines.push(format!("expected {}", num(e)));
            }
            lines.push(status_line(
                s.score,
                s.expected,
                s.status,
                (policy.on_track, policy.at_risk),
            ));
            if let Some(f) = s.forecast {
                let why = match cycle {
                    Some(c) if d >= c.end => "the cycle has ended: the score",
                    _ if s.forecast != s.score => {
                        "the straight line through the cycle's check-ins, at its end"
                    }
                    _ => "the score (no trend of two days or more)",
                };
                lines.push(format!("forecast {} ({why})", num(f)));
            }
        }
        KeyResultExplanation {
            id: kr.map(|kr| kr.id.to_string()).unwrap_or_default(),
            kind: kr.map_or("", |kr| kr.kind.name()).to_owned(),
            score: s.score,
            progress: s.progress,
            expected: s.expected,
            status: s.status,
            forecast: s.forecast,
            check_ins_used: used,
            arithmetic: lines,
            as_of: Some(d),
            title: kr.map(|kr| kr.title.clone()).unwrap_or_default(),
            bands: (policy.on_track, policy.at_risk),
        }
    }
}

impl ObjectiveExplanation {
    /// The explanation as text, as `okr explain` prints it.
    pub fn to_text(&self) -> String {
        Explanation::Objective(self.clone()).to_text()
    }

    /// The counted inputs that pull the objective below its expected progress, furthest
    /// first (those with a positive [`Input::shortfall`]).
    pub fn below_expected(&self) -> Vec<&Input> {
        let mut v: Vec<&Input> = self.inputs.iter().filter(|x| x.shortfall > 0.0).collect();
        v.sort_by(|a, b| b.shortfall.total_cmp(&a.shortfall));
        v
    }
}

impl Explanation {
    /// The explanation as text, as `okr explain` prints it.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        match self {
            Explanation::Objective(e) => {
                let _ = writeln!(out, "objective {}  {}", e.id, e.title);
                if let Some(d) = e.as_of {
                    let _ = writeln!(out, "as of {d}");
                }
                let mode = match e.blend {
                    Some(b) => format!(
                        "blend: {} × key results + {} × children",
                        num(b),
                        num(1.0 - b)
                    ),
                    None => e.mode.as_str().to_owned(),
                };
                let _ = writeln!(out, "rollup mode {mode}");
                let _ = writeln!(out, "score {}  expected {}", opt(e.score), opt(e.expected));
                let _ = writeln!(
                    out,
                    "{}",
                    status_line(e.score, e.expected, e.status, e.bands)
                );
                if let Some(ov) = &e.override_ {
                    let _ = write!(
                        out,
                        "override {} of {} replaces the computed score",
                        num(ov.score),
                        ov.date
                    );
                    if let Some(r) = &ov.reason {
                        let _ = write!(out, ": {r}");
                    }
                    out.push('\n');
                }
                if e.inputs.is_empty() {
                    out.push_str("no inputs: no key results and no children\n");
                } else {
                    let width = e
                        .inputs
                        .iter()
                        .map(|x| x.id.chars().count())
                        .max()
                        .unwrap_or(2);
                    out.push_str("inputs:\n");
                    for x in &e.inputs {
                        let kind = match x.kind {
                            InputKind::KeyResult => "kr",
                            InputKind::Objective => "child",
                        };
                        let what = match (&x.reason, x.score) {
                            (Some(r), _) => format!("not counted: {r}"),
                            (None, None) => "unscored, left out".to_owned(),
                            (None, Some(_)) if x.weight == 0.0 => "weight 0, counts nothing".into(),
                            (None, Some(_)) => format!("contributes {}", num(x.contribution)),
                        };
                        let _ = writeln!(
                            out,
                            "  {kind:<5} {:<width$}  weight {:<4} score {:<5}  {what}",
                            x.id,
                            num(x.weight),
                            opt(x.score)
                        );
                    }
                    let sum: f64 = e.inputs.iter().map(|x| x.contribution).sum();
                    if e.mode == RollupMode::Manual {
                        out.push_str("manual mode: the score is the active override only\n");
                    } else if e.override_.is_some() {
                        let _ = writeln!(
                            out,
                            "the contributions sum to {}, the score without the override",
                            num(sum)
                        );
                    } else if e.score.is_some() {
                        let _ = writeln!(out, "the contributions sum to the score, {}", num(sum));
                    }
                }
                let below = e.below_expected();
                if !below.is_empty() {
                    out.push_str("furthest below expected:\n");
                    for x in below.iter().take(3) {
                        let _ = writeln!(
                            out,
                            "  {}  score {} against {} expected: costs the objective {}",
                            x.id,
                            opt(x.score),
                            opt(x.expected),
                            num(x.shortfall)
                        );
                    }
                }
            }
            Explanation::KeyResult(e) => {
                let _ = writeln!(out, "key result {}  {}  ({})", e.id, e.title, e.kind);
                if let Some(d) = e.as_of {
                    let _ = writeln!(out, "as of {d}");
                }
                for l in &e.arithmetic {
                    let _ = writeln!(out, "{l}");
                }
            }
        }
        out
    }
}
