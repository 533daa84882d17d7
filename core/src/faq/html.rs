//! HTML pages as [`Block`]s: headings, paragraphs and list items; a
//! `<details>`'s `<summary>` and body, a `<dt>` and its `<dd>`, as
//! questions and answers. Scripts, styles, comments, front matter and a
//! static site's template tags (`{% comment %}`, `{{ … }}`) are not the
//! page's content; lines of Markdown list items inside it (`- Can I…?`)
//! are its list items.

use scraper::{ElementRef, Html, Node};

use super::Block;
use super::markdown::{is_address, tidy, without_front_matter};

/// Elements whose content is never the page's words.
const UNPUBLISHED: &[&str] = &["script", "style", "template", "noscript", "head", "svg", "nav", "button", "form"];

/// The page with template tags and Markdown list lines made plain HTML.
fn published(text: &str) -> String {
    let mut text = without_front_matter(text).to_string();
    // `{% comment %}…{% endcomment %}` holds what is not published.
    while let Some(start) = text.find("{% comment %}") {
        let end = text[start..].find("{% endcomment %}").map_or(text.len(), |e| start + e + "{% endcomment %}".len());
        text.replace_range(start..end, "");
    }
    for (open, close) in [("<!--", "-->"), ("{%", "%}"), ("{{", "}}")] {
        while let Some(start) = text.find(open) {
            let end = text[start..].find(close).map_or(text.len(), |e| start + e + close.len());
            text.replace_range(start..end, "");
        }
    }
    text.lines()
        .map(|line| match line.trim_start().strip_prefix("- ") {
            Some(item) => format!("<li>{}</li>", item.trim_end().trim_end_matches("</li>")),
            None => line.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// What an HTML page holds, in order.
pub(super) fn blocks(text: &str) -> Vec<Block> {
    let document = Html::parse_document(&published(text));
    let mut blocks = Vec::new();
    walk(document.root_element(), &mut blocks);
    blocks
}

fn walk(element: ElementRef<'_>, blocks: &mut Vec<Block>) {
    let name = element.value().name();
    if UNPUBLISHED.contains(&name) {
        return;
    }
    let text = || tidy(&inline_text(element));
    match name {
        "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => {
            let level = name[1..].parse().unwrap_or(6);
            push(blocks, Block::Heading(level, text()));
            return;
        }
        "p" | "blockquote" | "pre" => {
            push(blocks, Block::Paragraph(text()));
            return;
        }
        "li" => {
            push(blocks, Block::Item(text()));
            return;
        }
        "dt" => {
            push(blocks, Block::Question(text()));
            return;
        }
        "dd" => {
            push(blocks, Block::Answer(text()));
            return;
        }
        "details" => {
            let summary = element.child_elements().find(|c| c.value().name() == "summary");
            if let Some(summary) = summary {
                push(blocks, Block::Question(tidy(&inline_text(summary))));
                let body: Vec<String> = element
                    .children()
                    .filter(|c| c.id() != summary.id())
                    .map(|c| ElementRef::wrap(c).map_or_else(|| node_text(c.value()), |e| tidy(&inline_text(e))))
                    .filter(|t| !t.trim().is_empty())
                    .collect();
                push(blocks, Block::Answer(body.join("\n\n")));
                return;
            }
        }
        _ => {}
    }
    for child in element.children() {
        match ElementRef::wrap(child) {
            Some(child) => walk(child, blocks),
            // Text straight inside a container is a paragraph of its own.
            None => {
                let loose = tidy(&node_text(child.value()));
                if !loose.is_empty() {
                    push(blocks, Block::Paragraph(loose));
                }
            }
        }
    }
}

fn push(blocks: &mut Vec<Block>, block: Block) {
    let empty = match &block {
        Block::Heading(_, t) | Block::Paragraph(t) | Block::Item(t) | Block::Question(t) | Block::Answer(t) => {
            t.trim().is_empty()
        }
    };
    if !empty {
        blocks.push(block);
    }
}

fn node_text(node: &Node) -> String {
    match node {
        Node::Text(text) => text.to_string(),
        _ => String::new(),
    }
}

/// An element's words, with a link's address after its text when a reader
/// can follow it from a chat, and a list item on a line of its own.
fn inline_text(element: ElementRef<'_>) -> String {
    let mut out = String::new();
    for child in element.children() {
        match ElementRef::wrap(child) {
            Some(e) if UNPUBLISHED.contains(&e.value().name()) => {}
            Some(e) if e.value().name() == "br" => out.push(' '),
            Some(e) if e.value().name() == "a" => {
                out.push_str(&inline_text(e));
                if let Some(href) = e.value().attr("href").filter(|h| is_address(h)) {
                    out.push_str(&format!(" ({href})"));
                }
            }
            Some(e) if e.value().name() == "li" => {
                out.push_str(&format!(" - {} ", tidy(&inline_text(e))));
            }
            Some(e) => out.push_str(&inline_text(e)),
            None => out.push_str(&node_text(child.value())),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_what_is_published() {
        let page = "---\ntitle: FAQ\n---\n<h3 id=\"cfp\">CFP</h3>\n<h4><span>Q:</span> When?</h4>\n<p>See <a href=\"page:news\">news</a> or <a href=\"https://x.org/rss\">RSS</a>.</p>\n<script>var x = 1;</script>\n{% comment %}<p>old</p>{% endcomment %}\n{% markdown %}\n- Can I come?</li>\n{% endmarkdown %}";
        assert_eq!(
            blocks(page),
            [
                Block::Heading(3, "CFP".into()),
                Block::Heading(4, "Q: When?".into()),
                Block::Paragraph("See news or RSS (https://x.org/rss).".into()),
                Block::Item("Can I come?".into()),
            ]
        );
    }
}
