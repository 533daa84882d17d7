//! emcee's Prometheus series, recorded through the `metrics` facade and
//! rendered by its Prometheus exporter on `GET /metrics`. [`SERIES`] names
//! each once, with its kind and what it counts; `docs/operators.md`'s
//! metrics table lists the same, with their labels, and a test keeps the
//! table, the list and the recording calls below in step.

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

/// What kind of series a name is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Counter,
    Gauge,
    Histogram,
}

/// One series: its name, kind, unit and what it counts (its `# HELP` line).
#[derive(Debug)]
pub struct Series {
    pub name: &'static str,
    pub kind: Kind,
    pub unit: Option<metrics::Unit>,
    pub help: &'static str,
}

const fn series(name: &'static str, kind: Kind, help: &'static str) -> Series {
    let unit = match kind {
        Kind::Histogram => Some(metrics::Unit::Seconds),
        Kind::Counter | Kind::Gauge => None,
    };
    Series { name, kind, unit, help }
}

/// Every series emcee records.
pub const SERIES: &[Series] = &[
    series("emcee_commands_total", Kind::Counter, "Commands answered, by platform, command and status."),
    series(
        "emcee_reply_seconds",
        Kind::Histogram,
        "Time from a command's arrival to its reply, by platform and command.",
    ),
    series("emcee_usage_queue_depth", Kind::Gauge, "Usage events waiting in memory for the database."),
    series(
        "emcee_usage_events_total",
        Kind::Counter,
        "Usage events by outcome: written, retried, spilled (to the local file), replayed (from it), dropped, \
         journaled (on the disk before their reply, with crash durability).",
    ),
    series(
        "emcee_usage_events_rejected_total",
        Kind::Counter,
        "Usage events the database refused for what they hold, set aside in usage-rejected.jsonl.",
    ),
    series("emcee_announcements_total", Kind::Counter, "Announcements by platform and outcome: sent or failed."),
    series(
        "emcee_help_requests_total",
        Kind::Counter,
        "Questions /ask could not answer, by platform and outcome: posted to the help channel, joined (one \
         already waiting), person_limited or channel_limited (held back).",
    ),
    series("emcee_http_responses_total", Kind::Counter, "HTTP responses by route and status code."),
    series("emcee_http_request_seconds", Kind::Histogram, "Time to answer an HTTP request, by route."),
    series("emcee_http_connections", Kind::Gauge, "HTTP connections open."),
    series(
        "emcee_http_connections_closed_total",
        Kind::Counter,
        "HTTP connections the server closed: a deadline passed (header_timeout, body_timeout, idle_timeout), \
         or room was needed (shed).",
    ),
    series(
        "emcee_http_pressure_total",
        Kind::Counter,
        "Times room was needed: connections at the cap, or an accept that failed for want of descriptors.",
    ),
    series(
        "emcee_internal_errors_total",
        Kind::Counter,
        "Commands answered with a generic error because work inside emcee failed (the database), by command; \
         the detail is in the log.",
    ),
    series(
        "emcee_work_dropped_total",
        Kind::Counter,
        "Clicks and events dropped before any work: the person had too many commands in flight (person), or as \
         much work as is allowed ran in the background (busy).",
    ),
];

fn describe() {
    metrics::with_recorder(|recorder| {
        for series in SERIES {
            let (name, help) = (series.name.into(), series.help.into());
            match series.kind {
                Kind::Counter => recorder.describe_counter(name, series.unit, help),
                Kind::Gauge => recorder.describe_gauge(name, series.unit, help),
                Kind::Histogram => recorder.describe_histogram(name, series.unit, help),
            }
        }
    });
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

/// One question /ask could not answer, passed to a help channel or held back.
pub fn help_request(platform: &'static str, outcome: &'static str) {
    metrics::counter!("emcee_help_requests_total", "platform" => platform, "outcome" => outcome).increment(1);
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

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, BTreeSet};
    use std::path::Path;

    use super::{Kind, SERIES};

    const MACROS: [(&str, Kind); 3] =
        [("counter", Kind::Counter), ("gauge", Kind::Gauge), ("histogram", Kind::Histogram)];

    fn kind_name(kind: Kind) -> &'static str {
        MACROS.iter().find(|(_, k)| *k == kind).map(|(name, _)| *name).unwrap()
    }

    /// The string literals of one macro call's arguments, from just after
    /// its `(` to its `)`, each with whether `=>` follows it (a label).
    fn literals(call: &str) -> Vec<(String, bool)> {
        let mut found = Vec::new();
        let mut chars = call.char_indices().peekable();
        let mut depth = 1;
        while let Some((_, c)) = chars.next() {
            match c {
                '(' | '[' | '{' => depth += 1,
                ')' | ']' | '}' => {
                    depth -= 1;
                    if depth == 0 {
                        break;
                    }
                }
                '"' => {
                    let mut text = String::new();
                    let mut end = call.len();
                    while let Some((at, c)) = chars.next() {
                        match c {
                            '\\' => text.extend(chars.next().map(|(_, c)| c)),
                            '"' => {
                                end = at + 1;
                                break;
                            }
                            c => text.push(c),
                        }
                    }
                    found.push((text, call[end..].trim_start().starts_with("=>")));
                }
                _ => {}
            }
        }
        found
    }

    /// Every `counter!`, `gauge!` and `histogram!` call under `bot/src`:
    /// the series it records, its kind, its label names and where it is.
    fn recording_calls() -> Vec<(String, Kind, Vec<String>, String)> {
        fn walk(dir: &Path, files: &mut Vec<std::path::PathBuf>) {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    walk(&path, files);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    files.push(path);
                }
            }
        }
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut files = Vec::new();
        walk(&root, &mut files);
        files.sort();
        let mut calls = Vec::new();
        for file in files {
            let source = std::fs::read_to_string(&file).unwrap();
            let code: String =
                source.lines().filter(|line| !line.trim_start().starts_with("//")).collect::<Vec<_>>().join("\n");
            for (name, kind) in MACROS {
                let opening = format!("{name}!(");
                for (at, _) in code.match_indices(&opening) {
                    let before = code[..at].chars().next_back();
                    if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                        continue;
                    }
                    let line = code[..at].lines().count();
                    let place = format!("{}:{line}", file.strip_prefix(&root).unwrap().display());
                    let literals = literals(&code[at + opening.len()..]);
                    let Some((series, false)) = literals.first().cloned() else {
                        panic!("{place}: {name}! without a series name written as a literal");
                    };
                    let labels = literals.into_iter().filter(|(_, label)| *label).map(|(text, _)| text).collect();
                    calls.push((series, kind, labels, place));
                }
            }
        }
        calls
    }

    /// The rows of the metrics table in `docs/operators.md`: metric, type, label names.
    fn operators_guide_metrics() -> Vec<(String, String, BTreeSet<String>)> {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/operators.md");
        let guide = std::fs::read_to_string(path).unwrap();
        let table =
            guide.split("| metric | type | labels | meaning |").nth(1).expect("docs/operators.md has a metrics table");
        let backticked =
            |cell: &str| -> Vec<String> { cell.split('`').skip(1).step_by(2).map(str::to_string).collect() };
        table
            .lines()
            .skip(2)
            .take_while(|line| line.starts_with('|'))
            .map(|row| {
                let cells: Vec<&str> = row.trim_start_matches('|').split('|').map(str::trim).collect();
                let name = backticked(cells[0]).join(" ");
                (
                    name,
                    cells.get(1).unwrap_or(&"").to_string(),
                    backticked(cells.get(2).unwrap_or(&"")).into_iter().collect(),
                )
            })
            .collect()
    }

    /// `docs/operators.md`'s metrics table lists every series the code
    /// describes and records, and no other, with its kind and the labels the
    /// recording calls give it; and every call records a described series.
    #[test]
    fn the_operators_guide_s_metrics_table_lists_every_series_recorded_and_no_other() {
        let mut wrong = Vec::new();
        let mut labels: BTreeMap<&str, BTreeSet<String>> = BTreeMap::new();
        let calls = recording_calls();
        assert!(calls.len() >= SERIES.len(), "too few recording calls found: {calls:?}");
        for (name, kind, call_labels, place) in &calls {
            match SERIES.iter().find(|s| s.name == name) {
                None => {
                    wrong.push(format!("{place}: records {name}, which SERIES in bot/src/metrics.rs does not list"))
                }
                Some(series) if series.kind != *kind => wrong.push(format!(
                    "{place}: records {name} as a {}, but SERIES lists it as a {}",
                    kind_name(*kind),
                    kind_name(series.kind)
                )),
                Some(series) => labels.entry(series.name).or_default().extend(call_labels.iter().cloned()),
            }
        }
        for (at, series) in SERIES.iter().enumerate() {
            if SERIES[..at].iter().any(|s| s.name == series.name) {
                wrong.push(format!("SERIES lists {} twice", series.name));
            }
            if !calls.iter().any(|(name, ..)| name == series.name) {
                wrong.push(format!("SERIES lists {}, which nothing records", series.name));
            }
        }
        let rows = operators_guide_metrics();
        for (at, (name, kind, row_labels)) in rows.iter().enumerate() {
            if rows[..at].iter().any(|(n, ..)| n == name) {
                wrong.push(format!("the table lists `{name}` twice"));
            }
            let Some(series) = SERIES.iter().find(|s| s.name == name) else {
                wrong.push(format!("the table lists `{name}`, which the code does not record"));
                continue;
            };
            if kind != kind_name(series.kind) {
                wrong.push(format!("`{name}`: the table's type is {kind}, the code's is {}", kind_name(series.kind)));
            }
            let code_labels = labels.get(series.name).cloned().unwrap_or_default();
            if *row_labels != code_labels {
                wrong.push(format!("`{name}`: the table's labels are {row_labels:?}, the code's are {code_labels:?}"));
            }
        }
        for series in SERIES {
            if !rows.iter().any(|(name, ..)| name == series.name) {
                let labels = labels.get(series.name).cloned().unwrap_or_default();
                wrong.push(format!(
                    "`{}` ({}, labels {labels:?}) is recorded but not in the table",
                    series.name,
                    kind_name(series.kind)
                ));
            }
        }
        assert!(wrong.is_empty(), "docs/operators.md's metrics table and the code disagree:\n{}", wrong.join("\n"));
    }
}
