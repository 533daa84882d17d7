//! Recurring iCalendar events (`RRULE`): a session held every day of a
//! conference, or every Tuesday and Thursday of a course, is one event
//! with a rule. The rules calendars write for such events are expanded
//! into their occurrences: `FREQ=DAILY` or `WEEKLY`, with `INTERVAL`,
//! `COUNT` or `UNTIL`, `BYDAY` (the days of the week), `BYMONTHDAY` (for
//! daily rules) and `WKST`. Any other rule keeps the first occurrence only,
//! with a warning. `RDATE`, `EXDATE` and overridden occurrences
//! (`RECURRENCE-ID`) are applied by the importer around this.
//!
//! Written on jiff rather than taken from the `rrule` crate, which brings
//! chrono and chrono-tz: a second time library and a second time-zone
//! database beside jiff's, for rule parts (monthly and yearly positions)
//! no conference programme uses.

use jiff::civil::{Date, DateTime, Weekday};
use jiff::tz::TimeZone;
use jiff::{Span, Timestamp};

/// The most occurrences one rule gives: a conference is days, not years.
pub const MAX_OCCURRENCES: usize = 100;
/// The furthest from its first occurrence a rule is followed, in days:
/// ten years, so that a sparse rule (`BYMONTHDAY=31` on a daily rule)
/// still ends.
const MAX_DAYS: i64 = 3_660;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Frequency {
    Daily,
    Weekly,
}

/// The parts of a rule that choose its days.
struct Rule {
    frequency: Frequency,
    interval: i64,
    count: Option<usize>,
    until: Option<Timestamp>,
    by_day: Vec<Weekday>,
    by_month_day: Vec<i8>,
    week_start: Weekday,
}

/// The starts a rule gives from `first` (itself included, as the first
/// occurrence whatever the rule), in `zone` so that a daily session keeps
/// its wall-clock time across a change of offset; `Err` says why the rule
/// was not expanded.
pub fn occurrences(rule: &str, first: Timestamp, zone: &TimeZone) -> Result<Vec<Timestamp>, String> {
    let rule = Rule::parse(rule, zone)?;
    let local = first.to_zoned(zone.clone());
    let (first_day, time) = (local.date(), local.time());
    let limit = rule.count.unwrap_or(MAX_OCCURRENCES).min(MAX_OCCURRENCES);
    let mut starts = vec![first];
    for n in 1..=MAX_DAYS {
        if starts.len() >= limit {
            break;
        }
        let day = first_day.checked_add(Span::new().days(n)).map_err(|e| e.to_string())?;
        if !rule.holds_on(day, first_day) {
            continue;
        }
        let at = DateTime::from_parts(day, time).to_zoned(zone.clone()).map_err(|e| e.to_string())?.timestamp();
        if rule.until.is_some_and(|until| at > until) {
            break;
        }
        starts.push(at);
    }
    Ok(starts)
}

impl Rule {
    fn parse(rule: &str, zone: &TimeZone) -> Result<Rule, String> {
        let mut frequency = None;
        let mut parsed = Rule {
            frequency: Frequency::Daily,
            interval: 1,
            count: None,
            until: None,
            by_day: Vec::new(),
            by_month_day: Vec::new(),
            week_start: Weekday::Monday,
        };
        for part in rule.split(';').filter(|p| !p.trim().is_empty()) {
            let (key, value) = part.split_once('=').ok_or_else(|| format!("`{part}` is not KEY=VALUE"))?;
            let value = value.trim();
            match key.trim().to_ascii_uppercase().as_str() {
                "FREQ" => {
                    frequency = Some(match value.to_ascii_uppercase().as_str() {
                        "DAILY" => Frequency::Daily,
                        "WEEKLY" => Frequency::Weekly,
                        other => return Err(format!("FREQ={other} is not a frequency emcee expands")),
                    })
                }
                "INTERVAL" => {
                    parsed.interval = value.parse().ok().filter(|&n| n >= 1).ok_or("INTERVAL is not a count")?
                }
                "COUNT" => parsed.count = Some(value.parse().ok().filter(|&n| n >= 1).ok_or("COUNT is not a count")?),
                "UNTIL" => parsed.until = Some(until_instant(value, zone).ok_or("UNTIL is not a date")?),
                "WKST" => parsed.week_start = weekday(value).ok_or_else(|| format!("WKST={value} is not a day"))?,
                "BYDAY" => {
                    parsed.by_day = value
                        .split(',')
                        .map(|d| weekday(d).ok_or_else(|| format!("BYDAY `{}` is not a day of the week", d.trim())))
                        .collect::<Result<_, _>>()?
                }
                "BYMONTHDAY" => {
                    parsed.by_month_day = value
                        .split(',')
                        .map(|d| {
                            d.trim()
                                .parse::<i8>()
                                .ok()
                                .filter(|n| (1..=31).contains(&n.abs()))
                                .ok_or_else(|| format!("BYMONTHDAY `{}` is not a day of the month", d.trim()))
                        })
                        .collect::<Result<_, _>>()?
                }
                other => return Err(format!("{other} is not a part of rules emcee expands")),
            }
        }
        parsed.frequency = frequency.ok_or("the rule has no FREQ")?;
        if parsed.frequency == Frequency::Weekly && !parsed.by_month_day.is_empty() {
            return Err(String::from("BYMONTHDAY is not allowed in a WEEKLY rule"));
        }
        if parsed.count.is_none() && parsed.until.is_none() {
            return Err(String::from("the rule has neither COUNT nor UNTIL, so it never ends"));
        }
        Ok(parsed)
    }

    /// Whether `day` is one of the rule's, for a rule first held on `first`.
    fn holds_on(&self, day: Date, first: Date) -> bool {
        let on_weekday = |fallback: Weekday| {
            if self.by_day.is_empty() { day.weekday() == fallback } else { self.by_day.contains(&day.weekday()) }
        };
        let in_step = match self.frequency {
            Frequency::Daily => {
                let days = first.until(day).map_or(0, |span| i64::from(span.get_days()));
                days % self.interval == 0 && on_weekday(day.weekday())
            }
            Frequency::Weekly => {
                let week = |d: Date| {
                    let back =
                        (d.weekday().to_monday_zero_offset() - self.week_start.to_monday_zero_offset()).rem_euclid(7);
                    d.checked_sub(Span::new().days(back)).unwrap_or(d)
                };
                let weeks = week(first).until(week(day)).map_or(0, |span| i64::from(span.get_days())) / 7;
                weeks % self.interval == 0 && on_weekday(first.weekday())
            }
        };
        in_step && (self.by_month_day.is_empty() || self.by_month_day.iter().any(|&n| month_day(day, n)))
    }
}

/// Whether `day` is day `n` of its month, counting back from its end when `n` is negative.
fn month_day(day: Date, n: i8) -> bool {
    let n = i16::from(n);
    let from_start = if n > 0 { n } else { i16::from(day.days_in_month()) + 1 + n };
    i16::from(day.day()) == from_start
}

/// `MO` … `SU`.
fn weekday(text: &str) -> Option<Weekday> {
    Some(match text.trim().to_ascii_uppercase().as_str() {
        "MO" => Weekday::Monday,
        "TU" => Weekday::Tuesday,
        "WE" => Weekday::Wednesday,
        "TH" => Weekday::Thursday,
        "FR" => Weekday::Friday,
        "SA" => Weekday::Saturday,
        "SU" => Weekday::Sunday,
        _ => return None,
    })
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
        assert!(occurrences("FREQ=WEEKLY;BYDAY=1MO;COUNT=2", first, &rome).is_err());
        assert!(occurrences("FREQ=WEEKLY;BYMONTHDAY=1;COUNT=2", first, &rome).is_err());
        assert_eq!(occurrences("FREQ=DAILY;COUNT=100000", first, &rome).unwrap().len(), MAX_OCCURRENCES);
    }

    #[test]
    fn by_day_by_month_day_and_the_week_start() {
        let rome = TimeZone::get("Europe/Rome").unwrap();
        // Friday 13 September 2024, 09:00 in Rome.
        let first: Timestamp = "2024-09-13T07:00:00Z".parse().unwrap();
        let dates = |rule: &str| -> Vec<String> {
            occurrences(rule, first, &rome)
                .unwrap()
                .iter()
                .map(|t| t.to_zoned(rome.clone()).strftime("%a %d").to_string())
                .collect()
        };
        // The first occurrence counts even where the rule's days leave it out.
        assert_eq!(dates("FREQ=WEEKLY;BYDAY=TU,TH;COUNT=5"), ["Fri 13", "Tue 17", "Thu 19", "Tue 24", "Thu 26"]);
        assert_eq!(dates("FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,FR;UNTIL=20241001"), ["Fri 13", "Mon 23", "Fri 27"]);
        // Weeks from Monday keep Sunday 15 in the first one; weeks from Sunday begin the second with it.
        assert_eq!(dates("FREQ=WEEKLY;INTERVAL=2;BYDAY=SU;WKST=MO;COUNT=3"), ["Fri 13", "Sun 15", "Sun 29"]);
        assert_eq!(dates("FREQ=WEEKLY;INTERVAL=2;BYDAY=SU;WKST=SU;COUNT=3"), ["Fri 13", "Sun 22", "Sun 06"]);
        assert_eq!(dates("FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR;COUNT=4"), ["Fri 13", "Mon 16", "Tue 17", "Wed 18"]);
        assert_eq!(dates("FREQ=DAILY;BYMONTHDAY=1,-1;COUNT=4"), ["Fri 13", "Mon 30", "Tue 01", "Thu 31"]);
    }
}
