//! emcee's core: the speaker knowledge base, the session schedule, the
//! full-text index, sentence embeddings, command parsing and the [`Engine`] that turns a
//! [`Command`] into a [`Reply`].
//!
//! The core depends on no chat SDK, database, clock or network: callers hand
//! in documents as text and the time in a [`Context`], and get plain data back.

pub mod command;
pub mod engine;
pub mod faq;
pub mod index;
pub mod kb;
pub mod lexicon;
pub mod names;
pub mod people;
pub mod render;
pub mod reply;
pub mod schedule;
#[cfg(any(test, feature = "seed"))]
pub mod seed;
pub mod semantic;
pub mod stats;
pub mod text;
pub mod tuning;

pub use command::{Command, CommandKind, ParseError, parse};
pub use engine::{CONFIDENT, Considered, Context, Engine, INTERNAL_ERROR};
pub use kb::{Documents, KnowledgeBase, TranscriptDocument, Warning};
pub use reply::{Reply, Status};
pub use schedule::Schedule;
