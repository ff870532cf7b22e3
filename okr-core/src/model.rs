//! The entities of an OKR cascade (SPEC §1) as plain Rust data.
//!
//! Every entity is a plain struct with public fields, so documents can be built in code as
//! well as loaded. Ids are newtypes over strings ([`ObjectiveId`], [`KeyResultId`], …).
//! Every entity carries an [`Extra`] map of free-form key/values that is preserved unchanged
//! through load → save.

use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

/// The map behind [`Extra`]: keys in their order of appearance.
pub type ExtraMap = serde_json::Map<String, serde_json::Value>;

/// Free-form key/values kept unchanged through load → save (`extra:` on any entity).
///
/// It reads and writes like a [`serde_json::Map`] (it dereferences to one), but an empty
/// one — by far the common case — is a single null pointer: a million-objective
/// organisation has some fifteen million entities, and an inline map would cost 72 bytes
/// each.
///
/// ```
/// use okr_core::Extra;
/// let mut extra = Extra::new();
/// assert!(extra.is_empty());
/// extra.insert("jira".into(), "ENG-42".into());
/// assert_eq!(extra["jira"], "ENG-42");
/// assert_eq!(std::mem::size_of::<Extra>(), std::mem::size_of::<usize>());
/// ```
#[derive(Clone, Default)]
pub struct Extra(Option<Box<ExtraMap>>);

/// The map an empty [`Extra`] dereferences to.
static EMPTY_EXTRA: std::sync::LazyLock<ExtraMap> = std::sync::LazyLock::new(ExtraMap::new);

impl Extra {
    /// An empty map (no allocation).
    pub const fn new() -> Extra {
        Extra(None)
    }

    /// Whether there are no entries (the same as `len() == 0`; spelled out so that it can
    /// serve as `skip_serializing_if`).
    pub fn is_empty(&self) -> bool {
        self.0.as_ref().is_none_or(|m| m.is_empty())
    }

    /// The entries as an owned map.
    pub fn into_map(self) -> ExtraMap {
        self.0.map(|m| *m).unwrap_or_default()
    }
}

impl std::ops::Deref for Extra {
    type Target = ExtraMap;
    fn deref(&self) -> &ExtraMap {
        match &self.0 {
            Some(m) => m,
            None => &EMPTY_EXTRA,
        }
    }
}

impl std::ops::DerefMut for Extra {
    fn deref_mut(&mut self) -> &mut ExtraMap {
        self.0.get_or_insert_with(Box::default)
    }
}

impl From<ExtraMap> for Extra {
    fn from(map: ExtraMap) -> Extra {
        if map.is_empty() {
            Extra(None)
        } else {
            Extra(Some(Box::new(map)))
        }
    }
}

impl From<Extra> for ExtraMap {
    fn from(extra: Extra) -> ExtraMap {
        extra.into_map()
    }
}

impl FromIterator<(String, serde_json::Value)> for Extra {
    fn from_iter<I: IntoIterator<Item = (String, serde_json::Value)>>(iter: I) -> Extra {
        ExtraMap::from_iter(iter).into()
    }
}

impl IntoIterator for Extra {
    type Item = (String, serde_json::Value);
    type IntoIter = <ExtraMap as IntoIterator>::IntoIter;
    fn into_iter(self) -> Self::IntoIter {
        self.into_map().into_iter()
    }
}

impl<'a> IntoIterator for &'a Extra {
    type Item = (&'a String, &'a serde_json::Value);
    type IntoIter = serde_json::map::Iter<'a>;
    fn into_iter(self) -> Self::IntoIter {
        (**self).iter()
    }
}

impl PartialEq for Extra {
    fn eq(&self, other: &Extra) -> bool {
        **self == **other
    }
}

impl fmt::Debug for Extra {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}

thread_local! {
    /// How many [`Extra`] maps are being serialized on this thread
    /// (nested ones count): inside one, numbers are written as they were read.
    static IN_EXTRA: std::cell::Cell<u32> = const { std::cell::Cell::new(0) };
}

/// Serializes free-form `extra` data with `f`, its numbers untouched by `save::numbers::Whole`, however
/// the map is reached (a struct field `extra`, or an entry of a flattened struct, which
/// serde writes as a map).
pub(crate) fn verbatim<R>(f: impl FnOnce() -> R) -> R {
    struct Leave;
    impl Drop for Leave {
        fn drop(&mut self) {
            IN_EXTRA.with(|n| n.set(n.get().saturating_sub(1)));
        }
    }
    IN_EXTRA.with(|n| n.set(n.get().saturating_add(1)));
    let _leave = Leave;
    f()
}

/// Whether an [`Extra`] map is being serialized on this thread (see [`verbatim`]).
pub(crate) fn writing_extra() -> bool {
    IN_EXTRA.with(std::cell::Cell::get) > 0
}

impl Serialize for Extra {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        // Free-form data is written exactly as it was read, numbers included.
        verbatim(|| (**self).serialize(s))
    }
}

impl<'de> Deserialize<'de> for Extra {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Extra, D::Error> {
        ExtraMap::deserialize(d).map(Extra::from)
    }
}

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(
            Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
            JsonSchema,
        )]
        #[serde(transparent)]
        pub struct $name(pub String);

        impl $name {
            /// The id as a string slice.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                Self(s.to_owned())
            }
        }

        impl From<String> for $name {
            fn from(s: String) -> Self {
                Self(s)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl std::borrow::Borrow<str> for $name {
            fn borrow(&self) -> &str {
                &self.0
            }
        }
    };
}

id_type!(
    /// The id of a [`Cycle`], e.g. `2021-H2`.
    CycleId
);
id_type!(
    /// The id of a [`Team`].
    TeamId
);
id_type!(
    /// The id of a [`Person`].
    PersonId
);
id_type!(
    /// The id of a [`Theme`].
    ThemeId
);
id_type!(
    /// The id of an [`Initiative`].
    InitiativeId
);
id_type!(
    /// The id of an [`Objective`] (objectives and key results share one id namespace).
    ObjectiveId
);
id_type!(
    /// The id of a [`KeyResult`] (objectives and key results share one id namespace).
    KeyResultId
);

/// The default levels, top first (SPEC §1).
pub const DEFAULT_LEVELS: [&str; 4] = ["company", "area", "team", "individual"];

fn is_true(b: &bool) -> bool {
    *b
}
fn is_one(w: &f64) -> bool {
    *w == 1.0
}
fn default_one() -> f64 {
    1.0
}
fn default_true() -> bool {
    true
}

/// A whole OKR document: any number of cycles and their objectives (SPEC §2).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Document {
    /// Format version; must be `1`.
    #[schemars(range(min = 1, max = 1))]
    pub version: u32,
    /// The cycles (half-years, quarters) the objectives belong to.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cycles: Vec<Cycle>,
    /// Level names, top first; `None` means the default `company, area, team, individual`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub levels: Option<Vec<String>>,
    /// The teams of the organisation.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub teams: Vec<Team>,
    /// The people of the organisation.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub people: Vec<Person>,
    /// Strategic themes that group company objectives.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub themes: Vec<Theme>,
    /// Key initiatives: the teams' real projects.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub initiatives: Vec<Initiative>,
    /// The objectives, in document order.
    pub objectives: Vec<Objective>,
    /// Free-form key/values.
    #[serde(default, skip_serializing_if = "Extra::is_empty")]
    #[schemars(with = "BTreeMap<String, serde_json::Value>")]
    pub extra: Extra,
}

impl Document {
    /// The level names in force, top first (the document's `levels`, or the default).
    pub fn level_names(&self) -> Vec<&str> {
        match &self.levels {
            Some(levels) => levels.iter().map(String::as_str).collect(),
            None => DEFAULT_LEVELS.to_vec(),
        }
    }

    /// The cycle with this id, if any.
    pub fn cycle(&self, id: &str) -> Option<&Cycle> {
        self.cycles.iter().find(|c| c.id.as_str() == id)
    }

    /// The objective with this id, if any (linear scan; build a [`crate::Scorecard`] for
    /// indexed access).
    pub fn objective(&self, id: &str) -> Option<&Objective> {
        self.objectives.iter().find(|o| o.id.as_str() == id)
    }

    /// Every key result of every objective, in document order, with its objective.
    pub fn key_results(&self) -> impl Iterator<Item = (&Objective, &KeyResult)> {
        self.objectives
            .iter()
            .flat_map(|o| o.key_results.iter().map(move |kr| (o, kr)))
    }
}

/// A goal-setting cycle such as `2021-H2`; `start` and `end` are inclusive.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Cycle {
    /// The cycle's id.
    pub id: CycleId,
    /// First day of the cycle.
    pub start: NaiveDate,
    /// Last day of the cycle (inclusive).
    pub end: NaiveDate,
    /// Display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Free-form key/values.
    #[serde(default, skip_serializing_if = "Extra::is_empty")]
    #[schemars(with = "BTreeMap<String, serde_json::Value>")]
    pub extra: Extra,
}

impl Cycle {
    /// Number of days in the cycle, counting both ends (at least 1 for valid dates).
    pub fn days(&self) -> i64 {
        (self.end - self.start).num_days() + 1
    }
}

/// A team; teams nest through `parent`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Team {
    /// The team's id.
    pub id: TeamId,
    /// Display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The team this one belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<TeamId>,
    /// Free-form key/values.
    #[serde(default, skip_serializing_if = "Extra::is_empty")]
    #[schemars(with = "BTreeMap<String, serde_json::Value>")]
    pub extra: Extra,
}

/// A person who can own objectives.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Person {
    /// The person's id.
    pub id: PersonId,
    /// Display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The team the person belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub team: Option<TeamId>,
    /// Hours per cycle available for OKR work (e.g. bi-weekly learning slots), ≥ 0.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capacity_hours: Option<f64>,
    /// Free-form key/values.
    #[serde(default, skip_serializing_if = "Extra::is_empty")]
    #[schemars(with = "BTreeMap<String, serde_json::Value>")]
    pub extra: Extra,
}

/// A strategic theme grouping company objectives ("cost control").
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Theme {
    /// The theme's id.
    pub id: ThemeId,
    /// The theme's title.
    pub title: String,
    /// Free-form key/values.
    #[serde(default, skip_serializing_if = "Extra::is_empty")]
    #[schemars(with = "BTreeMap<String, serde_json::Value>")]
    pub extra: Extra,
}

/// A key initiative: a team's real project.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Initiative {
    /// The initiative's id.
    pub id: InitiativeId,
    /// The initiative's title.
    pub title: String,
    /// The team that runs it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub team: Option<TeamId>,
    /// Free-form key/values.
    #[serde(default, skip_serializing_if = "Extra::is_empty")]
    #[schemars(with = "BTreeMap<String, serde_json::Value>")]
    pub extra: Extra,
}

/// How an objective's score is computed from its key results and children (SPEC §4).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RollupMode {
    /// Own key results if any is scored, else the children.
    #[default]
    Auto,
    /// Own key results only.
    KeyResults,
    /// Contributing children only.
    Children,
    /// `blend` × own + (1 − `blend`) × children.
    Blend,
    /// Only the active override.
    Manual,
    /// The weighted mean of every scored key result of the objective and of every
    /// objective below it through contributing links, each counted once (SPEC §3a).
    Flat,
}

impl RollupMode {
    /// The snake_case name used in documents.
    pub fn as_str(self) -> &'static str {
        match self {
            RollupMode::Auto => "auto",
            RollupMode::KeyResults => "key_results",
            RollupMode::Children => "children",
            RollupMode::Blend => "blend",
            RollupMode::Manual => "manual",
            RollupMode::Flat => "flat",
        }
    }

    /// Every mode, in the order of the SPEC's table.
    pub const ALL: [RollupMode; 6] = [
        RollupMode::Flat,
        RollupMode::Auto,
        RollupMode::KeyResults,
        RollupMode::Children,
        RollupMode::Blend,
        RollupMode::Manual,
    ];

    /// The mode of a name used in documents (`flat`, `key_results`, …), if any.
    ///
    /// ```
    /// use okr_core::RollupMode;
    /// assert_eq!(RollupMode::from_name("flat"), Some(RollupMode::Flat));
    /// assert_eq!(RollupMode::from_name("mean"), None);
    /// ```
    pub fn from_name(name: &str) -> Option<RollupMode> {
        RollupMode::ALL.into_iter().find(|m| m.as_str() == name)
    }
}

/// Whether an objective is a stretch goal or a promise.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Commitment {
    /// A stretch goal: 0.6–0.7 is a good score.
    #[default]
    Aspirational,
    /// A promise: expected to reach 1.0.
    Committed,
}

impl Commitment {
    fn is_default(&self) -> bool {
        *self == Commitment::Aspirational
    }
}

/// A manual score that wins over the computed one from its date on.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Override {
    /// The score to use.
    pub score: f64,
    /// From when it applies.
    pub date: NaiveDate,
    /// Why the score was set by hand.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Free-form key/values.
    #[serde(default, skip_serializing_if = "Extra::is_empty")]
    #[schemars(with = "BTreeMap<String, serde_json::Value>")]
    pub extra: Extra,
}

/// An alignment link from a child objective to a parent objective.
///
/// In documents it is written either as the bare parent id or as
/// `{objective, weight?, contributes?}`.
#[derive(Clone, Debug, PartialEq)]
pub struct Link {
    /// The parent objective.
    pub objective: ObjectiveId,
    /// The weight of the child in the parent's mean (≥ 0, default 1).
    pub weight: f64,
    /// `false` = "supports": aligned, but the child's progress does not count.
    pub contributes: bool,
    /// Free-form key/values.
    pub extra: Extra,
}

impl Link {
    /// A contributing link of weight 1 to `parent`.
    pub fn to(parent: impl Into<ObjectiveId>) -> Self {
        Link {
            objective: parent.into(),
            weight: 1.0,
            contributes: true,
            extra: Extra::new(),
        }
    }

    fn is_bare(&self) -> bool {
        self.weight == 1.0 && self.contributes && self.extra.is_empty()
    }
}

#[derive(Serialize)]
struct LinkObject<'a> {
    objective: &'a ObjectiveId,
    #[serde(skip_serializing_if = "is_one")]
    weight: &'a f64,
    #[serde(skip_serializing_if = "is_true")]
    contributes: &'a bool,
    #[serde(skip_serializing_if = "Extra::is_empty")]
    extra: &'a Extra,
}

impl Serialize for Link {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if self.is_bare() {
            self.objective.serialize(s)
        } else {
            LinkObject {
                objective: &self.objective,
                weight: &self.weight,
                contributes: &self.contributes,
                extra: &self.extra,
            }
            .serialize(s)
        }
    }
}

/// The object form of a link (deserializing and the JSON Schema).
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct LinkObjectSchema {
    /// The parent objective.
    objective: ObjectiveId,
    /// The weight of the child in the parent's mean (≥ 0, default 1).
    #[serde(default = "default_one")]
    weight: f64,
    /// `false` = "supports": aligned, but the child's progress does not count.
    #[serde(default = "default_true")]
    contributes: bool,
    /// Free-form key/values.
    #[serde(default)]
    extra: BTreeMap<String, serde_json::Value>,
}

#[derive(Deserialize, JsonSchema)]
#[serde(untagged)]
enum LinkSchema {
    /// The parent objective's id (weight 1, contributing).
    Bare(ObjectiveId),
    /// A link with weight and kind.
    Object(LinkObjectSchema),
}

impl<'de> Deserialize<'de> for Link {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(match LinkSchema::deserialize(d)? {
            LinkSchema::Bare(objective) => Link::to(objective),
            LinkSchema::Object(o) => Link {
                objective: o.objective,
                weight: o.weight,
                contributes: o.contributes,
                extra: o.extra.into_iter().collect(),
            },
        })
    }
}

impl JsonSchema for Link {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Link".into()
    }
    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        LinkSchema::json_schema(generator)
    }
}

/// An objective: a goal of one level, owned by people, aligned to objectives above.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Objective {
    /// The objective's id (shares a namespace with key results).
    pub id: ObjectiveId,
    /// What the objective is.
    pub title: String,
    /// The cycle it belongs to.
    pub cycle: CycleId,
    /// Its level name (one of the document's levels).
    pub level: String,
    /// The people who own it; more than one = shared.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub owners: Vec<PersonId>,
    /// The team it belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub team: Option<TeamId>,
    /// Strategic themes it falls under.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub themes: Vec<ThemeId>,
    /// Key initiatives it is tied to.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub initiatives: Vec<InitiativeId>,
    /// Alignment links to parent objectives.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aligns_to: Vec<Link>,
    /// How the score is rolled up; `None` = the policy's `default_rollup` (`auto` by default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rollup: Option<RollupMode>,
    /// The share of own key results in `blend` mode (0..=1; `None` = policy default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub blend: Option<f64>,
    /// Manual scores, each from its date on.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub overrides: Vec<Override>,
    /// Hours the objective is expected to take (split evenly among owners).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub effort_hours: Option<f64>,
    /// Aspirational (default) or committed.
    #[serde(default, skip_serializing_if = "Commitment::is_default")]
    pub commitment: Commitment,
    /// The key results, in order.
    pub key_results: Vec<KeyResult>,
    /// Free-form key/values.
    #[serde(default, skip_serializing_if = "Extra::is_empty")]
    #[schemars(with = "BTreeMap<String, serde_json::Value>")]
    pub extra: Extra,
}

impl Objective {
    /// The rollup mode it names, or `auto` when not set: the mode in force under the
    /// default policy. Under another policy, [`Policy::rollup_mode`](crate::Policy::rollup_mode)
    /// gives the mode in force (the policy's `default_rollup` when not set).
    pub fn rollup_mode(&self) -> RollupMode {
        self.rollup.unwrap_or_default()
    }

    /// Whether more than one person owns the objective.
    pub fn is_shared(&self) -> bool {
        self.owners.len() > 1
    }
}

/// Which side of a threshold is good.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// The value must be ≥ the threshold.
    AtLeast,
    /// The value must be ≤ the threshold.
    AtMost,
}

/// A milestone of a `milestones` key result.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Milestone {
    /// What the milestone is.
    pub title: String,
    /// Its weight (≥ 0, default 1).
    #[serde(default = "default_one", skip_serializing_if = "is_one")]
    pub weight: f64,
    /// When it is due (default: the cycle end).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due: Option<NaiveDate>,
    /// When it was done.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub done: Option<NaiveDate>,
    /// Free-form key/values.
    #[serde(default, skip_serializing_if = "Extra::is_empty")]
    #[schemars(with = "BTreeMap<String, serde_json::Value>")]
    pub extra: Extra,
}

/// The kind of a key result and the fields that kind needs (SPEC §3).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum KrKind {
    /// Move a number from `start` to `target` (either direction).
    Metric {
        /// The value at the start.
        start: f64,
        /// The value to reach (≠ start).
        target: f64,
        /// Unit of the values.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        unit: Option<String>,
    },
    /// Keep a number on one side of a threshold all along.
    Threshold {
        /// The threshold (inclusive).
        threshold: f64,
        /// Which side is good.
        direction: Direction,
        /// Unit of the values.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        unit: Option<String>,
    },
    /// Done or not done.
    Binary,
    /// A list of weighted milestones.
    Milestones {
        /// The milestones.
        milestones: Vec<Milestone>,
    },
    /// Measure a baseline: recorded, never scored.
    Baseline {
        /// Unit of the values.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        unit: Option<String>,
    },
    /// Graded by hand, 0.0–1.0 (SPEC §3a): progress is the latest check-in's value;
    /// unscored until the first grade.
    Graded,
}

impl KrKind {
    /// The unit of the values, for the kinds that have one.
    pub fn unit(&self) -> Option<&str> {
        match self {
            KrKind::Metric { unit, .. }
            | KrKind::Threshold { unit, .. }
            | KrKind::Baseline { unit } => unit.as_deref(),
            KrKind::Binary | KrKind::Milestones { .. } | KrKind::Graded => None,
        }
    }

    /// The snake_case name of the kind.
    pub fn name(&self) -> &'static str {
        match self {
            KrKind::Metric { .. } => "metric",
            KrKind::Threshold { .. } => "threshold",
            KrKind::Binary => "binary",
            KrKind::Milestones { .. } => "milestones",
            KrKind::Baseline { .. } => "baseline",
            KrKind::Graded => "graded",
        }
    }
}

/// A key result: a measurable outcome of an objective.
///
/// (Unknown keys are rejected by the document loader; serde's `deny_unknown_fields` does
/// not combine with the flattened `kind`, so the schema says it with
/// `unevaluatedProperties`.)
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(extend("unevaluatedProperties" = false))]
pub struct KeyResult {
    /// The key result's id (shares a namespace with objectives).
    pub id: KeyResultId,
    /// What is measured.
    pub title: String,
    /// The kind and its fields.
    #[serde(flatten)]
    pub kind: KrKind,
    /// Its weight in the objective's mean (≥ 0, default 1).
    #[serde(default = "default_one", skip_serializing_if = "is_one")]
    pub weight: f64,
    /// People responsible for it, if not the objective's owners.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub owners: Vec<PersonId>,
    /// Key initiatives it is tied to.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub initiatives: Vec<InitiativeId>,
    /// When it is due (binary: default the cycle end).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due: Option<NaiveDate>,
    /// Phased targets (metric, graded): date → value.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub plan: BTreeMap<NaiveDate, f64>,
    /// The date the key result was dropped: from then on it is unscored, out of every
    /// mean, and its status is `dropped` (SPEC §3a).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dropped: Option<NaiveDate>,
    /// Measurements over time.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub check_ins: Vec<CheckIn>,
    /// Free-form key/values.
    #[serde(default, skip_serializing_if = "Extra::is_empty")]
    #[schemars(with = "BTreeMap<String, serde_json::Value>")]
    pub extra: Extra,
}

/// A measured value: a number, or a boolean for `binary` key results.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum Value {
    /// `true` / `false`.
    Bool(bool),
    /// A number.
    Number(f64),
}

impl Value {
    /// The value as a number (`true` = 1, `false` = 0).
    pub fn as_f64(self) -> f64 {
        match self {
            Value::Bool(b) => f64::from(u8::from(b)),
            Value::Number(n) => n,
        }
    }

    /// Truthiness for binary key results: `true` or a non-zero number.
    pub fn is_truthy(self) -> bool {
        match self {
            Value::Bool(b) => b,
            Value::Number(n) => n != 0.0,
        }
    }
}

impl From<f64> for Value {
    fn from(n: f64) -> Self {
        Value::Number(n)
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Self {
        Value::Bool(b)
    }
}

/// One measurement of a key result.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CheckIn {
    /// When it was measured.
    pub date: NaiveDate,
    /// The measured value.
    pub value: Value,
    /// How confident the owner is of reaching the target (0..=1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confidence: Option<f64>,
    /// A comment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Its author's projection of the final score (0..=`score_cap`): the key result's
    /// forecast until the cycle's last day (SPEC §3a).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub projection: Option<f64>,
    /// Free-form key/values.
    #[serde(default, skip_serializing_if = "Extra::is_empty")]
    #[schemars(with = "BTreeMap<String, serde_json::Value>")]
    pub extra: Extra,
}

impl CheckIn {
    /// A check-in with just a date and a value.
    pub fn new(date: NaiveDate, value: impl Into<Value>) -> Self {
        CheckIn {
            date,
            value: value.into(),
            confidence: None,
            note: None,
            projection: None,
            extra: Extra::new(),
        }
    }
}
