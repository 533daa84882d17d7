//! Replies as the platforms receive them: a snapshot of each command's
//! Block Kit and embed, and properties every reply keeps, whatever the
//! knowledge base or the user put in it: within the platform's limits, and
//! unable to mention anyone.

use crate::support;

use emcee::discord::embed;
use emcee::slack::blocks::{self, Again, Shape};
use emcee_core::Context;
use emcee_core::command::CommandKind;
use emcee_core::reply::{Field, QuoteBlock, Reply, SessionItem, Source, SourceKind, Status};
use expect_test::expect_file;
use proptest::prelude::*;
use serde_json::Value;

const COMMANDS: &[(&str, &str)] = &[
    ("bio", "/bio kelsey"),
    ("quote", "/quote wasm"),
    ("talks", "/talks today"),
    ("ask", "/ask when was Kelsey born?"),
    ("help", "/help"),
    ("schedule", "/schedule post"),
    ("stats", "/stats"),
];

/// The seeds buttons carry differ on every run; snapshots show them as 0.
fn without_seeds(mut value: Value) -> Value {
    match &mut value {
        Value::Object(map) => {
            for (key, inner) in map.iter_mut() {
                if key == "value"
                    && let Some(text) = inner.as_str()
                    && let Ok(mut again) = serde_json::from_str::<Again>(text)
                {
                    again.seed = 0;
                    *inner = Value::String(serde_json::to_string(&again).unwrap());
                } else if key == "custom_id"
                    && let Some(text) = inner.as_str()
                {
                    let mut parts: Vec<&str> = text.splitn(4, ':').collect();
                    if parts.len() == 4 {
                        parts[2] = "0";
                        *inner = Value::String(parts.join(":"));
                    }
                } else {
                    *inner = without_seeds(std::mem::take(inner));
                }
            }
        }
        Value::Array(items) => {
            for item in items.iter_mut() {
                *item = without_seeds(std::mem::take(item));
            }
        }
        _ => {}
    }
    value
}

/// `/stats` as an organiser sees it with a conference day of usage behind it.
fn stats_with_usage() -> Reply {
    use emcee_core::stats::{Audience, Count, Day, Latency, UsageSummary};
    let count = |name: &str, events| Count::new(name, events);
    let latency = |command: &str, events, p50_us, p95_us, p99_us| Latency {
        command: command.to_string(),
        events,
        p50_us,
        p95_us,
        p99_us,
    };
    emcee_core::stats::reply(&UsageSummary {
        since: "2022-10-31T09:00:00Z".parse().unwrap(),
        until: "2022-11-01T09:00:00Z".parse().unwrap(),
        total: 1_284,
        users: 311,
        by_command: vec![count("ask", 602), count("talks", 389), count("bio", 201), count("quote", 92)],
        by_platform: vec![count("slack", 822), count("discord", 455), count("terminal", 7)],
        by_day: vec![
            Day { day: jiff::civil::date(2022, 10, 31), events: 97, users: 41 },
            Day { day: jiff::civil::date(2022, 11, 1), events: 1_187, users: 290 },
        ],
        top_queries: vec![count("/talks now", 120), count("when is the keynote?", 64), count("/bio kelsey", 51)],
        unanswered: vec![count("where is the cloakroom?", 23), count("/bio <@everyone>", 2)],
        latency: vec![latency("ask", 602, 41, 180, 420), latency("talks", 389, 9, 30, 75)],
        audience: Audience { questions: 57, answered: 21, votes: 1_940 },
    })
}

#[test]
fn each_command_as_block_kit_and_as_an_embed() {
    let engine = support::seed_engine();
    let ctx = Context { now: "2022-11-01T08:30:00Z".parse().unwrap(), seed: 7 };
    for (name, line) in COMMANDS {
        let reply = match *name {
            "stats" => stats_with_usage(),
            _ => engine.answer_line(line, &ctx),
        };
        let again = Again { line: line.to_string(), shown: 0, seed: 7 };
        let slack = blocks::message(&reply, Shape { ephemeral: blocks::ephemeral(&reply, false) }, Some(&again));
        let slack = without_seeds(serde_json::to_value(slack).unwrap());
        expect_file![format!("snapshots/slack_{name}.json")].assert_eq(&serde_json::to_string_pretty(&slack).unwrap());
        let discord = without_seeds(serde_json::to_value(embed::message(&reply, line, 0, 0)).unwrap());
        expect_file![format!("snapshots/discord_{name}.json")]
            .assert_eq(&serde_json::to_string_pretty(&discord).unwrap());
    }
}

/// The host's list stays readable however many ask: with 1, 20 and 200
/// questions, Slack's and Discord's renderings of `/qa top` (the same list
/// is posted as the session ends) list the top ten and count the rest.
#[test]
fn the_question_board_with_1_20_and_200_questions() {
    use emcee_core::engine::qa::Question;
    let engine = support::seed_engine();
    let now: jiff::Timestamp = "2022-11-01T09:00:00Z".parse().unwrap();
    let session = engine.schedule().sessions.iter().find(|s| s.title.starts_with("Keynote")).unwrap();
    let subjects = ["signing", "provenance", "SBOMs", "reproducible builds", "key rotation", "*policy* <@U0123>"];
    for count in [1_i64, 20, 200] {
        let questions: Vec<Question> = (1..=count)
            .map(|id| Question {
                id,
                platform: "slack".into(),
                session_id: session.id.clone(),
                text: format!("How do you handle {} in a team of {}?", subjects[id as usize % subjects.len()], id + 1),
                asker: None,
                asked_at: now - jiff::SignedDuration::from_mins(count - id + 1),
                votes: (id * 7) % 23,
                answered: id % 5 == 0,
                pinned: id == 3,
                hidden: id % 11 == 0,
                removed: id % 13 == 0,
            })
            .collect();
        let reply = engine.qa_top(session, &questions, now);
        let slack = blocks::message(&reply, Shape { ephemeral: true }, None);
        let slack = serde_json::to_value(slack).unwrap();
        let discord = serde_json::to_value(embed::message(&reply, "/qa top", 0, 0)).unwrap();
        let both = serde_json::json!({ "slack": slack, "discord": discord });
        expect_file![format!("snapshots/qa_board_{count}.json")]
            .assert_eq(&serde_json::to_string_pretty(&both).unwrap());
        let listed = reply
            .body
            .lines()
            .filter(|line| line.split_once(". ").is_some_and(|(n, _)| n.parse::<usize>().is_ok()))
            .count();
        assert_eq!(listed, (count as usize).min(10), "{count}: {}", reply.body);
        let shown = both.to_string();
        assert!(!shown.contains("<@U0123>"), "{count}: a mention typed in a question stays inert");
    }
}

/// Text with what could mention, link, break markup or overflow.
fn nasty() -> impl Strategy<Value = String> {
    let token = prop_oneof![
        Just("<!channel>".to_string()),
        Just("<!here|here>".to_string()),
        Just("<!date^1^{time}|x>".to_string()),
        Just("<@U0123>".to_string()),
        Just("<#C0123>".to_string()),
        Just("@everyone".to_string()),
        Just("<@&123>".to_string()),
        Just("&amp;".to_string()),
        Just("<t:1:R>".to_string()),
        Just("[free tickets](https://evil.example)".to_string()),
        Just("**||# ".to_string()),
        Just("`".to_string()),
        Just("\n".to_string()),
        Just("*".to_string()),
        Just("é".to_string()),
        "[a-zA-Z<>&|!@#:^ ]{0,12}",
        Just("x".repeat(700)),
    ];
    proptest::collection::vec(token, 0..24).prop_map(|parts| parts.concat())
}

fn session() -> impl Strategy<Value = SessionItem> {
    let note = proptest::option::of(nasty());
    (nasty(), nasty(), proptest::collection::vec(nasty(), 0..3), proptest::option::of(nasty()), 0i64..100_000, note)
        .prop_map(|(title, room, speakers, track, offset, note)| {
            let start = jiff::Timestamp::from_second(1_667_290_000 + offset).unwrap();
            SessionItem {
                id: "s".into(),
                title,
                start,
                end: start + jiff::SignedDuration::from_mins(45),
                room,
                speakers,
                track,
                url: Some("https://example.org/<!channel>".into()),
                recording: Some("https://media.example.org/v/<@here>#t=1".into()),
                note,
                asking: offset % 2 == 0,
            }
        })
}

fn reply() -> impl Strategy<Value = Reply> {
    (
        (nasty(), proptest::option::of(nasty()), proptest::collection::vec((nasty(), nasty()), 0..30)),
        (proptest::option::of((nasty(), nasty())), proptest::collection::vec(session(), 0..60)),
        (proptest::collection::vec(nasty(), 0..5), proptest::collection::vec(nasty(), 0..4), 0usize..8),
    )
        .prop_map(|((body, title, fields), (quote, sessions), (suggestions, sources, command))| {
            let kinds = [
                CommandKind::Bio,
                CommandKind::Quote,
                CommandKind::Talks,
                CommandKind::Ask,
                CommandKind::Help,
                CommandKind::Schedule,
                CommandKind::Stats,
                CommandKind::Agenda,
            ];
            let mut reply = Reply::message(kinds[command], Status::Ok, body);
            reply.title = title;
            reply.url = Some("https://example.org/a|b>".into());
            reply.fields = fields.into_iter().map(|(name, value)| Field { name, value }).collect();
            reply.quote = quote.map(|(text, speaker)| QuoteBlock {
                highlights: vec![0..text.len().min(3), 1..2],
                text,
                speaker: Some(speaker),
                source: "<!everyone> show".into(),
                at: Some("12:00".into()),
                url: Some("https://example.org".into()),
            });
            reply.sessions = sessions;
            reply.suggestions = suggestions;
            reply.sources = sources
                .into_iter()
                .map(|title| Source {
                    kind: SourceKind::Transcript,
                    title,
                    speaker: Some("<@U1>".into()),
                    at: None,
                    url: None,
                })
                .collect();
            reply.time_zone = Some(jiff::tz::TimeZone::get("Europe/Copenhagen").unwrap());
            reply
        })
}

fn strings(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::String(s) => out.push(s.clone()),
        Value::Array(items) => items.iter().for_each(|i| strings(i, out)),
        Value::Object(map) => map.values().for_each(|v| strings(v, out)),
        _ => {}
    }
}

fn chars(value: &Value) -> usize {
    value.as_str().map(|s| s.chars().count()).unwrap_or(0)
}

fn check_slack(reply: &Reply) -> Result<(), TestCaseError> {
    let again = Again { line: "/quote x".into(), shown: 0, seed: 1 };
    let message = serde_json::to_value(blocks::message(reply, Shape { ephemeral: true }, Some(&again))).unwrap();
    let blocks_list = message["blocks"].as_array().unwrap();
    prop_assert!(blocks_list.len() <= blocks::BLOCKS_MAX, "{} blocks", blocks_list.len());
    prop_assert!(chars(&message["text"]) <= blocks::TEXT_MAX);
    for block in blocks_list {
        prop_assert!(
            chars(&block["text"]["text"]) <= blocks::SECTION_MAX,
            "section of {}",
            chars(&block["text"]["text"])
        );
        let fields = block["fields"].as_array().cloned().unwrap_or_default();
        prop_assert!(fields.len() <= blocks::FIELDS_MAX);
        for field in &fields {
            prop_assert!(chars(&field["text"]) <= blocks::FIELD_MAX);
        }
        let elements = block["elements"].as_array().cloned().unwrap_or_default();
        prop_assert!(elements.len() <= blocks::CONTEXT_ELEMENTS_MAX);
        for element in &elements {
            prop_assert!(chars(&element["text"]) <= blocks::FIELD_MAX);
            prop_assert!(chars(&element["value"]) <= blocks::BUTTON_VALUE_MAX);
        }
    }
    let mut texts = Vec::new();
    strings(&message, &mut texts);
    for text in texts {
        let unescaped = text.match_indices("<!").any(|(at, _)| !text[at..].starts_with("<!date^"));
        prop_assert!(!unescaped && !text.contains("<@") && !text.contains("<#"), "{text}");
    }
    Ok(())
}

fn check_discord(reply: &Reply) -> Result<(), TestCaseError> {
    let message = serde_json::to_value(embed::message(reply, "/quote x", 0, 0)).unwrap();
    prop_assert_eq!(&message["allowed_mentions"]["parse"], &serde_json::json!([]));
    for key in ["users", "roles"] {
        prop_assert!(message["allowed_mentions"][key].as_array().is_none_or(Vec::is_empty));
    }
    prop_assert!(chars(&message["content"]) <= embed::CONTENT_MAX);
    let embeds = message["embeds"].as_array().unwrap();
    prop_assert!(embeds.len() <= 10);
    let mut total = 0;
    for e in embeds {
        prop_assert!(chars(&e["title"]) <= embed::TITLE_MAX);
        prop_assert!(chars(&e["description"]) <= embed::DESCRIPTION_MAX);
        prop_assert!(chars(&e["footer"]["text"]) <= embed::FOOTER_MAX);
        let fields = e["fields"].as_array().cloned().unwrap_or_default();
        prop_assert!(fields.len() <= embed::FIELDS_MAX);
        for f in &fields {
            prop_assert!(chars(&f["name"]) <= embed::FIELD_NAME_MAX && chars(&f["value"]) <= embed::FIELD_VALUE_MAX);
            prop_assert!(
                !f["name"].as_str().unwrap().trim().is_empty() && !f["value"].as_str().unwrap().trim().is_empty()
            );
            total += chars(&f["name"]) + chars(&f["value"]);
        }
        total += chars(&e["title"]) + chars(&e["description"]) + chars(&e["footer"]["text"]);
    }
    prop_assert!(total <= embed::EMBED_TOTAL_MAX, "{total} characters across embeds");
    // Nothing the bot did not write is read as Markdown: no masked link, no
    // mention-like pill. (The bot's own text here has no brackets or `<`
    // but its timestamps.)
    for e in embeds {
        let fields = e["fields"].as_array().cloned().unwrap_or_default();
        let texts =
            [&e["title"], &e["description"]].into_iter().chain(fields.iter().flat_map(|f| [&f["name"], &f["value"]]));
        for text in texts.filter_map(Value::as_str) {
            let bare = text.match_indices(['[', ']', '<']).filter(|(at, _)| !escaped(text, *at));
            for (at, _) in bare {
                prop_assert!(text[at..].starts_with("<t:"), "Markdown left unescaped at {at}: {text}");
            }
        }
    }
    let rows = message["components"].as_array().cloned().unwrap_or_default();
    prop_assert!(rows.len() <= 5, "{} action rows", rows.len());
    for row in &rows {
        prop_assert!(row["components"].as_array().is_some_and(|b| (1..=5).contains(&b.len())));
        for button in row["components"].as_array().into_iter().flatten() {
            prop_assert!(chars(&button["custom_id"]) <= embed::CUSTOM_ID_MAX);
        }
    }
    Ok(())
}

/// Whether the character at byte `at` follows an odd run of backslashes.
fn escaped(text: &str, at: usize) -> bool {
    text[..at].bytes().rev().take_while(|&b| b == b'\\').count() % 2 == 1
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn no_reply_breaks_slack_s_limits_or_mentions_anyone(reply in reply()) {
        check_slack(&reply)?;
    }

    #[test]
    fn no_reply_breaks_discord_s_limits_or_mentions_anyone(reply in reply()) {
        check_discord(&reply)?;
    }
}
