//! The programme in the database: load it with its speakers, replace it in
//! one transaction that records what changed (and whether that is news),
//! and claim announcements exactly once.

use emcee_core::schedule::changes::{self, Change, Part};
use emcee_core::schedule::{Conference, Profile, Schedule, Session};
use jiff::Timestamp;
use jiff::tz::{Offset, TimeZone};

use super::Store;
use super::in_transaction;

/// What an import did.
#[derive(Debug, Clone, PartialEq)]
pub struct Applied {
    /// The schedule version after the import; unchanged when nothing changed.
    pub version: i64,
    pub changes: Vec<Change>,
    /// The import made a new programme rather than changing the one before
    /// (it replaced the sample, or shares no session with it): its changes
    /// are recorded but not announced.
    pub new_programme: bool,
}

type SessionRow = (
    String,
    String,
    String,
    String,
    String,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    i64,
    i64,
    Option<String>,
    Option<String>,
);

const SELECT_SESSIONS: &str = "SELECT id, title, subtitle, abstract, speakers, room, track, kind, language, start_at, end_at, url, recording \
                               FROM sessions ORDER BY start_at, room, title";

const SELECT_SPEAKERS: &str = "SELECT profile FROM programme_speakers ORDER BY position";

/// The stored profiles; one that cannot be read (written by a later
/// version) is skipped rather than failing the whole programme.
fn profiles_from(rows: Vec<(String,)>) -> Vec<Profile> {
    rows.into_iter().filter_map(|(json,)| serde_json::from_str(&json).ok()).collect()
}

fn zone_text(zone: &TimeZone) -> String {
    match zone.iana_name() {
        Some(name) => name.to_string(),
        None => format!("fixed:{}", zone.to_offset(Timestamp::UNIX_EPOCH).seconds()),
    }
}

fn zone_from(text: &str) -> TimeZone {
    match text.strip_prefix("fixed:").and_then(|s| s.parse::<i32>().ok()) {
        Some(seconds) => Offset::from_seconds(seconds).map(TimeZone::fixed).unwrap_or(TimeZone::UTC),
        None => TimeZone::get(text).unwrap_or(TimeZone::UTC),
    }
}

fn session_from(row: SessionRow) -> Session {
    let (id, title, subtitle, abstract_text, speakers, room, track, kind, language, start, end, url, recording) = row;
    Session {
        id,
        title,
        subtitle,
        abstract_text,
        speakers: serde_json::from_str(&speakers).unwrap_or_default(),
        room,
        track,
        kind,
        language,
        start: Timestamp::from_second(start).unwrap_or(Timestamp::UNIX_EPOCH),
        end: Timestamp::from_second(end).unwrap_or(Timestamp::UNIX_EPOCH),
        url,
        recording,
    }
}

impl Store {
    /// The stored programme and its version, if one was ever imported.
    pub async fn load_schedule(&self) -> anyhow::Result<Option<(Schedule, i64)>> {
        let conference: Option<(String, Option<String>, String, i64, String)> = super::on_pool!(self, pool => sqlx::query_as(
            "SELECT title, acronym, time_zone, version, rooms FROM schedule_conference WHERE id = 1"
        ).fetch_optional(pool).await)?;
        let Some((title, acronym, zone, version, rooms)) = conference else { return Ok(None) };
        let rows: Vec<SessionRow> =
            super::on_pool!(self, pool => sqlx::query_as(SELECT_SESSIONS).fetch_all(pool).await)?;
        let speakers: Vec<(String,)> =
            super::on_pool!(self, pool => sqlx::query_as(SELECT_SPEAKERS).fetch_all(pool).await)?;
        let sessions = rows.into_iter().map(session_from).collect();
        let conference = Conference { title, acronym, time_zone: zone_from(&zone) };
        let rooms: Vec<String> = serde_json::from_str(&rooms).unwrap_or_default();
        Ok(Some((
            Schedule::new(conference, sessions).with_speakers(profiles_from(speakers)).with_rooms(rooms),
            version,
        )))
    }

    /// What replacing the programme with `schedule` would change, without changing it.
    pub async fn preview_schedule(&self, schedule: &Schedule) -> anyhow::Result<Vec<Change>> {
        let current = self.load_schedule().await?.map(|(s, _)| s.sessions).unwrap_or_default();
        Ok(changes::diff(&current, &schedule.sessions))
    }

    /// Replaces the programme in one transaction and records what changed.
    /// The same programme twice changes nothing, not even the version.
    pub async fn replace_schedule(&self, schedule: &Schedule, source: &str, now: Timestamp) -> anyhow::Result<Applied> {
        self.replace(schedule, source, now, false).await
    }

    /// Stores the sample programme from `data/` on first start; the first
    /// real import replaces it as a new programme.
    pub async fn seed_schedule(&self, schedule: &Schedule, source: &str, now: Timestamp) -> anyhow::Result<Applied> {
        self.replace(schedule, source, now, true).await
    }

    async fn replace(
        &self,
        schedule: &Schedule,
        source: &str,
        now: Timestamp,
        seeded: bool,
    ) -> anyhow::Result<Applied> {
        let applied = in_transaction!(self, tx => {
            // Lock the conference row (Postgres) so that concurrent imports apply one after the other.
            let lock = match self {
                Store::Postgres(_) => "SELECT title, acronym, time_zone, version, seeded, rooms FROM schedule_conference WHERE id = 1 FOR UPDATE",
                Store::Sqlite(_) => "SELECT title, acronym, time_zone, version, seeded, rooms FROM schedule_conference WHERE id = 1",
            };
            let conference: Option<(String, Option<String>, String, i64, i32, String)> = sqlx::query_as(lock).fetch_optional(&mut *tx).await?;
            let rooms = serde_json::to_string(&schedule.rooms)?;
            let same_rooms = conference.as_ref().is_some_and(|c| c.5 == rooms);
            let rows: Vec<SessionRow> = sqlx::query_as(SELECT_SESSIONS).fetch_all(&mut *tx).await?;
            let current: Vec<Session> = rows.into_iter().map(session_from).collect();
            let stored_speakers: Vec<(String,)> = sqlx::query_as(SELECT_SPEAKERS).fetch_all(&mut *tx).await?;
            let same_speakers = profiles_from(stored_speakers) == schedule.speakers;
            let changes = changes::diff(&current, &schedule.sessions);
            let same_conference = conference.as_ref().is_some_and(|(title, acronym, zone, _, _, _)| {
                title == &schedule.conference.title && acronym == &schedule.conference.acronym && zone == &zone_text(&schedule.conference.time_zone)
            });
            let old_version = conference.as_ref().map_or(0, |c| c.3);
            let was_sample = conference.as_ref().is_some_and(|c| c.4 != 0);
            let shares_a_session = schedule.sessions.iter().any(|s| current.iter().any(|c| c.id == s.id));
            let new_programme = seeded || was_sample || !shares_a_session;
            if changes.is_empty() && same_conference && same_speakers && same_rooms && !was_sample {
                Applied { version: old_version, changes, new_programme: false }
            } else {
                let version = old_version + 1;
                sqlx::query(
                    "INSERT INTO schedule_conference (id, title, acronym, time_zone, version, source, updated_at, seeded, rooms) \
                     VALUES (1, $1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (id) DO UPDATE SET title = $1, acronym = $2, \
                     time_zone = $3, version = $4, source = $5, updated_at = $6, seeded = $7, rooms = $8",
                )
                .bind(&schedule.conference.title)
                .bind(&schedule.conference.acronym)
                .bind(zone_text(&schedule.conference.time_zone))
                .bind(version)
                .bind(source)
                .bind(now.as_second())
                .bind(i32::from(seeded))
                .bind(&rooms)
                .execute(&mut *tx)
                .await?;
                if !same_speakers {
                    sqlx::query("DELETE FROM programme_speakers").execute(&mut *tx).await?;
                    for (position, profile) in schedule.speakers.iter().enumerate() {
                        sqlx::query("INSERT INTO programme_speakers (name, position, profile) VALUES ($1, $2, $3)")
                            .bind(&profile.name)
                            .bind(i32::try_from(position).unwrap_or(i32::MAX))
                            .bind(serde_json::to_string(profile)?)
                            .execute(&mut *tx)
                            .await?;
                    }
                }
                for change in &changes {
                    let s = change.session();
                    if let Change::Removed(_) = change {
                        sqlx::query("DELETE FROM sessions WHERE id = $1").bind(&s.id).execute(&mut *tx).await?;
                    } else {
                        sqlx::query(
                            "INSERT INTO sessions (id, title, subtitle, abstract, speakers, room, track, kind, language, start_at, end_at, url, recording) \
                             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) ON CONFLICT (id) DO UPDATE SET \
                             title = $2, subtitle = $3, abstract = $4, speakers = $5, room = $6, track = $7, kind = $8, \
                             language = $9, start_at = $10, end_at = $11, url = $12, recording = $13",
                        )
                        .bind(&s.id)
                        .bind(&s.title)
                        .bind(&s.subtitle)
                        .bind(&s.abstract_text)
                        .bind(serde_json::to_string(&s.speakers)?)
                        .bind(&s.room)
                        .bind(&s.track)
                        .bind(&s.kind)
                        .bind(&s.language)
                        .bind(s.start.as_second())
                        .bind(s.end.as_second())
                        .bind(&s.url)
                        .bind(&s.recording)
                        .execute(&mut *tx)
                        .await?;
                    }
                    let parts = match change {
                        Change::Changed { parts, .. } => Part::list(parts),
                        _ => String::new(),
                    };
                    let before = match change {
                        Change::Changed { before, .. } => Some(before.as_ref()),
                        _ => None,
                    };
                    sqlx::query(
                        "INSERT INTO schedule_changes (version, session_id, change, parts, title, start_at, room, at, announce, \
                         end_at, speakers, before_start_at, before_end_at, before_title, before_room, before_speakers) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)",
                    )
                    .bind(version)
                    .bind(&s.id)
                    .bind(change.kind())
                    .bind(parts)
                    .bind(&s.title)
                    .bind(s.start.as_second())
                    .bind(&s.room)
                    .bind(now.as_second())
                    .bind(i32::from(!new_programme))
                    .bind(s.end.as_second())
                    .bind(serde_json::to_string(&s.speakers)?)
                    .bind(before.map(|b| b.start.as_second()))
                    .bind(before.map(|b| b.end.as_second()))
                    .bind(before.map(|b| b.title.clone()))
                    .bind(before.map(|b| b.room.clone()))
                    .bind(before.map(|b| serde_json::to_string(&b.speakers)).transpose()?)
                    .execute(&mut *tx)
                    .await?;
                }
                Applied { version, changes, new_programme }
            }
        });
        Ok(applied)
    }

    /// Claims an announcement; `true` when this caller is the one to send it.
    pub async fn claim_announcement(
        &self,
        session_id: &str,
        kind: &str,
        version: i64,
        by: &str,
        now: Timestamp,
    ) -> anyhow::Result<bool> {
        let claimed = super::on_pool!(self, pool => sqlx::query(
            "INSERT INTO announcements (session_id, kind, version, claimed_at, claimed_by) VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (session_id, kind, version) DO NOTHING"
        ).bind(session_id).bind(kind).bind(version).bind(now.as_second()).bind(by).execute(pool).await.map(|r| r.rows_affected()))?;
        Ok(claimed == 1)
    }
}
