//! Questions about people and what they said, answered by meaning: the
//! biographies' sentences, the transcripts' passages and the sessions'
//! abstracts are found both by the question's words (BM25) and by what it
//! means (the embedding model, over each passage and the interviewer's
//! question it answers), and each candidate is scored by both:
//!
//! - how much of the question's content it holds, each word weighed by how
//!   rare it is in the knowledge base (a word it lacks counts against it);
//! - how near in meaning it is, on the scale the model gives paraphrases.
//!
//! A candidate that lacks what the question asks for (`answers.rs`: a
//! date for `when`, a place for `where`, a name for `which university`)
//! counts for half. The best is the answer when its
//! score clears the threshold, [`crate::tuning::CONFIDENT`], set on the tuning
//! half of the attendee question set (see the tests).

use super::answers::{self, Slot};
use super::question::{Intent, Question, Role};
use crate::command::CommandKind;
use crate::engine::{Context, Engine};
use crate::index::{DocKind, Filter, Hit, KnowledgeIndex, Target, stems};
use crate::reply::{Reply, Source, SourceKind, Status};
use crate::semantic::{Embedding, StaticModel};
use crate::text;
use crate::tuning::{
    ASKS, LEXICAL, MEANING, MOSTLY, NAME_WEIGHT, NEAR, NEAR_WORD, PER_KIND, PREFERRED_KIND, RESCORED, SOFT_MIN, UNFIT,
    UNRELATED,
};

/// A scored candidate answer.
#[derive(Debug, Clone)]
pub(super) struct Candidate<'i> {
    pub target: &'i Target,
    pub hit: Hit,
    pub score: f32,
    source: SourceDoc,
}

/// A content word of the question, with the terms the index holds for it.
struct Asked {
    /// How much finding it says: its rarity in the knowledge base.
    weight: f32,
    /// Stemmed terms that stand for it, each with how sure (1: itself).
    terms: Vec<(String, f32)>,
    /// What the word means, to find a word said differently in a passage.
    meaning: Embedding,
}

/// Rule: the best answer the knowledge holds, with its score.
pub(super) fn rule(a: &super::asked::Asked<'_>) -> Option<super::asked::Answered> {
    best(a.engine, a.index, a.q, a.ctx).map(|(reply, score)| super::asked::Answered { reply, score: Some(score) })
}

/// The best answer the knowledge holds, with its score; `None` when
/// nothing holds any of the question.
pub(super) fn best(engine: &Engine, index: &KnowledgeIndex, q: &Question, ctx: &Context) -> Option<(Reply, f32)> {
    let person = q.person.and_then(|p| engine.directory.people.get(p));
    let speaker = person.and_then(|p| p.speaker);
    let content = q.terms();
    if content.is_empty() {
        if q.intent == Intent::HowOld
            && let Some(reply) = speaker.and_then(|s| age(engine, s, ctx))
        {
            return Some((reply, 1.0));
        }
        let person_index = q.person?;
        return matches!(q.intent, Intent::Who | Intent::Other | Intent::About)
            .then(|| (who_is(engine, speaker, person_index), 1.0));
    }
    // Someone the knowledge holds words of is searched for in their own;
    // anyone else by name, in everyone's.
    let own_words = speaker.is_some_and(|s| has_material(engine, s));
    let speaker_id = person.filter(|_| own_words).map(|p| text::slug(&p.name));
    let words: Vec<&str> = if own_words || q.by_pronoun {
        q.content_words().map(|(_, w)| w).collect()
    } else {
        q.words_with(&[Role::Content, Role::Name]).map(|(_, w)| w).collect()
    };
    let asked = asked(index, &words, speaker_id.as_deref());
    let query = StaticModel::embedded().ok().map(|model| model.encode(&q.content_text()));
    let candidates = candidates(engine, index, q, &asked, speaker_id.as_deref(), query.as_ref());
    let best = candidates.first()?.clone();
    let support = candidates.iter().find(|c| c.source != best.source && c.score >= crate::tuning::CONFIDENT).cloned();
    let targets: Vec<&Target> = std::iter::once(best.target).chain(support.map(|c| c.target)).collect();
    let terms: Vec<String> = asked.iter().flat_map(|a| a.terms.iter().map(|(t, _)| t.clone())).collect();
    let reply = compose(engine, index, &targets, &terms, q.intent);
    Some((reply, best.score))
}

/// Whether a speaker has a biography or quotes.
fn has_material(engine: &Engine, speaker: usize) -> bool {
    let s = &engine.kb.speakers[speaker];
    s.source.is_some() || !s.summary.is_empty() || engine.kb.spoken_in.get(speaker).is_some_and(|t| !t.is_empty())
}

/// Each content word with its rarity and the terms the index holds for it:
/// the word itself, or for a word the documents searched lack (the
/// speaker's own when `speaker` is given), the words it may have meant.
fn asked(index: &KnowledgeIndex, words: &[&str], speaker: Option<&str>) -> Vec<Asked> {
    let mut asked: Vec<Asked> = Vec::new();
    for word in words {
        for stem in stems(word) {
            if asked.iter().any(|a| a.terms.first().is_some_and(|(t, _)| *t == stem)) {
                continue;
            }
            // A name says what the question is about; the words around it
            // are often said another way in the answer.
            let weight = index.idf(&stem) * if index.is_name(word) { NAME_WEIGHT } else { 1.0 };
            let mut terms = vec![(stem.clone(), 1.0)];
            let in_scope = index.search_terms(std::slice::from_ref(&stem), Filter { kind: None, speaker }, 1);
            if in_scope.is_empty() {
                terms.extend(index.alternatives(word, NEAR_WORD));
            }
            let meaning = StaticModel::embedded().map(|m| m.encode(word)).unwrap_or_default();
            asked.push(Asked { weight, terms, meaning });
        }
    }
    asked
}

/// Every candidate from both searches, scored, best first.
fn candidates<'i>(
    engine: &Engine,
    index: &'i KnowledgeIndex,
    q: &Question,
    asked: &[Asked],
    speaker: Option<&str>,
    query: Option<&Embedding>,
) -> Vec<Candidate<'i>> {
    let terms: Vec<String> = asked.iter().flat_map(|a| a.terms.iter().map(|(t, _)| t.clone())).take(64).collect();
    let mut hits: Vec<Hit> = Vec::new();
    for kind in DocKind::ALL {
        hits.extend(index.search_terms(&terms, Filter { kind: Some(kind), speaker }, PER_KIND));
        if let Some(query) = query {
            for (document, _) in index.nearest(kind, query, speaker, PER_KIND) {
                if let Some(hit) = index.hit(kind, document)
                    && !hits.iter().any(|h| h.kind() == kind && h.target == document)
                {
                    hits.push(hit);
                }
            }
        }
    }
    let total: f32 = asked.iter().map(|a| a.weight).sum::<f32>().max(f32::EPSILON);
    let held = index.terms_held(&hits, &terms);
    let slot = answers::slot(q);
    let preferred = match q.intent {
        Intent::Opinion if q.person.is_some() => Some(DocKind::Quote),
        _ => None,
    };
    // First every candidate by the words it holds exactly and its meaning;
    // then the best few also by the words it says another way and by
    // whether it holds what is asked for, which cost more to find.
    let mut first: Vec<(f32, &Hit, u64)> = hits
        .iter()
        .zip(held)
        .map(|(hit, held)| {
            let covered: f32 = asked.iter().zip(bits(asked)).map(|(a, range)| a.weight * sure_of(a, held, range)).sum();
            (LEXICAL * covered / total + MEANING * meaning(index, hit, query), hit, held)
        })
        .collect();
    first.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.target.cmp(&b.1.target)));
    first.truncate(RESCORED);
    let meanings: Vec<Embedding> = asked.iter().map(|a| a.meaning.clone()).collect();
    let mut scored: Vec<Candidate<'i>> = first
        .into_iter()
        .filter_map(|(_, hit, held)| {
            let target = index.document(hit.kind(), hit.target)?;
            let text = target_text(engine, target);
            // Only the words it does not hold as they are are looked for said another way.
            let missing: Vec<usize> = asked
                .iter()
                .zip(bits(asked))
                .enumerate()
                .filter(|(_, (a, range))| sure_of(a, held, range.clone()) < 1.0)
                .map(|(i, _)| i)
                .collect();
            let wanted: Vec<Embedding> = missing.iter().map(|&i| meanings[i].clone()).collect();
            let mut nearest = vec![0.0; asked.len()];
            for (&i, near) in missing.iter().zip(index.nearest_words(&text, &wanted)) {
                nearest[i] = near;
            }
            let softly: f32 = asked
                .iter()
                .zip(bits(asked))
                .zip(&nearest)
                .map(|((a, range), &near)| {
                    a.weight * sure_of(a, held, range).max(if near >= SOFT_MIN { near } else { 0.0 })
                })
                .sum();
            let mut score = LEXICAL * softly / total + MEANING * meaning(index, hit, query);
            if !fits(&slot, q, target, &text, &terms) {
                score *= UNFIT;
            }
            if text.trim_end().ends_with('?') {
                score *= ASKS;
            }
            if Some(hit.kind()) == preferred {
                score += PREFERRED_KIND;
            }
            Some(Candidate { target, hit: *hit, score, source: source_doc(engine, target) })
        })
        .collect();
    scored.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.hit.target.cmp(&b.hit.target)));
    scored
}

/// Each asked word's bits in a hit's terms held: its terms' places.
fn bits(asked: &[Asked]) -> Vec<std::ops::Range<usize>> {
    let mut at = 0;
    asked
        .iter()
        .map(|a| {
            let range = at..at + a.terms.len();
            at = range.end;
            range
        })
        .collect()
}

/// How sure a document holds an asked word: the best of its terms it holds.
fn sure_of(asked: &Asked, held: u64, bits: std::ops::Range<usize>) -> f32 {
    asked
        .terms
        .iter()
        .zip(bits)
        .filter(|(_, bit)| *bit < 64 && held & (1 << bit) != 0)
        .map(|((_, s), _)| *s)
        .fold(0.0, f32::max)
}

/// How near in meaning a document is to the question, from 0 (unrelated)
/// to 1 (said another way).
fn meaning(index: &KnowledgeIndex, hit: &Hit, query: Option<&Embedding>) -> f32 {
    let cosine = query.and_then(|e| index.similarity(hit.kind(), hit.target, e)).unwrap_or(0.0);
    ((cosine - UNRELATED) / (NEAR - UNRELATED)).clamp(0.0, 1.0)
}

/// Whether a candidate holds the kind of answer the question wants
/// (see `answers.rs`); a session holds its own time, place and speakers.
fn fits(slot: &Slot, q: &Question, target: &Target, text: &str, terms: &[String]) -> bool {
    match target {
        Target::Session(_) if matches!(slot, Slot::Date | Slot::Place | Slot::Person) => true,
        Target::Quote(_) => answers::fills_near(slot, q, text, terms),
        _ => *slot != Slot::Quote && answers::fills_near(slot, q, text, terms),
    }
}

fn target_text<'a>(engine: &'a Engine, target: &'a Target) -> std::borrow::Cow<'a, str> {
    match target {
        Target::Quote(i) => engine.kb.quotes[*i].text.as_str().into(),
        Target::Bio(sentence) => sentence.text.as_str().into(),
        Target::Session(i) => crate::index::session_text(&engine.schedule.sessions[*i]).into(),
    }
}

/// Which document a candidate comes from, so that support comes from another.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SourceDoc {
    Transcript(usize),
    Bio(usize),
    Schedule,
}

fn source_doc(engine: &Engine, target: &Target) -> SourceDoc {
    match target {
        Target::Quote(i) => SourceDoc::Transcript(engine.kb.quotes[*i].transcript),
        Target::Bio(sentence) => SourceDoc::Bio(sentence.speaker),
        Target::Session(_) => SourceDoc::Schedule,
    }
}

/// The answer from one or two targets: a biography's sentence, a
/// transcript's passage (one to three sentences) as a quote, a session.
fn compose(engine: &Engine, index: &KnowledgeIndex, targets: &[&Target], terms: &[String], intent: Intent) -> Reply {
    let mut reply = Reply::new(CommandKind::Ask, Status::Ok);
    let mut paragraphs: Vec<String> = Vec::new();
    for target in targets {
        match target {
            Target::Bio(sentence) => {
                let speaker = &engine.kb.speakers[sentence.speaker];
                let title = speaker.source.as_ref().map(|s| s.title.clone()).unwrap_or_else(|| speaker.name.clone());
                paragraphs.push(sentence.text.clone());
                reply.sources.push(Source {
                    kind: SourceKind::Bio,
                    title,
                    speaker: Some(speaker.name.clone()),
                    at: sentence.section.clone(),
                    url: None,
                });
            }
            Target::Quote(i) => {
                let quote = &engine.kb.quotes[*i];
                let quoted = super::super::quote::quote_reply(engine, quote);
                let text = with_what_follows(engine, *i);
                if reply.quote.is_none() {
                    let mut block = quoted.quote.clone();
                    if let Some(block) = &mut block {
                        block.highlights = index.highlights(&text, terms, 0);
                        block.text = text;
                    }
                    reply.quote = block;
                } else {
                    let who = engine.kb.quote_speaker(quote).map_or("Someone", |s| engine.kb.speakers[s].name.as_str());
                    paragraphs.push(format!("{who} said: “{text}”"));
                }
                reply.sources.extend(quoted.sources);
            }
            Target::Session(i) => {
                let session = &engine.schedule.sessions[*i];
                // A time, place or person asked for is the session's own;
                // anything else its abstract may hold.
                let intent = match intent {
                    Intent::When | Intent::Day | Intent::Where | Intent::Who | Intent::HowLong | Intent::Track => {
                        intent
                    }
                    _ => Intent::About,
                };
                paragraphs.push(super::programme::sentence(engine, intent, session, None));
                reply.sessions.push(engine.session_item(session));
                reply.time_zone = Some(engine.schedule.conference.time_zone.clone());
                reply.sources.push(engine.schedule_source());
            }
        }
    }
    reply.body = paragraphs.join("\n\n");
    reply.result_count = targets.len();
    reply
}

/// Longest a quote grows to with the passage that follows it.
const LONGEST_QUOTE: usize = 600;

/// A passage with the passages around it in the same turn, while they
/// fit in [`LONGEST_QUOTE`]: the one after first, since an answer often
/// goes on past the words that match, then the one before.
fn with_what_follows(engine: &Engine, quote: usize) -> String {
    let quotes = &engine.kb.quotes;
    let this = &quotes[quote];
    let same_turn = |q: &crate::kb::Quote| q.transcript == this.transcript && q.line == this.line;
    let (mut from, mut to) = (quote, quote);
    let mut length = this.text.len();
    for next in [quote + 1, quote.wrapping_sub(1)] {
        let Some(other) = quotes.get(next).filter(|q| same_turn(q)) else { continue };
        if length + other.text.len() < LONGEST_QUOTE {
            length += other.text.len();
            from = from.min(next);
            to = to.max(next);
        }
    }
    quotes[from..=to].iter().map(|q| q.text.as_str()).collect::<Vec<_>>().join(" ")
}

/// "How old is Kelsey?": the age on the day asked, from the birth date.
fn age(engine: &Engine, speaker: usize, ctx: &Context) -> Option<Reply> {
    let speaker = &engine.kb.speakers[speaker];
    let born_text = speaker.fact("born")?;
    let born = jiff::fmt::strtime::parse("%B %d, %Y", born_text).ok()?.to_date().ok()?;
    let today = ctx.now.to_zoned(engine.schedule.conference.time_zone.clone()).date();
    let before_birthday = (today.month(), today.day()) < (born.month(), born.day());
    let years = today.year() - born.year() - i16::from(before_birthday);
    if years < 0 {
        return None;
    }
    let mut reply = Reply::new(CommandKind::Ask, Status::Ok);
    reply.body = format!("{} is {years}: born {born_text}.", speaker.name);
    reply.sources.push(bio_source(speaker));
    reply.result_count = 1;
    Some(reply)
}

fn bio_source(speaker: &crate::kb::Speaker) -> Source {
    let title = speaker.source.as_ref().map(|s| s.title.clone()).unwrap_or_else(|| speaker.name.clone());
    let kind = if speaker.source.is_some() { SourceKind::Bio } else { SourceKind::Transcript };
    Source { kind, title, speaker: Some(speaker.name.clone()), at: None, url: None }
}

/// "Who is Kelsey?": the first sentence of the summary; for someone known
/// only from the programme, their sessions.
fn who_is(engine: &Engine, speaker: Option<usize>, person: usize) -> Reply {
    let Some(speaker) = speaker.map(|s| &engine.kb.speakers[s]) else {
        let sessions = engine.sessions_of(person);
        let mut reply = Reply::new(CommandKind::Ask, Status::Ok);
        let name = &engine.directory.people[person].name;
        reply.body = format!("{name} speaks at {}.", engine.schedule.conference.title);
        reply.sessions = sessions.iter().map(|s| engine.session_item(s)).collect();
        reply.time_zone = Some(engine.schedule.conference.time_zone.clone());
        reply.sources.push(engine.schedule_source());
        reply.result_count = sessions.len();
        return reply;
    };
    let mut reply = Reply::new(CommandKind::Ask, Status::Ok);
    // What they do, for whom and where, then the first line of their biography.
    let lead = engine.profiles().lead(person);
    reply.body = match (text::sentences(&speaker.summary).next(), lead.is_empty()) {
        (Some(first), true) => first.to_string(),
        (Some(first), false) => format!("{}: {lead}.\n\n{first}", speaker.name),
        (None, false) => format!("{}: {lead}.", speaker.name),
        (None, true) => format!("{}: {}.", speaker.name, speaker.headline.as_deref().unwrap_or("a speaker")),
    };
    reply.sources.push(bio_source(speaker));
    reply.result_count = 1;
    reply
}

/// "I don't know", with what the bot does know about the question's
/// subject: the person it names, or the sessions and quotes that mention
/// its words.
pub(super) fn dont_know(engine: &Engine, index: &KnowledgeIndex, q: &Question) -> Reply {
    let asked = text::truncate_words(&q.typed, 120);
    let mut reply = Reply::message(CommandKind::Ask, Status::NotFound, String::new());
    let Some(person) = q.person.and_then(|p| engine.directory.people.get(p).map(|person| (p, person))) else {
        let terms = q.terms();
        let topic = q.content_text();
        // Documents that hold most of the question's words (by rarity).
        let weights: Vec<f32> = terms.iter().map(|t| index.idf(t)).collect();
        let total: f32 = weights.iter().sum::<f32>().max(f32::EPSILON);
        let mentions = |kind| {
            let hits = index.search_terms(&terms, Filter { kind: Some(kind), speaker: None }, MENTIONS);
            let held = index.terms_held(&hits, &terms);
            held.iter()
                .filter(|&&held| {
                    let covered: f32 =
                        weights.iter().enumerate().filter(|(i, _)| held & (1 << i) != 0).map(|(_, w)| w).sum();
                    covered / total >= MOSTLY
                })
                .count()
        };
        let (sessions, quotes) =
            if terms.is_empty() { (0, 0) } else { (mentions(DocKind::Session), mentions(DocKind::Quote)) };
        reply.body = match (sessions, quotes) {
            (0, 0) => format!(
                "I don't know the answer to “{asked}”: nothing I know covers it. Try /help to see what I can answer."
            ),
            _ => format!(
                "I don't know the answer to “{asked}”. What I have on {topic}: {}. Try `/talks {topic}` or `/quote {topic}`.",
                known_counts(&[(sessions, "session", "sessions"), (quotes, "quote", "quotes")])
            ),
        };
        return reply;
    };
    let (p, person) = person;
    let sessions = engine.sessions_by_person.get(p).map_or(0, Vec::len);
    let (facts, passages, transcripts) = match person.speaker.map(|s| &engine.kb.speakers[s]) {
        Some(speaker) => {
            let passages =
                engine.kb.quotes.iter().filter(|quote| engine.kb.quote_speaker(quote) == person.speaker).count();
            let transcripts = engine.kb.spoken_in.get(person.speaker.unwrap_or_default()).map_or(0, Vec::len);
            (speaker.facts.len() + usize::from(!speaker.summary.is_empty()), passages, transcripts)
        }
        None => (0, 0, 0),
    };
    let mut known = Vec::new();
    if facts > 0 {
        known.push("a biography".to_string());
    }
    if sessions > 0 {
        known.push(plural(sessions, "session", "sessions"));
    }
    if passages > 0 {
        known.push(format!(
            "{} from {}",
            plural(passages, "quote", "quotes"),
            plural(transcripts, "recording", "recordings")
        ));
    }
    let name = &person.name;
    let profile = super::people::known_of(engine, p).map(|k| format!(" {k}")).unwrap_or_default();
    reply.body = if known.is_empty() {
        format!("I don't know the answer to “{asked}”.{profile}")
    } else {
        format!(
            "I don't know the answer to “{asked}”.{profile} About {name} I have {}: try `/bio {name}` or `/quote <topic> speaker:\"{name}\"`.",
            join(&known)
        )
    };
    reply
}

fn known_counts(counts: &[(usize, &str, &str)]) -> String {
    let parts: Vec<String> = counts
        .iter()
        .filter(|(n, _, _)| *n > 0)
        .map(|&(n, one, many)| if n >= MENTIONS { format!("{n} or more {many}") } else { plural(n, one, many) })
        .collect();
    join(&parts)
}

/// Most mentions counted for "what I have on X".
const MENTIONS: usize = 50;

fn plural(n: usize, one: &str, many: &str) -> String {
    if n == 1 { format!("1 {one}") } else { format!("{n} {many}") }
}

fn join(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}
