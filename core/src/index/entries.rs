//! What gets indexed: the documents made from the knowledge base and the
//! schedule, and what each one stands for.
//!
//! A quote passage is one document; a biography becomes one document per
//! fact (written as a sentence) and per sentence of its summary and
//! sections, so that `/ask` can answer with the one sentence that holds
//! the answer; a session is one document of its title, speakers, room,
//! track and abstract.

use crate::kb::KnowledgeBase;
use crate::schedule::{Schedule, Session};
use crate::text;

/// What an indexed document is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocKind {
    Quote,
    Bio,
    Session,
}

impl DocKind {
    pub const ALL: [DocKind; 3] = [DocKind::Quote, DocKind::Bio, DocKind::Session];

    /// The index of this kind's part of the index.
    pub(super) fn part(self) -> usize {
        self as usize
    }
}

/// What a hit points at.
#[derive(Debug, Clone, PartialEq)]
pub enum Target {
    /// Index into [`KnowledgeBase::quotes`].
    Quote(usize),
    /// Index into [`Schedule::sessions`].
    Session(usize),
    /// A sentence or fact of a biography.
    Bio(BioSentence),
}

impl Target {
    pub fn kind(&self) -> DocKind {
        match self {
            Target::Quote(_) => DocKind::Quote,
            Target::Session(_) => DocKind::Session,
            Target::Bio(_) => DocKind::Bio,
        }
    }
}

/// A sentence of a biography, or one of its facts written as a sentence.
#[derive(Debug, Clone, PartialEq)]
pub struct BioSentence {
    /// Index into [`KnowledgeBase::speakers`].
    pub speaker: usize,
    /// The section it is in; `None` for the summary and the facts.
    pub section: Option<String>,
    pub text: String,
}

/// A document to index: what it stands for, its text, its speakers' ids,
/// and the question it answers (an interviewer's, for a passage of an answer).
pub(super) struct Entry {
    pub target: Target,
    pub text: String,
    pub speakers: Vec<String>,
    pub prompt: Option<std::sync::Arc<str>>,
}

/// The documents of one kind, made one at a time: the transcripts can hold
/// a hundred thousand passages, which need not be copied all at once.
pub(super) fn entries<'a>(
    kind: DocKind,
    kb: &'a KnowledgeBase,
    schedule: &'a Schedule,
) -> Box<dyn Iterator<Item = Entry> + 'a> {
    match kind {
        DocKind::Quote => Box::new(kb.quotes.iter().enumerate().map(|(i, q)| Entry {
            target: Target::Quote(i),
            text: q.text.clone(),
            speakers: kb.quote_speaker(q).and_then(|s| kb.speakers.get(s)).map(|s| s.id.clone()).into_iter().collect(),
            prompt: q.prompt.clone(),
        })),
        DocKind::Bio => Box::new(bio_sentences(kb).into_iter()),
        DocKind::Session => Box::new(schedule.sessions.iter().enumerate().map(|(i, session)| Entry {
            target: Target::Session(i),
            text: session_text(session),
            speakers: session.speakers.iter().map(|n| text::slug(n)).collect(),
            prompt: None,
        })),
    }
}

/// Every biography's facts, summary sentences and section sentences.
fn bio_sentences(kb: &KnowledgeBase) -> Vec<Entry> {
    let mut entries = Vec::new();
    for (s, speaker) in kb.speakers.iter().enumerate() {
        let mut add = |section: Option<&str>, text: String| {
            let target =
                Target::Bio(BioSentence { speaker: s, section: section.map(str::to_string), text: text.clone() });
            entries.push(Entry { target, text, speakers: vec![speaker.id.clone()], prompt: None });
        };
        for (key, value) in &speaker.facts {
            add(None, format!("{} — {key}: {value}.", speaker.name));
        }
        for line in text::sentences(&speaker.summary) {
            add(None, line.to_string());
        }
        for section in &speaker.sections {
            for paragraph in &section.paragraphs {
                for line in text::sentences(paragraph) {
                    add(Some(&section.title), line.to_string());
                }
            }
        }
    }
    entries
}

/// The searchable text of a session: title, subtitle, speakers, room, track and abstract.
pub fn session_text(session: &Session) -> String {
    let speakers = session.speakers.join(", ");
    // Exports write abstracts in HTML or Markdown: their words, not their tags.
    let abstract_text = crate::schedule::speakers::plain_text(&session.abstract_text).replace('\n', " ");
    let parts = [
        session.title.as_str(),
        session.subtitle.as_str(),
        speakers.as_str(),
        session.room.as_str(),
        session.track.as_deref().unwrap_or(""),
        abstract_text.as_str(),
    ];
    parts.iter().filter(|p| !p.is_empty()).copied().collect::<Vec<_>>().join(". ")
}
