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
            store.add_favourite(&fan(&format!("U{i:03}")), &keynote.id, now).await.unwrap();
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
            store.add_favourite(&fan(user), &keynote.id, now).await.unwrap();
        }
        for user in ["UC", "UD"] {
            store.add_favourite(&fan(user), &other.id, now).await.unwrap();
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
        store.add_favourite(&fan("UE"), &keynote.id, now + SignedDuration::from_secs(5)).await.unwrap();
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
            axum::response::Response::builder()
                .header("content-type", "application/json")
                .body(Body::from(answer.to_string()))
                .unwrap()
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (format!("http://{address}"), delivered)
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
        store.add_favourite(&fan(&format!("U{i:05}")), &keynote.id, now).await.unwrap();
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
