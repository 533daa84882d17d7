//! A calendar feed cannot be split, whatever the programme's text holds:
//! sessions whose titles, rooms, tracks, abstracts, speakers, ids and
//! addresses are arbitrary strings (control characters, lone carriage
//! returns, Unicode line separators, `BEGIN:VEVENT` written in a title)
//! give exactly one event each, read by a strict line-based reader that
//! ends a line at any of those characters, and by Python's icalendar.

use emcee_core::Schedule;
use emcee_core::schedule::{Conference, Session, to_ics};
use proptest::prelude::*;

/// Text as hostile as a programme export can be: any characters, with line
/// breaks and the calendar's own words more likely than chance.
fn hostile() -> impl Strategy<Value = String> {
    let pieces = prop_oneof![
        any::<char>().prop_map(String::from),
        Just(String::from("\r")),
        Just(String::from("\n")),
        Just(String::from("\r\n")),
        Just(String::from("\u{0B}")),
        Just(String::from("\u{1B}")),
        Just(String::from("\u{7F}")),
        Just(String::from("\u{85}")),
        Just(String::from("\u{2028}")),
        Just(String::from("\u{2029}")),
        Just(String::from("BEGIN:VEVENT")),
        Just(String::from("END:VEVENT")),
        Just(String::from(";,:\\\"")),
        "[a-z ]{1,12}",
    ];
    prop::collection::vec(pieces, 0..12).prop_map(|parts| parts.concat())
}

fn session() -> impl Strategy<Value = Session> {
    (hostile(), hostile(), hostile(), hostile(), hostile(), hostile(), hostile(), 0i64..86_400).prop_map(
        |(id, title, room, track, abstract_text, speaker, url, start)| Session {
            id,
            title,
            room,
            track: Some(track),
            abstract_text,
            speakers: vec![speaker],
            url: Some(url),
            start: jiff::Timestamp::from_second(1_700_000_000 + start).unwrap(),
            end: jiff::Timestamp::from_second(1_700_003_600 + start).unwrap(),
            ..Session::default()
        },
    )
}

/// The events a reader sees that ends a line at any line-ending character
/// and unfolds continuation lines, failing on a control character left in
/// a line.
fn strict_events(ics: &str) -> Result<usize, String> {
    let mut lines: Vec<String> = Vec::new();
    for raw in ics.split(['\r', '\n', '\u{0B}', '\u{0C}', '\u{85}', '\u{2028}', '\u{2029}']).filter(|l| !l.is_empty()) {
        if let Some(bad) = raw.chars().find(|c| c.is_control()) {
            return Err(format!("{bad:?} in the line {raw:?}"));
        }
        if raw.len() > 75 {
            return Err(format!("a line of {} octets: {raw:?}", raw.len()));
        }
        match (raw.strip_prefix(' '), lines.last_mut()) {
            (Some(rest), Some(last)) => last.push_str(rest),
            _ => lines.push(raw.to_string()),
        }
    }
    let begins = lines.iter().filter(|l| *l == "BEGIN:VEVENT").count();
    let ends = lines.iter().filter(|l| *l == "END:VEVENT").count();
    if begins != ends {
        return Err(format!("{begins} events begun and {ends} ended"));
    }
    Ok(begins)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn no_text_splits_the_calendar(sessions in prop::collection::vec(session(), 1..6), name in hostile()) {
        // Distinct ids, as a programme's are.
        let sessions: Vec<Session> = sessions
            .into_iter()
            .enumerate()
            .map(|(i, s)| Session { id: format!("{i}-{}", s.id), ..s })
            .collect();
        let count = sessions.len();
        let conference = Conference { title: name, acronym: None, time_zone: jiff::tz::TimeZone::get("Europe/Brussels").unwrap() };
        let ics = to_ics(&Schedule::new(conference, sessions), jiff::Timestamp::from_second(1_700_000_000).unwrap());
        prop_assert_eq!(strict_events(&ics), Ok(count), "{}", ics);
        if let Some(parsed) = super::agenda::parsed_by_python(&ics) {
            prop_assert_eq!(parsed["events"].as_array().map(Vec::len), Some(count), "{}", ics);
        }
    }
}
