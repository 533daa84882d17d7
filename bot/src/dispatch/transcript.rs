//! The organisers' `/transcript import`: a recording's transcript, from an
//! address or a file uploaded to the chat, read to check it is one, stored
//! in the database (so every replica answers from it), and answered from at
//! once; and the knowledge base rebuilt from `data/` and the stored
//! transcripts whenever those change.

use emcee_core::command::{CommandKind, TranscriptCommand};
use emcee_core::kb::transcript::{self, TranscriptMeta};
use emcee_core::kb::{Documents, TranscriptDocument};
use emcee_core::reply::Status;
use emcee_core::{KnowledgeBase, Reply, Schedule};

use super::{Dispatcher, Origin};
use crate::programme;
use crate::store::{Store, StoredTranscript};

/// How a stored transcript is named in citations and warnings.
const STORED: &str = "imported";

impl Dispatcher {
    /// `/transcript import <address> [key=value …]`: organisers only.
    pub(super) async fn change_transcripts(&self, command: TranscriptCommand) -> Reply {
        let TranscriptCommand::Import { source, fields } = command;
        if !programme::is_address(&source) {
            return Reply::message(
                CommandKind::Transcript,
                Status::Invalid,
                "Give the transcript's http(s) address, or attach the file to /transcript import on Discord.",
            );
        }
        let name = source.rsplit('/').next().filter(|n| !n.is_empty()).unwrap_or(&source).to_string();
        match programme::fetch(&self.fetcher, &source).await {
            Ok(bytes) => self.add_transcript(&name, bytes, &fields).await,
            Err(error) => Reply::message(CommandKind::Transcript, Status::Invalid, format!("{error}.")),
        }
    }

    /// `/transcript import` of a file uploaded to the chat, logged as
    /// `/transcript import NAME`. `file` is the upload, or the reply saying
    /// why the adapter could not get it.
    pub async fn import_transcript(
        &self,
        origin: &Origin,
        name: &str,
        file: Result<Vec<u8>, Box<Reply>>,
        fields: &[(String, String)],
    ) -> Reply {
        let started = std::time::Instant::now();
        let line = format!("/transcript import {name}");
        let reply = match file {
            _ if let Some(refused) = super::refusal(origin, &line, CommandKind::Transcript) => refused,
            Ok(bytes) => self.add_transcript(name, bytes, fields).await,
            Err(unusable) => *unusable,
        };
        self.log(origin, &line, started, &reply).await;
        reply
    }

    /// Checks, stores and starts answering from one transcript.
    async fn add_transcript(&self, name: &str, bytes: Vec<u8>, fields: &[(String, String)]) -> Reply {
        let Some(usage) = self.usage.as_ref() else {
            return Reply::message(
                CommandKind::Transcript,
                Status::Invalid,
                "Transcripts need the database to be kept; none is configured here.",
            );
        };
        let meta = match TranscriptMeta::default().with_fields(fields) {
            Ok(meta) => meta,
            Err(error) => return Reply::message(CommandKind::Transcript, Status::Invalid, format!("{error}.")),
        };
        let added = match store(&usage.store, self.engine().schedule(), name, bytes, meta).await {
            Ok(added) => added,
            Err(Refused::Database(error)) => {
                return super::failed(
                    CommandKind::Transcript,
                    "storing a transcript",
                    &error,
                    "The database is not answering; the transcript was not added.",
                );
            }
            Err(refused) => return Reply::message(CommandKind::Transcript, Status::Invalid, format!("{refused}.")),
        };
        match usage.store.transcripts().await {
            Ok(all) => self.use_transcripts(&all),
            Err(error) => {
                tracing::warn!("reading the stored transcripts failed: {error:#}; they are read on the next look")
            }
        }
        let mut reply = Reply::message(CommandKind::Transcript, Status::Ok, added.to_string());
        reply.result_count = 1;
        reply
    }

    /// Answers from the documents in `data/` and the stored transcripts.
    pub fn use_transcripts(&self, stored: &[StoredTranscript]) {
        let Some(documents) = &self.documents else { return };
        let engine = self.engine();
        let kb = knowledge_with(documents, stored);
        self.replace_engine(engine.with_knowledge(kb));
    }
}

/// Why a transcript was not added.
#[derive(Debug, thiserror::Error)]
pub enum Refused {
    #[error("The programme has no session with the id `{0}`; `emcee schedule list` shows the ids")]
    NoSession(String),
    #[error("{0}")]
    Unreadable(#[from] transcript::TranscriptError),
    #[error("the database did not store it: {0:#}")]
    Database(anyhow::Error),
}

/// A transcript stored, as the organiser is told of it.
#[derive(Debug)]
pub struct Added {
    pub name: String,
    pub layout: &'static str,
    pub turns: usize,
    pub passages: usize,
    /// The session it records: its title and speakers.
    pub session: Option<(String, Vec<String>)>,
    pub warnings: Vec<emcee_core::Warning>,
}

impl std::fmt::Display for Added {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Added {}: {}, {} turns, {} quotable passages.", self.name, self.layout, self.turns, self.passages)?;
        if let Some((title, speakers)) = &self.session {
            let by = if speakers.is_empty() { String::new() } else { format!(" by {}", speakers.join(", ")) };
            write!(f, " It is the recording of “{title}”{by}.")?;
        }
        if let Some(first) = self.warnings.first() {
            write!(f, " {} problems were worked around, the first: {first}", self.warnings.len())?;
        }
        Ok(())
    }
}

/// Reads `bytes` as a transcript with `meta`, checks the session it names
/// is in `programme`, and stores it under `name`.
pub async fn store(
    store: &Store,
    programme: &Schedule,
    name: &str,
    bytes: Vec<u8>,
    meta: TranscriptMeta,
) -> Result<Added, Refused> {
    let session = match meta.session.as_deref() {
        None => None,
        Some(id) => match programme.sessions.iter().find(|s| s.id == id) {
            Some(session) => Some((session.title.clone(), session.speakers.clone())),
            None => return Err(Refused::NoSession(id.to_string())),
        },
    };
    let mut warnings = Vec::new();
    let text = crate::knowledge::text(name, bytes, &mut warnings);
    let (read, more) = transcript::read(name, &text, meta.clone())?;
    warnings.extend(more);
    let stored = StoredTranscript { name: name.to_string(), text, meta: meta.to_toml() };
    store.put_transcript(&stored, jiff::Timestamp::now()).await.map_err(Refused::Database)?;
    Ok(Added {
        name: name.to_string(),
        layout: read.layout.name(),
        turns: read.turns.len(),
        passages: read.turns.iter().map(|t| transcript::passages(&t.text).len()).sum(),
        session,
        warnings,
    })
}

/// The knowledge base of `documents` with the stored transcripts added.
pub fn knowledge_with(documents: &Documents, stored: &[StoredTranscript]) -> KnowledgeBase {
    if stored.is_empty() {
        return KnowledgeBase::build(documents);
    }
    let mut all = documents.clone();
    all.transcripts.extend(stored.iter().map(|t| TranscriptDocument {
        path: format!("{STORED}: {}", t.name),
        text: t.text.clone(),
        meta_path: format!("{STORED}: {}.toml", t.name),
        meta: Some(t.meta.clone()),
    }));
    KnowledgeBase::build(&all)
}
