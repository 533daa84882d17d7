//! What every rule of `/ask`'s table ([`super::route`]) is asked with and
//! answers: the types the table and the stages share, apart from both, so
//! that a stage needs nothing of the table that lists it.

use super::link::Links;
use super::question::Question;
use crate::engine::{Context, Engine};
use crate::index::KnowledgeIndex;
use crate::reply::Reply;

/// What every rule is asked with.
pub(crate) struct Asked<'a> {
    pub engine: &'a Engine,
    pub index: &'a KnowledgeIndex,
    pub ctx: &'a Context,
    /// The question as read.
    pub q: &'a Question,
    pub links: &'a Links,
}

/// A rule's answer, and how sure its source is of it: `None` for a source
/// that either holds the answer or does not (the programme, a profile).
pub(crate) struct Answered {
    pub reply: Reply,
    pub score: Option<f32>,
}

/// Which source a rule asks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Source {
    Programme,
    People,
    Faq,
    Knowledge,
}

impl Source {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Source::Programme => "programme",
            Source::People => "people",
            Source::Faq => "faq",
            Source::Knowledge => "knowledge",
        }
    }
}

/// One rule of the table.
pub(crate) struct Rule {
    pub name: &'static str,
    pub source: Source,
    pub answer: fn(&Asked<'_>) -> Option<Answered>,
}
