//! `--preset NAME`: a shipped policy (okr-core/presets/), combined with `--policy FILE`.

use okr_core::Policy;
use std::path::PathBuf;
use std::process::ExitCode;

/// The names `--preset` accepts.
pub(crate) fn names() -> impl Iterator<Item = &'static str> {
    okr_core::PRESETS.iter().map(|(name, _)| *name)
}

/// The policy in force: the preset (default: the default policy), with the policy file's
/// settings over it.
pub(crate) fn policy(preset: Option<&str>, file: Option<PathBuf>) -> Result<Policy, ExitCode> {
    let base = match preset {
        Some(name) => Policy::preset(name).ok_or_else(|| {
            let known: Vec<&str> = names().collect();
            eprintln!(
                "error: unknown preset `{name}`: one of {}",
                known.join(", ")
            );
            ExitCode::from(2)
        })?,
        None => Policy::default(),
    };
    match file {
        Some(p) => base
            .with_path(&p)
            .map_err(|e| crate::report_load_error(&p, &e)),
        None => Ok(base),
    }
}
