//! Reads the data directory into the core's knowledge base and schedule:
//!
//! ```text
//! data/speakers/*.txt          biographies
//! data/transcripts/*.txt       transcripts, each with NAME.toml metadata beside it
//! data/schedule.json           the programme (frab / pretalx JSON)
//! ```
//!
//! Adding a speaker is adding files here; nothing else changes.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context as _, bail};
use emcee_core::kb::{Documents, TranscriptDocument};
use emcee_core::{KnowledgeBase, Schedule};

/// What was read from the data directory.
pub struct Loaded {
    pub kb: KnowledgeBase,
    pub schedule: Schedule,
    /// Where the schedule came from, if there was one.
    pub schedule_file: Option<PathBuf>,
}

/// Reads every document under `dir`. A document with problems is still read
/// (the problems become warnings); a schedule that cannot be read is an error.
pub fn load(dir: &Path, time_zone: Option<&jiff::tz::TimeZone>) -> anyhow::Result<Loaded> {
    if !dir.is_dir() {
        bail!(
            "there is no data directory at {}: run emcee from the repository root, or set EMCEE_DATA_DIR to the folder holding speakers/ and transcripts/",
            dir.display()
        );
    }
    let mut docs = Documents::default();
    for path in files(&dir.join("speakers"), "txt")? {
        docs.bios.push((display(&path), read(&path)?));
    }
    for path in files(&dir.join("transcripts"), "txt")? {
        let meta_path = path.with_extension("toml");
        let meta = if meta_path.exists() { Some(read(&meta_path)?) } else { None };
        docs.transcripts.push(TranscriptDocument {
            path: display(&path),
            text: read(&path)?,
            meta_path: display(&meta_path),
            meta,
        });
    }
    let kb = KnowledgeBase::build(&docs);
    for warning in &kb.warnings {
        tracing::debug!(target: "emcee::data", "{warning}");
    }
    if !kb.warnings.is_empty() {
        tracing::info!(target: "emcee::data", "{} problems found while reading {}; `emcee data check` lists them", kb.warnings.len(), dir.display());
    }
    let schedule_path = dir.join("schedule.json");
    let (schedule, schedule_file) = if schedule_path.exists() {
        let bytes = fs::read(&schedule_path).with_context(|| format!("reading {}", schedule_path.display()))?;
        let options = emcee_core::schedule::ImportOptions { time_zone: time_zone.cloned(), title: None };
        let schedule = emcee_core::schedule::import(&bytes, &options)
            .with_context(|| {
                format!("{} is not a schedule emcee can read; fix it or remove it", schedule_path.display())
            })?
            .schedule;
        (schedule, Some(schedule_path))
    } else {
        (Schedule::empty(), None)
    };
    Ok(Loaded { kb, schedule, schedule_file })
}

/// `emcee data check`: a summary, then every warning with file and line.
pub fn check(loaded: &Loaded) -> ExitCode {
    let kb = &loaded.kb;
    let bios = kb.speakers.iter().filter(|s| s.source.is_some()).count();
    println!(
        "{} speakers ({bios} with a biography), {} transcripts, {} quotable passages",
        kb.speakers.len(),
        kb.transcripts.len(),
        kb.quotes.len()
    );
    match &loaded.schedule_file {
        Some(path) => println!(
            "{}: {}, {} sessions, times in {}",
            path.display(),
            loaded.schedule.conference.title,
            loaded.schedule.sessions.len(),
            loaded.schedule.conference.zone_name()
        ),
        None => println!("no schedule.json: /talks has nothing to show"),
    }
    if kb.warnings.is_empty() {
        println!("no problems found");
    } else {
        println!("{} problems (each was worked around; nothing was dropped):", kb.warnings.len());
        for warning in &kb.warnings {
            println!("  {warning}");
        }
    }
    ExitCode::SUCCESS
}

/// The files in `dir` with the given extension, sorted; none when `dir` is missing.
fn files(dir: &Path, extension: &str) -> anyhow::Result<Vec<PathBuf>> {
    if !dir.is_dir() {
        return Ok(Vec::new());
    }
    let mut found = Vec::new();
    for entry in fs::read_dir(dir).with_context(|| format!("listing {}", dir.display()))? {
        let path = entry.with_context(|| format!("listing {}", dir.display()))?.path();
        if path.extension().is_some_and(|e| e == extension) && path.is_file() {
            found.push(path);
        }
    }
    found.sort();
    Ok(found)
}

fn read(path: &Path) -> anyhow::Result<String> {
    fs::read_to_string(path).with_context(|| format!("reading {} (is it UTF-8 text?)", path.display()))
}

fn display(path: &Path) -> String {
    path.display().to_string()
}
