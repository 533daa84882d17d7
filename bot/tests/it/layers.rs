//! The bot crate's modules depend on each other one way only:
//!
//! ```text
//! main → cli → server → startup → adapters (terminal, slack, discord)
//!      → announcer → dispatch → programme, usage → store
//! ```
//!
//! with the leaves (config, clock, fetch, hex, metrics, shutdown, knowledge,
//! report, replays, transport) open to all, using only each other. These tests read
//! every `crate::`, `super::` and `self::` path of both crates, resolved to
//! the module it names, and fail on one that points up or sideways, on an
//! import circle among sibling modules at any depth, and on a core import
//! against the layers `ARCHITECTURE.md` draws.

use std::collections::BTreeMap;
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
    ("transport", LEAF),
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

#[test]
fn the_bot_crate_depends_one_way() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let top = sibling_uses(&src).remove(&Vec::new()).unwrap_or_default();
    let mut wrong = Vec::new();
    for module in module_files(&src).keys().filter_map(|path| path.first()) {
        layer(module).unwrap_or_else(|| panic!("{module} has no layer in LAYERS: give it one"));
    }
    for (module, used) in &top {
        let Some(own) = layer(module) else { continue };
        for (theirs, place) in used {
            let Some(their_layer) = layer(theirs) else { continue };
            let leaf = own == LEAF && their_layer == LEAF;
            if their_layer <= own && !leaf {
                wrong.push(format!("{place}: {module} uses {theirs}"));
            }
        }
    }
    assert!(wrong.is_empty(), "imports against the stated direction:\n{}", wrong.join("\n"));
}

/// A module's path in its crate (`["server", "connections"]`); the root is empty.
type ModulePath = Vec<String>;

/// Every module of the crate whose sources are in `src`, by path, with its file.
fn module_files(src: &Path) -> BTreeMap<ModulePath, PathBuf> {
    let mut files = Vec::new();
    sources(src, &mut files);
    let mut modules = BTreeMap::new();
    for file in files {
        let relative = file.strip_prefix(src).unwrap().with_extension("");
        let mut path: ModulePath =
            relative.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
        if path.last().is_some_and(|last| last == "mod") || path == ["lib"] || path == ["main"] {
            path.pop();
        }
        modules.insert(path, file);
    }
    modules
}

/// The paths a line names from `crate::`, `super::` or `self::`, each as its
/// segments, with a `{…}` group's members each a path of their own.
fn named_paths(line: &str) -> Vec<Vec<String>> {
    let ident = |c: char| c.is_alphanumeric() || c == '_';
    let mut paths = Vec::new();
    for start in ["crate::", "super::", "self::"] {
        for (at, _) in line.match_indices(start) {
            // Inside a longer path or word (`super::super::x`, `supercrate::`): read from its start.
            if line[..at].chars().next_back().is_some_and(ident) || line[..at].ends_with("::") {
                continue;
            }
            let mut segments = vec![start.trim_end_matches("::").to_string()];
            let mut rest = &line[at + start.len()..];
            loop {
                if let Some(group) = rest.strip_prefix('{') {
                    let group = group.split('}').next().unwrap_or("");
                    for member in group.split(',') {
                        let mut path = segments.clone();
                        path.extend(
                            member.trim().split("::").map(|s| s.chars().take_while(|&c| ident(c)).collect::<String>()),
                        );
                        path.retain(|s| !s.is_empty() && s != "self");
                        paths.push(path);
                    }
                    break;
                }
                let segment: String = rest.chars().take_while(|&c| ident(c)).collect();
                if segment.is_empty() {
                    paths.push(segments);
                    break;
                }
                rest = &rest[segment.len()..];
                segments.push(segment);
                match rest.strip_prefix("::") {
                    Some(more) => rest = more,
                    None => {
                        paths.push(segments);
                        break;
                    }
                }
            }
        }
    }
    paths
}

/// The deepest module of `modules` that `path`, written in module `from`, names.
fn resolve(from: &[String], path: &[String], modules: &BTreeMap<ModulePath, PathBuf>) -> ModulePath {
    let mut segments = path.iter().peekable();
    let mut at: ModulePath = match segments.peek().map(|s| s.as_str()) {
        Some("crate") => {
            segments.next();
            Vec::new()
        }
        Some("self") => {
            segments.next();
            from.to_vec()
        }
        _ => from.to_vec(),
    };
    while segments.peek().is_some_and(|s| *s == "super") {
        segments.next();
        at.pop();
    }
    for segment in segments {
        at.push(segment.clone());
        if !modules.contains_key(&at) {
            at.pop();
            break;
        }
    }
    at
}

/// Edges between sibling modules: for each parent, which child uses which,
/// and where first. A child's file uses a sibling when any file under it
/// names a path into the sibling's.
type Siblings = BTreeMap<ModulePath, BTreeMap<String, BTreeMap<String, String>>>;

fn sibling_uses(src: &Path) -> Siblings {
    let modules = module_files(src);
    let mut uses: Siblings = BTreeMap::new();
    for (module, file) in &modules {
        let text = std::fs::read_to_string(file).unwrap();
        let code = text.split("#[cfg(test)]").next().unwrap_or("");
        for (number, line) in code.lines().enumerate() {
            if line.trim_start().starts_with("//") {
                continue;
            }
            for path in named_paths(line) {
                let target = resolve(module, &path, &modules);
                let common = module.iter().zip(&target).take_while(|(a, b)| a == b).count();
                let (Some(mine), Some(theirs)) = (module.get(common), target.get(common)) else { continue };
                let place = format!("{}:{}", file.display(), number + 1);
                uses.entry(module[..common].to_vec())
                    .or_default()
                    .entry(mine.clone())
                    .or_default()
                    .entry(theirs.clone())
                    .or_insert(place);
            }
        }
    }
    uses
}

/// Whether `to` is reached from `from` along `edges`, and by which modules.
fn route_between(edges: &BTreeMap<String, BTreeMap<String, String>>, from: &str, to: &str) -> Option<Vec<String>> {
    let mut seen = std::collections::BTreeSet::new();
    let mut stack = vec![vec![from.to_string()]];
    while let Some(route) = stack.pop() {
        let last = route.last().unwrap();
        for next in edges.get(last).map(|n| n.keys()).into_iter().flatten() {
            let mut longer = route.clone();
            longer.push(next.clone());
            if next == to {
                return Some(longer);
            }
            if seen.insert(next.clone()) {
                stack.push(longer);
            }
        }
    }
    None
}

/// Each import circle among sibling modules of the crate in `src`, once.
fn circles(src: &Path) -> Vec<String> {
    let mut found = Vec::new();
    for (parent, edges) in sibling_uses(src) {
        let mut reported = std::collections::BTreeSet::new();
        for (user, used) in &edges {
            for (target, place) in used {
                let Some(back) = route_between(&edges, target, user) else { continue };
                let mut members: Vec<String> = back.clone();
                members.sort();
                members.dedup();
                if reported.insert(members) {
                    let within = if parent.is_empty() { String::from("the crate") } else { parent.join("::") };
                    found.push(format!("in {within}: {user} uses {target} ({place}), and {}", back.join(" → ")));
                }
            }
        }
    }
    found
}

#[test]
fn no_modules_import_each_other_in_a_circle_in_either_crate() {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut found = Vec::new();
    for (name, src) in [("bot", manifest.join("src")), ("core", manifest.join("../core/src"))] {
        found.extend(circles(&src).into_iter().map(|circle| format!("{name}: {circle}")));
    }
    assert!(found.is_empty(), "import circles:\n{}", found.join("\n"));
}

#[test]
fn the_core_crate_depends_down_the_layers_architecture_md_draws() {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let architecture = std::fs::read_to_string(manifest.join("../ARCHITECTURE.md")).unwrap();
    let drawn = architecture
        .split("<!-- core layers -->")
        .nth(1)
        .and_then(|after| after.split("```text").nth(1))
        .and_then(|block| block.split("```").next())
        .expect("ARCHITECTURE.md draws the core's layers after <!-- core layers -->");
    let mut layer_of = BTreeMap::new();
    for (number, line) in drawn.lines().filter(|l| !l.trim().is_empty()).enumerate() {
        for module in line.split_whitespace() {
            layer_of.insert(module.to_string(), number);
        }
    }
    let uses = sibling_uses(&manifest.join("../core/src")).remove(&Vec::new()).unwrap_or_default();
    let modules = module_files(&manifest.join("../core/src"));
    let mut wrong = Vec::new();
    for top in modules.keys().filter_map(|path| path.first()) {
        if !layer_of.contains_key(top) {
            wrong.push(format!("{top} is in no layer of ARCHITECTURE.md's drawing"));
        }
    }
    for (user, used) in &uses {
        for (target, place) in used {
            if let (Some(mine), Some(theirs)) = (layer_of.get(user), layer_of.get(target))
                && theirs <= mine
            {
                wrong.push(format!("{place}: {user} uses {target}, drawn above it or beside it"));
            }
        }
    }
    wrong.sort();
    wrong.dedup();
    assert!(wrong.is_empty(), "the core's imports against ARCHITECTURE.md's layers:\n{}", wrong.join("\n"));
}

#[test]
fn paths_are_read_and_resolved_as_rust_does() {
    let strings = |paths: Vec<Vec<String>>| -> Vec<String> { paths.into_iter().map(|p| p.join("::")).collect() };
    assert_eq!(strings(named_paths("use crate::store::Store;")), ["crate::store::Store"]);
    assert_eq!(strings(named_paths("use crate::{knowledge, report};")), ["crate::knowledge", "crate::report"]);
    assert_eq!(
        strings(named_paths("use super::{deadlines::Watched, state};")),
        ["super::deadlines::Watched", "super::state"]
    );
    assert_eq!(strings(named_paths("    crate::programme::fetch(url).await")), ["crate::programme::fetch"]);
    assert_eq!(strings(named_paths("use super::super::x;")), ["super::super::x"]);
    assert!(named_paths("let supercrate::x = 1;").is_empty());
    let modules: BTreeMap<ModulePath, PathBuf> = [vec![], vec!["a"], vec!["a", "b"], vec!["a", "c"], vec!["d"]]
        .into_iter()
        .map(|p| (p.into_iter().map(String::from).collect(), PathBuf::new()))
        .collect();
    let path = |s: &str| s.split("::").map(String::from).collect::<Vec<_>>();
    let from = path("a::b");
    assert_eq!(resolve(&from, &path("super::c::Thing"), &modules), path("a::c"));
    assert_eq!(resolve(&from, &path("crate::d::f"), &modules), path("d"));
    assert_eq!(resolve(&from, &path("super::super::d"), &modules), path("d"));
    assert_eq!(resolve(&from, &path("self::Local"), &modules), path("a::b"));
}
