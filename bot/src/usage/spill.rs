//! The spill file: usage events that could not reach the database, one JSON
//! object per line, kept until they are replayed.
//!
//! Appends go to `NAME.jsonl` under an exclusive file lock, reopening the
//! file each time so that several processes sharing the folder append to the
//! same file. A replay takes the lock and renames the file to
//! `NAME.jsonl.replaying`, so events spilled meanwhile start a new file and
//! none is lost; the replay then reads it in chunks. A replay that stops
//! leaves the `.replaying` file for the next try; storing is idempotent by
//! event id, so reading part of it twice costs nothing.

use std::fs::{File, OpenOptions};
use std::io::{self, BufRead, BufReader, BufWriter, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use super::UsageEvent;

/// The spill file beside the database.
pub const SPILL_FILE: &str = "usage-spill.jsonl";

#[derive(Debug)]
pub struct Spill {
    path: PathBuf,
    replaying: PathBuf,
}

impl Spill {
    pub fn new(path: PathBuf) -> Spill {
        let mut replaying = path.clone().into_os_string();
        replaying.push(".replaying");
        Spill { path, replaying: PathBuf::from(replaying) }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Appends events, one line each, and flushes them to the OS.
    pub fn append(&self, events: &[UsageEvent]) -> io::Result<()> {
        self.append_with(events, false)
    }

    /// Appends events and waits until they are on the disk (`fdatasync`,
    /// and the folder's entry too when the file is new): they survive a
    /// crash of the process or the machine.
    pub fn append_synced(&self, events: &[UsageEvent]) -> io::Result<()> {
        self.append_with(events, true)
    }

    fn append_with(&self, events: &[UsageEvent], synced: bool) -> io::Result<()> {
        let dir = self.path.parent().filter(|d| !d.as_os_str().is_empty());
        if let Some(dir) = dir {
            std::fs::create_dir_all(dir)?;
        }
        let mut file = OpenOptions::new().create(true).read(true).append(true).open(&self.path)?;
        file.lock()?;
        let new = synced && file.metadata()?.len() == 0;
        let mut result = write_lines(&mut file, events);
        if synced && result.is_ok() {
            result = file.sync_data();
        }
        file.unlock()?;
        if new && result.is_ok() {
            // The file's name is on the disk only once its folder is.
            result = File::open(dir.unwrap_or(Path::new("."))).and_then(|d| d.sync_all());
        }
        result
    }

    /// Whether events could be appended now (the file opens for appending).
    pub fn writable(&self) -> bool {
        if let Some(dir) = self.path.parent().filter(|d| !d.as_os_str().is_empty())
            && std::fs::create_dir_all(dir).is_err()
        {
            return false;
        }
        OpenOptions::new().create(true).append(true).open(&self.path).is_ok()
    }

    /// Whether any spilled events wait for a replay.
    pub fn has_pending(&self) -> bool {
        let nonempty = |p: &Path| std::fs::metadata(p).map(|m| m.len() > 0).unwrap_or(false);
        nonempty(&self.replaying) || nonempty(&self.path)
    }

    /// Opens the file to replay: an unfinished earlier replay, else the spill
    /// file renamed aside. `None` when nothing waits.
    pub fn begin_replay(&self) -> io::Result<Option<Replay>> {
        if !self.replaying.exists() {
            let file = match File::open(&self.path) {
                Ok(file) => file,
                Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
                Err(e) => return Err(e),
            };
            // Appenders hold this lock while they write: the rename waits for them.
            file.lock()?;
            let renamed = std::fs::rename(&self.path, &self.replaying);
            file.unlock()?;
            match renamed {
                Ok(()) => {}
                Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
                Err(e) => return Err(e),
            }
        }
        let file = File::open(&self.replaying)?;
        Ok(Some(Replay { path: self.replaying.clone(), lines: BufReader::new(file), line: 0 }))
    }
}

/// Writes the events as lines, first ending a line a crash left cut short.
fn write_lines(file: &mut File, events: &[UsageEvent]) -> io::Result<()> {
    let len = file.seek(SeekFrom::End(0))?;
    let mut out = BufWriter::new(&mut *file);
    if len > 0 {
        let mut last = [0u8; 1];
        let reader = out.get_mut();
        reader.seek(SeekFrom::End(-1))?;
        reader.read_exact(&mut last)?;
        if last[0] != b'\n' {
            out.write_all(b"\n")?;
        }
    }
    for event in events {
        serde_json::to_writer(&mut out, event)?;
        out.write_all(b"\n")?;
    }
    out.flush()
}

/// A spill file being replayed, read a chunk at a time.
#[derive(Debug)]
pub struct Replay {
    path: PathBuf,
    lines: BufReader<File>,
    line: usize,
}

impl Replay {
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Up to `max` more events; empty at the end. Lines that are not events
    /// (cut short by a crash) are reported and skipped.
    pub fn next_chunk(&mut self, max: usize) -> io::Result<Vec<UsageEvent>> {
        let mut events = Vec::new();
        let mut text = String::new();
        while events.len() < max {
            text.clear();
            if self.lines.read_line(&mut text)? == 0 {
                break;
            }
            self.line += 1;
            if text.trim().is_empty() {
                continue;
            }
            match serde_json::from_str(&text) {
                Ok(event) => events.push(event),
                Err(e) => tracing::warn!("{}:{}: not a usage event, skipped: {e}", self.path.display(), self.line),
            }
        }
        Ok(events)
    }

    /// Everything was stored: the file goes.
    pub fn finish(self) -> io::Result<()> {
        std::fs::remove_file(&self.path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(id: &str) -> UsageEvent {
        UsageEvent {
            event_id: id.into(),
            occurred_at: 1,
            platform: "terminal".into(),
            workspace: String::new(),
            channel: "terminal".into(),
            user_key: "k".into(),
            command: "bio".into(),
            query: Some("/bio kelsey".into()),
            status: "ok".into(),
            result_count: 1,
            latency_us: 3,
            source_kind: Some("bio".into()),
        }
    }

    fn ids(replay: &mut Replay, max: usize) -> Vec<String> {
        replay.next_chunk(max).unwrap().into_iter().map(|e| e.event_id).collect()
    }

    #[test]
    fn appends_replays_in_chunks_and_starts_afresh() {
        let dir = tempfile::tempdir().unwrap();
        let spill = Spill::new(dir.path().join(SPILL_FILE));
        assert!(!spill.has_pending());
        assert!(spill.begin_replay().unwrap().is_none());
        spill.append(&[event("a"), event("b"), event("c")]).unwrap();
        assert!(spill.has_pending());
        let mut replay = spill.begin_replay().unwrap().unwrap();
        spill.append(&[event("d")]).unwrap();
        assert_eq!(ids(&mut replay, 2), ["a", "b"]);
        // An unfinished replay is offered again, from its start, before anything newer.
        let mut again = spill.begin_replay().unwrap().unwrap();
        assert_eq!(ids(&mut again, 10), ["a", "b", "c"]);
        assert_eq!(ids(&mut replay, 10), ["c"]);
        assert!(ids(&mut replay, 10).is_empty());
        replay.finish().unwrap();
        let mut next = spill.begin_replay().unwrap().unwrap();
        assert_eq!(ids(&mut next, 10), ["d"]);
    }

    #[test]
    fn a_line_cut_short_costs_only_itself() {
        let dir = tempfile::tempdir().unwrap();
        let spill = Spill::new(dir.path().join(SPILL_FILE));
        let whole = serde_json::to_string(&event("a")).unwrap();
        std::fs::write(spill.path(), format!("{whole}\n{}", &whole[..20])).unwrap();
        spill.append(&[event("b")]).unwrap();
        let mut replay = spill.begin_replay().unwrap().unwrap();
        assert_eq!(ids(&mut replay, 10), ["a", "b"]);
    }

    #[test]
    fn two_spills_of_one_file_lose_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let (one, two) = (Spill::new(dir.path().join(SPILL_FILE)), Spill::new(dir.path().join(SPILL_FILE)));
        one.append(&[event("a")]).unwrap();
        let mut replay = two.begin_replay().unwrap().unwrap();
        one.append(&[event("b")]).unwrap();
        assert_eq!(ids(&mut replay, 10), ["a"]);
        replay.finish().unwrap();
        let mut next = two.begin_replay().unwrap().unwrap();
        assert_eq!(ids(&mut next, 10), ["b"]);
    }
}
