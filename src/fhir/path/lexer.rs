//! FHIRPath stage: the lexer — an expression's text into tokens, each with
//! its byte span, or the first lexical error.

use super::error::PathError;
use std::ops::Range;

/// One token.
#[derive(Debug, Clone, PartialEq)]
pub enum Tok {
    /// A name (`value`, `where`, `and`); `delimited` when written in
    /// backticks, so that `` `div` `` is a name and never the operator.
    Ident {
        /// The name, backticks removed.
        name: String,
        /// Written in backticks.
        delimited: bool,
    },
    /// A string literal, escapes resolved.
    Str(String),
    /// An integer literal.
    Integer(i64),
    /// A decimal literal.
    Decimal(f64),
    /// `@…`: a date, date-time or (`@T…`) time literal, without the `@`.
    DateTime(String),
    /// `%name`: an environment variable.
    Env(String),
    /// `$this`, `$index`, `$total` (without the `$`).
    Special(String),
    /// Punctuation and symbolic operators: `.`, `(`, `<=`, `!=`, …
    Sym(&'static str),
}

/// A token with its byte span in the expression.
#[derive(Debug, Clone)]
pub struct Token {
    /// The token.
    pub tok: Tok,
    /// Its bytes in the expression's text.
    pub span: Range<usize>,
}

/// The symbols, longest first so `<=` wins over `<`.
const SYMBOLS: &[&str] = &[
    "!=", "!~", "<=", ">=", ".", "[", "]", "(", ")", "{", "}", ",", "|", "+", "-", "*", "/", "&",
    "=", "~", "<", ">",
];

/// Splits `text` into tokens.
pub fn lex(text: &str) -> Result<Vec<Token>, PathError> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        let start = i;
        if c.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        if text[i..].starts_with("//") {
            i = text[i..].find('\n').map_or(bytes.len(), |n| i + n);
            continue;
        }
        if text[i..].starts_with("/*") {
            let end = text[i + 2..]
                .find("*/")
                .ok_or_else(|| PathError::lexical("an unterminated comment", start..bytes.len()))?;
            i += 2 + end + 2;
            continue;
        }
        let tok = if c == b'\'' {
            let (s, end) = quoted(text, i, '\'')?;
            i = end;
            Tok::Str(s)
        } else if c == b'`' {
            let (name, end) = quoted(text, i, '`')?;
            i = end;
            Tok::Ident {
                name,
                delimited: true,
            }
        } else if c.is_ascii_digit() {
            let (tok, end) = number(text, i)?;
            i = end;
            tok
        } else if c == b'@' {
            let end = i + 1 + date_len(&text[i + 1..]);
            if end == i + 1 {
                return Err(PathError::lexical("`@` without a date", start..end));
            }
            i = end;
            Tok::DateTime(text[start + 1..end].to_string())
        } else if c == b'%' || c == b'$' {
            let (name, end) = if bytes.get(i + 1) == Some(&b'`') {
                quoted(text, i + 1, '`')?
            } else if c == b'%' && bytes.get(i + 1) == Some(&b'\'') {
                quoted(text, i + 1, '\'')?
            } else {
                let n = word_len(&text[i + 1..], is_name_char);
                (text[i + 1..i + 1 + n].to_string(), i + 1 + n)
            };
            if name.is_empty() {
                return Err(PathError::lexical("a name after `%` or `$`", start..end));
            }
            i = end;
            if c == b'%' {
                Tok::Env(name)
            } else {
                Tok::Special(name)
            }
        } else if c.is_ascii_alphabetic() || c == b'_' {
            let n = word_len(&text[i..], is_name_char);
            i += n;
            Tok::Ident {
                name: text[start..i].to_string(),
                delimited: false,
            }
        } else if let Some(sym) = SYMBOLS.iter().find(|s| text[i..].starts_with(**s)) {
            i += sym.len();
            Tok::Sym(sym)
        } else {
            let ch = text[i..].chars().next().map_or(1, char::len_utf8);
            return Err(PathError::lexical(
                "an unexpected character",
                start..start + ch,
            ));
        };
        out.push(Token {
            tok,
            span: start..i,
        });
    }
    Ok(out)
}

fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// The length in bytes of the prefix of `s` whose characters satisfy `f`.
fn word_len(s: &str, f: impl Fn(char) -> bool) -> usize {
    s.find(|c: char| !f(c)).unwrap_or(s.len())
}

/// The length of the date, date-time or time literal at the start of `s`
/// (after the `@`): `YYYY[-MM[-DD]][T[hh[:mm[:ss[.fff]]]][Z|±hh:mm]]`, or
/// `Thh[:mm[:ss[.fff]]]`. Its shape is checked further by the parser.
fn date_len(s: &str) -> usize {
    let b = s.as_bytes();
    let digits =
        |at: usize, n: usize| (at..at + n).all(|k| b.get(k).is_some_and(u8::is_ascii_digit));
    let mut i = 0;
    if digits(0, 4) {
        i = 4;
        for _ in 0..2 {
            if b.get(i) == Some(&b'-') && digits(i + 1, 2) {
                i += 3;
            } else {
                break;
            }
        }
    }
    if b.get(i) != Some(&b'T') {
        return i;
    }
    i += 1;
    if !digits(i, 2) {
        return i;
    }
    i += 2;
    for _ in 0..2 {
        if b.get(i) == Some(&b':') && digits(i + 1, 2) {
            i += 3;
        } else {
            break;
        }
    }
    if b.get(i) == Some(&b'.') && digits(i + 1, 1) {
        i += 1;
        while digits(i, 1) {
            i += 1;
        }
    }
    if b.get(i) == Some(&b'Z') {
        i += 1;
    } else if matches!(b.get(i), Some(b'+' | b'-'))
        && digits(i + 1, 2)
        && b.get(i + 3) == Some(&b':')
        && digits(i + 4, 2)
    {
        i += 6;
    }
    i
}

/// A number: an integer, or a decimal when a `.` and a digit follow.
fn number(text: &str, start: usize) -> Result<(Tok, usize), PathError> {
    let digits = |from: usize| from + word_len(&text[from..], |c| c.is_ascii_digit());
    let mut end = digits(start);
    let bytes = text.as_bytes();
    let decimal =
        bytes.get(end) == Some(&b'.') && bytes.get(end + 1).is_some_and(u8::is_ascii_digit);
    if decimal {
        end = digits(end + 1);
        let value: f64 = text[start..end]
            .parse()
            .map_err(|_| PathError::lexical("a decimal", start..end))?;
        return Ok((Tok::Decimal(value), end));
    }
    let value: i64 = text[start..end]
        .parse()
        .map_err(|_| PathError::lexical("an integer that fits in 64 bits", start..end))?;
    Ok((Tok::Integer(value), end))
}

/// A literal between `quote`s starting at byte `start`, with FHIRPath's
/// escapes (`\'`, `` \` ``, `\"`, `\\`, `\/`, `\f`, `\n`, `\r`, `\t`, `\uXXXX`).
fn quoted(text: &str, start: usize, quote: char) -> Result<(String, usize), PathError> {
    let mut out = String::new();
    let mut chars = text[start + 1..].char_indices();
    let at = |offset: usize| start + 1 + offset;
    while let Some((k, c)) = chars.next() {
        if c == quote {
            return Ok((out, at(k) + 1));
        }
        if c != '\\' {
            out.push(c);
            continue;
        }
        let Some((_, e)) = chars.next() else {
            break;
        };
        out.push(match e {
            '\'' | '"' | '`' | '\\' | '/' => e,
            'f' => '\u{c}',
            'n' => '\n',
            'r' => '\r',
            't' => '\t',
            'u' => {
                let hex: String = chars.by_ref().take(4).map(|(_, h)| h).collect();
                let code = u32::from_str_radix(&hex, 16)
                    .ok()
                    .filter(|_| hex.len() == 4);
                match code.and_then(char::from_u32) {
                    Some(ch) => ch,
                    None => {
                        return Err(PathError::lexical(
                            "four hex digits of a character after `\\u`",
                            at(k)..at(k) + 2 + hex.len(),
                        ));
                    }
                }
            }
            _ => {
                return Err(PathError::lexical(
                    "a known escape (`\\'`, `\\\\`, `\\n`, `\\t`, `\\uXXXX`, …)",
                    at(k)..at(k) + 1 + e.len_utf8(),
                ));
            }
        });
    }
    Err(PathError::lexical(
        if quote == '`' {
            "a closing backtick"
        } else {
            "a closing quote"
        },
        start..text.len(),
    ))
}
