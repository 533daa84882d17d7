//! The spill file: usage events that could not reach the database, one JSON
//! object per line, kept until they are replayed. Appends go to
//! `NAME.jsonl`; a replay first renames it to `NAME.jsonl.replaying`, so
//! events spilled meanwhile start a new file and nothing is read twice or
//! lost. A replay that fails leaves the `.replaying` file for the next try;
//! storing is idempotent by event id, so a crash mid-replay costs nothing.

use std::fs::{File, OpenOptions};
use std::io::{self, BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use super::UsageEvent;

/// The spill file beside the database.
pub const SPILL_FILE: &str = "usage-spill.jsonl";

#[derive(Debug)]
pub struct Spill {
    path: PathBuf,
    replaying: PathBuf,
    file: Mutex<Option<File>>,
}

impl Spill {
    pub fn new(path: PathBuf) -> Spill {
        let mut replaying = path.clone().into_os_string();
        replaying.push(".replaying");
        Spill { path, replaying: PathBuf::from(replaying), file: Mutex::new(None) }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Appends events, one line each, and flushes them to the OS.
    pub fn append(&self, events: &[UsageEvent]) -> io::Result<()> {
        let mut guard = self.file.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if guard.is_none() {
            if let Some(dir) = self.path.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir)?;
            }
            *guard = Some(OpenOptions::new().create(true).append(true).open(&self.path)?);
        }
        let Some(file) = guard.as_mut() else { unreachable!("opened above") };
        let mut out = BufWriter::new(file);
        for event in events {
            serde_json::to_writer(&mut out, event)?;
            out.write_all(b"\n")?;
        }
        out.flush()
    }

    /// Whether any spilled events wait for a replay.
    pub fn has_pending(&self) -> bool {
        let nonempty = |p: &Path| std::fs::metadata(p).map(|m| m.len() > 0).unwrap_or(false);
        nonempty(&self.replaying) || nonempty(&self.path)
    }

    /// The file to replay now: an unfinished earlier replay, else the spill
    /// file renamed aside. `None` when nothing waits.
    pub fn begin_replay(&self) -> io::Result<Option<PathBuf>> {
        if self.replaying.exists() {
            return Ok(Some(self.replaying.clone()));
        }
        let mut guard = self.file.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        // Close the handle so the next append starts a fresh file.
        guard.take();
        match std::fs::rename(&self.path, &self.replaying) {
            Ok(()) => Ok(Some(self.replaying.clone())),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Reads a replay file. Lines that are not events (a line cut short by a
    /// crash) are reported and skipped.
    pub fn read(path: &Path) -> io::Result<Vec<UsageEvent>> {
        let mut events = Vec::new();
        for (no, line) in BufReader::new(File::open(path)?).lines().enumerate() {
            let line = line?;
            if line.trim().is_empty() {
                continue;
            }
            match serde_json::from_str(&line) {
                Ok(event) => events.push(event),
                Err(e) => tracing::warn!("{}:{}: not a usage event, skipped: {e}", path.display(), no + 1),
            }
        }
        Ok(events)
    }

    /// The replay stored everything: the file goes.
    pub fn finish_replay(&self, path: &Path) -> io::Result<()> {
        std::fs::remove_file(path)
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

    #[test]
    fn appends_replays_and_starts_afresh() {
        let dir = tempfile::tempdir().unwrap();
        let spill = Spill::new(dir.path().join(SPILL_FILE));
        assert!(!spill.has_pending());
        assert_eq!(spill.begin_replay().unwrap(), None);
        spill.append(&[event("a"), event("b")]).unwrap();
        assert!(spill.has_pending());
        let replaying = spill.begin_replay().unwrap().unwrap();
        spill.append(&[event("c")]).unwrap();
        assert_eq!(Spill::read(&replaying).unwrap(), [event("a"), event("b")]);
        // An unfinished replay is offered again before anything newer.
        assert_eq!(spill.begin_replay().unwrap(), Some(replaying.clone()));
        spill.finish_replay(&replaying).unwrap();
        let next = spill.begin_replay().unwrap().unwrap();
        assert_eq!(Spill::read(&next).unwrap(), [event("c")]);
    }

    #[test]
    fn skips_a_line_cut_short() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cut.jsonl");
        let whole = serde_json::to_string(&event("a")).unwrap();
        std::fs::write(&path, format!("{whole}\n{}", &whole[..20])).unwrap();
        assert_eq!(Spill::read(&path).unwrap(), [event("a")]);
    }
}
