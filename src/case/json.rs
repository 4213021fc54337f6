//! Case stage: a small JSON reader that records the byte span of every key
//! and value.
//!
//! Why not serde_json: it reports positions only for syntax errors, never for
//! values, and case-validation diagnostics must point at the offending fact
//! in the file. Crates that add spans (`json-spanned-value`, `jsonc-parser`)
//! would work, but this reader is about 250 lines, has no dependency, keeps
//! duplicate keys (so they can be reported rather than silently merged), and
//! bounds nesting depth so that hostile input cannot overflow the stack. It
//! follows RFC 8259: no comments, no trailing commas.

use std::borrow::Cow;

/// Nesting deeper than this is rejected, so recursion stays bounded.
pub const MAX_DEPTH: usize = 128;

/// A JSON value with the byte range it covers.
#[derive(Debug, Clone, PartialEq)]
pub struct Json<'a> {
    /// The value.
    pub kind: JsonKind<'a>,
    /// Byte offset of its first byte.
    pub start: usize,
    /// Byte offset one past its last byte.
    pub end: usize,
}

/// An object key with its span (including the quotes).
#[derive(Debug, Clone, PartialEq)]
pub struct Key<'a> {
    /// The decoded key (borrowed from the text unless it has escapes).
    pub name: Cow<'a, str>,
    /// Byte offset of the opening quote.
    pub start: usize,
    /// Byte offset one past the closing quote.
    pub end: usize,
}

/// The kinds of JSON value.
#[derive(Debug, Clone, PartialEq)]
pub enum JsonKind<'a> {
    /// `null`
    Null,
    /// `true` or `false`
    Bool(bool),
    /// A number, with the text it was written as (so `3.0` and `3` differ).
    Number(f64, &'a str),
    /// A string (borrowed from the text unless it has escapes).
    String(Cow<'a, str>),
    /// An array.
    Array(Vec<Json<'a>>),
    /// An object; keys in source order, duplicates kept.
    Object(Vec<(Key<'a>, Json<'a>)>),
}

impl Json<'_> {
    /// The span as a miette source span.
    pub fn span(&self) -> miette::SourceSpan {
        (self.start, self.end.saturating_sub(self.start)).into()
    }

    /// A short name of the value's JSON type, for messages.
    pub fn type_name(&self) -> &'static str {
        match self.kind {
            JsonKind::Null => "null",
            JsonKind::Bool(_) => "a boolean",
            JsonKind::Number(..) => "a number",
            JsonKind::String(_) => "a string",
            JsonKind::Array(_) => "an array",
            JsonKind::Object(_) => "an object",
        }
    }
}

impl Key<'_> {
    /// The span as a miette source span.
    pub fn span(&self) -> miette::SourceSpan {
        (self.start, self.end.saturating_sub(self.start)).into()
    }
}

/// A syntax error: what was expected and where the reader stopped.
#[derive(Debug, Clone, PartialEq)]
pub struct SyntaxError {
    /// What went wrong, lowercase.
    pub message: String,
    /// Byte offset of the problem.
    pub offset: usize,
}

/// Parses a whole JSON document.
pub fn parse(text: &str) -> Result<Json<'_>, SyntaxError> {
    // A byte-order mark, which some editors write, is not part of the value.
    let start = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let mut reader = Reader { text, pos: start };
    reader.skip_ws();
    let value = reader.value(0)?;
    reader.skip_ws();
    if reader.pos < text.len() {
        return Err(reader.error("unexpected text after the end of the document"));
    }
    Ok(value)
}

struct Reader<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> Reader<'a> {
    fn error(&self, message: &str) -> SyntaxError {
        SyntaxError {
            message: message.to_string(),
            offset: self.pos,
        }
    }

    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.pos).copied()
    }

    fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    fn eat(&mut self, byte: u8, what: &str) -> Result<(), SyntaxError> {
        if self.peek() == Some(byte) {
            self.pos += 1;
            Ok(())
        } else {
            Err(self.error(&format!("expected {what}, found {}", self.found())))
        }
    }

    /// Describes what sits at the current position, for error messages.
    fn found(&self) -> String {
        match self.text.get(self.pos..).and_then(|s| s.chars().next()) {
            None => "the end of the file".to_string(),
            Some(c) => format!("`{c}`"),
        }
    }

    fn value(&mut self, depth: usize) -> Result<Json<'a>, SyntaxError> {
        if depth > MAX_DEPTH {
            return Err(self.error(&format!("nesting deeper than {MAX_DEPTH} levels")));
        }
        let start = self.pos;
        let kind = match self.peek() {
            Some(b'{') => self.object(depth)?,
            Some(b'[') => self.array(depth)?,
            Some(b'"') => JsonKind::String(self.string()?),
            Some(b't') => self.literal("true", JsonKind::Bool(true))?,
            Some(b'f') => self.literal("false", JsonKind::Bool(false))?,
            Some(b'n') => self.literal("null", JsonKind::Null)?,
            Some(b'-' | b'0'..=b'9') => self.number()?,
            _ => return Err(self.error(&format!("expected a value, found {}", self.found()))),
        };
        Ok(Json {
            kind,
            start,
            end: self.pos,
        })
    }

    fn literal(&mut self, word: &str, kind: JsonKind<'a>) -> Result<JsonKind<'a>, SyntaxError> {
        if self
            .text
            .get(self.pos..)
            .is_some_and(|s| s.starts_with(word))
        {
            self.pos += word.len();
            Ok(kind)
        } else {
            Err(self.error(&format!("expected a value, found {}", self.found())))
        }
    }

    fn digits(&mut self) -> usize {
        let from = self.pos;
        while matches!(self.peek(), Some(b'0'..=b'9')) {
            self.pos += 1;
        }
        self.pos - from
    }

    fn number(&mut self) -> Result<JsonKind<'a>, SyntaxError> {
        let start = self.pos;
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        if self.peek() == Some(b'0') {
            self.pos += 1;
        } else if self.digits() == 0 {
            return Err(self.error("expected a digit"));
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            if self.digits() == 0 {
                return Err(self.error("expected a digit after the decimal point"));
            }
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.pos += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.pos += 1;
            }
            if self.digits() == 0 {
                return Err(self.error("expected a digit in the exponent"));
            }
        }
        let raw = self.text.get(start..self.pos).unwrap_or("");
        match raw.parse::<f64>() {
            Ok(n) if n.is_finite() => Ok(JsonKind::Number(n, raw)),
            _ => Err(SyntaxError {
                message: format!("number `{raw}` is out of range"),
                offset: start,
            }),
        }
    }

    fn string(&mut self) -> Result<Cow<'a, str>, SyntaxError> {
        self.eat(b'"', "`\"`")?;
        let text = self.text;
        let mut out: Option<String> = None;
        loop {
            let rest = text.get(self.pos..).unwrap_or("");
            // The plain run up to the next quote, backslash or control
            // character is taken at once; all three are ASCII, so the run
            // ends on a character boundary. A string without escapes is
            // borrowed from the text rather than copied.
            let plain = rest
                .bytes()
                .position(|b| b == b'"' || b == b'\\' || b < 0x20)
                .unwrap_or(rest.len());
            let run = rest.get(..plain).unwrap_or("");
            self.pos += plain;
            match rest.as_bytes().get(plain) {
                None => return Err(self.error("unterminated string")),
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(match out {
                        Some(mut s) => {
                            s.push_str(run);
                            Cow::Owned(s)
                        }
                        None => Cow::Borrowed(run),
                    });
                }
                Some(b'\\') => {
                    self.pos += 1;
                    let s = out.get_or_insert_with(String::new);
                    s.push_str(run);
                    let c = self.escape()?;
                    out.get_or_insert_with(String::new).push(c);
                }
                Some(_) => {
                    return Err(self.error("control character in string (write it as an escape)"))
                }
            }
        }
    }

    fn escape(&mut self) -> Result<char, SyntaxError> {
        let c = self.peek();
        self.pos += 1;
        Ok(match c {
            Some(b'"') => '"',
            Some(b'\\') => '\\',
            Some(b'/') => '/',
            Some(b'b') => '\u{8}',
            Some(b'f') => '\u{c}',
            Some(b'n') => '\n',
            Some(b'r') => '\r',
            Some(b't') => '\t',
            Some(b'u') => {
                let high = self.hex4()?;
                if (0xD800..0xDC00).contains(&high) {
                    // A high surrogate must be followed by `\u` and a low one.
                    if self
                        .text
                        .get(self.pos..)
                        .is_some_and(|s| s.starts_with("\\u"))
                    {
                        self.pos += 2;
                        let low = self.hex4()?;
                        if (0xDC00..0xE000).contains(&low) {
                            let code = 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00);
                            return char::from_u32(code)
                                .ok_or_else(|| self.error("invalid unicode escape"));
                        }
                    }
                    return Err(self.error("unpaired surrogate in unicode escape"));
                }
                return char::from_u32(high).ok_or_else(|| self.error("invalid unicode escape"));
            }
            _ => {
                self.pos -= 1;
                return Err(self.error("unknown escape in string"));
            }
        })
    }

    fn hex4(&mut self) -> Result<u32, SyntaxError> {
        let digits = self.text.get(self.pos..self.pos + 4);
        match digits.and_then(|d| {
            u32::from_str_radix(d, 16)
                .ok()
                .filter(|_| d.bytes().all(|b| b.is_ascii_hexdigit()))
        }) {
            Some(v) => {
                self.pos += 4;
                Ok(v)
            }
            None => Err(self.error("expected four hex digits after `\\u`")),
        }
    }

    fn array(&mut self, depth: usize) -> Result<JsonKind<'a>, SyntaxError> {
        self.eat(b'[', "`[`")?;
        let mut items = Vec::new();
        self.skip_ws();
        if self.peek() == Some(b']') {
            self.pos += 1;
            return Ok(JsonKind::Array(items));
        }
        loop {
            self.skip_ws();
            items.push(self.value(depth + 1)?);
            self.skip_ws();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b']') => {
                    self.pos += 1;
                    return Ok(JsonKind::Array(items));
                }
                _ => {
                    return Err(self.error(&format!("expected `,` or `]`, found {}", self.found())))
                }
            }
        }
    }

    fn object(&mut self, depth: usize) -> Result<JsonKind<'a>, SyntaxError> {
        self.eat(b'{', "`{`")?;
        let mut members = Vec::new();
        self.skip_ws();
        if self.peek() == Some(b'}') {
            self.pos += 1;
            return Ok(JsonKind::Object(members));
        }
        loop {
            self.skip_ws();
            if self.peek() != Some(b'"') {
                return Err(self.error(&format!(
                    "expected a key in double quotes, found {}",
                    self.found()
                )));
            }
            let start = self.pos;
            let name = self.string()?;
            let key = Key {
                name,
                start,
                end: self.pos,
            };
            self.skip_ws();
            self.eat(b':', "`:` after the key")?;
            self.skip_ws();
            let value = self.value(depth + 1)?;
            members.push((key, value));
            self.skip_ws();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b'}') => {
                    self.pos += 1;
                    return Ok(JsonKind::Object(members));
                }
                _ => {
                    return Err(self.error(&format!("expected `,` or `}}`, found {}", self.found())))
                }
            }
        }
    }
}
