//! Where the `okr` tool's output goes: standard output, written through one locked handle
//! whose errors are handled, or a file, written atomically by the core.
//!
//! - Standard output closed early (`okr tree org.yaml | head`): the rest of the output is
//!   dropped quietly, with no message, and the command ends with the exit status it would
//!   have had (0, or 1 for `check` with errors).
//! - Any other write error (`okr tree org.yaml > /dev/full`): `error: cannot write to
//!   standard output: …` and exit status 2.
//! - `-o FILE`: [`okr_core::write_atomic`]: the old file stays whole on any failure.

use std::io::Write as _;
use std::path::Path;
use std::process::ExitCode;

/// Writes text to standard output.
pub(crate) fn print(text: &str) -> Result<(), ExitCode> {
    stdout(text.as_bytes())
}

/// Writes bytes to standard output, through the locked handle, and flushes them.
pub(crate) fn stdout(bytes: &[u8]) -> Result<(), ExitCode> {
    let mut out = std::io::stdout().lock();
    match out.write_all(bytes).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        // The reader has gone (`| head`): nothing more to say to anyone.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => {
            eprintln!("error: cannot write to standard output: {e}");
            Err(ExitCode::from(2))
        }
    }
}

/// Writes to standard output as the output is produced (through one buffered, locked
/// handle), so a long output is never held whole; errors as [`stdout`] handles them.
pub(crate) fn stream(
    write: impl FnOnce(&mut dyn std::io::Write) -> std::io::Result<()>,
) -> Result<(), ExitCode> {
    let mut out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    match write(&mut out).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => {
            eprintln!("error: cannot write to standard output: {e}");
            Err(ExitCode::from(2))
        }
    }
}

/// Writes to a file (atomically, durably) or, without one, to standard output.
pub(crate) fn write_output(path: Option<&Path>, bytes: &[u8]) -> Result<(), ExitCode> {
    match path {
        Some(p) => okr_core::write_atomic(p, bytes).map_err(|e| {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }),
        None => stdout(bytes),
    }
}

/// The `--help` of `okr convert`: what it keeps, and what to use to keep comments.
pub(crate) const CONVERT_HELP: &str = "\
What is kept: every value of the document, `extra` maps unchanged, and whole numbers as
integers (`52` stays `52`). What is not: comments, blank lines, key order and quoting,
which the target format writes its own way (a note on standard error says so when the
source has comments).

To change a file and keep its comments, edit it in place instead: `okr check-in` and
`okr override` change only the text they add.

Example:
  okr convert org.yaml -o org.toml";

/// The message of `--format arrow|parquet` in a build without the `arrow` feature.
#[cfg(not(feature = "arrow"))]
pub(crate) fn without_arrow(format: &str) -> String {
    format!(
        "`--format {format}` needs the `arrow` feature, which this build of `okr` lacks: install it with `cargo install okr-core --features cli,arrow`, or use `--format csv` or `json`"
    )
}

/// Says on standard error that `okr convert` leaves the comments of `file` behind.
pub(crate) fn note_dropped_comments(file: &Path) {
    let Some(format) = okr_core::Format::from_path(file) else {
        return;
    };
    let Ok(text) = std::fs::read_to_string(file) else {
        return;
    };
    if okr_core::has_comments(&text, format) {
        eprintln!(
            "note: the comments of `{}` are not converted (only the data is); to keep them, edit the file in place with `okr check-in` or `okr override`",
            file.display()
        );
    }
}
