//! Serve stage: the guidelines served, their services (one per guideline
//! and hook), the discovery document, and one call's evaluation: resources
//! → facts (`cairn::fhir::extract`, through a [`Source`]) → outcome →
//! cards.

use super::cards::{self, CardContext, IssuedCard};
use super::config::{GuidelineLinks, OverrideReason};
use super::data_needed;
use super::error::{ApiError, ServeError};
use super::hook::Hook;
use crate::check::{Checked, Failed};
use crate::diagnostics::Diagnostics;
use crate::eval::{Options, Program};
use crate::fhir::binding::{Binding, Shape};
use crate::source::SourceMap;
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Where a guideline's facts come from: a binding to a data source, which
/// names the resource types it reads and turns resources into case JSON
/// ([`FhirSource`], a checked `cairn::fhir` binding, implements it).
pub trait Source: Send + Sync {
    /// The data source's name (`FHIR R4`).
    fn name(&self) -> &str;
    /// The FHIR resource types read, each once.
    fn resource_types(&self) -> BTreeSet<String>;
    /// The facts deliberately not read, with the reason.
    fn unbound(&self) -> &BTreeMap<String, String>;
    /// The facts extracted from one patient's resources, as of a date.
    fn extract(
        &self,
        checked: &Checked,
        resources: &[Value],
        as_of: jiff::civil::Date,
    ) -> crate::fhir::Extracted;
}

/// One guideline with its binding, compiled once.
pub struct Guideline {
    /// The checked guideline.
    pub checked: Checked,
    /// Its program.
    pub program: Program,
    /// The binding its facts are read through.
    pub source: Box<dyn Source>,
    /// The prefetch templates: key and query, `patient` first.
    pub prefetch: Vec<(String, String)>,
    /// The source URL and links of its cards.
    pub links: GuidelineLinks,
}

impl Guideline {
    /// Compiles a guideline and derives its prefetch templates from the
    /// binding: `Patient/{{context.patientId}}` and one search per
    /// resource type the binding reads.
    pub fn new(checked: Checked, source: Box<dyn Source>, links: GuidelineLinks) -> Guideline {
        let program = Program::new(&checked);
        let prefetch = prefetch_templates(&source.resource_types());
        Guideline {
            checked,
            program,
            source,
            prefetch,
            links,
        }
    }

    /// The guideline's id.
    pub fn id(&self) -> &str {
        &self.checked.model.meta.id
    }

    /// `id version`, as the feedback log names it.
    pub fn id_version(&self) -> String {
        let meta = &self.checked.model.meta;
        format!("{} {}", meta.id, meta.version)
    }
}

/// The prefetch templates for the resource types a binding reads.
pub fn prefetch_templates(types: &BTreeSet<String>) -> Vec<(String, String)> {
    let mut templates = vec![(
        "patient".to_string(),
        "Patient/{{context.patientId}}".to_string(),
    )];
    for t in types {
        if t == "Patient" {
            continue;
        }
        templates.push((
            lower_first(t),
            format!("{t}?patient={{{{context.patientId}}}}"),
        ));
    }
    templates
}

/// `MedicationRequest` → `medicationRequest` (the prefetch key).
fn lower_first(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// One CDS service: a guideline and a hook.
#[derive(Debug, Clone)]
pub struct Service {
    /// `GUIDELINE-HOOK`, e.g. `rps-patient-view`.
    pub id: String,
    /// The hook.
    pub hook: Hook,
    /// The index of its guideline.
    pub guideline: usize,
}

/// The services of the guidelines; two guidelines with one id are refused.
pub fn services(guidelines: &[Guideline]) -> Result<Vec<Service>, ServeError> {
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for (i, g) in guidelines.iter().enumerate() {
        if !seen.insert(g.id()) {
            return Err(ServeError::Services {
                message: format!("two guidelines have the id `{}`", g.id()),
            });
        }
        for hook in Hook::ALL {
            out.push(Service {
                id: format!("{}-{}", g.id(), hook.name()),
                hook,
                guideline: i,
            });
        }
    }
    Ok(out)
}

/// The discovery document (`GET /cds-services`).
pub fn discovery(guidelines: &[Guideline], services: &[Service]) -> Value {
    let list: Vec<Value> = services
        .iter()
        .filter_map(|s| {
            let g = guidelines.get(s.guideline)?;
            let meta = &g.checked.model.meta;
            let prefetch: serde_json::Map<String, Value> = g
                .prefetch
                .iter()
                .map(|(k, q)| (k.clone(), json!(q)))
                .collect();
            Some(json!({
                "hook": s.hook.name(),
                "id": s.id,
                "title": format!("{} ({})", meta.title, s.hook.name()),
                "description": format!(
                    "Cards from the guideline `{}` version {}: the recommendations that apply \
                     to the patient, and the facts the record lacks that would decide the others.",
                    meta.id, meta.version
                ),
                "prefetch": prefetch,
                "usageRequirements": format!(
                    "Facts are read from {} through the binding; a fact absent from the record is \
                     unknown, never false.",
                    g.source.name()
                ),
            }))
        })
        .collect();
    json!({ "services": list })
}

/// What one call produced.
pub struct Answer {
    /// The cards, recommendations first, then the data-needed card.
    pub cards: Vec<IssuedCard>,
    /// How many facts were extracted (for the request log).
    pub facts: usize,
}

/// Extracts, evaluates and builds the cards of one call.
pub fn answer(
    g: &Guideline,
    resources: &[Value],
    as_of: jiff::civil::Date,
    override_reasons: &[OverrideReason],
) -> Result<Answer, ApiError> {
    let extracted = g.source.extract(&g.checked, resources, as_of);
    let facts = extracted.facts.len();
    // The facts alone, borrowed (this is the hook's hot path): provenance
    // and warnings are not the case's.
    #[derive(serde::Serialize)]
    struct FactsOnly<'a> {
        facts: &'a serde_json::Map<String, Value>,
    }
    let text = serde_json::to_string(&FactsOnly {
        facts: &extracted.facts,
    })
    .map_err(|e| ApiError::internal(format!("cannot encode the extracted case: {e}")))?;
    let case = crate::load_case(&g.checked, "fhir-record", &text).map_err(|failed| {
        // The codes only: a message may quote the record's values.
        let codes: BTreeSet<String> = failed
            .diagnostics
            .reports
            .iter()
            .filter(|r| r.is_error())
            .map(|r| r.code())
            .collect();
        ApiError::new(
            axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            super::error::INVALID_RECORD,
            format!(
                "the facts read from the record do not make a valid case ({})",
                codes.into_iter().collect::<Vec<_>>().join(", ")
            ),
        )
    })?;
    let outcome = g.program.evaluate(&case.case, Options::default());
    let ctx = CardContext {
        model: &g.checked.model,
        links: &g.links,
        override_reasons,
        data_source: g.source.name(),
    };
    let mut out = cards::recommendation_cards(&ctx, &outcome);
    if let Some(card) = data_needed::card(&ctx, &outcome, g.source.unbound()) {
        out.push(card);
    }
    Ok(Answer { cards: out, facts })
}

// ------------------------------------------------ the FHIR binding as a source

/// A checked FHIR binding.
pub struct FhirSource {
    binding: Binding,
}

impl FhirSource {
    /// Loads and checks a binding file's text against its guideline;
    /// `base` is the binding's folder. The warnings come back with it.
    pub fn load(
        checked: &Checked,
        name: &str,
        text: &str,
        base: &Path,
    ) -> Result<(FhirSource, Diagnostics), Failed> {
        let (binding, warnings) = crate::fhir::load_binding(checked, name, text, base)?;
        Ok((FhirSource { binding }, warnings))
    }

    /// The binding's sources (for rendering its warnings).
    pub fn sources(&self) -> &SourceMap {
        self.binding.sources()
    }
}

impl Source for FhirSource {
    fn name(&self) -> &str {
        self.binding.source()
    }

    fn resource_types(&self) -> BTreeSet<String> {
        let mut types = BTreeSet::new();
        for fact in self.binding.facts() {
            for shape in &fact.shapes {
                if let Shape::Resource(r) = shape {
                    types.insert(r.resource.clone());
                }
            }
        }
        types
    }

    fn unbound(&self) -> &BTreeMap<String, String> {
        self.binding.unbound()
    }

    fn extract(
        &self,
        checked: &Checked,
        resources: &[Value],
        as_of: jiff::civil::Date,
    ) -> crate::fhir::Extracted {
        crate::fhir::extract(checked, &self.binding, resources, Some(as_of))
    }
}
