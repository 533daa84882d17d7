//! The Discord adapter. Interactions arrive over the gateway ([`gateway`])
//! or Discord's HTTP interactions endpoint ([`http`]); both hand them to
//! [`Discord::handle`], which turns each into a command line for the one
//! dispatch path and the reply into an embed. Announcements go to the
//! configured channels, direct messages to each person's DM channel and
//! keynotes to the server's scheduled events ([`events`]), through
//! serenity's HTTP client, rate limits kept.

pub mod board;
pub mod commands;
pub mod embed;
pub mod events;
pub mod gateway;
pub mod help;
pub mod http;
pub mod markdown;
pub mod pace;
pub mod verify;

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use emcee_core::CommandKind;
use emcee_core::reply::Status;
use serenity::all::{
    CommandInteraction, ComponentInteraction, CreateAllowedMentions, CreateAutocompleteResponse,
    CreateInteractionResponse, EditInteractionResponse, Http, HttpBuilder, Interaction, Member, Permissions,
    ResolvedOption, ResolvedValue,
};

use crate::announcer::{Announcement, DirectSink, Personal, Rate, Sink};
use crate::config::DiscordSettings;
use crate::dispatch::{Button, Dispatcher, Origin, Platform, button_may_run};

/// Work that goes on after the first response (a deferred import).
pub type Later = Pin<Box<dyn Future<Output = ()> + Send>>;

/// The first response to an interaction, and what follows it.
pub struct Handled {
    pub response: CreateInteractionResponse,
    pub later: Option<Later>,
}

impl Handled {
    fn now(response: CreateInteractionResponse) -> Handled {
        Handled { response, later: None }
    }
}

/// Largest schedule file taken from an upload.
pub const UPLOAD_MAX_BYTES: u32 = emcee_core::schedule::MAX_IMPORT_BYTES as u32;

/// Where Discord keeps uploaded files: the only address an upload is fetched from.
pub const ATTACHMENTS: &str = "https://cdn.discordapp.com/";

/// The Discord adapter.
pub struct Discord {
    dispatcher: Arc<Dispatcher>,
    http: Arc<Http>,
    settings: DiscordSettings,
    /// [`ATTACHMENTS`], or a test's stand-in.
    attachments: String,
    /// Where REST requests go, for the gateway's client to go there too.
    route: Route,
    /// The gateway's shards, when `DISCORD_TOKEN` is set.
    gateway: Option<Arc<crate::transport::Transport>>,
}

/// The gateway's connection for `settings`, when it has a token.
fn gateway_for(settings: &DiscordSettings) -> Option<Arc<crate::transport::Transport>> {
    settings.token.is_some().then(|| Arc::new(crate::transport::Transport::new("the Discord gateway")))
}

/// Where the adapter's REST requests go: Discord; a proxy standing in for
/// its API; or `discord.com` found at a stand-in's address, trusted when
/// signed by a test authority (DER).
#[derive(Clone)]
enum Route {
    Discord,
    Proxy(String),
    StandIn(std::net::SocketAddr, Vec<u8>),
}

/// A serenity client for `settings` whose requests take `route`.
fn http_for(settings: &DiscordSettings, route: &Route) -> anyhow::Result<Http> {
    let mut builder = HttpBuilder::new(settings.token.clone().unwrap_or_default());
    if let Route::StandIn(address, authority) = route {
        let client = reqwest::Client::builder()
            .resolve("discord.com", *address)
            .add_root_certificate(reqwest::Certificate::from_der(authority)?)
            .build()?;
        builder = builder.client(client);
    }
    if let Some(id) = settings.application_id {
        builder = builder.application_id(id.into());
    }
    if let Route::Proxy(api) = route {
        builder = builder.proxy(api).ratelimiter_disabled(true);
    }
    Ok(builder.build())
}

impl Discord {
    /// `api` and `attachments` replace Discord's API and file addresses (for tests).
    pub fn new(
        dispatcher: Arc<Dispatcher>,
        settings: DiscordSettings,
        api: Option<&str>,
        attachments: Option<&str>,
    ) -> anyhow::Result<Discord> {
        let route = api.map_or(Route::Discord, |api| Route::Proxy(api.to_string()));
        let attachments = attachments.unwrap_or(ATTACHMENTS).to_string();
        let (http, gateway) = (Arc::new(http_for(&settings, &route)?), gateway_for(&settings));
        Ok(Discord { dispatcher, http, settings, attachments, route, gateway })
    }

    /// The adapter with `discord.com` found at `address` and trusted when
    /// its certificate is signed by `authority` (DER): a stand-in for
    /// Discord that requests reach exactly as they reach Discord, serenity's
    /// rate limits included (a proxy, as [`new`](Self::new) takes, turns them off).
    pub fn with_stand_in(
        dispatcher: Arc<Dispatcher>,
        settings: DiscordSettings,
        address: std::net::SocketAddr,
        authority: &[u8],
    ) -> anyhow::Result<Discord> {
        let route = Route::StandIn(address, authority.to_vec());
        let http = Arc::new(http_for(&settings, &route)?);
        let gateway = gateway_for(&settings);
        Ok(Discord { dispatcher, http, settings, attachments: ATTACHMENTS.to_string(), route, gateway })
    }

    pub fn http(&self) -> Arc<Http> {
        self.http.clone()
    }

    /// A client of its own for the gateway, whose requests go where the
    /// adapter's do.
    fn gateway_http(&self) -> anyhow::Result<Http> {
        http_for(&self.settings, &self.route)
    }

    /// How the gateway's shards are doing, when it is configured.
    pub fn gateway(&self) -> Option<&Arc<crate::transport::Transport>> {
        self.gateway.as_ref()
    }

    pub fn settings(&self) -> &DiscordSettings {
        &self.settings
    }

    fn organiser(&self, member: Option<&Member>) -> bool {
        let Some(member) = member else { return false };
        let by_role = member.roles.iter().any(|role| self.settings.organiser_roles.contains(&role.get()));
        let by_permission = member.permissions.is_some_and(|p| p.contains(Permissions::MANAGE_EVENTS));
        by_role || by_permission
    }

    fn origin(&self, guild: Option<u64>, channel: u64, user: u64, member: Option<&Member>) -> Origin {
        Origin {
            platform: Platform::Discord,
            workspace: guild.map(|g| g.to_string()).unwrap_or_default(),
            channel: channel.to_string(),
            user: user.to_string(),
            organiser: self.organiser(member),
        }
    }

    /// One interaction, from either delivery: the response to send first,
    /// and any work that edits it in afterwards.
    pub async fn handle(self: &Arc<Self>, interaction: Interaction) -> Option<Handled> {
        match interaction {
            Interaction::Ping(_) => Some(Handled::now(CreateInteractionResponse::Pong)),
            Interaction::Command(command) => Some(self.command(command).await),
            Interaction::Autocomplete(command) => Some(Handled::now(self.autocomplete(&command))),
            Interaction::Component(component) => Some(self.component(component).await),
            Interaction::Modal(modal) => match self.ask_submitted(&modal).await {
                Some(handled) => Some(handled),
                None => self.help_submitted(modal).await,
            },
            _ => None,
        }
    }

    async fn command(self: &Arc<Self>, command: CommandInteraction) -> Handled {
        let member = command.member.as_deref();
        let origin =
            self.origin(command.guild_id.map(|g| g.get()), command.channel_id.get(), command.user.id.get(), member);
        let options = command.data.options();
        let upload = attachment(&options);
        let line = match commands::line(&command.data.name, &options) {
            Ok(line) => line,
            Err(message) => {
                return Handled::now(CreateInteractionResponse::Message(embed::notice(&message)));
            }
        };
        let transcript = line.starts_with("/transcript import");
        let faq = line.starts_with("/faq import");
        let slow = emcee_core::command::catalogue::downloads(&line);
        if !slow {
            let seed = crate::clock::seed();
            let reply = self.dispatcher.answer_seeded(&origin, &line, 0, seed).await;
            return Handled::now(CreateInteractionResponse::Message(embed::message(&reply, &line, 0, seed)));
        }
        // An import downloads and stores a programme or a transcript: answer at once, then edit the result in.
        let fields = commands::fields(&options);
        let (this, token) = (self.clone(), command.token.clone());
        let later = Box::pin(async move {
            let reply = match upload {
                Some((name, url, size)) => {
                    let kind = match (transcript, faq) {
                        (true, _) => CommandKind::Transcript,
                        (_, true) => CommandKind::Faq,
                        _ => CommandKind::Schedule,
                    };
                    let file = this.fetch_upload(kind, &origin, (&name, &url, size)).await;
                    match kind {
                        CommandKind::Transcript => {
                            this.dispatcher.import_transcript(&origin, &name, file, &fields).await
                        }
                        CommandKind::Faq => this.dispatcher.import_faq_file(&origin, &name, file).await,
                        _ => this.dispatcher.import_file(&origin, &name, file.as_deref().map_err(Clone::clone)).await,
                    }
                }
                None => this.dispatcher.answer(&origin, &line).await,
            };
            let edit = EditInteractionResponse::new()
                .embed(embed::embed_for(&reply))
                .allowed_mentions(CreateAllowedMentions::new());
            if let Err(error) = this.http.edit_original_interaction_response(&token, &edit, Vec::new()).await {
                tracing::warn!("editing a deferred Discord reply failed: {error}");
            }
        });
        Handled {
            response: CreateInteractionResponse::Defer(
                serenity::all::CreateInteractionResponseMessage::new().ephemeral(true),
            ),
            later: Some(later),
        }
    }

    /// The bytes of an uploaded file, or the reply saying why they were not
    /// fetched: only an organiser's upload, within the size limit, from
    /// Discord's file store, is downloaded.
    async fn fetch_upload(
        &self,
        kind: emcee_core::CommandKind,
        origin: &Origin,
        upload: (&str, &str, u32),
    ) -> Result<Vec<u8>, Box<emcee_core::Reply>> {
        let (name, url, size) = upload;
        let refuse = |status, text: String| Err(Box::new(emcee_core::Reply::message(kind, status, text)));
        if !origin.organiser {
            // The dispatcher refuses it, and logs the refusal.
            Ok(Vec::new())
        } else if size > UPLOAD_MAX_BYTES {
            refuse(
                Status::Invalid,
                format!("{name} is {size} bytes; files larger than {UPLOAD_MAX_BYTES} bytes are refused."),
            )
        } else if !url.starts_with(&self.attachments) {
            tracing::warn!("an upload's address is not Discord's file store: {url}");
            refuse(Status::Invalid, String::from("The upload is not on Discord's file store; attach the file again."))
        } else {
            crate::programme::fetch(&crate::fetch::Fetcher::operator(), url).await.or_else(|error| {
                tracing::warn!("downloading an upload failed: {error}");
                refuse(
                    Status::Error,
                    format!("The file {name} could not be downloaded from Discord; try the upload again."),
                )
            })
        }
    }

    fn autocomplete(&self, command: &CommandInteraction) -> CreateInteractionResponse {
        let Some(focused) = command.data.autocomplete() else {
            return CreateInteractionResponse::Autocomplete(CreateAutocompleteResponse::new());
        };
        let engine = self.dispatcher.engine();
        let choices = commands::suggestions(&engine, &command.data.name, focused.name, focused.value);
        let mut response = CreateAutocompleteResponse::new();
        for choice in choices {
            response = response.add_string_choice(choice.clone(), choice);
        }
        CreateInteractionResponse::Autocomplete(response)
    }

    async fn component(&self, component: ComponentInteraction) -> Handled {
        let origin = self.origin(
            component.guild_id.map(|g| g.get()),
            component.channel_id.get(),
            component.user.id.get(),
            component.member.as_ref(),
        );
        if let Some(handled) = self.help_button(&component).await {
            return handled;
        }
        if let Some(handled) = self.ask_button(&component) {
            return handled;
        }
        let id = component.data.custom_id.as_str();
        // An offer under a reply, answered to the one who pressed it.
        // An audience question's Upvote replaces the question with its new count.
        if let Some(token) = id.strip_prefix(embed::OFFER).and_then(|rest| rest.strip_prefix(':')) {
            let reply = self.dispatcher.take_offer(&origin, token).await;
            let message = embed::message(&reply, "", 0, 0);
            if reply.post && reply.status == Status::Ok {
                return Handled::now(CreateInteractionResponse::UpdateMessage(message));
            }
            return Handled::now(CreateInteractionResponse::Message(message));
        }
        // A person picked from an ambiguous name: the answer about them replaces the question.
        if let Some(line) = id.strip_prefix(embed::CHOOSE).and_then(|rest| rest.strip_prefix(':'))
            && button_may_run(Button::Choose, line)
        {
            let seed = crate::clock::seed();
            let reply = self.dispatcher.answer_seeded(&origin, line, 0, seed).await;
            return Handled::now(CreateInteractionResponse::UpdateMessage(embed::message(&reply, line, 0, seed)));
        }
        // "Add" or "Remove" beside a session: the answer goes to the one who clicked.
        if let Some(line) = agenda_line(id) {
            let reply = self.dispatcher.answer(&origin, &line).await;
            return Handled::now(CreateInteractionResponse::Message(embed::message(&reply, &line, 0, 0)));
        }
        let Some((shown, seed, line)) = parse_another(id).filter(|(_, _, line)| button_may_run(Button::Another, line))
        else {
            return Handled::now(CreateInteractionResponse::Acknowledge);
        };
        let reply = self.dispatcher.answer_seeded(&origin, line, shown, seed).await;
        if reply.status != Status::Ok {
            return Handled::now(CreateInteractionResponse::Message(embed::message(&reply, line, shown, seed)));
        }
        Handled::now(CreateInteractionResponse::UpdateMessage(embed::message(&reply, line, shown, seed)))
    }
}

/// `quote:SHOWN:SEED:LINE` → its parts.
fn parse_another(id: &str) -> Option<(usize, u64, &str)> {
    let rest = id.strip_prefix(embed::ANOTHER_QUOTE)?.strip_prefix(':')?;
    let (shown, rest) = rest.split_once(':')?;
    let (seed, line) = rest.split_once(':')?;
    line.starts_with("/quote").then_some(())?;
    Some((shown.parse().ok()?, u64::from_str_radix(seed, 16).ok()?, line))
}

/// `agenda:VERB:ID` → `/agenda VERB ID`, for the two verbs a button carries.
fn agenda_line(id: &str) -> Option<String> {
    let rest = id.strip_prefix(embed::AGENDA)?.strip_prefix(':')?;
    let (verb, session) = rest.split_once(':')?;
    (matches!(verb, "add" | "remove") && !session.is_empty()).then(|| format!("/agenda {verb} {session}"))
}

/// The uploaded file of `/schedule import`: name, address, size.
fn attachment(options: &[ResolvedOption<'_>]) -> Option<(String, String, u32)> {
    for option in options {
        match &option.value {
            ResolvedValue::SubCommand(inner) | ResolvedValue::SubCommandGroup(inner) => {
                if let Some(found) = attachment(inner) {
                    return Some(found);
                }
            }
            ResolvedValue::Attachment(file) => return Some((file.filename.clone(), file.url.clone(), file.size)),
            _ => {}
        }
    }
    None
}

/// Posts announcements to the configured channels.
pub struct DiscordSink {
    http: Arc<Http>,
    channels: Vec<u64>,
}

impl DiscordSink {
    /// A sink when there is a bot token and somewhere to post.
    pub fn new(discord: &Discord) -> Option<DiscordSink> {
        discord.settings.token.as_ref()?;
        (!discord.settings.channels.is_empty())
            .then(|| DiscordSink { http: discord.http.clone(), channels: discord.settings.channels.clone() })
    }
}

impl Sink for DiscordSink {
    fn send<'a>(
        &'a self,
        announcement: &'a Announcement,
    ) -> Pin<Box<dyn Future<Output = anyhow::Result<()>> + Send + 'a>> {
        Box::pin(async move {
            let message = embed::announcement(announcement);
            let mut failed = Vec::new();
            for &channel in &self.channels {
                let sent = serenity::all::ChannelId::new(channel).send_message(&self.http, message.clone()).await;
                crate::metrics::announcement("discord", sent.is_ok());
                if let Err(error) = sent {
                    failed.push(format!("{channel}: {error}"));
                }
            }
            if failed.is_empty() { Ok(()) } else { anyhow::bail!("Discord: {}", failed.join("; ")) }
        })
    }
}

/// Direct messages to people on Discord: a DM channel opened with each
/// (once; the announcer keeps it), then one request a message, through
/// serenity's client and its rate limits (per-route buckets,
/// `Retry-After`), spaced to keep within Discord's limit on all of the
/// bot's requests ([`pace::Pace`]).
pub struct DiscordDirect {
    http: Arc<Http>,
    pace: pace::Pace,
    rate: Rate,
    /// This replica's index among those holding the token, and how many there are.
    replica: (u32, u32),
}

impl DiscordDirect {
    /// A sink when there is a bot token to send with. Each of the
    /// `EMCEE_DISCORD_REPLICAS` replicas holding the token sends its share
    /// of `EMCEE_DISCORD_DM_RATE`.
    pub fn new(discord: &Discord) -> Option<DiscordDirect> {
        discord.settings.token.as_ref()?;
        let settings = &discord.settings;
        let rate = Rate { bot: settings.dm_rate, replica: settings.dm_rate / f64::from(settings.replicas.max(1)) };
        Some(DiscordDirect {
            http: discord.http.clone(),
            pace: pace::Pace::new(rate.replica),
            rate,
            replica: (settings.ordinal, settings.replicas.max(1)),
        })
    }
}

/// A Discord id from its text.
fn snowflake(id: &str, what: &str) -> anyhow::Result<u64> {
    id.parse::<u64>().ok().filter(|&id| id != 0).ok_or_else(|| anyhow::anyhow!("`{id}` is not a Discord {what} id"))
}

impl DirectSink for DiscordDirect {
    fn platform(&self) -> &'static str {
        crate::dispatch::Platform::Discord.as_str()
    }

    fn rate(&self) -> Option<Rate> {
        Some(self.rate)
    }

    fn replica(&self) -> (u32, u32) {
        self.replica
    }

    fn opens_conversations(&self) -> bool {
        true
    }

    fn open<'a>(&'a self, user: &'a str) -> Pin<Box<dyn Future<Output = anyhow::Result<String>> + Send + 'a>> {
        Box::pin(async move {
            let id = snowflake(user, "user")?;
            self.pace.wait().await;
            let channel = serenity::all::UserId::new(id).create_dm_channel(&self.http).await?;
            Ok(channel.id.to_string())
        })
    }

    fn send_to<'a>(
        &'a self,
        to: &'a str,
        message: &'a Personal,
    ) -> Pin<Box<dyn Future<Output = anyhow::Result<()>> + Send + 'a>> {
        Box::pin(async move {
            let channel = serenity::all::ChannelId::new(snowflake(to, "channel")?);
            self.pace.wait().await;
            channel.send_message(&self.http, embed::personal(message)).await?;
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn reads_the_another_quote_button() {
        assert_eq!(super::parse_another("quote:2:ff:/quote wasm"), Some((2, 255, "/quote wasm")));
        assert_eq!(super::parse_another("quote:2:ff:/schedule cancel x"), None);
        assert_eq!(super::parse_another("other"), None);
    }

    #[test]
    fn reads_the_agenda_buttons() {
        assert_eq!(super::agenda_line("agenda:add:a-b:c").as_deref(), Some("/agenda add a-b:c"));
        assert_eq!(super::agenda_line("agenda:remove:x").as_deref(), Some("/agenda remove x"));
        assert_eq!(super::agenda_line("agenda:forget:x"), None);
        assert_eq!(super::agenda_line("agenda:add:"), None);
    }
}
