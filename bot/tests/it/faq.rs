//! The organisers' FAQ as organisers hand it over: a page imported from a
//! file or an address into the database as a new version, a re-import
//! saying what it added, changed and removed, a page that cannot be read
//! importing nothing and saying where it is wrong, every other process
//! answering from the stored FAQ, and `data/faq.*` read at start.

use std::path::Path;
use std::sync::Arc;

use emcee::clock::Clock;
use emcee::dispatch::{Dispatcher, Origin, Platform, Usage};
use emcee::store::Store;
use emcee::usage::spill::{SPILL_FILE, Spill};
use emcee::usage::{UserKeyer, writer};
use emcee_core::{Engine, KnowledgeBase, Schedule};

use crate::cli::{emcee_in, run, stdout};
use crate::support;

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("../core/tests/data/faq").join(name)).unwrap()
}

fn data_dir() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../data")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_imported_faq_is_versioned_compared_and_answered_by_every_process() {
    let home = tempfile::tempdir().unwrap();
    let page = home.path().join("faq.mdx");
    std::fs::write(&page, fixture("europython-2024-faq.mdx")).unwrap();
    let page = page.display().to_string();
    for db in support::backends().await {
        let emcee = || {
            let mut command = emcee_in(&data_dir(), home.path());
            command.env("DATABASE_URL", &db.url).env("EMCEE_USAGE_KEY", "k");
            command
        };
        // Against the sample FAQ of data/, which the bot answers from until one is imported.
        let dry = stdout(&run(emcee().args(["faq", "import", &page, "--dry-run", "--json"]), ""));
        let dry: serde_json::Value = serde_json::from_str(&dry).unwrap();
        assert_eq!((dry["dry_run"].as_bool(), dry.get("version")), (Some(true), None), "{}", db.backend);
        assert_eq!((dry["entries"].as_u64(), dry["added"].as_array().map(Vec::len)), (Some(15), Some(15)));
        assert_eq!(dry["removed"].as_array().map(Vec::len), Some(8), "{}: the sample's entries go", db.backend);
        let sample = stdout(&run(emcee().args(["ask", "/faq"]), ""));
        assert!(sample.contains("Is there wifi?"), "{}: a dry run stores nothing: {sample}", db.backend);

        let first = stdout(&run(emcee().args(["faq", "import", &page, "--json"]), ""));
        let first: serde_json::Value = serde_json::from_str(&first).unwrap();
        assert_eq!(
            (first["version"].as_i64(), first["format"].as_str()),
            (Some(1), Some("Markdown")),
            "{}",
            db.backend
        );
        assert_eq!(first["added"][0]["question"], "When and where is EuroPython 2024 taking place?");

        // A page that cannot be read imports nothing and says where.
        let broken = home.path().join("faq.yaml");
        std::fs::write(&broken, "- question: Is there wifi?\n  answer: [yes\n").unwrap();
        let refused = run(emcee().args(["faq", "import", &broken.display().to_string()]), "");
        let message = String::from_utf8_lossy(&refused.stderr);
        assert!(!refused.status.success(), "{}: {message}", db.backend);
        assert!(message.contains("line 2") && message.contains("nothing was imported"), "{}: {message}", db.backend);

        // The next version: one answer changed, one entry gone, one new; said so, line by line.
        let text = String::from_utf8(fixture("europython-2024-faq.mdx")).unwrap();
        let next = text
            .replace("we will provide a light lunch", "we will provide a warm lunch")
            .replace("## **Q. Will there be a vegetarian option for the meals?**", "## **Q. Is there a quiet room?**");
        let next_page = home.path().join("faq-v2.mdx");
        std::fs::write(&next_page, next).unwrap();
        let second = stdout(&run(emcee().args(["faq", "import", &next_page.display().to_string()]), ""));
        expect_test::expect![[r#"
            FAQ (Markdown): 15 entries, stored as version 2
            ~ changed    Will there be food provided at the conference?
            + added      Is there a quiet room?
            - removed    Will there be a vegetarian option for the meals?
        "#]]
        .assert_eq(&second);

        // Another process answers from the stored FAQ, in the organisers' words.
        let answers = stdout(&run(emcee().args(["ask", "/faq quiet room", "is lunch provided?"]), ""));
        assert!(answers.contains("Is there a quiet room?"), "{}: {answers}", db.backend);
        assert!(answers.contains("warm lunch"), "{}: {answers}", db.backend);
        let store = Store::open(&db.url).unwrap();
        assert_eq!(store.faq_version().await.unwrap(), 2, "{}", db.backend);
        store.close().await;
        db.remove().await;
    }
}

#[test]
fn the_faq_in_data_is_read_at_start() {
    let home = tempfile::tempdir().unwrap();
    let mut command = emcee_in(&data_dir(), home.path());
    let out =
        stdout(&run(command.args(["ask", "/faq tickets", "what's the wifi password", "where is the help desk"]), ""));
    expect_test::expect![[r#"
        The FAQ on tickets: 2 entries

        Can I transfer my ticket to someone else?: Yes, until the day before the conference: write to the organisers with the new attendee's name and email address.
        Can I get a refund?: Tickets are refunded in full until two weeks before the conference. After that you can transfer your ticket to a colleague instead: write to the organisers with their name.

        Source: The organisers' FAQ

        Yes. Join the network devopsconf-sample; the password is printed on the back of your badge.

        Source: FAQ: Is there wifi? · Getting there

        The help desk is next to the registration counter at the entrance of the Main Stage hall, open from 08:00 until the last session ends.

        Source: FAQ: Where is the help desk? · Getting there

    "#]].assert_eq(&out);
}

fn origin(organiser: bool) -> Origin {
    Origin { platform: Platform::Slack, workspace: "T1".into(), channel: "C1".into(), user: "U1".into(), organiser }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn organisers_import_the_faq_from_an_address_and_others_may_not() {
    let page = fixture("devfestpisa-2026-faq.md");
    let app = axum::Router::new().route("/faq.md", axum::routing::get(move || async move { page.clone() }));
    let address = format!("{}/faq.md", support::serve(app).await);
    for db in support::backends().await {
        let store = Store::open(&db.url).unwrap();
        store.migrate().await.unwrap();
        let state = tempfile::tempdir().unwrap();
        let (log, _task) =
            writer::start(store.clone(), Spill::new(state.path().join(SPILL_FILE)), writer::Options::default());
        let usage = Usage { log, keyer: UserKeyer::new(b"k"), store: store.clone(), store_queries: true };
        let engine = Arc::new(Engine::new(KnowledgeBase::default(), Schedule::empty()));
        // The page is served on loopback, which only an operator's allowance reaches.
        let dispatcher = Dispatcher::new(engine, Clock::Pinned("2026-03-01T09:00:00Z".parse().unwrap()), Some(usage))
            .with_fetcher(emcee::fetch::Fetcher::allowing("127.0.0.1").unwrap());

        let empty = dispatcher.answer(&origin(false), "/faq").await;
        assert_eq!(empty.status.as_str(), "not_found", "{}", db.backend);
        let line = format!("/faq import {address}");
        let denied = dispatcher.answer(&origin(false), &line).await;
        assert_eq!(denied.status.as_str(), "denied", "{}", db.backend);
        assert_eq!(store.faq_version().await.unwrap(), 0, "{}", db.backend);
        let imported = dispatcher.answer(&origin(true), &line).await;
        assert_eq!(imported.status.as_str(), "ok", "{}: {imported:?}", db.backend);
        assert!(
            imported
                .body
                .starts_with(&format!("FAQ from {address} (Markdown): 14 entries, stored as version 1. 14 added"))
        );
        let listed = dispatcher.answer(&origin(false), "/faq").await;
        assert_eq!((listed.status.as_str(), listed.result_count), ("ok", 14), "{}", db.backend);
        let asked = dispatcher.answer(&origin(false), "can I leave the conference and come back later?").await;
        assert!(asked.body.contains("come back whenever you want"), "{}: {asked:?}", db.backend);
        let again = dispatcher.answer(&origin(true), &line).await;
        assert!(again.body.contains("stored as version 2. Nothing changed."), "{}: {again:?}", db.backend);
        let nowhere = dispatcher.answer(&origin(true), "/faq import faq.md").await;
        assert_eq!(nowhere.status.as_str(), "invalid", "{}", db.backend);
        store.close().await;
        db.remove().await;
    }
}
