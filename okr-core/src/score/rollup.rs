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
        let q = |x: f64, y: f64| a * m(x, self.w) + b * m(y, other.w);
        Row {
            score: q(self.score, other.score),
            progress: q(self.progress, other.progress),
            expected: q(self.expected, other.expected),
            forecast: q(self.forecast, other.forecast),
            status: crate::Status::Unknown,
        }
    }
}

/// The blend factor in force for an objective (invalid values fall back to the policy's).
fn blend_factor(o: &Objective, policy: &Policy) -> f64 {
    match o.blend {
        Some(b) if (0.0..=1.0).contains(&b) => b,
        _ if (0.0..=1.0).contains(&policy.default_blend) => policy.default_blend,
        _ => 0.5,
    }
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
            mode: o.rollup_mode(),
            blend: blend_factor(o, policy),
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
    }
}

/// The weighted sums of an objective's scored key results and of its scored contributing
/// children, and whether it has any scored key result.
fn gather(
    i: u32,
    graph: &Graph,
    kr_weight: &[f64],
    krs: &[Row],
    objectives: &[Row],
) -> (Acc, Acc, bool) {
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
    let any_kr = own.n > 0;
    (own, children, any_kr)
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
    let (own, children, any_kr) = gather(i, graph, &compiled.kr_weight, krs, objectives);
    let none = Acc::default();
    let inputs = compiled.objective.get(i as usize);
    let mode = inputs.map_or(RollupMode::Auto, |x| x.mode);
    let auto = || {
        if any_kr {
            (own, 1.0, none, 0.0)
        } else {
            (children, 1.0, none, 0.0)
        }
    };
    let (a, wa, b, wb) = match mode {
        RollupMode::Auto | RollupMode::Manual => auto(),
        RollupMode::KeyResults => (own, 1.0, none, 0.0),
        RollupMode::Children => (children, 1.0, none, 0.0),
        RollupMode::Blend => match (own.defined(), children.defined()) {
            (true, true) => {
                let l = inputs.map_or(0.5, |x| x.blend);
                (own, l, children, 1.0 - l)
            }
            (true, false) => (own, 1.0, none, 0.0),
            _ => (children, 1.0, none, 0.0),
        },
    };
    let mut row = if a.defined() {
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

    /// Whether objective `i` has a scored key result.
    pub(crate) fn has_scored_kr(&self, i: u32) -> bool {
        self.krs
            .get(self.graph.krs_of(i))
            .is_some_and(|rows| rows.iter().any(Row::is_scored))
    }

    /// The blend factor in force for objective `i`.
    pub(crate) fn blend_factor(&self, i: u32) -> f64 {
        self.doc
            .objectives
            .get(i as usize)
            .map_or(self.policy.default_blend, |o| blend_factor(o, &self.policy))
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
        if let Some(slot) = self.krs.get_mut(k as usize) {
            *slot = row;
        }
        Ok(self.propagate(i))
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
        Ok(self.propagate(i))
    }

    /// Recomputes objective `start` and its ancestors through contributing links, in
    /// topological order.
    fn propagate(&mut self, start: u32) -> usize {
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
}

impl View<'_> {
    /// The row of objective `i`.
    pub(crate) fn objective_row(&self, i: u32) -> Option<&Row> {
        self.objectives.get(i as usize)
    }

    /// How many scored inputs objective `i`'s rollup mode takes, and their total weight.
    pub(crate) fn mode_inputs(&self, i: u32) -> (usize, f64) {
        let Some(o) = self.doc.objectives.get(i as usize) else {
            return (0, 0.0);
        };
        let (own, children, any_kr) =
            gather(i, self.graph, self.kr_weight, self.krs, self.objectives);
        match o.rollup_mode() {
            RollupMode::Auto | RollupMode::Manual if any_kr => (own.n, own.w),
            RollupMode::Auto | RollupMode::Manual => (children.n, children.w),
            RollupMode::KeyResults => (own.n, own.w),
            RollupMode::Children => (children.n, children.w),
            RollupMode::Blend => (own.n + children.n, own.w + children.w),
        }
    }
}

fn cycle_of<'d>(doc: &'d Document, graph: &Graph, i: u32) -> Option<&'d Cycle> {
    let c = graph.cycle_of.get(i as usize).copied().unwrap_or(NONE);
    doc.cycles.get(c as usize)
}
