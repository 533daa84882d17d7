//! One person's burst of button clicks against the whole HTTP server: can
//! everyone else still be answered while it lasts?
//!
//! `emcee serve`'s router and accept loop on loopback (two worker threads),
//! Slack's signed routes, the seed programme and a fresh database; a fake
//! Slack on loopback takes the answers sent to `response_url`. From another
//! thread, one person sends CLICKS signed "Add to my agenda" clicks over 64
//! kept-alive connections as fast as they are taken. While the burst lasts,
//! a second person sends `/agenda` (their agenda from the database,
//! answered in the HTTP response) one after another, and a third client
//! asks `GET /healthz` one after another. Each is timed first alone, then
//! during the burst: p50, p99 and max.
//!
//! `TEST_DATABASE_URL=postgres://… cargo bench -p emcee --bench clicks [-- CLICKS]`
//! (default 2,000 clicks; SQLite, then a fresh PostgreSQL database, dropped after).

#![expect(clippy::unwrap_used, clippy::expect_used, reason = "a benchmark stops at its first failure, by panicking")]

#[path = "../tests/it/support/mod.rs"]
mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use emcee::clock::Clock;
use emcee::config::{HttpSettings, SlackSettings};
use emcee::dispatch::{AgendaSettings, Dispatcher, Usage};
use emcee::server::{Endpoints, Platforms};
use emcee::store::Store;
use emcee::usage::spill::{SPILL_FILE, Spill};
use emcee::usage::{UserKeyer, writer};

const SECRET: &str = "8f742231b10e8888abcd99yyyzzz85a5";
const CONNECTIONS: usize = 64;

fn main() {
    let clicks: usize = std::env::args().skip(1).find_map(|a| a.parse().ok()).unwrap_or(2_000);
    let server = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let _recorder = emcee::metrics::install();
    let sqlite = support::sqlite();
    burst(&server, &sqlite, clicks);
    let admin = std::env::var("TEST_DATABASE_URL")
        .or_else(|_| std::env::var("DATABASE_URL"))
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
    let postgres = server.block_on(support::postgres(&admin));
    burst(&server, &postgres, clicks);
    server.block_on(postgres.remove());
}

/// The server on `db`: its address, the fake Slack's, and the count of answers the fake got.
async fn start(db: &support::TestDb) -> (String, String, Arc<AtomicUsize>) {
    let store = Store::open(&db.url).unwrap();
    store.migrate().await.unwrap();
    let state = Box::leak(Box::new(tempfile::tempdir().unwrap()));
    let (log, writer) =
        writer::start(store.clone(), Spill::new(state.path().join(SPILL_FILE)), writer::Options::default());
    // The writer lives as long as the server does: to the end of the benchmark.
    Box::leak(Box::new(writer));
    let usage = Usage { log, keyer: UserKeyer::new(b"k"), store: store.clone(), store_queries: true };
    let engine = support::seed_engine();
    store.seed_schedule(engine.schedule(), "data/schedule.json", jiff::Timestamp::now()).await.unwrap();
    let dispatcher = Arc::new(
        Dispatcher::new(engine, Clock::Pinned("2022-11-01T08:30:00Z".parse().unwrap()), Some(usage))
            .with_agenda(AgendaSettings { public_url: None, remind_minutes: 10 }),
    );
    let answered = Arc::new(AtomicUsize::new(0));
    let counted = answered.clone();
    let fake = axum::Router::new().fallback(move || {
        counted.fetch_add(1, Ordering::Relaxed);
        async { axum::Json(serde_json::json!({ "ok": true })) }
    });
    let api = support::serve(fake).await;
    let platforms = Platforms {
        slack: SlackSettings { signing_secret: Some(SECRET.into()), ..SlackSettings::default() },
        ..Platforms::default()
    };
    let endpoints = Endpoints { slack_api: Some(format!("{api}/api/")), ..Endpoints::default() };
    let app = emcee::server::app(&platforms, dispatcher, &endpoints).unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = format!("http://{}", listener.local_addr().unwrap());
    let (_stop, stopped) = tokio::sync::watch::channel(false);
    tokio::spawn(async move {
        let _stop = _stop;
        emcee::server::connections::serve(listener, app.router, HttpSettings::default(), stopped).await;
    });
    (address, api, answered)
}

fn signed(client: &reqwest::Client, url: String, body: String) -> reqwest::RequestBuilder {
    let timestamp = jiff::Timestamp::now().as_second();
    client
        .post(url)
        .header("content-type", "application/x-www-form-urlencoded")
        .header("x-slack-request-timestamp", timestamp.to_string())
        .header("x-slack-signature", support::slack_signature(SECRET, timestamp, &body))
        .body(body)
}

fn click(client: &reqwest::Client, server: &str, api: &str, session: &str, n: usize) -> reqwest::RequestBuilder {
    let value = serde_json::json!({ "l": format!("/agenda add {session}"), "n": 0, "s": 0 }).to_string();
    let payload = serde_json::json!({
        "type": "block_actions", "team": { "id": "T0001" }, "user": { "id": "U0CLICKER" }, "api_app_id": "A0123",
        "container": { "type": "message", "message_ts": "1.2", "channel_id": "C0GENERAL", "is_ephemeral": true },
        "trigger_id": format!("1.{n}.{}", uuid::Uuid::now_v7().simple()), "channel": { "id": "C0GENERAL" },
        "response_url": format!("{api}/response/{n}"),
        "actions": [{ "type": "button", "action_id": "agenda-0", "block_id": "b", "value": value, "action_ts": "1.3" }]
    });
    let body = serde_urlencoded::to_string([("payload", payload.to_string())]).unwrap();
    signed(client, format!("{server}/slack/interactivity"), body)
}

fn agenda(client: &reqwest::Client, server: &str, api: &str, n: usize) -> reqwest::RequestBuilder {
    let trigger = format!("2.{n}.{}", uuid::Uuid::now_v7().simple());
    let body = serde_urlencoded::to_string([
        ("team_id", "T0001"),
        ("channel_id", "C0GENERAL"),
        ("user_id", "U0OTHER"),
        ("command", "/agenda"),
        ("text", ""),
        ("api_app_id", "A0123"),
        ("response_url", &format!("{api}/response/other")),
        ("trigger_id", &trigger),
    ])
    .unwrap();
    signed(client, format!("{server}/slack/commands"), body)
}

/// Sends requests one after another until `until` is set (or `least` are
/// done when it is `None`), each timed; every answer must be a 200.
async fn one_after_another(
    least: usize,
    until: Option<Arc<AtomicBool>>,
    request: impl Fn(usize) -> reqwest::RequestBuilder,
) -> Vec<Duration> {
    let mut took = Vec::new();
    for n in 0.. {
        match &until {
            Some(until) if until.load(Ordering::Relaxed) && n >= least => break,
            None if n >= least => break,
            _ => {}
        }
        let start = Instant::now();
        let response = request(n).send().await.unwrap();
        let status = response.status();
        response.bytes().await.unwrap();
        took.push(start.elapsed());
        assert_eq!(status, 200, "request {n}");
    }
    took
}

fn line(label: &str, mut took: Vec<Duration>) {
    took.sort();
    let at = |p: f64| took[((took.len() - 1) as f64 * p).round() as usize];
    println!("  {label:<40} {:>6} {:>10.2?} {:>10.2?} {:>10.2?}", took.len(), at(0.5), at(0.99), took[took.len() - 1]);
}

/// Clicks dropped before any work so far: (too many of theirs in flight, background full).
fn dropped() -> (u64, u64) {
    let text = emcee::metrics::render();
    let count = |reason: &str| {
        text.lines()
            .find(|l| l.starts_with("emcee_work_dropped_total") && l.contains(&format!("reason=\"{reason}\"")))
            .and_then(|l| l.rsplit(' ').next())
            .and_then(|n| n.parse().ok())
            .unwrap_or(0)
    };
    (count("person"), count("busy"))
}

fn burst(server: &tokio::runtime::Runtime, db: &support::TestDb, clicks: usize) {
    let (address, api, answered) = server.block_on(start(db));
    let sessions: Arc<Vec<String>> =
        Arc::new(support::seed_engine().schedule().sessions.iter().map(|s| s.id.clone()).collect());
    let clients = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    clients.block_on(async {
        let client = reqwest::Client::builder().pool_max_idle_per_host(CONNECTIONS * 2).build().unwrap();
        let (address, api) = (address.as_str(), api.as_str());
        let alone_agenda = one_after_another(300, None, |n| agenda(&client, address, api, n)).await;
        let alone_health = one_after_another(300, None, |_| client.get(format!("{address}/healthz"))).await;

        let before = dropped();
        let done = Arc::new(AtomicBool::new(false));
        let next = Arc::new(AtomicUsize::new(0));
        let started = Instant::now();
        let flood = async {
            let mut senders = tokio::task::JoinSet::new();
            for _ in 0..CONNECTIONS {
                let (client, next, sessions) = (client.clone(), next.clone(), sessions.clone());
                let (address, api) = (address.to_string(), api.to_string());
                senders.spawn(async move {
                    let mut refused = 0;
                    loop {
                        let n = next.fetch_add(1, Ordering::Relaxed);
                        if n >= clicks {
                            break refused;
                        }
                        let session = &sessions[n % sessions.len()];
                        let response = click(&client, &address, &api, session, n).send().await.unwrap();
                        if response.status() != 200 {
                            refused += 1;
                        }
                        response.bytes().await.unwrap();
                    }
                });
            }
            let refused: usize = senders.join_all().await.into_iter().sum();
            let took = started.elapsed();
            done.store(true, Ordering::Relaxed);
            (refused, took)
        };
        let during_agenda = one_after_another(20, Some(done.clone()), |n| agenda(&client, address, api, 1_000 + n));
        let during_health = one_after_another(20, Some(done.clone()), |_| client.get(format!("{address}/healthz")));
        let ((refused, took), during_agenda, during_health) = tokio::join!(flood, during_agenda, during_health);
        // The clicks' answers go out after Slack's acknowledgement: wait for the last.
        let mut last = answered.load(Ordering::Relaxed);
        loop {
            tokio::time::sleep(Duration::from_millis(200)).await;
            let now = answered.load(Ordering::Relaxed);
            if now == last {
                break;
            }
            last = now;
        }
        println!(
            "{}: {clicks} clicks by one person over {CONNECTIONS} connections in {took:.2?} ({:.0} a second), \
             {refused} not acknowledged with a 200",
            db.backend,
            clicks as f64 / took.as_secs_f64()
        );
        let after = dropped();
        println!(
            "  answered through response_url: {last}; dropped before any work: {} (too many of theirs in flight), \
             {} (background full)",
            after.0 - before.0,
            after.1 - before.1
        );
        println!("  {:<40} {:>6} {:>10} {:>10} {:>10}", "", "n", "p50", "p99", "max");
        line("another person's /agenda, alone", alone_agenda);
        line("another person's /agenda, during", during_agenda);
        line("GET /healthz, alone", alone_health);
        line("GET /healthz, during", during_health);
    });
}
