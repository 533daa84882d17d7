//! Speakers as real programmes give them: every fixture imported, then
//! `/bio` and `/talks` answered from what the file holds — biographies
//! shown, names read as the file writes them, an exact full name before a
//! first name, a speaker or a title word before a weekday.

use emcee_core::schedule::{self, ImportOptions};
use emcee_core::{Context, Engine, Status};
use jiff::tz::TimeZone;

fn engine(file: &str, zone: Option<&str>) -> Engine {
    let path = format!("{}/tests/data/schedules/{file}", env!("CARGO_MANIFEST_DIR"));
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let options = ImportOptions { time_zone: zone.map(|z| TimeZone::get(z).unwrap()), title: None };
    let schedule = schedule::import(&bytes, &options).unwrap().schedule;
    Engine::new(emcee_core::KnowledgeBase::build(&emcee_core::seed::documents()), schedule)
}

fn ask(engine: &Engine, line: &str) -> (Status, String) {
    let reply = engine.answer_line(line, &Context { now: "2022-12-27T10:00:00Z".parse().unwrap(), seed: 1 });
    (reply.status, emcee_core::render::plain_text(&reply, emcee_core::render::Marks::NONE))
}

/// `line` is answered `status`, and the answer holds every one of `holds`.
fn check(engine: &Engine, line: &str, status: Status, holds: &[&str]) {
    let (got, text) = ask(engine, line);
    assert_eq!(got, status, "{line}: {text}");
    for part in holds {
        assert!(text.contains(part), "{line} should hold “{part}”: {text}");
    }
}

#[test]
fn biographies_from_pretalx_exports() {
    let jev = engine("jev22-everything.schedule.json", None);
    check(
        &jev,
        "/bio jiska",
        Status::Ok,
        &[
            "Jiska Classen is a wireless and mobile security researcher",
            "Introduction to Reverse Engineering with Frida",
        ],
    );
    // An exact full name before someone whose first name it is; the longer name still finds the other.
    check(&jev, "/bio Janik", Status::Ok, &["a chaotic neutral snowflake", "Nix gelernt"]);
    check(
        &jev,
        "/bio Janik Besendorf",
        Status::Ok,
        &["I study computer science at FU Berlin", "Finding (state) malware"],
    );
    check(&jev, "/talks jiska", Status::Ok, &["Introduction to Reverse Engineering with Frida"]);
    // The seed's speaker is still there, once.
    check(&jev, "/bio kelsey", Status::Ok, &["Kelsey Hightower (born February 27, 1981)"]);
}

#[test]
fn names_as_files_write_them() {
    let congress = engine("frab-31c3-schedule.xml", None);
    check(&congress, "/bio maha", Status::Ok, &["Martin Haase", "No biography was given"]);
    check(&congress, "/talks Martin Haase", Status::Ok, &["Martin Haase"]);
    let channels = engine("jev22-channels.schedule.xml", None);
    // A title word that starts like a weekday is not the weekday.
    check(&channels, "/talks Frida", Status::Ok, &["Introduction to Reverse Engineering with Frida"]);
    let (_, friday) = ask(&channels, "/talks fri");
    assert!(friday.starts_with("Friday"), "{friday}");
}

#[test]
fn profiles_from_sessionize_and_icalendar() {
    let ddd = engine("sessionize-dddmelbourne-2025-all.json", Some("Australia/Melbourne"));
    check(
        &ddd,
        "/bio Aaron Powell",
        Status::Ok,
        &["I like long walks on the beach talking about .NET", "Aaron is a Developer Advocate at Microsoft"],
    );
    let moca = engine("moca2024-schedule.ics", None);
    check(
        &moca,
        "/bio Luca Mercatanti",
        Status::Ok,
        &["No biography was given", "Digital Forensics ed investigazioni digitali"],
    );
}
