//! Spacing requests to keep within a number a second. Discord limits all of
//! a bot's requests together (50 a second) besides each route's own bucket,
//! and says so only by refusing one with 429; serenity keeps the route
//! buckets and waits out a refusal, and this keeps the refusals from
//! happening when thousands of direct messages go out at once.

use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;

/// Hands out evenly spaced moments to send at, first come first served.
#[derive(Debug)]
pub struct Pace {
    gap: Duration,
    next: Mutex<Instant>,
}

impl Pace {
    /// At most `per_second` requests a second (evenly spaced).
    pub fn new(per_second: f64) -> Pace {
        let gap = Duration::from_secs_f64(1.0 / per_second.max(f64::MIN_POSITIVE)).max(Duration::from_micros(1));
        Pace { gap, next: Mutex::new(Instant::now()) }
    }

    /// Waits for this caller's moment.
    pub async fn wait(&self) {
        let at = {
            let mut next = self.next.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            let at = (*next).max(Instant::now());
            *next = at + self.gap;
            at
        };
        tokio::time::sleep_until(at).await;
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    #[tokio::test(start_paused = true)]
    async fn spaces_callers_evenly() {
        let pace = std::sync::Arc::new(super::Pace::new(50.0));
        let start = tokio::time::Instant::now();
        let mut waits = tokio::task::JoinSet::new();
        for _ in 0..100 {
            let pace = pace.clone();
            waits.spawn(async move {
                pace.wait().await;
                tokio::time::Instant::now()
            });
        }
        let mut times = Vec::new();
        while let Some(at) = waits.join_next().await {
            times.push(at.unwrap() - start);
        }
        times.sort();
        assert_eq!(times[0], Duration::ZERO);
        assert_eq!(times[99], Duration::from_millis(99 * 20));
        assert!(times.windows(2).all(|w| w[1] - w[0] == Duration::from_millis(20)));
    }
}
