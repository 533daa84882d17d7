//! Every real export in `tests/data/schedules`, read through format
//! detection, with exact counts, spot checks, and `/talks now` at a pinned
//! time; bad input of every kind refused with a clear error and no panic;
//! time zones across a change of daylight saving time.

#![expect(clippy::unwrap_used, reason = "a test's helpers fail it by panicking, as its #[test] functions do")]

use emcee_core::schedule::{self, Format, ImportError, ImportOptions, MAX_IMPORT_BYTES};
use emcee_core::{Context, Engine, KnowledgeBase};
use jiff::tz::TimeZone;

const CAMP: &[u8] = include_bytes!("data/schedules/frab-camp2019.json");
const RC3: &[u8] = include_bytes!("data/schedules/pretalx-rc3-channels-2020.json");
const CONGRESS: &[u8] = include_bytes!("data/schedules/schedule-39c3-20251206.xml");

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
    assert_eq!(first.id, "c3642671-4c1f-5109-81ba-0535c1cc8428");
    assert_eq!(first.title, "Der faule Admin automatisiert: Gluon auf echter Hardware testen");
    assert_eq!(
        (first.start.to_string(), first.end.to_string()),
        ("2020-12-27T10:30:00Z".into(), "2020-12-27T11:10:00Z".into())
    );
    assert_eq!(
        (first.room.as_str(), first.speakers.clone()),
        ("r3s - Monheim/Rhein", vec!["Chris Fiege".to_string(), "Kasa".to_string()])
    );
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
    assert_eq!(
        error(b"aaaaaaaaaaaaaa\xc3\xa9,b\n"),
        "line 1: the header has no `id` column (it needs id, title, start, room)",
        "a multi-byte character at the format check is no problem"
    );
    let endless = br#"{"schedule":{"conference":{"title":"T","days":[{"rooms":{"A":[{"id":1,"date":"2022-11-01T10:00:00+01:00","duration":"9999999999999999:00","title":"x"}]}}]}}}"#;
    assert!(error(endless).ends_with("`9999999999999999:00` is not a duration like 00:45"), "{}", error(endless));
    let far =
        b"BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:a\nDTSTART;VALUE=DATE;TZID=UTC:99991230\nEND:VEVENT\nEND:VCALENDAR\n";
    assert_eq!(error(far), "line 4: out of range");
    let twice = b"id,title,start,duration,room\na,One,2022-11-01 10:00,00:30,A\na,Two,2022-11-01 11:00,00:30,A\n";
    assert_eq!(
        error(twice),
        "session id `a`: used by two sessions (\u{201c}One\u{201d} and \u{201c}Two\u{201d}); ids must be unique"
    );
    let bom_json = [b"\xef\xbb\xbf".as_slice(), CAMP].concat();
    assert_eq!(
        schedule::import(&bom_json, &ImportOptions::default()).unwrap().1.sessions.len(),
        79,
        "a byte-order mark is skipped"
    );
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
    assert_eq!(shown, "Sun 30 Mar 01:30 CET–03:30 CEST", "an hour long, ending after the clocks went forward");
    let morning = emcee_core::render::time_span(s.sessions[1].start, s.sessions[1].end, &s.conference.time_zone);
    assert_eq!(morning, "Sun 30 Mar 09:00–09:30 CEST");
}

/// What the adversarial run of issue 18 found the importers taking.
#[test]
fn refuses_negative_durations_empty_events_and_unstorable_text_saying_where() {
    let csv = b"id,title,start,duration,room\nk1,T,2022-11-01 09:15,-00:45,A\n";
    assert_eq!(error(csv), "line 2, column `duration`: `-00:45` is not a duration like 00:45");
    let frab = br#"{"schedule":{"conference":{"title":"T","days":[{"rooms":{"A":[{"id":1,"date":"2022-11-01T10:00:00+01:00","duration":"-00:45","title":"t"}]}}]}}}"#;
    assert!(error(frab).ends_with(".duration: `-00:45` is not a duration like 00:45"), "{}", error(frab));

    let empty_event = b"BEGIN:VCALENDAR\nX-WR-CALNAME:C\nBEGIN:VEVENT\nEND:VEVENT\nEND:VCALENDAR\n";
    assert_eq!(error(empty_event), "line 3: VEVENT: DTSTART is missing");

    // PostgreSQL cannot store a NUL: every import refuses it, so that a dry run agrees with storing.
    let nul =
        b"id,title,start,duration,room\nk0,Fine,2022-11-01 09:00,00:15,A\nk1,Bad\0title,2022-11-01 09:15,00:45,A\n";
    assert_eq!(error(nul), "line 3, session `k1`, title: holds a NUL character, which cannot be stored; remove it");
    let escaped = br#"{"schedule":{"conference":{"title":"T","days":[{"rooms":{"A":[
{"id":1,"date":"2022-11-01T10:00:00+01:00","duration":"00:45","title":"t","persons":[{"public_name":"A\u0000B"}]}]}}]}}}"#;
    assert_eq!(
        error(escaped),
        "line 2, session `1`, speakers: holds a NUL character, which cannot be stored; remove it"
    );
}
