//! `/schedule` for organisers. `post [day]` is answered here from the
//! programme; `import`, `add` and `cancel` change the stored programme, so
//! the bot carries them out, with the pure parts here: making a session
//! from `add`'s fields, finding the session `cancel` names, and the reply
//! that reports a change set.

use jiff::civil::Date;
use jiff::tz::TimeZone;

use super::{Context, Engine};
use crate::command::CommandKind;
use crate::reply::{Reply, Status};
use crate::schedule::changes::Change;
use crate::schedule::{Schedule, Session, TimeError, parse_hhmm};
use crate::text;

/// `/schedule post [day]`: the day's programme by room. Without a day:
/// today, or the next day with sessions.
pub(super) fn post(engine: &Engine, day: Option<&str>, ctx: &Context) -> Reply {
    let schedule = &engine.schedule;
    let zone = &schedule.conference.time_zone;
    let day_of = |s: &Session| s.start.to_zoned(zone.clone()).date();
    let today = ctx.now.to_zoned(zone.clone()).date();
    if let Some(refused) = day.and_then(super::talks::backwards_day) {
        return Reply::message(CommandKind::Schedule, Status::Invalid, refused);
    }
    let date = match day.map(str::trim).filter(|d| !d.is_empty()) {
        None => {
            let mut days: Vec<Date> = schedule.sessions.iter().map(day_of).filter(|d| *d >= today).collect();
            days.sort();
            match days.first() {
                Some(date) => *date,
                None => {
                    return Reply::message(
                        CommandKind::Schedule,
                        Status::NotFound,
                        "Nothing more is on the programme.",
                    );
                }
            }
        }
        Some(text) => match super::talks::day_of(&text::fold(text), today, &schedule.sessions, zone) {
            Some(date) => date,
            None => {
                return Reply::message(
                    CommandKind::Schedule,
                    Status::Invalid,
                    format!(
                        "“{text}” is not a day. Use today, tomorrow, a date such as 2022-11-01, a weekday or day 2."
                    ),
                );
            }
        },
    };
    let sessions: Vec<&Session> = schedule.sessions.iter().filter(|s| day_of(s) == date).collect();
    if sessions.is_empty() {
        return Reply::message(
            CommandKind::Schedule,
            Status::NotFound,
            format!("Nothing is on {}. {}", date.strftime("%A %-d %B"), engine.look_instead(date, "/schedule post"))
                .trim_end()
                .to_string(),
        );
    }
    let mut reply = Reply::new(CommandKind::Schedule, Status::Ok);
    reply.title = Some(format!("{} — {}", schedule.conference.title, date.strftime("%A %-d %B %Y")));
    let mut rooms: Vec<&str> = Vec::new();
    for s in &sessions {
        if !rooms.contains(&s.room.as_str()) {
            rooms.push(&s.room);
        }
    }
    for room in rooms {
        let lines: Vec<String> = sessions
            .iter()
            .filter(|s| s.room == room)
            .map(|s| {
                let span = format!(
                    "{}–{}",
                    s.start.to_zoned(zone.clone()).strftime("%H:%M"),
                    s.end.to_zoned(zone.clone()).strftime("%H:%M")
                );
                let who = if s.speakers.is_empty() { String::new() } else { format!(" — {}", s.speakers.join(", ")) };
                format!("{span} {}{who}", s.title)
            })
            .collect();
        reply = reply.field(if room.is_empty() { "Elsewhere" } else { room }, lines.join("\n"));
    }
    reply.body = format!("Times in {}.", schedule.conference.zone_name());
    reply.time_zone = Some(zone.clone());
    reply.sources.push(engine.schedule_source());
    reply.result_count = sessions.len();
    reply
}

/// The fields `/schedule add` reads.
const SESSION_FIELDS: &[&str] =
    &["id", "title", "start", "duration", "end", "room", "speakers", "track", "abstract", "url"];

/// Why `/schedule add`'s fields make no session; the message is for the organiser.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SessionError {
    #[error("`{0}` is not a session field; use {fields}.", fields = SESSION_FIELDS.join(", "))]
    UnknownField(String),
    #[error("`{0}=` is missing.")]
    Missing(&'static str),
    #[error("`duration=` (or `end=`) is missing.")]
    NoLength,
    #[error("duration `{0}` is not like 00:45.")]
    Duration(String),
    #[error("the session ends out of range.")]
    OutOfRange,
    #[error("the session must end after it starts.")]
    EndsBeforeStart,
    #[error(transparent)]
    Time(#[from] TimeError),
}

/// The session `/schedule add` describes: `title`, `start` (an instant with
/// offset, or a local time in the conference's zone), `duration` (`00:45`) or
/// `end`, `room`, and optionally `speakers` (`A; B`), `track`, `abstract`, `url`, `id`.
pub fn new_session(fields: &[(String, String)], zone: &TimeZone) -> Result<Session, SessionError> {
    if let Some((key, _)) = fields.iter().find(|(k, _)| !SESSION_FIELDS.contains(&k.as_str())) {
        return Err(SessionError::UnknownField(key.clone()));
    }
    let get = |key: &str| fields.iter().find(|(k, _)| k == key).map(|(_, v)| v.trim()).filter(|v| !v.is_empty());
    let need = |key: &'static str| get(key).ok_or(SessionError::Missing(key));
    let title = need("title")?.to_string();
    let start = crate::schedule::instant_in(need("start")?, Some(zone))?;
    let end = match (get("end"), get("duration")) {
        (Some(end), _) => crate::schedule::instant_in(end, Some(zone))?,
        (None, Some(length)) => {
            let length = parse_hhmm(length).ok_or_else(|| SessionError::Duration(length.to_string()))?;
            start.checked_add(length).map_err(|_| SessionError::OutOfRange)?
        }
        (None, None) => return Err(SessionError::NoLength),
    };
    if end <= start {
        return Err(SessionError::EndsBeforeStart);
    }
    let id =
        get("id").map(str::to_string).unwrap_or_else(|| format!("added-{}-{}", start.as_second(), text::slug(&title)));
    Ok(Session {
        id,
        title,
        subtitle: String::new(),
        abstract_text: get("abstract").unwrap_or("").to_string(),
        speakers: crate::schedule::written::people(get("speakers").unwrap_or("")).into_iter().map(|p| p.name).collect(),
        room: need("room")?.to_string(),
        track: get("track").map(str::to_string),
        kind: None,
        language: None,
        start,
        end,
        url: get("url").map(str::to_string),
        recording: get("recording").map(str::to_string),
    })
}

/// The session `/schedule cancel` names: by id, by exact title, or by the
/// only title containing the words; otherwise the reply saying why not.
pub fn find_session<'a>(schedule: &'a Schedule, what: &str) -> Result<&'a Session, Box<Reply>> {
    if let Some(s) = schedule.sessions.iter().find(|s| s.id == what.trim()) {
        return Ok(s);
    }
    let folded = text::fold(what);
    let exact: Vec<&Session> = schedule.sessions.iter().filter(|s| text::fold(&s.title) == folded).collect();
    let found: Vec<&Session> = if exact.is_empty() {
        schedule.sessions.iter().filter(|s| text::fold(&s.title).contains(&folded)).collect()
    } else {
        exact
    };
    match found.as_slice() {
        [one] => Ok(one),
        [] => Err(Box::new(Reply::message(
            CommandKind::Schedule,
            Status::NotFound,
            format!("No session is called “{what}”."),
        ))),
        many => {
            let mut reply = Reply::message(
                CommandKind::Schedule,
                Status::Ambiguous,
                format!("“{what}” could be several sessions; give its id."),
            );
            reply.suggestions = many.iter().map(|s| format!("{} ({})", s.title, s.id)).collect();
            Err(Box::new(reply))
        }
    }
}

/// The reply reporting what an import, addition or cancellation changed.
pub fn change_reply(version: i64, changes: &[Change], zone: &TimeZone) -> Reply {
    let mut reply = Reply::new(CommandKind::Schedule, Status::Ok);
    if changes.is_empty() {
        reply.body = String::from("Nothing changed: the programme was already like this.");
        return reply;
    }
    let count = |kind: &str| changes.iter().filter(|c| c.kind() == kind).count();
    reply.title = Some(format!("Schedule version {version}"));
    reply.body = format!("{} added, {} changed, {} cancelled.", count("added"), count("changed"), count("removed"));
    let when = |s: &Session| crate::render::time_span(s.start, s.end, zone);
    let list = |kind: &str, line: &dyn Fn(&Change) -> String| {
        changes.iter().filter(|c| c.kind() == kind).map(line).collect::<Vec<_>>().join("\n")
    };
    reply = reply
        .field(
            "Added",
            list("added", &|c| format!("{} · {} · {}", when(c.session()), c.session().room, c.session().title)),
        )
        .field(
            "Changed",
            list("changed", &|c| match c {
                Change::Changed { after, parts, .. } => {
                    let parts: Vec<&str> = parts.iter().map(|p| p.as_str()).collect();
                    format!("{} ({}): now {} · {}", after.title, parts.join(", "), when(after), after.room)
                }
                _ => String::new(),
            }),
        )
        .field("Cancelled", list("removed", &|c| format!("{} · {}", when(c.session()), c.session().title)));
    reply.result_count = changes.len();
    reply
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::*;
    use crate::engine::tests::{keynote_morning, seed_engine, show};

    #[test]
    fn posts_a_day_by_room() {
        let engine = seed_engine();
        expect![[r#"
            [ok]
            The DEVOPS Conference - Copenhagen (sample schedule) — Tuesday 1 November 2022

            Times in Europe/Copenhagen.

            Main Stage:
              09:00–09:15 Sample: Opening words — Sample Host
              09:15–10:00 Keynote: Software supply chain security — Kelsey Hightower
              11:00–11:45 Sample: Platform engineering from the bare metal to the boardroom — Sample Speaker A
              14:00–14:45 Sample: Observability for small teams — Sample Speaker B
            Room 2:
              11:00–11:30 Sample: WebAssembly at the edge — Sample Speaker C
              14:00–15:30 Sample: Hands-on workshop: signing container images — Sample Speaker D"#]]
        .assert_eq(&show(&engine, "/schedule post", &keynote_morning()));
        expect![[r#"
            [ok]
            The DEVOPS Conference - Copenhagen (sample schedule) — Wednesday 2 November 2022

            Times in Europe/Copenhagen.

            Main Stage:
              09:30–10:15 Sample: Go modules and dependency hygiene — Sample Speaker E
              16:00–16:30 Sample: Closing panel — Sample Host, Sample Speaker A"#]]
        .assert_eq(&show(&engine, "/schedule post wednesday", &keynote_morning()));
        expect![[r#"
            [invalid]
            “someday” is not a day. Use today, tomorrow, a date such as 2022-11-01, a weekday or day 2."#]]
        .assert_eq(&show(&engine, "/schedule post someday", &keynote_morning()));
        expect![[r#"
            [invalid]
            “day -2” is not a day: days are counted from 1, and `day 1` is the first."#]]
        .assert_eq(&show(&engine, "/schedule post day -2", &keynote_morning()));
    }

    fn fields(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn makes_a_session_from_fields() {
        let zone = TimeZone::get("Europe/Copenhagen").unwrap();
        let s = new_session(
            &fields(&[
                ("title", "Lightning talks"),
                ("start", "2022-11-01T17:00"),
                ("duration", "00:45"),
                ("room", "Room 2"),
                ("speakers", "Ana; Bo"),
            ]),
            &zone,
        )
        .unwrap();
        assert_eq!(
            (s.start.to_string(), s.end.to_string()),
            ("2022-11-01T16:00:00Z".into(), "2022-11-01T16:45:00Z".into())
        );
        assert_eq!((s.id.as_str(), s.speakers.len()), ("added-1667318400-lightning-talks", 2));
        let error = |pairs: &[(&str, &str)]| new_session(&fields(pairs), &zone).unwrap_err().to_string();
        assert_eq!(error(&[("title", "T")]), "`start=` is missing.");
        assert_eq!(
            error(&[("title", "T"), ("start", "soon")]),
            "`soon` is not a time like 2022-11-01T09:15:00+01:00 or 2022-11-01 09:15"
        );
        assert_eq!(
            error(&[("title", "T"), ("start", "2022-11-01T10:00"), ("duration", "00:00"), ("room", "A")]),
            "the session must end after it starts."
        );
        assert_eq!(
            error(&[("title", "T"), ("colour", "red")]),
            "`colour` is not a session field; use id, title, start, duration, end, room, speakers, track, abstract, url."
        );
    }

    #[test]
    fn finds_the_session_to_cancel() {
        let engine = seed_engine();
        let schedule = engine.schedule();
        assert_eq!(find_session(schedule, "Sample: Closing panel").unwrap().title, "Sample: Closing panel");
        assert_eq!(find_session(schedule, "closing").unwrap().title, "Sample: Closing panel");
        assert_eq!(find_session(schedule, "sample").unwrap_err().status, Status::Ambiguous);
        assert_eq!(find_session(schedule, "no such talk").unwrap_err().status, Status::NotFound);
    }
}
