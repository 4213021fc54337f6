//! Benchmarks the language server's answer to a keystroke: one
//! `textDocument/didChange` (a one-character edit inside a recommendation's
//! condition) followed by a `textDocument/completion` at the edit, sent to
//! `cairn::lsp::serve` over an in-memory connection, timed until the
//! completion response arrives. The document is the sarcoma guideline and
//! guidelines made of 10 and 100 renamed copies of it (the generator of
//! `benches/analysis.rs`). Diagnostics that the server publishes meanwhile
//! are drained and not waited for; `didChange+diagnostics` times the same
//! keystroke until the diagnostics of its version are published (the
//! worker's incremental re-analysis), and the `check` group times the full
//! parse and check of a whole guideline. Figures are in the README's Performance
//! section (issue 10: <= 50 ms per keystroke at 100x).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use cairn::check::check;
use cairn::syntax::{parse_with, FsLoader};
use criterion::{criterion_group, criterion_main, Criterion};
use lsp_server::{Connection, Message, Notification, Request, RequestId};
use serde_json::{json, Value};
use std::time::Duration;

#[path = "common/scale.rs"]
mod scale;

const SARCOMA: &str = "guidelines/rps/initial-management.cairn";

/// Groups, tables and constraints of the sarcoma guideline, renamed with the
/// rest so that no name is declared twice (the scaled guidelines check
/// clean, as the sarcoma guideline does).
const GROUPS_AND_TABLES: &[&str] = &[
    "severe_symptoms_are_symptoms",
    "dose_escalation_trial_is_a_trial",
    "diagnosis",
    "imaging",
    "resources",
    "surgery_findings",
    "advanced_disease",
    "rt_plan",
    "prognosis_8_year",
];

/// The sarcoma guideline, or `k` renamed copies of it ([`scale::scaled`]).
fn scaled(text: &str, k: usize) -> String {
    if k == 1 {
        return text.to_string();
    }
    scale::scaled(text, k, GROUPS_AND_TABLES)
}

/// A client of an in-process server.
struct Client {
    conn: Connection,
    server: Option<std::thread::JoinHandle<()>>,
    next_id: i32,
}

impl Client {
    fn start() -> Client {
        let (server, conn) = Connection::memory();
        let handle = std::thread::spawn(move || {
            cairn::lsp::serve(&server).unwrap();
        });
        let mut client = Client {
            conn,
            server: Some(handle),
            next_id: 0,
        };
        client.request("initialize", json!({ "capabilities": {} }));
        client.notify("initialized", json!({}));
        client
    }

    fn notify(&self, method: &str, params: Value) {
        let n = Notification::new(method.into(), params);
        self.conn.sender.send(Message::Notification(n)).unwrap();
    }

    fn request(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = RequestId::from(self.next_id);
        let r = Request::new(id.clone(), method.into(), params);
        self.conn.sender.send(Message::Request(r)).unwrap();
        loop {
            match self.conn.receiver.recv_timeout(Duration::from_secs(600)) {
                Ok(Message::Response(r)) if r.id == id => return r.result.unwrap_or(Value::Null),
                Ok(_) => {}
                Err(e) => panic!("no answer to {method}: {e}"),
            }
        }
    }

    /// Waits until the server has published diagnostics for `version`.
    fn wait_diagnostics(&self, version: i32) {
        loop {
            match self.conn.receiver.recv_timeout(Duration::from_secs(600)) {
                Ok(Message::Notification(n))
                    if n.method == "textDocument/publishDiagnostics"
                        && n.params["version"] == version =>
                {
                    return
                }
                Ok(_) => {}
                Err(e) => panic!("no diagnostics: {e}"),
            }
        }
    }

    fn stop(mut self) {
        self.request("shutdown", Value::Null);
        self.notify("exit", Value::Null);
        if let Some(h) = self.server.take() {
            h.join().unwrap();
        }
    }
}

/// The line and UTF-16 column of byte `offset`.
fn position(text: &str, offset: usize) -> Value {
    let before = &text[..offset];
    let line = before.matches('\n').count();
    let start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
    json!({ "line": line, "character": before[start..].encode_utf16().count() })
}

fn keystroke(c: &mut Criterion) {
    let base = std::fs::read_to_string(SARCOMA).unwrap();
    let mut group = c.benchmark_group("lsp_keystroke");
    group.sample_size(20);
    for k in [1usize, 10, 100] {
        let text = scaled(&base, k);
        let uri = "file:///tmp/cairn-bench/scaled.cairn";
        let mut client = Client::start();
        let doc = json!({ "uri": uri, "languageId": "cairn", "version": 1, "text": text });
        client.notify("textDocument/didOpen", json!({ "textDocument": doc }));
        client.wait_diagnostics(1);
        // The edit point: just after `when ` in the middle recommendation
        // of the middle copy.
        let whens: Vec<usize> = text.match_indices("when ").map(|(i, _)| i + 5).collect();
        let at = whens[whens.len() / 2];
        let start = position(&text, at);
        let mut version = 1;
        // Insert a space, then take it out again: every keystroke is a real
        // change and the text stays the same between samples.
        let mut next_change = || {
            version += 1;
            let change = if version % 2 == 0 {
                json!({ "range": { "start": start, "end": start }, "text": " " })
            } else {
                let mut end = start.clone();
                end["character"] = json!(end["character"].as_u64().unwrap() + 1);
                json!({ "range": { "start": start, "end": end }, "text": "" })
            };
            let params = json!({
                "textDocument": { "uri": uri, "version": version },
                "contentChanges": [change],
            });
            (version, params)
        };
        group.bench_function(format!("didChange+completion_x{k}"), |b| {
            b.iter(|| {
                let (_, params) = next_change();
                client.notify("textDocument/didChange", params);
                let items = client.request(
                    "textDocument/completion",
                    json!({ "textDocument": { "uri": uri }, "position": start }),
                );
                assert!(items.as_array().is_some_and(|a| !a.is_empty()));
            })
        });
        // The same keystroke, timed until the diagnostics of its version
        // are published: the worker's incremental parse, index and check.
        group.bench_function(format!("didChange+diagnostics_x{k}"), |b| {
            b.iter(|| {
                let (version, params) = next_change();
                client.notify("textDocument/didChange", params);
                client.wait_diagnostics(version);
            })
        });
        client.stop();
    }
    group.finish();
}

fn full_check(c: &mut Criterion) {
    let base = std::fs::read_to_string(SARCOMA).unwrap();
    let mut group = c.benchmark_group("lsp_check");
    group.sample_size(10);
    for k in [1usize, 100] {
        let text = scaled(&base, k);
        group.bench_function(format!("parse_x{k}"), |b| {
            b.iter(|| parse_with("scaled.cairn", &text, &FsLoader))
        });
        group.bench_function(format!("parse+check_x{k}"), |b| {
            b.iter(|| check(parse_with("scaled.cairn", &text, &FsLoader)).is_ok())
        });
    }
    group.finish();
}

criterion_group!(benches, keystroke, full_check);
criterion_main!(benches);
