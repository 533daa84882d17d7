//! Transcripts organisers add (`emcee transcript import`, `/transcript
//! import`): stored whole, as given, with their metadata as the `.toml`
//! beside a file in `data/transcripts/` would hold it, so that every replica
//! reads them exactly as it reads its own files. Each import raises a
//! revision that replicas watch for.

use jiff::Timestamp;

use super::{Store, on_pool};

/// A stored transcript: its name, its text, and its metadata (TOML).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct StoredTranscript {
    pub name: String,
    pub text: String,
    pub meta: String,
}

impl Store {
    /// Stores a transcript under `name`, replacing one of that name; returns the new revision.
    pub async fn put_transcript(&self, transcript: &StoredTranscript, now: Timestamp) -> anyhow::Result<i64> {
        let revision = on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            let (latest,): (Option<i64>,) = sqlx::query_as("SELECT MAX(revision) FROM transcripts").fetch_one(&mut *tx).await?;
            let revision = latest.unwrap_or(0) + 1;
            sqlx::query(
                "INSERT INTO transcripts (name, text, meta, revision, imported_at) VALUES ($1, $2, $3, $4, $5) \
                 ON CONFLICT (name) DO UPDATE SET text = $2, meta = $3, revision = $4, imported_at = $5",
            )
            .bind(&transcript.name)
            .bind(&transcript.text)
            .bind(&transcript.meta)
            .bind(revision)
            .bind(now.as_second())
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            anyhow::Ok(revision)
        })?;
        Ok(revision)
    }

    /// Every stored transcript, by name.
    pub async fn transcripts(&self) -> anyhow::Result<Vec<StoredTranscript>> {
        let rows = on_pool!(self, pool => sqlx::query_as::<_, StoredTranscript>(
            "SELECT name, text, meta FROM transcripts ORDER BY name"
        ).fetch_all(pool).await)?;
        Ok(rows)
    }

    /// The latest revision of the stored transcripts; 0 when there are none.
    pub async fn transcripts_revision(&self) -> anyhow::Result<i64> {
        let (latest,): (Option<i64>,) =
            on_pool!(self, pool => sqlx::query_as("SELECT MAX(revision) FROM transcripts").fetch_one(pool).await)?;
        Ok(latest.unwrap_or(0))
    }
}
