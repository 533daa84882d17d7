//! The seed knowledge base and sample schedule, as the integration tests use them.

use emcee_core::{Documents, Engine, KnowledgeBase, TranscriptDocument};

pub fn seed_documents() -> Documents {
    Documents {
        bios: vec![(
            "data/speakers/kelsey-hightower.txt".into(),
            include_str!("../../../data/speakers/kelsey-hightower.txt").into(),
        )],
        transcripts: vec![TranscriptDocument {
            path: "data/transcripts/devops-sauna-s3-kelsey-hightower.txt".into(),
            text: include_str!("../../../data/transcripts/devops-sauna-s3-kelsey-hightower.txt").into(),
            meta_path: "data/transcripts/devops-sauna-s3-kelsey-hightower.toml".into(),
            meta: Some(include_str!("../../../data/transcripts/devops-sauna-s3-kelsey-hightower.toml").into()),
        }],
    }
}

pub fn seed_engine() -> Engine {
    let kb = KnowledgeBase::build(&seed_documents());
    let schedule = emcee_core::schedule::parse_frab_json(include_bytes!("../../../data/schedule.json")).unwrap();
    Engine::new(kb, schedule)
}
