//! The programme joined to the knowledge base: every speaker a programme
//! profiles becomes a [`Speaker`], and a person the knowledge base already
//! knows (by full name, or a handle that is their name) is one speaker, not
//! two. What the files in `data/` say wins; the programme fills what they
//! leave out. A recording of a session whose transcript names no one is
//! the words of that session's speaker, when it has exactly one.

use std::collections::HashMap;

use super::bio::Section;
use super::{KnowledgeBase, Link, SourceDoc, Speaker};
use crate::schedule::{Profile, Schedule};
use crate::text;

/// Answers to the call for papers short enough to show as a fact.
const FACT_MAX_CHARS: usize = 120;

impl KnowledgeBase {
    /// This knowledge base with a programme's people joined in, and its
    /// recordings' unnamed voices given to their sessions' speakers.
    /// Speakers are only added or filled in, so every index into
    /// [`KnowledgeBase::speakers`] still holds.
    pub fn with_programme(&self, schedule: &Schedule) -> KnowledgeBase {
        let mut kb = self.clone();
        let conference = &schedule.conference.title;
        let mut names = Names::of(&kb.speakers);
        for profile in &schedule.speakers {
            match names.same_person(profile) {
                Some(i) => fill(&mut kb.speakers[i], profile, conference),
                None => {
                    let mut speaker = Speaker::named(&profile.name);
                    fill(&mut speaker, profile, conference);
                    names.add(&speaker, kb.speakers.len());
                    kb.speakers.push(speaker);
                }
            }
        }
        kb.voices = (0..kb.transcripts.len()).map(|t| kb.voice_of(t, schedule, &names)).collect();
        kb.index_appearances();
        kb
    }

    /// The one speaker a transcript's unnamed voice is: the one its
    /// metadata names, else the one speaker of the session it records.
    fn voice_of(&self, transcript: usize, schedule: &Schedule, names: &Names) -> Option<usize> {
        let meta = &self.transcripts[transcript].meta;
        let named = match meta.speakers.as_slice() {
            [one] => Some(one.as_str()),
            [] => {
                let session = meta.session.as_deref().and_then(|id| schedule.sessions.iter().find(|s| s.id == id));
                match session.map(|s| s.speakers.as_slice()) {
                    Some([one]) => Some(one.as_str()),
                    _ => None,
                }
            }
            _ => None,
        };
        let name = text::fold(named?);
        names.full.get(&name).or_else(|| names.other.get(&name)).copied()
    }
}

/// The speakers' folded names, to find a person among thousands without
/// folding every name for every profile.
struct Names {
    /// A folded full name → its speaker.
    full: HashMap<String, usize>,
    /// A folded alias → the first speaker with it.
    other: HashMap<String, usize>,
}

impl Names {
    fn of(speakers: &[Speaker]) -> Names {
        let mut names = Names { full: HashMap::with_capacity(speakers.len()), other: HashMap::new() };
        for (i, speaker) in speakers.iter().enumerate() {
            names.add(speaker, i);
        }
        names
    }

    fn add(&mut self, speaker: &Speaker, index: usize) {
        self.full.entry(text::fold(&speaker.name)).or_insert(index);
        for alias in &speaker.aliases {
            self.other.entry(text::fold(alias)).or_insert(index);
        }
    }

    /// The speaker `profile` describes: the same full name, a profile alias
    /// that is their full name, or a full name (of two words or more) that
    /// is one of their handles.
    fn same_person(&self, profile: &Profile) -> Option<usize> {
        let name = text::fold(&profile.name);
        self.full
            .get(&name)
            .or_else(|| profile.aliases.iter().find_map(|a| self.full.get(&text::fold(a))))
            .or_else(|| if name.contains(' ') { self.other.get(&name) } else { None })
            .copied()
    }
}

/// Fills what `speaker` lacks from `profile`.
fn fill(speaker: &mut Speaker, profile: &Profile, conference: &str) {
    for alias in std::iter::once(&profile.name).chain(&profile.aliases) {
        speaker.add_alias(alias);
    }
    let mut paragraphs = profile.biography.split("\n\n").map(str::trim).filter(|p| !p.is_empty());
    if speaker.summary.is_empty()
        && let Some(lead) = paragraphs.next()
    {
        speaker.summary = lead.to_string();
        let rest: Vec<String> = paragraphs.map(str::to_string).collect();
        if !rest.is_empty() {
            speaker.sections.push(Section { title: String::from("Biography"), paragraphs: rest });
        }
        if speaker.source.is_none() {
            speaker.source = Some(SourceDoc {
                path: String::from(super::PROGRAMME_SOURCE),
                title: format!("{conference} programme"),
            });
        }
    }
    if speaker.headline.is_none() {
        speaker.headline = profile.tagline.clone().or_else(|| profile.company.clone());
    }
    if let Some(company) = &profile.company
        && speaker.fact("Company").is_none()
    {
        speaker.facts.push((String::from("Company"), company.clone()));
    }
    for (question, answer) in &profile.answers {
        if answer.chars().count() <= FACT_MAX_CHARS && speaker.fact(question).is_none() {
            speaker.facts.push((question.clone(), answer.clone()));
        }
    }
    for link in &profile.links {
        if !speaker.links.iter().any(|l| l.url == link.url) {
            speaker.links.push(Link { title: link.title.clone(), url: link.url.clone() });
        }
    }
    if speaker.avatar.is_none() {
        speaker.avatar.clone_from(&profile.avatar);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schedule::ProfileLink;

    fn profile(name: &str, biography: &str) -> Profile {
        Profile { name: name.into(), biography: biography.into(), ..Profile::default() }
    }

    #[test]
    fn one_person_from_two_sources_is_one_speaker() {
        let kb = KnowledgeBase::build(&crate::seed::documents());
        let before = kb.speakers.len();
        let kelsey = Profile {
            tagline: Some("Programme tag line".into()),
            links: vec![ProfileLink { title: "Site".into(), url: "https://example.org/k".into() }],
            ..profile("kelsey hightower", "A different biography from the programme.")
        };
        let conference =
            crate::schedule::Conference { title: "DevConf".into(), acronym: None, time_zone: jiff::tz::TimeZone::UTC };
        let programme = Schedule::new(conference, Vec::new())
            .with_speakers(vec![kelsey, profile("Ana Lopez", "Ana builds compilers.\n\nShe lives in Lisbon.")]);
        let joined = kb.with_programme(&programme);
        assert_eq!(joined.speakers.len(), before + 1, "Kelsey is one speaker");
        let kelsey = &joined.speakers[joined.speaker_by_name("Kelsey Hightower").unwrap()];
        assert!(kelsey.summary.starts_with("Kelsey Hightower (born"), "the file in data/ wins: {}", kelsey.summary);
        assert_eq!(kelsey.headline.as_deref(), Some("Software engineer, developer advocate, and speaker"));
        assert!(kelsey.links.iter().any(|l| l.url == "https://example.org/k"), "the programme fills what it lacks");
        let ana = &joined.speakers[joined.speaker_by_name("Ana Lopez").unwrap()];
        assert_eq!(ana.summary, "Ana builds compilers.");
        assert_eq!(ana.sections[0].paragraphs, ["She lives in Lisbon."]);
        assert_eq!(ana.source.as_ref().map(|s| s.title.as_str()), Some("DevConf programme"));
        assert_eq!(joined.spoken_in.len(), joined.speakers.len());
    }
}
