//! The filters of `score`, `tree`, `check`, `export` and `report` (SPEC §10).

use clap::{Args, ValueEnum};
use okr_core::{Filter, Scorecard, Selection, Status};
use std::process::ExitCode;

/// `--cycle`, `--team`, `--owner`, `--level`, `--status`: what to print (scores are always
/// computed over the whole document). Several filters combine with "and".
#[derive(Args, Clone, Debug, Default)]
pub(crate) struct FilterArgs {
    /// Only this cycle's objectives and those of the cycles within it.
    #[arg(long, value_name = "ID")]
    pub cycle: Option<String>,
    /// Only objectives of this team and the teams below it (and those teams' people).
    #[arg(long, value_name = "ID")]
    pub team: Option<String>,
    /// Only objectives this person owns, alone or shared.
    #[arg(long, value_name = "PERSON")]
    pub owner: Option<String>,
    /// Only objectives at this level.
    #[arg(long, value_name = "NAME")]
    pub level: Option<String>,
    /// Only objectives with this status.
    #[arg(long, value_enum)]
    pub status: Option<StatusArg>,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
#[value(rename_all = "snake_case")]
pub(crate) enum StatusArg {
    OnTrack,
    AtRisk,
    OffTrack,
    Unknown,
}

impl From<StatusArg> for Status {
    fn from(s: StatusArg) -> Self {
        match s {
            StatusArg::OnTrack => Status::OnTrack,
            StatusArg::AtRisk => Status::AtRisk,
            StatusArg::OffTrack => Status::OffTrack,
            StatusArg::Unknown => Status::Unknown,
        }
    }
}

impl FilterArgs {
    pub(crate) fn filter(&self) -> Filter {
        Filter {
            cycle: self.cycle.clone(),
            team: self.team.clone(),
            owner: self.owner.clone(),
            level: self.level.clone(),
            status: self.status.map(Status::from),
        }
    }

    /// The selection in `card`; an unknown id prints an error with the closest id and is
    /// exit 2.
    pub(crate) fn select(&self, card: &Scorecard) -> Result<Selection, ExitCode> {
        let filter = self.filter();
        filter.select(card).map_err(|e| {
            eprintln!("error: {e}");
            ExitCode::from(2)
        })
    }
}
