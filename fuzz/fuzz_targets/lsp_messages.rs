//! Fuzz target `lsp_messages`: the body is `cairn::testing::fuzz::lsp_messages`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Err(violation) = cairn::testing::fuzz::lsp_messages(data) {
        panic!("lsp_messages: {violation}");
    }
});
