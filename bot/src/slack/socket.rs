//! Socket Mode: Slack's commands, buttons and events over a WebSocket the
//! bot opens with `SLACK_APP_TOKEN`, for a bot with no public address. They
//! reach the same [`Slack`] methods as the HTTP routes.
//!
//! The connection is this module's own, over slack-morphism's Web API
//! client (`apps.connections.open`) and its event types, so that it knows
//! at each moment whether it is connected: [`Slack::socket`] tells
//! `/readyz`, and the log says when and why a connection ended. One
//! connection at a time; when it ends, for whatever reason, the next is
//! opened: at once after a refresh Slack asked for (the old one first
//! sends the acknowledgements of commands still being answered) or a
//! steady connection's end, and after a growing backoff when opening one
//! fails or stalls. An envelope whose acknowledgement was lost with its
//! connection is redelivered by Slack on the next one, and a command is
//! acknowledged there with the reply it was first given ([`Answered`]).

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use slack_morphism::prelude::*;
use tokio_tungstenite::tungstenite::Message;

use super::{Slack, SlashCommand};
use crate::transport::Transport;

/// How long a command's reply is kept for a redelivery of it. Chosen: a
/// reply reaches the person only within Slack's three seconds, and an
/// envelope whose acknowledgement was lost with its socket comes again on
/// the next connection, which opens within a second or two (or within
/// [`RECONNECT_MOST`] of an outage's end); past a minute the reply would
/// show nowhere. The command's trigger id is remembered longer, for ten
/// minutes ([`crate::replays::KEEP`], the span of Slack's published
/// retries), so that a later redelivery is acknowledged and not answered
/// or logged again.
const KEPT_FOR: Duration = Duration::from_secs(60);
/// Most replies kept, so that a flood of commands holds a bounded memory:
/// 48 s of the keynote rate `docs/operators.md` plans for (85 commands a
/// second), in about 10 MB of replies of some 2.5 KB each.
const KEPT_MOST: usize = 4_096;

/// The reply to a command, once given: the acknowledgement's payload as
/// JSON, a few kilobytes where the parsed blocks take several times that;
/// empty for a command answered too long ago to keep its reply.
type Reply = Arc<tokio::sync::OnceCell<String>>;

/// The replies to the commands answered lately, and being answered, by
/// their trigger id, which a redelivered envelope carries again: Slack
/// redelivers a command whose acknowledgement it did not get (a socket
/// dropped in between, or an answer slower than its three seconds), and
/// the redelivery is acknowledged with the first one's reply, waiting for
/// it if need be, rather than answered and logged again.
#[derive(Default)]
struct Answered {
    replies: Mutex<Replies>,
    /// Commands, buttons and forms by their trigger id, events by their
    /// event id: a redelivery of one is acknowledged and not handled again.
    handled: crate::replays::Replays,
}

#[derive(Default)]
struct Replies {
    by_trigger: std::collections::HashMap<String, Reply>,
    /// The same triggers by arrival, to forget them in order.
    arrivals: VecDeque<(Instant, String)>,
}

impl Answered {
    /// Whether a button, form or event is seen for the first time, by the
    /// id Slack gives it again on a redelivery; one without is.
    fn first(&self, kind: &str, payload: &serde_json::Value) -> bool {
        let id = payload.get("trigger_id").or_else(|| payload.get("event_id")).and_then(|id| id.as_str());
        id.is_none_or(|id| self.handled.first(kind, id))
    }

    /// The reply to `trigger`, given or on its way, and whether this is
    /// its first delivery.
    fn reply(&self, trigger: &str) -> (Reply, bool) {
        let mut replies = self.replies.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        while let Some((at, _)) = replies.arrivals.front()
            && (at.elapsed() > KEPT_FOR || replies.arrivals.len() >= KEPT_MOST)
        {
            if let Some((_, old)) = replies.arrivals.pop_front() {
                replies.by_trigger.remove(&old);
            }
        }
        if let Some(reply) = replies.by_trigger.get(trigger) {
            return (reply.clone(), false);
        }
        if !self.handled.first("slash_commands", trigger) {
            // Answered, and its reply since forgotten.
            return (Arc::new(tokio::sync::OnceCell::new_with(Some(String::new()))), false);
        }
        let reply = Reply::default();
        replies.by_trigger.insert(trigger.to_string(), reply.clone());
        replies.arrivals.push_back((Instant::now(), trigger.to_string()));
        (reply, true)
    }
}

/// How often the bot pings Slack over an open connection.
const PING_EVERY: Duration = Duration::from_secs(10);
/// A connection that has carried nothing, not even a pong, for this long
/// is a dead one (a zombie: the network dropped it without a close), and
/// is left for a new one. Chosen: three pings unanswered.
const SILENT_MOST: Duration = Duration::from_secs(30);
/// The first wait before connecting again after an attempt that failed,
/// or after a connection that was up for less than [`STEADY`]; each
/// failure in a row doubles it, up to [`RECONNECT_MOST`].
const RECONNECT_FIRST: Duration = Duration::from_secs(1);
/// The longest wait between attempts. Chosen: `apps.connections.open` is
/// a Tier 1 method (a call a minute is the published floor), and 30 s
/// keeps a reconnect after an outage within half a minute of its end.
const RECONNECT_MOST: Duration = Duration::from_secs(30);
/// A connection up this long is replaced at once when it ends; one that
/// ends sooner waits [`RECONNECT_FIRST`] first, so that a connection that
/// is greeted and dropped again and again cannot spin. Chosen: far
/// longer than a connection's set-up (tens of milliseconds), far shorter
/// than the hours Slack keeps one.
const STEADY: Duration = Duration::from_secs(10);
/// Longest that opening a connection (`apps.connections.open`, then the
/// TLS and WebSocket handshakes), sending one frame, or waiting for
/// Slack's `hello` may take before the connection is given up. Chosen:
/// each takes well under a second when Slack is well; 15 s is a stall.
const STALL: Duration = Duration::from_secs(15);
/// After a `refresh_requested`, how long the old connection stays open to
/// send the acknowledgements of commands still being answered: Slack's
/// three seconds, after which a reply would show nowhere.
const DRAIN_MOST: Duration = Duration::from_secs(3);

/// Why a connection ended.
enum Ended {
    /// Slack asked for a new one (`disconnect`, `refresh_requested`).
    Refresh,
    /// Anything else: the socket closed or failed, went silent, or Slack
    /// turned the app's Socket Mode off.
    Lost(String),
}

/// Connects with `app_token` and answers until `stop` completes.
pub async fn run(
    slack: Arc<Slack>,
    app_token: &str,
    stop: impl std::future::Future<Output = ()>,
) -> anyhow::Result<()> {
    let (Some(api), Some(transport)) = (slack.api(), slack.socket().cloned()) else {
        anyhow::bail!("Socket Mode needs SLACK_BOT_TOKEN as well as SLACK_APP_TOKEN");
    };
    let client = api.client();
    let token = SlackApiToken::new(SlackApiTokenValue(app_token.to_string()));
    let answered = Arc::new(Answered::default());
    tokio::pin!(stop);
    let mut wait = RECONNECT_FIRST;
    loop {
        let connection = async {
            let open = async {
                let opened = client
                    .open_session(&token)
                    .apps_connections_open(&SlackApiAppsConnectionOpenRequest::new())
                    .await
                    .map_err(|e| format!("apps.connections.open failed: {e}"))?;
                let (socket, _) = tokio_tungstenite::connect_async(opened.url.0.as_str())
                    .await
                    .map_err(|e| format!("connecting to Slack's socket failed: {e}"))?;
                Ok::<_, String>(socket)
            };
            let socket = tokio::time::timeout(STALL, open)
                .await
                .map_err(|_| format!("opening a connection took over {STALL:?}"))??;
            Ok::<_, String>(serve(socket, &slack, &answered, &transport).await)
        };
        let ended = tokio::select! {
            ended = connection => ended,
            () = &mut stop => return Ok(()),
        };
        match ended {
            Ok(Ended::Refresh) => {
                tracing::info!("Slack asked for a new Socket Mode connection; opening it");
                transport.down(0, "refreshing");
                wait = RECONNECT_FIRST;
                continue;
            }
            Ok(Ended::Lost(why)) | Err(why) => {
                // A steady connection is replaced at once; failures in a row wait longer each time.
                let up_for = transport.up_for(0);
                transport.down(0, why.clone());
                if up_for.is_some_and(|up| up >= STEADY) {
                    tracing::warn!("Slack Socket Mode: {why}; connecting again");
                    wait = RECONNECT_FIRST;
                    continue;
                }
                if up_for.is_some() {
                    wait = RECONNECT_FIRST;
                }
                tracing::warn!("Slack Socket Mode: {why}; connecting again in {wait:?}");
            }
        }
        tokio::select! {
            () = tokio::time::sleep(wait) => {}
            () = &mut stop => return Ok(()),
        }
        wait = (wait * 2).min(RECONNECT_MOST);
    }
}

/// Answers over one connection until it ends.
async fn serve<S>(
    socket: tokio_tungstenite::WebSocketStream<S>,
    slack: &Arc<Slack>,
    answered: &Arc<Answered>,
    transport: &Transport,
) -> Ended
where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin,
{
    let (mut sink, mut stream) = socket.split();
    // Acknowledgements from the envelopes' tasks, written here.
    let (acks, mut to_send) = tokio::sync::mpsc::unbounded_channel::<String>();
    let mut ping = tokio::time::interval(PING_EVERY);
    ping.tick().await;
    let (opened, mut heard) = (Instant::now(), Instant::now());
    loop {
        tokio::select! {
            frame = stream.next() => {
                heard = Instant::now();
                let text = match frame {
                    None => return Ended::Lost("the socket closed without a close frame".into()),
                    Some(Err(error)) => return Ended::Lost(format!("the socket failed: {error}")),
                    Some(Ok(Message::Close(frame))) => {
                        let why = frame.map(|f| format!(" ({} {})", u16::from(f.code), f.reason)).unwrap_or_default();
                        return Ended::Lost(format!("Slack closed the socket{why}"));
                    }
                    Some(Ok(Message::Text(text))) => text,
                    Some(Ok(_)) => continue,
                };
                if let Some(ended) = envelope(text.as_str(), slack, answered, transport, &acks) {
                    if matches!(ended, Ended::Refresh) {
                        drain(&mut sink, &mut to_send, &acks).await;
                    }
                    let _ = tokio::time::timeout(STALL, sink.close()).await;
                    return ended;
                }
            }
            Some(ack) = to_send.recv() => {
                if let Err(why) = send_within(&mut sink, Message::text(ack)).await {
                    return Ended::Lost(format!("an acknowledgement could not be sent: {why}"));
                }
            }
            _ = ping.tick() => {
                if heard.elapsed() > SILENT_MOST {
                    let _ = tokio::time::timeout(STALL, sink.close()).await;
                    return Ended::Lost(format!("nothing came over the socket for {:.0?}", heard.elapsed()));
                }
                if !transport.is_up(0) && opened.elapsed() >= STALL {
                    return Ended::Lost(format!("Slack sent no hello within {STALL:?}"));
                }
                if let Err(why) = send_within(&mut sink, Message::Ping(Vec::new().into())).await {
                    return Ended::Lost(format!("a ping could not be sent: {why}"));
                }
            }
        }
    }
}

/// Sends `message`, unless the socket takes longer than [`STALL`] to take it.
async fn send_within<W>(sink: &mut W, message: Message) -> Result<(), String>
where
    W: futures_util::Sink<Message, Error = tokio_tungstenite::tungstenite::Error> + Unpin,
{
    match tokio::time::timeout(STALL, sink.send(message)).await {
        Ok(Ok(())) => Ok(()),
        Ok(Err(error)) => Err(error.to_string()),
        Err(_) => Err(format!("the socket took no data for {STALL:?}")),
    }
}

/// Before a connection Slack asked to refresh is closed: sends the
/// acknowledgements queued, and those of commands still being answered,
/// for at most [`DRAIN_MOST`].
async fn drain<W>(
    sink: &mut W,
    to_send: &mut tokio::sync::mpsc::UnboundedReceiver<String>,
    acks: &tokio::sync::mpsc::UnboundedSender<String>,
) where
    W: futures_util::Sink<Message, Error = tokio_tungstenite::tungstenite::Error> + Unpin,
{
    let until = tokio::time::Instant::now() + DRAIN_MOST;
    loop {
        while let Ok(ack) = to_send.try_recv() {
            if send_within(sink, Message::text(ack)).await.is_err() {
                return;
            }
        }
        // Each command being answered holds a sender of its own.
        if acks.strong_count() <= 1 {
            return;
        }
        match tokio::time::timeout_at(until, to_send.recv()).await {
            Ok(Some(ack)) => {
                if send_within(sink, Message::text(ack)).await.is_err() {
                    return;
                }
            }
            _ => return,
        }
    }
}

/// One frame of Socket Mode: `hello`, `disconnect`, or an envelope of
/// `slash_commands`, `interactive` or `events_api` whose payload is the
/// body the HTTP routes take.
#[derive(serde::Deserialize)]
struct Frame {
    #[serde(rename = "type")]
    kind: String,
    envelope_id: Option<String>,
    #[serde(default)]
    payload: serde_json::Value,
    reason: Option<String>,
    #[serde(default)]
    retry_attempt: u32,
}

/// Handles one frame; the connection ends when it says so.
fn envelope(
    text: &str,
    slack: &Arc<Slack>,
    answered: &Arc<Answered>,
    transport: &Transport,
    acks: &tokio::sync::mpsc::UnboundedSender<String>,
) -> Option<Ended> {
    let frame = match serde_json::from_str::<Frame>(text) {
        Ok(frame) => frame,
        Err(error) => {
            tracing::warn!("a Socket Mode frame was not understood: {error}");
            return None;
        }
    };
    let ack = |id: &str| {
        let _ = acks.send(serde_json::json!({ "envelope_id": id }).to_string());
    };
    let id = frame.envelope_id.unwrap_or_default();
    // What does not parse now never will: it is acknowledged, so that Slack does not send it again.
    let unread = |error: serde_json::Error| {
        tracing::warn!(envelope = %id, kind = %frame.kind, "a Socket Mode envelope was not understood: {error}");
        ack(&id);
    };
    match frame.kind.as_str() {
        "hello" => {
            tracing::info!("Slack Socket Mode connected");
            transport.up(0);
        }
        "disconnect" => match frame.reason.as_deref().unwrap_or_default() {
            "warning" => tracing::info!("Slack will refresh the Socket Mode connection shortly"),
            "refresh_requested" => return Some(Ended::Refresh),
            "link_disabled" => {
                return Some(Ended::Lost("Socket Mode is turned off in the Slack app's settings".into()));
            }
            other => return Some(Ended::Lost(format!("Slack ended the connection ({other})"))),
        },
        "slash_commands" => {
            let command = match serde_json::from_value::<SlackCommandEvent>(frame.payload) {
                Ok(command) => command,
                Err(error) => {
                    unread(error);
                    return None;
                }
            };
            let (reply, first) = answered.reply(command.trigger_id.as_ref());
            if !first {
                tracing::info!(
                    command = %command.command, retry = frame.retry_attempt,
                    "Slack redelivered a command; acknowledged with the first delivery's reply"
                );
            }
            let (slack, acks) = (slack.clone(), acks.clone());
            // The acknowledgement carries the reply, so it is sent when the answer is ready.
            tokio::spawn(async move {
                let reply = reply
                    .get_or_init(|| async {
                        let reply: SlackCommandEventResponse =
                            slack.command(&SlashCommand::from(&command)).await.into();
                        serde_json::to_string(&reply).unwrap_or_else(|_| String::from("{}"))
                    })
                    .await;
                let id = serde_json::Value::from(id);
                let ack = if reply.is_empty() {
                    format!(r#"{{"envelope_id":{id}}}"#)
                } else {
                    format!(r#"{{"envelope_id":{id},"payload":{reply}}}"#)
                };
                let _ = acks.send(ack);
            });
        }
        "interactive" | "events_api" if !answered.first(&frame.kind, &frame.payload) => {
            tracing::info!(envelope = %id, retry = frame.retry_attempt, "Slack redelivered an envelope already handled");
            ack(&id);
        }
        "interactive" => match serde_json::from_value::<SlackInteractionEvent>(frame.payload) {
            Ok(event) => {
                ack(&id);
                let user = super::interaction_user(&event);
                slack.in_background(user.as_deref(), |slack| async move { slack.interaction(event).await });
            }
            Err(error) => unread(error),
        },
        "events_api" => match serde_json::from_value::<SlackPushEventCallback>(frame.payload) {
            Ok(event) => {
                ack(&id);
                let user = super::push_user(&event);
                slack.in_background(user.as_deref(), |slack| async move { slack.push(event).await });
            }
            Err(error) => unread(error),
        },
        other => {
            tracing::warn!(envelope = %id, "a Socket Mode frame of an unknown kind ({other}) was acknowledged and left");
            if !id.is_empty() {
                ack(&id);
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_redelivered_command_gets_its_first_reply_or_none_once_forgotten() {
        let answered = Answered::default();
        let (reply, first) = answered.reply("t.1");
        assert!(first);
        reply.set(String::from(r#"{"text":"hello"}"#)).unwrap();
        let (again, first) = answered.reply("t.1");
        assert!(!first);
        assert_eq!(again.get().map(String::as_str), Some(r#"{"text":"hello"}"#));
        // Pushed out of the replies by newer commands: still not answered again, acknowledged bare.
        for n in 0..KEPT_MOST {
            assert!(answered.reply(&format!("t.more.{n}")).1);
        }
        let (forgotten, first) = answered.reply("t.1");
        assert!(!first, "a command answered is never answered again");
        assert_eq!(forgotten.get().map(String::as_str), Some(""));
        assert!(answered.replies.lock().unwrap().by_trigger.len() <= KEPT_MOST);
    }
}
