//! Who may run what is the catalogue's to say, once: every command and
//! subcommand it keeps for organisers is refused to anyone else, and
//! reaches its work for an organiser, from every platform.

use std::sync::Arc;

use emcee::clock::Clock;
use emcee::dispatch::{Dispatcher, Origin, Platform, Usage};
use emcee::store::Store;
use emcee::usage::spill::{SPILL_FILE, Spill};
use emcee::usage::{UserKeyer, writer};
use emcee_core::{Engine, KnowledgeBase};

use crate::support;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_organisers_command_is_refused_to_others_on_every_platform() {
    let db = support::sqlite();
    let store = Store::open(&db.url).unwrap();
    store.migrate().await.unwrap();
    let state = tempfile::tempdir().unwrap();
    let (log, _task) =
        writer::start(store.clone(), Spill::new(state.path().join(SPILL_FILE)), writer::Options::default());
    let usage = Usage { log, keyer: UserKeyer::new(b"k"), store, store_queries: true };
    let engine = Arc::new(Engine::new(KnowledgeBase::default(), emcee_core::seed::schedule()));
    let bot = Dispatcher::new(engine, Clock::Pinned("2022-11-01T08:30:00Z".parse().unwrap()), Some(usage));
    let lines = super::slack::organisers_lines();
    for platform in [Platform::Slack, Platform::Discord, Platform::Terminal] {
        for (command, text) in &lines {
            let line = format!("{command} {text}");
            let origin = |organiser| Origin {
                platform,
                workspace: "W".into(),
                channel: "C".into(),
                user: "U".into(),
                organiser,
            };
            let refused = bot.answer(&origin(false), &line).await;
            assert_eq!(refused.status.as_str(), "denied", "{line} on {platform:?}: {refused:?}");
            assert!(refused.body.starts_with("Only organisers can use /"), "{line}: {}", refused.body);
            let done = bot.answer(&origin(true), &line).await;
            assert_ne!(done.status.as_str(), "denied", "{line} by an organiser on {platform:?}: {done:?}");
        }
    }
}
