//! FHIRPath stage: the FHIR R4 type names the subset knows without the FHIR
//! model — the data types a choice element (`value[x]`) can take, the
//! resource types, FHIRPath's System types — and the few specialisations
//! (`Age` is a `Quantity`, `code` a `string`) that `is`/`ofType` honour.

/// The FHIR R4 data types, as they are spelt in a type specifier
/// (`ofType(Quantity)`, `is dateTime`): primitive types begin in lower case.
/// A choice element's JSON key is its name followed by one of these with
/// its first letter in upper case (`valueQuantity`, `onsetDateTime`).
pub const DATA_TYPES: &[&str] = &[
    "base64Binary",
    "boolean",
    "canonical",
    "code",
    "date",
    "dateTime",
    "decimal",
    "id",
    "instant",
    "integer",
    "markdown",
    "oid",
    "positiveInt",
    "string",
    "time",
    "unsignedInt",
    "uri",
    "url",
    "uuid",
    "Address",
    "Age",
    "Annotation",
    "Attachment",
    "CodeableConcept",
    "Coding",
    "ContactDetail",
    "ContactPoint",
    "Contributor",
    "Count",
    "DataRequirement",
    "Distance",
    "Dosage",
    "Duration",
    "Expression",
    "HumanName",
    "Identifier",
    "Meta",
    "Money",
    "ParameterDefinition",
    "Period",
    "Quantity",
    "Range",
    "Ratio",
    "Reference",
    "RelatedArtifact",
    "SampledData",
    "Signature",
    "Timing",
    "TriggerDefinition",
    "UsageContext",
];

/// The FHIR R4 resource types (4.0.1).
pub const RESOURCE_TYPES: &[&str] = &[
    "Account",
    "ActivityDefinition",
    "AdverseEvent",
    "AllergyIntolerance",
    "Appointment",
    "AppointmentResponse",
    "AuditEvent",
    "Basic",
    "Binary",
    "BiologicallyDerivedProduct",
    "BodyStructure",
    "Bundle",
    "CapabilityStatement",
    "CarePlan",
    "CareTeam",
    "CatalogEntry",
    "ChargeItem",
    "ChargeItemDefinition",
    "Claim",
    "ClaimResponse",
    "ClinicalImpression",
    "CodeSystem",
    "Communication",
    "CommunicationRequest",
    "CompartmentDefinition",
    "Composition",
    "ConceptMap",
    "Condition",
    "Consent",
    "Contract",
    "Coverage",
    "CoverageEligibilityRequest",
    "CoverageEligibilityResponse",
    "DetectedIssue",
    "Device",
    "DeviceDefinition",
    "DeviceMetric",
    "DeviceRequest",
    "DeviceUseStatement",
    "DiagnosticReport",
    "DocumentManifest",
    "DocumentReference",
    "EffectEvidenceSynthesis",
    "Encounter",
    "Endpoint",
    "EnrollmentRequest",
    "EnrollmentResponse",
    "EpisodeOfCare",
    "EventDefinition",
    "Evidence",
    "EvidenceVariable",
    "ExampleScenario",
    "ExplanationOfBenefit",
    "FamilyMemberHistory",
    "Flag",
    "Goal",
    "GraphDefinition",
    "Group",
    "GuidanceResponse",
    "HealthcareService",
    "ImagingStudy",
    "Immunization",
    "ImmunizationEvaluation",
    "ImmunizationRecommendation",
    "ImplementationGuide",
    "InsurancePlan",
    "Invoice",
    "Library",
    "Linkage",
    "List",
    "Location",
    "Measure",
    "MeasureReport",
    "Media",
    "Medication",
    "MedicationAdministration",
    "MedicationDispense",
    "MedicationKnowledge",
    "MedicationRequest",
    "MedicationStatement",
    "MedicinalProduct",
    "MedicinalProductAuthorization",
    "MedicinalProductContraindication",
    "MedicinalProductIndication",
    "MedicinalProductIngredient",
    "MedicinalProductInteraction",
    "MedicinalProductManufactured",
    "MedicinalProductPackaged",
    "MedicinalProductPharmaceutical",
    "MedicinalProductUndesirableEffect",
    "MessageDefinition",
    "MessageHeader",
    "MolecularSequence",
    "NamingSystem",
    "NutritionOrder",
    "Observation",
    "ObservationDefinition",
    "OperationDefinition",
    "OperationOutcome",
    "Organization",
    "OrganizationAffiliation",
    "Parameters",
    "Patient",
    "PaymentNotice",
    "PaymentReconciliation",
    "Person",
    "PlanDefinition",
    "Practitioner",
    "PractitionerRole",
    "Procedure",
    "Provenance",
    "Questionnaire",
    "QuestionnaireResponse",
    "RelatedPerson",
    "RequestGroup",
    "ResearchDefinition",
    "ResearchElementDefinition",
    "ResearchStudy",
    "ResearchSubject",
    "RiskAssessment",
    "RiskEvidenceSynthesis",
    "Schedule",
    "SearchParameter",
    "ServiceRequest",
    "Slot",
    "Specimen",
    "SpecimenDefinition",
    "StructureDefinition",
    "StructureMap",
    "Subscription",
    "Substance",
    "SubstanceNucleicAcid",
    "SubstancePolymer",
    "SubstanceProtein",
    "SubstanceReferenceInformation",
    "SubstanceSourceMaterial",
    "SubstanceSpecification",
    "SupplyDelivery",
    "SupplyRequest",
    "Task",
    "TerminologyCapabilities",
    "TestReport",
    "TestScript",
    "ValueSet",
    "VerificationResult",
    "VisionPrescription",
];

/// FHIRPath's own (System) types: the types of literals and computed values.
pub const SYSTEM_TYPES: &[&str] = &[
    "Boolean", "String", "Integer", "Decimal", "Date", "DateTime", "Time", "Quantity",
];

/// The abstract bases every resource specialises.
const RESOURCE_BASES: &[&str] = &["Resource", "DomainResource"];

/// The FHIR type a choice element's key suffix names (`Quantity` for
/// `valueQuantity`, `dateTime` for `onsetDateTime`), if it names one.
pub fn choice_suffix(suffix: &str) -> Option<&'static str> {
    let mut chars = suffix.chars();
    let first = chars.next()?;
    if !first.is_ascii_uppercase() {
        return None;
    }
    let rest = chars.as_str();
    DATA_TYPES.iter().copied().find(|t| {
        let mut tc = t.chars();
        tc.next()
            .is_some_and(|c| c.eq_ignore_ascii_case(&first) && tc.as_str() == rest)
    })
}

/// The resource type named `name`, as a `'static` name.
pub fn resource_type(name: &str) -> Option<&'static str> {
    RESOURCE_TYPES.iter().copied().find(|t| *t == name)
}

/// The direct base of a FHIR type, for `is`/`ofType` (R4's
/// `StructureDefinition.baseDefinition` of the types in [`DATA_TYPES`]).
fn base_of(fhir_type: &str) -> Option<&'static str> {
    Some(match fhir_type {
        "Age" | "Count" | "Distance" | "Duration" | "MoneyQuantity" | "SimpleQuantity" => {
            "Quantity"
        }
        "code" | "id" | "markdown" => "string",
        "canonical" | "oid" | "url" | "uuid" => "uri",
        "positiveInt" | "unsignedInt" => "integer",
        _ => return None,
    })
}

/// A type specifier as written (`FHIR.Quantity`, `System.String`, `Quantity`),
/// resolved against the names the subset knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TypeName {
    /// A FHIR data type or resource type (or `Resource`/`DomainResource`).
    Fhir(&'static str),
    /// A FHIRPath System type.
    System(&'static str),
}

impl TypeName {
    /// Resolves `namespace.name` (namespace optional); `None` when unknown.
    pub fn resolve(namespace: Option<&str>, name: &str) -> Option<TypeName> {
        let fhir = || {
            DATA_TYPES
                .iter()
                .chain(RESOURCE_TYPES)
                .chain(RESOURCE_BASES)
                .copied()
                .find(|t| *t == name)
        };
        let system = || SYSTEM_TYPES.iter().copied().find(|t| *t == name);
        match namespace {
            Some("FHIR") => fhir().map(TypeName::Fhir),
            Some("System") => system().map(TypeName::System),
            Some(_) => None,
            // Unqualified, FHIR's names win (`Quantity` is FHIR.Quantity), as
            // the specification resolves them against the model first.
            None => fhir()
                .map(TypeName::Fhir)
                .or_else(|| system().map(TypeName::System)),
        }
    }

    /// Every name a type specifier may use, for "did you mean".
    pub fn all_names() -> impl Iterator<Item = &'static str> {
        DATA_TYPES
            .iter()
            .chain(RESOURCE_TYPES)
            .chain(RESOURCE_BASES)
            .chain(SYSTEM_TYPES)
            .copied()
    }
}

/// The System type of a FHIR primitive type's values (`Boolean` for
/// `boolean`, `String` for `code`), for `ofType(System.X)`.
pub fn system_type_of(fhir_type: &str) -> Option<&'static str> {
    Some(match fhir_type {
        "boolean" => "Boolean",
        "string" | "code" | "id" | "markdown" | "uri" | "url" | "canonical" | "oid" | "uuid"
        | "base64Binary" => "String",
        "integer" | "positiveInt" | "unsignedInt" => "Integer",
        "decimal" => "Decimal",
        "date" => "Date",
        "dateTime" | "instant" => "DateTime",
        "time" => "Time",
        _ => return None,
    })
}

/// True when a value of FHIR type `actual` is a `wanted` (itself or a
/// specialisation of it; every resource is a `Resource`).
pub fn fhir_is(actual: &str, wanted: &str) -> bool {
    if actual == wanted {
        return true;
    }
    if RESOURCE_BASES.contains(&wanted) {
        return resource_type(actual).is_some()
            && (wanted == "Resource" || !matches!(actual, "Bundle" | "Binary" | "Parameters"));
    }
    let mut current = actual;
    while let Some(base) = base_of(current) {
        if base == wanted {
            return true;
        }
        current = base;
    }
    false
}
