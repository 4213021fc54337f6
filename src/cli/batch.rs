//! Command line: `cairn batch`, a guideline run over a cohort in bulk.
//!
//! The cohort is JSON lines: one case object per line (blank lines are
//! skipped). Each line is validated and evaluated on its own, so a bad line
//! is reported with its line number and the rest still run. Results go to
//! standard output (JSON lines or CSV); the diagnostics and a summary of
//! statuses per recommendation go to standard error.

use super::output::{self, ERRORS, IO};
use super::BatchFormat;
use cairn::case;
use cairn::check::model::{DefId, RecId};
use cairn::check::Checked;
use cairn::eval::outcome::Status;
use cairn::eval::Program;
use cairn::source::SourceMap;
use std::io::Write;
use std::path::Path;

/// Runs the batch; returns 1 when some line was bad, 2 on I/O errors.
pub fn run(guideline: &Path, cohort: &Path, format: BatchFormat) -> u8 {
    let checked = match output::guideline(guideline) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let text = match output::read(cohort) {
        Ok(t) => t,
        Err(code) => return code,
    };
    let cohort_name = output::case_name(cohort);
    let program = Program::new(&checked);
    let mut scratch = program.scratch();
    let recs: Vec<&str> = checked.model.recs.iter().map(|r| r.id.as_str()).collect();
    // Per recommendation: applies, not applicable, undetermined.
    let mut counts = vec![[0usize; 3]; recs.len()];
    let mut bad = 0usize;
    let mut good = 0usize;
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut write_ok = true;
    if format == BatchFormat::Csv {
        let header: Vec<String> = ["line", "name"]
            .iter()
            .chain(recs.iter())
            .map(|s| csv(s))
            .collect();
        write_ok &= writeln!(out, "{}", header.join(",")).is_ok();
    }
    let mut line_start = 0usize;
    for (index, raw) in text.split_inclusive('\n').enumerate() {
        let start = line_start;
        line_start += raw.len();
        let line = raw.trim_end_matches(['\n', '\r']);
        let number = index + 1;
        if line.trim().is_empty() {
            continue;
        }
        let name = format!("{cohort_name}:{number}");
        let loaded = match case::load(&checked, &name, line) {
            Ok(c) => c,
            Err(_) => {
                bad += 1;
                report_bad_line(&checked, &cohort_name, &text, start, line);
                continue;
            }
        };
        good += 1;
        // The hot path of the interpreter: statuses and values straight from
        // the slots, without building the full outcome with its texts.
        let statuses: Vec<Status> = program.statuses(&loaded.case, &mut scratch).to_vec();
        for (status, count) in statuses.iter().zip(counts.iter_mut()) {
            let slot = match status {
                Status::Applies => 0,
                Status::NotApplicable => 1,
                Status::Undetermined => 2,
            };
            if let Some(c) = count.get_mut(slot) {
                *c += 1;
            }
        }
        let case_name = (loaded.name != name).then(|| loaded.name.clone());
        match format {
            BatchFormat::Jsonl => {
                let model = &checked.model;
                let mut recs_json = serde_json::Map::new();
                let mut missing = serde_json::Map::new();
                for (i, (rec, status)) in model.recs.iter().zip(&statuses).enumerate() {
                    recs_json.insert(rec.id.clone(), status.as_str().into());
                    if *status == Status::Undetermined {
                        let facts: Vec<serde_json::Value> = program
                            .missing(&mut scratch, RecId(i as u32))
                            .iter()
                            .filter_map(|f| model.facts.get(f.0 as usize))
                            .map(|f| f.name.clone().into())
                            .collect();
                        missing.insert(rec.id.clone(), facts.into());
                    }
                }
                let derived: serde_json::Map<String, serde_json::Value> = model
                    .defs
                    .iter()
                    .enumerate()
                    .map(|(i, d)| {
                        let v = program.def_value(&scratch, DefId(i as u32));
                        (d.name.clone(), cairn::value::json::encode(model, d.ty, v))
                    })
                    .collect();
                let row = serde_json::json!({
                    "line": number,
                    "name": case_name,
                    "recommendations": recs_json,
                    "missing": missing,
                    "derived": derived,
                });
                write_ok &= writeln!(out, "{row}").is_ok();
            }
            BatchFormat::Csv => {
                let mut cells = vec![number.to_string(), csv(case_name.as_deref().unwrap_or(""))];
                cells.extend(statuses.iter().map(|s| s.as_str().to_string()));
                write_ok &= writeln!(out, "{}", cells.join(",")).is_ok();
            }
        }
    }
    write_ok &= out.flush().is_ok();
    drop(out);
    err!("{}", summary(&recs, &counts, good, bad));
    if !write_ok {
        errln!("error: cannot write to standard output");
        return IO;
    }
    if bad > 0 {
        ERRORS
    } else {
        0
    }
}

/// Prints the diagnostics of a bad line with the cohort file's own line
/// numbers and context: the line is reloaded behind the earlier lines
/// blanked byte for byte (so offsets match the file), and the diagnostics
/// are rendered against the whole file.
fn report_bad_line(checked: &Checked, cohort_name: &str, text: &str, start: usize, line: &str) {
    let prefix: String = text
        .bytes()
        .take(start)
        .map(|b| if b == b'\n' { '\n' } else { ' ' })
        .collect();
    if let Err(f) = case::load(checked, cohort_name, &format!("{prefix}{line}")) {
        let mut sources = SourceMap::new();
        sources.add(cohort_name, text);
        output::eprint_diagnostics(&f.diagnostics, &sources);
    }
}

/// A table of statuses per recommendation.
fn summary(recs: &[&str], counts: &[[usize; 3]], good: usize, bad: usize) -> String {
    let width = recs
        .iter()
        .map(|r| r.len())
        .max()
        .unwrap_or(0)
        .max("recommendation".len());
    let mut out = format!(
        "{good} cases evaluated, {bad} bad line{}\n{:width$}  {:>7}  {:>14}  {:>12}\n",
        if bad == 1 { "" } else { "s" },
        "recommendation",
        "applies",
        "not_applicable",
        "undetermined",
    );
    for (rec, [a, n, u]) in recs.iter().zip(counts) {
        out.push_str(&format!("{rec:width$}  {a:>7}  {n:>14}  {u:>12}\n"));
    }
    out
}

/// A CSV cell, quoted when needed.
fn csv(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}
