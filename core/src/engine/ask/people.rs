//! Questions about people, answered from their profiles (`crate::people`):
//! where someone works, what they do, where they are from or based, what
//! they studied, what they are known for; and who works at an
//! organisation, comes from a place or has a role.
//!
//! An answer is one sentence with the phrase the fact was read from and
//! where that phrase is. A fact the profile does not hold is declined, and
//! the reply says what is known of the person instead.

use super::asked::Asked;
use super::link::{Who, is_english, names_something};
use crate::command::CommandKind;
use crate::engine::Engine;
use crate::index::stems;
use crate::lexicon::profiles::ARTICLES;
use crate::lexicon::questions::BASED_ASK_WORDS;
use crate::people::{Attribute, Fact, Origin};
use crate::reply::{Reply, Source, SourceKind, Status};
use crate::text;

/// Most people a list names.
const LISTED: usize = 10;
/// Longest quoted phrase, in characters.
const PHRASE_CHARS: usize = 220;
/// Most values one answer names (`works at Up Bank and Ferocia`).
const VALUES: usize = 3;
/// Most biography sentences looked at for an organisation no profile names.
const MENTIONS: usize = 20;

/// Rule: a fact of the person asked about.
pub(super) fn fact(a: &Asked<'_>) -> Option<Reply> {
    let asks = a.links.asks?;
    let person = a.q.person?;
    let engine = a.engine;
    let name = engine.directory.people.get(person)?.name.clone();
    let profiles = engine.profiles();
    let best = |attribute: Attribute| -> Vec<&Fact> {
        let all: Vec<&Fact> = profiles.facts(person, attribute).collect();
        let Some(first) = all.first() else { return all };
        all.iter().filter(|f| f.origin == first.origin && f.phrase == first.phrase).take(VALUES).copied().collect()
    };
    // What stands in for a fact the profile lacks: where they worked
    // before, where they live for where they come from and back.
    let fallback = match asks {
        Attribute::Organisation => Some(Attribute::FormerOrganisation),
        Attribute::From => Some(Attribute::BasedIn),
        Attribute::BasedIn => Some(Attribute::From),
        _ => None,
    };
    let mut facts = best(asks);
    // `where was she born` wants a birthplace, not where she grew up.
    if asks == Attribute::From && a.q.words.iter().any(|w| w == "born") {
        facts.retain(|f| f.phrase.to_lowercase().contains("born"));
        if facts.is_empty() {
            return Some(unknown(engine, person, asks));
        }
    }
    let mut said = asks;
    if let Some(instead) = fallback.filter(|_| facts.is_empty()) {
        facts = best(instead);
        said = instead;
    }
    if facts.is_empty() {
        match asks {
            // `where is X` with no place known: where they speak, if the programme says.
            Attribute::BasedIn if !a.q.words.iter().any(|w| BASED_ASK_WORDS.contains(&w.as_str())) => {
                return None;
            }
            Attribute::KnownFor => return first_lines(engine, person),
            _ => {}
        }
    }
    let sentence = saying(said, asks, &name, &values(&facts));
    let Some(first) = facts.first() else {
        return Some(unknown(engine, person, asks));
    };
    let mut reply = Reply::new(CommandKind::Ask, Status::Ok);
    reply.body =
        format!("{sentence}: “{}” ({})", text::truncate_words(&first.phrase, PHRASE_CHARS), first.origin.describe());
    reply.sources.push(source(engine, person, first.origin));
    // What another source says differently (`Drupal builder` in a tag line,
    // `software developer` in the biography).
    let said: Vec<String> = facts.iter().map(|f| text::fold(&f.value)).collect();
    let other = profiles.facts(person, first.attribute).find(|f| {
        f.origin != first.origin
            && !said.iter().any(|v| v.contains(&text::fold(&f.value)) || text::fold(&f.value).contains(v.as_str()))
    });
    if let Some(other) = other {
        reply.body.push_str(&format!(
            "; {}: “{}”",
            other.origin.describe(),
            text::truncate_words(&other.phrase, PHRASE_CHARS)
        ));
        reply.sources.push(source(engine, person, other.origin));
    }
    reply.body.push('.');
    reply.result_count = facts.len();
    Some(reply)
}

/// The sentence that gives a fact of `said`'s kind about `name`, asked
/// for one of `asked`'s kind.
fn saying(said: Attribute, asked: Attribute, name: &str, values: &str) -> String {
    match (said, asked) {
        (Attribute::Organisation, _) => format!("{name} works at {values}"),
        (Attribute::FormerOrganisation, _) => {
            format!("{name} worked at {values} before; I don't know where they work now")
        }
        (Attribute::Role, _) => format!("{name} is {}{values}", article(values)),
        (Attribute::From, _) => format!("{name} is from {values}"),
        (Attribute::BasedIn, Attribute::From) => {
            format!("{name} is based in {values}; I don't know where they come from")
        }
        (Attribute::BasedIn, _) => format!("{name} is based in {values}"),
        (Attribute::Studied, _) => format!("{name} studied at {values}"),
        (Attribute::KnownFor, _) => format!("{name} is known for {values}"),
        (Attribute::Pronouns, _) => format!("{name}'s pronouns are {values}"),
    }
}

/// `A`, `A and B`, `A, B and C` of the facts' values.
fn values(facts: &[&Fact]) -> String {
    let values: Vec<&str> = facts.iter().map(|f| f.value.as_str()).collect();
    match values.as_slice() {
        [] => String::new(),
        [one] => (*one).to_string(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// `a ` or `an ` before a role that takes one.
fn article(role: &str) -> &'static str {
    let first = role.split_whitespace().next().unwrap_or("").to_lowercase();
    if ARTICLES.contains(&first.as_str()) || first.ends_with("'s") {
        return "";
    }
    if first.starts_with(['a', 'e', 'i', 'o', 'u']) { "an " } else { "a " }
}

/// "What is X known for" with no phrase for it: the first lines of their
/// biography, which say what they are known for.
fn first_lines(engine: &Engine, person: usize) -> Option<Reply> {
    let speaker = engine.directory.people[person].speaker.map(|s| &engine.kb.speakers[s])?;
    let first = text::sentences(&speaker.summary).next()?;
    let mut reply = Reply::new(CommandKind::Ask, Status::Ok);
    reply.body = first.to_string();
    reply.sources.push(source(engine, person, Origin::Biography));
    reply.result_count = 1;
    Some(reply)
}

/// Where a person's facts are from, as a reply cites it.
fn source(engine: &Engine, person: usize, origin: Origin) -> Source {
    let who = &engine.directory.people[person];
    let speaker = who.speaker.map(|s| &engine.kb.speakers[s]);
    let title = match (origin, speaker.and_then(|s| s.source.as_ref())) {
        (Origin::Biography | Origin::Field, Some(doc)) => doc.title.clone(),
        (Origin::Recording, _) => engine
            .kb
            .transcripts
            .iter()
            .find(|t| t.meta.people.values().any(|p| p.name == who.name))
            .map_or_else(|| who.name.clone(), |t| t.meta.title.clone()),
        _ => format!("{} programme", engine.schedule.conference.title),
    };
    let kind = if origin == Origin::Recording { SourceKind::Transcript } else { SourceKind::Bio };
    Source { kind, title, speaker: Some(who.name.clone()), at: None, url: None }
}

/// The reply to a question of a fact the profile lacks: declined, with
/// what is known of the person.
fn unknown(engine: &Engine, person: usize, asks: Attribute) -> Reply {
    let name = &engine.directory.people[person].name;
    let what = match asks {
        Attribute::Organisation | Attribute::FormerOrganisation => format!("where {name} works"),
        Attribute::Role => format!("what {name} does"),
        Attribute::From => format!("where {name} comes from"),
        Attribute::BasedIn => format!("where {name} is based"),
        Attribute::Studied => format!("where {name} studied"),
        Attribute::KnownFor => format!("what {name} is known for"),
        Attribute::Pronouns => format!("{name}'s pronouns"),
    };
    let mut reply = Reply::message(CommandKind::Ask, Status::NotFound, format!("I don't know {what}."));
    if let Some(known) = known_of(engine, person) {
        reply.body.push(' ');
        reply.body.push_str(&known);
    }
    reply.body.push_str(&format!(" Try `/bio {name}`."));
    reply
}

/// What is known of a person in a few words: their role, organisation and
/// base, and their sessions; `None` when nothing is.
pub(super) fn known_of(engine: &Engine, person: usize) -> Option<String> {
    let name = &engine.directory.people[person].name;
    let profiles = engine.profiles();
    let first = |attribute| profiles.facts(person, attribute).next().map(|f: &Fact| f.value.clone());
    let mut parts: Vec<String> = Vec::new();
    match (first(Attribute::Role), first(Attribute::Organisation)) {
        (Some(role), Some(org)) => parts.push(format!("{role} at {org}")),
        (Some(role), None) => parts.push(role),
        (None, Some(org)) => parts.push(format!("works at {org}")),
        (None, None) => {}
    }
    if let Some(place) = first(Attribute::BasedIn) {
        parts.push(format!("based in {place}"));
    } else if let Some(place) = first(Attribute::From) {
        parts.push(format!("from {place}"));
    }
    let sessions = engine.sessions_of(person);
    match sessions.as_slice() {
        [] => {}
        [one] => parts.push(format!("speaks on “{}”", one.title)),
        many => parts.push(format!("speaks in {} sessions", many.len())),
    }
    (!parts.is_empty()).then(|| format!("What I know of {name}: {}.", parts.join("; ")))
}

/// The name of someone the bot does not know that the question asks a
/// fact of: a name with a word that nothing the bot holds has (the
/// knowledge base, the titles, the FAQ), since a word one of those holds
/// is a topic (`what does wasm do`), not a name no one has.
pub(super) fn stranger_named<'a>(a: &'a Asked<'_>) -> Option<&'a str> {
    let (_, name) = a.links.stranger.as_ref()?;
    let engine = a.engine;
    let unheard = |word: &str| {
        stems(word).iter().all(|s| {
            !engine.titles().holds(s)
                && !engine.faq_index().holds(s)
                && a.index.search_terms(std::slice::from_ref(s), crate::index::Filter::default(), 1).is_empty()
        })
    };
    let words: Vec<&str> = name.split(' ').collect();
    let english = |word: &&str| is_english(&a.q.typed, word);
    (names_something(&a.q.typed, &words) && words.iter().any(|w| unheard(w) && !english(w))).then_some(name.as_str())
}

/// Rule: a fact asked of someone the bot does not know: said so, with the
/// people whose names are nearest.
pub(super) fn stranger(a: &Asked<'_>) -> Option<Reply> {
    let name = stranger_named(a)?;
    let engine = a.engine;
    let closest: Vec<String> =
        engine.directory.closest(name, 3).iter().map(|&p| engine.directory.people[p].name.clone()).collect();
    let mut reply = Reply::message(
        CommandKind::Ask,
        Status::NotFound,
        format!("I don't know anyone called “{name}” on this programme."),
    );
    reply.choices = closest.iter().map(|n| format!("/bio {n}")).collect();
    reply.suggestions = closest;
    Some(reply)
}

/// Rule: who works at an organisation, comes from a place, or has a role.
pub(super) fn who(a: &Asked<'_>) -> Option<Reply> {
    let who = a.links.who.as_ref()?;
    let engine = a.engine;
    let profiles = engine.profiles();
    let asked_before = a.q.person.filter(|_| a.q.by_pronoun);
    if let Who::Unknown { organisation } = who {
        return Some(mentioned(a, organisation));
    }
    let (people, attribute, what): (Vec<usize>, Attribute, String) = match who {
        Who::WorksAt { organisation, role, others } => {
            let mut people = without(profiles.working_at(organisation), *others, asked_before);
            let name = written(engine, &people, Attribute::Organisation, organisation);
            if let Some(role) = role {
                people.retain(|&p| has_role(engine, p, role));
            }
            (people, Attribute::Organisation, name)
        }
        Who::From { place, others } => {
            let people = without(&profiles.at_place(place), *others, asked_before);
            let name = written(engine, &people, Attribute::BasedIn, place);
            (people, Attribute::BasedIn, name)
        }
        Who::Role { words, typed } => {
            let people: Vec<usize> =
                (0..engine.directory.people.len()).filter(|&p| has_role(engine, p, words)).collect();
            (people, Attribute::Role, typed.clone())
        }
        Who::Unknown { .. } => return None,
    };
    let mut reply = Reply::new(CommandKind::Ask, Status::Ok);
    if people.is_empty() {
        let body = match who {
            Who::WorksAt { role: Some(_), .. } => format!("No one I know of at {what} is listed in that role."),
            Who::WorksAt { others: true, .. } => format!("No one else I know of works at {what}."),
            Who::WorksAt { .. } | Who::Unknown { .. } => format!("No one I know of works at {what}."),
            Who::From { .. } => format!("No speaker I know of is from or based in {what}."),
            Who::Role { .. } => format!("No speaker I know of is listed as {}{what}.", article(&what)),
        };
        return Some(Reply::message(CommandKind::Ask, Status::NotFound, body));
    }
    // Each person with the fact that puts them on the list.
    let matching = |p: usize| -> Option<&Fact> {
        let mut facts = profiles.of(p).iter().filter(|f| {
            f.attribute == attribute || (attribute == Attribute::BasedIn && f.attribute == Attribute::From)
        });
        match who {
            Who::Role { words, .. } => facts.find(|f| role_has(&f.value, words)),
            Who::WorksAt { organisation, .. } | Who::From { place: organisation, .. } => {
                let wanted = text::fold(organisation);
                facts.find(|f| text::fold(&f.value).contains(&wanted) || wanted.contains(&text::fold(&f.value)))
            }
            Who::Unknown { .. } => None,
        }
        .or_else(|| profiles.facts(p, attribute).next())
    };
    let listed: Vec<String> = people
        .iter()
        .take(LISTED)
        .map(|&p| {
            let name = &engine.directory.people[p].name;
            match matching(p) {
                Some(fact) if fact.origin != Origin::Biography => format!("{name} (“{}”)", fact.phrase),
                Some(fact) => format!("{name} ({})", fact.value),
                None => name.clone(),
            }
        })
        .collect();
    let more = people.len().saturating_sub(LISTED);
    let count = if people.len() == 1 { "1 speaker".to_string() } else { format!("{} speakers", people.len()) };
    let verb = match (who, people.len()) {
        (Who::Unknown { .. }, _) => "works at",
        (Who::WorksAt { .. }, 1) => "works at",
        (Who::WorksAt { .. }, _) => "work at",
        (Who::From { .. }, 1) => "is from or based in",
        (Who::From { .. }, _) => "are from or based in",
        (Who::Role { .. }, 1) => "is listed as",
        (Who::Role { .. }, _) => "are listed as",
    };
    reply.body = format!(
        "{count} {verb} {what}: {}{}.",
        join(&listed),
        if more > 0 { format!(", and {more} more") } else { String::new() }
    );
    reply.choices = people.iter().take(LISTED).map(|&p| format!("/bio {}", engine.directory.people[p].name)).collect();
    reply.suggestions = people.iter().take(LISTED).map(|&p| engine.directory.people[p].name.clone()).collect();
    reply.result_count = people.len();
    for &p in people.iter().take(LISTED) {
        let origin = matching(p).map_or(Origin::Biography, |f| f.origin);
        reply.sources.push(source(engine, p, origin));
    }
    Some(reply)
}

/// Whether one of a person's roles has all of `words` (stemmed, singular).
fn has_role(engine: &Engine, person: usize, words: &[String]) -> bool {
    engine.profiles().facts(person, Attribute::Role).any(|f| role_has(&f.value, words))
}

/// Whether a role has all of `words` (stemmed, singular).
fn role_has(role: &str, words: &[String]) -> bool {
    let role: Vec<String> =
        text::words::words(role).iter().flat_map(|w| stems(&crate::lexicon::grammar::singular(&w.folded))).collect();
    words.iter().all(|w| role.contains(w))
}

/// Whether a sentence speaks of work: a verb of working or joining, or a
/// role's preposition (`je maintiens Python pour Red Hat` has `pour`).
fn of_work(sentence: &str) -> bool {
    use crate::lexicon::profiles::{AT, JOIN_VERBS, WORK_PREPOSITIONS, WORK_VERBS};
    text::words::words(sentence).iter().any(|w| {
        let w = w.folded.as_str();
        WORK_VERBS.contains(&w) || JOIN_VERBS.contains(&w) || AT.contains(&w) || WORK_PREPOSITIONS.contains(&w)
    })
}

/// Who works at an organisation no profile names: no one known to, but a
/// biography that mentions it with a word of work is worth quoting (`je
/// maintiens Python pour Red Hat`); with none, "I don't know".
fn mentioned(a: &Asked<'_>, organisation: &str) -> Reply {
    let engine = a.engine;
    let wanted = text::fold(organisation);
    let terms: Vec<String> = stems(organisation);
    let names_it = |text: &str| format!(" {} ", text::fold(text)).contains(&format!(" {wanted} "));
    let search =
        |kind| a.index.search_terms(&terms, crate::index::Filter { kind: Some(kind), speaker: None }, MENTIONS);
    let in_biography = search(crate::index::DocKind::Bio).into_iter().find_map(|hit| match a.index.target(&hit) {
        Some(crate::index::Target::Bio(sentence)) if names_it(&sentence.text) && of_work(&sentence.text) => {
            Some(sentence)
        }
        _ => None,
    });
    let not_listed = format!("No one is listed as working at {organisation}");
    if let Some(sentence) = in_biography {
        let speaker = &engine.kb.speakers[sentence.speaker];
        let mut reply = Reply::new(CommandKind::Ask, Status::Ok);
        reply.body = format!(
            "{not_listed}, but {}'s biography mentions it: “{}”",
            speaker.name,
            text::truncate_words(&sentence.text, PHRASE_CHARS)
        );
        reply.suggestions = vec![speaker.name.clone()];
        reply.choices = vec![format!("/bio {}", speaker.name)];
        if let Some(person) = engine.directory.exact(&speaker.name) {
            reply.sources.push(source(engine, person, Origin::Biography));
        }
        reply.result_count = 1;
        return reply;
    }
    Reply::message(CommandKind::Ask, Status::NotFound, format!("No one I know of works at {organisation}."))
}

/// `people`, without the person asked about before when the question
/// says `else`.
fn without(people: &[usize], others: bool, before: Option<usize>) -> Vec<usize> {
    people.iter().copied().filter(|&p| !(others && Some(p) == before)).collect()
}

/// The name of an organisation or place as the profiles write it.
fn written(engine: &Engine, people: &[usize], attribute: Attribute, folded: &str) -> String {
    let profiles = engine.profiles();
    people
        .iter()
        .flat_map(|&p| profiles.of(p))
        .filter(|f| f.attribute == attribute || (attribute == Attribute::BasedIn && f.attribute == Attribute::From))
        .flat_map(|f| f.value.split([',', '/']).map(str::trim).chain(std::iter::once(f.value.as_str())))
        .find(|v| text::fold(v) == folded || text::fold(v).replace(' ', "") == folded)
        .map_or_else(|| title_case(folded), str::to_string)
}

/// A folded name with capitals, for one no profile writes.
fn title_case(folded: &str) -> String {
    folded
        .split(' ')
        .map(|w| {
            let mut chars = w.chars();
            chars.next().map(|c| c.to_uppercase().chain(chars).collect::<String>()).unwrap_or_default()
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn join(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}
