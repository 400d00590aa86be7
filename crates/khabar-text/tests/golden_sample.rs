//! Golden test on the project's sample article (`examples/pyongyang-aurus.txt`,
//! a CNN Arabic report, June 2024; see SOURCES.md).
//!
//! Every expectation here was written by reading the article, not by copying
//! program output: the article has fourteen lines, each one sentence ending in
//! a full stop, and no line break inside a sentence.

use khabar_text::{normalize, normalize_aligned, split_sentences, tokenize, Profile, Sentence, Token, TokenKind};

const SAMPLE: &str = include_str!("../../../examples/pyongyang-aurus.txt");

fn analyse() -> (Vec<Token>, Vec<Sentence>) {
    let tokens: Vec<Token> = tokenize(SAMPLE).collect();
    let sentences = split_sentences(SAMPLE, &tokens);
    (tokens, sentences)
}

/// Expected tokens, written as the token texts separated by single spaces
/// (no expected token contains a space).
fn words(s: &str) -> Vec<&str> {
    s.split(' ').collect()
}

/// The token texts of sentence `i`.
fn sentence_tokens(tokens: &[Token], sentences: &[Sentence], i: usize) -> Vec<&'static str> {
    tokens[sentences[i].tokens.clone()].iter().map(|t| t.text(SAMPLE)).collect()
}

/// (first words, last words) of each of the fourteen sentences, in order.
const SENTENCE_EDGES: [(&str, &str); 14] = [
    ("(CNN)-- شوهد الرئيس الروسي", "لبيونغ يانغ منذ 24 عاما."),
    ("وفي لقطات نشرتها وكالة", "في السيارة \"أوروس\" الفاخرة."),
    ("وظهر بوتين وهو يستدير", "على مواقع التواصل الاجتماعي."),
    ("وتهدف الصور إلى تسليط", "للدولة المنعزلة هذا الأسبوع."),
    ("والأربعاء، قدم بوتين لكيم", "زعيم كوريا الشمالية تلك السيارة."),
    ("ووفقا لمساعد بوتين، يوري أوشاكوف،", "أيضاً لكيم طقم شاي."),
    ("وأظهرت لقطات من وكالة", "في العلاقات بين البلدين."),
    ("وكانت رحلة بوتين بمثابة", "المشترك تجاه الغرب."),
    ("ووصل الزعيم الروسي إلى", "التعاون العسكري بين البلدين."),
    ("وخلال الزيارة، أعلن الزعيمان", "في حربها في أوكرانيا."),
    ("وأعرب كيم، في تصريحات", "واستقرار أراضيها\"."),
    ("ومن جانبه، أشاد بوتين", "\"المساواة والاحترام المتبادل\"."),
    ("وأثارت العلاقة المزدهرة القلق", "في بيونغ يانغ الخاضع لعقوبات مشددة."),
    ("وبعد زيارته لكوريا الشمالية،", "مع الدول الصديقة وسط عزلة غربية."),
];

#[test]
fn fourteen_sentences_one_per_line() {
    let (_, sentences) = analyse();
    assert_eq!(sentences.len(), 14);
    let lines: Vec<&str> = SAMPLE.lines().collect();
    assert_eq!(lines.len(), 14, "the sample has 14 lines");
    for (i, s) in sentences.iter().enumerate() {
        let text = &SAMPLE[s.span.range()];
        let (first, last) = SENTENCE_EDGES[i];
        assert!(text.starts_with(first), "sentence {i} should start with {first:?}: {text:?}");
        assert!(text.ends_with(last), "sentence {i} should end with {last:?}: {text:?}");
        // One sentence per line: the sentence is exactly its line.
        assert_eq!(text, lines[i], "sentence {i}");
        assert!(!text.contains('\n'));
    }
    // The sentences cover all tokens, in order, without gaps.
    let (tokens, _) = analyse();
    assert_eq!(sentences[0].tokens.start, 0);
    for w in sentences.windows(2) {
        assert_eq!(w[0].tokens.end, w[1].tokens.start);
    }
    assert_eq!(sentences[13].tokens.end, tokens.len());
}

#[test]
fn line_1_cnn_dateline_quotes_and_number() {
    let (tokens, sentences) = analyse();
    let want = words(
        "( CNN ) -- شوهد الرئيس الروسي فلاديمير بوتين والزعيم الكوري الشمالي كيم جونغ أون \
         وهما يضحكان بينما كانا يتناوبان مع بعضهما البعض قيادة سيارة ليموزين روسية الصنع \
         \" أوروس \" خلال زيارة بوتين الأولى لبيونغ يانغ منذ 24 عاما .",
    );
    assert_eq!(sentence_tokens(&tokens, &sentences, 0), want);

    let s = &tokens[sentences[0].tokens.clone()];
    let kinds: Vec<TokenKind> = s[..5].iter().map(|t| t.kind).collect();
    assert_eq!(
        kinds,
        [
            TokenKind::Punct,  // (
            TokenKind::Latin,  // CNN
            TokenKind::Punct,  // )
            TokenKind::Punct,  // -- (a run of the same dash is one token)
            TokenKind::Arabic, // شوهد
        ]
    );
    let n24 = s.iter().find(|t| t.text(SAMPLE) == "24").unwrap();
    assert_eq!(n24.kind, TokenKind::Number);
    let quotes: Vec<&Token> = s.iter().filter(|t| t.text(SAMPLE) == "\"").collect();
    assert_eq!(quotes.len(), 2);
    assert!(quotes.iter().all(|t| t.kind == TokenKind::Punct));
    assert_eq!(s.last().unwrap().kind, TokenKind::Punct);
    // The article starts with the dateline: the first token is at byte 0.
    assert_eq!(s[0].span.start(), 0);
    assert_eq!(&SAMPLE[s[1].span.range()], "CNN");
    assert_eq!(s[1].span.start(), 1);
    assert_eq!(s[1].span.end(), 4);
}

#[test]
fn line_7_quoted_name_and_year() {
    let (tokens, sentences) = analyse();
    let want = words(
        "وأظهرت لقطات من وكالة الأنباء المركزية الكورية بوتين وهو يتلقى في المقابل زوجا من \
         كلاب الصيد \" بونجسان \" ، وهي نفس السلالة التي أهداها كيم للرئيس الكوري الجنوبي \
         السابق مون جاي إن في عام 2018 خلال انفراجة في العلاقات بين البلدين .",
    );
    assert_eq!(sentence_tokens(&tokens, &sentences, 6), want);
    let s = &tokens[sentences[6].tokens.clone()];
    let y = s.iter().find(|t| t.text(SAMPLE) == "2018").unwrap();
    assert_eq!(y.kind, TokenKind::Number);
    let comma = s.iter().find(|t| t.text(SAMPLE) == "،").unwrap();
    assert_eq!(comma.kind, TokenKind::Punct);
}

#[test]
fn line_9_tanween_stays_in_the_word() {
    let (tokens, sentences) = analyse();
    let want = words(
        "ووصل الزعيم الروسي إلى كوريا الشمالية في الساعات الأولى من صباح الأربعاء ، أي بعد \
         24 عامًا بالضبط من اليوم الذي زار فيه بيونغ يانغ آخر مرة ، وسط مخاوف دولية بشأن \
         التعاون العسكري بين البلدين .",
    );
    assert_eq!(sentence_tokens(&tokens, &sentences, 8), want);
    let s = &tokens[sentences[8].tokens.clone()];
    let w = s.iter().find(|t| t.text(SAMPLE) == "عامًا").unwrap();
    assert_eq!(w.kind, TokenKind::Arabic);
    // "عامًا": ain, alef, meem, fathatan U+064B, alef.
    assert_eq!(w.text(SAMPLE).chars().collect::<Vec<_>>(), ['\u{0639}', '\u{0627}', '\u{0645}', '\u{064B}', '\u{0627}']);
}

#[test]
fn line_10_quoted_phrase() {
    let (tokens, sentences) = analyse();
    let want = words(
        "وخلال الزيارة ، أعلن الزعيمان عن \" شراكة استراتيجية جديدة \" مدفوعة بحاجة موسكو \
         إلى الأسلحة في حربها في أوكرانيا .",
    );
    assert_eq!(sentence_tokens(&tokens, &sentences, 9), want);
}

#[test]
fn line_11_comma_glued_between_words_and_quoted_phrases() {
    let (tokens, sentences) = analyse();
    let got = sentence_tokens(&tokens, &sentences, 10);
    // Written out token by token: "الاثنين،عن" has no space around the comma.
    let head = ["وأعرب", "كيم", "،", "في", "تصريحات", "قبل", "المحادثات", "بين", "الاثنين", "،", "عن", "\"", "دعمه"];
    assert_eq!(&got[..head.len()], head);
    let want = words(
        "وأعرب كيم ، في تصريحات قبل المحادثات بين الاثنين ، عن \" دعمه الكامل وتضامنه مع \
         نضال الحكومة الروسية وجيشها وشعبها \" ، مشيرًا على وجه التحديد إلى حرب موسكو ضد \
         أوكرانيا \" لحماية سيادتها وسلامتها واستقرار أراضيها \" .",
    );
    assert_eq!(got, want);

    let s = &tokens[sentences[10].tokens.clone()];
    // الاثنين | ، | عن are adjacent: no byte between them.
    let i = got.iter().position(|&t| t == "الاثنين").unwrap();
    assert_eq!(s[i].span.end(), s[i + 1].span.start());
    assert_eq!(s[i + 1].span.end(), s[i + 2].span.start());
    assert_eq!(&SAMPLE[s[i].span.start()..s[i + 2].span.end()], "الاثنين،عن");
    assert_eq!([s[i].kind, s[i + 1].kind, s[i + 2].kind], [TokenKind::Arabic, TokenKind::Punct, TokenKind::Arabic]);
    // The two quoted phrases: the text between each pair of quotes.
    let q: Vec<usize> = s.iter().filter(|t| t.text(SAMPLE) == "\"").map(|t| t.span.start()).collect();
    assert_eq!(q.len(), 4);
    assert_eq!(&SAMPLE[q[0] + 1..q[1]], "دعمه الكامل وتضامنه مع نضال الحكومة الروسية وجيشها وشعبها");
    assert_eq!(&SAMPLE[q[2] + 1..q[3]], "لحماية سيادتها وسلامتها واستقرار أراضيها");
    // The sentence ends with a quote then the full stop: `".`
    assert!(SAMPLE[sentences[10].span.range()].ends_with("\"."));
}

#[test]
fn every_span_slices_the_original() {
    let (tokens, sentences) = analyse();
    let mut prev_end = 0;
    for t in &tokens {
        let text = SAMPLE.get(t.span.range()).expect("token span on char boundaries");
        assert_eq!(text, t.text(SAMPLE));
        assert!(!text.is_empty());
        assert!(!text.contains(char::is_whitespace), "{text:?}");
        assert!(t.span.start() >= prev_end, "tokens ordered, no overlap");
        prev_end = t.span.end();
    }
    for s in &sentences {
        let text = SAMPLE.get(s.span.range()).expect("sentence span");
        assert_eq!(s.span.start(), tokens[s.tokens.start].span.start());
        assert_eq!(s.span.end(), tokens[s.tokens.end - 1].span.end());
        assert!(text.ends_with('.'));
    }
    // The only Latin word is CNN, and the only numbers are 24 (twice) and 2018.
    let latin: Vec<&str> = tokens.iter().filter(|t| t.kind == TokenKind::Latin).map(|t| t.text(SAMPLE)).collect();
    assert_eq!(latin, ["CNN"]);
    let numbers: Vec<&str> = tokens.iter().filter(|t| t.kind == TokenKind::Number).map(|t| t.text(SAMPLE)).collect();
    assert_eq!(numbers, ["24", "2018", "24"]);
}

#[test]
fn search_normalisation_maps_back_to_the_original() {
    let norm = normalize_aligned(SAMPLE, Profile::Search);
    assert_eq!(norm.normalized(), normalize(SAMPLE, Profile::Search));
    // "أوروس" folds to "اوروس", and maps back to the quoted surface.
    let n = norm.normalized();
    let at = n.find("\"اوروس\"").expect("folded brand name") + 1;
    let span = norm.to_original(at, at + "اوروس".len()).unwrap();
    assert_eq!(&SAMPLE[span.range()], "أوروس");
    // "عامًا" loses its tanween: "عاما", mapping back to the marked surface.
    let at = n.find("24 عاما بالضبط").unwrap() + "24 ".len();
    let span = norm.to_original(at, at + "عاما".len()).unwrap();
    assert_eq!(&SAMPLE[span.range()], "عامًا");
    // "(CNN)--" is lowercased; the hamza on yeh of "الرئيس" is kept.
    assert!(n.starts_with("(cnn)-- شوهد الرئيس الروسي"));
}
