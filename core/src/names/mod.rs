//! Forgiving speaker lookup: case, accents, first or last name alone,
//! aliases, and typos of one or two letters all find the speaker; several
//! candidates are reported as such; a miss names the closest known people.
//!
//! The directory holds everyone the bot can talk about: speakers of the
//! knowledge base and the speakers named in the schedule.

pub mod written;

use crate::kb::KnowledgeBase;
use crate::schedule::Schedule;
use crate::text;

/// A person the bot knows by name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    pub name: String,
    /// Index into [`KnowledgeBase::speakers`], for people with a biography or quotes.
    pub speaker: Option<usize>,
    /// Folded full name, then folded aliases.
    keys: Vec<String>,
    /// Every word of every name, as the index analyses it, so that a
    /// question's words can be told from the names in it.
    pub stems: Vec<String>,
}

impl Person {
    fn new(name: &str, speaker: Option<usize>, keys: Vec<String>) -> Person {
        let mut stems: Vec<String> = Vec::new();
        for stem in keys.iter().flat_map(|key| crate::index::stems(key)) {
            if !stems.contains(&stem) {
                stems.push(stem);
            }
        }
        Person { name: name.to_string(), speaker, keys, stems }
    }
}

/// The outcome of a lookup.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolution {
    One(usize),
    Many(Vec<usize>),
    /// Nobody; [`Directory::closest`] names who comes nearest.
    None,
}

/// Everyone the bot can name, with their folded names for matching.
#[derive(Debug, Clone, Default)]
pub struct Directory {
    pub people: Vec<Person>,
}

impl Directory {
    pub fn build(kb: &KnowledgeBase, schedule: &Schedule) -> Directory {
        let mut people: Vec<Person> = Vec::new();
        for (i, speaker) in kb.speakers.iter().enumerate() {
            let mut keys = vec![text::fold(&speaker.name)];
            keys.extend(speaker.aliases.iter().map(|a| text::fold(a)));
            people.push(Person::new(&speaker.name, Some(i), keys));
        }
        for session in &schedule.sessions {
            for name in &session.speakers {
                let folded = text::fold(name);
                if folded.is_empty() || people.iter().any(|p| p.keys[0] == folded) {
                    continue;
                }
                let words: Vec<&str> = folded.split(' ').collect();
                let mut keys = vec![folded.clone()];
                if words.len() > 1 {
                    keys.push(words[0].to_string());
                    keys.push(words[words.len() - 1].to_string());
                }
                people.push(Person::new(name, None, keys));
            }
        }
        Directory { people }
    }

    /// Per person, the indices of the sessions that list them by their
    /// name or one of their other names.
    pub fn sessions_by_person(&self, schedule: &Schedule) -> Vec<Vec<usize>> {
        let mut by_key: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
        // Full names first, so that an alias never takes a name someone has in full.
        for (i, person) in self.people.iter().enumerate() {
            by_key.entry(person.keys[0].as_str()).or_insert(i);
        }
        for (i, person) in self.people.iter().enumerate() {
            for key in &person.keys[1..] {
                by_key.entry(key.as_str()).or_insert(i);
            }
        }
        let mut sessions = vec![Vec::new(); self.people.len()];
        for (s, session) in schedule.sessions.iter().enumerate() {
            for name in &session.speakers {
                if let Some(&person) = by_key.get(text::fold(name).as_str()) {
                    let theirs: &mut Vec<usize> = &mut sessions[person];
                    if theirs.last() != Some(&s) {
                        theirs.push(s);
                    }
                }
            }
        }
        sessions
    }

    /// The one person whose full name, or else one of whose other names,
    /// is exactly `query` (folded).
    pub fn exact(&self, query: &str) -> Option<usize> {
        match self.exactly(&text::fold(query)) {
            Resolution::One(person) => Some(person),
            _ => None,
        }
    }

    /// Everyone named exactly `q`: by full name if anyone is, else by another name.
    fn exactly(&self, q: &str) -> Resolution {
        let full = self.matching(|p| p.keys[0] == q);
        if !full.is_empty() {
            return one_or_many(full);
        }
        let other = self.matching(|p| p.keys[1..].iter().any(|k| k == q));
        if other.is_empty() { Resolution::None } else { one_or_many(other) }
    }

    /// Finds the person a user means by `query`: an exact full name wins
    /// over another name, which wins over words of names, prefixes and typos.
    pub fn resolve(&self, query: &str) -> Resolution {
        let q = text::fold(query);
        if q.is_empty() {
            return Resolution::None;
        }
        let exact = self.exactly(&q);
        if exact != Resolution::None {
            return exact;
        }
        // Every word of the query is a word of the name, in any order.
        let words: Vec<&str> = q.split(' ').collect();
        let all_words = self.matching(|p| words.iter().all(|w| p.keys[0].split(' ').any(|n| n == *w)));
        if !all_words.is_empty() {
            return one_or_many(all_words);
        }
        if q.len() >= 3 {
            let prefix = self.matching(|p| p.keys.iter().any(|k| k.starts_with(&q)));
            if !prefix.is_empty() {
                return one_or_many(prefix);
            }
        }
        let allowed = match q.chars().count() {
            0..=3 => 0,
            4..=5 => 1,
            _ => 2,
        };
        if allowed > 0 {
            let distances: Vec<(usize, usize)> = self
                .people
                .iter()
                .enumerate()
                .map(|(i, p)| (i, p.keys.iter().map(|k| typo_distance(&q, k, allowed)).min().unwrap_or(usize::MAX)))
                .filter(|&(_, d)| d <= allowed)
                .collect();
            if let Some(best) = distances.iter().map(|&(_, d)| d).min() {
                return one_or_many(distances.iter().filter(|&&(_, d)| d == best).map(|&(i, _)| i).collect());
            }
        }
        Resolution::None
    }

    /// The people named in `question`, by full name, first or last name or
    /// alias, as whole words (a possessive `'s` allowed), best match first.
    /// A one-word name must be capitalised as names are ("Who is the host?"
    /// names nobody called Host), unless the whole question is in lower case.
    pub fn mentioned_in(&self, question: &str) -> Vec<usize> {
        let (words, capitals) = words_with_case(question);
        let words: Vec<&str> = words.iter().map(String::as_str).collect();
        let all_lower = !capitals.iter().any(|&c| c);
        let named = |at: usize, len: usize| len > 1 || all_lower || capitals[at];
        let mut found: Vec<(usize, usize)> = Vec::new();
        for (i, person) in self.people.iter().enumerate() {
            let best = person
                .keys
                .iter()
                .filter_map(|k| {
                    let len = k.split(' ').count();
                    position_of_words(&words, k).filter(|&at| named(at, len)).map(|_| len)
                })
                .max();
            if let Some(len) = best {
                found.push((i, len));
            }
        }
        if found.is_empty() {
            // One typo in a name of five letters or more.
            for (i, person) in self.people.iter().enumerate() {
                let typo = person.keys.iter().filter(|k| k.len() >= 5 && !k.contains(' ')).any(|k| {
                    words.iter().enumerate().any(|(at, w)| named(at, 1) && w.len() >= 5 && typo_distance(w, k, 1) == 1)
                });
                if typo {
                    found.push((i, 0));
                }
            }
        }
        found.sort_by_key(|&(_, len)| std::cmp::Reverse(len));
        found.into_iter().map(|(i, _)| i).collect()
    }

    fn matching(&self, test: impl Fn(&Person) -> bool) -> Vec<usize> {
        self.people.iter().enumerate().filter(|(_, p)| test(p)).map(|(i, _)| i).collect()
    }

    /// The `n` people whose names are most like `q`; when none is much like
    /// it, the first `n` people with a biography or quotes, so that a miss
    /// still shows who can be asked about.
    pub fn closest(&self, query: &str, n: usize) -> Vec<usize> {
        const ALIKE: f64 = 0.75;
        let q = &text::fold(query);
        let mut scored: Vec<(usize, f64)> = self
            .people
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let best = p.keys.iter().map(|k| strsim::jaro_winkler(q, k));
                (i, best.fold(0.0, f64::max))
            })
            .filter(|&(_, similarity)| similarity >= ALIKE)
            .collect();
        scored.sort_by(|a, b| b.1.total_cmp(&a.1));
        let alike: Vec<usize> = scored.into_iter().take(n).map(|(i, _)| i).collect();
        if !alike.is_empty() {
            return alike;
        }
        self.matching(|p| p.speaker.is_some()).into_iter().take(n).collect()
    }
}

/// Edit distance (adjacent swaps count as one), skipped as too far when the
/// lengths alone differ by more than `limit`. Folded names are ASCII.
fn typo_distance(a: &str, b: &str, limit: usize) -> usize {
    if a.len().abs_diff(b.len()) > limit {
        return usize::MAX;
    }
    strsim::osa_distance(a, b)
}

fn one_or_many(mut found: Vec<usize>) -> Resolution {
    found.dedup();
    if found.len() == 1 { Resolution::One(found[0]) } else { Resolution::Many(found) }
}

/// Where the words of `key` first stand consecutively in `words`; the last
/// may carry a possessive `s`.
fn position_of_words(words: &[&str], key: &str) -> Option<usize> {
    let key: Vec<&str> = key.split(' ').collect();
    if key.is_empty() || key.len() > words.len() {
        return None;
    }
    words.windows(key.len()).position(|window| {
        window
            .iter()
            .zip(&key)
            .enumerate()
            .all(|(i, (w, k))| w == k || (i == key.len() - 1 && w.strip_suffix('s') == Some(k)))
    })
}

/// The words of `text` folded as [`text::fold`] folds them, and whether each
/// began with a capital letter.
fn words_with_case(text: &str) -> (Vec<String>, Vec<bool>) {
    let ascii = deunicode::deunicode(text);
    let mut words = Vec::new();
    let mut capitals = Vec::new();
    for word in ascii.split(|c: char| !c.is_ascii_alphanumeric() && c != '\'') {
        let folded: String = word.chars().filter(char::is_ascii_alphanumeric).map(|c| c.to_ascii_lowercase()).collect();
        if !folded.is_empty() {
            capitals.push(word.chars().next().is_some_and(|c| c.is_ascii_uppercase()));
            words.push(folded);
        }
    }
    (words, capitals)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kb::tests::seed_documents;

    fn directory() -> Directory {
        let kb = KnowledgeBase::build(&seed_documents());
        let schedule = crate::seed::schedule();
        Directory::build(&kb, &schedule)
    }

    fn check(query: &str, expected: &str) {
        let d = directory();
        let names = |ids: &[usize]| ids.iter().map(|&i| d.people[i].name.as_str()).collect::<Vec<_>>().join(", ");
        let got = match d.resolve(query) {
            Resolution::One(i) => d.people[i].name.clone(),
            Resolution::Many(ids) => format!("many: {}", names(&ids)),
            Resolution::None => format!("none, closest: {}", names(&d.closest(query, 3))),
        };
        assert_eq!(got, expected, "{query}");
    }

    #[test]
    fn resolves_forgivingly() {
        check("Kelsey Hightower", "Kelsey Hightower");
        check("KELSEY", "Kelsey Hightower");
        check("hightower", "Kelsey Hightower");
        check("Kélsey", "Kelsey Hightower");
        check("hightower kelsey", "Kelsey Hightower");
        check("kelsy", "Kelsey Hightower");
        check("Kelsey Hightwoer", "Kelsey Hightower");
        check("Hihgtowre", "Kelsey Hightower");
        check("andy", "Andy Allred");
        check("kel", "Kelsey Hightower");
        check(
            "sample speaker",
            "many: Sample Speaker A, Sample Speaker C, Sample Speaker B, Sample Speaker D, Sample Speaker E",
        );
        check("Linus Torvalds", "none, closest: Kelsey Hightower, Marc Dillon, Andy Allred");
        check("", "none, closest: Kelsey Hightower, Marc Dillon, Andy Allred");
    }

    #[test]
    fn finds_people_mentioned_in_questions() {
        let d = directory();
        let named = |q: &str| d.mentioned_in(q).iter().map(|&i| d.people[i].name.clone()).collect::<Vec<_>>();
        assert_eq!(named("When was Kelsey born?"), ["Kelsey Hightower"]);
        assert_eq!(named("What is Kelsey Hightower's first project?"), ["Kelsey Hightower"]);
        assert_eq!(named("what does kelsy think of wasm"), ["Kelsey Hightower"]);
        assert_eq!(named("What does Andy do at Eficode?"), ["Andy Allred"]);
        assert!(named("When is the keynote?").is_empty());
        assert!(named("Who is the host of DevOps Sauna?").is_empty(), "host is a word, not the sample host's name");
        assert_eq!(named("is sample host here")[0], "Sample Host");
    }
}
