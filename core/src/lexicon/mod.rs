//! Every word list the core reads text with, in one place, each with its
//! source: English grammar's closed classes (`grammar.rs`), the words
//! questions are asked with (`questions.rs`), the calendar (`calendar.rs`),
//! irregular verbs (`irregular.rs`), how tag lines and biographies say what
//! someone does, where and for whom (`profiles.rs`), and WordNet's
//! occupations and place names (`wordnet.rs`, tables built from WordNet
//! 3.0 by `scripts/build-lexicon`).
//!
//! A word list is never made from the questions or files it is tested on:
//! a word is on a list because the language or the kind of document has
//! it, which its list's comment says.

pub(crate) mod calendar;
pub mod grammar;
pub(crate) mod irregular;
pub(crate) mod profiles;
pub(crate) mod questions;
pub(crate) mod wordnet;
