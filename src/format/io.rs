//! Format stage: the file side of `cairn fmt`: unified diffs for `--check`
//! and atomic rewrites.

use std::io::Write;
use std::path::Path;

/// A unified diff from `old` to `new`, both labelled with `name`.
pub fn unified_diff(name: &str, old: &str, new: &str) -> String {
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(name, &format!("{name} (formatted)"))
        .to_string()
}

/// Replaces the file at `path` with `text` atomically: the text is written to
/// a temporary file in the same folder, flushed to disk, and renamed over the
/// original, so a crash never leaves a half-written guideline. The original
/// file's permissions are kept.
pub fn write_atomically(path: &Path, text: &str) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => std::path::PathBuf::from("."),
    };
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_else(|| "guideline".to_string());
    let temp = dir.join(format!(".{file_name}.{}.fmt-tmp", std::process::id()));
    let result = (|| {
        let mut f = std::fs::File::create(&temp)?;
        f.write_all(text.as_bytes())?;
        f.sync_all()?;
        if let Ok(meta) = std::fs::metadata(path) {
            std::fs::set_permissions(&temp, meta.permissions())?;
        }
        std::fs::rename(&temp, path)
    })();
    if result.is_err() {
        // The temporary file is useless after a failure; removing it is best effort.
        let _ = std::fs::remove_file(&temp);
    }
    result
}
