//! FHIRPath stage: equality, equivalence and ordering of items — numbers
//! (Integer and Decimal mixed, decimals equal to 8 places as HL7's engine
//! rounds them), strings, Booleans, dates and times with FHIRPath's
//! precision rule (different precisions equal so far give empty), objects
//! by their JSON.

use super::item::Item;
use serde_json::Value;
use std::cmp::Ordering;

/// An item seen as a value to compare.
#[derive(Debug, Clone, Copy)]
pub enum Prim<'x> {
    /// A Boolean.
    Bool(bool),
    /// An Integer.
    Int(i64),
    /// A Decimal.
    Dec(f64),
    /// A string element of unknown type (`status` and `birthDate` alike
    /// without the model): compared with a date, it is read as one.
    Str(&'x str),
    /// A computed String (a literal, a function's result): never a date.
    Text(&'x str),
    /// A date or date-time: typed by its choice suffix or a literal.
    Date(&'x str),
    /// A time: typed by its choice suffix or a literal.
    Time(&'x str),
    /// An object (a complex element) or anything else.
    Other(&'x Value),
}

impl<'x> Prim<'x> {
    /// The value of `item`.
    pub fn of(item: &'x Item<'_>) -> Prim<'x> {
        match item {
            Item::Node { value, fhir_type } => match value {
                Value::Bool(b) => Prim::Bool(*b),
                Value::Number(n) => match n.as_i64() {
                    Some(i) if *fhir_type != Some("decimal") => Prim::Int(i),
                    _ => Prim::Dec(n.as_f64().unwrap_or(f64::NAN)),
                },
                Value::String(s) => match fhir_type {
                    Some("date" | "dateTime" | "instant") => Prim::Date(s),
                    Some("time") => Prim::Time(s),
                    _ => Prim::Str(s),
                },
                other => Prim::Other(other),
            },
            Item::Bool(b) => Prim::Bool(*b),
            Item::Integer(i) => Prim::Int(*i),
            Item::Decimal(d) => Prim::Dec(*d),
            Item::String(s) => Prim::Text(s),
            Item::Date(s) | Item::DateTime(s) => Prim::Date(s),
            Item::Time(s) => Prim::Time(s),
        }
    }

    /// What it is, for messages: "a string", "an integer".
    pub fn describe(&self) -> &'static str {
        match self {
            Prim::Bool(_) => "a Boolean",
            Prim::Int(_) => "an integer",
            Prim::Dec(_) => "a decimal",
            Prim::Str(_) | Prim::Text(_) => "a string",
            Prim::Date(_) => "a date",
            Prim::Time(_) => "a time",
            Prim::Other(_) => "an element with children",
        }
    }
}

/// Decimals rounded to multiples of 1e-8 before they are compared, as
/// HL7's engine does, so `0.1 + 0.2 = 0.3`.
fn same_number(a: f64, b: f64) -> bool {
    (a / 1e-8).round() == (b / 1e-8).round()
}

/// FHIRPath `=` on two items: `None` is empty (dates of different
/// precision that agree as far as both go).
pub fn equal(a: &Item<'_>, b: &Item<'_>) -> Option<bool> {
    match (Prim::of(a), Prim::of(b)) {
        (Prim::Int(x), Prim::Int(y)) => Some(x == y),
        (Prim::Int(_) | Prim::Dec(_), Prim::Int(_) | Prim::Dec(_)) => {
            Some(same_number(number(a), number(b)))
        }
        (Prim::Str(x) | Prim::Text(x), Prim::Str(y) | Prim::Text(y)) => Some(x == y),
        (Prim::Bool(x), Prim::Bool(y)) => Some(x == y),
        (Prim::Date(_) | Prim::Str(_), Prim::Date(_)) | (Prim::Date(_), Prim::Str(_)) => {
            match (date_of(a), date_of(b)) {
                (Some(x), Some(y)) => x.compare(&y).map(|o| o == Ordering::Equal),
                _ => Some(false),
            }
        }
        (Prim::Time(x), Prim::Time(y)) => {
            match (DateValue::parse_time(x), DateValue::parse_time(y)) {
                (Some(x), Some(y)) => x.compare(&y).map(|o| o == Ordering::Equal),
                _ => Some(false),
            }
        }
        (Prim::Other(x), Prim::Other(y)) => Some(x == y),
        _ => Some(false),
    }
}

/// FHIRPath `~` on two items: strings ignoring case, any whitespace
/// character as a space; decimals to the fewer decimal places; dates of
/// different precision not equivalent.
pub fn equivalent(a: &Item<'_>, b: &Item<'_>) -> bool {
    match (Prim::of(a), Prim::of(b)) {
        (Prim::Str(x) | Prim::Text(x), Prim::Str(y) | Prim::Text(y)) => {
            normalise(x) == normalise(y)
        }
        (Prim::Int(_) | Prim::Dec(_), Prim::Int(_) | Prim::Dec(_)) => {
            let (x, y) = (number(a), number(b));
            let places = decimal_places(x).min(decimal_places(y));
            let scale = 10f64.powi(places);
            (x * scale).round() == (y * scale).round()
        }
        _ => equal(a, b).unwrap_or(false),
    }
}

/// Upper case, each whitespace character a space, as HL7's engine
/// normalises strings for `~`.
fn normalise(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_whitespace() { ' ' } else { c })
        .collect::<String>()
        .to_uppercase()
}

/// The decimal places of `x` as JavaScript prints it (HL7's engine counts them so).
fn decimal_places(x: f64) -> i32 {
    let text = format!("{x}");
    text.split_once('.')
        .map_or(0, |(_, f)| i32::try_from(f.len()).unwrap_or(i32::MAX))
}

/// FHIRPath `<`, `>`…: `Ok(None)` is empty (dates of different precision),
/// `Err` the two descriptions when the types cannot be compared.
pub fn order(a: &Item<'_>, b: &Item<'_>) -> Result<Option<Ordering>, (&'static str, &'static str)> {
    let (pa, pb) = (Prim::of(a), Prim::of(b));
    match (pa, pb) {
        (Prim::Int(x), Prim::Int(y)) => Ok(Some(x.cmp(&y))),
        (Prim::Int(_) | Prim::Dec(_), Prim::Int(_) | Prim::Dec(_)) => {
            Ok(number(a).partial_cmp(&number(b)))
        }
        (Prim::Str(x) | Prim::Text(x), Prim::Str(y) | Prim::Text(y)) => Ok(Some(x.cmp(y))),
        (Prim::Date(_) | Prim::Str(_), Prim::Date(_)) | (Prim::Date(_), Prim::Str(_)) => {
            match (date_of(a), date_of(b)) {
                (Some(x), Some(y)) => Ok(x.compare(&y)),
                _ => Err((pa.describe(), pb.describe())),
            }
        }
        (Prim::Time(x), Prim::Time(y)) => {
            match (DateValue::parse_time(x), DateValue::parse_time(y)) {
                (Some(x), Some(y)) => Ok(x.compare(&y)),
                _ => Err((pa.describe(), pb.describe())),
            }
        }
        _ => Err((pa.describe(), pb.describe())),
    }
}

/// The number of a numeric item (Integer or Decimal).
pub fn number(item: &Item<'_>) -> f64 {
    match Prim::of(item) {
        #[expect(
            clippy::cast_precision_loss,
            reason = "FHIRPath mixes integers into decimals"
        )]
        Prim::Int(i) => i as f64,
        Prim::Dec(d) => d,
        _ => f64::NAN,
    }
}

/// The date of an item whose text is a date or date-time.
fn date_of(item: &Item<'_>) -> Option<DateValue> {
    match Prim::of(item) {
        Prim::Date(s) | Prim::Str(s) => DateValue::parse(s),
        _ => None,
    }
}

/// A date, date-time or time with its precision: `parts` are year, month,
/// day, hour, minute and milliseconds of the minute; `precision` how many
/// are given (seconds and milliseconds count as one, as FHIRPath says).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateValue {
    parts: [i64; 6],
    precision: usize,
    /// The offset from UTC in minutes, when given.
    offset: Option<i64>,
}

impl DateValue {
    /// Parses `YYYY[-MM[-DD]][Thh[:mm[:ss[.fff]]][Z|±hh:mm]]`.
    pub fn parse(text: &str) -> Option<DateValue> {
        let (date, time) = match text.split_once('T') {
            Some((d, t)) => (d, Some(t)),
            None => (text, None),
        };
        let mut parts = [0, 1, 1, 0, 0, 0];
        let mut precision = 0;
        for (k, field) in date.split('-').enumerate() {
            let (width, lo, hi) = [(4, 0, 9999), (2, 1, 12), (2, 1, 31)].get(k).copied()?;
            parts[k] = digits(field, width, lo, hi)?;
            precision = k + 1;
        }
        let mut value = DateValue {
            parts,
            precision,
            offset: None,
        };
        match time {
            Some(t) if !t.is_empty() => value.read_time(t).then_some(value),
            _ => Some(value),
        }
    }

    /// Parses a time of day `hh[:mm[:ss[.fff]]]` (no offset).
    pub fn parse_time(text: &str) -> Option<DateValue> {
        let mut value = DateValue {
            parts: [0; 6],
            precision: 3,
            offset: None,
        };
        (value.read_time(text) && value.offset.is_none()).then_some(value)
    }

    /// What equal values share: the precision and the parts in UTC
    /// (values of different precision are never equal).
    pub fn key(&self) -> (usize, [i64; 6]) {
        (self.precision, self.in_utc())
    }

    /// True when a time of day is given.
    pub fn has_time(&self) -> bool {
        self.precision > 3
    }

    /// Reads `hh[:mm[:ss[.fff]]][Z|±hh:mm]` after the date parts.
    fn read_time(&mut self, text: &str) -> bool {
        let (clock, offset) = match text.find(['Z', '+', '-']) {
            Some(at) => (&text[..at], Some(&text[at..])),
            None => (text, None),
        };
        for (k, field) in clock.split(':').enumerate() {
            let parsed = match k {
                0 => digits(field, 2, 0, 23),
                1 => digits(field, 2, 0, 59),
                2 => seconds(field),
                _ => None,
            };
            let Some(v) = parsed else {
                return false;
            };
            self.parts[3 + k.min(2)] = v;
            self.precision = 4 + k;
        }
        self.offset = match offset {
            None => None,
            Some("Z") => Some(0),
            Some(o) => {
                let sign = if o.starts_with('-') { -1 } else { 1 };
                let Some((h, m)) = o[1..].split_once(':') else {
                    return false;
                };
                match (digits(h, 2, 0, 14), digits(m, 2, 0, 59)) {
                    (Some(h), Some(m)) => Some(sign * (h * 60 + m)),
                    _ => return false,
                }
            }
        };
        true
    }

    /// The parts in UTC, when a time of day is given (a time without an
    /// offset is read as UTC, as HL7's engine does when run in UTC).
    fn in_utc(&self) -> [i64; 6] {
        let Some(offset) = self.offset.filter(|_| self.has_time()) else {
            return self.parts;
        };
        let [y, mo, d, h, mi, ms] = self.parts;
        let minutes = days_from_civil(y, mo, d) * 1440 + h * 60 + mi - offset;
        let (days, rest) = (minutes.div_euclid(1440), minutes.rem_euclid(1440));
        let (y, mo, d) = civil_from_days(days);
        [y, mo, d, rest / 60, rest % 60, ms]
    }

    /// The order of two dates (or two times) as far as both are given, each
    /// date-time in UTC;
    /// `None` when they agree that far but one is more precise.
    pub fn compare(&self, other: &DateValue) -> Option<Ordering> {
        // A date-time is read in UTC even against a date, as HL7's engine
        // does (`2024-02-29T23:10-05:00` is after `@2024-02-29`).
        let (a, b) = (self.in_utc(), other.in_utc());
        let common = self.precision.min(other.precision);
        for k in 0..common {
            match a[k].cmp(&b[k]) {
                Ordering::Equal => {}
                unequal => return Some(unequal),
            }
        }
        (self.precision == other.precision).then_some(Ordering::Equal)
    }
}

/// A field of exactly `width` digits between `lo` and `hi`.
fn digits(field: &str, width: usize, lo: i64, hi: i64) -> Option<i64> {
    if field.len() != width || !field.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    field.parse().ok().filter(|v| (lo..=hi).contains(v))
}

/// `ss[.fff…]` as milliseconds.
fn seconds(field: &str) -> Option<i64> {
    let (whole, fraction) = field.split_once('.').unwrap_or((field, ""));
    let s = digits(whole, 2, 0, 60)?;
    if !fraction.bytes().all(|b| b.is_ascii_digit()) || field.ends_with('.') {
        return None;
    }
    let ms: String = fraction.chars().chain("000".chars()).take(3).collect();
    Some(s * 1000 + ms.parse::<i64>().ok()?)
}

/// Days since 1970-01-01 of a civil date (H. Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The civil date of a day count since 1970-01-01.
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}
