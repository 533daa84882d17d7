//! A [`Reply`] as a Discord message: an embed, with session times as
//! Discord timestamps (`<t:UNIX:t>`) so each reader sees their own zone,
//! `allowed_mentions` empty so nothing in it pings anyone, the Markdown of
//! everything the bot did not write escaped ([`super::markdown`]), and
//! Discord's limits kept by cutting with a note.

use super::markdown::{escape, escape_keeping_code};
use emcee_core::command::CommandKind;
use emcee_core::reply::{QuoteBlock, Reply, SessionItem, SourceKind, Status};
use serenity::all::{
    ButtonStyle, CreateActionRow, CreateAllowedMentions, CreateButton, CreateEmbed, CreateEmbedFooter,
    CreateInteractionResponseMessage, CreateMessage,
};

pub const CONTENT_MAX: usize = 2_000;
pub const TITLE_MAX: usize = 256;
pub const DESCRIPTION_MAX: usize = 4_096;
pub const FIELDS_MAX: usize = 25;
pub const FIELD_NAME_MAX: usize = 256;
pub const FIELD_VALUE_MAX: usize = 1_024;
pub const FOOTER_MAX: usize = 2_048;
pub const EMBED_TOTAL_MAX: usize = 6_000;
pub const CUSTOM_ID_MAX: usize = 100;

const COLOUR: u32 = 0x5865F2;
const COLOUR_PROBLEM: u32 = 0xED4245;

/// The "another quote" button's id: `quote:SHOWN:SEED:LINE`.
pub const ANOTHER_QUOTE: &str = "quote";
/// The custom id of a person picked from an ambiguous name: `choose:LINE`.
pub const CHOOSE: &str = "choose";
/// The custom id of a reply's offer ([`emcee_core::reply::Offer`]): `offer:TOKEN`.
pub const OFFER: &str = "offer";
/// The custom id of a session's agenda button: `agenda:add:ID` or `agenda:remove:ID`.
pub const AGENDA: &str = "agenda";
/// Buttons in one action row, rows in one message, and characters of a button's label.
const BUTTONS_PER_ROW: usize = 5;
const ROWS_MAX: usize = 5;
const BUTTON_LABEL_MAX: usize = 80;

/// Cuts `text` to `max` characters (Discord counts characters), with a
/// note, never inside a `<t:…>` timestamp.
pub fn cut(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    const NOTE: &str = " … (cut to fit Discord)";
    let keep = max.saturating_sub(NOTE.chars().count());
    let end = text.char_indices().nth(keep).map(|(i, _)| i).unwrap_or(text.len());
    let head = &text[..end];
    let end = head.rfind("<t:").filter(|&at| !head[at..].contains('>')).unwrap_or(end);
    format!("{}{NOTE}", &text[..end])
}

/// A timestamp each reader sees in their own zone: `t` time, `f` date and
/// time, `R` relative.
fn stamp(at: jiff::Timestamp, style: char) -> String {
    format!("<t:{}:{style}>", at.as_second())
}

fn session_value(session: &SessionItem) -> String {
    let mut value =
        format!("{} – {} ({})", stamp(session.start, 'f'), stamp(session.end, 't'), stamp(session.start, 'R'));
    value.push_str(&format!("\n{}", escape(&session.room)));
    if !session.speakers.is_empty() {
        value.push_str(&format!(" · {}", escape(&session.speakers.join(", "))));
    }
    if let Some(track) = &session.track {
        value.push_str(&format!(" · {}", escape(track)));
    }
    if let Some(url) = &session.url {
        value.push_str(&format!("\n{}", escape(url)));
    }
    if let Some(recording) = &session.recording {
        value.push_str(&format!("\nRecording: {}", escape(recording)));
    }
    if let Some(note) = &session.note {
        value.push_str(&format!("\n⚠ {}", escape(note)));
    }
    value
}

fn quote_text(quote: &QuoteBlock) -> String {
    let mut text = String::new();
    for (run, matched) in quote.runs() {
        match matched {
            true => text.push_str(&format!("**{}**", escape(run))),
            false => text.push_str(&escape(run)),
        }
    }
    format!("> {}", text.replace('\n', "\n> "))
}

/// The parts of an embed, cut to Discord's limits, before they become a builder.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Parts {
    pub title: Option<String>,
    pub url: Option<String>,
    pub description: String,
    pub fields: Vec<(String, String)>,
    pub footer: Option<String>,
    pub problem: bool,
}

impl Parts {
    fn total(&self) -> usize {
        let count = |s: &str| s.chars().count();
        self.title.as_deref().map(count).unwrap_or(0)
            + count(&self.description)
            + self.fields.iter().map(|(n, v)| count(n) + count(v)).sum::<usize>()
            + self.footer.as_deref().map(count).unwrap_or(0)
    }
}

/// Lays the reply out as one embed.
pub fn parts(reply: &Reply) -> Parts {
    let mut description = Vec::new();
    if !reply.body.trim().is_empty() {
        // The bot writes commands as code among the data; code is inert. An
        // audience question is someone's words alone: escaped whole.
        let body = reply.body.trim_end();
        description.push(if reply.post { escape(body) } else { escape_keeping_code(body) }.into_owned());
    }
    if let Some(quote) = &reply.quote {
        description.push(quote_text(quote));
    }
    if let Some(asked) = reply.did_you_mean() {
        description.push(escape(&asked).into_owned());
    }
    // The asker's own id as Discord writes a person (an embed never pings).
    if let Some(asker) = reply.asker.as_ref().filter(|id| !id.is_empty() && id.chars().all(|c| c.is_ascii_digit())) {
        description.push(format!("Asked by <@{asker}>"));
    }
    let mut fields: Vec<(String, String)> = reply
        .fields
        .iter()
        .map(|f| (cut(&escape(&f.name), FIELD_NAME_MAX), cut(&escape_keeping_code(&f.value), FIELD_VALUE_MAX)))
        .filter(|(n, v)| !n.trim().is_empty() && !v.trim().is_empty())
        .collect();
    fields.extend(reply.sessions.iter().map(|s| {
        // Discord refuses a field whose name or value is blank.
        let title = if s.title.trim().is_empty() { "Session" } else { s.title.as_str() };
        (cut(&escape(title), FIELD_NAME_MAX), cut(&session_value(s), FIELD_VALUE_MAX))
    }));
    // Footers are plain text on Discord: nothing in them is read as Markdown.
    let footer = match &reply.quote {
        Some(quote) => {
            let mut text = match &quote.speaker {
                Some(speaker) => format!("{speaker} · {}", quote.source),
                None => format!("From {}", quote.source),
            };
            if let Some(at) = &quote.at {
                text.push_str(&format!(" · {at}"));
            }
            Some(text)
        }
        None => {
            let sources: Vec<String> = reply
                .sources
                .iter()
                .filter(|s| s.kind != SourceKind::Schedule)
                .map(|s| {
                    let mut text = s.title.clone();
                    if let Some(at) = &s.at {
                        text.push_str(&format!(" ({at})"));
                    }
                    text
                })
                .collect();
            (!sources.is_empty()).then(|| format!("Source: {}", sources.join("; ")))
        }
    };
    let mut parts = Parts {
        title: reply.title.as_deref().map(|t| cut(&escape(t), TITLE_MAX)),
        url: reply.url.clone().filter(|u| u.starts_with("https://") || u.starts_with("http://")),
        description: cut(&description.join("\n\n"), DESCRIPTION_MAX),
        fields,
        footer: footer.map(|f| cut(&f, FOOTER_MAX)),
        problem: matches!(reply.status, Status::Invalid | Status::Error | Status::Denied),
    };
    // Fields beyond the count or the total are dropped with a note.
    let mut dropped = 0;
    while parts.fields.len() > FIELDS_MAX || (parts.total() > EMBED_TOTAL_MAX - 120 && !parts.fields.is_empty()) {
        parts.fields.pop();
        dropped += 1;
    }
    if dropped > 0 {
        parts.fields.pop();
        dropped += 1;
        parts.fields.push((
            String::from("…"),
            format!("and {dropped} more that do not fit in one message; ask for fewer, e.g. `/talks today` or a room."),
        ));
    }
    if parts.total() > EMBED_TOTAL_MAX {
        let over = parts.total() - EMBED_TOTAL_MAX;
        let keep = parts.description.chars().count().saturating_sub(over + 30);
        parts.description = cut(&parts.description, keep);
    }
    parts
}

fn embed(parts: &Parts) -> CreateEmbed {
    let mut embed = CreateEmbed::new().colour(if parts.problem { COLOUR_PROBLEM } else { COLOUR });
    if let Some(title) = &parts.title {
        embed = embed.title(title);
    }
    if let Some(url) = &parts.url {
        embed = embed.url(url);
    }
    if !parts.description.is_empty() {
        embed = embed.description(&parts.description);
    }
    for (name, value) in &parts.fields {
        embed = embed.field(name, value, false);
    }
    if let Some(footer) = &parts.footer {
        embed = embed.footer(CreateEmbedFooter::new(footer));
    }
    embed
}

/// The embed for `reply`.
pub fn embed_for(reply: &Reply) -> CreateEmbed {
    embed(&parts(reply))
}

/// Whether only the asker sees the reply: errors, refusals, organiser
/// results and the asker's own agenda.
pub fn ephemeral(reply: &Reply) -> bool {
    let spec = reply.command.spec();
    spec.organisers_only || spec.personal || matches!(reply.status, Status::Invalid | Status::Error | Status::Denied)
}

/// The buttons under a reply: each person an ambiguous or unknown name
/// could be, to pick (`choose:LINE`); or "another quote" for a quote
/// answered `shown` times with `seed`, whose next answer is the next best,
/// or for a random quote the pick of the next seed; and an "Add" (in the
/// reader's agenda, "Remove") for each session shown, as many as fit, or
/// "Ask" for one taking audience questions.
fn buttons(reply: &Reply, line: &str, shown: usize, seed: u64) -> Vec<CreateActionRow> {
    let choices: Vec<CreateButton> = reply
        .suggestions
        .iter()
        .zip(&reply.choices)
        .map(|(name, line)| (name, format!("{CHOOSE}:{line}")))
        .filter(|(_, id)| id.chars().count() <= CUSTOM_ID_MAX)
        .take(BUTTONS_PER_ROW * ROWS_MAX)
        .map(|(name, id)| CreateButton::new(id).label(cut(name, BUTTON_LABEL_MAX)).style(ButtonStyle::Secondary))
        .collect();
    if !choices.is_empty() {
        return choices.chunks(BUTTONS_PER_ROW).map(|row| CreateActionRow::Buttons(row.to_vec())).collect();
    }
    let mut rows = Vec::new();
    // Something offered that is not a command (to be named with a question passed on).
    if let Some(offer) = &reply.offer {
        let id = format!("{OFFER}:{}", offer.token);
        if id.chars().count() <= CUSTOM_ID_MAX {
            rows.push(CreateActionRow::Buttons(vec![
                CreateButton::new(id).label(cut(&offer.label, BUTTON_LABEL_MAX)).style(ButtonStyle::Secondary),
            ]));
        }
    }
    let id = format!("{ANOTHER_QUOTE}:{}:{:x}:{line}", shown + 1, seed.wrapping_add(1));
    if reply.command == CommandKind::Quote && reply.status == Status::Ok && id.chars().count() <= CUSTOM_ID_MAX {
        rows.push(CreateActionRow::Buttons(vec![
            CreateButton::new(id).label("Another quote").style(ButtonStyle::Secondary),
        ]));
    }
    // An agenda button for each session shown, in the rows left; a session
    // taking audience questions has an Ask button instead.
    let (label, verb) = if reply.command == CommandKind::Agenda { ("Remove", "remove") } else { ("Add", "add") };
    let agenda: Vec<CreateButton> = reply
        .sessions
        .iter()
        .map(|s| match s.asking {
            true => (s, "Ask", format!("{}{}", emcee_core::engine::qa::ASK_TOKEN, s.id)),
            false => (s, label, format!("{AGENDA}:{verb}:{}", s.id)),
        })
        .filter(|(_, _, id)| id.chars().count() <= CUSTOM_ID_MAX)
        .take(BUTTONS_PER_ROW * (ROWS_MAX - rows.len()))
        .map(|(s, label, id)| {
            let title = if s.title.trim().is_empty() { "session" } else { s.title.as_str() };
            let style = if s.asking { ButtonStyle::Primary } else { ButtonStyle::Secondary };
            CreateButton::new(id).label(cut(&format!("{label}: {title}"), BUTTON_LABEL_MAX)).style(style)
        })
        .collect();
    rows.extend(agenda.chunks(BUTTONS_PER_ROW).map(|row| CreateActionRow::Buttons(row.to_vec())));
    rows
}

/// The interaction response message for `reply` to `line`, answered
/// `shown` times before with random picks drawn by `seed`.
pub fn message(reply: &Reply, line: &str, shown: usize, seed: u64) -> CreateInteractionResponseMessage {
    CreateInteractionResponseMessage::new()
        .embed(embed(&parts(reply)))
        .allowed_mentions(CreateAllowedMentions::new())
        .ephemeral(ephemeral(reply))
        .components(buttons(reply, line, shown, seed))
}

/// An audience question's post in a channel: its embed and **Upvote**.
pub fn post(question: &Reply) -> CreateMessage {
    let (embed, components) = post_parts(question);
    CreateMessage::new().embed(embed).components(components).allowed_mentions(CreateAllowedMentions::new())
}

/// The embed and buttons of an audience question's post.
pub fn post_parts(question: &Reply) -> (CreateEmbed, Vec<CreateActionRow>) {
    (embed_for(question), buttons(question, "", 0, 0))
}

/// A short text answer (autocomplete failures, refusals before dispatch),
/// which may echo what was typed.
pub fn notice(text: &str) -> CreateInteractionResponseMessage {
    CreateInteractionResponseMessage::new()
        .content(cut(&escape_keeping_code(text), CONTENT_MAX))
        .allowed_mentions(CreateAllowedMentions::new())
        .ephemeral(true)
}

/// An announcement for a channel.
pub fn announcement(announcement: &crate::announcer::Announcement) -> CreateMessage {
    use crate::announcer::Kind;
    let (title, room) = (escape(&announcement.title), escape(&announcement.room));
    let when = format!("{} ({})", stamp(announcement.start, 'f'), stamp(announcement.start, 'R'));
    let text = match announcement.kind {
        Kind::Reminder => format!("⏰ **Starting soon** {}: **{title}** in {room}", stamp(announcement.start, 'R')),
        Kind::Added => format!("🆕 **New session**: **{title}** — {when}, {room}"),
        Kind::Moved => format!("🔁 **Moved**: **{title}** is now {when}, {room}"),
        Kind::Cancelled => format!("❌ **Cancelled**: ~~{title}~~ ({when}, {room})"),
    };
    CreateMessage::new().content(cut(&text, CONTENT_MAX)).allowed_mentions(CreateAllowedMentions::new())
}

/// A direct message about a session of the reader's agenda, with its time
/// in the reader's own zone.
pub fn personal(message: &crate::announcer::Personal) -> CreateMessage {
    let text = format!(
        "{}\n*{}: {} ({})*",
        escape(&message.text),
        escape(&message.title),
        stamp(message.start, 'f'),
        stamp(message.start, 'R')
    );
    CreateMessage::new().content(cut(&text, CONTENT_MAX)).allowed_mentions(CreateAllowedMentions::new())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cuts_by_characters_and_never_inside_a_timestamp() {
        assert_eq!(cut("ééé", 3), "ééé");
        let text = format!("{}<t:1667290500:t> and more", "x".repeat(20));
        let cut_text = cut(&text, 40);
        assert!(cut_text.chars().count() <= 40 && !cut_text.contains("<t"), "{cut_text}");
    }
}
