//! A request read whole before hyper takes the connection: a connection's
//! first, and each next one on a kept-alive connection that hyper gave back
//! once it was quiet ([`super::state::HAND_BACK_AFTER`]). hyper gives every
//! connection two 8 KiB buffers, so a client that sends nothing, or its
//! headers or its body a byte at a time, or that keeps its connection open
//! between requests, would hold them for as long as its deadline allows;
//! while its request is not all there, a connection here holds only the
//! bytes it sent.
//!
//! A request that cannot be waited for here (larger than [`WHOLE_MAX`],
//! chunked, or expecting `100 Continue` before it sends its body) goes to
//! hyper as soon as its head is in; so does anything that is not HTTP/1,
//! for hyper to answer.

use std::io;

use tokio::net::TcpStream;
use tokio::time::Instant;

use crate::config::HttpSettings;

/// Most of a first request read here; Slack's and Discord's are a few kilobytes.
pub const WHOLE_MAX: usize = 16 * 1024;

/// What became of a request.
pub enum Arrival {
    /// The bytes to hand to hyper: the whole request, or as much as is waited for here.
    Arrived(Vec<u8>),
    /// The client went away before it was all there (or, between requests, closed).
    Gone,
    /// A deadline passed first (`header_timeout`, `body_timeout` or `idle_timeout`).
    Late(&'static str),
}

/// What a connection waits for before a request's first byte: the header
/// deadline from its opening, for its first request; the idle deadline
/// from its last response, for a next one, after which the header
/// deadline starts at the first byte.
#[derive(Debug, Clone, Copy)]
pub enum Waiting {
    First { accepted: Instant },
    Next { idle_since: Instant },
}

/// Reads a request on `stream`, after the bytes already `received` of it,
/// until it is all there, within the deadline `waiting` says, then the
/// header and body deadlines.
pub async fn request(stream: &TcpStream, received: Vec<u8>, waiting: Waiting, limits: &HttpSettings) -> Arrival {
    let mut received = received;
    let header = |from: Instant| (from + limits.header_timeout, "header_timeout");
    let mut deadline = match waiting {
        Waiting::First { accepted } => header(accepted),
        Waiting::Next { .. } if !received.is_empty() => header(Instant::now()),
        Waiting::Next { idle_since } => (idle_since + limits.idle_timeout, "idle_timeout"),
    };
    let mut head_in = false;
    loop {
        match still_to_come(&received) {
            ToCome::Head if received.len() < WHOLE_MAX => {}
            ToCome::Body { total } if received.len() < total => {
                if !head_in {
                    head_in = true;
                    deadline = (Instant::now() + limits.body_timeout, "body_timeout");
                }
            }
            _ => return Arrival::Arrived(received),
        }
        tokio::select! {
            ready = stream.readable() => if ready.is_err() { return Arrival::Gone },
            () = tokio::time::sleep_until(deadline.0) => return Arrival::Late(deadline.1),
        }
        // A chunk on the stack, kept only as long as the read.
        let mut chunk = [0u8; 2048];
        match stream.try_read(&mut chunk) {
            Ok(0) => return Arrival::Gone,
            Ok(read) => {
                if received.is_empty() && deadline.1 == "idle_timeout" {
                    deadline = header(Instant::now());
                }
                received.extend_from_slice(&chunk[..read]);
            }
            Err(error) if error.kind() == io::ErrorKind::WouldBlock => {}
            Err(_) => return Arrival::Gone,
        }
    }
}

/// What a request still lacks.
#[derive(Debug, PartialEq, Eq)]
enum ToCome {
    /// Its head is not all there.
    Head,
    /// The head is in; head and body together are `total` bytes.
    Body { total: usize },
    /// Nothing more is waited for here.
    Nothing,
}

fn still_to_come(received: &[u8]) -> ToCome {
    let mut headers = [httparse::EMPTY_HEADER; 64];
    let mut request = httparse::Request::new(&mut headers);
    let head = match request.parse(received) {
        Ok(httparse::Status::Partial) => return ToCome::Head,
        Ok(httparse::Status::Complete(head)) => head,
        // Not a request hyper would read either: it answers it.
        Err(_) => return ToCome::Nothing,
    };
    let mut length = 0;
    for header in request.headers.iter() {
        let is = |name: &str| header.name.eq_ignore_ascii_case(name);
        if is("transfer-encoding") || is("expect") {
            return ToCome::Nothing;
        }
        if is("content-length") {
            match std::str::from_utf8(header.value).ok().and_then(|v| v.trim().parse::<usize>().ok()) {
                Some(value) => length = value,
                None => return ToCome::Nothing,
            }
        }
    }
    match head.checked_add(length) {
        Some(total) if total <= WHOLE_MAX => ToCome::Body { total },
        _ => ToCome::Nothing,
    }
}

#[cfg(test)]
mod tests {
    use super::{ToCome, WHOLE_MAX, still_to_come};

    #[test]
    fn waits_for_the_head_then_the_body_it_announces() {
        let post = "POST /slack/commands HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\n";
        assert_eq!(still_to_come(b""), ToCome::Head);
        assert_eq!(still_to_come(&post.as_bytes()[..20]), ToCome::Head);
        assert_eq!(still_to_come(post.as_bytes()), ToCome::Body { total: post.len() + 5 });
        assert_eq!(still_to_come(b"GET /healthz HTTP/1.1\r\n\r\n"), ToCome::Body { total: 25 });
        let large = format!("POST / HTTP/1.1\r\nContent-Length: {WHOLE_MAX}\r\n\r\n");
        assert_eq!(still_to_come(large.as_bytes()), ToCome::Nothing, "left to hyper");
        for header in ["Transfer-Encoding: chunked", "Expect: 100-continue", "Content-Length: many"] {
            let request = format!("POST / HTTP/1.1\r\n{header}\r\n\r\n");
            assert_eq!(still_to_come(request.as_bytes()), ToCome::Nothing, "{header}");
        }
        assert_eq!(still_to_come(b"\x16\x03\x01 not http\r\n\r\n"), ToCome::Nothing);
    }
}
