//! `okr explain FILE ID`: why an objective or key result has its score (SPEC §9).

use crate::{as_of, load, load_policy, print, ExplainFormat};
use chrono::NaiveDate;
use okr_core::Scorecard;
use std::path::PathBuf;
use std::process::ExitCode;

pub(crate) const AFTER_HELP: &str = "\
Examples:
  okr explain okrs.yaml faster-pipelines            every input, counted or not, its part of
                                                    the score, and what pulls it below expected
  okr explain okrs.yaml pipeline-minutes --as-of 2021-09-01
                                                    a key result's check-ins and arithmetic
  okr explain okrs.yaml faster-pipelines --format json";

pub(crate) fn run(
    file: PathBuf,
    id: &str,
    date: Option<NaiveDate>,
    policy: Option<PathBuf>,
    format: ExplainFormat,
) -> Result<(), ExitCode> {
    let policy = load_policy(policy)?;
    let card = Scorecard::new(load(&file)?, as_of(date), policy);
    let Some(e) = card.explain(id) else {
        let near = card.closest_id(id);
        match near {
            Some(k) => eprintln!(
                "error: no objective or key result `{id}` in `{}`, did you mean `{k}`?",
                file.display()
            ),
            None => eprintln!(
                "error: no objective or key result `{id}` in `{}`",
                file.display()
            ),
        }
        return Err(ExitCode::from(2));
    };
    match format {
        ExplainFormat::Json => print(&format!(
            "{}\n",
            serde_json::to_string_pretty(&e).unwrap_or_default()
        ))?,
        ExplainFormat::Text => print(&e.to_text())?,
    }
    Ok(())
}
