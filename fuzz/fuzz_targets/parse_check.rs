//! Fuzz target `parse_check`: the body is `cairn::testing::fuzz::parse_check`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Err(violation) = cairn::testing::fuzz::parse_check(data) {
        panic!("parse_check: {violation}");
    }
});
