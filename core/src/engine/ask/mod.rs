//! `/ask <question>`: an answer from everything the bot knows, with its
//! source, or "I don't know" with what it does know about the subject.
//!
//! 1. Read the question (`question.rs`): the kind of answer it wants (a
//!    time, a place, a person, a length, someone's view), the person it is
//!    about (by name, or "he"/"she"/"they" for the one asked about last),
//!    whether it is about a session, and its content words.
//! 2. A question about the programme (`programme.rs`, with the times it
//!    names read by `timing.rs` and titles, rooms and tracks linked by
//!    `titles.rs`) is answered from it: one sentence and the sessions.
//! 3. Any other is answered from biographies, transcripts and abstracts by
//!    words and meaning together (`knowledge.rs`), when the best candidate
//!    clears [`CONFIDENT`]; under it, "I don't know".

mod answers;
mod knowledge;
mod programme;
pub(crate) mod question;
mod timing;
pub(crate) mod titles;

use super::{Context, Engine};
use crate::index::KnowledgeIndex;
use crate::reply::Reply;
use question::Question;

pub use question::is_stop_word;

/// Lowest score an answer from the knowledge base needs: set on the tuning
/// half of the attendee question set, where it answers the most questions
/// rightly (`core/tests/it/attendee.rs` checks it still does).
pub const CONFIDENT: f32 = 0.57;

/// An answer, and how sure the knowledge base was of it: `None` for an
/// answer from the programme, which is either found or not.
#[derive(Debug, Clone)]
pub struct Considered {
    /// The reply as given: "I don't know" when the best was not sure enough.
    pub reply: Reply,
    /// The best answer found, whatever its score.
    pub best: Option<Reply>,
    pub score: Option<f32>,
}

/// Answers `question`; `previous` is the person (directory index) the
/// asker's last question was about.
pub(super) fn answer(
    engine: &Engine,
    index: &KnowledgeIndex,
    question: &str,
    ctx: &Context,
    previous: Option<usize>,
) -> Reply {
    consider(engine, index, question, ctx, previous).reply
}

pub(super) fn consider(
    engine: &Engine,
    index: &KnowledgeIndex,
    question: &str,
    ctx: &Context,
    previous: Option<usize>,
) -> Considered {
    let q = Question::read(question, &engine.directory, previous);
    let about = q.person.and_then(|p| engine.directory.people.get(p)).map(|p| p.name.clone());
    let with_about = |mut reply: Reply| {
        reply.about.clone_from(&about);
        reply
    };
    // The programme reads times and rooms out of its own copy: what it
    // does not answer is asked of the knowledge base whole.
    if let Some(reply) = programme::answer(engine, index, &mut q.clone(), ctx) {
        let reply = with_about(reply);
        return Considered { best: Some(reply.clone()), reply, score: None };
    }
    match knowledge::best(engine, index, &q, ctx) {
        Some((reply, score)) if score >= CONFIDENT => {
            let reply = with_about(reply);
            Considered { best: Some(reply.clone()), reply, score: Some(score) }
        }
        best => Considered {
            reply: with_about(knowledge::dont_know(engine, index, &q)),
            score: best.as_ref().map(|b| b.1),
            best: best.map(|b| with_about(b.0)),
        },
    }
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use crate::engine::tests::{keynote_morning, seed_engine, show};

    fn check(line: &str, expected: expect_test::Expect) {
        expected.assert_eq(&show(&seed_engine(), line, &keynote_morning()));
    }

    #[test]
    fn answers_from_a_biography() {
        check(
            "When was Kelsey born?",
            expect![[r#"
                [ok]
                Kelsey Hightower — Born: February 27, 1981.

                Source: Biography of Kelsey Hightower · Kelsey Hightower"#]],
        );
        check(
            "/ask Who is Kelsey Hightower?",
            expect![[r#"
                [ok]
                Kelsey Hightower (born February 27, 1981) is an American software engineer, developer advocate, and speaker known for his work with Kubernetes, open-source software, and cloud computing.

                Source: Biography of Kelsey Hightower · Kelsey Hightower"#]],
        );
        check(
            "How old is Kelsey?",
            expect![[r#"
                [ok]
                Kelsey Hightower is 41: born February 27, 1981.

                Source: Biography of Kelsey Hightower · Kelsey Hightower"#]],
        );
    }

    #[test]
    fn answers_with_a_quote() {
        check(
            "Wasm: what does Kelsey think of it?",
            expect![[r#"
                [ok]
                “And so then you start playing with theories, maybe they can stop at a very small subset because they don't need to support things from 20 years ago, they can kind of stick to like HTTP based services, and network connections to things like databases, and then that's it. And so maybe, just maybe *Wasm* might be the thing that fulfils that right once run anywhere promise that Java made so long ago.”
                — Kelsey Hightower, DevOps Sauna: Kelsey Hightower (29:58) <https://www.eficode.com/devops-podcast/kelsey-hightower>"#]],
        );
    }

    #[test]
    fn answers_from_the_schedule() {
        check(
            "When is the supply chain keynote?",
            expect![[r#"
                [ok]
                “Keynote: Software supply chain security” is on Tue 1 Nov 09:15–10:00 CET, in Main Stage.

                Tue 1 Nov 09:15–10:00 CET · Main Stage · Keynote: Software supply chain security — Kelsey Hightower"#]],
        );
        check(
            "When is Kelsey's talk?",
            expect![[r#"
                [ok]
                “Keynote: Software supply chain security” is on Tue 1 Nov 09:15–10:00 CET, in Main Stage.

                Tue 1 Nov 09:15–10:00 CET · Main Stage · Keynote: Software supply chain security — Kelsey Hightower"#]],
        );
    }

    #[test]
    fn combines_sources_when_one_lacks_the_fact() {
        check(
            "What was Kelsey Hightower's first open-source project?",
            expect![[r#"
                [ok]
                Hightower then briefly worked at a small Portland startup called Monsoon Commerce, at which he wrote , his first open-source project.

                “I want to bring the energy levels up." And no one knew who I was in the Go community. And I was like, "Hey, I'm just a system administrator doing Go stuff. And I would love to be your moderator for the rest of the day." And I would go on to take on a big role in that Go community bringing new people on board. I also gave a keynote at that conference, and also came up with this *open*-*source* *project* called confd. That was written in Go, it's more of a lightweight configuration management tool. And that became the foundation for console template from the HashiCorp team.”
                — Kelsey Hightower, DevOps Sauna: Kelsey Hightower (04:26) <https://www.eficode.com/devops-podcast/kelsey-hightower>"#]],
        );
    }

    #[test]
    fn says_it_does_not_know() {
        check(
            "What is Kelsey's favorite food?",
            expect![[r#"
                [not_found]
                I don't know the answer to “What is Kelsey's favorite food?”. About Kelsey Hightower I have a biography, 1 session and 158 quotes from 1 recording: try `/bio Kelsey Hightower` or `/quote <topic> speaker:"Kelsey Hightower"`."#]],
        );
        check(
            "Who won the 2018 World Cup?",
            expect![[r#"
                [not_found]
                I don't know the answer to “Who won the 2018 World Cup?”: nothing I know covers it. Try /help to see what I can answer."#]],
        );
    }
}
