//! The one tokenizer: how every part of the core splits text into words.
//!
//! A text is read as [`Piece`]s, its runs of letters and digits, each with
//! the text that separates it from the one before. Everything else is
//! built on them: a [`Word`] is pieces joined by an apostrophe (`Kelsey's`,
//! `O'Reilly`), folded for comparison; [`fold`] is a text's words folded
//! and joined. Readers that need more (a clock time `14:00` in a question,
//! `A/V` typed as one word in a title, where a sentence starts) look at the
//! gaps between pieces rather than split the text again.
//!
//! The search index analyses text with Tantivy's tokenizer, which splits
//! the same runs; [`crate::index::stems`] is how anything compares words
//! with the index's.

use std::ops::Range;

/// A run of letters and digits, and the text before it back to the
/// previous run (empty for a run that starts the text).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Piece<'t> {
    pub text: &'t str,
    /// Where `text` is, in bytes of the whole text.
    pub start: usize,
    pub gap: &'t str,
}

impl Piece<'_> {
    /// Where the piece is, in bytes of the whole text.
    pub fn range(&self) -> Range<usize> {
        self.start..self.start + self.text.len()
    }

    /// Whether it starts with a capital letter.
    pub fn capital(&self) -> bool {
        self.text.chars().next().is_some_and(char::is_uppercase)
    }

    /// Whether the gap before it ends a sentence or opens a quotation: the
    /// piece is the first of a sentence (the text's first is too).
    pub fn starts_sentence(&self) -> bool {
        starts_sentence(self.start, self.gap)
    }

    /// Whether the gap before it holds nothing but white space (or nothing).
    pub fn spaced(&self) -> bool {
        self.gap.chars().all(char::is_whitespace)
    }
}

/// The pieces of `text`, in order.
pub fn pieces(text: &str) -> impl Iterator<Item = Piece<'_>> {
    let mut rest_from = 0;
    std::iter::from_fn(move || {
        let rest = &text[rest_from..];
        let begin = rest.find(char::is_alphanumeric)?;
        let len = rest[begin..].find(|c: char| !c.is_alphanumeric()).unwrap_or(rest.len() - begin);
        let piece = Piece { text: &rest[begin..begin + len], start: rest_from + begin, gap: &rest[..begin] };
        rest_from += begin + len;
        Some(piece)
    })
}

/// A word: pieces joined by apostrophes, as written and folded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word<'t> {
    /// As written, apostrophes included.
    pub text: &'t str,
    pub start: usize,
    /// The text between it and the word before.
    pub gap: &'t str,
    /// Accents removed, lower case, ASCII letters and digits only.
    pub folded: String,
}

impl Word<'_> {
    /// Whether it starts with a capital letter.
    pub fn capital(&self) -> bool {
        self.text.chars().next().is_some_and(char::is_uppercase)
    }

    pub fn range(&self) -> Range<usize> {
        self.start..self.start + self.text.len()
    }

    /// Whether it is the first of a sentence or a quotation (see [`Piece::starts_sentence`]).
    pub fn starts_sentence(&self) -> bool {
        starts_sentence(self.start, self.gap)
    }
}

/// Whether a word after `gap`, at `start`, is the first of a sentence or
/// of a quotation: the text's first, or after a sentence's end, a colon
/// or an opening quotation mark.
fn starts_sentence(start: usize, gap: &str) -> bool {
    start == gap.len() || gap.contains(['.', '!', '?', ':', '…', '"', '“', '‘'])
}

/// Apostrophes, straight and curly, which join the pieces of a word.
fn is_apostrophe(gap: &str) -> bool {
    matches!(gap, "'" | "’")
}

/// The words of `text`, in order, each with its folded form; a word that
/// folds to nothing (a letter with no ASCII form) is left out.
pub fn words(text: &str) -> Vec<Word<'_>> {
    let mut out: Vec<Word<'_>> = Vec::new();
    let mut joining = false;
    for piece in pieces(text) {
        let folded = fold_piece(piece.text);
        match out.last_mut() {
            Some(last)
                if joining
                    && is_apostrophe(piece.gap)
                    && last.start + last.text.len() + piece.gap.len() == piece.start =>
            {
                last.text = &text[last.start..piece.start + piece.text.len()];
                last.folded.push_str(&folded);
            }
            _ => out.push(Word { text: piece.text, start: piece.start, gap: piece.gap, folded }),
        }
        joining = true;
    }
    out.retain(|w| !w.folded.is_empty());
    out
}

/// A piece with accents removed, in lower case, ASCII letters and digits only.
fn fold_piece(piece: &str) -> String {
    if piece.is_ascii() {
        return piece.to_ascii_lowercase();
    }
    deunicode::deunicode(piece).chars().filter(char::is_ascii_alphanumeric).map(|c| c.to_ascii_lowercase()).collect()
}

/// Folds text for forgiving comparison: its words folded, joined by one space.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in words(text) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&word.folded);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pieces_keep_their_gaps() {
        let got: Vec<(&str, &str)> = pieces("Hi, A/V — 14:00!").map(|p| (p.gap, p.text)).collect();
        assert_eq!(got, [("", "Hi"), (", ", "A"), ("/", "V"), (" — ", "14"), (":", "00")]);
        assert!(pieces("").next().is_none());
        assert!(pieces(" ... ").next().is_none());
    }

    #[test]
    fn words_join_apostrophes_and_fold() {
        let got: Vec<(String, String)> =
            words("Kelsey’s O'Reilly 'quoted' Müller").into_iter().map(|w| (w.text.to_string(), w.folded)).collect();
        assert_eq!(
            got,
            [
                ("Kelsey’s".to_string(), "kelseys".to_string()),
                ("O'Reilly".to_string(), "oreilly".to_string()),
                ("quoted".to_string(), "quoted".to_string()),
                ("Müller".to_string(), "muller".to_string()),
            ]
        );
    }

    #[test]
    fn sentence_starts_and_capitals() {
        let starts: Vec<bool> = pieces("He left. Then “Go” now").map(|p| p.starts_sentence()).collect();
        assert_eq!(starts, [true, false, true, true, false]);
        assert!(pieces("Go").next().unwrap().capital());
    }
}
