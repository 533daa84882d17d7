//! The real transcripts in `tests/data/transcripts`, each read in the
//! layout it is in and linked to a session of a programme: quotes are the
//! words of the person who said them, a panel's unnamed voices are the
//! session's and never one panellist's, stage directions are nobody's, and
//! every quote links to its moment of the recording.

use emcee_core::kb::{Documents, TranscriptDocument};
use emcee_core::schedule::{self, ImportOptions};
use emcee_core::{Context, Engine, KnowledgeBase, Status};
use expect_test::expect;

fn fixture(name: &str) -> String {
    let path = format!("{}/tests/data/transcripts/{name}", env!("CARGO_MANIFEST_DIR"));
    String::from_utf8(std::fs::read(&path).unwrap()).unwrap()
}

/// A small programme holding the sessions the fixtures record.
const PROGRAMME: &str = "id,title,start,duration,room,speakers,recording\n\
ssh,Sexy SSH Hacks,2023-08-10 14:00,00:45,Speakers Tent,Nikolaj Hansen,https://media.ccc.de/v/bornhack2023-56142-sexy-ssh-hacks\n\
panel,How to build sovereign European AI compute infrastructure,2024-07-17 11:00,00:30,Stage 2,Daniel Abbou; Rosanne Kincaid-Smith; Marcus Hacker; Michael Bradley,https://www.youtube.com/watch?v=abc123\n";

/// The fixtures as the bot reads them, each with its metadata.
pub(crate) fn documents() -> Vec<TranscriptDocument> {
    let transcript = |name: &str, meta: Option<&str>| TranscriptDocument {
        path: format!("data/transcripts/{name}"),
        text: fixture(name),
        meta_path: format!("data/transcripts/{name}.toml"),
        meta: meta.map(str::to_string),
    };
    vec![
        transcript("bornhack2023-sexy-ssh-hacks.srt", Some("session = \"ssh\"\n")),
        transcript("wearedevelopers-sovereign-ai-panel.vtt", Some("session = \"panel\"\n")),
        transcript(
            "bookbytes-005-dave-hoover.txt",
            Some(
                "title = \"BookBytes 5: Apprenticeship Patterns\"\nrecording = \"https://www.orbit.fm/bookbytes/5\"\n",
            ),
        ),
    ]
}

/// The sessions the fixtures record.
pub(crate) fn programme() -> emcee_core::Schedule {
    let options = ImportOptions { time_zone: Some(jiff::tz::TimeZone::get("Europe/Copenhagen").unwrap()), title: None };
    schedule::import(PROGRAMME.as_bytes(), &options).unwrap().schedule
}

fn engine() -> Engine {
    let docs = Documents { bios: Vec::new(), transcripts: documents(), warnings: Vec::new() };
    Engine::new(KnowledgeBase::build(&docs), programme())
}

fn answer(engine: &Engine, line: &str) -> (Status, String) {
    let reply = engine.answer_line(line, &Context { now: "2024-07-17T09:00:00Z".parse().unwrap(), seed: 3 });
    (reply.status, emcee_core::render::plain_text(&reply, emcee_core::render::Marks::NONE))
}

#[test]
fn every_fixture_is_read_in_its_layout() {
    let kb = engine().knowledge().clone();
    let summary: Vec<String> = kb
        .transcripts
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let quotes = kb.quotes.iter().filter(|q| q.transcript == i).count();
            let voices: std::collections::BTreeSet<&str> = t.turns.iter().map(|t| t.speaker.as_str()).collect();
            format!("{}: {} turns, {quotes} quotes, voices {voices:?}", t.layout.name(), t.turns.len())
        })
        .collect();
    expect![[r#"
        [
            "SubRip subtitles: 53 turns, 248 quotes, voices {\"\"}",
            "WebVTT subtitles: 22 turns, 130 quotes, voices {\"\"}",
            "podcast transcript (`H:MM:SS **Name** text`): 79 turns, 222 quotes, voices {\"Adam Garrett-Harris\", \"All\", \"Dave Hoover\", \"Jason Staten\", \"Jen Luker\", \"Safia Abdalla\"}",
        ]
    "#]].assert_debug_eq(&summary);
    let warnings: Vec<String> = kb.warnings.iter().map(ToString::to_string).collect();
    expect![[r#"
        [
            "data/transcripts/bornhack2023-sexy-ssh-hacks.srt:150: “I'm going to do that.” repeats cue after cue (a Whisper hallucination); the repeats are dropped",
            "data/transcripts/bornhack2023-sexy-ssh-hacks.srt:2714: a phrase repeats over and over (a Whisper hallucination); kept once",
            "data/transcripts/bornhack2023-sexy-ssh-hacks.srt:2878: a phrase repeats over and over (a Whisper hallucination); kept once",
            "data/transcripts/bornhack2023-sexy-ssh-hacks.srt:2882: a phrase repeats over and over (a Whisper hallucination); kept once",
            "data/transcripts/bornhack2023-sexy-ssh-hacks.srt:3326: “Okay.” repeats cue after cue (a Whisper hallucination); the repeats are dropped",
            "data/transcripts/bornhack2023-sexy-ssh-hacks.srt:3694: “Yeah.” repeats cue after cue (a Whisper hallucination); the repeats are dropped",
            "data/transcripts/bornhack2023-sexy-ssh-hacks.srt:3866: “Thank you.” repeats cue after cue (a Whisper hallucination); the repeats are dropped",
        ]
    "#]].assert_debug_eq(&warnings);
}

#[test]
fn quotes_are_attributed_and_linked() {
    let engine = engine();
    // A talk with one speaker: the words are theirs, linked into the recording.
    let (status, ssh) = answer(&engine, "/quote agent forwarding");
    assert_eq!(status, Status::Ok, "{ssh}");
    assert!(
        ssh.contains("— Nikolaj Hansen, Sexy SSH Hacks (")
            && ssh.contains("https://media.ccc.de/v/bornhack2023-56142-sexy-ssh-hacks#t="),
        "{ssh}"
    );
    // A panel whose voices the file does not name: the session's words, no one person's.
    let (_, panel) = answer(&engine, "/quote startups");
    assert!(
        panel.contains("— from the session “How to build sovereign European AI compute infrastructure”"),
        "{panel}"
    );
    assert!(panel.contains("https://www.youtube.com/watch?v=abc123&t="), "{panel}");
    for name in ["Daniel Abbou", "Rosanne Kincaid-Smith", "Marcus Hacker", "Michael Bradley"] {
        let (status, text) = answer(&engine, &format!("/quote AI speaker:\"{name}\""));
        assert_eq!(status, Status::NotFound, "no words are {name}'s alone: {text}");
    }
    // A podcast names each turn: the guest's words are the guest's.
    let (_, book) = answer(&engine, "/quote psychology major");
    assert!(
        book.contains(
            "— Dave Hoover, BookBytes 5: Apprenticeship Patterns (00:43) <https://www.orbit.fm/bookbytes/5#t=43>"
        ),
        "{book}"
    );
    let (_, laughing) = answer(&engine, "/quote laughing");
    assert!(!laughing.contains("“(laughing)”"), "stage directions are nobody's words: {laughing}");
    let (status, all) = answer(&engine, "/bio All");
    assert_ne!(status, Status::Ok, "a stage direction's label is not a speaker: {all}");
}
