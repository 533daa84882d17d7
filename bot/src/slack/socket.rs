//! Socket Mode: Slack's commands, buttons and events over a WebSocket the
//! bot opens with `SLACK_APP_TOKEN`, for a bot with no public address. They
//! reach the same [`Slack`] methods as the HTTP routes.

use std::sync::Arc;

use slack_morphism::prelude::*;

use super::{Client, Slack, SlashCommand};

type CallbackResult<T> = UserCallbackResult<T>;

fn adapter(states: &SlackClientEventsUserStateStorage) -> Result<Arc<Slack>, Box<dyn std::error::Error + Send + Sync>> {
    states.get_user_state::<Arc<Slack>>().cloned().ok_or_else(|| "the Slack adapter is not registered".into())
}

async fn on_command(
    event: SlackCommandEvent,
    _client: Arc<Client>,
    states: SlackClientEventsUserState,
) -> CallbackResult<SlackCommandEventResponse> {
    let slack = adapter(&*states.read().await)?;
    // The ack carries the reply, so it is sent when the answer is ready.
    Ok(slack.command(&SlashCommand::from(&event)).await.into())
}

async fn on_interaction(
    event: SlackInteractionEvent,
    _client: Arc<Client>,
    states: SlackClientEventsUserState,
) -> CallbackResult<()> {
    let slack = adapter(&*states.read().await)?;
    let user = super::interaction_user(&event);
    slack.in_background(user.as_deref(), |slack| async move { slack.interaction(event).await });
    Ok(())
}

async fn on_push(
    event: SlackPushEventCallback,
    _client: Arc<Client>,
    states: SlackClientEventsUserState,
) -> CallbackResult<()> {
    let slack = adapter(&*states.read().await)?;
    let user = super::push_user(&event);
    slack.in_background(user.as_deref(), |slack| async move { slack.push(event).await });
    Ok(())
}

/// Connects with `app_token` and answers until `stop` completes.
pub async fn run(
    slack: Arc<Slack>,
    app_token: &str,
    stop: impl std::future::Future<Output = ()>,
) -> anyhow::Result<()> {
    let Some(api) = slack.api() else {
        anyhow::bail!("Socket Mode needs SLACK_BOT_TOKEN as well as SLACK_APP_TOKEN");
    };
    let environment = Arc::new(SlackClientEventsListenerEnvironment::new(api.client()).with_user_state(slack.clone()));
    let callbacks = SlackSocketModeListenerCallbacks::new()
        .with_command_events(on_command)
        .with_interaction_events(on_interaction)
        .with_push_events(on_push);
    let listener = SlackClientSocketModeListener::new(&SlackClientSocketModeConfig::new(), environment, callbacks);
    let token = SlackApiToken::new(SlackApiTokenValue(app_token.to_string()));
    listener.listen_for(&token).await.map_err(|e| anyhow::anyhow!("Slack Socket Mode did not connect: {e}"))?;
    listener.start().await;
    tracing::info!("Slack Socket Mode connected");
    stop.await;
    listener.shutdown().await;
    Ok(())
}
