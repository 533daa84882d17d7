//! Audience questions (`/qa`): each question once per session, one vote
//! per person per question, what organisers marked, and the room each
//! channel asks. Every change is one statement or one transaction, so any
//! number of replicas count each vote once.

use emcee_core::command::QaMark;
use emcee_core::engine::qa::Question;
use jiff::Timestamp;

use super::{Store, in_transaction, on_pool};

/// A question to store, from one person.
#[derive(Debug, Clone)]
pub struct QaAsk<'a> {
    pub platform: &'a str,
    pub workspace: &'a str,
    pub channel: &'a str,
    pub session_id: &'a str,
    pub question: &'a str,
    /// The question as compared with the session's others.
    pub folded: &'a str,
    pub user_key: &'a str,
    /// The platform's id of the asker, when they chose to be shown.
    pub asker: Option<&'a str>,
    pub now: i64,
    /// Questions one person may ask in [`QaAsk::per_window`] seconds.
    pub per_person: u32,
    pub per_window: i64,
}

/// What came of asking.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QaAsked {
    /// A new question, to post.
    New(Question),
    /// The session already has this question: the asker's vote was added
    /// to it (or was there already).
    Existing(Question),
    /// This person asked as many questions as one may for now.
    Limited,
}

/// A question's columns, in the order [`row`] reads them.
const COLUMNS: &str = "id, platform, session_id, question, asker, asked_at, votes, pinned, \
                       answered_at IS NOT NULL, hidden_at IS NOT NULL, removed_at IS NOT NULL";

type Row = (i64, String, String, String, Option<String>, i64, i64, bool, bool, bool, bool);

fn row((id, platform, session_id, text, asker, asked_at, votes, pinned, answered, hidden, removed): Row) -> Question {
    Question {
        id,
        platform,
        session_id,
        text,
        asker,
        asked_at: Timestamp::from_second(asked_at).unwrap_or_default(),
        votes,
        answered,
        pinned,
        hidden,
        removed,
    }
}

impl Store {
    /// Stores `ask` as a new question of its session, or, when the session
    /// has it already, as the asker's vote for it.
    pub async fn ask_qa(&self, ask: &QaAsk<'_>) -> anyhow::Result<QaAsked> {
        let existing_sql = format!("SELECT {COLUMNS} FROM qa_questions WHERE session_id = $1 AND folded = $2");
        let asked = in_transaction!(self, tx => {
            // The asker's row first: their other questions being asked now wait for this one.
            sqlx::query(
                "INSERT INTO qa_askers (user_key, last_asked) VALUES ($1, $2) \
                 ON CONFLICT (user_key) DO UPDATE SET last_asked = excluded.last_asked",
            )
            .bind(ask.user_key)
            .bind(ask.now)
            .execute(&mut *tx)
            .await?;
            let (mine,): (i64,) =
                sqlx::query_as("SELECT COUNT(*) FROM qa_questions WHERE user_key = $1 AND asked_at > $2")
                    .bind(ask.user_key)
                    .bind(ask.now - ask.per_window)
                    .fetch_one(&mut *tx)
                    .await?;
            let existing: Option<Row> =
                sqlx::query_as(&existing_sql).bind(ask.session_id).bind(ask.folded).fetch_optional(&mut *tx).await?;
            // Asked by two people at once, the second insert finds the first's row and does nothing.
            let inserted: Option<(i64,)> = match existing {
                Some(_) => None,
                None if mine >= i64::from(ask.per_person) => return Ok(QaAsked::Limited),
                None => {
                    sqlx::query_as(
                        "INSERT INTO qa_questions \
                         (platform, workspace, channel, session_id, question, folded, user_key, asker, asked_at) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
                         ON CONFLICT (session_id, folded) DO NOTHING RETURNING id",
                    )
                    .bind(ask.platform)
                    .bind(ask.workspace)
                    .bind(ask.channel)
                    .bind(ask.session_id)
                    .bind(ask.question)
                    .bind(ask.folded)
                    .bind(ask.user_key)
                    .bind(ask.asker)
                    .bind(ask.now)
                    .fetch_optional(&mut *tx)
                    .await?
                }
            };
            match inserted {
                Some((id,)) => QaAsked::New(Question {
                    id,
                    platform: ask.platform.to_string(),
                    session_id: ask.session_id.to_string(),
                    text: ask.question.to_string(),
                    asker: ask.asker.map(str::to_string),
                    asked_at: Timestamp::from_second(ask.now).unwrap_or_default(),
                    votes: 0,
                    answered: false,
                    pinned: false,
                    hidden: false,
                    removed: false,
                }),
                None => {
                    let existing: Row = sqlx::query_as(&existing_sql)
                        .bind(ask.session_id)
                        .bind(ask.folded)
                        .fetch_one(&mut *tx)
                        .await?;
                    let question = row(existing);
                    // A question taken down takes no votes.
                    if question.removed || question.hidden {
                        QaAsked::Existing(question)
                    } else {
                        let voted = sqlx::query(
                            "INSERT INTO qa_votes (question_id, user_key, voted_at) VALUES ($1, $2, $3) \
                             ON CONFLICT DO NOTHING",
                        )
                        .bind(question.id)
                        .bind(ask.user_key)
                        .bind(ask.now)
                        .execute(&mut *tx)
                        .await?
                        .rows_affected();
                        let (votes,): (i64,) = sqlx::query_as(
                            "UPDATE qa_questions SET votes = votes + $2 WHERE id = $1 RETURNING votes",
                        )
                        .bind(question.id)
                        .bind(i64::try_from(voted).unwrap_or(0))
                        .fetch_one(&mut *tx)
                        .await?;
                        QaAsked::Existing(Question { votes, ..question })
                    }
                }
            }
        });
        Ok(asked)
    }

    /// Where question `id` was posted for votes: platform, channel and message.
    pub async fn qa_post(&self, id: i64) -> anyhow::Result<Option<(String, String, String)>> {
        let posted: Option<(String, Option<String>, Option<String>)> = on_pool!(self, pool => sqlx::query_as(
            "SELECT platform, post_channel, post_message FROM qa_questions WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(pool)
        .await)?;
        Ok(posted.and_then(|(platform, channel, message)| Some((platform, channel?, message?))))
    }

    /// The channels where a session's questions were posted, by platform,
    /// whose list of them no one has claimed yet ([`claim_qa_summary`](Self::claim_qa_summary)).
    pub async fn qa_unlisted_channels(&self, session_id: &str) -> anyhow::Result<Vec<(String, String)>> {
        Ok(on_pool!(self, pool => sqlx::query_as(
            "SELECT DISTINCT q.platform, q.post_channel FROM qa_questions q \
             WHERE q.session_id = $1 AND q.post_channel IS NOT NULL AND NOT EXISTS ( \
                 SELECT 1 FROM qa_summaries s \
                 WHERE s.session_id = q.session_id AND s.platform = q.platform AND s.channel = q.post_channel) \
             ORDER BY q.platform, q.post_channel",
        )
        .bind(session_id)
        .fetch_all(pool)
        .await)?)
    }

    /// Claims the posting of a session's list of questions in `channel`:
    /// `true` for the one caller that claims it, whatever the replicas.
    pub async fn claim_qa_summary(
        &self,
        session_id: &str,
        platform: &str,
        channel: &str,
        now: i64,
    ) -> anyhow::Result<bool> {
        let claimed = on_pool!(self, pool => sqlx::query(
            "INSERT INTO qa_summaries (session_id, platform, channel, posted_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT DO NOTHING",
        )
        .bind(session_id)
        .bind(platform)
        .bind(channel)
        .bind(now)
        .execute(pool)
        .await
        .map(|done| done.rows_affected()))?;
        Ok(claimed == 1)
    }

    /// Gives a claim back, when the list could not be posted: the next
    /// look claims it again.
    pub async fn release_qa_summary(&self, session_id: &str, platform: &str, channel: &str) -> anyhow::Result<()> {
        on_pool!(self, pool => sqlx::query(
            "DELETE FROM qa_summaries WHERE session_id = $1 AND platform = $2 AND channel = $3",
        )
        .bind(session_id)
        .bind(platform)
        .bind(channel)
        .execute(pool)
        .await
        .map(|_| ()))?;
        Ok(())
    }

    /// Records where question `id` was posted.
    pub async fn set_qa_post(&self, id: i64, channel: &str, message: &str) -> anyhow::Result<()> {
        on_pool!(self, pool => sqlx::query("UPDATE qa_questions SET post_channel = $2, post_message = $3 WHERE id = $1")
            .bind(id)
            .bind(channel)
            .bind(message)
            .execute(pool)
            .await
            .map(|_| ()))?;
        Ok(())
    }

    /// Forgets one person's part in audience questions: their votes taken
    /// back, their questions kept for those who voted on them, but no
    /// longer theirs (nor named), their marks kept without their key, and
    /// their links to a speaker, made or received, gone or unsigned.
    pub async fn forget_qa(&self, user_key: &str) -> anyhow::Result<()> {
        in_transaction!(self, tx => {
            for sql in [
                "UPDATE qa_questions SET votes = votes - 1 \
                 WHERE id IN (SELECT question_id FROM qa_votes WHERE user_key = $1)",
                "DELETE FROM qa_votes WHERE user_key = $1",
                "UPDATE qa_questions SET asker = NULL, user_key = '' WHERE user_key = $1",
                "DELETE FROM qa_askers WHERE user_key = $1",
                "DELETE FROM qa_speakers WHERE user_key = $1",
                "UPDATE qa_speakers SET linked_by = '' WHERE linked_by = $1",
                "UPDATE qa_questions SET answered_by = NULL WHERE answered_by = $1",
                "UPDATE qa_questions SET hidden_by = NULL WHERE hidden_by = $1",
                "UPDATE qa_questions SET removed_by = NULL WHERE removed_by = $1",
            ] {
                sqlx::query(sql).bind(user_key).execute(&mut *tx).await?;
            }
        });
        Ok(())
    }

    /// The question with this id.
    pub async fn qa_question(&self, id: i64) -> anyhow::Result<Option<Question>> {
        let sql = format!("SELECT {COLUMNS} FROM qa_questions WHERE id = $1");
        let found: Option<Row> = on_pool!(self, pool => sqlx::query_as(&sql).bind(id).fetch_optional(pool).await)?;
        Ok(found.map(row))
    }

    /// `user_key`'s vote for question `id`, or, when they had voted, their
    /// vote taken back: the question as it now stands; `None` when there
    /// is no such question.
    pub async fn vote_qa(&self, id: i64, user_key: &str, now: i64) -> anyhow::Result<Option<Question>> {
        let sql = format!("SELECT {COLUMNS} FROM qa_questions WHERE id = $1");
        let voted = in_transaction!(self, tx => {
            let added = sqlx::query(
                "INSERT INTO qa_votes (question_id, user_key, voted_at) \
                 SELECT id, $2, $3 FROM qa_questions WHERE id = $1 AND removed_at IS NULL AND hidden_at IS NULL \
                 ON CONFLICT DO NOTHING",
            )
            .bind(id)
            .bind(user_key)
            .bind(now)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            let change: i64 = if added > 0 {
                1
            } else {
                let taken = sqlx::query("DELETE FROM qa_votes WHERE question_id = $1 AND user_key = $2")
                    .bind(id)
                    .bind(user_key)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                if taken > 0 { -1 } else { 0 }
            };
            if change != 0 {
                sqlx::query("UPDATE qa_questions SET votes = votes + $2 WHERE id = $1")
                    .bind(id)
                    .bind(change)
                    .execute(&mut *tx)
                    .await?;
            }
            let found: Option<Row> = sqlx::query_as(&sql).bind(id).fetch_optional(&mut *tx).await?;
            found.map(row)
        });
        Ok(voted)
    }

    /// Marks question `id` as `by` (a keyed user) asks: answered, hidden
    /// or removed once (the first mark stands), pinned or, when pinned,
    /// unpinned. The question as it now stands; `None` when there is none.
    pub async fn mark_qa(&self, id: i64, mark: QaMark, by: &str, now: i64) -> anyhow::Result<Option<Question>> {
        let column = match mark {
            QaMark::Answered => "answered",
            QaMark::Hidden => "hidden",
            QaMark::Removed => "removed",
            QaMark::Pinned => {
                on_pool!(self, pool => sqlx::query("UPDATE qa_questions SET pinned = NOT pinned WHERE id = $1")
                    .bind(id)
                    .execute(pool)
                    .await
                    .map(|_| ()))?;
                return self.qa_question(id).await;
            }
        };
        let sql =
            format!("UPDATE qa_questions SET {column}_at = $2, {column}_by = $3 WHERE id = $1 AND {column}_at IS NULL");
        on_pool!(self, pool => sqlx::query(&sql).bind(id).bind(now).bind(by).execute(pool).await.map(|_| ()))?;
        self.qa_question(id).await
    }

    /// Every question of a session, whatever was marked on them, in the
    /// order they were asked.
    pub async fn qa_questions(&self, session_id: &str) -> anyhow::Result<Vec<Question>> {
        let sql = format!("SELECT {COLUMNS} FROM qa_questions WHERE session_id = $1 ORDER BY id");
        let rows: Vec<Row> = on_pool!(self, pool => sqlx::query_as(&sql).bind(session_id).fetch_all(pool).await)?;
        Ok(rows.into_iter().map(row).collect())
    }

    /// Lets the account keyed `user_key` mark `speaker`'s sessions'
    /// questions, as organiser `by` (keyed) decided at `now`.
    pub async fn link_qa_speaker(&self, user_key: &str, speaker: &str, by: &str, now: i64) -> anyhow::Result<()> {
        on_pool!(self, pool => sqlx::query(
            "INSERT INTO qa_speakers (user_key, speaker, linked_by, linked_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (user_key, speaker) DO UPDATE SET linked_by = excluded.linked_by, linked_at = excluded.linked_at",
        )
        .bind(user_key)
        .bind(speaker)
        .bind(by)
        .bind(now)
        .execute(pool)
        .await
        .map(|_| ()))?;
        Ok(())
    }

    /// Unlinks every account from `speaker` (in any ASCII case): how many were linked.
    pub async fn unlink_qa_speaker(&self, speaker: &str) -> anyhow::Result<u64> {
        let done = on_pool!(self, pool => sqlx::query("DELETE FROM qa_speakers WHERE lower(speaker) = lower($1)")
            .bind(speaker)
            .execute(pool)
            .await
            .map(|done| done.rows_affected()))?;
        Ok(done)
    }

    /// The speakers the account keyed `user_key` is linked to.
    pub async fn qa_speakers_of(&self, user_key: &str) -> anyhow::Result<Vec<String>> {
        let rows: Vec<(String,)> = on_pool!(self, pool => sqlx::query_as(
            "SELECT speaker FROM qa_speakers WHERE user_key = $1 ORDER BY speaker",
        )
        .bind(user_key)
        .fetch_all(pool)
        .await)?;
        Ok(rows.into_iter().map(|(speaker,)| speaker).collect())
    }

    /// The room a channel asks by default.
    pub async fn qa_room(&self, platform: &str, workspace: &str, channel: &str) -> anyhow::Result<Option<String>> {
        let room: Option<(String,)> = on_pool!(self, pool => sqlx::query_as(
            "SELECT room FROM qa_rooms WHERE platform = $1 AND workspace = $2 AND channel = $3",
        )
        .bind(platform)
        .bind(workspace)
        .bind(channel)
        .fetch_optional(pool)
        .await)?;
        Ok(room.map(|(room,)| room))
    }

    /// Ties a channel to `room`, or, with `None`, unties it.
    pub async fn set_qa_room(
        &self,
        platform: &str,
        workspace: &str,
        channel: &str,
        room: Option<&str>,
    ) -> anyhow::Result<()> {
        let done = match room {
            Some(room) => on_pool!(self, pool => sqlx::query(
                "INSERT INTO qa_rooms (platform, workspace, channel, room) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (platform, workspace, channel) DO UPDATE SET room = excluded.room",
            )
            .bind(platform)
            .bind(workspace)
            .bind(channel)
            .bind(room)
            .execute(pool)
            .await
            .map(|_| ())),
            None => on_pool!(self, pool => sqlx::query(
                "DELETE FROM qa_rooms WHERE platform = $1 AND workspace = $2 AND channel = $3",
            )
            .bind(platform)
            .bind(workspace)
            .bind(channel)
            .execute(pool)
            .await
            .map(|_| ())),
        };
        done?;
        Ok(())
    }
}
