//! The organisers' FAQ as they publish it: a page of questions and
//! answers, read into [`Entry`]s the bot answers from in the organisers'
//! own words.
//!
//! The format is told from the content: Markdown or MDX with questions as
//! headings (`markdown.rs`), HTML with headings, `<details>` or `<dt>/<dd>`
//! (`html.rs`), or YAML or JSON lists of question-and-answer objects
//! (`lists.rs`). The first two become a sequence of [`Block`]s — headings,
//! paragraphs, list items, questions and answers marked as such — which
//! [`entries`] reads one way whatever the page was written in: a question
//! heading and what follows it up to the next heading; a topic heading
//! and its text, on a page with no questions (a venue's services); list
//! items that are questions, sharing the one answer a page states for them
//! all ("The answer to every question below is YES!").
//!
//! What a page does not publish is not read: front matter, comments,
//! scripts, styles, template tags and MDX's components. An answer that
//! says nothing yet (`TBD`) is left out, with a warning.

mod html;
mod index;
mod lists;
mod markdown;
mod phases;

pub use index::{FaqIndex, Parts, answering_part};
pub use phases::{Phase, in_force, is_phased};

use serde::{Deserialize, Serialize};

/// Largest FAQ file read, in bytes.
pub const MAX_FAQ_BYTES: usize = 2 * 1024 * 1024;

/// One question of the FAQ and the organisers' answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// As the page asks it, without a `Q.` label; a topic's name for a
    /// page of topics (`Cloak room`).
    pub question: String,
    /// As the page answers it, plain text: paragraphs apart by a blank
    /// line, list items as `- item`, links as `text (address)`.
    pub answer: String,
    /// The heading the entry sits under (`Registration`), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub section: Option<String>,
}

/// The FAQ: its entries in the page's order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Faq {
    pub entries: Vec<Entry>,
}

/// How a page was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Markdown,
    Html,
    Yaml,
    Json,
}

impl Format {
    pub fn name(self) -> &'static str {
        match self {
            Format::Markdown => "Markdown",
            Format::Html => "HTML",
            Format::Yaml => "YAML",
            Format::Json => "JSON",
        }
    }
}

/// A page read: its format, its entries, and what was left out and why.
#[derive(Debug, Clone)]
pub struct Imported {
    pub format: Format,
    pub faq: Faq,
    pub warnings: Vec<String>,
}

/// Why a page could not be read; nothing of it is used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FaqError {
    #[error("the file is larger than {MAX_FAQ_BYTES} bytes")]
    TooLarge,
    #[error("the file is not UTF-8 text (byte {0})")]
    NotText(usize),
    #[error("line {line}: {message}")]
    Syntax { line: usize, message: String },
    #[error("{0}")]
    Field(String),
    #[error(
        "no question and answer found: write questions as headings (`## Can I get a refund?`), \
         `<details><summary>`, `<dt>/<dd>`, or a YAML or JSON list of `question` and `answer`"
    )]
    Empty,
}

/// Reads a FAQ page, telling its format from its content.
pub fn import(input: &[u8]) -> Result<Imported, FaqError> {
    if input.len() > MAX_FAQ_BYTES {
        return Err(FaqError::TooLarge);
    }
    let text = std::str::from_utf8(input).map_err(|e| FaqError::NotText(e.valid_up_to()))?;
    let text = text.trim_start_matches('\u{feff}');
    let format = detect(text);
    let mut warnings = Vec::new();
    let entries = match format {
        Format::Json => lists::json(text)?,
        Format::Yaml => lists::yaml(text)?,
        Format::Html => entries(&html::blocks(text), &mut warnings),
        Format::Markdown => entries(&markdown::blocks(text), &mut warnings),
    };
    let entries = kept(entries, &mut warnings);
    if entries.is_empty() {
        return Err(FaqError::Empty);
    }
    Ok(Imported { format, faq: Faq { entries }, warnings })
}

/// The format of a page, from its content.
pub fn detect(text: &str) -> Format {
    let body = markdown::without_front_matter(text).trim_start();
    if body.starts_with('[') || body.starts_with('{') {
        return Format::Json;
    }
    let first = body.lines().find(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#')).unwrap_or("");
    let yaml_item = |l: &str| {
        let l = l.trim_start().trim_start_matches("- ").trim_start();
        ["question:", "q:", "answer:", "title:"].iter().any(|k| l.to_ascii_lowercase().starts_with(k))
    };
    if yaml_item(first) && !body.contains("</") {
        return Format::Yaml;
    }
    let tags = ["<h1", "<h2", "<h3", "<h4", "<h5", "<h6", "<details", "<dt", "<p>", "<p ", "<div"];
    let html = tags.iter().map(|t| body.matches(t).count()).sum::<usize>();
    let headings = body.lines().filter(|l| l.trim_start().starts_with('#')).count();
    if html > headings { Format::Html } else { Format::Markdown }
}

/// A piece of a page, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Block {
    /// A heading and its level (1 to 6).
    Heading(u8, String),
    Paragraph(String),
    Item(String),
    /// A question the markup says is one (`<summary>`, `<dt>`).
    Question(String),
    /// Its answer (`<details>`'s body, `<dd>`).
    Answer(String),
}

/// The entries a page's blocks hold.
pub(crate) fn entries(blocks: &[Block], warnings: &mut Vec<String>) -> Vec<Entry> {
    let mut out: Vec<Entry> = Vec::new();
    // The heading the next entries sit under, and its level: a question at
    // its level or above is under none (`## Milestones` then `## Q. …`).
    let mut section: Option<String> = None;
    let mut section_level: u8 = 0;
    let mut open: Option<(String, Vec<String>)> = None;
    let mut listed: Vec<String> = Vec::new();
    let shared = shared_answer(blocks);
    let topics = !blocks.iter().any(|b| match b {
        Block::Heading(_, h) => is_question(h),
        Block::Question(_) => true,
        Block::Item(i) => is_question(i),
        _ => false,
    });
    let close = |open: &mut Option<(String, Vec<String>)>, section: &Option<String>, out: &mut Vec<Entry>| {
        if let Some((question, parts)) = open.take() {
            let answer = answer_text(&parts);
            if !answer.is_empty() {
                out.push(Entry { question, answer, section: section.clone() });
            }
        }
    };
    for block in blocks {
        // Questions listed under a section share the page's one answer.
        if !listed.is_empty() && !matches!(block, Block::Item(_)) {
            push_listed(&mut listed, &shared, &section, &mut out, warnings);
        }
        match block {
            Block::Heading(level, text) if is_question(text) || topics => {
                close(&mut open, &section, &mut out);
                if *level <= section_level {
                    section = None;
                }
                open = Some((question_text(text), Vec::new()));
            }
            Block::Heading(level, text) => {
                close(&mut open, &section, &mut out);
                section = Some(text.trim().to_string());
                section_level = *level;
            }
            Block::Question(text) => {
                close(&mut open, &section, &mut out);
                open = Some((question_text(text), Vec::new()));
            }
            Block::Answer(text) | Block::Paragraph(text) => {
                if let Some((_, parts)) = &mut open {
                    parts.push(text.clone());
                }
            }
            Block::Item(text) => match &mut open {
                Some((_, parts)) => parts.push(format!("- {text}")),
                None if is_question(text) => listed.push(question_text(text)),
                None => {}
            },
        }
    }
    close(&mut open, &section, &mut out);
    push_listed(&mut listed, &shared, &section, &mut out, warnings);
    out
}

fn push_listed(
    listed: &mut Vec<String>,
    shared: &Option<String>,
    section: &Option<String>,
    out: &mut Vec<Entry>,
    warnings: &mut Vec<String>,
) {
    if listed.is_empty() {
        return;
    }
    match shared {
        Some(answer) => out.extend(listed.drain(..).map(|question| Entry {
            question,
            answer: answer.clone(),
            section: section.clone(),
        })),
        None => {
            warnings.push(format!("{} listed questions have no answer on the page: left out", listed.len()));
            listed.clear();
        }
    }
}

/// The one answer a page gives a whole list of questions: "The answer to
/// every question below is YES!" → "YES!".
fn shared_answer(blocks: &[Block]) -> Option<String> {
    blocks.iter().find_map(|b| {
        let (Block::Heading(_, text) | Block::Paragraph(text)) = b else { return None };
        let lower = text.to_lowercase();
        let at = lower.find("answer to ")?;
        let rest = &lower[at..];
        if !(rest.contains("every question") || rest.contains("all question") || rest.contains("each question")) {
            return None;
        }
        let is =
            lower[at..].find(" is ").map(|i| at + i + 4).or_else(|| lower[at..].find(" are ").map(|i| at + i + 5))?;
        let answer = text[is..].trim();
        (!answer.is_empty()).then(|| answer.to_string())
    })
}

/// Whether a heading or list item asks a question: it ends with `?`, or
/// carries a `Q.` or `Q:` label.
fn is_question(text: &str) -> bool {
    let t = text.trim();
    t.ends_with('?') || question_label(t).is_some()
}

/// The text after a `Q.`/`Q:` label, when it has one.
fn question_label(text: &str) -> Option<&str> {
    let t = text.trim_start_matches(['*', '_', ' ']);
    let rest = t.strip_prefix("Q.").or_else(|| t.strip_prefix("Q:")).or_else(|| t.strip_prefix("Q "))?;
    Some(rest.trim())
}

/// A question pasted from an FAQ page without the page's `Q.`/`Q:` label.
pub(crate) fn unlabelled(text: &str) -> &str {
    let t = text.trim();
    t.strip_prefix("Q.").or_else(|| t.strip_prefix("Q:")).map_or(t, str::trim_start)
}

/// A question as asked, without its label or emphasis.
fn question_text(text: &str) -> String {
    let t = text.trim();
    let t = question_label(t).unwrap_or(t);
    t.trim_matches(['*', '_', ' ']).split_whitespace().collect::<Vec<_>>().join(" ")
}

/// An answer's parts as one text, without an `A.`/`A:` label.
fn answer_text(parts: &[String]) -> String {
    let mut text = parts.iter().map(|p| p.trim()).filter(|p| !p.is_empty()).collect::<Vec<_>>().join("\n\n");
    for label in ["A.", "A:"] {
        if let Some(rest) = text.strip_prefix(label) {
            text = rest.trim_start().to_string();
        }
    }
    text
}

/// The entries worth answering with: not one that says nothing yet
/// (`TBD`), and each question once (the first).
fn kept(entries: Vec<Entry>, warnings: &mut Vec<String>) -> Vec<Entry> {
    let mut out: Vec<Entry> = Vec::new();
    for entry in entries {
        let folded = crate::text::fold(&entry.answer);
        if matches!(folded.as_str(), "tbd" | "tba" | "to be announced" | "to be decided" | "coming soon") {
            warnings
                .push(format!("“{}” is answered “{}”: left out until it is answered", entry.question, entry.answer));
            continue;
        }
        if out.iter().any(|e| crate::text::fold(&e.question) == crate::text::fold(&entry.question)) {
            warnings.push(format!("“{}” is asked twice: the first answer is kept", entry.question));
            continue;
        }
        out.push(entry);
    }
    out
}

/// What a new FAQ changes of the old one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FaqChange {
    Added(Entry),
    /// The same question, answered differently: before, after.
    Changed(Entry, Entry),
    Removed(Entry),
}

/// The changes from `old` to `new`, by folded question, in `new`'s order
/// then `old`'s removals.
pub fn changes(old: &Faq, new: &Faq) -> Vec<FaqChange> {
    let key = |e: &Entry| crate::text::fold(&e.question);
    let mut out = Vec::new();
    for entry in &new.entries {
        match old.entries.iter().find(|o| key(o) == key(entry)) {
            None => out.push(FaqChange::Added(entry.clone())),
            Some(before) if before.answer != entry.answer || before.section != entry.section => {
                out.push(FaqChange::Changed(before.clone(), entry.clone()));
            }
            Some(_) => {}
        }
    }
    for entry in &old.entries {
        if !new.entries.iter().any(|n| key(n) == key(entry)) {
            out.push(FaqChange::Removed(entry.clone()));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn questions(input: &str) -> Vec<String> {
        import(input.as_bytes())
            .unwrap()
            .faq
            .entries
            .iter()
            .map(|e| format!("{} => {}", e.question, e.answer))
            .collect()
    }

    #[test]
    fn formats_are_told_from_content() {
        assert_eq!(detect("## Can I?\nYes."), Format::Markdown);
        assert_eq!(detect("<h3>Can I?</h3><p>Yes.</p>"), Format::Html);
        assert_eq!(detect("- question: Can I?\n  answer: Yes."), Format::Yaml);
        assert_eq!(detect(r#"[{"question": "Can I?", "answer": "Yes."}]"#), Format::Json);
    }

    #[test]
    fn every_shape_of_question() {
        assert_eq!(questions("## Q. Is there wifi?\nA. Yes: `FOSDEM`.\n"), ["Is there wifi? => Yes: FOSDEM."]);
        assert_eq!(
            questions("<details><summary>Is lunch provided?</summary><p>A light lunch.</p></details>"),
            ["Is lunch provided? => A light lunch."]
        );
        assert_eq!(questions("<dl><dt>Refunds?</dt><dd>Until 1 May.</dd></dl>"), ["Refunds? => Until 1 May."]);
        assert_eq!(
            questions(
                "<h2>The answer to every question below is YES!</h2><ul><li>Is it free?</li><li>Can I come?</li></ul>"
            ),
            ["Is it free? => YES!", "Can I come? => YES!"]
        );
        assert_eq!(questions("<h2>Cloak room</h2><p>Follow the signs.</p>"), ["Cloak room => Follow the signs."]);
        assert_eq!(questions("- question: Can I?\n  answer: Yes.\n"), ["Can I? => Yes."]);
    }

    #[test]
    fn bad_input_says_where() {
        assert!(matches!(import(b"[{\"question\": 1}]"), Err(FaqError::Syntax { line: 1, .. } | FaqError::Field(_))));
        assert_eq!(import(b"Just some text.").err(), Some(FaqError::Empty));
        assert_eq!(import(b"## Q?\nTBD\n").err(), Some(FaqError::Empty));
        let phase_error = |yaml: &str| match import(yaml.as_bytes()) {
            Err(FaqError::Field(message)) => message,
            other => panic!("{other:?}"),
        };
        assert!(phase_error("- question: Q?\n  answer:\n    before: a\n    durin: b\n").contains("`durin`"));
        assert!(phase_error("- question: Q?\n  answer:\n    before: a\n").contains("names one phase"));
    }
}
