//! The English analyser: how text becomes the words the index holds.
//!
//! Text is split into words, long junk dropped, lower-cased, accents
//! folded, irregular past forms mapped to their base (`wrote` → `write`,
//! see [`super::lemmas`]), then stemmed (`deploying` → `deploy`). The index
//! analyses documents with it and every caller that compares words with the
//! index's — a query, a person's name, a question's stop words — goes
//! through [`stems`], so that both sides always agree on what a word is.

use std::ops::Range;
use std::sync::LazyLock;

use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RemoveLongFilter, SimpleTokenizer, Stemmer, TextAnalyzer, Token,
};

use super::lemmas::IrregularVerbs;

/// The name the index registers the analyser under.
pub(crate) const ANALYZER_NAME: &str = "emcee_en";

/// Words longer than this are not words (hashes, base64, URLs run together).
const LONGEST_WORD: usize = 40;

/// Built once; each use takes a clone, since analysing needs it mutably.
static ANALYZER: LazyLock<TextAnalyzer> = LazyLock::new(build);

fn build() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(LONGEST_WORD))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .filter(IrregularVerbs)
        .filter(Stemmer::new(Language::English))
        .build()
}

/// The analyser, for an index to register.
pub(crate) fn analyzer() -> TextAnalyzer {
    ANALYZER.clone()
}

/// The words of `text` as the index holds them: folded, irregular verbs
/// mapped to their base, stemmed; in order, repeats kept.
pub fn stems(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    each_token(text, |token| out.push(token.text.clone()));
    out
}

/// [`stems`] with the byte range each word came from, for highlighting.
pub(crate) fn stems_at(text: &str) -> Vec<(String, Range<usize>)> {
    let mut out = Vec::new();
    each_token(text, |token| out.push((token.text.clone(), token.offset_from..token.offset_to)));
    out
}

fn each_token(text: &str, mut f: impl FnMut(&Token)) {
    let mut analyzer = analyzer();
    let mut stream = analyzer.token_stream(text);
    while let Some(token) = stream.next() {
        f(token);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The stems, and the same stems with their places, each place a word of `text`.
    fn check(text: &str, expected: &[&str]) {
        assert_eq!(stems(text), expected, "{text}");
        let at: Vec<(String, &str)> = stems_at(text).into_iter().map(|(stem, at)| (stem, &text[at])).collect();
        assert_eq!(at.iter().map(|(stem, _)| stem).collect::<Vec<_>>(), expected, "{text}");
        assert!(at.iter().all(|(_, word)| !word.is_empty() && word.chars().all(char::is_alphanumeric)), "{at:?}");
    }

    #[test]
    fn folds_maps_and_stems() {
        check(
            "He co-wrote it, grew up, taught himself and was writing",
            &["he", "co", "write", "it", "grow", "up", "teach", "himself", "and", "be", "write"],
        );
        check("Sandboxing sandboxes", &["sandbox", "sandbox"]);
        check("Kélsey DEPLOYING", &["kelsey", "deploy"]);
        check(&"x".repeat(LONGEST_WORD + 1), &[]);
        check("", &[]);
    }
}
