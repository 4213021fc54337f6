//! Check stage: a fact's absence and `never` declarations (`date or never`,
//! `absent means false`; see the grammar README, "Absence"). Each is
//! checked against the fact's type and stored in its [`Domain`] for the
//! case loader, which alone applies them.

use super::ctx::Checker;
use super::error::CheckError;
use super::model::{Domain, Type};
use crate::syntax::ast::{AbsentValue, Fact};
use crate::value::{date::NEVER, Value};

impl Checker<'_> {
    /// Reads `or never` and `absent means` of the fact `f`, of the resolved
    /// type `ty` (`None` when it did not resolve: nothing more is said).
    pub(crate) fn absence(&mut self, f: &Fact, ty: Option<Type>, domain: &mut Domain) {
        let Some(ty) = ty else {
            return;
        };
        if let Some(span) = f.or_never {
            if ty == Type::Date {
                domain.never = true;
            } else {
                self.report(
                    span,
                    CheckError::NeverNotDate {
                        span: span.miette(),
                    },
                );
            }
        }
        let Some(absent) = &f.absent else {
            return;
        };
        let (written, value) = match &absent.value {
            AbsentValue::Bool(b) => (b.to_string(), (ty == Type::Bool).then_some(Value::Bool(*b))),
            AbsentValue::Empty => ("none".to_string(), None),
            AbsentValue::Never => (
                "never".to_string(),
                domain.never.then_some(Value::Date(NEVER)),
            ),
            AbsentValue::Name(n) => (n.name.clone(), self.enum_value(ty, &n.name)),
        };
        match value {
            Some(v) => domain.absent = Some(v),
            None => {
                let reason = self.absent_help(ty, &absent.value);
                self.report(
                    absent.span,
                    CheckError::BadAbsent {
                        value: written,
                        fact: f.name.name.clone(),
                        reason,
                        span: absent.span.miette(),
                    },
                );
            }
        }
    }

    fn enum_value(&self, ty: Type, name: &str) -> Option<Value> {
        let Type::Enum(e) = ty else {
            return None;
        };
        let info = self.model.enums.get(e.0 as usize)?;
        let i = info.values.iter().position(|v| v.name == name)?;
        Some(Value::Enum(i as u32))
    }

    /// What would fit instead of `value` on a fact of type `ty`.
    fn absent_help(&self, ty: Type, value: &AbsentValue) -> String {
        match ty {
            Type::Bool => "a `bool` fact's absence means `true` or `false`".into(),
            Type::Enum(e) => {
                let names: Vec<String> = self
                    .model
                    .enums
                    .get(e.0 as usize)
                    .map(|i| i.values.iter().map(|v| format!("`{}`", v.name)).collect())
                    .unwrap_or_default();
                format!("name one of its values: {}", names.join(", "))
            }
            Type::Date if matches!(value, AbsentValue::Never) => {
                "declare the fact `date or never` first".into()
            }
            Type::Date => "a date fact's absence can only mean `never` (`date or never`)".into(),
            _ => "only a `bool`, `enum` or `date or never` fact can declare what its absence means"
                .into(),
        }
    }
}
