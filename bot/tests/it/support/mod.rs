//! Fresh databases for tests: an SQLite file, and a new database on the
//! PostgreSQL server `scripts/test` provides as `TEST_DATABASE_URL`. Without
//! that server the Postgres half skips, except under `CI=true`, where a
//! skipped database test is a failure.

#![allow(dead_code, reason = "each test binary uses part of the support module")]

use sqlx::Connection;

/// A database made for one test, removed when the test calls `remove`.
pub struct TestDb {
    pub url: String,
    pub backend: &'static str,
    postgres: Option<(String, String)>,
    _dir: Option<tempfile::TempDir>,
}

/// The server for Postgres tests, if there is one.
pub fn postgres_admin_url() -> Option<String> {
    match std::env::var("TEST_DATABASE_URL").ok().filter(|u| u.starts_with("postgres")) {
        Some(url) => Some(url),
        None if std::env::var("CI").as_deref() == Ok("true") => {
            panic!("CI=true but TEST_DATABASE_URL names no PostgreSQL server: run the tests through scripts/test")
        }
        None => {
            eprintln!("SKIPPED the Postgres half of this test: no TEST_DATABASE_URL (run scripts/test)");
            None
        }
    }
}

/// A fresh SQLite file.
pub fn sqlite() -> TestDb {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("emcee.db").display());
    TestDb { url, backend: "sqlite", postgres: None, _dir: Some(dir) }
}

/// A fresh database on the test server.
pub async fn postgres(admin: &str) -> TestDb {
    let name = format!("emcee_test_{}", uuid::Uuid::now_v7().simple());
    let mut conn = sqlx::PgConnection::connect(admin).await.expect("the test PostgreSQL server answers");
    sqlx::query(&format!("CREATE DATABASE {name}")).execute(&mut conn).await.unwrap();
    conn.close().await.ok();
    let url = with_database(admin, &name);
    TestDb { url, backend: "postgres", postgres: Some((admin.to_string(), name)), _dir: None }
}

/// Both backends, SQLite first; Postgres when a server is there.
pub async fn backends() -> Vec<TestDb> {
    let mut dbs = vec![sqlite()];
    if let Some(admin) = postgres_admin_url() {
        dbs.push(postgres(&admin).await);
    }
    dbs
}

impl TestDb {
    pub async fn remove(self) {
        if let Some((admin, name)) = &self.postgres
            && let Ok(mut conn) = sqlx::PgConnection::connect(admin).await
        {
            let sql = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
            sqlx::query(&sql).execute(&mut conn).await.ok();
        }
    }
}

/// `url` pointing at database `name`.
pub fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, format!("?{query}")),
        None => (url, String::new()),
    };
    let host_end = base.find("://").map(|i| i + 3).unwrap_or(0);
    let base = match base[host_end..].find('/') {
        Some(slash) => &base[..host_end + slash],
        None => base,
    };
    format!("{base}/{name}{query}")
}

/// The engine over the repository's knowledge base and sample programme.
pub fn seed_engine() -> std::sync::Arc<emcee_core::Engine> {
    std::sync::Arc::new(emcee_core::seed::engine())
}

/// Slack's `X-Slack-Signature` for `body` sent at `timestamp`:
/// `v0=` and the HMAC-SHA256 of `v0:TIMESTAMP:BODY` under `secret`.
pub fn slack_signature(secret: &str, timestamp: i64, body: &str) -> String {
    use hmac::Mac;
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(format!("v0:{timestamp}:{body}").as_bytes());
    format!("v0={}", emcee::hex::encode(&mac.finalize().into_bytes()))
}

/// Serves `app` on loopback: a fake platform API; returns its base address.
pub async fn serve(app: axum::Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    format!("http://{address}")
}

/// A fake platform API's JSON answer, with `status` and `headers`.
pub fn json(status: u16, headers: &[(&str, String)], body: serde_json::Value) -> axum::response::Response {
    let mut response = axum::response::Response::builder().status(status).header("content-type", "application/json");
    for (name, value) in headers {
        response = response.header(*name, value);
    }
    response.body(axum::body::Body::from(body.to_string())).unwrap()
}

/// Serves `app` over TLS as `discord.com` on loopback, with the test
/// certificate of `tests/data/tls`; returns its address. A
/// [`emcee::discord::Discord::with_stand_in`] sends to it exactly as it
/// would to Discord.
pub async fn serve_as_discord(app: axum::Router) -> std::net::SocketAddr {
    use tokio_rustls::rustls;
    let certificate = rustls::pki_types::CertificateDer::from(DISCORD_CERTIFICATE.to_vec());
    let key = rustls::pki_types::PrivateKeyDer::try_from(DISCORD_KEY.to_vec()).unwrap();
    let config =
        rustls::ServerConfig::builder_with_provider(std::sync::Arc::new(rustls::crypto::ring::default_provider()))
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(vec![certificate], key)
            .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(std::sync::Arc::new(config));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else { continue };
            let (acceptor, app) = (acceptor.clone(), app.clone());
            tokio::spawn(async move {
                let Ok(stream) = acceptor.accept(stream).await else { return };
                let service = hyper::service::service_fn(move |request: axum::http::Request<hyper::body::Incoming>| {
                    tower::ServiceExt::oneshot(app.clone(), request)
                });
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(hyper_util::rt::TokioIo::new(stream), service)
                    .await;
            });
        }
    });
    address
}

/// The authority the stand-in's certificate is signed by.
pub const TEST_AUTHORITY: &[u8] = include_bytes!("../../data/tls/authority.der");
const DISCORD_CERTIFICATE: &[u8] = include_bytes!("../../data/tls/discord.der");
const DISCORD_KEY: &[u8] = include_bytes!("../../data/tls/discord.key.der");

/// A platform's WebSocket on loopback (Slack's Socket Mode, Discord's
/// gateway): each connection is greeted with `greeting` (unless it is
/// null: then the test greets it, when it wants), a frame `answer`
/// has a reply for is answered at once (heartbeats), and every other frame
/// is handed to the test on the connection's [`Link`].
pub struct FakeWebSocket {
    pub address: std::net::SocketAddr,
    connections: tokio::sync::mpsc::UnboundedReceiver<Link>,
}

/// One connection the bot opened to a [`FakeWebSocket`].
pub struct Link {
    send: tokio::sync::mpsc::UnboundedSender<String>,
    received: tokio::sync::mpsc::UnboundedReceiver<serde_json::Value>,
}

impl FakeWebSocket {
    pub async fn start(
        greeting: serde_json::Value,
        answer: fn(&serde_json::Value) -> Option<serde_json::Value>,
    ) -> FakeWebSocket {
        use futures_util::{SinkExt, StreamExt};
        use tokio_tungstenite::tungstenite::Message;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        let (connected, connections) = tokio::sync::mpsc::unbounded_channel();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let Ok(socket) = tokio_tungstenite::accept_async(stream).await else { continue };
                let (mut sink, mut stream) = socket.split();
                let (send, mut to_send) = tokio::sync::mpsc::unbounded_channel::<String>();
                let (got, received) = tokio::sync::mpsc::unbounded_channel();
                if !greeting.is_null() && sink.send(Message::text(greeting.to_string())).await.is_err() {
                    continue;
                }
                tokio::spawn(async move {
                    loop {
                        tokio::select! {
                            out = to_send.recv() => match out {
                                // Dropped as a network drops one: no close frame.
                                Some(text) if text == CUT => break,
                                Some(text) if text.starts_with(CLOSE) => {
                                    let code: u16 = text[CLOSE.len()..].parse().unwrap_or(1000);
                                    let frame = tokio_tungstenite::tungstenite::protocol::CloseFrame {
                                        code: code.into(),
                                        reason: "".into(),
                                    };
                                    let _ = sink.send(Message::Close(Some(frame))).await;
                                    break;
                                }
                                Some(text) => if sink.send(Message::text(text)).await.is_err() { break },
                                // The test let the connection go: closed as the platform closes one.
                                None => { let _ = sink.send(Message::Close(None)).await; break }
                            },
                            frame = stream.next() => match frame {
                                Some(Ok(Message::Text(text))) => {
                                    let frame: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
                                    match answer(&frame) {
                                        Some(reply) => if sink.send(Message::text(reply.to_string())).await.is_err() { break },
                                        None => { let _ = got.send(frame); }
                                    }
                                }
                                Some(Ok(_)) => {}
                                _ => break,
                            },
                        }
                    }
                });
                if connected.send(Link { send, received }).is_err() {
                    break;
                }
            }
        });
        FakeWebSocket { address, connections }
    }

    /// The next connection the bot opens.
    pub async fn next(&mut self) -> Link {
        tokio::time::timeout(std::time::Duration::from_secs(20), self.connections.recv())
            .await
            .expect("the bot to connect")
            .unwrap()
    }
}

/// What [`Link::cut`] tells the connection's task.
const CUT: &str = "\u{0}cut";
/// What [`Link::close`] tells it, before the code.
const CLOSE: &str = "\u{0}close:";

impl Link {
    pub fn send(&self, frame: serde_json::Value) {
        self.send.send(frame.to_string()).unwrap();
    }

    /// Ends the connection with a close frame of `code`, as the platform
    /// ends one.
    pub fn close(self, code: u16) {
        let _ = self.send.send(format!("{CLOSE}{code}"));
    }

    /// Ends the connection without a close frame, as a network drops it.
    pub fn cut(self) {
        let _ = self.send.send(CUT.to_string());
    }

    /// The next frame the bot sends that `wanted` picks.
    pub async fn frame(&mut self, wanted: impl Fn(&serde_json::Value) -> bool) -> serde_json::Value {
        let wait = async {
            while let Some(frame) = self.received.recv().await {
                if wanted(&frame) {
                    return frame;
                }
            }
            panic!("the connection closed before the frame awaited");
        };
        tokio::time::timeout(std::time::Duration::from_secs(20), wait).await.expect("the frame awaited")
    }
}

/// Stops a client running in a task (a gateway, a Socket Mode listener),
/// and waits until it has.
pub struct Stop {
    pub tell: tokio::sync::oneshot::Sender<()>,
    pub running: tokio::task::JoinHandle<anyhow::Result<()>>,
}

impl Stop {
    pub async fn await_stopped(self) {
        let _ = self.tell.send(());
        let stopped = tokio::time::timeout(std::time::Duration::from_secs(10), self.running).await;
        stopped.expect("stopped when told").unwrap().unwrap();
    }
}

/// `/readyz` on `router`, asked until its text satisfies `wanted` (at most
/// ten seconds): its status and that text.
pub async fn readyz_until(router: &axum::Router, wanted: impl Fn(&str) -> bool) -> (axum::http::StatusCode, String) {
    use tower::ServiceExt;
    let mut last = (axum::http::StatusCode::OK, String::new());
    for _ in 0..200 {
        let request = axum::http::Request::get("/readyz").body(axum::body::Body::empty()).unwrap();
        let response = router.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let bytes = axum::body::to_bytes(response.into_body(), 1 << 16).await.unwrap();
        last = (status, String::from_utf8_lossy(&bytes).into_owned());
        if wanted(&last.1) {
            return last;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("/readyz never said what was awaited; it last said {} {:?}", last.0, last.1);
}
