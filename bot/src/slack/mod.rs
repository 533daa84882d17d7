//! The Slack adapter: slash commands, buttons and mentions, arriving over
//! signed HTTP requests ([`http`]) or Socket Mode ([`socket`]), both handed
//! to the same [`Slack`] methods and from there to the one dispatch path;
//! announcements posted with `chat.postMessage`; the app manifest.

pub mod blocks;
pub mod board;
pub mod help;
pub mod http;
pub mod manifest;
pub mod socket;

use std::collections::HashSet;
use std::sync::Arc;
use std::time::{Duration, Instant};

use slack_morphism::prelude::*;

use crate::announcer::{Announcement, DirectSink, Personal, Sink};
use crate::config::SlackSettings;
use crate::dispatch::{Button, Dispatcher, Origin, Platform, button_may_run};
use blocks::{AGENDA, ANOTHER_QUOTE, Again, CHOOSE, SHARE, Shape};

/// The channel usage events of the App Home tab are logged with.
const HOME: &str = "app_home";
/// How long the organiser group's members are trusted before they are read again.
const GROUP_TTL: Duration = Duration::from_secs(300);
/// Longest a post to a `response_url` may take.
const RESPONSE_TIMEOUT: Duration = Duration::from_secs(10);

pub type Client = SlackClient<SlackClientHyperHttpsConnector>;

/// The Web API with the bot's token.
#[derive(Clone)]
pub struct Api {
    client: Arc<Client>,
    token: SlackApiToken,
}

impl Api {
    /// A client with the crate's rate control on: Slack's published tiers,
    /// about one message a second per channel, and retries after `Retry-After`.
    pub fn new(token: &str, api_url: Option<&str>) -> anyhow::Result<Api> {
        let rate = SlackApiRateControlConfig::new().with_max_retries(5).with_max_delay_timeout(Duration::from_secs(60));
        Api::with_rate_control(token, api_url, Some(rate))
    }

    /// A client for direct messages, without the crate's rate control:
    /// it holds all of a workspace's `chat.postMessage` calls to one a
    /// second, where Slack's limit is about one a second per conversation,
    /// and each person's direct messages are a conversation of their own.
    /// [`SlackDirect`] waits out Slack's `Retry-After` itself.
    fn for_direct_messages(token: &str, api_url: Option<&str>) -> anyhow::Result<Api> {
        Api::with_rate_control(token, api_url, None)
    }

    fn with_rate_control(
        token: &str,
        api_url: Option<&str>,
        rate: Option<SlackApiRateControlConfig>,
    ) -> anyhow::Result<Api> {
        let connector = match api_url {
            None => SlackClientHyperConnector::new()?,
            // Another address (a test's fake Slack) may be plain HTTP.
            Some(url) => {
                let https_or_http = hyper_rustls::HttpsConnectorBuilder::new()
                    .with_native_roots()?
                    .https_or_http()
                    .enable_http1()
                    .build();
                SlackClientHyperConnector::with_connector(https_or_http).with_slack_api_url(url)
            }
        };
        let connector = match rate {
            Some(rate) => connector.with_rate_control(rate),
            None => connector,
        };
        Ok(Api {
            client: Arc::new(SlackClient::new(connector)),
            token: SlackApiToken::new(SlackApiTokenValue(token.to_string())),
        })
    }

    pub fn client(&self) -> Arc<Client> {
        self.client.clone()
    }

    async fn post(&self, channel: &str, content: SlackMessageContent, thread: Option<SlackTs>) -> anyhow::Result<()> {
        let mut request = SlackApiChatPostMessageRequest::new(channel.into(), content).with_unfurl_links(false);
        request.thread_ts = thread;
        self.client.open_session(&self.token).chat_post_message(&request).await?;
        Ok(())
    }

    /// Shows `blocks` on the person's App Home tab.
    async fn publish_home(&self, user: &str, blocks: Vec<SlackBlock>) -> anyhow::Result<()> {
        let view = SlackView::Home(SlackHomeView::new(blocks));
        let request = SlackApiViewsPublishRequest::new(user.into(), view);
        self.client.open_session(&self.token).views_publish(&request).await?;
        Ok(())
    }

    async fn group_members(&self, group: &str) -> anyhow::Result<HashSet<String>> {
        let request = SlackApiUserGroupsUsersListRequest::new(group.into());
        let response = self.client.open_session(&self.token).usergroups_users_list(&request).await?;
        Ok(response.users.into_iter().map(|u| u.0).collect())
    }
}

/// What the adapter reads of a slash command, from a signed form or Socket Mode.
#[derive(Debug, Clone, Copy, Default)]
pub struct SlashCommand<'a> {
    pub team: &'a str,
    pub channel: &'a str,
    pub user: &'a str,
    /// `/quote`
    pub command: &'a str,
    /// What follows the command.
    pub text: &'a str,
    /// Where a later answer goes (empty when Slack gave none).
    pub response_url: &'a str,
}

impl<'a> From<&'a SlackCommandEvent> for SlashCommand<'a> {
    fn from(event: &'a SlackCommandEvent) -> SlashCommand<'a> {
        SlashCommand {
            team: &event.team_id.0,
            channel: &event.channel_id.0,
            user: &event.user_id.0,
            command: &event.command.0,
            text: event.text.as_deref().unwrap_or(""),
            response_url: event.response_url.0.as_str(),
        }
    }
}

/// The reply to a slash command.
#[derive(Debug, Clone)]
pub struct CommandAnswer {
    pub content: SlackMessageContent,
    /// Seen only by the one who asked.
    pub ephemeral: bool,
}

impl CommandAnswer {
    pub fn response_type(&self) -> SlackMessageResponseType {
        if self.ephemeral { SlackMessageResponseType::Ephemeral } else { SlackMessageResponseType::InChannel }
    }
}

impl From<CommandAnswer> for SlackCommandEventResponse {
    fn from(answer: CommandAnswer) -> SlackCommandEventResponse {
        let response_type = answer.response_type();
        SlackCommandEventResponse::new(answer.content).with_response_type(response_type)
    }
}

/// Everything the Slack adapter needs besides the dispatcher.
pub struct Options {
    pub settings: SlackSettings,
    /// The Web API's address; Slack's own when `None`.
    pub api_url: Option<String>,
}

/// Who organises, from the settings and the organiser group.
struct Organisers {
    ids: HashSet<String>,
    group: Option<String>,
    members: tokio::sync::Mutex<Option<(Instant, HashSet<String>)>>,
}

/// The Slack adapter.
pub struct Slack {
    dispatcher: Arc<Dispatcher>,
    api: Option<Api>,
    /// The same token's client for direct messages.
    direct: Option<Api>,
    organisers: Organisers,
    channels: Vec<String>,
    answers_in_channel: bool,
    web: reqwest::Client,
    /// The Web API's address when it is not Slack's own (a test's fake).
    api_url: Option<String>,
    /// Room for work answered in the background ([`BACKGROUND_MOST`]).
    background: Arc<tokio::sync::Semaphore>,
    /// Where questions `/ask` could not answer go ([`help`]).
    help_channel: Option<String>,
    /// Socket Mode's connection, when `SLACK_APP_TOKEN` is set.
    socket: Option<Arc<crate::transport::Transport>>,
}

/// Clicks, mentions, tab openings and slow imports answered in the
/// background at once; more are dropped, and counted, until some end. Each
/// holds a task and an answer waiting for at most [`RESPONSE_TIMEOUT`] on
/// Slack; chosen so that a burst of clicks holds a few megabytes, while a
/// conference's real traffic (tens a second, answered in milliseconds)
/// never comes near.
const BACKGROUND_MOST: usize = 256;

/// Where Slack's `response_url`s point.
const SLACK_HOOKS: &str = "https://hooks.slack.com/";

impl Slack {
    pub fn new(dispatcher: Arc<Dispatcher>, options: Options) -> anyhow::Result<Slack> {
        let settings = options.settings;
        let (api, direct) = match &settings.bot_token {
            Some(token) => (
                Some(Api::new(token, options.api_url.as_deref())?),
                Some(Api::for_direct_messages(token, options.api_url.as_deref())?),
            ),
            None => (None, None),
        };
        Ok(Slack {
            dispatcher,
            api,
            direct,
            organisers: Organisers {
                ids: settings.organisers.into_iter().collect(),
                group: settings.organiser_group,
                members: tokio::sync::Mutex::new(None),
            },
            channels: settings.channels,
            answers_in_channel: settings.replies_in_channel,
            web: reqwest::Client::builder().timeout(RESPONSE_TIMEOUT).build()?,
            api_url: options.api_url,
            background: Arc::new(tokio::sync::Semaphore::new(BACKGROUND_MOST)),
            help_channel: settings.help_channel,
            socket: settings
                .app_token
                .is_some()
                .then(|| Arc::new(crate::transport::Transport::new("Slack Socket Mode"))),
        })
    }

    /// How Socket Mode's connection is doing, when it is configured.
    pub fn socket(&self) -> Option<&Arc<crate::transport::Transport>> {
        self.socket.as_ref()
    }

    /// Runs what `work` makes in the background for `user`, unless
    /// [`BACKGROUND_MOST`] tasks already run or that person has too many
    /// commands in flight: then it is dropped, and counted.
    pub fn in_background<F>(self: &Arc<Self>, user: Option<&str>, work: impl FnOnce(Arc<Slack>) -> F)
    where
        F: std::future::Future<Output = ()> + Send + 'static,
    {
        if user.is_some_and(|user| self.dispatcher.crowded(Platform::Slack, user)) {
            return crate::metrics::work_dropped("person");
        }
        let Ok(permit) = self.background.clone().try_acquire_owned() else {
            return crate::metrics::work_dropped("busy");
        };
        let work = work(self.clone());
        tokio::spawn(async move {
            let _permit = permit;
            work.await;
        });
    }

    pub fn api(&self) -> Option<&Api> {
        self.api.as_ref()
    }

    /// Whether `user` organises: named in the settings, or in the organiser group.
    async fn is_organiser(&self, user: &str) -> bool {
        if self.organisers.ids.contains(user) {
            return true;
        }
        let (Some(group), Some(api)) = (&self.organisers.group, &self.api) else { return false };
        let mut members = self.organisers.members.lock().await;
        let fresh = members.as_ref().is_some_and(|(read, _)| read.elapsed() < GROUP_TTL);
        if !fresh {
            match api.group_members(group).await {
                Ok(read) => *members = Some((Instant::now(), read)),
                // The last list read stays in use while Slack does not answer.
                Err(error) => tracing::warn!("reading the members of Slack user group {group} failed: {error:#}"),
            }
        }
        members.as_ref().is_some_and(|(_, set)| set.contains(user))
    }

    async fn origin(&self, team: &str, channel: &str, user: &str, line: &str) -> Origin {
        // The group is read only for the commands that need it.
        let needs_organiser = emcee_core::command::catalogue::asks_organiser(line);
        Origin {
            platform: Platform::Slack,
            workspace: team.to_string(),
            channel: channel.to_string(),
            user: user.to_string(),
            organiser: needs_organiser && self.is_organiser(user).await,
        }
    }

    /// A slash command: its reply, for the HTTP response or the Socket Mode ack.
    pub async fn command(&self, command: &SlashCommand<'_>) -> CommandAnswer {
        let text = command.text.trim();
        let line = if text.is_empty() { command.command.to_string() } else { format!("{} {text}", command.command) };
        let origin = self.origin(command.team, command.channel, command.user, &line).await;
        let again = Again { line, shown: 0, seed: crate::clock::seed() };
        // Slack waits three seconds for the answer; a download may take
        // thirty. An organiser's is acknowledged now and its outcome follows.
        if origin.organiser
            && emcee_core::command::catalogue::fetches(&again.line)
            && self.may_respond_to(command.response_url)
        {
            return self.later(origin, again, command.response_url.to_string());
        }
        let reply = self.dispatcher.answer_seeded(&origin, &again.line, 0, again.seed).await;
        let ephemeral = blocks::ephemeral(&reply, self.answers_in_channel);
        CommandAnswer { content: blocks::message(&reply, Shape { ephemeral }, Some(&again)), ephemeral }
    }

    /// A button: "another quote" replaces the message with the next match;
    /// **Answer** and **Add to FAQ** in the help channel open a form, whose
    /// submission is handled here too ([`help`]);
    /// "share in channel" posts the asker's private answer for everyone;
    /// "Add to my agenda" and "Remove" answer the clicker alone.
    /// Both answer through the interaction's `response_url`.
    pub async fn interaction(&self, event: SlackInteractionEvent) {
        let event = match event {
            SlackInteractionEvent::BlockActions(event) => event,
            SlackInteractionEvent::ViewSubmission(submitted) => {
                return match board::asked(&submitted) {
                    Some(asked) => self.ask_submitted(&submitted, asked).await,
                    None => self.help_submitted(submitted).await,
                };
            }
            _ => return,
        };
        if let (SlackInteractionActionContainer::View(_), Some(user)) = (&event.container, &event.user) {
            return self.home_action(&event, &user.id.0).await;
        }
        let (Some(response_url), Some(user)) = (&event.response_url, &event.user) else { return };
        let channel = event.channel.as_ref().map(|c| c.id.0.clone()).unwrap_or_default();
        if !self.may_respond_to(response_url.0.as_str()) {
            tracing::warn!("a button's response_url is not Slack's: {}", response_url.0);
            return;
        }
        // A click is one action; a payload that claims more is answered for its first.
        for action in event.actions.iter().flatten().take(1) {
            if [help::HELP_ANSWER, help::HELP_FAQ].contains(&action.action_id.0.as_str()) {
                self.help_button(&event, action, &user.id.0).await;
                continue;
            }
            if action.action_id.0.starts_with(blocks::QA_ASK) {
                self.ask_button(&event, action, &channel, response_url.0.as_str()).await;
                continue;
            }
            // An offer under a reply, answered to the one who pressed it.
            // An audience question's Upvote replaces the question with its new count.
            if action.action_id.0 == blocks::OFFER {
                let origin = self.origin(&event.team.id.0, &channel, &user.id.0, "").await;
                let reply = self.dispatcher.take_offer(&origin, action.value.as_deref().unwrap_or("")).await;
                let body = if reply.post && reply.status == emcee_core::reply::Status::Ok {
                    let again = Again { line: String::new(), shown: 0, seed: 0 };
                    response_body(blocks::message(&reply, Shape { ephemeral: false }, Some(&again)), true, None)
                } else {
                    let content = blocks::message(&reply, Shape { ephemeral: true }, None);
                    response_body(content, false, Some(SlackMessageResponseType::Ephemeral))
                };
                self.respond(response_url.0.as_str(), &body).await;
                continue;
            }
            let Some(again) = action.value.as_deref().and_then(|v| serde_json::from_str::<Again>(v).ok()) else {
                continue;
            };
            let button = match action.action_id.0.as_str() {
                id if id.starts_with(CHOOSE) => Button::Choose,
                id if id.starts_with(AGENDA) => Button::Agenda,
                ANOTHER_QUOTE => Button::Another,
                SHARE => Button::Share,
                _ => continue,
            };
            if !button_may_run(button, &again.line) {
                tracing::warn!(action = %action.action_id.0, "a button asked what its kind may not: {}", again.line);
                continue;
            }
            let origin = self.origin(&event.team.id.0, &channel, &user.id.0, &again.line).await;
            let body = match action.action_id.0.as_str() {
                // A person picked from an ambiguous name: the answer about them replaces the question.
                chosen if chosen.starts_with(CHOOSE) => {
                    let reply = self.dispatcher.answer_seeded(&origin, &again.line, 0, again.seed).await;
                    let ephemeral = blocks::ephemeral(&reply, self.answers_in_channel)
                        || event.container_ephemeral().unwrap_or(false);
                    let content = blocks::message(&reply, Shape { ephemeral }, Some(&again));
                    response_body(content, true, None)
                }
                // "Add to my agenda" or "Remove" beside a session: the answer goes to the one who clicked.
                agenda if agenda.starts_with(AGENDA) && again.line.starts_with("/agenda ") => {
                    let reply = self.dispatcher.answer_seeded(&origin, &again.line, 0, again.seed).await;
                    let content = blocks::message(&reply, Shape { ephemeral: true }, Some(&again));
                    response_body(content, false, Some(SlackMessageResponseType::Ephemeral))
                }
                ANOTHER_QUOTE => {
                    let reply = self.dispatcher.answer_seeded(&origin, &again.line, again.shown, again.seed).await;
                    let ephemeral = blocks::ephemeral(&reply, self.answers_in_channel)
                        || event.container_ephemeral().unwrap_or(false);
                    let content = blocks::message(&reply, Shape { ephemeral }, Some(&again));
                    response_body(content, true, None)
                }
                SHARE => {
                    let reply = self.dispatcher.answer_in_public(&origin, &again.line, again.shown, again.seed).await;
                    let content = blocks::message(&reply, Shape { ephemeral: false }, None);
                    response_body(content, false, Some(SlackMessageResponseType::InChannel))
                }
                _ => continue,
            };
            self.respond(response_url.0.as_str(), &body).await;
            if action.action_id.0 == SHARE {
                self.respond(response_url.0.as_str(), &serde_json::json!({ "delete_original": true })).await;
            }
        }
    }

    /// Whether `url` is a `response_url` Slack gives: on its hooks host,
    /// or on the Web API's host when another is configured (a test's fake).
    fn may_respond_to(&self, url: &str) -> bool {
        let origin = |url: &str| reqwest::Url::parse(url).ok().map(|u| u.origin());
        let Some(asked) = origin(url) else { return false };
        let allowed = [Some(SLACK_HOOKS), self.api_url.as_deref()];
        allowed.into_iter().flatten().any(|base| origin(base).as_ref() == Some(&asked))
    }

    async fn respond(&self, url: &str, body: &serde_json::Value) {
        respond(&self.web, url, body).await;
    }

    /// Answers `again` in the background, its reply sent to `response_url`;
    /// what Slack gets now says the work has started.
    fn later(&self, origin: Origin, again: Again, response_url: String) -> CommandAnswer {
        let (dispatcher, web, in_channel) = (self.dispatcher.clone(), self.web.clone(), self.answers_in_channel);
        let kind = emcee_core::parse(&again.line).map_or(emcee_core::CommandKind::Help, |c| c.kind());
        let Ok(permit) = self.background.clone().try_acquire_owned() else {
            crate::metrics::work_dropped("busy");
            let busy = emcee_core::Reply::message(
                kind,
                emcee_core::reply::Status::Error,
                "emcee has as much work running as it takes at once; try again in a minute.",
            );
            return CommandAnswer { content: blocks::message(&busy, Shape { ephemeral: true }, None), ephemeral: true };
        };
        tokio::spawn(async move {
            let _permit = permit;
            let reply = dispatcher.answer_seeded(&origin, &again.line, 0, again.seed).await;
            let ephemeral = blocks::ephemeral(&reply, in_channel);
            let content = blocks::message(&reply, Shape { ephemeral }, None);
            let shown =
                if ephemeral { SlackMessageResponseType::Ephemeral } else { SlackMessageResponseType::InChannel };
            respond(&web, &response_url, &response_body(content, false, Some(shown))).await;
        });
        let started = emcee_core::Reply::message(
            kind,
            emcee_core::reply::Status::Ok,
            "Downloading and reading it now (up to 30 s); what came of it follows here.",
        );
        CommandAnswer { content: blocks::message(&started, Shape { ephemeral: true }, None), ephemeral: true }
    }

    /// A button on the App Home tab, which has no response_url: "Remove"
    /// (or "Add") is answered by the tab shown again, changed.
    async fn home_action(&self, event: &SlackInteractionBlockActionsEvent, user: &str) {
        for action in event.actions.iter().flatten().take(1) {
            let Some(again) = action.value.as_deref().and_then(|v| serde_json::from_str::<Again>(v).ok()) else {
                continue;
            };
            if action.action_id.0.starts_with(AGENDA) && button_may_run(Button::Agenda, &again.line) {
                let origin = self.origin(&event.team.id.0, HOME, user, &again.line).await;
                self.dispatcher.answer_seeded(&origin, &again.line, 0, again.seed).await;
            }
        }
        self.home(&event.team.id.0, user).await;
    }

    /// The App Home tab: the person's agenda, the next session first,
    /// published whenever they open it.
    async fn home(&self, team: &str, user: &str) {
        let Some(api) = &self.api else {
            tracing::warn!("the App Home tab was opened but cannot be shown: SLACK_BOT_TOKEN is not set");
            return;
        };
        let again = Again { line: String::from("/agenda"), shown: 0, seed: crate::clock::seed() };
        let origin = self.origin(team, HOME, user, &again.line).await;
        let reply = self.dispatcher.answer_seeded(&origin, &again.line, 0, again.seed).await;
        if let Err(error) = api.publish_home(user, blocks::home(&reply, &again)).await {
            tracing::warn!("publishing the App Home tab failed: {error:#}");
        }
    }

    /// An event: a mention of the bot is a question, answered in a thread;
    /// the App Home tab opened is shown the person's agenda.
    pub async fn push(&self, event: SlackPushEventCallback) {
        let mention = match event.event {
            SlackEventCallbackBody::AppMention(mention) => mention,
            SlackEventCallbackBody::AppHomeOpened(opened) if opened.tab.as_deref().is_none_or(|t| t == "home") => {
                return self.home(&event.team_id.0, &opened.user.0).await;
            }
            _ => return,
        };
        let text = mention.content.text.as_deref().unwrap_or("");
        let question = without_mentions(text);
        let line = if question.is_empty() { String::from("/help") } else { question };
        let origin = self.origin(&event.team_id.0, &mention.channel.0, &mention.user.0, &line).await;
        // A mention is answered in the channel's thread, for everyone to see.
        let reply = self.dispatcher.answer_in_public(&origin, &line, 0, crate::clock::seed()).await;
        let Some(api) = &self.api else {
            tracing::warn!("a mention was answered but cannot be posted: SLACK_BOT_TOKEN is not set");
            return;
        };
        let content = blocks::message(&reply, Shape { ephemeral: false }, None);
        let thread = mention.origin.thread_ts.clone().unwrap_or_else(|| mention.origin.ts.clone());
        if let Err(error) = api.post(&mention.channel.0, content, Some(thread)).await {
            tracing::warn!(channel = %mention.channel.0, "posting the answer to a mention failed: {error:#}");
        }
    }
}

/// Who clicked, for the bounds on work done in the background.
pub(crate) fn interaction_user(event: &SlackInteractionEvent) -> Option<String> {
    match event {
        SlackInteractionEvent::BlockActions(actions) => actions.user.as_ref().map(|user| user.id.0.clone()),
        _ => None,
    }
}

/// Who an event is from (a mention, the Home tab opened), for the same bounds.
pub(crate) fn push_user(event: &SlackPushEventCallback) -> Option<String> {
    match &event.event {
        SlackEventCallbackBody::AppMention(mention) => Some(mention.user.0.clone()),
        SlackEventCallbackBody::AppHomeOpened(opened) => Some(opened.user.0.clone()),
        _ => None,
    }
}

trait ContainerEphemeral {
    fn container_ephemeral(&self) -> Option<bool>;
}

impl ContainerEphemeral for SlackInteractionBlockActionsEvent {
    fn container_ephemeral(&self) -> Option<bool> {
        match &self.container {
            SlackInteractionActionContainer::Message(m) => m.is_ephemeral,
            SlackInteractionActionContainer::MessageAttachment(m) => m.is_ephemeral,
            _ => None,
        }
    }
}

/// The JSON a `response_url` takes: the message, and what to do with the original.
/// Posts `body` to a `response_url`; a failure is logged, as nothing else can be done.
async fn respond(web: &reqwest::Client, url: &str, body: &serde_json::Value) {
    let request = web.post(url).header(reqwest::header::CONTENT_TYPE, "application/json");
    let sent = request.body(body.to_string()).send().await.and_then(|r| r.error_for_status());
    if let Err(error) = sent {
        tracing::warn!("answering through a Slack response_url failed: {error}");
    }
}

fn response_body(
    content: SlackMessageContent,
    replace_original: bool,
    response_type: Option<SlackMessageResponseType>,
) -> serde_json::Value {
    let mut body = serde_json::to_value(&content).unwrap_or_else(|_| serde_json::json!({}));
    if let Some(map) = body.as_object_mut() {
        map.insert("replace_original".into(), replace_original.into());
        if let Some(kind) = response_type {
            map.insert("response_type".into(), serde_json::to_value(kind).unwrap_or_default());
        }
    }
    body
}

/// The mention's text without the `<@U…>` that addressed the bot.
fn without_mentions(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find("<@") {
        out.push_str(&rest[..start]);
        match rest[start..].find('>') {
            Some(end) => rest = &rest[start + end + 1..],
            None => {
                rest = &rest[start..];
                break;
            }
        }
    }
    out.push_str(rest);
    // Slack sends `&`, `<` and `>` typed by the user escaped.
    let out = out.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&");
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Posts announcements to the configured channels.
pub struct SlackSink {
    api: Api,
    channels: Vec<String>,
}

impl SlackSink {
    /// A sink when there is a token and somewhere to post.
    pub fn new(slack: &Slack) -> Option<SlackSink> {
        let api = slack.api.clone()?;
        (!slack.channels.is_empty()).then(|| SlackSink { api, channels: slack.channels.clone() })
    }
}

impl Sink for SlackSink {
    fn send<'a>(
        &'a self,
        announcement: &'a Announcement,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = anyhow::Result<()>> + Send + 'a>> {
        Box::pin(async move {
            let content = blocks::announcement(announcement);
            let mut failed = Vec::new();
            for channel in &self.channels {
                let sent = self.api.post(channel, content.clone(), None).await;
                crate::metrics::announcement("slack", sent.is_ok());
                if let Err(error) = sent {
                    failed.push(format!("{channel}: {error:#}"));
                }
            }
            if failed.is_empty() { Ok(()) } else { anyhow::bail!("Slack: {}", failed.join("; ")) }
        })
    }
}

/// Direct messages to people on Slack: `chat.postMessage` with the user id
/// as the channel, which Slack delivers in the app's conversation with
/// them. A 429 from Slack holds every message of this sink until its
/// `Retry-After` has passed, then the refused one is sent again.
pub struct SlackDirect {
    api: Api,
    /// Until when Slack asked to be left alone.
    paused: tokio::sync::Mutex<Option<tokio::time::Instant>>,
}

/// How many times one message is tried again after a 429.
const DIRECT_RETRIES: usize = 8;
/// The wait when a 429 names none.
const DEFAULT_RETRY_AFTER: Duration = Duration::from_secs(1);

impl SlackDirect {
    /// A sink when there is a bot token to post with.
    pub fn new(slack: &Slack) -> Option<SlackDirect> {
        Some(SlackDirect { api: slack.direct.clone()?, paused: tokio::sync::Mutex::new(None) })
    }

    async fn wait_if_paused(&self) {
        let until = *self.paused.lock().await;
        if let Some(until) = until {
            tokio::time::sleep_until(until).await;
        }
    }

    async fn pause_for(&self, wait: Duration) {
        let until = tokio::time::Instant::now() + wait;
        let mut paused = self.paused.lock().await;
        if paused.is_none_or(|current| current < until) {
            *paused = Some(until);
        }
    }

    async fn post(&self, user: &str, content: SlackMessageContent) -> anyhow::Result<()> {
        let request = SlackApiChatPostMessageRequest::new(user.into(), content).with_unfurl_links(false);
        for _ in 0..=DIRECT_RETRIES {
            self.wait_if_paused().await;
            match self.api.client.open_session(&self.api.token).chat_post_message(&request).await {
                Ok(_) => return Ok(()),
                Err(slack_morphism::errors::SlackClientError::RateLimitError(limited)) => {
                    self.pause_for(limited.retry_after.unwrap_or(DEFAULT_RETRY_AFTER)).await;
                }
                Err(error) => return Err(error.into()),
            }
        }
        anyhow::bail!("Slack still answered 429 (rate limited) after {DIRECT_RETRIES} waits")
    }
}

impl DirectSink for SlackDirect {
    fn platform(&self) -> &'static str {
        crate::dispatch::Platform::Slack.as_str()
    }

    fn send_to<'a>(
        &'a self,
        user: &'a str,
        message: &'a Personal,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = anyhow::Result<()>> + Send + 'a>> {
        Box::pin(async move { self.post(user, blocks::personal(message)).await })
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_mention_loses_the_bot_s_name() {
        assert_eq!(super::without_mentions("<@U0BOT> when is the keynote?"), "when is the keynote?");
        assert_eq!(super::without_mentions("hey <@U0BOT|emcee>  /bio kelsey &amp; co"), "hey /bio kelsey & co");
        assert_eq!(super::without_mentions("<@U0BOT>"), "");
    }
}
