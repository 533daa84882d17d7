//! `emcee schedule import|list|export`: the operator's side of the programme.

use std::process::ExitCode;

use anyhow::Context as _;
use clap::Subcommand;
use emcee_core::Schedule;
use emcee_core::schedule::changes::Change;
use jiff::tz::TimeZone;
use serde::Serialize;

use crate::config::Settings;
use crate::programme::{self, ProgrammeError};
use crate::startup;
use crate::terminal::{json_safe, print, print_text, rfc3339};

/// Imports at least this large say what they are doing before they do it.
const LARGE: usize = 1_000;

#[derive(Debug, Subcommand)]
pub enum ScheduleCommand {
    /// Replace the programme with a pretalx/frab JSON, frab XML, iCalendar,
    /// CSV or Sessionize export (the format is told from the content), and
    /// print what changed.
    Import {
        /// A file, or an http(s) URL.
        source: String,
        /// Show what would change, and change nothing.
        #[arg(long)]
        dry_run: bool,
        /// The change set as JSON.
        #[arg(long)]
        json: bool,
        /// The conference's time zone, for exports with local times (Sessionize, CSV, floating iCalendar).
        #[arg(long, value_name = "IANA_ZONE")]
        time_zone: Option<String>,
        /// The conference's name, for exports without one (iCalendar, CSV, Sessionize).
        #[arg(long)]
        title: Option<String>,
        /// Accept an export with no sessions, which cancels every session.
        #[arg(long)]
        allow_empty: bool,
    },
    /// The sessions, in order.
    List {
        /// A JSON array of sessions.
        #[arg(long)]
        json: bool,
    },
    /// The whole programme for calendar apps.
    Export {
        #[arg(long, value_enum, default_value = "ics")]
        format: ExportFormat,
    },
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum ExportFormat {
    Ics,
}

pub async fn run(command: ScheduleCommand, settings: &Settings) -> anyhow::Result<ExitCode> {
    let store = startup::open_store(settings).await?;
    let current = startup::stored_schedule(&store, settings).await?;
    match command {
        ScheduleCommand::Import { source, dry_run, json, time_zone, title, allow_empty } => {
            let time_zone = match time_zone {
                Some(name) => Some(TimeZone::get(&name).with_context(|| {
                    format!("`{name}` is not a time zone (use an IANA name such as Europe/Berlin)")
                })?),
                None => None,
            };
            // Never the replaced programme's zone or name: this import's, else the setting's.
            let options = programme::options(time_zone.as_ref().or(settings.time_zone.as_ref()), title);
            let bytes = programme::fetch(&crate::fetch::Fetcher::operator(), &source).await?;
            let imported = match programme::parse(&bytes, &source, &options, allow_empty) {
                Ok(imported) => imported,
                Err(error @ ProgrammeError::Empty { .. }) => {
                    anyhow::bail!("{error} (--allow-empty clears the programme, if that is what is meant)")
                }
                Err(error) if error.needs_zone() => {
                    anyhow::bail!(
                        "{error}: give it with --time-zone (an IANA name such as Europe/Berlin), or set EMCEE_TIME_ZONE"
                    )
                }
                Err(error) => return Err(error.into()),
            };
            for warning in &imported.warnings {
                eprintln!("warning: {source}: {warning}");
            }
            let (format, schedule) = (imported.format, imported.schedule);
            let (version, changes) = if dry_run {
                (None, store.preview_schedule(&schedule).await?)
            } else {
                if schedule.sessions.len() >= LARGE {
                    eprintln!(
                        "storing {} sessions of {} in one transaction…",
                        schedule.sessions.len(),
                        schedule.conference.title
                    );
                }
                let applied = store.replace_schedule(&schedule, &source, jiff::Timestamp::now()).await?;
                (Some(applied.version), applied.changes)
            };
            let zone = &schedule.conference.time_zone;
            if json {
                let set = ChangeSetJson::new(format.name(), version, dry_run, &changes, zone);
                print(&format!("{}\n", json_safe(&serde_json::to_string_pretty(&set)?)))?;
            } else {
                print_text(&change_text(format.name(), version, dry_run, &schedule, &changes))?;
            }
            Ok(ExitCode::SUCCESS)
        }
        ScheduleCommand::List { json } => {
            let zone = &current.conference.time_zone;
            if json {
                let sessions: Vec<SessionJson<'_>> =
                    current.sessions.iter().map(|s| SessionJson::new(s, zone)).collect();
                print(&format!("{}\n", json_safe(&serde_json::to_string_pretty(&sessions)?)))?;
            } else {
                let mut text = format!("{} — times in {}\n", current.conference.title, current.conference.zone_name());
                for s in &current.sessions {
                    let when = emcee_core::render::time_span(s.start, s.end, zone);
                    let who =
                        if s.speakers.is_empty() { String::new() } else { format!(" — {}", s.speakers.join(", ")) };
                    text.push_str(&format!("{when} · {} · {}{who}  [{}]\n", s.room, s.title, s.id));
                }
                print_text(&text)?;
            }
            Ok(ExitCode::SUCCESS)
        }
        ScheduleCommand::Export { format: ExportFormat::Ics } => {
            print(&emcee_core::schedule::to_ics(&current, jiff::Timestamp::now()))?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn change_text(format: &str, version: Option<i64>, dry_run: bool, schedule: &Schedule, changes: &[Change]) -> String {
    let zone = &schedule.conference.time_zone;
    let mut out = format!("{} ({format}): {} sessions", schedule.conference.title, schedule.sessions.len());
    out.push_str(&match (dry_run, version) {
        (true, _) => String::from(", not imported (dry run)\n"),
        (false, Some(v)) => format!(", stored as version {v}\n"),
        (false, None) => String::from("\n"),
    });
    if changes.is_empty() {
        out.push_str("nothing changed\n");
    }
    for change in changes {
        let s = change.session();
        let when = emcee_core::render::time_span(s.start, s.end, zone);
        let line = match change {
            Change::Added(_) => format!("+ added      {when} · {} · {}", s.room, s.title),
            Change::Removed(_) => format!("- removed    {when} · {} · {}", s.room, s.title),
            Change::Changed { parts, .. } => {
                let parts: Vec<&str> = parts.iter().map(|p| p.as_str()).collect();
                format!("~ changed    {when} · {} · {} ({})", s.room, s.title, parts.join(", "))
            }
        };
        out.push_str(&line);
        out.push('\n');
    }
    out
}

/// `emcee schedule import --json`.
#[derive(Serialize)]
struct ChangeSetJson<'a> {
    format: &'a str,
    /// The schedule version stored; absent in a dry run.
    #[serde(skip_serializing_if = "Option::is_none")]
    version: Option<i64>,
    dry_run: bool,
    added: Vec<SessionJson<'a>>,
    changed: Vec<ChangedJson<'a>>,
    removed: Vec<SessionJson<'a>>,
}

#[derive(Serialize)]
struct ChangedJson<'a> {
    #[serde(flatten)]
    session: SessionJson<'a>,
    changed: Vec<&'static str>,
}

impl<'a> ChangeSetJson<'a> {
    fn new(
        format: &'a str,
        version: Option<i64>,
        dry_run: bool,
        changes: &'a [Change],
        zone: &TimeZone,
    ) -> ChangeSetJson<'a> {
        let mut set =
            ChangeSetJson { format, version, dry_run, added: Vec::new(), changed: Vec::new(), removed: Vec::new() };
        for change in changes {
            match change {
                Change::Added(s) => set.added.push(SessionJson::new(s, zone)),
                Change::Removed(s) => set.removed.push(SessionJson::new(s, zone)),
                Change::Changed { after, parts, .. } => set.changed.push(ChangedJson {
                    session: SessionJson::new(after, zone),
                    changed: parts.iter().map(|p| p.as_str()).collect(),
                }),
            }
        }
        set
    }
}

/// A session as `emcee schedule list --json` gives it.
#[derive(Serialize)]
pub struct SessionJson<'a> {
    id: &'a str,
    title: &'a str,
    start: String,
    end: String,
    room: &'a str,
    track: Option<&'a str>,
    speakers: &'a [String],
    url: Option<&'a str>,
}

impl<'a> SessionJson<'a> {
    fn new(s: &'a emcee_core::schedule::Session, zone: &TimeZone) -> SessionJson<'a> {
        SessionJson {
            id: &s.id,
            title: &s.title,
            start: rfc3339(s.start, zone),
            end: rfc3339(s.end, zone),
            room: &s.room,
            track: s.track.as_deref(),
            speakers: &s.speakers,
            url: s.url.as_deref(),
        }
    }
}
