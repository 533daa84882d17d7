//! The help desk's questions: each question `/ask` could not answer that
//! went to an organisers' help channel, who waits for its answer, and the
//! answer once given. Claims are made in the database, so that any number
//! of replicas post a question once and send its answer once.

use emcee_core::faq::{Entry, Faq};

use super::{Store, on_pool};

/// A question to pass to the help channel, from one person.
#[derive(Debug, Clone)]
pub struct HelpAsk<'a> {
    pub platform: &'a str,
    pub workspace: &'a str,
    pub question: &'a str,
    /// The question as compared with the others waiting.
    pub folded: &'a str,
    /// The platform's user id, to send the answer to.
    pub asker: &'a str,
    /// The keyed user, for the per-person limit.
    pub user_key: &'a str,
    pub now: i64,
    /// Questions a workspace may pass on an hour.
    pub per_hour: u32,
    /// Questions one person may have waiting an hour.
    pub per_person: u32,
}

/// What came of asking for help.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HelpOutcome {
    /// A new request: the caller posts it to the help channel.
    New(String),
    /// The same question already waits; this person waits for it too.
    Joined(String),
    /// This person already waits for this question.
    AlreadyWaiting,
    /// This person has as many questions waiting this hour as one may.
    PersonLimited,
    /// The workspace has passed on as many questions this hour as it may.
    ChannelLimited,
}

/// A request answered: what was asked, where it was posted, and who waited
/// for it (each of whom is sent the answer, and forgotten).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnsweredHelp {
    pub question: String,
    pub channel: Option<String>,
    pub message: Option<String>,
    pub askers: Vec<String>,
}

/// A question whose askers agreed to be named, and where it was posted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamedHelp {
    pub question: String,
    pub channel: String,
    pub message: String,
    /// The platform ids of those who agreed, in the order they asked.
    pub named: Vec<String>,
}

/// A request as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HelpRequest {
    pub question: String,
    pub platform: String,
    /// The answer, once one was given.
    pub answer: Option<String>,
}

/// An hour, in seconds: the window of both limits.
const HOUR: i64 = 3600;
/// A request not posted this long after it was made never will be (its
/// post failed, or its replica stopped): the next asker makes a new one.
const UNPOSTED_SECONDS: i64 = 60;

impl Store {
    /// Records that `ask.asker` waits for an answer to `ask.question`: it
    /// joins the same question waiting, or becomes a new request within
    /// the limits.
    pub async fn ask_for_help(&self, ask: &HelpAsk<'_>) -> anyhow::Result<HelpOutcome> {
        // On PostgreSQL the request joined is locked until this transaction
        // ends, so that an answer recorded meanwhile waits for the new
        // asker, or the asker, seeing it answered, makes a new request.
        let lock = if matches!(self, Store::Postgres(_)) { " FOR SHARE" } else { "" };
        let waiting_sql = format!(
            "SELECT id, message, asked_at FROM help_requests \
             WHERE platform = $1 AND workspace = $2 AND folded = $3 AND answered_at IS NULL{lock}"
        );
        let outcome = on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            let mut waiting: Option<(String, Option<String>, i64)> = sqlx::query_as(&waiting_sql)
            .bind(ask.platform)
            .bind(ask.workspace)
            .bind(ask.folded)
            .fetch_optional(&mut *tx)
            .await?;
            if let Some((id, None, asked_at)) = &waiting
                && *asked_at < ask.now - UNPOSTED_SECONDS
            {
                for sql in ["DELETE FROM help_askers WHERE request_id = $1", "DELETE FROM help_requests WHERE id = $1"] {
                    sqlx::query(sql).bind(id).execute(&mut *tx).await?;
                }
                waiting = None;
            }
            let (mine,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM help_askers WHERE user_key = $1 AND asked_at > $2")
                .bind(ask.user_key)
                .bind(ask.now - HOUR)
                .fetch_one(&mut *tx)
                .await?;
            let outcome = if let Some((id, _, _)) = waiting {
                let joined = sqlx::query(
                    "INSERT INTO help_askers (request_id, user_key, asker, asked_at) VALUES ($1, $2, $3, $4) \
                     ON CONFLICT DO NOTHING",
                )
                .bind(&id)
                .bind(ask.user_key)
                .bind(ask.asker)
                .bind(ask.now)
                .execute(&mut *tx)
                .await?
                .rows_affected();
                if joined == 1 { HelpOutcome::Joined(id) } else { HelpOutcome::AlreadyWaiting }
            } else if mine >= i64::from(ask.per_person) {
                HelpOutcome::PersonLimited
            } else {
                let (posted,): (i64,) = sqlx::query_as(
                    "SELECT COUNT(*) FROM help_requests WHERE platform = $1 AND workspace = $2 AND asked_at > $3",
                )
                .bind(ask.platform)
                .bind(ask.workspace)
                .bind(ask.now - HOUR)
                .fetch_one(&mut *tx)
                .await?;
                if posted >= i64::from(ask.per_hour) {
                    HelpOutcome::ChannelLimited
                } else {
                    let id = uuid::Uuid::now_v7().to_string();
                    let made = sqlx::query(
                        "INSERT INTO help_requests (id, platform, workspace, question, folded, asked_at) \
                         VALUES ($1, $2, $3, $4, $5, $6) \
                         ON CONFLICT (platform, workspace, folded) WHERE answered_at IS NULL DO NOTHING",
                    )
                    .bind(&id)
                    .bind(ask.platform)
                    .bind(ask.workspace)
                    .bind(ask.question)
                    .bind(ask.folded)
                    .bind(ask.now)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                    if made == 0 {
                        // Another replica made it a moment ago: the caller asks again, and joins.
                        anyhow::bail!("the same question was passed on at the same moment");
                    }
                    sqlx::query(
                        "INSERT INTO help_askers (request_id, user_key, asker, asked_at) VALUES ($1, $2, $3, $4)",
                    )
                    .bind(&id)
                    .bind(ask.user_key)
                    .bind(ask.asker)
                    .bind(ask.now)
                    .execute(&mut *tx)
                    .await?;
                    HelpOutcome::New(id)
                }
            };
            tx.commit().await?;
            anyhow::Ok(outcome)
        })?;
        Ok(outcome)
    }

    /// Where a request was posted: the channel and the platform's message id.
    pub async fn help_posted(&self, id: &str, channel: &str, message: &str) -> anyhow::Result<()> {
        on_pool!(self, pool => sqlx::query("UPDATE help_requests SET channel = $2, message = $3 WHERE id = $1")
            .bind(id)
            .bind(channel)
            .bind(message)
            .execute(pool)
            .await
            .map(|_| ()))?;
        Ok(())
    }

    /// Forgets a request that could not be posted, and who waited for it,
    /// unless it was answered meanwhile.
    pub async fn drop_help(&self, id: &str) -> anyhow::Result<()> {
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            let open: Option<(String,)> =
                sqlx::query_as("SELECT id FROM help_requests WHERE id = $1 AND answered_at IS NULL")
                    .bind(id)
                    .fetch_optional(&mut *tx)
                    .await?;
            if open.is_some() {
                for sql in ["DELETE FROM help_askers WHERE request_id = $1", "DELETE FROM help_requests WHERE id = $1"] {
                    sqlx::query(sql).bind(id).execute(&mut *tx).await?;
                }
            }
            tx.commit().await?;
            anyhow::Ok(())
        })?;
        Ok(())
    }

    /// Forgets one asker of an answered request, once the answer was sent
    /// to them (or could not be).
    pub async fn help_delivered(&self, id: &str, asker: &str) -> anyhow::Result<()> {
        on_pool!(self, pool => sqlx::query("DELETE FROM help_askers WHERE request_id = $1 AND asker = $2")
            .bind(id)
            .bind(asker)
            .execute(pool)
            .await
            .map(|_| ()))?;
        Ok(())
    }

    /// Records that `asker` agreed to be named with request `id`'s
    /// question: the question, where it was posted, and everyone who
    /// agreed, in the order they asked; `None` when they do not wait for
    /// it (answered, or never theirs) or it was not posted yet.
    pub async fn name_help_asker(&self, id: &str, asker: &str) -> anyhow::Result<Option<NamedHelp>> {
        let named = on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            let agreed = sqlx::query("UPDATE help_askers SET named = TRUE WHERE request_id = $1 AND asker = $2")
                .bind(id)
                .bind(asker)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            let posted: Option<(String, Option<String>, Option<String>)> = sqlx::query_as(
                "SELECT question, channel, message FROM help_requests WHERE id = $1 AND answered_at IS NULL",
            )
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
            let named: Vec<(String,)> =
                sqlx::query_as("SELECT asker FROM help_askers WHERE request_id = $1 AND named ORDER BY asked_at")
                    .bind(id)
                    .fetch_all(&mut *tx)
                    .await?;
            tx.commit().await?;
            anyhow::Ok(match posted {
                Some((question, Some(channel), Some(message))) if agreed == 1 => Some(NamedHelp {
                    question,
                    channel,
                    message,
                    named: named.into_iter().map(|(asker,)| asker).collect(),
                }),
                _ => None,
            })
        })?;
        Ok(named)
    }

    /// A request, if there is one with this id.
    pub async fn help_request(&self, id: &str) -> anyhow::Result<Option<HelpRequest>> {
        let row: Option<(String, String, Option<String>)> = on_pool!(self, pool => sqlx::query_as(
            "SELECT question, platform, answer FROM help_requests WHERE id = $1"
        )
        .bind(id)
        .fetch_optional(pool)
        .await)?;
        Ok(row.map(|(question, platform, answer)| HelpRequest { question, platform, answer }))
    }

    /// Records `answer` to request `id` made on `platform`, unless it was
    /// answered already (`None`): the one caller that records it is the one
    /// that sends it, to the askers this returns, each forgotten once sent
    /// ([`help_delivered`](Self::help_delivered)).
    pub async fn answer_help(
        &self,
        id: &str,
        platform: &str,
        answer: &str,
        answered_by: &str,
        now: i64,
    ) -> anyhow::Result<Option<AnsweredHelp>> {
        let answered = on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            let claimed = sqlx::query(
                "UPDATE help_requests SET answer = $3, answered_by = $4, answered_at = $5 \
                 WHERE id = $1 AND platform = $2 AND answered_at IS NULL",
            )
            .bind(id)
            .bind(platform)
            .bind(answer)
            .bind(answered_by)
            .bind(now)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if claimed == 0 {
                return Ok(None);
            }
            let (question, channel, message): (String, Option<String>, Option<String>) =
                sqlx::query_as("SELECT question, channel, message FROM help_requests WHERE id = $1")
                    .bind(id)
                    .fetch_one(&mut *tx)
                    .await?;
            let askers: Vec<(String,)> =
                sqlx::query_as("SELECT asker FROM help_askers WHERE request_id = $1 ORDER BY asked_at")
                    .bind(id)
                    .fetch_all(&mut *tx)
                    .await?;
            tx.commit().await?;
            anyhow::Ok(Some(AnsweredHelp {
                question,
                channel,
                message,
                askers: askers.into_iter().map(|(asker,)| asker).collect(),
            }))
        })?;
        Ok(answered)
    }

    /// Adds `entry` to the latest stored FAQ (or to `current`, when none
    /// was ever stored), answering the same question anew if it is there,
    /// as the next version; returns that version and the FAQ.
    pub async fn add_faq_entry(&self, entry: Entry, current: &Faq, now: jiff::Timestamp) -> anyhow::Result<(i64, Faq)> {
        let mut faq = match self.faq().await? {
            Some(stored) => stored.faq,
            None => current.clone(),
        };
        let folded = emcee_core::text::fold(&entry.question);
        match faq.entries.iter_mut().find(|e| emcee_core::text::fold(&e.question) == folded) {
            Some(same) => *same = entry,
            None => faq.entries.push(entry),
        }
        let version = self.put_faq(&faq, "the help desk", "help desk", now).await?;
        Ok((version, faq))
    }
}
