//! Analysis stage: the textual part of `cairn diff`: declarations added
//! and removed, and changes to statements, citations, strengths and
//! metadata, compared by name so that moving a declaration is no change.
//! Conditions and definitions are compared as source text with comments
//! and layout removed.

use crate::check::model::{DefBody, FactId, Model, RecInfo, TExpr};
use crate::check::Checked;
use crate::source::SourceMap;
use std::collections::BTreeMap;

/// Source text without `//` comments and with whitespace collapsed.
pub(crate) fn normal(text: &str) -> String {
    let mut out = String::new();
    for line in text.lines() {
        let code = match line.find("//") {
            Some(i) if !line[..i].contains('"') => &line[..i],
            _ => line,
        };
        for word in code.split_whitespace() {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(word);
        }
    }
    out
}

fn expr_text(sources: &SourceMap, e: Option<&TExpr>) -> String {
    e.map(|e| normal(sources.slice(e.span))).unwrap_or_default()
}

/// The text of each rule's logic: definitions (body and type), section
/// and recommendation conditions, keyed by name.
fn logic(c: &Checked) -> BTreeMap<String, String> {
    let m = &c.model;
    let mut out = BTreeMap::new();
    for d in &m.defs {
        let text = match &d.body {
            DefBody::Expr(e) => format!(
                "{} = {}",
                type_text(m, d.ty),
                expr_text(&c.sources, Some(e))
            ),
            DefBody::Table(_) => normal(c.sources.slice(d.decl_span)),
        };
        out.insert(d.name.clone(), text);
    }
    for s in &m.sections {
        out.insert(s.id.clone(), expr_text(&c.sources, s.condition.as_ref()));
    }
    for r in &m.recs {
        out.insert(r.id.clone(), expr_text(&c.sources, r.condition.as_ref()));
    }
    out
}

/// The rules whose logic changed, with a short description.
pub(crate) fn changed_rules(old: &Checked, new: &Checked) -> BTreeMap<String, String> {
    let (a, b) = (logic(old), logic(new));
    let mut out = BTreeMap::new();
    for (name, text) in &a {
        match b.get(name) {
            None => {
                out.insert(name.clone(), "removed".to_string());
            }
            Some(t) if t != text => {
                out.insert(name.clone(), format!("`{text}` became `{t}`"));
            }
            _ => {}
        }
    }
    for name in b.keys().filter(|n| !a.contains_key(*n)) {
        out.insert(name.clone(), "added".to_string());
    }
    out
}

/// Every textual change, in a stable order.
pub(crate) fn changes(old: &Checked, new: &Checked) -> Vec<String> {
    let (om, nm) = (&old.model, &new.model);
    let mut out = Vec::new();
    let mut field = |what: String, a: String, b: String| {
        if a != b {
            out.push(format!("{what}: `{a}` became `{b}`"));
        }
    };
    let (ma, mb) = (&om.meta, &nm.meta);
    field("guideline id".into(), ma.id.clone(), mb.id.clone());
    field("title".into(), ma.title.clone(), mb.title.clone());
    field("version".into(), ma.version.clone(), mb.version.clone());
    field("status".into(), ma.status.clone(), mb.status.clone());
    field("source".into(), ma.source.clone(), mb.source.clone());
    field(
        "grading".into(),
        om.grading.name().to_string(),
        nm.grading.name().to_string(),
    );
    field(
        "source date".into(),
        format!("{:?}", ma.source_date),
        format!("{:?}", mb.source_date),
    );
    field(
        "authors".into(),
        ma.authors.join(", "),
        mb.authors.join(", "),
    );
    field(
        "reviewers".into(),
        ma.reviewers.join(", "),
        mb.reviewers.join(", "),
    );
    field(
        "last reviewed".into(),
        format!("{:?}", ma.last_reviewed),
        format!("{:?}", mb.last_reviewed),
    );
    for (i, f) in om.facts.iter().enumerate() {
        match nm.fact(&f.name).and_then(|j| nm.facts.get(j.0 as usize)) {
            None => out.push(format!("{} removed", fact_ref(om, i, &f.name))),
            Some(g) => {
                // A slot's description is its list's, compared below.
                let slot = om.slot(FactId(i as u32)).is_some();
                if f.description != g.description && !slot {
                    out.push(format!(
                        "fact `{}` description: `{}` became `{}`",
                        f.name, f.description, g.description
                    ));
                }
                if type_text(om, f.ty) != type_text(nm, g.ty) {
                    out.push(format!(
                        "fact `{}` type: `{}` became `{}`",
                        f.name,
                        type_text(om, f.ty),
                        type_text(nm, g.ty)
                    ));
                }
            }
        }
    }
    out.extend(
        nm.facts
            .iter()
            .enumerate()
            .filter(|(_, g)| om.fact(&g.name).is_none())
            .map(|(j, g)| format!("{} added", fact_ref(nm, j, &g.name))),
    );
    for l in &om.lists {
        if let Some(k) = nm.list(&l.name).filter(|k| k.description != l.description) {
            out.push(format!(
                "list `{}` description: `{}` became `{}`",
                l.name, l.description, k.description
            ));
        }
    }
    for d in &om.defs {
        match nm.def(&d.name).and_then(|j| nm.defs.get(j.0 as usize)) {
            None => out.push(format!("definition `{}` removed", d.name)),
            Some(e) if d.description != e.description => out.push(format!(
                "definition `{}` description: `{}` became `{}`",
                d.name, d.description, e.description
            )),
            _ => {}
        }
    }
    out.extend(
        nm.defs
            .iter()
            .filter(|g| om.def(&g.name).is_none())
            .map(|g| format!("definition `{}` added", g.name)),
    );
    let (la, lb) = (logic(old), logic(new));
    for (name, text) in &la {
        if let Some(t) = lb.get(name) {
            if t != text {
                out.push(format!("logic of `{name}`: `{text}` became `{t}`"));
            }
        }
    }
    for s in &om.sections {
        match nm.sections.iter().find(|t| t.id == s.id) {
            None => out.push(format!("section `{}` removed", s.id)),
            Some(t) if t.title != s.title => out.push(format!(
                "section `{}` title: `{}` became `{}`",
                s.id, s.title, t.title
            )),
            _ => {}
        }
    }
    for t in nm
        .sections
        .iter()
        .filter(|t| !om.sections.iter().any(|s| s.id == t.id))
    {
        out.push(format!("section `{}` added", t.id));
    }
    for r in &om.recs {
        match nm.rec(&r.id).and_then(|j| nm.recs.get(j.0 as usize)) {
            None => out.push(format!("recommendation `{}` removed", r.id)),
            Some(s) => rec_changes(om, nm, r, s, &mut out),
        }
    }
    out.extend(
        nm.recs
            .iter()
            .filter(|s| om.rec(&s.id).is_none())
            .map(|s| format!("recommendation `{}` added", s.id)),
    );
    for (n, text) in &om.references {
        match nm.references.get(n) {
            None => out.push(format!("reference [{n}] removed")),
            Some(t) if t != text => out.push(format!("reference [{n}]: `{text}` became `{t}`")),
            _ => {}
        }
    }
    for n in nm
        .references
        .keys()
        .filter(|n| !om.references.contains_key(n))
    {
        out.push(format!("reference [{n}] added"));
    }
    out
}

/// A type in words, with enum values by name.
fn type_text(m: &Model, ty: crate::check::model::Type) -> String {
    use crate::check::model::Type;
    match ty {
        Type::Enum(e) => format!(
            "enum {{{}}}",
            m.enum_info(e)
                .map(|i| i
                    .values
                    .iter()
                    .map(|v| v.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", "))
                .unwrap_or_default()
        ),
        Type::Quantity { unit, .. } => format!("quantity {}", unit.symbol),
        Type::Int { min, max } => match (min, max) {
            (Some(a), Some(b)) => format!("integer {a} to {b}"),
            _ => "integer".to_string(),
        },
        other => format!("{other:?}").to_lowercase(),
    }
}

fn rec_changes(om: &Model, nm: &Model, a: &RecInfo, b: &RecInfo, out: &mut Vec<String>) {
    let id = &a.id;
    let mut field = |what: &str, x: String, y: String| {
        if x != y {
            out.push(format!("`{id}` {what}: `{x}` became `{y}`"));
        }
    };
    field("kind", kind(a), kind(b));
    field("strength", grade(a), grade(b));
    field(
        "about",
        a.about.clone().unwrap_or_default(),
        b.about.clone().unwrap_or_default(),
    );
    field("statement", a.statement.clone(), b.statement.clone());
    field(
        "rationale",
        a.rationale.join(" | "),
        b.rationale.join(" | "),
    );
    field("notes", a.notes.join(" | "), b.notes.join(" | "));
    let cites = |r: &RecInfo| {
        r.cites
            .iter()
            .map(u32::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    };
    field("citations", cites(a), cites(b));
    field("see", a.see.join(" | "), b.see.join(" | "));
    field(
        "details",
        format!("{:?}", a.details),
        format!("{:?}", b.details),
    );
    let ids = |m: &Model, l: &[crate::check::model::RecId]| {
        l.iter()
            .filter_map(|r| m.recs.get(r.0 as usize))
            .map(|r| r.id.clone())
            .collect::<Vec<_>>()
            .join(", ")
    };
    field("excludes", ids(om, &a.excludes), ids(nm, &b.excludes));
    let alts = |m: &Model, r: &RecInfo| {
        r.alternatives
            .iter()
            .map(|(id, t)| {
                let id = id
                    .and_then(|i| m.recs.get(i.0 as usize))
                    .map(|r| r.id.clone())
                    .unwrap_or_default();
                format!("{id} {t}")
            })
            .collect::<Vec<_>>()
            .join(" | ")
    };
    field("alternatives", alts(om, a), alts(nm, b));
    let acks = |m: &Model, r: &RecInfo| {
        r.acknowledged
            .iter()
            .map(|k| {
                let w = k
                    .with
                    .and_then(|i| m.recs.get(i.0 as usize))
                    .map(|r| r.id.clone())
                    .unwrap_or_default();
                format!("{} {} {}", k.finding, w, k.reason)
            })
            .collect::<Vec<_>>()
            .join(" | ")
    };
    field("acknowledgements", acks(om, a), acks(nm, b));
}

/// The strength, or the strengths it takes by case (`2C or none by case`).
fn grade(r: &RecInfo) -> String {
    match &r.varies.strength {
        None => r
            .strength
            .as_ref()
            .map(|g| g.to_string())
            .unwrap_or_default(),
        Some(c) => {
            let values: Vec<String> = c
                .values()
                .map(|g| g.as_ref().map_or("none".to_string(), |g| g.to_string()))
                .collect();
            format!("{} by case", values.join(" or "))
        }
    }
}

/// The declared kind, with the kinds it takes by case.
fn kind(r: &RecInfo) -> String {
    match &r.varies.kind {
        None => r.kind.keyword().to_string(),
        Some(c) => {
            let values: Vec<&str> = c.values().map(|k| k.keyword()).collect();
            format!("{} ({} by case)", r.kind.keyword(), values.join(" or "))
        }
    }
}

/// How the text names fact `i` of `m`: a list's slot is a value of its
/// list (`list `meds` value `aspirin``), never the slot's inner name.
fn fact_ref(m: &Model, i: usize, name: &str) -> String {
    match m.slot(FactId(i as u32)) {
        Some(s) => format!("list `{}` value `{}`", s.list.name, s.value),
        None => format!("fact `{name}`"),
    }
}
