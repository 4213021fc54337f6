//! Fuzz target `fmt_roundtrip`: the body is `cairn::testing::fuzz::fmt_roundtrip`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Err(violation) = cairn::testing::fuzz::fmt_roundtrip(data) {
        panic!("fmt_roundtrip: {violation}");
    }
});
