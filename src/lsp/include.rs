//! Language server: the one place that reads an included file from disk.
//!
//! The policy is the one issue 10 sets for `include` everywhere (the shared
//! version is being written in `src/syntax/`; at merge, [`read_included`]
//! and [`inside`] are what to replace by it):
//!
//! - an include resolves only inside the opened document's folder tree: the
//!   target is canonicalised, so `../`, absolute paths and symbolic links
//!   out of the tree are refused, with a message that says nothing about
//!   the target (not even whether it exists);
//! - only regular files are read: the type is checked with `metadata`
//!   (which follows links) before opening, and again on the open handle;
//!   FIFOs, devices (`/dev/zero`), sockets and folders are refused, so the
//!   server never blocks on a read;
//! - at most [`MAX_INCLUDE_BYTES`] are read, through `take`;
//! - a file is read once per analysis, by canonical path, so two spellings
//!   of one file (`sub/../a.cairn`, `sub/./../a.cairn`) cannot loop.

use std::io::Read;
use std::path::{Component, Path, PathBuf};

/// The largest included file read: 8 MiB (the limit of `src/syntax/`'s
/// policy for source files).
pub const MAX_INCLUDE_BYTES: usize = 8 * 1024 * 1024;

/// Why an included file was not read.
#[derive(Debug, thiserror::Error)]
pub enum IncludeError {
    /// The path leads out of the document's folder tree.
    #[error("outside the guideline's folder; includes must stay inside it")]
    Outside,
    /// A FIFO, a device, a socket or a folder.
    #[error("not a regular file")]
    NotRegular,
    /// Larger than [`MAX_INCLUDE_BYTES`].
    #[error("larger than the {limit} byte limit")]
    TooLarge {
        /// The limit in bytes.
        limit: usize,
    },
    /// Already read in this analysis under another spelling.
    #[error("already included under another path")]
    Again,
    /// Not valid UTF-8.
    #[error("not valid UTF-8")]
    NotUtf8,
    /// The file system refused.
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

/// Reads a regular file of at most [`MAX_INCLUDE_BYTES`] as UTF-8.
pub fn read_included(path: &Path) -> Result<String, IncludeError> {
    read_limited(path, MAX_INCLUDE_BYTES)
}

/// [`read_included`] with another limit (for the limit's test).
pub fn read_limited(path: &Path, limit: usize) -> Result<String, IncludeError> {
    // Nothing is opened before the type is known: opening a FIFO would
    // block until a writer comes.
    if !std::fs::metadata(path)?.is_file() {
        return Err(IncludeError::NotRegular);
    }
    let file = std::fs::File::open(path)?;
    // The path may have been swapped between the check and the open.
    if !file.metadata()?.is_file() {
        return Err(IncludeError::NotRegular);
    }
    let mut bytes = Vec::new();
    file.take(limit as u64 + 1).read_to_end(&mut bytes)?;
    if bytes.len() > limit {
        return Err(IncludeError::TooLarge { limit });
    }
    String::from_utf8(bytes).map_err(|_| IncludeError::NotUtf8)
}

/// The identity of `path`: canonical when it exists on disk, otherwise
/// absolute with `.` and `..` resolved lexically.
pub fn identity(path: &Path) -> PathBuf {
    let absolute = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(path)
    };
    if let Ok(canonical) = std::fs::canonicalize(&absolute) {
        return canonical;
    }
    let mut out = PathBuf::new();
    for component in absolute.components() {
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

/// True when `path` lies inside the folder tree `root` (both compared by
/// [`identity`]).
pub fn inside(root: &Path, path: &Path) -> bool {
    identity(path).starts_with(identity(root))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn special_and_large_files_are_refused() {
        assert!(matches!(
            read_included(Path::new("/dev/zero")),
            Err(IncludeError::NotRegular)
        ));
        assert!(matches!(
            read_included(Path::new("/tmp")),
            Err(IncludeError::NotRegular)
        ));
        let dir = std::env::temp_dir().join(format!("cairn-lsp-read-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("big.cairn");
        std::fs::write(&file, "x".repeat(101)).unwrap();
        assert!(matches!(
            read_limited(&file, 100),
            Err(IncludeError::TooLarge { limit: 100 })
        ));
        assert_eq!(read_limited(&file, 101).unwrap().len(), 101);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn paths_out_of_the_tree_are_outside() {
        let root = Path::new("/nonexistent-cairn/g");
        assert!(inside(
            root,
            Path::new("/nonexistent-cairn/g/sub/../a.cairn")
        ));
        assert!(!inside(root, Path::new("/nonexistent-cairn/g/../h.cairn")));
        assert!(!inside(root, Path::new("/etc/passwd")));
    }
}
