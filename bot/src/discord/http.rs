//! `POST /discord/interactions`: Discord's HTTP interactions endpoint.
//! Every request is checked first: Ed25519 over timestamp and raw body with
//! the application's public key, a timestamp no more than five minutes
//! away, and a body limit. Any failure is a 401 with an empty body — Discord
//! sends bad signatures on purpose and drops endpoints that accept them.

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use serenity::interactions_endpoint::Verifier;

use super::Discord;

/// Largest interaction read; real ones are a few kilobytes.
pub const BODY_LIMIT: usize = 256 * 1024;
/// Oldest (or furthest ahead) a signed timestamp may be.
pub const MAX_AGE_SECONDS: i64 = 5 * 60;

#[derive(Clone)]
struct HttpState {
    discord: Arc<Discord>,
    verifier: Arc<Verifier>,
}

/// The route, verifying with the application's public key (hex).
pub fn routes(discord: Arc<Discord>, public_key: &str) -> anyhow::Result<Router> {
    let mut key = [0u8; 32];
    for (i, byte) in key.iter_mut().enumerate() {
        *byte = u8::from_str_radix(public_key.get(i * 2..i * 2 + 2).unwrap_or("zz"), 16)
            .map_err(|_| anyhow::anyhow!("DISCORD_PUBLIC_KEY is not 64 hexadecimal digits"))?;
    }
    let verifier =
        Verifier::try_new(key).map_err(|_| anyhow::anyhow!("DISCORD_PUBLIC_KEY is not a valid Ed25519 key"))?;
    Ok(Router::new()
        .route("/discord/interactions", post(interactions))
        .layer(tower_http::limit::RequestBodyLimitLayer::new(BODY_LIMIT))
        .with_state(HttpState { discord, verifier: Arc::new(verifier) }))
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
    if state.verifier.verify(signature, timestamp, &body).is_err() {
        return refuse("the signature does not match");
    }
    let fresh =
        timestamp.parse::<i64>().is_ok_and(|at| (jiff::Timestamp::now().as_second() - at).abs() <= MAX_AGE_SECONDS);
    if !fresh {
        return refuse("the timestamp is more than five minutes away");
    }
    let interaction = match serde_json::from_slice::<serenity::all::Interaction>(&with_defaults(&body)) {
        Ok(interaction) => interaction,
        Err(error) => {
            tracing::warn!("a signed Discord interaction could not be read: {error}");
            return (StatusCode::BAD_REQUEST, format!("the interaction could not be read: {error}\n")).into_response();
        }
    };
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

/// The body with `attachment_size_limit` added when it is missing: serenity
/// requires the field, which Discord sends only since 2025 (and which tools
/// replaying older interactions leave out).
fn with_defaults(body: &[u8]) -> std::borrow::Cow<'_, [u8]> {
    const FIELD: &[u8] = b"\"attachment_size_limit\"";
    let start = body.iter().position(|b| !b.is_ascii_whitespace());
    let has_members = start.is_some_and(|at| {
        body[at] == b'{' && body[at + 1..].iter().find(|b| !b.is_ascii_whitespace()).is_some_and(|&b| b != b'}')
    });
    if !has_members || body.windows(FIELD.len()).any(|w| w == FIELD) {
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
}
