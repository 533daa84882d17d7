//! The organisers' FAQ pages in `tests/data/faq/`, as real conferences
//! publish them: each read with the right number of entries, each entry a
//! snapshot (its question, and the start of its answer).

use emcee_core::faq;
use expect_test::expect_file;

pub(crate) const FAQS: &[&str] = &[
    "europython-2024-faq.mdx",
    "fosdem-2026-faq.html",
    "fosdem-2026-venue-services.html",
    "devfestpisa-2026-faq.md",
    "djangoconus-2024-faq.html",
];

pub(crate) fn read(file: &str) -> faq::Imported {
    let bytes = std::fs::read(format!("{}/tests/data/faq/{file}", env!("CARGO_MANIFEST_DIR"))).unwrap();
    faq::import(&bytes).unwrap()
}

#[test]
fn every_fixture_faq_is_read_whole() {
    for file in FAQS {
        let imported = read(file);
        let mut shown = format!("{} entries, read as {}\n", imported.faq.entries.len(), imported.format.name());
        for warning in &imported.warnings {
            shown.push_str(&format!("warning: {warning}\n"));
        }
        for entry in &imported.faq.entries {
            let answer: String = entry.answer.chars().take(90).collect::<String>().replace('\n', " ⏎ ");
            let section = entry.section.as_deref().map(|s| format!("[{s}] ")).unwrap_or_default();
            shown.push_str(&format!("\n{section}{}\n  → {answer}\n", entry.question));
        }
        expect_file![format!("../data/faq/snapshots/{file}.txt")].assert_eq(&shown);
    }
}
