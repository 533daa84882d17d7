//! `/agenda`: the sessions a person chose, and finding the session they
//! name. Which sessions a person chose is kept by the bot; the engine is
//! handed their ids and lays them out: in time order with the next one
//! first, clashes marked, sessions the programme no longer holds shown as
//! cancelled.

use std::collections::HashSet;

use jiff::Timestamp;

use super::Engine;
use super::ask::titles::title_stems;
use crate::command::CommandKind;
use crate::reply::{Reply, SessionItem, Status};
use crate::schedule::Session;
use crate::text::fold;
use crate::tuning::{AGENDA_CLEARLY, AGENDA_NAMES, AGENDA_NEAR_BEST};

/// Most sessions offered for a name that fits several.
const CHOICES_MAX: usize = 5;

/// Most sessions one person's agenda holds: a week-long conference of
/// 10,000 sessions has about 300 a person could sit through end to end, so
/// more is not an agenda. Drawing one this full, every session clashing
/// with every other, takes under a millisecond (`cargo bench -p emcee-core
/// --bench engine -- agenda`).
pub const AGENDA_MOST: usize = 500;

/// Most titles a clash note names; the rest are counted.
const CLASHES_NAMED: usize = 3;

impl Engine {
    /// The session `what` names: its id, its title, a part of its title,
    /// or its title's words as `/ask` links them (any order, prefixes,
    /// typos). Several that fit equally are an ambiguous reply whose
    /// choices add (or remove, as `verb` says) each by id.
    pub fn find_session(&self, what: &str, verb: &str) -> Result<&Session, Box<Reply>> {
        let sessions = &self.schedule.sessions;
        let what = what.trim();
        if let Some(&i) = self.sessions_by.id.get(what) {
            return Ok(&sessions[i]);
        }
        let folded = fold(what);
        let mut found: Vec<usize> = self.sessions_by.title.get(&folded).cloned().unwrap_or_default();
        if found.is_empty() && !folded.is_empty() {
            found = (0..sessions.len()).filter(|&i| fold(&sessions[i].title).contains(&folded)).collect();
        }
        if found.is_empty() {
            let links = self.titles().link(&title_stems(what), CHOICES_MAX + 1);
            let best = links.first().map_or(0.0, |l| l.score());
            let second = links.get(1).map_or(0.0, |l| l.score());
            if best >= AGENDA_NAMES && best - second >= AGENDA_CLEARLY {
                found = vec![links[0].session];
            } else {
                found = links
                    .iter()
                    .filter(|l| l.score() >= AGENDA_NAMES.max(best * AGENDA_NEAR_BEST))
                    .map(|l| l.session)
                    .collect();
            }
            if found.is_empty() {
                let mut reply = Reply::message(
                    CommandKind::Agenda,
                    Status::NotFound,
                    format!("No session is called “{what}”. Try a word of its title, or `/talks {what}`."),
                );
                self.offer(&mut reply, links.iter().map(|l| l.session).take(3), verb);
                return Err(Box::new(reply));
            }
        }
        if let [one] = found[..] {
            return Ok(&sessions[one]);
        }
        let mut reply = Reply::message(
            CommandKind::Agenda,
            Status::Ambiguous,
            format!("“{what}” could be {} sessions. Which one?", found.len()),
        );
        self.offer(&mut reply, found.into_iter().take(CHOICES_MAX), verb);
        Err(Box::new(reply))
    }

    /// Offers `sessions` on `reply`, each as `/agenda VERB ID`.
    fn offer(&self, reply: &mut Reply, sessions: impl Iterator<Item = usize>, verb: &str) {
        let zone = &self.schedule.conference.time_zone;
        for i in sessions {
            let session = &self.schedule.sessions[i];
            let when = session.start.to_zoned(zone.clone()).strftime("%a %H:%M");
            reply.suggestions.push(format!("{} ({when}, {})", session.title, session.room));
            reply.choices.push(format!("/agenda {verb} {}", session.id));
        }
        reply.time_zone = Some(zone.clone());
    }

    /// A person's agenda: the sessions with these ids that are not over, in
    /// time order (so the next is first), each marked with what it clashes
    /// with; those over, and those the programme no longer holds (`gone`:
    /// the cancelled sessions as they last were), counted and named after them.
    pub fn agenda(&self, ids: &[String], gone: &[Session], now: Timestamp) -> Reply {
        let zone = &self.schedule.conference.time_zone;
        let mut reply = Reply::new(CommandKind::Agenda, Status::Ok);
        reply.title = Some(String::from("Your agenda"));
        reply.time_zone = Some(zone.clone());
        let sessions = &self.schedule.sessions;
        let mut mine: Vec<&Session> =
            ids.iter().filter_map(|id| self.sessions_by.id.get(id).map(|&i| &sessions[i])).collect();
        mine.sort_by(|a, b| (a.start, &a.room, &a.title).cmp(&(b.start, &b.room, &b.title)));
        mine.dedup_by(|a, b| a.id == b.id);
        let chosen: HashSet<&str> = ids.iter().map(String::as_str).collect();
        let cancelled: Vec<&Session> = gone.iter().filter(|g| chosen.contains(g.id.as_str())).collect();
        if mine.is_empty() && cancelled.is_empty() {
            reply.body = String::from(
                "Your agenda is empty. Add a session with `/agenda add <title>`, or with the “Add to my agenda” \
                 button under any session.",
            );
            return reply;
        }
        let (over, coming): (Vec<&Session>, Vec<&Session>) = mine.iter().partition(|s| s.end <= now);
        let mut lines = Vec::new();
        match coming.first() {
            Some(next) if next.start <= now => {
                lines.push(format!("On now: {} in {}.", next.title, next.room));
            }
            Some(next) => lines.push(format!(
                "Next: {}, {} in {}.",
                next.title,
                crate::render::time_span(next.start, next.end, zone),
                next.room
            )),
            None => lines.push(String::from("Every session in your agenda is over.")),
        }
        let clashes = clashes(&coming);
        let pairs: usize = clashes.iter().map(Vec::len).sum::<usize>() / 2;
        if pairs > 0 {
            lines.push(format!(
                "{pairs} {} overlap{}: you cannot be in both.",
                if pairs == 1 { "pair" } else { "pairs" },
                if pairs == 1 { "s" } else { "" }
            ));
        }
        reply.body = lines.join(" ");
        for (session, with) in coming.iter().zip(&clashes) {
            let mut item = self.session_item(session);
            if !with.is_empty() {
                let named: Vec<&str> = with.iter().take(CLASHES_NAMED).map(|&i| coming[i].title.as_str()).collect();
                let more = with.len() - named.len();
                let more = match more {
                    0 => String::new(),
                    1 => String::from(" and 1 more"),
                    n => format!(" and {n} more"),
                };
                item.note = Some(format!("Clashes with {}{more}", named.join(", ")));
            }
            reply.sessions.push(item);
        }
        let when = |at: Timestamp| at.to_zoned(zone.clone()).strftime("%a %-d %b %H:%M").to_string();
        if !cancelled.is_empty() {
            let names: Vec<String> =
                cancelled.iter().map(|g| format!("{} (was {}, {})", g.title, when(g.start), g.room)).collect();
            reply = reply.field("Cancelled", names.join("\n"));
        }
        if !over.is_empty() {
            let names: Vec<&str> = over.iter().map(|s| s.title.as_str()).collect();
            reply = reply.field("Already over", names.join("\n"));
        }
        reply.result_count = mine.len() + cancelled.len();
        reply.sources.push(self.schedule_source());
        reply
    }

    /// A session as an agenda reply shows it, after adding or removing it.
    pub fn agenda_item(&self, session: &Session) -> SessionItem {
        self.session_item(session)
    }

    /// The titles of the sessions among `ids` that overlap `session` in time, in programme order.
    pub fn clashing_with<'a>(&'a self, session: &Session, ids: &[String]) -> Vec<&'a str> {
        let sessions = &self.schedule.sessions;
        let mut found: Vec<usize> = ids
            .iter()
            .filter_map(|id| self.sessions_by.id.get(id).copied())
            .filter(|&i| sessions[i].id != session.id && overlap(&sessions[i], session))
            .collect();
        found.sort_unstable();
        found.dedup();
        found.into_iter().map(|i| sessions[i].title.as_str()).collect()
    }
}

/// Whether two sessions share some time.
fn overlap(a: &Session, b: &Session) -> bool {
    a.start < b.end && b.start < a.end
}

/// For each of `sessions` (in start order), the others that overlap it,
/// by position, in order. Each session is compared only with those that
/// start before it ends.
fn clashes(sessions: &[&Session]) -> Vec<Vec<usize>> {
    let mut with = vec![Vec::new(); sessions.len()];
    for (i, a) in sessions.iter().enumerate() {
        for (j, b) in sessions.iter().enumerate().skip(i + 1) {
            // In start order: none after the first that starts once `a` ends overlaps it.
            if b.start >= a.end {
                break;
            }
            if overlap(a, b) {
                with[i].push(j);
                with[j].push(i);
            }
        }
    }
    with
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::tests::{keynote_morning, seed_engine};

    #[test]
    fn finds_sessions_by_id_title_fragment_and_words() {
        let engine = seed_engine();
        let keynote = "Keynote: Software supply chain security";
        let id = engine.schedule().sessions.iter().find(|s| s.title == keynote).unwrap().id.clone();
        for what in [id.as_str(), keynote, "supply chain", "SUPPLY CHAIN SECURITY keynote", "suply chian"] {
            assert_eq!(engine.find_session(what, "add").map(|s| s.title.as_str()).ok(), Some(keynote), "{what}");
        }
        let none = engine.find_session("underwater basket weaving", "add").unwrap_err();
        assert_eq!(none.status, Status::NotFound);
        assert!(none.body.contains("underwater basket weaving"), "{}", none.body);
    }

    #[test]
    fn a_name_several_sessions_share_offers_each_by_id() {
        let engine = seed_engine();
        let reply = engine.find_session("Sample", "remove").unwrap_err();
        assert_eq!(reply.status, Status::Ambiguous, "{}", reply.body);
        assert!(reply.choices.len() >= 2 && reply.choices.len() == reply.suggestions.len());
        for choice in &reply.choices {
            let id = choice.strip_prefix("/agenda remove ").unwrap();
            assert!(engine.schedule().sessions.iter().any(|s| s.id == id), "{choice}");
        }
    }

    #[test]
    fn the_agenda_puts_the_next_first_marks_clashes_and_names_the_cancelled() {
        let engine = seed_engine();
        let now = keynote_morning().now;
        let sessions = &engine.schedule().sessions;
        let empty = engine.agenda(&[], &[], now);
        assert!(empty.body.contains("empty") && empty.sessions.is_empty());
        // Chosen out of order, one twice; two that overlap, if the sample has them.
        let mut ids: Vec<String> = sessions.iter().rev().map(|s| s.id.clone()).collect();
        ids.push(ids[0].clone());
        ids.push(String::from("gone-1"));
        let gone = [Session {
            id: String::from("gone-1"),
            title: String::from("A talk that was cancelled"),
            start: now,
            room: String::from("Room 9"),
            ..Session::default()
        }];
        let reply = engine.agenda(&ids, &gone, now);
        let starts: Vec<Timestamp> = reply.sessions.iter().map(|s| s.start).collect();
        assert!(starts.windows(2).all(|w| w[0] <= w[1]), "in time order");
        assert!(reply.sessions.iter().all(|s| s.end > now), "only what is not over");
        assert_eq!(reply.sessions.len(), sessions.iter().filter(|s| s.end > now).count(), "each once");
        assert!(reply.body.starts_with("Next: ") || reply.body.starts_with("On now: "), "{}", reply.body);
        assert!(reply.body.contains(&reply.sessions[0].title), "{}", reply.body);
        let cancelled = reply.fields.iter().find(|f| f.name == "Cancelled").unwrap();
        assert!(cancelled.value.contains("A talk that was cancelled") && cancelled.value.contains("Room 9"));
        for pair in reply.sessions.windows(2) {
            if pair[1].start < pair[0].end {
                let note = pair[1].note.as_deref().unwrap_or_default();
                assert!(note.contains(&pair[0].title), "a clash is marked on both: {note}");
            }
        }
    }

    #[test]
    fn overlapping_sessions_clash_and_back_to_back_ones_do_not() {
        let at = |m: i64| Timestamp::from_second(m * 60).unwrap();
        let session = |id: &str, start: i64, end: i64| Session {
            id: id.into(),
            start: at(start),
            end: at(end),
            ..Session::default()
        };
        let (a, b, c, d) = (session("a", 0, 60), session("b", 30, 90), session("c", 60, 120), session("d", 120, 150));
        assert_eq!(clashes(&[&a, &b, &c, &d]), vec![vec![1], vec![0, 2], vec![1], vec![]]);
    }
}
