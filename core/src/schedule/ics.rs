//! The programme as an iCalendar file, for calendar apps: one `VEVENT` per
//! session, times in UTC, text escaped and lines folded at 75 octets.

use jiff::Timestamp;

use super::Schedule;

/// The whole programme as iCalendar text.
pub fn to_ics(schedule: &Schedule, now: Timestamp) -> String {
    let mut out = String::new();
    let mut line = |text: String| fold_into(&mut out, &text);
    line("BEGIN:VCALENDAR".into());
    line("VERSION:2.0".into());
    line("PRODID:-//emcee//schedule//EN".into());
    line("CALSCALE:GREGORIAN".into());
    line(format!("X-WR-CALNAME:{}", escape(&schedule.conference.title)));
    if let Some(zone) = schedule.conference.time_zone.iana_name() {
        line(format!("X-WR-TIMEZONE:{zone}"));
    }
    for session in &schedule.sessions {
        line("BEGIN:VEVENT".into());
        line(format!("UID:{}", escape(&session.id)));
        line(format!("DTSTAMP:{}", utc(now)));
        line(format!("DTSTART:{}", utc(session.start)));
        line(format!("DTEND:{}", utc(session.end)));
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
        if let Some(url) = &session.url {
            line(format!("URL:{url}"));
        }
        line("END:VEVENT".into());
    }
    line("END:VCALENDAR".into());
    out
}

fn utc(at: Timestamp) -> String {
    at.strftime("%Y%m%dT%H%M%SZ").to_string()
}

fn escape(text: &str) -> String {
    text.replace('\\', "\\\\").replace(';', "\\;").replace(',', "\\,").replace("\r\n", "\\n").replace('\n', "\\n")
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
}
