//! The attendee question set (`tests/data/attendee.toml`): questions
//! written independently of the engine, the way attendees type them, over
//! the seed biography and podcast and the three real transcripts, with the
//! sessions they record added to the sample programme. A quarter and more
//! are near misses the knowledge does not answer.
//!
//! The set is split in two. On the tuning half, the threshold under which
//! `/ask` says "I don't know" ([`emcee_core::CONFIDENT`]) must be one of
//! those that get the most questions right; the held-out half only reports.
//! A baseline, the top BM25 passage with a plain score
//! threshold set the same way, shows the gain. The questions answered
//! wrongly are a snapshot: one that goes wrong fails the test, and so does
//! one that comes right (`UPDATE_EXPECT=1` records either).
//!
//! `cargo test -p emcee-core --test it attendee -- --nocapture` prints the
//! report.

use emcee_core::index::{Filter, Target, session_text};
use emcee_core::kb::Documents;
use emcee_core::{Context, Engine, KnowledgeBase, Reply, Status};
use serde::Deserialize;

/// The share of the held-out half `/ask` answers rightly, less a margin:
/// under it is a regression. (The product aims at 90%; the README says
/// where it stands.)
const HELD_OUT_MIN: f64 = 0.45;

#[derive(Deserialize)]
struct QuestionSet {
    q: Vec<Question>,
}

#[derive(Deserialize)]
struct Question {
    ask: String,
    #[serde(default)]
    expect: Vec<String>,
    #[serde(default)]
    unanswerable: bool,
    half: String,
    about: String,
}

impl Question {
    fn tuning(&self) -> bool {
        self.half == "tune"
    }

    /// Whether a reply with this status and text answers the question rightly.
    fn right(&self, status: Status, text: &str) -> bool {
        if self.unanswerable {
            status == Status::NotFound
        } else {
            status == Status::Ok && self.expect.iter().any(|e| text.to_lowercase().contains(&e.to_lowercase()))
        }
    }
}

fn questions() -> Vec<Question> {
    let set: QuestionSet = toml::from_str(include_str!("../data/attendee.toml")).unwrap();
    set.q
}

/// The seed's biography and podcast, the three transcripts, and the
/// sample programme with the sessions the transcripts record.
pub(crate) fn engine() -> Engine {
    let mut docs: Documents = emcee_core::seed::documents();
    docs.transcripts.extend(super::transcripts::documents());
    let seed = emcee_core::seed::schedule();
    let mut sessions = seed.sessions.clone();
    sessions.extend(super::transcripts::programme().sessions);
    let schedule = emcee_core::Schedule::new(seed.conference.clone(), sessions);
    Engine::new(KnowledgeBase::build(&docs), schedule)
}

/// Keynote morning of the sample conference.
pub(crate) fn ctx() -> Context {
    Context { now: "2022-11-01T08:30:00Z".parse().unwrap(), seed: 1 }
}

fn text(reply: &Reply) -> String {
    emcee_core::render::plain_text(reply, emcee_core::render::Marks::NONE)
}

/// One question's outcome at any threshold: right if answered, right if
/// declined, and the score the answer was found with (`None`: from the
/// programme, given whatever the threshold).
struct Outcome {
    answered_right: bool,
    declined_right: bool,
    score: Option<f32>,
}

impl Outcome {
    fn right_at(&self, threshold: f32) -> bool {
        match self.score {
            Some(score) if score < threshold => self.declined_right,
            _ => self.answered_right,
        }
    }
}

/// The thresholds worth trying on `outcomes`: between each two scores.
fn thresholds(outcomes: &[&Outcome]) -> Vec<f32> {
    let mut scores: Vec<f32> = outcomes.iter().filter_map(|o| o.score).collect();
    scores.push(0.0);
    scores.push(1.5);
    scores.sort_by(f32::total_cmp);
    scores.dedup();
    scores.windows(2).map(|w| (w[0] + w[1]) / 2.0).collect()
}

fn accuracy(outcomes: &[&Outcome], threshold: f32) -> f64 {
    outcomes.iter().filter(|o| o.right_at(threshold)).count() as f64 / outcomes.len().max(1) as f64
}

/// The best accuracy any threshold reaches on `outcomes`, and the range of
/// thresholds that reach it.
fn best_thresholds(outcomes: &[&Outcome]) -> (f64, f32, f32) {
    let tried = thresholds(outcomes);
    let best = tried.iter().map(|&t| accuracy(outcomes, t)).fold(0.0, f64::max);
    let reaching: Vec<f32> = tried.into_iter().filter(|&t| accuracy(outcomes, t) >= best).collect();
    (best, reaching[0], reaching[reaching.len() - 1])
}

/// The baseline: the top BM25 passage or sentence of any kind, answered
/// when its score clears a threshold.
fn baseline(engine: &Engine, q: &Question) -> Outcome {
    let index = engine.warm().unwrap();
    let found = index.search(&q.ask, Filter::default(), 1);
    let Some(hit) = found.hits.first() else {
        return Outcome { answered_right: q.unanswerable, declined_right: q.unanswerable, score: Some(0.0) };
    };
    let text = match index.target(hit).unwrap() {
        Target::Quote(i) => engine.knowledge().quotes[*i].text.clone(),
        Target::Bio(sentence) => sentence.text.clone(),
        Target::Session(i) => session_text(&engine.schedule().sessions[*i]),
    };
    Outcome {
        answered_right: q.right(Status::Ok, &text),
        declined_right: q.unanswerable,
        // BM25 scores run to about 30: scaled so that thresholds compare.
        score: Some(hit.score / 30.0),
    }
}

#[test]
fn ask_answers_the_attendee_set() {
    let questions = questions();
    let unanswerable = questions.iter().filter(|q| q.unanswerable).count();
    assert!(questions.len() >= 200 && unanswerable * 4 >= questions.len(), "200 questions, a quarter unanswerable");
    let engine = engine();
    let ctx = ctx();
    let mut outcomes = Vec::new();
    let mut baselines = Vec::new();
    let mut wrong = Vec::new();
    for q in &questions {
        let considered = engine.consider(&q.ask, &ctx, None);
        let best = considered.best.as_ref().unwrap_or(&considered.reply);
        let outcome = Outcome {
            answered_right: q.right(best.status, &text(best)),
            declined_right: q.unanswerable,
            score: considered.score,
        };
        if !outcome.right_at(emcee_core::CONFIDENT) {
            let reply = &considered.reply;
            let score = considered.score.map_or(String::from("programme"), |s| format!("{s:.2}"));
            println!(
                "wrong [{}, {}, {score}] {}\n  -> [{}] {}",
                q.half,
                q.about,
                q.ask,
                reply.status.as_str(),
                text(reply).replace('\n', " ")
            );
            wrong.push(format!("{:8} [{}] {}", q.half, reply.status.as_str(), q.ask));
        }
        outcomes.push(outcome);
        baselines.push(baseline(&engine, q));
    }
    fn half<'o>(all: &'o [Outcome], questions: &[Question], tuning: bool) -> Vec<&'o Outcome> {
        all.iter().zip(questions).filter(|(_, q)| q.tuning() == tuning).map(|(o, _)| o).collect()
    }
    let (tune, held_out) = (half(&outcomes, &questions, true), half(&outcomes, &questions, false));
    let (best, low, high) = best_thresholds(&tune);
    let (base_tune, base_held_out) = (half(&baselines, &questions, true), half(&baselines, &questions, false));
    let (base_best, base_low, base_high) = best_thresholds(&base_tune);
    let base_threshold = (base_low + base_high) / 2.0;
    let held_out_accuracy = accuracy(&held_out, emcee_core::CONFIDENT);
    println!(
        "attendee set: {} questions ({} tuning, {} held out), {unanswerable} unanswerable",
        questions.len(),
        tune.len(),
        held_out.len()
    );
    println!(
        "/ask:     tuning {:.1}%, held out {:.1}% (threshold {}; best on tuning {:.1}% from {low:.2} to {high:.2})",
        accuracy(&tune, emcee_core::CONFIDENT) * 100.0,
        held_out_accuracy * 100.0,
        emcee_core::CONFIDENT,
        best * 100.0
    );
    println!(
        "baseline: tuning {:.1}%, held out {:.1}% (top BM25 passage, threshold {:.2} set on tuning)",
        base_best * 100.0,
        accuracy(&base_held_out, base_threshold) * 100.0,
        base_threshold * 30.0
    );
    assert!(
        (low..=high).contains(&emcee_core::CONFIDENT),
        "the threshold {} is not among the best on the tuning half ({low:.3} to {high:.3})",
        emcee_core::CONFIDENT
    );
    assert!(held_out_accuracy >= HELD_OUT_MIN, "held out: {held_out_accuracy:.3} is under {HELD_OUT_MIN}");
    expect_test::expect![[r#"
        held-out [ok] Kelsy hightower hometown?
        held-out [not_found] how old was hightower when his family moved to georgia
        held-out [not_found] why did kelsey drop out of college
        tune     [not_found] does kelsey have a computer science degree
        held-out [ok] whats kelseys wifes name
        tune     [ok] what IT certification does kelsey have
        held-out [not_found] What cert did hightower study for after leaving uni?
        held-out [ok] what was kelseys first job in tech
        held-out [ok] what did kelsey do at bellsouth
        tune     [ok] Which high school did kelsey go to in atlanta?
        held-out [not_found] did kelsey ever run his own business
        held-out [ok] what was the name of kelsey's shop in jonesboro
        tune     [ok] did kelsey ever work at google before he was famous
        held-out [ok] What is total systems called now?
        held-out [not_found] who discovered kelsey hightower
        tune     [ok] Who else co-founded kubecon with kelsey?
        held-out [not_found] when did kelsey join puppet
        tune     [ok] how did hightower end up getting hired at puppet labs
        tune     [ok] who was kelsey's manager at google
        tune     [ok] who published kubernetes up and running
        held-out [ok] which portland startup did kelsey work for
        tune     [not_found] Where did kelsey write his first open source project?
        tune     [ok] is there a second edition of kelsey's kubernetes book
        held-out [not_found] was kelsey an early employee at CoreOS?
        held-out [not_found] When did kelsey hightower join google?
        held-out [not_found] is kelsey a manager or an IC
        tune     [ok] what is kelsey doing now that he's retired from google
        held-out [not_found] When did kelsey hightower leave google?
        held-out [ok] where does kelsey live now
        held-out [ok] whats kelsey up to these days
        held-out [ok] what is kelsey hightower famous for
        held-out [ok] what was kelsey's level at google before he made distinguished
        tune     [not_found] what did kelsey do at oscon
        tune     [not_found] Whats kelsey's nationality?
        tune     [ok] what does kelsey hightower do for a living
        held-out [not_found] people similar to kelsey hightower
        held-out [not_found] Kelsy hightwoer kuberentes contributions?
        tune     [ok] What did hightower do before puppet?
        held-out [ok] is kelsey still at google?
        tune     [not_found] where's kelsey from
        held-out [not_found] Where does marc dillon work?
        held-out [not_found] whats marcs job
        held-out [ok] what is season 3 of devops sauna about
        held-out [ok] what's the name of the wife kelsey took to vegas
        held-out [not_found] what was kelsey into back in 2007
        held-out [not_found] What was kelsey's 'one trick' around 2011?
        tune     [not_found] how did kelsey end up emceeing gophercon
        held-out [ok] how long has kelsey been working on serverless
        tune     [not_found] how does kelsey stay so focused
        held-out [ok] which wasm startups did kelsey talk about
        tune     [not_found] what new area is kelsey learning about on the podcast
        tune     [ok] at which conference did someone challenge kelsey about kubernetes consistency
        held-out [ok] kelsey's advice for getting really good at something
        tune     [not_found] what improv rule did andy bring up
        tune     [ok] How old was kelsey when he was on devops sauna?
        held-out [not_found] how much of a new technology is the same as the old one, according to kelsey
        tune     [not_found] what instrument does marc play
        held-out [ok] how does kelsey find the energy to talk to everyone at a conference
        tune     [ok] what tools did kelsey recommend for supply chain security in his keynote
        held-out [ok] what does kelsey tell people who are just starting out
        held-out [ok] what did kelsey help build at coreos
        tune     [not_found] how does kelsey deal with toxic replies on social media
        held-out [not_found] How does kelsey recharge after a conference?
        held-out [ok] how does kelsey plan his day
        tune     [ok] what does kelsey think about webassembly
        tune     [ok] What did kelsey want to be when he grew up?
        tune     [not_found] when did kelsey realise he was on the right path
        held-out [ok] what was kelseys first big conference talk
        held-out [not_found] How long did andy and kelsey talk after the copenhagen keynote?
        tune     [not_found] how did kelsey introduce himself at the end of the podcast
        held-out [ok] is kelsey's keynote going to be livestreamed
        held-out [ok] what's the last session of the conference
        held-out [ok] what did dave hoover do before programming
        held-out [ok] How did dave hoover get into tech?
        held-out [ok] how did the aprenticeship patterns book start
        tune     [ok] Where does ade oshineye work?
        held-out [ok] why did apprenticeship patterns take 4 years to publish
        tune     [not_found] what architecture book influenced dave hoover
        tune     [not_found] where does dave's co-author live
        held-out [ok] What company did dave join after thoughtworks?
        tune     [ok] what was the name of dave hoover's first programming job
        tune     [not_found] what's the risk of moving into management too early according to dave
        tune     [ok] Books dave hoover recommends for new team leads?
        tune     [not_found] what crypto company did dave join in 2016
        tune     [ok] what would dave change about apprenticeship patterns today
        tune     [ok] which version of openssh added agent restrictions
        tune     [ok] what game did he make in the ssh login
        held-out [ok] what did people use before ssh
        tune     [not_found] Why did his dns host key fingerprint setup break?
        held-out [ok] should i change my ssh port from 22
        held-out [ok] what is endless ssh
        tune     [ok] does the ssh hacks speaker recommend fail2ban
        held-out [ok] Can one server speak both http and ssh on the same port?
        held-out [ok] which company does the sexy ssh hacks speaker work for
        held-out [ok] can someone find out who i am from my ssh public key
        held-out [not_found] how do i make repeated ssh connections faster
        held-out [ok] Is password login mandatory in the ssh spec?
        held-out [not_found] where did the speaker find the ssh 1 source code
        tune     [ok] who moderated the sovereign ai panel
        tune     [ok] what does michael bradley's company do
        tune     [not_found] why does nua software need its data to stay in europe
        held-out [not_found] why would a canteen tray photo be a privacy issue
        held-out [not_found] which cloud provider does michael bradley's startup use
        tune     [ok] what does nvdia mean by ai factories
        held-out [not_found] what is marcus hacker's job at nvidia
        held-out [not_found] What kind of answer do you get when you ask chatgpt?
        tune     [not_found] which translation company was mentioned on the sovereign ai panel
        tune     [not_found] what is northern data's ai accelerator programme
        held-out [not_found] what's europe's biggest problem for ai according to michael bradley
        held-out [not_found] where is the nvidia booth at wearedevelopers
        held-out [not_found] how does northern data keep its gpus sustainable
        tune     [not_found] how many train drivers is deutsche bahn short
        held-out [not_found] What is the leam project?"#]]
    .assert_eq(&wrong.join("\n"));
}
