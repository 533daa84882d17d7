//! A connection's first request, read whole before hyper takes the
//! connection. hyper gives every connection two 8 KiB buffers at once, so a
//! client that sends nothing, or its headers or its body a byte at a time,
//! would hold them for as long as its deadline allows; until its first
//! request is all there, a connection here holds only the bytes it sent.
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

/// What became of a first request.
pub enum Arrival {
    /// The bytes to hand to hyper: the whole request, or as much as is waited for here.
    Arrived(Vec<u8>),
    /// The client went away before it was all there.
    Gone,
    /// A deadline passed first (`header_timeout` or `body_timeout`).
    Late(&'static str),
}

/// Reads the first request on `stream` until it is all there, within the
/// header deadline (from `accepted`) and then the body deadline.
pub async fn first_request(stream: &TcpStream, accepted: Instant, limits: &HttpSettings) -> Arrival {
    let mut received = Vec::new();
    let mut deadline = (accepted + limits.header_timeout, "header_timeout");
    let mut head_in = false;
    loop {
        tokio::select! {
            ready = stream.readable() => if ready.is_err() { return Arrival::Gone },
            () = tokio::time::sleep_until(deadline.0) => return Arrival::Late(deadline.1),
        }
        // A chunk on the stack, kept only as long as the read.
        let mut chunk = [0u8; 2048];
        match stream.try_read(&mut chunk) {
            Ok(0) => return Arrival::Gone,
            Ok(read) => received.extend_from_slice(&chunk[..read]),
            Err(error) if error.kind() == io::ErrorKind::WouldBlock => continue,
            Err(_) => return Arrival::Gone,
        }
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
    }
}

/// What a first request still lacks.
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
