//! Language server: analysis off the message loop.
//!
//! Parsing and checking a large guideline takes longer than a keystroke
//! may (at 100 copies of the sarcoma guideline, seconds), so after a
//! `didChange` the message loop only applies the edit and hands the text to
//! this worker; completion answers at once from the last analysis, reading
//! the cursor's context from the current text. The worker analyses only the
//! latest text of each document (a burst of edits costs one analysis once
//! it ends, plus the one running when it started), and the loop swaps the
//! result in and publishes its diagnostics unless the document changed
//! again meanwhile.
//!
//! The worker keeps a [`ParseCache`] per document, so that each analysis
//! parses again only the declarations an edit touched (the check and the
//! index still run on the whole guideline); the cache goes when the
//! document is closed.

use super::analysis::{analyse, analyse_incremental, Analysis};
use crate::syntax::ParseCache;
use lsp_types::Uri;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::mpsc::{channel, Receiver, Sender};

/// One document to analyse.
pub struct Job {
    /// The document.
    pub uri: Uri,
    /// Its generation when the job was made (see `Doc::generation`).
    pub generation: u64,
    /// Its path.
    pub path: PathBuf,
    /// Its text.
    pub text: String,
    /// Every open document's text by path, for includes.
    pub open: HashMap<PathBuf, String>,
}

/// A finished analysis.
pub struct Done {
    /// The document.
    pub uri: Uri,
    /// The generation analysed.
    pub generation: u64,
    /// The result.
    pub analysis: Analysis,
}

/// What the loop asks of the worker.
pub enum Task {
    /// Analyse a document.
    Analyse(Job),
    /// Forget a closed document's cache.
    Forget(Uri),
}

/// The analysis thread and its two channels.
pub struct Worker {
    jobs: Option<Sender<Task>>,
    done: Receiver<Option<Done>>,
    /// Jobs sent and not yet received back.
    pub in_flight: usize,
}

impl Worker {
    /// Starts the thread. When it cannot start, jobs run on the caller's
    /// thread in [`Worker::submit`].
    pub fn start() -> Worker {
        let (jobs, inbox) = channel::<Task>();
        let (outbox, done) = channel::<Option<Done>>();
        let started = std::thread::Builder::new()
            .name("cairn-lsp-analysis".into())
            .spawn(move || run(&inbox, &outbox))
            .is_ok();
        Worker {
            jobs: started.then_some(jobs),
            done,
            in_flight: 0,
        }
    }

    /// Queues a job; returns the result at once when there is no thread.
    pub fn submit(&mut self, job: Job) -> Option<Done> {
        let Some(jobs) = &self.jobs else {
            return Some(work(job, None));
        };
        match jobs.send(Task::Analyse(job)) {
            Ok(()) => {
                self.in_flight += 1;
                None
            }
            Err(returned) => match returned.0 {
                Task::Analyse(job) => Some(work(job, None)),
                Task::Forget(_) => None,
            },
        }
    }

    /// Drops the cache of a closed document.
    pub fn forget(&mut self, uri: Uri) {
        if let Some(jobs) = &self.jobs {
            // A worker that is gone holds no cache either.
            let _ = jobs.send(Task::Forget(uri));
        }
    }

    /// The results ready now.
    pub fn ready(&mut self) -> Vec<Done> {
        let mut out = Vec::new();
        while let Ok(done) = self.done.try_recv() {
            self.in_flight = self.in_flight.saturating_sub(1);
            out.extend(done);
        }
        out
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        // Closing the job channel ends the thread after its current job.
        self.jobs = None;
    }
}

fn work(job: Job, cache: Option<&mut ParseCache>) -> Done {
    let analysis = match cache {
        Some(cache) => analyse_incremental(&job.path, &job.text, &job.open, cache),
        None => analyse(&job.path, &job.text, &job.open),
    };
    Done {
        uri: job.uri,
        generation: job.generation,
        analysis,
    }
}

/// Takes every queued job, keeps the newest per document, analyses those.
/// A superseded job is answered with `None`, so the loop's
/// count of jobs in flight stays exact.
fn run(inbox: &Receiver<Task>, outbox: &Sender<Option<Done>>) {
    // By the URI's text: `Uri` caches parts of itself in cells.
    let mut caches: HashMap<String, ParseCache> = HashMap::new();
    while let Ok(first) = inbox.recv() {
        let mut latest: Vec<Job> = Vec::new();
        let mut skipped = 0usize;
        for task in std::iter::once(first).chain(std::iter::from_fn(|| inbox.try_recv().ok())) {
            match task {
                Task::Analyse(job) => {
                    if let Some(old) = latest.iter_mut().find(|j| j.uri == job.uri) {
                        *old = job;
                        skipped += 1;
                    } else {
                        latest.push(job);
                    }
                }
                Task::Forget(uri) => {
                    caches.remove(uri.as_str());
                }
            }
        }
        for job in latest {
            let cache = caches.entry(job.uri.as_str().to_string()).or_default();
            if outbox.send(Some(work(job, Some(cache)))).is_err() {
                return;
            }
        }
        for _ in 0..skipped {
            if outbox.send(None).is_err() {
                return;
            }
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    /// A burst of edits to one document costs one analysis, of its last
    /// text; every job is still answered, so the count in flight stays right.
    #[test]
    fn a_burst_is_analysed_once_at_its_newest_text() {
        let (jobs, inbox) = channel::<Task>();
        let (outbox, done) = channel::<Option<Done>>();
        let uri: Uri = "file:///tmp/burst.cairn".parse().unwrap();
        for (generation, text) in [
            (1, "fact a \"A\": bool\n"),
            (2, "fact b"),
            (3, "fact c \"C\": bool\n"),
        ] {
            let job = Job {
                uri: uri.clone(),
                generation,
                path: PathBuf::from("/tmp/burst.cairn"),
                text: text.into(),
                open: HashMap::new(),
            };
            jobs.send(Task::Analyse(job)).unwrap();
        }
        drop(jobs);
        run(&inbox, &outbox);
        let answers: Vec<Option<Done>> = done.try_iter().collect();
        assert_eq!(answers.len(), 3);
        let analysed: Vec<&Done> = answers.iter().flatten().collect();
        assert_eq!(analysed.len(), 1);
        assert_eq!(analysed[0].generation, 3);
        assert!(analysed[0]
            .analysis
            .sources
            .get(super::super::analysis::MAIN)
            .is_some_and(|f| f.text.contains("fact c")));
    }
}
