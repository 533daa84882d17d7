//! Finding the FAQ entry a question asks for, by its words and its
//! meaning: attendees ask what an entry answers in a few words of their
//! own (`wifi password?`, `can I get my money back`), so a question is
//! matched against each entry's question and its answer three ways:
//!
//! - **words**: the question's words the entry holds, each weighed by how
//!   rare it is in the FAQ;
//! - **words said another way**: each word the entry lacks counts as much
//!   as the entry's nearest word is near it in meaning (`salary` and
//!   `compensated`, `restroom` and `toilets`), when that is near enough;
//! - **meaning**: how near the question's content words are, together, to
//!   the entry's question, and to each sentence of its answer.
//!
//! [`FaqIndex::parts`] gives the three for every entry (the FAQ tests fit
//! their weights with it); [`FaqIndex::ranked`] weighs them with
//! [`crate::tuning`]'s weights.

use std::collections::HashMap;

use super::Faq;
use crate::index::stems;
use crate::lexicon::grammar::is_stop_word;
use crate::semantic::{Embedding, StaticModel};
use crate::tuning::{
    FAQ_ANSWER_WORDS, FAQ_CONFIDENT, FAQ_MEANING, FAQ_NEAR_WORD, FAQ_SOFT, FAQ_WORDS, NEAR, UNRELATED,
};

/// Each entry's words and meaning, for matching questions against.
#[derive(Debug, Default)]
pub struct FaqIndex {
    /// Every content word of the FAQ, once.
    words: Vec<Word>,
    /// A folded word → its place in `words`.
    known: HashMap<String, usize>,
    /// Per entry, its question's words and its answer's (places in `words`).
    question_words: Vec<Vec<usize>>,
    answer_words: Vec<Vec<usize>>,
    /// A stem → how many entries hold it.
    document_frequency: HashMap<String, usize>,
    /// Per entry, the meaning of its question's content words, and of
    /// each sentence of its answer.
    question_meaning: Vec<Embedding>,
    answer_meaning: Vec<Vec<Embedding>>,
}

#[derive(Debug)]
struct Word {
    stems: Vec<String>,
    meaning: Embedding,
}

/// How well an entry answers a question, three ways, each from 0 to 1.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Parts {
    /// The share of the question's words (by rarity) the entry holds.
    pub words: f32,
    /// The same, with the words it lacks counted by its nearest word.
    pub soft: f32,
    /// How near in meaning the question is to the entry.
    pub meaning: f32,
}

impl Parts {
    /// The entry's score, by the tuned weights.
    pub fn score(&self) -> f32 {
        FAQ_WORDS * self.words + FAQ_SOFT * self.soft + FAQ_MEANING * self.meaning
    }
}

/// A text's content words, folded, in order, each once: not grammar, and
/// not a lone letter (the `Q.` many FAQs put before each question).
fn content_words(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for word in crate::text::words::words(text) {
        let letter = word.folded.chars().count() == 1 && word.folded.chars().all(char::is_alphabetic);
        if !letter && !is_stop_word(&word.folded) && !out.contains(&word.folded) {
            out.push(word.folded);
        }
    }
    out
}

fn encode(text: &str) -> Embedding {
    StaticModel::embedded().map(|m| m.encode(text)).unwrap_or_default()
}

impl FaqIndex {
    pub fn build(faq: &Faq) -> FaqIndex {
        let mut index = FaqIndex::default();
        for entry in &faq.entries {
            let question = index.learn(&entry.question);
            let answer = index.learn(&entry.answer);
            let mut seen: Vec<&String> = question.iter().chain(&answer).flat_map(|&w| &index.words[w].stems).collect();
            seen.sort();
            seen.dedup();
            for stem in seen {
                *index.document_frequency.entry(stem.clone()).or_default() += 1;
            }
            index.question_words.push(question);
            index.answer_words.push(answer);
        }
        // Meanings weigh words by their rarity, known only once all are read.
        for entry in &faq.entries {
            let question = index.meaning_of(&entry.question);
            index.question_meaning.push(question);
            let answer = crate::text::sentences(&entry.answer).map(|s| index.meaning_of(s)).collect();
            index.answer_meaning.push(answer);
        }
        index
    }

    /// The meaning of a text's content words, each weighed by its rarity
    /// in the FAQ, so that the words every entry shares (the conference's
    /// name, "talk", "event") do not make every entry near.
    fn meaning_of(&self, text: &str) -> Embedding {
        let words: Vec<(Embedding, f32)> = content_words(text)
            .into_iter()
            .map(|word| {
                let weight = self.weight(&stems(&word));
                let meaning = match self.known.get(&word) {
                    Some(&at) => self.words[at].meaning.clone(),
                    None => encode(&word),
                };
                (meaning, weight)
            })
            .collect();
        Embedding::weighted_mean(words.iter().map(|(m, w)| (m, *w)))
    }

    /// A word's weight: the rarity of the rarest of its stems.
    fn weight(&self, stems: &[String]) -> f32 {
        stems.iter().map(|s| self.idf(s)).fold(0.0, f32::max)
    }

    /// The places of a text's content words, each added to the
    /// vocabulary if new.
    fn learn(&mut self, text: &str) -> Vec<usize> {
        content_words(text)
            .into_iter()
            .map(|word| {
                if let Some(&at) = self.known.get(&word) {
                    return at;
                }
                self.words.push(Word { stems: stems(&word), meaning: encode(&word) });
                self.known.insert(word, self.words.len() - 1);
                self.words.len() - 1
            })
            .collect()
    }

    /// Whether an entry holds the stem.
    pub fn holds(&self, stem: &str) -> bool {
        self.document_frequency.contains_key(stem)
    }

    /// How rare a stem is among the entries: high for one no entry holds.
    fn idf(&self, stem: &str) -> f32 {
        let n = self.question_words.len() as f32;
        let df = self.document_frequency.get(stem).copied().unwrap_or(0) as f32;
        (1.0 + (n - df + 0.5) / (df + 0.5)).ln()
    }

    /// How well every entry answers `question`, three ways.
    pub fn parts(&self, question: &str) -> Vec<Parts> {
        let asked: Vec<(Vec<String>, f32, Vec<f32>)> = content_words(question)
            .into_iter()
            .map(|word| {
                let stems = stems(&word);
                let weight = self.weight(&stems);
                // How near each word of the FAQ is to this one.
                let meaning = encode(&word);
                let near: Vec<f32> = self.words.iter().map(|w| meaning.cosine(&w.meaning)).collect();
                (stems, weight, near)
            })
            .collect();
        let total: f32 = asked.iter().map(|a| a.1).sum::<f32>().max(f32::EPSILON);
        let meaning = self.meaning_of(question);
        let scale = |cosine: f32| ((cosine - UNRELATED) / (NEAR - UNRELATED)).clamp(0.0, 1.0);
        (0..self.question_words.len())
            .map(|i| {
                let mut words = 0.0;
                let mut soft = 0.0;
                for (stems, weight, near) in &asked {
                    let holds = |places: &[usize]| {
                        places.iter().any(|&w| self.words[w].stems.iter().any(|s| stems.contains(s)))
                    };
                    let nearest = |places: &[usize]| {
                        let best = places.iter().map(|&w| near[w]).fold(0.0, f32::max);
                        if best >= FAQ_NEAR_WORD { best } else { 0.0 }
                    };
                    let exact = if holds(&self.question_words[i]) {
                        1.0
                    } else if holds(&self.answer_words[i]) {
                        FAQ_ANSWER_WORDS
                    } else {
                        0.0
                    };
                    let another_way =
                        nearest(&self.question_words[i]).max(FAQ_ANSWER_WORDS * nearest(&self.answer_words[i]));
                    words += weight * exact;
                    soft += weight * f32::max(exact, another_way);
                }
                let near = self.answer_meaning[i]
                    .iter()
                    .map(|s| FAQ_ANSWER_WORDS * meaning.cosine(s))
                    .fold(meaning.cosine(&self.question_meaning[i]), f32::max);
                Parts { words: words / total, soft: soft / total, meaning: scale(near) }
            })
            .collect()
    }

    /// The entries on a topic (`wifi`, `tickets`, `registration`), best
    /// first: those under a section the topic names, and those that answer
    /// it as a question as well as `/ask` needs ([`FAQ_CONFIDENT`]).
    pub fn on_topic(&self, topic: &str, faq: &Faq) -> Vec<usize> {
        let wanted: Vec<String> = content_words(topic).iter().flat_map(|w| stems(w)).collect();
        if wanted.is_empty() {
            return Vec::new();
        }
        let in_section = |i: usize| {
            let section = faq.entries[i].section.as_deref().map(content_words).unwrap_or_default();
            let held: Vec<String> = section.iter().flat_map(|w| stems(w)).collect();
            wanted.iter().all(|s| held.contains(s))
        };
        self.ranked(topic)
            .into_iter()
            .filter(|&(i, score)| score >= FAQ_CONFIDENT || in_section(i))
            .map(|(i, _)| i)
            .collect()
    }

    /// Every entry with how well it answers `question`, best first.
    pub fn ranked(&self, question: &str) -> Vec<(usize, f32)> {
        let mut ranked: Vec<(usize, f32)> = self.parts(question).iter().map(Parts::score).enumerate().collect();
        ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        ranked
    }
}

/// The part of a long answer that answers: its first paragraph, when the
/// whole is over `longest` characters.
pub fn answering_part(answer: &str, longest: usize) -> (String, bool) {
    if answer.chars().count() <= longest {
        return (answer.to_string(), false);
    }
    let first = answer.split("\n\n").next().unwrap_or(answer);
    (crate::text::truncate_words(first, longest), true)
}
