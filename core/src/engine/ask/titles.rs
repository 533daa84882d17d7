//! The programme's names, for linking a question to sessions: each
//! session's title words with how rare each is among titles, the rooms and
//! tracks as phrases, and the conference's own name. Built on the first
//! question about the programme, and kept.
//!
//! A question links to a session by how much of the question its title
//! explains and how much of the title the question names, each word
//! weighed by its rarity among titles, so that a full title, any fragment
//! of it, or a few of its words in another order all find it, and a word
//! every title shares (`talk`, `the`) decides nothing. A word the titles
//! lack is looked up as a prefix of theirs (`postgres` → `postgresql`) and
//! then as a typo (`webassmebly` → `webassembly`).

use std::collections::{HashMap, HashSet};

use super::question::{Question, Role};
use crate::index::stems;
use crate::index::typos::TypoIndex;
use crate::lexicon::grammar::is_stop_word;
use crate::schedule::Schedule;
use crate::tuning::{PREFIX, QUESTION_SHARE, TITLE_SHARE, TYPO};

/// The programme's title words, rooms and tracks.
#[derive(Debug, Default)]
pub(crate) struct Titles {
    /// Session → the day it starts on, in the conference's zone.
    pub(crate) dates: Vec<jiff::civil::Date>,
    /// The conference's days, in order.
    pub(crate) days: Vec<jiff::civil::Date>,
    ids: HashMap<String, u32>,
    /// Term id → the stem.
    words: Vec<String>,
    /// Term id → inverse document frequency among titles.
    idf: Vec<f32>,
    /// Term id → the sessions whose title has it.
    postings: Vec<Vec<u32>>,
    /// Session → the summed rarity of its title's terms.
    weight: Vec<f32>,
    /// The stems, sorted, for prefix lookup.
    sorted: Vec<(String, u32)>,
    typos: TypoIndex,
    /// The weight of a word no title has.
    unknown: f32,
    pub rooms: Vec<Place>,
    pub tracks: Vec<Place>,
    /// Stems of the conference's name that no title has.
    conference: HashSet<String>,
}

/// A room or track, with the words it is asked by: the whole name, and
/// each part of a name in two parts (`K.1.105 (La Fontaine)`).
#[derive(Debug, Clone)]
pub(crate) struct Place {
    pub name: String,
    phrases: Vec<Vec<String>>,
}

/// How well a question names a session.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Link {
    pub session: usize,
    /// The share of the question's content (by rarity) the title holds.
    pub question: f32,
    /// The share of the title (by rarity) the question names.
    pub title: f32,
}

impl Link {
    /// One number to rank links by: mostly how much of the question the
    /// title explains, then how much of the title it names.
    pub(crate) fn score(&self) -> f32 {
        self.question * (QUESTION_SHARE + TITLE_SHARE * self.title)
    }
}

/// A match of a question's word in the titles: a term, and how sure.
type Match = (u32, f32);

/// A word of at least this many letters may be the start of a longer one.
const MIN_PREFIX: usize = 5;
/// By at most this many letters.
const PREFIX_REST: usize = 4;

impl Titles {
    pub(crate) fn build(schedule: &Schedule) -> Titles {
        let mut titles = Titles::default();
        let zone = &schedule.conference.time_zone;
        titles.dates = schedule.sessions.iter().map(|s| s.start.to_zoned(zone.clone()).date()).collect();
        titles.days = super::timing::days(&schedule.sessions, zone);
        let mut terms_of: Vec<Vec<u32>> = Vec::with_capacity(schedule.sessions.len());
        for session in &schedule.sessions {
            let mut terms: Vec<u32> = Vec::new();
            let text = format!("{} {} {}", session.title, session.subtitle, session.kind.as_deref().unwrap_or(""));
            for stem in title_stems(&text) {
                let next = titles.words.len() as u32;
                let id = *titles.ids.entry(stem.clone()).or_insert(next);
                if id == next {
                    titles.words.push(stem);
                    titles.postings.push(Vec::new());
                }
                if !terms.contains(&id) {
                    terms.push(id);
                    titles.postings[id as usize].push(terms_of.len() as u32);
                }
            }
            terms_of.push(terms);
        }
        let n = schedule.sessions.len() as f32;
        titles.idf = titles.postings.iter().map(|p| idf(n, p.len() as f32)).collect();
        titles.unknown = idf(n, 0.0);
        titles.weight = terms_of.iter().map(|terms| terms.iter().map(|&t| titles.idf[t as usize]).sum()).collect();
        titles.sorted = titles.words.iter().cloned().zip(0..).collect();
        titles.sorted.sort_unstable();
        titles.typos = TypoIndex::build(titles.words.iter().cloned());
        // Every room the programme names, those with no session too.
        let mut rooms: Vec<&str> = schedule.rooms.iter().map(String::as_str).collect();
        rooms.sort_unstable();
        rooms.dedup();
        titles.rooms = rooms.into_iter().filter(|r| !r.trim().is_empty()).map(Place::new).collect();
        let mut tracks: Vec<&str> = schedule.sessions.iter().filter_map(|s| s.track.as_deref()).collect();
        tracks.sort_unstable();
        tracks.dedup();
        titles.tracks = tracks.into_iter().filter(|t| !t.trim().is_empty()).map(Place::new).collect();
        titles.conference =
            title_stems(&schedule.conference.title).into_iter().filter(|s| !titles.ids.contains_key(s)).collect();
        titles
    }

    /// Whether a title holds the stemmed `term`.
    pub(crate) fn holds(&self, term: &str) -> bool {
        self.ids.contains_key(term)
    }

    /// Where each of `terms` is in the titles: itself, else a longer word
    /// it starts, else the words one or two typos away.
    fn matches(&self, term: &str) -> Vec<Match> {
        if let Some(&id) = self.ids.get(term) {
            return vec![(id, 1.0)];
        }
        if term.len() >= MIN_PREFIX {
            let from = self.sorted.partition_point(|(w, _)| w.as_str() < term);
            let longer: Vec<Match> = self.sorted[from..]
                .iter()
                .take_while(|(w, _)| w.starts_with(term))
                .filter(|(w, _)| w.len() <= term.len() + PREFIX_REST)
                .map(|&(_, id)| (id, PREFIX))
                .collect();
            if !longer.is_empty() {
                return longer;
            }
        }
        let corrections = self.typos.corrections(term, 4);
        let nearest = corrections.first().map_or(0, |c| c.1);
        corrections
            .into_iter()
            .filter(|c| c.1 == nearest)
            .filter_map(|(w, _)| self.ids.get(w))
            .map(|&id| (id, TYPO))
            .collect()
    }

    /// The sessions `terms` name, best first, at most `limit`.
    pub(crate) fn link(&self, terms: &[String], limit: usize) -> Vec<Link> {
        // Dense per session (a programme has at most a few thousand), with
        // the sessions touched listed: no hashing in the loop over postings.
        let sessions = self.weight.len();
        let mut total = 0.0;
        let mut credit: Vec<(f32, f32)> = vec![(0.0, 0.0); sessions];
        let mut credited: Vec<u32> = Vec::new();
        let mut is_credited = vec![false; sessions];
        let mut best: Vec<Option<(f32, f32)>> = vec![None; sessions];
        let mut touched: Vec<u32> = Vec::new();
        for term in terms {
            let matches = self.matches(term);
            let weight = matches.iter().map(|&(id, _)| self.idf[id as usize]).fold(0.0, f32::max);
            if matches.is_empty() {
                total += self.unknown;
                continue;
            }
            total += weight;
            for &(id, sure) in &matches {
                for &session in &self.postings[id as usize] {
                    let entry = best[session as usize].get_or_insert_with(|| {
                        touched.push(session);
                        (0.0, 0.0)
                    });
                    if sure * weight > entry.0 {
                        *entry = (sure * weight, self.idf[id as usize]);
                    }
                }
            }
            for session in touched.drain(..) {
                let Some((asked, named)) = best[session as usize].take() else { continue };
                let entry = &mut credit[session as usize];
                if !is_credited[session as usize] {
                    is_credited[session as usize] = true;
                    credited.push(session);
                }
                entry.0 += asked;
                entry.1 += named;
            }
        }
        if total <= 0.0 {
            return Vec::new();
        }
        let mut links: Vec<Link> = credited
            .into_iter()
            .map(|session| {
                let (asked, named) = credit[session as usize];
                Link {
                    session: session as usize,
                    question: asked / total,
                    title: (named / self.weight[session as usize].max(f32::EPSILON)).min(1.0),
                }
            })
            .collect();
        let order = |a: &Link, b: &Link| b.score().total_cmp(&a.score()).then(a.session.cmp(&b.session));
        // Only the best `limit` are sorted: a common word links hundreds.
        if links.len() > limit && limit > 0 {
            links.select_nth_unstable_by(limit - 1, order);
        }
        links.truncate(limit);
        links.sort_by(order);
        links
    }

    /// The place of `places` the question names by the most words, and
    /// the words it took; words already read as something else are skipped.
    pub(crate) fn place_in<'p>(&self, places: &'p [Place], question: &Question) -> Option<(&'p Place, Vec<usize>)> {
        let mut best: Option<(&Place, Vec<usize>)> = None;
        for place in places {
            for phrase in &place.phrases {
                let Some(at) = find_phrase(&question.words, phrase) else { continue };
                let used: Vec<usize> = (at..at + phrase.len()).collect();
                if used.iter().any(|&i| matches!(question.roles[i], Role::Used)) {
                    continue;
                }
                // One short common word is not a room: `in Main` is, `a` is not.
                if phrase.len() == 1 && (is_stop_word(&phrase[0]) || phrase[0].len() < 2) {
                    continue;
                }
                if best.as_ref().is_none_or(|(_, b)| used.len() > b.len()) {
                    best = Some((place, used));
                }
            }
        }
        best
    }

    /// The question's words that only name the conference itself.
    pub(crate) fn conference_words(&self, question: &Question) -> Vec<usize> {
        question
            .content_words()
            .filter(|(_, w)| {
                let stems = stems(w);
                !stems.is_empty() && stems.iter().all(|s| self.conference.contains(s))
            })
            .map(|(i, _)| i)
            .collect()
    }
}

impl Place {
    fn new(name: &str) -> Place {
        let mut phrases = vec![super::question::words(name)];
        if let Some((main, rest)) = name.split_once('(') {
            phrases.push(super::question::words(main));
            phrases.push(super::question::words(rest.trim_end_matches(')')));
        }
        phrases.retain(|p| !p.is_empty());
        phrases.dedup();
        Place { name: name.to_string(), phrases }
    }
}

/// Where `phrase` starts in `words`, as whole words.
fn find_phrase(words: &[String], phrase: &[String]) -> Option<usize> {
    if phrase.is_empty() || phrase.len() > words.len() {
        return None;
    }
    words.windows(phrase.len()).position(|w| w == phrase)
}

/// The stems of a title's words that are not grammar.
pub(crate) fn title_stems(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for word in super::question::words(text) {
        if is_stop_word(&word) {
            continue;
        }
        for stem in stems(&word) {
            if !out.contains(&stem) {
                out.push(stem);
            }
        }
    }
    // `A/V`, `Q&A`, `I/O`, `CI/CD` are also typed as one word: `av`, `qa`, `cicd`.
    for joined in joined_letters(text) {
        if !out.contains(&joined) {
            out.push(joined);
        }
    }
    out
}

/// The words of one- or two-letter parts joined by `/`, `&` or `.` in
/// `text`, each as one lower-case word.
fn joined_letters(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut run: Vec<&str> = Vec::new();
    let short = |p: &str| (1..=2).contains(&p.chars().count()) && p.chars().all(char::is_alphabetic);
    let mut flush = |run: &mut Vec<&str>| {
        if run.len() >= 2 && run.iter().all(|p| short(p)) {
            found.push(run.concat().to_lowercase());
        }
        run.clear();
    };
    for piece in crate::text::words::pieces(text) {
        if !matches!(piece.gap, "/" | "&" | ".") {
            flush(&mut run);
        }
        run.push(piece.text);
    }
    flush(&mut run);
    found
}

fn idf(n: f32, df: f32) -> f32 {
    (1.0 + (n - df + 0.5) / (df + 0.5)).ln()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn linked(titles: &Titles, schedule: &Schedule, q: &str) -> Vec<String> {
        let terms = title_stems(q);
        titles.link(&terms, 2).iter().map(|l| schedule.sessions[l.session].title.clone()).collect()
    }

    #[test]
    fn links_titles_by_their_words_prefixes_and_typos() {
        let schedule = crate::seed::schedule();
        let titles = Titles::build(&schedule);
        assert_eq!(
            linked(&titles, &schedule, "the supply chain keynote")[0],
            "Keynote: Software supply chain security"
        );
        assert_eq!(linked(&titles, &schedule, "webassmebly")[0], "Sample: WebAssembly at the edge");
        assert_eq!(
            linked(&titles, &schedule, "hands-on signing workshop")[0],
            "Sample: Hands-on workshop: signing container images"
        );
    }
}
