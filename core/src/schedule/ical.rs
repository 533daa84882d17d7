//! iCalendar (RFC 5545) programmes: each `VEVENT` is a session.
//!
//! `UID` is the id, `SUMMARY` the title, `DESCRIPTION` the abstract,
//! `LOCATION` the room, `CATEGORIES` the track, `URL` the link; `DTSTART`
//! with `DTEND` or `DURATION` give the times, in UTC (`…Z`), in a `TZID`
//! zone, or floating in the calendar's `X-WR-TIMEZONE` (or the zone the
//! caller gives). Folded lines are unfolded first. A recurring event
//! (`RRULE`) is refused: a conference session happens once.

use jiff::civil::{Date, DateTime};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};

use super::{Conference, ImportError, ImportOptions, Schedule, Session, check_size};

/// One unfolded content line: where it began, its name, parameters and value.
struct Line {
    no: usize,
    name: String,
    params: Vec<(String, String)>,
    value: String,
}

impl Line {
    fn param(&self, key: &str) -> Option<&str> {
        self.params.iter().find(|(k, _)| k.eq_ignore_ascii_case(key)).map(|(_, v)| v.as_str())
    }
}

/// Reads an iCalendar file.
pub fn parse_ical(input: &[u8], options: &ImportOptions) -> Result<Schedule, ImportError> {
    check_size(input)?;
    let text = super::utf8(input)?;
    let lines = unfold(text)?;
    let mut calendar_name = None;
    let mut calendar_zone: Option<TimeZone> = options.time_zone.clone();
    // Each VEVENT with the line of its BEGIN, which an empty one is reported at.
    let mut in_event: Option<(usize, Vec<Line>)> = None;
    let mut nesting: Vec<String> = Vec::new();
    let mut events: Vec<(usize, Vec<Line>)> = Vec::new();
    for line in lines {
        match line.name.as_str() {
            "BEGIN" => {
                let what = line.value.to_ascii_uppercase();
                if what == "VEVENT" {
                    in_event = Some((line.no, Vec::new()));
                }
                nesting.push(what);
            }
            "END" => {
                let what = line.value.to_ascii_uppercase();
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
                Some((_, event)) if nesting.last().is_some_and(|n| n == "VEVENT") => event.push(line),
                Some(_) => {}
                None => match line.name.as_str() {
                    "X-WR-CALNAME" => calendar_name = Some(unescape(&line.value)),
                    "X-WR-TIMEZONE" if options.time_zone.is_none() => calendar_zone = Some(zone(&line.value, line.no)?),
                    _ => {}
                },
            },
        }
    }
    if let Some(open) = nesting.last() {
        return Err(ImportError::field("end of file", format!("BEGIN:{open} is never closed")));
    }
    if events.is_empty() && calendar_name.is_none() {
        return Err(ImportError::field("the file", "no VCALENDAR with events"));
    }
    let mut sessions = Vec::new();
    let mut first_zone = None;
    for (begin, event) in events {
        let get = |name: &str| event.iter().find(|l| l.name == name);
        if let Some(rule) = get("RRULE") {
            return Err(ImportError::field(
                format!("line {}", rule.no),
                format!("RRULE `{}`: recurring events are not sessions; export each session on its own", rule.value),
            ));
        }
        if get("STATUS").is_some_and(|s| s.value.eq_ignore_ascii_case("CANCELLED")) {
            continue;
        }
        let start_line =
            get("DTSTART").ok_or_else(|| ImportError::field(format!("line {begin}: VEVENT"), "DTSTART is missing"))?;
        let (start, all_day, event_zone) = instant(start_line, calendar_zone.as_ref())?;
        if first_zone.is_none() {
            first_zone = event_zone;
        }
        let end = match (get("DTEND"), get("DURATION")) {
            (Some(end), _) => instant(end, calendar_zone.as_ref())?.0,
            (None, Some(duration)) => {
                let length = parse_duration(&duration.value).ok_or_else(|| {
                    ImportError::field(
                        format!("line {}", duration.no),
                        format!("`{}` is not a DURATION", duration.value),
                    )
                })?;
                start
                    .checked_add(length)
                    .map_err(|_| ImportError::field(format!("line {}", duration.no), "out of range"))?
            }
            (None, None) if all_day => start
                .checked_add(SignedDuration::from_hours(24))
                .map_err(|_| ImportError::field(format!("line {}", start_line.no), "out of range"))?,
            (None, None) => start,
        };
        if end < start {
            return Err(ImportError::field(format!("line {}", start_line.no), "the session ends before it starts"));
        }
        let uid = get("UID").map(|l| l.value.clone());
        let title = get("SUMMARY").map(|l| unescape(&l.value)).unwrap_or_default();
        let id = uid.filter(|u| !u.is_empty()).unwrap_or_else(|| format!("{}-{}", start.as_second(), title));
        sessions.push(Session {
            id,
            title,
            subtitle: String::new(),
            abstract_text: get("DESCRIPTION").map(|l| unescape(&l.value)).unwrap_or_default(),
            speakers: Vec::new(),
            room: get("LOCATION").map(|l| unescape(&l.value)).unwrap_or_default(),
            track: get("CATEGORIES")
                .map(|l| unescape(l.value.split(',').next().unwrap_or("")))
                .filter(|t| !t.is_empty()),
            kind: None,
            language: None,
            start,
            end,
            url: get("URL").map(|l| l.value.clone()),
        });
    }
    let time_zone = calendar_zone.or(first_zone).unwrap_or(TimeZone::UTC);
    let title = calendar_name.or_else(|| options.title.clone()).unwrap_or_else(|| String::from("Conference"));
    Ok(Schedule::new(Conference { title, acronym: None, time_zone }, sessions))
}

/// Joins folded lines and splits each into name, parameters and value.
fn unfold(text: &str) -> Result<Vec<Line>, ImportError> {
    let mut logical: Vec<(usize, String)> = Vec::new();
    for (i, raw) in text.split('\n').enumerate() {
        let raw = raw.strip_suffix('\r').unwrap_or(raw);
        if let Some(rest) = raw.strip_prefix([' ', '\t']) {
            match logical.last_mut() {
                Some((_, line)) => line.push_str(rest),
                None => {
                    return Err(ImportError::Syntax {
                        line: 1,
                        column: 1,
                        message: "the file starts with a folded line".into(),
                    });
                }
            }
        } else if !raw.is_empty() {
            logical.push((i + 1, raw.to_string()));
        }
    }
    logical.into_iter().map(|(no, line)| split_line(no, &line)).collect()
}

fn split_line(no: usize, line: &str) -> Result<Line, ImportError> {
    // The value starts at the first colon outside a quoted parameter value.
    let mut quoted = false;
    let mut colon = None;
    for (i, c) in line.char_indices() {
        match c {
            '"' => quoted = !quoted,
            ':' if !quoted => {
                colon = Some(i);
                break;
            }
            _ => {}
        }
    }
    let Some(colon) = colon else {
        return Err(ImportError::Syntax { line: no, column: 1, message: format!("`{line}` is not a NAME:value line") });
    };
    let mut parts = line[..colon].split(';');
    let name = parts.next().unwrap_or("").trim().to_ascii_uppercase();
    if name.is_empty() {
        return Err(ImportError::Syntax { line: no, column: 1, message: "a line with no property name".into() });
    }
    let params = parts
        .filter_map(|p| p.split_once('='))
        .map(|(k, v)| (k.trim().to_ascii_uppercase(), v.trim().trim_matches('"').to_string()))
        .collect();
    Ok(Line { no, name, params, value: line[colon + 1..].to_string() })
}

/// The instant of a DTSTART or DTEND, whether it is a whole day, and the zone it named.
fn instant(line: &Line, calendar: Option<&TimeZone>) -> Result<(Timestamp, bool, Option<TimeZone>), ImportError> {
    let at = || format!("line {}", line.no);
    let bad = || ImportError::field(at(), format!("`{}` is not an iCalendar date or date-time", line.value));
    let value = line.value.trim();
    let named = line.param("TZID").map(|tz| zone(tz, line.no)).transpose()?;
    let zone_for = |named: &Option<TimeZone>| -> Result<TimeZone, ImportError> {
        named.clone().or_else(|| calendar.cloned()).ok_or_else(|| {
            ImportError::field(
                at(),
                "a time without a zone, in a calendar without X-WR-TIMEZONE; give the conference's zone",
            )
        })
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

fn zone(name: &str, no: usize) -> Result<TimeZone, ImportError> {
    TimeZone::get(name.trim()).map_err(|_| {
        ImportError::field(
            format!("line {no}"),
            format!("`{name}` is not a time zone emcee knows (use an IANA name such as Europe/Berlin)"),
        )
    })
}

/// `P1W`, `PT45M`, `P1DT2H30M`, `-PT5M` is refused.
fn parse_duration(text: &str) -> Option<SignedDuration> {
    let rest = text.trim().strip_prefix('+').unwrap_or(text.trim()).strip_prefix('P')?;
    let (days, time) = match rest.split_once('T') {
        Some((d, t)) => (d, t),
        None => (rest, ""),
    };
    let mut secs: i64 = 0;
    let mut read = |part: &str, units: &[(char, i64)]| -> Option<()> {
        let mut number = String::new();
        for c in part.chars() {
            if c.is_ascii_digit() {
                number.push(c);
            } else {
                let (_, unit) = units.iter().find(|(u, _)| *u == c)?;
                secs = secs.checked_add(number.parse::<i64>().ok()?.checked_mul(*unit)?)?;
                number.clear();
            }
        }
        number.is_empty().then_some(())
    };
    read(days, &[('W', 604_800), ('D', 86_400)])?;
    read(time, &[('H', 3_600), ('M', 60), ('S', 1)])?;
    Some(SignedDuration::from_secs(secs))
}

/// RFC 5545 text: `\\n` is a newline, `\\,` `\\;` `\\\\` are the characters.
fn unescape(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut chars = value.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('n' | 'N') => out.push('\n'),
                Some(other) => out.push(other),
                None => out.push('\\'),
            }
        } else {
            out.push(c);
        }
    }
    out.trim().to_string()
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
            "BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:x\nDTSTART:20221101T100000Z\nRRULE:FREQ=SOMETIMES;COUNT=-1\nEND:VEVENT\nEND:VCALENDAR\n",
            "line 5: RRULE `FREQ=SOMETIMES;COUNT=-1`: recurring events are not sessions; export each session on its own",
        );
        check_error(
            "BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART:2022-11-01\nEND:VEVENT\nEND:VCALENDAR\n",
            "line 3: `2022-11-01` is not an iCalendar date or date-time",
        );
        check_error(
            "BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART:20221101T100000\nEND:VEVENT\nEND:VCALENDAR\n",
            "line 3: a time without a zone, in a calendar without X-WR-TIMEZONE; give the conference's zone",
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
