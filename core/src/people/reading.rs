//! Reading what a tag line or a biography says of someone: their role,
//! the organisations they work for now and before, where they are based
//! and from, where they studied, what they are known for and their
//! pronouns. The rules are how such texts are written (`<role> at <Org>`,
//! `<role>, <Org>`, `works for`, `based in`, `from <Place>`, `studied …
//! at`), with the words of `lexicon::profiles` and WordNet's occupations
//! and places; never names of particular people or organisations.

use super::{Attribute, Fact, Origin};
use crate::lexicon::grammar::{Language, is_function_word, language_of, singular};
use crate::lexicon::profiles::{
    ARTICLES, AT, BASED_KEYS, BASED_VERBS, FORMERLY, IS, JOIN_VERBS, KNOWN_FOR, KNOWN_KEYS, LEADS_ORGANISATION,
    LEGAL_FORMS, NAME_JOINERS, NOW, ORGANISATION_KEYS, ORIGIN_KEYS, ORIGIN_VERBS, PAST, PRESENT, PRONOUN_KEYS,
    PRONOUN_SETS, ROLE_KEYS, ROLE_WORDS, SENTENCE_WORDS, STUDY_KEYS, STUDY_WORDS, WORK_PREPOSITIONS, WORK_VERBS,
};
use crate::lexicon::profiles::{
    BASED_PREPOSITIONS, BEFORE_ROLE, CONJUNCTIONS, DETERMINERS, EVENT_PARTS, FIRST_PERSON_AFTER_IM, FIRST_PERSON_VERBS,
    FRENCH_AGENT_SUFFIXES, FROM, GERMAN_AGENT_SUFFIXES, GERMAN_WEAK_AGENT_SUFFIXES, INDEFINITE_ARTICLES, OF,
    ORIGIN_PREPOSITIONS, PERFECT, ROLE_ENDS, ROLE_STOPS, STUDY_PREPOSITIONS, SUBJECT_PRONOUNS,
};
use crate::lexicon::wordnet::{is_occupation, is_place};
use crate::text::words::{Word, words};

/// Longest organisation or place name read, in words.
const LONGEST_NAME: usize = 8;
/// Longest role read, in words.
const LONGEST_ROLE: usize = 6;
/// A tag line of more words than this is read as a sentence.
const TAG_LINE_WORDS: usize = 14;
/// Longest "known for" phrase kept, in characters.
const KNOWN_FOR_CHARS: usize = 160;

/// The facts a tag line gives (`Staff Engineer at SEEK`, `Engineering
/// Manager, Bunnings`, `Co-Founder - Pinch Payments`); `names` are the
/// person's own names, which some tag lines start with.
pub(super) fn tag_line(line: &str, names: &[String], origin: Origin) -> Vec<Fact> {
    let line = without_name(line.trim(), names);
    if line.is_empty() {
        return Vec::new();
    }
    let ws = words(line);
    let folded: Vec<&str> = ws.iter().map(|w| w.folded.as_str()).collect();
    if ws.len() > TAG_LINE_WORDS || folded.iter().any(|w| SENTENCE_WORDS.contains(w)) {
        return biography(line, origin);
    }
    let lang = language_of(folded.iter().copied());
    let mut facts = Vec::new();
    for clause in line.split([';', '|', '•', '·']).map(str::trim).filter(|c| !c.is_empty()) {
        tag_clause(clause, line, origin, lang, &mut facts);
    }
    dedup(facts)
}

/// One clause of a tag line: `<role> at <Org>`, or parts apart by commas
/// or dashes, each a role, a place or an organisation.
fn tag_clause(clause: &str, line: &str, origin: Origin, lang: Language, facts: &mut Vec<Fact>) {
    let ws = words(clause);
    // `<role> at|@ <Org>`.
    if let Some(at) = ws.iter().position(|w| AT.contains(&w.folded.as_str()) || at_sign(w)) {
        let org_from = if at_sign(&ws[at]) { at } else { at + 1 };
        let before = clause[..ws[at].start].trim_end_matches(|c: char| c == '@' || c.is_whitespace());
        if let Some(role) = role_of(before, lang) {
            facts.push(fact(Attribute::Role, role, line, origin));
        }
        let rest = &clause[ws.get(org_from).map_or(clause.len(), |w| w.start)..];
        let mut parts = rest.split(',').map(str::trim).filter(|p| !p.is_empty());
        if let Some(org) = parts.next() {
            for org in org.split(" / ").map(str::trim).filter(|o| !o.is_empty()) {
                if is_place(org) {
                    facts.push(fact(Attribute::BasedIn, org, line, origin));
                } else if starts_proper(org) {
                    facts.push(fact(Attribute::Organisation, org, line, origin));
                }
            }
        }
        for part in parts {
            if is_place(part) {
                facts.push(fact(Attribute::BasedIn, part, line, origin));
            }
        }
        return;
    }
    let parts: Vec<&str> =
        clause.split([',', '–', '—']).flat_map(|p| p.split(" - ")).map(str::trim).filter(|p| !p.is_empty()).collect();
    let roles: Vec<Option<&str>> = parts.iter().map(|p| role_of(p, lang).filter(|r| r.len() * 2 >= p.len())).collect();
    let any_role = roles.iter().any(Option::is_some);
    for (part, role) in parts.iter().zip(&roles) {
        match role {
            Some(_) => facts.push(fact(Attribute::Role, part, line, origin)),
            None if is_place(part) => facts.push(fact(Attribute::BasedIn, part, line, origin)),
            None if any_role && organisation_like(part) => {
                for org in part.split(" / ").map(str::trim).filter(|o| !o.is_empty()) {
                    facts.push(fact(Attribute::Organisation, org, line, origin));
                }
            }
            None => {}
        }
    }
}

/// Whether a word is an `@` that stands for "at": after a space, not
/// inside an address or a handle.
fn at_sign(w: &Word<'_>) -> bool {
    w.gap.contains('@') && w.gap.trim() == "@" && w.gap.len() > 1
}

/// The tag line without the person's own name at its start
/// (`Bryden Oliver - SSW Cloud Solution Architect`).
fn without_name<'l>(line: &'l str, names: &[String]) -> &'l str {
    let ws = words(line);
    for name in names {
        let name_words: Vec<String> = words(name).into_iter().map(|w| w.folded).collect();
        if name_words.is_empty() || name_words.len() >= ws.len() {
            continue;
        }
        if ws.iter().zip(&name_words).all(|(w, n)| &w.folded == n) {
            let next = &ws[name_words.len()];
            if next.gap.contains([',', '-', '–', '—', ':', '|']) {
                return &line[next.start..];
            }
        }
    }
    line
}

/// The role a phrase names: up to its first preposition, when what is
/// left ends in an occupation (`Lead consultant in the transformation
/// business` → `Lead consultant`, `Head of Engineering` whole).
fn role_of(phrase: &str, lang: Language) -> Option<&str> {
    let phrase = phrase.trim();
    let ws = words(phrase);
    if ws.is_empty() || ws.len() > LONGEST_ROLE + 4 {
        return None;
    }
    let stop = ws.iter().position(|w| ROLE_ENDS.contains(&w.folded.as_str())).unwrap_or(ws.len());
    let head = (0..stop).rev().find(|&i| occupation(&ws, i, lang))?;
    // `Head of Engineering`, `Director of Product`: the part is the role's.
    let end = match ws.get(head + 1) {
        Some(of)
            if head + 1 == stop && of.folded == "of" && !LEADS_ORGANISATION.contains(&ws[head].folded.as_str()) =>
        {
            ws.len().min(head + 4)
        }
        _ => head + 1,
    };
    let last = &ws[end - 1];
    Some(&phrase[..last.start + last.text.len()])
}

/// Whether the word at `i` (with the one before it, for `co-founder`)
/// names an occupation.
fn occupation(ws: &[Word<'_>], i: usize, lang: Language) -> bool {
    let w = &ws[i];
    let singular = singular(&w.folded);
    if ROLE_WORDS.contains(&w.folded.as_str()) || ROLE_WORDS.contains(&singular.as_str()) {
        return true;
    }
    if w.folded.len() < 3 || !w.text.chars().next().is_some_and(char::is_alphabetic) {
        return false;
    }
    if i > 0 && ws[i].gap == "-" && is_occupation(&format!("{}-{}", ws[i - 1].folded, singular)) {
        return true;
    }
    if is_occupation(&w.folded) || is_occupation(&singular) {
        return true;
    }
    // A German or French agent noun (`Entwicklerin`, `développeur`).
    let agent = |suffixes: &[&str]| {
        w.folded.len() >= 5 && !is_function_word(&w.folded) && suffixes.iter().any(|s| w.folded.ends_with(s))
    };
    // A fragment of a few words gives no evidence of its language
    // (`Ingénieur logiciel`): its first word may be any language's agent noun.
    let fragment = i == 0 && ws.len() <= 4;
    match lang {
        Language::German => {
            let after_copula = i > 0 && IS.contains(&ws[i - 1].folded.as_str());
            w.capital()
                && (agent(GERMAN_AGENT_SUFFIXES) || (after_copula && agent(GERMAN_WEAK_AGENT_SUFFIXES)))
                && !is_place(w.text)
        }
        Language::French => agent(FRENCH_AGENT_SUFFIXES) && !w.capital() || (i == 0 && agent(FRENCH_AGENT_SUFFIXES)),
        Language::English => fragment && !w.text.is_ascii() && agent(FRENCH_AGENT_SUFFIXES),
    }
}

/// Whether a tag line's part reads as an organisation's name: it starts
/// with a capital, a digit or a full stop (`.NET`), is short, and is no
/// sentence (`Championing neurodiversity`).
fn organisation_like(part: &str) -> bool {
    let ws = words(part);
    !ws.is_empty()
        && ws.len() <= LONGEST_NAME / 2 + 1
        && starts_proper(part)
        && !ws[0].folded.ends_with("ing")
        && !ws.iter().any(|w| SENTENCE_WORDS.contains(&w.folded.as_str()))
}

/// Whether a text starts like a name: a capital, a digit, or a word with
/// a capital inside (`iOS`, `3pLearning`).
fn starts_proper(text: &str) -> bool {
    words(text).first().is_some_and(proper)
}

fn proper(w: &Word<'_>) -> bool {
    let mut chars = w.text.chars();
    let first = chars.next().unwrap_or(' ');
    first.is_uppercase() || first.is_ascii_digit() || chars.any(char::is_uppercase)
}

/// The facts a biography gives, sentence by sentence.
pub(super) fn biography(text: &str, origin: Origin) -> Vec<Fact> {
    let text = prose(text);
    let all = words(&text);
    let lang = language_of(all.iter().map(|w| w.folded.as_str()));
    let mut facts = Vec::new();
    for sentence in crate::text::sentences(&text) {
        for clause in sentence.split(';').map(str::trim).filter(|c| !c.is_empty()) {
            read_clause(clause, origin, lang, &mut facts);
        }
    }
    dedup(facts)
}

/// A biography as prose: a Markdown link as its text (`[Ada](https://…)`
/// → `Ada`), web addresses left out.
fn prose(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('[') {
        let Some(close) = rest[open..].find("](").map(|c| open + c) else { break };
        let Some(end) = rest[close..].find(')').map(|e| close + e) else { break };
        out.push_str(&rest[..open]);
        out.push_str(&rest[open + 1..close]);
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    out.split_whitespace()
        .filter(|w| !w.contains("://") && !w.starts_with("www.") && !w.starts_with("<http"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// What a speaker says of themselves in a recording: the clauses that
/// start in the first person with a verb of what one is, does or comes
/// from (`I work at`, `I'm a`, `I joined`, `I grew up in`), read as a
/// biography is; what they say of others, and `as an adult`, is not.
pub(super) fn own_words(text: &str) -> Vec<Fact> {
    let mut facts = Vec::new();
    for sentence in crate::text::sentences(text) {
        for clause in sentence.split([';', ',']).map(str::trim).filter(|c| !c.is_empty()) {
            let ws = words(clause);
            // `and I live in Chicago`: the conjunction is not the clause's.
            let from = usize::from(ws.first().is_some_and(|w| CONJUNCTIONS.contains(&w.folded.as_str())));
            let saying = |i: usize| ws.get(i).map_or("", |w| w.folded.as_str());
            let first_person = match saying(from) {
                "i" => FIRST_PERSON_VERBS.contains(&saying(from + 1)),
                "im" => FIRST_PERSON_AFTER_IM.contains(&saying(from + 1)),
                _ => false,
            };
            if first_person {
                let start = ws[from].start;
                read_clause(&clause[start..], Origin::Said, Language::English, &mut facts);
            }
        }
    }
    dedup(facts)
}

/// What one clause says, by the rules in turn at each of its words.
fn read_clause(clause: &str, origin: Origin, lang: Language, facts: &mut Vec<Fact>) {
    let ws = words(clause);
    let low: Vec<&str> = ws.iter().map(|w| w.folded.as_str()).collect();
    let word = |i: usize| low.get(i).copied().unwrap_or("");
    let present = says_now(&low);
    let mut push = |attribute: Attribute, value: &str| {
        let mut fact = fact(attribute, value, clause, origin);
        fact.present = present;
        facts.push(fact);
    };
    // A clause that starts with a role and no subject: `Senior Developer
    // from Germany`, `Backend developer at Genymobile`.
    if let Some(role) = role_run(&ws, 0, clause, lang) {
        push(Attribute::Role, role);
    } else if let Some(after) = ws.iter().position(|w| w.gap.contains(','))
        && ws[..after].iter().all(Word::capital)
        && let Some(role) = role_run(&ws, after, clause, lang)
    {
        // `Clément Benoist, statisticien au CHU`: a role after the name.
        push(Attribute::Role, role);
    }
    for i in 0..ws.len() {
        let w = low[i];
        // `is a Developer Advocate at Microsoft`, `works as an engineer`.
        if IS.contains(&w) {
            let mut at = i + 1;
            while ARTICLES.contains(&word(at)) || BEFORE_ROLE.contains(&word(at)) {
                at += 1;
            }
            // English puts an article before a role (`is a developer`);
            // German and French do not (`ist Sozialpädagoge`, `est
            // développeur`), when the one it is said of is a person.
            let of_a_person = i > 0 && (SUBJECT_PRONOUNS.contains(&word(i - 1)) || ws[i - 1].capital());
            if (at > i + 1 || w == "as" || w == "als" || (lang != Language::English && of_a_person))
                && let Some(role) = role_run(&ws, at, clause, lang)
            {
                push(Attribute::Role, role);
            }
        }
        // `<role> at <Org>`, `Aktivistin bei Digitalcourage`, `Developer @ Vouch`.
        // `Engineer for Mozilla`: `for` right after an occupation says for whom.
        let for_after_role = w == "for" && i > 0 && occupation(&ws, i - 1, lang);
        let at_word = (AT.contains(&w) || ws[i].text == "à" || for_after_role) && i > 0;
        if at_word || (at_sign(&ws[i]) && i > 0) {
            let org_at = if at_word { i + 1 } else { i };
            let from =
                (0..i).rev().take(LONGEST_ROLE).take_while(|&j| !punctuated(&ws, j + 1, i + 1)).last().unwrap_or(i);
            let clause_from = (0..i).rev().take_while(|&j| !punctuated(&ws, j + 1, i + 1)).last().unwrap_or(i);
            let role_before = (clause_from..i)
                .rev()
                .find(|&j| occupation(&ws, j, lang) || WORK_VERBS.contains(&low[j]))
                .is_some_and(|j| !EVENT_PARTS.contains(&singular(low[j]).as_str()));
            let non_english = w != "at";
            let starts_clause = from == 0 || punctuated(&ws, from, from + 1);
            if (role_before || (non_english && starts_clause) || now_before(&low, i))
                && let Some((org, end)) = name_at(&ws, org_at, clause)
            {
                if is_place(org) || is_place(first_part(org)) {
                    push(Attribute::BasedIn, org);
                } else if low[clause_from..i].iter().any(|w| STUDY_WORDS.contains(w)) {
                    // `a doctorate at the EPFL`: where they studied.
                    push(Attribute::Studied, org);
                } else {
                    push_org(&mut push, &ws, &low, i, org);
                    let role = clause[ws[from].start..ws[i].start].trim();
                    let plain = words(role).iter().all(|r| {
                        let w = r.folded.as_str();
                        !crate::lexicon::grammar::is_function_word(w) && !IS.contains(&w) && !WORK_VERBS.contains(&w)
                    });
                    if starts_clause && plain && !role.is_empty() && words(role).len() <= LONGEST_ROLE {
                        push(Attribute::Role, role);
                    }
                }
                if let Some(place) = place_after(&ws, end, clause) {
                    push(Attribute::BasedIn, place);
                }
            }
        }
        // `works at|for|with <Org>`, `arbeitet bei`, `travaille chez`; not
        // the noun (`his work with Kubernetes`).
        let noun = i > 0 && DETERMINERS.contains(&word(i - 1));
        if WORK_VERBS.contains(&w) && !noun {
            let mut at = i + 1;
            while at < ws.len()
                && at <= i + 2
                && !WORK_PREPOSITIONS.contains(&word(at))
                && !punctuated(&ws, i + 1, at + 1)
            {
                at += 1;
            }
            if WORK_PREPOSITIONS.contains(&word(at))
                && let Some((org, end)) = name_at(&ws, at + 1, clause)
                && !is_place(org)
            {
                push_org(&mut push, &ws, &low, i, org);
                if let Some(place) = place_after(&ws, end, clause) {
                    push(Attribute::BasedIn, place);
                }
            }
        }
        // `joined <Org>`.
        if JOIN_VERBS.contains(&w)
            && let Some((org, _)) = name_at(&ws, i + 1, clause)
            && !is_place(org)
        {
            push_org(&mut push, &ws, &low, i, org);
        }
        // `founder and CEO of Intuji`.
        if LEADS_ORGANISATION.contains(&w)
            && OF.contains(&word(i + 1))
            && let Some((org, _)) = name_at(&ws, i + 2, clause)
            && !is_place(org)
        {
            push_org(&mut push, &ws, &low, i, org);
        }
        // `based in Melbourne`, `lives in Berlin`, `wohnt in München`, `Melbourne-based`.
        if BASED_VERBS.contains(&w) {
            let mut at = i + 1;
            // German puts the subject after the verb: `wohne ich in Berlin`.
            if SUBJECT_PRONOUNS.contains(&word(at)) {
                at += 1;
            }
            let verb_end = at;
            while BASED_PREPOSITIONS.contains(&word(at)) {
                at += 1;
            }
            if at > verb_end
                && let Some((place, _)) = place_at(&ws, at, clause)
            {
                push(Attribute::BasedIn, place);
            } else if w == "based" && ws[i].gap == "-" && i > 0 && proper(&ws[i - 1]) {
                push(Attribute::BasedIn, ws[i - 1].text);
            }
        }
        // `born in Chicago`, `grew up in Long Beach`, `originally from Brazil`.
        if ORIGIN_VERBS.contains(&w) {
            let mut at = i + 1;
            while ORIGIN_PREPOSITIONS.contains(&word(at)) {
                at += 1;
            }
            if at > i + 1
                && let Some((place, _)) = place_at(&ws, at, clause)
            {
                push(Attribute::From, place);
            }
        }
        // `from Germany`, `aus München`: a place, not an organisation.
        if FROM.contains(&w)
            && !low[..i]
                .iter()
                .rev()
                .take(2)
                .any(|b| FORMERLY.contains(b) || STUDY_WORDS.contains(b) || ORIGIN_VERBS.contains(b))
            && let Some((place, _)) = place_at(&ws, i + 1, clause)
            && (is_place(place) || is_place(first_part(place)) || (w == "aus" && lang == Language::German))
        {
            push(Attribute::From, place);
        }
        // `studied computer science at X`, `graduated from X`, `studiert in Weimar`.
        if STUDY_WORDS.contains(&w) {
            let end = (i + LONGEST_NAME).min(ws.len());
            for at in i + 1..end {
                if punctuated(&ws, i + 1, at) && at > i + 1 {
                    break;
                }
                if STUDY_PREPOSITIONS.contains(&word(at))
                    && let Some((place, _)) = name_at(&ws, at + 1, clause)
                {
                    push(Attribute::Studied, place);
                    break;
                }
            }
        }
        // `known for his work with Kubernetes`.
        if KNOWN_FOR.contains(&w) && word(i + 1) == "for" && i + 2 < ws.len() {
            let rest = clause[ws[i + 2].start..].trim_end_matches(['.', '!', ' ']);
            push(Attribute::KnownFor, &crate::text::truncate_words(rest, KNOWN_FOR_CHARS));
        }
    }
    for set in PRONOUN_SETS {
        let squashed: String = clause.to_lowercase().chars().filter(|c| !c.is_whitespace()).collect();
        if squashed.contains(set) {
            facts.push(fact(Attribute::Pronouns, set, clause, origin));
        }
    }
}

/// An organisation found at word `i` of a clause: former when the words
/// before say so (`previously`, `worked` without `has`, `retired from`).
fn push_org(push: &mut impl FnMut(Attribute, &str), ws: &[Word<'_>], low: &[&str], i: usize, org: &str) {
    let before: Vec<&str> = low[..i].iter().rev().take(6).copied().collect();
    let perfect = before.iter().take(2).any(|w| PERFECT.contains(w));
    let now = before.iter().any(|w| NOW.contains(w)) || perfect;
    // The tense of the verb nearest before (`was co-founder of`, `continued
    // to work with`, `works at`), the word itself included (`worked at`,
    // `joined`); with none before, of the first after (`while working for
    // X, he became`).
    let past = |w: &str| PAST.contains(&w) || (w.len() > 4 && w.ends_with("ed") && !BASED_VERBS.contains(&w));
    let tense = |w: &&str| {
        if PRESENT.contains(w) {
            Some(false)
        } else if past(w) {
            Some(true)
        } else {
            None
        }
    };
    let in_past = low[..=i].iter().rev().find_map(tense).or_else(|| low[i + 1..].iter().find_map(tense)) == Some(true);
    let formerly = before.iter().any(|w| FORMERLY.contains(w)) || ws[i].gap.ends_with("ex-") || (in_past && !perfect);
    push(if formerly && !now { Attribute::FormerOrganisation } else { Attribute::Organisation }, org);
}

/// Whether a clause says what it says is so now: a word of the present
/// (`currently`, `since`), a present perfect (`has worked`), or a verb
/// in the present tense (`is`, `works`), and no past one (`was`, `joined`).
fn says_now(low: &[&str]) -> bool {
    let past = low.iter().any(|w| PAST.contains(w));
    low.iter().any(|w| NOW.contains(w) || PRESENT.contains(w)) && (!past || low.iter().any(|w| NOW.contains(w)))
}

/// Whether the words before `i` say that what follows is now (`currently at`).
fn now_before(low: &[&str], i: usize) -> bool {
    low[..i].iter().rev().take(2).any(|w| NOW.contains(w))
}

/// Whether a gap between words `from` and `to` (exclusive) holds
/// punctuation that ends a phrase.
fn punctuated(ws: &[Word<'_>], from: usize, to: usize) -> bool {
    ws[from.min(ws.len())..to.min(ws.len())].iter().any(|w| w.gap.contains([',', ';', ':', '(', ')', '.', '!', '?']))
}

/// A role starting at word `at`: the words up to the last occupation
/// before a preposition or punctuation (`Developer Advocate`, `experienced
/// Scrum Master`, `software engineer and maintainer`).
fn role_run<'c>(ws: &[Word<'_>], at: usize, clause: &'c str, lang: Language) -> Option<&'c str> {
    if at >= ws.len() {
        return None;
    }
    let mut head = None;
    for i in at..ws.len().min(at + LONGEST_ROLE) {
        if i > at && ws[i].gap.contains([',', ';', ':', '(', ')', '.', '/', '!', '?']) {
            break;
        }
        let w = ws[i].folded.as_str();
        if (is_function_word(w) && w != "and") || IS.contains(&w) || ROLE_STOPS.contains(&w) {
            break;
        }
        if occupation(ws, i, lang) {
            head = Some(i);
        }
    }
    let head = head?;
    // `Former forensic scientist`: a role they had.
    if FORMERLY.contains(&ws[at].folded.as_str()) {
        return None;
    }
    Some(clause[ws[at].start..ws[head].start + ws[head].text.len()].trim())
}

/// A name (of an organisation, place or school) starting at word `at`:
/// capitalised words, with the words that join them (`Bank of America`,
/// `Auto & General`), up to punctuation; with the index after it.
fn name_at<'c>(ws: &[Word<'_>], at: usize, clause: &'c str) -> Option<(&'c str, usize)> {
    let mut at = at;
    // `a small Portland startup`, `a FinTech company`: not a name.
    if ws.get(at).is_some_and(|w| INDEFINITE_ARTICLES.contains(&w.folded.as_str())) {
        return None;
    }
    let definite = ws.get(at).is_some_and(|w| ARTICLES.contains(&w.folded.as_str()));
    if definite {
        at += 1;
    }
    let first = ws.get(at)?;
    if !proper(first) || !first.text.chars().any(char::is_alphabetic) {
        return None;
    }
    let mut end = at + 1;
    while end < ws.len() && end - at < LONGEST_NAME {
        let w = &ws[end];
        if w.gap.contains([',', ';', ':', '(', ')', '/', '!', '?', '"', '“', '”', '|']) || w.gap.contains(". ") {
            break;
        }
        let joiner = NAME_JOINERS.contains(&w.folded.as_str()) && ws.get(end + 1).is_some_and(proper);
        if proper(w) || joiner || LEGAL_FORMS.contains(&w.folded.as_str()) {
            end += if joiner { 2 } else { 1 };
        } else {
            break;
        }
    }
    // `the Italian daily …`: a capitalised word before a noun describes it.
    if let Some(next) = ws.get(end).filter(|_| definite && end == at + 1)
        && next.gap.chars().all(char::is_whitespace)
        && !proper(next)
        && !crate::lexicon::grammar::is_function_word(&next.folded)
        && !next.folded.ends_with("ing")
        && !next.folded.ends_with("ed")
        && !LEGAL_FORMS.contains(&next.folded.as_str())
        && !IS.contains(&next.folded.as_str())
    {
        return None;
    }
    let last = &ws[end.min(ws.len()) - 1];
    let text = clause[first.start..last.start + last.text.len()].trim();
    let text = text.trim_end_matches(['.', ',']);
    (!text.is_empty()).then_some((text, end.min(ws.len())))
}

/// A place starting at word `at`, as [`name_at`] finds a name, with the
/// region or country a comma adds to it (`Long Beach, California`).
fn place_at<'c>(ws: &[Word<'_>], at: usize, clause: &'c str) -> Option<(&'c str, usize)> {
    let (place, end) = name_at(ws, at, clause)?;
    if let Some(next) = ws.get(end)
        && next.gap.trim() == ","
        && let Some((region, after)) = name_at(ws, end, clause)
        && is_place(region)
    {
        let start = clause.find(place).unwrap_or(0);
        let stop = ws[after - 1].start + ws[after - 1].text.len();
        return Some((&clause[start..stop], after));
    }
    Some((place, end))
}

/// A place right after an organisation (`at Bloomberg in New York City`,
/// `Engineer at Bunnings, Melbourne`).
fn place_after<'c>(ws: &[Word<'_>], at: usize, clause: &'c str) -> Option<&'c str> {
    let w = ws.get(at)?;
    let start = if w.folded == "in" || w.folded == "based" {
        at + 1 + usize::from(ws.get(at + 1).is_some_and(|n| n.folded == "in"))
    } else if w.gap.contains(',') {
        at
    } else {
        return None;
    };
    let (place, _) = name_at(ws, start, clause)?;
    // `at Acme in Holzkirchen`: a name after `in` is a place; after a comma
    // only a place the world knows is.
    (start > at || is_place(place) || is_place(first_part(place))).then_some(place)
}

/// A place's first part: `Melbourne` of `Melbourne, Australia`.
fn first_part(place: &str) -> &str {
    place.split(',').next().unwrap_or(place).trim()
}

/// The facts a key and value of a biography or a call for papers give
/// (`Occupation: Software engineer`, `Company: SixPivot`).
pub(super) fn keyed(key: &str, value: &str, origin: Origin) -> Vec<Fact> {
    let key_words: Vec<String> = words(key).into_iter().map(|w| w.folded).collect();
    let has = |list: &[&str]| key_words.iter().any(|k| list.contains(&k.as_str()));
    let value = value.trim();
    if value.is_empty() {
        return Vec::new();
    }
    let phrase = format!("{key}: {value}");
    let attribute = if has(PRONOUN_KEYS) {
        Attribute::Pronouns
    } else if has(KNOWN_KEYS) {
        Attribute::KnownFor
    } else if has(ORGANISATION_KEYS) {
        Attribute::Organisation
    } else if has(ROLE_KEYS) {
        Attribute::Role
    } else if has(ORIGIN_KEYS) {
        Attribute::From
    } else if has(BASED_KEYS) {
        Attribute::BasedIn
    } else if has(STUDY_KEYS) {
        Attribute::Studied
    } else {
        return Vec::new();
    };
    vec![Fact { attribute, value: value.to_string(), phrase, origin, present: true }]
}

fn fact(attribute: Attribute, value: &str, phrase: &str, origin: Origin) -> Fact {
    let value = value.trim().trim_end_matches(['.', ',', ';', ':']).trim();
    Fact { attribute, value: value.to_string(), phrase: phrase.trim().to_string(), origin, present: true }
}

/// Facts once each: the first of the same attribute and value (folded);
/// of two places where one holds the other (`Melbourne` and `Melbourne,
/// Australia`), the longer.
fn dedup(facts: Vec<Fact>) -> Vec<Fact> {
    let mut out: Vec<Fact> = Vec::new();
    for fact in facts {
        let key = crate::text::fold(&fact.value);
        if key.is_empty() {
            continue;
        }
        let place = matches!(fact.attribute, Attribute::BasedIn | Attribute::From);
        let same = |f: &Fact| {
            let other = crate::text::fold(&f.value);
            f.attribute == fact.attribute
                && (other == key
                    || (place && (other.starts_with(&format!("{key} ")) || key.starts_with(&format!("{other} ")))))
        };
        match out.iter().position(same) {
            Some(i) if place && key.len() > crate::text::fold(&out[i].value).len() => out[i] = fact,
            Some(_) => {}
            None => out.push(fact),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn show(facts: &[Fact]) -> String {
        facts.iter().map(|f| format!("{:?}: {}", f.attribute, f.value)).collect::<Vec<_>>().join("; ")
    }

    fn tag(line: &str) -> String {
        show(&tag_line(line, &["Ada Example".to_string()], Origin::TagLine))
    }

    fn bio(text: &str) -> String {
        show(&biography(text, Origin::Biography))
    }

    #[test]
    fn tag_lines_by_their_shapes() {
        assert_eq!(tag("Staff Engineer at Acme Corp"), "Role: Staff Engineer; Organisation: Acme Corp");
        assert_eq!(tag("Developer Advocate @ Widget Works"), "Role: Developer Advocate; Organisation: Widget Works");
        assert_eq!(tag("Engineering Manager, Northwind"), "Role: Engineering Manager; Organisation: Northwind");
        assert_eq!(
            tag("Northwind Solutions, Android Developer"),
            "Organisation: Northwind Solutions; Role: Android Developer"
        );
        assert_eq!(tag("Co-Founder - Pinecone Pay"), "Role: Co-Founder; Organisation: Pinecone Pay");
        assert_eq!(tag("Ada Example - Cloud Solution Architect"), "Role: Cloud Solution Architect");
        assert_eq!(
            tag("Platform Engineer - Blue Bank / Ferrous"),
            "Role: Platform Engineer; Organisation: Blue Bank; Organisation: Ferrous"
        );
        assert_eq!(tag(".NET Developer, Contoso MVP"), "Role: .NET Developer; Role: Contoso MVP");
        assert_eq!(tag("Head of Engineering at Acme"), "Role: Head of Engineering; Organisation: Acme");
        assert_eq!(
            tag("Senior Engineer at Acme, Melbourne"),
            "Role: Senior Engineer; Organisation: Acme; BasedIn: Melbourne"
        );
        assert_eq!(tag("Ada Example, Championing Inclusion in Tech"), "");
        assert_eq!(tag("I like long walks on the beach"), "");
        assert_eq!(tag("Cloud Native BizDevOps"), "");
    }

    #[test]
    fn biographies_by_their_phrases() {
        assert_eq!(
            bio("Ada is a Developer Advocate at Contoso, focusing on .NET."),
            "Role: Developer Advocate; Organisation: Contoso"
        );
        assert_eq!(
            bio("Ada is an Android Developer at Northwind Solutions based in Melbourne, Australia."),
            "Role: Android Developer; Organisation: Northwind Solutions; BasedIn: Melbourne, Australia"
        );
        assert_eq!(
            bio("Senior Developer from Germany, currently living in Melbourne."),
            "Role: Senior Developer; From: Germany; BasedIn: Melbourne"
        );
        assert_eq!(
            bio("I currently work at Acme as an Engineering Manager."),
            "Organisation: Acme; Role: Engineering Manager"
        );
        assert_eq!(bio("Previously she worked at Initech."), "FormerOrganisation: Initech");
        assert_eq!(bio("Since 2015 he has worked for Globex as an engineer."), "Organisation: Globex; Role: engineer");
        assert_eq!(bio("He grew up in Long Beach, California."), "From: Long Beach, California");
        assert_eq!(bio("She enrolled at Clayton State University."), "Studied: Clayton State University");
        assert_eq!(bio("Josh and Will are from Southpaw, a design agency."), "");
        assert_eq!(bio("She is the founder and CEO of Intuji."), "Role: founder and CEO; Organisation: Intuji");
        assert_eq!(bio("He is best known for inventing the remote."), "KnownFor: inventing the remote");
        assert_eq!(
            bio("Sie arbeitet bei der Fachstelle Asyl und lebt in Berlin."),
            "Organisation: Fachstelle Asyl; BasedIn: Berlin"
        );
        assert_eq!(bio("Backend developer at Genymobile."), "Role: Backend developer; Organisation: Genymobile");
        assert_eq!(bio("Pronouns: she/her."), "Pronouns: she/her");
    }

    #[test]
    fn keyed_facts_by_their_keys() {
        assert_eq!(show(&keyed("Occupation", "Software engineer", Origin::Field)), "Role: Software engineer");
        assert_eq!(show(&keyed("Company", "SixPivot", Origin::Field)), "Organisation: SixPivot");
        assert_eq!(show(&keyed("Job Title", "Staff Engineer", Origin::Field)), "Role: Staff Engineer");
        assert_eq!(show(&keyed("Location", "Perth", Origin::Field)), "BasedIn: Perth");
        assert_eq!(show(&keyed("Born", "February 27, 1981", Origin::Field)), "");
    }
}
#[cfg(test)]
mod scratch {
    #[test]
    fn scratch() {
        for t in [
            "Développeur backend chez XMCO",
            "Ingénieur logiciel",
            "Développeur depuis 8 ans, j'ai d'abord commencé en startup puis je suis allé en ESN.",
            "Je suis développeuse logiciel depuis 1990, d'abord dans les télécommunications.",
            "Clément Benoist, statisticien au CHU de Limoges, travaille sur l'utilisation du deep learning.",
        ] {
            println!(
                "{t}\n  -> {:?}",
                super::biography(t, super::Origin::Biography)
                    .iter()
                    .map(|f| format!("{:?}:{}", f.attribute, f.value))
                    .collect::<Vec<_>>()
            );
        }
    }
}
