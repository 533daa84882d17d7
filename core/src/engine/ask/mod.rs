//! `/ask <question>`: an answer from everything the bot knows, with its
//! source, or "I don't know" with what it does know about the subject.
//!
//! The question goes through named stages, each with a printable output
//! that its tests snapshot:
//!
//! 1. **read** (`question.rs`): the kind of answer it wants (a time, a
//!    place, a person, a length, someone's view), the person it is about
//!    (by name, or "he"/"she"/"they" for the one asked about last),
//!    whether it is about a session, and its content words: a [`Question`].
//! 2. **link** (`link.rs`): the time it names (`timing.rs`), the rooms,
//!    tracks and titles it names (`titles.rs`), what of a person it asks,
//!    and the organisation, place or role it asks who has: [`Links`].
//! 3. **route** (`route.rs`): a table of rules, each asking one source —
//!    the programme (`programme.rs`, and `conference.rs` for the
//!    conference itself: where and when it is held, its time zone, rooms,
//!    tracks and size), people's profiles (`people.rs`), the organisers'
//!    FAQ (`faq.rs`), what people said and wrote (`knowledge.rs`) —
//!    whether it answers.
//! 4. **answer**: the first rule's reply; the knowledge base's answers are
//!    **checked** for holding what the question asks for (`answers.rs`: a
//!    date for `when`, a place for `where`) as they are scored.
//! 5. **decide**: a scored answer is given when it clears [`CONFIDENT`];
//!    under it, and when no rule answers, "I don't know" with what is
//!    known of the subject.
//!
//! Every tuned number of the stages is in `crate::tuning`, with how it was set.

mod answers;
pub(crate) mod asked;
mod conference;
mod faq;
mod knowledge;
pub(crate) mod link;
mod own_name;
mod people;
mod programme;
pub(crate) mod question;
pub(crate) mod route;
mod timing;
pub(crate) mod titles;

use super::{Context, Engine};
use crate::index::KnowledgeIndex;
use crate::reply::Reply;
use link::Links;
use question::Question;
use route::Asked;

pub use crate::tuning::CONFIDENT;
pub(crate) use timing::days;

/// An answer, and how sure the knowledge base was of it: `None` for an
/// answer from the programme or a profile, which is either found or not.
#[derive(Debug, Clone)]
pub struct Considered {
    /// The reply as given: "I don't know" when the best was not sure enough.
    pub reply: Reply,
    /// The best answer found, whatever its score.
    pub best: Option<Reply>,
    pub score: Option<f32>,
    /// The rule of the table that answered, and the source it asked;
    /// `None` when none did.
    pub rule: Option<&'static str>,
    pub source: Option<&'static str>,
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
    let links = Links::find(engine, &q);
    let asked = Asked { engine, index, ctx, q: &q, links: &links };
    decide(&asked, route::route(&asked))
}

/// Stage 5: the answer given, sure enough, or "I don't know"; each with
/// the person it was about, for the asker's next "he" or "she".
fn decide(asked: &Asked<'_>, routed: Option<(&'static route::Rule, route::Answered)>) -> Considered {
    let engine = asked.engine;
    let about = asked.q.person.and_then(|p| engine.directory.people.get(p)).map(|p| p.name.clone());
    let with_about = |mut reply: Reply| {
        reply.about.clone_from(&about);
        reply
    };
    let dont_know = || with_about(knowledge::dont_know(engine, asked.index, asked.q));
    match routed {
        Some((rule, answered)) if answered.score.is_none_or(|s| s >= CONFIDENT) => {
            let reply = with_about(answered.reply);
            Considered {
                best: Some(reply.clone()),
                reply,
                score: answered.score,
                rule: Some(rule.name),
                source: Some(rule.source.as_str()),
            }
        }
        Some((rule, answered)) => Considered {
            reply: dont_know(),
            best: Some(with_about(answered.reply)),
            score: answered.score,
            rule: Some(rule.name),
            source: Some(rule.source.as_str()),
        },
        None => Considered { reply: dont_know(), best: None, score: None, rule: None, source: None },
    }
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use crate::engine::tests::{keynote_morning, seed_engine, show};

    fn check(line: &str, expected: expect_test::Expect) {
        expected.assert_eq(&show(&seed_engine(), line, &keynote_morning()));
    }

    /// The stages' outputs for a question: the links, the rule that
    /// answered, and the reply as decided.
    fn trace(line: &str, expected: expect_test::Expect) {
        let engine = seed_engine();
        let q = super::Question::read(line, &engine.directory, None);
        let links = super::Links::find(&engine, &q);
        let considered = engine.consider(line, &keynote_morning(), None);
        let reply = crate::render::plain_text(&considered.reply, crate::render::Marks::NONE);
        expected.assert_eq(&format!(
            "{links}rule: {} ({})\n[{}] {reply}",
            considered.rule.unwrap_or("none"),
            considered.source.unwrap_or("none"),
            considered.reply.status.as_str()
        ));
    }

    #[test]
    fn each_kind_of_question_goes_to_its_rule() {
        trace(
            "marc dillon: employer?",
            expect![[r#"
            person: #1
            asks: Works at
            rule: a fact of the person asked about (people)
            [ok] Marc Dillon works at Eficode: “Lead consultant in the transformation business at Eficode; host of DevOps Sauna.” (the recording's notes).

            Source: DevOps Sauna: Kelsey Hightower · Marc Dillon"#]],
        );
        trace(
            "Is Andy Allred a platform engineer?",
            expect![[r#"
            track: Platform
            person: #2
            rule: what people said and wrote (knowledge)
            [ok] Platform engineer at Eficode; host of DevOps Sauna.

            “My name is Andy Allred, and I'm doing platform engineering at Eficode.”
            — Andy Allred, DevOps Sauna: Kelsey Hightower (39:08) <https://www.eficode.com/devops-podcast/kelsey-hightower>"#]],
        );
        trace(
            "anyone here from eficode",
            expect![[r#"
            who: WorksAt { organisation: "eficode", role: None, others: false }
            rule: the people an organisation, place or role names (people)
            [ok] 2 speakers work at Eficode: Marc Dillon (“Lead consultant in the transformation business at Eficode; host of DevOps Sauna.”) and Andy Allred (“Platform engineer at Eficode; host of DevOps Sauna.”).

            Source: DevOps Sauna: Kelsey Hightower · Marc Dillon; DevOps Sauna: Kelsey Hightower · Andy Allred"#]],
        );
        trace(
            "any platform engineers speaking?",
            expect![[r#"
            track: Platform
            rule: a session named by its title's words (programme)
            [ok] “Sample: Platform engineering from the bare metal to the boardroom”, by Sample Speaker A, is on Tue 1 Nov 11:00–11:45 CET in Main Stage.

            Tue 1 Nov 11:00–11:45 CET · Main Stage · Sample: Platform engineering from the bare metal to the boardroom — Sample Speaker A"#]],
        );
        trace(
            "which speakers come from Lisbon",
            expect![[r#"
            who: From { place: "lisbon", others: false }
            rule: the people an organisation, place or role names (people)
            [not_found] No speaker I know of is from or based in Lisbon."#]],
        );
        trace(
            "what does Andy Allred earn",
            expect![[r#"
            person: #2
            rule: what people said and wrote (knowledge)
            [not_found] I don't know the answer to “what does Andy Allred earn”. What I know of Andy Allred: Platform engineer at Eficode. About Andy Allred I have a biography and 23 quotes from 1 recording: try `/bio Andy Allred` or `/quote <topic> speaker:"Andy Allred"`."#]],
        );
        trace(
            "where is the supply chain keynote",
            expect![[r#"
            rule: a session named by its title's words (programme)
            [ok] “Keynote: Software supply chain security” is in Main Stage (Tue 1 Nov 09:15–10:00 CET).

            Tue 1 Nov 09:15–10:00 CET · Main Stage · Keynote: Software supply chain security — Kelsey Hightower"#]],
        );
        trace(
            "what's on after lunch",
            expect![[r#"
            time: Timing { used: [3, 4], day: None, part: None, at: None, relation: Some(After(4..5)) }
            rule: what is on at a time (programme)
            [ok] After lunch (13:00): “Sample: Observability for small teams” (Main Stage, Tue 1 Nov 14:00) and “Sample: Hands-on workshop: signing container images” (Room 2, Tue 1 Nov 14:00).

            Tue 1 Nov 14:00–14:45 CET · Main Stage · Sample: Observability for small teams — Sample Speaker B
            Tue 1 Nov 14:00–15:30 CET · Room 2 · Sample: Hands-on workshop: signing container images — Sample Speaker D"#]],
        );
    }

    #[test]
    fn answers_facts_of_the_conference_itself() {
        trace(
            "where is The DEVOPS Conference held",
            expect![[r#"
            rule: a fact of the conference itself (programme)
            [ok] The DEVOPS Conference - Copenhagen (sample schedule) is held in Copenhagen, as its title says; it runs on 1–2 November 2022 (2 days)."#]],
        );
        trace(
            "which city is it in",
            expect![[r#"
            rule: a fact of the conference itself (programme)
            [ok] The DEVOPS Conference - Copenhagen (sample schedule) is held in Copenhagen, as its title says; it runs on 1–2 November 2022 (2 days)."#]],
        );
        trace(
            "when does the conference start",
            expect![[r#"
            rule: a fact of the conference itself (programme)
            [ok] The DEVOPS Conference - Copenhagen (sample schedule) starts on Tuesday 1 November 2022: its first session, “Sample: Opening words”, is on Tue 1 Nov 09:00–09:15 CET in Main Stage.

            Tue 1 Nov 09:00–09:15 CET · Main Stage · Sample: Opening words — Sample Host"#]],
        );
        trace(
            "when does it end",
            expect![[r#"
            rule: a fact of the conference itself (programme)
            [ok] The DEVOPS Conference - Copenhagen (sample schedule) ends on Wednesday 2 November 2022: its last session, “Sample: Closing panel”, is on Wed 2 Nov 16:00–16:30 CET in Main Stage.

            Wed 2 Nov 16:00–16:30 CET · Main Stage · Sample: Closing panel — Sample Host, Sample Speaker A"#]],
        );
        trace(
            "how many days is the conference",
            expect![[r#"
            rule: a fact of the conference itself (programme)
            [ok] The DEVOPS Conference - Copenhagen (sample schedule) runs on 1–2 November 2022 (2 days)."#]],
        );
        trace(
            "what time zone are the times in",
            expect![[r#"
            rule: a fact of the conference itself (programme)
            [ok] The programme's times are in the Europe/Copenhagen time zone: its first session, for one, is on Tue 1 Nov 09:00–09:15 CET."#]],
        );
        trace(
            "how many talks are there",
            expect![[r#"
            rule: a fact of the conference itself (programme)
            [ok] The programme of The DEVOPS Conference - Copenhagen (sample schedule) lists 8 sessions, 4 of them of the type “talk”, on 2 days in 2 rooms."#]],
        );
        trace(
            "how many rooms are there",
            expect![[r#"
            rule: a fact of the conference itself (programme)
            [ok] The DEVOPS Conference - Copenhagen (sample schedule) has 2 rooms: Main Stage and Room 2."#]],
        );
        trace(
            "what tracks are there",
            expect![[r#"
            rule: a fact of the conference itself (programme)
            [ok] The DEVOPS Conference - Copenhagen (sample schedule) has 4 tracks: Community, Security, Platform and Operations."#]],
        );
        trace(
            "how many speakers are there",
            expect![[r#"
            rule: a fact of the conference itself (programme)
            [ok] The programme of The DEVOPS Conference - Copenhagen (sample schedule) names 7 speakers: Sample Host, Kelsey Hightower, Sample Speaker A, Sample Speaker C, Sample Speaker B, Sample Speaker D and Sample Speaker E, in 8 sessions."#]],
        );
        trace(
            "what is this event called",
            expect![[r#"
            rule: a fact of the conference itself (programme)
            [ok] The conference is The DEVOPS Conference - Copenhagen (sample schedule) (devopsconf-cph)."#]],
        );
        trace(
            "tell me about the devops conference",
            expect![[r#"
            rule: a fact of the conference itself (programme)
            [ok] The DEVOPS Conference - Copenhagen (sample schedule) is held in Copenhagen and runs on 1–2 November 2022 (2 days): 8 sessions by 7 speakers in 2 rooms, in 4 tracks; its times are in the Europe/Copenhagen time zone."#]],
        );
    }

    /// What names a session, a person, a room, a track or a time goes to
    /// that rule; a session named without a title (`the keynote`) is not
    /// the conference; what else is asked of it is another source's.
    #[test]
    fn questions_of_other_rules_stay_with_them() {
        trace(
            "where is the workshop",
            expect![[r#"
            rule: a session named by its title's words (programme)
            [ok] “Sample: Hands-on workshop: signing container images” is in Room 2 (Tue 1 Nov 14:00–15:30 CET).

            Tue 1 Nov 14:00–15:30 CET · Room 2 · Sample: Hands-on workshop: signing container images — Sample Speaker D"#]],
        );
        trace(
            "when does Kelsey start",
            expect![[r#"
            person: #0
            rule: the sessions of the person asked about (programme)
            [ok] “Keynote: Software supply chain security” is on Tue 1 Nov 09:15–10:00 CET, in Main Stage.

            Tue 1 Nov 09:15–10:00 CET · Main Stage · Keynote: Software supply chain security — Kelsey Hightower"#]],
        );
        trace(
            "how many sessions are in Room 2",
            expect![[r#"
            room: Room 2
            rule: the sessions in a room or track (programme)
            [ok] In Room 2: “Sample: WebAssembly at the edge” (Room 2, Tue 1 Nov 11:00) and “Sample: Hands-on workshop: signing container images” (Room 2, Tue 1 Nov 14:00).

            Tue 1 Nov 11:00–11:30 CET · Room 2 · Sample: WebAssembly at the edge — Sample Speaker C
            Tue 1 Nov 14:00–15:30 CET · Room 2 · Sample: Hands-on workshop: signing container images — Sample Speaker D"#]],
        );
        trace(
            "when does the conference start tomorrow",
            expect![[r#"
            time: Timing { used: [5], day: Some(Tomorrow), part: None, at: None, relation: None }
            rule: what is on at a time (programme)
            [ok] On Wed 2 Nov: “Sample: Go modules and dependency hygiene” (Main Stage, Wed 2 Nov 09:30) and “Sample: Closing panel” (Main Stage, Wed 2 Nov 16:00).

            Wed 2 Nov 09:30–10:15 CET · Main Stage · Sample: Go modules and dependency hygiene — Sample Speaker E
            Wed 2 Nov 16:00–16:30 CET · Main Stage · Sample: Closing panel — Sample Host, Sample Speaker A"#]],
        );
        trace(
            "which room is it in",
            expect![[r#"
            rule: none (none)
            [not_found] I don't know the answer to “which room is it in”: nothing I know covers it. Try /help to see what I can answer."#]],
        );
        trace(
            "where is the conference dinner",
            expect![[r#"
            rule: what people said and wrote (knowledge)
            [not_found] I don't know the answer to “where is the conference dinner”: nothing I know covers it. Try /help to see what I can answer."#]],
        );
        trace(
            "what is devops",
            expect![[r#"
            rule: what people said and wrote (knowledge)
            [ok] Platform engineer at Eficode; host of DevOps Sauna.

            “Welcome to DevOps Sauna Season 3.”
            — Marc Dillon, DevOps Sauna: Kelsey Hightower (00:04) <https://www.eficode.com/devops-podcast/kelsey-hightower>"#]],
        );
        trace(
            "any devops people here",
            expect![[r#"
            who: Role { words: ["devop"], typed: "devops" }
            rule: the people an organisation, place or role names (people)
            [ok] 2 speakers are listed as devops: Marc Dillon (“Lead consultant in the transformation business at Eficode; host of DevOps Sauna.”) and Andy Allred (“Platform engineer at Eficode; host of DevOps Sauna.”).

            Source: DevOps Sauna: Kelsey Hightower · Marc Dillon; DevOps Sauna: Kelsey Hightower · Andy Allred"#]],
        );
        trace(
            "how much does the conference cost",
            expect![[r#"
            rule: what people said and wrote (knowledge)
            [not_found] I don't know the answer to “how much does the conference cost”: nothing I know covers it. Try /help to see what I can answer."#]],
        );
    }

    /// A title that names no place: said so, with what the programme says,
    /// and never a city read from the zone; the organisers' FAQ, when it
    /// answers, in their own words first.
    #[test]
    fn where_a_title_names_no_place_and_the_faq_says_it() {
        let engine = seed_engine();
        let mut schedule = engine.schedule().clone();
        schedule.conference.title = String::from("DevOps Days");
        schedule.conference.time_zone = jiff::tz::TimeZone::get("Europe/Berlin").unwrap();
        let untitled = engine.with_schedule(schedule);
        expect![[r#"
            [not_found]
            The programme does not say where DevOps Days is held: its title names no place. What it does say: its sessions are in 2 rooms: Main Stage and Room 2, and its times are in the Europe/Berlin time zone."#]].assert_eq(&show(&untitled, "/ask where is the conference held", &keynote_morning()));
        let faq = crate::faq::import(
            b"## Where is the venue?\n\nThe conference is held at the Bella Center, Center Blvd. 5, Copenhagen.\n",
        )
        .unwrap()
        .faq;
        let with_faq = seed_engine().with_faq(faq);
        let considered = with_faq.consider("where is the conference held", &keynote_morning(), None);
        expect![[r#"
            rule: an entry of the organisers' FAQ on the conference itself
            The conference is held at the Bella Center, Center Blvd. 5, Copenhagen.

            Source: FAQ: Where is the venue?"#]]
        .assert_eq(&format!(
            "rule: {}\n{}",
            considered.rule.unwrap_or("none"),
            crate::render::plain_text(&considered.reply, crate::render::Marks::NONE)
        ));
    }

    /// The FAQ's own questions go to the FAQ whatever a word of them names
    /// on the programme or among people; words of English are not taken
    /// for a stranger's name, nor a verb for a role.
    #[test]
    fn practical_questions_are_not_read_as_topics_names_or_roles() {
        let faq = crate::faq::import(
            b"## Are the sessions recorded?\n\nEvery talk is recorded and online within a week.\n\n\
              ## Can companies post job offers?\n\nYes: the job board is next to the help desk.\n\n\
              ## Is there a speaker mentor programme?\n\nYes: write to the programme committee for a mentor.\n",
        )
        .unwrap()
        .faq;
        let engine = seed_engine().with_faq(faq);
        let rule = |line: &str| {
            let considered = engine.consider(line, &keynote_morning(), None);
            let reply = crate::render::plain_text(&considered.reply, crate::render::Marks::NONE);
            format!("{line} → {}: {}\n", considered.rule.unwrap_or("none"), reply.lines().next().unwrap_or(""))
        };
        let shown: String = [
            "are the sessions recorded?",
            "where can firms advertise open positions",
            "can someone coach me on my presentation",
            "where does Jorunn Skjelbred work",
            "where does Bill Gates work",
            "is there a tool to lint my web server config",
            "are there tools to lint web server configs",
        ]
        .iter()
        .map(|line| rule(line))
        .collect();
        expect![[r#"
            are the sessions recorded? → an entry of the organisers' FAQ in its own words: Every talk is recorded and online within a week.
            where can firms advertise open positions → an entry of the organisers' FAQ: Yes: the job board is next to the help desk.
            can someone coach me on my presentation → an entry of the organisers' FAQ: Yes: write to the programme committee for a mentor.
            where does Jorunn Skjelbred work → a fact of someone not on the programme: I don't know anyone called “jorunn skjelbred” on this programme.
            where does Bill Gates work → a fact of someone not on the programme: I don't know anyone called “bill gates” on this programme.
            is there a tool to lint my web server config → what people said and wrote: I don't know the answer to “is there a tool to lint my web server config”: nothing I know covers it. Try /help to see what I can answer.
            are there tools to lint web server configs → what people said and wrote: “And then you also need to go two levels below the current thing that you're working on. So if you're working on web servers, eventually you're going to find yourself below then to the HTTP specification below, then to TCP IP, if you want to keep going lower, you'll go into operating systems, then you get into hardware and hardware accelerators. And if you go up the stack, you'll get into the people who actually write code, and manage the equipment that does all those things. And so I think the trick is, you have to be patient, you have to be willing to go deep and high.”
        "#]].assert_eq(&shown);
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
                Kelsey Hightower: Software engineer, developer advocate, and speaker at Google.

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
                I don't know the answer to “What is Kelsey's favorite food?”. What I know of Kelsey Hightower: Software engineer, developer advocate, and speaker at Google; from Long Beach, California; speaks on “Keynote: Software supply chain security”. About Kelsey Hightower I have a biography, 1 session and 158 quotes from 1 recording: try `/bio Kelsey Hightower` or `/quote <topic> speaker:"Kelsey Hightower"`."#]],
        );
        check(
            "Who won the 2018 World Cup?",
            expect![[r#"
                [not_found]
                I don't know the answer to “Who won the 2018 World Cup?”: nothing I know covers it. Try /help to see what I can answer."#]],
        );
    }
}
