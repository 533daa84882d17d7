//! emcee's Prometheus series, recorded through the `metrics` facade and
//! rendered by its Prometheus exporter on `GET /metrics`.
//!
//! | series | labels |
//! |---|---|
//! | `emcee_commands_total` | platform, command, status |
//! | `emcee_reply_seconds` (histogram) | platform, command |
//! | `emcee_usage_queue_depth` (gauge) | |
//! | `emcee_usage_events_total` | outcome: written, retried, spilled, replayed, dropped, journaled |
//! | `emcee_usage_events_rejected_total` | |
//! | `emcee_announcements_total` | platform, outcome: sent, failed |
//! | `emcee_http_responses_total` | route, status |
//! | `emcee_http_request_seconds` (histogram) | route |
//! | `emcee_http_connections` (gauge) | |
//! | `emcee_http_connections_closed_total` | reason: header_timeout, body_timeout, idle_timeout, shed |
//! | `emcee_http_pressure_total` | cause: connections (at the cap), accept (out of descriptors) |
//! | `emcee_internal_errors_total` | command |
//! | `emcee_work_dropped_total` | reason: person (too many of theirs in flight), busy (the background is full) |

use std::borrow::Cow;
use std::sync::OnceLock;
use std::time::Duration;

use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};

/// Reply latencies worth telling apart: tens of microseconds up to the
/// three seconds a platform waits.
const SECONDS_BUCKETS: &[f64] =
    &[0.000_05, 0.000_1, 0.000_25, 0.000_5, 0.001, 0.002_5, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 3.0];

static HANDLE: OnceLock<Option<PrometheusHandle>> = OnceLock::new();

/// Installs the process-wide recorder, once; later calls return the same
/// handle. `None` when another recorder was installed first.
pub fn install() -> Option<&'static PrometheusHandle> {
    HANDLE
        .get_or_init(|| {
            let recorder = PrometheusBuilder::new()
                .set_buckets_for_metric(Matcher::Suffix("_seconds".into()), SECONDS_BUCKETS)
                .ok()?
                .build_recorder();
            let handle = recorder.handle();
            match metrics::set_global_recorder(recorder) {
                Ok(()) => {
                    describe();
                    Some(handle)
                }
                Err(_) => None,
            }
        })
        .as_ref()
}

fn describe() {
    metrics::describe_counter!("emcee_commands_total", "Commands answered, by platform, command and status.");
    metrics::describe_histogram!(
        "emcee_reply_seconds",
        metrics::Unit::Seconds,
        "Time from a command's arrival to its reply, by platform and command."
    );
    metrics::describe_gauge!("emcee_usage_queue_depth", "Usage events waiting in memory for the database.");
    metrics::describe_counter!(
        "emcee_usage_events_total",
        "Usage events by outcome: written, retried, spilled (to the local file), replayed (from it), dropped, \
         journaled (on the disk before their reply, with crash durability)."
    );
    metrics::describe_counter!(
        "emcee_usage_events_rejected_total",
        "Usage events the database refused for what they hold, set aside in usage-rejected.jsonl."
    );
    metrics::describe_counter!("emcee_announcements_total", "Announcements by platform and outcome: sent or failed.");
    metrics::describe_counter!("emcee_http_responses_total", "HTTP responses by route and status code.");
    metrics::describe_histogram!(
        "emcee_http_request_seconds",
        metrics::Unit::Seconds,
        "Time to answer an HTTP request, by route."
    );
    metrics::describe_gauge!("emcee_http_connections", "HTTP connections open.");
    metrics::describe_counter!(
        "emcee_http_connections_closed_total",
        "HTTP connections the server closed: a deadline passed (header_timeout, body_timeout, idle_timeout), \
         or room was needed (shed)."
    );
    metrics::describe_counter!(
        "emcee_http_pressure_total",
        "Times room was needed: connections at the cap, or an accept that failed for want of descriptors."
    );
    metrics::describe_counter!(
        "emcee_internal_errors_total",
        "Commands answered with a generic error because work inside emcee failed (the database), by command; \
         the detail is in the log."
    );
    metrics::describe_counter!(
        "emcee_work_dropped_total",
        "Clicks and events dropped before any work: the person had too many commands in flight (person), or as \
         much work as is allowed ran in the background (busy)."
    );
}

/// One command answered.
pub fn command(platform: &'static str, command: &'static str, status: &'static str, took: Duration) {
    metrics::counter!("emcee_commands_total", "platform" => platform, "command" => command, "status" => status)
        .increment(1);
    metrics::histogram!("emcee_reply_seconds", "platform" => platform, "command" => command).record(took.as_secs_f64());
}

/// One announcement sent, or not.
pub fn announcement(platform: &'static str, sent: bool) {
    let outcome = if sent { "sent" } else { "failed" };
    metrics::counter!("emcee_announcements_total", "platform" => platform, "outcome" => outcome).increment(1);
}

/// One HTTP response.
pub fn http_response(route: &'static str, status: u16, took: Duration) {
    let status = match status {
        200 => Cow::Borrowed("200"),
        400 => Cow::Borrowed("400"),
        401 => Cow::Borrowed("401"),
        404 => Cow::Borrowed("404"),
        413 => Cow::Borrowed("413"),
        other => Cow::Owned(other.to_string()),
    };
    metrics::counter!("emcee_http_responses_total", "route" => route, "status" => status).increment(1);
    metrics::histogram!("emcee_http_request_seconds", "route" => route).record(took.as_secs_f64());
}

/// An open HTTP connection, counted in `emcee_http_connections` while it lives.
pub struct HttpConnection(());

impl HttpConnection {
    pub fn open() -> HttpConnection {
        metrics::gauge!("emcee_http_connections").increment(1.0);
        HttpConnection(())
    }
}

impl Drop for HttpConnection {
    fn drop(&mut self) {
        metrics::gauge!("emcee_http_connections").decrement(1.0);
    }
}

/// The server closed a connection, and why.
pub fn http_closed(reason: &'static str) {
    metrics::counter!("emcee_http_connections_closed_total", "reason" => reason).increment(1);
}

/// Room was needed for connections.
pub fn http_pressure(cause: &'static str) {
    metrics::counter!("emcee_http_pressure_total", "cause" => cause).increment(1);
}

/// A command answered with a generic error, its detail logged.
pub fn internal_error(command: &'static str) {
    metrics::counter!("emcee_internal_errors_total", "command" => command).increment(1);
}

/// A click or event dropped before any work was done for it, and why.
pub fn work_dropped(reason: &'static str) {
    metrics::counter!("emcee_work_dropped_total", "reason" => reason).increment(1);
}

/// How often histograms fold their recorded samples into their buckets.
pub const UPKEEP_EVERY: std::time::Duration = std::time::Duration::from_secs(5);

/// Folds the histograms' recorded samples into their buckets. Samples wait
/// in memory until this or a scrape runs, so a server runs it every
/// [`UPKEEP_EVERY`]: memory stays flat when nothing scrapes.
pub fn upkeep() {
    if let Some(Some(handle)) = HANDLE.get() {
        handle.run_upkeep();
    }
}

/// Copies the usage writer's queue depth, counts by outcome and refused
/// events into the series; called before each scrape.
pub fn usage(queue_depth: usize, outcomes: &[(&'static str, u64)], rejected: u64) {
    metrics::gauge!("emcee_usage_queue_depth").set(queue_depth as f64);
    for &(outcome, value) in outcomes {
        metrics::counter!("emcee_usage_events_total", "outcome" => outcome).absolute(value);
    }
    metrics::counter!("emcee_usage_events_rejected_total").absolute(rejected);
}

/// The exposition text.
pub fn render() -> String {
    install().map(PrometheusHandle::render).unwrap_or_default()
}
