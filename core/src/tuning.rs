//! Every weight and threshold the core scores with, in one place, each
//! with how it was set. Changing one changes answers: the attendee set
//! (`tests/it/attendee.rs`, the tuning set) and the generated questions
//! (`tests/it/generated.rs`, `tests/it/people.rs`) say by how much; the
//! held-out set (`tests/it/heldout.rs`) only reports, and nothing here was
//! set by it.
//!
//! "Set on the attendee set" means chosen by hand while the pipeline was
//! built, as what answered the attendee set best (until 5f3d1a2 that was
//! its tuning half); "fitted" means found by the test that checks it.

// ---- /ask: deciding -------------------------------------------------------

/// Lowest score an answer from the knowledge base needs. Fitted on the
/// attendee set: `tests/it/attendee.rs` tries every threshold between two
/// scores and fails unless this one is among those that get the most of
/// the set right.
pub const CONFIDENT: f32 = 0.485;

// ---- /ask: the knowledge base's candidates ---------------------------------

/// How many candidates of each kind each search gives: enough that the
/// right passage is among them on the attendee set; more only costs time.
pub(crate) const PER_KIND: usize = 8;
/// How many of the best candidates are looked at closely (words said
/// another way, the slot check): set on the attendee set.
pub(crate) const RESCORED: usize = 10;
/// The weight of the words a candidate holds, and of its meaning: words a
/// little more, as in the hybrid lexical-and-static-embedding retrieval
/// whose published figures STACK.md quotes; set on the attendee set.
pub(crate) const LEXICAL: f32 = 0.55;
pub(crate) const MEANING: f32 = 0.45;
/// Cosines at or under this say nothing; at or over `NEAR`, a paraphrase:
/// where the model's cosines fall for unrelated sentences and for
/// paraphrases (`tests/data/semantic/pairs.toml`).
pub(crate) const UNRELATED: f32 = 0.1;
pub(crate) const NEAR: f32 = 0.6;
/// A candidate that lacks the kind of answer asked for keeps this share:
/// set on the attendee set.
pub(crate) const UNFIT: f32 = 0.5;
/// Added to the kind a question asks for (a quote for an opinion): the
/// least that puts the speaker's words before a sentence about them, on
/// the attendee set.
pub(crate) const PREFERRED_KIND: f32 = 0.05;
/// A passage that asks a question rather than answers one keeps this
/// share: set on the attendee set (interviewers' questions ranked first).
pub(crate) const ASKS: f32 = 0.5;
/// A word the knowledge base lacks stands for the words at least this
/// near to it in meaning: set on the attendee set.
pub(crate) const NEAR_WORD: f32 = 0.5;
/// How much more a name (a word the texts capitalise) weighs than another:
/// set on the attendee set.
pub(crate) const NAME_WEIGHT: f32 = 2.0;
/// A passage's word at least this near to a question's word in meaning
/// counts as saying it, as much as it is near: set on the attendee set.
pub(crate) const SOFT_MIN: f32 = 0.45;
/// A document mentions a subject when it holds this share of its words
/// (by rarity), for "what I have on X": chosen as "most of them".
pub(crate) const MOSTLY: f32 = 0.6;
/// A word the texts capitalise at least this share of the times they use
/// it inside a sentence is a name: chosen to allow a lower-case slip.
pub(crate) const NAME_SHARE: f32 = 0.8;

// ---- /ask: the organisers' FAQ ----------------------------------------------

/// The weights of the words a question shares with an entry, of those
/// words with the ones it says another way, and of how near it is to the
/// entry in meaning (see `faq::FaqIndex`). Fitted on the FAQ tuning set
/// (`tests/data/faq/questions.toml`, `tests/it/faq.rs`, which tries every
/// tenth): of the best, the one with the widest range of thresholds.
pub const FAQ_WORDS: f32 = 0.1;
pub const FAQ_SOFT: f32 = 0.1;
pub const FAQ_MEANING: f32 = 0.8;
/// An FAQ word at least this near to a question's word in meaning counts
/// as saying it, as much as it is near: on the FAQ tuning set 0.3 to 0.5
/// are within a point of each other; the middle.
pub(crate) const FAQ_NEAR_WORD: f32 = 0.4;
/// A word the question shares with an entry's answer, and its nearness to
/// a sentence of the answer, count this much of the same with its
/// question: of 0.4, 0.6, 0.8 and 1.0 on the FAQ tuning set, 0.8 is best.
pub(crate) const FAQ_ANSWER_WORDS: f32 = 0.8;
/// Lowest score an entry needs to answer: fitted on the FAQ tuning set,
/// the middle of the best range `tests/it/faq.rs` prints for the weights
/// above; the test checks it stays among the best.
pub const FAQ_CONFIDENT: f32 = 0.4;
/// Lowest score at which an entry answers before the programme's and the
/// people's rules: a question in the entry's own words, or nearly. Of 0.8,
/// 0.9, 0.95 and 1.0, the lowest at which no question generated from a
/// programme (`tests/it/generated.rs`, asked with an FAQ loaded) is lost;
/// on the FAQ tuning set all four answer its own questions whole.
pub const FAQ_SURE: f32 = 0.95;
/// Lowest score at which `/stats` counts one unanswered question with
/// another as its paraphrase: fitted on the FAQ question set, each wording
/// compared with the pages' own questions (`tests/it/faq.rs`,
/// `paraphrases_are_grouped_at_a_fitted_threshold`, which prints the best
/// range and checks this stays in it: 175 of 344 right from 0.84 to 0.86,
/// against 99 at `FAQ_CONFIDENT`, which joins questions that merely share
/// a subject).
pub const PARAPHRASES_GROUPED: f32 = 0.85;

// ---- /ask and /agenda: linking titles --------------------------------------

/// A title names the session a question asks about when it explains at
/// least this share of the question's content (by rarity)…
pub(crate) const LINKED: f32 = 0.6;
/// …and ranks this far ahead of the next title. Both set on the attendee
/// set and on the questions generated from every real programme.
pub(crate) const MARGIN: f32 = 0.08;
/// A title that explains this much of the question, and that the question
/// names this much of, is what it asks about whatever else it seems to
/// say: set on the generated questions (titles that read like times).
pub(crate) const STRONG: f32 = 0.8;
/// A question that only names a title (all of the question, most of the
/// title) asks about that session even without a session's noun.
pub(crate) const WHOLE_QUESTION: f32 = 0.99;
pub(crate) const MOST_OF_TITLE: f32 = 0.6;
/// How a link ranks: mostly how much of the question the title explains,
/// then how much of the title it names (`QUESTION_SHARE + TITLE_SHARE` is
/// 1); set on the generated questions.
pub(crate) const QUESTION_SHARE: f32 = 0.7;
pub(crate) const TITLE_SHARE: f32 = 0.3;
/// How much a prefix (`postgres` → `postgresql`) or a typo counts against
/// the word itself: a little less, a typo less than a prefix; chosen.
pub(crate) const PREFIX: f32 = 0.9;
pub(crate) const TYPO: f32 = 0.8;
/// A title link at least this good names a session for `/agenda add`; one
/// this much better than the next names it alone: set on `/agenda`'s tests.
pub(crate) const AGENDA_NAMES: f32 = 0.5;
pub(crate) const AGENDA_CLEARLY: f32 = 0.25;
/// Links within this share of the best are offered with it.
pub(crate) const AGENDA_NEAR_BEST: f32 = 0.7;

// ---- /quote ------------------------------------------------------------------

/// BM25 favours short passages: one under this many words gives up a
/// little of its score…
pub(crate) const QUOTE_WORDS: usize = 40;
/// …by this power of its share of them: chosen so that a 10-word passage
/// keeps about two thirds of its score.
pub(crate) const QUOTE_SHORTNESS: f32 = 0.3;
/// How many of the best matches are reranked by length.
pub(crate) const QUOTE_RERANKED: usize = 10;

// ---- names -------------------------------------------------------------------

/// A name at least this like the one asked for (Jaro-Winkler) is offered
/// as "did you mean": chosen, the usual threshold for names.
pub(crate) const NAMES_ALIKE: f64 = 0.75;

// ---- transcripts -------------------------------------------------------------

/// Whisper's own thresholds for "this was not speech" (its `transcribe`
/// defaults: `no_speech_threshold` 0.6, `logprob_threshold` -1.0).
pub(crate) const WHISPER_NO_SPEECH: f64 = 0.6;
pub(crate) const WHISPER_LOW_LOGPROB: f64 = -1.0;
