//! The knowledge base as an organiser grows it: every file under `data/`
//! accounted for by `emcee data check` (what it was read as, what came of
//! it, what could not be read), and a recording's transcript imported into
//! the database, answered from by every other process at once.

use std::path::Path;

use crate::cli::{emcee_in, json_lines, run, stdout};

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("../core/tests/data/transcripts").join(name)).unwrap()
}

fn seed(name: &str) -> Vec<u8> {
    std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("../data").join(name)).unwrap()
}

#[test]
fn data_check_accounts_for_every_file() {
    let home = tempfile::tempdir().unwrap();
    let data = home.path().join("data");
    for dir in ["speakers", "transcripts"] {
        std::fs::create_dir_all(data.join(dir)).unwrap();
    }
    let write = |path: &str, bytes: &[u8]| std::fs::write(data.join(path), bytes).unwrap();
    write("speakers/kelsey-hightower.txt", &seed("speakers/kelsey-hightower.txt"));
    // A biography with a byte that is not UTF-8 on its third line: a warning, and the rest is read.
    write("speakers/ada.txt", b"= Ada Lovelace =\n- Born: December 10, 1815\nMathematician \xff of London.\n");
    for name in
        ["bornhack2023-sexy-ssh-hacks.srt", "wearedevelopers-sovereign-ai-panel.vtt", "bookbytes-005-dave-hoover.txt"]
    {
        write(&format!("transcripts/{name}"), &fixture(name));
    }
    write("transcripts/bookbytes-005-dave-hoover.toml", b"title = \"BookBytes 5\"\nspeakers = [\"Dave Hoover\"]\n");
    write("transcripts/notes.md", b"# what to record\n");
    write("README", b"organisers' notes\n");
    let mut command = emcee_in(Path::new("data"), home.path());
    let out = stdout(&run(command.args(["data", "check"]), ""));
    expect_test::expect_file!["snapshots/data_check.txt"].assert_eq(&out);
}

#[test]
fn an_imported_transcript_is_answered_by_every_process() {
    let home = tempfile::tempdir().unwrap();
    let data = home.path().join("data");
    std::fs::create_dir_all(data.join("transcripts")).unwrap();
    let emcee = || emcee_in(Path::new("data"), home.path());
    let programme = home.path().join("bornhack.csv");
    std::fs::write(
        &programme,
        "id,title,start,duration,room,speakers\nssh,Sexy SSH Hacks,2023-08-10 14:00,00:45,Speakers Tent,Nikolaj Hansen\n",
    )
    .unwrap();
    let file = home.path().join("sexy-ssh-hacks.srt");
    std::fs::write(&file, fixture("bornhack2023-sexy-ssh-hacks.srt")).unwrap();

    // Local times and no zone: refused, naming the flag.
    let refused = run(emcee().args(["schedule", "import", "bornhack.csv"]), "");
    assert!(!refused.status.success());
    let message = String::from_utf8_lossy(&refused.stderr);
    assert!(message.contains("--time-zone") && message.contains("EMCEE_TIME_ZONE"), "{message}");
    stdout(&run(emcee().args(["schedule", "import", "bornhack.csv", "--time-zone", "Europe/Copenhagen"]), ""));

    let unknown = run(emcee().args(["transcript", "import", "sexy-ssh-hacks.srt", "--session", "nope"]), "");
    assert!(!unknown.status.success());
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("no session with the id `nope`"));
    let added = stdout(&run(
        emcee().args([
            "transcript",
            "import",
            "sexy-ssh-hacks.srt",
            "--session",
            "ssh",
            "--recording",
            "https://media.ccc.de/v/bornhack2023-56142-sexy-ssh-hacks",
        ]),
        "",
    ));
    assert!(added.starts_with("Added sexy-ssh-hacks.srt: SubRip subtitles, 53 turns"), "{added}");
    assert!(added.contains("It is the recording of “Sexy SSH Hacks” by Nikolaj Hansen."), "{added}");

    // Another process answers from the stored transcript, quoting the session's speaker at the moment.
    let out = stdout(&run(emcee().args(["ask", "--json", "/quote agent forwarding", "/bio Nikolaj Hansen"]), ""));
    let lines = json_lines(&out);
    let source = &lines[0]["sources"][0];
    assert_eq!(source["speaker"], "Nikolaj Hansen", "{out}");
    assert_eq!(source["title"], "Sexy SSH Hacks", "{out}");
    assert!(
        source["url"].as_str().unwrap().starts_with("https://media.ccc.de/v/bornhack2023-56142-sexy-ssh-hacks#t="),
        "{out}"
    );
    let bio = lines[1]["text"].as_str().unwrap();
    assert!(bio.contains("No biography was given") && bio.contains("Sexy SSH Hacks"), "{bio}");
}
