//! The HTTP/1 server under the router: an accept loop of our own over
//! hyper, because `axum::serve` runs hyper without timers. What a slow,
//! silent or idle client can hold is bounded:
//!
//! - headers: from a connection's opening, or a request's first byte, to
//!   the end of its headers, at most `header_timeout`;
//! - body: from the end of the headers to the end of the body, at most
//!   `body_timeout`;
//! - idle: from a response to the next request's first byte, at most
//!   `idle_timeout`;
//! - connections: at most `max_connections`. At the cap, and whenever the
//!   process runs out of file descriptors, connections that have sat
//!   between requests (idle, silent, or still sending) for a second or
//!   more are closed to make room, the longest waiting first, a few at a
//!   time; a failing accept backs off instead of spinning.
//!
//! A connection's first request is read whole before hyper takes it
//! ([`super::arrival`]), so that a client that sends nothing or sends
//! slowly holds only the bytes it sent; after that the deadlines are kept
//! on the socket's reads and each request's body ([`super::deadlines`]).
//!
//! On stop the loop accepts no more; each connection finishes the request
//! it is on and closes, idle ones at once.

use std::io;
use std::pin::pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::http::Request;
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Notify, OwnedSemaphorePermit, Semaphore, watch};
use tokio::time::Instant;
use tower::ServiceExt;

use super::arrival::{Arrival, first_request};
use super::deadlines::{Deadline, Watched};
use crate::config::HttpSettings;

/// A connection between requests this long may be closed to make room.
const SHED_AFTER: Duration = Duration::from_secs(1);
/// Connections asked to make room at a time, oldest first: a few more than
/// the one connection waiting, so that a burst of them gets in at once,
/// but never the whole server for one newcomer. Out of descriptors, eight
/// times as many.
const SHED_BATCH: usize = 8;
/// The first and the longest pause after an accept that failed for want of
/// descriptors or memory.
const BACKOFF: (Duration, Duration) = (Duration::from_millis(5), Duration::from_millis(250));

/// What every connection task shares.
struct Server {
    router: Router,
    limits: HttpSettings,
    /// Rung when room is needed, one connection at a time, and for every
    /// connection at once when the server stops.
    bell: Notify,
    stopping: AtomicBool,
}

impl Server {
    /// Asks up to `count` connections to close, the longest waiting first;
    /// each one that is in a request or too young declines and waits again.
    fn make_room(&self, count: usize) {
        for _ in 0..count {
            self.bell.notify_one();
        }
    }

    fn stop(&self) {
        self.stopping.store(true, Ordering::Relaxed);
        self.bell.notify_waiters();
    }
}

/// What a connection was told.
enum Told {
    /// To close, to make room.
    Shed,
    /// That the server stops.
    Stop,
}

/// Completes when the server stops, or when room is needed while `state`
/// sits between requests. One wait for both, so that a busy connection's
/// every wake-up checks no more than it must.
async fn told(server: &Server, state: &ConnectionState) -> Told {
    loop {
        let mut rung = pin!(server.bell.notified());
        // Registered before the flag is read, so that a stop in between is not missed.
        rung.as_mut().enable();
        if server.stopping.load(Ordering::Relaxed) {
            return Told::Stop;
        }
        rung.await;
        if server.stopping.load(Ordering::Relaxed) {
            return Told::Stop;
        }
        if state.sheddable() {
            return Told::Shed;
        }
    }
}

/// Serves `router` on `listener` until `stop` turns true, then waits for
/// the connections to finish what they are doing.
pub async fn serve(listener: TcpListener, router: Router, limits: HttpSettings, stop: watch::Receiver<bool>) {
    let permits = Arc::new(Semaphore::new(limits.max_connections));
    let server = Arc::new(Server { router, limits, bell: Notify::new(), stopping: AtomicBool::new(false) });
    let mut stop = stop;
    let mut backoff = Duration::ZERO;
    'accepting: loop {
        let permit = loop {
            if let Ok(permit) = permits.clone().try_acquire_owned() {
                break permit;
            }
            // At the cap: connections between requests make room; ask again
            // while none does, as waiting ones come of age.
            crate::metrics::http_pressure("connections");
            server.make_room(SHED_BATCH);
            tokio::select! {
                permit = permits.clone().acquire_owned() => match permit {
                    Ok(permit) => break permit,
                    Err(_) => break 'accepting,
                },
                () = tokio::time::sleep(SHED_AFTER / 2) => {}
                _ = stop.wait_for(|stop| *stop) => break 'accepting,
            }
        };
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            _ = stop.wait_for(|stop| *stop) => break,
        };
        match accepted {
            Ok((stream, _)) => {
                backoff = Duration::ZERO;
                tokio::spawn(connection(server.clone(), stream, permit));
            }
            // The client gave up before it was accepted: nothing to wait for.
            Err(error) if is_connection_error(&error) => {}
            Err(error) => {
                // Out of descriptors (or memory): close what sits idle, and wait a little.
                if backoff.is_zero() {
                    tracing::warn!("accepting connections failed ({error}); closing idle ones and retrying");
                }
                crate::metrics::http_pressure("accept");
                server.make_room(SHED_BATCH * 8);
                drop(permit);
                backoff = (backoff * 2).clamp(BACKOFF.0, BACKOFF.1);
                tokio::select! {
                    () = tokio::time::sleep(backoff) => {}
                    _ = stop.wait_for(|stop| *stop) => break,
                }
            }
        }
    }
    drop(listener);
    server.stop();
    // Every connection holds a permit until it ends.
    let all = u32::try_from(limits.max_connections).unwrap_or(u32::MAX);
    let _ = permits.acquire_many(all).await;
}

fn is_connection_error(error: &io::Error) -> bool {
    matches!(
        error.kind(),
        io::ErrorKind::ConnectionRefused | io::ErrorKind::ConnectionAborted | io::ErrorKind::ConnectionReset
    )
}

/// Where one connection is, for its deadlines and for shedding.
pub(super) struct ConnectionState {
    pub(super) accepted: Instant,
    /// A request is being answered (its headers are in).
    pub(super) busy: AtomicBool,
    /// That request's body took longer than its deadline: close.
    pub(super) expired: AtomicBool,
    /// Responses handed over.
    pub(super) answered: AtomicU64,
    /// When the last response was handed over, in milliseconds after `accepted`.
    idle_since_ms: AtomicU64,
}

impl ConnectionState {
    fn new() -> ConnectionState {
        ConnectionState {
            accepted: Instant::now(),
            busy: AtomicBool::new(false),
            expired: AtomicBool::new(false),
            answered: AtomicU64::new(0),
            idle_since_ms: AtomicU64::new(0),
        }
    }

    pub(super) fn idle_since(&self) -> Instant {
        self.accepted + Duration::from_millis(self.idle_since_ms.load(Ordering::Relaxed))
    }

    fn went_idle(&self, at: Instant) {
        let ms = u64::try_from(at.saturating_duration_since(self.accepted).as_millis()).unwrap_or(u64::MAX);
        self.idle_since_ms.store(ms, Ordering::Relaxed);
    }

    fn begin(&self) {
        self.busy.store(true, Ordering::Relaxed);
    }

    fn end(&self) {
        self.went_idle(Instant::now());
        self.answered.fetch_add(1, Ordering::Relaxed);
        self.busy.store(false, Ordering::Relaxed);
    }

    /// Between requests for a while: may be closed to make room.
    fn sheddable(&self) -> bool {
        !self.busy.load(Ordering::Relaxed) && self.idle_since().elapsed() >= SHED_AFTER
    }
}

async fn connection(server: Arc<Server>, stream: TcpStream, permit: OwnedSemaphorePermit) {
    let _permit = permit;
    let _open = crate::metrics::HttpConnection::open();
    let state = Arc::new(ConnectionState::new());
    let arrival = tokio::select! {
        arrival = first_request(&stream, state.accepted, &server.limits) => arrival,
        told = told(&server, &state) => match told {
            Told::Shed => return crate::metrics::http_closed("shed"),
            Told::Stop => return,
        },
    };
    let received = match arrival {
        Arrival::Arrived(received) => received,
        Arrival::Gone => return,
        Arrival::Late(reason) => return crate::metrics::http_closed(reason),
    };
    // Boxed: until now the task holds no more than the wait above.
    Box::pin(serve_http(server, stream, received, state)).await;
}

/// hyper's HTTP/1 on a connection whose first request has arrived.
async fn serve_http(server: Arc<Server>, stream: TcpStream, received: Vec<u8>, state: Arc<ConnectionState>) {
    let io = TokioIo::new(Watched::new(stream, received, state.clone(), server.limits));
    let (router, body_timeout, requests) = (server.router.clone(), server.limits.body_timeout, state.clone());
    let service = hyper::service::service_fn(move |request: Request<Incoming>| {
        requests.begin();
        let request = request.map(|body| Body::new(Deadline::new(body, body_timeout, requests.clone())));
        let (router, requests) = (router.clone(), requests.clone());
        async move {
            let response = router.oneshot(request).await;
            requests.end();
            response
        }
    });
    // hyper's own header timer would count idle time as header time: the deadlines are Watched's.
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder.header_read_timeout(None);
    let mut connection = pin!(builder.serve_connection(io, service));
    let told = tokio::select! {
        biased;
        ended = connection.as_mut() => {
            if let Err(error) = ended {
                tracing::debug!("an HTTP connection ended: {error}");
            }
            return;
        }
        told = told(&server, &state) => told,
    };
    match told {
        Told::Shed => crate::metrics::http_closed("shed"),
        // The request in flight finishes; an idle connection closes at once.
        Told::Stop => {
            connection.as_mut().graceful_shutdown();
            if let Err(error) = connection.await {
                tracing::debug!("an HTTP connection ended: {error}");
            }
        }
    }
}
