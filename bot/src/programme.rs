//! The programme as the bot keeps it: read from the database (seeded from
//! `data/schedule.json` on first start), replaced by imports and by
//! organisers' `/schedule` commands, fetched from files or URLs with a size
//! cap.

use std::path::Path;
use std::time::Duration;

use anyhow::{Context as _, bail};
use emcee_core::Schedule;
use emcee_core::schedule::{self, ImportOptions, MAX_IMPORT_BYTES};

use crate::store::Store;

/// How long start-up waits for the database before using the file's programme.
const LOAD_TIMEOUT: Duration = Duration::from_secs(3);
/// How long a download of a schedule may take.
const FETCH_TIMEOUT: Duration = Duration::from_secs(30);

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
                match store.replace_schedule(&from_file, &source, jiff::Timestamp::now()).await {
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
/// [`MAX_IMPORT_BYTES`].
pub async fn fetch(source: &str) -> anyhow::Result<Vec<u8>> {
    if source.starts_with("http://") || source.starts_with("https://") {
        let client = reqwest::Client::builder().timeout(FETCH_TIMEOUT).build()?;
        let mut response = client.get(source).send().await.with_context(|| format!("downloading {source}"))?;
        if !response.status().is_success() {
            bail!("downloading {source}: the server answered {}", response.status());
        }
        let mut bytes = Vec::new();
        while let Some(chunk) = response.chunk().await.with_context(|| format!("downloading {source}"))? {
            if bytes.len() + chunk.len() > MAX_IMPORT_BYTES {
                bail!("{source} is larger than {MAX_IMPORT_BYTES} bytes; schedules that large are refused");
            }
            bytes.extend_from_slice(&chunk);
        }
        Ok(bytes)
    } else {
        let path = Path::new(source);
        let size = std::fs::metadata(path).with_context(|| format!("reading {source}"))?.len();
        if size > MAX_IMPORT_BYTES as u64 {
            bail!("{source} is {size} bytes; schedules larger than {MAX_IMPORT_BYTES} bytes are refused");
        }
        std::fs::read(path).with_context(|| format!("reading {source}"))
    }
}

/// Reads a schedule in any supported format, saying which. A file with no
/// sessions is refused unless `allow_empty`: replacing a programme with
/// nothing is almost always a broken export, and would cancel every session.
pub fn parse(
    bytes: &[u8],
    source: &str,
    options: &ImportOptions,
    allow_empty: bool,
) -> anyhow::Result<(schedule::Format, Schedule)> {
    let (format, schedule) =
        schedule::import(bytes, options).with_context(|| format!("{source} is not a schedule emcee can read"))?;
    if schedule.sessions.is_empty() && !allow_empty {
        bail!(
            "{source} ({}) holds no sessions; nothing was imported (emcee schedule import --allow-empty clears the programme)",
            format.name()
        );
    }
    Ok((format, schedule))
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
pub async fn poll(url: &str, known: &Validators) -> anyhow::Result<Option<(Vec<u8>, Validators)>> {
    let client = reqwest::Client::builder().timeout(FETCH_TIMEOUT).build()?;
    let mut request = client.get(url);
    if let Some(etag) = &known.etag {
        request = request.header(reqwest::header::IF_NONE_MATCH, etag);
    }
    if let Some(modified) = &known.last_modified {
        request = request.header(reqwest::header::IF_MODIFIED_SINCE, modified);
    }
    let mut response = request.send().await.with_context(|| format!("polling {url}"))?;
    if response.status() == reqwest::StatusCode::NOT_MODIFIED {
        return Ok(None);
    }
    if !response.status().is_success() {
        bail!("polling {url}: the server answered {}", response.status());
    }
    let header = |name: reqwest::header::HeaderName| {
        response.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_string)
    };
    let validators =
        Validators { etag: header(reqwest::header::ETAG), last_modified: header(reqwest::header::LAST_MODIFIED) };
    let mut bytes = Vec::new();
    while let Some(chunk) = response.chunk().await.with_context(|| format!("downloading {url}"))? {
        if bytes.len() + chunk.len() > MAX_IMPORT_BYTES {
            bail!("{url} is larger than {MAX_IMPORT_BYTES} bytes; schedules that large are refused");
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(Some((bytes, validators)))
}

/// How often a long-running process looks for a programme changed elsewhere.
const FOLLOW_EVERY: Duration = Duration::from_secs(10);

/// Keeps a dispatcher answering with the stored programme as other
/// processes (imports, sync, other replicas) change it; ends with the dispatcher.
pub async fn follow(dispatcher: std::sync::Weak<crate::dispatch::Dispatcher>) {
    let mut version = None;
    loop {
        tokio::time::sleep(FOLLOW_EVERY).await;
        let Some(dispatcher) = dispatcher.upgrade() else { return };
        let Some(store) = dispatcher.store() else { return };
        match store.load_schedule().await {
            Ok(Some((schedule, stored))) if version != Some(stored) => {
                version = Some(stored);
                dispatcher.use_schedule(schedule);
            }
            Ok(_) => {}
            Err(error) => tracing::debug!("looking for a changed programme: {error:#}"),
        }
    }
}
