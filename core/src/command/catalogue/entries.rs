//! The catalogue's entries: what each command is called, how it is used,
//! what it answers, and the options each platform shows for it.

use super::{CommandSpec, OptionKind, OptionSpec, SubcommandSpec, Suggest};
use crate::command::CommandKind;

const fn text(name: &'static str, description: &'static str, max_length: u16) -> OptionSpec {
    OptionSpec {
        name,
        description,
        kind: OptionKind::Text,
        required: false,
        max_length: Some(max_length),
        suggest: &[],
    }
}

const fn required(option: OptionSpec) -> OptionSpec {
    OptionSpec { required: true, ..option }
}

const fn suggesting(option: OptionSpec, suggest: &'static [Suggest]) -> OptionSpec {
    OptionSpec { suggest, ..option }
}

pub(super) static BIO: CommandSpec = CommandSpec {
    kind: CommandKind::Bio,
    name: "bio",
    aliases: &["who"],
    usage: "/bio <speaker>",
    summary: "Who a speaker is: summary, facts, links and sessions",
    help: "Who the speaker is: headline, summary, key facts, books, where they were heard, and their sessions. \
           Names match forgivingly (case, accents, first or last name, aliases, typos); several matches ask which, \
           and none names the closest.",
    examples: &["/bio kelsey", "/bio Hightwoer"],
    organisers_only: false,
    personal: false,
    options: &[suggesting(required(text("speaker", "The speaker's name", 100)), &[Suggest::Speaker])],
    subcommands: &[],
};

pub(super) static QUOTE: CommandSpec = CommandSpec {
    kind: CommandKind::Quote,
    name: "quote",
    aliases: &[],
    usage: "/quote [topic] [speaker:<name>]",
    summary: "A quote from the talks and podcasts",
    help: "The best matching quote from the transcripts, with speaker, source, time and the matched words; \
           no topic gives a random one. Words are stemmed (`sandboxes` finds *sandbox*), \"phrases\" work, \
           typos are corrected, and query syntax never fails.",
    examples: &[
        "/quote wasm",
        "/quote \"muscle memory\"",
        "/quote sleep speaker:andy",
        "/quote speaker:\"Kelsey Hightower\"",
    ],
    organisers_only: false,
    personal: false,
    options: &[
        text("topic", "What the quote is about (leave empty for a random one)", 80),
        suggesting(text("speaker", "Only quotes by this speaker", 100), &[Suggest::Speaker]),
    ],
    subcommands: &[],
};

pub(super) static TALKS: CommandSpec = CommandSpec {
    kind: CommandKind::Talks,
    name: "talks",
    aliases: &["talk", "sessions"],
    usage: "/talks [now|next|today|tomorrow|<date>|<speaker>|<room>|<track>|<words>]",
    summary: "Sessions: now, next, today, a day, a speaker, a room, a track or a topic",
    help: "Sessions: `now`, `next` (per room), `today`, `tomorrow`, a date (`2022-11-02`), a weekday, `day 2`, \
           a speaker, a room, a track, or words from titles and abstracts. Times are in the conference's zone, named.",
    examples: &["/talks now", "/talks room 2", "/talks supply chain"],
    organisers_only: false,
    personal: false,
    options: &[suggesting(
        text("query", "now, next, today, a speaker, a room, a track…", 100),
        &[Suggest::When, Suggest::Speaker, Suggest::Room, Suggest::Track],
    )],
    subcommands: &[],
};

pub(super) static ASK: CommandSpec = CommandSpec {
    kind: CommandKind::Ask,
    name: "ask",
    aliases: &[],
    usage: "/ask <question>",
    summary: "Ask anything about the speakers, the programme and the conference",
    help: "A question about the programme (when, where, who, how long, which day or track; what is on now, \
           next, at 11, after the keynote, in a room) is answered in a sentence with the sessions; one about \
           the conference itself (where it is held, when it starts, how many rooms) from the programme too; \
           one the organisers' FAQ answers (the wifi, lunch, refunds) with its entry, in their words; any \
           other with the sentence or quote that answers it, found by its words and their meaning, and its source. \
           \"He\", \"she\" or \"they\" is the person you asked about last. When nothing it knows answers, \
           it says so, and what it does know about the subject. Anything that does not start with `/` is a \
           question too.",
    examples: &[
        "When was Kelsey born?",
        "What does he think about WebAssembly?",
        "what's on after the keynote",
        "who is talking about supply chain security?",
    ],
    organisers_only: false,
    personal: false,
    options: &[required(text("question", "Your question", 300))],
    subcommands: &[],
};

pub(super) static FAQ: CommandSpec = CommandSpec {
    kind: CommandKind::Faq,
    name: "faq",
    aliases: &[],
    usage: "/faq [topic]",
    summary: "The organisers' FAQ: every question, or the entries on a topic",
    help: "The organisers' FAQ: its questions by section, or the entries on a topic (`/faq wifi`) with their \
           answers in the organisers' words. `/ask` answers from it too. Organisers replace it with \
           `/faq import <url>` (or a file attached on Discord): a page of questions as headings in Markdown or \
           HTML, `<details>` or `<dt>/<dd>`, or a YAML or JSON list; the reply says what was added, changed and \
           removed.",
    examples: &["/faq", "/faq wifi", "/faq import https://example.org/faq.md"],
    organisers_only: false,
    personal: false,
    options: &[],
    subcommands: &[
        SubcommandSpec {
            name: "show",
            description: "The FAQ's questions, or the entries on a topic",
            usage: "/faq show [topic]",
            organisers_only: false,
            fetches: false,
            speakers_too: false,
            options: &[text("topic", "A topic, e.g. wifi or tickets (leave empty for every question)", 100)],
        },
        SubcommandSpec {
            name: "import",
            description: "Organisers: replace the FAQ with a published page (Markdown, HTML, YAML, JSON)",
            usage: "/faq import <url>",
            organisers_only: true,
            fetches: true,
            speakers_too: false,
            options: &[
                OptionSpec { kind: OptionKind::Attachment, max_length: None, ..text("file", "The FAQ file", 0) },
                text("url", "Or the FAQ page's https address", 500),
            ],
        },
    ],
};

pub(super) static HELP: CommandSpec = CommandSpec {
    kind: CommandKind::Help,
    name: "help",
    aliases: &["start"],
    usage: "/help [command]",
    summary: "What emcee can do, with examples",
    help: "The commands, or one command in detail with examples.",
    examples: &["/help quote"],
    organisers_only: false,
    personal: false,
    options: &[text("command", "A command to explain, e.g. quote", 32)],
    subcommands: &[],
};

pub(super) static SCHEDULE: CommandSpec = CommandSpec {
    kind: CommandKind::Schedule,
    name: "schedule",
    aliases: &[],
    usage: "/schedule import|add|cancel|post",
    summary: "Organisers: import, add, cancel or post the programme",
    help: "Change the programme — import a published export, add a session, cancel one — or post a day's \
           programme by room. Every change is recorded and announced.",
    examples: &["/schedule post tomorrow", "/schedule cancel Lightning talks"],
    organisers_only: true,
    personal: false,
    options: &[],
    subcommands: &[
        SubcommandSpec {
            name: "import",
            description: "Import a schedule file or URL (pretalx/frab JSON or XML, iCalendar, CSV, Sessionize)",
            usage: "/schedule import <url>",
            organisers_only: false,
            fetches: true,
            speakers_too: false,
            options: &[
                OptionSpec { kind: OptionKind::Attachment, max_length: None, ..text("file", "The schedule file", 0) },
                text("url", "Or the schedule's https address", 500),
            ],
        },
        SubcommandSpec {
            name: "add",
            description: "Add one session",
            usage: "/schedule add title=\"…\" start=2022-11-01T10:00 duration=00:30 room=\"Room 2\"",
            organisers_only: false,
            fetches: false,
            speakers_too: false,
            options: &[
                required(text("title", "The session's title", 200)),
                required(text("start", "Start, e.g. 2022-11-01T17:00", 40)),
                required(text("duration", "Length, e.g. 00:45", 10)),
                suggesting(required(text("room", "Where", 100)), &[Suggest::Room]),
                text("speakers", "Who, separated by ;", 300),
            ],
        },
        SubcommandSpec {
            name: "cancel",
            description: "Cancel a session",
            usage: "/schedule cancel <id or title>",
            organisers_only: false,
            fetches: false,
            speakers_too: false,
            options: &[required(text("session", "The session's title or id", 200))],
        },
        SubcommandSpec {
            name: "post",
            description: "Post the programme of a day",
            usage: "/schedule post [day]",
            organisers_only: false,
            fetches: false,
            speakers_too: false,
            options: &[text("day", "today, tomorrow, a date…", 40)],
        },
    ],
};

pub(super) static TRANSCRIPT: CommandSpec = CommandSpec {
    kind: CommandKind::Transcript,
    name: "transcript",
    aliases: &[],
    usage: "/transcript import <url> [session=ID] [speakers=\"A; B\"] [title=\"…\"] [recording=URL]",
    summary: "Organisers: add a recording's transcript, linked to its session",
    help: "Add the transcript of a talk's recording — SubRip, WebVTT, Whisper JSON, or a podcast layout, told \
           from the content — linked to the session it records (`session=` its id), so that its speakers are \
           known and quotes link to their moment of the recording (`recording=` its address). `speakers=` names \
           who speaks when the transcript does not. Every replica answers from it at once.",
    examples: &["/transcript import https://example.org/talk.srt session=ABC123"],
    organisers_only: true,
    personal: false,
    options: &[],
    subcommands: &[SubcommandSpec {
        name: "import",
        description: "Add a transcript (SubRip, WebVTT, Whisper JSON, podcast) linked to a session",
        usage: "/transcript import <url> session=ID speakers=\"A; B\" title=\"…\" recording=URL",
        organisers_only: false,
        fetches: true,
        speakers_too: false,
        options: &[
            OptionSpec { kind: OptionKind::Attachment, max_length: None, ..text("file", "The transcript file", 0) },
            text("url", "Or the transcript's https address", 500),
            text("session", "The id of the session it records", 200),
            suggesting(
                text("speakers", "Who speaks, when the file does not say (separated by ;)", 300),
                &[Suggest::Speaker],
            ),
            text("title", "What to cite it as", 200),
            text("recording", "The recording's address, for links to moments in it", 500),
        ],
    }],
};

pub(super) static STATS: CommandSpec = CommandSpec {
    kind: CommandKind::Stats,
    name: "stats",
    aliases: &[],
    usage: "/stats [since]",
    summary: "Organisers: how emcee was used",
    help: "Usage since `90m`, `24h`, `7d` (the default), `2w`, a date or `all`: by command, platform and day, \
           top queries, questions it could not answer, and latency.",
    examples: &["/stats 24h"],
    organisers_only: true,
    personal: false,
    options: &[text("since", "How far back, e.g. 7d or 24h", 20)],
    subcommands: &[],
};

pub(super) static AGENDA: CommandSpec = CommandSpec {
    kind: CommandKind::Agenda,
    name: "agenda",
    aliases: &["my"],
    usage: "/agenda [show|add|remove|remind|feed|forget]",
    summary: "My agenda: my sessions, reminders before them, and a private calendar feed",
    help: "Your own sessions in time order, the next first, clashes marked. `add` or `remove` a session by its \
           title or a part of it (or the button under any session); you get a direct message before each one \
           (`remind 10`, or `remind off`) and when one moves, changes or is cancelled. `feed` gives a private \
           calendar address only you see (`feed reset` makes a new one and revokes the old); `forget` deletes \
           everything kept about you.",
    examples: &["/agenda", "/agenda add supply chain", "/agenda remind 15", "/agenda feed"],
    organisers_only: false,
    personal: true,
    options: &[],
    subcommands: &[
        SubcommandSpec {
            name: "show",
            description: "My sessions in time order, the next first",
            usage: "/agenda show",
            organisers_only: false,
            fetches: false,
            speakers_too: false,
            options: &[],
        },
        SubcommandSpec {
            name: "add",
            description: "Add a session to my agenda",
            usage: "/agenda add <session>",
            organisers_only: false,
            fetches: false,
            speakers_too: false,
            options: &[suggesting(
                required(text("session", "The session's title or a part of it", 200)),
                &[Suggest::Session],
            )],
        },
        SubcommandSpec {
            name: "remove",
            description: "Remove a session from my agenda",
            usage: "/agenda remove <session>",
            organisers_only: false,
            fetches: false,
            speakers_too: false,
            options: &[suggesting(
                required(text("session", "The session's title or a part of it", 200)),
                &[Suggest::Session],
            )],
        },
        SubcommandSpec {
            name: "remind",
            description: "How many minutes before each session to remind me, or off",
            usage: "/agenda remind 15",
            organisers_only: false,
            fetches: false,
            speakers_too: false,
            options: &[required(text("minutes", "Minutes before (1 to 1440), or off", 8))],
        },
        SubcommandSpec {
            name: "feed",
            description: "My private calendar address; reset makes a new one",
            usage: "/agenda feed",
            organisers_only: false,
            fetches: false,
            speakers_too: false,
            options: &[text("reset", "Type reset to revoke the old address and get a new one", 5)],
        },
        SubcommandSpec {
            name: "forget",
            description: "Delete my favourites, reminder setting and calendar address",
            usage: "/agenda forget",
            organisers_only: false,
            fetches: false,
            speakers_too: false,
            options: &[],
        },
    ],
};

const fn verb(
    name: &'static str,
    description: &'static str,
    usage: &'static str,
    organisers_only: bool,
    options: &'static [OptionSpec],
) -> SubcommandSpec {
    SubcommandSpec { name, description, usage, organisers_only, speakers_too: false, fetches: false, options }
}

/// A verb organisers may run, and the speakers of the session it concerns.
const fn hosts(
    name: &'static str,
    description: &'static str,
    usage: &'static str,
    options: &'static [OptionSpec],
) -> SubcommandSpec {
    SubcommandSpec { speakers_too: true, ..verb(name, description, usage, false, options) }
}

const QUESTION_NUMBER: &[OptionSpec] = &[required(text("number", "The question's number, shown with it", 12))];

pub(super) static QA: CommandSpec = CommandSpec {
    kind: CommandKind::Qa,
    name: "qa",
    aliases: &[],
    usage: "/qa ask|top|vote|answered|hide|pin|remove|room|speaker",
    summary: "Questions for the speaker: ask during a talk, upvote, and the host reads the top ones out",
    help: "Ask the speaker of the session on now in this channel's room (`/qa ask <question>`), or of the \
           session you name (`session:<title>`); questions open 10 minutes before a session starts and close a \
           while after it ends. Each question is posted here, without your name unless you add `name:yes`, with \
           an **Upvote** button: one vote each, a second press takes it back. A session taking questions has an \
           **Ask the speaker** button beside it in any list of sessions, which opens a form for one. `/qa top` \
           lists the top questions for the host, and they are posted here as the session ends. Organisers mark questions \
           `answered`, `hide` or `pin` them, `remove` them, and tie a channel to a room with `/qa room <room>`; \
           `/qa speaker <speaker> <account>` lets a speaker's own account mark their sessions' questions too.",
    examples: &["/qa ask How do you test this?", "/qa top", "/qa ask session:\"Supply chain\" Which tools?"],
    organisers_only: false,
    personal: true,
    options: &[],
    subcommands: &[
        verb(
            "ask",
            "Ask the speaker of the session on now in this room, or of the one you name",
            "/qa ask <question> [session:<title>] [name:yes]",
            false,
            &[
                required(text("question", "Your question for the speaker", 300)),
                suggesting(
                    text("session", "The session, when it is not the one on now in this room", 200),
                    &[Suggest::Session],
                ),
                text("name", "yes to show your name with the question", 3),
            ],
        ),
        verb(
            "top",
            "The top questions of a session, by votes",
            "/qa top [session]",
            false,
            &[suggesting(
                text("session", "The session (the latest in this room if left empty)", 200),
                &[Suggest::Session],
            )],
        ),
        verb("vote", "Upvote a question, or take your vote back", "/qa vote 12", false, QUESTION_NUMBER),
        hosts(
            "answered",
            "Organisers and the session's speakers: mark a question answered",
            "/qa answered 12",
            QUESTION_NUMBER,
        ),
        hosts(
            "hide",
            "Organisers and the session's speakers: hide a question from the list (it is kept)",
            "/qa hide 12",
            QUESTION_NUMBER,
        ),
        hosts(
            "pin",
            "Organisers and the session's speakers: show a question above the others",
            "/qa pin 12",
            QUESTION_NUMBER,
        ),
        verb("remove", "Organisers: take a question down everywhere", "/qa remove 12", true, QUESTION_NUMBER),
        verb(
            "room",
            "Organisers: tie this channel to a room, or off",
            "/qa room <room>|off",
            true,
            &[suggesting(required(text("room", "The room, or off", 100)), &[Suggest::Room])],
        ),
        verb(
            "speaker",
            "Organisers: let a speaker's account mark their sessions' questions, or off",
            "/qa speaker <speaker> <account>|off",
            true,
            &[
                suggesting(
                    required(text("speaker", "The speaker, as the programme names them", 100)),
                    &[Suggest::Speaker],
                ),
                required(text(
                    "account",
                    "Their account: an @mention on Discord, a member ID on Slack; off unlinks them",
                    100,
                )),
            ],
        ),
    ],
};
