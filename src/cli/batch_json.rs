//! Command line: `cairn batch --format jsonl`, one good record's output
//! row written straight from the evaluated slots with a serializer, into
//! the chunk's output buffer: no `serde_json::Value` tree per row.
//!
//! The row is byte for byte what `serde_json::json!` of the same fields
//! wrote before: objects are `serde_json::Map`s there, so their keys come
//! out sorted, and so are they here (the rows' keys, recommendation ids,
//! definition names).

use cairn::case::Case;
use cairn::check::model::{DefId, Model};
use cairn::eval::outcome::{absent_facts, Status};
use cairn::eval::{Program, Scratch};
use cairn::value::json::Encoded;
use serde::ser::{Serialize, SerializeMap, Serializer};

/// One good record's row (`missing`: per recommendation, the missing
/// facts of an undetermined one).
pub struct Row<'a> {
    pub model: &'a Model,
    pub program: &'a Program,
    pub scratch: &'a Scratch,
    pub case: &'a Case,
    pub line: usize,
    pub name: Option<&'a str>,
    pub statuses: &'a [Status],
    pub missing: &'a [Option<Vec<String>>],
}

impl Row<'_> {
    /// Appends the row's JSON to `out` (without a newline).
    pub fn write(&self, out: &mut String) {
        // Serializing into a string cannot fail: every piece serde_json
        // writes is UTF-8 text, and the values are plain data.
        let _ = serde_json::to_writer(Text(out), self);
    }
}

/// A `String` as an `io::Write` for serde_json, which writes whole UTF-8
/// pieces (it splits strings only at the ASCII bytes it escapes).
struct Text<'a>(&'a mut String);

impl std::io::Write for Text<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let text = std::str::from_utf8(buf)
            .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))?;
        self.0.push_str(text);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Indices `0..n` sorted by a name, the key order of a `serde_json::Map`.
fn sorted<'m>(n: usize, name: impl Fn(usize) -> &'m str) -> Vec<usize> {
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| name(a).cmp(name(b)));
    order
}

impl Serialize for Row<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let model = self.model;
        let recs = sorted(model.recs.len(), |i| model.recs[i].id.as_str());
        let defs = sorted(model.defs.len(), |i| model.defs[i].name.as_str());
        let mut m = s.serialize_map(None)?;
        // As in `cairn run`: the facts left out that took their declared
        // absent value, only when there are any.
        if !self.case.absent.is_empty() {
            m.serialize_entry("absent", &absent_facts(model, self.case))?;
        }
        m.serialize_entry(
            "derived",
            &Derived {
                row: self,
                order: &defs,
            },
        )?;
        m.serialize_entry("line", &self.line)?;
        m.serialize_entry(
            "missing",
            &Missing {
                row: self,
                order: &recs,
            },
        )?;
        m.serialize_entry("name", &self.name)?;
        m.serialize_entry(
            "recommendations",
            &Statuses {
                row: self,
                order: &recs,
            },
        )?;
        m.end()
    }
}

/// Every definition's value, by name.
struct Derived<'a> {
    row: &'a Row<'a>,
    order: &'a [usize],
}

impl Serialize for Derived<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let (model, program) = (self.row.model, self.row.program);
        let mut m = s.serialize_map(Some(self.order.len()))?;
        for &i in self.order {
            let Some(def) = model.defs.get(i) else {
                continue;
            };
            let value = program.def_value(self.row.scratch, DefId(i as u32));
            let encoded = Encoded {
                model,
                ty: def.ty,
                value,
            };
            m.serialize_entry(def.name.as_str(), &encoded)?;
        }
        m.end()
    }
}

/// The missing facts of each undetermined recommendation, by id.
struct Missing<'a> {
    row: &'a Row<'a>,
    order: &'a [usize],
}

impl Serialize for Missing<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        for &i in self.order {
            let (Some(rec), Some(Some(facts))) =
                (self.row.model.recs.get(i), self.row.missing.get(i))
            else {
                continue;
            };
            m.serialize_entry(rec.id.as_str(), facts)?;
        }
        m.end()
    }
}

/// Every recommendation's status, by id.
struct Statuses<'a> {
    row: &'a Row<'a>,
    order: &'a [usize],
}

impl Serialize for Statuses<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.order.len()))?;
        for &i in self.order {
            let (Some(rec), Some(status)) = (self.row.model.recs.get(i), self.row.statuses.get(i))
            else {
                continue;
            };
            m.serialize_entry(rec.id.as_str(), status.as_str())?;
        }
        m.end()
    }
}
