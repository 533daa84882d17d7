//! The slash commands Discord shows, all from the core's command catalogue:
//! their definitions (registered by `emcee discord register`), the command
//! line each interaction becomes, and autocomplete suggestions.

use emcee_core::Engine;
use emcee_core::command::catalogue::{self, CATALOGUE, OptionKind, OptionSpec, Suggest};
use serde_json::Value;
use serenity::all::{CommandOptionType, CreateCommand, CreateCommandOption, ResolvedOption, ResolvedValue};

/// Most choices Discord shows for autocomplete.
pub const CHOICES_MAX: usize = 25;
const CHOICE_MAX_CHARS: usize = 100;

/// The command set: the catalogue, as Discord asks for it.
pub fn definitions() -> Vec<CreateCommand> {
    CATALOGUE
        .iter()
        .map(|spec| {
            let mut command = CreateCommand::new(spec.name).description(spec.summary);
            for option in spec.options {
                command = command.add_option(definition(option));
            }
            for sub in spec.subcommands {
                let mut inner = CreateCommandOption::new(CommandOptionType::SubCommand, sub.name, sub.description);
                for option in sub.options {
                    inner = inner.add_sub_option(definition(option));
                }
                command = command.add_option(inner);
            }
            command
        })
        .collect()
}

fn definition(spec: &OptionSpec) -> CreateCommandOption {
    let kind = match spec.kind {
        OptionKind::Text => CommandOptionType::String,
        OptionKind::Attachment => CommandOptionType::Attachment,
    };
    let mut option = CreateCommandOption::new(kind, spec.name, spec.description).required(spec.required);
    if let Some(max) = spec.max_length {
        option = option.max_length(max);
    }
    if !spec.suggest.is_empty() {
        option = option.set_autocomplete(true);
    }
    option
}

/// A value for a `key=value` or `key:value` pair: quoted, without quotes of its own.
fn quoted(value: &str) -> String {
    format!("\"{}\"", value.replace('"', "'"))
}

/// The command line an interaction stands for, in the grammar of the
/// command's usage: an option the usage writes as `name=…` or `name:…` is
/// given that way, the others in order as words.
pub fn line(name: &str, options: &[ResolvedOption<'_>]) -> Result<String, String> {
    let Some(spec) = CATALOGUE.iter().find(|spec| spec.name == name) else {
        return Err(format!("/{name} is not an emcee command."));
    };
    if spec.subcommands.is_empty() {
        return Ok(compose(&format!("/{name}"), spec.usage, spec.options, options));
    }
    let verbs = || spec.subcommands.iter().map(|sub| sub.name).collect::<Vec<_>>().join(", ");
    let Some(ResolvedOption { name: verb, value: ResolvedValue::SubCommand(inner), .. }) = options.first() else {
        return Err(format!("Choose what to do: {}.", verbs()));
    };
    match spec.subcommands.iter().find(|sub| sub.name == *verb) {
        Some(sub) => Ok(compose(&format!("/{name} {verb}"), sub.usage, sub.options, inner)),
        None => Err(format!("/{name} {verb} is not something emcee knows; try {}.", verbs())),
    }
}

/// The `key=value` options of a subcommand (everything typed but the
/// address and the file), for an upload imported with them.
pub fn fields(options: &[ResolvedOption<'_>]) -> Vec<(String, String)> {
    let Some(ResolvedOption { value: ResolvedValue::SubCommand(inner), .. }) = options.first() else {
        return Vec::new();
    };
    inner
        .iter()
        .filter(|o| o.name != "url")
        .filter_map(|o| match &o.value {
            ResolvedValue::String(value) => Some((o.name.to_string(), value.trim().to_string())),
            ResolvedValue::Autocomplete { value, .. } => Some((o.name.to_string(), value.trim().to_string())),
            _ => None,
        })
        .filter(|(_, value)| !value.is_empty())
        .collect()
}

/// `prefix` and the text options' values, each in the form `usage` shows it.
/// Attachments are not part of the line: the adapter downloads them.
fn compose(prefix: &str, usage: &str, specs: &[OptionSpec], given: &[ResolvedOption<'_>]) -> String {
    let mut line = prefix.to_string();
    for spec in specs.iter().filter(|spec| spec.kind == OptionKind::Text) {
        let value = given.iter().find(|o| o.name == spec.name).and_then(|o| match &o.value {
            ResolvedValue::String(value) => Some(value.trim()),
            ResolvedValue::Autocomplete { value, .. } => Some(value.trim()),
            _ => None,
        });
        let Some(value) = value.filter(|v| !v.is_empty()) else { continue };
        line.push(' ');
        if usage.contains(&format!("{}=", spec.name)) {
            line.push_str(&format!("{}={}", spec.name, quoted(value)));
        } else if usage.contains(&format!("{}:", spec.name)) {
            line.push_str(&format!("{}:{}", spec.name, quoted(value)));
        } else {
            line.push_str(value);
        }
    }
    line
}

/// Up to 25 suggestions for the option being typed, from what the
/// catalogue says the option takes (`now`, `next`, …; speakers; rooms;
/// tracks), those starting with what was typed first.
pub fn suggestions(engine: &Engine, command: &str, option: &str, typed: &str) -> Vec<String> {
    let Some(spec) = CATALOGUE.iter().find(|spec| spec.name == command) else { return Vec::new() };
    let all = spec.options.iter().chain(spec.subcommands.iter().flat_map(|sub| sub.options));
    let Some(option) = all.into_iter().find(|o| o.name == option) else { return Vec::new() };
    let sessions = &engine.schedule().sessions;
    let mut candidates: Vec<String> = Vec::new();
    for source in option.suggest {
        match source {
            Suggest::When => candidates.extend(catalogue::WHEN_WORDS.iter().map(|w| w.to_string())),
            Suggest::Speaker => {
                candidates.extend(engine.knowledge().speakers.iter().map(|s| s.name.clone()));
                candidates.extend(sessions.iter().flat_map(|s| s.speakers.iter().cloned()));
            }
            Suggest::Room => candidates.extend(sessions.iter().map(|s| s.room.clone())),
            Suggest::Track => candidates.extend(sessions.iter().filter_map(|s| s.track.clone())),
            Suggest::Session => candidates.extend(sessions.iter().map(|s| s.title.clone())),
        }
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
