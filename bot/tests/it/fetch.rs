//! Addresses given in the chat reach the public internet only: every
//! import (`/schedule`, `/transcript`, `/faq`) of an address inside the
//! network is refused before anything is sent, however the address is
//! written, through a name that resolves inside, or through a redirect; the
//! refusal reads the same whether anything listens there; an operator's
//! allowance lets a named host through.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use emcee::clock::Clock;
use emcee::dispatch::{Dispatcher, Origin, Platform, Usage};
use emcee::fetch::Fetcher;
use emcee::store::Store;
use emcee::usage::spill::{SPILL_FILE, Spill};
use emcee::usage::{UserKeyer, writer};
use emcee_core::{Engine, KnowledgeBase, Schedule};

use crate::support;

fn organiser() -> Origin {
    Origin {
        platform: Platform::Slack,
        workspace: "T1".into(),
        channel: "C1".into(),
        user: "U1".into(),
        organiser: true,
    }
}

/// A dispatcher with a database, as organisers' imports need one.
async fn dispatcher(db: &support::TestDb, fetcher: Fetcher) -> Dispatcher {
    let store = Store::open(&db.url).unwrap();
    store.migrate().await.unwrap();
    let spill = Spill::new(std::path::Path::new(&db.url.replace("sqlite://", "")).with_file_name(SPILL_FILE));
    let (log, _task) = writer::start(store.clone(), spill, writer::Options::default());
    let usage = Usage { log, keyer: UserKeyer::new(b"k"), store, store_queries: true };
    let engine = Arc::new(Engine::new(KnowledgeBase::default(), Schedule::empty()));
    Dispatcher::new(engine, Clock::Pinned("2026-03-01T09:00:00Z".parse().unwrap()), Some(usage)).with_fetcher(fetcher)
}

/// A server inside the network holding a secret, counting what reaches it,
/// with a redirect to its own secret by its address.
async fn inside() -> (u16, Arc<AtomicUsize>) {
    let hits = Arc::new(AtomicUsize::new(0));
    let counted = hits.clone();
    let app = axum::Router::new()
        .route("/secret", axum::routing::get(|| async { "SECRET-TOKEN-XYZ" }))
        .route(
            "/redirect",
            axum::routing::get(|headers: axum::http::HeaderMap| async move {
                let host = headers.get("host").and_then(|h| h.to_str().ok()).unwrap_or_default().to_string();
                let port = host.rsplit(':').next().unwrap_or_default().to_string();
                axum::response::Redirect::temporary(&format!("http://127.0.0.1:{port}/secret"))
            }),
        )
        .layer(axum::middleware::from_fn(move |request, next: axum::middleware::Next| {
            let counted = counted.clone();
            async move {
                counted.fetch_add(1, Ordering::SeqCst);
                next.run(request).await
            }
        }));
    let address = support::serve(app).await;
    let port = address.rsplit(':').next().unwrap().parse().unwrap();
    (port, hits)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn imports_never_reach_inside_the_network() {
    let (port, hits) = inside().await;
    // A port where nothing listens, to compare the refusals with.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let db = support::sqlite();
    let bot = dispatcher(&db, Fetcher::default()).await;
    let mut refusals = Vec::new();
    for command in ["/schedule import", "/transcript import", "/faq import"] {
        for address in [
            format!("http://127.0.0.1:{port}/secret"),
            format!("http://127.0.0.1:{closed}/secret"),
            format!("http://2130706433:{port}/secret"),
            format!("http://0.0.0.0:{port}/secret"),
            format!("http://[::ffff:127.0.0.1]:{port}/secret"),
            format!("http://localhost:{port}/secret"),
            format!("HTTP://127.0.0.1:{port}/secret"),
            "http://169.254.169.254/latest/meta-data/".to_string(),
        ] {
            let reply = bot.answer(&organiser(), &format!("{command} {address}")).await;
            assert!(!reply.body.contains("SECRET"), "{command} {address}: {}", reply.body);
            assert!(reply.body.contains("is not fetched"), "{command} {address}: {}", reply.body);
            assert!(!reply.body.starts_with("Http"), "the address as written: {}", reply.body);
            refusals.push(reply.body.replace(&address, "ADDRESS").replace(&address.to_lowercase(), "ADDRESS"));
        }
    }
    refusals.sort();
    refusals.dedup_by(|a, b| a.split(" is not fetched").nth(1) == b.split(" is not fetched").nth(1));
    assert_eq!(refusals.len(), 1, "an open port and a closed one read the same: {refusals:#?}");
    assert_eq!(hits.load(Ordering::SeqCst), 0, "nothing was sent inside");

    // A host the operator allows is fetched; its redirect to an address
    // that is not allowed is refused before it is followed.
    let allowing = dispatcher(&db, Fetcher::allowing("localhost").unwrap()).await;
    let reply = allowing.answer(&organiser(), &format!("/faq import http://localhost:{port}/redirect")).await;
    assert!(reply.body.contains("is not fetched"), "{}", reply.body);
    assert_eq!(hits.load(Ordering::SeqCst), 1, "the redirect was asked, its target never");
    let reply = allowing.answer(&organiser(), &format!("/faq import http://localhost:{port}/secret")).await;
    assert!(!reply.body.contains("is not fetched"), "the allowed host is fetched: {}", reply.body);
    assert_eq!(hits.load(Ordering::SeqCst), 2);
}
