//! frab / c3voc `schedule.xml`:
//!
//! ```text
//! <schedule><conference><title/><acronym/><time_zone_name/></conference>
//!   <day date=…><room name=…><event guid=… id=…>
//!     <date>2025-12-27T16:00:00+01:00</date><duration>01:00</duration><room/>
//!     <title/><subtitle/><track/><type/><language/><abstract/><url/>
//!     <persons><person id=…>Name</person></persons>
//!     <links><link href=…><type/><title/></link></links>
//!     <video_download_url/>
//! ```
//!
//! A person is also read in c3voc's longer form,
//! `<person guid=…><name/><biography/><avatar/></person>`.
//!
//! Only an event's direct children are its fields, so the `<title>` and
//! `<type>` inside a `<link>` never shadow the event's own. Entities beyond
//! XML's predefined five and character references are refused, so a
//! document type cannot expand into a billion laughs.

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

use super::speakers::{Profile, Roster};
use super::{Conference, ImportError, ImportOptions, Schedule, Session, check_size, event_times, zone_or_offset};

#[derive(Default)]
struct EventFields {
    guid: Option<String>,
    id: Option<String>,
    date: Option<String>,
    duration: Option<String>,
    room: Option<String>,
    day_room: Option<String>,
    title: Option<String>,
    subtitle: String,
    track: Option<String>,
    kind: Option<String>,
    language: Option<String>,
    abstract_text: String,
    url: Option<String>,
    recording: Option<String>,
    /// Each person's written name and what else the file says of them.
    persons: Vec<(String, Profile)>,
    /// Byte offset of the `<event>`; its line is worked out only for an error.
    offset: usize,
}

/// Reads a frab `schedule.xml`.
pub fn parse_frab_xml(input: &[u8], options: &ImportOptions) -> Result<Schedule, ImportError> {
    check_size(input)?;
    let text = super::utf8(input)?;
    let mut reader = Reader::from_str(text);
    let mut path: Vec<String> = Vec::new();
    let mut content = String::new();
    let mut title = None;
    let mut acronym = None;
    let mut zone_name = None;
    let mut day_room: Option<String> = None;
    let mut declared: Vec<String> = Vec::new();
    let mut event: Option<EventFields> = None;
    // The person being read: its attributes' id, and its parts in the longer form.
    let mut person: Option<(Option<String>, Profile)> = None;
    let mut raw_events: Vec<EventFields> = Vec::new();
    loop {
        let at = reader.buffer_position() as usize;
        let syntax = |message: String| {
            let (line, column) = line_column(input, at);
            ImportError::Syntax { line, column, message }
        };
        let item = reader.read_event().map_err(|e| {
            let (line, column) = line_column(input, reader.error_position() as usize);
            ImportError::Syntax { line, column, message: format!("not well-formed XML: {e}") }
        })?;
        match item {
            Event::Start(start) => {
                let name = element_name(&start);
                match name.as_str() {
                    "room" if path.last().is_some_and(|p| p == "day") => {
                        day_room = attribute(&start, "name");
                        declared.extend(day_room.clone());
                    }
                    "person" if path.last().is_some_and(|p| p == "persons") => {
                        let id = attribute(&start, "guid").or_else(|| attribute(&start, "id"));
                        person = Some((id, Profile::default()));
                    }
                    "event" => {
                        event = Some(EventFields {
                            guid: attribute(&start, "guid"),
                            id: attribute(&start, "id"),
                            day_room: day_room.clone(),
                            offset: at,
                            ..EventFields::default()
                        });
                    }
                    _ => {}
                }
                path.push(name);
                content.clear();
            }
            Event::Empty(start) => match element_name(&start).as_str() {
                "room" if path.last().is_some_and(|p| p == "day") => {
                    day_room = attribute(&start, "name");
                    declared.extend(day_room.clone());
                }
                "event" => return Err(syntax(String::from("an <event/> with no <date>, <duration> or <title>"))),
                _ => {}
            },
            Event::Text(t) => content.push_str(&t.decode().map_err(|e| syntax(format!("bad text: {e}")))?),
            Event::CData(t) => content.push_str(&t.decode().map_err(|e| syntax(format!("bad text: {e}")))?),
            Event::GeneralRef(r) => {
                let name = r.decode().map_err(|e| syntax(format!("bad reference: {e}")))?;
                let resolved = if r.is_char_ref() {
                    r.resolve_char_ref().ok().flatten()
                } else {
                    match name.as_ref() {
                        "amp" => Some('&'),
                        "lt" => Some('<'),
                        "gt" => Some('>'),
                        "quot" => Some('"'),
                        "apos" => Some('\''),
                        _ => None,
                    }
                };
                match resolved {
                    Some(c) => content.push(c),
                    None => {
                        return Err(syntax(format!(
                            "the entity `&{name};` is not one of XML's predefined entities; entities are not expanded"
                        )));
                    }
                }
            }
            Event::End(_) => {
                let Some(name) = path.pop() else { return Err(syntax("a closing tag without an opening one".into())) };
                let value = content.trim().to_string();
                let parent = path.last().map(String::as_str);
                match (parent, path.len(), name.as_str()) {
                    (Some("conference"), 2, "title") => title = Some(value),
                    (Some("conference"), 2, "acronym") => acronym = Some(value),
                    (Some("conference"), 2, "time_zone_name") => zone_name = Some(value).filter(|v| !v.is_empty()),
                    (Some("person"), _, field) if person.is_some() => {
                        if let Some((_, profile)) = &mut person {
                            match field {
                                "name" | "public_name" | "full_name" => profile.name = value,
                                "biography" | "bio" => profile.biography = value,
                                "avatar" | "image" => profile.avatar = Some(value).filter(|v| v.starts_with("http")),
                                _ => {}
                            }
                        }
                    }
                    (Some("persons"), _, "person") if path.iter().rev().nth(1).is_some_and(|p| p == "event") => {
                        if let (Some(e), Some((id, mut profile))) = (&mut event, person.take()) {
                            // The short form holds the name as the element's text.
                            if profile.name.is_empty() {
                                profile.name = value;
                            }
                            profile.id = id;
                            if !profile.name.is_empty() {
                                e.persons.push((profile.name.clone(), profile));
                            }
                        }
                    }
                    (Some("event"), _, field) => {
                        if let Some(e) = &mut event {
                            let keep = Some(value.clone()).filter(|v| !v.is_empty());
                            match field {
                                "date" => e.date = keep,
                                "duration" => e.duration = keep,
                                "room" => e.room = keep,
                                "title" => e.title = keep,
                                "subtitle" => e.subtitle = value,
                                "track" => e.track = keep,
                                "type" => e.kind = keep,
                                "language" => e.language = keep,
                                "abstract" => e.abstract_text = value,
                                "url" => e.url = keep,
                                "video_download_url" => e.recording = keep.filter(|u| u.starts_with("http")),
                                _ => {}
                            }
                        }
                    }
                    (_, _, "event") => raw_events.extend(event.take()),
                    (_, _, "room") if parent == Some("day") => day_room = None,
                    _ => {}
                }
                content.clear();
            }
            Event::Eof => break,
            Event::DocType(_) | Event::Decl(_) | Event::PI(_) | Event::Comment(_) => {}
        }
    }
    if !path.is_empty() {
        let (line, column) = line_column(input, input.len());
        return Err(ImportError::Syntax {
            line,
            column,
            message: format!("the file ends inside <{}>", path.join("><")),
        });
    }
    let title = title.ok_or_else(|| ImportError::field("schedule/conference/title", "missing"))?;
    let mut sessions = Vec::with_capacity(raw_events.len());
    let mut roster = Roster::default();
    let mut first_date = None;
    for e in raw_events {
        let at = |field: &str| format!("line {}: event {}", line_column(input, e.offset).0, field);
        let date = e.date.ok_or_else(|| ImportError::field(at("<date>"), "missing"))?;
        first_date.get_or_insert_with(|| date.clone());
        let duration = e.duration.ok_or_else(|| ImportError::field(at("<duration>"), "missing"))?;
        let (start, end) =
            event_times(&date, &duration).map_err(|m| ImportError::field(at("<date>/<duration>"), m.to_string()))?;
        let id =
            e.guid.or(e.id).ok_or_else(|| ImportError::field(at("guid"), "the event has neither a guid nor an id"))?;
        let mut speakers = Vec::new();
        for (written, profile) in e.persons {
            speakers.extend(roster.add(&written, |p| {
                p.id.clone_from(&profile.id);
                p.biography.clone_from(&profile.biography);
                p.avatar.clone_from(&profile.avatar);
            }));
        }
        sessions.push(Session {
            id,
            title: e.title.ok_or_else(|| ImportError::field(at("<title>"), "missing"))?,
            subtitle: e.subtitle,
            abstract_text: e.abstract_text,
            speakers,
            room: e.room.or(e.day_room).unwrap_or_default(),
            track: e.track,
            kind: e.kind,
            language: e.language,
            start,
            end,
            url: e.url,
            recording: e.recording,
        });
    }
    let time_zone = zone_or_offset(
        zone_name.as_deref(),
        first_date.as_deref(),
        options.time_zone.as_ref(),
        "schedule/conference/time_zone_name",
    )?;
    Ok(Schedule::new(Conference { title, acronym, time_zone }, sessions)
        .with_speakers(roster.into_profiles())
        .with_rooms(declared))
}

fn element_name(start: &BytesStart<'_>) -> String {
    String::from_utf8_lossy(start.local_name().as_ref()).into_owned()
}

fn attribute(start: &BytesStart<'_>, name: &str) -> Option<String> {
    let attr = start.try_get_attribute(name).ok().flatten()?;
    attr.unescape_value().ok().map(|v| v.trim().to_string()).filter(|v| !v.is_empty())
}

/// 1-based line and column (in characters) of a byte offset.
pub(crate) fn line_column(input: &[u8], offset: usize) -> (usize, usize) {
    let before = &input[..offset.min(input.len())];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let line_start = before.iter().rposition(|&b| b == b'\n').map_or(0, |p| p + 1);
    let column = String::from_utf8_lossy(&before[line_start..]).chars().count() + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    const CONGRESS: &[u8] = include_bytes!("../../tests/data/schedules/schedule-39c3-20251206.xml");

    #[test]
    fn reads_the_congress_export() {
        let s = parse_frab_xml(CONGRESS, &ImportOptions::default()).unwrap();
        assert_eq!(s.conference.title, "39th Chaos Communications Congress");
        assert_eq!(s.conference.zone_name(), "Europe/Berlin");
        assert_eq!(s.sessions.len(), 215);
        let fraud = s.sessions.iter().find(|x| x.id == "a2dd3dc7-ecae-50b3-82d9-266ad02f7a40").unwrap();
        // Its <links> hold a <title>Zügli</title> and a <type>related</type> that must not win.
        assert_eq!(fraud.title, "All my Deutschlandtickets gone: Fraud at an industrial scale");
        assert_eq!(fraud.kind.as_deref(), Some("Talk"));
        assert_eq!(fraud.start.to_string(), "2025-12-27T15:00:00Z");
        assert_eq!(fraud.end.to_string(), "2025-12-27T16:00:00Z");
        assert_eq!(fraud.room, "One");
        assert_eq!(fraud.speakers, ["Q Misell", "maya"]);
        let quoted = s.sessions.iter().find(|x| x.id == "304dd87b-7de5-557c-9951-1add24396a0b").unwrap();
        assert_eq!(
            quoted.title,
            "All Sorted by Machines of Loving Grace? \"AI\", Cybernetics, and Fascism and how to Intervene"
        );
    }

    fn check_error(input: &str, expected: &str) {
        assert_eq!(parse_frab_xml(input.as_bytes(), &ImportOptions::default()).unwrap_err().to_string(), expected);
    }

    #[test]
    fn refuses_bad_xml_saying_where() {
        let laughs = "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n <!ENTITY lol \"lol\">\n <!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n]>\n<schedule><conference><title>&lol2;</title></conference></schedule>";
        check_error(
            laughs,
            "line 6, column 30: the entity `&lol2;` is not one of XML's predefined entities; entities are not expanded",
        );
        check_error(
            "<schedule><conference><title>T</title></conference>\n<day>",
            "line 2, column 6: the file ends inside <schedule><day>",
        );
        check_error(
            "<schedule><conference><title>T</title></conference>\n</day></schedule>",
            "line 2, column 1: not well-formed XML: ill-formed document: expected `</schedule>`, but `</day>` was found",
        );
        check_error(
            "<schedule><conference><title>T</title></conference><day><room name=\"A\">\n<event id=\"1\"><date>soon</date><duration>00:30</duration><title>x</title></event></room></day></schedule>",
            "line 2: event <date>/<duration>: `soon` is not a date and time with an offset",
        );
    }
}
