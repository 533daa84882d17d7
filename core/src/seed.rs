//! The repository's seed knowledge base and sample programme (`data/`),
//! compiled in for tests and benchmarks: one place builds them, so every
//! test answers from the same documents under the same names. Built only
//! for the crate's own tests or with the `seed` feature, which the
//! workspace's tests and benchmarks turn on; the bot reads `data/` from disk.

use crate::kb::{Documents, KnowledgeBase, TranscriptDocument};
use crate::{Engine, Schedule};

pub const BIO_PATH: &str = "data/speakers/kelsey-hightower.txt";
pub const BIO: &str = include_str!("../../data/speakers/kelsey-hightower.txt");
pub const TRANSCRIPT_PATH: &str = "data/transcripts/devops-sauna-s3-kelsey-hightower.txt";
pub const TRANSCRIPT: &str = include_str!("../../data/transcripts/devops-sauna-s3-kelsey-hightower.txt");
pub const META_PATH: &str = "data/transcripts/devops-sauna-s3-kelsey-hightower.toml";
pub const META: &str = include_str!("../../data/transcripts/devops-sauna-s3-kelsey-hightower.toml");
/// The sample programme, frab JSON.
pub const SCHEDULE: &[u8] = include_bytes!("../../data/schedule.json");

/// The seed documents, under their paths in the repository.
pub fn documents() -> Documents {
    Documents {
        bios: vec![(BIO_PATH.into(), BIO.into())],
        transcripts: vec![TranscriptDocument {
            path: TRANSCRIPT_PATH.into(),
            text: TRANSCRIPT.into(),
            meta_path: META_PATH.into(),
            meta: Some(META.into()),
        }],
        warnings: Vec::new(),
    }
}

/// The sample programme.
pub fn schedule() -> Schedule {
    match crate::schedule::parse_frab_json(SCHEDULE, &crate::schedule::ImportOptions::default()) {
        Ok(schedule) => schedule,
        Err(error) => panic!("data/schedule.json is a frab JSON programme: {error}"),
    }
}

/// The engine over the seed documents and the sample programme.
pub fn engine() -> Engine {
    Engine::new(KnowledgeBase::build(&documents()), schedule())
}
