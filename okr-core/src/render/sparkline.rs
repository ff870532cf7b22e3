//! A key result's check-in history as a small inline SVG sparkline, for the report.
//!
//! The line goes through the check-ins dated on or before the as-of date, in date order,
//! in a box of [`WIDTH`] × [`HEIGHT`] pixels with a [`PAD`]-pixel margin:
//! - x: the date, from the first check-in's (left) to the last one's (right);
//! - y: a `metric` key result's progress, (value − start) / (target − start), clamped to
//!   0..=1, so that the start is at the bottom and the target at the top whichever way the
//!   metric goes; any other kind from its lowest value (bottom) to its highest (top), a
//!   flat line in the middle when all values are equal.
//!
//! A key result checked in on fewer than two distinct days has no sparkline (a line needs
//! two dates). The SVG has no script and no external reference; its text is escaped.

use crate::model::{KeyResult, KrKind};
use crate::render::html::escape;
use chrono::NaiveDate;
use std::fmt::Write as _;

/// Width of the sparkline, in pixels.
pub const WIDTH: f64 = 80.0;
/// Height of the sparkline, in pixels.
pub const HEIGHT: f64 = 20.0;
/// Margin inside the box, in pixels.
pub const PAD: f64 = 2.0;

/// The points (x, y) of `kr`'s sparkline as of `d`, in pixels (y downwards), or `None`
/// for fewer than two distinct check-in days on or before `d`.
pub(crate) fn points(kr: &KeyResult, d: NaiveDate) -> Option<Vec<(f64, f64)>> {
    let mut used: Vec<(NaiveDate, f64)> = kr
        .check_ins
        .iter()
        .filter(|c| c.date <= d)
        .map(|c| (c.date, c.value.as_f64()))
        .filter(|(_, v)| v.is_finite())
        .collect();
    used.sort_by_key(|(date, _)| *date); // stable: list order within a day
    let (first, last) = (used.first()?.0, used.last()?.0);
    let span = (last - first).num_days() as f64;
    if span <= 0.0 {
        return None;
    }
    let fraction: Box<dyn Fn(f64) -> f64> = match &kr.kind {
        KrKind::Metric { start, target, .. }
            if target != start && start.is_finite() && target.is_finite() =>
        {
            let (start, target) = (*start, *target);
            Box::new(move |v| ((v - start) / (target - start)).clamp(0.0, 1.0))
        }
        _ => {
            let lo = used.iter().map(|(_, v)| *v).fold(f64::INFINITY, f64::min);
            let hi = used
                .iter()
                .map(|(_, v)| *v)
                .fold(f64::NEG_INFINITY, f64::max);
            Box::new(move |v| if hi > lo { (v - lo) / (hi - lo) } else { 0.5 })
        }
    };
    let (w, h) = (WIDTH - 2.0 * PAD, HEIGHT - 2.0 * PAD);
    Some(
        used.iter()
            .map(|(date, v)| {
                let x = PAD + w * (*date - first).num_days() as f64 / span;
                let y = PAD + h * (1.0 - fraction(*v));
                (x, y)
            })
            .collect(),
    )
}

fn value_text(v: f64) -> String {
    let rounded = (v * 1000.0).round() / 1000.0;
    format!("{rounded}")
}

/// The sparkline of `kr` as of `d` as an inline `<svg>` element, or `None` (see the
/// [module docs](self)).
pub(crate) fn svg(kr: &KeyResult, d: NaiveDate) -> Option<String> {
    let pts = points(kr, d)?;
    let unit = kr.kind.unit().map(|u| format!(" {u}")).unwrap_or_default();
    let mut history: Vec<(NaiveDate, f64)> = kr
        .check_ins
        .iter()
        .filter(|c| c.date <= d && c.value.as_f64().is_finite())
        .map(|c| (c.date, c.value.as_f64()))
        .collect();
    history.sort_by_key(|(date, _)| *date);
    let title: Vec<String> = history
        .iter()
        .map(|(date, v)| format!("{date}: {}{unit}", value_text(*v)))
        .collect();
    let mut out = String::new();
    let _ = write!(
        out,
        "<svg class=\"okr-spark\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{WIDTH:.0}\" \
         height=\"{HEIGHT:.0}\" viewBox=\"0 0 {WIDTH:.0} {HEIGHT:.0}\" role=\"img\" \
         aria-label=\"check-ins of {}\" style=\"vertical-align:middle;margin:0 0.4em\">\
         <title>{}</title><polyline fill=\"none\" stroke=\"#3f6ad8\" stroke-width=\"1.5\" points=\"",
        escape(kr.id.as_str()),
        escape(&title.join(" · "))
    );
    for (k, (x, y)) in pts.iter().enumerate() {
        if k > 0 {
            out.push(' ');
        }
        let _ = write!(out, "{x:.1},{y:.1}");
    }
    out.push_str("\"/>");
    if let Some((x, y)) = pts.last() {
        let _ = write!(
            out,
            "<circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"2\" fill=\"#3f6ad8\"/>"
        );
    }
    out.push_str("</svg>");
    Some(out)
}
