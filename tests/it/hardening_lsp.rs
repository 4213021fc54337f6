//! Language server hardening tests (issue 10): hostile text, frames and
//! includes. Each test is named after the finding it guards against.

use super::lsp::{pos, Client};
use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};

const HEAD: &str = "guideline g {\n  title \"T\"\n  version \"1\"\n  status draft\n}\n\
fact margin \"Margin\": enum { R0, R1, R2 }\n";

/// Completion after a multi-byte character right before `=`, `!=`, `≠` or
/// `in {` sliced a string off a character boundary and killed the server.
#[test]
fn lsp_completion_after_a_multibyte_character_before_an_operator() {
    let mut client = Client::memory();
    for tail in [
        "für =",
        "für !=",
        "für ≠",
        "für in {",
        "margin_é = ",
        "é in {R0, ",
    ] {
        let text = format!("{HEAD}recommend r {{\n  when {tail}");
        client.open(&text);
        let items = client.at("textDocument/completion", pos(&text, text.len()));
        // Not an enum's subject: the general list (keywords and names).
        let labels: Vec<&str> = items
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["label"].as_str().unwrap())
            .collect();
        assert!(labels.contains(&"margin"), "{tail}: {labels:?}");
    }
    // A real subject still gets its values.
    let text = format!("{HEAD}recommend r {{\n  when margin = ");
    client.open(&text);
    let items = client.at("textDocument/completion", pos(&text, text.len()));
    assert_eq!(items.as_array().unwrap().len(), 3, "{items}");
    client.shutdown();
}

/// Reads one frame of the server's output.
fn read_raw(out: &mut impl BufRead) -> Value {
    let mut length = 0;
    loop {
        let mut line = String::new();
        assert!(out.read_line(&mut line).unwrap() > 0, "the server closed");
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(v) = line.strip_prefix("Content-Length: ") {
            length = v.parse().unwrap();
        }
    }
    let mut body = vec![0; length];
    out.read_exact(&mut body).unwrap();
    serde_json::from_slice(&body).unwrap()
}

fn frame(body: &str) -> Vec<u8> {
    format!("Content-Length: {}\r\n\r\n{body}", body.len()).into_bytes()
}

/// A frame claiming 3,000,000,000 bytes allocated them up front, and a
/// malformed frame or a body that is not JSON made the server exit: now
/// each is answered (-32700 parse error, -32600 invalid request) and the
/// server goes on serving.
#[test]
fn lsp_malformed_and_oversized_frames_are_answered_and_the_server_goes_on() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_cairn"))
        .arg("lsp")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let init = r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"capabilities":{}}}"#;
    stdin.write_all(&frame(init)).unwrap();
    assert!(read_raw(&mut out)["result"]["capabilities"].is_object());
    stdin
        .write_all(&frame(
            r#"{"jsonrpc":"2.0","method":"initialized","params":{}}"#,
        ))
        .unwrap();
    // Not JSON; JSON that is no message (with and without an id); no
    // Content-Length; a length that is no number.
    stdin.write_all(&frame("{\"jsonrpc\": ")).unwrap();
    stdin
        .write_all(&frame(r#"{"jsonrpc":"2.0","id":5,"method":7}"#))
        .unwrap();
    stdin.write_all(&frame("[1, 2]")).unwrap();
    stdin
        .write_all(b"Content-Type: text/plain\r\n\r\n")
        .unwrap();
    stdin.write_all(b"Content-Length: lots\r\n\r\n").unwrap();
    for (code, id) in [
        (-32700, Value::Null),
        (-32600, json!(5)),
        (-32600, Value::Null),
        (-32700, Value::Null),
        (-32700, Value::Null),
    ] {
        let reply = read_raw(&mut out);
        assert_eq!(reply["error"]["code"], code, "{reply}");
        assert_eq!(reply["id"], id, "{reply}");
    }
    // Still serving.
    let hover = r#"{"jsonrpc":"2.0","id":2,"method":"textDocument/hover","params":{"textDocument":{"uri":"file:///x.cairn"},"position":{"line":0,"character":0}}}"#;
    stdin.write_all(&frame(hover)).unwrap();
    let reply = read_raw(&mut out);
    assert_eq!(reply["id"], 2, "{reply}");
    assert!(reply["error"]["message"]
        .as_str()
        .unwrap()
        .contains("not open"));
    // A body claimed far beyond the limit is refused before any of it is
    // read or stored; the rest of the stream is then that body.
    stdin
        .write_all(b"Content-Length: 3000000000\r\n\r\n{}")
        .unwrap();
    let reply = read_raw(&mut out);
    assert_eq!(reply["error"]["code"], -32600, "{reply}");
    assert!(reply["error"]["message"]
        .as_str()
        .unwrap()
        .contains("limit"));
    // End of input ends the server cleanly.
    drop(stdin);
    assert!(child.wait().unwrap().success());
}

/// An opened document's includes were followed anywhere (`../`, absolute
/// paths), so the diagnostics of an outside file disclosed its text; a FIFO
/// blocked the server and `/dev/zero` was read until memory ran out; two
/// spellings of one file included each other forever.
#[test]
fn lsp_includes_stay_in_the_tree_and_never_block() {
    let base = std::env::temp_dir().join(format!("cairn-lsp-hostile-{}", std::process::id()));
    let dir = base.join("g");
    std::fs::create_dir_all(dir.join("sub")).unwrap();
    std::fs::write(base.join("secret.cairn"), "SECRET_TOKEN here\n").unwrap();
    let fifo = dir.join("fifo.cairn");
    let made = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    let includes = [
        "../secret.cairn",
        "/etc/passwd",
        "fifo.cairn",
        "/dev/zero",
        "sub/../main.cairn",
        "sub/./../main.cairn",
    ];
    let mut text = String::from(HEAD);
    for i in includes {
        text.push_str(&format!("include \"{i}\"\n"));
    }
    let uri = format!("file://{}/main.cairn", dir.display());
    let mut client = Client::memory();
    let doc = json!({ "uri": uri, "languageId": "cairn", "version": 1, "text": text });
    client.notify("textDocument/didOpen", json!({ "textDocument": doc }));
    let published = client.diagnostics(&uri);
    // Every notification of the didOpen came before this answer.
    client.request(
        "textDocument/documentSymbol",
        json!({ "textDocument": { "uri": uri } }),
    );
    let list = published["diagnostics"].as_array().unwrap();
    let include_errors: Vec<&Value> = list
        .iter()
        .filter(|d| {
            d["code"]
                .as_str()
                .is_some_and(|c| c.starts_with("cairn::syntax::include"))
        })
        .collect();
    assert_eq!(include_errors.len(), includes.len(), "{published}");
    for (d, i) in include_errors.iter().zip(includes) {
        let line = text[..text.find(i).unwrap()].matches('\n').count();
        assert_eq!(d["range"]["start"]["line"], line, "{d}");
    }
    let everything: Vec<String> = client
        .pending
        .iter()
        .map(|n| n.params.to_string())
        .collect();
    let everything = format!("{published} {everything:?}");
    assert!(!everything.contains("SECRET_TOKEN"), "{everything}");
    assert!(!everything.contains("root"), "{everything}");
    assert!(
        everything.contains("outside the guideline's folder"),
        "{everything}"
    );
    assert!(everything.contains("not a regular file"), "{everything}");
    assert!(everything.contains("already included"), "{everything}");
    client.shutdown();
    std::fs::remove_dir_all(&base).unwrap();
}
