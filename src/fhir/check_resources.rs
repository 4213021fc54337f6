//! FHIR stage (binding check): the FHIR R4 resource types a shape may
//! read, and the element each type records its clinical date in.

/// The resource types of FHIR R4 (4.0.1): one list, the FHIRPath stage's,
/// which names them too.
pub use crate::fhir::path::types::RESOURCE_TYPES;

/// The FHIRPath of a resource type's clinical date, tried in order, when a
/// shape gives no `date`: what `pick = "latest"` orders by and what
/// `as_of` compares with. A choice element (`effective`) finds its
/// dateTime, instant or Period (whose start counts).
pub fn default_date_paths(resource: &str) -> &'static [&'static str] {
    match resource {
        "Observation" => &["effective", "issued"],
        "Condition" => &["recordedDate", "onset"],
        "Procedure" => &["performed"],
        "DiagnosticReport" => &["effective", "issued"],
        "MedicationRequest" | "ServiceRequest" | "DeviceRequest" => &["authoredOn"],
        "MedicationStatement" => &["effective", "dateAsserted"],
        "MedicationAdministration" => &["effective"],
        "Immunization" => &["occurrence"],
        "AllergyIntolerance" => &["recordedDate", "onset"],
        "Encounter" => &["period"],
        "FamilyMemberHistory" => &["date"],
        "ClinicalImpression" | "RiskAssessment" => &["date", "effective"],
        "QuestionnaireResponse" => &["authored"],
        "CarePlan" => &["created", "period"],
        "Flag" => &["period"],
        _ => &[],
    }
}
