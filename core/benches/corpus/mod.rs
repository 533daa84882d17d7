//! A deterministic corpus for benchmarks: the seed documents plus generated
//! transcripts of one-sentence turns drawn from the seed transcript's own
//! vocabulary, so term frequencies look like real talk.

use emcee_core::kb::{Documents, TranscriptDocument};

/// Turns per generated transcript; each turn is one sentence, so one quote.
const TURNS_PER_TRANSCRIPT: usize = 1_000;

/// xorshift64*: small, fast and the same on every machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number in `0..n`, skewed towards small values so that some words are common.
    fn skewed(&mut self, n: usize) -> usize {
        let unit = (self.next() >> 11) as f64 / (1u64 << 53) as f64;
        ((unit * unit) * n as f64) as usize
    }
}

/// The seed documents plus about `quotes` generated quotes.
pub fn generated_documents(quotes: usize) -> Documents {
    let mut vocabulary: Vec<String> = emcee_core::seed::TRANSCRIPT
        .split(|c: char| !c.is_ascii_alphabetic())
        .filter(|w| w.len() >= 3)
        .map(str::to_ascii_lowercase)
        .collect();
    vocabulary.sort();
    vocabulary.dedup();
    let mut rng = Rng(0x5EED_1234_ABCD_0001);
    // Shuffle so that the skew does not favour the alphabet's start.
    for i in (1..vocabulary.len()).rev() {
        vocabulary.swap(i, rng.next() as usize % (i + 1));
    }
    let mut docs = emcee_core::seed::documents();
    let speakers = ["Alex", "Blake", "Casey", "Devon"];
    for t in 0..quotes.div_ceil(TURNS_PER_TRANSCRIPT) {
        let mut text = String::with_capacity(TURNS_PER_TRANSCRIPT * 120);
        for turn in 0..TURNS_PER_TRANSCRIPT.min(quotes - t * TURNS_PER_TRANSCRIPT) {
            let words = 8 + rng.next() as usize % 18;
            let mut sentence: Vec<&str> =
                (0..words).map(|_| vocabulary[rng.skewed(vocabulary.len())].as_str()).collect();
            let first = sentence[0];
            let capital = format!("{}{}", first[..1].to_ascii_uppercase(), &first[1..]);
            sentence[0] = &capital;
            let seconds = turn * 7;
            text.push_str(&format!(
                "{} ({:02}:{:02}): {}.\n\n",
                speakers[turn % speakers.len()],
                seconds / 60,
                seconds % 60,
                sentence.join(" ")
            ));
        }
        let mut meta = format!("title = \"Generated conversation {t}\"\nshow = \"Benchmark FM\"\n");
        for name in speakers {
            meta.push_str(&format!("[people.{name}]\nname = \"{name} Example{t}\"\nrole = \"guest\"\n"));
        }
        docs.transcripts.push(TranscriptDocument {
            path: format!("generated-{t}.txt"),
            text,
            meta_path: format!("generated-{t}.toml"),
            meta: Some(meta),
        });
    }
    docs
}

/// A real conference's size: FOSDEM 2025's programme (943 sessions, 992
/// people), jev22's biographies joined to it, the seed documents and the
/// three real transcripts.
pub fn conference() -> (Documents, emcee_core::Schedule) {
    let read = |bytes: &[u8]| {
        emcee_core::schedule::import(bytes, &emcee_core::schedule::ImportOptions::default()).map(|i| i.schedule)
    };
    let fosdem = read(include_bytes!("../../tests/data/schedules/fosdem-2025-schedule.xml"));
    let jev22 = read(include_bytes!("../../tests/data/schedules/jev22-everything.schedule.json"));
    let (Ok(fosdem), Ok(jev22)) = (fosdem, jev22) else { return (Documents::default(), emcee_core::Schedule::empty()) };
    let mut speakers = fosdem.speakers.clone();
    speakers.extend(jev22.speakers);
    let schedule = fosdem.with_speakers(speakers);
    let mut docs = emcee_core::seed::documents();
    let transcript = |name: &str, text: &[u8]| TranscriptDocument {
        path: name.to_string(),
        text: String::from_utf8_lossy(text).into_owned(),
        meta_path: format!("{name}.toml"),
        meta: None,
    };
    docs.transcripts.push(transcript(
        "bornhack2023-sexy-ssh-hacks.srt",
        include_bytes!("../../tests/data/transcripts/bornhack2023-sexy-ssh-hacks.srt"),
    ));
    docs.transcripts.push(transcript(
        "wearedevelopers-sovereign-ai-panel.vtt",
        include_bytes!("../../tests/data/transcripts/wearedevelopers-sovereign-ai-panel.vtt"),
    ));
    docs.transcripts.push(transcript(
        "bookbytes-005-dave-hoover.txt",
        include_bytes!("../../tests/data/transcripts/bookbytes-005-dave-hoover.txt"),
    ));
    (docs, schedule)
}

/// A real conference's FAQ at the size organisers publish: FOSDEM's
/// questions and venue services with DjangoCon US's and EuroPython's
/// pages, 60 entries.
pub fn faq() -> emcee_core::faq::Faq {
    let pages: [&[u8]; 4] = [
        include_bytes!("../../tests/data/faq/fosdem-2026-faq.html"),
        include_bytes!("../../tests/data/faq/fosdem-2026-venue-services.html"),
        include_bytes!("../../tests/data/faq/djangoconus-2024-faq.html"),
        include_bytes!("../../tests/data/faq/europython-2024-faq.mdx"),
    ];
    let mut faq = emcee_core::faq::Faq::default();
    for page in pages {
        if let Ok(imported) = emcee_core::faq::import(page) {
            faq.entries.extend(imported.faq.entries);
        }
    }
    faq
}
