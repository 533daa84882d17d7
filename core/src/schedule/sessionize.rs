//! Sessionize's "All" export: `sessions[{id, title, description, startsAt,
//! endsAt, roomId, speakers[id], categoryItems[id], recordingUrl}]`,
//! `speakers[{id, fullName, bio, tagLine, profilePicture, links[{title,
//! url}], questionAnswers[{question, answer}]}]`, `rooms[{id, name}]`,
//! `categories[{title, items[{id, name}]}]`, `questions[{id, question}]`.
//! Its times are local and carry no zone, so the caller gives the
//! conference's zone.

use std::collections::HashMap;

use jiff::civil::DateTime;
use serde::Deserialize;

use super::speakers::{Roster, links_from};
use super::{Conference, ImportError, ImportOptions, Schedule, Session, check_size};

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Export {
    sessions: Vec<SessionizeSession>,
    #[serde(default)]
    speakers: Vec<Speaker>,
    #[serde(default)]
    rooms: Vec<Room>,
    #[serde(default)]
    categories: Vec<Category>,
    #[serde(default)]
    questions: Vec<Question>,
}

#[derive(Deserialize)]
struct Question {
    id: Id,
    question: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct QuestionAnswer {
    question_id: Option<Id>,
    question: Option<String>,
    answer: Option<String>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum Id {
    Number(i64),
    Text(String),
}

impl Id {
    fn text(&self) -> String {
        match self {
            Id::Number(n) => n.to_string(),
            Id::Text(t) => t.clone(),
        }
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SessionizeSession {
    id: Id,
    title: String,
    description: Option<String>,
    starts_at: Option<String>,
    ends_at: Option<String>,
    room_id: Option<Id>,
    #[serde(default)]
    speakers: Vec<Id>,
    #[serde(default)]
    category_items: Vec<Id>,
    #[serde(default)]
    is_service_session: bool,
    recording_url: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Speaker {
    id: Id,
    full_name: String,
    bio: Option<String>,
    tag_line: Option<String>,
    profile_picture: Option<String>,
    #[serde(default)]
    links: Vec<serde_json::Value>,
    #[serde(default)]
    question_answers: Vec<QuestionAnswer>,
}

#[derive(Deserialize)]
struct Room {
    id: Id,
    name: String,
}

#[derive(Deserialize)]
struct Category {
    title: String,
    #[serde(default)]
    items: Vec<CategoryItem>,
}

#[derive(Deserialize)]
struct CategoryItem {
    id: Id,
    name: String,
}

/// Reads a Sessionize "All" JSON export; `options.time_zone` is required.
pub fn parse_sessionize(input: &[u8], options: &ImportOptions) -> Result<Schedule, ImportError> {
    check_size(input)?;
    let export: Export = serde_json::from_slice(input).map_err(super::json_error)?;
    let zone =
        options.time_zone.clone().ok_or_else(|| ImportError::NoZone { field: String::from("sessions[].startsAt") })?;
    let questions: HashMap<String, &str> =
        export.questions.iter().map(|q| (q.id.text(), q.question.as_str())).collect();
    let mut roster = Roster::default();
    let mut speakers: HashMap<String, Vec<String>> = HashMap::new();
    for speaker in &export.speakers {
        let names = roster.add(&speaker.full_name, |profile| {
            profile.id = Some(speaker.id.text());
            profile.biography = speaker.bio.clone().unwrap_or_default();
            profile.tagline = speaker.tag_line.clone().filter(|t| !t.trim().is_empty());
            profile.avatar = speaker.profile_picture.clone().filter(|p| p.starts_with("http"));
            profile.links = links_from(&speaker.links);
            profile.answers = speaker
                .question_answers
                .iter()
                .filter_map(|qa| {
                    let asked = qa.question.clone().or_else(|| {
                        qa.question_id.as_ref().and_then(|id| questions.get(&id.text())).map(|q| q.to_string())
                    })?;
                    Some((asked, qa.answer.clone().filter(|a| !a.trim().is_empty())?))
                })
                .collect();
        });
        speakers.insert(speaker.id.text(), names);
    }
    let rooms: HashMap<String, &str> = export.rooms.iter().map(|r| (r.id.text(), r.name.as_str())).collect();
    // Tracks are the items of a category called Track (or Tracks); other categories (level, format) are not tracks.
    let tracks: HashMap<String, &str> = export
        .categories
        .iter()
        .filter(|c| c.title.to_ascii_lowercase().starts_with("track"))
        .flat_map(|c| c.items.iter().map(|i| (i.id.text(), i.name.as_str())))
        .collect();
    let mut sessions = Vec::new();
    for (i, s) in export.sessions.iter().enumerate() {
        let at = |field: &str| format!("sessions[{i}].{field}");
        let local = |field: &str, value: &Option<String>| -> Result<jiff::Timestamp, ImportError> {
            let text = value.as_deref().ok_or_else(|| ImportError::field(at(field), "missing"))?;
            // A time with `Z` or an offset is an instant; Sessionize's usual local time is in the conference's zone.
            if let Ok(at) = text.trim().parse::<jiff::Timestamp>() {
                return Ok(at);
            }
            let dt: DateTime = text
                .trim()
                .parse()
                .map_err(|_| ImportError::field(at(field), format!("`{text}` is not a date and time")))?;
            dt.to_zoned(zone.clone()).map(|z| z.timestamp()).map_err(|e| ImportError::field(at(field), e.to_string()))
        };
        if s.starts_at.is_none() && s.is_service_session {
            continue;
        }
        let start = local("startsAt", &s.starts_at)?;
        let end = local("endsAt", &s.ends_at)?;
        sessions.push(Session {
            id: s.id.text(),
            title: s.title.trim().to_string(),
            subtitle: String::new(),
            abstract_text: s.description.clone().unwrap_or_default(),
            speakers: s.speakers.iter().filter_map(|id| speakers.get(&id.text())).flatten().cloned().collect(),
            room: s.room_id.as_ref().and_then(|id| rooms.get(&id.text()).map(|n| n.to_string())).unwrap_or_default(),
            track: s.category_items.iter().find_map(|id| tracks.get(&id.text()).map(|n| n.to_string())),
            kind: None,
            language: None,
            start,
            end,
            url: None,
            recording: s.recording_url.clone().filter(|u| u.starts_with("http")),
        });
    }
    let title = options.title.clone().unwrap_or_else(|| String::from(super::UNTITLED));
    let declared = export.rooms.iter().map(|r| r.name.clone()).collect();
    Ok(Schedule::new(Conference { title, acronym: None, time_zone: zone }, sessions)
        .with_speakers(roster.into_profiles())
        .with_rooms(declared))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = r#"{
      "sessions": [
        {"id": "101", "title": "Keynote: Software supply chain security", "description": "Signing things.",
         "startsAt": "2022-11-01T09:15:00", "endsAt": "2022-11-01T10:00:00", "roomId": 1, "speakers": ["s-1"],
         "categoryItems": [7, 9], "isServiceSession": false},
        {"id": "102", "title": "Lunch", "startsAt": null, "endsAt": null, "roomId": null, "speakers": [],
         "categoryItems": [], "isServiceSession": true}
      ],
      "speakers": [{"id": "s-1", "fullName": "Kelsey Hightower"}],
      "rooms": [{"id": 1, "name": "Main Stage"}],
      "categories": [
        {"id": 1, "title": "Level", "items": [{"id": 9, "name": "Introductory"}]},
        {"id": 2, "title": "Track", "items": [{"id": 7, "name": "Security"}]}
      ]
    }"#;

    #[test]
    fn reads_local_times_in_the_given_zone() {
        let options =
            ImportOptions { time_zone: Some(jiff::tz::TimeZone::get("Europe/Copenhagen").unwrap()), title: None };
        let s = parse_sessionize(SAMPLE.as_bytes(), &options).unwrap();
        assert_eq!(s.sessions.len(), 1);
        let keynote = &s.sessions[0];
        assert_eq!((keynote.id.as_str(), keynote.room.as_str()), ("101", "Main Stage"));
        assert_eq!(keynote.speakers, ["Kelsey Hightower"]);
        assert_eq!(keynote.track.as_deref(), Some("Security"));
        assert_eq!(keynote.start.to_string(), "2022-11-01T08:15:00Z");
    }

    #[test]
    fn needs_a_zone() {
        let error = parse_sessionize(SAMPLE.as_bytes(), &ImportOptions::default()).unwrap_err();
        assert_eq!(
            error.to_string(),
            "sessions[].startsAt: the file gives local times without a time zone, and no conference time zone was given"
        );
    }
}
