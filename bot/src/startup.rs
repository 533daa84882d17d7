//! Start-up wiring shared by the commands that answer: the knowledge base
//! read from `data/`, the store opened (and migrated where that cannot
//! wait), the programme loaded, the engine built, the usage log started,
//! and the dispatcher that puts them together — kept in step with the
//! stored programme by [`follow`].

use std::sync::Arc;

use anyhow::Context as _;

use crate::config::Settings;
use crate::dispatch::{Dispatcher, Usage, knowledge_with};
use crate::knowledge;
use crate::store::{Store, StoredTranscript};
use crate::usage::spill::{SPILL_FILE, Spill};
use crate::usage::{UserKeyer, writer};

pub fn load_knowledge(settings: &Settings) -> anyhow::Result<knowledge::Loaded> {
    knowledge::load(&settings.data_dir, settings.time_zone.as_ref())
        .with_context(|| format!("reading the knowledge base in {}", settings.data_dir.display()))
}

/// A knowledge base this large is indexed at start, saying so.
const LARGE_INDEX: usize = 20_000;

/// The engine, and the usage log behind the dispatch path with its writer task.
pub async fn dispatcher(settings: &Settings) -> anyhow::Result<(Dispatcher, writer::WriterHandle)> {
    let loaded = load_knowledge(settings)?;
    let store = Store::open(&settings.database_url)?;
    if matches!(store, Store::Postgres(_)) && settings.usage_key.is_none() && !settings.state_dir_set {
        anyhow::bail!(
            "with DATABASE_URL on PostgreSQL, set EMCEE_USAGE_KEY (or EMCEE_STATE_DIR, where the key is kept) so that every replica keys users alike"
        );
    }
    if matches!(store, Store::Sqlite(_)) {
        // A local file: migrate now, before the writer and /stats could race to do it.
        store.migrate().await.with_context(|| format!("preparing the usage database {}", settings.database_url))?;
    }
    let schedule = crate::programme::load(&store, loaded.schedule, loaded.schedule_file.as_deref()).await;
    let (kb, revision) = match stored_transcripts(&store).await {
        Some((stored, revision)) if !stored.is_empty() => (knowledge_with(&loaded.documents, &stored), revision),
        _ => (loaded.kb, 0),
    };
    let (faq, faq_version) = match stored_faq(&store).await {
        Some(stored) => (Some(stored.faq), stored.version),
        None => (loaded.faq.map(|f| f.imported.faq), 0),
    };
    let mut engine = emcee_core::Engine::new(kb, schedule);
    if let Some(faq) = faq {
        engine = engine.with_faq(faq);
    }
    let engine = Arc::new(engine);
    let documents = engine.knowledge().quotes.len() + engine.schedule().sessions.len();
    if documents >= LARGE_INDEX {
        // Built now rather than on the first search, which would otherwise wait for it in silence.
        eprintln!("indexing {documents} quotes and sessions…");
        let started = std::time::Instant::now();
        engine.warm()?;
        eprintln!("indexed in {:.1?}", started.elapsed());
    }
    let keyer = UserKeyer::load(settings.usage_key.as_deref(), &settings.state_dir)?;
    let spill = Spill::new(settings.state_dir.join(SPILL_FILE));
    let options = writer::Options { durability: settings.usage_durability, ..writer::Options::default() };
    let (log, writer) = writer::start(store.clone(), spill, options);
    let usage = Usage { log, keyer, store, store_queries: settings.usage_store_queries };
    let dispatcher = Dispatcher::new(engine, settings.clock(), Some(usage))
        .with_time_zone(settings.time_zone.clone())
        .with_documents(loaded.documents, revision)
        .with_faq_version(faq_version)
        .with_fetcher(settings.fetcher.clone())
        .with_help(settings.help.clone())
        .with_qa_closes_after(settings.qa_closes_after)
        .with_agenda(crate::dispatch::AgendaSettings {
            public_url: settings.public_url.clone(),
            remind_minutes: u32::try_from(settings.reminder_lead.as_secs() / 60).unwrap_or(u32::MAX),
        });
    Ok((dispatcher, writer))
}

/// How long start-up waits for the stored transcripts before going on without them.
const TRANSCRIPTS_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(3);

/// The transcripts organisers stored and their revision; `None` when the
/// database does not answer (the follower reads them once it does).
async fn stored_transcripts(store: &Store) -> Option<(Vec<StoredTranscript>, i64)> {
    let read = async { anyhow::Ok((store.transcripts().await?, store.transcripts_revision().await?)) };
    match tokio::time::timeout(TRANSCRIPTS_TIMEOUT, read).await {
        Ok(Ok(found)) => Some(found),
        Ok(Err(error)) => {
            tracing::warn!("reading the stored transcripts failed: {error:#}");
            None
        }
        Err(_) => None,
    }
}

/// The FAQ organisers stored, if any and the database answers in time
/// (the follower reads it once it does); else the one in `data/` is used.
async fn stored_faq(store: &Store) -> Option<crate::store::StoredFaq> {
    match tokio::time::timeout(TRANSCRIPTS_TIMEOUT, store.faq()).await {
        Ok(Ok(found)) => found,
        Ok(Err(error)) => {
            tracing::warn!("reading the stored FAQ failed: {error:#}");
            None
        }
        Err(_) => None,
    }
}

/// The store for an operator's command: it must answer now.
pub async fn open_store(settings: &Settings) -> anyhow::Result<Store> {
    let store = Store::open(&settings.database_url)?;
    store.migrate().await.with_context(|| {
        format!("cannot reach the usage database at {} (DATABASE_URL)", redact(&settings.database_url))
    })?;
    Ok(store)
}

/// The programme an operator's command works on: the stored one, or, before
/// any is stored, the one in `data/` (or none).
pub async fn stored_schedule(store: &Store, settings: &Settings) -> anyhow::Result<emcee_core::Schedule> {
    Ok(match store.load_schedule().await? {
        Some((schedule, _)) => schedule,
        None => knowledge::load(&settings.data_dir, settings.time_zone.as_ref())
            .map(|l| l.schedule)
            .unwrap_or_else(|_| emcee_core::Schedule::empty()),
    })
}

/// A database URL without its password, for messages.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let userinfo = &url[scheme + 3..at];
            let user = userinfo.split(':').next().unwrap_or("");
            format!("{}{}:***{}", &url[..scheme + 3], user, &url[at..])
        }
        _ => url.to_string(),
    }
}

/// Keeps `dispatcher` answering with the programme stored by other
/// processes, until it is dropped.
pub fn follow(dispatcher: &Arc<Dispatcher>) -> Option<tokio::task::JoinHandle<()>> {
    let store = dispatcher.store()?;
    let started =
        crate::programme::Started { transcripts: dispatcher.transcripts_revision(), faq: dispatcher.faq_version() };
    Some(tokio::spawn(crate::programme::follow(store, Arc::downgrade(dispatcher), started)))
}

#[cfg(test)]
mod tests {
    #[test]
    fn hides_passwords_in_database_urls() {
        assert_eq!(super::redact("postgres://emcee:s3cret@db:5432/emcee"), "postgres://emcee:***@db:5432/emcee");
        assert_eq!(super::redact("sqlite://emcee.db"), "sqlite://emcee.db");
    }
}
