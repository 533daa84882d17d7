//! Each person's agenda in the database: the sessions they chose (by
//! session id), their reminder lead and their calendar feed; the
//! programme's history that feeds and notices need (cancelled sessions as
//! they last were, how often each session changed); and the claims that
//! keep each direct message to one sending.

use std::collections::HashMap;

use emcee_core::schedule::Session;
use emcee_core::schedule::changes::{Change, Part};
use jiff::Timestamp;

use super::Store;

/// A person: the platform and the platform's user id.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Person {
    pub platform: String,
    pub user: String,
}

impl Person {
    /// The person `user` is on `platform`, as the database can store it
    /// ([`storable`](super::storable)): a platform's id is never trusted
    /// to be text PostgreSQL holds.
    pub fn new(platform: &str, user: &str) -> Person {
        Person { platform: super::storable(platform), user: super::storable(user) }
    }
}

/// What a person set, when they set anything.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Preferences {
    /// `None`: the bot's default; `Some(0)`: no reminders.
    pub remind_minutes: Option<u32>,
    pub feed_nonce: Option<String>,
}

/// A change to a session as the programme's history recorded it. Its
/// sessions hold what the history keeps of them: id, title, time, room
/// and speakers.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordedChange {
    pub version: i64,
    /// When it was recorded.
    pub at: Timestamp,
    pub change: Change,
}

impl RecordedChange {
    /// The session after the change; for a removal, as it last was.
    pub fn session(&self) -> &Session {
        self.change.session()
    }
}

/// One row of `schedule_changes`, as [`CHANGES_SINCE`] and [`REMOVED`] read it.
#[derive(sqlx::FromRow)]
struct ChangeRow {
    version: i64,
    session_id: String,
    change: String,
    parts: String,
    title: String,
    start_at: i64,
    end_at: Option<i64>,
    room: String,
    speakers: Option<String>,
    before_start_at: Option<i64>,
    before_end_at: Option<i64>,
    before_title: Option<String>,
    before_room: Option<String>,
    before_speakers: Option<String>,
    at: i64,
}

fn instant(seconds: i64) -> Timestamp {
    Timestamp::from_second(seconds).unwrap_or(Timestamp::UNIX_EPOCH)
}

fn names(json: Option<&str>) -> Vec<String> {
    json.and_then(|j| serde_json::from_str(j).ok()).unwrap_or_default()
}

impl ChangeRow {
    /// The change the row records; `None` for one this version cannot read.
    fn read(self) -> Option<RecordedChange> {
        let before = match (self.before_start_at, self.before_end_at, self.before_title, self.before_room) {
            (Some(start), Some(end), Some(title), Some(room)) => Some(Session {
                id: self.session_id.clone(),
                title,
                room,
                speakers: names(self.before_speakers.as_deref()),
                start: instant(start),
                end: instant(end),
                ..Session::default()
            }),
            _ => None,
        };
        let after = Session {
            id: self.session_id,
            title: self.title,
            room: self.room,
            speakers: names(self.speakers.as_deref()),
            start: instant(self.start_at),
            // Changes recorded before ends were kept: the start stands in.
            end: instant(self.end_at.unwrap_or(self.start_at)),
            ..Session::default()
        };
        let change = Change::stored(&self.change, after, before, Part::read_list(&self.parts))?;
        Some(RecordedChange { version: self.version, at: instant(self.at), change })
    }
}

impl Store {
    /// Adds a session to a person's agenda; `true` when it was not there.
    pub async fn add_favourite(
        &self,
        person: &Person,
        session_id: &str,
        now: Timestamp,
        most: usize,
    ) -> anyhow::Result<bool> {
        let most = i64::try_from(most).unwrap_or(i64::MAX);
        let added = super::on_pool!(self, pool => sqlx::query(
            "INSERT INTO favourites (platform, user_id, session_id, added_at) SELECT $1, $2, $3, $4 \
             WHERE (SELECT count(*) FROM favourites WHERE platform = $1 AND user_id = $2) < $5 \
             ON CONFLICT (platform, user_id, session_id) DO NOTHING"
        ).bind(&person.platform).bind(&person.user).bind(session_id).bind(now.as_second()).bind(most).execute(pool).await.map(|r| r.rows_affected()))?;
        self.touch(person, now).await?;
        Ok(added == 1)
    }

    /// Notes that a person's favourites changed now.
    async fn touch(&self, person: &Person, now: Timestamp) -> anyhow::Result<()> {
        super::on_pool!(self, pool => sqlx::query(
            "INSERT INTO agenda_people (platform, user_id, changed_at) VALUES ($1, $2, $3) \
             ON CONFLICT (platform, user_id) DO UPDATE SET changed_at = $3"
        ).bind(&person.platform).bind(&person.user).bind(now.as_second()).execute(pool).await.map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// Removes a session from a person's agenda; `true` when it was there.
    pub async fn remove_favourite(&self, person: &Person, session_id: &str, now: Timestamp) -> anyhow::Result<bool> {
        let removed = super::on_pool!(self, pool => sqlx::query(
            "DELETE FROM favourites WHERE platform = $1 AND user_id = $2 AND session_id = $3"
        ).bind(&person.platform).bind(&person.user).bind(session_id).execute(pool).await.map(|r| r.rows_affected()))?;
        if removed > 0 {
            self.touch(person, now).await?;
        }
        Ok(removed > 0)
    }

    /// The ids of the sessions a person chose, in the order they chose them.
    pub async fn favourites(&self, person: &Person) -> anyhow::Result<Vec<String>> {
        let rows: Vec<(String,)> = super::on_pool!(self, pool => sqlx::query_as(
            "SELECT session_id FROM favourites WHERE platform = $1 AND user_id = $2 ORDER BY added_at, session_id"
        ).bind(&person.platform).bind(&person.user).fetch_all(pool).await)?;
        Ok(rows.into_iter().map(|(id,)| id).collect())
    }

    /// What a person set; the defaults when they set nothing.
    pub async fn preferences(&self, person: &Person) -> anyhow::Result<Preferences> {
        let row: Option<(Option<i32>, Option<String>)> = super::on_pool!(self, pool => sqlx::query_as(
            "SELECT remind_minutes, feed_nonce FROM agenda_people WHERE platform = $1 AND user_id = $2"
        ).bind(&person.platform).bind(&person.user).fetch_optional(pool).await)?;
        let (minutes, feed_nonce) = row.unwrap_or_default();
        Ok(Preferences { remind_minutes: minutes.and_then(|m| u32::try_from(m).ok()), feed_nonce })
    }

    /// Sets a person's reminder lead: minutes, or 0 for none.
    pub async fn set_remind_minutes(&self, person: &Person, minutes: u32) -> anyhow::Result<()> {
        let minutes = i32::try_from(minutes)?;
        super::on_pool!(self, pool => sqlx::query(
            "INSERT INTO agenda_people (platform, user_id, remind_minutes) VALUES ($1, $2, $3) \
             ON CONFLICT (platform, user_id) DO UPDATE SET remind_minutes = $3"
        ).bind(&person.platform).bind(&person.user).bind(minutes).execute(pool).await.map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// Gives a person a feed — the nonce its token is made with, and the
    /// token's hash to find them by — if the nonce in force is still
    /// `replacing` (`None`: they have none), revoking that one; returns
    /// whether it did. Compare-and-set, so that of simultaneous first
    /// requests one feed is made and the others read it back.
    pub async fn set_feed(
        &self,
        person: &Person,
        nonce: &str,
        hash: &str,
        replacing: Option<&str>,
    ) -> anyhow::Result<bool> {
        let set = super::on_pool!(self, pool => sqlx::query(
            "INSERT INTO agenda_people (platform, user_id, feed_nonce, feed_hash) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (platform, user_id) DO UPDATE SET feed_nonce = $3, feed_hash = $4 \
             WHERE agenda_people.feed_nonce IS NOT DISTINCT FROM $5"
        ).bind(&person.platform).bind(&person.user).bind(nonce).bind(hash).bind(replacing)
            .execute(pool).await.map(|r| r.rows_affected()))?;
        Ok(set == 1)
    }

    /// Whose feed has the token with this hash, and when their favourites last changed.
    pub async fn feed_owner(&self, hash: &str) -> anyhow::Result<Option<(Person, Timestamp)>> {
        let row: Option<(String, String, Option<i64>)> = super::on_pool!(self, pool => sqlx::query_as(
            "SELECT platform, user_id, changed_at FROM agenda_people WHERE feed_hash = $1"
        ).bind(hash).fetch_optional(pool).await)?;
        Ok(row.map(|(platform, user, changed)| (Person { platform, user }, instant(changed.unwrap_or(0)))))
    }

    /// Deletes everything kept about a person's agenda: their favourites,
    /// settings, feed, the claims of messages sent to them and the
    /// conversation opened for those messages. Returns how
    /// many favourites there were.
    pub async fn forget_agenda(&self, person: &Person) -> anyhow::Result<u64> {
        let deleted = super::on_pool!(self, pool => async {
            let mut tx = pool.begin().await?;
            let favourites = sqlx::query("DELETE FROM favourites WHERE platform = $1 AND user_id = $2")
                .bind(&person.platform).bind(&person.user).execute(&mut *tx).await?.rows_affected();
            for table in ["DELETE FROM agenda_people WHERE platform = $1 AND user_id = $2",
                          "DELETE FROM personal_notices WHERE platform = $1 AND user_id = $2",
                          "DELETE FROM direct_channels WHERE platform = $1 AND user_id = $2",
                          "DELETE FROM help_askers WHERE asker = $2 \
                           AND request_id IN (SELECT id FROM help_requests WHERE platform = $1)"] {
                sqlx::query(table).bind(&person.platform).bind(&person.user).execute(&mut *tx).await?;
            }
            tx.commit().await?;
            Ok::<u64, sqlx::Error>(favourites)
        }.await)?;
        Ok(deleted)
    }

    /// The changes worth announcing recorded with schedule versions after
    /// `after`, oldest first.
    pub async fn recorded_changes(&self, after: i64) -> anyhow::Result<Vec<RecordedChange>> {
        let rows: Vec<ChangeRow> =
            super::on_pool!(self, pool => sqlx::query_as(CHANGES_SINCE).bind(after).fetch_all(pool).await)?;
        Ok(rows.into_iter().filter_map(ChangeRow::read).collect())
    }

    /// What feeds need of the programme's history: the sessions cancelled
    /// and not back, as they last were; how many times each session changed
    /// since it was first added; and when the programme last changed.
    pub async fn feed_history(&self) -> anyhow::Result<FeedHistory> {
        let counts: Vec<(String, i64)> = super::on_pool!(self, pool => sqlx::query_as(
            "SELECT session_id, COUNT(*) FROM schedule_changes GROUP BY session_id"
        ).fetch_all(pool).await)?;
        let sequences =
            counts.into_iter().map(|(id, n)| (id, u32::try_from(n.saturating_sub(1)).unwrap_or(u32::MAX))).collect();
        let cancelled = self.cancelled_sessions().await?;
        let updated: Option<(i64, i64)> = super::on_pool!(self, pool => sqlx::query_as(
            "SELECT version, updated_at FROM schedule_conference WHERE id = 1"
        ).fetch_optional(pool).await)?;
        let (version, updated_at) = updated.unwrap_or((0, 0));
        Ok(FeedHistory { sequences, cancelled, version, updated_at: instant(updated_at) })
    }

    /// The sessions cancelled and not back, as they last were, in time order.
    pub async fn cancelled_sessions(&self) -> anyhow::Result<Vec<Session>> {
        let rows: Vec<ChangeRow> = super::on_pool!(self, pool => sqlx::query_as(REMOVED).fetch_all(pool).await)?;
        let mut cancelled: HashMap<String, Session> = HashMap::new();
        for recorded in rows.into_iter().filter_map(ChangeRow::read) {
            if let Change::Removed(session) = recorded.change {
                cancelled.insert(session.id.clone(), session);
            }
        }
        let mut cancelled: Vec<Session> = cancelled.into_values().collect();
        cancelled.sort_by(|a, b| (a.start, &a.id).cmp(&(b.start, &b.id)));
        Ok(cancelled)
    }

    /// Claims a reminder to at most `order.0` people on the claimant's
    /// platform who chose `session_id` and whose reminder is due by
    /// `due_by`: whose lead (theirs, else `default_minutes`) reaches from
    /// `due_by` to the session's `start`; by user id, from the last when
    /// `order.1`. Returns the people this caller claimed, whom it alone is
    /// to message.
    pub async fn claim_reminders(
        &self,
        session_id: &str,
        start: Timestamp,
        default_minutes: u32,
        due_by: Timestamp,
        order: (u64, bool),
        claimant: &Claimant<'_>,
    ) -> anyhow::Result<Vec<Person>> {
        let Claimant { by, now, platform } = *claimant;
        let (limit, from_the_end) = order;
        let sql = if from_the_end { CLAIM_REMINDERS_FROM_THE_END } else { CLAIM_REMINDERS };
        let rows: Vec<(String, String)> = super::on_pool!(self, pool => sqlx::query_as(sql)
         .bind(session_id).bind(start.as_second()).bind(now.as_second()).bind(by).bind(i32::try_from(default_minutes)?)
         .bind(due_by.as_second()).bind(platform).bind(i64::try_from(limit).unwrap_or(i64::MAX))
         .fetch_all(pool).await)?;
        Ok(rows.into_iter().map(|(platform, user)| Person { platform, user }).collect())
    }

    /// How many people on `platform` who chose `session_id` are due a
    /// reminder of it by `due_by` (as [`claim_reminders`](Self::claim_reminders)
    /// would take them), and how many of those are not yet claimed.
    pub async fn due_reminders(
        &self,
        session_id: &str,
        start: Timestamp,
        default_minutes: u32,
        due_by: Timestamp,
        platform: &str,
    ) -> anyhow::Result<(u64, u64)> {
        let (due, claimed): (i64, i64) = super::on_pool!(self, pool => sqlx::query_as(
            "SELECT COUNT(*), COUNT(n.user_id) FROM favourites f \
             LEFT JOIN agenda_people p ON p.platform = f.platform AND p.user_id = f.user_id \
             LEFT JOIN personal_notices n ON n.platform = f.platform AND n.user_id = f.user_id \
                 AND n.session_id = f.session_id AND n.kind = 'reminder' AND n.version = $2 \
             WHERE f.session_id = $1 AND f.platform = $4 AND COALESCE(p.remind_minutes, $3) > 0 \
             AND $2 - 60 * COALESCE(p.remind_minutes, $3) <= $5"
        ).bind(session_id).bind(start.as_second()).bind(i32::try_from(default_minutes)?).bind(platform)
         .bind(due_by.as_second()).fetch_one(pool).await)?;
        let (due, claimed) = (u64::try_from(due).unwrap_or(0), u64::try_from(claimed).unwrap_or(0));
        Ok((due, due.saturating_sub(claimed)))
    }

    /// Claims a change notice about `session_id` (schedule `version`,
    /// recorded at `changed`) to everyone on the claimant's platform who had
    /// chosen it by then: who chose it later saw it as it is. At most
    /// `limit` of them, by user id. Returns the people this caller claimed.
    pub async fn claim_notices(
        &self,
        session_id: &str,
        kind: &str,
        version: i64,
        changed: Timestamp,
        limit: u64,
        claimant: &Claimant<'_>,
    ) -> anyhow::Result<Vec<Person>> {
        let Claimant { by, now, platform } = *claimant;
        let rows: Vec<(String, String)> = super::on_pool!(self, pool => sqlx::query_as(
            "INSERT INTO personal_notices (platform, user_id, session_id, kind, version, claimed_at, claimed_by) \
             SELECT f.platform, f.user_id, f.session_id, $2, $3, $4, $5 FROM favourites f \
             WHERE f.session_id = $1 AND f.added_at <= $6 AND f.platform = $7 \
             AND NOT EXISTS (SELECT 1 FROM personal_notices n WHERE n.platform = f.platform \
                 AND n.user_id = f.user_id AND n.session_id = f.session_id AND n.kind = $2 AND n.version = $3) \
             ORDER BY f.user_id LIMIT $8 \
             ON CONFLICT (platform, user_id, session_id, kind, version) DO NOTHING \
             RETURNING platform, user_id"
        ).bind(session_id).bind(kind).bind(version).bind(now.as_second()).bind(by).bind(changed.as_second()).bind(platform)
         .bind(i64::try_from(limit).unwrap_or(i64::MAX))
         .fetch_all(pool).await)?;
        Ok(rows.into_iter().map(|(platform, user)| Person { platform, user }).collect())
    }
}

/// Who claims direct messages, and for which platform: a replica claims
/// only for the platforms it can send to, so that none is claimed and then
/// left unsent.
#[derive(Debug, Clone, Copy)]
pub struct Claimant<'a> {
    /// The replica, for the operator reading the table.
    pub by: &'a str,
    pub now: Timestamp,
    pub platform: &'a str,
}

/// Claims reminders: see [`Store::claim_reminders`]. SQLite reads the
/// `ON CONFLICT` after a `SELECT` only when the `SELECT` has a `WHERE`.
macro_rules! claim_reminders_sql {
    ($order:literal) => {
        concat!(
            "INSERT INTO personal_notices (platform, user_id, session_id, kind, version, claimed_at, claimed_by) \
             SELECT f.platform, f.user_id, f.session_id, 'reminder', $2, $3, $4 FROM favourites f \
             LEFT JOIN agenda_people p ON p.platform = f.platform AND p.user_id = f.user_id \
             WHERE f.session_id = $1 AND f.platform = $7 AND COALESCE(p.remind_minutes, $5) > 0 \
             AND $2 - 60 * COALESCE(p.remind_minutes, $5) <= $6 AND $3 < $2 \
             AND NOT EXISTS (SELECT 1 FROM personal_notices n WHERE n.platform = f.platform \
                 AND n.user_id = f.user_id AND n.session_id = f.session_id AND n.kind = 'reminder' AND n.version = $2) \
             ORDER BY f.user_id ",
            $order,
            " LIMIT $8 ON CONFLICT (platform, user_id, session_id, kind, version) DO NOTHING \
             RETURNING platform, user_id"
        )
    };
}
const CLAIM_REMINDERS: &str = claim_reminders_sql!("ASC");
const CLAIM_REMINDERS_FROM_THE_END: &str = claim_reminders_sql!("DESC");

/// The programme's history as feeds show it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FeedHistory {
    pub sequences: HashMap<String, u32>,
    pub cancelled: Vec<Session>,
    pub version: i64,
    pub updated_at: Timestamp,
}

const CHANGES_SINCE: &str = "SELECT version, session_id, change, parts, title, start_at, end_at, room, speakers, \
     before_start_at, before_end_at, before_title, before_room, before_speakers, at \
     FROM schedule_changes WHERE version > $1 AND announce = 1 ORDER BY version, start_at, session_id";

/// The latest removal of each session not in the programme now, last wins.
const REMOVED: &str = "SELECT version, session_id, change, parts, title, start_at, end_at, room, speakers, \
     before_start_at, before_end_at, before_title, before_room, before_speakers, at \
     FROM schedule_changes c WHERE change = 'removed' \
     AND NOT EXISTS (SELECT 1 FROM sessions s WHERE s.id = c.session_id) ORDER BY version";
