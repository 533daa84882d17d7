//! What changed between two versions of a programme: sessions added,
//! removed (cancelled), and changed with which parts changed. Pure, so an
//! import can be previewed (`--dry-run`) and announced from the same data.

use serde::Serialize;

use super::Session;

/// A part of a session whose change people are told about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Part {
    Time,
    Room,
    Title,
    Speakers,
    /// Abstract, subtitle, track, type, language or link.
    Details,
}

impl Part {
    pub fn as_str(self) -> &'static str {
        match self {
            Part::Time => "time",
            Part::Room => "room",
            Part::Title => "title",
            Part::Speakers => "speakers",
            Part::Details => "details",
        }
    }

    const ALL: [Part; 5] = [Part::Time, Part::Room, Part::Title, Part::Speakers, Part::Details];

    /// The part [`as_str`](Self::as_str) names.
    pub fn named(name: &str) -> Option<Part> {
        Part::ALL.into_iter().find(|part| part.as_str() == name)
    }

    /// Parts as a database column keeps them: their names, comma-separated.
    pub fn list(parts: &[Part]) -> String {
        parts.iter().map(|p| p.as_str()).collect::<Vec<_>>().join(",")
    }

    /// The parts [`list`](Self::list) wrote; a name no longer known is left out.
    pub fn read_list(text: &str) -> Vec<Part> {
        text.split(',').filter_map(|name| Part::named(name.trim())).collect()
    }
}

/// One session's change.
#[derive(Debug, Clone, PartialEq)]
pub enum Change {
    Added(Session),
    Removed(Session),
    Changed { before: Box<Session>, after: Box<Session>, parts: Vec<Part> },
}

impl Change {
    pub fn session(&self) -> &Session {
        match self {
            Change::Added(s) | Change::Removed(s) => s,
            Change::Changed { after, .. } => after,
        }
    }

    /// `added`, `removed` or `changed`: the change's kind as it is stored
    /// and shown ([`Change::stored`] reads it back).
    pub fn kind(&self) -> &'static str {
        match self {
            Change::Added(_) => ADDED,
            Change::Removed(_) => REMOVED,
            Change::Changed { .. } => CHANGED,
        }
    }

    /// Whether the session moved: its time or its room changed.
    pub fn moved(&self) -> bool {
        matches!(self, Change::Changed { parts, .. } if parts.iter().any(|p| matches!(p, Part::Time | Part::Room)))
    }

    /// The change a stored record describes: its [`kind`](Self::kind), the
    /// session after it (for a removal, as it last was), and for a change
    /// the session before it and the parts that changed. `None` for a kind
    /// no longer known, or a change without the session as it was.
    pub fn stored(kind: &str, after: Session, before: Option<Session>, parts: Vec<Part>) -> Option<Change> {
        match kind {
            ADDED => Some(Change::Added(after)),
            REMOVED => Some(Change::Removed(after)),
            CHANGED => Some(Change::Changed { before: Box::new(before?), after: Box::new(after), parts }),
            _ => None,
        }
    }
}

const ADDED: &str = "added";
const REMOVED: &str = "removed";
const CHANGED: &str = "changed";

/// Every change from `old` to `new`, matched by session id, in the new
/// programme's order with removals last.
pub fn diff(old: &[Session], new: &[Session]) -> Vec<Change> {
    let mut changes = Vec::new();
    for after in new {
        match old.iter().find(|s| s.id == after.id) {
            None => changes.push(Change::Added(after.clone())),
            Some(before) => {
                let parts = parts_changed(before, after);
                if !parts.is_empty() {
                    changes.push(Change::Changed {
                        before: Box::new(before.clone()),
                        after: Box::new(after.clone()),
                        parts,
                    });
                }
            }
        }
    }
    for before in old {
        if !new.iter().any(|s| s.id == before.id) {
            changes.push(Change::Removed(before.clone()));
        }
    }
    changes
}

fn parts_changed(a: &Session, b: &Session) -> Vec<Part> {
    let mut parts = Vec::new();
    if (a.start, a.end) != (b.start, b.end) {
        parts.push(Part::Time);
    }
    if a.room != b.room {
        parts.push(Part::Room);
    }
    if a.title != b.title {
        parts.push(Part::Title);
    }
    if a.speakers != b.speakers {
        parts.push(Part::Speakers);
    }
    if (&a.abstract_text, &a.subtitle, &a.track, &a.kind, &a.language, &a.url)
        != (&b.abstract_text, &b.subtitle, &b.track, &b.kind, &b.language, &b.url)
    {
        parts.push(Part::Details);
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Vec<Session> {
        crate::seed::schedule().sessions
    }

    #[test]
    fn finds_additions_removals_and_what_changed() {
        let old = sample();
        assert!(diff(&old, &old).is_empty(), "the same programme twice changes nothing");
        let mut new = old.clone();
        let cancelled = new.remove(0);
        new[0].room = "Room 2".into();
        new[0].start += jiff::SignedDuration::from_mins(30);
        new[1].abstract_text.push_str(" Updated.");
        let mut extra = new[2].clone();
        extra.id = "new-1".into();
        new.push(extra);
        let got: Vec<(String, &str, Vec<&str>)> = diff(&old, &new)
            .iter()
            .map(|c| {
                let parts = match c {
                    Change::Changed { parts, .. } => parts.iter().map(|p| p.as_str()).collect(),
                    _ => Vec::new(),
                };
                (c.session().id.clone(), c.kind(), parts)
            })
            .collect();
        assert_eq!(got.len(), 4);
        assert_eq!((got[0].1, got[0].2.clone()), ("changed", vec!["time", "room"]));
        assert_eq!((got[1].1, got[1].2.clone()), ("changed", vec!["details"]));
        assert!(diff(&old, &new)[0].moved() && !diff(&old, &new)[1].moved());
        assert_eq!((got[2].0.as_str(), got[2].1), ("new-1", "added"));
        assert_eq!((got[3].0.clone(), got[3].1), (cancelled.id, "removed"));
    }

    #[test]
    fn a_change_reads_back_as_it_was_stored() {
        let old = sample();
        let mut new = old.clone();
        new[0].title = "Renamed".into();
        new[0].speakers.clear();
        new.remove(1);
        for change in diff(&old, &new) {
            let (after, before, parts) = match &change {
                Change::Added(s) | Change::Removed(s) => (s.clone(), None, Vec::new()),
                Change::Changed { before, after, parts } => {
                    ((**after).clone(), Some((**before).clone()), parts.clone())
                }
            };
            let parts = Part::read_list(&Part::list(&parts));
            assert_eq!(Change::stored(change.kind(), after, before, parts).as_ref(), Some(&change));
        }
        assert_eq!(Part::read_list("time,colour,room"), [Part::Time, Part::Room], "unknown names are left out");
        assert_eq!(Change::stored("renamed", Session::default(), None, Vec::new()), None);
        assert_eq!(Change::stored("changed", Session::default(), None, vec![Part::Time]), None, "no session as it was");
    }
}
