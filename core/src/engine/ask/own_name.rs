//! Which words of a question name the conference itself: a noun for one
//! (`event`, `conference`), or a word of its own title or acronym. Read by
//! the linking of a question's words ([`super::link`]), which must not take
//! them for a person's name or a role, and by the conference's facts
//! ([`super::conference`]).

use std::collections::HashSet;

use super::question::Question;
use super::titles::title_stems;
use crate::engine::Engine;
use crate::index::stems;
use crate::lexicon::grammar::{is_stop_word, singular};
use crate::lexicon::questions::CONFERENCE_NOUNS;

/// Whether every word of `words` (folded, apart by spaces) names the
/// conference: a noun for one (`event`), or a word of its own title or
/// acronym. Such words are not a person's name (`which city is the event
/// in`).
pub(super) fn names_conference(engine: &Engine, words: &str) -> bool {
    let own = own_name(engine);
    let mut words = words.split(' ').filter(|w| !w.is_empty()).peekable();
    words.peek().is_some() && words.all(|w| names_it(w, &own))
}

/// Whether `words` (folded, apart by spaces) stand in `q` inside a longer
/// run of words that name the conference: then they are part of its name
/// (`the DevOps Conference`), not a role (`any devops people here`).
pub(super) fn within_its_name(engine: &Engine, q: &Question, words: &str) -> bool {
    let own = own_name(engine);
    let words: Vec<&str> = words.split(' ').filter(|w| !w.is_empty()).collect();
    let Some(at) = q.words.windows(words.len().max(1)).position(|run| run.iter().eq(words.iter())) else {
        return false;
    };
    let names = |i: usize| q.words.get(i).is_some_and(|w| names_it(w, &own));
    let before = at.checked_sub(1).is_some_and(names);
    let after = names(at + words.len());
    (before || after) && words.iter().all(|w| names_it(w, &own))
}

/// Whether `word` names the conference, given its own name's stems.
pub(super) fn names_it(word: &str, own: &HashSet<String>) -> bool {
    let stems = stems(word);
    CONFERENCE_NOUNS.contains(&singular(word).as_str())
        || (!is_stop_word(word) && !stems.is_empty() && stems.iter().all(|s| own.contains(s)))
}

/// The stems of the conference's own name: its title's and acronym's words.
pub(super) fn own_name(engine: &Engine) -> HashSet<String> {
    let conference = &engine.schedule.conference;
    let mut own: HashSet<String> = title_stems(&conference.title).into_iter().collect();
    own.extend(conference.acronym.as_deref().map(title_stems).unwrap_or_default());
    own
}
