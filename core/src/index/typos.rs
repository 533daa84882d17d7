//! Typo-tolerant lookup of indexed words, for searches that found nothing as
//! typed: `sandboxng` finds `sandbox`.
//!
//! Every indexed word is stored with each of its one-letter deletions; a
//! query word is looked up with each of its deletions of up to two letters,
//! and the candidates are checked with an edit distance (an adjacent swap
//! counts as one edit). That finds a word up to two letters longer than
//! meant, one letter off, or with two letters swapped, in a few microseconds
//! whatever the size of the vocabulary, where building an automaton per
//! word costs far more.

use std::collections::HashSet;

use rustc_hash::FxHashMap;

/// The indexed vocabulary and its one-letter deletions.
#[derive(Debug, Default)]
pub struct TypoIndex {
    words: Vec<String>,
    /// A word, or a word with letters deleted → the words it comes from.
    /// Hashed with Fx: the keys are short and come from the operator's own files.
    variants: FxHashMap<String, Vec<u32>>,
}

/// Typos allowed in a word of this many letters.
pub fn allowed_typos(len: usize) -> usize {
    match len {
        0..=3 => 0,
        4..=6 => 1,
        _ => 2,
    }
}

impl TypoIndex {
    /// An index of `words` with their one-letter deletions: finds a word
    /// one edit off, or two edits of which at most one is a swap.
    pub fn build(words: impl IntoIterator<Item = String>) -> TypoIndex {
        TypoIndex::with_depth(words, 1)
    }

    /// An index that also keeps two-letter deletions of words allowed two
    /// typos, so that any two edits are found (two swaps in a name:
    /// `Hihgtowre`), for a small vocabulary such as people's names.
    pub fn thorough(words: impl IntoIterator<Item = String>) -> TypoIndex {
        TypoIndex::with_depth(words, 2)
    }

    fn with_depth(words: impl IntoIterator<Item = String>, depth: usize) -> TypoIndex {
        let mut index = TypoIndex::default();
        let mut seen = HashSet::new();
        for word in words {
            if !word.is_ascii() || allowed_typos(word.len()) == 0 || !seen.insert(word.clone()) {
                continue;
            }
            let id = index.words.len() as u32;
            index.variants.entry(word.clone()).or_default().push(id);
            let first: Vec<String> = deletions(&word).collect();
            let second: Vec<String> = if depth >= 2 && allowed_typos(word.len()) >= 2 {
                first.iter().flat_map(|v| deletions(v).collect::<Vec<_>>()).collect()
            } else {
                Vec::new()
            };
            for variant in first.into_iter().chain(second) {
                let ids = index.variants.entry(variant).or_default();
                if ids.last() != Some(&id) {
                    ids.push(id);
                }
            }
            index.words.push(word);
        }
        index
    }

    /// The indexed words nearest to `word` within its allowed typos, nearest
    /// first, at most `limit`; empty when `word` itself is indexed.
    pub fn corrections(&self, word: &str, limit: usize) -> Vec<(&str, usize)> {
        let allowed = allowed_typos(word.len());
        if allowed == 0
            || !word.is_ascii()
            || self.variants.get(word).is_some_and(|ids| ids.iter().any(|&i| self.words[i as usize] == word))
        {
            return Vec::new();
        }
        let mut probes: HashSet<String> = HashSet::from([word.to_string()]);
        let first: Vec<String> = deletions(word).collect();
        if allowed >= 2 {
            for variant in &first {
                probes.extend(deletions(variant));
            }
        }
        probes.extend(first);
        let mut candidates: Vec<u32> = probes.iter().filter_map(|p| self.variants.get(p)).flatten().copied().collect();
        candidates.sort_unstable();
        candidates.dedup();
        let mut found: Vec<(&str, usize)> = candidates
            .into_iter()
            .map(|id| self.words[id as usize].as_str())
            .map(|w| (w, strsim::osa_distance(word, w)))
            .filter(|&(_, d)| d <= allowed)
            .collect();
        found.sort_by(|a, b| a.1.cmp(&b.1).then(a.0.cmp(b.0)));
        found.truncate(limit);
        found
    }
}

/// `word` with each one of its letters deleted.
fn deletions(word: &str) -> impl Iterator<Item = String> + '_ {
    (0..word.len()).map(move |i| {
        let mut variant = String::with_capacity(word.len() - 1);
        variant.push_str(&word[..i]);
        variant.push_str(&word[i + 1..]);
        variant
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(vocabulary: &[&str], word: &str, expected: &[(&str, usize)]) {
        let index = TypoIndex::build(vocabulary.iter().map(|w| w.to_string()));
        assert_eq!(index.corrections(word, 3), expected, "{word}");
    }

    #[test]
    fn finds_words_within_their_typos() {
        let words = ["sandbox", "kubernet", "wasm", "sleep", "focus"];
        check(&words, "sandboxng", &[("sandbox", 2)]);
        check(&words, "sandbxo", &[("sandbox", 1)]);
        check(&words, "kubernetis", &[("kubernet", 2)]);
        check(&words, "kubrenet", &[("kubernet", 1)]);
        check(&words, "wams", &[("wasm", 1)]);
        check(&words, "slep", &[("sleep", 1)]);
        check(&words, "sandbox", &[]);
        check(&words, "was", &[]);
        check(&words, "zzzzzzz", &[]);
    }
}
