//! The terminal adapter: `emcee chat`, an interactive prompt, and
//! `emcee ask`, which answers queries from its arguments or from standard
//! input, as text or as one JSON object per line for scripts; announcements
//! printed as they fall due (`emcee announce`). What it prints of the
//! programme, the knowledge base or users never drives the terminal:
//! control characters are shown escaped ([`print_text`], [`json_safe`]).

use std::future::Future;
use std::io::{self, BufWriter, IsTerminal, Write};
use std::pin::Pin;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context as _;
use emcee_core::render::{self, Marks};
use emcee_core::reply::{SessionItem, Source};
use emcee_core::{Reply, Status};
use serde::Serialize;

use crate::announcer::{Announcement, DirectSink, Personal, Sink};
use crate::config::Settings;
use crate::dispatch::{Dispatcher, Origin, Platform};

/// The terminal user, as the dispatch path sees them.
fn origin(settings: &Settings) -> Origin {
    Origin {
        platform: Platform::Terminal,
        workspace: String::new(),
        channel: String::from("terminal"),
        user: settings.operator.clone(),
        organiser: true,
    }
}

/// `emcee chat`. The line editor blocks, so it runs on a thread of its own
/// and hands each line to the async dispatch path.
pub async fn chat(dispatcher: Arc<Dispatcher>, settings: &Settings) -> anyhow::Result<()> {
    let settings = settings.clone();
    let runtime = tokio::runtime::Handle::current();
    tokio::task::spawn_blocking(move || chat_loop(&dispatcher, &settings, &runtime)).await?
}

fn chat_loop(dispatcher: &Dispatcher, settings: &Settings, runtime: &tokio::runtime::Handle) -> anyhow::Result<()> {
    let origin = origin(settings);
    let engine = dispatcher.engine();
    let kb = engine.knowledge();
    println!(
        "emcee: {} speakers, {} quotes, {} sessions of {}.{}",
        kb.speakers.len(),
        kb.quotes.len(),
        engine.schedule().sessions.len(),
        render::escape_controls(&engine.schedule().conference.title),
        if kb.warnings.is_empty() {
            String::new()
        } else {
            format!(" ({} data problems: `emcee data check`)", kb.warnings.len())
        }
    );
    println!("Type /help for the commands, a question to ask one, or /quit to leave.");
    if let Some(hint) = engine.clock_hint(dispatcher.now()) {
        println!("{}", render::escape_controls(&hint));
    }
    let mut editor = rustyline::DefaultEditor::new().context("starting the line editor")?;
    if let Some(history) = &settings.history_file {
        // A missing history file is normal on first use.
        let _ = editor.load_history(history);
    }
    let marks = if io::stdout().is_terminal() { Marks::ANSI_BOLD } else { Marks::NONE };
    loop {
        let line = match editor.readline("emcee> ") {
            Ok(line) => line,
            Err(rustyline::error::ReadlineError::Interrupted | rustyline::error::ReadlineError::Eof) => break,
            Err(error) => return Err(error).context("reading from the terminal"),
        };
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let _ = editor.add_history_entry(line);
        if matches!(line, "/quit" | "/exit" | "quit" | "exit") {
            break;
        }
        let reply = runtime.block_on(dispatcher.answer(&origin, line));
        println!("{}\n", render::plain_text(&reply, marks));
    }
    if let Some(history) = &settings.history_file
        && let Err(error) = editor.save_history(history)
    {
        tracing::warn!("could not save the chat history to {}: {error}", history.display());
    }
    Ok(())
}

/// `emcee ask [--json] [QUERY ...]`. Stops early, flushing what it has, on
/// Ctrl-C or SIGTERM.
pub async fn ask(
    dispatcher: &Dispatcher,
    settings: &Settings,
    queries: &[String],
    json: bool,
) -> anyhow::Result<ExitCode> {
    use tokio::io::AsyncBufReadExt;

    let origin = origin(settings);
    let stdout = io::stdout();
    let marks = if !json && stdout.is_terminal() { Marks::ANSI_BOLD } else { Marks::NONE };
    let mut out = BufWriter::new(stdout.lock());
    let write = |out: &mut BufWriter<io::StdoutLock<'_>>, query: &str, reply: &Reply| -> io::Result<()> {
        if json {
            let line = serde_json::to_string(&AnswerJson::new(query, reply))?;
            out.write_all(json_safe(&line).as_bytes())?;
            out.write_all(b"\n")
        } else {
            writeln!(out, "{}\n", render::plain_text(reply, marks))
        }
    };
    let stop = crate::shutdown::signal();
    tokio::pin!(stop);
    if queries.is_empty() {
        let mut input = tokio::io::BufReader::new(tokio::io::stdin());
        let mut bytes = Vec::new();
        loop {
            bytes.clear();
            // Answers go out before a read that may wait, so that a script
            // sending one query at a time gets each answer at once.
            if input.buffer().is_empty() {
                out.flush().context("writing the answers")?;
            }
            let read = tokio::select! {
                read = input.read_until(b'\n', &mut bytes) => read.context("reading queries from standard input")?,
                () = &mut stop => break,
            };
            if read == 0 {
                break;
            }
            // A line that is not UTF-8 is answered as best it can be, not the end of the batch.
            let line = String::from_utf8_lossy(&bytes);
            let line = line.trim_end_matches(['\n', '\r']);
            if line.trim().is_empty() {
                continue;
            }
            let reply = dispatcher.answer(&origin, line).await;
            write(&mut out, line, &reply).context("writing the answer")?;
        }
    } else {
        for query in queries {
            let reply = dispatcher.answer(&origin, query).await;
            write(&mut out, query, &reply).context("writing the answer")?;
        }
    }
    out.flush().context("writing the answers")?;
    Ok(ExitCode::SUCCESS)
}

/// One line of `emcee ask --json`.
#[derive(Serialize)]
struct AnswerJson<'a> {
    query: &'a str,
    command: &'static str,
    status: Status,
    text: String,
    sources: &'a [Source],
    #[serde(skip_serializing_if = "Option::is_none")]
    title: Option<&'a str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    sessions: Vec<SessionJson<'a>>,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    suggestions: &'a [String],
}

#[derive(Serialize)]
struct SessionJson<'a> {
    id: &'a str,
    title: &'a str,
    start: String,
    end: String,
    room: &'a str,
    speakers: &'a [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<&'a str>,
}

impl<'a> AnswerJson<'a> {
    fn new(query: &'a str, reply: &'a Reply) -> AnswerJson<'a> {
        let zone = reply.time_zone.clone().unwrap_or(jiff::tz::TimeZone::UTC);
        AnswerJson {
            query,
            command: reply.command.as_str(),
            status: reply.status,
            text: render::plain_text(reply, Marks::NONE),
            sources: &reply.sources,
            title: reply.title.as_deref(),
            sessions: reply.sessions.iter().map(|s| SessionJson::new(s, &zone)).collect(),
            suggestions: &reply.suggestions,
        }
    }
}

impl<'a> SessionJson<'a> {
    fn new(session: &'a SessionItem, zone: &jiff::tz::TimeZone) -> SessionJson<'a> {
        SessionJson {
            id: &session.id,
            title: &session.title,
            start: rfc3339(session.start, zone),
            end: rfc3339(session.end, zone),
            room: &session.room,
            speakers: &session.speakers,
            url: session.url.as_deref(),
        }
    }
}

/// RFC 3339 with the conference's offset: `2022-11-01T09:15:00+01:00`.
pub fn rfc3339(at: jiff::Timestamp, zone: &jiff::tz::TimeZone) -> String {
    at.to_zoned(zone.clone()).strftime("%Y-%m-%dT%H:%M:%S%:z").to_string()
}

/// Prints `text` to standard output; a reader that went away (`| head`) is not an error.
pub fn print(text: &str) -> anyhow::Result<()> {
    let mut out = io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        other => other.context("writing to standard output"),
    }
}

/// Prints text made of the bot's words and of data, the data's control
/// characters escaped.
pub fn print_text(text: &str) -> anyhow::Result<()> {
    print(&render::escape_controls(text))
}

/// JSON as the terminal gets it: DEL and the C1 controls, which JSON
/// writers leave raw, written as `\u` escapes, which parse to the same text.
/// (serde_json escapes the C0 controls itself.)
pub fn json_safe(json: &str) -> std::borrow::Cow<'_, str> {
    let raw_control = |c: char| c == '\u{7f}' || ('\u{80}'..='\u{9f}').contains(&c);
    if memchr::memchr2(0x7f, 0xc2, json.as_bytes()).is_none() || !json.chars().any(raw_control) {
        return std::borrow::Cow::Borrowed(json);
    }
    let mut out = String::with_capacity(json.len() + 16);
    for c in json.chars() {
        match raw_control(c) {
            true => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            false => out.push(c),
        }
    }
    std::borrow::Cow::Owned(out)
}

/// Prints announcements on standard output.
pub struct TerminalSink;

impl Sink for TerminalSink {
    fn send<'a>(
        &'a self,
        announcement: &'a Announcement,
    ) -> Pin<Box<dyn Future<Output = anyhow::Result<()>> + Send + 'a>> {
        Box::pin(async move { print_text(&format!("[{}] {}\n", announcement.kind.as_str(), announcement.text)) })
    }
}

/// The operator's own agenda's messages, printed; nobody else is in the terminal.
pub struct TerminalDirect {
    pub operator: String,
}

impl DirectSink for TerminalDirect {
    fn platform(&self) -> &'static str {
        Platform::Terminal.as_str()
    }

    fn send_to<'a>(
        &'a self,
        user: &'a str,
        message: &'a Personal,
    ) -> Pin<Box<dyn Future<Output = anyhow::Result<()>> + Send + 'a>> {
        Box::pin(async move {
            if user != self.operator {
                anyhow::bail!("the terminal reaches only its operator, not {user}");
            }
            print_text(&format!("[your agenda: {}] {}\n", message.kind.as_str(), message.text))
        })
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn json_keeps_its_meaning_without_raw_controls() {
        let text = "del\u{7f} csi\u{9b} nbsp\u{a0} esc\u{1b}";
        let json = serde_json::to_string(&text).unwrap();
        let safe = super::json_safe(&json);
        assert_eq!(safe, "\"del\\u007f csi\\u009b nbsp\u{a0} esc\\u001b\"");
        assert_eq!(serde_json::from_str::<String>(&safe).unwrap(), text);
        assert!(matches!(super::json_safe(r#""plain ©""#), std::borrow::Cow::Borrowed(_)));
    }
}
