//! Other tokenisers measured next to khabar's in the same run: charabia (the
//! tokenizer of Meilisearch) and tantivy's default tokenizer, with the
//! Snowball Arabic stemmer from rust-stemmers for the stemming comparison.

use std::io::{self, Write};

use charabia::Tokenize;
use tantivy::tokenizer::{LowerCaser, RemoveLongFilter, SimpleTokenizer, TextAnalyzer};

/// Which tokeniser to run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Engine {
    /// khabar's own tokeniser.
    Khabar,
    /// charabia (Meilisearch), default normalisers.
    Charabia,
    /// tantivy's `default` tokenizer: SimpleTokenizer + RemoveLongFilter(40) + LowerCaser.
    Tantivy,
}

pub fn tantivy_default() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default()).filter(RemoveLongFilter::limit(40)).filter(LowerCaser).build()
}

/// Count charabia's word tokens (separators are tokens in charabia too; they are not counted).
pub fn charabia_count(text: &str) -> usize {
    text.tokenize().filter(|t| t.is_word()).count()
}

pub fn tantivy_count(analyzer: &mut TextAnalyzer, text: &str) -> usize {
    let mut stream = analyzer.token_stream(text);
    let mut n = 0;
    while stream.advance() {
        n += 1;
    }
    n
}

/// tantivy default tokenizer followed by the Snowball Arabic stemmer.
pub fn tantivy_stem_count(analyzer: &mut TextAnalyzer, stemmer: &rust_stemmers::Stemmer, text: &str) -> usize {
    let mut stream = analyzer.token_stream(text);
    let mut bytes = 0;
    while stream.advance() {
        bytes += stemmer.stem(&stream.token().text).len();
    }
    bytes
}

/// Print one token per line with a peer engine (for whole-process comparisons).
pub fn print_tokens(engine: Engine, text: &str, out: &mut impl Write) -> io::Result<()> {
    match engine {
        Engine::Khabar => unreachable!("khabar's own path is in main"),
        Engine::Charabia => {
            for t in text.tokenize().filter(|t| t.is_word()) {
                out.write_all(t.lemma().as_bytes())?;
                out.write_all(b"\n")?;
            }
        }
        Engine::Tantivy => {
            let mut a = tantivy_default();
            let mut stream = a.token_stream(text);
            while stream.advance() {
                out.write_all(stream.token().text.as_bytes())?;
                out.write_all(b"\n")?;
            }
        }
    }
    Ok(())
}
