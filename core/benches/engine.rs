//! Each command in the engine, on the seed knowledge base, at a real
//! conference's size (FOSDEM 2025's programme with jev22's biographies, the
//! real transcripts and a 60-entry FAQ), and on a generated corpus of
//! 100,000 quotes.
//!
//! First a latency report (p50, p99 and max over many calls of each
//! command's queries, the numbers the product's targets are stated in), then
//! criterion's measurements. `cargo bench -p emcee-core --bench engine`.
//!
//! The engines measured keep no answers, so every `/quote` is searched; the
//! row `quote, kept` is the same queries answered again from the memo, as
//! `emcee serve` answers a repeated topic.

mod corpus;

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{BenchmarkId, Criterion};
use emcee_core::index::IndexError;
use emcee_core::{Context, Engine, KnowledgeBase};

/// Queries for each command: names, typos, topics, phrases, filters, misses.
const QUERIES: &[(&str, &[&str])] = &[
    ("bio", &["/bio kelsey", "/bio Kelsey Hightower", "/bio hightwoer", "/bio andy", "/bio nobody"]),
    ("quote", &["/quote wasm", "/quote \"muscle memory\"", "/quote sleep speaker:andy", "/quote", "/quote sandboxng"]),
    ("talks", &["/talks now", "/talks next", "/talks today", "/talks kelsey", "/talks supply chain"]),
    (
        "ask",
        &[
            "When was Kelsey born?",
            "What does Kelsey think about Wasm?",
            "When is the supply chain keynote?",
            "What was Kelsey's first open-source project?",
            "What is Kelsey's favorite food?",
            "what's on after the keynote",
            "What does Kelsey think about WebAssembly?",
            "marc dillon works where?",
            "anyone here from eficode",
        ],
    ),
];

/// Queries at a real conference's size, during FOSDEM's first morning.
const CONFERENCE_QUERIES: &[(&str, &[&str])] = &[
    ("bio", &["/bio jiska", "/bio Björn Töpel", "/bio toepel", "/bio janik", "/bio nobody"]),
    (
        "quote",
        &[
            "/quote ssh agent",
            "/quote \"apprenticeship patterns\"",
            "/quote sovereign compute",
            "/quote",
            "/quote kubernetes",
        ],
    ),
    ("talks", &["/talks now", "/talks next", "/talks postgres", "/talks Björn Töpel", "/talks risc-v"]),
    (
        "ask",
        &[
            "who is talking about postgres?",
            "when is the RISC-V devroom welcome?",
            "where is Jiska's talk?",
            "What does Dave Hoover say about apprenticeship?",
            "When was Andy Allred born?",
            "when is RF Swift: A Swifty Toolbox for All Wireless Assessments?",
            "what's on next in Janson",
            "marc dillon works where?",
            "anyone here from eficode",
            "which speakers come from Munich",
            "what's the wifi password?",
            "can I get a refund",
            "is there parking",
            "where is the conference held",
        ],
    ),
    ("faq", &["/faq", "/faq wifi", "/faq tickets", "/faq childcare", "/faq nothing like it"]),
];

/// FOSDEM 2025's first morning, 11:00 in Brussels.
const CONFERENCE_NOW: jiff::Timestamp = jiff::Timestamp::constant(1_738_404_000, 0);

/// The row of `/quote` answered from the memo.
const KEPT: &str = "quote, kept";

/// Keynote morning of the sample conference, 2022-11-01T08:30:00Z: a
/// constant rather than parsed, since criterion times making the context.
const NOW: jiff::Timestamp = jiff::Timestamp::constant(1_667_291_400, 0);

/// An engine over `docs` and the sample programme, keeping answers when `memo` is true.
fn engine(docs: &emcee_core::Documents, memo: bool) -> Result<Engine, IndexError> {
    engine_with(docs, emcee_core::seed::schedule(), memo)
}

fn engine_with(docs: &emcee_core::Documents, schedule: emcee_core::Schedule, memo: bool) -> Result<Engine, IndexError> {
    let kb = KnowledgeBase::build(docs);
    let engine = Engine::new(kb, schedule);
    let engine = if memo { engine } else { engine.without_memo() };
    engine.warm()?;
    Ok(engine)
}

/// A row of queries: the command, its queries, the engine, and the time they are asked at.
type Row<'a> = (&'static str, &'static [&'static str], &'a Engine, jiff::Timestamp);

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

/// Each command's queries on `engine`, and with `kept` the quotes again on
/// that engine, which keeps its answers.
fn rows<'a>(engine: &'a Engine, kept: Option<&'a Engine>) -> Vec<Row<'a>> {
    let mut rows: Vec<_> = QUERIES.iter().map(|&(command, queries)| (command, queries, engine, NOW)).collect();
    if let Some(kept) = kept {
        let quotes = QUERIES.iter().find(|(command, _)| *command == "quote").map(|(_, queries)| *queries);
        rows.push((KEPT, quotes.unwrap_or_default(), kept, NOW));
    }
    rows
}

/// Calls each row's queries in turn `rounds` times and prints percentiles
/// per row, and with `--per-query` per query as well.
fn latency_report(label: &str, rows: &[Row<'_>], rounds: usize, per_query: bool) {
    println!("{label}: latency per command over {rounds} rounds of its queries");
    println!("  {:<44} {:>10} {:>10} {:>10}", "", "p50", "p99", "max");
    for &(command, queries, engine, now) in rows {
        let mut all = Vec::with_capacity(rounds * queries.len());
        let mut each: Vec<Vec<Duration>> = vec![Vec::with_capacity(rounds); queries.len()];
        for round in 0..rounds {
            for (q, query) in queries.iter().enumerate() {
                let ctx = Context { now, seed: round as u64 };
                let start = Instant::now();
                black_box(engine.answer_line(black_box(query), &ctx));
                let took = start.elapsed();
                all.push(took);
                each[q].push(took);
            }
        }
        let line = |name: &str, samples: &mut Vec<Duration>| {
            samples.sort();
            println!(
                "  {:<44} {:>10.1?} {:>10.1?} {:>10.1?}",
                name,
                percentile(samples, 0.5),
                percentile(samples, 0.99),
                samples[samples.len() - 1]
            );
        };
        line(command, &mut all);
        if per_query {
            for (query, samples) in queries.iter().zip(&mut each) {
                line(&format!("    {query}"), samples);
            }
        }
    }
}

/// `/agenda` drawn for a person with [`AGENDA_MOST`] sessions chosen out of
/// a generated programme of 10,000: 200 rooms in parallel, the person's
/// sessions ten at a time; and the worst case, where every session lasts
/// the whole day so that each of theirs clashes with every other.
fn agenda_report(docs: &emcee_core::Documents, rounds: usize) -> Result<(), IndexError> {
    use emcee_core::engine::agenda::AGENDA_MOST;
    let base = jiff::Timestamp::constant(1_767_254_400, 0);
    let minutes = |m: i64| base + jiff::SignedDuration::from_mins(m);
    let programme = |all_day: bool| {
        let sessions = (0..10_000)
            .map(|i: i64| {
                let start = if all_day { minutes(60 + i % 60) } else { minutes(60 + (i / 200) * 30) };
                emcee_core::schedule::Session {
                    id: format!("s{i}"),
                    title: format!("Session {i} on topic {}", i % 97),
                    room: format!("Room {}", i % 200),
                    start,
                    end: if all_day { minutes(60 * 11) } else { start + jiff::SignedDuration::from_mins(30) },
                    ..emcee_core::schedule::Session::default()
                }
            })
            .collect();
        emcee_core::Schedule::new(emcee_core::seed::schedule().conference, sessions)
    };
    let chosen: Vec<String> = (0..10_000).filter(|i| i % 200 < 10).take(AGENDA_MOST).map(|i| format!("s{i}")).collect();
    println!("agenda: {AGENDA_MOST} sessions chosen of 10,000, over {rounds} rounds");
    println!("  {:<44} {:>10} {:>10} {:>10}", "", "p50", "p99", "max");
    for (label, all_day) in [("ten at a time", false), ("every one clashing", true)] {
        let engine = engine_with(docs, programme(all_day), false)?;
        let mut samples: Vec<Duration> = (0..rounds)
            .map(|_| {
                let start = Instant::now();
                black_box(engine.agenda(black_box(&chosen), &[], base));
                start.elapsed()
            })
            .collect();
        samples.sort();
        println!(
            "  {:<44} {:>10.1?} {:>10.1?} {:>10.1?}",
            label,
            percentile(&samples, 0.5),
            percentile(&samples, 0.99),
            samples[samples.len() - 1]
        );
    }
    Ok(())
}

/// `/stats` grouping the questions no source answered, as the store hands
/// them over: the 100 most asked, here the 60 questions of the conference's
/// FAQ pages asked as typed and 40 of them again in lower case without
/// their question mark, each counted a different number of times.
fn stats_report(rounds: usize) {
    use emcee_core::stats::{Count, UNANSWERED_SHOWN, group_paraphrases};
    let questions: Vec<String> = corpus::faq().entries.into_iter().map(|e| e.question).collect();
    let mut asked: Vec<Count> =
        questions.iter().enumerate().map(|(i, q)| Count::new(q.clone(), 100 - i as u64)).collect();
    asked.extend(
        questions
            .iter()
            .take(40)
            .enumerate()
            .map(|(i, q)| Count::new(q.to_lowercase().replace('?', ""), 40 - i as u64)),
    );
    asked.sort_by_key(|c| std::cmp::Reverse(c.events));
    let groups = group_paraphrases(asked.clone(), UNANSWERED_SHOWN);
    let joined: usize = groups.iter().map(|g| g.also.len()).sum();
    println!(
        "stats: {} unanswered questions grouped, {joined} joined the top {}, over {rounds} rounds",
        asked.len(),
        groups.len()
    );
    let mut samples: Vec<Duration> = (0..rounds)
        .map(|_| {
            let start = Instant::now();
            black_box(group_paraphrases(black_box(asked.clone()), UNANSWERED_SHOWN));
            start.elapsed()
        })
        .collect();
    samples.sort();
    println!("  {:<44} {:>10} {:>10} {:>10}", "", "p50", "p99", "max");
    println!(
        "  {:<44} {:>10.1?} {:>10.1?} {:>10.1?}",
        "group_paraphrases",
        percentile(&samples, 0.5),
        percentile(&samples, 0.99),
        samples[samples.len() - 1]
    );
}

fn bench(c: &mut Criterion, label: &str, rows: &[Row<'_>]) {
    let mut group = c.benchmark_group(label);
    for &(command, queries, engine, now) in rows {
        group.bench_with_input(BenchmarkId::from_parameter(command), queries, |b, queries| {
            let mut i = 0u64;
            b.iter(|| {
                i += 1;
                let query = queries[i as usize % queries.len()];
                black_box(engine.answer_line(black_box(query), &Context { now, seed: i }))
            })
        });
    }
    group.finish();
}

fn main() -> Result<(), IndexError> {
    let quick = std::env::args().any(|a| a == "--quick-report");
    let per_query = std::env::args().any(|a| a == "--per-query");
    let seed_docs = emcee_core::seed::documents();
    let (seed, seed_kept) = (engine(&seed_docs, false)?, engine(&seed_docs, true)?);
    println!("seed knowledge base: {} quotes", seed.knowledge().quotes.len());
    let seed_rows = rows(&seed, Some(&seed_kept));
    latency_report("seed", &seed_rows, if quick { 200 } else { 2_000 }, per_query);

    let (docs, programme) = corpus::conference();
    let start = Instant::now();
    let conference = engine_with(&docs, programme, false)?.with_faq(corpus::faq());
    conference.warm()?;
    println!(
        "conference: {} sessions, {} speakers, {} quotes, {} FAQ entries, parsed and indexed in {:.2?}",
        conference.schedule().sessions.len(),
        conference.knowledge().speakers.len(),
        conference.knowledge().quotes.len(),
        conference.faq().entries.len(),
        start.elapsed()
    );
    let conference_rows: Vec<Row<'_>> =
        CONFERENCE_QUERIES.iter().map(|&(command, queries)| (command, queries, &conference, CONFERENCE_NOW)).collect();
    latency_report("conference", &conference_rows, if quick { 50 } else { 400 }, per_query);

    agenda_report(&seed_docs, if quick { 50 } else { 400 })?;
    stats_report(if quick { 50 } else { 400 });

    let docs = corpus::generated_documents(100_000);
    let start = Instant::now();
    let large = engine(&docs, false)?;
    println!("100k corpus: {} quotes, parsed and indexed in {:.2?}", large.knowledge().quotes.len(), start.elapsed());
    let large_rows = rows(&large, None);
    latency_report("100k", &large_rows, if quick { 50 } else { 400 }, per_query);
    if quick {
        return Ok(());
    }

    let mut criterion = Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .sample_size(30)
        .configure_from_args();
    bench(&mut criterion, "seed", &seed_rows);
    bench(&mut criterion, "conference", &conference_rows);
    bench(&mut criterion, "100k", &large_rows);
    criterion.final_summary();
    Ok(())
}
