//! `/bio <speaker>`: what they do, for whom and where (their profile's
//! role, organisation and base), a headline, a short summary, key facts,
//! links, where they spoke, and their sessions at this conference.

use super::Engine;
use crate::command::CommandKind;
use crate::reply::{Reply, Source, SourceKind, Status};
use crate::text;

/// Sentences of the summary a bio shows.
const SUMMARY_SENTENCES: usize = 2;

pub(super) fn answer(engine: &Engine, query: &str) -> Reply {
    let (index, person) = match engine.resolve_person(CommandKind::Bio, query) {
        Ok(person) => (person, &engine.directory.people[person]),
        Err(reply) => return *reply,
    };
    let mut reply = Reply::new(CommandKind::Bio, Status::Ok);
    reply.title = Some(person.name.clone());
    let sessions = engine.sessions_of(index);
    // What they do, for whom and where, first: from their profile.
    let lead = engine.profiles().lead(index);
    let folded_lead = text::fold(&lead);
    if let Some(index) = person.speaker {
        let speaker = &engine.kb.speakers[index];
        let summary: Vec<&str> = text::sentences(&speaker.summary).take(SUMMARY_SENTENCES).collect();
        let mut body = String::new();
        if !lead.is_empty() {
            body.push_str(&lead);
            body.push_str("\n\n");
        }
        if let Some(headline) = &speaker.headline
            && !speaker.summary.starts_with(headline.as_str())
            && !text::fold(headline).split(' ').all(|w| folded_lead.split(' ').any(|l| l == w))
        {
            body.push_str(headline);
            body.push_str("\n\n");
        }
        if summary.is_empty() {
            body.push_str(&no_biography(engine, &person.name, &sessions));
        } else {
            body.push_str(&summary.join(" "));
        }
        reply.body = body;
        reply.url = speaker.links.first().map(|l| l.url.clone());
        for (key, value) in &speaker.facts {
            if !folded_lead.contains(&text::fold(value)) {
                reply = reply.field(key, value.clone());
            }
        }
        if !speaker.publications.is_empty() {
            reply = reply.field("Books", speaker.publications.join("; "));
        }
        let appearances = engine.kb.appearances(index);
        let appears: Vec<String> = appearances
            .iter()
            .map(|&(t, role)| match role {
                Some(role) => format!("{} ({role})", engine.transcript_title(t)),
                None => engine.transcript_title(t).to_string(),
            })
            .collect();
        reply = reply.field("Heard on", appears.join("; "));
        let links: Vec<String> = speaker.links.iter().map(|l| format!("{} <{}>", l.title, l.url)).collect();
        reply = reply.field("Links", links.join(", "));
        if let Some(source) = &speaker.source {
            reply.sources.push(Source {
                kind: SourceKind::Bio,
                title: source.title.clone(),
                speaker: Some(speaker.name.clone()),
                at: None,
                url: None,
            });
        }
        for (t, _) in appearances {
            reply.sources.push(Source {
                kind: SourceKind::Transcript,
                title: engine.transcript_title(t).to_string(),
                speaker: Some(speaker.name.clone()),
                at: None,
                url: engine.kb.transcripts[t].recording().map(str::to_string),
            });
        }
    } else {
        reply.body = no_biography(engine, &person.name, &sessions);
    }
    if !sessions.is_empty() {
        reply.sessions = sessions.iter().map(|s| engine.session_item(s)).collect();
        reply.time_zone = Some(engine.schedule.conference.time_zone.clone());
        reply.sources.push(engine.schedule_source());
    }
    reply.result_count = 1;
    reply
}

/// What `/bio` says of someone with no biography: where they speak, if anywhere.
fn no_biography(engine: &Engine, name: &str, sessions: &[&crate::schedule::Session]) -> String {
    if sessions.is_empty() {
        format!("{name} has no biography here yet.")
    } else {
        format!("{name} speaks at {}. No biography was given for them.", engine.schedule.conference.title)
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
    fn bios() {
        // A speaker with a biography.
        check(
            "/bio kelsey",
            expect![[r#"
                [ok]
                Kelsey Hightower

                Software engineer, developer advocate, and speaker at Google

                Kelsey Hightower (born February 27, 1981) is an American software engineer, developer advocate, and speaker known for his work with Kubernetes, open-source software, and cloud computing.

                Born: February 27, 1981
                Known for: work with Kubernetes, open-source software, and cloud computing
                Books: Kubernetes: Up and Running
                Heard on: DevOps Sauna: Kelsey Hightower (guest)

                Tue 1 Nov 09:15–10:00 CET · Main Stage · Keynote: Software supply chain security — Kelsey Hightower

                Source: Biography of Kelsey Hightower · Kelsey Hightower; DevOps Sauna: Kelsey Hightower · Kelsey Hightower <https://www.eficode.com/devops-podcast/kelsey-hightower>"#]],
        );
        // A host known only from a transcript's metadata.
        check(
            "/bio marc",
            expect![[r#"
                [ok]
                Marc Dillon

                Lead consultant at Eficode

                Lead consultant in the transformation business at Eficode; host of DevOps Sauna.

                Heard on: DevOps Sauna: Kelsey Hightower (host)

                Source: DevOps Sauna: Kelsey Hightower · Marc Dillon <https://www.eficode.com/devops-podcast/kelsey-hightower>"#]],
        );
        // A speaker known only from the schedule.
        check(
            "/bio Sample Speaker C",
            expect![[r#"
                [ok]
                Sample Speaker C

                Sample Speaker C speaks at The DEVOPS Conference - Copenhagen (sample schedule). No biography was given for them.

                Tue 1 Nov 11:00–11:30 CET · Room 2 · Sample: WebAssembly at the edge — Sample Speaker C"#]],
        );
        // Several people, and nobody.
        check(
            "/bio sample",
            expect![[r#"
            [ambiguous]
            “sample” could be several people. Which one?

            Did you mean: Sample Host, Sample Speaker A, Sample Speaker B, Sample Speaker C, Sample Speaker D, Sample Speaker E?"#]],
        );
        check(
            "/bio Grace Hopper",
            expect![[r#"
            [not_found]
            I don't know a speaker called “Grace Hopper”.

            Did you mean: Kelsey Hightower, Marc Dillon, Andy Allred?"#]],
        );
    }
}
