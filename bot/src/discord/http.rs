//! `POST /discord/interactions`: Discord's HTTP interactions endpoint.
//! Every request is checked first: Ed25519 over timestamp and raw body with
//! the application's public key ([`super::verify`]), a timestamp no more than five minutes
//! away, and a body limit. Any failure is a 401 with an empty body — Discord
//! sends bad signatures on purpose and drops endpoints that accept them.
//!
//! So is a copy of an interaction already answered (its id seen in the
//! last ten minutes, [`Replays`]): Discord never sends one twice, so a copy
//! is someone replaying a captured request, and it should learn and change
//! nothing, not even the usage log.

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use serenity::all::Interaction;

use super::Discord;
use super::verify::Signatures;
use crate::replays::Replays;

/// Largest interaction read; real ones are a few kilobytes.
pub const BODY_LIMIT: usize = 256 * 1024;
/// Oldest (or furthest ahead) a signed timestamp may be.
pub const MAX_AGE_SECONDS: i64 = 5 * 60;

#[derive(Clone)]
struct HttpState {
    discord: Arc<Discord>,
    signatures: Arc<Signatures>,
    /// Interactions answered; `None` answers copies too (load generators only).
    replays: Option<Arc<Replays>>,
}

/// The route, verifying with the application's public key (hex).
pub fn routes(discord: Arc<Discord>, public_key: &str, replays: Option<Arc<Replays>>) -> anyhow::Result<Router> {
    let signatures = Signatures::new(public_key)?;
    Ok(Router::new()
        .route("/discord/interactions", post(interactions))
        .layer(tower_http::limit::RequestBodyLimitLayer::new(BODY_LIMIT))
        .with_state(HttpState { discord, signatures: Arc::new(signatures), replays }))
}

fn refuse(reason: &str) -> Response {
    tracing::info!("refused a Discord request: {reason}");
    StatusCode::UNAUTHORIZED.into_response()
}

async fn interactions(State(state): State<HttpState>, headers: HeaderMap, body: Bytes) -> Response {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let (Some(signature), Some(timestamp)) = (header("x-signature-ed25519"), header("x-signature-timestamp")) else {
        return refuse("not signed");
    };
    let fresh =
        timestamp.parse::<i64>().is_ok_and(|at| (jiff::Timestamp::now().as_second() - at).abs() <= MAX_AGE_SECONDS);
    if !state.signatures.verify(signature, timestamp, &body).await {
        return refuse("the signature does not match");
    }
    if !fresh {
        return refuse("the timestamp is more than five minutes away");
    }
    let interaction = match parse(&with_defaults(&body)) {
        Ok(interaction) => interaction,
        Err(error) => {
            tracing::warn!("a signed Discord interaction could not be read: {error}");
            return (StatusCode::BAD_REQUEST, format!("the interaction could not be read: {error}\n")).into_response();
        }
    };
    // A PING does nothing and is logged nowhere: Discord's checks may repeat one.
    if let Some(replays) = &state.replays
        && !matches!(interaction, Interaction::Ping(_))
        && !replays.first("discord", &interaction.id().to_string())
    {
        return refuse("a copy of an interaction already answered");
    }
    match state.discord.handle(interaction).await {
        Some(handled) => {
            if let Some(later) = handled.later {
                tokio::spawn(later);
            }
            match handled.response {
                // Exactly `{"type":1}`: the builder would add `"data":null`.
                serenity::all::CreateInteractionResponse::Pong => {
                    axum::Json(serde_json::json!({ "type": 1 })).into_response()
                }
                response => axum::Json(response).into_response(),
            }
        }
        None => StatusCode::BAD_REQUEST.into_response(),
    }
}

/// The interaction in `body`, read straight into the model for its type:
/// serenity's own `Interaction` reads the whole body into a JSON tree first
/// to find the type, which costs more than everything else in the request.
fn parse(body: &[u8]) -> serde_json::Result<Interaction> {
    #[derive(serde::Deserialize)]
    struct Kind {
        #[serde(rename = "type")]
        kind: u8,
    }
    match serde_json::from_slice::<Kind>(body)?.kind {
        1 => serde_json::from_slice(body).map(Interaction::Ping),
        2 => serde_json::from_slice(body).map(Interaction::Command),
        3 => serde_json::from_slice(body).map(Interaction::Component),
        4 => serde_json::from_slice(body).map(Interaction::Autocomplete),
        5 => serde_json::from_slice(body).map(Interaction::Modal),
        _ => serde_json::from_slice(body),
    }
}

/// The body with `attachment_size_limit` added when it is missing: serenity
/// requires the field, which Discord sends only since 2025 (and which tools
/// replaying older interactions leave out).
fn with_defaults(body: &[u8]) -> std::borrow::Cow<'_, [u8]> {
    const FIELD: &[u8] = b"\"attachment_size_limit\"";
    let start = body.iter().position(|b| !b.is_ascii_whitespace());
    let has_members = start.is_some_and(|at| {
        body[at] == b'{' && body[at + 1..].iter().find(|b| !b.is_ascii_whitespace()).is_some_and(|&b| b != b'}')
    });
    if !has_members || memchr::memmem::find(body, FIELD).is_some() {
        return std::borrow::Cow::Borrowed(body);
    }
    let at = start.unwrap_or(0) + 1;
    let mut patched = Vec::with_capacity(body.len() + 32);
    patched.extend_from_slice(&body[..at]);
    patched.extend_from_slice(b"\"attachment_size_limit\":0,");
    patched.extend_from_slice(&body[at..]);
    std::borrow::Cow::Owned(patched)
}

#[cfg(test)]
mod tests {
    #[test]
    fn adds_the_attachment_limit_only_where_it_is_missing() {
        assert_eq!(&*super::with_defaults(br#" {"type":1}"#), br#" {"attachment_size_limit":0,"type":1}"#);
        let full = br#"{"attachment_size_limit":5,"type":2}"#;
        assert_eq!(&*super::with_defaults(full), full);
        assert_eq!(&*super::with_defaults(b"{}"), b"{}");
        assert_eq!(&*super::with_defaults(b"[1]"), b"[1]");
    }

    #[test]
    fn reads_each_type_as_serenity_does() {
        let bodies = [
            r#"{"attachment_size_limit":0,"type":1,"id":"1","application_id":"2","token":"t","version":1}"#,
            r#"{"attachment_size_limit":0,"type":2,"id":"1","application_id":"2","token":"t","version":1,"channel_id":"3","guild_id":"4","locale":"en-GB","app_permissions":"0","entitlements":[],"authorizing_integration_owners":{},"member":{"user":{"id":"5","username":"a","discriminator":"0","global_name":null,"avatar":null},"roles":["6"],"joined_at":"2024-01-01T00:00:00Z","deaf":false,"mute":false,"permissions":"0","flags":0},"data":{"id":"7","name":"quote","type":1,"options":[{"name":"topic","type":3,"value":"wasm"}]}}"#,
            r#"{"type":9}"#,
            r#"{"type":"x"}"#,
        ];
        for body in bodies {
            let ours = super::parse(body.as_bytes()).map_err(|e| e.to_string());
            let theirs = serde_json::from_slice::<super::Interaction>(body.as_bytes()).map_err(|e| e.to_string());
            assert_eq!(ours.is_ok(), theirs.is_ok(), "{body}: {ours:?} / {theirs:?}");
            if let (Ok(ours), Ok(theirs)) = (ours, theirs) {
                assert_eq!(serde_json::to_value(ours).unwrap(), serde_json::to_value(theirs).unwrap());
            }
        }
    }
}
