//! How `emcee serve`'s HTTP server treats slow, silent and idle clients,
//! and how many connections it holds (where it listens is
//! `EMCEE_HTTP_ADDR`, in `mod.rs`).

use std::time::Duration;

use anyhow::bail;

use super::Raw;

/// The HTTP server's limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HttpSettings {
    /// From a connection's opening, or the first byte of a request, to the
    /// end of the request's headers.
    pub header_timeout: Duration,
    /// From the end of a request's headers to the end of its body.
    pub body_timeout: Duration,
    /// How long a kept-alive connection may wait for its next request.
    pub idle_timeout: Duration,
    /// Most connections open at once. At the cap, connections that sit
    /// between requests are closed to make room.
    pub max_connections: usize,
}

/// Slack and Discord send a request's headers and body at once; ten
/// seconds is ample, and short enough that slow clients cannot pile up.
pub const DEFAULT_HEADER_SECONDS: u64 = 10;
pub const DEFAULT_BODY_SECONDS: u64 = 10;
/// Longer than the 60 s idle timeout of the usual load balancers, so that
/// the balancer, not emcee, closes a kept-alive connection: a request it
/// sends just as emcee closes would fail.
pub const DEFAULT_IDLE_SECONDS: u64 = 75;
/// A connection costs about 1 KB while its first request arrives and about
/// 12 KB kept alive between requests (hyper's buffers): 10,000 kept alive
/// are about 120 MB over the 60 MB the server needs anyway, within the
/// Deployment's 256 MiB.
pub const DEFAULT_MAX_CONNECTIONS: u64 = 10_000;

impl Default for HttpSettings {
    fn default() -> HttpSettings {
        HttpSettings {
            header_timeout: Duration::from_secs(DEFAULT_HEADER_SECONDS),
            body_timeout: Duration::from_secs(DEFAULT_BODY_SECONDS),
            idle_timeout: Duration::from_secs(DEFAULT_IDLE_SECONDS),
            max_connections: DEFAULT_MAX_CONNECTIONS as usize,
        }
    }
}

pub(super) fn http_settings(raw: &Raw) -> anyhow::Result<HttpSettings> {
    let seconds = |value: u64, name: &str| {
        if value == 0 || value > 3_600 {
            bail!("EMCEE_HTTP_{name}_TIMEOUT_SECONDS is {value}; use 1 to 3600 seconds");
        }
        Ok(Duration::from_secs(value))
    };
    if !(1..=1_000_000).contains(&raw.http_max_connections) {
        bail!("EMCEE_HTTP_MAX_CONNECTIONS is {}; use 1 to 1000000", raw.http_max_connections);
    }
    Ok(HttpSettings {
        header_timeout: seconds(raw.http_header_timeout_seconds, "HEADER")?,
        body_timeout: seconds(raw.http_body_timeout_seconds, "BODY")?,
        idle_timeout: seconds(raw.http_idle_timeout_seconds, "IDLE")?,
        max_connections: raw.http_max_connections as usize,
    })
}
