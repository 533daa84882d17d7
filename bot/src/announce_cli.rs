//! `emcee announce`: reminders before sessions and notices of changes,
//! printed as they fall due; with `EMCEE_SCHEDULE_URL` set it also polls the
//! published programme and imports changes. Several can run against one
//! database: each announcement still goes out once.

use std::process::ExitCode;
use std::time::Duration;

use emcee_core::schedule::ImportOptions;

use crate::announcer::{Announcer, Sink, TerminalSink};
use crate::config::Settings;
use crate::programme::{self, Validators};
use crate::store::Store;

/// How often due announcements are looked for.
const TICK: Duration = Duration::from_secs(15);

pub async fn run(settings: &Settings, once: bool) -> anyhow::Result<ExitCode> {
    let store = crate::cli::open_store(settings).await?;
    run_loop(settings, store, vec![Box::new(TerminalSink)], once, crate::shutdown::signal()).await?;
    Ok(ExitCode::SUCCESS)
}

/// Sends due announcements to `sinks` (none: only the programme is kept in
/// sync) until `stop` completes, or once.
pub async fn run_loop(
    settings: &Settings,
    store: Store,
    sinks: Vec<Box<dyn Sink>>,
    once: bool,
    stop: impl std::future::Future<Output = ()>,
) -> anyhow::Result<()> {
    let announcing = !sinks.is_empty();
    let replica = format!("{}@{}", std::process::id(), settings.host);
    let announcer = Announcer::new(store.clone(), sinks, settings.reminder_lead, replica);
    let mut schedule = match store.load_schedule().await {
        Ok(Some((schedule, _))) => schedule,
        Ok(None) => crate::knowledge::load(&settings.data_dir)?.schedule,
        Err(error) => {
            // Each tick reads the programme again; until then, the files' one.
            tracing::warn!("announcements: reading the programme failed: {error:#}");
            crate::knowledge::load(&settings.data_dir)?.schedule
        }
    };
    // Every change since the first programme (itself not news) is looked at
    // on every start; claims keep each notice to one sending, so a restart
    // neither repeats nor loses any.
    let mut seen = 1;
    let mut validators = Validators::default();
    let mut next_sync = tokio::time::Instant::now();
    tokio::pin!(stop);
    loop {
        if let Some(url) = &settings.schedule_url
            && tokio::time::Instant::now() >= next_sync
        {
            next_sync = tokio::time::Instant::now() + settings.schedule_sync;
            sync(&store, url, &mut validators, &schedule).await;
        }
        // A database that blips is retried on the next tick.
        if announcing && let Err(error) = tick(&announcer, &store, &mut schedule, &mut seen, settings).await {
            tracing::warn!("announcements: {error:#}; trying again in {TICK:?}");
        }
        if once {
            return Ok(());
        }
        tokio::select! {
            () = tokio::time::sleep(TICK) => {}
            () = &mut stop => return Ok(()),
        }
    }
}

/// One pass: notices of recorded changes, then reminders.
async fn tick(
    announcer: &Announcer,
    store: &crate::store::Store,
    schedule: &mut emcee_core::Schedule,
    seen: &mut i64,
    settings: &Settings,
) -> anyhow::Result<()> {
    if let Some((latest, _)) = store.load_schedule().await? {
        *schedule = latest;
        let now = settings.clock().now();
        *seen = announcer.notify(*seen, &schedule.conference.time_zone, now).await?.1;
    }
    announcer.remind(schedule, settings.clock().now()).await?;
    Ok(())
}

/// Imports the published programme when it changed; problems are logged and retried next time.
async fn sync(store: &crate::store::Store, url: &str, validators: &mut Validators, current: &emcee_core::Schedule) {
    let polled = match programme::poll(url, validators).await {
        Ok(polled) => polled,
        Err(error) => {
            tracing::warn!("schedule sync: {error:#}");
            return;
        }
    };
    let Some((bytes, fresh)) = polled else { return };
    let options = ImportOptions {
        time_zone: Some(current.conference.time_zone.clone()),
        title: Some(current.conference.title.clone()),
    };
    match programme::parse(&bytes, url, &options, false) {
        Ok((_, schedule)) => match store.replace_schedule(&schedule, url, jiff::Timestamp::now()).await {
            Ok(applied) => {
                *validators = fresh;
                if !applied.changes.is_empty() {
                    tracing::info!(
                        "schedule sync: {} changes from {url}, version {}",
                        applied.changes.len(),
                        applied.version
                    );
                }
            }
            Err(error) => tracing::warn!("schedule sync: storing {url} failed: {error:#}"),
        },
        Err(error) => tracing::warn!("schedule sync: {error:#}"),
    }
}
