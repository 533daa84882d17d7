//! `emcee serve`: one HTTP server for every route (the Slack and Discord
//! endpoints, health, readiness and metrics), plus whichever long-lived
//! connections are configured (Slack Socket Mode, the Discord gateway), the
//! announcer and the programme's sync, all on one dispatcher.
//!
//! The HTTP server itself, with its deadlines for slow clients and its cap
//! on connections, is [`connections`].
//!
//! Shutdown on SIGTERM or SIGINT: stop accepting, let requests in flight
//! finish, close the platform connections, flush the usage log — within
//! [`SHUTDOWN_BUDGET`].

mod arrival;
pub mod connections;
mod deadlines;
mod feeds;
mod state;

use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context as _;
use axum::Router;
use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use tokio::sync::watch;

use crate::announcer::Sink;
use crate::config::{DiscordSettings, Settings, SlackSettings};
use crate::dispatch::Dispatcher;
use crate::slack::Slack;

/// Longest a shutdown may take, from the signal to the process ending.
pub const SHUTDOWN_BUDGET: Duration = Duration::from_secs(10);
/// Longest readiness waits for the database.
const READY_DB_TIMEOUT: Duration = Duration::from_secs(1);

/// What the HTTP handlers share.
#[derive(Clone)]
pub struct AppState {
    pub dispatcher: Arc<Dispatcher>,
    /// The platform connections this replica keeps, for `/readyz`.
    pub transports: Arc<[Arc<crate::transport::Transport>]>,
    /// Whether Slack or Discord also reach this replica over HTTP, so
    /// that it answers while a connection is down.
    pub platform_routes: bool,
}

/// The adapters and routes a server runs with; tests build one in-process.
pub struct App {
    pub router: Router,
    pub dispatcher: Arc<Dispatcher>,
    pub slack: Option<Arc<Slack>>,
    pub discord: Option<Arc<crate::discord::Discord>>,
}

/// Addresses of the platforms' APIs; their real ones unless a test says otherwise.
#[derive(Debug, Clone, Default)]
pub struct Endpoints {
    pub slack_api: Option<String>,
    pub discord_api: Option<String>,
    /// Where uploads to Discord are fetched from.
    pub discord_attachments: Option<String>,
}

/// The platform settings a server is built from.
#[derive(Debug, Clone, Default)]
pub struct Platforms {
    pub slack: SlackSettings,
    pub discord: DiscordSettings,
    /// Answer copies of signed requests already answered (load generators only).
    pub accept_replays: bool,
}

/// Builds the router and adapters for `platforms` over `dispatcher`.
pub fn app(platforms: &Platforms, dispatcher: Arc<Dispatcher>, endpoints: &Endpoints) -> anyhow::Result<App> {
    let (slack_settings, discord_settings) = (&platforms.slack, &platforms.discord);
    crate::metrics::install();
    // One memory of answered requests for both platforms; their ids never meet.
    let replays = (!platforms.accept_replays).then(|| Arc::new(crate::replays::Replays::default()));
    let slack = if slack_settings.signing_secret.is_some() || slack_settings.app_token.is_some() {
        let options = crate::slack::Options { settings: slack_settings.clone(), api_url: endpoints.slack_api.clone() };
        Some(Arc::new(Slack::new(dispatcher.clone(), options)?))
    } else {
        None
    };
    if let Some(board) = slack.as_deref().and_then(crate::slack::board::SlackBoard::new) {
        dispatcher.add_qa_board(crate::dispatch::Platform::Slack, Arc::new(board));
    }
    if let Some(desk) = slack.as_deref().and_then(crate::slack::help::SlackHelp::new) {
        dispatcher.add_help_desk(crate::dispatch::Platform::Slack, Arc::new(desk));
    }
    let discord = if discord_settings.public_key.is_some() || discord_settings.token.is_some() {
        Some(Arc::new(crate::discord::Discord::new(
            dispatcher.clone(),
            discord_settings.clone(),
            endpoints.discord_api.as_deref(),
            endpoints.discord_attachments.as_deref(),
        )?))
    } else {
        None
    };
    let transports =
        slack.as_ref().and_then(|s| s.socket()).into_iter().chain(discord.as_ref().and_then(|d| d.gateway()));
    let mut router = Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics))
        .merge(feeds::routes())
        .with_state(AppState {
            dispatcher: dispatcher.clone(),
            transports: transports.cloned().collect(),
            platform_routes: (slack.is_some() && slack_settings.signing_secret.is_some())
                || (discord.is_some() && discord_settings.public_key.is_some()),
        });
    if let (Some(slack), Some(secret)) = (&slack, &slack_settings.signing_secret) {
        router = router.merge(crate::slack::http::routes(slack.clone(), secret, replays.clone()));
    }
    if let Some(board) = discord.as_deref().and_then(crate::discord::board::DiscordBoard::new) {
        dispatcher.add_qa_board(crate::dispatch::Platform::Discord, Arc::new(board));
    }
    if let Some(desk) = discord.as_deref().and_then(crate::discord::help::DiscordHelp::new) {
        dispatcher.add_help_desk(crate::dispatch::Platform::Discord, Arc::new(desk));
    }
    if let (Some(discord), Some(key)) = (&discord, &discord_settings.public_key) {
        router = router.merge(crate::discord::http::routes(discord.clone(), key, replays)?);
    }
    let router = router.layer(axum::middleware::from_fn(track));
    Ok(App { router, dispatcher, slack, discord })
}

/// The route label for a path: one of ours, or `other`.
fn route_label(path: &str) -> &'static str {
    const ROUTES: &[&str] = &[
        "/slack/commands",
        "/slack/interactivity",
        "/slack/events",
        "/discord/interactions",
        "/healthz",
        "/readyz",
        "/metrics",
        "/programme.ics",
    ];
    if path.starts_with("/agenda/") {
        return "/agenda/<token>.ics";
    }
    ROUTES.iter().find(|r| **r == path).copied().unwrap_or("other")
}

/// Counts every response by route and status, and times it.
async fn track(request: Request, next: Next) -> Response {
    let route = route_label(request.uri().path());
    let started = Instant::now();
    let response = next.run(request).await;
    crate::metrics::http_response(route, response.status().as_u16(), started.elapsed());
    response
}

async fn healthz() -> &'static str {
    "ok\n"
}

/// Ready when the index is built and usage events have somewhere to go
/// (the database, or the spill file while the database is away). The text
/// tells an outage of the database (events wait on disk) from a refusal
/// (some events were set aside; the rest are stored), and names each
/// platform connection this replica keeps (the Discord gateway, Slack's
/// Socket Mode) that is down, why and for how long. A connection down past
/// [`DOWN_GRACE`](crate::transport::DOWN_GRACE) makes the replica unready
/// only when it is the replica's only way in: one that also takes the
/// platforms over HTTP keeps serving those, and an outage of Slack or
/// Discord should not take every replica out of the Service at once.
async fn readyz(State(state): State<AppState>) -> Response {
    let engine = state.dispatcher.engine();
    // Built once per programme; a new programme's index is built here if no search has yet.
    if let Ok(Err(error)) =
        tokio::task::spawn_blocking(move || engine.warm().map(|_| ()).map_err(|e| e.to_string())).await
    {
        return (StatusCode::SERVICE_UNAVAILABLE, format!("index: {error}\n")).into_response();
    }
    let now = Instant::now();
    let troubles: Vec<_> = state.transports.iter().filter_map(|t| t.trouble_at(now)).collect();
    if !state.platform_routes && troubles.iter().any(|t| t.outage) {
        let text: String = troubles.iter().map(|t| format!("{}\n", t.text)).collect();
        return (StatusCode::SERVICE_UNAVAILABLE, text).into_response();
    }
    let connections: String = troubles.iter().map(|t| format!("{}; reconnecting\n", t.text)).collect();
    let Some(usage) = state.dispatcher.usage() else { return format!("ready\n{connections}").into_response() };
    let answers = matches!(tokio::time::timeout(READY_DB_TIMEOUT, usage.store.ping()).await, Ok(Ok(())));
    let refused = usage.log.counters().rejected.load(std::sync::atomic::Ordering::Relaxed);
    let mut text = match (answers && !usage.log.health().down(), usage.log.spill_writable()) {
        (true, _) => String::from("ready\n"),
        (false, true) => String::from("ready: the database is not answering; usage events are spilling to disk\n"),
        (false, false) => {
            return (
                StatusCode::SERVICE_UNAVAILABLE,
                "usage: neither the database nor the spill file can be written\n",
            )
                .into_response();
        }
    };
    text.push_str(&connections);
    if refused > 0 {
        text.push_str(&format!(
            "usage: the database refused {refused} events for what they hold (last: {}); they are set aside in {}, \
             and the others are stored\n",
            usage.log.health().last_refusal().unwrap_or_default(),
            usage.log.rejected_path().display()
        ));
    }
    text.into_response()
}

async fn metrics(State(state): State<AppState>) -> Response {
    if let Some(usage) = state.dispatcher.usage() {
        let counters = usage.log.counters();
        let rejected = counters.rejected.load(std::sync::atomic::Ordering::Relaxed);
        crate::metrics::usage(usage.log.queue_depth(), &counters.outcomes(), rejected);
    }
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")], crate::metrics::render()).into_response()
}

/// `emcee serve`.
pub async fn run(settings: &Settings) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    // From here on a SIGTERM stops the server cleanly, however early it comes.
    let stop_signal = crate::shutdown::signal();
    let (dispatcher, writer) = crate::startup::dispatcher(settings).await?;
    let dispatcher = Arc::new(dispatcher);
    // Ready means indexed: the first search must not wait for it.
    let engine = dispatcher.engine();
    tokio::task::spawn_blocking(move || engine.warm().map(|_| ()))
        .await
        .context("building the search index")?
        .context("building the search index")?;
    let platforms = Platforms {
        slack: settings.slack.clone(),
        discord: settings.discord.clone(),
        accept_replays: settings.accept_replays,
    };
    let app = app(&platforms, dispatcher.clone(), &Endpoints::default())?;
    let listener = tokio::net::TcpListener::bind(settings.http_addr)
        .await
        .with_context(|| format!("cannot listen on {} (EMCEE_HTTP_ADDR)", settings.http_addr))?;
    let address = listener.local_addr()?;
    eprintln!(
        "emcee serve: listening on http://{address} in {:.0?}; on: {}",
        started.elapsed(),
        settings.parts().join(", ")
    );

    let (stop_tx, stop_rx) = watch::channel(false);
    let stopped = |mut rx: watch::Receiver<bool>| async move {
        let _ = rx.wait_for(|stop| *stop).await;
    };
    let mut tasks = tokio::task::JoinSet::new();
    // Follows the stored programme until the end; nothing to close.
    let follow = crate::startup::follow(&dispatcher);
    let upkeep = tokio::spawn(async {
        let mut every = tokio::time::interval(crate::metrics::UPKEEP_EVERY);
        loop {
            every.tick().await;
            crate::metrics::upkeep();
        }
    });

    let mut sinks: Vec<Box<dyn Sink>> = Vec::new();
    if let Some(sink) = app.slack.as_deref().and_then(crate::slack::SlackSink::new) {
        sinks.push(Box::new(sink));
    }
    if let Some(sink) = app.discord.as_deref().and_then(crate::discord::DiscordSink::new) {
        sinks.push(Box::new(sink));
    }
    let mut direct: Vec<Arc<dyn crate::announcer::DirectSink>> = Vec::new();
    if let Some(sink) = app.slack.as_deref().and_then(crate::slack::SlackDirect::new) {
        direct.push(Arc::new(sink));
    }
    if let Some(sink) = app.discord.as_deref().and_then(crate::discord::DiscordDirect::new) {
        direct.push(Arc::new(sink));
    }
    let keynotes = app
        .discord
        .as_deref()
        .and_then(crate::discord::events::DiscordEvents::new)
        .map(|events| crate::announcer::keynotes::Keynotes::new(Arc::new(events), &settings.discord.keynote_kinds));
    let outlets = crate::announcer::Outlets { sinks, direct, keynotes };
    if let Some(store) = dispatcher.store()
        && outlets.any()
    {
        let (settings, stop) = (settings.clone(), stopped(stop_rx.clone()));
        tasks.spawn(async move {
            if let Err(error) = crate::announcer::run_loop(&settings, store, outlets, false, stop).await {
                tracing::error!("announcements stopped: {error:#}");
            }
        });
    }
    if dispatcher.store().is_some() {
        let (dispatcher, stop) = (dispatcher.clone(), stopped(stop_rx.clone()));
        tasks.spawn(async move { dispatcher.qa_wrap_up_loop(stop).await });
    }
    if let Some(store) = dispatcher.store()
        && settings.schedule_url.is_some()
    {
        let (settings, stop) = (settings.clone(), stopped(stop_rx.clone()));
        tasks.spawn(async move { crate::programme::keep_in_sync(&settings, &store, false, stop).await });
    }
    if let (Some(slack), Some(token)) = (&app.slack, &settings.slack.app_token) {
        let (slack, token, stop) = (slack.clone(), token.clone(), stopped(stop_rx.clone()));
        tasks.spawn(async move {
            if let Err(error) = crate::slack::socket::run(slack, &token, stop).await {
                tracing::error!("{error:#}");
            }
        });
    }
    if let (Some(discord), Some(_)) = (&app.discord, &settings.discord.token) {
        let (discord, stop) = (discord.clone(), stopped(stop_rx.clone()));
        tasks.spawn(async move {
            if let Err(error) = discord.run_gateway(stop).await {
                tracing::error!("Discord gateway: {error:#}");
            }
        });
    }

    let mut server = tokio::spawn(connections::serve(listener, app.router, settings.http, stop_rx.clone()));
    let failed = tokio::select! {
        () = stop_signal => None,
        ended = &mut server => Some(ended),
    };
    let stopping = Instant::now();
    eprintln!("emcee serve: stopping");
    let _ = stop_tx.send(true);
    let mut result = Ok(ExitCode::SUCCESS);
    match failed {
        Some(ended) => {
            result = match ended {
                Ok(()) => Err(anyhow::anyhow!("the HTTP server stopped on its own")),
                Err(error) => Err(anyhow::Error::new(error).context("the HTTP server failed")),
            };
        }
        // Requests in flight get a few seconds to finish; idle connections close at once.
        None => {
            if tokio::time::timeout(SHUTDOWN_BUDGET * 3 / 10, &mut server).await.is_err() {
                tracing::warn!("requests still in flight after {:?}; ending them", stopping.elapsed());
                server.abort();
            }
        }
    }
    let closing = async { while tasks.join_next().await.is_some() {} };
    if tokio::time::timeout(SHUTDOWN_BUDGET * 2 / 10, closing).await.is_err() {
        tracing::warn!("platform connections did not close in time; ending them");
    }
    tasks.abort_all();
    if let Some(follow) = follow {
        follow.abort();
    }
    upkeep.abort();
    drop(app.slack);
    drop(app.discord);
    drop(app.dispatcher);
    drop(dispatcher);
    // The usage writer's own limit (5 s) keeps the whole within SHUTDOWN_BUDGET.
    writer.stop().await;
    tracing::info!("stopped in {:.1?}", stopping.elapsed());
    result
}
