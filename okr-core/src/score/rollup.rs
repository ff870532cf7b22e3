//! Weighted rollup over the alignment DAG (SPEC §4) and the incremental [`Scorecard`].
//!
//! Objectives are computed bottom-up in a precomputed topological order, iteratively: a
//! chain of a million alignments uses no call stack. A full computation costs
//! O(objectives + key results + links + check-ins). An update (a check-in, an override)
//! recomputes only the key result's objective and its ancestors through contributing
//! links, in O(k log k) for k affected objectives, and gives bit-for-bit the values a full
//! recomputation would.

use crate::error::UpdateError;
use crate::model::{
    CheckIn, Cycle, Document, KeyResult, Objective, ObjectiveId, Override, RollupMode,
};
use crate::policy::Policy;
use crate::score::exact::ExactSum;
use crate::score::graph::{sane_weight, Graph, NONE};
use crate::score::{active_override, evaluate_kr, status, AsOf, Row, Scores};

/// A weighted sum of rows.
#[derive(Clone, Copy, Default)]
struct Acc {
    n: usize,
    w: f64,
    score: f64,
    progress: f64,
    expected: f64,
    forecast: f64,
}

impl Acc {
    fn add(&mut self, w: f64, r: &Row) {
        self.n += 1;
        self.w += w;
        self.score += w * r.score;
        self.progress += w * r.progress;
        self.expected += w * r.expected;
        self.forecast += w * r.forecast;
    }

    fn defined(&self) -> bool {
        self.w > 0.0
    }

    /// `a` × self + `b` × other, per quantity, over the means.
    fn mix(&self, a: f64, other: &Acc, b: f64) -> Row {
        let m = |s: f64, w: f64| if w > 0.0 { s / w } else { 0.0 };
        // A side with factor 0 is left out (its values may be undefined).
        let part = |f: f64, s: f64, w: f64| if f == 0.0 { 0.0 } else { f * m(s, w) };
        let q = |x: f64, y: f64| part(a, x, self.w) + part(b, y, other.w);
        Row {
            score: q(self.score, other.score),
            progress: q(self.progress, other.progress),
            expected: q(self.expected, other.expected),
            forecast: q(self.forecast, other.forecast),
            status: crate::Status::Unknown,
        }
    }
}

/// What an objective's inputs offer its rollup: how many of its key results and of its
/// contributing children are scored, and their total weights.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub(crate) struct Sides {
    /// Scored key results.
    pub own_scored: usize,
    /// Σ weight of the scored key results.
    pub own_weight: f64,
    /// Scored children on contributing links.
    pub children_scored: usize,
    /// Σ link weight of the scored contributing children.
    pub children_weight: f64,
}

/// How much of an objective's value each side of its inputs makes up: `own` multiplies the
/// weighted mean of its key results, `children` that of its contributing children. A side
/// with factor 0 is not counted.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub(crate) struct Counted {
    /// Factor of the key results' mean.
    pub own: f64,
    /// Factor of the children's mean.
    pub children: f64,
}

impl Counted {
    const OWN: Counted = Counted {
        own: 1.0,
        children: 0.0,
    };
    const CHILDREN: Counted = Counted {
        own: 0.0,
        children: 1.0,
    };

    /// Whether the key results are counted.
    pub(crate) fn takes_key_results(&self) -> bool {
        self.own > 0.0
    }

    /// Whether the contributing children are counted.
    pub(crate) fn takes_children(&self) -> bool {
        self.children > 0.0
    }
}

/// The one implementation of rollup-mode selection (SPEC §4): which inputs an objective in
/// `mode` (the mode in force, [`Policy::rollup_mode`]) takes, given what its inputs offer
/// and its blend factor ([`Policy::blend_of`]). Rollup, incremental updates, influence
/// and validation all ask this function.
///
/// - `auto`, and `manual` (whose progress, expected and forecast are those `auto` would
///   give): the key results when any is scored, else the children;
/// - `key_results`: the key results; `children`: the children;
/// - `flat`: neither side's mean, but the mean of every key result at and below the
///   objective, each once (kept by [`Flat`]);
/// - `blend`: `blend` × key results + (1 − `blend`) × children when both means are
///   defined (weights above zero), else the side that is; neither: both with their
///   factors, and the objective is unscored.
pub(crate) fn counted_inputs(mode: RollupMode, blend: f64, sides: &Sides) -> Counted {
    match mode {
        RollupMode::Auto | RollupMode::Manual if sides.own_scored > 0 => Counted::OWN,
        RollupMode::Auto | RollupMode::Manual => Counted::CHILDREN,
        RollupMode::KeyResults => Counted::OWN,
        RollupMode::Children => Counted::CHILDREN,
        // Neither mean: every key result below, each once ([`Flat`]).
        RollupMode::Flat => Counted::default(),
        RollupMode::Blend => match (sides.own_weight > 0.0, sides.children_weight > 0.0) {
            (true, false) => Counted::OWN,
            (false, true) => Counted::CHILDREN,
            // Both defined; or neither, and the objective is unscored.
            _ => Counted {
                own: blend,
                children: 1.0 - blend,
            },
        },
    }
}

/// Which inputs an objective's rollup takes, as the explanation and the tree show them:
/// [`counted_inputs`] read as "taken or not" per side (in `blend` mode both sides are
/// taken, a side whose mean is undefined with factor 0).
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Taken {
    /// Whether the mode takes the objective's own key results.
    pub(crate) own_counted: bool,
    /// Whether the mode takes the contributing children.
    pub(crate) children_counted: bool,
    /// The factor of the mean of the key results in the score (0 when not used).
    pub(crate) own: f64,
    /// The factor of the mean of the children in the score (0 when not used).
    pub(crate) children: f64,
}

/// What the objectives pass needs of each objective and key result, in flat arrays, so
/// that the pass over the DAG in topological order touches no document struct, string or
/// hash map. Filled in document order by the key-result pass (sequential memory access),
/// kept current by the updates.
#[derive(Clone, Debug, Default)]
struct Compiled {
    /// The sane weight of each key result (flat index).
    kr_weight: Vec<f64>,
    /// Per objective, together (one cache line read per objective in an update).
    objective: Vec<ObjectiveInputs>,
    /// The sums of the `flat` objectives (SPEC §3a).
    flat: Flat,
}

/// The weighted sums, over its key-result set, of each `flat` objective: every key result
/// of the objective and of the objectives below it through contributing links, each once.
///
/// A full computation walks down from each flat objective, in O(Σ size of the sets
/// below the flat objectives). A check-in adjusts the sums of the key result's flat
/// ancestors by its change, each ancestor once: O(1) a flat ancestor. The sums are exact
/// ([`ExactSum`]), so the adjusted ones read bit for bit as recomputed ones.
#[derive(Clone, Debug, Default)]
struct Flat {
    /// Per objective: its index into `sums`, or [`NONE`] when it is not flat.
    slot: Vec<u32>,
    /// The sums of each flat objective.
    sums: Vec<FlatSums>,
}

/// The exact weighted sums of the scored key results of one flat objective.
#[derive(Clone, Debug, Default)]
struct FlatSums {
    /// How many scored key results are in.
    n: usize,
    w: ExactSum,
    score: ExactSum,
    progress: ExactSum,
    expected: ExactSum,
    forecast: ExactSum,
}

impl FlatSums {
    fn add(&mut self, w: f64, r: &Row) {
        self.n += 1;
        self.w.add(w);
        self.score.add(w * r.score);
        self.progress.add(w * r.progress);
        self.expected.add(w * r.expected);
        self.forecast.add(w * r.forecast);
    }

    fn remove(&mut self, w: f64, r: &Row) {
        self.n = self.n.saturating_sub(1);
        self.w.remove(w);
        self.score.remove(w * r.score);
        self.progress.remove(w * r.progress);
        self.expected.remove(w * r.expected);
        self.forecast.remove(w * r.forecast);
    }

    /// The weighted means, or undefined when the weights sum to 0.
    fn row(&self) -> Row {
        let w = self.w.value();
        if w.is_nan() || w <= 0.0 {
            return Row::UNDEFINED;
        }
        Row {
            score: self.score.value() / w,
            progress: self.progress.value() / w,
            expected: self.expected.value() / w,
            forecast: self.forecast.value() / w,
            status: crate::Status::Unknown,
        }
    }
}

impl Flat {
    /// The sums of objective `i`, if it is flat.
    fn of(&self, i: u32) -> Option<&FlatSums> {
        let s = *self.slot.get(i as usize)?;
        self.sums.get(s as usize)
    }

    /// Computes the sums of every flat objective from the key-result rows.
    fn build(
        &mut self,
        graph: &Graph,
        objective: &[ObjectiveInputs],
        kr_weight: &[f64],
        krs: &[Row],
    ) {
        self.slot.clear();
        self.sums.clear();
        let mut seen: Vec<u32> = Vec::new();
        let mut stack: Vec<u32> = Vec::new();
        let mut epoch = 0u32;
        for (i, inputs) in objective.iter().enumerate() {
            let i = i as u32;
            if inputs.mode != RollupMode::Flat || graph.on_cycle(i) {
                self.slot.push(NONE);
                continue;
            }
            if seen.is_empty() {
                seen = vec![0; objective.len()];
            }
            epoch += 1;
            let mut sums = FlatSums::default();
            stack.clear();
            stack.push(i);
            if let Some(m) = seen.get_mut(i as usize) {
                *m = epoch;
            }
            while let Some(v) = stack.pop() {
                let range = graph.krs_of(v);
                let weights = kr_weight.get(range.clone()).unwrap_or(&[]);
                for (&w, row) in weights.iter().zip(krs.get(range).unwrap_or(&[])) {
                    if row.is_scored() {
                        sums.add(w, row);
                    }
                }
                for e in graph.children.of(v) {
                    if !e.contributes || graph.on_cycle(e.node) {
                        continue;
                    }
                    if let Some(m) = seen.get_mut(e.node as usize) {
                        if *m != epoch {
                            *m = epoch;
                            stack.push(e.node);
                        }
                    }
                }
            }
            self.slot.push(self.sums.len() as u32);
            self.sums.push(sums);
        }
    }

    /// Replaces key-result row `old` by `new` (weight `w`) in the sums of objective `i`,
    /// if it is flat.
    fn update(&mut self, i: u32, w: f64, old: &Row, new: &Row) {
        let Some(&s) = self.slot.get(i as usize) else {
            return;
        };
        if let Some(sums) = self.sums.get_mut(s as usize) {
            if old.is_scored() {
                sums.remove(w, old);
            }
            if new.is_scored() {
                sums.add(w, new);
            }
        }
    }
}

#[derive(Clone, Copy, Debug)]
struct ObjectiveInputs {
    /// Rollup mode.
    mode: RollupMode,
    /// Blend factor in force.
    blend: f64,
    /// The active override's score, if finite; `NaN` when none applies.
    over: f64,
}

impl Compiled {
    /// Records objective `i` (its mode, blend and override as of `d`), growing the array.
    fn set(&mut self, i: usize, o: &Objective, d: chrono::NaiveDate, policy: &Policy) {
        let over = active_override(&o.overrides, d)
            .map(|ov| ov.score)
            .filter(|x| x.is_finite())
            .unwrap_or(f64::NAN);
        let inputs = ObjectiveInputs {
            mode: policy.rollup_mode(o),
            blend: policy.blend_of(o),
            over,
        };
        match self.objective.get_mut(i) {
            Some(slot) => *slot = inputs,
            None => self.objective.push(inputs),
        }
    }

    fn clear(&mut self) {
        self.kr_weight.clear();
        self.objective.clear();
        self.flat = Flat::default();
    }

    /// Computes the sums of the flat objectives (after the key-result pass).
    fn build_flat(&mut self, graph: &Graph, krs: &[Row]) {
        let Compiled {
            kr_weight,
            objective,
            flat,
        } = self;
        flat.build(graph, objective, kr_weight, krs);
    }
}

/// The weighted sums of an objective's scored key results and of its scored contributing
/// children.
fn gather(i: u32, graph: &Graph, kr_weight: &[f64], krs: &[Row], objectives: &[Row]) -> (Acc, Acc) {
    let mut own = Acc::default();
    let range = graph.krs_of(i);
    let weights = kr_weight.get(range.clone()).unwrap_or(&[]);
    for (&w, row) in weights.iter().zip(krs.get(range).unwrap_or(&[])) {
        if row.is_scored() {
            own.add(w, row);
        }
    }
    let mut children = Acc::default();
    for e in graph.children.of(i) {
        if let Some(row) = objectives.get(e.node as usize) {
            if e.contributes && row.is_scored() {
                children.add(e.weight, row);
            }
        }
    }
    (own, children)
}

fn sides(own: &Acc, children: &Acc) -> Sides {
    Sides {
        own_scored: own.n,
        own_weight: own.w,
        children_scored: children.n,
        children_weight: children.w,
    }
}

/// Computes one objective from its key results' and children's rows (flat arrays only).
fn evaluate_objective(
    i: u32,
    graph: &Graph,
    compiled: &Compiled,
    krs: &[Row],
    objectives: &[Row],
    policy: &Policy,
) -> Row {
    if graph.on_cycle(i) {
        return Row::UNDEFINED;
    }
    let (own, children) = gather(i, graph, &compiled.kr_weight, krs, objectives);
    let inputs = compiled.objective.get(i as usize);
    let mode = inputs.map_or(RollupMode::Auto, |x| x.mode);
    let blend = inputs.map_or(crate::policy::DEFAULT_BLEND, |x| x.blend);
    let counted = counted_inputs(mode, blend, &sides(&own, &children));
    let none = Acc::default();
    let (a, wa, b, wb) = match (counted.takes_key_results(), counted.takes_children()) {
        (true, true) => (own, counted.own, children, counted.children),
        (true, false) => (own, 1.0, none, 0.0),
        _ => (children, 1.0, none, 0.0),
    };
    let mut row = if mode == RollupMode::Flat {
        compiled.flat.of(i).map_or(Row::UNDEFINED, FlatSums::row)
    } else if a.defined() {
        a.mix(wa, &b, wb)
    } else {
        Row::UNDEFINED
    };
    if mode == RollupMode::Manual {
        // Manual: the score comes only from an override; progress, expected and forecast
        // stay the means over the inputs `auto` would take.
        row.score = f64::NAN;
    }
    let ov = inputs.map_or(f64::NAN, |x| x.over);
    if ov.is_finite() {
        row.score = policy.clamp_score(ov);
        row.progress = ov;
        row.forecast = row.score;
    }
    // Means of clamped values stay in range up to rounding: keep them exactly in range.
    for x in [&mut row.score, &mut row.forecast] {
        if x.is_finite() {
            *x = policy.clamp_score(*x);
        }
    }
    row.status = status(row.score, row.expected, policy);
    row
}

/// A scored view of a document: every key result and objective computed as of a date,
/// updatable incrementally.
///
/// ```
/// use okr_core::{AsOf, CheckIn, Document, Format, Policy, Scorecard};
/// use chrono::NaiveDate;
/// let doc = Document::from_str(r#"
/// version: 1
/// cycles: [{id: 2021-H2, start: 2021-07-01, end: 2021-12-31}]
/// objectives:
///   - {id: top, title: Top, cycle: 2021-H2, level: company, key_results: []}
///   - id: child
///     title: Child
///     cycle: 2021-H2
///     level: team
///     aligns_to: [top]
///     key_results:
///       - {id: kr, title: KR, kind: metric, start: 0, target: 10}
/// "#, Format::Yaml)?;
/// let as_of = NaiveDate::from_ymd_opt(2021, 10, 1).unwrap();
/// let mut card = Scorecard::new(doc, AsOf::Date(as_of), Policy::default());
/// assert_eq!(card.objective("top").unwrap().score, Some(0.0));
/// card.check_in("kr", CheckIn::new(as_of, 5.0))?;
/// assert_eq!(card.objective("top").unwrap().score, Some(0.5));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug)]
pub struct Scorecard {
    doc: Document,
    graph: Graph,
    policy: Policy,
    as_of: AsOf,
    krs: Vec<Row>,
    objectives: Vec<Row>,
    compiled: Compiled,
    /// Scratch for updates: the epoch in which each objective was last marked.
    marks: Vec<u32>,
    epoch: u32,
    /// Scratch for updates: the objectives to recompute, and the walk's stack.
    scratch_affected: Vec<u32>,
    scratch_stack: Vec<u32>,
}

impl Scorecard {
    /// Scores every key result and objective of `doc` as of `as_of`.
    pub fn new(doc: Document, as_of: AsOf, policy: Policy) -> Scorecard {
        let graph = Graph::build(&doc);
        let n = graph.len();
        let mut card = Scorecard {
            doc,
            graph,
            policy,
            as_of,
            krs: Vec::new(),
            objectives: vec![Row::UNDEFINED; n],
            compiled: Compiled::default(),
            marks: vec![0; n],
            epoch: 0,
            scratch_affected: Vec::new(),
            scratch_stack: Vec::new(),
        };
        card.recompute();
        card
    }

    /// Recomputes everything from the document.
    ///
    /// Two passes: every key result in document order (sequential over the document), which
    /// also gathers what the objectives need into flat arrays; then every objective in
    /// topological order over those arrays only.
    pub fn recompute(&mut self) {
        let Scorecard {
            doc,
            graph,
            policy,
            as_of,
            krs,
            compiled,
            ..
        } = self;
        key_results_pass(doc, graph, policy, *as_of, krs, compiled);
        compiled.build_flat(graph, krs);
        self.recompute_objectives();
    }

    /// Recomputes every objective from the current key-result values: the objectives pass
    /// of [`Scorecard::recompute`] alone, for benchmarks against a hand-written rollup.
    #[doc(hidden)]
    pub fn recompute_objectives(&mut self) {
        let Scorecard {
            graph,
            policy,
            krs,
            objectives,
            compiled,
            ..
        } = self;
        objectives_pass(graph, policy, krs, compiled, objectives);
    }

    /// A borrowed view of the scores.
    pub(crate) fn view(&self) -> View<'_> {
        View {
            doc: &self.doc,
            graph: &self.graph,
            policy: &self.policy,
            as_of: self.as_of,
            krs: &self.krs,
            objectives: &self.objectives,
            kr_weight: &self.compiled.kr_weight,
            flat: &self.compiled.flat,
        }
    }

    /// The document being scored (with every check-in and override applied so far).
    pub fn document(&self) -> &Document {
        &self.doc
    }

    /// Gives the document back.
    pub fn into_document(self) -> Document {
        self.doc
    }

    /// The date the scores are computed as of.
    pub fn as_of(&self) -> AsOf {
        self.as_of
    }

    /// The date each cycle of the document is judged at, in document order: the as-of date,
    /// or, under [`AsOf::Today`], a closed cycle's last day.
    ///
    /// ```
    /// use okr_core::{AsOf, Document, Format, Policy, Scorecard};
    /// use chrono::NaiveDate;
    /// let doc = Document::from_str(
    ///     "version: 1\ncycles: [{id: 2026-H1, start: 2026-01-01, end: 2026-06-30}]\nobjectives: []\n",
    ///     Format::Yaml,
    /// )?;
    /// let today = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
    /// let card = Scorecard::new(doc, AsOf::Today(today), Policy::default());
    /// let end = NaiveDate::from_ymd_opt(2026, 6, 30).unwrap();
    /// assert_eq!(card.cycle_as_of("2026-H1"), Some(end));
    /// assert_eq!(card.cycles_as_of().next().map(|(c, d)| (c.id.as_str(), d)), Some(("2026-H1", end)));
    /// # Ok::<(), okr_core::LoadError>(())
    /// ```
    pub fn cycles_as_of(&self) -> impl Iterator<Item = (&Cycle, chrono::NaiveDate)> + '_ {
        self.as_of.cycles(&self.doc)
    }

    /// The date the cycle with this id is judged at (see [`Scorecard::cycles_as_of`]).
    pub fn cycle_as_of(&self, id: &str) -> Option<chrono::NaiveDate> {
        self.doc.cycle(id).map(|c| self.as_of.for_cycle(Some(c)))
    }

    /// The policy in force.
    pub fn policy(&self) -> &Policy {
        &self.policy
    }

    /// The scores of the objective with this id.
    pub fn objective(&self, id: &str) -> Option<Scores> {
        let i = self.graph.objective(&self.doc, id)?;
        self.objectives.get(i as usize).map(Row::public)
    }

    /// The scores of the key result with this id.
    pub fn key_result(&self, id: &str) -> Option<Scores> {
        let k = self.graph.key_result(&self.doc, id)?;
        self.krs.get(k as usize).map(Row::public)
    }

    /// Every objective with its scores, in document order.
    pub fn objectives(&self) -> impl Iterator<Item = (&Objective, Scores)> + '_ {
        self.doc
            .objectives
            .iter()
            .zip(self.objectives.iter().map(Row::public))
    }

    /// Every key result with its objective and scores, in document order.
    pub fn key_results(&self) -> impl Iterator<Item = (&Objective, &KeyResult, Scores)> + '_ {
        self.doc
            .key_results()
            .zip(self.krs.iter().map(Row::public))
            .map(|((o, kr), s)| (o, kr, s))
    }

    /// The objectives that `id` aligns to directly (resolved links only).
    pub fn parents(&self, id: &str) -> impl Iterator<Item = &Objective> + '_ {
        let i = self.graph.objective(&self.doc, id).unwrap_or(NONE);
        self.graph
            .parents
            .of(i)
            .iter()
            .filter_map(|e| self.doc.objectives.get(e.node as usize))
    }

    /// The objectives aligned directly to `id`, in document order.
    pub fn children(&self, id: &str) -> impl Iterator<Item = &Objective> + '_ {
        let i = self.graph.objective(&self.doc, id).unwrap_or(NONE);
        self.graph
            .children
            .of(i)
            .iter()
            .filter_map(|e| self.doc.objectives.get(e.node as usize))
    }

    /// The alignment cycles of the document, each as the ids of its objectives in link
    /// order (each aligns to the next; the last to the first). Objectives on a cycle are
    /// unscored.
    pub fn alignment_cycles(&self) -> Vec<Vec<&ObjectiveId>> {
        self.graph
            .cycles
            .iter()
            .map(|c| {
                c.iter()
                    .filter_map(|&i| self.doc.objectives.get(i as usize).map(|o| &o.id))
                    .collect()
            })
            .collect()
    }

    /// Which inputs objective `i`'s rollup takes, and with which factors (the mode in
    /// force under the policy, [`counted_inputs`]).
    pub(crate) fn counted(&self, i: u32) -> Counted {
        self.view().counted(i)
    }

    /// The scores of the key result at flat index `k`.
    pub(crate) fn kr_scores(&self, k: usize) -> Scores {
        self.krs.get(k).map(Row::public).unwrap_or_default()
    }

    pub(crate) fn graph(&self) -> &Graph {
        &self.graph
    }

    pub(crate) fn objective_row(&self, i: u32) -> Option<&Row> {
        self.objectives.get(i as usize)
    }

    /// Which inputs objective `i`'s rollup mode takes, with their factors: the rollup's own
    /// rule ([`counted_inputs`]) on the current values.
    pub(crate) fn sides(&self, i: u32) -> Taken {
        let (own, children) = gather(
            i,
            &self.graph,
            &self.compiled.kr_weight,
            &self.krs,
            &self.objectives,
        );
        let mode = self.mode(i);
        let c = counted_inputs(mode, self.blend_factor(i), &sides(&own, &children));
        let both = mode == RollupMode::Blend;
        Taken {
            own_counted: both || c.takes_key_results(),
            children_counted: both || c.takes_children(),
            own: c.own,
            children: c.children,
        }
    }

    /// The blend factor in force for objective `i` (its `blend`, else the policy's).
    pub(crate) fn blend_factor(&self, i: u32) -> f64 {
        self.compiled
            .objective
            .get(i as usize)
            .map_or(crate::policy::DEFAULT_BLEND, |x| x.blend)
    }

    /// The rollup mode in force for objective `i`.
    pub(crate) fn mode(&self, i: u32) -> RollupMode {
        self.compiled
            .objective
            .get(i as usize)
            .map_or(RollupMode::Auto, |x| x.mode)
    }

    /// The date objective `i` (and its key results) is judged at.
    pub(crate) fn date_of(&self, i: u32) -> chrono::NaiveDate {
        self.as_of.for_cycle(cycle_of(&self.doc, &self.graph, i))
    }

    /// Records a check-in on a key result and updates the key result, its objective and
    /// every ancestor, and nothing else. Returns the number of objectives recomputed.
    pub fn check_in(&mut self, key_result: &str, check_in: CheckIn) -> Result<usize, UpdateError> {
        let k = self
            .graph
            .key_result(&self.doc, key_result)
            .ok_or_else(|| UpdateError::UnknownKeyResult(key_result.to_owned()))?;
        let i = self
            .graph
            .kr_objective
            .get(k as usize)
            .copied()
            .unwrap_or(NONE);
        let offset = (k as usize).saturating_sub(self.graph.krs_of(i).start);
        let ci = self.graph.cycle_of.get(i as usize).copied().unwrap_or(NONE);
        let cycle = self.doc.cycles.get(ci as usize);
        let d = self.as_of.for_cycle(cycle);
        let kr = self
            .doc
            .objectives
            .get_mut(i as usize)
            .and_then(|o| o.key_results.get_mut(offset))
            .ok_or_else(|| UpdateError::UnknownKeyResult(key_result.to_owned()))?;
        kr.check_ins.push(check_in);
        let row = evaluate_kr(kr, cycle, d, &self.policy);
        let mut old = row;
        if let Some(slot) = self.krs.get_mut(k as usize) {
            old = *slot;
            *slot = row;
        }
        let w = self
            .compiled
            .kr_weight
            .get(k as usize)
            .copied()
            .unwrap_or(0.0);
        Ok(self.propagate(i, Some((w, old, row))))
    }

    /// Adds a score override to an objective and updates it and its ancestors.
    /// Returns the number of objectives recomputed.
    pub fn set_override(&mut self, objective: &str, over: Override) -> Result<usize, UpdateError> {
        let i = self
            .graph
            .objective(&self.doc, objective)
            .ok_or_else(|| UpdateError::UnknownObjective(objective.to_owned()))?;
        if let Some(o) = self.doc.objectives.get_mut(i as usize) {
            o.overrides.push(over);
            let d = self.as_of.for_cycle(cycle_of(&self.doc, &self.graph, i));
            if let Some(o) = self.doc.objectives.get(i as usize) {
                self.compiled.set(i as usize, o, d, &self.policy);
            }
        }
        Ok(self.propagate(i, None))
    }

    /// Recomputes objective `start` and its ancestors through contributing links, in
    /// topological order. `change` is a key result of `start` that changed (its weight,
    /// old row and new row): the sums of the flat objectives among them take the change,
    /// each once.
    fn propagate(&mut self, start: u32, change: Option<(f64, Row, Row)>) -> usize {
        self.epoch = self.epoch.wrapping_add(1);
        if self.epoch == 0 {
            self.marks.fill(0);
            self.epoch = 1;
        }
        let epoch = self.epoch;
        // Scratch lists kept between updates: no allocation per check-in.
        let mut affected = std::mem::take(&mut self.scratch_affected);
        let mut stack = std::mem::take(&mut self.scratch_stack);
        affected.clear();
        stack.clear();
        stack.push(start);
        if let Some(m) = self.marks.get_mut(start as usize) {
            *m = epoch;
        }
        while let Some(v) = stack.pop() {
            if self.graph.on_cycle(v) {
                continue; // stays unscored; ancestors see no change through it
            }
            affected.push(v);
            for e in self.graph.parents.of(v) {
                if !e.contributes {
                    continue;
                }
                if let Some(m) = self.marks.get_mut(e.node as usize) {
                    if *m != epoch {
                        *m = epoch;
                        stack.push(e.node);
                    }
                }
            }
        }
        let pos = |v: &u32| {
            self.graph
                .topo_pos
                .get(*v as usize)
                .copied()
                .unwrap_or(NONE)
        };
        affected.sort_unstable_by_key(pos);
        if let Some((w, old, new)) = change {
            for &v in &affected {
                self.compiled.flat.update(v, w, &old, &new);
            }
        }
        for &v in &affected {
            let row = evaluate_objective(
                v,
                &self.graph,
                &self.compiled,
                &self.krs,
                &self.objectives,
                &self.policy,
            );
            if let Some(slot) = self.objectives.get_mut(v as usize) {
                *slot = row;
            }
        }
        let n = affected.len();
        self.scratch_affected = affected;
        self.scratch_stack = stack;
        n
    }

    /// Whether every value equals a full recomputation bit for bit (for tests).
    #[doc(hidden)]
    pub fn matches_full_recompute(&self) -> bool {
        let mut full = self.clone();
        full.recompute();
        full.krs.len() == self.krs.len()
            && full.krs.iter().zip(&self.krs).all(|(a, b)| a.same(b))
            && full
                .objectives
                .iter()
                .zip(&self.objectives)
                .all(|(a, b)| a.same(b))
    }
}

/// Every key result in document order (sequential over the document), recording what the
/// objectives pass needs in flat arrays.
fn key_results_pass(
    doc: &Document,
    graph: &Graph,
    policy: &Policy,
    as_of: AsOf,
    krs: &mut Vec<Row>,
    compiled: &mut Compiled,
) {
    krs.clear();
    compiled.clear();
    for (i, o) in doc.objectives.iter().enumerate() {
        let cycle = cycle_of(doc, graph, i as u32);
        let d = as_of.for_cycle(cycle);
        compiled.set(i, o, d, policy);
        for kr in &o.key_results {
            krs.push(evaluate_kr(kr, cycle, d, policy));
            compiled.kr_weight.push(sane_weight(kr.weight));
        }
    }
}

/// Every objective in topological order, over flat arrays only.
fn objectives_pass(
    graph: &Graph,
    policy: &Policy,
    krs: &[Row],
    compiled: &Compiled,
    objectives: &mut [Row],
) {
    objectives.fill(Row::UNDEFINED);
    for &i in &graph.order {
        let row = evaluate_objective(i, graph, compiled, krs, objectives, policy);
        if let Some(slot) = objectives.get_mut(i as usize) {
            *slot = row;
        }
    }
}

/// Scores of a document that is only borrowed (validation from a document, without the
/// copy a [`Scorecard`] would own).
pub(crate) struct Scored {
    graph: Graph,
    krs: Vec<Row>,
    objectives: Vec<Row>,
    compiled: Compiled,
}

impl Scored {
    /// Builds the graph and computes every key result and objective.
    pub(crate) fn new(doc: &Document, as_of: AsOf, policy: &Policy) -> Scored {
        let graph = Graph::build(doc);
        let (mut krs, mut compiled) = (Vec::new(), Compiled::default());
        key_results_pass(doc, &graph, policy, as_of, &mut krs, &mut compiled);
        compiled.build_flat(&graph, &krs);
        let mut objectives = vec![Row::UNDEFINED; graph.len()];
        objectives_pass(&graph, policy, &krs, &compiled, &mut objectives);
        Scored {
            graph,
            krs,
            objectives,
            compiled,
        }
    }

    /// The view of these scores of `doc` (the document they were computed from).
    pub(crate) fn view<'a>(
        &'a self,
        doc: &'a Document,
        as_of: AsOf,
        policy: &'a Policy,
    ) -> View<'a> {
        View {
            doc,
            graph: &self.graph,
            policy,
            as_of,
            krs: &self.krs,
            objectives: &self.objectives,
            kr_weight: &self.compiled.kr_weight,
            flat: &self.compiled.flat,
        }
    }
}

/// A borrowed, read-only view of a scored document: what validation reads.
pub(crate) struct View<'a> {
    pub(crate) doc: &'a Document,
    pub(crate) graph: &'a Graph,
    pub(crate) policy: &'a Policy,
    pub(crate) as_of: AsOf,
    krs: &'a [Row],
    objectives: &'a [Row],
    kr_weight: &'a [f64],
    flat: &'a Flat,
}

impl View<'_> {
    /// The row of objective `i`.
    pub(crate) fn objective_row(&self, i: u32) -> Option<&Row> {
        self.objectives.get(i as usize)
    }

    /// What objective `i`'s inputs offer and which of them its rollup takes.
    fn inputs(&self, i: u32) -> (Sides, Counted) {
        let Some(o) = self.doc.objectives.get(i as usize) else {
            return (Sides::default(), Counted::default());
        };
        let (own, children) = gather(i, self.graph, self.kr_weight, self.krs, self.objectives);
        let sides = sides(&own, &children);
        let counted = counted_inputs(self.policy.rollup_mode(o), self.policy.blend_of(o), &sides);
        (sides, counted)
    }

    /// Which inputs objective `i`'s rollup takes, and with which factors.
    pub(crate) fn counted(&self, i: u32) -> Counted {
        self.inputs(i).1
    }

    /// How many scored inputs objective `i`'s rollup mode takes, and their total weight.
    pub(crate) fn mode_inputs(&self, i: u32) -> (usize, f64) {
        if self
            .doc
            .objectives
            .get(i as usize)
            .map(|o| self.policy.rollup_mode(o))
            == Some(RollupMode::Flat)
        {
            return self.flat.of(i).map_or((0, 0.0), |s| (s.n, s.w.value()));
        }
        let (s, c) = self.inputs(i);
        let (mut n, mut w) = (0, 0.0);
        if c.takes_key_results() {
            n += s.own_scored;
            w += s.own_weight;
        }
        if c.takes_children() {
            n += s.children_scored;
            w += s.children_weight;
        }
        (n, w)
    }

    /// Whether objective `i` has a scored key result.
    pub(crate) fn has_scored_kr(&self, i: u32) -> bool {
        self.krs
            .get(self.graph.krs_of(i))
            .is_some_and(|rows| rows.iter().any(Row::is_scored))
    }
}

fn cycle_of<'d>(doc: &'d Document, graph: &Graph, i: u32) -> Option<&'d Cycle> {
    let c = graph.cycle_of.get(i as usize).copied().unwrap_or(NONE);
    doc.cycles.get(c as usize)
}
