//! `POST /discord/interactions` driven in-process with real Ed25519
//! signatures: PING, each command, autocomplete, a button, and the
//! requests Discord's own probes send, which must all be refused.

use crate::support;

use std::sync::Arc;

use axum::body::{Body, to_bytes};
use axum::http::{Request, StatusCode};
use ed25519_dalek::{Signer, SigningKey};
use emcee::clock::Clock;
use emcee::config::DiscordSettings;
use emcee::dispatch::{Dispatcher, Usage};
use emcee::server::{Endpoints, Platforms};
use emcee::store::Store;
use emcee::usage::spill::{SPILL_FILE, Spill};
use emcee::usage::{UserKeyer, writer};
use serde_json::{Value, json};
use tower::ServiceExt;

const ORGANISER_ROLE: u64 = 1_400_000_000_000_000_001;

fn key() -> SigningKey {
    SigningKey::from_bytes(&[7u8; 32])
}

struct Bot {
    router: axum::Router,
    discord: Option<Arc<emcee::discord::Discord>>,
    dispatcher: Arc<Dispatcher>,
    writer: writer::WriterHandle,
    store: Store,
    _state: tempfile::TempDir,
    _db: support::TestDb,
}

async fn bot() -> Bot {
    bot_with(&Endpoints::default()).await
}

async fn bot_with(endpoints: &Endpoints) -> Bot {
    bot_with_settings(endpoints, DiscordSettings::default()).await
}

/// A bot with `settings`, given the application id, key and organiser role of the others.
async fn bot_with_settings(endpoints: &Endpoints, settings: DiscordSettings) -> Bot {
    let db = support::sqlite();
    let store = Store::open(&db.url).unwrap();
    store.migrate().await.unwrap();
    let state = tempfile::tempdir().unwrap();
    let (log, writer) =
        writer::start(store.clone(), Spill::new(state.path().join(SPILL_FILE)), writer::Options::default());
    let usage = Usage { log, keyer: UserKeyer::new(b"k"), store: store.clone(), store_queries: true };
    let dispatcher = Arc::new(Dispatcher::new(
        support::seed_engine(),
        Clock::Pinned("2022-11-01T08:30:00Z".parse().unwrap()),
        Some(usage),
    ));
    let public_key: String = emcee::hex::encode(&key().verifying_key().to_bytes());
    let platforms = Platforms {
        discord: DiscordSettings {
            application_id: Some(1_100_000_000_000_000_001),
            public_key: Some(public_key),
            organiser_roles: vec![ORGANISER_ROLE],
            ..settings
        },
        ..Platforms::default()
    };
    let app = emcee::server::app(&platforms, dispatcher.clone(), endpoints).unwrap();
    Bot { router: app.router, discord: app.discord, dispatcher, writer, store, _state: state, _db: db }
}

/// An interaction id of its own, as Discord gives every interaction.
fn interaction_id() -> String {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1_200_000_000_000_000_000);
    NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed).to_string()
}

/// An interaction as Discord sends it (the layout of the peers' load).
fn interaction(kind: u8, data: Option<Value>, roles: &[u64]) -> Value {
    let mut body = json!({
        "app_permissions": "442368",
        "application_id": "1100000000000000001",
        "channel": {"id": "1100000000000000003", "name": "general", "type": 0, "guild_id": "1100000000000000002"},
        "channel_id": "1100000000000000003",
        "entitlements": [],
        "guild_id": "1100000000000000002",
        "guild_locale": "en-US",
        "id": interaction_id(),
        "locale": "en-US",
        "member": {
            "avatar": null, "deaf": false, "flags": 0, "joined_at": "2024-05-01T10:00:00.000000+00:00",
            "mute": false, "nick": null, "pending": false, "permissions": "2248473465835073",
            "roles": roles.iter().map(u64::to_string).collect::<Vec<_>>(),
            "user": {"avatar": null, "discriminator": "0", "global_name": "Attendee", "id": "1300000000000000000",
                     "public_flags": 0, "username": "attendee"}
        },
        "token": "aW50ZXJhY3Rpb24tdG9rZW4",
        "type": kind,
        "version": 1
    });
    if let Some(data) = data {
        body["data"] = data;
    }
    body
}

fn command(name: &str, options: Value) -> Value {
    json!({ "id": "1100000000000000009", "name": name, "type": 1, "options": options })
}

fn signed(body: &str, timestamp: i64, key: &SigningKey) -> Request<Body> {
    let signature = key.sign(format!("{timestamp}{body}").as_bytes());
    let hex: String = emcee::hex::encode(&signature.to_bytes());
    Request::post("/discord/interactions")
        .header("content-type", "application/json")
        .header("x-signature-ed25519", hex)
        .header("x-signature-timestamp", timestamp.to_string())
        .body(Body::from(body.to_string()))
        .unwrap()
}

fn now() -> i64 {
    jiff::Timestamp::now().as_second()
}

async fn send(router: &axum::Router, request: Request<Body>) -> (StatusCode, String) {
    let response = router.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let body = to_bytes(response.into_body(), 1 << 22).await.unwrap();
    (status, String::from_utf8(body.to_vec()).unwrap())
}

async fn ask(bot: &Bot, body: Value) -> Value {
    let (status, text) = send(&bot.router, signed(&body.to_string(), now(), &key())).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    serde_json::from_str(&text).unwrap()
}

async fn events(bot: Bot) -> Vec<emcee::usage::UsageEvent> {
    let Bot { router, discord, dispatcher, writer, store, _state, _db } = bot;
    drop((router, discord, dispatcher));
    writer.wait().await;
    store.events().await.unwrap()
}

/// A command of each kind as an attendee sends it, and what its answer
/// holds: the organisers' refused.
fn every_command() -> [(Value, &'static str); 7] {
    [
        (command("bio", json!([{ "name": "speaker", "type": 3, "value": "kelsey" }])), "Kelsey Hightower"),
        (command("quote", json!([{ "name": "topic", "type": 3, "value": "wasm" }])), "**Wasm**"),
        (command("talks", json!([{ "name": "query", "type": 3, "value": "today" }])), "<t:1667290500:f>"),
        (command("ask", json!([{ "name": "question", "type": 3, "value": "When was Kelsey born?" }])), "1981"),
        (command("help", json!([])), "/quote"),
        (command("schedule", json!([{ "name": "post", "type": 1, "options": [] }])), "Only organisers"),
        (command("stats", json!([])), "Only organisers"),
    ]
}

#[tokio::test]
async fn ping_commands_autocomplete_and_buttons() {
    let bot = bot().await;
    assert_eq!(ask(&bot, interaction(1, None, &[])).await, json!({ "type": 1 }));

    for (data, expected) in every_command() {
        let reply = ask(&bot, interaction(2, Some(data.clone()), &[])).await;
        assert_eq!(reply["type"], 4, "{reply}");
        assert_eq!(reply["data"]["allowed_mentions"]["parse"], json!([]), "{reply}");
        assert!(reply.to_string().contains(expected), "{} should hold {expected}: {reply}", data["name"]);
    }
    // The Manage Events permission or an organiser role makes an organiser.
    let post = command("schedule", json!([{ "name": "post", "type": 1, "options": [] }]));
    let reply = ask(&bot, interaction(2, Some(post), &[ORGANISER_ROLE])).await;
    assert!(!reply.to_string().contains("Only organisers") && reply["data"]["flags"] == 64, "{reply}");

    let typed = command("bio", json!([{ "name": "speaker", "type": 3, "value": "kel", "focused": true }]));
    let choices = ask(&bot, interaction(4, Some(typed), &[])).await;
    assert_eq!(choices["type"], 8);
    assert_eq!(choices["data"]["choices"][0]["value"], "Kelsey Hightower", "{choices}");

    let quote = ask(
        &bot,
        interaction(2, Some(command("quote", json!([{ "name": "topic", "type": 3, "value": "kubernetes" }]))), &[]),
    )
    .await;
    let button = &quote["data"]["components"][0]["components"][0];
    assert_eq!(button["label"], "Another quote");
    let mut click = interaction(3, Some(json!({ "custom_id": button["custom_id"], "component_type": 2 })), &[]);
    click["message"] = json!({
        "id": "1500000000000000000", "channel_id": "1100000000000000003", "content": "", "embeds": [], "attachments": [],
        "author": {"id": "1100000000000000001", "username": "emcee", "discriminator": "0", "avatar": null},
        "timestamp": "2024-05-01T10:00:00.000000+00:00", "edited_timestamp": null, "tts": false, "mention_everyone": false,
        "mentions": [], "mention_roles": [], "pinned": false, "type": 0, "flags": 0, "components": []
    });
    let another = ask(&bot, click).await;
    assert_eq!(another["type"], 7, "the message is updated in place: {another}");
    assert_ne!(another["data"]["embeds"][0]["description"], quote["data"]["embeds"][0]["description"]);

    let events = events(bot).await;
    assert_eq!(events.len(), 10, "every command and the button, not the ping or autocomplete: {events:?}");
    assert!(events.iter().all(|e| e.platform == "discord"
        && e.workspace == "1100000000000000002"
        && e.channel == "1100000000000000003"));
}

/// Issue 18, item 10: what a user typed is echoed with its Markdown
/// escaped, so that no question can make the bot show a disguised link.
#[tokio::test]
async fn echoed_text_cannot_disguise_a_link() {
    let bot = bot().await;
    let shown = |reply: &Value| {
        let embed = &reply["data"]["embeds"][0];
        format!("{} | {}", embed["title"].as_str().unwrap_or(""), embed["description"].as_str().unwrap_or(""))
    };
    let query = "[free tickets](https://evil.example) **now**";
    let talks = command("talks", json!([{ "name": "query", "type": 3, "value": query }]));
    let found = shown(&ask(&bot, interaction(2, Some(talks), &[])).await);
    assert!(found.contains(r"“\[free tickets\](https://evil.example) \*\*now\*\*”"), "{found}");
    let talks = command("talks", json!([{ "name": "query", "type": 3, "value": "zzqxv [zzqxw](<zzqxy>)" }]));
    let none = shown(&ask(&bot, interaction(2, Some(talks), &[])).await);
    assert!(none.contains(r"“zzqxv \[zzqxw\](\<zzqxy\>)”: no title"), "{none}");
    assert!(none.contains("`/talks next` lists"), "bot's hints stay code: {none}");
}

/// Issue 18, item 9: a copy of a signed interaction (same id, still fresh)
/// gets 401 and is neither answered nor logged again.
#[tokio::test]
async fn a_replayed_interaction_is_answered_once() {
    let bot = bot().await;
    let body = interaction(2, Some(command("quote", json!([{ "name": "topic", "type": 3, "value": "wasm" }]))), &[])
        .to_string();
    let timestamp = now();
    let (status, first) = send(&bot.router, signed(&body, timestamp, &key())).await;
    assert_eq!(status, StatusCode::OK, "{first}");
    assert_eq!(send(&bot.router, signed(&body, timestamp, &key())).await, (StatusCode::UNAUTHORIZED, String::new()));
    assert_eq!(send(&bot.router, signed(&body, now() + 1, &key())).await.0, StatusCode::UNAUTHORIZED);
    // PINGs do nothing, and may come again.
    let ping = interaction(1, None, &[]).to_string();
    for _ in 0..2 {
        assert_eq!(send(&bot.router, signed(&ping, now(), &key())).await.0, StatusCode::OK);
    }
    let events = events(bot).await;
    assert_eq!(events.len(), 1, "{events:?}");
}

#[tokio::test]
async fn forged_stale_and_unsigned_requests_are_refused() {
    let bot = bot().await;
    let body = interaction(2, Some(command("quote", json!([{ "name": "topic", "type": 3, "value": "wasm" }]))), &[])
        .to_string();
    let unauthorized = (StatusCode::UNAUTHORIZED, String::new());

    let other_key = SigningKey::from_bytes(&[9u8; 32]);
    assert_eq!(send(&bot.router, signed(&body, now(), &other_key)).await, unauthorized, "another key");
    let mut tampered = signed(&body, now(), &key());
    *tampered.body_mut() = Body::from(body.replace("wasm", "java"));
    assert_eq!(send(&bot.router, tampered).await, unauthorized, "a body changed after signing");
    assert_eq!(send(&bot.router, signed(&body, now() - 600, &key())).await, unauthorized, "ten minutes old");
    let mut unsigned = signed(&body, now(), &key());
    unsigned.headers_mut().remove("x-signature-ed25519");
    assert_eq!(send(&bot.router, unsigned).await, unauthorized, "unsigned");
    let body_only = emcee::hex::encode(&key().sign(body.as_bytes()).to_bytes());
    let mut without_timestamp = signed(&body, now(), &key());
    without_timestamp.headers_mut().insert("x-signature-ed25519", body_only.parse().unwrap());
    assert_eq!(send(&bot.router, without_timestamp).await, unauthorized, "signed without the timestamp");
    let huge = "x".repeat(300 * 1024);
    assert_eq!(send(&bot.router, signed(&huge, now(), &key())).await.0, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(events(bot).await.is_empty());
}

/// Requests a fake Discord received: method, path and JSON body.
type Received = Arc<std::sync::Mutex<Vec<(String, String, Value)>>>;

/// Discord's API and file store on loopback: files under `/attachments/`
/// are `file`; every other request is recorded and answered: a DM channel
/// opened (`9…` for user `1…`), or a message in the channel the path names.
async fn fake_discord(file: &'static [u8]) -> (String, Received) {
    let received: Received = Arc::default();
    let record = received.clone();
    let app = axum::Router::new().fallback(move |request: Request<Body>| {
        let record = record.clone();
        async move {
            let (method, path) = (request.method().to_string(), request.uri().path().to_string());
            if path.starts_with("/attachments/") {
                return axum::response::Response::new(Body::from(file));
            }
            let bytes = to_bytes(request.into_body(), 1 << 22).await.unwrap();
            let body: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
            record.lock().unwrap().push((method, path.clone(), body.clone()));
            if path.ends_with("/users/@me/channels") {
                let user =
                    body["recipient_id"].as_str().map_or_else(|| body["recipient_id"].to_string(), str::to_string);
                return support::json(
                    200,
                    &[],
                    json!({
                        "id": format!("9{}", &user[1..]), "type": 1, "last_message_id": null,
                        "recipients": [{"id": user, "username": "fan", "discriminator": "0", "avatar": null}]
                    }),
                );
            }
            let channel = path
                .strip_suffix("/messages")
                .and_then(|p| p.rsplit_once("/channels/"))
                .map_or("1100000000000000003", |(_, id)| id)
                .to_string();
            support::json(200, &[], bot_message(&channel))
        }
    });
    (support::serve(app).await, received)
}

#[tokio::test]
async fn an_uploaded_schedule_is_imported_and_its_change_set_edited_in() {
    const CAMP: &[u8] = include_bytes!("../../../core/tests/data/schedules/frab-camp2019.json");
    let (fake, received) = fake_discord(CAMP).await;
    let endpoints = Endpoints {
        discord_api: Some(fake.clone()),
        discord_attachments: Some(format!("{fake}/attachments/")),
        ..Endpoints::default()
    };
    let bot = bot_with(&endpoints).await;
    let upload = |url: String| {
        let mut data = command(
            "schedule",
            json!([{ "name": "import", "type": 1, "options": [{ "name": "file", "type": 11, "value": "1600" }] }]),
        );
        data["resolved"] = json!({ "attachments": { "1600": {
            "id": "1600", "filename": "camp2019.json", "size": CAMP.len(), "url": url, "proxy_url": url,
            "content_type": "application/json"
        }}});
        data
    };
    let file_url = format!("{fake}/attachments/1/1600/camp2019.json");

    // Anyone but an organiser is refused, and nothing is downloaded or stored.
    let refused = ask(&bot, interaction(2, Some(upload(file_url.clone())), &[])).await;
    assert_eq!(refused["type"], 5, "deferred, then edited: {refused}");
    // An address outside Discord's file store is never fetched.
    let elsewhere =
        ask(&bot, interaction(2, Some(upload("http://127.0.0.1:9/evil.json".into())), &[ORGANISER_ROLE])).await;
    assert_eq!(elsewhere["type"], 5);
    let deferred = ask(&bot, interaction(2, Some(upload(file_url)), &[ORGANISER_ROLE])).await;
    assert_eq!((deferred["type"].as_i64(), deferred["data"]["flags"].as_i64()), (Some(5), Some(64)), "{deferred}");

    let edits = tokio::time::timeout(std::time::Duration::from_secs(20), async {
        loop {
            let edits: Vec<Value> = received
                .lock()
                .unwrap()
                .iter()
                .filter(|(method, path, _)| method == "PATCH" && path.ends_with("/messages/@original"))
                .map(|(_, _, body)| body.clone())
                .collect();
            if edits.len() == 3 {
                return edits;
            }
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
    })
    .await
    .expect("three deferred replies edited in");
    let texts: Vec<String> = edits.iter().map(|edit| edit["embeds"][0].to_string()).collect();
    assert!(texts.iter().any(|t| t.contains("Only organisers")), "{texts:?}");
    assert!(texts.iter().any(|t| t.contains("not on Discord's file store")), "{texts:?}");
    let imported = texts.iter().find(|t| t.contains("79")).expect("the change set names the 79 sessions added");
    assert!(imported.contains("added"), "{imported}");
    assert!(edits.iter().all(|edit| edit["allowed_mentions"]["parse"] == json!([])), "{edits:?}");

    let (schedule, _) = bot.store.load_schedule().await.unwrap().unwrap();
    assert_eq!(schedule.sessions.len(), 79, "the upload is the stored programme");
    assert_eq!(bot.dispatcher.engine().schedule().sessions.len(), 79, "and the one answered with");
    let events = events(bot).await;
    let logged: Vec<(&str, &str)> =
        events.iter().map(|e| (e.query.as_deref().unwrap_or(""), e.status.as_str())).collect();
    assert_eq!(
        logged.iter().filter(|(query, _)| *query == "/schedule import camp2019.json").count(),
        3,
        "each upload is one usage event: {logged:?}"
    );
    assert!(logged.contains(&("/schedule import camp2019.json", "ok")), "{logged:?}");
}

#[tokio::test]
async fn an_ambiguous_name_offers_each_person_to_pick() {
    let bot = bot().await;
    let asked = ask(
        &bot,
        interaction(2, Some(command("bio", json!([{ "name": "speaker", "type": 3, "value": "sample" }]))), &[]),
    )
    .await;
    let rows = asked["data"]["components"].as_array().unwrap().clone();
    let buttons: Vec<Value> = rows.iter().flat_map(|row| row["components"].as_array().unwrap().clone()).collect();
    let labels: Vec<&str> = buttons.iter().map(|b| b["label"].as_str().unwrap()).collect();
    assert_eq!(labels.len(), 6, "every one of them, in rows of five at most: {asked}");
    assert!(rows.iter().all(|row| row["components"].as_array().unwrap().len() <= 5), "{asked}");
    assert!(labels.iter().all(|l| l.starts_with("Sample")), "{asked}");
    let pick = &buttons[1];
    let mut click = interaction(3, Some(json!({ "custom_id": pick["custom_id"], "component_type": 2 })), &[]);
    click["message"] = json!({
        "id": "1500000000000000000", "channel_id": "1100000000000000003", "content": "", "embeds": [], "attachments": [],
        "author": {"id": "1100000000000000001", "username": "emcee", "discriminator": "0", "avatar": null},
        "timestamp": "2024-05-01T10:00:00.000000+00:00", "edited_timestamp": null, "tts": false, "mention_everyone": false,
        "mentions": [], "mention_roles": [], "pinned": false, "type": 0, "flags": 0, "components": []
    });
    let picked = ask(&bot, click).await;
    assert_eq!(picked["type"], 7, "the answer replaces the question: {picked}");
    assert_eq!(picked["data"]["embeds"][0]["title"], pick["label"], "{picked}");
    let events = events(bot).await;
    assert_eq!(events.iter().map(|e| e.status.as_str()).collect::<Vec<_>>(), ["ambiguous", "ok"]);
}

/// The help desk on Discord, through the signed route and a fake Discord:
/// a question `/ask` cannot answer is posted to the help channel once,
/// without the asker's name, however many ask it; only an organiser may
/// answer; the answer reaches each asker once, in a direct message; and
/// with **Add to FAQ** the next asker is answered from the FAQ.
#[tokio::test]
async fn the_help_desk_passes_on_what_ask_cannot_answer_and_sends_the_answer_back_once() {
    const HELP_CHANNEL: u64 = 1_100_000_000_000_000_777;
    let (fake, received) = fake_discord(b"").await;
    let endpoints = Endpoints { discord_api: Some(fake), ..Endpoints::default() };
    let settings =
        DiscordSettings { token: Some("token".into()), help_channel: Some(HELP_CHANNEL), ..DiscordSettings::default() };
    let bot = bot_with_settings(&endpoints, settings).await;
    let asked = "Can I bring my dog to the venue?";
    let ask_as = |user: &str| {
        let mut body =
            interaction(2, Some(command("ask", json!([{ "name": "question", "type": 3, "value": asked }]))), &[]);
        body["member"]["user"]["id"] = json!(user);
        body
    };
    let posts = |received: &Received| -> Vec<Value> {
        let help = format!("/channels/{HELP_CHANNEL}/messages");
        received
            .lock()
            .unwrap()
            .iter()
            .filter(|(m, p, _)| m == "POST" && p.ends_with(&help))
            .map(|(_, _, b)| b.clone())
            .collect()
    };
    let wait = |what: &'static str, done: Box<dyn Fn() -> bool + Send>| async move {
        for _ in 0..200 {
            if done() {
                return;
            }
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        panic!("{what}");
    };

    let first = ask(&bot, ask_as("1300000000000000001")).await;
    let offer = first["data"]["components"][0]["components"][0].clone();
    assert_eq!(offer["label"], "Tell the organisers who I am", "{first}");
    let text = first["data"]["embeds"][0]["description"].as_str().unwrap_or_default().to_string();
    assert!(text.contains("I don't know") && text.contains("passed your question to the organisers"), "{first}");
    let seen = received.clone();
    wait("the question is posted to the help channel", Box::new(move || posts(&seen).len() == 1)).await;
    // Another person asking the same joins it; the first asking again is told it waits.
    let second = ask(&bot, ask_as("1300000000000000002")).await;
    assert!(second.to_string().contains("passed your question"), "{second}");
    let again = ask(&bot, ask_as("1300000000000000001")).await;
    assert!(again.to_string().contains("already with the organisers"), "{again}");
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    let posted = posts(&received);
    assert_eq!(posted.len(), 1, "posted once however many ask: {posted:?}");
    let post = posted[0].to_string();
    assert!(post.contains("bring my dog") && !post.contains("130000000000000000"), "no asker named: {post}");
    assert_eq!(posted[0]["allowed_mentions"]["parse"], json!([]));
    let buttons = &posted[0]["components"][0]["components"];
    let faq_button =
        buttons.as_array().unwrap().iter().find(|b| b["label"] == "Add to FAQ").unwrap()["custom_id"].clone();

    let message = json!({
        "id": "1500000000000000001", "channel_id": HELP_CHANNEL.to_string(), "content": "", "embeds": [], "attachments": [],
        "author": {"id": "1100000000000000001", "username": "emcee", "discriminator": "0", "avatar": null},
        "timestamp": "2024-05-01T10:00:00.000000+00:00", "edited_timestamp": null, "tts": false, "mention_everyone": false,
        "mentions": [], "mention_roles": [], "pinned": false, "type": 0, "flags": 0, "components": []
    });
    let click = |roles: &[u64]| {
        let mut click = interaction(3, Some(json!({ "custom_id": faq_button, "component_type": 2 })), roles);
        click["message"] = message.clone();
        click
    };
    // The first asker agrees to be named: the post shows them; someone who
    // did not ask cannot name themselves with it.
    let press = |user: &str| {
        let mut press = interaction(3, Some(json!({ "custom_id": offer["custom_id"], "component_type": 2 })), &[]);
        press["member"]["user"]["id"] = json!(user);
        press["message"] = message.clone();
        press
    };
    let stranger = ask(&bot, press("1300000000000000009")).await;
    assert!(stranger.to_string().contains("no longer waiting"), "{stranger}");
    let agreed = ask(&bot, press("1300000000000000001")).await;
    assert!(agreed.to_string().contains("now see your name"), "{agreed}");
    let edits: Vec<Value> = received
        .lock()
        .unwrap()
        .iter()
        .filter(|(m, p, _)| {
            m == "PATCH" && p.ends_with(&format!("/channels/{HELP_CHANNEL}/messages/1500000000000000001"))
        })
        .map(|(_, _, b)| b.clone())
        .collect();
    assert_eq!(edits.len(), 1, "{edits:?}");
    let shown = edits[0]["embeds"][0]["description"].as_str().unwrap();
    assert!(shown.contains("Asked by <@1300000000000000001>") && !shown.contains("1300000000000000002"), "{shown}");

    let refused = ask(&bot, click(&[])).await;
    assert!(
        refused["data"]["content"].as_str().unwrap().contains("Only organisers") && refused["data"]["flags"] == 64,
        "{refused}"
    );
    let form = ask(&bot, click(&[ORGANISER_ROLE])).await;
    assert_eq!(form["type"], 9, "a form: {form}");
    assert_eq!(
        form["data"]["components"][0]["components"][0]["value"], asked,
        "the question to file, filled in: {form}"
    );

    let submit = |roles: &[u64]| {
        let data = json!({ "custom_id": faq_button, "components": [
            { "type": 1, "components": [{ "type": 4, "custom_id": "question", "value": asked }] },
            { "type": 1, "components": [{ "type": 4, "custom_id": "answer", "value": "Only guide dogs, which are welcome everywhere." }] }
        ]});
        let mut submit = interaction(5, Some(data), roles);
        submit["message"] = message.clone();
        submit
    };
    let done = ask(&bot, submit(&[ORGANISER_ROLE])).await;
    assert_eq!(done["type"], 7, "the post shows the answer: {done}");
    assert!(done["data"]["embeds"][0]["description"].as_str().unwrap().contains("Answered by"), "{done}");
    assert_eq!(done["data"]["components"], json!([]), "no buttons left: {done}");
    let dms = |received: &Received| -> Vec<(String, Value)> {
        received
            .lock()
            .unwrap()
            .iter()
            .filter(|(m, p, _)| m == "POST" && p.contains("/channels/9") && p.ends_with("/messages"))
            .map(|(_, p, b)| (p.clone(), b.clone()))
            .collect()
    };
    let seen = received.clone();
    wait("both askers are sent the answer", Box::new(move || dms(&seen).len() == 2)).await;
    // A second submission, from another organiser or a double click, sends nothing more.
    let late = ask(&bot, submit(&[ORGANISER_ROLE])).await;
    assert!(late.to_string().contains("no longer waiting"), "{late}");
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    let sent = dms(&received);
    assert_eq!(sent.len(), 2, "each asker once: {sent:?}");
    assert!(sent.iter().all(|(_, body)| body["content"].as_str().unwrap().contains("Only guide dogs")), "{sent:?}");
    let mut to: Vec<&str> = sent.iter().map(|(path, _)| path.as_str()).collect();
    to.sort();
    to.dedup();
    assert_eq!(to.len(), 2, "two people, one message each: {to:?}");

    // The next person to ask is answered from the FAQ, and nothing more is posted.
    let mut next = ask_as("1300000000000000003");
    next["data"]["options"][0]["value"] = json!("can i bring my dog to the venue");
    let next = ask(&bot, next).await;
    assert!(next.to_string().contains("Only guide dogs"), "{next}");
    assert_eq!(posts(&received).len(), 1);
    let stored = bot.store.faq().await.unwrap().expect("the FAQ is stored with the new entry");
    assert!(
        stored
            .faq
            .entries
            .iter()
            .any(|e| e.question == asked && e.section.as_deref() == Some(emcee::dispatch::FAQ_SECTION))
    );
    events(bot).await;
}

/// The Discord gateway on loopback, speaking version 10 as Discord does:
/// each connection is greeted with HELLO and its heartbeats acknowledged.
async fn fake_gateway() -> support::FakeWebSocket {
    let hello = json!({ "op": 10, "d": { "heartbeat_interval": 41250 }, "s": null, "t": null });
    support::FakeWebSocket::start(hello, |frame| (frame["op"] == 1).then(|| json!({ "op": 11, "d": null }))).await
}

/// Sends a dispatch of `event` with sequence number `seq`.
fn dispatch(link: &support::Link, seq: u64, event: &str, mut data: Value) {
    // The gateway's interactions carry the upload limit, which serenity
    // needs (the HTTP endpoint adds it when a request lacks it).
    if event == "INTERACTION_CREATE" {
        data["attachment_size_limit"] = json!(10_485_760);
    }
    link.send(json!({ "op": 0, "s": seq, "t": event, "d": data }));
}

/// The READY a session starts with, as the gateway sends it.
fn ready(url: &str) -> Value {
    json!({
        "v": 10,
        "user": { "id": "1100000000000000001", "username": "emcee", "discriminator": "0", "global_name": null,
                  "avatar": null, "bot": true, "verified": true, "mfa_enabled": false, "flags": 0 },
        "guilds": [{ "id": "1100000000000000002", "unavailable": true }],
        "session_id": "5e55i0n", "resume_gateway_url": url, "shard": [0, 1],
        "application": { "id": "1100000000000000001", "flags": 0 },
        "session_type": "normal", "private_channels": [], "relationships": [], "presences": [],
        "guild_join_requests": [], "user_settings": {}
    })
}

/// A message of the bot's in `channel`, as Discord's REST API returns one.
fn bot_message(channel: &str) -> Value {
    json!({
        "id": "1500000000000000001", "channel_id": channel, "content": "", "embeds": [],
        "attachments": [], "mentions": [], "mention_roles": [], "pinned": false, "type": 0, "tts": false,
        "mention_everyone": false, "timestamp": "2024-05-01T10:00:00.000000+00:00", "edited_timestamp": null,
        "author": {"id": "1100000000000000001", "username": "emcee", "discriminator": "0", "avatar": null}
    })
}

/// A fake Discord REST API for the gateway's client: where the gateway is,
/// and every request recorded.
async fn fake_discord_rest(gateway: &str) -> (String, Received) {
    let received: Received = Arc::default();
    let record = received.clone();
    let gateway = gateway.to_string();
    let app = axum::Router::new().fallback(move |request: Request<Body>| {
        let (record, gateway) = (record.clone(), gateway.clone());
        async move {
            let (method, path) = (request.method().to_string(), request.uri().path().to_string());
            let bytes = to_bytes(request.into_body(), 1 << 22).await.unwrap();
            let body: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
            record.lock().unwrap().push((method, path.clone(), body));
            let answer = if path.ends_with("/gateway/bot") {
                json!({ "url": gateway, "shards": 1, "session_start_limit":
                        { "total": 1000, "remaining": 999, "reset_after": 0, "max_concurrency": 1 } })
            } else if path.ends_with("/gateway") {
                json!({ "url": gateway })
            } else if let Some(channel) = path.strip_suffix("/messages").and_then(|p| p.rsplit_once("/channels/")) {
                bot_message(channel.1)
            } else {
                json!({})
            };
            support::json(200, &[], answer)
        }
    });
    (support::serve(app).await, received)
}

/// What the bot answered interaction `id` with, once it has.
async fn callback(received: &Received, id: &str) -> Value {
    for _ in 0..200 {
        let found = received
            .lock()
            .unwrap()
            .iter()
            .find(|(_, p, _)| p.contains(&format!("/interactions/{id}/")))
            .map(|(_, _, b)| b.clone());
        if let Some(body) = found {
            return body;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let paths: Vec<String> = received.lock().unwrap().iter().map(|(m, p, _)| format!("{m} {p}")).collect();
    panic!("interaction {id} was not answered; requests: {paths:?}");
}

/// The bot's gateway client running against [`fake_gateway`] and
/// [`fake_discord_rest`] at `url`.
struct Gateway {
    gateway: support::FakeWebSocket,
    url: String,
    received: Received,
    bot: Bot,
    stop: support::Stop,
}

/// The bot's next connection to `gateway`, once it has identified and
/// been sent READY.
async fn identified(gateway: &mut support::FakeWebSocket, url: &str) -> support::Link {
    let mut link = gateway.next().await;
    link.frame(|f| f["op"] == 2).await;
    dispatch(&link, 1, "READY", ready(url));
    link
}

/// `discord`'s gateway running in a task, until stopped.
fn running(discord: Arc<emcee::discord::Discord>) -> support::Stop {
    let (tell, told) = tokio::sync::oneshot::channel::<()>();
    let running = tokio::spawn(async move {
        discord
            .run_gateway(async {
                let _ = told.await;
            })
            .await
    });
    support::Stop { tell, running }
}

/// Stops the gateway, then `bot`'s usage writer; the commands it logged.
async fn stopped_and_logged(bot: Bot, stop: support::Stop) -> Vec<String> {
    stop.await_stopped().await;
    // The client's tasks may outlive it a moment, holding the usage log: stopped, not awaited.
    let Bot { writer, store, .. } = bot;
    writer.stop().await;
    store.events().await.unwrap().into_iter().map(|e| e.command).collect()
}

impl Gateway {
    async fn start() -> Gateway {
        Gateway::start_with(fake_gateway().await).await
    }

    async fn start_with(gateway: support::FakeWebSocket) -> Gateway {
        let url = format!("ws://{}", gateway.address);
        let (api, received) = fake_discord_rest(&url).await;
        let settings = DiscordSettings { token: Some("gateway-test-token".into()), ..DiscordSettings::default() };
        let bot = bot_with_settings(&Endpoints { discord_api: Some(api), ..Endpoints::default() }, settings).await;
        let stop = running(bot.discord.clone().expect("the Discord adapter"));
        Gateway { gateway, url, received, bot, stop }
    }
}

/// The gateway end to end with the real serenity client: it identifies
/// with the bot's token, a command arriving as INTERACTION_CREATE is
/// answered through the REST callback, and after the gateway asks for a
/// reconnect (opcode 7) the client resumes the session where it left off
/// (opcode 6 with the session id and the last sequence number) and the
/// next command is answered too; each is logged once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_gateway_answers_commands_and_resumes_after_a_reconnect() {
    let Gateway { mut gateway, url, received, bot, stop } = Gateway::start().await;

    let mut link = gateway.next().await;
    let identify = link.frame(|f| f["op"] == 2).await;
    assert_eq!(identify["d"]["token"], "Bot gateway-test-token", "{identify}");
    dispatch(&link, 1, "READY", ready(&url));
    let first = interaction(
        2,
        Some(command("bio", json!([{ "name": "speaker", "type": 3, "value": "Kelsey Hightower" }]))),
        &[],
    );
    dispatch(&link, 2, "INTERACTION_CREATE", first.clone());
    let answered = callback(&received, first["id"].as_str().unwrap()).await;
    assert!(answered.to_string().contains("Kelsey Hightower"), "{answered}");

    // Discord asks for a reconnect: the client resumes on a new connection.
    link.send(json!({ "op": 7, "d": null, "s": null, "t": null }));
    let mut resumed = gateway.next().await;
    let resume = resumed.frame(|f| f["op"] == 6).await;
    assert_eq!(resume["d"]["session_id"], "5e55i0n", "{resume}");
    assert_eq!(resume["d"]["seq"], 2, "{resume}");
    dispatch(&resumed, 3, "RESUMED", json!({}));
    let second =
        interaction(2, Some(command("quote", json!([{ "name": "topic", "type": 3, "value": "kubernetes" }]))), &[]);
    dispatch(&resumed, 4, "INTERACTION_CREATE", second.clone());
    let answered = callback(&received, second["id"].as_str().unwrap()).await;
    assert!(answered["data"]["embeds"][0]["description"].as_str().unwrap().contains("**Kubernetes**"), "{answered}");

    assert_eq!(stopped_and_logged(bot, stop).await, ["bio", "quote"], "each command logged once");
}

/// A zombie connection: the gateway acknowledges no heartbeat (here every
/// 250 ms), and the client leaves it for a new connection, where it
/// identifies again and the next command is answered.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_gateway_that_acknowledges_no_heartbeat_is_left_for_a_new_one() {
    static ACKING: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
    let hello = json!({ "op": 10, "d": { "heartbeat_interval": 250 }, "s": null, "t": null });
    let acked = |frame: &Value| {
        let acking = ACKING.load(std::sync::atomic::Ordering::SeqCst);
        (acking && frame["op"] == 1).then(|| json!({ "op": 11, "d": null }))
    };
    let silent = support::FakeWebSocket::start(hello, acked).await;
    let Gateway { mut gateway, url, received, bot, stop } = Gateway::start_with(silent).await;
    let link = gateway.next().await;
    dispatch(&link, 1, "READY", ready(&url));
    let mut resumed = tokio::time::timeout(std::time::Duration::from_secs(20), gateway.next())
        .await
        .expect("a new connection once heartbeats go unacknowledged");
    // serenity identifies afresh on the new connection rather than resume: either recovers the session.
    let again = resumed.frame(|f| f["op"] == 2 || f["op"] == 6).await;
    ACKING.store(true, std::sync::atomic::Ordering::SeqCst);
    match again["op"].as_u64() {
        Some(6) => dispatch(&resumed, 2, "RESUMED", json!({})),
        _ => dispatch(&resumed, 2, "READY", ready(&url)),
    }
    let asked = interaction(
        2,
        Some(command("bio", json!([{ "name": "speaker", "type": 3, "value": "Kelsey Hightower" }]))),
        &[],
    );
    dispatch(&resumed, 3, "INTERACTION_CREATE", asked.clone());
    let answered = callback(&received, asked["id"].as_str().unwrap()).await;
    assert!(answered.to_string().contains("Kelsey Hightower"), "{answered}");
    drop(link);
    stop.await_stopped().await;
    bot.writer.stop().await;
}

/// Audience questions over the gateway, through the same fakes: `/qa
/// ask` is answered privately and the question posted by the bot; its
/// **Upvote** updates the post in the press's own callback; **Ask** beside
/// a session opens the form, whose question is asked and posted.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_gateway_asks_votes_and_takes_the_form() {
    let Gateway { mut gateway, url, received, bot, stop } = Gateway::start().await;
    let link = identified(&mut gateway, &url).await;

    let question = json!([{ "name": "ask", "type": 1, "options": [
        { "name": "question", "type": 3, "value": "What was the hardest bug?" }
    ]}]);
    let asked = interaction(2, Some(command("qa", question)), &[]);
    dispatch(&link, 2, "INTERACTION_CREATE", asked.clone());
    let told = callback(&received, asked["id"].as_str().unwrap()).await;
    assert_eq!((told["type"].as_u64(), told["data"]["flags"].as_u64()), (Some(4), Some(64)), "private: {told}");
    let posted = wait_for_request(&received, "POST", "/channels/1100000000000000003/messages").await;
    let button = posted["components"][0]["components"][0].clone();
    assert_eq!(button["label"], "Upvote (0)", "{posted}");
    let pressed = press(&button);
    dispatch(&link, 3, "INTERACTION_CREATE", pressed.clone());
    let updated = callback(&received, pressed["id"].as_str().unwrap()).await;
    assert_eq!(updated["type"], 7, "the post itself is updated: {updated}");
    assert_eq!(updated["data"]["components"][0]["components"][0]["label"], "Upvote (1)");

    let now = interaction(2, Some(command("talks", json!([{ "name": "query", "type": 3, "value": "now" }]))), &[]);
    dispatch(&link, 4, "INTERACTION_CREATE", now.clone());
    let listed = callback(&received, now["id"].as_str().unwrap()).await;
    let rows = listed["data"]["components"].as_array().cloned().unwrap_or_default();
    let ask_button = rows
        .iter()
        .flat_map(|row| row["components"].as_array().cloned().unwrap_or_default())
        .find(|b| b["custom_id"].as_str().is_some_and(|id| id.starts_with("qa-ask:")))
        .unwrap_or_else(|| panic!("an Ask button: {listed}"));
    let opened = press(&ask_button);
    dispatch(&link, 5, "INTERACTION_CREATE", opened.clone());
    let form = callback(&received, opened["id"].as_str().unwrap()).await;
    assert_eq!(form["type"], 9, "a modal: {form}");
    let submitted = json!({ "custom_id": ask_button["custom_id"], "components": [
        { "type": 1, "components": [{ "type": 4, "custom_id": "question", "value": "Which bug took longest?" }] }
    ]});
    let sent = interaction(5, Some(submitted), &[]);
    dispatch(&link, 6, "INTERACTION_CREATE", sent.clone());
    let told = callback(&received, sent["id"].as_str().unwrap()).await;
    assert!(told.to_string().contains("is posted here as question"), "{told}");
    let posts = || received.lock().unwrap().iter().filter(|(m, p, _)| m == "POST" && p.ends_with("/messages")).count();
    for _ in 0..100 {
        if posts() >= 2 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(posts(), 2, "the form's question posted too");

    stop.await_stopped().await;
    let keynote = crate::agenda::keynote_id_in(&bot.dispatcher);
    let Bot { writer, store, .. } = bot;
    writer.stop().await;
    let votes: Vec<i64> = store.qa_questions(&keynote).await.unwrap().iter().map(|q| q.votes).collect();
    assert_eq!(votes, [1, 0], "each asked and voted once");
}

/// Audience questions on Discord: the asker is answered privately and the
/// question posted by the bot in the channel (a command's own reply would
/// show who ran it), a mention typed in it inert; its **Upvote** updates
/// the post in the interaction's own response; an organiser's removal
/// deletes the post.
#[tokio::test]
async fn audience_questions_are_posted_by_the_bot_and_voted_on_in_place() {
    let (fake, received) = fake_discord(b"").await;
    let settings = DiscordSettings { token: Some("qa-test-token".into()), ..DiscordSettings::default() };
    let bot = bot_with_settings(&Endpoints { discord_api: Some(fake), ..Endpoints::default() }, settings).await;
    let question = json!([{ "name": "ask", "type": 1, "options": [
        { "name": "question", "type": 3, "value": "Which <@&1> role reviews `this?" }
    ]}]);
    let told = ask(&bot, interaction(2, Some(command("qa", question)), &[])).await;
    assert_eq!((told["type"].as_u64(), told["data"]["flags"].as_u64()), (Some(4), Some(64)), "private: {told}");
    let posted = wait_for_request(&received, "POST", "/channels/1100000000000000003/messages").await;
    assert_eq!(posted["allowed_mentions"]["parse"], json!([]), "no one is pinged: {posted}");
    let description = posted["embeds"][0]["description"].as_str().unwrap();
    assert!(description.contains("role reviews") && !description.contains("<@&1>"), "inert: {description}");
    assert!(!posted.to_string().contains("1300000000000000000"), "the post names no one: {posted}");
    let button = posted["components"][0]["components"][0].clone();
    assert_eq!(button["label"], "Upvote (0)");

    let updated = ask(&bot, press(&button)).await;
    assert_eq!(updated["type"], 7, "the post itself is updated: {updated}");
    assert_eq!(updated["data"]["components"][0]["components"][0]["label"], "Upvote (1)");

    let id = button["custom_id"].as_str().unwrap().rsplit(':').next().unwrap().to_string();
    let remove = json!([{ "name": "remove", "type": 1, "options": [{ "name": "number", "type": 3, "value": id }] }]);
    let done = ask(&bot, interaction(2, Some(command("qa", remove)), &[ORGANISER_ROLE])).await;
    assert!(done.to_string().contains("is removed"), "{done}");
    wait_for_request(&received, "DELETE", "/channels/1100000000000000003/messages/1500000000000000001").await;
}

/// An organiser links a speaker's account by mentioning it; that account
/// then marks its sessions' questions as organisers do, and removes none.
#[tokio::test]
async fn a_linked_speaker_marks_their_session_s_questions() {
    let bot = bot().await;
    let qa = |verb: &str, options: Value| command("qa", json!([{ "name": verb, "type": 1, "options": options }]));
    let number = |n: &str| json!([{ "name": "number", "type": 3, "value": n }]);
    let question = json!([{ "name": "question", "type": 3, "value": "What should we sign first?" }]);
    let asked = ask(&bot, interaction(2, Some(qa("ask", question)), &[])).await;
    let title = asked["data"]["embeds"][0]["title"].as_str().unwrap_or_default().to_string();
    let id: String = title.trim_start_matches("Question ").chars().take_while(char::is_ascii_digit).collect();
    assert!(!id.is_empty(), "{asked}");

    let refused = ask(&bot, interaction(2, Some(qa("pin", number(&id))), &[])).await;
    assert!(refused.to_string().contains("Only organisers and the speakers of"), "{refused}");
    let keynote =
        bot.dispatcher.engine().schedule().sessions.iter().find(|s| s.title == crate::agenda::KEYNOTE).cloned();
    let speaker = keynote.unwrap().speakers[0].clone();
    let link = json!([
        { "name": "speaker", "type": 3, "value": speaker },
        { "name": "account", "type": 3, "value": "<@1300000000000000000>" }
    ]);
    let attendee = ask(&bot, interaction(2, Some(qa("speaker", link.clone())), &[])).await;
    assert!(attendee.to_string().contains("Only organisers can use /qa speaker"), "{attendee}");
    let linked = ask(&bot, interaction(2, Some(qa("speaker", link)), &[ORGANISER_ROLE])).await;
    assert!(linked.to_string().contains("That Discord account now marks the questions of"), "{linked}");

    let pinned = ask(&bot, interaction(2, Some(qa("pin", number(&id))), &[])).await;
    assert!(pinned.to_string().contains(&format!("Question {id} is pinned")), "{pinned}");
    let removed = ask(&bot, interaction(2, Some(qa("remove", number(&id))), &[])).await;
    assert!(removed.to_string().contains("Only organisers can use /qa remove"), "{removed}");
}

/// A session taking questions offers **Ask** in place of its agenda
/// button; it opens a form, and the question sent with it is asked of that
/// session, posted by the bot and answered to the asker alone.
#[tokio::test]
async fn ask_the_speaker_opens_a_form_whose_question_is_posted() {
    let (fake, received) = fake_discord(b"").await;
    let settings = DiscordSettings { token: Some("qa-test-token".into()), ..DiscordSettings::default() };
    let bot = bot_with_settings(&Endpoints { discord_api: Some(fake), ..Endpoints::default() }, settings).await;
    let now =
        ask(&bot, interaction(2, Some(command("talks", json!([{ "name": "query", "type": 3, "value": "now" }]))), &[]))
            .await;
    let buttons: Vec<Value> = now["data"]["components"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|row| row["components"].as_array().unwrap().clone())
        .collect();
    let button =
        buttons.iter().find(|b| b["custom_id"].as_str().unwrap().starts_with("qa-ask:")).expect("an Ask button");
    assert!(button["label"].as_str().unwrap().starts_with("Ask: "), "{button}");
    assert!(
        !buttons.iter().any(|b| b["custom_id"].as_str().unwrap().starts_with("agenda:add:")),
        "no Add beside it: {buttons:?}"
    );

    let form = ask(&bot, press(button)).await;
    assert_eq!(form["type"], 9, "a modal: {form}");
    assert_eq!(form["data"]["custom_id"], button["custom_id"]);
    let field = &form["data"]["components"][0]["components"][0];
    assert_eq!((field["custom_id"].as_str(), field["max_length"].as_u64()), (Some("question"), Some(300)), "{form}");

    let submitted = json!({ "custom_id": button["custom_id"], "components": [
        { "type": 1, "components": [{ "type": 4, "custom_id": "question", "value": "What would you build next?" }] }
    ]});
    let told = ask(&bot, interaction(5, Some(submitted), &[])).await;
    assert_eq!((told["type"].as_u64(), told["data"]["flags"].as_u64()), (Some(4), Some(64)), "private: {told}");
    assert!(told.to_string().contains("is posted here as question"), "{told}");
    let posted = wait_for_request(&received, "POST", "/channels/1100000000000000003/messages").await;
    assert!(posted.to_string().contains("What would you build next?"), "{posted}");
}

/// A press of `button` on a message of the bot's.
fn press(button: &Value) -> Value {
    let mut click = interaction(3, Some(json!({ "custom_id": button["custom_id"], "component_type": 2 })), &[]);
    click["message"] = json!({
        "id": "1500000000000000001", "channel_id": "1100000000000000003", "content": "", "embeds": [],
        "attachments": [], "author": {"id": "1100000000000000001", "username": "emcee", "discriminator": "0", "avatar": null},
        "timestamp": "2024-05-01T10:00:00.000000+00:00", "edited_timestamp": null, "tts": false,
        "mention_everyone": false, "mentions": [], "mention_roles": [], "pinned": false, "type": 0, "flags": 0,
        "components": []
    });
    click
}

/// The body of the first `method` request to `path` the fake received.
async fn wait_for_request(received: &Received, method: &str, path: &str) -> Value {
    for _ in 0..100 {
        let found = received.lock().unwrap().iter().find(|(m, p, _)| m == method && p.ends_with(path)).cloned();
        if let Some((_, _, body)) = found {
            return body;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let seen: Vec<String> = received.lock().unwrap().iter().map(|(m, p, _)| format!("{m} {p}")).collect();
    panic!("no {method} {path}; requests: {seen:?}");
}

/// INVALID_SESSION over the gateway, with `/readyz` following the shard:
/// named until READY, ready after it. A resumable invalidation (`d:
/// true`) is resumed on a new connection, and an interaction delivered
/// there twice is answered once; a non-resumable one (`d: false`) is
/// identified afresh, and the next command is answered there. Each command
/// is logged once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_invalidated_session_is_resumed_or_identified_and_readyz_follows() {
    let Gateway { mut gateway, url, received, bot, stop } = Gateway::start().await;
    let mut link = gateway.next().await;
    link.frame(|f| f["op"] == 2).await;
    let (status, text) = support::readyz_until(&bot.router, |t| t.contains("the Discord gateway")).await;
    assert_eq!(status, StatusCode::OK, "a session on its way is no outage: {text}");
    assert!(text.contains("reconnecting"), "{text}");
    dispatch(&link, 1, "READY", ready(&url));
    support::readyz_until(&bot.router, |t| t == "ready\n").await;

    link.send(json!({ "op": 9, "d": true, "s": null, "t": null }));
    let mut resumed = gateway.next().await;
    let resume = resumed.frame(|f| f["op"] == 6).await;
    assert_eq!((resume["d"]["session_id"].as_str(), resume["d"]["seq"].as_u64()), (Some("5e55i0n"), Some(1)));
    dispatch(&resumed, 2, "RESUMED", json!({}));
    let bio = interaction(
        2,
        Some(command("bio", json!([{ "name": "speaker", "type": 3, "value": "Kelsey Hightower" }]))),
        &[],
    );
    dispatch(&resumed, 3, "INTERACTION_CREATE", bio.clone());
    dispatch(&resumed, 4, "INTERACTION_CREATE", bio.clone());
    let answered = callback(&received, bio["id"].as_str().unwrap()).await;
    assert!(answered.to_string().contains("Kelsey Hightower"), "{answered}");

    resumed.send(json!({ "op": 9, "d": false, "s": null, "t": null }));
    let mut fresh = gateway.next().await;
    let identify = fresh.frame(|f| f["op"] == 2 || f["op"] == 6).await;
    assert_eq!(identify["op"], 2, "a session that cannot be resumed is identified afresh: {identify}");
    dispatch(&fresh, 1, "READY", ready(&url));
    let quote =
        interaction(2, Some(command("quote", json!([{ "name": "topic", "type": 3, "value": "kubernetes" }]))), &[]);
    dispatch(&fresh, 2, "INTERACTION_CREATE", quote.clone());
    callback(&received, quote["id"].as_str().unwrap()).await;
    support::readyz_until(&bot.router, |t| t == "ready\n").await;
    let id = bio["id"].as_str().unwrap();
    let answers =
        received.lock().unwrap().iter().filter(|(_, p, _)| p.contains(&format!("/interactions/{id}/"))).count();
    assert_eq!(answers, 1, "the interaction delivered twice is answered once");

    assert_eq!(stopped_and_logged(bot, stop).await, ["bio", "quote"], "each command logged once");
}

/// Sharding as the operators' guide sets it out: two replicas, each
/// given its shards by the pod-ordinal rule (`EMCEE_DISCORD_SHARD_TOTAL=2`,
/// `EMCEE_DISCORD_REPLICAS=2`, ordinals 0 and 1), identify as their shard. Each guild's
/// interactions go to the shard Discord's rule gives it (`(guild_id >> 22)
/// % 2`), and each is answered once, by the replica running that shard
/// and not the other.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_replicas_run_a_shard_each_and_answer_their_guilds_once() {
    let mut gateway = fake_gateway().await;
    let url = format!("ws://{}", gateway.address);
    let mut replicas = Vec::new();
    for shard in 0..2u32 {
        let (api, received) = fake_discord_rest(&url).await;
        let settings = DiscordSettings {
            token: Some("gateway-test-token".into()),
            shards: Some(emcee::config::shard_range(shard, 2, 2)),
            ..DiscordSettings::default()
        };
        let bot = bot_with_settings(&Endpoints { discord_api: Some(api), ..Endpoints::default() }, settings).await;
        let stop = running(bot.discord.clone().expect("the Discord adapter"));
        replicas.push((bot, received, stop));
    }
    // The links by the shard each identified as.
    let mut links: Vec<Option<support::Link>> = vec![None, None];
    for _ in 0..2 {
        let mut link = gateway.next().await;
        let identify = link.frame(|f| f["op"] == 2).await;
        let shard = identify["d"]["shard"].clone();
        assert_eq!(shard[1], 2, "{identify}");
        let index = shard[0].as_u64().unwrap() as usize;
        let mut hello = ready(&url);
        hello["shard"] = json!([index, 2]);
        dispatch(&link, 1, "READY", hello);
        assert!(links[index].replace(link).is_none(), "one replica a shard");
    }
    // A guild id on each shard: its timestamp bits, shifted past 22, odd or even.
    let guilds = [(1u64 << 22) * 1000, (1u64 << 22) * 1001];
    let mut sent: Vec<Vec<String>> = vec![Vec::new(), Vec::new()];
    for (n, guild) in guilds.iter().cycle().take(6).enumerate() {
        let shard = ((guild >> 22) % 2) as usize;
        let mut asked = interaction(
            2,
            Some(command("bio", json!([{ "name": "speaker", "type": 3, "value": "Kelsey Hightower" }]))),
            &[],
        );
        asked["guild_id"] = json!(guild.to_string());
        asked["channel"]["guild_id"] = json!(guild.to_string());
        dispatch(links[shard].as_ref().unwrap(), n as u64 + 2, "INTERACTION_CREATE", asked.clone());
        sent[shard].push(asked["id"].as_str().unwrap().to_string());
    }
    for (shard, (_, received, _)) in replicas.iter().enumerate() {
        for id in &sent[shard] {
            callback(received, id).await;
        }
    }
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    for (shard, (_, received, _)) in replicas.iter().enumerate() {
        let mut answered: Vec<String> = received
            .lock()
            .unwrap()
            .iter()
            .filter_map(|(_, p, _)| p.split("/interactions/").nth(1)?.split('/').next().map(str::to_string))
            .collect();
        answered.sort();
        assert_eq!(answered, sent[shard], "replica {shard} answers its shard's guilds, each once");
    }
    for (bot, _, stop) in replicas {
        assert_eq!(stopped_and_logged(bot, stop).await.len(), 3, "three commands logged by each replica");
    }
}

/// REST under rate limits, over the gateway, on the production path: the
/// adapter's client reaches `discord.com` at a stand-in (serenity's rate
/// limiter on, as in production), whose first interaction callback is
/// answered 429 with `Retry-After`, as Discord answers a request over a
/// bucket's limit. The client waits it out and sends the reply again,
/// which arrives once; the next command's reply is not held up after it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rate_limited_reply_over_the_gateway_is_sent_again_once() {
    let mut gateway = fake_gateway().await;
    let url = format!("ws://{}", gateway.address);
    let delivered: Arc<std::sync::Mutex<Vec<String>>> = Arc::default();
    let limited = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let (gateway_url, log, refused) = (url.clone(), delivered.clone(), limited.clone());
    let app = axum::Router::new().fallback(move |request: Request<Body>| {
        let (url, log, refused) = (gateway_url.clone(), log.clone(), refused.clone());
        async move {
            let path = request.uri().path().to_string();
            if path.ends_with("/gateway") || path.ends_with("/gateway/bot") {
                return support::json(
                    200,
                    &[],
                    json!({ "url": url, "shards": 1, "session_start_limit":
                            { "total": 1000, "remaining": 999, "reset_after": 0, "max_concurrency": 1 } }),
                );
            }
            let Some(id) = path.split("/interactions/").nth(1).and_then(|rest| rest.split('/').next()) else {
                return support::json(200, &[], json!({}));
            };
            if refused.fetch_add(1, std::sync::atomic::Ordering::SeqCst) == 0 {
                let headers = [("retry-after", "1".into()), ("x-ratelimit-scope", "user".into())];
                let body = json!({ "message": "You are being rate limited.", "retry_after": 1.0, "global": false });
                return support::json(429, &headers, body);
            }
            log.lock().unwrap().push(id.to_string());
            axum::response::Response::builder().status(204).body(Body::empty()).unwrap()
        }
    });
    let address = support::serve_as_discord(app).await;
    let dispatcher =
        Arc::new(Dispatcher::new(support::seed_engine(), Clock::Pinned("2022-11-01T08:30:00Z".parse().unwrap()), None));
    let settings = DiscordSettings { token: Some("gateway-test-token".into()), ..DiscordSettings::default() };
    let discord = Arc::new(
        emcee::discord::Discord::with_stand_in(dispatcher, settings, address, support::TEST_AUTHORITY).unwrap(),
    );
    let stop = running(discord);

    let link = identified(&mut gateway, &url).await;
    let bio = interaction(
        2,
        Some(command("bio", json!([{ "name": "speaker", "type": 3, "value": "Kelsey Hightower" }]))),
        &[],
    );
    let quote =
        interaction(2, Some(command("quote", json!([{ "name": "topic", "type": 3, "value": "kubernetes" }]))), &[]);
    dispatch(&link, 2, "INTERACTION_CREATE", bio.clone());
    let ids = [bio["id"].as_str().unwrap().to_string(), quote["id"].as_str().unwrap().to_string()];
    for _ in 0..100 {
        if delivered.lock().unwrap().len() == 1 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(*delivered.lock().unwrap(), ids[..1], "the reply refused once is sent again");
    dispatch(&link, 3, "INTERACTION_CREATE", quote.clone());
    for _ in 0..100 {
        if delivered.lock().unwrap().len() == 2 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(*delivered.lock().unwrap(), ids, "each reply delivered once");
    assert_eq!(limited.load(std::sync::atomic::Ordering::SeqCst), 3, "one 429, then the two replies");
    stop.await_stopped().await;
}

/// Every command, autocomplete and the buttons over the gateway, as the
/// HTTP endpoint answers them: `/bio`, `/quote`, `/talks`, `/ask` and
/// `/help` answered; the organisers' `/schedule post` and `/stats` refused
/// to an attendee and `/schedule post` run for the organiser role; a
/// speaker's name completed; **Another quote** updating its message in
/// place; **Add** from `/talks` putting the session on the presser's
/// agenda and **Remove** taking it off. Every command and press is logged
/// once, the autocomplete not at all.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_command_autocomplete_and_button_over_the_gateway() {
    let Gateway { mut gateway, url, received, bot, stop } = Gateway::start().await;
    let link = identified(&mut gateway, &url).await;
    let mut seq = 1;
    let mut over_the_gateway = |body: Value| {
        seq += 1;
        dispatch(&link, seq, "INTERACTION_CREATE", body.clone());
        let (received, id) = (received.clone(), body["id"].as_str().unwrap().to_string());
        async move { callback(&received, &id).await }
    };

    let schedule_post = || command("schedule", json!([{ "name": "post", "type": 1, "options": [] }]));
    for (data, expected) in every_command() {
        let reply = over_the_gateway(interaction(2, Some(data.clone()), &[])).await;
        assert_eq!(reply["type"], 4, "{reply}");
        assert!(reply.to_string().contains(expected), "{} should hold {expected}: {reply}", data["name"]);
    }
    let reply = over_the_gateway(interaction(2, Some(schedule_post()), &[ORGANISER_ROLE])).await;
    assert!(!reply.to_string().contains("Only organisers") && reply["data"]["flags"] == 64, "{reply}");

    let typed = command("bio", json!([{ "name": "speaker", "type": 3, "value": "kel", "focused": true }]));
    let choices = over_the_gateway(interaction(4, Some(typed), &[])).await;
    assert_eq!(
        (choices["type"].as_u64(), &choices["data"]["choices"][0]["value"]),
        (Some(8), &json!("Kelsey Hightower"))
    );

    let quote = over_the_gateway(interaction(
        2,
        Some(command("quote", json!([{ "name": "topic", "type": 3, "value": "kubernetes" }]))),
        &[],
    ))
    .await;
    let button = &quote["data"]["components"][0]["components"][0];
    assert_eq!(button["label"], "Another quote");
    let another = over_the_gateway(press(button)).await;
    assert_eq!(another["type"], 7, "the message is updated in place: {another}");

    let talks = command("talks", json!([{ "name": "query", "type": 3, "value": "platform engineering" }]));
    let listed = over_the_gateway(interaction(2, Some(talks), &[])).await;
    let buttons: Vec<Value> = listed["data"]["components"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|row| row["components"].as_array().unwrap().clone())
        .collect();
    let add = buttons.iter().find(|b| b["label"].as_str().unwrap_or_default().starts_with("Add: ")).expect("Add");
    let added = over_the_gateway(press(add)).await;
    assert!(added["data"]["embeds"][0]["description"].as_str().unwrap().contains("Added"), "{added}");
    let presser = emcee::store::Person { platform: "discord".into(), user: "1300000000000000000".into() };
    assert_eq!(bot.store.favourites(&presser).await.unwrap().len(), 1);
    let remove = added["data"]["components"][0]["components"][0].clone();
    let removed = over_the_gateway(press(&remove)).await;
    assert!(removed.to_string().contains("Removed"), "{removed}");
    assert!(bot.store.favourites(&presser).await.unwrap().is_empty());

    let logged = stopped_and_logged(bot, stop).await;
    assert_eq!(logged.len(), 13, "every command and press, not the autocomplete: {logged:?}");
}

/// A close with a code Discord documents as one to reconnect and resume
/// from (4000, unknown error): the client resumes the session on a new
/// connection where it left off, and the next command is answered there.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_close_with_a_resumable_code_is_resumed() {
    let Gateway { mut gateway, url, received, bot, stop } = Gateway::start().await;
    let link = identified(&mut gateway, &url).await;
    link.close(4000);
    let mut resumed = gateway.next().await;
    let resume = resumed.frame(|f| f["op"] == 6 || f["op"] == 2).await;
    assert_eq!((resume["op"].as_u64(), resume["d"]["session_id"].as_str()), (Some(6), Some("5e55i0n")), "{resume}");
    dispatch(&resumed, 2, "RESUMED", json!({}));
    let bio = interaction(
        2,
        Some(command("bio", json!([{ "name": "speaker", "type": 3, "value": "Kelsey Hightower" }]))),
        &[],
    );
    dispatch(&resumed, 3, "INTERACTION_CREATE", bio.clone());
    assert!(callback(&received, bio["id"].as_str().unwrap()).await.to_string().contains("Kelsey Hightower"));
    assert_eq!(stopped_and_logged(bot, stop).await, ["bio"]);
}
