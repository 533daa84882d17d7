//! The emcee bot: configuration, the adapters (the terminal today) and the
//! dispatch path over `emcee-core`, and the usage log in Postgres or SQLite.
//! The binary's `main` only calls [`cli::run`].

pub mod announce_cli;
pub mod announcer;
pub mod cli;
pub mod clock;
pub mod config;
pub mod dispatch;
pub mod knowledge;
pub mod programme;
pub mod report;
pub mod schedule_cli;
pub mod shutdown;
pub mod store;
pub mod terminal;
pub mod usage;
