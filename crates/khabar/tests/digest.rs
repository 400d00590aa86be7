//! Keyphrases and summary (issue 8): a golden test on the sample article,
//! written from reading it (examples/pyongyang-aurus.txt: Putin and Kim Jong Un
//! driving an Aurus limousine during Putin's visit to Pyongyang; the two
//! announce a "new strategic partnership"), and property tests of the offsets.

use khabar::{Analysis, Analyzer, AnalyzerOptions, DigestOptions};
use proptest::prelude::*;

const TEXT: &str = include_str!("../../../examples/pyongyang-aurus.txt");

fn sample() -> Analysis {
    let a = Analyzer::default().analyze(TEXT);
    a.check_offsets(TEXT).unwrap();
    a
}

fn has_phrase(a: &Analysis, words: &[&str]) -> bool {
    a.keyphrases.iter().any(|k| words.iter().all(|w| k.text.contains(w)))
}

#[test]
fn sample_keyphrases_name_the_people_places_and_the_partnership() {
    let a = sample();
    let shown: Vec<&str> = a.keyphrases.iter().map(|k| k.text.as_str()).collect();
    assert_eq!(a.keyphrases.len(), 10, "{shown:?}");
    // The people: Putin and Kim.
    assert!(has_phrase(&a, &["بوتين"]), "Putin missing from {shown:?}");
    assert!(has_phrase(&a, &["كيم"]), "Kim missing from {shown:?}");
    // The places: North Korea / Pyongyang, and Russia / Moscow.
    assert!(has_phrase(&a, &["كوري"]) || has_phrase(&a, &["بيونغ"]), "North Korea missing from {shown:?}");
    assert!(has_phrase(&a, &["روسي"]) || has_phrase(&a, &["موسكو"]), "Russia missing from {shown:?}");
    // Grouping: Putin is one keyphrase with all his mentions (he is named 11 times).
    let putin: Vec<_> = a.keyphrases.iter().filter(|k| k.text.contains("بوتين")).collect();
    assert_eq!(putin.len(), 1, "{shown:?}");
    assert!(putin[0].spans.len() >= 8, "{:?}", putin[0].spans);
    // Each keyphrase's text is one of its mentions; scores are best first.
    for k in &a.keyphrases {
        assert!(k.spans.iter().any(|s| TEXT[s.start..s.end] == k.text), "{k:?}");
    }
    assert!(a.keyphrases.windows(2).all(|w| w[0].score >= w[1].score));
}

/// The "new strategic partnership" (شراكة استراتيجية جديدة) is the news of the
/// visit; the article names it once, in sentence 10 of 14, as a quoted term. The
/// scoring chosen on the dev articles ranks it outside the top 10 (35th with the
/// learned scorer, 34th with the hand formula: position weighs heavily). Boosting whole
/// quoted terms enough to find it (`term_as_lede=1`: 7th; `kp.term=2`: 8th) lowers dev
/// recall@10 beyond noise (bootstrap intervals below 0), and fewer than half of the
/// quoted terms of 20 dev articles read as good keyphrases (docs/digest.md). As the object
/// of an announcement verb (أعلن الزعيمان عن, `kp.announced_obj=2`: 6th) dev stays within
/// noise, but the objects it brings into other dev lists read worse as often as better, so
/// this test stays ignored: `cargo test -p khabar --test digest -- --ignored`.
#[test]
#[ignore = "the strategic partnership ranks outside the top 10 with the dev-chosen scoring (see the comment)"]
fn sample_keyphrases_include_the_strategic_partnership() {
    let a = sample();
    let shown: Vec<&str> = a.keyphrases.iter().map(|k| k.text.as_str()).collect();
    assert!(has_phrase(&a, &["شراكة", "استراتيجية"]), "the strategic partnership missing from {shown:?}");
}

/// The article opens with its source credit `(CNN)--`: a credit, not a keyphrase.
#[test]
fn sample_keyphrases_skip_the_credit() {
    let a = sample();
    let shown: Vec<&str> = a.keyphrases.iter().map(|k| k.text.as_str()).collect();
    assert!(!shown.iter().any(|k| k.contains("CNN")), "{shown:?}");
}

/// North Korea's leader (الزعيم الكوري الشمالي) is a near repeat once كوريا الشمالية and
/// الزعيمين … are keyphrases. With the hand formula (`kp_model: false`) it is skipped (its
/// words' stems are all in chosen keyphrases); the learned scorer ranks it 6th, before كوريا
/// الشمالية, and the later-cover step (`cover_later`) then drops it from the shown ten.
#[test]
fn sample_keyphrases_skip_near_repeats() {
    let a = sample();
    let shown: Vec<&str> = a.keyphrases.iter().map(|k| k.text.as_str()).collect();
    assert!(!shown.iter().any(|k| k.contains("الزعيم الكوري")), "{shown:?}");
}

/// The same with the hand formula: a phrase whose stems are all in chosen keyphrases is skipped.
#[test]
fn hand_formula_skips_near_repeats_in_the_sample() {
    let mut d = DigestOptions::default();
    d.kp_model = false;
    let a = Analyzer::default().with_digest_options(d).analyze(TEXT);
    let shown: Vec<&str> = a.keyphrases.iter().map(|k| k.text.as_str()).collect();
    assert!(!shown.iter().any(|k| k.contains("الزعيم الكوري")), "{shown:?}");
}

/// The hand formula is one weight vector of the learned model (`KP_HAND`): both give the
/// sample the same top 10.
#[test]
fn learned_model_with_hand_weights_is_the_hand_formula() {
    let mut hand = DigestOptions::default();
    hand.kp_model = false;
    let mut learned = DigestOptions::default();
    learned.kp = khabar::digest::KP_HAND;
    let texts = |d: DigestOptions| -> Vec<String> {
        Analyzer::default().with_digest_options(d).analyze(TEXT).keyphrases.into_iter().map(|k| k.text).collect()
    };
    assert_eq!(texts(hand), texts(learned));
    let mut d = DigestOptions::default();
    d.set_weights("kp_model=0,kp.per=-1.5").unwrap();
    assert!(!d.kp_model);
    assert_eq!(d.kp[khabar::digest::KP_FEATURES.iter().position(|f| *f == "per").unwrap()], -1.5);
    assert!(d.set_weight("kp.nothing", 1.0).is_err());
}

/// `--keyphrases 35` extends the default ten (session 14): الرئيس الروسي, 8th of the ten, was
/// dropped from the longer list when the later cover was judged over all 35 phrases.
#[test]
fn sample_more_keyphrases_extend_the_default_ten() {
    let a = sample();
    let mut o = AnalyzerOptions::default();
    o.keyphrases = 35;
    let b = Analyzer::new(o).analyze(TEXT);
    assert!(b.keyphrases.len() > 30, "{}", b.keyphrases.len());
    assert_eq!(a.keyphrases[..], b.keyphrases[..10]);
    assert_eq!(a.summary, b.summary);
}

/// What a reader saw in the sample's longer list (session 14), fixed generically: an adjective
/// that agrees with no noun of the phrase ends it (زيارة الرئيس الروسي النادرة: نادرة is the
/// visit's, so the phrase is الرئيس الروسي and joins its other mention); an unknown word with the
/// shape of an imperfect verb (يستدير) and a weekday (الخميس) are not keyphrases; with
/// `trim_elided_article` (off by default) a phrase after ل + an elided article starts after لل,
/// as entity spans do (للدولة → دولة).
#[test]
fn sample_longer_list_reads_cleanly() {
    let mut d = DigestOptions::default();
    d.keyphrases = 35;
    let plain = Analyzer::default().with_digest_options(d.clone()).analyze(TEXT);
    let shown: Vec<&str> = plain.keyphrases.iter().map(|k| k.text.as_str()).collect();
    // Off by default (docs/digest.md): لل is kept.
    assert!(shown.contains(&"للدولة المنعزلة"), "{shown:?}");
    d.set_weights("trim_elided_article=1").unwrap();
    let a = Analyzer::default().with_digest_options(d).analyze(TEXT);
    let shown: Vec<&str> = a.keyphrases.iter().map(|k| k.text.as_str()).collect();
    assert!(!shown.iter().any(|k| k.contains("النادرة")), "{shown:?}");
    let president = a.keyphrases.iter().find(|k| k.text == "الرئيس الروسي").expect("الرئيس الروسي");
    assert_eq!(president.spans.len(), 2, "{president:?}");
    assert!(!shown.contains(&"يستدير") && !shown.contains(&"الخميس"), "{shown:?}");
    assert!(!shown.iter().any(|k| k.starts_with("لل")), "{shown:?}");
    assert!(shown.contains(&"دولة المنعزلة"), "{shown:?}");
    for k in &a.keyphrases {
        assert!(k.spans.iter().all(|s| TEXT.get(s.start..s.end).is_some()), "{k:?}");
        assert!(k.spans.iter().any(|s| TEXT[s.start..s.end] == k.text), "{k:?}");
    }
}

/// The four rules on a text of their own, and each option turns its rule off.
#[test]
fn agreement_calendar_verb_and_article_rules() {
    let text = "وصل الوزير السعودي إلى العاصمة يوم الخميس الماضي في زيارته الرسمية. \
                وقالت الوزارة إن الوضع الاقتصادي مستقر، وإن زيارة الوزير السعودي الرسمية للمدينة الصناعية ناجحة. \
                وأكد الوزير السعودي أن المدينة الصناعية مهمة.";
    let phrases = |w: &str| -> Vec<String> {
        let mut d = DigestOptions::default();
        d.keyphrases = 30;
        d.set_weights(w).unwrap();
        let a = Analyzer::default().with_digest_options(d).analyze(text);
        a.check_offsets(text).unwrap();
        a.keyphrases.into_iter().map(|k| k.text).collect()
    };
    let on = phrases("trim_elided_article=1");
    assert!(!on.iter().any(|k| k.contains("الخميس")), "{on:?}");
    assert!(on.iter().any(|k| k == "مدينة الصناعية"), "{on:?}");
    assert!(!on.iter().any(|k| k.contains("مستقر") || k.contains("ناجحة")), "a predicate is not part of the phrase: {on:?}");
    assert!(!on.iter().any(|k| k.contains("الرسمية")), "الرسمية is the visit's: {on:?}");
    let off = phrases("drop_calendar=0,trim_elided_article=0,agreement=0");
    assert!(off.iter().any(|k| k.contains("الخميس")), "{off:?}");
    assert!(off.iter().any(|k| k.starts_with("للمدينة الصناعية")), "{off:?}");
    assert!(off.iter().any(|k| k == "الوزير السعودي الرسمية"), "{off:?}");
}

#[test]
fn cover_keys_fold_a_country_with_its_adjective() {
    use khabar::digest::cover_key;
    assert_eq!(cover_key("كوريا"), cover_key("كوري"));
    assert_eq!(cover_key("روسيا"), cover_key("روسي"));
    assert_eq!(cover_key("زعيمين"), cover_key("زعيم"));
    assert_ne!(cover_key("روسيا"), cover_key("رئيس"));
    assert_eq!(cover_key(""), "");
}

#[test]
fn sample_summary_opens_with_the_lede() {
    let a = sample();
    assert_eq!(a.summary.len(), 3);
    assert!(a.summary.windows(2).all(|w| w[0].end <= w[1].start), "not in article order");
    for s in &a.summary {
        assert_eq!(&TEXT[s.start..s.end], s.text);
        // A sentence, or its main clause: its dateline opener (سبق- الرياض:) and an
        // appended clause (، حيث …) trimmed, inside one sentence.
        assert!(a.sentences.iter().any(|x| x.start <= s.start && s.end <= x.end && s.start < s.end), "not in a sentence: {}", s.text);
    }
    // A reader opens with the lede: Putin and Kim seen laughing as they take
    // turns driving the Aurus during Putin's first visit to Pyongyang in 24 years.
    let first = &a.summary[0].text;
    assert!(first.contains("شوهد الرئيس الروسي فلاديمير بوتين"), "{first}");
}

#[test]
fn counts_follow_the_options() {
    let mut o = AnalyzerOptions::default();
    o.keyphrases = 4;
    o.summary_sentences = 1;
    let a = Analyzer::new(o).analyze(TEXT);
    assert_eq!((a.keyphrases.len(), a.summary.len()), (4, 1));
    let mut o = AnalyzerOptions::default();
    o.keyphrases = 0;
    o.summary_sentences = 0;
    let a = Analyzer::new(o).analyze(TEXT);
    assert!(a.keyphrases.is_empty() && a.summary.is_empty());
    // More sentences than the text has: all of them.
    let mut o = AnalyzerOptions::default();
    o.summary_sentences = 100;
    let a = Analyzer::new(o).analyze(TEXT);
    assert_eq!(a.summary.len(), a.sentences.len());
}

#[test]
fn text_only_analyzer_still_finds_phrases() {
    let mut o = AnalyzerOptions::text_only();
    o.keyphrases = 10;
    o.summary_sentences = 3;
    let a = Analyzer::new(o).analyze(TEXT);
    a.check_offsets(TEXT).unwrap();
    assert_eq!(a.keyphrases.len(), 10);
    assert_eq!(a.summary.len(), 3);
}

#[test]
fn older_json_without_the_fields_still_parses() {
    let a: Analysis = serde_json::from_str(r#"{"length":0,"tokens":[],"sentences":[]}"#).unwrap();
    assert!(a.keyphrases.is_empty() && a.summary.is_empty());
}

fn words() -> impl Strategy<Value = String> {
    let word = prop::sample::select(vec![
        "الرئيس",
        "بوتين",
        "وبالمفاوضات",
        "للدولة",
        "كوريا",
        "الشمالية",
        "شراكة",
        "استراتيجية",
        "وكالة",
        "الأنباء",
        "في",
        "من",
        "إلى",
        "قال",
        "حربها",
        "ﻻ",
        "أَحْمَدُ",
        "ـــ",
        "G20",
        "٢٠١٨",
        ".",
        "،",
        "\n",
        "؟",
        "\"",
        "(",
        ")",
        "\u{200F}",
        "é",
    ]);
    prop::collection::vec((word, prop::sample::select(vec!["", " ", " ", "  ", "\n"])), 0..120)
        .prop_map(|v| v.into_iter().map(|(w, s)| format!("{w}{s}")).collect())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn digest_offsets_slice_the_text(x in words()) {
        let a = Analyzer::default().analyze(&x);
        if let Err(e) = a.check_offsets(&x) {
            return Err(TestCaseError::fail(format!("{e} for {x:?}")));
        }
        prop_assert!(a.keyphrases.len() <= 10 && a.summary.len() <= 3);
        for k in &a.keyphrases {
            prop_assert!(!k.spans.is_empty());
            prop_assert!(k.spans.iter().any(|s| x[s.start..s.end] == k.text));
            prop_assert!(k.score.is_finite());
        }
        prop_assert!(a.summary.windows(2).all(|w| w[0].end <= w[1].start));
        for s in &a.summary {
            prop_assert_eq!(&x[s.start..s.end], s.text.as_str());
            prop_assert!(s.score.is_finite());
        }
        // With the elided article trimmed (للدولة → دولة) the spans still slice the text.
        let mut d = DigestOptions::default();
        d.set_weights("trim_elided_article=1").unwrap();
        let b = Analyzer::default().with_digest_options(d).analyze(&x);
        prop_assert!(b.check_offsets(&x).is_ok());
        for k in &b.keyphrases {
            prop_assert!(k.spans.iter().any(|s| x[s.start..s.end] == k.text));
        }
    }

    /// Asking for more keyphrases extends the list: the list for k is a prefix of the list
    /// for any k' > k (the later cover is judged over a fixed window), and the summary does
    /// not change.
    #[test]
    fn more_keyphrases_extend_the_list(x in words(), k in 1usize..12, more in 1usize..30) {
        let with = |n: usize| {
            let mut o = AnalyzerOptions::default();
            o.keyphrases = n;
            Analyzer::new(o).analyze(&x)
        };
        let (a, b) = (with(k), with(k + more));
        prop_assert!(a.keyphrases.len() <= k);
        prop_assert!(b.keyphrases.len() >= a.keyphrases.len());
        prop_assert_eq!(&a.keyphrases[..], &b.keyphrases[..a.keyphrases.len()]);
        if a.keyphrases.len() < k {
            prop_assert_eq!(a.keyphrases.len(), b.keyphrases.len());
        }
        prop_assert_eq!(a.summary, b.summary);
    }

    #[test]
    fn digest_never_panics_on_any_string(x in any::<String>()) {
        let a = Analyzer::default().analyze(&x);
        prop_assert!(a.check_offsets(&x).is_ok());
    }

    #[test]
    fn long_texts_in_pieces_keep_digest_offsets(x in words(), n in 1usize..4) {
        // analyze_parallel joins pieces, then computes the digest on the whole text.
        let long: String = std::iter::repeat_n(x.as_str(), n).collect::<Vec<_>>().join("\n");
        let a = Analyzer::default().analyze_parallel(&long);
        prop_assert!(a.check_offsets(&long).is_ok());
    }
}

#[test]
fn datelines_are_trimmed_and_link_lines_never_picked() {
    let text = "سبق- الرياض: أعلنت وزارة الصحة السعودية اليوم افتتاح مستشفى جديد في مدينة الرياض بسعة خمسمئة سرير.\n\
                وقال وزير الصحة إن المستشفى الجديد يخدم سكان شمال الرياض.\n\
                وأضاف أن المستشفى يضم أقساما للطوارئ والعناية المركزة.\n\
                رابط الخبر بصحيفة الوئام: وزارة الصحة تفتتح مستشفى جديدا في الرياض";
    let a = Analyzer::default().analyze(text);
    a.check_offsets(text).unwrap();
    assert_eq!(a.summary.len(), 3);
    let first = &a.summary[0];
    assert!(first.text.starts_with("أعلنت وزارة الصحة"), "{}", first.text);
    assert_eq!(&text[first.start..first.end], first.text);
    assert!(a.summary.iter().all(|s| !s.text.contains("رابط")), "{:?}", a.summary);
    // Asked for every sentence, the summary still leaves the link line out.
    let mut o = AnalyzerOptions::default();
    o.summary_sentences = 10;
    let all = Analyzer::new(o).analyze(text);
    assert_eq!((all.sentences.len(), all.summary.len()), (4, 3), "{:?}", all.summary);
}

/// The announcement features (docs/digest.md, session 9): after أعلن the subject's stretch is
/// `announced`, the object after عن is also `announced_obj`; a phrase headed by the verbal noun
/// of the class (توقيع اتفاقية) is `announce_head`; every feature is finite.
#[test]
fn announcement_features_mark_the_object_of_an_announcement_verb() {
    let text = "أعلنت الحكومة السعودية عن خطة اقتصادية جديدة يوم الأحد في الرياض. \
                وبعد ذلك جرى توقيع اتفاقية تعاون بين الجانبين، وقال الوزير إن الخطة طموحة.";
    let a = Analyzer::default().analyze(text);
    let d = DigestOptions::default();
    let cands = khabar::digest::keyphrase_features(&a, text, &d);
    let f = |name: &str| khabar::digest::KP_FEATURES.iter().position(|x| *x == name).unwrap();
    let find = |w: &str| {
        cands
            .iter()
            .find(|c| c.text.contains(w))
            .unwrap_or_else(|| panic!("{w} in {:?}", cands.iter().map(|c| &c.text).collect::<Vec<_>>()))
    };
    let plan = find("خطة");
    assert_eq!((plan.features[f("announced")], plan.features[f("announced_obj")]), (1.0, 1.0), "{}", plan.text);
    let gov = find("الحكومة");
    assert_eq!((gov.features[f("announced")], gov.features[f("announced_obj")]), (1.0, 0.0), "{}", gov.text);
    let sign = find("توقيع");
    assert_eq!((sign.features[f("announce_head")], sign.features[f("masdar")], sign.features[f("announced")]), (1.0, 1.0, 0.0));
    let minister = find("الوزير");
    assert_eq!(minister.features[f("announced")], 0.0, "a reporting verb (قال) is not in the class");
    assert!(cands.iter().all(|c| c.features.iter().all(|x| x.is_finite())));
}

#[test]
fn masdar_shapes_are_derived_verbal_nouns() {
    use khabar::digest::{masdar_shape, word_key};
    let key = |w: &str| {
        let mut k = String::new();
        word_key(w, &mut k);
        k
    };
    for w in ["توقيع", "تنمية", "مشاركة", "إعلان", "تعاون", "اجتماع", "انسحاب", "استثمار"] {
        assert!(masdar_shape(&key(w)), "{w}");
    }
    for w in ["حكومة", "رئيس", "كوريا", "مدينة", "شراكة"] {
        assert!(!masdar_shape(&key(w)), "{w}");
    }
}

/// The headline-rate features (docs/digest.md, session 10): a word news headlines often repeat
/// from the body (حريق, a fire) gets a higher `head_max` than one they rarely do (مساحة, an
/// area); every feature is finite; the default (`head_max` 0.4 since session 10, the other two
/// 0) gives the same list as those weights set explicitly.
#[test]
fn head_rate_features_prefer_headline_words() {
    let text = "اندلع حريق كبير في منطقة الباحة صباح اليوم. وقال مسؤول إن الحريق أتى على مساحة واسعة من الغابات.";
    let a = Analyzer::default().analyze(text);
    let d = DigestOptions::default();
    let cands = khabar::digest::keyphrase_features(&a, text, &d);
    let f = khabar::digest::KP_FEATURES.iter().position(|x| *x == "head_max").unwrap();
    let find = |w: &str| {
        cands
            .iter()
            .find(|c| c.text.contains(w))
            .unwrap_or_else(|| panic!("{w} in {:?}", cands.iter().map(|c| &c.text).collect::<Vec<_>>()))
    };
    assert!(find("حريق").features[f] > find("مساحة").features[f]);
    assert!(cands.iter().all(|c| c.features.iter().all(|x| x.is_finite())));
    let mut same = DigestOptions::default();
    same.set_weights("kp.head_max=0.4,kp.head_mean=0,kp.head_sum=0").unwrap();
    assert_eq!(Analyzer::default().with_digest_options(same).analyze(text).keyphrases, a.keyphrases);
    let mut off = DigestOptions::default();
    off.set_weights("kp.head_max=0").unwrap();
    let b = Analyzer::default().with_digest_options(off).analyze(text);
    assert!(b.keyphrases.iter().flat_map(|k| &k.spans).all(|s| text.get(s.start..s.end).is_some()));
}
