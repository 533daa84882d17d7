//! `/qa`'s pure parts: which session an audience question is for and
//! whether its questions are open, a question as it is posted with its
//! votes, and the host's list of the top ones. The store keeps the
//! questions and votes; this module only reads them.

use jiff::{SignedDuration, Timestamp};
use serde::Serialize;

use super::Engine;
use crate::command::CommandKind;
use crate::names::Resolution;
use crate::reply::{Offer, Reply, Status};
use crate::schedule::Session;
use crate::text::fold;

/// The longest question taken, in characters: what fits a chat message
/// with room for its votes, and the `question` option's limit.
pub const QUESTION_MAX: usize = 300;

/// How long before a session starts its questions open: people find their
/// seats and read the abstract in the last minutes before a talk.
pub const OPENS_BEFORE: SignedDuration = SignedDuration::from_mins(10);

/// How many questions `/qa top` lists: what a host reads out at the end
/// of a talk, and what fits one message on every platform.
pub const TOP_MOST: usize = 10;

/// The start of an **Upvote** button's token; the question's id follows.
pub const VOTE_TOKEN: &str = "qa-vote:";

/// The start of an **Ask the speaker** button's token, which opens a form
/// for a question; the session's id follows.
pub const ASK_TOKEN: &str = "qa-ask:";

/// The account id in a mention as the platforms send it (Discord's
/// `<@123…>` or `<@!123…>`, Slack's `<@U0…>` or `<@U0…|name>`) or a member
/// ID as copied from a profile (`U0…`, `123…`); never a display name,
/// which anyone can take and change.
pub fn account_id(token: &str) -> Result<String, String> {
    let id = match token.strip_prefix("<@").and_then(|t| t.strip_suffix('>')) {
        Some(inner) => inner.trim_start_matches('!').split('|').next().unwrap_or_default(),
        None => token,
    };
    let digits = id.bytes().filter(u8::is_ascii_digit).count();
    let upper_or_digit = id.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit());
    if (6..=32).contains(&id.len()) && digits > 0 && upper_or_digit {
        return Ok(id.to_string());
    }
    Err(format!(
        "“{token}” is not an account, and a display name can be taken by anyone: on Discord, @mention them and \
         pick them from the list; on Slack, give their member ID (their profile, ⋮, Copy member ID)."
    ))
}

/// A question typed in an **Ask the speaker** form: the command it is,
/// its text taken as typed (never read for `session:` or `name:`), and the
/// `/qa ask` line it is logged as; `None` for an id no button of ours
/// carries.
pub fn asked_in_form(session_id: &str, question: &str) -> Option<(String, crate::Command)> {
    let id = session_id.trim();
    let plain = !id.is_empty() && !id.contains(['"', '\n', '\r']);
    let question = question.trim().to_string();
    let line = format!("/qa ask session:\"{id}\" {question}");
    let ask = crate::command::QaCommand::Ask { question, session: Some(id.to_string()), named: false };
    plain.then_some((line, crate::Command::Qa(ask)))
}

/// Why a question is not taken as typed, or `None`: too long, or a link
/// whose text hides where it goes (`[text](https://…)`, Slack's
/// `<https://…|text>`), which a question posted under the bot's name must
/// never carry. Mentions and formatting need no refusal: every platform
/// shows a question's text as typed, escaped.
pub fn refusal(text: &str) -> Option<String> {
    let length = text.trim().chars().count();
    if length > QUESTION_MAX {
        return Some(format!("That question is {length} characters long; keep it under {QUESTION_MAX}."));
    }
    let masked_markdown = text.match_indices("](").any(|(at, _)| text[..at].contains('['));
    let masked_slack = text.match_indices('<').any(|(at, _)| {
        let rest = &text[at + 1..];
        rest.split_once('>').is_some_and(|(inside, _)| inside.contains("://") && inside.contains('|'))
    });
    (masked_markdown || masked_slack)
        .then(|| String::from("Questions cannot carry links with hidden addresses: write the address itself."))
}

/// When a session takes questions: from [`OPENS_BEFORE`] its start until
/// `after` its end (the operator's setting).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub after: SignedDuration,
}

impl Window {
    fn opens(self, session: &Session) -> Timestamp {
        session.start.saturating_sub(OPENS_BEFORE).unwrap_or(session.start)
    }

    fn closes(self, session: &Session) -> Timestamp {
        session.end.saturating_add(self.after).unwrap_or(session.end)
    }

    fn open_at(self, session: &Session, now: Timestamp) -> bool {
        self.open_between(session.start, session.end, now)
    }

    /// Whether a session from `start` to `end` takes questions at `now`.
    pub fn open_between(self, start: Timestamp, end: Timestamp, now: Timestamp) -> bool {
        let (opens, closes) = (start.saturating_sub(OPENS_BEFORE), end.saturating_add(self.after));
        opens.unwrap_or(start) <= now && now <= closes.unwrap_or(end)
    }
}

/// A question as the store keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Question {
    pub id: i64,
    /// Where it was asked: the platform its asker's id is on.
    pub platform: String,
    pub session_id: String,
    pub text: String,
    /// The asker's platform id, when they chose to be named.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub asker: Option<String>,
    #[serde(serialize_with = "seconds")]
    pub asked_at: Timestamp,
    pub votes: i64,
    pub answered: bool,
    pub pinned: bool,
    pub hidden: bool,
    pub removed: bool,
}

fn seconds<S: serde::Serializer>(at: &Timestamp, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(&at.to_string())
}

impl Question {
    /// What the host sees first: pinned, then by votes, then the earliest.
    pub fn rank(a: &Question, b: &Question) -> std::cmp::Ordering {
        (b.pinned, b.votes, a.asked_at, a.id).cmp(&(a.pinned, a.votes, b.asked_at, b.id))
    }

    /// `answered, pinned` — what is marked on it, for a list.
    fn marks(&self) -> Vec<&'static str> {
        let mut marks = Vec::new();
        if self.answered {
            marks.push("answered");
        }
        if self.pinned {
            marks.push("pinned");
        }
        marks
    }
}

/// The questions a host's list shows: neither hidden nor removed.
pub fn listed(questions: &[Question]) -> Vec<&Question> {
    questions.iter().filter(|q| !q.hidden && !q.removed).collect()
}

/// `1 vote`, `3 votes`.
fn votes(n: i64) -> String {
    format!("{n} vote{}", if n == 1 { "" } else { "s" })
}

/// `5 min ago`, `2 h ago`.
fn age(at: Timestamp, now: Timestamp) -> String {
    let minutes = now.duration_since(at).as_mins().max(0);
    match minutes {
        0 => String::from("just now"),
        1..60 => format!("{minutes} min ago"),
        _ => format!("{} h ago", minutes / 60),
    }
}

/// Of sessions taking questions: the one on now; else
/// the one that ended last, whose questions are still being read out; else
/// the one about to start.
fn pick<'a>(from: &[&'a Session], now: Timestamp) -> Option<&'a Session> {
    // Of sessions on at once (a room's day overlaps its next talk), the one started last.
    let on = from.iter().copied().filter(|s| s.start <= now && now < s.end).max_by_key(|s| (s.start, s.end));
    if on.is_some() {
        return on;
    }
    let ended = from.iter().copied().filter(|s| s.end <= now).max_by_key(|s| (s.end, s.start));
    ended.or_else(|| from.iter().copied().filter(|s| s.start > now).min_by_key(|s| (s.start, s.end)))
}

impl Engine {
    /// `HH:MM` in the conference's zone, with the day when it is not `now`'s.
    fn clock_at(&self, at: Timestamp, now: Timestamp) -> String {
        let zone = self.schedule.conference.time_zone.clone();
        let (at, now) = (at.to_zoned(zone.clone()), now.to_zoned(zone));
        if at.date() == now.date() {
            at.strftime("%H:%M").to_string()
        } else {
            at.strftime("%a %-d %b %H:%M").to_string()
        }
    }

    /// The programme's room `name` names (in any case), or the reply
    /// listing the rooms there are.
    pub fn qa_room(&self, name: &str) -> Result<String, Box<Reply>> {
        let folded = fold(name);
        let rooms = &self.schedule.rooms;
        if let Some(room) = rooms.iter().find(|r| fold(r) == folded) {
            return Ok(room.clone());
        }
        let mut reply = Reply::message(
            CommandKind::Qa,
            Status::NotFound,
            format!("The programme has no room called “{}”.", name.trim()),
        );
        let near: Vec<&String> = rooms.iter().filter(|r| fold(r).contains(&folded)).take(5).collect();
        let listed: Vec<&String> = if near.is_empty() { rooms.iter().take(12).collect() } else { near };
        reply.suggestions = listed.into_iter().cloned().collect();
        Err(Box::new(reply))
    }

    /// The person `name` names (in any case, by another of their names,
    /// or with a small typo), as the directory names them, who must speak
    /// in a session of the programme; or the reply saying who it might be.
    pub fn qa_speaker(&self, name: &str) -> Result<String, Box<Reply>> {
        let speaks = |person: &usize| !self.sessions_by_person[*person].is_empty();
        let names = |people: &[usize]| -> Vec<String> {
            people.iter().map(|&p| self.directory.people[p].name.clone()).collect()
        };
        let mut reply = match self.directory.resolve(name) {
            Resolution::One(person) if speaks(&person) => return Ok(self.directory.people[person].name.clone()),
            Resolution::Many(people) if people.iter().any(speaks) => {
                let speakers: Vec<usize> = people.into_iter().filter(speaks).collect();
                if let [person] = speakers[..] {
                    return Ok(self.directory.people[person].name.clone());
                }
                let mut reply = Reply::message(
                    CommandKind::Qa,
                    Status::NotFound,
                    format!("“{}” could be more than one speaker: give their full name.", name.trim()),
                );
                reply.suggestions = names(&speakers);
                reply
            }
            _ => Reply::message(
                CommandKind::Qa,
                Status::NotFound,
                format!("No one called “{}” speaks in the programme.", name.trim()),
            ),
        };
        if reply.suggestions.is_empty() {
            let near: Vec<usize> = self.directory.closest(name, 5).into_iter().filter(speaks).collect();
            reply.suggestions = names(&near);
        }
        Err(Box::new(reply))
    }

    /// Whether `person` (as [`qa_speaker`](Self::qa_speaker) names them)
    /// speaks in `session`: listed there by the name the directory knows
    /// them by, or by another name of theirs it knows.
    pub fn qa_speaks_in(&self, person: &str, session: &Session) -> bool {
        let listed = |p: usize| self.sessions_by_person[p].iter().any(|&s| self.schedule.sessions[s].id == session.id);
        let folded = fold(person);
        self.directory.exact(person).is_some_and(listed) || session.speakers.iter().any(|name| fold(name) == folded)
    }

    /// The session a question is asked of: the one `named` (by id, title
    /// or a part of it), or the one on now in `room`, or, in a channel
    /// tied to no room, the one session taking questions now when there
    /// is only one. `asking`: it must be taking questions now; otherwise
    /// (the host's list) a room gives its latest session that has opened.
    pub fn qa_session(
        &self,
        named: Option<&str>,
        room: Option<&str>,
        now: Timestamp,
        window: Window,
        asking: bool,
    ) -> Result<&Session, Box<Reply>> {
        let sessions = &self.schedule.sessions;
        let invalid = |text: String| Box::new(Reply::message(CommandKind::Qa, Status::Invalid, text));
        if let Some(named) = named {
            let session = self.find_session(named, "add").map_err(|mut reply| {
                reply.command = CommandKind::Qa;
                reply.choices.clear();
                reply.body = reply.body.replace(&format!("`/talks {}`", named.trim()), "`/talks` to find it");
                reply
            })?;
            if asking && now < window.opens(session) {
                return Err(invalid(format!(
                    "Questions for “{}” open at {}, {} minutes before it starts.",
                    session.title,
                    self.clock_at(window.opens(session), now),
                    OPENS_BEFORE.as_mins()
                )));
            }
            if asking && now > window.closes(session) {
                return Err(invalid(format!(
                    "Questions for “{}” closed at {}; it ended at {}.",
                    session.title,
                    self.clock_at(window.closes(session), now),
                    self.clock_at(session.end, now)
                )));
            }
            return Ok(session);
        }
        let candidates: Vec<&Session> = match room {
            Some(room) => self.sessions_by.room.get(&fold(room)).map(|ids| ids.iter().map(|&i| &sessions[i]).collect()),
            None => None,
        }
        .unwrap_or_else(|| if room.is_some() { Vec::new() } else { sessions.iter().collect() });
        let open: Vec<&Session> = candidates.iter().copied().filter(|s| window.open_at(s, now)).collect();
        let Some(room) = room else {
            let how = if asking { "`/qa ask <question> session:<title>`" } else { "`/qa top <session>`" };
            let untied = format!(
                "This channel is not tied to a room, so name the session: {how}. Organisers tie a channel to a \
                 room with `/qa room <room>`."
            );
            let one_track = open.iter().map(|s| fold(&s.room)).collect::<std::collections::HashSet<_>>().len() == 1;
            return match pick(&open, now) {
                Some(session) if one_track => Ok(session),
                _ => Err(invalid(untied)),
            };
        };
        if let Some(session) = pick(&open, now) {
            return Ok(session);
        }
        if !asking && let Some(latest) = candidates.iter().copied().filter(|s| s.start <= now).max_by_key(|s| s.start) {
            return Ok(latest);
        }
        let next = candidates.iter().copied().filter(|s| window.opens(s) > now).min_by_key(|s| s.start);
        Err(match next {
            Some(next) => invalid(format!(
                "Nothing is on in {room} now. Questions for the next session there, “{}”, open at {}.",
                next.title,
                self.clock_at(window.opens(next), now)
            )),
            None => invalid(format!("Nothing more is on in {room}, so it takes no questions.")),
        })
    }

    /// A question as it is posted for everyone to vote on, with its
    /// **Upvote** button: the question as asked is the body, alone, and
    /// its votes and marks a field; a removed or hidden one says so, with
    /// no button.
    pub fn qa_question(&self, question: &Question, session: Option<&Session>) -> Reply {
        let title = session.map_or("a session", |s| s.title.as_str());
        if question.removed || question.hidden {
            let what = if question.removed { "removed" } else { "hidden" };
            let mut reply = Reply::message(
                CommandKind::Qa,
                Status::Ok,
                format!("Question {} for “{title}” was {what} by the organisers.", question.id),
            );
            reply.post = true;
            return reply;
        }
        let mut reply = Reply::new(CommandKind::Qa, Status::Ok);
        reply.title = Some(format!("Question {} for “{title}”", question.id));
        reply.url = session.and_then(|s| s.url.clone());
        reply.body = question.text.clone();
        let mut about = vec![votes(question.votes)];
        about.extend(question.marks().into_iter().map(String::from));
        if question.asker.is_none() {
            about.push(String::from("asked anonymously"));
        }
        reply = reply.field("Votes", about.join(" · "));
        reply.asker = question.asker.clone();
        reply.offer = Some(Offer {
            label: format!("Upvote ({})", question.votes),
            token: format!("{VOTE_TOKEN}{}", question.id),
        });
        reply.post = true;
        reply.result_count = 1;
        reply
    }

    /// The host's list: the top [`TOP_MOST`] questions of `session` that
    /// are not hidden, pinned first, then by votes, with their age.
    pub fn qa_top(&self, session: &Session, questions: &[Question], now: Timestamp) -> Reply {
        let mut shown = listed(questions);
        shown.sort_by(|a, b| Question::rank(a, b));
        let mut reply = Reply::new(CommandKind::Qa, Status::Ok);
        reply.title = Some(format!("Top questions for “{}”", session.title));
        reply.url = session.url.clone();
        if shown.is_empty() {
            reply.body = format!(
                "No questions for “{}” yet. Ask one with `/qa ask <question> session:{}`.",
                session.title, session.id
            );
            return reply;
        }
        let lines: Vec<String> = shown
            .iter()
            .take(TOP_MOST)
            .enumerate()
            .map(|(n, q)| {
                let mut about = vec![votes(q.votes), age(q.asked_at, now), format!("#{}", q.id)];
                about.extend(q.marks().into_iter().map(String::from));
                format!("{}. {} ({})", n + 1, q.text, about.join(", "))
            })
            .collect();
        reply.body = lines.join("\n");
        let total = shown.len();
        if total > TOP_MOST {
            reply.body.push_str(&format!("\n\n{} more below these.", total - TOP_MOST));
        }
        reply.result_count = total;
        reply
    }

    /// A session's questions as it ends, for its host in one message: the
    /// top ones, as [`qa_top`](Self::qa_top) lists them, under how many
    /// were asked, answered and voted for.
    pub fn qa_summary(&self, session: &Session, questions: &[Question], now: Timestamp) -> Reply {
        let mut reply = self.qa_top(session, questions, now);
        reply.title = Some(format!("Questions for “{}”, as it ends", session.title));
        let shown = listed(questions);
        let answered = shown.iter().filter(|q| q.answered).count();
        let cast: i64 = shown.iter().map(|q| q.votes).sum();
        let asked = format!("{} question{}", shown.len(), if shown.len() == 1 { "" } else { "s" });
        let counts = format!("{asked}, {answered} answered, {}.", votes(cast));
        reply.body = format!("{counts}\n\n{}", reply.body);
        reply
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn engine() -> Engine {
        crate::engine::tests::seed_engine()
    }

    #[test]
    fn an_account_is_a_mention_or_a_member_id_never_a_name() {
        assert_eq!(account_id("<@!80351110224678912>").as_deref(), Ok("80351110224678912"));
        assert_eq!(account_id("<@80351110224678912>").as_deref(), Ok("80351110224678912"));
        assert_eq!(account_id("<@U024BE7LH|ada>").as_deref(), Ok("U024BE7LH"));
        assert_eq!(account_id("W0123ABCD").as_deref(), Ok("W0123ABCD"));
        for name in ["@ada", "ada", "<@ada>", "ADMINS", "U1", "<account>|off"] {
            let refused = account_id(name).unwrap_err();
            assert!(refused.contains("member ID"), "{name}: {refused}");
        }
    }

    #[test]
    fn a_speaker_is_found_by_any_of_their_names_and_must_speak() {
        let engine = engine();
        let session = engine.schedule().sessions.iter().find(|s| !s.speakers.is_empty()).unwrap();
        let full = &session.speakers[0];
        assert_eq!(engine.qa_speaker(&full.to_uppercase()).as_deref(), Ok(full.as_str()));
        let person = engine.qa_speaker(full).unwrap();
        assert!(engine.qa_speaks_in(&person, session));
        let other =
            engine.schedule().sessions.iter().find(|s| !s.speakers.is_empty() && !s.speakers.contains(full)).unwrap();
        assert!(!engine.qa_speaks_in(&person, other));
        assert!(engine.qa_speaks_in(&other.speakers[0], other), "{other:?}");
        let nobody = engine.qa_speaker("Zebedee Quux").unwrap_err();
        assert_eq!(nobody.status, Status::NotFound);
        assert!(nobody.body.contains("No one called “Zebedee Quux” speaks"), "{}", nobody.body);
    }

    #[test]
    fn a_form_s_question_is_asked_of_its_session_whatever_it_says() {
        let (line, command) = asked_in_form("ABC 12", "  Why not session:other name:maybe?  ").unwrap();
        assert_eq!(line, r#"/qa ask session:"ABC 12" Why not session:other name:maybe?"#);
        let crate::Command::Qa(crate::command::QaCommand::Ask { question, session, named }) = command else {
            panic!("{line}")
        };
        assert_eq!(
            (question.as_str(), session.as_deref(), named),
            ("Why not session:other name:maybe?", Some("ABC 12"), false),
            "the text is the question, as typed; anonymous"
        );
        assert_eq!(asked_in_form("a\"b", "why?"), None);
        assert_eq!(asked_in_form(" ", "why?"), None);
    }

    #[test]
    fn a_session_s_list_as_it_ends_counts_what_was_asked() {
        let engine = engine();
        let session = &engine.schedule().sessions[0];
        let mut taken_down = question(3, "Spam", 9);
        taken_down.removed = true;
        let mut done = question(2, "How?", 2);
        done.answered = true;
        let questions = [question(1, "Why?", 4), done, taken_down];
        let summary = engine.qa_summary(session, &questions, questions[0].asked_at);
        assert!(summary.title.unwrap().ends_with("”, as it ends"));
        let counts = summary.body.lines().next().unwrap();
        assert_eq!(counts, "2 questions, 1 answered, 6 votes.");
        assert!(summary.body.contains("1. Why?") && !summary.body.contains("Spam"), "{}", summary.body);
    }

    #[test]
    fn a_session_takes_questions_from_before_its_start_until_after_its_end() {
        let window = Window { after: SignedDuration::from_mins(15) };
        let start: Timestamp = "2026-05-01T10:00:00Z".parse().unwrap();
        let end: Timestamp = "2026-05-01T10:45:00Z".parse().unwrap();
        let at = |minutes: i64| start.checked_add(SignedDuration::from_mins(minutes)).unwrap();
        let open: Vec<bool> = [-11, -10, 0, 45, 60, 61].map(|m| window.open_between(start, end, at(m))).to_vec();
        assert_eq!(open, [false, true, true, true, true, false]);
    }

    fn question(id: i64, text: &str, votes: i64) -> Question {
        Question {
            id,
            platform: String::from("slack"),
            session_id: String::from("s"),
            text: text.to_string(),
            asker: None,
            asked_at: "2022-11-01T10:00:00Z".parse().unwrap(),
            votes,
            answered: false,
            pinned: false,
            hidden: false,
            removed: false,
        }
    }

    #[test]
    fn questions_too_long_or_with_masked_links_are_refused() {
        assert!(refusal("What about [docs](https://example.org)?").is_some());
        assert!(refusal("See <https://evil.example|the docs>").is_some());
        assert_eq!(refusal("Is https://example.org/a[1] right? (asking)"), None);
        assert_eq!(refusal("Does <@U123> agree?"), None);
        assert!(refusal(&"why ".repeat(80)).unwrap().contains("keep it under 300"));
    }

    #[test]
    fn a_named_session_takes_questions_only_while_open() {
        let engine = engine();
        let session = engine.schedule().sessions[0].clone();
        let window = Window { after: SignedDuration::from_mins(15) };
        let at = |offset: i64| session.start.checked_add(SignedDuration::from_mins(offset)).unwrap();
        let ask = |now| engine.qa_session(Some(&session.id), None, now, window, true);
        assert_eq!(ask(at(-10)).unwrap().id, session.id);
        let early = ask(at(-11)).unwrap_err();
        assert!(early.body.starts_with(&format!("Questions for “{}” open at", session.title)), "{}", early.body);
        let length = session.end.duration_since(session.start).as_mins();
        assert!(ask(at(length + 15)).is_ok());
        assert!(ask(at(length + 16)).unwrap_err().body.contains("closed at"));
        // The host's list of a session is there whenever it is asked for.
        assert!(engine.qa_session(Some(&session.id), None, at(-600), window, false).is_ok());
    }

    #[test]
    fn a_room_asks_its_session_on_now_then_the_one_just_ended_then_the_next() {
        let engine = engine();
        let window = Window { after: SignedDuration::from_mins(15) };
        let sessions = &engine.schedule().sessions;
        let room = &sessions[0].room;
        let mut in_room: Vec<&Session> = sessions.iter().filter(|s| &s.room == room).collect();
        in_room.sort_by_key(|s| s.start);
        let first = in_room[0];
        let during = first.start.checked_add(SignedDuration::from_mins(1)).unwrap();
        assert_eq!(engine.qa_session(None, Some(room), during, window, true).unwrap().id, first.id);
        let after = first.end.checked_add(SignedDuration::from_mins(1)).unwrap();
        let expected = match in_room.get(1) {
            Some(next) if next.start <= after => next.id.clone(),
            _ => first.id.clone(),
        };
        assert_eq!(engine.qa_session(None, Some(room), after, window, true).unwrap().id, expected);
        let long_before = first.start.checked_sub(SignedDuration::from_hours(5)).unwrap();
        let refused = engine.qa_session(None, Some(room), long_before, window, true).unwrap_err();
        assert!(refused.body.starts_with(&format!("Nothing is on in {room} now.")), "{}", refused.body);
        assert!(refused.body.contains(&first.title));
    }

    #[test]
    fn the_host_sees_pinned_then_most_voted_and_never_hidden() {
        let engine = engine();
        let session = engine.schedule().sessions[0].clone();
        let mut pinned = question(4, "What is next?", 0);
        pinned.pinned = true;
        let mut hidden = question(5, "Buy my course", 50);
        hidden.hidden = true;
        let mut answered = question(2, "How fast is it?", 7);
        answered.answered = true;
        let questions = [question(1, "Why?", 3), answered, question(3, "When?", 3), pinned, hidden];
        let now: Timestamp = "2022-11-01T10:05:00Z".parse().unwrap();
        let reply = engine.qa_top(&session, &questions, now);
        let text = reply.body.clone();
        let lines: Vec<&str> = text.lines().filter(|l| l.starts_with(char::is_numeric)).collect();
        assert_eq!(
            lines,
            [
                "1. What is next? (0 votes, 5 min ago, #4, pinned)",
                "2. How fast is it? (7 votes, 5 min ago, #2, answered)",
                "3. Why? (3 votes, 5 min ago, #1)",
                "4. When? (3 votes, 5 min ago, #3)",
            ]
        );
        assert!(!text.contains("course"));
    }

    #[test]
    fn a_posted_question_carries_its_votes_and_an_upvote_button() {
        let engine = engine();
        let session = engine.schedule().sessions[0].clone();
        let reply = engine.qa_question(&question(9, "Is it fast?", 1), Some(&session));
        assert!(reply.post);
        assert_eq!(
            reply.offer.as_ref().map(|o| (o.label.as_str(), o.token.as_str())),
            Some(("Upvote (1)", "qa-vote:9"))
        );
        assert_eq!(reply.body, "Is it fast?", "the question alone, which no formatting of it can spill out of");
        assert_eq!(reply.fields[0].value, "1 vote · asked anonymously");
        let mut removed = question(9, "Is it fast?", 1);
        removed.removed = true;
        let gone = engine.qa_question(&removed, Some(&session));
        assert!(gone.offer.is_none() && !gone.body.contains("fast"));
    }
}
