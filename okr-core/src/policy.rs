//! The policy: every threshold of the specification as a field callers can change.
//!
//! A policy is a document of its own (YAML, JSON or TOML; every field optional). Unknown
//! fields and unknown rule codes are load errors naming the closest valid one.

use crate::model::{Objective, RollupMode};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// How serious a finding is.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Must be fixed: `okr check` exits with status 1.
    Error,
    /// Should be looked at.
    Warning,
    /// For information.
    Info,
}

impl Severity {
    /// The lowercase name.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

/// A per-code severity setting in a policy: a severity, or `off`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SeverityLevel {
    /// Report as an error.
    Error,
    /// Report as a warning.
    Warning,
    /// Report as information.
    Info,
    /// Do not report.
    Off,
}

impl SeverityLevel {
    /// The severity to report with, or `None` for `off`.
    pub fn severity(self) -> Option<Severity> {
        match self {
            SeverityLevel::Error => Some(Severity::Error),
            SeverityLevel::Warning => Some(Severity::Warning),
            SeverityLevel::Info => Some(Severity::Info),
            SeverityLevel::Off => None,
        }
    }
}

/// Every threshold of the specification, with its default (SPEC §6).
///
/// ```
/// let policy = okr_core::Policy::from_str("stale_days: 21\nseverities: {no_owner: off}\n",
///     okr_core::Format::Yaml)?;
/// assert_eq!(policy.stale_days, 21);
/// assert_eq!(policy.on_track, 0.7);
/// # Ok::<(), okr_core::LoadError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Policy {
    /// Severity per rule code (`error`, `warning`, `info` or `off`); codes not listed keep
    /// their default severity.
    pub severities: BTreeMap<String, SeverityLevel>,
    /// Upper bound of a score (1.0).
    pub score_cap: f64,
    /// Ratio score / expected from which a result is `on_track` (0.7).
    pub on_track: f64,
    /// Ratio score / expected from which a result is `at_risk` (0.4); below: `off_track`.
    pub at_risk: f64,
    /// The share of own key results in `blend` mode when an objective sets none (0.5).
    pub default_blend: f64,
    /// Most key results on one objective before a finding (5).
    pub max_key_results: u32,
    /// Most objectives one owner holds in a cycle before a finding (5).
    pub max_objectives: u32,
    /// Days without a check-in after which a key result is stale (14).
    pub stale_days: u32,
    /// The rollup mode of every objective that names none (`auto`).
    pub default_rollup: RollupMode,
}

/// The share of own key results in `blend` mode when neither the objective nor the policy
/// gives a valid one.
pub(crate) const DEFAULT_BLEND: f64 = 0.5;

impl Default for Policy {
    fn default() -> Self {
        Policy {
            severities: BTreeMap::new(),
            score_cap: 1.0,
            on_track: 0.7,
            at_risk: 0.4,
            default_blend: DEFAULT_BLEND,
            max_key_results: 5,
            max_objectives: 5,
            stale_days: 14,
            default_rollup: RollupMode::Auto,
        }
    }
}

/// Policy settings given one by one (by the Python and JavaScript bindings' keyword
/// arguments); `None` keeps the default. [`Policy::from_settings`] checks them exactly as
/// a policy file is checked.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PolicySettings {
    /// Severity names (`error`, `warning`, `info`, `off`) per rule code.
    pub severities: Option<BTreeMap<String, String>>,
    /// See [`Policy::score_cap`].
    pub score_cap: Option<f64>,
    /// See [`Policy::on_track`].
    pub on_track: Option<f64>,
    /// See [`Policy::at_risk`].
    pub at_risk: Option<f64>,
    /// See [`Policy::default_blend`].
    pub default_blend: Option<f64>,
    /// See [`Policy::max_key_results`] (any integer: out-of-range values are reported).
    pub max_key_results: Option<i64>,
    /// See [`Policy::max_objectives`].
    pub max_objectives: Option<i64>,
    /// See [`Policy::stale_days`].
    pub stale_days: Option<i64>,
    /// See [`Policy::default_rollup`]: a mode's name (`auto`, `key_results`, `children`,
    /// `blend`, `manual`).
    pub default_rollup: Option<String>,
}

impl Policy {
    /// The severity a code is reported with under this policy (`None`: switched off).
    pub fn severity_of(&self, code: &str, default: Severity) -> Option<Severity> {
        match self.severities.get(code) {
            Some(level) => level.severity(),
            None => Some(default),
        }
    }

    /// The rollup mode in force for an objective: its own `rollup`, else
    /// [`Policy::default_rollup`].
    ///
    /// ```
    /// use okr_core::{Policy, RollupMode};
    /// let mut policy = Policy::default();
    /// policy.default_rollup = RollupMode::Blend;
    /// let doc = okr_core::Document::from_str(
    ///     "version: 1\nobjectives:\n  - {id: o, title: O, cycle: c, level: team, key_results: []}\n",
    ///     okr_core::Format::Yaml,
    /// )?;
    /// assert_eq!(policy.rollup_mode(&doc.objectives[0]), RollupMode::Blend);
    /// # Ok::<(), okr_core::LoadError>(())
    /// ```
    pub fn rollup_mode(&self, objective: &Objective) -> RollupMode {
        objective.rollup.unwrap_or(self.default_rollup)
    }

    /// The blend factor in force for an objective: its own `blend` when from 0 to 1, else
    /// [`Policy::default_blend`] when from 0 to 1, else 0.5 (the default policy's).
    pub fn blend_of(&self, objective: &Objective) -> f64 {
        let valid = |b: &f64| (0.0..=1.0).contains(b);
        objective
            .blend
            .filter(valid)
            .or(Some(self.default_blend).filter(valid))
            .unwrap_or(DEFAULT_BLEND)
    }

    /// `x` clamped to `0..=score_cap` (a non-finite or negative cap counts as 1.0).
    pub fn clamp_score(&self, x: f64) -> f64 {
        let cap = if self.score_cap.is_finite() && self.score_cap >= 0.0 {
            self.score_cap
        } else {
            1.0
        };
        if x < 0.0 {
            0.0
        } else if x > cap {
            cap
        } else {
            x
        }
    }
}
