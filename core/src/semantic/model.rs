//! Reading `emcee-embeddings.bin` (its layout is in `core/model/README.md`)
//! into a [`StaticModel`]: the header checked, the tokenizer's tables read
//! and indexed, and the vectors borrowed where they lie in the file.
//!
//! Nothing is copied that can be borrowed: the 7.5 MB of int8 rows and
//! their scales stay in the file's bytes (compiled into the binary), so a
//! process pays in memory only for the pages of the tokens it meets.

use super::tokenizer::{CodeRanges, Tables, Tokenizer};
use super::{DIMS, ModelError, StaticModel};

const MAGIC: &[u8; 8] = b"EMCEEEMB";
const END_MAGIC: &[u8; 8] = b"EMCEEEND";
const VERSION: u32 = 1;
/// int8 values with one f32 scale per row; dtype 2 (f16) is not read.
const DTYPE_INT8: u32 = 1;
/// Flag bit 4: the model's output is L2-normalised, which
/// [`super::Embedding::cosine`] relies on. Bits 0–3 name the normaliser's
/// steps, which the tables already carry out.
const FLAG_NORMALISE_OUTPUT: u32 = 1 << 4;

/// The file, read front to back.
struct Reader {
    bytes: &'static [u8],
    at: usize,
}

impl Reader {
    fn take(&mut self, len: usize, what: &'static str) -> Result<&'static [u8], ModelError> {
        let end = self.at.checked_add(len).ok_or(ModelError::Truncated { what, at: self.at })?;
        let taken = self.bytes.get(self.at..end).ok_or(ModelError::Truncated { what, at: self.at })?;
        self.at = end;
        Ok(taken)
    }

    fn array<const N: usize>(&mut self, what: &'static str) -> Result<[u8; N], ModelError> {
        let at = self.at;
        self.take(N, what)?.try_into().map_err(|_| ModelError::Truncated { what, at })
    }

    fn u8(&mut self, what: &'static str) -> Result<u8, ModelError> {
        self.array::<1>(what).map(|[b]| b)
    }

    fn u32(&mut self, what: &'static str) -> Result<u32, ModelError> {
        self.array(what).map(u32::from_le_bytes)
    }

    fn usize(&mut self, what: &'static str) -> Result<usize, ModelError> {
        self.u32(what).map(|n| n as usize)
    }

    fn utf8(&mut self, len: usize, what: &'static str) -> Result<&'static str, ModelError> {
        let at = self.at;
        std::str::from_utf8(self.take(len, what)?).map_err(|_| ModelError::Utf8 { what, at })
    }

    /// A `u16` byte length and that many bytes of UTF-8.
    fn str16(&mut self, what: &'static str) -> Result<&'static str, ModelError> {
        let len = self.array(what).map(u16::from_le_bytes)?;
        self.utf8(usize::from(len), what)
    }

    /// A count, then inclusive code-point ranges; binary search needs them
    /// sorted and apart.
    fn ranges(&mut self, what: &'static str) -> Result<CodeRanges, ModelError> {
        let count = self.count(8, what)?;
        let mut ranges = Vec::with_capacity(count);
        for _ in 0..count {
            let (first, last) = (self.u32(what)?, self.u32(what)?);
            let after_previous = ranges.last().is_none_or(|&(_, previous)| previous < first);
            if first > last || !after_previous {
                return Err(ModelError::Table { what, problem: "ranges out of order" });
            }
            ranges.push((first, last));
        }
        Ok(CodeRanges(ranges))
    }

    /// The special tokens: a count, then per token its id and text.
    fn specials(
        &mut self,
        check_id: &impl Fn(u32, &'static str) -> Result<u32, ModelError>,
    ) -> Result<Vec<(&'static str, u32)>, ModelError> {
        let what = "the special tokens";
        let count = self.count(6, what)?;
        let mut specials = Vec::with_capacity(count);
        for _ in 0..count {
            let id = check_id(self.u32(what)?, what)?;
            let text = self.str16(what)?;
            // An empty one would match everywhere and never advance.
            if text.is_empty() {
                return Err(ModelError::Table { what, problem: "an empty token" });
            }
            specials.push((text, id));
        }
        Ok(specials)
    }

    /// The MAP: a count, then per char its code point and its replacement
    /// (a `u8` length and UTF-8), sorted by code point for binary search.
    fn map(&mut self) -> Result<Vec<(u32, &'static str)>, ModelError> {
        let what = "the MAP";
        let count = self.count(5, what)?;
        let mut map: Vec<(u32, &'static str)> = Vec::with_capacity(count);
        for _ in 0..count {
            let cp = self.u32(what)?;
            let len = self.u8(what)?;
            let replacement = self.utf8(usize::from(len), what)?;
            if map.last().is_some_and(|&(previous, _)| previous >= cp) {
                return Err(ModelError::Table { what, problem: "code points out of order" });
            }
            map.push((cp, replacement));
        }
        Ok(map)
    }

    /// A `u32` count of items of at least `min_len` bytes, checked against
    /// what is left, so a broken count cannot reserve gigabytes.
    fn count(&mut self, min_len: usize, what: &'static str) -> Result<usize, ModelError> {
        let count = self.usize(what)?;
        self.fits(count, min_len, what)
    }

    /// `count` items of at least `min_len` bytes each fit in what is left.
    fn fits(&self, count: usize, min_len: usize, what: &'static str) -> Result<usize, ModelError> {
        let left = self.bytes.len().saturating_sub(self.at);
        if count.saturating_mul(min_len) > left {
            return Err(ModelError::Truncated { what, at: self.at });
        }
        Ok(count)
    }
}

pub(super) fn parse(bytes: &'static [u8]) -> Result<StaticModel, ModelError> {
    let mut file = Reader { bytes, at: 0 };
    if file.take(MAGIC.len(), "the magic")? != MAGIC {
        return Err(ModelError::Magic);
    }
    let version = file.u32("the version")?;
    if version != VERSION {
        return Err(ModelError::Version(version));
    }
    let vocabulary_size = file.usize("the header")?;
    let dims = file.u32("the header")?;
    let dtype = file.u32("the header")?;
    let flags = file.u32("the header")?;
    let unk = file.u32("the header")?;
    let max_word_chars = file.usize("the header")?;
    let max_tokens = file.usize("the header")?;
    let max_chars = file.usize("the header")?;
    let metadata_len = file.usize("the header")?;
    if dims as usize != DIMS {
        return Err(ModelError::Dimensions(dims));
    }
    if dtype != DTYPE_INT8 {
        return Err(ModelError::Dtype(dtype));
    }
    if flags & FLAG_NORMALISE_OUTPUT == 0 {
        return Err(ModelError::NotNormalised);
    }
    // Provenance for people (package, version, licence); the code needs none of it.
    file.take(metadata_len, "the provenance")?;

    let prefix = file.str16("the prefix")?;
    let vocabulary_size = file.fits(vocabulary_size, 2, "the vocabulary")?;
    let vocabulary = (0..vocabulary_size).map(|_| file.str16("the vocabulary")).collect::<Result<Vec<_>, _>>()?;
    let vocabulary_len = u32::try_from(vocabulary.len()).unwrap_or(u32::MAX);
    let check_id = |id: u32, what: &'static str| {
        if id < vocabulary_len { Ok(id) } else { Err(ModelError::TokenId { what, id, vocabulary: vocabulary_len }) }
    };
    check_id(unk, "the header's [UNK]")?;

    let specials = file.specials(&check_id)?;
    let cjk = file.ranges("the CJK ranges")?;
    let delete = file.ranges("the DELETE ranges")?;
    let punct = file.ranges("the PUNCT ranges")?;
    let map = file.map()?;

    let scales = file.take(vocabulary.len() * 4, "the row scales")?;
    let (scales, _) = scales.as_chunks::<4>();
    // A scale that is not a finite number would make every text with its
    // token NaN; the check reads 118 kB once.
    if !scales.iter().all(|&scale| f32::from_le_bytes(scale).is_finite()) {
        return Err(ModelError::Table { what: "the row scales", problem: "a scale that is not a finite number" });
    }
    let rows = file.take(vocabulary.len() * DIMS, "the vectors")?;
    let end_at = file.at;
    if file.take(END_MAGIC.len(), "the end magic").ok() != Some(END_MAGIC.as_slice()) || file.at != bytes.len() {
        return Err(ModelError::End { at: end_at });
    }

    let tokenizer = Tokenizer::new(Tables {
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
    });
    let (rows, _) = rows.as_chunks::<DIMS>();
    Ok(StaticModel { tokenizer, scales, rows })
}
