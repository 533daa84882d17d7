//! The database, through sqlx: Postgres in production, an embedded SQLite
//! file by default. The only module that speaks SQL.
//!
//! Both backends share the schema (migrations in `migrations/postgres` and
//! `migrations/sqlite`, applied at start) and almost all SQL text: instants
//! are BIGINT Unix seconds, placeholders are `$1…$N`. Batches go to Postgres
//! as one `INSERT … SELECT FROM UNNEST` and to SQLite as one multi-row
//! insert; both ignore an event id already stored, so replaying never
//! duplicates a row.

use std::str::FromStr;
use std::time::Duration;

use anyhow::Context as _;
use sqlx::postgres::{PgPool, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous};

mod agenda;
mod faq;
mod help;
mod outlets;
mod qa;
mod schedule;
mod transcripts;
mod usage;

pub use agenda::{Claimant, FeedHistory, Person, Preferences, RecordedChange};
pub use faq::StoredFaq;
pub use help::{AnsweredHelp, HelpAsk, HelpOutcome, HelpRequest, NamedHelp};
pub use outlets::{EventState, Fans, KeynoteEvent};
pub use qa::{QaAsk, QaAsked};
pub use schedule::Applied;
pub use transcripts::StoredTranscript;
pub use usage::UsageEvent;

/// `text` as both backends can store it: a NUL, which PostgreSQL's text
/// cannot hold, becomes U+FFFD (Rust's strings are UTF-8, so a UTF-8
/// database holds every other character). What people type or platforms
/// send passes through here before any table: usage events, and each
/// person's agenda rows.
pub fn storable(text: &str) -> String {
    text.replace('\0', "\u{fffd}")
}

/// What a usage event keeps of a line: a line the bot refuses as too long
/// ([`emcee_core::command::MAX_INPUT_CHARS`]) is kept to that length and
/// marked cut, so that refused input cannot grow the log.
pub fn bounded(text: &str) -> String {
    let limit = emcee_core::command::MAX_INPUT_CHARS;
    match text.char_indices().nth(limit) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_string(),
    }
}

/// A pool on one of the two backends.
#[derive(Clone, Debug)]
pub enum Store {
    Postgres(PgPool),
    Sqlite(SqlitePool),
}

/// Runs the same code against whichever pool the store holds.
macro_rules! on_pool_impl {
    ($store:expr, $pool:ident => $body:expr) => {
        match $store {
            Store::Postgres($pool) => $body,
            Store::Sqlite($pool) => $body,
        }
    };
}
use on_pool_impl as on_pool;

/// Runs the same code against whichever transaction the store opened.
macro_rules! in_transaction_impl {
    ($store:expr, $tx:ident => $body:block) => {
        match $store {
            Store::Postgres(pool) => {
                let mut $tx = pool.begin().await?;
                let result = $body;
                $tx.commit().await?;
                result
            }
            // Writing from the start: a transaction that reads first and then
            // writes fails at once ("database is locked") when another
            // connection (the usage writer) committed in between, where one
            // that begins IMMEDIATE waits its turn for the busy timeout.
            Store::Sqlite(pool) => {
                let mut $tx = pool.begin_with("BEGIN IMMEDIATE").await?;
                let result = $body;
                $tx.commit().await?;
                result
            }
        }
    };
}
use in_transaction_impl as in_transaction;

/// How long a caller waits for a connection before giving up.
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(3);

/// WAL pages after which a commit copies them back into the SQLite file.
/// SQLite's default of 1,000 makes each copy a run of several milliseconds
/// on the core the replies share; with 200 no run of SQLite's thread
/// reaches 2 ms, for about the same work in all.
const WAL_CHECKPOINT_PAGES: u32 = 200;

impl Store {
    /// A pool for `url` that connects on first use, so that a database that
    /// is down never delays start-up or a reply. A SQLite file is created
    /// when missing.
    pub fn open(url: &str) -> anyhow::Result<Store> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let pool = PgPoolOptions::new()
                .max_connections(4)
                .acquire_timeout(ACQUIRE_TIMEOUT)
                .connect_lazy(url)
                .context("DATABASE_URL is not a valid postgres:// URL")?;
            Ok(Store::Postgres(pool))
        } else if url.starts_with("sqlite:") {
            let options = SqliteConnectOptions::from_str(url)
                .with_context(|| format!("DATABASE_URL `{url}` is not a valid sqlite: URL"))?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .pragma("wal_autocheckpoint", WAL_CHECKPOINT_PAGES.to_string())
                .synchronous(SqliteSynchronous::Normal)
                .busy_timeout(Duration::from_secs(5));
            let pool =
                SqlitePoolOptions::new().max_connections(4).acquire_timeout(ACQUIRE_TIMEOUT).connect_lazy_with(options);
            Ok(Store::Sqlite(pool))
        } else {
            anyhow::bail!(
                "DATABASE_URL must start with postgres:// or sqlite: (it starts with `{}`)",
                url.split(':').next().unwrap_or("")
            )
        }
    }

    /// Applies the migrations not yet applied.
    pub async fn migrate(&self) -> anyhow::Result<()> {
        match self {
            Store::Postgres(pool) => sqlx::migrate!("./migrations/postgres").run(pool).await?,
            Store::Sqlite(pool) => sqlx::migrate!("./migrations/sqlite").run(pool).await?,
        }
        Ok(())
    }

    /// Whether the database answers.
    pub async fn ping(&self) -> anyhow::Result<()> {
        on_pool!(self, pool => sqlx::query("SELECT 1").execute(pool).await.map(|_| ()))?;
        Ok(())
    }

    /// Why the database refused a write for what it held, or `None` when it
    /// failed for any other reason (a connection, a timeout, a database
    /// that is down), which a retry may cure. A refusal is PostgreSQL's
    /// SQLSTATE class 22 (data exception: a NUL, a character the encoding
    /// lacks, a number out of range) or 23 (integrity), or SQLite's
    /// constraint, type, size or range error: the same rows would be
    /// refused again.
    pub fn refusal(error: &anyhow::Error) -> Option<String> {
        let Some(sqlx::Error::Database(database)) = error.downcast_ref::<sqlx::Error>() else { return None };
        let code = database.code()?;
        let refused = if database.try_downcast_ref::<sqlx::postgres::PgDatabaseError>().is_some() {
            code.starts_with("22") || code.starts_with("23")
        } else if database.try_downcast_ref::<sqlx::sqlite::SqliteError>().is_some() {
            // Extended result codes: the primary code is the low byte.
            const TOOBIG: i32 = 18;
            const CONSTRAINT: i32 = 19;
            const MISMATCH: i32 = 20;
            const RANGE: i32 = 25;
            code.parse::<i32>().is_ok_and(|c| matches!(c & 0xff, TOOBIG | CONSTRAINT | MISMATCH | RANGE))
        } else {
            false
        };
        refused.then(|| format!("{} (code {code})", database.message()))
    }

    /// Closes the pool, waiting for connections in use.
    pub async fn close(&self) {
        on_pool!(self, pool => pool.close().await)
    }
}
