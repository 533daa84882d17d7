//! `emcee slack manifest`: the app manifest an organiser pastes into
//! "Create New App → From a manifest" at api.slack.com/apps. Its slash
//! commands are the core's command catalogue.

use emcee_core::command::CATALOGUE;
use serde_json::{Value, json};

/// The manifest for an app reached at `base_url`, or over Socket Mode.
pub fn manifest(base_url: &str, socket_mode: bool) -> anyhow::Result<Value> {
    let base = base_url.trim_end_matches('/');
    if !socket_mode && !base.starts_with("https://") {
        anyhow::bail!("--url must be the public https:// address Slack can reach emcee at (or use --socket-mode)");
    }
    let url = |path: &str| format!("{base}{path}");
    let commands: Vec<Value> = CATALOGUE
        .iter()
        .map(|spec| {
            let mut entry = json!({
                "command": format!("/{}", spec.name),
                "description": spec.summary,
                "usage_hint": spec.usage_hint(),
                "should_escape": false,
            });
            if !socket_mode {
                entry["url"] = json!(url("/slack/commands"));
            }
            entry
        })
        .collect();
    let mut interactivity = json!({ "is_enabled": true });
    // The App Home tab shows each person's agenda, published when they open it.
    let mut events = json!({ "bot_events": ["app_mention", "app_home_opened"] });
    if !socket_mode {
        interactivity["request_url"] = json!(url("/slack/interactivity"));
        events["request_url"] = json!(url("/slack/events"));
    }
    Ok(json!({
        "display_information": {
            "name": "emcee",
            "description": "Answers questions about the conference: speakers, quotes, sessions.",
            "background_color": "#1d1c1d",
        },
        "features": {
            "bot_user": { "display_name": "emcee", "always_online": true },
            // Home: the agenda; Messages: reminders and change notices, sent as direct messages.
            "app_home": { "home_tab_enabled": true, "messages_tab_enabled": true, "messages_tab_read_only_enabled": true },
            "slash_commands": commands,
        },
        "oauth_config": {
            "scopes": {
                "bot": ["commands", "chat:write", "app_mentions:read", "usergroups:read"],
            },
        },
        "settings": {
            "event_subscriptions": events,
            "interactivity": interactivity,
            "org_deploy_enabled": false,
            "socket_mode_enabled": socket_mode,
            "token_rotation_enabled": false,
        },
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn points_every_route_at_the_server() {
        let manifest = manifest("https://bot.example.org/", false).unwrap();
        let commands = manifest["features"]["slash_commands"].as_array().unwrap();
        assert_eq!(commands.len(), CATALOGUE.len());
        assert!(commands.iter().all(|c| c["url"] == "https://bot.example.org/slack/commands"));
        assert_eq!(manifest["settings"]["interactivity"]["request_url"], "https://bot.example.org/slack/interactivity");
        assert_eq!(manifest["settings"]["event_subscriptions"]["request_url"], "https://bot.example.org/slack/events");
        assert!(manifest["features"]["slash_commands"][0]["description"].as_str().unwrap().len() <= 100);
        assert_eq!(
            manifest["settings"]["event_subscriptions"]["bot_events"],
            json!(["app_mention", "app_home_opened"])
        );
        assert_eq!(manifest["features"]["app_home"]["home_tab_enabled"], true);
    }

    #[test]
    fn socket_mode_needs_no_urls() {
        let manifest = manifest("", true).unwrap();
        assert_eq!(manifest["settings"]["socket_mode_enabled"], true);
        assert!(manifest["features"]["slash_commands"][0].get("url").is_none());
        assert!(manifest["settings"]["interactivity"].get("request_url").is_none());
        assert!(super::manifest("http://insecure", false).is_err());
    }
}
