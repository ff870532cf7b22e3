//! Editing a file: advisory lock, read, edit, check that the file is unchanged, atomic write.

use super::{apply, Edit, EditError};
use crate::Format;
use std::fs::OpenOptions;
use std::path::{Path, PathBuf};

/// Applies an edit to a file in place (see [`apply`]) and returns the new text.
///
/// - Concurrent edits serialize: the edit holds an exclusive advisory lock on a sidecar
///   file `.NAME.lock` beside the document (created if missing, left in place) from
///   before it reads until after it writes.
/// - No lost update: just before the write the file is read again and compared byte for
///   byte with what the edit read; if another program changed it meanwhile, nothing is
///   written ([`EditError::Changed`]).
/// - The write is atomic: a temporary file in the same folder, synced, then renamed over
///   the document, so a failing write leaves the old file as it was.
pub fn apply_to_file(path: impl AsRef<Path>, edit: &Edit) -> Result<String, EditError> {
    let path = path.as_ref();
    let name = path.display().to_string();
    let io = |action: &'static str| {
        let name = name.clone();
        move |source| EditError::Io {
            action,
            path: name,
            source,
        }
    };
    let format = Format::from_path(path).ok_or_else(|| EditError::Invalid {
        message: format!(
            "cannot tell the format of `{name}` from its name: use a `.json`, `.yaml`, `.yml` or `.toml` extension"
        ),
    })?;
    // Before the lock file is made beside it.
    if !path.is_file() {
        return Err(EditError::Invalid {
            message: format!("there is no file `{name}`"),
        });
    }
    let lock = lock_path(path);
    let lock_file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&lock)
        .map_err(io("lock"))?;
    lock_file.lock().map_err(io("lock"))?;
    let read = std::fs::read(path).map_err(io("read"))?;
    let text = std::str::from_utf8(&read).map_err(|e| {
        EditError::Load(
            crate::LoadError::single(format!(
                "the file is not UTF-8 text (invalid byte at offset {})",
                e.valid_up_to()
            ))
            .with_source(name.clone()),
        )
    })?;
    let new = apply(text, format, edit).map_err(|e| match e {
        EditError::Load(l) => EditError::Load(l.with_source(name.clone())),
        other => other,
    })?;
    let now = std::fs::read(path).map_err(io("read"))?;
    if now != read {
        return Err(EditError::Changed { path: name.clone() });
    }
    write(path, new.as_bytes()).map_err(|e| match e {
        crate::SaveError::Io { source, .. } => io("write")(source),
        other => EditError::Io {
            action: "write",
            path: name.clone(),
            source: std::io::Error::other(other.to_string()),
        },
    })?;
    drop(lock_file);
    Ok(new)
}

/// The one place that writes: the core's shared durable writer.
fn write(path: &Path, bytes: &[u8]) -> Result<(), crate::SaveError> {
    crate::save::atomic::write_atomic(path, bytes)
}

/// `.NAME.lock` beside the document.
fn lock_path(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "document".into());
    path.with_file_name(format!(".{name}.lock"))
}
