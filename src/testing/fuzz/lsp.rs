//! Testing stage: the `lsp_messages` fuzz body. The input is a sequence of
//! message bodies, one per line; each is framed (`Content-Length`) and
//! decoded by the transport's own reader, and what decodes is fed, after
//! the `initialize` handshake, to the server's loop over an in-memory
//! connection, followed by `shutdown` and `exit`. The server must neither
//! panic nor stop with an error, and must return once its input ends.
//!
//! Malformed frames and bodies that do not decode never reach the loop
//! here; `tests/hostile/` sends those to the real binary over stdio.

use lsp_server::{Connection, Message, Notification, Request, RequestId};
use serde_json::json;

/// Frames one body and decodes it as the stdio transport does.
fn decode(body: &[u8]) -> Option<Message> {
    let mut framed = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    framed.extend_from_slice(body);
    Message::read(&mut &framed[..]).ok().flatten()
}

/// `lsp_messages`: any sequence of messages after the handshake is served
/// without a panic or an error, and the server returns when its input ends.
pub fn lsp_messages(data: &[u8]) -> Result<(), String> {
    let messages: Vec<Message> = data
        .split(|b| *b == b'\n')
        .map(|line| line.strip_suffix(b"\r").unwrap_or(line))
        .filter(|line| !line.is_empty())
        .filter_map(decode)
        .collect();
    let (server, client) = Connection::memory();
    let handle = std::thread::spawn(move || crate::lsp::serve(&server).map_err(|e| e.to_string()));
    let Connection { sender, receiver } = client;
    let init = Request::new(
        RequestId::from("fuzz-initialize".to_string()),
        "initialize".into(),
        json!({ "capabilities": {} }),
    );
    let handshake = [
        Message::Request(init),
        Message::Notification(Notification::new("initialized".into(), json!({}))),
    ];
    let shutdown = Request::new(
        RequestId::from("fuzz-shutdown".to_string()),
        "shutdown".into(),
        json!(null),
    );
    let end = [
        Message::Request(shutdown),
        Message::Notification(Notification::new("exit".into(), json!(null))),
    ];
    for message in handshake.into_iter().chain(messages).chain(end) {
        // The server may already have returned (an `exit` in the input).
        if sender.send(message).is_err() {
            break;
        }
    }
    // The input ends here: the loop must return even without an `exit`.
    drop(sender);
    let result = handle.join();
    drop(receiver);
    match result {
        Ok(Ok(())) => Ok(()),
        Ok(Err(e)) => Err(format!("the server stopped with an error: {e}")),
        Err(_) => Err("the server panicked".into()),
    }
}
