//! How the long-lived platform connections are doing, for `/readyz` and
//! the logs: the Discord gateway (one part per shard) and Slack's Socket
//! Mode (one part, its connection). Each part is up, or down since when
//! and why; the connections' own code says which, as it learns.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How long a connection may be down before `/readyz` calls it an outage
/// (and a replica that has no other way in unready). Chosen: a reconnect
/// takes a second or two, a resume less, and Slack's refreshes and
/// Discord's RECONNECTs are routine; a minute without the platform is an
/// outage worth a page, not a blip.
pub const DOWN_GRACE: Duration = Duration::from_secs(60);

/// One connection kind of one replica.
pub struct Transport {
    name: &'static str,
    started: Instant,
    parts: Mutex<BTreeMap<u32, Part>>,
}

#[derive(Clone)]
struct Part {
    up: bool,
    since: Instant,
    why: String,
}

/// A connection not up, as `/readyz` tells it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Trouble {
    /// Longer than [`DOWN_GRACE`].
    pub outage: bool,
    pub text: String,
}

impl Transport {
    /// `name` as a sentence names it: "the Discord gateway".
    pub fn new(name: &'static str) -> Transport {
        Transport { name, started: Instant::now(), parts: Mutex::new(BTreeMap::new()) }
    }

    pub fn name(&self) -> &'static str {
        self.name
    }

    fn parts(&self) -> std::sync::MutexGuard<'_, BTreeMap<u32, Part>> {
        self.parts.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Part `part` is connected.
    pub fn up(&self, part: u32) {
        let mut parts = self.parts();
        let was = parts.insert(part, Part { up: true, since: Instant::now(), why: String::new() });
        if let Some(was) = was.filter(|p| !p.up) {
            tracing::info!("{} is up again after {:.0?} ({})", self.name, was.since.elapsed(), was.why);
        }
    }

    /// Part `part` is not connected, because of `why`; a part already down
    /// keeps the time it went down, and takes the newest reason.
    pub fn down(&self, part: u32, why: impl Into<String>) {
        let why = why.into();
        let mut parts = self.parts();
        let since = match parts.get(&part) {
            Some(p) if !p.up => p.since,
            _ => Instant::now(),
        };
        parts.insert(part, Part { up: false, since, why });
    }

    /// Every part known down because of `why`, and part `first` too when
    /// none is known yet (a client that stopped before any connected).
    pub fn down_all(&self, first: u32, why: &str) {
        let known: Vec<u32> = self.known();
        for part in if known.is_empty() { vec![first] } else { known } {
            self.down(part, why);
        }
    }

    /// The parts reported so far.
    pub fn known(&self) -> Vec<u32> {
        self.parts().keys().copied().collect()
    }

    /// How long part `part` has been connected, if it is.
    pub fn up_for(&self, part: u32) -> Option<Duration> {
        self.parts().get(&part).filter(|p| p.up).map(|p| p.since.elapsed())
    }

    /// Whether part `part` is connected now.
    pub fn is_up(&self, part: u32) -> bool {
        self.parts().get(&part).is_some_and(|p| p.up)
    }

    /// What is wrong at `now`, if anything: each part that is down, and
    /// the whole while none has connected yet.
    pub fn trouble_at(&self, now: Instant) -> Option<Trouble> {
        let parts = self.parts();
        let down: Vec<(u32, Part)> = parts.iter().filter(|(_, p)| !p.up).map(|(k, p)| (*k, p.clone())).collect();
        let several = parts.len() > 1;
        drop(parts);
        let seconds = |since: Instant| now.saturating_duration_since(since).as_secs();
        if down.is_empty() {
            return self.parts().is_empty().then(|| Trouble {
                outage: now.saturating_duration_since(self.started) > DOWN_GRACE,
                text: format!("{} has not connected yet ({} s)", self.name, seconds(self.started)),
            });
        }
        let longest = down.iter().map(|(_, p)| p.since).min().unwrap_or(now);
        let each: Vec<String> = down
            .iter()
            .map(|(k, p)| {
                let which = if several { format!("shard {k}: ") } else { String::new() };
                format!("{which}{} for {} s", p.why, seconds(p.since))
            })
            .collect();
        Some(Trouble {
            outage: now.saturating_duration_since(longest) > DOWN_GRACE,
            text: format!("{} is down: {}", self.name, each.join("; ")),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_part_down_is_trouble_and_an_outage_after_the_grace() {
        let t = Transport::new("the Discord gateway");
        let start = Instant::now();
        let trouble = t.trouble_at(start).expect("not connected yet");
        assert!(!trouble.outage && trouble.text.starts_with("the Discord gateway has not connected yet"));
        assert!(t.trouble_at(start + DOWN_GRACE + Duration::from_secs(1)).unwrap().outage);

        t.up(0);
        assert_eq!(t.trouble_at(Instant::now()), None);
        t.down(0, "resuming");
        let went = Instant::now();
        t.down(0, "reconnecting");
        let trouble = t.trouble_at(went + Duration::from_secs(5)).unwrap();
        assert!(!trouble.outage, "{trouble:?}");
        assert!(trouble.text.contains("reconnecting for"), "the newest reason: {trouble:?}");
        assert!(t.trouble_at(went + DOWN_GRACE + Duration::from_secs(1)).unwrap().outage, "the first time down counts");
        t.up(0);
        assert_eq!(t.trouble_at(Instant::now()), None);
    }

    #[test]
    fn shards_are_named_when_there_are_several() {
        let t = Transport::new("the Discord gateway");
        t.up(0);
        t.down(1, "identifying");
        let trouble = t.trouble_at(Instant::now()).unwrap();
        assert!(trouble.text.contains("shard 1: identifying"), "{trouble:?}");
        assert!(t.is_up(0) && !t.is_up(1));
        t.down_all(0, "stopped: the client ended");
        let trouble = t.trouble_at(Instant::now()).unwrap();
        assert!(trouble.text.contains("shard 0: stopped") && trouble.text.contains("shard 1: stopped"), "{trouble:?}");
        assert_eq!(t.known(), [0, 1]);
    }
}
