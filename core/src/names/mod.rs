//! Forgiving speaker lookup: case, accents, first or last name alone,
//! aliases, and typos of one or two letters all find the speaker; several
//! candidates are reported as such; a miss names the closest known people.
//!
//! The directory holds everyone the bot can talk about: speakers of the
//! knowledge base and the speakers named in the schedule.

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::index::typos::TypoIndex;
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

/// Everyone the bot can name, with their folded names for matching, and
/// indexes over those names so that a lookup costs the same with three
/// people or three thousand.
#[derive(Debug, Default)]
pub struct Directory {
    pub people: Vec<Person>,
    /// A folded full name → the people called that.
    full: HashMap<String, Vec<usize>>,
    /// A folded other name (alias, first or last name) → the people called that.
    other: HashMap<String, Vec<usize>>,
    /// A word of a full name → the people whose full name has it.
    name_words: HashMap<String, Vec<usize>>,
    /// A key's first word → the people and which of their keys start with it.
    first_words: HashMap<String, Vec<(usize, usize)>>,
    /// Every key, sorted, with its person: prefixes are a range of it.
    sorted: Vec<(String, usize)>,
    /// Every key, for typos: built on the first name not found as typed,
    /// so that a process that never meets a typo never pays for it.
    typos: OnceLock<TypoIndex>,
}

impl Directory {
    pub fn build(kb: &KnowledgeBase, schedule: &Schedule) -> Directory {
        let mut people: Vec<Person> = Vec::new();
        let mut seen: HashMap<String, usize> = HashMap::new();
        for (i, speaker) in kb.speakers.iter().enumerate() {
            let mut keys = vec![text::fold(&speaker.name)];
            keys.extend(speaker.aliases.iter().map(|a| text::fold(a)));
            seen.entry(keys[0].clone()).or_insert(people.len());
            people.push(Person::new(&speaker.name, Some(i), keys));
        }
        for session in &schedule.sessions {
            for name in &session.speakers {
                let folded = text::fold(name);
                if folded.is_empty() || seen.contains_key(&folded) {
                    continue;
                }
                // `Dr. Michael Stehmann` is called Michael, not Dr; `Dr. Smith`, Smith.
                let all: Vec<&str> = folded.split(' ').collect();
                let words: Vec<&str> =
                    all.iter().copied().skip_while(|w| crate::lexicon::grammar::HONORIFICS.contains(w)).collect();
                let mut keys = vec![folded.clone()];
                if words.len() > 1 || (words.len() == 1 && all.len() > 1) {
                    // A first or last name alone, unless it is grammar
                    // (`Sample Speaker A` is not called "a").
                    for word in [words[0], words[words.len() - 1]] {
                        if word.len() > 1
                            && !crate::lexicon::grammar::is_stop_word(word)
                            && !keys.iter().any(|k| k == word)
                        {
                            keys.push(word.to_string());
                        }
                    }
                }
                seen.insert(folded, people.len());
                people.push(Person::new(name, None, keys));
            }
        }
        Directory::index(people)
    }

    fn index(people: Vec<Person>) -> Directory {
        let mut directory = Directory { people, ..Directory::default() };
        for (i, person) in directory.people.iter().enumerate() {
            for (k, key) in person.keys.iter().enumerate() {
                if key.is_empty() {
                    continue;
                }
                let map = if k == 0 { &mut directory.full } else { &mut directory.other };
                push_once(map.entry(key.clone()).or_default(), i);
                let first = key.split(' ').next().unwrap_or(key).to_string();
                directory.first_words.entry(first).or_default().push((i, k));
                directory.sorted.push((key.clone(), i));
            }
            for word in person.keys[0].split(' ').filter(|w| !w.is_empty()) {
                push_once(directory.name_words.entry(word.to_string()).or_default(), i);
            }
        }
        directory.sorted.sort();
        directory
    }

    /// Builds the typo index now rather than on the first name not found as typed.
    pub fn warm_typos(&self) {
        self.typos();
    }

    /// The words of every name, each found up to two edits off.
    fn typos(&self) -> &TypoIndex {
        self.typos.get_or_init(|| {
            let words = self.people.iter().flat_map(|p| p.keys.iter().flat_map(|k| k.split(' ').map(str::to_string)));
            TypoIndex::thorough(words)
        })
    }

    /// Per person, the indices of the sessions that list them by their
    /// name or one of their other names (a full name before an alias).
    pub fn sessions_by_person(&self, schedule: &Schedule) -> Vec<Vec<usize>> {
        let mut sessions = vec![Vec::new(); self.people.len()];
        for (s, session) in schedule.sessions.iter().enumerate() {
            for name in &session.speakers {
                let key = text::fold(name);
                let person = self.full.get(&key).or_else(|| self.other.get(&key)).and_then(|found| found.first());
                if let Some(&person) = person {
                    push_once(&mut sessions[person], s);
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
        match self.full.get(q).or_else(|| self.other.get(q)) {
            Some(found) => one_or_many(found.clone()),
            None => Resolution::None,
        }
    }

    /// Finds the person a user means by `query`: an exact full name wins
    /// over another name, which wins over words of names, prefixes and typos.
    pub fn resolve(&self, query: &str) -> Resolution {
        let q = text::fold(query);
        match self.resolve_as_written(&q) {
            Resolution::None => self.resolve_typo(&q),
            found => found,
        }
    }

    /// [`resolve`](Self::resolve) without typos: for text that may well
    /// name something other than a person (`/talks postgres`).
    pub fn resolve_as_typed(&self, query: &str) -> Resolution {
        self.resolve_as_written(&text::fold(query))
    }

    fn resolve_as_written(&self, q: &str) -> Resolution {
        if q.is_empty() {
            return Resolution::None;
        }
        let exact = self.exactly(q);
        if exact != Resolution::None {
            return exact;
        }
        // Every word of the query is a word of the name, in any order.
        let words: Vec<&str> = q.split(' ').collect();
        if let Some(first) = self.name_words.get(words[0]) {
            let all_words: Vec<usize> = first
                .iter()
                .copied()
                .filter(|&p| words.iter().all(|w| self.people[p].keys[0].split(' ').any(|n| n == *w)))
                .collect();
            if !all_words.is_empty() {
                return one_or_many(all_words);
            }
        }
        if q.len() >= 3 {
            let from = self.sorted.partition_point(|(key, _)| key.as_str() < q);
            let mut prefix: Vec<usize> =
                self.sorted[from..].iter().take_while(|(key, _)| key.starts_with(q)).map(|&(_, p)| p).collect();
            if !prefix.is_empty() {
                prefix.sort_unstable();
                return one_or_many(prefix);
            }
        }
        Resolution::None
    }

    /// The people whose name is nearest to `q` within its allowed typos.
    /// Each word of `q` that is no word of a name replaced by the nearest
    /// that is (every one as near, for a name of one word), then resolved.
    fn resolve_typo(&self, q: &str) -> Resolution {
        let words: Vec<&str> = q.split(' ').collect();
        let mut readings: Vec<String> = vec![String::new()];
        for word in &words {
            let near = self.typos().corrections(word, usize::MAX);
            let best = near.first().map(|&(_, d)| d);
            let choices: Vec<&str> = match best {
                Some(best) if words.len() == 1 => near.iter().filter(|c| c.1 == best).map(|c| c.0).collect(),
                Some(_) => vec![near[0].0],
                None => vec![*word],
            };
            readings = readings
                .iter()
                .flat_map(|before| choices.iter().map(move |w| format!("{before} {w}").trim().to_string()))
                .collect();
        }
        let mut found: Vec<usize> = Vec::new();
        for reading in readings.iter().filter(|r| r.as_str() != q) {
            match self.resolve_as_written(reading) {
                Resolution::One(person) => found.push(person),
                Resolution::Many(people) => found.extend(people),
                Resolution::None => {}
            }
        }
        found.sort_unstable();
        one_or_many(found)
    }

    /// The people named in `question`, by full name, first or last name or
    /// alias, as whole words (a possessive `'s` allowed), best match first.
    /// A one-word name must be capitalised as names are ("Who is the Host of
    /// the show?" names nobody called Host), unless the question has no capital
    /// but the first letter.
    pub fn mentioned_in(&self, question: &str) -> Vec<usize> {
        let (words, capitals) = words_with_case(question);
        let words: Vec<&str> = words.iter().map(String::as_str).collect();
        // Typed without capitals, or with only the first: a name in it may be in lower case too.
        let all_lower = !capitals.iter().skip(1).any(|&c| c);
        let named = |at: usize, len: usize| len > 1 || all_lower || capitals[at];
        // Each person found, with the most words of a name matched, and
        // whether that name was their full name (which wins a tie: "Markus"
        // is the speaker called Markus before Markus Reuter).
        let mut found: Vec<(usize, (usize, bool))> = Vec::new();
        for (at, word) in words.iter().enumerate() {
            let stems = [Some(*word), word.strip_suffix('s')];
            for candidates in stems.into_iter().flatten().filter_map(|w| self.first_words.get(w)) {
                for &(person, k) in candidates {
                    let key = &self.people[person].keys[k];
                    let len = (key.split(' ').count(), k == 0);
                    if named(at, len.0) && at_words(&words[at..], key) {
                        match found.iter_mut().find(|(p, _)| *p == person) {
                            Some(entry) => entry.1 = entry.1.max(len),
                            None => found.push((person, len)),
                        }
                    }
                }
            }
        }
        if found.is_empty() {
            // One typo in a name of five letters or more.
            for (at, word) in words.iter().enumerate() {
                if word.len() < 5 || !named(at, 1) {
                    continue;
                }
                for (key, distance) in self.typos().corrections(word, usize::MAX) {
                    if distance != 1 || key.contains(' ') || key.len() < 5 {
                        continue;
                    }
                    for &person in self.full.get(key).into_iter().chain(self.other.get(key)).flatten() {
                        if !found.iter().any(|(p, _)| *p == person) {
                            found.push((person, (0, false)));
                        }
                    }
                }
            }
        }
        found.sort_by_key(|&(person, len)| (std::cmp::Reverse(len), person));
        found.into_iter().map(|(i, _)| i).collect()
    }

    fn matching(&self, test: impl Fn(&Person) -> bool) -> Vec<usize> {
        self.people.iter().enumerate().filter(|(_, p)| test(p)).map(|(i, _)| i).collect()
    }

    /// The `n` people whose names are most like `q` (among names that start
    /// with its letter, where likeness lives); when none is much like it,
    /// the first `n` people with a biography or quotes, so that a miss
    /// still shows who can be asked about.
    pub fn closest(&self, query: &str, n: usize) -> Vec<usize> {
        let q = &text::fold(query);
        let initial = q.chars().next().unwrap_or(' ').to_string();
        let from = self.sorted.partition_point(|(key, _)| key.as_str() < initial.as_str());
        let mut scored: Vec<(usize, f64)> = Vec::new();
        for (key, person) in self.sorted[from..].iter().take_while(|(key, _)| key.starts_with(&initial)) {
            let similarity = strsim::jaro_winkler(q, key);
            if similarity < crate::tuning::NAMES_ALIKE {
                continue;
            }
            match scored.iter_mut().find(|(p, _)| p == person) {
                Some(entry) => entry.1 = entry.1.max(similarity),
                None => scored.push((*person, similarity)),
            }
        }
        scored.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        let alike: Vec<usize> = scored.into_iter().take(n).map(|(i, _)| i).collect();
        if !alike.is_empty() {
            return alike;
        }
        self.matching(|p| p.speaker.is_some()).into_iter().take(n).collect()
    }
}

fn push_once(list: &mut Vec<usize>, value: usize) {
    if list.last() != Some(&value) {
        list.push(value);
    }
}

fn one_or_many(mut found: Vec<usize>) -> Resolution {
    found.dedup();
    match found.len() {
        0 => Resolution::None,
        1 => Resolution::One(found[0]),
        _ => Resolution::Many(found),
    }
}

/// Whether the words of `key` start `words`; the last may carry a possessive `s`.
fn at_words(words: &[&str], key: &str) -> bool {
    let key: Vec<&str> = key.split(' ').collect();
    key.len() <= words.len()
        && words
            .iter()
            .zip(&key)
            .enumerate()
            .all(|(i, (w, k))| w == k || (i == key.len() - 1 && w.strip_suffix('s') == Some(k)))
}

/// The words of `text` folded as [`text::fold`] folds them, and whether each
/// began with a capital letter.
fn words_with_case(text: &str) -> (Vec<String>, Vec<bool>) {
    text::words::words(text).into_iter().map(|w| (w.folded.clone(), w.capital())).unzip()
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

    /// An initial or a word of grammar in a name is no name on its own:
    /// "a" in a question does not name Sample Speaker A.
    #[test]
    fn grammar_in_a_name_names_no_one() {
        let d = directory();
        assert!(d.mentioned_in("who is a data scientist").is_empty());
        let first = d.mentioned_in("what does sample speaker a do")[0];
        assert_eq!(d.people[first].name, "Sample Speaker A");
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
