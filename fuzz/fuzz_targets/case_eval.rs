//! Fuzz target `case_eval`: the body is `cairn::testing::fuzz::case_eval`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Err(violation) = cairn::testing::fuzz::case_eval(data) {
        panic!("case_eval: {violation}");
    }
});
