//! The slash commands Discord shows: their definitions (registered by
//! `emcee discord register`), the command line each interaction becomes,
//! and autocomplete suggestions.

use emcee_core::Engine;
use serde_json::Value;
use serenity::all::{CommandOptionType, CreateCommand, CreateCommandOption, ResolvedOption, ResolvedValue};

/// Most choices Discord shows for autocomplete.
pub const CHOICES_MAX: usize = 25;
const CHOICE_MAX_CHARS: usize = 100;

fn text(name: &str, description: &str, max: u16) -> CreateCommandOption {
    CreateCommandOption::new(CommandOptionType::String, name, description).max_length(max)
}

/// The command set.
pub fn definitions() -> Vec<CreateCommand> {
    let sub =
        |name: &str, description: &str| CreateCommandOption::new(CommandOptionType::SubCommand, name, description);
    vec![
        CreateCommand::new("bio")
            .description("Who a speaker is: summary, facts, links and sessions")
            .add_option(text("speaker", "The speaker's name", 100).required(true).set_autocomplete(true)),
        CreateCommand::new("quote")
            .description("A quote from the talks and podcasts")
            .add_option(text("topic", "What the quote is about (leave empty for a random one)", 80))
            .add_option(text("speaker", "Only quotes by this speaker", 100).set_autocomplete(true)),
        CreateCommand::new("talks")
            .description("Sessions: now, next, today, a day, a speaker, a room, a track or a topic")
            .add_option(text("query", "now, next, today, a speaker, a room, a track…", 100).set_autocomplete(true)),
        CreateCommand::new("ask")
            .description("Ask anything about the speakers and the programme")
            .add_option(text("question", "Your question", 300).required(true)),
        CreateCommand::new("help").description("What emcee can do, with examples"),
        CreateCommand::new("schedule")
            .description("Organisers: import, add, cancel or post the programme")
            .add_option(
                sub("import", "Import a schedule file or URL (pretalx/frab JSON or XML, iCalendar, CSV, Sessionize)")
                    .add_sub_option(CreateCommandOption::new(
                        CommandOptionType::Attachment,
                        "file",
                        "The schedule file",
                    ))
                    .add_sub_option(text("url", "Or the schedule's https address", 500)),
            )
            .add_option(
                sub("add", "Add one session")
                    .add_sub_option(text("title", "The session's title", 200).required(true))
                    .add_sub_option(text("start", "Start, e.g. 2022-11-01T17:00", 40).required(true))
                    .add_sub_option(text("duration", "Length, e.g. 00:45", 10).required(true))
                    .add_sub_option(text("room", "Where", 100).required(true).set_autocomplete(true))
                    .add_sub_option(text("speakers", "Who, separated by ;", 300)),
            )
            .add_option(
                sub("cancel", "Cancel a session")
                    .add_sub_option(text("session", "The session's title or id", 200).required(true)),
            )
            .add_option(sub("post", "Post the programme of a day").add_sub_option(text(
                "day",
                "today, tomorrow, a date…",
                40,
            ))),
        CreateCommand::new("stats").description("Organisers: how emcee was used").add_option(text(
            "since",
            "How far back, e.g. 7d or 24h",
            20,
        )),
    ]
}

/// A value for a `key=value` pair: quoted, without quotes of its own.
fn quoted(value: &str) -> String {
    format!("\"{}\"", value.replace('"', "'"))
}

/// The command line an interaction stands for.
pub fn line(name: &str, options: &[ResolvedOption<'_>]) -> Result<String, String> {
    let get = |options: &[ResolvedOption<'_>], key: &str| {
        options.iter().find(|o| o.name == key).and_then(|o| match &o.value {
            ResolvedValue::String(value) => Some(value.trim().to_string()),
            ResolvedValue::Autocomplete { value, .. } => Some(value.trim().to_string()),
            _ => None,
        })
    };
    let join = |parts: &[Option<String>]| {
        parts.iter().flatten().filter(|p| !p.is_empty()).cloned().collect::<Vec<_>>().join(" ")
    };
    let line = match name {
        "bio" => format!("/bio {}", join(&[get(options, "speaker")])),
        "quote" => format!(
            "/quote {}",
            join(&[get(options, "topic"), get(options, "speaker").map(|s| format!("speaker:{}", quoted(&s)))])
        ),
        "talks" => format!("/talks {}", join(&[get(options, "query")])),
        "ask" => format!("/ask {}", join(&[get(options, "question")])),
        "help" => String::from("/help"),
        "stats" => format!("/stats {}", join(&[get(options, "since")])),
        "schedule" => {
            let Some(ResolvedOption { name: sub, value: ResolvedValue::SubCommand(inner), .. }) = options.first()
            else {
                return Err(String::from("Choose what to do: import, add, cancel or post."));
            };
            match *sub {
                "import" => match get(inner, "url") {
                    Some(url) => format!("/schedule import {url}"),
                    None if inner.iter().any(|o| o.name == "file") => String::from("/schedule import upload"),
                    None => return Err(String::from("Attach the schedule file, or give its https address.")),
                },
                "add" => {
                    let pairs: Vec<String> = ["title", "start", "duration", "room", "speakers"]
                        .iter()
                        .filter_map(|key| get(inner, key).map(|v| format!("{key}={}", quoted(&v))))
                        .collect();
                    format!("/schedule add {}", pairs.join(" "))
                }
                "cancel" => format!("/schedule cancel {}", join(&[get(inner, "session")])),
                "post" => format!("/schedule post {}", join(&[get(inner, "day")])),
                other => return Err(format!("/schedule {other} is not something emcee knows.")),
            }
        }
        other => return Err(format!("/{other} is not an emcee command.")),
    };
    Ok(line.trim_end().to_string())
}

/// Up to 25 suggestions for the option being typed: speakers, rooms and
/// tracks (and `now`, `next`, `today` for `/talks`) holding what was typed,
/// those starting with it first.
pub fn suggestions(engine: &Engine, command: &str, option: &str, typed: &str) -> Vec<String> {
    let mut candidates: Vec<String> = Vec::new();
    let speakers = || {
        let mut names: Vec<String> = engine.knowledge().speakers.iter().map(|s| s.name.clone()).collect();
        names.extend(engine.schedule().sessions.iter().flat_map(|s| s.speakers.iter().cloned()));
        names
    };
    let rooms = || engine.schedule().sessions.iter().map(|s| s.room.clone()).collect::<Vec<_>>();
    match (command, option) {
        ("bio" | "quote", "speaker") => candidates.extend(speakers()),
        ("talks", "query") => {
            candidates.extend(["now", "next", "today", "tomorrow"].map(String::from));
            candidates.extend(speakers());
            candidates.extend(rooms());
            candidates.extend(engine.schedule().sessions.iter().filter_map(|s| s.track.clone()));
        }
        ("schedule", "room") => candidates.extend(rooms()),
        _ => {}
    }
    let typed = typed.trim().to_lowercase();
    let mut seen = std::collections::HashSet::new();
    let mut matches: Vec<(bool, String)> = candidates
        .into_iter()
        .filter(|c| !c.trim().is_empty() && c.chars().count() <= CHOICE_MAX_CHARS)
        .filter(|c| seen.insert(c.to_lowercase()))
        .filter_map(|c| {
            let lower = c.to_lowercase();
            lower.contains(&typed).then(|| (!lower.starts_with(&typed), c))
        })
        .collect();
    matches.sort_by_key(|m| m.0);
    matches.into_iter().take(CHOICES_MAX).map(|(_, c)| c).collect()
}

/// The parts of a command definition registration is judged by, whichever
/// side it comes from (our builders or Discord's answer).
pub fn normalise(commands: &Value) -> Value {
    fn option(o: &Value) -> Value {
        let mut out = serde_json::Map::new();
        for key in ["type", "name", "description", "min_length", "max_length"] {
            if let Some(v) = o.get(key).filter(|v| !v.is_null()) {
                out.insert(key.into(), v.clone());
            }
        }
        for key in ["required", "autocomplete"] {
            out.insert(key.into(), Value::Bool(o.get(key).and_then(Value::as_bool).unwrap_or(false)));
        }
        let options: Vec<Value> =
            o.get("options").and_then(Value::as_array).into_iter().flatten().map(option).collect();
        out.insert("options".into(), Value::Array(options));
        Value::Object(out)
    }
    let mut list: Vec<Value> = commands.as_array().into_iter().flatten().map(option).collect();
    list.sort_by(|a, b| a["name"].as_str().cmp(&b["name"].as_str()));
    Value::Array(list)
}

/// `emcee discord register [--guild ID]`: sets the command set, unless
/// Discord already has exactly it. Returns whether anything changed.
pub async fn register(http: &serenity::all::Http, guild: Option<u64>) -> anyhow::Result<bool> {
    use anyhow::Context as _;
    let wanted = serde_json::to_value(definitions())?;
    let existing = match guild {
        Some(guild) => http.get_guild_commands(guild.into()).await,
        None => http.get_global_commands().await,
    }
    .context("reading the registered commands from Discord (check DISCORD_TOKEN and DISCORD_APPLICATION_ID)")?;
    if normalise(&serde_json::to_value(&existing)?) == normalise(&wanted) {
        return Ok(false);
    }
    match guild {
        Some(guild) => http.create_guild_commands(guild.into(), &definitions()).await.map(|_| ()),
        None => http.create_global_commands(&definitions()).await.map(|_| ()),
    }
    .context("registering the commands with Discord")?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn definitions_keep_discord_s_limits() {
        let json = serde_json::to_value(definitions()).unwrap();
        for command in json.as_array().unwrap() {
            let name = command["name"].as_str().unwrap();
            assert!(name.len() <= 32 && name.chars().all(|c| c.is_ascii_lowercase()), "{name}");
            assert!(command["description"].as_str().unwrap().chars().count() <= 100, "{name}");
            for option in command["options"].as_array().into_iter().flatten() {
                assert!(option["description"].as_str().unwrap().chars().count() <= 100, "{name} {option}");
                for inner in option["options"].as_array().into_iter().flatten() {
                    assert!(inner["description"].as_str().unwrap().chars().count() <= 100, "{name} {inner}");
                }
            }
        }
    }

    #[test]
    fn registration_compares_what_matters() {
        let wanted = serde_json::to_value(definitions()).unwrap();
        // Discord answers with ids, versions and defaults of its own.
        let mut answered = wanted.clone();
        for command in answered.as_array_mut().unwrap() {
            command["id"] = "1".into();
            command["version"] = "2".into();
            command["default_member_permissions"] = Value::Null;
        }
        answered.as_array_mut().unwrap().reverse();
        assert_eq!(normalise(&answered), normalise(&wanted));
        answered[0]["description"] = "changed".into();
        assert_ne!(normalise(&answered), normalise(&wanted));
    }
}
