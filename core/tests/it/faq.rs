//! The organisers' FAQ pages in `tests/data/faq/`, as real conferences
//! publish them: each read with the right number of entries, each entry a
//! snapshot (its question, and the start of its answer).

use emcee_core::faq;
use emcee_core::tuning::{FAQ_CONFIDENT, FAQ_MEANING, FAQ_SOFT, FAQ_WORDS};
use expect_test::expect_file;

pub(crate) const FAQS: &[&str] = &[
    "europython-2024-faq.mdx",
    "fosdem-2026-faq.html",
    "fosdem-2026-venue-services.html",
    "devfestpisa-2026-faq.md",
    "djangoconus-2024-faq.html",
];

/// Where each page's snapshot is kept, relative to this file.
const SNAPSHOTS: &str = "../data/faq/snapshots/";

pub(crate) fn read(file: &str) -> faq::Imported {
    let bytes = std::fs::read(format!("{}/tests/data/faq/{file}", env!("CARGO_MANIFEST_DIR"))).unwrap();
    faq::import(&bytes).unwrap()
}

/// A real conference's FAQ as the bot would hold it: FOSDEM's questions
/// and its venue's services, one after the other.
pub(crate) fn conference() -> faq::Faq {
    let mut faq = read("fosdem-2026-faq.html").faq;
    faq.entries.extend(read("fosdem-2026-venue-services.html").faq.entries);
    faq
}

#[test]
fn every_fixture_faq_is_read_whole() {
    for file in FAQS {
        let imported = read(file);
        let mut shown = format!("{} entries, read as {}\n", imported.faq.entries.len(), imported.format.name());
        for warning in &imported.warnings {
            shown.push_str(&format!("warning: {warning}\n"));
        }
        for entry in &imported.faq.entries {
            let answer: String = entry.answer.chars().take(90).collect::<String>().replace('\n', " ⏎ ");
            let section = entry.section.as_deref().map(|s| format!("[{s}] ")).unwrap_or_default();
            shown.push_str(&format!("\n{section}{}\n  → {answer}\n", entry.question));
        }
        expect_file![format!("{SNAPSHOTS}{file}.txt")].assert_eq(&shown);
    }
}

#[derive(serde::Deserialize)]
struct Questions {
    q: Vec<Question>,
}

/// A question asked with one page loaded: four wordings of each entry
/// (its own question, in lower case, a short form, a paraphrase) and near
/// misses the page does not answer, written from the pages alone.
#[derive(serde::Deserialize)]
struct Question {
    ask: String,
    kind: String,
    faq: String,
    #[serde(default)]
    expect: Vec<String>,
}

impl Question {
    fn declines(&self) -> bool {
        self.expect.is_empty()
    }

    fn holds(&self, text: &str) -> bool {
        let text = text.to_lowercase();
        self.expect.iter().any(|e| text.contains(&e.to_lowercase()))
    }
}

fn questions() -> Vec<Question> {
    let set: Questions = toml::from_str(include_str!("../data/faq/questions.toml")).unwrap();
    set.q
}

/// How the FAQ alone decides each question at any threshold: the top
/// entry's score, and whether that entry answers it rightly.
fn fit(outcomes: &[(f32, bool, bool)]) -> (f64, f32, f32) {
    let right_at = |t: f32| {
        outcomes
            .iter()
            .filter(|(score, declines, right)| if *score >= t { *right && !declines } else { *declines })
            .count()
    };
    let mut scores: Vec<f32> = outcomes.iter().map(|o| o.0).collect();
    scores.push(0.0);
    scores.push(2.0);
    scores.sort_by(f32::total_cmp);
    scores.dedup();
    let tried: Vec<f32> = scores.windows(2).map(|w| (w[0] + w[1]) / 2.0).collect();
    let best = tried.iter().map(|&t| right_at(t)).max().unwrap_or(0);
    let reaching: Vec<f32> = tried.iter().copied().filter(|&t| right_at(t) == best).collect();
    (best as f64 / outcomes.len() as f64, reaching[0], reaching[reaching.len() - 1])
}

/// A question's three parts for every entry, whether it is a near miss,
/// and which entries answer it rightly.
type Outcome = (Vec<faq::Parts>, bool, Vec<bool>);

/// The FAQ alone deciding every question with the given weights: the top
/// entry's score, whether the question is a near miss, whether the top
/// entry answers it.
fn decided(outcomes: &[Outcome], weights: (f32, f32, f32)) -> Vec<(f32, bool, bool)> {
    outcomes
        .iter()
        .map(|(parts, declines, rights)| {
            let scored = parts.iter().map(|p| weights.0 * p.words + weights.1 * p.soft + weights.2 * p.meaning);
            let (top, score) = scored.enumerate().fold((0, f32::MIN), |b, (i, s)| if s > b.1 { (i, s) } else { b });
            (score, *declines, rights[top])
        })
        .collect()
}

/// The programme an FAQ page is asked over besides the seed's: the same
/// conference's, or one of the same kind and size.
fn programme_for(file: &str) -> &'static str {
    if file.starts_with("fosdem") { "fosdem-2025-schedule.xml" } else { "pyconfr-2024-schedule.json" }
}

/// Every wording of every entry asked with its page loaded, over the seed's
/// knowledge and programme and over a real conference's programme, each kind right at least as often as it is
/// now; and the tuned weights and threshold among the best the FAQ alone
/// can do, which this prints for refitting them.
#[test]
fn ask_answers_from_the_faq() {
    let questions = questions();
    let mut by_kind: std::collections::BTreeMap<String, (usize, usize)> = Default::default();
    let mut outcomes: Vec<Outcome> = Vec::new();
    for (file, over) in FAQS.iter().flat_map(|file| [(file, "seed"), (file, programme_for(file))]) {
        let faq = read(file).faq;
        let index = faq::FaqIndex::build(&faq);
        let (engine, ctx) = super::heldout::setting(over, Some(&faq));
        for q in questions.iter().filter(|q| q.faq == *file) {
            let considered = engine.consider(&q.ask, &ctx, None);
            let reply = considered.reply;
            let text = emcee_core::render::plain_text(&reply, emcee_core::render::Marks::NONE);
            let right = if q.declines() {
                reply.status == emcee_core::Status::NotFound
            } else {
                reply.status == emcee_core::Status::Ok && q.holds(&text)
            };
            let entry = by_kind.entry(q.kind.clone()).or_default();
            entry.0 += usize::from(right);
            entry.1 += 1;
            if !right {
                // The rule that answered, and the best entry's score.
                println!(
                    "wrong [{file} over {over}, {}] {}\n  -> [{}, {} {:.2}] {}",
                    q.kind,
                    q.ask,
                    reply.status.as_str(),
                    considered.rule.unwrap_or("no rule"),
                    index.ranked(&q.ask).first().map_or(0.0, |b| b.1),
                    text.replace('\n', " ").chars().take(160).collect::<String>()
                );
            }
            if over == "seed" {
                let rights = faq.entries.iter().map(|e| q.holds(&e.answer)).collect();
                outcomes.push((index.parts(&q.ask), q.declines(), rights));
            }
        }
    }
    let share = |kind: &str| by_kind.get(kind).map_or(0.0, |(right, all)| *right as f64 / *all as f64);
    for (kind, (right, all)) in &by_kind {
        println!("faq, {kind}: {right} of {all} right ({:.1}%)", *right as f64 * 100.0 / *all as f64);
    }
    let mut fits = Vec::new();
    for words in 0..=10 {
        for soft in 0..=(10 - words) {
            let weights = (words as f32 / 10.0, soft as f32 / 10.0, (10 - words - soft) as f32 / 10.0);
            fits.push((fit(&decided(&outcomes, weights)), weights));
        }
    }
    fits.sort_by(|a, b| b.0.0.total_cmp(&a.0.0));
    for ((best, low, high), weights) in fits.iter().take(3) {
        println!("the FAQ alone, weighed {weights:?}: {:.1}% at {low:.3} to {high:.3}", best * 100.0);
    }
    let tuned = decided(&outcomes, (FAQ_WORDS, FAQ_SOFT, FAQ_MEANING));
    let at_tuned = |t: f32| {
        tuned
            .iter()
            .filter(|(score, declines, right)| if *score >= t { *right && !declines } else { *declines })
            .count() as f64
            / tuned.len() as f64
    };
    let now = at_tuned(FAQ_CONFIDENT);
    println!("the FAQ alone, as tuned: {:.1}%", now * 100.0);
    assert!(now >= fits[0].0.0 - 0.01, "the tuned FAQ weights and threshold are no longer among the best: refit them");
    // Declines fell from 60.4% to 58.3% when words of English stopped
    // being read as a stranger's name: two near misses (`how do I get
    // from the airport to the venue`) were declined as "I don't know
    // anyone called “airport venue”", right only by accident; and to
    // 56.2% when a role had to be asked for in the plural or of people:
    // `are there vegetarian options at lunch` was declined as "No speaker
    // I know of is listed as a vegetarian".
    for (kind, bar) in [("own", 0.99), ("lower", 0.99), ("short", 0.95), ("paraphrase", 0.58), ("decline", 0.56)] {
        assert!(
            share(kind) >= bar,
            "FAQ questions of kind {kind}: {:.1}%, under {:.0}%",
            share(kind) * 100.0,
            bar * 100.0
        );
    }
}

/// `/faq` over a real conference's FAQ: every question by section, the
/// entries on a topic with their answers (a word of the entry, or one
/// near it in meaning), and a topic it does not cover said so.
#[test]
fn faq_lists_the_questions_and_the_entries_on_a_topic() {
    let engine = super::attendee::engine().with_faq(conference());
    let ctx = super::attendee::ctx();
    let show = |line: &str| {
        let reply = engine.answer(&emcee_core::parse(line).unwrap(), &ctx);
        let text = emcee_core::render::plain_text(&reply, emcee_core::render::Marks::NONE);
        format!("[{}] {}", reply.status.as_str(), text.chars().take(600).collect::<String>())
    };
    expect_test::expect![[r#"
        [ok] The organisers' FAQ: 22 questions

        Ask me any of them, or `/faq <topic>` for the answers on a topic (`/faq tickets`).

        CFP:
          • When will the CFP open?
          • Why was our talk/developer room/stand rejected?
        Visiting and videos:
          • In what timezone are you?
          • I need a formal invitation for a VISA request
          • Where can I watch the talks?
          • Are talk recordings available?
          • Is there a job corner?
        Registration:
          • I plan on visiting FOSDEM, where can I register?
          • How much does a entry ticket for FOSDEM cost?
          • If entrance to FOSDEM is free, who pays the expenses?
          • My company loves FOSD"#]]
    .assert_eq(&show("/faq"));
    expect_test::expect![[r#"
        [ok] The FAQ on registration: 5 entries

        I plan on visiting FOSDEM, where can I register?: No registration is required.
        I need a formal invitation for a VISA request:
          For legal reasons, the FOSDEM organization can only issue such letters of invitation to “main track” speakers for whom we also make travel and hotel arrangements.

          If you are attending FOSDEM as part of your involvement with a project represented at our conference, we recommend you get in touch with someone you know locally who is involved in the project and ask them to invite you.

          For information regarding Belgian visa require"#]].assert_eq(&show("/faq registration"));
    expect_test::expect![[r#"
        [ok] The FAQ on tickets: 2 entries

        How much does a entry ticket for FOSDEM cost?: Attendance is free, including access to all talks and facilities.
        If entrance to FOSDEM is free, who pays the expenses?: We have three sources of income: t-shirt sales, donations from our visitors and sponsorship.

        Source: The organisers' FAQ"#]]
    .assert_eq(&show("/faq show tickets"));
    expect_test::expect![[r#"
        [ok] The FAQ on recordings: 2 entries

        Are talk recordings available?:
          All talk recordings will be made available on video.fosdem.org/2026 (https://video.fosdem.org/2026/) as soon as the presenter reviewed the contents to make sure the recording is correct.

          This will usually take a few days to a few weeks, check video.fosdem.org/2026 (https://video.fosdem.org/2026) for updates!
        What does organising FOSDEM cost?: We make sure our limited budget is balanced. We derive our income mainly from sponsorship and t-shirt sales, plus some donations. Most of this is spent on making FOSDEM happen. Any pro"#]].assert_eq(&show("/faq recordings"));
    expect_test::expect!["[not_found] The FAQ has nothing on “parking”. Its sections: CFP, Visiting and videos, Registration, FOSDEM in general; `/faq` lists every question."].assert_eq(&show("/faq parking"));
    let empty = super::attendee::engine();
    let reply = empty.answer(&emcee_core::parse("/faq").unwrap(), &ctx);
    assert_eq!(reply.status, emcee_core::Status::NotFound);
}

/// An answer that changes with the day, written either way an organiser
/// would (labelled paragraphs, or YAML fields), answered as it is in
/// force by the clock against the sample programme's days (1–2 November
/// 2022),
/// by `/ask` and `/faq` alike.
#[test]
fn answers_that_change_with_the_day_are_given_as_they_stand() {
    let markdown = "## Is there childcare?\n\nChildcare is run in room B.\n\n**Before the event:** Book a place when \
                    you register.\n\n**During the event:** Fully booked; ask at the help desk for the waiting list.\n";
    let yaml = "- question: Can I still buy a ticket?\n  answer:\n    before: Yes, on the website until 31 October.\n    \
                during: Only at the door, from 8:00.\n    after: The event is over; see you next year.\n";
    for (format, page, asked, before, during, after) in [
        ("Markdown", markdown, "is there childcare", "Book a place when you register", "Fully booked", "Fully booked"),
        (
            "YAML",
            yaml,
            "can I still buy a ticket",
            "on the website until 31 October",
            "Only at the door",
            "see you next year",
        ),
    ] {
        let faq = faq::import(page.as_bytes()).unwrap().faq;
        let engine = emcee_core::Engine::new(
            emcee_core::KnowledgeBase::build(&emcee_core::seed::documents()),
            emcee_core::seed::schedule(),
        )
        .with_faq(faq);
        for (now, expected, unexpected) in [
            ("2022-10-20T12:00:00Z", before, during),
            ("2022-11-01T08:30:00Z", during, before),
            ("2022-11-02T16:00:00Z", during, before),
            ("2022-12-01T12:00:00Z", after, before),
        ] {
            let ctx = emcee_core::Context { now: now.parse().unwrap(), seed: 1 };
            for line in [format!("/ask {asked}"), format!("/faq {asked}")] {
                let reply = engine.answer(&emcee_core::parse(&line).unwrap(), &ctx);
                let text = emcee_core::render::plain_text(&reply, emcee_core::render::Marks::NONE);
                assert_eq!(reply.status, emcee_core::Status::Ok, "{format} {line} at {now}: {text}");
                assert!(text.contains(expected), "{format} {line} at {now} should say “{expected}”: {text}");
                if expected != unexpected {
                    assert!(
                        !text.contains(unexpected),
                        "{format} {line} at {now} should not say “{unexpected}”: {text}"
                    );
                }
                assert!(!text.contains("the event:"), "{format} {line} at {now}: the label is not shown: {text}");
            }
        }
    }
}

/// `/stats` groups unanswered questions that are paraphrases of one
/// another ([`emcee_core::stats::group_paraphrases`]): on every fixture
/// page, each wording of an entry (its own question, lower case, a short
/// form, a paraphrase) and each near miss is compared with the page's own
/// questions, as the grouping compares questions. A wording is right when
/// the questions it would join are its entry's alone (none, for a near
/// miss or an entry's own question against the others). This prints how
/// many are right at each threshold, and checks that
/// [`PARAPHRASES_GROUPED`] is among the best.
#[test]
fn paraphrases_are_grouped_at_a_fitted_threshold() {
    use emcee_core::tuning::PARAPHRASES_GROUPED;
    let questions = questions();
    // Per wording: its score against each own question, and which is its entry's.
    let mut outcomes: Vec<(Vec<f32>, Option<usize>)> = Vec::new();
    for file in FAQS {
        let faq = read(file).faq;
        let own = faq::Faq {
            entries: faq
                .entries
                .iter()
                .map(|e| faq::Entry { question: e.question.clone(), answer: String::new(), section: None })
                .collect(),
        };
        let index = faq::FaqIndex::build(&own);
        for q in questions.iter().filter(|q| q.faq == *file) {
            let mut scores = vec![0.0; own.entries.len()];
            for (i, score) in index.ranked(&q.ask) {
                scores[i] = score;
            }
            let entry = faq.entries.iter().position(|e| !q.declines() && q.holds(&e.answer));
            if q.kind == "own" {
                // Its own question scores itself: only the others count.
                if let Some(e) = entry {
                    scores[e] = 0.0;
                }
                outcomes.push((scores, None));
            } else {
                outcomes.push((scores, entry));
            }
        }
    }
    let right_at = |t: f32| {
        outcomes
            .iter()
            .filter(|(scores, entry)| {
                let joined: Vec<usize> = (0..scores.len()).filter(|&i| scores[i] >= t).collect();
                match entry {
                    Some(e) => joined == [*e],
                    None => joined.is_empty(),
                }
            })
            .count()
    };
    let tried: Vec<f32> = (30..=100).map(|t| t as f32 / 100.0).collect();
    let best = tried.iter().map(|&t| right_at(t)).max().unwrap();
    let reaching: Vec<f32> = tried.iter().copied().filter(|&t| right_at(t) == best).collect();
    println!(
        "paraphrases grouped: best {best} of {} at {:.2} to {:.2}; at {PARAPHRASES_GROUPED}: {}",
        outcomes.len(),
        reaching[0],
        reaching[reaching.len() - 1],
        right_at(PARAPHRASES_GROUPED)
    );
    assert!(right_at(PARAPHRASES_GROUPED) == best, "refit PARAPHRASES_GROUPED: best {best} at {reaching:?}");
}
