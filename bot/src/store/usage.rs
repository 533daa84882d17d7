//! The usage log's table: its row type, batched inserts that never store an
//! event twice, the statistics `/stats` and `emcee stats` show, retention and
//! forgetting a person.

use emcee_core::stats::{Count, Day, Latency, UsageSummary};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::{Store, on_pool};

/// One command answered, as stored in `usage_events`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, sqlx::FromRow)]
pub struct UsageEvent {
    /// A UUIDv7, made where the command arrived.
    pub event_id: String,
    /// Unix seconds.
    pub occurred_at: i64,
    pub platform: String,
    pub workspace: String,
    pub channel: String,
    /// A keyed hash of the platform's user id, never the id itself.
    pub user_key: String,
    pub command: String,
    pub query: Option<String>,
    pub status: String,
    pub result_count: i32,
    pub latency_us: i64,
    pub source_kind: Option<String>,
}

impl UsageEvent {
    /// The event with every text field storable on both backends
    /// ([`storable`](super::storable)) and its query no longer than a line
    /// the bot accepts ([`bounded`](super::bounded)). Events
    /// are made storable where they are made, so that one user's byte never
    /// costs a batch; a refusal for any other reason is still found and set
    /// aside by the writer.
    pub fn storable(mut self) -> UsageEvent {
        if let Some(query) = &mut self.query {
            *query = super::bounded(query);
        }
        let texts = [
            &mut self.event_id,
            &mut self.platform,
            &mut self.workspace,
            &mut self.channel,
            &mut self.user_key,
            &mut self.command,
            &mut self.status,
        ];
        for text in texts.into_iter().chain([&mut self.query, &mut self.source_kind].into_iter().flatten()) {
            if text.contains('\0') {
                *text = super::storable(text);
            }
        }
        self
    }
}

impl Store {
    /// Stores a batch in one statement and one transaction; events whose id
    /// is already stored are skipped. Returns how many rows were new.
    pub async fn insert_events(&self, events: &[UsageEvent]) -> anyhow::Result<u64> {
        if events.is_empty() {
            return Ok(0);
        }
        let inserted = match self {
            Store::Postgres(pool) => {
                let column = |f: fn(&UsageEvent) -> String| events.iter().map(f).collect::<Vec<String>>();
                sqlx::query(
                    "INSERT INTO usage_events (event_id, occurred_at, platform, workspace, channel, user_key, command, \
                     query, status, result_count, latency_us, source_kind) \
                     SELECT * FROM UNNEST($1::text[], $2::int8[], $3::text[], $4::text[], $5::text[], $6::text[], \
                     $7::text[], $8::text[], $9::text[], $10::int4[], $11::int8[], $12::text[]) \
                     ON CONFLICT (event_id) DO NOTHING",
                )
                .bind(column(|e| e.event_id.clone()))
                .bind(events.iter().map(|e| e.occurred_at).collect::<Vec<i64>>())
                .bind(column(|e| e.platform.clone()))
                .bind(column(|e| e.workspace.clone()))
                .bind(column(|e| e.channel.clone()))
                .bind(column(|e| e.user_key.clone()))
                .bind(column(|e| e.command.clone()))
                .bind(events.iter().map(|e| e.query.clone()).collect::<Vec<Option<String>>>())
                .bind(column(|e| e.status.clone()))
                .bind(events.iter().map(|e| e.result_count).collect::<Vec<i32>>())
                .bind(events.iter().map(|e| e.latency_us).collect::<Vec<i64>>())
                .bind(events.iter().map(|e| e.source_kind.clone()).collect::<Vec<Option<String>>>())
                .execute(pool)
                .await?
                .rows_affected()
            }
            Store::Sqlite(pool) => {
                let mut tx = pool.begin().await?;
                let mut inserted = 0;
                // 64 rows to a statement: one statement text for every full
                // chunk, prepared once and cached, and short steps that leave
                // the core to the replies in between.
                for chunk in events.chunks(64) {
                    // OR IGNORE rather than ON CONFLICT DO NOTHING: with every
                    // conflict ignored the statement can never stop halfway,
                    // so SQLite keeps no statement journal for it.
                    let mut insert = sqlx::QueryBuilder::<sqlx::Sqlite>::new(
                        "INSERT OR IGNORE INTO usage_events (event_id, occurred_at, platform, workspace, channel, \
                         user_key, command, query, status, result_count, latency_us, source_kind) ",
                    );
                    insert.push_values(chunk, |mut row, e| {
                        row.push_bind(e.event_id.as_str())
                            .push_bind(e.occurred_at)
                            .push_bind(e.platform.as_str())
                            .push_bind(e.workspace.as_str())
                            .push_bind(e.channel.as_str())
                            .push_bind(e.user_key.as_str())
                            .push_bind(e.command.as_str())
                            .push_bind(e.query.as_deref())
                            .push_bind(e.status.as_str())
                            .push_bind(e.result_count)
                            .push_bind(e.latency_us)
                            .push_bind(e.source_kind.as_deref());
                    });
                    inserted += insert.build().execute(&mut *tx).await?.rows_affected();
                    // SQLite's thread runs a statement the moment it is sent,
                    // ahead of this one on a shared core, and has answered
                    // before this task looks again: without a yield the
                    // whole batch runs in one poll and holds up every reply.
                    tokio::task::yield_now().await;
                }
                tx.commit().await?;
                inserted
            }
        };
        Ok(inserted)
    }

    /// Usage from `since` to `until`.
    pub async fn summary(&self, since: Timestamp, until: Timestamp) -> anyhow::Result<UsageSummary> {
        let (from, to) = (since.as_second(), until.as_second());
        let counts = |sql: &'static str| async move {
            let rows: Vec<(String, i64)> =
                on_pool!(self, pool => sqlx::query_as(sql).bind(from).bind(to).fetch_all(pool).await)?;
            anyhow::Ok(rows.into_iter().map(|(name, events)| Count::new(name, events as u64)).collect::<Vec<_>>())
        };
        let (total, users): (i64, i64) = on_pool!(self, pool => sqlx::query_as(
            "SELECT COUNT(*), COUNT(DISTINCT user_key) FROM usage_events WHERE occurred_at >= $1 AND occurred_at <= $2"
        ).bind(from).bind(to).fetch_one(pool).await)?;
        let by_command = counts(
            "SELECT command, COUNT(*) FROM usage_events WHERE occurred_at >= $1 AND occurred_at <= $2 \
             GROUP BY command ORDER BY COUNT(*) DESC, command",
        )
        .await?;
        let by_platform = counts(
            "SELECT platform, COUNT(*) FROM usage_events WHERE occurred_at >= $1 AND occurred_at <= $2 \
             GROUP BY platform ORDER BY COUNT(*) DESC, platform",
        )
        .await?;
        let top_queries = counts(
            "SELECT lower(query), COUNT(*) FROM usage_events WHERE occurred_at >= $1 AND occurred_at <= $2 \
             AND query IS NOT NULL AND command IN ('bio', 'quote', 'talks', 'ask') \
             GROUP BY lower(query) ORDER BY COUNT(*) DESC, lower(query) LIMIT 10",
        )
        .await?;
        let unanswered = counts(
            "SELECT lower(query), COUNT(*) FROM usage_events WHERE occurred_at >= $1 AND occurred_at <= $2 \
             AND query IS NOT NULL AND status = 'not_found' \
             GROUP BY lower(query) ORDER BY COUNT(*) DESC, lower(query) LIMIT 100",
        )
        .await?;
        // The hundred most asked, grouped when they are paraphrases: some
        // milliseconds of embedding, kept off the threads that answer.
        let unanswered = tokio::task::spawn_blocking(move || {
            emcee_core::stats::group_paraphrases(unanswered, emcee_core::stats::UNANSWERED_SHOWN)
        })
        .await?;
        let days: Vec<(i64, i64, i64)> = on_pool!(self, pool => sqlx::query_as(
            "SELECT occurred_at / 86400, COUNT(*), COUNT(DISTINCT user_key) FROM usage_events \
             WHERE occurred_at >= $1 AND occurred_at <= $2 GROUP BY occurred_at / 86400 ORDER BY 1"
        ).bind(from).bind(to).fetch_all(pool).await)?;
        let by_day = days
            .into_iter()
            .filter_map(|(day, events, users)| {
                let at = Timestamp::from_second(day * 86_400).ok()?;
                Some(Day {
                    day: at.to_zoned(jiff::tz::TimeZone::UTC).date(),
                    events: events as u64,
                    users: users as u64,
                })
            })
            .collect();
        let latency: Vec<(String, i64, i64, i64, i64)> = on_pool!(self, pool => sqlx::query_as(
            "WITH ranked AS ( \
                SELECT command, latency_us, \
                       ROW_NUMBER() OVER (PARTITION BY command ORDER BY latency_us) AS n, \
                       COUNT(*) OVER (PARTITION BY command) AS total \
                FROM usage_events WHERE occurred_at >= $1 AND occurred_at <= $2) \
             SELECT command, MAX(total), \
                    MIN(CASE WHEN n >= 0.50 * total THEN latency_us END), \
                    MIN(CASE WHEN n >= 0.95 * total THEN latency_us END), \
                    MIN(CASE WHEN n >= 0.99 * total THEN latency_us END) \
             FROM ranked GROUP BY command ORDER BY command"
        ).bind(from).bind(to).fetch_all(pool).await)?;
        let latency = latency
            .into_iter()
            .map(|(command, events, p50, p95, p99)| Latency {
                command,
                events: events as u64,
                p50_us: p50 as u64,
                p95_us: p95 as u64,
                p99_us: p99 as u64,
            })
            .collect();
        let (questions, answered, votes): (i64, i64, i64) = on_pool!(self, pool => sqlx::query_as(
            "SELECT COUNT(*), COUNT(answered_at), CAST(COALESCE(SUM(votes), 0) AS BIGINT) FROM qa_questions \
             WHERE asked_at >= $1 AND asked_at <= $2 AND removed_at IS NULL",
        )
        .bind(from)
        .bind(to)
        .fetch_one(pool)
        .await)?;
        let audience = emcee_core::stats::Audience {
            questions: questions as u64,
            answered: answered as u64,
            votes: votes.max(0) as u64,
        };
        Ok(UsageSummary {
            since,
            until,
            total: total as u64,
            users: users as u64,
            by_command,
            by_platform,
            by_day,
            top_queries,
            unanswered,
            latency,
            audience,
        })
    }

    /// Deletes events older than `before`, and forgets who has waited
    /// since before then for a help desk answer; returns how many events.
    pub async fn prune(&self, before: Timestamp) -> anyhow::Result<u64> {
        let done = on_pool!(self, pool => sqlx::query("DELETE FROM usage_events WHERE occurred_at < $1")
            .bind(before.as_second()).execute(pool).await.map(|r| r.rows_affected()))?;
        for sql in ["DELETE FROM help_askers WHERE asked_at < $1", "DELETE FROM qa_askers WHERE last_asked < $1"] {
            on_pool!(self, pool => sqlx::query(sql).bind(before.as_second()).execute(pool).await.map(|_| ()))?;
        }
        Ok(done)
    }

    /// Deletes every event of one person, by their key, and what ties
    /// them to audience questions (their votes, and their questions, which
    /// stay for the others who voted on them); returns how many events.
    pub async fn forget(&self, user_key: &str) -> anyhow::Result<u64> {
        let done = on_pool!(self, pool => sqlx::query("DELETE FROM usage_events WHERE user_key = $1")
            .bind(user_key).execute(pool).await.map(|r| r.rows_affected()))?;
        self.forget_qa(user_key).await?;
        Ok(done)
    }

    /// Every stored event, oldest first: for tests and exports.
    pub async fn events(&self) -> anyhow::Result<Vec<UsageEvent>> {
        let rows = on_pool!(self, pool => sqlx::query_as::<_, UsageEvent>(
            "SELECT event_id, occurred_at, platform, workspace, channel, user_key, command, query, status, \
             result_count, latency_us, source_kind FROM usage_events ORDER BY occurred_at, event_id"
        ).fetch_all(pool).await)?;
        Ok(rows)
    }
}
