//! The deadlines a connection keeps once hyper has it: on the socket's
//! reads ([`Watched`]: a request's headers, and the wait for the next
//! request on a kept-alive connection) and on each request's body
//! ([`Deadline`]). A request whose bytes have all arrived sets no timer.

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::task::{Context, Poll, ready};
use std::time::Duration;

use axum::body::Bytes;
use hyper::body::{Frame, Incoming, SizeHint};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio::time::{Instant, Sleep};

use super::state::ConnectionState;
use crate::config::HttpSettings;

/// The socket, with the header and idle deadlines kept on its reads, and
/// the bytes of the first request read before it ([`super::arrival`]) given
/// back first.
pub(super) struct Watched {
    stream: TcpStream,
    /// The first request's bytes, read before hyper had the connection, and how many were given.
    received: Vec<u8>,
    given: usize,
    state: Arc<ConnectionState>,
    limits: HttpSettings,
    /// Responses gone when the next request's first bytes came, and when
    /// that was first noticed.
    head_at: Option<u64>,
    head_since: Option<Instant>,
    timer: Option<Pin<Box<Sleep>>>,
    /// The deadline the timer is set for.
    armed: Option<Instant>,
}

impl Watched {
    pub(super) fn new(
        stream: TcpStream,
        received: Vec<u8>,
        state: Arc<ConnectionState>,
        limits: HttpSettings,
    ) -> Watched {
        Watched { stream, received, given: 0, state, limits, head_at: None, head_since: None, timer: None, armed: None }
    }

    /// The socket and the bytes read before hyper had it that hyper has not
    /// been given: to wait for the next request outside hyper.
    pub(super) fn into_parts(self) -> (TcpStream, Vec<u8>) {
        let rest = self.received[self.given..].to_vec();
        (self.stream, rest)
    }

    /// Whether the last write left bytes with hyper.
    fn note(&self, blocked: bool) {
        self.state.blocked.store(blocked, Ordering::Relaxed);
    }

    /// Ready with an error once the deadline of what the connection waits
    /// for has passed; otherwise wakes the task then. Reads the clock once
    /// between requests, and not while one is answered.
    fn poll_deadline(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        if self.state.expired.load(Ordering::Relaxed) {
            return Poll::Ready(Err(io::Error::new(io::ErrorKind::TimedOut, "the request's body took too long")));
        }
        if self.state.busy.load(Ordering::Relaxed) {
            // The body keeps its own deadline. The timer only makes sure the
            // connection is looked at again after the response: hyper, having
            // found the socket empty while the handler worked, would wait for
            // its next byte.
            if self.armed.is_none() {
                self.arm(Instant::now() + self.limits.idle_timeout, cx);
            } else if let Some(timer) = self.timer.as_mut()
                && timer.as_mut().poll(cx).is_ready()
            {
                self.arm(Instant::now() + self.limits.idle_timeout, cx);
            }
            return Poll::Pending;
        }
        let now = Instant::now();
        let answered = self.state.answered.load(Ordering::Relaxed);
        let (deadline, reason) = if answered == 0 {
            // The first request: from the connection's opening.
            (self.state.accepted + self.limits.header_timeout, "header_timeout")
        } else if self.head_at == Some(answered) {
            (*self.head_since.get_or_insert(now) + self.limits.header_timeout, "header_timeout")
        } else {
            (self.state.idle_since() + self.limits.idle_timeout, "idle_timeout")
        };
        if now >= deadline {
            crate::metrics::http_closed(reason);
            return Poll::Ready(Err(io::Error::new(io::ErrorKind::TimedOut, reason)));
        }
        // Set again only when the deadline moved earlier, or over a second
        // later: under load the idle deadline moves a little with each
        // request, and a timer that fires early is simply set again.
        let moved = |armed: Instant| deadline < armed || deadline > armed + Duration::from_secs(1);
        if self.armed.is_none_or(moved) {
            self.arm(deadline, cx);
        } else if let Some(timer) = self.timer.as_mut()
            && timer.as_mut().poll(cx).is_ready()
        {
            // Early: the deadline had moved on.
            self.arm(deadline, cx);
        }
        Poll::Pending
    }

    /// Sets the timer for `deadline`, to wake this task then.
    fn arm(&mut self, deadline: Instant, cx: &mut Context<'_>) {
        let timer = self.timer.get_or_insert_with(|| Box::pin(tokio::time::sleep_until(deadline)));
        timer.as_mut().reset(deadline);
        self.armed = Some(deadline);
        let _ = timer.as_mut().poll(cx);
    }
}

impl AsyncRead for Watched {
    fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        if this.given < this.received.len() {
            let give = (this.received.len() - this.given).min(buf.remaining());
            buf.put_slice(&this.received[this.given..this.given + give]);
            this.given += give;
            if this.given == this.received.len() {
                // Given whole: the memory goes.
                (this.received, this.given) = (Vec::new(), 0);
            }
            return Poll::Ready(Ok(()));
        }
        let before = buf.filled().len();
        match Pin::new(&mut this.stream).poll_read(cx, buf) {
            Poll::Ready(Ok(())) => {
                if buf.filled().len() > before && !this.state.busy.load(Ordering::Relaxed) {
                    this.state.arriving.store(true, Ordering::Relaxed);
                    // The first bytes of a request: its header deadline starts.
                    let answered = this.state.answered.load(Ordering::Relaxed);
                    if this.head_at != Some(answered) {
                        (this.head_at, this.head_since) = (Some(answered), None);
                    }
                }
                Poll::Ready(Ok(()))
            }
            Poll::Pending => this.poll_deadline(cx),
            failed => failed,
        }
    }
}

impl AsyncWrite for Watched {
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let written = Pin::new(&mut this.stream).poll_write(cx, buf);
        this.note(written.is_pending());
        written
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let written = Pin::new(&mut this.stream).poll_write_vectored(cx, bufs);
        this.note(written.is_pending());
        written
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_shutdown(cx)
    }
}

/// A request's body that fails once its deadline has passed. The clock is
/// read, and the timer set, only if the body is not all there when it is
/// first read, which is when the handler starts: the headers' end.
pub(super) struct Deadline {
    body: Incoming,
    limit: Duration,
    timer: Option<Pin<Box<Sleep>>>,
    state: Arc<ConnectionState>,
}

impl Deadline {
    pub(super) fn new(body: Incoming, limit: Duration, state: Arc<ConnectionState>) -> Deadline {
        Deadline { body, limit, timer: None, state }
    }
}

impl hyper::body::Body for Deadline {
    type Data = Bytes;
    type Error = Box<dyn std::error::Error + Send + Sync>;

    fn poll_frame(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        let this = self.get_mut();
        if let Poll::Ready(frame) = Pin::new(&mut this.body).poll_frame(cx) {
            return Poll::Ready(frame.map(|frame| frame.map_err(Into::into)));
        }
        let limit = this.limit;
        let timer = this.timer.get_or_insert_with(|| Box::pin(tokio::time::sleep(limit)));
        ready!(timer.as_mut().poll(cx));
        // The connection closes rather than wait for the rest.
        this.state.expired.store(true, Ordering::Relaxed);
        crate::metrics::http_closed("body_timeout");
        Poll::Ready(Some(Err("the request's body took too long".into())))
    }

    fn is_end_stream(&self) -> bool {
        hyper::body::Body::is_end_stream(&self.body)
    }

    fn size_hint(&self) -> SizeHint {
        hyper::body::Body::size_hint(&self.body)
    }
}
