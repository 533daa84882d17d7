//! The bot's integration tests, as one test binary: one link instead of one
//! per file. Each module drives one part from the outside, as its users do.

mod cli;
mod discord;
mod fault;
mod layers;
mod replies;
mod schedule;
mod serve;
mod slack;
mod support;
mod usage;
