//! Schedules as CSV (RFC 4180: commas, double-quoted fields, `""` for a quote
//! inside one), with a header row naming the columns in any order:
//!
//! | column | required | meaning |
//! |---|---|---|
//! | `id` | yes | a stable id for the session |
//! | `title` | yes | |
//! | `start` | yes | `2022-11-01T09:15:00+01:00`, or `2022-11-01 09:15` in the conference's zone |
//! | `end` or `duration` | one of them | like `start`; or `00:45` |
//! | `room` | yes | |
//! | `speakers` | no | names separated by `;` (each as [`super::written`] reads names) |
//! | `track`, `type`, `language`, `subtitle`, `abstract`, `url`, `recording` | no | |

use super::speakers::Roster;
use super::{Conference, ImportError, ImportOptions, Schedule, Session, TimeError, check_size, parse_hhmm};

/// The columns a CSV schedule must have.
pub const REQUIRED: &[&str] = &["id", "title", "start", "room"];

/// Reads a CSV schedule. Local times need `options.time_zone`.
pub fn parse_csv(input: &[u8], options: &ImportOptions) -> Result<Schedule, ImportError> {
    check_size(input)?;
    let text = super::utf8(input)?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let rows = records(text)?;
    let Some((header_line, header)) = rows.first() else {
        return Err(ImportError::field("line 1", "the file is empty; it needs a header row"));
    };
    let columns: Vec<String> = header.iter().map(|h| h.trim().to_ascii_lowercase()).collect();
    let column = |name: &str| columns.iter().position(|c| c == name);
    for name in REQUIRED {
        if column(name).is_none() {
            return Err(ImportError::field(
                format!("line {header_line}"),
                format!("the header has no `{name}` column (it needs {})", REQUIRED.join(", ")),
            ));
        }
    }
    if column("end").is_none() && column("duration").is_none() {
        return Err(ImportError::field(
            format!("line {header_line}"),
            "the header needs an `end` or a `duration` column",
        ));
    }
    let zone = options.time_zone.clone();
    let mut sessions = Vec::new();
    let mut roster = Roster::default();
    let mut first_start: Option<String> = None;
    for (line, row) in &rows[1..] {
        if row.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        let cell = |name: &str| column(name).and_then(|i| row.get(i)).map(|v| v.trim()).unwrap_or("");
        let at = |name: &str| format!("line {line}, column `{name}`");
        let required = |name: &str| -> Result<String, ImportError> {
            let v = cell(name);
            if v.is_empty() { Err(ImportError::field(at(name), "empty")) } else { Ok(v.to_string()) }
        };
        let time = |name: &str, text: &str| {
            super::instant_in(text, zone.as_ref()).map_err(|error| match error {
                TimeError::NoZone(_) => ImportError::NoZone { field: at(name) },
                other => ImportError::field(at(name), other.to_string()),
            })
        };
        let start_text = required("start")?;
        let start = time("start", &start_text)?;
        first_start.get_or_insert(start_text);
        let end = if !cell("end").is_empty() {
            time("end", cell("end"))?
        } else {
            let length = parse_hhmm(cell("duration")).ok_or_else(|| {
                ImportError::field(at("duration"), format!("`{}` is not a duration like 00:45", cell("duration")))
            })?;
            start.checked_add(length).map_err(|_| ImportError::field(at("duration"), "out of range"))?
        };
        if end < start {
            return Err(ImportError::field(at("end"), "the session ends before it starts"));
        }
        let optional = |name: &str| Some(cell(name).to_string()).filter(|v| !v.is_empty());
        sessions.push(Session {
            id: required("id")?,
            title: required("title")?,
            subtitle: cell("subtitle").to_string(),
            abstract_text: cell("abstract").to_string(),
            speakers: roster.add(cell("speakers"), |_| {}),
            room: required("room")?,
            track: optional("track"),
            kind: optional("type"),
            language: optional("language"),
            start,
            end,
            url: optional("url"),
            recording: optional("recording"),
        });
    }
    let time_zone = super::zone_or_offset(None, first_start.as_deref(), zone.as_ref(), "start")?;
    let title = options.title.clone().unwrap_or_else(|| String::from(super::UNTITLED));
    Ok(Schedule::new(Conference { title, acronym: None, time_zone }, sessions).with_speakers(roster.into_profiles()))
}

/// The records of the file, each with the line it starts on.
fn records(text: &str) -> Result<Vec<(usize, Vec<String>)>, ImportError> {
    let mut rows = Vec::new();
    let mut row: Vec<String> = Vec::new();
    let mut field = String::new();
    let mut quoted_since: Option<(usize, usize)> = None;
    let (mut line, mut column) = (1usize, 0usize);
    let mut row_line = 1;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        column += 1;
        if quoted_since.is_some() {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    column += 1;
                    field.push('"');
                }
                '"' => {
                    quoted_since = None;
                    if !matches!(chars.peek(), None | Some(',' | '\n' | '\r')) {
                        return Err(ImportError::Syntax {
                            line,
                            column: column + 1,
                            message: "text after a closing quote; double a quote inside a quoted field".into(),
                        });
                    }
                }
                '\n' => {
                    field.push(c);
                    line += 1;
                    column = 0;
                }
                _ => field.push(c),
            }
            continue;
        }
        match c {
            '"' if field.is_empty() => quoted_since = Some((line, column)),
            ',' => row.push(std::mem::take(&mut field)),
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' | '\r' => {
                row.push(std::mem::take(&mut field));
                rows.push((row_line, std::mem::take(&mut row)));
                line += 1;
                column = 0;
                row_line = line;
            }
            _ => field.push(c),
        }
    }
    if let Some((opened_line, opened_column)) = quoted_since {
        return Err(ImportError::Syntax {
            line: opened_line,
            column: opened_column,
            message: "a quoted field is never closed".into(),
        });
    }
    if !field.is_empty() || !row.is_empty() {
        row.push(field);
        rows.push((row_line, row));
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use jiff::tz::TimeZone;

    use super::*;

    const SAMPLE: &str = "id,title,start,duration,room,speakers,track,abstract\n\
k1,\"Keynote: Software supply chain security\",2022-11-01 09:15,00:45,Main Stage,Kelsey Hightower,Security,\"Signing, \"\"provenance\"\"\nand SBOMs\"\n\
w1,WebAssembly at the edge,2022-11-01T11:00:00+01:00,00:30,Room 2,Ana; Bo,,\n";

    fn options() -> ImportOptions {
        ImportOptions { time_zone: Some(TimeZone::get("Europe/Copenhagen").unwrap()), title: Some("DevConf".into()) }
    }

    #[test]
    fn reads_quoted_fields_local_times_and_speaker_lists() {
        let s = parse_csv(SAMPLE.as_bytes(), &options()).unwrap();
        assert_eq!(s.sessions.len(), 2);
        let keynote = s.sessions.iter().find(|x| x.id == "k1").unwrap();
        assert_eq!(keynote.start.to_string(), "2022-11-01T08:15:00Z");
        assert_eq!(keynote.end.to_string(), "2022-11-01T09:00:00Z");
        assert_eq!(keynote.abstract_text, "Signing, \"provenance\"\nand SBOMs");
        let wasm = s.sessions.iter().find(|x| x.id == "w1").unwrap();
        assert_eq!(wasm.speakers, ["Ana", "Bo"]);
        assert_eq!(wasm.track, None);
    }

    fn check_error(input: &str, expected: &str) {
        assert_eq!(parse_csv(input.as_bytes(), &options()).unwrap_err().to_string(), expected);
    }

    #[test]
    fn refuses_bad_csv_saying_where() {
        check_error(
            "id,title,start,duration,room\nk1,\"Keynote,2022-11-01 09:15,00:45,Main\n",
            "line 2, column 4: a quoted field is never closed",
        );
        check_error(
            "id,title,start,duration\n",
            "line 1: the header has no `room` column (it needs id, title, start, room)",
        );
        check_error("id,title,start,room\n", "line 1: the header needs an `end` or a `duration` column");
        check_error(
            "id,title,start,duration,room\nk1,T,tomorrow,00:45,A\n",
            "line 2, column `start`: `tomorrow` is not a time like 2022-11-01T09:15:00+01:00 or 2022-11-01 09:15",
        );
        check_error(
            "id,title,start,duration,room\nk1,T,2022-11-01 09:15,forever,A\n",
            "line 2, column `duration`: `forever` is not a duration like 00:45",
        );
        check_error("id,title,start,duration,room\n,T,2022-11-01 09:15,00:30,A\n", "line 2, column `id`: empty");
        check_error(
            "id,title,start,duration,room\nk1,\"T\"x,2022-11-01 09:15,00:30,A\n",
            "line 2, column 7: text after a closing quote; double a quote inside a quoted field",
        );
        let no_zone =
            parse_csv(b"id,title,start,duration,room\nk,T,2022-11-01 09:15,00:30,A\n", &ImportOptions::default());
        assert_eq!(
            no_zone.unwrap_err().to_string(),
            "line 2, column `start`: the file gives local times without a time zone, and no conference time zone was given"
        );
    }
}
