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
//! A request is read whole before hyper takes the connection
//! ([`super::arrival`]), so that a client that sends nothing or sends
//! slowly holds only the bytes it sent; while hyper has it the deadlines
//! are kept on the socket's reads and each request's body
//! ([`super::deadlines`]), and once it has been quiet for a moment after a
//! response hyper gives it back, so that a kept-alive connection between
//! requests holds no buffers either.
//!
//! On stop the loop accepts no more; each connection finishes the request
//! it is on and closes, idle ones at once.

use std::convert::Infallible;
use std::future::{Future, poll_fn};
use std::io;
use std::pin::{Pin, pin};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, Response};
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use tokio::io::AsyncWriteExt;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Notify, OwnedSemaphorePermit, Semaphore, watch};
use tower::ServiceExt;

use super::arrival::{Arrival, Waiting, request};
use super::deadlines::{Deadline, Watched};
use super::state::{ConnectionState, SHED_AFTER};
use crate::config::HttpSettings;

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

async fn connection(server: Arc<Server>, stream: TcpStream, permit: OwnedSemaphorePermit) {
    let _permit = permit;
    let _open = crate::metrics::HttpConnection::open();
    let state = Arc::new(ConnectionState::new());
    let (mut stream, mut received, mut waiting) = (stream, Vec::new(), Waiting::First { accepted: state.accepted });
    loop {
        let arrival = tokio::select! {
            arrival = request(&stream, std::mem::take(&mut received), waiting, &server.limits) => arrival,
            told = told(&server, &state) => match told {
                Told::Shed => return crate::metrics::http_closed("shed"),
                Told::Stop => return,
            },
        };
        let whole = match arrival {
            Arrival::Arrived(whole) => whole,
            Arrival::Gone => return,
            Arrival::Late(reason) => return crate::metrics::http_closed(reason),
        };
        // Boxed: between requests the task holds no more than the wait above.
        match Box::pin(serve_http(server.clone(), stream, whole, state.clone())).await {
            Some((back, rest)) => {
                (stream, received) = (back, rest);
                waiting = Waiting::Next { idle_since: state.idle_since() };
            }
            None => return,
        }
    }
}

/// The future hyper's service answers with: boxed, so that the connection
/// can be polled without being pinned, and given back.
type Answering = Pin<Box<dyn Future<Output = Result<Response<Body>, Infallible>> + Send>>;

/// hyper's HTTP/1 on a connection whose request has arrived, until the
/// connection ends (`None`) or has been quiet for [`HAND_BACK_AFTER`](super::state::HAND_BACK_AFTER)
/// after a response: then hyper gives it back, with any bytes it read of
/// the next request, to wait for that outside hyper.
async fn serve_http(
    server: Arc<Server>,
    stream: TcpStream,
    received: Vec<u8>,
    state: Arc<ConnectionState>,
) -> Option<(TcpStream, Vec<u8>)> {
    let io = TokioIo::new(Watched::new(stream, received, state.clone(), server.limits));
    let (router, body_timeout, requests) = (server.router.clone(), server.limits.body_timeout, state.clone());
    let service = hyper::service::service_fn(move |request: Request<Incoming>| -> Answering {
        requests.begin();
        let request = request.map(|body| Body::new(Deadline::new(body, body_timeout, requests.clone())));
        let (router, requests) = (router.clone(), requests.clone());
        Box::pin(async move {
            let response = router.oneshot(request).await;
            requests.end();
            response
        })
    });
    // hyper's own header timer would count idle time as header time: the deadlines are Watched's.
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder.header_read_timeout(None);
    let mut connection = builder.serve_connection(io, service);
    let from = state.answered();
    let told = tokio::select! {
        biased;
        ended = poll_fn(|cx| connection.poll_without_shutdown(cx)) => {
            if let Err(error) = ended {
                tracing::debug!("an HTTP connection ended: {error}");
                return None;
            }
            // Done (the client closed, or asked to): closed as hyper would have.
            let mut watched = connection.into_parts().io.into_inner();
            let _ = watched.shutdown().await;
            return None;
        }
        told = told(&server, &state) => Some(told),
        () = quiet(&state, from) => None,
    };
    match told {
        Some(Told::Shed) => {
            crate::metrics::http_closed("shed");
            None
        }
        // The request in flight finishes; an idle connection closes at once.
        Some(Told::Stop) => {
            wind_up(&mut connection).await;
            None
        }
        // Quiet: hyper is between requests, so it closes its side at once and gives the socket back.
        None => {
            if !wind_up(&mut connection).await {
                return None;
            }
            let parts = connection.into_parts();
            let (stream, mut rest) = parts.io.into_inner().into_parts();
            rest.extend_from_slice(&parts.read_buf);
            Some((stream, rest))
        }
    }
}

/// Lets hyper finish the request it is on and take no other, keeping the
/// socket; `false` if the connection failed on the way.
async fn wind_up<S>(connection: &mut hyper::server::conn::http1::Connection<TokioIo<Watched>, S>) -> bool
where
    S: hyper::service::HttpService<Incoming, ResBody = Body> + Unpin,
    S::Future: Unpin,
    S::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    Pin::new(&mut *connection).graceful_shutdown();
    match poll_fn(|cx| connection.poll_without_shutdown(cx)).await {
        Ok(()) => true,
        Err(error) => {
            tracing::debug!("an HTTP connection ended: {error}");
            false
        }
    }
}

/// Completes once the connection has been quiet for [`HAND_BACK_AFTER`](super::state::HAND_BACK_AFTER)
/// after a response, past the `from` it had when hyper took it.
async fn quiet(state: &ConnectionState, from: u64) {
    while let Err(wait) = state.quiet(from) {
        tokio::time::sleep(wait).await;
    }
}
