//! FHIR stage, input: a FHIR Bulk Data export (a folder of NDJSON files,
//! one per resource type, `Patient.ndjson` naming the subjects) read one
//! patient at a time.
//!
//! Memory is bounded by the number of lines, not their size: a first pass
//! ([`Export::index`]) reads every line once, parses it only to find whose
//! it is (the Patient's `id`, else `subject.reference` or
//! `patient.reference`), and keeps its file, byte offset and length under
//! that subject; the resources themselves are dropped. Then
//! [`Export::resources`] reads one subject's lines back by seeking, so only
//! one patient's resources are in memory at a time. A line that cannot be
//! read (not JSON, no subject, a subject not in `Patient.ndjson`, too
//! long) is a [`LineError`] naming `file:line`; every other line is still
//! read.

use super::ndjson_error::{LineError, LineProblem, NdjsonError};
use serde_json::Value;
use std::collections::HashMap;
use std::fs::File;
use std::io::{BufRead, BufReader, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

/// The longest line read (a resource larger than this is a line error).
pub const MAX_LINE: usize = 16 * 1024 * 1024;
/// The most NDJSON files a folder may hold.
pub const MAX_FILES: usize = 1024;

/// Where one resource's line is.
#[derive(Debug, Clone, Copy)]
struct LineRef {
    file: u32,
    offset: u64,
    len: u32,
    line: u32,
}

/// One NDJSON file of the export.
#[derive(Debug)]
struct NdjsonFile {
    path: PathBuf,
    name: String,
}

/// An indexed export: the subjects in `Patient.ndjson` order and where each
/// one's resources are.
#[derive(Debug)]
pub struct Export {
    files: Vec<NdjsonFile>,
    subjects: Vec<(String, Vec<LineRef>)>,
    /// The lines that could not be assigned to a subject.
    pub errors: Vec<LineError>,
}

impl Export {
    /// Indexes the `*.ndjson` files of `dir` (sorted by name, `Patient.ndjson`
    /// first). Fails only when the folder or a file cannot be read, or has
    /// no `Patient.ndjson`; a bad line is an entry of [`Export::errors`].
    pub fn index(dir: &Path) -> Result<Export, NdjsonError> {
        let io = |e: std::io::Error| NdjsonError::Io {
            path: dir.display().to_string(),
            message: e.to_string(),
        };
        let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
            .map_err(io)?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "ndjson"))
            .collect();
        if paths.len() > MAX_FILES {
            return Err(NdjsonError::TooManyFiles { count: paths.len() });
        }
        // The Patient file first: it says who the subjects are.
        paths.sort_by_key(|p| (file_stem(p) != "Patient", p.clone()));
        if paths.first().is_none_or(|p| file_stem(p) != "Patient") {
            return Err(NdjsonError::NoPatients {
                dir: dir.display().to_string(),
            });
        }
        let files: Vec<NdjsonFile> = paths
            .into_iter()
            .map(|path| NdjsonFile {
                name: path
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default(),
                path,
            })
            .collect();
        let mut export = Export {
            files,
            subjects: Vec::new(),
            errors: Vec::new(),
        };
        let mut by_id: HashMap<String, usize> = HashMap::new();
        for index in 0..export.files.len() {
            export.index_file(index, &mut by_id)?;
        }
        Ok(export)
    }

    fn index_file(
        &mut self,
        index: usize,
        by_id: &mut HashMap<String, usize>,
    ) -> Result<(), NdjsonError> {
        let path = self.files[index].path.clone();
        let io = |e: std::io::Error| NdjsonError::Io {
            path: path.display().to_string(),
            message: e.to_string(),
        };
        let patients = index == 0;
        let mut reader = BufReader::with_capacity(256 * 1024, File::open(&path).map_err(io)?);
        let mut buf = Vec::new();
        let mut offset = 0u64;
        let mut line = 0u32;
        loop {
            buf.clear();
            let read = (&mut reader)
                .take(MAX_LINE as u64 + 1)
                .read_until(b'\n', &mut buf)
                .map_err(io)?;
            if read == 0 {
                return Ok(());
            }
            line = line.saturating_add(1);
            let start = offset;
            offset += read as u64;
            let complete = buf.last() == Some(&b'\n') || read <= MAX_LINE;
            if !complete {
                // Skip the rest of an over-long line.
                offset += skip_line(&mut reader).map_err(io)?;
                self.error(index, line, LineProblem::TooLong);
                continue;
            }
            let text = trim_line(&buf);
            if text.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            let owner = match serde_json::from_slice::<Value>(text) {
                Ok(resource) => owner(&resource, patients),
                Err(e) => Err(LineProblem::NotJson(e.to_string())),
            };
            let at = LineRef {
                file: index as u32,
                offset: start,
                len: text.len() as u32,
                line,
            };
            match owner {
                Ok(id) if patients => {
                    if by_id.contains_key(&id) {
                        self.error(index, line, LineProblem::DuplicatePatient(id));
                    } else {
                        by_id.insert(id.clone(), self.subjects.len());
                        self.subjects.push((id, vec![at]));
                    }
                }
                Ok(id) => match by_id.get(&id) {
                    Some(&s) => self.subjects[s].1.push(at),
                    None => self.error(index, line, LineProblem::UnknownPatient(id)),
                },
                Err(problem) => self.error(index, line, problem),
            }
        }
    }

    fn error(&mut self, file: usize, line: u32, problem: LineProblem) {
        self.errors.push(LineError {
            file: self.files[file].name.clone(),
            line,
            problem,
        });
    }

    /// The subjects' Patient ids, in `Patient.ndjson` order.
    pub fn subjects(&self) -> impl Iterator<Item = &str> {
        self.subjects.iter().map(|(id, _)| id.as_str())
    }

    /// How many subjects there are.
    pub fn len(&self) -> usize {
        self.subjects.len()
    }

    /// True when `Patient.ndjson` names no patient.
    pub fn is_empty(&self) -> bool {
        self.subjects.is_empty()
    }

    /// The resources of the `i`-th subject (its Patient first), read back
    /// from the files through `files` (one open handle per file, reused
    /// across subjects).
    pub fn resources(&self, i: usize, files: &mut OpenFiles) -> Result<Vec<Value>, NdjsonError> {
        let Some((_, lines)) = self.subjects.get(i) else {
            return Ok(Vec::new());
        };
        let mut out = Vec::with_capacity(lines.len());
        let mut buf = Vec::new();
        for at in lines {
            let file = &self.files[at.file as usize];
            let io = |e: std::io::Error| NdjsonError::Io {
                path: file.path.display().to_string(),
                message: e.to_string(),
            };
            let handle = files.get(at.file as usize, &file.path).map_err(io)?;
            handle.seek(SeekFrom::Start(at.offset)).map_err(io)?;
            buf.resize(at.len as usize, 0);
            handle.read_exact(&mut buf).map_err(io)?;
            // The first pass parsed this very line: a failure now means the
            // file changed under us.
            let resource = serde_json::from_slice(&buf).map_err(|e| NdjsonError::Changed {
                path: format!("{}:{}", file.name, at.line),
                message: e.to_string(),
            })?;
            out.push(resource);
        }
        Ok(out)
    }

    /// Handles to read subjects with ([`Export::resources`]).
    pub fn open_files(&self) -> OpenFiles {
        OpenFiles {
            handles: (0..self.files.len()).map(|_| None).collect(),
        }
    }
}

/// Open file handles of an export, one per file, opened on first use.
#[derive(Debug)]
pub struct OpenFiles {
    handles: Vec<Option<File>>,
}

impl OpenFiles {
    fn get(&mut self, i: usize, path: &Path) -> std::io::Result<&mut File> {
        let slot = self
            .handles
            .get_mut(i)
            .ok_or_else(|| std::io::Error::other("no such file"))?;
        if slot.is_none() {
            *slot = Some(File::open(path)?);
        }
        slot.as_mut()
            .ok_or_else(|| std::io::Error::other("file not open"))
    }
}

/// The subject a resource belongs to: a Patient's own id (in the Patient
/// file), else the Patient its `subject` or `patient` refers to.
fn owner(resource: &Value, patients: bool) -> Result<String, LineProblem> {
    let Some(kind) = resource.get("resourceType").and_then(Value::as_str) else {
        return Err(LineProblem::NoResourceType);
    };
    if patients {
        if kind != "Patient" {
            return Err(LineProblem::NotAPatient(kind.to_string()));
        }
        return match resource.get("id").and_then(Value::as_str) {
            Some(id) if !id.is_empty() => Ok(id.to_string()),
            _ => Err(LineProblem::NoId),
        };
    }
    let reference = ["subject", "patient"]
        .iter()
        .find_map(|k| resource.get(*k)?.get("reference")?.as_str());
    match reference {
        Some(r) => match r.strip_prefix("Patient/") {
            Some(id) if !id.is_empty() => Ok(id.to_string()),
            _ => Err(LineProblem::NotPatientReference(r.to_string())),
        },
        None => Err(LineProblem::NoSubject(kind.to_string())),
    }
}

fn file_stem(p: &Path) -> String {
    p.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// The line without its line break (`\n` or `\r\n`).
fn trim_line(buf: &[u8]) -> &[u8] {
    let b = buf.strip_suffix(b"\n").unwrap_or(buf);
    b.strip_suffix(b"\r").unwrap_or(b)
}

/// Skips to the end of the current line; gives the bytes skipped.
fn skip_line(reader: &mut impl BufRead) -> std::io::Result<u64> {
    let mut skipped = 0u64;
    loop {
        let (done, used) = {
            let available = reader.fill_buf()?;
            if available.is_empty() {
                return Ok(skipped);
            }
            match memchr::memchr(b'\n', available) {
                Some(i) => (true, i + 1),
                None => (false, available.len()),
            }
        };
        reader.consume(used);
        skipped += used as u64;
        if done {
            return Ok(skipped);
        }
    }
}
