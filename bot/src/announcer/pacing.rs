//! How fast direct messages go: how many are sent at once, how much a
//! pass claims on a rate-limited platform, and how early a reminder to a
//! crowd starts going out so that it is centred on its due time.

use std::time::Duration;

use super::DirectSink;

/// How often due announcements are looked for.
pub(super) const TICK: Duration = Duration::from_secs(15);

/// Direct messages in flight at once, across all of a pass's people: the
/// platforms' clients queue them further by their rate limits.
pub(super) const DIRECT_AT_ONCE: usize = 64;

/// How much sending a replica claims at once on a rate-limited platform:
/// with the chunk before it still going out, what a shutdown's last
/// moments can still send.
pub(super) const CHUNK: Duration = Duration::from_secs(1);
/// The longest lead a person may choose: sessions this far ahead are looked at.
pub(super) const MAX_LEAD: jiff::SignedDuration =
    jiff::SignedDuration::from_mins(emcee_core::command::MAX_REMIND_MINUTES as i64);
/// The earliest a reminder to a crowd may start going out, however large it is.
pub(super) const MAX_EARLY: jiff::SignedDuration = jiff::SignedDuration::from_mins(5);

/// How long before their due time reminders to `count` people on a
/// platform that allows the bot `rate` requests a second start going out:
/// nothing when they all fit within a tick, else half the time they need,
/// plus half a tick; at most [`MAX_EARLY`].
pub(super) fn early(count: u64, rate: f64) -> jiff::SignedDuration {
    let needs = count as f64 / rate;
    if needs < TICK.as_secs_f64() {
        return jiff::SignedDuration::ZERO;
    }
    let most = MAX_EARLY.as_secs_f64();
    jiff::SignedDuration::from_secs_f64(((needs + TICK.as_secs_f64()) / 2.0).min(most))
}

/// How many direct messages one pass claims on `sink`'s platform: a
/// second's sending of this replica's share where the platform limits the
/// rate, else everyone.
pub(super) fn chunk_of(sink: &dyn DirectSink) -> u64 {
    sink.rate().map_or(u64::MAX, |rate| (rate.replica * CHUNK.as_secs_f64()).max(1.0) as u64)
}
