//! The embedding model against the Python side that built it: token ids
//! from Hugging Face's tokenizer (`data/semantic/tokens-reference.json`),
//! embeddings from Model2Vec and from a Python reader of the same file
//! (`data/semantic/reference.json`), both written by `scripts/build-model`.
//! Then the scores on paraphrase and unrelated pairs, and property tests
//! that no input, text or file, makes anything panic.

use emcee_core::semantic::{DIMS, Embedding, MODEL_FILE, ModelError, StaticModel};
use proptest::prelude::*;
use serde::Deserialize;

#[derive(Deserialize)]
struct TokenReference {
    unk_id: u32,
    cases: Vec<TokenCase>,
}

#[derive(Deserialize)]
struct TokenCase {
    text: String,
    ids: Vec<u32>,
    tokens: Vec<String>,
    pooled_ids: Vec<u32>,
}

#[derive(Deserialize)]
struct EncodingReference {
    dims: usize,
    sentences: Vec<Sentence>,
}

#[derive(Deserialize)]
struct Sentence {
    text: String,
    token_ids: Vec<u32>,
    /// Model2Vec's output on the float model, before quantising.
    embedding_f32: Vec<f32>,
    /// The Python reader's output on this very file.
    embedding_quantised: Vec<f32>,
}

#[derive(Deserialize)]
struct Pairs {
    paraphrase: Vec<(String, String)>,
    unrelated: Vec<(String, String)>,
}

#[expect(clippy::unwrap_used, reason = "every test needs the model; failing to load it fails them")]
fn model() -> &'static StaticModel {
    StaticModel::embedded().unwrap()
}

#[test]
fn token_ids_are_hugging_face_s() {
    let reference: TokenReference =
        serde_json::from_str(include_str!("../data/semantic/tokens-reference.json")).unwrap();
    assert_eq!(reference.unk_id, 1);
    let mut wrong = Vec::new();
    for case in &reference.cases {
        let ids = model().tokenize(&case.text);
        let pooled = model().pooled_token_ids(&case.text);
        if ids != case.ids || pooled != case.pooled_ids {
            wrong.push(format!("{:?}: {ids:?}, pooled {pooled:?}; want {:?} {:?}", case.text, case.ids, case.tokens));
        }
    }
    assert!(reference.cases.len() >= 50);
    assert!(wrong.is_empty(), "{} of {} wrong:\n{}", wrong.len(), reference.cases.len(), wrong.join("\n"));
}

#[test]
fn embeddings_are_model2vec_s() {
    let reference: EncodingReference = serde_json::from_str(include_str!("../data/semantic/reference.json")).unwrap();
    assert_eq!(reference.dims, DIMS);
    let mut lowest = f32::MAX;
    for sentence in &reference.sentences {
        let text = &sentence.text;
        assert_eq!(model().pooled_token_ids(text), sentence.token_ids, "{text:?}");
        let embedding = model().encode(text);
        if sentence.token_ids.is_empty() {
            assert!(embedding.is_zero(), "{text:?} has no known token");
            continue;
        }
        let cosine: f32 = embedding.values().iter().zip(&sentence.embedding_f32).map(|(a, b)| a * b).sum();
        lowest = lowest.min(cosine);
        assert!(cosine >= 0.999, "{text:?}: cosine {cosine} to Model2Vec's");
        let furthest = embedding
            .values()
            .iter()
            .zip(&sentence.embedding_quantised)
            .map(|(a, b)| (a - b).abs())
            .fold(0.0, f32::max);
        assert!(furthest < 1e-5, "{text:?}: {furthest} from the Python reader's");
        let norm = embedding.cosine(&embedding);
        assert!((norm - 1.0).abs() < 1e-5, "{text:?}: length² {norm}");
    }
    println!("lowest cosine to Model2Vec's float model: {lowest:.5}");
}

#[test]
fn paraphrases_score_above_unrelated_pairs() {
    let pairs: Pairs = toml::from_str(include_str!("../data/semantic/pairs.toml")).unwrap();
    let scores = |pairs: &[(String, String)]| -> Vec<f32> {
        pairs.iter().map(|(a, b)| model().encode(a).cosine(&model().encode(b))).collect()
    };
    let (paraphrase, unrelated) = (scores(&pairs.paraphrase), scores(&pairs.unrelated));
    let mean = |s: &[f32]| s.iter().sum::<f32>() / s.len() as f32;
    let lowest_paraphrase = paraphrase.iter().copied().fold(f32::MAX, f32::min);
    let highest_unrelated = unrelated.iter().copied().fold(f32::MIN, f32::max);
    println!("paraphrase {paraphrase:.3?}\nunrelated {unrelated:.3?}");
    // What the build's evaluation measured: means 0.331 and 0.027, the
    // lowest paraphrase 0.063 above the highest unrelated pair.
    assert!(mean(&paraphrase) - mean(&unrelated) > 0.25, "{} vs {}", mean(&paraphrase), mean(&unrelated));
    assert!(lowest_paraphrase > highest_unrelated, "{lowest_paraphrase} vs {highest_unrelated}");
}

#[test]
fn encode_all_keeps_order_and_scores_as_encode() {
    let texts = ["When is the keynote?", "", "Where can I eat vegan food?", "The keynote starts at nine.", "🎉"];
    let all = model().encode_all(texts);
    assert_eq!(all.len(), texts.len());
    let query = model().encode("what time does the keynote begin");
    for (index, text) in texts.iter().enumerate() {
        let exact = model().encode(text).cosine(&query);
        let stored = all.cosine(index, &query).unwrap();
        assert!((exact - stored).abs() < 0.01, "{text:?}: {exact} vs {stored}");
    }
    let top: Vec<usize> = all.top(&query, 10).iter().map(|n| n.index).collect();
    assert_eq!(top.len(), 3, "the texts with no known token are left out: {top:?}");
    assert_eq!(top[2], 2, "the vegan food is least like the keynote: {top:?}");
}

/// Text mixing what the tokenizer treats specially.
fn tricky_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        any::<char>().prop_map(String::from),
        "[a-zA-Z0-9 ]{1,12}",
        Just("[PAD]".to_owned()),
        Just("[UNK]".to_owned()),
        Just("[UNK".to_owned()),
        Just("e\u{301}".to_owned()),
        Just("北京".to_owned()),
        Just("\u{200b}\u{ad}\u{feff}".to_owned()),
        Just("x".repeat(101)),
        Just("ab".repeat(60)),
    ];
    proptest::collection::vec(piece, 0..40).prop_map(|pieces| pieces.concat())
}

fn valid(embedding: &Embedding) -> Result<(), TestCaseError> {
    let length = embedding.cosine(embedding);
    prop_assert!(embedding.values().iter().all(|v| v.is_finite()));
    prop_assert!(embedding.is_zero() || (length - 1.0).abs() < 1e-4, "length² {}", length);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn any_text_encodes_to_unit_length_or_zero(text in any::<String>()) {
        valid(&model().encode(&text))?;
        let size = model().vocabulary_size() as u32;
        prop_assert!(model().tokenize(&text).iter().all(|&id| id < size));
    }

    #[test]
    fn tricky_text_encodes_within_the_limits(text in tricky_text()) {
        valid(&model().encode(&text))?;
        let pooled = model().pooled_token_ids(&text);
        prop_assert!(pooled.len() <= 512 && !pooled.contains(&1));
        let all = model().encode_all([text.as_str()]);
        prop_assert_eq!(all.len(), 1);
    }

    #[test]
    fn a_cut_model_file_is_an_error(len in 0..MODEL_FILE.len()) {
        prop_assert!(StaticModel::from_bytes(&MODEL_FILE[..len]).is_err());
    }

    #[test]
    fn a_damaged_model_file_is_parsed_or_refused(at in 0usize..400_000, byte in any::<u8>()) {
        // The first 400 kB hold the header and every table; without the
        // vectors the parse must end in an error, and never in a panic.
        let mut damaged = MODEL_FILE[..400_000].to_vec();
        damaged[at] = byte;
        let damaged: &'static [u8] = Box::leak(damaged.into_boxed_slice());
        prop_assert!(StaticModel::from_bytes(damaged).is_err());
    }
}

#[test]
fn the_header_is_checked() {
    // The file's first `len` bytes with `bytes` written at `at`.
    let with = |len: usize, at: usize, bytes: &[u8]| -> Result<StaticModel, ModelError> {
        let mut file = MODEL_FILE[..len].to_vec();
        file[at..at + bytes.len()].copy_from_slice(bytes);
        StaticModel::from_bytes(Box::leak(file.into_boxed_slice()))
    };
    // The header is checked before anything after it is read.
    let header = 48;
    assert_eq!(with(header, 0, b"EMCEEEMX").unwrap_err(), ModelError::Magic);
    assert_eq!(with(header, 8, &2u32.to_le_bytes()).unwrap_err(), ModelError::Version(2));
    assert_eq!(with(header, 16, &128u32.to_le_bytes()).unwrap_err(), ModelError::Dimensions(128));
    assert_eq!(with(header, 20, &2u32.to_le_bytes()).unwrap_err(), ModelError::Dtype(2));
    assert_eq!(with(header, 24, &15u32.to_le_bytes()).unwrap_err(), ModelError::NotNormalised);
    let vocabulary = 300_000;
    let unk = with(vocabulary, 28, &40_000u32.to_le_bytes()).unwrap_err();
    assert!(matches!(unk, ModelError::TokenId { id: 40_000, .. }), "{unk:?}");
    let all = MODEL_FILE.len();
    assert_eq!(with(all, all - 8, b"EMCEEENX").unwrap_err(), ModelError::End { at: all - 8 });
    assert!(with(all, 0, b"EMCEEEMB").is_ok());
}
