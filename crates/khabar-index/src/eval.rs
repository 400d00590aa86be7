//! `khabar eval search`: morphological search quality on UD Arabic PADT v1.
//!
//! Documents are the sentences of the dev and test files. PADT v1 splits
//! clitics into their own words and has no `# text` lines, so the raw
//! sentence is rebuilt from the undiacritised FORMs: the one-letter proclitics
//! (و ف ب ل ك س) are glued to the next word (ل + ال → لل) and the pronoun
//! enclitics (ه ها هم …) to the word before (ة → ت before them). Queries are
//! content words (NOUN, PROPN, ADJ, VERB) as users type them — rebuilt tokens
//! with their clitics (لأوباما، والمفاوضات) and bare single-word tokens — a
//! deterministic sample (every k-th distinct form). A sentence is relevant
//! when it holds a word with the query's lemma (LEMMA, diacritics removed).
//! Hits are everything an engine returns (up to 1000) in rank order.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

use khabar::{Analysis, Analyzer, Document};
use khabar_text::{is_tashkeel, terms};
use serde::Serialize;
use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, Occur, Query, TermQuery};
use tantivy::schema::{IndexRecordOption, Schema, TextFieldIndexing, TextOptions, Value, STORED};
use tantivy::tokenizer::{TextAnalyzer, Token, TokenStream, Tokenizer};
use tantivy::{Index, TantivyDocument, Term};

use crate::{SearchIndex, SearchRequest};

/// Hits taken per query.
pub const MAX_HITS: usize = 1000;

/// Why an evaluation could not run.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum EvalError {
    /// The data is missing or unreadable.
    #[error("{0}")]
    Data(String),
    /// The index failed.
    #[error(transparent)]
    Index(#[from] crate::Error),
    /// tantivy failed.
    #[error(transparent)]
    Tantivy(#[from] tantivy::TantivyError),
}

/// One rebuilt token of a sentence.
#[derive(Clone, Debug)]
pub struct GoldToken {
    /// The surface as written (clitics attached), undiacritised.
    pub surface: String,
    /// Byte offset in the sentence text.
    pub start: usize,
    /// Lemma of the content word (diacritics removed).
    pub lemma: String,
    /// UPOS of the content word.
    pub upos: String,
    /// Whether clitics were attached.
    pub clitics: bool,
}

/// One sentence.
#[derive(Clone, Debug)]
pub struct GoldSentence {
    /// The rebuilt raw text.
    pub text: String,
    /// Its tokens.
    pub tokens: Vec<GoldToken>,
}

fn strip_marks(s: &str) -> String {
    s.chars().filter(|&c| !is_tashkeel(c) && c != '\u{0640}').collect()
}

const PROCLITICS: [&str; 6] = ["و", "ف", "ب", "ل", "ك", "س"];
const ENCLITICS: [&str; 12] = ["ه", "ها", "هم", "هما", "هن", "ك", "كم", "كما", "كن", "نا", "ني", "ي"];

/// Parse PADT v1 CoNLL-U into rebuilt sentences.
pub fn parse_padt(text: &str) -> Vec<GoldSentence> {
    let mut out = Vec::new();
    let mut words: Vec<(String, String, String)> = Vec::new();
    let flush = |words: &mut Vec<(String, String, String)>, out: &mut Vec<GoldSentence>| {
        if words.is_empty() {
            return;
        }
        // Group words into tokens: (surface, base word index, clitics).
        let mut groups: Vec<(String, usize, bool)> = Vec::new();
        let mut pending_pro = String::new();
        for (i, (form, _, upos)) in words.iter().enumerate() {
            let is_pro = PROCLITICS.contains(&form.as_str()) && matches!(upos.as_str(), "CONJ" | "CCONJ" | "ADP" | "PART" | "SCONJ");
            let is_en = upos == "PRON" && ENCLITICS.contains(&form.as_str()) && !groups.is_empty() && pending_pro.is_empty();
            if is_pro && i + 1 < words.len() {
                pending_pro.push_str(form);
                continue;
            }
            if is_en {
                let g = groups.last_mut().expect("checked");
                if g.0.ends_with('ة') {
                    g.0.pop();
                    g.0.push('ت');
                }
                g.0.push_str(form);
                g.2 = true;
                continue;
            }
            let mut surface = std::mem::take(&mut pending_pro);
            let clitics = !surface.is_empty();
            if surface.ends_with('ل') && form.starts_with("ال") {
                surface.push_str(&form["ا".len()..]);
            } else {
                surface.push_str(form);
            }
            groups.push((surface, i, clitics));
        }
        let mut s = GoldSentence { text: String::new(), tokens: Vec::new() };
        for (surface, base, clitics) in groups {
            if !s.text.is_empty() {
                s.text.push(' ');
            }
            let (_, lemma, upos) = &words[base];
            s.tokens.push(GoldToken { start: s.text.len(), surface: surface.clone(), lemma: lemma.clone(), upos: upos.clone(), clitics });
            s.text.push_str(&surface);
        }
        out.push(s);
        words.clear();
    };
    for line in text.lines() {
        if line.trim().is_empty() {
            flush(&mut words, &mut out);
            continue;
        }
        if line.starts_with('#') {
            continue;
        }
        let f: Vec<&str> = line.split('\t').collect();
        if f.len() < 4 || f[0].contains(['-', '.']) {
            continue;
        }
        let form = strip_marks(f[1]);
        if form.is_empty() {
            continue;
        }
        words.push((form, strip_marks(f[2]), f[3].to_owned()));
    }
    flush(&mut words, &mut out);
    out
}

/// One query of the evaluation.
#[derive(Clone, Debug)]
pub struct EvalQuery {
    /// What the user types.
    pub text: String,
    /// The lemma it stands for.
    pub lemma: String,
    /// Typed with clitics.
    pub clitics: bool,
}

/// The deterministic query sample: every k-th distinct content-word form.
pub fn sample_queries(sentences: &[GoldSentence], max: usize) -> Vec<EvalQuery> {
    let mut seen = HashSet::new();
    let mut all = Vec::new();
    for s in sentences {
        for t in &s.tokens {
            if !matches!(t.upos.as_str(), "NOUN" | "PROPN" | "ADJ" | "VERB") || t.lemma.is_empty() || t.surface.chars().count() < 2 {
                continue;
            }
            if !t.surface.chars().all(khabar_text::is_arabic_letter) {
                continue;
            }
            if seen.insert(t.surface.clone()) {
                all.push(EvalQuery { text: t.surface.clone(), lemma: t.lemma.clone(), clitics: t.clitics });
            }
        }
    }
    let k = all.len().div_ceil(max.max(1)).max(1);
    all.into_iter().step_by(k).take(max).collect()
}

/// Scores of one engine, averaged over queries.
#[derive(Clone, Debug, Serialize)]
pub struct EngineScore {
    /// Engine name.
    pub engine: String,
    /// Mean recall (%).
    pub recall: f64,
    /// Mean precision over all hits (%; no hits = 0).
    pub precision: f64,
    /// Mean F1 (%).
    pub f1: f64,
    /// Mean average precision (%).
    pub map: f64,
    /// Mean hits per query.
    pub mean_hits: f64,
    /// Queries with no hit.
    pub no_hits: usize,
    /// Recall on queries typed with clitics (%).
    pub recall_clitics: f64,
    /// Recall on bare queries (%).
    pub recall_bare: f64,
}

/// A pair of lemmas khabar's morphological field wrongly joins.
#[derive(Clone, Debug, Serialize)]
pub struct Conflation {
    /// The query's lemma.
    pub query_lemma: String,
    /// The lemma of the word that matched.
    pub matched_lemma: String,
    /// An example query and matched form.
    pub example: String,
    /// False hits this caused.
    pub count: usize,
}

/// Forms of a lemma khabar does not find from the query form.
#[derive(Clone, Debug, Serialize)]
pub struct Miss {
    /// The lemma.
    pub lemma: String,
    /// The query as typed.
    pub query: String,
    /// A form that was not found.
    pub missed_form: String,
    /// Relevant sentences missed.
    pub count: usize,
}

/// The whole report.
#[derive(Clone, Debug, Serialize)]
pub struct Report {
    /// Which files the documents come from.
    pub corpus: String,
    /// Documents (sentences).
    pub documents: usize,
    /// Queries.
    pub queries: usize,
    /// Queries typed with clitics.
    pub queries_with_clitics: usize,
    /// Mean relevant sentences per query.
    pub mean_relevant: f64,
    /// One row per engine.
    pub engines: Vec<EngineScore>,
    /// khabar's worst false conflations (top 10).
    pub conflations: Vec<Conflation>,
    /// khabar's worst misses (top 10).
    pub misses: Vec<Miss>,
    /// The same on the test file alone (sentences the lemmatiser never saw: its
    /// lemma table is learned from UD 1.3 PADT dev).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub test_only: Option<Box<Report>>,
}

impl std::fmt::Display for Report {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(
            f,
            "documents: {} sentences ({}); queries: {} ({} with clitics); {:.1} relevant sentences per query\n",
            self.documents, self.corpus, self.queries, self.queries_with_clitics, self.mean_relevant
        )?;
        writeln!(f, "| engine | recall | precision | F1 | MAP | hits/query | no hits | recall (clitics) | recall (bare) |")?;
        writeln!(f, "|---|---:|---:|---:|---:|---:|---:|---:|---:|")?;
        for e in &self.engines {
            writeln!(
                f,
                "| {} | {:.1} | {:.1} | {:.1} | {:.1} | {:.1} | {} | {:.1} | {:.1} |",
                e.engine, e.recall, e.precision, e.f1, e.map, e.mean_hits, e.no_hits, e.recall_clitics, e.recall_bare
            )?;
        }
        writeln!(f, "\nkhabar's worst false conflations (query lemma → lemma of the matching word, false hits):")?;
        for c in &self.conflations {
            writeln!(f, "  {} → {}: {} (e.g. {})", c.query_lemma, c.matched_lemma, c.count, c.example)?;
        }
        writeln!(f, "\nkhabar's worst misses (lemma: query → form not found, relevant sentences missed):")?;
        for m in &self.misses {
            writeln!(f, "  {}: {} → {}: {}", m.lemma, m.query, m.missed_form, m.count)?;
        }
        if let Some(t) = &self.test_only {
            writeln!(f, "\n## test file only (unseen by khabar's lemmatiser, whose lemma table comes from the dev file)\n")?;
            write!(f, "{t}")?;
        }
        Ok(())
    }
}

/// Lucene's ArabicAnalyzer chain with khabar's parts: tokenise, normalise,
/// drop stopwords, light10.
#[derive(Clone, Default)]
struct Light10Tokenizer {
    tokens: Vec<Token>,
}

struct VecStream<'a> {
    tokens: &'a mut Vec<Token>,
    next: usize,
}

impl TokenStream for VecStream<'_> {
    fn advance(&mut self) -> bool {
        self.next += 1;
        self.next <= self.tokens.len()
    }
    fn token(&self) -> &Token {
        &self.tokens[self.next - 1]
    }
    fn token_mut(&mut self) -> &mut Token {
        &mut self.tokens[self.next - 1]
    }
}

impl Tokenizer for Light10Tokenizer {
    type TokenStream<'a> = VecStream<'a>;
    fn token_stream<'a>(&'a mut self, text: &'a str) -> VecStream<'a> {
        self.tokens = terms(text)
            .enumerate()
            .filter(|(_, t)| !t.stopword)
            .map(|(position, t)| Token {
                offset_from: t.token.span.start(),
                offset_to: t.token.span.end(),
                position,
                text: t.stem,
                position_length: 1,
            })
            .collect();
        VecStream { tokens: &mut self.tokens, next: 0 }
    }
}

/// A one-field tantivy index with the given analyser.
struct PlainIndex {
    index: Index,
    field: tantivy::schema::Field,
    id: tantivy::schema::Field,
    analyzer: TextAnalyzer,
}

impl PlainIndex {
    fn new(tokenizer: &str, analyzer: TextAnalyzer, sentences: &[GoldSentence]) -> Result<PlainIndex, EvalError> {
        let mut b = Schema::builder();
        let opts = TextOptions::default().set_indexing_options(
            TextFieldIndexing::default().set_tokenizer(tokenizer).set_index_option(IndexRecordOption::WithFreqsAndPositions),
        );
        let field = b.add_text_field("text", opts);
        let id = b.add_u64_field("id", STORED);
        let index = Index::create_in_ram(b.build());
        index.tokenizers().register(tokenizer, analyzer.clone());
        let mut w: tantivy::IndexWriter = index.writer_with_num_threads(1, 30_000_000)?;
        for (i, s) in sentences.iter().enumerate() {
            let mut d = TantivyDocument::default();
            d.add_text(field, &s.text);
            d.add_u64(id, i as u64);
            w.add_document(d)?;
        }
        w.commit()?;
        Ok(PlainIndex { index, field, id, analyzer })
    }

    fn search(&mut self, q: &str) -> Result<Vec<usize>, EvalError> {
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let mut stream = self.analyzer.token_stream(q);
        while let Some(t) = stream.next() {
            clauses.push((Occur::Must, Box::new(TermQuery::new(Term::from_field_text(self.field, &t.text), IndexRecordOption::WithFreqs))));
        }
        if clauses.is_empty() {
            return Ok(Vec::new());
        }
        let searcher = self.index.reader()?.searcher();
        let top = searcher.search(&BooleanQuery::new(clauses), &TopDocs::with_limit(MAX_HITS).order_by_score())?;
        let mut out = Vec::with_capacity(top.len());
        for (_, addr) in top {
            let d: TantivyDocument = searcher.doc(addr)?;
            out.push(d.get_first(self.id).and_then(|v| v.as_u64()).unwrap_or(u64::MAX) as usize);
        }
        Ok(out)
    }
}

struct Metrics {
    recall: f64,
    precision: f64,
    f1: f64,
    ap: f64,
    hits: usize,
}

fn metrics(hits: &[usize], relevant: &HashSet<usize>) -> Metrics {
    let mut tp = 0usize;
    let mut ap = 0.0;
    for (k, h) in hits.iter().enumerate() {
        if relevant.contains(h) {
            tp += 1;
            ap += tp as f64 / (k + 1) as f64;
        }
    }
    let r = if relevant.is_empty() { 0.0 } else { tp as f64 / relevant.len() as f64 };
    let p = if hits.is_empty() { 0.0 } else { tp as f64 / hits.len() as f64 };
    let f1 = if p + r > 0.0 { 2.0 * p * r / (p + r) } else { 0.0 };
    Metrics { recall: r, precision: p, f1, ap: if relevant.is_empty() { 0.0 } else { ap / relevant.len() as f64 }, hits: hits.len() }
}

fn score(name: &str, per_query: &[Metrics], queries: &[EvalQuery]) -> EngineScore {
    let n = per_query.len().max(1) as f64;
    let mean = |f: &dyn Fn(&Metrics) -> f64| 100.0 * per_query.iter().map(f).sum::<f64>() / n;
    let subset = |clitics: bool| {
        let v: Vec<f64> = per_query.iter().zip(queries).filter(|(_, q)| q.clitics == clitics).map(|(m, _)| m.recall).collect();
        100.0 * v.iter().sum::<f64>() / v.len().max(1) as f64
    };
    EngineScore {
        engine: name.to_owned(),
        recall: mean(&|m| m.recall),
        precision: mean(&|m| m.precision),
        f1: mean(&|m| m.f1),
        map: mean(&|m| m.ap),
        mean_hits: per_query.iter().map(|m| m.hits as f64).sum::<f64>() / n,
        no_hits: per_query.iter().filter(|m| m.hits == 0).count(),
        recall_clitics: subset(true),
        recall_bare: subset(false),
    }
}

fn khabar_index(sentences: &[GoldSentence], analyses: &[Analysis], analyzer: &Analyzer, lemmas: bool) -> Result<SearchIndex, EvalError> {
    let idx = SearchIndex::create_in_ram_with(analyzer, lemmas)?;
    let mut w = idx.writer(1, 30_000_000)?;
    for (i, (s, a)) in sentences.iter().zip(analyses).enumerate() {
        let doc = Document { id: Some(i.to_string()), body: s.text.clone(), ..Document::default() };
        idx.upsert(&w, &doc, a, None);
    }
    w.commit()?;
    idx.reload()?;
    Ok(idx)
}

fn khabar_search(idx: &SearchIndex, q: &str) -> Result<Vec<usize>, EvalError> {
    let mut req = SearchRequest::new(q);
    req.limit = MAX_HITS;
    req.snippets = false;
    req.facets = 0;
    let r = idx.search(&req)?;
    Ok(r.hits.iter().filter_map(|h| h.id.parse().ok()).collect())
}

/// The gold token of a sentence covering byte offset `at`.
fn token_at(s: &GoldSentence, at: usize) -> Option<&GoldToken> {
    s.tokens.iter().take_while(|t| t.start <= at).last()
}

/// Run the evaluation on the PADT v1 folder: dev + test, then test alone.
pub fn run(data: &Path, max_queries: usize) -> Result<Report, EvalError> {
    let mut files = Vec::new();
    for name in ["ar-ud-dev.conllu", "ar-ud-test.conllu"] {
        let p = data.join(name);
        let text = std::fs::read_to_string(&p).map_err(|e| EvalError::Data(format!("{}: {e}", p.display())))?;
        files.push(parse_padt(&text));
    }
    let test = files[1].clone();
    let all: Vec<GoldSentence> = files.into_iter().flatten().collect();
    if all.is_empty() || test.is_empty() {
        return Err(EvalError::Data(format!("{}: no sentences", data.display())));
    }
    let mut report = run_on(all, max_queries, "UD Arabic PADT v1 dev + test")?;
    report.test_only = Some(Box::new(run_on(test, max_queries, "UD Arabic PADT v1 test")?));
    Ok(report)
}

/// Run the evaluation on these sentences.
pub fn run_on(sentences: Vec<GoldSentence>, max_queries: usize, corpus: &str) -> Result<Report, EvalError> {
    let queries = sample_queries(&sentences, max_queries);
    let mut by_lemma: HashMap<&str, HashSet<usize>> = HashMap::new();
    for (i, s) in sentences.iter().enumerate() {
        for t in &s.tokens {
            by_lemma.entry(t.lemma.as_str()).or_default().insert(i);
        }
    }
    let empty = HashSet::new();
    let relevant: Vec<&HashSet<usize>> = queries.iter().map(|q| by_lemma.get(q.lemma.as_str()).unwrap_or(&empty)).collect();

    let analyzer = crate::token_analyzer();
    let analyses: Vec<Analysis> = sentences.iter().map(|s| analyzer.analyze(&s.text)).collect();
    let khabar = khabar_index(&sentences, &analyses, &analyzer, true)?;
    let stems = khabar_index(&sentences, &analyses, &analyzer, false)?;
    // tantivy's `default` tokenizer: SimpleTokenizer + RemoveLongFilter(40) + LowerCaser.
    let tantivy_default = TextAnalyzer::builder(tantivy::tokenizer::SimpleTokenizer::default())
        .filter(tantivy::tokenizer::RemoveLongFilter::limit(40))
        .filter(tantivy::tokenizer::LowerCaser)
        .build();
    let mut default = PlainIndex::new("default", tantivy_default, &sentences)?;
    let mut light10 = PlainIndex::new("light10", TextAnalyzer::from(Light10Tokenizer::default()), &sentences)?;

    let mut rows: Vec<(&str, Vec<Metrics>)> = Vec::new();
    let mut khabar_hits = Vec::new();
    let mut m_khabar = Vec::new();
    let mut m_stems = Vec::new();
    let mut m_default = Vec::new();
    let mut m_light = Vec::new();
    for (q, rel) in queries.iter().zip(&relevant) {
        let hits = khabar_search(&khabar, &q.text)?;
        m_khabar.push(metrics(&hits, rel));
        khabar_hits.push(hits);
        m_stems.push(metrics(&khabar_search(&stems, &q.text)?, rel));
        m_default.push(metrics(&default.search(&q.text)?, rel));
        m_light.push(metrics(&light10.search(&q.text)?, rel));
    }
    rows.push(("tantivy default (SimpleTokenizer + LowerCaser)", m_default));
    rows.push(("light10 (normalise + stopwords + light10)", m_light));
    rows.push(("khabar, light stems only (morph field without lemmas)", m_stems));
    rows.push(("khabar (exact + morph field: lemmas, else stems)", m_khabar));
    let engines = rows.iter().map(|(n, m)| score(n, m, &queries)).collect();

    // Where khabar goes wrong.
    let mut conflations: BTreeMap<(String, String), (usize, String)> = BTreeMap::new();
    let mut misses: BTreeMap<(String, String, String), usize> = BTreeMap::new();
    for ((q, rel), hits) in queries.iter().zip(&relevant).zip(&khabar_hits) {
        let qa = analyzer.analyze(&q.text);
        let q_terms: HashSet<String> =
            crate::morph_terms(&qa, &q.text).map(|t| t.2).chain(crate::exact_terms(&qa, &q.text).map(|t| t.2)).collect();
        let hit_set: HashSet<usize> = hits.iter().copied().collect();
        for &h in hits.iter().filter(|h| !rel.contains(h)) {
            let (s, a) = (&sentences[h], &analyses[h]);
            let matched = crate::morph_terms(a, &s.text).find(|t| q_terms.contains(&t.2));
            if let Some((start, end, _)) = matched {
                if let Some(t) = token_at(s, start) {
                    let e = conflations
                        .entry((q.lemma.clone(), t.lemma.clone()))
                        .or_insert((0, format!("{} ~ {}", q.text, &s.text[start..end])));
                    e.0 += 1;
                }
            }
        }
        for &r in rel.iter().filter(|r| !hit_set.contains(r)) {
            if let Some(t) = sentences[r].tokens.iter().find(|t| t.lemma == q.lemma) {
                *misses.entry((q.lemma.clone(), q.text.clone(), t.surface.clone())).or_default() += 1;
            }
        }
    }
    let mut conflations: Vec<Conflation> = conflations
        .into_iter()
        .map(|((query_lemma, matched_lemma), (count, example))| Conflation { query_lemma, matched_lemma, example, count })
        .collect();
    conflations.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.query_lemma.cmp(&b.query_lemma)));
    conflations.truncate(10);
    let mut misses: Vec<Miss> =
        misses.into_iter().map(|((lemma, query, missed_form), count)| Miss { lemma, query, missed_form, count }).collect();
    misses.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.lemma.cmp(&b.lemma)));
    misses.truncate(10);

    Ok(Report {
        corpus: corpus.to_owned(),
        documents: sentences.len(),
        queries: queries.len(),
        queries_with_clitics: queries.iter().filter(|q| q.clitics).count(),
        mean_relevant: relevant.iter().map(|r| r.len() as f64).sum::<f64>() / queries.len().max(1) as f64,
        engines,
        conflations,
        misses,
        test_only: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rebuilds_clitics() {
        let conllu = "1\tوَ\tوَ\tCONJ\t_\t_\t0\t_\t_\t_\n2\tلِ\tلِ\tADP\t_\t_\t0\t_\t_\t_\n3\tاَلمُفَاوَضَاتِ\tمُفَاوَضَة\tNOUN\t_\t_\t0\t_\t_\t_\n\
4\tمَدِينَةِ\tمَدِينَة\tNOUN\t_\t_\t0\t_\t_\t_\n5\tهِ\tهُوَ\tPRON\t_\t_\t0\t_\t_\t_\n\n";
        let s = parse_padt(conllu);
        assert_eq!(s.len(), 1);
        assert_eq!(s[0].text, "وللمفاوضات مدينته");
        assert_eq!(s[0].tokens[0].lemma, "مفاوضة");
        assert!(s[0].tokens[0].clitics && s[0].tokens[1].clitics);
        assert_eq!(khabar_text::tokenize(&s[0].text).count(), 2);
    }
}
