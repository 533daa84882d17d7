//! The bot crate's modules depend on each other one way only:
//!
//! ```text
//! main → cli → server → startup → adapters (terminal, slack, discord)
//!      → announcer → dispatch → programme, usage → store
//! ```
//!
//! with the leaves (config, clock, fetch, hex, metrics, shutdown, knowledge,
//! report, replays) open to all, using only each other. This test reads
//! every `crate::…` path in `bot/src` and fails on one that points up or
//! sideways.

use std::path::{Path, PathBuf};

/// Each module's layer: a module may use only modules of a higher number.
const LAYERS: &[(&str, u8)] = &[
    ("cli", 1),
    ("server", 2),
    ("startup", 3),
    ("terminal", 4),
    ("slack", 4),
    ("discord", 4),
    ("announcer", 5),
    ("dispatch", 6),
    ("programme", 7),
    ("usage", 7),
    ("store", 8),
    ("config", LEAF),
    ("clock", LEAF),
    ("hex", LEAF),
    ("metrics", LEAF),
    ("shutdown", LEAF),
    ("knowledge", LEAF),
    ("report", LEAF),
    ("replays", LEAF),
    ("fetch", LEAF),
];

/// Modules any other may use, which use none of the others.
const LEAF: u8 = 9;

fn layer(module: &str) -> Option<u8> {
    LAYERS.iter().find(|(name, _)| *name == module).map(|&(_, layer)| layer)
}

fn sources(dir: &Path, found: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            sources(&path, found);
        } else if path.extension().is_some_and(|e| e == "rs") {
            found.push(path);
        }
    }
}

/// The top-level module a file of `bot/src` belongs to (`slack/blocks.rs` → `slack`).
fn module_of(src: &Path, file: &Path) -> Option<String> {
    let relative = file.strip_prefix(src).ok()?;
    let first = relative.components().next()?.as_os_str().to_str()?;
    Some(first.trim_end_matches(".rs").to_string())
}

/// The modules a line names with `crate::NAME`, including inside `use crate::{a, b}`.
fn named_modules(line: &str) -> Vec<String> {
    let mut names = Vec::new();
    for (at, _) in line.match_indices("crate::") {
        let rest = &line[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let group = group.split('}').next().unwrap_or("");
            names.extend(group.split(',').map(|part| part.trim().split("::").next().unwrap_or("").to_string()));
        } else {
            names.push(rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect());
        }
    }
    names.retain(|name| !name.is_empty() && name != "self");
    names
}

#[test]
fn the_bot_crate_depends_one_way() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    sources(&src, &mut files);
    files.sort();
    let mut wrong = Vec::new();
    for file in &files {
        let Some(module) = module_of(&src, file) else { continue };
        if module == "main" || module == "lib" {
            continue;
        }
        let own = layer(&module).unwrap_or_else(|| panic!("{module} has no layer in LAYERS: give it one"));
        let text = std::fs::read_to_string(file).unwrap();
        // Unit tests may reach anywhere.
        let code = text.split("#[cfg(test)]").next().unwrap_or("");
        for (number, line) in code.lines().enumerate() {
            if line.trim_start().starts_with("//") {
                continue;
            }
            for used in named_modules(line) {
                let Some(theirs) = layer(&used) else { continue };
                let leaf = own == LEAF && theirs == LEAF;
                if used != module && (theirs <= own) && !leaf {
                    wrong.push(format!("{}:{}: {module} uses {used}", file.display(), number + 1));
                }
            }
        }
    }
    assert!(wrong.is_empty(), "imports against the stated direction:\n{}", wrong.join("\n"));
}

#[test]
fn the_check_reads_every_form_of_path() {
    assert_eq!(named_modules("use crate::store::Store;"), ["store"]);
    assert_eq!(named_modules("use crate::{knowledge, report};"), ["knowledge", "report"]);
    assert_eq!(named_modules("    crate::programme::fetch(url).await"), ["programme"]);
    assert!(named_modules("use super::Store;").is_empty());
}
