//! The help desk's claims in the database, on both backends: a question is
//! one request however many ask it, the limits hold per person and per
//! workspace, and an answer is recorded, and its askers handed out, once
//! when two replicas record it at the same moment.

use crate::support;

use emcee::store::{HelpAsk, HelpOutcome, Store};

fn ask<'a>(question: &'a str, folded: &'a str, asker: &'a str, now: i64) -> HelpAsk<'a> {
    HelpAsk {
        platform: "slack",
        workspace: "T1",
        question,
        folded,
        asker,
        user_key: asker,
        now,
        per_hour: 3,
        per_person: 2,
    }
}

#[tokio::test]
async fn a_question_is_one_request_the_limits_hold_and_an_answer_is_recorded_once() {
    for db in support::backends().await {
        let (one, two) = (Store::open(&db.url).unwrap(), Store::open(&db.url).unwrap());
        one.migrate().await.unwrap();
        let now = 1_800_000_000;
        let HelpOutcome::New(id) =
            one.ask_for_help(&ask("Is there parking?", "is there parking", "U1", now)).await.unwrap()
        else {
            panic!("a new question is a new request")
        };
        assert_eq!(
            two.ask_for_help(&ask("is there PARKING", "is there parking", "U2", now)).await.unwrap(),
            HelpOutcome::Joined(id.clone()),
            "{}: the same question joins the one waiting",
            db.backend
        );
        assert_eq!(
            one.ask_for_help(&ask("Is there parking?", "is there parking", "U2", now)).await.unwrap(),
            HelpOutcome::AlreadyWaiting
        );
        // Per person: U1 has one waiting and may have two.
        assert!(matches!(one.ask_for_help(&ask("Q2", "q2", "U1", now)).await.unwrap(), HelpOutcome::New(_)));
        assert_eq!(one.ask_for_help(&ask("Q3", "q3", "U1", now)).await.unwrap(), HelpOutcome::PersonLimited);
        // Per workspace: three an hour.
        assert!(matches!(one.ask_for_help(&ask("Q4", "q4", "U3", now)).await.unwrap(), HelpOutcome::New(_)));
        assert_eq!(one.ask_for_help(&ask("Q5", "q5", "U4", now)).await.unwrap(), HelpOutcome::ChannelLimited);
        // An hour on, both limits have passed.
        assert!(matches!(one.ask_for_help(&ask("Q5", "q5", "U4", now + 3_601)).await.unwrap(), HelpOutcome::New(_)));

        // A question never posted (its post failed, its replica stopped) is made anew by the next asker.
        let HelpOutcome::New(lost) = one.ask_for_help(&ask("Lost?", "lost", "U5", now + 3_601)).await.unwrap() else {
            panic!("a new question")
        };
        let HelpOutcome::New(remade) = one.ask_for_help(&ask("lost", "lost", "U6", now + 3_700)).await.unwrap() else {
            panic!("{}: an unposted request is made anew", db.backend)
        };
        assert_ne!(lost, remade);
        assert!(one.help_request(&lost).await.unwrap().is_none(), "the unposted one is forgotten");

        one.help_posted(&id, "C0HELP", "1.2").await.unwrap();
        assert_eq!(
            one.answer_help(&id, "discord", "Yes.", "organiser-c", now + 60).await.unwrap(),
            None,
            "another platform's"
        );
        let (a, b) = tokio::join!(
            one.answer_help(&id, "slack", "Yes, level -2.", "organiser-a", now + 60),
            two.answer_help(&id, "slack", "Yes, by the station.", "organiser-b", now + 60)
        );
        let recorded: Vec<_> = [a.unwrap(), b.unwrap()].into_iter().flatten().collect();
        assert_eq!(recorded.len(), 1, "{}: one answer recorded: {recorded:?}", db.backend);
        let mut askers = recorded[0].askers.clone();
        askers.sort();
        assert_eq!(askers, ["U1", "U2"], "each asker handed out once");
        assert_eq!((recorded[0].channel.as_deref(), recorded[0].message.as_deref()), (Some("C0HELP"), Some("1.2")));
        // Each asker is forgotten once sent the answer.
        for asker in ["U1", "U2"] {
            one.help_delivered(&id, asker).await.unwrap();
        }
        assert_eq!(one.answer_help(&id, "slack", "Again.", "organiser-a", now + 90).await.unwrap(), None);
        let stored = one.help_request(&id).await.unwrap().unwrap();
        assert!(stored.answer.is_some_and(|a| a.starts_with("Yes")));
        // Answered, the question is open again for whoever asks it next.
        assert!(matches!(
            one.ask_for_help(&ask("Is there parking?", "is there parking", "U9", now + 7_300)).await.unwrap(),
            HelpOutcome::New(_)
        ));
        // Pruning the usage log forgets who has waited since before the window.
        let HelpOutcome::New(old) = one.ask_for_help(&ask("Old?", "old", "U7", now + 7_400)).await.unwrap() else {
            panic!("a new question")
        };
        one.prune(jiff::Timestamp::from_second(now + 7_401).unwrap()).await.unwrap();
        let answered = one.answer_help(&old, "slack", "Long ago.", "organiser-a", now + 7_500).await.unwrap().unwrap();
        assert!(answered.askers.is_empty(), "{}: {answered:?}", db.backend);
        one.close().await;
        two.close().await;
        db.remove().await;
    }
}
