//! The one date module: ISO parsing and printing, and calendar arithmetic
//! (see `grammar/SEMANTICS.md`, "Dates"). Dates are day numbers (days since
//! 1970-01-01); the expressions and the schedules both shift dates here.

/// Days since 1970-01-01 for an ISO date `YYYY-MM-DD`, or `None` when it is
/// not a real calendar date.
pub fn parse_date(text: &str) -> Option<i32> {
    let date: jiff::civil::Date = text.parse().ok()?;
    let epoch = jiff::civil::date(1970, 1, 1);
    Some(date.since(epoch).ok()?.get_days())
}

/// The ISO form `YYYY-MM-DD` of a day number.
pub fn format_date(days: i32) -> String {
    let epoch = jiff::civil::date(1970, 1, 1);
    match epoch.checked_add(jiff::Span::new().days(i64::from(days))) {
        Ok(d) => d.to_string(),
        Err(_) => format!("day {days}"),
    }
}

/// Adds calendar months to a day number (clamping to the month's end, so
/// 31 January + 1 month is 28 or 29 February).
pub fn add_months(days: i32, months: i32) -> Option<i32> {
    let epoch = jiff::civil::date(1970, 1, 1);
    let date = epoch
        .checked_add(jiff::Span::new().days(i64::from(days)))
        .ok()?;
    let moved = date.checked_add(jiff::Span::new().months(months)).ok()?;
    Some(moved.since(epoch).ok()?.get_days())
}
