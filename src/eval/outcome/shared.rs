//! Eval stage, outcome: [`Shared`], an immutable list that outcomes share
//! with the evaluator's memo of explanations.
//!
//! The explanation of an undetermined recommendation (its missing facts,
//! the facts it holds regardless of, what each value leads to) is worked
//! out once per distinct undecided part of a case and remembered; every
//! later case with the same part gets the same lists. Handing them out as
//! `Vec<String>` cost an allocation per name on every hit and again on
//! every drop: most of a full outcome's cost. A [`Shared`] list is a
//! reference count instead, and the empty list allocates nothing.
//!
//! It reads as a slice (`Deref<Target = [T]>`), compares with slices,
//! arrays and vectors, and serializes as a JSON array, so code that reads
//! an outcome does not see the difference.

use serde::{Serialize, Serializer};
use std::fmt;
use std::ops::Deref;
use std::sync::Arc;

/// An immutable, cheaply cloned list (a reference-counted slice; the empty
/// list holds no allocation).
///
/// ```
/// use cairn::eval::outcome::Shared;
/// let names: Shared<String> = vec!["age".to_string()].into();
/// let again = names.clone(); // a reference count, not a copy
/// assert_eq!(again, ["age"]);
/// assert!(Shared::<String>::default().is_empty());
/// assert_eq!(serde_json::to_string(&names).unwrap(), r#"["age"]"#);
/// ```
pub struct Shared<T>(Option<Arc<[T]>>);

impl<T> Shared<T> {
    /// The empty list.
    pub const fn new() -> Shared<T> {
        Shared(None)
    }

    /// The items as a slice.
    pub fn as_slice(&self) -> &[T] {
        self.0.as_deref().unwrap_or(&[])
    }
}

impl<T> Default for Shared<T> {
    fn default() -> Shared<T> {
        Shared(None)
    }
}

impl<T> Clone for Shared<T> {
    fn clone(&self) -> Shared<T> {
        Shared(self.0.clone())
    }
}

impl<T> Deref for Shared<T> {
    type Target = [T];
    fn deref(&self) -> &[T] {
        self.as_slice()
    }
}

impl<T> From<Vec<T>> for Shared<T> {
    fn from(items: Vec<T>) -> Shared<T> {
        if items.is_empty() {
            Shared(None)
        } else {
            Shared(Some(items.into()))
        }
    }
}

impl<T: Clone> From<&[T]> for Shared<T> {
    fn from(items: &[T]) -> Shared<T> {
        if items.is_empty() {
            Shared(None)
        } else {
            Shared(Some(items.into()))
        }
    }
}

impl<T> FromIterator<T> for Shared<T> {
    fn from_iter<I: IntoIterator<Item = T>>(iter: I) -> Shared<T> {
        iter.into_iter().collect::<Vec<T>>().into()
    }
}

impl<'a, T> IntoIterator for &'a Shared<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.as_slice().iter()
    }
}

impl<T: fmt::Debug> fmt::Debug for Shared<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.as_slice().fmt(f)
    }
}

impl<T: Serialize> Serialize for Shared<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.as_slice().serialize(serializer)
    }
}

impl<T: PartialEq<U>, U> PartialEq<Shared<U>> for Shared<T> {
    fn eq(&self, other: &Shared<U>) -> bool {
        self.as_slice() == other.as_slice()
    }
}

impl<T: Eq> Eq for Shared<T> {}

impl<T: PartialEq<U>, U> PartialEq<[U]> for Shared<T> {
    fn eq(&self, other: &[U]) -> bool {
        self.as_slice() == other
    }
}

impl<T: PartialEq<U>, U> PartialEq<&[U]> for Shared<T> {
    fn eq(&self, other: &&[U]) -> bool {
        self.as_slice() == *other
    }
}

impl<T: PartialEq<U>, U, const N: usize> PartialEq<[U; N]> for Shared<T> {
    fn eq(&self, other: &[U; N]) -> bool {
        self.as_slice() == other
    }
}

impl<T: PartialEq<U>, U> PartialEq<Vec<U>> for Shared<T> {
    fn eq(&self, other: &Vec<U>) -> bool {
        self.as_slice() == other.as_slice()
    }
}

#[cfg(test)]
mod tests {
    use super::Shared;

    #[test]
    fn empty_lists_hold_no_allocation_and_equal_each_other() {
        let empty: Shared<String> = Vec::new().into();
        assert!(empty.0.is_none());
        assert_eq!(empty, Shared::<String>::new());
        let one: Shared<String> = vec!["x".to_string()].into();
        assert_ne!(one, empty);
        assert_eq!(one.len(), 1);
    }

    #[test]
    fn clones_share_the_items() {
        let one: Shared<String> = vec!["x".to_string()].into();
        let two = one.clone();
        assert!(std::ptr::eq(one.as_ptr(), two.as_ptr()));
        assert_eq!(format!("{two:?}"), r#"["x"]"#);
    }
}
