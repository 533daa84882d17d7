//! A [`Reply`] as a Slack message: Block Kit for the eye, plain text for
//! notifications. Every piece of text from the knowledge base or a user is
//! escaped (`&`, `<`, `>`), so nothing in it can become a mention or a link;
//! the only `<…>` sequences are the links and dates made here. Slack's
//! limits (3,000 characters a section, 2,000 a field, 10 fields, 50 blocks)
//! are kept by cutting with a note.

use emcee_core::command::CommandKind;
use emcee_core::reply::{QuoteBlock, Reply, SessionItem, Status};
use jiff::Timestamp;
use jiff::tz::TimeZone;
use serde::{Deserialize, Serialize};
use slack_morphism::prelude::*;

pub const SECTION_MAX: usize = 3_000;
pub const FIELD_MAX: usize = 2_000;
pub const FIELDS_MAX: usize = 10;
pub const BLOCKS_MAX: usize = 50;
pub const CONTEXT_ELEMENTS_MAX: usize = 10;
/// Slack cuts a message's `text` here.
pub const TEXT_MAX: usize = 40_000;
/// Longest notification text sent; the blocks carry the whole answer.
const FALLBACK_MAX: usize = 3_000;
pub const BUTTON_VALUE_MAX: usize = 2_000;

/// What a button asks for again: a command line, how many answers to it
/// were shown, and the seed a random pick was drawn with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Again {
    #[serde(rename = "l")]
    pub line: String,
    #[serde(rename = "n")]
    pub shown: usize,
    #[serde(rename = "s")]
    pub seed: u64,
}

pub const ANOTHER_QUOTE: &str = "another_quote";
pub const SHARE: &str = "share";
/// The action id of a reply's offer ([`emcee_core::reply::Offer`]); its
/// value is the offer's token.
pub const OFFER: &str = "offer";
/// The start of the action id of each person offered for an ambiguous
/// name (`choose-0`, `choose-1`, …: ids are unique within a block).
pub const CHOOSE: &str = "choose";
/// The start of the action id of a session's "Add to my agenda" or
/// "Remove" button (`agenda-0`, …); its value is the `/agenda` line.
pub const AGENDA: &str = "agenda";
/// The start of the action id of a session's **Ask the speaker** button
/// (`qa_ask-0`, …), in place of its agenda button while it takes audience
/// questions; its value is the session's id.
pub const QA_ASK: &str = "qa_ask";
/// The most choices offered as buttons.
const CHOICES_MAX: usize = 5;
/// Slack shows at most this much of a button's label.
const LABEL_MAX: usize = 75;

/// Escapes text for Slack's `mrkdwn`: `&`, `<` and `>` only, as Slack asks.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
    out
}

/// A link whose label and address cannot break out of it.
fn link(url: &str, label: &str) -> String {
    let label = escape(label).replace('|', "¦");
    if url.starts_with("https://") || url.starts_with("http://") {
        format!("<{}|{label}>", escape(url).replace('|', "%7C"))
    } else {
        label
    }
}

/// A time each reader sees in their own zone, with the conference's as fallback.
fn date(at: Timestamp, format: &str, zone: &TimeZone, fallback_format: &str) -> String {
    let fallback = at.to_zoned(zone.clone()).strftime(fallback_format).to_string();
    format!("<!date^{}^{format}|{}>", at.as_second(), escape(&fallback))
}

/// `Tue, Nov 1 09:15–10:00` in the reader's zone.
fn session_time(session: &SessionItem, zone: &TimeZone) -> String {
    format!(
        "{} {}–{}",
        date(session.start, "{date_short_pretty}", zone, "%a %-d %b"),
        date(session.start, "{time}", zone, "%H:%M %Z"),
        date(session.end, "{time}", zone, "%H:%M %Z"),
    )
}

/// Cuts `text` (already escaped mrkdwn) to `max` bytes with a note, never
/// inside a `<…>` token or an `&…;` entity.
pub fn cut(text: &str, max: usize) -> String {
    if text.len() <= max {
        return text.to_string();
    }
    const NOTE: &str = " … (cut to fit Slack)";
    let mut end = max.saturating_sub(NOTE.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let head = &text[..end];
    let open_token = head.rfind('<').filter(|&at| head[at..].find('>').is_none());
    let open_entity = head.rfind('&').filter(|&at| head[at..].find(';').is_none() && head.len() - at < 6);
    let end = [open_token, open_entity].into_iter().flatten().min().unwrap_or(end);
    format!("{}{NOTE}", &text[..end])
}

fn mrkdwn(text: String) -> SlackBlockText {
    SlackBlockText::MarkDown(SlackBlockMarkDownText::new(text))
}

fn section(text: String) -> SlackBlock {
    SlackSectionBlock::new().with_text(mrkdwn(cut(&text, SECTION_MAX))).into()
}

fn context(parts: Vec<String>) -> SlackBlock {
    let elements = parts
        .into_iter()
        .take(CONTEXT_ELEMENTS_MAX)
        .map(|p| SlackContextBlockElement::MarkDown(SlackBlockMarkDownText::new(cut(&p, FIELD_MAX))))
        .collect();
    SlackContextBlock::new(elements).into()
}

/// The quote with the matched words in bold.
fn quote_text(quote: &QuoteBlock) -> String {
    let mut text = String::new();
    for (run, matched) in quote.runs() {
        let run = escape(run);
        if matched && !run.trim().is_empty() && !run.contains('*') {
            text.push_str(&format!("*{run}*"));
        } else {
            text.push_str(&run);
        }
    }
    // Each line of a block quote needs its own marker.
    format!("&gt; {}", text.replace('\n', "\n&gt; "))
}

fn quote_context(quote: &QuoteBlock) -> Vec<String> {
    let mut parts = match &quote.speaker {
        Some(speaker) => vec![format!("— *{}*", escape(speaker)), escape(&quote.source)],
        None => vec![format!("— from {}", escape(&quote.source))],
    };
    if let Some(at) = &quote.at {
        parts.push(match &quote.url {
            Some(url) => link(url, at),
            None => escape(at),
        });
    } else if let Some(url) = &quote.url {
        parts.push(link(url, "listen"));
    }
    vec![parts.join(" · ")]
}

/// A session; with `agenda`, the button that adds it to the reader's
/// agenda or removes it from it.
fn session_block(session: &SessionItem, zone: &TimeZone, agenda: Option<SlackSectionBlockElement>) -> SlackBlock {
    let title = match &session.url {
        Some(url) => format!("*{}*", link(url, &session.title)),
        None => format!("*{}*", escape(&session.title)),
    };
    let mut fields = vec![
        mrkdwn(cut(&format!("*When*\n{}", session_time(session, zone)), FIELD_MAX)),
        mrkdwn(cut(&format!("*Where*\n{}", escape(&session.room)), FIELD_MAX)),
    ];
    if !session.speakers.is_empty() {
        fields.push(mrkdwn(cut(&format!("*Who*\n{}", escape(&session.speakers.join(", "))), FIELD_MAX)));
    }
    if let Some(track) = &session.track {
        fields.push(mrkdwn(cut(&format!("*Track*\n{}", escape(track)), FIELD_MAX)));
    }
    if let Some(recording) = &session.recording {
        fields.push(mrkdwn(cut(&format!("*Recording*\n{}", link(recording, "watch")), FIELD_MAX)));
    }
    if let Some(note) = &session.note {
        fields.push(mrkdwn(cut(&format!("*Note*\n{}", escape(note)), FIELD_MAX)));
    }
    let block = SlackSectionBlock::new().with_text(mrkdwn(cut(&title, SECTION_MAX))).with_fields(fields);
    match agenda {
        Some(button) => block.with_accessory(button).into(),
        None => block.into(),
    }
}

/// The button beside a session in a reply to a command: "Ask the speaker"
/// while it takes audience questions, else "Remove" in the reader's
/// agenda, "Add to my agenda" anywhere else.
fn agenda_button(reply: &Reply, session: &SessionItem, index: usize, seed: u64) -> Option<SlackSectionBlockElement> {
    if session.asking {
        return Some(SlackSectionBlockElement::Button(
            SlackBlockButtonElement::new(SlackBlockPlainTextOnly::from(SlackBlockPlainText::from("Ask the speaker")))
                .with_action_id(format!("{QA_ASK}-{index}").into())
                .with_value(session.id.clone())
                .with_style(SlackBlockButtonStyle::Primary),
        ));
    }
    let (label, verb) =
        if reply.command == CommandKind::Agenda { ("Remove", "remove") } else { ("Add to my agenda", "add") };
    let again = Again { line: format!("/agenda {verb} {}", session.id), shown: 0, seed };
    let value = serde_json::to_string(&again).ok().filter(|v| v.len() <= BUTTON_VALUE_MAX)?;
    Some(SlackSectionBlockElement::Button(
        SlackBlockButtonElement::new(SlackBlockPlainTextOnly::from(SlackBlockPlainText::from(label)))
            .with_action_id(format!("{AGENDA}-{index}").into())
            .with_value(value),
    ))
}

/// How a reply is shown: who sees it, and which buttons it carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shape {
    /// Only the asker sees it.
    pub ephemeral: bool,
}

/// Whether a reply goes only to the asker: errors, refusals, organiser
/// results and the asker's own agenda always; answers as the workspace chose.
pub fn ephemeral(reply: &Reply, answers_in_channel: bool) -> bool {
    let spec = reply.command.spec();
    let organiser = spec.organisers_only || spec.personal;
    let failed = matches!(reply.status, Status::Invalid | Status::Error | Status::Denied);
    organiser || failed || !answers_in_channel
}

/// The message for `reply`; `again` is what its buttons ask for.
pub fn message(reply: &Reply, shape: Shape, again: Option<&Again>) -> SlackMessageContent {
    let zone = reply.time_zone.clone().unwrap_or(TimeZone::UTC);
    let mut blocks: Vec<SlackBlock> = Vec::new();
    if let Some(title) = &reply.title {
        blocks.push(section(match &reply.url {
            Some(url) => format!("*{}*", link(url, title)),
            None => format!("*{}*", escape(title)),
        }));
    }
    for paragraph in reply.body.split("\n\n").filter(|p| !p.trim().is_empty()) {
        blocks.push(section(escape(paragraph.trim_end())));
    }
    if let Some(quote) = &reply.quote {
        blocks.push(section(quote_text(quote)));
        blocks.push(context(quote_context(quote)));
    }
    for chunk in reply.fields.chunks(FIELDS_MAX) {
        let fields = chunk
            .iter()
            .map(|f| mrkdwn(cut(&format!("*{}*\n{}", escape(&f.name), escape(&f.value)), FIELD_MAX)))
            .collect();
        blocks.push(SlackSectionBlock::new().with_fields(fields).into());
    }
    let mut tail: Vec<SlackBlock> = Vec::new();
    if let Some(asked) = reply.did_you_mean() {
        tail.push(context(vec![escape(&asked)]));
    }
    // The asker's own id as Slack writes a person, never anything else.
    if let Some(asker) =
        reply.asker.as_ref().filter(|id| !id.is_empty() && id.chars().all(|c| c.is_ascii_alphanumeric()))
    {
        tail.push(context(vec![format!("Asked by <@{asker}>")]));
    }
    if reply.quote.is_none() && !reply.sessions.is_empty() {
        tail.push(context(vec![format!(
            "Times are shown in your time zone; the conference is in {}.",
            zone_name(&zone)
        )]));
    }
    if reply.quote.is_none() {
        let sources: Vec<String> = reply
            .sources
            .iter()
            .filter(|s| s.kind != emcee_core::reply::SourceKind::Schedule)
            .map(|s| {
                let mut text = match &s.url {
                    Some(url) => link(url, &s.title),
                    None => escape(&s.title),
                };
                if let Some(speaker) = &s.speaker {
                    text.push_str(&format!(" · {}", escape(speaker)));
                }
                if let Some(at) = &s.at {
                    text.push_str(&format!(" · {}", escape(at)));
                }
                text
            })
            .collect();
        if !sources.is_empty() {
            tail.push(context(vec![format!("Source: {}", sources.join("; "))]));
        }
    }
    if let Some(actions) = buttons(reply, shape, again) {
        tail.push(actions);
    }
    // Sessions fill what room is left, with a note for those that did not fit.
    let room = BLOCKS_MAX.saturating_sub(blocks.len() + tail.len());
    let sessions = reply.sessions.len();
    if sessions > 0 {
        let shown = if sessions > room { room.saturating_sub(1) } else { sessions };
        blocks.extend(reply.sessions.iter().take(shown).enumerate().map(|(i, s)| {
            let button = again.and_then(|again| agenda_button(reply, s, i, again.seed));
            session_block(s, &zone, button)
        }));
        if shown < sessions {
            blocks.push(context(vec![format!(
                "… and {} more sessions that do not fit in one message; ask for fewer, e.g. `/talks today` or a room.",
                sessions - shown
            )]));
        }
    }
    blocks.truncate(BLOCKS_MAX - tail.len().min(BLOCKS_MAX));
    blocks.extend(tail);
    blocks.truncate(BLOCKS_MAX);
    let text = cut(&escape(&emcee_core::render::plain_text(reply, emcee_core::render::Marks::NONE)), FALLBACK_MAX);
    SlackMessageContent::new().with_text(text).with_blocks(blocks)
}

/// The App Home tab for `reply` (the person's agenda): the message's blocks,
/// with its agenda buttons (a question is asked in a channel, where it is
/// posted), under Slack's 100 blocks of a Home view.
pub fn home(reply: &Reply, again: &Again) -> Vec<SlackBlock> {
    let mut reply = reply.clone();
    reply.sessions.iter_mut().for_each(|s| s.asking = false);
    message(&reply, Shape { ephemeral: true }, Some(again)).blocks.unwrap_or_default()
}

/// An announcement: the kind in bold, the session's time in each reader's zone.
pub fn announcement(announcement: &crate::announcer::Announcement) -> SlackMessageContent {
    use crate::announcer::Kind;
    let when = date(announcement.start, "{date_short_pretty} {time}", &TimeZone::UTC, "%a %-d %b %H:%M UTC");
    let (title, room) = (escape(&announcement.title), escape(&announcement.room));
    let text = match announcement.kind {
        Kind::Reminder => format!(
            ":alarm_clock: *Starting soon* ({}): *{title}* in {room}",
            date(announcement.start, "{time}", &TimeZone::UTC, "%H:%M UTC")
        ),
        Kind::Added => format!(":new: *New session*: *{title}* — {when}, {room}"),
        Kind::Moved => format!(":arrows_counterclockwise: *Moved*: *{title}* is now {when}, {room}"),
        Kind::Cancelled => format!(":x: *Cancelled*: ~{title}~ ({when}, {room})"),
    };
    SlackMessageContent::new()
        .with_text(cut(&escape(&announcement.text), FALLBACK_MAX))
        .with_blocks(vec![section(text)])
}

/// A direct message about a session of the reader's agenda: the text,
/// escaped, with the session's time in the reader's own zone.
pub fn personal(message: &crate::announcer::Personal) -> SlackMessageContent {
    let when = date(message.start, "{date_short_pretty} {time}", &TimeZone::UTC, "%a %-d %b %H:%M UTC");
    let text = format!("{}\n_{}: {when}_", escape(&message.text), escape(&message.title));
    SlackMessageContent::new().with_text(cut(&escape(&message.text), FALLBACK_MAX)).with_blocks(vec![section(text)])
}

fn zone_name(zone: &TimeZone) -> String {
    escape(zone.iana_name().unwrap_or("UTC"))
}

fn buttons(reply: &Reply, shape: Shape, again: Option<&Again>) -> Option<SlackBlock> {
    let again = again?;
    let mut elements = Vec::new();
    // Each person an ambiguous or unknown name could be, to pick.
    for (i, (name, line)) in reply.suggestions.iter().zip(&reply.choices).take(CHOICES_MAX).enumerate() {
        let pick = Again { line: line.clone(), shown: 0, seed: again.seed };
        elements.extend(button(&cut(name, LABEL_MAX), &format!("{CHOOSE}-{i}"), &pick));
    }
    if let Some(offer) = reply.offer.as_ref().filter(|o| o.token.len() <= BUTTON_VALUE_MAX) {
        elements.push(
            SlackBlockButtonElement::new(SlackBlockPlainTextOnly::from(SlackBlockPlainText::from(cut(
                &offer.label,
                LABEL_MAX,
            ))))
            .with_action_id(OFFER.into())
            .with_value(offer.token.clone())
            .into(),
        );
    }
    let quote = reply.command == CommandKind::Quote && reply.status == Status::Ok;
    if quote {
        // The next best quote, or for a random one the pick of the next seed.
        let next = Again { shown: again.shown + 1, seed: again.seed.wrapping_add(1), ..again.clone() };
        elements.push(button("Another quote", ANOTHER_QUOTE, &next)?);
    }
    let shareable = matches!(reply.status, Status::Ok)
        && !matches!(
            reply.command,
            CommandKind::Schedule | CommandKind::Stats | CommandKind::Help | CommandKind::Agenda
        );
    if shape.ephemeral && shareable {
        elements.push(button("Share in channel", SHARE, again)?);
    }
    (!elements.is_empty()).then(|| SlackActionsBlock::new(elements).into())
}

fn button(label: &str, action: &str, again: &Again) -> Option<SlackActionBlockElement> {
    let value = serde_json::to_string(again).ok().filter(|v| v.len() <= BUTTON_VALUE_MAX)?;
    Some(
        SlackBlockButtonElement::new(SlackBlockPlainTextOnly::from(SlackBlockPlainText::from(label)))
            .with_action_id(action.into())
            .with_value(value)
            .into(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_what_could_mention_or_link() {
        assert_eq!(escape("<!channel> & <@U1>"), "&lt;!channel&gt; &amp; &lt;@U1&gt;");
        assert_eq!(link("https://a.example/?q=1&r=2", "x|y>"), "<https://a.example/?q=1&amp;r=2|x¦y&gt;>");
        assert_eq!(link("javascript:alert(1)", "x"), "x");
    }

    #[test]
    fn cuts_outside_tokens_and_entities() {
        let text = format!("{}<!date^1^{{time}}|09:00> &amp; more", "a".repeat(20));
        let cut_text = cut(&text, 45);
        assert!(cut_text.len() <= 45, "{cut_text}");
        assert!(cut_text.starts_with(&"a".repeat(20)) && !cut_text.contains('<'), "{cut_text}");
        let entity = format!("{}&amp;{}", "b".repeat(26), "c".repeat(40));
        let cut_text = cut(&entity, 50);
        assert!(!cut_text.contains('&'), "{cut_text}");
        assert_eq!(cut("short", 10), "short");
    }
}
