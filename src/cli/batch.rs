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
use cairn::eval::outcome::Status;
use cairn::eval::{self, Program};
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
    for (index, line) in text.lines().enumerate() {
        let number = index + 1;
        if line.trim().is_empty() {
            continue;
        }
        let name = format!("{cohort_name}:{number}");
        let loaded = match case::load(&checked, &name, line) {
            Ok(c) => c,
            Err(_) => {
                bad += 1;
                // Reload with the earlier lines blanked out, so the rendered
                // line and column are those of the cohort file.
                let padded = format!("{}{line}", "\n".repeat(index));
                if let Err(f) = case::load(&checked, &cohort_name, &padded) {
                    output::eprint_diagnostics(&f.diagnostics, &f.sources);
                }
                continue;
            }
        };
        good += 1;
        let outcome = program.evaluate(&loaded.case, eval::Options { trace: false });
        for (rec, count) in outcome.recommendations.iter().zip(counts.iter_mut()) {
            let slot = match rec.status {
                Status::Applies => 0,
                Status::NotApplicable => 1,
                Status::Undetermined => 2,
            };
            if let Some(c) = count.get_mut(slot) {
                *c += 1;
            }
        }
        let case_name = if loaded.name == name {
            String::new()
        } else {
            loaded.name.clone()
        };
        match format {
            BatchFormat::Jsonl => {
                let statuses: serde_json::Map<String, serde_json::Value> = outcome
                    .recommendations
                    .iter()
                    .map(|r| (r.id.clone(), r.status.as_str().into()))
                    .collect();
                let row = serde_json::json!({
                    "line": number,
                    "name": case_name,
                    "recommendations": statuses,
                    "derived": outcome.derived,
                });
                write_ok &= writeln!(out, "{row}").is_ok();
            }
            BatchFormat::Csv => {
                let mut cells = vec![number.to_string(), csv(&case_name)];
                cells.extend(
                    outcome
                        .recommendations
                        .iter()
                        .map(|r| r.status.as_str().to_string()),
                );
                write_ok &= writeln!(out, "{}", cells.join(",")).is_ok();
            }
        }
    }
    write_ok &= out.flush().is_ok();
    drop(out);
    eprint!("{}", summary(&recs, &counts, good, bad));
    if !write_ok {
        eprintln!("error: cannot write to standard output");
        return IO;
    }
    if bad > 0 {
        ERRORS
    } else {
        0
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
