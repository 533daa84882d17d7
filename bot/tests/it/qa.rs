//! `/qa` from the outside: audience questions asked, voted and marked
//! through the dispatcher on both backends, a crowd's votes counted once
//! each, and the **Upvote** button through Slack's and Discord's signed
//! routes, where a vote replaces the question with its new count.

use std::sync::Arc;

use emcee::clock::Clock;
use emcee::dispatch::{Dispatcher, Origin, Platform, Usage};
use emcee::store::Store;
use emcee::usage::spill::{SPILL_FILE, Spill};
use emcee::usage::{UserKeyer, writer};
use emcee_core::reply::Status;
use serde_json::{Value, json};

use crate::agenda::{
    KEYNOTE, answered, bot, fake_slack, keynote_id, origin, send, slack_click, slack_command, slack_signed,
};
use crate::support;

fn organiser(platform: Platform, user: &str) -> Origin {
    Origin { organiser: true, ..origin(platform, user) }
}

/// The number a reply gives a question: in a card's title (`Question 12
/// for …`), or in what the asker is told (`… posted here as question 12`).
fn number(reply: &emcee_core::Reply) -> i64 {
    let text = reply.title.as_deref().unwrap_or(&reply.body).to_ascii_lowercase();
    let digits =
        |at: usize| text[at + "question ".len()..].chars().take_while(char::is_ascii_digit).collect::<String>();
    let found = text.match_indices("question ").map(|(at, _)| digits(at)).find(|n| !n.is_empty());
    found.unwrap_or_else(|| panic!("no number in {text}")).parse().unwrap()
}

#[tokio::test]
async fn questions_are_asked_voted_marked_and_listed_on_both_backends() {
    for db in support::backends().await {
        let backend = db.backend;
        let bot = bot(&db, "http://127.0.0.1:9").await;
        let (ana, ben, cy) =
            (origin(Platform::Slack, "U0ANA"), origin(Platform::Slack, "U0BEN"), origin(Platform::Discord, "13"));
        // The keynote is on at the bot's pinned time, the only session then: no room is needed.
        let asked = bot.dispatcher.answer(&ana, "/qa ask How do you sign container images?").await;
        assert_eq!(asked.status, Status::Ok, "{backend}: {}", asked.body);
        assert!(asked.body.contains(&format!("for “{KEYNOTE}” is posted here")), "{backend}: {}", asked.body);
        assert!(asked.body.contains("without your name") && !asked.post, "{backend}: {}", asked.body);
        let first = number(&asked);
        // Where no board posts (Discord without a token here), the asker gets the question itself.
        let card = bot.dispatcher.answer(&cy, "/qa ask How small can a team be?").await;
        assert!(!card.post && card.asker.is_none(), "{backend}: anonymous, and not a post");
        assert_eq!(card.offer.as_ref().unwrap().label, "Upvote (0)");
        assert_eq!(card.fields[0].value, "0 votes · asked anonymously");

        // The same question again, in other words' case: a vote for the first, not a second post.
        let again = bot.dispatcher.answer(&ben, "/qa ask how do you sign container images").await;
        assert!(again.body.contains(&format!("question {first}, and your vote")), "{backend}: {}", again.body);
        // A vote, and a second press taking it back.
        let voted = bot.dispatcher.answer(&cy, &format!("/qa vote {first}")).await;
        assert_eq!(voted.offer.as_ref().unwrap().label, "Upvote (2)", "{backend}: {}", voted.body);
        let unvoted = bot.dispatcher.answer(&cy, &format!("/qa vote {first}")).await;
        assert_eq!(unvoted.offer.as_ref().unwrap().label, "Upvote (1)", "{backend}");

        let named = bot.dispatcher.answer(&cy, "/qa ask name:yes What comes after SBOMs?").await;
        assert_eq!(named.asker.as_deref(), Some("13"), "{backend}: shown with the asker's name when they chose");
        let second = number(&named);
        let top = bot.dispatcher.answer(&ben, "/qa top").await;
        let lines: Vec<&str> = top.body.lines().collect();
        assert!(lines[0].starts_with("1. How do you sign container images? (1 vote"), "{backend}: {}", top.body);
        assert!(lines[1].starts_with("2. How small can a team be? (0 votes"), "{backend}: {}", top.body);
        assert!(lines[2].starts_with("3. What comes after SBOMs? (0 votes"), "{backend}: {}", top.body);

        // Marks are the organisers'; the host's list follows them.
        let refused = bot.dispatcher.answer(&ben, &format!("/qa pin {second}")).await;
        assert_eq!(refused.status, Status::Denied, "{backend}");
        let org = organiser(Platform::Slack, "U0ORG");
        assert_eq!(bot.dispatcher.answer(&org, &format!("/qa pin {second}")).await.status, Status::Ok);
        assert_eq!(bot.dispatcher.answer(&org, &format!("/qa answered {first}")).await.status, Status::Ok);
        let top = bot.dispatcher.answer(&ben, &format!("/qa top {}", keynote_id(&bot))).await;
        assert!(top.body.starts_with("1. What comes after SBOMs? (0 votes"), "{backend}: {}", top.body);
        assert!(top.body.contains(", pinned)"), "{backend}: {}", top.body);
        assert!(top.body.contains("answered"), "{backend}: {}", top.body);
        bot.dispatcher.answer(&org, &format!("/qa hide {second}")).await;
        let top = bot.dispatcher.answer(&ben, "/qa top").await;
        assert!(!top.body.contains("SBOMs"), "{backend}: hidden from the list: {}", top.body);
        let stored = bot.store.qa_questions(&keynote_id(&bot)).await.unwrap();
        assert!(stored.iter().any(|q| q.id == second && q.hidden), "{backend}: kept");
        bot.dispatcher.answer(&org, &format!("/qa remove {first}")).await;
        let gone = bot.dispatcher.answer(&cy, &format!("/qa vote {first}")).await;
        assert!(gone.offer.is_none() && gone.body.contains("removed"), "{backend}: {}", gone.body);
        let stored = bot.store.qa_question(first).await.unwrap().unwrap();
        assert_eq!(stored.votes, 1, "{backend}: a question taken down takes no votes");
        let asked_again = bot.dispatcher.answer(&cy, "/qa ask How do you sign container images?").await;
        assert!(asked_again.body.contains("took it down"), "{backend}: {}", asked_again.body);
        // A Slack asker's id is not written on Discord, where it names no one.
        let theirs = number(&bot.dispatcher.answer(&ana, "/qa ask name:yes Who maintains it?").await);
        let again_theirs = bot.dispatcher.answer(&ana, "/qa ask name:yes Who maintains it?").await;
        assert!(again_theirs.body.contains("1 vote."), "{backend}: {}", again_theirs.body);
        let seen = bot.dispatcher.answer(&cy, &format!("/qa vote {theirs}")).await;
        assert_eq!((seen.asker.as_deref(), seen.fields[0].value.as_str()), (None, "2 votes"), "{backend}");
        assert_eq!(bot.dispatcher.answer(&cy, "/qa vote 99999").await.status, Status::NotFound);

        // One person's flood stops at the limit; the others' questions still come.
        let mut statuses = Vec::new();
        for n in 0..6 {
            statuses.push(bot.dispatcher.answer(&ben, &format!("/qa ask flood number {n}?")).await.status);
        }
        assert_eq!(statuses.iter().filter(|s| **s == Status::Ok).count(), 5, "{backend}: {statuses:?}");
        assert_eq!(statuses[5], Status::Invalid, "{backend}");
        let masked = bot.dispatcher.answer(&ana, "/qa ask see [the docs](https://evil.example)").await;
        assert_eq!(masked.status, Status::Invalid, "{backend}");
        // `/stats` counts what is left up: the removed question is not.
        let summary = bot.store.summary(jiff::Timestamp::UNIX_EPOCH, jiff::Timestamp::now()).await.unwrap();
        assert_eq!(summary.audience, emcee_core::stats::Audience { questions: 8, answered: 0, votes: 2 }, "{backend}");
        // Forgetting Ana takes back her vote and her name, and keeps her question for those who voted.
        bot.dispatcher.answer(&ana, "/agenda forget").await;
        let kept = bot.store.qa_question(theirs).await.unwrap().unwrap();
        assert_eq!(
            (kept.votes, kept.asker.as_deref(), kept.text.as_str()),
            (1, None, "Who maintains it?"),
            "{backend}"
        );
        bot.writer.stop().await;
        db.remove().await;
    }
}

/// A speaker's account, linked by an organiser, marks the questions of
/// that speaker's sessions and no others; the same id on another platform
/// is another account; unlinking, or forgetting the account, ends it.
#[tokio::test]
async fn a_linked_speaker_marks_their_own_sessions_questions_only() {
    for db in support::backends().await {
        let backend = db.backend;
        let bot = bot(&db, "http://127.0.0.1:9").await;
        let (org, ana) = (organiser(Platform::Slack, "U0ORG"), origin(Platform::Slack, "U0ANA"));
        let speaker = origin(Platform::Slack, "U0SPEAKS");
        let id = number(&bot.dispatcher.answer(&ana, "/qa ask Which signature format wins?").await);
        let schedule = bot.dispatcher.engine().schedule().clone();
        let keynote = schedule.sessions.iter().find(|s| s.title == KEYNOTE).unwrap();
        let theirs = &keynote.speakers[0];
        let other = schedule.sessions.iter().flat_map(|s| &s.speakers).find(|p| !keynote.speakers.contains(p)).unwrap();
        let pin = format!("/qa pin {id}");

        assert_eq!(bot.dispatcher.answer(&speaker, &pin).await.status, Status::Denied, "{backend}");
        let wrong = bot.dispatcher.answer(&org, &format!("/qa speaker {other} U0SPEAKS")).await;
        assert_eq!(wrong.status, Status::Ok, "{backend}: {}", wrong.body);
        let denied = bot.dispatcher.answer(&speaker, &pin).await;
        assert_eq!(denied.status, Status::Denied, "{backend}: another speaker's account");
        assert!(denied.body.contains(&format!("speakers of “{KEYNOTE}”")), "{backend}: {}", denied.body);

        let name = theirs.to_uppercase();
        let linked = bot.dispatcher.answer(&org, &format!("/qa speaker {name} <@U0SPEAKS|speaks>")).await;
        assert!(
            linked.body.contains(&format!("That Slack account now marks the questions of {theirs}'s")),
            "{backend}: {}",
            linked.body
        );
        assert_eq!(bot.dispatcher.answer(&speaker, &pin).await.status, Status::Ok, "{backend}");
        assert_eq!(bot.dispatcher.answer(&speaker, &format!("/qa answered {id}")).await.status, Status::Ok);
        let on_discord = origin(Platform::Discord, "U0SPEAKS");
        assert_eq!(bot.dispatcher.answer(&on_discord, &pin).await.status, Status::Denied, "{backend}");
        let removing = bot.dispatcher.answer(&speaker, &format!("/qa remove {id}")).await;
        assert_eq!(removing.status, Status::Denied, "{backend}: removal stays the organisers'");
        let stored = bot.store.qa_question(id).await.unwrap().unwrap();
        assert!(stored.pinned && stored.answered && !stored.removed, "{backend}: {stored:?}");

        let named = bot.dispatcher.answer(&org, &format!("/qa speaker {theirs} @speaks")).await;
        assert_eq!(named.status, Status::Invalid, "{backend}: a display name is not an account");
        let nobody = bot.dispatcher.answer(&org, "/qa speaker Zebedee Quux U0SPEAKS").await;
        assert_eq!(nobody.status, Status::NotFound, "{backend}: {}", nobody.body);
        // The usage log keeps the commands, without the account.
        let mut logged = Vec::new();
        for _ in 0..100 {
            logged = bot.store.events().await.unwrap().into_iter().filter_map(|e| e.query).collect();
            if logged.iter().filter(|q| q.ends_with("<account>")).count() == 4 {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        assert_eq!(logged.iter().filter(|q| q.ends_with("<account>")).count(), 4, "{backend}: {logged:?}");
        assert!(!logged.iter().any(|q| q.contains("U0SPEAKS")), "{backend}: no account id logged: {logged:?}");

        let off = bot.dispatcher.answer(&org, &format!("/qa speaker {} off", theirs.to_lowercase())).await;
        assert!(off.body.contains("(1 unlinked)"), "{backend}: {}", off.body);
        let on_terminal = bot
            .dispatcher
            .answer(&organiser(Platform::Terminal, "op"), &format!("/qa speaker {theirs} U0SPEAKS"))
            .await;
        assert_eq!(on_terminal.status, Status::Invalid, "{backend}: an account is a platform's");
        assert_eq!(bot.dispatcher.answer(&speaker, &pin).await.status, Status::Denied, "{backend}");

        bot.dispatcher.answer(&org, &format!("/qa speaker {theirs} U0SPEAKS")).await;
        bot.dispatcher.answer(&speaker, &format!("/qa hide {id}")).await;
        bot.dispatcher.answer(&speaker, "/agenda forget").await;
        assert_eq!(bot.dispatcher.answer(&speaker, &pin).await.status, Status::Denied, "{backend}: forgotten");
        let kept = bot.store.qa_question(id).await.unwrap().unwrap();
        assert!(kept.hidden && kept.answered, "{backend}: their marks stay");

        // What paces an asker is kept no longer than the usage log.
        let askers = || async {
            let sql = "SELECT COUNT(*) FROM qa_askers";
            match &bot.store {
                Store::Postgres(pool) => sqlx::query_scalar::<_, i64>(sql).fetch_one(pool).await.unwrap(),
                Store::Sqlite(pool) => sqlx::query_scalar::<_, i64>(sql).fetch_one(pool).await.unwrap(),
            }
        };
        assert_eq!(askers().await, 1, "{backend}: Ana asked");
        bot.store.prune(jiff::Timestamp::now() - jiff::SignedDuration::from_hours(1)).await.unwrap();
        assert_eq!(askers().await, 1, "{backend}: within the window kept");
        bot.store.prune(jiff::Timestamp::now() + jiff::SignedDuration::from_secs(1)).await.unwrap();
        assert_eq!(askers().await, 0, "{backend}: pruned with the log");
        // Nothing keeps the speaker's key or id once forgotten: not their marks, nor the usage log.
        let keyed = emcee::usage::UserKeyer::new(b"k").key("slack", "U0SPEAKS");
        let marks = "SELECT COUNT(*) FROM qa_questions WHERE answered_by = $1 OR hidden_by = $1";
        let left = match &bot.store {
            Store::Postgres(pool) => sqlx::query_scalar::<_, i64>(marks).bind(&keyed).fetch_one(pool).await.unwrap(),
            Store::Sqlite(pool) => sqlx::query_scalar::<_, i64>(marks).bind(&keyed).fetch_one(pool).await.unwrap(),
        };
        assert_eq!(left, 0, "{backend}: marks unsigned");
        bot.writer.stop().await;
        db.remove().await;
    }
}

/// In a direct message with the bot no one else would see a question, so
/// none is asked there and no session offers the form.
#[tokio::test]
async fn questions_are_asked_in_channels_not_in_direct_messages() {
    let db = support::sqlite();
    let bot = bot(&db, "http://127.0.0.1:9").await;
    let in_channel = origin(Platform::Slack, "U0ANA");
    let slack_dm = Origin { channel: "D0ANA".into(), ..in_channel.clone() };
    let discord_dm = Origin { workspace: String::new(), ..origin(Platform::Discord, "13") };
    for dm in [&slack_dm, &discord_dm] {
        let refused = bot.dispatcher.answer(dm, "/qa ask Is this recorded?").await;
        assert_eq!(refused.status, Status::Invalid, "{dm:?}");
        assert!(refused.body.starts_with("Ask in a channel"), "{}", refused.body);
        let now = bot.dispatcher.answer(dm, "/talks now").await;
        assert!(!now.sessions.is_empty() && now.sessions.iter().all(|s| !s.asking), "{dm:?}");
    }
    let now = bot.dispatcher.answer(&in_channel, "/talks now").await;
    assert!(now.sessions.iter().any(|s| s.asking), "a channel is offered the form");
    assert_eq!(bot.dispatcher.answer(&in_channel, "/qa ask Is this recorded?").await.status, Status::Ok);
    assert!(bot.store.qa_questions(&keynote_id(&bot)).await.unwrap().len() == 1, "only the channel's question");
    bot.writer.stop().await;
}

/// A channel tied to a room asks the session on there; a session whose
/// questions have closed says when they did, and takes no more votes.
#[tokio::test]
async fn a_room_s_channel_asks_its_session_and_closed_sessions_say_so() {
    let db = support::sqlite();
    let bot = bot(&db, "http://127.0.0.1:9").await;
    let org = organiser(Platform::Slack, "U0ORG");
    let unknown = bot.dispatcher.answer(&org, "/qa room the moon").await;
    assert_eq!(unknown.status, Status::NotFound, "{}", unknown.body);
    assert!(unknown.suggestions.iter().any(|r| r == "Main Stage"), "{:?}", unknown.suggestions);
    assert_eq!(bot.dispatcher.answer(&org, "/qa room main stage").await.status, Status::Ok);
    assert_eq!(
        bot.dispatcher.answer(&origin(Platform::Slack, "U0ANA"), "/qa room Room 2").await.status,
        Status::Denied
    );
    let asked = bot.dispatcher.answer(&origin(Platform::Slack, "U0ANA"), "/qa ask Is it signed end to end?").await;
    let id = number(&asked);

    // The same store, an hour and a half later: the keynote's questions closed at 10:15.
    let store = bot.store.clone();
    let state = tempfile::tempdir().unwrap();
    let (log, later_writer) =
        writer::start(store.clone(), Spill::new(state.path().join(SPILL_FILE)), writer::Options::default());
    let usage = Usage { log, keyer: UserKeyer::new(b"k"), store, store_queries: true };
    let later =
        Dispatcher::new(support::seed_engine(), Clock::Pinned("2022-11-01T09:20:00Z".parse().unwrap()), Some(usage));
    let ana = origin(Platform::Slack, "U0ANA");
    let closed = later.answer(&ana, &format!("/qa vote {id}")).await;
    assert_eq!(closed.status, Status::Invalid);
    assert!(closed.body.contains("closed at 10:15"), "{}", closed.body);
    let nothing = later.answer(&ana, "/qa ask anyone there?").await;
    assert!(nothing.body.starts_with("Nothing is on in Main Stage now."), "{}", nothing.body);
    let early = later.answer(&ana, "/qa ask session:observability How small is small?").await;
    assert!(early.body.contains("open at 13:50"), "{}", early.body);
    // The host's list is there after the session.
    let top = later.answer(&ana, "/qa top").await;
    assert!(top.body.contains("Is it signed end to end?"), "{}", top.body);
    later_writer.stop().await;
    bot.writer.stop().await;
}

/// Two hundred people pressing Upvote on one question at once, and then
/// again: every vote counted once, and every second press taking its vote
/// back; twenty asking one question at once store it once.
#[tokio::test]
async fn a_crowd_s_votes_are_each_counted_once() {
    for db in support::backends().await {
        let backend = db.backend;
        let bot = bot(&db, "http://127.0.0.1:9").await;
        let asked =
            bot.dispatcher.answer(&origin(Platform::Slack, "U0ANA"), "/qa ask Will the slides be shared?").await;
        let id = number(&asked);
        let dispatcher: Arc<Dispatcher> = bot.dispatcher.clone();
        let press = |round: usize| {
            let tasks: Vec<_> = (0..200)
                .map(|n| {
                    let dispatcher = dispatcher.clone();
                    tokio::spawn(async move {
                        let who = origin(Platform::Discord, &format!("{}", 1000 + n));
                        let reply = dispatcher.answer(&who, &format!("/qa vote {id}")).await;
                        assert_eq!(reply.status, Status::Ok, "round {round}: {}", reply.body);
                    })
                })
                .collect();
            futures_util::future::join_all(tasks)
        };
        for result in press(1).await {
            result.unwrap();
        }
        let counted = bot.store.qa_question(id).await.unwrap().unwrap();
        assert_eq!(counted.votes, 200, "{backend}");
        for result in press(2).await {
            result.unwrap();
        }
        assert_eq!(bot.store.qa_question(id).await.unwrap().unwrap().votes, 0, "{backend}");
        // Twenty people asking the same question at once: one question, and nineteen votes for it.
        let same: Vec<_> = (0..20)
            .map(|n| {
                let dispatcher = dispatcher.clone();
                tokio::spawn(async move {
                    let who = origin(Platform::Slack, &format!("U0SAME{n}"));
                    dispatcher.answer(&who, "/qa ask Where are the slides?").await
                })
            })
            .collect();
        for reply in futures_util::future::join_all(same).await {
            let reply = reply.unwrap();
            assert_eq!(reply.status, Status::Ok, "{backend}: {}", reply.body);
        }
        let stored = bot.store.qa_questions(&keynote_id(&bot)).await.unwrap();
        let slides: Vec<_> = stored.iter().filter(|q| q.text == "Where are the slides?").collect();
        assert_eq!(slides.len(), 1, "{backend}");
        assert_eq!(slides[0].votes, 19, "{backend}");
        bot.writer.stop().await;
        db.remove().await;
    }
}

/// One person's questions asked all at once (two devices, a script) are
/// counted against their limit one after another: five stored, never more.
#[tokio::test]
async fn one_person_s_questions_at_once_stop_at_the_limit() {
    for db in support::backends().await {
        let backend = db.backend;
        let bot = bot(&db, "http://127.0.0.1:9").await;
        let session = keynote_id(&bot);
        let now = jiff::Timestamp::now().as_second();
        let asks: Vec<_> = (0..20)
            .map(|n| {
                let (store, session) = (bot.store.clone(), session.clone());
                tokio::spawn(async move {
                    let text = format!("Question {n} from one person?");
                    let ask = emcee::store::QaAsk {
                        platform: "slack",
                        workspace: "T0001",
                        channel: "C0GENERAL",
                        session_id: &session,
                        question: &text,
                        folded: &emcee_core::text::fold(&text),
                        user_key: "one-person",
                        asker: None,
                        now,
                        per_person: 5,
                        per_window: 600,
                    };
                    store.ask_qa(&ask).await.unwrap()
                })
            })
            .collect();
        let mut new = 0;
        for asked in futures_util::future::join_all(asks).await {
            match asked.unwrap() {
                emcee::store::QaAsked::New(_) => new += 1,
                emcee::store::QaAsked::Limited => {}
                other => panic!("{backend}: {other:?}"),
            }
        }
        assert_eq!(new, 5, "{backend}");
        assert_eq!(bot.store.qa_questions(&session).await.unwrap().len(), 5, "{backend}");
        bot.writer.stop().await;
        db.remove().await;
    }
}

/// The Upvote button's value as Slack sends it back.
pub(crate) fn upvote(message: &Value) -> Value {
    let buttons: Vec<Value> = message["blocks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|b| b["type"] == "actions")
        .flat_map(|b| b["elements"].as_array().unwrap().clone())
        .collect();
    buttons.into_iter().find(|b| b["text"]["text"].as_str().unwrap().starts_with("Upvote")).expect("an Upvote button")
}

/// On Slack the asker is answered privately and the question posted by
/// the bot (a command's own reply in the channel would name who ran it);
/// each press of **Upvote** replaces the post through its response_url;
/// an organiser's removal takes the post down.
#[tokio::test]
async fn on_slack_a_question_is_posted_by_the_bot_and_each_vote_updates_it() {
    let (api, sent) = fake_slack().await;
    let db = support::sqlite();
    let bot = bot(&db, &api).await;
    let response_url = format!("{api}/response/qa");
    let (_, _, text) = send(&bot.router, slack_command("/qa", "ask What was the hardest bug?", &response_url)).await;
    let told: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(told["response_type"], "ephemeral", "the asker's command stays theirs: {told}");
    let posted = answered(&sent, "/chat.postMessage", 1).await;
    assert_eq!(posted["channel"], "C0GENERAL");
    let shown = posted.to_string();
    assert!(shown.contains("What was the hardest bug?") && shown.contains("asked anonymously"), "{shown}");
    assert!(!shown.contains("U0ANA"), "the post names no one: {shown}");
    let button = upvote(&posted);
    assert_eq!(button["text"]["text"], "Upvote (0)");
    send(&bot.router, slack_click(&button, &response_url)).await;
    let updated = answered(&sent, "/response/qa", 1).await;
    assert_eq!(updated["replace_original"], true, "the post itself shows the count: {updated}");
    assert_eq!(upvote(&updated)["text"]["text"], "Upvote (1)");
    send(&bot.router, slack_click(&upvote(&updated), &response_url)).await;
    let taken_back = answered(&sent, "/response/qa", 2).await;
    assert_eq!(upvote(&taken_back)["text"]["text"], "Upvote (0)", "a second press takes the vote back");
    // A press's own reply is the update: no chat.update follows it.
    tokio::time::sleep(std::time::Duration::from_millis(2_500)).await;
    assert!(!sent.lock().unwrap().iter().any(|(path, _)| path.ends_with("/chat.update")), "no update for a press");
    let id = button["value"].as_str().unwrap().strip_prefix("qa-vote:").unwrap().to_string();
    bot.dispatcher.answer(&organiser(Platform::Slack, "U0ORG"), &format!("/qa remove {id}")).await;
    let deleted = answered(&sent, "/chat.delete", 1).await;
    assert_eq!((deleted["channel"].as_str(), deleted["ts"].as_str()), (Some("C0GENERAL"), Some("1700000000.000100")));
    // A question with a hidden link is refused, to the asker alone.
    let (_, _, text) =
        send(&bot.router, slack_command("/qa", "ask read <https://evil.example|this>", &response_url)).await;
    let refused: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(refused["response_type"], "ephemeral", "{refused}");
    bot.writer.stop().await;
}

/// Votes cast with `/qa vote` (or by pressing at once) show on the post
/// too: all the votes of a moment by one `chat.update`, not one each.
#[tokio::test]
async fn votes_cast_together_update_the_post_once() {
    let (api, sent) = fake_slack().await;
    let db = support::sqlite();
    let bot = bot(&db, &api).await;
    let response_url = format!("{api}/response/qa");
    send(&bot.router, slack_command("/qa", "ask Will the slides be shared?", &response_url)).await;
    let posted = answered(&sent, "/chat.postMessage", 1).await;
    let id = upvote(&posted)["value"].as_str().unwrap().strip_prefix("qa-vote:").unwrap().to_string();
    for voter in 0..6 {
        let reply = bot
            .dispatcher
            .answer(&origin(Platform::Slack, &format!("U0VOTER{voter}")), &format!("/qa vote {id}"))
            .await;
        assert_eq!(reply.status, Status::Ok, "{}", reply.body);
    }
    let updated = answered(&sent, "/chat.update", 1).await;
    assert_eq!(updated["ts"], "1700000000.000100", "the post itself is updated: {updated}");
    assert_eq!(upvote(&updated)["text"]["text"], "Upvote (6)");
    // No update for each vote: one for the moment's six.
    tokio::time::sleep(std::time::Duration::from_secs(3)).await;
    let updates = sent.lock().unwrap().iter().filter(|(path, _)| path.ends_with("/chat.update")).count();
    assert!(updates <= 2, "six votes took {updates} updates");
    bot.writer.stop().await;
}

/// On Slack a session taking questions has **Ask the speaker** beside it;
/// it opens a form, and what is sent with it is asked of that session in
/// the channel the button was in, answered to the asker through the
/// button's response_url.
#[tokio::test]
async fn on_slack_ask_the_speaker_opens_a_form_whose_question_is_posted() {
    let (api, sent) = fake_slack().await;
    let db = support::sqlite();
    let bot = bot(&db, &api).await;
    let response_url = format!("{api}/response/ask");
    let (_, _, text) = send(&bot.router, slack_command("/talks", "now", &response_url)).await;
    let now: Value = serde_json::from_str(&text).unwrap();
    let accessories: Vec<&Value> =
        now["blocks"].as_array().unwrap().iter().filter_map(|b| b.get("accessory")).collect();
    let button =
        accessories.iter().find(|a| a["action_id"].as_str().unwrap().starts_with("qa_ask")).expect("Ask the speaker");
    assert_eq!(
        (button["text"]["text"].as_str(), button["value"].as_str()),
        (Some("Ask the speaker"), Some(keynote_id(&bot).as_str()))
    );

    send(&bot.router, slack_click(button, &response_url)).await;
    let form = answered(&sent, "/views.open", 1).await;
    assert_eq!(form["view"]["callback_id"], "qa_ask", "{form}");
    assert!(form.to_string().contains(KEYNOTE), "the form names the session: {form}");
    let payload = form_sent(&form, "Is there a <!channel> here?");
    let (status, _, body) = send(
        &bot.router,
        slack_signed("/slack/interactivity", serde_urlencoded::to_string([("payload", payload.to_string())]).unwrap()),
    )
    .await;
    assert_eq!((status.as_u16(), body.as_str()), (200, ""), "the form closes");
    let posted = answered(&sent, "/chat.postMessage", 1).await;
    assert_eq!(posted["channel"], "C0GENERAL", "posted where the button was: {posted}");
    assert!(posted.to_string().contains("Is there a") && !posted.to_string().contains("<!channel>"), "inert: {posted}");
    let told = answered(&sent, "/response/ask", 1).await;
    assert_eq!((told["response_type"].as_str(), told["replace_original"].as_bool()), (Some("ephemeral"), Some(false)));
    assert!(told.to_string().contains("is posted here as question"), "{told}");
    bot.writer.stop().await;
}

/// The **Ask the speaker** form opened with `views.open` as `form`,
/// sent with `question` typed in, as Slack describes it.
pub(crate) fn form_sent(form: &Value, question: &str) -> Value {
    json!({
        "type": "view_submission", "team": { "id": "T0001" }, "user": { "id": "U0ANA" }, "api_app_id": "A0123",
        "trigger_id": "1.2",
        "view": {
            "id": "V0001", "team_id": "T0001", "type": "modal", "hash": "1.a",
            "title": { "type": "plain_text", "text": "Ask the speaker" }, "blocks": [],
            "callback_id": "qa_ask", "private_metadata": form["view"]["private_metadata"],
            "state": { "values": { "question": { "question": { "type": "plain_text_input", "value": question } } } }
        }
    })
}

/// As a session ends, its questions are posted for the host in one
/// message, in the channel they were posted in: once, however often (or by
/// however many replicas) ended sessions are looked for.
#[tokio::test]
async fn as_a_session_ends_its_questions_are_posted_for_the_host_once() {
    for db in support::backends().await {
        let backend = db.backend;
        let (api, sent) = fake_slack().await;
        let bot = bot(&db, &api).await;
        let response_url = format!("{api}/response/end");
        send(&bot.router, slack_command("/qa", "ask Which signing tool first?", &response_url)).await;
        let posted = answered(&sent, "/chat.postMessage", 1).await;
        let id = upvote(&posted)["value"].as_str().unwrap().strip_prefix("qa-vote:").unwrap().to_string();
        bot.dispatcher.answer(&origin(Platform::Slack, "U0BEN"), &format!("/qa vote {id}")).await;
        let end = bot.dispatcher.engine().schedule().sessions.iter().find(|s| s.title == KEYNOTE).unwrap().end;
        let minute = jiff::SignedDuration::from_mins(1);
        let wrap_up = |bot: &crate::agenda::Bot, at: jiff::Timestamp| {
            let dispatcher = bot.dispatcher.clone();
            async move { dispatcher.qa_wrap_up(at).await.unwrap() }
        };

        assert_eq!(wrap_up(&bot, end - minute).await, 0, "{backend}: not before it ends");
        assert_eq!(wrap_up(&bot, end + minute).await, 1, "{backend}");
        let summary = answered(&sent, "/chat.postMessage", 2).await;
        assert_eq!(summary["channel"], "C0GENERAL", "{backend}");
        let text = summary.to_string();
        assert!(text.contains(&format!("Questions for “{KEYNOTE}”, as it ends")), "{backend}: {text}");
        assert!(
            text.contains("1 question, 0 answered, 1 vote.") && text.contains("Which signing tool first?"),
            "{text}"
        );
        assert_eq!(wrap_up(&bot, end + minute * 2).await, 0, "{backend}: posted once");
        let other = crate::agenda::bot(&db, &api).await;
        assert_eq!(wrap_up(&other, end + minute * 3).await, 0, "{backend}: once for every replica");
        assert_eq!(wrap_up(&bot, end + minute * 90).await, 0, "{backend}");
        bot.writer.stop().await;
        other.writer.stop().await;
        db.remove().await;
    }
}

/// A board that posts questions, and fails to post the first `failing`
/// end-of-session lists as a platform refusing them would.
#[derive(Default)]
struct FlakyBoard {
    failing: std::sync::atomic::AtomicU32,
    lists: std::sync::atomic::AtomicU32,
}

impl emcee::dispatch::QaBoard for FlakyBoard {
    fn post<'a>(&'a self, _: &'a str, question: &'a emcee_core::Reply) -> emcee::dispatch::Pending<'a, String> {
        use std::sync::atomic::Ordering::SeqCst;
        let list = question.title.as_deref().is_some_and(|t| t.starts_with("Questions for"));
        Box::pin(async move {
            if !list {
                return Ok("m1".to_string());
            }
            self.lists.fetch_add(1, SeqCst);
            match self.failing.fetch_update(SeqCst, SeqCst, |n| n.checked_sub(1)) {
                Ok(_) => anyhow::bail!("channel_not_found"),
                Err(_) => Ok("m2".to_string()),
            }
        })
    }

    fn update<'a>(&'a self, _: &'a str, _: &'a str, _: &'a emcee_core::Reply) -> emcee::dispatch::Pending<'a, ()> {
        Box::pin(async { Ok(()) })
    }

    fn delete<'a>(&'a self, _: &'a str, _: &'a str) -> emcee::dispatch::Pending<'a, ()> {
        Box::pin(async { Ok(()) })
    }
}

/// Waits for question `id`'s post, written in the background, to be recorded.
async fn wait_posted(store: &Store, id: i64) {
    for _ in 0..500 {
        if store.qa_post(id).await.unwrap().is_some() {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    panic!("question {id} was never posted");
}

/// A list the platform refuses is tried again on the next looks, and given
/// up after three tries; a session whose every question was hidden posts
/// no list at all.
#[tokio::test]
async fn a_refused_list_is_tried_three_times_and_an_empty_one_never() {
    use std::sync::atomic::Ordering::SeqCst;
    let db = support::sqlite();
    let bot = bot(&db, "http://127.0.0.1:9").await;
    let board = Arc::new(FlakyBoard { failing: 1.into(), ..FlakyBoard::default() });
    bot.dispatcher.add_qa_board(Platform::Discord, board.clone());
    let discord = origin(Platform::Discord, "13");
    let asked = number(&bot.dispatcher.answer(&discord, "/qa ask Which signing tool first?").await);
    let end = bot.dispatcher.engine().schedule().sessions.iter().find(|s| s.title == KEYNOTE).unwrap().end;
    let minute = jiff::SignedDuration::from_mins(1);
    wait_posted(&bot.store, asked).await;
    assert_eq!(bot.dispatcher.qa_wrap_up(end + minute).await.unwrap(), 0, "refused");
    assert_eq!(bot.dispatcher.qa_wrap_up(end + minute * 2).await.unwrap(), 1, "tried again");
    assert_eq!(bot.dispatcher.qa_wrap_up(end + minute * 3).await.unwrap(), 0, "and posted once");
    assert_eq!(board.lists.load(SeqCst), 2);

    // Another session: refused every time, it is tried three times and no more.
    let other = support::sqlite();
    let bot = crate::agenda::bot(&other, "http://127.0.0.1:9").await;
    let board = Arc::new(FlakyBoard { failing: 99.into(), ..FlakyBoard::default() });
    bot.dispatcher.add_qa_board(Platform::Discord, board.clone());
    let asked = number(&bot.dispatcher.answer(&discord, "/qa ask Is SBOM enough?").await);
    wait_posted(&bot.store, asked).await;
    for n in 1..=6 {
        assert_eq!(bot.dispatcher.qa_wrap_up(end + minute * n).await.unwrap(), 0);
    }
    assert_eq!(board.lists.load(SeqCst), 3, "given up after three tries");

    // Every question hidden: nothing to read out, so nothing is posted, and no more looked at.
    let hidden = support::sqlite();
    let bot = crate::agenda::bot(&hidden, "http://127.0.0.1:9").await;
    let board = Arc::new(FlakyBoard::default());
    bot.dispatcher.add_qa_board(Platform::Discord, board.clone());
    let asked = number(&bot.dispatcher.answer(&discord, "/qa ask Spam spam spam?").await);
    wait_posted(&bot.store, asked).await;
    let org = organiser(Platform::Discord, "14");
    assert_eq!(bot.dispatcher.answer(&org, &format!("/qa hide {asked}")).await.status, Status::Ok);
    assert_eq!(bot.dispatcher.qa_wrap_up(end + minute).await.unwrap(), 0);
    assert!(bot.store.qa_unlisted_channels(&keynote_id(&bot)).await.unwrap().is_empty(), "claimed all the same");
    assert_eq!(board.lists.load(SeqCst), 0, "no list posted");
}

/// The terminal's operator is the host: asks, pins and lists, and
/// `emcee qa export` prints the session's questions for scripts; `emcee
/// stats` counts them.
#[test]
fn the_terminal_asks_and_the_export_prints_a_session_s_questions() {
    use crate::cli::{data_dir, emcee_in, run, stdout};
    let home = tempfile::tempdir().unwrap();
    let emcee = || emcee_in(&data_dir(), home.path());
    let asked = stdout(&run(
        emcee().args(["ask", "/qa ask How do you rotate keys?", "/qa ask name:yes Is Sigstore enough?", "/qa pin 2"]),
        "",
    ));
    assert!(asked.contains("Question 1 for “Keynote: Software supply chain security”"), "{asked}");
    assert!(asked.contains("Asked by operator-jo"), "{asked}");
    let export: Value =
        serde_json::from_str(&stdout(&run(emcee().args(["qa", "export", "supply chain", "--json"]), ""))).unwrap();
    assert_eq!(export["title"], KEYNOTE);
    let questions = export["questions"].as_array().unwrap();
    assert_eq!(questions.len(), 2);
    assert_eq!(
        (questions[0]["text"].as_str(), questions[0]["pinned"].as_bool()),
        (Some("Is Sigstore enough?"), Some(true))
    );
    assert_eq!((questions[1]["votes"].as_i64(), questions[1]["state"].as_str()), (Some(0), Some("open")));
    assert!(questions[1].get("asker").is_none(), "an anonymous question names no one: {export}");
    let text = stdout(&run(emcee().args(["qa", "export", "supply chain"]), ""));
    assert!(text.starts_with("Questions for “Keynote: Software supply chain security”"), "{text}");
    let missing = run(emcee().args(["qa", "export", "underwater basket weaving"]), "");
    assert!(!missing.status.success());
    assert!(String::from_utf8_lossy(&missing.stderr).contains("emcee schedule list"), "{missing:?}");
    let stats: Value =
        serde_json::from_str(&stdout(&run(emcee().args(["stats", "--since", "all", "--json"]), ""))).unwrap();
    assert_eq!(stats["audience"], json!({ "questions": 2, "answered": 0, "votes": 0 }));
}
