//! `okr`: score, inspect and lint OKR documents (SPEC §8).
//!
//! Exit status: 0 done; 1 `check` found errors; 2 the input could not be loaded or the
//! command line is wrong.

use chrono::NaiveDate;
use clap::{Parser, Subcommand, ValueEnum};
use okr_core::{
    validate, AsOf, Document, Finding, LoadError, Policy, Scorecard, Scores, Severity, SourceMap,
};
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

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
    Score {
        /// The document (.yaml, .yml, .json or .toml).
        file: PathBuf,
        /// Score as of this date (YYYY-MM-DD); default: today, or a closed cycle's end.
        #[arg(long, value_parser = parse_date)]
        as_of: Option<NaiveDate>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = ScoreFormat::Table)]
        format: ScoreFormat,
    },
    /// Check the document against the validation rules (exit 1 if any error is found).
    Check {
        /// The document (.yaml, .yml, .json or .toml).
        file: PathBuf,
        /// Check as of this date (YYYY-MM-DD); default: today, or a closed cycle's end.
        #[arg(long, value_parser = parse_date)]
        as_of: Option<NaiveDate>,
        /// A policy file (.yaml, .yml, .json or .toml) with thresholds and severities.
        #[arg(long)]
        policy: Option<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = CheckFormat::Text)]
        format: CheckFormat,
    },
    /// Print the cascade as an indented tree with scores and status.
    Tree {
        /// The document (.yaml, .yml, .json or .toml).
        file: PathBuf,
        /// Score as of this date (YYYY-MM-DD); default: today, or a closed cycle's end.
        #[arg(long, value_parser = parse_date)]
        as_of: Option<NaiveDate>,
        /// Only this cycle's objectives.
        #[arg(long)]
        cycle: Option<String>,
    },
    /// Print one analysis table (SPEC §7) as CSV or JSON.
    Export {
        /// The document (.yaml, .yml, .json or .toml).
        file: PathBuf,
        /// The table.
        #[arg(long, value_parser = clap::builder::PossibleValuesParser::new(okr_core::TABLE_NAMES))]
        table: String,
        /// Score as of this date (YYYY-MM-DD); default: today, or a closed cycle's end.
        #[arg(long, value_parser = parse_date)]
        as_of: Option<NaiveDate>,
        /// A policy file for the scores and the findings table.
        #[arg(long)]
        policy: Option<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = ExportFormat::Csv)]
        format: ExportFormat,
        /// Write to this file instead of standard output (atomically).
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
    /// Write a self-contained HTML report (cascade, findings, score distribution,
    /// engagement per team) to send around.
    Report {
        /// The document (.yaml, .yml, .json or .toml).
        file: PathBuf,
        /// Score as of this date (YYYY-MM-DD); default: today, or a closed cycle's end.
        #[arg(long, value_parser = parse_date)]
        as_of: Option<NaiveDate>,
        /// A policy file for the scores and the findings.
        #[arg(long)]
        policy: Option<PathBuf>,
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
    /// Write a document in another format (by the output's extension), losslessly.
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
    /// Arrow IPC file (feature `arrow`).
    #[cfg(feature = "arrow")]
    Arrow,
    /// Parquet file (feature `arrow`).
    #[cfg(feature = "arrow")]
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
    Text,
    Json,
}

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

fn load_policy(path: Option<PathBuf>) -> Result<Policy, ExitCode> {
    match path {
        Some(p) => Policy::from_path(&p).map_err(|e| report_load_error(&p, &e)),
        None => Ok(Policy::default()),
    }
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
    objectives: Vec<ObjectiveOut<'a>>,
    key_results: Vec<KeyResultOut<'a>>,
}

fn score_json(card: &Scorecard) -> String {
    let out = ScoreOut {
        as_of: card.as_of().date().to_string(),
        objectives: card
            .objectives()
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

fn score_table(card: &Scorecard) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    let id_width = card
        .document()
        .objectives
        .iter()
        .map(|o| o.id.as_str().chars().count())
        .chain(
            card.key_results()
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
        line(&mut out, o.id.as_str(), &o.level, &s);
        while let Some((_, kr, ks)) = krs.next_if(|(ko, _, _)| std::ptr::eq(*ko, o)) {
            line(&mut out, &format!("  {}", kr.id), kr.kind.name(), &ks);
        }
    }
    let _ = writeln!(out, "as of {}", card.as_of().date());
    out
}

#[derive(Serialize)]
struct CheckOut<'a> {
    as_of: String,
    findings: Vec<&'a Finding>,
}

/// Findings in document order (by position; those without one last), rule order within.
fn by_position<'a>(
    findings: &'a [Finding],
    map: Option<&SourceMap>,
) -> Vec<(Option<(u32, u32)>, &'a Finding)> {
    let mut located: Vec<_> = findings
        .iter()
        .map(|f| {
            (
                f.path
                    .as_deref()
                    .and_then(|p| map.and_then(|m| m.position(p))),
                f,
            )
        })
        .collect();
    located.sort_by_key(|(pos, _)| pos.map_or((u32::MAX, u32::MAX), |p| p));
    located
}

fn check_text(file: &Path, located: &[(Option<(u32, u32)>, &Finding)], color: bool) -> String {
    use std::fmt::Write as _;
    let paint = |code: &str, text: &str| {
        if color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_owned()
        }
    };
    let mut out = String::new();
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
        let _ = writeln!(out, "{at}: {sev}[{}]: {}", f.code, f.message);
        if let Some(help) = &f.help {
            let _ = writeln!(out, "  = help: {help}");
        }
    }
    let plural = |n: usize, w: &str| format!("{n} {w}{}", if n == 1 { "" } else { "s" });
    let _ = writeln!(
        out,
        "{}: {}, {}, {}",
        file.display(),
        plural(errors, "error"),
        plural(warnings, "warning"),
        plural(infos, "info")
    );
    out
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
    })
}

/// Writes to a file (atomically, through a temporary file and a rename) or to stdout.
fn write_output(path: Option<&Path>, bytes: &[u8]) -> Result<(), ExitCode> {
    use std::io::Write as _;
    let result = match path {
        Some(p) => {
            let tmp = p.with_extension("okr-tmp");
            std::fs::write(&tmp, bytes).and_then(|()| std::fs::rename(&tmp, p))
        }
        None => std::io::stdout().write_all(bytes),
    };
    result.map_err(|e| {
        eprintln!("error: cannot write the output: {e}");
        ExitCode::from(2)
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
            format,
        } => {
            let card = Scorecard::new(load(&file)?, as_of(date), Policy::default());
            match format {
                ScoreFormat::Json => println!("{}", score_json(&card)),
                ScoreFormat::Table => print!("{}", score_table(&card)),
            }
        }
        Command::Check {
            file,
            as_of: date,
            policy,
            format,
        } => {
            let policy = load_policy(policy)?;
            let doc = load(&file)?;
            let map = SourceMap::from_path(&file).ok();
            let as_of = as_of(date);
            let findings = validate(&doc, as_of, &policy);
            let located = by_position(&findings, map.as_ref());
            match format {
                CheckFormat::Json => {
                    let out = CheckOut {
                        as_of: as_of.date().to_string(),
                        findings: located.iter().map(|(_, f)| *f).collect(),
                    };
                    println!("{}", serde_json::to_string_pretty(&out).unwrap_or_default());
                }
                CheckFormat::Text => {
                    use std::io::IsTerminal as _;
                    let color =
                        std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
                    print!("{}", check_text(&file, &located, color));
                }
            }
            if findings.iter().any(|f| f.severity == Severity::Error) {
                return Err(ExitCode::from(1));
            }
        }
        Command::Tree {
            file,
            as_of: date,
            cycle,
        } => {
            let doc = load(&file)?;
            if let Some(c) = &cycle {
                if doc.cycle(c).is_none() {
                    eprintln!("error: unknown cycle `{c}` in `{}`", file.display());
                    return Err(ExitCode::from(2));
                }
            }
            let card = Scorecard::new(doc, as_of(date), Policy::default());
            print!("{}", card.render_tree(cycle.as_deref()));
            println!("as of {}", card.as_of().date());
        }
        Command::Export {
            file,
            table,
            as_of: date,
            policy,
            format,
            output,
        } => {
            let policy = load_policy(policy)?;
            let card = Scorecard::new(load(&file)?, as_of(date), policy);
            let tables = card.tables();
            let Some(t) = tables.get(&table) else {
                return Err(ExitCode::from(2));
            };
            let bytes = match export_bytes(t, format) {
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
            title,
            output,
        } => {
            let policy = load_policy(policy)?;
            let card = Scorecard::new(load(&file)?, as_of(date), policy);
            let findings = okr_core::validate_scored(&card);
            let title = title.unwrap_or_else(|| {
                let name = file.file_name().map_or_else(
                    || file.display().to_string(),
                    |n| n.to_string_lossy().into_owned(),
                );
                format!("OKRs: {name}")
            });
            let page = card.render_report(&title, &findings);
            write_output(output.as_deref(), page.as_bytes())?;
        }
        Command::Schema => print!("{}", okr_core::json_schema()),
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
        Command::Convert { file, output } => {
            let doc = load(&file)?;
            if let Err(e) = doc.save(&output) {
                eprintln!("error: {e}");
                return Err(ExitCode::from(2));
            }
        }
    }
    Ok(())
}
