//! `/help [command]`: the commands, or one in detail with its examples,
//! all read from the [`catalogue`]. Anyone may read the help of any command,
//! organisers' included; whether they may run it is the bot's to decide.

use crate::command::CommandKind;
use crate::command::catalogue::{self, CATALOGUE, CommandSpec};
use crate::reply::{Reply, Status};

pub(super) fn answer(topic: Option<&str>) -> Reply {
    let Some(topic) = topic else { return list() };
    match catalogue::find(topic.trim_start_matches('/')) {
        Some(spec) => one(spec),
        None => {
            let mut reply =
                Reply::message(CommandKind::Help, Status::NotFound, format!("There is no /{topic} command."));
            reply.suggestions = CATALOGUE.iter().map(|spec| format!("/{}", spec.name)).collect();
            reply
        }
    }
}

/// Every command with its one-line summary and its first example.
fn list() -> Reply {
    let mut reply = Reply::message(
        CommandKind::Help,
        Status::Ok,
        "I answer questions about the speakers, the programme and the conference. Anything that does not start with / is a question.",
    );
    reply.title = Some(String::from("emcee commands"));
    for spec in CATALOGUE {
        let summary = match spec.examples.first() {
            Some(example) => format!("{}. Try `{example}`.", spec.summary),
            None => format!("{}.", spec.summary),
        };
        reply = reply.field(spec.usage, summary);
    }
    reply.result_count = CATALOGUE.len();
    reply
}

/// One command: what it answers, its subcommands, examples and other names.
fn one(spec: &CommandSpec) -> Reply {
    let mut reply = Reply::message(CommandKind::Help, Status::Ok, spec.help_text());
    reply.title = Some(spec.usage.to_string());
    for sub in spec.subcommands {
        reply = reply.field(sub.usage, sub.description);
    }
    let examples: Vec<String> = spec.examples.iter().map(|e| format!("`{e}`")).collect();
    reply = reply.field("Examples", examples.join(", "));
    if !spec.aliases.is_empty() {
        let aliases: Vec<String> = spec.aliases.iter().map(|a| format!("/{a}")).collect();
        reply = reply.field("Also", aliases.join(", "));
    }
    reply
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use crate::engine::tests::{keynote_morning, seed_engine, show};

    fn check(line: &str, expected: expect_test::Expect) {
        expected.assert_eq(&show(&seed_engine(), line, &keynote_morning()));
    }

    #[test]
    fn lists_and_explains_every_command_to_everyone() {
        check(
            "/help",
            expect![[r#"
                [ok]
                emcee commands

                I answer questions about the speakers, the programme and the conference. Anything that does not start with / is a question.

                /bio <speaker>: Who a speaker is: summary, facts, links and sessions. Try `/bio kelsey`.
                /quote [topic] [speaker:<name>]: A quote from the talks and podcasts. Try `/quote wasm`.
                /talks [now|next|today|tomorrow|<date>|<speaker>|<room>|<track>|<words>]: Sessions: now, next, today, a day, a speaker, a room, a track or a topic. Try `/talks now`.
                /ask <question>: Ask anything about the speakers, the programme and the conference. Try `When was Kelsey born?`.
                /faq [topic]: The organisers' FAQ: every question, or the entries on a topic. Try `/faq`.
                /agenda [show|add|remove|remind|feed|forget]: My agenda: my sessions, reminders before them, and a private calendar feed. Try `/agenda`.
                /qa ask|top|vote|answered|hide|pin|remove|room|speaker: Questions for the speaker: ask during a talk, upvote, and the host reads the top ones out. Try `/qa ask How do you test this?`.
                /help [command]: What emcee can do, with examples. Try `/help quote`.
                /schedule import|add|cancel|post: Organisers: import, add, cancel or post the programme. Try `/schedule post tomorrow`.
                /transcript import <url> [session=ID] [speakers="A; B"] [title="…"] [recording=URL]: Organisers: add a recording's transcript, linked to its session. Try `/transcript import https://example.org/talk.srt session=ABC123`.
                /stats [since]: Organisers: how emcee was used. Try `/stats 24h`."#]],
        );
        check(
            "/help quote",
            expect![[r#"
            [ok]
            /quote [topic] [speaker:<name>]

            The best matching quote from the transcripts, with speaker, source, time and the matched words; no topic gives a random one. Words are stemmed (`sandboxes` finds *sandbox*), "phrases" work, typos are corrected, and query syntax never fails.

            Examples: `/quote wasm`, `/quote "muscle memory"`, `/quote sleep speaker:andy`, `/quote speaker:"Kelsey Hightower"`"#]],
        );
        check(
            "/help schedule",
            expect![[r#"
                [ok]
                /schedule import|add|cancel|post

                For organisers: change the programme — import a published export, add a session, cancel one — or post a day's programme by room. Every change is recorded and announced.

                /schedule import <url>: Import a schedule file or URL (pretalx/frab JSON or XML, iCalendar, CSV, Sessionize)
                /schedule add title="…" start=2022-11-01T10:00 duration=00:30 room="Room 2": Add one session
                /schedule cancel <id or title>: Cancel a session
                /schedule post [day]: Post the programme of a day
                Examples: `/schedule post tomorrow`, `/schedule cancel Lightning talks`"#]],
        );
        check(
            "/help stats",
            expect![[r#"
                [ok]
                /stats [since]

                For organisers: usage since `90m`, `24h`, `7d` (the default), `2w`, a date or `all`: by command, platform and day, top queries, questions it could not answer, and latency.

                Examples: `/stats 24h`"#]],
        );
        check(
            "/help who",
            expect![[r#"
            [ok]
            /bio <speaker>

            Who the speaker is: headline, summary, key facts, books, where they were heard, and their sessions. Names match forgivingly (case, accents, first or last name, aliases, typos); several matches ask which, and none names the closest.

            Examples: `/bio kelsey`, `/bio Hightwoer`
            Also: /who"#]],
        );
        check(
            "/help /TALKS",
            expect![[r#"
            [ok]
            /talks [now|next|today|tomorrow|<date>|<speaker>|<room>|<track>|<words>]

            Sessions: `now`, `next` (per room), `today`, `tomorrow`, a date (`2022-11-02`), a weekday, `day 2`, a speaker, a room, a track, or words from titles and abstracts. Times are in the conference's zone, named.

            Examples: `/talks now`, `/talks room 2`, `/talks supply chain`
            Also: /talk, /sessions"#]],
        );
        check(
            "/help dance",
            expect![[r#"
                [not_found]
                There is no /dance command.

                Did you mean: /bio, /quote, /talks, /ask, /faq, /agenda, /qa, /help, /schedule, /transcript, /stats?"#]],
        );
    }

    #[test]
    fn explains_bad_input() {
        check(
            "/bio",
            expect![[r#"
            [invalid]
            Whose bio? Try `/bio kelsey`."#]],
        );
        check(
            "/dance",
            expect![[r#"
            [invalid]
            There is no /dance command. Try /help."#]],
        );
    }
}
