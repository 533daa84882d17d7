//! `/agenda` from the outside: the commands through the dispatcher on both
//! backends, the "Add to my agenda" and "Remove" buttons through Slack's
//! and Discord's signed routes, and the calendar feeds through
//! `GET /programme.ics` and `GET /agenda/<token>.ics`, read back by
//! Python's `icalendar` package.

use crate::support;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::{Body, to_bytes};
use axum::http::{Request, StatusCode};
use ed25519_dalek::{Signer, SigningKey};
use emcee::clock::Clock;
use emcee::config::{DiscordSettings, SlackSettings};
use emcee::dispatch::{AgendaSettings, Dispatcher, Origin, Platform, Usage};
use emcee::server::{Endpoints, Platforms};
use emcee::store::{Person, Store};
use emcee::usage::spill::{SPILL_FILE, Spill};
use emcee::usage::{UserKeyer, writer};
use emcee_core::reply::Status;
use serde_json::{Value, json};
use tower::ServiceExt;

const SLACK_SECRET: &str = "8f742231b10e8888abcd99yyyzzz85a5";
pub(crate) const KEYNOTE: &str = "Keynote: Software supply chain security";
const PUBLIC: &str = "https://emcee.example.org";

pub(crate) struct Bot {
    pub(crate) router: axum::Router,
    pub(crate) dispatcher: Arc<Dispatcher>,
    pub(crate) writer: writer::WriterHandle,
    pub(crate) store: Store,
    _state: tempfile::TempDir,
}

fn discord_key() -> SigningKey {
    SigningKey::from_bytes(&[9u8; 32])
}

/// A bot on `db` answering Slack and Discord, with a fake Slack Web API at `slack_api`.
pub(crate) async fn bot(db: &support::TestDb, slack_api: &str) -> Bot {
    let store = Store::open(&db.url).unwrap();
    store.migrate().await.unwrap();
    let state = tempfile::tempdir().unwrap();
    let (log, writer) =
        writer::start(store.clone(), Spill::new(state.path().join(SPILL_FILE)), writer::Options::default());
    let usage = Usage { log, keyer: UserKeyer::new(b"k"), store: store.clone(), store_queries: true };
    let engine = support::seed_engine();
    // The programme stored, as at a first start.
    store.seed_schedule(engine.schedule(), "data/schedule.json", jiff::Timestamp::now()).await.unwrap();
    let dispatcher = Arc::new(
        Dispatcher::new(engine, Clock::Pinned("2022-11-01T08:30:00Z".parse().unwrap()), Some(usage))
            .with_agenda(AgendaSettings { public_url: Some(PUBLIC.into()), remind_minutes: 10 }),
    );
    let platforms = Platforms {
        slack: SlackSettings {
            signing_secret: Some(SLACK_SECRET.into()),
            bot_token: Some("xoxb-test".into()),
            ..SlackSettings::default()
        },
        discord: DiscordSettings {
            application_id: Some(1_100_000_000_000_000_001),
            public_key: Some(emcee::hex::encode(&discord_key().verifying_key().to_bytes())),
            ..DiscordSettings::default()
        },
        ..Platforms::default()
    };
    let endpoints = Endpoints { slack_api: Some(format!("{slack_api}/api/")), ..Endpoints::default() };
    let app = emcee::server::app(&platforms, dispatcher.clone(), &endpoints).unwrap();
    Bot { router: app.router, dispatcher, writer, store, _state: state }
}

pub(crate) fn origin(platform: Platform, user: &str) -> Origin {
    Origin { platform, workspace: "T0001".into(), channel: "C0GENERAL".into(), user: user.into(), organiser: false }
}

fn person(platform: Platform, user: &str) -> Person {
    Person { platform: platform.as_str().into(), user: user.into() }
}

pub(crate) fn keynote_id(bot: &Bot) -> String {
    keynote_id_in(&bot.dispatcher)
}

pub(crate) fn keynote_id_in(dispatcher: &Dispatcher) -> String {
    dispatcher.engine().schedule().sessions.iter().find(|s| s.title == KEYNOTE).unwrap().id.clone()
}

pub(crate) async fn send(router: &axum::Router, request: Request<Body>) -> (StatusCode, axum::http::HeaderMap, String) {
    let response = router.clone().oneshot(request).await.unwrap();
    let (status, headers) = (response.status(), response.headers().clone());
    let body = to_bytes(response.into_body(), 1 << 22).await.unwrap();
    (status, headers, String::from_utf8(body.to_vec()).unwrap())
}

/// Each person's favourites, kept by session id: a new programme version
/// that keeps a session's id keeps its fans, a cancelled one shows as
/// cancelled, and forgetting deletes everything.
#[tokio::test]
async fn agendas_are_each_person_s_and_follow_the_programme() {
    for db in support::backends().await {
        let backend = db.backend;
        let bot = bot(&db, "http://127.0.0.1:9").await;
        let ana = origin(Platform::Slack, "U0ANA");
        let ask = |line: &'static str| {
            let (dispatcher, ana) = (bot.dispatcher.clone(), ana.clone());
            async move { dispatcher.answer(&ana, line).await }
        };
        let empty = ask("/agenda").await;
        assert_eq!(empty.status, Status::Ok, "{backend}");
        assert!(empty.body.contains("empty"), "{backend}: {}", empty.body);

        let added = ask("/agenda add supply chain").await;
        assert_eq!(added.status, Status::Ok, "{backend}: {}", added.body);
        assert!(added.body.starts_with(&format!("Added “{KEYNOTE}”")), "{backend}: {}", added.body);
        assert!(added.body.contains("10 minutes before"), "{backend}: {}", added.body);
        let again = ask("/agenda add supply chain").await;
        assert!(again.body.contains("already in your agenda"), "{backend}: {}", again.body);

        let several = ask("/agenda add Sample").await;
        assert_eq!(several.status, Status::Ambiguous, "{backend}: {}", several.body);
        let pick = several.choices.last().unwrap().clone();
        assert!(pick.starts_with("/agenda add "), "{pick}");
        assert_eq!(bot.dispatcher.answer(&ana, &pick).await.status, Status::Ok);

        let agenda = ask("/agenda").await;
        assert_eq!(agenda.sessions.len(), 2, "{backend}: {:?}", agenda.sessions);
        assert!(agenda.sessions[0].start <= agenda.sessions[1].start, "{backend}: in time order");
        assert!(agenda.body.contains(&agenda.sessions[0].title), "{backend}: the next first: {}", agenda.body);
        let others = bot.dispatcher.answer(&origin(Platform::Discord, "U0ANA"), "/agenda").await;
        assert!(others.body.contains("empty"), "{backend}: the same id on another platform is someone else");

        // A new version moves the keynote: it keeps its fans, at its new time.
        let keynote = keynote_id(&bot);
        let mut moved = bot.dispatcher.engine().schedule().clone();
        let session = moved.sessions.iter_mut().find(|s| s.id == keynote).unwrap();
        session.start += jiff::SignedDuration::from_hours(2);
        session.end += jiff::SignedDuration::from_hours(2);
        let new_start = session.start;
        bot.store.replace_schedule(&moved, "test", jiff::Timestamp::now()).await.unwrap();
        bot.dispatcher.use_schedule(bot.store.load_schedule().await.unwrap().unwrap().0);
        let agenda = ask("/agenda").await;
        let shown = agenda.sessions.iter().find(|s| s.id == keynote).expect("still a favourite");
        assert_eq!(shown.start, new_start, "{backend}");

        // Cancelled: it stays, marked, until removed.
        let mut cancelled = moved.clone();
        cancelled.sessions.retain(|s| s.id != keynote);
        bot.store.replace_schedule(&cancelled, "test", jiff::Timestamp::now()).await.unwrap();
        bot.dispatcher.use_schedule(bot.store.load_schedule().await.unwrap().unwrap().0);
        let agenda = ask("/agenda").await;
        assert!(agenda.sessions.iter().all(|s| s.id != keynote), "{backend}");
        let field = agenda.fields.iter().find(|f| f.name == "Cancelled").expect("cancelled shown");
        assert!(field.value.contains(KEYNOTE), "{backend}: {}", field.value);
        let remove = format!("/agenda remove {keynote}");
        assert_eq!(bot.dispatcher.answer(&ana, &remove).await.status, Status::Ok, "{backend}");
        assert_eq!(bot.dispatcher.answer(&ana, &remove).await.status, Status::NotFound, "{backend}");

        assert_eq!(ask("/agenda remind off").await.status, Status::Ok);
        assert_eq!(bot.store.preferences(&person(Platform::Slack, "U0ANA")).await.unwrap().remind_minutes, Some(0));
        assert!(ask("/agenda").await.fields.iter().any(|f| f.name == "Reminders" && f.value.contains("off")));
        assert_eq!(ask("/agenda remind 15").await.status, Status::Ok);

        let feed = ask("/agenda feed").await;
        let url = feed_url(&feed.body);
        assert_eq!(feed_url(&ask("/agenda feed").await.body), url, "{backend}: the same address until reset");
        let reset = feed_url(&ask("/agenda feed reset").await.body);
        assert_ne!(reset, url, "{backend}");

        let forgotten = ask("/agenda forget").await;
        assert!(forgotten.body.contains("your 1 favourite,"), "{backend}: {}", forgotten.body);
        let me = person(Platform::Slack, "U0ANA");
        assert!(bot.store.favourites(&me).await.unwrap().is_empty(), "{backend}");
        assert_eq!(bot.store.preferences(&me).await.unwrap(), Default::default(), "{backend}");
        let token = reset.rsplit('/').next().unwrap().trim_end_matches(".ics");
        assert_eq!(bot.store.feed_owner(&emcee::usage::key::feed_hash(token)).await.unwrap(), None, "{backend}");

        // Each command is one usage event, keyed, never the raw id; forgetting
        // deleted every one of theirs before it, queued or stored, and leaves
        // its own and the other platform's person's.
        let Bot { router, dispatcher, writer, store, _state } = bot;
        drop((router, dispatcher));
        writer.wait().await;
        let events = store.events().await.unwrap();
        assert_eq!(events.iter().filter(|e| e.command == "agenda").count(), 2, "{backend}");
        assert!(events.iter().all(|e| e.user_key != "U0ANA" && e.user_key.len() == 64), "{backend}");
        db.remove().await;
    }
}

/// An agenda holds at most `AGENDA_MOST` sessions: the next is refused
/// with what to do, one already there is still "already there", and the
/// store's own check holds when two adds race.
#[tokio::test]
async fn a_full_agenda_refuses_more_and_says_what_to_do() {
    use emcee_core::engine::agenda::AGENDA_MOST;
    for db in support::backends().await {
        let backend = db.backend;
        let bot = bot(&db, "http://127.0.0.1:9").await;
        let ana = origin(Platform::Slack, "U0ANA");
        let me = person(Platform::Slack, "U0ANA");
        let now = jiff::Timestamp::now();
        assert_eq!(bot.dispatcher.answer(&ana, "/agenda add supply chain").await.status, Status::Ok);
        for i in 1..AGENDA_MOST {
            assert!(bot.store.add_favourite(&me, &format!("gone-{i}"), now, AGENDA_MOST).await.unwrap());
        }
        assert!(!bot.store.add_favourite(&me, "one-more", now, AGENDA_MOST).await.unwrap(), "{backend}");
        assert_eq!(bot.store.favourites(&me).await.unwrap().len(), AGENDA_MOST, "{backend}");

        let full = bot.dispatcher.answer(&ana, "/agenda add observability for small teams").await;
        assert_eq!(full.status, Status::Invalid, "{backend}: {}", full.body);
        assert!(full.body.contains(&format!("holds {AGENDA_MOST} sessions")), "{backend}: {}", full.body);
        assert!(full.body.contains("/agenda remove"), "{backend}: {}", full.body);
        let again = bot.dispatcher.answer(&ana, "/agenda add supply chain").await;
        assert!(again.body.contains("already in your agenda"), "{backend}: {}", again.body);
        let shown = bot.dispatcher.answer(&ana, "/agenda").await;
        assert_eq!(shown.status, Status::Ok, "{backend}: {}", shown.body);

        assert_eq!(bot.dispatcher.answer(&ana, "/agenda remove gone-1").await.status, Status::Ok, "{backend}");
        let room = bot.dispatcher.answer(&ana, "/agenda add observability for small teams").await;
        assert_eq!(room.status, Status::Ok, "{backend}: {}", room.body);
        db.remove().await;
    }
}

/// One person's burst of agenda commands runs one at a time: a few wait,
/// the rest are refused at once with a reply saying so, and someone else's
/// command in the middle of it is answered.
#[tokio::test]
async fn a_burst_from_one_person_runs_a_few_and_leaves_room_for_others() {
    for db in support::backends().await {
        let backend = db.backend;
        let bot = bot(&db, "http://127.0.0.1:9").await;
        let (ana, bo) = (origin(Platform::Slack, "U0ANA"), origin(Platform::Slack, "U0BO"));
        let ask = |origin: &Origin| {
            let (dispatcher, origin) = (bot.dispatcher.clone(), origin.clone());
            tokio::spawn(async move { dispatcher.answer(&origin, "/agenda add supply chain").await })
        };
        // Each starts, in this order, before any has its answer from the database.
        let burst: Vec<_> = (0..20).map(|_| ask(&ana)).collect();
        let other = ask(&bo).await.unwrap();
        let mut replies = Vec::new();
        for reply in burst {
            replies.push(reply.await.unwrap());
        }
        let refused: Vec<_> = replies.iter().filter(|r| r.status == Status::Invalid).collect();
        assert_eq!(refused.len(), 20 - 3, "{backend}: one runs, two wait");
        assert!(refused[0].body.contains("still being answered") && refused[0].body.contains("again in a moment"));
        assert!(replies.iter().filter(|r| r.status == Status::Ok).count() == 3, "{backend}");
        assert_eq!(other.status, Status::Ok, "{backend}: {}", other.body);
        assert!(!bot.dispatcher.crowded(Platform::Slack, "U0ANA"), "{backend}: nothing held once answered");
        assert_eq!(bot.dispatcher.answer(&ana, "/agenda").await.sessions.len(), 1, "{backend}");
        db.remove().await;
    }
}

/// A database that fails an agenda command gets the person a reply that
/// says only what it means for them; the operator gets the detail in the
/// log and a count in `emcee_internal_errors_total`.
#[tokio::test]
async fn a_failing_database_is_a_plain_reply_and_a_counted_internal_error() {
    let metrics = emcee::metrics::install().expect("this test binary installs the recorder");
    let counted = || {
        metrics
            .render()
            .lines()
            .find(|l| l.starts_with("emcee_internal_errors_total{command=\"agenda\"}"))
            .and_then(|l| l.rsplit(' ').next().and_then(|n| n.parse::<f64>().ok()))
            .unwrap_or(0.0)
    };
    let before = counted();
    let nowhere = tempfile::tempdir().unwrap();
    let store = Store::open(&format!("sqlite://{}", nowhere.path().join("missing/emcee.db").display())).unwrap();
    let state = tempfile::tempdir().unwrap();
    let (log, _writer) =
        writer::start(store.clone(), Spill::new(state.path().join(SPILL_FILE)), writer::Options::default());
    let usage = Usage { log, keyer: UserKeyer::new(b"k"), store, store_queries: true };
    let dispatcher =
        Dispatcher::new(support::seed_engine(), Clock::Pinned("2022-11-01T08:30:00Z".parse().unwrap()), Some(usage));
    let reply = dispatcher.answer(&origin(Platform::Slack, "U0ANA"), "/agenda add supply chain").await;
    assert_eq!(reply.status, Status::Error, "{}", reply.body);
    assert_eq!(reply.body, "Your agenda cannot be reached just now; try again soon.");
    assert!(counted() >= before + 1.0, "{}", metrics.render());
}

/// The feed address in a `/agenda feed` reply.
fn feed_url(body: &str) -> String {
    let start = body.find(PUBLIC).unwrap_or_else(|| panic!("no address in {body}"));
    let url: String = body[start..].split_whitespace().next().unwrap().to_string();
    let token = url.strip_prefix(&format!("{PUBLIC}/agenda/")).unwrap().strip_suffix(".ics").unwrap();
    assert!(token.len() >= 32 && token.bytes().all(|b| b.is_ascii_hexdigit()), "at least 128 bits: {url}");
    url
}

/// What the fake Slack was sent: path and JSON body.
pub(crate) type Sent = Arc<Mutex<Vec<(String, Value)>>>;

/// A fake Slack Web API and response_url on loopback that records what it
/// gets, and answers posts as Slack does.
pub(crate) async fn fake_slack() -> (String, Sent) {
    let sent: Sent = Arc::default();
    let record = sent.clone();
    let app = axum::Router::new().fallback(move |request: Request<Body>| {
        let record = record.clone();
        async move {
            let path = request.uri().path().to_string();
            let bytes = to_bytes(request.into_body(), 1 << 20).await.unwrap();
            let body: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
            let channel = body["channel"].clone();
            record.lock().unwrap().push((path.clone(), body));
            // What Slack answers a post, an update or a deletion with: where the message is.
            let answer = match path.rsplit('/').next() {
                Some("chat.postMessage" | "chat.update") => json!({
                    "ok": true, "channel": channel, "ts": "1700000000.000100",
                    "message": { "ts": "1700000000.000100", "text": "" }
                }),
                Some("chat.delete") => json!({ "ok": true, "channel": channel, "ts": "1700000000.000100" }),
                _ => json!({ "ok": true }),
            };
            axum::response::Response::builder()
                .header("content-type", "application/json")
                .body(Body::from(answer.to_string()))
                .unwrap()
        }
    });
    (support::serve(app).await, sent)
}

pub(crate) fn slack_signed(path: &str, body: String) -> Request<Body> {
    let timestamp = jiff::Timestamp::now().as_second();
    Request::post(path)
        .header("content-type", "application/x-www-form-urlencoded")
        .header("x-slack-request-timestamp", timestamp.to_string())
        .header("x-slack-signature", support::slack_signature(SLACK_SECRET, timestamp, &body))
        .body(Body::from(body))
        .unwrap()
}

pub(crate) fn slack_command(command: &str, text: &str, response_url: &str) -> Request<Body> {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
    let trigger = format!("13345224609.738474920.{}", NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed));
    let body = serde_urlencoded::to_string([
        ("team_id", "T0001"),
        ("channel_id", "C0GENERAL"),
        ("user_id", "U0ANA"),
        ("command", command),
        ("text", text),
        ("api_app_id", "A0123"),
        ("response_url", response_url),
        ("trigger_id", trigger.as_str()),
    ])
    .unwrap();
    slack_signed("/slack/commands", body)
}

pub(crate) fn slack_click(button: &Value, response_url: &str) -> Request<Body> {
    let payload = slack_click_payload(button, response_url);
    slack_signed("/slack/interactivity", serde_urlencoded::to_string([("payload", payload.to_string())]).unwrap())
}

/// A press of `button` in #general, as Slack describes it.
pub(crate) fn slack_click_payload(button: &Value, response_url: &str) -> Value {
    json!({
        "type": "block_actions", "team": { "id": "T0001" }, "user": { "id": "U0ANA" }, "api_app_id": "A0123",
        "container": { "type": "message", "message_ts": "1.2", "channel_id": "C0GENERAL", "is_ephemeral": true },
        "trigger_id": format!("1.{}", uuid::Uuid::now_v7().simple()), "channel": { "id": "C0GENERAL" },
        "response_url": response_url,
        "actions": [{ "type": "button", "action_id": button["action_id"], "block_id": "b", "value": button["value"], "action_ts": "1.3" }]
    })
}

pub(crate) async fn answered(sent: &Sent, path: &str, count: usize) -> Value {
    for _ in 0..100 {
        let bodies: Vec<Value> =
            sent.lock().unwrap().iter().filter(|(p, _)| p.ends_with(path)).map(|(_, b)| b.clone()).collect();
        if bodies.len() >= count {
            return bodies[count - 1].clone();
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!(
        "no answer {count} at {path}; sent: {:?}",
        sent.lock().unwrap().iter().map(|(p, _)| p.clone()).collect::<Vec<_>>()
    );
}

/// The accessory buttons of a Slack message's sessions.
fn session_buttons(message: &Value) -> Vec<Value> {
    message["blocks"].as_array().unwrap().iter().filter_map(|b| b.get("accessory").cloned()).collect()
}

#[tokio::test]
async fn slack_buttons_add_and_remove() {
    let (api, sent) = fake_slack().await;
    let db = support::sqlite();
    let bot = bot(&db, &api).await;
    let response_url = format!("{api}/response/1");
    let (status, _, text) = send(&bot.router, slack_command("/talks", "platform engineering", &response_url)).await;
    assert_eq!(status, StatusCode::OK);
    let talks: Value = serde_json::from_str(&text).unwrap();
    let buttons = session_buttons(&talks);
    let add = buttons.iter().find(|b| b["text"]["text"] == "Add to my agenda").expect("an add button");
    let (status, _, text) = send(&bot.router, slack_click(add, &response_url)).await;
    assert_eq!((status, text.as_str()), (StatusCode::OK, ""));
    let added = answered(&sent, "/response/1", 1).await;
    assert_eq!(added["response_type"], "ephemeral", "only the one who clicked sees it: {added}");
    assert_eq!(added["replace_original"], false);
    assert!(added["text"].as_str().unwrap().contains("Added"), "{added}");
    let mine = bot.store.favourites(&person(Platform::Slack, "U0ANA")).await.unwrap();
    assert_eq!(mine.len(), 1);

    let (_, _, text) = send(&bot.router, slack_command("/agenda", "", &response_url)).await;
    let agenda: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(agenda["response_type"], "ephemeral", "an agenda is private");
    let remove = session_buttons(&agenda).into_iter().find(|b| b["text"]["text"] == "Remove").expect("remove");
    send(&bot.router, slack_click(&remove, &response_url)).await;
    let removed = answered(&sent, "/response/1", 2).await;
    assert!(removed["text"].as_str().unwrap().contains("Removed"), "{removed}");
    assert!(bot.store.favourites(&person(Platform::Slack, "U0ANA")).await.unwrap().is_empty());
}

/// The App Home tab: published with the person's agenda when they open it,
/// and published again, changed, when they click "Remove" on it.
#[tokio::test]
async fn the_slack_home_tab_shows_one_s_agenda() {
    let (api, sent) = fake_slack().await;
    let db = support::sqlite();
    let bot = bot(&db, &api).await;
    let keynote = keynote_id(&bot);
    let ana = origin(Platform::Slack, "U0ANA");
    bot.dispatcher.answer(&ana, &format!("/agenda add {keynote}")).await;
    let opened = json!({
        "type": "event_callback", "team_id": "T0001", "api_app_id": "A0123", "event_id": "Ev1", "event_time": 1700000000,
        "event": { "type": "app_home_opened", "user": "U0ANA", "channel": "D0ANA", "tab": "home" }
    });
    let (status, _, _) = send(&bot.router, slack_signed("/slack/events", opened.to_string())).await;
    assert_eq!(status, StatusCode::OK);
    let published = answered(&sent, "/views.publish", 1).await;
    assert_eq!((published["user_id"].as_str(), published["view"]["type"].as_str()), (Some("U0ANA"), Some("home")));
    let view = published["view"].to_string();
    assert!(view.contains(KEYNOTE) && view.contains("Your agenda"), "{view}");
    let remove =
        session_buttons(&published["view"]).into_iter().find(|b| b["text"]["text"] == "Remove").expect("remove");

    let payload = json!({
        "type": "block_actions", "team": { "id": "T0001" }, "user": { "id": "U0ANA" }, "api_app_id": "A0123",
        "container": { "type": "view", "view_id": "V0HOME" }, "trigger_id": "1.2",
        "view": { "id": "V0HOME", "type": "home", "blocks": [] },
        "actions": [{ "type": "button", "action_id": remove["action_id"], "block_id": "b", "value": remove["value"], "action_ts": "1.3" }]
    });
    let click = serde_urlencoded::to_string([("payload", payload.to_string())]).unwrap();
    assert_eq!(send(&bot.router, slack_signed("/slack/interactivity", click)).await.0, StatusCode::OK);
    let republished = answered(&sent, "/views.publish", 2).await;
    assert!(republished["view"].to_string().contains("Your agenda is empty"), "{republished}");
    assert!(bot.store.favourites(&person(Platform::Slack, "U0ANA")).await.unwrap().is_empty());
}

pub(crate) fn discord_interaction(kind: u8, data: Value) -> Request<Body> {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1_700_000_000_000_000_000);
    let mut body = json!({
        "application_id": "1100000000000000001",
        "channel": {"id": "1100000000000000003", "name": "general", "type": 0, "guild_id": "1100000000000000002"},
        "channel_id": "1100000000000000003", "entitlements": [], "guild_id": "1100000000000000002",
        "id": NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed).to_string(), "locale": "en-US",
        "member": {
            "deaf": false, "flags": 0, "joined_at": "2024-05-01T10:00:00.000000+00:00", "mute": false,
            "pending": false, "permissions": "0", "roles": [],
            "user": {"avatar": null, "discriminator": "0", "id": "1300000000000000007", "public_flags": 0, "username": "ana"}
        },
        "token": "aW50ZXJhY3Rpb24tdG9rZW4", "type": kind, "version": 1, "data": data
    });
    if kind == 3 {
        body["message"] = json!({
            "id": "1500000000000000000", "channel_id": "1100000000000000003", "content": "", "embeds": [],
            "attachments": [], "author": {"id": "1100000000000000001", "username": "emcee", "discriminator": "0", "avatar": null},
            "timestamp": "2024-05-01T10:00:00.000000+00:00", "edited_timestamp": null, "tts": false,
            "mention_everyone": false, "mentions": [], "mention_roles": [], "pinned": false, "type": 0, "flags": 0,
            "components": []
        });
    }
    let body = body.to_string();
    let timestamp = jiff::Timestamp::now().as_second();
    let signature = discord_key().sign(format!("{timestamp}{body}").as_bytes());
    Request::post("/discord/interactions")
        .header("content-type", "application/json")
        .header("x-signature-ed25519", emcee::hex::encode(&signature.to_bytes()))
        .header("x-signature-timestamp", timestamp.to_string())
        .body(Body::from(body))
        .unwrap()
}

#[tokio::test]
async fn discord_buttons_add_and_remove() {
    let db = support::sqlite();
    let bot = bot(&db, "http://127.0.0.1:9").await;
    let talks = json!({ "id": "1100000000000000009", "name": "talks", "type": 1,
                        "options": [{ "name": "query", "type": 3, "value": "platform engineering" }] });
    let (status, _, text) = send(&bot.router, discord_interaction(2, talks)).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    let reply: Value = serde_json::from_str(&text).unwrap();
    let buttons: Vec<Value> = reply["data"]["components"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|row| row["components"].as_array().unwrap().clone())
        .collect();
    let add = buttons.iter().find(|b| b["label"].as_str().unwrap().starts_with("Add: ")).expect("an add button");
    let click = json!({ "custom_id": add["custom_id"], "component_type": 2 });
    let (status, _, text) = send(&bot.router, discord_interaction(3, click)).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    let added: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(added["type"], 4, "a new message, not the shared one changed: {added}");
    assert_eq!(added["data"]["flags"], 64, "only the one who clicked sees it: {added}");
    assert!(added["data"]["embeds"][0]["description"].as_str().unwrap().contains("Added"), "{added}");
    let me = person(Platform::Discord, "1300000000000000007");
    assert_eq!(bot.store.favourites(&me).await.unwrap().len(), 1);

    let remove = added["data"]["components"][0]["components"][0].clone();
    assert!(remove["label"].as_str().unwrap().starts_with("Remove: "), "{remove}");
    let click = json!({ "custom_id": remove["custom_id"], "component_type": 2 });
    let (_, _, text) = send(&bot.router, discord_interaction(3, click)).await;
    assert!(text.contains("Removed"), "{text}");
    assert!(bot.store.favourites(&me).await.unwrap().is_empty());
}

/// The feed as Python's icalendar package reads it, or `None` (skipping
/// that check, which CI refuses) when scripts/test did not provide it.
pub(crate) fn parsed_by_python(ics: &str) -> Option<Value> {
    let Some(python) = std::env::var_os("TEST_ICALENDAR_PYTHON") else {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "CI=true but TEST_ICALENDAR_PYTHON is unset: run the tests through scripts/test"
        );
        eprintln!("SKIPPED the icalendar check: no TEST_ICALENDAR_PYTHON (run scripts/test)");
        return None;
    };
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../scripts/ical-check.py");
    let mut child = std::process::Command::new(python)
        .arg(script)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child.stdin.take().unwrap().write_all(ics.as_bytes()).unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success(), "icalendar refused the feed: {}", String::from_utf8_lossy(&output.stderr));
    Some(serde_json::from_slice(&output.stdout).unwrap())
}

fn get(path: &str, headers: &[(&str, &str)]) -> Request<Body> {
    let mut request = Request::get(path);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    request.body(Body::empty()).unwrap()
}

fn event<'a>(parsed: &'a Value, uid: &str) -> &'a Value {
    parsed["events"].as_array().unwrap().iter().find(|e| e["uid"] == uid).unwrap_or_else(|| panic!("no {uid}"))
}

#[tokio::test]
async fn feeds_follow_changes_and_answer_conditional_requests() {
    for db in support::backends().await {
        let backend = db.backend;
        let bot = bot(&db, "http://127.0.0.1:9").await;
        let keynote = keynote_id(&bot);
        let sessions = bot.dispatcher.engine().schedule().sessions.clone();
        let ana = origin(Platform::Slack, "U0ANA");
        bot.dispatcher.answer(&ana, &format!("/agenda add {keynote}")).await;
        let url = feed_url(&bot.dispatcher.answer(&ana, "/agenda feed").await.body);
        let mine = url.strip_prefix(PUBLIC).unwrap().to_string();

        let (status, headers, programme) = send(&bot.router, get("/programme.ics", &[])).await;
        assert_eq!(status, StatusCode::OK, "{backend}");
        assert_eq!(headers["content-type"], "text/calendar; charset=utf-8");
        let etag = headers["etag"].to_str().unwrap().to_string();
        let modified = headers["last-modified"].to_str().unwrap().to_string();
        for condition in [("if-none-match", etag.as_str()), ("if-modified-since", modified.as_str())] {
            let (status, _, body) = send(&bot.router, get("/programme.ics", &[condition])).await;
            assert_eq!((status, body.as_str()), (StatusCode::NOT_MODIFIED, ""), "{backend}: {condition:?}");
        }
        assert_eq!(send(&bot.router, get("/programme.ics", &[("if-none-match", "\"other\"")])).await.0, StatusCode::OK);
        let (status, _, agenda) = send(&bot.router, get(&mine, &[])).await;
        assert_eq!(status, StatusCode::OK, "{backend}");
        assert_eq!(agenda.matches("BEGIN:VEVENT").count(), 1, "{backend}: only the favourites");
        if let Some(parsed) = parsed_by_python(&programme) {
            assert_eq!(parsed["zones"], json!(["Europe/Copenhagen"]), "{backend}");
            assert_eq!(parsed["events"].as_array().unwrap().len(), sessions.len());
            let before = event(&parsed, &keynote);
            assert_eq!((before["sequence"].as_i64(), before["status"].as_str()), (Some(0), Some("CONFIRMED")));
            let start = sessions.iter().find(|s| s.id == keynote).unwrap().start;
            assert_eq!(before["start"], start.strftime("%Y-%m-%dT%H:%M:%SZ").to_string(), "{backend}");
            assert_eq!(before["tzid"], "Europe/Copenhagen");
        }

        // Move the keynote and cancel another session.
        let mut next = bot.dispatcher.engine().schedule().clone();
        let cancelled = next.sessions.iter().find(|s| s.id != keynote).unwrap().id.clone();
        next.sessions.retain(|s| s.id != cancelled);
        let moved = next.sessions.iter_mut().find(|s| s.id == keynote).unwrap();
        moved.start += jiff::SignedDuration::from_mins(30);
        moved.end += jiff::SignedDuration::from_mins(30);
        moved.room = String::from("Room 2");
        let new_start = moved.start;
        bot.store
            .replace_schedule(&next, "test", jiff::Timestamp::now() + jiff::SignedDuration::from_secs(2))
            .await
            .unwrap();

        let (status, headers, changed) = send(&bot.router, get("/programme.ics", &[("if-none-match", &etag)])).await;
        assert_eq!(status, StatusCode::OK, "{backend}: a change is news to a client with the old copy");
        assert_ne!(headers["etag"].to_str().unwrap(), etag);
        let (status, _, _) = send(&bot.router, get("/programme.ics", &[("if-modified-since", &modified)])).await;
        assert_eq!(status, StatusCode::OK, "{backend}");
        if let Some(parsed) = parsed_by_python(&changed) {
            assert_eq!(parsed["events"].as_array().unwrap().len(), sessions.len(), "the cancelled one stays");
            let after = event(&parsed, &keynote);
            assert_eq!((after["sequence"].as_i64(), after["status"].as_str()), (Some(1), Some("CONFIRMED")));
            assert_eq!(after["start"], new_start.strftime("%Y-%m-%dT%H:%M:%SZ").to_string(), "{backend}");
            assert_eq!(after["location"], "Room 2");
            let gone = event(&parsed, &cancelled);
            assert_eq!((gone["sequence"].as_i64(), gone["status"].as_str()), (Some(1), Some("CANCELLED")));
        }
        let (_, _, agenda) = send(&bot.router, get(&mine, &[])).await;
        if let Some(parsed) = parsed_by_python(&agenda) {
            assert_eq!(parsed["events"].as_array().unwrap().len(), 1, "{backend}");
            assert_eq!(event(&parsed, &keynote)["sequence"], 1);
            assert!(parsed["name"].as_str().unwrap().starts_with("My agenda"));
        }

        // A reset address stops working; an address never given never did.
        bot.dispatcher.answer(&ana, "/agenda feed reset").await;
        assert_eq!(send(&bot.router, get(&mine, &[])).await.0, StatusCode::NOT_FOUND, "{backend}");
        assert_eq!(send(&bot.router, get("/agenda/0123abcd.ics", &[])).await.0, StatusCode::NOT_FOUND);
        assert_eq!(send(&bot.router, get("/agenda/not-a-token.ics", &[])).await.0, StatusCode::NOT_FOUND);
        db.remove().await;
    }
}

/// Simultaneous first `/agenda feed` requests hand out one address that
/// works; a user id PostgreSQL could not hold (a NUL) keeps an agenda;
/// `/agenda forget` deletes the person's usage rows too; and a line too
/// long to answer is logged cut to the length the bot accepts.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn feeds_are_made_once_and_forgetting_forgets_the_log_too() {
    for db in support::backends().await {
        let backend = db.backend;
        let bot = bot(&db, "http://127.0.0.1:9").await;
        let ana = origin(Platform::Slack, "U0ANA");
        // Two replicas on one database: each runs one person's commands one at a time, so they race each other.
        let replica = self::bot(&db, "http://127.0.0.1:9").await;
        let mut asked = tokio::task::JoinSet::new();
        for i in 0..16 {
            let dispatcher = if i % 2 == 0 { bot.dispatcher.clone() } else { replica.dispatcher.clone() };
            let ana = ana.clone();
            asked.spawn(async move { dispatcher.answer(&ana, "/agenda feed").await });
        }
        let feeds = asked.join_all().await;
        let made: Vec<_> = feeds.iter().filter(|r| r.status == Status::Ok).collect();
        assert!(made.len() >= 2, "{backend}: each replica made or found one");
        let addresses: std::collections::HashSet<String> =
            made.iter().map(|r| r.body.lines().last().unwrap_or_default().to_string()).collect();
        assert_eq!(addresses.len(), 1, "{backend}: one address for all: {addresses:?}");
        let address = addresses.into_iter().next().unwrap();
        let path = address.strip_prefix(PUBLIC).unwrap().to_string();
        let (status, _, _) = send(&bot.router, get(&path, &[])).await;
        assert_eq!(status, StatusCode::OK, "{backend}: the address handed out works");
        let (status, _, _) =
            send(&bot.router, get(&path.to_uppercase().replace("/AGENDA/", "/agenda/").replace(".ICS", ".ics"), &[]))
                .await;
        assert_eq!(status, StatusCode::OK, "{backend}: a token in capitals is the same token");

        let odd = origin(Platform::Slack, "U0\0NUL");
        let added = bot.dispatcher.answer(&odd, "/agenda add supply chain").await;
        assert_eq!(added.status, Status::Ok, "{backend}: {}", added.body);
        assert_eq!(bot.dispatcher.answer(&odd, "/agenda").await.sessions.len(), 1, "{backend}");

        let long = format!("/ask {}", "why ".repeat(20_000));
        assert_eq!(bot.dispatcher.answer(&ana, &long).await.status, Status::Invalid, "{backend}");
        // What the log held when they asked is what is forgotten: wait for it to be written.
        let key = UserKeyer::new(b"k").key("slack", "U0ANA");
        for _ in 0..100 {
            if bot.store.events().await.unwrap().iter().filter(|e| e.user_key == key).count() == 17 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let forgotten = bot.dispatcher.answer(&ana, "/agenda forget").await;
        let Bot { writer, store, .. } = bot;
        writer.stop().await;
        let events = store.events().await.unwrap();
        let longest = events.iter().filter_map(|e| e.query.as_deref()).map(|q| q.chars().count()).max();
        assert!(longest <= Some(emcee_core::command::MAX_INPUT_CHARS + 1), "{backend}: {longest:?}");
        let anas: Vec<_> = events.iter().filter(|e| e.user_key == key).map(|e| e.query.clone()).collect();
        assert_eq!(anas, [Some("/agenda forget".to_string())], "{backend}: only the forget itself is left");
        assert!(forgotten.body.contains("your commands in the usage log"), "{backend}: {}", forgotten.body);
        store.close().await;
        db.remove().await;
    }
}
