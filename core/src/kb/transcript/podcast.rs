//! Podcast layouts that name each turn's speaker in full:
//!
//! ```text
//! 0:00:14.1 **Adam Garrett-Harris** Welcome to BookBytes, episode 5.
//! So, just through the opportunity…      (a paragraph more of the same turn)
//! 0:04:09.7 **All** (laughing)           (a stage direction: nobody's words)
//! ```
//!
//! and Otter's export, a `Name  MM:SS` line and then the turn's text.
//! Times may carry tenths and may go back a little; both are kept as
//! written, the second with a warning.

use super::seed::read_time;
use super::{Layout, TranscriptMeta, Turn, TurnKind, Warning, clock, speaker_of};

/// `H:MM:SS.s **Full Name** text` → time, name and text.
pub(super) fn podcast_head(line: &str) -> Option<(&str, &str, &str)> {
    let (time, rest) = line.split_once(char::is_whitespace)?;
    timestamp(time)?;
    let rest = rest.trim_start().strip_prefix("**")?;
    let (name, text) = rest.split_once("**")?;
    let name = name.trim();
    (!name.is_empty() && name.split_whitespace().count() <= 6).then_some((time, name, text.trim()))
}

/// `Full Name  MM:SS` on a line of its own → name and time.
pub(super) fn otter_head(line: &str) -> Option<(&str, &str)> {
    let (name, time) = line.rsplit_once("  ")?;
    let (name, time) = (name.trim(), time.trim());
    timestamp(time)?;
    let words = name.split_whitespace().count();
    let named = name.chars().next().is_some_and(char::is_alphabetic) && (1..=6).contains(&words);
    named.then_some((name, time))
}

/// Seconds of `H:MM:SS`, `MM:SS` or either with tenths (`0:00:14.1`).
fn timestamp(text: &str) -> Option<u32> {
    let whole = text.split_once('.').map_or(
        text,
        |(whole, tenths)| {
            if tenths.chars().all(|c| c.is_ascii_digit()) { whole } else { "" }
        },
    );
    if !whole.contains(':') || !whole.chars().all(|c| c.is_ascii_digit() || c == ':') {
        return None;
    }
    read_time(whole).seconds()
}

/// Reads the turns of a podcast or Otter transcript, and the text before them.
pub(super) fn parse(
    path: &str,
    input: &str,
    layout: Layout,
    meta: &TranscriptMeta,
    warnings: &mut Vec<Warning>,
) -> (String, Vec<Turn>) {
    let mut description = String::new();
    let mut turns: Vec<Turn> = Vec::new();
    for (index, raw) in input.lines().enumerate() {
        let no = index + 1;
        let line = raw.trim().trim_start_matches('\u{feff}');
        if line.is_empty() {
            continue;
        }
        let head = match layout {
            Layout::Otter => otter_head(line).map(|(name, time)| (time, name, "")),
            _ => podcast_head(line),
        };
        let Some((time, name, text)) = head else {
            super::continue_last(&mut turns, &mut description, line);
            continue;
        };
        let at = timestamp(time);
        if let (Some(now), Some(before)) = (at, turns.iter().rev().find_map(|t| t.at))
            && now < before
        {
            warnings.push(Warning::new(
                path,
                no,
                &format!("time goes back from {} to {}; kept as written", clock(before), clock(now)),
            ));
        }
        turns.push(Turn {
            label: name.to_string(),
            speaker: speaker_of(name, meta),
            at,
            at_label: time.to_string(),
            line: no,
            text: text.to_string(),
            kind: TurnKind::Speech,
            marks: Vec::new(),
        });
    }
    if turns.is_empty() {
        warnings.push(Warning::new(path, 1, "no turns found"));
    }
    (description, turns)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kb::transcript::{TranscriptMeta, parse_transcript};

    #[test]
    fn reads_turns_continuations_and_directions() {
        let input = "\u{feff}(Intro music)\n\n0:00:14.1 **Adam Garrett-Harris** Welcome to the show.\n\n\
                     0:00:43.0 **Dave Hoover** My background is in therapy.\n\nSo, I wrote a book.\n\n\
                     0:00:42.9 **All** (laughing)\n";
        let mut warnings = Vec::new();
        let t = parse_transcript("book.txt", input, TranscriptMeta::default(), &mut warnings);
        assert_eq!(t.layout, Layout::Podcast);
        assert_eq!(t.description, "(Intro music)");
        let got: Vec<(&str, Option<u32>, &str, TurnKind)> =
            t.turns.iter().map(|t| (t.speaker.as_str(), t.at, t.text.as_str(), t.kind)).collect();
        assert_eq!(
            got,
            [
                ("Adam Garrett-Harris", Some(14), "Welcome to the show.", TurnKind::Speech),
                ("Dave Hoover", Some(43), "My background is in therapy.\nSo, I wrote a book.", TurnKind::Speech),
                ("All", Some(42), "(laughing)", TurnKind::Direction),
            ]
        );
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert_eq!(
            (warnings[0].line, warnings[0].message.as_str()),
            (9, "time goes back from 00:43 to 00:42; kept as written")
        );
    }

    #[test]
    fn reads_otter_exports() {
        let input =
            "Jane Doe  0:03\nHello and welcome.\n\nJohn Roe  1:02:10\nThanks for having me.\nIt is good to be here.\n";
        let t = parse_transcript("otter.txt", input, TranscriptMeta::default(), &mut Vec::new());
        assert_eq!(t.layout, Layout::Otter);
        let got: Vec<(&str, Option<u32>, &str)> =
            t.turns.iter().map(|t| (t.speaker.as_str(), t.at, t.text.as_str())).collect();
        assert_eq!(
            got,
            [
                ("Jane Doe", Some(3), "Hello and welcome."),
                ("John Roe", Some(3730), "Thanks for having me.\nIt is good to be here.")
            ]
        );
    }
}
