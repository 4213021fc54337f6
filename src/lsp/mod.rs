//! Language server stage: `cairn lsp`.
//!
//! A synchronous server over stdio built on `lsp-server` (with its own
//! bounded frame reader, `transport`). Messages are
//! handled one at a time in the order they arrive, so a `didChange` is always
//! applied before any request that follows it. Every change re-runs the same
//! parser and checker as `cairn check` on the document (and on open
//! documents that include it) and publishes the diagnostics: on open at
//! once, after an edit on the `worker` thread, so that a keystroke is
//! answered while a large guideline is still being checked. After an edit
//! the worker parses again only the declarations the edit touched
//! ([`crate::syntax::ParseCache`]), with the same result as a full parse.
//! Requests are answered from the last analysis (`requests`): navigation,
//! completion and formatting (`features`), quick fixes (`actions`), rename
//! (`rename`) and running the golden cases (`golden`).

mod actions;
pub(crate) mod analysis;
mod features;
mod golden;

mod index;
#[cfg(test)]
mod list_tests;
#[cfg(test)]
mod placeholder_tests;
mod rename;
mod requests;
mod rows;
mod strength;
mod text;
mod transport;
mod worker;

pub use crate::syntax::MAX_FILE_BYTES as MAX_INCLUDE_BYTES;
pub use actions::OTHERWISE_PLACEHOLDER;
pub use features::KEYWORDS;
pub use golden::RUN_TESTS;
pub use text::LineIndex;
pub use transport::{MAX_HEADER_LINE, MAX_MESSAGE};

use analysis::{analyse, path_to_uri, uri_to_path, Analysis, MAIN};
use lsp_server::{Connection, ErrorCode, Message, Notification, Response};
use lsp_types::notification::{self as note, Notification as _};
use lsp_types::request::{self as req, Request as _};
use lsp_types::{
    CodeActionKind, CodeActionOptions, CodeActionProviderCapability, CodeLensOptions,
    CompletionOptions, ExecuteCommandOptions, HoverProviderCapability, OneOf, PositionEncodingKind,
    PublishDiagnosticsParams, RenameOptions, ServerCapabilities, TextDocumentSyncCapability,
    TextDocumentSyncKind, Uri,
};
use std::collections::HashMap;
use std::path::PathBuf;
use thiserror::Error;

/// Why the server stopped with an error.
#[derive(Debug, Error, miette::Diagnostic)]
pub enum LspError {
    /// The client broke the protocol (e.g. no `initialize` first).
    #[error("language server protocol error: {0}")]
    #[diagnostic(code(cairn::lsp::protocol))]
    Protocol(#[from] lsp_server::ProtocolError),
    /// Standard input or output failed.
    #[error("language server i/o error: {0}")]
    #[diagnostic(code(cairn::lsp::io))]
    Io(#[from] std::io::Error),
    /// The connection to the client closed while a message was being sent.
    #[error("the connection to the editor closed")]
    #[diagnostic(code(cairn::lsp::closed))]
    Closed,
    /// A message could not be encoded.
    #[error("could not encode a message: {0}")]
    #[diagnostic(code(cairn::lsp::encode))]
    Encode(#[from] serde_json::Error),
}

/// How the server runs.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Options {
    /// Log each message's method (and each request's time) to standard
    /// error, which editors show in their language server log.
    pub verbose: bool,
}

/// Runs the language server on standard input and output until the client
/// sends `shutdown` and `exit`.
///
/// Frames are read and written by [`transport`], which bounds every
/// message ([`MAX_MESSAGE`]) and answers malformed frames instead of
/// stopping.
pub fn run() -> Result<(), LspError> {
    run_with(Options::default())
}

/// [`run`] with `options`.
pub fn run_with(options: Options) -> Result<(), LspError> {
    let (connection, client) = Connection::memory();
    let Connection { sender, receiver } = client;
    // Not joined: after `exit` it stops by itself, and at end of input the
    // server has already stopped.
    std::thread::Builder::new()
        .name("cairn-lsp-reader".into())
        .spawn(move || transport::read_stdin(|m| sender.send(m).is_ok()))?;
    let writer = std::thread::Builder::new()
        .name("cairn-lsp-writer".into())
        .spawn(move || transport::write_stdout(receiver))?;
    let served = serve_with(&connection, options);
    drop(connection);
    match writer.join() {
        Ok(written) => written?,
        Err(_) => return Err(LspError::Closed),
    }
    served
}

/// The capabilities this server offers.
pub fn capabilities() -> ServerCapabilities {
    ServerCapabilities {
        position_encoding: Some(PositionEncodingKind::UTF16),
        text_document_sync: Some(TextDocumentSyncCapability::Kind(
            TextDocumentSyncKind::INCREMENTAL,
        )),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        definition_provider: Some(OneOf::Left(true)),
        references_provider: Some(OneOf::Left(true)),
        document_symbol_provider: Some(OneOf::Left(true)),
        document_formatting_provider: Some(OneOf::Left(true)),
        completion_provider: Some(CompletionOptions {
            trigger_characters: Some(vec!["[".into(), "{".into(), "=".into(), " ".into()]),
            ..CompletionOptions::default()
        }),
        code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
            code_action_kinds: Some(vec![CodeActionKind::QUICKFIX]),
            ..CodeActionOptions::default()
        })),
        rename_provider: Some(OneOf::Right(RenameOptions {
            prepare_provider: Some(true),
            work_done_progress_options: Default::default(),
        })),
        code_lens_provider: Some(CodeLensOptions {
            resolve_provider: Some(false),
        }),
        execute_command_provider: Some(ExecuteCommandOptions {
            commands: vec![RUN_TESTS.into()],
            ..ExecuteCommandOptions::default()
        }),
        ..ServerCapabilities::default()
    }
}

/// Serves one client on `connection`: the handshake, then messages in
/// order until shutdown. Tests call this over an in-memory connection.
pub fn serve(connection: &Connection) -> Result<(), LspError> {
    serve_with(connection, Options::default())
}

/// [`serve`] with `options`.
pub fn serve_with(connection: &Connection, options: Options) -> Result<(), LspError> {
    let caps = serde_json::to_value(capabilities())?;
    connection.initialize(caps)?;
    let mut server = Server {
        connection,
        docs: HashMap::new(),
        worker: worker::Worker::start(),
        generation: 0,
        verbose: options.verbose,
    };
    server.log(format_args!("initialized"));
    let mut shutting_down = false;
    loop {
        // While analyses run, wake up now and then to publish them.
        let message = if server.worker.in_flight > 0 {
            match connection.receiver.recv_timeout(POLL) {
                Ok(m) => Some(m),
                Err(e) if e.is_timeout() => None,
                Err(_) => return Ok(()),
            }
        } else {
            match connection.receiver.recv() {
                Ok(m) => Some(m),
                Err(_) => return Ok(()),
            }
        };
        server.collect()?;
        let Some(message) = message else {
            continue;
        };
        let started = std::time::Instant::now();
        let method = match &message {
            Message::Request(r) => Some(r.method.clone()),
            Message::Notification(n) => Some(n.method.clone()),
            Message::Response(_) => None,
        };
        let is_request = matches!(message, Message::Request(_));
        match message {
            Message::Request(request) => {
                // Handled here rather than by `Connection::handle_shutdown`,
                // which treats a repeated `shutdown` (Neovim sends one per
                // stop request) as a protocol error.
                let response = if request.method == req::Shutdown::METHOD {
                    shutting_down = true;
                    Response::new_ok(request.id, ())
                } else if shutting_down {
                    Response::new_err(
                        request.id,
                        ErrorCode::InvalidRequest as i32,
                        "the server is shutting down".into(),
                    )
                } else {
                    server.request(request)
                };
                server.send(Message::Response(response))?;
            }
            Message::Notification(n) if n.method == note::Exit::METHOD => {
                server.log(format_args!("exit"));
                return Ok(());
            }
            Message::Notification(n) => server.notification(n)?,
            Message::Response(_) => {}
        }
        if let Some(method) = method {
            let kind = if is_request {
                "request"
            } else {
                "notification"
            };
            let ms = started.elapsed().as_secs_f64() * 1000.0;
            server.log(format_args!("{kind} `{method}` handled in {ms:.1} ms"));
        }
    }
}

/// How often the loop looks for finished analyses while some run: the
/// latency a finished analysis may wait before its diagnostics go out.
const POLL: std::time::Duration = std::time::Duration::from_millis(1);

/// One open document.
struct Doc {
    path: PathBuf,
    /// The text as it is now.
    text: String,
    /// The line index of `text`.
    lines: LineIndex,
    version: i32,
    /// The last analysis; its text may be a few edits older than `text`.
    analysis: Analysis,
    /// The version the analysis was made from.
    analysed_version: i32,
    /// The generation of the newest analysis asked for: only its result is
    /// kept when it comes back.
    generation: u64,
}

struct Server<'c> {
    connection: &'c Connection,
    docs: HashMap<Uri, Doc>,
    worker: worker::Worker,
    /// The last generation handed out.
    generation: u64,
    /// Log to standard error ([`Options::verbose`]).
    verbose: bool,
}

impl Server<'_> {
    /// Writes a line to standard error when verbose; a closed standard
    /// error is ignored (the log is a courtesy, not part of the protocol).
    fn log(&self, line: std::fmt::Arguments<'_>) {
        if self.verbose {
            use std::io::Write as _;
            let _ = writeln!(std::io::stderr().lock(), "cairn lsp: {line}");
        }
    }

    fn send(&self, message: Message) -> Result<(), LspError> {
        self.connection
            .sender
            .send(message)
            .map_err(|_| LspError::Closed)
    }

    fn open_texts(&self) -> HashMap<PathBuf, String> {
        self.docs
            .values()
            .map(|d| (d.path.clone(), d.text.clone()))
            .collect()
    }

    fn notification(&mut self, n: Notification) -> Result<(), LspError> {
        match n.method.as_str() {
            note::DidOpenTextDocument::METHOD => {
                let Ok(p) = n.extract::<lsp_types::DidOpenTextDocumentParams>(
                    note::DidOpenTextDocument::METHOD,
                ) else {
                    return Ok(());
                };
                let doc = p.text_document;
                let path = uri_to_path(&doc.uri);
                let analysis = analyse(&path, &doc.text, &self.open_texts());
                let entry = Doc {
                    path,
                    lines: LineIndex::new(&doc.text),
                    text: doc.text,
                    version: doc.version,
                    analysis,
                    analysed_version: doc.version,
                    generation: 0,
                };
                self.docs.insert(doc.uri.clone(), entry);
                self.changed(&doc.uri, false)
            }
            note::DidChangeTextDocument::METHOD => {
                let Ok(p) = n.extract::<lsp_types::DidChangeTextDocumentParams>(
                    note::DidChangeTextDocument::METHOD,
                ) else {
                    return Ok(());
                };
                let uri = p.text_document.uri;
                if let Some(doc) = self.docs.get_mut(&uri) {
                    for change in &p.content_changes {
                        text::apply_change(&mut doc.text, &mut doc.lines, change);
                    }
                    doc.version = p.text_document.version;
                }
                self.changed(&uri, true)
            }
            note::DidCloseTextDocument::METHOD => {
                let Ok(p) = n.extract::<lsp_types::DidCloseTextDocumentParams>(
                    note::DidCloseTextDocument::METHOD,
                ) else {
                    return Ok(());
                };
                self.docs.remove(&p.text_document.uri);
                self.worker.forget(p.text_document.uri.clone());
                self.publish(p.text_document.uri, Vec::new(), None)
            }
            _ => Ok(()),
        }
    }

    /// Re-analyses `uri` and every open document that includes it, and
    /// publishes their diagnostics: at once, or (`background`) through the
    /// worker, when its results come back.
    fn changed(&mut self, uri: &Uri, background: bool) -> Result<(), LspError> {
        let Some(path) = self.docs.get(uri).map(|d| d.path.clone()) else {
            return Ok(());
        };
        let name = path.to_string_lossy().to_string();
        let open = self.open_texts();
        let affected: Vec<Uri> = self
            .docs
            .iter()
            .filter(|(u, d)| *u == uri || d.analysis.sources.find(&name).is_some())
            .map(|(u, _)| u.clone())
            .collect();
        for u in &affected {
            self.generation += 1;
            let generation = self.generation;
            let Some(doc) = self.docs.get_mut(u) else {
                continue;
            };
            doc.generation = generation;
            if background {
                let job = worker::Job {
                    uri: u.clone(),
                    generation,
                    path: doc.path.clone(),
                    text: doc.text.clone(),
                    open: open.clone(),
                };
                if let Some(done) = self.worker.submit(job) {
                    self.accept(done)?;
                }
            } else {
                doc.analysis = analyse(&doc.path, &doc.text, &open);
                doc.analysed_version = doc.version;
            }
        }
        if !background {
            for u in &affected {
                self.publish_doc(u)?;
            }
        }
        Ok(())
    }

    /// Swaps in every finished analysis that is still the newest asked for,
    /// and publishes its diagnostics.
    fn collect(&mut self) -> Result<(), LspError> {
        for done in self.worker.ready() {
            self.accept(done)?;
        }
        Ok(())
    }

    fn accept(&mut self, done: worker::Done) -> Result<(), LspError> {
        let Some(doc) = self.docs.get_mut(&done.uri) else {
            return Ok(());
        };
        if doc.generation != done.generation {
            return Ok(());
        }
        doc.analysis = done.analysis;
        doc.analysed_version = doc.version;
        self.publish_doc(&done.uri)
    }

    /// Publishes the diagnostics of `u`'s analysis: its own, and those of
    /// the files it includes.
    fn publish_doc(&self, u: &Uri) -> Result<(), LspError> {
        let Some(doc) = self.docs.get(u) else {
            return Ok(());
        };
        let mut batches = Vec::new();
        for (file, list) in &doc.analysis.diagnostics {
            if *file == MAIN {
                // A file another open document includes is checked in
                // that context (as `cairn check` on the includer would);
                // on its own it would only miss the header and names.
                if !self.included_elsewhere(u, &doc.path) {
                    batches.push((u.clone(), list.clone(), Some(doc.analysed_version)));
                }
            } else if let Some(f) = doc.analysis.sources.get(*file) {
                if let Some(target) = self.uri_of(std::path::Path::new(&f.name)) {
                    batches.push((target, list.clone(), None));
                }
            }
        }
        for (target, list, version) in batches {
            self.publish(target, list, version)?;
        }
        Ok(())
    }

    /// True when an open document other than `uri` includes the file at `path`.
    fn included_elsewhere(&self, uri: &Uri, path: &std::path::Path) -> bool {
        let name = path.to_string_lossy();
        self.docs
            .iter()
            .any(|(u, d)| u != uri && d.analysis.sources.find(&name).is_some_and(|id| id != MAIN))
    }

    /// The URI of a file: the one the editor used when it is open.
    fn uri_of(&self, path: &std::path::Path) -> Option<Uri> {
        self.docs
            .iter()
            .find(|(_, d)| d.path == path)
            .map(|(u, _)| u.clone())
            .or_else(|| path_to_uri(path))
    }

    fn publish(
        &self,
        uri: Uri,
        diagnostics: Vec<lsp_types::Diagnostic>,
        version: Option<i32>,
    ) -> Result<(), LspError> {
        let params = PublishDiagnosticsParams {
            uri,
            diagnostics,
            version,
        };
        let n = Notification::new(note::PublishDiagnostics::METHOD.into(), params);
        self.send(Message::Notification(n))
    }
}
