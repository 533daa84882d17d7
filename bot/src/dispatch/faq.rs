//! The organisers' FAQ: `/faq` answered by the engine, `/faq import` from
//! an address or a file uploaded to the chat, read (a page that cannot be
//! read imports nothing and says where it is wrong), stored as a new
//! version (so every replica answers from it) and answered from at once.

use emcee_core::command::{CommandKind, FaqCommand};
use emcee_core::faq::{self, Faq, FaqChange};
use emcee_core::reply::Status;
use emcee_core::{Context, Reply};

use super::{Dispatcher, Origin};
use crate::programme;
use crate::store::Store;

impl Dispatcher {
    /// `/faq [topic]` for everyone; `/faq import <address>` for organisers.
    pub(super) async fn faq(&self, command: FaqCommand, ctx: &Context) -> Reply {
        let source = match command {
            FaqCommand::Import { source } => source,
            show => return self.engine().answer(&emcee_core::Command::Faq(show), ctx),
        };
        if !programme::is_address(&source) {
            return Reply::message(
                CommandKind::Faq,
                Status::Invalid,
                "Give the FAQ page's http(s) address, or attach the file to /faq import on Discord.",
            );
        }
        match programme::fetch(&self.fetcher, &source).await {
            Ok(bytes) => self.replace_faq(&source, &bytes).await,
            Err(error) => Reply::message(CommandKind::Faq, Status::Invalid, format!("{error}.")),
        }
    }

    /// `/faq import` of a file uploaded to the chat, logged as `/faq import
    /// NAME`. `file` is the upload, or the reply saying why the adapter
    /// could not get it.
    pub async fn import_faq_file(&self, origin: &Origin, name: &str, file: Result<Vec<u8>, Box<Reply>>) -> Reply {
        let started = std::time::Instant::now();
        let line = format!("/faq import {name}");
        let reply = match file {
            _ if let Some(refused) = super::refusal(origin, &line, CommandKind::Faq) => refused,
            Ok(bytes) => self.replace_faq(name, &bytes).await,
            Err(unusable) => *unusable,
        };
        self.log(origin, &line, started, &reply).await;
        reply
    }

    /// Reads, stores and starts answering from an FAQ page.
    async fn replace_faq(&self, source: &str, bytes: &[u8]) -> Reply {
        let Some(usage) = self.usage.as_ref() else {
            return Reply::message(
                CommandKind::Faq,
                Status::Invalid,
                "The FAQ needs the database to be kept; none is configured here.",
            );
        };
        let before = self.engine().faq().clone();
        match import(&usage.store, source, bytes, &before, false).await {
            Ok(imported) => {
                self.use_faq(imported.faq.clone());
                let mut reply = Reply::message(CommandKind::Faq, Status::Ok, imported.to_string());
                reply.result_count = imported.faq.entries.len();
                reply
            }
            Err(Refused::Database(error)) => super::failed(
                CommandKind::Faq,
                "storing the FAQ",
                &error,
                "The database is not answering; the FAQ was not changed. Try again soon.",
            ),
            Err(refused) => Reply::message(CommandKind::Faq, Status::Invalid, format!("{refused}.")),
        }
    }

    /// Answers from `faq` from now on.
    pub fn use_faq(&self, faq: Faq) {
        let engine = self.engine();
        if &faq != engine.faq() {
            // The same programme and knowledge, answering from this FAQ.
            self.replace_engine(engine.with_schedule(engine.schedule().clone()).with_faq(faq));
        }
    }
}

/// Why an FAQ page was not imported: nothing of it was stored.
#[derive(Debug, thiserror::Error)]
pub enum Refused {
    #[error("{from} is not an FAQ emcee can read: {error}; nothing was imported")]
    Unreadable { from: String, error: faq::FaqError },
    #[error("the database did not store it: {0:#}")]
    Database(anyhow::Error),
}

/// An FAQ page read and, unless a dry run, stored: what it holds and what
/// it changes against the FAQ answered from before.
#[derive(Debug)]
pub struct Imported {
    pub source: String,
    pub format: &'static str,
    pub faq: Faq,
    pub changes: Vec<FaqChange>,
    /// The version stored; `None` in a dry run.
    pub version: Option<i64>,
    /// What the page holds that was not read as an entry, and why.
    pub warnings: Vec<String>,
}

/// Reads `bytes` as an FAQ page, compares it with `before`, and stores it
/// as the next version unless `dry_run`.
pub async fn import(
    store: &Store,
    source: &str,
    bytes: &[u8],
    before: &Faq,
    dry_run: bool,
) -> Result<Imported, Refused> {
    let read = faq::import(bytes).map_err(|error| Refused::Unreadable { from: source.to_string(), error })?;
    let changes = faq::changes(before, &read.faq);
    let version = if dry_run {
        None
    } else {
        let now = jiff::Timestamp::now();
        Some(store.put_faq(&read.faq, source, read.format.name(), now).await.map_err(Refused::Database)?)
    };
    Ok(Imported {
        source: source.to_string(),
        format: read.format.name(),
        faq: read.faq,
        changes,
        version,
        warnings: read.warnings,
    })
}

/// How many changes a chat reply names one by one; the rest are counted.
const NAMED: usize = 10;

impl std::fmt::Display for Imported {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let count = |wanted: fn(&FaqChange) -> bool| self.changes.iter().filter(|c| wanted(c)).count();
        let added = count(|c| matches!(c, FaqChange::Added(_)));
        let changed = count(|c| matches!(c, FaqChange::Changed(..)));
        let removed = count(|c| matches!(c, FaqChange::Removed(_)));
        let stored = match self.version {
            Some(version) => format!("stored as version {version}"),
            None => String::from("not imported (dry run)"),
        };
        write!(f, "FAQ from {} ({}): {} entries, {stored}. ", self.source, self.format, self.faq.entries.len())?;
        if self.changes.is_empty() {
            write!(f, "Nothing changed.")?;
        } else {
            write!(f, "{added} added, {changed} changed, {removed} removed:")?;
            for change in self.changes.iter().take(NAMED) {
                write!(f, "\n{}", change_line(change))?;
            }
            if self.changes.len() > NAMED {
                write!(f, "\n… and {} more.", self.changes.len() - NAMED)?;
            }
        }
        if let Some(first) = self.warnings.first() {
            write!(f, "\n{} parts of the page were not read as entries, the first: {first}", self.warnings.len())?;
        }
        Ok(())
    }
}

/// One change as a line: `+ added    Is there wifi?`.
pub fn change_line(change: &FaqChange) -> String {
    match change {
        FaqChange::Added(entry) => format!("+ added      {}", entry.question),
        FaqChange::Changed(_, after) => format!("~ changed    {}", after.question),
        FaqChange::Removed(entry) => format!("- removed    {}", entry.question),
    }
}
