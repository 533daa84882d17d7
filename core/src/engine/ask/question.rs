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

use crate::index::stems;
use crate::lexicon::grammar::{HONORIFICS, is_stop_word};
use crate::lexicon::questions::{
    DAY_NOUNS, FRAME_WORDS, ON_NOW, OPINION_WORDS, PLACE_NOUNS, PRONOUNS, SESSION_NOUNS, SESSION_VERBS, TIME_NOUNS,
    TRACK_NOUNS,
};
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
    /// As typed, trimmed, without a `Q.` label pasted from an FAQ.
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
    /// The person the asker's last question was about, pronoun or not
    /// (`who else works there`).
    pub previous: Option<usize>,
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

impl Question {
    /// Reads `typed`; `previous` is the person the asker's last question
    /// was about, which a pronoun refers to.
    pub(crate) fn read(typed: &str, directory: &Directory, previous: Option<usize>) -> Question {
        let typed = crate::faq::unlabelled(typed).to_string();
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
        let named = person.filter(|_| !by_pronoun).and_then(|p| directory.people.get(p));
        let name_stems: HashSet<&str> = named.map(|p| p.stems.iter().map(String::as_str).collect()).unwrap_or_default();
        let name_words: Vec<String> = named
            .map(|p| crate::text::words::words(&p.name).into_iter().map(|w| w.folded).collect())
            .unwrap_or_default();
        // `dr sue keay`: a title is how the person after it is addressed.
        let names_them = |w: &String| {
            name_words.contains(w)
                || w.strip_suffix('s').is_some_and(|base| name_words.iter().any(|n| n == base))
                || stems(w).iter().any(|s| name_stems.contains(s.as_str()))
        };
        let roles = words
            .iter()
            .enumerate()
            .map(|(i, w)| {
                // `kelseys` (typed `Kelsey's`); `mc.flys`, whose name's stems are the dotted whole.
                let possessive = w
                    .strip_suffix('s')
                    .filter(|base| name_stems.contains(base) || name_words.iter().any(|n| n == base))
                    .is_some();
                let honorific = HONORIFICS.contains(&w.as_str()) && words.get(i + 1).is_some_and(names_them);
                if is_stop_word(w)
                    || FRAME_WORDS.contains(&w.as_str())
                    || SESSION_VERBS.contains(&w.as_str())
                    || honorific
                {
                    Role::Frame
                } else if possessive
                    || name_words.contains(w)
                    || stems(w).iter().any(|s| name_stems.contains(s.as_str()))
                    || name_words.iter().any(|n| misspells(w, n))
                {
                    Role::Name
                } else {
                    Role::Content
                }
            })
            .collect();
        Question { typed, words, intent, about_sessions, person, by_pronoun, roles, previous }
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

impl std::fmt::Display for Question {
    /// The reading, for the stage's snapshots: the intent, the person, and
    /// each word with what it is to the question.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "intent: {:?}", self.intent)?;
        if let Some(person) = self.person {
            write!(f, "; person: #{person}{}", if self.by_pronoun { " (pronoun)" } else { "" })?;
        }
        if self.about_sessions {
            write!(f, "; about sessions")?;
        }
        let words: Vec<String> = self
            .words
            .iter()
            .zip(&self.roles)
            .map(|(w, role)| match role {
                Role::Frame => w.clone(),
                Role::Name => format!("{w}/name"),
                Role::Used => format!("{w}/used"),
                Role::Content => format!("[{w}]"),
            })
            .collect();
        write!(f, "\n{}", words.join(" "))
    }
}

/// Whether `word` is a typo of a word of the name of the person the
/// question is about (found already, by the rest of their name or as the
/// directory finds typos): one edit in a word of four letters or more,
/// two in one of eight or more.
fn misspells(word: &str, name: &str) -> bool {
    let allowed = match word.len().min(name.len()) {
        0..4 => return false,
        4..8 => 1,
        _ => 2,
    };
    strsim::damerau_levenshtein(word, name) <= allowed
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

/// Lower-case ASCII words as [`crate::text::words`] folds them (a
/// possessive stays with its word: `kelsey's` → `kelseys`), a clock time
/// (`14:00`, `9.30`, `14h30`) kept as one word, and the contracted
/// wh-words expanded (`what's` → `what is`).
pub(crate) fn words(text: &str) -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    for word in crate::text::words::words(text) {
        let folded = clock_in_word(&word.folded);
        // `14:00`, `9.30`: a separator with a digit before it and exactly
        // two after (`10.000` is a number).
        if let Some(last) = words.last_mut()
            && last.ends_with(|c: char| c.is_ascii_digit())
            && matches!(word.gap, ":" | ".")
            && starts_with_two_digits(&folded)
        {
            last.push(':');
            last.push_str(&folded);
            continue;
        }
        match folded.as_str() {
            "whats" | "whens" | "wheres" | "whos" | "hows" | "whys" => {
                words.push(folded[..folded.len() - 1].to_string());
                words.push("is".to_string());
            }
            _ => words.push(folded),
        }
    }
    words
}

/// Whether `word` starts with exactly two digits.
fn starts_with_two_digits(word: &str) -> bool {
    let digits = word.bytes().take_while(u8::is_ascii_digit).count();
    digits == 2
}

/// `14h30` written as `14:30`: an `h` between a digit and exactly two digits.
fn clock_in_word(word: &str) -> String {
    let bytes = word.as_bytes();
    match word.find('h') {
        Some(at) if at > 0 && bytes[at - 1].is_ascii_digit() && starts_with_two_digits(&word[at + 1..]) => {
            format!("{}:{}", &word[..at], &word[at + 1..])
        }
        _ => word.to_string(),
    }
}

/// The kind of answer the question wants, from its first wh-word and the
/// words after it; an opinion verb anywhere makes a question that wants no
/// time, place or person one that wants someone's own words.
fn intent(words: &[String]) -> Intent {
    let word = |i: usize| words.get(i).map_or("", String::as_str);
    let opinion = words.iter().any(|w| OPINION_WORDS.contains(&w.as_str()));
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
    let noun = noun.copied().unwrap_or("");
    if TIME_NOUNS.contains(&noun) {
        return Intent::When;
    }
    if DAY_NOUNS.contains(&noun) {
        return Intent::Day;
    }
    if PLACE_NOUNS.contains(&noun) {
        return Intent::Where;
    }
    if TRACK_NOUNS.contains(&noun) {
        return Intent::Track;
    }
    // `what is on`, `what's happening`, `what's next`.
    let after_verb = if matches!(word(at + 1), "is" | "s" | "are") { at + 2 } else { at + 1 };
    let on_now = ON_NOW.contains(&word(after_verb));
    if on_now {
        return Intent::On;
    }
    if words.last().is_some_and(|w| w == "about") {
        return Intent::About;
    }
    // `which company`, `what book`: a noun right after asks for a name.
    let right_after = word(at + 1);
    if !right_after.is_empty() && !is_stop_word(right_after) && !FRAME_WORDS.contains(&right_after) {
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

    fn read(question: &str) -> String {
        let kb = crate::kb::KnowledgeBase::build(&crate::seed::documents());
        let directory = Directory::build(&kb, &crate::seed::schedule());
        Question::read(question, &directory, Some(0)).to_string()
    }

    #[test]
    fn questions_read_as_intent_person_and_words() {
        expect_test::expect![[r#"
            intent: Which; person: #2
            for which [company] does andy/name alred/name [work] these [days]"#]]
        .assert_eq(&read("For which company does Andy Alred work these days?"));
        expect_test::expect![[r#"
            intent: When; person: #0 (pronoun); about sessions
            when is his [keynote]"#]]
        .assert_eq(&read("when is his keynote"));
        expect_test::expect![[r#"
            intent: Other; person: #0
            what does kelseys/name [reckon] of [webassembly]"#]]
        .assert_eq(&read("what does Kelsey's reckon of webassembly"));
        expect_test::expect![[r#"
            intent: Other; person: #1
            what is dr marc/name dillons/name [role]"#]]
        .assert_eq(&read("what is dr. marc dillon's role"));
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
