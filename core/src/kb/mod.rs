//! The knowledge base: speakers from biographies and transcript metadata, and
//! the quotable passages of every transcript, attributed to full names.
//!
//! The core reads no files: the caller hands over each document's path and
//! text (see [`Documents`]), so the same code serves the bot, the tests and
//! the benchmarks.

pub mod bio;
mod programme;
pub mod transcript;

use std::fmt;

pub use bio::{Section, Speaker};
pub use transcript::{Person, Transcript, TranscriptMeta, Turn, TurnKind};

use crate::text;

/// A problem found while reading a document; reading goes on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    pub file: String,
    pub line: usize,
    pub message: String,
}

impl Warning {
    pub fn new(file: &str, line: usize, message: &str) -> Warning {
        Warning { file: file.to_string(), line, message: message.to_string() }
    }
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.file, self.line, self.message)
    }
}

/// A named link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    pub title: String,
    pub url: String,
}

/// The [`SourceDoc::path`] of a biography the programme gave.
pub const PROGRAMME_SOURCE: &str = "programme";

/// The document something came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceDoc {
    pub path: String,
    pub title: String,
}

/// The raw documents a knowledge base is built from.
#[derive(Debug, Clone, Default)]
pub struct Documents {
    /// `(path, text)` of each biography.
    pub bios: Vec<(String, String)>,
    pub transcripts: Vec<TranscriptDocument>,
    /// Problems found while reading the files (a byte that is not UTF-8),
    /// reported with the rest.
    pub warnings: Vec<Warning>,
}

/// A transcript and the metadata file beside it.
#[derive(Debug, Clone)]
pub struct TranscriptDocument {
    pub path: String,
    pub text: String,
    pub meta_path: String,
    /// `None` when the metadata file is missing.
    pub meta: Option<String>,
}

/// A quotable passage: one to three sentences of one turn.
#[derive(Debug, Clone, PartialEq)]
pub struct Quote {
    /// Index into [`KnowledgeBase::speakers`]: whose words these are, as the
    /// transcript names them; `None` for a voice it does not name (see
    /// [`KnowledgeBase::quote_speaker`]).
    pub speaker: Option<usize>,
    /// Index into [`KnowledgeBase::transcripts`].
    pub transcript: usize,
    pub at: Option<u32>,
    pub at_label: String,
    pub line: usize,
    pub text: String,
    /// Words in `text`.
    pub words: usize,
    /// The question this passage answers, when the turn before it was
    /// someone else asking one (an interviewer's question): what a question
    /// put the same way finds the answer by. Shared by the turn's passages.
    pub prompt: Option<std::sync::Arc<str>>,
}

/// Everything the bot knows about people and what they said.
#[derive(Debug, Clone, Default)]
pub struct KnowledgeBase {
    pub speakers: Vec<Speaker>,
    pub transcripts: Vec<Transcript>,
    pub quotes: Vec<Quote>,
    pub warnings: Vec<Warning>,
    /// Per speaker, the transcripts they speak in, by index.
    pub spoken_in: Vec<Vec<usize>>,
    /// Per transcript, the one speaker its unnamed voice is: from its
    /// metadata's `speakers`, or the one speaker of the session it records.
    pub voices: Vec<Option<usize>>,
}

impl KnowledgeBase {
    /// Parses every document. Problems become warnings and nothing is
    /// dropped: a transcript with missing or unreadable metadata is still read,
    /// with its speakers' names as written.
    pub fn build(docs: &Documents) -> KnowledgeBase {
        let mut kb = KnowledgeBase { warnings: docs.warnings.clone(), ..KnowledgeBase::default() };
        for (path, input) in &docs.bios {
            let speaker = bio::parse_bio(path, input, &mut kb.warnings);
            match kb.speaker_by_name(&speaker.name) {
                Some(_) => kb.warnings.push(Warning::new(
                    path,
                    1,
                    &format!("a second biography of {}; this one is ignored", speaker.name),
                )),
                None => kb.speakers.push(speaker),
            }
        }
        for doc in &docs.transcripts {
            let meta = match &doc.meta {
                Some(meta) => match transcript::parse_meta(&doc.meta_path, meta) {
                    Ok(meta) => meta,
                    Err(warning) => {
                        kb.warnings.push(warning);
                        TranscriptMeta::default()
                    }
                },
                None => TranscriptMeta::default(),
            };
            let t = transcript::parse_transcript(&doc.path, &doc.text, meta, &mut kb.warnings);
            kb.add_transcript(t);
        }
        kb.index_appearances();
        kb
    }

    fn add_transcript(&mut self, t: Transcript) {
        let index = self.transcripts.len();
        // One name for the unnamed voice makes every word of it theirs.
        let voice = match t.meta.speakers.as_slice() {
            [one] => Some(self.speaker_named(one)),
            _ => None,
        };
        let mut previous: Option<&Turn> = None;
        for turn in &t.turns {
            if turn.kind != TurnKind::Speech {
                continue;
            }
            let prompt = previous
                .filter(|before| !before.speaker.is_empty() && before.speaker != turn.speaker)
                .and_then(|before| asked(&before.text))
                .map(std::sync::Arc::<str>::from);
            previous = Some(turn);
            let speaker = if turn.speaker.is_empty() { None } else { Some(self.speaker_for_turn(&t, turn)) };
            for text in transcript::passages(&turn.text) {
                let offset = text.as_ptr() as usize - turn.text.as_ptr() as usize;
                let at = turn.time_at(offset);
                self.quotes.push(Quote {
                    speaker,
                    transcript: index,
                    at,
                    at_label: at.map(transcript::clock).unwrap_or_else(|| turn.at_label.clone()),
                    line: turn.line,
                    text: text.to_string(),
                    words: text.split_whitespace().count(),
                    prompt: prompt.clone(),
                });
            }
        }
        self.transcripts.push(t);
        self.voices.push(voice);
    }

    /// Whose words a quote is: the transcript's name for the turn, else the
    /// one person its unnamed voice is; `None` when that is not one person
    /// (a panel's recording), and the words are the recording's.
    pub fn quote_speaker(&self, quote: &Quote) -> Option<usize> {
        quote.speaker.or_else(|| self.voices.get(quote.transcript).copied().flatten())
    }

    /// The speaker with this name, made from the name alone when unknown.
    fn speaker_named(&mut self, name: &str) -> usize {
        match self.speaker_by_name(name) {
            Some(i) => i,
            None => {
                self.speakers.push(Speaker::named(name));
                self.speakers.len() - 1
            }
        }
    }

    /// The speaker a turn belongs to, created from the metadata when they have no biography.
    fn speaker_for_turn(&mut self, t: &Transcript, turn: &Turn) -> usize {
        if let Some(i) = self.speaker_by_name(&turn.speaker) {
            return i;
        }
        let mut speaker = Speaker::named(&turn.speaker);
        if let Some(person) = t.meta.people.get(&turn.label) {
            speaker.headline = person.about.clone().or_else(|| person.role.clone());
            speaker.summary = person.about.clone().unwrap_or_default();
        }
        self.speakers.push(speaker);
        self.speakers.len() - 1
    }

    /// The speaker with this full name (compared folded).
    pub fn speaker_by_name(&self, name: &str) -> Option<usize> {
        let folded = text::fold(name);
        self.speakers.iter().position(|s| text::fold(&s.name) == folded)
    }

    /// The transcripts a speaker talks in (by index), with their role there.
    pub fn appearances(&self, speaker: usize) -> Vec<(usize, Option<&str>)> {
        let name = &self.speakers[speaker].name;
        self.spoken_in[speaker]
            .iter()
            .map(|&i| {
                let t = &self.transcripts[i];
                let role = t.meta.people.values().find(|p| &p.name == name).and_then(|p| p.role.as_deref());
                (i, role)
            })
            .collect()
    }

    /// Fills [`KnowledgeBase::spoken_in`]: the transcripts each speaker has a
    /// turn in or is named in the metadata of.
    pub(crate) fn index_appearances(&mut self) {
        let mut spoken_in = vec![Vec::new(); self.speakers.len()];
        for quote in &self.quotes {
            let Some(speaker) = self.quote_speaker(quote) else { continue };
            let seen: &mut Vec<usize> = &mut spoken_in[speaker];
            if seen.last() != Some(&quote.transcript) {
                seen.push(quote.transcript);
            }
        }
        for (i, t) in self.transcripts.iter().enumerate() {
            for person in t.meta.people.values() {
                if let Some(s) = self.speaker_by_name(&person.name) {
                    spoken_in[s].push(i);
                }
            }
        }
        for list in &mut spoken_in {
            list.sort_unstable();
            list.dedup();
        }
        self.spoken_in = spoken_in;
    }
}

/// What a turn ends with, which the next speaker answers: its last
/// sentences, at most about 300 characters (one longer sentence whole);
/// `None` for a turn with no sentence.
fn asked(turn: &str) -> Option<String> {
    const MAX: usize = 300;
    let sentences: Vec<&str> = text::sentences(turn).collect();
    let last = sentences.len().checked_sub(1)?;
    let mut start = last;
    while start > 0 && sentences[start - 1..=last].iter().map(|s| s.len() + 1).sum::<usize>() <= MAX {
        start -= 1;
    }
    Some(sentences[start..=last].join(" "))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) use crate::seed::documents as seed_documents;

    #[test]
    fn builds_speakers_from_bios_and_metadata() {
        let kb = KnowledgeBase::build(&seed_documents());
        let names: Vec<&str> = kb.speakers.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["Kelsey Hightower", "Marc Dillon", "Andy Allred"]);
        assert_eq!(
            kb.speakers[1].headline.as_deref(),
            Some("Lead consultant in the transformation business at Eficode; host of DevOps Sauna.")
        );
        let kelsey = kb.appearances(0);
        assert_eq!(kelsey.len(), 1);
        assert_eq!(kelsey[0].1, Some("guest"));
    }

    #[test]
    fn quotes_carry_their_speaker_and_skip_adverts() {
        let kb = KnowledgeBase::build(&seed_documents());
        assert!(!kb.quotes.iter().any(|q| q.text.contains("Hi, it's Marc again")));
        let wasm = kb.quotes.iter().find(|q| q.text.contains("lot going on in the Wasm space")).unwrap();
        assert_eq!(
            (kb.speakers[wasm.speaker.unwrap()].name.as_str(), wasm.at_label.as_str()),
            ("Kelsey Hightower", "29:58")
        );
        let improv = kb.quotes.iter().find(|q| q.text.contains("improv")).unwrap();
        assert_eq!(
            (kb.speakers[improv.speaker.unwrap()].name.as_str(), improv.at_label.as_str()),
            ("Andy Allred", "10:44")
        );
    }

    #[test]
    fn reports_missing_or_broken_metadata() {
        let mut docs = seed_documents();
        docs.transcripts[0].meta = Some("title = 3\n".into());
        let kb = KnowledgeBase::build(&docs);
        assert_eq!(kb.warnings[0].file, "data/transcripts/devops-sauna-s3-kelsey-hightower.toml");
        assert_eq!(kb.transcripts[0].meta.title, "Devops sauna s3 kelsey hightower");
        docs.transcripts[0].meta = None;
        let kb = KnowledgeBase::build(&docs);
        assert_eq!(kb.transcripts[0].meta.title, "Devops sauna s3 kelsey hightower");
        assert!(kb.speakers.iter().any(|s| s.name == "Kelsey"));
    }
}
