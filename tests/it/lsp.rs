//! Language server tests: JSON-RPC sessions against `cairn lsp`, both the
//! built binary over stdio and the library over an in-memory connection.
//! Positions in the assertions are computed here independently (UTF-16 code
//! units of the line prefix), so a byte or character count in the server
//! would make them fail on the non-ASCII lines.

use lsp_server::{Connection, Message, Notification, Request, RequestId};
use serde_json::{json, Value};
use std::collections::VecDeque;
use std::io::BufReader;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

const SAMPLE: &str = include_str!("../../editors/samples/sarcoma.cairn");
pub(super) const URI: &str = "file:///tmp/cairn-lsp-test/na%C3%AFve%20guide.cairn";

/// A client speaking to a server through some transport.
pub(super) struct Client {
    send: Box<dyn FnMut(Message)>,
    recv: mpsc::Receiver<Message>,
    pub(super) pending: VecDeque<Notification>,
    next_id: i32,
    server: Option<std::thread::JoinHandle<Result<(), String>>>,
}

impl Client {
    pub(super) fn memory() -> Client {
        let (server, client) = Connection::memory();
        let handle =
            std::thread::spawn(move || cairn::lsp::serve(&server).map_err(|e| e.to_string()));
        let (tx, rx) = mpsc::channel();
        let receiver = client.receiver.clone();
        std::thread::spawn(move || {
            while let Ok(m) = receiver.recv() {
                if tx.send(m).is_err() {
                    break;
                }
            }
        });
        let sender = client.sender.clone();
        let mut client = Client::new(Box::new(move |m| sender.send(m).unwrap()), rx);
        client.server = Some(handle);
        client
    }

    pub(super) fn binary() -> Client {
        let mut child = Command::new(env!("CARGO_BIN_EXE_cairn"))
            .arg("lsp")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("spawn cairn lsp");
        let mut stdin = child.stdin.take().unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            while let Ok(Some(m)) = Message::read(&mut reader) {
                if tx.send(m).is_err() {
                    break;
                }
            }
            let _ = child.wait();
        });
        Client::new(Box::new(move |m| m.write(&mut stdin).unwrap()), rx)
    }

    fn new(send: Box<dyn FnMut(Message)>, recv: mpsc::Receiver<Message>) -> Client {
        let mut client = Client {
            send,
            recv,
            pending: VecDeque::new(),
            next_id: 0,
            server: None,
        };
        let init = client.request("initialize", json!({ "capabilities": {} }));
        assert_eq!(init["capabilities"]["positionEncoding"], "utf-16");
        assert_eq!(
            init["capabilities"]["textDocumentSync"], 2,
            "incremental sync"
        );
        client.notify("initialized", json!({}));
        client
    }

    pub(super) fn next(&mut self) -> Message {
        self.recv
            .recv_timeout(Duration::from_secs(30))
            .expect("server answered within 30 s")
    }

    pub(super) fn notify(&mut self, method: &str, params: Value) {
        (self.send)(Message::Notification(Notification::new(
            method.into(),
            params,
        )));
    }

    pub(super) fn request(&mut self, method: &str, params: Value) -> Value {
        let r = self.respond(method, params);
        assert!(r.error.is_none(), "{method} failed: {:?}", r.error);
        r.result.unwrap_or(Value::Null)
    }

    /// Sends a request and returns its response, error or not.
    pub(super) fn respond(&mut self, method: &str, params: Value) -> lsp_server::Response {
        self.next_id += 1;
        let id = RequestId::from(self.next_id);
        (self.send)(Message::Request(Request::new(
            id.clone(),
            method.into(),
            params,
        )));
        loop {
            match self.next() {
                Message::Response(r) if r.id == id => return r,
                Message::Notification(n) => self.pending.push_back(n),
                other => panic!("unexpected message {other:?}"),
            }
        }
    }

    /// The next `publishDiagnostics` for `uri`.
    pub(super) fn diagnostics(&mut self, uri: &str) -> Value {
        loop {
            let n = match self.pending.pop_front() {
                Some(n) => n,
                None => match self.next() {
                    Message::Notification(n) => n,
                    other => panic!("unexpected message {other:?}"),
                },
            };
            if n.method == "textDocument/publishDiagnostics" && n.params["uri"] == uri {
                return n.params;
            }
        }
    }

    pub(super) fn open(&mut self, text: &str) -> Value {
        let doc = json!({ "uri": URI, "languageId": "cairn", "version": 1, "text": text });
        self.notify("textDocument/didOpen", json!({ "textDocument": doc }));
        self.diagnostics(URI)
    }

    pub(super) fn at(&mut self, method: &str, position: Value) -> Value {
        let mut params = json!({ "textDocument": { "uri": URI }, "position": position });
        if method == "textDocument/references" {
            params["context"] = json!({ "includeDeclaration": true });
        }
        self.request(method, params)
    }

    pub(super) fn shutdown(mut self) {
        assert_eq!(self.request("shutdown", Value::Null), Value::Null);
        self.notify("exit", Value::Null);
        if let Some(server) = self.server.take() {
            assert_eq!(server.join().unwrap(), Ok(()), "the server stopped cleanly");
        }
    }
}

/// The protocol position of byte `offset`, counted in UTF-16 code units.
pub(super) fn pos(text: &str, offset: usize) -> Value {
    let before = &text[..offset];
    let line = before.matches('\n').count();
    let start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
    let character = before[start..].encode_utf16().count();
    json!({ "line": line, "character": character })
}

/// The position just inside the `nth` occurrence (0-based) of `needle`.
fn find(text: &str, needle: &str, nth: usize) -> (usize, Value) {
    let offset = text.match_indices(needle).nth(nth).expect(needle).0;
    (offset, pos(text, offset + 1))
}

fn hover_text(client: &mut Client, position: Value) -> String {
    let hover = client.at("textDocument/hover", position);
    hover["contents"]["value"]
        .as_str()
        .unwrap_or("")
        .to_string()
}

fn labels(result: &Value) -> Vec<String> {
    let items = result.as_array().cloned().unwrap_or_default();
    items
        .iter()
        .map(|i| i["label"].as_str().unwrap().to_string())
        .collect()
}

/// The syntax diagnostics of a `publishDiagnostics` notification.
fn syntax_diagnostics(published: &Value) -> impl Iterator<Item = &Value> {
    published["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| {
            d["code"]
                .as_str()
                .unwrap_or("")
                .starts_with("cairn::syntax")
        })
}

/// A whole editing session: the same scenario runs over both transports.
fn session(mut client: Client) {
    let published = client.open(SAMPLE);
    let syntax: Vec<&Value> = syntax_diagnostics(&published).collect();
    assert!(syntax.is_empty(), "sample parses: {syntax:?}");

    // Hover on a fact used after `≥` on a line with non-ASCII text.
    let (_, at) = find(SAMPLE, "grade ≥ 2 and naive", 0);
    let text = hover_text(&mut client, at);
    assert!(text.contains("**fact** `grade`: integer 1 to 3"), "{text}");
    assert!(text.contains("FNCLCC grade"), "{text}");
    let (offset, _) = find(SAMPLE, "naive\n", 0);
    let text = hover_text(&mut client, pos(SAMPLE, offset + 2));
    assert!(text.contains("Treatment-naïve patient"), "{text}");

    // Hover on an enum fact lists its values; on a recommendation, its statement.
    let (_, at) = find(SAMPLE, "resectability = resectable", 0);
    let text = hover_text(&mut client, at);
    assert!(
        text.contains("- `borderline` — Borderline resectable"),
        "{text}"
    );
    let (_, at) = find(SAMPLE, "preop_rt", 0);
    let text = hover_text(&mut client, at);
    assert!(
        text.starts_with("**suggest** `preop_rt` (strength 2C)"),
        "{text}"
    );
    assert!(text.contains("Preoperative radiation therapy"), "{text}");

    // Hover on a citation range shows each reference's text.
    let (offset, _) = find(SAMPLE, "2-3]", 0);
    let text = hover_text(&mut client, pos(SAMPLE, offset));
    assert!(
        text.contains("Swallow CJ") && text.contains("Gronchi A"),
        "{text}"
    );

    // Go to definition of an enum value resolves by context to the enum.
    let (offset, _) = find(SAMPLE, "resectability = resectable", 0);
    let value_at = offset + "resectability = ".len() + 2;
    let defs = client.at("textDocument/definition", pos(SAMPLE, value_at));
    let declared = SAMPLE.find("resectable \"Resectable\"").unwrap();
    assert_eq!(defs[0]["uri"], URI);
    assert_eq!(defs[0]["range"]["start"], pos(SAMPLE, declared));

    // Definition of a placeholder inside a statement string, after `≥`.
    let (offset, _) = find(SAMPLE, "{grade}", 0);
    let defs = client.at("textDocument/definition", pos(SAMPLE, offset + 2));
    let declared = SAMPLE.find("grade \"FNCLCC").unwrap();
    assert_eq!(defs[0]["range"]["start"], pos(SAMPLE, declared));
    assert_eq!(defs[0]["range"]["end"], pos(SAMPLE, declared + 5));

    // References of `grade`: the declaration and every use.
    let refs = client.at("textDocument/references", pos(SAMPLE, declared + 1));
    let starts: Vec<&Value> = refs
        .as_array()
        .unwrap()
        .iter()
        .map(|r| &r["range"]["start"])
        .collect();
    let uses = [
        ("fact grade", 5),
        ("grade ≥ 2", 0),
        ("when grade = 1", 5),
        ("{grade}", 1),
        ("[grade = 3", 1),
        ("grade != 1", 0),
    ];
    let expected: Vec<Value> = uses
        .iter()
        .map(|(needle, skip)| pos(SAMPLE, SAMPLE.find(needle).expect(needle) + skip))
        .collect();
    assert_eq!(starts.len(), expected.len(), "{refs}");
    for e in &expected {
        assert!(starts.contains(&e), "missing {e} in {refs}");
    }

    // Completion: enum values after `=`, reference numbers in `cite [`,
    // keywords and fact names elsewhere.
    let (offset, _) = find(SAMPLE, "resectability in {", 0);
    let values = client.at(
        "textDocument/completion",
        pos(SAMPLE, offset + "resectability in {".len()),
    );
    assert_eq!(
        labels(&values),
        ["resectable", "borderline", "unresectable"]
    );
    // In a table row: the values of the key at the pattern's place.
    let (offset, _) = find(SAMPLE, "row resectable", 0);
    let row = client.at(
        "textDocument/completion",
        pos(SAMPLE, offset + "row ".len()),
    );
    assert_eq!(
        labels(&row),
        ["_", "resectable", "borderline", "unresectable"]
    );
    let (offset, _) = find(SAMPLE, "cite [1", 0);
    let numbers = client.at(
        "textDocument/completion",
        pos(SAMPLE, offset + "cite [".len()),
    );
    assert_eq!(labels(&numbers), ["1", "2", "3"]);
    let (offset, _) = find(SAMPLE, "when fit and", 0);
    let general = labels(&client.at("textDocument/completion", pos(SAMPLE, offset + 5)));
    for expected in [
        "do-not-offer",
        "tumor_size",
        "naive",
        "rt_dose",
        "high_grade",
    ] {
        assert!(
            general.iter().any(|l| l == expected),
            "{expected} in {general:?}"
        );
    }

    let (offset, _) = find(SAMPLE, "excludes surgery, ", 0);
    let recs = client.at(
        "textDocument/completion",
        pos(SAMPLE, offset + "excludes surgery, ".len()),
    );
    let recs = labels(&recs);
    assert!(
        recs.contains(&"preop_rt".to_string()) && recs.contains(&"postop_rt".to_string()),
        "{recs:?}"
    );
    assert!(
        !recs.contains(&"grade".to_string()) && !recs.contains(&"and".to_string()),
        "{recs:?}"
    );

    // The outline: sections hold their recommendations.
    let symbols = client.request(
        "textDocument/documentSymbol",
        json!({ "textDocument": { "uri": URI } }),
    );
    let section = symbols
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "management")
        .expect("section in outline");
    assert_eq!(section["detail"], "Management of resectable disease");
    let children: Vec<&str> = section["children"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(children, ["surgery", "preop_rt"]);

    // An incremental edit that breaks one declaration after non-ASCII text:
    // the diagnostic points at the right UTF-16 column, and a declaration
    // broken elsewhere is reported too.
    let line = "define broken \"𝄞 naïve ≥ μ\" = grade ≥ ≥ 2\n";
    let insert_at = SAMPLE.find("table rt_dose").unwrap();
    let start = pos(SAMPLE, insert_at);
    client.notify(
        "textDocument/didChange",
        json!({
            "textDocument": { "uri": URI, "version": 2 },
            "contentChanges": [
                { "range": { "start": start, "end": start }, "text": line },
                { "range": { "start": { "line": 0, "character": 0 }, "end": { "line": 0, "character": 0 } },
                  "text": "fact x \"y\": integr\n" },
            ],
        }),
    );
    let published = client.diagnostics(URI);
    assert_eq!(published["version"], 2);
    let mut edited = SAMPLE.to_string();
    edited.insert_str(insert_at, line);
    edited.insert_str(0, "fact x \"y\": integr\n");
    let parsed = cairn::syntax::parse_with("x.cairn", &edited, &cairn::syntax::FsLoader);
    let expected: Vec<Value> = parsed
        .diagnostics
        .to_json(&parsed.sources)
        .iter()
        .map(|d| pos(&edited, d.labels[0].start))
        .collect();
    assert_eq!(expected.len(), 2, "two broken declarations");
    let got: Vec<&Value> = syntax_diagnostics(&published)
        .map(|d| &d["range"]["start"])
        .collect();
    assert_eq!(got.len(), 2, "{published}");
    for e in &expected {
        assert!(got.contains(&e), "{e} in {published}");
    }
    let broken_line = edited[..edited.find("define broken").unwrap()]
        .matches('\n')
        .count();
    assert!(got.iter().any(|g| g["line"] == broken_line));

    // Undo the first edit with a change that ends inside the emoji's line.
    let end_of_line = pos(&edited, edited.find("define broken").unwrap() + line.len());
    let start_of_line = pos(&edited, edited.find("define broken").unwrap());
    client.notify(
        "textDocument/didChange",
        json!({
            "textDocument": { "uri": URI, "version": 3 },
            "contentChanges": [
                { "range": { "start": start_of_line, "end": end_of_line }, "text": "" },
            ],
        }),
    );
    let published = client.diagnostics(URI);
    let syntax = syntax_diagnostics(&published).count();
    assert_eq!(syntax, 1, "only the broken fact remains: {published}");

    // A checker error (not a syntax error) after non-ASCII text on its line.
    let fixed = edited
        .replacen("fact x \"y\": integr\n", "", 1)
        .replacen(line, "", 1);
    assert_eq!(fixed, SAMPLE);
    let typo = fixed.replacen("grade ≥ 2 and naive", "grade ≥ 2 and naiv", 1);
    client.notify(
        "textDocument/didChange",
        json!({
            "textDocument": { "uri": URI, "version": 4 },
            "contentChanges": [{ "text": typo }],
        }),
    );
    let published = client.diagnostics(URI);
    let diagnostics = published["diagnostics"].as_array().unwrap();
    let unknown = diagnostics
        .iter()
        .find(|d| d["code"] == "cairn::check::unknown_name")
        .unwrap_or_else(|| panic!("checker ran: {published}"));
    let parsed = cairn::syntax::parse_with("x.cairn", &typo, &cairn::syntax::FsLoader);
    let failed = cairn::check::check(parsed).expect_err("typo fails the checker");
    let json = failed.diagnostics.to_json(&failed.sources);
    let cli = json
        .iter()
        .find(|d| d.code == "cairn::check::unknown_name")
        .unwrap();
    assert_eq!(unknown["range"]["start"], pos(&typo, cli.labels[0].start));
    assert_eq!(
        diagnostics.len(),
        json.len(),
        "same diagnostics as `cairn check`"
    );
    client.shutdown();
}

#[test]
fn lsp_session_in_process() {
    session(Client::memory());
}

#[test]
fn lsp_session_over_stdio() {
    session(Client::binary());
}

#[test]
fn lsp_rejects_unknown_requests_and_unopened_documents() {
    let mut client = Client::memory();
    client.next_id += 1;
    let id = RequestId::from(client.next_id);
    (client.send)(Message::Request(Request::new(
        id,
        "cairn/nothing".into(),
        json!({}),
    )));
    match client.next() {
        Message::Response(r) => assert_eq!(r.error.unwrap().code, -32601),
        other => panic!("unexpected {other:?}"),
    }
    client.next_id += 1;
    let id = RequestId::from(client.next_id);
    let params = json!({ "textDocument": { "uri": "file:///nowhere.cairn" }, "position": { "line": 0, "character": 0 } });
    (client.send)(Message::Request(Request::new(
        id,
        "textDocument/hover".into(),
        params,
    )));
    match client.next() {
        Message::Response(r) => assert!(r.error.unwrap().message.contains("not open")),
        other => panic!("unexpected {other:?}"),
    }
    client.shutdown();
}

/// Every recommendation id in a nested outline.
fn outline_names(symbols: &Value, out: &mut Vec<String>) {
    for s in symbols.as_array().into_iter().flatten() {
        if s["kind"] == 12 {
            out.push(s["name"].as_str().unwrap().to_string());
        }
        outline_names(&s["children"], out);
    }
}

#[test]
fn lsp_on_the_real_guidelines() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    let mut dirs = vec![root.join("guidelines")];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "cairn") {
                files.push(path);
            }
        }
    }
    assert!(!files.is_empty(), "the repository has guidelines");
    let mut client = Client::memory();
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap();
        let uri = format!("file://{}", path.display());
        let doc = json!({ "uri": uri, "languageId": "cairn", "version": 1, "text": text });
        client.notify("textDocument/didOpen", json!({ "textDocument": doc }));
        let published = client.diagnostics(&uri);
        let parsed =
            cairn::syntax::parse_with(&path.to_string_lossy(), &text, &cairn::syntax::FsLoader);
        let cli = match cairn::check::check(parsed) {
            Ok(checked) => checked.warnings.reports.len(),
            Err(failed) => failed.diagnostics.reports.len(),
        };
        assert_eq!(
            published["diagnostics"].as_array().unwrap().len(),
            cli,
            "{}",
            path.display()
        );
        let symbols = client.request(
            "textDocument/documentSymbol",
            json!({ "textDocument": { "uri": uri } }),
        );
        let mut recs = Vec::new();
        outline_names(&symbols, &mut recs);
        let declared: Vec<String> = text
            .lines()
            .filter_map(|l| {
                let mut words = l.split_whitespace();
                let kind = words.next()?;
                let kinds = [
                    "recommend",
                    "suggest",
                    "option",
                    "consider",
                    "do-not-offer",
                    "discourage",
                    "refer",
                    "inform",
                ];
                (kinds.contains(&kind) && l.trim_end().ends_with('{'))
                    .then(|| words.next().unwrap().to_string())
            })
            .collect();
        assert!(!declared.is_empty());
        assert_eq!(recs, declared, "{}", path.display());
    }
    client.shutdown();
}

#[test]
fn lsp_tolerates_a_repeated_shutdown_and_refuses_later_requests() {
    let mut client = Client::memory();
    assert_eq!(client.request("shutdown", Value::Null), Value::Null);
    client.next_id += 1;
    let id = RequestId::from(client.next_id);
    let params =
        json!({ "textDocument": { "uri": URI }, "position": { "line": 0, "character": 0 } });
    (client.send)(Message::Request(Request::new(
        id,
        "textDocument/hover".into(),
        params,
    )));
    match client.next() {
        Message::Response(r) => assert_eq!(r.error.unwrap().code, -32600),
        other => panic!("unexpected {other:?}"),
    }
    client.shutdown();
}

#[test]
fn lsp_formats_like_cairn_fmt() {
    let mut client = Client::memory();
    let messy: String = SAMPLE
        .lines()
        .map(|l| format!("{}\n", l.trim_start()))
        .collect();
    client.open(&messy);
    let params = json!({ "textDocument": { "uri": URI }, "options": { "tabSize": 4, "insertSpaces": true } });
    let edits = client.request("textDocument/formatting", params.clone());
    let expected = cairn::format::format_source("x.cairn", &messy).unwrap();
    assert_ne!(expected, messy);
    assert_eq!(edits.as_array().unwrap().len(), 1, "{edits}");
    assert_eq!(edits[0]["newText"], expected.as_str());
    assert_eq!(
        edits[0]["range"]["start"],
        json!({ "line": 0, "character": 0 })
    );
    assert_eq!(edits[0]["range"]["end"], pos(&messy, messy.len()));

    // Already formatted: no edits. Not parseable: no answer.
    let change = json!({ "textDocument": { "uri": URI, "version": 2 }, "contentChanges": [{ "text": expected }] });
    client.notify("textDocument/didChange", change);
    assert_eq!(
        client.request("textDocument/formatting", params.clone()),
        json!([])
    );
    let change = json!({ "textDocument": { "uri": URI, "version": 3 }, "contentChanges": [{ "text": "fact ≥ μ" }] });
    client.notify("textDocument/didChange", change);
    assert_eq!(
        client.request("textDocument/formatting", params),
        Value::Null
    );
    client.shutdown();
}

#[test]
fn lsp_follows_includes_and_unsaved_included_documents() {
    let dir = std::env::temp_dir().join(format!("cairn-lsp-include-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let vocab_text = "fact grade \"Grade (μ)\": integer 1 to 3\n";
    std::fs::write(dir.join("vocab.cairn"), vocab_text).unwrap();
    let main_text = "guideline g { title \"G\" version \"1\" status draft }\ninclude \"vocab.cairn\"\nsuggest r { when grade ≥ 2 statement \"S\" }\n";
    let main_uri = format!("file://{}/main.cairn", dir.display());
    let vocab_uri = format!("file://{}/vocab.cairn", dir.display());
    let mut client = Client::memory();
    let doc = json!({ "uri": main_uri, "languageId": "cairn", "version": 1, "text": main_text });
    client.notify("textDocument/didOpen", json!({ "textDocument": doc }));
    let published = client.diagnostics(&main_uri);
    assert_eq!(published["diagnostics"], json!([]), "{published}");

    let at = |needle: &str, skip: usize| pos(main_text, main_text.find(needle).unwrap() + skip);
    let params =
        |position: Value| json!({ "textDocument": { "uri": main_uri }, "position": position });
    let defs = client.request("textDocument/definition", params(at("grade ≥", 1)));
    assert_eq!(defs[0]["uri"], vocab_uri.as_str());
    assert_eq!(
        defs[0]["range"]["start"],
        json!({ "line": 0, "character": 5 })
    );
    let defs = client.request("textDocument/definition", params(at("\"vocab", 2)));
    assert_eq!(defs[0]["uri"], vocab_uri.as_str());
    assert_eq!(
        defs[0]["range"]["start"],
        json!({ "line": 0, "character": 0 })
    );

    // An unsaved rename in the included file re-checks the file that includes it,
    // and the included file is checked in that context (no "missing header").
    let renamed = vocab_text.replace("fact grade", "fact tumour_grade");
    let doc = json!({ "uri": vocab_uri, "languageId": "cairn", "version": 1, "text": renamed });
    client.notify("textDocument/didOpen", json!({ "textDocument": doc }));
    // Messages are handled in order, so every notification caused by the
    // didOpen arrives before this response.
    client.request(
        "textDocument/documentSymbol",
        json!({ "textDocument": { "uri": main_uri } }),
    );
    let published: Vec<Value> = client
        .pending
        .drain(..)
        .filter(|n| n.method == "textDocument/publishDiagnostics")
        .map(|n| n.params)
        .collect();
    let codes = |uri: &str| -> Vec<String> {
        let last = published.iter().rev().find(|p| p["uri"] == uri).expect(uri);
        let list = last["diagnostics"].as_array().unwrap();
        list.iter()
            .map(|d| d["code"].as_str().unwrap().to_string())
            .collect()
    };
    assert!(
        codes(&main_uri).contains(&"cairn::check::unknown_name".to_string()),
        "{published:?}"
    );
    let vocab: Vec<&Value> = published
        .iter()
        .filter(|p| p["uri"] == vocab_uri.as_str())
        .collect();
    assert!(!vocab.is_empty(), "{published:?}");
    for p in vocab {
        assert!(!p.to_string().contains("header"), "{p}");
    }
    client.shutdown();
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn lsp_hovers_a_strength_and_kind_per_case_and_outlines_constraints() {
    let text = "guideline g {\n  title \"T\"\n  version \"1\"\n  status draft\n}\n\
fact margin \"Margin\": enum { R0, R1, R2 }\nfact frail \"Frail\": bool\n\
constraint c \"Frail patients have a margin\": not (frail and margin is unknown)\n\
suggest surveillance {\n  strength 2C when margin in {R0, R1} otherwise none\n\
  kind suggest when margin in {R0, R1} otherwise option\n  statement \"Surveillance.\"\n}\n";
    let mut client = Client::memory();
    client.open(text);
    let (_, at) = find(text, "surveillance {", 0);
    let hover = hover_text(&mut client, at);
    assert!(
        hover.starts_with(
            "**suggest** `surveillance` (strength 2C or none, by case) (kind suggest or option, by case)"
        ),
        "{hover}"
    );
    // A fact read by a branch condition or a constraint is a reference.
    let (_, at) = find(text, "margin in {R0, R1} otherwise none", 0);
    assert!(hover_text(&mut client, at).contains("**fact** `margin`"));
    let (_, at) = find(text, "frail and", 0);
    assert!(hover_text(&mut client, at).contains("**fact** `frail`"));
    let symbols = client.request(
        "textDocument/documentSymbol",
        json!({ "textDocument": { "uri": URI } }),
    );
    let constraint = symbols
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "c")
        .unwrap_or_else(|| panic!("no constraint in {symbols}"));
    assert_eq!(constraint["detail"], "Frail patients have a margin");
    client.shutdown();
}
