//! The engine: turns a [`Command`] into a [`Reply`] from the knowledge base,
//! the schedule and the index. Pure: the time and the randomness come in the
//! [`Context`], nothing is read or sent.

pub mod agenda;
mod ask;

pub use crate::lexicon::grammar::is_stop_word;
pub use ask::{CONFIDENT, Considered};
mod bio;
mod dates;
mod faq;
mod help;
mod memo;
pub mod qa;
mod quote;
pub mod schedule;
mod talks;

use std::collections::HashMap;
use std::sync::Arc;

use jiff::Timestamp;

use crate::command::{self, Command, CommandKind, FaqCommand, ScheduleCommand};
use crate::faq::{Faq, FaqIndex};
use crate::index::{IndexError, KnowledgeIndex};
use crate::kb::KnowledgeBase;
use crate::names::{Directory, Resolution};
use crate::people::Profiles;
use crate::reply::{Reply, SessionItem, Source, SourceKind, Status};
use crate::schedule::{Schedule, Session};

/// What a command is answered against besides the data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Context {
    /// The current instant, for `now`, `next` and `today`.
    pub now: Timestamp,
    /// Seed for choices that should vary, such as a random quote.
    pub seed: u64,
}

/// The knowledge base, schedule and index, ready to answer.
#[derive(Debug)]
pub struct Engine {
    /// The documents' knowledge with the programme's people joined in;
    /// shared with the index, which reads it when it builds.
    kb: Arc<KnowledgeBase>,
    /// The documents' speakers before the programme's were joined in, so
    /// that another programme starts from them.
    document_speakers: Vec<crate::kb::Speaker>,
    schedule: Arc<Schedule>,
    directory: Directory,
    /// Per person of the directory, the sessions they speak in.
    sessions_by_person: Vec<Vec<usize>>,
    /// Per transcript, the session it is the recording of.
    recorded: Vec<Option<usize>>,
    /// Sessions by folded title, room and track.
    sessions_by: SessionKeys,
    random_pool: RandomPool,
    index: KnowledgeIndex,
    /// `/quote` answers on a topic: topic, speaker and rank to the reply.
    quotes: memo::Memo<(String, Option<String>, usize)>,
    /// The programme's title words, rooms and tracks, for `/ask`: built on
    /// the first question.
    titles: std::sync::OnceLock<ask::titles::Titles>,
    /// What is known of each person, read on the first question about one.
    profiles: std::sync::OnceLock<Profiles>,
    /// The organisers' FAQ, and its entries' words and meaning, built on
    /// the first question.
    faq: Arc<Faq>,
    faq_index: std::sync::OnceLock<FaqIndex>,
}

/// The sessions with each folded title, room and track, so that a lookup
/// by name costs the same whatever the size of the programme.
#[derive(Debug, Default)]
pub(crate) struct SessionKeys {
    pub id: HashMap<String, usize>,
    pub title: HashMap<String, Vec<usize>>,
    pub room: HashMap<String, Vec<usize>>,
    pub track: HashMap<String, Vec<usize>>,
}

impl SessionKeys {
    fn build(schedule: &Schedule) -> SessionKeys {
        let mut keys = SessionKeys::default();
        for (i, session) in schedule.sessions.iter().enumerate() {
            keys.id.entry(session.id.clone()).or_insert(i);
            keys.title.entry(crate::text::fold(&session.title)).or_default().push(i);
            keys.room.entry(crate::text::fold(&session.room)).or_default().push(i);
            if let Some(track) = &session.track {
                keys.track.entry(crate::text::fold(track)).or_default().push(i);
            }
        }
        keys
    }
}

/// The quotes a random `/quote` draws from: long enough to stand alone.
#[derive(Debug, Default)]
struct RandomPool {
    all: Vec<usize>,
    by_speaker: std::collections::HashMap<usize, Vec<usize>>,
}

impl RandomPool {
    fn build(kb: &KnowledgeBase) -> RandomPool {
        let mut pool = RandomPool::default();
        let long = |q: &crate::kb::Quote| q.words >= quote::RANDOM_MIN_WORDS;
        for (i, q) in kb.quotes.iter().enumerate() {
            if long(q) {
                pool.all.push(i);
                if let Some(speaker) = kb.quote_speaker(q) {
                    pool.by_speaker.entry(speaker).or_default().push(i);
                }
            }
        }
        // A speaker with only short passages still gets quoted.
        for (i, q) in kb.quotes.iter().enumerate() {
            let Some(speaker) = kb.quote_speaker(q) else { continue };
            if !pool.by_speaker.contains_key(&speaker)
                || (!long(q) && pool.by_speaker[&speaker].iter().all(|&j| !long(&kb.quotes[j])))
            {
                pool.by_speaker.entry(speaker).or_default().push(i);
            }
        }
        if pool.all.is_empty() {
            pool.all = (0..kb.quotes.len()).collect();
        }
        pool
    }
}

/// `reply` with a command line for each person it suggests, when it
/// suggests people: each can be picked to answer the command about them.
fn with_choices(mut reply: Reply, cmd: &Command) -> Reply {
    let about_people = matches!(reply.status, Status::Ambiguous | Status::NotFound);
    if about_people && reply.choices.is_empty() {
        reply.choices = reply.suggestions.iter().filter_map(|name| cmd.about(name)).collect();
        if reply.choices.len() != reply.suggestions.len() {
            reply.choices.clear();
        }
    }
    reply
}

/// The message a user sees for an internal failure; the detail goes to the log.
pub const INTERNAL_ERROR: &str = "Sorry, something went wrong on my side. The organisers have been told.";

impl Engine {
    /// An engine over the given knowledge. The index is built on first use,
    /// or by [`Engine::warm`].
    pub fn new(kb: KnowledgeBase, schedule: Schedule) -> Engine {
        let document_speakers = kb.speakers.clone();
        let kb = kb.with_programme(&schedule);
        let recorded = kb
            .transcripts
            .iter()
            .map(|t| t.meta.session.as_deref().and_then(|id| schedule.sessions.iter().position(|s| s.id == id)))
            .collect();
        let directory = Directory::build(&kb, &schedule);
        let sessions_by_person = directory.sessions_by_person(&schedule);
        let sessions_by = SessionKeys::build(&schedule);
        let random_pool = RandomPool::build(&kb);
        let (kb, schedule) = (Arc::new(kb), Arc::new(schedule));
        Engine {
            index: KnowledgeIndex::new(kb.clone(), schedule.clone()),
            kb,
            document_speakers,
            schedule,
            directory,
            sessions_by_person,
            recorded,
            sessions_by,
            random_pool,
            quotes: memo::Memo::default(),
            titles: std::sync::OnceLock::new(),
            profiles: std::sync::OnceLock::new(),
            faq: Arc::new(Faq::default()),
            faq_index: std::sync::OnceLock::new(),
        }
    }

    /// Builds the index now rather than on the first search, and what
    /// typos are looked up in, so that no answer of a server waits for them.
    pub fn warm(&self) -> Result<&KnowledgeIndex, IndexError> {
        std::thread::scope(|scope| {
            scope.spawn(|| {
                self.directory.warm_typos();
                self.titles();
                self.profiles();
                self.faq_index();
                crate::lexicon::wordnet::warm();
            });
            self.index.warm()
        })?;
        Ok(&self.index)
    }

    /// Why a part of the index could not be built, if one was tried and
    /// failed; never builds anything.
    pub fn index_error(&self) -> Option<&IndexError> {
        self.index.error()
    }

    pub fn knowledge(&self) -> &KnowledgeBase {
        &self.kb
    }

    /// What is known of each person of the [`Directory`]: their role,
    /// organisations, where they are based and from.
    pub fn profiles(&self) -> &Profiles {
        self.profiles.get_or_init(|| Profiles::build(&self.kb, &self.schedule, &self.directory))
    }

    /// The organisers' FAQ the engine answers from.
    pub fn faq(&self) -> &Faq {
        &self.faq
    }

    /// This engine answering from `faq` as well.
    pub fn with_faq(self, faq: Faq) -> Engine {
        Engine { faq: Arc::new(faq), faq_index: std::sync::OnceLock::new(), ..self }
    }

    pub(crate) fn faq_index(&self) -> &FaqIndex {
        self.faq_index.get_or_init(|| FaqIndex::build(&self.faq))
    }

    /// Everyone the engine can name.
    pub fn directory(&self) -> &Directory {
        &self.directory
    }

    pub fn schedule(&self) -> &Schedule {
        &self.schedule
    }

    /// The same knowledge with another programme; the index is rebuilt on
    /// first use, and the memo starts empty with the same capacity.
    pub fn with_schedule(&self, schedule: Schedule) -> Engine {
        let mut kb = KnowledgeBase::clone(&self.kb);
        kb.speakers.clone_from(&self.document_speakers);
        kb.spoken_in.truncate(kb.speakers.len());
        self.keeping_as_this(Engine::new(kb, schedule).with_faq(Faq::clone(&self.faq)))
    }

    /// Another knowledge base (more transcripts) with the same programme;
    /// the index is rebuilt on first use.
    pub fn with_knowledge(&self, kb: KnowledgeBase) -> Engine {
        self.keeping_as_this(Engine::new(kb, Schedule::clone(&self.schedule)).with_faq(Faq::clone(&self.faq)))
    }

    /// `engine`, keeping what this one keeps.
    fn keeping_as_this(&self, engine: Engine) -> Engine {
        let engine = Engine { quotes: memo::Memo::with_capacity(self.quotes.capacity()), ..engine };
        if self.index.keeps_words() { engine } else { engine.without_memo() }
    }

    /// This engine keeping no answers and no words' alternatives: every
    /// `/quote` on a topic is searched and every word of `/ask` looked up,
    /// which is what the engine benchmark measures them by.
    pub fn without_memo(self) -> Engine {
        let index = self.index.keeping_no_words();
        Engine { quotes: memo::Memo::with_capacity(0), index, ..self }
    }

    /// Parses a line of user input and answers it.
    pub fn answer_line(&self, line: &str, ctx: &Context) -> Reply {
        match command::parse(line) {
            Ok(cmd) => self.answer(&cmd, ctx),
            Err(e) => Reply::message(e.kind, Status::Invalid, e.message),
        }
    }

    /// Answers one command.
    pub fn answer(&self, cmd: &Command, ctx: &Context) -> Reply {
        let reply = match cmd {
            Command::Bio { speaker } => bio::answer(self, speaker),
            Command::Quote { topic: Some(topic), speaker } => self.quote_on(topic, speaker.as_deref(), 0, ctx),
            Command::Quote { topic: None, speaker } => self
                .with_index(CommandKind::Quote, |index| quote::answer(self, index, None, speaker.as_deref(), 0, ctx)),
            Command::Talks { query } => {
                self.with_index(CommandKind::Talks, |index| talks::answer(self, index, query.as_deref(), ctx))
            }
            Command::Ask { question } => self.ask(question, ctx, None),
            Command::Help { topic } => help::answer(topic.as_deref()),
            // Usage lives in the bot's store; an engine on its own has none to report.
            Command::Stats { .. } => Reply::message(
                CommandKind::Stats,
                Status::NotFound,
                "No usage log is kept here, so there are no statistics.",
            ),
            Command::Schedule(ScheduleCommand::Post { day }) => schedule::post(self, day.as_deref(), ctx),
            // Changing the programme needs the bot's schedule store; an engine on its own has none.
            Command::Schedule(_) => {
                Reply::message(CommandKind::Schedule, Status::Denied, "The programme cannot be changed here.")
            }
            // Each person's agenda is kept by the bot; an engine on its own keeps none.
            Command::Agenda(_) => Reply::message(
                CommandKind::Agenda,
                Status::Denied,
                "Agendas are kept in emcee's database, and there is none here.",
            ),
            Command::Faq(FaqCommand::Show { topic }) => faq::answer(self, topic.as_deref(), ctx),
            // The FAQ is stored by the bot; an engine on its own cannot keep one.
            Command::Faq(FaqCommand::Import { .. }) => {
                Reply::message(CommandKind::Faq, Status::Denied, "The FAQ cannot be replaced here.")
            }
            // Questions and votes are kept by the bot's store.
            Command::Qa(_) => Reply::message(
                CommandKind::Qa,
                Status::Error,
                "Questions for the speakers need a database, and this emcee runs without one.",
            ),
            // Transcripts are stored by the bot; an engine on its own cannot keep one.
            Command::Transcript(_) => {
                Reply::message(CommandKind::Transcript, Status::Denied, "Transcripts cannot be added here.")
            }
        };
        debug_assert_eq!(reply.command, cmd.kind());
        with_choices(reply, cmd)
    }

    /// Answers a question for `/ask`. `previous` is the person the asker's
    /// last question was about ([`Reply::about`]), whom "he", "she" or
    /// "they" in this one refers to.
    pub fn ask(&self, question: &str, ctx: &Context, previous: Option<&str>) -> Reply {
        let previous = previous.and_then(|name| self.directory.exact(name));
        self.with_index(CommandKind::Ask, |index| ask::answer(self, index, question, ctx, previous))
    }

    /// [`ask`](Self::ask) with the best answer the knowledge base found and
    /// its score, whether or not it was sure enough to give it: what the
    /// threshold is set by.
    pub fn consider(&self, question: &str, ctx: &Context, previous: Option<&str>) -> Considered {
        let previous = previous.and_then(|name| self.directory.exact(name));
        ask::consider(self, &self.index, question, ctx, previous)
    }

    /// The programme's title words, rooms and tracks, built on first use.
    fn titles(&self) -> &ask::titles::Titles {
        self.titles.get_or_init(|| ask::titles::Titles::build(&self.schedule))
    }

    /// Another answer to a `/quote` already answered `shown` times: the next
    /// best match for a topic, a fresh random pick without one. Any other
    /// command is answered as usual.
    pub fn another(&self, cmd: &Command, shown: usize, ctx: &Context) -> Reply {
        match cmd {
            Command::Quote { topic: Some(topic), speaker } => self.quote_on(topic, speaker.as_deref(), shown, ctx),
            _ => self.answer(cmd, ctx),
        }
    }

    /// The `nth` best quote on `topic`: searched once, then kept (see [`memo`]).
    fn quote_on(&self, topic: &str, speaker: Option<&str>, nth: usize, ctx: &Context) -> Reply {
        let key = (topic.to_string(), speaker.map(str::to_string), nth);
        self.quotes.get_or(key, || {
            self.with_index(CommandKind::Quote, |index| quote::answer(self, index, Some(topic), speaker, nth, ctx))
        })
    }

    /// Answers with the index; an answer that found nothing because a part
    /// of the index failed to build is an internal error, not a "not found".
    fn with_index(&self, kind: CommandKind, f: impl FnOnce(&KnowledgeIndex) -> Reply) -> Reply {
        let reply = f(&self.index);
        match self.index.error() {
            Some(_) if reply.status != Status::Ok => Reply::message(kind, Status::Error, INTERNAL_ERROR),
            _ => reply,
        }
    }

    /// Resolves a speaker name for a command, or the reply that says why not.
    fn resolve_person(&self, kind: CommandKind, query: &str) -> Result<usize, Box<Reply>> {
        match self.directory.resolve(query) {
            Resolution::One(person) => Ok(person),
            Resolution::Many(people) => {
                let mut names: Vec<String> = people.iter().map(|&p| self.directory.people[p].name.clone()).collect();
                names.sort();
                let mut reply =
                    Reply::message(kind, Status::Ambiguous, format!("“{query}” could be several people. Which one?"));
                reply.suggestions = names;
                Err(Box::new(reply))
            }
            Resolution::None => {
                let closest = self.directory.closest(query, 3);
                let mut reply =
                    Reply::message(kind, Status::NotFound, format!("I don't know a speaker called “{query}”."));
                reply.suggestions = closest.iter().map(|&p| self.directory.people[p].name.clone()).collect();
                Err(Box::new(reply))
            }
        }
    }

    /// A schedule session as a reply lists it.
    pub(crate) fn session_item(&self, session: &Session) -> SessionItem {
        SessionItem {
            id: session.id.clone(),
            title: session.title.clone(),
            start: session.start,
            end: session.end,
            room: session.room.clone(),
            speakers: session.speakers.clone(),
            track: session.track.clone(),
            url: session.url.clone(),
            recording: self.recording_of(session),
            note: None,
            asking: false,
        }
    }

    /// Where a session's recording is: the programme's link, else that of a
    /// transcript recording it.
    fn recording_of(&self, session: &Session) -> Option<String> {
        session.recording.clone().or_else(|| {
            // Over the transcripts, which are few, not the programme's sessions.
            let sessions = &self.schedule.sessions;
            let transcript =
                self.recorded.iter().position(|r| r.is_some_and(|i| std::ptr::eq(&sessions[i], session)))?;
            self.kb.transcripts[transcript].recording().map(str::to_string)
        })
    }

    /// The schedule as a source.
    pub(crate) fn schedule_source(&self) -> Source {
        Source {
            kind: SourceKind::Schedule,
            title: self.schedule.conference.title.clone(),
            speaker: None,
            at: None,
            url: None,
        }
    }

    /// The session a transcript is the recording of.
    pub(crate) fn recorded_session(&self, transcript: usize) -> Option<&Session> {
        self.recorded.get(transcript).copied().flatten().and_then(|s| self.schedule.sessions.get(s))
    }

    /// What a transcript is cited as: its title, else the title of the
    /// session it records, else its file's name.
    pub(crate) fn transcript_title(&self, transcript: usize) -> &str {
        let t = &self.kb.transcripts[transcript];
        match self.recorded_session(transcript) {
            Some(session) if t.untitled => &session.title,
            _ => t.title(),
        }
    }

    /// A link to the moment of the recording a quote was said at.
    pub(crate) fn moment_url(&self, quote: &crate::kb::Quote) -> Option<String> {
        let meta = &self.kb.transcripts[quote.transcript].meta;
        let session = self.recorded_session(quote.transcript);
        let recording = meta.recording.as_deref().or_else(|| session.and_then(|s| s.recording.as_deref()));
        let page = meta.url.as_deref().or_else(|| session.and_then(|s| s.url.as_deref()));
        crate::kb::transcript::link_to(recording, page, quote.at)
    }

    /// The sessions a person of the directory speaks in.
    fn sessions_of(&self, person: usize) -> Vec<&Session> {
        self.sessions_by_person
            .get(person)
            .into_iter()
            .flatten()
            .filter_map(|&i| self.schedule.sessions.get(i))
            .collect()
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    pub(crate) use crate::seed::engine as seed_engine;

    /// Keynote morning of the sample conference, 09:30 in Copenhagen.
    pub(crate) fn keynote_morning() -> Context {
        Context { now: "2022-11-01T08:30:00Z".parse().unwrap(), seed: 7 }
    }

    /// The reply as the terminal shows it, with its status, for snapshots.
    pub(crate) fn show(engine: &Engine, line: &str, ctx: &Context) -> String {
        let reply = engine.answer_line(line, ctx);
        format!(
            "[{}]\n{}",
            reply.status.as_str(),
            crate::render::plain_text(&reply, crate::render::Marks { open: "*", close: "*" })
        )
    }
}
