//! The organisers' `/schedule` commands: an import, an added or cancelled
//! session, replacing the stored programme in one transaction and the
//! engine with it; `/schedule post` is the engine's.

use emcee_core::command::{Command, CommandKind, ScheduleCommand};
use emcee_core::engine::schedule as schedule_replies;
use emcee_core::reply::Status;
use emcee_core::{Context, Reply};

use super::Dispatcher;
use crate::programme::{self, ProgrammeError};

/// What an organiser is told when the database fails a change.
const NOT_CHANGED: &str = "The schedule database is not answering; nothing was changed.";

impl Dispatcher {
    /// `/schedule …`: organisers only. `post` is answered by the engine;
    /// Changes the programme; `file` is an uploaded schedule for an import.
    /// `import`, `add` and `cancel` start from the stored programme (which
    /// another process may have changed), replace it in one transaction and
    /// reload the engine.
    pub(super) async fn change_schedule_to(&self, change: ScheduleCommand, file: Option<(&str, &[u8])>) -> Reply {
        let engine = self.engine();
        let Some(usage) = (match change {
            ScheduleCommand::Post { .. } => None,
            _ => self.usage.as_ref(),
        }) else {
            return engine.answer(&Command::Schedule(change), &Context { now: self.clock.now(), seed: 0 });
        };
        let stored = match usage.store.load_schedule().await {
            Ok(Some((schedule, _))) => schedule,
            Ok(None) => engine.schedule().clone(),
            Err(error) => {
                return super::failed(CommandKind::Schedule, "reading the programme", &error, NOT_CHANGED);
            }
        };
        let current = &stored;
        let zone = current.conference.time_zone.clone();
        let (next, source) = match change {
            ScheduleCommand::Import { source } => {
                // Never the replaced programme's zone or name (an upload of another conference's file would take them).
                let options = programme::options(self.time_zone.as_ref(), None);
                let parsed = match file {
                    Some((name, bytes)) => programme::parse(bytes, name, &options, false),
                    None if !programme::is_address(&source) => Err(ProgrammeError::NotAnAddress),
                    None => match programme::fetch(&self.fetcher, &source).await {
                        Ok(bytes) => programme::parse(&bytes, &source, &options, false),
                        Err(error) => Err(error),
                    },
                };
                match parsed {
                    Ok(imported) => (imported.schedule, source),
                    Err(error) => return refused(&error),
                }
            }
            ScheduleCommand::Add { fields } => match schedule_replies::new_session(&fields, &zone) {
                Ok(session) => {
                    let mut next = current.clone();
                    next.sessions.retain(|s| s.id != session.id);
                    next.sessions.push(session);
                    let added = emcee_core::Schedule::new(next.conference, next.sessions)
                        .with_speakers(next.speakers)
                        .with_rooms(next.rooms);
                    // Refused here, as an import is, rather than by the database.
                    if let Err(error) = emcee_core::schedule::check_storable(&added, &[]) {
                        return Reply::message(CommandKind::Schedule, Status::Invalid, format!("{error}."));
                    }
                    (added, String::from("/schedule add"))
                }
                Err(error) => return Reply::message(CommandKind::Schedule, Status::Invalid, error.to_string()),
            },
            ScheduleCommand::Cancel { session } => match schedule_replies::find_session(current, &session) {
                Ok(found) => {
                    let mut next = current.clone();
                    let id = found.id.clone();
                    next.sessions.retain(|s| s.id != id);
                    (next, String::from("/schedule cancel"))
                }
                Err(reply) => return *reply,
            },
            post @ ScheduleCommand::Post { .. } => {
                return engine.answer(&Command::Schedule(post), &Context { now: self.clock.now(), seed: 0 });
            }
        };
        match usage.store.replace_schedule(&next, &source, jiff::Timestamp::now()).await {
            Ok(applied) => {
                if &next != engine.schedule() {
                    self.replace_engine(engine.with_schedule(next));
                }
                schedule_replies::change_reply(applied.version, &applied.changes, &zone)
            }
            Err(error) => super::failed(CommandKind::Schedule, "changing the programme", &error, NOT_CHANGED),
        }
    }
}

/// The reply to an organiser whose programme could not be fetched or read:
/// the one place such a failure becomes chat text.
fn refused(error: &ProgrammeError) -> Reply {
    // A message that starts with an address keeps it as written.
    let mut text = error.to_string();
    if let Some(first) = text.get(..1)
        && !programme::is_address(&text)
    {
        text.replace_range(..1, &first.to_uppercase());
    }
    if error.needs_zone() {
        text.push_str("; the operator sets the conference's zone with EMCEE_TIME_ZONE");
    }
    text.push('.');
    Reply::message(CommandKind::Schedule, Status::Invalid, text)
}
