//! The one integration test binary: each module tests one stage.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod it;
