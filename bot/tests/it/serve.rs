//! `emcee serve` as operators run it: the real binary, started with its
//! settings in the environment, answering signed Slack commands over HTTP.
//! Its `/metrics` move as commands are answered, and SIGTERM in the middle
//! of a stream of commands loses none of their usage events and ends the
//! process with status 0 well within ten seconds.

use crate::support;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use emcee::store::Store;

pub(crate) const SECRET: &str = "8f742231b10e8888abcd99yyyzzz85a5";

/// A running `emcee serve`, killed when dropped.
pub(crate) struct Server {
    child: Child,
    pub(crate) url: String,
    _state: Arc<tempfile::TempDir>,
}

impl Server {
    pub(crate) fn start(database_url: &str) -> Server {
        Server::start_with(database_url, Arc::new(tempfile::tempdir().unwrap()), &[])
    }

    /// `emcee serve` keeping its state in `state`, with more settings.
    pub(crate) fn start_with(database_url: &str, state: Arc<tempfile::TempDir>, settings: &[(&str, &str)]) -> Server {
        Server::launch(database_url, state, settings, None)
    }

    /// The same, with at most `open_files` descriptors (`ulimit -n`), when given.
    pub(crate) fn launch(
        database_url: &str,
        state: Arc<tempfile::TempDir>,
        settings: &[(&str, &str)],
        open_files: Option<u32>,
    ) -> Server {
        let binary = env!("CARGO_BIN_EXE_emcee");
        let mut command = match open_files {
            None => Command::new(binary),
            Some(limit) => {
                let mut shell = Command::new("sh");
                shell.args(["-c", &format!("ulimit -n {limit} && exec \"$0\" \"$@\""), binary]);
                shell
            }
        };
        let mut child = command
            .arg("serve")
            // No emcee.toml or .env of the developer's is read.
            .current_dir(state.path())
            .env_remove("DISCORD_PUBLIC_KEY")
            .env_remove("DISCORD_TOKEN")
            .env_remove("SLACK_APP_TOKEN")
            .env_remove("SLACK_BOT_TOKEN")
            .env("EMCEE_DATA_DIR", concat!(env!("CARGO_MANIFEST_DIR"), "/../data"))
            .env("EMCEE_HTTP_ADDR", "127.0.0.1:0")
            .env("EMCEE_STATE_DIR", state.path())
            .env("EMCEE_USAGE_KEY", "serve-test")
            .env("DATABASE_URL", database_url)
            .env("SLACK_SIGNING_SECRET", SECRET)
            .env("RUST_LOG", "warn")
            .envs(settings.iter().copied())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stderr = BufReader::new(child.stderr.take().unwrap());
        let mut line = String::new();
        let url = loop {
            line.clear();
            assert!(stderr.read_line(&mut line).unwrap() > 0, "emcee serve ended before it listened");
            if let Some(rest) = line.split("listening on ").nth(1) {
                break rest.split_whitespace().next().unwrap().to_string();
            }
        };
        // Keep reading, so that the process never blocks on a full pipe.
        std::thread::spawn(move || for _ in stderr.lines() {});
        Server { child, url, _state: state }
    }

    pub(crate) fn terminate(&self) {
        self.signal("-TERM");
    }

    pub(crate) fn signal(&self, signal: &str) {
        let status = Command::new("kill").arg(signal).arg(self.child.id().to_string()).status().unwrap();
        assert!(status.success());
    }

    /// Whether the process is still running.
    pub(crate) fn alive(&mut self) -> bool {
        self.child.try_wait().unwrap().is_none()
    }

    /// Waits for the process to end, up to `limit`; its status and how long it took.
    pub(crate) fn wait(&mut self, limit: Duration) -> (std::process::ExitStatus, Duration) {
        let started = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return (status, started.elapsed());
            }
            assert!(started.elapsed() < limit, "emcee serve did not stop within {limit:?}");
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if self.child.try_wait().ok().flatten().is_none() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// A trigger id of its own, as Slack gives every invocation.
pub(crate) fn trigger_id() -> String {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    format!("13345224609.738474920.{}", NEXT.fetch_add(1, Ordering::Relaxed))
}

/// A signed `/quote` request for `text`.
pub(crate) fn quote(client: &reqwest::Client, server: &str, text: &str, signed: bool) -> reqwest::RequestBuilder {
    let body = format!(
        "team_id=T0001&team_domain=conf&channel_id=C0001&channel_name=general&user_id=U0001&user_name=ada\
         &command=%2Fquote&text={text}&api_app_id=A0001&response_url=https%3A%2F%2Fhooks.slack.com%2Fx\
         &trigger_id={}",
        trigger_id()
    );
    let timestamp = jiff::Timestamp::now().as_second();
    let mut signature = support::slack_signature(SECRET, timestamp, &body);
    if !signed {
        // One digit of the HMAC changed.
        let flipped = if signature.ends_with('0') { "1" } else { "0" };
        signature.replace_range(signature.len() - 1.., flipped);
    }
    client
        .post(format!("{server}/slack/commands"))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("x-slack-request-timestamp", timestamp)
        .header("x-slack-signature", signature)
        .body(body)
}

/// The sum of the samples of `name` carrying every one of `labels`.
pub(crate) fn sample(text: &str, name: &str, labels: &[(&str, &str)]) -> f64 {
    text.lines()
        .filter(|line| !line.starts_with('#'))
        .filter_map(|line| {
            let (series, value) = line.rsplit_once(' ')?;
            let (series_name, series_labels) = series.split_once('{').unwrap_or((series, ""));
            (series_name == name && labels.iter().all(|(k, v)| series_labels.contains(&format!("{k}=\"{v}\""))))
                .then(|| value.parse::<f64>().ok())
                .flatten()
        })
        .sum()
}

pub(crate) async fn scrape(client: &reqwest::Client, server: &str) -> String {
    let response = client.get(format!("{server}/metrics")).send().await.unwrap();
    assert_eq!(response.status(), 200);
    response.text().await.unwrap()
}

#[tokio::test]
async fn metrics_move_as_commands_are_answered() {
    let db = support::sqlite();
    let mut server = Server::start(&db.url);
    let client = reqwest::Client::new();
    let before = scrape(&client, &server.url).await;

    for text in ["kubernetes", "wasm", "kubernetes"] {
        let response = quote(&client, &server.url, text, true).send().await.unwrap();
        assert_eq!(response.status(), 200);
    }
    let refused = quote(&client, &server.url, "kubernetes", false).send().await.unwrap();
    assert_eq!(refused.status(), 401);

    let after = scrape(&client, &server.url).await;
    let moved = |name: &str, labels: &[(&str, &str)]| sample(&after, name, labels) - sample(&before, name, labels);
    let quotes = [("platform", "slack"), ("command", "quote")];
    assert_eq!(moved("emcee_commands_total", &[quotes[0], quotes[1], ("status", "ok")]), 3.0, "{after}");
    assert_eq!(moved("emcee_reply_seconds_count", &quotes), 3.0);
    assert!(moved("emcee_reply_seconds_sum", &quotes) > 0.0);
    let route = ("route", "/slack/commands");
    assert_eq!(moved("emcee_http_responses_total", &[route, ("status", "200")]), 3.0);
    assert_eq!(moved("emcee_http_responses_total", &[route, ("status", "401")]), 1.0);
    assert_eq!(moved("emcee_http_request_seconds_count", &[route]), 4.0);
    assert!(after.contains("# TYPE emcee_usage_queue_depth gauge"), "{after}");

    // The usage writer stores the three events within its batching delay.
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let now = scrape(&client, &server.url).await;
        if sample(&now, "emcee_usage_events_total", &[("outcome", "written")]) >= 3.0 {
            assert_eq!(sample(&now, "emcee_usage_events_total", &[("outcome", "dropped")]), 0.0);
            break;
        }
        assert!(Instant::now() < deadline, "no usage events written:\n{now}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    server.terminate();
    let (status, _) = server.wait(Duration::from_secs(10));
    assert!(status.success(), "{status}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_under_load_loses_no_usage_event() {
    for db in support::backends().await {
        let mut server = Server::start(&db.url);
        let answered = Arc::new(AtomicU64::new(0));
        let sent = Arc::new(AtomicU64::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let mut clients = Vec::new();
        for _ in 0..16 {
            let (url, answered, sent, stop) = (server.url.clone(), answered.clone(), sent.clone(), stop.clone());
            clients.push(tokio::spawn(async move {
                let client = reqwest::Client::builder().timeout(Duration::from_secs(10)).build().unwrap();
                while !stop.load(Ordering::Relaxed) {
                    sent.fetch_add(1, Ordering::Relaxed);
                    match quote(&client, &url, "kubernetes", true).send().await {
                        Ok(response) if response.status() == 200 => {
                            // Answered only once the whole reply has arrived.
                            if response.bytes().await.is_ok() {
                                answered.fetch_add(1, Ordering::Relaxed);
                            }
                        }
                        Ok(response) => panic!("a signed command got {}", response.status()),
                        // The server has stopped listening.
                        Err(_) => break,
                    }
                }
            }));
        }
        tokio::time::sleep(Duration::from_millis(800)).await;
        let before_stop = answered.load(Ordering::Relaxed);
        assert!(before_stop > 50, "{}: only {before_stop} commands answered before SIGTERM", db.backend);

        server.terminate();
        let (status, took) = tokio::task::block_in_place(|| server.wait(Duration::from_secs(10)));
        stop.store(true, Ordering::Relaxed);
        for client in clients {
            client.await.unwrap();
        }
        assert!(status.success(), "{}: {status}", db.backend);
        assert!(took < Duration::from_secs(10), "{}: stopping took {took:?}", db.backend);

        let answered = answered.load(Ordering::Relaxed);
        let store = Store::open(&db.url).unwrap();
        let events = store.events().await.unwrap();
        store.close().await;
        // Every answered command is stored; a command cut off mid-reply may be too.
        assert!(
            events.len() as u64 >= answered && events.len() as u64 <= sent.load(Ordering::Relaxed),
            "{}: {} events stored for {answered} answers",
            db.backend,
            events.len()
        );
        assert!(events.iter().all(|e| e.platform == "slack" && e.command == "quote" && e.status == "ok"));
        let spill = server._state.path().join("usage-spill.jsonl");
        assert!(!spill.exists() || std::fs::read_to_string(&spill).unwrap().trim().is_empty());
        drop(server);
        db.remove().await;
    }
}

/// Signed `/quote` commands from 16 clients until `stop`: how many were
/// sent, and how many were answered in full.
fn load(url: &str, stop: &Arc<AtomicBool>) -> (Vec<tokio::task::JoinHandle<()>>, Arc<AtomicU64>, Arc<AtomicU64>) {
    let answered = Arc::new(AtomicU64::new(0));
    let sent = Arc::new(AtomicU64::new(0));
    let mut clients = Vec::new();
    for _ in 0..16 {
        let (url, answered, sent, stop) = (url.to_string(), answered.clone(), sent.clone(), stop.clone());
        clients.push(tokio::spawn(async move {
            let client = reqwest::Client::builder().timeout(Duration::from_secs(10)).build().unwrap();
            while !stop.load(Ordering::Relaxed) {
                sent.fetch_add(1, Ordering::Relaxed);
                match quote(&client, &url, "kubernetes", true).send().await {
                    Ok(response) if response.status() == 200 => {
                        if response.bytes().await.is_ok() {
                            answered.fetch_add(1, Ordering::Relaxed);
                        }
                    }
                    Ok(response) => panic!("a signed command got {}", response.status()),
                    Err(_) => break,
                }
            }
        }));
    }
    (clients, sent, answered)
}

/// Issue 18, item 11: with `EMCEE_USAGE_DURABILITY=crash`, `kill -9` in the
/// middle of a stream of commands loses no answered command's event: each
/// was on disk before its reply, and the next start stores it. (With the
/// default, the events still queued in memory are lost.)
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_loses_no_answered_event_with_crash_durability() {
    for db in support::backends().await {
        let state = Arc::new(tempfile::tempdir().unwrap());
        let crash = [("EMCEE_USAGE_DURABILITY", "crash")];
        let mut server = Server::start_with(&db.url, state.clone(), &crash);
        let stop = Arc::new(AtomicBool::new(false));
        let (clients, sent, answered) = load(&server.url, &stop);
        tokio::time::sleep(Duration::from_millis(800)).await;
        assert!(answered.load(Ordering::Relaxed) > 50, "{}: too few answers before the kill", db.backend);
        server.signal("-KILL");
        let (status, _) = tokio::task::block_in_place(|| server.wait(Duration::from_secs(5)));
        assert!(!status.success(), "{}: {status}", db.backend);
        stop.store(true, Ordering::Relaxed);
        for client in clients {
            client.await.unwrap();
        }
        let (sent, answered) = (sent.load(Ordering::Relaxed), answered.load(Ordering::Relaxed));

        // The next start stores what the killed one had put on disk; SIGTERM flushes it.
        let restarted = Server::start_with(&db.url, state.clone(), &crash);
        restarted.terminate();
        let mut restarted = restarted;
        let (status, _) = tokio::task::block_in_place(|| restarted.wait(Duration::from_secs(10)));
        assert!(status.success(), "{}: {status}", db.backend);
        let store = Store::open(&db.url).unwrap();
        let stored = store.events().await.unwrap().len() as u64;
        store.close().await;
        assert!(
            stored >= answered && stored <= sent,
            "{}: {stored} events stored for {answered} answered of {sent} sent",
            db.backend
        );
        db.remove().await;
    }
}
