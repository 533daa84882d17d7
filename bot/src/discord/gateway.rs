//! The Discord gateway, when `DISCORD_TOKEN` is set: a serenity client with
//! no privileged intents (interactions need none), running this replica's
//! share of the shards. Interactions go to [`Discord::handle`], as the HTTP
//! endpoint's do.

use std::sync::Arc;

use serenity::all::{ClientBuilder, Context, EventHandler, GatewayIntents, Interaction, Ready};
use serenity::async_trait;

use super::Discord;

struct Handler {
    discord: Arc<Discord>,
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

impl Discord {
    /// Runs the gateway until `stop` completes.
    pub async fn run_gateway(self: &Arc<Self>, stop: impl std::future::Future<Output = ()>) -> anyhow::Result<()> {
        if self.settings().token.is_none() {
            anyhow::bail!("DISCORD_TOKEN is not set");
        }
        let mut client = ClientBuilder::new_with_http(self.gateway_http()?, GatewayIntents::empty())
            .event_handler(Handler { discord: self.clone() })
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
        tokio::select! {
            result = run => result.map_err(|e| anyhow::anyhow!("the Discord gateway stopped: {e}")),
            () = stop => {
                manager.shutdown_all().await;
                Ok(())
            }
        }
    }
}
