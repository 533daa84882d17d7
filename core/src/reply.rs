//! The engine's answer as plain data: what to say, not how a platform draws
//! it. Adapters render a [`Reply`] as an embed, Block Kit or text.

use std::ops::Range;

use jiff::Timestamp;
use jiff::tz::TimeZone;
use serde::Serialize;

use crate::command::CommandKind;

/// How the command went, as scripts and the usage log see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Ok,
    NotFound,
    Ambiguous,
    Denied,
    Invalid,
    Error,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::NotFound => "not_found",
            Status::Ambiguous => "ambiguous",
            Status::Denied => "denied",
            Status::Invalid => "invalid",
            Status::Error => "error",
        }
    }
}

/// A name and value shown side by side (an embed field, a Block Kit field).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Field {
    pub name: String,
    pub value: String,
}

/// A quotation with who said it, where and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct QuoteBlock {
    pub text: String,
    /// Whose words these are; `None` for a recording's voice that is not
    /// one known person (a panel), cited as from the source.
    pub speaker: Option<String>,
    pub source: String,
    /// Offset into the recording (`29:58`), when known.
    pub at: Option<String>,
    pub url: Option<String>,
    /// Byte ranges of `text` that matched the search.
    pub highlights: Vec<Range<usize>>,
}

/// A session as a reply lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SessionItem {
    pub id: String,
    pub title: String,
    pub start: Timestamp,
    pub end: Timestamp,
    pub room: String,
    pub speakers: Vec<String>,
    pub track: Option<String>,
    pub url: Option<String>,
    /// Where its recording is, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recording: Option<String>,
    /// Something the reader should know about it in this reply (a clash).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Taking audience questions now: a chat platform offers an **Ask the
    /// speaker** button for it, in place of its agenda button.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub asking: bool,
}

/// What a source is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SourceKind {
    Bio,
    Transcript,
    Schedule,
    /// The organisers' FAQ.
    Faq,
}

impl SourceKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SourceKind::Bio => "bio",
            SourceKind::Transcript => "transcript",
            SourceKind::Schedule => "schedule",
            SourceKind::Faq => "faq",
        }
    }
}

/// Where an answer came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Source {
    pub kind: SourceKind,
    pub title: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub speaker: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

/// The engine's answer to one command.
#[derive(Debug, Clone, PartialEq)]
pub struct Reply {
    pub command: CommandKind,
    pub status: Status,
    pub title: Option<String>,
    /// Link for the title.
    pub url: Option<String>,
    /// Paragraphs of plain text.
    pub body: String,
    pub fields: Vec<Field>,
    pub quote: Option<QuoteBlock>,
    pub sessions: Vec<SessionItem>,
    /// The conference's zone, for showing session times where the platform
    /// cannot show each reader their own.
    pub time_zone: Option<TimeZone>,
    /// Names or commands to offer: the candidates of an ambiguous name, the
    /// closest names to one not found.
    pub suggestions: Vec<String>,
    /// The command line each suggestion stands for, in the same order, so
    /// that a platform can offer each as something to pick.
    pub choices: Vec<String>,
    pub sources: Vec<Source>,
    /// How many results the answer drew on (sessions listed, quotes matched).
    pub result_count: usize,
    /// The person the question was about, so that the asker's next
    /// question can say "he", "she" or "they" for them.
    pub about: Option<String>,
    /// Something the asker may do about this reply that is not a command,
    /// offered as a button the bot reads back.
    pub offer: Option<Offer>,
    /// The post of an audience question, which everyone votes on: pressed
    /// from that post (its **Upvote**), the reply replaces it.
    pub post: bool,
    /// The platform's id of the person shown as having asked (a question
    /// for a speaker, when its asker chose to be named), which each
    /// platform writes its own way.
    pub asker: Option<String>,
}

/// A button under a reply that is not a command: its label, and the token
/// the platform sends back when it is pressed (`help-name:ID`, which only
/// the one who asked may use; `qa-vote:ID`, anyone's).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Offer {
    pub label: String,
    pub token: String,
}

impl QuoteBlock {
    /// Who said it, for a citation: `Kelsey Hightower, DevOps Sauna`, or
    /// `from the session “Sexy SSH Hacks”` when it was no one person.
    pub fn attribution(&self) -> String {
        match &self.speaker {
            Some(speaker) => format!("{speaker}, {}", self.source),
            None => format!("from {}", self.source),
        }
    }
    /// The text in order as runs, each marked whether it matched; highlights
    /// that overlap, run past the end or split a character are skipped.
    pub fn runs(&self) -> Vec<(&str, bool)> {
        let text = self.text.as_str();
        let mut runs = Vec::with_capacity(self.highlights.len() * 2 + 1);
        let mut last = 0;
        for range in &self.highlights {
            if range.start < last
                || range.end > text.len()
                || !text.is_char_boundary(range.start)
                || !text.is_char_boundary(range.end)
            {
                continue;
            }
            runs.push((&text[last..range.start], false));
            runs.push((&text[range.clone()], true));
            last = range.end;
        }
        runs.push((&text[last..], false));
        runs.retain(|(run, _)| !run.is_empty());
        runs
    }
}

impl Reply {
    /// An empty reply of the given kind and status.
    pub fn new(command: CommandKind, status: Status) -> Reply {
        Reply {
            command,
            status,
            title: None,
            url: None,
            body: String::new(),
            fields: Vec::new(),
            quote: None,
            sessions: Vec::new(),
            time_zone: None,
            suggestions: Vec::new(),
            choices: Vec::new(),
            sources: Vec::new(),
            result_count: 0,
            about: None,
            offer: None,
            post: false,
            asker: None,
        }
    }

    /// A reply that is only a message.
    pub fn message(command: CommandKind, status: Status, body: impl Into<String>) -> Reply {
        Reply { body: body.into(), ..Reply::new(command, status) }
    }

    /// "Did you mean: …?" with the names it suggests, for a reply that
    /// found no one thing; a reply that lists what it found (people who
    /// work somewhere) offers them as choices without asking.
    pub fn did_you_mean(&self) -> Option<String> {
        (!self.suggestions.is_empty() && self.status != Status::Ok)
            .then(|| format!("Did you mean: {}?", self.suggestions.join(", ")))
    }

    pub fn field(mut self, name: &str, value: impl Into<String>) -> Reply {
        let value = value.into();
        if !value.trim().is_empty() {
            self.fields.push(Field { name: name.to_string(), value });
        }
        self
    }
}
