//! Direct messages to the people who chose a session: a reminder before it
//! and a notice when it changes, each claimed in the database so that
//! announcers racing on one database send it once per person; and a
//! keynote's 5,000 fans reminded through a fake Slack Web API on loopback
//! that makes them wait (429, `Retry-After`).

use crate::support;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::{Body, to_bytes};
use axum::http::Request;
use emcee::announcer::{Announcer, DirectSink, Personal, PersonalKind};
use emcee::store::{Person, Store};
use emcee_core::Schedule;
use jiff::{SignedDuration, Timestamp};

const KEYNOTE: &str = "Keynote: Software supply chain security";

/// Records what each person was sent.
#[derive(Clone, Default)]
struct Inbox {
    got: Arc<Mutex<Vec<(String, Personal)>>>,
}

impl Inbox {
    fn of(&self, user: &str) -> Vec<Personal> {
        self.got.lock().unwrap().iter().filter(|(u, _)| u == user).map(|(_, m)| m.clone()).collect()
    }

    fn count(&self) -> usize {
        self.got.lock().unwrap().len()
    }
}

impl DirectSink for Inbox {
    fn platform(&self) -> &'static str {
        "slack"
    }

    fn send_to<'a>(
        &'a self,
        user: &'a str,
        message: &'a Personal,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = anyhow::Result<()>> + Send + 'a>> {
        Box::pin(async move {
            // A platform that takes a moment, so that racing announcers overlap.
            tokio::time::sleep(Duration::from_millis(2)).await;
            self.got.lock().unwrap().push((user.to_string(), message.clone()));
            Ok(())
        })
    }
}

fn fan(user: &str) -> Person {
    Person { platform: "slack".into(), user: user.into() }
}

/// The store on `db` with the sample programme imported (not as the
/// sample: its later changes are news).
async fn store_with_programme(db: &support::TestDb) -> (Store, Schedule) {
    let store = Store::open(&db.url).unwrap();
    store.migrate().await.unwrap();
    let schedule = support::seed_engine().schedule().clone();
    store.replace_schedule(&schedule, "test", Timestamp::now()).await.unwrap();
    (store, schedule)
}

fn announcers(store: &Store, inbox: &Inbox) -> Vec<Announcer> {
    (0..2)
        .map(|r| {
            Announcer::new(store.clone(), Vec::new(), Duration::from_secs(10 * 60), format!("replica-{r}"))
                .with_direct(vec![Arc::new(inbox.clone())])
        })
        .collect()
}

#[tokio::test]
async fn each_fan_is_reminded_once_however_many_announcers_race() {
    for db in support::backends().await {
        let backend = db.backend;
        let (store, schedule) = store_with_programme(&db).await;
        let keynote = schedule.sessions.iter().find(|s| s.title == KEYNOTE).unwrap().clone();
        let now = Timestamp::now();
        for i in 0..40 {
            store.add_favourite(&fan(&format!("U{i:03}")), &keynote.id, now, usize::MAX).await.unwrap();
        }
        store.set_remind_minutes(&fan("U000"), 0).await.unwrap();
        store.set_remind_minutes(&fan("U001"), 60).await.unwrap();
        let inbox = Inbox::default();
        let racing = announcers(&store, &inbox);

        // 50 minutes before: only the one who asked for an hour.
        let early = keynote.start - SignedDuration::from_mins(50);
        let sent: Vec<usize> = futures_join(racing.iter().map(|a| a.remind_fans(&schedule, early))).await;
        assert_eq!(sent.iter().sum::<usize>(), 1, "{backend}");
        assert_eq!(inbox.of("U001").len(), 1, "{backend}");

        // 5 minutes before, each announcer twice, all at once.
        let due = keynote.start - SignedDuration::from_mins(5);
        let passes = racing.iter().chain(racing.iter()).map(|a| a.remind_fans(&schedule, due));
        let sent: usize = futures_join(passes).await.into_iter().sum();
        assert_eq!(sent, 38, "{backend}: everyone but the one who turned reminders off and the one already reminded");
        assert!(inbox.of("U000").is_empty(), "{backend}: reminders off");
        for i in 1..40 {
            let got = inbox.of(&format!("U{i:03}"));
            assert_eq!(got.len(), 1, "{backend}: U{i:03} got {got:?}");
            assert_eq!(got[0].kind, PersonalKind::Reminder);
            assert!(got[0].text.contains(&keynote.room) && got[0].text.contains(KEYNOTE), "{}", got[0].text);
        }
        assert!(inbox.of("U002")[0].text.starts_with("In 5 min"), "{:?}", inbox.of("U002"));
        // After the start nothing more.
        let late = keynote.start + SignedDuration::from_mins(1);
        assert_eq!(racing[0].remind_fans(&schedule, late).await.unwrap(), 0);
        store.close().await;
        db.remove().await;
    }
}

/// An inbox on another platform, which may limit the bot's rate.
struct OnPlatform(Inbox, &'static str, Option<emcee::announcer::Rate>);

impl DirectSink for OnPlatform {
    fn platform(&self) -> &'static str {
        self.1
    }

    fn rate(&self) -> Option<emcee::announcer::Rate> {
        self.2
    }

    fn send_to<'a>(
        &'a self,
        user: &'a str,
        message: &'a Personal,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = anyhow::Result<()>> + Send + 'a>> {
        self.0.send_to(user, message)
    }
}

/// Replicas that reach different platforms (Slack's HTTP pods, Discord's
/// gateway pods) share one database: each claims only the people it can
/// message, so none is claimed and then dropped.
#[tokio::test]
async fn each_announcer_claims_only_the_people_it_can_reach() {
    for db in support::backends().await {
        let backend = db.backend;
        let (store, schedule) = store_with_programme(&db).await;
        let keynote = schedule.sessions.iter().find(|s| s.title == KEYNOTE).unwrap().clone();
        let now = Timestamp::now();
        store.add_favourite(&fan("U1"), &keynote.id, now, usize::MAX).await.unwrap();
        store
            .add_favourite(&Person { platform: "discord".into(), user: "42".into() }, &keynote.id, now, usize::MAX)
            .await
            .unwrap();
        let (slack, discord) = (Inbox::default(), Inbox::default());
        let only_slack = Announcer::new(store.clone(), Vec::new(), Duration::from_secs(600), "http-0".into())
            .with_direct(vec![Arc::new(OnPlatform(slack.clone(), "slack", None))]);
        let only_discord = Announcer::new(store.clone(), Vec::new(), Duration::from_secs(600), "gateway-0".into())
            .with_direct(vec![Arc::new(OnPlatform(discord.clone(), "discord", None))]);
        let due = keynote.start - SignedDuration::from_mins(5);
        assert_eq!(only_slack.remind_fans(&schedule, due).await.unwrap(), 1, "{backend}");
        assert_eq!(only_discord.remind_fans(&schedule, due).await.unwrap(), 1, "{backend}");
        assert_eq!((slack.of("U1").len(), discord.of("42").len()), (1, 1), "{backend}");
        assert_eq!(slack.count() + discord.count(), 2, "{backend}");

        // A move: each hears of it from the replica that reaches them.
        let mut moved = schedule.clone();
        let at = moved.sessions.iter().position(|s| s.id == keynote.id).unwrap();
        moved.sessions[at].room = String::from("Room 2");
        store.replace_schedule(&moved, "test", Timestamp::now()).await.unwrap();
        let zone = &schedule.conference.time_zone;
        assert_eq!(only_slack.notify_fans(1, zone, Timestamp::now()).await.unwrap(), 1, "{backend}");
        assert_eq!(only_discord.notify_fans(1, zone, Timestamp::now()).await.unwrap(), 1, "{backend}");
        assert_eq!(discord.of("42").last().unwrap().kind, PersonalKind::Changed, "{backend}");
        store.close().await;
        db.remove().await;
    }
}

/// A platform that allows the bot ten messages a second.
const TEN_A_SECOND: emcee::announcer::Rate = emcee::announcer::Rate { bot: 10.0, replica: 10.0 };

/// On a rate-limited platform a change notice to a crowd is claimed a
/// second's sending at a time, as reminders are: each pass leaves a
/// backlog until everyone is told, once.
#[tokio::test]
async fn a_notice_to_a_crowd_goes_out_a_chunk_at_a_time() {
    let db = support::sqlite();
    let (store, schedule) = store_with_programme(&db).await;
    let keynote = schedule.sessions.iter().find(|s| s.title == KEYNOTE).unwrap().clone();
    let now = Timestamp::now();
    for i in 0..35 {
        store
            .add_favourite(
                &Person { platform: "discord".into(), user: format!("{i:03}") },
                &keynote.id,
                now,
                usize::MAX,
            )
            .await
            .unwrap();
    }
    let inbox = Inbox::default();
    let announcer = Announcer::new(store.clone(), Vec::new(), Duration::from_secs(600), "replica".into())
        .with_direct(vec![Arc::new(OnPlatform(inbox.clone(), "discord", Some(TEN_A_SECOND)))]);
    let mut moved = schedule.clone();
    let at = moved.sessions.iter().position(|s| s.id == keynote.id).unwrap();
    moved.sessions[at].room = String::from("Room 2");
    store.replace_schedule(&moved, "test", Timestamp::now()).await.unwrap();
    let zone = &schedule.conference.time_zone;
    let mut passes = 0;
    let mut sent = announcer.notify_fans(1, zone, Timestamp::now()).await.unwrap();
    while announcer.has_notice_backlog() {
        passes += 1;
        sent += announcer.notify_fans(1, zone, Timestamp::now()).await.unwrap();
        assert!(passes < 10);
    }
    sent += announcer.finish_sending().await;
    assert_eq!((sent, inbox.count()), (35, 35));
    assert_eq!(passes, 3, "ten a pass, and a last pass that finds the rest");
    for i in 0..35 {
        assert_eq!(inbox.of(&format!("{i:03}")).len(), 1, "{i:03}");
    }
    assert_eq!(announcer.notify_fans(1, zone, Timestamp::now()).await.unwrap(), 0, "claimed: never again");
    store.close().await;
    db.remove().await;
}

/// Runs the futures together, each result unwrapped.
async fn futures_join<F>(futures: impl Iterator<Item = F>) -> Vec<usize>
where
    F: std::future::Future<Output = anyhow::Result<usize>>,
{
    let mut pinned: Vec<std::pin::Pin<Box<F>>> = futures.map(Box::pin).collect();
    let mut results: Vec<Option<usize>> = vec![None; pinned.len()];
    std::future::poll_fn(|cx| {
        let mut pending = false;
        for (i, future) in pinned.iter_mut().enumerate() {
            if results[i].is_none() {
                match future.as_mut().poll(cx) {
                    std::task::Poll::Ready(result) => results[i] = Some(result.unwrap()),
                    std::task::Poll::Pending => pending = true,
                }
            }
        }
        if pending { std::task::Poll::Pending } else { std::task::Poll::Ready(()) }
    })
    .await;
    results.into_iter().map(Option::unwrap).collect()
}

#[tokio::test]
async fn a_move_and_a_cancel_tell_each_fan_once_what_changed() {
    for db in support::backends().await {
        let backend = db.backend;
        let (store, schedule) = store_with_programme(&db).await;
        let keynote = schedule.sessions.iter().find(|s| s.title == KEYNOTE).unwrap().clone();
        let other = schedule.sessions.iter().find(|s| s.id != keynote.id).unwrap().clone();
        let now = Timestamp::now();
        for user in ["UA", "UB", "UC"] {
            store.add_favourite(&fan(user), &keynote.id, now, usize::MAX).await.unwrap();
        }
        for user in ["UC", "UD"] {
            store.add_favourite(&fan(user), &other.id, now, usize::MAX).await.unwrap();
        }
        let (_, version) = store.load_schedule().await.unwrap().unwrap();
        let inbox = Inbox::default();
        let racing = announcers(&store, &inbox);
        let zone = schedule.conference.time_zone.clone();

        // The keynote moves two hours later, to another room.
        let mut moved = schedule.clone();
        let session = moved.sessions.iter_mut().find(|s| s.id == keynote.id).unwrap();
        session.start += SignedDuration::from_hours(2);
        session.end += SignedDuration::from_hours(2);
        session.room = String::from("Room 2");
        let new_start = session.start;
        store.replace_schedule(&moved, "test", now).await.unwrap();
        let passes = racing.iter().chain(racing.iter()).map(|a| a.notify_fans(version, &zone, now));
        assert_eq!(futures_join(passes).await.into_iter().sum::<usize>(), 3, "{backend}");
        for user in ["UA", "UB", "UC"] {
            let got = inbox.of(user);
            assert_eq!(got.len(), 1, "{backend}: {user} got {got:?}");
            assert_eq!(got[0].kind, PersonalKind::Changed);
            let old = emcee_core::render::time_span(keynote.start, keynote.end, &zone);
            let new = emcee_core::render::time_span(new_start, new_start + (keynote.end - keynote.start), &zone);
            assert_eq!(
                got[0].text,
                format!("Changed: “{KEYNOTE}” in your agenda: time {old} → {new}; room {} → Room 2.", keynote.room),
                "{backend}"
            );
        }
        assert!(inbox.of("UD").is_empty(), "{backend}: not a fan of the keynote");
        // Who chooses the session after the change saw it as it is: an
        // announcer that starts again and looks at that change says nothing to them.
        store.add_favourite(&fan("UE"), &keynote.id, now + SignedDuration::from_secs(5), usize::MAX).await.unwrap();
        assert_eq!(racing[0].notify_fans(version, &zone, now).await.unwrap(), 0, "{backend}");
        assert!(inbox.of("UE").is_empty(), "{backend}");

        // Reminders follow the new time, to every fan, the latest included.
        let (schedule_now, version) = store.load_schedule().await.unwrap().unwrap();
        let old_due = keynote.start - SignedDuration::from_mins(5);
        assert_eq!(racing[0].remind_fans(&schedule_now, old_due).await.unwrap(), 0, "{backend}");
        let new_due = new_start - SignedDuration::from_mins(5);
        assert_eq!(racing[1].remind_fans(&schedule_now, new_due).await.unwrap(), 4, "{backend}");
        assert_eq!(inbox.of("UE").len(), 1, "{backend}");

        // The other session is cancelled.
        let mut cancelled = schedule_now.clone();
        cancelled.sessions.retain(|s| s.id != other.id);
        store.replace_schedule(&cancelled, "test", now).await.unwrap();
        let before = inbox.count();
        let passes = racing.iter().chain(racing.iter()).map(|a| a.notify_fans(version, &zone, now));
        assert_eq!(futures_join(passes).await.into_iter().sum::<usize>(), 2, "{backend}");
        assert_eq!(inbox.count(), before + 2);
        for user in ["UC", "UD"] {
            let got = inbox.of(user);
            let last = got.last().unwrap();
            assert_eq!(last.kind, PersonalKind::Cancelled, "{backend}: {got:?}");
            assert!(last.text.starts_with(&format!("Cancelled: “{}”", other.title)), "{}", last.text);
        }
        store.close().await;
        db.remove().await;
    }
}

/// A fake Slack Web API: `chat.postMessage` answers every 250th request
/// with 429 and `Retry-After: 1`, which the client must wait out and retry;
/// it records each message's channel once accepted.
async fn limiting_slack() -> (String, Arc<Mutex<HashMap<String, usize>>>) {
    let delivered: Arc<Mutex<HashMap<String, usize>>> = Arc::default();
    let counter = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let record = delivered.clone();
    let app = axum::Router::new().fallback(move |request: Request<Body>| {
        let (record, counter) = (record.clone(), counter.clone());
        async move {
            let bytes = to_bytes(request.into_body(), 1 << 20).await.unwrap();
            let n = counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            if n % 250 == 0 {
                return axum::response::Response::builder()
                    .status(429)
                    .header("retry-after", "1")
                    .body(Body::from(r#"{"ok":false,"error":"ratelimited"}"#))
                    .unwrap();
            }
            let body: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
            let channel = body["channel"].as_str().unwrap().to_string();
            *record.lock().unwrap().entry(channel.clone()).or_default() += 1;
            let answer = serde_json::json!({ "ok": true, "channel": channel, "ts": "1.1", "message": { "ts": "1.1", "text": "" } });
            support::json(200, &[], answer)
        }
    });
    (support::serve(app).await, delivered)
}

/// 5,000 fans of one keynote, reminded through the Slack adapter's own
/// client: every one exactly once, within the 60 s the product promises.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn five_thousand_fans_are_reminded_within_a_minute() {
    const FANS: usize = 5_000;
    let (api, delivered) = limiting_slack().await;
    let db = support::sqlite();
    let (store, schedule) = store_with_programme(&db).await;
    let keynote = schedule.sessions.iter().find(|s| s.title == KEYNOTE).unwrap().clone();
    let now = Timestamp::now();
    for i in 0..FANS {
        store.add_favourite(&fan(&format!("U{i:05}")), &keynote.id, now, usize::MAX).await.unwrap();
    }
    let dispatcher =
        Arc::new(emcee::dispatch::Dispatcher::new(support::seed_engine(), emcee::clock::Clock::System, None));
    let platforms = emcee::server::Platforms {
        slack: emcee::config::SlackSettings {
            signing_secret: Some("secret".into()),
            bot_token: Some("xoxb-test".into()),
            ..Default::default()
        },
        ..Default::default()
    };
    let endpoints = emcee::server::Endpoints { slack_api: Some(format!("{api}/api/")), ..Default::default() };
    let app = emcee::server::app(&platforms, dispatcher, &endpoints).unwrap();
    let slack = emcee::slack::SlackDirect::new(app.slack.as_deref().unwrap()).unwrap();
    let announcer = Announcer::new(store.clone(), Vec::new(), Duration::from_secs(600), "replica".into())
        .with_direct(vec![Arc::new(slack)]);

    let due = keynote.start - SignedDuration::from_mins(10);
    let started = Instant::now();
    let sent = announcer.remind_fans(&schedule, due).await.unwrap();
    let took = started.elapsed();
    eprintln!("reminded {FANS} fans through the fake Slack API in {took:.2?}");
    assert_eq!(sent, FANS);
    let delivered = delivered.lock().unwrap().clone();
    assert_eq!(delivered.len(), FANS, "each fan's own conversation");
    assert!(delivered.values().all(|&n| n == 1), "exactly once each, retries included");
    assert!(took < Duration::from_secs(60), "took {took:?}");
    assert_eq!(announcer.remind_fans(&schedule, due).await.unwrap(), 0, "claimed: never again");
}

/// What a fake Discord saw: when each DM channel's message was accepted,
/// the channels it opened, and the requests it refused.
#[derive(Clone, Default)]
struct DiscordLog {
    delivered: Arc<Mutex<HashMap<String, Vec<Instant>>>>,
    opened: Arc<Mutex<Vec<String>>>,
    /// Refused for going over the limit on all of a bot's requests.
    over_global: Arc<std::sync::atomic::AtomicUsize>,
    /// Refused on purpose, `Retry-After: 1`, to be waited out and retried.
    made_to_wait: Arc<std::sync::atomic::AtomicUsize>,
}

/// A bucket of `limit` requests refilled at `limit` a second.
struct Bucket {
    tokens: f64,
    at: Instant,
    limit: f64,
}

impl Bucket {
    fn new(limit: f64) -> Bucket {
        Bucket { tokens: limit, at: Instant::now(), limit }
    }

    /// Takes a request; else how long until one would be taken.
    fn take(&mut self) -> Result<(), f64> {
        let now = Instant::now();
        self.tokens = (self.tokens + (now - self.at).as_secs_f64() * self.limit).min(self.limit);
        self.at = now;
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            Ok(())
        } else {
            Err((1.0 - self.tokens) / self.limit)
        }
    }
}

/// Discord's DM routes on loopback, over TLS as discord.com, keeping
/// Discord's limits: 50 requests a second across all routes (429 with
/// `X-RateLimit-Global` beyond it), a bucket per route told in
/// `X-RateLimit-*` headers, and every 1,000th message refused with
/// `Retry-After: 1` as Discord may at any time.
async fn limiting_discord() -> (std::net::SocketAddr, DiscordLog) {
    let log = DiscordLog::default();
    let global = Arc::new(Mutex::new(Bucket::new(50.0)));
    let messages = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let state = log.clone();
    let app = axum::Router::new().fallback(move |request: Request<Body>| {
        let (log, global, messages) = (state.clone(), global.clone(), messages.clone());
        async move {
            let path = request.uri().path().to_string();
            let bytes = to_bytes(request.into_body(), 1 << 20).await.unwrap();
            if let Err(wait) = global.lock().unwrap().take() {
                log.over_global.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                let headers = [
                    ("x-ratelimit-global", "true".into()),
                    ("x-ratelimit-scope", "global".into()),
                    ("retry-after", format!("{wait:.3}")),
                ];
                return support::json(
                    429,
                    &headers,
                    serde_json::json!({"message": "You are being rate limited.", "retry_after": wait, "global": true}),
                );
            }
            // Each route's bucket, as Discord tells it: room for five more, refilled at once.
            let bucket = [
                ("x-ratelimit-limit", "5".to_string()),
                ("x-ratelimit-remaining", "4".to_string()),
                ("x-ratelimit-reset-after", "0.001".to_string()),
            ];
            if path == "/api/v10/users/@me/channels" {
                let body: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
                let user = body["recipient_id"]
                    .as_str()
                    .map(str::to_string)
                    .unwrap_or_else(|| body["recipient_id"].to_string());
                let channel = format!("9{}", &user[1..]);
                log.opened.lock().unwrap().push(channel.clone());
                let made = serde_json::json!({
                    "id": channel, "type": 1, "last_message_id": null,
                    "recipients": [{"id": user, "username": "fan", "discriminator": "0", "avatar": null}]
                });
                return support::json(200, &bucket, made);
            }
            let channel = path
                .strip_prefix("/api/v10/channels/")
                .and_then(|rest| rest.strip_suffix("/messages"))
                .unwrap_or_else(|| panic!("an unexpected route: {path}"))
                .to_string();
            if messages.fetch_add(1, std::sync::atomic::Ordering::SeqCst) % 1000 == 999 {
                log.made_to_wait.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                let headers = [("retry-after", "1".into()), ("x-ratelimit-scope", "shared".into())];
                return support::json(
                    429,
                    &headers,
                    serde_json::json!({"message": "You are being rate limited.", "retry_after": 1.0, "global": false}),
                );
            }
            log.delivered.lock().unwrap().entry(channel.clone()).or_default().push(Instant::now());
            let message = serde_json::json!({
                "id": "1500000000000000001", "channel_id": channel, "content": "", "embeds": [],
                "attachments": [], "mentions": [], "mention_roles": [], "pinned": false, "type": 0, "tts": false,
                "mention_everyone": false, "timestamp": "2024-05-01T10:00:00.000000+00:00", "edited_timestamp": null,
                "author": {"id": "1100000000000000001", "username": "emcee", "discriminator": "0", "avatar": null}
            });
            support::json(200, &bucket, message)
        }
    });
    (support::serve_as_discord(app).await, log)
}

/// 5,000 fans of one keynote on Discord, through the Discord adapter's own
/// client at Discord's 50 requests a second: 100 s of sending, centred on
/// the due time so that each goes out within 60 s of it, and not one
/// request over Discord's limit. Most DM channels were opened on earlier
/// passes; the announcer opens the rest ahead, and a few at sending time.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn five_thousand_discord_fans_are_reminded_within_a_minute_of_due() {
    const FANS: usize = 5_000;
    const OPENED_BEFORE: usize = 4_900;
    const OPENED_AHEAD: usize = 90;
    let (address, log) = limiting_discord().await;
    let db = support::sqlite();
    let (store, schedule) = store_with_programme(&db).await;
    let keynote = schedule.sessions.iter().find(|s| s.title == KEYNOTE).unwrap().clone();
    let user = |i: usize| format!("{}", 100_000_000_000_000_000 + i);
    let now = Timestamp::now();
    let choose = |i: usize| {
        let store = store.clone();
        let id = keynote.id.clone();
        async move {
            store
                .add_favourite(&Person { platform: "discord".into(), user: user(i) }, &id, now, usize::MAX)
                .await
                .unwrap()
        }
    };
    for i in 0..OPENED_BEFORE + OPENED_AHEAD {
        choose(i).await;
        if i < OPENED_BEFORE {
            store.save_direct_channel("discord", &user(i), &format!("9{}", &user(i)[1..]), now).await.unwrap();
        }
    }
    let dispatcher =
        Arc::new(emcee::dispatch::Dispatcher::new(support::seed_engine(), emcee::clock::Clock::System, None));
    let settings = emcee::config::DiscordSettings { token: Some("token".into()), ..Default::default() };
    let discord =
        emcee::discord::Discord::with_stand_in(dispatcher, settings, address, support::TEST_AUTHORITY).unwrap();
    let direct = emcee::discord::DiscordDirect::new(&discord).unwrap();
    let announcer = Announcer::new(store.clone(), Vec::new(), Duration::from_secs(600), "replica".into())
        .with_direct(vec![Arc::new(direct)]);

    // An hour ahead, conversations are opened with those who have none;
    // then ten more people choose the keynote, whose are opened at sending.
    let due = keynote.start - SignedDuration::from_mins(10);
    assert_eq!(announcer.open_ahead(&schedule, due - SignedDuration::from_hours(1)).await.unwrap(), OPENED_AHEAD);
    let opened_ahead = log.opened.lock().unwrap().len();
    assert_eq!(opened_ahead, OPENED_AHEAD);
    for i in OPENED_BEFORE + OPENED_AHEAD..FANS {
        choose(i).await;
    }

    // Passes a second apart from a minute before the due time, as the
    // announcer's ticks, until every fan is reminded; while a pass leaves
    // a backlog, the next follows at once, as in the announcer's loop.
    let started = Instant::now();
    let due_at = started + Duration::from_secs(60);
    let mut sent = 0;
    while sent < FANS {
        let elapsed = SignedDuration::try_from(started.elapsed()).unwrap();
        sent += announcer.remind_fans(&schedule, due - SignedDuration::from_secs(60) + elapsed).await.unwrap();
        assert!(started.elapsed() < Duration::from_secs(300), "sent {sent} of {FANS}");
        if !announcer.has_backlog() {
            sent += announcer.finish_sending().await;
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
    }
    assert_eq!(sent, FANS);
    let delivered = log.delivered.lock().unwrap().clone();
    assert_eq!(delivered.len(), FANS, "each fan's own DM channel");
    assert!(delivered.values().all(|times| times.len() == 1), "exactly once each, retries included");
    let offsets: Vec<f64> = delivered
        .values()
        .map(|times| times[0].duration_since(started).as_secs_f64() - due_at.duration_since(started).as_secs_f64())
        .collect();
    let first = offsets.iter().copied().fold(f64::MAX, f64::min);
    let last = offsets.iter().copied().fold(f64::MIN, f64::max);
    let over_global = log.over_global.load(std::sync::atomic::Ordering::SeqCst);
    eprintln!(
        "reminded {FANS} Discord fans in {:.1} s, from {first:+.1} s to {last:+.1} s of the due time; {} opened at sending; {} requests made to wait; {over_global} over 50 a second",
        last - first,
        log.opened.lock().unwrap().len() - opened_ahead,
        log.made_to_wait.load(std::sync::atomic::Ordering::SeqCst),
    );
    assert!(first >= -60.0 && last <= 60.0, "from {first:+.1} s to {last:+.1} s of the due time");
    assert_eq!(log.opened.lock().unwrap().len(), FANS - OPENED_BEFORE, "each DM channel opened once");
    assert!(log.made_to_wait.load(std::sync::atomic::Ordering::SeqCst) >= 4, "Retry-After waited out");
    // Evenly spaced, the requests keep within the limit; a stall of the
    // client (a loaded machine) can bunch a few, which Discord answers with
    // 429 and serenity waits out.
    assert!(over_global <= FANS / 100, "{over_global} requests over Discord's 50 a second");
    store.close().await;
    db.remove().await;
}
