//! What announcements and direct messages say, as plain text in the
//! conference's time zone; each platform dresses it in its own blocks.

use emcee_core::schedule::Session;
use emcee_core::schedule::changes::{Change, Part};
use jiff::Timestamp;
use jiff::tz::TimeZone;

use super::{Announcement, Kind, Personal, PersonalKind};
use crate::store::RecordedChange;

pub(super) fn reminder(session: &Session, now: Timestamp, zone: &TimeZone) -> Announcement {
    let minutes = (session.start.as_second() - now.as_second() + 59) / 60;
    let when = session.start.to_zoned(zone.clone()).strftime("%H:%M %Z");
    let who =
        if session.speakers.is_empty() { String::new() } else { format!(" with {}", session.speakers.join(", ")) };
    Announcement {
        kind: Kind::Reminder,
        session_id: session.id.clone(),
        title: session.title.clone(),
        room: session.room.clone(),
        start: session.start,
        text: format!("In {minutes} min ({when}), {}: {}{who}", session.room, session.title),
    }
}

/// A reminder to a person who chose the session, with its room and link.
pub(super) fn personal_reminder(session: &Session, now: Timestamp, zone: &TimeZone) -> Personal {
    let minutes = (session.start.as_second() - now.as_second() + 59) / 60;
    let when = session.start.to_zoned(zone.clone()).strftime("%H:%M %Z");
    let link = session.url.as_deref().map(|url| format!(" {url}")).unwrap_or_default();
    Personal {
        kind: PersonalKind::Reminder,
        session_id: session.id.clone(),
        title: session.title.clone(),
        room: session.room.clone(),
        start: session.start,
        url: session.url.clone(),
        text: format!("In {minutes} min ({when}), in {}: “{}”, from your agenda.{link}", session.room, session.title),
    }
}

/// The notice to a session's fans of a recorded change, saying what it was
/// and what it is; `None` for a change they need not hear of (its details).
pub(super) fn personal_notice(change: &RecordedChange, zone: &TimeZone) -> Option<Personal> {
    let when = |at: Timestamp| at.to_zoned(zone.clone()).strftime("%a %-d %b %H:%M %Z").to_string();
    let span = |start: Timestamp, end: Timestamp| emcee_core::render::time_span(start, end, zone);
    let (kind, text) = match &change.change {
        Change::Removed(was) => (
            PersonalKind::Cancelled,
            format!(
                "Cancelled: “{}” ({}, {}) will not take place. It stays in your agenda, marked cancelled, until a later programme brings it back or you remove it.",
                was.title,
                when(was.start),
                was.room
            ),
        ),
        Change::Added(is) => (
            PersonalKind::Restored,
            format!("Back on the programme: “{}”, {}, {}.", is.title, span(is.start, is.end), is.room),
        ),
        Change::Changed { before, after, parts } => {
            let mut what = Vec::new();
            for part in parts {
                match part {
                    Part::Time => {
                        what.push(format!("time {} → {}", span(before.start, before.end), span(after.start, after.end)))
                    }
                    Part::Room => what.push(format!("room {} → {}", before.room, after.room)),
                    Part::Title => what.push(format!("title “{}” → “{}”", before.title, after.title)),
                    Part::Speakers => {
                        let names =
                            |list: &[String]| if list.is_empty() { String::from("no one") } else { list.join(", ") };
                        what.push(format!("speakers {} → {}", names(&before.speakers), names(&after.speakers)));
                    }
                    // Abstracts, tracks and links are not worth a message.
                    Part::Details => {}
                }
            }
            if what.is_empty() {
                return None;
            }
            (PersonalKind::Changed, format!("Changed: “{}” in your agenda: {}.", before.title, what.join("; ")))
        }
    };
    let session = change.session();
    Some(Personal {
        kind,
        session_id: session.id.clone(),
        title: session.title.clone(),
        room: session.room.clone(),
        start: session.start,
        url: None,
        text,
    })
}

/// The announcement to the channels of a change: a session added, moved
/// (time or room) or cancelled; `None` for a change they are not told of.
pub(super) fn channel_notice(change: &Change, zone: &TimeZone) -> Option<Announcement> {
    let session = change.session();
    let when = session.start.to_zoned(zone.clone()).strftime("%a %-d %b %H:%M %Z");
    let (title, room) = (&session.title, &session.room);
    let (kind, text) = match change {
        Change::Added(_) => (Kind::Added, format!("New session: {title} — {when}, {room}")),
        Change::Removed(_) => (Kind::Cancelled, format!("Cancelled: {title} ({when}, {room})")),
        Change::Changed { .. } if change.moved() => (Kind::Moved, format!("Moved: {title} is now {when}, {room}")),
        Change::Changed { .. } => return None,
    };
    Some(Announcement {
        kind,
        session_id: session.id.clone(),
        title: title.clone(),
        room: room.clone(),
        start: session.start,
        text,
    })
}
