//! The full-text index: quote passages, biography sentences and facts, and
//! sessions, held in RAM and built at start.
//!
//! Each kind of document has an index of its own, so that a search for one
//! kind never wades through the others (a conference has a few hundred
//! sessions; the transcripts can hold a hundred thousand quotes). Text is
//! analysed with English stemming and positions, so `deploying` finds
//! `deploy` and "quoted phrases" match as phrases. Users' query syntax never
//! fails a command: queries are parsed leniently, and field syntax
//! (`speaker:x`) is not available to them, so only the text is searchable.
//!
//! This file is the index and its searches; `entries.rs` says what is
//! indexed, `analysis.rs` (with `lemmas.rs`) how text becomes words, and
//! `typos.rs` how a word the index lacks finds the words it holds.

mod analysis;
mod entries;
mod lemmas;
mod meaning;
pub mod typos;
mod vocabulary;

use std::collections::HashMap;
use std::ops::Range;
use std::sync::{Arc, Mutex, OnceLock};

use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, ConstScoreQuery, Occur, Query, QueryParser, TermQuery};
use tantivy::schema::{FAST, Field, INDEXED, IndexRecordOption, STRING, Schema, TextFieldIndexing, TextOptions};
use tantivy::{DocSet, Index, IndexWriter, Searcher, TERMINATED, Term, doc};

pub use analysis::stems;
pub(crate) use analysis::stems_at;
pub use entries::{BioSentence, DocKind, Target, session_text};

use crate::kb::KnowledgeBase;
use crate::schedule::Schedule;
use entries::Entry;
use meaning::Meaning;
use typos::TypoIndex;
use vocabulary::Vocabulary;

use crate::semantic::{Embedding, StaticModel};

/// Heap for an index writer: Tantivy's minimum for one thread.
const WRITER_HEAP: usize = 15_000_000;

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
    /// Which document of its kind, for [`KnowledgeIndex::target`] and
    /// [`KnowledgeIndex::similarity`].
    pub target: usize,
    pub score: f32,
    /// Where the document is: part, segment, document.
    address: (u8, u32, u32),
}

impl Hit {
    /// The kind of document hit.
    pub fn kind(&self) -> DocKind {
        DocKind::ALL.get(usize::from(self.address.0)).copied().unwrap_or(DocKind::Quote)
    }
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
    speaker: Field,
    ord: Field,
}

/// The index of one kind of document, and what each document stands for
/// and means.
struct Part {
    searcher: Searcher,
    parser: QueryParser,
    /// Per segment, per document: the index into `targets`.
    doc_targets: Vec<Vec<u32>>,
    /// Per target: its segment and document, the other way round.
    addresses: Vec<(u32, u32)>,
    targets: Vec<Target>,
    meaning: Meaning,
}

/// The indexes and what each of their documents stands for. Each kind's
/// index is built on the first search of that kind, so a process that only
/// lists sessions never indexes a hundred thousand quotes; a server builds
/// them all at start ([`KnowledgeIndex::warm`]).
pub struct KnowledgeIndex {
    kb: Arc<KnowledgeBase>,
    schedule: Arc<Schedule>,
    schema: Schema,
    fields: Fields,
    parts: [OnceLock<Result<Part, IndexError>>; 3],
    /// The indexed words and their deletions, built on the first search
    /// that finds nothing as typed: most processes never need it.
    typos: OnceLock<TypoIndex>,
    /// The texts' words by meaning, built on the first word looked up in it.
    vocabulary: OnceLock<Vocabulary>,
    /// Each word's [`alternatives`](Self::alternatives) once looked up:
    /// they depend on nothing but the word and this index, and an
    /// audience's questions share most of their words.
    alternatives: Mutex<KeptWords>,
    /// How many words' alternatives are kept; none when 0.
    keep_alternatives: usize,
}

/// A word and the least meaning asked of its alternatives → those alternatives.
type KeptWords = HashMap<(String, u32), Vec<(String, f32)>>;

/// Words whose alternatives an index keeps. When full, it starts again empty.
pub const KEPT_WORDS: usize = 16_384;

impl std::fmt::Debug for KnowledgeIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let built: Vec<usize> =
            self.parts.iter().filter_map(|p| p.get().and_then(|p| p.as_ref().ok())).map(|p| p.targets.len()).collect();
        f.debug_struct("KnowledgeIndex").field("documents", &built).finish()
    }
}

/// Why the index could not be built. Only a bug or exhausted memory causes it.
/// Shared, so that the engine can keep it and still hand it out.
#[derive(Debug, Clone, thiserror::Error)]
#[error("building the search index failed: {0}")]
pub struct IndexError(#[source] Arc<tantivy::TantivyError>);

impl From<tantivy::TantivyError> for IndexError {
    fn from(error: tantivy::TantivyError) -> IndexError {
        IndexError(Arc::new(error))
    }
}

impl KnowledgeIndex {
    /// An index of every quote, biography sentence and fact, and session,
    /// each kind built when first searched.
    pub fn new(kb: Arc<KnowledgeBase>, schedule: Arc<Schedule>) -> KnowledgeIndex {
        let mut builder = Schema::builder();
        let text_options = TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(analysis::ANALYZER_NAME)
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        );
        let fields = Fields {
            text: builder.add_text_field("text", text_options),
            speaker: builder.add_text_field("speaker", STRING),
            ord: builder.add_u64_field("ord", FAST | INDEXED),
        };
        let schema = builder.build();
        KnowledgeIndex {
            kb,
            schedule,
            schema,
            fields,
            parts: Default::default(),
            typos: OnceLock::new(),
            vocabulary: OnceLock::new(),
            alternatives: Mutex::new(HashMap::new()),
            keep_alternatives: KEPT_WORDS,
        }
    }

    /// This index keeping no word's alternatives: each is worked out anew,
    /// which is what the engine benchmark measures them by.
    pub fn keeping_no_words(self) -> KnowledgeIndex {
        KnowledgeIndex { keep_alternatives: 0, ..self }
    }

    /// Whether this index keeps words' alternatives once looked up.
    pub fn keeps_words(&self) -> bool {
        self.keep_alternatives > 0
    }

    /// Builds every kind's index, the typo index and the vocabulary, now.
    pub fn warm(&self) -> Result<(), IndexError> {
        // The words by meaning need no index: built beside it, on another core.
        std::thread::scope(|scope| {
            scope.spawn(|| self.vocabulary());
            for kind in DocKind::ALL {
                self.part(kind)?;
            }
            self.typos();
            Ok(())
        })
    }

    /// The index of one kind of document, built on first use.
    fn part(&self, kind: DocKind) -> Result<&Part, IndexError> {
        self.parts[kind.part()]
            .get_or_init(|| Part::build(&self.schema, self.fields, entries::entries(kind, &self.kb, &self.schedule)))
            .as_ref()
            .map_err(IndexError::clone)
    }

    /// What a hit stands for; `None` only for a hit this index did not give.
    pub fn target(&self, hit: &Hit) -> Option<&Target> {
        let part = self.parts.get(usize::from(hit.address.0))?.get()?.as_ref().ok()?;
        part.targets.get(hit.target)
    }

    /// The documents of `kind` nearest in meaning to `query`, with how
    /// near (cosine, about 0.1 unrelated to 0.6 said another way): `speaker`'s
    /// when given. Each is `(document, similarity)`, the document as
    /// [`Hit::document`] numbers it.
    pub fn nearest(&self, kind: DocKind, query: &Embedding, speaker: Option<&str>, k: usize) -> Vec<(usize, f32)> {
        self.part(kind).map(|part| part.meaning.nearest(query, speaker, k)).unwrap_or_default()
    }

    /// How near in meaning document `document` of `kind` is to `query`.
    pub fn similarity(&self, kind: DocKind, document: usize, query: &Embedding) -> Option<f32> {
        self.part(kind).ok()?.meaning.similarity(document, query)
    }

    /// A hit on document `document` of `kind`, scored 0: for a document
    /// found by meaning, so that [`terms_held`](Self::terms_held) reads it too.
    pub fn hit(&self, kind: DocKind, document: usize) -> Option<Hit> {
        let part = self.part(kind).ok()?;
        let &(segment, doc) = part.addresses.get(document)?;
        Some(Hit { target: document, score: 0.0, address: (kind.part() as u8, segment, doc) })
    }

    /// What document `document` of `kind` stands for.
    pub fn document(&self, kind: DocKind, document: usize) -> Option<&Target> {
        self.part(kind).ok()?.targets.get(document)
    }

    /// The best `limit` documents for `query` (BM25). When the words as
    /// typed find nothing, each word the index does not hold is replaced by
    /// the indexed words nearest to it (see [`typos`]) and the search
    /// runs again. Without a kind in the filter, every kind is searched and
    /// the best of each merged by score.
    pub fn search(&self, query: &str, filter: Filter<'_>, limit: usize) -> Found {
        let query = sanitize(query);
        if query.trim().is_empty() {
            return Found::default();
        }
        let hits = self.search_parts(filter, limit, |part| part.parser.parse_query_lenient(&query).0);
        if !hits.is_empty() {
            return Found { hits, typos: 0 };
        }
        let (corrected, typos) = self.corrected(&query);
        if corrected.is_empty() {
            return Found::default();
        }
        Found { hits: self.search_terms(&corrected, filter, limit), typos }
    }

    /// The best `limit` documents holding any of `terms` (already analysed,
    /// as [`stems`] gives them), by BM25.
    pub fn search_terms(&self, terms: &[String], filter: Filter<'_>, limit: usize) -> Vec<Hit> {
        self.search_parts(filter, limit, |_| self.any_of(terms))
    }

    /// A query for documents holding any of `terms`.
    fn any_of(&self, terms: &[String]) -> Box<dyn Query> {
        let clauses: Vec<(Occur, Box<dyn Query>)> = terms
            .iter()
            .map(|word| {
                let term = Term::from_field_text(self.fields.text, word);
                (Occur::Should, Box::new(TermQuery::new(term, IndexRecordOption::WithFreqs)) as Box<dyn Query>)
            })
            .collect();
        Box::new(BooleanQuery::new(clauses))
    }

    fn search_parts(&self, filter: Filter<'_>, limit: usize, query: impl Fn(&Part) -> Box<dyn Query>) -> Vec<Hit> {
        let kinds: &[DocKind] = match &filter.kind {
            Some(kind) => std::slice::from_ref(kind),
            None => &DocKind::ALL,
        };
        let mut hits = Vec::new();
        for kind in kinds {
            // A kind whose index failed to build finds nothing; `error` says why.
            let Ok(part) = self.part(*kind) else { continue };
            hits.extend(part.run(kind.part(), query(part), self.fields, filter.speaker, limit));
        }
        hits.sort_by(|a, b| b.score.total_cmp(&a.score));
        hits.truncate(limit);
        hits
    }

    /// The query's words with each one the index lacks replaced by its
    /// nearest indexed words, and the most typos any replacement took.
    /// Why a kind's index could not be built, if one was tried and failed.
    pub fn error(&self) -> Option<&IndexError> {
        self.parts.iter().find_map(|p| p.get().and_then(|p| p.as_ref().err()))
    }

    /// Every kind's words: the typo index is of the whole vocabulary.
    fn typos(&self) -> &TypoIndex {
        self.typos.get_or_init(|| {
            let parts = DocKind::ALL.iter().filter_map(|&kind| self.part(kind).ok());
            TypoIndex::build(parts.flat_map(|p| p.words(self.fields.text)))
        })
    }

    fn corrected(&self, query: &str) -> (Vec<String>, u8) {
        let mut words = Vec::new();
        let mut typos = 0;
        for term in stems(query) {
            let corrections = self.typos().corrections(&term, 3);
            if corrections.is_empty() {
                words.push(term);
            } else {
                let nearest = corrections[0].1;
                typos = typos.max(nearest as u8);
                words.extend(corrections.iter().filter(|c| c.1 == nearest).map(|c| c.0.to_string()));
            }
        }
        (words, typos)
    }

    /// For each hit, which of `terms` its document holds: bit `i` for `terms[i]`
    /// (the first 64). Read from the index's postings, not by re-reading the text.
    pub fn terms_held(&self, hits: &[Hit], terms: &[String]) -> Vec<u64> {
        let mut held = vec![0u64; hits.len()];
        let mut order: Vec<usize> = (0..hits.len()).collect();
        order.sort_by_key(|&i| hits[i].address);
        for group in
            order.chunk_by(|&a, &b| hits[a].address.0 == hits[b].address.0 && hits[a].address.1 == hits[b].address.1)
        {
            let (part, segment, _) = hits[group[0]].address;
            let Some(Ok(part)) = self.parts.get(usize::from(part)).and_then(OnceLock::get) else { continue };
            let reader = part.searcher.segment_reader(segment);
            let Ok(inverted) = reader.inverted_index(self.fields.text) else { continue };
            for (bit, term) in terms.iter().take(64).enumerate() {
                let term = Term::from_field_text(self.fields.text, term);
                let Ok(Some(mut postings)) = inverted.read_postings(&term, IndexRecordOption::Basic) else { continue };
                for &i in group {
                    let doc = hits[i].address.2;
                    if postings.doc() < doc && postings.seek(doc) == TERMINATED {
                        break;
                    }
                    if postings.doc() == doc {
                        held[i] |= 1 << bit;
                    }
                }
            }
        }
        held
    }

    /// Byte ranges of the words in `text` that match one of `terms` with at
    /// most `typos` typos, for highlighting.
    pub fn highlights(&self, text: &str, terms: &[String], typos: u8) -> Vec<Range<usize>> {
        analysis::stems_at(text)
            .into_iter()
            .filter(|(word, _)| {
                terms
                    .iter()
                    .any(|t| t == word || (typos > 0 && t.len() > 3 && strsim::osa_distance(t, word) <= typos as usize))
            })
            .map(|(_, at)| at)
            .collect()
    }

    /// Whether any document holds the stemmed `term`.
    pub fn holds(&self, term: &str) -> bool {
        let term = Term::from_field_text(self.fields.text, term);
        DocKind::ALL
            .iter()
            .filter_map(|&kind| self.part(kind).ok())
            .any(|part| part.searcher.doc_freq(&term).is_ok_and(|n| n > 0))
    }

    /// Stemmed terms the index holds that may stand for `word`, each with
    /// how sure it is (1 is the word itself): for a word it lacks, the words
    /// one or two typos away; the words it abbreviates or that abbreviate
    /// it; the words nearest in meaning with a cosine of at least `min_meaning`.
    pub fn alternatives(&self, word: &str, min_meaning: f32) -> Vec<(String, f32)> {
        if self.keep_alternatives == 0 {
            return self.look_up_alternatives(word, min_meaning);
        }
        let key = (word.to_string(), min_meaning.to_bits());
        if let Some(found) = self.kept_alternatives().get(&key) {
            return found.clone();
        }
        // Looked up outside the lock: one slow word never holds up the others.
        let found = self.look_up_alternatives(word, min_meaning);
        let mut all = self.kept_alternatives();
        if all.len() >= self.keep_alternatives {
            all.clear();
        }
        all.insert(key, found.clone());
        found
    }

    fn kept_alternatives(&self) -> std::sync::MutexGuard<'_, KeptWords> {
        self.alternatives.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn look_up_alternatives(&self, word: &str, min_meaning: f32) -> Vec<(String, f32)> {
        let held = stems(word).iter().all(|term| self.holds(term));
        const TYPO: f32 = 0.8;
        const ABBREVIATION: f32 = 0.8;
        const NEAR: usize = 4;
        let mut found: Vec<(String, f32)> = Vec::new();
        let mut add = |term: String, sure: f32| match found.iter_mut().find(|(t, _)| *t == term) {
            Some(entry) => entry.1 = entry.1.max(sure),
            None => found.push((term, sure)),
        };
        // A word the language has is not a typo of another.
        let model = StaticModel::embedded().ok();
        if !held && !model.is_some_and(|m| m.knows_word(&word.to_lowercase())) {
            for term in stems(word) {
                for (correction, _) in self.typos().corrections(&term, 2) {
                    add(correction.to_string(), TYPO);
                }
            }
        }
        let vocabulary = self.vocabulary();
        for words in vocabulary.abbreviations(word) {
            // A name of several words counts by its rarest.
            let rarest = words.into_iter().max_by(|a, b| self.idf(a).total_cmp(&self.idf(b)));
            if let Some(term) = rarest {
                add(term, ABBREVIATION);
            }
        }
        if let Some(model) = model {
            for (term, cosine) in vocabulary.near(word, model, min_meaning, NEAR) {
                add(term, cosine);
            }
        }
        found.retain(|(term, _)| self.holds(term));
        found
    }

    /// For each of `queries` (words' embeddings), how near in meaning the
    /// nearest word of `text` is: its cosine.
    pub fn nearest_words(&self, text: &str, queries: &[Embedding]) -> Vec<f32> {
        self.vocabulary().nearest_words(text, queries)
    }

    /// Whether the texts write `word` as a name (`Google`, `Puppet`):
    /// capitalised inside sentences nearly every time.
    pub fn is_name(&self, word: &str) -> bool {
        self.vocabulary().is_name(word)
    }

    fn vocabulary(&self) -> &Vocabulary {
        self.vocabulary.get_or_init(|| {
            let texts = DocKind::ALL.into_iter().flat_map(|kind| entries::entries(kind, &self.kb, &self.schedule));
            Vocabulary::build(texts.map(|entry| entry.text), StaticModel::embedded().ok())
        })
    }

    /// Inverse document frequency of a stemmed term over every document:
    /// how much finding it says. Terms in no document weigh the most.
    pub fn idf(&self, term: &str) -> f32 {
        let term = Term::from_field_text(self.fields.text, term);
        let (mut n, mut df) = (0.0f32, 0.0f32);
        for part in DocKind::ALL.iter().filter_map(|&kind| self.part(kind).ok()) {
            n += part.searcher.num_docs() as f32;
            df += part.searcher.doc_freq(&term).unwrap_or(0) as f32;
        }
        (1.0 + (n - df + 0.5) / (df + 0.5)).ln()
    }
}

impl Part {
    fn build(schema: &Schema, fields: Fields, entries: impl Iterator<Item = Entry>) -> Result<Part, IndexError> {
        let mut targets = Vec::new();
        let mut meaning = Meaning::default();
        // Without the model (a corrupt build), documents are found by their words alone.
        let model = StaticModel::embedded().ok();
        let index = Index::create_in_ram(schema.clone());
        index.tokenizers().register(analysis::ANALYZER_NAME, analysis::analyzer());
        let mut writer: IndexWriter = index.writer_with_num_threads(1, WRITER_HEAP)?;
        writer.set_merge_policy(Box::new(tantivy::indexer::NoMergePolicy));
        for entry in entries {
            meaning.push(model, &entry.text, entry.prompt.as_deref(), &entry.speakers);
            let mut document = doc!(fields.text => entry.text, fields.ord => targets.len() as u64);
            for speaker in entry.speakers {
                document.add_text(fields.speaker, speaker);
            }
            writer.add_document(document)?;
            targets.push(entry.target);
        }
        writer.commit()?;
        drop(writer);
        let reader = index.reader_builder().reload_policy(tantivy::ReloadPolicy::Manual).try_into()?;
        let searcher = reader.searcher();
        let mut doc_targets: Vec<Vec<u32>> = Vec::new();
        let mut addresses = vec![(0, 0); targets.len()];
        for (s, segment) in searcher.segment_readers().iter().enumerate() {
            let column = segment.fast_fields().u64("ord")?;
            let ords: Vec<u32> = (0..segment.max_doc()).map(|d| column.first(d).unwrap_or(0) as u32).collect();
            for (d, &ord) in ords.iter().enumerate() {
                if let Some(address) = addresses.get_mut(ord as usize) {
                    *address = (s as u32, d as u32);
                }
            }
            doc_targets.push(ords);
        }
        let parser = QueryParser::for_index(&index, vec![fields.text]);
        Ok(Part { searcher, parser, doc_targets, addresses, targets, meaning })
    }

    /// Every word in this part's text, as indexed.
    fn words(&self, text: Field) -> Vec<String> {
        let mut words = Vec::new();
        for segment in self.searcher.segment_readers() {
            let Ok(inverted) = segment.inverted_index(text) else { continue };
            let Ok(mut stream) = inverted.terms().stream() else { continue };
            while stream.advance() {
                if let Ok(word) = std::str::from_utf8(stream.key()) {
                    words.push(word.to_string());
                }
            }
        }
        words
    }

    fn run(&self, part: usize, query: Box<dyn Query>, fields: Fields, speaker: Option<&str>, limit: usize) -> Vec<Hit> {
        let query: Box<dyn Query> = match speaker {
            None => query,
            Some(speaker) => {
                // The speaker filter matches without adding to the score.
                let term = TermQuery::new(Term::from_field_text(fields.speaker, speaker), IndexRecordOption::Basic);
                let filter: Box<dyn Query> = Box::new(ConstScoreQuery::new(Box::new(term), 0.0));
                Box::new(BooleanQuery::new(vec![(Occur::Must, query), (Occur::Must, filter)]))
            }
        };
        let Ok(top) = self.searcher.search(&query, &TopDocs::with_limit(limit.max(1))) else {
            return Vec::new();
        };
        top.into_iter()
            .map(|(score, address)| Hit {
                target: self.doc_targets[address.segment_ord as usize][address.doc_id as usize] as usize,
                score,
                address: (part as u8, address.segment_ord, address.doc_id),
            })
            .collect()
    }
}

/// Removes what would let a user address a field (`speaker:x`): only the
/// text is searchable.
fn sanitize(query: &str) -> String {
    query.replace(':', " ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kb::tests::seed_documents;

    fn seed() -> (Arc<KnowledgeBase>, KnowledgeIndex) {
        let kb = Arc::new(KnowledgeBase::build(&seed_documents()));
        let index = KnowledgeIndex::new(kb.clone(), Arc::new(Schedule::empty()));
        (kb, index)
    }

    fn top_quote(kb: &KnowledgeBase, index: &KnowledgeIndex, query: &str) -> String {
        let found = index.search(query, Filter { kind: Some(DocKind::Quote), speaker: None }, 1);
        match found.hits.first().map(|h| index.target(h)) {
            Some(Some(Target::Quote(i))) => kb.quotes[*i].text.clone(),
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
        // Each returns, with hits or without, rather than panicking on the syntax.
        for query in ["kind:bio", "((", "\"unclosed", "AND OR", "wasm^^2", "-", "*", "[1 TO"] {
            top_quote(&kb, &index, query);
        }
        let found =
            index.search("speaker:marc", Filter { kind: Some(DocKind::Quote), speaker: Some("andy-allred") }, 50);
        assert!(
            found
                .hits
                .iter()
                .all(|h| matches!(index.target(h), Some(Target::Quote(q)) if kb.quotes[*q].speaker == Some(2)))
        );
    }

    #[test]
    fn falls_back_to_fuzzy() {
        let (_, index) = seed();
        let found = index.search("kubernetis", Filter::default(), 3);
        assert_eq!(found.typos, 1);
        assert!(!found.hits.is_empty());
    }

    #[test]
    fn filters_by_speaker() {
        let (kb, index) = seed();
        let found = index.search("sleep", Filter { kind: Some(DocKind::Quote), speaker: Some("andy-allred") }, 10);
        assert!(!found.hits.is_empty());
        for hit in &found.hits {
            let Some(Target::Quote(i)) = index.target(hit) else { panic!() };
            assert_eq!(kb.speakers[kb.quotes[*i].speaker.unwrap()].name, "Andy Allred");
        }
    }

    #[test]
    fn reads_which_terms_each_hit_holds() {
        let (kb, index) = seed();
        let terms = stems("sandbox browser kubernetes");
        let found = index.search("sandbox browser kubernetes", Filter::default(), 10);
        let held = index.terms_held(&found.hits, &terms);
        for (hit, held) in found.hits.iter().zip(held) {
            let text = match index.target(hit) {
                Some(Target::Quote(q)) => kb.quotes[*q].text.clone(),
                Some(Target::Bio(b)) => b.text.clone(),
                other => unreachable!("no sessions in this index: {other:?}"),
            };
            let words = stems(&text);
            let expected = terms.iter().enumerate().filter(|(_, t)| words.contains(t)).fold(0, |m, (i, _)| m | 1 << i);
            assert_eq!(held, expected, "{text}");
        }
    }

    #[test]
    fn highlights_matched_words() {
        let (_, index) = seed();
        let text = "Sandboxing is the sandbox way.";
        let terms = stems("sandboxes");
        let ranges = index.highlights(text, &terms, 0);
        let words: Vec<&str> = ranges.iter().map(|r| &text[r.clone()]).collect();
        assert_eq!(words, ["Sandboxing", "sandbox"]);
        assert!(index.idf("zzzz") > index.idf("kubernet"));
    }
}
