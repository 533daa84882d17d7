//! `emcee transcript import`: a recording's transcript stored in the
//! database, linked to its session, for every replica to answer from.

use std::process::ExitCode;

use anyhow::Context as _;
use clap::Subcommand;
use emcee_core::kb::transcript::{TranscriptMeta, parse_meta};

use crate::config::Settings;
use crate::dispatch::{Refused, store_transcript};
use crate::{programme, startup};

#[derive(Debug, Subcommand)]
pub enum TranscriptCommand {
    /// Store a transcript (SubRip, WebVTT, Whisper JSON, or a podcast
    /// layout; told from the content). A NAME.toml beside the file is read
    /// as its metadata; the options override it.
    Import {
        /// A file, or an http(s) URL.
        source: String,
        /// The id of the programme session it records (`emcee schedule list` shows them).
        #[arg(long, value_name = "ID")]
        session: Option<String>,
        /// Who speaks, when the transcript names no one; once per person.
        #[arg(long = "speaker", value_name = "NAME")]
        speakers: Vec<String>,
        /// What to cite it as (default: the session's title, else the file's name).
        #[arg(long)]
        title: Option<String>,
        /// The page of the talk or episode.
        #[arg(long)]
        url: Option<String>,
        /// The recording (video or audio) that quotes link into at their moment.
        #[arg(long)]
        recording: Option<String>,
    },
}

pub async fn run(command: TranscriptCommand, settings: &Settings) -> anyhow::Result<ExitCode> {
    let TranscriptCommand::Import { source, session, speakers, title, url, recording } = command;
    let store = startup::open_store(settings).await?;
    let bytes = programme::fetch(&crate::fetch::Fetcher::operator(), &source).await?;
    let mut meta = beside(&source)?;
    let mut fields: Vec<(String, String)> = Vec::new();
    fields.extend(session.map(|s| ("session".to_string(), s)));
    fields.extend(title.map(|t| ("title".to_string(), t)));
    fields.extend(url.map(|u| ("url".to_string(), u)));
    fields.extend(recording.map(|r| ("recording".to_string(), r)));
    if !speakers.is_empty() {
        meta.speakers.clear();
        fields.extend(speakers.into_iter().map(|s| ("speakers".to_string(), s)));
    }
    let meta = meta.with_fields(&fields)?;
    let programme = store.load_schedule().await?.map(|(s, _)| s).unwrap_or_else(emcee_core::Schedule::empty);
    let name = source.rsplit(['/', '\\']).next().unwrap_or(&source).to_string();
    match store_transcript(&store, &programme, &name, bytes, meta).await {
        Ok(added) => {
            println!("{added}");
            for warning in &added.warnings {
                eprintln!("warning: {warning}");
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(Refused::Database(error)) => Err(error.context("storing the transcript")),
        Err(refused) => anyhow::bail!("{refused}; nothing was stored"),
    }
}

/// The metadata file beside a local transcript (same name, `.toml`), if any.
fn beside(source: &str) -> anyhow::Result<TranscriptMeta> {
    if programme::is_address(source) {
        return Ok(TranscriptMeta::default());
    }
    let path = std::path::Path::new(source).with_extension("toml");
    if !path.is_file() {
        return Ok(TranscriptMeta::default());
    }
    let text = std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    parse_meta(&path.display().to_string(), &text).map_err(|warning| anyhow::anyhow!("{warning}"))
}
