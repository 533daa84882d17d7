//! The session schedule: a conference with its time zone and its sessions as
//! instants, and the importers that read published schedule exports.

pub mod changes;
mod csv;
mod frab_json;
mod frab_xml;
mod ical;
mod ics;
mod pretalx_api;
mod sessionize;
pub mod speakers;
pub mod written;

use jiff::{SignedDuration, Timestamp, tz::TimeZone};

pub use csv::parse_csv;
pub use frab_json::parse_frab_json;
pub use frab_xml::parse_frab_xml;
pub use ical::parse_ical;
pub use ics::{Calendar, calendar_ics, to_ics};
pub use pretalx_api::parse_pretalx_api;
pub use sessionize::parse_sessionize;
pub use speakers::{Profile, ProfileLink};

/// The conference's name when a file gives none and the caller gave none.
pub const UNTITLED: &str = "Conference";

/// The largest schedule file any importer accepts.
pub const MAX_IMPORT_BYTES: usize = 16 * 1024 * 1024;

/// What an importer needs beyond the file, for formats that lack it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ImportOptions {
    /// The conference's zone, for local times without an offset (Sessionize,
    /// CSV, floating iCalendar times).
    pub time_zone: Option<TimeZone>,
    /// The conference's name, for formats that do not carry one.
    pub title: Option<String>,
}

/// The schedule formats emcee reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// frab or pretalx `schedule.json`.
    FrabJson,
    /// frab or c3voc `schedule.xml`.
    FrabXml,
    ICalendar,
    /// Sessionize's "All" JSON export.
    Sessionize,
    /// Talks as pretalx's API gives them, wherever they sit in the file.
    PretalxApi,
    Csv,
}

impl Format {
    pub fn name(self) -> &'static str {
        match self {
            Format::FrabJson => "frab/pretalx JSON",
            Format::FrabXml => "frab XML",
            Format::ICalendar => "iCalendar",
            Format::Sessionize => "Sessionize JSON",
            Format::PretalxApi => "pretalx API JSON",
            Format::Csv => "CSV",
        }
    }
}

/// Tells the format from the content: `<` is XML, `BEGIN:VCALENDAR`
/// iCalendar; a JSON object with a `conference` is frab, with `sessions`
/// and no `schedule` Sessionize, any other JSON pretalx API talks; anything
/// else is read as CSV.
pub fn detect(input: &[u8]) -> Format {
    let text = String::from_utf8_lossy(&input[..input.len().min(4096)]);
    let start = text.trim_start_matches('\u{feff}').trim_start();
    if start.starts_with('<') {
        Format::FrabXml
    } else if start.as_bytes().get(..15).is_some_and(|head| head.eq_ignore_ascii_case(b"BEGIN:VCALENDAR")) {
        Format::ICalendar
    } else if start.starts_with('{') || start.starts_with('[') {
        // Exports put their telling keys at or near the top.
        let has = |key: &str| json_key(start, key);
        match (has("conference"), has("schedule"), has("sessions")) {
            (Some(_), _, _) => Format::FrabJson,
            (None, None, Some(_)) => Format::Sessionize,
            (None, Some(schedule), Some(sessions)) if sessions < schedule => Format::Sessionize,
            _ => Format::PretalxApi,
        }
    } else {
        Format::Csv
    }
}

/// Where `"key":` first stands in JSON text (a key, not a value that happens to say it).
fn json_key(text: &str, key: &str) -> Option<usize> {
    let quoted = format!("\"{key}\"");
    text.match_indices(&quoted)
        .find(|(at, _)| text[at + quoted.len()..].trim_start().starts_with(':'))
        .map(|(at, _)| at)
}

/// A schedule read from a file, in the format it was told to be, with what
/// the importer had to work around (shown to the organiser, not stored).
#[derive(Debug, Clone, PartialEq)]
pub struct Imported {
    pub format: Format,
    pub schedule: Schedule,
    pub warnings: Vec<String>,
}

/// Reads a schedule in whichever supported format it is in.
pub fn import(input: &[u8], options: &ImportOptions) -> Result<Imported, ImportError> {
    check_size(input)?;
    let input = input.strip_prefix(b"\xef\xbb\xbf").unwrap_or(input);
    let format = detect(input);
    let mut warnings = Vec::new();
    let schedule = match format {
        Format::FrabJson => parse_frab_json(input, options)?,
        Format::FrabXml => parse_frab_xml(input, options)?,
        Format::ICalendar => {
            let (schedule, found) = ical::parse_ical_warned(input, options)?;
            warnings = found;
            schedule
        }
        Format::Sessionize => parse_sessionize(input, options)?,
        Format::PretalxApi => parse_pretalx_api(input, options)?,
        Format::Csv => parse_csv(input, options)?,
    };
    let mut ids: Vec<(&str, &str)> = schedule.sessions.iter().map(|s| (s.id.as_str(), s.title.as_str())).collect();
    ids.sort_unstable();
    if let Some(pair) = ids.windows(2).find(|pair| pair[0].0 == pair[1].0) {
        return Err(ImportError::field(
            format!("session id `{}`", pair[0].0),
            format!("used by two sessions (“{}” and “{}”); ids must be unique", pair[0].1, pair[1].1),
        ));
    }
    check_storable(&schedule, input)?;
    Ok(Imported { format, schedule, warnings })
}

/// Refuses a programme holding text no database can keep: a NUL character,
/// which PostgreSQL's text cannot hold. Checked here, where every import
/// passes, so that a dry run refuses exactly what storing would. The error
/// names the session and field, and the line of `input` the character is on
/// (empty `input`: a programme not read from a file).
pub fn check_storable(schedule: &Schedule, input: &[u8]) -> Result<(), ImportError> {
    let refuse = |what: String, text: &str| {
        let field = match nul_line(input, text) {
            Some(line) => format!("line {line}, {what}"),
            None => what,
        };
        Err(ImportError::field(field, "holds a NUL character, which cannot be stored; remove it"))
    };
    let conference = &schedule.conference;
    for text in [Some(conference.title.as_str()), conference.acronym.as_deref()].into_iter().flatten() {
        if text.contains('\0') {
            return refuse(String::from("the conference's title"), text);
        }
    }
    for s in &schedule.sessions {
        let texts = [
            ("id", Some(s.id.as_str())),
            ("title", Some(&s.title)),
            ("subtitle", Some(&s.subtitle)),
            ("abstract", Some(&s.abstract_text)),
            ("room", Some(&s.room)),
            ("track", s.track.as_deref()),
            ("type", s.kind.as_deref()),
            ("language", s.language.as_deref()),
            ("url", s.url.as_deref()),
            ("recording", s.recording.as_deref()),
        ];
        let speakers = s.speakers.iter().map(|name| ("speakers", Some(name.as_str())));
        for (field, text) in texts.into_iter().chain(speakers) {
            if let Some(text) = text.filter(|t| t.contains('\0')) {
                return refuse(format!("session `{}`, {field}", s.id.escape_debug()), text);
            }
        }
    }
    for p in &schedule.speakers {
        let texts = [("name", Some(p.name.as_str())), ("id", p.id.as_deref()), ("biography", Some(&p.biography))]
            .into_iter()
            .chain([("tag line", p.tagline.as_deref()), ("company", p.company.as_deref())])
            .chain([("avatar", p.avatar.as_deref())])
            .chain(p.aliases.iter().map(|a| ("aliases", Some(a.as_str()))))
            .chain(p.links.iter().flat_map(|l| [("links", Some(l.title.as_str())), ("links", Some(&l.url))]))
            .chain(p.answers.iter().flat_map(|(q, a)| [("answers", Some(q.as_str())), ("answers", Some(a.as_str()))]));
        for (field, text) in texts {
            if let Some(text) = text.filter(|t| t.contains('\0')) {
                return refuse(format!("speaker `{}`, {field}", p.name.escape_debug()), text);
            }
        }
    }
    Ok(())
}

/// The line of `input` holding the NUL of `text`: where the text up to its
/// NUL is found raw, or with JSON's `\u0000`; else the first NUL of either kind.
fn nul_line(input: &[u8], text: &str) -> Option<usize> {
    let find = |needle: &[u8]| input.windows(needle.len()).position(|w| w == needle);
    // The few bytes before the NUL are enough to tell where it is, and keep the search short.
    let before = text.split('\0').next().unwrap_or_default().as_bytes();
    let before = &before[before.len().saturating_sub(24)..];
    let at = find(&[before, b"\0"].concat())
        .or_else(|| find(&[before, b"\\u0000"].concat()))
        .map(|at| at + before.len())
        .or_else(|| find(b"\0"))
        .or_else(|| find(b"\\u0000"))?;
    Some(input[..at].iter().filter(|&&b| b == b'\n').count() + 1)
}

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
#[derive(Debug, Clone, Default, PartialEq)]
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
    /// Where the recording of it is, when there is one.
    pub recording: Option<String>,
}

/// A conference, its sessions ordered by start time, then room, and its
/// speakers: a profile for everyone a session names.
#[derive(Debug, Clone, PartialEq)]
pub struct Schedule {
    pub conference: Conference,
    pub sessions: Vec<Session>,
    pub speakers: Vec<Profile>,
    /// Every room the programme names, those it gives no session too
    /// (FOSDEM lists `Janson` on a day it holds nothing): as the file
    /// lists them, then the sessions' rooms it does not list.
    pub rooms: Vec<String>,
}

impl Schedule {
    /// Orders the sessions by start, then room, then title; everyone they
    /// name gets a profile (with only a name, until
    /// [`with_speakers`](Self::with_speakers) gives more).
    pub fn new(conference: Conference, mut sessions: Vec<Session>) -> Schedule {
        // Whole seconds, as the programme is stored: a re-import then compares equal.
        for s in &mut sessions {
            s.start = Timestamp::from_second(s.start.as_second()).unwrap_or(s.start);
            s.end = Timestamp::from_second(s.end.as_second()).unwrap_or(s.end);
        }
        sessions.sort_by(|a, b| (a.start, &a.room, &a.title).cmp(&(b.start, &b.room, &b.title)));
        Schedule { conference, sessions, speakers: Vec::new(), rooms: Vec::new() }
            .with_speakers(Vec::new())
            .with_rooms(Vec::new())
    }

    /// The programme with these rooms named, and after them every room a
    /// session is in; each once, by folded name.
    pub fn with_rooms(mut self, declared: Vec<String>) -> Schedule {
        let mut rooms: Vec<String> = Vec::new();
        let session_rooms = self.sessions.iter().map(|s| s.room.clone());
        for room in declared.into_iter().chain(session_rooms) {
            let room = room.trim().to_string();
            if !room.is_empty() && !rooms.iter().any(|r| crate::text::fold(r) == crate::text::fold(&room)) {
                rooms.push(room);
            }
        }
        self.rooms = rooms;
        self
    }

    /// The programme with these profiles, and a bare one for anyone a
    /// session names who has none; profiles are kept in the order given,
    /// then in the order sessions first name people.
    pub fn with_speakers(mut self, profiles: Vec<Profile>) -> Schedule {
        let mut roster = speakers::Roster::default();
        for profile in profiles {
            roster.merge(profile);
        }
        for session in &self.sessions {
            for name in &session.speakers {
                roster.merge(Profile { name: name.clone(), ..Profile::default() });
            }
        }
        self.speakers = roster.into_profiles();
        self
    }

    /// The profile of the person sessions list as `name`.
    pub fn speaker(&self, name: &str) -> Option<&Profile> {
        self.speakers.iter().find(|p| p.name == name)
    }

    /// An empty programme, for a bot that has no schedule yet.
    pub fn empty() -> Schedule {
        Schedule {
            conference: Conference { title: String::from("No conference"), acronym: None, time_zone: TimeZone::UTC },
            sessions: Vec::new(),
            speakers: Vec::new(),
            rooms: Vec::new(),
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
    /// Local times, and no zone in the file or from the caller to place them in.
    #[error("{field}: the file gives local times without a time zone, and no conference time zone was given")]
    NoZone { field: String },
}

impl ImportError {
    pub(crate) fn field(field: impl Into<String>, message: impl Into<String>) -> ImportError {
        ImportError::Field { field: field.into(), message: message.into() }
    }
}

/// Why a time or a session's length in a file or a command cannot be read;
/// the message is for the person who wrote it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TimeError {
    #[error("`{0}` is not a date and time with an offset")]
    NoOffset(String),
    #[error("`{0}` is not a duration like 00:45")]
    Duration(String),
    #[error("the session ends out of range")]
    OutOfRange,
    #[error("`{0}` is not a time like 2022-11-01T09:15:00+01:00 or 2022-11-01 09:15")]
    Time(String),
    #[error("`{0}` has no offset, and no time zone was given for the conference")]
    NoZone(String),
    /// A local time the zone cannot place; the detail is jiff's.
    #[error("`{text}`: {detail}")]
    InZone { text: String, detail: String },
}

/// Start and end of an event from its ISO 8601 `date` (with offset) and its
/// `HH:MM` or `HH:MM:SS` duration.
pub(crate) fn event_times(date: &str, duration: &str) -> Result<(Timestamp, Timestamp), TimeError> {
    let start: Timestamp = date.trim().parse().map_err(|_| TimeError::NoOffset(date.to_string()))?;
    let length = parse_hhmm(duration).ok_or_else(|| TimeError::Duration(duration.to_string()))?;
    let end = start.checked_add(length).map_err(|_| TimeError::OutOfRange)?;
    Ok((start, end))
}

/// The longest session an importer accepts, in hours.
pub const MAX_SESSION_HOURS: i64 = 14 * 24;

/// `HH:MM` or `HH:MM:SS`, at most [`MAX_SESSION_HOURS`]. Digits only: a
/// sign is refused, or `-00:45` would read as 45 minutes (`-00` parses as 0).
pub(crate) fn parse_hhmm(text: &str) -> Option<SignedDuration> {
    let digits = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
    let parts: Vec<i64> =
        text.trim().split(':').map(|p| digits(p).then(|| p.parse().ok()).flatten()).collect::<Option<_>>()?;
    let (h, m, s) = match parts[..] {
        [h, m] => (h, m, 0),
        [h, m, s] => (h, m, s),
        _ => return None,
    };
    // A session lasts at most a fortnight; anything longer is a mistake in the file.
    if !(0..=MAX_SESSION_HOURS).contains(&h) || !(0..60).contains(&m) || !(0..60).contains(&s) {
        return None;
    }
    Some(SignedDuration::from_secs(h * 3600 + m * 60 + s))
}

/// The conference's zone: the named one; else `given` (the caller's
/// conference zone) when its offset agrees with a date in the file; else
/// the fixed offset that date carries; else UTC.
pub(crate) fn zone_or_offset(
    name: Option<&str>,
    sample_date: Option<&str>,
    given: Option<&TimeZone>,
    field: &str,
) -> Result<TimeZone, ImportError> {
    if let Some(name) = name.map(str::trim).filter(|n| !n.is_empty()) {
        return TimeZone::get(name)
            .map_err(|_| ImportError::field(field, format!("`{name}` is not a known time zone")));
    }
    let pieces = sample_date.and_then(|d| jiff::fmt::temporal::Pieces::parse(d.trim()).ok());
    let offset = pieces.as_ref().and_then(|p| p.to_numeric_offset());
    let instant = sample_date.and_then(|d| d.trim().parse::<Timestamp>().ok());
    if let (Some(zone), Some(offset), Some(at)) = (given, offset, instant)
        && zone.to_offset(at) == offset
    {
        return Ok(zone.clone());
    }
    Ok(offset.map(TimeZone::fixed).or_else(|| given.cloned()).unwrap_or(TimeZone::UTC))
}

/// An instant with an offset (`2022-11-01T09:15:00+01:00`), or a local time
/// (`2022-11-01 09:15`, `2022-11-01T09:15`) in `zone`.
pub(crate) fn instant_in(text: &str, zone: Option<&TimeZone>) -> Result<Timestamp, TimeError> {
    if let Ok(at) = text.parse::<Timestamp>() {
        return Ok(at);
    }
    let local = jiff::civil::DateTime::strptime("%Y-%m-%d %H:%M", text)
        .or_else(|_| jiff::civil::DateTime::strptime("%Y-%m-%dT%H:%M", text))
        .or_else(|_| jiff::civil::DateTime::strptime("%Y-%m-%d %H:%M:%S", text))
        .or_else(|_| text.parse::<jiff::civil::DateTime>())
        .map_err(|_| TimeError::Time(text.to_string()))?;
    let zone = zone.ok_or_else(|| TimeError::NoZone(text.to_string()))?;
    local
        .to_zoned(zone.clone())
        .map(|z| z.timestamp())
        .map_err(|e| TimeError::InZone { text: text.to_string(), detail: e.to_string() })
}

/// The input as text, or where it stops being UTF-8.
pub(crate) fn utf8(input: &[u8]) -> Result<&str, ImportError> {
    std::str::from_utf8(input).map_err(|e| {
        let (line, column) = frab_xml::line_column(input, e.valid_up_to());
        ImportError::Syntax { line, column, message: "the file is not UTF-8 text".into() }
    })
}

/// A JSON syntax or type error, where it is.
pub(crate) fn json_error(e: serde_json::Error) -> ImportError {
    ImportError::Syntax {
        line: e.line(),
        column: e.column(),
        message: e.to_string().split(" at line ").next().unwrap_or_default().to_string(),
    }
}

/// Refuses input over [`MAX_IMPORT_BYTES`].
pub(crate) fn check_size(input: &[u8]) -> Result<(), ImportError> {
    if input.len() > MAX_IMPORT_BYTES {
        return Err(ImportError::TooLarge { size: input.len(), max: MAX_IMPORT_BYTES });
    }
    Ok(())
}
