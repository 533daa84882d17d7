//! What a question asks: the kind of answer it wants, whether it is about a
//! session, the person it is about, and the words that carry its content.
//!
//! The grammar is English's, not any question set's: the wh-words and what
//! follows them (`how long`, `which room`, `what time`), the words every
//! question is built from (a standard stop-word list), the nouns that name a
//! conference session and the verbs that say someone gives one. Everything
//! else in a question is content, matched against the knowledge base's own
//! names, titles and text.

use std::collections::HashSet;
use std::sync::LazyLock;

use crate::index::stems;
use crate::names::Directory;

/// The kind of answer a question wants.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Intent {
    /// `when`, `what time`, `what year`: a time or a date.
    When,
    /// `which day`, `what date`: a day.
    Day,
    /// `where`, `which room`: a place.
    Where,
    /// `which track`.
    Track,
    /// `who`, `whose`: a person.
    Who,
    /// `how long`: a duration.
    HowLong,
    /// `how old`: an age.
    HowOld,
    /// `how many`, `how much`: a number.
    Amount,
    /// `what is X about`, `tell me about X`: a description.
    About,
    /// `what's on`, `anything on now`: sessions at a time.
    On,
    /// `what does X think of Y`: someone's own words.
    Opinion,
    /// `which university`, `what company`: a name.
    Which,
    /// `why`, `how`, `what`, or no wh-word at all.
    Other,
}

/// A question, read.
#[derive(Debug, Clone)]
pub(crate) struct Question {
    /// As typed, trimmed.
    pub typed: String,
    /// Lower-case ASCII words; contractions of wh-words expanded
    /// (`what's` → `what is`), a clock time kept whole (`14:00`).
    pub words: Vec<String>,
    pub intent: Intent,
    /// It names a kind of session (`talk`, `keynote`) or someone giving one
    /// (`speaking`, `presenting`).
    pub about_sessions: bool,
    /// The person it is about: named, or a pronoun for the last one asked about.
    pub person: Option<usize>,
    /// The person was only a pronoun.
    pub by_pronoun: bool,
    /// Per word, what it is to the question.
    pub roles: Vec<Role>,
}

/// What a word is to a question.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Role {
    /// Grammar or the question's frame (`the`, `when`, `tell`, `speaking`).
    Frame,
    /// Part of the name of the person asked about.
    Name,
    /// Read as something else: a time, a room, a track.
    Used,
    /// What the question is about.
    Content,
}

/// A standard English stop-word list (function words: pronouns,
/// determiners, auxiliaries, prepositions, conjunctions), with the pieces
/// contractions leave once their apostrophe is gone.
const STOP_WORDS: &[&str] = &[
    "a",
    "about",
    "above",
    "after",
    "again",
    "against",
    "all",
    "am",
    "an",
    "and",
    "any",
    "are",
    "as",
    "at",
    "be",
    "because",
    "been",
    "before",
    "being",
    "below",
    "between",
    "both",
    "but",
    "by",
    "can",
    "could",
    "did",
    "do",
    "does",
    "doing",
    "down",
    "during",
    "each",
    "few",
    "for",
    "from",
    "further",
    "had",
    "has",
    "have",
    "having",
    "he",
    "her",
    "here",
    "hers",
    "herself",
    "him",
    "himself",
    "his",
    "how",
    "i",
    "if",
    "in",
    "into",
    "is",
    "it",
    "its",
    "itself",
    "just",
    "me",
    "more",
    "most",
    "my",
    "myself",
    "no",
    "nor",
    "not",
    "now",
    "of",
    "off",
    "on",
    "once",
    "only",
    "or",
    "other",
    "our",
    "ours",
    "ourselves",
    "out",
    "over",
    "own",
    "same",
    "she",
    "should",
    "so",
    "some",
    "such",
    "than",
    "that",
    "the",
    "their",
    "theirs",
    "them",
    "themselves",
    "then",
    "there",
    "these",
    "they",
    "this",
    "those",
    "through",
    "to",
    "too",
    "under",
    "until",
    "up",
    "very",
    "was",
    "we",
    "were",
    "what",
    "when",
    "where",
    "which",
    "while",
    "who",
    "whom",
    "whose",
    "why",
    "will",
    "with",
    "would",
    "you",
    "your",
    "yours",
    "yourself",
    "yourselves",
    "s",
    "t",
    "d",
    "ll",
    "re",
    "ve",
    "m",
    "dont",
    "doesnt",
    "didnt",
    "isnt",
    "arent",
    "wasnt",
    "werent",
    "cant",
    "wont",
    "im",
    "ive",
    "youre",
    "thats",
    "also",
    "ever",
    "still",
    "yet",
    "really",
    "actually",
    "please",
    "any",
    "anyone",
    "anybody",
    "someone",
    "somebody",
    "anything",
    "something",
    "thing",
    "things",
    "get",
    "got",
    "going",
    "gonna",
    "much",
    "many",
    "there",
    "theres",
    "one",
    "ones",
    "kind",
    "sort",
    "type",
];

/// Words that frame a question rather than say what it is about: asking
/// verbs, and the nouns that ask for a session's name, time or place.
const FRAME_WORDS: &[&str] = &[
    "tell",
    "know",
    "say",
    "says",
    "said",
    "saying",
    "think",
    "thinks",
    "thought",
    "thoughts",
    "feel",
    "feels",
    "believe",
    "believes",
    "opinion",
    "opinions",
    "view",
    "views",
    "take",
    "mean",
    "means",
    "explain",
    "describe",
    "title",
    "titled",
    "name",
    "named",
    "called",
    "topic",
    "subject",
    "time",
    "date",
    "day",
    "year",
    "room",
    "place",
    "location",
    "located",
    "venue",
    "stage",
    "track",
    "start",
    "starts",
    "starting",
    "begin",
    "begins",
    "end",
    "ends",
    "finish",
    "finishes",
    "happen",
    "happens",
    "happening",
    "held",
    "long",
    "old",
    "age",
    "minutes",
    "hours",
    "duration",
    "last",
    "lasts",
    "schedule",
    "scheduled",
    "programme",
    "program",
    "agenda",
    "conference",
];

/// Nouns that name a session, whatever the conference calls its kinds.
const SESSION_NOUNS: &[&str] = &[
    "talk",
    "talks",
    "session",
    "sessions",
    "keynote",
    "keynotes",
    "presentation",
    "presentations",
    "lecture",
    "lectures",
    "workshop",
    "workshops",
    "panel",
    "panels",
    "tutorial",
    "tutorials",
    "demo",
    "demos",
];

/// Verbs that say someone gives a session.
const SESSION_VERBS: &[&str] = &[
    "talk",
    "talking",
    "talks",
    "speak",
    "speaking",
    "speaks",
    "present",
    "presenting",
    "presents",
    "give",
    "giving",
    "gives",
    "gave",
    "host",
    "hosting",
    "hosts",
    "run",
    "running",
    "runs",
    "lead",
    "leading",
    "leads",
    "doing",
    "on",
];

/// Pronouns that stand for the person last asked about.
const PRONOUNS: &[&str] = &["he", "she", "they", "him", "her", "them", "his", "hers", "their", "theirs"];

static STOP: LazyLock<HashSet<&'static str>> = LazyLock::new(|| STOP_WORDS.iter().copied().collect());
static FRAME: LazyLock<HashSet<&'static str>> = LazyLock::new(|| FRAME_WORDS.iter().copied().collect());

/// Whether a word (lower case) is grammar rather than content, by the
/// standard stop-word list questions are read with.
pub fn is_stop_word(word: &str) -> bool {
    STOP.contains(word)
}

/// Whether a word frames a question (`tell`, `time`, `room`, `speaking`)
/// rather than says what it is about.
pub(crate) fn is_frame_word(word: &str) -> bool {
    FRAME.contains(word) || SESSION_VERBS.contains(&word)
}

/// Whether a word names a kind of session.
pub(crate) fn is_session_noun(word: &str) -> bool {
    SESSION_NOUNS.contains(&word)
}

impl Question {
    /// Reads `typed`; `previous` is the person the asker's last question
    /// was about, which a pronoun refers to.
    pub(crate) fn read(typed: &str, directory: &Directory, previous: Option<usize>) -> Question {
        let typed = typed.trim().to_string();
        let words = words(&typed);
        let intent = intent(&words);
        let has = |list: &[&str]| words.iter().any(|w| list.contains(&w.as_str()));
        let about_sessions = has(SESSION_NOUNS)
            || words.iter().enumerate().any(|(i, w)| {
                // `on` says a session only as `X is on` at the end (`when is Kelsey on`).
                SESSION_VERBS.contains(&w.as_str()) && (w != "on" || i + 1 == words.len())
            });
        let mut person = directory.mentioned_in(&typed).first().copied();
        let mut by_pronoun = false;
        if person.is_none() && has(PRONOUNS) {
            person = previous;
            by_pronoun = person.is_some();
        }
        let name_stems: HashSet<&str> = person
            .filter(|_| !by_pronoun)
            .and_then(|p| directory.people.get(p))
            .map(|p| p.stems.iter().map(String::as_str).collect())
            .unwrap_or_default();
        let roles = words
            .iter()
            .map(|w| {
                let possessive = w.strip_suffix('s').filter(|base| name_stems.contains(base)).is_some();
                if STOP.contains(w.as_str()) || FRAME.contains(w.as_str()) || SESSION_VERBS.contains(&w.as_str()) {
                    Role::Frame
                } else if possessive || stems(w).iter().any(|s| name_stems.contains(s.as_str())) {
                    Role::Name
                } else {
                    Role::Content
                }
            })
            .collect();
        Question { typed, words, intent, about_sessions, person, by_pronoun, roles }
    }

    /// The content words, in order, with their places.
    pub(crate) fn content_words(&self) -> impl Iterator<Item = (usize, &str)> {
        self.words_with(&[Role::Content])
    }

    /// The words with any of `roles`, in order, with their places.
    pub(crate) fn words_with<'q>(&'q self, roles: &'q [Role]) -> impl Iterator<Item = (usize, &'q str)> + 'q {
        self.words.iter().enumerate().filter(|(i, _)| roles.contains(&self.roles[*i])).map(|(i, w)| (i, w.as_str()))
    }

    /// The content words' stems, each once, in order.
    pub(crate) fn terms(&self) -> Vec<String> {
        terms_of(self.content_words().map(|(_, w)| w))
    }

    /// The content words joined, for encoding its meaning.
    pub(crate) fn content_text(&self) -> String {
        self.content_words().map(|(_, w)| w).collect::<Vec<_>>().join(" ")
    }

    /// Marks words as read as something else (a time, a room): no longer content.
    pub(crate) fn consume(&mut self, used: impl IntoIterator<Item = usize>) {
        for i in used {
            if let Some(role) = self.roles.get_mut(i) {
                *role = Role::Used;
            }
        }
    }
}

/// The stems of `words`, each once, in order.
pub(crate) fn terms_of<'w>(words: impl Iterator<Item = &'w str>) -> Vec<String> {
    let mut terms: Vec<String> = Vec::new();
    for word in words {
        for stem in stems(word) {
            if !terms.contains(&stem) {
                terms.push(stem);
            }
        }
    }
    terms
}

/// Lower-case ASCII words: letters and digits, a clock time (`14:00`,
/// `9.30`) kept as one word, apostrophes dropped so that a possessive stays
/// with its word (`kelsey's` → `kelseys`), and the contracted wh-words
/// expanded (`what's` → `what is`).
pub(crate) fn words(text: &str) -> Vec<String> {
    let ascii = deunicode::deunicode(text).to_ascii_lowercase();
    let chars: Vec<char> = ascii.chars().collect();
    let mut words = Vec::new();
    let mut word = String::new();
    for (i, &c) in chars.iter().enumerate() {
        // `14:00`, `9.30`, `14h30`: a separator with a digit before it and
        // exactly two after (`10.000` is a number).
        let clock = matches!(c, ':' | '.' | 'h')
            && i > 0
            && chars[i - 1].is_ascii_digit()
            && chars.get(i + 1).is_some_and(char::is_ascii_digit)
            && chars.get(i + 2).is_some_and(char::is_ascii_digit)
            && !chars.get(i + 3).is_some_and(char::is_ascii_digit);
        if clock {
            word.push(':');
        } else if c.is_ascii_alphanumeric() {
            word.push(c);
        } else if c == '\'' || c == '\u{2019}' {
            continue;
        } else if !word.is_empty() {
            words.push(std::mem::take(&mut word));
        }
    }
    if !word.is_empty() {
        words.push(word);
    }
    let mut expanded = Vec::with_capacity(words.len());
    for word in words {
        match word.as_str() {
            "whats" | "whens" | "wheres" | "whos" | "hows" | "whys" => {
                expanded.push(word[..word.len() - 1].to_string());
                expanded.push("is".to_string());
            }
            _ => expanded.push(word),
        }
    }
    expanded
}

/// The kind of answer the question wants, from its first wh-word and the
/// words after it; an opinion verb anywhere makes a question that wants no
/// time, place or person one that wants someone's own words.
fn intent(words: &[String]) -> Intent {
    let word = |i: usize| words.get(i).map_or("", String::as_str);
    let opinion = words.iter().any(|w| {
        matches!(w.as_str(), "think" | "thinks" | "feel" | "feels" | "believe" | "believes" | "opinion" | "opinions")
            || matches!(w.as_str(), "thoughts" | "view" | "views" | "stance")
    });
    let found = words.iter().enumerate().find_map(|(i, w)| match w.as_str() {
        "when" => Some(Intent::When),
        "where" => Some(Intent::Where),
        "who" | "whom" | "whose" => Some(Intent::Who),
        "how" => Some(match word(i + 1) {
            "long" => Intent::HowLong,
            "old" => Intent::HowOld,
            "many" | "much" => Intent::Amount,
            _ => Intent::Other,
        }),
        "what" | "which" => Some(what(words, i)),
        "why" => Some(Intent::Other),
        _ => None,
    });
    match found {
        Some(Intent::Other) | None if opinion => Intent::Opinion,
        Some(intent) => intent,
        None if words.iter().any(|w| w == "about") => Intent::About,
        None if words.first().is_some_and(|w| w == "anything") => Intent::On,
        None => Intent::Other,
    }
}

/// `what`/`which` at `at`: the noun after it says what is asked.
fn what(words: &[String], at: usize) -> Intent {
    let word = |i: usize| words.get(i).map_or("", String::as_str);
    let next: Vec<&str> = (at + 1..at + 3).map(word).collect();
    let noun = next.iter().find(|w| !matches!(**w, "is" | "are" | "was" | "the" | "a" | "s"));
    match noun.copied().unwrap_or("") {
        "time" | "year" | "hour" => return Intent::When,
        "day" | "date" | "days" => return Intent::Day,
        "room" | "stage" | "hall" | "venue" | "location" | "place" | "building" | "floor" => return Intent::Where,
        "track" | "devroom" => return Intent::Track,
        _ => {}
    }
    // `what is on`, `what's happening`, `what's next`.
    let after_verb = if matches!(word(at + 1), "is" | "s" | "are") { at + 2 } else { at + 1 };
    let on_now = matches!(word(after_verb), "on" | "happening" | "next" | "up" | "coming" | "running" | "playing");
    if on_now {
        return Intent::On;
    }
    if words.last().is_some_and(|w| w == "about") {
        return Intent::About;
    }
    // `which company`, `what book`: a noun right after asks for a name.
    let right_after = word(at + 1);
    if !right_after.is_empty() && !is_stop_word(right_after) && !FRAME.contains(right_after) {
        return Intent::Which;
    }
    Intent::Other
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_keep_clock_times_and_expand_contractions() {
        assert_eq!(words("What's on at 14:00?"), ["what", "is", "on", "at", "14:00"]);
        assert_eq!(words("Kelsey’s keynote, 9.30"), ["kelseys", "keynote", "9:30"]);
        assert_eq!(words("at 14h30 in Room 2"), ["at", "14:30", "in", "room", "2"]);
        assert_eq!(words("RF Swift: A Swifty Toolbox"), ["rf", "swift", "a", "swifty", "toolbox"]);
    }

    #[test]
    fn intents_come_from_the_wh_word_and_what_follows() {
        let intent_of = |q: &str| intent(&words(q));
        assert_eq!(intent_of("when is the keynote"), Intent::When);
        assert_eq!(intent_of("what time does the first session start"), Intent::When);
        assert_eq!(intent_of("which day is the supply chain keynote"), Intent::Day);
        assert_eq!(intent_of("which room is the workshop in?"), Intent::Where);
        assert_eq!(intent_of("which track is go modules in"), Intent::Track);
        assert_eq!(intent_of("how long is the keynote"), Intent::HowLong);
        assert_eq!(intent_of("how old is kelsey"), Intent::HowOld);
        assert_eq!(intent_of("what's on after the keynote?"), Intent::On);
        assert_eq!(intent_of("what is the speaker talking about"), Intent::About);
        assert_eq!(intent_of("What does Kelsey think about WebAssembly?"), Intent::Opinion);
        assert_eq!(intent_of("who is talking about postgres?"), Intent::Who);
        assert_eq!(intent_of("kelsey hightower net worth"), Intent::Other);
        assert_eq!(intent_of("Which university did kelsey attend?"), Intent::Which);
        assert_eq!(intent_of("what is confd"), Intent::Other);
    }
}
