//! The emcee bot: configuration, the adapters (terminal, Slack, Discord),
//! the HTTP server, the dispatch path over `emcee-core`, and the usage log in
//! Postgres or SQLite.
//! The binary's `main` only calls [`cli::run`].

pub mod announcer;
pub mod cli;
pub mod clock;
pub mod config;
pub mod discord;
pub mod dispatch;
pub mod fetch;
pub mod hex;
pub mod knowledge;
pub mod metrics;
pub mod programme;
pub mod replays;
pub mod report;
pub mod server;
pub mod shutdown;
pub mod slack;
pub mod startup;
pub mod store;
pub mod terminal;
pub mod transport;
pub mod usage;
