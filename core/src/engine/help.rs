//! `/help [command]`: the commands, with examples.

use crate::command::CommandKind;
use crate::reply::{Reply, Status};

const COMMANDS: &[(&str, &str, &str)] = &[
    ("bio", "/bio <speaker>", "Who a speaker is, with key facts and their sessions. Try `/bio kelsey`."),
    (
        "quote",
        "/quote [topic] [speaker:<name>]",
        "The best matching quote from talks and podcasts; no topic for a random one. Try `/quote wasm` or `/quote focus speaker:kelsey`.",
    ),
    (
        "talks",
        "/talks [now|next|today|tomorrow|<date>|<speaker>|<room>|<track>|<words>]",
        "Sessions of the conference. Try `/talks next` or `/talks supply chain`.",
    ),
    ("ask", "/ask <question>", "A question about the speakers or the programme. Try `/ask when was Kelsey born?`."),
    ("help", "/help [command]", "This list, or one command in detail."),
    (
        "stats",
        "/stats [since]",
        "For organisers: how the bot was used since 90m, 24h, 7d (the default), 2w, a date, or all.",
    ),
];

pub(super) fn answer(topic: Option<&str>) -> Reply {
    if let Some(topic) = topic {
        return match COMMANDS.iter().find(|(name, _, _)| *name == topic) {
            Some((_, usage, about)) => {
                Reply { title: Some(usage.to_string()), ..Reply::message(CommandKind::Help, Status::Ok, *about) }
            }
            None => {
                let mut reply =
                    Reply::message(CommandKind::Help, Status::NotFound, format!("There is no /{topic} command."));
                reply.suggestions = COMMANDS.iter().map(|(name, _, _)| format!("/{name}")).collect();
                reply
            }
        };
    }
    let mut reply = Reply::message(
        CommandKind::Help,
        Status::Ok,
        "I answer questions about the speakers and the programme. Anything that does not start with / is a question.",
    );
    reply.title = Some(String::from("emcee commands"));
    for (_, usage, about) in COMMANDS {
        reply = reply.field(usage, *about);
    }
    reply.result_count = COMMANDS.len();
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
    fn lists_the_commands() {
        check(
            "/help",
            expect![[r#"
                [ok]
                emcee commands

                I answer questions about the speakers and the programme. Anything that does not start with / is a question.

                /bio <speaker>: Who a speaker is, with key facts and their sessions. Try `/bio kelsey`.
                /quote [topic] [speaker:<name>]: The best matching quote from talks and podcasts; no topic for a random one. Try `/quote wasm` or `/quote focus speaker:kelsey`.
                /talks [now|next|today|tomorrow|<date>|<speaker>|<room>|<track>|<words>]: Sessions of the conference. Try `/talks next` or `/talks supply chain`.
                /ask <question>: A question about the speakers or the programme. Try `/ask when was Kelsey born?`.
                /help [command]: This list, or one command in detail.
                /stats [since]: For organisers: how the bot was used since 90m, 24h, 7d (the default), 2w, a date, or all."#]],
        );
        check(
            "/help quote",
            expect![[r#"
            [ok]
            /quote [topic] [speaker:<name>]

            The best matching quote from talks and podcasts; no topic for a random one. Try `/quote wasm` or `/quote focus speaker:kelsey`."#]],
        );
        check(
            "/help dance",
            expect![[r#"
                [not_found]
                There is no /dance command.

                Did you mean: /bio, /quote, /talks, /ask, /help, /stats?"#]],
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
