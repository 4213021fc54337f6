//! Syntax stage: the include policy, the one place that decides which files
//! a guideline (or a case's `"guideline"` key) may read, and how.
//!
//! - An include resolves only inside its *root*: the main file's own folder
//!   tree, or a folder named with `--include-path`. The target is
//!   canonicalised first, so `../`, absolute paths and symbolic links that
//!   point out of the tree are all refused, and the refusal says nothing about
//!   whether the target exists.
//! - Only regular files are read: the file type is checked before opening,
//!   the file is opened without blocking (a FIFO swapped in meanwhile cannot
//!   hang the open), and the type is checked again on the open handle.
//! - At most [`MAX_FILE_BYTES`] are read, with `take`, so a file that grows
//!   or never ends (`/dev/zero`-like) cannot exhaust memory.
//! - Text that is not UTF-8 is refused with the offset of the first bad byte.
//!
//! The language server should read every file it does not have open through
//! [`read_source`], and resolve includes with [`IncludePolicy::resolve`].

use std::io::Read;
use std::path::{Component, Path, PathBuf};

/// The largest source file read: 8 MiB. Guidelines are a few hundred
/// kilobytes; anything larger is refused with a diagnostic.
pub const MAX_FILE_BYTES: usize = 8 * 1024 * 1024;

/// Why a source file was not read.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// A FIFO, a device, a socket or a directory.
    #[error("not a regular file")]
    NotRegular,
    /// Larger than [`MAX_FILE_BYTES`].
    #[error("larger than the {limit} byte limit")]
    TooLarge {
        /// The limit in bytes.
        limit: usize,
    },
    /// Not valid UTF-8.
    #[error("not valid UTF-8 (first bad byte at offset {offset})")]
    NotUtf8 {
        /// Byte offset of the first invalid byte.
        offset: usize,
    },
    /// The file system refused.
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

impl From<ReadError> for std::io::Error {
    /// Wraps the refusal so that it travels through [`super::Loader`]'s
    /// `io::Result` and can be told apart again by the parser.
    fn from(e: ReadError) -> std::io::Error {
        match e {
            ReadError::Io(io) => io,
            other => std::io::Error::new(std::io::ErrorKind::InvalidData, other),
        }
    }
}

/// Reads a source file (a guideline, an included file or a case) under the
/// policy: regular files only, at most [`MAX_FILE_BYTES`], valid UTF-8.
pub fn read_source(path: &Path) -> Result<String, ReadError> {
    read_limited(path, MAX_FILE_BYTES)
}

/// Reads a file the user named on the command line (a guideline or a case):
/// like [`read_source`], but a FIFO or device is read (the user asked for
/// it, as with `<(…)`), still never more than [`MAX_FILE_BYTES`].
pub fn read_named(path: &Path) -> Result<String, ReadError> {
    if std::fs::metadata(path)?.is_dir() {
        return Err(ReadError::NotRegular);
    }
    let mut bytes = Vec::new();
    std::fs::File::open(path)?
        .take(MAX_FILE_BYTES as u64 + 1)
        .read_to_end(&mut bytes)?;
    utf8(bytes, MAX_FILE_BYTES)
}

fn utf8(bytes: Vec<u8>, limit: usize) -> Result<String, ReadError> {
    if bytes.len() > limit {
        return Err(ReadError::TooLarge { limit });
    }
    String::from_utf8(bytes).map_err(|e| ReadError::NotUtf8 {
        offset: e.utf8_error().valid_up_to(),
    })
}

/// [`read_source`] with another size limit (for tests of the limit).
pub fn read_limited(path: &Path, limit: usize) -> Result<String, ReadError> {
    // `metadata` follows symbolic links, so a link to a FIFO is refused too,
    // and nothing has been opened yet.
    if !std::fs::metadata(path)?.is_file() {
        return Err(ReadError::NotRegular);
    }
    let file = open_nonblocking(path)?;
    // The path may have been swapped between the check and the open.
    if !file.metadata()?.is_file() {
        return Err(ReadError::NotRegular);
    }
    let mut bytes = Vec::new();
    file.take(limit as u64 + 1).read_to_end(&mut bytes)?;
    utf8(bytes, limit)
}

#[cfg(unix)]
fn open_nonblocking(path: &Path) -> std::io::Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a
    // writer; on a regular file the flag changes nothing.
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)
}

#[cfg(not(unix))]
fn open_nonblocking(path: &Path) -> std::io::Result<std::fs::File> {
    std::fs::File::open(path)
}

/// The folders includes may resolve into, canonicalised.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct IncludePolicy {
    roots: Vec<PathBuf>,
}

/// A path that passed the policy.
#[derive(Debug, Clone, PartialEq)]
pub struct Resolved {
    /// The canonical path (or, for a file that does not exist on disk, the
    /// lexically normalised absolute path): the identity used to detect
    /// cycles, so `sub/../a.cairn` and `sub/./../a.cairn` are one file.
    pub key: PathBuf,
    /// True when the file exists on disk (`key` is then what to read).
    pub on_disk: bool,
}

impl IncludePolicy {
    /// The policy for the guideline whose main file is `main`: its folder
    /// tree and every folder of `include_paths`.
    pub fn for_main(main: &Path, include_paths: &[PathBuf]) -> IncludePolicy {
        let folder = main.parent().unwrap_or(Path::new(""));
        IncludePolicy::for_folder(folder, include_paths)
    }

    /// The policy with `folder`'s tree and every folder of `include_paths`.
    pub fn for_folder(folder: &Path, include_paths: &[PathBuf]) -> IncludePolicy {
        let roots = std::iter::once(folder)
            .chain(include_paths.iter().map(PathBuf::as_path))
            .map(|p| {
                identity(if p.as_os_str().is_empty() {
                    Path::new(".")
                } else {
                    p
                })
                .0
            })
            .collect();
        IncludePolicy { roots }
    }

    /// The canonical root folders.
    pub fn roots(&self) -> &[PathBuf] {
        &self.roots
    }

    /// Resolves `path` (the including file's folder joined with the text of
    /// the include) and checks that it lies inside a root.
    pub fn resolve(&self, path: &Path) -> Result<Resolved, Outside> {
        let (key, on_disk) = identity(path);
        if self.roots.iter().any(|root| key.starts_with(root)) {
            Ok(Resolved { key, on_disk })
        } else {
            Err(Outside)
        }
    }
}

/// The refusal of a path outside every root. It deliberately carries no
/// detail about the target (not even whether it exists).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Outside;

/// The identity of a path: canonical when it exists, otherwise its parent
/// canonicalised (when that exists) and the rest normalised lexically.
pub fn identity(path: &Path) -> (PathBuf, bool) {
    let absolute = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(path)
    };
    if let Ok(canonical) = std::fs::canonicalize(&absolute) {
        return (canonical, true);
    }
    let normal = normalise(&absolute);
    let parent = normal
        .parent()
        .and_then(|p| std::fs::canonicalize(p).ok())
        .zip(normal.file_name());
    match parent {
        Some((p, name)) => (p.join(name), false),
        None => (normal, false),
    }
}

/// Removes `.` and resolves `..` lexically (for paths not on disk).
fn normalise(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalise_removes_dots() {
        assert_eq!(
            normalise(Path::new("/a/b/../c/./d")),
            PathBuf::from("/a/c/d")
        );
        assert_eq!(normalise(Path::new("/../x")), PathBuf::from("/x"));
    }

    #[test]
    fn outside_paths_are_refused_whether_or_not_they_exist() {
        let policy = IncludePolicy::for_folder(Path::new("/nonexistent-cairn/g"), &[]);
        assert!(policy
            .resolve(Path::new("/nonexistent-cairn/g/a.cairn"))
            .is_ok());
        assert!(policy
            .resolve(Path::new("/nonexistent-cairn/g/../h.cairn"))
            .is_err());
        assert!(policy.resolve(Path::new("/etc/passwd")).is_err());
        assert!(policy.resolve(Path::new("/etc/no-such-file")).is_err());
    }
}
