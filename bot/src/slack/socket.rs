//! Socket Mode: Slack's commands, buttons and events over a WebSocket the
//! bot opens with `SLACK_APP_TOKEN`, for a bot with no public address. They
//! reach the same [`Slack`] methods as the HTTP routes.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use slack_morphism::prelude::*;

use super::{Client, Slack, SlashCommand};

type CallbackResult<T> = UserCallbackResult<T>;

/// How long a command's reply is kept for a redelivery of it: Slack
/// redelivers an envelope it saw no acknowledgement of within seconds, a
/// few times; five minutes covers every retry.
const KEPT_FOR: Duration = Duration::from_secs(300);
/// Most replies kept, so that a flood of commands holds a bounded memory.
const KEPT_MOST: usize = 4096;

/// The replies to the commands answered lately, by their trigger id, which
/// a redelivered envelope carries again: Slack redelivers a command whose
/// acknowledgement it did not get (the socket dropped in between), and it
/// is acknowledged with the reply it had, not answered and logged again.
#[derive(Default)]
struct Answered {
    replies: Mutex<VecDeque<(String, Instant, SlackCommandEventResponse)>>,
}

impl Answered {
    fn get(&self, trigger: &str) -> Option<SlackCommandEventResponse> {
        let mut replies = self.replies.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        while replies.front().is_some_and(|(_, at, _)| at.elapsed() > KEPT_FOR) {
            replies.pop_front();
        }
        replies.iter().find(|(t, _, _)| t == trigger).map(|(_, _, reply)| reply.clone())
    }

    fn keep(&self, trigger: String, reply: SlackCommandEventResponse) {
        let mut replies = self.replies.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if replies.len() == KEPT_MOST {
            replies.pop_front();
        }
        replies.push_back((trigger, Instant::now(), reply));
    }
}

fn adapter(states: &SlackClientEventsUserStateStorage) -> Result<Arc<Slack>, Box<dyn std::error::Error + Send + Sync>> {
    states.get_user_state::<Arc<Slack>>().cloned().ok_or_else(|| "the Slack adapter is not registered".into())
}

async fn on_command(
    event: SlackCommandEvent,
    _client: Arc<Client>,
    states: SlackClientEventsUserState,
) -> CallbackResult<SlackCommandEventResponse> {
    let (slack, answered) = {
        let states = states.read().await;
        let answered = states.get_user_state::<Arc<Answered>>().cloned().unwrap_or_default();
        (adapter(&states)?, answered)
    };
    let trigger = event.trigger_id.to_string();
    if let Some(reply) = answered.get(&trigger) {
        tracing::info!(command = %event.command, "Slack redelivered a command already answered; acknowledged with its reply");
        return Ok(reply);
    }
    // The ack carries the reply, so it is sent when the answer is ready.
    let reply: SlackCommandEventResponse = slack.command(&SlashCommand::from(&event)).await.into();
    answered.keep(trigger, reply.clone());
    Ok(reply)
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
    let environment = Arc::new(
        SlackClientEventsListenerEnvironment::new(api.client())
            .with_user_state(slack.clone())
            .with_user_state(Arc::new(Answered::default())),
    );
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
