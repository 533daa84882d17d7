//! Reads the data directory into the core's knowledge base and schedule:
//!
//! ```text
//! data/speakers/*.txt                       biographies
//! data/transcripts/*.{txt,srt,vtt,json}     transcripts, each with NAME.toml metadata beside it (optional)
//! data/schedule.json                        the programme (any format `emcee schedule import` reads)
//! data/faq.{md,mdx,html,yaml,yml,json}      the organisers' FAQ (any format `emcee faq import` reads)
//! ```
//!
//! Adding a speaker or a recording is adding files here; nothing else
//! changes. Nothing in a document stops the bot: a byte that is not UTF-8
//! becomes a warning with its file and line, and the rest is read. `emcee
//! data check` lists every file, what it was read as and what came of it.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context as _, bail};
use emcee_core::kb::{Documents, TranscriptDocument, Warning};
use emcee_core::{KnowledgeBase, Schedule};
use jiff::tz::TimeZone;

/// What the FAQ file may be called (`faq.md`, …); the content says which format it is in.
pub const FAQ_EXTENSIONS: &[&str] = &["md", "mdx", "markdown", "html", "htm", "yaml", "yml", "json"];

/// The FAQ read from the data directory.
pub struct LoadedFaq {
    pub path: PathBuf,
    pub imported: emcee_core::faq::Imported,
}

/// What a transcript file may be called; the content says which layout it is in.
pub const TRANSCRIPT_EXTENSIONS: &[&str] = &["txt", "srt", "vtt", "json"];

/// What was read from the data directory.
pub struct Loaded {
    pub kb: KnowledgeBase,
    pub schedule: Schedule,
    /// Where the schedule came from, if there was one.
    pub schedule_file: Option<PathBuf>,
    /// The format the schedule file was read as.
    pub schedule_format: Option<&'static str>,
    /// Every file under the directory that emcee does not read, and why.
    pub unread: Vec<(PathBuf, &'static str)>,
    /// The documents as read, for a knowledge base rebuilt with more transcripts.
    pub documents: Documents,
    /// The organisers' FAQ, if the directory has one.
    pub faq: Option<LoadedFaq>,
}

/// Reads every document under `dir`. A document with problems is still read
/// (the problems become warnings); a schedule that cannot be read is an
/// error. `time_zone` places a schedule's local times (`EMCEE_TIME_ZONE`).
pub fn load(dir: &Path, time_zone: Option<&TimeZone>) -> anyhow::Result<Loaded> {
    if !dir.is_dir() {
        bail!(
            "there is no data directory at {}: run emcee from the repository root, or set EMCEE_DATA_DIR to the folder holding speakers/ and transcripts/",
            dir.display()
        );
    }
    let mut docs = Documents::default();
    let mut unread = Vec::new();
    let speakers = dir.join("speakers");
    for path in files(&speakers)? {
        if has_extension(&path, &["txt"]) {
            let text = read(&path, &mut docs.warnings)?;
            docs.bios.push((display(&path), text));
        } else {
            unread.push((path, "not a biography: biographies are .txt files"));
        }
    }
    let transcripts = dir.join("transcripts");
    for path in files(&transcripts)? {
        if has_extension(&path, TRANSCRIPT_EXTENSIONS) {
            let meta_path = path.with_extension("toml");
            let meta = if meta_path.exists() { Some(read(&meta_path, &mut docs.warnings)?) } else { None };
            let text = read(&path, &mut docs.warnings)?;
            docs.transcripts.push(TranscriptDocument {
                path: display(&path),
                text,
                meta_path: display(&meta_path),
                meta,
            });
        } else if has_extension(&path, &["toml"]) {
            let described = TRANSCRIPT_EXTENSIONS.iter().any(|ext| path.with_extension(ext).is_file());
            if !described {
                unread.push((path, "metadata with no transcript beside it (same name, .txt .srt .vtt or .json)"));
            }
        } else {
            unread.push((path, "not a transcript: transcripts are .txt, .srt, .vtt or Whisper .json files"));
        }
    }
    let mut faq = None;
    for path in files(dir)? {
        if path.file_name().is_some_and(|n| n == "schedule.json") {
            continue;
        }
        let is_faq = path.file_stem().is_some_and(|s| s == "faq") && has_extension(&path, FAQ_EXTENSIONS);
        if is_faq && faq.is_none() {
            faq = Some(read_faq(&path)?);
        } else if is_faq {
            unread.push((path, "a second FAQ: only the first faq.* (by name) is read"));
        } else {
            unread.push((path, "not read: the data directory holds speakers/, transcripts/, schedule.json and faq.*"));
        }
    }
    let kb = KnowledgeBase::build(&docs);
    for warning in &kb.warnings {
        tracing::debug!(target: "emcee::data", "{warning}");
    }
    if !kb.warnings.is_empty() {
        tracing::info!(target: "emcee::data", "{} problems found while reading {}; `emcee data check` lists them", kb.warnings.len(), dir.display());
    }
    let schedule_path = dir.join("schedule.json");
    let (schedule, schedule_file, schedule_format) = if schedule_path.exists() {
        let bytes = fs::read(&schedule_path).with_context(|| format!("reading {}", schedule_path.display()))?;
        let options = emcee_core::schedule::ImportOptions { time_zone: time_zone.cloned(), title: None };
        let imported = emcee_core::schedule::import(&bytes, &options).with_context(|| {
            format!("{} is not a schedule emcee can read; fix it or remove it", schedule_path.display())
        })?;
        (imported.schedule, Some(schedule_path), Some(imported.format.name()))
    } else {
        (Schedule::empty(), None, None)
    };
    unread.sort();
    Ok(Loaded { kb, schedule, schedule_file, schedule_format, unread, documents: docs, faq })
}

/// The FAQ page in the data directory; one that cannot be read is an
/// error, saying where, as a schedule that cannot be read is.
fn read_faq(path: &Path) -> anyhow::Result<LoadedFaq> {
    let bytes = fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    let imported = emcee_core::faq::import(&bytes)
        .with_context(|| format!("{} is not an FAQ emcee can read; fix it or remove it", path.display()))?;
    Ok(LoadedFaq { path: path.to_path_buf(), imported })
}

/// `emcee data check`: every file and what came of it, then every problem
/// with file and line.
pub fn check(loaded: &Loaded) -> ExitCode {
    print!("{}", report(loaded));
    ExitCode::SUCCESS
}

/// The text `emcee data check` prints.
pub fn report(loaded: &Loaded) -> String {
    let kb = &loaded.kb;
    let bios = kb.speakers.iter().filter(|s| s.source.is_some()).count();
    let mut out = format!(
        "{} speakers ({bios} with a biography), {} transcripts, {} quotable passages\n\n",
        kb.speakers.len(),
        kb.transcripts.len(),
        kb.quotes.len()
    );
    let problems = |path: &str| kb.warnings.iter().filter(|w| w.file == path).count();
    let noted = |n: usize| match n {
        0 => String::new(),
        1 => String::from("; 1 problem"),
        n => format!("; {n} problems"),
    };
    for (path, _) in &loaded.documents.bios {
        let speaker = kb.speakers.iter().find(|s| s.source.as_ref().is_some_and(|d| &d.path == path));
        let name = speaker.map_or("?", |s| s.name.as_str());
        out.push_str(&format!("{path}: biography of {name}{}\n", noted(problems(path))));
    }
    for (i, t) in kb.transcripts.iter().enumerate() {
        let quotes = kb.quotes.iter().filter(|q| q.transcript == i).count();
        let named = if t.untitled { String::new() } else { format!(" “{}”", t.title()) };
        out.push_str(&format!(
            "{}: {}{named}, {} turns, {quotes} quotable passages{}\n",
            t.path,
            t.layout.name(),
            t.turns.len(),
            noted(problems(&t.path))
        ));
    }
    for doc in loaded.documents.transcripts.iter().filter(|d| d.meta.is_some()) {
        out.push_str(&format!("{}: metadata of {}{}\n", doc.meta_path, doc.path, noted(problems(&doc.meta_path))));
    }
    match (&loaded.schedule_file, loaded.schedule_format) {
        (Some(path), Some(format)) => out.push_str(&format!(
            "{}: {format}, {}, {} sessions, {} speakers, times in {}\n",
            path.display(),
            loaded.schedule.conference.title,
            loaded.schedule.sessions.len(),
            loaded.schedule.speakers.len(),
            loaded.schedule.conference.zone_name()
        )),
        _ => out.push_str("no schedule.json: /talks has nothing to show until a programme is imported\n"),
    }
    match &loaded.faq {
        Some(faq) => {
            out.push_str(&format!(
                "{}: FAQ, {}, {} entries\n",
                faq.path.display(),
                faq.imported.format.name(),
                faq.imported.faq.entries.len()
            ));
            for warning in &faq.imported.warnings {
                out.push_str(&format!("{}: {warning}\n", faq.path.display()));
            }
        }
        None => out.push_str("no faq.*: /faq has nothing to show until the organisers' FAQ is imported\n"),
    }
    for (path, why) in &loaded.unread {
        out.push_str(&format!("{}: {why}\n", path.display()));
    }
    if kb.warnings.is_empty() {
        out.push_str("\nno problems found\n");
    } else {
        out.push_str(&format!("\n{} problems (each was worked around; nothing was dropped):\n", kb.warnings.len()));
        for warning in &kb.warnings {
            out.push_str(&format!("  {warning}\n"));
        }
    }
    out
}

/// The files in `dir`, sorted; none when `dir` is missing.
fn files(dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    if !dir.is_dir() {
        return Ok(Vec::new());
    }
    let mut found = Vec::new();
    for entry in fs::read_dir(dir).with_context(|| format!("listing {}", dir.display()))? {
        let path = entry.with_context(|| format!("listing {}", dir.display()))?.path();
        let hidden = path.file_name().is_some_and(|n| n.to_string_lossy().starts_with('.'));
        if path.is_file() && !hidden {
            found.push(path);
        }
    }
    found.sort();
    Ok(found)
}

fn has_extension(path: &Path, extensions: &[&str]) -> bool {
    path.extension().and_then(|e| e.to_str()).is_some_and(|e| extensions.iter().any(|x| e.eq_ignore_ascii_case(x)))
}

/// A file's text. Bytes that are not UTF-8 become U+FFFD, each line that
/// holds one a warning; only a file that cannot be read at all is an error.
fn read(path: &Path, warnings: &mut Vec<Warning>) -> anyhow::Result<String> {
    let bytes = fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    Ok(text(&display(path), bytes, warnings))
}

/// `bytes` as text, with a warning for each line holding bytes that are not UTF-8.
pub fn text(path: &str, bytes: Vec<u8>, warnings: &mut Vec<Warning>) -> String {
    match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(error) => {
            let bytes = error.into_bytes();
            for (index, line) in bytes.split(|&b| b == b'\n').enumerate() {
                if std::str::from_utf8(line).is_err() {
                    warnings.push(Warning::new(
                        path,
                        index + 1,
                        "bytes that are not UTF-8 text; read as \u{fffd} (save the file as UTF-8)",
                    ));
                }
            }
            String::from_utf8_lossy(&bytes).into_owned()
        }
    }
}

fn display(path: &Path) -> String {
    path.display().to_string()
}
