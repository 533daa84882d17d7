//! `/qa`: audience questions for a session's speakers, kept in the store
//! (asked once per session, one vote per person, organisers' marks), with
//! the engine saying which session a channel asks and how a question and
//! the host's list read.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use emcee_core::command::{CommandKind, QaCommand, QaMark};
use emcee_core::engine::qa::{self, Window};
use emcee_core::reply::Status;
use emcee_core::{Context, Reply};

use super::{Dispatcher, Origin, Pending, Platform};
use crate::store::{QaAsk, QaAsked, storable};

/// A platform's channels, where audience questions are posted for
/// everyone to vote on: a message of the bot's own, so that it names no
/// one who did not choose to be named (a command's own reply shows who ran
/// it), and one the bot can change and take down.
pub trait QaBoard: Send + Sync {
    /// Posts `question` (a [`post`](Reply::post) with its **Upvote**) in
    /// `channel`; returns the platform's id of the message.
    fn post<'a>(&'a self, channel: &'a str, question: &'a Reply) -> Pending<'a, String>;
    /// Shows the question posted as `message` as it now stands.
    fn update<'a>(&'a self, channel: &'a str, message: &'a str, question: &'a Reply) -> Pending<'a, ()>;
    /// Takes the post down.
    fn delete<'a>(&'a self, channel: &'a str, message: &'a str) -> Pending<'a, ()>;
}

/// The boards the adapters registered, by platform, and the questions
/// whose posts wait to show their votes anew ([`SETTLE`]).
#[derive(Default, Clone)]
pub(super) struct Boards {
    boards: Arc<RwLock<HashMap<Platform, Arc<dyn QaBoard>>>>,
    settling: Arc<Mutex<HashSet<i64>>>,
    /// The end-of-session lists this replica failed to post, by session,
    /// platform and channel: how many times ([`WRAP_UP_TRIES`]).
    failed: Arc<Mutex<HashMap<ListKey, u32>>>,
}

/// A session's list in one channel: session id, platform and channel.
type ListKey = (String, String, String);

impl Boards {
    fn get(&self, platform: Platform) -> Option<Arc<dyn QaBoard>> {
        self.boards.read().unwrap_or_else(|poisoned| poisoned.into_inner()).get(&platform).cloned()
    }

    /// The board of a platform as the store names it.
    fn named(&self, platform: &str) -> Option<Arc<dyn QaBoard>> {
        <Platform as clap::ValueEnum>::from_str(platform, false).ok().and_then(|p| self.get(p))
    }

    /// Marks question `id` as waiting to be shown anew; `false` when it
    /// already is, or when there is no post to show it on.
    fn settle(&self, id: i64) -> bool {
        !self.is_empty() && self.settling.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).insert(id)
    }

    /// Whether no platform posts questions (no bot token, the terminal).
    fn is_empty(&self) -> bool {
        self.boards.read().unwrap_or_else(|poisoned| poisoned.into_inner()).is_empty()
    }

    /// Counts one more failure to post a session's list in a channel: how many so far.
    fn failed_list(&self, session: &str, platform: &str, channel: &str) -> u32 {
        let mut failed = self.failed.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let tries = failed.entry((session.to_string(), platform.to_string(), channel.to_string())).or_default();
        *tries += 1;
        *tries
    }

    fn settled(&self, id: i64) {
        self.settling.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).remove(&id);
    }
}

/// How long a question's post waits after a vote cast anywhere but its
/// own **Upvote** (whose reply replaces the post with the count, at no
/// cost in rate limits) before it shows the count anew, with every vote
/// cast meanwhile: such votes cost a question's post at most one update
/// (`chat.update`, a message edit) per interval on each replica. Typed
/// votes are few beside presses, and the clients' rate control (serenity's
/// buckets, slack-morphism's tiers) queues any excess. Two seconds: the
/// voter sees their own vote at once in their reply.
const SETTLE: Duration = Duration::from_secs(2);

/// Questions one person may ask in [`PER_WINDOW`]: enough for anyone
/// following a talk closely, too few for a flood.
const PER_PERSON: u32 = 5;
const PER_WINDOW: Duration = Duration::from_secs(10 * 60);

/// How long a `/qa` command waits for the database: within the three
/// seconds Slack and Discord give a reply, with time left to send it.
const STORE_BUDGET: Duration = Duration::from_secs(2);

/// `s` for more than one.
fn plural(n: i64) -> &'static str {
    if n == 1 { "" } else { "s" }
}

impl Dispatcher {
    /// Posts the audience questions asked on `platform` through `board`.
    pub fn add_qa_board(&self, platform: Platform, board: Arc<dyn QaBoard>) {
        self.boards.boards.write().unwrap_or_else(|poisoned| poisoned.into_inner()).insert(platform, board);
    }

    /// How long after a session ends its questions close.
    pub fn with_qa_closes_after(self, after: jiff::SignedDuration) -> Dispatcher {
        Dispatcher { qa_window: Window { after }, ..self }
    }

    /// `/qa …` from `origin`.
    pub(super) async fn qa(&self, origin: &Origin, command: QaCommand) -> Reply {
        let engine = self.engine();
        // Sessions are asked about at the bot's time (EMCEE_NOW when pinned);
        // questions and votes are stamped, limited and aged in real time, as usage is.
        let (now, real) = (self.clock.now(), jiff::Timestamp::now());
        let Some(usage) = &self.usage else {
            return engine.answer(&emcee_core::Command::Qa(command), &Context { now, seed: 0 });
        };
        let (store, window) = (&usage.store, self.qa_window);
        let me = usage.keyer.key(origin.platform.as_str(), &origin.user);
        let (platform, workspace, channel) = (origin.platform.as_str(), &origin.workspace, &origin.channel);
        // The channel's room, when no session is named.
        let room_of = |named: &Option<String>| {
            let named = named.is_some();
            async move {
                match named {
                    true => anyhow::Ok(None),
                    false => store.qa_room(platform, workspace, channel).await,
                }
            }
        };
        let result: anyhow::Result<Reply> = tokio::time::timeout(STORE_BUDGET, async {
            self.migrated.get_or_try_init(|| store.migrate()).await?;
            Ok(match command {
                QaCommand::Ask { question, session, named } => {
                    if let Some(refused) = qa::refusal(&question) {
                        return Ok(Reply::message(CommandKind::Qa, Status::Invalid, refused));
                    }
                    if origin.in_direct_messages() {
                        let text = "Ask in a channel, where everyone can see your question and vote on it: a \
                                    direct message with me is yours alone.";
                        return Ok(Reply::message(CommandKind::Qa, Status::Invalid, text));
                    }
                    let room = room_of(&session).await?;
                    let session = match engine.qa_session(session.as_deref(), room.as_deref(), now, window, true) {
                        Ok(session) => session,
                        Err(reply) => return Ok(*reply),
                    };
                    let text = storable(question.trim());
                    let folded = emcee_core::text::fold(&text);
                    let ask = QaAsk {
                        platform,
                        workspace,
                        channel,
                        session_id: &session.id,
                        question: &text,
                        folded: &folded,
                        user_key: &me,
                        asker: named.then_some(origin.user.as_str()),
                        now: real.as_second(),
                        per_person: PER_PERSON,
                        per_window: PER_WINDOW.as_secs() as i64,
                    };
                    match store.ask_qa(&ask).await? {
                        QaAsked::New(question) => {
                            let card = engine.qa_question(&question, Some(session));
                            match self.boards.get(origin.platform) {
                                Some(board) => {
                                    self.post_question(board, channel.clone(), question.id, card);
                                    Reply::message(
                                        CommandKind::Qa,
                                        Status::Ok,
                                        format!(
                                            "Your question for “{}” is posted here as question {}, {}, for everyone \
                                             to vote on.",
                                            session.title,
                                            question.id,
                                            if named { "with your name" } else { "without your name" }
                                        ),
                                    )
                                }
                                // Nowhere to post it (the terminal): the question itself, seen by its asker.
                                None => Reply { post: false, ..card },
                            }
                        }
                        QaAsked::Existing(question) if question.removed || question.hidden => Reply::message(
                            CommandKind::Qa,
                            Status::Invalid,
                            format!(
                                "This was asked already, as question {}, and the organisers took it down.",
                                question.id
                            ),
                        ),
                        QaAsked::Existing(question) => {
                            self.show_votes_later(question.id);
                            Reply::message(
                                CommandKind::Qa,
                                Status::Ok,
                                format!(
                                    "This was asked already, as question {}, and your vote is on it: {} vote{}.",
                                    question.id,
                                    question.votes,
                                    plural(question.votes)
                                ),
                            )
                        }
                        QaAsked::Limited => Reply::message(
                            CommandKind::Qa,
                            Status::Invalid,
                            format!(
                                "You have asked {PER_PERSON} questions in the last {} minutes, as many as one may; \
                                 upvote the others' questions meanwhile.",
                                PER_WINDOW.as_secs() / 60
                            ),
                        ),
                    }
                }
                QaCommand::Top { session } => {
                    let room = room_of(&session).await?;
                    let session = match engine.qa_session(session.as_deref(), room.as_deref(), now, window, false) {
                        Ok(session) => session,
                        Err(reply) => return Ok(*reply),
                    };
                    let questions = store.qa_questions(&session.id).await?;
                    engine.qa_top(session, &questions, real)
                }
                QaCommand::Vote { id, pressed } => {
                    let Some(question) = store.qa_question(id).await? else {
                        return Ok(no_question(id));
                    };
                    let session = session_of(&engine, &question);
                    // A question taken down takes no votes: its post says so.
                    if question.removed || question.hidden {
                        return Ok(self.card(&engine, &question, session, origin));
                    }
                    // A session the programme no longer holds (not found) still takes votes.
                    if let Err(closed) = engine.qa_session(Some(&question.session_id), None, now, window, true)
                        && closed.status == Status::Invalid
                    {
                        let text = format!("Votes are no longer taken: {}", closed.body);
                        return Ok(Reply::message(CommandKind::Qa, Status::Invalid, text));
                    }
                    match store.vote_qa(id, &me, real.as_second()).await? {
                        Some(question) => {
                            // A press's own reply replaces the post; any other vote reaches it later.
                            if !pressed {
                                self.show_votes_later(id);
                            }
                            self.card(&engine, &question, session, origin)
                        }
                        None => no_question(id),
                    }
                }
                QaCommand::Mark { id, mark } => {
                    if !origin.organiser {
                        let Some(question) = store.qa_question(id).await? else {
                            return Ok(no_question(id));
                        };
                        let theirs = store.qa_speakers_of(&me).await?;
                        let session = session_of(&engine, &question);
                        let speaks = session.is_some_and(|s| theirs.iter().any(|p| engine.qa_speaks_in(p, s)));
                        if mark == QaMark::Removed || !speaks {
                            let title = session.map_or("its session", |s| s.title.as_str());
                            return Ok(Reply::message(
                                CommandKind::Qa,
                                Status::Denied,
                                format!(
                                    "Only organisers and the speakers of “{title}” can mark its questions; an \
                                     organiser links a speaker's account to them with `/qa speaker`."
                                ),
                            ));
                        }
                    }
                    let Some(question) = store.mark_qa(id, mark, &me, real.as_second()).await? else {
                        return Ok(no_question(id));
                    };
                    self.repost(&engine, &question, store.qa_post(id).await?);
                    let done = match mark {
                        QaMark::Answered => "marked answered",
                        QaMark::Hidden => "hidden from the list; it is kept",
                        QaMark::Pinned if question.pinned => "pinned above the others",
                        QaMark::Pinned => "no longer pinned",
                        QaMark::Removed => "removed",
                    };
                    Reply::message(CommandKind::Qa, Status::Ok, format!("Question {id} is {done}: “{}”", question.text))
                }
                QaCommand::Speaker { speaker, account } => {
                    if origin.platform == Platform::Terminal {
                        let text = "Link a speaker's account on the platform it is on, Slack or Discord: an account \
                                    is one platform's.";
                        return Ok(Reply::message(CommandKind::Qa, Status::Invalid, text));
                    }
                    let person = match (engine.qa_speaker(&speaker), &account) {
                        (Ok(person), _) => person,
                        // One who no longer speaks (a session cancelled) can still be unlinked.
                        (Err(_), None) => speaker.trim().to_string(),
                        (Err(reply), Some(_)) => return Ok(*reply),
                    };
                    let Some(account) = account else {
                        let unlinked = store.unlink_qa_speaker(&person).await?;
                        let text = format!(
                            "{person} is linked to no account now ({unlinked} unlinked): only organisers mark the \
                             questions of their sessions."
                        );
                        return Ok(Reply::message(CommandKind::Qa, Status::Ok, text));
                    };
                    let id = match qa::account_id(&account) {
                        Ok(id) => id,
                        Err(why) => return Ok(Reply::message(CommandKind::Qa, Status::Invalid, why)),
                    };
                    store.link_qa_speaker(&usage.keyer.key(platform, &id), &person, &me, real.as_second()).await?;
                    let sessions =
                        engine.schedule().sessions.iter().filter(|s| engine.qa_speaks_in(&person, s)).count();
                    Reply::message(
                        CommandKind::Qa,
                        Status::Ok,
                        format!(
                            "That {} account now marks the questions of {person}'s {sessions} session{} as \
                             organisers do: `/qa answered`, `/qa hide` and `/qa pin`.",
                            origin.platform.display(),
                            plural(sessions as i64)
                        ),
                    )
                }
                QaCommand::Room { room } => match room {
                    Some(named) => {
                        let room = match engine.qa_room(&named) {
                            Ok(room) => room,
                            Err(reply) => return Ok(*reply),
                        };
                        store.set_qa_room(platform, workspace, channel, Some(&room)).await?;
                        Reply::message(
                            CommandKind::Qa,
                            Status::Ok,
                            format!(
                                "`/qa ask` in this channel now asks the session on in {room}, and `/qa top` lists \
                                 its questions."
                            ),
                        )
                    }
                    None => {
                        store.set_qa_room(platform, workspace, channel, None).await?;
                        Reply::message(
                            CommandKind::Qa,
                            Status::Ok,
                            "This channel is tied to no room now: questions here name their session.",
                        )
                    }
                },
            })
        })
        .await
        .unwrap_or_else(|_| Err(anyhow::anyhow!("no answer within {STORE_BUDGET:?}")));
        result.unwrap_or_else(|error| {
            super::failed(
                CommandKind::Qa,
                "an audience question command",
                &error,
                "The database is not answering, so nothing was asked, voted or changed; try again in a minute.",
            )
        })
    }
}

impl Dispatcher {
    /// `question` as its post shows it, to `origin`: named only to people
    /// of the platform its asker's id is on.
    fn card(
        &self,
        engine: &emcee_core::Engine,
        question: &qa::Question,
        session: Option<&emcee_core::schedule::Session>,
        origin: &Origin,
    ) -> Reply {
        let mut card = engine.qa_question(question, session);
        if question.platform != origin.platform.as_str() {
            card.asker = None;
        }
        card
    }

    /// Posts question `id` in `channel` in the background, and records
    /// where, so that organisers' marks can change it and take it down.
    fn post_question(&self, board: Arc<dyn QaBoard>, channel: String, id: i64, card: Reply) {
        let Some(store) = self.store() else { return };
        tokio::spawn(async move {
            let posted = async {
                let message = board.post(&channel, &card).await?;
                store.set_qa_post(id, &channel, &message).await
            };
            if let Err(error) = posted.await {
                tracing::warn!("posting audience question {id} failed: {error:#}");
            }
        });
    }

    /// Shows a question's post as the organisers' mark left it, in the
    /// background: taken down when removed or hidden, changed otherwise.
    fn repost(&self, engine: &emcee_core::Engine, question: &qa::Question, posted: Option<(String, String, String)>) {
        let Some((platform, channel, message)) = posted else { return };
        let Some(board) = self.boards.named(&platform) else { return };
        let session = session_of(engine, question);
        let card = engine.qa_question(question, session);
        let gone = question.removed || question.hidden;
        let id = question.id;
        tokio::spawn(async move {
            let done = match gone {
                true => board.delete(&channel, &message).await,
                false => board.update(&channel, &message, &card).await,
            };
            if let Err(error) = done {
                tracing::warn!("changing the post of audience question {id} failed: {error:#}");
            }
        });
    }
}

impl Dispatcher {
    /// Shows question `id`'s post with its votes after [`SETTLE`], once
    /// for all the votes cast by then outside the post (`/qa vote`, the
    /// same question asked again).
    fn show_votes_later(&self, id: i64) {
        let Some(store) = self.store() else { return };
        if !self.boards.settle(id) {
            return;
        }
        let (boards, engine) = (self.boards.clone(), self.engine());
        tokio::spawn(async move {
            tokio::time::sleep(SETTLE).await;
            // Votes from here on wait for the next update.
            boards.settled(id);
            let shown = async {
                let (Some(question), Some((platform, channel, message))) =
                    (store.qa_question(id).await?, store.qa_post(id).await?)
                else {
                    return anyhow::Ok(());
                };
                let Some(board) = boards.named(&platform) else { return Ok(()) };
                if question.removed || question.hidden {
                    return Ok(());
                }
                let session = session_of(&engine, &question);
                board.update(&channel, &message, &engine.qa_question(&question, session)).await
            };
            if let Err(error) = shown.await {
                tracing::warn!("showing the votes on audience question {id} failed: {error:#}");
            }
        });
    }
}

/// How often ended sessions are looked for, to post their questions for
/// the host: within half a minute of the end, while the host is still on stage.
pub const WRAP_UP_EVERY: Duration = Duration::from_secs(30);

/// How many times a replica tries to post one channel's list: a refusal
/// that lasts (the bot removed from the channel, the channel archived) is
/// not tried every half minute for an hour, while a brief outage of the
/// platform is ridden out.
const WRAP_UP_TRIES: u32 = 3;

/// How long after its end a session's list is still posted: a replica
/// started again after an outage catches up on the last hour's sessions,
/// and posts nothing older, which no host would read out.
const WRAP_UP_WITHIN: jiff::SignedDuration = jiff::SignedDuration::from_hours(1);

impl Dispatcher {
    /// Posts each session that has ended (by `now`, the bot's time) its
    /// questions in one message, in every channel they were posted in:
    /// once, whatever the replicas (each channel's list is claimed in the
    /// store); a list that could not be posted is given back and tried on
    /// this replica's next looks, [`WRAP_UP_TRIES`] in all. Returns how
    /// many were posted.
    pub async fn qa_wrap_up(&self, now: jiff::Timestamp) -> anyhow::Result<usize> {
        let Some(store) = self.store() else { return Ok(0) };
        if self.boards.is_empty() {
            return Ok(0);
        }
        self.migrated.get_or_try_init(|| store.migrate()).await?;
        let engine = self.engine();
        let since = now.saturating_sub(WRAP_UP_WITHIN).unwrap_or(now);
        let ended = engine.schedule().sessions.iter().filter(|s| since < s.end && s.end <= now);
        let mut posted = 0;
        for session in ended {
            // Once every channel's list is claimed, a session costs one small read a look.
            let channels = store.qa_unlisted_channels(&session.id).await?;
            if channels.is_empty() {
                continue;
            }
            let questions = store.qa_questions(&session.id).await?;
            let real = jiff::Timestamp::now();
            let summary = engine.qa_summary(session, &questions, real);
            // The list is the session's, across channels: one with every question hidden is not posted.
            let listed = !qa::listed(&questions).is_empty();
            for (platform, channel) in channels {
                let Some(board) = self.boards.named(&platform) else { continue };
                if !store.claim_qa_summary(&session.id, &platform, &channel, real.as_second()).await? || !listed {
                    continue;
                }
                let Err(error) = board.post(&channel, &summary).await else {
                    posted += 1;
                    continue;
                };
                let tries = self.boards.failed_list(&session.id, &platform, &channel);
                if tries < WRAP_UP_TRIES {
                    tracing::warn!(
                        "posting the questions of “{}” in {channel} failed ({tries} of {WRAP_UP_TRIES} tries): \
                         {error:#}",
                        session.title
                    );
                    store.release_qa_summary(&session.id, &platform, &channel).await?;
                } else {
                    tracing::error!(
                        "posting the questions of “{}” in {channel} failed {tries} times; given up, so the host \
                         reads them with `/qa top {}`: {error:#}",
                        session.title,
                        session.id
                    );
                }
            }
        }
        Ok(posted)
    }

    /// Looks for ended sessions every [`WRAP_UP_EVERY`] until `stop`.
    pub async fn qa_wrap_up_loop(&self, stop: impl std::future::Future<Output = ()>) {
        tokio::pin!(stop);
        let mut every = tokio::time::interval(WRAP_UP_EVERY);
        every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                _ = every.tick() => {}
                () = &mut stop => return,
            }
            if let Err(error) = self.qa_wrap_up(self.clock.now()).await {
                tracing::warn!("posting ended sessions' questions: {error:#}; trying again in {WRAP_UP_EVERY:?}");
            }
        }
    }
}

/// The programme's session `question` was asked of; `None` once the
/// programme no longer holds it.
fn session_of<'a>(
    engine: &'a emcee_core::Engine,
    question: &qa::Question,
) -> Option<&'a emcee_core::schedule::Session> {
    engine.schedule().sessions.iter().find(|s| s.id == question.session_id)
}

fn no_question(id: i64) -> Reply {
    Reply::message(CommandKind::Qa, Status::NotFound, format!("There is no question {id}."))
}
