//! `/faq [topic]`: the organisers' FAQ as they wrote it — every question,
//! by the page's sections, or the entries on a topic with their answers.
//! The platforms' adapters keep the reply within their limits; each entry
//! is one field, so a cut never splits one question from its answer. An
//! answer that changes with the day is shown as it is in force.

use crate::command::CommandKind;
use crate::engine::{Context, Engine};
use crate::reply::{Field, Reply, Source, SourceKind, Status};

/// Entries shown whole for a topic; more are named, for `/faq <topic>` on them.
const SHOWN: usize = 5;

/// Longest answer shown in a list of entries, in characters.
const ANSWER_CHARS: usize = 900;

pub(super) fn answer(engine: &Engine, topic: Option<&str>, ctx: &Context) -> Reply {
    let faq = engine.faq();
    if faq.entries.is_empty() {
        return Reply::message(
            CommandKind::Faq,
            Status::NotFound,
            "The organisers have not published an FAQ here yet. Ask me anyway: `/ask` answers from the programme \
             and the speakers. (Organisers add one with `/faq import <url>`.)",
        );
    }
    match topic.map(str::trim).filter(|t| !t.is_empty()) {
        None => questions(engine),
        Some(topic) => on_topic(engine, topic, ctx),
    }
}

/// Every question, under the section it sits in.
fn questions(engine: &Engine) -> Reply {
    let faq = engine.faq();
    let mut sections: Vec<(String, Vec<&str>)> = Vec::new();
    for entry in &faq.entries {
        let section = entry.section.clone().unwrap_or_else(|| String::from("Questions"));
        match sections.iter_mut().find(|(name, _)| *name == section) {
            Some((_, questions)) => questions.push(&entry.question),
            None => sections.push((section, vec![&entry.question])),
        }
    }
    let mut reply = Reply::new(CommandKind::Faq, Status::Ok);
    reply.title = Some(format!("The organisers' FAQ: {} questions", faq.entries.len()));
    reply.body = String::from("Ask me any of them, or `/faq <topic>` for the answers on a topic (`/faq tickets`).");
    reply.fields = sections
        .into_iter()
        .map(|(name, questions)| Field {
            name,
            value: questions.iter().map(|q| format!("• {q}")).collect::<Vec<_>>().join("\n"),
        })
        .collect();
    reply.sources.push(faq_source());
    reply.result_count = faq.entries.len();
    reply
}

/// The entries on `topic`, with their answers.
fn on_topic(engine: &Engine, topic: &str, ctx: &Context) -> Reply {
    let phase = engine.phase(ctx.now);
    let faq = engine.faq();
    let found = engine.faq_index().on_topic(topic, faq);
    if found.is_empty() {
        let mut sections: Vec<&str> = faq.entries.iter().filter_map(|e| e.section.as_deref()).collect();
        sections.dedup();
        let hint = if sections.is_empty() {
            String::from("`/faq` lists its questions.")
        } else {
            format!("Its sections: {}; `/faq` lists every question.", sections.join(", "))
        };
        return Reply::message(CommandKind::Faq, Status::NotFound, format!("The FAQ has nothing on “{topic}”. {hint}"));
    }
    let mut reply = Reply::new(CommandKind::Faq, Status::Ok);
    reply.title = Some(match found.len() {
        1 => format!("The FAQ on {topic}"),
        n => format!("The FAQ on {topic}: {n} entries"),
    });
    reply.fields = found
        .iter()
        .take(SHOWN)
        .map(|&i| {
            let entry = &faq.entries[i];
            let answer = crate::faq::in_force(&entry.answer, phase);
            Field { name: entry.question.clone(), value: crate::text::truncate_words(&answer, ANSWER_CHARS) }
        })
        .collect();
    if found.len() > SHOWN {
        let more: Vec<String> = found[SHOWN..].iter().map(|&i| format!("“{}”", faq.entries[i].question)).collect();
        reply.body = format!("Also on {topic}: {}.", more.join(", "));
    }
    reply.sources.push(faq_source());
    reply.result_count = found.len();
    reply
}

fn faq_source() -> Source {
    Source { kind: SourceKind::Faq, title: String::from("The organisers' FAQ"), speaker: None, at: None, url: None }
}
