//! One person's database work runs one command at a time. The pool has a
//! few connections for everyone; a person clicking "Add to my agenda" two
//! thousand times a second would otherwise hold all of them and everyone
//! else would wait. Each person's commands that use the store take turns:
//! one runs, [`WAITING_MOST`] wait, and more are refused at once with a
//! reply saying so, so that one person holds at most one connection and
//! a handful of waiting tasks.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use super::{Origin, Platform};

/// Commands of one person that may wait while another of theirs runs: a
/// double click and a command typed meanwhile. Chosen: a person faster
/// than that is a script.
pub const WAITING_MOST: usize = 2;

type Who = (Platform, String);

/// A person's turn, and how many of their commands hold or wait for it.
struct Line {
    turn: Arc<Semaphore>,
    holders: usize,
}

/// The turns of everyone with a command in flight.
#[derive(Default)]
pub(super) struct Gate {
    people: Mutex<HashMap<Who, Line>>,
}

/// A person's turn at the store, held while their command runs.
pub(super) struct Turn<'a> {
    gate: &'a Gate,
    who: Who,
    _permit: Option<OwnedSemaphorePermit>,
}

impl Gate {
    fn people(&self) -> std::sync::MutexGuard<'_, HashMap<Who, Line>> {
        self.people.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Whether a command of this person now would be refused: for an
    /// adapter to drop a click before doing any work for it.
    pub(super) fn crowded(&self, platform: Platform, user: &str) -> bool {
        self.people().get(&(platform, user.to_string())).is_some_and(|line| line.holders > WAITING_MOST)
    }

    /// Waits for `origin`'s turn; `None` when too many of theirs already wait.
    pub(super) async fn enter(&self, origin: &Origin) -> Option<Turn<'_>> {
        let who = (origin.platform, origin.user.clone());
        let (turn, mut held) = {
            let mut people = self.people();
            let line =
                people.entry(who.clone()).or_insert_with(|| Line { turn: Arc::new(Semaphore::new(1)), holders: 0 });
            if line.holders > WAITING_MOST {
                return None;
            }
            line.holders += 1;
            // Made before the wait, so that a command dropped while waiting still leaves the line.
            (line.turn.clone(), Turn { gate: self, who, _permit: None })
        };
        held._permit = Some(turn.acquire_owned().await.ok()?);
        Some(held)
    }
}

impl Drop for Turn<'_> {
    fn drop(&mut self) {
        let mut people = self.gate.people();
        if let Some(line) = people.get_mut(&self.who) {
            line.holders -= 1;
            if line.holders == 0 {
                people.remove(&self.who);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn origin(user: &str) -> Origin {
        Origin {
            platform: Platform::Slack,
            workspace: String::new(),
            channel: String::new(),
            user: user.into(),
            organiser: false,
        }
    }

    #[tokio::test]
    async fn one_runs_a_few_wait_and_the_rest_are_refused_per_person() {
        let gate = Gate::default();
        let ana = origin("ana");
        let first = gate.enter(&ana).await.expect("the first runs");
        let mut waiting: Vec<_> = (0..WAITING_MOST).map(|_| Box::pin(gate.enter(&ana))).collect();
        for wait in &mut waiting {
            let polled = tokio::time::timeout(std::time::Duration::from_millis(5), wait.as_mut()).await;
            assert!(polled.is_err(), "waits its turn");
        }
        assert!(gate.crowded(Platform::Slack, "ana"));
        assert!(gate.enter(&ana).await.is_none(), "one more than may wait is refused");
        let other = gate.enter(&origin("bo")).await;
        assert!(other.is_some() && !gate.crowded(Platform::Slack, "bo"), "someone else is not held up");
        drop(first);
        let second = waiting.remove(0).await.expect("the next gets its turn");
        drop(waiting);
        drop(second);
        drop(other);
        assert!(gate.people().is_empty(), "nothing is kept for people with nothing in flight");
    }
}
