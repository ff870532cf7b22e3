//! Reading a policy: a policy file or text of any format, the shipped presets and the
//! settings the bindings pass one by one, into a [`Policy`], every problem located. Rule
//! codes are checked against the rule catalogue of the check stage.

use crate::error::LoadError;
use crate::load::convert::{choice, count, number, Cx, Path, Record};
use crate::load::document::{format_of, parse_tree, read_text, Format};
use crate::load::syntax::{Node, Value as V};
use crate::policy::{Policy, PolicySettings, SeverityLevel};
use std::collections::BTreeMap;
use std::path::Path as FsPath;

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
}

/// The shipped policy presets: (name, YAML text). `sheet`: OKRs kept as a spreadsheet of
/// graded key results (no owners on objectives, no initiatives, no capacity).
pub const PRESETS: &[(&str, &str)] = &[("sheet", include_str!("../../presets/sheet.yaml"))];

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
