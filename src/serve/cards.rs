//! Serve stage: CDS Hooks cards from an [`Outcome`].
//!
//! One card per recommendation that applies: a warning for `do-not-offer`
//! and `discourage`, information for every other kind; a summary of at
//! most 140 characters; a Markdown detail with the strength, statement,
//! alternatives, rationale, citations and the source guideline's title and
//! version; `source`, `links` and the configured `overrideReasons`. The
//! "data needed" card is `data_needed`'s.

use super::config::{GuidelineLinks, OverrideReason};
use crate::check::model::Model;
use crate::eval::outcome::{Outcome, RecOutcome, Status};
use serde_json::{json, Value};
use std::fmt::Write as _;

/// The longest summary CDS Hooks allows, in characters.
pub const SUMMARY_MAX: usize = 140;

/// What every card of one guideline shares.
pub struct CardContext<'a> {
    /// The guideline's model (titles, references, fact labels).
    pub model: &'a Model,
    /// Its source URL and links, from the configuration.
    pub links: &'a GuidelineLinks,
    /// The reasons offered for overriding a card.
    pub override_reasons: &'a [OverrideReason],
    /// The name of the data source the binding reads (`FHIR R4`).
    pub data_source: &'a str,
}

/// A card as sent, with the recommendation it stands for (kept to
/// attribute feedback, which names the card by its `uuid` only).
#[derive(Debug, Clone)]
pub struct IssuedCard {
    /// The card's `uuid`.
    pub uuid: String,
    /// The recommendation's id (`None` for the data-needed card).
    pub recommendation: Option<String>,
    /// The card's JSON.
    pub json: Value,
}

/// The cards of the recommendations that apply, in document order.
pub fn recommendation_cards(ctx: &CardContext<'_>, outcome: &Outcome<'_>) -> Vec<IssuedCard> {
    outcome
        .recommendations
        .iter()
        .filter(|r| r.status == Status::Applies)
        .map(|r| {
            let uuid = uuid::Uuid::new_v4().to_string();
            let indicator = match &*r.kind {
                "do-not-offer" | "discourage" => "warning",
                _ => "info",
            };
            let card = json!({
                "uuid": uuid,
                "summary": summary(kind_words(&r.kind), &r.statement),
                "indicator": indicator,
                "detail": detail(ctx, r),
                "source": source(ctx, &r.id),
                "links": links(ctx),
                "overrideReasons": ctx.override_reasons,
            });
            IssuedCard {
                uuid,
                recommendation: Some(r.id.to_string()),
                json: card,
            }
        })
        .collect()
}

/// How a kind reads at the head of a summary.
pub fn kind_words(kind: &str) -> &'static str {
    match kind {
        "recommend" => "Recommended",
        "suggest" => "Suggested",
        "option" => "Option",
        "consider" => "Consider",
        "do-not-offer" => "Do not offer",
        "discourage" => "Discouraged",
        "refer" => "Refer",
        _ => "Note",
    }
}

/// `HEAD: TEXT`, cut at a word to at most [`SUMMARY_MAX`] characters
/// (with an ellipsis when cut).
pub fn summary(head: &str, text: &str) -> String {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    // "Do not offer: Do not offer …" says it twice.
    let repeats = text
        .get(..head.len())
        .is_some_and(|start| start.eq_ignore_ascii_case(head));
    let full = if repeats {
        text
    } else {
        format!("{head}: {text}")
    };
    if full.chars().count() <= SUMMARY_MAX {
        return full;
    }
    let mut cut: String = full.chars().take(SUMMARY_MAX - 1).collect();
    if let Some(space) = cut.rfind(' ') {
        if space > head.len() + 2 {
            cut.truncate(space);
        }
    }
    let trimmed = cut.trim_end_matches([' ', ',', ';', ':', '.']);
    format!("{trimmed}…")
}

/// The card's Markdown detail.
fn detail(ctx: &CardContext<'_>, r: &RecOutcome<'_>) -> String {
    let mut md = String::new();
    let _ = write!(md, "**{}**", kind_words(&r.kind));
    if let Some(strength) = &r.strength {
        let _ = write!(md, " · strength **{strength}**");
    }
    if !r.section_path.is_empty() {
        let _ = write!(md, " · {}", r.section_path.join(" › "));
    }
    let _ = write!(md, "\n\n{}\n", r.statement.trim());
    if !r.alternatives.is_empty() {
        md.push_str("\n**Alternatives**\n\n");
        for a in r.alternatives.iter() {
            let _ = writeln!(md, "- {}", a.text.trim());
        }
    }
    if !r.rationale.is_empty() {
        md.push_str("\n**Rationale**\n\n");
        for t in r.rationale.iter() {
            let _ = writeln!(md, "- {}", t.trim());
        }
    }
    if !r.notes.is_empty() {
        md.push_str("\n**Notes**\n\n");
        for t in r.notes.iter() {
            let _ = writeln!(md, "- {}", t.trim());
        }
    }
    if !r.citations.is_empty() {
        md.push_str("\n**References**\n\n");
        for n in r.citations.iter() {
            match ctx.model.references.get(n) {
                Some(text) => {
                    let _ = writeln!(md, "{n}. {}", text.trim());
                }
                None => {
                    let _ = writeln!(md, "{n}. (reference {n})");
                }
            }
        }
    }
    let _ = write!(md, "\n*{}*", source_line(ctx.model));
    let _ = write!(
        md,
        " · recommendation `{}` · facts read from {}",
        r.id, ctx.data_source
    );
    md
}

/// `Title, version V (source document)`.
pub fn source_line(model: &Model) -> String {
    let meta = &model.meta;
    let mut line = format!("{}, version {}", meta.title, meta.version);
    if !meta.source.is_empty() {
        let _ = write!(line, " — {}", meta.source);
    }
    line
}

/// The card's `source`: the guideline, with its URL when configured.
pub fn source(ctx: &CardContext<'_>, topic: &str) -> Value {
    let meta = &ctx.model.meta;
    let mut source = json!({
        "label": format!("{} (Cairn {} {})", meta.title, meta.id, meta.version),
        "topic": {"code": topic, "system": "urn:cairn:recommendation", "display": topic},
    });
    if let (Some(url), Some(obj)) = (&ctx.links.url, source.as_object_mut()) {
        obj.insert("url".into(), json!(url));
    }
    source
}

/// The configured links, each `type: absolute`.
pub fn links(ctx: &CardContext<'_>) -> Value {
    let mut links: Vec<Value> = Vec::new();
    if let Some(url) = &ctx.links.url {
        links.push(json!({"label": "Source guideline", "url": url, "type": "absolute"}));
    }
    for l in &ctx.links.links {
        links.push(json!({"label": l.label, "url": l.url, "type": "absolute"}));
    }
    Value::Array(links)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summaries_are_cut_at_a_word() {
        let long = "word ".repeat(60);
        let s = summary("Recommended", &long);
        assert!(s.chars().count() <= SUMMARY_MAX, "{s}");
        assert!(s.ends_with("word…"), "{s}");
        assert_eq!(summary("Option", "Short."), "Option: Short.");
        assert_eq!(
            summary("Do not offer", "Do not offer X."),
            "Do not offer X."
        );
    }
}
