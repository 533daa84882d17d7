//! English grammar's closed word classes: the function words every
//! sentence is built from, the words for numbers, the prepositions before a
//! place, and the abbreviations a full stop does not end a sentence after.

use std::collections::HashSet;
use std::sync::LazyLock;

/// Source: NLTK's English stop-word list (function words: pronouns,
/// determiners, auxiliaries, prepositions, conjunctions), with the pieces
/// contractions leave once their apostrophe is gone (`s`, `t`, `dont`) and
/// the fillers questions are padded with (`really`, `please`, `anything`),
/// and the modal verbs it leaves out (`cannot`, `must`), but for `may`,
/// which is a month too.
pub const STOP_WORDS: &[&str] = &[
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
    "cannot",
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
    "must",
    "might",
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
    "shall",
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

/// Source: the English, German and French honorifics and academic titles
/// written before a name (folded, without their full stop): part of how
/// a person is addressed, never what is asked of them.
pub(crate) const HONORIFICS: &[&str] =
    &["dr", "prof", "professor", "mr", "mrs", "ms", "mx", "sir", "dame", "herr", "frau", "mme", "mlle"];

/// The object pronouns no other word class shares (`her` and `you` are
/// possessives and subjects too): what follows a verb, never a noun.
pub(crate) const OBJECT_PRONOUNS: &[&str] = &["me", "us", "him", "them"];

static STOP: LazyLock<HashSet<&'static str>> = LazyLock::new(|| STOP_WORDS.iter().copied().collect());

/// Whether a word (lower case) is grammar rather than content, by [`STOP_WORDS`].
pub fn is_stop_word(word: &str) -> bool {
    STOP.contains(word)
}

/// Source: German function words (articles, conjunctions, prepositions,
/// pronouns, auxiliaries), folded: programmes are written in German too.
pub(crate) const GERMAN_FUNCTION_WORDS: &[&str] = &[
    "und", "oder", "aber", "der", "die", "das", "den", "dem", "des", "ein", "eine", "einer", "einem", "einen", "ist",
    "sind", "bin", "war", "hat", "haben", "mit", "von", "zu", "zum", "zur", "im", "am", "auf", "fur", "bei", "seit",
    "als", "wie", "wo", "sich", "ich", "er", "sie", "wir", "es", "nicht", "auch", "uber", "nach", "aus", "wird",
];

/// Source: French function words (articles, conjunctions, prepositions,
/// pronouns, auxiliaries), folded: programmes are written in French too.
pub(crate) const FRENCH_FUNCTION_WORDS: &[&str] = &[
    "et", "ou", "mais", "le", "la", "les", "un", "une", "du", "des", "de", "est", "sont", "avec", "pour", "dans",
    "sur", "par", "depuis", "qui", "que", "je", "il", "elle", "nous", "ils", "elles", "au", "aux", "en", "son", "sa",
    "ses", "mon", "ma", "mes", "ai", "suis", "pas", "ce", "cette",
];

/// Whether a word (folded) is grammar in English, German or French.
pub(crate) fn is_function_word(word: &str) -> bool {
    is_stop_word(word) || GERMAN_FUNCTION_WORDS.contains(&word) || FRENCH_FUNCTION_WORDS.contains(&word)
}

/// The languages whose grammar the core knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Language {
    English,
    German,
    French,
}

/// The language `words` (folded) are most likely in: the one whose
/// function words they use most, English on a tie.
pub(crate) fn language_of<'w>(words: impl Iterator<Item = &'w str>) -> Language {
    let (mut english, mut german, mut french) = (0, 0, 0);
    for word in words {
        english += usize::from(is_stop_word(word));
        german += usize::from(GERMAN_FUNCTION_WORDS.contains(&word));
        french += usize::from(FRENCH_FUNCTION_WORDS.contains(&word));
    }
    if german > english && german >= french {
        Language::German
    } else if french > english && french > german {
        Language::French
    } else {
        Language::English
    }
}

/// Source: English cardinal number words (a grammar category), for telling
/// a passage that holds a number.
pub(crate) const NUMBER_WORDS: &[&str] = &[
    "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve", "twenty",
    "thirty", "forty", "fifty", "hundred", "thousand", "million", "billion", "dozen", "half",
];

/// Source: the English prepositions a place or an organisation follows
/// (`in Atlanta`, `worked with BellSouth`).
pub(crate) const PLACE_BEFORE: &[&str] = &["in", "at", "from", "to", "near", "for", "of", "with"];

/// A plural noun's singular, by English's regular endings (`engineers`,
/// `boxes`, `companies`); a word that is no regular plural as it is.
pub(crate) fn singular(word: &str) -> String {
    if let Some(stem) = word.strip_suffix("ies") {
        return format!("{stem}y");
    }
    if word.ends_with("sses") || word.ends_with("shes") || word.ends_with("ches") || word.ends_with("xes") {
        return word[..word.len() - 2].to_string();
    }
    match word.strip_suffix('s') {
        Some(stem) if !word.ends_with("ss") && !word.ends_with("us") && stem.len() > 2 => stem.to_string(),
        _ => word.to_string(),
    }
}
