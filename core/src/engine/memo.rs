//! Answers already given, kept for the engine's lifetime. Only answers that
//! depend on nothing but the command and the engine's data are kept (a
//! `/quote` on a topic: no clock, no randomness), so a kept answer is
//! exactly the one a new search would give. An engine never changes: a new
//! programme makes a new engine with an empty memo.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Mutex;

use crate::reply::Reply;

/// How many answers are kept. When full, the memo starts again empty: a
/// conference's popular queries come back within moments, and the bound
/// keeps a stream of one-off queries from growing it.
pub const CAPACITY: usize = 4_096;

/// A bounded map from a question to its answer.
pub struct Memo<K> {
    answers: Mutex<HashMap<K, Reply>>,
    /// At most this many answers; none kept when 0.
    capacity: usize,
}

impl<K> std::fmt::Debug for Memo<K> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kept = self.answers.lock().map(|a| a.len()).unwrap_or(0);
        f.debug_struct("Memo").field("kept", &kept).field("capacity", &self.capacity).finish()
    }
}

impl<K: Hash + Eq> Default for Memo<K> {
    fn default() -> Memo<K> {
        Memo::with_capacity(CAPACITY)
    }
}

impl<K: Hash + Eq> Memo<K> {
    /// A memo of at most `capacity` answers; with 0, every answer is worked out anew.
    pub fn with_capacity(capacity: usize) -> Memo<K> {
        Memo { answers: Mutex::new(HashMap::new()), capacity }
    }

    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// The answer kept for `key`, or the one `answer` gives, kept for next time.
    pub fn get_or(&self, key: K, answer: impl FnOnce() -> Reply) -> Reply {
        if self.capacity == 0 {
            return answer();
        }
        if let Some(kept) = self.lock().get(&key) {
            return kept.clone();
        }
        // Answered outside the lock: a slow search never holds up the others.
        let reply = answer();
        let mut answers = self.lock();
        if answers.len() >= self.capacity {
            answers.clear();
        }
        answers.insert(key, reply.clone());
        reply
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<K, Reply>> {
        self.answers.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.lock().len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::command::CommandKind;
    use crate::reply::Status;

    #[test]
    fn answers_once_per_key_and_stays_bounded() {
        let memo = Memo::default();
        let mut asked = 0;
        for _ in 0..3 {
            let reply = memo.get_or(String::from("wasm"), || {
                asked += 1;
                Reply::message(CommandKind::Quote, Status::Ok, "an answer")
            });
            assert_eq!(reply.body, "an answer");
        }
        assert_eq!(asked, 1);
        for i in 0..CAPACITY + 10 {
            memo.get_or(i.to_string(), || Reply::message(CommandKind::Quote, Status::Ok, ""));
        }
        assert!(memo.len() <= CAPACITY);
    }

    #[test]
    fn keeps_nothing_without_capacity() {
        let memo = Memo::with_capacity(0);
        let mut asked = 0;
        for _ in 0..3 {
            memo.get_or(String::from("wasm"), || {
                asked += 1;
                Reply::message(CommandKind::Quote, Status::Ok, "an answer")
            });
        }
        assert_eq!((asked, memo.len()), (3, 0));
    }
}
