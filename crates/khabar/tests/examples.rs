//! The Analysis of the example articles in `examples/` (see SOURCES.md):
//! offsets hold on real news text, and a few tokens read off the articles
//! come out with the expected kind and search-normalised form.

use khabar::text::TokenKind;
use khabar::{Analysis, Analyzer, Document};

const SAMPLE: &str = include_str!("../../../examples/pyongyang-aurus.txt");
const SABQ: &str = include_str!("../../../examples/sabq-blackbushe-plane-crash.txt");
const OKAZ: &str = include_str!("../../../examples/okaz-nuweiba-ivory-seizure.txt");
const ALYAUM: &str = include_str!("../../../examples/alyaum-khobar-warehouse-fire.txt");
const JSONL: &str = include_str!("../../../examples/news-sample.jsonl");

fn analyse(text: &str) -> Analysis {
    let a = Analyzer::default().analyze(text);
    a.check_offsets(text).unwrap();
    a
}

/// The (kind, norm) of the first token whose surface is `surface`.
fn find(a: &Analysis, surface: &str) -> (TokenKind, String) {
    let t = a.tokens.iter().find(|t| t.text == surface).unwrap_or_else(|| panic!("no token {surface:?}"));
    (t.kind, t.norm.clone())
}

#[test]
fn sample_article() {
    let a = analyse(SAMPLE);
    assert_eq!(a.sentences.len(), 14);
    assert_eq!(find(&a, "CNN"), (TokenKind::Latin, "cnn".into()));
    assert_eq!(find(&a, "أوروس"), (TokenKind::Arabic, "اوروس".into()));
    assert_eq!(find(&a, "عامًا"), (TokenKind::Arabic, "عاما".into()));
    assert_eq!(find(&a, "2018"), (TokenKind::Number, "2018".into()));
}

#[test]
fn sabq_latin_registration_and_arabic_indic_digits() {
    let a = analyse(SABQ);
    // The title line is a sentence of its own (no stop, ended by the line break).
    assert_eq!(a.sentences[0].text, "مصادر: ضحايا الطائرة من أسرة سعودية ثرية وقائدها أجنبي");
    // "برقم HZ IBN": the aircraft registration is two Latin words.
    assert_eq!(find(&a, "HZ"), (TokenKind::Latin, "hz".into()));
    assert_eq!(find(&a, "IBN"), (TokenKind::Latin, "ibn".into()));
    // "إمبراير ٥٠٥ فانوم ٣٠٠": Arabic-Indic numbers fold to ASCII digits.
    assert_eq!(find(&a, "٥٠٥"), (TokenKind::Number, "505".into()));
    assert_eq!(find(&a, "٣٠٠"), (TokenKind::Number, "300".into()));
    // "الساعة 18:02": the colon is not a number separator.
    let i = a.tokens.iter().position(|t| t.text == "18").unwrap();
    let next: Vec<&str> = a.tokens[i..i + 3].iter().map(|t| t.text.as_str()).collect();
    assert_eq!(next, ["18", ":", "02"]);
    // "تحطُّم" (written shadda then damma) keeps its marks in the surface, not in the norm.
    assert_eq!(find(&a, "تحط\u{0651}\u{064F}م"), (TokenKind::Arabic, "تحطم".into()));
}

#[test]
fn okaz_numbers_with_separators() {
    let a = analyse(OKAZ);
    assert_eq!(a.sentences[0].text, "إحباط تهريب 32 كيلو عاجا من المملكة");
    // "تزن 32,700 كجم": the thousands comma stays inside the number.
    assert_eq!(find(&a, "32,700"), (TokenKind::Number, "32,700".into()));
    assert_eq!(find(&a, "٢٠١٥"), (TokenKind::Number, "2015".into()));
    assert_eq!(find(&a, "327000"), (TokenKind::Number, "327000".into()));
    // «بريدج» in guillemets.
    let i = a.tokens.iter().position(|t| t.text == "بريدج").unwrap();
    assert_eq!(a.tokens[i - 1].text, "«");
    assert_eq!(a.tokens[i + 1].text, "»");
}

#[test]
fn alyaum_decimal_time_and_glued_sentences() {
    let a = analyse(ALYAUM);
    // "الساعة 4.16 عصر": a decimal point between digits does not end a sentence.
    assert_eq!(find(&a, "4.16"), (TokenKind::Number, "4.16".into()));
    assert_eq!(find(&a, "٢"), (TokenKind::Number, "2".into()));
    // "فرق محافظة الخبر.وهرعت": a stop glued to the next word still ends the sentence.
    let s = a.sentences.iter().position(|s| s.text.ends_with("فرق محافظة الخبر.")).expect("sentence ending before the glued وهرعت");
    assert!(a.sentences[s + 1].text.starts_with("وهرعت فرقة الإطفاء"));
    assert_eq!(a.sentences[s].end, a.sentences[s + 1].start);
}

#[test]
fn news_sample_jsonl() {
    let docs: Vec<Document> = JSONL.lines().map(|l| Document::from_json(l).unwrap()).collect();
    assert_eq!(docs.len(), 20);
    let mut sources: Vec<&str> = docs.iter().filter_map(|d| d.source.as_deref()).collect();
    sources.sort_unstable();
    sources.dedup();
    assert!(sources.len() >= 10, "{sources:?}");
    for d in &docs {
        assert!(d.published.as_deref().unwrap().starts_with("2015-08"));
        assert!(d.title.is_some() && d.url.is_some());
        let a = Analyzer::default().analyze_document(d);
        assert_eq!(a.id, d.id);
        a.check_offsets(&d.body).unwrap();
        assert!(!a.sentences.is_empty());
    }
}
