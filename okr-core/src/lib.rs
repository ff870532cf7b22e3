//! # okr-core
//!
//! The OKR cascade engine: an engineering organisation's objectives and key results as an
//! alignment graph, read from JSON, YAML or TOML documents, scored as of any date, rolled
//! up over a multi-parent DAG with weights, and judged against expected progress.
//!
//! ```
//! use okr_core::{AsOf, Document, Format, Policy, Scorecard, Status};
//! use chrono::NaiveDate;
//!
//! let doc = Document::from_str(r#"
//! version: 1
//! cycles: [{id: 2021-H2, start: 2021-07-01, end: 2021-12-31}]
//! objectives:
//!   - {id: tools-leverage, title: Tools leverage, cycle: 2021-H2, level: company,
//!      key_results: []}
//!   - id: faster-pipelines
//!     title: Migrate services to the new pipeline model
//!     cycle: 2021-H2
//!     level: team
//!     aligns_to: [tools-leverage]
//!     key_results:
//!       - id: pipeline-minutes
//!         title: Cut mean pipeline time from 30 to 10 minutes
//!         kind: metric
//!         start: 30
//!         target: 10
//!         check_ins: [{date: 2021-08-15, value: 26}]
//! "#, Format::Yaml)?;
//!
//! let as_of = NaiveDate::from_ymd_opt(2021, 8, 31).unwrap();
//! let card = Scorecard::new(doc, AsOf::Date(as_of), Policy::default());
//! let kr = card.key_result("pipeline-minutes").unwrap();
//! assert_eq!(kr.score, Some(0.2)); // (26 − 30) / (10 − 30)
//! let top = card.objective("tools-leverage").unwrap();
//! assert_eq!(top.score, Some(0.2)); // rolled up from its only child
//! assert_eq!(top.status, Status::AtRisk); // 0.2 / (62 / 184) ≈ 0.59
//! # Ok::<(), okr_core::LoadError>(())
//! ```
//!
//! ## Choices where the specification is silent
//!
//! - Key results: `expected` is computed for every kind but `baseline`, scored or not (an
//!   unscored threshold KR inside its cycle still expects 1). Milestones whose weights sum
//!   to zero are unscored.
//! - Ties: among check-ins (or overrides) of the same date, the later entry in the list is
//!   the latest.
//! - Plan points dated on the cycle's first or last day replace the implicit (start, 0) or
//!   (end, 1) points of the expected-progress curve.
//! - Overrides: the active override sets `score` and `forecast` to the override clamped to
//!   `0..=score_cap`, and `progress` to the override as written.
//! - `manual` mode without an active override: the score is unscored, while progress,
//!   expected and forecast are the means over the inputs `auto` would take (SPEC §5).
//! - Invalid weights (negative or non-finite) count as zero, an invalid `blend` as the
//!   policy's `default_blend`; validation reports them.
//! - Objectives on an alignment cycle are unscored, overrides included.
//! - Status is `unknown` when expected progress is unknown (the objective's cycle does not
//!   exist).
//! - [`AsOf::Today`] scores each closed cycle as of its last day; [`AsOf::Date`] uses the
//!   date for every cycle.
#![cfg_attr(docsrs, feature(doc_auto_cfg))]
#![deny(missing_docs)]

pub mod analysis;
mod check;
mod diff;
pub mod edit;
mod error;
mod explain;
mod export;
mod filter;
mod generate;
mod hash;
pub mod import;
mod load;
mod model;
mod policy;
mod render;
mod save;
mod schema;
mod score;

#[cfg(feature = "arrow")]
pub use export::arrow;
pub use render::{html, report};

pub use analysis::{
    AlignmentsTable, AnyTable, AsColumn, CheckInsTable, ColumnRef, ContributionsTable,
    DistributionTable, EngagementTable, FindingsTable, GradesTable, KeyResultsTable,
    ObjectivesTable, PeopleTable, Table, TableBuilder, Tables, TABLE_NAMES,
};
pub use check::{rule, validate, validate_scored, Finding, Rule, RULES};
pub use diff::{
    diff, AlignmentChange, AlignmentChangeKind, ChangeKind, Diff, DiffSide, EntityChange,
    FindingChanges, KeyResultChange, Snapshot,
};
pub use error::{LoadError, Problem, SaveError, UpdateError};
pub use explain::{
    CheckInUsed, Explanation, Input, InputKind, KeyResultExplanation, ObjectiveExplanation,
    OverrideUsed,
};
pub use export::{to_csv, to_json};
pub use filter::{Filter, FilterError, Selection};
pub use generate::{generate, GENERATED_CYCLE, GENERATED_LEVELS};
pub use load::document::Format;
pub use load::options::LoadOptions;
pub use load::policy::PRESETS;
pub use load::source_map::SourceMap;
pub use load::syntax::has_comments;
pub use model::*;
pub use policy::{Policy, PolicySettings, Severity, SeverityLevel};
pub use render::github::{load_error_to_github, to_github};
pub use render::html::status_colour;
pub use render::sarif::{
    load_error_to_sarif, locate, locate_in_file, to_sarif, Located, LOAD_ERROR,
};
pub use render::tree::TreeRow;
pub use save::atomic::{write_atomic, write_atomic_with};
pub use schema::json_schema;
pub use score::rollup::Scorecard;
pub use score::{AsOf, Scores, Status};

#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
struct ReadmeDoctests;
