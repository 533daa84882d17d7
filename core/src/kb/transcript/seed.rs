//! The seed's layout: `Name (mm:ss): text` turns, the colon sometimes
//! missing, times sometimes malformed (`10:044`) or out of order, the text
//! before the first turn a description, and adverts read into the recording
//! (`Hi, it's Marc again…`) marked so they are never quoted.

use super::{TranscriptMeta, Turn, TurnKind, Warning, clock, speaker_of};
use crate::text;

/// Reads the turns of a transcript in this layout, and the text before them.
pub(super) fn parse(
    path: &str,
    input: &str,
    meta: &TranscriptMeta,
    warnings: &mut Vec<Warning>,
) -> (String, Vec<Turn>) {
    let mut description = String::new();
    let mut turns: Vec<Turn> = Vec::new();
    let mut unknown_labels: Vec<String> = Vec::new();
    for (index, raw) in input.lines().enumerate() {
        let no = index + 1;
        let line = raw.trim();
        if line.is_empty() {
            continue;
        }
        match split_turn(line) {
            Some(head) => {
                if !head.colon {
                    warnings.push(Warning::new(
                        path,
                        no,
                        &format!("no colon after the time in the turn of {}; read as a turn", head.label),
                    ));
                }
                let at = read_time(head.time);
                match at {
                    TimeRead::Exact(_) => {}
                    TimeRead::Repaired(secs) => warnings.push(Warning::new(
                        path,
                        no,
                        &format!("malformed time `{}`, read as {}", head.time, clock(secs)),
                    )),
                    TimeRead::Unreadable => warnings.push(Warning::new(
                        path,
                        no,
                        &format!("unreadable time `{}`; the turn is kept without a time", head.time),
                    )),
                }
                let at = at.seconds();
                if let (Some(now), Some(prev)) = (at, turns.iter().rev().find_map(|t| t.at))
                    && now < prev
                {
                    warnings.push(Warning::new(
                        path,
                        no,
                        &format!("time goes back from {} to {}; kept as written", clock(prev), clock(now)),
                    ));
                }
                if !meta.people.contains_key(head.label) && !unknown_labels.iter().any(|l| l == head.label) {
                    unknown_labels.push(head.label.to_string());
                    warnings.push(Warning::new(
                        path,
                        no,
                        &format!(
                            "`{}` is not in the transcript's metadata; their turns are attributed to that name alone",
                            head.label
                        ),
                    ));
                }
                let speaker = speaker_of(head.label, meta);
                let kind = if is_advert(head.label, head.text) { TurnKind::Advert } else { TurnKind::Speech };
                turns.push(Turn {
                    label: head.label.to_string(),
                    speaker,
                    at,
                    at_label: head.time.to_string(),
                    line: no,
                    text: head.text.to_string(),
                    kind,
                    marks: Vec::new(),
                });
            }
            None => super::continue_last(&mut turns, &mut description, line),
        }
    }
    if turns.is_empty() {
        warnings.push(Warning::new(
            path,
            1,
            "no turns found: not a layout emcee reads (`Name (mm:ss): text`, `H:MM:SS **Name** text`, SubRip, WebVTT, Whisper JSON)",
        ));
    }
    (description, turns)
}

struct TurnHead<'a> {
    label: &'a str,
    time: &'a str,
    colon: bool,
    text: &'a str,
}

/// `Name (mm:ss): text`, the colon optional. The name is one to four words
/// starting with a capital letter.
fn split_turn(line: &str) -> Option<TurnHead<'_>> {
    let open = line.find(" (")?;
    let label = &line[..open];
    let words: Vec<&str> = label.split_whitespace().collect();
    if words.is_empty()
        || words.len() > 4
        || !label.chars().next().is_some_and(char::is_uppercase)
        || !label.chars().all(|c| c.is_alphabetic() || c == ' ' || c == '.' || c == '-' || c == '\'')
    {
        return None;
    }
    let rest = &line[open + 2..];
    let close = rest.find(')')?;
    let time = &rest[..close];
    if time.is_empty() || !time.chars().all(|c| c.is_ascii_digit() || c == ':') || !time.contains(':') {
        return None;
    }
    let after = &rest[close + 1..];
    let (colon, text) = match after.strip_prefix(':') {
        Some(t) => (true, t),
        None => (false, after),
    };
    Some(TurnHead { label, time, colon, text: text.trim() })
}

pub(super) enum TimeRead {
    Exact(u32),
    Repaired(u32),
    Unreadable,
}

impl TimeRead {
    pub(super) fn seconds(&self) -> Option<u32> {
        match *self {
            TimeRead::Exact(s) | TimeRead::Repaired(s) => Some(s),
            TimeRead::Unreadable => None,
        }
    }
}

/// Reads `mm:ss` or `h:mm:ss`. A field with extra leading digits (`044`) is
/// read by its value when that value still fits (44 seconds).
pub(super) fn read_time(time: &str) -> TimeRead {
    let parts: Vec<&str> = time.split(':').collect();
    if parts.len() < 2 || parts.len() > 3 || parts.iter().any(|p| p.is_empty() || p.len() > 3) {
        return TimeRead::Unreadable;
    }
    let mut total = 0u32;
    let mut repaired = false;
    for (i, part) in parts.iter().enumerate() {
        let Ok(value) = part.parse::<u32>() else { return TimeRead::Unreadable };
        let first = i == 0;
        if !first && (value >= 60 || part.len() != 2) {
            if value >= 60 {
                return TimeRead::Unreadable;
            }
            repaired = true;
        }
        total = total * 60 + value;
    }
    if repaired { TimeRead::Repaired(total) } else { TimeRead::Exact(total) }
}

/// A promotion read into the recording: the host greets the listener again,
/// or hands back to the show.
fn is_advert(label: &str, text: &str) -> bool {
    let folded = text::fold(text);
    let again = format!("hi its {} again", text::fold(label));
    folded.starts_with(&again)
        || folded.contains("now back to the show")
        || folded.contains("this episode is brought to you by")
        || folded.contains("this episode is sponsored by")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kb::transcript::{Layout, Transcript, parse_meta, parse_transcript, passages};
    use crate::seed::{META, TRANSCRIPT as SEED};

    fn seed() -> (Transcript, Vec<Warning>) {
        let mut warnings = Vec::new();
        let meta = parse_meta("m.toml", META).unwrap();
        let t = parse_transcript("sauna.txt", SEED, meta, &mut warnings);
        assert_eq!(t.layout, Layout::Seed);
        (t, warnings)
    }

    fn turn_at<'a>(t: &'a Transcript, label: &str) -> &'a Turn {
        t.turns.iter().find(|turn| turn.at_label == label).unwrap()
    }

    #[test]
    fn reports_every_quirk_of_the_seed_with_its_line() {
        let (_, warnings) = seed();
        let got: Vec<String> = warnings.iter().map(|w| format!("{}: {}", w.line, w.message)).collect();
        expect_test::expect![[r#"
            [
                "7: no colon after the time in the turn of Kelsey; read as a turn",
                "33: malformed time `10:044`, read as 10:44",
                "103: time goes back from 38:44 to 38:17; kept as written",
            ]
        "#]]
        .assert_debug_eq(&got);
    }

    #[test]
    fn reads_the_seed_turns() {
        let (t, _) = seed();
        assert!(t.description.starts_with("With almost 20 years of experience"));
        assert_eq!(t.turns.len(), 57);
        let cold_open = &t.turns[1];
        assert_eq!((cold_open.speaker.as_str(), cold_open.at), ("Kelsey Hightower", Some(10)));
        assert!(cold_open.text.starts_with("The trick is: you have to be patient"));
        let andy = turn_at(&t, "10:044");
        assert_eq!((andy.speaker.as_str(), andy.at), ("Andy Allred", Some(644)));
        let advert = t.turns.iter().find(|turn| turn.text.starts_with("Hi, it's Marc again")).unwrap();
        assert_eq!((advert.kind, advert.speaker.as_str()), (TurnKind::Advert, "Marc Dillon"));
        assert_eq!(t.turns.iter().filter(|t| t.kind == TurnKind::Advert).count(), 1);
        let intro = t.turns.iter().find(|turn| turn.text.starts_with("My name is Andy Allred")).unwrap();
        assert_eq!(intro.speaker, "Andy Allred");
    }

    #[test]
    fn loses_no_text() {
        let (t, _) = seed();
        let squash = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
        let mut rebuilt = vec![t.description.clone()];
        for turn in &t.turns {
            let mut text = String::new();
            for p in passages(&turn.text) {
                text.push_str(p);
                text.push(' ');
            }
            assert_eq!(squash(&text), squash(&turn.text), "passages of the turn at {}", turn.at_label);
            rebuilt.push(text);
        }
        let source: String =
            SEED.lines().filter_map(|l| split_turn(l.trim()).map(|h| h.text).or(Some(l))).collect::<Vec<_>>().join(" ");
        assert_eq!(squash(&rebuilt.join(" ")), squash(&source));
    }

    #[test]
    fn never_gives_a_host_the_guests_words() {
        let (t, _) = seed();
        for turn in &t.turns {
            let expected = match turn.label.as_str() {
                "Kelsey" => "Kelsey Hightower",
                "Marc" => "Marc Dillon",
                "Andy" => "Andy Allred",
                other => panic!("unexpected label {other}"),
            };
            assert_eq!(turn.speaker, expected, "line {}", turn.line);
        }
    }

    #[test]
    fn splits_passages_of_one_to_three_sentences() {
        let p = passages("One. Two. Three. Four.");
        assert_eq!(p, ["One. Two. Three.", "Four."]);
        let long = format!("{}. Short.", "word ".repeat(80));
        assert_eq!(passages(&long).len(), 2);
    }

    fn check_time(input: &str, expected: Option<u32>) {
        assert_eq!(read_time(input).seconds(), expected, "{input}");
    }

    #[test]
    fn reads_times() {
        check_time("00:04", Some(4));
        check_time("1:02:03", Some(3723));
        check_time("10:044", Some(644));
        check_time("10:99", None);
        check_time("ab:cd", None);
        check_time("12", None);
    }

    #[test]
    fn turns_need_a_name_and_a_time() {
        assert!(split_turn("Kelsey (00:10) The trick").is_some());
        assert!(split_turn("I said (see 10:00) that").is_none());
        assert!(split_turn("the crowd (00:10): hi").is_none());
        assert!(split_turn("Marc (see below): hi").is_none());
    }
}
