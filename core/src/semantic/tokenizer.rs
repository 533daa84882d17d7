//! MiniLM's tokenizer, rebuilt from the tables in the model file: the BERT
//! normaliser and pre-tokeniser, then WordPiece. It gives the token ids
//! Hugging Face `tokenizers` gives for the distilled model (without `[CLS]`
//! and `[SEP]`), which `tests/semantic.rs` checks against that library's
//! output.
//!
//! The normaliser (drop controls, lower-case, strip accents, space out CJK
//! ideographs) is per char, so the build script ran the real one on every
//! code point and stored the outcome: chars to delete, chars to replace and
//! with what, chars that are punctuation, and the CJK ranges. Nothing here
//! knows Unicode beyond `char::is_whitespace`, which matches the tokenizer's
//! whitespace exactly.

use std::collections::HashMap;

use rustc_hash::FxBuildHasher;

/// Tokens by their text. The keys borrow the model file, so the vocabulary
/// costs the table and no strings. Fx hashing is safe here: the keys are the
/// fixed vocabulary, and user text only ever looks up.
type PieceTable = HashMap<&'static str, u32, FxBuildHasher>;

/// The model file's tokenizer section, read but not yet indexed.
pub(super) struct Tables {
    /// The mark of a word's continuing pieces: `##`.
    pub prefix: &'static str,
    /// Every token; a token's id is its position.
    pub vocabulary: Vec<&'static str>,
    /// Tokens matched literally in the raw text, with their ids.
    pub specials: Vec<(&'static str, u32)>,
    pub cjk: CodeRanges,
    pub delete: CodeRanges,
    pub punct: CodeRanges,
    /// What the normaliser makes of one char, sorted by code point.
    pub map: Vec<(u32, &'static str)>,
    pub unk: u32,
    pub max_word_chars: usize,
    pub max_tokens: usize,
    pub max_chars: usize,
}

/// Inclusive code-point ranges, sorted and apart.
#[derive(Debug, Default)]
pub(super) struct CodeRanges(pub Vec<(u32, u32)>);

impl CodeRanges {
    fn contains(&self, c: char) -> bool {
        let cp = u32::from(c);
        let after = self.0.partition_point(|&(first, _)| first <= cp);
        after > 0 && self.0.get(after - 1).is_some_and(|&(_, last)| cp <= last)
    }
}

/// What the normaliser does to an ASCII char, looked up once from the
/// tables: most text is ASCII, and this spares it three binary searches.
#[derive(Debug, Clone, Copy)]
enum Ascii {
    Delete,
    Becomes(u8),
    /// The tables do something an ASCII byte cannot say (a longer
    /// replacement, CJK spacing): the general path decides.
    General,
}

/// The tokenizer: tables indexed for look-up.
pub(super) struct Tokenizer {
    /// Pieces that start a word.
    starts: PieceTable,
    /// Pieces that continue a word, keyed without the `##` prefix, so a
    /// look-up is a slice of the word and builds no string.
    continuations: PieceTable,
    /// Bytes of the longest key in each table: no longer slice can match.
    longest_start: usize,
    longest_continuation: usize,
    specials: Vec<(&'static str, u32)>,
    cjk: CodeRanges,
    delete: CodeRanges,
    punct: CodeRanges,
    map: Vec<(u32, &'static str)>,
    ascii: [Ascii; 128],
    ascii_punct: u128,
    unk: u32,
    max_word_chars: usize,
    max_tokens: usize,
    max_chars: usize,
}

/// Buffers reused from one text to the next.
#[derive(Debug, Default)]
pub(super) struct Scratch {
    normalised: String,
    pub ids: Vec<u32>,
}

impl Tokenizer {
    pub(super) fn new(tables: Tables) -> Tokenizer {
        let Tables {
            prefix,
            vocabulary,
            specials,
            cjk,
            delete,
            punct,
            map,
            unk,
            max_word_chars,
            max_tokens,
            max_chars,
        } = tables;
        let continuing = vocabulary.iter().filter(|t| t.starts_with(prefix) && t.len() > prefix.len()).count();
        let mut starts = PieceTable::with_capacity_and_hasher(vocabulary.len() - continuing, FxBuildHasher);
        let mut continuations = PieceTable::with_capacity_and_hasher(continuing, FxBuildHasher);
        for (id, &token) in (0u32..).zip(&vocabulary) {
            // A token that is only the prefix (`##` itself) starts a word.
            match token.strip_prefix(prefix).filter(|rest| !rest.is_empty()) {
                Some(rest) => continuations.insert(rest, id),
                None => starts.insert(token, id),
            };
        }
        let longest_start = starts.keys().map(|k| k.len()).max().unwrap_or(0);
        let longest_continuation = continuations.keys().map(|k| k.len()).max().unwrap_or(0);
        let mut tokenizer = Tokenizer {
            starts,
            continuations,
            longest_start,
            longest_continuation,
            specials,
            cjk,
            delete,
            punct,
            map,
            ascii: [Ascii::General; 128],
            ascii_punct: 0,
            unk,
            max_word_chars,
            max_tokens,
            max_chars,
        };
        for byte in 0..128u8 {
            let c = char::from(byte);
            tokenizer.ascii[usize::from(byte)] = tokenizer.ascii_rule(c);
            if tokenizer.punct.contains(c) {
                tokenizer.ascii_punct |= 1 << byte;
            }
        }
        tokenizer
    }

    fn ascii_rule(&self, c: char) -> Ascii {
        if self.delete.contains(c) {
            return Ascii::Delete;
        }
        if self.cjk.contains(c) {
            return Ascii::General;
        }
        match self.replacement(c) {
            None => Ascii::Becomes(c as u8),
            Some(r) if r.len() == 1 && r.is_ascii() => Ascii::Becomes(r.as_bytes()[0]),
            Some(_) => Ascii::General,
        }
    }

    fn replacement(&self, c: char) -> Option<&'static str> {
        let cp = u32::from(c);
        self.map.binary_search_by_key(&cp, |&(key, _)| key).ok().and_then(|i| self.map.get(i)).map(|&(_, r)| r)
    }

    /// The ids the model pools for `text`: the first `max_chars` chars
    /// tokenised, the first `max_tokens` ids kept, then `[UNK]` dropped.
    /// Leaves them in `scratch.ids`.
    pub(super) fn pooled_ids(&self, text: &str, scratch: &mut Scratch) {
        let cut = text.char_indices().nth(self.max_chars).map_or(text.len(), |(at, _)| at);
        self.raw_ids(&text[..cut], scratch);
        scratch.ids.truncate(self.max_tokens);
        scratch.ids.retain(|&id| id != self.unk);
    }

    /// The ids Hugging Face's tokenizer gives for `text`, with no limits
    /// applied. Leaves them in `scratch.ids`.
    pub(super) fn raw_ids(&self, text: &str, scratch: &mut Scratch) {
        scratch.ids.clear();
        let mut rest = text;
        // Special tokens are found in the raw text before normalising, even
        // inside a word (`xx[PAD]yy`); the text between is tokenised alone.
        while let Some((at, len, id)) = self.next_special(rest) {
            self.segment(&rest[..at], scratch);
            scratch.ids.push(id);
            rest = &rest[at + len..];
        }
        self.segment(rest, scratch);
    }

    /// The leftmost special token in `text`, the longest if two start there:
    /// where it starts, its length and its id.
    fn next_special(&self, text: &str) -> Option<(usize, usize, u32)> {
        self.specials
            .iter()
            .filter_map(|&(special, id)| text.find(special).map(|at| (at, special.len(), id)))
            .min_by_key(|&(at, len, _)| (at, std::cmp::Reverse(len)))
    }

    /// Normalises a stretch of text without special tokens, splits it into
    /// words and appends their pieces' ids.
    fn segment(&self, text: &str, scratch: &mut Scratch) {
        let Scratch { normalised, ids } = scratch;
        normalised.clear();
        self.normalise(text, normalised);
        let mut word_start = None;
        for (at, c) in normalised.char_indices() {
            let space = c.is_whitespace();
            if !space && !self.is_punct(c) {
                word_start.get_or_insert(at);
                continue;
            }
            if let Some(start) = word_start.take() {
                self.word_pieces(&normalised[start..at], ids);
            }
            if !space {
                self.word_pieces(&normalised[at..at + c.len_utf8()], ids);
            }
        }
        if let Some(start) = word_start {
            self.word_pieces(&normalised[start..], ids);
        }
    }

    fn normalise(&self, text: &str, out: &mut String) {
        for c in text.chars() {
            if let Some(&rule) = self.ascii.get(c as usize) {
                match rule {
                    Ascii::Delete => continue,
                    Ascii::Becomes(byte) => {
                        out.push(char::from(byte));
                        continue;
                    }
                    Ascii::General => {}
                }
            }
            if self.delete.contains(c) {
                continue;
            }
            let cjk = self.cjk.contains(c);
            if cjk {
                out.push(' ');
            }
            match self.replacement(c) {
                Some(r) => out.push_str(r),
                None => out.push(c),
            }
            if cjk {
                out.push(' ');
            }
        }
    }

    fn is_punct(&self, c: char) -> bool {
        match u8::try_from(c) {
            Ok(byte) if byte < 128 => self.ascii_punct & (1 << byte) != 0,
            _ => self.punct.contains(c),
        }
    }

    /// WordPiece: the longest known piece from the start, then the longest
    /// continuing piece, and so on. A word too long, or with a rest no piece
    /// matches, is one `[UNK]` as a whole, pieces already found included.
    fn word_pieces(&self, word: &str, ids: &mut Vec<u32>) {
        if word.chars().nth(self.max_word_chars).is_some() {
            ids.push(self.unk);
            return;
        }
        let found_before = ids.len();
        let mut start = 0;
        while start < word.len() {
            let (table, longest) = if start == 0 {
                (&self.starts, self.longest_start)
            } else {
                (&self.continuations, self.longest_continuation)
            };
            let rest = &word[start..];
            let mut end = floor_boundary(rest, longest);
            let piece = loop {
                if end == 0 {
                    break None;
                }
                if let Some(&id) = table.get(&rest[..end]) {
                    break Some(id);
                }
                end = floor_boundary(rest, end - 1);
            };
            let Some(id) = piece else {
                ids.truncate(found_before);
                ids.push(self.unk);
                return;
            };
            ids.push(id);
            start += end;
        }
    }
}

/// The largest char boundary of `text` at or below `at`.
fn floor_boundary(text: &str, at: usize) -> usize {
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}
