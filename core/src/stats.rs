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
    /// Other names counted with this one: the paraphrases of a question
    /// no source answered ([`group_paraphrases`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub also: Vec<String>,
}

impl Count {
    pub fn new(name: impl Into<String>, events: u64) -> Count {
        Count { name: name.into(), events, also: Vec::new() }
    }

    /// The name, and the paraphrases counted with it: `“wifi password?” (also
    /// “how do I get online”)`.
    pub fn label(&self) -> String {
        let also: Vec<String> = self.also.iter().map(|a| format!("“{a}”")).collect();
        match also.as_slice() {
            [] => format!("“{}”", self.name),
            _ => format!("“{}” (also {})", self.name, also.join(", ")),
        }
    }
}

/// How many groups of unanswered questions `/stats` lists.
pub const UNANSWERED_SHOWN: usize = 10;

/// The questions no source answered, grouped when they are paraphrases of
/// one another, most asked first, at most `keep` groups: each question
/// joins the most asked one before it that scores it as the FAQ scores an
/// entry's question, at [`crate::tuning::PARAPHRASES_GROUPED`] or more —
/// so that organisers see which answer to add first. A command's name
/// (`/ask`) is not part of what is compared.
pub fn group_paraphrases(counts: Vec<Count>, keep: usize) -> Vec<Count> {
    if counts.len() < 2 {
        return counts;
    }
    let asked = |name: &str| -> String {
        let name = name.trim();
        name.strip_prefix("/ask").filter(|rest| rest.starts_with(' ')).map_or(name, str::trim).to_string()
    };
    let faq = crate::faq::Faq {
        entries: counts
            .iter()
            .map(|c| crate::faq::Entry { question: asked(&c.name), answer: String::new(), section: None })
            .collect(),
    };
    let index = crate::faq::FaqIndex::build(&faq);
    // For each question, the group it leads, or the earlier question it joins.
    let mut leader: Vec<usize> = Vec::with_capacity(counts.len());
    for (i, entry) in faq.entries.iter().enumerate() {
        let joined = index
            .ranked(&entry.question)
            .into_iter()
            .filter(|&(j, score)| j < i && leader[j] == j && score >= crate::tuning::PARAPHRASES_GROUPED)
            .map(|(j, _)| j)
            .min();
        leader.push(joined.unwrap_or(i));
    }
    let mut groups: Vec<Count> = Vec::new();
    let mut at: Vec<Option<usize>> = vec![None; counts.len()];
    for (i, count) in counts.into_iter().enumerate() {
        match at[leader[i]] {
            Some(g) => {
                groups[g].events += count.events;
                groups[g].also.push(count.name);
            }
            None => {
                at[i] = Some(groups.len());
                groups.push(count);
            }
        }
    }
    groups.sort_by_key(|g| std::cmp::Reverse(g.events));
    groups.truncate(keep);
    groups
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

/// The audience's questions for the speakers (`/qa`) asked in a window,
/// those taken down by organisers left out.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Audience {
    pub questions: u64,
    pub answered: u64,
    pub votes: u64,
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
    pub audience: Audience,
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
            .map(|(i, c)| format!("{}. {} ×{}", i + 1, c.label(), c.events))
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
            "Questions for the speakers",
            match summary.audience {
                Audience { questions: 0, .. } => String::new(),
                Audience { questions, answered, votes } => {
                    format!("{questions} asked, {answered} answered, {votes} votes")
                }
            },
        )
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
    fn paraphrases_of_an_unanswered_question_are_counted_together() {
        let counts = vec![
            Count::new("what's the wifi password?", 3),
            Count::new("where is the cloakroom", 2),
            Count::new("wifi password", 2),
            Count::new("/ask what is the password for the wifi", 1),
            Count::new("is there parking near the venue", 1),
            Count::new("where can i leave my coat", 1),
        ];
        let groups = group_paraphrases(counts, UNANSWERED_SHOWN);
        let shown: Vec<String> = groups.iter().map(|g| format!("{} ×{}", g.label(), g.events)).collect();
        expect_test::expect![[r#"
            [
                "“what's the wifi password?” (also “wifi password”, “/ask what is the password for the wifi”) ×6",
                "“where is the cloakroom” ×2",
                "“is there parking near the venue” ×1",
                "“where can i leave my coat” ×1",
            ]
        "#]]
        .assert_debug_eq(&shown);
        assert_eq!(group_paraphrases(vec![Count::new("a", 1), Count::new("b", 1)], 1).len(), 1, "at most `keep`");
    }

    #[test]
    fn renders_the_summary() {
        let summary = UsageSummary {
            since: "2026-11-14T12:00:00Z".parse().unwrap(),
            until: now(),
            total: 5,
            users: 2,
            by_command: vec![Count::new("ask", 3), Count::new("bio", 2)],
            by_platform: vec![Count::new("terminal", 5)],
            by_day: vec![Day { day: "2026-11-20".parse().unwrap(), events: 5, users: 2 }],
            top_queries: vec![Count::new("when is the keynote?", 2)],
            unanswered: vec![Count::new("what is the wi-fi password?", 1)],
            latency: vec![Latency { command: "ask".into(), events: 3, p50_us: 40, p95_us: 900, p99_us: 1_250 }],
            audience: Audience { questions: 4, answered: 1, votes: 17 },
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
            Questions for the speakers: 4 asked, 1 answered, 17 votes
            Latency p50 / p95 / p99: ask 40 µs / 900 µs / 1.2 ms"#]]
        .assert_eq(&text);
    }
}
