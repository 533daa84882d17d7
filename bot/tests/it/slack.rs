//! The Slack routes driven in-process with really signed requests, a fake
//! Slack Web API and response_url on loopback, and the usage log on SQLite.

use crate::support;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::{Body, to_bytes};
use axum::http::{Request, StatusCode};
use emcee::clock::Clock;
use emcee::config::SlackSettings;
use emcee::dispatch::{Dispatcher, Usage};
use emcee::server::{Endpoints, Platforms};
use emcee::store::Store;
use emcee::usage::spill::{SPILL_FILE, Spill};
use emcee::usage::{UserKeyer, writer};
use tower::ServiceExt;

const SECRET: &str = "8f742231b10e8888abcd99yyyzzz85a5";

/// What the fake Slack (Web API and response_url) was sent: path and JSON body.
type Sent = Arc<Mutex<Vec<(String, serde_json::Value)>>>;

/// A fake Slack on loopback: `chat.postMessage` answers 429 once, then ok;
/// `usergroups.users.list` names U0ORGANISER; `chat.update` and
/// `views.open` answer as Slack does; anything else is recorded.
async fn fake_slack() -> (String, Sent) {
    fake_slack_with_socket(None).await
}

/// [`fake_slack`], whose `apps.connections.open` gives `socket`, the
/// Socket Mode address of a fake socket.
async fn fake_slack_with_socket(socket: Option<String>) -> (String, Sent) {
    let sent: Sent = Arc::default();
    let limited = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let record = sent.clone();
    let app = axum::Router::new().fallback(move |request: Request<Body>| {
        let (record, limited, socket) = (record.clone(), limited.clone(), socket.clone());
        async move {
            let path = request.uri().path().to_string();
            let query = request.uri().query().unwrap_or("").to_string();
            let bytes = to_bytes(request.into_body(), 1 << 20).await.unwrap();
            let body = serde_json::from_slice(&bytes).unwrap_or_else(|_| serde_json::json!({ "query": query }));
            if path.ends_with("chat.postMessage") && !limited.swap(true, std::sync::atomic::Ordering::SeqCst) {
                return axum::response::Response::builder()
                    .status(429)
                    .header("retry-after", "1")
                    .body(Body::from(r#"{"ok":false,"error":"ratelimited"}"#))
                    .unwrap();
            }
            record.lock().unwrap().push((path.clone(), body));
            let answer = if path.ends_with("apps.connections.open") {
                serde_json::json!({ "ok": socket.is_some(), "url": socket })
            } else if path.ends_with("usergroups.users.list") {
                serde_json::json!({ "ok": true, "users": ["U0ORGANISER"] })
            } else if path.ends_with("chat.postMessage") {
                serde_json::json!({ "ok": true, "channel": "C1", "ts": "1700000000.000100", "message": { "ts": "1700000000.000100", "text": "" } })
            } else if path.ends_with("chat.update") {
                serde_json::json!({ "ok": true, "channel": "C1", "ts": "1700000000.000100", "text": "", "message": { "text": "" } })
            } else if path.ends_with("views.open") {
                serde_json::json!({ "ok": true, "view": {
                    "id": "V0001", "team_id": "T0001", "type": "modal", "hash": "1.a",
                    "title": { "type": "plain_text", "text": "Answer" }, "blocks": []
                } })
            } else {
                serde_json::json!({ "ok": true })
            };
            support::json(200, &[], answer)
        }
    });
    (support::serve(app).await, sent)
}

struct Bot {
    router: axum::Router,
    slack: Arc<emcee::slack::Slack>,
    dispatcher: Arc<Dispatcher>,
    writer: writer::WriterHandle,
    store: Store,
    _state: tempfile::TempDir,
    _db: support::TestDb,
}

async fn bot(api: &str) -> Bot {
    bot_with(api, SlackSettings::default()).await
}

/// A bot with `settings`, given the secret, token, organiser group and
/// announcement channel of the others.
async fn bot_with(api: &str, settings: SlackSettings) -> Bot {
    let db = support::sqlite();
    let store = Store::open(&db.url).unwrap();
    store.migrate().await.unwrap();
    let state = tempfile::tempdir().unwrap();
    let (log, writer) =
        writer::start(store.clone(), Spill::new(state.path().join(SPILL_FILE)), writer::Options::default());
    let usage = Usage { log, keyer: UserKeyer::new(b"k"), store: store.clone(), store_queries: true };
    // Imports in these tests are served on loopback, which only an operator's allowance reaches.
    let dispatcher = Arc::new(
        Dispatcher::new(support::seed_engine(), Clock::Pinned("2022-11-01T08:30:00Z".parse().unwrap()), Some(usage))
            .with_fetcher(emcee::fetch::Fetcher::allowing("127.0.0.1").unwrap()),
    );
    let platforms = Platforms {
        slack: SlackSettings {
            signing_secret: Some(SECRET.into()),
            bot_token: Some("xoxb-test".into()),
            organiser_group: Some("S0ORGANISERS".into()),
            channels: vec!["C0ANNOUNCE".into()],
            ..settings
        },
        ..Platforms::default()
    };
    let endpoints = Endpoints { slack_api: Some(format!("{api}/api/")), ..Endpoints::default() };
    let app = emcee::server::app(&platforms, dispatcher.clone(), &endpoints).unwrap();
    Bot { router: app.router, slack: app.slack.unwrap(), dispatcher, writer, store, _state: state, _db: db }
}

fn sign(body: &str, timestamp: i64) -> String {
    support::slack_signature(SECRET, timestamp, body)
}

fn now() -> i64 {
    jiff::Timestamp::now().as_second()
}

/// A trigger id of its own, as Slack gives every invocation.
fn trigger_id() -> String {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
    format!("13345224609.738474920.{}", NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed))
}

fn command_body(command: &str, text: &str, user: &str, response_url: &str) -> String {
    serde_urlencoded::to_string([
        ("token", "legacy"),
        ("team_id", "T0001"),
        ("team_domain", "conf"),
        ("channel_id", "C0GENERAL"),
        ("channel_name", "general"),
        ("user_id", user),
        ("user_name", "attendee"),
        ("command", command),
        ("text", text),
        ("api_app_id", "A0123"),
        ("is_enterprise_install", "false"),
        ("response_url", response_url),
        ("trigger_id", &trigger_id()),
    ])
    .unwrap()
}

fn request(path: &str, body: String, signature: Option<String>, timestamp: i64) -> Request<Body> {
    let mut builder = Request::post(path)
        .header("content-type", "application/x-www-form-urlencoded")
        .header("x-slack-request-timestamp", timestamp.to_string());
    if let Some(signature) = signature {
        builder = builder.header("x-slack-signature", signature);
    }
    builder.body(Body::from(body)).unwrap()
}

fn signed(path: &str, body: String) -> Request<Body> {
    let ts = now();
    let signature = sign(&body, ts);
    request(path, body, Some(signature), ts)
}

async fn send(router: &axum::Router, request: Request<Body>) -> (StatusCode, String) {
    let response = router.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let body = to_bytes(response.into_body(), 1 << 22).await.unwrap();
    (status, String::from_utf8(body.to_vec()).unwrap())
}

/// Every usage event written, once the writer has flushed.
async fn events(bot: Bot) -> Vec<emcee::usage::UsageEvent> {
    let Bot { router, slack, dispatcher, writer, store, _state, _db } = bot;
    drop((router, slack, dispatcher));
    writer.wait().await;
    store.events().await.unwrap()
}

async fn wait_for(sent: &Sent, path_end: &str) -> serde_json::Value {
    for _ in 0..100 {
        if let Some((_, body)) = sent.lock().unwrap().iter().find(|(p, _)| p.ends_with(path_end)) {
            return body.clone();
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("nothing was sent to {path_end}");
}

#[tokio::test]
async fn signed_requests_are_answered_and_everything_else_refused() {
    let (api, _) = fake_slack().await;
    let bot = bot(&api).await;
    let body = command_body("/quote", "wasm", "U0ATTENDEE", "https://hooks.slack.com/commands/1");

    let (status, text) = send(&bot.router, signed("/slack/commands", body.clone())).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    let reply: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(reply["response_type"], "ephemeral");
    assert!(reply["text"].as_str().unwrap().contains("Wasm"), "{text}");

    let forged = sign(&body.replace("wasm", "java"), now());
    assert_eq!(
        send(&bot.router, request("/slack/commands", body.clone(), Some(forged), now())).await,
        (StatusCode::UNAUTHORIZED, String::new())
    );
    let stale_ts = now() - 600;
    let stale = request("/slack/commands", body.clone(), Some(sign(&body, stale_ts)), stale_ts);
    assert_eq!(send(&bot.router, stale).await, (StatusCode::UNAUTHORIZED, String::new()));
    assert_eq!(
        send(&bot.router, request("/slack/commands", body.clone(), None, now())).await,
        (StatusCode::UNAUTHORIZED, String::new())
    );
    for path in ["/slack/interactivity", "/slack/events"] {
        assert_eq!(
            send(&bot.router, request(path, body.clone(), None, now())).await.0,
            StatusCode::UNAUTHORIZED,
            "{path}"
        );
    }
    let huge = command_body("/ask", &"why ".repeat(80_000), "U0ATTENDEE", "https://hooks.slack.com/commands/1");
    assert_eq!(send(&bot.router, signed("/slack/commands", huge)).await.0, StatusCode::PAYLOAD_TOO_LARGE);

    // A retry is acknowledged, not answered again, and not logged twice.
    let mut retry = signed("/slack/commands", body.clone());
    retry.headers_mut().insert("x-slack-retry-num", "1".parse().unwrap());
    assert_eq!(send(&bot.router, retry).await, (StatusCode::OK, String::new()));

    // A NUL (`text=nul%00here`) is answered and logged, storable on every backend.
    let nul = command_body("/bio", "nul\0here", "U0ATTENDEE", "https://hooks.slack.com/commands/1");
    assert!(nul.contains("nul%00here"), "{nul}");
    assert_eq!(send(&bot.router, signed("/slack/commands", nul)).await.0, StatusCode::OK);

    let events = events(bot).await;
    assert_eq!(events.len(), 2, "{events:?}");
    assert_eq!(events[1].query.as_deref(), Some("/bio nul\u{fffd}here"));
    assert_eq!(
        (events[0].platform.as_str(), events[0].workspace.as_str(), events[0].channel.as_str()),
        ("slack", "T0001", "C0GENERAL")
    );
    assert_eq!(events[0].query.as_deref(), Some("/quote wasm"));
    assert_ne!(events[0].user_key, "U0ATTENDEE");
}

#[tokio::test]
async fn events_verify_the_url_and_answer_mentions_in_a_thread() {
    let (api, sent) = fake_slack().await;
    let bot = bot(&api).await;
    let challenge = serde_json::json!({ "type": "url_verification", "token": "t", "challenge": "c-123" }).to_string();
    let (status, text) = send(&bot.router, signed("/slack/events", challenge)).await;
    assert_eq!(
        (status, serde_json::from_str::<serde_json::Value>(&text).unwrap()),
        (StatusCode::OK, serde_json::json!({ "challenge": "c-123" }))
    );

    let mention = serde_json::json!({
        "type": "event_callback", "team_id": "T0001", "api_app_id": "A0123", "event_id": "Ev1", "event_time": 1700000000,
        "event": { "type": "app_mention", "user": "U0ATTENDEE", "channel": "C0GENERAL", "ts": "1700000000.000100",
                   "text": "<@U0BOT> when was Kelsey born?" }
    })
    .to_string();
    assert_eq!(send(&bot.router, signed("/slack/events", mention.clone())).await.0, StatusCode::OK);
    let posted = wait_for(&sent, "chat.postMessage").await;
    assert_eq!(
        (posted["channel"].as_str(), posted["thread_ts"].as_str()),
        (Some("C0GENERAL"), Some("1700000000.000100"))
    );
    assert!(posted["text"].as_str().unwrap().contains("1981"), "{posted}");

    let mut retry = signed("/slack/events", mention);
    retry.headers_mut().insert("x-slack-retry-num", "1".parse().unwrap());
    assert_eq!(send(&bot.router, retry).await.0, StatusCode::OK);

    // What is the asker's alone is not run where the channel sees the answer.
    sent.lock().unwrap().clear();
    let personal = serde_json::json!({
        "type": "event_callback", "team_id": "T0001", "api_app_id": "A0123", "event_id": "Ev2", "event_time": 1700000001,
        "event": { "type": "app_mention", "user": "U0ATTENDEE", "channel": "C0GENERAL", "ts": "1700000001.000100",
                   "text": "<@U0BOT> /agenda feed reset" }
    })
    .to_string();
    assert_eq!(send(&bot.router, signed("/slack/events", personal)).await.0, StatusCode::OK);
    let posted = wait_for(&sent, "chat.postMessage").await;
    let text = posted["text"].as_str().unwrap();
    assert!(text.contains("not answered where others see it") && !text.contains(".ics"), "{posted}");
    tokio::time::sleep(Duration::from_millis(300)).await;
    let events = events(bot).await;
    assert_eq!(events.len(), 2, "the retried mention is not answered again: {events:?}");
    assert_eq!(events[1].status, "invalid", "the refused one is logged: {events:?}");
}

/// A button's value and its response_url come back as the client sent
/// them: a button asking what its kind may not, a payload of many actions
/// and a response_url off Slack's hosts are each refused.
#[tokio::test]
async fn forged_buttons_do_no_more_than_real_ones() {
    let (api, sent) = fake_slack().await;
    let bot = bot(&api).await;
    let press = |actions: Vec<(&str, &str)>, response_url: &str| {
        let actions: Vec<serde_json::Value> = actions
            .iter()
            .map(|(id, line)| {
                let value = serde_json::json!({ "l": line, "n": 0, "s": 1 }).to_string();
                serde_json::json!({ "type": "button", "action_id": id, "block_id": "b", "value": value, "action_ts": "1.3" })
            })
            .collect();
        let payload = serde_json::json!({
            "type": "block_actions", "team": { "id": "T0001" }, "user": { "id": "U0ATTENDEE" }, "api_app_id": "A0123",
            "container": { "type": "message", "message_ts": "1.2", "channel_id": "C0GENERAL", "is_ephemeral": false },
            "trigger_id": trigger_id(), "channel": { "id": "C0GENERAL" }, "response_url": response_url,
            "actions": actions
        });
        signed("/slack/interactivity", serde_urlencoded::to_string([("payload", payload.to_string())]).unwrap())
    };
    let here = format!("{api}/response/9");
    // Sharing a personal answer, or an organisers' command behind "another quote", is not run.
    for (id, line) in [("share", "/agenda feed"), ("another_quote", "/agenda feed reset"), ("share", "/stats")] {
        assert_eq!(send(&bot.router, press(vec![(id, line)], &here)).await.0, StatusCode::OK);
    }
    // One click is one answer, however many actions the payload claims.
    let many = vec![("another_quote", "/quote wasm"); 50];
    assert_eq!(send(&bot.router, press(many, &here)).await.0, StatusCode::OK);
    // An answer is never sent off Slack's hosts.
    let elsewhere = press(vec![("another_quote", "/quote wasm")], "http://127.0.0.2:9/steal");
    assert_eq!(send(&bot.router, elsewhere).await.0, StatusCode::OK);
    wait_for(&sent, "/response/9").await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let answered: Vec<String> = sent
        .lock()
        .unwrap()
        .iter()
        .filter(|(path, _)| path.ends_with("/response/9"))
        .map(|(_, body)| body["text"].as_str().unwrap_or_default().to_string())
        .collect();
    assert_eq!(answered.len(), 1, "{answered:?}");
    assert!(!answered[0].contains(".ics"), "{answered:?}");
    let events = events(bot).await;
    assert_eq!(events.len(), 1, "only the one real click ran a command: {events:?}");
}

/// Slack waits three seconds for a slash command's answer: an organiser's
/// import from a slow server is acknowledged at once, and what came of it
/// follows through the response_url.
#[tokio::test]
async fn a_slow_import_is_acknowledged_at_once_and_its_outcome_follows() {
    let (api, sent) = fake_slack().await;
    let bot = bot(&api).await;
    let slow = axum::Router::new().route(
        "/schedule.json",
        axum::routing::get(|| async {
            tokio::time::sleep(Duration::from_secs(4)).await;
            "this is not a schedule"
        }),
    );
    let address = format!("{}/schedule.json", support::serve(slow).await);
    let response_url = format!("{api}/response/7");
    let started = std::time::Instant::now();
    let body = command_body("/schedule", &format!("import {address}"), "U0ORGANISER", &response_url);
    let (status, text) = send(&bot.router, signed("/slack/commands", body)).await;
    assert!(started.elapsed() < Duration::from_secs(3), "answered in {:?}", started.elapsed());
    assert_eq!(status, StatusCode::OK);
    assert!(text.contains("what came of it follows here"), "{text}");
    let outcome = wait_for(&sent, "/response/7").await;
    assert!(started.elapsed() >= Duration::from_secs(4), "the outcome waited for the server");
    assert!(outcome["text"].as_str().unwrap().contains("is not a schedule emcee can read"), "{outcome}");
    assert_eq!(outcome["response_type"], "ephemeral", "{outcome}");
}

#[tokio::test]
async fn buttons_answer_through_the_response_url() {
    let (api, sent) = fake_slack().await;
    let bot = bot(&api).await;
    let response_url = format!("{api}/response/1");
    let (_, text) =
        send(&bot.router, signed("/slack/commands", command_body("/quote", "kubernetes", "U0ATTENDEE", &response_url)))
            .await;
    let reply: serde_json::Value = serde_json::from_str(&text).unwrap();
    let actions = reply["blocks"].as_array().unwrap().iter().find(|b| b["type"] == "actions").expect("buttons");
    let button =
        |id: &str| actions["elements"].as_array().unwrap().iter().find(|e| e["action_id"] == id).cloned().expect(id);
    let first_quote = reply["text"].as_str().unwrap().to_string();

    let click = |action: serde_json::Value| {
        let payload = serde_json::json!({
            "type": "block_actions", "team": { "id": "T0001" }, "user": { "id": "U0ATTENDEE" }, "api_app_id": "A0123",
            "container": { "type": "message", "message_ts": "1.2", "channel_id": "C0GENERAL", "is_ephemeral": true },
            "trigger_id": trigger_id(), "channel": { "id": "C0GENERAL" }, "response_url": response_url,
            "actions": [{ "type": "button", "action_id": action["action_id"], "block_id": "b", "value": action["value"], "action_ts": "1.3" }]
        });
        serde_urlencoded::to_string([("payload", payload.to_string())]).unwrap()
    };
    let (status, text) = send(&bot.router, signed("/slack/interactivity", click(button("another_quote")))).await;
    assert_eq!((status, text.as_str()), (StatusCode::OK, ""));
    let another = wait_for(&sent, "/response/1").await;
    assert_eq!(another["replace_original"], true);
    assert_ne!(another["text"].as_str().unwrap(), first_quote, "the next match, not the same one");

    sent.lock().unwrap().clear();
    send(&bot.router, signed("/slack/interactivity", click(button("share")))).await;
    let shared = wait_for(&sent, "/response/1").await;
    assert_eq!(
        (shared["response_type"].as_str(), shared["replace_original"].as_bool()),
        (Some("in_channel"), Some(false))
    );
    assert_eq!(shared["text"].as_str().unwrap(), first_quote, "the asker's own answer is shared");

    // An ambiguous name offers each person as a button; picking one answers about them.
    sent.lock().unwrap().clear();
    let (_, text) =
        send(&bot.router, signed("/slack/commands", command_body("/bio", "sample", "U0ATTENDEE", &response_url))).await;
    let reply: serde_json::Value = serde_json::from_str(&text).unwrap();
    let actions = reply["blocks"].as_array().unwrap().iter().find(|b| b["type"] == "actions").expect("choices");
    let choices: Vec<&serde_json::Value> = actions["elements"].as_array().unwrap().iter().collect();
    assert!(
        choices.len() >= 2 && choices.iter().all(|c| c["action_id"].as_str().unwrap().starts_with("choose-")),
        "{reply}"
    );
    let picked = choices[1]["text"]["text"].as_str().unwrap().to_string();
    send(&bot.router, signed("/slack/interactivity", click(choices[1].clone()))).await;
    let answer = wait_for(&sent, "/response/1").await;
    assert_eq!(answer["replace_original"], true);
    assert!(answer["text"].as_str().unwrap().starts_with(&picked), "{answer}");
    events(bot).await;
}

/// Every command and subcommand the catalogue keeps for organisers, as a
/// line to type: imports name an address no fetch reaches.
pub(crate) fn organisers_lines() -> Vec<(String, String)> {
    let mut lines = Vec::new();
    for spec in emcee_core::command::catalogue::CATALOGUE {
        let theirs: Vec<&str> = match spec.subcommands {
            [] if spec.organisers_only => vec![""],
            subs => subs.iter().filter(|s| spec.organisers_only || s.organisers_only).map(|s| s.name).collect(),
        };
        for sub in theirs {
            let text = if sub == "import" { format!("{sub} https://192.0.2.1/file") } else { sub.to_string() };
            lines.push((format!("/{}", spec.name), text));
        }
    }
    lines
}

#[tokio::test]
async fn every_organisers_command_is_theirs_alone() {
    let (api, _sent) = fake_slack().await;
    let bot = bot(&api).await;
    let lines = organisers_lines();
    assert!(lines.len() >= 7, "{lines:?}");
    for (command, text) in lines {
        let response_url = format!("{api}/response/1");
        let body = |user: &str| signed("/slack/commands", command_body(&command, &text, user, &response_url));
        let (_, denied) = send(&bot.router, body("U0ATTENDEE")).await;
        assert!(denied.contains("Only organisers"), "{command} {text}: {denied}");
        let (_, allowed) = send(&bot.router, body("U0ORGANISER")).await;
        assert!(!allowed.contains("Only organisers"), "{command} {text} by an organiser: {allowed}");
    }
}

#[tokio::test]
async fn organisers_come_from_the_user_group_and_announcements_wait_out_rate_limits() {
    let (api, sent) = fake_slack().await;
    let bot = bot(&api).await;
    let stats =
        |user: &str| signed("/slack/commands", command_body("/stats", "", user, "https://hooks.slack.com/commands/1"));
    let (_, denied) = send(&bot.router, stats("U0ATTENDEE")).await;
    assert!(denied.contains("Only organisers"), "{denied}");
    let (_, allowed) = send(&bot.router, stats("U0ORGANISER")).await;
    assert!(!allowed.contains("Only organisers") && allowed.contains("ephemeral"), "{allowed}");
    let group = wait_for(&sent, "usergroups.users.list").await;
    assert!(group["query"].as_str().unwrap().contains("S0ORGANISERS"), "{group}");

    use emcee::announcer::{Announcement, Kind, Sink};
    let sink = emcee::slack::SlackSink::new(&bot.slack).expect("a token and a channel make a sink");
    let announcement = Announcement {
        kind: Kind::Moved,
        session_id: "s1".into(),
        title: "<!channel> Keynote".into(),
        room: "Main".into(),
        start: "2022-11-01T09:00:00Z".parse().unwrap(),
        text: "Moved: <!channel> Keynote".into(),
    };
    let started = std::time::Instant::now();
    sink.send(&announcement).await.unwrap();
    assert!(started.elapsed() >= Duration::from_millis(900), "waited for Retry-After");
    let posted = wait_for(&sent, "chat.postMessage").await;
    assert_eq!(posted["channel"], "C0ANNOUNCE");
    let json = posted.to_string();
    assert!(json.contains("<!date^1667293200^") && !json.contains("<!channel>"), "{json}");
    events(bot).await;
}

/// Issue 18, item 9: a copy of a signed command or button (same
/// trigger_id, still fresh) gets 401 and is neither answered nor logged
/// again; a copy of an event is acknowledged and not done again.
#[tokio::test]
async fn a_replayed_request_is_answered_once() {
    let (api, sent) = fake_slack().await;
    let bot = bot(&api).await;
    let body = command_body("/quote", "wasm", "U0ATTENDEE", "https://hooks.slack.com/commands/1");
    let (timestamp, signature) = (now(), sign(&body, now()));
    let copy = || request("/slack/commands", body.clone(), Some(signature.clone()), timestamp);
    assert_eq!(send(&bot.router, copy()).await.0, StatusCode::OK);
    assert_eq!(send(&bot.router, copy()).await, (StatusCode::UNAUTHORIZED, String::new()));
    // Signed again by Slack with the same trigger id: still the same invocation.
    assert_eq!(send(&bot.router, signed("/slack/commands", body.clone())).await.0, StatusCode::UNAUTHORIZED);

    let payload = serde_json::json!({
        "type": "block_actions", "team": { "id": "T0001" }, "user": { "id": "U0ATTENDEE" }, "api_app_id": "A0123",
        "container": { "type": "message", "message_ts": "1.2", "channel_id": "C0GENERAL", "is_ephemeral": true },
        "trigger_id": trigger_id(), "channel": { "id": "C0GENERAL" }, "response_url": format!("{api}/response/9"),
        "actions": [{ "type": "button", "action_id": "another_quote", "block_id": "b",
                      "value": r#"{"l":"/quote wasm","n":0,"s":1}"#, "action_ts": "1.3" }]
    });
    let click = serde_urlencoded::to_string([("payload", payload.to_string())]).unwrap();
    assert_eq!(send(&bot.router, signed("/slack/interactivity", click.clone())).await.0, StatusCode::OK);
    assert_eq!(send(&bot.router, signed("/slack/interactivity", click)).await.0, StatusCode::UNAUTHORIZED);
    wait_for(&sent, "/response/9").await;

    let mention = serde_json::json!({
        "type": "event_callback", "team_id": "T0001", "api_app_id": "A0123", "event_id": "Ev9", "event_time": 1700000000,
        "event": { "type": "app_mention", "user": "U0ATTENDEE", "channel": "C0GENERAL", "ts": "1700000000.000900",
                   "text": "<@U0BOT> when was Kelsey born?" }
    })
    .to_string();
    assert_eq!(send(&bot.router, signed("/slack/events", mention.clone())).await.0, StatusCode::OK);
    assert_eq!(send(&bot.router, signed("/slack/events", mention)).await, (StatusCode::OK, String::new()));
    wait_for(&sent, "chat.postMessage").await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let events = events(bot).await;
    let commands: Vec<&str> = events.iter().map(|e| e.command.as_str()).collect();
    assert_eq!(commands, ["quote", "quote", "ask"], "each request once: {events:?}");
}

/// The help desk on Slack, through the signed routes and a fake Slack: a
/// question `/ask` cannot answer is posted to the help channel once,
/// without the asker's name; only an organiser gets the form; its
/// submission sends the answer to each asker once, in a direct message,
/// shows it on the post, and with **Add to FAQ** answers the next asker.
#[tokio::test]
async fn the_help_desk_passes_on_what_ask_cannot_answer_and_sends_the_answer_back_once() {
    let (api, sent) = fake_slack().await;
    let bot = bot_with(&api, SlackSettings { help_channel: Some("C0HELP".into()), ..SlackSettings::default() }).await;
    let response_url = format!("{api}/response/help");
    let asked = "Can I bring my dog to the venue?";
    let posts = |sent: &Sent| -> Vec<serde_json::Value> {
        sent.lock()
            .unwrap()
            .iter()
            .filter(|(p, b)| p.ends_with("chat.postMessage") && b["channel"] == "C0HELP")
            .map(|(_, b)| b.clone())
            .collect()
    };
    let ask_as = |user: &str| signed("/slack/commands", command_body("/ask", asked, user, &response_url));

    let (_, first) = send(&bot.router, ask_as("U0ATTENDEE1")).await;
    assert!(first.contains("I don't know") && first.contains("passed your question to the organisers"), "{first}");
    let (_, second) = send(&bot.router, ask_as("U0ATTENDEE2")).await;
    assert!(second.contains("passed your question"), "{second}");
    let (_, again) = send(&bot.router, ask_as("U0ATTENDEE1")).await;
    assert!(again.contains("already with the organisers"), "{again}");
    for _ in 0..100 {
        if !posts(&sent).is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    let posted = posts(&sent);
    assert_eq!(posted.len(), 1, "posted once however many ask: {posted:?}");
    let post = posted[0].to_string();
    assert!(post.contains("bring my dog") && !post.contains("U0ATTENDEE"), "no asker named: {post}");
    let actions = posted[0]["blocks"].as_array().unwrap().iter().find(|b| b["type"] == "actions").unwrap();
    let faq_button = actions["elements"].as_array().unwrap().iter().find(|e| e["action_id"] == "help_faq").unwrap();
    let id = faq_button["value"].as_str().unwrap().to_string();

    // The first asker agrees to be named: the post shows them; someone who
    // did not ask cannot name themselves with it.
    let first: serde_json::Value = serde_json::from_str(&first).unwrap();
    let offer = first["blocks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|b| b["type"] == "actions")
        .flat_map(|b| b["elements"].as_array().unwrap().clone())
        .find(|e| e["action_id"] == "offer")
        .expect("an offer to be named");
    assert_eq!(offer["text"]["text"], "Tell the organisers who I am");
    let press = |user: &str| {
        let payload = serde_json::json!({
            "type": "block_actions", "team": { "id": "T0001" }, "user": { "id": user }, "api_app_id": "A0123",
            "container": { "type": "message", "message_ts": "1.2", "channel_id": "C0GENERAL", "is_ephemeral": true },
            "trigger_id": trigger_id(), "channel": { "id": "C0GENERAL" }, "response_url": response_url,
            "actions": [{ "type": "button", "action_id": "offer", "block_id": "b", "value": offer["value"], "action_ts": "1.3" }]
        });
        signed("/slack/interactivity", serde_urlencoded::to_string([("payload", payload.to_string())]).unwrap())
    };
    sent.lock().unwrap().clear();
    send(&bot.router, press("U0ATTENDEE9")).await;
    let told = wait_for(&sent, "/response/help").await;
    assert!(told["text"].as_str().unwrap().contains("no longer waiting"), "{told}");
    assert!(!sent.lock().unwrap().iter().any(|(p, _)| p.ends_with("chat.update")));
    sent.lock().unwrap().clear();
    send(&bot.router, press("U0ATTENDEE1")).await;
    let named = wait_for(&sent, "chat.update").await;
    assert!(
        named.to_string().contains("Asked by <@U0ATTENDEE1>") && !named.to_string().contains("U0ATTENDEE2"),
        "{named}"
    );
    assert!(named.to_string().contains("help_faq"), "the buttons stay: {named}");
    let told = wait_for(&sent, "/response/help").await;
    assert!(told["text"].as_str().unwrap().contains("now see your name"), "{told}");

    let click = |user: &str| {
        let payload = serde_json::json!({
            "type": "block_actions", "team": { "id": "T0001" }, "user": { "id": user }, "api_app_id": "A0123",
            "container": { "type": "message", "message_ts": "1700000000.000100", "channel_id": "C0HELP", "is_ephemeral": false },
            "trigger_id": trigger_id(), "channel": { "id": "C0HELP" }, "response_url": response_url,
            "actions": [{ "type": "button", "action_id": "help_faq", "block_id": "b", "value": id, "action_ts": "1.3" }]
        });
        signed("/slack/interactivity", serde_urlencoded::to_string([("payload", payload.to_string())]).unwrap())
    };
    sent.lock().unwrap().clear();
    send(&bot.router, click("U0ATTENDEE1")).await;
    let refused = wait_for(&sent, "/response/help").await;
    assert!(refused["text"].as_str().unwrap().contains("Only organisers"), "{refused}");
    assert!(!sent.lock().unwrap().iter().any(|(p, _)| p.ends_with("views.open")));
    send(&bot.router, click("U0ORGANISER")).await;
    let form = wait_for(&sent, "views.open").await;
    assert_eq!(
        (form["view"]["callback_id"].as_str(), form["view"]["private_metadata"].as_str()),
        (Some("help_faq"), Some(id.as_str())),
        "{form}"
    );
    assert!(form.to_string().contains(asked), "the question to file, filled in: {form}");

    let submit = || {
        let payload = serde_json::json!({
            "type": "view_submission", "team": { "id": "T0001" }, "user": { "id": "U0ORGANISER" }, "api_app_id": "A0123",
            "trigger_id": trigger_id(),
            "view": {
                "id": "V0001", "team_id": "T0001", "type": "modal", "hash": "1.a",
                "title": { "type": "plain_text", "text": "Answer and add to FAQ" }, "blocks": [],
                "callback_id": "help_faq", "private_metadata": id,
                "state": { "values": {
                    "question": { "question": { "type": "plain_text_input", "value": asked } },
                    "answer": { "answer": { "type": "plain_text_input", "value": "Only guide dogs, which are welcome everywhere." } }
                } }
            }
        });
        signed("/slack/interactivity", serde_urlencoded::to_string([("payload", payload.to_string())]).unwrap())
    };
    sent.lock().unwrap().clear();
    let (status, body) = send(&bot.router, submit()).await;
    assert_eq!((status, body.as_str()), (StatusCode::OK, ""), "the form closes");
    let dms = |sent: &Sent| -> Vec<(String, String)> {
        sent.lock()
            .unwrap()
            .iter()
            .filter(|(p, b)| {
                p.ends_with("chat.postMessage") && b["channel"].as_str().is_some_and(|c| c.starts_with("U0ATTENDEE"))
            })
            .map(|(_, b)| (b["channel"].as_str().unwrap().to_string(), b.to_string()))
            .collect()
    };
    let updated = wait_for(&sent, "chat.update").await;
    assert_eq!(updated["ts"], "1700000000.000100");
    assert!(updated.to_string().contains("Answered by") && !updated.to_string().contains("help_faq"), "{updated}");
    for _ in 0..100 {
        if dms(&sent).len() == 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // A second submission sends nothing more to the askers; the organiser is told why.
    send(&bot.router, submit()).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let mut to = dms(&sent);
    assert!(to.iter().all(|(_, body)| body.contains("Only guide dogs")), "{to:?}");
    to.sort();
    assert_eq!(
        to.iter().map(|(user, _)| user.as_str()).collect::<Vec<_>>(),
        ["U0ATTENDEE1", "U0ATTENDEE2"],
        "each asker once"
    );
    let told = |sent: &Sent| {
        sent.lock().unwrap().iter().any(|(p, b)| {
            p.ends_with("chat.postMessage")
                && b["channel"] == "U0ORGANISER"
                && b.to_string().contains("no longer waiting")
        })
    };
    for _ in 0..100 {
        if told(&sent) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let organiser: Vec<_> =
        sent.lock().unwrap().iter().filter(|(_, b)| b["channel"] == "U0ORGANISER").cloned().collect();
    assert!(told(&sent), "the organiser is told the question was answered already: {organiser:?}");

    let (_, next) = send(
        &bot.router,
        signed(
            "/slack/commands",
            command_body("/ask", "can i bring my dog to the venue", "U0ATTENDEE3", &response_url),
        ),
    )
    .await;
    assert!(next.contains("Only guide dogs"), "the next asker is answered from the FAQ: {next}");
    assert_eq!(posts(&sent).len(), 0, "and nothing more is posted");
    events(bot).await;
}

/// Slack's Socket Mode on loopback, greeting each connection with
/// `hello` as Slack does.
async fn fake_socket_mode() -> support::FakeWebSocket {
    support::FakeWebSocket::start(hello(), |_| None).await
}

/// Socket Mode's greeting of a new connection.
fn hello() -> serde_json::Value {
    serde_json::json!({
        "type": "hello", "num_connections": 1,
        "connection_info": { "app_id": "A0123" },
        "debug_info": { "host": "applink-fake", "approximate_connection_time": 18060 }
    })
}

/// The acknowledgement of envelope `id` on `link`.
async fn acknowledged(link: &mut support::Link, id: &str) -> serde_json::Value {
    link.frame(|f| f["envelope_id"] == id).await
}

/// A slash command as Socket Mode delivers it: in an envelope, with its
/// fields as JSON; `retry` counts Slack's redeliveries.
fn command_envelope(envelope: &str, command: &str, text: &str, trigger: &str, retry: u32) -> serde_json::Value {
    serde_json::json!({
        "envelope_id": envelope, "type": "slash_commands", "accepts_response_payload": true,
        "retry_attempt": retry, "retry_reason": if retry > 0 { "timeout" } else { "" },
        "payload": {
            "token": "legacy", "team_id": "T0001", "team_domain": "conf", "channel_id": "C0GENERAL",
            "channel_name": "general", "user_id": "U0ATTENDEE1", "user_name": "attendee", "command": command,
            "text": text, "api_app_id": "A0123", "is_enterprise_install": "false",
            "response_url": "https://hooks.slack.com/commands/T0001/1/abc", "trigger_id": trigger
        }
    })
}

/// The bot's Socket Mode listener running against [`fake_socket_mode`]
/// and [`fake_slack_with_socket`] at `api`.
struct SocketMode {
    socket: support::FakeWebSocket,
    api: String,
    sent: Sent,
    bot: Bot,
    stop: support::Stop,
}

impl SocketMode {
    async fn start() -> SocketMode {
        SocketMode::start_with(fake_socket_mode().await).await
    }

    async fn start_with(socket: support::FakeWebSocket) -> SocketMode {
        let (api, sent) = fake_slack_with_socket(Some(format!("ws://{}/link/", socket.address))).await;
        let bot =
            bot_with(&api, SlackSettings { app_token: Some("xapp-1-test".into()), ..SlackSettings::default() }).await;
        let (tell, told) = tokio::sync::oneshot::channel::<()>();
        let running = tokio::spawn(emcee::slack::socket::run(bot.slack.clone(), "xapp-1-test", async {
            let _ = told.await;
        }));
        SocketMode { socket, api, sent, bot, stop: support::Stop { tell, running } }
    }
}

/// Socket Mode end to end: the bot opens its connections through the fake
/// Web API (slack-morphism's `apps.connections.open`), a slash command's envelope is
/// acknowledged with the reply as its payload, a redelivery of it (the
/// same trigger in a new envelope) is acknowledged with the same reply and
/// not answered again, and a `disconnect` asking for a refresh makes it
/// open a new connection, where the next command is answered too.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn socket_mode_answers_each_command_once_and_reconnects_when_asked() {
    let SocketMode { mut socket, sent, bot, stop, .. } = SocketMode::start().await;
    let mut link = socket.next().await;

    link.send(command_envelope("e-1", "/bio", "Kelsey Hightower", "t.1", 0));
    let ack = acknowledged(&mut link, "e-1").await;
    let reply = ack["payload"].to_string();
    assert!(reply.contains("Kelsey Hightower") && ack["payload"]["response_type"] == "ephemeral", "{ack}");
    // Redelivered, as after a socket dropped before the ack arrived.
    link.send(command_envelope("e-1-again", "/bio", "Kelsey Hightower", "t.1", 1));
    let again = acknowledged(&mut link, "e-1-again").await;
    assert_eq!(again["payload"], ack["payload"], "the same reply");

    // Slack asks for a refresh: the bot opens a new connection and answers there.
    link.send(serde_json::json!({
        "type": "disconnect", "reason": "refresh_requested",
        "debug_info": { "host": "applink-fake" }
    }));
    let opened = || sent.lock().unwrap().iter().filter(|(p, _)| p.ends_with("apps.connections.open")).count();
    let before = opened();
    let mut fresh = loop {
        let next = socket.next().await;
        if opened() > before {
            break next;
        }
    };
    fresh.send(command_envelope("e-2", "/quote", "kubernetes", "t.2", 0));
    let ack = acknowledged(&mut fresh, "e-2").await;
    assert!(ack["payload"].to_string().contains('“'), "a quote: {ack}");

    stop.await_stopped().await;
    // The listener's tasks may outlive it a moment, holding the usage log: stopped, not awaited.
    let Bot { writer, store, .. } = bot;
    writer.stop().await;
    let commands: Vec<String> = store.events().await.unwrap().into_iter().map(|e| e.command).collect();
    assert_eq!(commands, ["bio", "quote"], "each command logged once");
}

/// An envelope of Socket Mode's `interactive` kind: a button pressed or a
/// form sent.
fn interactive_envelope(envelope: &str, payload: serde_json::Value) -> serde_json::Value {
    serde_json::json!({
        "envelope_id": envelope, "type": "interactive", "accepts_response_payload": false, "payload": payload
    })
}

/// Audience questions over Socket Mode, through the same fakes: a `/qa
/// ask` envelope is acknowledged with the asker's answer and the question
/// posted by the bot; its **Upvote**, pressed in an `interactive`
/// envelope, replaces the post with the count; a session's **Ask the
/// speaker** opens a form, and the form sent asks its question.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn socket_mode_asks_votes_and_takes_the_form() {
    use crate::agenda::{answered, slack_click_payload};
    use crate::qa::{form_sent, upvote};
    let SocketMode { mut socket, api, sent, bot, stop } = SocketMode::start().await;
    let mut link = socket.next().await;
    let response_url = format!("{api}/response/qa");

    let mut ask = command_envelope("q-1", "/qa", "ask What was the hardest bug?", "t.q1", 0);
    ask["payload"]["response_url"] = serde_json::json!(response_url);
    link.send(ask);
    let ack = acknowledged(&mut link, "q-1").await;
    assert!(ack["payload"].to_string().contains("is posted here as question"), "{ack}");
    let posted = answered(&sent, "/chat.postMessage", 1).await;
    assert!(posted.to_string().contains("What was the hardest bug?"), "{posted}");
    link.send(interactive_envelope("v-1", slack_click_payload(&upvote(&posted), &response_url)));
    acknowledged(&mut link, "v-1").await;
    let voted = answered(&sent, "/response/qa", 1).await;
    assert_eq!(
        (voted["replace_original"].as_bool(), upvote(&voted)["text"]["text"].as_str()),
        (Some(true), Some("Upvote (1)"))
    );

    let mut now = command_envelope("q-2", "/talks", "now", "t.q2", 0);
    now["payload"]["response_url"] = serde_json::json!(response_url);
    link.send(now);
    let listed = acknowledged(&mut link, "q-2").await;
    let blocks = listed["payload"]["blocks"].as_array().cloned().unwrap_or_default();
    let button = blocks
        .iter()
        .filter_map(|b| b.get("accessory"))
        .find(|a| a["action_id"].as_str().is_some_and(|id| id.starts_with("qa_ask")))
        .cloned()
        .unwrap_or_else(|| panic!("Ask the speaker: {listed}"));
    link.send(interactive_envelope("f-1", slack_click_payload(&button, &response_url)));
    acknowledged(&mut link, "f-1").await;
    let form = answered(&sent, "/views.open", 1).await;
    link.send(interactive_envelope("f-2", form_sent(&form, "Which bug took longest?")));
    acknowledged(&mut link, "f-2").await;
    let second = answered(&sent, "/chat.postMessage", 2).await;
    assert!(second.to_string().contains("Which bug took longest?"), "{second}");
    let told = answered(&sent, "/response/qa", 2).await;
    assert!(told.to_string().contains("is posted here as question"), "{told}");

    stop.await_stopped().await;
    let keynote = crate::agenda::keynote_id_in(&bot.dispatcher);
    let Bot { writer, store, .. } = bot;
    writer.stop().await;
    let questions = store.qa_questions(&keynote).await.unwrap();
    assert_eq!(questions.iter().map(|q| q.votes).collect::<Vec<_>>(), [1, 0], "each asked and voted once");
}

/// Faults over Socket Mode. `/readyz` names the connection until Slack
/// greets it. A `disconnect` warning changes nothing. A socket cut without
/// a close frame just as a command arrives is noticed at once: `/readyz`
/// says the connection is down and why until Slack greets the new one,
/// where the redelivered command is acknowledged with the reply it was
/// first given, and a redelivered button press is acknowledged and not
/// handled again. Each command is logged once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn socket_mode_survives_a_cut_socket_and_readyz_tells_it_down() {
    use crate::agenda::slack_click_payload;
    let quiet = support::FakeWebSocket::start(serde_json::Value::Null, |_| None).await;
    let SocketMode { mut socket, api, sent, bot, stop } = SocketMode::start_with(quiet).await;
    let opened = || sent.lock().unwrap().iter().filter(|(p, _)| p.ends_with("apps.connections.open")).count();
    let mut link = socket.next().await;
    let (status, text) = support::readyz_until(&bot.router, |t| t.contains("Slack Socket Mode")).await;
    assert_eq!(status, StatusCode::OK, "a connection on its way is no outage: {text}");
    assert!(text.contains("Slack Socket Mode has not connected yet"), "{text}");
    link.send(hello());
    support::readyz_until(&bot.router, |t| t == "ready\n").await;

    link.send(
        serde_json::json!({ "type": "disconnect", "reason": "warning", "debug_info": { "host": "applink-fake" } }),
    );
    link.send(command_envelope("e-0", "/quote", "kubernetes", "t.0", 0));
    assert!(acknowledged(&mut link, "e-0").await["payload"].to_string().contains('“'));
    assert_eq!(opened(), 1, "a warning is not a reason to reconnect");

    // The command arrives, and the socket is cut before its acknowledgement can leave.
    link.send(command_envelope("e-1", "/bio", "Kelsey Hightower", "t.1", 0));
    link.cut();
    let mut fresh = socket.next().await;
    let (status, text) = support::readyz_until(&bot.router, |t| t.contains("down")).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    assert!(text.contains("Slack Socket Mode is down: the socket") && text.contains("reconnecting"), "{text}");
    fresh.send(hello());
    support::readyz_until(&bot.router, |t| t == "ready\n").await;
    fresh.send(command_envelope("e-1-again", "/bio", "Kelsey Hightower", "t.1", 1));
    assert!(acknowledged(&mut fresh, "e-1-again").await["payload"].to_string().contains("Kelsey Hightower"));

    // An agenda button pressed, and its envelope delivered again: handled once.
    let response_url = format!("{api}/response/agenda");
    let mut talks = command_envelope("e-2", "/talks", "platform engineering", "t.2", 0);
    talks["payload"]["response_url"] = serde_json::json!(response_url);
    fresh.send(talks);
    let listed = acknowledged(&mut fresh, "e-2").await;
    let blocks = listed["payload"]["blocks"].as_array().cloned().unwrap_or_default();
    let add = blocks
        .iter()
        .filter_map(|b| b.get("accessory"))
        .find(|a| a["text"]["text"] == "Add to my agenda")
        .cloned()
        .unwrap_or_else(|| panic!("an add button: {listed}"));
    let pressed = slack_click_payload(&add, &response_url);
    fresh.send(interactive_envelope("b-1", pressed.clone()));
    acknowledged(&mut fresh, "b-1").await;
    let mut again = interactive_envelope("b-1-again", pressed);
    again["retry_attempt"] = serde_json::json!(1);
    fresh.send(again);
    acknowledged(&mut fresh, "b-1-again").await;
    let added = crate::agenda::answered(&sent, "/response/agenda", 1).await;
    assert!(added["text"].as_str().unwrap_or_default().contains("Added"), "{added}");
    tokio::time::sleep(Duration::from_millis(300)).await;
    let replies = sent.lock().unwrap().iter().filter(|(p, _)| p.ends_with("/response/agenda")).count();
    assert_eq!(replies, 1, "the press is answered once");

    stop.await_stopped().await;
    let Bot { writer, store, .. } = bot;
    writer.stop().await;
    let commands: Vec<String> = store.events().await.unwrap().into_iter().map(|e| e.command).collect();
    assert_eq!(commands, ["quote", "bio", "talks", "agenda"], "each logged once");
}

/// Every command over Socket Mode, as the HTTP route answers it: each
/// attendee's command acknowledged with its answer, and each organisers'
/// command and subcommand refused to an attendee and run for a member of
/// the organiser group.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn socket_mode_answers_every_command_and_keeps_organisers_commands_theirs() {
    let SocketMode { mut socket, api, bot, stop, .. } = SocketMode::start().await;
    let mut link = socket.next().await;
    let mut n = 0;
    let mut over_the_socket = async |command: &str, text: &str, user: &str| {
        n += 1;
        let mut envelope = command_envelope(&format!("e-{n}"), command, text, &format!("t.{n}"), 0);
        envelope["payload"]["user_id"] = serde_json::json!(user);
        envelope["payload"]["response_url"] = serde_json::json!(format!("{api}/response/1"));
        link.send(envelope);
        acknowledged(&mut link, &format!("e-{n}")).await["payload"].to_string()
    };
    let attendees = [
        ("/bio", "kelsey", "Kelsey Hightower"),
        ("/quote", "wasm", "Wasm"),
        ("/talks", "platform engineering", "Platform"),
        ("/ask", "When was Kelsey born?", "1981"),
        ("/help", "", "/quote"),
    ];
    for (command, text, expected) in attendees {
        let reply = over_the_socket(command, text, "U0ATTENDEE1").await;
        assert!(reply.contains(expected), "{command} {text} should hold {expected}: {reply}");
    }
    let lines = organisers_lines();
    for (command, text) in &lines {
        let denied = over_the_socket(command, text, "U0ATTENDEE1").await;
        assert!(denied.contains("Only organisers"), "{command} {text}: {denied}");
        let allowed = over_the_socket(command, text, "U0ORGANISER").await;
        assert!(!allowed.contains("Only organisers"), "{command} {text} by an organiser: {allowed}");
    }
    stop.await_stopped().await;
    let Bot { writer, store, .. } = bot;
    writer.stop().await;
    assert_eq!(store.events().await.unwrap().len(), attendees.len() + 2 * lines.len(), "each command logged once");
}

/// Events over Socket Mode: an `events_api` envelope with a mention is
/// acknowledged at once and answered in the mention's thread (after the
/// fake's first `chat.postMessage` is refused with 429 and waited out);
/// the same event delivered again is acknowledged and not answered again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn socket_mode_answers_a_mention_in_its_thread_once() {
    let SocketMode { mut socket, sent, bot, stop, .. } = SocketMode::start().await;
    let mut link = socket.next().await;
    let mention = |envelope: &str, retry: u32| {
        serde_json::json!({
            "envelope_id": envelope, "type": "events_api", "accepts_response_payload": false,
            "retry_attempt": retry, "retry_reason": if retry > 0 { "timeout" } else { "" },
            "payload": {
                "type": "event_callback", "team_id": "T0001", "api_app_id": "A0123", "event_id": "Ev1",
                "event_time": 1700000000,
                "event": { "type": "app_mention", "user": "U0ATTENDEE", "channel": "C0GENERAL",
                           "ts": "1700000000.000100", "text": "<@U0BOT> when was Kelsey born?" }
            }
        })
    };
    link.send(mention("m-1", 0));
    acknowledged(&mut link, "m-1").await;
    let posted = wait_for(&sent, "chat.postMessage").await;
    assert_eq!(
        (posted["channel"].as_str(), posted["thread_ts"].as_str()),
        (Some("C0GENERAL"), Some("1700000000.000100"))
    );
    assert!(posted["text"].as_str().unwrap().contains("1981"), "{posted}");
    link.send(mention("m-1-again", 1));
    acknowledged(&mut link, "m-1-again").await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let posts = sent.lock().unwrap().iter().filter(|(p, _)| p.ends_with("chat.postMessage")).count();
    assert_eq!(posts, 1, "the event delivered again is not answered again");
    stop.await_stopped().await;
    let Bot { writer, store, .. } = bot;
    writer.stop().await;
    assert_eq!(store.events().await.unwrap().len(), 1, "logged once");
}
