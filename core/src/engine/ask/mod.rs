//! `/ask <question>`: the best sentence, quote or session for a free-text
//! question, with its source; or a plain "I don't know".
//!
//! 1. Find the person the question names, if any, and what kind of answer
//!    it wants from its cue words (when → a date, where → a place, a
//!    keynote → a session, "think about" → their own words).
//! 2. Search sentences of biographies, passages of transcripts and sessions
//!    for the question's content words, within that person's material.
//! 3. Score each candidate by how much of the question it covers, weighing
//!    each word by how rare it is in the knowledge base, and by whether it
//!    has the kind of answer the cue asks for.
//! 4. Answer with the best one when it clears [`CONFIDENT`], and add the best
//!    candidate from another document when it also answers: one source can
//!    lack a fact another holds. Below the threshold, say so.

use std::collections::HashSet;
use std::sync::LazyLock;

use super::{Context, Engine};
use crate::command::CommandKind;
use crate::index::{DocKind, Filter, Hit, KnowledgeIndex, Target, stems};
use crate::reply::{Reply, Source, SourceKind, Status};
use crate::text;

/// Lowest score an answer needs.
pub(super) const CONFIDENT: f32 = 0.65;
/// Added to candidates of the kind the question asks for.
const PREFERRED_KIND_BONUS: f32 = 0.05;
/// How many candidates of each kind are scored.
const CANDIDATES_PER_KIND: usize = 8;

/// Words that carry no content in a question.
const STOPWORDS: &[&str] = &[
    "a",
    "about",
    "after",
    "all",
    "also",
    "an",
    "and",
    "any",
    "are",
    "as",
    "at",
    "be",
    "been",
    "before",
    "being",
    "by",
    "can",
    "could",
    "did",
    "do",
    "does",
    "doing",
    "for",
    "from",
    "get",
    "give",
    "go",
    "had",
    "has",
    "have",
    "he",
    "her",
    "hers",
    "him",
    "his",
    "how",
    "i",
    "if",
    "in",
    "into",
    "is",
    "it",
    "its",
    "kind",
    "know",
    "like",
    "me",
    "much",
    "my",
    "of",
    "on",
    "one",
    "or",
    "our",
    "please",
    "say",
    "said",
    "says",
    "she",
    "should",
    "so",
    "some",
    "tell",
    "than",
    "that",
    "the",
    "their",
    "them",
    "then",
    "there",
    "these",
    "they",
    "think",
    "thinks",
    "thought",
    "this",
    "those",
    "to",
    "us",
    "was",
    "we",
    "were",
    "what",
    "whats",
    "when",
    "where",
    "which",
    "who",
    "whom",
    "whose",
    "why",
    "will",
    "with",
    "would",
    "you",
    "your",
    "feel",
    "feels",
    "opinion",
    "view",
    "views",
    "believe",
    "believes",
    "s",
    "t",
    "mr",
    "ms",
    "way",
    "thing",
    "things",
    "really",
    "ever",
    "still",
    "now",
    "currently",
    "today",
    "actually",
    "himself",
    "herself",
    "themselves",
    "myself",
    "yourself",
    "since",
];
/// Words that ask for a session.
const SESSION_WORDS: &[&str] = &[
    "keynote",
    "talk",
    "talks",
    "session",
    "sessions",
    "speak",
    "speaking",
    "speaks",
    "stage",
    "schedule",
    "scheduled",
    "presentation",
    "presenting",
    "present",
    "workshop",
    "panel",
    "room",
    "on",
];
/// Words that ask for someone's own view.
const OPINION_WORDS: &[&str] =
    &["think", "thinks", "feel", "feels", "opinion", "view", "views", "believe", "believes", "say", "says", "said"];

static STOP_STEMS: LazyLock<HashSet<String>> = LazyLock::new(|| stem_set(STOPWORDS));
static SESSION_STEMS: LazyLock<HashSet<String>> = LazyLock::new(|| stem_set(SESSION_WORDS));

fn stem_set(words: &[&str]) -> HashSet<String> {
    words.iter().flat_map(|word| stems(word)).collect()
}

/// What kind of answer the question asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cue {
    When,
    Where,
    Who,
    HowMany,
    HowMuch,
    Opinion,
    Other,
}

fn cue_of(words: &[&str]) -> Cue {
    let has = |w: &str| words.contains(&w);
    if has("when") || has("year") || (has("what") && (has("date") || has("day"))) {
        Cue::When
    } else if has("where") {
        Cue::Where
    } else if has("who") || has("whom") {
        Cue::Who
    } else if has("how") && has("much") {
        Cue::HowMuch
    } else if (has("how") && (has("old") || has("many") || has("long"))) || has("age") {
        Cue::HowMany
    } else if OPINION_WORDS.iter().any(|w| has(w)) {
        Cue::Opinion
    } else {
        Cue::Other
    }
}

/// One scored candidate answer.
#[derive(Debug, Clone)]
struct Candidate {
    hit: Hit,
    score: f32,
    source_doc: SourceDoc,
}

pub(super) fn answer(engine: &Engine, index: &KnowledgeIndex, question: &str, ctx: &Context) -> Reply {
    let folded = text::fold(question);
    let words: Vec<&str> = folded.split(' ').collect();
    let cue = cue_of(&words);
    let person_index = engine.directory.mentioned_in(question).first().copied();
    let person = person_index.map(|p| &engine.directory.people[p]);
    let name_stems: HashSet<String> = person.map(|p| p.stems.iter().cloned().collect()).unwrap_or_default();
    let asks_session = words.iter().any(|w| SESSION_WORDS.contains(w) && *w != "on");
    let mut terms: Vec<String> = Vec::new();
    for term in stems(question) {
        if !STOP_STEMS.contains(&term) && !name_stems.contains(&term) && !terms.contains(&term) {
            terms.push(term);
        }
    }

    let asks_age = cue == Cue::HowMany && (words.contains(&"old") || words.contains(&"age"));
    if asks_age && let Some(reply) = person.and_then(|p| p.speaker).and_then(|s| age(engine, s, ctx)) {
        return reply;
    }
    if asks_session {
        let topical: Vec<String> = terms.iter().filter(|t| !SESSION_STEMS.contains(*t)).cloned().collect();
        if topical.is_empty()
            && let Some(person) = person_index
        {
            let sessions = engine.sessions_of(person);
            if !sessions.is_empty() {
                return session_answer(engine, &sessions);
            }
        }
    }
    if terms.is_empty() {
        return match person {
            Some(person) if matches!(cue, Cue::Who | Cue::Other) => {
                who_is(engine, person.speaker, person_index.unwrap_or_default())
            }
            _ => dont_know(question, person.map(|p| p.name.as_str())),
        };
    }

    let speaker_id = person.map(|p| crate::text::slug(&p.name));
    let kind = if asks_session {
        Some(DocKind::Session)
    } else if cue == Cue::Opinion && person.is_some() {
        Some(DocKind::Quote)
    } else {
        None
    };
    // Each kind is searched on its own so that none crowds out another.
    let mut hits = Vec::new();
    for each in [DocKind::Quote, DocKind::Bio, DocKind::Session] {
        let filter = Filter { kind: Some(each), speaker: speaker_id.as_deref() };
        hits.extend(index.search_terms(&terms, filter, CANDIDATES_PER_KIND));
    }
    let weights: Vec<f32> = terms.iter().map(|t| index.idf(t)).collect();
    let total: f32 = weights.iter().sum();
    let held = index.terms_held(&hits, &terms);
    let top_bm25 = hits.iter().map(|h| h.score).fold(f32::EPSILON, f32::max);
    let mut candidates: Vec<Candidate> = hits
        .iter()
        .zip(held)
        .filter_map(|(hit, held)| Some((hit, held, index.target(hit)?)))
        .map(|(hit, held, target)| {
            let covered: f32 = weights.iter().enumerate().filter(|(i, _)| held & (1 << i) != 0).map(|(_, w)| w).sum();
            let mut score = covered / total;
            if !cue_fits(cue, target, &target_text(engine, target)) {
                score *= 0.5;
            }
            if Some(target.kind()) == kind {
                score += PREFERRED_KIND_BONUS;
            }
            // BM25, with the preference for quotes that say something, only breaks near-ties.
            score += 0.05 * super::quote::with_length(engine, index, hit) / top_bm25;
            Candidate { hit: *hit, score, source_doc: source_doc(engine, target) }
        })
        .collect();
    candidates.sort_by(|a, b| b.score.total_cmp(&a.score));
    let Some(best) = candidates.first().filter(|c| c.score >= CONFIDENT).cloned() else {
        return dont_know(question, person.map(|p| p.name.as_str()));
    };
    let support = candidates.iter().find(|c| c.source_doc != best.source_doc && c.score >= CONFIDENT).cloned();
    let targets: Vec<&Target> =
        std::iter::once(&best).chain(support.as_ref()).filter_map(|c| index.target(&c.hit)).collect();
    compose(engine, index, &targets, &terms, cue == Cue::Opinion)
}

/// Whether a candidate holds the kind of answer the cue asks for.
fn cue_fits(cue: Cue, target: &Target, text: &str) -> bool {
    match cue {
        Cue::When => matches!(target, Target::Session(_)) || has_date(text),
        Cue::HowMany => {
            text.chars().any(|c| c.is_ascii_digit())
                || text
                    .split(|c: char| !c.is_alphabetic())
                    .any(|w| NUMBER_WORDS.contains(&w.to_ascii_lowercase().as_str()))
        }
        Cue::HowMuch => {
            text.contains(['$', '€', '£', '%'])
                || text
                    .split(|c: char| !c.is_alphabetic())
                    .any(|w| MONEY_WORDS.contains(&w.to_ascii_lowercase().as_str()))
        }
        Cue::Where => matches!(target, Target::Session(_)) || has_place(text),
        Cue::Who => matches!(target, Target::Session(_)) || has_proper_noun(text),
        Cue::Opinion => matches!(target, Target::Quote(_)),
        Cue::Other => true,
    }
}

const NUMBER_WORDS: &[&str] =
    &["one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "twenty", "hundred"];
const MONEY_WORDS: &[&str] =
    &["dollars", "euros", "pounds", "percent", "salary", "price", "cost", "costs", "usd", "eur"];
const MONTHS: &[&str] = &[
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

fn has_date(text: &str) -> bool {
    let has_year =
        text.split(|c: char| !c.is_ascii_digit()).any(|d| d.len() == 4 && (d.starts_with("19") || d.starts_with("20")));
    has_year || MONTHS.iter().any(|m| text.contains(m))
}

/// A place or an organisation: a capitalised word after `in`, `at`, `from`,
/// `to`, `near` or `for` that is not a month or a weekday (`in Long
/// Beach`, `for Google`).
fn has_place(text: &str) -> bool {
    const DAYS: &[&str] = &["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];
    let words: Vec<&str> = text.split_whitespace().collect();
    words.windows(2).any(|pair| {
        let name = pair[1].trim_matches(|c: char| !c.is_alphanumeric());
        ["in", "at", "from", "to", "near", "for"].contains(&pair[0].to_ascii_lowercase().as_str())
            && name.chars().next().is_some_and(char::is_uppercase)
            && !MONTHS.contains(&name)
            && !DAYS.contains(&name)
            && name != "I"
    })
}

/// A capitalised word that does not start a sentence.
fn has_proper_noun(text: &str) -> bool {
    let mut after_stop = true;
    for word in text.split_whitespace() {
        let pronoun = word == "I" || word.starts_with("I'") || word.starts_with("I’");
        if !after_stop && word.chars().next().is_some_and(char::is_uppercase) && !pronoun {
            return true;
        }
        after_stop = word.ends_with(['.', '!', '?', ':']);
    }
    false
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

/// The answer from one or two targets.
/// A question asking for someone's view gets the whole passage; any other
/// gets the passage's sentence that answers it.
fn compose(engine: &Engine, index: &KnowledgeIndex, targets: &[&Target], terms: &[String], whole: bool) -> Reply {
    let mut reply = Reply::new(CommandKind::Ask, Status::Ok);
    let mut paragraphs: Vec<String> = Vec::new();
    for target in targets {
        match target {
            Target::Bio(sentence) => {
                let speaker = &engine.kb.speakers[sentence.speaker];
                paragraphs.push(sentence.text.clone());
                let title = speaker.source.as_ref().map(|s| s.title.clone()).unwrap_or_else(|| speaker.name.clone());
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
                let quoted = super::quote::quote_reply(engine, quote);
                let text = if whole { quote.text.clone() } else { best_sentence(&quote.text, terms).to_string() };
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
                let mut answered = session_answer(engine, &[session]);
                reply.sessions.append(&mut answered.sessions);
                reply.time_zone = answered.time_zone.take();
                reply.sources.append(&mut answered.sources);
            }
        }
    }
    reply.body = paragraphs.join("\n\n");
    reply.result_count = targets.len();
    reply
}

/// The shortest run of one or two sentences of `passage` that holds the
/// most of `terms`; the earliest on a tie.
fn best_sentence<'a>(passage: &'a str, terms: &[String]) -> &'a str {
    let ranges = text::sentence_ranges(passage);
    let held: Vec<Vec<bool>> = ranges
        .iter()
        .map(|r| {
            let words = stems(&passage[r.clone()]);
            terms.iter().map(|t| words.contains(t)).collect()
        })
        .collect();
    let mut best = (0, 0..passage.len());
    for width in 1..=2 {
        for start in 0..ranges.len().saturating_sub(width - 1) {
            let window = &held[start..start + width];
            let count = (0..terms.len()).filter(|&t| window.iter().any(|s| s[t])).count();
            if count > best.0 {
                best = (count, ranges[start].start..ranges[start + width - 1].end);
            }
        }
    }
    passage[best.1].trim()
}

/// The sessions that answer the question; every renderer shows when and where.
fn session_answer(engine: &Engine, sessions: &[&crate::schedule::Session]) -> Reply {
    let zone = &engine.schedule.conference.time_zone;
    let mut reply = Reply::new(CommandKind::Ask, Status::Ok);
    reply.sessions = sessions.iter().map(|s| engine.session_item(s)).collect();
    reply.time_zone = Some(zone.clone());
    reply.sources.push(engine.schedule_source());
    reply.result_count = sessions.len();
    reply
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
    let title = speaker.source.as_ref().map(|s| s.title.clone()).unwrap_or_else(|| speaker.name.clone());
    reply.sources.push(Source {
        kind: SourceKind::Bio,
        title,
        speaker: Some(speaker.name.clone()),
        at: None,
        url: None,
    });
    reply.result_count = 1;
    Some(reply)
}

/// "Who is Kelsey?": the headline and the first sentence of the summary.
fn who_is(engine: &Engine, speaker: Option<usize>, person: usize) -> Reply {
    let Some(speaker) = speaker.map(|s| &engine.kb.speakers[s]) else {
        let sessions = engine.sessions_of(person);
        return session_answer(engine, &sessions);
    };
    let mut reply = Reply::new(CommandKind::Ask, Status::Ok);
    reply.body = match text::sentences(&speaker.summary).next() {
        Some(first) => first.to_string(),
        None => format!("{}: {}.", speaker.name, speaker.headline.as_deref().unwrap_or("a speaker")),
    };
    let title = speaker.source.as_ref().map(|s| s.title.clone()).unwrap_or_else(|| speaker.name.clone());
    let kind = if speaker.source.is_some() { SourceKind::Bio } else { SourceKind::Transcript };
    reply.sources.push(Source { kind, title, speaker: Some(speaker.name.clone()), at: None, url: None });
    reply.result_count = 1;
    reply
}

fn dont_know(question: &str, person: Option<&str>) -> Reply {
    let hint = match person {
        Some(name) => format!(" Try `/bio {name}` or `/quote <topic> speaker:\"{name}\"`."),
        None => String::from(" Try /help to see what I can answer."),
    };
    Reply::message(
        CommandKind::Ask,
        Status::NotFound,
        format!(
            "I don't know the answer to “{}”: nothing I know covers it.{hint}",
            text::truncate_words(question.trim(), 120)
        ),
    )
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
            Kelsey Hightower — Born: February 27, 1981."#]],
        );
        check(
            "/ask Who is Kelsey Hightower?",
            expect![[r#"
            [ok]
            Kelsey Hightower (born February 27, 1981) is an American software engineer, developer advocate, and speaker known for his work with Kubernetes, open-source software, and cloud computing."#]],
        );
        check(
            "How old is Kelsey?",
            expect![[r#"
            [ok]
            Kelsey Hightower is 41: born February 27, 1981."#]],
        );
    }

    #[test]
    fn answers_with_a_quote() {
        check(
            "What does Kelsey think about Wasm?",
            expect![[r#"
            [ok]
            “And so maybe, just maybe *Wasm* might be the thing that fulfils that right once run anywhere promise that Java made so long ago.”
            — Kelsey Hightower, DevOps Sauna: Kelsey Hightower (29:58) <https://www.eficode.com/devops-podcast/kelsey-hightower>"#]],
        );
    }

    #[test]
    fn answers_from_the_schedule() {
        check(
            "When is the supply chain keynote?",
            expect![[r#"
            [ok]
            Tue 1 Nov 09:15–10:00 CET · Main Stage · Keynote: Software supply chain security — Kelsey Hightower"#]],
        );
        check(
            "When is Kelsey's talk?",
            expect![[r#"
            [ok]
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

            “I also gave a keynote at that conference, and also came up with this *open*-*source* *project* called confd.”
            — Kelsey Hightower, DevOps Sauna: Kelsey Hightower (04:26) <https://www.eficode.com/devops-podcast/kelsey-hightower>"#]],
        );
    }

    #[test]
    fn says_it_does_not_know() {
        check(
            "What is Kelsey's favorite food?",
            expect![[r#"
            [not_found]
            I don't know the answer to “What is Kelsey's favorite food?”: nothing I know covers it. Try `/bio Kelsey Hightower` or `/quote <topic> speaker:"Kelsey Hightower"`."#]],
        );
        check(
            "Who won the 2018 World Cup?",
            expect![[r#"
            [not_found]
            I don't know the answer to “Who won the 2018 World Cup?”: nothing I know covers it. Try /help to see what I can answer."#]],
        );
    }
}
