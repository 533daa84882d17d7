//! Questions about the conference itself — where it is held, when it
//! starts and ends, how many days it runs, its time zone, its rooms and
//! tracks, how many sessions and speakers it has, its name — asked of the
//! sample programme and of every real export in `tests/data/schedules`, in
//! several wordings each, the conference named as `the conference`, `the
//! event`, `it`, its title and its acronym. Each answer is checked against
//! the fact computed from the imported `Schedule` here: its days in its
//! zone, its rooms, tracks, sessions and speakers counted, and the places
//! of `core/lexicon/places.txt` its title names (none: the reply must say
//! the programme does not say, and name no city its zone is named after).
//! Questions that name a session by its title, a person, a room, a track
//! or a time with a word of those facts (`when does <speaker> start`) are
//! asked too: each must stay with its own rule.
//!
//! `cargo test -p emcee-core --test it conference -- --nocapture` prints
//! the counts per kind of fact.

use std::collections::{BTreeMap, HashSet};

use emcee_core::schedule::{self, ImportOptions};
use emcee_core::{Context, Engine, KnowledgeBase, Reply, Schedule, Status};
use jiff::tz::TimeZone;

/// The rule of `/ask` that answers from the conference's facts.
const CONFERENCE_RULE: &str = "a fact of the conference itself";

/// Right answers per kind, at least: where this code stands.
const BAR: &[(&str, usize)] = &[
    ("dates", 84),
    ("days", 126),
    ("end", 150),
    ("name", 24),
    ("other rules", 365),
    ("overview", 66),
    ("place", 192),
    ("rooms", 108),
    ("sessions", 108),
    ("speakers", 108),
    ("start", 180),
    ("tracks", 108),
    ("zone", 108),
];

/// The programmes asked: the sample's, then every fixture.
fn programmes() -> Vec<(String, Schedule)> {
    let mut all = vec![(String::from("sample"), emcee_core::seed::schedule())];
    for &(file, zone) in super::generated::FIXTURES {
        let bytes = std::fs::read(format!("{}/tests/data/schedules/{file}", env!("CARGO_MANIFEST_DIR"))).unwrap();
        let options = ImportOptions { time_zone: zone.map(|z| TimeZone::get(z).unwrap()), title: None };
        all.push((file.to_string(), schedule::import(&bytes, &options).unwrap().schedule));
    }
    all
}

/// What the programme says of the conference, computed from it directly.
struct Facts {
    title: Option<String>,
    acronym: Option<String>,
    /// `1 November 2022`, the first and last day with a session.
    first: String,
    last: String,
    /// The first day's number and month, as a span starts with them.
    first_day: String,
    first_month: String,
    days: usize,
    zone: String,
    rooms: usize,
    tracks: usize,
    sessions: usize,
    speakers: usize,
    /// The places the title names.
    places: Vec<String>,
}

fn fold(text: &str) -> String {
    emcee_core::text::fold(text)
}

/// The gazetteer the bot reads, as a list of folded names.
fn gazetteer() -> HashSet<String> {
    let text = std::fs::read_to_string(format!("{}/lexicon/places.txt", env!("CARGO_MANIFEST_DIR"))).unwrap();
    text.lines().map(fold).collect()
}

/// Every run of one to four words of `title` the gazetteer holds, but for
/// two-letter codes.
fn places_in(title: &str, gazetteer: &HashSet<String>) -> Vec<String> {
    let words: Vec<&str> = title
        .split([' ', '-'])
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()))
        .filter(|w| !w.is_empty())
        .collect();
    let mut found = Vec::new();
    for len in 1..=4 {
        for run in words.windows(len) {
            let name = run.join(" ");
            if name.len() > 2 && gazetteer.contains(&fold(&name)) {
                found.push(name);
            }
        }
    }
    found
}

fn facts(schedule: &Schedule, gazetteer: &HashSet<String>) -> Facts {
    let conference = &schedule.conference;
    let zone = &conference.time_zone;
    let mut days: Vec<jiff::civil::Date> =
        schedule.sessions.iter().map(|s| s.start.to_zoned(zone.clone()).date()).collect();
    days.sort();
    days.dedup();
    let (first, last) = (days[0], days[days.len() - 1]);
    let full = |d: jiff::civil::Date| d.strftime("%-d %B %Y").to_string();
    let title = Some(conference.title.trim().to_string()).filter(|t| !t.is_empty() && t != schedule::UNTITLED);
    let tracks: HashSet<String> = schedule.sessions.iter().filter_map(|s| s.track.as_deref()).map(fold).collect();
    let speakers: HashSet<String> = schedule.sessions.iter().flat_map(|s| &s.speakers).map(|n| fold(n)).collect();
    Facts {
        places: title.as_deref().map(|t| places_in(t, gazetteer)).unwrap_or_default(),
        title,
        acronym: conference.acronym.clone().filter(|a| !a.trim().is_empty()),
        first: full(first),
        last: full(last),
        first_day: first.strftime("%-d").to_string(),
        first_month: first.strftime("%B").to_string(),
        days: days.len(),
        zone: conference.zone_name(),
        rooms: schedule.rooms.len(),
        tracks: tracks.into_iter().filter(|t| !t.is_empty()).count(),
        sessions: schedule.sessions.len(),
        speakers: speakers.into_iter().filter(|s| !s.is_empty()).count(),
    }
}

/// A question and the kind of fact it asks.
struct Asked {
    kind: &'static str,
    ask: String,
}

/// `n noun`, or `n nouns`.
fn counted(n: usize, noun: &str) -> String {
    if n == 1 { format!("1 {noun}") } else { format!("{n} {noun}s") }
}

/// The wordings of each kind of question, `{c}` for the conference as
/// named; and the wordings that name it by a pronoun or not at all.
const NAMED: &[(&str, &str)] = &[
    ("place", "Where is {c} held?"),
    ("place", "where does {c} take place"),
    ("place", "Which city is {c} in?"),
    ("place", "what country is {c} held in"),
    ("start", "When does {c} start?"),
    ("start", "when does {c} begin"),
    ("start", "what day does {c} start"),
    ("start", "What is the start date of {c}?"),
    ("end", "When does {c} end?"),
    ("end", "when does {c} finish"),
    ("end", "which day does {c} end on"),
    ("dates", "When is {c}?"),
    ("dates", "what are the dates of {c}"),
    ("days", "How many days is {c}?"),
    ("days", "how long is {c}"),
    ("days", "how many days does {c} last"),
    ("zone", "Which time zone is {c} in?"),
    ("zone", "what timezone does {c} use"),
    ("rooms", "How many rooms does {c} have?"),
    ("rooms", "which rooms are there at {c}"),
    ("tracks", "How many tracks does {c} have?"),
    ("tracks", "what tracks are there at {c}"),
    ("sessions", "How many sessions does {c} have?"),
    ("sessions", "what is the number of talks at {c}"),
    ("speakers", "How many speakers does {c} have?"),
    ("speakers", "how many people are speaking at {c}"),
    ("overview", "What is {c}?"),
];

const UNNAMED: &[(&str, &str)] = &[
    ("place", "where is it held"),
    ("place", "which city is it in"),
    ("start", "when does it start"),
    ("end", "when does it end"),
    ("end", "when is it over"),
    ("zone", "what time zone are the times in"),
    ("zone", "which timezone is the schedule in"),
    ("rooms", "how many rooms are there"),
    ("rooms", "what rooms are there"),
    ("tracks", "how many tracks are there"),
    ("tracks", "which tracks are there"),
    ("sessions", "how many talks are there"),
    ("sessions", "how many sessions are there in total"),
    ("speakers", "how many speakers are there"),
    ("speakers", "who are the speakers"),
    ("name", "what is the conference called"),
    ("name", "what's the name of this event"),
    ("overview", "tell me about the conference"),
    ("overview", "conference info"),
];

/// Questions that name a session by its title, a person, a room, a track
/// or a time, with a word of a conference fact (`start`, `rooms`, `held`):
/// each is its own rule's, not the conference's.
fn not_the_conference(schedule: &Schedule) -> Vec<Asked> {
    let mut out = Vec::new();
    let titled = |s: &&emcee_core::schedule::Session| !s.title.trim().is_empty();
    let sessions: Vec<&emcee_core::schedule::Session> = schedule.sessions.iter().filter(titled).take(5).collect();
    for s in &sessions {
        out.push(format!("When does {} start?", s.title.trim()));
        out.push(format!("where is {} held", s.title.trim()));
        if let Some(speaker) = s.speakers.first() {
            out.push(format!("when does {speaker} start"));
            out.push(format!("how many sessions does {speaker} have"));
        }
        if let Some(track) = &s.track {
            out.push(format!("how many talks are in the {track} track"));
        }
    }
    // A room named by grammar alone (`One`) is not told from grammar.
    let named = |room: &&String| fold(room).split(' ').any(|w| !emcee_core::engine::is_stop_word(w));
    for room in schedule.rooms.iter().filter(named).take(5) {
        out.push(format!("how many talks are there in {room}"));
    }
    out.extend(
        ["what is on tomorrow", "when does the first talk start", "how many talks are there after lunch"]
            .map(String::from),
    );
    out.into_iter().map(|ask| Asked { kind: "other rules", ask }).collect()
}

fn questions(facts: &Facts) -> Vec<Asked> {
    let mut names = vec![String::from("the conference"), String::from("the event")];
    names.extend(facts.title.clone());
    names.extend(facts.acronym.clone());
    let mut out = Vec::new();
    for (kind, wording) in NAMED {
        for name in &names {
            out.push(Asked { kind, ask: wording.replace("{c}", name) });
        }
    }
    for (kind, wording) in UNNAMED {
        out.push(Asked { kind, ask: wording.to_string() });
    }
    out
}

/// Whether `reply`, given by `rule`, gives the fact `kind` asks, as
/// `facts` has it.
fn right(kind: &str, reply: &Reply, rule: &str, facts: &Facts) -> bool {
    let body = &reply.body;
    let ok = reply.status == Status::Ok;
    let dates = || body.contains(&facts.last) && body.contains(&facts.first_day) && body.contains(&facts.first_month);
    match kind {
        "place" if facts.places.is_empty() => {
            // A zone is not a place: `Europe/Berlin` does not say Berlin.
            let zone_city = facts.zone.rsplit('/').next().unwrap_or_default().replace('_', " ");
            let besides_zone = body.replace(&facts.zone, "");
            reply.status == Status::NotFound
                && body.contains("does not say where")
                && !besides_zone.contains(&zone_city)
        }
        "place" => ok && facts.places.iter().any(|p| body.contains(p.as_str())),
        "start" => ok && body.contains(&facts.first),
        "end" => ok && body.contains(&facts.last),
        "dates" => ok && dates(),
        "days" => ok && dates() && body.contains(&counted(facts.days, "day")),
        "zone" => ok && body.contains(&facts.zone),
        "rooms" => ok && body.contains(&counted(facts.rooms, "room")),
        "tracks" if facts.tracks == 0 => body.contains("no track"),
        "tracks" => ok && body.contains(&counted(facts.tracks, "track")),
        "sessions" => ok && body.contains(&counted(facts.sessions, "session")),
        "speakers" => ok && body.contains(&counted(facts.speakers, "speaker")),
        "overview" => {
            ok && dates()
                && body.contains(&counted(facts.sessions, "session"))
                && body.contains(&counted(facts.rooms, "room"))
                && body.contains(&facts.zone)
        }
        "other rules" => rule != CONFERENCE_RULE,
        "name" => match &facts.title {
            Some(title) => ok && body.contains(title.as_str()),
            None => reply.status == Status::NotFound,
        },
        _ => false,
    }
}

/// Every kind of question, in every wording, over every programme: the
/// counts per kind printed, and each at least where it stands.
#[test]
fn ask_answers_facts_of_the_conference_from_every_export() {
    let gazetteer = gazetteer();
    let mut counts: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for (file, schedule) in programmes() {
        let facts = facts(&schedule, &gazetteer);
        let ctx = Context { now: schedule.sessions[0].start, seed: 1 };
        let others = not_the_conference(&schedule);
        let engine = Engine::new(KnowledgeBase::default(), schedule);
        for q in questions(&facts).into_iter().chain(others) {
            let considered = engine.consider(&q.ask, &ctx, None);
            let (reply, rule) = (considered.reply, considered.rule.unwrap_or("none"));
            let is_right = right(q.kind, &reply, rule, &facts);
            let entry = counts.entry(q.kind).or_default();
            entry.0 += usize::from(is_right);
            entry.1 += 1;
            if !is_right {
                let text = emcee_core::render::plain_text(&reply, emcee_core::render::Marks::NONE);
                println!(
                    "wrong [{file}, {}] {}\n  -> {rule} [{}] {}",
                    q.kind,
                    q.ask,
                    reply.status.as_str(),
                    text.replace('\n', " ").chars().take(240).collect::<String>()
                );
            }
        }
    }
    for (kind, (right, all)) in &counts {
        println!("conference, {kind}: {right} of {all} right ({:.1}%)", *right as f64 * 100.0 / *all as f64);
    }
    for (kind, bar) in BAR {
        let right = counts.get(kind).map_or(0, |c| c.0);
        assert!(right >= *bar, "conference questions of kind {kind}: {right} right, under {bar}");
    }
}
