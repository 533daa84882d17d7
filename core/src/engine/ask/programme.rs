//! Questions about the programme, answered from it: when, where, who, how
//! long, which day and which track a session is; what a speaker is giving;
//! what is on at a time (`now`, `next`, `at 11`, `this afternoon`, `after
//! the keynote`, `before lunch`), in a room or a track; who is talking
//! about a topic.
//!
//! Every answer is one sentence that answers the question, with the
//! sessions it names as structured sessions in the reply, so that each
//! platform shows their times in the reader's own zone. A question that is
//! not about the programme gets `None`, and is answered from what people
//! said and wrote (`knowledge.rs`).

use jiff::Timestamp;
use jiff::civil::Date;

use super::asked::Asked;
use super::question::{Intent, Question, Role};
use super::timing::{self, Relation, Timing};
use super::titles::{Link, Titles, title_stems};
use crate::command::CommandKind;
use crate::engine::{Context, Engine};
use crate::index::{DocKind, Filter, KnowledgeIndex, Target};
use crate::lexicon::grammar::is_stop_word;
use crate::lexicon::questions::BASED_ASK_WORDS;
use crate::lexicon::questions::{TALKING, is_session_noun};
use crate::people::Attribute;
use crate::render::time_span;
use crate::reply::{Reply, Status};
use crate::schedule::Session;
use crate::tuning::{LINKED, MARGIN, MOST_OF_TITLE, STRONG, WHOLE_QUESTION};

/// Most sessions one reply lists.
const MAX_LISTED: usize = 25;
/// Most sessions one sentence names.
const IN_SENTENCE: usize = 3;

/// Whether the programme can answer: it has sessions, and the question
/// does not ask where someone comes from (`where is X from`).
fn answerable(a: &Asked<'_>) -> bool {
    !a.engine.schedule.sessions.is_empty() && a.q.words.last().is_none_or(|w| w != "from")
}

/// Whether a question asks about the programme whatever its words: it
/// names a session or asks when, where, who, which day or track, how long.
fn about_programme(q: &Question) -> bool {
    q.about_sessions
        || matches!(
            q.intent,
            Intent::On | Intent::When | Intent::Where | Intent::Who | Intent::Day | Intent::HowLong | Intent::Track
        )
}

/// How the programme's rules ask it.
fn asks<'a>(a: &'a Asked<'_>) -> Asks<'a> {
    Asks {
        engine: a.engine,
        titles: a.engine.titles(),
        index: a.index,
        ctx: a.ctx,
        room: a.links.room.clone(),
        track: a.links.track.clone(),
        person: a.links.person,
    }
}

/// Rule: a session named by its whole title, or by nearly all of its
/// words, is what is asked about, even when its title reads like a time or
/// a room (`Parks on the Air [DAY 1]`, `10.000 Seiten später`).
pub(super) fn by_whole_title(a: &Asked<'_>) -> Option<Reply> {
    let q = &a.links.programme;
    if !answerable(a) || q.intent == Intent::On {
        return None;
    }
    let engine = a.engine;
    let full = whole_title(engine, q).map(|session| Link { session, question: 1.0, title: 1.0 }).or_else(|| {
        let all = super::question::terms_of(q.words_with(&[Role::Content, Role::Name, Role::Used]).map(|(_, w)| w));
        clear_link(&engine.titles().link(&all, 8), engine).filter(|l| l.question >= STRONG && l.title >= STRONG)
    });
    let link = full.filter(|link| fits_title(q, link))?;
    Some(asks(a).session(q, link.session))
}

/// Rule: what is on at a time (`now`, `at 11`, `after the keynote`).
pub(super) fn at_a_time(a: &Asked<'_>) -> Option<Reply> {
    let q = &a.links.programme;
    let timing = &a.links.timing;
    if !answerable(a) || !((!timing.is_empty() && about_programme(q)) || q.intent == Intent::On) {
        return None;
    }
    asks(a).at_a_time(q, timing, &q.terms())
}

/// Rule: `who is talking about X`, `talks on X`: every session on it.
pub(super) fn every_on_topic(a: &Asked<'_>) -> Option<Reply> {
    let q = &a.links.programme;
    let terms = q.terms();
    if !answerable(a) || asks_for_topic(q) != Some(Topic::Every) || terms.is_empty() {
        return None;
    }
    asks(a).on_topic(q, &terms)
}

/// The session the question's words (rooms and tracks included, which may
/// be words of a title too) name, when one stands clear of the rest.
fn by_title(a: &Asked<'_>) -> Option<Link> {
    let q = &a.links.programme;
    let named = super::question::terms_of(q.words_with(&[Role::Content, Role::Name, Role::Used]).map(|(_, w)| w));
    clear_link(&a.engine.titles().link(&named, 8), a.engine)
}

/// Rule: a question about the person's sessions (when they are on, what
/// they talk about).
pub(super) fn persons_sessions(a: &Asked<'_>) -> Option<Reply> {
    let q = &a.links.programme;
    let person = a.links.person?;
    // `where does she work` asks a fact of her, not where she speaks;
    // `where is she` may ask either.
    let bare_where =
        a.links.asks == Some(Attribute::BasedIn) && !a.q.words.iter().any(|w| BASED_ASK_WORDS.contains(&w.as_str()));
    if !answerable(a) || (a.links.asks.is_some() && !bare_where) {
        return None;
    }
    // Someone the programme gives no session, asked when or where they speak.
    let theirs = a.engine.sessions_by_person.get(person).is_some_and(|s| !s.is_empty());
    let of_a_session = q.about_sessions || matches!(q.intent, Intent::When | Intent::Where | Intent::Day);
    if !theirs && of_a_session && q.terms().is_empty() {
        let name = &a.engine.directory.people[person].name;
        return Some(asks(a).nothing(format!("{name} has no session in this programme.")));
    }
    asks(a).person(q, person, &q.terms(), by_title(a).as_ref())
}

/// Rule: a session its title's words name.
pub(super) fn by_title_words(a: &Asked<'_>) -> Option<Reply> {
    let q = &a.links.programme;
    if !answerable(a) {
        return None;
    }
    let link = by_title(a).filter(|link| fits_title(q, link))?;
    Some(asks(a).session(q, link.session))
}

/// Rule: the sessions in a room or track, when nothing else is asked.
pub(super) fn in_room_or_track(a: &Asked<'_>) -> Option<Reply> {
    let q = &a.links.programme;
    if !answerable(a)
        || (a.links.room.is_none() && a.links.track.is_none())
        || !q.terms().is_empty()
        || !about_programme(q)
    {
        return None;
    }
    let asks = asks(a);
    asks.listing(q, asks.pool(None, &[]), "")
}

/// Rule: `is there a session on X`: the sessions on a topic.
pub(super) fn some_on_topic(a: &Asked<'_>) -> Option<Reply> {
    let q = &a.links.programme;
    let terms = q.terms();
    if !answerable(a) || asks_for_topic(q).is_none() || terms.is_empty() {
        return None;
    }
    asks(a).on_topic(q, &terms)
}

/// How a question asks for sessions on a topic.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Topic {
    /// `is there a talk on X`: one, perhaps.
    Some,
    /// `who is talking about X`, `talks on X`: every one.
    Every,
}

/// Whether a question asks for the sessions on a topic: it names a kind of
/// session (`is there a session on Go`), or in the plural, or asks who is
/// talking or speaking about or on something (every session on it).
fn asks_for_topic(q: &Question) -> Option<Topic> {
    if matches!(q.intent, Intent::Opinion | Intent::HowOld | Intent::Amount) {
        return None;
    }
    let talks_about = q
        .words
        .windows(2)
        .any(|pair| TALKING.contains(&pair[0].as_str()) && matches!(pair[1].as_str(), "about" | "on"));
    let plural = q.words.iter().any(|w| is_session_noun(w) && w.ends_with('s'));
    if talks_about || plural {
        return Some(Topic::Every);
    }
    q.words.iter().any(|w| is_session_noun(w)).then_some(Topic::Some)
}

/// The longest title of a session that the question holds whole, as
/// words (of two words or more, or one that is not grammar), when the
/// question says nothing else but how it asks: `when is the RISC-V devroom
/// welcome` holds the title `Devroom welcome`, and is not about it.
fn whole_title(engine: &Engine, q: &Question) -> Option<usize> {
    let folded = crate::text::fold(&q.typed);
    let words: Vec<&str> = folded.split(' ').filter(|w| !w.is_empty()).collect();
    let asking = |w: &&str| is_stop_word(w) || crate::lexicon::questions::is_frame_word(w);
    for len in (1..=words.len()).rev() {
        for start in 0..=words.len() - len {
            let run = &words[start..start + len];
            if len == 1 && (is_stop_word(run[0]) || is_session_noun(run[0])) {
                continue;
            }
            let Some(sessions) = engine.sessions_by.title.get(&run.join(" ")) else { continue };
            let rest = words[..start].iter().chain(&words[start + len..]);
            if rest.clone().all(|w| asking(w) || is_session_noun(w)) {
                return sessions.first().copied();
            }
        }
    }
    None
}

/// The best link when it stands clear of the rest: it explains most of the
/// question, and the next is a session of the same title or well behind.
fn clear_link(links: &[Link], engine: &Engine) -> Option<Link> {
    let best = *links.first()?;
    if best.question < LINKED {
        return None;
    }
    let title = |l: &Link| crate::text::fold(&engine.schedule.sessions[l.session].title);
    let rival = links[1..].iter().find(|l| title(l) != title(&best));
    rival.is_none_or(|r| r.score() + MARGIN <= best.score()).then_some(best)
}

/// Whether a question that links to a title asks about that session: one
/// that wants a time, place, person, length, day or track does; another
/// does when it names a session or little but the title.
fn fits_title(q: &Question, link: &Link) -> bool {
    match q.intent {
        Intent::When | Intent::Day | Intent::Where | Intent::Track | Intent::Who | Intent::HowLong => true,
        Intent::About | Intent::Other => {
            q.about_sessions || (link.question >= WHOLE_QUESTION && link.title >= MOST_OF_TITLE)
        }
        Intent::On => true,
        Intent::Which => q.about_sessions,
        Intent::Opinion | Intent::HowOld | Intent::Amount => false,
    }
}

/// What a question is asked with.
struct Asks<'a> {
    engine: &'a Engine,
    titles: &'a Titles,
    index: &'a KnowledgeIndex,
    ctx: &'a Context,
    room: Option<String>,
    track: Option<String>,
    person: Option<usize>,
}

impl Asks<'_> {
    fn zone(&self) -> &jiff::tz::TimeZone {
        &self.engine.schedule.conference.time_zone
    }

    fn session_at(&self, i: usize) -> &Session {
        &self.engine.schedule.sessions[i]
    }

    /// The sessions in the room and track asked about, the person's when
    /// `person` is given, those `terms` name when they name any.
    fn pool(&self, person: Option<usize>, terms: &[String]) -> Vec<usize> {
        let sessions = &self.engine.schedule.sessions;
        let mut pool: Vec<usize> = match person {
            Some(p) => self.engine.sessions_by_person.get(p).cloned().unwrap_or_default(),
            None => (0..sessions.len()).collect(),
        };
        pool.retain(|&i| {
            let s = &sessions[i];
            self.room.as_ref().is_none_or(|r| &s.room == r)
                && self.track.as_ref().is_none_or(|t| s.track.as_ref() == Some(t))
        });
        if !terms.is_empty() {
            let named: Vec<usize> = self.named_by(terms).into_iter().filter(|i| pool.contains(i)).collect();
            if !named.is_empty() {
                pool = named;
            }
        }
        pool.sort_by_key(|&i| (sessions[i].start, i));
        pool
    }

    /// The sessions `terms` name: by title when the title explains most of
    /// them, else those whose title, abstract or track hold most of them.
    fn named_by(&self, terms: &[String]) -> Vec<usize> {
        let links = self.titles.link(terms, MAX_LISTED * 4);
        let by_title: Vec<usize> = links.iter().filter(|l| l.question >= LINKED).map(|l| l.session).collect();
        if !by_title.is_empty() {
            return by_title;
        }
        self.covering(terms)
    }

    /// `what's on now / next / at 11 / after the keynote / tomorrow`.
    fn at_a_time(&self, q: &Question, timing: &Timing, terms: &[String]) -> Option<Reply> {
        let sessions = &self.engine.schedule.sessions;
        let zone = self.zone().clone();
        let now = self.ctx.now;
        let today = now.to_zoned(zone.clone()).date();
        let days = &self.titles.days;
        let day = timing.day.and_then(|d| timing::resolve_day(d, today, days));
        let on_day = |d: Date, i: &usize| self.titles.dates[*i] == d;
        // Words besides the time must name sessions: `what did he do before
        // ssh` is not about the programme.
        if !terms.is_empty() && self.named_by(terms).is_empty() {
            return None;
        }
        let mut pool = self.pool(self.person, terms);
        if let Some(d) = day {
            pool.retain(|i| on_day(d, i));
        }
        let day_text = |d: Date| d.strftime("%a %-d %b").to_string();
        let (lead, chosen): (String, Vec<usize>) = match &timing.relation {
            Some(Relation::Now) => {
                let running: Vec<usize> =
                    pool.iter().copied().filter(|&i| sessions[i].start <= now && now < sessions[i].end).collect();
                if running.is_empty() {
                    let next = next_per_room(sessions, &pool, now);
                    if next.is_empty() {
                        return Some(self.nothing(self.nothing_more("Nothing is on right now")));
                    }
                    ("Nothing is on right now; next".to_string(), next)
                } else {
                    ("On now".to_string(), running)
                }
            }
            Some(Relation::Next) => {
                let from = match (timing.at, day) {
                    (Some(at), d) => timing::instant(d.unwrap_or_else(|| timing::default_day(today, days)), at, &zone)?,
                    (None, Some(d)) if d != today => timing::instant(d, jiff::civil::Time::midnight(), &zone)?,
                    _ => now,
                };
                ("Next".to_string(), next_per_room(sessions, &pool, from))
            }
            Some(Relation::First) => {
                (first_or_last(day, "First", &day_text), pool.first().copied().into_iter().collect())
            }
            Some(Relation::Last) => (first_or_last(day, "Last", &day_text), pool.last().copied().into_iter().collect()),
            Some(relation @ (Relation::After(_) | Relation::Before(_))) => {
                let after = matches!(relation, Relation::After(_));
                let (at, what) = match relation {
                    Relation::After(r) | Relation::Before(r) if !r.is_empty() => {
                        // What the programme does not hold is not a time in it.
                        self.anchor(q, r.clone(), day, days)?
                    }
                    _ => {
                        let d = day.unwrap_or_else(|| timing::default_day(today, days));
                        let at = timing.at?;
                        (timing::instant(d, at, &zone)?, at.strftime("%H:%M").to_string())
                    }
                };
                let anchor_day = at.to_zoned(zone.clone()).date();
                let same_day: Vec<usize> = pool.iter().copied().filter(|i| on_day(anchor_day, i)).collect();
                if after {
                    (
                        format!("After {what}"),
                        next_per_room(sessions, &same_day, at - jiff::SignedDuration::from_secs(1)),
                    )
                } else {
                    let before: Vec<usize> = same_day
                        .into_iter()
                        .filter(|&i| sessions[i].start < at && (anchor_day != today || sessions[i].end > now))
                        .collect();
                    (format!("Before {what}"), before)
                }
            }
            None => match timing.at {
                Some(at) => {
                    let d = day.unwrap_or_else(|| timing::default_day(today, days));
                    let t = timing::instant(d, at, &zone)?;
                    let running: Vec<usize> = pool
                        .iter()
                        .copied()
                        .filter(|&i| sessions[i].start <= t && t < sessions[i].end && on_day(d, &i))
                        .collect();
                    (format!("At {} on {}", at.strftime("%H:%M"), day_text(d)), running)
                }
                None => match (day, timing.part) {
                    (d, Some((from, to))) => {
                        let d = d.unwrap_or_else(|| timing::default_day(today, days));
                        let (from, to) = (timing::instant(d, from, &zone)?, timing::instant(d, to, &zone)?);
                        let within: Vec<usize> = pool
                            .iter()
                            .copied()
                            .filter(|&i| sessions[i].start >= from && sessions[i].start < to)
                            .collect();
                        (format!("On {}", day_text(d)), within)
                    }
                    (Some(d), None) => (format!("On {}", day_text(d)), pool.clone()),
                    (None, None) => {
                        // `what's on` alone: now, else next.
                        let running: Vec<usize> = pool
                            .iter()
                            .copied()
                            .filter(|&i| sessions[i].start <= now && now < sessions[i].end)
                            .collect();
                        if running.is_empty() {
                            ("Next".to_string(), next_per_room(sessions, &pool, now))
                        } else {
                            ("On now".to_string(), running)
                        }
                    }
                },
            },
        };
        let lead = match (&self.room, &self.track) {
            (Some(room), _) => format!("{lead} in {room}"),
            (None, Some(track)) => format!("{lead} in the {track} track"),
            _ => lead,
        };
        self.listing(q, chosen, &lead)
    }

    /// When `after X` or `before X` is: the end or start of the session X
    /// names (a title, a person's session, a kind such as `the keynote`),
    /// or a meal's usual hour; with how to name it.
    fn anchor(
        &self,
        q: &Question,
        words: std::ops::Range<usize>,
        day: Option<Date>,
        days: &[Date],
    ) -> Option<(Timestamp, String)> {
        let after = words.start > 0 && q.words[words.start - 1] == "after";
        let text = q.words[words.clone()].join(" ");
        let sessions = &self.engine.schedule.sessions;
        let zone = self.zone().clone();
        let today = self.ctx.now.to_zoned(zone.clone()).date();
        let mut candidates: Vec<usize> = match self.engine.directory.mentioned_in(&text).first() {
            Some(&person) => self.engine.sessions_by_person.get(person).cloned().unwrap_or_default(),
            None => {
                let links = self.titles.link(&title_stems(&text), 16);
                let top = links.first().map_or(0.0, Link::score);
                links.iter().filter(|l| l.question >= LINKED && l.score() + 1e-3 >= top).map(|l| l.session).collect()
            }
        };
        if let Some(d) = day {
            let on: Vec<usize> = candidates.iter().copied().filter(|&i| self.titles.dates[i] == d).collect();
            if !on.is_empty() {
                candidates = on;
            }
        }
        candidates.sort_by_key(|&i| sessions[i].start);
        let chosen = candidates
            .iter()
            .copied()
            .find(|&i| sessions[i].end > self.ctx.now)
            .or_else(|| candidates.first().copied());
        if let Some(i) = chosen {
            let s = &sessions[i];
            let at = if after { s.end } else { s.start };
            let clock = at.to_zoned(zone.clone()).strftime("%H:%M").to_string();
            return Some((at, format!("“{}” ({} {clock})", s.title, if after { "ends" } else { "starts" })));
        }
        let (meal, (from, to)) =
            crate::lexicon::calendar::MEALS.iter().find(|(meal, _)| text.split(' ').any(|w| w == *meal))?;
        let d = day.unwrap_or_else(|| timing::default_day(today, days));
        let hour = if after { *to } else { *from };
        let at = timing::instant(d, jiff::civil::Time::new(hour, 0, 0, 0).ok()?, &zone)?;
        Some((at, format!("{meal} ({hour:02}:00)")))
    }

    /// A question about a person's sessions, when it is one: it names a
    /// session or asks when, where, how long or which day, and what else it
    /// says names their sessions, not another.
    fn person(&self, q: &Question, person: usize, terms: &[String], by_title: Option<&Link>) -> Option<Reply> {
        let theirs = self.engine.sessions_by_person.get(person).filter(|s| !s.is_empty())?;
        if let Some(link) = by_title
            && !theirs.contains(&link.session)
        {
            return None;
        }
        let mut chosen = self.pool(Some(person), &[]);
        if !terms.is_empty() {
            let links = self.titles.link(terms, MAX_LISTED * 4);
            let named: Vec<usize> = links
                .iter()
                .filter(|l| l.question >= LINKED && theirs.contains(&l.session))
                .map(|l| l.session)
                .collect();
            if named.is_empty() {
                return None;
            }
            chosen.retain(|i| named.contains(i));
        } else if !q.about_sessions
            && !matches!(q.intent, Intent::When | Intent::Where | Intent::Day | Intent::HowLong | Intent::Track)
        {
            return None;
        }
        if matches!(q.intent, Intent::Opinion | Intent::HowOld | Intent::Amount) {
            return None;
        }
        if chosen.is_empty() {
            return None;
        }
        let sessions: Vec<&Session> = chosen.iter().map(|&i| self.session_at(i)).collect();
        let name = &self.engine.directory.people[person].name;
        if let [one] = sessions.as_slice() {
            let body = sentence(self.engine, q.intent, one, Some(name));
            return Some(self.reply(body, &sessions));
        }
        let listed: Vec<String> = sessions.iter().take(IN_SENTENCE).map(|s| briefly(self.engine, s)).collect();
        let more = sessions.len().saturating_sub(IN_SENTENCE);
        let body = format!(
            "{name} speaks in {} sessions: {}{}.",
            sessions.len(),
            join(&listed),
            if more > 0 { format!(", and {more} more") } else { String::new() }
        );
        Some(self.reply(body, &sessions))
    }

    /// A question about one session, by its title.
    fn session(&self, q: &Question, session: usize) -> Reply {
        let s = self.session_at(session);
        let all = &self.engine.schedule.sessions;
        let same: Vec<&Session> = self
            .engine
            .sessions_by
            .title
            .get(&crate::text::fold(&s.title))
            .into_iter()
            .flatten()
            .map(|&i| &all[i])
            .collect();
        if same.len() > 1 {
            let now = self.ctx.now;
            let chosen = super::super::talks::once_per_title(self.engine, vec![s], now)[0];
            let upcoming = chosen.start > now;
            let body = format!(
                "“{}” is held {} times; {} {}.",
                s.title,
                same.len(),
                if upcoming {
                    "the next is"
                } else if chosen.end > now {
                    "it is on now,"
                } else {
                    "the last was"
                },
                when_where(self.engine, chosen)
            );
            let mut ordered = vec![chosen];
            ordered.extend(same.iter().copied().filter(|x| !std::ptr::eq(*x, chosen)));
            return self.reply(body, &ordered);
        }
        let body = sentence(self.engine, q.intent, s, None);
        self.reply(body, &[s])
    }

    /// `who is talking about X`: the sessions on a topic, best first: those
    /// of a track the topic names and about it, then the rest about it,
    /// then the rest of the track. A session is about the topic when its
    /// title, abstract or track holds most of the topic's words.
    fn on_topic(&self, q: &Question, terms: &[String]) -> Option<Reply> {
        let by_track: Vec<usize> = self
            .titles
            .tracks
            .iter()
            .filter(|t| {
                let track = title_stems(&t.name);
                terms.iter().all(|term| track.iter().any(|s| s.starts_with(term.as_str())))
            })
            .flat_map(|t| self.engine.sessions_by.track.get(&crate::text::fold(&t.name)).cloned().unwrap_or_default())
            .collect();
        let about = self.covering(terms);
        let (mut ranked, rest): (Vec<usize>, Vec<usize>) = about.iter().partition(|i| by_track.contains(i));
        ranked.extend(rest);
        for i in by_track {
            if !ranked.contains(&i) {
                ranked.push(i);
            }
        }
        if ranked.is_empty() {
            return None;
        }
        let topic = q.content_words().map(|(_, w)| w).collect::<Vec<_>>().join(" ");
        let sessions: Vec<&Session> = ranked.iter().map(|&i| self.session_at(i)).collect();
        let sessions = super::super::talks::once_per_title(self.engine, sessions, self.ctx.now);
        let listed: Vec<String> = sessions
            .iter()
            .take(IN_SENTENCE)
            .map(|s| match q.intent {
                Intent::Who if !s.speakers.is_empty() => format!("{} (“{}”)", join(&s.speakers), s.title),
                _ => briefly(self.engine, s),
            })
            .collect();
        let more = sessions.len().saturating_sub(IN_SENTENCE);
        let count = if sessions.len() == 1 { "1 session".to_string() } else { format!("{} sessions", sessions.len()) };
        let body = format!(
            "{count} on {topic}: {}{}.",
            join(&listed),
            if more > 0 { format!(", and {more} more") } else { String::new() }
        );
        Some(self.reply(body, &sessions))
    }

    /// Sessions whose title, abstract or track hold most of `terms` (by
    /// rarity), best first.
    fn covering(&self, terms: &[String]) -> Vec<usize> {
        let filter = Filter { kind: Some(DocKind::Session), speaker: None };
        let hits = self.index.search_terms(terms, filter, MAX_LISTED * 4);
        let weights: Vec<f32> = terms.iter().map(|t| self.index.idf(t)).collect();
        let total: f32 = weights.iter().sum::<f32>().max(f32::EPSILON);
        let held = self.index.terms_held(&hits, terms);
        hits.iter()
            .zip(held)
            .filter(|(_, held)| {
                let covered: f32 =
                    weights.iter().enumerate().filter(|(i, _)| held & (1 << i) != 0).map(|(_, w)| w).sum();
                covered / total >= LINKED
            })
            .filter_map(|(hit, _)| match self.index.target(hit) {
                Some(Target::Session(i)) => Some(*i),
                _ => None,
            })
            .collect()
    }

    /// A list of sessions at a time, led by what they are.
    fn listing(&self, q: &Question, chosen: Vec<usize>, lead: &str) -> Option<Reply> {
        let sessions: Vec<&Session> = chosen.iter().map(|&i| self.session_at(i)).collect();
        let lead = if lead.is_empty() {
            match (&self.room, &self.track) {
                (Some(room), _) => format!("In {room}"),
                (None, Some(track)) => format!("In the {track} track"),
                _ => "Sessions".to_string(),
            }
        } else {
            lead.to_string()
        };
        if sessions.is_empty() {
            return Some(self.nothing(self.nothing_planned(&lead)));
        }
        if let [one] = sessions.as_slice() {
            let body = match q.intent {
                Intent::When | Intent::Day | Intent::Where | Intent::Who | Intent::HowLong | Intent::Track => {
                    format!("{lead}: {}", sentence(self.engine, q.intent, one, None))
                }
                _ => format!("{lead}: {}.", briefly(self.engine, one)),
            };
            return Some(self.reply(body, &sessions));
        }
        let listed: Vec<String> = sessions
            .iter()
            .take(IN_SENTENCE)
            .map(|s| match q.intent {
                Intent::Who if !s.speakers.is_empty() => format!("{} ({})", join(&s.speakers), briefly(self.engine, s)),
                _ => briefly(self.engine, s),
            })
            .collect();
        let more = sessions.len().saturating_sub(IN_SENTENCE);
        let body = format!(
            "{lead}: {}{}.",
            join(&listed),
            if more > 0 { format!(", and {more} more") } else { String::new() }
        );
        Some(self.reply(body, &sessions))
    }

    /// `lead` when the programme holds nothing more after now: when it ran,
    /// and how to look back at it.
    fn nothing_more(&self, lead: &str) -> String {
        match (self.engine.dates_text(), self.engine.browse_hint()) {
            (Some(dates), Some(browse)) => {
                format!("{lead}: the programme ran on {dates} and is over. To look back at it: {browse}.")
            }
            _ => format!("{lead}, and nothing more is planned."),
        }
    }

    /// What to say when `lead` (`At 10:30 on Sat 1 Feb in Janson`, `In
    /// Janson`, `On Wed 2 Nov`) lists nothing: that nothing is planned
    /// then, and the room's next session, or that the room has none.
    fn nothing_planned(&self, lead: &str) -> String {
        let then = match lead.split_once(' ') {
            Some((first, rest)) => format!("{} {rest}", first.to_lowercase()),
            None => lead.to_lowercase(),
        };
        let Some(room) = &self.room else {
            return format!("Nothing is planned {then}.");
        };
        let sessions = &self.engine.schedule.sessions;
        let in_room: Vec<&Session> = sessions.iter().filter(|s| &s.room == room).collect();
        if in_room.is_empty() {
            return format!("{room} has no sessions in this programme.");
        }
        if then == format!("in {}", room.to_lowercase()) {
            return format!("Nothing is planned in {room}.");
        }
        match in_room.iter().find(|s| s.start > self.ctx.now) {
            Some(next) => format!("Nothing is planned {then}; next there: {}.", briefly(self.engine, next)),
            None => format!("Nothing is planned {then}, and nothing more there."),
        }
    }

    fn reply(&self, body: String, sessions: &[&Session]) -> Reply {
        let mut reply = Reply::new(CommandKind::Ask, Status::Ok);
        reply.body = body;
        reply.sessions = sessions.iter().take(MAX_LISTED).map(|s| self.engine.session_item(s)).collect();
        reply.time_zone = Some(self.zone().clone());
        reply.sources.push(self.engine.schedule_source());
        reply.result_count = sessions.len();
        reply
    }

    fn nothing(&self, body: String) -> Reply {
        let mut reply = Reply::message(CommandKind::Ask, Status::NotFound, body);
        reply.sources.push(self.engine.schedule_source());
        reply
    }
}

/// The sentence that answers `intent` about one session; `name` when
/// the question was about that speaker.
pub(super) fn sentence(engine: &Engine, intent: Intent, s: &Session, name: Option<&str>) -> String {
    let zone = &engine.schedule.conference.time_zone;
    let title = &s.title;
    match intent {
        Intent::When => format!("“{title}” is on {}, in {}.", time_span(s.start, s.end, zone), s.room),
        Intent::Day => {
            let start = s.start.to_zoned(zone.clone());
            format!("“{title}” is on {} ({}).", start.strftime("%A %-d %B %Y"), time_span(s.start, s.end, zone))
        }
        Intent::Where => format!("“{title}” is in {} ({}).", s.room, time_span(s.start, s.end, zone)),
        Intent::Who => match s.speakers.as_slice() {
            [] => format!("The programme names no speaker for “{title}”."),
            speakers => format!("“{title}” is given by {}.", join(speakers)),
        },
        Intent::HowLong => format!("“{title}” lasts {} ({}).", duration(s), time_span(s.start, s.end, zone)),
        Intent::Track => match &s.track {
            Some(track) => format!("“{title}” is in the {track} track."),
            None => format!("The programme puts “{title}” in no track."),
        },
        Intent::About => {
            let summary: String = crate::text::sentences(s.abstract_text.trim()).take(2).collect::<Vec<_>>().join(" ");
            let by = name.map(|n| format!("{n} gives ")).unwrap_or_default();
            if summary.trim().is_empty() {
                format!("{by}“{title}”, {}.", when_where(engine, s))
            } else {
                format!("{by}“{title}”: {}", summary.trim())
            }
        }
        _ => match name {
            Some(n) => format!("{n} gives “{title}”, {}.", when_where(engine, s)),
            None if !s.speakers.is_empty() => {
                format!("“{title}”, by {}, is {}.", join(&s.speakers), when_where(engine, s))
            }
            None => format!("“{title}” is {}.", when_where(engine, s)),
        },
    }
}

/// `on Tue 1 Nov 09:15–10:00 CET in Main Stage`.
pub(super) fn when_where(engine: &Engine, s: &Session) -> String {
    format!("on {} in {}", time_span(s.start, s.end, &engine.schedule.conference.time_zone), s.room)
}

/// `“Title” (Main Stage, Tue 1 Nov 09:15)`.
fn briefly(engine: &Engine, s: &Session) -> String {
    let start = s.start.to_zoned(engine.schedule.conference.time_zone.clone()).strftime("%a %-d %b %H:%M").to_string();
    format!("“{}” ({}, {start})", s.title, s.room)
}

/// The first session after `from` in each room of `pool`, by start time;
/// `pool` is in start order.
fn next_per_room(sessions: &[Session], pool: &[usize], from: Timestamp) -> Vec<usize> {
    let mut next: Vec<usize> = Vec::new();
    for &i in pool.iter().filter(|&&i| sessions[i].start > from) {
        if !next.iter().any(|&n| sessions[n].room == sessions[i].room) {
            next.push(i);
        }
    }
    // Only the sessions that start first: the rest are later than "next".
    if let Some(first) = next.iter().map(|&i| sessions[i].start).min() {
        let soon = first + jiff::SignedDuration::from_hours(1);
        next.retain(|&i| sessions[i].start < soon);
    }
    next
}

fn first_or_last(day: Option<Date>, which: &str, day_text: &dyn Fn(Date) -> String) -> String {
    match day {
        Some(d) => format!("{which} on {}", day_text(d)),
        None => format!("{which} in the programme"),
    }
}

/// `45 minutes`, `1 hour`, `1 hour 30 minutes (90 minutes)`.
fn duration(s: &Session) -> String {
    let minutes = (s.end.as_second() - s.start.as_second()) / 60;
    let (hours, rest) = (minutes / 60, minutes % 60);
    let plural = |n: i64, unit: &str| if n == 1 { format!("1 {unit}") } else { format!("{n} {unit}s") };
    match (hours, rest) {
        (0, m) => plural(m, "minute"),
        (h, 0) => format!("{} ({minutes} minutes)", plural(h, "hour")),
        (h, m) => format!("{} {} ({minutes} minutes)", plural(h, "hour"), plural(m, "minute")),
    }
}

/// `A`, `A and B`, `A, B and C`.
fn join(items: &[impl AsRef<str>]) -> String {
    match items {
        [] => String::new(),
        [one] => one.as_ref().to_string(),
        [rest @ .., last] => {
            format!("{} and {}", rest.iter().map(AsRef::as_ref).collect::<Vec<_>>().join(", "), last.as_ref())
        }
    }
}
