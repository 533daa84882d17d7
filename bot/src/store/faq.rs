//! The organisers' FAQ as imported (`emcee faq import`, `/faq import`):
//! each import a new version, kept, so that every replica answers from the
//! latest and a re-import says what it changes against it.

use emcee_core::faq::Faq;
use jiff::Timestamp;

use super::{Store, on_pool};

/// The FAQ every replica answers from, and where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredFaq {
    pub version: i64,
    pub source: String,
    pub format: String,
    pub faq: Faq,
}

impl Store {
    /// Stores `faq` as the next version; returns that version.
    pub async fn put_faq(&self, faq: &Faq, source: &str, format: &str, now: Timestamp) -> anyhow::Result<i64> {
        let entries = serde_json::to_string(&faq.entries)?;
        let version = on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            let (latest,): (Option<i64>,) =
                sqlx::query_as("SELECT MAX(version) FROM faq_versions").fetch_one(&mut *tx).await?;
            let version = latest.unwrap_or(0) + 1;
            sqlx::query(
                "INSERT INTO faq_versions (version, source, format, entries, imported_at) VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(version)
            .bind(source)
            .bind(format)
            .bind(&entries)
            .bind(now.as_second())
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            anyhow::Ok(version)
        })?;
        Ok(version)
    }

    /// The latest FAQ stored, if one was ever imported.
    pub async fn faq(&self) -> anyhow::Result<Option<StoredFaq>> {
        let row: Option<(i64, String, String, String)> = on_pool!(self, pool => sqlx::query_as(
            "SELECT version, source, format, entries FROM faq_versions ORDER BY version DESC LIMIT 1"
        ).fetch_optional(pool).await)?;
        let Some((version, source, format, entries)) = row else { return Ok(None) };
        let entries = serde_json::from_str(&entries)
            .map_err(|e| anyhow::anyhow!("the stored FAQ, version {version}, is not readable: {e}"))?;
        Ok(Some(StoredFaq { version, source, format, faq: Faq { entries } }))
    }

    /// The latest FAQ version stored; 0 when none was imported.
    pub async fn faq_version(&self) -> anyhow::Result<i64> {
        let (latest,): (Option<i64>,) =
            on_pool!(self, pool => sqlx::query_as("SELECT MAX(version) FROM faq_versions").fetch_one(pool).await)?;
        Ok(latest.unwrap_or(0))
    }
}
