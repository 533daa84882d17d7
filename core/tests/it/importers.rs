//! Every real export in `tests/data/schedules`, read through format
//! detection, with exact counts, spot checks, and `/talks now` at a pinned
//! time; bad input of every kind refused with a clear error and no panic;
//! time zones across a change of daylight saving time.

use emcee_core::schedule::{self, Format, ImportError, ImportOptions, MAX_IMPORT_BYTES};
use emcee_core::{Context, Engine, KnowledgeBase};
use expect_test::expect;
use jiff::tz::TimeZone;

const CAMP: &[u8] = include_bytes!("../data/schedules/frab-camp2019.json");
const RC3: &[u8] = include_bytes!("../data/schedules/pretalx-rc3-channels-2020.json");
const CONGRESS: &[u8] = include_bytes!("../data/schedules/schedule-39c3-20251206.xml");

fn talks_now(schedule: emcee_core::Schedule, now: &str) -> String {
    let engine = Engine::new(KnowledgeBase::default(), schedule);
    let reply = engine.answer_line("/talks now", &Context { now: now.parse().unwrap(), seed: 0 });
    emcee_core::render::plain_text(&reply, emcee_core::render::Marks::NONE)
}

fn check(input: &[u8], format: Format, sessions: usize, now: &str, on_now: &str) {
    let imported = schedule::import(input, &ImportOptions::default()).unwrap();
    assert_eq!((imported.format, imported.schedule.sessions.len()), (format, sessions));
    let text = talks_now(imported.schedule, now);
    assert!(text.contains(on_now), "at {now}: {text}");
}

/// What an import of a fixture gives, in a few lines: format, conference,
/// counts, warnings, and the first session.
fn summary(file: &str, zone: Option<&str>) -> String {
    let bytes = std::fs::read(format!("{}/tests/data/schedules/{file}", env!("CARGO_MANIFEST_DIR"))).unwrap();
    let options = ImportOptions { time_zone: zone.map(|z| TimeZone::get(z).unwrap()), title: None };
    let imported = schedule::import(&bytes, &options).unwrap();
    let s = &imported.schedule;
    let with_bio = s.speakers.iter().filter(|p| !p.biography.is_empty()).count();
    let named = s.sessions.iter().filter(|x| !x.speakers.is_empty()).count();
    let recorded = s.sessions.iter().filter(|x| x.recording.is_some()).count();
    let first = &s.sessions[0];
    let mut out = format!(
        "{} · {} · {}\n{} sessions ({named} with speakers, {recorded} with a recording), {} speakers ({with_bio} with a biography)\nfirst: {} · {} · {} — {}\n",
        imported.format.name(),
        s.conference.title,
        s.conference.zone_name(),
        s.sessions.len(),
        s.speakers.len(),
        emcee_core::render::time_span(first.start, first.end, &s.conference.time_zone),
        first.room,
        first.title,
        first.speakers.join(", "),
    );
    for warning in imported.warnings.iter().take(3) {
        out.push_str(&format!("warning: {warning}\n"));
    }
    if imported.warnings.len() > 3 {
        out.push_str(&format!("… {} warnings in all\n", imported.warnings.len()));
    }
    out
}

#[test]
fn reads_every_fixture() {
    let check_summary = |file: &str, zone: Option<&str>, expected: expect_test::Expect| {
        expected.assert_eq(&summary(file, zone));
    };
    check_summary(
        "frab-camp2019.json",
        None,
        expect![[r#"
        frab/pretalx JSON · Chaos Communication Camp 2019 · Europe/Berlin
        79 sessions (78 with speakers, 0 with a recording), 89 speakers (0 with a biography)
        first: Wed 21 Aug 11:00–11:30 CEST · Curie · Opening Ceremony — jinxx, smtw
    "#]],
    );
    check_summary(
        "pretalx-rc3-channels-2020.json",
        None,
        expect![[r#"
        frab/pretalx JSON · rC3 Channels · UTC+01
        48 sessions (47 with speakers, 0 with a recording), 56 speakers (37 with a biography)
        first: Sun 27 Dec 11:30–12:10 UTC+01 · r3s - Monheim/Rhein · Der faule Admin automatisiert: Gluon auf echter Hardware testen — Chris Fiege, Kasa
    "#]],
    );
    check_summary(
        "schedule-39c3-20251206.xml",
        None,
        expect![[r#"
        frab XML · 39th Chaos Communications Congress · Europe/Berlin
        215 sessions (210 with speakers, 0 with a recording), 264 speakers (0 with a biography)
        first: Sat 27 Dec 10:30–11:00 CET · One · Opening Ceremony — pajowu, Stella
    "#]],
    );
    check_summary(
        "jev22-everything.schedule.json",
        None,
        expect![[r#"
        frab/pretalx JSON · Dezentrale Jahresendveranstaltungen · Europe/Amsterdam
        433 sessions (413 with speakers, 8 with a recording), 298 speakers (241 with a biography)
        first: Mon 26 Dec 10:00–16:00 CET · Ausstellungsraum 1 - H2-1.3 · Dazwischen Mischen — Lucie Meyer, Paula Kiermaier
    "#]],
    );
    check_summary(
        "35c3-workshops.schedule.json",
        None,
        expect![[r#"
        frab/pretalx JSON · 35. Chaos Communication Congress - Workshops · UTC+01
        268 sessions (106 with speakers, 0 with a recording), 72 speakers (0 with a biography)
        first: Wed 26 Dec 19:00–20:00 UTC+01 · Lecture room M3 · General Angel Meeting — 
    "#]],
    );
    check_summary(
        "35c3-workshops.schedule.json",
        Some("Europe/Berlin"),
        expect![[r#"
        frab/pretalx JSON · 35. Chaos Communication Congress - Workshops · Europe/Berlin
        268 sessions (106 with speakers, 0 with a recording), 72 speakers (0 with a biography)
        first: Wed 26 Dec 19:00–20:00 CET · Lecture room M3 · General Angel Meeting — 
    "#]],
    );
    check_summary(
        "frab-31c3-schedule.xml",
        None,
        expect![[r#"
        frab XML · 31. Chaos Communication Congress · UTC+01
        138 sessions (138 with speakers, 0 with a recording), 198 speakers (0 with a biography)
        first: Sat 27 Dec 11:00–11:30 UTC+01 · Saal 1 · 31C3 Opening Event — erdgeist, Geraldine de Bastion
    "#]],
    );
    check_summary(
        "jev22-channels.schedule.xml",
        None,
        expect![[r#"
        frab XML · Dezentrale Jahresendveranstaltungen - channels · Europe/Amsterdam
        213 sessions (207 with speakers, 8 with a recording), 197 speakers (0 with a biography)
        first: Mon 26 Dec 15:00–17:00 CET · Ahlam · MUC free SPACE? Ein Mangel im Überfluss. — Peter Arun Pfaff
    "#]],
    );
    check_summary(
        "fosdem-2025-schedule.xml",
        None,
        expect![[r#"
        frab XML · FOSDEM 2025 · Europe/Brussels
        943 sessions (940 with speakers, 0 with a recording), 991 speakers (0 with a biography)
        first: Sat 1 Feb 09:00–09:40 CET · H.1309 (Van Rijn) · Welcome to the FOSDEM 2025 RISC-V DevRoom — Björn Töpel
    "#]],
    );
    check_summary(
        "sessionize-dddmelbourne-2025-all.json",
        Some("Australia/Melbourne"),
        expect![[r#"
        Sessionize JSON · Conference · Australia/Melbourne
        28 sessions (28 with speakers, 24 with a recording), 29 speakers (29 with a biography)
        first: Sat 22 Feb 09:00–09:45 AEDT · Main hall · Emerging trends in robotics — Sue Keay
    "#]],
    );
    check_summary(
        "moca2024-schedule.ics",
        None,
        expect![[r#"
        iCalendar · Conference · Europe/Rome
        88 sessions (88 with speakers, 0 with a recording), 69 speakers (0 with a biography)
        first: Fri 13 Sep 12:00–13:00 CEST · XOR · Opening Keynote — Metro Olografix
        warning: UID `46917` is shared by 5 events; each is told apart by its RECURRENCE-ID or start time (and room or title where those are alike too)
        warning: UID `46937` is shared by 6 events; each is told apart by its RECURRENCE-ID or start time (and room or title where those are alike too)
        warning: UID `46939` is shared by 67 events; each is told apart by its RECURRENCE-ID or start time (and room or title where those are alike too)
        … 4 warnings in all
    "#]],
    );
    check_summary(
        "pyconfr-2024-schedule.json",
        Some("Europe/Paris"),
        expect![[r#"
        pretalx API JSON · Conference · Europe/Paris
        76 sessions (76 with speakers, 0 with a recording), 77 speakers (53 with a biography)
        first: Thu 31 Oct 10:00–17:00 CET · C01 · Atelier trad' de la doc de Python — Julien
    "#]],
    );
}

#[test]
fn answers_talks_now_from_the_exports() {
    check(CAMP, Format::FrabJson, 79, "2019-08-21T09:10:00Z", "Wed 21 Aug 11:00–11:30 CEST · Curie · Opening Ceremony");
    check(
        CONGRESS,
        Format::FrabXml,
        215,
        "2025-12-27T15:30:00Z",
        "Sat 27 Dec 16:00–17:00 CET · One · All my Deutschlandtickets gone",
    );
    let rc3 = schedule::import(RC3, &ImportOptions::default()).unwrap().schedule;
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

#[test]
fn never_takes_a_zone_it_was_not_given() {
    let sessionize = include_bytes!("../data/schedules/sessionize-dddmelbourne-2025-all.json");
    let refused = schedule::import(sessionize, &ImportOptions::default()).unwrap_err();
    assert!(matches!(refused, ImportError::NoZone { .. }), "{refused}");
    let melbourne = ImportOptions { time_zone: Some(TimeZone::get("Australia/Melbourne").unwrap()), title: None };
    let s = schedule::import(sessionize, &melbourne).unwrap().schedule;
    assert_eq!((s.conference.title.as_str(), s.conference.zone_name()), ("Conference", "Australia/Melbourne".into()));
    // Five talks run at 11:00 in Melbourne.
    let text = talks_now(s, "2025-02-22T00:15:00Z");
    assert!(text.matches(" · ").count() >= 5, "{text}");
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
        schedule::import(&bom_json, &ImportOptions::default()).unwrap().schedule.sessions.len(),
        79,
        "a byte-order mark is skipped"
    );
    let rrule = b"BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:a\nDTSTART:20251227T100000Z\nRRULE:FREQ=DAILY;UNTIL=never\nEND:VEVENT\nEND:VCALENDAR\n";
    let kept = schedule::import(rrule, &ImportOptions::default()).unwrap();
    assert_eq!(kept.schedule.sessions.len(), 1, "a rule it cannot expand keeps the first time");
    assert_eq!(
        kept.warnings,
        ["line 5: RRULE `FREQ=DAILY;UNTIL=never`: UNTIL is not a date; only its first time is kept"]
    );
}

#[test]
fn keeps_time_right_across_a_change_of_daylight_saving_time() {
    // Berlin moves from 02:00 CET to 03:00 CEST on 2025-03-30.
    let csv =
        b"id,title,start,duration,room\nn,Night owls,2025-03-30 01:30,01:00,A\nm,Morning,2025-03-30 09:00,00:30,A\n";
    let options = ImportOptions { time_zone: Some(TimeZone::get("Europe/Berlin").unwrap()), title: None };
    let s = schedule::import(csv, &options).unwrap().schedule;
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

/// A title held every day (35C3's A/V Angel Meeting: the 26th, then at
/// 17:00 on the 27th, 28th and 29th) is answered with its next time, or
/// the one under way, never one already past.
#[test]
fn a_recurring_session_is_given_at_its_next_time() {
    let workshops = include_bytes!("../data/schedules/35c3-workshops.schedule.json");
    let imported = schedule::import(workshops, &ImportOptions::default()).unwrap();
    let engine = Engine::new(KnowledgeBase::default(), imported.schedule);
    let ask = |now: &str, line: &str| {
        let reply = engine.answer_line(line, &Context { now: now.parse().unwrap(), seed: 0 });
        emcee_core::render::plain_text(&reply, emcee_core::render::Marks::NONE)
    };
    for (now, day) in [
        ("2018-12-28T12:00:00+01:00", "Fri 28 Dec"),
        ("2018-12-28T17:30:00+01:00", "Fri 28 Dec"),
        ("2018-12-28T19:00:00+01:00", "Sat 29 Dec"),
    ] {
        for line in ["/ask where is the A/V Angel Meeting?", "/ask when is the a/v angel meeting"] {
            let answer = ask(now, line);
            let sentence = answer.lines().next().unwrap();
            assert!(sentence.contains(day), "at {now}, {line}: {answer}");
        }
    }
}

/// A room the programme lists on a day it holds nothing in (FOSDEM 2025's
/// Janson) is a room it knows: asked about, it says the room has nothing,
/// never that it does not know.
#[test]
fn a_room_with_no_session_is_known() {
    let bytes =
        std::fs::read(format!("{}/tests/data/schedules/fosdem-2025-schedule.xml", env!("CARGO_MANIFEST_DIR"))).unwrap();
    let schedule = schedule::import(&bytes, &ImportOptions::default()).unwrap().schedule;
    assert!(schedule.rooms.iter().any(|r| r == "Janson"));
    let engine = Engine::new(KnowledgeBase::default(), schedule);
    let ctx = Context { now: "2025-02-01T09:00:00+01:00".parse().unwrap(), seed: 1 };
    let text =
        |line: &str| emcee_core::render::plain_text(&engine.answer_line(line, &ctx), emcee_core::render::Marks::NONE);
    assert_eq!(text("/talks Janson"), "Janson has no sessions in this programme.");
    assert_eq!(text("what is on in Janson at 10:30 on saturday"), "Janson has no sessions in this programme.");
}

/// Recurring sessions as calendars write them, in the shape of the
/// MOCA 2024 export's events (numeric UIDs, an `ORGANIZER` with a `CN`,
/// UTC times, a `LOCATION` with a leading space): weekly on chosen days,
/// with dates added (`RDATE`) and taken out (`EXDATE`), and one occurrence
/// moved by an event of its own (`RECURRENCE-ID`).
#[test]
fn recurring_events_follow_their_days_extra_and_excluded_dates_and_overrides() {
    let calendar = |events: &str| {
        format!(
            "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nX-WR-CALNAME:MOCA\r\nX-WR-TIMEZONE:Europe/Rome\r\n{events}END:VCALENDAR\r\n"
        )
    };
    let event = |uid: &str, extra: &str| {
        format!(
            "BEGIN:VEVENT\r\nUID:{uid}\r\nSEQUENCE: 0\r\nORGANIZER;CN=Luca Mercatanti:MAILTO:info@olografix.org\r\n\
DTSTAMP:20240912T140000Z\r\nDTSTART:20240910T110000Z\r\nDTEND:20240910T113000Z\r\nSUMMARY:Digital Forensics\r\n\
LOCATION: MOV\r\n{extra}END:VEVENT\r\n"
        )
    };
    let sessions = |events: &str| -> Vec<String> {
        let options = ImportOptions::default();
        let imported = schedule::import(calendar(events).as_bytes(), &options).unwrap();
        let rome = jiff::tz::TimeZone::get("Europe/Rome").unwrap();
        imported
            .schedule
            .sessions
            .iter()
            .map(|s| format!("{} {}", s.start.to_zoned(rome.clone()).strftime("%a %d %H:%M"), s.room))
            .collect()
    };
    // Tuesday 10 September 2024, 13:00 in Rome; then Tuesdays and Thursdays.
    assert_eq!(
        sessions(&event("46939", "RRULE:FREQ=WEEKLY;BYDAY=TU,TH;COUNT=4\r\n")),
        ["Tue 10 13:00 MOV", "Thu 12 13:00 MOV", "Tue 17 13:00 MOV", "Thu 19 13:00 MOV"]
    );
    // Taken out: one by its time, one by its date.
    assert_eq!(
        sessions(&event(
            "46940",
            "RRULE:FREQ=DAILY;COUNT=5\r\nEXDATE:20240911T110000Z\r\nEXDATE;VALUE=DATE:20240913\r\n"
        )),
        ["Tue 10 13:00 MOV", "Thu 12 13:00 MOV", "Sat 14 13:00 MOV"]
    );
    // Added: with no rule, and beside one, a period giving its start; in a zone of their own.
    assert_eq!(
        sessions(&event("46941", "RDATE:20240916T090000Z,20240918T090000Z\r\n")),
        ["Tue 10 13:00 MOV", "Mon 16 11:00 MOV", "Wed 18 11:00 MOV"]
    );
    assert_eq!(
        sessions(&event(
            "46942",
            "RRULE:FREQ=DAILY;COUNT=2\r\nRDATE;VALUE=PERIOD:20240920T090000Z/PT1H\r\nRDATE;TZID=Europe/Rome:20240921T180000\r\n"
        )),
        ["Tue 10 13:00 MOV", "Wed 11 13:00 MOV", "Fri 20 11:00 MOV", "Sat 21 18:00 MOV"]
    );
    // The second occurrence moved to another room and hour by an event of its own.
    let moved = "BEGIN:VEVENT\r\nUID:46943\r\nRECURRENCE-ID:20240911T110000Z\r\nDTSTART:20240911T150000Z\r\n\
DTEND:20240911T153000Z\r\nSUMMARY:Digital Forensics\r\nLOCATION: LAB\r\nEND:VEVENT\r\n";
    assert_eq!(
        sessions(&format!("{}{moved}", event("46943", "RRULE:FREQ=DAILY;COUNT=3\r\n"))),
        ["Tue 10 13:00 MOV", "Wed 11 17:00 LAB", "Thu 12 13:00 MOV"]
    );
    // A date that is not one imports nothing and says where.
    let bad = calendar(&event("46944", "RRULE:FREQ=DAILY;COUNT=2\r\nEXDATE:2024-09-11\r\n"));
    let error = schedule::import(bad.as_bytes(), &ImportOptions::default()).unwrap_err().to_string();
    assert!(error.contains("line 16") && error.contains("`2024-09-11` is not an iCalendar date"), "{error}");
}

/// One field of a session, as text.
type Field = dyn Fn(&emcee_core::schedule::Session) -> String;

/// Every fixture's sessions, field by field, pinned: one line per fixture
/// and field with a digest of that field over all its sessions (in the
/// order the import gives them), so that a change to a reader that alters
/// any field of any session names the fixture and the field. The snapshot
/// is `tests/data/schedules/fields.txt`.
#[test]
fn every_fixture_imports_to_the_sessions_pinned_field_by_field() {
    const FIXTURES: [(&str, Option<&str>); 12] = [
        ("35c3-workshops.schedule.json", None),
        ("fosdem-2025-schedule.xml", None),
        ("frab-31c3-schedule.xml", None),
        ("frab-camp2019.json", None),
        ("jev22-channels.schedule.xml", None),
        ("jev22-everything.schedule.json", None),
        ("moca2024-schedule.ics", None),
        ("pretalx-rc3-channels-2020.json", None),
        ("pyconfr-2024-schedule.json", Some("Europe/Paris")),
        ("schedule-39c3-20251206.xml", None),
        ("sessionize-dddmelbourne-2025-all.json", Some("Australia/Melbourne")),
        ("35c3-workshops.schedule.json", Some("Europe/Berlin")),
    ];
    // FNV-1a, 64 bits: the same on every machine.
    let digest = |values: &mut dyn Iterator<Item = String>| {
        let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
        for value in values {
            for byte in value.bytes().chain([0xff]) {
                hash = (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
            }
        }
        format!("{hash:016x}")
    };
    let mut out = String::new();
    for (file, zone) in FIXTURES {
        let bytes = std::fs::read(format!("{}/tests/data/schedules/{file}", env!("CARGO_MANIFEST_DIR"))).unwrap();
        let options = ImportOptions { time_zone: zone.map(|z| TimeZone::get(z).unwrap()), title: None };
        let sessions = schedule::import(&bytes, &options).unwrap().schedule.sessions;
        let fields: [(&str, &Field); 13] = [
            ("id", &|s| s.id.clone()),
            ("title", &|s| s.title.clone()),
            ("subtitle", &|s| s.subtitle.clone()),
            ("abstract", &|s| s.abstract_text.clone()),
            ("speakers", &|s| s.speakers.join("\u{1f}")),
            ("room", &|s| s.room.clone()),
            ("track", &|s| format!("{:?}", s.track)),
            ("kind", &|s| format!("{:?}", s.kind)),
            ("language", &|s| format!("{:?}", s.language)),
            ("start", &|s| s.start.to_string()),
            ("end", &|s| s.end.to_string()),
            ("url", &|s| format!("{:?}", s.url)),
            ("recording", &|s| format!("{:?}", s.recording)),
        ];
        let zone = zone.unwrap_or("its own zone");
        out.push_str(&format!("{file} ({zone}): {} sessions\n", sessions.len()));
        for (name, field) in fields {
            out.push_str(&format!("  {name:<10} {}\n", digest(&mut sessions.iter().map(field))));
        }
    }
    expect_test::expect_file!["../data/schedules/fields.txt"].assert_eq(&out);
}
