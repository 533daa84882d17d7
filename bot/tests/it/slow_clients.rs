//! `emcee serve` against clients that send slowly, send nothing, or stay
//! connected between requests, and against more of them than it holds or
//! has file descriptors for (issue 18, item 2): the deadlines close them,
//! and a signed command from someone else is still answered.

use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::serve::{Server, quote, sample, scrape};
use crate::support;

/// The server's address, without the scheme.
fn address(server: &Server) -> String {
    server.url.trim_start_matches("http://").to_string()
}

/// Opens a connection and sends `first`.
async fn open(server: &Server, first: &[u8]) -> TcpStream {
    let mut stream = TcpStream::connect(address(server)).await.unwrap();
    stream.write_all(first).await.unwrap();
    stream
}

/// How long after now the server closes `stream` (reading what it sends), up to `limit`.
async fn closed_after(mut stream: TcpStream, limit: Duration) -> Option<Duration> {
    let started = Instant::now();
    let mut buffer = [0u8; 4096];
    loop {
        match tokio::time::timeout(limit.saturating_sub(started.elapsed()), stream.read(&mut buffer)).await {
            Err(_) => return None,
            Ok(Ok(0) | Err(_)) => return Some(started.elapsed()),
            Ok(Ok(_)) => {}
        }
    }
}

async fn answered(server: &Server) -> u16 {
    let client = reqwest::Client::builder().timeout(Duration::from_secs(10)).build().unwrap();
    quote(&client, &server.url, "wasm", true).send().await.map(|r| r.status().as_u16()).unwrap_or(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deadlines_close_slow_silent_and_idle_connections() {
    let db = support::sqlite();
    let settings = [
        ("EMCEE_HTTP_HEADER_TIMEOUT_SECONDS", "1"),
        ("EMCEE_HTTP_BODY_TIMEOUT_SECONDS", "1"),
        ("EMCEE_HTTP_IDLE_TIMEOUT_SECONDS", "3"),
    ];
    let server = Server::start_with(&db.url, Arc::new(tempfile::tempdir().unwrap()), &settings);
    let limit = Duration::from_secs(6);
    let silent = open(&server, b"").await;
    let headers = open(&server, b"POST /slack/commands HTTP/1.1\r\nHost: emcee\r\n").await;
    let body =
        open(&server, b"POST /slack/commands HTTP/1.1\r\nHost: emcee\r\nContent-Length: 400\r\n\r\nteam_id=T0001")
            .await;
    let mut idle = open(&server, b"GET /healthz HTTP/1.1\r\nHost: emcee\r\n\r\n").await;
    let mut response = [0u8; 256];
    assert!(idle.read(&mut response).await.unwrap() > 0);
    let (silent, headers, body, idle) = tokio::join!(
        closed_after(silent, limit),
        closed_after(headers, limit),
        closed_after(body, limit),
        closed_after(idle, limit),
    );
    let within =
        |closed: Option<Duration>, from: f64, to: f64| closed.is_some_and(|d| (from..to).contains(&d.as_secs_f64()));
    assert!(within(silent, 0.5, 2.5), "a silent connection: {silent:?}");
    assert!(within(headers, 0.5, 2.5), "a partial header: {headers:?}");
    assert!(within(body, 0.5, 2.5), "a partial body: {body:?}");
    assert!(within(idle, 2.5, 4.5), "an idle kept-alive connection lives past the header deadline: {idle:?}");
    assert_eq!(answered(&server).await, 200);

    let metrics = scrape(&reqwest::Client::new(), &server.url).await;
    for (reason, at_least) in [("header_timeout", 2.0), ("body_timeout", 1.0), ("idle_timeout", 1.0)] {
        let closed = sample(&metrics, "emcee_http_connections_closed_total", &[("reason", reason)]);
        assert!(closed >= at_least, "{reason}: {closed}\n{metrics}");
    }
    db.remove().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn at_the_cap_connections_between_requests_make_room() {
    let db = support::sqlite();
    let settings = [("EMCEE_HTTP_MAX_CONNECTIONS", "20"), ("EMCEE_HTTP_HEADER_TIMEOUT_SECONDS", "60")];
    let server = Server::start_with(&db.url, Arc::new(tempfile::tempdir().unwrap()), &settings);
    let mut held = Vec::new();
    for _ in 0..40 {
        held.push(open(&server, b"POST /slack/commands HTTP/1.1\r\n").await);
    }
    tokio::time::sleep(Duration::from_millis(1_200)).await;
    assert_eq!(answered(&server).await, 200, "a signed command gets in past forty slow connections");
    let metrics = scrape(&reqwest::Client::new(), &server.url).await;
    assert!(sample(&metrics, "emcee_http_connections", &[]) <= 20.0, "{metrics}");
    assert!(sample(&metrics, "emcee_http_connections_closed_total", &[("reason", "shed")]) >= 1.0, "{metrics}");
    drop(held);
    db.remove().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn out_of_file_descriptors_it_keeps_accepting() {
    let db = support::sqlite();
    let settings = [("EMCEE_HTTP_MAX_CONNECTIONS", "1000"), ("EMCEE_HTTP_HEADER_TIMEOUT_SECONDS", "60")];
    let mut server = Server::launch(&db.url, Arc::new(tempfile::tempdir().unwrap()), &settings, Some(48));
    let mut held = Vec::new();
    for _ in 0..80 {
        held.push(open(&server, b"").await);
    }
    tokio::time::sleep(Duration::from_millis(1_200)).await;
    assert_eq!(answered(&server).await, 200, "a signed command is answered once descriptors run out");
    let metrics = scrape(&reqwest::Client::new(), &server.url).await;
    assert!(sample(&metrics, "emcee_http_pressure_total", &[("cause", "accept")]) >= 1.0, "{metrics}");
    assert!(server.alive());
    drop(held);
    db.remove().await;
}

/// A signed `/quote` as the bytes on the wire.
fn raw_quote() -> Vec<u8> {
    let body = format!(
        "team_id=T0001&channel_id=C0001&user_id=U0001&command=%2Fquote&text=wasm&trigger_id={}",
        crate::serve::trigger_id()
    );
    let timestamp = jiff::Timestamp::now().as_second();
    let signature = support::slack_signature(crate::serve::SECRET, timestamp, &body);
    format!(
        "POST /slack/commands HTTP/1.1\r\nHost: emcee\r\nContent-Type: application/x-www-form-urlencoded\r\n\
         X-Slack-Request-Timestamp: {timestamp}\r\nX-Slack-Signature: {signature}\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

/// Reads until `count` responses' status lines are in, and returns them.
async fn statuses(stream: &mut TcpStream, count: usize) -> Vec<String> {
    let mut text = String::new();
    let mut buffer = [0u8; 65536];
    while text.matches("HTTP/1.1 ").count() < count || !text.ends_with('}') {
        let read = tokio::time::timeout(Duration::from_secs(5), stream.read(&mut buffer)).await.unwrap().unwrap();
        assert!(read > 0, "closed after {text}");
        text.push_str(&String::from_utf8_lossy(&buffer[..read]));
    }
    text.match_indices("HTTP/1.1 ").map(|(at, _)| text[at..].lines().next().unwrap_or("").to_string()).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_that_arrives_in_pieces_or_in_a_row_is_answered() {
    let db = support::sqlite();
    let server = Server::start(&db.url);
    // In pieces, within the deadlines: the head split, then the body late.
    let request = raw_quote();
    let mut stream = open(&server, &request[..30]).await;
    for piece in [&request[30..120], &request[120..request.len() - 10], &request[request.len() - 10..]] {
        tokio::time::sleep(Duration::from_millis(200)).await;
        stream.write_all(piece).await.unwrap();
    }
    assert_eq!(statuses(&mut stream, 1).await, ["HTTP/1.1 200 OK"]);
    // Then two at once on the same connection.
    stream.write_all(&[raw_quote(), raw_quote()].concat()).await.unwrap();
    assert_eq!(statuses(&mut stream, 2).await, ["HTTP/1.1 200 OK", "HTTP/1.1 200 OK"]);
    // And two at once as a connection's first bytes.
    let mut both = open(&server, &[raw_quote(), raw_quote()].concat()).await;
    assert_eq!(statuses(&mut both, 2).await, ["HTTP/1.1 200 OK", "HTTP/1.1 200 OK"]);
    db.remove().await;
}

/// A kept-alive connection quiet between requests is given back by hyper
/// and waits for its next request outside it: requests after a pause,
/// one arriving in pieces across the pause, and two at once after it are
/// answered on the same connection, none of them told to close.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_connection_quiet_between_requests_keeps_being_answered() {
    let db = support::sqlite();
    let server = Server::start(&db.url);
    let mut stream = open(&server, &raw_quote()).await;
    assert_eq!(statuses(&mut stream, 1).await, ["HTTP/1.1 200 OK"]);
    for _ in 0..3 {
        tokio::time::sleep(Duration::from_millis(200)).await;
        let request = raw_quote();
        stream.write_all(&request[..40]).await.unwrap();
        tokio::time::sleep(Duration::from_millis(120)).await;
        stream.write_all(&request[40..]).await.unwrap();
        assert_eq!(statuses(&mut stream, 1).await, ["HTTP/1.1 200 OK"]);
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    stream.write_all(&[raw_quote(), raw_quote()].concat()).await.unwrap();
    let mut text = String::new();
    let mut buffer = [0u8; 65536];
    while text.matches("HTTP/1.1 200 OK").count() < 2 || !text.ends_with('}') {
        let read = tokio::time::timeout(Duration::from_secs(5), stream.read(&mut buffer)).await.unwrap().unwrap();
        assert!(read > 0, "closed after {text}");
        text.push_str(&String::from_utf8_lossy(&buffer[..read]));
    }
    assert!(!text.to_ascii_lowercase().contains("connection: close"), "{text}");
    db.remove().await;
}
