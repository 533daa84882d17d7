//! Biography documents in the encyclopedia layout:
//!
//! ```text
//! = Kelsey Hightower =          title: the speaker's name
//! - Occupation: Software engineer   facts, before the first section
//! Kelsey Hightower (born …) is …    lead paragraph
//! == Career ==                   sections of paragraphs and `- item` lists
//! ```
//!
//! Sections named Publications (or Books, Bibliography) give the speaker's
//! publications, See also and External links give related names and links.
//! The parser never fails: what it cannot place it keeps as a paragraph and
//! reports as a [`Warning`].

use super::{Link, SourceDoc, Warning};
use crate::text;

/// A speaker as the knowledge base knows them.
#[derive(Debug, Clone, PartialEq)]
pub struct Speaker {
    /// Stable identifier made from the name (`kelsey-hightower`).
    pub id: String,
    pub name: String,
    /// Other names people use: first name, last name, handles, nicknames.
    pub aliases: Vec<String>,
    /// One line saying who they are (the occupation fact, or the lead's first sentence).
    pub headline: Option<String>,
    /// The lead paragraph.
    pub summary: String,
    /// Key facts in document order: `Born`, `Occupation`, `Known for`, …
    pub facts: Vec<(String, String)>,
    pub sections: Vec<Section>,
    pub publications: Vec<String>,
    pub links: Vec<Link>,
    pub see_also: Vec<String>,
    /// Where this speaker's biography came from; `None` for people known
    /// only from transcripts or by name from a programme.
    pub source: Option<SourceDoc>,
    /// The address of their picture, from the programme.
    pub avatar: Option<String>,
}

/// A titled part of a biography.
#[derive(Debug, Clone, PartialEq)]
pub struct Section {
    pub title: String,
    pub paragraphs: Vec<String>,
}

impl Speaker {
    /// A speaker known only by name, such as a podcast host named in transcript metadata.
    pub fn named(name: &str) -> Speaker {
        let mut speaker = Speaker {
            id: text::slug(name),
            name: name.to_string(),
            aliases: Vec::new(),
            headline: None,
            summary: String::new(),
            facts: Vec::new(),
            sections: Vec::new(),
            publications: Vec::new(),
            links: Vec::new(),
            see_also: Vec::new(),
            source: None,
            avatar: None,
        };
        speaker.add_name_aliases();
        speaker
    }

    /// The value of a fact, by case-insensitive key.
    pub fn fact(&self, key: &str) -> Option<&str> {
        self.facts.iter().find(|(k, _)| k.eq_ignore_ascii_case(key)).map(|(_, v)| v.as_str())
    }

    /// Adds first and last name as aliases (once each), unless one is an
    /// initial or grammar: `Sample Speaker A` is not called "a", which
    /// every "who is a data scientist" would name.
    fn add_name_aliases(&mut self) {
        // `Dr. Michael Stehmann` is called Michael, not Dr; `Dr. Smith`, Smith.
        let all = self.name.split_whitespace().count();
        let words: Vec<String> = self
            .name
            .split_whitespace()
            .skip_while(|w| crate::lexicon::grammar::HONORIFICS.contains(&text::fold(w).as_str()))
            .map(str::to_string)
            .collect();
        let named_by: Vec<String> = match words.as_slice() {
            [first, .., last] => vec![first.clone(), last.clone()],
            [only] if all > 1 => vec![only.clone()],
            _ => Vec::new(),
        };
        for word in named_by {
            let folded = text::fold(&word);
            if folded.chars().count() > 1 && !crate::lexicon::grammar::is_stop_word(&folded) {
                self.add_alias(&word);
            }
        }
    }

    pub(crate) fn add_alias(&mut self, alias: &str) {
        let alias = alias.trim().trim_start_matches('@');
        if !alias.is_empty()
            && text::fold(alias) != text::fold(&self.name)
            && !self.aliases.iter().any(|a| text::fold(a) == text::fold(alias))
        {
            self.aliases.push(alias.to_string());
        }
    }
}

/// Fact keys whose values are other names for the speaker.
const ALIAS_KEYS: &[&str] = &["handle", "nickname", "also known as", "alias", "aliases", "twitter", "github"];
/// Fact keys whose values are links.
const LINK_KEYS: &[&str] = &["website", "homepage", "url", "blog", "twitter", "github", "mastodon", "linkedin"];

/// Parses one biography document. `path` names the file in warnings.
pub fn parse_bio(path: &str, input: &str, warnings: &mut Vec<Warning>) -> Speaker {
    let mut lines = input.lines().enumerate().map(|(i, l)| (i + 1, l.trim_end()));
    let mut name = None;
    let mut pending: Vec<(usize, &str)> = Vec::new();
    for (no, line) in lines.by_ref() {
        if line.trim().is_empty() {
            continue;
        }
        match heading(line, 1) {
            Some(title) => name = Some(title.to_string()),
            None => {
                warnings.push(Warning::new(
                    path,
                    no,
                    "no `= Name =` title on the first line; using this line as the name",
                ));
                name = Some(line.trim().to_string());
                pending.push((no, line));
            }
        }
        break;
    }
    let name = name.unwrap_or_else(|| {
        warnings.push(Warning::new(path, 1, "empty biography"));
        String::from("Unknown")
    });
    let mut speaker = Speaker::named(&name);
    speaker.source = Some(SourceDoc { path: path.to_string(), title: format!("Biography of {name}") });

    let mut lead: Vec<String> = Vec::new();
    let mut section: Option<Section> = None;
    let mut paragraph = String::new();
    let flush = |paragraph: &mut String, section: &mut Option<Section>, lead: &mut Vec<String>| {
        let p = paragraph.trim();
        if !p.is_empty() {
            match section {
                Some(s) => s.paragraphs.push(p.to_string()),
                None => lead.push(p.to_string()),
            }
        }
        paragraph.clear();
    };
    let all = pending.into_iter().skip(1).chain(lines);
    for (no, line) in all {
        let trimmed = line.trim();
        if trimmed.is_empty() {
            flush(&mut paragraph, &mut section, &mut lead);
            continue;
        }
        if let Some(title) = heading(trimmed, 2).or_else(|| heading(trimmed, 3)) {
            flush(&mut paragraph, &mut section, &mut lead);
            if let Some(done) = section.take() {
                speaker.sections.push(done);
            }
            section = Some(Section { title: title.to_string(), paragraphs: Vec::new() });
            continue;
        }
        if heading(trimmed, 1).is_some() {
            warnings.push(Warning::new(path, no, "a second `= Title =` line; kept as text"));
        }
        if let Some(item) = trimmed.strip_prefix("- ").or_else(|| trimmed.strip_prefix("* ")) {
            flush(&mut paragraph, &mut section, &mut lead);
            match &mut section {
                None => match item.split_once(": ") {
                    Some((key, value)) if !key.is_empty() && key.len() <= 40 => {
                        speaker.facts.push((key.trim().to_string(), value.trim().to_string()))
                    }
                    _ => {
                        warnings.push(Warning::new(path, no, "a list item before the first section that is not a `- Key: value` fact; kept in the summary"));
                        lead.push(item.to_string());
                    }
                },
                Some(s) => s.paragraphs.push(item.to_string()),
            }
            continue;
        }
        if section.is_none() && paragraph.is_empty() && text::fold(trimmed) == text::fold(&name) {
            // The infobox repeats the name above the facts.
            continue;
        }
        if !paragraph.is_empty() {
            paragraph.push(' ');
        }
        paragraph.push_str(trimmed);
    }
    flush(&mut paragraph, &mut section, &mut lead);
    if let Some(done) = section.take() {
        speaker.sections.push(done);
    }

    speaker.summary = lead.join("\n\n");
    derive_facts(&mut speaker);
    speaker
}

/// `== Title ==` at the given depth, or `None`.
fn heading(line: &str, depth: usize) -> Option<&str> {
    let marks = "=".repeat(depth);
    let inner = line.trim().strip_prefix(&marks)?.strip_suffix(&marks)?;
    if inner.starts_with('=') || inner.ends_with('=') {
        return None;
    }
    let inner = inner.trim();
    (!inner.is_empty()).then_some(inner)
}

/// Fills aliases, links, publications, headline and the facts the lead
/// paragraph states in prose (`(born …)`, `known for …`).
fn derive_facts(speaker: &mut Speaker) {
    let facts = speaker.facts.clone();
    for (key, value) in &facts {
        let key = key.to_ascii_lowercase();
        if ALIAS_KEYS.contains(&key.as_str()) {
            for alias in value.split(',') {
                speaker.add_alias(alias);
            }
        }
        if LINK_KEYS.contains(&key.as_str()) && value.starts_with("http") {
            speaker.links.push(Link { title: title_case(&key), url: value.clone() });
        }
    }
    if speaker.fact("born").is_none()
        && let Some(born) = between(&speaker.summary, "(born ", ")")
    {
        speaker.facts.push(("Born".into(), born.trim().to_string()));
    }
    if speaker.fact("known for").is_none()
        && let Some(rest) = speaker.summary.split_once("known for ").map(|(_, r)| r)
    {
        let phrase = rest.split(['.', ';']).next().unwrap_or("").trim();
        let phrase = ["his ", "her ", "their "].iter().find_map(|p| phrase.strip_prefix(p)).unwrap_or(phrase);
        if !phrase.is_empty() {
            speaker.facts.push(("Known for".into(), phrase.to_string()));
        }
    }
    for section in &speaker.sections {
        let title = section.title.to_ascii_lowercase();
        if ["publications", "books", "bibliography", "works"].contains(&title.as_str()) {
            for item in &section.paragraphs {
                speaker.publications.push(between(item, "\"", "\"").unwrap_or(item).to_string());
            }
        } else if title == "see also" {
            speaker.see_also.extend(section.paragraphs.iter().cloned());
        } else if title == "external links" || title == "links" {
            for item in &section.paragraphs {
                if let Some(pos) = item.find("http") {
                    let url = item[pos..].split_whitespace().next().unwrap_or("").to_string();
                    let title = item[..pos].trim().trim_end_matches([':', '-', '–']).trim();
                    let title = if title.is_empty() { url.clone() } else { title.to_string() };
                    speaker.links.push(Link { title, url });
                }
            }
        }
    }
    speaker.headline = speaker
        .fact("occupation")
        .map(str::to_string)
        .or_else(|| text::sentences(&speaker.summary).next().map(str::to_string));
}

fn between<'a>(text: &'a str, open: &str, close: &str) -> Option<&'a str> {
    let start = text.find(open)? + open.len();
    let end = text[start..].find(close)? + start;
    Some(&text[start..end])
}

fn title_case(word: &str) -> String {
    let mut chars = word.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::seed::BIO as SEED;

    #[test]
    fn parses_the_seed_biography() {
        let mut warnings = Vec::new();
        let s = parse_bio("kelsey-hightower.txt", SEED, &mut warnings);
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(s.name, "Kelsey Hightower");
        assert_eq!(s.id, "kelsey-hightower");
        assert_eq!(s.aliases, ["Kelsey", "Hightower"]);
        assert_eq!(s.headline.as_deref(), Some("Software engineer, developer advocate, and speaker"));
        assert_eq!(s.fact("born"), Some("February 27, 1981"));
        assert_eq!(s.fact("known for"), Some("work with Kubernetes, open-source software, and cloud computing"));
        assert!(s.summary.starts_with("Kelsey Hightower (born February 27, 1981) is an American"));
        let titles: Vec<&str> = s.sections.iter().map(|s| s.title.as_str()).collect();
        assert_eq!(
            titles,
            ["Early life and education", "Career", "Open source and developer advocacy", "Publications", "See also"]
        );
        assert_eq!(s.sections[1].paragraphs.len(), 5);
        assert_eq!(s.publications, ["Kubernetes: Up and Running"]);
        assert_eq!(s.see_also, ["Ian Coldwater", "Brad Fitzpatrick"]);
    }

    #[test]
    fn loses_no_paragraph_text() {
        let mut warnings = Vec::new();
        let s = parse_bio("k.txt", SEED, &mut warnings);
        let mut kept: String = s.facts.iter().map(|(k, v)| format!("- {k}: {v}\n")).collect();
        kept.push_str(&s.summary);
        for section in &s.sections {
            kept.push_str(&section.paragraphs.join(" "));
        }
        for line in SEED.lines().filter(|l| l.len() > 40) {
            let line = line.trim();
            assert!(kept.contains(line) || kept.contains(line.trim_start_matches("- ")), "lost: {line}");
        }
    }

    #[test]
    fn keeps_going_on_a_messy_document() {
        let mut warnings = Vec::new();
        let s = parse_bio(
            "messy.txt",
            "Ada Lovelace\n- Handle: @ada\n- a stray item\nShe wrote notes.\n== Links ==\n- Site https://ada.example\n",
            &mut warnings,
        );
        assert_eq!(s.name, "Ada Lovelace");
        assert_eq!(s.aliases, ["Ada", "Lovelace"], "the handle folds to the first name");
        assert_eq!(s.links[0].url, "https://ada.example");
        let lines: Vec<usize> = warnings.iter().map(|w| w.line).collect();
        assert_eq!(lines, [1, 3]);
        assert!(s.summary.contains("a stray item") && s.summary.contains("She wrote notes."));
    }
}
