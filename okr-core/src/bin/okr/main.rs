//! `okr`: score, inspect and lint OKR documents (SPEC §8).
//!
//! Exit status: 0 done; 1 `check` found errors; 2 the input could not be loaded or the
//! command line is wrong.

use chrono::NaiveDate;
use clap::{Parser, Subcommand, ValueEnum};
use okr_core::{validate, AsOf, Document, Finding, LoadError, Policy, Scorecard, Scores, Severity};
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

mod ci;
mod diff;
mod edit;
mod explain;
mod filter;
mod import;
use filter::FilterArgs;
mod as_of;
mod output;
use output::{print, write_output};
mod preset;

#[derive(Parser)]
#[command(
    name = "okr",
    version,
    about = "Score, inspect and lint OKR cascade documents"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Score every key result and objective.
    #[command(after_help = SCORE_HELP)]
    Score {
        /// The document (.yaml, .yml, .json or .toml).
        file: PathBuf,
        /// Score as of this date (YYYY-MM-DD); default: today, or a closed cycle's end.
        #[arg(long, value_parser = parse_date)]
        as_of: Option<NaiveDate>,
        /// A policy file (.yaml, .yml, .json or .toml) with thresholds.
        #[arg(long)]
        policy: Option<PathBuf>,
        #[command(flatten)]
        filter: FilterArgs,
        /// Output format.
        #[arg(long, value_enum, default_value_t = ScoreFormat::Table)]
        format: ScoreFormat,
    },
    /// Check the document against the validation rules (exit 1 if any error is found).
    #[command(after_help = CHECK_HELP)]
    Check {
        /// The document (.yaml, .yml, .json or .toml).
        file: PathBuf,
        #[command(flatten)]
        filter: FilterArgs,
        /// Check as of this date (YYYY-MM-DD); default: today, or a closed cycle's end.
        #[arg(long, value_parser = parse_date)]
        as_of: Option<NaiveDate>,
        /// A policy file (.yaml, .yml, .json or .toml) with thresholds and severities.
        #[arg(long)]
        policy: Option<PathBuf>,
        /// A shipped policy preset: `sheet` for a spreadsheet of graded key results (no
        /// owners on objectives, no initiatives, no capacity). A `--policy` file given too
        /// overrides the preset, setting by setting.
        #[arg(long, value_parser = clap::builder::PossibleValuesParser::new(preset::names()))]
        preset: Option<String>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = CheckFormat::Text)]
        format: CheckFormat,
    },
    /// Print the cascade as an indented tree with scores and status.
    #[command(after_help = TREE_HELP)]
    Tree {
        /// The document (.yaml, .yml, .json or .toml).
        file: PathBuf,
        /// Score as of this date (YYYY-MM-DD); default: today, or a closed cycle's end.
        #[arg(long, value_parser = parse_date)]
        as_of: Option<NaiveDate>,
        /// A policy file (.yaml, .yml, .json or .toml) with thresholds.
        #[arg(long)]
        policy: Option<PathBuf>,
        #[command(flatten)]
        filter: FilterArgs,
    },
    /// What changed between two versions of a document, or one document at two dates.
    #[command(after_help = diff::AFTER_HELP)]
    Diff {
        /// The older version: a path, or `REV:PATH` (read with `git show`).
        old: String,
        /// The newer version: a path, or `REV:PATH` (omit with `--since`).
        new: Option<String>,
        /// Compare OLD as of this date with OLD as of `--as-of` (YYYY-MM-DD).
        #[arg(long, value_parser = parse_date)]
        since: Option<NaiveDate>,
        /// Score as of this date (YYYY-MM-DD); default: today, or a closed cycle's end.
        #[arg(long, value_parser = parse_date)]
        as_of: Option<NaiveDate>,
        /// A policy file for the scores and the findings.
        #[arg(long)]
        policy: Option<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = ExplainFormat::Text)]
        format: ExplainFormat,
    },
    /// Why an objective or key result has its score.
    #[command(after_help = explain::AFTER_HELP)]
    Explain {
        /// The document (.yaml, .yml, .json or .toml).
        file: PathBuf,
        /// The objective or key result.
        id: String,
        /// Score as of this date (YYYY-MM-DD); default: today, or a closed cycle's end.
        #[arg(long, value_parser = parse_date)]
        as_of: Option<NaiveDate>,
        /// A policy file for the scores and the status bands.
        #[arg(long)]
        policy: Option<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = ExplainFormat::Text)]
        format: ExplainFormat,
    },
    /// Print one analysis table (contributions, people, grades, …) as CSV or JSON.
    #[command(after_help = EXPORT_HELP)]
    Export {
        /// The document (.yaml, .yml, .json or .toml).
        file: PathBuf,
        /// The table.
        #[arg(long, value_parser = clap::builder::PossibleValuesParser::new(okr_core::TABLE_NAMES), required_unless_present = "sheet")]
        table: Option<String>,
        /// Instead of a table, the document as the sheet `okr import csv` reads (CSV), to
        /// edit in a spreadsheet and import again.
        #[arg(long, conflicts_with_all = ["table", "format", "cycle", "team", "owner", "level", "status"])]
        sheet: bool,
        #[command(flatten)]
        filter: FilterArgs,
        /// Score as of this date (YYYY-MM-DD); default: today, or a closed cycle's end.
        #[arg(long, value_parser = parse_date)]
        as_of: Option<NaiveDate>,
        /// A policy file for the scores and the findings table.
        #[arg(long)]
        policy: Option<PathBuf>,
        /// A shipped policy preset: `sheet` for a spreadsheet of graded key results (no
        /// owners on objectives, no initiatives, no capacity). A `--policy` file given too
        /// overrides the preset, setting by setting.
        #[arg(long, value_parser = clap::builder::PossibleValuesParser::new(preset::names()))]
        preset: Option<String>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = ExportFormat::Csv)]
        format: ExportFormat,
        /// Write to this file instead of standard output (atomically).
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
    /// Write a self-contained HTML report (cascade, findings, score distribution,
    /// engagement per team, people) to send around.
    #[command(after_help = REPORT_HELP)]
    Report {
        /// The document (.yaml, .yml, .json or .toml).
        file: PathBuf,
        /// Score as of this date (YYYY-MM-DD); default: today, or a closed cycle's end.
        #[arg(long, value_parser = parse_date)]
        as_of: Option<NaiveDate>,
        /// A policy file for the scores and the findings.
        #[arg(long)]
        policy: Option<PathBuf>,
        /// A shipped policy preset: `sheet` for a spreadsheet of graded key results (no
        /// owners on objectives, no initiatives, no capacity). A `--policy` file given too
        /// overrides the preset, setting by setting.
        #[arg(long, value_parser = clap::builder::PossibleValuesParser::new(preset::names()))]
        preset: Option<String>,
        #[command(flatten)]
        filter: FilterArgs,
        /// The report's title (default: the file's name).
        #[arg(long)]
        title: Option<String>,
        /// Write to this file instead of standard output (atomically).
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
    /// Print the JSON Schema of documents.
    Schema,
    /// Generate a realistic organisation of N objectives (deterministic for N and the seed),
    /// for benchmarks and demos.
    Generate {
        /// Number of objectives.
        #[arg(long)]
        objectives: usize,
        /// Seed of the pseudo-random choices.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Output format (default: from the output's extension, else YAML).
        #[arg(long, value_enum)]
        format: Option<DocFormat>,
        /// Write to this file instead of standard output (atomically).
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
    /// Turn another tool's export (a CSV sheet, Viva Goals, GitLab OKRs) into a document,
    /// then check it.
    #[command(after_help = import::AFTER_HELP)]
    Import(import::ImportArgs),
    /// Append a check-in to a key result, or mark one of its milestones done, in place.
    #[command(name = "check-in", after_help = edit::CHECK_IN_HELP)]
    CheckIn(edit::CheckInArgs),
    /// Append an override (a score set by hand) to an objective, in place.
    #[command(after_help = edit::OVERRIDE_HELP)]
    Override(edit::OverrideArgs),
    /// Write a document in another format (by the output's extension): every value is kept,
    /// comments are not.
    #[command(after_help = output::CONVERT_HELP)]
    Convert {
        /// The document to read (.yaml, .yml, .json or .toml).
        file: PathBuf,
        /// Where to write it (.yaml, .yml, .json or .toml); written atomically.
        #[arg(long, short)]
        output: PathBuf,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum ExportFormat {
    Csv,
    Json,
    /// Arrow IPC file (needs a build with the `arrow` feature).
    Arrow,
    /// Parquet file (needs a build with the `arrow` feature).
    Parquet,
}

#[derive(Clone, Copy, ValueEnum)]
enum DocFormat {
    Json,
    Yaml,
    Toml,
}

impl From<DocFormat> for okr_core::Format {
    fn from(f: DocFormat) -> Self {
        match f {
            DocFormat::Json => okr_core::Format::Json,
            DocFormat::Yaml => okr_core::Format::Yaml,
            DocFormat::Toml => okr_core::Format::Toml,
        }
    }
}

#[derive(Clone, Copy, ValueEnum)]
enum CheckFormat {
    /// Compiler-style lines, `file:line:col: severity[code]: message`.
    Text,
    /// `{"as_of", "cycles", "findings": [...]}`.
    Json,
    /// A SARIF 2.1.0 log, for GitHub code scanning and other dashboards.
    Sarif,
    /// GitHub Actions workflow commands: an annotation per finding in pull requests.
    Github,
}

const CHECK_HELP: &str = "\
Formats: text (default), json, sarif (SARIF 2.1.0; load errors become results of rule
`load_error`, exit status 2) and github (`::warning file=…,line=…,col=…,title=code::message`
workflow commands, load errors included). Paths in sarif and github output are relative
to the working directory when the file lies below it.

Exit status: 0 no finding of severity error; 1 some finding is an error; 2 the document or
the policy could not be loaded, or the command line is wrong.

Examples:
  okr check okrs/2021-h2.yaml --policy okrs/policy.yaml
  okr check okrs/2021-h2.yaml --format sarif > okr.sarif
  okr check okrs/2021-h2.yaml --format github
  okr check okrs.yaml --team checkout-cluster   findings about my team's objectives,
                                                their key results and my team's people

A finding is printed when its first subject is selected: a person for the people rules,
an objective or one of its key results otherwise.";

#[derive(Clone, Copy, ValueEnum)]
enum ExplainFormat {
    Text,
    Json,
}

const SCORE_HELP: &str = "\
Examples:
  okr score okrs.yaml --team checkout-cluster         my team and the teams below it
  okr score okrs.yaml --status at_risk --format json  what needs attention
  okr score okrs.yaml --owner ana --cycle 2021-H2

Filters (--cycle, --team, --owner, --level, --status) choose what is printed; scores are
always computed over the whole document. Several filters combine with \"and\".";

const TREE_HELP: &str = "\
Examples:
  okr tree okrs.yaml --cycle 2021-Q3       that cycle and the cycles within it
  okr tree okrs.yaml --team back-office    a team's objectives, each under its selected parent

A child whose parent's rollup mode does not count it is marked, e.g.
`(not counted: key_results mode)`; `okr explain FILE ID` says more.

Filters (--cycle, --team, --owner, --level, --status) choose what is printed; scores are
always computed over the whole document. Several filters combine with \"and\".";

const EXPORT_HELP: &str = "\
Examples:
  okr export okrs.yaml --table people --cycle 2021-Q3 > people.csv
  okr export okrs.yaml --table objectives --team checkout-cluster --format json
  okr export okrs.yaml --sheet -o okrs.csv    the document as a sheet for a spreadsheet

Only the table asked for is built. Filters (--cycle, --team, --owner, --level, --status)
choose the rows; scores are always computed over the whole document, and several filters
combine with \"and\":
  objectives, key_results, check_ins, contributions, alignments (by the child)
      the rows of the selected objectives and their key results;
  findings
      those `okr check` prints with the same filters (the first subject is selected);
  people
      the selected cycles' rows of the people owning a selected objective in that cycle,
      or chosen by --team (members of the selected teams) or --owner; each row's figures
      are the person's whole cycle, so that effort stays comparable with capacity;
  engagement, distribution, grades
      the rows of the selected cycles (teams, level), computed over the selected
      objectives only.";

const REPORT_HELP: &str = "\
Examples:
  okr report okrs.yaml -o report.html
  okr report okrs.yaml --cycle 2021-Q3 --team checkout-cluster -o q3-checkout.html

The page is one self-contained HTML file (no script, nothing loaded from the network):
the cascade with each objective's team and owners (names and teams) and each key
result's check-ins as a sparkline, the findings, the score distribution, key-result
grades, engagement per team, and a people section (objectives owned, shared ones,
effort against capacity, side projects).

Filters (--cycle, --team, --owner, --level, --status) choose what the report shows, as
for `okr export` (see `okr export --help`); scores are always computed over the whole
document. Several filters combine with \"and\".";

#[derive(Clone, Copy, ValueEnum)]
enum ScoreFormat {
    Table,
    Json,
}

fn parse_date(s: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|_| format!("expected a date `YYYY-MM-DD`, found `{s}`"))
}

fn as_of(date: Option<NaiveDate>) -> AsOf {
    match date {
        Some(d) => AsOf::Date(d),
        None => AsOf::Today(chrono::Local::now().date_naive()),
    }
}

/// Prints every load problem compiler-style and returns exit status 2.
fn report_load_error(file: &Path, err: &LoadError) -> ExitCode {
    let name = file.display();
    for p in &err.problems {
        let at = match (p.line, p.column) {
            (Some(l), Some(c)) => format!("{name}:{l}:{c}"),
            _ => name.to_string(),
        };
        if p.path.is_empty() {
            eprintln!("{at}: error: {}", p.message);
        } else {
            eprintln!("{at}: error: {}: {}", p.path, p.message);
        }
    }
    let n = err.problems.len();
    eprintln!(
        "error: could not load `{name}`: {n} problem{}",
        if n == 1 { "" } else { "s" }
    );
    ExitCode::from(2)
}

/// The policy of `--policy FILE` alone (commands without `--preset`).
fn load_policy(file: Option<PathBuf>) -> Result<Policy, ExitCode> {
    preset::policy(None, file)
}

fn load(file: &Path) -> Result<Document, ExitCode> {
    Document::from_path(file).map_err(|e| report_load_error(file, &e))
}

#[derive(Serialize)]
struct ObjectiveOut<'a> {
    id: &'a str,
    score: Option<f64>,
    progress: Option<f64>,
    expected: Option<f64>,
    status: &'static str,
    forecast: Option<f64>,
}

#[derive(Serialize)]
struct KeyResultOut<'a> {
    id: &'a str,
    objective: &'a str,
    progress: Option<f64>,
    score: Option<f64>,
    expected: Option<f64>,
    status: &'static str,
    forecast: Option<f64>,
}

#[derive(Serialize)]
struct ScoreOut<'a> {
    as_of: String,
    cycles: Vec<as_of::CycleOut>,
    objectives: Vec<ObjectiveOut<'a>>,
    key_results: Vec<KeyResultOut<'a>>,
}

fn score_json(card: &Scorecard, sel: &okr_core::Selection) -> String {
    let out = ScoreOut {
        as_of: card.as_of().date().to_string(),
        cycles: as_of::cycles(card.document(), card.as_of()),
        objectives: card
            .objectives()
            .filter(|(o, _)| sel.objective(o.id.as_str()))
            .map(|(o, s)| ObjectiveOut {
                id: o.id.as_str(),
                score: s.score,
                progress: s.progress,
                expected: s.expected,
                status: s.status.as_str(),
                forecast: s.forecast,
            })
            .collect(),
        key_results: card
            .key_results()
            .filter(|(_, kr, _)| sel.key_result(kr.id.as_str()))
            .map(|(o, kr, s)| KeyResultOut {
                id: kr.id.as_str(),
                objective: o.id.as_str(),
                progress: s.progress,
                score: s.score,
                expected: s.expected,
                status: s.status.as_str(),
                forecast: s.forecast,
            })
            .collect(),
    };
    serde_json::to_string_pretty(&out).unwrap_or_default()
}

fn cell(x: Option<f64>) -> String {
    x.map_or_else(|| "-".into(), |v| format!("{v:.3}"))
}

fn score_table(card: &Scorecard, sel: &okr_core::Selection) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    let id_width = card
        .document()
        .objectives
        .iter()
        .filter(|o| sel.objective(o.id.as_str()))
        .map(|o| o.id.as_str().chars().count())
        .chain(
            card.key_results()
                .filter(|(_, kr, _)| sel.key_result(kr.id.as_str()))
                .map(|(_, kr, _)| kr.id.as_str().chars().count() + 2),
        )
        .max()
        .unwrap_or(2)
        .max(2);
    let line = |out: &mut String, id: &str, what: &str, s: &Scores| {
        let _ = writeln!(
            out,
            "{id:<id_width$}  {what:<10}  {:>8}  {:>8}  {:>8}  {:<9}  {:>8}",
            cell(s.score),
            cell(s.progress),
            cell(s.expected),
            s.status.as_str(),
            cell(s.forecast)
        );
    };
    let _ = writeln!(
        out,
        "{:<id_width$}  {:<10}  {:>8}  {:>8}  {:>8}  {:<9}  {:>8}",
        "id", "level/kind", "score", "progress", "expected", "status", "forecast"
    );
    let mut krs = card.key_results().peekable();
    for (o, s) in card.objectives() {
        let shown = sel.objective(o.id.as_str());
        if shown {
            line(&mut out, o.id.as_str(), &o.level, &s);
        }
        while let Some((_, kr, ks)) = krs.next_if(|(ko, _, _)| std::ptr::eq(*ko, o)) {
            if shown {
                line(&mut out, &format!("  {}", kr.id), kr.kind.name(), &ks);
            }
        }
    }
    let _ = writeln!(out, "{}", as_of::line(card.document(), card.as_of()));
    out
}

#[derive(Serialize)]
struct CheckOut<'a> {
    as_of: String,
    cycles: Vec<as_of::CycleOut>,
    findings: Vec<&'a Finding>,
}

/// Findings in document order (by position; those without one last), rule order within.
/// Only the findings' own paths are looked up in the file ([`okr_core::locate_in_file`]).
fn by_position<'a>(file: &Path, findings: &'a [Finding]) -> Vec<(Option<(u32, u32)>, &'a Finding)> {
    okr_core::locate_in_file(findings, file)
        .into_iter()
        .map(|l| (l.position, l.finding))
        .collect()
}

/// The text of a check, written to `out` finding by finding: `FILE:LINE:COL: severity[code]:
/// message`, its help, and a count of each severity at the end.
fn write_check_text(
    out: &mut dyn std::io::Write,
    file: &Path,
    located: &[(Option<(u32, u32)>, &Finding)],
    color: bool,
) -> std::io::Result<()> {
    let paint = |code: &str, text: &str| {
        if color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_owned()
        }
    };
    let (mut errors, mut warnings, mut infos) = (0, 0, 0);
    for (pos, f) in located {
        let at = match pos {
            Some((l, c)) => format!("{}:{l}:{c}", file.display()),
            None => file.display().to_string(),
        };
        let sev = match f.severity {
            Severity::Error => {
                errors += 1;
                paint("1;31", "error")
            }
            Severity::Warning => {
                warnings += 1;
                paint("1;33", "warning")
            }
            Severity::Info => {
                infos += 1;
                paint("1;36", "info")
            }
        };
        writeln!(out, "{at}: {sev}[{}]: {}", f.code, f.message)?;
        if let Some(help) = &f.help {
            writeln!(out, "  = help: {help}")?;
        }
    }
    let plural = |n: usize, w: &str| format!("{n} {w}{}", if n == 1 { "" } else { "s" });
    writeln!(
        out,
        "{}: {}, {}, {}",
        file.display(),
        plural(errors, "error"),
        plural(warnings, "warning"),
        plural(infos, "info")
    )
}

/// [`write_check_text`] into a string.
fn check_text(file: &Path, located: &[(Option<(u32, u32)>, &Finding)], color: bool) -> String {
    let mut out = Vec::new();
    let _ = write_check_text(&mut out, file, located, color);
    String::from_utf8_lossy(&out).into_owned()
}

fn export_bytes(t: &dyn okr_core::Table, format: ExportFormat) -> Result<Vec<u8>, String> {
    Ok(match format {
        ExportFormat::Csv => okr_core::to_csv(t).into_bytes(),
        ExportFormat::Json => okr_core::to_json(t).into_bytes(),
        #[cfg(feature = "arrow")]
        ExportFormat::Arrow => {
            let mut buf = Vec::new();
            okr_core::arrow::write_ipc(t, &mut buf).map_err(|e| e.to_string())?;
            buf
        }
        #[cfg(feature = "arrow")]
        ExportFormat::Parquet => {
            let mut buf = Vec::new();
            okr_core::arrow::write_parquet(t, &mut buf).map_err(|e| e.to_string())?;
            buf
        }
        #[cfg(not(feature = "arrow"))]
        ExportFormat::Arrow => return Err(output::without_arrow("arrow")),
        #[cfg(not(feature = "arrow"))]
        ExportFormat::Parquet => return Err(output::without_arrow("parquet")),
    })
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli.command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(code) => code,
    }
}

fn run(command: Command) -> Result<(), ExitCode> {
    match command {
        Command::Score {
            file,
            as_of: date,
            policy,
            filter,
            format,
        } => {
            let policy = load_policy(policy)?;
            let card = Scorecard::new(load(&file)?, as_of(date), policy);
            let sel = filter.select(&card)?;
            match format {
                ScoreFormat::Json => print(&format!("{}\n", score_json(&card, &sel)))?,
                ScoreFormat::Table => print(&score_table(&card, &sel))?,
            }
        }
        Command::Check {
            file,
            filter,
            as_of: date,
            policy,
            preset,
            format,
        } => {
            // A policy file's problems are reported in the check's format, like the document's.
            let base = preset::policy(preset.as_deref(), None)?;
            let policy = match policy {
                Some(p) => base
                    .with_path(&p)
                    .map_err(|e| ci::load_failed(format, &p, &e))?,
                None => base,
            };
            let doc = Document::from_path(&file).map_err(|e| ci::load_failed(format, &file, &e))?;
            let as_of = as_of(date);
            let cycles = as_of::cycles(&doc, as_of);
            let as_of_line = as_of::note(&doc, as_of).map(|_| as_of::line(&doc, as_of));
            let findings = if filter.filter().is_empty() {
                validate(&doc, as_of, &policy)
            } else {
                let card = Scorecard::new(doc, as_of, policy);
                let sel = filter.select(&card)?;
                let mut all = okr_core::validate_scored(&card);
                all.retain(|f| sel.finding(f));
                all
            };
            // Positions once, for whichever output is printed.
            let places = okr_core::locate_in_file(&findings, &file);
            let located: Vec<_> = places.iter().map(|l| (l.position, l.finding)).collect();
            match format {
                CheckFormat::Json => {
                    let out = CheckOut {
                        as_of: as_of.date().to_string(),
                        cycles,
                        findings: located.iter().map(|(_, f)| *f).collect(),
                    };
                    output::stream(|w| {
                        serde_json::to_writer_pretty(&mut *w, &out)?;
                        writeln!(w)
                    })?;
                }
                CheckFormat::Text => {
                    use std::io::IsTerminal as _;
                    let color =
                        std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
                    output::stream(|w| {
                        write_check_text(w, &file, &located, color)?;
                        match &as_of_line {
                            Some(line) => writeln!(w, "{line}"),
                            None => Ok(()),
                        }
                    })?;
                }
                CheckFormat::Sarif | CheckFormat::Github => {
                    ci::print_findings(format, &file, &places)?;
                }
            }
            if findings.iter().any(|f| f.severity == Severity::Error) {
                return Err(ExitCode::from(1));
            }
        }
        Command::Tree {
            file,
            as_of: date,
            policy,
            filter,
        } => {
            let policy = load_policy(policy)?;
            let card = Scorecard::new(load(&file)?, as_of(date), policy);
            let sel = filter.select(&card)?;
            print(&format!(
                "{}{}\n",
                card.render_tree_selected(&sel),
                as_of::line(card.document(), card.as_of())
            ))?;
        }
        Command::Diff {
            old,
            new,
            since,
            as_of,
            policy,
            format,
        } => diff::run(diff::DiffArgs {
            old,
            new,
            since,
            as_of,
            policy,
            format,
        })?,
        Command::Explain {
            file,
            id,
            as_of: date,
            policy,
            format,
        } => explain::run(file, &id, date, policy, format)?,
        Command::Export {
            file,
            table,
            as_of: date,
            policy,
            preset,
            format,
            output,
            sheet,
            filter,
        } => {
            if sheet {
                let doc = load(&file)?;
                write_output(
                    output.as_deref(),
                    okr_core::import::to_sheet(&doc).as_bytes(),
                )?;
                return Ok(());
            }
            let policy = preset::policy(preset.as_deref(), policy)?;
            let card = Scorecard::new(load(&file)?, as_of(date), policy);
            let sel = filter.select(&card)?;
            // Only the table asked for is built.
            let builder = okr_core::TableBuilder::new(&card).with_selection(sel);
            let Some(t) = table.as_deref().and_then(|table| builder.table(table)) else {
                return Err(ExitCode::from(2));
            };
            let bytes = match export_bytes(&t, format) {
                Ok(b) => b,
                Err(e) => {
                    eprintln!("error: {e}");
                    return Err(ExitCode::from(2));
                }
            };
            write_output(output.as_deref(), &bytes)?;
        }
        Command::Report {
            file,
            as_of: date,
            policy,
            preset,
            filter,
            title,
            output,
        } => {
            let policy = preset::policy(preset.as_deref(), policy)?;
            let card = Scorecard::new(load(&file)?, as_of(date), policy);
            let findings = okr_core::validate_scored(&card);
            let title = title.unwrap_or_else(|| {
                let name = file.file_name().map_or_else(
                    || file.display().to_string(),
                    |n| n.to_string_lossy().into_owned(),
                );
                format!("OKRs: {name}")
            });
            let page = card
                .render_report_filtered(&title, &findings, &filter.filter())
                .map_err(|e| {
                    eprintln!("error: {e}");
                    ExitCode::from(2)
                })?;
            write_output(output.as_deref(), page.as_bytes())?;
        }
        Command::Schema => print(&okr_core::json_schema())?,
        Command::Generate {
            objectives,
            seed,
            format,
            output,
        } => {
            let format = format
                .map(okr_core::Format::from)
                .or_else(|| output.as_deref().and_then(okr_core::Format::from_path))
                .unwrap_or(okr_core::Format::Yaml);
            let text = match okr_core::generate(objectives, seed).to_text(format) {
                Ok(t) => t,
                Err(e) => {
                    eprintln!("error: {e}");
                    return Err(ExitCode::from(2));
                }
            };
            write_output(output.as_deref(), text.as_bytes())?;
        }
        Command::Import(args) => import::run(args)?,
        Command::CheckIn(args) => edit::check_in(args)?,
        Command::Override(args) => edit::override_score(args)?,
        Command::Convert { file, output } => {
            let doc = load(&file)?;
            output::note_dropped_comments(&file);
            if let Err(e) = doc.save(&output) {
                eprintln!("error: {e}");
                return Err(ExitCode::from(2));
            }
        }
    }
    Ok(())
}
