//! Questions about the conference itself, answered from the programme
//! export: its name, where it is held, when it starts and ends and how
//! many days it runs, the time zone of its times, its rooms and tracks,
//! and how many sessions and speakers it has (`where is the conference
//! held`, `how many rooms are there`, `what time zone are the times in`).
//!
//! A question is about the conference when it names no person, time, room
//! or track, and every word it says besides grammar either names the
//! conference (a noun such as `conference` or `event`, or a word of its own
//! title or acronym) or says which fact it asks (`rooms`, `tracks`, `days`,
//! `time zone`, `start`, `held`, `which city`): a word of anything else
//! makes it another rule's question. A session, room, track or speaker
//! named in the singular without a title (`the keynote`, `which room`,
//! `who is the speaker`) is asked about one of them, not the conference.
//!
//! Where the conference is held is the place its own title names, as the
//! gazetteer ([`is_place`]) knows places; a time zone is not a place
//! (Europe/Berlin holds Hamburg's congress), so for a title that names
//! none the reply says the programme does not say, and gives what it does
//! say: the rooms and the time zone. Days and times are in the
//! conference's zone.
//!
//! Its rule asks the source the programme's rules ask
//! ([`Source::Programme`](super::asked::Source::Programme)): the same
//! export, cited the same way; the rule's name says which part of it
//! answered. A source of its own would tell apart nothing the rule does not.

use std::collections::HashSet;

use super::asked::Asked;
use super::own_name::{names_it, own_name};
use super::programme::when_where;
use super::question::{Intent, Question, Role};
use super::titles::title_stems;
use crate::command::CommandKind;
use crate::engine::Engine;
use crate::index::stems;
use crate::lexicon::grammar::{is_function_word, is_stop_word, singular};
use crate::lexicon::questions::{
    ANY_SESSION_NOUNS, CONFERENCE_NOUNS, COUNT_WORDS, DAY_NOUNS, END_WORDS, HAVE_WORDS, HELD_WORDS, HOST_PLACE_NOUNS,
    NAME_ASK_WORDS, OVERVIEW_WORDS, PEOPLE_NOUNS, ROOM_NOUNS, SPEAKER_NOUNS, START_WORDS, TALKING, TRACK_NOUNS,
    ZONE_NOUNS, is_frame_word, is_session_noun,
};
use crate::lexicon::wordnet::is_place;
use crate::render::time_span;
use crate::reply::{Reply, Status};
use crate::schedule::{Session, UNTITLED};

/// Most names (rooms, tracks, speakers) one sentence lists.
const IN_SENTENCE: usize = 10;
/// The most words a place's name in a title has (`Aix-la-Chapelle`, `Rio
/// de Janeiro`).
const PLACE_WORDS: usize = 4;

/// A fact of the conference a question asks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fact {
    /// Where it is held.
    Place,
    /// When it runs.
    Dates,
    Start,
    End,
    /// How many days it runs.
    Days,
    /// The zone of the programme's times.
    Zone,
    Rooms,
    Tracks,
    /// How many sessions it has.
    Sessions,
    Speakers,
    Name,
    /// All of it, for a question that names the conference and asks nothing in particular.
    Overview,
}

/// A kind of thing the programme holds many of, as a question names it:
/// in the plural (`how many rooms`, `what tracks`), or one of them (`which
/// room`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Named {
    One,
    Many,
}

/// What a question's words say, as the conference's facts read them.
#[derive(Debug, Default)]
struct Said {
    /// It names the conference: a noun for one, or its own name's words.
    conference: bool,
    /// It names it by a noun for one (`the event`).
    by_noun: bool,
    /// The stems of its own name it names.
    own: HashSet<String>,
    /// It names its whole title or acronym.
    whole: bool,
    held: bool,
    host_place: bool,
    start: bool,
    end: bool,
    zone: bool,
    /// `days`, `dates`: the conference's; `what day`, `start date`: one of them.
    days: Option<Named>,
    count: bool,
    name: bool,
    overview: bool,
    people: bool,
    talking: bool,
    rooms: Option<Named>,
    tracks: Option<Named>,
    speakers: Option<Named>,
    /// The kind of session it names, in the singular.
    sessions: Option<(String, Named)>,
    /// A word none of the above: the question is about something else.
    other: bool,
}

impl Said {
    /// Whether it names one session, room, track or speaker without a title.
    fn names_one(&self) -> bool {
        [self.rooms, self.tracks, self.speakers, self.sessions.as_ref().map(|(_, n)| *n)].contains(&Some(Named::One))
    }
}

/// Rule: a fact of the conference itself, when the question asks one and
/// nothing else.
pub(super) fn fact(a: &Asked<'_>) -> Option<Reply> {
    let (fact, said) = asked_fact(a)?;
    Some(Facts::of(a.engine).answer(fact, &said))
}

/// Whether the question asks a fact of the conference itself.
pub(super) fn asks(a: &Asked<'_>) -> bool {
    asked_fact(a).is_some()
}

fn asked_fact(a: &Asked<'_>) -> Option<(Fact, Said)> {
    let links = a.links;
    // A person named is read by `said`; one by a pronoun is asked about.
    let elsewhere = a.q.by_pronoun
        || links.who.is_some()
        || links.stranger.is_some()
        || links.room.is_some()
        || links.track.is_some()
        || !links.timing.is_empty();
    if a.engine.schedule.sessions.is_empty() || elsewhere {
        return None;
    }
    let mut said = said(a.engine, &links.programme);
    said.whole = whole_name(a.engine, &said.own);
    // A person named by two words or more is named, whatever the words
    // (`Sample Host`); by one that frames the question, no one is.
    if a.q.person.is_some_and(|p| name_words(a, p) > 1) {
        return None;
    }
    let fact = asked(a.q.intent, &said)?;
    // Some words of its name, no more, may be a session's title's
    // (`Chaos Communication` of the Congress and of `Chaos Communication
    // Chemistry`): then the session they name is asked about.
    let partly_named = !said.by_noun && !said.own.is_empty() && !said.whole;
    if partly_named && super::programme::by_title_words(a).is_some() {
        return None;
    }
    Some((fact, said))
}

/// How many of the question's words are words of the name of `person`
/// (a possessive too).
fn name_words(a: &Asked<'_>, person: usize) -> usize {
    let Some(person) = a.engine.directory.people.get(person) else { return 0 };
    let of_name = |w: &str| stems(w).iter().any(|s| person.stems.contains(s));
    a.q.words.iter().filter(|w| of_name(w) || w.strip_suffix('s').is_some_and(of_name)).count()
}

/// Whether `named` (stems) holds the conference's whole title or its
/// whole acronym.
fn whole_name(engine: &Engine, named: &HashSet<String>) -> bool {
    let conference = &engine.schedule.conference;
    let whole = |name: &str| {
        let stems = title_stems(name);
        !stems.is_empty() && stems.iter().all(|s| named.contains(s))
    };
    whole(&conference.title) || conference.acronym.as_deref().is_some_and(whole)
}

/// Reads the question's words for what they say of the conference.
fn said(engine: &Engine, q: &Question) -> Said {
    let own = own_name(engine);
    let mut said = Said::default();
    for (word, role) in q.words.iter().zip(&q.roles) {
        let one = singular(word);
        let is = |list: &[&str]| list.contains(&word.as_str()) || list.contains(&one.as_str());
        let named = || if *word == one { Named::One } else { Named::Many };
        let mut known = true;
        if is(CONFERENCE_NOUNS) {
            said.conference = true;
            said.by_noun = true;
        } else if *role != Role::Frame && names_it(word, &own) {
            said.conference = true;
            said.own.extend(stems(word));
        } else if is(ZONE_NOUNS) {
            said.zone = true;
        } else if is(ROOM_NOUNS) {
            said.rooms = Some(named());
        } else if is(TRACK_NOUNS) {
            said.tracks = Some(named());
        } else if is(SPEAKER_NOUNS) {
            said.speakers = Some(named());
        } else if is_session_noun(word) {
            said.sessions = Some((one.clone(), named()));
        } else if is(DAY_NOUNS) {
            said.days = Some(named());
        } else {
            known = false;
        }
        // Words of more than one list (`place` in `take place` and `which place`).
        for (list, flag) in [
            (HELD_WORDS, &mut said.held),
            (HOST_PLACE_NOUNS, &mut said.host_place),
            (START_WORDS, &mut said.start),
            (END_WORDS, &mut said.end),
            (COUNT_WORDS, &mut said.count),
            (NAME_ASK_WORDS, &mut said.name),
            (OVERVIEW_WORDS, &mut said.overview),
            (PEOPLE_NOUNS, &mut said.people),
            (TALKING, &mut said.talking),
        ] {
            if is(list) {
                *flag = true;
                known = true;
            }
        }
        // `use`, `offer`: what it has, whichever fact that is.
        known |= is(HAVE_WORDS);
        // A word of a person's name is something else too, unless it is also
        // a word of the question's frame (`sessions` of `Besen und Zombie Sessions`).
        let content = matches!(role, Role::Content | Role::Name);
        if !known && content && !is_frame_word(&one) && !is_stop_word(&one) {
            said.other = true;
        }
    }
    said
}

/// The fact a question asks, from the kind of answer it wants and what
/// its words say; `None` when it asks none, or asks about something else.
fn asked(intent: Intent, said: &Said) -> Option<Fact> {
    if said.other {
        return None;
    }
    if said.zone {
        return Some(Fact::Zone);
    }
    if intent == Intent::Amount || said.count {
        return if said.days.is_some() {
            Some(Fact::Days)
        } else if said.rooms.is_some() {
            Some(Fact::Rooms)
        } else if said.tracks.is_some() {
            Some(Fact::Tracks)
        } else if said.speakers.is_some() || (said.people && said.talking) {
            Some(Fact::Speakers)
        } else if said.sessions.is_some() {
            Some(Fact::Sessions)
        } else {
            None
        };
    }
    if said.names_one() {
        return None;
    }
    let many = |named: Option<Named>| named == Some(Named::Many);
    // `what day is it` asks today's date; `what days`, `the conference's day` its own.
    let its_dates = said.conference || many(said.days);
    let when = |dates: bool| {
        if said.start {
            Some(Fact::Start)
        } else if said.end {
            Some(Fact::End)
        } else {
            dates.then_some(Fact::Dates)
        }
    };
    match intent {
        Intent::When | Intent::Day => when(its_dates),
        Intent::HowLong => (said.conference || said.held).then_some(Fact::Days),
        Intent::Where if many(said.rooms) => Some(Fact::Rooms),
        Intent::Where if many(said.tracks) => Some(Fact::Tracks),
        Intent::Where => (said.conference || said.held || said.host_place).then_some(Fact::Place),
        Intent::Who => (many(said.speakers) || (said.talking && said.conference)).then_some(Fact::Speakers),
        Intent::Which | Intent::Other | Intent::About | Intent::Track => {
            if let Some(fact) = said.days.and_then(|_| when(its_dates)) {
                Some(fact)
            } else if said.host_place {
                Some(Fact::Place)
            } else if many(said.rooms) {
                Some(Fact::Rooms)
            } else if many(said.tracks) {
                Some(Fact::Tracks)
            } else if many(said.speakers) {
                Some(Fact::Speakers)
            } else if said.sessions.is_some() {
                Some(Fact::Sessions)
            } else if said.name && said.conference {
                Some(Fact::Name)
            } else {
                // Some words of its title alone are a topic too (`what is devops`).
                (said.by_noun || said.whole || said.overview).then_some(Fact::Overview)
            }
        }
        Intent::HowOld | Intent::Amount | Intent::On | Intent::Opinion => None,
    }
}

/// The place a conference's title names: of the runs of up to
/// [`PLACE_WORDS`] of its words, apart by spaces or hyphens, that the
/// gazetteer knows, the last (a title names its place after its own name:
/// `The DEVOPS Conference - Copenhagen`, `DDD Melbourne`), longest first
/// where runs overlap. A lone function word is none (`IN`, `OR` and `DE`
/// are states' codes too).
fn place_in_title(title: &str) -> Option<&str> {
    let words = crate::text::words::words(title);
    let mut found = None;
    let mut start = 0;
    while start < words.len() {
        let longest = (1..=PLACE_WORDS.min(words.len() - start)).rev().find(|&len| {
            let run = &words[start..start + len];
            let apart = run[1..].iter().all(|w| matches!(w.gap.trim(), "" | "-"));
            let lone_function_word = len == 1 && is_function_word(&run[0].folded);
            apart && !lone_function_word && is_place(&title[run[0].start..run[len - 1].range().end])
        });
        match longest {
            Some(len) => {
                found = Some(&title[words[start].start..words[start + len - 1].range().end]);
                start += len;
            }
            None => start += 1,
        }
    }
    found
}

/// The programme's facts of the conference, for one answer.
struct Facts<'a> {
    engine: &'a Engine,
    sessions: &'a [Session],
    zone: &'a jiff::tz::TimeZone,
}

impl<'a> Facts<'a> {
    fn of(engine: &'a Engine) -> Facts<'a> {
        let schedule = &engine.schedule;
        Facts { engine, sessions: &schedule.sessions, zone: &schedule.conference.time_zone }
    }

    fn title(&self) -> Option<&str> {
        let title = self.engine.schedule.conference.title.trim();
        (!title.is_empty() && title != UNTITLED).then_some(title)
    }

    /// The conference as a sentence starts with it: its title, or `The conference`.
    fn name(&self) -> String {
        self.title().map_or_else(|| String::from("The conference"), str::to_string)
    }

    /// The conference within a sentence.
    fn name_within(&self) -> String {
        self.title().map_or_else(|| String::from("the conference"), str::to_string)
    }

    fn zone_name(&self) -> String {
        self.engine.schedule.conference.zone_name()
    }

    /// `1–2 November 2022 (2 days)`, or for days with a gap between them
    /// `31 October – 3 November 2024 (3 days with sessions)`.
    fn dates(&self) -> String {
        let days = self.engine.days();
        let dates = self.engine.dates_text().unwrap_or_default();
        let (Some(first), Some(last)) = (days.first(), days.last()) else { return dates };
        let spanned = first.until(*last).map_or(0, |span| span.get_days()) + 1;
        if usize::try_from(spanned).is_ok_and(|n| n == days.len()) {
            format!("{dates} ({})", plural(days.len(), "day"))
        } else {
            format!("{dates} ({} with sessions)", plural(days.len(), "day"))
        }
    }

    /// `2 rooms: Main Stage and Room 2`, the first of many and how many more.
    fn rooms(&self) -> String {
        counted(&self.engine.schedule.rooms, "room")
    }

    fn tracks(&self) -> Vec<String> {
        let mut tracks: Vec<String> = Vec::new();
        for track in self.sessions.iter().filter_map(|s| s.track.as_deref()).map(str::trim) {
            if !track.is_empty() && !tracks.iter().any(|t| crate::text::fold(t) == crate::text::fold(track)) {
                tracks.push(track.to_string());
            }
        }
        tracks
    }

    /// Everyone a session names, once each, in the programme's order.
    fn speakers(&self) -> Vec<String> {
        let mut seen = HashSet::new();
        let names = self.sessions.iter().flat_map(|s| &s.speakers).map(|n| n.trim());
        names.filter(|n| !n.is_empty() && seen.insert(crate::text::fold(n))).map(str::to_string).collect()
    }

    /// The first session to start, and the last to end.
    fn first(&self) -> &'a Session {
        &self.sessions[0]
    }

    fn last(&self) -> &'a Session {
        self.sessions.iter().max_by_key(|s| (s.end, s.start)).unwrap_or(&self.sessions[0])
    }

    fn day_of(&self, at: jiff::Timestamp) -> String {
        at.to_zoned(self.zone.clone()).strftime("%A %-d %B %Y").to_string()
    }

    fn answer(&self, fact: Fact, said: &Said) -> Reply {
        let name = self.name();
        let zone = self.zone_name();
        match fact {
            Fact::Place => match self.title().and_then(place_in_title) {
                Some(place) => self.reply(format!("{name} is held in {place}, as its title says; it runs on {}.", self.dates()), &[]),
                None => self.not_found(format!(
                    "The programme does not say where {} is held: its title names no place. What it does say: its sessions are in {}, and its times are in the {zone} time zone.",
                    self.name_within(),
                    self.rooms()
                )),
            },
            Fact::Dates => self.reply(format!("{name} runs on {}, in the {zone} time zone.", self.dates()), &[]),
            Fact::Days => self.reply(format!("{name} runs on {}.", self.dates()), &[]),
            Fact::Start => {
                let first = self.first();
                let body = format!(
                    "{name} starts on {}: its first session, “{}”, is {}.",
                    self.day_of(first.start),
                    first.title,
                    when_where(self.engine, first)
                );
                self.reply(body, &[first])
            }
            Fact::End => {
                let last = self.last();
                let body = format!(
                    "{name} ends on {}: its last session, “{}”, is {}.",
                    self.day_of(last.end),
                    last.title,
                    when_where(self.engine, last)
                );
                self.reply(body, &[last])
            }
            Fact::Zone => {
                let first = self.first();
                let body = format!(
                    "The programme's times are in the {zone} time zone: its first session, for one, is on {}.",
                    time_span(first.start, first.end, self.zone)
                );
                self.reply(body, &[])
            }
            Fact::Rooms if self.engine.schedule.rooms.is_empty() => {
                self.not_found(String::from("The programme names no rooms."))
            }
            Fact::Rooms => self.reply(format!("{name} has {}.", self.rooms()), &[]),
            Fact::Tracks => match self.tracks().as_slice() {
                [] => self.not_found(String::from("The programme puts its sessions in no track.")),
                tracks => self.reply(format!("{name} has {}.", counted(tracks, "track")), &[]),
            },
            Fact::Sessions => {
                let kind = said.sessions.as_ref().map(|(kind, _)| self.of_kind(kind)).unwrap_or_default();
                let body = format!(
                    "The programme of {} lists {}{kind}, on {} in {}.",
                    self.name_within(),
                    plural(self.sessions.len(), "session"),
                    plural(self.engine.days().len(), "day"),
                    plural(self.engine.schedule.rooms.len(), "room")
                );
                self.reply(body, &[])
            }
            Fact::Speakers => {
                let speakers = self.speakers();
                let body = if speakers.is_empty() {
                    String::from("The programme names no speakers.")
                } else {
                    format!(
                        "The programme of {} names {}, in {}.",
                        self.name_within(),
                        counted(&speakers, "speaker"),
                        plural(self.sessions.len(), "session")
                    )
                };
                self.reply(body, &[])
            }
            Fact::Name => match self.title() {
                Some(title) => {
                    let acronym = self.engine.schedule.conference.acronym.as_deref().map(str::trim);
                    let also = acronym.filter(|a| !a.is_empty()).map(|a| format!(" ({a})")).unwrap_or_default();
                    self.reply(format!("The conference is {title}{also}."), &[])
                }
                None => self.not_found(String::from("The programme does not give the conference's name.")),
            },
            Fact::Overview => self.reply(self.overview(), &[]),
        }
    }

    /// Everything the programme says of the conference, in two sentences.
    fn overview(&self) -> String {
        let name = self.name();
        let place = self.title().and_then(place_in_title);
        let held = place.map(|p| format!(" is held in {p} and")).unwrap_or_default();
        let tracks = self.tracks();
        let tracks = if tracks.is_empty() { String::new() } else { format!(", in {}", plural(tracks.len(), "track")) };
        let unsaid = if place.is_none() { " The programme does not say where it is held." } else { "" };
        format!(
            "{name}{held} runs on {}: {} by {} in {}{tracks}; its times are in the {} time zone.{unsaid}",
            self.dates(),
            plural(self.sessions.len(), "session"),
            plural(self.speakers().len(), "speaker"),
            plural(self.engine.schedule.rooms.len(), "room"),
            self.zone_name()
        )
    }

    /// `, 4 of them of the type “talk”`: how many sessions the programme
    /// types as the kind of session asked about, when some are and some
    /// not; `, none of them of the type “keynote”` for a kind no session
    /// has, when the programme types its sessions and the kind is not any
    /// session (`talk`).
    fn of_kind(&self, kind: &str) -> String {
        let typed: Vec<&str> = self
            .sessions
            .iter()
            .filter_map(|s| s.kind.as_deref())
            .filter(|k| singular(&crate::text::fold(k)) == kind)
            .collect();
        let types_sessions = self.sessions.iter().any(|s| s.kind.as_deref().is_some_and(|k| !k.trim().is_empty()));
        match typed.first() {
            Some(written) if typed.len() < self.sessions.len() => {
                format!(", {} of them of the type “{written}”", typed.len())
            }
            None if types_sessions && !ANY_SESSION_NOUNS.contains(&kind) => {
                format!(", none of them of the type “{kind}”")
            }
            _ => String::new(),
        }
    }

    fn reply(&self, body: String, sessions: &[&Session]) -> Reply {
        let mut reply = Reply::message(CommandKind::Ask, Status::Ok, body);
        reply.sessions = sessions.iter().map(|s| self.engine.session_item(s)).collect();
        reply.time_zone = Some(self.zone.clone());
        reply.sources.push(self.engine.schedule_source());
        reply.result_count = 1;
        reply
    }

    fn not_found(&self, body: String) -> Reply {
        let mut reply = Reply::message(CommandKind::Ask, Status::NotFound, body);
        reply.time_zone = Some(self.zone.clone());
        reply.sources.push(self.engine.schedule_source());
        reply
    }
}

/// `1 room`, `2 rooms`.
fn plural(n: usize, noun: &str) -> String {
    if n == 1 { format!("1 {noun}") } else { format!("{n} {noun}s") }
}

/// `2 rooms: Main Stage and Room 2`; of more than [`IN_SENTENCE`], the
/// first and how many more.
fn counted(names: &[String], noun: &str) -> String {
    let shown: Vec<&str> = names.iter().take(IN_SENTENCE).map(String::as_str).collect();
    let more = names.len() - shown.len();
    let listed = match (shown.as_slice(), more) {
        ([], _) => return plural(0, noun),
        ([one], 0) => (*one).to_string(),
        ([rest @ .., last], 0) => format!("{} and {last}", rest.join(", ")),
        (all, more) => format!("{} and {more} more", all.join(", ")),
    };
    format!("{}: {listed}", plural(names.len(), noun))
}

#[cfg(test)]
mod tests {
    use super::place_in_title;

    #[test]
    fn a_title_names_its_place_after_its_name() {
        assert_eq!(place_in_title("The DEVOPS Conference - Copenhagen (sample schedule)"), Some("Copenhagen"));
        assert_eq!(place_in_title("DDD Melbourne 2025"), Some("Melbourne"));
        assert_eq!(place_in_title("PyCon Rio de Janeiro"), Some("Rio de Janeiro"));
        assert_eq!(place_in_title("HACK IN THE BOX"), None);
        assert_eq!(place_in_title("Chaos Communication Camp 2019"), None);
        assert_eq!(place_in_title("FOSDEM 2025"), None);
    }
}
