//! A soak of the two transports that need no public address: COMMANDS
//! (default 10,000) commands over Slack's Socket Mode and as many over the
//! Discord gateway, each through its fake on loopback, with the socket cut
//! without a close frame every EVERY (default 500) commands. Is every
//! command answered exactly once, how long from the platform's dispatch to
//! the bot's reply, and does the process's memory stay flat?
//!
//! One bot on a fresh SQLite file over the seed programme, on two worker
//! threads. Commands go one at a time, in turn `/bio`, `/quote`, `/talks`
//! and `/ask`, each from a person of its own among a hundred.
//!
//! - Slack: a command is an envelope on the socket; its reply is the
//!   acknowledgement's payload. The envelope in flight when the socket is
//!   cut is delivered again on the next connection, as Slack does with an
//!   envelope it got no acknowledgement for (a new envelope id, the same
//!   trigger id, `retry_attempt` 1).
//! - Discord: a command is an `INTERACTION_CREATE` dispatch; its reply is
//!   the interaction callback the fake REST API receives. When the socket
//!   is cut, serenity resumes on a new connection, and the fake replays
//!   what the session's RESUME says it missed, as Discord does.
//!
//! Each command is timed from its first dispatch to its reply, reconnects
//! included. Fails unless every command is answered exactly once (one
//! reply, one usage event).
//!
//! `scripts/bench-soak [COMMANDS [EVERY]]`, or
//! `cargo bench -p emcee --bench soak [-- COMMANDS [EVERY]]`

#![expect(clippy::unwrap_used, clippy::expect_used, reason = "a benchmark stops at its first failure, by panicking")]

#[path = "../tests/it/support/mod.rs"]
mod support;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::{Body, to_bytes};
use axum::http::Request;
use emcee::clock::Clock;
use emcee::config::{DiscordSettings, SlackSettings};
use emcee::dispatch::{Dispatcher, Usage};
use emcee::server::{Endpoints, Platforms};
use emcee::store::Store;
use emcee::usage::spill::{SPILL_FILE, Spill};
use emcee::usage::{UserKeyer, writer};
use serde_json::json;

/// The commands, in turn: (Slack's command, its text; Discord's name, option, value).
const COMMANDS: [(&str, &str, &str, &str); 4] = [
    ("/bio", "Kelsey Hightower", "speaker", "Kelsey Hightower"),
    ("/quote", "kubernetes", "topic", "kubernetes"),
    ("/talks", "platform engineering", "query", "platform engineering"),
    ("/ask", "who is kelsey hightower", "question", "who is kelsey hightower"),
];

fn main() {
    let mut numbers = std::env::args().skip(1).filter_map(|a| a.parse::<usize>().ok());
    let commands = numbers.next().unwrap_or(10_000);
    let every = numbers.next().unwrap_or(500).max(1);
    if std::env::var_os("RUST_LOG").is_some() {
        tracing_subscriber::fmt().with_env_filter(tracing_subscriber::EnvFilter::from_default_env()).init();
    }
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    println!("{commands} commands a transport, the socket cut every {every}");
    println!("  {:<28} {:>6} {:>10} {:>10} {:>10}   RSS", "", "count", "p50", "p99", "max");
    let only = std::env::var("SOAK_ONLY").unwrap_or_default();
    if only != "discord" {
        runtime.block_on(slack(commands, every));
    }
    if only != "slack" {
        runtime.block_on(discord(commands, every));
    }
}

/// The resident memory of this process, in MiB.
fn rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kib = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .unwrap_or(0.0);
    kib / 1024.0
}

/// Prints `took`'s count, p50, p99 and maximum, and the memory at each
/// tenth of the run.
fn line(label: &str, mut took: Vec<Duration>, rss: &[f64]) {
    took.sort();
    let at = |p: f64| took[((took.len() - 1) as f64 * p).round() as usize];
    let rss: Vec<String> = rss.iter().map(|m| format!("{m:.0}")).collect();
    println!(
        "  {label:<28} {:>6} {:>10.2?} {:>10.2?} {:>10.2?}   {} MiB",
        took.len(),
        at(0.5),
        at(0.99),
        took[took.len() - 1],
        rss.join(" → ")
    );
}

/// A bot over a fresh SQLite file with `platforms`; its dispatcher, app,
/// usage writer and store.
async fn bot(
    db: &support::TestDb,
    platforms: &Platforms,
    endpoints: &Endpoints,
) -> (emcee::server::App, writer::WriterHandle, Store) {
    let store = Store::open(&db.url).unwrap();
    store.migrate().await.unwrap();
    let state = Box::leak(Box::new(tempfile::tempdir().unwrap()));
    let (log, writer) =
        writer::start(store.clone(), Spill::new(state.path().join(SPILL_FILE)), writer::Options::default());
    let usage = Usage { log, keyer: UserKeyer::new(b"k"), store: store.clone(), store_queries: true };
    let dispatcher = Arc::new(Dispatcher::new(
        support::seed_engine(),
        Clock::Pinned("2022-11-01T08:30:00Z".parse().unwrap()),
        Some(usage),
    ));
    (emcee::server::app(platforms, dispatcher, endpoints).unwrap(), writer, store)
}

/// Checks every command was logged once.
async fn logged_once(writer: writer::WriterHandle, store: &Store, commands: usize) {
    writer.stop().await;
    let events = store.events().await.unwrap();
    assert_eq!(events.len(), commands, "one usage event a command");
}

async fn slack(commands: usize, every: usize) {
    let socket = support::FakeWebSocket::start(
        json!({ "type": "hello", "num_connections": 1, "connection_info": { "app_id": "A0123" },
                "debug_info": { "host": "applink-soak" } }),
        |_| None,
    )
    .await;
    let url = format!("ws://{}/link/", socket.address);
    let api = support::serve(axum::Router::new().fallback(move |request: Request<Body>| {
        let url = url.clone();
        async move {
            let answer = if request.uri().path().ends_with("apps.connections.open") {
                json!({ "ok": true, "url": url })
            } else {
                json!({ "ok": true })
            };
            support::json(200, &[], answer)
        }
    }))
    .await;
    let db = support::sqlite();
    let platforms = Platforms {
        slack: SlackSettings {
            bot_token: Some("xoxb-soak".into()),
            app_token: Some("xapp-1-soak".into()),
            ..SlackSettings::default()
        },
        ..Platforms::default()
    };
    let endpoints = Endpoints { slack_api: Some(format!("{api}/api/")), ..Endpoints::default() };
    let (app, writer, store) = bot(&db, &platforms, &endpoints).await;
    let slack = app.slack.clone().unwrap();
    let (tell, told) = tokio::sync::oneshot::channel::<()>();
    let running = tokio::spawn(emcee::slack::socket::run(slack, "xapp-1-soak", async {
        let _ = told.await;
    }));

    let mut socket = socket;
    let mut link = socket.next().await;
    let (mut took, mut rss, mut acks) = (Vec::with_capacity(commands), Vec::new(), HashMap::<String, usize>::new());
    for n in 0..commands {
        let (command, text, _, _) = COMMANDS[n % COMMANDS.len()];
        let trigger = format!("t.{n}");
        let envelope = |id: String, retry: u32| {
            json!({
                "envelope_id": id, "type": "slash_commands", "accepts_response_payload": true, "retry_attempt": retry,
                "payload": {
                    "team_id": "T0001", "channel_id": "C0GENERAL", "user_id": format!("U{:04}", n % 100),
                    "command": command, "text": text, "api_app_id": "A0123", "trigger_id": trigger,
                    "response_url": "https://hooks.slack.com/commands/T0001/1/abc"
                }
            })
        };
        let sent = Instant::now();
        link.send(envelope(format!("e-{n}"), 0));
        let ack = if (n + 1) % every == 0 {
            link.cut();
            link = socket.next().await;
            link.send(envelope(format!("e-{n}-again"), 1));
            link.frame(|f| f["envelope_id"] == format!("e-{n}-again")).await
        } else {
            link.frame(|f| f["envelope_id"] == format!("e-{n}")).await
        };
        took.push(sent.elapsed());
        assert!(ack["payload"].is_object(), "command {n} acknowledged with its reply: {ack}");
        *acks.entry(trigger).or_default() += 1;
        if n % (commands / 10).max(1) == 0 {
            rss.push(rss_mib());
        }
    }
    rss.push(rss_mib());
    let _ = tell.send(());
    running.await.unwrap().unwrap();
    assert!(acks.len() == commands && acks.values().all(|&c| c == 1), "each command acknowledged once");
    logged_once(writer, &store, commands).await;
    line("Slack Socket Mode", took, &rss);
}

async fn discord(commands: usize, every: usize) {
    let gateway = support::FakeWebSocket::start(
        json!({ "op": 10, "d": { "heartbeat_interval": 41250 }, "s": null, "t": null }),
        |frame| (frame["op"] == 1).then(|| json!({ "op": 11, "d": null })),
    )
    .await;
    let url = format!("ws://{}", gateway.address);
    // Each interaction callback, by interaction id, as it arrives.
    let (answered, mut answers) = tokio::sync::mpsc::unbounded_channel::<String>();
    let counts: Arc<Mutex<HashMap<String, usize>>> = Arc::default();
    let (gateway_url, counted) = (url.clone(), counts.clone());
    let api = support::serve(axum::Router::new().fallback(move |request: Request<Body>| {
        let (url, answered, counted) = (gateway_url.clone(), answered.clone(), counted.clone());
        async move {
            let path = request.uri().path().to_string();
            let _ = to_bytes(request.into_body(), 1 << 22).await;
            let answer = if path.ends_with("/gateway/bot") {
                json!({ "url": url, "shards": 1, "session_start_limit":
                        { "total": 1000, "remaining": 999, "reset_after": 0, "max_concurrency": 1 } })
            } else if path.ends_with("/gateway") {
                json!({ "url": url })
            } else {
                if let Some(id) = path.split("/interactions/").nth(1).and_then(|rest| rest.split('/').next()) {
                    *counted.lock().unwrap().entry(id.to_string()).or_default() += 1;
                    let _ = answered.send(id.to_string());
                    // An interaction's callback is answered with no content, as Discord does.
                    return axum::response::Response::builder().status(204).body(Body::empty()).unwrap();
                }
                json!({})
            };
            support::json(200, &[], answer)
        }
    }))
    .await;
    let db = support::sqlite();
    let platforms = Platforms {
        discord: DiscordSettings { token: Some("soak-token".into()), ..DiscordSettings::default() },
        ..Platforms::default()
    };
    let endpoints = Endpoints { discord_api: Some(api), ..Endpoints::default() };
    let (app, writer, store) = bot(&db, &platforms, &endpoints).await;
    let discord = app.discord.clone().unwrap();
    let (tell, told) = tokio::sync::oneshot::channel::<()>();
    let running = tokio::spawn(async move {
        discord
            .run_gateway(async {
                let _ = told.await;
            })
            .await
    });

    let mut gateway = gateway;
    let mut link = gateway.next().await;
    link.frame(|f| f["op"] == 2).await;
    let ready = json!({
        "v": 10,
        "user": { "id": "1100000000000000001", "username": "emcee", "discriminator": "0", "global_name": null,
                  "avatar": null, "bot": true, "verified": true, "mfa_enabled": false, "flags": 0 },
        "guilds": [], "session_id": "s0ak", "resume_gateway_url": url, "shard": [0, 1],
        "application": { "id": "1100000000000000001", "flags": 0 },
        "session_type": "normal", "private_channels": [], "relationships": [], "presences": [],
        "guild_join_requests": [], "user_settings": {}
    });
    link.send(json!({ "op": 0, "s": 1, "t": "READY", "d": ready }));
    let (mut took, mut rss, mut seq) = (Vec::with_capacity(commands), Vec::new(), 1u64);
    for n in 0..commands {
        let (_, _, option, value) = COMMANDS[n % COMMANDS.len()];
        let name = COMMANDS[n % COMMANDS.len()].0.trim_start_matches('/');
        let id = (1_700_000_000_000_000_000u64 + n as u64).to_string();
        seq += 1;
        let event = json!({ "op": 0, "s": seq, "t": "INTERACTION_CREATE", "d": {
            "application_id": "1100000000000000001", "attachment_size_limit": 10_485_760,
            "channel": { "id": "1100000000000000003", "name": "general", "type": 0, "guild_id": "1100000000000000002" },
            "channel_id": "1100000000000000003", "entitlements": [], "guild_id": "1100000000000000002",
            "id": id, "locale": "en-US", "token": "aW50ZXJhY3Rpb24tdG9rZW4", "type": 2, "version": 1,
            "member": {
                "deaf": false, "flags": 0, "joined_at": "2024-05-01T10:00:00.000000+00:00", "mute": false,
                "pending": false, "permissions": "0", "roles": [],
                "user": { "avatar": null, "discriminator": "0", "id": (1_300_000_000_000_000_000u64 + (n % 100) as u64).to_string(),
                          "public_flags": 0, "username": "fan" }
            },
            "data": { "id": "1200000000000000001", "name": name, "type": 1,
                      "options": [{ "name": option, "type": 3, "value": value }] }
        }});
        let sent = Instant::now();
        link.send(event.clone());
        if (n + 1) % every == 0 {
            link.cut();
            link = gateway.next().await;
            let resume = link.frame(|f| f["op"] == 6 || f["op"] == 2).await;
            assert_eq!(resume["op"], 6, "a cut socket is resumed: {resume}");
            // What the session missed, then RESUMED, as Discord does.
            if resume["d"]["seq"].as_u64().is_some_and(|last| last < seq) {
                link.send(event);
            }
            seq += 1;
            link.send(json!({ "op": 0, "s": seq, "t": "RESUMED", "d": {} }));
        }
        let got = tokio::time::timeout(Duration::from_secs(20), answers.recv()).await.expect("an answer").unwrap();
        assert_eq!(got, id, "the interaction just dispatched is the one answered");
        took.push(sent.elapsed());
        if n % (commands / 10).max(1) == 0 {
            rss.push(rss_mib());
        }
    }
    rss.push(rss_mib());
    let _ = tell.send(());
    running.await.unwrap().unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;
    let counts = counts.lock().unwrap().clone();
    assert!(counts.len() == commands && counts.values().all(|&c| c == 1), "each interaction answered once");
    logged_once(writer, &store, commands).await;
    line("Discord gateway", took, &rss);
}
