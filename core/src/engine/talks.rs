//! `/talks [what]`: sessions on now, next (per room), on a day (`today`,
//! `tomorrow`, a date, a weekday, `day 2`), by a speaker, in a room or track,
//! or matching free text over titles and abstracts.

use jiff::civil::{Date, Weekday};
use jiff::{Timestamp, ToSpan};

use super::{Context, Engine};
use crate::command::CommandKind;
use crate::index::{DocKind, Filter, KnowledgeIndex, Target};
use crate::lexicon::calendar::WEEKDAYS;
use crate::names::Resolution;
use crate::reply::{Reply, Status};
use crate::schedule::Session;
use crate::text;

/// Most sessions one reply lists.
const MAX_LISTED: usize = 25;

pub(super) fn answer(engine: &Engine, index: &KnowledgeIndex, query: Option<&str>, ctx: &Context) -> Reply {
    let schedule = &engine.schedule;
    if schedule.sessions.is_empty() {
        return Reply::message(CommandKind::Talks, Status::NotFound, "There is no programme yet.");
    }
    let raw = query.unwrap_or("").trim();
    if let Some(refused) = backwards_day(raw) {
        return Reply::message(CommandKind::Talks, Status::Invalid, refused);
    }
    let q = text::fold(raw);
    let zone = &schedule.conference.time_zone;
    let today = ctx.now.to_zoned(zone.clone()).date();
    let (title, sessions): (String, Vec<&Session>) = match q.as_str() {
        "" | "next" | "upcoming" | "soon" | "later" => {
            let next = next_per_room(&schedule.sessions, ctx.now);
            if next.is_empty() {
                return over(engine, "The programme");
            }
            ("Next up".into(), next)
        }
        "now" | "on now" | "right now" | "current" | "live" => {
            let now: Vec<&Session> =
                schedule.sessions.iter().filter(|s| s.start <= ctx.now && ctx.now < s.end).collect();
            if now.is_empty() {
                let next = next_per_room(&schedule.sessions, ctx.now);
                if next.is_empty() {
                    return over(engine, "Nothing is on right now: the programme");
                }
                let mut reply = listing(engine, "Next up", next, "");
                reply.status = Status::NotFound;
                reply.body = "Nothing is on right now. Next up:".into();
                return reply;
            }
            ("On now".into(), now)
        }
        _ => {
            // A speaker called Frida is not the start of Friday.
            let speaker_first = engine.directory.exact(&q).is_some() && weekday(&q).is_none_or(|d| !full_day(&q, d));
            let day = if speaker_first { None } else { day_of(&q, today, &schedule.sessions, zone) };
            match day {
                Some(date) => {
                    let sessions = on_day(&schedule.sessions, date, zone);
                    if sessions.is_empty() {
                        return nothing_on(engine, date, today);
                    }
                    (date.strftime("%A %-d %B %Y").to_string(), sessions)
                }
                None if q.starts_with("day ") && q[4..].parse::<usize>().is_ok() => return no_such_day(engine, raw),
                None => match by_name(engine, &q) {
                    Some(found) => found,
                    None => match search(engine, index, raw, ctx.now) {
                        found if !found.is_empty() => (format!("Sessions matching “{raw}”"), found),
                        // Nothing by that text: perhaps a speaker's name, mistyped.
                        _ => by_mistyped_name(engine, &q).unwrap_or((String::new(), Vec::new())),
                    },
                },
            }
        }
    };
    if sessions.is_empty() {
        return unmatched(engine, raw, ctx.now);
    }
    listing(engine, &title, sessions, "")
}

/// The reply to `/talks next` (or `now`) when the programme is over: when
/// it ran, and how to look back at it.
fn over(engine: &Engine, lead: &str) -> Reply {
    let (dates, browse) = (engine.dates_text().unwrap_or_default(), engine.browse_hint().unwrap_or_default());
    Reply::message(
        CommandKind::Talks,
        Status::NotFound,
        format!("{lead} ran on {dates} and is over. To look back at it: {browse}."),
    )
}

/// The reply for a day with no session: the nearest day that has some.
fn nothing_on(engine: &Engine, date: Date, today: Date) -> Reply {
    let nothing = match date {
        d if d == today => format!("Nothing is on today ({})", d.strftime("%a %-d %b %Y")),
        d => format!("Nothing is planned on {}", d.strftime("%a %-d %b %Y")),
    };
    let nearest = engine.look_instead(date, "/talks");
    Reply::message(CommandKind::Talks, Status::NotFound, format!("{nothing}. {nearest}"))
}

/// The reply for `day N` past the programme's last day.
fn no_such_day(engine: &Engine, raw: &str) -> Reply {
    let count = engine.days().len();
    let days = if count == 1 {
        String::from("one day: `/talks day 1`")
    } else {
        format!("{count} days: `/talks day 1` to `/talks day {count}`")
    };
    Reply::message(CommandKind::Talks, Status::NotFound, format!("There is no “{raw}”: the programme has {days}."))
}

/// The reply when nothing matches: a room or a person the programme knows
/// but gives no session, or else nothing at all, with where to look.
fn unmatched(engine: &Engine, raw: &str, now: Timestamp) -> Reply {
    let q = text::fold(raw);
    let message = |body: String| Reply::message(CommandKind::Talks, Status::NotFound, body);
    if let Some(room) = engine.schedule.rooms.iter().find(|r| text::fold(r) == q) {
        return message(format!("{room} has no sessions in this programme."));
    }
    if let Resolution::One(person) = engine.directory.resolve_as_typed(&q) {
        return message(format!("{} has no session in this programme.", engine.directory.people[person].name));
    }
    let upcoming = engine.schedule.sessions.iter().any(|s| s.end > now);
    let hint = match (upcoming, engine.dates_text(), engine.browse_hint()) {
        (true, _, _) => String::from("`/talks next` lists what is on next, or try a word from a title."),
        (false, Some(dates), Some(browse)) => format!("The programme ran on {dates}: {browse}."),
        _ => String::new(),
    };
    message(
        format!("Nothing in the programme matches “{raw}”: no title, abstract, speaker, room or track. {hint}")
            .trim_end()
            .to_string(),
    )
}

/// The reply listing `sessions`, or `empty` as a not-found message.
fn listing(engine: &Engine, title: &str, sessions: Vec<&Session>, empty: &str) -> Reply {
    if sessions.is_empty() {
        return Reply::message(CommandKind::Talks, Status::NotFound, empty);
    }
    let mut reply = Reply::new(CommandKind::Talks, Status::Ok);
    reply.title = Some(title.to_string());
    reply.result_count = sessions.len();
    if sessions.len() > MAX_LISTED {
        reply.body = format!("The first {MAX_LISTED} of {} sessions.", sessions.len());
    }
    reply.sessions = sessions.iter().take(MAX_LISTED).map(|s| engine.session_item(s)).collect();
    reply.time_zone = Some(engine.schedule.conference.time_zone.clone());
    reply.sources.push(engine.schedule_source());
    reply
}

/// The first session to start after `now` in each room, by start time.
fn next_per_room(sessions: &[Session], now: Timestamp) -> Vec<&Session> {
    let mut next: Vec<&Session> = Vec::new();
    for session in sessions.iter().filter(|s| s.start > now) {
        if !next.iter().any(|n| n.room == session.room) {
            next.push(session);
        }
    }
    next
}

fn on_day<'a>(sessions: &'a [Session], date: Date, zone: &jiff::tz::TimeZone) -> Vec<&'a Session> {
    sessions.iter().filter(|s| s.start.to_zoned(zone.clone()).date() == date).collect()
}

/// Why `day -2` (or `day −2`) names no day: days count from 1. Folding drops
/// the sign, so this looks at the text as typed, before `day -2` could be
/// read as `day 2`.
pub(super) fn backwards_day(raw: &str) -> Option<String> {
    let raw = raw.trim();
    let rest = raw.get(..3).filter(|word| word.eq_ignore_ascii_case("day")).and(raw.get(3..))?.trim_start();
    let number = rest.strip_prefix('-').or_else(|| rest.strip_prefix('\u{2212}'))?.trim();
    (!number.is_empty() && number.bytes().all(|b| b.is_ascii_digit()))
        .then(|| format!("“{raw}” is not a day: days are counted from 1, and `day 1` is the first."))
}

/// The day a query names: `today`, `tomorrow`, `yesterday`, `2022-11-01`,
/// a weekday (the conference day on it), or `day 2`.
pub(super) fn day_of(q: &str, today: Date, sessions: &[Session], zone: &jiff::tz::TimeZone) -> Option<Date> {
    match q {
        "today" => return Some(today),
        "tomorrow" => return today.checked_add(1.day()).ok(),
        "yesterday" => return today.checked_sub(1.day()).ok(),
        _ => {}
    }
    if let Ok(date) = q.replace(' ', "-").parse::<Date>() {
        return Some(date);
    }
    let nth = q.strip_prefix("day ").and_then(|n| n.parse::<usize>().ok());
    // Only a day's number or name needs the conference's days.
    let weekday = match nth {
        Some(_) => None,
        None => Some(weekday(q)?),
    };
    let mut days: Vec<Date> = sessions.iter().map(|s| s.start.to_zoned(zone.clone()).date()).collect();
    days.dedup();
    match (nth, weekday) {
        (Some(n), _) => n.checked_sub(1).and_then(|i| days.get(i).copied()),
        (None, Some(weekday)) => days.into_iter().find(|d| d.weekday() == weekday),
        (None, None) => None,
    }
}

/// Whether `q` is the day's whole name, or its usual three-letter short form.
fn full_day(q: &str, day: Weekday) -> bool {
    WEEKDAYS.iter().any(|(name, d)| *d == day && (q == *name || q == &name[..3]))
}

/// The day `q` names: its whole name or a short form (`fri`, `tues`,
/// `thurs`). A longer start of a name is a word of its own (`Frida`).
fn weekday(q: &str) -> Option<Weekday> {
    WEEKDAYS
        .iter()
        .find(|(name, _)| {
            *name == q || ((3..=5).contains(&q.len()) && name.starts_with(q) && name.len() - q.len() >= 3)
        })
        .map(|&(_, d)| d)
}

/// Sessions by a named speaker, room or track.
fn by_name<'a>(engine: &'a Engine, q: &str) -> Option<(String, Vec<&'a Session>)> {
    let sessions = &engine.schedule.sessions;
    let listed = |found: &Vec<usize>| found.iter().map(|&i| &sessions[i]).collect::<Vec<&Session>>();
    if let Some(room) = engine.sessions_by.room.get(q).map(listed) {
        return Some((format!("Sessions in {}", room[0].room), room));
    }
    if let Some(track) = engine.sessions_by.track.get(q).map(listed) {
        return Some((format!("{} track", track[0].track.as_deref().unwrap_or_default()), track));
    }
    sessions_with(engine, engine.directory.resolve_as_typed(q))
}

/// Sessions of the one speaker `q` names with a typo or two.
fn by_mistyped_name<'a>(engine: &'a Engine, q: &str) -> Option<(String, Vec<&'a Session>)> {
    sessions_with(engine, engine.directory.resolve(q))
}

fn sessions_with(engine: &Engine, found: Resolution) -> Option<(String, Vec<&Session>)> {
    let Resolution::One(person) = found else { return None };
    let theirs = engine.sessions_of(person);
    (!theirs.is_empty()).then(|| (format!("Sessions with {}", engine.directory.people[person].name), theirs))
}

/// Free text over titles, abstracts, speakers, rooms and tracks; a
/// session held again and again under one title is listed once, at its
/// occurrence on now or next.
fn search<'a>(engine: &'a Engine, index: &KnowledgeIndex, raw: &str, now: Timestamp) -> Vec<&'a Session> {
    let found = index.search(raw, Filter { kind: Some(DocKind::Session), speaker: None }, MAX_LISTED);
    let hits = found.hits.iter().filter_map(|hit| match index.target(hit) {
        Some(Target::Session(i)) => Some(&engine.schedule.sessions[*i]),
        _ => None,
    });
    once_per_title(engine, hits.collect(), now)
}

/// `found`, in its order, with each title once: a title held several times
/// stands for its occurrence on at `now`, else the next, else the last.
pub(super) fn once_per_title<'a>(engine: &'a Engine, found: Vec<&'a Session>, now: Timestamp) -> Vec<&'a Session> {
    let all = &engine.schedule.sessions;
    let mut titles: Vec<String> = Vec::new();
    let mut out = Vec::new();
    for session in found {
        let title = text::fold(&session.title);
        if titles.contains(&title) {
            continue;
        }
        let same: Vec<&Session> =
            engine.sessions_by.title.get(&title).into_iter().flatten().map(|&i| &all[i]).collect();
        let chosen = same
            .iter()
            .find(|s| s.start <= now && now < s.end)
            .or_else(|| same.iter().filter(|s| s.start > now).min_by_key(|s| s.start))
            .or_else(|| same.iter().max_by_key(|s| s.start))
            .copied()
            .unwrap_or(session);
        titles.push(title);
        out.push(chosen);
    }
    out
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use crate::engine::Context;
    use crate::engine::tests::{keynote_morning, seed_engine, show};

    fn check(line: &str, expected: expect_test::Expect) {
        expected.assert_eq(&show(&seed_engine(), line, &keynote_morning()));
    }

    #[test]
    fn talks_now_and_next() {
        check(
            "/talks now",
            expect![[r#"
            [ok]
            On now

            Tue 1 Nov 09:15–10:00 CET · Main Stage · Keynote: Software supply chain security — Kelsey Hightower"#]],
        );
        check(
            "/talks next",
            expect![[r#"
            [ok]
            Next up

            Tue 1 Nov 11:00–11:45 CET · Main Stage · Sample: Platform engineering from the bare metal to the boardroom — Sample Speaker A
            Tue 1 Nov 11:00–11:30 CET · Room 2 · Sample: WebAssembly at the edge — Sample Speaker C"#]],
        );
        check(
            "/talks",
            expect![[r#"
            [ok]
            Next up

            Tue 1 Nov 11:00–11:45 CET · Main Stage · Sample: Platform engineering from the bare metal to the boardroom — Sample Speaker A
            Tue 1 Nov 11:00–11:30 CET · Room 2 · Sample: WebAssembly at the edge — Sample Speaker C"#]],
        );
    }

    #[test]
    fn talks_on_a_day() {
        check(
            "/talks today",
            expect![[r#"
            [ok]
            Tuesday 1 November 2022

            Tue 1 Nov 09:00–09:15 CET · Main Stage · Sample: Opening words — Sample Host
            Tue 1 Nov 09:15–10:00 CET · Main Stage · Keynote: Software supply chain security — Kelsey Hightower
            Tue 1 Nov 11:00–11:45 CET · Main Stage · Sample: Platform engineering from the bare metal to the boardroom — Sample Speaker A
            Tue 1 Nov 11:00–11:30 CET · Room 2 · Sample: WebAssembly at the edge — Sample Speaker C
            Tue 1 Nov 14:00–14:45 CET · Main Stage · Sample: Observability for small teams — Sample Speaker B
            Tue 1 Nov 14:00–15:30 CET · Room 2 · Sample: Hands-on workshop: signing container images — Sample Speaker D"#]],
        );
        check(
            "/talks tomorrow",
            expect![[r#"
            [ok]
            Wednesday 2 November 2022

            Wed 2 Nov 09:30–10:15 CET · Main Stage · Sample: Go modules and dependency hygiene — Sample Speaker E
            Wed 2 Nov 16:00–16:30 CET · Main Stage · Sample: Closing panel — Sample Host, Sample Speaker A"#]],
        );
        check(
            "/talks 2022-11-02",
            expect![[r#"
            [ok]
            Wednesday 2 November 2022

            Wed 2 Nov 09:30–10:15 CET · Main Stage · Sample: Go modules and dependency hygiene — Sample Speaker E
            Wed 2 Nov 16:00–16:30 CET · Main Stage · Sample: Closing panel — Sample Host, Sample Speaker A"#]],
        );
        check(
            "/talks wednesday",
            expect![[r#"
            [ok]
            Wednesday 2 November 2022

            Wed 2 Nov 09:30–10:15 CET · Main Stage · Sample: Go modules and dependency hygiene — Sample Speaker E
            Wed 2 Nov 16:00–16:30 CET · Main Stage · Sample: Closing panel — Sample Host, Sample Speaker A"#]],
        );
        check(
            "/talks day 1",
            expect![[r#"
            [ok]
            Tuesday 1 November 2022

            Tue 1 Nov 09:00–09:15 CET · Main Stage · Sample: Opening words — Sample Host
            Tue 1 Nov 09:15–10:00 CET · Main Stage · Keynote: Software supply chain security — Kelsey Hightower
            Tue 1 Nov 11:00–11:45 CET · Main Stage · Sample: Platform engineering from the bare metal to the boardroom — Sample Speaker A
            Tue 1 Nov 11:00–11:30 CET · Room 2 · Sample: WebAssembly at the edge — Sample Speaker C
            Tue 1 Nov 14:00–14:45 CET · Main Stage · Sample: Observability for small teams — Sample Speaker B
            Tue 1 Nov 14:00–15:30 CET · Room 2 · Sample: Hands-on workshop: signing container images — Sample Speaker D"#]],
        );
        // Folding drops the sign: `day -1` must not be read as `day 1`.
        check(
            "/talks day -1",
            expect![[r#"
            [invalid]
            “day -1” is not a day: days are counted from 1, and `day 1` is the first."#]],
        );
        check(
            "/talks Day \u{2212}2",
            expect![[r#"
            [invalid]
            “Day −2” is not a day: days are counted from 1, and `day 1` is the first."#]],
        );
    }

    #[test]
    fn talks_by_speaker_room_track_and_text() {
        check(
            "/talks kelsey",
            expect![[r#"
            [ok]
            Sessions with Kelsey Hightower

            Tue 1 Nov 09:15–10:00 CET · Main Stage · Keynote: Software supply chain security — Kelsey Hightower"#]],
        );
        check(
            "/talks room 2",
            expect![[r#"
            [ok]
            Sessions in Room 2

            Tue 1 Nov 11:00–11:30 CET · Room 2 · Sample: WebAssembly at the edge — Sample Speaker C
            Tue 1 Nov 14:00–15:30 CET · Room 2 · Sample: Hands-on workshop: signing container images — Sample Speaker D"#]],
        );
        check(
            "/talks security",
            expect![[r#"
            [ok]
            Security track

            Tue 1 Nov 09:15–10:00 CET · Main Stage · Keynote: Software supply chain security — Kelsey Hightower
            Tue 1 Nov 14:00–15:30 CET · Room 2 · Sample: Hands-on workshop: signing container images — Sample Speaker D
            Wed 2 Nov 09:30–10:15 CET · Main Stage · Sample: Go modules and dependency hygiene — Sample Speaker E"#]],
        );
        check(
            "/talks supply chain",
            expect![[r#"
            [ok]
            Sessions matching “supply chain”

            Tue 1 Nov 09:15–10:00 CET · Main Stage · Keynote: Software supply chain security — Kelsey Hightower"#]],
        );
        check(
            "/talks quantum knitting",
            expect![[r#"
                [not_found]
                Nothing in the programme matches “quantum knitting”: no title, abstract, speaker, room or track. `/talks next` lists what is on next, or try a word from a title."#]],
        );
    }

    #[test]
    fn talks_outside_the_conference() {
        let engine = seed_engine();
        let late = Context { now: "2022-11-02T20:00:00Z".parse().unwrap(), seed: 0 };
        expect![[r#"
            [not_found]
            Nothing is on right now: the programme ran on 1–2 November 2022 and is over. To look back at it: `/talks day 1` to `/talks day 2`, or a date such as `/talks 2022-11-01`."#]]
        .assert_eq(&show(&engine, "/talks now", &late));
        expect![[r#"
            [not_found]
            The programme ran on 1–2 November 2022 and is over. To look back at it: `/talks day 1` to `/talks day 2`, or a date such as `/talks 2022-11-01`."#]]
        .assert_eq(&show(&engine, "/talks next", &late));
    }
}
