//! Fuzz target `evaluator_agreement`: the body is `cairn::testing::fuzz::evaluator_agreement`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Err(violation) = cairn::testing::fuzz::evaluator_agreement(data) {
        panic!("evaluator_agreement: {violation}");
    }
});
