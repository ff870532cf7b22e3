//! `okr diff OLD NEW` and `okr diff FILE --since D1`: what changed (SPEC §9).
//!
//! OLD and NEW are paths, or `REV:PATH` read with `git show` when no such file exists (the
//! path is taken relative to the current folder, as the shell would).

use crate::{as_of, load_policy, print, report_load_error, ExplainFormat};
use chrono::NaiveDate;
use okr_core::{AsOf, Document, Format, Scorecard};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

pub(crate) const AFTER_HELP: &str = "\
Examples:
  okr diff HEAD~1:okrs.yaml okrs.yaml         since the last commit (read with `git show`)
  okr diff old.yaml new.yaml --as-of 2021-10-01
  okr diff okrs.yaml --since 2021-09-24       the same file judged a week apart
  okr diff main:okrs.yaml okrs.yaml --format json

Lists objectives and key results added, removed or changed (score, status, forecast, new
check-ins), alignment links added, removed or reweighted, and new and resolved findings.";

/// Reads one side: a file, else `REV:PATH` through git.
fn read_side(spec: &str) -> Result<Document, ExitCode> {
    let path = Path::new(spec);
    if path.exists() {
        return Document::from_path(path).map_err(|e| report_load_error(path, &e));
    }
    let Some((rev, file)) = spec
        .split_once(':')
        .filter(|(r, f)| !r.is_empty() && !f.is_empty())
    else {
        eprintln!("error: no file `{spec}`; to read a file at a git revision write `REV:PATH`, e.g. `HEAD~1:{spec}`");
        return Err(ExitCode::from(2));
    };
    let file_path = Path::new(file);
    let dir = file_path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = file_path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let out = std::process::Command::new("git")
        .arg("-C")
        .arg(dir)
        .arg("show")
        .arg(format!("{rev}:./{name}"))
        .output();
    let out = match out {
        Ok(o) => o,
        Err(e) => {
            eprintln!("error: no file `{spec}`, and git could not be run to read `{file}` at `{rev}`: {e}");
            return Err(ExitCode::from(2));
        }
    };
    if !out.status.success() {
        let why = String::from_utf8_lossy(&out.stderr);
        let why = why.trim().trim_start_matches("fatal: ");
        eprintln!("error: cannot read `{file}` at revision `{rev}`: {why}");
        return Err(ExitCode::from(2));
    }
    let Ok(text) = String::from_utf8(out.stdout) else {
        eprintln!("error: `{spec}` is not UTF-8 text");
        return Err(ExitCode::from(2));
    };
    let format = Format::from_path(file_path).unwrap_or(Format::Yaml);
    Document::from_str(&text, format).map_err(|e| report_load_error(Path::new(spec), &e))
}

pub(crate) struct DiffArgs {
    pub old: String,
    pub new: Option<String>,
    pub since: Option<NaiveDate>,
    pub as_of: Option<NaiveDate>,
    pub policy: Option<PathBuf>,
    pub format: ExplainFormat,
}

pub(crate) fn run(a: DiffArgs) -> Result<(), ExitCode> {
    let policy = load_policy(a.policy)?;
    let (before, after) = match (a.new, a.since) {
        (None, Some(d1)) => {
            let doc = read_side(&a.old)?;
            let before = Scorecard::new(doc.clone(), AsOf::Date(d1), policy.clone());
            (before, Scorecard::new(doc, as_of(a.as_of), policy))
        }
        (Some(new), None) => {
            let old = read_side(&a.old)?;
            let new = read_side(&new)?;
            let at = as_of(a.as_of);
            (
                Scorecard::new(old, at, policy.clone()),
                Scorecard::new(new, at, policy),
            )
        }
        (Some(_), Some(_)) => {
            eprintln!("error: give either two versions (`okr diff OLD NEW`) or one file and `--since DATE`, not both");
            return Err(ExitCode::from(2));
        }
        (None, None) => {
            eprintln!("error: give a second version (`okr diff OLD NEW`) or `--since DATE`");
            return Err(ExitCode::from(2));
        }
    };
    let d = okr_core::diff(&before, &after);
    match a.format {
        ExplainFormat::Json => print(&format!(
            "{}\n",
            serde_json::to_string_pretty(&d).unwrap_or_default()
        ))?,
        ExplainFormat::Text => print(&d.to_text())?,
    }
    Ok(())
}
