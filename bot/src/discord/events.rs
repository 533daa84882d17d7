//! Keynotes as the server's Guild Scheduled Events: external events (the
//! room as their location) that members see in the server's event list and
//! can mark "Interested". The announcer decides what to create, change,
//! cancel and remove ([`crate::announcer::keynotes`]); this says it to
//! Discord. The bot needs the server's "Create Events" and "Manage Events"
//! permissions.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use serenity::all::{
    CreateScheduledEvent, EditScheduledEvent, GuildId, Http, ScheduledEventId, ScheduledEventStatus, ScheduledEventType,
};

use super::{Discord, snowflake};
use crate::announcer::keynotes::{EventSurface, Gone, Keynote};

/// One server's scheduled events.
pub struct DiscordEvents {
    http: Arc<Http>,
    guild: GuildId,
}

impl DiscordEvents {
    /// The events of the server `EMCEE_DISCORD_KEYNOTE_GUILD` names, when it names one.
    pub fn new(discord: &Discord) -> Option<DiscordEvents> {
        discord.settings.token.as_ref()?;
        let guild = discord.settings.keynote_guild?;
        Some(DiscordEvents { http: discord.http.clone(), guild: GuildId::new(guild) })
    }
}

fn time(at: jiff::Timestamp) -> anyhow::Result<serenity::model::Timestamp> {
    Ok(serenity::model::Timestamp::from_unix_timestamp(at.as_second())?)
}

fn event(id: &str) -> anyhow::Result<ScheduledEventId> {
    Ok(ScheduledEventId::new(snowflake(id, "scheduled event")?))
}

/// Discord's answer as an error, [`Gone`] when the event is not there (404).
fn refusal(error: serenity::Error) -> anyhow::Error {
    match &error {
        serenity::Error::Http(http) if http.status_code() == Some(reqwest::StatusCode::NOT_FOUND) => {
            anyhow::Error::new(Gone)
        }
        _ => error.into(),
    }
}

impl EventSurface for DiscordEvents {
    fn create<'a>(&'a self, keynote: &'a Keynote) -> Pin<Box<dyn Future<Output = anyhow::Result<String>> + Send + 'a>> {
        Box::pin(async move {
            let mut builder =
                CreateScheduledEvent::new(ScheduledEventType::External, &keynote.name, time(keynote.start)?)
                    .end_time(time(keynote.end)?)
                    .location(&keynote.location);
            if !keynote.description.is_empty() {
                builder = builder.description(&keynote.description);
            }
            let made = self.guild.create_scheduled_event(&self.http, builder).await?;
            Ok(made.id.to_string())
        })
    }

    fn update<'a>(
        &'a self,
        id: &'a str,
        keynote: &'a Keynote,
    ) -> Pin<Box<dyn Future<Output = anyhow::Result<()>> + Send + 'a>> {
        Box::pin(async move {
            let builder = EditScheduledEvent::new()
                .name(&keynote.name)
                .description(&keynote.description)
                .start_time(time(keynote.start)?)
                .end_time(time(keynote.end)?)
                .location(&keynote.location);
            self.guild.edit_scheduled_event(&self.http, event(id)?, builder).await.map_err(refusal)?;
            Ok(())
        })
    }

    fn cancel<'a>(&'a self, id: &'a str) -> Pin<Box<dyn Future<Output = anyhow::Result<()>> + Send + 'a>> {
        Box::pin(async move {
            let builder = EditScheduledEvent::new().status(ScheduledEventStatus::Canceled);
            self.guild.edit_scheduled_event(&self.http, event(id)?, builder).await.map_err(refusal)?;
            Ok(())
        })
    }

    fn existing(&self) -> Pin<Box<dyn Future<Output = anyhow::Result<std::collections::HashSet<String>>> + Send + '_>> {
        Box::pin(async move {
            let events = self.guild.scheduled_events(&self.http, false).await?;
            Ok(events.into_iter().map(|e| e.id.to_string()).collect())
        })
    }

    fn delete<'a>(&'a self, id: &'a str) -> Pin<Box<dyn Future<Output = anyhow::Result<()>> + Send + 'a>> {
        Box::pin(async move {
            self.guild.delete_scheduled_event(&self.http, event(id)?).await.map_err(refusal)?;
            Ok(())
        })
    }
}
