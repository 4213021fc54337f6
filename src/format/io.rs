//! Format stage: the file side of `cairn fmt`: unified diffs for `--check`
//! and the one safe way the toolchain rewrites a file in place
//! ([`read_for_rewrite`] then [`rewrite`]; `cairn test --bless` is meant to
//! reuse it).
//!
//! The rules (README, "Limits and safety"):
//! - a symbolic link is resolved and its target is written; the link stays;
//! - a read-only file is refused, never replaced;
//! - the new text goes to a temporary file created exclusively (`O_EXCL`,
//!   unpredictable name) in the target's own folder, with the original's
//!   permissions (and owner, where allowed), flushed to disk, then renamed
//!   over the target, so a crash never leaves a half-written file and a
//!   planted link at a guessed name is never followed;
//! - just before the rename the target must still be the file that was read
//!   (same inode, length, modification time and content): a file changed
//!   since it was read is not overwritten, a deleted one is not recreated;
//! - a file with several hard links is rewritten in place through its inode,
//!   so every link sees the new text; the formatted text is first written to
//!   a temporary file next to it, which is kept (and named in the error)
//!   should the in-place write fail.

use miette::Diagnostic;
use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};
use std::time::SystemTime;
use thiserror::Error;

/// A unified diff from `old` to `new`, both labelled with `name`.
pub fn unified_diff(name: &str, old: &str, new: &str) -> String {
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(name, &format!("{name} (formatted)"))
        .to_string()
}

/// Why a file was not rewritten. Nothing was written in any case, except
/// [`WriteError::InPlace`], which names where the new text was kept.
#[derive(Debug, Error, Diagnostic)]
pub enum WriteError {
    /// The file or its folder could not be read or written.
    #[error("cannot {action} `{path}`: {source}")]
    #[diagnostic(code(cairn::write::io))]
    Io {
        /// What was being done: `read`, `write`, ...
        action: &'static str,
        /// The path as given.
        path: String,
        /// The operating system's error.
        source: std::io::Error,
    },
    /// The path is a folder, a device, a FIFO...
    #[error("`{path}` is not a regular file, not overwritten")]
    #[diagnostic(code(cairn::write::not_regular))]
    NotRegular {
        /// The path as given.
        path: String,
    },
    /// The file is not writable: it is refused, not replaced.
    #[error("`{path}` is read-only, not overwritten")]
    #[diagnostic(
        code(cairn::write::read_only),
        help("make it writable first if it should be rewritten")
    )]
    ReadOnly {
        /// The path as given.
        path: String,
    },
    /// The file changed on disk between the read and the write.
    #[error("`{path}` changed since it was read, not overwritten")]
    #[diagnostic(code(cairn::write::changed), help("run the command again"))]
    Changed {
        /// The path as given.
        path: String,
    },
    /// The file was deleted between the read and the write.
    #[error("`{path}` was deleted since it was read, not recreated")]
    #[diagnostic(code(cairn::write::deleted))]
    Deleted {
        /// The path as given.
        path: String,
    },
    /// Writing a hard-linked file in place failed half way.
    #[error("cannot rewrite `{path}` in place: {source}; the new text is kept in `{kept}`")]
    #[diagnostic(code(cairn::write::in_place))]
    InPlace {
        /// The path as given.
        path: String,
        /// Where the new text was kept.
        kept: String,
        /// The operating system's error.
        source: std::io::Error,
    },
}

/// What identifies one version of a file on disk.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Stamp {
    len: u64,
    modified: Option<SystemTime>,
    /// Device and inode (zero where the platform has none).
    dev: u64,
    ino: u64,
}

impl Stamp {
    fn of(meta: &std::fs::Metadata) -> Stamp {
        let (dev, ino) = inode(meta);
        Stamp {
            len: meta.len(),
            modified: meta.modified().ok(),
            dev,
            ino,
        }
    }
}

#[cfg(unix)]
fn inode(meta: &std::fs::Metadata) -> (u64, u64) {
    use std::os::unix::fs::MetadataExt;
    (meta.dev(), meta.ino())
}

#[cfg(not(unix))]
fn inode(_: &std::fs::Metadata) -> (u64, u64) {
    (0, 0)
}

#[cfg(unix)]
fn link_count(meta: &std::fs::Metadata) -> u64 {
    use std::os::unix::fs::MetadataExt;
    meta.nlink()
}

#[cfg(not(unix))]
fn link_count(_: &std::fs::Metadata) -> u64 {
    1
}

/// A file read with [`read_for_rewrite`]: its bytes and the version of it
/// that was read, so [`rewrite`] can tell whether it changed since.
#[derive(Debug)]
pub struct ReadFile {
    /// The path as given (shown in messages).
    pub path: PathBuf,
    /// The file's content when it was read.
    pub bytes: Vec<u8>,
    /// The file actually read: `path` with every symbolic link resolved.
    target: PathBuf,
    stamp: Stamp,
}

impl ReadFile {
    fn name(&self) -> String {
        self.path.display().to_string()
    }

    /// The file that is written: the path with its symbolic links resolved.
    pub fn target(&self) -> &Path {
        &self.target
    }
}

/// Reads the file at `path` (through any symbolic links) and remembers the
/// version read.
pub fn read_for_rewrite(path: &Path) -> Result<ReadFile, WriteError> {
    let name = path.display().to_string();
    let io = |action, source| WriteError::Io {
        action,
        path: name.clone(),
        source,
    };
    let target = std::fs::canonicalize(path).map_err(|e| io("read", e))?;
    // Opening a FIFO blocks and reading a device may never end: look first.
    if !std::fs::metadata(&target)
        .map_err(|e| io("read", e))?
        .is_file()
    {
        return Err(WriteError::NotRegular { path: name });
    }
    let mut file = std::fs::File::open(&target).map_err(|e| io("read", e))?;
    let before = file.metadata().map_err(|e| io("read", e))?;
    if !before.is_file() {
        return Err(WriteError::NotRegular { path: name });
    }
    let mut bytes = Vec::new();
    file.read_to_end(&mut bytes).map_err(|e| io("read", e))?;
    let after = file.metadata().map_err(|e| io("read", e))?;
    let stamp = Stamp::of(&after);
    if Stamp::of(&before) != stamp || stamp.len != bytes.len() as u64 {
        // Written to while being read: what was read may be torn.
        return Err(WriteError::Changed { path: name });
    }
    Ok(ReadFile {
        path: path.to_path_buf(),
        bytes,
        target,
        stamp,
    })
}

/// Replaces the content of the file `read` came from with `text`, safely
/// (see the module documentation for the rules).
pub fn rewrite(read: &ReadFile, text: &str) -> Result<(), WriteError> {
    let name = read.name();
    let io = |action, source| WriteError::Io {
        action,
        path: name.clone(),
        source,
    };
    let meta = match std::fs::metadata(&read.target) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(WriteError::Deleted { path: name })
        }
        Err(e) => return Err(io("write", e)),
    };
    // Opening for writing (without truncating) asks the system whether this
    // process may write the file, root included only where the mode allows.
    let writable = !meta.permissions().readonly()
        && std::fs::OpenOptions::new()
            .write(true)
            .open(&read.target)
            .is_ok();
    if !writable {
        return Err(WriteError::ReadOnly { path: name });
    }
    let dir = match read.target.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let file_name = read
        .target
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    let mut temp = tempfile::Builder::new()
        .prefix(&format!(".{file_name}."))
        .suffix(".cairn-tmp")
        .tempfile_in(dir)
        .map_err(|e| io("write next to", e))?;
    keep_owner(temp.as_file(), &meta);
    temp.as_file()
        .set_permissions(meta.permissions())
        .map_err(|e| io("write", e))?;
    temp.write_all(text.as_bytes())
        .and_then(|()| temp.as_file().sync_all())
        .map_err(|e| io("write", e))?;
    unchanged(read)?;
    if link_count(&meta) > 1 {
        return in_place(read, temp, text);
    }
    temp.persist(&read.target)
        .map_err(|e| io("write", e.error))?;
    // Make the rename itself durable; not every platform can sync a folder.
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

/// Fails unless the target is still exactly the file that was read.
fn unchanged(read: &ReadFile) -> Result<(), WriteError> {
    let name = read.name();
    let mut file = match std::fs::File::open(&read.target) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(WriteError::Deleted { path: name })
        }
        Err(e) => {
            return Err(WriteError::Io {
                action: "read",
                path: name,
                source: e,
            })
        }
    };
    let same_stamp = file
        .metadata()
        .is_ok_and(|m| m.is_file() && Stamp::of(&m) == read.stamp);
    // The content too: an edit within the clock's resolution that keeps
    // the length would otherwise go unnoticed.
    let mut now = Vec::with_capacity(read.bytes.len());
    let same_content = file.read_to_end(&mut now).is_ok() && now == read.bytes;
    if same_stamp && same_content {
        Ok(())
    } else {
        Err(WriteError::Changed { path: name })
    }
}

/// Writes `text` through the existing inode of a hard-linked file, so the
/// links keep sharing it; `temp` already holds the text and is kept if the
/// write fails.
fn in_place(read: &ReadFile, temp: tempfile::NamedTempFile, text: &str) -> Result<(), WriteError> {
    let result = std::fs::OpenOptions::new()
        .write(true)
        .open(&read.target)
        .and_then(|mut f| {
            f.rewind()?;
            f.write_all(text.as_bytes())?;
            f.set_len(text.len() as u64)?;
            f.sync_all()
        });
    match result {
        Ok(()) => Ok(()),
        Err(source) => {
            let kept = match temp.keep() {
                Ok((_, p)) => p.display().to_string(),
                Err(e) => e.file.path().display().to_string(),
            };
            Err(WriteError::InPlace {
                path: read.name(),
                kept,
                source,
            })
        }
    }
}

/// Gives the temporary file the original's owner and group; only allowed
/// to the owner (same user: a no-op) and to root, so a failure is ignored.
#[cfg(unix)]
fn keep_owner(file: &std::fs::File, meta: &std::fs::Metadata) {
    use std::os::unix::fs::MetadataExt;
    let _ = std::os::unix::fs::fchown(file, Some(meta.uid()), Some(meta.gid()));
}

#[cfg(not(unix))]
fn keep_owner(_: &std::fs::File, _: &std::fs::Metadata) {}
