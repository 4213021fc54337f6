//! format stage.
