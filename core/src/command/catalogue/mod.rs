//! The command catalogue: every command once, with everything said about it
//! anywhere — its name and aliases for [`super::parse`], its usage, summary,
//! help and examples for `/help` and the README, and its options and
//! subcommands for Discord's registration and Slack's manifest.
//!
//! The table is plain data, built at compile time: the adapters read it to
//! describe the commands to their platform, so no platform keeps a list of
//! its own. The tests below hold every entry to both platforms' limits.

mod entries;

use entries::{AGENDA, ASK, BIO, FAQ, HELP, QA, QUOTE, SCHEDULE, STATS, TALKS, TRANSCRIPT};

use super::CommandKind;

/// One command as every platform, `/help` and the README describe it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CommandSpec {
    pub kind: CommandKind,
    /// Without the `/`; Discord's and Slack's command name.
    pub name: &'static str,
    /// Other names [`super::parse`] accepts (`/who` for `/bio`); not
    /// registered with the platforms.
    pub aliases: &'static [&'static str],
    /// The grammar in one line: `/bio <speaker>`.
    pub usage: &'static str,
    /// One line, within every platform's limit (Discord's 100 characters).
    pub summary: &'static str,
    /// What it answers, at length, for `/help <command>` and the README.
    pub help: &'static str,
    /// Lines to try, each one a command as typed.
    pub examples: &'static [&'static str],
    /// Only organisers may run it; anyone may read its help.
    pub organisers_only: bool,
    /// What it answers is the asker's own (their agenda, their calendar
    /// address, what came of their question or vote): every adapter shows
    /// the reply to the asker alone, never in a channel, whichever way the
    /// command arrived. (An audience question is posted for everyone by
    /// the bot, as a message of its own: [`crate::Reply::post`].)
    pub personal: bool,
    /// The options of a command without subcommands, in Discord's order.
    pub options: &'static [OptionSpec],
    pub subcommands: &'static [SubcommandSpec],
}

/// One of `/schedule`'s verbs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SubcommandSpec {
    pub name: &'static str,
    pub description: &'static str,
    pub usage: &'static str,
    /// Only organisers may run it, though anyone may run the command's
    /// others (`/faq import`, where `/faq` is for everyone).
    pub organisers_only: bool,
    /// Organisers may run it, and so may the speakers of the session it
    /// concerns, linked to their account with `/qa speaker`: the adapters
    /// look up whether the caller organises, and the command checks the rest.
    pub speakers_too: bool,
    /// Given an address, it downloads from it: slower than a platform
    /// waits for an answer, so adapters acknowledge it first.
    pub fetches: bool,
    pub options: &'static [OptionSpec],
}

/// An option as Discord asks for it; the other platforms take the same
/// values as text after the command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OptionSpec {
    /// Discord's option name: part of the external interface, since users'
    /// and scripts' commands name it (`/quote topic:… speaker:…`).
    pub name: &'static str,
    /// Within Discord's 100 characters.
    pub description: &'static str,
    pub kind: OptionKind,
    pub required: bool,
    /// Longest value accepted, for text.
    pub max_length: Option<u16>,
    /// What to offer as the user types: empty for nothing.
    pub suggest: &'static [Suggest],
}

/// What an option's value is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OptionKind {
    Text,
    /// A file the user uploads with the command.
    Attachment,
}

/// Where autocomplete suggestions for an option come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Suggest {
    /// The [`WHEN_WORDS`].
    When,
    /// Speakers of the knowledge base and of the programme.
    Speaker,
    Room,
    Track,
    /// The programme's session titles.
    Session,
}

/// The words `/talks` takes for a time, offered first as one types.
pub const WHEN_WORDS: &[&str] = &["now", "next", "today", "tomorrow"];

/// Every command, in the order `/help`, the README and the platforms list them.
pub static CATALOGUE: [&CommandSpec; 11] =
    [&BIO, &QUOTE, &TALKS, &ASK, &FAQ, &AGENDA, &QA, &HELP, &SCHEDULE, &TRANSCRIPT, &STATS];

impl CommandKind {
    /// Whether only the asker may see its replies ([`CommandSpec::personal`]).
    pub fn personal(self) -> bool {
        self.spec().personal
    }

    /// This command's entry in the [`CATALOGUE`].
    pub fn spec(self) -> &'static CommandSpec {
        match self {
            CommandKind::Bio => &BIO,
            CommandKind::Quote => &QUOTE,
            CommandKind::Talks => &TALKS,
            CommandKind::Ask => &ASK,
            CommandKind::Help => &HELP,
            CommandKind::Schedule => &SCHEDULE,
            CommandKind::Transcript => &TRANSCRIPT,
            CommandKind::Stats => &STATS,
            CommandKind::Agenda => &AGENDA,
            CommandKind::Faq => &FAQ,
            CommandKind::Qa => &QA,
        }
    }
}

/// The command called `name` (without its `/`) or with it as an alias, in any case.
pub fn find(name: &str) -> Option<&'static CommandSpec> {
    CATALOGUE.iter().copied().find(|spec| spec.names().any(|n| n.eq_ignore_ascii_case(name)))
}

/// What of `line` only organisers may run — `/stats`, or `/faq import`
/// where `/faq` is for everyone — or `None` when anyone may. The one
/// place that says who may run what (with [`asks_organiser`]): the
/// dispatcher refuses everyone else.
pub fn for_organisers(line: &str) -> Option<String> {
    let mut words = line.trim_start().strip_prefix('/')?.split_whitespace();
    let spec = find(words.next()?)?;
    if spec.organisers_only {
        return Some(format!("/{}", spec.name));
    }
    let sub = subcommand(line)?;
    sub.organisers_only.then(|| format!("/{} {}", spec.name, sub.name))
}

/// Whether an adapter must find out if the person running `line`
/// organises: for what only organisers may run ([`for_organisers`]) and
/// for what organisers may run as well as a session's speakers
/// ([`SubcommandSpec::speakers_too`]).
pub fn asks_organiser(line: &str) -> bool {
    for_organisers(line).is_some() || subcommand(line).is_some_and(|sub| sub.speakers_too)
}

/// The subcommand `line` runs, if any.
fn subcommand(line: &str) -> Option<&'static SubcommandSpec> {
    let mut words = line.trim_start().strip_prefix('/')?.split_whitespace();
    let spec = find(words.next()?)?;
    let verb = words.next()?;
    spec.subcommands.iter().find(|sub| sub.name.eq_ignore_ascii_case(verb))
}

/// Whether `line` runs a subcommand that downloads what it imports (a
/// file uploaded with it, or an address): work that can take longer than a
/// platform waits for an answer.
pub fn downloads(line: &str) -> bool {
    let mut words = line.trim_start().strip_prefix('/').unwrap_or_default().split_whitespace();
    let Some(spec) = words.next().and_then(find) else { return false };
    let Some(verb) = words.next() else { return false };
    spec.subcommands.iter().any(|sub| sub.fetches && sub.name.eq_ignore_ascii_case(verb))
}

/// Whether `line` [`downloads`] from an address it gives (`/schedule
/// import https://…`).
pub fn fetches(line: &str) -> bool {
    downloads(line)
        && line
            .split_whitespace()
            .any(|w| w.get(..4).is_some_and(|h| h.eq_ignore_ascii_case("http")) && w.contains("://"))
}

impl CommandSpec {
    /// Its name, then its aliases.
    pub fn names(&self) -> impl Iterator<Item = &'static str> + use<> {
        std::iter::once(self.name).chain(self.aliases.iter().copied())
    }

    /// The usage without the command: what Slack shows after the name.
    pub fn usage_hint(&self) -> &'static str {
        let usage = self.usage.strip_prefix('/').unwrap_or(self.usage);
        usage.strip_prefix(self.name).map(str::trim_start).unwrap_or(usage)
    }

    /// The help, saying first who may run the command when not everyone may.
    pub fn help_text(&self) -> String {
        if !self.organisers_only {
            return self.help.to_string();
        }
        let mut chars = self.help.chars();
        let first = chars.next().map(|c| c.to_lowercase().to_string()).unwrap_or_default();
        format!("For organisers: {first}{}", chars.as_str())
    }
}

/// The README's command table, rows in catalogue order: the usage, what it
/// answers, and examples. A test keeps the README's copy equal to it.
pub fn readme_table() -> String {
    let cell = |text: &str| text.replace('|', "\\|");
    let mut table = String::from("| command | what it answers | examples |\n|---|---|---|\n");
    for spec in CATALOGUE {
        let examples: Vec<String> = spec.examples.iter().map(|e| format!("`{}`", cell(e))).collect();
        table.push_str(&format!(
            "| `{}` | {} | {} |\n",
            cell(spec.usage),
            cell(&spec.help_text()),
            examples.join(", ")
        ));
    }
    table
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use expect_test::expect;

    use super::*;

    /// Discord's limits for application commands (its API reference,
    /// "Application Commands": names 1–32 lower-case characters,
    /// descriptions 1–100, at most 25 options, a string option's
    /// max_length at most 6,000, and 4,000 characters of names,
    /// descriptions and values in one command).
    mod discord {
        pub const NAME: usize = 32;
        pub const DESCRIPTION: usize = 100;
        pub const OPTIONS: usize = 25;
        pub const MAX_LENGTH: u16 = 6_000;
        pub const COMBINED: usize = 4_000;
        /// An embed field's name, where `/help` puts a usage line.
        pub const FIELD_NAME: usize = 256;
    }

    /// Slack's limits for slash commands in an app manifest (the schema at
    /// github.com/slackapi/manifest-schema, `features.slash_commands`: the
    /// command 2–32 characters with its `/`, description 1–2,000, usage
    /// hint 1–1,000, at most 50 commands).
    mod slack {
        pub const COMMAND: usize = 32;
        pub const DESCRIPTION: usize = 2_000;
        pub const USAGE_HINT: usize = 1_000;
        pub const COMMANDS: usize = 50;
    }

    fn chars(text: &str) -> usize {
        text.chars().count()
    }

    #[test]
    fn every_kind_has_exactly_one_entry() {
        use CommandKind::{Agenda, Ask, Bio, Faq, Help, Qa, Quote, Schedule, Stats, Talks, Transcript};
        let kinds = [Bio, Quote, Talks, Ask, Faq, Agenda, Qa, Help, Schedule, Transcript, Stats];
        assert_eq!(CATALOGUE.len(), kinds.len());
        for kind in kinds {
            let entries: Vec<_> = CATALOGUE.iter().filter(|spec| spec.kind == kind).collect();
            assert_eq!(entries.len(), 1, "{kind:?}");
            assert!(std::ptr::eq(*entries[0], kind.spec()), "{kind:?}");
        }
    }

    #[test]
    fn names_and_aliases_are_unique_and_found() {
        let mut seen = HashSet::new();
        for spec in CATALOGUE {
            for name in spec.names() {
                assert!(seen.insert(name), "/{name} names two commands");
                assert!(!name.is_empty() && name.chars().all(|c| c.is_ascii_lowercase()), "/{name}");
                assert_eq!(find(name).map(|found| found.kind), Some(spec.kind), "/{name}");
                assert_eq!(find(&name.to_ascii_uppercase()).map(|found| found.kind), Some(spec.kind), "/{name}");
            }
            assert!(spec.usage.starts_with(&format!("/{}", spec.name)), "{}", spec.usage);
        }
        assert_eq!(find("dance"), None);
        assert_eq!(find("/bio"), None, "names are given without their /");
    }

    /// Discord refuses a required option after an optional one, and more than 25.
    fn check_options(at: &str, options: &[OptionSpec]) -> usize {
        assert!(options.len() <= discord::OPTIONS, "{at}");
        assert!(options.windows(2).all(|pair| pair[0].required || !pair[1].required), "{at}: required first");
        let mut names = HashSet::new();
        let mut total = 0;
        for option in options {
            let at = format!("{at} {}", option.name);
            assert!(names.insert(option.name), "{at}: twice");
            assert!((1..=discord::NAME).contains(&chars(option.name)), "{at}");
            assert!(option.name.chars().all(|c| c.is_ascii_lowercase()), "{at}");
            assert!((1..=discord::DESCRIPTION).contains(&chars(option.description)), "{at}");
            let fits = match option.kind {
                OptionKind::Text => option.max_length.is_some_and(|max| (1..=discord::MAX_LENGTH).contains(&max)),
                OptionKind::Attachment => option.max_length.is_none() && option.suggest.is_empty(),
            };
            assert!(fits, "{at}: {:?} {:?}", option.kind, option.max_length);
            total += chars(option.name) + chars(option.description);
        }
        total
    }

    #[test]
    fn every_entry_fits_discord_and_slack() {
        assert!(CATALOGUE.len() <= slack::COMMANDS);
        for spec in CATALOGUE {
            let at = format!("/{}", spec.name);
            assert!((1..=discord::NAME).contains(&chars(spec.name)), "{at}");
            assert!((2..=slack::COMMAND).contains(&chars(&at)), "{at}");
            assert!((1..=discord::DESCRIPTION.min(slack::DESCRIPTION)).contains(&chars(spec.summary)), "{at}");
            assert!(!spec.summary.contains('\n'), "{at}: the summary is one line");
            assert!((1..=slack::USAGE_HINT).contains(&chars(spec.usage_hint())), "{at}");
            assert!(chars(spec.usage) <= discord::FIELD_NAME, "{at}");
            assert!(!spec.help.is_empty() && !spec.examples.is_empty(), "{at}");
            // A command with subcommands takes its options through them.
            assert!(spec.options.is_empty() || spec.subcommands.is_empty(), "{at}");
            assert!(spec.subcommands.len() <= discord::OPTIONS, "{at}");
            let mut total = chars(spec.name) + chars(spec.summary) + check_options(&at, spec.options);
            let mut names = HashSet::new();
            for sub in spec.subcommands {
                let at = format!("{at} {}", sub.name);
                assert!(names.insert(sub.name), "{at}: twice");
                assert!((1..=discord::NAME).contains(&chars(sub.name)), "{at}");
                assert!(sub.name.chars().all(|c| c.is_ascii_lowercase()), "{at}");
                assert!((1..=discord::DESCRIPTION).contains(&chars(sub.description)), "{at}");
                assert!(sub.usage.starts_with(&format!("/{} {}", spec.name, sub.name)), "{at}");
                assert!(chars(sub.usage) <= discord::FIELD_NAME, "{at}");
                total += chars(sub.name) + chars(sub.description) + check_options(&at, sub.options);
            }
            assert!(total <= discord::COMBINED, "{at}: {total} characters");
        }
    }

    /// Examples, and each subcommand's usage line, are what they describe:
    /// the parser and the catalogue agree on every name and verb.
    #[test]
    fn every_example_is_its_command() {
        for spec in CATALOGUE {
            let lines = spec.examples.iter().chain(spec.subcommands.iter().map(|sub| &sub.usage));
            for line in lines {
                assert_eq!(super::super::parse(line).map(|command| command.kind()), Ok(spec.kind), "{line}");
            }
        }
    }

    /// What Discord users and scripts type: `/quote topic:wasm speaker:kelsey`.
    /// Renaming an option breaks them, so the names are pinned here.
    #[test]
    fn options_are_an_external_interface() {
        let mut lines = Vec::new();
        for spec in CATALOGUE {
            let options = |options: &[OptionSpec]| {
                options
                    .iter()
                    .map(|o| format!("{}{}", o.name, if o.required { "*" } else { "" }))
                    .collect::<Vec<_>>()
                    .join(" ")
            };
            lines.push(format!("/{} {}", spec.name, options(spec.options)).trim_end().to_string());
            for sub in spec.subcommands {
                lines.push(format!("/{} {} {}", spec.name, sub.name, options(sub.options)).trim_end().to_string());
            }
        }
        expect![[r#"
            /bio speaker*
            /quote topic speaker
            /talks query
            /ask question*
            /faq
            /faq show topic
            /faq import file url
            /agenda
            /agenda show
            /agenda add session*
            /agenda remove session*
            /agenda remind minutes*
            /agenda feed reset
            /agenda forget
            /qa
            /qa ask question* session name
            /qa top session
            /qa vote number*
            /qa answered number*
            /qa hide number*
            /qa pin number*
            /qa remove number*
            /qa room room*
            /qa speaker speaker* account*
            /help command
            /schedule
            /schedule import file url
            /schedule add title* start* duration* room* speakers
            /schedule cancel session*
            /schedule post day
            /transcript
            /transcript import file url session speakers title recording
            /stats since"#]]
        .assert_eq(&lines.join("\n"));
    }

    #[test]
    fn slack_hints_are_the_usage_without_the_command() {
        let hints: Vec<String> = CATALOGUE.iter().map(|spec| format!("{}: {}", spec.name, spec.usage_hint())).collect();
        expect![[r#"
            bio: <speaker>
            quote: [topic] [speaker:<name>]
            talks: [now|next|today|tomorrow|<date>|<speaker>|<room>|<track>|<words>]
            ask: <question>
            faq: [topic]
            agenda: [show|add|remove|remind|feed|forget]
            qa: ask|top|vote|answered|hide|pin|remove|room|speaker
            help: [command]
            schedule: import|add|cancel|post
            transcript: import <url> [session=ID] [speakers="A; B"] [title="…"] [recording=URL]
            stats: [since]"#]]
        .assert_eq(&hints.join("\n"));
    }

    /// Organisers' commands and subcommands are told from the line as
    /// typed, in any case and with an alias; nothing else is theirs.
    #[test]
    fn says_what_only_organisers_may_run() {
        let restricted: Vec<_> = [
            "/stats",
            "/STATS 24h",
            "/schedule post tomorrow",
            "/transcript import https://example.org/a.srt",
            "/faq import https://example.org/faq.md",
            "/faq IMPORT",
            "/faq",
            "/faq wifi",
            "/faq show import",
            "/help schedule",
            "/agenda feed",
            "what is /stats",
            "",
        ]
        .iter()
        .map(|line| for_organisers(line))
        .collect();
        assert_eq!(
            restricted,
            [
                Some("/stats".to_string()),
                Some("/stats".to_string()),
                Some("/schedule".to_string()),
                Some("/transcript".to_string()),
                Some("/faq import".to_string()),
                Some("/faq import".to_string()),
                None,
                None,
                None,
                None,
                None,
                None,
                None,
            ]
        );
        for spec in CATALOGUE {
            for sub in spec.subcommands {
                let line = format!("/{} {}", spec.name, sub.name);
                let theirs = spec.organisers_only || sub.organisers_only;
                assert_eq!(for_organisers(&line).is_some(), theirs, "{line}");
                assert!(!sub.organisers_only || sub.description.starts_with("Organisers:"), "{line} says who may");
                assert!(!(sub.organisers_only && sub.speakers_too), "{line}: organisers alone, or speakers too");
                let speakers = "Organisers and the session's speakers:";
                assert_eq!(sub.speakers_too, sub.description.starts_with(speakers), "{line} says who may");
                assert_eq!(asks_organiser(&line), theirs || sub.speakers_too, "{line}");
            }
        }
    }

    #[test]
    fn tells_the_commands_that_download() {
        assert!(fetches("/schedule import https://example.org/s.json"));
        assert!(fetches("/faq import HTTP://example.org/faq.md"));
        assert!(fetches("/transcript import https://example.org/t.srt session=ABC"));
        assert!(!fetches("/schedule import s.json"));
        assert!(!fetches("/schedule post tomorrow"));
        assert!(!fetches("/ask is https://example.org down"));
        assert!(!fetches("/faq wifi"));
        assert!(downloads("/transcript import") && downloads("/faq import faq.md") && !downloads("/faq show"));
    }

    /// The README's table of commands is this catalogue's, word for word.
    #[test]
    fn readme_shows_the_catalogue() {
        const START: &str = "<!-- commands:start -->\n";
        const END: &str = "<!-- commands:end -->";
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md");
        let readme = std::fs::read_to_string(path).unwrap();
        let start = readme.find(START).expect("README.md has a commands:start marker") + START.len();
        let end = readme[start..].find(END).expect("README.md has a commands:end marker") + start;
        let table = readme_table();
        assert!(
            readme[start..end] == table,
            "README.md's command table is not the catalogue's; put this between the markers:\n{table}"
        );
    }
}
