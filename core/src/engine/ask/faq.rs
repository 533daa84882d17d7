//! Questions the organisers' FAQ answers, answered in their own words:
//! the entry that answers the question best, when it answers well enough
//! ([`crate::tuning::FAQ_CONFIDENT`]), its answer given whole (or its
//! first paragraph, for a long one) and the entry named; for an answer
//! that changes with the day, the one in force ([`crate::faq::in_force`]).

use super::asked::Asked;
use crate::command::CommandKind;
use crate::faq::{answering_part, in_force};
use crate::reply::{Reply, Source, SourceKind, Status};
use crate::tuning::{FAQ_CONFIDENT, FAQ_SURE};

/// An answer longer than this, in characters, is given by its first
/// paragraph: a chat reply, not the page.
const LONGEST: usize = 700;

/// Rule: the FAQ entry that answers the question. A question about
/// people — one named or referred back to, someone no one knows, who has
/// a role or works somewhere — is not one for the FAQ, which is about the
/// event: its words may still be near an entry's (`who works for AWS`
/// and the sponsors' entry).
pub(super) fn entry(a: &Asked<'_>) -> Option<Reply> {
    let links = a.links;
    let about_people = links.person.is_some() || links.who.is_some() || super::people::stranger_named(a).is_some();
    if about_people {
        return None;
    }
    answer(a, FAQ_CONFIDENT)
}

/// Rule: the FAQ entry a question asks in the entry's own words, or all
/// but: the organisers' answer to their own question, whatever a word of
/// it names on the programme or among the people (`are the sessions
/// recorded` is not a topic, `are speaker mentors available` not a role).
/// Not when the question names a person, whose facts come first.
pub(super) fn own_entry(a: &Asked<'_>) -> Option<Reply> {
    if a.links.person.is_some() {
        return None;
    }
    answer(a, FAQ_SURE)
}

/// The best entry's answer, when it scores at least `least`.
fn answer(a: &Asked<'_>, least: f32) -> Option<Reply> {
    let faq = a.engine.faq();
    if faq.entries.is_empty() {
        return None;
    }
    let (best, score) = a.engine.faq_index().ranked(&a.q.typed).into_iter().next()?;
    if score < least {
        return None;
    }
    let entry = &faq.entries[best];
    let (answer, cut) = answering_part(&in_force(&entry.answer, a.engine.phase(a.ctx.now)), LONGEST);
    let mut reply = Reply::new(CommandKind::Ask, Status::Ok);
    reply.body = format!("{answer}{}", if cut { " (The FAQ says more: `/faq`.)" } else { "" });
    reply.sources.push(Source {
        kind: SourceKind::Faq,
        title: format!("FAQ: {}", entry.question),
        speaker: None,
        at: entry.section.clone(),
        url: None,
    });
    reply.result_count = 1;
    Some(reply)
}
