//! Stage 3 of `/ask`: which source answers, as a table of rules read top
//! to bottom. Each rule is a named function that answers when the question
//! is its kind and its source holds the answer, and passes otherwise; the
//! first answer is the reply, and the last rule, what people said and
//! wrote, answers with how sure it is (`mod.rs` decides what is sure
//! enough).
//!
//! The order is the logic: a session named by its whole title is that
//! session whatever else the words seem to say; a fact of a person comes
//! before their sessions (`where does she work` is not where she speaks);
//! an FAQ entry asked in its own words, or nearly, is the organisers'
//! answer whatever a word of it names (`are the sessions recorded` is
//! not a topic, `are speaker mentors available` not a role);
//! the programme's rules go from the most particular (a time) to the most
//! general (a topic), with the organisers' FAQ before that last one (a
//! session that merely mentions recordings does not say whether talks are
//! recorded, and a title's words name that session rather than an FAQ
//! entry); the knowledge base answers the rest.
//!
//! A fact of the conference itself (where and when it is held, its time
//! zone, rooms, tracks and size) is asked only by a question that names no
//! person, time, room or track, so it comes after the rules those take;
//! and before the rules of titles' words and topics, which would take the
//! conference's own name for a title's word (`20 Jahre Camp` for `when
//! does the Camp start`) or a count's noun for a topic (`the number of
//! talks`). The organisers' FAQ answers it first, in their own words (the
//! venue's address, not only its city): the FAQ's rule is tried there for
//! such a question, and for the rest where it stands.

pub(crate) use super::asked::{Answered, Asked, Rule, Source};
use super::{conference, faq, knowledge, people, programme};
use crate::reply::Reply;

/// An answer from a source that is sure of what it finds.
fn sure(reply: Reply) -> Answered {
    Answered { reply, score: None }
}

/// The rules, in the order they are tried.
pub(crate) const RULES: &[Rule] = &[
    Rule {
        name: "a session named by its whole title",
        source: Source::Programme,
        answer: |a| programme::by_whole_title(a).map(sure),
    },
    Rule { name: "a fact of the person asked about", source: Source::People, answer: |a| people::fact(a).map(sure) },
    Rule {
        name: "an entry of the organisers' FAQ in its own words",
        source: Source::Faq,
        answer: |a| faq::own_entry(a).map(sure),
    },
    Rule {
        name: "the people an organisation, place or role names",
        source: Source::People,
        answer: |a| people::who(a).map(sure),
    },
    Rule {
        name: "a fact of someone not on the programme",
        source: Source::People,
        answer: |a| people::stranger(a).map(sure),
    },
    Rule { name: "what is on at a time", source: Source::Programme, answer: |a| programme::at_a_time(a).map(sure) },
    Rule {
        name: "an entry of the organisers' FAQ on the conference itself",
        source: Source::Faq,
        answer: |a| conference::asks(a).then(|| faq::entry(a)).flatten().map(sure),
    },
    Rule {
        name: "a fact of the conference itself",
        source: Source::Programme,
        answer: |a| conference::fact(a).map(sure),
    },
    Rule {
        name: "every session on a topic",
        source: Source::Programme,
        answer: |a| programme::every_on_topic(a).map(sure),
    },
    Rule {
        name: "the sessions of the person asked about",
        source: Source::Programme,
        answer: |a| programme::persons_sessions(a).map(sure),
    },
    Rule {
        name: "a session named by its title's words",
        source: Source::Programme,
        answer: |a| programme::by_title_words(a).map(sure),
    },
    Rule {
        name: "the sessions in a room or track",
        source: Source::Programme,
        answer: |a| programme::in_room_or_track(a).map(sure),
    },
    Rule { name: "an entry of the organisers' FAQ", source: Source::Faq, answer: |a| faq::entry(a).map(sure) },
    Rule { name: "a session on a topic", source: Source::Programme, answer: |a| programme::some_on_topic(a).map(sure) },
    Rule { name: "what people said and wrote", source: Source::Knowledge, answer: knowledge::rule },
];

/// The first rule that answers, and its answer.
pub(crate) fn route(asked: &Asked<'_>) -> Option<(&'static Rule, Answered)> {
    RULES.iter().find_map(|rule| (rule.answer)(asked).map(|answered| (rule, answered)))
}
