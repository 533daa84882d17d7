//! The session schedule: a conference with its time zone and its sessions as
//! instants, and the importers that read published schedule exports.

mod frab_json;

use jiff::{Timestamp, tz::TimeZone};

pub use frab_json::parse_frab_json;

/// The largest schedule file any importer accepts.
pub const MAX_IMPORT_BYTES: usize = 16 * 1024 * 1024;

/// A conference and where its clock is.
#[derive(Debug, Clone, PartialEq)]
pub struct Conference {
    pub title: String,
    pub acronym: Option<String>,
    /// The conference's zone: named when the export names it, else the fixed
    /// offset its dates carry.
    pub time_zone: TimeZone,
}

impl Conference {
    /// The zone's name for people: `Europe/Copenhagen`, or `UTC+01:00` for a fixed offset.
    pub fn zone_name(&self) -> String {
        match self.time_zone.iana_name() {
            Some(name) => name.to_string(),
            None => {
                let offset = self.time_zone.to_offset(Timestamp::UNIX_EPOCH);
                format!("UTC{offset}")
            }
        }
    }
}

/// One session in the programme.
#[derive(Debug, Clone, PartialEq)]
pub struct Session {
    /// The export's stable id (guid, UID or id).
    pub id: String,
    pub title: String,
    pub subtitle: String,
    pub abstract_text: String,
    pub speakers: Vec<String>,
    pub room: String,
    pub track: Option<String>,
    pub kind: Option<String>,
    pub language: Option<String>,
    pub start: Timestamp,
    pub end: Timestamp,
    pub url: Option<String>,
}

/// A conference and its sessions, ordered by start time, then room.
#[derive(Debug, Clone, PartialEq)]
pub struct Schedule {
    pub conference: Conference,
    pub sessions: Vec<Session>,
}

impl Schedule {
    /// Orders the sessions by start, then room, then title.
    pub fn new(conference: Conference, mut sessions: Vec<Session>) -> Schedule {
        sessions.sort_by(|a, b| (a.start, &a.room, &a.title).cmp(&(b.start, &b.room, &b.title)));
        Schedule { conference, sessions }
    }

    /// An empty programme, for a bot that has no schedule yet.
    pub fn empty() -> Schedule {
        Schedule {
            conference: Conference { title: String::from("No conference"), acronym: None, time_zone: TimeZone::UTC },
            sessions: Vec::new(),
        }
    }
}

/// Why a schedule file could not be read. Nothing of it is used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImportError {
    #[error("the file is {size} bytes; schedules larger than {max} bytes are refused")]
    TooLarge { size: usize, max: usize },
    #[error("line {line}, column {column}: {message}")]
    Syntax { line: usize, column: usize, message: String },
    #[error("{field}: {message}")]
    Field { field: String, message: String },
}

impl ImportError {
    pub(crate) fn field(field: impl Into<String>, message: impl Into<String>) -> ImportError {
        ImportError::Field { field: field.into(), message: message.into() }
    }
}

/// Refuses input over [`MAX_IMPORT_BYTES`].
pub(crate) fn check_size(input: &[u8]) -> Result<(), ImportError> {
    if input.len() > MAX_IMPORT_BYTES {
        return Err(ImportError::TooLarge { size: input.len(), max: MAX_IMPORT_BYTES });
    }
    Ok(())
}
