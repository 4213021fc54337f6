//! The one date module: ISO parsing and printing, and calendar arithmetic
//! (see `grammar/SEMANTICS.md`, "Dates"). Dates are day numbers (days since
//! 1970-01-01); the expressions (`Op::Shift`) and the schedules both shift
//! dates with [`shift`].

use crate::units::{approx_eq, Unit};

/// The mean length of a calendar month in days (a Gregorian year of
/// 365.2425 days over 12), the factor of the `month` unit.
pub const MONTH_DAYS: f64 = 30.436875;

/// Days since 1970-01-01 for an ISO date `YYYY-MM-DD`, or `None` when it is
/// not a real calendar date.
pub fn parse_date(text: &str) -> Option<i32> {
    let date: jiff::civil::Date = text.parse().ok()?;
    Some(date.since(EPOCH).ok()?.get_days())
}

/// The ISO form `YYYY-MM-DD` of a day number.
pub fn format_date(days: i32) -> String {
    match civil(days) {
        Some(d) => d.to_string(),
        None => format!("day {days}"),
    }
}

/// Adds calendar months to a day number (clamping to the month's end, so
/// 31 January + 1 month is 28 or 29 February).
pub fn add_months(days: i32, months: i32) -> Option<i32> {
    let span = jiff::Span::new().try_months(months).ok()?;
    let moved = civil(days)?.checked_add(span).ok()?;
    Some(moved.since(EPOCH).ok()?.get_days())
}

/// 1970-01-01, day 0.
const EPOCH: jiff::civil::Date = jiff::civil::date(1970, 1, 1);

/// The calendar date of a day number (`None` outside the calendar's range;
/// the `try_` constructors, since jiff's plain ones panic there).
fn civil(days: i32) -> Option<jiff::civil::Date> {
    let span = jiff::Span::new().try_days(i64::from(days)).ok()?;
    EPOCH.checked_add(span).ok()
}

/// True when a time unit counts calendar months: `month(s)` and `year(s)`.
pub fn is_calendar(unit: Unit) -> bool {
    matches!(unit.symbol, "month" | "months" | "year" | "years")
}

/// Adds whole days to a day number; `None` outside the calendar's range.
fn add_days(date: i32, days: f64) -> Option<i32> {
    let d = days.round();
    if !d.is_finite() || d.abs() > 1e7 {
        return None;
    }
    let moved = date.checked_add(d as i32)?;
    // Stay within the calendar, whose dates `format_date` prints.
    civil(moved).map(|_| moved)
}

/// Shifts a date by a time span of `days` (canonical days, negative to go
/// back). With `calendar` (the span's unit is months or years) the span is
/// counted in months: the whole months move on the calendar with month-end
/// clamping, and a fractional rest is turned into days at the mean month
/// length and rounded. Otherwise the span is rounded to whole days.
/// `None` when the result is outside the calendar's range.
pub fn shift(date: i32, days: f64, calendar: bool) -> Option<i32> {
    if !calendar {
        return add_days(date, days);
    }
    let mut months = days / MONTH_DAYS;
    if !months.is_finite() || months.abs() > 1e6 {
        return None;
    }
    // `75 years` is 27393.1875 days, which divides back to 900 months up
    // to binary rounding; snap such values to the whole month they are.
    if approx_eq(months, months.round()) {
        months = months.round();
    }
    let whole = months.trunc();
    let moved = add_months(date, whole as i32)?;
    add_days(moved, (months - whole) * MONTH_DAYS)
}

/// Shifts a date by `amount` in the time unit `unit` (as schedules write
/// their intervals): [`shift`] with the unit's own calendar rule.
pub fn shift_in(date: i32, amount: f64, unit: Unit) -> Option<i32> {
    shift(date, amount * unit.factor, is_calendar(unit))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::units::lookup;

    fn d(s: &str) -> i32 {
        parse_date(s).unwrap_or(i32::MIN)
    }

    fn plus(date: &str, amount: f64, unit: &str) -> String {
        let u = lookup(unit).map_or(f64::NAN, |u| amount * u.factor);
        let cal = lookup(unit).is_some_and(is_calendar);
        shift(d(date), u, cal).map_or("none".into(), format_date)
    }

    #[test]
    fn years_and_months_follow_the_calendar() {
        assert_eq!(plus("2023-04-01", 1.0, "year"), "2024-04-01");
        assert_eq!(plus("2023-04-01", 75.0, "years"), "2098-04-01");
        assert_eq!(plus("2024-02-29", 1.0, "year"), "2025-02-28");
        assert_eq!(plus("2024-01-31", 1.0, "month"), "2024-02-29");
        assert_eq!(plus("2023-01-31", 1.0, "month"), "2023-02-28");
        assert_eq!(plus("2024-05-31", -3.0, "months"), "2024-02-29");
        assert_eq!(plus("2024-03-31", -1.0, "month"), "2024-02-29");
        // A year and a half is 18 months.
        assert_eq!(plus("2024-01-15", 1.5, "years"), "2025-07-15");
        // Half a month is 15.2 days, rounded to 15.
        assert_eq!(plus("2024-01-01", 0.5, "month"), "2024-01-16");
        assert_eq!(plus("2024-01-01", -0.5, "month"), "2023-12-17");
    }

    #[test]
    fn days_and_weeks_count_days() {
        assert_eq!(plus("2024-01-01", 10.0, "days"), "2024-01-11");
        assert_eq!(plus("2024-02-28", 1.0, "week"), "2024-03-06");
        assert_eq!(plus("2024-01-01", 36.0, "hours"), "2024-01-03");
        assert_eq!(plus("2024-01-01", -1.5, "days"), "2023-12-30");
    }

    #[test]
    fn out_of_range_is_none() {
        assert_eq!(plus("2024-01-01", 1e9, "years"), "none");
        assert_eq!(plus("2024-01-01", 1e9, "days"), "none");
        assert_eq!(plus("2024-01-01", 20000.0, "years"), "none");
        assert_eq!(shift(d("2024-01-01"), f64::NAN, true), None);
        assert_eq!(add_months(0, 1_000_000), None);
        assert_eq!(format_date(i32::MAX), format!("day {}", i32::MAX));
    }

    #[test]
    fn schedules_shift_by_the_unit_as_written() {
        let months = lookup("months").map(|u| shift_in(d("2024-01-31"), 1.0, u));
        assert_eq!(
            months.flatten().map(format_date).as_deref(),
            Some("2024-02-29")
        );
    }
}
