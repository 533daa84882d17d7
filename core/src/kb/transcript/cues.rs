//! Timed cues as talks' recordings are transcribed: SubRip (`.srt`,
//! Whisper's hour written `0:00:00,000`, `#` comment lines before the first
//! cue), WebVTT (with or without hours, `<v Name>` voices, styling tags,
//! YouTube's rolling captions that repeat each line in the next cue), and
//! Whisper's JSON (OpenAI's `verbose_json` segments with their confidence,
//! whisper.cpp's `-oj` transcription).
//!
//! Cues are cleaned before they become turns: a rolling caption keeps only
//! what it adds; Whisper's hallucinations — a phrase looping in one cue, the
//! same cue again and again, a segment it was not confident was speech —
//! are dropped with a warning. Consecutive cues of one voice make a turn,
//! broken at pauses and at a reasonable length, and each cue's time is kept
//! as a mark, so that a quote links to the moment it was said.

use serde::Deserialize;

use super::{Layout, TranscriptMeta, Turn, TurnKind, Warning, clock, speaker_of};
use crate::text;

/// One subtitle cue or Whisper segment; times in milliseconds.
#[derive(Debug, Clone, PartialEq)]
struct Cue {
    start: u32,
    end: u32,
    text: String,
    voice: Option<String>,
    line: usize,
}

/// A pause at least this long (ms) starts a new turn.
const PAUSE_MS: u32 = 5_000;
/// A turn is closed at the first sentence end past this many characters.
const TURN_CHARS: usize = 900;
/// A cue repeated this many times in a row is a hallucination after the first.
const REPEATS: usize = 3;
/// A phrase looping at least this many times, and this many words in all,
/// is a hallucination.
const LOOP_TIMES: usize = 4;
const LOOP_WORDS: usize = 8;

/// Reads cues into turns, and the comment or header text before them.
pub(super) fn parse(
    path: &str,
    input: &str,
    layout: Layout,
    meta: &TranscriptMeta,
    warnings: &mut Vec<Warning>,
) -> (String, Vec<Turn>) {
    let input = input.trim_start_matches('\u{feff}');
    let (description, cues) = match layout {
        Layout::WebVtt => vtt(input),
        Layout::WhisperJson => whisper(path, input, warnings),
        _ => srt(input),
    };
    if cues.is_empty() {
        warnings.push(Warning::new(path, 1, "no timed cues found"));
    }
    let cues = collapse_rolling(drop_hallucinations(path, cues, warnings));
    (description, turns(cues, meta))
}

/// `H:MM:SS,mmm --> H:MM:SS,mmm` (a dot for the comma too) → start and end in ms.
pub(super) fn srt_timing(line: &str) -> Option<(u32, u32)> {
    let (start, rest) = line.split_once("-->")?;
    let end = rest.split_whitespace().next()?;
    let (start, end) = (timestamp(start.trim())?, timestamp(end)?);
    Some((start, end.max(start)))
}

/// `[H:]MM:SS[,.]mmm` → milliseconds.
fn timestamp(text: &str) -> Option<u32> {
    let (clock, millis) = text.split_once([',', '.'])?;
    if millis.is_empty() || millis.len() > 3 || !millis.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let mut seconds: u32 = 0;
    let parts: Vec<&str> = clock.split(':').collect();
    if !(2..=3).contains(&parts.len()) {
        return None;
    }
    for (i, part) in parts.iter().enumerate() {
        let value: u32 = part.parse().ok()?;
        if i > 0 && value >= 60 {
            return None;
        }
        seconds = seconds.checked_mul(60)?.checked_add(value)?;
    }
    let millis: u32 = format!("{millis:0<3}").parse().ok()?;
    seconds.checked_mul(1000)?.checked_add(millis)
}

/// SubRip: numbered cues; `#` lines before the first are a description.
fn srt(input: &str) -> (String, Vec<Cue>) {
    let mut description = Vec::new();
    let mut cues: Vec<Cue> = Vec::new();
    let mut open = false;
    for (index, raw) in input.lines().enumerate() {
        let line = raw.trim();
        if let Some((start, end)) = srt_timing(line) {
            cues.push(Cue { start, end, text: String::new(), voice: None, line: index + 1 });
            open = true;
        } else if line.is_empty() {
            open = false;
        } else if open && let Some(cue) = cues.last_mut() {
            add_line(cue, line);
        } else if cues.is_empty() && !line.chars().all(|c| c.is_ascii_digit()) {
            description.push(line.trim_start_matches('#').trim());
        }
    }
    (description.join("\n"), cues)
}

/// WebVTT: a `WEBVTT` header, `NOTE`, `STYLE` and `REGION` blocks, cues with
/// optional identifiers and settings after their times.
fn vtt(input: &str) -> (String, Vec<Cue>) {
    let mut description = Vec::new();
    let mut cues: Vec<Cue> = Vec::new();
    let mut open = false;
    let mut skipping = false;
    for (index, raw) in input.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() {
            open = false;
            skipping = false;
        } else if index == 0 {
            let header = line.trim_start_matches("WEBVTT").trim_start_matches([' ', '-']).trim();
            if !header.is_empty() {
                description.push(header);
            }
        } else if skipping {
        } else if !open && (line.starts_with("NOTE") || line == "STYLE" || line == "REGION") {
            skipping = true;
        } else if let Some((start, end)) = srt_timing(line) {
            cues.push(Cue { start, end, text: String::new(), voice: None, line: index + 1 });
            open = true;
        } else if open && let Some(cue) = cues.last_mut() {
            add_line(cue, line);
        }
    }
    (description.join("\n"), cues)
}

/// Adds a line of a cue's text, without markup; its first `<v Name>` is the voice.
fn add_line(cue: &mut Cue, line: &str) {
    let (clean, voice) = without_markup(line);
    if cue.voice.is_none() {
        cue.voice = voice;
    }
    let clean = clean.trim_start_matches("- ").trim();
    if clean.is_empty() {
        return;
    }
    if !cue.text.is_empty() {
        cue.text.push(' ');
    }
    cue.text.push_str(clean);
}

/// Text without tags (`<i>`, `<c.yellow>`, `<00:01.000>`, `{\an8}`) and
/// entities decoded, with the name of the first `<v Name>` tag.
fn without_markup(line: &str) -> (String, Option<String>) {
    let mut out = String::with_capacity(line.len());
    let mut voice = None;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '<' => {
                let tag: String = chars.by_ref().take_while(|&t| t != '>').collect();
                if let Some(name) = tag.strip_prefix('v').filter(|rest| rest.starts_with([' ', '.'])) {
                    let name = name.split_once(' ').map_or("", |(_, name)| name).trim();
                    if voice.is_none() && !name.is_empty() {
                        voice = Some(name.to_string());
                    }
                }
            }
            '{' if chars.as_str().starts_with('\\') => {
                chars.by_ref().take_while(|&t| t != '}').for_each(drop);
            }
            _ => out.push(c),
        }
    }
    for (entity, plain) in [("&amp;", "&"), ("&lt;", "<"), ("&gt;", ">"), ("&nbsp;", " "), ("&lrm;", ""), ("&rlm;", "")]
    {
        out = out.replace(entity, plain);
    }
    (out.split_whitespace().collect::<Vec<_>>().join(" "), voice)
}

#[derive(Deserialize)]
struct OpenAi {
    segments: Vec<Segment>,
}

#[derive(Deserialize)]
struct Segment {
    start: f64,
    end: f64,
    text: String,
    avg_logprob: Option<f64>,
    no_speech_prob: Option<f64>,
    speaker: Option<String>,
}

#[derive(Deserialize)]
struct WhisperCpp {
    transcription: Vec<CppSegment>,
}

#[derive(Deserialize)]
struct CppSegment {
    offsets: CppOffsets,
    text: String,
}

#[derive(Deserialize)]
struct CppOffsets {
    from: u64,
    to: u64,
}

/// Whisper's JSON, either kind. Segments Whisper itself judged not to be
/// speech are dropped here; an unreadable file is one warning and no cues.
fn whisper(path: &str, input: &str, warnings: &mut Vec<Warning>) -> (String, Vec<Cue>) {
    let ms = |seconds: f64| (seconds.max(0.0) * 1000.0).min(f64::from(u32::MAX)) as u32;
    let lines = segment_lines(input);
    let line = |i: usize| lines.get(i).copied().unwrap_or(1);
    if let Ok(file) = serde_json::from_str::<OpenAi>(input) {
        let mut cues = Vec::new();
        for (i, segment) in file.segments.into_iter().enumerate() {
            let silent = segment.no_speech_prob.is_some_and(|p| p > crate::tuning::WHISPER_NO_SPEECH)
                && segment.avg_logprob.is_some_and(|p| p < crate::tuning::WHISPER_LOW_LOGPROB);
            if silent {
                warnings.push(Warning::new(
                    path,
                    line(i),
                    &format!(
                        "segment at {} dropped: Whisper judged it not to be speech",
                        clock(ms(segment.start) / 1000)
                    ),
                ));
                continue;
            }
            let (text, _) = without_markup(&segment.text);
            cues.push(Cue {
                start: ms(segment.start),
                end: ms(segment.end),
                text,
                voice: segment.speaker,
                line: line(i),
            });
        }
        return (String::new(), cues);
    }
    match serde_json::from_str::<WhisperCpp>(input) {
        Ok(file) => {
            let cues = file
                .transcription
                .into_iter()
                .enumerate()
                .map(|(i, segment)| Cue {
                    start: u32::try_from(segment.offsets.from).unwrap_or(u32::MAX),
                    end: u32::try_from(segment.offsets.to).unwrap_or(u32::MAX),
                    text: without_markup(&segment.text).0,
                    voice: None,
                    line: line(i),
                })
                .collect();
            (String::new(), cues)
        }
        Err(error) => {
            warnings.push(Warning::new(path, error.line(), &format!("unreadable Whisper JSON: {error}")));
            (String::new(), Vec::new())
        }
    }
}

/// The line of each segment's `"text"` in a Whisper JSON file, in order.
fn segment_lines(input: &str) -> Vec<usize> {
    let list = input.find("\"segments\"").or_else(|| input.find("\"transcription\"")).unwrap_or(0);
    let mut lines = Vec::new();
    let mut line = 1 + input[..list].matches('\n').count();
    let mut last = list;
    for (at, _) in input[list..].match_indices("\"text\"") {
        line += input[last..list + at].matches('\n').count();
        last = list + at;
        lines.push(line);
    }
    lines
}

/// A rolling caption repeats what the cue before showed and adds a line:
/// only the addition is kept.
fn collapse_rolling(cues: Vec<Cue>) -> Vec<Cue> {
    let mut out: Vec<Cue> = Vec::with_capacity(cues.len());
    for mut cue in cues {
        if let Some(before) = out.last() {
            let before: Vec<String> = before.text.split_whitespace().map(text::fold).collect();
            let words: Vec<&str> = cue.text.split_whitespace().collect();
            let folded: Vec<String> = words.iter().map(|w| text::fold(w)).collect();
            let longest = before.len().min(folded.len());
            let overlap = (1..=longest)
                .rev()
                .find(|&k| before[before.len() - k..] == folded[..k] && (k >= 3 || k == before.len()));
            if let Some(k) = overlap {
                cue.text = words[k..].join(" ");
            }
        }
        if !cue.text.is_empty() {
            out.push(cue);
        }
    }
    out
}

/// Drops what Whisper makes up in silence: a short phrase looping within a
/// cue, and the same cue [`REPEATS`] or more times in a row (the first is kept).
fn drop_hallucinations(path: &str, cues: Vec<Cue>, warnings: &mut Vec<Warning>) -> Vec<Cue> {
    let mut out: Vec<Cue> = Vec::with_capacity(cues.len());
    let mut run = 0;
    for mut cue in cues {
        if let Some(looped) = unlooped(&cue.text) {
            warnings.push(Warning::new(
                path,
                cue.line,
                "a phrase repeats over and over (a Whisper hallucination); kept once",
            ));
            cue.text = looped;
        }
        let same = out.last().is_some_and(|before| text::fold(&before.text) == text::fold(&cue.text));
        run = if same { run + 1 } else { 0 };
        if run + 1 >= REPEATS {
            if run + 1 == REPEATS {
                // The run is a loop, not a phrase said twice: only its first cue stays.
                out.truncate(out.len() + 2 - REPEATS);
                warnings.push(Warning::new(
                    path,
                    cue.line,
                    &format!("“{}” repeats cue after cue (a Whisper hallucination); the repeats are dropped", cue.text),
                ));
            }
            continue;
        }
        out.push(cue);
    }
    out
}

/// The text with a looping phrase said once: one to eight words said at
/// least [`LOOP_TIMES`] times in a row, [`LOOP_WORDS`] words in all (people
/// do say "F, F, F, F, F" or "slow, slow, slow"; Whisper's loops run
/// longer). `None` when nothing loops.
fn unlooped(text: &str) -> Option<String> {
    let words: Vec<&str> = text.split_whitespace().collect();
    let folded: Vec<String> = words.iter().map(|w| text::fold(w)).collect();
    for size in 1..=8.min(words.len() / LOOP_TIMES) {
        for start in 0..=words.len().saturating_sub(size * LOOP_TIMES) {
            let phrase = &folded[start..start + size];
            let mut times = 1;
            while start + (times + 1) * size <= words.len()
                && folded[start + times * size..start + (times + 1) * size] == *phrase
            {
                times += 1;
            }
            if times >= LOOP_TIMES && times * size >= LOOP_WORDS {
                let mut kept: Vec<&str> = words[..start + size].to_vec();
                kept.extend_from_slice(&words[start + times * size..]);
                return Some(kept.join(" "));
            }
        }
    }
    None
}

/// Consecutive cues of one voice, until a pause or a sentence end past
/// [`TURN_CHARS`], make a turn; each cue's start is a mark in it.
fn turns(cues: Vec<Cue>, meta: &TranscriptMeta) -> Vec<Turn> {
    let mut turns: Vec<Turn> = Vec::new();
    let mut last_end = 0;
    for cue in cues {
        let label = cue.voice.clone().unwrap_or_default();
        let seconds = cue.start / 1000;
        let joins = turns.last().is_some_and(|turn| {
            turn.label == label
                && cue.start.saturating_sub(last_end) < PAUSE_MS
                && !(turn.text.len() >= TURN_CHARS && turn.text.ends_with(['.', '!', '?']))
        });
        last_end = cue.end;
        match turns.last_mut() {
            Some(turn) if joins => {
                turn.text.push(' ');
                turn.marks.push((turn.text.len(), seconds));
                turn.text.push_str(&cue.text);
            }
            _ => turns.push(Turn {
                speaker: if label.is_empty() { String::new() } else { speaker_of(&label, meta) },
                label,
                at: Some(seconds),
                at_label: clock(seconds),
                line: cue.line,
                text: cue.text,
                kind: TurnKind::Speech,
                marks: Vec::new(),
            }),
        }
    }
    turns
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kb::transcript::parse_transcript;

    fn read(path: &str, input: &str) -> (super::super::Transcript, Vec<Warning>) {
        let mut warnings = Vec::new();
        let t = parse_transcript(path, input, TranscriptMeta::default(), &mut warnings);
        (t, warnings)
    }

    #[test]
    fn reads_times_as_subtitles_write_them() {
        assert_eq!(srt_timing("0:00:12,160 --> 0:00:16,440"), Some((12_160, 16_440)));
        assert_eq!(srt_timing("00:03.983 --> 00:07.615 align:start position:0%"), Some((3_983, 7_615)));
        assert_eq!(srt_timing("01:02:03.5 --> 01:02:04.25"), Some((3_723_500, 3_724_250)));
        assert_eq!(srt_timing("00:61.000 --> 00:62.000"), None);
        assert_eq!(srt_timing("Say --> this"), None);
    }

    #[test]
    fn subrip_cues_become_timed_turns() {
        let input = "# Transcribed with Whisper\n\n1\n0:00:00,000 --> 0:00:05,000\n Welcome to the talk.\n\n\
                     2\n0:00:05,000 --> 0:00:09,000\n <i>It is about SSH.</i>\n\n3\n0:01:00,000 --> 0:01:04,000\n After a pause.\n";
        let (t, warnings) = read("talk.srt", input);
        assert_eq!((t.layout, t.description.as_str()), (Layout::SubRip, "Transcribed with Whisper"));
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(t.turns.len(), 2, "a minute's pause starts a new turn");
        let first = &t.turns[0];
        assert_eq!(
            (first.text.as_str(), first.at, first.speaker.as_str()),
            ("Welcome to the talk. It is about SSH.", Some(0), "")
        );
        assert_eq!(first.time_at(first.text.find("It is").unwrap()), Some(5));
        assert_eq!((t.turns[1].at, t.turns[1].line), (Some(60), 12));
    }

    #[test]
    fn webvtt_voices_and_rolling_captions() {
        let input = "WEBVTT - panel\n\nNOTE made by hand\nacross lines\n\n00:01.000 --> 00:03.000\n<v Ana Lopez>Hello everyone and\n\n\
                     00:03.000 --> 00:05.000\n<v Ana Lopez>Hello everyone and welcome to the panel.\n\n\
                     intro-3\n00:05.000 --> 00:07.000\n<v.loud Bo Chen>Thanks, Ana &amp; all.\n";
        let (t, _) = read("panel.vtt", input);
        assert_eq!((t.layout, t.description.as_str()), (Layout::WebVtt, "panel"));
        let got: Vec<(&str, &str)> = t.turns.iter().map(|t| (t.speaker.as_str(), t.text.as_str())).collect();
        assert_eq!(got, [("Ana Lopez", "Hello everyone and welcome to the panel."), ("Bo Chen", "Thanks, Ana & all.")]);
    }

    #[test]
    fn whisper_json_of_either_kind() {
        let openai = r#"{"text": "…", "segments": [
            {"id": 0, "start": 0.0, "end": 4.2, "text": " Good morning.", "avg_logprob": -0.2, "no_speech_prob": 0.01},
            {"id": 1, "start": 4.2, "end": 9.0, "text": " Let us begin.", "avg_logprob": -0.3, "no_speech_prob": 0.02},
            {"id": 2, "start": 600.0, "end": 630.0, "text": " Thank you.", "avg_logprob": -1.4, "no_speech_prob": 0.9}
        ]}"#;
        let (t, warnings) = read("talk.json", openai);
        assert_eq!(t.layout, Layout::WhisperJson);
        assert_eq!(t.turns.len(), 1);
        assert_eq!(t.turns[0].text, "Good morning. Let us begin.");
        assert_eq!(warnings.len(), 1);
        assert_eq!(
            (warnings[0].line, warnings[0].message.as_str()),
            (4, "segment at 10:00 dropped: Whisper judged it not to be speech")
        );
        let cpp = r#"{"transcription": [
            {"timestamps": {"from": "00:00:00,000", "to": "00:00:02,000"}, "offsets": {"from": 0, "to": 2000}, "text": " Hello."},
            {"timestamps": {"from": "00:00:02,000", "to": "00:00:04,000"}, "offsets": {"from": 2000, "to": 4000}, "text": " Bye."}
        ]}"#;
        let (t, _) = read("talk.json", cpp);
        assert_eq!((t.turns[0].text.as_str(), t.turns[0].time_at(7)), ("Hello. Bye.", Some(2)));
    }

    #[test]
    fn drops_whisper_hallucinations() {
        let mut input = String::from("1\n0:00:00,000 --> 0:00:03,000\nThat is the end of my talk.\n\n");
        for i in 0..6 {
            input.push_str(&format!("{}\n0:00:{:02},000 --> 0:00:{:02},000\nThank you.\n\n", i + 2, 3 + i, 4 + i));
        }
        input.push_str("9\n0:00:20,000 --> 0:00:25,000\nyou know you know you know you know what I mean\n");
        let (t, warnings) = read("end.srt", &input);
        let text: Vec<&str> = t.turns.iter().map(|t| t.text.as_str()).collect();
        assert_eq!(text, ["That is the end of my talk. Thank you.", "you know what I mean"]);
        let messages: Vec<(usize, &str)> = warnings.iter().map(|w| (w.line, w.message.as_str())).collect();
        assert_eq!(
            messages,
            [
                (14, "“Thank you.” repeats cue after cue (a Whisper hallucination); the repeats are dropped"),
                (30, "a phrase repeats over and over (a Whisper hallucination); kept once"),
            ]
        );
    }
}
