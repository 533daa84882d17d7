//! Stage 2 of `/ask`: linking a read question to what the bot knows. The
//! programme's reading takes out the time it names (`timing.rs`), its room
//! or track and the conference's own name (`titles.rs`); the people's
//! reading finds the person it is about and what of them it asks
//! (`where … work`, `what … do`, `where … from`), or the organisation,
//! place or role it asks who has.
//!
//! [`Links`] prints as one line per link, for the stage's snapshot tests.

use std::fmt;

use super::own_name::{names_conference, within_its_name};
use super::question::{Intent, Question, Role};
use super::timing::{self, Timing};
use crate::engine::Engine;
use crate::index::stems;
use crate::lexicon::grammar::{OBJECT_PRONOUNS, is_stop_word, singular};
use crate::lexicon::profiles::names_a_role;
use crate::lexicon::questions::{
    AFTER_DO, AT_OR_FROM, AT_ORGANISATION, BASED_ASK_WORDS, EMPLOYER_WORDS, FROM_PLACE, KNOWN_ASK_WORDS, LISTING_WORDS,
    ORIGIN_ASK_WORDS, PEOPLE_NOUNS, PRONOUN_ASK_WORDS, ROLE_ASK_WORDS, ROLE_NOUNS, STUDY_ASK_WORDS, THEIR_WORDS,
    TOPIC_PREPOSITIONS, is_frame_word, is_session_noun,
};
use crate::lexicon::wordnet::{is_common_word, is_place};
use crate::people::Attribute;
use crate::text;

/// What a question is linked to.
#[derive(Debug, Clone)]
pub(crate) struct Links {
    /// The question as the programme reads it: the words of its time, room,
    /// track and the conference's name, and a kind of session named
    /// without a title (`the talk`), no longer content.
    pub programme: Question,
    pub timing: Timing,
    pub room: Option<String>,
    pub track: Option<String>,
    /// The person the programme's answer is about: named, or by pronoun
    /// (not one named only inside `after …`).
    pub person: Option<usize>,
    /// What of the person the question asks, when it asks a fact of them.
    pub asks: Option<Attribute>,
    /// The people the question asks for, by what they share.
    pub who: Option<Who>,
    /// A fact asked of someone the bot does not know, and the words that
    /// name them (`where does Robert Erez work`).
    pub stranger: Option<(Attribute, String)>,
}

/// The people a question asks for by what they share: an organisation,
/// a place, a role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Who {
    /// Folded, as the profiles know it; the role asked for there, if any
    /// (`who is the CTO of X`); and whether `else` leaves out the person
    /// asked about before.
    WorksAt { organisation: String, role: Option<Vec<String>>, others: bool },
    /// An organisation no profile names, as typed (`who works at Acme?`).
    Unknown { organisation: String },
    /// A place (folded) the profiles know someone is based in or from, or
    /// one the world knows that no one is.
    From { place: String, others: bool },
    /// The words of a role, stemmed, as the question gives it.
    Role { words: Vec<String>, typed: String },
}

impl Links {
    pub(crate) fn find(engine: &Engine, q: &Question) -> Links {
        let mut programme = q.clone();
        let mut timing = Timing::default();
        let (mut room, mut track) = (None, None);
        if !engine.schedule.sessions.is_empty() {
            let titles = engine.titles();
            timing = timing::read(&programme.words);
            programme.consume(timing.used.iter().copied());
            room = titles.place_in(&titles.rooms, &programme).map(|(place, used)| {
                programme.consume(used);
                place.name.clone()
            });
            track = titles.place_in(&titles.tracks, &programme).map(|(place, used)| {
                programme.consume(used);
                place.name.clone()
            });
            let conference = titles.conference_words(&programme);
            programme.consume(conference);
            // `the talk`, `a session` say what is asked, not which: unless titles hold them.
            let generic: Vec<usize> = programme
                .content_words()
                .filter(|(_, w)| is_session_noun(w) && stems(w).iter().all(|s| !titles.holds(s)))
                .map(|(i, _)| i)
                .collect();
            programme.consume(generic);
        }
        // A person named only inside `after …` is when, not who.
        let person = programme.person.filter(|_| programme.by_pronoun || programme.roles.contains(&Role::Name));
        let asks = q.person.and_then(|_| person_asks(q));
        // The conference's own name is neither a role nor a stranger's name.
        let who = if q.person.is_some() && !q.by_pronoun { None } else { who(engine, q) }
            .filter(|w| !matches!(w, Who::Role { typed, .. } if within_its_name(engine, q, typed)));
        let stranger = if q.person.is_none() && who.is_none() { stranger(q) } else { None }
            .filter(|(_, name)| !names_conference(engine, name));
        Links { programme, timing, room, track, person, asks, who, stranger }
    }
}

/// A fact asked of someone no one knows: the question asks what it would
/// of a person, and its other words (one to four of them) are a name.
fn stranger(q: &Question) -> Option<(Attribute, String)> {
    let names: Vec<&str> = q
        .content_words()
        .map(|(_, w)| w)
        .filter(|w| {
            ![EMPLOYER_WORDS, ROLE_ASK_WORDS, ORIGIN_ASK_WORDS, BASED_ASK_WORDS, STUDY_ASK_WORDS, THEIR_WORDS]
                .iter()
                .any(|list| list.contains(w))
        })
        .collect();
    let asking = q.words.iter().any(|w| {
        [EMPLOYER_WORDS, ROLE_ASK_WORDS, ORIGIN_ASK_WORDS, BASED_ASK_WORDS, STUDY_ASK_WORDS, KNOWN_ASK_WORDS]
            .iter()
            .any(|list| list.contains(&w.as_str()))
    });
    if !asking || names.is_empty() || names.len() > 4 || names.iter().any(|w| w.chars().any(|c| c.is_ascii_digit())) {
        return None;
    }
    let mut named = q.clone();
    for role in named.roles.iter_mut() {
        if *role == Role::Content {
            *role = Role::Name;
        }
    }
    // Read as if the name were one: `X works where?` asks where X works.
    let attribute = person_asks(&Question { person: Some(usize::MAX), ..named })?;
    // A possessive as typed (`Mark Cheeseman's role`) is the name without its `s`.
    let typed = q.typed.to_lowercase().replace('’', "'");
    let name = names
        .iter()
        .map(|w| match w.strip_suffix('s') {
            Some(base) if typed.contains(&format!("{base}'s")) => base.to_string(),
            _ => w.to_string(),
        })
        .collect::<Vec<_>>()
        .join(" ");
    Some((attribute, name))
}

/// What a question about a person asks of them: where they work, what
/// they do, where they come from or are based, where they studied, what
/// they are known for, their pronouns. `None` for anything else, or for a
/// question that names or implies a session (`where is she speaking`).
pub(crate) fn person_asks(q: &Question) -> Option<Attribute> {
    if q.about_sessions || !asks_only_of_them(q) {
        return None;
    }
    let words: Vec<&str> = q.words.iter().map(String::as_str).collect();
    let has = |list: &[&str]| words.iter().any(|w| list.contains(w));
    let at = |w: &str| words.iter().position(|x| *x == w);
    // `what does she work on` asks about a topic, not a workplace.
    let works_on = words.windows(2).any(|p| EMPLOYER_WORDS.contains(&p[0]) && TOPIC_PREPOSITIONS.contains(&p[1]));
    if has(PRONOUN_ASK_WORDS) {
        return Some(Attribute::Pronouns);
    }
    if has(KNOWN_ASK_WORDS) {
        return Some(Attribute::KnownFor);
    }
    if has(EMPLOYER_WORDS) && !works_on && !has(&["living"]) {
        return Some(Attribute::Organisation);
    }
    // `what does X do (for a living)`, `X's job`, `job title of X`.
    let does = at("do")
        .or_else(|| at("does"))
        .is_some_and(|i| words[i + 1..].iter().all(|w| AFTER_DO.contains(w)) || words.last() == Some(&"do"));
    let role_noun = has(ROLE_NOUNS);
    // `for a living`, `earn a living`; not `how much does she earn`.
    let living = words.windows(2).any(|p| p == ["a", "living"]) && !has(&["much"]);
    if (does && q.intent != Intent::Opinion) || role_noun || living {
        return Some(Attribute::Role);
    }
    if has(STUDY_ASK_WORDS) {
        return Some(Attribute::Studied);
    }
    let last = words.last().copied().unwrap_or("");
    // A wh-word or none (`X hometown`, `windfisch based?`).
    let where_or_bare = matches!(q.intent, Intent::Where | Intent::Which | Intent::Other);
    if has(ORIGIN_ASK_WORDS) && (last == "from" || where_or_bare) {
        return Some(Attribute::From);
    }
    if has(BASED_ASK_WORDS) && where_or_bare {
        return Some(Attribute::BasedIn);
    }
    // `where is X`: about the person, unless it names a session.
    let content = q.roles.iter().zip(&q.words).filter(|(r, _)| **r == Role::Content).count();
    if q.intent == Intent::Where && content == 0 && !q.words.iter().any(|w| ROLE_ASK_WORDS.contains(&w.as_str())) {
        return Some(Attribute::BasedIn);
    }
    None
}

/// Whether a question about a person says nothing but what it asks of
/// them: `which company did she join in 2014` or `where did he work
/// installing DSL` ask about a moment of their life, which the knowledge
/// base answers, not their profile.
fn asks_only_of_them(q: &Question) -> bool {
    let asking = [
        EMPLOYER_WORDS,
        ROLE_ASK_WORDS,
        ORIGIN_ASK_WORDS,
        BASED_ASK_WORDS,
        STUDY_ASK_WORDS,
        KNOWN_ASK_WORDS,
        PRONOUN_ASK_WORDS,
        PEOPLE_NOUNS,
        THEIR_WORDS,
    ];
    q.content_words().all(|(_, w)| asking.iter().any(|list| list.contains(&w)))
}

/// The people a question asks for by what they share: an organisation
/// someone works at, a place someone is from, a role.
fn who(engine: &Engine, q: &Question) -> Option<Who> {
    let words: Vec<&str> = q.words.iter().map(String::as_str).collect();
    // `is anyone from X talking`: people, who give sessions.
    if q.about_sessions && !words.iter().any(|w| PEOPLE_NOUNS.contains(w)) {
        return None;
    }
    let asks_people = q.intent == Intent::Who
        || words.iter().any(|w| PEOPLE_NOUNS.contains(w))
        || words.first().is_some_and(|w| LISTING_WORDS.contains(w));
    if !asks_people {
        return None;
    }
    let others = words.contains(&"else") || words.contains(&"other") || words.contains(&"also");
    let profiles = engine.profiles();
    let employer = words.iter().any(|w| EMPLOYER_WORDS.contains(w));
    // The longest run of words after `at`, `for`, `from` that names an
    // organisation someone works at, or a place.
    for len in (1..=5).rev() {
        for start in 1..words.len().saturating_sub(len - 1) {
            let run = &words[start..start + len];
            if len == 1 && (is_stop_word(run[0]) || is_frame_word(run[0]) || PEOPLE_NOUNS.contains(&run[0])) {
                continue;
            }
            let before = words[start - 1];
            if !AT_OR_FROM.contains(&before) && !employer {
                continue;
            }
            let key = run.join(" ");
            let joined = run.concat();
            for name in [&key, &joined] {
                if !profiles.working_at(name).is_empty() && before != "in" {
                    // A role asked for there, in the words besides the organisation's.
                    let role = role_in(q, start..start + len).map(|(words, _)| words);
                    return Some(Who::WorksAt { organisation: name.clone(), role, others });
                }
                if FROM_PLACE.contains(&before) && (!profiles.at_place(name).is_empty() || is_place(name)) {
                    return Some(Who::From { place: name.clone(), others });
                }
            }
        }
    }
    // `who else works there`: where the person asked about before works.
    if employer
        && words.contains(&"there")
        && let Some(previous) = q.previous
        && let Some(fact) = profiles.facts(previous, Attribute::Organisation).next()
    {
        return Some(Who::WorksAt { organisation: text::fold(&fact.value), role: None, others: true });
    }
    // `who works at <a name no one works at>`: no one, said so.
    if employer && let Some(at) = words.iter().position(|w| AT_ORGANISATION.contains(w)) {
        let name: Vec<&str> =
            words[at + 1..].iter().copied().filter(|w| !is_stop_word(w) && !THEIR_WORDS.contains(w)).collect();
        if !name.is_empty() {
            let typed = typed_after(&q.typed, words[at]).unwrap_or_else(|| name.join(" "));
            return Some(Who::Unknown { organisation: typed });
        }
    }
    // `is there a tool for my web server`, `are there tools to lint a web
    // server config`: a thing, not people. Asked only by how it starts, a
    // question asks for a role in the plural (`any journalists?`, `list
    // the CTOs`), unless it names people (`is anyone here a product manager`).
    let names_people = q.intent == Intent::Who || words.iter().any(|w| PEOPLE_NOUNS.contains(w));
    let (role, typed) = role_in(q, 0..0)?;
    let head = typed.rsplit(' ').next().unwrap_or_default();
    (names_people || singular(head) != head).then_some(Who::Role { words: role, typed })
}

/// Whether `words` (of a question typed as `typed`) name someone or
/// something rather than say what is asked: at most half of them words of
/// English (`Mark Cheeseman`, one of two, and `SSW`; not `advertise open
/// positions`), a word typed with a capital not counting (`Bill Gates`).
/// Half, because a first name is often a word too (`Mark`, `Grace`).
pub(crate) fn names_something(typed: &str, words: &[&str]) -> bool {
    words.iter().filter(|w| is_english(typed, w)).count() * 2 <= words.len()
}

/// Whether `word` (lower case) is a word of English in common use as
/// `typed` has it: not capitalised inside the question.
pub(crate) fn is_english(typed: &str, word: &str) -> bool {
    is_common_word(word) && !capitalised(typed, word)
}

/// Whether `typed` has `word` (lower case) with a capital, other than as
/// its first word.
fn capitalised(typed: &str, word: &str) -> bool {
    typed.split(|c: char| !c.is_alphanumeric() && c != '\'' && c != '’').filter(|w| !w.is_empty()).skip(1).any(|w| {
        w.starts_with(char::is_uppercase)
            && text::fold(w).trim_end_matches(['\'', '’', 's']) == word.trim_end_matches('s')
    })
}

/// What `typed` says after the word `after` (`who works at Yeeso.fr?` →
/// `Yeeso.fr`), as typed, without the question mark.
fn typed_after(typed: &str, after: &str) -> Option<String> {
    let lower = typed.to_lowercase();
    let at = lower.find(&format!(" {after} "))? + after.len() + 2;
    let rest = typed.get(at..)?.trim().trim_end_matches(['?', '!', '.']).trim();
    (!rest.is_empty()).then(|| rest.to_string())
}

/// The role a question names, in words outside `besides`: the run of its
/// content words that ends in an occupation (`developer advocate`, `engineering managers`), stemmed
/// and singular, and as typed.
fn role_in(q: &Question, besides: std::ops::Range<usize>) -> Option<(Vec<String>, String)> {
    let content: Vec<(usize, &str)> = q
        .words
        .iter()
        .enumerate()
        .filter(|(i, w)| q.roles[*i] == Role::Content && !PEOPLE_NOUNS.contains(&w.as_str()) && !besides.contains(i))
        .map(|(i, w)| (i, w.as_str()))
        .collect();
    // `can someone coach me`: a verb, not a role.
    let a_verb = |i: usize| q.words.get(i + 1).is_some_and(|next| OBJECT_PRONOUNS.contains(&next.as_str()));
    let head = content.iter().rposition(|&(i, w)| names_a_role(w) && !a_verb(i))?;
    let mut from = head;
    while from > 0 && content[from - 1].0 + 1 == content[from].0 {
        from -= 1;
    }
    let typed: Vec<&str> = content[from..=head].iter().map(|(_, w)| *w).collect();
    let words = typed.iter().flat_map(|w| stems(&singular(w))).collect();
    Some((words, typed.join(" ")))
}

impl fmt::Display for Links {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.timing.is_empty() {
            writeln!(f, "time: {:?}", self.timing)?;
        }
        if let Some(room) = &self.room {
            writeln!(f, "room: {room}")?;
        }
        if let Some(track) = &self.track {
            writeln!(f, "track: {track}")?;
        }
        if let Some(person) = self.person {
            writeln!(f, "person: #{person}")?;
        }
        if let Some(asks) = self.asks {
            writeln!(f, "asks: {}", asks.label())?;
        }
        if let Some(who) = &self.who {
            writeln!(f, "who: {who:?}")?;
        }
        if let Some((attribute, name)) = &self.stranger {
            writeln!(f, "stranger: {name} ({})", attribute.label())?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::names::Directory;

    fn asks(question: &str) -> Option<&'static str> {
        let kb = crate::kb::KnowledgeBase::build(&crate::seed::documents());
        let directory = Directory::build(&kb, &crate::seed::schedule());
        let q = Question::read(question, &directory, None);
        person_asks(&q).map(Attribute::label)
    }

    #[test]
    fn what_a_question_asks_of_a_person() {
        assert_eq!(asks("andy allred: which firm employs him?"), Some("Works at"));
        assert_eq!(asks("for which company is marc working these days"), Some("Works at"));
        assert_eq!(asks("employer of marc dillon"), Some("Works at"));
        assert_eq!(asks("andy allred, what does he do professionally"), Some("Role"));
        assert_eq!(asks("marc dillon position"), Some("Role"));
        assert_eq!(asks("the occupation of andy allred"), Some("Role"));
        assert_eq!(asks("marc dillon comes from where"), Some("From"));
        assert_eq!(asks("in what town was marc dillon raised"), Some("From"));
        assert_eq!(asks("where does andy allred live these days"), Some("Based in"));
        assert_eq!(asks("which university did marc dillon attend"), Some("Studied"));
        assert_eq!(asks("why is andy allred famous"), Some("Known for"));
        assert_eq!(asks("where will andy allred be speaking"), None);
        assert_eq!(asks("what time is marc dillon's session"), None);
        assert_eq!(asks("what does marc dillon work on these days"), None);
        assert_eq!(asks("how does andy allred feel about pair programming"), None);
    }
}
