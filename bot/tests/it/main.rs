//! The bot's integration tests, as one test binary: one link instead of one
//! per file. Each module drives one part from the outside, as its users do.

#![expect(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test's helpers fail it by panicking, as its #[test] functions do"
)]

mod agenda;
mod cli;
mod conversation;
mod discord;
mod faq;
mod fault;
mod fetch;
mod help;
mod ics;
mod keynotes;
mod knowledge;
mod layers;
mod organisers;
mod qa;
mod reminders;
mod replies;
mod schedule;
mod serve;
mod slack;
mod slow_clients;
mod support;
mod tour;
mod usage;
