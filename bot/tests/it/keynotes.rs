//! Keynotes as Discord Guild Scheduled Events, through the Discord adapter's
//! own client against a fake Discord API on loopback that keeps the events
//! it is given: made once per session by announcers racing on one database,
//! changed and cancelled with the programme, made again when a cancelled
//! session comes back, removed when a session stops being a keynote, and
//! never more than Discord's 100 at once.

use crate::support;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use axum::body::{Body, to_bytes};
use axum::http::Request;
use emcee::announcer::keynotes::{Keynotes, Synced};
use emcee::announcer::{Announcer, Outlets};
use emcee::store::Store;
use emcee_core::Schedule;
use jiff::{SignedDuration, Timestamp};
use serde_json::{Value, json};

const GUILD: u64 = 1_200_000_000_000_000_001;

/// The events a fake Discord server holds, by id, and how many requests of each method it took.
#[derive(Clone, Default)]
struct Server {
    events: Arc<Mutex<BTreeMap<u64, Value>>>,
    requests: Arc<Mutex<Vec<String>>>,
}

impl Server {
    fn events(&self) -> Vec<Value> {
        self.events.lock().unwrap().values().cloned().collect()
    }

    /// The events not cancelled, by name.
    fn scheduled(&self) -> Vec<String> {
        let mut names: Vec<String> = self
            .events()
            .iter()
            .filter(|e| e["status"] == 1)
            .map(|e| e["name"].as_str().unwrap().to_string())
            .collect();
        names.sort();
        names
    }

    fn count(&self, method: &str) -> usize {
        self.requests.lock().unwrap().iter().filter(|m| *m == method).count()
    }
}

/// Discord's scheduled-event routes of one server, on loopback.
async fn fake_discord() -> (std::net::SocketAddr, Server) {
    let server = Server::default();
    let state = server.clone();
    let next = Arc::new(std::sync::atomic::AtomicU64::new(1_300_000_000_000_000_000));
    let app = axum::Router::new().fallback(move |request: Request<Body>| {
        let (state, next) = (state.clone(), next.clone());
        async move {
            let method = request.method().to_string();
            let path = request.uri().path().to_string();
            let bytes = to_bytes(request.into_body(), 1 << 20).await.unwrap();
            let body: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
            state.requests.lock().unwrap().push(method.clone());
            let prefix = format!("/api/v10/guilds/{GUILD}/scheduled-events");
            let rest = path.strip_prefix(&prefix).unwrap_or_else(|| panic!("an unexpected route: {method} {path}"));
            let mut events = state.events.lock().unwrap();
            let answer = match (method.as_str(), rest.trim_start_matches('/')) {
                ("GET", "") => {
                    let live: Vec<Value> =
                        events.values().filter(|e| e["status"] == 1 || e["status"] == 2).cloned().collect();
                    json!(live)
                }
                ("POST", "") => {
                    assert_eq!(body["entity_type"], 3, "an external event: {body}");
                    assert_eq!(body["privacy_level"], 2, "{body}");
                    assert!(body["scheduled_end_time"].is_string(), "external events need an end: {body}");
                    assert!(body["name"].as_str().unwrap().chars().count() <= 100);
                    let live = events.values().filter(|e| e["status"] == 1 || e["status"] == 2).count();
                    if live >= 100 {
                        let refusal =
                            json!({"code": 30038, "message": "Maximum number of guild scheduled events reached (100)"});
                        return axum::response::Response::builder()
                            .status(400)
                            .body(Body::from(refusal.to_string()))
                            .unwrap();
                    }
                    let id = next.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                    let mut event = body.clone();
                    event["id"] = json!(id.to_string());
                    event["guild_id"] = json!(GUILD.to_string());
                    event["status"] = json!(1);
                    events.insert(id, event.clone());
                    event
                }
                ("PATCH" | "DELETE", id) if !events.contains_key(&id.parse().unwrap()) => {
                    let unknown = json!({"code": 10070, "message": "Unknown Guild Scheduled Event"});
                    return support::json(404, &[], unknown);
                }
                ("PATCH", id) => {
                    let event = events.get_mut(&id.parse().unwrap()).unwrap();
                    if body["status"] == 4 {
                        assert_eq!(event["status"], 1, "only a scheduled event can be cancelled: {event}");
                    }
                    for (field, value) in body.as_object().unwrap() {
                        event[field] = value.clone();
                    }
                    event.clone()
                }
                ("DELETE", id) => {
                    events.remove(&id.parse().unwrap());
                    return axum::response::Response::builder().status(204).body(Body::empty()).unwrap();
                }
                _ => panic!("an unexpected route: {method} {path}"),
            };
            support::json(200, &[], answer)
        }
    });
    (support::serve_as_discord(app).await, server)
}

/// An announcer whose keynote events go to `api`'s server through the Discord adapter.
fn announcer(store: &Store, api: std::net::SocketAddr, kinds: &[&str], replica: &str) -> Announcer {
    let dispatcher =
        Arc::new(emcee::dispatch::Dispatcher::new(support::seed_engine(), emcee::clock::Clock::System, None));
    let settings = emcee::config::DiscordSettings {
        token: Some("token".into()),
        keynote_guild: Some(GUILD),
        ..Default::default()
    };
    let discord = emcee::discord::Discord::with_stand_in(dispatcher, settings, api, support::TEST_AUTHORITY).unwrap();
    let events = emcee::discord::events::DiscordEvents::new(&discord).unwrap();
    let kinds: Vec<String> = kinds.iter().map(|k| k.to_string()).collect();
    let outlets = Outlets { keynotes: Some(Keynotes::new(Arc::new(events), &kinds)), ..Default::default() };
    Announcer::new(store.clone(), Vec::new(), std::time::Duration::from_secs(600), replica.into())
        .with_keynotes(outlets.keynotes)
}

async fn both(a: &Announcer, b: &Announcer, schedule: &Schedule, now: Timestamp) -> Synced {
    let (x, y) = tokio::join!(a.sync_keynotes(schedule, now), b.sync_keynotes(schedule, now));
    let (x, y) = (x.unwrap(), y.unwrap());
    Synced {
        created: x.created + y.created,
        updated: x.updated + y.updated,
        cancelled: x.cancelled + y.cancelled,
        removed: x.removed + y.removed,
    }
}

#[tokio::test]
async fn keynotes_follow_the_programme_as_scheduled_events() {
    for db in support::backends().await {
        let backend = db.backend;
        let (api, server) = fake_discord().await;
        let store = Store::open(&db.url).unwrap();
        store.migrate().await.unwrap();
        // The sample's keynote (its type) and the Platform track's two talks.
        let racing = [
            announcer(&store, api, &["keynote", "platform"], "replica-0"),
            announcer(&store, api, &["Keynote", " Platform "], "replica-1"),
        ];
        let mut schedule = support::seed_engine().schedule().clone();
        let before = schedule.sessions[0].start - SignedDuration::from_hours(24);
        let chosen: Vec<String> = schedule
            .sessions
            .iter()
            .filter(|s| s.kind.as_deref() == Some("keynote") || s.track.as_deref() == Some("Platform"))
            .map(|s| s.title.clone())
            .collect();
        assert_eq!(chosen.len(), 3, "{chosen:?}");

        let synced = both(&racing[0], &racing[1], &schedule, before).await;
        assert_eq!(
            synced,
            Synced { created: 3, ..Synced::default() },
            "{backend}: one event per keynote, however many race"
        );
        let mut expected = chosen.clone();
        expected.sort();
        assert_eq!(server.scheduled(), expected, "{backend}");
        let keynote = schedule.sessions.iter().find(|s| s.kind.as_deref() == Some("keynote")).unwrap().clone();
        let made = server.events().into_iter().find(|e| e["name"] == keynote.title.as_str()).unwrap();
        assert_eq!(made["entity_metadata"]["location"], keynote.room.as_str(), "{backend}");
        assert!(made["description"].as_str().unwrap().contains(&keynote.speakers[0]), "{made}");
        assert_eq!(
            made["scheduled_start_time"].as_str().unwrap().parse::<Timestamp>().unwrap(),
            keynote.start,
            "{backend}"
        );
        // Nothing changed: nothing sent.
        assert_eq!(both(&racing[0], &racing[1], &schedule, before).await, Synced::default(), "{backend}");
        assert_eq!(server.count("PATCH"), 0);

        // The keynote moves an hour later and changes room; a Platform talk is cancelled.
        let at = schedule.sessions.iter().position(|s| s.id == keynote.id).unwrap();
        schedule.sessions[at].start += SignedDuration::from_hours(1);
        schedule.sessions[at].end += SignedDuration::from_hours(1);
        schedule.sessions[at].room = String::from("Room 2");
        let gone = schedule.sessions.iter().position(|s| s.track.as_deref() == Some("Platform")).unwrap();
        let cancelled = schedule.sessions.remove(gone);
        let synced = both(&racing[0], &racing[1], &schedule, before).await;
        assert_eq!(
            synced,
            Synced { updated: 1, cancelled: 1, ..Synced::default() },
            "{backend}: once, however many race"
        );
        let moved = server.events().into_iter().find(|e| e["name"] == keynote.title.as_str()).unwrap();
        assert_eq!(
            moved["scheduled_start_time"].as_str().unwrap().parse::<Timestamp>().unwrap(),
            keynote.start + SignedDuration::from_hours(1)
        );
        assert_eq!(moved["entity_metadata"]["location"], "Room 2", "{backend}");
        let was = server.events().into_iter().find(|e| e["name"] == cancelled.title.as_str()).unwrap();
        assert_eq!(was["status"], 4, "{backend}: cancelled, for who was interested to see");

        // The cancelled talk comes back: a new event (Discord brings none back); the old one stays cancelled.
        schedule.sessions.insert(gone, cancelled.clone());
        let synced = both(&racing[0], &racing[1], &schedule, before).await;
        assert_eq!(synced, Synced { created: 1, ..Synced::default() }, "{backend}");
        let named: Vec<i64> = server
            .events()
            .iter()
            .filter(|e| e["name"] == cancelled.title.as_str())
            .map(|e| e["status"].as_i64().unwrap())
            .collect();
        assert_eq!(named, [4, 1], "{backend}");

        // The organiser no longer counts the Platform track: its events go, the keynote's stays.
        let only_keynotes = announcer(&store, api, &["keynote"], "replica-0");
        let synced = only_keynotes.sync_keynotes(&schedule, before).await.unwrap();
        assert_eq!(synced, Synced { removed: 2, ..Synced::default() }, "{backend}");
        assert_eq!(server.scheduled(), std::slice::from_ref(&keynote.title), "{backend}");
        // Someone removes the keynote's event in Discord: the next pass makes it again.
        let id: u64 = server.events().iter().find(|e| e["name"] == keynote.title.as_str()).unwrap()["id"]
            .as_str()
            .unwrap()
            .parse()
            .unwrap();
        server.events.lock().unwrap().remove(&id);
        assert_eq!(
            only_keynotes.sync_keynotes(&schedule, before).await.unwrap(),
            Synced { created: 1, ..Synced::default() },
            "{backend}"
        );
        assert_eq!(server.scheduled(), std::slice::from_ref(&keynote.title), "{backend}");
        // Once it is under way it is left alone, even when it then leaves the programme.
        let during = keynote.start + SignedDuration::from_hours(1) + SignedDuration::from_mins(5);
        assert_eq!(only_keynotes.sync_keynotes(&schedule, during).await.unwrap(), Synced::default());
        let mut without = schedule.clone();
        without.sessions.retain(|s| s.id != keynote.id);
        assert_eq!(only_keynotes.sync_keynotes(&without, during).await.unwrap(), Synced::default(), "{backend}");
        store.close().await;
        db.remove().await;
    }
}

/// 130 keynotes, one an hour: the first 100 get events, and as each one
/// ends the next keynote takes its place.
#[tokio::test]
async fn no_more_than_a_hundred_events_at_once() {
    let (api, server) = fake_discord().await;
    let db = support::sqlite();
    let store = Store::open(&db.url).unwrap();
    store.migrate().await.unwrap();
    let mut schedule = support::seed_engine().schedule().clone();
    let keynote = schedule.sessions.iter().find(|s| s.kind.as_deref() == Some("keynote")).unwrap().clone();
    schedule.sessions = (0..130)
        .map(|i| {
            let mut session = keynote.clone();
            session.id = format!("keynote-{i:03}");
            session.title = format!("Keynote {i:03}: {}", "a long title ".repeat(10));
            session.start = keynote.start + SignedDuration::from_hours(i);
            session.end = session.start + SignedDuration::from_mins(45);
            session
        })
        .collect();
    let announcer = announcer(&store, api, &["keynote"], "replica");
    let before = keynote.start - SignedDuration::from_hours(1);
    let synced = announcer.sync_keynotes(&schedule, before).await.unwrap();
    assert_eq!(synced.created, 100);
    let names = server.scheduled();
    assert!(names[0].starts_with("Keynote 000") && names[99].starts_with("Keynote 099"), "{names:?}");
    assert!(names.iter().all(|n| n.chars().count() == 100 && n.ends_with('…')), "{}", names[0]);

    // Ten hours on, ten have started: Discord has ended nine, and one is
    // under way and still counts. Nine more get events.
    for (n, event) in server.events.lock().unwrap().values_mut().take(10).enumerate() {
        event["status"] = json!(if n < 9 { 3 } else { 2 });
    }
    let later = before + SignedDuration::from_hours(10) + SignedDuration::from_mins(30);
    let synced = announcer.sync_keynotes(&schedule, later).await.unwrap();
    assert_eq!(synced, Synced { created: 9, ..Synced::default() });
    let names = server.scheduled();
    assert_eq!(names.len(), 99);
    assert!(names[0].starts_with("Keynote 010") && names[98].starts_with("Keynote 108"), "{names:?}");
    assert_eq!(server.count("POST"), 109, "no request refused for the limit");
    store.close().await;
    db.remove().await;
}
