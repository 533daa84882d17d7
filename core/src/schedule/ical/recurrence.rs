//! Recurring iCalendar events (`RRULE`): a session held every day of a
//! conference is one event with a rule. The rules conferences write —
//! `FREQ=DAILY` or `WEEKLY`, with `INTERVAL`, and `COUNT` or `UNTIL` — are
//! expanded into their occurrences; any other rule keeps the first
//! occurrence only, with a warning.

use jiff::civil::DateTime;
use jiff::tz::TimeZone;
use jiff::{Span, Timestamp};

/// The most occurrences one rule gives: a conference is days, not years.
pub const MAX_OCCURRENCES: usize = 100;

/// The starts a rule gives from `first` (itself included), in `zone` so
/// that a daily session keeps its wall-clock time across a change of
/// offset; `Err` says why the rule was not expanded.
pub fn occurrences(rule: &str, first: Timestamp, zone: &TimeZone) -> Result<Vec<Timestamp>, String> {
    let mut freq = None;
    let mut interval: i64 = 1;
    let mut count: Option<usize> = None;
    let mut until: Option<Timestamp> = None;
    for part in rule.split(';').filter(|p| !p.trim().is_empty()) {
        let (key, value) = part.split_once('=').ok_or_else(|| format!("`{part}` is not KEY=VALUE"))?;
        match key.trim().to_ascii_uppercase().as_str() {
            "FREQ" => freq = Some(value.trim().to_ascii_uppercase()),
            "INTERVAL" => interval = value.trim().parse().ok().filter(|&n| n >= 1).ok_or("INTERVAL is not a count")?,
            "COUNT" => count = Some(value.trim().parse().ok().filter(|&n| n >= 1).ok_or("COUNT is not a count")?),
            "UNTIL" => until = Some(until_instant(value.trim(), zone).ok_or("UNTIL is not a date")?),
            "WKST" => {}
            other => return Err(format!("{other} is not a part of rules emcee expands")),
        }
    }
    let step = match freq.as_deref() {
        Some("DAILY") => Span::new().days(interval),
        Some("WEEKLY") => Span::new().weeks(interval),
        Some(other) => return Err(format!("FREQ={other} is not a frequency emcee expands")),
        None => return Err(String::from("the rule has no FREQ")),
    };
    if count.is_none() && until.is_none() {
        return Err(String::from("the rule has neither COUNT nor UNTIL, so it never ends"));
    }
    let limit = count.unwrap_or(MAX_OCCURRENCES).min(MAX_OCCURRENCES);
    let local = first.to_zoned(zone.clone());
    let mut starts = Vec::new();
    for n in 0..limit {
        let steps = i64::try_from(n).map_err(|_| "too many occurrences")?;
        let at = local
            .checked_add(step.checked_mul(steps).map_err(|e| e.to_string())?)
            .map_err(|e| e.to_string())?
            .timestamp();
        if until.is_some_and(|until| at > until) {
            break;
        }
        starts.push(at);
    }
    Ok(starts)
}

/// `UNTIL` as a date (`20241015`, the whole day), a UTC time, or a local time in `zone`.
fn until_instant(value: &str, zone: &TimeZone) -> Option<Timestamp> {
    if let Some(utc) = value.strip_suffix('Z') {
        return DateTime::strptime("%Y%m%dT%H%M%S", utc).ok()?.to_zoned(TimeZone::UTC).ok().map(|z| z.timestamp());
    }
    let local = match DateTime::strptime("%Y%m%dT%H%M%S", value) {
        Ok(local) => local,
        Err(_) => jiff::civil::Date::strptime("%Y%m%d", value).ok()?.at(23, 59, 59, 0),
    };
    local.to_zoned(zone.clone()).ok().map(|z| z.timestamp())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expands_the_rules_conferences_write() {
        let rome = TimeZone::get("Europe/Rome").unwrap();
        let first: Timestamp = "2024-09-13T07:00:00Z".parse().unwrap();
        let days = |rule: &str| -> Vec<String> {
            occurrences(rule, first, &rome).unwrap().iter().map(|t| t.to_string()).collect()
        };
        assert_eq!(
            days("FREQ=DAILY;COUNT=3"),
            ["2024-09-13T07:00:00Z", "2024-09-14T07:00:00Z", "2024-09-15T07:00:00Z"]
        );
        assert_eq!(days("FREQ=DAILY;UNTIL=20240914"), ["2024-09-13T07:00:00Z", "2024-09-14T07:00:00Z"]);
        assert_eq!(days("FREQ=WEEKLY;INTERVAL=2;COUNT=2"), ["2024-09-13T07:00:00Z", "2024-09-27T07:00:00Z"]);
        // The wall-clock time holds across the end of summer time.
        let october: Timestamp = "2024-10-26T07:00:00Z".parse().unwrap();
        let got = occurrences("FREQ=DAILY;COUNT=2", october, &rome).unwrap();
        assert_eq!(got[1].to_string(), "2024-10-27T08:00:00Z");
        assert_eq!(
            occurrences("FREQ=DAILY", first, &rome).unwrap_err(),
            "the rule has neither COUNT nor UNTIL, so it never ends"
        );
        assert!(occurrences("FREQ=MONTHLY;COUNT=2", first, &rome).is_err());
        assert!(occurrences("FREQ=DAILY;BYDAY=MO;COUNT=2", first, &rome).is_err());
        assert_eq!(occurrences("FREQ=DAILY;COUNT=100000", first, &rome).unwrap().len(), MAX_OCCURRENCES);
    }
}
