//! The announcer at work: a pass every [`TICK`], and the rest of a crowd
//! sent at once between passes.

use emcee_core::Schedule;

use super::pacing::TICK;
use super::{Announcer, Outlets};
use crate::config::Settings;
use crate::store::Store;

/// Sends due announcements to the outlets' sinks, each person's direct
/// messages to their platform, and keeps keynote events in step until
/// `stop` completes, or once. With no outlet there is nothing to do.
pub async fn run_loop(
    settings: &Settings,
    store: Store,
    outlets: Outlets,
    once: bool,
    stop: impl std::future::Future<Output = ()>,
) -> anyhow::Result<()> {
    if !outlets.any() {
        return Ok(());
    }
    let replica = format!("{}@{}", std::process::id(), settings.host);
    let Outlets { sinks, direct, keynotes } = outlets;
    let announcer = Announcer::new(store.clone(), sinks, settings.reminder_lead, replica)
        .with_direct(direct)
        .with_keynotes(keynotes);
    let mut schedule = match store.load_schedule().await {
        Ok(Some((schedule, _))) => schedule,
        Ok(None) => crate::knowledge::load(&settings.data_dir, settings.time_zone.as_ref())?.schedule,
        Err(error) => {
            // Each tick reads the programme again; until then, the files' one.
            tracing::warn!("announcements: reading the programme failed: {error:#}");
            crate::knowledge::load(&settings.data_dir, settings.time_zone.as_ref())?.schedule
        }
    };
    // Every change since the first programme (itself not news) is looked at
    // on every start; claims keep each notice to one sending, so a restart
    // neither repeats nor loses any.
    let mut seen = 1;
    // The changes whose notices to fans are all claimed: behind `seen` while a crowd's are going out.
    let mut fans_seen = 1;
    let mut stopped = false;
    tokio::pin!(stop);
    loop {
        // Ticks start TICK apart, however long a pass takes.
        let next_tick = tokio::time::Instant::now() + TICK;
        {
            // A stop during the pass lets it finish (what it claimed is
            // sent) but cuts short the opening of conversations ahead.
            let pass = tick(&announcer, &store, &mut schedule, (&mut seen, &mut fans_seen), settings);
            tokio::pin!(pass);
            let passed = tokio::select! {
                passed = &mut pass => passed,
                () = &mut stop => {
                    stopped = true;
                    announcer.stop_opening();
                    pass.await
                }
            };
            // A database that blips is retried on the next tick.
            if let Err(error) = passed {
                tracing::warn!("announcements: {error:#}; trying again in {TICK:?}");
            }
        }
        // A crowd is claimed a chunk at a time: the rest follows at once, a
        // chunk after another, until the next tick (whose pass goes on with
        // it) or a stop.
        let backlog = |announcer: &Announcer| announcer.has_backlog() || announcer.has_notice_backlog();
        while !stopped && backlog(&announcer) && tokio::time::Instant::now() < next_tick {
            stopped = tokio::select! {
                biased;
                () = &mut stop => true,
                () = std::future::ready(()) => false,
            };
            if stopped {
                break;
            }
            let now = settings.clock().now();
            let chunk = async {
                if announcer.has_notice_backlog() {
                    announcer.notify_fans(fans_seen, &schedule.conference.time_zone, now).await?;
                    if !announcer.has_notice_backlog() {
                        fans_seen = seen;
                    }
                }
                if announcer.has_backlog() {
                    announcer.remind_fans(&schedule, now).await?;
                }
                anyhow::Ok(())
            };
            if let Err(error) = chunk.await {
                tracing::warn!("announcements: {error:#}; trying again in {TICK:?}");
                break;
            }
        }
        if stopped || once || !backlog(&announcer) {
            announcer.finish_sending().await;
        }
        if stopped || once {
            return Ok(());
        }
        tokio::select! {
            () = tokio::time::sleep_until(next_tick) => {}
            () = &mut stop => {
                announcer.finish_sending().await;
                return Ok(());
            }
        }
    }
}

/// One pass: notices of recorded changes, then reminders, to channels and
/// to fans; then conversations opened ahead and keynote events kept in step.
async fn tick(
    announcer: &Announcer,
    store: &Store,
    schedule: &mut Schedule,
    (seen, fans_seen): (&mut i64, &mut i64),
    settings: &Settings,
) -> anyhow::Result<()> {
    if let Some((latest, _)) = store.load_schedule().await? {
        *schedule = latest;
        let now = settings.clock().now();
        let newest = announcer.notify(*seen, &schedule.conference.time_zone, now).await?.1;
        announcer.notify_fans(*fans_seen, &schedule.conference.time_zone, now).await?;
        if !announcer.has_notice_backlog() {
            *fans_seen = newest;
        }
        *seen = newest;
    }
    announcer.remind(schedule, settings.clock().now()).await?;
    announcer.remind_fans(schedule, settings.clock().now()).await?;
    // A crowd being reminded or told of a change has the platform's rate to itself.
    if !announcer.has_backlog() && !announcer.has_notice_backlog() {
        announcer.open_ahead(schedule, settings.clock().now()).await?;
    }
    announcer.sync_keynotes(schedule, settings.clock().now()).await?;
    Ok(())
}
