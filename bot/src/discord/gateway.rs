//! The Discord gateway, when `DISCORD_TOKEN` is set: a serenity client with
//! no privileged intents (interactions need none), running this replica's
//! share of the shards. Interactions go to [`Discord::handle`], as the HTTP
//! endpoint's do. Each shard's stage is kept in [`Discord::gateway`] for
//! `/readyz`, and a client that stops is started again.

use std::sync::Arc;
use std::time::Duration;

use serenity::all::{
    ClientBuilder, ConnectionStage, Context, EventHandler, GatewayIntents, Interaction, Ready, ShardManager,
};
use serenity::async_trait;

use super::Discord;
use crate::transport::Transport;

struct Handler {
    discord: Arc<Discord>,
    /// The interactions answered lately: one delivered again (a replay
    /// after a resume, or a shard run twice) is not answered again.
    answered: Arc<crate::replays::Replays>,
}

#[async_trait]
impl EventHandler for Handler {
    async fn ready(&self, _ctx: Context, ready: Ready) {
        let shard = ready.shard.map(|s| format!(" (shard {} of {})", s.id.0, s.total)).unwrap_or_default();
        tracing::info!("Discord gateway connected as {}{shard}", ready.user.name);
    }

    async fn interaction_create(&self, ctx: Context, interaction: Interaction) {
        let (id, token) = match &interaction {
            Interaction::Command(c) | Interaction::Autocomplete(c) => (c.id, c.token.clone()),
            Interaction::Component(c) => (c.id, c.token.clone()),
            Interaction::Modal(m) => (m.id, m.token.clone()),
            _ => return,
        };
        if !self.answered.first("discord", &id.to_string()) {
            tracing::info!("the gateway delivered interaction {id} again; it is answered already");
            return;
        }
        let Some(handled) = self.discord.handle(interaction).await else { return };
        if let Err(error) = ctx.http.create_interaction_response(id, &token, &handled.response, Vec::new()).await {
            tracing::warn!("answering a Discord interaction failed: {error}");
            return;
        }
        if let Some(later) = handled.later {
            later.await;
        }
    }
}

/// How often the shards' stages are read into [`Discord::gateway`].
/// Chosen: a lock and a map of a few entries each second costs nothing,
/// and `/readyz` is asked every ten.
const WATCH_EVERY: Duration = Duration::from_secs(1);
/// The first wait before a client that stopped (refused its token, found
/// no gateway) is started again; each failure in a row doubles it.
const RESTART_FIRST: Duration = Duration::from_secs(5);
/// The longest wait: Discord allows a bot 1,000 IDENTIFYs a day, and
/// restarting every five minutes spends under 300.
const RESTART_MOST: Duration = Duration::from_secs(300);
/// A client that ran this long before it stopped starts again after
/// [`RESTART_FIRST`]: its failure is new, not one more of a series.
const RAN_WELL: Duration = Duration::from_secs(600);

/// Keeps `gateway` told of each shard's stage, as serenity's shard manager
/// knows it: a shard is up when connected, and down while it connects,
/// handshakes or identifies, or has no runner (being restarted). A resume
/// happens inside the shard's runner without a stage the manager sees, so
/// a resuming shard counts as up: it takes well under a second. `expected`
/// is this replica's share of the shards; autosharded, it is whichever
/// shards have started, or were known before a restart.
async fn watch_shards(
    manager: Arc<ShardManager>,
    gateway: Arc<Transport>,
    expected: Option<std::ops::RangeInclusive<u32>>,
) {
    let mut every = tokio::time::interval(WATCH_EVERY);
    let mut known: std::collections::BTreeSet<u32> = gateway.known().into_iter().collect();
    loop {
        every.tick().await;
        let stages: Vec<(u32, ConnectionStage)> =
            manager.runners.lock().await.iter().map(|(id, runner)| (id.0, runner.stage)).collect();
        known.extend(expected.clone().into_iter().flatten());
        known.extend(stages.iter().map(|(id, _)| *id));
        for &shard in &known {
            match stages.iter().find(|(id, _)| *id == shard) {
                Some((_, ConnectionStage::Connected)) => {
                    if !gateway.is_up(shard) {
                        tracing::info!("Discord gateway shard {shard} connected");
                    }
                    gateway.up(shard);
                }
                Some((_, stage)) => {
                    if gateway.is_up(shard) {
                        tracing::warn!("Discord gateway shard {shard} is {stage}");
                    }
                    gateway.down(shard, stage.to_string());
                }
                None => {
                    if gateway.is_up(shard) {
                        tracing::warn!("Discord gateway shard {shard} is being restarted");
                    }
                    gateway.down(shard, "restarting");
                }
            }
        }
    }
}

impl Discord {
    /// Runs the gateway until `stop` completes, starting the client again
    /// (after [`RESTART_FIRST`], doubling to [`RESTART_MOST`]) whenever it
    /// stops on its own.
    pub async fn run_gateway(self: &Arc<Self>, stop: impl std::future::Future<Output = ()>) -> anyhow::Result<()> {
        let (Some(_), Some(gateway)) = (&self.settings().token, self.gateway().cloned()) else {
            anyhow::bail!("DISCORD_TOKEN is not set");
        };
        tokio::pin!(stop);
        let mut wait = RESTART_FIRST;
        let answered = Arc::new(crate::replays::Replays::default());
        loop {
            let mut client = ClientBuilder::new_with_http(self.gateway_http()?, GatewayIntents::empty())
                .event_handler(Handler { discord: self.clone(), answered: answered.clone() })
                .await
                .map_err(|e| anyhow::anyhow!("starting the Discord client: {e}"))?;
            let manager = client.shard_manager.clone();
            let shards = self.settings().shards;
            let run = async move {
                match shards {
                    // The range's end is inclusive here.
                    Some((first, last, total)) => client.start_shard_range(first..last, total).await,
                    None => client.start_autosharded().await,
                }
            };
            let watch = watch_shards(manager.clone(), gateway.clone(), shards.map(|(first, last, _)| first..=last));
            let started = std::time::Instant::now();
            let why = tokio::select! {
                result = run => match result {
                    Ok(()) => String::from("the client ended"),
                    Err(error) => error.to_string(),
                },
                () = watch => String::from("the shards' watch ended"),
                () = &mut stop => {
                    manager.shutdown_all().await;
                    return Ok(());
                }
            };
            // The other shards of a client one of whose shards failed may still run: they end with it.
            manager.shutdown_all().await;
            if started.elapsed() > RAN_WELL {
                wait = RESTART_FIRST;
            }
            gateway.down_all(shards.map_or(0, |(first, _, _)| first), &format!("stopped: {why}"));
            for shard in shards.map_or(0..=0, |(first, last, _)| first..=last) {
                gateway.down(shard, format!("stopped: {why}"));
            }
            tracing::error!("the Discord gateway stopped: {why}; starting it again in {wait:?}");
            tokio::select! {
                () = tokio::time::sleep(wait) => {}
                () = &mut stop => return Ok(()),
            }
            wait = (wait * 2).min(RESTART_MOST);
        }
    }
}
