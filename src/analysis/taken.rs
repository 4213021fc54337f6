//! Analysis stage: which branches of a first-match expression some case
//! takes, read off the value of its branch index.
//!
//! "Branch k is taken" for each of n branches could be n questions
//! `index = k` over one shared index (see `checks`), but a program of n
//! recommendations each reading a chain of n comparisons costs O(n^2) to
//! compile (every recommendation's cone and split is prepared on its own)
//! and to settle. Instead the index is a definition of a program that
//! asks only about the fallback, and each case of the product reads the
//! index's value: known under Kleene logic, or else the value every
//! completion of the case's unknown facts gives (the exact pass of
//! [`crate::eval::Program::def_value_exact`]), which is exactly when
//! `index = k` would apply. Linear in branches per case.

use super::query::{Query, LIMIT};
use crate::value::Value;

impl Query {
    /// For a question compiled with a shared expression (see
    /// [`Query::shared`]) whose values are the integers `0..count`: for
    /// each value, whether some case of the product that meets the
    /// constraints gives it in every completion. `None` when the question
    /// has no shared expression or its product is over [`LIMIT`] (the
    /// caller then asks about each value with its own expression).
    pub fn shared_values(&self, count: usize) -> Option<Vec<bool>> {
        let shared = self.shared?;
        if self.size > LIMIT {
            return None;
        }
        let mut seen = vec![false; count];
        let mut left = count;
        let mut case = self.blank();
        let mut scratch = self.scratch();
        for i in 0..self.size {
            if left == 0 {
                break;
            }
            self.decode(i, &mut case);
            if self.statuses(&case, &mut scratch).is_none() {
                continue;
            }
            let Some(Value::Int(k)) = self.program.def_value_exact(&mut scratch, shared) else {
                continue;
            };
            if let Some(s) = usize::try_from(k).ok().and_then(|k| seen.get_mut(k)) {
                if !*s {
                    *s = true;
                    left -= 1;
                }
            }
        }
        Some(seen)
    }
}
