//! What each indexed document means, for finding one that says a question's
//! words differently: its sentence embedding (see [`crate::semantic`]), and
//! for a passage that answers an interviewer, the embedding of the question
//! it answers. Kept per kind of document beside its search index, with each
//! speaker's documents listed, so that a question about one person scans
//! only theirs.

use std::collections::HashMap;

use crate::semantic::{Embedding, Embeddings, Quantised, StaticModel};

/// Documents of one kind by meaning, in the order they were indexed.
#[derive(Debug, Default)]
pub(super) struct Meaning {
    texts: Embeddings,
    /// Per document, the row of the question it answers in `prompts`.
    prompt_of: Vec<Option<u32>>,
    prompts: Embeddings,
    /// Per row of `prompts`, the documents that answer it.
    answers: Vec<Vec<u32>>,
    /// A speaker's id → their documents.
    by_speaker: HashMap<String, Vec<u32>>,
    /// The last question encoded, so that the passages of one turn share it.
    last_prompt: Option<String>,
}

/// More documents than this in a scan of everything are not scanned: the
/// question's words must find them first.
const SCAN_MAX: usize = 20_000;

impl Meaning {
    /// Adds the next document: its text, the question it answers, its speakers.
    pub(super) fn push(&mut self, model: Option<&StaticModel>, text: &str, prompt: Option<&str>, speakers: &[String]) {
        let document = u32::try_from(self.prompt_of.len()).unwrap_or(u32::MAX);
        let Some(model) = model else {
            self.prompt_of.push(None);
            return;
        };
        self.texts.push(&model.encode(text));
        let row = match prompt {
            // Passages of one turn share its question: encoded once.
            Some(prompt) if self.last_prompt.as_deref() == Some(prompt) => {
                u32::try_from(self.prompts.len().saturating_sub(1)).ok()
            }
            Some(prompt) => {
                self.prompts.push(&model.encode(prompt));
                self.answers.push(Vec::new());
                self.last_prompt = Some(prompt.to_string());
                u32::try_from(self.prompts.len() - 1).ok()
            }
            None => None,
        };
        if let Some(answers) = row.and_then(|row| self.answers.get_mut(row as usize)) {
            answers.push(document);
        }
        self.prompt_of.push(row);
        for speaker in speakers {
            self.by_speaker.entry(speaker.clone()).or_default().push(document);
        }
    }

    /// How near document `index` is to `query`: the better of its own text
    /// and the question it answers.
    pub(super) fn similarity(&self, index: usize, query: &Embedding) -> Option<f32> {
        let own = self.texts.cosine(index, query)?;
        let asked =
            self.prompt_of.get(index).copied().flatten().and_then(|row| self.prompts.cosine(row as usize, query));
        Some(asked.map_or(own, |asked| asked.max(own)))
    }

    /// The `k` documents nearest to `query`, by [`similarity`](Self::similarity):
    /// among `speaker`'s when given, else among all (unless there are too many).
    pub(super) fn nearest(&self, query: &Embedding, speaker: Option<&str>, k: usize) -> Vec<(usize, f32)> {
        let mut scored: Vec<(usize, f32)> = match speaker {
            Some(speaker) => {
                let quantised = Quantised::new(query);
                // Passages of one turn answer one question: its cosine once.
                let mut asked: Option<(u32, f32)> = None;
                let mut near = |i: usize| {
                    let own = self.texts.cosine_of(i, &quantised)?;
                    let prompt = self.prompt_of.get(i).copied().flatten().and_then(|row| match asked {
                        Some((last, cosine)) if last == row => Some(cosine),
                        _ => {
                            let cosine = self.prompts.cosine_of(row as usize, &quantised)?;
                            asked = Some((row, cosine));
                            Some(cosine)
                        }
                    });
                    Some(prompt.map_or(own, |p| p.max(own)))
                };
                self.by_speaker
                    .get(speaker)
                    .into_iter()
                    .flatten()
                    .filter_map(|&i| Some((i as usize, near(i as usize)?)))
                    .collect()
            }
            None if self.texts.len() <= SCAN_MAX => {
                let mut found: HashMap<usize, f32> =
                    self.texts.top(query, k).into_iter().map(|n| (n.index, n.cosine)).collect();
                for near in self.prompts.top(query, k) {
                    for &document in self.answers.get(near.index).into_iter().flatten() {
                        let best = found.entry(document as usize).or_insert(near.cosine);
                        *best = best.max(near.cosine);
                    }
                }
                found.into_iter().collect()
            }
            None => Vec::new(),
        };
        scored.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        scored.truncate(k);
        scored
    }
}
