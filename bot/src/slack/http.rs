//! Slack's HTTP requests: `POST /slack/commands`, `/slack/interactivity` and
//! `/slack/events`. Each is checked before anything else happens: a body
//! over the limit gets 413; a missing, wrong or stale (over five minutes)
//! signature gets 401 with an empty body and a log line that names the
//! reason and nothing secret. A request Slack marks as a retry
//! (`X-Slack-Retry-Num`) is acknowledged without being done again.
//!
//! A copy of a command or a button already answered (its `trigger_id`
//! seen in the last ten minutes, [`Replays`]) gets 401 like any request
//! that cannot be trusted: Slack never sends one twice (its retries are
//! marked), so a copy is someone replaying a captured request, and it
//! should learn and change nothing, not even the usage log. A copy of an
//! event (its `event_id`) is acknowledged and not done: Slack's Events API
//! may deliver one twice.

use std::borrow::Cow;
use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use slack_morphism::prelude::*;
use slack_morphism::signature_verifier::{SlackEventSignatureVerifier, SlackEventSignatureVerifierError};

use super::{CommandAnswer, Slack, SlashCommand};
use crate::replays::Replays;

/// Largest request body read: slash commands and events are a few kilobytes.
pub const BODY_LIMIT: usize = 256 * 1024;

#[derive(Clone)]
struct HttpState {
    slack: Arc<Slack>,
    verifier: Arc<SlackEventSignatureVerifier>,
    /// Requests answered; `None` answers copies too (load generators only).
    replays: Option<Arc<Replays>>,
}

impl HttpState {
    /// Whether the request with this id was answered before; a request without one never was.
    fn answered_before(&self, id: Option<&str>) -> bool {
        match (&self.replays, id.filter(|id| !id.is_empty())) {
            (Some(replays), Some(id)) => !replays.first("slack", id),
            _ => false,
        }
    }
}

/// The Slack routes, verifying with `signing_secret`.
pub fn routes(slack: Arc<Slack>, signing_secret: &str, replays: Option<Arc<Replays>>) -> Router {
    let verifier = Arc::new(SlackEventSignatureVerifier::new(&SlackSigningSecret::new(signing_secret.to_string())));
    Router::new()
        .route("/slack/commands", post(commands))
        .route("/slack/interactivity", post(interactivity))
        .route("/slack/events", post(events))
        .layer(tower_http::limit::RequestBodyLimitLayer::new(BODY_LIMIT))
        .with_state(HttpState { slack, verifier, replays })
}

/// A copy of a request already answered.
fn refuse_copy() -> Response {
    tracing::info!("refused a Slack request: a copy of one already answered");
    StatusCode::UNAUTHORIZED.into_response()
}

/// The ids a payload or event carries, read apart from the rest.
#[derive(serde::Deserialize)]
struct Ids {
    trigger_id: Option<String>,
    event_id: Option<String>,
}

/// What a checked request is.
enum Checked<'a> {
    /// Verified, and new: do the work.
    Fresh(&'a str),
    /// Verified, but Slack already sent it once.
    Retry,
}

fn check<'a>(state: &HttpState, headers: &HeaderMap, body: &'a Bytes) -> Result<Checked<'a>, StatusCode> {
    let refuse = |reason: &str| {
        tracing::info!("refused a Slack request: {reason}");
        StatusCode::UNAUTHORIZED
    };
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let (Some(signature), Some(timestamp)) = (
        header(SlackEventSignatureVerifier::SLACK_SIGNED_HASH_HEADER),
        header(SlackEventSignatureVerifier::SLACK_SIGNED_TIMESTAMP),
    ) else {
        return Err(refuse("not signed"));
    };
    let Ok(text) = std::str::from_utf8(body) else { return Err(refuse("the body is not UTF-8")) };
    if let Err(error) = state.verifier.verify(signature, text, timestamp) {
        return Err(refuse(match error {
            SlackEventSignatureVerifierError::IncorrectOrExpiredTimestampError(_) => {
                "the timestamp is more than five minutes away"
            }
            SlackEventSignatureVerifierError::WrongSignatureError(_) => "the signature does not match",
            _ => "the signature could not be checked",
        }));
    }
    if headers.contains_key("x-slack-retry-num") {
        return Ok(Checked::Retry);
    }
    Ok(Checked::Fresh(text))
}

fn bad_request(what: &str, error: impl std::fmt::Display) -> Response {
    tracing::warn!("a signed Slack request could not be read as {what}: {error}");
    StatusCode::BAD_REQUEST.into_response()
}

async fn commands(State(state): State<HttpState>, headers: HeaderMap, body: Bytes) -> Response {
    let text = match check(&state, &headers, &body) {
        Ok(Checked::Fresh(text)) => text,
        Ok(Checked::Retry) => return StatusCode::OK.into_response(),
        Err(status) => return status.into_response(),
    };
    let form = match CommandForm::read(text) {
        Ok(form) => form,
        Err(missing) => return bad_request("a slash command", format!("it has no {missing}")),
    };
    if state.answered_before(Some(&form.trigger_id)) {
        return refuse_copy();
    }
    let answer = state.slack.command(&form.command()).await;
    axum::Json(Answer::from(&answer)).into_response()
}

/// The fields of a slash command's form the adapter uses; the others
/// (names) are skipped, not parsed.
#[derive(Default)]
struct CommandForm<'a> {
    team_id: Cow<'a, str>,
    channel_id: Cow<'a, str>,
    user_id: Cow<'a, str>,
    command: Cow<'a, str>,
    text: Cow<'a, str>,
    /// Slack's id of this one invocation.
    trigger_id: Cow<'a, str>,
    /// Where a later answer goes.
    response_url: Cow<'a, str>,
}

impl<'a> CommandForm<'a> {
    /// The form, or the name of a field it lacks.
    fn read(text: &'a str) -> Result<CommandForm<'a>, &'static str> {
        let mut form = CommandForm::default();
        for pair in text.split('&') {
            // Names are plain words: only the values wanted are decoded.
            let name = pair.split_once('=').map_or(pair, |(name, _)| name);
            let field = match name {
                "team_id" => &mut form.team_id,
                "channel_id" => &mut form.channel_id,
                "user_id" => &mut form.user_id,
                "command" => &mut form.command,
                "text" => &mut form.text,
                "trigger_id" => &mut form.trigger_id,
                "response_url" => &mut form.response_url,
                _ => continue,
            };
            if let Some((_, value)) = form_urlencoded::parse(pair.as_bytes()).next() {
                *field = value;
            }
        }
        for (value, name) in [(&form.team_id, "team_id"), (&form.user_id, "user_id"), (&form.command, "command")] {
            if value.is_empty() {
                return Err(name);
            }
        }
        Ok(form)
    }

    fn command(&self) -> SlashCommand<'_> {
        SlashCommand {
            team: &self.team_id,
            channel: &self.channel_id,
            user: &self.user_id,
            command: &self.command,
            text: &self.text,
            response_url: &self.response_url,
        }
    }
}

/// The HTTP response to a slash command: what Slack reads of it.
#[derive(serde::Serialize)]
struct Answer<'a> {
    response_type: SlackMessageResponseType,
    #[serde(skip_serializing_if = "Option::is_none")]
    text: Option<&'a String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    blocks: Option<&'a Vec<SlackBlock>>,
}

impl<'a> From<&'a CommandAnswer> for Answer<'a> {
    fn from(answer: &'a CommandAnswer) -> Answer<'a> {
        Answer {
            response_type: answer.response_type(),
            text: answer.content.text.as_ref(),
            blocks: answer.content.blocks.as_ref(),
        }
    }
}

async fn interactivity(State(state): State<HttpState>, headers: HeaderMap, body: Bytes) -> Response {
    let text = match check(&state, &headers, &body) {
        Ok(Checked::Fresh(text)) => text,
        Ok(Checked::Retry) => return StatusCode::OK.into_response(),
        Err(status) => return status.into_response(),
    };
    #[derive(serde::Deserialize)]
    struct Form {
        payload: String,
    }
    let event = serde_urlencoded::from_str::<Form>(text).map_err(|e| e.to_string()).and_then(|form| {
        let ids = serde_json::from_str::<Ids>(&form.payload).map_err(|e| e.to_string())?;
        serde_json::from_str::<SlackInteractionEvent>(&form.payload)
            .map(|event| (event, ids))
            .map_err(|e| e.to_string())
    });
    match event {
        Ok((_, ids)) if state.answered_before(ids.trigger_id.as_deref()) => refuse_copy(),
        Ok((event, _)) => {
            // Slack wants the acknowledgement within three seconds; the answer follows through response_url.
            let user = super::interaction_user(&event);
            state.slack.in_background(user.as_deref(), |slack| async move { slack.interaction(event).await });
            StatusCode::OK.into_response()
        }
        Err(error) => bad_request("an interaction", error),
    }
}

async fn events(State(state): State<HttpState>, headers: HeaderMap, body: Bytes) -> Response {
    let text = match check(&state, &headers, &body) {
        Ok(Checked::Fresh(text)) => text,
        Ok(Checked::Retry) => return StatusCode::OK.into_response(),
        Err(status) => return status.into_response(),
    };
    match serde_json::from_str::<SlackPushEvent>(text) {
        Ok(SlackPushEvent::UrlVerification(challenge)) => {
            axum::Json(serde_json::json!({ "challenge": challenge.challenge })).into_response()
        }
        Ok(SlackPushEvent::EventCallback(_))
            if state
                .answered_before(serde_json::from_str::<Ids>(text).ok().and_then(|ids| ids.event_id).as_deref()) =>
        {
            // Slack may deliver an event twice: acknowledged, not done again.
            StatusCode::OK.into_response()
        }
        Ok(SlackPushEvent::EventCallback(event)) => {
            let user = super::push_user(&event);
            state.slack.in_background(user.as_deref(), |slack| async move { slack.push(event).await });
            StatusCode::OK.into_response()
        }
        Ok(SlackPushEvent::AppRateLimited(_)) => {
            tracing::warn!("Slack is holding back events: the app went over its rate limit");
            StatusCode::OK.into_response()
        }
        Err(error) => bad_request("an event", error),
    }
}
