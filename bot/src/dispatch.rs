//! The one path every adapter's command takes: who asked and where, the
//! time and a seed for the engine, and the engine's reply.

use emcee_core::{Context, Engine, Reply};

use crate::clock::Clock;

/// Where a command came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    pub platform: Platform,
    /// Discord guild or Slack team; empty in the terminal.
    pub workspace: String,
    pub channel: String,
    /// The platform's user id (the OS user in the terminal).
    pub user: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Platform {
    Terminal,
}

impl Platform {
    pub fn as_str(self) -> &'static str {
        match self {
            Platform::Terminal => "terminal",
        }
    }
}

/// Answers commands for every adapter.
pub struct Dispatcher {
    engine: Engine,
    clock: Clock,
}

impl Dispatcher {
    pub fn new(engine: Engine, clock: Clock) -> Dispatcher {
        Dispatcher { engine, clock }
    }

    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// Answers one line of input from `origin`.
    pub fn answer(&self, origin: &Origin, line: &str) -> Reply {
        let ctx = Context { now: self.clock.now(), seed: seed() };
        let reply = self.engine.answer_line(line, &ctx);
        tracing::debug!(
            platform = origin.platform.as_str(),
            workspace = %origin.workspace,
            channel = %origin.channel,
            command = reply.command.as_str(),
            status = reply.status.as_str(),
            "answered"
        );
        if reply.status == emcee_core::Status::Error {
            let detail = self.engine.warm().err().map(|e| e.to_string()).unwrap_or_default();
            tracing::error!(command = reply.command.as_str(), "the engine failed to answer `{line}`: {detail}");
        }
        reply
    }
}

/// A seed that differs between calls, for random quotes.
fn seed() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u128(
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0),
    );
    hasher.finish()
}
