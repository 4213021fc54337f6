//! `cairn serve`, the CDS Hooks service, tested end to end on loopback: a
//! real server process per test, a FHIR server stub, JWTs signed with the
//! test keys (`tests/fhir/keys/`), responses validated against the CDS
//! Hooks JSON Schemas (`tests/fhir/cds-hooks/`).

mod fixtures;
mod harness;
mod hooks;
mod security;
