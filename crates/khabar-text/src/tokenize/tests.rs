use super::*;

fn toks(text: &str) -> Vec<(&str, TokenKind)> {
    tokenize(text).map(|t| (t.text(text), t.kind)).collect()
}

fn texts(text: &str) -> Vec<&str> {
    tokenize(text).map(|t| t.text(text)).collect()
}

#[test]
fn arabic_words_keep_diacritics_and_tatweel() {
    assert_eq!(toks("وَصَلَ الرئيـــس"), vec![("وَصَلَ", TokenKind::Arabic), ("الرئيـــس", TokenKind::Arabic)]);
}

#[test]
fn presentation_forms_are_arabic_words() {
    assert_eq!(toks("ﻻ ﺑﺄﺱ"), vec![("ﻻ", TokenKind::Arabic), ("ﺑﺄﺱ", TokenKind::Arabic)]);
}

#[test]
fn persian_joiner_inside_word_only() {
    assert_eq!(texts("می\u{200C}خواهم \u{200C}"), vec!["می\u{200C}خواهم"]);
}

#[test]
fn bidi_controls_separate_and_vanish() {
    assert_eq!(texts("\u{200F}بوتين\u{202B}كيم\u{202C}"), vec!["بوتين", "كيم"]);
}

#[test]
fn punctuation_without_spaces() {
    assert_eq!(texts("الاثنين،عن"), vec!["الاثنين", "،", "عن"]);
    assert_eq!(texts("لماذا؟قال"), vec!["لماذا", "؟", "قال"]);
    assert_eq!(texts("(CNN)--"), vec!["(", "CNN", ")", "--"]);
}

#[test]
fn quotes_and_brackets() {
    assert_eq!(texts("«أوروس» \"أوروس\" (أوروس)"), vec!["«", "أوروس", "»", "\"", "أوروس", "\"", "(", "أوروس", ")"]);
}

#[test]
fn numbers() {
    assert_eq!(toks("2018"), vec![("2018", TokenKind::Number)]);
    assert_eq!(toks("1,000.5"), vec![("1,000.5", TokenKind::Number)]);
    assert_eq!(toks("٣٫٥"), vec![("٣٫٥", TokenKind::Number)]);
    assert_eq!(toks("۲۴"), vec![("۲۴", TokenKind::Number)]);
    assert_eq!(texts("24 عاما."), vec!["24", "عاما", "."]);
    assert_eq!(texts("عام 2018."), vec!["عام", "2018", "."]);
    assert_eq!(texts("5,"), vec!["5", ","]);
}

#[test]
fn latin_words() {
    assert_eq!(
        toks("Kim Jong-un's G20"),
        vec![
            ("Kim", TokenKind::Latin),
            ("Jong", TokenKind::Latin),
            ("-", TokenKind::Punct),
            ("un's", TokenKind::Latin),
            ("G20", TokenKind::Latin),
        ]
    );
    assert_eq!(toks("Путин"), vec![("Путин", TokenKind::Word)]);
    assert_eq!(texts("CNNعربية"), vec!["CNN", "عربية"]);
}

#[test]
fn urls() {
    assert_eq!(
        toks("انظر https://www.cnn.com/ar/a?b=1."),
        vec![("انظر", TokenKind::Arabic), ("https://www.cnn.com/ar/a?b=1", TokenKind::Url), (".", TokenKind::Punct),]
    );
    assert_eq!(texts("(www.spa.gov.sa)"), vec!["(", "www.spa.gov.sa", ")"]);
    assert_eq!(toks("http://ar.wikipedia.org/wiki/بيونغ_يانغ"), vec![("http://ar.wikipedia.org/wiki/بيونغ_يانغ", TokenKind::Url)]);
}

#[test]
fn emails() {
    assert_eq!(
        toks("راسلنا: news.desk@example.com."),
        vec![("راسلنا", TokenKind::Arabic), (":", TokenKind::Punct), ("news.desk@example.com", TokenKind::Email), (".", TokenKind::Punct),]
    );
    assert_eq!(texts("a@b"), vec!["a", "@", "b"]);
}

#[test]
fn mentions_and_hashtags() {
    assert_eq!(
        toks("@CNNArabic #قمة_العشرين #G20"),
        vec![("@CNNArabic", TokenKind::Mention), ("#قمة_العشرين", TokenKind::Hashtag), ("#G20", TokenKind::Hashtag),]
    );
    assert_eq!(toks("# @"), vec![("#", TokenKind::Punct), ("@", TokenKind::Punct)]);
}

#[test]
fn symbols_and_emoji() {
    assert_eq!(toks("$ 👍🏽"), vec![("$", TokenKind::Symbol), ("👍🏽", TokenKind::Symbol)]);
}

#[test]
fn lone_marks_are_kept() {
    let t = "\u{064B}\u{064C}\u{064D}";
    assert_eq!(texts(t), vec![t]);
}

#[test]
fn empty_and_spaces() {
    assert!(texts("").is_empty());
    assert!(texts(" \n\t\u{00A0}\u{200B}").is_empty());
}

#[test]
fn control_characters_separate_and_vanish() {
    // SaudiNewsNet has 658 SUB (U+001A) characters where pictures were: they were symbol tokens
    // that opened summary sentences; NUL, BEL and ESC went into CoNLL-U FORM columns.
    assert_eq!(texts("الوطن. \u{1a}\u{1a}من احتفالات"), ["الوطن", ".", "من", "احتفالات"]);
    assert_eq!(texts("قال\u{0}الرئيس\u{7} \u{1b}[31mمحمد\u{7f}\u{9b}x"), ["قال", "الرئيس", "[", "31", "m", "محمد", "x"]);
    assert_eq!(texts("https://a.b/c\u{1a}d"), ["https://a.b/c", "d"]);
    assert!(texts("\u{0}\u{1}\u{1a}\u{7f}\u{80}\u{9f}").is_empty());
}
