//! Usage statistics as plain data, and the `/stats` reply made from them.
//! The bot's store computes a [`UsageSummary`]; the core only formats it, so
//! it never sees a database.

use jiff::civil::Date;
use jiff::{SignedDuration, Timestamp};
use serde::Serialize;

use crate::command::CommandKind;
use crate::reply::{Reply, Status};

/// A count of events for a name (a command, a platform, a query).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Count {
    pub name: String,
    pub events: u64,
}

/// Events and distinct users on one UTC day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Day {
    pub day: Date,
    pub events: u64,
    pub users: u64,
}

/// Reply latency of one command, in microseconds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Latency {
    pub command: String,
    pub events: u64,
    pub p50_us: u64,
    pub p95_us: u64,
    pub p99_us: u64,
}

/// How the bot was used in a window of time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UsageSummary {
    pub since: Timestamp,
    pub until: Timestamp,
    /// Every event in the window.
    pub total: u64,
    pub users: u64,
    pub by_command: Vec<Count>,
    pub by_platform: Vec<Count>,
    pub by_day: Vec<Day>,
    pub top_queries: Vec<Count>,
    /// Queries answered `not_found`.
    pub unanswered: Vec<Count>,
    pub latency: Vec<Latency>,
}

/// The window `/stats` and `emcee stats` use when none is given.
pub const DEFAULT_SINCE: &str = "7d";

/// Reads a window start: a length back from `now` (`90m`, `24h`, `7d`,
/// `2w`), a date (`2026-11-01`, midnight UTC), an RFC 3339 instant, or `all`.
pub fn parse_since(text: &str, now: Timestamp) -> Result<Timestamp, SinceError> {
    let text = text.trim();
    if text.eq_ignore_ascii_case("all") {
        return Ok(Timestamp::UNIX_EPOCH);
    }
    if let Some(unit) = text.chars().last().filter(|c| c.is_ascii_alphabetic())
        && let Ok(n) = text[..text.len() - 1].parse::<i64>()
    {
        let seconds = match unit.to_ascii_lowercase() {
            'm' => 60,
            'h' => 3_600,
            'd' => 86_400,
            'w' => 604_800,
            _ => return Err(bad_since(text)),
        };
        if n < 0 {
            return Err(bad_since(text));
        }
        let back = SignedDuration::from_secs(n.saturating_mul(seconds));
        return Ok(now.checked_sub(back).unwrap_or(Timestamp::UNIX_EPOCH).max(Timestamp::UNIX_EPOCH));
    }
    if let Ok(at) = text.parse::<Timestamp>() {
        return Ok(at);
    }
    if let Ok(date) = text.parse::<Date>()
        && let Ok(at) = date.to_zoned(jiff::tz::TimeZone::UTC)
    {
        return Ok(at.timestamp());
    }
    Err(bad_since(text))
}

/// A window start [`parse_since`] cannot read; the message is for the user.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("“{text}” is not a time window. Use 90m, 24h, 7d, 2w, a date such as 2026-11-01, or all.")]
pub struct SinceError {
    /// The window as given, trimmed.
    pub text: String,
}

fn bad_since(text: &str) -> SinceError {
    SinceError { text: text.to_string() }
}

/// The `/stats` reply.
pub fn reply(summary: &UsageSummary) -> Reply {
    let mut reply = Reply::new(CommandKind::Stats, Status::Ok);
    let since = summary.since.to_zoned(jiff::tz::TimeZone::UTC);
    reply.title = Some(if summary.since == Timestamp::UNIX_EPOCH {
        String::from("Usage, all time")
    } else {
        format!("Usage since {}", since.strftime("%a %-d %b %Y %H:%M UTC"))
    });
    reply.body = match summary.total {
        0 => String::from("No commands in this window."),
        total => format!("{total} commands from {} people.", summary.users),
    };
    let list =
        |counts: &[Count]| counts.iter().map(|c| format!("{} {}", c.name, c.events)).collect::<Vec<_>>().join(" · ");
    let ranked = |counts: &[Count]| {
        counts
            .iter()
            .enumerate()
            .map(|(i, c)| format!("{}. “{}” ×{}", i + 1, c.name, c.events))
            .collect::<Vec<_>>()
            .join("\n")
    };
    reply = reply
        .field("By command", list(&summary.by_command))
        .field("By platform", list(&summary.by_platform))
        .field(
            "By day",
            summary
                .by_day
                .iter()
                .map(|d| format!("{} {} commands, {} people", d.day.strftime("%a %-d %b"), d.events, d.users))
                .collect::<Vec<_>>()
                .join("\n"),
        )
        .field("Top queries", ranked(&summary.top_queries))
        .field("Could not answer", ranked(&summary.unanswered))
        .field(
            "Latency p50 / p95 / p99",
            summary
                .latency
                .iter()
                .map(|l| format!("{} {} / {} / {}", l.command, micros(l.p50_us), micros(l.p95_us), micros(l.p99_us)))
                .collect::<Vec<_>>()
                .join("\n"),
        );
    reply.result_count = summary.total as usize;
    reply
}

/// `850 µs`, `12.3 ms`.
fn micros(us: u64) -> String {
    if us < 1_000 { format!("{us} µs") } else { format!("{:.1} ms", us as f64 / 1_000.0) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> Timestamp {
        "2026-11-21T12:00:00Z".parse().unwrap()
    }

    #[test]
    fn reads_windows() {
        let check = |text: &str, expected: &str| {
            let got = parse_since(text, now()).map(|t| t.to_string()).unwrap_or_else(|e| e.to_string());
            assert_eq!(got, expected, "{text}")
        };
        check("7d", "2026-11-14T12:00:00Z");
        check("24h", "2026-11-20T12:00:00Z");
        check("90m", "2026-11-21T10:30:00Z");
        check("2w", "2026-11-07T12:00:00Z");
        check("2026-11-01", "2026-11-01T00:00:00Z");
        check("2026-11-01T09:30:00+01:00", "2026-11-01T08:30:00Z");
        check("all", "1970-01-01T00:00:00Z");
        check("soon", "“soon” is not a time window. Use 90m, 24h, 7d, 2w, a date such as 2026-11-01, or all.");
        check("-3d", "“-3d” is not a time window. Use 90m, 24h, 7d, 2w, a date such as 2026-11-01, or all.");
        check("7y", "“7y” is not a time window. Use 90m, 24h, 7d, 2w, a date such as 2026-11-01, or all.");
    }

    #[test]
    fn renders_the_summary() {
        let summary = UsageSummary {
            since: "2026-11-14T12:00:00Z".parse().unwrap(),
            until: now(),
            total: 5,
            users: 2,
            by_command: vec![Count { name: "ask".into(), events: 3 }, Count { name: "bio".into(), events: 2 }],
            by_platform: vec![Count { name: "terminal".into(), events: 5 }],
            by_day: vec![Day { day: "2026-11-20".parse().unwrap(), events: 5, users: 2 }],
            top_queries: vec![Count { name: "when is the keynote?".into(), events: 2 }],
            unanswered: vec![Count { name: "what is the wi-fi password?".into(), events: 1 }],
            latency: vec![Latency { command: "ask".into(), events: 3, p50_us: 40, p95_us: 900, p99_us: 1_250 }],
        };
        let text = crate::render::plain_text(&reply(&summary), crate::render::Marks::NONE);
        expect_test::expect![[r#"
            Usage since Sat 14 Nov 2026 12:00 UTC

            5 commands from 2 people.

            By command: ask 3 · bio 2
            By platform: terminal 5
            By day: Fri 20 Nov 5 commands, 2 people
            Top queries: 1. “when is the keynote?” ×2
            Could not answer: 1. “what is the wi-fi password?” ×1
            Latency p50 / p95 / p99: ask 40 µs / 900 µs / 1.2 ms"#]]
        .assert_eq(&text);
    }
}
