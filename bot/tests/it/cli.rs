//! The `emcee` binary as operators and scripts use it: `ask` with arguments
//! and on standard input, its JSON contract, `data check`, adding a speaker
//! by dropping files into the data directory, and the errors people see.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// The repository's data directory.
pub(crate) fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../data")
}

/// `emcee` with a clean environment: the seed data, the keynote's morning, no
/// settings file, and its database and state in `home`.
pub(crate) fn emcee_in(data: &Path, home: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_emcee"));
    command
        .env_clear()
        .env("EMCEE_DATA_DIR", data)
        .env("EMCEE_NOW", "2022-11-01T09:30:00+01:00")
        .env("HOME", home)
        .env("USER", "operator-jo")
        .current_dir(home);
    command
}

pub(crate) fn run(command: &mut Command, stdin: &str) -> Output {
    run_bytes(command, stdin.as_bytes())
}

fn run_bytes(command: &mut Command, stdin: &[u8]) -> Output {
    let mut child = command.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    child.wait_with_output().unwrap()
}

pub(crate) fn stdout(output: &Output) -> String {
    assert!(output.status.success(), "emcee failed: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout.clone()).unwrap()
}

pub(crate) fn json_lines(text: &str) -> Vec<serde_json::Value> {
    text.lines().map(|l| serde_json::from_str(l).unwrap()).collect()
}

#[test]
fn ask_answers_each_argument_as_text() {
    let home = tempfile::tempdir().unwrap();
    let out = stdout(&run(emcee_in(&data_dir(), home.path()).args(["ask", "/talks now", "/bio nobody-at-all"]), ""));
    expect_test::expect![[r#"
        On now

        Tue 1 Nov 09:15–10:00 CET · Main Stage · Keynote: Software supply chain security — Kelsey Hightower

        I don't know a speaker called “nobody-at-all”.

        Did you mean: Kelsey Hightower, Marc Dillon, Andy Allred?

    "#]]
    .assert_eq(&out);
}

#[test]
fn ask_json_follows_the_contract() {
    let home = tempfile::tempdir().unwrap();
    let out = stdout(&run(
        emcee_in(&data_dir(), home.path()).args(["ask", "--json", "/bio kelsey", "/talks next", "/quote wasm"]),
        "",
    ));
    let lines = json_lines(&out);
    assert_eq!(lines.len(), 3);
    for line in &lines {
        for field in ["query", "command", "status", "text", "sources"] {
            assert!(line.get(field).is_some(), "{field} missing from {line}");
        }
        for source in line["sources"].as_array().unwrap() {
            assert!(source["kind"].is_string() && source["title"].is_string(), "{source}");
        }
    }
    assert_eq!((lines[0]["command"].as_str(), lines[0]["status"].as_str()), (Some("bio"), Some("ok")));
    assert_eq!(lines[0]["sources"][0]["kind"], "bio");
    let next = &lines[1]["sessions"][0];
    assert_eq!(next["start"], "2022-11-01T11:00:00+01:00");
    assert_eq!(next["room"], "Main Stage");
    let quote = &lines[2];
    assert_eq!(quote["sources"][0]["speaker"], "Kelsey Hightower");
    assert_eq!(quote["sources"][0]["at"], "29:58");
    assert_eq!(quote["sources"][0]["url"], "https://www.eficode.com/devops-podcast/kelsey-hightower");
}

#[test]
fn ask_reads_one_query_per_line_from_stdin() {
    let queries = "/help\n\nWhen is the supply chain keynote?\n/quote\n/frobnicate\nWhat is the capital of France?\n";
    let home = tempfile::tempdir().unwrap();
    let out = stdout(&run(emcee_in(&data_dir(), home.path()).args(["ask", "--json"]), queries));
    let got: Vec<(String, String, String)> = json_lines(&out)
        .iter()
        .map(|l| {
            (
                l["query"].as_str().unwrap().into(),
                l["command"].as_str().unwrap().into(),
                l["status"].as_str().unwrap().into(),
            )
        })
        .collect();
    let want = [
        ("/help", "help", "ok"),
        ("When is the supply chain keynote?", "ask", "ok"),
        ("/quote", "quote", "ok"),
        ("/frobnicate", "help", "invalid"),
        ("What is the capital of France?", "ask", "not_found"),
    ];
    let want: Vec<(String, String, String)> =
        want.iter().map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string())).collect();
    assert_eq!(got, want);
}

#[test]
fn a_speaker_is_added_by_dropping_files_into_data() {
    let dir = tempfile::tempdir().unwrap();
    let copy = |from: &str, to: &str| {
        let target = dir.path().join(to);
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::copy(data_dir().join(from), target).unwrap();
    };
    copy("speakers/kelsey-hightower.txt", "speakers/kelsey-hightower.txt");
    std::fs::write(
        dir.path().join("speakers/ada-lovelace.txt"),
        "= Ada Lovelace =\n\n- Occupation: Mathematician and writer\n- Handle: @countess\n\nAda Lovelace (born December 10, 1815) wrote the first published algorithm.\n",
    )
    .unwrap();
    std::fs::create_dir_all(dir.path().join("transcripts")).unwrap();
    std::fs::write(dir.path().join("transcripts/notes.txt"), "Ada (00:05): The engine weaves algebraic patterns.\n")
        .unwrap();
    std::fs::write(
        dir.path().join("transcripts/notes.toml"),
        "title = \"Notes on the Analytical Engine\"\n[people.Ada]\nname = \"Ada Lovelace\"\nrole = \"speaker\"\n",
    )
    .unwrap();
    let home = tempfile::tempdir().unwrap();
    let out = stdout(&run(
        emcee_in(dir.path(), home.path()).args(["ask", "--json", "/bio countess", "/quote patterns", "/talks"]),
        "",
    ));
    let lines = json_lines(&out);
    assert_eq!(lines[0]["title"], "Ada Lovelace");
    assert!(lines[0]["text"].as_str().unwrap().contains("Born: December 10, 1815"));
    assert_eq!(lines[1]["sources"][0]["speaker"], "Ada Lovelace");
    assert_eq!(lines[1]["sources"][0]["title"], "Notes on the Analytical Engine");
    assert_eq!(
        (lines[2]["status"].as_str(), lines[2]["text"].as_str()),
        (Some("not_found"), Some("There is no programme yet."))
    );
}

#[test]
fn data_check_lists_every_problem_with_file_and_line() {
    let home = tempfile::tempdir().unwrap();
    let out = stdout(&run(emcee_in(&data_dir(), home.path()).args(["data", "check"]), ""));
    assert!(out.starts_with("3 speakers (1 with a biography), 1 transcripts,"), "{out}");
    assert!(out.contains("devops-sauna-s3-kelsey-hightower.txt:33: malformed time `10:044`, read as 10:44"), "{out}");
}

#[test]
fn errors_say_what_is_wrong_and_what_to_do() {
    let home = tempfile::tempdir().unwrap();
    let missing = run(emcee_in(Path::new("/nonexistent/emcee-data"), home.path()).args(["ask", "/help"]), "");
    assert!(!missing.status.success());
    let message = String::from_utf8_lossy(&missing.stderr);
    assert!(
        message.contains("there is no data directory at /nonexistent/emcee-data") && message.contains("EMCEE_DATA_DIR"),
        "{message}"
    );

    let bad_clock =
        run(emcee_in(&data_dir(), home.path()).env("EMCEE_NOW", "half past nine").args(["ask", "/talks now"]), "");
    assert!(!bad_clock.status.success());
    let message = String::from_utf8_lossy(&bad_clock.stderr);
    assert!(message.contains("EMCEE_NOW is `half past nine`"), "{message}");

    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("schedule.json"), "{\"schedule\": {\"conference\": \n  {\"title\": 7").unwrap();
    let broken = run(emcee_in(dir.path(), home.path()).args(["ask", "/talks"]), "");
    let message = String::from_utf8_lossy(&broken.stderr);
    assert!(
        message.contains("schedule.json is not a schedule emcee can read") && message.contains("line 2"),
        "{message}"
    );
}

/// A question no source answers says who can help, when the operator says who.
#[test]
fn a_question_not_answered_says_who_can_help() {
    let home = tempfile::tempdir().unwrap();
    let out = stdout(&run(
        emcee_in(&data_dir(), home.path()).env("EMCEE_HELP_CONTACT", "the help desk by registration").args([
            "ask",
            "Who won the chess olympiad?",
            "/ask when was Kelsey born",
        ]),
        "",
    ));
    assert!(out.contains("I don't know") && out.contains("Who can help: the help desk by registration."), "{out}");
    assert_eq!(out.matches("Who can help").count(), 1, "only under the answer that declined: {out}");
}

#[test]
fn chat_answers_until_quit_and_keeps_history() {
    let home = tempfile::tempdir().unwrap();
    let out = stdout(&run(
        emcee_in(&data_dir(), home.path()).arg("chat"),
        "/bio kelsey\nHow old is Kelsey?\n/stats\n/quit\n/help\n",
    ));
    assert!(out.contains("9 speakers, 223 quotes, 8 sessions"), "{out}");
    assert!(out.contains("Born: February 27, 1981"), "{out}");
    assert!(out.contains("Kelsey Hightower is 41"), "{out}");
    // The log is written in the background, so the chat's own commands may not be counted yet.
    assert!(out.contains("Usage since "), "the operator may see /stats: {out}");
    assert!(!out.contains("emcee commands"), "input after /quit was answered: {out}");
    let history = std::fs::read_to_string(home.path().join(".emcee_history")).unwrap();
    assert!(history.contains("/bio kelsey") && history.contains("How old is Kelsey?"), "{history}");
}

#[test]
fn usage_is_logged_and_reported_then_pruned_and_forgotten() {
    let home = tempfile::tempdir().unwrap();
    stdout(&run(emcee_in(&data_dir(), home.path()).args(["ask", "/bio kelsey", "Who won the chess olympiad?"]), ""));
    stdout(&run(
        emcee_in(&data_dir(), home.path()).args(["ask", "--json"]),
        "/quote wasm\nWho won the chess olympiad?\n",
    ));
    assert!(home.path().join("emcee.db").exists() && home.path().join("usage.key").exists());

    let json: serde_json::Value = serde_json::from_str(&stdout(&run(
        emcee_in(&data_dir(), home.path()).args(["stats", "--since", "all", "--json"]),
        "",
    )))
    .unwrap();
    assert_eq!(json["total"], 4);
    assert_eq!(json["users"], 1);
    assert_eq!(json["unanswered"][0]["name"], "who won the chess olympiad?");
    assert_eq!(json["unanswered"][0]["events"], 2);

    let table = stdout(&run(emcee_in(&data_dir(), home.path()).args(["stats", "--since", "all"]), ""));
    assert!(table.starts_with("4 commands from 1 people"), "{table}");
    assert!(table.contains("| ask     |        2 |"), "{table}");

    let pruned = stdout(&run(emcee_in(&data_dir(), home.path()).args(["usage", "prune", "--older-than", "1d"]), ""));
    assert!(pruned.starts_with("deleted 0 usage events"), "events of the pinned morning are not a day old: {pruned}");
    // The operator's own agenda, kept in the same database.
    let added = stdout(&run(emcee_in(&data_dir(), home.path()).args(["ask", "/agenda add supply chain"]), ""));
    assert!(added.starts_with("Added “Keynote: Software supply chain security”"), "{added}");
    let agenda: serde_json::Value =
        serde_json::from_str(&stdout(&run(emcee_in(&data_dir(), home.path()).args(["ask", "--json", "/agenda"]), "")))
            .unwrap();
    assert_eq!((agenda["command"].as_str(), agenda["status"].as_str()), (Some("agenda"), Some("ok")));
    assert!(agenda["text"].as_str().unwrap().contains("Keynote: Software supply chain security"), "{agenda}");
    let forgot = stdout(&run(
        emcee_in(&data_dir(), home.path()).args(["usage", "forget", "--platform", "terminal", "--user", "operator-jo"]),
        "",
    ));
    assert_eq!(
        forgot,
        "deleted 6 usage events of that terminal user\n\
         deleted their agenda: 1 favourites, their reminder setting and calendar feed\n"
    );
    let agenda = stdout(&run(emcee_in(&data_dir(), home.path()).args(["ask", "/agenda"]), ""));
    assert!(agenda.contains("Your agenda is empty"), "{agenda}");
    let json: serde_json::Value = serde_json::from_str(&stdout(&run(
        emcee_in(&data_dir(), home.path()).args(["stats", "--since", "all", "--json"]),
        "",
    )))
    .unwrap();
    assert_eq!(json["total"], 1, "only the /agenda asked after forgetting");
}

#[test]
fn a_database_that_is_down_never_costs_a_reply() {
    let home = tempfile::tempdir().unwrap();
    let out = stdout(&run(
        emcee_in(&data_dir(), home.path())
            .env("DATABASE_URL", "postgres://emcee@127.0.0.1:9/emcee")
            .env("EMCEE_USAGE_KEY", "test-key")
            .args(["ask", "--json", "/bio kelsey"]),
        "",
    ));
    assert_eq!(json_lines(&out)[0]["status"], "ok");
    let spilled = std::fs::read_to_string(home.path().join("usage-spill.jsonl")).unwrap();
    assert_eq!(spilled.lines().count(), 1, "{spilled}");
    assert!(spilled.contains("\"command\":\"bio\"") && !spilled.contains("operator-jo"), "{spilled}");
}

#[test]
fn sigterm_stops_a_batch_and_keeps_its_usage() {
    let home = tempfile::tempdir().unwrap();
    let mut child = emcee_in(&data_dir(), home.path())
        .args(["ask", "--json"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(b"/bio kelsey\n/talks now\n").unwrap();
    stdin.flush().unwrap();
    // Standard input stays open: only the signal ends the batch. It is sent
    // as soon as both answers are out, well inside the usage log's 100 ms
    // batching, so only the shutdown flush can have stored their events.
    let mut answers = std::io::BufReader::new(child.stdout.take().unwrap());
    for _ in 0..2 {
        let mut line = String::new();
        std::io::BufRead::read_line(&mut answers, &mut line).unwrap();
        assert!(line.starts_with("{\"query\""), "{line}");
    }
    let pid = child.id().to_string();
    assert!(Command::new("kill").args(["-TERM", &pid]).status().unwrap().success());
    let output = child.wait_with_output().unwrap();
    drop(stdin);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let json: serde_json::Value = serde_json::from_str(&stdout(&run(
        emcee_in(&data_dir(), home.path()).args(["stats", "--since", "all", "--json"]),
        "",
    )))
    .unwrap();
    assert_eq!(json["total"], 2);
}

#[test]
fn a_line_that_is_not_utf8_does_not_end_the_batch() {
    let home = tempfile::tempdir().unwrap();
    let out = stdout(&run_bytes(
        emcee_in(&data_dir(), home.path()).args(["ask", "--json"]),
        b"/help\n/bio \xff\n/bio kelsey\n",
    ));
    let statuses: Vec<String> = json_lines(&out).iter().map(|l| l["status"].as_str().unwrap().to_string()).collect();
    assert_eq!(statuses, ["ok", "not_found", "ok"]);
}

#[test]
fn schedule_import_list_export_and_announce() {
    let home = tempfile::tempdir().unwrap();
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("../core/tests/data/schedules");
    let camp = fixtures.join("frab-camp2019.json").display().to_string();
    let emcee = || {
        let mut c = emcee_in(&data_dir(), home.path());
        c.env("EMCEE_NOW", "2019-08-21T08:55:00Z");
        c
    };
    let dry: serde_json::Value =
        serde_json::from_str(&stdout(&run(emcee().args(["schedule", "import", &camp, "--dry-run", "--json"]), "")))
            .unwrap();
    assert_eq!((dry["dry_run"].as_bool(), dry["added"].as_array().map(Vec::len)), (Some(true), Some(79)));
    let applied: serde_json::Value =
        serde_json::from_str(&stdout(&run(emcee().args(["schedule", "import", &camp, "--json"]), ""))).unwrap();
    assert_eq!((applied["version"].as_i64(), applied["format"].as_str()), (Some(1), Some("frab/pretalx JSON")));

    // A broken file is refused, says where, and changes nothing.
    let broken = home.path().join("broken.xml");
    std::fs::write(&broken, "<schedule><conference><title>x</title></conference>\n<day>").unwrap();
    let refused = run(emcee().args(["schedule", "import", &broken.display().to_string()]), "");
    assert!(!refused.status.success());
    let message = String::from_utf8_lossy(&refused.stderr);
    assert!(message.contains("line 2, column 6: the file ends inside <schedule><day>"), "{message}");

    // So is an export with no sessions, which would cancel every one.
    let empty = home.path().join("empty.csv");
    std::fs::write(&empty, "id,title,start,duration,room\n").unwrap();
    let refused = run(emcee().args(["schedule", "import", &empty.display().to_string()]), "");
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("holds no sessions; nothing was imported"));

    let list: serde_json::Value =
        serde_json::from_str(&stdout(&run(emcee().args(["schedule", "list", "--json"]), ""))).unwrap();
    let sessions = list.as_array().unwrap();
    assert_eq!(sessions.len(), 79);
    let opening = sessions.iter().find(|s| s["title"] == "Opening Ceremony").unwrap();
    for field in ["id", "title", "start", "end", "room", "track", "speakers", "url"] {
        assert!(opening.get(field).is_some(), "{field}");
    }
    assert_eq!(opening["start"], "2019-08-21T11:00:00+02:00");

    let ics = stdout(&run(emcee().args(["schedule", "export", "--format", "ics"]), ""));
    assert_eq!(ics.matches("BEGIN:VEVENT").count(), 79);

    let announced = stdout(&run(emcee().args(["announce", "--once"]), ""));
    assert!(announced.contains("[reminder] In 5 min (11:00 CEST), Curie: Opening Ceremony"), "{announced}");
    assert!(!announced.contains("[added]"), "the first programme is not announced as news: {announced}");
    let again = stdout(&run(emcee().args(["announce", "--once"]), ""));
    assert!(!again.contains("[reminder]"), "each reminder goes out once: {again}");
}

/// Issue 18, item 7: escape codes in a programme never reach the operator's terminal.
#[test]
fn control_characters_in_data_are_shown_escaped_on_the_terminal() {
    let home = tempfile::tempdir().unwrap();
    let csv = home.path().join("hostile.csv");
    std::fs::write(
        &csv,
        "id,title,start,duration,room\nk1,\"Retitled\x1b]0;owned\x07 \x1b[2J\",2022-11-01 09:35,00:45,Room\u{9b}31m\n",
    )
    .unwrap();
    let emcee = || emcee_in(&data_dir(), home.path());
    let raw = |text: &str| text.contains('\x1b') || text.contains('\x07') || text.contains('\u{9b}');
    let import =
        ["schedule", "import", &csv.display().to_string(), "--time-zone", "Europe/Copenhagen"].map(String::from);
    let imported = stdout(&run(emcee().args(import), ""));
    assert!(!raw(&imported) && imported.contains("Retitled\\x1b]0;owned\\x07 \\x1b[2J"), "{imported}");
    assert!(imported.contains("Room\\u{9b}31m"), "{imported}");
    let asked = stdout(&run(emcee().args(["ask", "/talks next", "/talks Retitled"]), ""));
    assert!(!raw(&asked) && asked.contains("Retitled\\x1b]0;owned"), "{asked}");
    let json = stdout(&run(emcee().args(["ask", "--json", "/talks next"]), ""));
    assert!(!raw(&json), "{json}");
    assert_eq!(json_lines(&json)[0]["sessions"][0]["room"], "Room\u{9b}31m", "JSON keeps the data, escaped");
    let listed = stdout(&run(emcee().args(["schedule", "list"]), ""));
    assert!(!raw(&listed) && listed.contains("Retitled\\x1b"), "{listed}");
    let announced = stdout(&run(emcee().args(["announce", "--once"]), ""));
    assert!(!raw(&announced) && announced.contains("[reminder]"), "{announced}");
}

/// Issue 18, item 6: a dry run refuses exactly what storing the programme
/// refuses, naming the field and line, on SQLite and on PostgreSQL.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dry_run_refuses_what_storing_refuses() {
    let home = tempfile::tempdir().unwrap();
    let csv = home.path().join("nul.csv");
    std::fs::write(&csv, "id,title,start,duration,room\nk1,Keynote,2022-11-01 09:15,00:45,Main\nk2,Bad\0title,2022-11-01 10:15,00:45,Main\n")
        .unwrap();
    let csv = csv.display().to_string();
    for db in crate::support::backends().await {
        for dry_run in [true, false] {
            let mut command = emcee_in(&data_dir(), home.path());
            command.env("DATABASE_URL", &db.url).env("EMCEE_USAGE_KEY", "k").args([
                "schedule",
                "import",
                &csv,
                "--time-zone",
                "Europe/Copenhagen",
            ]);
            if dry_run {
                command.arg("--dry-run");
            }
            let refused = run(&mut command, "");
            let message = String::from_utf8_lossy(&refused.stderr);
            assert!(!refused.status.success(), "{} dry run {dry_run}: {message}", db.backend);
            assert!(
                message.contains("line 3, session `k2`, title: holds a NUL character, which cannot be stored"),
                "{} dry run {dry_run}: {message}",
                db.backend
            );
        }
        db.remove().await;
    }
}

/// `emcee announce --once` with `EMCEE_SCHEDULE_URL` syncs the published
/// programme before its pass, so that the pass announces what the sync changed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn announce_syncs_the_published_programme_then_announces_its_changes() {
    let home = tempfile::tempdir().unwrap();
    let published: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(data_dir().join("schedule.json")).unwrap()).unwrap();
    let programme = std::sync::Arc::new(std::sync::Mutex::new(published.to_string()));
    let serving = programme.clone();
    let app = axum::Router::new().route(
        "/schedule.json",
        axum::routing::get(move || {
            let body = serving.lock().unwrap().clone();
            async move { ([("content-type", "application/json")], body) }
        }),
    );
    let address = crate::support::serve(app).await;
    let announce = move || {
        let mut command = emcee_in(&data_dir(), home.path());
        command
            .env("EMCEE_SCHEDULE_URL", format!("{address}/schedule.json"))
            .env("EMCEE_FETCH_ALLOW", "127.0.0.1")
            .args(["announce", "--once"]);
        stdout(&run(&mut command, ""))
    };
    let announce = std::sync::Arc::new(announce);
    let first = tokio::task::spawn_blocking({
        let announce = announce.clone();
        move || announce()
    })
    .await
    .unwrap();
    assert!(!first.contains("[moved]"), "the published programme is the one it has: {first}");

    // The organisers move the last talk of the first day to Room 2.
    let mut moved = published.clone();
    let rooms = &mut moved["schedule"]["conference"]["days"][0]["rooms"];
    let mut talk = rooms["Main Stage"].as_array_mut().unwrap().pop().unwrap();
    talk["room"] = "Room 2".into();
    rooms["Room 2"].as_array_mut().unwrap().push(talk);
    *programme.lock().unwrap() = moved.to_string();
    let second = tokio::task::spawn_blocking(move || announce()).await.unwrap();
    assert!(
        second.contains("[moved] Moved: Sample: Observability for small teams is now Tue 1 Nov 14:00 CET, Room 2"),
        "{second}"
    );
}
