//! Every real export in `shared/fixtures/schedules`, read through format
//! detection, with exact counts, spot checks, and `/talks now` at a pinned
//! time; bad input of every kind refused with a clear error and no panic;
//! time zones across a change of daylight saving time.

use emcee_core::schedule::{self, Format, ImportError, ImportOptions, MAX_IMPORT_BYTES};
use emcee_core::{Context, Engine, KnowledgeBase};
use jiff::tz::TimeZone;

const CAMP: &[u8] = include_bytes!("../../../shared/fixtures/schedules/frab-camp2019.json");
const RC3: &[u8] = include_bytes!("../../../shared/fixtures/schedules/pretalx-rc3-channels-2020.json");
const CONGRESS: &[u8] = include_bytes!("../../../shared/fixtures/schedules/schedule-39c3-20251206.xml");

fn talks_now(schedule: emcee_core::Schedule, now: &str) -> String {
    let engine = Engine::new(KnowledgeBase::default(), schedule);
    let reply = engine.answer_line("/talks now", &Context { now: now.parse().unwrap(), seed: 0 });
    emcee_core::render::plain_text(&reply, emcee_core::render::Marks::NONE)
}

fn check(input: &[u8], format: Format, sessions: usize, now: &str, on_now: &str) {
    let (found, schedule) = schedule::import(input, &ImportOptions::default()).unwrap();
    assert_eq!((found, schedule.sessions.len()), (format, sessions));
    let text = talks_now(schedule, now);
    assert!(text.contains(on_now), "at {now}: {text}");
}

#[test]
fn reads_every_fixture() {
    check(CAMP, Format::FrabJson, 79, "2019-08-21T09:10:00Z", "Wed 21 Aug 11:00–11:30 CEST · Curie · Opening Ceremony");
    check(
        CONGRESS,
        Format::FrabXml,
        215,
        "2025-12-27T15:30:00Z",
        "Sat 27 Dec 16:00–17:00 CET · One · All my Deutschlandtickets gone",
    );
    let (_, rc3) = schedule::import(RC3, &ImportOptions::default()).unwrap();
    let first = rc3.sessions[0].clone();
    assert_eq!(rc3.sessions.len(), 48);
    assert_eq!(rc3.conference.zone_name(), "UTC+01", "no zone name: the offsets of its dates");
    let during = first.start.checked_add(jiff::SignedDuration::from_mins(1)).unwrap().to_string();
    let text = talks_now(rc3, &during);
    assert!(text.contains(&first.title) && text.contains("UTC+01 ·"), "{text}");
}

fn error(input: &[u8]) -> String {
    schedule::import(input, &ImportOptions { time_zone: Some(TimeZone::get("Europe/Berlin").unwrap()), title: None })
        .unwrap_err()
        .to_string()
}

#[test]
fn refuses_bad_input_saying_where() {
    let truncated = &CAMP[..CAMP.len() / 2];
    assert!(error(truncated).starts_with("line "), "{}", error(truncated));
    let wrong_type = br#"{"schedule": {"conference": {"title": 2019, "days": []}}}"#;
    assert_eq!(error(wrong_type), "line 1, column 42: invalid type: integer `2019`, expected a string");
    let truncated_xml = &CONGRESS[..CONGRESS.len() / 3];
    assert!(error(truncated_xml).contains("the file ends inside <schedule><day>"), "{}", error(truncated_xml));
    assert_eq!(
        error(b"id,title,start,duration,room\nx,\"open,2025-03-30 01:30,01:00,A\n"),
        "line 2, column 3: a quoted field is never closed"
    );
    let huge = vec![b' '; 50 * 1024 * 1024];
    assert_eq!(
        error(&huge),
        format!("the file is 52428800 bytes; schedules larger than {MAX_IMPORT_BYTES} bytes are refused")
    );
    assert!(matches!(schedule::import(&huge, &ImportOptions::default()), Err(ImportError::TooLarge { .. })));
    let laughs = b"<?xml version=\"1.0\"?><!DOCTYPE l [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\"><!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">]><schedule><conference><title>&c;</title></conference></schedule>";
    assert!(error(laughs).contains("the entity `&c;` is not one of XML's predefined entities"), "{}", error(laughs));
    let rrule = b"BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:a\nDTSTART:20251227T100000Z\nRRULE:FREQ=DAILY;UNTIL=never\nEND:VEVENT\nEND:VCALENDAR\n";
    assert!(error(rrule).starts_with("line 5: RRULE `FREQ=DAILY;UNTIL=never`"), "{}", error(rrule));
}

#[test]
fn keeps_time_right_across_a_change_of_daylight_saving_time() {
    // Berlin moves from 02:00 CET to 03:00 CEST on 2025-03-30.
    let csv =
        b"id,title,start,duration,room\nn,Night owls,2025-03-30 01:30,01:00,A\nm,Morning,2025-03-30 09:00,00:30,A\n";
    let options = ImportOptions { time_zone: Some(TimeZone::get("Europe/Berlin").unwrap()), title: None };
    let (_, s) = schedule::import(csv, &options).unwrap();
    let night = &s.sessions[0];
    assert_eq!(
        (night.start.to_string(), night.end.to_string()),
        ("2025-03-30T00:30:00Z".into(), "2025-03-30T01:30:00Z".into())
    );
    let shown = emcee_core::render::time_span(night.start, night.end, &s.conference.time_zone);
    assert_eq!(shown, "Sun 30 Mar 01:30–03:30 CET", "an hour long, ending after the clocks went forward");
    let morning = emcee_core::render::time_span(s.sessions[1].start, s.sessions[1].end, &s.conference.time_zone);
    assert_eq!(morning, "Sun 30 Mar 09:00–09:30 CEST");
}
