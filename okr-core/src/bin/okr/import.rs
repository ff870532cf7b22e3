//! `okr import FORMAT INPUT… [-o OUT]` (SPEC §11): another tool's export as a document,
//! its summary on standard error, then what `okr check` says of it.

use super::{as_of, by_position, check_text, parse_date, report_load_error, write_output};
use chrono::NaiveDate;
use clap::{Args, ValueEnum};
use okr_core::import::{self, ImportOptions, Imported};
use okr_core::{validate, Format, LoadError, Problem, RollupMode, Severity};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// The help's examples.
pub const AFTER_HELP: &str = "\
Examples:
  okr import csv okrs.csv -o okrs.yaml
  okr import csv okrs.csv checkins.csv --map title=\"Objective / KR\" --fiscal-year-start 7
  okr import csv grades.csv --grade \"Mid-Q=2026-05-15\" --grade \"End-Q=2026-06-30\" --cycle 2026-Q2 --rollup flat
  okr import viva-goals export.zip -o okrs.yaml
  okr import gitlab work-items.json -o okrs.yaml

CSV: a header row and one row per objective or key result (`id, type, title, parent, …`),
or one row per key result with columns `objective` and `key_result`. Periods such as
`2026-Q1`, `2026-H2` and `FY26` become cycles; a fiscal year is named by the year it ends
in (`FY26` with `--fiscal-year-start 7` is 2025-07-01..2026-06-30). A second CSV holds
check-ins: `key_result, date, value, confidence, note`. `okr export FILE --sheet` writes
the sheet back.

Grade sheets: each `--grade \"HEADER=DATE\"` makes the column HEADER a grading on DATE (a
cell 0-1 or `70%` is a check-in of a `graded` key result; a blank cell is not graded). A
row with only a title names the objective of the rows below it; a `Summary`, `Total` or
`Average` row is skipped; `projection` is the projection of the row's latest grade;
`dropped`/`status` (`dropped`, `not likely`, a date) drops the key result.

GitLab: the JSON answer of this query (every page, with glab):
  glab api graphql --paginate -F path=GROUP/PROJECT -f query='<the query in the guide>' > work-items.json

The document goes to OUT (format by extension) or, as YAML, to standard output; the summary
and the findings go to standard error. Exit 2 if the input cannot be read, 1 if the
imported document has errors, else 0.";

#[derive(Clone, Copy, ValueEnum)]
pub enum ImportFormat {
    /// A spreadsheet saved as CSV (and optionally a check-ins CSV).
    Csv,
    /// Viva Goals' full data export: the ZIP, or the folder it unpacks to.
    VivaGoals,
    /// The JSON of a GitLab GraphQL `workItems` query.
    Gitlab,
}

/// The rollup modes `--rollup` takes.
#[derive(Clone, Copy, ValueEnum)]
pub enum Rollup {
    /// Own key results if any is scored, else the children.
    Auto,
    /// Own key results only.
    KeyResults,
    /// Contributing children only.
    Children,
    /// Own key results and children, blended.
    Blend,
    /// Only the active override.
    Manual,
    /// Every key result of the objective and of those below it, each once.
    Flat,
}

#[derive(Args)]
pub struct ImportArgs {
    /// What the input is.
    #[arg(value_enum)]
    format: ImportFormat,
    /// The input: a CSV (then optionally a check-ins CSV), a Viva Goals ZIP or folder, a
    /// GitLab JSON file.
    #[arg(required = true, num_args = 1..=2)]
    inputs: Vec<PathBuf>,
    /// Write the document here (.yaml, .yml, .json or .toml; atomically) instead of YAML
    /// on standard output.
    #[arg(long, short)]
    output: Option<PathBuf>,
    /// CSV: read NAME (id, type, title, parent, cycle, …) from the column headed COLUMN.
    #[arg(long = "map", value_name = "NAME=COLUMN")]
    map: Vec<String>,
    /// The month (1-12) fiscal years start in (`FY26` with 7: 2025-07-01..2026-06-30).
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=12))]
    fiscal_year_start: u32,
    /// CSV: the column HEADER holds grades (0-1) given on DATE, such as
    /// `--grade "Mid-Q=2026-05-15"`; repeat for each grading. Reads the sheet as a grade
    /// sheet (section rows, summary row, `projection` and `status` columns).
    #[arg(long = "grade", value_name = "HEADER=DATE")]
    grade: Vec<String>,
    /// CSV: the cycle of objectives that name none, such as `2026-Q2`.
    #[arg(long, value_name = "CYCLE")]
    cycle: Option<String>,
    /// Set `rollup` on every imported objective (`flat`: the plain mean of the key results,
    /// as a grade sheet's summary row).
    #[arg(long, value_enum)]
    rollup: Option<Rollup>,
    /// The date of values without one, and of the check (YYYY-MM-DD); default: today.
    #[arg(long, value_parser = parse_date)]
    as_of: Option<NaiveDate>,
    /// The policy preset of the check that follows the import (as `okr check --preset`);
    /// with `--grade`, default `sheet`: a grade sheet has no owners on objectives, no
    /// initiatives and no capacity, so the default rules would only warn about that.
    #[arg(long, value_parser = clap::builder::PossibleValuesParser::new(super::preset::names()))]
    preset: Option<String>,
}

fn read(path: &Path, options: &ImportOptions) -> Result<String, ExitCode> {
    let fail = |m: String| {
        report_load_error(
            path,
            &LoadError {
                source_name: None,
                problems: vec![Problem {
                    path: String::new(),
                    line: None,
                    column: None,
                    message: m,
                }],
            },
        )
    };
    let size = std::fs::metadata(path)
        .map(|m| m.len())
        .map_err(|e| fail(format!("cannot read the file: {e}")))?;
    if size > options.max_bytes as u64 {
        return Err(fail(format!(
            "the file is {size} bytes, more than the limit of {}",
            options.max_bytes
        )));
    }
    let bytes = std::fs::read(path).map_err(|e| fail(format!("cannot read the file: {e}")))?;
    String::from_utf8(bytes).map_err(|e| {
        fail(format!(
            "not UTF-8 text: invalid byte at offset {}; save the file as UTF-8",
            e.utf8_error().valid_up_to()
        ))
    })
}

pub fn run(args: ImportArgs) -> Result<(), ExitCode> {
    let today = args
        .as_of
        .unwrap_or_else(|| chrono::Local::now().date_naive());
    let mut options = ImportOptions::with_today(today);
    options.fiscal_year_start = args.fiscal_year_start;
    for m in &args.map {
        let Some((name, column)) = m.split_once('=') else {
            eprintln!("error: `--map {m}`: write `--map NAME=COLUMN`, such as `--map title=\"Objective name\"`");
            return Err(ExitCode::from(2));
        };
        options
            .map
            .push((name.trim().to_owned(), column.trim().to_owned()));
    }
    if let Err(e) = options.add_grade_specs(&args.grade) {
        for line in e.lines() {
            eprintln!("error: {line}");
        }
        return Err(ExitCode::from(2));
    }
    options.cycle.clone_from(&args.cycle);
    options.rollup = args.rollup.map(|r| match r {
        Rollup::Auto => RollupMode::Auto,
        Rollup::KeyResults => RollupMode::KeyResults,
        Rollup::Children => RollupMode::Children,
        Rollup::Blend => RollupMode::Blend,
        Rollup::Manual => RollupMode::Manual,
        Rollup::Flat => RollupMode::Flat,
    });
    let first = args.inputs.first().cloned().unwrap_or_default();
    if args.inputs.len() > 1 && !matches!(args.format, ImportFormat::Csv) {
        eprintln!("error: only `okr import csv` takes a second input (the check-ins)");
        return Err(ExitCode::from(2));
    }
    let result: Result<Imported, LoadError> = match args.format {
        ImportFormat::Csv => {
            let main = read(&first, &options)?;
            let check_ins = match args.inputs.get(1) {
                Some(p) => Some(read(p, &options)?),
                None => None,
            };
            import::csv(&main, check_ins.as_deref(), &options).map_err(|e| {
                // Problems of the check-ins file are told at that file.
                if let Some(ci) = args.inputs.get(1) {
                    let (theirs, ours): (Vec<Problem>, Vec<Problem>) = e
                        .problems
                        .into_iter()
                        .partition(|p| p.path.starts_with("check-ins"));
                    if !theirs.is_empty() {
                        let stripped = theirs
                            .into_iter()
                            .map(|mut p| {
                                p.path = p
                                    .path
                                    .trim_start_matches("check-ins")
                                    .trim_start_matches(": ")
                                    .to_owned();
                                p
                            })
                            .collect();
                        let _ = report_load_error(
                            ci,
                            &LoadError {
                                source_name: None,
                                problems: stripped,
                            },
                        );
                    }
                    LoadError {
                        source_name: e.source_name,
                        problems: ours,
                    }
                } else {
                    e
                }
            })
        }
        ImportFormat::VivaGoals => import::viva_goals(&first, &options),
        ImportFormat::Gitlab => {
            let text = read(&first, &options)?;
            import::gitlab(&text, &options)
        }
    };
    let imported = match result {
        Ok(i) => i,
        Err(e) => {
            if e.problems.is_empty() {
                eprintln!("error: could not import `{}`", first.display());
                return Err(ExitCode::from(2));
            }
            return Err(report_load_error(&first, &e));
        }
    };
    let format = args
        .output
        .as_deref()
        .and_then(Format::from_path)
        .unwrap_or(Format::Yaml);
    let text = imported.document.to_text(format).map_err(|e| {
        eprintln!("error: {e}");
        ExitCode::from(2)
    })?;
    write_output(args.output.as_deref(), text.as_bytes())?;
    eprint!("{}", imported.summary);
    let preset = match (&args.preset, args.grade.is_empty()) {
        (Some(p), _) => Some(p.clone()),
        (None, false) => {
            eprintln!(
                "note: checked with the `sheet` preset, as a grade sheet has no owners on objectives, no initiatives and no capacity (`okr check FILE --preset sheet` does the same; `--preset` here chooses another)"
            );
            Some("sheet".to_owned())
        }
        (None, true) => None,
    };
    let policy = super::preset::policy(preset.as_deref(), None)?;
    let findings = validate(&imported.document, as_of(args.as_of), &policy);
    let label = args
        .output
        .clone()
        .unwrap_or_else(|| PathBuf::from("<stdout>"));
    let located = match args.output.as_deref() {
        Some(p) => by_position(p, &findings),
        None => findings.iter().map(|f| (None, f)).collect(),
    };
    eprint!("{}", check_text(&label, &located, false));
    if findings.iter().any(|f| f.severity == Severity::Error) {
        return Err(ExitCode::from(1));
    }
    Ok(())
}
