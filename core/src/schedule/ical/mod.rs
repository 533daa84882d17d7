//! iCalendar (RFC 5545) programmes: each `VEVENT` is a session.
//!
//! `UID` is the id, `SUMMARY` the title, `DESCRIPTION` the abstract,
//! `LOCATION` the room, `CATEGORIES` the track, `URL` the link; `DTSTART`
//! with `DTEND` or `DURATION` give the times, in UTC (`…Z`), in a `TZID`
//! zone, or floating in the conference's zone (the caller's, else the
//! calendar's `X-WR-TIMEZONE`). Speakers are the `ORGANIZER` and the
//! `ATTENDEE`s (by `CN`), or a `(talk by NAME)` at the end of the summary.
//!
//! Real calendars bend the rules, and the importer bends with them:
//! events that share a `UID` are told apart by `RECURRENCE-ID`, else by
//! their start, with a warning; a recurring event is expanded into its
//! occurrences (see [`recurrence`]), with its `RDATE`s added, its
//! `EXDATE`s taken out and the occurrences another event overrides
//! (`RECURRENCE-ID`) left to that event; a zone named by a misplaced top-level
//! property (`VTIMEZONE: Europe/Rome`) is taken as the calendar's.

mod lines;
mod recurrence;

use std::collections::HashMap;

use jiff::civil::{Date, DateTime};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use lines::{Line, parse_duration, unescape, unfold};

use super::speakers::Roster;
use super::{Conference, ImportError, ImportOptions, Schedule, Session, check_size};

/// One `VEVENT`: the line of its `BEGIN`, and its properties.
struct Event {
    begin: usize,
    lines: Vec<Line>,
}

impl Event {
    fn get(&self, name: &str) -> Option<&Line> {
        self.lines.iter().find(|l| l.name == name)
    }

    fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Line> + 'a {
        self.lines.iter().filter(move |l| l.name == name)
    }
}

/// Top-level properties some calendars put a zone name in.
const ZONE_HINTS: &[&str] = &["X-WR-TIMEZONE", "TZID", "VTIMEZONE", "X-LIC-LOCATION"];

/// Reads an iCalendar file.
pub fn parse_ical(input: &[u8], options: &ImportOptions) -> Result<Schedule, ImportError> {
    parse_ical_warned(input, options).map(|(schedule, _)| schedule)
}

/// Reads an iCalendar file, with what had to be worked around in it.
pub(crate) fn parse_ical_warned(input: &[u8], options: &ImportOptions) -> Result<(Schedule, Vec<String>), ImportError> {
    check_size(input)?;
    let text = super::utf8(input)?;
    let (events, calendar_name, hinted_zone) = events(unfold(text)?)?;
    let calendar_zone = options.time_zone.clone().or(hinted_zone);
    let mut warnings = Vec::new();
    let mut roster = Roster::default();
    // Each occurrence with its UID and the instant that names it (RECURRENCE-ID, else its start).
    let mut found: Vec<(Option<String>, Timestamp, Session)> = Vec::new();
    let mut first_zone = None;
    let overrides: Vec<(String, Timestamp)> = events
        .iter()
        .filter_map(|e| {
            let uid = e.get("UID")?.value.trim().to_string();
            let at = instant(e.get("RECURRENCE-ID")?, calendar_zone.as_ref()).ok()?.0;
            Some((uid, at))
        })
        .collect();
    for event in &events {
        if event.get("STATUS").is_some_and(|s| s.value.trim().eq_ignore_ascii_case("CANCELLED")) {
            continue;
        }
        let start_line = event
            .get("DTSTART")
            .ok_or_else(|| ImportError::field(format!("line {}: VEVENT", event.begin), "DTSTART is missing"))?;
        let (start, all_day, event_zone) = instant(start_line, calendar_zone.as_ref())?;
        if first_zone.is_none() {
            first_zone = event_zone.clone();
        }
        let end = end_of(event, start, all_day, calendar_zone.as_ref())?;
        let uid = event.get("UID").map(|l| l.value.trim().to_string()).filter(|u| !u.is_empty());
        let (title, by) = title_and_speaker(&event.get("SUMMARY").map(|l| unescape(&l.value)).unwrap_or_default());
        let mut speakers = Vec::new();
        let people = event.all("ORGANIZER").chain(event.all("ATTENDEE").filter(|a| {
            a.param("ROLE").is_none_or(|role| matches!(role.to_ascii_uppercase().as_str(), "CHAIR" | "REQ-PARTICIPANT"))
        }));
        for person in people {
            if let Some(name) = person.param("CN") {
                speakers.extend(roster.add(name, |_| {}));
            }
        }
        if let Some(by) = by {
            speakers.extend(roster.add(&by, |_| {}));
        }
        speakers.dedup();
        let session = Session {
            id: String::new(),
            title,
            abstract_text: event.get("DESCRIPTION").map(|l| unescape(&l.value)).unwrap_or_default(),
            speakers,
            room: event.get("LOCATION").map(|l| unescape(&l.value)).unwrap_or_default(),
            track: event
                .get("CATEGORIES")
                .map(|l| unescape(l.value.split(',').next().unwrap_or("")))
                .filter(|t| !t.is_empty()),
            start,
            end,
            url: event.get("URL").map(|l| l.value.trim().to_string()).filter(|u| !u.is_empty()),
            ..Session::default()
        };
        let named_by = match event.get("RECURRENCE-ID") {
            Some(recurrence) => instant(recurrence, calendar_zone.as_ref())?.0,
            None => start,
        };
        let rule = event.get("RRULE");
        let extra: Vec<&Line> = event.all("RDATE").collect();
        if rule.is_none() && extra.is_empty() {
            found.push((uid, named_by, session));
            continue;
        }
        let zone = event_zone.or_else(|| calendar_zone.clone()).unwrap_or(TimeZone::UTC);
        let mut starts = match rule {
            Some(rule) => recurrence::occurrences(&rule.value, start, &zone).unwrap_or_else(|why| {
                warnings.push(format!("line {}: RRULE `{}`: {why}; only its first time is kept", rule.no, rule.value));
                vec![start]
            }),
            None => vec![start],
        };
        for line in extra {
            for value in values(line) {
                starts.push(instant(&value, calendar_zone.as_ref())?.0);
            }
        }
        let mut excluded = Vec::new();
        for line in event.all("EXDATE") {
            for value in values(line) {
                let (at, all_day, _) = instant(&value, calendar_zone.as_ref())?;
                excluded.push((at, all_day));
            }
        }
        let day = |at: Timestamp| at.to_zoned(zone.clone()).date();
        starts.retain(|&at| {
            !excluded.iter().any(|&(out, all_day)| if all_day { day(out) == day(at) } else { out == at })
        });
        starts.sort();
        starts.dedup();
        starts.truncate(recurrence::MAX_OCCURRENCES);
        let length = end.duration_since(start);
        for at in starts {
            let overridden = uid.as_ref().is_some_and(|u| overrides.iter().any(|(o, when)| o == u && *when == at));
            if !overridden && let Ok(until) = at.checked_add(length) {
                found.push((uid.clone(), at, Session { start: at, end: until, ..session.clone() }));
            }
        }
    }
    if events.is_empty() && calendar_name.is_none() {
        return Err(ImportError::field("the file", "no VCALENDAR with events"));
    }
    let sessions = with_ids(found, &mut warnings);
    let time_zone = calendar_zone.or(first_zone).unwrap_or(TimeZone::UTC);
    let title = calendar_name.or_else(|| options.title.clone()).unwrap_or_else(|| String::from(super::UNTITLED));
    let schedule =
        Schedule::new(Conference { title, acronym: None, time_zone }, sessions).with_speakers(roster.into_profiles());
    Ok((schedule, warnings))
}

/// A calendar's events, its name, and the zone its top level names.
type Calendar = (Vec<Event>, Option<String>, Option<TimeZone>);

/// The calendar's events, its name, and the zone its top level names.
fn events(lines: Vec<Line>) -> Result<Calendar, ImportError> {
    let mut calendar_name = None;
    let mut hinted: Vec<(usize, TimeZone)> = Vec::new();
    let mut in_event: Option<Event> = None;
    let mut nesting: Vec<String> = Vec::new();
    let mut events: Vec<Event> = Vec::new();
    for line in lines {
        match line.name.as_str() {
            "BEGIN" => {
                let what = line.value.trim().to_ascii_uppercase();
                if what == "VEVENT" {
                    in_event = Some(Event { begin: line.no, lines: Vec::new() });
                }
                nesting.push(what);
            }
            "END" => {
                let what = line.value.trim().to_ascii_uppercase();
                if nesting.pop().as_deref() != Some(what.as_str()) {
                    return Err(ImportError::field(
                        format!("line {}", line.no),
                        format!("END:{what} closes nothing open"),
                    ));
                }
                if what == "VEVENT" {
                    events.extend(in_event.take());
                }
            }
            _ => match &mut in_event {
                Some(event) if nesting.last().is_some_and(|n| n == "VEVENT") => event.lines.push(line),
                Some(_) => {}
                None if nesting.len() <= 1 => {
                    if line.name == "X-WR-CALNAME" {
                        calendar_name = Some(unescape(&line.value)).filter(|n| !n.is_empty());
                    } else if let Some(rank) = ZONE_HINTS.iter().position(|h| *h == line.name) {
                        // X-WR-TIMEZONE must name a zone; the others are only hints.
                        match (rank, zone(&line.value, line.no)) {
                            (_, Ok(found)) => hinted.push((rank, found)),
                            (0, Err(error)) => return Err(error),
                            _ => {}
                        }
                    }
                }
                None => {}
            },
        }
    }
    if let Some(open) = nesting.last() {
        return Err(ImportError::field("end of file", format!("BEGIN:{open} is never closed")));
    }
    hinted.sort_by_key(|(rank, _)| *rank);
    Ok((events, calendar_name, hinted.into_iter().next().map(|(_, zone)| zone)))
}

/// When an event ends: `DTEND`, else `DTSTART` + `DURATION`, else a whole day or an instant.
fn end_of(event: &Event, start: Timestamp, all_day: bool, zone: Option<&TimeZone>) -> Result<Timestamp, ImportError> {
    let start_line = event.get("DTSTART").map_or(event.begin, |l| l.no);
    let end = match (event.get("DTEND"), event.get("DURATION")) {
        (Some(end), _) => instant(end, zone)?.0,
        (None, Some(duration)) => {
            let length = parse_duration(&duration.value).ok_or_else(|| {
                ImportError::field(format!("line {}", duration.no), format!("`{}` is not a DURATION", duration.value))
            })?;
            start
                .checked_add(length)
                .map_err(|_| ImportError::field(format!("line {}", duration.no), "out of range"))?
        }
        (None, None) if all_day => start
            .checked_add(SignedDuration::from_hours(24))
            .map_err(|_| ImportError::field(format!("line {start_line}"), "out of range"))?,
        (None, None) => start,
    };
    if end < start {
        return Err(ImportError::field(format!("line {start_line}"), "the session ends before it starts"));
    }
    Ok(end)
}

/// A summary and the speaker it names at its end: `Title (talk by Name)`,
/// `Title — by Name`.
fn title_and_speaker(summary: &str) -> (String, Option<String>) {
    let trimmed = summary.trim();
    if let Some(open) = trimmed.rfind('(')
        && trimmed.ends_with(')')
    {
        let inside = &trimmed[open + 1..trimmed.len() - 1];
        if let Some(name) = after_by(inside) {
            return (trimmed[..open].trim().to_string(), Some(name));
        }
    }
    for dash in [" — ", " – ", " - "] {
        if let Some((title, tail)) = trimmed.rsplit_once(dash)
            && let Some(name) = after_by(tail)
        {
            return (title.trim().to_string(), Some(name));
        }
    }
    (trimmed.to_string(), None)
}

/// `talk by Name`, `by Name`, `workshop by Name` → `Name`.
fn after_by(text: &str) -> Option<String> {
    let lower = text.to_lowercase();
    let at = if lower.starts_with("by ") { 0 } else { lower.find(" by ")? + 1 };
    // At most one word (talk, workshop, keynote) before `by`.
    (text[..at].split_whitespace().count() <= 1).then(|| text[at + 3..].trim().to_string()).filter(|n| !n.is_empty())
}

/// Session ids: the UID; events that share one are told apart by the
/// instant that names each (RECURRENCE-ID, else the start), then by room,
/// then by title, with one warning per shared UID. The id of each event
/// depends only on the event, not on the order of the file.
fn with_ids(found: Vec<(Option<String>, Timestamp, Session)>, warnings: &mut Vec<String>) -> Vec<Session> {
    let mut by_uid: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, (uid, _, _)) in found.iter().enumerate() {
        if let Some(uid) = uid {
            by_uid.entry(uid.as_str()).or_default().push(i);
        }
    }
    let mut ids: Vec<Option<String>> = vec![None; found.len()];
    let mut shared: Vec<(&str, usize)> = Vec::new();
    for (uid, members) in &by_uid {
        if members.len() == 1 {
            ids[members[0]] = Some(uid.to_string());
            continue;
        }
        shared.push((uid, members.len()));
        let time = |i: usize| found[i].1.strftime("%Y%m%dT%H%M%SZ").to_string();
        let room = |i: usize| crate::text::slug(&found[i].2.room);
        let title = |i: usize| crate::text::slug(&found[i].2.title);
        let keys: [&dyn Fn(usize) -> String; 3] = [&|i| time(i), &|i| format!("{}/{}", time(i), room(i)), &|i| {
            format!("{}/{}/{}", time(i), room(i), title(i))
        }];
        for &i in members {
            let unique = keys.iter().find(|key| members.iter().filter(|&&j| key(j) == key(i)).count() == 1);
            let key = unique.unwrap_or(&keys[2]);
            ids[i] = Some(format!("{uid}/{}", key(i)));
        }
    }
    shared.sort();
    for (uid, count) in shared {
        warnings.push(format!(
            "UID `{uid}` is shared by {count} events; each is told apart by its RECURRENCE-ID or start time (and room or title where those are alike too)"
        ));
    }
    found
        .into_iter()
        .zip(ids)
        .map(|((_, _, mut session), id)| {
            session.id = id.unwrap_or_else(|| format!("{}-{}", session.start.as_second(), session.title));
            session
        })
        .collect()
}

/// The instant of a DTSTART or DTEND, whether it is a whole day, and the zone it named.
fn instant(line: &Line, calendar: Option<&TimeZone>) -> Result<(Timestamp, bool, Option<TimeZone>), ImportError> {
    let at = || format!("line {}", line.no);
    let bad = || ImportError::field(at(), format!("`{}` is not an iCalendar date or date-time", line.value));
    let value = line.value.trim();
    let named = line.param("TZID").map(|tz| zone(tz, line.no)).transpose()?;
    let zone_for = |named: &Option<TimeZone>| -> Result<TimeZone, ImportError> {
        named.clone().or_else(|| calendar.cloned()).ok_or_else(|| ImportError::NoZone { field: at() })
    };
    if line.param("VALUE").is_some_and(|v| v.eq_ignore_ascii_case("DATE")) || value.len() == 8 {
        let date = Date::strptime("%Y%m%d", value).map_err(|_| bad())?;
        let zone = zone_for(&named)?;
        let ts = date.to_zoned(zone).map_err(|_| bad())?.timestamp();
        return Ok((ts, true, named));
    }
    if let Some(utc) = value.strip_suffix('Z') {
        let dt = DateTime::strptime("%Y%m%dT%H%M%S", utc).map_err(|_| bad())?;
        return Ok((dt.to_zoned(TimeZone::UTC).map_err(|_| bad())?.timestamp(), false, named));
    }
    let dt = DateTime::strptime("%Y%m%dT%H%M%S", value).map_err(|_| bad())?;
    let zone = zone_for(&named)?;
    Ok((dt.to_zoned(zone).map_err(|_| bad())?.timestamp(), false, named))
}

/// Each value of a line that lists several (`RDATE`, `EXDATE`), as a line
/// of its own with the same parameters; a period (`start/end` or
/// `start/duration`) gives its start.
fn values(line: &Line) -> Vec<Line> {
    let period = line.param("VALUE").is_some_and(|v| v.eq_ignore_ascii_case("PERIOD"));
    let params: Vec<(String, String)> =
        line.params.iter().filter(|(key, _)| !(period && key.eq_ignore_ascii_case("VALUE"))).cloned().collect();
    line.value
        .split(',')
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(|value| Line {
            no: line.no,
            name: line.name.clone(),
            params: params.clone(),
            value: value.split('/').next().unwrap_or(value).to_string(),
        })
        .collect()
}

fn zone(name: &str, no: usize) -> Result<TimeZone, ImportError> {
    TimeZone::get(name.trim()).map_err(|_| {
        ImportError::field(
            format!("line {no}"),
            format!("`{name}` is not a time zone emcee knows (use an IANA name such as Europe/Berlin)"),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nX-WR-CALNAME:DevConf\r\nX-WR-TIMEZONE:Europe/Copenhagen\r\n\
BEGIN:VTIMEZONE\r\nTZID:Europe/Copenhagen\r\nBEGIN:STANDARD\r\nDTSTART:19701025T030000\r\nTZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n\
BEGIN:VEVENT\r\nUID:kelsey-keynote@devconf\r\nSUMMARY:Keynote: Software supply chain security\r\nDTSTART;TZID=Europe/Copenhagen:20221101T091500\r\nDTEND;TZID=Europe/Copenhagen:20221101T100000\r\n\
LOCATION:Main Stage\r\nCATEGORIES:Security,Keynotes\r\nDESCRIPTION:A keynote\\, with a comma\\nand a second line that is folded acr\r\n oss two lines.\r\nEND:VEVENT\r\n\
BEGIN:VEVENT\r\nUID:wasm@devconf\r\nSUMMARY:WebAssembly at the edge\r\nDTSTART:20221101T100000Z\r\nDURATION:PT30M\r\nLOCATION:Room 2\r\nEND:VEVENT\r\n\
BEGIN:VEVENT\r\nUID:floating@devconf\r\nSUMMARY:Closing\r\nDTSTART:20221102T160000\r\nDURATION:PT1H\r\nEND:VEVENT\r\n\
BEGIN:VEVENT\r\nUID:gone@devconf\r\nSUMMARY:Cancelled talk\r\nSTATUS:CANCELLED\r\nDTSTART:20221102T120000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";

    #[test]
    fn reads_events_with_zones_durations_and_folded_lines() {
        let s = parse_ical(SAMPLE.as_bytes(), &ImportOptions::default()).unwrap();
        assert_eq!(
            (s.conference.title.as_str(), s.conference.zone_name()),
            ("DevConf", "Europe/Copenhagen".to_string())
        );
        assert_eq!(s.sessions.len(), 3);
        let keynote = &s.sessions[0];
        assert_eq!((keynote.id.as_str(), keynote.room.as_str()), ("kelsey-keynote@devconf", "Main Stage"));
        assert_eq!(
            (keynote.start.to_string(), keynote.end.to_string()),
            ("2022-11-01T08:15:00Z".into(), "2022-11-01T09:00:00Z".into())
        );
        assert_eq!(keynote.track.as_deref(), Some("Security"));
        assert_eq!(
            keynote.abstract_text,
            "A keynote, with a comma\nand a second line that is folded across two lines."
        );
        assert_eq!(
            (s.sessions[1].start.to_string(), s.sessions[1].end.to_string()),
            ("2022-11-01T10:00:00Z".into(), "2022-11-01T10:30:00Z".into())
        );
        assert_eq!(s.sessions[2].start.to_string(), "2022-11-02T15:00:00Z", "floating time in the calendar's zone");
    }

    fn check_error(input: &str, expected: &str) {
        assert_eq!(parse_ical(input.as_bytes(), &ImportOptions::default()).unwrap_err().to_string(), expected);
    }

    #[test]
    fn refuses_bad_calendars_saying_where() {
        check_error(
            "BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART:2022-11-01\nEND:VEVENT\nEND:VCALENDAR\n",
            "line 3: `2022-11-01` is not an iCalendar date or date-time",
        );
        check_error(
            "BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART:20221101T100000\nEND:VEVENT\nEND:VCALENDAR\n",
            "line 3: the file gives local times without a time zone, and no conference time zone was given",
        );
        check_error(
            "BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART:20221101T100000Z\n",
            "end of file: BEGIN:VEVENT is never closed",
        );
        check_error(
            "BEGIN:VCALENDAR\nthis is not ical\n",
            "line 2, column 1: `this is not ical` is not a NAME:value line",
        );
        check_error(
            "BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART;TZID=Mars/Olympus:20221101T100000\nEND:VEVENT\nEND:VCALENDAR\n",
            "line 3: `Mars/Olympus` is not a time zone emcee knows (use an IANA name such as Europe/Berlin)",
        );
    }

    #[test]
    fn reads_durations() {
        assert_eq!(parse_duration("PT45M"), Some(SignedDuration::from_mins(45)));
        assert_eq!(parse_duration("P1DT2H"), Some(SignedDuration::from_hours(26)));
        assert_eq!(parse_duration("P1W"), Some(SignedDuration::from_hours(168)));
        assert_eq!(parse_duration("PT"), Some(SignedDuration::ZERO));
        assert_eq!(parse_duration("-PT5M"), None);
        assert_eq!(parse_duration("45"), None);
        assert_eq!(parse_duration("PT5X"), None);
    }
}
