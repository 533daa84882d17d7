//! A token filter that maps the past forms of common irregular English verbs
//! to their base form (`wrote` → `write`, `grew` → `grow`), which the Porter
//! stemmer cannot do. It runs before stemming, in the index and in queries
//! alike, so "who did he write with" finds "he co-wrote a book with".

use tantivy::tokenizer::{Token, TokenFilter, TokenStream, Tokenizer};

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
        if let Some((_, base)) = crate::lexicon::irregular::IRREGULAR.iter().find(|(past, _)| *past == token.text) {
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
