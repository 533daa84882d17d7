//! `/ask` remembers whom each asker's last question was about, so that the
//! next can say "he" or "she": per asker and channel, never across them.

use emcee::clock::Clock;
use emcee::dispatch::{Dispatcher, Origin, Platform};
use emcee_core::Status;

use crate::support;

fn origin(user: &str, channel: &str) -> Origin {
    Origin {
        platform: Platform::Discord,
        workspace: "guild".into(),
        channel: channel.into(),
        user: user.into(),
        organiser: false,
    }
}

fn text(reply: &emcee_core::Reply) -> String {
    emcee_core::render::plain_text(reply, emcee_core::render::Marks::NONE)
}

#[tokio::test]
async fn a_pronoun_is_the_person_asked_about_last() {
    let dispatcher =
        Dispatcher::new(support::seed_engine(), Clock::Pinned("2022-11-01T08:30:00Z".parse().unwrap()), None);
    let ana = origin("ana", "general");
    let first = dispatcher.answer(&ana, "/ask who is kelsey hightower?").await;
    assert_eq!(first.about.as_deref(), Some("Kelsey Hightower"));
    let next = dispatcher.answer(&ana, "/ask when is he speaking?").await;
    assert_eq!(next.status, Status::Ok, "{}", text(&next));
    assert!(text(&next).contains("Keynote: Software supply chain security"), "{}", text(&next));

    // Someone else, or the same person in another channel, has not asked about anyone.
    for other in [origin("bo", "general"), origin("ana", "random")] {
        let reply = dispatcher.answer(&other, "/ask when is he speaking?").await;
        assert!(!text(&reply).contains("Keynote: Software supply chain security"), "{}", text(&reply));
    }
}
