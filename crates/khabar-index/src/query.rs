//! User queries: tantivy's query syntax over khabar's analysers.
//!
//! * Bare words search all four text fields (exact and morphological, title
//!   and body), exact fields boosted; words are ANDed by default; `OR`, `AND`,
//!   `NOT`, `-word`, `+word`, parentheses and `"phrases"` work as in tantivy.
//! * Quoted text matches exact forms only: a quoted single form (`"لبوتين"`)
//!   matches only that surface form, a quoted phrase only those forms in that
//!   order (both rewritten to the exact fields).
//! * A query tantivy's parser rejects, or accepts but cannot run (a field that
//!   does not exist, as in ` TO :*`), is run as plain words (all ANDed).
//! * An empty query, or one over 4 KB or 256 words, is an error.

use khabar_text::{tokenize, TokenKind};
use tantivy::query::{BooleanQuery, BoostQuery, Occur, Query, QueryParser, QueryParserError, TermQuery};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{Index, Term};

use crate::{Error, Fields, Result, BOOST_BODY_EXACT, BOOST_BODY_MORPH, BOOST_TITLE_EXACT, BOOST_TITLE_MORPH};

/// Longest query accepted, in bytes.
pub const MAX_QUERY_BYTES: usize = 4096;
/// Most words accepted in a query.
pub const MAX_QUERY_TERMS: usize = 256;

fn is_term(kind: TokenKind) -> bool {
    kind.is_word() || kind == TokenKind::Number || kind == TokenKind::Hashtag
}

/// Reject empty and huge queries with a message for the user.
pub fn check_query(q: &str) -> Result<()> {
    if q.trim().is_empty() {
        return Err(Error::BadQuery("empty query: give words to search for".into()));
    }
    if q.len() > MAX_QUERY_BYTES {
        return Err(Error::BadQuery(format!("query too long: {} bytes (at most {MAX_QUERY_BYTES})", q.len())));
    }
    let (mut n, mut searchable) = (0usize, false);
    for t in tokenize(q).filter(|t| is_term(t.kind)) {
        n += 1;
        // A word of marks or tatweel alone (ًٌٍ, ـــ) normalises to nothing: no word to search for.
        searchable = searchable || !khabar_text::normalize(t.text(q), khabar_text::Profile::Search).trim().is_empty();
    }
    if n > MAX_QUERY_TERMS {
        return Err(Error::BadQuery(format!("query too long: {n} words (at most {MAX_QUERY_TERMS})")));
    }
    if !searchable {
        // @mentions, e-mail addresses and links are tokens of their own that the index does not hold
        if tokenize(q).any(|t| matches!(t.kind, TokenKind::Mention | TokenKind::Email | TokenKind::Url)) {
            return Err(Error::BadQuery(
                "empty query: @mentions, e-mail addresses and links are not indexed; search for the words of a name or site".into(),
            ));
        }
        return Err(Error::BadQuery("empty query: no words to search for".into()));
    }
    Ok(())
}

/// Rewrite quoted text to the exact fields: `"لبوتين"` →
/// `(title_exact:"لبوتين" OR body_exact:"لبوتين")`; phrases likewise (the
/// morphological fields keep no positions). A slop (`"a b"~2`) is kept.
fn rewrite_quoted(q: &str) -> String {
    let mut out = String::with_capacity(q.len() + 32);
    let mut rest = q;
    while let Some(open) = rest.find('"') {
        let Some(len) = rest[open + 1..].find('"') else { break };
        let inner = &rest[open + 1..open + 1 + len];
        out.push_str(&rest[..open]);
        let mut tail = &rest[open + 1 + len + 1..];
        let mut slop = "";
        if let Some(t) = tail.strip_prefix('~') {
            let digits = t.len() - t.trim_start_matches(|c: char| c.is_ascii_digit()).len();
            slop = &tail[..1 + digits];
            tail = &t[digits..];
        }
        if tokenize(inner).any(|t| is_term(t.kind)) {
            out.push_str(&format!("(title_exact:\"{inner}\"{slop} OR body_exact:\"{inner}\"{slop})"));
        } else {
            out.push_str(&rest[open..open + 1 + len + 1]);
            out.push_str(slop);
        }
        rest = tail;
    }
    out.push_str(rest);
    out
}

fn parser(index: &Index, f: &Fields) -> QueryParser {
    let mut p = QueryParser::for_index(index, vec![f.title_exact, f.title_morph, f.body_exact, f.body_morph]);
    p.set_conjunction_by_default();
    p.set_field_boost(f.title_exact, BOOST_TITLE_EXACT);
    p.set_field_boost(f.title_morph, BOOST_TITLE_MORPH);
    p.set_field_boost(f.body_exact, BOOST_BODY_EXACT);
    p.set_field_boost(f.body_morph, BOOST_BODY_MORPH);
    p
}

/// Parse a query; `true` when it fell back to plain words.
pub fn parse(index: &Index, f: &Fields, q: &str) -> Result<(Box<dyn Query>, bool)> {
    check_query(q)?;
    // `a AND NOT b` reads as `a AND (NOT b)` to tantivy, and a purely negative
    // clause matches nothing: say what the user means, `a NOT b`.
    // `||` and `&&` (as in other search boxes) are OR and AND.
    let rewritten = rewrite_quoted(q).replace("||", " OR ").replace("&&", " AND ");
    let rewritten = rewritten.replace(" AND NOT ", " NOT ").replace(" AND -", " -");
    match parser(index, f).parse_query(&rewritten) {
        Ok(query) => Ok((query, false)),
        Err(QueryParserError::AllButQueryForbidden) => {
            Err(Error::BadQuery("the query only excludes words: give at least one word to search for".into()))
        }
        Err(_) => Ok((plain_words(index, f, q)?, true)),
    }
}

/// Every word of `q` (khabar's tokeniser; the operators AND, OR, NOT skipped), each in any field, all required.
pub fn plain_words(index: &Index, f: &Fields, q: &str) -> Result<Box<dyn Query>> {
    let fields: [(Field, f32); 4] = [
        (f.title_exact, BOOST_TITLE_EXACT),
        (f.title_morph, BOOST_TITLE_MORPH),
        (f.body_exact, BOOST_BODY_EXACT),
        (f.body_morph, BOOST_BODY_MORPH),
    ];
    let mut analyzers = Vec::new();
    for (field, _) in fields {
        analyzers.push(index.tokenizer_for_field(field)?);
    }
    let mut words: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    for t in tokenize(q).filter(|t| is_term(t.kind)) {
        let word = t.text(q);
        if matches!(word, "AND" | "OR" | "NOT") {
            continue;
        }
        let mut alternatives: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for ((field, boost), analyzer) in fields.iter().zip(analyzers.iter_mut()) {
            let mut stream = analyzer.token_stream(word);
            while let Some(tok) = stream.next() {
                let tq = TermQuery::new(Term::from_field_text(*field, &tok.text), IndexRecordOption::WithFreqs);
                alternatives.push((Occur::Should, Box::new(BoostQuery::new(Box::new(tq), *boost))));
            }
        }
        if !alternatives.is_empty() {
            words.push((Occur::Must, Box::new(BooleanQuery::new(alternatives))));
        }
    }
    Ok(Box::new(BooleanQuery::new(words)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_single_forms_go_to_exact_fields() {
        assert_eq!(rewrite_quoted("\"لبوتين\" -x"), "(title_exact:\"لبوتين\" OR body_exact:\"لبوتين\") -x");
        assert_eq!(rewrite_quoted("\"a b\"~2 c"), "(title_exact:\"a b\"~2 OR body_exact:\"a b\"~2) c");
        assert_eq!(rewrite_quoted("\"...\" c"), "\"...\" c");
        assert_eq!(rewrite_quoted("\"open"), "\"open");
    }

    #[test]
    fn empty_and_huge_queries_are_rejected() {
        assert!(check_query("  ").is_err());
        assert!(check_query("... !").is_err());
        assert!(check_query(&"كلمة ".repeat(300)).is_err());
        assert!(check_query(&"x".repeat(5000)).is_err());
        assert!(check_query("بوتين").is_ok());
    }

    #[test]
    fn queries_of_marks_alone_are_empty() {
        // «ًٌٍ» (tanween marks) or «ـــ» (tatweel) passed the check and matched nothing,
        // exit status 0, where a query without words is an error (docs/search.md).
        for q in ["ًٌٍ", "ـــ", "\u{064B}\u{0640}", "ًٌٍ ـ"] {
            assert!(matches!(check_query(q), Err(Error::BadQuery(m)) if m.contains("no words")), "{q}");
        }
        assert!(check_query("بوتين ًٌٍ").is_ok());
        assert!(check_query("بُوتِين").is_ok());
    }

    #[test]
    fn mentions_mails_and_links_alone_are_named_in_the_empty_query_message() {
        for q in ["@khabar", "news@example.com", "https://example.com/a", "www.example.com"] {
            assert!(matches!(check_query(q), Err(Error::BadQuery(m)) if m.contains("not indexed")), "{q}");
        }
        assert!(matches!(check_query("ًٌٍ"), Err(Error::BadQuery(m)) if m.contains("no words") && !m.contains("not indexed")));
        assert!(check_query("@khabar بوتين").is_ok());
    }
}
