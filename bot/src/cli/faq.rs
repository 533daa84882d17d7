//! `emcee faq import`: the organisers' FAQ page stored in the database as a
//! new version, for every replica to answer from, with what it changes.

use std::process::ExitCode;

use clap::Subcommand;
use emcee_core::faq::{Entry, Faq, FaqChange};
use serde::Serialize;

use crate::config::Settings;
use crate::dispatch::{FaqImported, FaqRefused, faq_change_line, import_faq};
use crate::terminal::{json_safe, print, print_text};
use crate::{knowledge, programme, startup};

#[derive(Debug, Subcommand)]
pub enum FaqCommand {
    /// Replace the FAQ with a page of questions and answers (Markdown or
    /// MDX headings, HTML headings, `<details>` or `<dt>/<dd>`, a YAML or
    /// JSON list; told from the content), and print what changed.
    Import {
        /// A file, or an http(s) URL.
        source: String,
        /// Show what would change, and change nothing.
        #[arg(long)]
        dry_run: bool,
        /// The change set as JSON.
        #[arg(long)]
        json: bool,
    },
}

pub async fn run(command: FaqCommand, settings: &Settings) -> anyhow::Result<ExitCode> {
    let FaqCommand::Import { source, dry_run, json } = command;
    let store = startup::open_store(settings).await?;
    // What the bot answers from now: the stored FAQ, else the one in data/.
    let before = match store.faq().await? {
        Some(stored) => stored.faq,
        None => knowledge::load(&settings.data_dir, settings.time_zone.as_ref())
            .ok()
            .and_then(|loaded| loaded.faq)
            .map_or_else(Faq::default, |f| f.imported.faq),
    };
    let bytes = programme::fetch(&crate::fetch::Fetcher::operator(), &source).await?;
    let imported = match import_faq(&store, &source, &bytes, &before, dry_run).await {
        Ok(imported) => imported,
        Err(FaqRefused::Database(error)) => return Err(error.context("storing the FAQ; nothing was stored")),
        Err(refused) => anyhow::bail!("{refused}"),
    };
    for warning in &imported.warnings {
        eprintln!("warning: {source}: {warning}");
    }
    if json {
        print(&format!("{}\n", json_safe(&serde_json::to_string_pretty(&ChangeSetJson::new(&imported))?)))?;
    } else {
        print_text(&change_text(&imported))?;
    }
    Ok(ExitCode::SUCCESS)
}

fn change_text(imported: &FaqImported) -> String {
    let mut out = format!("FAQ ({}): {} entries", imported.format, imported.faq.entries.len());
    out.push_str(&match imported.version {
        Some(v) => format!(", stored as version {v}\n"),
        None => String::from(", not imported (dry run)\n"),
    });
    if imported.changes.is_empty() {
        out.push_str("nothing changed\n");
    }
    for change in &imported.changes {
        out.push_str(&faq_change_line(change));
        out.push('\n');
    }
    out
}

/// `emcee faq import --json`.
#[derive(Serialize)]
struct ChangeSetJson<'a> {
    format: &'a str,
    /// The FAQ version stored; absent in a dry run.
    #[serde(skip_serializing_if = "Option::is_none")]
    version: Option<i64>,
    dry_run: bool,
    entries: usize,
    added: Vec<&'a Entry>,
    changed: Vec<ChangedJson<'a>>,
    removed: Vec<&'a Entry>,
}

#[derive(Serialize)]
struct ChangedJson<'a> {
    #[serde(flatten)]
    entry: &'a Entry,
    /// The answer before.
    before: &'a str,
}

impl<'a> ChangeSetJson<'a> {
    fn new(imported: &'a FaqImported) -> ChangeSetJson<'a> {
        let mut set = ChangeSetJson {
            format: imported.format,
            version: imported.version,
            dry_run: imported.version.is_none(),
            entries: imported.faq.entries.len(),
            added: Vec::new(),
            changed: Vec::new(),
            removed: Vec::new(),
        };
        for change in &imported.changes {
            match change {
                FaqChange::Added(entry) => set.added.push(entry),
                FaqChange::Changed(before, after) => {
                    set.changed.push(ChangedJson { entry: after, before: &before.answer })
                }
                FaqChange::Removed(entry) => set.removed.push(entry),
            }
        }
        set
    }
}
