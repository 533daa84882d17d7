//! Socket Mode: Slack's commands, buttons and events over a WebSocket the
//! bot opens with `SLACK_APP_TOKEN`, for a bot with no public address. They
//! reach the same [`Slack`] methods as the HTTP routes.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use slack_morphism::prelude::*;

use super::{Client, Slack, SlashCommand};

type CallbackResult<T> = UserCallbackResult<T>;

/// How long a command's reply is kept for a redelivery of it: Slack's
/// published retries (at once, after a minute, after five minutes, each
/// possibly counted from the one before) end within ten.
const KEPT_FOR: Duration = Duration::from_secs(600);
/// Most replies kept, so that a flood of commands holds a bounded memory:
/// over three minutes of the keynote rate `docs/operators.md` plans for
/// (85 commands a second), in under 50 MB of replies of some 3 KB each.
const KEPT_MOST: usize = 16_384;

/// The reply to a command, once given.
type Reply = Arc<tokio::sync::OnceCell<SlackCommandEventResponse>>;

/// The replies to the commands answered lately, and being answered, by
/// their trigger id, which a redelivered envelope carries again: Slack
/// redelivers a command whose acknowledgement it did not get (a socket
/// dropped in between, or an answer slower than its three seconds), and
/// the redelivery is acknowledged with the first one's reply, waiting for
/// it if need be, rather than answered and logged again.
#[derive(Default)]
struct Answered {
    replies: Mutex<VecDeque<(String, Instant, Reply)>>,
}

impl Answered {
    /// The reply to `trigger`, given or on its way, and whether this is
    /// its first delivery.
    fn reply(&self, trigger: &str) -> (Reply, bool) {
        let mut replies = self.replies.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        while replies.front().is_some_and(|(_, at, _)| at.elapsed() > KEPT_FOR) {
            replies.pop_front();
        }
        if let Some((_, _, reply)) = replies.iter().find(|(t, _, _)| t == trigger) {
            return (reply.clone(), false);
        }
        if replies.len() == KEPT_MOST {
            replies.pop_front();
        }
        let reply = Reply::default();
        replies.push_back((trigger.to_string(), Instant::now(), reply.clone()));
        (reply, true)
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
        let answered =
            states.get_user_state::<Arc<Answered>>().cloned().ok_or("the Slack replies are not registered")?;
        (adapter(&states)?, answered)
    };
    let (reply, first) = answered.reply(event.trigger_id.as_ref());
    if !first {
        tracing::info!(command = %event.command, "Slack redelivered a command; acknowledged with the first delivery's reply");
    }
    // The ack carries the reply, so it is sent when the answer is ready.
    let reply = reply.get_or_init(|| async { slack.command(&SlashCommand::from(&event)).await.into() }).await;
    Ok(reply.clone())
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
