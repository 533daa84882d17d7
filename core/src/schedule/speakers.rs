//! The people of a programme as its export describes them: a profile per
//! person with what the file gives (biography, tag line, company, picture,
//! links, answers to the call for papers' questions), gathered while an
//! importer reads sessions, so that one person named by several sessions is
//! one profile.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::written;
use crate::text;

/// One person of the programme.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Profile {
    /// The name sessions list them by.
    pub name: String,
    /// Handles, nicknames and other names from the file.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    /// The export's id for them (a pretalx code, a Sessionize id), when it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Plain text; empty when the file gives none.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub biography: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tagline: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub company: Option<String>,
    /// The address of their picture.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub avatar: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub links: Vec<ProfileLink>,
    /// Questions of the call for papers and their answers (pretalx).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub answers: Vec<(String, String)>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProfileLink {
    pub title: String,
    pub url: String,
}

impl Profile {
    /// Takes what `other` knows and this profile does not.
    fn absorb(&mut self, other: Profile) {
        if self.biography.trim().is_empty() {
            self.biography = other.biography;
        }
        self.id = self.id.take().or(other.id);
        self.tagline = self.tagline.take().or(other.tagline);
        self.company = self.company.take().or(other.company);
        self.avatar = self.avatar.take().or(other.avatar);
        for alias in other.aliases {
            self.add_alias(&alias);
        }
        for link in other.links {
            if !self.links.iter().any(|l| l.url == link.url) {
                self.links.push(link);
            }
        }
        for answer in other.answers {
            if !self.answers.contains(&answer) {
                self.answers.push(answer);
            }
        }
    }

    fn add_alias(&mut self, alias: &str) {
        let folded = text::fold(alias);
        if !folded.is_empty()
            && folded != text::fold(&self.name)
            && !self.aliases.iter().any(|a| text::fold(a) == folded)
        {
            self.aliases.push(alias.to_string());
        }
    }
}

/// Profiles gathered while an importer reads a file, one per person (by
/// folded name).
#[derive(Debug, Default)]
pub(crate) struct Roster {
    profiles: Vec<Profile>,
    by_name: HashMap<String, usize>,
}

impl Roster {
    /// Adds the people a name field holds (see [`written::people`]), each
    /// with the details `fill` gives, merged into a profile already seen;
    /// returns their names as sessions list them.
    pub(crate) fn add(&mut self, raw: &str, fill: impl Fn(&mut Profile)) -> Vec<String> {
        let mut names = Vec::new();
        for person in written::people(raw) {
            let mut profile = Profile { name: person.name.clone(), ..Profile::default() };
            fill(&mut profile);
            for alias in &person.aliases {
                profile.add_alias(alias);
            }
            profile.biography = plain_text(&profile.biography);
            names.push(self.merge(profile));
        }
        names
    }

    /// Adds one profile, merging it into the one of the same name; returns its name.
    pub(crate) fn merge(&mut self, profile: Profile) -> String {
        let key = text::fold(&profile.name);
        match self.by_name.get(&key) {
            Some(&i) => {
                self.profiles[i].absorb(profile);
                self.profiles[i].name.clone()
            }
            None => {
                let name = profile.name.clone();
                self.by_name.insert(key, self.profiles.len());
                self.profiles.push(profile);
                name
            }
        }
    }

    pub(crate) fn into_profiles(self) -> Vec<Profile> {
        self.profiles
    }
}

/// Text in one of the shapes exports give it: a string, or translations
/// (`{"en": "…", "de": "…"}`, English first, else the first there is).
pub(crate) fn i18n_text(value: &serde_json::Value) -> Option<String> {
    let text = match value {
        serde_json::Value::String(text) => Some(text.clone()),
        serde_json::Value::Object(map) => {
            map.get("en").or_else(|| map.values().next()).and_then(|v| v.as_str()).map(str::to_string)
        }
        _ => None,
    };
    text.map(|t| t.trim().to_string()).filter(|t| !t.is_empty())
}

/// Links as exports list them: `{url, title}` objects (or `href`), or bare addresses.
pub(crate) fn links_from(values: &[serde_json::Value]) -> Vec<ProfileLink> {
    values
        .iter()
        .filter_map(|value| {
            let url = match value {
                serde_json::Value::String(url) => url.clone(),
                other => other.get("url").or_else(|| other.get("href")).and_then(|u| u.as_str())?.to_string(),
            };
            let title = value.get("title").and_then(i18n_text).unwrap_or_else(|| url.clone());
            url.starts_with("http").then_some(ProfileLink { title, url })
        })
        .collect()
}

/// pretalx's answers to the call for papers' questions, where the question
/// is given as text (`{question: {question: {en: …}}, answer}`); answers to
/// questions known only by number are left out, as they say nothing alone.
pub(crate) fn answers_from(values: &[serde_json::Value]) -> Vec<(String, String)> {
    values
        .iter()
        .filter_map(|value| {
            let question = value.get("question")?;
            let question = question.get("question").and_then(i18n_text).or_else(|| i18n_text(question))?;
            let answer = value.get("answer").and_then(i18n_text)?;
            Some((question, answer))
        })
        .collect()
}

/// Text from a biography field as exports hold it (Markdown, sometimes
/// HTML, Windows line ends) as plain paragraphs: `[label](url)` keeps its
/// label, emphasis marks and tags go, blank lines separate paragraphs.
pub fn plain_text(input: &str) -> String {
    let input = input.replace("\r\n", "\n").replace('\r', "\n");
    let mut out = String::with_capacity(input.len());
    let mut chars = input.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            // An HTML tag: dropped; a line break or paragraph tag becomes a newline.
            '<' if chars.peek().is_some_and(|n| n.is_ascii_alphabetic() || *n == '/') => {
                let mut tag = String::new();
                for t in chars.by_ref() {
                    if t == '>' {
                        break;
                    }
                    tag.push(t);
                }
                let name = tag.trim_start_matches('/').split([' ', '/']).next().unwrap_or("").to_ascii_lowercase();
                if matches!(name.as_str(), "br" | "p" | "div" | "li") {
                    out.push('\n');
                }
            }
            // A Markdown link: its label.
            '[' => {
                let mut label = String::new();
                let mut closed = false;
                for t in chars.by_ref() {
                    if t == ']' {
                        closed = true;
                        break;
                    }
                    label.push(t);
                }
                out.push_str(&label);
                if closed && chars.peek() == Some(&'(') {
                    for t in chars.by_ref() {
                        if t == ')' {
                            break;
                        }
                    }
                } else if !closed {
                    // An unclosed bracket was text after all.
                    out.insert(out.len() - label.len(), '[');
                }
            }
            '*' | '_' if chars.peek() == Some(&c) => {
                chars.next();
            }
            '#' if out.is_empty() || out.ends_with('\n') => {
                while chars.peek() == Some(&'#') {
                    chars.next();
                }
            }
            _ => out.push(c),
        }
    }
    let entities = [("&amp;", "&"), ("&lt;", "<"), ("&gt;", ">"), ("&quot;", "\""), ("&#39;", "'"), ("&nbsp;", " ")];
    for (entity, plain) in entities {
        out = out.replace(entity, plain);
    }
    let paragraphs: Vec<String> = out
        .split("\n\n")
        .map(|p| p.lines().map(str::trim).filter(|l| !l.is_empty()).collect::<Vec<_>>().join(" "))
        .filter(|p| !p.is_empty())
        .collect();
    paragraphs.join("\n\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merges_one_person_named_by_several_sessions() {
        let mut roster = Roster::default();
        assert_eq!(roster.add("Martin Haase/maha", |_| {}), ["Martin Haase"]);
        let names = roster.add("martin haase", |p| p.biography = String::from("Linguist."));
        assert_eq!(names, ["Martin Haase"]);
        let profiles = roster.into_profiles();
        assert_eq!(profiles.len(), 1);
        assert_eq!(
            (profiles[0].aliases.as_slice(), profiles[0].biography.as_str()),
            (&["maha".to_string()][..], "Linguist.")
        );
    }

    #[test]
    fn biographies_become_plain_paragraphs() {
        let check = |input: &str, expected: &str| assert_eq!(plain_text(input), expected, "{input:?}");
        check(
            "Hacker from **Berlin**.\r\n\r\nSee [my blog](https://example.org).",
            "Hacker from Berlin.\n\nSee my blog.",
        );
        check("<p>One<br/>two</p>&amp; three", "One two & three");
        check("## About\nI build [things", "About I build [things");
        check("  ", "");
    }
}
