//! The held-out question set (`tests/data/heldout.toml`): attendee
//! questions written from the data files alone (the seed, the transcripts
//! here and the real exports' speakers and sessions) before the code that
//! answers them, by someone who had not read that code. It is never read
//! while tuning: this test prints how many questions of each kind `/ask`
//! answers rightly, never the questions, and no file under `src/` may quote
//! one of them.
//!
//! `cargo test -p emcee-core --test it heldout -- --nocapture` prints the
//! counts.

use std::collections::{BTreeMap, HashMap};

use emcee_core::faq::Faq;
use emcee_core::schedule::{self, ImportOptions};
use emcee_core::{Context, Engine, KnowledgeBase, Reply, Status};
use jiff::tz::TimeZone;
use serde::Deserialize;

/// Right answers per kind by the pipeline before people questions had
/// answers of their own (commit 8c18f93), measured on this set the day it
/// was written: the figures to beat.
const BEFORE: &[(&str, usize)] = &[("all", 107), ("decline", 40), ("knowledge", 6), ("people", 33), ("programme", 28)];

/// Right answers, in all and among people questions, under which the test
/// fails: where this code stands.
const HELD_OUT_MIN: (usize, usize) = (158, 74);

#[derive(Deserialize)]
pub(crate) struct QuestionSet {
    pub q: Vec<Question>,
}

/// A question of the held-out set, or of a tuning set in its format.
#[derive(Deserialize)]
pub(crate) struct Question {
    pub ask: String,
    pub kind: String,
    pub over: String,
    #[serde(default)]
    pub expect: Vec<String>,
    #[serde(default)]
    pub expect_all: Vec<String>,
    /// The question the same person asked just before.
    #[serde(default)]
    pub after: Option<String>,
}

impl Question {
    fn declines(&self) -> bool {
        self.expect.is_empty() && self.expect_all.is_empty()
    }

    pub(crate) fn right(&self, reply: &Reply) -> bool {
        if self.declines() {
            return reply.status == Status::NotFound;
        }
        let text = emcee_core::render::plain_text(reply, emcee_core::render::Marks::NONE).to_lowercase();
        reply.status == Status::Ok
            && (self.expect.is_empty() || self.expect.iter().any(|e| text.contains(&e.to_lowercase())))
            && self.expect_all.iter().all(|e| text.contains(&e.to_lowercase()))
    }
}

fn questions() -> Vec<Question> {
    let set: QuestionSet = toml::from_str(include_str!("../data/heldout.toml")).unwrap();
    set.q
}

/// The engine and clock a question is asked over: the seed with the
/// transcripts, or one real export alone at the start of its first session;
/// with `faq` loaded, if given.
pub(crate) fn setting(over: &str, faq: Option<&Faq>) -> (Engine, Context) {
    let (engine, ctx) = programme(over);
    match faq {
        Some(faq) => (engine.with_faq(faq.clone()), ctx),
        None => (engine, ctx),
    }
}

fn programme(over: &str) -> (Engine, Context) {
    if over == "seed" {
        return (super::attendee::engine(), super::attendee::ctx());
    }
    let zone = super::generated::FIXTURES.iter().find(|(file, _)| *file == over).and_then(|(_, zone)| *zone);
    let bytes = std::fs::read(format!("{}/tests/data/schedules/{over}", env!("CARGO_MANIFEST_DIR"))).unwrap();
    let options = ImportOptions { time_zone: zone.map(|z| TimeZone::get(z).unwrap()), title: None };
    let schedule = schedule::import(&bytes, &options).unwrap().schedule;
    let first = schedule.sessions.iter().map(|s| s.start).min().unwrap();
    (Engine::new(KnowledgeBase::default(), schedule), Context { now: first, seed: 1 })
}

/// Right answers per kind of question, and in all; `wrong` sees each
/// question answered wrongly, with its reply.
pub(crate) fn score(
    questions: &[Question],
    faq: Option<&Faq>,
    mut wrong: impl FnMut(&Question, &Reply),
) -> BTreeMap<String, (usize, usize)> {
    let mut settings: HashMap<String, (Engine, Context)> = HashMap::new();
    let mut counts: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    for q in questions {
        let (engine, ctx) = settings.entry(q.over.clone()).or_insert_with(|| setting(&q.over, faq));
        let previous = q.after.as_deref().and_then(|before| engine.ask(before, ctx, None).about);
        let reply = engine.ask(&q.ask, ctx, previous.as_deref());
        let right = usize::from(q.right(&reply));
        if right == 0 {
            wrong(q, &reply);
        }
        for kind in [q.kind.as_str(), "all"] {
            let entry = counts.entry(kind.to_string()).or_default();
            entry.0 += right;
            entry.1 += 1;
        }
    }
    counts
}

/// The held-out set asked twice: as it was written, and with a real
/// conference's FAQ loaded (FOSDEM's questions and venue services, 22
/// entries), which must not take questions that are not about it. Only
/// counts are printed: which questions go wrong is not for reading.
#[test]
fn ask_on_the_held_out_set() {
    let conference = super::faq::conference();
    for (faq, told) in [(None, ""), (Some(&conference), " with an FAQ")] {
        let counts = score(&questions(), faq, |_, _| {});
        for (kind, (right, all)) in &counts {
            let before = BEFORE.iter().find(|(k, _)| k == kind).map_or(0, |(_, n)| *n);
            println!(
                "held out{told}, {kind}: {right} of {all} right ({:.1}%; before: {before}, {:.1}%)",
                *right as f64 * 100.0 / *all as f64,
                before as f64 * 100.0 / *all as f64
            );
        }
        let right = |kind: &str| counts.get(kind).map_or(0, |c| c.0);
        // Where the set stands, so that a regression fails: the people
        // questions are short of the 90% the product asks (docs/organisers.md says so).
        assert!(right("all") >= HELD_OUT_MIN.0, "fewer held-out questions right{told} than {}", HELD_OUT_MIN.0);
        assert!(
            right("people") >= HELD_OUT_MIN.1,
            "fewer held-out people questions right{told} than {}",
            HELD_OUT_MIN.1
        );
    }
}

/// No question of the held-out set, nor one asked before it, is quoted
/// in a file of either crate's `src/`, whatever its case and punctuation.
#[test]
fn no_source_file_quotes_a_held_out_question() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut files = Vec::new();
    for crate_dir in ["core/src", "bot/src"] {
        let mut stack = vec![root.join(crate_dir)];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    stack.push(path);
                } else if let Ok(text) = std::fs::read_to_string(&path) {
                    files.push((path, format!(" {} ", emcee_core::text::fold(&text))));
                }
            }
        }
    }
    assert!(files.len() > 50, "the sources were not found under {}", root.display());
    for (n, q) in questions().iter().enumerate() {
        for asked in std::iter::once(&q.ask).chain(&q.after) {
            let folded = format!(" {} ", emcee_core::text::fold(asked));
            if let Some((path, _)) = files.iter().find(|(_, text)| text.contains(&folded)) {
                panic!("held-out question {} is quoted in {}: take it out", n + 1, path.display());
            }
        }
    }
}
