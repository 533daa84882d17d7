//! Tables made from WordNet 3.0 by `scripts/build-lexicon` (see
//! `core/lexicon/README.md`): the nouns that name what a person does, the
//! names of cities, towns, countries and states, and the words of English
//! in common use.

use std::collections::HashSet;
use std::sync::LazyLock;

static OCCUPATIONS: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| include_str!("../../lexicon/occupations.txt").lines().collect());
static PLACES: LazyLock<HashSet<String>> =
    LazyLock::new(|| include_str!("../../lexicon/places.txt").lines().map(crate::text::fold).collect());
static WORDS: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| include_str!("../../lexicon/words.txt").lines().collect());

/// WordNet's rules of detachment (its `morphy`): an ending an inflected
/// noun, verb or adjective has, and what its base form ends with instead.
const DETACHMENTS: &[(&str, &str)] = &[
    ("s", ""),
    ("ses", "s"),
    ("xes", "x"),
    ("zes", "z"),
    ("ches", "ch"),
    ("shes", "sh"),
    ("men", "man"),
    ("ies", "y"),
    ("es", "e"),
    ("es", ""),
    ("ed", "e"),
    ("ed", ""),
    ("ing", "e"),
    ("ing", ""),
    ("er", ""),
    ("est", ""),
    ("er", "e"),
    ("est", "e"),
];

/// Whether `word` (lower case) is an English word in common use, or an
/// inflection of one (`hiring`, `scholarships`, `wrote`): what a name is
/// mostly not made of.
pub(crate) fn is_common_word(word: &str) -> bool {
    let irregular = super::irregular::IRREGULAR.iter().find(|(past, _)| *past == word).map(|(_, base)| *base);
    WORDS.contains(word)
        || irregular.is_some_and(|base| WORDS.contains(base))
        || DETACHMENTS.iter().any(|(ending, base)| {
            word.strip_suffix(ending)
                .is_some_and(|stem| stem.len() > 1 && WORDS.contains(format!("{stem}{base}").as_str()))
        })
}

/// Whether `noun` (lower case, singular, words apart by a space) names a
/// person by what they do: `engineer`, `developer advocate`, `journalist`.
pub(crate) fn is_occupation(noun: &str) -> bool {
    OCCUPATIONS.contains(noun)
}

/// Whether `name` (as written, or folded) is a city, town, country or state.
pub(crate) fn is_place(name: &str) -> bool {
    PLACES.contains(&crate::text::fold(name))
}

/// Reads both tables now rather than on the first word looked up.
pub(crate) fn warm() {
    LazyLock::force(&OCCUPATIONS);
    LazyLock::force(&PLACES);
    LazyLock::force(&WORDS);
}

#[cfg(test)]
mod tests {
    use super::is_common_word;

    #[test]
    fn common_words_and_their_inflections_are_english_and_names_are_not() {
        for word in ["advertise", "positions", "hiring", "scholarships", "wrote", "financially", "mark"] {
            assert!(is_common_word(word), "{word}");
        }
        for word in ["hightower", "allred", "dillon", "powell", "utc", "jorunn"] {
            assert!(!is_common_word(word), "{word}");
        }
    }
}
