//! YAML and JSON FAQs: a list of objects with a question and an answer,
//! or such a list under one key (`faq:`, `questions:`), each object's
//! fields named as FAQ files name them (`question`/`q`/`title`,
//! `answer`/`a`/`text`, an optional `section`/`category`). An answer that
//! changes with the day is an object of `always`, `before`, `during` and
//! `after` texts.

use super::phases::Phase;
use super::{Entry, FaqError};

/// Names of the question's field, in the order looked for.
const QUESTION_KEYS: &[&str] = &["question", "q", "title", "name"];
/// Names of the answer's field.
const ANSWER_KEYS: &[&str] = &["answer", "a", "text", "body", "content"];
/// Names of the section's field.
const SECTION_KEYS: &[&str] = &["section", "category", "topic", "group"];

pub(super) fn json(text: &str) -> Result<Vec<Entry>, FaqError> {
    let value: serde_json::Value = serde_json::from_str(text)
        .map_err(|e| FaqError::Syntax { line: e.line(), message: format!("not JSON: {e}") })?;
    entries(&value)
}

pub(super) fn yaml(text: &str) -> Result<Vec<Entry>, FaqError> {
    let value: serde_json::Value = serde_norway::from_str(text).map_err(|e| FaqError::Syntax {
        line: e.location().map_or(1, |l| l.line()),
        message: format!("not YAML: {e}"),
    })?;
    entries(&value)
}

/// The entries of a list, or of the one list an object holds.
fn entries(value: &serde_json::Value) -> Result<Vec<Entry>, FaqError> {
    let list = match value {
        serde_json::Value::Array(list) => list,
        serde_json::Value::Object(map) => map.values().find_map(|v| v.as_array()).ok_or_else(|| {
            FaqError::Field(String::from("the file holds no list of questions: give a list of `question` and `answer`"))
        })?,
        _ => return Err(FaqError::Field(String::from("the file holds no list of questions"))),
    };
    list.iter().enumerate().map(|(i, item)| entry(i, item)).collect()
}

fn entry(i: usize, item: &serde_json::Value) -> Result<Entry, FaqError> {
    let field = |keys: &[&str]| {
        keys.iter().find_map(|k| item.as_object()?.iter().find(|(key, _)| key.eq_ignore_ascii_case(k)).map(|(_, v)| v))
    };
    let text = |keys: &[&str], what: &str| -> Result<Option<String>, FaqError> {
        match field(keys) {
            None | Some(serde_json::Value::Null) => Ok(None),
            Some(serde_json::Value::String(s)) => Ok(Some(s.trim().to_string())),
            Some(other) => Err(FaqError::Field(format!("item {}: its {what} is {other}, not text", i + 1))),
        }
    };
    let question = text(QUESTION_KEYS, "question")?
        .filter(|q| !q.is_empty())
        .ok_or_else(|| FaqError::Field(format!("item {}: no `question`", i + 1)))?;
    let answer = match field(ANSWER_KEYS) {
        Some(serde_json::Value::Object(phases)) => phased(i, &question, phases)?,
        _ => text(ANSWER_KEYS, "answer")?,
    }
    .filter(|a| !a.is_empty())
    .ok_or_else(|| FaqError::Field(format!("item {} (“{question}”): no `answer`", i + 1)))?;
    let section = text(SECTION_KEYS, "section")?;
    Ok(Entry { question, answer, section })
}

/// An answer that changes with the day, written as fields (`always`,
/// `before`, `during`, `after`), as the labelled paragraphs
/// [`super::phases`] reads.
fn phased(
    i: usize,
    question: &str,
    fields: &serde_json::Map<String, serde_json::Value>,
) -> Result<Option<String>, FaqError> {
    let mut paragraphs = Vec::new();
    let mut phases = 0;
    for (key, label) in [
        ("always", None),
        ("before", Some(Phase::Before)),
        ("during", Some(Phase::During)),
        ("after", Some(Phase::After)),
    ] {
        let value = fields.iter().find(|(k, _)| k.eq_ignore_ascii_case(key)).map(|(_, v)| v);
        match value {
            None | Some(serde_json::Value::Null) => {}
            Some(serde_json::Value::String(text)) if text.trim().is_empty() => {}
            Some(serde_json::Value::String(text)) => {
                paragraphs.push(match label {
                    Some(phase) => {
                        phases += 1;
                        format!("{}: {}", phase.label(), text.trim())
                    }
                    None => text.trim().to_string(),
                });
            }
            Some(other) => {
                return Err(FaqError::Field(format!(
                    "item {} (“{question}”): its answer's `{key}` is {other}, not text",
                    i + 1
                )));
            }
        }
    }
    if let Some(unknown) =
        fields.keys().find(|k| !["always", "before", "during", "after"].iter().any(|w| k.eq_ignore_ascii_case(w)))
    {
        return Err(FaqError::Field(format!(
            "item {} (“{question}”): its answer has a field `{unknown}`; an answer that changes with the day has \
             `always`, `before`, `during` and `after`",
            i + 1
        )));
    }
    if phases == 1 {
        return Err(FaqError::Field(format!(
            "item {} (“{question}”): its answer names one phase; give two of `before`, `during` and `after`, or a plain answer",
            i + 1
        )));
    }
    Ok(Some(paragraphs.join("\n\n")))
}
