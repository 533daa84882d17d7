//! Who each asker's last `/ask` was about, kept briefly, so that their next
//! question can say "he", "she" or "they": per platform, workspace,
//! channel and user, in memory only, forgotten after [`KEPT_FOR`] and never
//! stored.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::{Origin, Platform};

/// How long a question's person is remembered.
pub const KEPT_FOR: Duration = Duration::from_secs(10 * 60);
/// Most askers remembered at once; past it, the oldest are forgotten first.
const MOST: usize = 10_000;

type Asker = (Platform, String, String, String);

/// The person each asker's last question was about, and when.
#[derive(Debug, Default)]
pub struct Conversations {
    last: Mutex<HashMap<Asker, (String, Instant)>>,
}

fn asker(origin: &Origin) -> Asker {
    (origin.platform, origin.workspace.clone(), origin.channel.clone(), origin.user.clone())
}

impl Conversations {
    /// The person `origin`'s last question was about, if it was recent.
    pub fn recall(&self, origin: &Origin, now: Instant) -> Option<String> {
        let last = self.last.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        last.get(&asker(origin)).filter(|(_, at)| now.duration_since(*at) < KEPT_FOR).map(|(name, _)| name.clone())
    }

    /// Remembers that `origin`'s question was about `person`.
    pub fn remember(&self, origin: &Origin, person: &str, now: Instant) {
        let mut last = self.last.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if last.len() >= MOST {
            last.retain(|_, (_, at)| now.duration_since(*at) < KEPT_FOR);
        }
        if last.len() >= MOST
            && let Some(oldest) = last.iter().min_by_key(|(_, (_, at))| *at).map(|(key, _)| key.clone())
        {
            last.remove(&oldest);
        }
        last.insert(asker(origin), (person.to_string(), now));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn origin(user: &str, channel: &str) -> Origin {
        Origin {
            platform: Platform::Slack,
            workspace: "T1".into(),
            channel: channel.into(),
            user: user.into(),
            organiser: false,
        }
    }

    #[test]
    fn remembers_per_asker_and_channel_and_forgets_after_a_while() {
        let conversations = Conversations::default();
        let start = Instant::now();
        conversations.remember(&origin("ana", "C1"), "Kelsey Hightower", start);
        assert_eq!(conversations.recall(&origin("ana", "C1"), start).as_deref(), Some("Kelsey Hightower"));
        assert_eq!(conversations.recall(&origin("ana", "C2"), start), None, "another channel");
        assert_eq!(conversations.recall(&origin("bo", "C1"), start), None, "another asker");
        assert_eq!(conversations.recall(&origin("ana", "C1"), start + KEPT_FOR), None, "too long ago");
    }
}
