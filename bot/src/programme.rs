//! The programme as the bot keeps it, and its one owner: read from the
//! database (seeded from `data/schedule.json` on first start), fetched from
//! files or URLs with a size cap, kept in sync with a published export
//! ([`sync`]), and followed as other processes change it ([`follow`]).
//!
//! What can go wrong on the way is a [`ProgrammeError`]: the operator's
//! terminal shows it as it is, and the chat adapters get the same words
//! through the dispatcher, never a chain of internal context.

use std::path::Path;
use std::time::Duration;

use emcee_core::Schedule;
use emcee_core::schedule::{self, ImportError, ImportOptions, Imported, MAX_IMPORT_BYTES};
use jiff::tz::TimeZone;

use crate::fetch::Fetcher;
use crate::store::{Store, StoredTranscript};

/// How long start-up waits for the database before using the file's programme.
const LOAD_TIMEOUT: Duration = Duration::from_secs(3);
/// How long a download of a schedule may take.
const FETCH_TIMEOUT: Duration = Duration::from_secs(30);

/// Why a programme could not be fetched or read. Each message says what
/// went wrong and where, in words fit for the organiser who asked.
#[derive(Debug, thiserror::Error)]
pub enum ProgrammeError {
    #[error("cannot read {from}: {reason}")]
    Read { from: String, reason: std::io::Error },
    #[error("downloading {url} failed: {reason}")]
    Download { url: String, reason: String },
    #[error("{url} is not fetched: {reason}")]
    Refused { url: String, reason: crate::fetch::Refused },
    #[error("downloading {url}: the server answered {status}")]
    Status { url: String, status: u16 },
    #[error("{from} is larger than {MAX_IMPORT_BYTES} bytes; schedules that large are refused")]
    TooLarge { from: String },
    #[error("{from} is not a schedule emcee can read: {error}")]
    Unreadable { from: String, error: ImportError },
    #[error("{from} ({format}) holds no sessions; nothing was imported")]
    Empty { from: String, format: &'static str },
    #[error("give the schedule's http(s) address, or attach the file to /schedule import on Discord")]
    NotAnAddress,
}

/// The programme to answer with: the stored one; on first start the one in
/// `data/` (stored, so that later imports are compared with it); the file's
/// own when the database does not answer, so that replies never wait on it.
pub async fn load(store: &Store, from_file: Schedule, file: Option<&Path>) -> Schedule {
    let stored = tokio::time::timeout(LOAD_TIMEOUT, async {
        store.migrate().await?;
        store.load_schedule().await
    })
    .await
    .unwrap_or_else(|_| Err(anyhow::anyhow!("no answer within {LOAD_TIMEOUT:?}")));
    match stored {
        Ok(Some((schedule, _))) => schedule,
        Ok(None) => {
            if let Some(file) = file {
                let source = file.display().to_string();
                match store.seed_schedule(&from_file, &source, jiff::Timestamp::now()).await {
                    Ok(applied) => tracing::info!("stored the programme from {source} as version {}", applied.version),
                    Err(error) => tracing::warn!("could not store the programme from {source}: {error:#}"),
                }
            }
            from_file
        }
        Err(error) => {
            tracing::warn!("the schedule database is not answering ({error:#}); answering from the programme in data/");
            from_file
        }
    }
}

/// The bytes of a schedule file or `http(s)://` URL, refusing more than
/// [`MAX_IMPORT_BYTES`] and any address `fetcher` may not reach.
pub async fn fetch(fetcher: &Fetcher, source: &str) -> Result<Vec<u8>, ProgrammeError> {
    if is_address(source) {
        let (bytes, _) = poll(fetcher, source, &Validators::default()).await?.unwrap_or_default();
        return Ok(bytes);
    }
    let read = |reason| ProgrammeError::Read { from: source.to_string(), reason };
    let path = Path::new(source);
    if std::fs::metadata(path).map_err(read)?.len() > MAX_IMPORT_BYTES as u64 {
        return Err(ProgrammeError::TooLarge { from: source.to_string() });
    }
    std::fs::read(path).map_err(read)
}

/// Whether `source` is an `http(s)://` address rather than a file.
pub fn is_address(source: &str) -> bool {
    let scheme = |s: &str| source.get(..s.len()).is_some_and(|start| start.eq_ignore_ascii_case(s));
    scheme("http://") || scheme("https://")
}

/// Reads a schedule in any supported format, saying which. A file with no
/// sessions is refused unless `allow_empty`: replacing a programme with
/// nothing is almost always a broken export, and would cancel every session.
pub fn parse(
    bytes: &[u8],
    source: &str,
    options: &ImportOptions,
    allow_empty: bool,
) -> Result<Imported, ProgrammeError> {
    let imported = schedule::import(bytes, options)
        .map_err(|error| ProgrammeError::Unreadable { from: source.to_string(), error })?;
    if imported.schedule.sessions.is_empty() && !allow_empty {
        return Err(ProgrammeError::Empty { from: source.to_string(), format: imported.format.name() });
    }
    Ok(imported)
}

/// What an import knows besides the file: the conference's zone from the
/// settings (`EMCEE_TIME_ZONE`), or the one given for this import, and a
/// title given for it. Never the zone or title of the programme it replaces.
pub fn options(zone: Option<&TimeZone>, title: Option<String>) -> ImportOptions {
    ImportOptions { time_zone: zone.cloned(), title }
}

impl ProgrammeError {
    /// The file gives local times and no zone was set to place them in.
    pub fn needs_zone(&self) -> bool {
        matches!(self, ProgrammeError::Unreadable { error: ImportError::NoZone { .. }, .. })
    }
}

/// What a server said about a version of a document, to ask it next time
/// only for something newer.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Validators {
    pub etag: Option<String>,
    pub last_modified: Option<String>,
}

/// Downloads `url` unless it is unchanged since `known` (HTTP 304 gives
/// `None`), with the validators to send next time.
pub async fn poll(
    fetcher: &Fetcher,
    url: &str,
    known: &Validators,
) -> Result<Option<(Vec<u8>, Validators)>, ProgrammeError> {
    let failed = |reason: reqwest::Error| {
        if crate::fetch::refused(&reason) {
            ProgrammeError::Refused { url: url.to_string(), reason: crate::fetch::Refused }
        } else {
            ProgrammeError::Download { url: url.to_string(), reason: download_failure(&reason) }
        }
    };
    let parsed = reqwest::Url::parse(url)
        .map_err(|e| ProgrammeError::Download { url: url.to_string(), reason: format!("not an address: {e}") })?;
    fetcher.check(&parsed).map_err(|reason| ProgrammeError::Refused { url: url.to_string(), reason })?;
    let client = fetcher.client(FETCH_TIMEOUT).map_err(failed)?;
    let mut request = client.get(parsed);
    if let Some(etag) = &known.etag {
        request = request.header(reqwest::header::IF_NONE_MATCH, etag);
    }
    if let Some(modified) = &known.last_modified {
        request = request.header(reqwest::header::IF_MODIFIED_SINCE, modified);
    }
    let mut response = request.send().await.map_err(failed)?;
    if response.status() == reqwest::StatusCode::NOT_MODIFIED {
        return Ok(None);
    }
    if !response.status().is_success() {
        return Err(ProgrammeError::Status { url: url.to_string(), status: response.status().as_u16() });
    }
    let header = |name: reqwest::header::HeaderName| {
        response.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_string)
    };
    let validators =
        Validators { etag: header(reqwest::header::ETAG), last_modified: header(reqwest::header::LAST_MODIFIED) };
    let mut bytes = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(failed)? {
        if bytes.len() + chunk.len() > MAX_IMPORT_BYTES {
            return Err(ProgrammeError::TooLarge { from: url.to_string() });
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(Some((bytes, validators)))
}

/// What went wrong with a download, in words: a timeout says how long was
/// waited, and the rest names the first cause rather than reqwest's
/// "error sending request".
fn download_failure(error: &reqwest::Error) -> String {
    if error.is_timeout() {
        return format!(
            "the server sent nothing more for {} s; try again, or give another address",
            FETCH_TIMEOUT.as_secs()
        );
    }
    let mut deepest: &dyn std::error::Error = error;
    while let Some(source) = deepest.source() {
        deepest = source;
    }
    if error.is_connect() {
        return format!("could not connect ({deepest})");
    }
    if error.is_body() || error.is_decode() {
        return format!("the server stopped sending ({deepest})");
    }
    deepest.to_string()
}

/// One look at a published programme: imports it when it changed since
/// `validators` were given; problems are logged and tried again next time.
pub async fn sync(fetcher: &Fetcher, store: &Store, url: &str, validators: &mut Validators, zone: Option<&TimeZone>) {
    let polled = match poll(fetcher, url, validators).await {
        Ok(polled) => polled,
        Err(error) => {
            tracing::warn!("schedule sync: {error}");
            return;
        }
    };
    let Some((bytes, fresh)) = polled else { return };
    match parse(&bytes, url, &options(zone, None), false) {
        Ok(imported) => match store.replace_schedule(&imported.schedule, url, jiff::Timestamp::now()).await {
            Ok(applied) => {
                *validators = fresh;
                if !applied.changes.is_empty() {
                    tracing::info!(
                        "schedule sync: {} changes from {url}, version {}",
                        applied.changes.len(),
                        applied.version
                    );
                }
            }
            Err(error) => tracing::warn!("schedule sync: storing {url} failed: {error:#}"),
        },
        Err(error) => tracing::warn!("schedule sync: {error}"),
    }
}

/// Keeps the programme in sync with the export published at
/// `EMCEE_SCHEDULE_URL`, looking every `EMCEE_SCHEDULE_SYNC`, until `stop`
/// completes; once only with `once`. Nothing to do without an address.
pub async fn keep_in_sync(
    settings: &crate::config::Settings,
    store: &Store,
    once: bool,
    stop: impl std::future::Future<Output = ()>,
) {
    let Some(url) = &settings.schedule_url else { return };
    let mut validators = Validators::default();
    tokio::pin!(stop);
    loop {
        let next = tokio::time::Instant::now() + settings.schedule_sync;
        sync(&settings.fetcher, store, url, &mut validators, settings.time_zone.as_ref()).await;
        if once {
            return;
        }
        tokio::select! {
            () = tokio::time::sleep_until(next) => {}
            () = &mut stop => return,
        }
    }
}

/// How often a long-running process looks for a programme changed elsewhere.
const FOLLOW_EVERY: Duration = Duration::from_secs(10);

/// Something that answers with a programme, its recordings and the FAQ,
/// and takes newer ones.
pub trait Follower: Send + Sync {
    fn take(&self, schedule: Schedule);
    fn take_transcripts(&self, stored: Vec<StoredTranscript>);
    fn take_faq(&self, faq: emcee_core::faq::Faq);
}

/// The stored transcripts' revision and FAQ version a follower started from.
#[derive(Debug, Clone, Copy, Default)]
pub struct Started {
    pub transcripts: i64,
    pub faq: i64,
}

/// Hands `follower` each programme, each set of transcripts and each FAQ
/// other processes (imports, sync, other replicas) store; ends when the
/// follower is gone.
pub async fn follow<F: Follower>(store: Store, follower: std::sync::Weak<F>, started: Started) {
    let mut version = None;
    let mut revision = started.transcripts;
    let mut faq_version = started.faq;
    loop {
        tokio::time::sleep(FOLLOW_EVERY).await;
        let Some(follower) = follower.upgrade() else { return };
        match store.load_schedule().await {
            Ok(Some((schedule, stored))) if version != Some(stored) => {
                version = Some(stored);
                follower.take(schedule);
            }
            Ok(_) => {}
            Err(error) => tracing::debug!("looking for a changed programme: {error:#}"),
        }
        match store.transcripts_revision().await {
            Ok(latest) if latest != revision => match store.transcripts().await {
                Ok(stored) => {
                    revision = latest;
                    follower.take_transcripts(stored);
                }
                Err(error) => tracing::debug!("reading the stored transcripts: {error:#}"),
            },
            Ok(_) => {}
            Err(error) => tracing::debug!("looking for new transcripts: {error:#}"),
        }
        match store.faq_version().await {
            Ok(latest) if latest != faq_version => match store.faq().await {
                Ok(Some(stored)) => {
                    faq_version = stored.version;
                    follower.take_faq(stored.faq);
                }
                Ok(None) => faq_version = latest,
                Err(error) => tracing::debug!("reading the stored FAQ: {error:#}"),
            },
            Ok(_) => {}
            Err(error) => tracing::debug!("looking for a new FAQ: {error:#}"),
        }
    }
}
