//! Talks as pretalx's API gives them (`/api/events/EVENT/talks/`, or a
//! site's own JSON built from it): submission objects
//! `{code, title, speakers[{code, name, biography, avatar}], track,
//! submission_type, abstract, description, content_locale, slot{start, end,
//! room}}` wherever they sit in the file — a `results` list, or nested by
//! day and time as conference sites publish them. Texts may be plain or
//! translations (`{"en": …, "fr": …}`). A talk without a slot is not in the
//! programme. Times carry their offset; the file names no conference.

use serde_json::Value;

use super::speakers::{Profile, Roster, answers_from, i18n_text};
use super::{Conference, ImportError, ImportOptions, Schedule, Session, check_size, zone_or_offset};

/// Whether a JSON value is a scheduled pretalx submission.
fn is_talk(value: &Value) -> bool {
    value.get("title").is_some() && value.get("slot").and_then(|s| s.get("start")).is_some_and(Value::is_string)
}

/// Reads pretalx API talks, wherever in the file they are.
pub fn parse_pretalx_api(input: &[u8], options: &ImportOptions) -> Result<Schedule, ImportError> {
    check_size(input)?;
    let root: Value = serde_json::from_slice(input).map_err(super::json_error)?;
    let mut talks: Vec<(String, &Value)> = Vec::new();
    let mut people: Vec<&Value> = Vec::new();
    collect(&root, String::new(), &mut talks, &mut people);
    if talks.is_empty() {
        return Err(ImportError::field("the file", "no talks with a `slot` (start, end, room) in it"));
    }
    let mut roster = Roster::default();
    // People listed on their own (a site's `speakers` map) give the fullest profiles.
    for person in people {
        merge_person(&mut roster, person);
    }
    let mut sessions = Vec::new();
    let mut first_start = None;
    for (path, talk) in talks {
        let text = |key: &str| talk.get(key).and_then(i18n_text);
        let slot = &talk["slot"];
        let time = |key: &str| -> Result<jiff::Timestamp, ImportError> {
            let value = slot.get(key).and_then(Value::as_str).unwrap_or_default();
            value.parse().map_err(|_| {
                ImportError::field(
                    format!("{path}.slot.{key}"),
                    format!("`{value}` is not a date and time with an offset"),
                )
            })
        };
        let start = time("start")?;
        let end = time("end")?;
        if end < start {
            return Err(ImportError::field(format!("{path}.slot.end"), "the session ends before it starts"));
        }
        first_start.get_or_insert_with(|| slot["start"].as_str().unwrap_or_default().to_string());
        let id = talk
            .get("code")
            .and_then(Value::as_str)
            .map(str::to_string)
            .or_else(|| talk.get("id").map(|id| id.to_string()))
            .ok_or_else(|| ImportError::field(path.clone(), "the talk has neither a code nor an id"))?;
        let speakers = talk
            .get("speakers")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .flat_map(|person| merge_person(&mut roster, person))
            .collect();
        let room = slot.get("room").and_then(i18n_text).or_else(|| text("room")).unwrap_or_default();
        sessions.push(Session {
            id,
            title: text("title").unwrap_or_default(),
            abstract_text: [text("abstract"), text("description")]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join("\n\n"),
            speakers,
            room,
            track: text("track"),
            kind: text("submission_type"),
            language: text("content_locale"),
            start,
            end,
            ..Session::default()
        });
    }
    let time_zone = zone_or_offset(None, first_start.as_deref(), options.time_zone.as_ref(), "slot.start")?;
    let title = options.title.clone().unwrap_or_else(|| String::from(super::UNTITLED));
    Ok(Schedule::new(Conference { title, acronym: None, time_zone }, sessions).with_speakers(roster.into_profiles()))
}

/// Adds a pretalx speaker object to the roster; returns their names.
fn merge_person(roster: &mut Roster, person: &Value) -> Vec<String> {
    let Some(name) = person.get("name").and_then(i18n_text) else { return Vec::new() };
    roster.add(&name, |profile: &mut Profile| {
        profile.id = person.get("code").and_then(Value::as_str).map(str::to_string);
        profile.biography = person.get("biography").and_then(i18n_text).unwrap_or_default();
        profile.avatar =
            person.get("avatar").and_then(Value::as_str).filter(|a| a.starts_with("http")).map(str::to_string);
        profile.answers =
            answers_from(person.get("answers").and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default());
    })
}

/// Every scheduled talk in `value` with its path, and every speaker object
/// found outside a talk.
fn collect<'a>(value: &'a Value, path: String, talks: &mut Vec<(String, &'a Value)>, people: &mut Vec<&'a Value>) {
    if is_talk(value) {
        talks.push((path, value));
        return;
    }
    match value {
        Value::Object(map) => {
            if map.contains_key("name") && map.contains_key("biography") && map.contains_key("code") {
                people.push(value);
                return;
            }
            for (key, inner) in map {
                collect(inner, format!("{path}.{key}"), talks, people);
            }
        }
        Value::Array(items) => {
            for (i, inner) in items.iter().enumerate() {
                collect(inner, format!("{path}[{i}]"), talks, people);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TALKS: &str = r#"{"count": 2, "results": [
      {"code": "ABC123", "title": {"en": "Rust at the edge", "fr": "Rust en périphérie"},
       "speakers": [{"code": "S1", "name": "Ana Lopez", "biography": "Ana **builds** things.", "avatar": null}],
       "track": {"en": "Systems"}, "submission_type": "Talk", "abstract": "Fast code.", "description": null,
       "content_locale": "en",
       "slot": {"room": {"en": "Hall A"}, "start": "2024-11-02T10:00:00+01:00", "end": "2024-11-02T10:30:00+01:00"}},
      {"code": "UNSCHED", "title": "Not on the programme", "speakers": [], "slot": null}
    ]}"#;

    #[test]
    fn reads_talks_wherever_they_are() {
        let s = parse_pretalx_api(TALKS.as_bytes(), &ImportOptions::default()).unwrap();
        assert_eq!(s.sessions.len(), 1);
        let talk = &s.sessions[0];
        assert_eq!(
            (talk.id.as_str(), talk.title.as_str(), talk.room.as_str(), talk.track.as_deref()),
            ("ABC123", "Rust at the edge", "Hall A", Some("Systems"))
        );
        assert_eq!(talk.start.to_string(), "2024-11-02T09:00:00Z");
        assert_eq!(s.speakers[0].biography, "Ana builds things.");
        assert_eq!(s.conference.zone_name(), "UTC+01");
    }

    #[test]
    fn says_when_there_is_nothing_to_read() {
        let error = parse_pretalx_api(br#"{"results": []}"#, &ImportOptions::default()).unwrap_err();
        assert_eq!(error.to_string(), "the file: no talks with a `slot` (start, end, room) in it");
    }
}
