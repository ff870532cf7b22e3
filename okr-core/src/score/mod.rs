//! Scoring: each key result as of a date ([`key_result`]), the alignment graph with its
//! topological order ([`graph`]), and the rollup of objectives with incremental check-ins
//! ([`rollup`], home of the [`Scorecard`](crate::Scorecard)).

mod exact;
pub(crate) mod graph;
mod key_result;
pub(crate) mod rollup;

pub use key_result::*;
