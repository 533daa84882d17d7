//! The calendar feeds: `GET /programme.ics`, the whole programme, and
//! `GET /agenda/<token>.ics`, one person's agenda. Calendar apps poll
//! them; a poll that sends back the `ETag` (`If-None-Match`) or the
//! `Last-Modified` (`If-Modified-Since`) of what it has gets a 304 while
//! nothing changed.

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use super::AppState;
use crate::dispatch::Feed;

/// The routes, over the handlers' shared state.
pub fn routes() -> Router<AppState> {
    Router::new().route("/programme.ics", get(programme)).route("/agenda/{file}", get(agenda))
}

async fn programme(State(state): State<AppState>, headers: HeaderMap) -> Response {
    answer(state.dispatcher.feed(None).await, &headers)
}

async fn agenda(State(state): State<AppState>, Path(file): Path<String>, headers: HeaderMap) -> Response {
    // A token is hex; anything else is no one's, and never reaches the database.
    let Some(token) = file.strip_suffix(".ics").filter(|t| !t.is_empty() && t.bytes().all(|b| b.is_ascii_hexdigit()))
    else {
        return not_found();
    };
    answer(state.dispatcher.feed(Some(token)).await, &headers)
}

fn not_found() -> Response {
    (StatusCode::NOT_FOUND, "no such calendar: the address is wrong, or was reset or forgotten\n").into_response()
}

fn answer(feed: anyhow::Result<Option<Feed>>, headers: &HeaderMap) -> Response {
    let feed = match feed {
        Ok(Some(feed)) => feed,
        Ok(None) => return not_found(),
        Err(error) => {
            tracing::error!("a calendar feed could not be made: {error:#}");
            return (StatusCode::SERVICE_UNAVAILABLE, "the calendar cannot be read just now; try again soon\n")
                .into_response();
        }
    };
    let last_modified = http_date(feed.last_modified);
    let mut response = if unchanged(&feed, headers) {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        ([(header::CONTENT_TYPE, "text/calendar; charset=utf-8")], feed.body).into_response()
    };
    let set = response.headers_mut();
    for (name, value) in [
        (header::ETAG, feed.etag.as_str()),
        (header::LAST_MODIFIED, last_modified.as_str()),
        (header::CACHE_CONTROL, "private, max-age=300"),
    ] {
        if let Ok(value) = HeaderValue::from_str(value) {
            set.insert(name, value);
        }
    }
    response
}

/// Whether the client's copy is current: its `If-None-Match` names this
/// ETag (or `*`); without one, its `If-Modified-Since` is not before the
/// last change (RFC 9110, 13.1.3: If-None-Match decides when both are sent).
fn unchanged(feed: &Feed, headers: &HeaderMap) -> bool {
    if let Some(tags) = headers.get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()) {
        return tags.split(',').map(|t| t.trim().trim_start_matches("W/")).any(|t| t == "*" || t == feed.etag);
    }
    let since = headers.get(header::IF_MODIFIED_SINCE).and_then(|v| v.to_str().ok()).and_then(parse_http_date);
    since.is_some_and(|since| feed.last_modified.as_second() <= since.as_second())
}

/// `Tue, 01 Nov 2022 08:30:00 GMT`.
fn http_date(at: jiff::Timestamp) -> String {
    at.strftime("%a, %d %b %Y %H:%M:%S GMT").to_string()
}

fn parse_http_date(text: &str) -> Option<jiff::Timestamp> {
    let text = text.trim().strip_suffix("GMT")?.trim();
    jiff::civil::DateTime::strptime("%a, %d %b %Y %H:%M:%S", text)
        .ok()?
        .to_zoned(jiff::tz::TimeZone::UTC)
        .ok()
        .map(|z| z.timestamp())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn http_dates_round_trip() {
        let at: jiff::Timestamp = "2022-11-01T08:30:00Z".parse().unwrap();
        assert_eq!(http_date(at), "Tue, 01 Nov 2022 08:30:00 GMT");
        assert_eq!(parse_http_date(&http_date(at)), Some(at));
        assert_eq!(parse_http_date("yesterday"), None);
    }
}
