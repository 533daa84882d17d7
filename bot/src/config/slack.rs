//! The Slack adapter's settings: its secrets under Slack's own names, who
//! organises, where announcements go, and how replies are shown.

use anyhow::bail;

use super::{Raw, secret};

/// The Slack adapter's settings; the secrets keep Slack's own names.
#[derive(Clone, Default)]
pub struct SlackSettings {
    /// `SLACK_SIGNING_SECRET`: turns the HTTP routes on.
    pub signing_secret: Option<String>,
    /// `SLACK_BOT_TOKEN`: answers to mentions, announcements, the organiser group.
    pub bot_token: Option<String>,
    /// `SLACK_APP_TOKEN` (`xapp-…`): turns Socket Mode on.
    pub app_token: Option<String>,
    /// User ids that are organisers.
    pub organisers: Vec<String>,
    /// A user group whose members are organisers.
    pub organiser_group: Option<String>,
    /// Channel ids announcements are posted to.
    pub channels: Vec<String>,
    /// Whether answers are posted for the whole channel or only the asker.
    pub replies_in_channel: bool,
    /// `EMCEE_SLACK_HELP_CHANNEL`: where questions `/ask` could not answer go, for organisers to answer.
    pub help_channel: Option<String>,
}

impl std::fmt::Debug for SlackSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SlackSettings")
            .field("signing_secret", &self.signing_secret.as_ref().map(|_| "…"))
            .field("bot_token", &self.bot_token.as_ref().map(|_| "…"))
            .field("app_token", &self.app_token.as_ref().map(|_| "…"))
            .field("organisers", &self.organisers)
            .field("organiser_group", &self.organiser_group)
            .field("channels", &self.channels)
            .field("replies_in_channel", &self.replies_in_channel)
            .field("help_channel", &self.help_channel)
            .finish()
    }
}

pub(super) fn slack_settings(raw: &Raw) -> anyhow::Result<SlackSettings> {
    let signing_secret = secret(&raw.slack_signing_secret);
    let bot_token = secret(&raw.slack_bot_token);
    let app_token = secret(&raw.slack_app_token);
    if let Some(token) = &bot_token
        && !token.starts_with("xoxb-")
    {
        bail!("SLACK_BOT_TOKEN should be the bot token, starting `xoxb-` (Slack app → OAuth & Permissions)");
    }
    if let Some(token) = &app_token {
        if !token.starts_with("xapp-") {
            bail!(
                "SLACK_APP_TOKEN should be an app-level token, starting `xapp-` (Slack app → Basic Information → App-Level Tokens, scope connections:write)"
            );
        }
        if bot_token.is_none() {
            bail!("SLACK_APP_TOKEN is set for Socket Mode, but SLACK_BOT_TOKEN is not; Socket Mode needs both");
        }
    }
    if bot_token.is_some() && signing_secret.is_none() && app_token.is_none() {
        bail!(
            "SLACK_BOT_TOKEN is set but neither SLACK_SIGNING_SECRET (for Slack's HTTP requests) nor SLACK_APP_TOKEN (for Socket Mode) is; Slack could not reach emcee"
        );
    }
    let replies_in_channel = match raw.slack_replies.trim() {
        "ephemeral" => false,
        "in_channel" => true,
        other => {
            bail!("EMCEE_SLACK_REPLIES is `{other}`; use `ephemeral` (only the asker sees answers) or `in_channel`")
        }
    };
    let organisers = raw.slack_organisers.clone().into_vec();
    let organiser_group = secret(&raw.slack_organiser_group);
    if organiser_group.is_some() && bot_token.is_none() {
        bail!(
            "EMCEE_SLACK_ORGANISER_GROUP needs SLACK_BOT_TOKEN (with the usergroups:read scope) to read the group's members"
        );
    }
    let channels = raw.slack_channels.clone().into_vec();
    if !channels.is_empty() && bot_token.is_none() {
        bail!("EMCEE_SLACK_CHANNELS is set for announcements, but posting them needs SLACK_BOT_TOKEN");
    }
    let help_channel = secret(&raw.slack_help_channel);
    if help_channel.is_some() && bot_token.is_none() {
        bail!("EMCEE_SLACK_HELP_CHANNEL is set, but posting questions there needs SLACK_BOT_TOKEN");
    }
    Ok(SlackSettings {
        signing_secret,
        bot_token,
        app_token,
        organisers,
        organiser_group,
        channels,
        replies_in_channel,
        help_channel,
    })
}
