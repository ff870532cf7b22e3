//! `okr check-in` and `okr override`: edits in place (SPEC §9).

use chrono::NaiveDate;
use okr_core::edit::{apply_to_file, Edit, EditError, MilestoneRef};
use okr_core::{CheckIn, Extra, Override, Value};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// `okr check-in --help`, after the options.
pub(crate) const CHECK_IN_HELP: &str = "\
The file is changed in place and nothing else: comments, key order, quoting and layout stay
as they are; the write is atomic, and concurrent edits of one file wait for each other.

Examples:
  okr check-in okrs.yaml pipeline-minutes 24 --confidence 0.7 --note \"cache warmed\"
  okr check-in okrs.yaml report-poc true --date 2021-09-01
  okr check-in okrs.yaml talks --done \"onion architecture talk\"
  okr check-in okrs.toml talks --done 0 --date 2021-08-20";

/// `okr override --help`, after the options.
pub(crate) const OVERRIDE_HELP: &str = "\
The file is changed in place and nothing else (see `okr check-in --help`).

Example:
  okr override okrs.yaml tools-leverage 0.5 --date 2021-10-01 --reason \"vendor delay\"";

/// The arguments of `okr check-in`.
#[derive(clap::Args)]
pub(crate) struct CheckInArgs {
    /// The document (.yaml, .yml, .json or .toml), changed in place.
    file: PathBuf,
    /// The key result's id.
    key_result: String,
    /// The measured value: a number, or `true`/`false` for a binary key result.
    #[arg(allow_negative_numbers = true, required_unless_present = "done")]
    value: Option<String>,
    /// Mark this milestone done instead (its title, or its 0-based index).
    #[arg(long, value_name = "MILESTONE", conflicts_with_all = ["value", "confidence", "note"])]
    done: Option<String>,
    /// The day of the check-in (YYYY-MM-DD); default: today.
    #[arg(long, value_parser = super::parse_date)]
    date: Option<NaiveDate>,
    /// How confident the owner is of reaching the target, from 0 to 1.
    #[arg(long)]
    confidence: Option<f64>,
    /// A comment.
    #[arg(long)]
    note: Option<String>,
}

/// The arguments of `okr override`.
#[derive(clap::Args)]
pub(crate) struct OverrideArgs {
    /// The document (.yaml, .yml, .json or .toml), changed in place.
    file: PathBuf,
    /// The objective's id.
    objective: String,
    /// The score to use from the date on (0 to the score cap, 1 by default).
    #[arg(allow_negative_numbers = true)]
    score: String,
    /// From when the override applies (YYYY-MM-DD); default: today.
    #[arg(long, value_parser = super::parse_date)]
    date: Option<NaiveDate>,
    /// Why the score is set by hand.
    #[arg(long)]
    reason: Option<String>,
}

fn today() -> NaiveDate {
    chrono::Local::now().date_naive()
}

fn fail(message: &str) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::from(2)
}

/// `okr check-in`.
pub(crate) fn check_in(args: CheckInArgs) -> Result<(), ExitCode> {
    let date = args.date.unwrap_or_else(today);
    let (edit, said) = match (&args.done, &args.value) {
        (Some(m), _) => (
            Edit::MilestoneDone {
                key_result: args.key_result.clone(),
                milestone: MilestoneRef::parse(m),
                date,
            },
            format!(
                "marked milestone `{m}` of `{}` done on {date}",
                args.key_result
            ),
        ),
        (None, Some(v)) => {
            let value = match v.as_str() {
                "true" => Value::Bool(true),
                "false" => Value::Bool(false),
                _ => match v.parse::<f64>() {
                    Ok(n) if n.is_finite() => Value::Number(n),
                    _ => {
                        return Err(fail(&format!(
                            "`{v}` is not a value a check-in can take: write a number, or `true` or `false` for a binary key result"
                        )))
                    }
                },
            };
            let check_in = CheckIn {
                date,
                value,
                confidence: args.confidence,
                projection: None,
                note: args.note.clone(),
                extra: Extra::new(),
            };
            (
                Edit::CheckIn {
                    key_result: args.key_result.clone(),
                    check_in,
                },
                format!("checked in `{v}` to `{}` on {date}", args.key_result),
            )
        }
        (None, None) => return Err(fail("give a VALUE, or `--done MILESTONE`")),
    };
    run(&args.file, &edit, &said)
}

/// `okr override`.
pub(crate) fn override_score(args: OverrideArgs) -> Result<(), ExitCode> {
    let score = match args.score.parse::<f64>() {
        Ok(n) if n.is_finite() => n,
        _ => {
            return Err(fail(&format!(
                "`{}` is not a score: write a number such as `0.5`",
                args.score
            )))
        }
    };
    let date = args.date.unwrap_or_else(today);
    let edit = Edit::Override {
        objective: args.objective.clone(),
        r#override: Override {
            score,
            date,
            reason: args.reason.clone(),
            extra: Extra::new(),
        },
    };
    let said = format!(
        "overrode `{}` with `{}` from {date}",
        args.objective, args.score
    );
    run(&args.file, &edit, &said)
}

fn run(file: &Path, edit: &Edit, said: &str) -> Result<(), ExitCode> {
    match apply_to_file(file, edit) {
        Ok(_) => crate::print(&format!("{said} in `{}`\n", file.display())),
        Err(EditError::Load(e)) => Err(super::report_load_error(file, &e)),
        Err(e) => {
            eprintln!("{}: error: {e}", file.display());
            Err(ExitCode::from(2))
        }
    }
}
