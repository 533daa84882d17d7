//! Questions generated from every real export in `tests/data/schedules`,
//! with the answers taken from the file: for every session whose title no
//! other session shares, when and where it is, who gives it, a fragment of
//! its title that names no other session, and its title in lower case
//! without a question mark; for every speaker, what they are talking
//! about. `/ask` must answer 98% of each fixture's questions rightly.
//!
//! `cargo test -p emcee-core --test it generated -- --nocapture` prints
//! the share per fixture.

use std::collections::{HashMap, HashSet};

use emcee_core::schedule::{self, ImportOptions, Session};
use emcee_core::{Context, Engine, KnowledgeBase, Reply, Schedule, Status};
use jiff::tz::TimeZone;

/// The share of each fixture's questions `/ask` must answer rightly.
const MIN_RIGHT: f64 = 0.98;

/// Each fixture, and the zone to read it in when it carries none.
pub(crate) const FIXTURES: &[(&str, Option<&str>)] = &[
    ("frab-camp2019.json", None),
    ("pretalx-rc3-channels-2020.json", None),
    ("schedule-39c3-20251206.xml", None),
    ("jev22-everything.schedule.json", None),
    ("jev22-channels.schedule.xml", None),
    ("35c3-workshops.schedule.json", Some("Europe/Berlin")),
    ("frab-31c3-schedule.xml", None),
    ("fosdem-2025-schedule.xml", None),
    ("sessionize-dddmelbourne-2025-all.json", Some("Australia/Melbourne")),
    ("moca2024-schedule.ics", None),
    ("pyconfr-2024-schedule.json", Some("Europe/Paris")),
];

fn import(file: &str, zone: Option<&str>) -> Schedule {
    let bytes = std::fs::read(format!("{}/tests/data/schedules/{file}", env!("CARGO_MANIFEST_DIR"))).unwrap();
    let options = ImportOptions { time_zone: zone.map(|z| TimeZone::get(z).unwrap()), title: None };
    schedule::import(&bytes, &options).unwrap().schedule
}

/// A question, and how to tell a right reply.
struct Generated {
    ask: String,
    check: Check,
}

enum Check {
    /// The first session listed is this one, and the sentence holds `says`.
    Session { id: String, says: Vec<String> },
    /// The sessions listed include all of these.
    Sessions { ids: Vec<String> },
}

impl Generated {
    fn right(&self, reply: &Reply) -> bool {
        if reply.status != Status::Ok {
            return false;
        }
        match &self.check {
            Check::Session { id, says } => {
                reply.sessions.first().is_some_and(|s| &s.id == id)
                    && says.iter().all(|s| reply.body.contains(s.as_str()))
            }
            Check::Sessions { ids } => ids.iter().all(|id| reply.sessions.iter().any(|s| &s.id == id)),
        }
    }
}

fn fold(text: &str) -> String {
    emcee_core::text::fold(text)
}

/// The stems of a title's words that carry content: not stop words.
fn content_words(title: &str) -> Vec<String> {
    let words = fold(title);
    let words = words.split(' ').filter(|w| !w.is_empty() && !emcee_core::engine::is_stop_word(w));
    words.flat_map(emcee_core::index::stems).collect()
}

/// The shortest run of the title's words, shorter than the title, with two
/// content words or more, that no other title holds all the content words
/// of; the earliest of that length.
fn fragment(title: &str, others: &[Vec<String>]) -> Option<String> {
    let words: Vec<&str> = title.split_whitespace().collect();
    for len in 2..words.len() {
        for start in 0..=words.len() - len {
            let run = words[start..start + len].join(" ");
            let content = content_words(&run);
            if content.len() < 2 {
                continue;
            }
            let shared = others.iter().any(|other| content.iter().all(|w| other.contains(w)));
            if !shared {
                return Some(run.trim_matches(|c: char| !c.is_alphanumeric()).to_string());
            }
        }
    }
    None
}

fn generate(schedule: &Schedule) -> Vec<Generated> {
    let zone = &schedule.conference.time_zone;
    let mut titles: HashMap<String, usize> = HashMap::new();
    for s in &schedule.sessions {
        *titles.entry(fold(&s.title)).or_default() += 1;
    }
    let unique: Vec<&Session> =
        schedule.sessions.iter().filter(|s| titles[&fold(&s.title)] == 1 && !fold(&s.title).is_empty()).collect();
    let all_words: Vec<(String, Vec<String>)> =
        schedule.sessions.iter().map(|s| (s.id.clone(), content_words(&s.title))).collect();
    let mut out = Vec::new();
    for s in &unique {
        let title = s.title.trim();
        let start = s.start.to_zoned(zone.clone()).strftime("%H:%M").to_string();
        let one = |ask: String, says: Vec<String>| Generated { ask, check: Check::Session { id: s.id.clone(), says } };
        out.push(one(format!("When is {title}?"), vec![start.clone()]));
        out.push(one(format!("Where is {title}?"), vec![s.room.clone()]));
        if !s.speakers.is_empty() {
            out.push(one(format!("Who is giving {title}?"), s.speakers.iter().take(3).cloned().collect()));
        }
        let others: Vec<Vec<String>> =
            all_words.iter().filter(|(id, _)| id != &s.id).map(|(_, words)| words.clone()).collect();
        if let Some(fragment) = fragment(title, &others) {
            out.push(one(format!("when is {}", fragment.to_lowercase()), vec![start.clone()]));
        }
        out.push(one(format!("where is {}", title.to_lowercase().trim_end_matches('?')), vec![]));
    }
    let mut by_speaker: HashMap<&str, Vec<String>> = HashMap::new();
    for s in &schedule.sessions {
        for name in &s.speakers {
            by_speaker.entry(name.as_str()).or_default().push(s.id.clone());
        }
    }
    let mut names: Vec<&&str> = by_speaker.keys().collect();
    names.sort();
    for name in names {
        let ids: HashSet<String> = by_speaker[*name].iter().cloned().collect();
        out.push(Generated {
            ask: format!("What is {name} talking about?"),
            check: Check::Sessions { ids: ids.into_iter().collect() },
        });
    }
    out
}

/// Asked of every export, with and without a real conference's FAQ
/// loaded: an FAQ must not take questions about the programme.
#[test]
fn ask_answers_questions_generated_from_every_export() {
    let mut report = Vec::new();
    let mut failed = Vec::new();
    for &(file, zone) in FIXTURES {
        let schedule = import(file, zone);
        let first = schedule.sessions.first().map(|s| s.start).unwrap();
        // The morning of the first day: some sessions are on now, most later.
        let ctx = Context { now: first, seed: 1 };
        let questions = generate(&schedule);
        let with_faq = Engine::new(KnowledgeBase::default(), schedule.clone()).with_faq(super::faq::conference());
        let engine = Engine::new(KnowledgeBase::default(), schedule);
        let mut wrong = Vec::new();
        for (q, engine) in questions.iter().flat_map(|q| [(q, &engine), (q, &with_faq)]) {
            let reply = engine.ask(&q.ask, &ctx, None);
            if !q.right(&reply) {
                let text = emcee_core::render::plain_text(&reply, emcee_core::render::Marks::NONE);
                wrong.push(format!(
                    "{}\n  -> [{}] {}",
                    q.ask,
                    reply.status.as_str(),
                    text.replace('\n', " ").chars().take(300).collect::<String>()
                ));
            }
        }
        let right = 1.0 - wrong.len() as f64 / (2 * questions.len()) as f64;
        report.push(format!(
            "{file}: {:.1}% of {} questions, each with and without an FAQ",
            right * 100.0,
            questions.len()
        ));
        for w in &wrong {
            println!("wrong [{file}] {w}");
        }
        if right < MIN_RIGHT {
            failed.push(format!("{file}: {:.1}%", right * 100.0));
        }
    }
    println!("{}", report.join("\n"));
    assert!(failed.is_empty(), "under {}%: {}", MIN_RIGHT * 100.0, failed.join(", "));
}
