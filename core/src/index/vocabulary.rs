//! The knowledge base's words, for a question that says something in words
//! it does not hold: every distinct word of the indexed texts with its
//! embedding and its stem, so that
//!
//! - a word finds the words nearest to it in meaning (`college` →
//!   `university`, `hometown` → `town`, `employer` → `company`);
//! - an abbreviation finds its long form and back: its letters in order
//!   from the same first letter (`wasm` → `webassembly`), or a numeronym
//!   (`k8s` → `kubernetes`);
//! - an acronym finds the name it stands for: the initials of a run of
//!   capitalised words (`cncf` → Cloud Native Computing Foundation), or
//!   the starts of each (`oscon` → Open Source Convention).
//!
//! Built on the first question with a word the index lacks.

use crate::semantic::{Embeddings, StaticModel};

/// The indexed texts' words.
#[derive(Debug, Default)]
pub(super) struct Vocabulary {
    /// Lower case, in the order first seen.
    words: Vec<String>,
    /// Per word, its stem as the index holds it.
    stems: Vec<String>,
    meaning: Embeddings,
    /// A word → its place in the lists.
    ids: std::collections::HashMap<String, u32>,
    /// A first letter → the words that start with it.
    by_initial: std::collections::HashMap<char, Vec<u32>>,
    /// Per word: how often it was seen inside a sentence, and how often
    /// capitalised there.
    casing: Vec<(u32, u32)>,
    /// Runs of two to five capitalised words (names), lower case, by
    /// their first letter.
    names: std::collections::HashMap<char, Vec<Vec<String>>>,
}

/// Words shorter than this are not looked up by meaning or as abbreviations.
const MIN_LETTERS: usize = 3;
/// Nor longer than this.
const MAX_LETTERS: usize = 30;

impl Vocabulary {
    pub(super) fn build(texts: impl Iterator<Item = String>, model: Option<&StaticModel>) -> Vocabulary {
        let mut seen_names = std::collections::HashSet::new();
        let mut vocabulary = Vocabulary::default();
        for text in texts {
            for name in capitalised_runs(&text) {
                if let Some(first) = name[0].chars().next()
                    && seen_names.insert(name.clone())
                {
                    vocabulary.names.entry(first).or_default().push(name);
                }
            }
            for piece in crate::text::words::pieces(&text) {
                let id = vocabulary.add(piece.text, model);
                if let Some(id) = id.filter(|_| !piece.starts_sentence()) {
                    let casing = &mut vocabulary.casing[id as usize];
                    casing.0 += 1;
                    casing.1 += u32::from(piece.capital());
                }
            }
        }
        vocabulary
    }

    /// Adds a word seen in a text, once; its place, unless it is not a word
    /// looked up (too short or long, a number).
    fn add(&mut self, word: &str, model: Option<&StaticModel>) -> Option<u32> {
        if !(MIN_LETTERS..=MAX_LETTERS).contains(&word.len()) || word.chars().all(|c| c.is_ascii_digit()) {
            return None;
        }
        let lower = word.to_lowercase();
        if let Some(&id) = self.ids.get(&lower) {
            return Some(id);
        }
        let stem = super::stems(&lower).into_iter().next()?;
        if let Some(model) = model {
            self.meaning.push(&model.encode(&lower));
        }
        let id = self.words.len() as u32;
        if let Some(first) = lower.chars().next() {
            self.by_initial.entry(first).or_default().push(id);
        }
        self.ids.insert(lower.clone(), id);
        self.words.push(lower);
        self.stems.push(stem);
        self.casing.push((0, 0));
        Some(id)
    }

    /// Whether the texts write `word` as a name: capitalised inside
    /// sentences nearly every time they use it there.
    pub(super) fn is_name(&self, word: &str) -> bool {
        self.ids.get(&word.to_lowercase()).is_some_and(|&id| {
            let (seen, capitalised) = self.casing[id as usize];
            seen > 0 && capitalised as f32 >= crate::tuning::NAME_SHARE * seen as f32
        })
    }

    /// The stems of the `k` words nearest in meaning to `word`, each with
    /// its cosine, at least `min`; not `word` itself.
    pub(super) fn near(&self, word: &str, model: &StaticModel, min: f32, k: usize) -> Vec<(String, f32)> {
        let own = super::stems(word);
        let mut found: Vec<(String, f32)> = Vec::new();
        for near in self.meaning.top(&model.encode(word), k * 2) {
            let stem = &self.stems[near.index];
            if near.cosine < min || own.contains(stem) || found.iter().any(|(s, _)| s == stem) {
                continue;
            }
            found.push((stem.clone(), near.cosine));
        }
        found.truncate(k);
        found
    }

    /// For each of `queries`, the highest cosine of any word of `text` to it.
    pub(super) fn nearest_words(&self, text: &str, queries: &[crate::semantic::Embedding]) -> Vec<f32> {
        let mut best = vec![0.0f32; queries.len()];
        if queries.is_empty() {
            return best;
        }
        let queries: Vec<crate::semantic::Quantised> = queries.iter().map(crate::semantic::Quantised::new).collect();
        for word in crate::text::words::pieces(text).map(|p| p.text) {
            if !(MIN_LETTERS..=MAX_LETTERS).contains(&word.len()) {
                continue;
            }
            let Some(&id) = self.ids.get(word).or_else(|| self.ids.get(&word.to_lowercase())) else { continue };
            for (b, query) in best.iter_mut().zip(&queries) {
                if let Some(cosine) = self.meaning.cosine_of(id as usize, query) {
                    *b = b.max(cosine);
                }
            }
        }
        best
    }

    /// The stems of the words `word` abbreviates or is an abbreviation of,
    /// one list per word.
    pub(super) fn abbreviations(&self, word: &str) -> Vec<Vec<String>> {
        let word = word.to_lowercase();
        let Some(first) = word.chars().next() else { return Vec::new() };
        let mut found: Vec<Vec<String>> = Vec::new();
        for &id in self.by_initial.get(&first).into_iter().flatten() {
            let (other, stem) = (&self.words[id as usize], &self.stems[id as usize]);
            if (abbreviates(&word, other) || abbreviates(other, &word)) && !found.iter().any(|f| f[0] == *stem) {
                found.push(vec![stem.clone()]);
            }
        }
        for name in self.names.get(&first).into_iter().flatten() {
            if stands_for(&word, name) {
                found.push(name.iter().flat_map(|w| super::stems(w)).collect());
            }
        }
        found
    }
}

/// Whether `short` abbreviates `long`: a numeronym of it (`k8s`), or three
/// to five of its letters in order from its first (`wasm`), when `long` is
/// at least twice as long and does not simply start with `short`.
fn abbreviates(short: &str, long: &str) -> bool {
    let (s, l) = (short.as_bytes(), long.as_bytes());
    // An abbreviation is written in ASCII; slicing another by bytes could split a letter.
    if !short.is_ascii()
        || s.len() < 3
        || l.len() < 2 * s.len()
        || l.len() < 7
        || s[0] != l[0]
        || long.starts_with(short)
    {
        return false;
    }
    let digits = &short[1..short.len() - 1];
    if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        return digits.parse::<usize>().is_ok_and(|n| n + 2 == l.len()) && s[s.len() - 1] == l[l.len() - 1];
    }
    if s.len() > 5 || !s.iter().all(u8::is_ascii_alphabetic) {
        return false;
    }
    let mut rest = l.iter();
    s.iter().all(|c| rest.any(|d| d == c))
}

/// Runs of two to five words that each start with a capital letter, in
/// lower case: the names in a text.
fn capitalised_runs(text: &str) -> Vec<Vec<String>> {
    let mut runs = Vec::new();
    let mut run: Vec<String> = Vec::new();
    let mut flush = |run: &mut Vec<String>| {
        if (2..=5).contains(&run.len()) {
            runs.push(run.iter().map(|w| w.to_lowercase()).collect());
        }
        run.clear();
    };
    for word in crate::text::words::words(text) {
        if !word.gap.chars().all(char::is_whitespace) {
            flush(&mut run);
        }
        let capital = word.capital();
        let word = word.text;
        if capital && word.chars().all(char::is_alphabetic) && word.len() > 1 {
            run.push(word.to_string());
        } else {
            flush(&mut run);
        }
    }
    flush(&mut run);
    runs
}

/// Whether `short` stands for the words of `name`: their initials
/// (`cncf`), or a start of each in order (`oscon`: Open Source Convention).
fn stands_for(short: &str, name: &[String]) -> bool {
    if !(2..=8).contains(&short.len()) || !short.bytes().all(|b| b.is_ascii_lowercase()) {
        return false;
    }
    fn starts(short: &str, name: &[String]) -> bool {
        match name.split_first() {
            None => short.is_empty(),
            Some((word, rest)) => (1..=word.len().min(short.len()))
                .any(|n| word.is_char_boundary(n) && short.starts_with(&word[..n]) && starts(&short[n..], rest)),
        }
    }
    starts(short, name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn abbreviations_are_letters_in_order_or_numeronyms() {
        assert!(abbreviates("wasm", "webassembly"));
        assert!(abbreviates("k8s", "kubernetes"));
        assert!(abbreviates("i18n", "internationalization"));
        assert!(!abbreviates("web", "webassembly"), "a prefix is not an abbreviation");
        assert!(!abbreviates("wasm", "wasteful"), "no m in it");
        assert!(!abbreviates("k9s", "kubernetes"));
        assert!(!abbreviates("cat", "category"), "a prefix");
        assert!(!abbreviates("dog", "development"), "letters out of order");
        assert!(!abbreviates("là", "lavender"), "not ASCII, and not split inside a letter");
    }

    #[test]
    fn acronyms_stand_for_names() {
        let name = |s: &str| s.split(' ').map(str::to_string).collect::<Vec<_>>();
        assert!(stands_for("cncf", &name("cloud native computing foundation")));
        assert!(stands_for("oscon", &name("open source convention")));
        assert!(!stands_for("cnc", &name("cloud native computing foundation")), "every word counts");
        assert_eq!(capitalised_runs("the O'Reilly Open Source Convention in 2019"), [name("open source convention")]);
        assert_eq!(
            capitalised_runs("by the Cloud Native Computing Foundation."),
            [name("cloud native computing foundation")]
        );
    }
}
