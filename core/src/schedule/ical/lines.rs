//! iCalendar's text layer: folded lines joined, each split into a name,
//! parameters and a value; RFC 5545 text escapes and durations.

use jiff::SignedDuration;

use crate::schedule::ImportError;

/// One unfolded content line: where it began, its name, parameters and value.
pub(super) struct Line {
    pub no: usize,
    pub name: String,
    pub params: Vec<(String, String)>,
    pub value: String,
}

impl Line {
    pub fn param(&self, key: &str) -> Option<&str> {
        self.params.iter().find(|(k, _)| k.eq_ignore_ascii_case(key)).map(|(_, v)| v.as_str())
    }
}

/// Joins folded lines and splits each into name, parameters and value.
pub(super) fn unfold(text: &str) -> Result<Vec<Line>, ImportError> {
    let mut logical: Vec<(usize, String)> = Vec::new();
    for (i, raw) in text.split('\n').enumerate() {
        let raw = raw.strip_suffix('\r').unwrap_or(raw);
        if let Some(rest) = raw.strip_prefix([' ', '\t']) {
            match logical.last_mut() {
                Some((_, line)) => line.push_str(rest),
                None => {
                    return Err(ImportError::Syntax {
                        line: 1,
                        column: 1,
                        message: "the file starts with a folded line".into(),
                    });
                }
            }
        } else if !raw.is_empty() {
            logical.push((i + 1, raw.to_string()));
        }
    }
    logical.into_iter().map(|(no, line)| split_line(no, &line)).collect()
}

fn split_line(no: usize, line: &str) -> Result<Line, ImportError> {
    // The value starts at the first colon outside a quoted parameter value.
    let mut quoted = false;
    let mut colon = None;
    for (i, c) in line.char_indices() {
        match c {
            '"' => quoted = !quoted,
            ':' if !quoted => {
                colon = Some(i);
                break;
            }
            _ => {}
        }
    }
    let Some(colon) = colon else {
        return Err(ImportError::Syntax { line: no, column: 1, message: format!("`{line}` is not a NAME:value line") });
    };
    let mut parts = line[..colon].split(';');
    let name = parts.next().unwrap_or("").trim().to_ascii_uppercase();
    if name.is_empty() {
        return Err(ImportError::Syntax { line: no, column: 1, message: "a line with no property name".into() });
    }
    let params = parts
        .filter_map(|p| p.split_once('='))
        .map(|(k, v)| (k.trim().to_ascii_uppercase(), v.trim().trim_matches('"').to_string()))
        .collect();
    Ok(Line { no, name, params, value: line[colon + 1..].to_string() })
}

/// `P1W`, `PT45M`, `P1DT2H30M`, `-PT5M` is refused.
pub(super) fn parse_duration(text: &str) -> Option<SignedDuration> {
    let rest = text.trim().strip_prefix('+').unwrap_or(text.trim()).strip_prefix('P')?;
    let (days, time) = match rest.split_once('T') {
        Some((d, t)) => (d, t),
        None => (rest, ""),
    };
    let mut secs: i64 = 0;
    let mut read = |part: &str, units: &[(char, i64)]| -> Option<()> {
        let mut number = String::new();
        for c in part.chars() {
            if c.is_ascii_digit() {
                number.push(c);
            } else {
                let (_, unit) = units.iter().find(|(u, _)| *u == c)?;
                secs = secs.checked_add(number.parse::<i64>().ok()?.checked_mul(*unit)?)?;
                number.clear();
            }
        }
        number.is_empty().then_some(())
    };
    read(days, &[('W', 604_800), ('D', 86_400)])?;
    read(time, &[('H', 3_600), ('M', 60), ('S', 1)])?;
    Some(SignedDuration::from_secs(secs))
}

/// RFC 5545 text: `\\n` is a newline, `\\,` `\\;` `\\\\` are the characters.
pub(super) fn unescape(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut chars = value.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('n' | 'N') => out.push('\n'),
                Some(other) => out.push(other),
                None => out.push('\\'),
            }
        } else {
            out.push(c);
        }
    }
    out.trim().to_string()
}
