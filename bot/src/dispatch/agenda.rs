//! `/agenda`: each person's favourites, reminder lead and calendar feed,
//! kept in the store under the platform's user id; the engine finds the
//! session a person names and lays their agenda out.

use emcee_core::command::{AgendaCommand, Command, CommandKind};
use emcee_core::engine::agenda::AGENDA_MOST;
use emcee_core::reply::Status;
use emcee_core::{Context, Reply};

use super::{Dispatcher, Origin};
use crate::store::Person;
use crate::usage::key::feed_hash;

/// What `/agenda` needs besides the store.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AgendaSettings {
    /// Where `emcee serve` is reached from outside (`https://emcee.example.org`),
    /// for the feed's address; `None`: no feed can be offered.
    pub public_url: Option<String>,
    /// Minutes before a session its reminder goes out, for whoever set none.
    pub remind_minutes: u32,
}

/// How long `/agenda forget` waits for the usage log to store what it has
/// queued: a batch lingers for milliseconds; more is a database in trouble.
const SETTLE_WITHIN: std::time::Duration = std::time::Duration::from_secs(2);

/// The person an origin is.
pub fn person(origin: &Origin) -> Person {
    Person::new(origin.platform.as_str(), &origin.user)
}

/// `s` for more than one.
fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

impl Dispatcher {
    /// `/agenda …` for the person `origin` is.
    pub(super) async fn agenda(&self, origin: &Origin, command: AgendaCommand) -> Reply {
        let engine = self.engine();
        let now = self.clock.now();
        let Some(usage) = &self.usage else {
            return engine.answer(&Command::Agenda(command), &Context { now, seed: 0 });
        };
        let (store, me) = (&usage.store, person(origin));
        let result: anyhow::Result<Reply> = async {
            self.migrated.get_or_try_init(|| store.migrate()).await?;
            Ok(match command {
                AgendaCommand::Show => {
                    let ids = store.favourites(&me).await?;
                    let gone = store.cancelled_sessions().await?;
                    // A full agenda takes a millisecond or two to lay out: not on the async workers.
                    let (drawn, empty) = (engine.clone(), ids.is_empty());
                    let mut reply = tokio::task::spawn_blocking(move || drawn.agenda(&ids, &gone, now)).await?;
                    if !empty {
                        let minutes = store.preferences(&me).await?.remind_minutes;
                        reply = reply.field("Reminders", self.reminders_text(minutes));
                    }
                    reply
                }
                AgendaCommand::Add { session } => {
                    let found = match engine.find_session(&session, "add") {
                        Ok(found) => found,
                        Err(reply) => return Ok(*reply),
                    };
                    let added = store.add_favourite(&me, &found.id, jiff::Timestamp::now(), AGENDA_MOST).await?;
                    let mine = store.favourites(&me).await?;
                    let mut reply = Reply::new(CommandKind::Agenda, Status::Ok);
                    reply.body = if added {
                        format!("Added “{}” to your agenda.", found.title)
                    } else if mine.contains(&found.id) {
                        format!("“{}” was already in your agenda.", found.title)
                    } else {
                        return Ok(Reply::message(
                            CommandKind::Agenda,
                            Status::Invalid,
                            format!(
                                "Your agenda is full: it holds {} sessions, the most one can. Remove one with \
                                 `/agenda remove <title>` to add “{}”.",
                                mine.len(),
                                found.title
                            ),
                        ));
                    };
                    let clashes = engine.clashing_with(found, &mine);
                    if !clashes.is_empty() {
                        reply.body.push_str(&format!(" It clashes with “{}”.", clashes.join("”, “")));
                    }
                    let minutes = store.preferences(&me).await?.remind_minutes;
                    reply.body.push_str(&format!(" {}", self.reminders_text(minutes)));
                    reply.sessions.push(engine.agenda_item(found));
                    reply.time_zone = Some(engine.schedule().conference.time_zone.clone());
                    reply.result_count = 1;
                    reply
                }
                AgendaCommand::Remove { session } => {
                    let mine = store.favourites(&me).await?;
                    // A cancelled session is no longer in the programme: removed by its id.
                    let id = match mine.iter().find(|id| **id == session.trim()) {
                        Some(id) => id.clone(),
                        None => match engine.find_session(&session, "remove") {
                            Ok(found) => found.id.clone(),
                            Err(reply) => return Ok(*reply),
                        },
                    };
                    let title = engine
                        .schedule()
                        .sessions
                        .iter()
                        .find(|s| s.id == id)
                        .map_or_else(|| id.clone(), |s| s.title.clone());
                    if store.remove_favourite(&me, &id, jiff::Timestamp::now()).await? {
                        Reply::message(CommandKind::Agenda, Status::Ok, format!("Removed “{title}” from your agenda."))
                    } else {
                        Reply::message(
                            CommandKind::Agenda,
                            Status::NotFound,
                            format!("“{title}” is not in your agenda."),
                        )
                    }
                }
                AgendaCommand::Remind { minutes } => {
                    store.set_remind_minutes(&me, minutes.unwrap_or(0)).await?;
                    let text = match minutes {
                        Some(m) => format!(
                            "You will get a direct message {m} minute{} before each session of your agenda.",
                            plural(m as usize)
                        ),
                        None => String::from("No more reminders: turn them on again with `/agenda remind 10`."),
                    };
                    Reply::message(CommandKind::Agenda, Status::Ok, text)
                }
                AgendaCommand::Feed { reset } => {
                    let Some(base) = &self.agenda.public_url else {
                        return Ok(Reply::message(
                            CommandKind::Agenda,
                            Status::Error,
                            "This emcee has no public address to give a calendar from: its operator sets \
                             EMCEE_PUBLIC_URL.",
                        ));
                    };
                    let current = store.preferences(&me).await?.feed_nonce;
                    let token = match current {
                        Some(nonce) if !reset => usage.keyer.feed_token(&me.platform, &me.user, &nonce),
                        _ => {
                            let mut bytes = [0u8; 16];
                            getrandom::fill(&mut bytes)
                                .map_err(|e| anyhow::anyhow!("no randomness for a feed: {e}"))?;
                            let nonce = crate::hex::encode(&bytes);
                            let token = usage.keyer.feed_token(&me.platform, &me.user, &nonce);
                            if store.set_feed(&me, &nonce, &feed_hash(&token), current.as_deref()).await? {
                                token
                            } else {
                                // Another request of theirs made one first: that one is the feed.
                                let theirs = store.preferences(&me).await?.feed_nonce;
                                let nonce = theirs.ok_or_else(|| anyhow::anyhow!("a feed was made and is gone"))?;
                                usage.keyer.feed_token(&me.platform, &me.user, &nonce)
                            }
                        }
                    };
                    let url = format!("{}/agenda/{token}.ics", base.trim_end_matches('/'));
                    let mut reply = Reply::new(CommandKind::Agenda, Status::Ok);
                    reply.title = Some(String::from("Your agenda as a calendar"));
                    reply.body = format!(
                        "{}Subscribe to this address in Google Calendar, Apple Calendar or Thunderbird; it follows \
                         your agenda and every change to its sessions. Anyone with it can read your agenda, so keep \
                         it to yourself; `/agenda feed reset` makes a new one and stops this one.\n\n{url}",
                        if reset { "The old address no longer works. " } else { "" }
                    );
                    reply
                }
                AgendaCommand::Forget => {
                    let favourites = store.forget_agenda(&me).await?;
                    // What this replica has queued of theirs is stored first, so that it goes too.
                    if !usage.log.settle(SETTLE_WITHIN).await {
                        tracing::warn!("forgetting a person's commands while older ones still wait to be stored");
                    }
                    // The usage log keys rows by the person as it was when they
                    // were logged: the id as the platform sent it.
                    store.forget(&usage.keyer.key(origin.platform.as_str(), &origin.user)).await?;
                    Reply::message(
                        CommandKind::Agenda,
                        Status::Ok,
                        format!(
                            "Forgotten: your {favourites} favourite{}, your reminder setting, your calendar \
                             address (which no longer works), your commands in the usage log, and your votes \
                             and name on questions for the speakers. Your next \
                             `/agenda add` starts a new agenda; this command is logged as every one is.",
                            plural(favourites as usize)
                        ),
                    )
                }
            })
        }
        .await;
        result.unwrap_or_else(|error| {
            super::failed(
                CommandKind::Agenda,
                "an agenda command",
                &error,
                "Your agenda cannot be reached just now; try again soon.",
            )
        })
    }

    /// When a person with this setting is reminded.
    fn reminders_text(&self, minutes: Option<u32>) -> String {
        match minutes.unwrap_or(self.agenda.remind_minutes) {
            0 => String::from("Reminders are off (`/agenda remind 10` turns them on)."),
            m => format!(
                "You get a direct message {m} minute{} before each session (`/agenda remind` changes it).",
                plural(m as usize)
            ),
        }
    }
}

/// A calendar feed, with what conditional requests are answered by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Feed {
    pub body: String,
    /// A strong validator: the body's SHA-256, quoted.
    pub etag: String,
    pub last_modified: jiff::Timestamp,
}

impl Dispatcher {
    /// The whole programme as a calendar (`token` `None`), or the agenda
    /// of the person whose feed `token` is; `Ok(None)` for a token that is
    /// no one's (never was, or was reset or forgotten).
    pub async fn feed(&self, token: Option<&str>) -> anyhow::Result<Option<Feed>> {
        let Some(usage) = &self.usage else { anyhow::bail!("feeds need the database, and there is none") };
        let store = &usage.store;
        self.migrated.get_or_try_init(|| store.migrate()).await?;
        let (person, changed) = match token {
            None => (None, jiff::Timestamp::UNIX_EPOCH),
            Some(token) => match store.feed_owner(&feed_hash(token)).await? {
                Some((person, changed)) => (Some(person), changed),
                None => return Ok(None),
            },
        };
        let history = store.feed_history().await?;
        let schedule = match store.load_schedule().await? {
            Some((schedule, _)) => schedule,
            None => self.engine().schedule().clone(),
        };
        let ids = match &person {
            Some(person) => Some(store.favourites(person).await?),
            None => None,
        };
        let stamp = history.updated_at.max(changed);
        let name = match &person {
            Some(_) => format!("My agenda · {}", schedule.conference.title),
            None => schedule.conference.title.clone(),
        };
        let calendar = emcee_core::schedule::Calendar {
            name: &name,
            stamp,
            sequences: &history.sequences,
            cancelled: &history.cancelled,
            only: ids.as_deref(),
        };
        let body = emcee_core::schedule::calendar_ics(&schedule, &calendar);
        let etag = {
            use sha2::Digest;
            format!("\"{}\"", crate::hex::encode(&sha2::Sha256::digest(body.as_bytes())[..16]))
        };
        Ok(Some(Feed { body, etag, last_modified: stamp }))
    }
}
