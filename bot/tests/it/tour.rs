//! The first five minutes: every example the README, the guides in `docs/`
//! and `/help` give, and the first things a newcomer types, asked of the
//! sample as they would ask it (`emcee ask` on a fresh machine), with the
//! clock pinned inside the sample conference and after it. The replies are
//! snapshots (`snapshots/tour_inside.txt`, `tour_after.txt`), and every
//! reply must read as a person would write it: none suggests the command
//! that was just asked, none says a clause twice, and none says "I don't
//! know" of a room or track the programme names.

use std::path::Path;

use emcee_core::command::CATALOGUE;
use emcee_core::text::fold;
use expect_test::expect_file;

use super::cli::{data_dir, emcee_in, run, stdout};

/// What a newcomer types first, whatever the examples say.
const FIRST_TRIES: &[&str] = &["/help", "/talks", "/talks now", "/talks next", "/talks today", "what is on now"];

/// Examples that reach the network (an address to import from): not asked here.
fn fetches(line: &str) -> bool {
    emcee_core::command::catalogue::fetches(line)
}

/// The README and every guide in `docs/`, in that order (the guides by name).
fn pages() -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut guides: Vec<_> = std::fs::read_dir(root.join("docs"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == "md"))
        .collect();
    guides.sort();
    assert!(!guides.is_empty(), "docs/ holds the guides");
    std::iter::once(root.join("README.md")).chain(guides).map(|page| std::fs::read_to_string(page).unwrap()).collect()
}

/// Every example: the catalogue's (what `/help` and the README's table
/// show), every `/command …` the README and the guides write in backticks,
/// and the first tries.
fn examples() -> Vec<String> {
    let pages = pages();
    // A command with words after it that are all its options' names
    // (`/quote topic speaker`) lists options; it is no example.
    let lists_options = |span: &str| {
        let mut words = span.split_whitespace();
        let first = words.next().unwrap_or("").trim_start_matches('/');
        let spec = CATALOGUE.iter().find(|spec| spec.name == first);
        let rest: Vec<&str> = words.collect();
        spec.is_some_and(|spec| !rest.is_empty() && rest.iter().all(|w| spec.options.iter().any(|o| o.name == *w)))
    };
    let commands: Vec<String> = CATALOGUE.iter().map(|spec| format!("/{}", spec.name)).collect();
    let in_pages = pages.iter().flat_map(|page| page.split('`').skip(1).step_by(2)).filter(|span| {
        let first = span.split_whitespace().next().unwrap_or("");
        commands.iter().any(|c| c == first)
            && !span.contains(['<', '[', '|'])
            && !span.contains("…")
            && !lists_options(span)
    });
    let mut lines: Vec<String> = Vec::new();
    let all = CATALOGUE
        .iter()
        .flat_map(|spec| spec.examples.iter().copied())
        .chain(in_pages)
        .chain(FIRST_TRIES.iter().copied());
    for line in all {
        let line = line.trim().to_string();
        if !fetches(&line) && !lines.contains(&line) {
            lines.push(line);
        }
    }
    lines
}

/// Each example and its reply as plain text, with the clock at `now`.
fn tour(now: &str) -> Vec<(String, String)> {
    let home = tempfile::tempdir().unwrap();
    let lines = examples();
    let mut command = emcee_in(&data_dir(), home.path());
    command.env("EMCEE_NOW", now).args(["ask", "--json"]);
    let out = stdout(&run(&mut command, &(lines.join("\n") + "\n")));
    out.lines()
        .map(|line| {
            let reply: serde_json::Value = serde_json::from_str(line).unwrap();
            (reply["query"].as_str().unwrap().to_string(), reply["text"].as_str().unwrap().to_string())
        })
        .collect()
}

/// What is wrong with a reply, if anything.
fn faults(line: &str, text: &str, named: &[String]) -> Vec<String> {
    let mut faults = Vec::new();
    // It suggests what was just asked: a backticked command equal to the line.
    if text.split('`').skip(1).step_by(2).any(|span| fold(span) == fold(line)) {
        faults.push(String::from("suggests the line itself"));
    }
    // It says a clause twice (of three words or more, and no number: times
    // and counts repeat by nature) in one line: a sentence, not a list of
    // sessions or fields.
    for sentence in text.lines() {
        let clauses: Vec<String> = sentence
            .replace([';', '!', '?', '—'], ".")
            .replace(": ", ". ")
            .replace(", ", ". ")
            .split(". ")
            .map(fold)
            .filter(|c| c.split(' ').count() >= 3 && !c.chars().any(|ch| ch.is_ascii_digit()))
            .collect();
        for (i, clause) in clauses.iter().enumerate() {
            if clauses[..i].contains(clause) {
                faults.push(format!("says “{clause}” twice"));
            }
        }
    }
    // It does not know of a room or track the programme names.
    let asked = format!(" {} ", fold(line));
    if text.starts_with("I don't know") && named.iter().any(|n| asked.contains(&format!(" {} ", fold(n)))) {
        faults.push(String::from("says it does not know something the programme names"));
    }
    faults
}

/// The rooms and tracks of the sample programme.
fn named() -> Vec<String> {
    let schedule = emcee_core::seed::schedule();
    let mut names: Vec<String> = schedule.rooms.clone();
    names.extend(schedule.sessions.iter().filter_map(|s| s.track.clone()));
    names.sort();
    names.dedup();
    names
}

/// A reply that differs on every run (a random quote, usage since now) is
/// checked but not kept.
fn kept(line: &str, text: &str) -> String {
    let random_quote = line == "/quote" || (line.starts_with("/quote speaker:") && !line.contains(' '));
    if random_quote || line.starts_with("/quote speaker:\"") || line.starts_with("/stats") {
        return String::from("(differs on every run)");
    }
    text.to_string()
}

fn check(now: &str, snapshot: expect_test::ExpectFile) {
    let named = named();
    let replies = tour(now);
    assert_eq!(replies.len(), examples().len(), "every example is answered");
    let mut shown = String::new();
    let mut wrong = Vec::new();
    for (line, text) in &replies {
        shown.push_str(&format!("> {line}\n{}\n\n", kept(line, text)));
        for fault in faults(line, text, &named) {
            wrong.push(format!("{line}: {fault}\n  {}", text.replace('\n', " ")));
        }
    }
    snapshot.assert_eq(&shown);
    assert!(wrong.is_empty(), "replies a person would not write:\n{}", wrong.join("\n"));
}

#[test]
fn the_tour_inside_the_sample_conference() {
    check("2022-11-01T09:30:00+01:00", expect_file!["snapshots/tour_inside.txt"]);
}

#[test]
fn the_tour_after_the_sample_conference() {
    check("2026-12-05T11:00:00+01:00", expect_file!["snapshots/tour_after.txt"]);
}

#[test]
fn a_reply_that_suggests_itself_or_repeats_is_caught() {
    let named = named();
    assert!(!faults("/talks today", "No sessions found. Try `/talks today` or `/talks next`.", &named).is_empty());
    assert!(!faults("what is on now", "Nothing is planned, and nothing more: nothing is planned.", &named).is_empty());
    assert!(!faults("what is on in Room 2", "I don't know the answer to that.", &named).is_empty());
    assert!(faults("/talks today", "Nothing is on today. `/talks day 1` lists the first day.", &named).is_empty());
}
