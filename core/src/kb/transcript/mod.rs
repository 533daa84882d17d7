//! Transcripts of talks and podcasts, in the layouts conferences and
//! podcasts publish them, told apart by their content:
//!
//! | layout | looks like | read by |
//! |---|---|---|
//! | seed | `Name (mm:ss): text` turns | [`seed`] |
//! | podcast | `H:MM:SS.s **Full Name** text`, continuation paragraphs | [`podcast`] |
//! | Otter | a `Name  MM:SS` line, then the turn's text | [`podcast`] |
//! | SubRip | numbered cues, `H:MM:SS,mmm --> H:MM:SS,mmm` | [`cues`] |
//! | WebVTT | `WEBVTT`, cues with or without hours, `<v Name>` voices | [`cues`] |
//! | Whisper JSON | OpenAI `verbose_json` segments, or whisper.cpp `-oj` | [`cues`] |
//!
//! A metadata file beside a transcript (same name, `.toml`) gives its title,
//! show, date and links, says who is who, which programme session it
//! records, and who speaks when the file names no one.
//!
//! Real transcripts are messy and the parsers keep going through all of
//! it: text before the first turn is the description; a malformed time is
//! repaired or dropped, a time going backwards is kept; an inserted advert
//! or a stage direction is kept but never quoted; subtitles' rolling
//! captions are collapsed and Whisper's repeated-phrase hallucinations
//! dropped. Every problem becomes a [`Warning`] with file and line.

pub mod cues;
pub mod podcast;
pub mod seed;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::Warning;
use crate::text;

/// The metadata file beside a transcript (`same-name.toml`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TranscriptMeta {
    /// What to cite it as; empty when not given (the session's title, or
    /// the file's name, stands in).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub title: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub show: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub season: Option<u32>,
    /// When it was recorded or published, as precisely as known (`2022`, `2022-11-14`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// The page of the episode or talk.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// The recording itself (a video or audio page) that moments link into;
    /// `url` when not given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recording: Option<String>,
    /// `podcast`, `talk`, `interview`, …
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// The programme session this recording is of, by its id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub session: Option<String>,
    /// Who speaks, when the transcript names no one: one name makes every
    /// word theirs; several make the words the session's, not anyone's.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub speakers: Vec<String>,
    /// The names used in the transcript, mapped to the people they are.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub people: BTreeMap<String, Person>,
}

impl TranscriptMeta {
    /// The metadata as a `.toml` file holds it.
    pub fn to_toml(&self) -> String {
        toml::to_string(self).unwrap_or_default()
    }

    /// The metadata with `key=value` fields as `/transcript import` takes
    /// them: `session`, `speakers` (separated by `;`), `title`,
    /// `recording`, `url`.
    pub fn with_fields(mut self, fields: &[(String, String)]) -> Result<TranscriptMeta, TranscriptError> {
        for (key, value) in fields {
            let value = value.trim().to_string();
            match key.as_str() {
                "session" => self.session = Some(value).filter(|v| !v.is_empty()),
                "speakers" | "speaker" => {
                    self.speakers.extend(value.split(';').map(str::trim).filter(|n| !n.is_empty()).map(str::to_string));
                }
                "title" => self.title = value,
                "recording" => self.recording = Some(value).filter(|v| !v.is_empty()),
                "url" => self.url = Some(value).filter(|v| !v.is_empty()),
                other => return Err(TranscriptError::UnknownField(other.to_string())),
            }
        }
        Ok(self)
    }
}

/// Why a file cannot be added as a transcript.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TranscriptError {
    #[error(
        "{0} holds nothing emcee reads as a transcript (SubRip, WebVTT, Whisper JSON, `H:MM:SS **Name** text` or `Name (mm:ss): text`)"
    )]
    Unreadable(String),
    #[error("`{0}` is not something a transcript's metadata says; use session, speakers, title, recording or url")]
    UnknownField(String),
}

/// A file read as a transcript to be added, with what was worked around in
/// it; refused when it holds no turns at all.
pub fn read(path: &str, input: &str, meta: TranscriptMeta) -> Result<(Transcript, Vec<Warning>), TranscriptError> {
    let mut warnings = Vec::new();
    let transcript = parse_transcript(path, input, meta, &mut warnings);
    if transcript.turns.iter().all(|t| t.kind != TurnKind::Speech) {
        return Err(TranscriptError::Unreadable(path.to_string()));
    }
    Ok((transcript, warnings))
}

/// Someone who speaks in a transcript.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Person {
    /// Full name, as in their biography if there is one.
    pub name: String,
    /// `host`, `guest`, `speaker`, `moderator`, …
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    /// One line about them, for people without a biography.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub about: Option<String>,
}

/// The layouts transcripts come in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// `Name (mm:ss): text`.
    Seed,
    /// `H:MM:SS.s **Full Name** text`.
    Podcast,
    /// `Name  MM:SS`, then the text.
    Otter,
    SubRip,
    WebVtt,
    /// OpenAI's `verbose_json`, or whisper.cpp's `-oj`.
    WhisperJson,
}

impl Layout {
    pub fn name(self) -> &'static str {
        match self {
            Layout::Seed => "transcript (`Name (mm:ss): text` turns)",
            Layout::Podcast => "podcast transcript (`H:MM:SS **Name** text`)",
            Layout::Otter => "transcript (`Name  MM:SS` turns)",
            Layout::SubRip => "SubRip subtitles",
            Layout::WebVtt => "WebVTT subtitles",
            Layout::WhisperJson => "Whisper JSON",
        }
    }

    /// Tells the layout from the content.
    pub fn detect(input: &str) -> Layout {
        let input = input.trim_start_matches('\u{feff}').trim_start();
        if input.starts_with("WEBVTT") {
            return Layout::WebVtt;
        }
        if input.starts_with('{') && (input.contains("\"segments\"") || input.contains("\"transcription\"")) {
            return Layout::WhisperJson;
        }
        let lines = || input.lines().take(400).map(str::trim);
        if lines().any(|l| cues::srt_timing(l).is_some()) {
            return Layout::SubRip;
        }
        if lines().filter(|l| podcast::podcast_head(l).is_some()).count() >= 2 {
            return Layout::Podcast;
        }
        if lines().filter(|l| podcast::otter_head(l).is_some()).count() >= 2 {
            return Layout::Otter;
        }
        Layout::Seed
    }
}

/// One parsed transcript.
#[derive(Debug, Clone, PartialEq)]
pub struct Transcript {
    pub path: String,
    pub layout: Layout,
    pub meta: TranscriptMeta,
    /// Whether [`TranscriptMeta::title`] was made from the file's name,
    /// because neither the metadata nor the file itself gave one.
    pub untitled: bool,
    /// Text before the first turn.
    pub description: String,
    pub turns: Vec<Turn>,
}

/// What a turn is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TurnKind {
    Speech,
    /// A promotion or sponsor read inserted into the recording: kept, never quoted.
    Advert,
    /// A stage direction, `(laughing)`: kept, never quoted, no one's words.
    Direction,
}

/// One speaker's turn, or a stretch of an unnamed voice.
#[derive(Debug, Clone, PartialEq)]
pub struct Turn {
    /// The name as written in the transcript (`Kelsey`); empty for a voice the file does not name.
    pub label: String,
    /// The full name from the metadata (`Kelsey Hightower`), or the label
    /// when unknown; empty for a voice the file does not name.
    pub speaker: String,
    /// Offset from the start of the recording, when the time could be read.
    pub at: Option<u32>,
    /// The time as written (`10:044`).
    pub at_label: String,
    /// Line of the turn in the transcript file.
    pub line: usize,
    pub text: String,
    pub kind: TurnKind,
    /// Later moments in the turn: where in `text` each one starts, and its time.
    pub marks: Vec<(usize, u32)>,
}

impl Turn {
    /// The time of the words that start at byte `offset` of the text.
    pub fn time_at(&self, offset: usize) -> Option<u32> {
        self.marks.iter().take_while(|(at, _)| *at <= offset).last().map(|&(_, t)| t).or(self.at)
    }
}

impl Transcript {
    /// The title to cite: `DevOps Sauna: Kelsey Hightower`.
    pub fn title(&self) -> &str {
        &self.meta.title
    }

    /// Where the recording is, for links into it.
    pub fn recording(&self) -> Option<&str> {
        self.meta.recording.as_deref().or(self.meta.url.as_deref())
    }
}

/// Parses the metadata file of a transcript.
pub fn parse_meta(path: &str, input: &str) -> Result<TranscriptMeta, Warning> {
    toml::from_str(input).map_err(|e| {
        let line = e.span().map(|s| input[..s.start].lines().count().max(1)).unwrap_or(1);
        Warning::new(path, line, &format!("unreadable transcript metadata: {}", e.message()))
    })
}

/// Parses a transcript in whichever layout it is in. `path` names the file
/// in warnings; a title made from it stands in when the metadata has none.
pub fn parse_transcript(path: &str, input: &str, mut meta: TranscriptMeta, warnings: &mut Vec<Warning>) -> Transcript {
    let layout = Layout::detect(input);
    // The metadata's title, else the file's own; only with neither is it
    // `untitled`, and a session the recording is of gives it its title.
    if meta.title.trim().is_empty()
        && let Some(title) = header_title(input)
    {
        meta.title = title;
    }
    let untitled = meta.title.trim().is_empty();
    if untitled {
        meta.title = file_title(path);
    }
    let (description, mut turns) = match layout {
        Layout::Seed => seed::parse(path, input, &meta, warnings),
        Layout::Podcast | Layout::Otter => podcast::parse(path, input, layout, &meta, warnings),
        Layout::SubRip | Layout::WebVtt | Layout::WhisperJson => cues::parse(path, input, layout, &meta, warnings),
    };
    for turn in &mut turns {
        if turn.kind == TurnKind::Speech && is_direction(&turn.text) {
            turn.kind = TurnKind::Direction;
        }
    }
    Transcript { path: path.to_string(), layout, meta, untitled, description, turns }
}

/// A title from a file's name, as a person would write it:
/// `talks/sexy-ssh_hacks.srt` → `Sexy ssh hacks`; what a path is stored
/// under (`imported: …`) is not the name.
pub fn file_title(path: &str) -> String {
    let name = path.rsplit(['/', '\\']).next().unwrap_or(path);
    let name = name.rsplit_once(": ").map_or(name, |(_, name)| name);
    let stem = name.rsplit_once('.').map_or(name, |(stem, _)| stem);
    let words = stem.replace(['-', '_'], " ").split_whitespace().collect::<Vec<_>>().join(" ");
    let mut chars = words.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

/// The title a file gives itself: WebVTT's header line (`WEBVTT - Title`),
/// or a `Title:` line among the comments before the first cue (SubRip's
/// `# Title: …`, WebVTT's `NOTE Title: …`, a podcast's `Title: …`).
fn header_title(input: &str) -> Option<String> {
    let input = input.trim_start_matches('\u{feff}');
    let mut lines = input.lines().map(str::trim);
    let first = lines.next()?;
    if let Some(rest) = first.strip_prefix("WEBVTT") {
        let title = rest.trim_start_matches([' ', '\t', '-', '–', ':']).trim();
        if !title.is_empty() {
            return Some(title.to_string());
        }
    }
    for line in std::iter::once(first).chain(lines).take(HEADER_LINES) {
        if line.contains("-->") {
            break;
        }
        let line = line.trim_start_matches(['#', ' ']).trim_start_matches("NOTE").trim();
        if let Some((key, value)) = line.split_once(':')
            && key.trim().eq_ignore_ascii_case("title")
            && !value.trim().is_empty()
        {
            return Some(value.trim().to_string());
        }
    }
    None
}

/// How many lines before the first cue a file's own title is looked for in.
const HEADER_LINES: usize = 20;

/// The person a label stands for in the metadata, or the label itself.
/// A line that starts no turn: more of the last turn's text, or, before
/// the first turn, of the file's description.
fn continue_last(turns: &mut [Turn], description: &mut String, line: &str) {
    let text = match turns.last_mut() {
        Some(turn) => &mut turn.text,
        None => description,
    };
    if !text.is_empty() {
        text.push('\n');
    }
    text.push_str(line);
}

fn speaker_of(label: &str, meta: &TranscriptMeta) -> String {
    meta.people.get(label).map_or_else(|| label.to_string(), |p| p.name.clone())
}

/// A turn that is only a stage direction: `(laughing)`, `[applause]`.
fn is_direction(text: &str) -> bool {
    let text = text.trim();
    let bracketed = (text.starts_with('(') && text.ends_with(')')) || (text.starts_with('[') && text.ends_with(']'));
    bracketed && !text[1..text.len() - 1].contains([')', ']'])
}

/// `mm:ss`, or `h:mm:ss` past the hour.
pub fn clock(seconds: u32) -> String {
    let (h, m, s) = (seconds / 3600, seconds / 60 % 60, seconds % 60);
    if h > 0 { format!("{h}:{m:02}:{s:02}") } else { format!("{m:02}:{s:02}") }
}

/// Video sites whose pages play from a time given in the address.
const PLAYERS: &[&str] = &["youtube.com/", "youtu.be/", "youtube-nocookie.com/", "media.ccc.de/", "vimeo.com/"];

/// A link to moment `at`: of `recording` when there is one, else of `page`
/// when its site's player takes a time, else `page` as it is.
pub fn link_to(recording: Option<&str>, page: Option<&str>, at: Option<u32>) -> Option<String> {
    let plays = |url: &str| PLAYERS.iter().any(|site| url.contains(site));
    match (recording, page, at) {
        (Some(recording), _, Some(at)) => Some(moment(recording, at)),
        (None, Some(page), Some(at)) if plays(page) => Some(moment(page, at)),
        (recording, page, _) => recording.or(page).map(str::to_string),
    }
}

/// A link to a moment of a recording: YouTube's own `t=` parameter, else
/// the media fragment `#t=SECONDS` that media.ccc.de and browsers' players
/// understand.
pub fn moment(url: &str, seconds: u32) -> String {
    let base = url.split('#').next().unwrap_or(url);
    let youtube = ["youtube.com/", "youtu.be/", "youtube-nocookie.com/"].iter().any(|host| base.contains(host));
    if youtube {
        let separator = if base.contains('?') { '&' } else { '?' };
        format!("{base}{separator}t={seconds}s")
    } else {
        format!("{base}#t={seconds}")
    }
}

/// Splits a turn's text into quotable passages of one to three sentences,
/// at most about 280 characters unless one sentence is longer. The passages
/// cover the text in order, every byte in exactly one passage.
pub fn passages(text: &str) -> Vec<&str> {
    const MAX_SENTENCES: usize = 3;
    const MAX_CHARS: usize = 280;
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    let mut end = 0;
    let mut count = 0;
    for range in text::sentence_ranges(text) {
        let begin = *start.get_or_insert(range.start);
        if count > 0 && (count == MAX_SENTENCES || range.end - begin > MAX_CHARS) {
            out.push(text[begin..end].trim());
            start = Some(range.start);
            count = 0;
        }
        end = range.end;
        count += 1;
    }
    if let Some(begin) = start {
        out.push(text[begin..end].trim());
    }
    out.retain(|p| !p.is_empty());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_a_person_would_write() {
        assert_eq!(file_title("imported: bornhack2023_foss_technical-debt.srt"), "Bornhack2023 foss technical debt");
        assert_eq!(file_title("data/transcripts/sexy-ssh_hacks.srt"), "Sexy ssh hacks");
        let vtt = "WEBVTT - Keeping secrets in CI\n\n00:01.000 --> 00:02.000\nhi";
        assert_eq!(header_title(vtt).as_deref(), Some("Keeping secrets in CI"));
        let srt = "# Title: The SSH talk\n# Proofreading by: x\n\n1\n00:00:01,000 --> 00:00:02,000\nhi";
        assert_eq!(header_title(srt).as_deref(), Some("The SSH talk"));
        assert_eq!(header_title("WEBVTT\n\n00:01.000 --> 00:02.000\nTitle: not a header"), None);
    }
}
