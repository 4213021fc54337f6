//! Language server tests for the authoring features: quick fixes, rename,
//! running the golden cases and `cairn lsp --verbose`, each over stdio
//! against the built `cairn lsp`.

use super::lsp::{pos, Client};
use serde_json::{json, Value};
use std::io::BufReader;
use std::path::Path;
use std::process::{Command, Stdio};

const GUIDELINE: &str = "guideline g {
  title \"G\"
  version \"1\"
  status draft
}

fact grade \"Grade\": integer 1 to 3

define level \"Level\": integer = first {
  when grade ≥ 2 then 2
}

suggest r {
  when level ≥ 1 and grde ≥ 2
  statement \"Grade {grade}.\"
}
";

/// The byte offset of a protocol position (UTF-16 code units).
fn offset(text: &str, position: &Value) -> usize {
    let line = position["line"].as_u64().unwrap() as usize;
    let character = position["character"].as_u64().unwrap() as usize;
    let start: usize = text.split_inclusive('\n').take(line).map(str::len).sum();
    let mut units = 0;
    for (i, c) in text[start..].char_indices() {
        if units >= character {
            return start + i;
        }
        units += c.len_utf16();
    }
    text.len()
}

/// `text` with the protocol edits `edits` applied.
fn apply(text: &str, edits: &Value) -> String {
    let mut edits: Vec<(usize, usize, String)> = edits
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            let start = offset(text, &e["range"]["start"]);
            let end = offset(text, &e["range"]["end"]);
            (start, end, e["newText"].as_str().unwrap().to_string())
        })
        .collect();
    edits.sort_by_key(|e| std::cmp::Reverse(e.0));
    let mut out = text.to_string();
    for (start, end, new) in edits {
        out.replace_range(start..end, &new);
    }
    out
}

fn open(client: &mut Client, uri: &str, text: &str) -> Value {
    let doc = json!({ "uri": uri, "languageId": "cairn", "version": 1, "text": text });
    client.notify("textDocument/didOpen", json!({ "textDocument": doc }));
    client.diagnostics(uri)
}

fn codes(published: &Value) -> Vec<String> {
    let list = published["diagnostics"].as_array().unwrap();
    list.iter()
        .map(|d| d["code"].as_str().unwrap_or("").to_string())
        .collect()
}

fn code_actions(client: &mut Client, uri: &str, range: Value, diagnostics: Value) -> Vec<Value> {
    let params = json!({
        "textDocument": { "uri": uri },
        "range": range,
        "context": { "diagnostics": diagnostics },
    });
    let result = client.request("textDocument/codeAction", params);
    result.as_array().cloned().unwrap_or_default()
}

#[test]
fn lsp_quick_fixes_apply_a_did_you_mean_and_add_a_missing_otherwise() {
    let uri = "file:///tmp/cairn-lsp-actions/guide.cairn";
    let mut client = Client::binary();
    let published = open(&mut client, uri, GUIDELINE);
    let unknown = published["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "cairn::check::unknown_name")
        .cloned()
        .unwrap_or_else(|| panic!("an unknown name: {published}"));
    assert!(unknown["message"]
        .as_str()
        .unwrap()
        .contains("did you mean `grade`?"));

    // The fix for the diagnostic replaces `grde`, after a `≥` on its line.
    let actions = code_actions(&mut client, uri, unknown["range"].clone(), json!([unknown]));
    let fix = actions
        .iter()
        .find(|a| a["title"] == "Replace with `grade`")
        .unwrap_or_else(|| panic!("{actions:?}"));
    assert_eq!(fix["kind"], "quickfix");
    assert_eq!(fix["diagnostics"][0]["code"], "cairn::check::unknown_name");
    let edits = &fix["edit"]["changes"][uri];
    let fixed = apply(GUIDELINE, edits);
    assert_eq!(fixed, GUIDELINE.replace("grde", "grade"));

    // Elsewhere (the header), no quick fix.
    let header = json!({ "start": pos(GUIDELINE, 2), "end": pos(GUIDELINE, 2) });
    assert_eq!(
        code_actions(&mut client, uri, header, json!([])),
        Vec::<Value>::new()
    );

    // Applied, the error is gone; then the `first` gets its `otherwise`.
    let change = json!({
        "textDocument": { "uri": uri, "version": 2 },
        "contentChanges": [{ "text": fixed }],
    });
    client.notify("textDocument/didChange", change);
    let published = client.diagnostics(uri);
    assert!(
        !codes(&published).contains(&"cairn::check::unknown_name".to_string()),
        "{published}"
    );
    let inside = fixed.find("when grade ≥ 2 then").unwrap() + 6;
    let at = json!({ "start": pos(&fixed, inside), "end": pos(&fixed, inside) });
    let actions = code_actions(&mut client, uri, at, json!([]));
    let add = actions
        .iter()
        .find(|a| a["title"] == "Add `otherwise` to this `first`")
        .unwrap_or_else(|| panic!("{actions:?}"));
    let completed = apply(&fixed, &add["edit"]["changes"][uri]);
    assert_eq!(
        completed,
        fixed.replace("then 2\n}", "then 2\n  otherwise TODO\n}")
    );
    assert_eq!(cairn::lsp::OTHERWISE_PLACEHOLDER, "TODO");

    // The placeholder is an error until the author replaces it, and the
    // completed `first` offers no second `otherwise`.
    let change = json!({
        "textDocument": { "uri": uri, "version": 3 },
        "contentChanges": [{ "text": completed }],
    });
    client.notify("textDocument/didChange", change);
    let published = client.diagnostics(uri);
    assert!(published.to_string().contains("`TODO`"), "{published}");
    let inside = completed.find("when grade ≥ 2 then").unwrap() + 6;
    let at = json!({ "start": pos(&completed, inside), "end": pos(&completed, inside) });
    let actions = code_actions(&mut client, uri, at, json!([]));
    assert!(
        actions
            .iter()
            .all(|a| a["title"] != "Add `otherwise` to this `first`"),
        "{actions:?}"
    );

    // A one-line `first` gets it before its brace.
    let one_line = fixed.replace(
        "first {\n  when grade ≥ 2 then 2\n}",
        "first { when grade ≥ 2 then 2 }",
    );
    let change = json!({
        "textDocument": { "uri": uri, "version": 4 },
        "contentChanges": [{ "text": one_line }],
    });
    client.notify("textDocument/didChange", change);
    client.diagnostics(uri);
    let inside = one_line.find("when grade ≥ 2").unwrap();
    let at = json!({ "start": pos(&one_line, inside), "end": pos(&one_line, inside) });
    let actions = code_actions(&mut client, uri, at, json!([]));
    let add = actions
        .iter()
        .find(|a| a["title"] == "Add `otherwise` to this `first`")
        .unwrap_or_else(|| panic!("{actions:?}"));
    assert!(
        apply(&one_line, &add["edit"]["changes"][uri])
            .contains("first { when grade ≥ 2 then 2 otherwise TODO }"),
        "{add}"
    );
    client.shutdown();
}

fn uri_of(path: &Path) -> String {
    format!("file://{}", path.display())
}

#[test]
fn lsp_renames_across_included_files_and_refuses_bad_names() {
    let dir = tempfile::tempdir().unwrap();
    let vocab = "fact grade \"Grade\": integer 1 to 3\nfact size \"Size\": integer\n";
    let main = GUIDELINE
        .replace(
            "fact grade \"Grade\": integer 1 to 3\n",
            "include \"vocab.cairn\"\n",
        )
        .replace("grde", "grade");
    std::fs::write(dir.path().join("vocab.cairn"), vocab).unwrap();
    let main_uri = uri_of(&dir.path().join("main.cairn"));
    let vocab_uri = uri_of(&dir.path().join("vocab.cairn"));
    let mut client = Client::binary();
    let published = open(&mut client, &main_uri, &main);
    let errors: Vec<&Value> = published["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["severity"] == 1)
        .collect();
    assert!(errors.is_empty(), "{published}");

    let use_start = main.find("level ≥ 1 and grade").unwrap() + "level ≥ 1 and ".len();
    let use_at = pos(&main, use_start + 1);
    let at =
        |position: &Value| json!({ "textDocument": { "uri": main_uri }, "position": position });
    let prepared = client.request("textDocument/prepareRename", at(&use_at));
    assert_eq!(prepared["placeholder"], "grade");
    assert_eq!(prepared["range"]["start"], pos(&main, use_start));

    let rename = |position: &Value, new_name: &str| {
        let mut params = at(position);
        params["newName"] = json!(new_name);
        params
    };
    let edit = client.request("textDocument/rename", rename(&use_at, "tumour_grade"));
    let changes = &edit["changes"];
    assert_eq!(
        apply(&main, &changes[main_uri.as_str()]),
        main.replace("grade", "tumour_grade"),
        "uses in conditions and in the statement's placeholder"
    );
    assert_eq!(
        apply(vocab, &changes[vocab_uri.as_str()]),
        vocab.replace("fact grade", "fact tumour_grade")
    );

    // A definition and a recommendation can be renamed too.
    let level_at = pos(&main, main.find("level ≥ 1").unwrap());
    let edit = client.request("textDocument/rename", rename(&level_at, "tier"));
    assert_eq!(
        apply(&main, &edit["changes"][main_uri.as_str()]),
        main.replace("level", "tier")
    );
    let rec_at = pos(&main, main.find("suggest r").unwrap() + 8);
    let edit = client.request("textDocument/rename", rename(&rec_at, "grade_advice"));
    assert_eq!(
        apply(&main, &edit["changes"][main_uri.as_str()]),
        main.replace("suggest r ", "suggest grade_advice ")
    );

    // Refused: not a name, a keyword, a name already declared.
    for (new_name, why) in [
        ("2grade", "is not a name"),
        ("tumour grade", "is not a name"),
        ("otherwise", "is not a name"),
        ("size", "`size` is already declared"),
        ("r", "`r` is already declared"),
    ] {
        let response = client.respond("textDocument/rename", rename(&use_at, new_name));
        let error = response
            .error
            .unwrap_or_else(|| panic!("{new_name} accepted"));
        assert_eq!(error.code, -32803, "{new_name}");
        assert!(error.message.contains(why), "{new_name}: {}", error.message);
    }
    // Not renameable: a keyword, a number, the guideline's header fields.
    for needle in ["when level", "1 and", "status draft"] {
        let position = pos(&main, main.find(needle).unwrap() + 1);
        let response = client.respond("textDocument/prepareRename", at(&position));
        let error = response
            .error
            .unwrap_or_else(|| panic!("{needle} renameable"));
        assert!(
            error.message.contains("can be renamed"),
            "{}",
            error.message
        );
    }
    client.shutdown();
}

#[test]
fn lsp_runs_the_golden_cases_of_the_open_guideline() {
    let dir = tempfile::tempdir().unwrap();
    let guideline = GUIDELINE
        .replace("grde", "grade")
        .replace("then 2\n}", "then 2\n  otherwise 0\n}");
    let path = dir.path().join("g.cairn");
    std::fs::write(&path, &guideline).unwrap();
    std::fs::create_dir(dir.path().join("cases")).unwrap();
    let case = |grade: u32, expected: &str| {
        json!({ "facts": { "grade": grade }, "expect": { "recommendations": { "r": expected } } })
            .to_string()
    };
    let cases = dir.path().join("cases");
    std::fs::write(cases.join("high.json"), case(3, "applies")).unwrap();
    std::fs::write(cases.join("low.json"), case(1, "applies")).unwrap();
    let uri = uri_of(&path);
    let mut client = Client::binary();
    open(&mut client, &uri, &guideline);

    let lenses = client.request(
        "textDocument/codeLens",
        json!({ "textDocument": { "uri": uri } }),
    );
    assert_eq!(lenses[0]["command"]["title"], "Run 2 golden cases");
    assert_eq!(lenses[0]["command"]["command"], cairn::lsp::RUN_TESTS);
    assert_eq!(
        lenses[0]["range"]["start"],
        json!({ "line": 0, "character": 0 })
    );

    let run = |client: &mut Client| {
        let arguments = json!([uri]);
        let params = json!({ "command": "cairn.runTests", "arguments": arguments });
        client.request("workspace/executeCommand", params)
    };
    let summary = run(&mut client);
    assert_eq!(summary["passed"], 1, "{summary}");
    assert_eq!(summary["failed"], 1, "{summary}");
    let low_uri = uri_of(&cases.join("low.json"));
    let high_uri = uri_of(&cases.join("high.json"));
    // Sent before the command's answer, so already received.
    let published = |client: &Client, uri: &str| -> Value {
        let found = client
            .pending
            .iter()
            .rev()
            .find(|n| n.method == "textDocument/publishDiagnostics" && n.params["uri"] == uri);
        found
            .map(|n| n.params.clone())
            .unwrap_or_else(|| panic!("{uri}"))
    };
    let failing = published(&client, &low_uri);
    let message = failing["diagnostics"][0]["message"].as_str().unwrap();
    let name = cases.join("low.json").display().to_string();
    assert!(
        message.starts_with(&format!("golden case `{name}` fails")),
        "{message}"
    );
    assert!(message.contains("not_applicable"), "{message}");
    assert_eq!(published(&client, &high_uri)["diagnostics"], json!([]));
    let shown = client
        .pending
        .iter()
        .find(|n| n.method == "window/showMessage")
        .map(|n| n.params.clone())
        .unwrap_or_else(|| panic!("a message: {:?}", client.pending));
    assert_eq!(shown["message"], "2 golden case(s): 1 passed, 1 failed");
    assert_eq!(shown["type"], 1, "an error message");

    // Fixed on disk, the next run clears the case's diagnostic.
    std::fs::write(cases.join("low.json"), case(1, "not_applicable")).unwrap();
    client.pending.clear();
    let summary = run(&mut client);
    assert_eq!(
        (summary["passed"].clone(), summary["failed"].clone()),
        (json!(2), json!(0))
    );
    assert_eq!(published(&client, &low_uri)["diagnostics"], json!([]));

    // Only that command, and it needs the guideline's URI.
    let params = json!({ "command": "cairn.other", "arguments": [uri] });
    let response = client.respond("workspace/executeCommand", params);
    assert!(response
        .error
        .unwrap()
        .message
        .contains("unknown command `cairn.other`"));
    let params = json!({ "command": "cairn.runTests", "arguments": [] });
    let response = client.respond("workspace/executeCommand", params);
    assert!(response
        .error
        .unwrap()
        .message
        .contains("takes the guideline's URI"));
    client.shutdown();
}

/// Writes one framed JSON-RPC message.
fn frame(stdin: &mut impl std::io::Write, message: Value) {
    let body = message.to_string();
    write!(stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
}

/// A session of `cairn lsp ARGS` that only says hello and goodbye: its
/// exit status, the number of messages it sent and its standard error.
fn handshake(args: &[&str]) -> (std::process::ExitStatus, usize, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_cairn"))
        .arg("lsp")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let init = json!({
        "jsonrpc": "2.0", "id": 1, "method": "initialize", "params": { "capabilities": {} }
    });
    frame(&mut stdin, init);
    let initialized = json!({ "jsonrpc": "2.0", "method": "initialized", "params": {} });
    frame(&mut stdin, initialized);
    frame(
        &mut stdin,
        json!({ "jsonrpc": "2.0", "id": 2, "method": "shutdown" }),
    );
    frame(&mut stdin, json!({ "jsonrpc": "2.0", "method": "exit" }));
    drop(stdin);
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut answers = 0;
    while let Ok(Some(_)) = lsp_server::Message::read(&mut stdout) {
        answers += 1;
    }
    let output = child.wait_with_output().unwrap();
    let log = String::from_utf8(output.stderr).unwrap();
    (output.status, answers, log)
}

#[test]
fn lsp_verbose_logs_each_message_to_stderr() {
    // The VS Code setting `cairn.server.extraArgs` passes `--verbose`.
    let (status, answers, log) = handshake(&["--verbose"]);
    assert!(status.success(), "{status:?}: {log}");
    assert_eq!(answers, 2, "the initialize and shutdown responses");
    assert!(log.starts_with("cairn lsp: initialized\n"), "{log}");
    assert!(
        log.contains("cairn lsp: request `shutdown` handled in "),
        "{log}"
    );
    assert!(log.ends_with("cairn lsp: exit\n"), "{log}");

    let (status, answers, log) = handshake(&[]);
    assert!(status.success(), "{status:?}: {log}");
    assert_eq!(answers, 2);
    assert_eq!(log, "", "quiet without --verbose");

    // VS Code's client (`TransportKind.stdio`) appends `--stdio`.
    let (status, answers, log) = handshake(&["--verbose", "--stdio"]);
    assert!(status.success(), "{status:?}: {log}");
    assert_eq!(answers, 2);
}
