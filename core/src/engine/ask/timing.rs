//! The time a question names: `now`, `next`, `today`, `tomorrow morning`,
//! `this afternoon`, a weekday, `day 2`, a date, `at 11`, `at 2pm`,
//! `14:00`, `after the keynote`, `before lunch`, the `first` or `last`
//! session. Read from the question's words; what `after the keynote` means
//! in time is decided with the programme (see `programme.rs`).

use std::ops::Range;

use jiff::civil::{Date, Time, Weekday};
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan, Zoned};

use crate::lexicon::calendar::{MONTHS, NUMBERS, ORDINALS, PARTS, REFERENCE_ENDS, SESSION_WORDS, WEEKDAYS};
use crate::schedule::Session;

/// A time named in a question.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Timing {
    /// The words of the question it was read from.
    pub used: Vec<usize>,
    pub day: Option<DayRef>,
    /// A part of the day: from, to.
    pub part: Option<(Time, Time)>,
    /// A clock time.
    pub at: Option<Time>,
    pub relation: Option<Relation>,
}

/// A day, as a question names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DayRef {
    Today,
    Tomorrow,
    Yesterday,
    Weekday(Weekday),
    /// The conference's nth day, from 1.
    Nth(usize),
    /// The conference's last day.
    LastDay,
    /// A month and day, in the conference's year.
    Date {
        month: i8,
        day: i8,
    },
    /// A full date.
    Full(Date),
}

/// How the sessions wanted relate to the time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Relation {
    Now,
    Next,
    /// After what the question's words in the range name (a session, a
    /// person's session, a meal).
    After(Range<usize>),
    Before(Range<usize>),
    First,
    Last,
}

impl Timing {
    pub(crate) fn is_empty(&self) -> bool {
        self.day.is_none() && self.part.is_none() && self.at.is_none() && self.relation.is_none()
    }
}

/// Reads the time `words` name.
pub(crate) fn read(words: &[String]) -> Timing {
    let mut timing = Timing::default();
    let word = |i: usize| words.get(i).map_or("", String::as_str);
    let mut i = 0;
    while i < words.len() {
        let w = word(i);
        let mut used = 1;
        match w {
            "now" | "currently" => timing.relation = Some(Relation::Now),
            "right" if word(i + 1) == "now" => {
                timing.relation = Some(Relation::Now);
                used = 2;
            }
            "moment" if i >= 2 && word(i - 1) == "the" && word(i - 2) == "at" => {
                timing.relation = Some(Relation::Now);
                timing.used.extend([i - 2, i - 1]);
            }
            "next" | "soon" if !matches!(word(i + 1), "day" | "week") => {
                if timing.relation.is_none() {
                    timing.relation = Some(Relation::Next);
                }
            }
            "coming" if word(i + 1) == "up" => {
                timing.relation = Some(Relation::Next);
                used = 2;
            }
            "today" => timing.day = Some(DayRef::Today),
            "tomorrow" => timing.day = Some(DayRef::Tomorrow),
            "yesterday" => timing.day = Some(DayRef::Yesterday),
            "first" | "opening" if word(i + 1) == "day" => {
                timing.day = Some(DayRef::Nth(1));
                used = 2;
            }
            "last" | "final" | "closing" if word(i + 1) == "day" => {
                timing.day = Some(DayRef::LastDay);
                used = 2;
            }
            // `the first session`, `the last talk`: not `his first project`.
            "first" | "earliest" if names_session(word(i + 1)) => timing.relation = Some(Relation::First),
            "last" | "final" | "latest" if names_session(word(i + 1)) => timing.relation = Some(Relation::Last),
            "day" => match number(word(i + 1)) {
                Some(n) => {
                    timing.day = Some(DayRef::Nth(n));
                    used = 2;
                }
                None => match ORDINALS.iter().position(|o| *o == word(i.wrapping_sub(1))) {
                    Some(n) => {
                        timing.day = Some(DayRef::Nth(n + 1));
                        timing.used.push(i - 1);
                    }
                    None => used = 0,
                },
            },
            "after" | "before" => {
                let start = i + 1;
                let mut end = start;
                while end < words.len() && !REFERENCE_ENDS.contains(&word(end)) {
                    end += 1;
                }
                if let Some((time, len)) = clock_at(words, start) {
                    timing.at = Some(time);
                    used = 1 + len;
                    timing.relation = Some(if w == "after" { Relation::After(0..0) } else { Relation::Before(0..0) });
                } else if end > start {
                    let reference = start..end;
                    timing.relation =
                        Some(if w == "after" { Relation::After(reference) } else { Relation::Before(reference) });
                    used = end - i;
                } else {
                    used = 0;
                }
            }
            "at" | "around" | "from" => match clock_at(words, i + 1) {
                Some((time, len)) => {
                    timing.at = Some(time);
                    used = 1 + len;
                }
                None => used = 0,
            },
            "noon" | "midday" => timing.at = Some(Time::constant(12, 0, 0, 0)),
            _ => {
                if let Some(&(_, day)) = WEEKDAYS.iter().find(|(name, _)| *name == w) {
                    timing.day = Some(DayRef::Weekday(day));
                } else if let Some(&(_, (from, to))) = PARTS.iter().find(|(name, _)| *name == w) {
                    timing.part = Some((hour(from), hour(to)));
                    if w == "tonight" && timing.day.is_none() {
                        timing.day = Some(DayRef::Today);
                    }
                    if i >= 1 && matches!(word(i - 1), "this" | "the") {
                        timing.used.push(i - 1);
                        if i >= 2 && word(i - 2) == "in" {
                            timing.used.push(i - 2);
                        }
                    }
                } else if let Some((date, len)) = date_at(words, i) {
                    timing.day = Some(date);
                    used = len;
                } else if let Some((time, len)) = clock_at(words, i).filter(|(_, len)| explicit_clock(words, i, *len)) {
                    timing.at = Some(time);
                    used = len;
                } else {
                    used = 0;
                }
            }
        }
        timing.used.extend(i..i + used);
        i += used.max(1);
    }
    timing.used.sort_unstable();
    timing.used.dedup();
    timing
}

/// Whether `word` names a session: `the first talk`, `the last one`.
fn names_session(word: &str) -> bool {
    crate::lexicon::questions::is_session_noun(word) || SESSION_WORDS.contains(&word)
}

fn hour(h: i8) -> Time {
    if h >= 24 { Time::constant(23, 59, 59, 0) } else { Time::constant(h, 0, 0, 0) }
}

fn number(word: &str) -> Option<usize> {
    word.parse::<usize>()
        .ok()
        .filter(|n| (1..=31).contains(n))
        .or_else(|| NUMBERS.iter().position(|n| *n == word).map(|n| n + 1))
}

/// A clock time at `words[at]`: `11`, `11am`, `2 pm`, `14:00`, `9:30am`;
/// with the number of words it takes. A bare hour from 1 to 6 is in the
/// afternoon: no conference starts a session at 2 in the night.
fn clock_at(words: &[String], at: usize) -> Option<(Time, usize)> {
    let word = words.get(at)?;
    let (digits, suffix) = match word.find(|c: char| c.is_ascii_alphabetic()) {
        Some(split) => word.split_at(split),
        None => (word.as_str(), ""),
    };
    let (suffix, len) = match suffix {
        "" => match words.get(at + 1).map(String::as_str) {
            Some(s @ ("am" | "pm")) => (s, 2),
            Some("o") if words.get(at + 2).is_some_and(|w| w == "clock") => ("", 3),
            _ => ("", 1),
        },
        "am" | "pm" | "h" => (suffix, 1),
        _ => return None,
    };
    let (h, m) = match digits.split_once(':') {
        Some((h, m)) => (h.parse::<i8>().ok()?, m.parse::<i8>().ok()?),
        None => (digits.parse::<i8>().ok()?, 0),
    };
    if !(0..=23).contains(&h) || !(0..=59).contains(&m) {
        return None;
    }
    let h = match suffix {
        "pm" if h < 12 => h + 12,
        "am" if h == 12 => 0,
        "am" | "pm" => h,
        _ if (1..=6).contains(&h) && !digits.contains(':') => h + 12,
        _ => h,
    };
    Some((Time::new(h, m, 0, 0).ok()?, len))
}

/// Whether a clock time without `at` before it is one: `14:00`, `2pm`,
/// `11 am`, not the `2` of `room 2`.
fn explicit_clock(words: &[String], at: usize, len: usize) -> bool {
    len > 1 || words[at].contains(':') || words[at].ends_with("am") || words[at].ends_with("pm")
}

/// A date at `words[at]`: `november 1`, `1 nov`, `1st of november`,
/// `2022 11 01`; with the number of words it takes.
fn date_at(words: &[String], at: usize) -> Option<(DayRef, usize)> {
    let word = |i: usize| words.get(i).map_or("", String::as_str);
    let month =
        |w: &str| MONTHS.iter().position(|m| w.len() >= 3 && m.starts_with(w) && (w.len() == m.len() || w.len() == 3));
    let day = |w: &str| {
        let digits = w.trim_end_matches(|c: char| c.is_ascii_alphabetic());
        let suffix = &w[digits.len()..];
        let n = digits.parse::<i8>().ok().filter(|n| (1..=31).contains(n))?;
        matches!(suffix, "" | "st" | "nd" | "rd" | "th").then_some(n)
    };
    let first = word(at);
    if first.len() == 4 && first.chars().all(|c| c.is_ascii_digit()) {
        let year: i16 = first.parse().ok()?;
        let m: i8 = word(at + 1).parse().ok()?;
        let d: i8 = word(at + 2).parse().ok()?;
        return Some((DayRef::Full(Date::new(year, m, d).ok()?), 3));
    }
    if let Some(m) = month(first) {
        let d = day(word(at + 1))?;
        return Some((DayRef::Date { month: m as i8 + 1, day: d }, 2));
    }
    let d = day(first)?;
    let of = usize::from(word(at + 1) == "of");
    let m = month(word(at + 1 + of))?;
    Some((DayRef::Date { month: m as i8 + 1, day: d }, 2 + of))
}

/// The conference's days, in order, in its zone.
pub(crate) fn days(sessions: &[Session], zone: &TimeZone) -> Vec<Date> {
    let mut days: Vec<Date> = sessions.iter().map(|s| s.start.to_zoned(zone.clone()).date()).collect();
    days.sort_unstable();
    days.dedup();
    days
}

/// The date a day reference means, given today and the conference's days.
pub(crate) fn resolve_day(day: DayRef, today: Date, days: &[Date]) -> Option<Date> {
    match day {
        DayRef::Today => Some(today),
        DayRef::Tomorrow => today.checked_add(1.day()).ok(),
        DayRef::Yesterday => today.checked_sub(1.day()).ok(),
        DayRef::Weekday(weekday) => {
            let on = |d: &&Date| d.weekday() == weekday;
            days.iter().filter(|d| **d >= today).find(on).or_else(|| days.iter().find(on)).copied()
        }
        DayRef::Nth(n) => days.get(n.checked_sub(1)?).copied(),
        DayRef::LastDay => days.last().copied(),
        DayRef::Date { month, day } => {
            let year = days.first().map_or(today.year(), |d| d.year());
            Date::new(year, month, day).ok()
        }
        DayRef::Full(date) => Some(date),
    }
}

/// The day a time without a day is on: today when the conference is on,
/// else its next day, else its first.
pub(crate) fn default_day(today: Date, days: &[Date]) -> Date {
    days.iter().find(|d| **d >= today).or(days.first()).copied().unwrap_or(today)
}

/// An instant: a clock time on a day, in the zone.
pub(crate) fn instant(day: Date, time: Time, zone: &TimeZone) -> Option<Timestamp> {
    day.to_datetime(time).to_zoned(zone.clone()).ok().map(|z: Zoned| z.timestamp())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::ask::question::words;

    fn read_str(q: &str) -> Timing {
        read(&words(q))
    }

    #[test]
    fn reads_days_parts_and_clock_times() {
        let t = read_str("what's on tomorrow morning");
        assert_eq!(
            (t.day, t.part),
            (Some(DayRef::Tomorrow), Some((Time::constant(0, 0, 0, 0), Time::constant(12, 0, 0, 0))))
        );
        assert_eq!(read_str("whats on in room 2 at 11").at, Some(Time::constant(11, 0, 0, 0)));
        assert_eq!(read_str("anything at 2pm on the first day").at, Some(Time::constant(14, 0, 0, 0)));
        assert_eq!(read_str("anything at 2pm on the first day").day, Some(DayRef::Nth(1)));
        assert_eq!(read_str("what's on at 14:00").at, Some(Time::constant(14, 0, 0, 0)));
        assert_eq!(read_str("talks on november 1").day, Some(DayRef::Date { month: 11, day: 1 }));
        assert_eq!(read_str("talks on 2 Feb").day, Some(DayRef::Date { month: 2, day: 2 }));
        assert_eq!(read_str("what's on saturday afternoon").day, Some(DayRef::Weekday(Weekday::Saturday)));
        assert_eq!(read_str("day 2").day, Some(DayRef::Nth(2)));
        assert!(read_str("what is in room 2").is_empty());
    }

    #[test]
    fn reads_relations_and_what_they_refer_to() {
        let t = read_str("what's on after the keynote?");
        assert_eq!(t.relation, Some(Relation::After(4..6)));
        let t = read_str("anything before lunch tomorrow");
        assert_eq!((t.relation, t.day), (Some(Relation::Before(2..3)), Some(DayRef::Tomorrow)));
        assert_eq!(read_str("next in Room 2").relation, Some(Relation::Next));
        assert_eq!(read_str("what time does the first session start").relation, Some(Relation::First));
        assert_eq!(read_str("what's the last session of the conference").relation, Some(Relation::Last));
        let t = read_str("what's on after 3pm");
        assert_eq!((t.relation, t.at), (Some(Relation::After(0..0)), Some(Time::constant(15, 0, 0, 0))));
    }
}
