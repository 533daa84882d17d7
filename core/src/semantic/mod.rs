//! Sentence embeddings from a static model, so that a question can find a
//! passage that says the same thing in other words.
//!
//! The model (`core/model/`, with its licence and byte format) was distilled
//! by Model2Vec from all-MiniLM-L6-v2: one 256-number vector per WordPiece
//! token, quantised to int8. It is compiled into the library, so the core
//! still reads no files; [`StaticModel::embedded`] parses it on first use
//! and keeps it for the process (a few milliseconds; the vectors are
//! borrowed from the binary, not copied).
//!
//! # What `encode` computes
//!
//! The same as Model2Vec's `StaticModel.encode(text)` (`normalize=True`):
//!
//! 1. Only the first 3,072 chars (Unicode scalar values) of the text count.
//! 2. The literal, case-sensitive strings `[PAD]` and `[UNK]` are tokens
//!    wherever they appear, even inside a word.
//! 3. The rest is normalised as MiniLM's tokenizer does: control and format
//!    chars and combining marks removed, whitespace made a space, lower case
//!    (`ß` stays), accents stripped, a space either side of each CJK
//!    ideograph.
//! 4. It is split into words at whitespace, and each punctuation char (ASCII
//!    punctuation such as `$ + < = > ^ | ~`, and Unicode's P* classes; not
//!    `€` or emoji) is a word of its own: `what's` is `what`, `'`, `s`.
//! 5. Each word becomes WordPiece tokens: the longest known piece from its
//!    start, then the longest known continuing piece, and so on
//!    (`webassembly` → `web ##asse ##mb ##ly`). A word of more than 100 chars,
//!    or one with a rest that no piece matches (an emoji), is one `[UNK]`.
//! 6. Only the first 512 tokens count; then every `[UNK]` is dropped, so
//!    unknown words add nothing rather than pulling texts together.
//! 7. The result is the mean of the remaining tokens' vectors (`[PAD]` is an
//!    ordinary token there), scaled to length 1 (divided by its L2 norm +
//!    1e-32), so the cosine of two embeddings is their dot product. A text
//!    with no known token (empty, only emoji, only `[UNK]`) is the zero
//!    vector, whose cosine with anything is 0.
//!
//! Word order does not matter, and a word the vocabulary lacks still counts
//! by its pieces. Scores are low in absolute terms (paraphrases about 0.2
//! to 0.6, unrelated texts up to about 0.1): rank or boost with them, next
//! to lexical search, rather than read them as yes or no.
//!
//! For many passages, [`StaticModel::encode_all`] stores them as
//! [`Embeddings`]: int8 with a scale, 260 bytes a passage, and a scan for
//! the nearest to a question.
//!
//! `model.rs` reads the file, `tokenizer.rs` turns text into token ids,
//! `embeddings.rs` keeps many texts' vectors; this file averages the vectors.

mod embeddings;
mod model;
mod tokenizer;

use std::sync::LazyLock;

pub use embeddings::{Embeddings, Nearest, Quantised};
use tokenizer::{Scratch, Tokenizer};

/// Numbers in an embedding.
pub const DIMS: usize = 256;

/// The model file, as `scripts/build-model` wrote it.
pub static MODEL_FILE: &[u8] = include_bytes!("../../model/emcee-embeddings.bin");

static EMBEDDED: LazyLock<Result<StaticModel, ModelError>> = LazyLock::new(|| StaticModel::from_bytes(MODEL_FILE));

/// Why a model file cannot be read. The compiled-in file is checked by the
/// tests, so for [`StaticModel::embedded`] this means a broken build.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ModelError {
    #[error("not an emcee embedding model: it does not start with EMCEEEMB")]
    Magic,
    #[error("the model file's format version is {0}; this build reads version 1")]
    Version(u32),
    #[error("the model has {0} dimensions; this build reads {DIMS}")]
    Dimensions(u32),
    #[error("the model's vectors are of type {0}; this build reads int8 (1) only")]
    Dtype(u32),
    #[error("the model's output is not normalised to length 1, which cosine relies on")]
    NotNormalised,
    #[error("the model file ends inside {what} (byte {at})")]
    Truncated { what: &'static str, at: usize },
    #[error("{what} in the model file is not UTF-8 (byte {at})")]
    Utf8 { what: &'static str, at: usize },
    #[error("{what} in the model file: {problem}")]
    Table { what: &'static str, problem: &'static str },
    #[error("token id {id} in {what} is outside the vocabulary of {vocabulary}")]
    TokenId { what: &'static str, id: u32, vocabulary: u32 },
    #[error("the model file does not end with EMCEEEND at byte {at}")]
    End { at: usize },
}

/// A static embedding model: a tokenizer and one vector per token.
pub struct StaticModel {
    tokenizer: Tokenizer,
    /// Each token's scale, an f32's little-endian bytes.
    scales: &'static [[u8; 4]],
    /// Each token's vector, int8.
    rows: &'static [[u8; DIMS]],
}

impl std::fmt::Debug for StaticModel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StaticModel").field("tokens", &self.rows.len()).field("dims", &DIMS).finish()
    }
}

impl StaticModel {
    /// The compiled-in model, parsed on the first call and kept. Every call
    /// returns the same model, or the same error.
    pub fn embedded() -> Result<&'static StaticModel, ModelError> {
        EMBEDDED.as_ref().map_err(Clone::clone)
    }

    /// Parses a model file, borrowing its vectors.
    pub fn from_bytes(bytes: &'static [u8]) -> Result<StaticModel, ModelError> {
        model::parse(bytes)
    }

    /// How many tokens the model knows.
    pub fn vocabulary_size(&self) -> usize {
        self.rows.len()
    }

    /// The embedding of `text` (see the module's documentation): length 1,
    /// or zero when no token of the text is known.
    pub fn encode(&self, text: &str) -> Embedding {
        let mut scratch = Scratch::default();
        let mut values = Box::new([0.0; DIMS]);
        self.encode_into(text, &mut scratch, &mut values);
        Embedding(values)
    }

    /// The embeddings of many texts, in order, stored compactly.
    pub fn encode_all<'t>(&self, texts: impl IntoIterator<Item = &'t str>) -> Embeddings {
        let texts = texts.into_iter();
        let mut all = Embeddings::with_capacity(texts.size_hint().0);
        let mut scratch = Scratch::default();
        let mut values = [0.0; DIMS];
        for text in texts {
            self.encode_into(text, &mut scratch, &mut values);
            all.push_values(&values);
        }
        all
    }

    /// Whether the vocabulary holds `word` whole, as one token: a word of
    /// the language the model was trained on rather than a typo or a name
    /// it has to spell out in pieces.
    pub fn knows_word(&self, word: &str) -> bool {
        self.pooled_token_ids(word).len() == 1 && self.tokenize(word).len() == 1
    }

    /// The token ids Hugging Face's tokenizer gives for `text` (without
    /// `[CLS]` and `[SEP]`), before any limit: what the tests compare.
    pub fn tokenize(&self, text: &str) -> Vec<u32> {
        let mut scratch = Scratch::default();
        self.tokenizer.raw_ids(text, &mut scratch);
        scratch.ids
    }

    /// The token ids whose vectors `encode` averages: within the limits,
    /// `[UNK]` dropped.
    pub fn pooled_token_ids(&self, text: &str) -> Vec<u32> {
        let mut scratch = Scratch::default();
        self.tokenizer.pooled_ids(text, &mut scratch);
        scratch.ids
    }

    fn encode_into(&self, text: &str, scratch: &mut Scratch, values: &mut [f32; DIMS]) {
        self.tokenizer.pooled_ids(text, scratch);
        values.fill(0.0);
        let mut pooled = 0u32;
        for &id in &scratch.ids {
            let index = id as usize;
            // Every id comes from the vocabulary, so both are always there.
            let (Some(scale), Some(row)) = (self.scales.get(index), self.rows.get(index)) else {
                continue;
            };
            let scale = f32::from_le_bytes(*scale);
            for (value, &q) in values.iter_mut().zip(row) {
                *value += f32::from(q as i8) * scale;
            }
            pooled += 1;
        }
        if pooled == 0 {
            return;
        }
        // The mean, then length 1 as Model2Vec divides: by the norm plus 1e-32.
        let count = pooled as f32;
        values.iter_mut().for_each(|v| *v /= count);
        let norm = values.iter().map(|v| v * v).sum::<f32>().sqrt() + 1e-32;
        values.iter_mut().for_each(|v| *v /= norm);
    }
}

/// A text's embedding: [`DIMS`] numbers of length 1, or all zero.
#[derive(Clone, PartialEq)]
pub struct Embedding(Box<[f32; DIMS]>);

/// The zero embedding: of a text with no known token, near nothing.
impl Default for Embedding {
    fn default() -> Embedding {
        Embedding(Box::new([0.0; DIMS]))
    }
}

impl Embedding {
    /// The cosine similarity of two embeddings, from -1 to 1; 0 when either
    /// is zero.
    pub fn cosine(&self, other: &Embedding) -> f32 {
        self.0.iter().zip(other.0.iter()).map(|(a, b)| a * b).sum()
    }

    /// The weighted mean of embeddings, scaled to length 1: the meaning
    /// of a text whose words weigh differently (a rare word more than a
    /// common one). Zero when nothing weighs.
    pub fn weighted_mean<'e>(parts: impl IntoIterator<Item = (&'e Embedding, f32)>) -> Embedding {
        let mut values = Box::new([0.0; DIMS]);
        for (embedding, weight) in parts {
            for (value, part) in values.iter_mut().zip(embedding.0.iter()) {
                *value += weight * part;
            }
        }
        let norm = values.iter().map(|v| v * v).sum::<f32>().sqrt();
        if norm > 0.0 {
            values.iter_mut().for_each(|v| *v /= norm);
        }
        Embedding(values)
    }

    /// Whether the text had no known token.
    pub fn is_zero(&self) -> bool {
        self.0.iter().all(|&v| v == 0.0)
    }

    /// The numbers themselves.
    pub fn values(&self) -> &[f32; DIMS] {
        &self.0
    }
}

impl std::fmt::Debug for Embedding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Embedding").field(&&self.0[..4]).field(&"…").finish()
    }
}
