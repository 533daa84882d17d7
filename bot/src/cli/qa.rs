//! `emcee qa export`: a session's audience questions with their votes and
//! state, for the host after the session and for organisers' records.

use std::process::ExitCode;

use anyhow::Context as _;
use clap::Subcommand;
use emcee_core::Schedule;
use emcee_core::engine::qa::Question;
use emcee_core::text::fold;
use serde::Serialize;

use crate::config::Settings;
use crate::startup;
use crate::terminal::{json_safe, print, print_text};

#[derive(Debug, Subcommand)]
pub enum QaCommand {
    /// Print a session's audience questions, pinned first, then most voted, with their state.
    Export {
        /// The session: its id, its title, or a part of its title.
        session: String,
        /// One JSON object for scripts.
        #[arg(long)]
        json: bool,
    },
}

/// A question as the export writes it.
#[derive(Serialize)]
struct Exported<'a> {
    #[serde(flatten)]
    question: &'a Question,
    /// `removed`, `hidden`, `answered` or `open`: the first that holds.
    state: &'static str,
}

#[derive(Serialize)]
struct Export<'a> {
    session_id: &'a str,
    title: &'a str,
    questions: Vec<Exported<'a>>,
}

fn state(question: &Question) -> &'static str {
    match question {
        q if q.removed => "removed",
        q if q.hidden => "hidden",
        q if q.answered => "answered",
        _ => "open",
    }
}

/// The session `named` names: its id, its title, or the one title holding
/// it; `Err` says what it names instead.
fn session<'a>(schedule: &'a Schedule, named: &str) -> Result<(&'a str, &'a str), String> {
    let sessions = &schedule.sessions;
    if let Some(s) = sessions.iter().find(|s| s.id == named.trim()) {
        return Ok((&s.id, &s.title));
    }
    let folded = fold(named);
    let exact: Vec<_> = sessions.iter().filter(|s| fold(&s.title) == folded).collect();
    let found = if exact.is_empty() {
        sessions.iter().filter(|s| !folded.is_empty() && fold(&s.title).contains(&folded)).collect()
    } else {
        exact
    };
    match found[..] {
        [one] => Ok((&one.id, &one.title)),
        [] => Err(format!("no session of the programme is called or has the id “{named}”")),
        _ => {
            let names: Vec<String> = found.iter().take(5).map(|s| format!("{} [{}]", s.title, s.id)).collect();
            Err(format!("“{named}” names {} sessions: {}; give one's id", found.len(), names.join("; ")))
        }
    }
}

pub async fn run(command: QaCommand, settings: &Settings) -> anyhow::Result<ExitCode> {
    let QaCommand::Export { session: named, json } = command;
    let store = startup::open_store(settings).await?;
    let schedule = startup::stored_schedule(&store, settings).await?;
    let (id, title) = match session(&schedule, &named) {
        Ok(found) => found,
        // A session cancelled since keeps its questions under its id.
        Err(why) => match store.qa_questions(named.trim()).await?.is_empty() {
            true => anyhow::bail!("{why}: `emcee schedule list` shows every session's id"),
            false => (named.trim(), named.trim()),
        },
    };
    let mut questions = store.qa_questions(id).await.context("reading the session's questions")?;
    questions.sort_by(Question::rank);
    if json {
        let export = Export {
            session_id: id,
            title,
            questions: questions.iter().map(|q| Exported { question: q, state: state(q) }).collect(),
        };
        print(&format!("{}\n", json_safe(&serde_json::to_string_pretty(&export)?)))?;
        return Ok(ExitCode::SUCCESS);
    }
    let votes: i64 = questions.iter().map(|q| q.votes).sum();
    let answered = questions.iter().filter(|q| q.answered).count();
    let mut text =
        format!("Questions for “{title}” [{id}]: {} asked, {answered} answered, {votes} votes\n", questions.len());
    for q in &questions {
        let pinned = if q.pinned { ", pinned" } else { "" };
        text.push_str(&format!("#{} · {} votes · {}{pinned} · {}\n", q.id, q.votes, state(q), q.text));
    }
    print_text(&text)?;
    Ok(ExitCode::SUCCESS)
}
