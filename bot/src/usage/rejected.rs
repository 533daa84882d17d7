//! The dead-letter file: usage events the database refused for what they
//! hold, set aside beside the spill file so that they never hold up the
//! events behind them. One JSON object a line: when it was set aside, the
//! database's reason, and the event as it was. Nothing reads it back; an
//! operator can, once the cause is fixed (`jq -c .event` gives lines the
//! spill file takes).

use std::fs::OpenOptions;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::UsageEvent;

/// The dead-letter file, beside the spill file.
pub const REJECTED_FILE: &str = "usage-rejected.jsonl";

#[derive(Debug)]
pub struct Rejected {
    path: PathBuf,
}

#[derive(Serialize)]
struct Line<'a> {
    /// Unix seconds.
    rejected_at: i64,
    reason: &'a str,
    event: &'a UsageEvent,
}

impl Rejected {
    /// The dead-letter file in the folder of the spill file at `spill`.
    pub fn beside(spill: &Path) -> Rejected {
        Rejected { path: spill.with_file_name(REJECTED_FILE) }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Appends `event` with the reason it was refused, and flushes it to the OS.
    pub fn append(&self, event: &UsageEvent, reason: &str) -> io::Result<()> {
        let line = Line { rejected_at: jiff::Timestamp::now().as_second(), reason, event };
        let mut text = serde_json::to_vec(&line)?;
        text.push(b'\n');
        let mut file = OpenOptions::new().create(true).append(true).open(&self.path)?;
        // One write per line: appends from several processes never interleave.
        file.write_all(&text)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn keeps_the_event_and_the_reason_on_one_line() {
        let dir = tempfile::tempdir().unwrap();
        let rejected = super::Rejected::beside(&dir.path().join("usage-spill.jsonl"));
        let event = crate::store::UsageEvent {
            event_id: "e1".into(),
            occurred_at: 1,
            platform: "slack".into(),
            workspace: String::new(),
            channel: "c".into(),
            user_key: "k".into(),
            command: "bio".into(),
            query: Some("nul\0here".into()),
            status: "ok".into(),
            result_count: 0,
            latency_us: 1,
            source_kind: None,
        };
        rejected.append(&event, "invalid byte sequence").unwrap();
        let text = std::fs::read_to_string(dir.path().join(super::REJECTED_FILE)).unwrap();
        let line: serde_json::Value = serde_json::from_str(text.trim_end()).unwrap();
        assert_eq!(
            (line["reason"].as_str(), line["event"]["query"].as_str()),
            (Some("invalid byte sequence"), Some("nul\0here"))
        );
    }
}
