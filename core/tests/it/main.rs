//! The core's integration tests, as one test binary: the real schedule
//! exports, the programme's speakers, and the `/ask` question set.

#![expect(clippy::unwrap_used, reason = "a test's helpers fail it by panicking, as its #[test] functions do")]

mod attendee;
mod conference;
mod faq;
mod generated;
mod heldout;
mod importers;
mod people;
mod questions;
mod semantic;
mod speakers;
mod transcripts;
