//! Eval stage, the implementation of record: the flat slot code compiled
//! from the typed model (`compile`, `code_ops`) and the interpreter that
//! runs it (`run`). Every faster form is derived from this code and tested
//! against it.

pub(crate) mod code_ops;
pub(crate) mod compile;
mod compile_score;
pub(crate) mod op;
pub(crate) mod probe;
pub(crate) mod run;
