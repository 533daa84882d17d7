//! The usage writer against an SQLite file and a real PostgreSQL: how long
//! the reply path takes to hand an event over (p50 / p99 of
//! `UsageLog::record`), how many events per second the writer sustains into
//! the database, and how much of this process's CPU each event costs (for
//! SQLite that is all of the database's work).
//!
//! With `EMCEE_USAGE_DURABILITY=crash` each reply waits until its event is
//! on the disk: for 1, 16 and 64 replies at a time, how long a reply waits
//! (p50 / p99 of `UsageLog::record_before_reply`), and how many replies a
//! second the group commit lets through.
//!
//! `TEST_DATABASE_URL=postgres://… cargo bench -p emcee --bench usage [-- EVENTS]`
//! (default 300,000 events; a fresh database is made for each backend and dropped).

#![expect(clippy::unwrap_used, clippy::expect_used, reason = "a benchmark stops at its first failure, by panicking")]

#[path = "../tests/it/support/mod.rs"]
mod support;

use std::time::{Duration, Instant};

use emcee::config::Durability;
use emcee::store::Store;
use emcee::usage::spill::{SPILL_FILE, Spill};
use emcee::usage::{QUEUE_CAPACITY, UsageEvent, writer};

fn event(i: u64) -> UsageEvent {
    UsageEvent {
        event_id: uuid::Uuid::now_v7().to_string(),
        occurred_at: 1_700_000_000 + (i / 1_000) as i64,
        platform: ["discord", "slack", "terminal"][i as usize % 3].into(),
        workspace: "guild-1".into(),
        channel: format!("channel-{}", i % 50),
        user_key: format!("{:064x}", i % 5_000),
        command: ["ask", "quote", "bio", "talks"][i as usize % 4].into(),
        query: Some(format!("what does speaker {} think about topic {}?", i % 300, i % 70)),
        status: "ok".into(),
        result_count: 1,
        latency_us: (i % 900) as i64 + 20,
        source_kind: Some("transcript".into()),
    }
}

fn main() {
    let events: u64 = std::env::args().skip(1).find_map(|a| a.parse().ok()).unwrap_or(300_000);
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    runtime.block_on(async {
        let db = support::sqlite();
        measure(&db.url, "SQLite", events).await;
        durable(&db.url, "SQLite").await;
        let admin = std::env::var("TEST_DATABASE_URL")
            .or_else(|_| std::env::var("DATABASE_URL"))
            .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
        let db = support::postgres(&admin).await;
        measure(&db.url, "PostgreSQL", events).await;
        durable(&db.url, "PostgreSQL").await;
        db.remove().await;
    });
}

/// CPU time this process has used, in seconds (Linux; zero elsewhere).
fn cpu_seconds() -> f64 {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else { return 0.0 };
    // Fields after the command name, which is in parentheses: utime and stime are the 12th and 13th.
    let fields: Vec<&str> = stat.rsplit_once(')').map_or("", |(_, rest)| rest).split_whitespace().collect();
    let ticks = |i: usize| fields.get(i).and_then(|f| f.parse::<f64>().ok()).unwrap_or(0.0);
    (ticks(11) + ticks(12)) / 100.0
}

async fn measure(url: &str, backend: &str, events: u64) {
    let store = Store::open(url).unwrap();
    store.migrate().await.unwrap();
    let state = tempfile::tempdir().unwrap();
    let (log, task) =
        writer::start(store.clone(), Spill::new(state.path().join(SPILL_FILE)), writer::Options::default());
    let counters = log.counters().clone();

    let prepared: Vec<UsageEvent> = (0..events).map(event).collect();
    let mut handoff = Vec::with_capacity(events as usize);
    let (started, cpu) = (Instant::now(), cpu_seconds());
    for e in prepared {
        // Keep below the queue's capacity: this measures the writer, not the spill file.
        while log.queue_depth() > QUEUE_CAPACITY * 3 / 4 {
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        let t = Instant::now();
        log.record(e);
        handoff.push(t.elapsed());
    }
    drop(log);
    task.wait().await;
    let (elapsed, cpu) = (started.elapsed(), cpu_seconds() - cpu);
    let (written, retried, spilled, _, dropped) = counters.snapshot();
    handoff.sort();
    let pct = |p: f64| handoff[((handoff.len() - 1) as f64 * p) as usize];
    println!("usage writer into {backend}: {events} events");
    println!(
        "  hand-over on the reply path: p50 {:?}, p99 {:?}, max {:?}",
        pct(0.5),
        pct(0.99),
        handoff[handoff.len() - 1]
    );
    println!(
        "  stored {written} in {elapsed:.2?}: {:.0} events/s sustained, {:.1} µs of this process's CPU per event \
         (retried {retried}, spilled {spilled}, dropped {dropped})",
        written as f64 / elapsed.as_secs_f64(),
        cpu * 1e6 / events as f64,
    );
    assert_eq!(written, events, "every event stored");
    store.close().await;
}

/// Replies at a time, each recording its event before it "replies", for
/// three seconds a level: what crash durability costs a reply.
async fn durable(url: &str, backend: &str) {
    let store = Store::open(url).unwrap();
    store.migrate().await.unwrap();
    println!("crash durability into {backend} (events fsynced in groups before each reply):");
    for concurrency in [1u64, 16, 64] {
        let state = tempfile::tempdir().unwrap();
        let options = writer::Options { durability: Durability::Crash, ..writer::Options::default() };
        let (log, task) = writer::start(store.clone(), Spill::new(state.path().join(SPILL_FILE)), options);
        let counters = log.counters().clone();
        let until = Instant::now() + Duration::from_secs(3);
        let started = Instant::now();
        let replies: Vec<_> = (0..concurrency)
            .map(|reply| {
                let log = log.clone();
                tokio::spawn(async move {
                    let mut waits = Vec::new();
                    let mut i = reply;
                    while Instant::now() < until {
                        let t = Instant::now();
                        log.record_before_reply(event(i)).await;
                        waits.push(t.elapsed());
                        i += concurrency;
                    }
                    waits
                })
            })
            .collect();
        let mut waits = Vec::new();
        for reply in replies {
            waits.extend(reply.await.unwrap());
        }
        let elapsed = started.elapsed();
        drop(log);
        task.wait().await;
        waits.sort();
        let pct = |p: f64| waits[((waits.len() - 1) as f64 * p) as usize];
        let journaled = counters.journaled.load(std::sync::atomic::Ordering::Relaxed);
        println!(
            "  {concurrency:>2} at a time: {:.0} replies/s, wait p50 {:?}, p99 {:?}; {journaled} on disk, {} stored",
            waits.len() as f64 / elapsed.as_secs_f64(),
            pct(0.5),
            pct(0.99),
            counters.snapshot().0,
        );
        assert_eq!(journaled, waits.len() as u64, "every event on the disk before its reply");
    }
    store.close().await;
}
