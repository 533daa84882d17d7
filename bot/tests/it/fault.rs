//! The usage log through a network that fails: a TCP proxy between the
//! writer and PostgreSQL first cuts every connection, then lets them hang,
//! then heals, while commands keep flowing. Every reply must come on time,
//! and after recovery every event must be stored exactly once.

use crate::support;

use std::sync::Arc;
use std::sync::atomic::{AtomicU8, Ordering};
use std::time::{Duration, Instant};

use emcee::clock::Clock;
use emcee::dispatch::{Dispatcher, Origin, Platform, Usage};
use emcee::store::Store;
use emcee::usage::spill::{SPILL_FILE, Spill};
use emcee::usage::{UserKeyer, writer};
use emcee_core::{Engine, KnowledgeBase, Schedule};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Mutex;
use tokio::task::JoinHandle;

const PASS: u8 = 0;
const CUT: u8 = 1;
const HANG: u8 = 2;

/// A TCP proxy whose links can be cut or made to hang.
struct Proxy {
    port: u16,
    mode: Arc<AtomicU8>,
    links: Arc<Mutex<Vec<JoinHandle<()>>>>,
}

impl Proxy {
    async fn start(upstream: String) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let mode = Arc::new(AtomicU8::new(PASS));
        let links: Arc<Mutex<Vec<JoinHandle<()>>>> = Arc::default();
        let (accept_mode, accept_links) = (mode.clone(), links.clone());
        tokio::spawn(async move {
            loop {
                let Ok((client, _)) = listener.accept().await else { return };
                if accept_mode.load(Ordering::SeqCst) == CUT {
                    drop(client);
                    continue;
                }
                let (mode, upstream) = (accept_mode.clone(), upstream.clone());
                let link = tokio::spawn(async move {
                    let Ok(server) = TcpStream::connect(&upstream).await else { return };
                    let (client_read, client_write) = client.into_split();
                    let (server_read, server_write) = server.into_split();
                    tokio::join!(pump(client_read, server_write, mode.clone()), pump(server_read, client_write, mode));
                });
                accept_links.lock().await.push(link);
            }
        });
        Proxy { port, mode, links }
    }

    async fn set(&self, mode: u8) {
        self.mode.store(mode, Ordering::SeqCst);
        if mode == CUT {
            for link in self.links.lock().await.drain(..) {
                link.abort();
            }
        }
    }
}

/// Copies bytes one way; while the proxy hangs, holds them.
async fn pump(mut from: tokio::net::tcp::OwnedReadHalf, mut to: tokio::net::tcp::OwnedWriteHalf, mode: Arc<AtomicU8>) {
    let mut buf = vec![0u8; 16 * 1024];
    loop {
        let n = match from.read(&mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(n) => n,
        };
        while mode.load(Ordering::SeqCst) == HANG {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        if mode.load(Ordering::SeqCst) == CUT || to.write_all(&buf[..n]).await.is_err() {
            return;
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replies_keep_flowing_and_no_event_is_lost_or_doubled() {
    let Some(admin) = support::postgres_admin_url() else { return };
    let db = support::postgres(&admin).await;
    let host = db.url.split('@').nth(1).and_then(|rest| rest.split('/').next()).unwrap().to_string();
    let proxy = Proxy::start(host.clone()).await;
    let proxied = db.url.replace(&host, &format!("127.0.0.1:{}", proxy.port));

    let store = Store::open(&proxied).unwrap();
    let state = tempfile::tempdir().unwrap();
    let options = writer::Options {
        write_timeout: Duration::from_millis(500),
        retry_backoff: [Duration::from_millis(20), Duration::from_millis(50)],
        probe_every: Duration::from_millis(100),
        probe_max: Duration::from_millis(300),
        shutdown_timeout: Duration::from_secs(8),
        ..writer::Options::default()
    };
    let (log, task) = writer::start(store, Spill::new(state.path().join(SPILL_FILE)), options);
    let counters = log.counters().clone();
    let usage = Usage { log, keyer: UserKeyer::new(b"k"), store: Store::open(&db.url).unwrap(), store_queries: true };
    let engine = Arc::new(Engine::new(KnowledgeBase::default(), Schedule::empty()));
    let dispatcher = Dispatcher::new(engine, Clock::System, Some(usage));
    let origin = Origin {
        platform: Platform::Terminal,
        workspace: String::new(),
        channel: "c".into(),
        user: "u".into(),
        organiser: false,
    };

    let started = Instant::now();
    let phases = [(PASS, 1_000), (CUT, 1_500), (HANG, 1_500), (PASS, 2_500)];
    let mut sent = 0u64;
    let mut slowest = Duration::ZERO;
    for (mode, millis) in phases {
        proxy.set(mode).await;
        let until = Instant::now() + Duration::from_millis(millis);
        while Instant::now() < until {
            let asked = Instant::now();
            dispatcher.answer(&origin, "/help").await;
            slowest = slowest.max(asked.elapsed());
            sent += 1;
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
    }
    drop(dispatcher);
    task.wait().await;
    let (written, retried, spilled, replayed, dropped) = counters.snapshot();
    eprintln!(
        "{sent} commands in {:.1?}; slowest reply {slowest:?}; written {written}, retried {retried}, spilled {spilled}, replayed {replayed}, dropped {dropped}",
        started.elapsed()
    );
    // A reply that waited on the database would take at least the 500 ms write timeout.
    assert!(slowest < Duration::from_millis(250), "a reply waited {slowest:?} on the usage log");
    assert!(spilled > 0, "the outage never reached the spill file: the test did not test it");
    assert_eq!(dropped, 0);

    let direct = Store::open(&db.url).unwrap();
    let rows = direct.events().await.unwrap();
    let mut ids: Vec<&str> = rows.iter().map(|r| r.event_id.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!((rows.len() as u64, ids.len() as u64), (sent, sent), "every event stored exactly once");
    direct.close().await;
    db.remove().await;
}
