//! Key-result progress and score (SPEC §3), expected progress, status and forecast (§5).
//!
//! Every function here is pure: it reads a key result, its cycle and a date. Undefined
//! values are carried as `NaN` inside the crate and become `None` at the public API, so no
//! non-finite number is ever an output.

use crate::model::{Cycle, Direction, Document, KeyResult, KrKind, Milestone, Override};
use crate::policy::Policy;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// How a scored key result or objective is doing against expected progress.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// score / expected ≥ `policy.on_track` (0.7), or nothing expected yet.
    OnTrack,
    /// `policy.at_risk` (0.4) ≤ score / expected < `policy.on_track`.
    AtRisk,
    /// score / expected < `policy.at_risk`.
    OffTrack,
    /// Unscored, or no expected progress is known.
    #[default]
    Unknown,
    /// A key result dropped on or before the as-of date (SPEC §3a): unscored, out of every
    /// mean. Objectives are never `dropped`.
    Dropped,
}

impl Status {
    /// The snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::OnTrack => "on_track",
            Status::AtRisk => "at_risk",
            Status::OffTrack => "off_track",
            Status::Unknown => "unknown",
            Status::Dropped => "dropped",
        }
    }
}

/// The date scores are computed as of.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AsOf {
    /// Exactly this date, for every cycle.
    Date(NaiveDate),
    /// "Today" (the given date), except that a cycle which has ended is scored as of its
    /// last day — the default of SPEC §3.
    Today(NaiveDate),
}

impl AsOf {
    /// The date given.
    pub fn date(self) -> NaiveDate {
        match self {
            AsOf::Date(d) | AsOf::Today(d) => d,
        }
    }

    /// Each cycle of `doc` with the date it is judged at, in document order.
    pub fn cycles(self, doc: &Document) -> impl Iterator<Item = (&Cycle, NaiveDate)> + '_ {
        doc.cycles.iter().map(move |c| (c, self.for_cycle(Some(c))))
    }

    /// The date to use for something in `cycle`.
    pub fn for_cycle(self, cycle: Option<&Cycle>) -> NaiveDate {
        match (self, cycle) {
            (AsOf::Today(d), Some(c)) if c.end < d => c.end,
            _ => self.date(),
        }
    }
}

/// The computed values of one key result or objective. `None` = undefined (unscored).
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Scores {
    /// Raw, unclamped progress.
    pub progress: Option<f64>,
    /// Progress clamped to `0..=policy.score_cap`.
    pub score: Option<f64>,
    /// Expected progress at the as-of date.
    pub expected: Option<f64>,
    /// On track, at risk, off track or unknown.
    pub status: Status,
    /// Projected score at the cycle end.
    pub forecast: Option<f64>,
}

/// Internal row: `NaN` means undefined.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Row {
    pub progress: f64,
    pub score: f64,
    pub expected: f64,
    pub forecast: f64,
    pub status: Status,
}

impl Row {
    pub(crate) const UNDEFINED: Row = Row {
        progress: f64::NAN,
        score: f64::NAN,
        expected: f64::NAN,
        forecast: f64::NAN,
        status: Status::Unknown,
    };

    pub(crate) fn is_scored(&self) -> bool {
        self.score.is_finite()
    }

    pub(crate) fn public(&self) -> Scores {
        let f = |x: f64| x.is_finite().then_some(x);
        Scores {
            progress: f(self.progress),
            score: f(self.score),
            expected: f(self.expected),
            status: self.status,
            forecast: f(self.forecast),
        }
    }

    /// Bitwise equality (NaN equals NaN), for comparing recomputations.
    pub(crate) fn same(&self, other: &Row) -> bool {
        self.progress.to_bits() == other.progress.to_bits()
            && self.score.to_bits() == other.score.to_bits()
            && self.expected.to_bits() == other.expected.to_bits()
            && self.forecast.to_bits() == other.forecast.to_bits()
            && self.status == other.status
    }
}

/// Status of a score against expected progress (SPEC §5).
pub(crate) fn status(score: f64, expected: f64, policy: &Policy) -> Status {
    if !score.is_finite() || !expected.is_finite() {
        return Status::Unknown;
    }
    if expected == 0.0 {
        return Status::OnTrack;
    }
    let r = score / expected;
    if r >= policy.on_track {
        Status::OnTrack
    } else if r >= policy.at_risk {
        Status::AtRisk
    } else {
        Status::OffTrack
    }
}

/// Days from `a` to `b` (day numbers subtracted: no duration arithmetic).
pub(crate) fn days(a: NaiveDate, b: NaiveDate) -> f64 {
    use chrono::Datelike as _;
    f64::from(b.num_days_from_ce() - a.num_days_from_ce())
}

/// The latest check-in on or before `d` (ties: the later entry wins).
pub(crate) fn latest(kr: &KeyResult, d: NaiveDate) -> Option<&crate::model::CheckIn> {
    let mut best: Option<&crate::model::CheckIn> = None;
    for c in &kr.check_ins {
        if c.date <= d && best.is_none_or(|b| c.date >= b.date) {
            best = Some(c);
        }
    }
    best
}

/// The active override of a list: the latest dated on or before `d` (ties: later entry).
pub(crate) fn active_override(overrides: &[Override], d: NaiveDate) -> Option<&Override> {
    let mut best: Option<&Override> = None;
    for o in overrides {
        if o.date <= d && best.is_none_or(|b| o.date >= b.date) {
            best = Some(o);
        }
    }
    best
}

fn metric_progress(value: f64, start: f64, target: f64) -> f64 {
    let range = target - start;
    if range == 0.0 {
        f64::NAN
    } else {
        // `+ 0.0` turns the −0 of a decreasing metric at its start ((30 − 30) / −20) into
        // 0, which every output would otherwise print as `-0`.
        (value - start) / range + 0.0
    }
}

/// Σ weight of the milestones that `counts` / Σ weight (`NaN` when the weights sum to 0).
fn milestone_share(milestones: &[Milestone], counts: impl Fn(&Milestone) -> bool) -> f64 {
    let (mut part, mut total) = (0.0, 0.0);
    for m in milestones {
        let w = crate::score::graph::sane_weight(m.weight);
        total += w;
        if counts(m) {
            part += w;
        }
    }
    if total > 0.0 {
        part / total
    } else {
        f64::NAN
    }
}

/// Raw progress of a key result as of `d` (`NaN` = unscored).
pub(crate) fn progress(kr: &KeyResult, d: NaiveDate) -> f64 {
    match &kr.kind {
        KrKind::Metric { start, target, .. } => {
            let v = latest(kr, d).map_or(*start, |c| c.value.as_f64());
            metric_progress(v, *start, *target)
        }
        KrKind::Threshold {
            threshold,
            direction,
            ..
        } => {
            let (mut held, mut total) = (0u32, 0u32);
            for c in kr.check_ins.iter().filter(|c| c.date <= d) {
                let v = c.value.as_f64();
                total += 1;
                let ok = match direction {
                    Direction::AtLeast => v >= *threshold,
                    Direction::AtMost => v <= *threshold,
                };
                held += u32::from(ok);
            }
            if total == 0 {
                f64::NAN
            } else {
                f64::from(held) / f64::from(total)
            }
        }
        KrKind::Binary => match latest(kr, d) {
            Some(c) if c.value.is_truthy() => 1.0,
            _ => 0.0,
        },
        KrKind::Milestones { milestones } => {
            milestone_share(milestones, |m| m.done.is_some_and(|x| x <= d))
        }
        KrKind::Baseline { .. } => f64::NAN,
        KrKind::Graded => latest(kr, d).map_or(f64::NAN, |c| c.value.as_f64()),
    }
}

/// Linear interpolation through points sorted by x, at `x`.
fn interpolate(points: impl IntoIterator<Item = (f64, f64)>, x: f64) -> f64 {
    let mut prev: Option<(f64, f64)> = None;
    for (px, py) in points {
        if x <= px {
            return match prev {
                Some((qx, qy)) if px > qx => qy + (py - qy) * (x - qx) / (px - qx),
                _ => py,
            };
        }
        prev = Some((px, py));
    }
    prev.map_or(f64::NAN, |(_, y)| y)
}

/// Expected progress of a key result at `d` (SPEC §5; `NaN` when unknown).
pub(crate) fn expected(kr: &KeyResult, cycle: Option<&Cycle>, d: NaiveDate) -> f64 {
    let Some(c) = cycle else {
        return f64::NAN;
    };
    if matches!(kr.kind, KrKind::Baseline { .. }) {
        return f64::NAN;
    }
    if d < c.start {
        return 0.0;
    }
    if d > c.end {
        return 1.0;
    }
    // A graded key result's grade is its progress: expected as a metric from 0 to 1.
    let range = match &kr.kind {
        KrKind::Metric { start, target, .. } => Some((*start, *target)),
        KrKind::Graded => Some((0.0, 1.0)),
        _ => None,
    };
    match (&kr.kind, range) {
        (_, Some((start, target))) => {
            let span = days(c.start, c.end);
            // The plan points inside the cycle (no list is built: this runs per key result).
            let inside = || {
                kr.plan
                    .iter()
                    .filter(|(date, _)| **date >= c.start && **date <= c.end)
                    .map(|(date, v)| (days(c.start, *date), metric_progress(*v, start, target)))
            };
            match (inside().next(), inside().next_back()) {
                (Some(first), Some(last)) => {
                    // Plan points on the first or last day replace the implicit end points.
                    let head = (first.0 > 0.0).then_some((0.0, 0.0));
                    let tail = (last.0 < span).then_some((span, 1.0));
                    interpolate(
                        head.into_iter().chain(inside()).chain(tail),
                        days(c.start, d),
                    )
                }
                _ => {
                    let n = days(c.start, c.end) + 1.0;
                    let e = (days(c.start, d) + 1.0) / n;
                    e.clamp(0.0, 1.0)
                }
            }
        }
        (KrKind::Threshold { .. }, _) => 1.0,
        (KrKind::Binary, _) => {
            let due = kr.due.unwrap_or(c.end);
            if d < due {
                0.0
            } else {
                1.0
            }
        }
        (KrKind::Milestones { milestones }, _) => {
            milestone_share(milestones, |m| m.due.unwrap_or(c.end) <= d)
        }
        (KrKind::Metric { .. } | KrKind::Graded | KrKind::Baseline { .. }, _) => f64::NAN,
    }
}

/// Forecast of a metric key result before its cycle's last day: the least-squares line of progress against day through
/// its check-ins within the cycle and on or before `d`, at the cycle end, when they fall on
/// at least two distinct days; otherwise `NaN` (the caller uses the score).
fn metric_trend(kr: &KeyResult, cycle: &Cycle, d: NaiveDate, policy: &Policy) -> f64 {
    let KrKind::Metric { start, target, .. } = &kr.kind else {
        return f64::NAN;
    };
    let last = d.min(cycle.end);
    let points = || {
        kr.check_ins
            .iter()
            .filter(move |c| c.date >= cycle.start && c.date <= last)
    };
    // One pass for the sums and whether the points fall on two distinct days.
    let (mut n, mut sx, mut sy) = (0.0, 0.0, 0.0);
    let mut first_day = None;
    let mut distinct = false;
    for c in points() {
        match first_day {
            None => first_day = Some(c.date),
            Some(f) => distinct |= f != c.date,
        }
        n += 1.0;
        sx += days(cycle.start, c.date);
        sy += metric_progress(c.value.as_f64(), *start, *target);
    }
    if !distinct {
        return f64::NAN;
    }
    let (mx, my) = (sx / n, sy / n);
    let (mut sxy, mut sxx) = (0.0, 0.0);
    for c in points() {
        let dx = days(cycle.start, c.date) - mx;
        sxy += dx * (metric_progress(c.value.as_f64(), *start, *target) - my);
        sxx += dx * dx;
    }
    if sxx <= 0.0 {
        return f64::NAN;
    }
    let slope = sxy / sxx;
    let at_end = my + slope * (days(cycle.start, cycle.end) - mx);
    if at_end.is_finite() {
        policy.clamp_score(at_end)
    } else {
        f64::NAN
    }
}

/// Whether the key result is dropped as of `d` (its `dropped` date is on or before `d`).
pub(crate) fn is_dropped(kr: &KeyResult, d: NaiveDate) -> bool {
    kr.dropped.is_some_and(|x| x <= d)
}

/// The projection of the latest check-in on or before `d`, while the cycle runs (before
/// its last day; SPEC §3a), clamped to `0..=score_cap`; `NaN` when there is none.
fn projection(kr: &KeyResult, cycle: Option<&Cycle>, d: NaiveDate, policy: &Policy) -> f64 {
    if cycle.is_some_and(|c| d >= c.end) {
        return f64::NAN;
    }
    match latest(kr, d).and_then(|c| c.projection) {
        Some(p) if p.is_finite() => policy.clamp_score(p),
        _ => f64::NAN,
    }
}

/// The projection in force for a key result as of `d` (its latest check-in's, before the
/// cycle's last day, unless the key result is dropped), clamped to `0..=score_cap`.
pub(crate) fn projection_in_force(
    kr: &KeyResult,
    cycle: Option<&Cycle>,
    d: NaiveDate,
    policy: &Policy,
) -> Option<f64> {
    let p = projection(kr, cycle, d, policy);
    (p.is_finite() && !is_dropped(kr, d) && progress(kr, d).is_finite()).then_some(p)
}

/// Everything about one key result.
pub(crate) fn evaluate_kr(
    kr: &KeyResult,
    cycle: Option<&Cycle>,
    d: NaiveDate,
    policy: &Policy,
) -> Row {
    if is_dropped(kr, d) {
        return Row {
            status: Status::Dropped,
            ..Row::UNDEFINED
        };
    }
    let progress = progress(kr, d);
    let progress = if progress.is_finite() {
        progress
    } else {
        f64::NAN
    };
    let score = if progress.is_finite() {
        policy.clamp_score(progress)
    } else {
        f64::NAN
    };
    let expected = expected(kr, cycle, d);
    let projected = projection(kr, cycle, d, policy);
    let forecast = if !score.is_finite() {
        f64::NAN
    } else if cycle.is_some_and(|c| d >= c.end) {
        // v1.1: from the cycle's last day on, the outcome is known.
        score
    } else if projected.is_finite() {
        projected
    } else {
        match cycle.map(|c| metric_trend(kr, c, d, policy)) {
            Some(f) if f.is_finite() => f,
            _ => score,
        }
    };
    Row {
        progress,
        score,
        expected,
        forecast,
        status: status(score, expected, policy),
    }
}
