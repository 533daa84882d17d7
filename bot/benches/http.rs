//! Signed `/quote` over HTTP against the whole server: how many requests a
//! second one core answers, with every `/quote` searched and with each
//! answered from the engine's memo, side by side.
//!
//! `emcee serve`'s router and accept loop on loopback, on one worker
//! thread; usage logged to a fresh SQLite file; the seed knowledge base.
//! From another thread, CONNECTIONS kept-alive connections send signed
//! Slack slash commands (`POST /slack/commands`) and signed Discord
//! interactions (`POST /discord/interactions`) as fast as they are
//! answered: 20,000 requests of each route, each with its own trigger or
//! interaction id and user, signed before the clock starts and sent in
//! turn; the server answers the copies of those it has answered
//! (`accept_replays`, as for the peers' load). Every answer must be a 200.
//!
//! Three loads, each measured on both routes:
//! - **searched, 9,900 topics**: the server as it runs, asked about
//!   two-word topics made of 100 words of the seed's quotes: more topics
//!   than its memo keeps ([`emcee_core`]'s 4,096 answers), so every
//!   `/quote` is searched, with each word's alternatives kept as a server
//!   keeps them. What a crowd asking about many things costs: the capacity figure.
//! - **searched, memo off**: an engine that keeps nothing, cycling through
//!   eight topics: every `/quote` searched and every word looked up anew.
//! - **memo hits, 8 topics**: the server as it runs, cycling through eight
//!   topics, so after the first round each `/quote` is the memo's (what the
//!   peers' load measures).
//!
//! `cargo bench -p emcee --bench http [-- SECONDS [CONNECTIONS]]` (default
//! 5 s a row after a 1 s warm-up, 64 connections).

#![expect(clippy::unwrap_used, clippy::expect_used, reason = "a benchmark stops at its first failure, by panicking")]

#[path = "../tests/it/support/mod.rs"]
mod support;

use std::sync::Arc;
use std::time::{Duration, Instant};

use ed25519_dalek::{Signer, SigningKey};
use emcee::clock::Clock;
use emcee::config::{DiscordSettings, HttpSettings, SlackSettings};
use emcee::dispatch::{Dispatcher, Usage};
use emcee::server::{Endpoints, Platforms};
use emcee::store::Store;
use emcee::usage::spill::{SPILL_FILE, Spill};
use emcee::usage::{UserKeyer, writer};

const SECRET: &str = "8f742231b10e8888abcd99yyyzzz85a5";
/// The topics asked, in turn: words the seed's quotes hold, a name, one
/// with no quote and none at all, as the peers' load asks.
const TOPICS: [&str; 8] =
    ["kubernetes", "OPEN SOURCE", "show me the cloud", "kelsey", "serverless", "wasm", "no-such-topic-xyz", ""];

fn key() -> SigningKey {
    SigningKey::from_bytes(&[7u8; 32])
}

fn main() {
    let mut numbers = std::env::args().skip(1).filter_map(|a| a.parse::<u64>().ok());
    let seconds = numbers.next().unwrap_or(5);
    let connections = numbers.next().map_or(64, |n| n as usize);
    let measure = Duration::from_secs(seconds);
    println!(
        "signed /quote, {connections} connections, {seconds} s a row after 1 s of warm-up; the server on one worker thread"
    );
    println!("  {:<52} {:>10} {:>10} {:>10}", "", "req/s", "p50", "p99");
    let many = many_topics();
    let eight: Vec<String> = TOPICS.iter().map(|t| t.to_string()).collect();
    let loads = [
        ("searched, 9,900 topics", true, &many),
        ("searched, memo off", false, &eight),
        ("memo hits, 8 topics", true, &eight),
    ];
    for (label, memo, topics) in loads {
        let server = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().unwrap();
        let (address, _state, _db) = server.block_on(start(memo));
        for route in [Route::Slack, Route::Discord] {
            let (rate, p50, p99) = load(&address, route, topics, connections, measure);
            println!("  {:<52} {rate:>10.0} {p50:>10.2?} {p99:>10.2?}", format!("{}, {label}", route.path()));
        }
        drop(server);
    }
}

#[derive(Debug, Clone, Copy)]
enum Route {
    Slack,
    Discord,
}

impl Route {
    fn path(self) -> &'static str {
        match self {
            Route::Slack => "POST /slack/commands",
            Route::Discord => "POST /discord/interactions",
        }
    }
}

/// The server: its address, and what must live as long as it does.
async fn start(memo: bool) -> (String, tempfile::TempDir, support::TestDb) {
    let db = support::sqlite();
    let store = Store::open(&db.url).unwrap();
    store.migrate().await.unwrap();
    let state = tempfile::tempdir().unwrap();
    let (log, writer) =
        writer::start(store.clone(), Spill::new(state.path().join(SPILL_FILE)), writer::Options::default());
    // The writer lives as long as the server does: to the end of the benchmark.
    Box::leak(Box::new(writer));
    let usage = Usage { log, keyer: UserKeyer::new(b"k"), store: store.clone(), store_queries: true };
    let engine = emcee_core::seed::engine();
    let engine = Arc::new(if memo { engine } else { engine.without_memo() });
    let dispatcher =
        Arc::new(Dispatcher::new(engine, Clock::Pinned("2022-11-01T08:30:00Z".parse().unwrap()), Some(usage)));
    let platforms = Platforms {
        slack: SlackSettings { signing_secret: Some(SECRET.into()), ..SlackSettings::default() },
        discord: DiscordSettings {
            application_id: Some(1_100_000_000_000_000_001),
            public_key: Some(emcee::hex::encode(&key().verifying_key().to_bytes())),
            ..DiscordSettings::default()
        },
        accept_replays: true,
    };
    let app = emcee::server::app(&platforms, dispatcher, &Endpoints::default()).unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = format!("http://{}", listener.local_addr().unwrap());
    let (stop, stopped) = tokio::sync::watch::channel(false);
    tokio::spawn(async move {
        let _stop = stop;
        emcee::server::connections::serve(listener, app.router, HttpSettings::default(), stopped).await;
    });
    (address, state, db)
}

/// A signed request's headers and body, made before the clock starts.
struct Signed {
    headers: Vec<(&'static str, String)>,
    body: String,
}

/// Two-word topics of 100 words the seed's quotes say (of six letters or
/// more, the most said first): 9,900 of them.
fn many_topics() -> Vec<String> {
    let engine = emcee_core::seed::engine();
    let mut counts: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for quote in &engine.knowledge().quotes {
        for word in quote.text.split(|c: char| !c.is_alphabetic()).filter(|w| w.chars().count() >= 6) {
            *counts.entry(word.to_lowercase()).or_default() += 1;
        }
    }
    let mut words: Vec<(String, usize)> = counts.into_iter().collect();
    words.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let words: Vec<String> = words.into_iter().take(100).map(|(w, _)| w).collect();
    assert_eq!(words.len(), 100, "the seed's quotes say 100 words of six letters or more");
    let mut topics = Vec::new();
    for a in &words {
        for b in words.iter().filter(|b| *b != a) {
            topics.push(format!("{a} {b}"));
        }
    }
    topics
}

fn slack(n: usize, topic: &str) -> Signed {
    let body = serde_urlencoded::to_string([
        ("team_id", "T0001"),
        ("channel_id", "C0GENERAL"),
        ("user_id", &format!("U{:07}", n % 5_000)),
        ("command", "/quote"),
        ("text", topic),
        ("api_app_id", "A0123"),
        ("response_url", "https://hooks.slack.com/commands/T0001/1/x"),
        ("trigger_id", &format!("3.{n}.{}", uuid::Uuid::now_v7().simple())),
    ])
    .unwrap();
    let timestamp = jiff::Timestamp::now().as_second();
    Signed {
        headers: vec![
            ("content-type", "application/x-www-form-urlencoded".into()),
            ("x-slack-request-timestamp", timestamp.to_string()),
            ("x-slack-signature", support::slack_signature(SECRET, timestamp, &body)),
        ],
        body,
    }
}

fn discord(n: usize, topic: &str, key: &SigningKey) -> Signed {
    let options = if topic.is_empty() {
        serde_json::json!([])
    } else {
        serde_json::json!([{ "name": "topic", "type": 3, "value": topic }])
    };
    let body = serde_json::json!({
        "app_permissions": "442368",
        "application_id": "1100000000000000001",
        "channel": { "id": "1100000000000000003", "name": "general", "type": 0, "guild_id": "1100000000000000002" },
        "channel_id": "1100000000000000003",
        "entitlements": [],
        "guild_id": "1100000000000000002",
        "guild_locale": "en-US",
        "id": (1_200_000_000_000_000_000u64 + n as u64).to_string(),
        "locale": "en-US",
        "member": {
            "avatar": null, "deaf": false, "flags": 0, "joined_at": "2024-05-01T10:00:00.000000+00:00",
            "mute": false, "nick": null, "pending": false, "permissions": "2248473465835073", "roles": [],
            "user": { "avatar": null, "discriminator": "0", "global_name": "Attendee",
                      "id": format!("13{:017}", n % 5_000), "public_flags": 0, "username": "attendee" }
        },
        "token": "aW50ZXJhY3Rpb24tdG9rZW4",
        "type": 2,
        "version": 1,
        "data": { "id": "1100000000000000009", "name": "quote", "type": 1, "options": options }
    })
    .to_string();
    let timestamp = jiff::Timestamp::now().as_second();
    let signature = key.sign(format!("{timestamp}{body}").as_bytes());
    Signed {
        headers: vec![
            ("content-type", "application/json".into()),
            ("x-signature-ed25519", emcee::hex::encode(&signature.to_bytes())),
            ("x-signature-timestamp", timestamp.to_string()),
        ],
        body,
    }
}

/// Sends `route`'s requests, asking about `topics` in turn, over `connections` connections for a warm-up
/// second and then `measure`; returns requests a second, p50 and p99 of the measured ones.
fn load(
    address: &str,
    route: Route,
    topics: &[String],
    connections: usize,
    measure: Duration,
) -> (f64, Duration, Duration) {
    let clients = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let made = 20_000;
    let key = key();
    let requests: Arc<Vec<Signed>> = Arc::new(
        (0..made)
            .map(|n| match route {
                Route::Slack => slack(n, &topics[n % topics.len()]),
                Route::Discord => discord(n, &topics[n % topics.len()], &key),
            })
            .collect(),
    );
    let url = match route {
        Route::Slack => format!("{address}/slack/commands"),
        Route::Discord => format!("{address}/discord/interactions"),
    };
    clients.block_on(async {
        let client = reqwest::Client::builder().pool_max_idle_per_host(connections * 2).build().unwrap();
        let next = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let started = Instant::now();
        let (warm, end) = (started + Duration::from_secs(1), started + Duration::from_secs(1) + measure);
        let mut senders = tokio::task::JoinSet::new();
        for _ in 0..connections {
            let (client, next, requests, url) = (client.clone(), next.clone(), requests.clone(), url.clone());
            senders.spawn(async move {
                let mut took = Vec::new();
                loop {
                    let n = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let sent = Instant::now();
                    if sent >= end {
                        break took;
                    }
                    let signed = &requests[n % requests.len()];
                    let mut request = client.post(&url).body(signed.body.clone());
                    for (name, value) in &signed.headers {
                        request = request.header(*name, value);
                    }
                    let response = request.send().await.unwrap();
                    let status = response.status();
                    response.bytes().await.unwrap();
                    assert_eq!(status, 200, "request {n}");
                    if sent >= warm {
                        took.push(sent.elapsed());
                    }
                }
            });
        }
        let mut took: Vec<Duration> = senders.join_all().await.into_iter().flatten().collect();
        took.sort();
        let at = |p: f64| took[((took.len() - 1) as f64 * p).round() as usize];
        (took.len() as f64 / measure.as_secs_f64(), at(0.5), at(0.99))
    })
}
