//! `/quote [topic] [speaker:<name>]`: the best matching passage from the
//! transcripts, with speaker, source, time and the matched words; a random
//! quotable passage when no topic is given.

use super::{Context, Engine};
use crate::command::CommandKind;
use crate::index::{DocKind, Filter, KnowledgeIndex, Target};
use crate::kb::Quote;
use crate::reply::{QuoteBlock, Reply, Source, SourceKind, Status};
use crate::tuning::{QUOTE_RERANKED, QUOTE_SHORTNESS, QUOTE_WORDS};

/// A random quote is drawn from passages at least this long, when there are any.
pub(super) const RANDOM_MIN_WORDS: usize = 12;

pub(super) fn answer(
    engine: &Engine,
    index: &KnowledgeIndex,
    topic: Option<&str>,
    speaker: Option<&str>,
    nth: usize,
    ctx: &Context,
) -> Reply {
    let speaker = match speaker {
        None => None,
        Some(query) => {
            let person = match engine.resolve_person(CommandKind::Quote, query) {
                Ok(person) => &engine.directory.people[person],
                Err(reply) => return *reply,
            };
            match person.speaker.filter(|&s| engine.random_pool.by_speaker.contains_key(&s)) {
                Some(speaker) => Some(speaker),
                None => {
                    return Reply::message(
                        CommandKind::Quote,
                        Status::NotFound,
                        format!("I have no quotes from {} yet.", person.name),
                    );
                }
            }
        }
    };
    let Some(topic) = topic else {
        return random(engine, speaker, ctx);
    };
    let filter = Filter { kind: Some(DocKind::Quote), speaker: speaker.map(|s| engine.kb.speakers[s].id.as_str()) };
    let found = index.search(topic, filter, QUOTE_RERANKED);
    let mut ranked: Vec<_> = found.hits.iter().map(|hit| (with_length(engine, index, hit), hit)).collect();
    ranked.sort_by(|a, b| b.0.total_cmp(&a.0));
    // The nth best, going round again after the last.
    let Some((_, best)) = ranked.get(nth.checked_rem(ranked.len()).unwrap_or(0)) else {
        let whose = speaker.map(|s| format!(" from {}", engine.kb.speakers[s].name)).unwrap_or_default();
        return Reply::message(
            CommandKind::Quote,
            Status::NotFound,
            format!("I have no quote{whose} about “{topic}”."),
        );
    };
    let Some(Target::Quote(q)) = index.target(best) else {
        return Reply::message(CommandKind::Quote, Status::Error, super::INTERNAL_ERROR);
    };
    let terms = crate::index::stems(topic);
    let quote = &engine.kb.quotes[*q];
    let mut reply = quote_reply(engine, quote);
    if let Some(block) = &mut reply.quote {
        block.highlights = index.highlights(&quote.text, &terms, found.typos);
    }
    reply.result_count = found.hits.len();
    reply
}

/// BM25 favours short passages; a quote worth sharing says something, so
/// passages under about 40 words give up a little of their score.
pub(super) fn with_length(engine: &Engine, index: &KnowledgeIndex, hit: &crate::index::Hit) -> f32 {
    let words = match index.target(hit) {
        Some(Target::Quote(q)) => engine.kb.quotes[*q].words,
        _ => 0,
    };
    hit.score * (words.min(QUOTE_WORDS) as f32 / QUOTE_WORDS as f32).powf(QUOTE_SHORTNESS)
}

fn random(engine: &Engine, speaker: Option<usize>, ctx: &Context) -> Reply {
    let pool = match speaker {
        Some(s) => engine.random_pool.by_speaker.get(&s).map(Vec::as_slice).unwrap_or(&[]),
        None => engine.random_pool.all.as_slice(),
    };
    if pool.is_empty() {
        return Reply::message(CommandKind::Quote, Status::NotFound, "I have no quotes to share yet.");
    }
    // Spread the seed's bits so that neighbouring seeds pick distant quotes.
    let mixed = ctx.seed.wrapping_mul(0x9E37_79B9_7F4A_7C15).rotate_left(29);
    let quote = &engine.kb.quotes[pool[(mixed % pool.len() as u64) as usize]];
    let mut reply = quote_reply(engine, quote);
    reply.result_count = 1;
    reply
}

/// The reply showing one quote and citing its transcript, linked to the
/// moment of the recording it was said at.
pub(super) fn quote_reply(engine: &Engine, quote: &Quote) -> Reply {
    let speaker = engine.kb.quote_speaker(quote).map(|s| engine.kb.speakers[s].name.clone());
    let url = engine.moment_url(quote);
    let title = engine.transcript_title(quote.transcript).to_string();
    let source = match (&speaker, engine.recorded_session(quote.transcript)) {
        (None, Some(session)) => format!("the session “{}”", session.title),
        _ => title.clone(),
    };
    let mut reply = Reply::new(CommandKind::Quote, Status::Ok);
    reply.quote = Some(QuoteBlock {
        text: quote.text.clone(),
        speaker: speaker.clone(),
        source,
        at: Some(quote.at_label.clone()),
        url: url.clone(),
        highlights: Vec::new(),
    });
    reply.sources.push(Source { kind: SourceKind::Transcript, title, speaker, at: Some(quote.at_label.clone()), url });
    reply
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use crate::engine::Context;
    use crate::engine::tests::{keynote_morning, seed_engine, show};

    fn check(line: &str, expected: expect_test::Expect) {
        expected.assert_eq(&show(&seed_engine(), line, &keynote_morning()));
    }

    #[test]
    fn without_the_memo_the_same_answers_are_searched_every_time() {
        let (kept, searched) = (seed_engine(), seed_engine().without_memo());
        let ctx = keynote_morning();
        for line in ["/quote wasm", "/quote sleep speaker:andy", "/quote wasm"] {
            assert_eq!(show(&kept, line, &ctx), show(&searched, line, &ctx), "{line}");
        }
        assert_eq!((kept.quotes.len(), searched.quotes.len()), (2, 0));
        // A new programme's engine keeps the choice.
        let next = searched.with_schedule(crate::Schedule::empty());
        next.answer_line("/quote wasm", &ctx);
        assert_eq!(next.quotes.len(), 0);
    }

    #[test]
    fn quote_on_a_topic() {
        check(
            "/quote wasm",
            expect![[r#"
            [ok]
            “And so maybe, just maybe *Wasm* might be the thing that fulfils that right once run anywhere promise that Java made so long ago.”
            — Kelsey Hightower, DevOps Sauna: Kelsey Hightower (29:58) <https://www.eficode.com/devops-podcast/kelsey-hightower>"#]],
        );
        check(
            "/quote \"muscle memory\"",
            expect![[r#"
            [ok]
            “100%! When I used to play sports, you don't forget everything you learned last year, you play the game, and then you tweak and you improve, and you build upon. That's why they call it *muscle* *memory*.”
            — Kelsey Hightower, DevOps Sauna: Kelsey Hightower (11:00) <https://www.eficode.com/devops-podcast/kelsey-hightower>"#]],
        );
        // A typo falls back to the nearest indexed words.
        check(
            "/quote sandboxng",
            expect![[r#"
            [ok]
            “And so from that big *sandbox*, I think Wasm is born this idea can we take this show on the road, if we were to take the *sandbox* out of the browser, and we were to put it into a CDN, a content distribution network, a place where people stored images.”
            — Kelsey Hightower, DevOps Sauna: Kelsey Hightower (29:58) <https://www.eficode.com/devops-podcast/kelsey-hightower>"#]],
        );
    }

    #[test]
    fn another_quote_goes_down_the_matches_and_round_again() {
        let engine = seed_engine();
        let cmd = crate::command::parse("/quote kubernetes").unwrap();
        let ctx = keynote_morning();
        let texts: Vec<String> = (0..4).map(|n| engine.another(&cmd, n, &ctx).quote.expect("a quote").text).collect();
        assert_eq!(texts[0], engine.answer(&cmd, &ctx).quote.unwrap().text, "the first is the best match");
        assert_ne!(texts[0], texts[1]);
        let all = engine.answer(&cmd, &ctx).result_count;
        assert!(all >= 2, "{all}");
        assert_eq!(engine.another(&cmd, all, &ctx).quote.unwrap().text, texts[0], "after the last comes the first");
    }

    #[test]
    fn quote_by_a_speaker() {
        check(
            "/quote sleep speaker:andy",
            expect![[r#"
            [ok]
            “I usually look forward to going to *sleep* just because I'm so exhausted that I have to *sleep*. But looking at it as a reward, that's an interesting angle. Maybe I'll try it.”
            — Andy Allred, DevOps Sauna: Kelsey Hightower (25:22) <https://www.eficode.com/devops-podcast/kelsey-hightower>"#]],
        );
        check(
            "/quote focus speaker:\"Kelsey Hightower\"",
            expect![[r#"
            [ok]
            “If I can just *focus* on this one thing...and look I can ask questions of others who have chosen to take an extreme *focus* in their area and borrow those ideas when required.”
            — Kelsey Hightower, DevOps Sauna: Kelsey Hightower (14:32) <https://www.eficode.com/devops-podcast/kelsey-hightower>"#]],
        );
    }

    #[test]
    fn quote_not_found() {
        check(
            "/quote cryptocurrency",
            expect![[r#"
            [not_found]
            I have no quote about “cryptocurrency”."#]],
        );
        check(
            "/quote speaker:nobody",
            expect![[r#"
                [not_found]
                I don't know a speaker called “nobody”.

                Did you mean: Kelsey Hightower, Marc Dillon, Andy Allred?"#]],
        );
        check(
            "/quote keynote speaker:\"Sample Speaker C\"",
            expect![[r#"
                [not_found]
                I have no quotes from Sample Speaker C yet."#]],
        );
    }

    #[test]
    fn random_quotes_vary_with_the_seed_and_respect_the_speaker() {
        let engine = seed_engine();
        let mut seen = std::collections::HashSet::new();
        for seed in 0..20 {
            let ctx = Context { seed, ..keynote_morning() };
            let reply = engine.answer_line("/quote speaker:kelsey", &ctx);
            let quote = reply.quote.unwrap();
            assert_eq!(quote.speaker.as_deref(), Some("Kelsey Hightower"));
            assert!(quote.text.split_whitespace().count() >= super::RANDOM_MIN_WORDS);
            seen.insert(quote.text);
        }
        assert!(seen.len() > 10, "{} distinct quotes in 20 draws", seen.len());
    }

    #[test]
    fn user_syntax_never_fails_the_command() {
        let engine = seed_engine();
        for line in ["/quote ((", "/quote \"", "/quote kind:bio", "/quote AND", "/quote -", "/quote *:*"] {
            let reply = engine.answer_line(line, &keynote_morning());
            assert!(
                matches!(reply.status, crate::reply::Status::Ok | crate::reply::Status::NotFound),
                "{line}: {reply:?}"
            );
        }
    }
}
