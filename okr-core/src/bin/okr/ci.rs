//! `okr check --format sarif|github`: the CI formats (SPEC §10). The formats themselves
//! are built by the library (`okr_core::to_sarif`, `to_github`); this module only picks
//! the path to show and prints.

use crate::CheckFormat;
use okr_core::LoadError;
use std::path::{Component, Path};
use std::process::ExitCode;

/// The file as CI tools want it: relative to the working directory (the repository root
/// in a CI job) when it lies below it, else as given, with `/` separators.
pub(crate) fn shown_path(file: &Path) -> String {
    let relative = std::env::current_dir()
        .ok()
        .and_then(|cwd| {
            let absolute = std::path::absolute(file).ok()?;
            let cwd = std::path::absolute(cwd).ok()?;
            absolute
                .strip_prefix(&cwd)
                .ok()
                .filter(|p| p.components().all(|c| matches!(c, Component::Normal(_))))
                .map(Path::to_path_buf)
        })
        .filter(|p| !p.as_os_str().is_empty());
    let shown = relative.as_deref().unwrap_or(file).to_string_lossy();
    let shown = if cfg!(windows) {
        shown.replace('\\', "/")
    } else {
        shown.into_owned()
    };
    let mut rest = shown.as_str();
    while let Some(r) = rest.strip_prefix("./") {
        rest = r;
    }
    rest.to_owned()
}

/// Prints the findings in a CI format (nothing for the other formats).
pub(crate) fn print_findings(
    format: CheckFormat,
    file: &Path,
    located: &[okr_core::Located<'_>],
) -> Result<(), ExitCode> {
    match format {
        CheckFormat::Sarif => crate::output::stream(|w| {
            serde_json::to_writer_pretty(&mut *w, &okr_core::to_sarif(&shown_path(file), located))?;
            writeln!(w)
        }),
        CheckFormat::Github => crate::print(&okr_core::to_github(&shown_path(file), located)),
        CheckFormat::Text | CheckFormat::Json => Ok(()),
    }
}

/// Reports a document or policy that could not be loaded, in the check's format, and
/// returns exit status 2. SARIF goes to standard output (the log that CI uploads) and the
/// problems also to standard error, for the job's log; GitHub commands go to standard
/// output only (the runner shows them in the log).
pub(crate) fn load_failed(format: CheckFormat, file: &Path, err: &LoadError) -> ExitCode {
    match format {
        CheckFormat::Sarif => {
            println!(
                "{}",
                serde_json::to_string_pretty(&okr_core::load_error_to_sarif(
                    &shown_path(file),
                    err
                ))
                .unwrap_or_default()
            );
            crate::report_load_error(file, err)
        }
        CheckFormat::Github => {
            print!("{}", okr_core::load_error_to_github(&shown_path(file), err));
            ExitCode::from(2)
        }
        CheckFormat::Text | CheckFormat::Json => crate::report_load_error(file, err),
    }
}
