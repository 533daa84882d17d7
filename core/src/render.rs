//! Plain-text rendering of a [`Reply`]: the terminal's output, the `text` of
//! `emcee ask --json`, and the fallback text the chat adapters send with
//! their rich replies. Session times are shown in the conference's zone,
//! with the zone named. Control characters in the data are shown escaped
//! ([`escape_controls`]): what reaches a terminal never drives it.

use std::borrow::Cow;
use std::fmt::Write as _;

use jiff::Timestamp;
use jiff::tz::TimeZone;

use crate::reply::{Reply, SessionItem};

/// How matched words are marked: the terminal uses bold, scripts get none.
#[derive(Debug, Clone, Copy, Default)]
pub struct Marks {
    pub open: &'static str,
    pub close: &'static str,
}

impl Marks {
    pub const NONE: Marks = Marks { open: "", close: "" };
    pub const ANSI_BOLD: Marks = Marks { open: "\x1b[1m", close: "\x1b[22m" };
}

/// Text from the programme, the knowledge base or a user, made safe to show
/// on a terminal: control characters (C0 but line feed and tab, DEL, C1)
/// are written as escapes (`\x1b`, `\u{9b}`) rather than sent, so that data
/// cannot move the cursor, recolour, retitle or otherwise drive the
/// operator's terminal.
pub fn escape_controls(text: &str) -> Cow<'_, str> {
    // C1 controls are U+0080–U+009F, which UTF-8 writes as 0xC2 0x80–0x9F.
    let suspect = |b: u8| (b < 0x20 && b != b'\n' && b != b'\t') || b == 0x7f || b == 0xc2;
    if !text.bytes().any(suspect) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        match c {
            '\n' | '\t' => out.push(c),
            c if c.is_control() && c < '\u{80}' => {
                let _ = write!(out, "\\x{:02x}", u32::from(c));
            }
            c if c.is_control() => {
                let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// Renders the reply as plain text.
pub fn plain_text(reply: &Reply, marks: Marks) -> String {
    let mut out = String::new();
    // Every block but the quote, whose runs are escaped before they are marked.
    let mut block = |text: &str, escaped: bool| {
        if text.trim().is_empty() {
            return;
        }
        if !out.is_empty() {
            out.push_str("\n\n");
        }
        match escaped {
            true => out.push_str(text.trim_end()),
            false => out.push_str(&escape_controls(text.trim_end())),
        }
    };
    if let Some(title) = &reply.title {
        let text = match &reply.url {
            Some(url) => format!("{title} <{url}>"),
            None => title.clone(),
        };
        block(&text, false);
    }
    block(&reply.body, false);
    if let Some(quote) = &reply.quote {
        let mut text = String::new();
        for (run, matched) in quote.runs() {
            let run = escape_controls(run);
            match matched {
                true => text.push_str(&format!("{}{run}{}", marks.open, marks.close)),
                false => text.push_str(&run),
            }
        }
        let mut cite = format!("— {}", quote.attribution());
        if let Some(at) = &quote.at {
            cite.push_str(&format!(" ({at})"));
        }
        if let Some(url) = &quote.url {
            cite.push_str(&format!(" <{url}>"));
        }
        block(&format!("“{text}”\n{}", escape_controls(&cite)), true);
    }
    if !reply.fields.is_empty() {
        let lines: Vec<String> = reply
            .fields
            .iter()
            .map(|f| match f.value.contains('\n') {
                false => format!("{}: {}", f.name, f.value),
                true => {
                    let indented: Vec<String> = f
                        .value
                        .lines()
                        .map(|line| if line.is_empty() { String::new() } else { format!("  {line}") })
                        .collect();
                    format!("{}:\n{}", f.name, indented.join("\n"))
                }
            })
            .collect();
        block(&lines.join("\n"), false);
    }
    if !reply.sessions.is_empty() {
        let zone = reply.time_zone.clone().unwrap_or(TimeZone::UTC);
        let lines: Vec<String> = reply.sessions.iter().map(|s| session_line(s, &zone)).collect();
        block(&lines.join("\n"), false);
    }
    if let Some(asked) = reply.did_you_mean() {
        block(&asked, false);
    }
    if let Some(asker) = &reply.asker {
        block(&format!("Asked by {asker}"), false);
    }
    // A quote carries its own citation; the programme is not cited.
    if reply.quote.is_none() {
        let sources: Vec<String> = reply
            .sources
            .iter()
            .filter(|s| s.kind != crate::reply::SourceKind::Schedule)
            .map(|s| {
                let mut text = s.title.clone();
                for part in [&s.speaker, &s.at].into_iter().flatten() {
                    text.push_str(&format!(" · {part}"));
                }
                if let Some(url) = &s.url {
                    text.push_str(&format!(" <{url}>"));
                }
                text
            })
            .collect();
        if !sources.is_empty() {
            block(&format!("Source: {}", sources.join("; ")), false);
        }
    }
    out
}

/// `Tue 1 Nov 09:15–10:00 CET · Main Stage · Title — Speaker`.
pub fn session_line(session: &SessionItem, zone: &TimeZone) -> String {
    let mut line = format!("{} · {} · {}", time_span(session.start, session.end, zone), session.room, session.title);
    if !session.speakers.is_empty() {
        line.push_str(&format!(" — {}", session.speakers.join(", ")));
    }
    if let Some(recording) = &session.recording {
        line.push_str(&format!(" (recording: <{recording}>)"));
    }
    if let Some(note) = &session.note {
        line.push_str(&format!(" [{note}]"));
    }
    line
}

/// `Tue 1 Nov 09:15–10:00 CET`, in the given zone.
pub fn time_span(start: Timestamp, end: Timestamp, zone: &TimeZone) -> String {
    let start = start.to_zoned(zone.clone());
    let end = end.to_zoned(zone.clone());
    let end_text = match (start.date() == end.date(), start.year() == end.year()) {
        (true, _) => end.strftime("%H:%M").to_string(),
        (false, true) => end.strftime("%a %-d %b %H:%M").to_string(),
        (false, false) => end.strftime("%a %-d %b %Y %H:%M").to_string(),
    };
    let (start_label, end_label) = (zone_label(&start), zone_label(&end));
    if start_label == end_label {
        format!("{}–{} {}", start.strftime("%a %-d %b %H:%M"), end_text, end_label)
    } else {
        // Daylight saving time began or ended during the session.
        format!("{} {}–{} {}", start.strftime("%a %-d %b %H:%M"), start_label, end_text, end_label)
    }
}

/// The zone's abbreviation where it has one (`CET`), else its offset (`UTC+01:00`).
fn zone_label(at: &jiff::Zoned) -> String {
    let abbreviation = at.strftime("%Z").to_string();
    if abbreviation.starts_with(['+', '-']) || abbreviation.is_empty() {
        format!("UTC{}", at.offset())
    } else {
        abbreviation
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::command::CommandKind;
    use crate::reply::{QuoteBlock, Status};

    #[test]
    fn shows_control_characters_escaped_and_keeps_its_own_marks() {
        let check = |text: &str, expected: &str| assert_eq!(escape_controls(text), expected, "{text:?}");
        check("plain, ümlaut, © and\ttabs\nlines", "plain, ümlaut, © and\ttabs\nlines");
        check("\x1b]0;owned\x07title\r", "\\x1b]0;owned\\x07title\\x0d");
        check("nul\0del\x7fcsi\u{9b}2J", "nul\\x00del\\x7fcsi\\u{9b}2J");

        let mut reply = Reply::message(CommandKind::Quote, Status::Ok, "body \x1b[2J");
        reply.quote = Some(QuoteBlock {
            text: String::from("say \x1b[31mred"),
            speaker: Some(String::from("Ana\x1b[0m")),
            source: String::from("Show"),
            at: None,
            url: None,
            highlights: vec![0..3, 9..12],
        });
        assert_eq!(
            plain_text(&reply, Marks::ANSI_BOLD),
            "body \\x1b[2J\n\n“\x1b[1msay\x1b[22m \\x1b[31m\x1b[1mred\x1b[22m”\n— Ana\\x1b[0m, Show"
        );
    }
}
