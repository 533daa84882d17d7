//! Tables made from WordNet 3.0 by `scripts/build-lexicon` (see
//! `core/lexicon/README.md`): the nouns that name what a person does, and
//! the names of cities, towns, countries and states.

use std::collections::HashSet;
use std::sync::LazyLock;

static OCCUPATIONS: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| include_str!("../../lexicon/occupations.txt").lines().collect());
static PLACES: LazyLock<HashSet<String>> =
    LazyLock::new(|| include_str!("../../lexicon/places.txt").lines().map(crate::text::fold).collect());

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
}
