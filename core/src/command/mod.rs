//! Command lines as users type them, parsed into [`Command`]s.
//!
//! ```text
//! /bio <speaker>
//! /quote [topic] [speaker:<name>|speaker:"full name"]
//! /talks [now|next|today|tomorrow|<date>|<speaker>|<room>|<track>|<text>]
//! /ask <question>          (text without a leading `/` is a question too)
//! /help [command]
//! /stats [since]           (organisers: 90m, 24h, 7d, 2w, a date, or all)
//! /schedule import <url>   (organisers)
//! /schedule add title="…" start=2022-11-01T10:00 duration=00:30 room="Room 2" [speakers="A; B"]
//! /schedule cancel <id or title>
//! /schedule post [day]
//! /transcript import <url> [session=ID] [speakers="A; B"] [title="…"] [recording=URL]   (organisers)
//! /faq [topic]             the organisers' FAQ; /faq import <url> (organisers)
//! /agenda [show]           my sessions; /agenda add|remove <session>,
//! /agenda remind <minutes>|off, /agenda feed [reset], /agenda forget
//! /qa ask [session:<title>] [name:yes] <question>, /qa top [session], /qa vote <id>
//! /qa answered|hide|pin|remove <id>, /qa room <room>|off   (organisers;
//!     answered, hide and pin also the session's linked speakers)
//! /qa speaker <speaker> <account>|off                        (organisers)
//! ```
//!
//! Every platform hands its input to [`parse`] as one line; Discord's options
//! and Slack's command text are joined into the same grammar by the adapters.
//! Which names and aliases are commands is the [`catalogue`]'s to say.

pub mod catalogue;

use serde::Serialize;

pub use catalogue::{CATALOGUE, CommandSpec};

/// Longest input accepted; longer is refused rather than searched.
pub const MAX_INPUT_CHARS: usize = 1_000;

/// A parsed command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    Bio { speaker: String },
    Quote { topic: Option<String>, speaker: Option<String> },
    Talks { query: Option<String> },
    Ask { question: String },
    Help { topic: Option<String> },
    Stats { since: Option<String> },
    Schedule(ScheduleCommand),
    Transcript(TranscriptCommand),
    Agenda(AgendaCommand),
    Faq(FaqCommand),
    Qa(QaCommand),
}

/// `/qa`: the audience's questions for a session's speakers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QaCommand {
    /// A question for the session on now in the channel's room, or the
    /// one `session` names; `named`: shown with the asker's name.
    Ask { question: String, session: Option<String>, named: bool },
    /// The top questions of a session: the one `session` names, or the
    /// latest in the channel's room.
    Top { session: Option<String> },
    /// One vote for a question, or, pressed again, the vote taken back.
    /// `pressed`: by the question's own **Upvote**, whose reply replaces
    /// the post with its count (a typed `/qa vote` never is).
    Vote { id: i64, pressed: bool },
    /// Organisers: mark a question answered, hide it, pin it or remove it.
    Mark { id: i64, mark: QaMark },
    /// Organisers: tie the channel to a room (`None`: untie it).
    Room { room: Option<String> },
    /// Organisers: let the platform account `account` (a mention or a
    /// member ID, as typed: [`crate::engine::qa::account_id`]) mark the
    /// questions of `speaker`'s sessions; `None`: no account may any more.
    Speaker { speaker: String, account: Option<String> },
}

/// What an organiser marks a question as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum QaMark {
    Answered,
    /// Hidden from the list, kept with who hid it.
    Hidden,
    /// Shown above the others.
    Pinned,
    /// Taken down wherever it was posted.
    Removed,
}

impl QaMark {
    /// As stored and exported.
    pub fn as_str(self) -> &'static str {
        match self {
            QaMark::Answered => "answered",
            QaMark::Hidden => "hidden",
            QaMark::Pinned => "pinned",
            QaMark::Removed => "removed",
        }
    }
}

/// `/faq`: the organisers' FAQ, for everyone; its import, for organisers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FaqCommand {
    /// The questions, or the entries on a topic.
    Show { topic: Option<String> },
    /// Replace the FAQ with the page at an address.
    Import { source: String },
}

/// Each person's own `/agenda`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AgendaCommand {
    /// My sessions in time order, the next first.
    Show,
    /// Add a session, by id, title or a fragment of it.
    Add {
        session: String,
    },
    Remove {
        session: String,
    },
    /// Minutes before each session to be reminded; `None` for no reminders.
    Remind {
        minutes: Option<u32>,
    },
    /// My private calendar address; `reset` revokes the old one.
    Feed {
        reset: bool,
    },
    /// Forget my favourites, reminder setting and calendar address.
    Forget,
}

/// The longest reminder lead a person may ask for, in minutes (a day).
pub const MAX_REMIND_MINUTES: u32 = 24 * 60;

/// The organisers' `/transcript` commands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TranscriptCommand {
    /// Add a transcript from an address; `fields` are the `key=value`
    /// pairs after it (session, speakers, title, recording), as typed.
    Import { source: String, fields: Vec<(String, String)> },
}

/// The organisers' `/schedule` commands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScheduleCommand {
    /// Import a published programme from a URL.
    Import { source: String },
    /// Add one session; the values as typed, checked by the engine.
    Add { fields: Vec<(String, String)> },
    /// Cancel a session by id or title.
    Cancel { session: String },
    /// The programme of a day (today by default), by room.
    Post { day: Option<String> },
}

/// The command families, as logged and as scripts see them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum CommandKind {
    Bio,
    Quote,
    Talks,
    Ask,
    Help,
    Schedule,
    Transcript,
    Stats,
    Agenda,
    Faq,
    Qa,
}

impl CommandKind {
    /// The command's name, as logged and as scripts see it.
    pub fn as_str(self) -> &'static str {
        self.spec().name
    }
}

impl Command {
    /// The same command about another person, as a line to run: what an
    /// ambiguous or unknown name's suggestions offer. `None` for commands
    /// about no one.
    pub fn about(&self, person: &str) -> Option<String> {
        let quoted = person.replace('"', "'");
        match self {
            Command::Bio { .. } | Command::Ask { .. } => Some(format!("/bio {person}")),
            Command::Quote { topic: Some(topic), .. } => Some(format!("/quote {topic} speaker:\"{quoted}\"")),
            Command::Quote { topic: None, .. } => Some(format!("/quote speaker:\"{quoted}\"")),
            Command::Talks { .. } => Some(format!("/talks {person}")),
            _ => None,
        }
    }

    pub fn kind(&self) -> CommandKind {
        match self {
            Command::Bio { .. } => CommandKind::Bio,
            Command::Quote { .. } => CommandKind::Quote,
            Command::Talks { .. } => CommandKind::Talks,
            Command::Ask { .. } => CommandKind::Ask,
            Command::Help { .. } => CommandKind::Help,
            Command::Stats { .. } => CommandKind::Stats,
            Command::Schedule(_) => CommandKind::Schedule,
            Command::Transcript(_) => CommandKind::Transcript,
            Command::Agenda(_) => CommandKind::Agenda,
            Command::Faq(_) => CommandKind::Faq,
            Command::Qa(_) => CommandKind::Qa,
        }
    }
}

/// Why a line is not a command; the message is for the user.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct ParseError {
    /// The command it was meant to be, for logging and for the reply's kind.
    pub kind: CommandKind,
    pub message: String,
}

fn invalid(kind: CommandKind, message: impl Into<String>) -> ParseError {
    ParseError { kind, message: message.into() }
}

/// `line` as the usage log keeps it: with no platform account in it, since
/// the log keys people and never holds their ids. A mention (`<@…>`)
/// becomes `@someone`, and the account `/qa speaker` links becomes
/// `<account>`.
pub fn for_the_log(line: &str) -> String {
    let mut words: Vec<&str> = line.split(' ').collect();
    let given: Vec<String> = words.iter().filter(|w| !w.is_empty()).map(|w| w.to_ascii_lowercase()).collect();
    let speaker = given.len() > 3 && given[0] == "/qa" && given[1] == "speaker";
    if speaker
        && let Some(last) = words.iter_mut().rev().find(|w| !w.is_empty())
        && !["off", "none"].contains(&last.to_ascii_lowercase().as_str())
    {
        *last = "<account>";
    }
    let mut logged = words.join(" ");
    while let Some(start) = logged.find("<@") {
        let end = logged[start..].find('>').map_or(logged.len(), |at| start + at + 1);
        logged.replace_range(start..end, "@someone");
    }
    logged
}

/// Parses one line of user input.
pub fn parse(input: &str) -> Result<Command, ParseError> {
    let input = input.trim();
    if input.chars().count() > MAX_INPUT_CHARS {
        return Err(invalid(
            CommandKind::Ask,
            format!("That is too long: keep it under {MAX_INPUT_CHARS} characters."),
        ));
    }
    let Some(line) = input.strip_prefix('/') else {
        if input.is_empty() {
            return Err(invalid(CommandKind::Help, "Ask me something, or try /help."));
        }
        return Ok(Command::Ask { question: input.to_string() });
    };
    let (name, rest) = match line.split_once(char::is_whitespace) {
        Some((name, rest)) => (name, rest.trim()),
        None => (line, ""),
    };
    let rest = (!rest.is_empty()).then(|| rest.to_string());
    if name.is_empty() {
        return Err(invalid(CommandKind::Help, "A command name goes after the `/`. Try /help."));
    }
    let Some(spec) = catalogue::find(name) else {
        let name = name.to_ascii_lowercase();
        return Err(invalid(CommandKind::Help, format!("There is no /{name} command. Try /help.")));
    };
    match spec.kind {
        CommandKind::Bio => match rest {
            Some(speaker) => Ok(Command::Bio { speaker }),
            None => Err(invalid(CommandKind::Bio, "Whose bio? Try `/bio kelsey`.")),
        },
        CommandKind::Quote => parse_quote(rest.as_deref().unwrap_or("")),
        CommandKind::Talks => Ok(Command::Talks { query: rest }),
        CommandKind::Ask => match rest {
            Some(question) => Ok(Command::Ask { question }),
            None => Err(invalid(CommandKind::Ask, "Ask what? Try `/ask when is the keynote?`.")),
        },
        CommandKind::Stats => Ok(Command::Stats { since: rest }),
        CommandKind::Schedule => parse_schedule(rest.as_deref().unwrap_or("")),
        CommandKind::Transcript => parse_transcript(rest.as_deref().unwrap_or("")),
        CommandKind::Agenda => parse_agenda(rest.as_deref().unwrap_or("")),
        CommandKind::Faq => parse_faq(rest.as_deref().unwrap_or("")),
        CommandKind::Qa => parse_qa(rest.as_deref().unwrap_or("")),
        CommandKind::Help => Ok(Command::Help { topic: rest.map(|t| t.trim_start_matches('/').to_ascii_lowercase()) }),
    }
}

/// How the `/schedule` verbs are written, from the catalogue: "Use `a`, `b` or `c`."
fn schedule_usage() -> String {
    let usages: Vec<String> =
        CommandKind::Schedule.spec().subcommands.iter().map(|sub| format!("`{}`", sub.usage)).collect();
    match usages.split_last() {
        Some((last, [])) => format!("Use {last}."),
        Some((last, rest)) => format!("Use {} or {last}.", rest.join(", ")),
        None => String::new(),
    }
}

/// `/schedule import|add|cancel|post …`.
fn parse_schedule(args: &str) -> Result<Command, ParseError> {
    let (verb, rest) = match args.split_once(char::is_whitespace) {
        Some((verb, rest)) => (verb, rest.trim()),
        None => (args, ""),
    };
    let need = |what: &str| invalid(CommandKind::Schedule, format!("{what} {}", schedule_usage()));
    let command = match verb.to_ascii_lowercase().as_str() {
        "import" if !rest.is_empty() => ScheduleCommand::Import { source: rest.to_string() },
        "import" => return Err(need("Import from where?")),
        "add" => ScheduleCommand::Add { fields: key_values(rest).map_err(|e| need(&e.to_string()))? },
        "cancel" if !rest.is_empty() => ScheduleCommand::Cancel { session: rest.to_string() },
        "cancel" => return Err(need("Cancel which session?")),
        "post" => ScheduleCommand::Post { day: (!rest.is_empty()).then(|| rest.to_string()) },
        "" => return Err(need("What should I do with the schedule?")),
        other => return Err(need(&format!("`{other}` is not a schedule command."))),
    };
    Ok(Command::Schedule(command))
}

/// `/agenda [show|add|remove|remind|feed|forget] …`.
fn parse_agenda(args: &str) -> Result<Command, ParseError> {
    let (verb, rest) = args.split_once(char::is_whitespace).map_or((args, ""), |(v, r)| (v, r.trim()));
    let usages: Vec<String> =
        CommandKind::Agenda.spec().subcommands.iter().map(|sub| format!("`{}`", sub.usage)).collect();
    let need = |what: &str| invalid(CommandKind::Agenda, format!("{what} Use {}.", usages.join(", ")));
    let command = match verb.to_ascii_lowercase().as_str() {
        "" | "show" if rest.is_empty() => AgendaCommand::Show,
        "add" if !rest.is_empty() => AgendaCommand::Add { session: rest.to_string() },
        "remove" if !rest.is_empty() => AgendaCommand::Remove { session: rest.to_string() },
        "add" | "remove" => return Err(need("Which session? Give its title or a part of it.")),
        "remind" => match rest.to_ascii_lowercase().as_str() {
            "off" | "never" | "0" => AgendaCommand::Remind { minutes: None },
            text => match ["minutes", "minute", "mins", "min", "m"]
                .iter()
                .find_map(|unit| text.strip_suffix(unit))
                .unwrap_or(text)
                .trim()
                .parse::<u32>()
            {
                Ok(minutes) if (1..=MAX_REMIND_MINUTES).contains(&minutes) => {
                    AgendaCommand::Remind { minutes: Some(minutes) }
                }
                _ => {
                    return Err(invalid(
                        CommandKind::Agenda,
                        format!(
                            "`{rest}` is not a number of minutes from 1 to {MAX_REMIND_MINUTES}, or `off`. \
                             Try `/agenda remind 10`."
                        ),
                    ));
                }
            },
        },
        "feed" => match rest.to_ascii_lowercase().as_str() {
            "" => AgendaCommand::Feed { reset: false },
            "reset" => AgendaCommand::Feed { reset: true },
            _ => return Err(need(&format!("`/agenda feed` takes only `reset`, not `{rest}`."))),
        },
        "forget" if rest.is_empty() => AgendaCommand::Forget,
        "show" | "forget" => return Err(need(&format!("`/agenda {verb}` takes nothing after it."))),
        other => return Err(need(&format!("`{other}` is not an agenda command."))),
    };
    Ok(Command::Agenda(command))
}

/// `/faq [show] [topic]` or `/faq import <url>`.
fn parse_faq(args: &str) -> Result<Command, ParseError> {
    let (verb, rest) = args.split_once(char::is_whitespace).map_or((args, ""), |(v, r)| (v, r.trim()));
    let topic = |text: &str| (!text.is_empty()).then(|| text.to_string());
    let command = match verb.to_ascii_lowercase().as_str() {
        "import" if !rest.is_empty() => FaqCommand::Import { source: rest.to_string() },
        "import" => {
            let usage = CommandKind::Faq.spec().subcommands.iter().find(|s| s.name == "import").map(|s| s.usage);
            return Err(invalid(
                CommandKind::Faq,
                format!("Import from where? Use `{}`.", usage.unwrap_or("/faq import <url>")),
            ));
        }
        "show" => FaqCommand::Show { topic: topic(rest) },
        _ => FaqCommand::Show { topic: topic(args) },
    };
    Ok(Command::Faq(command))
}

/// `/transcript import <url> [key=value …]`.
fn parse_transcript(args: &str) -> Result<Command, ParseError> {
    let usage = CommandKind::Transcript.spec().usage;
    let need = |what: &str| invalid(CommandKind::Transcript, format!("{what} Use `{usage}`."));
    let (verb, rest) = args.split_once(char::is_whitespace).map_or((args, ""), |(v, r)| (v, r.trim()));
    if !verb.eq_ignore_ascii_case("import") {
        return Err(need("What should I do with a transcript?"));
    }
    let (source, pairs) = rest.split_once(char::is_whitespace).map_or((rest, ""), |(s, p)| (s, p.trim()));
    if source.is_empty() || source.contains('=') {
        return Err(need("Import from where?"));
    }
    let fields = key_values(pairs).map_err(|e| need(&e.to_string()))?;
    Ok(Command::Transcript(TranscriptCommand::Import { source: source.to_string(), fields }))
}

/// Why `/schedule add`'s text is not `key=value` pairs.
#[derive(Debug, thiserror::Error)]
enum PairError {
    #[error("`{0}` is not key=value.")]
    NotAPair(String),
    #[error("the value of `{0}` has no closing quote.")]
    Unclosed(String),
}

/// `key=value key="quoted value"` pairs.
fn key_values(text: &str) -> Result<Vec<(String, String)>, PairError> {
    let mut pairs = Vec::new();
    let mut rest = text.trim();
    while !rest.is_empty() {
        let Some((key, after)) = rest.split_once('=') else {
            return Err(PairError::NotAPair(rest.to_string()));
        };
        let key = key.trim().to_ascii_lowercase();
        if key.is_empty() || key.contains(char::is_whitespace) {
            return Err(PairError::NotAPair(rest.split_whitespace().next().unwrap_or(rest).to_string()));
        }
        let (value, remaining) = if let Some(quoted) = after.strip_prefix('"') {
            match quoted.find('"') {
                Some(end) => (&quoted[..end], &quoted[end + 1..]),
                None => return Err(PairError::Unclosed(key)),
            }
        } else {
            let end = after.find(char::is_whitespace).unwrap_or(after.len());
            (&after[..end], &after[end..])
        };
        pairs.push((key, value.trim().to_string()));
        rest = remaining.trim_start();
    }
    Ok(pairs)
}

/// `/quote [topic] [speaker:<name>]`: the `speaker:` option takes one word or
/// a quoted name and may stand anywhere; the remaining words are the topic.
fn parse_quote(args: &str) -> Result<Command, ParseError> {
    let mut speaker = None;
    let mut topic = String::new();
    let mut rest = args;
    while !rest.is_empty() {
        let Some(pos) = find_speaker_option(rest) else {
            topic.push_str(rest);
            break;
        };
        topic.push_str(&rest[..pos]);
        let value = &rest[pos + "speaker:".len()..];
        let (name, after) = if let Some(quoted) = value.strip_prefix('"') {
            match quoted.find('"') {
                Some(end) => (&quoted[..end], &quoted[end + 1..]),
                None => (quoted, ""),
            }
        } else {
            let end = value.find(char::is_whitespace).unwrap_or(value.len());
            (&value[..end], &value[end..])
        };
        let name = name.trim();
        if name.is_empty() {
            return Err(invalid(
                CommandKind::Quote,
                "Whose quote? Write `speaker:kelsey` or `speaker:\"Kelsey Hightower\"`.",
            ));
        }
        if speaker.replace(name.to_string()).is_some() {
            return Err(invalid(CommandKind::Quote, "Name one speaker at a time."));
        }
        topic.push(' ');
        rest = after;
    }
    let topic = topic.split_whitespace().collect::<Vec<_>>().join(" ");
    Ok(Command::Quote { topic: (!topic.is_empty()).then_some(topic), speaker })
}

/// Where a `speaker:` option starts, at a word boundary, in any case.
fn find_speaker_option(text: &str) -> Option<usize> {
    find_option(text, "speaker:")
}

/// Where `key` (with its `:`) starts in `text`, at a word boundary, in any case.
fn find_option(text: &str, key: &str) -> Option<usize> {
    let lower = text.to_ascii_lowercase();
    let mut from = 0;
    while let Some(found) = lower[from..].find(key) {
        let at = from + found;
        if at == 0 || lower.as_bytes()[at - 1].is_ascii_whitespace() {
            return Some(at);
        }
        from = at + 1;
    }
    None
}

/// `text` without its `key:value` option (a word, or a quoted phrase), and
/// the value; `None` when it has none.
fn take_option(text: &str, key: &str) -> (String, Option<String>) {
    let Some(at) = find_option(text, key) else { return (text.to_string(), None) };
    let value = &text[at + key.len()..];
    let (taken, after) = match value.strip_prefix('"') {
        Some(quoted) => quoted.find('"').map_or((quoted, ""), |end| (&quoted[..end], &quoted[end + 1..])),
        None => value.split_at(value.find(char::is_whitespace).unwrap_or(value.len())),
    };
    let rest = format!("{} {}", &text[..at], after);
    (rest.split_whitespace().collect::<Vec<_>>().join(" "), Some(taken.trim().to_string()))
}

/// `/qa ask|top|vote|answered|hide|pin|remove|room|speaker …`.
fn parse_qa(args: &str) -> Result<Command, ParseError> {
    let (verb, rest) = args.split_once(char::is_whitespace).map_or((args, ""), |(v, r)| (v, r.trim()));
    let spec = CommandKind::Qa.spec();
    let usage_of = |name: &str| spec.subcommands.iter().find(|s| s.name == name).map_or(spec.usage, |s| s.usage);
    let need = |what: &str, name: &str| invalid(CommandKind::Qa, format!("{what} Use `{}`.", usage_of(name)));
    let id = |name: &str| match rest.trim_start_matches('#').parse::<i64>() {
        Ok(id) if id > 0 => Ok(id),
        _ => Err(need("Which question? Give the number shown with it.", name)),
    };
    let verb = verb.to_ascii_lowercase();
    let command = match verb.as_str() {
        "ask" => {
            let (rest, session) = take_option(rest, "session:");
            let (question, name) = take_option(&rest, "name:");
            let named = match name.as_deref().map(str::to_ascii_lowercase).as_deref() {
                None | Some("no" | "false" | "off") => false,
                Some("yes" | "true" | "on") => true,
                Some(other) => return Err(need(&format!("`name:{other}` is not yes or no."), "ask")),
            };
            if session.as_deref() == Some("") {
                return Err(need("Which session? Write `session:\"its title\"`.", "ask"));
            }
            if question.is_empty() {
                return Err(need("Ask what?", "ask"));
            }
            QaCommand::Ask { question, session, named }
        }
        "top" | "" => QaCommand::Top { session: (!rest.is_empty()).then(|| rest.to_string()) },
        "vote" | "upvote" => QaCommand::Vote { id: id("vote")?, pressed: false },
        "answered" => QaCommand::Mark { id: id("answered")?, mark: QaMark::Answered },
        "hide" => QaCommand::Mark { id: id("hide")?, mark: QaMark::Hidden },
        "pin" => QaCommand::Mark { id: id("pin")?, mark: QaMark::Pinned },
        "remove" => QaCommand::Mark { id: id("remove")?, mark: QaMark::Removed },
        "speaker" => {
            let (speaker, account) = rest.rsplit_once(char::is_whitespace).unwrap_or((rest, ""));
            let speaker = speaker.trim().trim_matches('"').trim().to_string();
            if speaker.is_empty() || account.is_empty() {
                return Err(need("Which speaker, and whose account?", "speaker"));
            }
            let account = match account.to_ascii_lowercase().as_str() {
                "off" | "none" => None,
                _ => Some(account.to_string()),
            };
            QaCommand::Speaker { speaker, account }
        }
        "room" => match rest {
            "" => return Err(need("Which room?", "room")),
            "off" | "none" => QaCommand::Room { room: None },
            room => QaCommand::Room { room: Some(room.to_string()) },
        },
        other => {
            let verbs: Vec<&str> = spec.subcommands.iter().map(|s| s.name).collect();
            return Err(invalid(CommandKind::Qa, format!("`{other}` is not a /qa command: use {}.", verbs.join(", "))));
        }
    };
    Ok(Command::Qa(command))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(input: &str, expected: expect_test::Expect) {
        expected.assert_eq(&format!("{:?}", parse(input)));
    }

    #[test]
    fn parses_commands() {
        use expect_test::expect;
        check("/bio kelsey", expect![[r#"Ok(Bio { speaker: "kelsey" })"#]]);
        check("  /BIO   Kelsey Hightower ", expect![[r#"Ok(Bio { speaker: "Kelsey Hightower" })"#]]);
        check("/bio", expect![[r#"Err(ParseError { kind: Bio, message: "Whose bio? Try `/bio kelsey`." })"#]]);
        check("/quote", expect!["Ok(Quote { topic: None, speaker: None })"]);
        check("/quote wasm speaker:kelsey", expect![[r#"Ok(Quote { topic: Some("wasm"), speaker: Some("kelsey") })"#]]);
        check(
            r#"/quote speaker:"Andy Allred" sleep   routines"#,
            expect![[r#"Ok(Quote { topic: Some("sleep routines"), speaker: Some("Andy Allred") })"#]],
        );
        check("/quote Speaker:marc", expect![[r#"Ok(Quote { topic: None, speaker: Some("marc") })"#]]);
        check("/quote myspeaker:x", expect![[r#"Ok(Quote { topic: Some("myspeaker:x"), speaker: None })"#]]);
        check(
            "/quote speaker:",
            expect![[
                r#"Err(ParseError { kind: Quote, message: "Whose quote? Write `speaker:kelsey` or `speaker:\"Kelsey Hightower\"`." })"#
            ]],
        );
        check(
            "/quote speaker:a speaker:b",
            expect![[r#"Err(ParseError { kind: Quote, message: "Name one speaker at a time." })"#]],
        );
        check("/talks", expect!["Ok(Talks { query: None })"]);
        check("/talks next", expect![[r#"Ok(Talks { query: Some("next") })"#]]);
        check("when is the keynote?", expect![[r#"Ok(Ask { question: "when is the keynote?" })"#]]);
        check("/ask who is Kelsey?", expect![[r#"Ok(Ask { question: "who is Kelsey?" })"#]]);
        check("/help /quote", expect![[r#"Ok(Help { topic: Some("quote") })"#]]);
        check("/stats 24h", expect![[r#"Ok(Stats { since: Some("24h") })"#]]);
        check("/schedule post tomorrow", expect![[r#"Ok(Schedule(Post { day: Some("tomorrow") }))"#]]);
        check(
            "/schedule import https://example.org/schedule.json",
            expect![[r#"Ok(Schedule(Import { source: "https://example.org/schedule.json" }))"#]],
        );
        check(
            r#"/schedule add title="Lightning talks" start=2022-11-01T17:00 duration=00:45 room="Room 2""#,
            expect![[
                r#"Ok(Schedule(Add { fields: [("title", "Lightning talks"), ("start", "2022-11-01T17:00"), ("duration", "00:45"), ("room", "Room 2")] }))"#
            ]],
        );
        check(
            "/schedule cancel Sample: Closing panel",
            expect![[r#"Ok(Schedule(Cancel { session: "Sample: Closing panel" }))"#]],
        );
        check(
            r#"/schedule add title="open"#,
            expect![[
                r#"Err(ParseError { kind: Schedule, message: "the value of `title` has no closing quote. Use `/schedule import <url>`, `/schedule add title=\"…\" start=2022-11-01T10:00 duration=00:30 room=\"Room 2\"`, `/schedule cancel <id or title>` or `/schedule post [day]`." })"#
            ]],
        );
        check(
            "/schedule dance",
            expect![[
                r#"Err(ParseError { kind: Schedule, message: "`dance` is not a schedule command. Use `/schedule import <url>`, `/schedule add title=\"…\" start=2022-11-01T10:00 duration=00:30 room=\"Room 2\"`, `/schedule cancel <id or title>` or `/schedule post [day]`." })"#
            ]],
        );
        check(
            "/frobnicate",
            expect![[r#"Err(ParseError { kind: Help, message: "There is no /frobnicate command. Try /help." })"#]],
        );
        check(
            "/",
            expect![[r#"Err(ParseError { kind: Help, message: "A command name goes after the `/`. Try /help." })"#]],
        );
        check("", expect![[r#"Err(ParseError { kind: Help, message: "Ask me something, or try /help." })"#]]);
        check(
            &"a".repeat(MAX_INPUT_CHARS + 1),
            expect![[r#"Err(ParseError { kind: Ask, message: "That is too long: keep it under 1000 characters." })"#]],
        );
        check("/WHO kelsey", expect![[r#"Ok(Bio { speaker: "kelsey" })"#]]);
        check("/sessions today", expect![[r#"Ok(Talks { query: Some("today") })"#]]);
        check("/start", expect!["Ok(Help { topic: None })"]);
        check(
            "//bio kelsey",
            expect![[r#"Err(ParseError { kind: Help, message: "There is no //bio command. Try /help." })"#]],
        );
    }

    #[test]
    fn the_log_keeps_no_account() {
        assert_eq!(for_the_log("/qa speaker Ada Lovelace <@U024BE7LH|ada>"), "/qa speaker Ada Lovelace <account>");
        assert_eq!(for_the_log("/QA  Speaker Ada W0123ABCD"), "/QA  Speaker Ada <account>");
        assert_eq!(for_the_log("/qa speaker Ada off"), "/qa speaker Ada off");
        assert_eq!(for_the_log("/ask who is <@!80351110224678912>?"), "/ask who is @someone?");
        assert_eq!(for_the_log("/ask is <@ unclosed"), "/ask is @someone");
        assert_eq!(for_the_log("/bio Ada Lovelace"), "/bio Ada Lovelace");
        assert_eq!(for_the_log("/qa  speaker Ada"), "/qa  speaker Ada", "no account given");
    }

    #[test]
    fn parses_audience_questions() {
        use expect_test::expect;
        check("/qa ask why Rust?", expect![[r#"Ok(Qa(Ask { question: "why Rust?", session: None, named: false }))"#]]);
        check(
            r#"/qa ask how fast is it session:"Supply chain" name:yes"#,
            expect![[r#"Ok(Qa(Ask { question: "how fast is it", session: Some("Supply chain"), named: true }))"#]],
        );
        check(
            "/qa ask session:ABC12 what next",
            expect![[r#"Ok(Qa(Ask { question: "what next", session: Some("ABC12"), named: false }))"#]],
        );
        check("/qa", expect!["Ok(Qa(Top { session: None }))"]);
        check("/qa top keynote", expect![[r#"Ok(Qa(Top { session: Some("keynote") }))"#]]);
        check("/qa vote #12", expect!["Ok(Qa(Vote { id: 12, pressed: false }))"]);
        check("/qa hide 3", expect!["Ok(Qa(Mark { id: 3, mark: Hidden }))"]);
        check(
            "/qa speaker Kelsey Hightower <@!80351110224678912>",
            expect![[r#"Ok(Qa(Speaker { speaker: "Kelsey Hightower", account: Some("<@!80351110224678912>") }))"#]],
        );
        check(
            r#"/qa speaker "Ada" <@U024BE7LH|ada>"#,
            expect![[r#"Ok(Qa(Speaker { speaker: "Ada", account: Some("<@U024BE7LH|ada>") }))"#]],
        );
        check("/qa speaker Ada @ada", expect![[r#"Ok(Qa(Speaker { speaker: "Ada", account: Some("@ada") }))"#]]);
        check(
            "/qa speaker Ada W0123ABCD",
            expect![[r#"Ok(Qa(Speaker { speaker: "Ada", account: Some("W0123ABCD") }))"#]],
        );
        check(
            "/qa speaker Ada Lovelace OFF",
            expect![[r#"Ok(Qa(Speaker { speaker: "Ada Lovelace", account: None }))"#]],
        );
        check(
            "/qa speaker Ada",
            expect![[
                r#"Err(ParseError { kind: Qa, message: "Which speaker, and whose account? Use `/qa speaker <speaker> <account>|off`." })"#
            ]],
        );
        check("/qa room off", expect!["Ok(Qa(Room { room: None }))"]);
        check("/qa room Janson", expect![[r#"Ok(Qa(Room { room: Some("Janson") }))"#]]);
        check(
            "/qa ask",
            expect![[
                r#"Err(ParseError { kind: Qa, message: "Ask what? Use `/qa ask <question> [session:<title>] [name:yes]`." })"#
            ]],
        );
        check(
            "/qa pin first",
            expect![[
                r#"Err(ParseError { kind: Qa, message: "Which question? Give the number shown with it. Use `/qa pin 12`." })"#
            ]],
        );
        check(
            "/qa ask name:maybe why",
            expect![[
                r#"Err(ParseError { kind: Qa, message: "`name:maybe` is not yes or no. Use `/qa ask <question> [session:<title>] [name:yes]`." })"#
            ]],
        );
    }

    #[test]
    fn parses_agenda_commands() {
        use expect_test::expect;
        check("/agenda", expect!["Ok(Agenda(Show))"]);
        check("/agenda show", expect!["Ok(Agenda(Show))"]);
        check("/agenda add supply chain", expect![[r#"Ok(Agenda(Add { session: "supply chain" }))"#]]);
        check("/agenda REMOVE Keynote", expect![[r#"Ok(Agenda(Remove { session: "Keynote" }))"#]]);
        check("/agenda remind 10", expect!["Ok(Agenda(Remind { minutes: Some(10) }))"]);
        check("/agenda remind 15 min", expect!["Ok(Agenda(Remind { minutes: Some(15) }))"]);
        check("/agenda remind off", expect!["Ok(Agenda(Remind { minutes: None }))"]);
        check("/agenda feed", expect!["Ok(Agenda(Feed { reset: false }))"]);
        check("/agenda feed reset", expect!["Ok(Agenda(Feed { reset: true }))"]);
        check("/agenda forget", expect!["Ok(Agenda(Forget))"]);
        check(
            "/agenda remind 5000",
            expect![[
                r#"Err(ParseError { kind: Agenda, message: "`5000` is not a number of minutes from 1 to 1440, or `off`. Try `/agenda remind 10`." })"#
            ]],
        );
        check(
            "/agenda add",
            expect![[
                r#"Err(ParseError { kind: Agenda, message: "Which session? Give its title or a part of it. Use `/agenda show`, `/agenda add <session>`, `/agenda remove <session>`, `/agenda remind 15`, `/agenda feed`, `/agenda forget`." })"#
            ]],
        );
        check(
            "/agenda dance",
            expect![[
                r#"Err(ParseError { kind: Agenda, message: "`dance` is not an agenda command. Use `/agenda show`, `/agenda add <session>`, `/agenda remove <session>`, `/agenda remind 15`, `/agenda feed`, `/agenda forget`." })"#
            ]],
        );
    }
}
