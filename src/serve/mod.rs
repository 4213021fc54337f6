//! Serve stage: `cairn serve`, a CDS Hooks 2.0 service over the checked
//! guidelines and their FHIR bindings.
//!
//! `GET /cds-services` lists one service per guideline and hook
//! (`patient-view`, `order-select`, `order-sign`), each with prefetch
//! templates generated from the binding; `POST /cds-services/{id}` takes a
//! hook call, reads the prefetched resources (fetching what is missing from
//! the client's FHIR server), extracts the facts, evaluates the guideline
//! and answers with cards; `POST /cds-services/{id}/feedback` logs what
//! the clinician did with them. Modules: `config` (serve.toml), `auth`
//! (JWT), `cards` and `data_needed` (cards from an outcome), `hook` (a
//! call's request), `fetch` (the FHIR server client), `feedback` and
//! `report` (the log), `service` (guidelines and discovery), `server`
//! (routes and limits), `error`.

pub mod auth;
pub mod cards;
pub mod config;
pub mod data_needed;
pub mod error;
pub mod feedback;
pub mod fetch;
pub mod hook;
pub mod report;
pub mod server;
pub mod service;

pub use config::Config;
pub use error::{ApiError, ServeError};
pub use server::run;
pub use service::{FhirSource, Guideline, Source};
