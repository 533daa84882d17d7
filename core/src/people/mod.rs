//! What is known of each person, as typed facts: their role, the
//! organisations they work for (now, and before), where they are based
//! and where they come from, what they studied, what they are known for
//! and their pronouns. Each fact keeps the phrase it was read from, which
//! is what an answer quotes.
//!
//! A person's facts come from every source they do: a programme's tag
//! line, company and answers to the call for papers (Sessionize,
//! pretalx), the `- Key: value` facts of a biography in `data/`, the one
//! line a recording's metadata gives a host, and the biography's sentences
//! (`reading.rs` says how each is read). Sources are read in that order,
//! which is also how far each is trusted: a field the organiser filled in
//! says more surely where someone works than a sentence of prose.

mod reading;

use std::collections::HashMap;

use crate::kb::{KnowledgeBase, Quote, Speaker};
use crate::names::Directory;
use crate::schedule::{Profile, Schedule};
use crate::text;

/// Most organisations a person's line names.
const LEAD_ORGANISATIONS: usize = 2;

/// What a fact says of a person.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Attribute {
    /// Job title or occupation.
    Role,
    /// An organisation they work for now.
    Organisation,
    /// An organisation they worked for before.
    FormerOrganisation,
    /// Where they live or work.
    BasedIn,
    /// Where they come from.
    From,
    /// Where (or what) they studied.
    Studied,
    KnownFor,
    Pronouns,
}

impl Attribute {
    /// How `/bio` labels it.
    pub fn label(self) -> &'static str {
        match self {
            Attribute::Role => "Role",
            Attribute::Organisation => "Works at",
            Attribute::FormerOrganisation => "Worked at",
            Attribute::BasedIn => "Based in",
            Attribute::From => "From",
            Attribute::Studied => "Studied",
            Attribute::KnownFor => "Known for",
            Attribute::Pronouns => "Pronouns",
        }
    }
}

/// Where a fact's phrase is from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// The company field of a programme's speaker.
    Company,
    /// An answer to a call for papers' question, or a fact of a biography in `data/`.
    Field,
    /// The tag line a speaker gave the programme.
    TagLine,
    /// What a recording's metadata says of someone.
    Recording,
    /// A sentence of their biography.
    Biography,
    /// What they said of themselves in a recording (`I joined ThoughtWorks`).
    Said,
}

impl Origin {
    /// How an answer names where its phrase is from.
    pub fn describe(self) -> &'static str {
        match self {
            Origin::Company => "the programme's company field",
            Origin::Field => "the programme's profile",
            Origin::TagLine => "their tag line",
            Origin::Recording => "the recording's notes",
            Origin::Biography => "their biography",
            Origin::Said => "their own words in a recording",
        }
    }
}

/// One thing known of a person, with the phrase it was read from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fact {
    pub attribute: Attribute,
    /// As written: `Microsoft`, `Developer Advocate`, `Melbourne`.
    pub value: String,
    /// The tag line, field or sentence it was read from.
    pub phrase: String,
    pub origin: Origin,
    /// The phrase says it is so now (`currently at`, `is a`, a tag line),
    /// not only that it was (`joined … in 2014`).
    pub present: bool,
}

/// Every person's facts (by their place in the [`Directory`]), and the
/// people by the organisations they work for, the places they are based
/// in or come from, and their roles' words.
#[derive(Debug, Default)]
pub struct Profiles {
    facts: Vec<Vec<Fact>>,
    /// A folded organisation name → who works there now, each once.
    organisations: HashMap<String, Vec<usize>>,
    /// A folded place → who is based there or comes from it, each once.
    places: HashMap<String, Vec<usize>>,
}

impl Profiles {
    pub fn build(kb: &KnowledgeBase, schedule: &Schedule, directory: &Directory) -> Profiles {
        let mut profiles = Profiles::default();
        // Each speaker's own words: the quotes that are theirs alone.
        let mut said: Vec<Vec<&Quote>> = vec![Vec::new(); kb.speakers.len()];
        for quote in &kb.quotes {
            if let Some(s) = quote.speaker {
                said[s].push(quote);
            }
        }
        for (i, person) in directory.people.iter().enumerate() {
            let speaker = person.speaker.and_then(|s| kb.speakers.get(s));
            let listed = schedule_profile(schedule, &person.name, speaker);
            let own = person.speaker.and_then(|s| said.get(s)).map_or(&[][..], Vec::as_slice);
            let facts = read(&person.name, speaker, listed, own);
            for fact in &facts {
                let index = match fact.attribute {
                    Attribute::Organisation => &mut profiles.organisations,
                    Attribute::BasedIn | Attribute::From => &mut profiles.places,
                    _ => continue,
                };
                for key in keys(&fact.value) {
                    let people = index.entry(key).or_default();
                    if !people.contains(&i) {
                        people.push(i);
                    }
                }
            }
            profiles.facts.push(facts);
        }
        profiles
    }

    /// A person's facts, most trusted first.
    pub fn of(&self, person: usize) -> &[Fact] {
        self.facts.get(person).map_or(&[], Vec::as_slice)
    }

    /// A person's facts of one kind, most trusted first.
    pub fn facts(&self, person: usize, attribute: Attribute) -> impl Iterator<Item = &Fact> {
        self.of(person).iter().filter(move |f| f.attribute == attribute)
    }

    /// Who works for the organisation `name` names (folded), now.
    pub fn working_at(&self, name: &str) -> &[usize] {
        self.organisations.get(name).map_or(&[], Vec::as_slice)
    }

    /// Who is based in or comes from the place `name` names (folded): by
    /// its name, or else by the names that start with it (`new york` for
    /// `New York City`), each once.
    pub fn at_place(&self, name: &str) -> Vec<usize> {
        if let Some(people) = self.places.get(name) {
            return people.clone();
        }
        let mut people: Vec<usize> = Vec::new();
        let prefix = format!("{name} ");
        for (key, found) in &self.places {
            if key.starts_with(&prefix) {
                for &p in found {
                    if !people.contains(&p) {
                        people.push(p);
                    }
                }
            }
        }
        people.sort_unstable();
        people
    }

    /// A person in a line: their role, the organisations the most trusted
    /// source says they work for, where they are based (`Developer Advocate
    /// at Microsoft · based in Melbourne`); empty when nothing is known.
    pub fn lead(&self, person: usize) -> String {
        let role = self.facts(person, Attribute::Role).next().map(|f| f.value.clone());
        let first = self.facts(person, Attribute::Organisation).next().map(|f| f.origin);
        let mut organisations: Vec<&str> = Vec::new();
        for fact in self.facts(person, Attribute::Organisation).filter(|f| Some(f.origin) == first) {
            if organisations.len() < LEAD_ORGANISATIONS
                && !organisations.iter().any(|o| text::fold(o) == text::fold(&fact.value))
            {
                organisations.push(&fact.value);
            }
        }
        let organisations = organisations.join(" and ");
        let mut parts = Vec::new();
        match (role, organisations.is_empty()) {
            (Some(role), false) => parts.push(format!("{role} at {organisations}")),
            (Some(role), true) => parts.push(role),
            (None, false) => parts.push(format!("Works at {organisations}")),
            (None, true) => {}
        }
        if let Some(place) = self.facts(person, Attribute::BasedIn).next() {
            parts.push(format!("based in {}", place.value));
        }
        parts.join(" · ")
    }

    /// Every organisation someone works for, folded.
    pub fn organisation_names(&self) -> impl Iterator<Item = &str> {
        self.organisations.keys().map(String::as_str)
    }

    /// Every place someone is based in or comes from, folded.
    pub fn place_names(&self) -> impl Iterator<Item = &str> {
        self.places.keys().map(String::as_str)
    }
}

/// The keys a name is found by: the whole, folded, and each of its parts
/// a slash or `and` join (`Up Bank / Ferocia`), and a place's first part
/// (`Melbourne` of `Melbourne, Australia`).
fn keys(value: &str) -> Vec<String> {
    let mut keys = vec![text::fold(value)];
    for part in value.split([',', '/']).map(text::fold) {
        if !part.is_empty() && !keys.contains(&part) {
            keys.push(part);
        }
    }
    keys.retain(|k| !k.is_empty());
    keys
}

/// The programme's profile of a person: by their name, or one of their
/// speaker's other names.
fn schedule_profile<'s>(schedule: &'s Schedule, name: &str, speaker: Option<&Speaker>) -> Option<&'s Profile> {
    schedule
        .speaker(name)
        .or_else(|| speaker.and_then(|s| std::iter::once(&s.name).chain(&s.aliases).find_map(|n| schedule.speaker(n))))
}

/// Every fact of one person, from each of their sources, most trusted first.
fn read(name: &str, speaker: Option<&Speaker>, listed: Option<&Profile>, said: &[&Quote]) -> Vec<Fact> {
    let mut names = vec![name.to_string()];
    if let Some(speaker) = speaker {
        names.extend(speaker.aliases.iter().cloned());
    }
    let mut facts = Vec::new();
    if let Some(profile) = listed {
        if let Some(company) = profile.company.as_deref().filter(|c| !c.trim().is_empty()) {
            facts.push(Fact {
                attribute: Attribute::Organisation,
                value: company.trim().to_string(),
                phrase: company.trim().to_string(),
                origin: Origin::Company,
                present: true,
            });
        }
        for (question, answer) in &profile.answers {
            facts.extend(reading::keyed(question, answer, Origin::Field));
        }
        if let Some(tagline) = &profile.tagline {
            facts.extend(reading::tag_line(tagline, &names, Origin::TagLine));
        }
    }
    if let Some(speaker) = speaker {
        let from_data = speaker.source.as_ref().is_some_and(|s| s.path != crate::kb::PROGRAMME_SOURCE);
        if from_data {
            for (key, value) in &speaker.facts {
                facts.extend(reading::keyed(key, value, Origin::Field));
            }
        }
        if speaker.source.is_none()
            && let Some(about) = &speaker.headline
        {
            facts.extend(reading::tag_line(about, &names, Origin::Recording));
        }
        let mut biography = speaker.summary.clone();
        for section in &speaker.sections {
            for paragraph in &section.paragraphs {
                biography.push_str("\n\n");
                biography.push_str(paragraph);
            }
        }
        if speaker.source.is_some() {
            facts.extend(reading::biography(&biography, Origin::Biography));
        }
        // What they say of themselves, in the first person, in a recording.
        for quote in said {
            facts.extend(reading::own_words(&quote.text));
        }
    }
    // Most trusted first: by source, then what is said to be so now.
    facts.sort_by_key(|f| (f.origin as u8, !f.present));
    // A former organisation that is also a current one is current.
    let current: Vec<String> =
        facts.iter().filter(|f| f.attribute == Attribute::Organisation).map(|f| text::fold(&f.value)).collect();
    facts.retain(|f| f.attribute != Attribute::FormerOrganisation || !current.contains(&text::fold(&f.value)));
    let mut seen: Vec<(Attribute, String)> = Vec::new();
    facts.retain(|f| {
        let key = (f.attribute, text::fold(&f.value));
        let new = !seen.contains(&key);
        seen.push(key);
        new
    });
    facts
}
