//! What an answer must hold to answer a question: the thing the question
//! asks for, and not only the words it asks with.
//!
//! A question asks for a slot: a date (`when`), a number (`how many`,
//! `how old`), a place (`where`), a person (`who`), or a name (`which
//! university`, `his mother's name`). A passage answers only when it fills
//! the slot with something the question does not already say: "he moved to
//! Atlanta as he was beginning high school" mentions a high school but
//! names none, so it does not answer "which high school did he go to in
//! Atlanta". When the passage names the kind of thing asked for
//! (`university`), the name must stand next to it (`Clayton State
//! University`). A number the question gives (`in 2016`) must be in the
//! answer too.

use std::collections::HashSet;

use super::question::{Intent, Question};
use crate::index::stems;
use crate::lexicon::calendar::{MONTHS, WEEKDAYS};
use crate::lexicon::grammar::is_stop_word;
use crate::lexicon::grammar::{NUMBER_WORDS, PLACE_BEFORE};

/// What a question asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Slot {
    Date,
    Number,
    Place,
    Person,
    /// A name, of the kind of thing given when the question says (`university`).
    Name(Option<String>),
    /// Someone's own words.
    Quote,
    /// Anything: a description, a reason, a way.
    Any,
}

/// The slot a question asks to fill.
pub(crate) fn slot(q: &Question) -> Slot {
    let word = |i: usize| q.words.get(i).map_or("", String::as_str);
    // `the name of X`, `X's name`, `what is X called`.
    if let Some(at) = q.words.iter().position(|w| w == "name" || w == "called" || w == "named") {
        let kind = if word(at + 1) == "of" {
            q.words[at + 2..].iter().rev().find(|w| !is_stop_word(w)).cloned()
        } else {
            at.checked_sub(1).map(|i| word(i).trim_end_matches('s').to_string()).filter(|w| !is_stop_word(w))
        };
        return Slot::Name(kind);
    }
    match q.intent {
        Intent::When | Intent::Day => Slot::Date,
        Intent::HowOld | Intent::Amount | Intent::HowLong => Slot::Number,
        Intent::Where => Slot::Place,
        Intent::Who => Slot::Person,
        Intent::Which => {
            let at = q.words.iter().position(|w| w == "which" || w == "what").map_or(0, |i| i + 1);
            Slot::Name(q.words.get(at).cloned())
        }
        Intent::Opinion => Slot::Quote,
        _ => Slot::Any,
    }
}

/// A word of an answer, as the checks see it.
struct Word<'t> {
    text: &'t str,
    lower: String,
    /// Capitalised where a sentence does not start, not `I`.
    proper: bool,
    number: bool,
}

fn words(text: &str) -> Vec<Word<'_>> {
    crate::text::words::words(text)
        .into_iter()
        .map(|word| {
            let lower = word.text.to_lowercase();
            let acronym = word.text.chars().count() > 1
                && word.text.chars().filter(|c| c.is_alphabetic()).all(char::is_uppercase);
            let pronoun = word.text == "I" || lower.starts_with("i'") || lower.starts_with("i’");
            let proper = word.capital() && !pronoun && (!word.starts_sentence() || acronym);
            let number = word.text.chars().any(|c| c.is_ascii_digit()) || NUMBER_WORDS.contains(&lower.as_str());
            Word { text: word.text, lower, proper, number }
        })
        .collect()
}

/// Whether `text` fills the question's slot with something it does not
/// say, in a sentence that holds some of `terms` (the question's words as
/// the index stems them) or the one after it; in any sentence when none
/// holds them (a passage found by meaning alone).
pub(crate) fn fills_near(slot: &Slot, q: &Question, text: &str, terms: &[String]) -> bool {
    if matches!(slot, Slot::Quote | Slot::Any) {
        return fills(slot, q, text);
    }
    let sentences = crate::text::sentence_ranges(text);
    let found: Vec<usize> = crate::index::stems_at(text)
        .into_iter()
        .filter(|(stem, _)| terms.contains(stem))
        .map(|(_, at)| at.start)
        .collect();
    let holding: Vec<usize> =
        sentences.iter().enumerate().filter(|(_, r)| found.iter().any(|at| r.contains(at))).map(|(i, _)| i).collect();
    holding.iter().any(|&i| {
        let end = sentences.get(i + 1).unwrap_or(&sentences[i]).end;
        fills(slot, q, &text[sentences[i].start..end])
    })
}

/// Whether `text` fills the question's slot with something it does not say.
pub(crate) fn fills(slot: &Slot, q: &Question, text: &str) -> bool {
    let asked: HashSet<&str> = q.words.iter().map(String::as_str).collect();
    let words = words(text);
    let new = |w: &Word| !asked.contains(w.lower.as_str()) && !asked.contains(format!("{}s", w.lower).as_str());
    // Numbers the question gives must be in the answer.
    let numbers_kept = q
        .words
        .iter()
        .filter(|w| w.len() >= 2 && w.chars().all(|c| c.is_ascii_digit()))
        .all(|n| words.iter().any(|w| w.text.contains(n.as_str())));
    if !numbers_kept {
        return false;
    }
    match slot {
        Slot::Date => words.iter().any(|w| {
            new(w)
                && (MONTHS.contains(&w.lower.as_str())
                    || (w.text.len() == 4 && (w.text.starts_with("19") || w.text.starts_with("20")) && w.number))
        }),
        Slot::Number => words.iter().any(|w| w.number && new(w)),
        Slot::Place => words.windows(2).any(|pair| {
            PLACE_BEFORE.contains(&pair[0].lower.as_str())
                && pair[1].proper
                && new(&pair[1])
                && !MONTHS.contains(&pair[1].lower.as_str())
                && !WEEKDAYS.iter().any(|(day, _)| *day == pair[1].lower)
        }),
        Slot::Person => words.iter().any(|w| w.proper && new(w)),
        Slot::Name(kind) => {
            let named = |w: &Word| (w.proper || w.number) && new(w);
            let kind_stems: Vec<String> = kind.as_deref().map(stems).unwrap_or_default();
            let at: Vec<usize> = words
                .iter()
                .enumerate()
                .filter(|(_, w)| !kind_stems.is_empty() && stems(&w.lower).iter().any(|s| kind_stems.contains(s)))
                .map(|(i, _)| i)
                .collect();
            if at.is_empty() {
                words.iter().any(named)
            } else {
                // The kind of thing is there: its name must stand next to it.
                at.iter().any(|&i| {
                    let near = i.saturating_sub(2)..(i + 3).min(words.len());
                    words[near].iter().any(named)
                })
            }
        }
        Slot::Quote | Slot::Any => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::names::Directory;

    fn check(question: &str, text: &str) -> bool {
        let q = Question::read(question, &Directory::default(), None);
        fills(&slot(&q), &q, text)
    }

    #[test]
    fn an_answer_names_what_is_asked_for() {
        let moved = "Hightower grew up in Long Beach, California, then moved to Atlanta, Georgia with his mother as he was beginning high school.";
        assert!(!check("Which high school did kelsey go to in atlanta?", moved));
        assert!(!check("kelsey hightower mother's name", moved));
        assert!(check("where did kelsey grow up", moved));
        let enrolled = "After high school he enrolled at Clayton State University, but found the courses lacking.";
        assert!(check("Which university did kelsey attend?", enrolled));
        assert!(check("which company did kelsey join in 2014", "He joined CoreOS early in 2014."));
        assert!(!check("what crypto company did dave join in 2016", "I joined a startup as a developer."));
        assert!(check("when was kelsey born", "Kelsey Hightower (born February 27, 1981) is an engineer."));
        assert!(!check("when did he start", "He started at the beginning."));
        assert!(check("how many GPUs", "We run 20,000 GPUs."));
        assert!(!check("which version of openssh added it", "Very new versions of OpenSSH have it."));
    }
}
