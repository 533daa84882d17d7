//! What the bot keeps of its messages' ways out on the platforms: the
//! conversation opened with each person for direct messages, how many
//! people chose each session on each platform (which sets how long a
//! reminder to all of them takes), and the platform events made for
//! keynotes with the claims that keep them to one per session.

use std::collections::HashMap;

use jiff::Timestamp;

use super::Store;

/// The platform event made for a keynote session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeynoteEvent {
    pub session_id: String,
    /// `None` while the replica that claimed it creates it.
    pub event_id: Option<String>,
    /// What the event last said.
    pub fingerprint: String,
    pub state: EventState,
    /// The start and end the event says.
    pub starts_at: Timestamp,
    pub ends_at: Timestamp,
    /// When it was claimed, or last moved to another state.
    pub claimed_at: Timestamp,
}

/// Where a keynote's event stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventState {
    Scheduled,
    Cancelled,
    /// Being removed from the platform.
    Removing,
}

impl EventState {
    pub fn as_str(self) -> &'static str {
        match self {
            EventState::Scheduled => "scheduled",
            EventState::Cancelled => "cancelled",
            EventState::Removing => "removing",
        }
    }

    fn parse(text: &str) -> EventState {
        match text {
            "cancelled" => EventState::Cancelled,
            "removing" => EventState::Removing,
            _ => EventState::Scheduled,
        }
    }
}

type EventRow = (String, Option<String>, String, String, i64, i64, i64);

/// The people on one platform who chose one session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fans {
    pub count: u64,
    /// The longest reminder lead among them, in minutes.
    pub longest_lead: u32,
}

impl Store {
    /// Who chose each session, by session and platform: how many, and the
    /// longest reminder lead among them (`default_minutes` for whoever set
    /// none), so that a session is looked at only once a reminder may be due.
    pub async fn fans_by_session(
        &self,
        default_minutes: u32,
    ) -> anyhow::Result<HashMap<String, HashMap<String, Fans>>> {
        let rows: Vec<(String, String, i64, Option<i64>)> = super::on_pool!(self, pool => sqlx::query_as(
            "SELECT f.session_id, f.platform, COUNT(*), MAX(COALESCE(p.remind_minutes, $1)) FROM favourites f \
             LEFT JOIN agenda_people p ON p.platform = f.platform AND p.user_id = f.user_id \
             GROUP BY f.session_id, f.platform"
        ).bind(i64::from(default_minutes)).fetch_all(pool).await)?;
        let mut fans: HashMap<String, HashMap<String, Fans>> = HashMap::new();
        for (session, platform, count, longest) in rows {
            let count = u64::try_from(count).unwrap_or(0);
            let longest_lead = u32::try_from(longest.unwrap_or(0)).unwrap_or(0);
            fans.entry(session).or_default().insert(platform, Fans { count, longest_lead });
        }
        Ok(fans)
    }

    /// The conversations opened with `users` on `platform`, by user id.
    pub async fn direct_channels(&self, platform: &str, users: &[&str]) -> anyhow::Result<HashMap<String, String>> {
        let mut open = HashMap::new();
        // A few hundred at a time: SQLite takes at most 999 parameters.
        for users in users.chunks(500) {
            let list: Vec<String> = (2..users.len() + 2).map(|n| format!("${n}")).collect();
            let sql = format!(
                "SELECT user_id, channel FROM direct_channels WHERE platform = $1 AND user_id IN ({})",
                list.join(", ")
            );
            let rows: Vec<(String, String)> = super::on_pool!(self, pool => {
                let mut query = sqlx::query_as(&sql).bind(platform);
                for user in users {
                    query = query.bind(*user);
                }
                query.fetch_all(pool).await
            })?;
            open.extend(rows);
        }
        Ok(open)
    }

    /// The sessions chosen by someone on `platform` with whom no conversation is open yet.
    pub async fn sessions_lacking_channels(&self, platform: &str) -> anyhow::Result<std::collections::HashSet<String>> {
        let rows: Vec<(String,)> = super::on_pool!(self, pool => sqlx::query_as(
            "SELECT DISTINCT f.session_id FROM favourites f LEFT JOIN direct_channels d \
             ON d.platform = f.platform AND d.user_id = f.user_id WHERE f.platform = $1 AND d.channel IS NULL"
        ).bind(platform).fetch_all(pool).await)?;
        Ok(rows.into_iter().map(|(session,)| session).collect())
    }

    /// Up to `limit` people on `platform` who chose `session_id` and have
    /// no conversation opened yet, in user id order after `after`.
    pub async fn fans_without_channel(
        &self,
        platform: &str,
        session_id: &str,
        after: &str,
        limit: u32,
    ) -> anyhow::Result<Vec<String>> {
        let rows: Vec<(String,)> = super::on_pool!(self, pool => sqlx::query_as(
            "SELECT f.user_id FROM favourites f LEFT JOIN direct_channels d \
             ON d.platform = f.platform AND d.user_id = f.user_id \
             WHERE f.session_id = $1 AND f.platform = $2 AND d.channel IS NULL AND f.user_id > $4 \
             ORDER BY f.user_id LIMIT $3"
        ).bind(session_id).bind(platform).bind(i64::from(limit)).bind(after).fetch_all(pool).await)?;
        Ok(rows.into_iter().map(|(user,)| user).collect())
    }

    /// Keeps the conversation a platform opened with a person.
    pub async fn save_direct_channel(
        &self,
        platform: &str,
        user: &str,
        channel: &str,
        now: Timestamp,
    ) -> anyhow::Result<()> {
        super::on_pool!(self, pool => sqlx::query(
            "INSERT INTO direct_channels (platform, user_id, channel, opened_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (platform, user_id) DO UPDATE SET channel = $3, opened_at = $4"
        ).bind(platform).bind(user).bind(channel).bind(now.as_second()).execute(pool).await.map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// Every keynote event made, or being made.
    pub async fn keynote_events(&self) -> anyhow::Result<Vec<KeynoteEvent>> {
        let rows: Vec<EventRow> = super::on_pool!(self, pool => sqlx::query_as(
            "SELECT session_id, event_id, fingerprint, state, starts_at, ends_at, claimed_at \
             FROM keynote_events ORDER BY session_id"
        ).fetch_all(pool).await)?;
        let instant = |s: i64| Timestamp::from_second(s).unwrap_or(Timestamp::UNIX_EPOCH);
        Ok(rows
            .into_iter()
            .map(|(session_id, event_id, fingerprint, state, starts, ends, claimed_at)| KeynoteEvent {
                session_id,
                event_id,
                fingerprint,
                state: EventState::parse(&state),
                starts_at: instant(starts),
                ends_at: instant(ends),
                claimed_at: instant(claimed_at),
            })
            .collect())
    }

    /// Claims the making of `session_id`'s event; `true` when this caller
    /// is to make it. A cancelled event is replaced (a platform does not
    /// bring one back), so is one that has ended (a session moved later),
    /// and a claim whose maker never finished (older than `stale`) is taken over.
    pub async fn claim_keynote_event(
        &self,
        session_id: &str,
        fingerprint: &str,
        span: (Timestamp, Timestamp),
        claimant: (&str, Timestamp),
        stale: Timestamp,
    ) -> anyhow::Result<bool> {
        let ((starts, ends), (by, now)) = (span, claimant);
        let claimed = super::on_pool!(self, pool => sqlx::query(
            "INSERT INTO keynote_events (session_id, event_id, fingerprint, state, starts_at, ends_at, claimed_at, claimed_by) \
             VALUES ($1, NULL, $2, 'scheduled', $3, $4, $5, $6) \
             ON CONFLICT (session_id) DO UPDATE SET event_id = NULL, fingerprint = $2, state = 'scheduled', \
             starts_at = $3, ends_at = $4, claimed_at = $5, claimed_by = $6 \
             WHERE keynote_events.state = 'cancelled' OR keynote_events.ends_at <= $5 \
             OR (keynote_events.event_id IS NULL AND keynote_events.claimed_at < $7)"
        ).bind(session_id).bind(fingerprint).bind(starts.as_second()).bind(ends.as_second()).bind(now.as_second())
         .bind(by).bind(stale.as_second())
         .execute(pool).await.map(|r| r.rows_affected()))?;
        Ok(claimed == 1)
    }

    /// Records the event made for a session claimed by `claimant` (who,
    /// when); nothing when another has taken the claim over since.
    pub async fn set_keynote_event(
        &self,
        session_id: &str,
        event_id: &str,
        claimant: (&str, Timestamp),
    ) -> anyhow::Result<bool> {
        let set = super::on_pool!(self, pool => sqlx::query(
            "UPDATE keynote_events SET event_id = $2 WHERE session_id = $1 AND event_id IS NULL \
             AND claimed_by = $3 AND claimed_at = $4"
        ).bind(session_id).bind(event_id).bind(claimant.0).bind(claimant.1.as_second())
         .execute(pool).await.map(|r| r.rows_affected()))?;
        Ok(set == 1)
    }

    /// Gives up a claim whose making failed, so that a later pass may make it.
    pub async fn release_keynote_claim(&self, session_id: &str, claimant: (&str, Timestamp)) -> anyhow::Result<()> {
        super::on_pool!(self, pool => sqlx::query(
            "DELETE FROM keynote_events WHERE session_id = $1 AND event_id IS NULL AND claimed_by = $2 AND claimed_at = $3"
        ).bind(session_id).bind(claimant.0).bind(claimant.1.as_second())
         .execute(pool).await.map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// Forgets event `event_id` of a session: removed, or gone from the platform.
    pub async fn drop_keynote_event(&self, session_id: &str, event_id: &str) -> anyhow::Result<()> {
        super::on_pool!(self, pool => sqlx::query(
            "DELETE FROM keynote_events WHERE session_id = $1 AND event_id = $2"
        ).bind(session_id).bind(event_id).execute(pool).await.map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// Moves a made event from what it said (`was`) to `now_says`; `true`
    /// when this caller is the one to send the change.
    pub async fn swap_keynote_fingerprint(
        &self,
        session_id: &str,
        was: &str,
        now_says: &str,
        span: (Timestamp, Timestamp),
    ) -> anyhow::Result<bool> {
        let swapped = super::on_pool!(self, pool => sqlx::query(
            "UPDATE keynote_events SET fingerprint = $3, starts_at = $4, ends_at = $5 \
             WHERE session_id = $1 AND fingerprint = $2 AND state = 'scheduled' AND event_id IS NOT NULL"
        ).bind(session_id).bind(was).bind(now_says).bind(span.0.as_second()).bind(span.1.as_second())
         .execute(pool).await.map(|r| r.rows_affected()))?;
        Ok(swapped == 1)
    }

    /// Moves a made event from state `from` to `to` if it was last moved
    /// before `older_than`; `true` when this caller moved it, and so is the
    /// one to tell the platform.
    pub async fn move_keynote_event(
        &self,
        session_id: &str,
        from: EventState,
        to: EventState,
        now: Timestamp,
        older_than: Timestamp,
    ) -> anyhow::Result<bool> {
        let moved = super::on_pool!(self, pool => sqlx::query(
            "UPDATE keynote_events SET state = $3, claimed_at = $4 \
             WHERE session_id = $1 AND state = $2 AND event_id IS NOT NULL AND claimed_at < $5"
        ).bind(session_id).bind(from.as_str()).bind(to.as_str()).bind(now.as_second()).bind(older_than.as_second())
         .execute(pool).await.map(|r| r.rows_affected()))?;
        Ok(moved == 1)
    }
}
