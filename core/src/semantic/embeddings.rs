//! Many texts' embeddings kept compactly, and the scan that finds those
//! nearest to a question.
//!
//! An index of a large conference holds about 100,000 passages. As f32 their
//! embeddings would take 1 KiB each (100 MB); here each is int8 with one f32
//! scale (its largest value / 127), 260 bytes, and the cosines change by
//! about 0.001, far below what tells passages apart. The scan quantises the
//! question the same way and multiplies integers, which is exact and
//! vectorises well.

use super::{DIMS, Embedding};

/// Embeddings of many texts, in the order they were added.
#[derive(Debug, Clone, Default)]
pub struct Embeddings {
    /// Per text: its largest absolute value / 127; 0 for a zero embedding.
    scales: Vec<f32>,
    rows: Vec<[i8; DIMS]>,
}

/// A question quantised as the stored texts are, for comparing it with
/// many of them one at a time ([`Embeddings::cosine_of`]).
#[derive(Debug, Clone)]
pub struct Quantised {
    scale: f32,
    row: [i8; DIMS],
}

impl Quantised {
    pub fn new(query: &Embedding) -> Quantised {
        let (scale, row) = quantise(query.values());
        Quantised { scale, row }
    }
}

/// One text near a question: its position in the [`Embeddings`] and its
/// cosine similarity to the question.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Nearest {
    pub index: usize,
    pub cosine: f32,
}

impl Embeddings {
    pub fn with_capacity(texts: usize) -> Embeddings {
        Embeddings { scales: Vec::with_capacity(texts), rows: Vec::with_capacity(texts) }
    }

    /// Adds one embedding at the end.
    pub fn push(&mut self, embedding: &Embedding) {
        self.push_values(embedding.values());
    }

    pub(super) fn push_values(&mut self, values: &[f32; DIMS]) {
        let (scale, row) = quantise(values);
        self.scales.push(scale);
        self.rows.push(row);
    }

    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The cosine similarity of text `index` to `query`, or `None` when there
    /// is no such text. For scoring a few candidates found another way.
    pub fn cosine(&self, index: usize, query: &Embedding) -> Option<f32> {
        let (scale, row) = (self.scales.get(index)?, self.rows.get(index)?);
        let dot: f32 = row.iter().zip(query.values()).map(|(&q, v)| f32::from(q) * v).sum();
        Some(dot * scale)
    }

    /// [`cosine`](Self::cosine) with the question quantised once for many
    /// calls: integer arithmetic, several times as fast.
    pub fn cosine_of(&self, index: usize, query: &Quantised) -> Option<f32> {
        let (scale, row) = (self.scales.get(index)?, self.rows.get(index)?);
        Some(dot(&query.row, row) as f32 * query.scale * scale)
    }

    /// The `k` texts most similar to `query`, most similar first; of equal
    /// scores, the earlier text first. Texts with no known token are never
    /// returned, and a zero query (no known token) returns nothing.
    pub fn top(&self, query: &Embedding, k: usize) -> Vec<Nearest> {
        let (query_scale, query) = quantise(query.values());
        if k == 0 || query_scale == 0.0 {
            return Vec::new();
        }
        let mut best: Vec<Nearest> = Vec::with_capacity(k + 1);
        for (index, (&scale, row)) in self.scales.iter().zip(&self.rows).enumerate() {
            if scale == 0.0 {
                continue;
            }
            let cosine = dot(&query, row) as f32 * query_scale * scale;
            if best.len() == k && best.last().is_some_and(|worst| worst.cosine >= cosine) {
                continue;
            }
            let at = best.partition_point(|n| n.cosine >= cosine);
            best.insert(at, Nearest { index, cosine });
            best.truncate(k);
        }
        best
    }
}

/// Integer dot product. Each product is formed in i16 (127² fits) and added
/// into one of 16 i32 lanes: LLVM makes SIMD of that shape even on plain
/// x86-64, 2.7 times as fast as one running i32 sum (1.8 ms rather than 4.9
/// for 100,000 texts). Inlined into the scan, LLVM vectorises it worse
/// (10 ms), hence never.
#[inline(never)]
fn dot(a: &[i8; DIMS], b: &[i8; DIMS]) -> i32 {
    let mut lanes = [0i32; 16];
    for (a, b) in a.as_chunks::<16>().0.iter().zip(b.as_chunks::<16>().0) {
        for ((lane, &x), &y) in lanes.iter_mut().zip(a).zip(b) {
            *lane += i32::from(i16::from(x) * i16::from(y));
        }
    }
    lanes.iter().sum()
}

/// int8 values and the scale that turns them back: the largest absolute
/// value becomes ±127, so none clips.
fn quantise(values: &[f32; DIMS]) -> (f32, [i8; DIMS]) {
    let largest = values.iter().fold(0.0f32, |m, v| m.max(v.abs()));
    let mut row = [0i8; DIMS];
    if largest == 0.0 || !largest.is_finite() {
        return (0.0, row);
    }
    let scale = largest / 127.0;
    for (q, v) in row.iter_mut().zip(values) {
        // In range by construction; `as` saturates anyway.
        *q = (v / scale).round() as i8;
    }
    (scale, row)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn embedding(values: impl Fn(usize) -> f32) -> Embedding {
        let mut all = Box::new([0.0; DIMS]);
        all.iter_mut().enumerate().for_each(|(i, v)| *v = values(i));
        let norm = all.iter().map(|v| v * v).sum::<f32>().sqrt();
        if norm > 0.0 {
            all.iter_mut().for_each(|v| *v /= norm);
        }
        Embedding(all)
    }

    #[test]
    fn quantised_cosines_stay_close_and_the_order_is_kept() {
        let texts: Vec<Embedding> = (1..=20).map(|n| embedding(|i| ((i * n) as f32).sin())).collect();
        let query = embedding(|i| ((i * 7) as f32).sin() + 0.3 * ((i * 3) as f32).cos());
        let mut store = Embeddings::default();
        texts.iter().for_each(|e| store.push(e));
        store.push(&embedding(|_| 0.0));

        for (index, text) in texts.iter().enumerate() {
            let exact = text.cosine(&query);
            let stored = store.cosine(index, &query).unwrap();
            assert!((exact - stored).abs() < 0.005, "{index}: {exact} vs {stored}");
        }
        let top = store.top(&query, 3);
        let mut exact: Vec<(usize, f32)> = texts.iter().map(|t| t.cosine(&query)).enumerate().collect();
        exact.sort_by(|a, b| b.1.total_cmp(&a.1));
        assert_eq!(top.iter().map(|n| n.index).collect::<Vec<_>>(), [exact[0].0, exact[1].0, exact[2].0]);
        assert!((top[0].cosine - exact[0].1).abs() < 0.005);

        assert_eq!(store.top(&query, 100).len(), 20, "the zero embedding is never returned");
        assert_eq!(store.top(&embedding(|_| 0.0), 5), []);
        assert_eq!(store.top(&query, 0), []);
        assert_eq!(store.cosine(21, &query), None);
    }
}
