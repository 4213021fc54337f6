//! Conformance suite: random guidelines (see `proptest` below).
