//! The policy: every threshold of the specification as a field callers can change.
//!
//! A policy is a document of its own (YAML, JSON or TOML; every field optional). Unknown
//! fields and unknown rule codes are load errors naming the closest valid one.

use crate::error::LoadError;
use crate::load::convert::{choice, count, number, Cx, Path, Record};
use crate::load::document::{format_of, parse_tree, read_text, Format};
use crate::load::syntax::{Node, Value as V};
use crate::model::{Objective, RollupMode};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path as FsPath;

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

const POLICY_KEYS: &[&str] = &[
    "severities",
    "score_cap",
    "on_track",
    "at_risk",
    "default_blend",
    "max_key_results",
    "max_objectives",
    "stale_days",
    "default_rollup",
];

const LEVELS: &[(&str, SeverityLevel)] = &[
    ("error", SeverityLevel::Error),
    ("warning", SeverityLevel::Warning),
    ("info", SeverityLevel::Info),
    ("off", SeverityLevel::Off),
];

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
    /// A policy from settings given one by one, checked as a policy file is: an unknown
    /// rule code or severity, a non-finite number or a negative count is a [`LoadError`]
    /// listing every problem.
    ///
    /// ```
    /// use okr_core::{Policy, PolicySettings};
    /// let mut s = PolicySettings::default();
    /// s.stale_days = Some(21);
    /// assert_eq!(Policy::from_settings(&s)?.stale_days, 21);
    /// s.stale_days = Some(-1);
    /// assert!(Policy::from_settings(&s).is_err());
    /// # Ok::<(), okr_core::LoadError>(())
    /// ```
    pub fn from_settings(settings: &PolicySettings) -> Result<Policy, LoadError> {
        let mut obj = serde_json::Map::new();
        let mut problems = Vec::new();
        if let Some(s) = &settings.severities {
            let map = s
                .iter()
                .map(|(k, v)| (k.clone(), serde_json::Value::String(v.clone())))
                .collect();
            obj.insert("severities".into(), serde_json::Value::Object(map));
        }
        for (key, value) in [
            ("score_cap", settings.score_cap),
            ("on_track", settings.on_track),
            ("at_risk", settings.at_risk),
            ("default_blend", settings.default_blend),
        ] {
            match value.map(serde_json::Number::from_f64) {
                Some(Some(n)) => {
                    obj.insert(key.into(), serde_json::Value::Number(n));
                }
                Some(None) => problems.push(crate::error::Problem {
                    path: key.into(),
                    line: None,
                    column: None,
                    message: format!("`{}` is not a finite number", value.unwrap_or(f64::NAN)),
                }),
                None => {}
            }
        }
        for (key, value) in [
            ("max_key_results", settings.max_key_results),
            ("max_objectives", settings.max_objectives),
            ("stale_days", settings.stale_days),
        ] {
            if let Some(v) = value {
                obj.insert(key.into(), serde_json::Value::from(v));
            }
        }
        if let Some(mode) = &settings.default_rollup {
            obj.insert(
                "default_rollup".into(),
                serde_json::Value::String(mode.clone()),
            );
        }
        let text = serde_json::Value::Object(obj).to_string();
        let mut result = Policy::from_str(&text, Format::Json);
        if !problems.is_empty() {
            let mut all = problems;
            if let Err(e) = result {
                all.extend(e.problems);
            }
            result = Err(LoadError {
                source_name: None,
                problems: all,
            });
        }
        // Positions in the generated text mean nothing to the caller.
        result.map_err(|mut e| {
            for p in &mut e.problems {
                p.line = None;
                p.column = None;
            }
            e
        })
    }

    /// Loads a policy from text, reporting every problem found.
    #[allow(clippy::should_implement_trait)]
    pub fn from_str(text: &str, format: Format) -> Result<Policy, LoadError> {
        Policy::default().with_str(text, format)
    }

    /// This policy with the settings of a policy text over it: each field the text sets
    /// replaces this policy's, each rule code it lists replaces that code's severity, and
    /// the rest stays (how a `--policy` file combines with a `--preset`).
    ///
    /// ```
    /// use okr_core::{Format, Policy};
    /// let sheet = Policy::preset("sheet").unwrap();
    /// let both = sheet.with_str("stale_days: 10\nseverities: {no_owner: info}\n", Format::Yaml)?;
    /// assert_eq!(both.stale_days, 10);
    /// assert_eq!(both.severity_of("no_owner", okr_core::Severity::Warning), Some(okr_core::Severity::Info));
    /// assert_eq!(both.severity_of("side_project", okr_core::Severity::Warning), None);
    /// # Ok::<(), okr_core::LoadError>(())
    /// ```
    pub fn with_str(self, text: &str, format: Format) -> Result<Policy, LoadError> {
        let tree = parse_tree(text, format)?;
        read_policy(&tree, self)
    }

    /// [`Policy::with_str`] with a policy file (the format comes from the extension).
    pub fn with_path(self, path: impl AsRef<FsPath>) -> Result<Policy, LoadError> {
        let path = path.as_ref();
        let format = format_of(path)?;
        let text = read_text(path)?;
        self.with_str(&text, format)
            .map_err(|e| e.with_source(path.display().to_string()))
    }

    /// The shipped preset called `name` (one of [`PRESETS`]), or `None`.
    ///
    /// ```
    /// let sheet = okr_core::Policy::preset("sheet").unwrap();
    /// assert_eq!(sheet.severity_of("no_owner", okr_core::Severity::Warning), None);
    /// assert!(okr_core::Policy::preset("shet").is_none());
    /// ```
    pub fn preset(name: &str) -> Option<Policy> {
        let (_, text) = PRESETS.iter().find(|(n, _)| *n == name)?;
        Policy::from_str(text, Format::Yaml).ok()
    }

    /// Loads a policy from a file; the format comes from the extension.
    pub fn from_path(path: impl AsRef<FsPath>) -> Result<Policy, LoadError> {
        let path = path.as_ref();
        let format = format_of(path)?;
        let text = read_text(path)?;
        Policy::from_str(&text, format).map_err(|e| e.with_source(path.display().to_string()))
    }

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

/// The shipped policy presets: (name, YAML text). `sheet`: OKRs kept as a spreadsheet of
/// graded key results (no owners on objectives, no initiatives, no capacity).
pub const PRESETS: &[(&str, &str)] = &[("sheet", include_str!("../presets/sheet.yaml"))];

fn read_policy(tree: &Node, base: Policy) -> Result<Policy, LoadError> {
    let mut cx = Cx::default();
    let root = Path::Root;
    let mut policy = base;
    if matches!(tree.value, V::Null) {
        return Ok(policy);
    }
    let Some(r) = Record::open(&mut cx, tree, &root, "policy", POLICY_KEYS) else {
        return cx.finish(policy);
    };
    if let Some(sev) = r.opt(&mut cx, &root, "severities", |cx, node, path| {
        let V::Map(entries) = &node.value else {
            cx.report(
                path,
                Some(node.pos),
                format!(
                    "expected a mapping of rule codes to severities, found {}",
                    crate::load::convert::describe(&node.value)
                ),
            );
            return None;
        };
        let mut map = BTreeMap::new();
        for (key, value) in entries {
            let p = path.key(&key.name);
            if crate::check::rule(&key.name).is_none() {
                let codes: Vec<&str> = crate::check::RULES.iter().map(|r| r.code).collect();
                cx.report(
                    &p,
                    Some(key.pos),
                    crate::load::convert::unknown_key_message("rule code", &key.name, &codes),
                );
                continue;
            }
            if let Some(level) = choice(cx, value, &p, "severity", LEVELS) {
                if map.insert(key.name.clone(), level).is_some() {
                    cx.report(
                        &p,
                        Some(key.pos),
                        format!("duplicate rule code `{}`", key.name),
                    );
                }
            }
        }
        Some(map)
    }) {
        policy.severities.extend(sev);
    }
    let ratio = |cx: &mut Cx, node: &Node, path: &Path<'_>| {
        let x = number(cx, node, path)?;
        if !(x.is_finite() && x >= 0.0) {
            cx.report(
                path,
                Some(node.pos),
                format!("expected a finite number ≥ 0, found `{x}`"),
            );
            return None;
        }
        Some(x)
    };
    if let Some(x) = r.opt(&mut cx, &root, "score_cap", ratio) {
        policy.score_cap = x;
    }
    if let Some(x) = r.opt(&mut cx, &root, "on_track", ratio) {
        policy.on_track = x;
    }
    if let Some(x) = r.opt(&mut cx, &root, "at_risk", ratio) {
        policy.at_risk = x;
    }
    if let Some(x) = r.opt(&mut cx, &root, "default_blend", |cx, node, path| {
        let x = number(cx, node, path)?;
        if !(0.0..=1.0).contains(&x) {
            cx.report(
                path,
                Some(node.pos),
                format!("expected a number from 0 to 1, found `{x}`"),
            );
            return None;
        }
        Some(x)
    }) {
        policy.default_blend = x;
    }
    if let Some(x) = r.opt(&mut cx, &root, "max_key_results", count) {
        policy.max_key_results = x;
    }
    if let Some(x) = r.opt(&mut cx, &root, "max_objectives", count) {
        policy.max_objectives = x;
    }
    if let Some(x) = r.opt(&mut cx, &root, "stale_days", count) {
        policy.stale_days = x;
    }
    if let Some(mode) = r.opt(&mut cx, &root, "default_rollup", |cx, node, path| {
        choice(
            cx,
            node,
            path,
            "rollup mode",
            crate::load::document::ROLLUP_MODES,
        )
    }) {
        policy.default_rollup = mode;
    }
    if policy.at_risk > policy.on_track {
        cx.report(
            &root.key("at_risk"),
            r.get("at_risk").map(|n| n.pos),
            format!(
                "`at_risk` ({}) must not exceed `on_track` ({})",
                policy.at_risk, policy.on_track
            ),
        );
    }
    cx.finish(policy)
}
