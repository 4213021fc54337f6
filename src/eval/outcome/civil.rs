//! Eval stage output: the calendar arithmetic of schedules without
//! building a `jiff` date per visit: ISO dates written straight into a
//! string of their exact length, and calendar months added on year, month
//! and day numbers.
//!
//! A schedule lays out dozens of dated windows per case, each written as
//! two ISO dates; through `value::format_date` and `value::add_months`
//! each is a `jiff` date built from a span of days, and a formatter that
//! grows its string. These give the same answers (the tests compare them
//! with the `value` functions over the whole supported range and beyond
//! it): the proleptic Gregorian calendar by the day-number algorithms of
//! H. Hinnant's `chrono`-compatible date library, and the same limits.

use crate::value::date::{in_range, NEVER};
use crate::value::format_date;

/// The years `jiff` dates span; a month shift leaving them fails there.
const JIFF_YEARS: std::ops::RangeInclusive<i64> = -9999..=9999;

/// Year, month (1 to 12) and day of a day number (days since 1970-01-01).
fn ymd(days: i32) -> (i64, u32, u32) {
    let z = i64::from(days) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// The day number of a calendar date.
fn day_number(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let m = i64::from(m);
    let mp = if m > 2 { m - 3 } else { m + 9 };
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The number of days in a month.
fn month_len(y: i64, m: u32) -> u32 {
    match m {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// A date as ISO `YYYY-MM-DD`, as [`format_date`] writes it.
pub(crate) fn iso_date(days: i32) -> String {
    if days == NEVER || !in_range(days) {
        return format_date(days);
    }
    let (y, m, d) = ymd(days);
    let mut out = String::with_capacity(10);
    for (n, width) in [(y as u32, 4u32), (m, 2), (d, 2)] {
        if out.len() == 4 || out.len() == 7 {
            out.push('-');
        }
        for k in (0..width).rev() {
            let digit = (n / 10u32.pow(k)) % 10;
            out.push(char::from(b'0' + digit as u8));
        }
    }
    out
}

/// Adds calendar months to a day number as [`crate::value::add_months`]
/// does: the day clamped to the end of the month reached, `None` when the
/// start or the result is past `jiff`'s years or the result outside the
/// supported range.
pub(crate) fn add_months(days: i32, months: i32) -> Option<i32> {
    let (y, m, d) = ymd(days);
    if !JIFF_YEARS.contains(&y) {
        return None;
    }
    let total = y * 12 + i64::from(m) - 1 + i64::from(months);
    let (ny, nm) = (total.div_euclid(12), total.rem_euclid(12) as u32 + 1);
    if !JIFF_YEARS.contains(&ny) {
        return None;
    }
    let moved = day_number(ny, nm, d.min(month_len(ny, nm)));
    let moved = i32::try_from(moved).ok()?;
    in_range(moved).then_some(moved)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::{add_months, iso_date};
    use crate::value::date::{MAX_DAY, MIN_DAY, NEVER};

    fn rng(state: &mut u64) -> u64 {
        *state ^= *state >> 12;
        *state ^= *state << 25;
        *state ^= *state >> 27;
        state.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    #[test]
    fn iso_dates_are_those_of_format_date() {
        let edges = [MIN_DAY - 400, NEVER, MIN_DAY, -1, 0, 1, 59, 60, MAX_DAY];
        for d in edges.into_iter().chain((MIN_DAY..=MAX_DAY).step_by(7)) {
            assert_eq!(iso_date(d), crate::value::format_date(d), "day {d}");
        }
        assert_eq!(
            iso_date(MAX_DAY + 1),
            crate::value::format_date(MAX_DAY + 1)
        );
    }

    #[test]
    fn month_shifts_are_those_of_value_add_months() {
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        // Month ends, leap days and the ends of the range first.
        let mut starts = vec![NEVER, MIN_DAY, MAX_DAY, 11_016, 11_017, 18_321, 18_322, 0];
        for _ in 0..20_000 {
            let r = rng(&mut state);
            let span = i64::from(MAX_DAY - MIN_DAY) + 800;
            starts.push((i64::from(MIN_DAY) - 400 + (r % span as u64) as i64) as i32);
        }
        for (i, &d) in starts.iter().enumerate() {
            let r = rng(&mut state);
            let months = match i % 4 {
                0 => (r % 25) as i32 - 12,
                1 => (r % 2400) as i32 - 1200,
                2 => (r % 240_000) as i32 - 120_000,
                _ => [i32::MIN, i32::MAX, 239_976, -239_976, 0, 1][(r % 6) as usize],
            };
            assert_eq!(
                add_months(d, months),
                crate::value::add_months(d, months),
                "day {d} + {months} months"
            );
        }
    }
}
