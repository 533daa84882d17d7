//! Markdown and MDX pages as [`Block`]s: headings, paragraphs (a block
//! quote's too) and list items, as plain text with links kept as
//! `text (address)`. Front matter, HTML comments, MDX's `import` and
//! `export` lines and its components' markup are not the page's content.

use pulldown_cmark::{Event, Parser, Tag, TagEnd};

use super::Block;

/// `text` without the front matter a static site generator reads (`---`
/// lines around YAML at its start).
pub(super) fn without_front_matter(text: &str) -> &str {
    let trimmed = text.trim_start();
    let Some(rest) = trimmed.strip_prefix("---") else { return text };
    match rest.find("\n---") {
        Some(end) => rest[end + 4..].trim_start_matches(['-']).trim_start_matches(['\r', '\n']),
        None => text,
    }
}

/// The page without what is not published: front matter, comments, and
/// MDX's `import`/`export` lines.
fn published(text: &str) -> String {
    let text = without_front_matter(text);
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("<!--") {
        out.push_str(&rest[..start]);
        rest = rest[start..].find("-->").map_or("", |end| &rest[start + end + 3..]);
    }
    out.push_str(rest);
    out.lines().filter(|l| !(l.starts_with("import ") || l.starts_with("export "))).collect::<Vec<_>>().join("\n")
}

/// What a Markdown page holds, in order.
pub(super) fn blocks(text: &str) -> Vec<Block> {
    let source = published(text);
    let mut blocks = Vec::new();
    let mut current = String::new();
    let mut links: Vec<String> = Vec::new();
    // The kind of block being read: heading level, item, or paragraph.
    let mut heading: Option<u8> = None;
    let mut items = 0usize;
    for event in Parser::new(&source) {
        match event {
            Event::Start(Tag::Heading { level, .. }) => {
                current.clear();
                heading = Some(level as u8);
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some(level) = heading.take() {
                    blocks.push(Block::Heading(level, tidy(&current)));
                }
                current.clear();
            }
            Event::Start(Tag::Item) => {
                flush_item(&mut current, &mut blocks, items);
                items += 1;
            }
            Event::End(TagEnd::Item) => {
                flush_item(&mut current, &mut blocks, items);
                items -= 1;
            }
            Event::Start(Tag::Paragraph) if items == 0 => current.clear(),
            Event::End(TagEnd::Paragraph) if items == 0 && heading.is_none() => {
                let text = tidy(&current);
                if !text.is_empty() {
                    blocks.push(Block::Paragraph(text));
                }
                current.clear();
            }
            Event::End(TagEnd::Paragraph) => current.push(' '),
            Event::Start(Tag::Link { dest_url, .. }) => links.push(dest_url.to_string()),
            Event::End(TagEnd::Link) => {
                if let Some(url) = links.pop().filter(|u| is_address(u)) {
                    current.push_str(&format!(" ({url})"));
                }
            }
            Event::Text(text) | Event::Code(text) => current.push_str(&text),
            Event::SoftBreak | Event::HardBreak => current.push(' '),
            // Markup, MDX components and raw HTML are not the page's words.
            _ => {}
        }
    }
    blocks
}

/// Ends a list item's text, if there is one.
fn flush_item(current: &mut String, blocks: &mut Vec<Block>, depth: usize) {
    let text = tidy(current);
    if depth > 0 && !text.is_empty() {
        blocks.push(Block::Item(text));
    }
    current.clear();
}

/// An address a reader can follow from a chat: not a page of the site's own.
pub(super) fn is_address(url: &str) -> bool {
    url.starts_with("http://") || url.starts_with("https://") || url.starts_with("mailto:")
}

/// Text with its white space made single spaces.
pub(super) fn tidy(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_what_is_published() {
        let page = "---\ntitle: FAQ\n---\nimport X from 'y';\n\n<!-- ## Hidden?\nno -->\n## **Q. Is it recorded?**\n\n> Yes, on [our channel](https://example.org/v).\n\n- one\n- two\n";
        assert_eq!(
            blocks(page),
            [
                Block::Heading(2, "Q. Is it recorded?".into()),
                Block::Paragraph("Yes, on our channel (https://example.org/v).".into()),
                Block::Item("one".into()),
                Block::Item("two".into()),
            ]
        );
    }
}
