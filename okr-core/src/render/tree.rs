//! The cascade as a tree: top-level objectives with the objectives aligned to them below.
//!
//! The alignment graph is a DAG, so an objective with several parents appears under each
//! of them; its subtree is expanded the first time only and later marked as shown above.
//! Objectives on an alignment cycle, which no top-level objective reaches, are listed at
//! the end. The walk is iterative.

use crate::explain::{not_counted_reason, InputKind};
use crate::filter::Selection;
use crate::model::Objective;
use crate::score::rollup::Scorecard;
use crate::score::Scores;
use std::fmt::Write as _;

/// One line of the cascade tree.
#[derive(Clone, Debug, PartialEq)]
pub struct TreeRow<'a> {
    /// Nesting depth (0 for a top-level objective).
    pub depth: usize,
    /// The objective.
    pub objective: &'a Objective,
    /// Its scores.
    pub scores: Scores,
    /// The link weight to the parent above it in the tree (`None` at the top).
    pub weight: Option<f64>,
    /// `false` when it only supports the parent above (alignment without progress).
    pub contributes: bool,
    /// Shown (with its subtree) earlier in the tree under another parent.
    pub repeated: bool,
    /// On an alignment cycle (and so unscored).
    pub on_cycle: bool,
    /// Not reachable from any top-level objective (it or an ancestor is on a cycle); such
    /// rows come last.
    pub detached: bool,
    /// Why the parent above does not count it although the link contributes (its rollup
    /// mode, e.g. `key_results mode`); `None` when it counts or only supports.
    pub not_counted: Option<&'static str>,
}

impl Scorecard {
    /// The cascade as a list of rows in display order, optionally only one cycle's
    /// objectives. Runs in O(objectives + links).
    pub fn tree(&self, cycle: Option<&str>) -> Vec<TreeRow<'_>> {
        let doc = self.document();
        self.tree_where(|i| {
            doc.objectives
                .get(i as usize)
                .is_some_and(|o| cycle.is_none_or(|c| o.cycle.as_str() == c))
        })
    }

    /// The cascade of the objectives a [`Selection`] holds: an objective none of whose
    /// parents is selected starts a tree of its own.
    pub fn tree_selected(&self, selection: &Selection) -> Vec<TreeRow<'_>> {
        let doc = self.document();
        self.tree_where(|i| {
            doc.objectives
                .get(i as usize)
                .is_some_and(|o| selection.objective(o.id.as_str()))
        })
    }

    fn tree_where(&self, keep: impl Fn(u32) -> bool) -> Vec<TreeRow<'_>> {
        let doc = self.document();
        let graph = self.graph();
        let row = |i: u32,
                   depth: usize,
                   parent: Option<u32>,
                   weight: Option<f64>,
                   contributes: bool,
                   repeated: bool,
                   detached: bool| {
            let not_counted = parent
                .filter(|&p| contributes && !self.sides(p).children_counted)
                .map(|p| not_counted_reason(self.mode(p), InputKind::Objective));
            doc.objectives.get(i as usize).map(|objective| TreeRow {
                depth,
                objective,
                scores: self
                    .objective_row(i)
                    .map(|r| r.public())
                    .unwrap_or_default(),
                weight,
                contributes,
                repeated,
                on_cycle: graph.on_cycle(i),
                detached,
                not_counted,
            })
        };
        let n = graph.len() as u32;
        let mut shown = vec![false; n as usize];
        let mut rows = Vec::with_capacity(n as usize);
        /// An objective to print: (objective, depth, parent, link weight, contributes).
        type Visit = (u32, usize, Option<u32>, Option<f64>, bool);
        let mut stack: Vec<Visit> = Vec::new();
        let is_root = |i: u32| keep(i) && !graph.parents.of(i).iter().any(|e| keep(e.node));
        for root in (0..n).filter(|&i| is_root(i)) {
            stack.push((root, 0, None, None, true));
            while let Some((i, depth, parent, weight, contributes)) = stack.pop() {
                let seen = shown.get(i as usize).copied().unwrap_or(true);
                rows.extend(row(i, depth, parent, weight, contributes, seen, false));
                if seen {
                    continue;
                }
                if let Some(s) = shown.get_mut(i as usize) {
                    *s = true;
                }
                for e in graph.children.of(i).iter().rev() {
                    if keep(e.node) {
                        stack.push((e.node, depth + 1, Some(i), Some(e.weight), e.contributes));
                    }
                }
            }
        }
        // Whatever no root reaches lies on or below an alignment cycle.
        for i in (0..n).filter(|&i| keep(i) && !shown.get(i as usize).copied().unwrap_or(true)) {
            rows.extend(row(i, 0, None, None, true, false, true));
        }
        rows
    }

    /// The cascade as indented text: per objective its score, a progress bar with a mark
    /// at expected progress, expected, status and forecast.
    pub fn render_tree(&self, cycle: Option<&str>) -> String {
        render(&self.tree(cycle))
    }

    /// [`Scorecard::render_tree`] of the objectives a [`Selection`] holds.
    pub fn render_tree_selected(&self, selection: &Selection) -> String {
        render(&self.tree_selected(selection))
    }
}

fn render(rows: &[TreeRow<'_>]) -> String {
    let mut out = String::new();
    let mut in_detached = false;
    for r in rows {
        if r.detached && !in_detached {
            in_detached = true;
            out.push_str("\nnot reachable from a top-level objective (alignment cycle):\n");
        }
        let indent = "  ".repeat(r.depth.min(64));
        let link = match (r.contributes, r.on_cycle) {
            (_, true) => " (on an alignment cycle)",
            (false, _) => " (supports)",
            _ => "",
        };
        let weight = match (r.weight, r.not_counted) {
            (_, Some(why)) => format!(" (not counted: {why})"),
            (Some(w), _) if w != 1.0 && r.contributes => format!(" (weight {w})"),
            _ => String::new(),
        };
        let owners = if r.objective.owners.is_empty() {
            String::new()
        } else {
            let names: Vec<&str> = r.objective.owners.iter().map(|p| p.as_str()).collect();
            format!(" @{}", names.join(",@"))
        };
        let _ = write!(
            out,
            "{indent}{} {}  {}{owners}{link}{weight}",
            r.objective.id,
            bar(r.scores.score, r.scores.expected),
            r.objective.title
        );
        if r.repeated {
            out.push_str("  (shown above)\n");
            continue;
        }
        let _ = writeln!(
            out,
            "  score {} exp {} {} forecast {}",
            num(r.scores.score),
            num(r.scores.expected),
            r.scores.status.as_str(),
            num(r.scores.forecast)
        );
    }
    out
}

fn num(x: Option<f64>) -> String {
    match x {
        Some(v) => format!("{v:.2}"),
        None => "-".into(),
    }
}

/// A 20-character progress bar: `#` up to the score, `|` at expected progress.
fn bar(score: Option<f64>, expected: Option<f64>) -> String {
    const WIDTH: usize = 20;
    let cells = |x: f64| ((x.clamp(0.0, 1.0) * WIDTH as f64).round() as usize).min(WIDTH);
    let filled = score.map_or(0, cells);
    let mark = expected.map(cells);
    let mut s = String::with_capacity(WIDTH + 2);
    s.push('[');
    for c in 0..WIDTH {
        let ch = if mark == Some(c) || (mark == Some(WIDTH) && c == WIDTH - 1) {
            '|'
        } else if c < filled {
            '#'
        } else if score.is_none() {
            '?'
        } else {
            '.'
        };
        s.push(ch);
    }
    s.push(']');
    s
}
