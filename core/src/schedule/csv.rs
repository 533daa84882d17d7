//! Schedules as CSV (RFC 4180: commas, double-quoted fields, `""` for a quote
//! inside one, read by the `csv` crate), with a header row naming the
//! columns in any order:
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

/// The records of the file, each with the line it starts on, read by the
/// `csv` crate. A record with a quote the crate reads leniently (a quoted
/// field never closed, which runs to the end of the file; text after a
/// closing quote, which it joins to the field) is refused, saying where.
/// Lines are counted here, from each record's first byte: the crate's own
/// count leaves out blank lines and the first line break of a CR LF file.
fn records(text: &str) -> Result<Vec<(usize, Vec<String>)>, ImportError> {
    let mut reader = ::csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text.as_bytes());
    let mut lines = Lines { text, byte: 0, line: 1 };
    let mut rows = Vec::new();
    let mut record = ::csv::StringRecord::new();
    loop {
        let start = to_usize(reader.position().byte());
        let read = reader.read_record(&mut record).map_err(|error| {
            let at = error.position().map_or(start, |p| to_usize(p.byte()));
            ImportError::Syntax { line: lines.at(at), column: 1, message: error.to_string() }
        })?;
        if !read {
            break;
        }
        let end = to_usize(reader.position().byte()).min(text.len());
        // Blank lines before the record are skipped by the crate.
        let raw = text.get(start..end).unwrap_or_default();
        let begin = raw.find(|c| c != '\r' && c != '\n').map_or(end, |skip| start + skip);
        let line = lines.at(begin);
        check_quotes(text.get(begin..end).unwrap_or_default(), line)?;
        rows.push((line, record.iter().map(str::to_string).collect()));
    }
    Ok(rows)
}

fn to_usize(n: u64) -> usize {
    usize::try_from(n).unwrap_or(usize::MAX)
}

/// Line numbers of byte offsets asked in order: LF, CR LF and a lone CR
/// each end a line.
struct Lines<'a> {
    text: &'a str,
    byte: usize,
    line: usize,
}

impl Lines<'_> {
    fn at(&mut self, byte: usize) -> usize {
        let byte = byte.min(self.text.len());
        if byte > self.byte {
            let bytes = self.text.as_bytes();
            let ends = (self.byte..byte)
                .filter(|&i| bytes[i] == b'\n' || (bytes[i] == b'\r' && bytes.get(i + 1) != Some(&b'\n')))
                .count();
            self.line += ends;
            self.byte = byte;
        }
        self.line
    }
}

/// Refuses the quotes RFC 4180 does not allow in `raw`, a record's text
/// from the start of `line`: a quoted field that is never closed, and
/// text between a closing quote and the end of its field.
fn check_quotes(raw: &str, line: usize) -> Result<(), ImportError> {
    let (mut line, mut column) = (line, 0usize);
    let mut opened: Option<(usize, usize)> = None;
    let mut field_start = true;
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        column += 1;
        match (c, opened) {
            ('"', Some(_)) if chars.peek() == Some(&'"') => {
                chars.next();
                column += 1;
            }
            ('"', Some(_)) => {
                opened = None;
                if !matches!(chars.peek(), None | Some(',' | '\n' | '\r')) {
                    let message = "text after a closing quote; double a quote inside a quoted field".into();
                    return Err(ImportError::Syntax { line, column: column + 1, message });
                }
            }
            ('"', None) if field_start => opened = Some((line, column)),
            _ => {}
        }
        field_start = opened.is_none() && c == ',';
        if c == '\n' || (c == '\r' && chars.peek() != Some(&'\n')) {
            (line, column) = (line + 1, 0);
        }
    }
    match opened {
        Some((line, column)) => {
            Err(ImportError::Syntax { line, column, message: "a quoted field is never closed".into() })
        }
        None => Ok(()),
    }
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

    #[test]
    fn names_the_line_after_multi_line_fields_blank_lines_crlf_and_a_bom() {
        let text = "\u{feff}id,title,start,duration,room,abstract\r\n\
k1,T,2022-11-01 09:15,00:45,A,\"two\r\nlines\"\r\n\
\r\n\
k2,Short row,2022-11-01 10:15,00:30,B\r\n\
k3,T,2022-11-01 11:15,soon,A,\r\n";
        check_error(text, "line 6, column `duration`: `soon` is not a duration like 00:45");
        let fine = text.replace("soon", "00:15");
        let s = parse_csv(fine.as_bytes(), &options()).unwrap();
        let ids: Vec<&str> = s.sessions.iter().map(|x| x.id.as_str()).collect();
        assert_eq!(ids, ["k1", "k2", "k3"], "the BOM is not part of the first column's name");
        assert_eq!(s.sessions[0].abstract_text, "two\r\nlines");
        assert_eq!(s.sessions[1].abstract_text, "", "a short row leaves the last columns empty");
        check_error(
            "id,title,start,duration,room\nk1,\"T\",2022-11-01 09:15,00:30,A\nk2,\"unclosed,2022-11-01 09:15,00:30,A\nk3,T,2022-11-01 09:15,00:30,A\n",
            "line 3, column 4: a quoted field is never closed",
        );
    }

    /// A field written as a spreadsheet writes it: quoted when it holds a
    /// comma, a quote or a line break, its quotes doubled.
    fn written(field: &str) -> String {
        if field.contains([',', '"', '\n', '\r']) {
            format!("\"{}\"", field.replace('"', "\"\""))
        } else {
            field.to_string()
        }
    }

    proptest::proptest! {
        #[test]
        fn any_rows_read_back_with_the_line_each_starts_on(
            rows in proptest::collection::vec(
                proptest::collection::vec("[a-z ,\"]{0,6}|[a-z]{1,3}(\r\n|\n)[a-z]{0,3}", 1..5),
                1..8,
            ),
            crlf in proptest::prelude::any::<bool>(),
            blank in 0..3usize,
        ) {
            let end = if crlf { "\r\n" } else { "\n" };
            let mut text = String::new();
            let mut expected = Vec::new();
            let mut line = 1;
            for (i, row) in rows.iter().enumerate() {
                if i == 1 {
                    // Blank lines between the first record and the rest are skipped.
                    text.push_str(&end.repeat(blank));
                    line += blank;
                }
                // A record of one empty field is a blank line: give every record a first field.
                let fields: Vec<String> = std::iter::once(format!("r{i}")).chain(row.iter().cloned()).collect();
                text.push_str(&fields.iter().map(|f| written(f)).collect::<Vec<_>>().join(","));
                text.push_str(end);
                expected.push((line, fields.clone()));
                line += 1 + fields.iter().map(|f| f.matches('\n').count()).sum::<usize>();
            }
            proptest::prop_assert_eq!(records(&text).unwrap(), expected);
        }
    }
}
