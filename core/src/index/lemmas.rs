//! A token filter that maps the past forms of common irregular English verbs
//! to their base form (`wrote` → `write`, `grew` → `grow`), which the Porter
//! stemmer cannot do. It runs before stemming, in the index and in queries
//! alike, so "who did he write with" finds "he co-wrote a book with".

use tantivy::tokenizer::{Token, TokenFilter, TokenStream, Tokenizer};

/// Past tense and participle → base form; lower case.
const IRREGULAR: &[(&str, &str)] = &[
    ("began", "begin"),
    ("begun", "begin"),
    ("brought", "bring"),
    ("built", "build"),
    ("bought", "buy"),
    ("caught", "catch"),
    ("chose", "choose"),
    ("chosen", "choose"),
    ("came", "come"),
    ("did", "do"),
    ("done", "do"),
    ("drew", "draw"),
    ("drawn", "draw"),
    ("drove", "drive"),
    ("driven", "drive"),
    ("ate", "eat"),
    ("eaten", "eat"),
    ("fell", "fall"),
    ("fallen", "fall"),
    ("felt", "feel"),
    ("found", "find"),
    ("flew", "fly"),
    ("flown", "fly"),
    ("forgot", "forget"),
    ("forgotten", "forget"),
    ("got", "get"),
    ("gotten", "get"),
    ("gave", "give"),
    ("given", "give"),
    ("went", "go"),
    ("gone", "go"),
    ("grew", "grow"),
    ("grown", "grow"),
    ("had", "have"),
    ("heard", "hear"),
    ("held", "hold"),
    ("kept", "keep"),
    ("knew", "know"),
    ("known", "know"),
    ("led", "lead"),
    ("learnt", "learn"),
    ("left", "leave"),
    ("lent", "lend"),
    ("lost", "lose"),
    ("made", "make"),
    ("meant", "mean"),
    ("met", "meet"),
    ("paid", "pay"),
    ("ran", "run"),
    ("rang", "ring"),
    ("rose", "rise"),
    ("risen", "rise"),
    ("said", "say"),
    ("saw", "see"),
    ("seen", "see"),
    ("sold", "sell"),
    ("sent", "send"),
    ("shook", "shake"),
    ("shown", "show"),
    ("sang", "sing"),
    ("sung", "sing"),
    ("sat", "sit"),
    ("slept", "sleep"),
    ("spoke", "speak"),
    ("spoken", "speak"),
    ("spent", "spend"),
    ("stood", "stand"),
    ("stole", "steal"),
    ("stolen", "steal"),
    ("swam", "swim"),
    ("swum", "swim"),
    ("took", "take"),
    ("taken", "take"),
    ("taught", "teach"),
    ("told", "tell"),
    ("thought", "think"),
    ("threw", "throw"),
    ("thrown", "throw"),
    ("understood", "understand"),
    ("woke", "wake"),
    ("woken", "wake"),
    ("wore", "wear"),
    ("worn", "wear"),
    ("won", "win"),
    ("wrote", "write"),
    ("written", "write"),
    ("was", "be"),
    ("were", "be"),
    ("been", "be"),
];

/// The token filter; see the module documentation.
#[derive(Clone, Copy, Debug, Default)]
pub struct IrregularVerbs;

impl TokenFilter for IrregularVerbs {
    type Tokenizer<T: Tokenizer> = IrregularVerbsFilter<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> IrregularVerbsFilter<T> {
        IrregularVerbsFilter { inner: tokenizer }
    }
}

#[derive(Clone)]
pub struct IrregularVerbsFilter<T> {
    inner: T,
}

impl<T: Tokenizer> Tokenizer for IrregularVerbsFilter<T> {
    type TokenStream<'a> = IrregularVerbsStream<T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        IrregularVerbsStream { tail: self.inner.token_stream(text) }
    }
}

pub struct IrregularVerbsStream<T> {
    tail: T,
}

impl<T: TokenStream> TokenStream for IrregularVerbsStream<T> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        let token = self.tail.token_mut();
        if let Some((_, base)) = IRREGULAR.iter().find(|(past, _)| *past == token.text) {
            token.text.clear();
            token.text.push_str(base);
        }
        true
    }

    fn token(&self) -> &Token {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
}
