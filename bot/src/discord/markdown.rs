//! Discord Markdown in text that did not come from the bot: user text
//! echoed back, and the programme's and knowledge base's words. Escaped,
//! it shows as itself, so that nobody can make the bot show a disguised
//! link (`[label](https://…)`), a mention-like pill (`<@…>`), a spoiler
//! or a heading. Slack's text is escaped in `slack::blocks`.
//!
//! What is escaped with a backslash: `\ * _ ~ | [ ] < >` and backticks
//! anywhere, and `#`, `-` at the start of a line (headings, lists,
//! subtext). A bare `http(s)://` address is left whole, so that it stays a
//! visible link, unless it holds a bracket, `<`, `>`, `|`, `\` or a backtick.

use std::borrow::Cow;

/// Characters escaped wherever they are.
const ANYWHERE: &[char] = &['\\', '*', '_', '~', '|', '[', ']', '<', '>', '`'];
/// Characters escaped at the start of a line (after spaces).
const LINE_START: &[char] = &['#', '-'];
/// What a bare address may not hold to be left whole: inside one, `_`,
/// `~` and `*` are part of the link, not formatting.
const NOT_IN_ADDRESS: &[char] = &['\\', '|', '[', ']', '<', '>', '`'];

/// `text` as Discord shows it, with nothing in it read as Markdown.
pub fn escape(text: &str) -> Cow<'_, str> {
    escape_except(text, false)
}

/// The same, but the bot's own code spans in a reply's body (`/talks
/// today`) stay code. Code is inert: nothing inside a code span is a link
/// or formatting, so a backtick from the data can only make more of it code.
pub fn escape_keeping_code(text: &str) -> Cow<'_, str> {
    escape_except(text, true)
}

fn escape_except(text: &str, keep_code: bool) -> Cow<'_, str> {
    let special = |c: char| ANYWHERE.contains(&c) && !(keep_code && c == '`');
    if !text.contains(|c: char| special(c) || LINE_START.contains(&c)) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    let mut line_start = true;
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        if ["https://", "http://"].iter().any(|scheme| rest.starts_with(scheme)) {
            let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
            let address = &rest[..end];
            if !address.contains(NOT_IN_ADDRESS) {
                out.push_str(address);
                rest = &rest[end..];
                line_start = false;
                continue;
            }
        }
        if special(c) || (line_start && LINE_START.contains(&c)) {
            out.push('\\');
        }
        out.push(c);
        line_start = c == '\n' || (line_start && c == ' ');
        rest = &rest[c.len_utf8()..];
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shows_markdown_as_itself() {
        let check = |text: &str, expected: &str| assert_eq!(escape(text), expected, "{text}");
        check("Kelsey Hightower (born 1981) - engineer", "Kelsey Hightower (born 1981) - engineer");
        check("[free tickets](https://evil.example)", r"\[free tickets\](https://evil.example)");
        check("**bold** __under__ ~~gone~~ ||spoiler||", r"\*\*bold\*\* \_\_under\_\_ \~\~gone\~\~ \|\|spoiler\|\|");
        check("<@123> <t:1:R> `code` \\", r"\<@123\> \<t:1:R\> \`code\` \\");
        check("# Heading\n  - item\n-# small\nnot-a-list", "\\# Heading\n  \\- item\n\\-# small\nnot-a-list");
        check("see https://example.org/~a_b_(c) now", "see https://example.org/~a_b_(c) now");
        check("https://x.example/[a](https://evil)", r"https://x.example/\[a\](https://evil)");
        assert_eq!(
            escape_keeping_code("No “[x](https://e)”. Try `/talks today`."),
            r"No “\[x\](https://e)”. Try `/talks today`."
        );
    }
}
