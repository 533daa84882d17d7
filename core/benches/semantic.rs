//! The embedding model's costs: its first use (parsing the compiled-in
//! file), encoding a question and a passage, encoding a corpus, and the
//! scan of 100,000 passages for the ten nearest to a question.
//!
//! First a report timed in-process, with the memory each step costs (heap
//! bytes counted by the allocator below, and the process's resident pages:
//! anonymous, and file-backed, which is where the compiled-in model's pages
//! show), then criterion's measurements.
//! `cargo bench -p emcee-core --bench semantic` (`-- --quick-report` for the
//! report alone).

#[expect(dead_code, reason = "the engine bench uses the rest of the corpus")]
mod corpus;

use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use criterion::Criterion;
use emcee_core::KnowledgeBase;
use emcee_core::semantic::{MODEL_FILE, ModelError, StaticModel};

/// The system allocator, keeping count of the bytes live, so that a step's
/// heap cost is exact rather than read off resident pages.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call is passed to the system allocator unchanged; only the
// count is added.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE.fetch_add(layout.size(), Ordering::Relaxed);
        // SAFETY: the caller's guarantees are the system allocator's.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        // SAFETY: as above.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        LIVE.fetch_add(new_size, Ordering::Relaxed);
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        // SAFETY: as above.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

const QUESTION: &str = "What does Kelsey Hightower think about WebAssembly replacing containers someday?";

/// Passages in the largest benchmark corpus.
const PASSAGES: usize = 100_000;

fn live() -> usize {
    LIVE.load(Ordering::Relaxed)
}

/// Resident anonymous and file-backed memory in bytes, from
/// `/proc/self/status`; zeros where there is no such file.
fn resident() -> (usize, usize) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|line| line.strip_prefix(name))
            .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse::<usize>().ok())
            .map_or(0, |kb| kb * 1024)
    };
    (field("RssAnon:"), field("RssFile:"))
}

fn mb(bytes: usize) -> f64 {
    bytes as f64 / 1e6
}

/// Prints what a step cost in time, heap and resident memory.
fn step<T>(label: &str, run: impl FnOnce() -> T) -> T {
    let (heap, (anon, file)) = (live(), resident());
    let start = Instant::now();
    let out = run();
    let took = start.elapsed();
    let (anon_after, file_after) = resident();
    println!(
        "  {label:<46} {took:>10.2?}   heap {:>+8.2} MB   resident anon {:>+7.2} MB, file {:>+6.2} MB",
        (live() as f64 - heap as f64) / 1e6,
        mb(anon_after.saturating_sub(anon)),
        mb(file_after.saturating_sub(file)),
    );
    out
}

/// The fastest of `rounds` runs: the cost with warm caches.
fn fastest(rounds: usize, mut run: impl FnMut()) -> Duration {
    (0..rounds)
        .map(|_| {
            let start = Instant::now();
            run();
            start.elapsed()
        })
        .min()
        .unwrap_or_default()
}

/// A real 60-word passage: the seed transcript's first quotes, run together.
fn passage_60_words(kb: &KnowledgeBase) -> String {
    let words: Vec<&str> = kb.quotes.iter().flat_map(|q| q.text.split_whitespace()).take(60).collect();
    words.join(" ")
}

fn main() -> Result<(), ModelError> {
    let quick = std::env::args().any(|a| a == "--quick-report");
    println!("semantic: costs measured in-process");
    let model = step("first use: StaticModel::embedded()", StaticModel::embedded)?;
    let parsed = step("a second parse, kept (the model's own heap)", || StaticModel::from_bytes(MODEL_FILE))?;
    let parse = fastest(20, || drop(black_box(StaticModel::from_bytes(MODEL_FILE))));
    println!("  parse with the file's pages resident, fastest of 20: {parse:.2?}");
    drop(parsed);

    let seed = KnowledgeBase::build(&emcee_core::seed::documents());
    let passage = passage_60_words(&seed);
    let question_time = fastest(1_000, || drop(black_box(model.encode(black_box(QUESTION)))));
    let passage_time = fastest(1_000, || drop(black_box(model.encode(black_box(&passage)))));
    println!("  encode a 10-word question, fastest of 1,000: {question_time:.2?}");
    println!("  encode a 60-word passage, fastest of 1,000: {passage_time:.2?}");

    let large = KnowledgeBase::build(&corpus::generated_documents(PASSAGES));
    let texts: Vec<&str> = large.quotes.iter().map(|q| q.text.as_str()).take(PASSAGES).collect();
    let words = texts.iter().map(|t| t.split_whitespace().count()).sum::<usize>();
    println!("  corpus: {} passages, {:.1} words each", texts.len(), words as f64 / texts.len() as f64);
    let passages = step(&format!("encode_all of {} passages", texts.len()), || model.encode_all(texts.iter().copied()));
    let query = model.encode(QUESTION);
    let scan = fastest(20, || drop(black_box(passages.top(black_box(&query), 10))));
    println!("  top 10 of {} passages, fastest of 20: {scan:.2?}", passages.len());
    if quick {
        return Ok(());
    }

    let mut criterion = Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .sample_size(30)
        .configure_from_args();
    let mut group = criterion.benchmark_group("semantic");
    group.bench_function("parse", |b| b.iter(|| StaticModel::from_bytes(black_box(MODEL_FILE))));
    group.bench_function("encode question (10 words)", |b| b.iter(|| model.encode(black_box(QUESTION))));
    group.bench_function("encode passage (60 words)", |b| b.iter(|| model.encode(black_box(&passage))));
    group.bench_function("encode_all 1,000 passages", |b| {
        b.iter(|| model.encode_all(black_box(&texts[..1_000]).iter().copied()))
    });
    group.bench_function("top 10 of 100,000", |b| b.iter(|| passages.top(black_box(&query), 10)));
    group.finish();
    criterion.final_summary();
    Ok(())
}
