//! testing stage.
