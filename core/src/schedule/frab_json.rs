//! frab and pretalx `schedule.json`:
//! `schedule.conference{title, acronym, time_zone_name?, days[{rooms{"<room>": [event]}}]}`
//! with events `{guid, id, date (ISO 8601 with offset), duration "HH:MM", room,
//! title, subtitle, track, type, language, abstract, persons[…], url,
//! recording{url}, video_download_url}` and persons `{id|code|guid,
//! public_name|name, biography, avatar, links, answers}`.
//! Without `time_zone_name` the conference is in the zone the caller gives
//! when that zone agrees with the dates' offsets, else in the offset itself.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::Value;

use super::speakers::{Roster, answers_from, links_from};
use super::{
    Conference, ImportError, ImportOptions, Schedule, Session, TimeError, check_size, event_times, zone_or_offset,
};

#[derive(Deserialize)]
struct File {
    schedule: Body,
}

#[derive(Deserialize)]
struct Body {
    conference: FrabConference,
}

#[derive(Deserialize)]
struct FrabConference {
    title: String,
    acronym: Option<String>,
    time_zone_name: Option<String>,
    #[serde(default)]
    days: Vec<Day>,
}

#[derive(Deserialize)]
struct Day {
    #[serde(default)]
    rooms: BTreeMap<String, Vec<Event>>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum Id {
    Number(i64),
    Text(String),
}

impl Id {
    fn text(&self) -> Option<String> {
        match self {
            Id::Number(n) => Some(n.to_string()),
            Id::Text(t) => Some(t.clone()).filter(|t| !t.is_empty()),
        }
    }
}

#[derive(Deserialize)]
struct Event {
    guid: Option<String>,
    id: Option<Id>,
    date: String,
    duration: String,
    room: Option<String>,
    title: String,
    subtitle: Option<String>,
    track: Option<String>,
    #[serde(rename = "type")]
    kind: Option<String>,
    language: Option<String>,
    #[serde(rename = "abstract")]
    abstract_text: Option<String>,
    #[serde(default)]
    persons: Vec<FrabPerson>,
    url: Option<String>,
    recording: Option<Value>,
    video_download_url: Option<String>,
}

#[derive(Deserialize)]
struct FrabPerson {
    id: Option<Id>,
    code: Option<String>,
    guid: Option<String>,
    public_name: Option<String>,
    name: Option<String>,
    biography: Option<String>,
    avatar: Option<String>,
    #[serde(default)]
    links: Vec<Value>,
    #[serde(default)]
    answers: Vec<Value>,
}

/// Reads a frab or pretalx `schedule.json`.
pub fn parse_frab_json(input: &[u8], options: &ImportOptions) -> Result<Schedule, ImportError> {
    check_size(input)?;
    let file: File = serde_json::from_slice(input).map_err(super::json_error)?;
    let conf = file.schedule.conference;
    let mut sessions = Vec::new();
    let mut roster = Roster::default();
    let mut first_date = None;
    for (d, day) in conf.days.iter().enumerate() {
        for (room, events) in &day.rooms {
            for (e, event) in events.iter().enumerate() {
                let at = |field: &str| format!("schedule.conference.days[{d}].rooms[\"{room}\"][{e}].{field}");
                first_date.get_or_insert_with(|| event.date.clone());
                let (start, end) = event_times(&event.date, &event.duration).map_err(|error| {
                    let field = if matches!(error, TimeError::Duration(_)) { "duration" } else { "date" };
                    ImportError::field(at(field), error.to_string())
                })?;
                let id = match (&event.guid, event.id.as_ref().and_then(Id::text)) {
                    (Some(guid), _) if !guid.is_empty() => guid.clone(),
                    (_, Some(id)) => id,
                    _ => return Err(ImportError::field(at("guid"), "the event has neither a guid nor an id")),
                };
                let mut speakers = Vec::new();
                for person in &event.persons {
                    let Some(name) = person.public_name.as_deref().or(person.name.as_deref()) else { continue };
                    speakers.extend(roster.add(name, |profile| {
                        profile.id = person
                            .code
                            .clone()
                            .or_else(|| person.guid.clone())
                            .or_else(|| person.id.as_ref().and_then(Id::text));
                        profile.biography = person.biography.clone().unwrap_or_default();
                        profile.avatar = person.avatar.clone().filter(|a| a.starts_with("http"));
                        profile.links = links_from(&person.links);
                        profile.answers = answers_from(&person.answers);
                    }));
                }
                let recording = event
                    .recording
                    .as_ref()
                    .and_then(|r| r.get("url"))
                    .and_then(Value::as_str)
                    .map(str::to_string)
                    .or_else(|| event.video_download_url.clone())
                    .filter(|u| u.starts_with("http"));
                sessions.push(Session {
                    id,
                    title: event.title.trim().to_string(),
                    subtitle: event.subtitle.clone().unwrap_or_default(),
                    abstract_text: event.abstract_text.clone().unwrap_or_default(),
                    speakers,
                    room: event.room.clone().unwrap_or_else(|| room.clone()),
                    track: event.track.clone().filter(|t| !t.is_empty()),
                    kind: event.kind.clone().filter(|t| !t.is_empty()),
                    language: event.language.clone().filter(|t| !t.is_empty()),
                    start,
                    end,
                    url: event.url.clone().filter(|u| !u.is_empty()),
                    recording,
                });
            }
        }
    }
    let time_zone = zone_or_offset(
        conf.time_zone_name.as_deref(),
        first_date.as_deref(),
        options.time_zone.as_ref(),
        "schedule.conference.time_zone_name",
    )?;
    let declared = conf.days.iter().flat_map(|day| day.rooms.keys().cloned()).collect();
    let conference = Conference { title: conf.title, acronym: conf.acronym, time_zone };
    Ok(Schedule::new(conference, sessions).with_speakers(roster.into_profiles()).with_rooms(declared))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schedule::MAX_IMPORT_BYTES;

    const CAMP: &[u8] = include_bytes!("../../tests/data/schedules/frab-camp2019.json");
    const RC3: &[u8] = include_bytes!("../../tests/data/schedules/pretalx-rc3-channels-2020.json");
    use crate::seed::SCHEDULE as SAMPLE;

    #[test]
    fn reads_the_camp_export() {
        let s = parse_frab_json(CAMP, &ImportOptions::default()).unwrap();
        assert_eq!(s.conference.title, "Chaos Communication Camp 2019");
        assert_eq!(s.conference.zone_name(), "Europe/Berlin");
        assert_eq!(s.sessions.len(), 79);
        let opening = s.sessions.iter().find(|x| x.title == "Opening Ceremony").unwrap();
        assert_eq!(opening.id, "a0a0fcfe-b7fb-46e3-84b6-97a5406016b4");
        assert_eq!(opening.start.to_string(), "2019-08-21T09:00:00Z");
        assert_eq!(opening.end.to_string(), "2019-08-21T09:30:00Z");
        assert_eq!(opening.room, "Curie");
        assert_eq!(opening.speakers, ["jinxx", "smtw"]);
    }

    #[test]
    fn uses_the_offset_when_the_zone_is_not_named() {
        let s = parse_frab_json(RC3, &ImportOptions::default()).unwrap();
        assert_eq!(s.sessions.len(), 48);
        assert_eq!(s.conference.zone_name(), "UTC+01");
    }

    #[test]
    fn reads_the_sample_schedule() {
        let s = parse_frab_json(SAMPLE, &ImportOptions::default()).unwrap();
        assert_eq!(s.conference.zone_name(), "Europe/Copenhagen");
        let keynote = s.sessions.iter().find(|x| x.speakers == ["Kelsey Hightower"]).unwrap();
        assert_eq!(keynote.title, "Keynote: Software supply chain security");
        assert!(s.sessions.iter().filter(|x| x.id != keynote.id).all(|x| x.title.starts_with("Sample:")));
    }

    fn check_error(input: &str, expected: &str) {
        assert_eq!(parse_frab_json(input.as_bytes(), &ImportOptions::default()).unwrap_err().to_string(), expected);
    }

    #[test]
    fn says_where_bad_input_is_wrong() {
        check_error("{\"schedule\": {\n \"conference\": {\"title\": ", "line 2, column 25: EOF while parsing a value");
        check_error(
            r#"{"schedule":{"conference":{"title":"T","time_zone_name":"Mars/Base","days":[]}}}"#,
            "schedule.conference.time_zone_name: `Mars/Base` is not a known time zone",
        );
        check_error(
            r#"{"schedule":{"conference":{"title":"T","days":[{"rooms":{"A":[{"id":1,"date":"2020-01-01T10:00:00+01:00","duration":"xx","title":"t"}]}}]}}}"#,
            "schedule.conference.days[0].rooms[\"A\"][0].duration: `xx` is not a duration like 00:45",
        );
        assert!(matches!(
            parse_frab_json(&vec![b' '; MAX_IMPORT_BYTES + 1], &ImportOptions::default()),
            Err(ImportError::TooLarge { .. })
        ));
    }
}
