//! Durable, atomic file writes: the one function every writer of the crate and of the
//! `okr` tool goes through.

use crate::error::SaveError;
use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// How many symbolic links [`write_atomic`] follows before giving up (as Linux does).
const MAX_LINKS: usize = 40;

/// Writes `bytes` to `path` atomically and durably, so that a crash, a full disk or a
/// killed process leaves either the old file whole or the new one whole, never a mix.
///
/// The bytes go to a new temporary file with a unique name in the target's folder
/// (`.NAME.PID-N.okr-tmp`; a file beside the target such as `org.tar.gz` is never
/// touched), which is flushed to disk, renamed over the target, and then the folder itself
/// is flushed so that the rename survives a power cut. On any failure the temporary file
/// is removed and the target is left as it was.
///
/// - A symbolic link is written *through*: the file it points to is replaced and the link
///   is kept (a dotfiles folder of links keeps working).
/// - The permissions of a file that is replaced are kept.
/// - A target that exists but is not a regular file (`/dev/stdout`, a named pipe,
///   `/dev/full`) cannot be replaced: the bytes are written to it directly, and a failure
///   (such as a full device) is an error.
///
/// ```
/// let dir = std::env::temp_dir().join(format!("okr-doc-atomic-{}", std::process::id()));
/// std::fs::create_dir_all(&dir)?;
/// let target = dir.join("org.yaml");
/// okr_core::write_atomic(&target, b"version: 1\nobjectives: []\n")?;
/// assert_eq!(std::fs::read(&target)?, b"version: 1\nobjectives: []\n");
/// std::fs::remove_dir_all(&dir)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn write_atomic(path: impl AsRef<Path>, bytes: &[u8]) -> Result<(), SaveError> {
    write_atomic_with(path, |w| w.write_all(bytes))
}

/// [`write_atomic`] for output produced piece by piece: `write` receives the temporary
/// file (buffered) and writes the content into it; if it fails, nothing is replaced.
///
/// ```
/// use std::io::Write as _;
/// let dir = std::env::temp_dir().join(format!("okr-doc-atomic-with-{}", std::process::id()));
/// std::fs::create_dir_all(&dir)?;
/// let target = dir.join("table.csv");
/// okr_core::write_atomic_with(&target, |w| {
///     writeln!(w, "id,score")?;
///     writeln!(w, "o1,0.5")
/// })?;
/// assert_eq!(std::fs::read_to_string(&target)?, "id,score\no1,0.5\n");
/// std::fs::remove_dir_all(&dir)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn write_atomic_with(
    path: impl AsRef<Path>,
    write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> Result<(), SaveError> {
    let path = path.as_ref();
    let io_error = |source| SaveError::Io {
        path: path.to_path_buf(),
        source,
    };
    let target = resolve_links(path).map_err(io_error)?;
    match std::fs::metadata(&target) {
        Ok(meta) if !meta.is_file() && !meta.is_dir() => {
            // A device or a pipe: it cannot be replaced, only written to.
            let mut file = OpenOptions::new()
                .write(true)
                .open(&target)
                .map_err(io_error)?;
            let mut out = io::BufWriter::new(&mut file);
            return write(&mut out).and_then(|()| out.flush()).map_err(io_error);
        }
        _ => {}
    }
    let dir = match target.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = target
        .file_name()
        .map_or_else(|| "output".into(), |n| n.to_string_lossy().into_owned());
    let (tmp, file) = create_temporary(&dir, &name).map_err(io_error)?;
    let result = fill(file, &target, write).and_then(|()| std::fs::rename(&tmp, &target));
    if let Err(e) = result {
        let _ = std::fs::remove_file(&tmp);
        return Err(io_error(e));
    }
    sync_dir(&dir).map_err(io_error)
}

/// Writes the content into the temporary file, keeps the old file's permissions and
/// flushes everything to disk.
fn fill(
    file: File,
    target: &Path,
    write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> io::Result<()> {
    let mut out = io::BufWriter::new(file);
    write(&mut out)?;
    let file = out.into_inner().map_err(io::IntoInnerError::into_error)?;
    if let Ok(meta) = std::fs::metadata(target) {
        file.set_permissions(meta.permissions())?;
    }
    file.sync_all()
}

/// The file a chain of symbolic links ends at (the path itself if it is no link, or does
/// not exist yet).
fn resolve_links(path: &Path) -> io::Result<PathBuf> {
    let mut current = path.to_path_buf();
    for _ in 0..MAX_LINKS {
        match std::fs::symlink_metadata(&current) {
            Ok(meta) if meta.file_type().is_symlink() => {
                let link = std::fs::read_link(&current)?;
                current = match current.parent() {
                    Some(parent) if link.is_relative() => parent.join(link),
                    _ => link,
                };
            }
            _ => return Ok(current),
        }
    }
    Err(io::Error::other(format!(
        "more than {MAX_LINKS} symbolic links in a chain"
    )))
}

/// A new file with a name no other writer uses: the process id, a counter and, should a
/// stale file of a dead process hold that name, another try.
fn create_temporary(dir: &Path, name: &str) -> io::Result<(PathBuf, File)> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut last = None;
    for _ in 0..100 {
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let tmp = dir.join(format!(".{name}.{}-{n}.okr-tmp", std::process::id()));
        match OpenOptions::new().write(true).create_new(true).open(&tmp) {
            Ok(file) => return Ok((tmp, file)),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => last = Some(e),
            Err(e) => return Err(e),
        }
    }
    Err(last.unwrap_or_else(|| io::Error::other("no free temporary file name")))
}

/// Flushes a folder's entries (the rename) to disk. Only Unix can open a folder for this;
/// elsewhere the rename is as durable as the platform makes it.
fn sync_dir(dir: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        File::open(dir)?.sync_all()
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
        Ok(())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    struct TempDir(PathBuf);

    impl TempDir {
        fn new(tag: &str) -> TempDir {
            let dir = std::env::temp_dir().join(format!(
                "okr-atomic-{tag}-{}-{}",
                std::process::id(),
                COUNT.fetch_add(1, Ordering::Relaxed)
            ));
            let _ = std::fs::remove_dir_all(&dir);
            std::fs::create_dir_all(&dir).unwrap();
            TempDir(dir)
        }
    }

    impl Drop for TempDir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    static COUNT: AtomicU64 = AtomicU64::new(0);

    fn names(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    #[test]
    fn replaces_the_file_and_leaves_nothing_else() {
        let dir = TempDir::new("replace");
        let target = dir.0.join("org.yaml");
        std::fs::write(&target, "old").unwrap();
        write_atomic(&target, b"new").unwrap();
        assert_eq!(std::fs::read(&target).unwrap(), b"new");
        assert_eq!(names(&dir.0), ["org.yaml"]);
    }

    #[test]
    fn a_failing_writer_leaves_the_old_file_whole_and_no_temporary_file() {
        let dir = TempDir::new("fail");
        let target = dir.0.join("org.yaml");
        std::fs::write(&target, "version: 1\nobjectives: []\n").unwrap();
        let err = write_atomic_with(&target, |w| {
            w.write_all(b"version: 1\nobjectives:\n  - id: half")?;
            Err(io::Error::other("killed mid-write"))
        })
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            format!("cannot write `{}`: killed mid-write", target.display())
        );
        assert_eq!(
            std::fs::read_to_string(&target).unwrap(),
            "version: 1\nobjectives: []\n"
        );
        assert_eq!(names(&dir.0), ["org.yaml"]);
    }

    #[test]
    fn files_with_longer_extensions_beside_the_target_are_untouched() {
        let dir = TempDir::new("ext");
        let target = dir.0.join("org.tar");
        std::fs::write(dir.0.join("org.tar.gz"), "archive").unwrap();
        std::fs::write(dir.0.join("org.okr-tmp"), "someone else's").unwrap();
        write_atomic(&target, b"doc").unwrap();
        write_atomic(dir.0.join("org.tar.gz.json"), b"{}").unwrap();
        assert_eq!(
            std::fs::read_to_string(dir.0.join("org.tar.gz")).unwrap(),
            "archive"
        );
        assert_eq!(
            std::fs::read_to_string(dir.0.join("org.okr-tmp")).unwrap(),
            "someone else's"
        );
        assert_eq!(
            names(&dir.0),
            ["org.okr-tmp", "org.tar", "org.tar.gz", "org.tar.gz.json"]
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_symbolic_link_is_written_through_and_kept() {
        let dir = TempDir::new("link");
        std::fs::create_dir(dir.0.join("real")).unwrap();
        std::fs::write(dir.0.join("real/org.yaml"), "old").unwrap();
        std::os::unix::fs::symlink("real/org.yaml", dir.0.join("org.yaml")).unwrap();
        write_atomic(dir.0.join("org.yaml"), b"new").unwrap();
        let meta = std::fs::symlink_metadata(dir.0.join("org.yaml")).unwrap();
        assert!(meta.file_type().is_symlink());
        assert_eq!(std::fs::read(dir.0.join("real/org.yaml")).unwrap(), b"new");
        assert_eq!(names(&dir.0.join("real")), ["org.yaml"]);
        assert_eq!(names(&dir.0), ["org.yaml", "real"]);
    }

    #[cfg(unix)]
    #[test]
    fn permissions_of_a_replaced_file_are_kept() {
        use std::os::unix::fs::PermissionsExt as _;
        let dir = TempDir::new("mode");
        let target = dir.0.join("org.yaml");
        std::fs::write(&target, "old").unwrap();
        std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o640)).unwrap();
        write_atomic(&target, b"new").unwrap();
        let mode = std::fs::metadata(&target).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o640);
    }

    #[test]
    fn a_missing_folder_is_an_error_naming_the_target() {
        let dir = TempDir::new("missing");
        let target = dir.0.join("no/such/org.yaml");
        let err = write_atomic(&target, b"x").unwrap_err();
        assert!(
            err.to_string()
                .starts_with(&format!("cannot write `{}`: ", target.display())),
            "{err}"
        );
        assert_eq!(names(&dir.0), Vec::<String>::new());
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_full_device_is_an_error() {
        let err = write_atomic("/dev/full", b"version: 1\n").unwrap_err();
        let SaveError::Io { source, .. } = &err else {
            panic!("{err}")
        };
        assert_eq!(source.kind(), io::ErrorKind::StorageFull, "{err}");
        use std::os::unix::fs::FileTypeExt as _;
        assert!(std::fs::metadata("/dev/full")
            .unwrap()
            .file_type()
            .is_char_device());
    }

    #[cfg(unix)]
    #[test]
    fn a_folder_that_cannot_be_written_is_an_error_and_the_old_file_stays() {
        use std::os::unix::fs::PermissionsExt as _;
        let dir = TempDir::new("readonly");
        let target = dir.0.join("org.yaml");
        std::fs::write(&target, "old").unwrap();
        std::fs::set_permissions(&dir.0, std::fs::Permissions::from_mode(0o555)).unwrap();
        // The super-user may write into any folder: then use one that no one may write to.
        let probe = dir.0.join("probe");
        let target = if std::fs::write(&probe, "").is_ok() {
            std::fs::remove_file(&probe).unwrap();
            PathBuf::from("/proc/okr-atomic-test.yaml")
        } else {
            target
        };
        let err = write_atomic(&target, b"new").unwrap_err();
        assert!(matches!(err, SaveError::Io { .. }), "{err}");
        std::fs::set_permissions(&dir.0, std::fs::Permissions::from_mode(0o755)).unwrap();
        assert_eq!(std::fs::read(dir.0.join("org.yaml")).unwrap(), b"old");
        assert_eq!(names(&dir.0), ["org.yaml"]);
    }
}
