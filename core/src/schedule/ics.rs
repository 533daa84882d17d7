//! The programme as an iCalendar file, for calendar apps to import or
//! subscribe to: one `VEVENT` per session with a stable `UID` (the
//! session's id), a `SEQUENCE` that goes up whenever the session changes,
//! cancelled sessions kept as `STATUS:CANCELLED` so that subscribers drop
//! them, and times local to the conference's zone, described by a
//! `VTIMEZONE` of its transitions around the conference. Text is escaped
//! and lines folded at 75 octets.

use std::collections::HashMap;

use jiff::tz::{Offset, TimeZone};
use jiff::{SignedDuration, Timestamp};

use super::{Schedule, Session};

/// What a calendar holds besides the programme's sessions.
#[derive(Debug, Clone, Copy)]
pub struct Calendar<'a> {
    /// The calendar's name, as apps show it.
    pub name: &'a str,
    /// When its content last changed: every event's `DTSTAMP` and
    /// `LAST-MODIFIED`, so that the same programme gives the same bytes.
    pub stamp: Timestamp,
    /// How many times each session changed since it was added (absent: 0).
    pub sequences: &'a HashMap<String, u32>,
    /// Sessions the programme no longer holds, as they last were.
    pub cancelled: &'a [Session],
    /// Only these sessions (by id); `None` for all.
    pub only: Option<&'a [String]>,
}

/// The whole programme as iCalendar text.
pub fn to_ics(schedule: &Schedule, now: Timestamp) -> String {
    let sequences = HashMap::new();
    let calendar =
        Calendar { name: &schedule.conference.title, stamp: now, sequences: &sequences, cancelled: &[], only: None };
    calendar_ics(schedule, &calendar)
}

/// The programme's sessions (and those cancelled), as `calendar` says.
pub fn calendar_ics(schedule: &Schedule, calendar: &Calendar<'_>) -> String {
    let zone = &schedule.conference.time_zone;
    let tzid = schedule.conference.zone_name();
    let wanted = |s: &&Session| calendar.only.is_none_or(|ids| ids.contains(&s.id));
    let live: Vec<&Session> = schedule.sessions.iter().filter(wanted).collect();
    let cancelled: Vec<&Session> =
        calendar.cancelled.iter().filter(wanted).filter(|c| !schedule.sessions.iter().any(|s| s.id == c.id)).collect();
    let mut out = String::new();
    let mut line = |text: String| fold_into(&mut out, &text);
    line("BEGIN:VCALENDAR".into());
    line("VERSION:2.0".into());
    line("PRODID:-//emcee//schedule//EN".into());
    line("CALSCALE:GREGORIAN".into());
    line("METHOD:PUBLISH".into());
    line(format!("X-WR-CALNAME:{}", escape(calendar.name)));
    line(format!("X-WR-TIMEZONE:{}", escape(&tzid)));
    let all: Vec<&Session> = live.iter().chain(&cancelled).copied().collect();
    let from = all.iter().map(|s| s.start).min().unwrap_or(calendar.stamp);
    let to = all.iter().map(|s| s.end).max().unwrap_or(calendar.stamp);
    for text in vtimezone(zone, &tzid, from, to) {
        line(text);
    }
    for (session, status) in live.iter().map(|s| (*s, "CONFIRMED")).chain(cancelled.iter().map(|s| (*s, "CANCELLED"))) {
        let sequence = calendar.sequences.get(&session.id).copied().unwrap_or(0);
        line("BEGIN:VEVENT".into());
        line(format!("UID:{}", escape(&session.id)));
        line(format!("DTSTAMP:{}", utc(calendar.stamp)));
        line(format!("LAST-MODIFIED:{}", utc(calendar.stamp)));
        line(format!("SEQUENCE:{sequence}"));
        line(format!("STATUS:{status}"));
        line(format!("DTSTART;TZID={}:{}", param(&tzid), local(session.start, zone)));
        line(format!("DTEND;TZID={}:{}", param(&tzid), local(session.end, zone)));
        line(format!("SUMMARY:{}", escape(&session.title)));
        if !session.room.is_empty() {
            line(format!("LOCATION:{}", escape(&session.room)));
        }
        let mut description = session.abstract_text.clone();
        if !session.speakers.is_empty() {
            description = format!("{}\n\n{}", session.speakers.join(", "), description).trim().to_string();
        }
        if !description.is_empty() {
            line(format!("DESCRIPTION:{}", escape(&description)));
        }
        if let Some(track) = &session.track {
            line(format!("CATEGORIES:{}", escape(track)));
        }
        if let Some(url) = session.url.as_deref().filter(|u| u.chars().all(|c| plain(c) && !c.is_whitespace())) {
            line(format!("URL:{url}"));
        }
        line("END:VEVENT".into());
    }
    line("END:VCALENDAR".into());
    out
}

/// A `VTIMEZONE` for `zone`, called `tzid`: the offset in force a year
/// before `from`, then every transition until a year after `to`.
fn vtimezone(zone: &TimeZone, tzid: &str, from: Timestamp, to: Timestamp) -> Vec<String> {
    let year = SignedDuration::from_hours(366 * 24);
    let start = from.checked_sub(year).unwrap_or(from);
    let end = to.checked_add(year).unwrap_or(to);
    let mut lines = vec![String::from("BEGIN:VTIMEZONE"), format!("TZID:{}", escape(tzid))];
    let first = zone.to_offset_info(start);
    let mut component = |dst: bool, at: Timestamp, from: Offset, to: Offset, name: &str| {
        let kind = if dst { "DAYLIGHT" } else { "STANDARD" };
        lines.push(format!("BEGIN:{kind}"));
        // The local time the change happens at, on the clock before it.
        lines.push(format!("DTSTART:{}", at.to_zoned(TimeZone::fixed(from)).strftime("%Y%m%dT%H%M%S")));
        lines.push(format!("TZOFFSETFROM:{}", offset(from)));
        lines.push(format!("TZOFFSETTO:{}", offset(to)));
        if !name.is_empty() && !name.starts_with(['+', '-']) {
            lines.push(format!("TZNAME:{}", escape(name)));
        }
        lines.push(format!("END:{kind}"));
    };
    component(first.dst().is_dst(), start, first.offset(), first.offset(), first.abbreviation());
    let mut before = first.offset();
    for transition in zone.following(start).take_while(|t| t.timestamp() <= end) {
        component(
            transition.dst().is_dst(),
            transition.timestamp(),
            before,
            transition.offset(),
            transition.abbreviation(),
        );
        before = transition.offset();
    }
    lines.push(String::from("END:VTIMEZONE"));
    lines
}

/// `+0100`, or `+053030` when the offset has seconds.
fn offset(offset: Offset) -> String {
    let seconds = offset.seconds();
    let sign = if seconds < 0 { '-' } else { '+' };
    let seconds = seconds.unsigned_abs();
    let (h, m, s) = (seconds / 3600, seconds / 60 % 60, seconds % 60);
    if s == 0 { format!("{sign}{h:02}{m:02}") } else { format!("{sign}{h:02}{m:02}{s:02}") }
}

/// The local time of `at` in `zone`, as iCalendar writes it.
fn local(at: Timestamp, zone: &TimeZone) -> String {
    at.to_zoned(zone.clone()).strftime("%Y%m%dT%H%M%S").to_string()
}

/// A parameter value, quoted when it holds what would end it.
fn param(value: &str) -> String {
    let value: String = value.chars().filter(|&c| plain(c)).collect();
    if value.contains([':', ';', ',']) { format!("\"{}\"", value.replace('"', "'")) } else { value }
}

fn utc(at: Timestamp) -> String {
    at.strftime("%Y%m%dT%H%M%SZ").to_string()
}

/// A TEXT value (RFC 5545 3.3.11): backslashes, semicolons and commas
/// escaped; every way of ending a line (CR LF, a lone CR or LF, VT, FF,
/// NEL, the Unicode line and paragraph separators) written as `\n`; a tab
/// as a space; and every other control character dropped, since the
/// grammar allows none and a reader may end a line at any of them.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\r' => {
                chars.next_if_eq(&'\n');
                out.push_str("\\n");
            }
            '\n' | '\u{0B}' | '\u{0C}' | '\u{85}' | '\u{2028}' | '\u{2029}' => out.push_str("\\n"),
            '\t' => out.push(' '),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Whether `c` may stand in a content line as written: no control
/// character, and neither of the Unicode separators some readers end lines at.
fn plain(c: char) -> bool {
    !c.is_control() && c != '\u{2028}' && c != '\u{2029}'
}

/// Appends `text` as content lines of at most 75 octets, split on character boundaries.
fn fold_into(out: &mut String, text: &str) {
    let mut width = 0;
    for c in text.chars() {
        if width + c.len_utf8() > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += c.len_utf8();
    }
    out.push_str("\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schedule::{ImportOptions, parse_ical};

    #[test]
    fn round_trips_through_the_ical_importer() {
        let sample = crate::seed::schedule();
        let text = to_ics(&sample, "2022-10-01T00:00:00Z".parse().unwrap());
        assert!(text.lines().all(|l| l.len() <= 76), "lines are folded");
        let back = parse_ical(text.as_bytes(), &ImportOptions::default()).unwrap();
        assert_eq!(back.sessions.len(), sample.sessions.len());
        for (a, b) in sample.sessions.iter().zip(&back.sessions) {
            assert_eq!((&a.id, &a.title, a.start, a.end, &a.room), (&b.id, &b.title, b.start, b.end, &b.room));
        }
        assert_eq!(back.conference.zone_name(), "Europe/Copenhagen");
    }

    #[test]
    fn keeps_uids_raises_sequences_and_cancels() {
        let sample = crate::seed::schedule();
        let stamp: Timestamp = "2022-10-20T12:00:00Z".parse().unwrap();
        let mut next = sample.clone();
        let gone = next.sessions.remove(0);
        let moved = next.sessions[0].id.clone();
        let sequences = HashMap::from([(moved.clone(), 2), (gone.id.clone(), 1)]);
        let cancelled = [gone.clone()];
        let calendar = Calendar { name: "Mine", stamp, sequences: &sequences, cancelled: &cancelled, only: None };
        let text = calendar_ics(&next, &calendar);
        let events: Vec<&str> = text.split("BEGIN:VEVENT").skip(1).collect();
        assert_eq!(events.len(), sample.sessions.len(), "the cancelled one stays, marked");
        let event = |id: &str| events.iter().find(|e| e.contains(&format!("UID:{id}\r\n"))).unwrap().to_string();
        assert!(event(&gone.id).contains("STATUS:CANCELLED") && event(&gone.id).contains("SEQUENCE:1"));
        assert!(event(&moved).contains("STATUS:CONFIRMED") && event(&moved).contains("SEQUENCE:2"));
        assert!(event(&next.sessions[1].id).contains("SEQUENCE:0"));
        assert!(text.contains("DTSTART;TZID=Europe/Copenhagen:20221101T"), "local times in the named zone");
        assert_eq!(text, calendar_ics(&next, &calendar), "the same programme gives the same bytes");
        let only = [moved.clone()];
        let mine = calendar_ics(&next, &Calendar { only: Some(&only), ..calendar });
        assert_eq!(mine.matches("BEGIN:VEVENT").count(), 1);
        // A change to a session the person did not choose leaves their calendar's bytes (and ETag) as they were.
        let mut other = next.clone();
        other.sessions[1].title.push_str(" (renamed)");
        assert_eq!(calendar_ics(&other, &Calendar { only: Some(&only), ..calendar }), mine);
        assert_ne!(calendar_ics(&other, &calendar), text, "the whole programme's calendar does change");
    }

    #[test]
    fn the_zone_s_transitions_around_the_conference_are_described() {
        let sample = crate::seed::schedule();
        let text = to_ics(&sample, "2022-10-01T00:00:00Z".parse().unwrap());
        let zone = text.split("BEGIN:VTIMEZONE").nth(1).unwrap().split("END:VTIMEZONE").next().unwrap();
        assert!(zone.contains("TZID:Europe/Copenhagen"));
        // Summer time ended on 30 October 2022 at 03:00 local, from +0200 to +0100.
        assert!(
            zone.contains(
                "BEGIN:STANDARD\r\nDTSTART:20221030T030000\r\nTZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\nTZNAME:CET"
            ),
            "{zone}"
        );
        assert!(zone.contains("BEGIN:DAYLIGHT\r\nDTSTART:20230326T020000\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200"));
        assert_eq!(offset(Offset::from_seconds(-(5 * 3600 + 30 * 60 + 15)).unwrap()), "-053015");
    }
}
