//! Answers that change with the day. Real FAQs answer some questions one
//! way before the event and another on the day ("Childcare is available:
//! book it when you register", then "Childcare is fully booked"), and
//! write it with labels at the start of a paragraph:
//!
//! ```text
//! ## Is there childcare?
//! **Before the event:** Yes, book it when you register.
//! **During the event:** It is fully booked; ask at the help desk.
//! ```
//!
//! A YAML or JSON entry writes the same as an answer with `before`,
//! `during` and `after` fields, which the import turns into these
//! labelled paragraphs, so that one text is stored and shown everywhere.
//! The answer in force is the one of the phase the clock is in, by the
//! conference's days; the paragraphs with no label are said in every
//! phase.

use std::borrow::Cow;

/// Where the clock is against the conference's days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Phase {
    Before,
    During,
    After,
}

impl Phase {
    /// The label an import writes for this phase.
    pub fn label(self) -> &'static str {
        match self {
            Phase::Before => "Before the event",
            Phase::During => "During the event",
            Phase::After => "After the event",
        }
    }

    /// The phase of `today` against the conference's first and last day.
    pub fn of(today: jiff::civil::Date, first: jiff::civil::Date, last: jiff::civil::Date) -> Phase {
        if today < first {
            Phase::Before
        } else if today > last {
            Phase::After
        } else {
            Phase::During
        }
    }
}

/// Longest label, in words: `Before the conference`, `On the day of the
/// event`; a longer lead-in to a colon is a sentence, not a label.
const LABEL_WORDS: usize = 6;

/// The phase a paragraph's label names and the text after the label:
/// a label leads with `before`, `during` or `after`, or is `on the day…`
/// or `on site`, and ends with a colon.
fn labelled(paragraph: &str) -> Option<(Phase, &str)> {
    let text = paragraph.trim_start_matches(['*', '_', ' ']);
    let colon = text.find(':')?;
    let label = text[..colon].trim_end_matches(['*', '_', ' ']).to_lowercase();
    let words: Vec<&str> = label.split_whitespace().collect();
    if words.is_empty() || words.len() > LABEL_WORDS {
        return None;
    }
    let phase = match words.as_slice() {
        ["before", ..] => Phase::Before,
        ["during", ..] | ["on", "the", "day" | "days", ..] | ["on", "site"] | ["on-site"] => Phase::During,
        ["after", ..] => Phase::After,
        _ => return None,
    };
    let rest = text[colon + 1..].trim_start_matches(['*', '_']).trim();
    Some((phase, rest))
}

/// An answer's paragraphs: those said in every phase, and those of each
/// phase, in order. A label on a paragraph of its own labels the
/// paragraphs after it, up to the next label.
struct Parts<'a> {
    common: Vec<&'a str>,
    phased: Vec<(Phase, &'a str)>,
}

fn parts(answer: &str) -> Parts<'_> {
    let mut out = Parts { common: Vec::new(), phased: Vec::new() };
    let mut current: Option<Phase> = None;
    for paragraph in answer.split("\n\n").map(str::trim).filter(|p| !p.is_empty()) {
        match labelled(paragraph) {
            Some((phase, rest)) => {
                current = Some(phase);
                if !rest.is_empty() {
                    out.phased.push((phase, rest));
                }
            }
            None => match current {
                Some(phase) => out.phased.push((phase, paragraph)),
                None => out.common.push(paragraph),
            },
        }
    }
    out
}

/// Whether an answer holds different answers for different phases: its
/// labels name two phases or more (one label alone, `After the keynote:`,
/// is a sentence of the answer).
pub fn is_phased(answer: &str) -> bool {
    let parts = parts(answer);
    let mut phases: Vec<Phase> = parts.phased.iter().map(|(p, _)| *p).collect();
    phases.dedup();
    phases.sort();
    phases.dedup();
    phases.len() >= 2
}

/// The answer in force in `phase`: the paragraphs said in every phase and
/// those of the latest phase up to `phase` that has any. The whole answer,
/// labels and all, when it is not phased, when the phase is not known
/// (no programme), or when no phase up to it has paragraphs of its own.
pub fn in_force(answer: &str, phase: Option<Phase>) -> Cow<'_, str> {
    let Some(phase) = phase else { return Cow::Borrowed(answer) };
    if !is_phased(answer) {
        return Cow::Borrowed(answer);
    }
    let parts = parts(answer);
    let Some(chosen) = parts.phased.iter().map(|(p, _)| *p).filter(|p| *p <= phase).max() else {
        return Cow::Borrowed(answer);
    };
    let mut kept = parts.common;
    kept.extend(parts.phased.iter().filter(|(p, _)| *p == chosen).map(|(_, text)| *text));
    Cow::Owned(kept.join("\n\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const CHILDCARE: &str = "Childcare is run by KinderCo in room B.\n\n**Before the event:** Book a place when you \
                             register.\n\n**During the event:** It is fully booked; ask at the help desk for the \
                             waiting list.";

    #[test]
    fn the_answer_in_force_is_the_phase_s_with_what_every_phase_says() {
        assert_eq!(
            in_force(CHILDCARE, Some(Phase::Before)),
            "Childcare is run by KinderCo in room B.\n\nBook a place when you register."
        );
        assert_eq!(
            in_force(CHILDCARE, Some(Phase::During)),
            "Childcare is run by KinderCo in room B.\n\nIt is fully booked; ask at the help desk for the waiting list."
        );
        // After the event, the latest phase that says anything.
        assert_eq!(in_force(CHILDCARE, Some(Phase::After)), in_force(CHILDCARE, Some(Phase::During)));
        // With no programme, everything, labels and all.
        assert_eq!(in_force(CHILDCARE, None), CHILDCARE);
    }

    #[test]
    fn a_label_on_its_own_line_labels_what_follows_and_every_way_of_writing_one_is_read() {
        let answer = "Before the conference:\n\nTickets are €50.\n\nStudents pay €20.\n\nOn the day: €70 at the door.";
        assert_eq!(in_force(answer, Some(Phase::Before)), "Tickets are €50.\n\nStudents pay €20.");
        assert_eq!(in_force(answer, Some(Phase::During)), "€70 at the door.");
        assert!(is_phased("_During the festival_: sold out.\n\n_After the festival_: see you next year."));
        assert!(is_phased("On site: ask a volunteer.\n\nBefore the event: write to us."));
    }

    #[test]
    fn one_label_or_a_sentence_with_a_colon_is_not_a_phase() {
        for answer in [
            "After the keynote: coffee in the hall.",
            "Before you come, note: the venue has stairs.\n\nDuring the event there is a lift: ask a volunteer.",
            "The schedule: see the website.",
        ] {
            assert!(!is_phased(answer), "{answer}");
            assert_eq!(in_force(answer, Some(Phase::During)), answer);
        }
        // Before the first phase that says anything, the whole answer.
        let later = "During the event: room A.\n\nAfter the event: recordings online.";
        assert_eq!(in_force(later, Some(Phase::Before)), later);
    }

    #[test]
    fn the_phase_is_told_by_the_days() {
        let d = |s: &str| s.parse::<jiff::civil::Date>().unwrap();
        let (first, last) = (d("2026-05-14"), d("2026-05-15"));
        assert_eq!(Phase::of(d("2026-05-13"), first, last), Phase::Before);
        assert_eq!(Phase::of(d("2026-05-14"), first, last), Phase::During);
        assert_eq!(Phase::of(d("2026-05-15"), first, last), Phase::During);
        assert_eq!(Phase::of(d("2026-05-16"), first, last), Phase::After);
    }
}
