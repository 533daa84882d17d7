//! The full-text index: quote passages, biography sentences and facts, and
//! sessions, in one Tantivy index held in RAM and built at start.
//!
//! Text is analysed with English stemming and positions, so `deploying`
//! finds `deploy` and "quoted phrases" match as phrases. Users' query syntax
//! never fails a command: queries are parsed leniently, and field syntax
//! (`kind:bio`) is not available to them, so only the text is searchable.

use std::ops::Range;

use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, ConstScoreQuery, Occur, Query, QueryParser, TermQuery};
use tantivy::schema::{FAST, Field, INDEXED, IndexRecordOption, STRING, Schema, TextFieldIndexing, TextOptions};
use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RemoveLongFilter, SimpleTokenizer, Stemmer, TextAnalyzer,
};
use tantivy::{Index, IndexWriter, Searcher, Term, doc};

use crate::kb::KnowledgeBase;
use crate::lemmas::IrregularVerbs;
use crate::schedule::Schedule;
use crate::text;

const ANALYZER: &str = "emcee_en";
/// Heap for the index writer: Tantivy's minimum for one thread.
const WRITER_HEAP: usize = 15_000_000;

/// What an indexed document is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocKind {
    Quote,
    Bio,
    Session,
}

impl DocKind {
    fn as_str(self) -> &'static str {
        match self {
            DocKind::Quote => "quote",
            DocKind::Bio => "bio",
            DocKind::Session => "session",
        }
    }
}

/// What a hit points at.
#[derive(Debug, Clone, PartialEq)]
pub enum Target {
    /// Index into [`KnowledgeBase::quotes`].
    Quote(usize),
    /// Index into [`Schedule::sessions`].
    Session(usize),
    /// A sentence or fact of a biography.
    Bio(BioSentence),
}

impl Target {
    pub fn kind(&self) -> DocKind {
        match self {
            Target::Quote(_) => DocKind::Quote,
            Target::Session(_) => DocKind::Session,
            Target::Bio(_) => DocKind::Bio,
        }
    }
}

/// A sentence of a biography, or one of its facts written as a sentence.
#[derive(Debug, Clone, PartialEq)]
pub struct BioSentence {
    /// Index into [`KnowledgeBase::speakers`].
    pub speaker: usize,
    /// The section it is in; `None` for the summary and the facts.
    pub section: Option<String>,
    pub text: String,
}

/// Which documents a search may return.
#[derive(Debug, Clone, Copy, Default)]
pub struct Filter<'a> {
    pub kind: Option<DocKind>,
    /// A speaker id (`kelsey-hightower`): their quotes, biography and sessions.
    pub speaker: Option<&'a str>,
}

/// One search result.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Hit {
    /// Index into [`KnowledgeIndex::targets`].
    pub target: usize,
    pub score: f32,
}

/// The results of a search, and how they were found.
#[derive(Debug, Clone, Default)]
pub struct Found {
    pub hits: Vec<Hit>,
    /// Typos allowed per word to find these: 0 when the exact search found them.
    pub typos: u8,
}

#[derive(Clone, Copy)]
struct Fields {
    text: Field,
    kind: Field,
    speaker: Field,
    ord: Field,
}

/// The index and what each of its documents stands for.
pub struct KnowledgeIndex {
    searcher: Searcher,
    fields: Fields,
    parser: QueryParser,
    /// Parsers allowing one and two typos per word, tried in turn when the exact search finds nothing.
    fuzzy_parsers: [QueryParser; 2],
    analyzer: TextAnalyzer,
    targets: Vec<Target>,
    /// Per segment, per document: the index into `targets`.
    doc_targets: Vec<Vec<u32>>,
}

impl std::fmt::Debug for KnowledgeIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KnowledgeIndex").field("documents", &self.targets.len()).finish()
    }
}

/// Why the index could not be built. Only a bug or exhausted memory causes it.
#[derive(Debug, thiserror::Error)]
#[error("building the search index failed: {0}")]
pub struct IndexError(#[from] tantivy::TantivyError);

pub(crate) fn analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .filter(IrregularVerbs)
        .filter(Stemmer::new(Language::English))
        .build()
}

impl KnowledgeIndex {
    /// Indexes every quote, biography sentence and fact, and session.
    pub fn build(kb: &KnowledgeBase, schedule: &Schedule) -> Result<KnowledgeIndex, IndexError> {
        let mut builder = Schema::builder();
        let text_options = TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(ANALYZER)
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        );
        let fields = Fields {
            text: builder.add_text_field("text", text_options),
            kind: builder.add_text_field("kind", STRING),
            speaker: builder.add_text_field("speaker", STRING),
            ord: builder.add_u64_field("ord", FAST | INDEXED),
        };
        let index = Index::create_in_ram(builder.build());
        index.tokenizers().register(ANALYZER, analyzer());
        let mut writer: IndexWriter = index.writer_with_num_threads(1, WRITER_HEAP)?;
        writer.set_merge_policy(Box::new(tantivy::indexer::NoMergePolicy));

        let mut targets = Vec::new();
        let mut add = |target: Target, text: &str, speakers: &[&str]| -> tantivy::Result<()> {
            let mut document = doc!(
                fields.text => text,
                fields.kind => target.kind().as_str(),
                fields.ord => targets.len() as u64,
            );
            for speaker in speakers {
                document.add_text(fields.speaker, speaker);
            }
            writer.add_document(document)?;
            targets.push(target);
            Ok(())
        };
        for (i, quote) in kb.quotes.iter().enumerate() {
            add(Target::Quote(i), &quote.text, &[&kb.speakers[quote.speaker].id])?;
        }
        for (s, speaker) in kb.speakers.iter().enumerate() {
            let id = speaker.id.as_str();
            let mut sentence = |section: Option<&str>, text: &str| {
                let target = Target::Bio(BioSentence {
                    speaker: s,
                    section: section.map(str::to_string),
                    text: text.to_string(),
                });
                add(target, text, &[id])
            };
            for (key, value) in &speaker.facts {
                sentence(None, &format!("{} — {key}: {value}.", speaker.name))?;
            }
            for line in text::sentences(&speaker.summary) {
                sentence(None, line)?;
            }
            for section in &speaker.sections {
                for paragraph in &section.paragraphs {
                    for line in text::sentences(paragraph) {
                        sentence(Some(&section.title), line)?;
                    }
                }
            }
        }
        for (i, session) in schedule.sessions.iter().enumerate() {
            let body = session_text(session);
            let ids: Vec<String> = session.speakers.iter().map(|n| text::slug(n)).collect();
            let refs: Vec<&str> = ids.iter().map(String::as_str).collect();
            add(Target::Session(i), &body, &refs)?;
        }
        writer.commit()?;
        drop(writer);

        let reader = index.reader_builder().reload_policy(tantivy::ReloadPolicy::Manual).try_into()?;
        let searcher = reader.searcher();
        let mut doc_targets = Vec::new();
        for segment in searcher.segment_readers() {
            let column = segment.fast_fields().u64("ord")?;
            let ords = (0..segment.max_doc()).map(|d| column.first(d).unwrap_or(0) as u32).collect();
            doc_targets.push(ords);
        }
        let parser = QueryParser::for_index(&index, vec![fields.text]);
        let fuzzy = |distance| {
            let mut parser = QueryParser::for_index(&index, vec![fields.text]);
            parser.set_field_fuzzy(fields.text, false, distance, true);
            parser
        };
        let fuzzy_parsers = [fuzzy(1), fuzzy(2)];
        Ok(KnowledgeIndex { searcher, fields, parser, fuzzy_parsers, analyzer: analyzer(), targets, doc_targets })
    }

    /// What each document stands for, by [`Hit::target`].
    pub fn target(&self, hit: &Hit) -> &Target {
        &self.targets[hit.target]
    }

    /// What the document with this [`Hit::target`] stands for.
    pub fn target_at(&self, target: usize) -> &Target {
        &self.targets[target]
    }

    /// The number of indexed documents.
    pub fn len(&self) -> usize {
        self.targets.len()
    }

    pub fn is_empty(&self) -> bool {
        self.targets.is_empty()
    }

    /// The best `limit` documents for `query` (BM25), exact first and, when
    /// that finds nothing, with one and then two typos allowed per word.
    pub fn search(&self, query: &str, filter: Filter<'_>, limit: usize) -> Found {
        let query = sanitize(query);
        if query.trim().is_empty() {
            return Found::default();
        }
        let exact = self.run(self.parser.parse_query_lenient(&query).0, filter, limit);
        if !exact.is_empty() {
            return Found { hits: exact, typos: 0 };
        }
        for (typos, parser) in (1..).zip(&self.fuzzy_parsers) {
            let hits = self.run(parser.parse_query_lenient(&query).0, filter, limit);
            if !hits.is_empty() {
                return Found { hits, typos };
            }
        }
        Found::default()
    }

    /// Every document that passes `filter`, unranked, up to `limit`.
    pub fn all(&self, filter: Filter<'_>, limit: usize) -> Vec<Hit> {
        self.run(Box::new(tantivy::query::AllQuery), filter, limit)
    }

    fn run(&self, query: Box<dyn Query>, filter: Filter<'_>, limit: usize) -> Vec<Hit> {
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, query)];
        // Filters match without adding to the score.
        let mut filter_on = |field: Field, value: &str| {
            let term = TermQuery::new(Term::from_field_text(field, value), IndexRecordOption::Basic);
            clauses.push((Occur::Must, Box::new(ConstScoreQuery::new(Box::new(term), 0.0))));
        };
        if let Some(kind) = filter.kind {
            filter_on(self.fields.kind, kind.as_str());
        }
        if let Some(speaker) = filter.speaker {
            filter_on(self.fields.speaker, speaker);
        }
        let query = BooleanQuery::new(clauses);
        let top = match self.searcher.search(&query, &TopDocs::with_limit(limit.max(1))) {
            Ok(top) => top,
            Err(_) => return Vec::new(),
        };
        top.into_iter()
            .map(|(score, address)| Hit {
                target: self.doc_targets[address.segment_ord as usize][address.doc_id as usize] as usize,
                score,
            })
            .collect()
    }

    /// The stemmed, lower-cased words of `text`, as the index sees them.
    pub fn terms(&self, text: &str) -> Vec<String> {
        let mut analyzer = self.analyzer.clone();
        let mut stream = analyzer.token_stream(text);
        let mut terms = Vec::new();
        while let Some(token) = stream.next() {
            terms.push(token.text.clone());
        }
        terms
    }

    /// Byte ranges of the words in `text` that match one of `terms` with at
    /// most `typos` typos, for highlighting.
    pub fn highlights(&self, text: &str, terms: &[String], typos: u8) -> Vec<Range<usize>> {
        let mut analyzer = self.analyzer.clone();
        let mut stream = analyzer.token_stream(text);
        let mut ranges: Vec<Range<usize>> = Vec::new();
        while let Some(token) = stream.next() {
            let hit = terms.iter().any(|t| {
                t == &token.text
                    || (typos > 0 && t.len() > 3 && strsim::damerau_levenshtein(t, &token.text) <= typos as usize)
            });
            if hit {
                ranges.push(token.offset_from..token.offset_to);
            }
        }
        ranges
    }

    /// Inverse document frequency of a stemmed term: how much finding it says.
    /// Terms in no document weigh the most.
    pub fn idf(&self, term: &str) -> f32 {
        let n = self.searcher.num_docs() as f32;
        let df = self.searcher.doc_freq(&Term::from_field_text(self.fields.text, term)).unwrap_or(0) as f32;
        (1.0 + (n - df + 0.5) / (df + 0.5)).ln()
    }
}

/// The searchable text of a session: title, subtitle, speakers, room, track and abstract.
pub fn session_text(session: &crate::schedule::Session) -> String {
    let speakers = session.speakers.join(", ");
    let parts = [
        session.title.as_str(),
        session.subtitle.as_str(),
        speakers.as_str(),
        session.room.as_str(),
        session.track.as_deref().unwrap_or(""),
        session.abstract_text.as_str(),
    ];
    parts.iter().filter(|p| !p.is_empty()).copied().collect::<Vec<_>>().join(". ")
}

/// Removes what would let a user address a field (`kind:bio`): only the
/// text is searchable.
fn sanitize(query: &str) -> String {
    query.replace(':', " ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kb::tests::seed_documents;

    fn seed() -> (KnowledgeBase, KnowledgeIndex) {
        let kb = KnowledgeBase::build(&seed_documents());
        let index = KnowledgeIndex::build(&kb, &Schedule::empty()).unwrap();
        (kb, index)
    }

    fn top_quote(kb: &KnowledgeBase, index: &KnowledgeIndex, query: &str) -> String {
        let found = index.search(query, Filter { kind: Some(DocKind::Quote), speaker: None }, 1);
        match found.hits.first().map(|h| index.target(h)) {
            Some(Target::Quote(i)) => kb.quotes[*i].text.clone(),
            other => format!("{other:?}"),
        }
    }

    #[test]
    fn stems_and_matches_phrases() {
        let (kb, index) = seed();
        let top = top_quote(&kb, &index, "sandboxing");
        assert!(top.contains("sandbox"), "{top}");
        assert!(top_quote(&kb, &index, "sandboxes").contains("sandbox"));
        assert!(top_quote(&kb, &index, "\"muscle memory\"").contains("muscle memory"));
    }

    #[test]
    fn user_syntax_never_fails() {
        let (kb, index) = seed();
        for query in ["kind:bio", "((", "\"unclosed", "AND OR", "wasm^^2", "-", "*", "[1 TO"] {
            let _ = top_quote(&kb, &index, query);
        }
        let found = index.search("kind:bio", Filter { kind: Some(DocKind::Quote), speaker: None }, 5);
        assert!(found.hits.iter().all(|h| index.target(h).kind() == DocKind::Quote));
    }

    #[test]
    fn falls_back_to_fuzzy() {
        let (kb, index) = seed();
        let found = index.search("kubernetis", Filter::default(), 3);
        assert_eq!(found.typos, 1);
        assert!(!found.hits.is_empty());
        let _ = kb;
    }

    #[test]
    fn filters_by_speaker() {
        let (kb, index) = seed();
        let found = index.search("sleep", Filter { kind: Some(DocKind::Quote), speaker: Some("andy-allred") }, 10);
        assert!(!found.hits.is_empty());
        for hit in &found.hits {
            let Target::Quote(i) = index.target(hit) else { panic!() };
            assert_eq!(kb.speakers[kb.quotes[*i].speaker].name, "Andy Allred");
        }
    }

    #[test]
    fn highlights_matched_words() {
        let (_, index) = seed();
        let text = "Sandboxing is the sandbox way.";
        let terms = index.terms("sandboxes");
        let ranges = index.highlights(text, &terms, 0);
        let words: Vec<&str> = ranges.iter().map(|r| &text[r.clone()]).collect();
        assert_eq!(words, ["Sandboxing", "sandbox"]);
        assert!(index.idf("zzzz") > index.idf("kubernet"));
    }
}
