//! The programme in the database, on both backends: an import is one
//! transaction that records what changed, the same file twice changes
//! nothing, organisers' commands change it and others may not, and an
//! announcement claimed from two places at once is claimed once.

use crate::support;

use std::sync::Arc;

use emcee::clock::Clock;
use emcee::dispatch::{Dispatcher, Origin, Platform, Usage};
use emcee::store::Store;
use emcee::usage::spill::{SPILL_FILE, Spill};
use emcee::usage::{UserKeyer, writer};
use emcee_core::schedule::Session;
use emcee_core::schedule::changes::{Change, Part};
use emcee_core::{Engine, KnowledgeBase, Schedule};
use jiff::Timestamp;

const CAMP: &[u8] = include_bytes!("../../../core/tests/data/schedules/frab-camp2019.json");

fn camp() -> Schedule {
    emcee_core::schedule::parse_frab_json(CAMP, &Default::default()).unwrap()
}

fn now() -> Timestamp {
    "2019-08-20T12:00:00Z".parse().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn importing_records_changes_once() {
    for db in support::backends().await {
        let store = Store::open(&db.url).unwrap();
        store.migrate().await.unwrap();
        assert!(store.load_schedule().await.unwrap().is_none(), "{}", db.backend);

        let first = store.replace_schedule(&camp(), "camp.json", now()).await.unwrap();
        assert_eq!((first.version, first.changes.len()), (1, 79), "{}", db.backend);
        let again = store.replace_schedule(&camp(), "camp.json", now()).await.unwrap();
        assert_eq!((again.version, again.changes.len()), (1, 0), "{}: the same file twice changes nothing", db.backend);

        let (stored, version) = store.load_schedule().await.unwrap().unwrap();
        assert_eq!((version, stored.sessions.len()), (1, 79), "{}", db.backend);
        assert_eq!(stored, camp(), "{}: the programme comes back exactly", db.backend);

        let mut next = camp();
        let cancelled = next.sessions.remove(0);
        next.sessions[0].room = "Meitner".into();
        next.sessions[0].start += jiff::SignedDuration::from_hours(1);
        next.sessions[0].end += jiff::SignedDuration::from_hours(1);
        let moved = next.sessions[0].id.clone();
        let applied = store.replace_schedule(&next, "camp-v2.json", now()).await.unwrap();
        assert_eq!(applied.version, 2, "{}", db.backend);
        let kinds: Vec<(&str, &str)> = applied.changes.iter().map(|c| (c.kind(), c.session().id.as_str())).collect();
        assert_eq!(kinds, [("changed", moved.as_str()), ("removed", cancelled.id.as_str())], "{}", db.backend);
        let recorded = store.recorded_changes(1).await.unwrap();
        let kinds: Vec<(i64, &str, bool)> =
            recorded.iter().map(|r| (r.version, r.change.kind(), r.change.moved())).collect();
        assert_eq!(kinds, [(2, "removed", false), (2, "changed", true)], "{}: in order of start", db.backend);
        // Read back typed, with the session as it was and as it is.
        let Change::Changed { before, after, parts } = &recorded[1].change else { panic!("{:?}", recorded[1]) };
        assert_eq!(parts, &[Part::Time, Part::Room], "{}", db.backend);
        let was = camp().sessions.into_iter().find(|s| s.id == moved).unwrap();
        let is = next.sessions.iter().find(|s| s.id == moved).unwrap();
        let kept = |s: &Session| (s.id.clone(), s.title.clone(), s.room.clone(), s.start, s.end, s.speakers.clone());
        assert_eq!((kept(before), kept(after)), (kept(&was), kept(is)), "{}", db.backend);
        let Change::Removed(gone) = &recorded[0].change else { panic!("{:?}", recorded[0]) };
        assert_eq!(kept(gone), kept(&cancelled), "{}: as it last was", db.backend);
        assert_eq!(store.preview_schedule(&next).await.unwrap(), Vec::<Change>::new(), "{}", db.backend);
        store.close().await;
        db.remove().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_announcers_racing_claim_each_announcement_once() {
    for db in support::backends().await {
        let store = Store::open(&db.url).unwrap();
        store.migrate().await.unwrap();
        let mut tasks = Vec::new();
        for replica in 0..4 {
            let store = store.clone();
            tasks.push(tokio::spawn(async move {
                let mut won = 0;
                for session in 0..50 {
                    if store
                        .claim_announcement(
                            &format!("s{session}"),
                            "reminder",
                            1_700_000_000,
                            &format!("r{replica}"),
                            now(),
                        )
                        .await
                        .unwrap()
                    {
                        won += 1;
                    }
                }
                won
            }));
        }
        let mut total = 0;
        for task in tasks {
            total += task.await.unwrap();
        }
        assert_eq!(total, 50, "{}: every reminder claimed exactly once", db.backend);
        assert!(
            store.claim_announcement("s0", "reminder", 1_700_000_600, "r0", now()).await.unwrap(),
            "{}: a moved session is reminded again",
            db.backend
        );
        store.close().await;
        db.remove().await;
    }
}

fn origin(organiser: bool) -> Origin {
    Origin { platform: Platform::Slack, workspace: "T1".into(), channel: "C1".into(), user: "U1".into(), organiser }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn organisers_add_and_cancel_sessions_and_others_may_not() {
    for db in support::backends().await {
        let store = Store::open(&db.url).unwrap();
        store.migrate().await.unwrap();
        store.replace_schedule(&camp(), "camp.json", now()).await.unwrap();
        let state = tempfile::tempdir().unwrap();
        let (log, task) =
            writer::start(store.clone(), Spill::new(state.path().join(SPILL_FILE)), writer::Options::default());
        let usage = Usage { log, keyer: UserKeyer::new(b"k"), store: store.clone(), store_queries: true };
        let engine = Arc::new(Engine::new(KnowledgeBase::default(), store.load_schedule().await.unwrap().unwrap().0));
        let dispatcher = Dispatcher::new(engine, Clock::Pinned("2019-08-21T09:10:00Z".parse().unwrap()), Some(usage));

        let add = r#"/schedule add title="Lightning talks" start=2019-08-21T11:00 duration=00:45 room="Curie" speakers="Ana; Bo""#;
        let denied = dispatcher.answer(&origin(false), add).await;
        assert_eq!(denied.status.as_str(), "denied", "{}", db.backend);
        let added = dispatcher.answer(&origin(true), add).await;
        assert_eq!(
            (added.status.as_str(), added.title.as_deref()),
            ("ok", Some("Schedule version 2")),
            "{}: {added:?}",
            db.backend
        );
        let now = emcee_core::render::plain_text(
            &dispatcher.answer(&origin(false), "/talks now").await,
            emcee_core::render::Marks::NONE,
        );
        assert!(now.contains("Lightning talks — Ana, Bo"), "{}: {now}", db.backend);

        // Another process moves a session meanwhile; cancelling another must not undo that.
        let (mut elsewhere, _) = store.load_schedule().await.unwrap().unwrap();
        let moved = elsewhere.sessions.iter().position(|s| s.title == "card10 Badge").unwrap();
        elsewhere.sessions[moved].room = "Tent".into();
        store.replace_schedule(&elsewhere, "another process", self::now()).await.unwrap();
        let cancelled = dispatcher.answer(&origin(true), "/schedule cancel Opening Ceremony").await;
        assert_eq!(cancelled.status.as_str(), "ok", "{}", db.backend);
        let (stored, version) = store.load_schedule().await.unwrap().unwrap();
        assert_eq!(version, 4, "{}", db.backend);
        assert_eq!(stored.sessions.iter().find(|s| s.title == "card10 Badge").unwrap().room, "Tent", "{}", db.backend);
        assert!(!stored.sessions.iter().any(|s| s.title == "Opening Ceremony"), "{}", db.backend);
        assert!(stored.sessions.iter().any(|s| s.title == "Lightning talks"), "{}", db.backend);
        let bad = dispatcher.answer(&origin(true), "/schedule add title=X start=soon duration=00:30 room=A").await;
        assert_eq!(bad.status.as_str(), "invalid", "{}", db.backend);
        // What the database cannot store is refused as bad input, not as a database failure.
        let nul = dispatcher
            .answer(&origin(true), "/schedule add title=X\0Y start=2019-08-21T12:00 duration=00:30 room=A")
            .await;
        assert_eq!(
            (nul.status.as_str(), nul.body.contains("title: holds a NUL")),
            ("invalid", true),
            "{}: {nul:?}",
            db.backend
        );
        let backwards = dispatcher
            .answer(&origin(true), "/schedule add title=X start=2019-08-21T12:00 duration=-00:30 room=A")
            .await;
        assert_eq!(backwards.status.as_str(), "invalid", "{}: {backwards:?}", db.backend);
        assert_eq!(
            store.load_schedule().await.unwrap().unwrap().1,
            4,
            "{}: a refused command changes nothing",
            db.backend
        );
        let post = dispatcher.answer(&origin(false), "/schedule post").await;
        assert_eq!(post.status.as_str(), "denied", "{}: /schedule post is for organisers", db.backend);
        drop(dispatcher);
        task.wait().await;
        let statuses: Vec<String> =
            store.events().await.unwrap().iter().map(|e| format!("{} {}", e.command, e.status)).collect();
        assert!(statuses.contains(&"schedule denied".to_string()), "{}: a refusal is logged: {statuses:?}", db.backend);
        store.close().await;
        db.remove().await;
    }
}

/// Records what it is given.
#[derive(Clone, Default)]
struct Recorder(Arc<std::sync::Mutex<Vec<String>>>);

impl emcee::announcer::Sink for Recorder {
    fn send<'a>(
        &'a self,
        a: &'a emcee::announcer::Announcement,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = anyhow::Result<()>> + Send + 'a>> {
        Box::pin(async move {
            self.0.lock().unwrap().push(format!("{} {}", a.kind.as_str(), a.text));
            Ok(())
        })
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reminders_and_notices_go_out_once_across_replicas() {
    use emcee::announcer::Announcer;
    for db in support::backends().await {
        let store = Store::open(&db.url).unwrap();
        store.migrate().await.unwrap();
        store.replace_schedule(&camp(), "camp.json", now()).await.unwrap();
        let heard = Recorder::default();
        let lead = std::time::Duration::from_secs(600);
        let replicas: Vec<Announcer> = (0..2)
            .map(|r| Announcer::new(store.clone(), vec![Box::new(heard.clone())], lead, format!("replica-{r}")))
            .collect();
        // Five minutes before the Opening Ceremony (11:00 CEST).
        let at: Timestamp = "2019-08-21T08:55:00Z".parse().unwrap();
        let schedule = store.load_schedule().await.unwrap().unwrap().0;
        let (a, b) = tokio::join!(replicas[0].remind(&schedule, at), replicas[1].remind(&schedule, at));
        assert_eq!(a.unwrap().len() + b.unwrap().len(), 1, "{}", db.backend);
        for replica in &replicas {
            assert!(replica.remind(&schedule, at).await.unwrap().is_empty(), "{}: after a restart too", db.backend);
        }

        let mut next = camp();
        let opening = next.sessions.iter().position(|s| s.title == "Opening Ceremony").unwrap();
        next.sessions[opening].room = "Meitner".into();
        next.sessions.retain(|s| s.title != "card10 Badge");
        let mut added = next.sessions[1].clone();
        added.id = "added-1".into();
        added.title = "Surprise talk".into();
        next.sessions.push(added);
        store.replace_schedule(&next, "camp-v2.json", now()).await.unwrap();
        let zone = next.conference.time_zone.clone();
        let (a, b) = tokio::join!(replicas[0].notify(1, &zone, at), replicas[1].notify(1, &zone, at));
        let (a, b) = (a.unwrap(), b.unwrap());
        assert_eq!((a.1, b.1), (2, 2), "{}", db.backend);
        assert_eq!(a.0.len() + b.0.len(), 3, "{}", db.backend);
        assert!(replicas[0].notify(1, &zone, at).await.unwrap().0.is_empty(), "{}", db.backend);
        let mut said = heard.0.lock().unwrap().clone();
        said.sort();
        assert_eq!(
            said,
            [
                "added New session: Surprise talk — Wed 21 Aug 12:00 CEST, Meitner",
                "cancelled Cancelled: card10 Badge (Wed 21 Aug 12:00 CEST, Curie)",
                "moved Moved: Opening Ceremony is now Wed 21 Aug 11:00 CEST, Meitner",
                "reminder In 5 min (11:00 CEST), Curie: Opening Ceremony with jinxx, smtw",
            ],
            "{}",
            db.backend
        );
        store.close().await;
        db.remove().await;
    }
}

/// Serves `body` with an ETag, answering 304 to a request that already has it.
async fn serve_schedule(body: &'static [u8]) -> (String, Arc<std::sync::atomic::AtomicUsize>) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/schedule.json", listener.local_addr().unwrap());
    let full = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counter = full.clone();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let mut request = vec![0u8; 8192];
            let n = socket.read(&mut request).await.unwrap_or(0);
            let request = String::from_utf8_lossy(&request[..n]).to_ascii_lowercase();
            let response = if request.contains("if-none-match: \"v1\"") {
                b"HTTP/1.1 304 Not Modified\r\nETag: \"v1\"\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".to_vec()
            } else {
                counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                let mut r = format!(
                    "HTTP/1.1 200 OK\r\nETag: \"v1\"\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                    body.len()
                )
                .into_bytes();
                r.extend_from_slice(body);
                r
            };
            let _ = socket.write_all(&response).await;
        }
    });
    (url, full)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sync_downloads_only_a_changed_programme() {
    let (url, downloads) = serve_schedule(CAMP).await;
    let (bytes, validators) =
        emcee::programme::poll(&emcee::fetch::Fetcher::operator(), &url, &Default::default()).await.unwrap().unwrap();
    assert_eq!((bytes.len(), validators.etag.as_deref()), (CAMP.len(), Some("\"v1\"")));
    assert!(
        emcee::programme::poll(&emcee::fetch::Fetcher::operator(), &url, &validators).await.unwrap().is_none(),
        "unchanged: 304"
    );
    assert_eq!(downloads.load(std::sync::atomic::Ordering::SeqCst), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn speakers_are_stored_with_the_programme_and_the_sample_is_not_news() {
    let jev = include_bytes!("../../../core/tests/data/schedules/jev22-everything.schedule.json");
    let jev = emcee_core::schedule::import(jev, &Default::default()).unwrap().schedule;
    for db in support::backends().await {
        let store = Store::open(&db.url).unwrap();
        store.migrate().await.unwrap();
        let seeded = store.seed_schedule(&emcee_core::seed::schedule(), "data/schedule.json", now()).await.unwrap();
        assert!(seeded.new_programme, "{}", db.backend);
        // The first real import replaces the sample: recorded, not announced.
        let applied = store.replace_schedule(&jev, "jev22.json", now()).await.unwrap();
        assert!(applied.new_programme && applied.changes.len() > 400, "{}", db.backend);
        assert!(
            store.recorded_changes(0).await.unwrap().is_empty(),
            "{}: neither the sample nor the new one is news",
            db.backend
        );
        let (stored, version) = store.load_schedule().await.unwrap().unwrap();
        assert_eq!(stored.speakers, jev.speakers, "{}: every profile comes back exactly", db.backend);
        let jiska = stored.speakers.iter().find(|p| p.name == "jiska").unwrap();
        assert!(jiska.biography.starts_with("Jiska Classen is a wireless"), "{}", db.backend);
        // A biography changed in the export is a new version, so every replica reloads it.
        let mut edited = jev.clone();
        edited.speakers.iter_mut().find(|p| p.name == "jiska").unwrap().biography = "Rewritten.".into();
        let applied = store.replace_schedule(&edited, "jev22.json", now()).await.unwrap();
        assert_eq!(
            (applied.version, applied.changes.len(), applied.new_programme),
            (version + 1, 0, false),
            "{}",
            db.backend
        );
        // A change to that programme is news again.
        let mut moved = edited.clone();
        moved.sessions[0].room = "Elsewhere".into();
        store.replace_schedule(&moved, "jev22.json", now()).await.unwrap();
        assert_eq!(store.recorded_changes(0).await.unwrap().len(), 1, "{}", db.backend);
        store.close().await;
        db.remove().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_room_with_no_session_is_kept_with_the_programme() {
    for db in support::backends().await {
        let store = Store::open(&db.url).unwrap();
        store.migrate().await.unwrap();
        let with_empty_hall = camp().with_rooms(vec![String::from("Empty Hall")]);
        store.replace_schedule(&camp(), "camp.json", now()).await.unwrap();
        let applied = store.replace_schedule(&with_empty_hall, "camp.json", now()).await.unwrap();
        assert_eq!(
            (applied.version, applied.changes.len()),
            (2, 0),
            "{}: a new room alone is a new version",
            db.backend
        );
        let (stored, _) = store.load_schedule().await.unwrap().unwrap();
        assert_eq!(stored.rooms.first().map(String::as_str), Some("Empty Hall"), "{}", db.backend);
        assert_eq!(stored, with_empty_hall, "{}", db.backend);
        store.close().await;
        db.remove().await;
    }
}
