//! Analysis of cycle outcomes (SPEC §7): long-format tables, one row per entity, as
//! columns ready for a DataFrame.
//!
//! Every table is a struct of column vectors (not a vector of rows), so bindings hand whole
//! columns to pandas or Arrow. [`Table::columns`] lists any table's columns generically, in
//! their documented order, for export.
//!
//! [`Scorecard::tables`] builds every table; [`Scorecard::table`] builds one by name, and a
//! [`TableBuilder`] builds any of them on demand, computing what tables share (the
//! contributions, the validation findings) once and only when a table needs it;
//! [`TableBuilder::with_selection`] keeps the rows a [`crate::Filter`] selects.
//!
//! Conventions for every table: strings are UTF-8; `Option` columns are nullable (null =
//! undefined or absent, never zero); ratios are plain fractions (0.25, not 25 %); dates are
//! calendar dates; list columns hold ids in document order (CSV joins them with `;`).
//!
//! | table | one row per | columns |
//! |---|---|---|
//! | `objectives` | objective | `id`, `title`, `cycle`, `level`, `team`?, `owners` (list), `themes` (list), `score`?, `progress`?, `expected`?, `status`, `forecast`?, `depth`? (alignment steps up to a root: 0 for objectives that align to nothing, else 1 + the deepest parent; null on an alignment cycle), `top_objectives` (list: the top-level objectives it traces to through any link), `unaligned`? (the share of its effort that reaches no top-level objective, see contributions) |
//! | `key_results` | key result | `id`, `objective`, `kind`, `weight`, `unit`?, `value`? (latest check-in value on or before the as-of date; `true`/`false` as 1/0), `progress`?, `score`?, `expected`?, `status`, `forecast`? |
//! | `check_ins` | check-in | `key_result`, `objective`, `date`, `value` (booleans as 1/0), `confidence`?, `note`?, `projection`? (the author's projection of the final score) |
//! | `alignments` | alignment link | `child`, `parent`, `weight`, `contributes` (bool), `resolved` (bool: the parent exists) |
//! | `findings` | validation finding | `code`, `severity`, `subjects` (list), `path`?, `message`, `help`? |
//! | `people` | person and cycle | `person`, `name`?, `team`?, `cycle`, `objectives` (count owned), `shared` (count of those with more than one owner), `mean_score`? (mean score of the scored ones), `effort` (hours: each objective's `effort_hours` split evenly among its owners), `capacity`? (hours) |
//! | `contributions` | objective and top-level objective it reaches | `objective`, `top`, `share` (fraction of the objective's effort that goes to `top`), `influence` (∂ score(top) / ∂ score(objective)) |
//! | `engagement` | cycle and team | `cycle`, `team`, `people`, `people_with_objectives`, `share_people_with_objectives`?, `objectives`, `share_shared`?, `share_with_initiative`?, `share_aligned_to_top`?, `effort` (hours), `capacity` (hours), `effort_vs_capacity`? |
//! | `grades` | objective, and cycle | how the key results are graded, as grading teams read a sheet (SPEC §3a): `cycle`, `objective`? (null on the row of the whole cycle, which counts every key result of the cycle once), `key_results` (count), `scored` (count), `dropped` (count), `mean`? (weighted mean of the scored key results' scores, KR weights; the plain mean when every weight is 1), `share_at_least_0_7`?, `share_sweet_spot`? (0.6 ≤ score ≤ 0.7), `share_below_0_3`? (shares of the scored key results, unweighted), `projected`? (the same weighted mean of their forecasts: projections where graders gave them) |
//! | `distribution` | cycle and level | `cycle`, `level`, `objectives` (count), `scored` (count), `mean`?, `q1`?, `median`?, `q3`?, `share_sweet_spot`? (0.6 ≤ score ≤ 0.7), `share_at_least_0_7`?, `share_below_0_3`?, `aspirational`, `share_aspirational_at_least_1`? (sandbagging), `committed`, `committed_below_1` (count) |
//!
//! Definitions where SPEC §7 leaves room:
//! - Top-level objectives are those at the first level (`company` by default).
//! - `share(o, T)`: each parent `p` of `o` gets w(o,p) / Σ w(o,·) of `o`'s effort
//!   (contributing and supporting links alike; when all of `o`'s link weights are zero, the
//!   parents share equally), multiplied along paths and summed over them; a top-level
//!   objective keeps all of its own effort (share 1 to itself). Links to unknown parents
//!   lead nowhere.
//! - `influence(o, T)`: the chain rule over contributing links. The derivative of a parent
//!   `p`'s score by a scored child `c` is w(c,p) / Σ w over `p`'s scored contributing
//!   children when `p` takes its children's mean (`children` mode, or `auto` without
//!   scored key results), (1 − blend) times that in `blend` mode when `p` has scored key
//!   results too, and 0 when `p` takes only its key results, is `manual`, has an active
//!   override, or is unscored. Clamping is ignored.
//! - Quartiles interpolate linearly between closest ranks (the "type 7" rule of R and
//!   NumPy's default).
//! - `engagement` counts a team's direct members and the objectives whose `team` is the
//!   team; `share_aligned_to_top` counts objectives with a non-zero share to some top-level
//!   objective.

use crate::check::{validate_scored, Finding};
use crate::filter::Selection;
use crate::hash::{HashMap, HashSet};
use crate::model::{Commitment, Document, Objective};
use crate::score::active_override;
use crate::score::graph::{Graph, NONE};
use crate::score::rollup::Scorecard;
use chrono::NaiveDate;
use std::borrow::Borrow;
use std::sync::OnceLock;

/// A borrowed column of any table.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum ColumnRef<'a> {
    /// Strings.
    Str(&'a [String]),
    /// Nullable strings.
    OptStr(&'a [Option<String>]),
    /// Numbers.
    F64(&'a [f64]),
    /// Nullable numbers.
    OptF64(&'a [Option<f64>]),
    /// Counts.
    U64(&'a [u64]),
    /// Nullable counts.
    OptU64(&'a [Option<u64>]),
    /// Booleans.
    Bool(&'a [bool]),
    /// Dates.
    Date(&'a [NaiveDate]),
    /// Lists of ids.
    List(&'a [Vec<String>]),
}

impl ColumnRef<'_> {
    /// Number of rows.
    pub fn len(&self) -> usize {
        match self {
            ColumnRef::Str(v) => v.len(),
            ColumnRef::OptStr(v) => v.len(),
            ColumnRef::F64(v) => v.len(),
            ColumnRef::OptF64(v) => v.len(),
            ColumnRef::U64(v) => v.len(),
            ColumnRef::OptU64(v) => v.len(),
            ColumnRef::Bool(v) => v.len(),
            ColumnRef::Date(v) => v.len(),
            ColumnRef::List(v) => v.len(),
        }
    }

    /// Whether the column has no rows.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// A column type that can be viewed as a [`ColumnRef`].
pub trait AsColumn {
    /// The column, borrowed.
    fn as_column(&self) -> ColumnRef<'_>;
}

macro_rules! as_column {
    ($($t:ty => $v:ident),*) => {$(
        impl AsColumn for Vec<$t> {
            fn as_column(&self) -> ColumnRef<'_> {
                ColumnRef::$v(self)
            }
        }
    )*};
}
as_column!(String => Str, Option<String> => OptStr, f64 => F64, Option<f64> => OptF64,
    u64 => U64, Option<u64> => OptU64, bool => Bool, NaiveDate => Date, Vec<String> => List);

/// Any table: its name and its columns in documented order.
pub trait Table {
    /// The table's name (`objectives`, `key_results`, …).
    fn name(&self) -> &'static str;
    /// The columns, in documented order.
    fn columns(&self) -> Vec<(&'static str, ColumnRef<'_>)>;
    /// Number of rows.
    fn len(&self) -> usize {
        self.columns().first().map_or(0, |(_, c)| c.len())
    }
    /// Whether the table has no rows.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

macro_rules! table {
    ($(#[$doc:meta])* $name:ident = $table:literal { $($(#[$fdoc:meta])* $field:ident : $ty:ty,)* }) => {
        $(#[$doc])*
        #[derive(Clone, Debug, Default, PartialEq)]
        pub struct $name {
            $($(#[$fdoc])* pub $field: Vec<$ty>,)*
        }

        impl Table for $name {
            fn name(&self) -> &'static str {
                $table
            }
            fn columns(&self) -> Vec<(&'static str, ColumnRef<'_>)> {
                vec![$((stringify!($field), self.$field.as_column()),)*]
            }
        }
    };
}

table! {
    /// One row per objective.
    ObjectivesTable = "objectives" {
        /// Objective id.
        id: String,
        /// Title.
        title: String,
        /// Cycle id.
        cycle: String,
        /// Level name.
        level: String,
        /// Team id.
        team: Option<String>,
        /// Owner ids.
        owners: Vec<String>,
        /// Theme ids.
        themes: Vec<String>,
        /// Score (0..=score_cap).
        score: Option<f64>,
        /// Raw progress.
        progress: Option<f64>,
        /// Expected progress.
        expected: Option<f64>,
        /// Status name.
        status: String,
        /// Forecast at cycle end.
        forecast: Option<f64>,
        /// Alignment steps up to a root.
        depth: Option<u64>,
        /// Top-level objectives it traces to.
        top_objectives: Vec<String>,
        /// Share of its effort reaching no top-level objective.
        unaligned: Option<f64>,
    }
}

table! {
    /// One row per key result.
    KeyResultsTable = "key_results" {
        /// Key result id.
        id: String,
        /// Objective id.
        objective: String,
        /// Kind name.
        kind: String,
        /// Weight in the objective's mean.
        weight: f64,
        /// Unit of the values.
        unit: Option<String>,
        /// Latest value on or before the as-of date.
        value: Option<f64>,
        /// Raw progress.
        progress: Option<f64>,
        /// Score.
        score: Option<f64>,
        /// Expected progress.
        expected: Option<f64>,
        /// Status name.
        status: String,
        /// Forecast at cycle end.
        forecast: Option<f64>,
    }
}

table! {
    /// One row per check-in.
    CheckInsTable = "check_ins" {
        /// Key result id.
        key_result: String,
        /// Objective id.
        objective: String,
        /// Date of the check-in.
        date: NaiveDate,
        /// Value (booleans as 1/0).
        value: f64,
        /// Confidence (0..=1).
        confidence: Option<f64>,
        /// Note.
        note: Option<String>,
        /// The author's projection of the final score.
        projection: Option<f64>,
    }
}

table! {
    /// One row per alignment link.
    AlignmentsTable = "alignments" {
        /// Child objective id.
        child: String,
        /// Parent objective id.
        parent: String,
        /// Link weight.
        weight: f64,
        /// Whether the child's progress counts in the parent.
        contributes: bool,
        /// Whether the parent exists.
        resolved: bool,
    }
}

table! {
    /// One row per validation finding.
    FindingsTable = "findings" {
        /// Rule code.
        code: String,
        /// Severity name.
        severity: String,
        /// Ids involved, the subject first.
        subjects: Vec<String>,
        /// Document path.
        path: Option<String>,
        /// Message.
        message: String,
        /// What to do about it.
        help: Option<String>,
    }
}

table! {
    /// One row per person and cycle.
    PeopleTable = "people" {
        /// Person id.
        person: String,
        /// Display name.
        name: Option<String>,
        /// Team id.
        team: Option<String>,
        /// Cycle id.
        cycle: String,
        /// Objectives owned in the cycle.
        objectives: u64,
        /// Of those, objectives with more than one owner.
        shared: u64,
        /// Mean score of the scored objectives owned.
        mean_score: Option<f64>,
        /// Hours of effort (split evenly among owners).
        effort: f64,
        /// Hours available.
        capacity: Option<f64>,
    }
}

table! {
    /// One row per objective and top-level objective it reaches.
    ContributionsTable = "contributions" {
        /// Objective id.
        objective: String,
        /// Top-level objective id.
        top: String,
        /// Fraction of the objective's effort that goes to `top`.
        share: f64,
        /// How much `top`'s score moves per unit of the objective's score.
        influence: f64,
    }
}

table! {
    /// One row per cycle and team.
    EngagementTable = "engagement" {
        /// Cycle id.
        cycle: String,
        /// Team id.
        team: String,
        /// Direct members of the team.
        people: u64,
        /// Members owning at least one objective in the cycle.
        people_with_objectives: u64,
        /// `people_with_objectives` / `people`.
        share_people_with_objectives: Option<f64>,
        /// Objectives of the team in the cycle.
        objectives: u64,
        /// Share of those with more than one owner.
        share_shared: Option<f64>,
        /// Share of those tied to an initiative (themselves or through a key result).
        share_with_initiative: Option<f64>,
        /// Share of those reaching a top-level objective.
        share_aligned_to_top: Option<f64>,
        /// Hours of effort the members committed in the cycle.
        effort: f64,
        /// Hours the members have.
        capacity: f64,
        /// `effort` / `capacity`.
        effort_vs_capacity: Option<f64>,
    }
}

table! {
    /// One row per cycle and level: how scores spread.
    DistributionTable = "distribution" {
        /// Cycle id.
        cycle: String,
        /// Level name.
        level: String,
        /// Objectives of the cycle and level.
        objectives: u64,
        /// Of those, scored.
        scored: u64,
        /// Mean score.
        mean: Option<f64>,
        /// First quartile.
        q1: Option<f64>,
        /// Median.
        median: Option<f64>,
        /// Third quartile.
        q3: Option<f64>,
        /// Share scoring 0.6 to 0.7 (the sweet spot of aspirational OKRs).
        share_sweet_spot: Option<f64>,
        /// Share scoring at least 0.7.
        share_at_least_0_7: Option<f64>,
        /// Share scoring below 0.3.
        share_below_0_3: Option<f64>,
        /// Scored aspirational objectives.
        aspirational: u64,
        /// Share of those scoring 1.0 or more (sandbagging).
        share_aspirational_at_least_1: Option<f64>,
        /// Scored committed objectives.
        committed: u64,
        /// Of those, scoring below 1.0.
        committed_below_1: u64,
    }
}

table! {
    /// One row per objective, then one per cycle: the grades of the key results.
    GradesTable = "grades" {
        /// Cycle id.
        cycle: String,
        /// Objective id; null on the row of the whole cycle.
        objective: Option<String>,
        /// Key results.
        key_results: u64,
        /// Of those, scored (graded).
        scored: u64,
        /// Of those, dropped.
        dropped: u64,
        /// Weighted mean score of the scored ones.
        mean: Option<f64>,
        /// Share of the scored ones at 0.7 or more.
        share_at_least_0_7: Option<f64>,
        /// Share of the scored ones from 0.6 to 0.7.
        share_sweet_spot: Option<f64>,
        /// Share of the scored ones below 0.3.
        share_below_0_3: Option<f64>,
        /// Weighted mean forecast of the scored ones.
        projected: Option<f64>,
    }
}

/// The names of every table, in SPEC order.
pub const TABLE_NAMES: [&str; 10] = [
    "objectives",
    "key_results",
    "check_ins",
    "alignments",
    "findings",
    "people",
    "contributions",
    "engagement",
    "distribution",
    "grades",
];

/// Every table of a scored document.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Tables {
    /// One row per objective.
    pub objectives: ObjectivesTable,
    /// One row per key result.
    pub key_results: KeyResultsTable,
    /// One row per check-in.
    pub check_ins: CheckInsTable,
    /// One row per alignment link.
    pub alignments: AlignmentsTable,
    /// One row per validation finding.
    pub findings: FindingsTable,
    /// One row per person and cycle.
    pub people: PeopleTable,
    /// One row per objective and top-level objective it reaches.
    pub contributions: ContributionsTable,
    /// One row per cycle and team.
    pub engagement: EngagementTable,
    /// One row per cycle and level.
    pub distribution: DistributionTable,
    /// One row per objective, then one per cycle.
    pub grades: GradesTable,
}

impl Tables {
    /// The table with this name.
    pub fn get(&self, name: &str) -> Option<&dyn Table> {
        Some(match name {
            "objectives" => &self.objectives,
            "key_results" => &self.key_results,
            "check_ins" => &self.check_ins,
            "alignments" => &self.alignments,
            "findings" => &self.findings,
            "people" => &self.people,
            "contributions" => &self.contributions,
            "engagement" => &self.engagement,
            "distribution" => &self.distribution,
            "grades" => &self.grades,
            _ => return None,
        })
    }
}

/// One table of any kind, as [`TableBuilder::table`] and [`Scorecard::table`] build it.
#[derive(Clone, Debug, PartialEq)]
pub enum AnyTable {
    /// One row per objective.
    Objectives(ObjectivesTable),
    /// One row per key result.
    KeyResults(KeyResultsTable),
    /// One row per check-in.
    CheckIns(CheckInsTable),
    /// One row per alignment link.
    Alignments(AlignmentsTable),
    /// One row per validation finding.
    Findings(FindingsTable),
    /// One row per person and cycle.
    People(PeopleTable),
    /// One row per objective and top-level objective it reaches.
    Contributions(ContributionsTable),
    /// One row per cycle and team.
    Engagement(EngagementTable),
    /// One row per cycle and level.
    Distribution(DistributionTable),
    /// One row per objective, then one per cycle.
    Grades(GradesTable),
}

impl AnyTable {
    /// The table, as a [`Table`].
    pub fn as_table(&self) -> &dyn Table {
        match self {
            AnyTable::Objectives(t) => t,
            AnyTable::KeyResults(t) => t,
            AnyTable::CheckIns(t) => t,
            AnyTable::Alignments(t) => t,
            AnyTable::Findings(t) => t,
            AnyTable::People(t) => t,
            AnyTable::Contributions(t) => t,
            AnyTable::Engagement(t) => t,
            AnyTable::Distribution(t) => t,
            AnyTable::Grades(t) => t,
        }
    }
}

impl Table for AnyTable {
    fn name(&self) -> &'static str {
        self.as_table().name()
    }
    fn columns(&self) -> Vec<(&'static str, ColumnRef<'_>)> {
        self.as_table().columns()
    }
    fn len(&self) -> usize {
        self.as_table().len()
    }
}

/// Builds the analysis tables of a scorecard one at a time, so that whoever reads one
/// table pays for that table alone. What several tables share is computed once, on first
/// need, and kept: the contributions (share and influence), for `objectives`,
/// `contributions` and `engagement`; and the validation findings ([`validate_scored`]),
/// for `findings` only. Each table equals the same table of [`Scorecard::tables`].
///
/// `C` is how the builder holds the scorecard: `&Scorecard` borrows it; an owning handle
/// such as `Arc<Scorecard>` keeps it alive for as long as the builder (the Python
/// binding's lazy tables hold one).
///
/// ```
/// use okr_core::{AsOf, Document, Format, Policy, Scorecard, Table, TableBuilder};
/// let doc = Document::from_str("version: 1\nobjectives: [{id: o, title: O, cycle: c, level: team, key_results: []}]\n", Format::Yaml)?;
/// let card = Scorecard::new(doc, AsOf::Date(chrono::NaiveDate::from_ymd_opt(2021, 9, 1).unwrap()), Policy::default());
/// let tables = TableBuilder::new(&card);
/// assert_eq!(tables.objectives().id, ["o"]);
/// assert!(!tables.is_validated()); // no table read so far needed the findings
/// assert_eq!(tables.table("findings").map(|t| t.name()), Some("findings"));
/// assert!(tables.is_validated());
/// # Ok::<(), okr_core::LoadError>(())
/// ```
#[derive(Debug)]
pub struct TableBuilder<C> {
    card: C,
    contributions: OnceLock<Contributions>,
    findings: OnceLock<Vec<Finding>>,
    selection: Selection,
}

impl<C: Borrow<Scorecard>> TableBuilder<C> {
    /// A builder over `card`; the findings are computed if a table needs them.
    pub fn new(card: C) -> Self {
        TableBuilder {
            card,
            contributions: OnceLock::new(),
            findings: OnceLock::new(),
            selection: Selection::everything(),
        }
    }

    /// The same builder, its tables keeping only what `selection` holds (SPEC §10; scores,
    /// shares and influence are still computed over the whole document):
    /// - rows of one objective, key result, check-in or link (`objectives`,
    ///   `key_results`, `check_ins`, `contributions`; `alignments` by its child): those
    ///   whose objective or key result is selected;
    /// - `findings`: those [`Selection::finding`] selects, as `okr check` prints them;
    /// - `people`: the rows [`Selection::person_in_cycle`] selects, each row's figures
    ///   still the person's whole cycle (every objective they own, so that effort stays
    ///   comparable with capacity);
    /// - `engagement`, `distribution`, `grades`: the rows of the selected cycles (and
    ///   teams, levels), computed over the selected objectives only.
    ///
    /// ```
    /// use okr_core::{AsOf, Document, Filter, Format, Policy, Scorecard, TableBuilder};
    /// let doc = Document::from_str(r#"
    /// version: 1
    /// cycles: [{id: c, start: 2021-07-01, end: 2021-12-31}]
    /// objectives:
    ///   - {id: a, title: A, cycle: c, level: company, key_results: []}
    ///   - {id: b, title: B, cycle: c, level: team, key_results: []}
    /// "#, Format::Yaml)?;
    /// let date = chrono::NaiveDate::from_ymd_opt(2021, 9, 1).unwrap();
    /// let card = Scorecard::new(doc, AsOf::Date(date), Policy::default());
    /// let sel = Filter { level: Some("team".into()), ..Filter::default() }.select(&card).unwrap();
    /// let tables = TableBuilder::new(&card).with_selection(sel);
    /// assert_eq!(tables.objectives().id, ["b"]);
    /// assert_eq!(tables.distribution().level, ["team"]);
    /// # Ok::<(), okr_core::LoadError>(())
    /// ```
    pub fn with_selection(mut self, selection: Selection) -> Self {
        self.selection = selection;
        self
    }

    /// A builder over `card` whose `findings` table lists `findings` (computed already,
    /// e.g. by [`validate_scored`]).
    pub fn with_findings(card: C, findings: Vec<Finding>) -> Self {
        TableBuilder {
            card,
            contributions: OnceLock::new(),
            findings: OnceLock::from(findings),
            selection: Selection::everything(),
        }
    }

    /// The scorecard the tables are built from.
    pub fn scorecard(&self) -> &Scorecard {
        self.card.borrow()
    }

    /// The validation findings, computed on first call.
    pub fn validation(&self) -> &[Finding] {
        self.findings
            .get_or_init(|| validate_scored(self.scorecard()))
    }

    /// Whether the findings are known (given, or computed for a table that needed them).
    pub fn is_validated(&self) -> bool {
        self.findings.get().is_some()
    }

    fn shares(&self) -> &Contributions {
        self.contributions
            .get_or_init(|| Contributions::compute(self.scorecard()))
    }

    /// The table called `name` (one of [`TABLE_NAMES`]), or `None` for an unknown name.
    pub fn table(&self, name: &str) -> Option<AnyTable> {
        Some(match name {
            "objectives" => AnyTable::Objectives(self.objectives()),
            "key_results" => AnyTable::KeyResults(self.key_results()),
            "check_ins" => AnyTable::CheckIns(self.check_ins()),
            "alignments" => AnyTable::Alignments(self.alignments()),
            "findings" => AnyTable::Findings(self.findings()),
            "people" => AnyTable::People(self.people()),
            "contributions" => AnyTable::Contributions(self.contributions()),
            "engagement" => AnyTable::Engagement(self.engagement()),
            "distribution" => AnyTable::Distribution(self.distribution()),
            "grades" => AnyTable::Grades(self.grades()),
            _ => return None,
        })
    }

    /// Every table, the `findings` table listing `findings`.
    fn all_with(&self, findings: &[Finding]) -> Tables {
        Tables {
            objectives: self.objectives(),
            key_results: self.key_results(),
            check_ins: self.check_ins(),
            alignments: self.alignments(),
            findings: findings_table(findings, &self.selection),
            people: self.people(),
            contributions: self.contributions(),
            engagement: self.engagement(),
            distribution: self.distribution(),
            grades: self.grades(),
        }
    }

    /// Every table.
    pub fn all(&self) -> Tables {
        self.all_with(self.validation())
    }

    /// One row per objective.
    pub fn objectives(&self) -> ObjectivesTable {
        self.scorecard()
            .objectives_table(self.shares(), &self.selection)
    }

    /// One row per key result.
    pub fn key_results(&self) -> KeyResultsTable {
        self.scorecard().key_results_table(&self.selection)
    }

    /// One row per check-in.
    pub fn check_ins(&self) -> CheckInsTable {
        check_ins_table(self.scorecard().document(), &self.selection)
    }

    /// One row per alignment link.
    pub fn alignments(&self) -> AlignmentsTable {
        let card = self.scorecard();
        alignments_table(card.document(), card.graph(), &self.selection)
    }

    /// One row per validation finding (validating on first need).
    pub fn findings(&self) -> FindingsTable {
        findings_table(self.validation(), &self.selection)
    }

    /// One row per person and cycle.
    pub fn people(&self) -> PeopleTable {
        self.scorecard().people_table(&self.selection)
    }

    /// One row per objective and top-level objective it reaches.
    pub fn contributions(&self) -> ContributionsTable {
        self.scorecard()
            .contributions_table(self.shares(), &self.selection)
    }

    /// One row per cycle and team.
    pub fn engagement(&self) -> EngagementTable {
        self.scorecard()
            .engagement_table(self.shares(), &self.selection)
    }

    /// One row per cycle and level.
    pub fn distribution(&self) -> DistributionTable {
        self.scorecard().distribution_table(&self.selection)
    }

    /// One row per objective, then one per cycle: the key results' grades.
    pub fn grades(&self) -> GradesTable {
        self.scorecard().grades_table(&self.selection)
    }
}

/// Contribution of every objective to every top-level objective it reaches.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Contributions {
    /// Per objective (document order): (top-level objective index, share), sorted by index.
    share: Vec<Vec<(u32, f64)>>,
    /// Per objective: (top-level objective index, influence), sorted by index.
    influence: Vec<Vec<(u32, f64)>>,
    /// Per objective: whether it lies on an alignment cycle.
    on_cycle: Vec<bool>,
}

/// Adds `factor × src` into `acc`, both sorted by key.
fn add_scaled(acc: &mut Vec<(u32, f64)>, src: &[(u32, f64)], factor: f64) {
    if factor == 0.0 || src.is_empty() {
        return;
    }
    let mut merged = Vec::with_capacity(acc.len() + src.len());
    let (mut a, mut b) = (acc.iter().peekable(), src.iter().peekable());
    loop {
        match (a.peek(), b.peek()) {
            (Some(&&(ka, va)), Some(&&(kb, vb))) => {
                if ka < kb {
                    merged.push((ka, va));
                    a.next();
                } else if kb < ka {
                    merged.push((kb, factor * vb));
                    b.next();
                } else {
                    merged.push((ka, va + factor * vb));
                    a.next();
                    b.next();
                }
            }
            (Some(&&x), None) => {
                merged.push(x);
                a.next();
            }
            (None, Some(&&(kb, vb))) => {
                merged.push((kb, factor * vb));
                b.next();
            }
            (None, None) => break,
        }
    }
    *acc = merged;
}

impl Contributions {
    /// Computes share and influence for every objective at once: one pass over the
    /// objectives parents-first, merging each parent's sparse list, so the cost is linear in
    /// the number of (objective, top-level objective) pairs reached times the links.
    pub(crate) fn compute(card: &Scorecard) -> Contributions {
        let doc = card.document();
        let graph = card.graph();
        let n = graph.len();
        let top_level = doc.level_names().first().map(|s| s.to_string());
        let is_top = |o: &Objective| top_level.as_deref() == Some(o.level.as_str());
        let mut share: Vec<Vec<(u32, f64)>> = vec![Vec::new(); n];
        let mut influence: Vec<Vec<(u32, f64)>> = vec![Vec::new(); n];
        let factors = child_factors(card);
        let scored = |c: u32| card.objective_row(c).is_some_and(|r| r.is_scored());
        for &i in graph.order.iter().rev() {
            let Some(o) = doc.objectives.get(i as usize) else {
                continue;
            };
            if is_top(o) {
                if let (Some(s), Some(f)) =
                    (share.get_mut(i as usize), influence.get_mut(i as usize))
                {
                    *s = vec![(i, 1.0)];
                    *f = vec![(i, 1.0)];
                }
                continue;
            }
            let parents = graph.parents.of(i);
            let total: f64 = parents.iter().map(|e| e.weight).sum();
            let (mut s_acc, mut i_acc) = (Vec::new(), Vec::new());
            for e in parents {
                let frac = if total > 0.0 {
                    e.weight / total
                } else {
                    1.0 / parents.len() as f64
                };
                add_scaled(
                    &mut s_acc,
                    share.get(e.node as usize).map_or(&[], Vec::as_slice),
                    frac,
                );
                if e.contributes && scored(i) {
                    let dp = factors.get(e.node as usize).copied().unwrap_or(0.0) * e.weight;
                    add_scaled(
                        &mut i_acc,
                        influence.get(e.node as usize).map_or(&[], Vec::as_slice),
                        dp,
                    );
                }
            }
            if let (Some(s), Some(f)) = (share.get_mut(i as usize), influence.get_mut(i as usize)) {
                *s = s_acc;
                *f = i_acc;
            }
        }
        let on_cycle = (0..n as u32).map(|i| graph.on_cycle(i)).collect();
        Contributions {
            share,
            influence,
            on_cycle,
        }
    }

    /// The share of objective `i`'s effort that goes to top-level objective `t` (indices in
    /// document order).
    fn share_of(&self, i: usize) -> &[(u32, f64)] {
        self.share.get(i).map_or(&[], Vec::as_slice)
    }

    fn influence_of(&self, i: usize) -> &[(u32, f64)] {
        self.influence.get(i).map_or(&[], Vec::as_slice)
    }

    /// The share of objective `i`'s effort that reaches no top-level objective (`None` on
    /// an alignment cycle).
    fn unaligned(&self, i: usize) -> Option<f64> {
        if self.on_cycle.get(i).copied().unwrap_or(true) {
            return None;
        }
        let reached: f64 = self.share_of(i).iter().map(|(_, s)| s).sum();
        Some((1.0 - reached).max(0.0))
    }
}

/// Per parent `p`: the factor f such that ∂ score(p) / ∂ score(c) = f × w(c, p) for each
/// scored child `c` on a contributing link, under `p`'s rollup mode, weights and override
/// (0 when `p` does not take its children's mean).
fn child_factors(card: &Scorecard) -> Vec<f64> {
    let doc = card.document();
    let graph = card.graph();
    let scored = |c: u32| card.objective_row(c).is_some_and(|r| r.is_scored());
    doc.objectives
        .iter()
        .enumerate()
        .map(|(p, o)| {
            let p = p as u32;
            if graph.on_cycle(p) || !scored(p) {
                return 0.0;
            }
            let cycle = doc
                .cycles
                .get(graph.cycle_of.get(p as usize).copied().unwrap_or(NONE) as usize);
            if active_override(&o.overrides, card.as_of().for_cycle(cycle)).is_some() {
                return 0.0;
            }
            // (`manual` without an override is unscored, so returned above.)
            let mode_factor = card.counted(p).children;
            let total: f64 = graph
                .children
                .of(p)
                .iter()
                .filter(|e| e.contributes && scored(e.node))
                .map(|e| e.weight)
                .sum();
            if total > 0.0 {
                mode_factor / total
            } else {
                0.0
            }
        })
        .collect()
}

/// Quantile by linear interpolation between closest ranks (type 7) of sorted values.
fn quantile(sorted: &[f64], q: f64) -> Option<f64> {
    let n = sorted.len();
    if n == 0 {
        return None;
    }
    let h = (n - 1) as f64 * q;
    let lo = h.floor() as usize;
    let hi = (lo + 1).min(n - 1);
    let (a, b) = (sorted.get(lo)?, sorted.get(hi)?);
    Some(a + (h - lo as f64) * (b - a))
}

fn ratio(part: u64, whole: u64) -> Option<f64> {
    (whole > 0).then(|| part as f64 / whole as f64)
}

fn tied_to_initiative(o: &Objective) -> bool {
    !o.initiatives.is_empty() || o.key_results.iter().any(|kr| !kr.initiatives.is_empty())
}

fn ids<T: AsRef<str>>(items: &[T]) -> Vec<String> {
    items.iter().map(|x| x.as_ref().to_owned()).collect()
}

impl Scorecard {
    /// Every analysis table of SPEC §7, as of the scorecard's date, with the findings of
    /// [`crate::check`] under its policy.
    pub fn tables(&self) -> Tables {
        let findings = validate_scored(self);
        self.tables_with(&findings)
    }

    /// Every analysis table, with findings already computed.
    pub fn tables_with(&self, findings: &[Finding]) -> Tables {
        TableBuilder::new(self).all_with(findings)
    }

    /// The analysis table called `name` (one of [`TABLE_NAMES`]) alone, or `None` for an
    /// unknown name: only what that table needs is computed (the findings only for
    /// `findings`). To build several, a [`TableBuilder`] shares the work between them.
    pub fn table(&self, name: &str) -> Option<AnyTable> {
        TableBuilder::new(self).table(name)
    }

    fn objectives_table(&self, c: &Contributions, sel: &Selection) -> ObjectivesTable {
        let doc = self.document();
        let graph = self.graph();
        let n = doc.objectives.len();
        // Depth: 1 + the deepest parent, parents first.
        let mut depth: Vec<Option<u64>> = vec![None; n];
        for &i in graph.order.iter().rev() {
            let d = graph
                .parents
                .of(i)
                .iter()
                .filter_map(|e| depth.get(e.node as usize).copied().flatten())
                .max()
                .map_or(0, |m| m + 1);
            if let Some(slot) = depth.get_mut(i as usize) {
                *slot = Some(d);
            }
        }
        let mut t = ObjectivesTable::default();
        for (i, (o, s)) in self.objectives().enumerate() {
            if !sel.objective(o.id.as_str()) {
                continue;
            }
            t.id.push(o.id.0.clone());
            t.title.push(o.title.clone());
            t.cycle.push(o.cycle.0.clone());
            t.level.push(o.level.clone());
            t.team.push(o.team.as_ref().map(|x| x.0.clone()));
            t.owners.push(ids(&o.owners));
            t.themes.push(ids(&o.themes));
            t.score.push(s.score);
            t.progress.push(s.progress);
            t.expected.push(s.expected);
            t.status.push(s.status.as_str().to_owned());
            t.forecast.push(s.forecast);
            t.depth.push(depth.get(i).copied().flatten());
            t.top_objectives.push(
                c.share_of(i)
                    .iter()
                    .filter(|(_, s)| *s > 0.0)
                    .filter_map(|(top, _)| {
                        doc.objectives.get(*top as usize).map(|x| x.id.0.clone())
                    })
                    .collect(),
            );
            t.unaligned.push(c.unaligned(i));
        }
        t
    }

    fn key_results_table(&self, sel: &Selection) -> KeyResultsTable {
        let doc = self.document();
        let graph = self.graph();
        let mut t = KeyResultsTable::default();
        for (i, o) in doc.objectives.iter().enumerate() {
            let cycle = doc
                .cycles
                .get(graph.cycle_of.get(i).copied().unwrap_or(NONE) as usize);
            let d = self.as_of().for_cycle(cycle);
            for (kr, k) in o.key_results.iter().zip(graph.krs_of(i as u32)) {
                if !sel.key_result(kr.id.as_str()) {
                    continue;
                }
                let s = self.kr_scores(k);
                t.id.push(kr.id.0.clone());
                t.objective.push(o.id.0.clone());
                t.kind.push(kr.kind.name().to_owned());
                t.weight.push(kr.weight);
                t.unit.push(kr.kind.unit().map(str::to_owned));
                let latest = kr.check_ins.iter().filter(|c| c.date <= d).fold(
                    None,
                    |best: Option<&crate::model::CheckIn>, c| match best {
                        Some(b) if b.date > c.date => Some(b),
                        _ => Some(c),
                    },
                );
                t.value
                    .push(latest.map(|c| c.value.as_f64()).filter(|v| v.is_finite()));
                t.progress.push(s.progress);
                t.score.push(s.score);
                t.expected.push(s.expected);
                t.status.push(s.status.as_str().to_owned());
                t.forecast.push(s.forecast);
            }
        }
        t
    }

    fn people_table(&self, sel: &Selection) -> PeopleTable {
        let doc = self.document();
        // One pass over the objectives, per (cycle, person): objectives owned, shared,
        // effort, scores, each in document order (the sums as a per-person scan would
        // make them).
        #[derive(Default)]
        struct Acc {
            owned: u64,
            shared: u64,
            effort: f64,
            scores: Vec<f64>,
        }
        let mut acc: HashMap<(&str, &str), Acc> = HashMap::default();
        for (o, s) in self.objectives() {
            for (j, x) in o.owners.iter().enumerate() {
                if o.owners.iter().take(j).any(|y| y == x) {
                    continue; // a person listed twice owns the objective once
                }
                let a = acc.entry((o.cycle.as_str(), x.as_str())).or_default();
                a.owned += 1;
                a.shared += u64::from(o.is_shared());
                if let Some(e) = o.effort_hours.filter(|e| e.is_finite() && *e > 0.0) {
                    a.effort += e / o.owners.len() as f64;
                }
                a.scores.extend(s.score);
            }
        }
        let none = Acc::default();
        let mut t = PeopleTable::default();
        for cycle in &doc.cycles {
            for p in doc
                .people
                .iter()
                .filter(|p| sel.person_in_cycle(p.id.as_str(), cycle.id.as_str()))
            {
                let a = acc
                    .get(&(cycle.id.as_str(), p.id.as_str()))
                    .unwrap_or(&none);
                let scores = &a.scores;
                t.person.push(p.id.0.clone());
                t.name.push(p.name.clone());
                t.team.push(p.team.as_ref().map(|x| x.0.clone()));
                t.cycle.push(cycle.id.0.clone());
                t.objectives.push(a.owned);
                t.shared.push(a.shared);
                t.mean_score.push(
                    (!scores.is_empty()).then(|| scores.iter().sum::<f64>() / scores.len() as f64),
                );
                t.effort.push(a.effort);
                t.capacity.push(p.capacity_hours.filter(|c| c.is_finite()));
            }
        }
        t
    }

    fn contributions_table(&self, c: &Contributions, sel: &Selection) -> ContributionsTable {
        let doc = self.document();
        let mut t = ContributionsTable::default();
        for (i, o) in doc.objectives.iter().enumerate() {
            if !sel.objective(o.id.as_str()) {
                continue;
            }
            let shares = c.share_of(i);
            let infl = c.influence_of(i);
            // Every top reached by share (any link) or influence (contributing links).
            let mut tops: Vec<u32> = shares
                .iter()
                .map(|(k, _)| *k)
                .chain(infl.iter().map(|(k, _)| *k))
                .collect();
            tops.sort_unstable();
            tops.dedup();
            for top in tops {
                let Some(top_o) = doc.objectives.get(top as usize) else {
                    continue;
                };
                let find = |v: &[(u32, f64)]| {
                    v.binary_search_by_key(&top, |(k, _)| *k)
                        .ok()
                        .and_then(|j| v.get(j))
                        .map_or(0.0, |(_, x)| *x)
                };
                t.objective.push(o.id.0.clone());
                t.top.push(top_o.id.0.clone());
                t.share.push(find(shares));
                t.influence.push(find(infl));
            }
        }
        t
    }

    fn engagement_table(&self, c: &Contributions, sel: &Selection) -> EngagementTable {
        let doc = self.document();
        // Everything by hash in one pass over the people and one over the objectives
        // (linear, where a scan of every objective per team would be quadratic); sums
        // accumulate in document order, as such a scan would.
        let mut members: HashMap<&str, Vec<&crate::model::Person>> = HashMap::default();
        let mut teams_of: HashMap<&str, Vec<&str>> = HashMap::default();
        for p in &doc.people {
            if let Some(team) = &p.team {
                members.entry(team.as_str()).or_default().push(p);
                let ts = teams_of.entry(p.id.as_str()).or_default();
                if !ts.contains(&team.as_str()) {
                    ts.push(team.as_str());
                }
            }
        }
        let mut owning: HashSet<(&str, &str)> = HashSet::default();
        let mut effort: HashMap<(&str, &str), f64> = HashMap::default();
        #[derive(Default)]
        struct Counts {
            objectives: u64,
            shared: u64,
            tied: u64,
            aligned: u64,
        }
        let mut counts: HashMap<(&str, &str), Counts> = HashMap::default();
        let mut teams_here: Vec<&str> = Vec::new();
        for (i, o) in doc.objectives.iter().enumerate() {
            if !sel.objective(o.id.as_str()) {
                continue;
            }
            let cycle = o.cycle.as_str();
            for x in &o.owners {
                owning.insert((cycle, x.as_str()));
            }
            if let Some(e) = o.effort_hours.filter(|e| e.is_finite() && *e > 0.0) {
                teams_here.clear();
                for x in &o.owners {
                    for t in teams_of.get(x.as_str()).into_iter().flatten() {
                        if !teams_here.contains(t) {
                            teams_here.push(t);
                        }
                    }
                }
                for team in &teams_here {
                    let mine = o
                        .owners
                        .iter()
                        .filter(|x| teams_of.get(x.as_str()).is_some_and(|ts| ts.contains(team)))
                        .count();
                    *effort.entry((cycle, team)).or_insert(0.0) +=
                        e * mine as f64 / o.owners.len().max(1) as f64;
                }
            }
            if let Some(team) = &o.team {
                let k = counts.entry((cycle, team.as_str())).or_default();
                k.objectives += 1;
                k.shared += u64::from(o.is_shared());
                k.tied += u64::from(tied_to_initiative(o));
                k.aligned += u64::from(c.share_of(i).iter().any(|(_, s)| *s > 0.0));
            }
        }
        let mut t = EngagementTable::default();
        let zero = Counts::default();
        for cycle in doc.cycles.iter().filter(|c| sel.cycle(c.id.as_str())) {
            for team in doc.teams.iter().filter(|t| sel.team(t.id.as_str())) {
                let members = members.get(team.id.as_str()).map_or(&[][..], Vec::as_slice);
                let with_objectives = members
                    .iter()
                    .filter(|p| owning.contains(&(cycle.id.as_str(), p.id.as_str())))
                    .count() as u64;
                let effort = effort
                    .get(&(cycle.id.as_str(), team.id.as_str()))
                    .copied()
                    .unwrap_or(0.0);
                let capacity = members
                    .iter()
                    .filter_map(|p| p.capacity_hours.filter(|c| c.is_finite() && *c >= 0.0))
                    .fold(0.0, |a, b| a + b);
                let k = counts
                    .get(&(cycle.id.as_str(), team.id.as_str()))
                    .unwrap_or(&zero);
                t.cycle.push(cycle.id.0.clone());
                t.team.push(team.id.0.clone());
                t.people.push(members.len() as u64);
                t.people_with_objectives.push(with_objectives);
                t.share_people_with_objectives
                    .push(ratio(with_objectives, members.len() as u64));
                t.objectives.push(k.objectives);
                t.share_shared.push(ratio(k.shared, k.objectives));
                t.share_with_initiative.push(ratio(k.tied, k.objectives));
                t.share_aligned_to_top.push(ratio(k.aligned, k.objectives));
                t.effort.push(effort);
                t.capacity.push(capacity);
                t.effort_vs_capacity
                    .push((capacity > 0.0).then(|| effort / capacity));
            }
        }
        t
    }

    fn grades_table(&self, sel: &Selection) -> GradesTable {
        #[derive(Default)]
        struct G {
            krs: u64,
            dropped: u64,
            scores: Vec<f64>,
            w: f64,
            ws: f64,
            wf: f64,
        }
        impl G {
            fn add(&mut self, w: f64, s: &crate::Scores) {
                self.krs += 1;
                if s.status == crate::Status::Dropped {
                    self.dropped += 1;
                }
                if let Some(x) = s.score {
                    self.scores.push(x);
                    self.w += w;
                    self.ws += w * x;
                    self.wf += w * s.forecast.unwrap_or(x);
                }
            }
            fn push(&self, t: &mut GradesTable, cycle: &str, objective: Option<String>) {
                let n = self.scores.len() as u64;
                let count =
                    |f: &dyn Fn(f64) -> bool| self.scores.iter().filter(|s| f(**s)).count() as u64;
                t.cycle.push(cycle.to_owned());
                t.objective.push(objective);
                t.key_results.push(self.krs);
                t.scored.push(n);
                t.dropped.push(self.dropped);
                t.mean.push((self.w > 0.0).then(|| self.ws / self.w));
                t.share_at_least_0_7.push(ratio(count(&|s| s >= 0.7), n));
                t.share_sweet_spot
                    .push(ratio(count(&|s| (0.6..=0.7).contains(&s)), n));
                t.share_below_0_3.push(ratio(count(&|s| s < 0.3), n));
                t.projected.push((self.w > 0.0).then(|| self.wf / self.w));
            }
        }
        let doc = self.document();
        let mut t = GradesTable::default();
        let mut per_cycle: Vec<(&str, G)> = doc
            .cycles
            .iter()
            .filter(|c| sel.cycle(c.id.as_str()))
            .map(|c| (c.id.as_str(), G::default()))
            .collect();
        let mut krs = self.key_results().peekable();
        for o in &doc.objectives {
            let mut g = G::default();
            let whole = per_cycle.iter().position(|(c, _)| *c == o.cycle.as_str());
            let selected = sel.objective(o.id.as_str());
            while let Some((_, kr, s)) = krs.next_if(|(ko, _, _)| std::ptr::eq(*ko, o)) {
                if !selected {
                    continue; // consumed, not counted
                }
                let w = crate::score::graph::sane_weight(kr.weight);
                g.add(w, &s);
                if let Some((_, c)) = whole.and_then(|j| per_cycle.get_mut(j)) {
                    c.add(w, &s);
                }
            }
            if selected {
                g.push(&mut t, o.cycle.as_str(), Some(o.id.0.clone()));
            }
        }
        for (c, g) in &per_cycle {
            g.push(&mut t, c, None);
        }
        t
    }

    fn distribution_table(&self, sel: &Selection) -> DistributionTable {
        let doc = self.document();
        let mut t = DistributionTable::default();
        for cycle in doc.cycles.iter().filter(|c| sel.cycle(c.id.as_str())) {
            for level in doc.level_names().into_iter().filter(|l| sel.level(l)) {
                let rows: Vec<(&Objective, Option<f64>)> = self
                    .objectives()
                    .filter(|(o, _)| {
                        o.cycle == cycle.id && o.level == level && sel.objective(o.id.as_str())
                    })
                    .map(|(o, s)| (o, s.score))
                    .collect();
                let mut scores: Vec<f64> = rows.iter().filter_map(|(_, s)| *s).collect();
                scores.sort_by(f64::total_cmp);
                let n = scores.len() as u64;
                let count =
                    |f: &dyn Fn(f64) -> bool| scores.iter().filter(|s| f(**s)).count() as u64;
                let aspirational: Vec<f64> = rows
                    .iter()
                    .filter(|(o, _)| o.commitment == Commitment::Aspirational)
                    .filter_map(|(_, s)| *s)
                    .collect();
                let committed: Vec<f64> = rows
                    .iter()
                    .filter(|(o, _)| o.commitment == Commitment::Committed)
                    .filter_map(|(_, s)| *s)
                    .collect();
                t.cycle.push(cycle.id.0.clone());
                t.level.push(level.to_owned());
                t.objectives.push(rows.len() as u64);
                t.scored.push(n);
                t.mean
                    .push((n > 0).then(|| scores.iter().sum::<f64>() / n as f64));
                t.q1.push(quantile(&scores, 0.25));
                t.median.push(quantile(&scores, 0.5));
                t.q3.push(quantile(&scores, 0.75));
                t.share_sweet_spot
                    .push(ratio(count(&|s| (0.6..=0.7).contains(&s)), n));
                t.share_at_least_0_7.push(ratio(count(&|s| s >= 0.7), n));
                t.share_below_0_3.push(ratio(count(&|s| s < 0.3), n));
                t.aspirational.push(aspirational.len() as u64);
                t.share_aspirational_at_least_1.push(ratio(
                    aspirational.iter().filter(|s| **s >= 1.0).count() as u64,
                    aspirational.len() as u64,
                ));
                t.committed.push(committed.len() as u64);
                t.committed_below_1
                    .push(committed.iter().filter(|s| **s < 1.0).count() as u64);
            }
        }
        t
    }
}

fn check_ins_table(doc: &Document, sel: &Selection) -> CheckInsTable {
    let mut t = CheckInsTable::default();
    for (o, kr) in doc
        .key_results()
        .filter(|(_, kr)| sel.key_result(kr.id.as_str()))
    {
        for c in &kr.check_ins {
            t.key_result.push(kr.id.0.clone());
            t.objective.push(o.id.0.clone());
            t.date.push(c.date);
            t.value.push(c.value.as_f64());
            t.confidence.push(c.confidence);
            t.note.push(c.note.clone());
            t.projection.push(c.projection);
        }
    }
    t
}

fn alignments_table(doc: &Document, graph: &Graph, sel: &Selection) -> AlignmentsTable {
    let mut t = AlignmentsTable::default();
    for o in doc
        .objectives
        .iter()
        .filter(|o| sel.objective(o.id.as_str()))
    {
        for l in &o.aligns_to {
            t.child.push(o.id.0.clone());
            t.parent.push(l.objective.0.clone());
            t.weight.push(l.weight);
            t.contributes.push(l.contributes);
            t.resolved
                .push(graph.objective(doc, l.objective.as_str()).is_some());
        }
    }
    t
}

fn findings_table(findings: &[Finding], sel: &Selection) -> FindingsTable {
    let mut t = FindingsTable::default();
    for f in findings.iter().filter(|f| sel.finding(f)) {
        t.code.push(f.code.clone());
        t.severity.push(f.severity.as_str().to_owned());
        t.subjects.push(f.subjects.clone());
        t.path.push(f.path.clone());
        t.message.push(f.message.clone());
        t.help.push(f.help.clone());
    }
    t
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::generate::generate;
    use crate::policy::Policy;
    use crate::score::AsOf;

    /// A selected builder builds the one table asked for, nothing it does not need; with
    /// everything selected its tables are those of `Scorecard::tables`.
    #[test]
    fn a_selected_builder_builds_one_table_and_keeps_the_selected_rows() {
        let as_of = AsOf::Date(NaiveDate::from_ymd_opt(2021, 10, 15).unwrap());
        let card = Scorecard::new(generate(60, 3), as_of, Policy::default());
        let first = card.document().objectives.first().unwrap();
        let filter = crate::Filter {
            owner: first.owners.first().map(|p| p.to_string()),
            level: Some(first.level.clone()),
            ..crate::Filter::default()
        };
        let sel = filter.select(&card).unwrap();
        let b = TableBuilder::new(&card).with_selection(sel.clone());
        let people = b.table("people").unwrap();
        assert_eq!(people.name(), "people");
        assert!(b.contributions.get().is_none() && b.findings.get().is_none());
        assert!(!people.is_empty());
        assert_eq!(AnyTable::People(b.people()), people);
        let objectives = b.objectives();
        assert!(objectives.id.contains(&first.id.0));
        assert!(objectives.id.iter().all(|id| sel.objective(id)));
        let every = TableBuilder::new(&card).with_selection(crate::Selection::everything());
        assert_eq!(every.all(), card.tables());
    }

    /// The contributions are computed for the tables that use them only, and once.
    #[test]
    fn a_builder_computes_what_tables_share_once_and_only_when_needed() {
        let as_of = AsOf::Date(NaiveDate::from_ymd_opt(2021, 10, 15).unwrap());
        let card = Scorecard::new(generate(60, 3), as_of, Policy::default());
        let b = TableBuilder::new(&card);
        for name in [
            "key_results",
            "check_ins",
            "alignments",
            "people",
            "distribution",
        ] {
            b.table(name).unwrap();
        }
        assert!(b.contributions.get().is_none() && b.findings.get().is_none());
        b.objectives();
        let first: *const Contributions = b.contributions.get().unwrap();
        b.engagement();
        b.contributions();
        assert!(std::ptr::eq(first, b.contributions.get().unwrap()));
        assert!(b.findings.get().is_none());
        assert_eq!(
            *b.contributions.get().unwrap(),
            Contributions::compute(&card)
        );
    }
}
