//! Language server: reading and writing JSON-RPC frames on stdio.
//!
//! `lsp-server`'s own stdio transport allocates whatever `Content-Length`
//! says before reading a byte of the body, and stops the server on the
//! first malformed frame or invalid JSON body. This reader bounds every
//! allocation and answers what it cannot use instead of stopping:
//!
//! - a body larger than [`MAX_MESSAGE`] is answered with -32600 (invalid
//!   request) and skipped without being stored;
//! - a header block without a usable `Content-Length` is answered with
//!   -32700 (parse error); reading resumes at the next header block;
//! - a header line longer than [`MAX_HEADER_LINE`] is discarded as it
//!   streams by, so garbage without newlines cannot grow memory;
//! - a body that is not JSON is answered with -32700, JSON that is no
//!   request, response or notification with -32600 (with the request's id
//!   when it has a usable one, `null` otherwise).
//!
//! End of input ends the reader, which closes the server's inbox.

use lsp_server::Message;
use serde_json::{json, Value};
use std::io::{self, BufRead, Read, Write};

/// The largest message body accepted: 64 MiB. A guideline is a few hundred
/// kilobytes; an editor sends the whole text at most once per change.
pub const MAX_MESSAGE: usize = 64 * 1024 * 1024;

/// The longest header line kept: 8 KiB (a real header is a few dozen bytes).
pub const MAX_HEADER_LINE: usize = 8 * 1024;

/// JSON-RPC: the body is not JSON, or the frame could not be read.
pub const PARSE_ERROR: i32 = -32700;
/// JSON-RPC: the JSON is not a valid message.
pub const INVALID_REQUEST: i32 = -32600;

/// What one read of the input produced.
#[derive(Debug)]
pub enum Frame {
    /// A message for the server.
    Message(Message),
    /// A frame the server cannot use: send this error response back.
    Reply(Value),
    /// The input ended.
    End,
    /// A header announced a body larger than [`MAX_MESSAGE`] (never
    /// returned by [`FrameReader::next_frame`], which answers it).
    Oversized(usize),
}

/// An error response with `id` (JSON `null` when unknown).
pub fn error_response(id: Value, code: i32, message: &str) -> Value {
    json!({ "jsonrpc": "2.0", "id": id, "error": { "code": code, "message": message } })
}

/// Reads one line of at most [`MAX_HEADER_LINE`] bytes; the rest of a longer
/// line is read and dropped. `None` at end of input.
fn header_line(input: &mut impl BufRead) -> io::Result<Option<(Vec<u8>, bool)>> {
    let mut line = Vec::new();
    let n = input
        .by_ref()
        .take(MAX_HEADER_LINE as u64 + 1)
        .read_until(b'\n', &mut line)?;
    if n == 0 {
        return Ok(None);
    }
    let mut too_long = false;
    if line.last() != Some(&b'\n') && line.len() > MAX_HEADER_LINE {
        too_long = true;
        // Drop the rest of the line in bounded pieces.
        loop {
            let mut rest = Vec::new();
            let m = input
                .by_ref()
                .take(MAX_HEADER_LINE as u64)
                .read_until(b'\n', &mut rest)?;
            if m == 0 || rest.last() == Some(&b'\n') {
                break;
            }
        }
    }
    Ok(Some((line, too_long)))
}

/// Reads frames from a byte stream.
pub struct FrameReader<R> {
    input: R,
    /// Bytes of an oversized body still to drop before the next frame.
    skip: u64,
}

impl<R: BufRead> FrameReader<R> {
    /// A reader of `input`.
    pub fn new(input: R) -> FrameReader<R> {
        FrameReader { input, skip: 0 }
    }

    /// The next frame. An oversized body is answered at once and dropped,
    /// as it streams by, on the next call.
    pub fn next_frame(&mut self) -> io::Result<Frame> {
        if self.skip > 0 {
            let skipped = io::copy(&mut self.input.by_ref().take(self.skip), &mut io::sink())?;
            if skipped < self.skip {
                return Ok(Frame::End);
            }
            self.skip = 0;
        }
        let frame = read_frame(&mut self.input)?;
        if let Frame::Oversized(length) = frame {
            self.skip = length as u64;
            return Ok(Frame::Reply(error_response(
                Value::Null,
                INVALID_REQUEST,
                &format!(
                    "message of {length} bytes is larger than the limit of {MAX_MESSAGE} bytes"
                ),
            )));
        }
        Ok(frame)
    }
}

/// Reads the next frame from `input`.
fn read_frame(input: &mut impl BufRead) -> io::Result<Frame> {
    let mut length: Option<Option<usize>> = None;
    let mut seen_any = false;
    loop {
        let Some((line, too_long)) = header_line(input)? else {
            return Ok(Frame::End);
        };
        let text = String::from_utf8_lossy(&line);
        let text = text.trim_end_matches(['\r', '\n']);
        if text.is_empty() && !too_long {
            if !seen_any {
                // Blank lines between frames are harmless.
                continue;
            }
            break;
        }
        seen_any = true;
        if too_long {
            continue;
        }
        if let Some((name, value)) = text.split_once(':') {
            if name.trim().eq_ignore_ascii_case("content-length") {
                length = Some(value.trim().parse::<usize>().ok());
            }
        }
    }
    let Some(Some(length)) = length else {
        return Ok(Frame::Reply(error_response(
            Value::Null,
            PARSE_ERROR,
            "frame without a valid `Content-Length` header",
        )));
    };
    if length > MAX_MESSAGE {
        return Ok(Frame::Oversized(length));
    }
    // Grows with the bytes that really arrive, never to a claimed size.
    let mut body = Vec::new();
    input.by_ref().take(length as u64).read_to_end(&mut body)?;
    if body.len() < length {
        return Ok(Frame::End);
    }
    Ok(decode(&body))
}

/// Decodes a frame's body.
fn decode(body: &[u8]) -> Frame {
    let value: Value = match serde_json::from_slice(body) {
        Ok(v) => v,
        Err(e) => {
            return Frame::Reply(error_response(
                Value::Null,
                PARSE_ERROR,
                &format!("the message is not JSON: {e}"),
            ))
        }
    };
    let id = match value.get("id") {
        Some(id @ Value::String(_)) => id.clone(),
        Some(id @ Value::Number(n)) if n.as_i64().is_some_and(|n| i32::try_from(n).is_ok()) => {
            id.clone()
        }
        _ => Value::Null,
    };
    // `lsp-server` would read `{"id": 1, "method": 7}` as a response (every
    // field of one is optional), which the server ignores: a request whose
    // method is no string gets an answer instead.
    // Nor is an array a message, though serde would read one as a struct.
    if !value.is_object() {
        return Frame::Reply(error_response(
            Value::Null,
            INVALID_REQUEST,
            "a message must be a JSON object",
        ));
    }
    if value.get("method").is_some_and(|m| !m.is_string()) {
        return Frame::Reply(error_response(
            id,
            INVALID_REQUEST,
            "the `method` of a request must be a string",
        ));
    }
    match serde_json::from_value::<Message>(value) {
        Ok(message) => Frame::Message(message),
        Err(e) => Frame::Reply(error_response(
            id,
            INVALID_REQUEST,
            &format!("not a JSON-RPC request, response or notification: {e}"),
        )),
    }
}

/// Writes one frame holding `body` and flushes.
pub fn write_frame(out: &mut impl Write, body: &[u8]) -> io::Result<()> {
    write!(out, "Content-Length: {}\r\n\r\n", body.len())?;
    out.write_all(body)?;
    out.flush()
}

/// Reads frames from standard input until it ends (or after `exit`),
/// passing messages to `inbox` (false when the server is gone) and answering unusable frames on standard
/// output directly.
pub fn read_stdin(mut inbox: impl FnMut(Message) -> bool) -> io::Result<()> {
    let mut input = FrameReader::new(io::stdin().lock());
    loop {
        match input.next_frame()? {
            Frame::End | Frame::Oversized(_) => return Ok(()),
            Frame::Reply(value) => {
                let body = serde_json::to_vec(&value).map_err(io::Error::other)?;
                write_frame(&mut io::stdout().lock(), &body)?;
            }
            Frame::Message(message) => {
                let exit = matches!(&message, Message::Notification(n) if n.method == "exit");
                if !inbox(message) || exit {
                    return Ok(());
                }
            }
        }
    }
}

/// Writes every message the server sends to standard output.
pub fn write_stdout(outbox: impl IntoIterator<Item = Message>) -> io::Result<()> {
    for message in outbox {
        let body = serde_json::to_vec(&message).map_err(io::Error::other)?;
        // One lock per frame, so the reader's replies never interleave.
        write_frame(&mut io::stdout().lock(), &body)?;
    }
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic)]
mod tests {
    use super::*;

    fn frames(input: &[u8]) -> Vec<Frame> {
        let mut reader = FrameReader::new(io::BufReader::new(input));
        let mut out = Vec::new();
        loop {
            match reader.next_frame().unwrap() {
                Frame::End => return out,
                f => out.push(f),
            }
        }
    }

    fn code(frame: &Frame) -> i64 {
        match frame {
            Frame::Reply(v) => v["error"]["code"].as_i64().unwrap(),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn frames_with_and_without_problems() {
        let ok = br#"{"jsonrpc":"2.0","method":"initialized","params":{}}"#;
        let mut input = format!("Content-Length: {}\r\n\r\n", ok.len()).into_bytes();
        input.extend_from_slice(ok);
        input.extend_from_slice(b"Content-Length: 5\r\n\r\n{nope");
        input.extend_from_slice(b"garbage line\r\n\r\n");
        input.extend_from_slice(b"Content-Length: 2\r\n\r\n[]");
        input.extend_from_slice(b"Content-Length: 20\r\n\r\n{\"id\":7,\"method\":[]}");
        input.extend_from_slice(&format!("X: {}\r\n\r\n", "y".repeat(100_000)).into_bytes());
        input.extend_from_slice(b"content-length: 2\n\n{}");
        let got = frames(&input);
        assert_eq!(got.len(), 7, "{got:?}");
        assert!(matches!(got[0], Frame::Message(_)));
        assert_eq!(code(&got[1]), -32700);
        assert_eq!(code(&got[2]), -32700);
        assert_eq!(code(&got[3]), -32600);
        assert_eq!(code(&got[4]), -32600);
        match &got[4] {
            Frame::Reply(v) => assert_eq!(v["id"], 7),
            _ => unreachable!(),
        }
        assert_eq!(code(&got[5]), -32700);
        assert_eq!(code(&got[6]), -32600);
    }

    #[test]
    fn an_oversized_frame_is_skipped_not_stored() {
        let n = MAX_MESSAGE + 10;
        let mut input = format!("Content-Length: {n}\r\n\r\n").into_bytes();
        input.resize(input.len() + n, b' ');
        input.extend_from_slice(b"Content-Length: 1\r\n\r\n1");
        let got = frames(&input);
        assert_eq!(got.len(), 2, "{got:?}");
        assert_eq!(code(&got[0]), -32600);
        assert_eq!(code(&got[1]), -32600);
    }
}
