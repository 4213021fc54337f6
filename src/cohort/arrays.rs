//! Cohort stage: reading the values of Arrow arrays whatever their
//! physical type: every integer and float type as a number, and text of
//! every layout (utf8, large utf8, utf8 view).

use arrow_array::cast::AsArray;
use arrow_array::types::{
    Int16Type, Int32Type, Int64Type, Int8Type, UInt16Type, UInt32Type, UInt64Type, UInt8Type,
};
use arrow_array::{Array, ArrowPrimitiveType, PrimitiveArray};
use arrow_buffer::ArrowNativeType;
use arrow_schema::DataType;

/// A number read from an integer or float column.
#[derive(Clone, Copy)]
pub(crate) enum Num {
    Int(i64),
    Float(f64),
}

/// Calls `f` with every value of an integer or float column (`None` for
/// null).
pub(crate) fn numbers(array: &dyn Array, f: &mut dyn FnMut(usize, Option<Num>)) {
    fn ints<T: ArrowPrimitiveType>(a: &PrimitiveArray<T>, f: &mut dyn FnMut(usize, Option<Num>)) {
        for row in 0..a.len() {
            let v = if a.is_null(row) {
                None
            } else {
                // A u64 beyond i64 reads as a float, which the codec refuses.
                let raw = a.value(row);
                Some(
                    raw.to_i64()
                        .map_or_else(|| Num::Float(raw.as_usize() as f64), Num::Int),
                )
            };
            f(row, v);
        }
    }
    match array.data_type() {
        DataType::Int8 => array.as_primitive_opt::<Int8Type>().map(|a| ints(a, f)),
        DataType::Int16 => array.as_primitive_opt::<Int16Type>().map(|a| ints(a, f)),
        DataType::Int32 => array.as_primitive_opt::<Int32Type>().map(|a| ints(a, f)),
        DataType::Int64 => array.as_primitive_opt::<Int64Type>().map(|a| ints(a, f)),
        DataType::UInt8 => array.as_primitive_opt::<UInt8Type>().map(|a| ints(a, f)),
        DataType::UInt16 => array.as_primitive_opt::<UInt16Type>().map(|a| ints(a, f)),
        DataType::UInt32 => array.as_primitive_opt::<UInt32Type>().map(|a| ints(a, f)),
        DataType::UInt64 => array.as_primitive_opt::<UInt64Type>().map(|a| ints(a, f)),
        DataType::Float32 => array
            .as_primitive_opt::<arrow_array::types::Float32Type>()
            .map(|a| {
                for row in 0..a.len() {
                    f(
                        row,
                        a.is_valid(row).then(|| Num::Float(f64::from(a.value(row)))),
                    );
                }
            }),
        DataType::Float64 => array
            .as_primitive_opt::<arrow_array::types::Float64Type>()
            .map(|a| {
                for row in 0..a.len() {
                    f(row, a.is_valid(row).then(|| Num::Float(a.value(row))));
                }
            }),
        _ => None,
    };
}

/// A column of strings, whichever Arrow layout holds them.
pub(crate) enum Texts<'a> {
    Small(&'a arrow_array::StringArray),
    Large(&'a arrow_array::LargeStringArray),
    View(&'a arrow_array::StringViewArray),
}

impl<'a> Texts<'a> {
    pub(crate) fn of(array: &'a dyn Array) -> Option<Texts<'a>> {
        if let Some(a) = array.as_string_opt::<i32>() {
            Some(Texts::Small(a))
        } else if let Some(a) = array.as_string_opt::<i64>() {
            Some(Texts::Large(a))
        } else {
            array.as_string_view_opt().map(Texts::View)
        }
    }

    pub(crate) fn len(&self) -> usize {
        match self {
            Texts::Small(a) => a.len(),
            Texts::Large(a) => a.len(),
            Texts::View(a) => a.len(),
        }
    }

    pub(crate) fn get(&self, i: usize) -> Option<&'a str> {
        match self {
            Texts::Small(a) => (i < a.len() && a.is_valid(i)).then(|| a.value(i)),
            Texts::Large(a) => (i < a.len() && a.is_valid(i)).then(|| a.value(i)),
            Texts::View(a) => (i < a.len() && a.is_valid(i)).then(|| a.value(i)),
        }
    }
}
