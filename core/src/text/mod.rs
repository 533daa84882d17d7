//! Plain-text primitives shared by the parsers and the engine: words and
//! folding them for comparison (`words.rs`, the crate's one tokenizer), and
//! splitting prose into sentences without losing a byte.

pub mod words;

use std::ops::Range;

pub use words::fold;

/// Splits prose into sentences. The ranges cover the whole input, in order, so
/// joining the slices gives back every byte: the parsers rely on that to lose
/// no text.
pub fn sentence_ranges(text: &str) -> Vec<Range<usize>> {
    let bytes = text.as_bytes();
    let mut ranges = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if matches!(b, b'.' | b'!' | b'?') {
            // Take the whole run of terminators and closing quotes: `?!`, `..."`.
            let mut end = i + 1;
            while end < bytes.len() && matches!(bytes[end], b'.' | b'!' | b'?' | b'"' | b'\'' | b')') {
                end += 1;
            }
            // Closing curly quotes are multi-byte.
            while text[end..].starts_with('\u{201d}') || text[end..].starts_with('\u{2019}') {
                end += '\u{201d}'.len_utf8();
            }
            if is_boundary(text, start, i, end) {
                let mut next = end;
                while next < bytes.len() && bytes[next].is_ascii_whitespace() {
                    next += 1;
                }
                ranges.push(start..next);
                start = next;
                i = next;
                continue;
            }
            i = end;
            continue;
        }
        i += 1;
    }
    if start < bytes.len() {
        ranges.push(start..bytes.len());
    }
    ranges
}

/// Whether the terminator run `stop..end` closes the sentence begun at `start`.
fn is_boundary(text: &str, start: usize, stop: usize, end: usize) -> bool {
    let rest = &text[end..];
    let Some(next) = rest.chars().next() else {
        return true;
    };
    if !next.is_whitespace() {
        return false;
    }
    let following = rest.trim_start().chars().next();
    match following {
        None => true,
        Some(c) if c.is_lowercase() => false,
        Some(_) => {
            if text.as_bytes()[stop] != b'.' || end - stop > 1 {
                return true;
            }
            // A single full stop after an abbreviation or an initial does not end a sentence.
            let word = text[start..stop].rsplit(|c: char| c.is_whitespace() || c == '(').next().unwrap_or("");
            let lower = word.to_ascii_lowercase();
            let is_initial = word.len() == 1 && word.chars().all(|c| c.is_uppercase());
            !(is_initial || ABBREVIATIONS.contains(&lower.as_str()))
        }
    }
}

/// The sentences of `text`, trimmed, empty ones left out.
pub fn sentences(text: &str) -> impl Iterator<Item = &str> {
    sentence_ranges(text).into_iter().map(move |r| text[r].trim()).filter(|s| !s.is_empty())
}

/// A URL-safe identifier made from a name: `Kelsey Hightower` → `kelsey-hightower`.
pub fn slug(name: &str) -> String {
    fold(name).replace(' ', "-")
}

/// Shortens `text` to at most `max` characters on a word boundary, adding `…`.
pub fn truncate_words(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let cut: String = text.chars().take(max.saturating_sub(1)).collect();
    let trimmed = match cut.rfind(char::is_whitespace) {
        Some(pos) if pos > max / 2 => &cut[..pos],
        _ => cut.as_str(),
    };
    format!("{}…", trimmed.trim_end_matches([',', ';', ':', ' ']))
}

/// Source: common English abbreviations written with a full stop (`Dr.`,
/// `e.g.`), after which a full stop does not end a sentence.
const ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "prof", "st", "vs", "etc", "e.g", "i.e", "inc", "jr", "sr", "no", "approx", "dept", "est",
    "fig", "mt",
];

#[cfg(test)]
mod tests {
    use super::*;

    fn check_split(text: &str, expected: &[&str]) {
        let got: Vec<&str> = sentences(text).collect();
        assert_eq!(got, expected);
        let joined: String = sentence_ranges(text).into_iter().map(|r| &text[r]).collect();
        assert_eq!(joined, text, "the ranges must cover the input");
    }

    #[test]
    fn splits_sentences() {
        check_split("One. Two! Three?", &["One.", "Two!", "Three?"]);
        check_split("He said, \"Hi there.\" Then left.", &["He said, \"Hi there.\"", "Then left."]);
        check_split("Ask Dr. Who. Fine.", &["Ask Dr. Who.", "Fine."]);
        check_split("Look at Wasm... I understand.", &["Look at Wasm...", "I understand."]);
        check_split("version 1.2 is out. yes", &["version 1.2 is out. yes"]);
        check_split("No end", &["No end"]);
        check_split("  ", &[]);
    }

    #[test]
    fn folds_names() {
        assert_eq!(fold("  Kélsey HIGHTOWER! "), "kelsey hightower");
        assert_eq!(fold("O'Reilly"), "oreilly");
        assert_eq!(slug("Kelsey Hightower"), "kelsey-hightower");
    }

    #[test]
    fn truncates_on_words() {
        assert_eq!(truncate_words("short", 10), "short");
        assert_eq!(truncate_words("one two three four", 12), "one two…");
    }
}
