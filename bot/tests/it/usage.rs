//! The usage log on both backends: a row per command through the dispatch
//! path, no raw user id anywhere, idempotent replay, the spill file when the
//! database is down, exact statistics, pruning and forgetting.

use crate::support;

use std::time::Duration;

use emcee::clock::Clock;
use emcee::dispatch::{Dispatcher, Origin, Platform, Usage};
use emcee::store::Store;
use emcee::usage::spill::{SPILL_FILE, Spill};
use emcee::usage::{UsageEvent, UserKeyer, writer};
use jiff::Timestamp;

fn fast() -> writer::Options {
    writer::Options {
        write_timeout: Duration::from_millis(1_500),
        retry_backoff: [Duration::from_millis(20), Duration::from_millis(50)],
        probe_every: Duration::from_millis(50),
        probe_max: Duration::from_millis(200),
        shutdown_timeout: Duration::from_secs(5),
        ..writer::Options::default()
    }
}

const USER: &str = "discord-user-8675309";

fn origin() -> Origin {
    Origin {
        platform: Platform::Terminal,
        workspace: "guild-42".into(),
        channel: "channel-7".into(),
        user: USER.into(),
        organiser: true,
    }
}

fn event(id: &str, at: i64, user_key: &str, command: &str, query: &str, status: &str, latency_us: i64) -> UsageEvent {
    UsageEvent {
        event_id: id.into(),
        occurred_at: at,
        platform: "terminal".into(),
        workspace: String::new(),
        channel: "terminal".into(),
        user_key: user_key.into(),
        command: command.into(),
        query: Some(query.into()),
        status: status.into(),
        result_count: 1,
        latency_us,
        source_kind: None,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_command_becomes_one_row_without_the_raw_user_id() {
    for db in support::backends().await {
        let store = Store::open(&db.url).unwrap();
        let state = tempfile::tempdir().unwrap();
        let keyer = UserKeyer::load(Some("test-secret"), state.path()).unwrap();
        let (log, task) = writer::start(store.clone(), Spill::new(state.path().join(SPILL_FILE)), fast());
        let usage = Usage { log, keyer: keyer.clone(), store: store.clone(), store_queries: true };
        let dispatcher = Dispatcher::new(
            support::seed_engine(),
            Clock::Pinned("2022-11-01T08:30:00Z".parse().unwrap()),
            Some(usage),
        );
        let lines = [
            "/bio kelsey",
            "/quote wasm",
            "/talks now",
            "When was Kelsey born?",
            "What is the Wi-Fi password?",
            "/nope",
        ];
        for line in lines {
            dispatcher.answer(&origin(), line).await;
        }
        drop(dispatcher);
        task.wait().await;

        let rows = store.events().await.unwrap();
        let got: Vec<(&str, &str, &str)> =
            rows.iter().map(|r| (r.command.as_str(), r.status.as_str(), r.query.as_deref().unwrap_or(""))).collect();
        assert_eq!(
            got,
            [
                ("bio", "ok", "/bio kelsey"),
                ("quote", "ok", "/quote wasm"),
                ("talks", "ok", "/talks now"),
                ("ask", "ok", "When was Kelsey born?"),
                ("ask", "not_found", "What is the Wi-Fi password?"),
                ("help", "invalid", "/nope"),
            ],
            "{}",
            db.backend
        );
        for row in &rows {
            assert_eq!(row.user_key, keyer.key("terminal", USER));
            assert_eq!((row.workspace.as_str(), row.channel.as_str()), ("guild-42", "channel-7"));
            // Stamped with the real clock, not the one pinned for the engine.
            assert!((jiff::Timestamp::now().as_second() - row.occurred_at).abs() < 600, "{}", row.occurred_at);
            assert!(row.latency_us >= 0);
            let all = serde_json::to_string(row).unwrap();
            assert!(!all.contains(USER) && !all.contains("8675309"), "{} stored the raw user id: {all}", db.backend);
        }
        assert_eq!(rows[0].source_kind.as_deref(), Some("bio"));
        assert_eq!(rows[1].source_kind.as_deref(), Some("transcript"));
        assert_eq!(rows[2].source_kind.as_deref(), Some("schedule"));
        store.close().await;
        db.remove().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn query_text_is_kept_only_when_allowed() {
    for db in support::backends().await {
        let store = Store::open(&db.url).unwrap();
        let state = tempfile::tempdir().unwrap();
        let (log, task) = writer::start(store.clone(), Spill::new(state.path().join(SPILL_FILE)), fast());
        let keyer = UserKeyer::new(b"k");
        let usage = Usage { log, keyer, store: store.clone(), store_queries: false };
        let dispatcher = Dispatcher::new(support::seed_engine(), Clock::System, Some(usage));
        dispatcher.answer(&origin(), "/bio kelsey").await;
        drop(dispatcher);
        task.wait().await;
        let rows = store.events().await.unwrap();
        assert_eq!((rows.len(), rows[0].query.as_deref()), (1, None), "{}", db.backend);
        store.close().await;
        db.remove().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn storing_the_same_events_again_adds_nothing() {
    for db in support::backends().await {
        let store = Store::open(&db.url).unwrap();
        store.migrate().await.unwrap();
        let batch: Vec<UsageEvent> =
            (0..1_500).map(|i| event(&format!("e{i:05}"), 1_000 + i, "u", "bio", "/bio kelsey", "ok", 5)).collect();
        assert_eq!(store.insert_events(&batch).await.unwrap(), 1_500, "{}", db.backend);
        assert_eq!(store.insert_events(&batch[500..]).await.unwrap(), 0, "{}", db.backend);
        assert_eq!(store.events().await.unwrap().len(), 1_500, "{}", db.backend);
        store.close().await;
        db.remove().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn statistics_are_exact() {
    let day = 1_700_006_400; // 2023-11-15T00:00:00Z
    for db in support::backends().await {
        let store = Store::open(&db.url).unwrap();
        store.migrate().await.unwrap();
        let mut events = vec![
            event("a", day + 10, "u1", "ask", "When is the keynote?", "ok", 100),
            event("b", day + 20, "u2", "ask", "when is the keynote?", "ok", 200),
            event("c", day + 30, "u1", "ask", "What is the Wi-Fi password?", "not_found", 300),
            event("d", day + 86_400 + 5, "u3", "bio", "/bio kelsey", "ok", 400),
            event("e", day + 86_400 + 6, "u3", "help", "/help", "ok", 500),
            event("old", day - 30 * 86_400, "u9", "ask", "long ago", "ok", 900),
        ];
        events[4].platform = "slack".into();
        store.insert_events(&events).await.unwrap();
        let since = Timestamp::from_second(day).unwrap();
        let until = Timestamp::from_second(day + 2 * 86_400).unwrap();
        let s = store.summary(since, until).await.unwrap();
        let counts =
            |c: &[emcee_core::stats::Count]| c.iter().map(|c| format!("{}={}", c.name, c.events)).collect::<Vec<_>>();
        assert_eq!((s.total, s.users), (5, 3), "{}", db.backend);
        assert_eq!(counts(&s.by_command), ["ask=3", "bio=1", "help=1"], "{}", db.backend);
        assert_eq!(counts(&s.by_platform), ["terminal=4", "slack=1"], "{}", db.backend);
        assert_eq!(counts(&s.top_queries)[0], "when is the keynote?=2", "{}", db.backend);
        assert_eq!(counts(&s.unanswered), ["what is the wi-fi password?=1"], "{}", db.backend);
        let days: Vec<String> = s.by_day.iter().map(|d| format!("{} {} {}", d.day, d.events, d.users)).collect();
        assert_eq!(days, ["2023-11-15 3 2", "2023-11-16 2 1"], "{}", db.backend);
        let ask = s.latency.iter().find(|l| l.command == "ask").unwrap();
        assert_eq!((ask.events, ask.p50_us, ask.p95_us, ask.p99_us), (3, 200, 300, 300), "{}", db.backend);

        assert_eq!(store.prune(since).await.unwrap(), 1, "{}", db.backend);
        assert_eq!(store.forget("u3").await.unwrap(), 2, "{}", db.backend);
        assert_eq!(store.events().await.unwrap().len(), 3, "{}", db.backend);
        store.close().await;
        db.remove().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_views_answer_in_plain_sql() {
    for db in support::backends().await {
        let store = Store::open(&db.url).unwrap();
        store.migrate().await.unwrap();
        store.insert_events(&[event("a", 1_700_006_410, "u1", "ask", "q", "not_found", 7)]).await.unwrap();
        let check = |sql: &'static str| {
            let url = db.url.clone();
            async move {
                match Store::open(&url).unwrap() {
                    Store::Postgres(pool) => sqlx::query_scalar::<_, i64>(sql).fetch_one(&pool).await.unwrap(),
                    Store::Sqlite(pool) => sqlx::query_scalar::<_, i64>(sql).fetch_one(&pool).await.unwrap(),
                }
            }
        };
        assert_eq!(check("SELECT CAST(SUM(events) AS BIGINT) FROM usage_daily").await, 1, "{}", db.backend);
        assert_eq!(check("SELECT CAST(SUM(users) AS BIGINT) FROM usage_daily_users").await, 1, "{}", db.backend);
        assert_eq!(check("SELECT CAST(SUM(events) AS BIGINT) FROM usage_top_queries").await, 1, "{}", db.backend);
        assert_eq!(check("SELECT CAST(SUM(events) AS BIGINT) FROM usage_unanswered").await, 1, "{}", db.backend);
        assert_eq!(check("SELECT CAST(MAX(p99_us) AS BIGINT) FROM usage_latency").await, 7, "{}", db.backend);
        store.close().await;
        db.remove().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_database_that_is_down_loses_nothing() {
    let Some(admin) = support::postgres_admin_url() else { return };
    let db = support::postgres(&admin).await;
    let state = tempfile::tempdir().unwrap();
    let spill_path = state.path().join(SPILL_FILE);
    // Nothing listens on port 9: every write fails at once.
    let down = Store::open("postgres://postgres@127.0.0.1:9/nowhere").unwrap();
    let (log, task) = writer::start(down, Spill::new(spill_path.clone()), fast());
    for i in 0..250 {
        log.record(event(&format!("down-{i:03}"), 1_700_000_000 + i, "u", "bio", "/bio kelsey", "ok", 1));
    }
    let counters = log.counters().clone();
    drop(log);
    task.wait().await;
    let (written, _, spilled, _, dropped) = counters.snapshot();
    assert_eq!((written, spilled, dropped), (0, 250, 0));

    // The next start, with the database up, replays the spill file once.
    let store = Store::open(&db.url).unwrap();
    let (log, task) = writer::start(store.clone(), Spill::new(spill_path.clone()), fast());
    log.record(event("after", 1_700_000_999, "u", "bio", "/bio kelsey", "ok", 1));
    let counters = log.counters().clone();
    drop(log);
    task.wait().await;
    let (_, _, _, replayed, dropped) = counters.snapshot();
    assert_eq!((replayed, dropped), (250, 0));
    assert_eq!(store.events().await.unwrap().len(), 251);
    assert!(!Spill::new(spill_path).has_pending());
    store.close().await;
    db.remove().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_large_backlog_is_replayed_in_chunks_without_holding_up_shutdown() {
    for db in support::backends().await {
        let store = Store::open(&db.url).unwrap();
        store.migrate().await.unwrap();
        let state = tempfile::tempdir().unwrap();
        let spill_path = state.path().join(SPILL_FILE);
        let backlog: Vec<UsageEvent> = (0..30_000)
            .map(|i| event(&format!("old-{i:05}"), 1_700_000_000 + i, "u", "bio", "/bio kelsey", "ok", 1))
            .collect();
        Spill::new(spill_path.clone()).append(&backlog).unwrap();

        // A short shutdown allowance: the writer must stop on time, backlog or not.
        let hurried = writer::Options { shutdown_timeout: Duration::from_millis(200), ..fast() };
        let (log, task) = writer::start(store.clone(), Spill::new(spill_path.clone()), hurried);
        log.record(event("new", 1_800_000_000, "u", "ask", "now", "ok", 1));
        drop(log);
        let stopping = std::time::Instant::now();
        task.wait().await;
        assert!(stopping.elapsed() < Duration::from_secs(3), "{}: shutdown took {:?}", db.backend, stopping.elapsed());
        let stored = store.events().await.unwrap();
        assert!(stored.iter().any(|e| e.event_id == "new"), "{}: the new event waited behind the backlog", db.backend);

        // The next start stores the rest, once each.
        let (log, task) = writer::start(store.clone(), Spill::new(spill_path.clone()), fast());
        drop(log);
        task.wait().await;
        assert_eq!(store.events().await.unwrap().len(), 30_001, "{}", db.backend);
        assert!(!Spill::new(spill_path).has_pending(), "{}", db.backend);
        store.close().await;
        db.remove().await;
    }
}

/// Issue 18, item 1: `printf '/bio term\0nul\n/bio termok1\n' | emcee ask`
/// on PostgreSQL lost every later event. Events are made storable where
/// they are made: the NUL becomes U+FFFD, on both backends.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_nul_in_what_was_asked_is_stored_without_it() {
    for db in support::backends().await {
        let store = Store::open(&db.url).unwrap();
        let state = tempfile::tempdir().unwrap();
        let (log, task) = writer::start(store.clone(), Spill::new(state.path().join(SPILL_FILE)), fast());
        let usage = Usage { log, keyer: UserKeyer::new(b"k"), store: store.clone(), store_queries: true };
        let dispatcher = Dispatcher::new(support::seed_engine(), Clock::System, Some(usage));
        for line in ["/bio term\0nul", "/bio termok1", "/talks now\0"] {
            dispatcher.answer(&origin(), line).await;
        }
        drop(dispatcher);
        task.wait().await;
        let queries: Vec<Option<String>> = store.events().await.unwrap().into_iter().map(|e| e.query).collect();
        assert_eq!(queries.len(), 3, "{}: {queries:?}", db.backend);
        assert!(queries.contains(&Some("/bio term\u{fffd}nul".into())), "{}: {queries:?}", db.backend);
        assert!(!Spill::new(state.path().join(SPILL_FILE)).has_pending(), "{}", db.backend);
        store.close().await;
        db.remove().await;
    }
}

fn poisoned(id: &str) -> UsageEvent {
    event(id, 1_700_000_000, "u", "bio", "term\0nul", "ok", 1)
}

/// Issue 18, item 1: a batch PostgreSQL refuses for what it holds is split
/// to find the refused events, which go to the dead-letter file with the
/// reason and are counted; everything else is stored, nothing is spilled,
/// and `/readyz` and `/metrics` say so rather than calling it an outage.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_event_is_set_aside_and_the_rest_stored() {
    use emcee::server::{Endpoints, Platforms};
    use tower::ServiceExt;

    let Some(admin) = support::postgres_admin_url() else { return };
    let db = support::postgres(&admin).await;
    let store = Store::open(&db.url).unwrap();
    let state = tempfile::tempdir().unwrap();
    let (log, task) = writer::start(store.clone(), Spill::new(state.path().join(SPILL_FILE)), fast());
    // Straight onto the queue, as an event made before the fix would come.
    for i in 0..300 {
        match i {
            17 | 18 | 250 => log.record(poisoned(&format!("bad-{i:03}"))),
            _ => log.record(event(&format!("ok-{i:03}"), 1_700_000_000 + i, "u", "bio", "/bio kelsey", "ok", 1)),
        }
    }
    let usage = Usage { log: log.clone(), keyer: UserKeyer::new(b"k"), store: store.clone(), store_queries: true };
    let dispatcher = std::sync::Arc::new(Dispatcher::new(support::seed_engine(), Clock::System, Some(usage)));
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while log.counters().rejected.load(std::sync::atomic::Ordering::Relaxed) < 3 {
        assert!(std::time::Instant::now() < deadline, "the refused events were never set aside");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let app = emcee::server::app(&Platforms::default(), dispatcher.clone(), &Endpoints::default()).unwrap();
    let get = |path: &'static str| {
        let router = app.router.clone();
        async move {
            let request = axum::http::Request::get(path).body(axum::body::Body::empty()).unwrap();
            let response = router.oneshot(request).await.unwrap();
            let status = response.status();
            let body = axum::body::to_bytes(response.into_body(), 1 << 20).await.unwrap();
            (status, String::from_utf8(body.to_vec()).unwrap())
        }
    };
    let (status, ready) = get("/readyz").await;
    assert_eq!(status, 200, "{ready}");
    assert!(ready.starts_with("ready\n") && ready.contains("refused 3 events"), "{ready}");
    assert!(ready.contains("invalid byte sequence") && ready.contains("usage-rejected.jsonl"), "{ready}");
    let (_, metrics) = get("/metrics").await;
    assert!(metrics.contains("emcee_usage_events_rejected_total 3"), "{metrics}");
    drop((app, dispatcher, log));
    task.wait().await;

    let stored = store.events().await.unwrap();
    assert_eq!(stored.len(), 297);
    assert!(stored.iter().all(|e| e.event_id.starts_with("ok-")));
    let rejected = std::fs::read_to_string(state.path().join("usage-rejected.jsonl")).unwrap();
    let lines: Vec<serde_json::Value> = rejected.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let ids: Vec<&str> = lines.iter().map(|l| l["event"]["event_id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["bad-017", "bad-018", "bad-250"]);
    assert!(lines.iter().all(|l| l["reason"].as_str().unwrap().contains("22021")), "{rejected}");
    assert!(!Spill::new(state.path().join(SPILL_FILE)).has_pending(), "nothing waits as if the database were down");
    store.close().await;
    db.remove().await;
}

/// Issue 18, item 1: a spill file that starts with a refused event (as the
/// bug left them) is replayed to its end, once, and then removed: a
/// poisoned chunk never stops the replay, and a restart is not needed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_poisoned_spill_file_is_replayed_to_its_end() {
    let Some(admin) = support::postgres_admin_url() else { return };
    let db = support::postgres(&admin).await;
    let store = Store::open(&db.url).unwrap();
    let state = tempfile::tempdir().unwrap();
    let spill_path = state.path().join(SPILL_FILE);
    let mut backlog = vec![poisoned("bad-first")];
    backlog.extend((0..2_500).map(|i| event(&format!("old-{i:05}"), 1_700_000_000 + i, "u", "bio", "/bio", "ok", 1)));
    backlog.insert(1_700, poisoned("bad-middle"));
    Spill::new(spill_path.clone()).append(&backlog).unwrap();
    let (log, task) = writer::start(store.clone(), Spill::new(spill_path.clone()), fast());
    log.record(event("new", 1_800_000_000, "u", "ask", "now", "ok", 1));
    let counters = log.counters().clone();
    drop(log);
    task.wait().await;
    assert_eq!(store.events().await.unwrap().len(), 2_501);
    let (_, _, _, replayed, dropped) = counters.snapshot();
    assert_eq!((replayed, dropped, counters.rejected.load(std::sync::atomic::Ordering::Relaxed)), (2_500, 0, 2));
    assert!(!Spill::new(spill_path).has_pending());
    store.close().await;
    db.remove().await;
}
