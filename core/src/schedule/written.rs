//! Names as real programme exports write them, read into a display name and
//! the other names the same person goes by:
//!
//! ```text
//! Martin Haase/maha             → Martin Haase, aka maha
//! maya / 551724                 → maya, aka 551724
//! Julian "codemonk"             → Julian, aka codemonk
//! Serge « sans paille » Guelton → Serge Guelton, aka sans paille
//! Lorenz Sieben (zner0L)        → Lorenz Sieben, aka zner0L
//! Catrin (sie/ihr)              → Catrin (pronouns are not a name)
//! @erdgeist                     → erdgeist
//! Leo (he/his) || Janis (she/her) → two people: Leo, Janis
//! J. R. R. Tolkien              → J. R. R. Tolkien, aka JRR Tolkien
//! ```
//!
//! Nothing here knows any particular name: the rules are about punctuation
//! (slashes, quotes, brackets, separators) and the shape of words.

/// One person as a file names them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WrittenName {
    /// The name to show.
    pub name: String,
    /// Other names for the same person: handles, nicknames, initials run together.
    pub aliases: Vec<String>,
}

/// Separators between two people in one name field.
const PEOPLE_SEPARATORS: &[&str] = &["||", " | ", " & ", " + ", ";"];

/// Quote pairs a nickname may stand in.
const QUOTES: &[(char, char)] = &[('"', '"'), ('“', '”'), ('„', '“'), ('«', '»'), ('‹', '›'), ('\'', '\''), ('‘', '’')];

/// The people a name field holds: usually one, several when it joins them
/// with `||`, ` | `, ` & `, ` + ` or `;`. Fields with no letters are dropped.
pub fn people(raw: &str) -> Vec<WrittenName> {
    let mut parts = vec![raw.to_string()];
    for separator in PEOPLE_SEPARATORS {
        parts = parts.iter().flat_map(|p| p.split(separator).map(str::to_string).collect::<Vec<_>>()).collect();
    }
    parts.iter().filter_map(|part| person(part)).collect()
}

/// One person's name field read into a name and aliases; `None` when it
/// holds no name at all (no letters or digits).
pub fn person(raw: &str) -> Option<WrittenName> {
    let mut aliases = Vec::new();
    let mut rest = squeeze(raw);
    // Brackets: pronouns are dropped, anything else is another name (a handle, a group).
    while let Some((before, inside, after)) = enclosed(&rest, '(', ')').or_else(|| enclosed(&rest, '[', ']')) {
        let inside = inside.trim();
        if !is_pronouns(inside) && has_word(inside) {
            aliases.push(inside.to_string());
        }
        rest = squeeze(&format!("{before} {after}"));
    }
    // An unclosed bracket ("Felix Ulonska (Jabbi"): what follows it is another name.
    if let Some((before, after)) = rest.split_once('(') {
        let after = after.trim();
        if has_word(after) && !is_pronouns(after) {
            aliases.push(after.to_string());
        }
        rest = before.trim().to_string();
    }
    // A nickname in quotes.
    for &(open, close) in QUOTES {
        if let Some((before, inside, after)) = enclosed(&rest, open, close) {
            if has_word(&inside) {
                aliases.push(inside.trim().to_string());
            }
            rest = squeeze(&format!("{before} {after}"));
            break;
        }
    }
    // `Name/handle`: the first part is the name, the others handles.
    if rest.contains('/') && !rest.contains("://") {
        let mut parts = rest.split('/').map(str::trim).filter(|p| has_word(p));
        let first = parts.next().unwrap_or("").to_string();
        aliases.extend(parts.map(str::to_string));
        rest = first;
    }
    let mut name = rest.trim().trim_start_matches('@').trim_matches([',', '-', ':', '*', ' ']).to_string();
    if !has_word(&name) {
        // Only a handle or nickname was given: it is the name.
        if aliases.is_empty() {
            return None;
        }
        name = aliases.remove(0);
    }
    let aliases = aliases.into_iter().map(|a| a.trim_start_matches('@').to_string()).collect();
    let mut written = WrittenName { name, aliases };
    written.add_initials_alias();
    written.aliases.retain(|a| !a.eq_ignore_ascii_case(&written.name));
    written.aliases.dedup();
    Some(written)
}

impl WrittenName {
    /// `J. R. R. Tolkien` is also `JRR Tolkien`: single-letter words run together.
    fn add_initials_alias(&mut self) {
        let words: Vec<&str> = self.name.split_whitespace().collect();
        let initial = |w: &&&str| w.trim_end_matches('.').chars().count() == 1;
        let initials = words.iter().take_while(initial).count();
        if initials >= 2 && initials < words.len() {
            let run: String = words[..initials].iter().map(|w| w.trim_end_matches('.')).collect();
            let alias = format!("{run} {}", words[initials..].join(" "));
            if !self.aliases.contains(&alias) {
                self.aliases.push(alias);
            }
        }
    }
}

/// `he/him`, `sie/ihr`, `they/them`, `she/her/hers`: short words joined by slashes.
fn is_pronouns(text: &str) -> bool {
    let parts: Vec<&str> = text.split('/').map(str::trim).collect();
    parts.len() >= 2 && parts.iter().all(|p| (1..=5).contains(&p.chars().count()) && p.chars().all(char::is_alphabetic))
}

fn has_word(text: &str) -> bool {
    text.chars().any(char::is_alphanumeric)
}

/// Whitespace runs collapsed to one space, trimmed.
fn squeeze(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The text before, inside and after the first `open`…`close` pair.
fn enclosed(text: &str, open: char, close: char) -> Option<(String, String, String)> {
    let start = text.find(open)?;
    let inner = start + open.len_utf8();
    let end = inner + text[inner..].find(close)?;
    Some((text[..start].to_string(), text[inner..end].to_string(), text[end + close.len_utf8()..].to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(raw: &str, expected: &[(&str, &[&str])]) {
        let got: Vec<(String, Vec<String>)> = people(raw).into_iter().map(|w| (w.name, w.aliases)).collect();
        let expected: Vec<(String, Vec<String>)> = expected
            .iter()
            .map(|(name, aliases)| (name.to_string(), aliases.iter().map(|a| a.to_string()).collect()))
            .collect();
        assert_eq!(got, expected, "{raw}");
    }

    #[test]
    fn reads_names_as_files_write_them() {
        check("Kelsey Hightower", &[("Kelsey Hightower", &[])]);
        check("  Kelsey   Hightower ", &[("Kelsey Hightower", &[])]);
        check("Martin Haase/maha", &[("Martin Haase", &["maha"])]);
        check("maya / 551724", &[("maya", &["551724"])]);
        check("Julian \"codemonk\"", &[("Julian", &["codemonk"])]);
        check("Thomas „cfr34k“", &[("Thomas", &["cfr34k"])]);
        check("Serge « sans paille » Guelton", &[("Serge Guelton", &["sans paille"])]);
        check("Lorenz Sieben (zner0L)", &[("Lorenz Sieben", &["zner0L"])]);
        check("Catrin (sie/ihr)", &[("Catrin", &[])]);
        check("Felix Ulonska (Jabbi", &[("Felix Ulonska", &["Jabbi"])]);
        check("@erdgeist", &[("erdgeist", &[])]);
        check("Leo (he/his) || Janis (she/her) || * (they/them)", &[("Leo", &[]), ("Janis", &[])]);
        check("Ana & Bo", &[("Ana", &[]), ("Bo", &[])]);
        check("J. R. R. Tolkien", &[("J. R. R. Tolkien", &["JRR Tolkien"])]);
        check("\"codemonk\"", &[("codemonk", &[])]);
        check("diversity@school", &[("diversity@school", &[])]);
        check("***", &[]);
        check("", &[]);
    }
}
