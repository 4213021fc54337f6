//! The one date module: ISO parsing and printing, and calendar arithmetic
//! (see `grammar/SEMANTICS.md`, "Dates"). Dates are day numbers (days since
//! 1970-01-01); the expressions (`Op::Shift`) and the schedules both shift
//! dates with [`shift`].

use crate::units::{approx_eq, Unit};

/// The mean length of a calendar month in days (a Gregorian year of
/// 365.2425 days over 12), the factor of the `month` unit.
pub const MONTH_DAYS: f64 = 30.436875;

/// The first supported date, 0001-01-01, as a day number.
pub const MIN_DAY: i32 = -719_162;
/// The last supported date, 9999-12-31, as a day number.
pub const MAX_DAY: i32 = 2_932_896;

/// `never` (a `date or never` fact never done) as a day number: the day
/// before the first supported date, so that it is earlier than every date
/// and compares as an infinitely early one without a test on the hot path
/// (see `grammar/SEMANTICS.md`, "Never"). Only a case gives it: loading
/// reads `"never"` into it, [`shift`] keeps it, and every printer writes
/// it as `never`.
pub const NEVER: i32 = MIN_DAY - 1;

/// True when a day number is within the supported range, years 0001 to
/// 9999 (what `YYYY-MM-DD` can write).
pub fn in_range(days: i32) -> bool {
    (MIN_DAY..=MAX_DAY).contains(&days)
}

/// Days since 1970-01-01 for an ISO date `YYYY-MM-DD` (exactly that form:
/// four-digit year 0001 to 9999, two-digit month and day), or `None` when
/// it is not one or not a real calendar date.
pub fn parse_date(text: &str) -> Option<i32> {
    let b = text.as_bytes();
    let shape = b.len() == 10
        && b.iter().enumerate().all(|(i, c)| match i {
            4 | 7 => *c == b'-',
            _ => c.is_ascii_digit(),
        });
    if !shape || text.starts_with("0000") {
        return None;
    }
    let date: jiff::civil::Date = text.parse().ok()?;
    let days = date.since(EPOCH).ok()?.get_days();
    in_range(days).then_some(days)
}

/// "Did you mean" help for a string that is not an ISO date: the
/// `YYYY-MM-DD` form of the same date when the text is another common
/// spelling of one (`20240101`, `2024-1-1`, `2024-01-01T10:00:00`,
/// `+002024-01-01`), or else the general advice.
pub fn suggest(text: &str) -> String {
    let general = "write dates as \"YYYY-MM-DD\", e.g. \"2024-01-23\"".to_string();
    let t = text.trim();
    // A date-time or a date with a time zone: the date part.
    let t = t.split(['T', 't', ' ']).next().unwrap_or(t);
    // An expanded year (`+002024`).
    let t = t.strip_prefix('+').unwrap_or(t);
    let parts: Vec<&str> = if t.len() == 8 && t.bytes().all(|c| c.is_ascii_digit()) {
        vec![&t[..4], &t[4..6], &t[6..]]
    } else {
        t.split(['-', '/', '.']).collect()
    };
    let [y, m, d] = parts.as_slice() else {
        return general;
    };
    let num = |s: &str| {
        (!s.is_empty() && s.bytes().all(|c| c.is_ascii_digit()))
            .then(|| s.parse::<u32>().ok())
            .flatten()
    };
    match (num(y), num(m), num(d)) {
        (Some(y), Some(m), Some(d)) => {
            let iso = format!("{y:04}-{m:02}-{d:02}");
            if iso != text && parse_date(&iso).is_some() {
                format!("did you mean `{iso}`? {general}")
            } else {
                general
            }
        }
        _ => general,
    }
}

/// The ISO form `YYYY-MM-DD` of a day number. Every date a case or an
/// expression can hold is in the supported range (loading and [`shift`]
/// check it); the `day N` fallback is never reached from them.
pub fn format_date(days: i32) -> String {
    if days == NEVER {
        return "never".into();
    }
    match civil(days).filter(|_| in_range(days)) {
        Some(d) => d.to_string(),
        None => format!("day {days}"),
    }
}

/// Adds calendar months to a day number (clamping to the month's end, so
/// 31 January + 1 month is 28 or 29 February).
pub fn add_months(days: i32, months: i32) -> Option<i32> {
    let span = jiff::Span::new().try_months(months).ok()?;
    let moved = civil(days)?.checked_add(span).ok()?;
    let moved = moved.since(EPOCH).ok()?.get_days();
    in_range(moved).then_some(moved)
}

/// The whole calendar months (`step` 1) or years (`step` 12) from day `a`
/// to day `b`: the greatest `n` with `a + n` steps (as [`add_months`]
/// counts them, clamping to the month's end) not past `b`; negative when
/// `b` is before `a`; unknown when either is `never` (no number of years
/// since something never done). A person born 2020-02-29 is 1 year old on
/// 2021-02-28, as `2020-02-29 + 1 year` is that day.
pub fn whole_between(a: i32, b: i32, step: i32) -> Option<i64> {
    if a == NEVER || b == NEVER {
        return None;
    }
    let (from, to) = (civil(a)?, civil(b)?);
    let index = |d: jiff::civil::Date| i32::from(d.year()) * 12 + i32::from(d.month());
    let mut n = (index(to) - index(from)) / step;
    if b >= a {
        while n > 0 && add_months(a, n * step)? > b {
            n -= 1;
        }
    } else {
        while n < 0 && add_months(a, n * step)? < b {
            n += 1;
        }
    }
    Some(i64::from(n))
}

/// 1970-01-01, day 0.
const EPOCH: jiff::civil::Date = jiff::civil::date(1970, 1, 1);

/// The calendar date of a day number (`None` outside the calendar's range;
/// the `try_` constructors, since jiff's plain ones panic there).
fn civil(days: i32) -> Option<jiff::civil::Date> {
    let span = jiff::Span::new().try_days(i64::from(days)).ok()?;
    EPOCH.checked_add(span).ok()
}

/// True when a time unit counts calendar months ([`crate::units::is_calendar`]).
pub fn is_calendar(unit: Unit) -> bool {
    crate::units::is_calendar(unit)
}

/// Adds whole days to a day number; `None` outside the calendar's range.
fn add_days(date: i32, days: f64) -> Option<i32> {
    let d = days.round();
    if !d.is_finite() || d.abs() > 1e7 {
        return None;
    }
    let moved = date.checked_add(d as i32)?;
    // Stay within the supported range, whose dates `format_date` prints.
    in_range(moved).then_some(moved)
}

/// Shifts a date by a time span of `days` (canonical days, negative to go
/// back). With `calendar` (the span's unit is months or years) the span is
/// counted in months: the whole months move on the calendar with month-end
/// clamping, and a fractional rest is turned into days at the mean month
/// length and rounded. Otherwise the span is rounded to whole days.
/// `None` when the result is outside the calendar's range.
pub fn shift(date: i32, days: f64, calendar: bool) -> Option<i32> {
    // An infinitely early date stays so, by any finite span: `never + 10
    // years` is before every date, as `never` is.
    if date == NEVER {
        return days.is_finite().then_some(NEVER);
    }
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
        assert_eq!(plus("9999-12-31", 1.0, "day"), "none");
        assert_eq!(plus("0001-01-01", -1.0, "day"), "none");
        assert_eq!(plus("9999-12-01", 1.0, "month"), "none");
    }

    #[test]
    fn the_supported_range_is_years_1_to_9999() {
        assert_eq!(parse_date("0001-01-01"), Some(MIN_DAY));
        assert_eq!(parse_date("9999-12-31"), Some(MAX_DAY));
        assert_eq!(parse_date("1970-01-01"), Some(0));
        assert_eq!(parse_date("0000-12-31"), None);
        assert_eq!(format_date(MIN_DAY), "0001-01-01");
        assert_eq!(format_date(MAX_DAY), "9999-12-31");
    }

    #[test]
    fn only_the_iso_form_parses() {
        for bad in [
            "20240101",
            "2024-01-01T23:59:59",
            "2024-1-1",
            "+002024-01-01",
            "2024-01-01 ",
            "2024/01/01",
        ] {
            assert_eq!(parse_date(bad), None, "{bad}");
            assert!(
                suggest(bad).starts_with("did you mean `2024-01-01`?"),
                "{bad}"
            );
        }
        // A negative year is not the same date.
        assert_eq!(parse_date("-002024-01-01"), None);
        assert!(!suggest("-002024-01-01").contains("did you mean"));
        assert!(!suggest("2024-02-30").contains("did you mean"));
        assert!(!suggest("soon").contains("did you mean"));
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

#[cfg(test)]
mod whole_between_tests {
    use super::*;

    fn d(s: &str) -> i32 {
        parse_date(s).unwrap_or(i32::MIN)
    }

    #[test]
    fn years_and_months_follow_the_calendar() {
        assert_eq!(whole_between(d("2023-04-01"), d("2024-03-31"), 12), Some(0));
        assert_eq!(whole_between(d("2023-04-01"), d("2024-04-01"), 12), Some(1));
        assert_eq!(
            whole_between(d("1949-06-15"), d("2024-06-14"), 12),
            Some(74)
        );
        assert_eq!(
            whole_between(d("1949-06-15"), d("2024-06-15"), 12),
            Some(75)
        );
        assert_eq!(whole_between(d("2020-02-29"), d("2021-02-28"), 12), Some(1));
        assert_eq!(whole_between(d("2024-01-31"), d("2024-02-29"), 1), Some(1));
        assert_eq!(whole_between(d("2024-01-31"), d("2024-02-28"), 1), Some(0));
        assert_eq!(
            whole_between(d("2024-06-15"), d("1949-06-15"), 12),
            Some(-75)
        );
        assert_eq!(
            whole_between(d("2024-06-15"), d("1949-06-16"), 12),
            Some(-74)
        );
    }
}
